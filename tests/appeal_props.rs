//! Property tests of the recurso de revisión and its compliance (`arco::appeal`).
//!
//! Random histories: an appeal filed on a random day of 2026 or early 2027 (with the
//! guarantor or the Unidad, any ground, sometimes for a minor without representation),
//! then a random sequence of acts (every kind, random payloads, good and bad values), at
//! random non-decreasing moments (random times of day, in the three forms a moment is
//! written), recorded by random roles, on the shipped `mx-jalisco` calendar. Half the
//! steps are guided toward the next normal act of the appeal's state, so that histories
//! reach conciliation, compliance and the escalation. For every step:
//!
//! 1. nothing panics; the act either applies (the record grows by exactly that act) or is
//!    refused with an [`AppealError`] and the appeal is exactly as it was;
//! 2. after every applied act, [`Appeal::rebuild`] from the recorded acts gives back the
//!    same appeal;
//! 3. [`Appeal::deadlines`] and [`Appeal::state_on`] never fail for dates in 2026–2027;
//!    every deadline has `due >= from` and a status that agrees with its act; the state on
//!    a date differs from the last act's only by what time decides (a lapsed requirement,
//!    a resolution term run out);
//! 4. the JSON round trip of the appeal gives back the same appeal.

use std::sync::OnceLock;

use arco::appeal::{
    Appeal, AppealAct, AppealError, AppealOutcome, AppealState, DismissalCause, Ground, Venue,
};
use arco::calendar::{Calendar, CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::rules::Rulebooks;
use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use proptest::prelude::*;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| {
        CalendarLoader::default()
            .load("mx-jalisco")
            .expect("the shipped mx-jalisco calendar loads")
    })
}

fn rulebooks() -> &'static Rulebooks {
    static BOOKS: OnceLock<Rulebooks> = OnceLock::new();
    BOOKS.get_or_init(|| Rulebooks::builtin().expect("the builtin rulebooks load"))
}

fn clock() -> Clock<'static> {
    let book = rulebooks()
        .get("lpdppsoj-2017")
        .expect("the lpdppsoj-2017 rulebook is builtin");
    Clock::new(calendar(), book)
}

/// Proptest settings: a fixed number of cases, and no regression files written next to
/// this test (the failing input is printed instead).
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn start_of_2026() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date")
}

const FIRST_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(d) => d,
    None => panic!("invalid date"),
};
const LAST_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2027, 12, 31) {
    Some(d) => d,
    None => panic!("invalid date"),
};

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

const ROLES: [Role; 7] = [
    Role::UnitStaff,
    Role::UnitHead,
    Role::Committee,
    Role::Guarantor,
    Role::Auditor,
    Role::Admin,
    Role::Migration,
];

const OUTCOMES: [AppealOutcome; 6] = [
    AppealOutcome::Dismissed,
    AppealOutcome::Sobreseido,
    AppealOutcome::Confirmed,
    AppealOutcome::Modified,
    AppealOutcome::Revoked,
    AppealOutcome::DeliveryOrdered,
];

fn outcome() -> impl Strategy<Value = AppealOutcome> {
    prop::sample::select(OUTCOMES.to_vec())
}

/// Art. 110.4, fracciones III and IV: the responsable must act. Written out here rather
/// than asked of the code under test.
fn orders_action(o: AppealOutcome) -> bool {
    matches!(
        o,
        AppealOutcome::Modified | AppealOutcome::Revoked | AppealOutcome::DeliveryOrdered
    )
}

fn venue() -> impl Strategy<Value = Venue> {
    prop_oneof![Just(Venue::Guarantor), Just(Venue::Unit)]
}

fn ground() -> impl Strategy<Value = Ground> {
    (1u8..=12).prop_map(|n| Ground::parse(&n.to_string()).expect("I to XII is a fracción"))
}

fn dismissal_cause() -> impl Strategy<Value = DismissalCause> {
    (1u8..=7).prop_map(|n| DismissalCause::parse(&n.to_string()).expect("I to VII"))
}

/// Days around a bound: mostly within it, sometimes just outside or far outside.
fn days_around(max: u32) -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 1..=max,
        1 => Just(0u32),
        1 => (max + 1)..=(max + 5),
    ]
}

/// Any act, with any payload (bad values included), weighted so that random histories
/// try everything but mostly the acts that move an appeal along.
fn act() -> impl Strategy<Value = AppealAct> {
    use AppealAct as A;
    prop_oneof![
        1 => (venue(), ground(), any::<bool>()).prop_map(|(venue, ground, minor_unrepresented)| {
            A::AppealFiled { venue, ground, minor_unrepresented }
        }),
        2 => Just(A::AppealForwarded),
        2 => Just(A::AppealRequirementNotified),
        2 => Just(A::AppealRequirementAnswered),
        2 => Just(A::AppealTurned),
        4 => Just(A::AppealAdmitted),
        1 => dismissal_cause().prop_map(|cause| A::AppealDismissed { cause }),
        2 => Just(A::ConciliationInvited),
        2 => Just(A::ConciliationAccepted),
        2 => any::<bool>().prop_map(|absent| A::ConciliationHearingHeld { absent }),
        2 => Just(A::ConciliationAgreement),
        1 => Just(A::ConciliationAgreementFulfilled),
        2 => Just(A::ConciliationFailed),
        2 => Just(A::EvidenceHearingHeld),
        2 => Just(A::InstructionClosed),
        2 => Just(A::AppealExtensionNotified { days: None }),
        4 => (outcome(), prop::option::of(0u32..=12)).prop_map(|(outcome, compliance_days)| {
            A::AppealResolved { outcome, compliance_days }
        }),
        3 => Just(A::AppealResolutionNotified),
        2 => Just(A::ComplianceExtensionRequested),
        2 => prop_oneof![4 => 0u32..=15, 1 => 360u32..=370]
            .prop_map(|granted_days| A::ComplianceExtensionRuled { granted_days }),
        2 => Just(A::ComplianceReported { complied_on: None }),
        2 => Just(A::ComplianceVistaGiven),
        2 => Just(A::TitularStatement),
        3 => any::<bool>().prop_map(|complied| A::ComplianceRuled { complied }),
        2 => days_around(10).prop_map(|days| A::PublicWarning { days }),
        2 => (days_around(5), prop_oneof![8 => 150u32..=1500, 1 => 0u32..150, 1 => 1501u32..3000])
            .prop_map(|(days, uma)| A::FineImposed { days, uma, reincidence: false }),
        2 => Just(A::ArrestOrdered),
    ]
}

/// How the moment of an act is written.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// `2026-02-05T10:00:00`, on the office's clock.
    Local,
    /// `2026-02-05`: a date, taken as within office hours.
    Date,
    /// `2026-02-05T10:00:00-06:00`.
    OfficeOffset,
    /// `2026-02-05T16:00:00Z`.
    Utc,
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        6 => Just(Form::Local),
        1 => Just(Form::Date),
        2 => Just(Form::OfficeOffset),
        2 => Just(Form::Utc),
    ]
}

/// The moment `local` (on the office's clock, America/Mexico_City) written as `form`.
fn moment(local: NaiveDateTime, form: Form) -> Moment {
    let tz = calendar().timezone();
    let instant = tz
        .from_local_datetime(&local)
        .earliest()
        .expect("Mexico City has no DST since 2022: every local time exists");
    match form {
        Form::Local => Moment::Local(local),
        Form::Date => Moment::Date(local.date()),
        Form::OfficeOffset => {
            let off = FixedOffset::west_opt(6 * 3600).expect("a valid offset");
            Moment::Instant(instant.with_timezone(&off))
        }
        Form::Utc => {
            let off = FixedOffset::east_opt(0).expect("a valid offset");
            Moment::Instant(instant.with_timezone(&off))
        }
    }
}

/// Minutes from the previous act: often the same day, usually a few days, sometimes weeks
/// (so that requirements lapse and resolution terms run out).
fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 0i64..360,
        6 => (1i64..=4, 0i64..1440).prop_map(|(d, m)| d * 1440 + m),
        1 => (5i64..=25, 0i64..1440).prop_map(|(d, m)| d * 1440 + m),
    ]
}

/// Who records the act: usually someone whose role it is, sometimes anyone.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// The guarantor for its acts; the Unidad's staff or head for the Unidad's.
    Proper {
        head: bool,
        migration: bool,
    },
    Any(Role),
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        8 => (any::<bool>(), prop::bool::weighted(0.1))
            .prop_map(|(head, migration)| Who::Proper { head, migration }),
        2 => prop::sample::select(ROLES.to_vec()).prop_map(Who::Any),
    ]
}

fn actor(who: Who, act: &AppealAct) -> Actor {
    let unit = matches!(
        act,
        AppealAct::AppealForwarded
            | AppealAct::ComplianceExtensionRequested
            | AppealAct::ComplianceReported { complied_on: None }
    );
    let role = match who {
        Who::Any(r) => r,
        Who::Proper {
            migration: true, ..
        } => Role::Migration,
        Who::Proper { head: true, .. } if unit => Role::UnitHead,
        Who::Proper { .. } if unit => Role::UnitStaff,
        Who::Proper { .. } => Role::Guarantor,
    };
    Actor::new(format!("{}-01", role.as_str()), role)
}

/// The payloads of a guided act: always good values.
#[derive(Debug, Clone, Copy)]
struct Payload {
    outcome: AppealOutcome,
    compliance_days: u32,
    absent: bool,
    complied: bool,
    warning_days: u32,
    fine_days: u32,
    uma: u32,
    granted_days: u32,
}

fn payload() -> impl Strategy<Value = Payload> {
    (
        outcome(),
        1u32..=10,
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
        1u32..=10,
        1u32..=5,
        150u32..=1500,
        0u32..=10,
    )
        .prop_map(
            |(
                outcome,
                compliance_days,
                absent,
                complied,
                warning_days,
                fine_days,
                uma,
                granted_days,
            )| Payload {
                outcome,
                compliance_days,
                absent,
                complied,
                warning_days,
                fine_days,
                uma,
                granted_days,
            },
        )
}

#[derive(Debug, Clone)]
struct Step {
    /// The act tried, unless `guide` picks one.
    act: AppealAct,
    /// Half the steps take the `k`-th act (modulo) of those that move an appeal in its
    /// state forward, so that histories get far; the other half try anything.
    guide: Option<u8>,
    payload: Payload,
    gap: i64,
    form: Form,
    who: Who,
}

impl Step {
    /// The act this step tries on `appeal`: its next normal act in the state its last act
    /// left it (in compliance, according to what has been done so far).
    fn act_for(&self, appeal: &Appeal) -> AppealAct {
        use AppealAct as A;
        use AppealState as S;
        let Some(k) = self.guide else {
            return self.act.clone();
        };
        let p = self.payload;
        let resolved = A::AppealResolved {
            outcome: p.outcome,
            compliance_days: orders_action(p.outcome).then_some(p.compliance_days),
        };
        let ruled = A::ComplianceRuled {
            complied: p.complied,
        };
        let complied = A::ComplianceRuled { complied: true };
        let forward: Vec<AppealAct> = match appeal.state {
            S::Filed => vec![
                A::AppealAdmitted,
                A::AppealAdmitted,
                A::AppealAdmitted,
                A::AppealAdmitted,
                A::AppealAdmitted,
                A::AppealRequirementNotified,
                A::AppealTurned,
                A::AppealForwarded,
                A::AppealDismissed {
                    cause: DismissalCause::parse("III").expect("a fracción"),
                },
            ],
            S::Required => vec![
                A::AppealRequirementAnswered,
                A::AppealRequirementAnswered,
                A::AppealRequirementAnswered,
                A::AppealTurned,
                A::AppealForwarded,
            ],
            S::Admitted => vec![
                A::ConciliationInvited,
                A::ConciliationInvited,
                A::EvidenceHearingHeld,
                A::InstructionClosed,
                A::AppealExtensionNotified { days: None },
                resolved.clone(),
                resolved,
            ],
            S::ConciliationInvited => vec![
                A::ConciliationAccepted,
                A::ConciliationAccepted,
                A::ConciliationFailed,
            ],
            S::ConciliationAccepted => vec![
                A::ConciliationHearingHeld { absent: p.absent },
                A::ConciliationHearingHeld { absent: p.absent },
                A::ConciliationFailed,
            ],
            S::ConciliationHeld => vec![
                A::ConciliationAgreement,
                A::ConciliationAgreement,
                A::ConciliationFailed,
            ],
            S::ConciliationAgreement => vec![
                A::ConciliationAgreementFulfilled,
                A::ConciliationAgreementFulfilled,
                A::ConciliationFailed,
            ],
            S::InstructionClosed => {
                vec![
                    resolved.clone(),
                    resolved,
                    A::AppealExtensionNotified { days: None },
                ]
            }
            S::Resolved => vec![A::AppealResolutionNotified],
            S::Compliance if appeal.report.is_none() => vec![
                A::ComplianceExtensionRequested,
                A::ComplianceExtensionRuled {
                    granted_days: p.granted_days,
                },
                A::ComplianceReported { complied_on: None },
                A::ComplianceReported { complied_on: None },
                A::ComplianceReported { complied_on: None },
            ],
            S::Compliance if appeal.vista.is_none() => vec![A::ComplianceVistaGiven],
            S::Compliance => vec![A::TitularStatement, ruled.clone(), ruled],
            S::NonCompliant => {
                let warning = A::PublicWarning {
                    days: p.warning_days,
                };
                vec![warning.clone(), warning.clone(), warning, complied]
            }
            S::Warned => {
                let fine = A::FineImposed {
                    days: p.fine_days,
                    uma: p.uma,
                    reincidence: false,
                };
                vec![fine.clone(), fine.clone(), fine, complied]
            }
            S::Fined => vec![
                A::ArrestOrdered,
                A::ArrestOrdered,
                A::ArrestOrdered,
                complied,
            ],
            _ => vec![self.act.clone()],
        };
        forward[usize::from(k) % forward.len()].clone()
    }
}

fn step() -> impl Strategy<Value = Step> {
    (
        act(),
        prop::option::weighted(0.5, any::<u8>()),
        payload(),
        gap(),
        form(),
        who(),
    )
        .prop_map(|(act, guide, payload, gap, form, who)| Step {
            act,
            guide,
            payload,
            gap,
            form,
            who,
        })
}

#[derive(Debug, Clone)]
struct History {
    venue: Venue,
    ground: Ground,
    minor: bool,
    /// Minutes from 2026-01-01T00:00 to the filing (within the first 540 days).
    filed: i64,
    filed_form: Form,
    steps: Vec<Step>,
    /// Extra dates (days from 2026-01-01, within 2026–2027) to see the deadlines on.
    as_of: Vec<i64>,
}

fn history() -> impl Strategy<Value = History> {
    (
        venue(),
        ground(),
        prop::bool::weighted(0.125),
        0i64..540 * 1440,
        form(),
        prop::collection::vec(step(), 1..48),
        prop::collection::vec(0i64..730, 2),
    )
        .prop_map(
            |(venue, ground, minor, filed, filed_form, steps, as_of)| History {
                venue,
                ground,
                minor,
                filed,
                filed_form,
                steps,
                as_of,
            },
        )
}

fn filer(venue: Venue) -> Actor {
    match venue {
        Venue::Guarantor => Actor::new("guarantor-01", Role::Guarantor),
        Venue::Unit => Actor::new("unit_staff-01", Role::UnitStaff),
    }
}

fn file(h: &History, at: Moment) -> Result<Appeal, AppealError> {
    let act = AppealAct::AppealFiled {
        venue: h.venue,
        ground: h.ground,
        minor_unrepresented: h.minor,
    };
    Appeal::file(&clock(), act, at, &filer(h.venue), None)
}

// ---------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------

/// The states whose resolution term runs: time alone can confirm the response.
fn open(s: AppealState) -> bool {
    use AppealState as S;
    matches!(
        s,
        S::Filed
            | S::Admitted
            | S::ConciliationInvited
            | S::ConciliationAccepted
            | S::ConciliationHeld
            | S::InstructionClosed
    )
}

/// Properties 3 and 4 for the appeal as it stands.
fn check_views(appeal: &Appeal, clock: &Clock, dates: &[NaiveDate]) -> Result<(), TestCaseError> {
    for &as_of in dates {
        prop_assert!((FIRST_AS_OF..=LAST_AS_OF).contains(&as_of));
        let state = match appeal.state_on(clock, as_of) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("state_on({as_of}): {e:?}"))),
        };
        let recorded = appeal.state;
        prop_assert!(
            state == recorded
                || (recorded == AppealState::Required && state == AppealState::Dismissed)
                || (open(recorded) && state == AppealState::ConfirmedBySilence),
            "recorded {:?} but {:?} on {}",
            recorded,
            state,
            as_of
        );
        let deadlines = match appeal.deadlines(clock, as_of) {
            Ok(d) => d,
            Err(e) => return Err(TestCaseError::fail(format!("deadlines({as_of}): {e:?}"))),
        };
        for (term, d) in &deadlines {
            prop_assert_eq!(*term, d.term);
            prop_assert!(
                d.due >= d.from,
                "{}: due {} before its day 0 {} (as of {as_of})",
                term,
                d.due,
                d.from
            );
            // Counting rule 6: met when its act took effect on or before the due date.
            match d.done {
                Some(done) if done <= d.due => prop_assert_eq!(d.status, DeadlineStatus::Met),
                Some(_) => prop_assert_eq!(d.status, DeadlineStatus::Late),
                None => prop_assert!(
                    matches!(
                        d.status,
                        DeadlineStatus::Pending | DeadlineStatus::Missed | DeadlineStatus::Void
                    ),
                    "{}: {:?} with no act (as of {as_of})",
                    term,
                    d.status
                ),
            }
        }
    }
    let json = serde_json::to_value(appeal).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Appeal = serde_json::from_value(json.clone())
        .map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, appeal, "the JSON round trip changed the appeal");
    Ok(())
}

fn run(h: &History) -> Result<(), TestCaseError> {
    let c = clock();
    let mut t = start_of_2026() + Duration::minutes(h.filed);
    let mut appeal = file(h, moment(t, h.filed_form))
        .map_err(|e| TestCaseError::fail(format!("the filing was refused: {e:?}")))?;
    let extra: Vec<NaiveDate> = h
        .as_of
        .iter()
        .map(|d| FIRST_AS_OF + Duration::days(*d))
        .collect();
    let mut dates = vec![FIRST_AS_OF, LAST_AS_OF];
    if appeal.filed.effective <= LAST_AS_OF {
        dates.push(appeal.filed.effective);
    }
    dates.extend(&extra);
    check_views(&appeal, &c, &dates)?;

    for (i, s) in h.steps.iter().enumerate() {
        t += Duration::minutes(s.gap);
        let at = moment(t, s.form);
        let act = s.act_for(&appeal);
        let who = actor(s.who, &act);
        let before = appeal.clone();
        let n = appeal.acts.len();
        match appeal.apply(&c, act.clone(), at, &who) {
            Ok(rec) => {
                let rec = rec.clone();
                prop_assert_eq!(rec.seq as usize, n + 1);
                prop_assert_eq!(&rec.act, &act);
                prop_assert_eq!(rec.at, at);
                prop_assert_eq!(&rec.actor, &who);
                prop_assert_eq!(appeal.acts.len(), n + 1, "step {}: not one act more", i);
                prop_assert_eq!(
                    &appeal.acts[..n],
                    &before.acts[..],
                    "step {}: history rewritten",
                    i
                );
                prop_assert_eq!(appeal.acts.last(), Some(&rec));
                let rebuilt = Appeal::rebuild(
                    &c,
                    appeal.window,
                    appeal.acts.iter().map(|a| (&a.act, a.at, &a.actor)),
                );
                match rebuilt {
                    Ok(r) => prop_assert_eq!(&r, &appeal, "step {}: rebuilt differs", i),
                    Err(e) => {
                        return Err(TestCaseError::fail(format!(
                            "step {i}: the recorded acts do not rebuild: {e:?}"
                        )));
                    }
                }
            }
            Err(e) => {
                prop_assert_eq!(
                    &appeal,
                    &before,
                    "step {}: refused ({:?}) but changed",
                    i,
                    e
                );
                // Within the calendar's range no term fails to count, and the appeal is
                // filed.
                prop_assert!(
                    !matches!(e, AppealError::Term(_) | AppealError::NotFiledYet { .. }),
                    "step {}: unexpected refusal {:?}",
                    i,
                    e
                );
            }
        }
        let mut dates = extra.clone();
        let eff = calendar()
            .effective_date(&at)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        if eff <= LAST_AS_OF {
            dates.push(eff);
        }
        check_views(&appeal, &c, &dates)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn random_histories_keep_the_appeal_consistent(h in history()) {
        run(&h)?;
    }
}

/// The generator reaches every state (so the property above is not only about refusals),
/// the time-derived ones included.
#[test]
fn random_histories_reach_every_state() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::HashSet;

    let c = clock();
    let mut runner = TestRunner::deterministic();
    let mut seen = HashSet::new();
    let strategy = history();
    for _ in 0..600 {
        let h = strategy.new_tree(&mut runner).expect("a history").current();
        let mut t = start_of_2026() + Duration::minutes(h.filed);
        let mut appeal = file(&h, moment(t, h.filed_form)).unwrap();
        seen.insert(appeal.state);
        for s in &h.steps {
            t += Duration::minutes(s.gap);
            let at = moment(t, s.form);
            let act = s.act_for(&appeal);
            let _ = appeal.apply(&c, act.clone(), at, &actor(s.who, &act));
            let eff = calendar().effective_date(&at).unwrap();
            seen.insert(appeal.state);
            seen.insert(appeal.state_on(&c, eff).unwrap());
        }
    }
    let missing: Vec<_> = AppealState::ALL
        .iter()
        .filter(|s| !seen.contains(s))
        .collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
}
