//! Which acts a role may record on an appeal on a given day, asked of the state machine
//! itself: each kind of act is tried, with valid fields, on a copy of the appeal through
//! [`Appeal::apply`], so the answer follows the very checks that record an act (who may do
//! it, in which state, how many times, in what order, which term must run out first).

use chrono::NaiveDate;

use super::{Appeal, AppealAct, AppealActKind, AppealOutcome, DismissalCause, Ground, Venue};
use crate::calendar::Moment;
use crate::case::{Actor, Clock, Role};

/// Acts of `kind` with valid fields, one per shape the procedure treats differently (each
/// outcome of a resolution, a ruling of compliance and one of non-compliance, a hearing
/// with and without an absent party). An act is allowed when any of them is accepted.
pub fn sample_appeal_acts(kind: AppealActKind) -> Vec<AppealAct> {
    use AppealActKind as K;
    let fraction = |max: u8| (1..=max).map(|n| n.to_string()).collect::<Vec<_>>();
    match kind {
        K::AppealFiled => vec![AppealAct::AppealFiled {
            venue: Venue::Guarantor,
            ground: Ground::parse("I").expect("I is a fracción of art. 100"),
            minor_unrepresented: false,
        }],
        K::AppealForwarded => vec![AppealAct::AppealForwarded],
        K::AppealRequirementNotified => vec![AppealAct::AppealRequirementNotified],
        K::AppealRequirementAnswered => vec![AppealAct::AppealRequirementAnswered],
        K::AppealTurned => vec![AppealAct::AppealTurned],
        K::AppealAdmitted => vec![AppealAct::AppealAdmitted],
        K::AppealDismissed => fraction(7)
            .iter()
            .filter_map(|s| DismissalCause::parse(s))
            .map(|cause| AppealAct::AppealDismissed { cause })
            .collect(),
        K::ConciliationInvited => vec![AppealAct::ConciliationInvited],
        K::ConciliationAccepted => vec![AppealAct::ConciliationAccepted],
        K::ConciliationHearingHeld => vec![
            AppealAct::ConciliationHearingHeld { absent: false },
            AppealAct::ConciliationHearingHeld { absent: true },
        ],
        K::ConciliationAgreement => vec![AppealAct::ConciliationAgreement],
        K::ConciliationAgreementFulfilled => vec![AppealAct::ConciliationAgreementFulfilled],
        K::ConciliationFailed => vec![AppealAct::ConciliationFailed],
        K::EvidenceHearingHeld => vec![AppealAct::EvidenceHearingHeld],
        K::InstructionClosed => vec![AppealAct::InstructionClosed],
        K::AppealExtensionNotified => vec![AppealAct::AppealExtensionNotified { days: None }],
        K::AppealResolved => [
            (AppealOutcome::Dismissed, None),
            (AppealOutcome::Sobreseido, None),
            (AppealOutcome::Confirmed, None),
            (AppealOutcome::Modified, Some(10)),
            (AppealOutcome::Revoked, Some(10)),
            (AppealOutcome::DeliveryOrdered, Some(10)),
        ]
        .into_iter()
        .map(|(outcome, compliance_days)| AppealAct::AppealResolved {
            outcome,
            compliance_days,
        })
        .collect(),
        K::AppealResolutionNotified => vec![AppealAct::AppealResolutionNotified],
        K::ComplianceExtensionRequested => vec![AppealAct::ComplianceExtensionRequested],
        K::ComplianceExtensionRuled => {
            vec![AppealAct::ComplianceExtensionRuled { granted_days: 5 }]
        }
        K::ComplianceReported => vec![AppealAct::ComplianceReported { complied_on: None }],
        K::ComplianceVistaGiven => vec![AppealAct::ComplianceVistaGiven],
        K::TitularStatement => vec![AppealAct::TitularStatement],
        K::ComplianceRuled => vec![
            AppealAct::ComplianceRuled { complied: true },
            AppealAct::ComplianceRuled { complied: false },
        ],
        K::PublicWarning => vec![AppealAct::PublicWarning { days: 10 }],
        K::FineImposed => vec![AppealAct::FineImposed {
            days: 5,
            uma: 150,
            reincidence: false,
        }],
        K::ArrestOrdered => vec![AppealAct::ArrestOrdered],
    }
}

impl Appeal {
    /// The kinds of act that `role` may record on this appeal with effect on `date`, in
    /// the order of [`AppealActKind::ALL`]: those that [`Appeal::apply`] accepts, with
    /// valid fields, for that role on that day. Field values are not judged. The filing is
    /// never listed: it starts the appeal.
    pub fn allowed_acts(&self, clock: &Clock, role: Role, date: NaiveDate) -> Vec<AppealActKind> {
        let actor = Actor::new("consulta", role);
        let at = Moment::Date(date);
        AppealActKind::ALL
            .iter()
            .copied()
            .filter(|k| *k != AppealActKind::AppealFiled && k.allowed_roles().contains(&role))
            .filter(|k| {
                sample_appeal_acts(*k)
                    .into_iter()
                    .any(|act| self.clone().apply(clock, act, at, &actor).is_ok())
            })
            .collect()
    }
}
