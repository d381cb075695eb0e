//! Security breaches stored as cases of their own (kind `breach`), on SQLite and on
//! PostgreSQL, each test on a fresh database: the folio sequence per body, apart from the
//! body's requests; the log and projection, rebuilt after reopening; refusals that write
//! nothing; `verify` on a sound and on a tampered projection; an export moved to the
//! other backend and compared.

#[macro_use]
mod common;

use arco::breach::{
    AffectedRight, BreachAct, BreachCause, BreachKind, BreachState, DataCategory, Measure,
    MeasureStage, NoticeMeans, Recipient, sample_notice,
};
use arco::calendar::Moment;
use arco::case::{Actor, DeadlineStatus, Role};
use arco::request::Right;
use arco::service::{BREACH_KIND, Registry, ServiceError};
use arco::storage::transfer;
use arco::storage::{Database, Store};
use chrono::{DateTime, FixedOffset, Utc};
use common::{Backend, TestDb, exec, scalar};

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn t(s: &str) -> DateTime<FixedOffset> {
    s.parse().unwrap()
}

fn staff() -> Actor {
    Actor::new("ana", Role::UnitStaff)
}

fn detection() -> BreachAct {
    BreachAct::BreachDetected { occurred_on: None }
}

/// A breach of UT detected Tue 2026-02-10 at 09:00, confirmed at 22:15 (due Fri 02-13 at
/// 22:15), analysed significant, notified to both, remedied and closed.
async fn closed_breach(reg: &Registry<Database>) -> String {
    let d = reg
        .detect_breach(
            "UT",
            "mx-jalisco",
            detection(),
            at("2026-02-10T09:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap();
    let folio = d.folio.clone();
    for (act, when) in [
        (
            BreachAct::BreachConfirmed {
                kind: BreachKind::Theft,
                cause: BreachCause::PhysicalLoss,
                occurred_on: Some("2026-02-09".parse().unwrap()),
                data: vec![DataCategory::Health],
                titulars: Some(40),
            },
            "2026-02-10T22:15",
        ),
        (
            BreachAct::BreachAnalysed {
                significant: true,
                rights: vec![AffectedRight::Moral],
                reason: None,
            },
            "2026-02-11T09:00",
        ),
        (
            BreachAct::GuarantorNotified {
                notice: sample_notice(),
            },
            "2026-02-12T10:00",
        ),
        (
            BreachAct::TitularsNotified {
                notice: sample_notice(),
                means: NoticeMeans::Personal,
                count: 40,
                completes: true,
            },
            // Sat 02-14 at 08:00: after the 72 hours, recorded and flagged late.
            "2026-02-14T08:00",
        ),
        (
            BreachAct::CorrectiveMeasures {
                stage: MeasureStage::Definitive,
                measures: vec![Measure::Encryption],
            },
            "2026-02-20T10:00",
        ),
        (BreachAct::BreachClosed, "2026-02-23T10:00"),
    ] {
        reg.act_breach(&folio, act, at(when), &staff(), now())
            .await
            .unwrap_or_else(|e| panic!("{when}: {e}"));
    }
    folio
}

on_both_backends!(breaches_have_their_own_folio_sequence_per_body);
async fn breaches_have_their_own_folio_sequence_per_body(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let request = |body: &'static str| {
        let reg = &reg;
        async move {
            reg.file_request(
                body,
                "mx-jalisco",
                Right::Access,
                at("2026-02-05T10:00"),
                &staff(),
                now(),
            )
            .await
            .unwrap()
            .folio
        }
    };
    let breach = |body: &'static str, when: &'static str| {
        let reg = &reg;
        async move {
            let later: DateTime<Utc> = "2027-06-01T12:00:00Z".parse().unwrap();
            reg.detect_breach(body, "mx-jalisco", detection(), at(when), &staff(), later)
                .await
                .unwrap()
                .folio
        }
    };
    assert_eq!(request("UT").await, "UT-ARCO-2026-00001");
    assert_eq!(breach("UT", "2026-02-05T11:00").await, "UT-VS-2026-00001");
    assert_eq!(breach("UT", "2026-02-06T23:30").await, "UT-VS-2026-00002");
    assert_eq!(breach("DIF", "2026-02-06T10:00").await, "DIF-VS-2026-00001");
    // The requests' numbering did not move.
    assert_eq!(request("UT").await, "UT-ARCO-2026-00002");
    // The year is that of the act's own date: 31 Dec at 23:30 is still 2026 (a breach
    // is not moved to the next business day).
    assert_eq!(breach("UT", "2026-12-31T23:30").await, "UT-VS-2026-00003");
    assert_eq!(breach("UT", "2027-01-01T00:30").await, "UT-VS-2027-00001");
    // The kind is stored.
    let (record, log) = reg.store().load("UT-VS-2026-00001").await.unwrap();
    assert_eq!(record.kind, BREACH_KIND);
    assert_eq!(log.len(), 1);
    assert_eq!(record.projection.state, "detected");
    // A breach writes no rows of the deadlines table (its terms are due at an instant).
    assert_eq!(
        scalar(
            reg.store(),
            "SELECT COUNT(*) FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE c.kind = 'breach'"
        )
        .await,
        0
    );
}

on_both_backends!(a_breach_is_rebuilt_from_its_log_and_verified);
async fn a_breach_is_rebuilt_from_its_log_and_verified(backend: Backend) {
    let db = TestDb::new(backend);
    let folio = closed_breach(&db.registry().await).await;
    // Reopened: the same breach, its terms at any instant.
    let reg = db.registry().await;
    let d = reg
        .show_breach(&folio, Some(t("2026-02-13T12:00:00-06:00")), now())
        .await
        .unwrap();
    assert_eq!(d.state, BreachState::Closed);
    assert_eq!(d.breach.acts.len(), 7);
    assert_eq!(d.log.len(), 7);
    let of = |r: Recipient| d.deadlines.iter().find(|x| x.to == r).unwrap();
    assert_eq!(of(Recipient::Guarantor).status, DeadlineStatus::Met);
    assert_eq!(of(Recipient::Titulars).status, DeadlineStatus::Late);
    assert_eq!(of(Recipient::Titulars).due, t("2026-02-13T22:15:00-06:00"));
    assert!(d.log[4].late, "the late notice is flagged in the log");
    assert_eq!(d.log.iter().filter(|e| e.late).count(), 1);
    assert!(d.bitacora.late_notice);
    assert_eq!(d.bitacora.cause, Some(BreachCause::PhysicalLoss));
    // The log's effective date of an act is its own date, not the next business day.
    assert_eq!(d.log[4].effective_on.to_string(), "2026-02-14");
    // Sound: verify finds nothing.
    let report = reg.verify().await.unwrap();
    assert_eq!(
        (report.checked, report.differences.len()),
        (1, 0),
        "{:?}",
        report.differences
    );
    // A refused act writes nothing.
    let e = reg
        .act_breach(
            &folio,
            BreachAct::BreachClosed,
            at("2026-02-24T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::BreachRefused { .. }), "{e}");
    let (record, _) = reg.store().load(&folio).await.unwrap();
    assert_eq!(record.version, 7);
    // An act in the future is refused too.
    let e = reg
        .act_breach(
            &folio,
            BreachAct::InvestigationOpened,
            at("2027-01-05T10:00"),
            &Actor::new("og", Role::Guarantor),
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::InFuture { .. }), "{e}");
    // Who may do what next: only the guarantor's investigation.
    assert_eq!(
        reg.allowed_breach_acts(&folio, Role::Guarantor, at("2026-03-01T10:00"))
            .await
            .unwrap(),
        [arco::breach::BreachActKind::InvestigationOpened]
    );
    // Tampered: the stored state no longer matches its log.
    exec(
        reg.store(),
        "UPDATE cases SET state = 'significant' WHERE kind = 'breach'",
    )
    .await
    .unwrap();
    let report = reg.verify().await.unwrap();
    assert_eq!(report.differences.len(), 1, "{:?}", report.differences);
    assert!(
        report.differences[0]
            .1
            .contains("estado guardado «significant»")
    );
    // A breach is not a request, nor the other way round.
    let request = reg
        .file_request(
            "UT",
            "mx-jalisco",
            Right::Access,
            at("2026-02-05T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap()
        .folio;
    let e = reg.show_breach(&request, None, now()).await.unwrap_err();
    assert!(e.to_string().contains("no una vulneración"), "{e}");
}

on_both_backends!(a_breach_moves_to_the_other_backend_unchanged);
async fn a_breach_moves_to_the_other_backend_unchanged(from: Backend) {
    let src = TestDb::new(from);
    let reg = src.registry().await;
    let folio = closed_breach(&reg).await;
    let file = src.file("export.jsonl");
    let counts = transfer::export(
        reg.store(),
        "origen",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(counts.cases, 1);
    let to = match from {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    };
    let dst = TestDb::new(to);
    let target = dst.store().await;
    transfer::import(&target, &file, |_| {}).await.unwrap();
    let cmp = transfer::compare(&target, &file).await.unwrap();
    assert_eq!(
        (cmp.cases, cmp.differences.len()),
        (1, 0),
        "{:?}",
        cmp.differences
    );
    let reg2 = dst.registry().await;
    let a = reg.show_breach(&folio, None, now()).await.unwrap();
    let b = reg2.show_breach(&folio, None, now()).await.unwrap();
    assert_eq!(a.breach, b.breach);
    assert_eq!(reg2.verify().await.unwrap().differences.len(), 0);
    // The folio sequence came along: the next breach of UT is the second.
    let next = reg2
        .detect_breach(
            "UT",
            "mx-jalisco",
            detection(),
            at("2026-03-01T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap()
        .folio;
    assert_eq!(next, "UT-VS-2026-00002");
}

fn arco_db(db: &TestDb, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ARCO_DATABASE_URL", &db.url)
        .output()
        .expect("arco runs")
}

on_both_backends_sync!(the_command_line_records_and_shows_a_breach);
fn the_command_line_records_and_shows_a_breach(backend: Backend) {
    let db = TestDb::new(backend);
    let out = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let o = arco_db(
        &db,
        &[
            "breach",
            "detect",
            "--body",
            "SEJ",
            "--at",
            "2026-03-13T18:00",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).starts_with("Vulneración registrada: SEJ-VS-2026-00001\n"),
        "{}",
        out(&o)
    );
    let o = arco_db(
        &db,
        &[
            "breach",
            "act",
            "SEJ-VS-2026-00001",
            "breach_confirmed",
            "--fields",
            r#"{"kind":"theft","cause":"physical_loss","titulars":40}"#,
            "--at",
            "2026-03-14T09:00",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o)
            .contains("vence el 2026-03-17 a las 09:00 (en ese instante, no a la hora de cierre)"),
        "{}",
        out(&o)
    );
    // The breach tick by hand, a dry run at 10:00 the day after the confirmation (the
    // 72 hours run to 2026-03-17 09:00, UTC-06:00): one message, nothing written.
    let config =
        std::env::temp_dir().join(format!("arco-breach-alerts-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        "[recipients.default]\nunit = [\"ut@sej.gob.mx\"]\n",
    )
    .unwrap();
    let tick = |dry: bool| {
        let mut args = vec![
            "alerts",
            "breaches",
            "--at",
            "2026-03-15T10:00:00-06:00",
            "--config",
            config.to_str().unwrap(),
        ];
        if dry {
            args.push("--dry-run");
        }
        arco_db(&db, &args)
    };
    let o = tick(true);
    assert!(o.status.success(), "{}", err(&o));
    for part in [
        "Avisos de vulneraciones: 1 por umbral, 1 nuevos (simulación",
        "Para: ut@sej.gob.mx",
        "Vence en 47 h 00 min: Aviso de vulneración de seguridad: pendiente a los titulares y al órgano garante (art. 40)",
        "Vence: 2026-03-17 09:00 (martes, UTC-06:00)",
    ] {
        assert!(out(&o).contains(part), "«{part}» in {}", out(&o));
    }
    // Without a mail server the real tick does not start, and says why.
    let o = tick(false);
    assert!(!o.status.success());
    assert!(
        err(&o).contains("falta el servidor de correo"),
        "{}",
        err(&o)
    );
    std::fs::remove_file(&config).ok();
    // A field the act does not have (a titular's name, say) is refused, naming it.
    let o = arco_db(
        &db,
        &[
            "breach",
            "act",
            "SEJ-VS-2026-00001",
            "breach_analysed",
            "--fields",
            r#"{"significant":true,"rights":["moral"],"nombre":"Juan"}"#,
            "--at",
            "2026-03-14T10:00",
        ],
    );
    assert!(!o.status.success());
    assert!(err(&o).contains("«nombre»"), "{}", err(&o));
    // Closing before the analysis: refused, citing art. 40.
    let o = arco_db(
        &db,
        &[
            "breach",
            "act",
            "SEJ-VS-2026-00001",
            "breach_closed",
            "--at",
            "2026-03-14T10:00",
        ],
    );
    assert!(!o.status.success());
    assert!(err(&o).contains("art. 40"), "{}", err(&o));
    let o = arco_db(
        &db,
        &[
            "breach",
            "show",
            "SEJ-VS-2026-00001",
            "--as-of",
            "2026-03-17T09:01:00-06:00",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["state"], "confirmed");
    assert_eq!(v["deadlines"][0]["due"], "2026-03-17T09:00:00-06:00");
    assert_eq!(v["deadlines"][0]["status"], "missed");
    let o = arco_db(&db, &["verify"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("0 diferencias"), "{}", out(&o));
}

const HISTORY: &str = r#"{"calendar": "mx-jalisco", "as_of": "2026-03-17T09:01:00-06:00",
 "events": [
   {"act": "breach_detected", "at": "2026-03-13T18:00"},
   {"act": "breach_confirmed", "at": "2026-03-14T09:00", "kind": "theft",
    "cause": "physical_loss", "titulars": 40},
   {"act": "breach_analysed", "at": "2026-03-14T16:00", "significant": true,
    "rights": ["moral"]},
   {"act": "guarantor_notified", "at": "2026-03-16T13:00",
    "notice": {"nature": "theft", "data": ["health"], "recommendations": ["watch_phishing"],
               "immediate_actions": ["access_revoked"], "information": ["phone"]}}
 ]}"#;

#[test]
fn a_history_replays_without_a_database() {
    use arco::breach::replay::{BreachHistory, BreachReplayError, replay};
    let books = arco::rules::Rulebooks::builtin().unwrap();
    let loader = arco::calendar::CalendarLoader::default();
    let h = BreachHistory::from_json(HISTORY).unwrap();
    let v = replay(&h, &loader, &books, now()).unwrap();
    assert_eq!(v.state, BreachState::Significant);
    // At 09:01 on Tue 03-17 (72 h after Sat 09:00): the guarantor's met, the titulares'
    // missed.
    assert_eq!(v.as_of, t("2026-03-17T09:01:00-06:00"));
    let of = |r: Recipient| v.deadlines.iter().find(|x| x.to == r).unwrap().status;
    assert_eq!(of(Recipient::Guarantor), DeadlineStatus::Met);
    assert_eq!(of(Recipient::Titulars), DeadlineStatus::Missed);
    assert!(
        v.breach
            .acts
            .iter()
            .all(|a| a.actor.role == Role::Migration)
    );
    // Errors name the event.
    let bad = HISTORY.replace("\"rights\": [\"moral\"]", "\"rights\": []");
    let e = replay(
        &BreachHistory::from_json(&bad).unwrap(),
        &loader,
        &books,
        now(),
    )
    .unwrap_err();
    assert!(
        matches!(e, BreachReplayError::Refused { index: 3, .. }),
        "{e}"
    );
    assert!(
        e.to_string().starts_with("evento 3 («breach_analysed»)"),
        "{e}"
    );
    let bad = HISTORY.replace(
        "\"at\": \"2026-03-13T18:00\"",
        "\"en\": \"2026-03-13T18:00\"",
    );
    let e = replay(
        &BreachHistory::from_json(&bad).unwrap(),
        &loader,
        &books,
        now(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("evento 1: falta «at»"), "{e}");
    // An act after the moment of the import is refused.
    let e = replay(
        &BreachHistory::from_json(HISTORY).unwrap(),
        &loader,
        &books,
        "2026-03-15T00:00:00Z".parse().unwrap(),
    )
    .unwrap_err();
    assert!(
        matches!(e, BreachReplayError::InFuture { index: 4, .. }),
        "{e}"
    );
    // Unknown top-level fields are errors.
    let e = BreachHistory::from_json(&HISTORY.replacen('{', "{\"titular\": \"Ana\", ", 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("titular"), "{e}");
}

on_both_backends!(a_history_is_imported_as_a_new_breach);
async fn a_history_is_imported_as_a_new_breach(backend: Backend) {
    use arco::breach::replay::BreachHistory;
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let h = BreachHistory::from_json(HISTORY).unwrap();
    let record = reg.import_breach(&h, "SEJ", now()).await.unwrap();
    assert_eq!(record.folio, "SEJ-VS-2026-00001");
    assert_eq!(record.version, 4);
    let d = reg
        .show_breach(&record.folio, Some(t("2026-03-16T12:00:00-06:00")), now())
        .await
        .unwrap();
    assert_eq!(d.state, BreachState::Significant);
    assert!(
        d.deadlines
            .iter()
            .all(|x| x.due == t("2026-03-17T09:00:00-06:00"))
    );
    // The import can go on with new acts, and verifies.
    reg.act_breach(
        &record.folio,
        BreachAct::TitularsNotified {
            notice: sample_notice(),
            means: NoticeMeans::Post,
            count: 40,
            completes: true,
        },
        at("2026-03-17T08:00"),
        &staff(),
        now(),
    )
    .await
    .unwrap();
    let report = reg.verify().await.unwrap();
    assert_eq!(report.differences.len(), 0, "{:?}", report.differences);
    // A refused history stores nothing.
    let bad = HISTORY.replace("\"rights\": [\"moral\"]", "\"rights\": []");
    let e = reg
        .import_breach(&BreachHistory::from_json(&bad).unwrap(), "SEJ", now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("evento 3"), "{e}");
    assert_eq!(reg.store().folios().await.unwrap().len(), 1);
}
