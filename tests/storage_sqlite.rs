//! The SQLite store: folios, the append-only log, conflicts, verify, import atomicity.
//! Each test uses its own fresh database file.

use arco::calendar::{CalendarLoader, Moment};
use arco::case::{Actor, Role};
use arco::request::replay::History;
use arco::request::{Outcome, RequestAct, RequestState, Right};
use arco::rules::Rulebooks;
use arco::service::{Registry, ServiceError};
use arco::storage::{ListFilter, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};

fn fresh_url(tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!(
        "arco-store-{tag}-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite:{}", dir.join("arco.db").display())
}

async fn registry(url: &str) -> Registry<SqliteStore> {
    let store = SqliteStore::open(url).await.unwrap();
    Registry::new(
        store,
        CalendarLoader::default(),
        Rulebooks::builtin().unwrap(),
    )
}

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn staff() -> Actor {
    Actor::new("ana", Role::UnitStaff)
}

#[tokio::test]
async fn folios_are_progressive_per_body_and_year() {
    let url = fresh_url("folio");
    let reg = registry(&url).await;
    let file = |body: &'static str, when: &'static str| {
        let reg = &reg;
        async move {
            let later: DateTime<Utc> = "2027-06-01T12:00:00Z".parse().unwrap();
            reg.file_request(body, "mx-jalisco", Right::Access, at(when), &staff(), later)
                .await
                .unwrap()
                .folio
        }
    };
    assert_eq!(file("SEJ", "2026-02-05T10:00").await, "SEJ-ARCO-2026-00001");
    assert_eq!(file("SEJ", "2026-02-06T10:00").await, "SEJ-ARCO-2026-00002");
    assert_eq!(file("DIF", "2026-02-06T10:00").await, "DIF-ARCO-2026-00001");
    // The year is that of the effective filing date: 31 Dec after hours is 2027.
    assert_eq!(file("SEJ", "2026-12-31T16:00").await, "SEJ-ARCO-2027-00001");
    assert_eq!(file("SEJ", "2026-03-01T10:00").await, "SEJ-ARCO-2026-00003");
}

#[tokio::test]
async fn the_log_is_append_only_and_survives_reopening() {
    let url = fresh_url("log");
    let folio = {
        let reg = registry(&url).await;
        let f = reg
            .file_request(
                "UT",
                "mx-jalisco",
                Right::Cancellation,
                at("2026-02-05T10:00"),
                &staff(),
                now(),
            )
            .await
            .unwrap()
            .folio;
        reg.act(
            &f,
            RequestAct::Admitted,
            at("2026-02-06T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap();
        reg.store().pool().close().await;
        f
    };
    let reg = registry(&url).await;
    let (case, log) = reg.store().load(&folio).await.unwrap();
    assert_eq!(case.version, 2);
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].event.act, "admitted");
    assert_eq!(log[1].event.actor, "ana");
    assert_eq!(case.projection.state, "admitted");

    let pool = reg.store().pool();
    let e = sqlx::query("UPDATE events SET act = 'resolved' WHERE seq = 2")
        .execute(pool)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("el registro de actos no se modifica"),
        "{e}"
    );
    let e = sqlx::query("DELETE FROM events")
        .execute(pool)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("el registro de actos no se borra"),
        "{e}"
    );
    assert_eq!(reg.store().load(&folio).await.unwrap().1.len(), 2);
}

#[tokio::test]
async fn two_staff_acting_at_once_one_wins_one_conflicts() {
    let url = fresh_url("conflict");
    let reg = registry(&url).await;
    let folio = reg
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
    // Both read version 1.
    let (case, log) = reg.store().load(&folio).await.unwrap();
    let (case2, _) = reg.store().load(&folio).await.unwrap();
    let event = |act: &str| arco::storage::NewEvent {
        act: act.into(),
        payload: serde_json::json!({"act": act}),
        actor: "x".into(),
        role: Role::UnitStaff,
        occurred_at: "2026-02-06".into(),
        effective_on: "2026-02-06".parse().unwrap(),
        late: false,
        recorded_at: now(),
        rulebook: "lpdppsoj-2017".into(),
    };
    let mut projection = case.projection.clone();
    projection.state = "admitted".into();
    let first = reg
        .store()
        .append(
            &case,
            log.len() as i64,
            event("admitted"),
            projection.clone(),
        )
        .await;
    let second = reg
        .store()
        .append(
            &case2,
            log.len() as i64,
            event("prevention_notified"),
            projection,
        )
        .await;
    assert_eq!(first.unwrap(), 2);
    match second {
        Err(StoreError::Conflict {
            expected, actual, ..
        }) => assert_eq!((expected, actual), (1, 2)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let (case, log) = reg.store().load(&folio).await.unwrap();
    assert_eq!(case.version, 2);
    assert_eq!(
        log.iter().map(|e| e.event.act.as_str()).collect::<Vec<_>>(),
        ["filed", "admitted"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_acts_exactly_one_applies() {
    let url = fresh_url("race");
    let reg = std::sync::Arc::new(registry(&url).await);
    let folio = reg
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
    let mut tasks = Vec::new();
    for i in 0..8 {
        let reg = reg.clone();
        let folio = folio.clone();
        tasks.push(tokio::spawn(async move {
            let actor = Actor::new(format!("staff-{i}"), Role::UnitStaff);
            reg.act(
                &folio,
                RequestAct::Admitted,
                at("2026-02-06T10:00"),
                &actor,
                now(),
            )
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            // Lost the race: a conflict, or (read after the winner) admission refused.
            Err(ServiceError::Store(StoreError::Conflict { .. }))
            | Err(ServiceError::Refused { .. }) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(ok, 1);
    let (case, log) = reg.store().load(&folio).await.unwrap();
    assert_eq!((case.version, log.len()), (2, 2));
    assert!(reg.verify().await.unwrap().differences.is_empty());
}

#[tokio::test]
async fn verify_finds_a_tampered_projection() {
    let url = fresh_url("verify");
    let reg = registry(&url).await;
    let folio = reg
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
    reg.act(
        &folio,
        RequestAct::Admitted,
        at("2026-02-06T10:00"),
        &staff(),
        now(),
    )
    .await
    .unwrap();
    let comite = Actor::new("comite", Role::Committee);
    reg.act(
        &folio,
        RequestAct::Resolved {
            outcome: Outcome::Denied,
        },
        at("2026-02-10T10:00"),
        &comite,
        now(),
    )
    .await
    .unwrap();
    let report = reg.verify().await.unwrap();
    assert_eq!((report.checked, report.differences.len()), (1, 0));

    sqlx::query("UPDATE cases SET state = 'closed'")
        .execute(reg.store().pool())
        .await
        .unwrap();
    sqlx::query("UPDATE deadlines SET due = '2026-12-31' WHERE term = 'resolution'")
        .execute(reg.store().pool())
        .await
        .unwrap();
    let report = reg.verify().await.unwrap();
    let text: Vec<&str> = report.differences.iter().map(|(_, d)| d.as_str()).collect();
    assert!(
        text.iter()
            .any(|d| d.contains("estado guardado «closed», reconstruido «resolved»")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|d| d.contains("plazo «resolution»") && d.contains("2026-12-31")),
        "{text:?}"
    );
}

#[tokio::test]
async fn refused_acts_and_rejected_imports_write_nothing() {
    let url = fresh_url("atomic");
    let reg = registry(&url).await;
    let folio = reg
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
    let e = reg
        .act(
            &folio,
            RequestAct::ResolutionNotified,
            at("2026-02-06T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("no procede en el estado «filed»"),
        "{e}"
    );
    let e = reg
        .act(
            &folio,
            RequestAct::Admitted,
            at("2026-12-06T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("posterior al momento del registro"),
        "{e}"
    );
    assert_eq!(reg.store().load(&folio).await.unwrap().1.len(), 1);

    let bad = History::from_json(
        r#"{"calendar": "mx-jalisco", "right": "access", "events": [
            {"act": "filed", "at": "2026-02-05"}, {"act": "resolved", "at": "2026-02-06", "outcome": "granted"}]}"#,
    )
    .unwrap();
    assert!(reg.import(&bad, "UT", None, now()).await.is_err());
    assert_eq!(reg.store().folios().await.unwrap().len(), 1);

    let good =
        History::from_json(include_str!("../examples/histories/issue-example.json")).unwrap();
    let rec = reg
        .import(&good, "UT", Some("HIST-2026-1".into()), now())
        .await
        .unwrap();
    assert_eq!(rec.version, 7);
    // The same folio twice: refused, nothing written.
    let e = reg
        .import(&good, "UT", Some("HIST-2026-1".into()), now())
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("ya existe un expediente con el folio «HIST-2026-1»"),
        "{e}"
    );
    assert_eq!(reg.store().folios().await.unwrap().len(), 2);
    assert!(reg.verify().await.unwrap().differences.is_empty());
}

#[tokio::test]
async fn lists_filter_by_state_due_date_and_overdue() {
    let url = fresh_url("list");
    let reg = registry(&url).await;
    let a = reg
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
    let b = reg
        .file_request(
            "UT",
            "mx-jalisco",
            Right::Opposition,
            at("2026-03-02T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap()
        .folio;
    reg.act(
        &b,
        RequestAct::PreventionNotified,
        at("2026-03-03T10:00"),
        &staff(),
        now(),
    )
    .await
    .unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    // On 4 March: a (never admitted) is overdue; b is prevented, not overdue.
    let all = reg
        .list(&ListFilter::default(), d("2026-03-04"), false)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let overdue = reg
        .list(&ListFilter::default(), d("2026-03-04"), true)
        .await
        .unwrap();
    assert_eq!(
        overdue.iter().map(|c| c.folio.as_str()).collect::<Vec<_>>(),
        [a.as_str()]
    );
    assert!(overdue[0].overdue.contains(&arco::rules::TermId::Admission));
    // On 11 March b's prevention has lapsed (reply due 10 March): state not_presented.
    let f = ListFilter {
        states: vec!["not_presented".into()],
        ..Default::default()
    };
    let lapsed = reg.list(&f, d("2026-03-11"), false).await.unwrap();
    assert_eq!(lapsed.len(), 1);
    assert_eq!(
        (lapsed[0].folio.as_str(), lapsed[0].state),
        (b.as_str(), RequestState::NotPresented)
    );
    let f = ListFilter {
        states: vec!["prevented".into()],
        ..Default::default()
    };
    assert_eq!(reg.list(&f, d("2026-03-04"), false).await.unwrap().len(), 1);
    assert_eq!(reg.list(&f, d("2026-03-11"), false).await.unwrap().len(), 0);
}
