//! Property tests of the security-breach procedure (`arco::breach`).
//!
//! Random histories: a breach detected at a random moment of 2026, then a random sequence
//! of acts (every kind, random payloads, good and bad values), at random moments that
//! mostly move forward (by minutes to days, sometimes backwards), written in the three
//! forms a moment takes (a date alone, office time, an RFC 3339 instant in UTC or with
//! the −06:00 offset), recorded by random roles, on the shipped `mx-jalisco` calendar.
//! Half the steps are guided toward the next normal act of the breach's state, so that
//! histories reach the notices, the closing and the investigation. For every step:
//!
//! 1. nothing panics; the act either applies (the record grows by exactly that act) or is
//!    refused with a [`BreachError`] and the breach is exactly as it was;
//! 2. an act that applied was listed by [`Breach::allowed_acts`] for that role and moment;
//! 3. after every applied act, [`Breach::rebuild`] gives back the same breach, and its
//!    JSON round trip too;
//! 4. the invariants of arts. 39–43 hold: a closed breach was analysed, had every notice
//!    owed and definitive corrective actions; notices to the guarantor at most once; an
//!    investigation only after the guarantor's notice; a notice act is flagged late
//!    exactly when it may have been given after the instant due, which is 72 hours after
//!    the confirmation;
//! 5. [`Breach::deadlines`] never fails and agrees with the acts.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::OnceLock;

use arco::breach::{
    AffectedRight, Breach, BreachAct, BreachActKind, BreachCause, BreachError, BreachKind,
    BreachState, DataCategory, InformationChannel, InvestigationOutcome, Measure, MeasureStage,
    NotSignificantReason, Notice, NoticeMeans, Recommendation,
};
use arco::calendar::{Calendar, CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::rules::Rulebooks;
use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| CalendarLoader::default().load("mx-jalisco").unwrap())
}

fn clock() -> Clock<'static> {
    static BOOKS: OnceLock<Rulebooks> = OnceLock::new();
    let books = BOOKS.get_or_init(|| Rulebooks::builtin().unwrap());
    Clock::new(calendar(), books.get("lpdppsoj-2017").unwrap())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
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

fn subset<T: Clone + std::fmt::Debug + 'static>(
    all: &'static [T],
) -> impl Strategy<Value = Vec<T>> {
    prop::sample::subsequence(all.to_vec(), 0..=all.len().min(3))
}

fn notice() -> impl Strategy<Value = Notice> {
    (
        prop::sample::select(BreachKind::ALL.to_vec()),
        subset(DataCategory::ALL),
        subset(Recommendation::ALL),
        subset(Measure::ALL),
        subset(InformationChannel::ALL),
    )
        .prop_map(
            |(nature, data, recommendations, immediate_actions, information)| Notice {
                nature,
                data,
                recommendations,
                immediate_actions,
                information,
            },
        )
}

fn date() -> impl Strategy<Value = Option<NaiveDate>> {
    prop_oneof![
        Just(None),
        (0i64..400)
            .prop_map(|d| NaiveDate::from_ymd_opt(2025, 12, 1).map(|x| x + Duration::days(d))),
    ]
}

fn act() -> impl Strategy<Value = BreachAct> {
    prop_oneof![
        date().prop_map(|occurred_on| BreachAct::BreachDetected { occurred_on }),
        Just(BreachAct::BreachDiscarded),
        (
            prop::sample::select(BreachKind::ALL.to_vec()),
            prop::sample::select(BreachCause::ALL.to_vec()),
            date(),
            subset(DataCategory::ALL),
            prop::option::of(0u32..5000),
        )
            .prop_map(|(kind, cause, occurred_on, data, titulars)| {
                BreachAct::BreachConfirmed {
                    kind,
                    cause,
                    occurred_on,
                    data,
                    titulars,
                }
            }),
        (
            any::<bool>(),
            subset(AffectedRight::ALL),
            prop::option::of(prop::sample::select(NotSignificantReason::ALL.to_vec())),
        )
            .prop_map(|(significant, rights, reason)| BreachAct::BreachAnalysed {
                significant,
                rights,
                reason,
            }),
        notice().prop_map(|notice| BreachAct::GuarantorNotified { notice }),
        (
            notice(),
            prop::sample::select(NoticeMeans::ALL.to_vec()),
            0u32..2000,
            any::<bool>(),
        )
            .prop_map(|(notice, means, count, completes)| {
                BreachAct::TitularsNotified {
                    notice,
                    means,
                    count,
                    completes,
                }
            }),
        (
            prop::sample::select(MeasureStage::ALL.to_vec()),
            subset(Measure::ALL),
        )
            .prop_map(|(stage, measures)| BreachAct::CorrectiveMeasures { stage, measures }),
        Just(BreachAct::BreachClosed),
        Just(BreachAct::InvestigationOpened),
        prop::sample::select(InvestigationOutcome::ALL.to_vec())
            .prop_map(|outcome| BreachAct::InvestigationClosed { outcome }),
    ]
}

fn full_notice() -> Notice {
    arco::breach::sample_notice()
}

/// The next normal act of a breach in `state`, valid, so that histories go far.
fn guided(b: &Breach, pick: u8) -> (BreachAct, Role) {
    use BreachState as S;
    let staff = Role::UnitStaff;
    match b.state {
        S::Detected if pick % 5 == 0 => (BreachAct::BreachDiscarded, staff),
        S::Detected => (
            BreachAct::BreachConfirmed {
                kind: BreachKind::Theft,
                cause: BreachCause::PhysicalLoss,
                occurred_on: None,
                data: vec![DataCategory::Health],
                titulars: Some(40),
            },
            staff,
        ),
        S::Confirmed => (
            BreachAct::BreachAnalysed {
                significant: pick % 4 != 0,
                rights: if pick % 4 != 0 {
                    vec![AffectedRight::Moral]
                } else {
                    vec![]
                },
                reason: (pick % 4 == 0).then_some(NotSignificantReason::Recovered),
            },
            staff,
        ),
        S::Significant if b.guarantor_notice.is_none() && pick % 2 == 0 => (
            BreachAct::GuarantorNotified {
                notice: full_notice(),
            },
            staff,
        ),
        S::Significant => (
            BreachAct::TitularsNotified {
                notice: full_notice(),
                means: NoticeMeans::Post,
                count: 20,
                completes: pick % 3 != 0,
            },
            staff,
        ),
        S::NotSignificant | S::Notified => (
            BreachAct::CorrectiveMeasures {
                stage: MeasureStage::Definitive,
                measures: vec![Measure::PolicyUpdated],
            },
            staff,
        ),
        S::Remedied if pick % 3 == 0 && b.guarantor_notice.is_some() => {
            (BreachAct::InvestigationOpened, Role::Guarantor)
        }
        S::Remedied => (BreachAct::BreachClosed, staff),
        S::Closed | S::Discarded => (
            BreachAct::InvestigationClosed {
                outcome: InvestigationOutcome::NoFurtherAction,
            },
            Role::Guarantor,
        ),
    }
}

/// How a moment is written: 0 a date alone, 1 office time, 2 UTC, 3 with −06:00.
fn written(local: NaiveDateTime, form: u8) -> Moment {
    let mx = FixedOffset::west_opt(6 * 3600).expect("−06:00");
    match form {
        0 => Moment::Date(local.date()),
        1 => Moment::Local(local),
        _ => {
            let i = mx
                .from_local_datetime(&local)
                .single()
                .expect("a fixed offset has every local time");
            if form == 2 {
                Moment::Instant(i.with_timezone(&FixedOffset::east_opt(0).expect("UTC")))
            } else {
                Moment::Instant(i)
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Step {
    guided: bool,
    pick: u8,
    act: BreachAct,
    role: Role,
    /// Minutes after the previous step (negative: before).
    minutes: i64,
    form: u8,
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<bool>(),
        any::<u8>(),
        act(),
        prop::sample::select(ROLES.to_vec()),
        prop_oneof![
            6 => 0i64..240,
            3 => 240i64..6000,
            1 => -600i64..0,
        ],
        prop_oneof![1 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
    )
        .prop_map(|(guided, pick, act, role, minutes, form)| Step {
            guided,
            pick,
            act,
            role,
            minutes,
            form,
        })
}

fn check_invariants(b: &Breach) -> Result<(), TestCaseError> {
    use BreachState as S;
    let clock = clock();
    // The state agrees with the facts.
    if b.state == S::Closed {
        prop_assert!(b.analysis.is_some(), "closed without analysis");
        prop_assert!(b.pending_notices().is_empty(), "closed with notices owed");
        prop_assert!(
            b.measures
                .iter()
                .any(|m| m.stage == MeasureStage::Definitive),
            "closed without definitive measures"
        );
    }
    if matches!(b.state, S::Notified | S::Remedied) {
        prop_assert!(b.pending_notices().is_empty());
    }
    if b.discarded.is_some() {
        prop_assert!(b.confirmation.is_none());
    }
    let guarantor_notices = b
        .acts
        .iter()
        .filter(|a| a.act.kind() == BreachActKind::GuarantorNotified)
        .count();
    prop_assert!(guarantor_notices <= 1);
    let completing = b
        .acts
        .iter()
        .filter(|a| {
            matches!(
                a.act,
                BreachAct::TitularsNotified {
                    completes: true,
                    ..
                }
            )
        })
        .count();
    prop_assert!(completing <= 1);
    // An investigation comes after the guarantor's notice.
    if let Some(i) = b
        .acts
        .iter()
        .position(|a| a.act.kind() == BreachActKind::InvestigationOpened)
    {
        let g = b
            .acts
            .iter()
            .position(|a| a.act.kind() == BreachActKind::GuarantorNotified);
        prop_assert!(g.is_some_and(|g| g < i), "investigation before the notice");
    }
    // Late exactly when the act's latest instant is after confirmation + 72 h.
    if let Some(c) = &b.confirmation {
        let due = c.stamp.earliest + Duration::hours(72);
        prop_assert_eq!(c.notice_due, due);
        for a in &b.acts {
            let notice = matches!(
                a.act.kind(),
                BreachActKind::GuarantorNotified | BreachActKind::TitularsNotified
            );
            if notice {
                let latest = clock.calendar.instant_latest(&a.at).unwrap();
                prop_assert_eq!(a.late, latest > due, "{:?}", a);
            } else {
                prop_assert!(!a.late);
            }
        }
    } else {
        prop_assert!(b.acts.iter().all(|a| !a.late));
    }
    // Deadlines on a few instants.
    for days in [0i64, 2, 3, 4, 30] {
        let as_of = b.detected.earliest + Duration::days(days);
        let ds = b
            .deadlines(&clock, as_of)
            .map_err(|e| TestCaseError::fail(format!("deadlines: {e}")))?;
        match &b.confirmation {
            None => prop_assert!(ds.is_empty()),
            Some(c) => {
                prop_assert_eq!(ds.len(), 2);
                for d in &ds {
                    prop_assert_eq!(d.due, c.notice_due);
                    prop_assert_eq!(d.due - d.from, Duration::hours(72));
                    let expected = match d.done {
                        Some(x) if x <= d.due => DeadlineStatus::Met,
                        Some(_) => DeadlineStatus::Late,
                        None if b.analysis.as_ref().is_some_and(|a| !a.significant) => {
                            DeadlineStatus::Void
                        }
                        None if as_of <= d.due => DeadlineStatus::Pending,
                        None => DeadlineStatus::Missed,
                    };
                    prop_assert_eq!(d.status, expected);
                }
            }
        }
    }
    Ok(())
}

/// One random history, checked step by step; what it reached is added to `reached`.
fn run_history(
    start: i64,
    form0: u8,
    steps: Vec<Step>,
    reached: &mut HashSet<String>,
) -> Result<(), TestCaseError> {
    let clock = clock();
    let base = NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date");
    let mut local = base + Duration::minutes(start);
    let mut b = Breach::detect(
        &clock,
        BreachAct::BreachDetected { occurred_on: None },
        written(local, form0),
        &Actor::new("ut", Role::UnitStaff),
    )
    .expect("a detection by the Unidad applies");
    for s in steps {
        local += Duration::minutes(s.minutes);
        let at = written(local, s.form);
        let (act, role) = if s.guided {
            guided(&b, s.pick)
        } else {
            (s.act.clone(), s.role)
        };
        let allowed = b.allowed_acts(&clock, role, at);
        let before = b.clone();
        let kind = act.kind();
        match b.apply(&clock, act.clone(), at, &Actor::new("x", role)) {
            Ok(rec) => {
                if rec.late {
                    reached.insert("late notice".to_string());
                }
                reached.insert(kind.as_str().to_string());
                reached.insert(b.state.as_str().to_string());
                prop_assert_eq!(b.acts.len(), before.acts.len() + 1);
                prop_assert_eq!(&b.acts.last().unwrap().act, &act);
                prop_assert!(
                    allowed.contains(&kind),
                    "{:?} applied but not listed in {:?}",
                    kind,
                    allowed
                );
                let again =
                    Breach::rebuild(&clock, b.acts.iter().map(|a| (&a.act, a.at, &a.actor)));
                prop_assert_eq!(
                    again.as_ref().ok(),
                    Some(&b),
                    "rebuild: {:?}",
                    again.as_ref().err()
                );
                let json = serde_json::to_string(&b).unwrap();
                let back: Breach = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(&back, &b);
                check_invariants(&b)?;
            }
            Err(e) => {
                reached.insert(format!("refused {}", kind.as_str()));
                prop_assert_eq!(&b, &before, "refused ({}) but changed", e);
                let _: &BreachError = &e;
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
    Ok(())
}

#[test]
fn random_histories_keep_the_invariants() {
    let mut runner = TestRunner::new(config(160));
    let reached = RefCell::new(HashSet::new());
    let strategy = (
        0i64..(360 * 24 * 60),
        0u8..4,
        prop::collection::vec(step(), 1..24),
    );
    let result = runner.run(&strategy, |(start, form0, steps)| {
        run_history(start, form0, steps, &mut reached.borrow_mut())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The histories went everywhere the procedure goes.
    let reached = reached.into_inner();
    for what in BreachState::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(BreachActKind::ALL.iter().skip(1).map(|k| k.as_str()))
        .chain(["late notice"])
    {
        assert!(
            reached.contains(what),
            "no history reached «{what}»: {reached:?}"
        );
    }
}
