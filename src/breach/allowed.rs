//! Which acts a role may record on a breach at a given moment, asked of the state machine
//! itself: each kind of act is tried, with valid fields, on a copy of the breach through
//! [`Breach::apply`], so the answer follows the very checks that record an act.

use super::{
    AffectedRight, Breach, BreachAct, BreachActKind, BreachCause, BreachKind, DataCategory,
    InformationChannel, InvestigationOutcome, Measure, MeasureStage, NotSignificantReason, Notice,
    NoticeMeans, Recommendation,
};
use crate::calendar::Moment;
use crate::case::{Actor, Clock, Role};

/// A notice with every fracción of art. 41.1 filled.
pub fn sample_notice() -> Notice {
    Notice {
        nature: BreachKind::UnauthorisedAccess,
        data: vec![DataCategory::Identification, DataCategory::Contact],
        recommendations: vec![Recommendation::ChangePasswords],
        immediate_actions: vec![Measure::AccessRevoked],
        information: vec![InformationChannel::Phone, InformationChannel::Email],
    }
}

/// Acts of `kind` with valid fields, one per shape the procedure treats differently (an
/// analysis that finds a significant affectation and one that does not, measures taken at
/// once and for good, a part of the notice that completes it and one that does not). An
/// act is allowed when any of them is accepted.
pub fn sample_breach_acts(kind: BreachActKind) -> Vec<BreachAct> {
    use BreachActKind as K;
    match kind {
        K::BreachDetected => vec![BreachAct::BreachDetected { occurred_on: None }],
        K::BreachDiscarded => vec![BreachAct::BreachDiscarded],
        K::BreachConfirmed => vec![BreachAct::BreachConfirmed {
            kind: BreachKind::UnauthorisedAccess,
            cause: BreachCause::Unknown,
            occurred_on: None,
            data: Vec::new(),
            titulars: None,
        }],
        K::BreachAnalysed => vec![
            BreachAct::BreachAnalysed {
                significant: true,
                rights: vec![AffectedRight::Patrimonial],
                reason: None,
            },
            BreachAct::BreachAnalysed {
                significant: false,
                rights: Vec::new(),
                reason: Some(NotSignificantReason::Unintelligible),
            },
        ],
        K::GuarantorNotified => vec![BreachAct::GuarantorNotified {
            notice: sample_notice(),
        }],
        K::TitularsNotified => [false, true]
            .into_iter()
            .map(|completes| BreachAct::TitularsNotified {
                notice: sample_notice(),
                means: NoticeMeans::Email,
                count: 1,
                completes,
            })
            .collect(),
        K::CorrectiveMeasures => [MeasureStage::Immediate, MeasureStage::Definitive]
            .into_iter()
            .map(|stage| BreachAct::CorrectiveMeasures {
                stage,
                measures: vec![Measure::VulnerabilityFixed],
            })
            .collect(),
        K::BreachClosed => vec![BreachAct::BreachClosed],
        K::InvestigationOpened => vec![BreachAct::InvestigationOpened],
        K::InvestigationClosed => [
            InvestigationOutcome::VerificationStarted,
            InvestigationOutcome::NoFurtherAction,
        ]
        .into_iter()
        .map(|outcome| BreachAct::InvestigationClosed { outcome })
        .collect(),
    }
}

impl Breach {
    /// The kinds of act that `role` may record on this breach at `at`, in the order of
    /// [`BreachActKind::ALL`]: those that [`Breach::apply`] accepts, with valid fields,
    /// for that role then. Field values are not judged. The detection is never listed: it
    /// starts the breach.
    pub fn allowed_acts(&self, clock: &Clock, role: Role, at: Moment) -> Vec<BreachActKind> {
        let actor = Actor::new("consulta", role);
        BreachActKind::ALL
            .iter()
            .copied()
            .filter(|k| *k != BreachActKind::BreachDetected && k.allowed_roles().contains(&role))
            .filter(|k| {
                sample_breach_acts(*k)
                    .into_iter()
                    .any(|act| self.clone().apply(clock, act, at, &actor).is_ok())
            })
            .collect()
    }
}
