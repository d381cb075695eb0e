//! Security breaches through the API (issue 17): the whole procedure with its 72 hours
//! (arts. 38–43), a late notice, refusals that name the state, the act or the field, who
//! may read and act (one scope check, `src/service/breach_access.rs`), and the bitácora of
//! art. 39 as JSON and CSV. Moments are fixed past dates in March and April 2026, on the
//! Jalisco calendar (America/Mexico_City, UTC−06:00 all year).

mod common;
mod http_common;

use common::Backend;
use http_common::{Resp, Server, start};
use serde_json::{Value, json};

fn notice() -> Value {
    json!({
        "nature": "theft",
        "data": ["identification", "contact"],
        "recommendations": ["watch_phishing"],
        "immediate_actions": ["access_revoked"],
        "information": ["email", "office"],
    })
}

async fn detect(s: &Server, user: &str, body: &str, at: &str) -> Resp {
    s.post(
        "/v1/breaches",
        user,
        &json!({"body": body, "at": at, "act": {"act": "breach_detected", "occurred_on": "2026-03-12"}}),
    )
    .await
}

async fn act(s: &Server, user: &str, folio: &str, act: Value, at: &str) -> Resp {
    s.post(
        &format!("/v1/breaches/{folio}/acts"),
        user,
        &json!({"act": act, "at": at}),
    )
    .await
}

/// Records an act as SEJ's staff; panics unless 200. The breach after it.
async fn act_ok(s: &Server, folio: &str, a: Value, at: &str) -> Value {
    let r = act(s, "sej.staff", folio, a, at).await;
    r.expect(200);
    r.json()
}

fn deadline<'a>(d: &'a Value, to: &str) -> &'a Value {
    d["deadlines"]
        .as_array()
        .unwrap_or_else(|| panic!("sin deadlines: {d}"))
        .iter()
        .find(|t| t["to"] == to)
        .unwrap_or_else(|| panic!("sin plazo para {to}: {d}"))
}

fn acts_of(r: &Resp) -> Vec<String> {
    r.json()["acts"]
        .as_array()
        .unwrap_or_else(|| panic!("sin acts: {}", r.text))
        .iter()
        .map(|a| {
            assert!(!a["label"].as_str().unwrap().is_empty(), "{a}");
            a["act"].as_str().unwrap().to_string()
        })
        .collect()
}

fn folios(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("sin {key}: {v}"))
        .iter()
        .map(|i| i["folio"].as_str().unwrap().to_string())
        .collect()
}

/// SEJ's first breach, taken through the whole procedure with the role rules checked at
/// each step. Its folio.
async fn whole_procedure(s: &Server) -> String {
    // Detection (art. 39) by the UT: 201, its own folio sequence.
    let r = detect(s, "sej.staff", "SEJ", "2026-03-13T18:00").await;
    r.expect(201);
    let d = r.json();
    let f = d["folio"].as_str().unwrap().to_string();
    assert_eq!(f, "SEJ-VS-2026-00001");
    assert_eq!(d["state"], "detected");
    assert_eq!(d["deadlines"], json!([]), "sin confirmar no corren horas");
    assert_eq!(d["bitacora"]["occurred_on"], "2026-03-12");

    // What the UT may record now; the auditor only reads; another body's staff does not
    // even learn the folio exists.
    let allowed = format!("/v1/breaches/{f}/acts?at=2026-03-13T19:00");
    let staff = s.get(&allowed, "sej.staff").await;
    staff.expect(200);
    let acts = acts_of(&staff);
    for a in [
        "breach_confirmed",
        "breach_discarded",
        "corrective_measures",
    ] {
        assert!(acts.iter().any(|x| x == a), "{a} en {acts:?}");
    }
    for a in ["breach_detected", "breach_closed", "guarantor_notified"] {
        assert!(!acts.iter().any(|x| x == a), "{a} en {acts:?}");
    }
    let auditor = s.get(&allowed, "sej.auditor").await;
    auditor.expect(200);
    assert_eq!(acts_of(&auditor), Vec::<String>::new());
    s.get(&allowed, "ssj.staff").await.problem(404);

    // Confirmation: the 72 natural hours start (art. 40), due at an instant.
    let d = act_ok(
        s,
        &f,
        json!({"act": "breach_confirmed", "kind": "theft", "cause": "physical_loss", "data": ["identification"], "titulars": 40}),
        "2026-03-14T09:00",
    )
    .await;
    assert_eq!(d["state"], "confirmed");
    for to in ["titulars", "guarantor"] {
        let t = deadline(&d, to);
        assert_eq!(t["hours"], 72, "{t}");
        assert_eq!(t["due"], "2026-03-17T09:00:00-06:00", "{t}");
        // Shown now (long after): nothing given, so missed.
        assert_eq!(t["status"], "missed", "{t}");
    }
    // Shown before the hours run out: pending.
    let before = s
        .get(
            &format!("/v1/breaches/{f}?as_of=2026-03-17T08:59"),
            "sej.staff",
        )
        .await;
    before.expect(200);
    assert_eq!(deadline(&before.json(), "guarantor")["status"], "pending");
    assert_eq!(
        before.json()["as_of"],
        "2026-03-17T08:59:00-06:00",
        "{}",
        before.text
    );
    // A date alone is no instant.
    let p = s
        .get(&format!("/v1/breaches/{f}?as_of=2026-03-17"), "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "as_of");

    // Before the notice the breach is the responsable's alone: the guarantor gets 404.
    let show = format!("/v1/breaches/{f}");
    let p = s.get(&show, "itei.guarantor").await.problem(404);
    assert!(p["detail"].as_str().unwrap().contains(&f), "{p}");
    let p = act(
        s,
        "itei.guarantor",
        &f,
        json!({"act": "investigation_opened"}),
        "2026-03-14T10:00",
    )
    .await
    .problem(404);
    assert_eq!(p["type"], "urn:arco:problema:no-encontrado");
    // Comité and auditor read; the auditor may not act; the administrator reads all.
    for reader in ["sej.committee", "sej.auditor", "admin"] {
        let r = s.get(&show, reader).await;
        r.expect(200);
        assert_eq!(r.str("folio"), f);
    }
    for (user, status) in [("sej.auditor", 403), ("admin", 403), ("ssj.staff", 404)] {
        let before = s.get(&show, "sej.staff").await.json()["log"]
            .as_array()
            .unwrap()
            .len();
        act(
            s,
            user,
            &f,
            json!({"act": "breach_analysed", "significant": true, "rights": ["moral"]}),
            "2026-03-14T12:00",
        )
        .await
        .problem(status);
        let after = s.get(&show, "sej.staff").await.json()["log"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(after, before, "{user}: nada se registró");
    }
    s.get(&show, "ssj.staff").await.problem(404);

    // Analysis: it affects the titulares' rights significantly; notices are owed.
    let d = act_ok(
        s,
        &f,
        json!({"act": "breach_analysed", "significant": true, "rights": ["moral"]}),
        "2026-03-14T12:00",
    )
    .await;
    assert_eq!(d["state"], "significant");
    // Closing now is refused: the notices owed are pending (art. 40).
    let p = act(
        s,
        "sej.staff",
        &f,
        json!({"act": "breach_closed"}),
        "2026-03-14T13:00",
    )
    .await
    .problem(409);
    assert_eq!(p["type"], "urn:arco:problema:acto-improcedente");
    assert!(p["detail"].as_str().unwrap().contains("art. 40"), "{p}");

    // The notice to the guarantor, with the contents of art. 41 as fields, in time.
    let d = act_ok(
        s,
        &f,
        json!({"act": "guarantor_notified", "notice": notice()}),
        "2026-03-15T10:00",
    )
    .await;
    assert_eq!(d["state"], "significant", "los titulares aún no");
    assert_eq!(deadline(&d, "guarantor")["status"], "met");
    assert_eq!(d["breach"]["guarantor_notice"]["late"], false);

    // Now the guarantor reads it, and may open its investigation (art. 43); another
    // guarantor still gets 404, and the guarantor records none of the UT's acts.
    let g = s.get(&show, "itei.guarantor").await;
    g.expect(200);
    assert_eq!(g.str("folio"), f);
    s.get(&show, "otro.guarantor").await.problem(404);
    let g_allowed = s
        .get(
            &format!("/v1/breaches/{f}/acts?at=2026-03-15T11:00"),
            "itei.guarantor",
        )
        .await;
    g_allowed.expect(200);
    assert_eq!(
        acts_of(&g_allowed),
        vec!["investigation_opened".to_string()]
    );
    act(
        s,
        "itei.guarantor",
        &f,
        json!({"act": "titulars_notified", "notice": notice(), "means": "email", "count": 40, "completes": true}),
        "2026-03-15T11:00",
    )
    .await
    .problem(403);
    let r = act(
        s,
        "itei.guarantor",
        &f,
        json!({"act": "investigation_opened"}),
        "2026-03-15T12:00",
    )
    .await;
    r.expect(200);
    assert_eq!(r.json()["breach"]["investigation"]["status"], "open");

    // The notice to the titulares, completed in one part; corrective measures; closing.
    let d = act_ok(
        s,
        &f,
        json!({"act": "titulars_notified", "notice": notice(), "means": "email", "count": 40, "completes": true}),
        "2026-03-16T10:00",
    )
    .await;
    assert_eq!(d["state"], "notified");
    assert_eq!(deadline(&d, "titulars")["status"], "met");
    let d = act_ok(
        s,
        &f,
        json!({"act": "corrective_measures", "stage": "definitive", "measures": ["vulnerability_fixed", "staff_training"]}),
        "2026-03-20T10:00",
    )
    .await;
    assert_eq!(d["state"], "remedied");
    let d = act_ok(s, &f, json!({"act": "breach_closed"}), "2026-03-21T10:00").await;
    assert_eq!(d["state"], "closed");
    assert_eq!(d["bitacora"]["late_notice"], false);
    assert_eq!(d["bitacora"]["titulars_reached"], 40);
    assert_eq!(
        d["bitacora"]["definitive_measures"],
        json!(["vulnerability_fixed", "staff_training"])
    );
    let log = d["log"].as_array().unwrap();
    assert_eq!(log.len(), 8, "{d}");
    assert!(log.iter().all(|e| e["late"] == false), "{d}");
    f
}

/// SEJ's second breach: a refused act, refused fields, then the notice to the titulares
/// after the 72 hours, recorded and flagged late; no notice to the guarantor. Its folio.
async fn late_notice(s: &Server) -> String {
    let r = detect(s, "sej.head", "SEJ", "2026-04-01T08:00").await;
    r.expect(201);
    let f = r.str("folio");
    assert!(f.starts_with("SEJ-VS-2026-"), "{f}");
    let show = format!("/v1/breaches/{f}");

    // An act refused in the state: typed, naming the state and the act; nothing written.
    let p = act(
        s,
        "sej.staff",
        &f,
        json!({"act": "breach_closed"}),
        "2026-04-01T08:30",
    )
    .await
    .problem(409);
    assert_eq!(p["type"], "urn:arco:problema:acto-improcedente");
    assert_eq!(
        p["refused"],
        json!({"state": "detected", "act": "breach_closed"}),
        "{p}"
    );
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("«breach_closed»") && detail.contains("«detected»"),
        "{detail}"
    );

    // Unknown fields are refused, naming them: in the act, in the body; a bad category.
    let p = act(
        s,
        "sej.staff",
        &f,
        json!({"act": "breach_confirmed", "kind": "theft", "cause": "unknown", "description": "Juan Pérez perdió una USB"}),
        "2026-04-01T09:00",
    )
    .await
    .problem(422);
    assert_eq!(p["field"], "act.description", "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("«description»"),
        "{p}"
    );
    let p = s
        .post(
            &format!("/v1/breaches/{f}/acts"),
            "sej.staff",
            &json!({"act": {"act": "breach_discarded"}, "at": "2026-04-01T09:00", "note": "x"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "note", "{p}");
    let p = act(
        s,
        "sej.staff",
        &f,
        json!({"act": "breach_confirmed", "kind": "leak", "cause": "unknown"}),
        "2026-04-01T09:00",
    )
    .await
    .problem(422);
    assert_eq!(p["field"], "act.kind", "{p}");
    let p = act(
        s,
        "sej.staff",
        &f,
        json!({"act": "breach_detected"}),
        "2026-04-01T09:00",
    )
    .await
    .problem(422);
    assert_eq!(p["field"], "act.act", "{p}");
    let still = s.get(&show, "sej.staff").await;
    assert_eq!(still.json()["log"].as_array().unwrap().len(), 1);
    assert_eq!(still.str("state"), "detected");

    // Confirmed at 09:00 on 1 April: the hours run out at 09:00 on 4 April (a Saturday:
    // natural hours count weekends).
    let d = act_ok(
        s,
        &f,
        json!({"act": "breach_confirmed", "kind": "unauthorised_access", "cause": "external_attack", "data": ["financial"]}),
        "2026-04-01T09:00",
    )
    .await;
    assert_eq!(deadline(&d, "titulars")["due"], "2026-04-04T09:00:00-06:00");
    let at_due = s
        .get(
            &format!("{show}?as_of=2026-04-04T09:00:00-06:00"),
            "sej.staff",
        )
        .await
        .json();
    assert_eq!(deadline(&at_due, "titulars")["status"], "pending");
    let past_due = s
        .get(&format!("{show}?as_of=2026-04-04T09:01"), "sej.staff")
        .await
        .json();
    assert_eq!(deadline(&past_due, "titulars")["status"], "missed");
    act_ok(
        s,
        &f,
        json!({"act": "breach_analysed", "significant": true, "rights": ["patrimonial"]}),
        "2026-04-01T12:00",
    )
    .await;
    // A public notice on 5 April, after the 72 hours: recorded, flagged late.
    let d = act_ok(
        s,
        &f,
        json!({"act": "titulars_notified", "notice": notice(), "means": "publication", "count": 0, "completes": true}),
        "2026-04-05T10:00",
    )
    .await;
    assert_eq!(deadline(&d, "titulars")["status"], "late", "{d}");
    assert_eq!(deadline(&d, "guarantor")["status"], "missed", "{d}");
    assert_eq!(d["breach"]["titular_notices"][0]["late"], true);
    assert_eq!(d["log"].as_array().unwrap().last().unwrap()["late"], true);
    assert_eq!(d["bitacora"]["late_notice"], true);
    // Never notified to the guarantor: it does not see it.
    s.get(&show, "itei.guarantor").await.problem(404);
    f
}

on_both_backends!(
    a_breach_runs_its_whole_procedure_through_the_api,
    tokio::test(flavor = "multi_thread")
);
async fn a_breach_runs_its_whole_procedure_through_the_api(backend: Backend) {
    let s = start(backend).await;
    whole_procedure(&s).await;
}

on_both_backends!(
    a_late_notice_is_flagged_and_refusals_name_state_act_and_field,
    tokio::test(flavor = "multi_thread")
);
async fn a_late_notice_is_flagged_and_refusals_name_state_act_and_field(backend: Backend) {
    let s = start(backend).await;
    late_notice(&s).await;
}

on_both_backends!(
    only_the_bodys_ut_detects_a_breach,
    tokio::test(flavor = "multi_thread")
);
async fn only_the_bodys_ut_detects_a_breach(backend: Backend) {
    let s = start(backend).await;
    for user in [
        "sej.committee",
        "sej.auditor",
        "ssj.staff",
        "itei.guarantor",
        "admin",
    ] {
        let p = detect(&s, user, "SEJ", "2026-03-13T18:00")
            .await
            .problem(403);
        assert_eq!(p["type"], "urn:arco:problema:sin-permiso", "{user}: {p}");
    }
    let p = detect(&s, "sej.staff", "NOEXISTE", "2026-03-13T18:00")
        .await
        .problem(403);
    assert!(p["detail"].as_str().unwrap().contains("NOEXISTE"), "{p}");
    // The first act must be the detection; unknown fields are refused, naming them.
    let p = s
        .post(
            "/v1/breaches",
            "sej.staff",
            &json!({"act": {"act": "breach_closed"}, "at": "2026-03-13T18:00"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "act.act", "{p}");
    let p = s
        .post(
            "/v1/breaches",
            "sej.staff",
            &json!({"act": {"act": "breach_detected"}, "titular": "Juan Pérez"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "titular", "{p}");
    let p = s
        .post(
            "/v1/breaches",
            "sej.staff",
            &json!({"act": {"act": "breach_detected"}, "at": "2099-01-01T10:00"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "at", "{p}");
    // Without `body`, the caller's own; without a token, 401.
    let r = s
        .post(
            "/v1/breaches",
            "ssj.staff",
            &json!({"act": {"act": "breach_detected"}, "at": "2026-03-13T18:00"}),
        )
        .await;
    r.expect(201);
    assert_eq!(r.str("body"), "SSJ");
    assert_eq!(r.str("folio"), "SSJ-VS-2026-00001");
    s.get_with("/v1/breaches", None).await.problem(401);
}

on_both_backends!(
    the_bitacora_is_json_or_csv_in_the_callers_scope,
    tokio::test(flavor = "multi_thread")
);
async fn the_bitacora_is_json_or_csv_in_the_callers_scope(backend: Backend) {
    let s = start(backend).await;
    let first = whole_procedure(&s).await;
    let second = late_notice(&s).await;
    assert_eq!(second, "SEJ-VS-2026-00002", "la secuencia de folios sigue");
    let both = vec![first.clone(), second.clone()];

    // The caller's breaches.
    for (user, want) in [
        ("sej.staff", both.clone()),
        ("sej.auditor", both.clone()),
        ("admin", both.clone()),
        ("itei.guarantor", vec![first.clone()]),
        ("otro.guarantor", vec![]),
        ("ssj.staff", vec![]),
    ] {
        let r = s.get("/v1/breaches", user).await;
        r.expect(200);
        assert_eq!(folios(&r.json(), "items"), want, "{user}");
    }
    let r = s.get("/v1/breaches?from=2026-04-01", "sej.staff").await;
    assert_eq!(folios(&r.json(), "items"), vec![second.clone()]);
    let r = s.get("/v1/breaches?body=SSJ", "admin").await;
    assert_eq!(folios(&r.json(), "items"), Vec::<String>::new());
    s.get("/v1/breaches?body=SEJ", "ssj.staff")
        .await
        .problem(403);
    s.get("/v1/breaches?body=MUN", "itei.guarantor")
        .await
        .problem(403);

    // The bitácora as JSON: each line is the library's (`Registry::breach_bitacora`).
    let period = "from=2026-03-01&to=2026-04-30";
    let r = s
        .get(&format!("/v1/reports/breaches?{period}"), "sej.staff")
        .await;
    r.expect(200);
    assert!(r.ctype.starts_with("application/json"), "{}", r.ctype);
    let doc = r.json();
    assert_eq!(doc["from"], "2026-03-01");
    assert_eq!(doc["to"], "2026-04-30");
    assert_eq!(folios(&doc, "lines"), both);
    let library = s
        .app
        .registry
        .breach_bitacora(
            &arco::service::BreachScope::everything(Some("SEJ")),
            arco::service::DetectionPeriod::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        doc["lines"],
        serde_json::to_value(&library).unwrap(),
        "la línea de la API es la de la biblioteca"
    );
    let lines = doc["lines"].as_array().unwrap();
    assert_eq!(lines[0]["late_notice"], false);
    assert_eq!(lines[1]["late_notice"], true);
    assert_eq!(lines[0]["notice_due"], "2026-03-17T09:00:00-06:00");
    assert_eq!(lines[0]["kind"], "theft");
    assert_eq!(lines[0]["state"], "closed");
    let g = s
        .get(&format!("/v1/reports/breaches?{period}"), "itei.guarantor")
        .await
        .json();
    assert_eq!(folios(&g, "lines"), vec![first.clone()]);
    let g = s
        .get("/v1/reports/breaches?from=2026-04-01", "sej.staff")
        .await
        .json();
    assert_eq!(folios(&g, "lines"), vec![second.clone()]);

    // As CSV, by `format` or by `Accept`: UTF-8 with BOM, Spanish headers, one row each.
    let csv = s
        .get(
            &format!("/v1/reports/breaches?{period}&format=csv"),
            "sej.staff",
        )
        .await;
    csv.expect(200);
    assert!(csv.ctype.starts_with("text/csv"), "{}", csv.ctype);
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("bitacora-vulneraciones-2026-03-01-2026-04-30.csv"),
        "{:?}",
        csv.headers
    );
    assert!(csv.text.starts_with('\u{feff}'), "con BOM");
    let mut reader = csv::Reader::from_reader(csv.text.trim_start_matches('\u{feff}').as_bytes());
    let head: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("sin columna {name}: {head:?}"))
    };
    let (folio, late, state) = (col("Folio"), col("Aviso fuera de plazo"), col("Estado"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{}", csv.text);
    assert_eq!(&rows[0][folio], first);
    assert_eq!(&rows[0][late], "no");
    assert_eq!(&rows[0][state], "cerrada");
    assert_eq!(&rows[1][folio], second);
    assert_eq!(&rows[1][late], "sí");
    let by_accept = s
        .send(
            s.client
                .get(s.url(&format!("/v1/reports/breaches?{period}")))
                .bearer_auth(s.token("sej.staff"))
                .header("accept", "text/csv"),
        )
        .await;
    by_accept.expect(200);
    assert!(
        by_accept.ctype.starts_with("text/csv"),
        "{}",
        by_accept.ctype
    );
    assert_eq!(by_accept.text, csv.text);

    // Clear errors, naming the parameter.
    for (query, field) in [
        ("format=xml", "format"),
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("year=2026", "year"),
        ("from=1900-01-01", "from"),
    ] {
        let p = s
            .get(&format!("/v1/reports/breaches?{query}"), "sej.staff")
            .await
            .problem(422);
        assert_eq!(p["field"], field, "{query}: {p}");
    }
    s.get("/v1/reports/breaches?body=SEJ", "ssj.staff")
        .await
        .problem(403);
}

on_both_backends!(
    a_request_act_refused_in_its_state_names_them_too,
    tokio::test(flavor = "multi_thread")
);
/// The `refused` member (state and act) of a refused act is not the breaches' alone.
async fn a_request_act_refused_in_its_state_names_them_too(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", "2026-02-05T10:00").await;
    s.act_ok(
        "sej.staff",
        &f,
        json!({"act": "admitted"}),
        "2026-02-06T10:00",
    )
    .await;
    let p = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "admitted"}),
            "2026-02-09T10:00",
        )
        .await
        .problem(409);
    assert_eq!(p["type"], "urn:arco:problema:acto-improcedente");
    assert_eq!(
        p["refused"],
        json!({"state": "admitted", "act": "admitted"}),
        "{p}"
    );
    // Other problems do not carry it.
    let p = s
        .get("/v1/requests/SEJ-ARCO-2026-09999", "sej.staff")
        .await
        .problem(404);
    assert!(p.get("refused").is_none(), "{p}");
}
