//! The reports through the API (issue 16): the same numbers as the library, the cases
//! behind one, CSV, the register, the caller's scope and clear errors.

mod common;
mod http_common;

use common::Backend;
use http_common::start;
use serde_json::{Value, json};

fn count(doc: &Value, table: &str, metric: &str, column: &str) -> u64 {
    let t = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == table)
        .unwrap_or_else(|| panic!("no table {table}"));
    let c = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["key"] == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let row = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == metric)
        .unwrap_or_else(|| panic!("no row {metric}"));
    assert!(
        !row["definition"].as_str().unwrap().is_empty(),
        "every row is defined"
    );
    row["counts"][c].as_u64().unwrap()
}

on_both_backends!(
    reports_count_in_the_callers_scope,
    tokio::test(flavor = "multi_thread")
);
async fn reports_count_in_the_callers_scope(backend: Backend) {
    let s = start(backend).await;
    // SEJ: two requests in February 2026, one admitted; SSJ: one; MUN (another
    // guarantor's): one.
    let a = s.file("sej.staff", "SEJ", "2026-02-05T10:00").await;
    let b = s.file("sej.staff", "SEJ", "2026-02-09T10:00").await;
    s.act_ok(
        "sej.staff",
        &a,
        json!({"act": "admitted"}),
        "2026-02-06T10:00",
    )
    .await;
    s.file("ssj.staff", "SSJ", "2026-02-10T10:00").await;
    s.file("mun.staff", "MUN", "2026-02-10T10:00").await;
    let feb = "from=2026-02-01&to=2026-02-28";

    let r = s
        .get(&format!("/v1/reports/requests?{feb}"), "sej.staff")
        .await;
    r.expect(200);
    let doc = r.json();
    assert_eq!(doc["cut"], "2026-02-28");
    assert_eq!(count(&doc, "requests", "received", "total"), 2);
    assert_eq!(count(&doc, "requests", "admitted", "total"), 1);
    // Nothing more was done on SEJ's two: b's admission (3 days) and both resolutions
    // (10 days) ran out in February.
    assert_eq!(count(&doc, "timeliness", "term_admission", "met"), 1);
    assert_eq!(count(&doc, "timeliness", "term_admission", "missed"), 1);

    let cases = s
        .get(
            &format!(
                "/v1/reports/requests/cases?{feb}&table=requests&metric=received&column=total"
            ),
            "sej.staff",
        )
        .await;
    cases.expect(200);
    let cases_json = cases.json();
    let folios: Vec<&str> = cases_json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["folio"].as_str().unwrap())
        .collect();
    let mut want = vec![a.as_str(), b.as_str()];
    want.sort();
    assert_eq!(folios, want, "{cases_json}");

    // The guarantor counts the bodies it supervises (SEJ, SSJ), not MUN.
    let g = s
        .get(
            &format!("/v1/reports/requests?{feb}&group_by=body"),
            "itei.guarantor",
        )
        .await
        .json();
    assert_eq!(count(&g, "requests", "received", "total"), 3);
    assert_eq!(count(&g, "requests", "received", "SSJ"), 1);
    s.get(
        &format!("/v1/reports/requests?{feb}&body=MUN"),
        "itei.guarantor",
    )
    .await
    .problem(403);
    s.get(&format!("/v1/reports/requests?{feb}&body=SEJ"), "ssj.staff")
        .await
        .problem(403);
    let admin = s
        .get(&format!("/v1/reports/requests?{feb}"), "admin")
        .await
        .json();
    assert_eq!(count(&admin, "requests", "received", "total"), 4);

    // CSV: a spreadsheet's file, the same count.
    let csv = s
        .get(
            &format!("/v1/reports/requests?{feb}&format=csv"),
            "sej.staff",
        )
        .await;
    csv.expect(200);
    assert!(csv.text.starts_with('\u{feff}'));
    assert!(
        csv.text
            .contains("Solicitudes,Recibidas,received,Total,2\r\n"),
        "{}",
        csv.text
    );
    assert!(
        csv.headers[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let reg = s.get("/v1/reports/register?year=2026", "sej.staff").await;
    reg.expect(200);
    let lines: Vec<&str> = reg.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", reg.text);
    assert!(lines[1].starts_with(&a) || lines[2].starts_with(&a));

    // Errors say what was wrong and where.
    for (q, field) in [
        ("from=2026-03-01&to=2026-02-01", "to"),
        ("year=26", "year"),
        ("year=2026&from=2026-01-01", "year"),
        ("group_by=semana", "group_by"),
        ("format=xml", "format"),
        ("metric=received", "metric"),
    ] {
        let p = s
            .get(&format!("/v1/reports/requests?{q}"), "sej.staff")
            .await
            .problem(422);
        let text = p.to_string();
        assert!(text.contains(field), "{q}: {p}");
    }
    s.get("/v1/reports/requests?bogus=1", "sej.staff")
        .await
        .problem(422);
    s.get(
        &format!("/v1/reports/requests/cases?{feb}&table=requests&metric=nothing&column=total"),
        "sej.staff",
    )
    .await
    .problem(404);
    s.get_with("/v1/reports/requests", None).await.problem(401);
}

on_both_backends!(
    appeal_reports_count_for_both_parties,
    tokio::test(flavor = "multi_thread")
);
/// The appeals report counts an appeal for the guarantor that hears it and for the body
/// whose request it challenges, and for no one else.
async fn appeal_reports_count_for_both_parties(backend: Backend) {
    let s = start(backend).await;
    let denied = s.denied_request().await;
    let rr = s
        .file_appeal("sej.staff", &denied, "guarantor", "2026-02-20T10:00")
        .await
        .str("folio");
    let q = "/v1/reports/appeals?from=2026-02-01&to=2026-03-31";
    for (user, want) in [("itei.guarantor", 1), ("sej.head", 1), ("ssj.staff", 0)] {
        let doc = s.get(q, user).await.json();
        assert_eq!(count(&doc, "appeals", "received", "total"), want, "{user}");
        assert!(
            doc["tables"].as_array().unwrap().len() == 3,
            "appeals, compliance, timeliness"
        );
    }
    let cases = s
        .get(
            &format!("{q}&table=appeals&metric=received&column=total")
                .replace("appeals?", "appeals/cases?"),
            "itei.guarantor",
        )
        .await;
    cases.expect(200);
    let doc = cases.json();
    assert_eq!(doc["cases"][0]["folio"], rr.as_str(), "{doc}");
    assert_eq!(doc["cases"][0]["against"], "SEJ");
    assert_eq!(doc["cases"].as_array().unwrap().len(), 1);
    let csv = s.get(&format!("{q}&format=csv"), "itei.guarantor").await;
    csv.expect(200);
    assert!(csv.text.contains(",received,Total,1\r\n"), "{}", csv.text);
    s.get(
        &format!("{q}&table=requests&metric=received&column=total")
            .replace("appeals?", "appeals/cases?"),
        "itei.guarantor",
    )
    .await
    .problem(422);
}
