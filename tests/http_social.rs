//! The register of social-media accounts and requests about a publication through the API
//! (issue 18), on SQLite and PostgreSQL: registration and changes with who may make them,
//! a takeover that opens a linked breach, the public directory without sign-in (JSON and
//! CSV), and a request pointing at a post, kept apart and erasable, with the warning of a
//! removal without preservation.

mod common;
mod http_common;

use common::Backend;
use http_common::{Server, start};
use serde_json::{Value, json};

fn official() -> Value {
    json!({"on": "2026-01-12", "change": {"change": "registered", "platform": "x", "handle": "@SEJalisco", "url": "https://x.com/SEJalisco", "kind": "official", "area": "Comunicación Social"}})
}

async fn registered(s: &Server) -> i64 {
    let r = s
        .post("/v1/social-accounts", "sej.staff", &official())
        .await;
    r.expect(201);
    r.json()["id"].as_i64().unwrap()
}

on_both_backends!(
    the_register_through_the_api,
    tokio::test(flavor = "multi_thread")
);
async fn the_register_through_the_api(backend: Backend) {
    let s = start(backend).await;
    let id = registered(&s).await;
    // The same handle again: 409.
    s.post("/v1/social-accounts", "sej.staff", &official())
        .await
        .problem(409);
    // The Comité reads but does not register; another body's staff does not see it.
    s.post("/v1/social-accounts", "sej.committee", &official())
        .await
        .problem(403);
    s.get(&format!("/v1/social-accounts/{id}"), "sej.committee")
        .await
        .expect(200);
    s.get(&format!("/v1/social-accounts/{id}"), "ssj.staff")
        .await
        .problem(404);
    // Changes, with their dates and who made them.
    let path = format!("/v1/social-accounts/{id}/changes");
    let r = s
        .post(
            &path,
            "sej.staff",
            &json!({"on": "2026-01-12", "change": {"change": "gestor_added", "name": "Luis Gómez", "kind": "servant", "position": "Jefe de Redes", "email": "luis.gomez@sej.gob.mx"}}),
        )
        .await;
    r.expect(200);
    // The gestor's address is kept for the alerts, never answered.
    assert!(!r.text.contains("luis.gomez@"), "{}", r.text);
    let r = s
        .post(
            &path,
            "sej.staff",
            &json!({"on": "2026-03-02", "change": {"change": "gestor_left", "gestor": 1}}),
        )
        .await;
    r.expect(200);
    let a = r.json();
    assert_eq!(a["version"], 3, "{a}");
    assert_eq!(a["account"]["rotation_owed_since"], "2026-03-02", "{a}");
    assert_eq!(
        a["account"]["changes"][2]["actor"]["id"], "sej.staff",
        "{a}"
    );
    // A password is not a field of any change; an unknown change is named.
    let p = s
        .post(
            &path,
            "sej.staff",
            &json!({"change": {"change": "passwords_rotated", "password": "secreta"}}),
        )
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("password"), "{p}");
    let p = s
        .post(&path, "sej.staff", &json!({"change": {"change": "hacked"}}))
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("change"), "{p}");
    s.post(
        &path,
        "sej.auditor",
        &json!({"change": {"change": "passwords_rotated"}}),
    )
    .await
    .problem(403);
    // The list: the body's; the guarantor sees the bodies it supervises.
    let l = s.get("/v1/social-accounts", "itei.guarantor").await;
    l.expect(200);
    assert_eq!(l.json()["items"][0]["handle"], "@SEJalisco");
    let l = s.get("/v1/social-accounts", "ssj.staff").await;
    assert_eq!(l.json()["items"].as_array().unwrap().len(), 0);
    // The public directory needs no token; its CSV has the account (a cell starting with
    // «@» is quoted so that no spreadsheet reads it as a formula).
    let d = s
        .get_with("/v1/directory/social-accounts?body=SEJ", None)
        .await;
    d.expect(200);
    assert_eq!(d.json()["items"][0]["kind"], "cuenta oficial");
    let c = s
        .get_with("/v1/directory/social-accounts?format=csv", None)
        .await;
    c.expect(200);
    assert!(c.text.contains("SEJ,X (Twitter),'@SEJalisco,https://x.com/SEJalisco,cuenta oficial,sí,Comunicación Social,sin verificar,"), "{}", c.text);
    s.get_with("/v1/directory/social-accounts?format=xml", None)
        .await
        .problem(422);
    // A takeover opens a breach of the body, linked to the account.
    let r = s
        .post(
            &format!("/v1/social-accounts/{id}/compromised"),
            "sej.staff",
            &json!({"at": "2026-03-05T08:30"}),
        )
        .await;
    r.expect(201);
    let folio = r.str("folio");
    assert!(folio.starts_with("SEJ-VS-2026-"), "{folio}");
    let a = s
        .get(&format!("/v1/social-accounts/{id}"), "sej.staff")
        .await
        .json();
    assert_eq!(a["account"]["breaches"][0], folio.as_str(), "{a}");
    // The former gestor's data are erased: only by the body's UT; the history keeps the
    // number.
    let erase = format!("/v1/social-accounts/{id}/gestores/1/erase");
    s.post(&erase, "sej.auditor", &json!({})).await.problem(403);
    s.post(&erase, "ssj.staff", &json!({})).await.problem(404);
    s.post(
        &format!("/v1/social-accounts/{id}/gestores/9/erase"),
        "sej.staff",
        &json!({}),
    )
    .await
    .problem(422);
    let r = s.post(&erase, "sej.staff", &json!({})).await;
    r.expect(200);
    let a = r.json();
    assert_eq!(
        a["account"]["gestores"][0]["name"], "(nombre suprimido)",
        "{a}"
    );
    assert!(!r.text.contains("Luis"), "{}", r.text);
    assert_eq!(
        a["account"]["changes"][1]["change"]["change"], "gestor_added",
        "{a}"
    );
}

on_both_backends!(
    a_request_about_a_post_through_the_api,
    tokio::test(flavor = "multi_thread")
);
async fn a_request_about_a_post_through_the_api(backend: Backend) {
    let s = start(backend).await;
    let id = registered(&s).await;
    let folio = s.file("sej.staff", "SEJ", "2026-03-02T10:00").await;
    let path = format!("/v1/requests/{folio}/publication");
    let r = s.get(&path, "sej.staff").await;
    r.expect(200);
    assert_eq!(r.json(), json!({"publication": null}));
    let post = "https://x.com/SEJalisco/status/1890000000000000001";
    let r = s
        .put(
            &path,
            "sej.staff",
            &json!({"account_id": id, "post": post, "captured_at": "2026-03-01T18:20"}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["post"], post);
    s.put(
        &path,
        "sej.auditor",
        &json!({"account_id": id, "post": post}),
    )
    .await
    .problem(403);
    s.get(&path, "ssj.staff").await.problem(404);
    let r = s
        .post(
            &format!("{path}/action"),
            "sej.staff",
            &json!({"action": "removed", "preserved": false, "on": "2026-03-09"}),
        )
        .await;
    r.expect(200);
    assert!(
        r.json()["warning"]
            .as_str()
            .is_some_and(|w| w.contains("Décima séptima")),
        "{}",
        r.text
    );
    s.post(
        &format!("{path}/action"),
        "sej.staff",
        &json!({"action": "burned", "preserved": true}),
    )
    .await
    .problem(422);
    let r = s.delete(&path, "sej.staff").await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        s.get(&path, "sej.staff").await.json(),
        json!({"publication": null})
    );
}
