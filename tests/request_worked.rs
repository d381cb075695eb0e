//! Worked examples of the request procedure, through the replay format of issue 3. Every
//! date was counted by hand on a printed 2026 calendar with the Jalisco holidays
//! (2 Feb, 16 Mar, 1 and 5 May, 8 Jun, 16 and 28 Sep, 12 Oct, 2 and 16 Nov, 25 Dec).

use arco::calendar::CalendarLoader;
use arco::case::DeadlineStatus;
use arco::request::RequestState;
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

fn due(v: &CaseView, t: TermId) -> (NaiveDate, DeadlineStatus) {
    let x = v
        .deadlines
        .get(&t)
        .unwrap_or_else(|| panic!("no {t} in {:?}", v.deadlines.keys()));
    (x.due, x.status)
}

fn history(as_of: &str, events: &str) -> String {
    format!(
        r#"{{"calendar": "mx-jalisco", "as_of": "{as_of}", "right": "rectification", "events": [{events}]}}"#
    )
}

#[test]
fn the_issue_example() {
    let v = run(include_str!("../examples/histories/issue-example.json")).unwrap();
    assert_eq!(v.state, RequestState::Notified);
    // Filed Thu 5 Feb 16:10, after the 15:00 closing: effective Fri 6 Feb.
    assert_eq!(v.filed, d("2026-02-06"));
    assert_eq!(
        due(&v, TermId::Prevention),
        (d("2026-02-11"), DeadlineStatus::Met)
    );
    assert_eq!(
        due(&v, TermId::PreventionReply),
        (d("2026-02-16"), DeadlineStatus::Met)
    );
    // Admission: 3 days from the answer (Thu 12 Feb): 13, 16, 17.
    assert_eq!(
        due(&v, TermId::Admission),
        (d("2026-02-17"), DeadlineStatus::Met)
    );
    // Resolution restarts from the answer: 10 days → 26 Feb; extended 5 → 5 Mar.
    assert_eq!(
        due(&v, TermId::Resolution),
        (d("2026-03-05"), DeadlineStatus::Met)
    );
    assert_eq!(due(&v, TermId::ResolutionExtension).0, d("2026-03-05"));
    assert_eq!(
        v.deadlines[&TermId::ResolutionExtension].from,
        d("2026-02-26")
    );
    // Fulfilment 5 days from the notification (2 Mar): 3, 4, 5, 6, 9.
    assert_eq!(
        due(&v, TermId::Fulfilment),
        (d("2026-03-09"), DeadlineStatus::Pending)
    );
    // Appeal window 15 days from 2 Mar, skipping 16 Mar: 24 Mar.
    assert_eq!(
        due(&v, TermId::AppealWindow),
        (d("2026-03-24"), DeadlineStatus::Pending)
    );
}

#[test]
fn a_prevention_restarts_the_resolution_term_from_its_answer() {
    let events = r#"
        {"act": "filed", "at": "2026-03-02T10:00:00-06:00"},
        {"act": "prevention_notified", "at": "2026-03-04T10:00:00-06:00"},
        {"act": "prevention_answered", "at": "2026-03-10T12:00:00-06:00"},
        {"act": "admitted", "at": "2026-03-11T10:00:00-06:00"}"#;
    let v = run(&history("2026-03-12T12:00:00-06:00", events)).unwrap();
    assert_eq!(v.state, RequestState::Admitted);
    assert_eq!(
        due(&v, TermId::Prevention),
        (d("2026-03-05"), DeadlineStatus::Met)
    );
    assert_eq!(
        due(&v, TermId::PreventionReply),
        (d("2026-03-11"), DeadlineStatus::Met)
    );
    assert_eq!(
        due(&v, TermId::Admission),
        (d("2026-03-13"), DeadlineStatus::Met)
    );
    // From the answer (10 Mar), not the admission (11 Mar): 11, 12, 13, 17 (16 is a
    // holiday), 18, 19, 20, 23, 24, 25.
    let r = &v.deadlines[&TermId::Resolution];
    assert_eq!(
        (r.from, r.due, r.status),
        (d("2026-03-10"), d("2026-03-25"), DeadlineStatus::Pending)
    );

    // Resolved on the 26th: recorded, and flagged late.
    let late = format!(
        "{events},
        {{\"act\": \"resolved\", \"at\": \"2026-03-26T10:00:00-06:00\", \"outcome\": \"granted\"}}"
    );
    let v = run(&history("2026-03-27T12:00:00-06:00", &late)).unwrap();
    assert_eq!(v.state, RequestState::Resolved);
    assert_eq!(
        due(&v, TermId::Resolution),
        (d("2026-03-25"), DeadlineStatus::Late)
    );
    assert!(v.acts.last().unwrap().late);
}

#[test]
fn an_extension_adds_five_days_after_the_original_due_date() {
    let base = r#"
        {"act": "filed", "at": "2026-04-07T09:00:00-06:00"},
        {"act": "admitted", "at": "2026-04-08T10:00:00-06:00"}"#;
    // Resolution: 10 days from 8 Apr → 22 Apr. The extension is notified on that last day.
    let events = format!(
        r#"{base},
        {{"act": "extension_notified", "at": "2026-04-22T14:59:00-06:00"}},
        {{"act": "resolved", "at": "2026-04-29T10:00:00-06:00", "outcome": "granted"}},
        {{"act": "resolution_notified", "at": "2026-04-30T10:00:00-06:00"}}"#
    );
    let v = run(&history("2026-05-04T12:00:00-06:00", &events)).unwrap();
    // Extended: 23, 24, 27, 28, 29 April.
    assert_eq!(
        due(&v, TermId::Resolution),
        (d("2026-04-29"), DeadlineStatus::Met)
    );
    assert_eq!(
        due(&v, TermId::ResolutionExtension),
        (d("2026-04-29"), DeadlineStatus::Met)
    );
    // Notified the day after the (extended) response term: flagged late.
    assert!(v.acts.last().unwrap().late);
    // Fulfilment: 5 days from 30 Apr skipping 1 and 5 May: 4, 6, 7, 8, 11 May.
    assert_eq!(
        due(&v, TermId::Fulfilment),
        (d("2026-05-11"), DeadlineStatus::Pending)
    );

    // At 15:00 on the last day the notice takes effect on the 23rd: too late to extend.
    let events =
        format!(r#"{base}, {{"act": "extension_notified", "at": "2026-04-22T15:00:00-06:00"}}"#);
    let e = run(&history("2026-05-04T12:00:00-06:00", &events)).unwrap_err();
    assert_eq!(e.code(), "extension_out_of_time");
    assert!(e.to_string().contains("venció el 2026-04-22"), "{e}");

    // A second extension is refused.
    let events = format!(
        r#"{base},
        {{"act": "extension_notified", "at": "2026-04-20T10:00:00-06:00"}},
        {{"act": "extension_notified", "at": "2026-04-21T10:00:00-06:00"}}"#
    );
    let e = run(&history("2026-05-04T12:00:00-06:00", &events)).unwrap_err();
    assert_eq!(e.code(), "second_extension");
    assert!(
        e.to_string().starts_with("evento 4 («extension_notified»)"),
        "{e}"
    );
}

#[test]
fn a_filing_after_closing_time_and_no_response_opens_the_appeal_window() {
    // Filed Friday 29 May at 15:00 sharp: effective Monday 1 June.
    let events = r#"{"act": "filed", "at": "2026-05-29T15:00:00-06:00"}"#;
    let v = run(&history("2026-07-01T12:00:00-06:00", events)).unwrap();
    assert_eq!(v.filed, d("2026-06-01"));
    assert_eq!(v.state, RequestState::Filed);
    // Admission: 2, 3, 4 June — missed.
    assert_eq!(
        due(&v, TermId::Admission),
        (d("2026-06-04"), DeadlineStatus::Missed)
    );
    // Never admitted: the resolution counts from the end of the admission term:
    // 5, 9 (8 June is a holiday), 10, 11, 12, 15, 16, 17, 18, 19 June — missed.
    let r = &v.deadlines[&TermId::Resolution];
    assert_eq!(
        (r.from, r.due, r.status),
        (d("2026-06-04"), d("2026-06-19"), DeadlineStatus::Missed)
    );
    // No response: the appeal window runs 15 days from the end of the response term:
    // 22–26 June, 29 June–3 July, 6–10 July.
    let w = &v.deadlines[&TermId::AppealWindow];
    assert_eq!(
        (w.from, w.due, w.status),
        (d("2026-06-19"), d("2026-07-10"), DeadlineStatus::Pending)
    );
    // Optional powers unused within their term are void, not missed.
    assert_eq!(due(&v, TermId::Prevention).1, DeadlineStatus::Void);
    // After the window closes it is void too.
    let v = run(&history("2026-07-13T12:00:00-06:00", events)).unwrap();
    assert_eq!(due(&v, TermId::AppealWindow).1, DeadlineStatus::Void);
}

#[test]
fn a_filing_on_a_holiday() {
    // Monday 16 November 2026 (Revolución): effective Tuesday 17.
    let events = r#"{"act": "filed", "at": "2026-11-16T10:00:00-06:00"}"#;
    let v = run(&history("2026-11-17T12:00:00-06:00", events)).unwrap();
    assert_eq!(v.filed, d("2026-11-17"));
    assert_eq!(
        due(&v, TermId::Prevention),
        (d("2026-11-20"), DeadlineStatus::Pending)
    );
    // Improcedencia: 10 days: 18, 19, 20, 23, 24, 25, 26, 27, 30 Nov, 1 Dec.
    assert_eq!(due(&v, TermId::ImprocedenceNotice).0, d("2026-12-01"));
}

#[test]
fn a_lapsed_prevention() {
    let events = r#"
        {"act": "filed", "at": "2026-09-14T10:00:00-06:00"},
        {"act": "prevention_notified", "at": "2026-09-15T10:00:00-06:00"}"#;
    // Reply term: 5 days from 15 Sep, skipping the 16th: 17, 18, 21, 22, 23.
    let v = run(&history("2026-09-23T12:00:00-06:00", events)).unwrap();
    assert_eq!(v.state, RequestState::Prevented);
    assert_eq!(
        due(&v, TermId::PreventionReply),
        (d("2026-09-23"), DeadlineStatus::Pending)
    );
    // The next day the request is tenida por no presentada.
    let v = run(&history("2026-09-24T09:00:00-06:00", events)).unwrap();
    assert_eq!(v.state, RequestState::NotPresented);
    assert_eq!(due(&v, TermId::PreventionReply).1, DeadlineStatus::Missed);
    assert!(!v.deadlines.contains_key(&TermId::Admission));
    assert!(!v.deadlines.contains_key(&TermId::AppealWindow));
    // An answer on the last day, before closing, is on time...
    let ok =
        format!(r#"{events}, {{"act": "prevention_answered", "at": "2026-09-23T14:00:00-06:00"}}"#);
    assert_eq!(
        run(&history("2026-09-24T09:00:00-06:00", &ok))
            .unwrap()
            .state,
        RequestState::Filed
    );
    // ... at 15:00 it takes effect on the 24th: refused, the request had lapsed.
    let late =
        format!(r#"{events}, {{"act": "prevention_answered", "at": "2026-09-23T15:00:00-06:00"}}"#);
    let e = run(&history("2026-09-24T09:00:00-06:00", &late)).unwrap_err();
    assert_eq!(e.code(), "lapsed");
    assert!(
        e.to_string().contains("venció el 2026-09-23") && e.to_string().contains("no presentada"),
        "{e}"
    );
    // Closing the file of a lapsed request is allowed.
    let closed = format!(r#"{events}, {{"act": "closed", "at": "2026-09-25T10:00:00-06:00"}}"#);
    assert_eq!(
        run(&history("2026-09-25T12:00:00-06:00", &closed))
            .unwrap()
            .state,
        RequestState::Closed
    );
}

#[test]
fn invalid_histories_are_typed_errors() {
    let e = run(r#"{"calendar": "mx-jalisco", "right": "access", "events": []}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_history");
    let e = run(&history(
        "2026-03-01T00:00:00Z",
        r#"{"act": "admitted", "at": "2026-02-05"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "not_filed_yet");
    let e = run(&history(
        "2026-03-01T00:00:00Z",
        r#"{"act": "filed", "at": "2026-02-05"}, {"act": "resolution_notified", "at": "2026-02-06"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "invalid_transition");
    assert!(
        e.to_string().contains("«resolution_notified»") && e.to_string().contains("«filed»"),
        "{e}"
    );
    let e = run(&history(
        "2026-03-01T00:00:00Z",
        r#"{"act": "filed", "at": "2026-02-05"}, {"act": "admited", "at": "2026-02-06"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "invalid_event");
    assert!(e.to_string().contains("acto desconocido «admited»"), "{e}");
    let e = run(&history(
        "2026-03-01T00:00:00Z",
        r#"{"act": "filed", "at": "ayer"}"#,
    ))
    .unwrap_err();
    assert!(
        e.to_string().contains("evento 1") && e.to_string().contains("«ayer»"),
        "{e}"
    );
    // An act after as_of is in the future for the history.
    let e = run(&history(
        "2026-02-05T12:00:00-06:00",
        r#"{"act": "filed", "at": "2026-02-06"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "in_future");
    let e = run(r#"{"calendar": "mx-jalisco", "right": "acces", "events": []}"#).unwrap_err();
    assert!(
        e.to_string().starts_with("historial inválido: línea 1"),
        "{e}"
    );
    let e = run(r#"{"calendar": "no-existe", "right": "access", "events": [{"act": "filed", "at": "2026-02-05"}]}"#).unwrap_err();
    assert_eq!(e.code(), "calendar");
}

#[test]
fn improcedence_after_a_partial_incompetence_ends_the_request() {
    // Partial incompetence (art. 54.2) leaves the request running; the improcedencia that
    // follows answers it, and the appeal window runs from its notice (9 Feb): 15 days,
    // skipping nothing but weekends → 2 March.
    let events = r#"
        {"act": "filed", "at": "2026-02-05T10:00:00-06:00"},
        {"act": "incompetence_notified", "at": "2026-02-06T10:00:00-06:00", "partial": true},
        {"act": "improcedence_reviewed", "at": "2026-02-09T09:00:00-06:00", "cause": "II", "decision": "confirmed"},
        {"act": "improcedence_notified", "at": "2026-02-09T10:00:00-06:00", "cause": "II"}"#;
    let v = run(&history("2026-03-30T12:00:00-06:00", events)).unwrap();
    assert_eq!(v.state, RequestState::Improcedent);
    assert_eq!(due(&v, TermId::Admission).1, DeadlineStatus::Void);
    assert_eq!(due(&v, TermId::Resolution).1, DeadlineStatus::Void);
    let w = &v.deadlines[&TermId::AppealWindow];
    assert_eq!((w.from, w.due), (d("2026-02-09"), d("2026-03-02")));
}
