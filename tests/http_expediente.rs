//! Issue 14 over HTTP, on both backends: the expediente endpoints with the scope and role
//! rules of the rest of the API, the filing's reception channel and external folio (and the
//! search by it), and the identity guard as a problem document citing art. 88.1.III.

mod common;
mod http_common;

use common::Backend;
use http_common::start;
use serde_json::json;

async fn expediente_endpoints_check_scope_and_roles(b: Backend) {
    let s = start(b).await;
    let r = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": "2026-11-02T10:00", "channel": "pnt",
                    "external_folio": "140287926000123"}),
        )
        .await;
    r.expect(201);
    let folio = r.str("folio");
    assert_eq!(r.json()["reception"]["channel"], "pnt");
    // Searchable by the external folio, only within scope.
    let found = s
        .get("/v1/requests?external_folio=140287926000123", "sej.staff")
        .await;
    found.expect(200);
    assert_eq!(found.json()["items"][0]["folio"], folio.as_str());
    let other = s
        .get("/v1/requests?external_folio=140287926000123", "ssj.staff")
        .await;
    assert_eq!(other.json()["items"].as_array().unwrap().len(), 0);
    s.get("/v1/requests?external_folio=a<b", "sej.staff")
        .await
        .problem(422);
    // Bad channel, named.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "channel": "fax"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "channel");

    let path = |x: &str| format!("/v1/requests/{folio}/{x}");
    // Assignment by the UT; the Comité and auditors may not; another body gets 404.
    let r = s
        .put(
            &path("assignment"),
            "sej.head",
            &json!({"assignee": "sej.staff", "area": "Dirección de Personal"}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    s.put(
        &path("assignment"),
        "sej.committee",
        &json!({"assignee": null}),
    )
    .await
    .problem(403);
    s.put(&path("assignment"), "sej.auditor", &json!({"area": null}))
        .await
        .problem(403);
    s.put(&path("assignment"), "ssj.staff", &json!({"assignee": null}))
        .await
        .problem(404);
    let p = s
        .put(
            &path("assignment"),
            "sej.head",
            &json!({"assignee": "sej.committee"}),
        )
        .await
        .problem(422);
    assert!(
        p["detail"].as_str().unwrap().contains("sej.committee"),
        "{p}"
    );
    let p = s
        .put(&path("assignment"), "sej.head", &json!({"asignado": "x"}))
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("asignado"), "{p}");
    // "mine" now means assigned to me.
    let mine = s.get("/v1/requests?mine=true", "sej.staff").await;
    assert_eq!(mine.json()["items"].as_array().unwrap().len(), 1);
    let mine = s.get("/v1/requests?mine=true", "sej.head").await;
    assert_eq!(mine.json()["items"].as_array().unwrap().len(), 0);

    s.post(
        &path("non-cooperation"),
        "sej.staff",
        &json!({"area": "Dirección de Personal"}),
    )
    .await
    .expect(201);
    // Notes: the UT and the Comité write, auditors read, the guarantor does not see them.
    let n = s
        .post(
            &path("notes"),
            "sej.committee",
            &json!({"text": "Revisar con el área jurídica."}),
        )
        .await;
    n.expect(201);
    let id = n.json()["id"].as_i64().unwrap();
    s.post(
        &path("notes"),
        "sej.staff",
        &json!({"text": "Hecho.", "corrects": id}),
    )
    .await
    .expect(201);
    s.post(&path("notes"), "sej.auditor", &json!({"text": "x"}))
        .await
        .problem(403);
    s.post(&path("notes"), "sej.staff", &json!({"text": "  "}))
        .await
        .problem(422);
    let e = s.get(&path("expediente"), "sej.auditor").await;
    e.expect(200);
    let v = e.json();
    assert_eq!(v["assignment"]["assignee"], "sej.staff");
    assert_eq!(v["notes"].as_array().unwrap().len(), 2);
    assert_eq!(v["notes"][1]["corrects"], id);
    assert_eq!(v["records"].as_array().unwrap().len(), 3);
    let g = s.get(&path("expediente"), "itei.guarantor").await;
    g.expect(200);
    assert!(g.json()["notes"].is_null(), "{}", g.text);
    s.get(&path("expediente"), "ssj.staff").await.problem(404);
    // Notes never reach the acuse.
    let acuse = s.get(&path("acuse"), "sej.staff").await;
    acuse.expect(200);
    assert!(!acuse.text.contains("área jurídica"));
}
on_both_backends!(expediente_endpoints_check_scope_and_roles);

async fn delivery_without_accreditation_is_a_problem_citing_the_article(b: Backend) {
    let s = start(b).await;
    let folio = s.file("sej.staff", "SEJ", "2026-11-02T10:00").await;
    s.act_ok(
        "sej.staff",
        &folio,
        json!({"act": "admitted"}),
        "2026-11-03T10:00",
    )
    .await;
    s.act_ok(
        "sej.committee",
        &folio,
        json!({"act": "resolved", "outcome": "granted"}),
        "2026-11-05T10:00",
    )
    .await;
    s.act_ok(
        "sej.staff",
        &folio,
        json!({"act": "resolution_notified"}),
        "2026-11-06T10:00",
    )
    .await;
    let p = s
        .act(
            "sej.staff",
            &folio,
            json!({"act": "fulfilled"}),
            "2026-11-09T10:00",
        )
        .await
        .problem(409);
    assert!(p["detail"].as_str().unwrap().contains("88.1.III"), "{p}");
    let p = s
        .act("sej.staff", &folio, json!({"act": "identity_accredited", "standing": "representative", "means": "official_id"}), "2026-11-09T10:00")
        .await
        .problem(422);
    assert_eq!(p["field"], "instrument");
    s.act_ok(
        "sej.staff",
        &folio,
        json!({"act": "identity_accredited", "standing": "titular", "means": "electronic"}),
        "2026-11-09T10:00",
    )
    .await;
    let r = s
        .act(
            "sej.staff",
            &folio,
            json!({"act": "fulfilled", "delivery": {"modality": "simple_copy", "pages": 30, "page_cost": 100, "shipping_cost": 2000, "waived": true}}),
            "2026-11-10T10:00",
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["amount_due"], 0);
    assert_eq!(r.json()["identity"]["means"], "electronic");
}
on_both_backends!(delivery_without_accreditation_is_a_problem_citing_the_article);
