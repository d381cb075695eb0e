//! Worked examples of the recurso de revisión and its compliance, through the replay
//! format. Dates were counted by hand on the 2026 Jalisco calendar (holidays in June–Oct:
//! 8 Jun, 16 and 28 Sep, 12 Oct); the guarantor uses the same calendar here.

use arco::appeal::AppealState;
use arco::calendar::CalendarLoader;
use arco::case::DeadlineStatus;
use arco::request::replay::{CaseView, History, ReplayError, replay};
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

/// A request filed Fri 29 May 2026 at 15:00 (effective Mon 1 June) and never answered:
/// its response term ended Fri 19 June, and the appeal window runs to Fri 10 July.
const NO_RESPONSE: &str = r#"{"act": "filed", "at": "2026-05-29T15:00:00-06:00"}"#;

fn history(as_of: &str, appeal_events: &str) -> String {
    format!(
        r#"{{"calendar": "mx-jalisco", "as_of": "{as_of}", "right": "access",
            "events": [{NO_RESPONSE}, {appeal_events}]}}"#
    )
}

fn state(v: &CaseView) -> AppealState {
    v.appeal.as_ref().expect("an appeal").state
}

#[test]
fn the_whole_way_for_lack_of_response() {
    let v = run(include_str!("../examples/histories/appeal-example.json")).unwrap();
    let a = v.appeal.as_ref().unwrap();
    assert_eq!(a.state, AppealState::Arrested);
    assert!(!a.out_of_time);
    // The appeal (25 June) met the request's window.
    assert_eq!(
        term(&v, TermId::AppealWindow),
        (d("2026-07-10"), DeadlineStatus::Met)
    );
    // Turn 3 days (26, 29, 30 June); requirement 5 days (to 2 July).
    assert_eq!(
        term(&v, TermId::AppealTurn),
        (d("2026-06-30"), DeadlineStatus::Met)
    );
    assert_eq!(
        term(&v, TermId::AppealRequirement),
        (d("2026-07-02"), DeadlineStatus::Met)
    );
    // Reply: 5 days from 29 June: 30 June, 1, 2, 3, 6 July.
    assert_eq!(
        term(&v, TermId::AppealRequirementReply),
        (d("2026-07-06"), DeadlineStatus::Met)
    );
    // Admission counted from the answer (2 July): 3, 6, 7, 8, 9 July.
    assert_eq!(
        term(&v, TermId::AppealAdmission),
        (d("2026-07-09"), DeadlineStatus::Met)
    );
    // Willingness 7 days from 7 July → 16 July; hearing 7 days from 9 July → 20 July.
    assert_eq!(
        term(&v, TermId::ConciliationWillingness),
        (d("2026-07-16"), DeadlineStatus::Met)
    );
    assert_eq!(
        term(&v, TermId::ConciliationHearing),
        (d("2026-07-20"), DeadlineStatus::Met)
    );
    // Resolution: restarted from the answer (2 July) → 30 July; the agreement of 15 July
    // suspended it with 11 days left; the failure of 22 July resumed it → 6 August; the
    // extension adds 10 → 20 August. Resolved on 19 August: met.
    assert_eq!(
        term(&v, TermId::AppealResolution),
        (d("2026-08-20"), DeadlineStatus::Met)
    );
    // Publication: 3 days from 19 August.
    assert_eq!(
        term(&v, TermId::Publication),
        (d("2026-08-24"), DeadlineStatus::Met)
    );
    // Compliance: 10 days from 20 August → 3 September, +5 granted → 10 September; the
    // report came on the 11th, within its own 3 days, stating no date of compliance and
    // not yet ruled on: compliance is met by complying, not by reporting (arts. 112.1,
    // 137.1, 138), so the term stands missed.
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-09-10"), DeadlineStatus::Missed)
    );
    assert_eq!(a.compliance_due, Some(d("2026-09-10")));
    assert_eq!(
        term(&v, TermId::ComplianceExtensionRequest),
        (d("2026-08-25"), DeadlineStatus::Met)
    );
    assert_eq!(
        term(&v, TermId::ComplianceExtensionRuling),
        (d("2026-08-31"), DeadlineStatus::Met)
    );
    // Report 3 days after 10 Sep: 11, 14, 15. Vista next day. Titular 5 days (16 is a
    // holiday): 15, 17, 18, 21, 22. Ruling 5 days from the statement (17 Sep) → 24 Sep.
    assert_eq!(
        term(&v, TermId::ComplianceReport),
        (d("2026-09-15"), DeadlineStatus::Met)
    );
    assert_eq!(
        term(&v, TermId::ComplianceVista),
        (d("2026-09-14"), DeadlineStatus::Met)
    );
    assert_eq!(
        term(&v, TermId::ComplianceHearingTitular),
        (d("2026-09-22"), DeadlineStatus::Met)
    );
    assert_eq!(
        term(&v, TermId::ComplianceRuling),
        (d("2026-09-24"), DeadlineStatus::Met)
    );
    // Non-compliance on 23 Sep: the superior has 5 days (28 Sep is a holiday) → 1 Oct.
    assert_eq!(
        term(&v, TermId::SuperiorCompliance),
        (d("2026-10-01"), DeadlineStatus::Missed)
    );
    // Warning on 24 Sep with 10 days → 9 Oct; fine on 12 Oct (a holiday: effective 13 Oct)
    // with 5 days → 20 Oct; arrest within 3 days of that → 23 Oct, ordered on the 21st.
    assert_eq!(
        term(&v, TermId::WarningCompliance),
        (d("2026-10-09"), DeadlineStatus::Missed)
    );
    assert_eq!(
        term(&v, TermId::FineCompliance),
        (d("2026-10-20"), DeadlineStatus::Missed)
    );
    assert_eq!(
        term(&v, TermId::Arrest),
        (d("2026-10-23"), DeadlineStatus::Met)
    );
}

#[test]
fn a_requirement_restarts_the_twenty_days_and_its_lapse_dismisses() {
    let base = r#"{"act": "appeal_filed", "at": "2026-06-25T10:00:00-06:00", "venue": "guarantor", "ground": "VII"}"#;
    // Without a requirement: 20 days from 25 June → 23 July.
    let v = run(&history("2026-06-26T12:00:00-06:00", base)).unwrap();
    assert_eq!(
        term(&v, TermId::AppealResolution),
        (d("2026-07-23"), DeadlineStatus::Pending)
    );
    // A requirement interrupts it: no resolution term runs while it is unanswered.
    let req = format!(
        r#"{base}, {{"act": "appeal_requirement_notified", "at": "2026-06-29T10:00:00-06:00"}}"#
    );
    let v = run(&history("2026-06-30T12:00:00-06:00", &req)).unwrap();
    assert_eq!(state(&v), AppealState::Required);
    assert!(!v.deadlines.contains_key(&TermId::AppealResolution));
    // Answered on 2 July: 20 days from zero → 30 July.
    let answered = format!(
        r#"{req}, {{"act": "appeal_requirement_answered", "at": "2026-07-02T10:00:00-06:00"}}"#
    );
    let v = run(&history("2026-07-03T12:00:00-06:00", &answered)).unwrap();
    assert_eq!(
        term(&v, TermId::AppealResolution),
        (d("2026-07-30"), DeadlineStatus::Pending)
    );
    // Unanswered after 6 July: desechado; an answer on the 7th is refused.
    let v = run(&history("2026-07-07T12:00:00-06:00", &req)).unwrap();
    assert_eq!(state(&v), AppealState::Dismissed);
    assert_eq!(
        term(&v, TermId::AppealRequirementReply),
        (d("2026-07-06"), DeadlineStatus::Missed)
    );
    let late = format!(
        r#"{req}, {{"act": "appeal_requirement_answered", "at": "2026-07-07T10:00:00-06:00"}}"#
    );
    let e = run(&history("2026-07-08T12:00:00-06:00", &late)).unwrap_err();
    assert_eq!(e.code(), "lapsed");
    assert!(
        e.to_string().contains("venció el 2026-07-06") && e.to_string().contains("art. 104.2"),
        "{e}"
    );
    // A second requirement is refused.
    let twice = format!(
        r#"{req}, {{"act": "appeal_requirement_notified", "at": "2026-06-30T10:00:00-06:00"}}"#
    );
    assert_eq!(
        run(&history("2026-07-01T12:00:00-06:00", &twice))
            .unwrap_err()
            .code(),
        "second_requirement"
    );
}

#[test]
fn a_conciliation_agreement_suspends_and_its_fulfilment_ends_the_appeal() {
    let admitted = r#"
        {"act": "appeal_filed", "at": "2026-06-25T10:00:00-06:00", "venue": "guarantor", "ground": "VII"},
        {"act": "appeal_admitted", "at": "2026-06-26T10:00:00-06:00"},
        {"act": "conciliation_invited", "at": "2026-06-29T10:00:00-06:00"},
        {"act": "conciliation_accepted", "at": "2026-06-30T10:00:00-06:00"},
        {"act": "conciliation_hearing_held", "at": "2026-07-01T10:00:00-06:00"},
        {"act": "conciliation_agreement", "at": "2026-07-02T10:00:00-06:00"}"#;
    // Suspended: 15 business days were left (3 July to 23 July).
    let v = run(&history("2026-07-10T12:00:00-06:00", admitted)).unwrap();
    assert_eq!(state(&v), AppealState::ConciliationAgreement);
    assert!(!v.deadlines.contains_key(&TermId::AppealResolution));
    // Failed on 13 July: resumes with the 15 days left: 14–17, 20–24, 27–31 July, 3 Aug.
    let failed = format!(
        r#"{admitted}, {{"act": "conciliation_failed", "at": "2026-07-13T10:00:00-06:00"}}"#
    );
    let v = run(&history("2026-07-14T12:00:00-06:00", &failed)).unwrap();
    assert_eq!(state(&v), AppealState::Admitted);
    assert_eq!(
        term(&v, TermId::AppealResolution),
        (d("2026-08-03"), DeadlineStatus::Pending)
    );
    // Fulfilled: left without matter; no resolution term.
    let done = format!(
        r#"{admitted}, {{"act": "conciliation_agreement_fulfilled", "at": "2026-07-13T10:00:00-06:00"}}"#
    );
    let v = run(&history("2026-08-20T12:00:00-06:00", &done)).unwrap();
    assert_eq!(state(&v), AppealState::WithoutMatter);
    assert!(!v.deadlines.contains_key(&TermId::AppealResolution));
}

#[test]
fn extensions_once_and_in_time_and_silence_confirms() {
    let admitted = r#"
        {"act": "appeal_filed", "at": "2026-06-25T10:00:00-06:00", "venue": "guarantor", "ground": "VII"},
        {"act": "appeal_admitted", "at": "2026-06-26T10:00:00-06:00"}"#;
    // Due 23 July; extended +10 → 6 August.
    let ext = format!(
        r#"{admitted}, {{"act": "appeal_extension_notified", "at": "2026-07-23T14:00:00-06:00"}}"#
    );
    let v = run(&history("2026-07-24T12:00:00-06:00", &ext)).unwrap();
    assert_eq!(
        term(&v, TermId::AppealResolution),
        (d("2026-08-06"), DeadlineStatus::Pending)
    );
    let twice = format!(
        r#"{ext}, {{"act": "appeal_extension_notified", "at": "2026-07-24T10:00:00-06:00"}}"#
    );
    assert_eq!(
        run(&history("2026-07-25T12:00:00-06:00", &twice))
            .unwrap_err()
            .code(),
        "second_extension"
    );
    let late = format!(
        r#"{admitted}, {{"act": "appeal_extension_notified", "at": "2026-07-24T10:00:00-06:00"}}"#
    );
    let e = run(&history("2026-07-25T12:00:00-06:00", &late)).unwrap_err();
    assert_eq!(e.code(), "extension_out_of_time");
    // No resolution by 23 July: the response stands confirmed (art. 110.10).
    let v = run(&history("2026-07-24T12:00:00-06:00", admitted)).unwrap();
    assert_eq!(state(&v), AppealState::ConfirmedBySilence);
    assert_eq!(term(&v, TermId::AppealResolution).1, DeadlineStatus::Missed);
    // A late resolution is still recorded, flagged late.
    let resolved = format!(
        r#"{admitted}, {{"act": "appeal_resolved", "at": "2026-07-27T10:00:00-06:00", "outcome": "confirmed"}},
        {{"act": "appeal_resolution_notified", "at": "2026-07-28T10:00:00-06:00"}}"#
    );
    let v = run(&history("2026-07-29T12:00:00-06:00", &resolved)).unwrap();
    assert_eq!(state(&v), AppealState::Concluded);
    assert_eq!(term(&v, TermId::AppealResolution).1, DeadlineStatus::Late);
    assert!(!v.deadlines.contains_key(&TermId::Compliance));
}

#[test]
fn filing_out_of_time_is_recorded_with_the_dismissal_cause_offered() {
    // The window closed on 10 July; filed on 13 July at the Unidad de Transparencia.
    let events = r#"{"act": "appeal_filed", "at": "2026-07-13T10:00:00-06:00", "venue": "unit", "ground": "XII"},
        {"act": "appeal_forwarded", "at": "2026-07-15T10:00:00-06:00"}"#;
    let v = run(&history("2026-07-15T12:00:00-06:00", events)).unwrap();
    let a = v.appeal.as_ref().unwrap();
    assert!(a.out_of_time);
    assert_eq!(a.suggested_dismissal.map(|c| c.0.roman()), Some("I"));
    assert!(a.acts[0].late);
    assert_eq!(
        term(&v, TermId::AppealWindow),
        (d("2026-07-10"), DeadlineStatus::Late)
    );
    // The UT had 1 day to forward it (14 July): forwarded on the 15th, late.
    assert_eq!(
        term(&v, TermId::ForwardToGuarantor),
        (d("2026-07-14"), DeadlineStatus::Late)
    );
    assert!(a.acts[1].late);
    let dismissed = format!(
        r#"{events}, {{"act": "appeal_dismissed", "at": "2026-07-16T10:00:00-06:00", "cause": "I"}}"#
    );
    let v = run(&history("2026-07-16T12:00:00-06:00", &dismissed)).unwrap();
    assert_eq!(state(&v), AppealState::Dismissed);
    assert_eq!(term(&v, TermId::AppealResolution).1, DeadlineStatus::Void);
}

#[test]
fn compliance_refusals() {
    let resolved = r#"
        {"act": "appeal_filed", "at": "2026-06-25T10:00:00-06:00", "venue": "guarantor", "ground": "VII", "minor_unrepresented": true},
        {"act": "appeal_admitted", "at": "2026-06-26T10:00:00-06:00"}"#;
    let minor = format!(
        r#"{resolved}, {{"act": "conciliation_invited", "at": "2026-06-29T10:00:00-06:00"}}"#
    );
    assert_eq!(
        run(&history("2026-07-01T12:00:00-06:00", &minor))
            .unwrap_err()
            .code(),
        "no_conciliation_for_minor"
    );
    let no_days = format!(
        r#"{resolved}, {{"act": "appeal_resolved", "at": "2026-07-01T10:00:00-06:00", "outcome": "revoked"}}"#
    );
    let e = run(&history("2026-07-02T12:00:00-06:00", &no_days)).unwrap_err();
    assert!(e.to_string().contains("falta compliance_days"), "{e}");
    let too_many = format!(
        r#"{resolved}, {{"act": "appeal_resolved", "at": "2026-07-01T10:00:00-06:00", "outcome": "revoked", "compliance_days": 11}}"#
    );
    assert_eq!(
        run(&history("2026-07-02T12:00:00-06:00", &too_many))
            .unwrap_err()
            .code(),
        "bad_value"
    );
    let notified = format!(
        r#"{resolved}, {{"act": "appeal_resolved", "at": "2026-07-01T10:00:00-06:00", "outcome": "delivery_ordered", "compliance_days": 5}},
        {{"act": "appeal_resolution_notified", "at": "2026-07-02T10:00:00-06:00"}}"#
    );
    // Extension requested after the first 3 days (3, 6, 7 July): refused.
    let late_req = format!(
        r#"{notified}, {{"act": "compliance_extension_requested", "at": "2026-07-08T10:00:00-06:00"}}"#
    );
    assert_eq!(
        run(&history("2026-07-09T12:00:00-06:00", &late_req))
            .unwrap_err()
            .code(),
        "compliance_extension_out_of_time"
    );
    // Compliance due 9 July (3, 6, 7, 8, 9); reported 10 July, vista, ruled not complied.
    let ruled = format!(
        r#"{notified}, {{"act": "compliance_reported", "at": "2026-07-10T10:00:00-06:00"}},
        {{"act": "compliance_vista_given", "at": "2026-07-13T10:00:00-06:00"}},
        {{"act": "compliance_ruled", "at": "2026-07-21T10:00:00-06:00", "complied": false}},
        {{"act": "public_warning", "at": "2026-07-22T10:00:00-06:00", "days": 3}}"#
    );
    let v = run(&history("2026-07-22T12:00:00-06:00", &ruled)).unwrap();
    // Ruled not complied (art. 138.2.I): the compliance term stays missed, whatever the
    // report said.
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-07-09"), DeadlineStatus::Missed)
    );
    assert_eq!(state(&v), AppealState::Warned);
    // Warning term: 23, 24, 27 July. A fine on the 27th is premature; 12 UMA is no fine.
    let early = format!(
        r#"{ruled}, {{"act": "fine_imposed", "at": "2026-07-27T10:00:00-06:00", "days": 5, "uma": 150}}"#
    );
    assert_eq!(
        run(&history("2026-07-28T12:00:00-06:00", &early))
            .unwrap_err()
            .code(),
        "premature"
    );
    let tiny = format!(
        r#"{ruled}, {{"act": "fine_imposed", "at": "2026-07-28T10:00:00-06:00", "days": 5, "uma": 12}}"#
    );
    assert!(
        run(&history("2026-07-29T12:00:00-06:00", &tiny))
            .unwrap_err()
            .to_string()
            .contains("de 150 a 1500 UMA")
    );
    // Complying at last closes it.
    let complied = format!(
        r#"{ruled}, {{"act": "compliance_ruled", "at": "2026-07-28T10:00:00-06:00", "complied": true}}"#
    );
    let v = run(&history("2026-07-29T12:00:00-06:00", &complied)).unwrap();
    assert_eq!(state(&v), AppealState::Complied);
    assert_eq!(
        term(&v, TermId::WarningCompliance),
        (d("2026-07-27"), DeadlineStatus::Late)
    );
}

#[test]
fn a_silent_responsable_is_found_non_compliant_de_oficio() {
    // Revoked with 5 days to comply, notified 2 July: compliance due 9 July, report due
    // 3 days later (10, 13, 14 July). No report: the guarantor verifies de oficio
    // (art. 137.2) once that term has run out, and rules non-compliance.
    let notified = r#"
        {"act": "appeal_filed", "at": "2026-06-25T10:00:00-06:00", "venue": "guarantor", "ground": "VII"},
        {"act": "appeal_admitted", "at": "2026-06-26T10:00:00-06:00"},
        {"act": "appeal_resolved", "at": "2026-07-01T10:00:00-06:00", "outcome": "revoked", "compliance_days": 5},
        {"act": "appeal_resolution_notified", "at": "2026-07-02T10:00:00-06:00"}"#;
    let early = format!(
        r#"{notified}, {{"act": "compliance_ruled", "at": "2026-07-14T10:00:00-06:00", "complied": false}}"#
    );
    let e = run(&history("2026-07-15T12:00:00-06:00", &early)).unwrap_err();
    assert_eq!(e.code(), "premature");
    assert!(e.to_string().contains("2026-07-14"), "{e}");
    let ruled = format!(
        r#"{notified}, {{"act": "compliance_ruled", "at": "2026-07-15T10:00:00-06:00", "complied": false}},
        {{"act": "public_warning", "at": "2026-07-16T10:00:00-06:00", "days": 10}}"#
    );
    let v = run(&history("2026-07-16T12:00:00-06:00", &ruled)).unwrap();
    assert_eq!(state(&v), AppealState::Warned);
    assert_eq!(
        term(&v, TermId::Compliance),
        (d("2026-07-09"), DeadlineStatus::Missed)
    );
    assert_eq!(
        term(&v, TermId::ComplianceReport),
        (d("2026-07-14"), DeadlineStatus::Missed)
    );
    // Warning: 10 days from 16 July → 30 July.
    assert_eq!(
        term(&v, TermId::WarningCompliance),
        (d("2026-07-30"), DeadlineStatus::Pending)
    );
}
