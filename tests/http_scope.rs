//! Scope and completeness of what the API answers: outsiders cannot tell which folios
//! exist, overdue duties always reach "my due items" and the calendar feed, errors inside an
//! act name the field, a guarantor's auditor sees its appeals, and filters are checked.

mod common;
mod http_common;

use common::Backend;

use http_common::start;
use serde_json::json;

const FILED: &str = "2026-02-05T10:00";

on_both_backends!(
    another_bodys_folio_is_not_confirmed_to_exist,
    tokio::test(flavor = "multi_thread")
);
/// A caller outside a body gets the same 404 for that body's existing folio as for one
/// that does not exist: the answer does not tell that the case exists.
async fn another_bodys_folio_is_not_confirmed_to_exist(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let ghost = "SEJ-ARCO-2026-00777";
    let denied = s.denied_request().await;
    let rr = s
        .file_appeal("sej.staff", &denied, "guarantor", "2026-02-20T10:00")
        .await
        .str("folio");
    for (path_of, user) in [
        (format!("/v1/requests/{f}"), "ssj.staff"),
        (format!("/v1/requests/{f}/acuse"), "otro.guarantor"),
        (format!("/v1/appeals/{rr}"), "otro.guarantor"),
    ] {
        let (f, ghost) = if path_of.contains("/appeals/") {
            (rr.as_str(), "ITEI-RR-2026-00777")
        } else {
            (f.as_str(), ghost)
        };
        let exists = s.get(&path_of, user).await;
        let missing = s.get(&path_of.replace(f, ghost), user).await;
        let a = exists.problem(404);
        let b = missing.problem(404);
        assert_eq!(a["type"], b["type"]);
        assert_eq!(a["title"], b["title"]);
        assert_eq!(
            a["detail"].as_str().unwrap().replace(f, "«»"),
            b["detail"].as_str().unwrap().replace(ghost, "«»"),
            "{path_of} como {user}"
        );
    }
}

on_both_backends!(
    due_items_always_include_overdue_terms,
    tokio::test(flavor = "multi_thread")
);
/// `DueQuery` says "overdue ones always count": a case whose admission is overdue must be
/// among the due items even when its next pending term falls after the window.
async fn due_items_always_include_overdue_terms(backend: Backend) {
    let s = start(backend).await;
    let a = s.file("sej.staff", "SEJ", FILED).await;
    // Admission was due on 10 Feb; on the 11th it is overdue.
    let shown = s
        .get(&format!("/v1/requests/{a}?as_of=2026-02-11"), "sej.staff")
        .await
        .json();
    assert_eq!(shown["deadlines"]["admission"]["status"], "missed");
    let v = s
        .get("/v1/due?as_of=2026-02-11&within=1", "sej.staff")
        .await
        .json();
    let items = v["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["folio"] == a.as_str()),
        "el plazo vencido de {a} no aparece: {v}"
    );
    // The list's own filter says the same case is overdue on that date.
    let l = s
        .get("/v1/requests?as_of=2026-02-11&overdue=true", "sej.staff")
        .await
        .json();
    assert_eq!(l["items"][0]["folio"], a.as_str(), "{l}");
}

on_both_backends!(
    the_feed_shows_overdue_terms,
    tokio::test(flavor = "multi_thread")
);
/// The feed is documented as "the next 90 days and every overdue term"; a case with an
/// overdue term must have an event (the summary prefixed "VENCIDO: ").
async fn the_feed_shows_overdue_terms(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let url = s
        .post("/v1/me/feed", "sej.staff", &json!({}))
        .await
        .str("url");
    let text = s
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let text = text.replace("\r\n ", "");
    assert!(text.contains("BEGIN:VEVENT"), "{text}");
    assert!(text.contains(&f), "{text}");
    assert!(text.contains("VENCIDO"), "{text}");
}

on_both_backends!(
    a_bad_value_inside_an_act_names_its_field,
    tokio::test(flavor = "multi_thread")
);
/// The problem document promises the input field at fault, e.g. `act.outcome`.
async fn a_bad_value_inside_an_act_names_its_field(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    s.act_ok(
        "sej.staff",
        &f,
        json!({"act": "admitted"}),
        "2026-02-06T10:00",
    )
    .await;
    let p = s
        .act(
            "sej.committee",
            &f,
            json!({"act": "resolved", "outcome": "maybe"}),
            "2026-02-12T10:00",
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "act.outcome", "{p}");
}

on_both_backends!(
    a_guarantors_auditor_lists_its_appeals,
    tokio::test(flavor = "multi_thread")
);
/// An auditor of a guarantor reads its appeals (`Principal::may_appeal`: auditors at the
/// guarantor), so its list and due items must hold them.
async fn a_guarantors_auditor_lists_its_appeals(backend: Backend) {
    let s = start(backend).await;
    let denied = s.denied_request().await;
    let rr = s
        .file_appeal("sej.staff", &denied, "guarantor", "2026-02-20T10:00")
        .await
        .str("folio");
    s.get(&format!("/v1/appeals/{rr}"), "itei.auditor")
        .await
        .expect(200);
    let l = s.get("/v1/appeals", "itei.auditor").await.json();
    assert_eq!(l["items"][0]["folio"], rr.as_str(), "{l}");
    let d = s
        .get("/v1/due?as_of=2026-02-23&within=366", "itei.auditor")
        .await
        .json();
    assert_eq!(d["items"][0]["folio"], rr.as_str(), "{d}");
}

on_both_backends!(
    unknown_states_and_dates_out_of_range_are_refused,
    tokio::test(flavor = "multi_thread")
);
/// Filters are checked: an unknown state or a date arco cannot compute on is a 422
/// naming the parameter, on every list.
async fn unknown_states_and_dates_out_of_range_are_refused(backend: Backend) {
    let s = start(backend).await;
    for path in [
        "/v1/requests?state=admitted,volando",
        "/v1/appeals?state=volando",
        "/v1/due?as_of=1900-01-01",
        "/v1/requests?as_of=2200-01-01",
    ] {
        let p = s.get(path, "sej.staff").await.problem(422);
        let field = p["field"].as_str().unwrap_or_default();
        assert!(path.contains(field) && !field.is_empty(), "{path}: {p}");
    }
    // A known state still lists.
    s.get("/v1/requests?state=admitted,filed", "sej.staff")
        .await
        .expect(200);
}
