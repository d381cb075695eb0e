//! Issue 11: the law read again article by article. One worked example per item, through
//! the replay format (and the state machines for what replay cannot say). Every date was
//! counted by hand on the 2026 Jalisco calendar (June–August: only 8 June is a holiday);
//! item 8 also uses `ejemplo-organismo`, closed 20–31 July 2026 except Fri 24 July.
//!
//! The base request, unless said otherwise: filed Mon 1 June 10:00. Its terms: prevention
//! and admission 3 days (2, 3, 4 June → Thu 4 June); never admitted, the resolution runs
//! from the end of the admission term: 5, 9 (8 is a holiday), 10, 11, 12, 15, 16, 17, 18,
//! 19 → Fri 19 June; the notice of improcedencia 10 days: 2, 3, 4, 5, 9, 10, 11, 12, 15,
//! 16 → Tue 16 June.

use arco::appeal::AppealState;
use arco::calendar::{CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::request::replay::{CaseView, History, ReplayError, replay};
use arco::request::{ImprocedenceCause, Request, RequestAct, RequestError, Review, Right};
use arco::rules::{Rulebooks, TermId};
use chrono::{NaiveDate, Utc};

fn run(json: &str) -> Result<CaseView, ReplayError> {
    let h = History::from_json(json)?;
    replay(
        &h,
        &CalendarLoader::default(),
        &Rulebooks::builtin().unwrap(),
        Utc::now(),
    )
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn term(v: &CaseView, t: TermId) -> (NaiveDate, DeadlineStatus) {
    let x = v
        .deadlines
        .get(&t)
        .unwrap_or_else(|| panic!("no {t} in {:?}", v.deadlines.keys()));
    (x.due, x.status)
}

const FILED: &str = r#"{"act": "filed", "at": "2026-06-01T10:00:00-06:00"}"#;

fn history(as_of: &str, events: &str) -> String {
    format!(
        r#"{{"calendar": "mx-jalisco", "as_of": "{as_of}", "right": "access",
            "events": [{FILED}, {events}]}}"#
    )
}

// --- 1. Extensions are "hasta por" (arts. 59.2, 110.1); acts refuse unknown fields ----

#[test]
fn item_1_an_extension_adds_the_days_it_grants() {
    // Admitted Tue 2 June: resolution 3, 4, 5, 9, 10, 11, 12, 15, 16, 17 → Wed 17 June.
    let admitted = r#"{"act": "admitted", "at": "2026-06-02T10:00:00-06:00"}"#;
    let with = |x: &str| {
        run(&history(
            "2026-06-30T12:00:00-06:00",
            &format!(
                r#"{admitted}, {{"act": "extension_notified", "at": "2026-06-09T10:00:00-06:00"{x}}}"#
            ),
        ))
    };
    // Two days: 18, 19 → Fri 19 June.
    let v = with(r#", "days": 2"#).unwrap();
    assert_eq!(term(&v, TermId::Resolution).0, d("2026-06-19"));
    let x = &v.deadlines[&TermId::ResolutionExtension];
    assert_eq!(
        (x.from, x.days, x.due),
        (d("2026-06-17"), 2, d("2026-06-19"))
    );
    // No `days` (every log written before the field): the maximum, 5 → Wed 24 June.
    let v = with("").unwrap();
    assert_eq!(term(&v, TermId::Resolution).0, d("2026-06-24"));
    assert_eq!(v.deadlines[&TermId::ResolutionExtension].days, 5);
    // More than "hasta por cinco", or none at all: refused.
    for bad in [r#", "days": 6"#, r#", "days": 0"#] {
        let e = with(bad).unwrap_err();
        assert_eq!(e.code(), "bad_value", "{e}");
        assert!(e.to_string().contains("59.2"), "{e}");
    }
}

#[test]
fn item_1_an_appeal_extension_adds_the_days_it_grants() {
    // Appeal filed Mon 22 June (the response term ended Fri 19 June): 20 days, 23 June to
    // Mon 20 July. Extended by 3: 21, 22, 23 → Thu 23 July; by the default 10: 21–24,
    // 27–31 July and 3 August → Mon 3 August.
    let with = |x: &str| {
        run(&history(
            "2026-07-10T12:00:00-06:00",
            &format!(
                r#"{{"act": "appeal_filed", "at": "2026-06-22T10:00:00-06:00", "venue": "guarantor", "ground": "VII"}},
                {{"act": "appeal_admitted", "at": "2026-06-23T10:00:00-06:00"}},
                {{"act": "appeal_extension_notified", "at": "2026-07-01T10:00:00-06:00"{x}}}"#
            ),
        ))
    };
    assert_eq!(
        term(&with(r#", "days": 3"#).unwrap(), TermId::AppealResolution).0,
        d("2026-07-23")
    );
    assert_eq!(
        term(&with("").unwrap(), TermId::AppealResolution).0,
        d("2026-08-03")
    );
    let e = with(r#", "days": 11"#).unwrap_err();
    assert_eq!(e.code(), "bad_value");
    assert!(e.to_string().contains("110.1"), "{e}");
}

#[test]
fn item_1_every_act_refuses_a_field_it_does_not_have_and_names_it() {
    for (event, field, act) in [
        (
            r#"{"act": "admitted", "at": "2026-06-02T10:00:00-06:00", "days": 3}"#,
            "days",
            "admitted",
        ),
        (
            r#"{"act": "incompetence_notified", "at": "2026-06-02T10:00:00-06:00", "partial": true, "dias": 1}"#,
            "dias",
            "incompetence_notified",
        ),
        (
            r#"{"act": "appeal_filed", "at": "2026-06-22T10:00:00-06:00", "venue": "guarantor", "ground": "VII", "urgent": true}"#,
            "urgent",
            "appeal_filed",
        ),
        (
            r#"{"act": "appeal_filed", "at": "2026-06-22T10:00:00-06:00", "venue": "guarantor", "ground": "VII"}, {"act": "appeal_turned", "at": "2026-06-23T10:00:00-06:00", "ponente": "x"}"#,
            "ponente",
            "appeal_turned",
        ),
    ] {
        let e = run(&history("2026-06-30T12:00:00-06:00", event)).unwrap_err();
        assert_eq!(e.code(), "invalid_event", "{e}");
        let m = e.to_string();
        assert!(
            m.contains(&format!("campo desconocido «{field}»")) && m.contains(&format!("«{act}»")),
            "{m}"
        );
    }
    // The same through serde directly (the CLI and the HTTP API parse acts this way).
    let e = serde_json::from_str::<RequestAct>(r#"{"act": "closed", "note": "x"}"#).unwrap_err();
    assert!(e.to_string().contains("campo desconocido «note»"), "{e}");
}

// --- 2. Compliance is met by complying, not by reporting (arts. 112.1, 137.1, 138) -----

/// Appeal filed 22 June, admitted 23 June, resolved (revoked, 5 days) 1 July and notified
/// Thu 2 July: compliance 3, 6, 7, 8, 9 → Thu 9 July; its report 10, 13, 14 → 14 July.
const RESOLVED: &str = r#"{"act": "appeal_filed", "at": "2026-06-22T10:00:00-06:00", "venue": "guarantor", "ground": "VII"},
    {"act": "appeal_admitted", "at": "2026-06-23T10:00:00-06:00"},
    {"act": "appeal_resolved", "at": "2026-07-01T10:00:00-06:00", "outcome": "revoked", "compliance_days": 5},
    {"act": "appeal_resolution_notified", "at": "2026-07-02T10:00:00-06:00"}"#;

#[test]
fn item_2_a_report_does_not_meet_the_compliance_term_by_itself() {
    let at = |as_of: &str, more: &str| run(&history(as_of, &format!("{RESOLVED}, {more}")));
    // Reported Mon 13 July (within its 3 days) without saying when it complied: the term
    // ran out on 9 July unmet. Before this fix the report's date made it "late".
    let v = at(
        "2026-07-13T12:00:00-06:00",
        r#"{"act": "compliance_reported", "at": "2026-07-13T10:00:00-06:00"}"#,
    )
    .unwrap();
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-07-09"), DeadlineStatus::Missed)
    );
    assert_eq!(
        term(&v, TermId::ComplianceReport),
        (d("2026-07-14"), DeadlineStatus::Met)
    );
    // The report says it complied on Wed 8 July: met, until the guarantor rules.
    let said = r#"{"act": "compliance_reported", "at": "2026-07-10T10:00:00-06:00", "complied_on": "2026-07-08"},
        {"act": "compliance_vista_given", "at": "2026-07-13T10:00:00-06:00"}"#;
    let v = at("2026-07-13T12:00:00-06:00", said).unwrap();
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-07-09"), DeadlineStatus::Met)
    );
    // The titular's 5 days (14–20 July) pass; ruled not complied Tue 21 July: missed.
    let v = at(
        "2026-07-21T12:00:00-06:00",
        &format!(
            r#"{said}, {{"act": "compliance_ruled", "at": "2026-07-21T10:00:00-06:00", "complied": false}}"#
        ),
    )
    .unwrap();
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-07-09"), DeadlineStatus::Missed)
    );
    assert_eq!(v.appeal.as_ref().unwrap().state, AppealState::NonCompliant);
    // Ruled complied: met on the date the report gave.
    let v = at(
        "2026-07-21T12:00:00-06:00",
        &format!(
            r#"{said}, {{"act": "compliance_ruled", "at": "2026-07-21T10:00:00-06:00", "complied": true}}"#
        ),
    )
    .unwrap();
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-07-09"), DeadlineStatus::Met)
    );
    // A report cannot say it complied after its own date.
    let e = at(
        "2026-07-13T12:00:00-06:00",
        r#"{"act": "compliance_reported", "at": "2026-07-10T10:00:00-06:00", "complied_on": "2026-07-11"}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_value", "{e}");
}

// --- 3. Reincidence doubles the fine (art. 143.2) -------------------------------------------

#[test]
fn item_3_a_reincidente_may_be_fined_up_to_3000_uma() {
    // Reported 10 July, vista 13 July, ruled not complied 21 July, warned 22 July with 3
    // days (23, 24, 27 July): a fine from Tue 28 July.
    let warned = format!(
        r#"{RESOLVED}, {{"act": "compliance_reported", "at": "2026-07-10T10:00:00-06:00"}},
        {{"act": "compliance_vista_given", "at": "2026-07-13T10:00:00-06:00"}},
        {{"act": "compliance_ruled", "at": "2026-07-21T10:00:00-06:00", "complied": false}},
        {{"act": "public_warning", "at": "2026-07-22T10:00:00-06:00", "days": 3}}"#
    );
    let fine = |fields: &str| {
        run(&history(
            "2026-07-28T12:00:00-06:00",
            &format!(
                r#"{warned}, {{"act": "fine_imposed", "at": "2026-07-28T10:00:00-06:00", "days": 5{fields}}}"#
            ),
        ))
    };
    let v = fine(r#", "uma": 3000, "reincidence": true"#).unwrap();
    assert_eq!(v.appeal.as_ref().unwrap().state, AppealState::Fined);
    for (fields, article) in [
        (r#", "uma": 3000"#, "112.3"),
        (r#", "uma": 3001, "reincidence": true"#, "143.2"),
        (r#", "uma": 149, "reincidence": true"#, "143.2"),
    ] {
        let e = fine(fields).unwrap_err();
        assert_eq!(e.code(), "bad_value", "{e}");
        assert!(e.to_string().contains(article), "{e}");
    }
    assert!(fine(r#", "uma": 1500"#).is_ok());
}

// --- 4. Every denial is the Comité's (arts. 87.1.III, 60–61) --------------------------------

#[test]
fn item_4_an_improcedencia_is_notified_only_once_the_comite_confirmed_it() {
    let notice =
        r#"{"act": "improcedence_notified", "at": "2026-06-04T10:00:00-06:00", "cause": "II"}"#;
    let e = run(&history("2026-06-30T12:00:00-06:00", notice)).unwrap_err();
    assert_eq!(e.code(), "improcedence_not_confirmed");
    assert!(e.to_string().contains("87.1.III"), "{e}");
    for (decision, cause, refused) in [
        ("confirmed", "II", None),
        ("modified", "II", None),
        ("revoked", "II", Some("revocó")),
        ("confirmed", "III", Some("fracción III")),
    ] {
        let events = format!(
            r#"{{"act": "improcedence_reviewed", "at": "2026-06-03T10:00:00-06:00", "cause": "{cause}", "decision": "{decision}"}}, {notice}"#
        );
        match (run(&history("2026-06-30T12:00:00-06:00", &events)), refused) {
            (Ok(v), None) => {
                // The notice keeps its 10 days of art. 55.2: due Tue 16 June, met.
                assert_eq!(
                    term(&v, TermId::ImprocedenceNotice),
                    (d("2026-06-16"), DeadlineStatus::Met)
                );
            }
            (Err(e), Some(why)) => {
                assert_eq!(e.code(), "improcedence_not_confirmed");
                assert!(e.to_string().contains(why), "{e}");
            }
            (got, want) => panic!("{decision} {cause}: got {got:?}, want refusal {want:?}"),
        }
    }
    // Only the Comité reviews; the Unidad notifies.
    let c = clock();
    let mut req = Request::file(&c, Right::Access, at("2026-06-01T10:00"), &staff()).unwrap();
    let review = RequestAct::ImprocedenceReviewed {
        cause: cause("II"),
        decision: Review::Confirmed,
    };
    let e = req
        .apply(&c, review.clone(), at("2026-06-03T10:00"), &staff())
        .unwrap_err();
    assert!(matches!(e, RequestError::Forbidden { .. }), "{e:?}");
    req.apply(
        &c,
        review,
        at("2026-06-03T10:00"),
        &Actor::new("ct", Role::Committee),
    )
    .unwrap();
}

#[test]
fn item_4_a_stored_log_from_before_still_rebuilds_flagged() {
    let c = clock();
    let s = staff();
    let acts = [
        (
            RequestAct::Filed {
                right: Right::Access,
                channel: None,
                external_folio: None,
            },
            at("2026-06-01T10:00"),
        ),
        (
            RequestAct::ImprocedenceNotified { cause: cause("II") },
            at("2026-06-04T10:00"),
        ),
    ];
    let req = Request::rebuild(&c, acts.iter().map(|(a, m)| (a, *m, &s))).unwrap();
    let why = req.acts[1].irregular.as_deref().expect("flagged");
    assert!(why.contains("87.1.III"), "{why}");
}

// --- 5. An appeal for falta de respuesta before the term ran out is premature -------------

#[test]
fn item_5_a_premature_appeal_is_recorded_flagged_with_108_iii() {
    let appeal = |at: &str, ground: &str| {
        let v = run(&history(
            "2026-07-20T12:00:00-06:00",
            &format!(
                r#"{{"act": "appeal_filed", "at": "{at}", "venue": "guarantor", "ground": "{ground}"}}"#
            ),
        ))
        .unwrap();
        let a = v.appeal.unwrap();
        (
            a.premature,
            a.out_of_time,
            a.suggested_dismissal.map(|c| c.0.roman()),
        )
    };
    // The response term runs to Fri 19 June: on Wed 10 June, and on the 19th itself, an
    // appeal for falta de respuesta is premature (arts. 99.2, 100.VII, 108.III).
    assert_eq!(
        appeal("2026-06-10T10:00:00-06:00", "VII"),
        (true, false, Some("III"))
    );
    assert_eq!(
        appeal("2026-06-19T10:00:00-06:00", "XII"),
        (true, false, Some("III"))
    );
    // From Mon 22 June it is in time; the window closes Fri 10 July (15 days).
    assert_eq!(
        appeal("2026-06-22T10:00:00-06:00", "VII"),
        (false, false, None)
    );
    assert_eq!(
        appeal("2026-07-13T10:00:00-06:00", "VII"),
        (false, true, Some("I"))
    );
    // Another ground is not about the lack of a response.
    assert_eq!(
        appeal("2026-06-10T10:00:00-06:00", "VI"),
        (false, false, None)
    );
}

// --- 6. A late prevention neither interrupts nor lapses (art. 52.1, 6.1) ----------------

#[test]
fn item_6_a_late_prevention_is_recorded_and_changes_nothing() {
    // Due Thu 4 June; notified Fri 5 June: late.
    let late = r#"{"act": "prevention_notified", "at": "2026-06-05T10:00:00-06:00"}"#;
    let v = run(&history("2026-07-01T12:00:00-06:00", late)).unwrap();
    assert!(v.acts[1].late);
    assert_eq!(
        term(&v, TermId::Prevention),
        (d("2026-06-04"), DeadlineStatus::Late)
    );
    // Its 5 days (9–12, 15 June) pass unanswered: not "no presentada"; the resolution
    // still runs from the end of the admission term (Fri 19 June) and is missed.
    assert_eq!(v.state, arco::request::RequestState::Filed);
    assert_eq!(
        term(&v, TermId::Resolution),
        (d("2026-06-19"), DeadlineStatus::Missed)
    );
    assert_eq!(term(&v, TermId::PreventionReply).1, DeadlineStatus::Void);
    // Answered on Tue 9 June: recorded, nothing restarts.
    let answered =
        format!(r#"{late}, {{"act": "prevention_answered", "at": "2026-06-09T10:00:00-06:00"}}"#);
    let v = run(&history("2026-06-10T12:00:00-06:00", &answered)).unwrap();
    assert_eq!(term(&v, TermId::Resolution).0, d("2026-06-19"));
    assert_eq!(term(&v, TermId::Admission).0, d("2026-06-04"));
    // In time (Thu 4 June) it interrupts, and left unanswered past Fri 12 June the request
    // is "no presentada" (art. 52.3).
    let v = run(&history(
        "2026-06-15T12:00:00-06:00",
        r#"{"act": "prevention_notified", "at": "2026-06-04T10:00:00-06:00"}"#,
    ))
    .unwrap();
    assert_eq!(v.state, arco::request::RequestState::NotPresented);
}

// --- 7. A request never formally admitted may be resolved -----------------------------------

#[test]
fn item_7_the_resolution_implies_the_admission() {
    let v = run(&history(
        "2026-06-30T12:00:00-06:00",
        r#"{"act": "resolved", "at": "2026-06-10T10:00:00-06:00", "outcome": "granted"}"#,
    ))
    .unwrap();
    assert_eq!(v.state, arco::request::RequestState::Resolved);
    // The admission, due Thu 4 June, is shown done (late) by the resolution of 10 June.
    let a = &v.deadlines[&TermId::Admission];
    assert_eq!(
        (a.due, a.status, a.done),
        (d("2026-06-04"), DeadlineStatus::Late, Some(d("2026-06-10")))
    );
    assert_eq!(
        term(&v, TermId::Resolution),
        (d("2026-06-19"), DeadlineStatus::Met)
    );
    // An extension of 3 days on Fri 12 June: 22, 23, 24 → Wed 24 June.
    let v = run(&history(
        "2026-06-30T12:00:00-06:00",
        r#"{"act": "extension_notified", "at": "2026-06-12T10:00:00-06:00", "days": 3},
           {"act": "resolved", "at": "2026-06-23T10:00:00-06:00", "outcome": "denied"}"#,
    ))
    .unwrap();
    assert_eq!(
        term(&v, TermId::Resolution),
        (d("2026-06-24"), DeadlineStatus::Met)
    );
    assert_eq!(v.deadlines[&TermId::Admission].done, Some(d("2026-06-12")));
}

// --- 8. The UT forwards on its own calendar (art. 99.3) -------------------------------------

#[test]
fn item_8_forwarding_is_counted_on_the_units_calendar() {
    // The body's calendar closes 20–31 July (24 July enabled). Resolved and notified Fri
    // 10 July; the appeal, filed with the Unidad on Fri 17 July, is forwarded on Fri 24
    // July, its next business day: on time. On the guarantor's calendar the day after
    // would have been Mon 20 July.
    let json = r#"{"calendar": "ejemplo-organismo", "guarantor_calendar": "mx-jalisco",
        "as_of": "2026-07-27T12:00:00-06:00", "right": "access", "events": [
        {"act": "filed", "at": "2026-06-01T10:00:00-06:00"},
        {"act": "admitted", "at": "2026-06-02T10:00:00-06:00"},
        {"act": "resolved", "at": "2026-06-10T10:00:00-06:00", "outcome": "denied"},
        {"act": "resolution_notified", "at": "2026-07-10T10:00:00-06:00"},
        {"act": "appeal_filed", "at": "2026-07-17T10:00:00-06:00", "venue": "unit", "ground": "VI"},
        {"act": "appeal_forwarded", "at": "2026-07-24T10:00:00-06:00"}]}"#;
    let v = run(json).unwrap();
    let f = &v.deadlines[&TermId::ForwardToGuarantor];
    assert_eq!(
        (f.from, f.due, f.status),
        (d("2026-07-17"), d("2026-07-24"), DeadlineStatus::Met)
    );
    assert!(!v.appeal.as_ref().unwrap().acts[1].late);
    // Every later term stays on the guarantor's calendar: 20 days from 17 July → 14 Aug.
    assert_eq!(term(&v, TermId::AppealResolution).0, d("2026-08-14"));
}

// --- 9. Incompetence is notified as such (arts. 54.1, 55.1.VIII) ---------------------------

#[test]
fn item_9_incompetence_is_not_notified_as_improcedence_viii() {
    for events in [
        r#"{"act": "improcedence_reviewed", "at": "2026-06-03T10:00:00-06:00", "cause": "VIII", "decision": "confirmed"}"#,
        r#"{"act": "improcedence_notified", "at": "2026-06-03T10:00:00-06:00", "cause": "VIII"}"#,
    ] {
        let e = run(&history("2026-06-30T12:00:00-06:00", events)).unwrap_err();
        assert_eq!(e.code(), "incompetence_as_improcedence", "{e}");
        assert!(e.to_string().contains("54.1"), "{e}");
    }
    // The notice of art. 54.1: 3 days (2, 3, 4 June), met on Wed 3 June.
    let v = run(&history(
        "2026-06-30T12:00:00-06:00",
        r#"{"act": "incompetence_notified", "at": "2026-06-03T10:00:00-06:00"}"#,
    ))
    .unwrap();
    assert_eq!(
        term(&v, TermId::IncompetenceNotice),
        (d("2026-06-04"), DeadlineStatus::Met)
    );
}

fn clock() -> Clock<'static> {
    use std::sync::OnceLock;
    static CAL: OnceLock<arco::calendar::Calendar> = OnceLock::new();
    static BOOKS: OnceLock<Rulebooks> = OnceLock::new();
    let cal = CAL.get_or_init(|| CalendarLoader::default().load("mx-jalisco").unwrap());
    let books = BOOKS.get_or_init(|| Rulebooks::builtin().unwrap());
    Clock::new(cal, books.get("lpdppsoj-2017").unwrap())
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn staff() -> Actor {
    Actor::new("ut", Role::UnitStaff)
}

fn cause(s: &str) -> ImprocedenceCause {
    ImprocedenceCause::parse(s).unwrap()
}
