//! A security breach from detection to the guarantor's investigation, every instant
//! counted by hand on the shipped `mx-jalisco` calendar (America/Mexico_City: UTC−06:00
//! all year, Mexico having abolished daylight saving time in 2022; office closes 15:00;
//! Mon 2026-03-16 is a holiday, the Natalicio de Benito Juárez).
//!
//! | when                  | act                                         | hours since confirming |
//! |-----------------------|---------------------------------------------|------------------------|
//! | Fri 03-13 18:00       | detected (after office hours: no matter)    | —                      |
//! | Fri 03-13 19:30       | immediate measure: the system isolated      | —                      |
//! | Sat 03-14 09:00       | confirmed: **the 72 hours start**           | 0                      |
//! | Sat 03-14 16:00       | analysed: significant, patrimonial rights   | 7                      |
//! | Mon 03-16 13:00       | guarantor notified (on the holiday)         | 15 + 24 + 13 = 52      |
//! | Mon 03-16 20:00       | titulares, part 1: 800 by email             | 15 + 24 + 20 = 59      |
//! | Tue 03-17 09:00       | **due**                                     | 15 + 24 + 24 + 9 = 72  |
//! | Tue 03-17 10:30       | titulares, part 2, completes: 150 by post   | 73 h 30 min: late      |
//! | Wed 03-25 11:00       | definitive measures                         | —                      |
//! | Thu 03-26 12:00       | closed                                      | —                      |
//! | Fri 03-27 10:00       | the guarantor opens an investigation        | —                      |
//!
//! Read as 3 business days, the term would take effect on Tue 03-17 (Saturday, Sunday and
//! the holiday skipped) and fall due on Fri 03-20 at 15:00: three days and six hours more
//! than the law gives. arco counts natural hours.

use arco::breach::{
    AffectedRight, Breach, BreachAct, BreachActKind, BreachCause, BreachKind, BreachState,
    DataCategory, InformationChannel, InvestigationOutcome, Measure, MeasureStage, Notice,
    NoticeMeans, Recipient, Recommendation,
};
use arco::calendar::{CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::rules::{Rulebooks, TermId};
use chrono::{DateTime, Duration, FixedOffset};

fn m(s: &str) -> Moment {
    s.parse().unwrap()
}

fn t(s: &str) -> DateTime<FixedOffset> {
    s.parse().unwrap()
}

fn notice() -> Notice {
    Notice {
        nature: BreachKind::UnauthorisedAccess,
        data: vec![DataCategory::Identification, DataCategory::Financial],
        recommendations: vec![Recommendation::AlertBank, Recommendation::MonitorAccounts],
        immediate_actions: vec![Measure::SystemIsolated, Measure::CredentialsReset],
        information: vec![InformationChannel::Phone, InformationChannel::Website],
    }
}

#[test]
fn a_breach_over_a_weekend_and_a_holiday() {
    let cal = CalendarLoader::default().load("mx-jalisco").unwrap();
    let books = Rulebooks::builtin().unwrap();
    let clock = Clock::new(&cal, books.get("lpdppsoj-2017").unwrap());
    let staff = Actor::new("ut-07", Role::UnitHead);
    let og = Actor::new("og-02", Role::Guarantor);

    // The business-day reading, for contrast: Sat 09:00 takes effect Tue 17 (Sun, and the
    // holiday Mon, skipped); 3 business days later is Fri 03-20.
    assert_eq!(
        cal.due(&m("2026-03-14T09:00"), 3).unwrap().to_string(),
        "2026-03-20"
    );

    let mut b = Breach::detect(
        &clock,
        BreachAct::BreachDetected { occurred_on: None },
        m("2026-03-13T18:00"),
        &staff,
    )
    .unwrap();
    let go = |b: &mut Breach, act: BreachAct, at: &str, who: &Actor| -> (bool, BreachState) {
        let rec = b
            .apply(&clock, act, m(at), who)
            .unwrap_or_else(|e| panic!("{at}: {e}"))
            .late;
        (rec, b.state)
    };
    let s = go(
        &mut b,
        BreachAct::CorrectiveMeasures {
            stage: MeasureStage::Immediate,
            measures: vec![Measure::SystemIsolated],
        },
        "2026-03-13T19:30",
        &staff,
    );
    assert_eq!(s, (false, BreachState::Detected));
    let s = go(
        &mut b,
        BreachAct::BreachConfirmed {
            kind: BreachKind::UnauthorisedAccess,
            cause: BreachCause::ExternalAttack,
            occurred_on: Some("2026-03-12".parse().unwrap()),
            data: vec![DataCategory::Identification, DataCategory::Financial],
            titulars: Some(950),
        },
        "2026-03-14T09:00",
        &staff,
    );
    assert_eq!(s, (false, BreachState::Confirmed));
    // Due Tue 03-17 at 09:00: exactly 72 hours.
    let due = t("2026-03-17T09:00:00-06:00");
    assert_eq!(b.notice_due(), Some(due));
    assert_eq!(due - t("2026-03-14T09:00:00-06:00"), Duration::hours(72));
    assert_eq!(
        clock
            .due_at(TermId::BreachNotice, &m("2026-03-14T09:00"))
            .unwrap()
            .to_string(),
        "2026-03-17T09:00:00-06:00"
    );

    let s = go(
        &mut b,
        BreachAct::BreachAnalysed {
            significant: true,
            rights: vec![AffectedRight::Patrimonial],
            reason: None,
        },
        "2026-03-14T16:00",
        &staff,
    );
    assert_eq!(s, (false, BreachState::Significant));
    // Before anything is given, the staff may notify either, take measures; not close.
    let allowed = b.allowed_acts(&clock, Role::UnitHead, m("2026-03-15T10:00"));
    assert_eq!(
        allowed,
        [
            BreachActKind::GuarantorNotified,
            BreachActKind::TitularsNotified,
            BreachActKind::CorrectiveMeasures
        ]
    );
    // Sun 03-15 at 10:00, 25 hours in: both pending.
    let ds = b.deadlines(&clock, t("2026-03-15T10:00:00-06:00")).unwrap();
    assert!(ds.iter().all(|d| d.status == DeadlineStatus::Pending));

    // 52 hours in, on the holiday: on time.
    let s = go(
        &mut b,
        BreachAct::GuarantorNotified { notice: notice() },
        "2026-03-16T13:00",
        &staff,
    );
    assert_eq!(s, (false, BreachState::Significant));
    // 59 hours in: a first part, on time, but it does not meet the term.
    let s = go(
        &mut b,
        BreachAct::TitularsNotified {
            notice: notice(),
            means: NoticeMeans::Email,
            count: 800,
            completes: false,
        },
        "2026-03-16T20:00",
        &staff,
    );
    assert_eq!(s, (false, BreachState::Significant));
    // Tue 03-17 at 09:01, one minute past: the titulares' notice is missed, the
    // guarantor's met.
    let ds = b.deadlines(&clock, t("2026-03-17T09:01:00-06:00")).unwrap();
    let of = |r: Recipient| ds.iter().find(|d| d.to == r).unwrap().status;
    assert_eq!(of(Recipient::Guarantor), DeadlineStatus::Met);
    assert_eq!(of(Recipient::Titulars), DeadlineStatus::Missed);
    // 73 h 30 min in: the rest of the titulares by post. Recorded, flagged late.
    let s = go(
        &mut b,
        BreachAct::TitularsNotified {
            notice: notice(),
            means: NoticeMeans::Post,
            count: 150,
            completes: true,
        },
        "2026-03-17T10:30",
        &staff,
    );
    assert_eq!(s, (true, BreachState::Notified));
    let ds = b.deadlines(&clock, t("2026-03-20T10:00:00-06:00")).unwrap();
    let late = ds.iter().find(|d| d.to == Recipient::Titulars).unwrap();
    assert_eq!(late.status, DeadlineStatus::Late);
    assert_eq!(late.done.unwrap() - late.due, Duration::minutes(90));

    let s = go(
        &mut b,
        BreachAct::CorrectiveMeasures {
            stage: MeasureStage::Definitive,
            measures: vec![
                Measure::VulnerabilityFixed,
                Measure::SecurityDocumentUpdated,
            ],
        },
        "2026-03-25T11:00",
        &staff,
    );
    assert_eq!(s, (false, BreachState::Remedied));
    let s = go(&mut b, BreachAct::BreachClosed, "2026-03-26T12:00", &staff);
    assert_eq!(s, (false, BreachState::Closed));
    // The guarantor, which has the notice, may still investigate (art. 43).
    assert_eq!(
        b.allowed_acts(&clock, Role::Guarantor, m("2026-03-27T10:00")),
        [BreachActKind::InvestigationOpened]
    );
    go(
        &mut b,
        BreachAct::InvestigationOpened,
        "2026-03-27T10:00",
        &og,
    );
    go(
        &mut b,
        BreachAct::InvestigationClosed {
            outcome: InvestigationOutcome::VerificationStarted,
        },
        "2026-04-14T10:00",
        &og,
    );

    // The bitácora (art. 39): when, why, what was done at once and for good.
    let e = b.bitacora();
    assert_eq!(e.occurred_on, Some("2026-03-12".parse().unwrap()));
    assert_eq!(e.cause, Some(BreachCause::ExternalAttack));
    assert_eq!(
        e.immediate_measures,
        vec![Measure::CredentialsReset, Measure::SystemIsolated]
    );
    assert_eq!(
        e.definitive_measures,
        vec![
            Measure::VulnerabilityFixed,
            Measure::SecurityDocumentUpdated
        ]
    );
    assert_eq!(e.titulars, Some(950));
    assert_eq!(e.titulars_reached, 950);
    assert_eq!(e.guarantor_notified, Some(m("2026-03-16T13:00")));
    assert_eq!(e.titulars_notified, Some(m("2026-03-17T10:30")));
    assert!(e.late_notice);
    assert_eq!(e.state, BreachState::Closed);
}
