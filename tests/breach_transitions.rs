//! Every act of the security-breach procedure (arts. 38–43) in every state, where it is
//! allowed and where it is refused.
//!
//! The heart of this file is [`table`]: for each state (reached with real moments on the
//! shipped `mx-jalisco` calendar, America/Mexico_City, UTC−06:00 all year) and each act
//! (with representative payloads), the exact result: applied with the next state (on time
//! or flagged late), or the exact refusal. A reader can audit it row by row against
//! `src/breach/mod.rs` and arts. 38–43 of the LPDPPSOJ.
//!
//! The moments. Detected Tue 2026-02-10 at 09:00; confirmed the same day at 22:15, after
//! the office's 15:00 closing time, which does not matter for hours: the 72 hours of art.
//! 40 run Tue 1 h 45 min + Wed 24 h + Thu 24 h + Fri 22 h 15 min, due **Fri 2026-02-13 at
//! 22:15**. Unless a row says otherwise every act is tried Wed 2026-02-11 at 10:00 (on
//! time); the late row tries them Sat 2026-02-14 at 10:00, 11 h 45 min after the due
//! instant.

use std::sync::OnceLock;

use arco::breach::{
    AffectedRight, Breach, BreachAct, BreachActKind, BreachCause, BreachError, BreachKind,
    BreachState, DataCategory, InvestigationOutcome, Measure, MeasureStage, NotSignificantReason,
    NoticeMeans, Recipient, sample_notice,
};
use arco::calendar::{Calendar, CalendarLoader, Moment};
use arco::case::{Actor, Clock, DeadlineStatus, Role};
use arco::rules::{Rulebooks, TermId};
use chrono::{DateTime, FixedOffset};

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| CalendarLoader::default().load("mx-jalisco").unwrap())
}

fn clock() -> Clock<'static> {
    static BOOKS: OnceLock<Rulebooks> = OnceLock::new();
    let books = BOOKS.get_or_init(|| Rulebooks::builtin().unwrap());
    Clock::new(calendar(), books.get("lpdppsoj-2017").unwrap())
}

fn m(s: &str) -> Moment {
    s.parse().expect("a valid moment")
}

fn t(s: &str) -> DateTime<FixedOffset> {
    s.parse().expect("an RFC 3339 instant")
}

const DETECTED_AT: &str = "2026-02-10T09:00";
const CONFIRMED_AT: &str = "2026-02-10T22:15";
const DUE: &str = "2026-02-13T22:15:00-06:00";
const PROBE: &str = "2026-02-11T10:00";
const LATE_PROBE: &str = "2026-02-14T10:00";

fn staff() -> Actor {
    Actor::new("ut-01", Role::UnitStaff)
}

fn guarantor() -> Actor {
    Actor::new("og-01", Role::Guarantor)
}

fn actor_for(kind: BreachActKind) -> Actor {
    match kind {
        BreachActKind::InvestigationOpened | BreachActKind::InvestigationClosed => guarantor(),
        _ => staff(),
    }
}

fn detect() -> Breach {
    Breach::detect(
        &clock(),
        BreachAct::BreachDetected { occurred_on: None },
        m(DETECTED_AT),
        &staff(),
    )
    .expect("the detection applies")
}

fn apply_ok(b: &mut Breach, act: BreachAct, at: &str) {
    let kind = act.kind();
    if let Err(e) = b.apply(&clock(), act, m(at), &actor_for(kind)) {
        panic!("setting up: {} at {at} refused: {e:?}", kind.as_str());
    }
}

fn confirmed_act() -> BreachAct {
    BreachAct::BreachConfirmed {
        kind: BreachKind::UnauthorisedAccess,
        cause: BreachCause::ExternalAttack,
        occurred_on: Some("2026-02-09".parse().unwrap()),
        data: vec![DataCategory::Identification, DataCategory::Financial],
        titulars: Some(1200),
    }
}

fn significant() -> BreachAct {
    BreachAct::BreachAnalysed {
        significant: true,
        rights: vec![AffectedRight::Patrimonial],
        reason: None,
    }
}

fn not_significant() -> BreachAct {
    BreachAct::BreachAnalysed {
        significant: false,
        rights: Vec::new(),
        reason: Some(NotSignificantReason::Unintelligible),
    }
}

fn to_guarantor() -> BreachAct {
    BreachAct::GuarantorNotified {
        notice: sample_notice(),
    }
}

fn to_titulars(count: u32, completes: bool) -> BreachAct {
    BreachAct::TitularsNotified {
        notice: sample_notice(),
        means: NoticeMeans::Email,
        count,
        completes,
    }
}

fn measures(stage: MeasureStage) -> BreachAct {
    BreachAct::CorrectiveMeasures {
        stage,
        measures: vec![Measure::VulnerabilityFixed, Measure::CredentialsReset],
    }
}

// ---------------------------------------------------------------------------------------
// The columns
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Detected,
    Discarded,
    Confirmed,
    AnalysedSignificant,
    AnalysedNotSignificant,
    /// Significant, naming no right: a bad value.
    AnalysedNoRights,
    GuarantorNotified,
    /// A notice to the guarantor that leaves art. 41.1.III empty: a bad value.
    GuarantorNoticeIncomplete,
    /// A part of the notice to the titulares, to 300 of them.
    TitularsPart,
    /// The part that completes it.
    TitularsComplete,
    ImmediateMeasures,
    DefinitiveMeasures,
    Closed,
    InvestigationOpened,
    InvestigationClosed,
}

const COLS: [Col; 15] = [
    Col::Detected,
    Col::Discarded,
    Col::Confirmed,
    Col::AnalysedSignificant,
    Col::AnalysedNotSignificant,
    Col::AnalysedNoRights,
    Col::GuarantorNotified,
    Col::GuarantorNoticeIncomplete,
    Col::TitularsPart,
    Col::TitularsComplete,
    Col::ImmediateMeasures,
    Col::DefinitiveMeasures,
    Col::Closed,
    Col::InvestigationOpened,
    Col::InvestigationClosed,
];

impl Col {
    fn act(self) -> BreachAct {
        match self {
            Col::Detected => BreachAct::BreachDetected { occurred_on: None },
            Col::Discarded => BreachAct::BreachDiscarded,
            Col::Confirmed => confirmed_act(),
            Col::AnalysedSignificant => significant(),
            Col::AnalysedNotSignificant => not_significant(),
            Col::AnalysedNoRights => BreachAct::BreachAnalysed {
                significant: true,
                rights: Vec::new(),
                reason: None,
            },
            Col::GuarantorNotified => to_guarantor(),
            Col::GuarantorNoticeIncomplete => {
                let mut notice = sample_notice();
                notice.recommendations.clear();
                BreachAct::GuarantorNotified { notice }
            }
            Col::TitularsPart => to_titulars(300, false),
            Col::TitularsComplete => to_titulars(900, true),
            Col::ImmediateMeasures => measures(MeasureStage::Immediate),
            Col::DefinitiveMeasures => measures(MeasureStage::Definitive),
            Col::Closed => BreachAct::BreachClosed,
            Col::InvestigationOpened => BreachAct::InvestigationOpened,
            Col::InvestigationClosed => BreachAct::InvestigationClosed {
                outcome: InvestigationOutcome::NoFurtherAction,
            },
        }
    }
}

#[test]
fn the_columns_cover_every_act_kind() {
    assert_eq!(BreachActKind::ALL.len(), 10);
    for k in BreachActKind::ALL {
        assert!(
            COLS.iter().any(|c| c.act().kind() == *k),
            "no column tries {}",
            k.as_str()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The rows
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    Detected,
    Discarded,
    Confirmed,
    /// Confirmed, and both notices already given before the analysis (informing early is
    /// never refused).
    ConfirmedNotified,
    Significant,
    /// Significant; the guarantor notified and a first part of the titulares' notice.
    SignificantPartly,
    /// Significant, tried after the 72 hours: notices apply, flagged late.
    SignificantLate,
    NotSignificant,
    Notified,
    /// Notified, with the guarantor's investigation open.
    NotifiedInvestigating,
    Remedied,
    /// Not significant, with definitive measures.
    RemediedNotSignificant,
    Closed,
    /// Closed, the investigation still open.
    ClosedInvestigating,
    /// Closed, the investigation concluded.
    ClosedInvestigated,
}

const SETUPS: [Setup; 15] = [
    Setup::Detected,
    Setup::Discarded,
    Setup::Confirmed,
    Setup::ConfirmedNotified,
    Setup::Significant,
    Setup::SignificantPartly,
    Setup::SignificantLate,
    Setup::NotSignificant,
    Setup::Notified,
    Setup::NotifiedInvestigating,
    Setup::Remedied,
    Setup::RemediedNotSignificant,
    Setup::Closed,
    Setup::ClosedInvestigating,
    Setup::ClosedInvestigated,
];

type Steps = Vec<(BreachAct, &'static str)>;

fn confirmed() -> Steps {
    vec![(confirmed_act(), CONFIRMED_AT)]
}

fn analysed_significant() -> Steps {
    [confirmed(), vec![(significant(), "2026-02-11T08:00")]].concat()
}

fn notified() -> Steps {
    [
        analysed_significant(),
        vec![
            (to_guarantor(), "2026-02-11T08:30"),
            (to_titulars(1200, true), "2026-02-11T08:45"),
        ],
    ]
    .concat()
}

fn scenario(setup: Setup) -> (Steps, &'static str, BreachState) {
    use BreachState as S;
    match setup {
        Setup::Detected => (vec![], "2026-02-10T12:00", S::Detected),
        Setup::Discarded => (
            vec![(BreachAct::BreachDiscarded, "2026-02-10T11:00")],
            "2026-02-10T12:00",
            S::Discarded,
        ),
        Setup::Confirmed => (confirmed(), PROBE, S::Confirmed),
        Setup::ConfirmedNotified => (
            [
                confirmed(),
                vec![
                    (to_guarantor(), "2026-02-11T08:00"),
                    (to_titulars(1200, true), "2026-02-11T08:30"),
                ],
            ]
            .concat(),
            PROBE,
            S::Confirmed,
        ),
        Setup::Significant => (analysed_significant(), PROBE, S::Significant),
        Setup::SignificantPartly => (
            [
                analysed_significant(),
                vec![
                    (to_guarantor(), "2026-02-11T08:30"),
                    (to_titulars(300, false), "2026-02-11T08:45"),
                ],
            ]
            .concat(),
            PROBE,
            S::Significant,
        ),
        Setup::SignificantLate => (analysed_significant(), LATE_PROBE, S::Significant),
        Setup::NotSignificant => (
            [confirmed(), vec![(not_significant(), "2026-02-11T08:00")]].concat(),
            PROBE,
            S::NotSignificant,
        ),
        Setup::Notified => (notified(), PROBE, S::Notified),
        Setup::NotifiedInvestigating => (
            [
                notified(),
                vec![(BreachAct::InvestigationOpened, "2026-02-11T09:00")],
            ]
            .concat(),
            PROBE,
            S::Notified,
        ),
        Setup::Remedied => (
            [
                notified(),
                vec![(measures(MeasureStage::Definitive), "2026-02-11T09:00")],
            ]
            .concat(),
            PROBE,
            S::Remedied,
        ),
        Setup::RemediedNotSignificant => (
            [
                confirmed(),
                vec![
                    (not_significant(), "2026-02-11T08:00"),
                    (measures(MeasureStage::Definitive), "2026-02-11T09:00"),
                ],
            ]
            .concat(),
            PROBE,
            S::Remedied,
        ),
        Setup::Closed => (
            [
                notified(),
                vec![
                    (measures(MeasureStage::Definitive), "2026-02-11T09:00"),
                    (BreachAct::BreachClosed, "2026-02-11T09:30"),
                ],
            ]
            .concat(),
            PROBE,
            S::Closed,
        ),
        Setup::ClosedInvestigating => (
            [
                notified(),
                vec![
                    (BreachAct::InvestigationOpened, "2026-02-11T08:50"),
                    (measures(MeasureStage::Definitive), "2026-02-11T09:00"),
                    (BreachAct::BreachClosed, "2026-02-11T09:30"),
                ],
            ]
            .concat(),
            PROBE,
            S::Closed,
        ),
        Setup::ClosedInvestigated => (
            [
                notified(),
                vec![
                    (BreachAct::InvestigationOpened, "2026-02-11T08:50"),
                    (measures(MeasureStage::Definitive), "2026-02-11T09:00"),
                    (BreachAct::BreachClosed, "2026-02-11T09:30"),
                    (
                        BreachAct::InvestigationClosed {
                            outcome: InvestigationOutcome::VerificationStarted,
                        },
                        "2026-02-11T09:45",
                    ),
                ],
            ]
            .concat(),
            PROBE,
            S::Closed,
        ),
    }
}

fn reach(setup: Setup) -> (Breach, &'static str) {
    let (steps, probe, state) = scenario(setup);
    let mut b = detect();
    for (act, at) in steps {
        apply_ok(&mut b, act, at);
    }
    assert_eq!(b.state, state, "{setup:?} reaches its state");
    (b, probe)
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Applies, on time (or with no term), leaving this state.
    Applies(BreachState),
    /// Applies, flagged late (after the 72 hours).
    AppliesLate(BreachState),
    /// Refused: not in this state.
    Invalid,
    /// Refused with a message containing this text.
    Refused(&'static str),
}

const NO_NOTICE: &str = "recibió la notificación del responsable (art. 43)";
const NO_INVESTIGATION: &str = "no hay investigación previa abierta";
const ART_41: &str = "art. 41.1, fracciones I a V";
const GUARANTOR_DONE: &str = "el aviso al órgano garante ya se dio";
const TITULARS_DONE: &str = "el aviso a los titulares ya se completó";
const NO_DEFINITIVE: &str = "faltan las acciones correctivas definitivas";
const BOTH_PENDING: &str =
    "no puede cerrarse sin aviso a los titulares ni sin aviso al órgano garante (art. 40)";
const TITULARS_PENDING: &str = "no puede cerrarse sin aviso a los titulares (art. 40)";
const UNANALYSED: &str = "falta el análisis";
const NO_RIGHTS: &str = "qué derechos afecta";
const OPENED: &str = "ya abrió la investigación previa";

/// Every column not listed is `Invalid`.
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

fn table() -> Vec<(Setup, Vec<(Col, Expect)>)> {
    use BreachState as S;
    use Col as C;
    use Expect::*;
    vec![
        // Detected: confirm or discard; immediate measures may already be taken.
        (
            Setup::Detected,
            row(&[
                (C::Discarded, Applies(S::Discarded)),
                (C::Confirmed, Applies(S::Confirmed)),
                (C::ImmediateMeasures, Applies(S::Detected)),
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        (
            Setup::Discarded,
            row(&[
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // Confirmed: the analysis is due; notices and measures may come before it.
        (
            Setup::Confirmed,
            row(&[
                (C::AnalysedSignificant, Applies(S::Significant)),
                (C::AnalysedNotSignificant, Applies(S::NotSignificant)),
                (C::AnalysedNoRights, Refused(NO_RIGHTS)),
                (C::GuarantorNotified, Applies(S::Confirmed)),
                (C::GuarantorNoticeIncomplete, Refused(ART_41)),
                (C::TitularsPart, Applies(S::Confirmed)),
                (C::TitularsComplete, Applies(S::Confirmed)),
                (C::ImmediateMeasures, Applies(S::Confirmed)),
                (C::DefinitiveMeasures, Applies(S::Confirmed)),
                (C::Closed, Refused(UNANALYSED)),
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // Both notices given before the analysis: found significant, it is Notified.
        (
            Setup::ConfirmedNotified,
            row(&[
                (C::AnalysedSignificant, Applies(S::Notified)),
                (C::AnalysedNotSignificant, Applies(S::NotSignificant)),
                (C::AnalysedNoRights, Refused(NO_RIGHTS)),
                (C::GuarantorNotified, Refused(GUARANTOR_DONE)),
                (C::GuarantorNoticeIncomplete, Refused(GUARANTOR_DONE)),
                (C::TitularsPart, Refused(TITULARS_DONE)),
                (C::TitularsComplete, Refused(TITULARS_DONE)),
                (C::ImmediateMeasures, Applies(S::Confirmed)),
                (C::DefinitiveMeasures, Applies(S::Confirmed)),
                (C::Closed, Refused(UNANALYSED)),
                (C::InvestigationOpened, Applies(S::Confirmed)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // Significant: both notices owed, within the 72 hours.
        (
            Setup::Significant,
            row(&[
                (C::GuarantorNotified, Applies(S::Significant)),
                (C::GuarantorNoticeIncomplete, Refused(ART_41)),
                (C::TitularsPart, Applies(S::Significant)),
                (C::TitularsComplete, Applies(S::Significant)),
                (C::ImmediateMeasures, Applies(S::Significant)),
                (C::DefinitiveMeasures, Applies(S::Significant)),
                (C::Closed, Refused(BOTH_PENDING)),
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // The guarantor has its notice; 300 titulares were reached, not all.
        (
            Setup::SignificantPartly,
            row(&[
                (C::GuarantorNotified, Refused(GUARANTOR_DONE)),
                (C::GuarantorNoticeIncomplete, Refused(GUARANTOR_DONE)),
                (C::TitularsPart, Applies(S::Significant)),
                (C::TitularsComplete, Applies(S::Notified)),
                (C::ImmediateMeasures, Applies(S::Significant)),
                (C::DefinitiveMeasures, Applies(S::Significant)),
                (C::Closed, Refused(TITULARS_PENDING)),
                (C::InvestigationOpened, Applies(S::Significant)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // After Fri 02-13 22:15: the notices are recorded, flagged late, never refused.
        (
            Setup::SignificantLate,
            row(&[
                (C::GuarantorNotified, AppliesLate(S::Significant)),
                (C::GuarantorNoticeIncomplete, Refused(ART_41)),
                (C::TitularsPart, AppliesLate(S::Significant)),
                (C::TitularsComplete, AppliesLate(S::Significant)),
                (C::ImmediateMeasures, Applies(S::Significant)),
                (C::DefinitiveMeasures, Applies(S::Significant)),
                (C::Closed, Refused(BOTH_PENDING)),
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // No significant affectation: no notice owed, but informing is not refused.
        (
            Setup::NotSignificant,
            row(&[
                (C::GuarantorNotified, Applies(S::NotSignificant)),
                (C::GuarantorNoticeIncomplete, Refused(ART_41)),
                (C::TitularsPart, Applies(S::NotSignificant)),
                (C::TitularsComplete, Applies(S::NotSignificant)),
                (C::ImmediateMeasures, Applies(S::NotSignificant)),
                (C::DefinitiveMeasures, Applies(S::Remedied)),
                (C::Closed, Refused(NO_DEFINITIVE)),
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        (
            Setup::Notified,
            row(&[
                (C::GuarantorNotified, Refused(GUARANTOR_DONE)),
                (C::GuarantorNoticeIncomplete, Refused(GUARANTOR_DONE)),
                (C::TitularsPart, Refused(TITULARS_DONE)),
                (C::TitularsComplete, Refused(TITULARS_DONE)),
                (C::ImmediateMeasures, Applies(S::Notified)),
                (C::DefinitiveMeasures, Applies(S::Remedied)),
                (C::Closed, Refused(NO_DEFINITIVE)),
                (C::InvestigationOpened, Applies(S::Notified)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        (
            Setup::NotifiedInvestigating,
            row(&[
                (C::GuarantorNotified, Refused(GUARANTOR_DONE)),
                (C::GuarantorNoticeIncomplete, Refused(GUARANTOR_DONE)),
                (C::TitularsPart, Refused(TITULARS_DONE)),
                (C::TitularsComplete, Refused(TITULARS_DONE)),
                (C::ImmediateMeasures, Applies(S::Notified)),
                (C::DefinitiveMeasures, Applies(S::Remedied)),
                (C::Closed, Refused(NO_DEFINITIVE)),
                (C::InvestigationOpened, Refused(OPENED)),
                (C::InvestigationClosed, Applies(S::Notified)),
            ]),
        ),
        (
            Setup::Remedied,
            row(&[
                (C::GuarantorNotified, Refused(GUARANTOR_DONE)),
                (C::GuarantorNoticeIncomplete, Refused(GUARANTOR_DONE)),
                (C::TitularsPart, Refused(TITULARS_DONE)),
                (C::TitularsComplete, Refused(TITULARS_DONE)),
                (C::ImmediateMeasures, Applies(S::Remedied)),
                (C::DefinitiveMeasures, Applies(S::Remedied)),
                (C::Closed, Applies(S::Closed)),
                (C::InvestigationOpened, Applies(S::Remedied)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        (
            Setup::RemediedNotSignificant,
            row(&[
                (C::GuarantorNotified, Applies(S::Remedied)),
                (C::GuarantorNoticeIncomplete, Refused(ART_41)),
                (C::TitularsPart, Applies(S::Remedied)),
                (C::TitularsComplete, Applies(S::Remedied)),
                (C::ImmediateMeasures, Applies(S::Remedied)),
                (C::DefinitiveMeasures, Applies(S::Remedied)),
                (C::Closed, Applies(S::Closed)),
                (C::InvestigationOpened, Refused(NO_NOTICE)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        // Closed: only the guarantor's investigation may still open (art. 43).
        (
            Setup::Closed,
            row(&[
                (C::InvestigationOpened, Applies(S::Closed)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
        (
            Setup::ClosedInvestigating,
            row(&[
                (C::InvestigationOpened, Refused(OPENED)),
                (C::InvestigationClosed, Applies(S::Closed)),
            ]),
        ),
        (
            Setup::ClosedInvestigated,
            row(&[
                (C::InvestigationOpened, Refused(OPENED)),
                (C::InvestigationClosed, Refused(NO_INVESTIGATION)),
            ]),
        ),
    ]
}

#[test]
fn the_table_has_every_state_and_every_setup_once() {
    let t = table();
    assert_eq!(t.len(), SETUPS.len());
    for (i, (setup, cells)) in t.iter().enumerate() {
        assert_eq!(*setup, SETUPS[i]);
        assert_eq!(cells.len(), COLS.len());
    }
    for s in BreachState::ALL {
        assert!(
            SETUPS.iter().any(|x| scenario(*x).2 == *s),
            "no row reaches {}",
            s.as_str()
        );
    }
}

fn check_cell(setup: Setup, col: Col, expect: Expect) -> Result<(), String> {
    let (breach, probe) = reach(setup);
    let mut b = breach.clone();
    let act = col.act();
    let kind = act.kind();
    let got = b
        .apply(&clock(), act.clone(), m(probe), &actor_for(kind))
        .cloned();
    match (expect, got) {
        (Expect::Applies(s) | Expect::AppliesLate(s), Ok(rec)) => {
            let late = matches!(expect, Expect::AppliesLate(_));
            if b.state != s || rec.late != late {
                return Err(format!(
                    "applied: state {:?} late {}, expected {s:?} late {late}",
                    b.state, rec.late
                ));
            }
            if b.acts.len() != breach.acts.len() + 1 || b.acts.last().map(|a| &a.act) != Some(&act)
            {
                return Err("the record did not grow by exactly the act".into());
            }
            Ok(())
        }
        (Expect::Invalid, Err(BreachError::InvalidTransition { state, act: k }))
            if state == breach.state && k == kind =>
        {
            check_unchanged(&breach, &b)
        }
        (Expect::Refused(text), Err(e)) if e.to_string().contains(text) => {
            check_unchanged(&breach, &b)
        }
        (e, got) => Err(format!("expected {e:?}, got {got:?}")),
    }
}

fn check_unchanged(before: &Breach, after: &Breach) -> Result<(), String> {
    if before == after {
        Ok(())
    } else {
        Err("a refused act changed the breach".into())
    }
}

#[test]
fn every_act_in_every_state() {
    let mut failures = Vec::new();
    for (setup, cells) in table() {
        for (col, expect) in cells {
            if let Err(e) = check_cell(setup, col, expect) {
                failures.push(format!("{setup:?} × {col:?}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn allowed_acts_agree_with_the_table() {
    for (setup, cells) in table() {
        let (b, probe) = reach(setup);
        for role in [Role::UnitStaff, Role::Guarantor] {
            let allowed = b.allowed_acts(&clock(), role, m(probe));
            for kind in BreachActKind::ALL {
                if *kind == BreachActKind::BreachDetected {
                    assert!(!allowed.contains(kind));
                    continue;
                }
                let applies = kind.allowed_roles().contains(&role)
                    && cells.iter().any(|(c, e)| {
                        c.act().kind() == *kind
                            && matches!(e, Expect::Applies(_) | Expect::AppliesLate(_))
                    });
                assert_eq!(
                    allowed.contains(kind),
                    applies,
                    "{setup:?}, {role:?}: {}",
                    kind.as_str()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// What the table cannot show
// ---------------------------------------------------------------------------------------

#[test]
fn roles_are_checked_first() {
    let mut b = detect();
    let e = b
        .apply(&clock(), confirmed_act(), m(CONFIRMED_AT), &guarantor())
        .unwrap_err();
    assert!(matches!(e, BreachError::Forbidden { .. }), "{e}");
    assert!(e.to_string().contains("órgano garante"), "{e}");
    let e = b
        .apply(
            &clock(),
            BreachAct::InvestigationOpened,
            m(CONFIRMED_AT),
            &staff(),
        )
        .unwrap_err();
    assert!(matches!(e, BreachError::Forbidden { .. }), "{e}");
    // The detection itself is the responsable's.
    assert!(matches!(
        Breach::detect(
            &clock(),
            BreachAct::BreachDetected { occurred_on: None },
            m(DETECTED_AT),
            &guarantor()
        ),
        Err(BreachError::Forbidden { .. })
    ));
    // Any other first act is refused.
    assert!(matches!(
        Breach::detect(&clock(), confirmed_act(), m(DETECTED_AT), &staff()),
        Err(BreachError::NotDetectedYet {
            act: BreachActKind::BreachConfirmed
        })
    ));
    // A migration records any act.
    let mut b = detect();
    b.apply(
        &clock(),
        confirmed_act(),
        m(CONFIRMED_AT),
        &Actor::migration(),
    )
    .unwrap();
}

#[test]
fn acts_are_recorded_in_order_by_instant() {
    let mut b = detect();
    apply_ok(&mut b, confirmed_act(), CONFIRMED_AT);
    // 21:00 is before the confirmation at 22:15: refused.
    let e = b
        .apply(&clock(), significant(), m("2026-02-10T21:00"), &staff())
        .unwrap_err();
    assert!(matches!(e, BreachError::OutOfOrder { .. }), "{e}");
    // A date alone on the same day may be after it (until 23:59:59): accepted.
    b.apply(&clock(), significant(), m("2026-02-10"), &staff())
        .unwrap();
    // The same instant written in UTC (04:30Z is 22:30 in Jalisco) is after it.
    b.apply(
        &clock(),
        to_guarantor(),
        m("2026-02-11T04:30:00Z"),
        &staff(),
    )
    .unwrap();
}

#[test]
fn bad_values_are_refused_naming_the_field() {
    let mut b = detect();
    // Occurred after the confirmation.
    let e = b
        .apply(
            &clock(),
            BreachAct::BreachConfirmed {
                kind: BreachKind::Loss,
                cause: BreachCause::HumanError,
                occurred_on: Some("2026-02-11".parse().unwrap()),
                data: vec![],
                titulars: None,
            },
            m(CONFIRMED_AT),
            &staff(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("occurred_on = 2026-02-11"), "{e}");
    apply_ok(&mut b, confirmed_act(), CONFIRMED_AT);
    for (act, text) in [
        (
            BreachAct::BreachAnalysed {
                significant: false,
                rights: vec![],
                reason: None,
            },
            "falta reason",
        ),
        (
            BreachAct::BreachAnalysed {
                significant: false,
                rights: vec![AffectedRight::Moral],
                reason: Some(NotSignificantReason::Recovered),
            },
            "rights no aplica",
        ),
        (
            BreachAct::BreachAnalysed {
                significant: true,
                rights: vec![AffectedRight::Moral],
                reason: Some(NotSignificantReason::Recovered),
            },
            "reason es la razón",
        ),
        (to_titulars(0, false), "count = 0"),
        (
            BreachAct::CorrectiveMeasures {
                stage: MeasureStage::Immediate,
                measures: vec![],
            },
            "measures",
        ),
    ] {
        let before = b.clone();
        let e = b
            .apply(&clock(), act, m(PROBE), &staff())
            .unwrap_err()
            .to_string();
        assert!(e.contains(text), "{e}");
        assert_eq!(b, before);
    }
    // A public notice may count nobody in particular.
    b.apply(
        &clock(),
        BreachAct::TitularsNotified {
            notice: sample_notice(),
            means: NoticeMeans::Publication,
            count: 0,
            completes: false,
        },
        m(PROBE),
        &staff(),
    )
    .unwrap();
    // Every empty fracción of art. 41.1 is named.
    for (clear, text) in [
        (0, "art. 41.1.II"),
        (1, "art. 41.1.III"),
        (2, "art. 41.1.IV"),
        (3, "art. 41.1.V"),
    ] {
        let mut notice = sample_notice();
        match clear {
            0 => notice.data.clear(),
            1 => notice.recommendations.clear(),
            2 => notice.immediate_actions.clear(),
            _ => notice.information.clear(),
        }
        let e = b
            .apply(
                &clock(),
                BreachAct::GuarantorNotified { notice },
                m(PROBE),
                &staff(),
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains(text), "{e}");
    }
}

#[test]
fn the_notice_deadlines_are_due_at_an_instant() {
    let (b, _) = reach(Setup::Significant);
    let c = clock();
    let due = t(DUE);
    assert_eq!(b.notice_due(), Some(due));
    // One minute before the due instant: pending; one minute after: missed.
    for (as_of, status) in [
        ("2026-02-13T22:14:00-06:00", DeadlineStatus::Pending),
        ("2026-02-13T22:15:00-06:00", DeadlineStatus::Pending),
        ("2026-02-13T22:16:00-06:00", DeadlineStatus::Missed),
    ] {
        let d = b.deadlines(&c, t(as_of)).unwrap();
        assert_eq!(d.len(), 2);
        for x in &d {
            assert_eq!(x.term, TermId::BreachNotice);
            assert_eq!(x.due, due);
            assert_eq!(x.hours, 72);
            assert_eq!(x.article, "40");
            assert_eq!(x.from, t("2026-02-10T22:15:00-06:00"));
            assert_eq!(x.status, status, "{as_of} {:?}", x.to);
        }
    }
    // The guarantor at 22:15 exactly (on time), the titulares in two parts, the second
    // at 22:16 (late): only the completing part meets the term.
    let mut b = b;
    apply_ok(&mut b, to_titulars(600, false), "2026-02-13T20:00");
    apply_ok(&mut b, to_guarantor(), "2026-02-13T22:15");
    apply_ok(&mut b, to_titulars(600, true), "2026-02-13T22:16");
    assert_eq!(b.state, BreachState::Notified);
    let d = b.deadlines(&c, t("2026-02-20T12:00:00-06:00")).unwrap();
    let of = |r: Recipient| d.iter().find(|x| x.to == r).unwrap();
    assert_eq!(of(Recipient::Guarantor).status, DeadlineStatus::Met);
    assert_eq!(of(Recipient::Titulars).status, DeadlineStatus::Late);
    assert_eq!(
        of(Recipient::Titulars).done,
        Some(t("2026-02-13T22:16:00-06:00"))
    );
    let late: Vec<bool> = b.acts.iter().map(|a| a.late).collect();
    assert_eq!(late, [false, false, false, false, false, true]);
    // A notice recorded with its date alone, on the due day: taken at 23:59:59, late.
    let (mut b2, _) = reach(Setup::Significant);
    let rec = b2
        .apply(&clock(), to_guarantor(), m("2026-02-13"), &staff())
        .unwrap();
    assert!(rec.late);
}

#[test]
fn without_significant_affectation_the_notices_are_void() {
    let (b, _) = reach(Setup::NotSignificant);
    let d = b
        .deadlines(&clock(), t("2026-03-01T12:00:00-06:00"))
        .unwrap();
    assert!(d.iter().all(|x| x.status == DeadlineStatus::Void), "{d:?}");
    // Before the confirmation there is no term; discarded, none either.
    let (b, _) = reach(Setup::Detected);
    assert!(b.deadlines(&clock(), t(DUE)).unwrap().is_empty());
    let (b, _) = reach(Setup::Discarded);
    assert!(b.deadlines(&clock(), t(DUE)).unwrap().is_empty());
}

#[test]
fn the_bitacora_is_derived_from_the_record() {
    let (b, _) = reach(Setup::ClosedInvestigated);
    let e = b.bitacora();
    assert_eq!(e.occurred_on, Some("2026-02-09".parse().unwrap()));
    assert_eq!(e.detected, m(DETECTED_AT));
    assert_eq!(e.confirmed, Some(m(CONFIRMED_AT)));
    assert_eq!(e.kind, Some(BreachKind::UnauthorisedAccess));
    assert_eq!(e.cause, Some(BreachCause::ExternalAttack));
    assert_eq!(e.significant, Some(true));
    // The data of the confirmation and of the notices, once each.
    assert_eq!(
        e.data,
        vec![
            DataCategory::Identification,
            DataCategory::Contact,
            DataCategory::Financial
        ]
    );
    assert_eq!(e.immediate_measures, vec![Measure::AccessRevoked]);
    assert!(e.definitive_measures.contains(&Measure::VulnerabilityFixed));
    assert_eq!(e.titulars, Some(1200));
    assert_eq!(e.titulars_reached, 1200);
    assert!(!e.late_notice);
    assert_eq!(e.closed, Some(m("2026-02-11T09:30")));
    assert_eq!(e.state, BreachState::Closed);
    // The immediate actions of the notices (art. 41.1.IV) are the bitácora's too, with
    // those recorded as measures.
    let (mut b, _) = reach(Setup::Confirmed);
    apply_ok(&mut b, measures(MeasureStage::Immediate), PROBE);
    let e = b.bitacora();
    assert_eq!(
        e.immediate_measures,
        vec![Measure::CredentialsReset, Measure::VulnerabilityFixed]
    );
}

#[test]
fn rebuilding_from_the_acts_gives_the_same_breach() {
    for setup in SETUPS {
        let (b, _) = reach(setup);
        let again = Breach::rebuild(&clock(), b.acts.iter().map(|a| (&a.act, a.at, &a.actor)))
            .unwrap_or_else(|e| panic!("{setup:?}: {e:?}"));
        assert_eq!(again, b, "{setup:?}");
        // The JSON of the acts reads back to the same acts.
        for a in &b.acts {
            let v = serde_json::to_value(&a.act).unwrap();
            let back: BreachAct = serde_json::from_value(v).unwrap();
            assert_eq!(back, a.act);
        }
    }
    // An empty record is not a breach.
    assert!(matches!(
        Breach::rebuild(&clock(), std::iter::empty()),
        Err((0, BreachError::NotDetectedYet { .. }))
    ));
}

#[test]
fn the_record_holds_no_free_text() {
    // Every act of every row, as JSON: only categories, counts, dates and booleans; no
    // string value outside the closed vocabularies (so no name, address or description
    // of a titular can be in the log).
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let known = |s: &str| {
        BreachActKind::parse(s).is_some()
            || BreachKind::parse(s).is_some()
            || BreachCause::parse(s).is_some()
            || DataCategory::parse(s).is_some()
            || AffectedRight::parse(s).is_some()
            || NotSignificantReason::parse(s).is_some()
            || arco::breach::Recommendation::parse(s).is_some()
            || Measure::parse(s).is_some()
            || arco::breach::InformationChannel::parse(s).is_some()
            || NoticeMeans::parse(s).is_some()
            || MeasureStage::parse(s).is_some()
            || InvestigationOutcome::parse(s).is_some()
            || s.parse::<chrono::NaiveDate>().is_ok()
    };
    for setup in SETUPS {
        let (b, _) = reach(setup);
        for a in &b.acts {
            let mut out = Vec::new();
            strings(&serde_json::to_value(&a.act).unwrap(), &mut out);
            for s in out {
                assert!(known(&s), "{setup:?}: free text «{s}» in {:?}", a.act);
            }
        }
    }
}
