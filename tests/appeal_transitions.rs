//! Every act of a recurso de revisión (and of the compliance of its resolution) in every
//! state of the appeal, where it is allowed and where it is refused.
//!
//! The heart of this file is [`table`]: for each state (reached with real dates on the
//! shipped `mx-jalisco` calendar) and each act kind (with representative payloads), the
//! exact result: applied with the next state (on time or flagged late), or the exact
//! refusal. A reader can audit the model there, row by row, against `src/appeal/mod.rs`,
//! `shared/docs/terms.md` and arts. 99–112 and 136–138 of the LPDPPSOJ. The tests after it
//! check what the table cannot show: roles, order, the lapse of a requirement, silence,
//! interruption and suspension of the resolution term, the bounds of the values, the
//! escalation's waiting times, and the rebuild.
//!
//! The dates, on the mx-jalisco calendar (office closes at 15:00; Mon 2026-03-16 is a
//! holiday, the third Monday of March). Unless a row says otherwise, the appeal is filed
//! with the guarantor on Thu 2026-02-26 at 10:00, so:
//!
//! | term (day 0 = the filing, Thu 02-26)          | days | due            |
//! |-----------------------------------------------|------|----------------|
//! | forward_to_guarantor (filed with the Unidad)  | 1    | Fri 02-27      |
//! | appeal_turn                                   | 3    | Tue 03-03      |
//! | appeal_requirement, appeal_admission          | 5    | Thu 03-05      |
//! | appeal_resolution (03-16 skipped)             | 20   | Fri 03-27      |
//! | appeal_resolution extended                    | +10  | Fri 04-10      |
//!
//! A requirement must be notified by Thu 03-05 (art. 104.1: "no podrá exceder de cinco
//! días"); later it is refused. Notified Fri 02-27, it must be answered by Fri 03-06 (5
//! days); from Sat 03-07 on, the appeal is dismissed by the lapse (art. 104.2) and only the
//! acuerdo de desechamiento may still be recorded. Answered Wed 03-04, the admission is due
//! Wed 03-11 and the resolution restarts: due Thu 04-02.
//!
//! Admitted Mon 03-02, the parties' allegations run 7 days (03, 04, 05, 06, 09, 10, 11):
//! the instruction may close from Thu 03-12 (art. 107.II, VII); after an evidence hearing,
//! also not before the 3 days of final statements have run out (art. 107.VI).
//!
//! The compliance rows: admitted Mon 03-02, resolved (revoked, 5 days) Tue 03-10, notified
//! Wed 03-11. Compliance is due Thu 03-19 (12, 13, 17, 18, 19); the extension request Tue
//! 03-17 (the first 3 days); the report Tue 03-24 (3 days after 03-19: 20, 23, 24): with no
//! report, the guarantor may rule de oficio from Wed 03-25. Reported Thu 03-19, vista Fri
//! 03-20, the titular's 5 days end Fri 03-27 (23–27): with no statement, no ruling before
//! Mon 03-30 (due Fri 04-03, 5 days after 03-27). Non-compliance Mon 03-30, a public
//! warning of 3 days on Tue 03-31 (ends Fri 04-03: 04-01, 02, 03), a fine of 2 days on Mon
//! 04-06 (ends Wed 04-08: 07, 08), the arrest within 3 days of that (Mon 04-13: 09, 10, 13).

use std::sync::OnceLock;

use arco::appeal::{
    Appeal, AppealAct, AppealActKind, AppealError, AppealOutcome, AppealState, DismissalCause,
    FINE_UMA, Ground, Venue, Window,
};
use arco::calendar::{Calendar, CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::rules::{Rulebooks, TermId};
use chrono::NaiveDate;

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

fn m(s: &str) -> Moment {
    s.parse().expect("a valid moment")
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a valid date")
}

const FILED_AT: &str = "2026-02-26T10:00";

fn guarantor() -> Actor {
    Actor::new("og-01", Role::Guarantor)
}

fn staff() -> Actor {
    Actor::new("ut-01", Role::UnitStaff)
}

/// The actor who records `kind`: the Unidad de Transparencia forwards, asks for more time
/// and reports compliance; the guarantor records the rest (and files here).
fn actor_for(kind: AppealActKind) -> Actor {
    match kind {
        AppealActKind::AppealForwarded
        | AppealActKind::ComplianceExtensionRequested
        | AppealActKind::ComplianceReported => staff(),
        _ => guarantor(),
    }
}

fn ground(s: &str) -> Ground {
    Ground::parse(s).expect("a fracción of art. 100")
}

fn cause(s: &str) -> DismissalCause {
    DismissalCause::parse(s).expect("a fracción of art. 108")
}

fn filing(venue: Venue, minor: bool) -> AppealAct {
    AppealAct::AppealFiled {
        venue,
        ground: ground("VII"),
        minor_unrepresented: minor,
    }
}

fn file_with(venue: Venue, minor: bool, at: &str) -> Appeal {
    let actor = match venue {
        Venue::Guarantor => guarantor(),
        Venue::Unit => staff(),
    };
    Appeal::file(&clock(), filing(venue, minor), m(at), &actor, None).expect("the filing applies")
}

fn file() -> Appeal {
    file_with(Venue::Guarantor, false, FILED_AT)
}

/// Applies `act` at `at` by the actor whose role it is, expecting success.
fn apply_ok(appeal: &mut Appeal, act: AppealAct, at: &str) {
    let kind = act.kind();
    if let Err(e) = appeal.apply(&clock(), act, m(at), &actor_for(kind)) {
        panic!("setting up: {} at {at} refused: {e:?}", kind.as_str());
    }
}

fn resolved(outcome: AppealOutcome, compliance_days: Option<u32>) -> AppealAct {
    AppealAct::AppealResolved {
        outcome,
        compliance_days,
    }
}

fn rebuild(appeal: &Appeal) -> Result<Appeal, (usize, AppealError)> {
    Appeal::rebuild(
        &clock(),
        appeal.window,
        appeal.acts.iter().map(|a| (&a.act, a.at, &a.actor)),
    )
}

#[test]
fn the_dates_of_this_file_are_counted_on_the_right_calendar() {
    let cal = calendar();
    // The 2026 holidays of mx-jalisco.
    for h in [
        "2026-01-01",
        "2026-02-02",
        "2026-03-16",
        "2026-05-01",
        "2026-05-05",
        "2026-06-08",
        "2026-09-16",
        "2026-09-28",
        "2026-10-12",
        "2026-11-02",
        "2026-11-16",
        "2026-12-25",
    ] {
        assert!(!cal.is_business_day(d(h)).unwrap(), "{h} is a holiday");
    }
    // The filing and every probe of the table are business days, in office hours.
    assert!(cal.is_business_day(d("2026-02-26")).unwrap());
    for setup in SETUPS {
        let probe = scenario(setup).probe;
        let date = cal.effective_date(&m(probe)).unwrap();
        assert_eq!(
            date,
            d(&probe[..10]),
            "{setup:?}: the probe takes effect the same day"
        );
    }
    // The terms of the module comment.
    let c = clock();
    let filed = d("2026-02-26");
    for (term, due) in [
        (TermId::ForwardToGuarantor, "2026-02-27"),
        (TermId::AppealTurn, "2026-03-03"),
        (TermId::AppealRequirement, "2026-03-05"),
        (TermId::AppealAdmission, "2026-03-05"),
        (TermId::AppealResolution, "2026-03-27"),
    ] {
        assert_eq!(c.due(term, filed, 0).unwrap(), d(due), "{term}");
    }
    assert_eq!(
        c.due(TermId::AppealResolution, filed, 10).unwrap(),
        d("2026-04-10")
    );
    // The close and the compliance dates of the module comment.
    for (term, from, due) in [
        (TermId::Allegations, "2026-03-02", "2026-03-11"),
        (TermId::ComplianceReport, "2026-03-19", "2026-03-24"),
        (TermId::ComplianceHearingTitular, "2026-03-20", "2026-03-27"),
        (TermId::ComplianceRuling, "2026-03-27", "2026-04-03"),
        (TermId::Arrest, "2026-04-08", "2026-04-13"),
    ] {
        assert_eq!(
            c.due(term, d(from), 0).unwrap(),
            d(due),
            "{term} from {from}"
        );
    }
    for (from, days, due) in [
        ("2026-03-11", 5, "2026-03-19"), // compliance
        ("2026-03-31", 3, "2026-04-03"), // the warning's days
        ("2026-04-06", 2, "2026-04-08"), // the fine's days
    ] {
        assert_eq!(cal.add_business_days(d(from), days).unwrap(), d(due));
    }
}

// ---------------------------------------------------------------------------------------
// The columns: every act kind, with representative payloads
// ---------------------------------------------------------------------------------------

/// The acts tried in every state. Kinds whose payload changes the next state (or makes a
/// value bad) have more than one column: a hearing with and without an absent party, a
/// resolution that orders action or confirms (and one missing its compliance days), a
/// ruling of compliance and of non-compliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Filed,
    Forwarded,
    RequirementNotified,
    RequirementAnswered,
    Turned,
    Admitted,
    Dismissed,
    Invited,
    Accepted,
    Hearing,
    HearingAbsent,
    Agreement,
    AgreementFulfilled,
    ConciliationFailed,
    EvidenceHearing,
    InstructionClosed,
    Extension,
    /// Revoked, 5 days to comply.
    ResolvedRevoked,
    /// Confirmed: nothing to comply with.
    ResolvedConfirmed,
    /// Delivery ordered without compliance days: a bad value.
    ResolvedNoDays,
    ResolutionNotified,
    ExtensionRequested,
    /// 5 more days granted.
    ExtensionRuled,
    Reported,
    Vista,
    Statement,
    Complied,
    NotComplied,
    /// 3 days to comply.
    Warning,
    /// 2 days to comply, 500 UMA.
    Fine,
    Arrest,
}

const COLS: [Col; 31] = [
    Col::Filed,
    Col::Forwarded,
    Col::RequirementNotified,
    Col::RequirementAnswered,
    Col::Turned,
    Col::Admitted,
    Col::Dismissed,
    Col::Invited,
    Col::Accepted,
    Col::Hearing,
    Col::HearingAbsent,
    Col::Agreement,
    Col::AgreementFulfilled,
    Col::ConciliationFailed,
    Col::EvidenceHearing,
    Col::InstructionClosed,
    Col::Extension,
    Col::ResolvedRevoked,
    Col::ResolvedConfirmed,
    Col::ResolvedNoDays,
    Col::ResolutionNotified,
    Col::ExtensionRequested,
    Col::ExtensionRuled,
    Col::Reported,
    Col::Vista,
    Col::Statement,
    Col::Complied,
    Col::NotComplied,
    Col::Warning,
    Col::Fine,
    Col::Arrest,
];

impl Col {
    fn act(self) -> AppealAct {
        use AppealAct as A;
        match self {
            Col::Filed => filing(Venue::Guarantor, false),
            Col::Forwarded => A::AppealForwarded,
            Col::RequirementNotified => A::AppealRequirementNotified,
            Col::RequirementAnswered => A::AppealRequirementAnswered,
            Col::Turned => A::AppealTurned,
            Col::Admitted => A::AppealAdmitted,
            Col::Dismissed => A::AppealDismissed {
                cause: cause("III"),
            },
            Col::Invited => A::ConciliationInvited,
            Col::Accepted => A::ConciliationAccepted,
            Col::Hearing => A::ConciliationHearingHeld { absent: false },
            Col::HearingAbsent => A::ConciliationHearingHeld { absent: true },
            Col::Agreement => A::ConciliationAgreement,
            Col::AgreementFulfilled => A::ConciliationAgreementFulfilled,
            Col::ConciliationFailed => A::ConciliationFailed,
            Col::EvidenceHearing => A::EvidenceHearingHeld,
            Col::InstructionClosed => A::InstructionClosed,
            Col::Extension => A::AppealExtensionNotified { days: None },
            Col::ResolvedRevoked => resolved(AppealOutcome::Revoked, Some(5)),
            Col::ResolvedConfirmed => resolved(AppealOutcome::Confirmed, None),
            Col::ResolvedNoDays => resolved(AppealOutcome::DeliveryOrdered, None),
            Col::ResolutionNotified => A::AppealResolutionNotified,
            Col::ExtensionRequested => A::ComplianceExtensionRequested,
            Col::ExtensionRuled => A::ComplianceExtensionRuled { granted_days: 5 },
            Col::Reported => A::ComplianceReported { complied_on: None },
            Col::Vista => A::ComplianceVistaGiven,
            Col::Statement => A::TitularStatement,
            Col::Complied => A::ComplianceRuled { complied: true },
            Col::NotComplied => A::ComplianceRuled { complied: false },
            Col::Warning => A::PublicWarning { days: 3 },
            Col::Fine => A::FineImposed {
                days: 2,
                uma: 500,
                reincidence: false,
            },
            Col::Arrest => A::ArrestOrdered,
        }
    }
}

#[test]
fn the_columns_cover_every_act_kind() {
    assert_eq!(AppealActKind::ALL.len(), 27);
    for k in AppealActKind::ALL {
        assert!(
            COLS.iter().any(|c| c.act().kind() == *k),
            "no column tries {}",
            k.as_str()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The rows: every state, reached with real dates
// ---------------------------------------------------------------------------------------

/// A way to reach a state. Some states appear more than once, reached by different
/// histories, where the history changes the answer (a requirement already used, an
/// extension already granted, a conciliation already tried, a term already run out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    Filed,
    /// Filed with the Unidad de Transparencia, which must forward it.
    FiledAtUnit,
    /// Filed again after a requirement was answered.
    FiledAfterAnswer,
    Required,
    /// The requirement left unanswered past its 5 days: dismissed by the lapse (a state on
    /// a later date; the last act left it `Required`).
    Lapsed,
    /// Desechado by an act (arts. 105, 108).
    Dismissed,
    Admitted,
    /// Admitted; the titular is a minor without representation (art. 106.2).
    AdmittedMinor,
    /// Admitted, with the resolution term already extended.
    AdmittedExtended,
    /// Admitted again after a failed conciliation, with the evidence hearing held.
    AdmittedAfterConciliation,
    /// Admitted, the allegations' 7 days run out: the instruction may close.
    AdmittedAfterAllegations,
    ConciliationInvited,
    ConciliationAccepted,
    /// Accepted, after a first hearing a party did not attend (art. 106.III).
    AcceptedAfterAbsence,
    ConciliationHeld,
    ConciliationAgreement,
    WithoutMatter,
    InstructionClosed,
    /// Never admitted, and the 20 days ran out (a state on a later date).
    SilentFiled,
    /// Admitted, and the 20 days ran out without resolution (art. 110.10).
    SilentAdmitted,
    Resolved,
    /// Extended, confirmed and notified: nothing to comply with.
    Concluded,
    /// Compliance, fresh: within the first 3 days.
    Compliance,
    /// Compliance, after its first 3 days.
    ComplianceLate,
    /// Compliance, after the responsable asked for more time.
    ComplianceRequested,
    /// Compliance, with 5 more days granted.
    ComplianceExtended,
    /// Compliance, the report's term run out with no report: the guarantor rules de oficio.
    ComplianceUnreported,
    /// Compliance, after the report.
    ComplianceReported,
    /// Compliance, after the vista to the titular.
    ComplianceVista,
    /// Compliance, after the vista, the titular's 5 days run out with no statement.
    ComplianceVistaOver,
    /// Compliance, after the titular's statement.
    ComplianceStatement,
    Complied,
    NonCompliant,
    /// Warned, within the warning's term.
    Warned,
    /// Warned, the warning's term run out.
    WarnedTermOver,
    /// Fined, within the fine's term.
    Fined,
    /// Fined, the fine's term run out.
    FinedTermOver,
    Arrested,
}

const SETUPS: [Setup; 38] = [
    Setup::Filed,
    Setup::FiledAtUnit,
    Setup::FiledAfterAnswer,
    Setup::Required,
    Setup::Lapsed,
    Setup::Dismissed,
    Setup::Admitted,
    Setup::AdmittedMinor,
    Setup::AdmittedExtended,
    Setup::AdmittedAfterConciliation,
    Setup::AdmittedAfterAllegations,
    Setup::ConciliationInvited,
    Setup::ConciliationAccepted,
    Setup::AcceptedAfterAbsence,
    Setup::ConciliationHeld,
    Setup::ConciliationAgreement,
    Setup::WithoutMatter,
    Setup::InstructionClosed,
    Setup::SilentFiled,
    Setup::SilentAdmitted,
    Setup::Resolved,
    Setup::Concluded,
    Setup::Compliance,
    Setup::ComplianceLate,
    Setup::ComplianceRequested,
    Setup::ComplianceExtended,
    Setup::ComplianceUnreported,
    Setup::ComplianceReported,
    Setup::ComplianceVista,
    Setup::ComplianceVistaOver,
    Setup::ComplianceStatement,
    Setup::Complied,
    Setup::NonCompliant,
    Setup::Warned,
    Setup::WarnedTermOver,
    Setup::Fined,
    Setup::FinedTermOver,
    Setup::Arrested,
];

type Steps = Vec<(AppealAct, &'static str)>;

struct Scenario {
    venue: Venue,
    minor: bool,
    /// The acts after the filing (Thu 2026-02-26T10:00), with their moments.
    steps: Steps,
    /// When every act of the row is tried: a business day, in office hours.
    probe: &'static str,
    /// `appeal.state`: what the last act left.
    recorded: AppealState,
    /// `appeal.state_on(probe)`: differs from `recorded` when time decided (a lapse,
    /// silence).
    state: AppealState,
}

fn admitted() -> Steps {
    vec![(AppealAct::AppealAdmitted, "2026-03-02T10:00")]
}

/// Admitted Mon 03-02, invited Tue 03-03, both willing Wed 03-04.
fn accepted() -> Steps {
    use AppealAct as A;
    [
        admitted(),
        vec![
            (A::ConciliationInvited, "2026-03-03T10:00"),
            (A::ConciliationAccepted, "2026-03-04T10:00"),
        ],
    ]
    .concat()
}

/// Admitted Mon 03-02, revoked with 5 days to comply Tue 03-10, notified Wed 03-11.
fn in_compliance() -> Steps {
    use AppealAct as A;
    [
        admitted(),
        vec![
            (
                resolved(AppealOutcome::Revoked, Some(5)),
                "2026-03-10T10:00",
            ),
            (A::AppealResolutionNotified, "2026-03-11T10:00"),
        ],
    ]
    .concat()
}

/// ... reported Thu 03-19, vista Fri 03-20.
fn after_vista() -> Steps {
    use AppealAct as A;
    [
        in_compliance(),
        vec![
            (
                A::ComplianceReported { complied_on: None },
                "2026-03-19T10:00",
            ),
            (A::ComplianceVistaGiven, "2026-03-20T10:00"),
        ],
    ]
    .concat()
}

/// ... not complied Mon 03-30 (the titular's 5 days ended Fri 03-27 with no statement),
/// warned with 3 days Tue 03-31.
fn warned() -> Steps {
    use AppealAct as A;
    [
        after_vista(),
        vec![
            (A::ComplianceRuled { complied: false }, "2026-03-30T10:00"),
            (A::PublicWarning { days: 3 }, "2026-03-31T10:00"),
        ],
    ]
    .concat()
}

/// ... fined with 2 days Mon 04-06 (the warning's days ended Fri 04-03).
fn fined() -> Steps {
    [
        warned(),
        vec![(
            AppealAct::FineImposed {
                days: 2,
                uma: 500,
                reincidence: false,
            },
            "2026-04-06T10:00",
        )],
    ]
    .concat()
}

fn plus(base: Steps, more: Steps) -> Steps {
    [base, more].concat()
}

fn scenario(setup: Setup) -> Scenario {
    use AppealAct as A;
    use AppealState as S;
    let mut venue = Venue::Guarantor;
    let mut minor = false;
    let (steps, probe, recorded, state): (Steps, _, _, _) = match setup {
        Setup::Filed => (vec![], "2026-02-27T10:00", S::Filed, S::Filed),
        Setup::FiledAtUnit => {
            venue = Venue::Unit;
            (vec![], "2026-02-27T10:00", S::Filed, S::Filed)
        }
        Setup::FiledAfterAnswer => (
            vec![
                (A::AppealRequirementNotified, "2026-02-27T10:00"),
                (A::AppealRequirementAnswered, "2026-03-04T10:00"),
            ],
            "2026-03-05T10:00",
            S::Filed,
            S::Filed,
        ),
        Setup::Required => (
            vec![(A::AppealRequirementNotified, "2026-02-27T10:00")],
            "2026-03-02T10:00",
            S::Required,
            S::Required,
        ),
        Setup::Lapsed => (
            vec![(A::AppealRequirementNotified, "2026-02-27T10:00")],
            "2026-03-09T10:00",
            S::Required,
            S::Dismissed,
        ),
        Setup::Dismissed => (
            vec![(
                A::AppealDismissed {
                    cause: cause("III"),
                },
                "2026-03-02T10:00",
            )],
            "2026-03-03T10:00",
            S::Dismissed,
            S::Dismissed,
        ),
        Setup::Admitted => (admitted(), "2026-03-03T10:00", S::Admitted, S::Admitted),
        Setup::AdmittedMinor => {
            minor = true;
            (admitted(), "2026-03-03T10:00", S::Admitted, S::Admitted)
        }
        Setup::AdmittedExtended => (
            plus(
                admitted(),
                vec![(
                    A::AppealExtensionNotified { days: None },
                    "2026-03-03T10:00",
                )],
            ),
            "2026-03-04T10:00",
            S::Admitted,
            S::Admitted,
        ),
        Setup::AdmittedAfterConciliation => (
            plus(
                admitted(),
                vec![
                    (A::ConciliationInvited, "2026-03-03T10:00"),
                    (A::ConciliationFailed, "2026-03-04T10:00"),
                    (A::EvidenceHearingHeld, "2026-03-05T10:00"),
                ],
            ),
            "2026-03-06T10:00",
            S::Admitted,
            S::Admitted,
        ),
        // The allegations ended Wed 03-11.
        Setup::AdmittedAfterAllegations => {
            (admitted(), "2026-03-12T10:00", S::Admitted, S::Admitted)
        }
        Setup::ConciliationInvited => (
            plus(
                admitted(),
                vec![(A::ConciliationInvited, "2026-03-03T10:00")],
            ),
            "2026-03-04T10:00",
            S::ConciliationInvited,
            S::ConciliationInvited,
        ),
        Setup::ConciliationAccepted => (
            accepted(),
            "2026-03-05T10:00",
            S::ConciliationAccepted,
            S::ConciliationAccepted,
        ),
        Setup::AcceptedAfterAbsence => (
            plus(
                accepted(),
                vec![(
                    A::ConciliationHearingHeld { absent: true },
                    "2026-03-05T10:00",
                )],
            ),
            "2026-03-06T10:00",
            S::ConciliationAccepted,
            S::ConciliationAccepted,
        ),
        Setup::ConciliationHeld => (
            plus(
                accepted(),
                vec![(
                    A::ConciliationHearingHeld { absent: false },
                    "2026-03-05T10:00",
                )],
            ),
            "2026-03-06T10:00",
            S::ConciliationHeld,
            S::ConciliationHeld,
        ),
        Setup::ConciliationAgreement => (
            plus(
                accepted(),
                vec![
                    (
                        A::ConciliationHearingHeld { absent: false },
                        "2026-03-05T10:00",
                    ),
                    (A::ConciliationAgreement, "2026-03-06T10:00"),
                ],
            ),
            "2026-03-09T10:00",
            S::ConciliationAgreement,
            S::ConciliationAgreement,
        ),
        Setup::WithoutMatter => (
            plus(
                accepted(),
                vec![
                    (
                        A::ConciliationHearingHeld { absent: false },
                        "2026-03-05T10:00",
                    ),
                    (A::ConciliationAgreement, "2026-03-06T10:00"),
                    (A::ConciliationAgreementFulfilled, "2026-03-09T10:00"),
                ],
            ),
            "2026-03-10T10:00",
            S::WithoutMatter,
            S::WithoutMatter,
        ),
        // Closed after the allegations (7 days from Mon 03-02: Wed 03-11) and the final
        // statements (3 days from Tue 03-03: Fri 03-06).
        Setup::InstructionClosed => (
            plus(
                admitted(),
                vec![
                    (A::EvidenceHearingHeld, "2026-03-03T10:00"),
                    (A::InstructionClosed, "2026-03-12T10:00"),
                ],
            ),
            "2026-03-13T10:00",
            S::InstructionClosed,
            S::InstructionClosed,
        ),
        // The 20 days ended Fri 03-27.
        Setup::SilentFiled => (vec![], "2026-03-30T10:00", S::Filed, S::ConfirmedBySilence),
        Setup::SilentAdmitted => (
            admitted(),
            "2026-03-30T10:00",
            S::Admitted,
            S::ConfirmedBySilence,
        ),
        Setup::Resolved => (
            plus(
                admitted(),
                vec![(
                    resolved(AppealOutcome::Revoked, Some(5)),
                    "2026-03-10T10:00",
                )],
            ),
            "2026-03-11T10:00",
            S::Resolved,
            S::Resolved,
        ),
        Setup::Concluded => (
            plus(
                admitted(),
                vec![
                    (
                        A::AppealExtensionNotified { days: None },
                        "2026-03-03T10:00",
                    ),
                    (resolved(AppealOutcome::Confirmed, None), "2026-03-10T10:00"),
                    (A::AppealResolutionNotified, "2026-03-11T10:00"),
                ],
            ),
            "2026-03-12T10:00",
            S::Concluded,
            S::Concluded,
        ),
        Setup::Compliance => (
            in_compliance(),
            "2026-03-12T10:00",
            S::Compliance,
            S::Compliance,
        ),
        Setup::ComplianceLate => (
            in_compliance(),
            "2026-03-18T10:00",
            S::Compliance,
            S::Compliance,
        ),
        Setup::ComplianceRequested => (
            plus(
                in_compliance(),
                vec![(A::ComplianceExtensionRequested, "2026-03-12T10:00")],
            ),
            "2026-03-13T10:00",
            S::Compliance,
            S::Compliance,
        ),
        Setup::ComplianceExtended => (
            plus(
                in_compliance(),
                vec![
                    (A::ComplianceExtensionRequested, "2026-03-12T10:00"),
                    (
                        A::ComplianceExtensionRuled { granted_days: 5 },
                        "2026-03-17T10:00",
                    ),
                ],
            ),
            "2026-03-18T10:00",
            S::Compliance,
            S::Compliance,
        ),
        // The report was due Tue 03-24.
        Setup::ComplianceUnreported => (
            in_compliance(),
            "2026-03-25T10:00",
            S::Compliance,
            S::Compliance,
        ),
        Setup::ComplianceReported => (
            plus(
                in_compliance(),
                vec![(
                    A::ComplianceReported { complied_on: None },
                    "2026-03-19T10:00",
                )],
            ),
            "2026-03-20T10:00",
            S::Compliance,
            S::Compliance,
        ),
        Setup::ComplianceVista => (
            after_vista(),
            "2026-03-23T10:00",
            S::Compliance,
            S::Compliance,
        ),
        // The titular's 5 days ended Fri 03-27.
        Setup::ComplianceVistaOver => (
            after_vista(),
            "2026-03-30T10:00",
            S::Compliance,
            S::Compliance,
        ),
        Setup::ComplianceStatement => (
            plus(
                after_vista(),
                vec![(A::TitularStatement, "2026-03-23T10:00")],
            ),
            "2026-03-24T10:00",
            S::Compliance,
            S::Compliance,
        ),
        // Ruled Mon 03-30, after the titular's 5 days (no statement).
        Setup::Complied => (
            plus(
                after_vista(),
                vec![(A::ComplianceRuled { complied: true }, "2026-03-30T10:00")],
            ),
            "2026-03-31T10:00",
            S::Complied,
            S::Complied,
        ),
        Setup::NonCompliant => (
            plus(
                after_vista(),
                vec![(A::ComplianceRuled { complied: false }, "2026-03-30T10:00")],
            ),
            "2026-03-31T10:00",
            S::NonCompliant,
            S::NonCompliant,
        ),
        Setup::Warned => (warned(), "2026-04-01T10:00", S::Warned, S::Warned),
        Setup::WarnedTermOver => (warned(), "2026-04-06T10:00", S::Warned, S::Warned),
        Setup::Fined => (fined(), "2026-04-07T10:00", S::Fined, S::Fined),
        Setup::FinedTermOver => (fined(), "2026-04-09T10:00", S::Fined, S::Fined),
        Setup::Arrested => (
            plus(fined(), vec![(A::ArrestOrdered, "2026-04-09T10:00")]),
            "2026-04-10T10:00",
            S::Arrested,
            S::Arrested,
        ),
    };
    Scenario {
        venue,
        minor,
        steps,
        probe,
        recorded,
        state,
    }
}

/// Drives a new appeal into `setup`, checking it got there.
fn drive(setup: Setup) -> (Appeal, Scenario) {
    let sc = scenario(setup);
    let mut appeal = file_with(sc.venue, sc.minor, FILED_AT);
    for (act, at) in &sc.steps {
        apply_ok(&mut appeal, act.clone(), at);
    }
    let probe_date = calendar().effective_date(&m(sc.probe)).unwrap();
    assert_eq!(appeal.state, sc.recorded, "{setup:?}: the last act's state");
    assert_eq!(
        appeal.state_on(&clock(), probe_date).unwrap(),
        sc.state,
        "{setup:?} is not in {:?} on {probe_date}",
        sc.state
    );
    (appeal, sc)
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// What applying a column's act in a row's state gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Applied on time (or with no term of its own); the appeal is now in this state,
    /// recorded and on the probe's date.
    Applies(AppealState),
    /// Applied but after its term: recorded with `late == true`; now in this state.
    AppliesLate(AppealState),
    /// Applied, not late, and the last act's state is this one; but the resolution term has
    /// run out, so on the probe's date the response stands confirmed (art. 110.10).
    Silent(AppealState),
    /// As `Silent`, and the act itself was late.
    SilentLate(AppealState),
    /// `InvalidTransition { state: <the last act's state>, act: <the column's kind> }`.
    Invalid,
    /// `Lapsed { act: <the column's kind>, due: <the last day to answer> }` (art. 104.2).
    Lapsed(&'static str),
    /// `SecondRequirement { on: <the requirement's effective date> }` (art. 104.1).
    SecondRequirement(&'static str),
    /// `SecondExtension { on: <the extension's effective date> }` (art. 110.1).
    SecondExtension(&'static str),
    /// `ExtensionOutOfTime { due, notified: <the probe's date> }` (art. 110.1).
    ExtensionOutOfTime(&'static str),
    /// `ComplianceExtensionOutOfTime { due, requested: <the probe's date> }` (art. 136.3).
    ComplianceExtensionOutOfTime(&'static str),
    /// `NoConciliationForMinor` (art. 106.2).
    NoConciliationForMinor,
    /// `BadValue(msg)` with `msg` containing this text.
    BadValue(&'static str),
    /// `Premature { act: <the column's kind>, due: <the end of the previous term> }`: the
    /// instruction before the parties' terms run out (art. 107.VII), a ruling on compliance
    /// before the report's or the titular's term does (arts. 137, 138), a measure before the
    /// previous one's days (art. 112).
    Premature(&'static str),
}

/// The answer of a state where only one or two acts apply: everything `Invalid` but the
/// listed columns. Used to write the long rows of closed states compactly, never to hide
/// an exception: each row still lists every column below.
fn row(exceptions: &[(Col, Expect)]) -> Vec<(Col, Expect)> {
    COLS.iter()
        .map(|c| {
            let e = exceptions
                .iter()
                .find(|(x, _)| x == c)
                .map_or(Expect::Invalid, |(_, e)| *e);
            (*c, e)
        })
        .collect()
}

/// The model, state by state. Dates are those of [`scenario`]; see the module comment.
fn table() -> Vec<(Setup, Vec<(Col, Expect)>)> {
    use AppealState as S;
    use Col as C;
    use Expect::*;
    const NO_DAYS: &str = "falta compliance_days";
    vec![
        // Filed with the guarantor, tried Fri 02-27: a requirement, the turn, admission or
        // dismissal. Nothing to forward: it is already with the guarantor.
        (
            Setup::Filed,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Applies(S::Required)),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Applies(S::Filed)),
                (C::Admitted, Applies(S::Admitted)),
                (C::Dismissed, Applies(S::Dismissed)),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid), // only once admitted
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid), // the state is refused before the value
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Filed with the Unidad: forwarded by Fri 02-27 (art. 99.3).
        (
            Setup::FiledAtUnit,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Applies(S::Filed)),
                (C::RequirementNotified, Applies(S::Required)),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Applies(S::Filed)),
                (C::Admitted, Applies(S::Admitted)),
                (C::Dismissed, Applies(S::Dismissed)),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Required Fri 02-27, answered Wed 03-04; tried Thu 03-05. The turn was due Tue
        // 03-03 (late); the admission now counts from the answer (due Wed 03-11).
        (
            Setup::FiledAfterAnswer,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, SecondRequirement("2026-02-27")),
                (C::RequirementAnswered, Invalid),
                (C::Turned, AppliesLate(S::Filed)),
                (C::Admitted, Applies(S::Admitted)),
                (C::Dismissed, Applies(S::Dismissed)),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Waiting for the titular (answer due Fri 03-06); tried Mon 03-02. Not admitted
        // until complete; it may still be turned or desechado (with no term: the admission's
        // does not run while the requirement is pending).
        (
            Setup::Required,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, SecondRequirement("2026-02-27")),
                (C::RequirementAnswered, Applies(S::Filed)),
                (C::Turned, Applies(S::Required)),
                (C::Admitted, Invalid),
                (C::Dismissed, Applies(S::Dismissed)),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid), // the resolution term is interrupted
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Dismissed by the lapse (tried Mon 03-09): every act is refused, naming the last
        // day to answer, except the guarantor's acuerdo de desechamiento itself, which is
        // recorded with no term (art. 104.2: the apercibimiento is carried out).
        (
            Setup::Lapsed,
            vec![
                (C::Filed, Lapsed("2026-03-06")),
                (C::Forwarded, Lapsed("2026-03-06")),
                (C::RequirementNotified, Lapsed("2026-03-06")),
                (C::RequirementAnswered, Lapsed("2026-03-06")),
                (C::Turned, Lapsed("2026-03-06")),
                (C::Admitted, Lapsed("2026-03-06")),
                (C::Dismissed, Applies(S::Dismissed)),
                (C::Invited, Lapsed("2026-03-06")),
                (C::Accepted, Lapsed("2026-03-06")),
                (C::Hearing, Lapsed("2026-03-06")),
                (C::HearingAbsent, Lapsed("2026-03-06")),
                (C::Agreement, Lapsed("2026-03-06")),
                (C::AgreementFulfilled, Lapsed("2026-03-06")),
                (C::ConciliationFailed, Lapsed("2026-03-06")),
                (C::EvidenceHearing, Lapsed("2026-03-06")),
                (C::InstructionClosed, Lapsed("2026-03-06")),
                (C::Extension, Lapsed("2026-03-06")),
                (C::ResolvedRevoked, Lapsed("2026-03-06")),
                (C::ResolvedConfirmed, Lapsed("2026-03-06")),
                (C::ResolvedNoDays, Lapsed("2026-03-06")),
                (C::ResolutionNotified, Lapsed("2026-03-06")),
                (C::ExtensionRequested, Lapsed("2026-03-06")),
                (C::ExtensionRuled, Lapsed("2026-03-06")),
                (C::Reported, Lapsed("2026-03-06")),
                (C::Vista, Lapsed("2026-03-06")),
                (C::Statement, Lapsed("2026-03-06")),
                (C::Complied, Lapsed("2026-03-06")),
                (C::NotComplied, Lapsed("2026-03-06")),
                (C::Warning, Lapsed("2026-03-06")),
                (C::Fine, Lapsed("2026-03-06")),
                (C::Arrest, Lapsed("2026-03-06")),
            ],
        ),
        // Desechado Mon 03-02: nothing more.
        (Setup::Dismissed, row(&[])),
        // Admitted Mon 03-02, tried Tue 03-03: conciliation, evidence, the extension, the
        // resolution; not yet the close (the allegations run to Wed 03-11).
        (
            Setup::Admitted,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid), // only before admission
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid), // after admission: sobreseimiento, by resolution
                (C::Invited, Applies(S::ConciliationInvited)),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Applies(S::Admitted)),
                (C::InstructionClosed, Premature("2026-03-11")),
                (C::Extension, Applies(S::Admitted)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        (
            Setup::AdmittedMinor,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, NoConciliationForMinor),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Applies(S::Admitted)),
                (C::InstructionClosed, Premature("2026-03-11")),
                (C::Extension, Applies(S::Admitted)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Extended Tue 03-03 (due Fri 04-10); tried Wed 03-04.
        (
            Setup::AdmittedExtended,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Applies(S::ConciliationInvited)),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Applies(S::Admitted)),
                (C::InstructionClosed, Premature("2026-03-11")),
                (C::Extension, SecondExtension("2026-03-03")),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Conciliation tried (invited Tue 03-03, failed Wed 03-04), evidence heard Thu
        // 03-05; tried Fri 03-06: no second invitation, no second evidence hearing; no close
        // before the later of the allegations (Wed 03-11) and the final statements (06, 09,
        // 10: Tue 03-10).
        (
            Setup::AdmittedAfterConciliation,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Premature("2026-03-11")),
                (C::Extension, Applies(S::Admitted)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Admitted Mon 03-02, tried Thu 03-12, the day after the allegations' 7 days (Wed
        // 03-11): the instruction may close (art. 107.VII); the rest as on Tue 03-03.
        (
            Setup::AdmittedAfterAllegations,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Applies(S::ConciliationInvited)),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Applies(S::Admitted)),
                (C::InstructionClosed, Applies(S::InstructionClosed)),
                (C::Extension, Applies(S::Admitted)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Invited Tue 03-03 (willingness due Thu 03-12); tried Wed 03-04.
        (
            Setup::ConciliationInvited,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Applies(S::ConciliationAccepted)),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Applies(S::Admitted)),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Applies(S::ConciliationInvited)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Both willing Wed 03-04 (hearing due Fri 03-13); tried Thu 03-05. An absent party
        // keeps it waiting for a second hearing.
        (
            Setup::ConciliationAccepted,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Applies(S::ConciliationHeld)),
                (C::HearingAbsent, Applies(S::ConciliationAccepted)),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Applies(S::Admitted)),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Applies(S::ConciliationAccepted)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // A party was absent Thu 03-05 (justification by Tue 03-10, second hearing by Wed
        // 03-18); tried Fri 03-06. Absent again: the appeal goes on (art. 106.III).
        (
            Setup::AcceptedAfterAbsence,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Applies(S::ConciliationHeld)),
                (C::HearingAbsent, Applies(S::Admitted)),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Applies(S::Admitted)),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Applies(S::ConciliationAccepted)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Hearing held Thu 03-05; tried Fri 03-06: an agreement or a failure.
        (
            Setup::ConciliationHeld,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Applies(S::ConciliationAgreement)),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Applies(S::Admitted)),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Applies(S::ConciliationHeld)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Agreement Fri 03-06, being complied with (the resolution term is suspended);
        // tried Mon 03-09: fulfilled or failed, nothing else (no extension of a suspended
        // term, no resolution while it is suspended).
        (
            Setup::ConciliationAgreement,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Applies(S::WithoutMatter)),
                (C::ConciliationFailed, Applies(S::Admitted)),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Left without matter Mon 03-09 (art. 106.VI): nothing more.
        (Setup::WithoutMatter, row(&[])),
        // Closed Thu 03-12, the day after the allegations (resolution due Fri 03-27 by both
        // counts, so recorded against the 20 days); tried Fri 03-13.
        (
            Setup::InstructionClosed,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Applies(S::InstructionClosed)),
                (C::ResolvedRevoked, Applies(S::Resolved)),
                (C::ResolvedConfirmed, Applies(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Never admitted; tried Mon 03-30, after the 20 days (Fri 03-27): confirmed by
        // silence, but `apply` answers from the last act's state (`Filed`). Every act of
        // the filing's stage is late; so is a requirement, its 5 days (to Thu 03-05) long
        // run out (art. 104.1): recorded, flagged, interrupting nothing (art. 6.1).
        (
            Setup::SilentFiled,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, SilentLate(S::Filed)),
                (C::RequirementAnswered, Invalid),
                (C::Turned, SilentLate(S::Filed)),
                (C::Admitted, SilentLate(S::Admitted)),
                (C::Dismissed, AppliesLate(S::Dismissed)),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Admitted; tried Mon 03-30, after the 20 days: the extension is out of time; a
        // resolution is still recorded, flagged late; acts that do not resolve leave it
        // confirmed by silence.
        (
            Setup::SilentAdmitted,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Silent(S::ConciliationInvited)),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Silent(S::Admitted)),
                (C::InstructionClosed, Silent(S::InstructionClosed)),
                (C::Extension, ExtensionOutOfTime("2026-03-27")),
                (C::ResolvedRevoked, AppliesLate(S::Resolved)),
                (C::ResolvedConfirmed, AppliesLate(S::Resolved)),
                (C::ResolvedNoDays, BadValue(NO_DAYS)),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Revoked Tue 03-10 (publication due Fri 03-13); tried Wed 03-11: only the
        // notification, which opens compliance.
        (
            Setup::Resolved,
            row(&[(C::ResolutionNotified, Applies(S::Compliance))]),
        ),
        // Confirmed and notified: nothing more; the extension used on Tue 03-03 is still
        // named as such.
        (
            Setup::Concluded,
            row(&[(C::Extension, SecondExtension("2026-03-03"))]),
        ),
        // Notified Wed 03-11 (compliance due Thu 03-19, extension request by Tue 03-17,
        // report by Tue 03-24); tried Thu 03-12. No ruling before the report and vista, or,
        // with no report, before the report's term runs out (art. 137).
        (
            Setup::Compliance,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Applies(S::Compliance)),
                (C::ExtensionRuled, Invalid), // nothing requested
                (C::Reported, Applies(S::Compliance)),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Premature("2026-03-24")),
                (C::NotComplied, Premature("2026-03-24")),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Tried Wed 03-18, after the first 3 days (Tue 03-17).
        (
            Setup::ComplianceLate,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (
                    C::ExtensionRequested,
                    ComplianceExtensionOutOfTime("2026-03-17"),
                ),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Applies(S::Compliance)),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Premature("2026-03-24")),
                (C::NotComplied, Premature("2026-03-24")),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Requested Thu 03-12 (ruling due Fri 03-20); tried Fri 03-13.
        (
            Setup::ComplianceRequested,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid), // once
                (C::ExtensionRuled, Applies(S::Compliance)),
                (C::Reported, Applies(S::Compliance)),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                // The undecided request is ruled on first (by Fri 03-20).
                (C::Complied, Premature("2026-03-20")),
                (C::NotComplied, Premature("2026-03-20")),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // 5 days granted Tue 03-17 (compliance due Thu 03-26, report by Tue 03-31); tried
        // Wed 03-18.
        (
            Setup::ComplianceExtended,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Applies(S::Compliance)),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Premature("2026-03-31")),
                (C::NotComplied, Premature("2026-03-31")),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // No report; tried Wed 03-25, the day after the report's term (Tue 03-24): the
        // guarantor verifies de oficio and rules, with no term of its own (art. 137.2); a
        // report is still recorded, late; the extension can no longer be asked.
        (
            Setup::ComplianceUnreported,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (
                    C::ExtensionRequested,
                    ComplianceExtensionOutOfTime("2026-03-17"),
                ),
                (C::ExtensionRuled, Invalid),
                (C::Reported, AppliesLate(S::Compliance)),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Applies(S::Complied)),
                (C::NotComplied, Applies(S::NonCompliant)),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Reported Thu 03-19 (vista due Fri 03-20); tried Fri 03-20. No ruling before the
        // vista.
        (
            Setup::ComplianceReported,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid), // not after the report
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Applies(S::Compliance)),
                (C::Statement, Invalid),
                (C::Complied, Invalid),
                (C::NotComplied, Invalid),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Vista Fri 03-20 (the titular's 5 days end Fri 03-27; the ruling, 5 days after
        // that, Fri 04-03); tried Mon 03-23: the titular may speak; no ruling before the 5
        // days end (art. 137.2).
        (
            Setup::ComplianceVista,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Applies(S::Compliance)),
                (C::Complied, Premature("2026-03-27")),
                (C::NotComplied, Premature("2026-03-27")),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Vista Fri 03-20; tried Mon 03-30, the day after the titular's 5 days (Fri 03-27)
        // with no statement: the ruling (due Fri 04-03); a statement now is late.
        (
            Setup::ComplianceVistaOver,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, AppliesLate(S::Compliance)),
                (C::Complied, Applies(S::Complied)),
                (C::NotComplied, Applies(S::NonCompliant)),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Statement Mon 03-23 (ruling due Mon 03-30); tried Tue 03-24.
        (
            Setup::ComplianceStatement,
            vec![
                (C::Filed, Invalid),
                (C::Forwarded, Invalid),
                (C::RequirementNotified, Invalid),
                (C::RequirementAnswered, Invalid),
                (C::Turned, Invalid),
                (C::Admitted, Invalid),
                (C::Dismissed, Invalid),
                (C::Invited, Invalid),
                (C::Accepted, Invalid),
                (C::Hearing, Invalid),
                (C::HearingAbsent, Invalid),
                (C::Agreement, Invalid),
                (C::AgreementFulfilled, Invalid),
                (C::ConciliationFailed, Invalid),
                (C::EvidenceHearing, Invalid),
                (C::InstructionClosed, Invalid),
                (C::Extension, Invalid),
                (C::ResolvedRevoked, Invalid),
                (C::ResolvedConfirmed, Invalid),
                (C::ResolvedNoDays, Invalid),
                (C::ResolutionNotified, Invalid),
                (C::ExtensionRequested, Invalid),
                (C::ExtensionRuled, Invalid),
                (C::Reported, Invalid),
                (C::Vista, Invalid),
                (C::Statement, Invalid),
                (C::Complied, Applies(S::Complied)),
                (C::NotComplied, Applies(S::NonCompliant)),
                (C::Warning, Invalid),
                (C::Fine, Invalid),
                (C::Arrest, Invalid),
            ],
        ),
        // Complied Mon 03-30 (art. 138.2): archived, nothing more.
        (Setup::Complied, row(&[])),
        // Not complied Mon 03-30; tried Tue 03-31: the public warning, or compliance at last.
        (
            Setup::NonCompliant,
            row(&[
                (C::Complied, Applies(S::Complied)),
                (C::Warning, Applies(S::Warned)),
            ]),
        ),
        // Warned Tue 03-31 with 3 days (to Fri 04-03); tried Wed 04-01: too early to fine.
        (
            Setup::Warned,
            row(&[
                (C::Complied, Applies(S::Complied)),
                (C::Fine, Premature("2026-04-03")),
            ]),
        ),
        // Tried Mon 04-06: the fine.
        (
            Setup::WarnedTermOver,
            row(&[
                (C::Complied, Applies(S::Complied)),
                (C::Fine, Applies(S::Fined)),
            ]),
        ),
        // Fined Mon 04-06 with 2 days (to Wed 04-08); tried Tue 04-07: too early to arrest.
        (
            Setup::Fined,
            row(&[
                (C::Complied, Applies(S::Complied)),
                (C::Arrest, Premature("2026-04-08")),
            ]),
        ),
        // Tried Thu 04-09: the arrest (due within 3 days: Mon 04-13).
        (
            Setup::FinedTermOver,
            row(&[
                (C::Complied, Applies(S::Complied)),
                (C::Arrest, Applies(S::Arrested)),
            ]),
        ),
        // Arrested Thu 04-09; tried Fri 04-10: only compliance is left.
        (Setup::Arrested, row(&[(C::Complied, Applies(S::Complied))])),
    ]
}

#[test]
fn the_table_has_every_state_and_every_act_once() {
    let t = table();
    let setups: Vec<Setup> = t.iter().map(|(s, _)| *s).collect();
    assert_eq!(setups, SETUPS.to_vec(), "rows out of order or missing");
    for (setup, row) in &t {
        let cols: Vec<Col> = row.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            cols,
            COLS.to_vec(),
            "{setup:?}: columns out of order or missing"
        );
    }
    for state in AppealState::ALL {
        assert!(
            SETUPS.iter().any(|s| scenario(*s).state == *state),
            "no row reaches {state:?}"
        );
    }
    // Both ways to be dismissed, and the four moments of compliance.
    let dismissed: Vec<Setup> = SETUPS
        .into_iter()
        .filter(|s| scenario(*s).state == AppealState::Dismissed)
        .collect();
    assert_eq!(dismissed, [Setup::Lapsed, Setup::Dismissed]);
    assert_eq!(t.len() * COLS.len(), 38 * 31);
}

/// Applies one cell of the table to a fresh appeal in the row's state and checks the
/// exact result; a refusal must leave the appeal exactly as it was; an applied act must
/// be recorded as given and rebuild.
fn check_cell(setup: Setup, col: Col, expect: Expect) -> Result<(), String> {
    use AppealState as S;
    let (mut appeal, sc) = drive(setup);
    let c = clock();
    let act = col.act();
    let kind = act.kind();
    let actor = actor_for(kind);
    let probe = m(sc.probe);
    let eff = calendar().effective_date(&probe).unwrap();
    let before = appeal.clone();
    let n = appeal.acts.len();
    let got = appeal
        .apply(&c, act.clone(), probe, &actor)
        .map(|r| (r.late, r.seq, r.effective));
    let want_err = |e: AppealError| -> Result<(), String> {
        match &got {
            Err(g) if *g == e => {
                if appeal != before {
                    return Err(format!("refused with {g:?} but the appeal changed"));
                }
                Ok(())
            }
            other => Err(format!("expected Err({e:?}), got {other:?}")),
        }
    };
    let (next, late, on_probe) = match expect {
        Expect::Applies(s) => (s, false, s),
        Expect::AppliesLate(s) => (s, true, s),
        Expect::Silent(s) => (s, false, S::ConfirmedBySilence),
        Expect::SilentLate(s) => (s, true, S::ConfirmedBySilence),
        Expect::Invalid => {
            return want_err(AppealError::InvalidTransition {
                state: sc.recorded,
                act: kind,
            });
        }
        Expect::Lapsed(due) => {
            return want_err(AppealError::Lapsed {
                act: kind,
                due: d(due),
            });
        }
        Expect::SecondRequirement(on) => {
            return want_err(AppealError::SecondRequirement { on: d(on) });
        }
        Expect::SecondExtension(on) => {
            return want_err(AppealError::SecondExtension { on: d(on) });
        }
        Expect::ExtensionOutOfTime(due) => {
            return want_err(AppealError::ExtensionOutOfTime {
                due: d(due),
                notified: eff,
            });
        }
        Expect::ComplianceExtensionOutOfTime(due) => {
            return want_err(AppealError::ComplianceExtensionOutOfTime {
                due: d(due),
                requested: eff,
            });
        }
        Expect::NoConciliationForMinor => return want_err(AppealError::NoConciliationForMinor),
        Expect::Premature(due) => {
            return want_err(AppealError::Premature {
                act: kind,
                due: d(due),
            });
        }
        Expect::BadValue(text) => {
            return match &got {
                Err(AppealError::BadValue(msg)) if msg.contains(text) => {
                    if appeal != before {
                        return Err(format!("refused with {msg:?} but the appeal changed"));
                    }
                    Ok(())
                }
                other => Err(format!("expected BadValue(..{text}..), got {other:?}")),
            };
        }
    };
    let (was_late, seq, effective) = got.map_err(|e| format!("refused: {e:?}"))?;
    if was_late != late {
        return Err(format!("late = {was_late}, expected {late}"));
    }
    if seq as usize != n + 1 || appeal.acts.len() != n + 1 || effective != eff {
        return Err(format!("recorded as seq {seq} on {effective}"));
    }
    let last = appeal.acts.last().unwrap();
    if last.act != act || last.at != probe || last.actor != actor {
        return Err(format!("recorded the wrong act: {last:?}"));
    }
    if appeal.acts[..n] != before.acts[..] {
        return Err("the earlier acts changed".into());
    }
    if appeal.state != next {
        return Err(format!("now {:?}, expected {next:?}", appeal.state));
    }
    let derived = appeal.state_on(&c, eff).unwrap();
    if derived != on_probe {
        return Err(format!("on {eff} {derived:?}, expected {on_probe:?}"));
    }
    match rebuild(&appeal) {
        Ok(r) if r == appeal => Ok(()),
        other => Err(format!("does not rebuild: {other:?}")),
    }
}

#[test]
fn every_act_in_every_state() {
    let mut failures = Vec::new();
    let mut cells = 0;
    for (setup, row) in table() {
        for (col, expect) in row {
            cells += 1;
            if let Err(why) = check_cell(setup, col, expect) {
                failures.push(format!("{setup:?} × {col:?} ({expect:?}): {why}"));
            }
        }
    }
    assert_eq!(cells, 38 * 31);
    assert!(
        failures.is_empty(),
        "{} of {cells} cells disagree with the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------

/// The first row of the table where `kind` applies (to try every role on it).
fn where_it_applies(kind: AppealActKind) -> (Setup, Col) {
    for (setup, row) in table() {
        for (col, expect) in row {
            if col.act().kind() == kind && matches!(expect, Expect::Applies(_)) {
                return (setup, col);
            }
        }
    }
    panic!("{} applies nowhere in the table", kind.as_str());
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

/// Who may record each act: the Unidad de Transparencia receives appeals filed with it
/// and forwards them (art. 99.3), asks for more time (art. 136.2) and reports compliance
/// (art. 137.1); the guarantor records everything else, the parties' acts included, and
/// may receive appeals too (art. 99.1); an import (`Migration`) records anything. The
/// Comité, auditors and administrators record nothing here.
fn allowed(kind: AppealActKind) -> &'static [Role] {
    use AppealActKind as K;
    match kind {
        K::AppealFiled => &[
            Role::Guarantor,
            Role::UnitStaff,
            Role::UnitHead,
            Role::Migration,
        ],
        K::AppealForwarded | K::ComplianceExtensionRequested | K::ComplianceReported => {
            &[Role::UnitStaff, Role::UnitHead, Role::Migration]
        }
        _ => &[Role::Guarantor, Role::Migration],
    }
}

#[test]
fn roles_who_may_record_each_act() {
    let c = clock();
    for kind in AppealActKind::ALL {
        assert_eq!(kind.allowed_roles(), allowed(*kind), "{}", kind.as_str());
    }
    // The filing itself.
    for role in ROLES {
        let actor = Actor::new("x", role);
        let got = Appeal::file(&c, filing(Venue::Unit, false), m(FILED_AT), &actor, None);
        if allowed(AppealActKind::AppealFiled).contains(&role) {
            let a = got.unwrap_or_else(|e| panic!("{role:?} may file: {e:?}"));
            assert_eq!(a.acts[0].actor, actor);
        } else {
            assert_eq!(
                got.unwrap_err(),
                AppealError::Forbidden {
                    act: AppealActKind::AppealFiled,
                    role,
                    allowed: allowed(AppealActKind::AppealFiled),
                }
            );
        }
    }
    // Every other act, in a state where it applies.
    for kind in AppealActKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != AppealActKind::AppealFiled)
    {
        let (setup, col) = where_it_applies(kind);
        for role in ROLES {
            let (mut appeal, sc) = drive(setup);
            let before = appeal.clone();
            let actor = Actor::new("x", role);
            let got = appeal
                .apply(&c, col.act(), m(sc.probe), &actor)
                .map(|r| r.actor.clone());
            if allowed(kind).contains(&role) {
                assert_eq!(got, Ok(actor), "{role:?} may record {}", kind.as_str());
            } else {
                assert_eq!(
                    got,
                    Err(AppealError::Forbidden {
                        act: kind,
                        role,
                        allowed: allowed(kind),
                    }),
                    "{role:?} recording {}",
                    kind.as_str()
                );
                assert_eq!(appeal, before, "a forbidden act changed the appeal");
            }
        }
    }
}

#[test]
fn the_role_is_checked_before_anything_else() {
    let c = clock();
    let auditor = Actor::new("aud", Role::Auditor);
    // Lapsed, out of order, in a state where the act is invalid: the role is named first.
    let (mut appeal, _) = drive(Setup::Lapsed);
    let before = appeal.clone();
    for at in ["2026-03-09T10:00", "2026-02-20T10:00"] {
        assert_eq!(
            appeal
                .apply(&c, AppealAct::AppealAdmitted, m(at), &auditor)
                .unwrap_err(),
            AppealError::Forbidden {
                act: AppealActKind::AppealAdmitted,
                role: Role::Auditor,
                allowed: allowed(AppealActKind::AppealAdmitted),
            }
        );
    }
    assert_eq!(appeal, before);
    // The guarantor does not report compliance; the Unidad does not rule on it.
    let (mut appeal, _) = drive(Setup::ComplianceVista);
    let before_c = appeal.clone();
    assert!(matches!(
        appeal
            .apply(
                &c,
                AppealAct::ComplianceReported { complied_on: None },
                m("2026-03-23T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::Forbidden {
            act: AppealActKind::ComplianceReported,
            role: Role::Guarantor,
            ..
        }
    ));
    assert!(matches!(
        appeal
            .apply(
                &c,
                AppealAct::ComplianceRuled { complied: true },
                m("2026-03-23T10:00"),
                &staff()
            )
            .unwrap_err(),
        AppealError::Forbidden {
            act: AppealActKind::ComplianceRuled,
            role: Role::UnitStaff,
            ..
        }
    ));
    assert_eq!(appeal, before_c);
    // A filing by the Comité is forbidden before its kind is looked at.
    let committee = Actor::new("ct", Role::Committee);
    assert_eq!(
        Appeal::file(
            &c,
            filing(Venue::Guarantor, false),
            m(FILED_AT),
            &committee,
            None
        )
        .unwrap_err(),
        AppealError::Forbidden {
            act: AppealActKind::AppealFiled,
            role: Role::Committee,
            allowed: allowed(AppealActKind::AppealFiled),
        }
    );
    // But an appeal that starts with anything else is not filed yet.
    assert_eq!(
        Appeal::file(
            &c,
            AppealAct::AppealAdmitted,
            m(FILED_AT),
            &guarantor(),
            None
        )
        .unwrap_err(),
        AppealError::NotFiledYet {
            act: AppealActKind::AppealAdmitted
        }
    );
    assert_eq!(
        Appeal::rebuild(&c, None, std::iter::empty()).unwrap_err(),
        (
            0,
            AppealError::NotFiledYet {
                act: AppealActKind::AppealFiled
            }
        )
    );
}

// ---------------------------------------------------------------------------------------
// Order
// ---------------------------------------------------------------------------------------

#[test]
fn an_act_dated_before_the_previous_effective_date_is_out_of_order() {
    let c = clock();
    let mut appeal = file();
    apply_ok(&mut appeal, AppealAct::AppealAdmitted, "2026-03-03T10:00");
    let before = appeal.clone();
    // The day before the admission took effect.
    assert_eq!(
        appeal
            .apply(
                &c,
                AppealAct::AppealExtensionNotified { days: None },
                m("2026-03-02T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::OutOfOrder {
            act: AppealActKind::AppealExtensionNotified,
            effective: d("2026-03-02"),
            previous: d("2026-03-03"),
        }
    );
    // Before the filing itself.
    assert_eq!(
        appeal
            .apply(
                &c,
                AppealAct::EvidenceHearingHeld,
                m("2026-02-20"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::OutOfOrder {
            act: AppealActKind::EvidenceHearingHeld,
            effective: d("2026-02-20"),
            previous: d("2026-03-03"),
        }
    );
    assert_eq!(appeal, before, "an act out of order changed the appeal");

    // Order is by effective date: earlier the same day is fine...
    apply_ok(
        &mut appeal,
        AppealAct::EvidenceHearingHeld,
        "2026-03-03T08:00",
    );
    // ...and so is a holiday, which takes effect on the next business day, after an act
    // at 15:00 on Friday, which takes effect on that same day: Tue 03-17 (Mon 03-16 is a
    // holiday).
    apply_ok(
        &mut appeal,
        AppealAct::InstructionClosed,
        "2026-03-13T15:00",
    );
    assert_eq!(appeal.acts.last().unwrap().effective, d("2026-03-17"));
    apply_ok(
        &mut appeal,
        resolved(AppealOutcome::Confirmed, None),
        "2026-03-16T11:00",
    );
    assert_eq!(appeal.acts.last().unwrap().effective, d("2026-03-17"));
    // But Friday in office hours is before Tuesday.
    let before = appeal.clone();
    assert_eq!(
        appeal
            .apply(
                &c,
                AppealAct::AppealResolutionNotified,
                m("2026-03-13T14:59"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::OutOfOrder {
            act: AppealActKind::AppealResolutionNotified,
            effective: d("2026-03-13"),
            previous: d("2026-03-17"),
        }
    );
    assert_eq!(appeal, before);
}

#[test]
fn order_is_checked_before_the_lapse() {
    let c = clock();
    let (mut appeal, _) = drive(Setup::Lapsed);
    let before = appeal.clone();
    // Dated before the requirement: out of order, not lapsed.
    assert_eq!(
        appeal
            .apply(
                &c,
                AppealAct::AppealRequirementAnswered,
                m("2026-02-26T11:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::OutOfOrder {
            act: AppealActKind::AppealRequirementAnswered,
            effective: d("2026-02-26"),
            previous: d("2026-02-27"),
        }
    );
    assert_eq!(appeal, before);
    // An answer that took effect within the term is recorded, whenever it is entered:
    // the appeal knows the dates of its acts, not today's date.
    apply_ok(
        &mut appeal,
        AppealAct::AppealRequirementAnswered,
        "2026-03-06T14:59",
    );
    assert_eq!(appeal.state, AppealState::Filed);
    assert_eq!(
        appeal.state_on(&c, d("2026-03-09")).unwrap(),
        AppealState::Filed
    );
}

// ---------------------------------------------------------------------------------------
// The requirement: once, interrupting, and its lapse (arts. 104.1–104.3)
// ---------------------------------------------------------------------------------------

#[test]
fn an_unanswered_requirement_dismisses_the_appeal_after_its_last_day() {
    let c = clock();
    let (appeal, _) = drive(Setup::Required);
    // Notified Fri 02-27; 5 days: Mon 03-02 … Fri 03-06.
    for (date, state) in [
        ("2026-02-27", AppealState::Required),
        ("2026-03-06", AppealState::Required),
        ("2026-03-07", AppealState::Dismissed),
        ("2026-03-09", AppealState::Dismissed),
        ("2027-12-31", AppealState::Dismissed),
    ] {
        assert_eq!(appeal.state_on(&c, d(date)).unwrap(), state, "on {date}");
    }
    assert_eq!(appeal.state, AppealState::Required);
    // While the requirement is pending the resolution term does not run; after the lapse
    // the reply term is missed, and no resolution term ever runs.
    let dl = appeal.deadlines(&c, d("2026-03-09")).unwrap();
    assert!(!dl.contains_key(&TermId::AppealResolution));
    let reply = &dl[&TermId::AppealRequirementReply];
    assert_eq!(
        (reply.from, reply.due, reply.status),
        (d("2026-02-27"), d("2026-03-06"), DeadlineStatus::Missed)
    );
    assert_eq!(dl[&TermId::AppealTurn].status, DeadlineStatus::Void);

    // Answered on the last day before closing: on time, and the 20 days restart from
    // zero: Mon 04-06 (03-16 skipped).
    let mut ok = appeal.clone();
    let rec = ok
        .apply(
            &c,
            AppealAct::AppealRequirementAnswered,
            m("2026-03-06T14:59"),
            &guarantor(),
        )
        .unwrap();
    assert!(!rec.late);
    assert_eq!(rec.term, Some(TermId::AppealRequirementReply));
    assert_eq!(ok.state, AppealState::Filed);
    assert_eq!(ok.resolution_due(&c).unwrap(), Some(d("2026-04-06")));
    let dl = ok.deadlines(&c, d("2026-03-09")).unwrap();
    assert_eq!(dl[&TermId::AppealResolution].due, d("2026-04-06"));
    assert_eq!(dl[&TermId::AppealResolution].from, d("2026-03-06"));
    // The admission now counts from the answer: Fri 03-13.
    assert_eq!(dl[&TermId::AppealAdmission].due, d("2026-03-13"));

    // At closing time it takes effect on Monday: too late.
    let mut lapsed = appeal.clone();
    assert_eq!(
        lapsed
            .apply(
                &c,
                AppealAct::AppealRequirementAnswered,
                m("2026-03-06T15:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::Lapsed {
            act: AppealActKind::AppealRequirementAnswered,
            due: d("2026-03-06"),
        }
    );
    assert_eq!(lapsed, appeal);
}

#[test]
fn the_lapse_counts_business_days_across_a_holiday() {
    let c = clock();
    // Filed Mon 03-09; required Tue 03-10: answer due 11, 12, 13, 17, 18 → Wed 03-18.
    let mut appeal = file_with(Venue::Guarantor, false, "2026-03-09T10:00");
    apply_ok(
        &mut appeal,
        AppealAct::AppealRequirementNotified,
        "2026-03-10T10:00",
    );
    assert!(!appeal.acts.last().unwrap().late, "due Tue 03-17");
    assert_eq!(
        appeal.state_on(&c, d("2026-03-18")).unwrap(),
        AppealState::Required
    );
    assert_eq!(
        appeal.state_on(&c, d("2026-03-19")).unwrap(),
        AppealState::Dismissed
    );
    // An answer on the holiday takes effect Tue 03-17, on time; the 20 days restart from
    // it: Tue 04-14.
    let mut ok = appeal.clone();
    apply_ok(
        &mut ok,
        AppealAct::AppealRequirementAnswered,
        "2026-03-16T10:00",
    );
    assert_eq!(ok.acts.last().unwrap().effective, d("2026-03-17"));
    assert_eq!(ok.resolution_due(&c).unwrap(), Some(d("2026-04-14")));
    // At 15:00 on the last day: Thu 03-19, lapsed.
    assert_eq!(
        appeal
            .apply(
                &c,
                AppealAct::AppealTurned,
                m("2026-03-18T15:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::Lapsed {
            act: AppealActKind::AppealTurned,
            due: d("2026-03-18"),
        }
    );
}

#[test]
fn a_second_requirement_is_refused_even_within_the_five_days() {
    let c = clock();
    let (mut appeal, _) = drive(Setup::FiledAfterAnswer);
    let before = appeal.clone();
    // Still Thu 03-05, the last of the 5 days of art. 104.1, but "por una sola ocasión".
    assert_eq!(
        appeal
            .apply(
                &c,
                AppealAct::AppealRequirementNotified,
                m("2026-03-05T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::SecondRequirement {
            on: d("2026-02-27")
        }
    );
    assert_eq!(appeal, before);
}

#[test]
fn a_requirement_after_its_five_days_is_recorded_late_and_interrupts_nothing() {
    let c = clock();
    let fresh = file();
    // Filed Thu 02-26: the requirement "no podrá exceder de cinco días" (art. 104.1): 27
    // Feb, 2, 3, 4, 5 March. On the last day before closing it is on time.
    let mut on_time = fresh.clone();
    let rec = on_time
        .apply(
            &c,
            AppealAct::AppealRequirementNotified,
            m("2026-03-05T14:59"),
            &guarantor(),
        )
        .unwrap()
        .clone();
    assert!(!rec.late);
    assert_eq!(rec.term, Some(TermId::AppealRequirement));
    assert_eq!(on_time.state, AppealState::Required);
    // At closing time on the last day it takes effect Fri 03-06, the next business day:
    // late, and so is any later day. Consistent with a late prevention (art. 52.1) and in
    // the titular's favour (art. 6.1): recorded and flagged, the appeal stays `Filed`, the
    // 20 days still run from the filing (Fri 03-27) and nothing can dismiss it for want of
    // an answer (art. 104.2).
    for (at, notified) in [
        ("2026-03-05T15:00", "2026-03-06"),
        ("2026-03-06T10:00", "2026-03-06"),
        ("2026-03-09T10:00", "2026-03-09"),
    ] {
        let mut late = fresh.clone();
        let rec = late
            .apply(
                &c,
                AppealAct::AppealRequirementNotified,
                m(at),
                &guarantor(),
            )
            .unwrap()
            .clone();
        assert!(rec.late, "requirement at {at}");
        assert_eq!(rec.effective, d(notified));
        assert_eq!(late.state, AppealState::Filed);
        assert!(late.requirement_late);
        assert_eq!(late.resolution_due(&c).unwrap(), Some(d("2026-03-27")));
        // Its 5 days to answer pass (from Mon 03-09: to Mon 03-16) without dismissal.
        assert_eq!(
            late.state_on(&c, d("2026-03-17")).unwrap(),
            AppealState::Filed
        );
        // The answer, when it comes, is recorded and restarts nothing.
        apply_ok(
            &mut late,
            AppealAct::AppealRequirementAnswered,
            "2026-03-10T10:00",
        );
        assert_eq!(late.state, AppealState::Filed);
        assert_eq!(late.resolution_due(&c).unwrap(), Some(d("2026-03-27")));
    }
    assert_eq!(fresh.resolution_due(&c).unwrap(), Some(d("2026-03-27")));
    // Counted from the filing, across the holiday: filed Mon 03-09, the 5 days are 10, 11,
    // 12, 13 and 17 March; Wed 03-18 is late.
    let later = file_with(Venue::Guarantor, false, "2026-03-09T10:00");
    let mut a = later.clone();
    apply_ok(
        &mut a,
        AppealAct::AppealRequirementNotified,
        "2026-03-17T10:00",
    );
    assert!(!a.acts.last().unwrap().late);
    let mut a = later.clone();
    apply_ok(
        &mut a,
        AppealAct::AppealRequirementNotified,
        "2026-03-18T10:00",
    );
    assert!(a.acts.last().unwrap().late);
    assert_eq!(a.state, AppealState::Filed);
}

#[test]
fn after_the_lapse_only_the_desechamiento_is_recorded() {
    let c = clock();
    let (lapsed, _) = drive(Setup::Lapsed);
    // Required Fri 02-27, unanswered by Fri 03-06. On Mon 03-09 the guarantor records the
    // acuerdo de desechamiento (art. 104.2): applied, with no term, never late.
    let mut a = lapsed.clone();
    let rec = a
        .apply(
            &c,
            AppealAct::AppealDismissed {
                cause: cause("VII"),
            },
            m("2026-03-09T10:00"),
            &guarantor(),
        )
        .unwrap()
        .clone();
    assert_eq!((rec.term, rec.late), (None, false));
    assert_eq!(rec.effective, d("2026-03-09"));
    assert_eq!(a.state, AppealState::Dismissed);
    assert_eq!(
        a.dismissal.map(|(s, why)| (s.effective, why)),
        Some((d("2026-03-09"), cause("VII")))
    );
    assert_eq!(
        a.state_on(&c, d("2026-03-09")).unwrap(),
        AppealState::Dismissed
    );
    assert_eq!(rebuild(&a).unwrap(), a);
    // Weeks later, the same.
    let mut much_later = lapsed.clone();
    let rec = much_later
        .apply(
            &c,
            AppealAct::AppealDismissed {
                cause: cause("III"),
            },
            m("2026-06-01T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert_eq!((rec.term, rec.late), (None, false));
    // Once recorded, the appeal is no longer waiting for an answer: a late answer is not
    // "lapsed" but simply has nowhere to go.
    assert_eq!(
        a.apply(
            &c,
            AppealAct::AppealRequirementAnswered,
            m("2026-03-10T10:00"),
            &guarantor()
        )
        .unwrap_err(),
        AppealError::InvalidTransition {
            state: AppealState::Dismissed,
            act: AppealActKind::AppealRequirementAnswered,
        }
    );
    // The boundary: on the last day to answer (Fri 03-06) the appeal is not lapsed yet:
    // the answer and the turn apply; the next business day (Mon 03-09) only the
    // desechamiento does.
    for act in [
        AppealAct::AppealRequirementAnswered,
        AppealAct::AppealTurned,
    ] {
        let kind = act.kind();
        let mut on_due = lapsed.clone();
        apply_ok(&mut on_due, act.clone(), "2026-03-06T10:00");
        let mut next = lapsed.clone();
        assert_eq!(
            next.apply(&c, act, m("2026-03-09T10:00"), &guarantor())
                .unwrap_err(),
            AppealError::Lapsed {
                act: kind,
                due: d("2026-03-06"),
            }
        );
        assert_eq!(next, lapsed);
    }
}

#[test]
fn a_desechamiento_while_the_requirement_is_pending_has_no_term() {
    let c = clock();
    // Required Fri 02-27; desechado Fri 03-06, the last day to answer and after the 5 days
    // the admission would have had from the filing (Thu 03-05): while the requirement is
    // pending the admission's term does not run, so the act has no term and is not late.
    let (required, _) = drive(Setup::Required);
    let mut a = required.clone();
    let rec = a
        .apply(
            &c,
            AppealAct::AppealDismissed {
                cause: cause("VII"),
            },
            m("2026-03-06T10:00"),
            &guarantor(),
        )
        .unwrap()
        .clone();
    assert_eq!((rec.term, rec.late), (None, false));
    assert_eq!(a.state, AppealState::Dismissed);
    let dl = a.deadlines(&c, d("2026-03-06")).unwrap();
    assert!(!dl.contains_key(&TermId::AppealAdmission));
    assert!(!dl.contains_key(&TermId::AppealResolution));
    // Without a requirement, the same desechamiento on the same day is against the
    // admission's 5 days (to Thu 03-05): late.
    let mut filed = file();
    let rec = filed
        .apply(
            &c,
            AppealAct::AppealDismissed {
                cause: cause("VII"),
            },
            m("2026-03-06T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert_eq!((rec.term, rec.late), (Some(TermId::AppealAdmission), true));
    // After the answer (Wed 03-04) the admission's 5 days run again, from the answer:
    // to Wed 03-11.
    let (answered, _) = drive(Setup::FiledAfterAnswer);
    for (at, late) in [("2026-03-11T10:00", false), ("2026-03-12T10:00", true)] {
        let mut a = answered.clone();
        let rec = a
            .apply(
                &c,
                AppealAct::AppealDismissed {
                    cause: cause("VII"),
                },
                m(at),
                &guarantor(),
            )
            .unwrap();
        assert_eq!(
            (rec.term, rec.late),
            (Some(TermId::AppealAdmission), late),
            "{at}"
        );
    }
}

#[test]
fn the_turn_is_met_by_the_turn_or_else_by_the_admission_or_desechamiento() {
    let c = clock();
    // The turn is due Tue 03-03 (27 Feb, 2, 3 March; art. 107.I). With no turn recorded,
    // the admission or desechamiento, which the ponente decrees once the appeal is turned
    // to it, meets it: on time through Tue 03-03 (even at 14:59), late from Wed 03-04.
    use DeadlineStatus::{Late, Met, Missed, Pending};
    let dismissed = AppealAct::AppealDismissed {
        cause: cause("III"),
    };
    for (act, at, status) in [
        (AppealAct::AppealAdmitted, "2026-03-02T10:00", Met),
        (AppealAct::AppealAdmitted, "2026-03-03T14:59", Met),
        (AppealAct::AppealAdmitted, "2026-03-03T15:00", Late),
        (dismissed.clone(), "2026-03-03T10:00", Met),
        (dismissed, "2026-03-04T10:00", Late),
    ] {
        let kind = act.kind();
        let mut a = file();
        apply_ok(&mut a, act, at);
        let eff = a.acts.last().unwrap().effective;
        let dl = a.deadlines(&c, d("2026-03-05")).unwrap();
        let turn = &dl[&TermId::AppealTurn];
        assert_eq!(
            (turn.due, turn.done, turn.status),
            (d("2026-03-03"), Some(eff), status),
            "{} at {at}",
            kind.as_str()
        );
    }
    // A turn recorded is what counts, not the admission after it (Wed 03-04, itself on
    // time: due Thu 03-05): turned Fri 02-27, met; turned Wed 03-04, late.
    for (turned, status) in [("2026-02-27T10:00", Met), ("2026-03-04T09:00", Late)] {
        let mut a = file();
        apply_ok(&mut a, AppealAct::AppealTurned, turned);
        apply_ok(&mut a, AppealAct::AppealAdmitted, "2026-03-04T10:00");
        let dl = a.deadlines(&c, d("2026-03-05")).unwrap();
        let turn = &dl[&TermId::AppealTurn];
        assert_eq!(
            (turn.done, turn.status),
            (Some(d(&turned[..10])), status),
            "turned {turned}"
        );
        assert_eq!(dl[&TermId::AppealAdmission].status, Met);
    }
    // Neither: pending through Tue 03-03, missed from Wed 03-04.
    let filed = file();
    for (as_of, status) in [("2026-03-03", Pending), ("2026-03-04", Missed)] {
        let dl = filed.deadlines(&c, d(as_of)).unwrap();
        let turn = &dl[&TermId::AppealTurn];
        assert_eq!((turn.done, turn.status), (None, status), "{as_of}");
    }
}

// ---------------------------------------------------------------------------------------
// The resolution term: silence, extension, suspension, the close (arts. 107.IX, 110)
// ---------------------------------------------------------------------------------------

#[test]
fn without_resolution_in_time_the_response_stands_confirmed() {
    let c = clock();
    // Never admitted, or admitted: the same 20 days from the filing (Fri 03-27).
    for setup in [Setup::Filed, Setup::Admitted] {
        let (appeal, _) = drive(setup);
        let recorded = appeal.state;
        for (date, state) in [
            ("2026-03-27", recorded),
            ("2026-03-28", AppealState::ConfirmedBySilence),
            ("2026-03-30", AppealState::ConfirmedBySilence),
            ("2027-06-30", AppealState::ConfirmedBySilence),
        ] {
            assert_eq!(
                appeal.state_on(&c, d(date)).unwrap(),
                state,
                "{setup:?} on {date}"
            );
        }
        // state_on derives; the record does not change.
        assert_eq!(appeal.state, recorded);
        let dl = appeal.deadlines(&c, d("2026-03-30")).unwrap();
        assert_eq!(
            (
                dl[&TermId::AppealResolution].due,
                dl[&TermId::AppealResolution].status
            ),
            (d("2026-03-27"), DeadlineStatus::Missed)
        );
    }

    // On the last day before closing a resolution is on time; at closing time it takes
    // effect Mon 03-30 and is late, but still recorded (apply lets late resolutions
    // through; only the lapse of a requirement refuses).
    let (admitted, _) = drive(Setup::Admitted);
    let mut on_time = admitted.clone();
    let rec = on_time
        .apply(
            &c,
            resolved(AppealOutcome::Confirmed, None),
            m("2026-03-27T14:59"),
            &guarantor(),
        )
        .unwrap();
    assert!(!rec.late);
    let mut late = admitted.clone();
    let rec = late
        .apply(
            &c,
            resolved(AppealOutcome::Modified, Some(10)),
            m("2026-03-27T15:00"),
            &guarantor(),
        )
        .unwrap()
        .clone();
    assert!(rec.late);
    assert_eq!(rec.effective, d("2026-03-30"));
    assert_eq!(rec.term, Some(TermId::AppealResolution));
    assert_eq!(late.state, AppealState::Resolved);
    assert_eq!(
        late.state_on(&c, d("2026-03-30")).unwrap(),
        AppealState::Resolved
    );
    let dl = late.deadlines(&c, d("2026-03-30")).unwrap();
    assert_eq!(
        dl[&TermId::AppealResolution].status,
        DeadlineStatus::Late,
        "{:?}",
        dl[&TermId::AppealResolution]
    );
    // And the late resolution goes on to compliance like any other (publication due Thu
    // 04-02, 3 days after Mon 03-30).
    apply_ok(
        &mut late,
        AppealAct::AppealResolutionNotified,
        "2026-04-02T10:00",
    );
    assert!(!late.acts.last().unwrap().late);
    assert_eq!(late.state, AppealState::Compliance);
}

#[test]
fn the_extension_is_notified_in_time_once_and_adds_ten_days_after_the_due_date() {
    let c = clock();
    let (admitted, _) = drive(Setup::Admitted);
    // Out of time: after the due date (Fri 03-27), or at its closing time.
    for (at, notified) in [
        ("2026-03-27T15:00", "2026-03-30"),
        ("2026-03-30T10:00", "2026-03-30"),
        ("2026-04-09T10:00", "2026-04-09"),
    ] {
        let mut a = admitted.clone();
        assert_eq!(
            a.apply(
                &c,
                AppealAct::AppealExtensionNotified { days: None },
                m(at),
                &guarantor()
            )
            .unwrap_err(),
            AppealError::ExtensionOutOfTime {
                due: d("2026-03-27"),
                notified: d(notified),
            },
            "extension at {at}"
        );
        assert_eq!(a, admitted);
    }
    // In time on the last day: due Fri 04-10 (03-30 … 04-10, ten business days).
    let mut ext = admitted.clone();
    let rec = ext
        .apply(
            &c,
            AppealAct::AppealExtensionNotified { days: None },
            m("2026-03-27T14:59"),
            &guarantor(),
        )
        .unwrap();
    assert!(!rec.late);
    assert_eq!(ext.resolution_due(&c).unwrap(), Some(d("2026-04-10")));
    assert_eq!(
        ext.state_on(&c, d("2026-04-10")).unwrap(),
        AppealState::Admitted
    );
    assert_eq!(
        ext.state_on(&c, d("2026-04-11")).unwrap(),
        AppealState::ConfirmedBySilence
    );
    let dl = ext.deadlines(&c, d("2026-04-01")).unwrap();
    let r = &dl[&TermId::AppealResolution];
    assert_eq!(
        (r.from, r.days, r.due),
        (d("2026-02-26"), 30, d("2026-04-10"))
    );
    // Resolved on Fri 04-10: on time; on Mon 04-13: late.
    let mut on_time = ext.clone();
    let rec = on_time
        .apply(
            &c,
            resolved(AppealOutcome::Confirmed, None),
            m("2026-04-10T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert!(!rec.late);
    let rec = ext
        .apply(
            &c,
            resolved(AppealOutcome::Confirmed, None),
            m("2026-04-13T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert!(rec.late);
    // Once only, in any state.
    let (mut twice, _) = drive(Setup::AdmittedExtended);
    let before = twice.clone();
    assert_eq!(
        twice
            .apply(
                &c,
                AppealAct::AppealExtensionNotified { days: None },
                m("2026-03-04T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::SecondExtension {
            on: d("2026-03-03")
        }
    );
    assert_eq!(twice, before);
}

#[test]
fn a_conciliation_agreement_suspends_the_term_and_a_failure_resumes_it() {
    let c = clock();
    let (agreement, _) = drive(Setup::ConciliationAgreement);
    // Suspended from Fri 03-06 with 14 days left (9–13, 17–20, 23–27 March): no due date,
    // and no silence however long it takes.
    assert_eq!(agreement.resolution_due(&c).unwrap(), None);
    assert_eq!(
        agreement.state_on(&c, d("2027-01-04")).unwrap(),
        AppealState::ConciliationAgreement
    );
    assert!(
        !agreement
            .deadlines(&c, d("2026-03-30"))
            .unwrap()
            .contains_key(&TermId::AppealResolution)
    );
    // Failed Mon 03-23: the 14 days resume: Fri 04-10.
    let mut failed = agreement.clone();
    apply_ok(
        &mut failed,
        AppealAct::ConciliationFailed,
        "2026-03-23T10:00",
    );
    assert_eq!(failed.state, AppealState::Admitted);
    assert_eq!(failed.resolution_due(&c).unwrap(), Some(d("2026-04-10")));
    assert_eq!(
        failed.state_on(&c, d("2026-04-10")).unwrap(),
        AppealState::Admitted
    );
    assert_eq!(
        failed.state_on(&c, d("2026-04-13")).unwrap(),
        AppealState::ConfirmedBySilence
    );
    // The extension is still available after the failure, until Fri 04-10: → Fri 04-24.
    let mut late_ext = failed.clone();
    assert_eq!(
        late_ext
            .apply(
                &c,
                AppealAct::AppealExtensionNotified { days: None },
                m("2026-04-13T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::ExtensionOutOfTime {
            due: d("2026-04-10"),
            notified: d("2026-04-13"),
        }
    );
    apply_ok(
        &mut failed,
        AppealAct::AppealExtensionNotified { days: None },
        "2026-04-10T10:00",
    );
    assert_eq!(failed.resolution_due(&c).unwrap(), Some(d("2026-04-24")));

    // An extension notified before the agreement is part of the days left: 14 + 10.
    let mut a = file();
    for (act, at) in accepted() {
        apply_ok(&mut a, act, at);
    }
    apply_ok(
        &mut a,
        AppealAct::AppealExtensionNotified { days: None },
        "2026-03-05T09:00",
    );
    apply_ok(
        &mut a,
        AppealAct::ConciliationHearingHeld { absent: false },
        "2026-03-05T10:00",
    );
    apply_ok(&mut a, AppealAct::ConciliationAgreement, "2026-03-06T10:00");
    assert_eq!(a.resolution_due(&c).unwrap(), None);
    apply_ok(&mut a, AppealAct::ConciliationFailed, "2026-03-23T10:00");
    assert_eq!(a.resolution_due(&c).unwrap(), Some(d("2026-04-24")));

    // Fulfilled: without matter, no resolution term at all.
    let (done, _) = drive(Setup::WithoutMatter);
    assert_eq!(done.resolution_due(&c).unwrap(), None);
    assert_eq!(
        done.state_on(&c, d("2027-01-04")).unwrap(),
        AppealState::WithoutMatter
    );
}

#[test]
fn the_instruction_closes_only_after_the_parties_terms() {
    let c = clock();
    let close = AppealAct::InstructionClosed;
    let premature = |due: &str| AppealError::Premature {
        act: AppealActKind::InstructionClosed,
        due: d(due),
    };
    // Admitted Mon 03-02: the allegations run 7 days, 3, 4, 5, 6, 9, 10, 11 March (art.
    // 107.II). On their last day, even at 14:59, the close is premature; at 15:00 it takes
    // effect Thu 03-12, the next business day, and applies (art. 107.VII), with no term.
    let (admitted, _) = drive(Setup::Admitted);
    for at in ["2026-03-03T10:00", "2026-03-11T14:59"] {
        let mut a = admitted.clone();
        assert_eq!(
            a.apply(&c, close.clone(), m(at), &guarantor()).unwrap_err(),
            premature("2026-03-11"),
            "close at {at}"
        );
        assert_eq!(a, admitted);
    }
    let mut a = admitted.clone();
    let rec = a
        .apply(&c, close.clone(), m("2026-03-11T15:00"), &guarantor())
        .unwrap()
        .clone();
    assert_eq!(rec.effective, d("2026-03-12"));
    assert_eq!((rec.term, rec.late), (None, false));
    assert_eq!(a.state, AppealState::InstructionClosed);

    // An evidence hearing on Tue 03-10: the final statements run 3 days, 11, 12, 13 March
    // (art. 107.VI), past the allegations: the close waits for Fri 03-13. On the holiday
    // (Mon 03-16) it takes effect Tue 03-17 and applies.
    let mut heard = admitted.clone();
    apply_ok(
        &mut heard,
        AppealAct::EvidenceHearingHeld,
        "2026-03-10T10:00",
    );
    let dl = heard.deadlines(&c, d("2026-03-12")).unwrap();
    assert_eq!(dl[&TermId::Allegations].due, d("2026-03-11"));
    assert_eq!(dl[&TermId::FinalStatements].due, d("2026-03-13"));
    for at in ["2026-03-12T10:00", "2026-03-13T14:59"] {
        let mut a = heard.clone();
        assert_eq!(
            a.apply(&c, close.clone(), m(at), &guarantor()).unwrap_err(),
            premature("2026-03-13"),
            "close at {at}"
        );
        assert_eq!(a, heard);
    }
    let mut a = heard.clone();
    let rec = a
        .apply(&c, close.clone(), m("2026-03-16T10:00"), &guarantor())
        .unwrap();
    assert_eq!(rec.effective, d("2026-03-17"));
    assert_eq!(a.state, AppealState::InstructionClosed);

    // An early evidence hearing (Tue 03-03: final statements to Fri 03-06) does not shorten
    // the allegations: the close still waits for Wed 03-11.
    let mut early = admitted.clone();
    apply_ok(
        &mut early,
        AppealAct::EvidenceHearingHeld,
        "2026-03-03T10:00",
    );
    let mut a = early.clone();
    assert_eq!(
        a.apply(&c, close.clone(), m("2026-03-11T10:00"), &guarantor())
            .unwrap_err(),
        premature("2026-03-11")
    );
    apply_ok(&mut a, close, "2026-03-12T10:00");
}

#[test]
fn after_the_close_the_resolution_is_due_within_ten_days_when_that_comes_first() {
    let c = clock();
    let sobreseido = || resolved(AppealOutcome::Sobreseido, None);
    let mut appeal = file();
    // Admitted Fri 02-27: the allegations run to Tue 03-10 (2–6, 9, 10 March).
    apply_ok(&mut appeal, AppealAct::AppealAdmitted, "2026-02-27T10:00");
    // Closed Wed 03-11: 10 days → Thu 03-26 (12, 13, 17–20, 23–26 March), before the 20
    // days (Fri 03-27).
    apply_ok(
        &mut appeal,
        AppealAct::InstructionClosed,
        "2026-03-11T10:00",
    );
    let dl = appeal.deadlines(&c, d("2026-03-12")).unwrap();
    assert_eq!(dl[&TermId::ResolutionAfterClose].due, d("2026-03-26"));
    assert_eq!(dl[&TermId::AppealResolution].due, d("2026-03-27"));
    // Resolved Thu 03-26: on time, recorded against the 10 days (art. 107.IX).
    let mut on_time = appeal.clone();
    let rec = on_time
        .apply(&c, sobreseido(), m("2026-03-26T14:59"), &guarantor())
        .unwrap();
    assert_eq!(
        (rec.term, rec.late),
        (Some(TermId::ResolutionAfterClose), false)
    );
    // On Fri 03-27 it is late against the 10 days, though the 20 days are met and the
    // response is not confirmed by silence (art. 110.10 looks at the 20 days only).
    assert_eq!(
        appeal.state_on(&c, d("2026-03-27")).unwrap(),
        AppealState::InstructionClosed
    );
    let mut late = appeal.clone();
    let rec = late
        .apply(&c, sobreseido(), m("2026-03-27T10:00"), &guarantor())
        .unwrap();
    assert_eq!(
        (rec.term, rec.late),
        (Some(TermId::ResolutionAfterClose), true)
    );
    let dl = late.deadlines(&c, d("2026-03-27")).unwrap();
    assert_eq!(
        dl[&TermId::ResolutionAfterClose].status,
        DeadlineStatus::Late
    );
    assert_eq!(dl[&TermId::AppealResolution].status, DeadlineStatus::Met);
    // Extended on Thu 03-12 (the 20 days + 10: Fri 04-10): the 10 days after the close
    // still come first; resolved Mon 03-30, it is late against them, not silent.
    let mut extended = appeal.clone();
    apply_ok(
        &mut extended,
        AppealAct::AppealExtensionNotified { days: None },
        "2026-03-12T10:00",
    );
    assert_eq!(extended.resolution_due(&c).unwrap(), Some(d("2026-04-10")));
    let rec = extended
        .apply(&c, sobreseido(), m("2026-03-30T10:00"), &guarantor())
        .unwrap();
    assert_eq!(
        (rec.term, rec.late),
        (Some(TermId::ResolutionAfterClose), true)
    );
    assert_eq!(
        extended.state_on(&c, d("2026-03-30")).unwrap(),
        AppealState::Resolved
    );

    // When the 10 days do not come first, the resolution is recorded against the 20 days.
    // Closed Thu 03-12 (the `InstructionClosed` row): 10 days → Fri 03-27 (13, 17–20,
    // 23–27 March), the same day as the 20 days.
    let (closed, _) = drive(Setup::InstructionClosed);
    let dl = closed.deadlines(&c, d("2026-03-13")).unwrap();
    assert_eq!(dl[&TermId::ResolutionAfterClose].due, d("2026-03-27"));
    assert_eq!(dl[&TermId::AppealResolution].due, d("2026-03-27"));
    for (at, is_late) in [("2026-03-27T14:59", false), ("2026-03-30T10:00", true)] {
        let mut a = closed.clone();
        let rec = a.apply(&c, sobreseido(), m(at), &guarantor()).unwrap();
        assert_eq!(
            (rec.term, rec.late),
            (Some(TermId::AppealResolution), is_late),
            "resolved at {at}"
        );
    }
    // Closed Fri 03-20: 10 days → Fri 04-03 (23–27, 30, 31 March, 1–3 April), after the
    // 20 days (Fri 03-27), which bind.
    let mut late_close = file();
    apply_ok(
        &mut late_close,
        AppealAct::AppealAdmitted,
        "2026-03-02T10:00",
    );
    apply_ok(
        &mut late_close,
        AppealAct::InstructionClosed,
        "2026-03-20T10:00",
    );
    let dl = late_close.deadlines(&c, d("2026-03-20")).unwrap();
    assert_eq!(dl[&TermId::ResolutionAfterClose].due, d("2026-04-03"));
    let rec = late_close
        .apply(&c, sobreseido(), m("2026-03-27T10:00"), &guarantor())
        .unwrap();
    assert_eq!(
        (rec.term, rec.late),
        (Some(TermId::AppealResolution), false)
    );
}

// ---------------------------------------------------------------------------------------
// Conciliation: the second hearing (art. 106.III)
// ---------------------------------------------------------------------------------------

#[test]
fn an_absent_party_gets_a_second_hearing_counted_across_the_holiday() {
    let c = clock();
    let (appeal, _) = drive(Setup::AcceptedAfterAbsence);
    // First hearing Thu 03-05, absent; justification 3 days → Tue 03-10; second hearing 5
    // days after that → Wed 03-18 (Mon 03-16 is a holiday).
    let dl = appeal.deadlines(&c, d("2026-03-06")).unwrap();
    assert_eq!(dl[&TermId::ConciliationHearing].due, d("2026-03-13"));
    assert_eq!(dl[&TermId::ConciliationHearing].status, DeadlineStatus::Met);
    assert_eq!(dl[&TermId::AbsenceJustification].due, d("2026-03-10"));
    assert_eq!(dl[&TermId::SecondHearing].due, d("2026-03-18"));
    let mut on_time = appeal.clone();
    let rec = on_time
        .apply(
            &c,
            AppealAct::ConciliationHearingHeld { absent: false },
            m("2026-03-18T14:00"),
            &guarantor(),
        )
        .unwrap()
        .clone();
    assert!(!rec.late);
    assert_eq!(rec.term, Some(TermId::SecondHearing));
    assert_eq!(on_time.state, AppealState::ConciliationHeld);
    let mut late = appeal.clone();
    let rec = late
        .apply(
            &c,
            AppealAct::ConciliationHearingHeld { absent: true },
            m("2026-03-19T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert!(rec.late);
    // Absent again: the appeal goes on, without a third hearing.
    assert_eq!(late.state, AppealState::Admitted);
    assert_eq!(late.hearings.len(), 2);
    assert_eq!(
        late.apply(
            &c,
            AppealAct::ConciliationHearingHeld { absent: false },
            m("2026-03-20T10:00"),
            &guarantor()
        )
        .unwrap_err(),
        AppealError::InvalidTransition {
            state: AppealState::Admitted,
            act: AppealActKind::ConciliationHearingHeld,
        }
    );
}

// ---------------------------------------------------------------------------------------
// Bad values
// ---------------------------------------------------------------------------------------

#[test]
fn compliance_days_are_required_exactly_when_the_resolution_orders_action() {
    let c = clock();
    let (admitted, _) = drive(Setup::Admitted);
    // Art. 110.4: the outcomes that make the responsable act (III revoke or modify, IV
    // deliver), written out here rather than asked of the code.
    let orders = [
        (AppealOutcome::Dismissed, false),
        (AppealOutcome::Sobreseido, false),
        (AppealOutcome::Confirmed, false),
        (AppealOutcome::Modified, true),
        (AppealOutcome::Revoked, true),
        (AppealOutcome::DeliveryOrdered, true),
    ];
    for (outcome, acts) in orders {
        for days in [
            None,
            Some(0),
            Some(1),
            Some(5),
            Some(10),
            Some(11),
            Some(365),
        ] {
            let ok = match (acts, days) {
                (true, Some(n)) => (1..=10).contains(&n),
                (true, None) => false,
                (false, days) => days.is_none(),
            };
            let mut a = admitted.clone();
            let got = a.apply(
                &c,
                resolved(outcome, days),
                m("2026-03-03T10:00"),
                &guarantor(),
            );
            if ok {
                assert!(got.is_ok(), "{outcome:?} {days:?}: {got:?}");
                assert_eq!(a.state, AppealState::Resolved);
                assert_eq!(a.resolution.unwrap().2, days.unwrap_or(0));
                // Notified: compliance exactly when it orders action.
                apply_ok(
                    &mut a,
                    AppealAct::AppealResolutionNotified,
                    "2026-03-04T10:00",
                );
                let next = if acts {
                    AppealState::Compliance
                } else {
                    AppealState::Concluded
                };
                assert_eq!(a.state, next, "{outcome:?}");
                let dl = a.deadlines(&c, d("2026-03-04")).unwrap();
                assert_eq!(dl.contains_key(&TermId::Compliance), acts, "{outcome:?}");
                if let (true, Some(n)) = (acts, days) {
                    let comp = &dl[&TermId::Compliance];
                    assert_eq!((comp.from, comp.days), (d("2026-03-04"), n));
                }
            } else {
                match got {
                    Err(AppealError::BadValue(msg)) => {
                        assert!(msg.contains("compliance_days"), "{msg}")
                    }
                    other => panic!("{outcome:?} {days:?}: expected BadValue, got {other:?}"),
                }
                assert_eq!(a, admitted, "{outcome:?} {days:?} changed the appeal");
            }
        }
    }
}

#[test]
fn the_escalation_values_are_bounded() {
    let c = clock();
    // Public warning: 1 to 10 more days (art. 112.2).
    let (non_compliant, _) = drive(Setup::NonCompliant);
    for days in [0, 1, 10, 11, 100] {
        let mut a = non_compliant.clone();
        let got = a.apply(
            &c,
            AppealAct::PublicWarning { days },
            m("2026-03-31T10:00"),
            &guarantor(),
        );
        if (1..=10).contains(&days) {
            assert!(got.is_ok(), "{days}: {got:?}");
            assert_eq!(a.warning.unwrap().1, days);
        } else {
            assert!(
                matches!(&got, Err(AppealError::BadValue(msg)) if msg.contains("112.2")),
                "{days}: {got:?}"
            );
            assert_eq!(a, non_compliant);
        }
    }
    // Fine: 1 to 5 more days, 150 to 1,500 UMA (art. 112.3).
    assert_eq!(FINE_UMA, (150, 1500));
    let (warned, _) = drive(Setup::WarnedTermOver);
    for (days, uma, ok) in [
        (1, 150, true),
        (5, 1500, true),
        (3, 800, true),
        (0, 500, false),
        (6, 500, false),
        (2, 149, false),
        (2, 1501, false),
        (2, 0, false),
        (0, 0, false),
    ] {
        let mut a = warned.clone();
        let got = a.apply(
            &c,
            AppealAct::FineImposed {
                days,
                uma,
                reincidence: false,
            },
            m("2026-04-06T10:00"),
            &guarantor(),
        );
        if ok {
            assert!(got.is_ok(), "{days} {uma}: {got:?}");
            assert_eq!(a.fine.unwrap(), (a.fine.unwrap().0, days, uma));
        } else {
            let what = if (1..=5).contains(&days) {
                "uma"
            } else {
                "days"
            };
            assert!(
                matches!(&got, Err(AppealError::BadValue(msg)) if msg.contains(what) && msg.contains("112.3")),
                "{days} {uma}: {got:?}"
            );
            assert_eq!(a, warned);
        }
    }
    // The values are checked before the waiting time: a bad fine is a bad value even
    // when it is also premature.
    let (mut early, _) = drive(Setup::Warned);
    assert!(matches!(
        early
            .apply(
                &c,
                AppealAct::FineImposed {
                    days: 2,
                    uma: 10,
                    reincidence: false
                },
                m("2026-04-01T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::BadValue(_)
    ));
    // The compliance extension: any number of days up to a year; 0 is a refusal.
    let (requested, _) = drive(Setup::ComplianceRequested);
    for (granted, due) in [
        (0, Some("2026-03-19")),
        (5, Some("2026-03-26")),
        (365, None),
        (366, None),
    ] {
        let mut a = requested.clone();
        let got = a.apply(
            &c,
            AppealAct::ComplianceExtensionRuled {
                granted_days: granted,
            },
            m("2026-03-13T10:00"),
            &guarantor(),
        );
        if granted <= 365 {
            assert!(got.is_ok(), "{granted}: {got:?}");
            if let Some(due) = due {
                let dl = a.deadlines(&c, d("2026-03-13")).unwrap();
                assert_eq!(dl[&TermId::Compliance].due, d(due), "{granted}");
            }
        } else {
            assert!(
                matches!(&got, Err(AppealError::BadValue(msg)) if msg.contains("granted_days")),
                "{granted}: {got:?}"
            );
            assert_eq!(a, requested);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Compliance (arts. 112, 136–138)
// ---------------------------------------------------------------------------------------

#[test]
fn the_compliance_extension_is_asked_within_the_first_three_days() {
    let c = clock();
    let (fresh, _) = drive(Setup::Compliance);
    // Notified Wed 03-11: the first 3 days are 12, 13 and 17 March (16 is a holiday).
    let mut on_time = fresh.clone();
    let rec = on_time
        .apply(
            &c,
            AppealAct::ComplianceExtensionRequested,
            m("2026-03-17T14:59"),
            &staff(),
        )
        .unwrap();
    assert!(!rec.late);
    assert_eq!(rec.term, Some(TermId::ComplianceExtensionRequest));
    // Requested on the holiday: takes effect Tue 03-17, in time.
    let mut holiday = fresh.clone();
    apply_ok(
        &mut holiday,
        AppealAct::ComplianceExtensionRequested,
        "2026-03-16T10:00",
    );
    // At closing time on the 3rd day: Wed 03-18, refused.
    let mut late = fresh.clone();
    assert_eq!(
        late.apply(
            &c,
            AppealAct::ComplianceExtensionRequested,
            m("2026-03-17T15:00"),
            &staff()
        )
        .unwrap_err(),
        AppealError::ComplianceExtensionOutOfTime {
            due: d("2026-03-17"),
            requested: d("2026-03-18"),
        }
    );
    assert_eq!(late, fresh);

    // Granted 5 days on Tue 03-17 (the ruling is due 5 days after the request: Tue 03-24):
    // compliance due Thu 03-19 + 5 = Thu 03-26; the report 3 days later, Tue 03-31.
    apply_ok(
        &mut on_time,
        AppealAct::ComplianceExtensionRuled { granted_days: 5 },
        "2026-03-17T14:59",
    );
    assert!(!on_time.acts.last().unwrap().late);
    let dl = on_time.deadlines(&c, d("2026-03-18")).unwrap();
    let comp = &dl[&TermId::Compliance];
    assert_eq!(
        (comp.from, comp.days, comp.due),
        (d("2026-03-11"), 10, d("2026-03-26"))
    );
    assert_eq!(dl[&TermId::ComplianceExtensionRuling].due, d("2026-03-24"));
    assert_eq!(dl[&TermId::ComplianceReport].due, d("2026-03-31"));
    let mut report_on_time = on_time.clone();
    let rec = report_on_time
        .apply(
            &c,
            AppealAct::ComplianceReported { complied_on: None },
            m("2026-03-31T10:00"),
            &staff(),
        )
        .unwrap();
    assert!(!rec.late);
    let rec = on_time
        .apply(
            &c,
            AppealAct::ComplianceReported { complied_on: None },
            m("2026-04-01T10:00"),
            &staff(),
        )
        .unwrap();
    assert!(rec.late);
    assert_eq!(rec.term, Some(TermId::ComplianceReport));
}

#[test]
fn with_fewer_than_three_days_to_comply_the_extension_is_asked_within_them() {
    let c = clock();
    // Notified Wed 03-11; the request is due within the first min(3, compliance days) days
    // of the compliance term (art. 136.3): 1 day → Thu 03-12; 2 → Fri 03-13; 3 or more →
    // Tue 03-17 (12, 13, 17 March). On the due date it is on time; the next business day
    // it is refused (after 2 days: at 15:00 on Fri 03-13 it takes effect Tue 03-17).
    for (days, due, refused_at, refused_on) in [
        (1, "2026-03-12", "2026-03-13T10:00", "2026-03-13"),
        (2, "2026-03-13", "2026-03-13T15:00", "2026-03-17"),
        (3, "2026-03-17", "2026-03-18T10:00", "2026-03-18"),
        (10, "2026-03-17", "2026-03-17T15:00", "2026-03-18"),
    ] {
        let mut a = file();
        apply_ok(&mut a, AppealAct::AppealAdmitted, "2026-03-02T10:00");
        apply_ok(
            &mut a,
            resolved(AppealOutcome::Revoked, Some(days)),
            "2026-03-10T10:00",
        );
        apply_ok(
            &mut a,
            AppealAct::AppealResolutionNotified,
            "2026-03-11T10:00",
        );
        let dl = a.deadlines(&c, d("2026-03-11")).unwrap();
        let req = &dl[&TermId::ComplianceExtensionRequest];
        assert_eq!(
            (req.from, req.days, req.due),
            (d("2026-03-11"), days.min(3), d(due)),
            "{days} days"
        );
        let mut on_time = a.clone();
        let on_due = format!("{due}T14:59");
        let rec = on_time
            .apply(
                &c,
                AppealAct::ComplianceExtensionRequested,
                m(&on_due),
                &staff(),
            )
            .unwrap();
        assert_eq!(
            (rec.term, rec.late, rec.effective),
            (Some(TermId::ComplianceExtensionRequest), false, d(due)),
            "{days} days"
        );
        let mut late = a.clone();
        assert_eq!(
            late.apply(
                &c,
                AppealAct::ComplianceExtensionRequested,
                m(refused_at),
                &staff()
            )
            .unwrap_err(),
            AppealError::ComplianceExtensionOutOfTime {
                due: d(due),
                requested: d(refused_on),
            },
            "{days} days"
        );
        assert_eq!(late, a);
    }
}

#[test]
fn compliance_terms_from_the_report_to_the_ruling() {
    let c = clock();
    // Without an extension the report is due Tue 03-24.
    let (fresh, _) = drive(Setup::Compliance);
    let dl = fresh.deadlines(&c, d("2026-03-12")).unwrap();
    assert_eq!(dl[&TermId::Compliance].due, d("2026-03-19"));
    assert_eq!(dl[&TermId::ComplianceExtensionRequest].due, d("2026-03-17"));
    assert_eq!(dl[&TermId::ComplianceReport].due, d("2026-03-24"));
    assert_eq!(dl[&TermId::Publication].status, DeadlineStatus::Met);

    let (vista, _) = drive(Setup::ComplianceVista);
    let dl = vista.deadlines(&c, d("2026-03-23")).unwrap();
    assert_eq!(dl[&TermId::ComplianceVista].due, d("2026-03-20"));
    assert_eq!(dl[&TermId::ComplianceVista].status, DeadlineStatus::Met);
    // The titular's 5 days: 23–27 March; without a statement, the ruling counts from
    // their end: Fri 04-03.
    assert_eq!(dl[&TermId::ComplianceHearingTitular].due, d("2026-03-27"));
    assert_eq!(dl[&TermId::ComplianceRuling].due, d("2026-04-03"));
    // A late vista (report Thu 03-19, vista Mon 03-23) is recorded late.
    let (reported, _) = drive(Setup::ComplianceReported);
    let mut late_vista = reported.clone();
    let rec = late_vista
        .apply(
            &c,
            AppealAct::ComplianceVistaGiven,
            m("2026-03-23T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert!(rec.late);

    // With the statement on Mon 03-23, the ruling is due 5 days after it: Mon 03-30.
    let (statement, _) = drive(Setup::ComplianceStatement);
    let dl = statement.deadlines(&c, d("2026-03-24")).unwrap();
    assert_eq!(dl[&TermId::ComplianceRuling].due, d("2026-03-30"));
    let mut late_ruling = statement.clone();
    let rec = late_ruling
        .apply(
            &c,
            AppealAct::ComplianceRuled { complied: false },
            m("2026-03-31T10:00"),
            &guarantor(),
        )
        .unwrap();
    assert!(rec.late);
    assert_eq!(rec.term, Some(TermId::ComplianceRuling));
    assert_eq!(late_ruling.state, AppealState::NonCompliant);
    // Non-compliance on Tue 03-31: the superior has 5 days, to Tue 04-07.
    let dl = late_ruling.deadlines(&c, d("2026-04-01")).unwrap();
    assert_eq!(dl[&TermId::SuperiorCompliance].due, d("2026-04-07"));
    assert_eq!(
        dl[&TermId::SuperiorCompliance].status,
        DeadlineStatus::Pending
    );
}

#[test]
fn the_ruling_on_compliance_waits_for_the_report_or_the_titular() {
    let c = clock();
    let rule = |complied| AppealAct::ComplianceRuled { complied };
    let premature = |due: &str| AppealError::Premature {
        act: AppealActKind::ComplianceRuled,
        due: d(due),
    };
    // No report: the guarantor verifies de oficio (art. 137.2) once the report's term has
    // run out: Tue 03-24, 3 days after compliance ended Thu 03-19 (20, 23, 24 March).
    // Premature up to it, even at 14:59; at 15:00 it takes effect Wed 03-25 and applies,
    // with no term of its own.
    let (fresh, _) = drive(Setup::Compliance);
    for at in ["2026-03-19T10:00", "2026-03-24T14:59"] {
        for complied in [true, false] {
            let mut a = fresh.clone();
            assert_eq!(
                a.apply(&c, rule(complied), m(at), &guarantor())
                    .unwrap_err(),
                premature("2026-03-24"),
                "ruling ({complied}) at {at}"
            );
            assert_eq!(a, fresh);
        }
    }
    for (complied, state) in [
        (true, AppealState::Complied),
        (false, AppealState::NonCompliant),
    ] {
        let mut a = fresh.clone();
        let rec = a
            .apply(&c, rule(complied), m("2026-03-24T15:00"), &guarantor())
            .unwrap()
            .clone();
        assert_eq!(
            (rec.effective, rec.term, rec.late),
            (d("2026-03-25"), None, false)
        );
        assert_eq!(a.state, state);
        assert_eq!(rebuild(&a).unwrap(), a);
        let dl = a.deadlines(&c, d("2026-03-25")).unwrap();
        assert_eq!(dl[&TermId::ComplianceReport].status, DeadlineStatus::Missed);
        assert!(!dl.contains_key(&TermId::ComplianceRuling));
        if !complied {
            // The superior has 5 days from Wed 03-25: 26, 27, 30, 31 March, 1 April.
            assert_eq!(dl[&TermId::SuperiorCompliance].due, d("2026-04-01"));
        }
    }
    // With 5 more days granted (compliance to Thu 03-26), the report's term ends Tue
    // 03-31 (27, 30, 31 March): the ruling waits for it.
    let (extended, _) = drive(Setup::ComplianceExtended);
    let mut a = extended.clone();
    assert_eq!(
        a.apply(&c, rule(false), m("2026-03-31T10:00"), &guarantor())
            .unwrap_err(),
        premature("2026-03-31")
    );
    assert_eq!(a, extended);
    apply_ok(&mut a, rule(false), "2026-04-01T10:00");
    assert_eq!(a.acts.last().unwrap().term, None);

    // A report but no vista yet: no ruling at all, however late (the vista was due Fri
    // 03-20).
    let (reported, _) = drive(Setup::ComplianceReported);
    for at in ["2026-03-20T10:00", "2026-04-30T10:00"] {
        let mut a = reported.clone();
        assert_eq!(
            a.apply(&c, rule(true), m(at), &guarantor()).unwrap_err(),
            AppealError::InvalidTransition {
                state: AppealState::Compliance,
                act: AppealActKind::ComplianceRuled,
            },
            "ruling at {at}"
        );
        assert_eq!(a, reported);
    }

    // A vista (Fri 03-20) and no statement: the titular's 5 days first (23–27 March, art.
    // 137.2); premature up to their end, even at 14:59; then the ruling is due 5 days after
    // it (30, 31 March, 1, 2, 3 April: Fri 04-03, art. 138.1).
    let (vista, _) = drive(Setup::ComplianceVista);
    for at in ["2026-03-23T10:00", "2026-03-27T14:59"] {
        let mut a = vista.clone();
        assert_eq!(
            a.apply(&c, rule(true), m(at), &guarantor()).unwrap_err(),
            premature("2026-03-27"),
            "ruling at {at}"
        );
        assert_eq!(a, vista);
    }
    for (at, effective, late) in [
        ("2026-03-27T15:00", "2026-03-30", false),
        ("2026-04-03T14:59", "2026-04-03", false),
        ("2026-04-06T10:00", "2026-04-06", true),
    ] {
        let mut a = vista.clone();
        let rec = a
            .apply(&c, rule(false), m(at), &guarantor())
            .unwrap()
            .clone();
        assert_eq!(
            (rec.effective, rec.term, rec.late),
            (d(effective), Some(TermId::ComplianceRuling), late),
            "ruling at {at}"
        );
        assert_eq!(a.state, AppealState::NonCompliant);
    }
    // With the titular's statement (Mon 03-23) the ruling need not wait for the 5 days: it
    // is due 5 days after the statement (24–27, 30 March).
    let (statement, _) = drive(Setup::ComplianceStatement);
    for (at, late) in [("2026-03-24T10:00", false), ("2026-03-30T14:59", false)] {
        let mut a = statement.clone();
        let rec = a
            .apply(&c, rule(true), m(at), &guarantor())
            .unwrap()
            .clone();
        assert_eq!(
            (rec.term, rec.late),
            (Some(TermId::ComplianceRuling), late),
            "ruling at {at}"
        );
        assert_eq!(a.state, AppealState::Complied);
    }
}

#[test]
fn each_measure_waits_for_the_end_of_the_previous_term() {
    let c = clock();
    // Warned Tue 03-31 with 3 days: 1, 2, 3 April. A fine on the last day, even at 14:59,
    // is premature; at 15:00 it takes effect Mon 04-06 and applies.
    let (warned, _) = drive(Setup::Warned);
    for at in ["2026-04-01T10:00", "2026-04-03T14:59"] {
        let mut a = warned.clone();
        assert_eq!(
            a.apply(
                &c,
                AppealAct::FineImposed {
                    days: 2,
                    uma: 500,
                    reincidence: false
                },
                m(at),
                &guarantor()
            )
            .unwrap_err(),
            AppealError::Premature {
                act: AppealActKind::FineImposed,
                due: d("2026-04-03"),
            },
            "fine at {at}"
        );
        assert_eq!(a, warned);
    }
    let mut fined = warned.clone();
    let rec = fined
        .apply(
            &c,
            AppealAct::FineImposed {
                days: 2,
                uma: 500,
                reincidence: false,
            },
            m("2026-04-03T15:00"),
            &guarantor(),
        )
        .unwrap();
    assert_eq!(rec.effective, d("2026-04-06"));
    assert_eq!(fined.state, AppealState::Fined);

    // Fined Mon 04-06 with 2 days: 7 and 8 April. An arrest on Wed 04-08 is premature; on
    // Thu 04-09 it applies, within its 3 days (9, 10, 13 April: to Mon 04-13); on Tue 04-14
    // it is late.
    let (fined, _) = drive(Setup::Fined);
    let mut early = fined.clone();
    assert_eq!(
        early
            .apply(
                &c,
                AppealAct::ArrestOrdered,
                m("2026-04-08T10:00"),
                &guarantor()
            )
            .unwrap_err(),
        AppealError::Premature {
            act: AppealActKind::ArrestOrdered,
            due: d("2026-04-08"),
        }
    );
    assert_eq!(early, fined);
    for (at, late) in [
        ("2026-04-09T10:00", false),
        ("2026-04-13T14:59", false),
        ("2026-04-14T10:00", true),
    ] {
        let mut a = fined.clone();
        let rec = a
            .apply(&c, AppealAct::ArrestOrdered, m(at), &guarantor())
            .unwrap()
            .clone();
        assert_eq!(rec.late, late, "arrest at {at}");
        assert_eq!(rec.term, Some(TermId::Arrest));
        assert_eq!(a.state, AppealState::Arrested);
        let dl = a.deadlines(&c, d("2026-04-14")).unwrap();
        assert_eq!(dl[&TermId::WarningCompliance].due, d("2026-04-03"));
        assert_eq!(dl[&TermId::FineCompliance].due, d("2026-04-08"));
        assert_eq!(dl[&TermId::Arrest].due, d("2026-04-13"));
    }
    // Complying at any stage of the escalation closes it.
    for setup in [
        Setup::NonCompliant,
        Setup::Warned,
        Setup::Fined,
        Setup::Arrested,
    ] {
        let (mut a, sc) = drive(setup);
        apply_ok(
            &mut a,
            AppealAct::ComplianceRuled { complied: true },
            sc.probe,
        );
        assert_eq!(a.state, AppealState::Complied, "{setup:?}");
        assert_eq!(a.rulings.len(), 2);
        let dl = a.deadlines(&c, d("2026-04-30")).unwrap();
        assert_eq!(
            dl[&TermId::SuperiorCompliance].done,
            a.acts.last().map(|x| x.effective),
            "{setup:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The filing's window (art. 99) and the rebuild
// ---------------------------------------------------------------------------------------

#[test]
fn a_filing_out_of_the_window_is_recorded_with_art_108_i_offered() {
    let c = clock();
    let late_window = Window {
        due: d("2026-02-25"),
        filed_on: d("2026-02-26"),
        response_pending: false,
        forward_due: None,
    };
    let a = Appeal::file(
        &c,
        filing(Venue::Unit, false),
        m(FILED_AT),
        &staff(),
        Some(late_window),
    )
    .unwrap();
    assert_eq!(a.state, AppealState::Filed);
    assert_eq!(a.suggested_dismissal, Some(cause("I")));
    assert!(a.acts[0].late);
    assert_eq!(a.acts[0].term, Some(TermId::AppealWindow));
    assert_eq!(a.window, Some(late_window));
    // On its last day: in time. Without a window (request unknown): nothing to flag.
    for window in [
        Some(Window {
            due: d("2026-02-26"),
            filed_on: d("2026-02-26"),
            response_pending: false,
            forward_due: None,
        }),
        None,
    ] {
        let a = Appeal::file(
            &c,
            filing(Venue::Guarantor, false),
            m(FILED_AT),
            &guarantor(),
            window,
        )
        .unwrap();
        assert_eq!(a.suggested_dismissal, None);
        assert!(!a.acts[0].late);
    }
    // The window is kept by the rebuild.
    let mut a = a;
    apply_ok(&mut a, AppealAct::AppealForwarded, "2026-02-27T10:00");
    apply_ok(
        &mut a,
        AppealAct::AppealDismissed { cause: cause("I") },
        "2026-03-02T10:00",
    );
    assert_eq!(rebuild(&a).unwrap(), a);
}

#[test]
fn an_appeal_rebuilt_from_its_acts_is_the_same_in_every_state() {
    let c = clock();
    for setup in SETUPS {
        let (appeal, sc) = drive(setup);
        let rebuilt = rebuild(&appeal).unwrap_or_else(|e| panic!("{setup:?}: {e:?}"));
        assert_eq!(rebuilt, appeal, "{setup:?}");
        let probe = calendar().effective_date(&m(sc.probe)).unwrap();
        assert_eq!(rebuilt.state_on(&c, probe).unwrap(), sc.state, "{setup:?}");
        assert_eq!(
            rebuilt.deadlines(&c, probe).unwrap(),
            appeal.deadlines(&c, probe).unwrap(),
            "{setup:?}"
        );
    }
    // A history with a refused act does not rebuild, and says which.
    let (appeal, _) = drive(Setup::Admitted);
    let mut acts: Vec<(AppealAct, Moment, Actor)> = appeal
        .acts
        .iter()
        .map(|a| (a.act.clone(), a.at, a.actor.clone()))
        .collect();
    acts.push((
        AppealAct::AppealAdmitted,
        m("2026-03-04T10:00"),
        guarantor(),
    ));
    let err = Appeal::rebuild(&c, None, acts.iter().map(|(a, at, who)| (a, *at, who))).unwrap_err();
    assert_eq!(
        err,
        (
            2,
            AppealError::InvalidTransition {
                state: AppealState::Admitted,
                act: AppealActKind::AppealAdmitted,
            }
        )
    );
}
