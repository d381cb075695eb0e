//! Which acts a role may record now (`Request::allowed_acts`, `Appeal::allowed_acts`,
//! `Registry::allowed_acts`): the answer is the state machine's own.
//!
//! Property: on random walks through both procedures (random roles, random days), every
//! act listed for a role is accepted by `apply` with valid fields, and every act not
//! listed is refused by `apply` for each of its valid shapes with an error about who,
//! when, in which state or how many times (never about a field's value, never about a term
//! that cannot be counted). The walk moves on by recording one of the listed acts.

#[macro_use]
mod common;

use std::sync::OnceLock;

use arco::appeal::{
    Appeal, AppealAct, AppealActKind, AppealError, Ground, Venue, sample_appeal_acts,
};
use arco::calendar::{Calendar, CalendarLoader, Moment};
use arco::case::{Actor, Clock, Role};
use arco::request::{ActKind, Request, RequestError, Right, sample_acts};
use arco::rules::Rulebooks;
use arco::service::AllowedActs;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{Backend, TestDb};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| CalendarLoader::default().load("mx-jalisco").unwrap())
}

fn clock() -> Clock<'static> {
    static BOOKS: OnceLock<Rulebooks> = OnceLock::new();
    let books = BOOKS.get_or_init(|| Rulebooks::builtin().unwrap());
    Clock::new(calendar(), books.get("lpdppsoj-2017").unwrap())
}

const ROLES: [Role; 7] = [
    Role::UnitStaff,
    Role::UnitHead,
    Role::Committee,
    Role::Guarantor,
    Role::Auditor,
    Role::Admin,
    Role::Migration,
];

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A refusal about who, when, in which state or how many times.
fn request_refusal_is_procedural(e: &RequestError) -> bool {
    !matches!(e, RequestError::Term(_) | RequestError::InFuture { .. })
}

fn appeal_refusal_is_procedural(e: &AppealError) -> bool {
    !matches!(e, AppealError::Term(_) | AppealError::BadValue(_))
}

fn check_request(req: &Request, role: Role, date: NaiveDate) -> Vec<ActKind> {
    let c = clock();
    let allowed = req.allowed_acts(&c, role, date);
    let actor = Actor::new("prueba", role);
    assert!(!allowed.contains(&ActKind::Filed));
    for kind in ActKind::ALL {
        let results: Vec<Result<(), RequestError>> = sample_acts(kind)
            .into_iter()
            .map(|a| {
                req.clone()
                    .apply(&c, a, Moment::Date(date), &actor)
                    .map(|_| ())
            })
            .collect();
        if allowed.contains(&kind) {
            assert!(
                results.iter().any(Result::is_ok),
                "{kind} listed for {role:?} on {date} but refused: {results:?}"
            );
        } else {
            for r in &results {
                match r {
                    Ok(()) => panic!("{kind} not listed for {role:?} on {date} but accepted"),
                    Err(e) => assert!(
                        request_refusal_is_procedural(e),
                        "{kind} refused for a reason that is not procedural: {e:?}"
                    ),
                }
            }
        }
    }
    allowed
}

fn check_appeal(appeal: &Appeal, role: Role, date: NaiveDate) -> Vec<AppealActKind> {
    let c = clock();
    let allowed = appeal.allowed_acts(&c, role, date);
    let actor = Actor::new("prueba", role);
    assert!(!allowed.contains(&AppealActKind::AppealFiled));
    for kind in AppealActKind::ALL.iter().copied() {
        let results: Vec<Result<(), AppealError>> = sample_appeal_acts(kind)
            .into_iter()
            .map(|a| {
                appeal
                    .clone()
                    .apply(&c, a, Moment::Date(date), &actor)
                    .map(|_| ())
            })
            .collect();
        if allowed.contains(&kind) {
            assert!(
                results.iter().any(Result::is_ok),
                "{kind} listed for {role:?} on {date} but refused: {results:?}"
            );
        } else {
            for r in &results {
                match r {
                    Ok(()) => panic!("{kind} not listed for {role:?} on {date} but accepted"),
                    Err(e) => assert!(
                        appeal_refusal_is_procedural(e),
                        "{kind} refused for a reason that is not procedural: {e:?}"
                    ),
                }
            }
        }
    }
    allowed
}

/// A walk: a filing day of 2026, then steps of (days forward, role, which listed act).
fn walk() -> impl Strategy<Value = (u32, Vec<(u8, usize, usize)>)> {
    (
        0u32..300,
        prop::collection::vec((0u8..8, 0usize..7, 0usize..64), 1..30),
    )
}

proptest! {
    #![proptest_config(Config { cases: 150, failure_persistence: None, ..Config::default() })]

    #[test]
    fn request_lists_exactly_what_apply_accepts((start, steps) in walk()) {
        let c = clock();
        let filed = d("2026-01-05") + Duration::days(i64::from(start));
        let mut req = Request::file(&c, Right::Access, Moment::Date(filed), &Actor::new("ut", Role::UnitStaff)).unwrap();
        let mut date = req.filed.effective;
        for (forward, role_i, pick) in steps {
            date += Duration::days(i64::from(forward));
            let mut listed = Vec::new();
            for role in ROLES {
                for k in check_request(&req, role, date) {
                    listed.push((role, k));
                }
            }
            let mine: Vec<_> = listed.iter().filter(|(r, _)| *r == ROLES[role_i]).collect();
            let chosen = if mine.is_empty() { listed.get(pick % listed.len().max(1)) } else { Some(mine[pick % mine.len()]) };
            let Some((role, kind)) = chosen.copied() else { continue };
            let actor = Actor::new("prueba", role);
            let applied = sample_acts(kind).into_iter().any(|a| {
                let mut next = req.clone();
                if next.apply(&c, a, Moment::Date(date), &actor).is_ok() { req = next; true } else { false }
            });
            prop_assert!(applied);
        }
    }

    #[test]
    fn appeal_lists_exactly_what_apply_accepts((start, steps) in walk(), unit in any::<bool>(), minor in any::<bool>()) {
        let c = clock();
        let filed = d("2026-01-05") + Duration::days(i64::from(start));
        let filing = AppealAct::AppealFiled {
            venue: if unit { Venue::Unit } else { Venue::Guarantor },
            ground: Ground::parse("VII").unwrap(),
            minor_unrepresented: minor,
        };
        let mut appeal = Appeal::file(&c, filing, Moment::Date(filed), &Actor::new("og", Role::Guarantor), None).unwrap();
        let mut date = appeal.filed.effective;
        for (forward, role_i, pick) in steps {
            date += Duration::days(i64::from(forward));
            let mut listed = Vec::new();
            for role in ROLES {
                for k in check_appeal(&appeal, role, date) {
                    listed.push((role, k));
                }
            }
            let mine: Vec<_> = listed.iter().filter(|(r, _)| *r == ROLES[role_i]).collect();
            let chosen = if mine.is_empty() { listed.get(pick % listed.len().max(1)) } else { Some(mine[pick % mine.len()]) };
            let Some((role, kind)) = chosen.copied() else { continue };
            let actor = Actor::new("prueba", role);
            let applied = sample_appeal_acts(kind).into_iter().any(|a| {
                let mut next = appeal.clone();
                if next.apply(&c, a, Moment::Date(date), &actor).is_ok() { appeal = next; true } else { false }
            });
            prop_assert!(applied);
        }
    }
}

#[test]
fn a_new_request_offers_the_unit_its_first_acts_and_the_committee_its_own() {
    let c = clock();
    // Filed Mon 2 Mar 2026 (a business day).
    let req = Request::file(
        &c,
        Right::Access,
        Moment::Date(d("2026-03-02")),
        &Actor::new("ut", Role::UnitStaff),
    )
    .unwrap();
    let staff = req.allowed_acts(&c, Role::UnitStaff, d("2026-03-02"));
    for k in [
        ActKind::PreventionNotified,
        ActKind::Admitted,
        ActKind::IncompetenceNotified,
        ActKind::Redirected,
        ActKind::OtherProcedureNotified,
        // Never admitted, the request may still be extended (the act implies admission).
        ActKind::ExtensionNotified,
        ActKind::Withdrawn,
    ] {
        assert!(staff.contains(&k), "{k} missing from {staff:?}");
    }
    for k in [
        ActKind::Filed,
        ActKind::Resolved,
        ActKind::ImprocedenceReviewed,
        // Not before the Comité confirmed it (art. 87.1.III).
        ActKind::ImprocedenceNotified,
        ActKind::Fulfilled,
        ActKind::Closed,
    ] {
        assert!(!staff.contains(&k), "{k} should not be offered: {staff:?}");
    }
    assert_eq!(
        req.allowed_acts(&c, Role::Committee, d("2026-03-02")),
        vec![ActKind::ImprocedenceReviewed, ActKind::Resolved]
    );
    assert!(
        req.allowed_acts(&c, Role::Auditor, d("2026-03-02"))
            .is_empty()
    );
    // A day before the filing nothing is in order.
    assert!(
        req.allowed_acts(&c, Role::UnitStaff, d("2026-02-27"))
            .is_empty()
    );
}

fn now() -> DateTime<Utc> {
    "2026-03-10T18:00:00Z".parse().unwrap()
}

on_both_backends!(the_registry_answers_for_requests_and_appeals);
async fn the_registry_answers_for_requests_and_appeals(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let staff = Actor::new("ana", Role::UnitStaff);
    let folio = reg
        .file_request(
            "UT",
            "mx-jalisco",
            Right::Access,
            "2026-03-02T10:00".parse().unwrap(),
            &staff,
            now(),
        )
        .await
        .unwrap()
        .folio;
    let got = reg
        .allowed_acts(&folio, Role::UnitStaff, Some(d("2026-03-03")), now())
        .await
        .unwrap();
    let AllowedActs::Request(kinds) = &got else {
        panic!("a request answers with request acts: {got:?}")
    };
    assert!(kinds.contains(&ActKind::Admitted));
    assert!(got.names().contains(&"admitted"));
    // After the date of "now" nothing may be recorded yet.
    assert!(
        reg.allowed_acts(&folio, Role::UnitStaff, Some(d("2026-03-20")), now())
            .await
            .unwrap()
            .is_empty()
    );
    // Default date: today on the case's calendar (10 Mar).
    let today = reg
        .allowed_acts(&folio, Role::UnitStaff, None, now())
        .await
        .unwrap();
    assert_eq!(
        today,
        reg.allowed_acts(&folio, Role::UnitStaff, Some(d("2026-03-10")), now())
            .await
            .unwrap()
    );
    let filing: AppealAct = serde_json::from_value(
        serde_json::json!({"act": "appeal_filed", "venue": "guarantor", "ground": "VII"}),
    )
    .unwrap();
    let appeal = reg
        .file_appeal(
            &folio,
            "ITEI",
            "mx-jalisco",
            filing,
            "2026-03-05T10:00".parse().unwrap(),
            &Actor::new("og", Role::Guarantor),
            now(),
        )
        .await
        .unwrap()
        .folio;
    let got = reg
        .allowed_acts(&appeal, Role::Guarantor, Some(d("2026-03-06")), now())
        .await
        .unwrap();
    let AllowedActs::Appeal(kinds) = &got else {
        panic!("an appeal answers with appeal acts: {got:?}")
    };
    assert!(kinds.contains(&AppealActKind::AppealAdmitted));
    assert!(!kinds.contains(&AppealActKind::AppealForwarded));
    assert!(
        reg.allowed_acts(&appeal, Role::UnitStaff, Some(d("2026-03-06")), now())
            .await
            .unwrap()
            .is_empty()
    );
}
