//! The stores, on SQLite and on PostgreSQL: folios, the append-only log, conflicts,
//! verify, import atomicity, list filters, migrations. Every test runs on both backends,
//! each time on a fresh database.

#[macro_use]
mod common;

use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::replay::History;
use arco::request::{Outcome, RequestAct, RequestState, Right};
use arco::rules::TermId;
use arco::service::ServiceError;
use arco::storage::{Database, ListFilter, Store, StoreError};
use chrono::{DateTime, Utc};
use common::{Backend, TestDb, exec};

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn staff() -> Actor {
    Actor::new("ana", Role::UnitStaff)
}

on_both_backends!(folios_are_progressive_per_body_and_year);
async fn folios_are_progressive_per_body_and_year(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
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

on_both_backends!(the_log_is_append_only_and_survives_reopening);
async fn the_log_is_append_only_and_survives_reopening(backend: Backend) {
    let db = TestDb::new(backend);
    let folio = {
        let reg = db.registry().await;
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
        reg.store().close().await;
        f
    };
    let reg = db.registry().await;
    let (case, log) = reg.store().load(&folio).await.unwrap();
    assert_eq!(case.version, 2);
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].event.act, "admitted");
    assert_eq!(log[1].event.actor, "ana");
    assert_eq!(case.projection.state, "admitted");

    let store = reg.store();
    let e = exec(store, "UPDATE events SET act = 'resolved' WHERE seq = 2")
        .await
        .unwrap_err();
    assert!(e.contains("el registro de actos no se modifica"), "{e}");
    let e = exec(store, "DELETE FROM events").await.unwrap_err();
    assert!(e.contains("el registro de actos no se borra"), "{e}");
    assert_eq!(reg.store().load(&folio).await.unwrap().1.len(), 2);
}

on_both_backends!(two_staff_acting_at_once_one_wins_one_conflicts);
async fn two_staff_acting_at_once_one_wins_one_conflicts(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
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

on_both_backends!(
    many_concurrent_acts_exactly_one_applies,
    tokio::test(flavor = "multi_thread", worker_threads = 2)
);
async fn many_concurrent_acts_exactly_one_applies(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = std::sync::Arc::new(db.registry().await);
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

on_both_backends!(verify_finds_a_tampered_projection);
async fn verify_finds_a_tampered_projection(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
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

    exec(reg.store(), "UPDATE cases SET state = 'closed'")
        .await
        .unwrap();
    exec(
        reg.store(),
        "UPDATE deadlines SET due = '2026-12-31' WHERE term = 'resolution'",
    )
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

on_both_backends!(refused_acts_and_rejected_imports_write_nothing);
async fn refused_acts_and_rejected_imports_write_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
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
            {"act": "filed", "at": "2026-02-05"}, {"act": "resolution_notified", "at": "2026-02-06"}]}"#,
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

on_both_backends!(lists_filter_by_state_due_date_and_overdue);
async fn lists_filter_by_state_due_date_and_overdue(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
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

/// A request filed on 29 May 2026 by `who` for `body`, and (when `appeal` names the
/// guarantor) an appeal against it filed with the UT on 25 June.
async fn request_with_appeal(
    reg: &arco::service::Registry<Database>,
    body: &str,
    who: &str,
    appeal: Option<&str>,
) -> (String, Option<String>) {
    let folio = reg
        .file_request(
            body,
            "mx-jalisco",
            Right::Access,
            at("2026-05-29T15:00:00-06:00"),
            &Actor::new(who, Role::UnitStaff),
            now(),
        )
        .await
        .unwrap()
        .folio;
    let appeal = match appeal {
        Some(guarantor) => {
            let filing: arco::appeal::AppealAct = serde_json::from_value(
                serde_json::json!({"act": "appeal_filed", "venue": "unit", "ground": "VII"}),
            )
            .unwrap();
            Some(
                reg.file_appeal(
                    &folio,
                    guarantor,
                    "mx-jalisco",
                    filing,
                    at("2026-06-25T10:00"),
                    &Actor::new(who, Role::UnitStaff),
                    now(),
                )
                .await
                .unwrap()
                .folio,
            )
        }
        None => None,
    };
    (folio, appeal)
}

on_both_backends!(lists_filter_by_parent_body_staff_term_and_pages);
async fn lists_filter_by_parent_body_staff_term_and_pages(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let (a, appeal) = request_with_appeal(&reg, "SEJ", "ana", Some("ITEI")).await;
    let appeal = appeal.unwrap();
    let (b, _) = request_with_appeal(&reg, "SEJ", "luis", None).await;
    let (c, _) = request_with_appeal(&reg, "DIF", "ana", None).await;
    reg.act(
        &b,
        RequestAct::Admitted,
        at("2026-06-01T10:00"),
        &staff(),
        now(),
    )
    .await
    .unwrap();
    let folios = |v: Vec<arco::storage::CaseRecord>| -> Vec<String> {
        v.into_iter().map(|c| c.folio).collect()
    };
    let store = reg.store();
    let list = |f: ListFilter| async move { folios(store.list(&f).await.unwrap()) };
    // The appeals against SEJ's requests: the one against a.
    assert_eq!(
        list(ListFilter {
            parent_body: Some("SEJ".into()),
            ..Default::default()
        })
        .await,
        vec![appeal.clone()]
    );
    assert!(
        list(ListFilter {
            parent_body: Some("DIF".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    // Filed by luis: b only; by ana: a, c and the appeal (ana filed it too).
    assert_eq!(
        list(ListFilter {
            in_charge: Some("luis".into()),
            ..Default::default()
        })
        .await,
        vec![b.clone()]
    );
    let mut by_ana = vec![a.clone(), c.clone(), appeal.clone()];
    by_ana.sort();
    assert_eq!(
        list(ListFilter {
            in_charge: Some("ana".into()),
            ..Default::default()
        })
        .await,
        by_ana
    );
    // Admission still open: a and c (b was admitted).
    let mut open = vec![a.clone(), c.clone()];
    open.sort();
    assert_eq!(
        list(ListFilter {
            term: Some(TermId::Admission),
            kind: Some("request".into()),
            ..Default::default()
        })
        .await,
        open
    );
    // Pages of one, in folio order.
    let mut all = vec![a.clone(), b.clone(), c.clone(), appeal.clone()];
    all.sort();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = list(ListFilter {
            limit: Some(1),
            after: after.clone(),
            ..Default::default()
        })
        .await;
        let Some(last) = page.last() else { break };
        assert_eq!(page.len(), 1);
        after = Some(last.clone());
        paged.extend(page);
    }
    assert_eq!(paged, all);
    // The list's projections are those load gives.
    for record in store.list(&ListFilter::default()).await.unwrap() {
        assert_eq!(record, store.load(&record.folio).await.unwrap().0);
    }
}

on_both_backends!(
    folios_filed_at_once_are_all_different_and_progressive,
    tokio::test(flavor = "multi_thread", worker_threads = 2)
);
async fn folios_filed_at_once_are_all_different_and_progressive(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = std::sync::Arc::new(db.registry().await);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let reg = reg.clone();
        tasks.push(tokio::spawn(async move {
            reg.file_request(
                "SEJ",
                "mx-jalisco",
                Right::Access,
                at("2026-02-05T10:00"),
                &Actor::new(format!("staff-{i}"), Role::UnitStaff),
                now(),
            )
            .await
            .unwrap()
            .folio
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    got.sort();
    let expected: Vec<String> = (1..=12).map(|n| format!("SEJ-ARCO-2026-{n:05}")).collect();
    assert_eq!(got, expected);
}

on_both_backends!(a_dump_restores_exactly);
async fn a_dump_restores_exactly(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let (a, _) = request_with_appeal(&reg, "SEJ", "ana", Some("ITEI")).await;
    reg.set_titular_contact(&a, "titular@correo.mx", now())
        .await
        .unwrap();
    let store = reg.store();
    assert!(!store.is_empty().await.unwrap());
    assert!(
        store
            .claim_night("2026-06-01".parse().unwrap(), "a", now())
            .await
            .unwrap()
    );
    let cases = store.dump_cases(0, 500).await.unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0], store.load(&a).await.unwrap());
    // Pages follow ids.
    let second = store.dump_cases(cases[0].0.id, 500).await.unwrap();
    assert_eq!(second, cases[1..]);
    let state = store.install_state().await.unwrap();
    assert_eq!(state.contacts.len(), 1);
    assert_eq!(state.runs.len(), 1);
    assert_eq!(state.counters.len(), 2);

    let other = TestDb::new(backend);
    let target = other.store().await;
    assert!(target.is_empty().await.unwrap());
    target.restore_cases(&cases).await.unwrap();
    target.restore_state(&state).await.unwrap();
    assert_eq!(target.dump_cases(0, 500).await.unwrap(), cases);
    assert_eq!(target.install_state().await.unwrap(), state);
    // A second restore of the same cases is refused whole.
    match target.restore_cases(&cases).await {
        Err(StoreError::DuplicateFolio(f)) => assert_eq!(f, a),
        other => panic!("expected a duplicate folio, got {other:?}"),
    }
    // The restored install goes on: the next folio of SEJ follows the restored counter.
    let reg = arco::service::Registry::new(
        target,
        arco::calendar::CalendarLoader::default(),
        arco::rules::Rulebooks::builtin().unwrap(),
    );
    let (next, _) = request_with_appeal(&reg, "SEJ", "ana", Some("ITEI")).await;
    assert_eq!(next, "SEJ-ARCO-2026-00002");
    assert_eq!(reg.store().folios().await.unwrap().len(), 4);
}

#[tokio::test]
async fn postgres_is_migrated_explicitly() {
    let db = TestDb::unmigrated(Backend::Postgres);
    let e = Database::open(&db.url).await.unwrap_err().to_string();
    assert!(e.contains("no está al día"), "{e}");
    assert!(e.contains("ejecute `arco migrate`"), "{e}");
    let report = Database::migrate(&db.url).await.unwrap();
    assert!(!report.created);
    assert_eq!(report.applied.len(), 12);
    assert_eq!(report.applied[0].description, "schema");
    assert_eq!(report.applied[1].description, "accounts");
    assert_eq!(report.applied[2].description, "list indexes");
    assert_eq!(report.applied[3].description, "one feed token");
    assert_eq!(report.applied[4].description, "documents");
    assert_eq!(report.applied[5].description, "expediente");
    assert_eq!(report.applied[6].description, "list columns");
    assert_eq!(report.applied[7].description, "list generations");
    assert_eq!(report.applied[8].description, "alert ticks");
    assert_eq!(report.applied[9].description, "social accounts");
    assert_eq!(report.applied[10].description, "gestor email");
    assert_eq!(report.applied[11].description, "external folio column");
    let again = Database::migrate(&db.url).await.unwrap();
    assert!(again.applied.is_empty());
    let store = Database::open(&db.url).await.unwrap();
    assert!(store.is_empty().await.unwrap());
    // A migration this arco does not know (a newer arco migrated the database): refused.
    exec(
        &store,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'newer', true, '\\x00', 1)",
    )
    .await
    .unwrap();
    store.close().await;
    let e = Database::open(&db.url).await.unwrap_err().to_string();
    assert!(e.contains("una versión más nueva; actualice arco"), "{e}");
}

#[tokio::test]
async fn the_log_cannot_be_truncated_on_postgres() {
    let db = TestDb::new(Backend::Postgres);
    let reg = db.registry().await;
    request_with_appeal(&reg, "SEJ", "ana", None).await;
    let e = exec(reg.store(), "TRUNCATE events CASCADE")
        .await
        .unwrap_err();
    assert!(e.contains("el registro de actos no se borra"), "{e}");
    assert_eq!(
        common::scalar(reg.store(), "SELECT count(*) FROM events").await,
        1
    );
}

#[tokio::test]
async fn sqlite_migrates_on_open_and_reports_nothing_pending() {
    let db = TestDb::unmigrated(Backend::Sqlite);
    let report = Database::migrate(&db.url).await.unwrap();
    assert_eq!(report.applied.len(), 16);
    assert!(Database::migrate(&db.url).await.unwrap().applied.is_empty());
    let store = Database::open(&db.url).await.unwrap();
    assert!(store.is_empty().await.unwrap());
}

#[tokio::test]
async fn an_unknown_scheme_is_refused_in_spanish() {
    let e = Database::open("mysql://root@localhost/arco")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("el esquema «mysql:» no se admite"), "{e}");
}

on_both_backends!(each_act_leaves_exactly_the_terms_its_log_gives);
/// An act writes only the terms that changed (SQLite: an upsert skipping equal rows and a
/// delete of the terms gone); after every act of a history that adds, moves, closes and
/// voids terms, the stored terms are the ones the log rebuilds, and a term row edited by
/// hand is put right by the next act.
async fn each_act_leaves_exactly_the_terms_its_log_gives(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
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
    let comite = Actor::new("comite", Role::Committee);
    let acts = [
        (RequestAct::PreventionNotified, "2026-02-06T10:00", staff()),
        (RequestAct::PreventionAnswered, "2026-02-09T10:00", staff()),
        (RequestAct::Admitted, "2026-02-10T10:00", staff()),
        (
            RequestAct::ExtensionNotified { days: Some(3) },
            "2026-02-18T10:00",
            staff(),
        ),
        (
            RequestAct::Resolved {
                outcome: Outcome::Granted,
            },
            "2026-02-20T10:00",
            comite,
        ),
        (RequestAct::ResolutionNotified, "2026-02-23T10:00", staff()),
    ];
    let mut seen_terms = std::collections::BTreeSet::new();
    for (i, (act, when, who)) in acts.into_iter().enumerate() {
        if i == 5 {
            // A term row damaged by hand, one the next act does not move: the act writes
            // it back from the log all the same.
            exec(
                reg.store(),
                "UPDATE deadlines SET due = '2030-01-01', article = 'x' WHERE term = 'resolution_extension'",
            )
            .await
            .unwrap();
        }
        reg.record(&folio, act, at(when), &who, now())
            .await
            .unwrap();
        let report = reg.verify().await.unwrap();
        assert_eq!(report.checked, 1);
        assert!(
            report.differences.is_empty(),
            "after act {i}: {:?}",
            report.differences
        );
        let (case, log) = reg.store().load(&folio).await.unwrap();
        assert_eq!(log.len(), i + 2);
        let mut terms: Vec<_> = case.projection.deadlines.iter().map(|d| d.term).collect();
        let n = terms.len();
        terms.dedup();
        assert_eq!(terms.len(), n, "a term stored twice after act {i}");
        seen_terms.extend(terms);
    }
    // The history went through the prevention's, the resolution's and the extension's terms.
    for t in [
        TermId::PreventionReply,
        TermId::Resolution,
        TermId::ResolutionExtension,
        TermId::Fulfilment,
        TermId::AppealWindow,
    ] {
        assert!(
            seen_terms.contains(&t),
            "{t:?} never stored: {seen_terms:?}"
        );
    }
}

/// The nightly run's store (`arco alerts run`, `arco daemon`) maps nothing and keeps a small
/// page cache, so its resident size is what it allocates; the server's maps the file.
#[tokio::test]
async fn a_lean_sqlite_store_maps_nothing() {
    let db = TestDb::new(Backend::Sqlite);
    for (store, mmap, cache) in [
        (
            Database::open(&db.url).await.unwrap(),
            1_073_741_824i64,
            -65_536i64,
        ),
        (Database::open_lean(&db.url).await.unwrap(), 0, -8_192),
    ] {
        let Database::Sqlite(s) = &store else {
            panic!("SQLite")
        };
        let got: i64 = sqlx::query_scalar("PRAGMA mmap_size")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(got, mmap);
        let got: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(got, cache);
        store.close().await;
    }
}
