//! Documents of the expediente through the API, on both backends: upload (raw body, type
//! sniffed), list, download with its headers, the scope of downloads, the identity guard,
//! refusals as problem documents, the purge reserved to the administration, and the
//! OpenAPI document naming the routes.

mod common;
mod http_common;

use common::Backend;
use http_common::*;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

async fn upload(s: &Server, user: &str, path: &str, ctype: &str, body: &[u8]) -> Resp {
    let res = s
        .client
        .post(s.url(path))
        .bearer_auth(s.token(user))
        .header(reqwest::header::CONTENT_TYPE, ctype)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let ctype = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Resp {
        status,
        ctype,
        headers,
        text: res.text().await.unwrap(),
    }
}

async fn documents_api(backend: Backend) {
    let s = start_configured(backend, false, |c| c.documents_max_bytes = 1000).await;
    let folio = s
        .file("sej.staff", "SEJ", "2026-02-05T10:00:00-06:00")
        .await;
    let base = format!("/v1/requests/{folio}/documents");
    let octets = "application/octet-stream";

    // Declared as an image, named .png: stored as what it is, a PDF.
    let r = upload(
        &s,
        "sej.staff",
        &format!("{base}?kind=identity&filename=ine%20frente.png&act=1"),
        "application/octet-stream; x=y",
        PDF,
    )
    .await;
    r.expect(201);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.str("media_type"), "application/pdf");
    assert_eq!(r.str("filename"), "ine frente.png");
    assert_eq!(r.json()["sensitive"], true);
    let r = upload(
        &s,
        "sej.committee",
        &format!("{base}?kind=resolution"),
        octets,
        b"Resuelve: procede.\n",
    )
    .await;
    r.expect(201);
    let res_id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.str("media_type"), "text/plain; charset=utf-8");

    // Download: the content, as an attachment that nothing renders in place.
    let r = s.get(&format!("{base}/{id}"), "sej.staff").await;
    r.expect(200);
    assert_eq!(r.text.as_bytes(), PDF);
    assert_eq!(r.ctype, "application/pdf");
    let h = |k: &str| {
        r.headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        h("content-disposition").starts_with("attachment;"),
        "{}",
        h("content-disposition")
    );
    assert!(h("content-disposition").contains("filename*=UTF-8''ine%20frente.png"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert!(h("content-security-policy").contains("sandbox"));
    assert_eq!(h("cache-control"), "no-store");

    // The identity guard: the Comité and the auditor see only the resolution.
    for user in ["sej.committee", "sej.auditor", "itei.guarantor", "admin"] {
        let l = s.get(&base, user).await;
        l.expect(200);
        let ids: Vec<i64> = l.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![res_id], "{user}");
        s.get(&format!("{base}/{id}"), user).await.problem(404);
        s.get(&format!("{base}/{res_id}"), user).await.expect(200);
    }
    let l = s.get(&base, "sej.head").await;
    assert_eq!(l.json()["items"].as_array().unwrap().len(), 2);

    // Scope: another body, another guarantor: not found, every time.
    for user in ["ssj.staff", "otro.guarantor", "itei.auditor"] {
        s.get(&base, user).await.problem(404);
        s.get(&format!("{base}/{res_id}"), user).await.problem(404);
    }
    upload(&s, "ssj.staff", &format!("{base}?kind=other"), octets, PDF)
        .await
        .problem(404);
    // Through the appeals' routes a request is not found.
    s.get(&format!("/v1/appeals/{folio}/documents"), "sej.staff")
        .await
        .problem(404);
    s.get_with(&base, None).await.problem(401);

    // Refusals.
    let p = upload(
        &s,
        "sej.staff",
        &format!("{base}?kind=other"),
        "application/json",
        PDF,
    )
    .await
    .problem(415);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("application/octet-stream")
    );
    let p = upload(
        &s,
        "sej.staff",
        &format!("{base}?kind=pasaporte"),
        octets,
        PDF,
    )
    .await
    .problem(422);
    assert_eq!(p["field"], "kind");
    let p = upload(
        &s,
        "sej.staff",
        &format!("{base}?kind=other"),
        octets,
        &[b'a'; 1001],
    )
    .await
    .problem(413);
    assert!(p["detail"].as_str().unwrap().contains("1000"), "{p}");
    let p = upload(&s, "sej.staff", &format!("{base}?kind=other"), octets, b"")
        .await
        .problem(422);
    assert_eq!(p["field"], "content");
    let p = upload(
        &s,
        "sej.staff",
        &format!("{base}?kind=other"),
        octets,
        b"MZ\x90\0\x03\0\0\0\x04\0",
    )
    .await
    .problem(422);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("no es de un tipo admitido")
    );
    let p = upload(
        &s,
        "sej.staff",
        &format!("{base}?kind=other&act=7"),
        octets,
        PDF,
    )
    .await
    .problem(422);
    assert_eq!(p["field"], "act");
    upload(
        &s,
        "sej.committee",
        &format!("{base}?kind=identity"),
        octets,
        PDF,
    )
    .await
    .problem(403);
    upload(
        &s,
        "sej.auditor",
        &format!("{base}?kind=other"),
        octets,
        PDF,
    )
    .await
    .problem(403);
    s.get(&format!("{base}/999999"), "sej.staff")
        .await
        .problem(404);
    s.get(&format!("{base}/abc"), "sej.staff")
        .await
        .problem(404);
    let l = s.get(&base, "sej.staff").await;
    assert_eq!(l.json()["items"].as_array().unwrap().len(), 2);

    // The purge: the administration only; an open case keeps its identity document.
    s.post(
        "/v1/admin/documents/purge",
        "sej.head",
        &serde_json::json!({}),
    )
    .await
    .problem(403);
    let r = s
        .post("/v1/admin/documents/purge", "admin", &serde_json::json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.json()["purged"], serde_json::json!([]));
    assert_eq!(r.json()["kept"], 1);
    s.get(&format!("{base}/{id}"), "sej.staff")
        .await
        .expect(200);

    // The OpenAPI document names the routes.
    let api = s.get_with("/openapi.json", None).await.json();
    for p in [
        "/v1/requests/{folio}/documents",
        "/v1/requests/{folio}/documents/{id}",
        "/v1/appeals/{folio}/documents",
        "/v1/appeals/{folio}/documents/{id}",
        "/v1/admin/documents/purge",
    ] {
        assert!(api["paths"][p].is_object(), "{p}");
    }
}
on_both_backends!(documents_api);
