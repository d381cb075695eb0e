//! The registry keeps the cases it wrote last and records the next act on one of them
//! without reading the store (issue 15). What it kept may be behind the store: another
//! process (here, a second registry on the same database) acted since. Then the act must
//! be judged on the case as stored — applied on top of the other act, or refused because
//! of it — and never written over it. Also the filing's write meeting a folio already
//! taken. Both backends.

#[macro_use]
mod common;

use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::{Outcome, RequestAct, RequestState, Right};
use arco::service::ServiceError;
use arco::storage::Store;
use chrono::{DateTime, Utc};
use common::{Backend, TestDb};

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn staff() -> Actor {
    Actor::new("ana", Role::UnitStaff)
}

fn comite() -> Actor {
    Actor::new("comite", Role::Committee)
}

on_both_backends!(an_act_after_another_process_acted_is_judged_on_the_stored_case);
async fn an_act_after_another_process_acted_is_judged_on_the_stored_case(backend: Backend) {
    let db = TestDb::new(backend);
    let (mine, other) = (db.registry().await, db.registry().await);
    let folio = mine
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
    // `mine` keeps the case as filed; `other` admits it.
    other
        .record(
            &folio,
            RequestAct::Admitted,
            at("2026-02-06T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap();
    // Resolving is refused on a case only filed, allowed on an admitted one: `mine` must
    // see the admission.
    let resolved = mine
        .record(
            &folio,
            RequestAct::Resolved {
                outcome: Outcome::Granted,
            },
            at("2026-02-10T10:00"),
            &comite(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (resolved.version, resolved.state.as_str()),
        (3, RequestState::Resolved.as_str())
    );
    // And an admission again is refused by what is stored, not written over it.
    let again = mine
        .record(
            &folio,
            RequestAct::Admitted,
            at("2026-02-11T10:00"),
            &staff(),
            now(),
        )
        .await;
    assert!(
        matches!(again, Err(ServiceError::Refused { .. })),
        "{again:?}"
    );
    // `other` now keeps a case behind by one act: its next act lands after the resolution.
    let notified = other
        .act(
            &folio,
            RequestAct::ResolutionNotified,
            at("2026-02-12T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(notified.log.len(), 4);
    let (case, log) = mine.store().load(&folio).await.unwrap();
    assert_eq!((case.version, log.len()), (4, 4));
    let acts: Vec<&str> = log.iter().map(|e| e.event.act.as_str()).collect();
    assert_eq!(
        acts,
        ["filed", "admitted", "resolved", "resolution_notified"]
    );
    assert!(mine.verify().await.unwrap().differences.is_empty());
}

on_both_backends!(a_refused_act_leaves_the_kept_case_usable);
async fn a_refused_act_leaves_the_kept_case_usable(backend: Backend) {
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
    // Notifying a resolution that was never made is refused, and changes nothing.
    let refused = reg
        .record(
            &folio,
            RequestAct::ResolutionNotified,
            at("2026-02-06T10:00"),
            &staff(),
            now(),
        )
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Refused { .. })),
        "{refused:?}"
    );
    let admitted = reg
        .record(
            &folio,
            RequestAct::Admitted,
            at("2026-02-06T10:00"),
            &staff(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(admitted.version, 2);
    let (_, log) = reg.store().load(&folio).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(reg.verify().await.unwrap().differences.is_empty());
}

on_both_backends!(a_filing_skips_a_folio_an_imported_case_holds);
/// The filing's write (two round trips on SQLite) meets the folio it was given already
/// taken by an imported case: it takes the next number in the same transaction, and each
/// case keeps its own acts and terms.
async fn a_filing_skips_a_folio_an_imported_case_holds(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let ana = staff();
    let file = || {
        reg.file_request(
            "UT",
            "mx-jalisco",
            Right::Access,
            at("2026-02-05T10:00"),
            &ana,
            now(),
        )
    };
    assert_eq!(file().await.unwrap().folio, "UT-ARCO-2026-00001");
    let history = arco::request::replay::History::from_json(include_str!(
        "../examples/histories/issue-example.json"
    ))
    .unwrap();
    let imported = reg
        .import(&history, "UT", Some("UT-ARCO-2026-00002".into()), now())
        .await
        .unwrap();
    assert_eq!(imported.version, 7);
    let third = file().await.unwrap();
    assert_eq!(third.folio, "UT-ARCO-2026-00003");
    assert_eq!(third.log.len(), 1);
    let (case, log) = reg.store().load("UT-ARCO-2026-00002").await.unwrap();
    assert_eq!((case.version, log.len()), (7, 7));
    let (case, log) = reg.store().load("UT-ARCO-2026-00003").await.unwrap();
    assert_eq!((case.version, log.len()), (1, 1));
    assert!(!case.projection.deadlines.is_empty());
    assert!(reg.verify().await.unwrap().differences.is_empty());
    assert!(reg.store().stray_terms().await.unwrap().is_empty());
}
