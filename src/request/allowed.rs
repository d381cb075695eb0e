//! Which acts a role may record on a request on a given day, asked of the state machine
//! itself: each kind of act is tried, with valid fields, on a copy of the request through
//! [`Request::apply`], so the answer follows the very checks that record an act (who may do
//! it, in which state, how many times, in what order) and never drifts from them.

use chrono::NaiveDate;

use super::reception::{IdentityMeans, Standing};
use super::{
    ActKind, Delivery, ImprocedenceCause, Modality, Outcome, Request, RequestAct, Review, Right,
};
use crate::calendar::Moment;
use crate::case::{Actor, Clock, Role};

/// Acts of `kind` with valid fields, one per shape the procedure treats differently (a
/// partial incompetence goes on, a total one ends the request; each outcome of a
/// resolution). An act is allowed when any of them is accepted.
pub fn sample_acts(kind: ActKind) -> Vec<RequestAct> {
    match kind {
        ActKind::Filed => vec![RequestAct::Filed {
            right: Right::Access,
            channel: None,
            external_folio: None,
        }],
        ActKind::IdentityAccredited => vec![RequestAct::IdentityAccredited {
            standing: Standing::Titular,
            means: IdentityMeans::OfficialId,
            instrument: None,
        }],
        ActKind::PreventionNotified => vec![RequestAct::PreventionNotified],
        ActKind::PreventionAnswered => vec![RequestAct::PreventionAnswered],
        ActKind::Admitted => vec![RequestAct::Admitted],
        ActKind::IncompetenceNotified => vec![
            RequestAct::IncompetenceNotified { partial: false },
            RequestAct::IncompetenceNotified { partial: true },
        ],
        ActKind::Redirected => vec![RequestAct::Redirected],
        ActKind::OtherProcedureNotified => vec![RequestAct::OtherProcedureNotified],
        ActKind::ImprocedenceReviewed => (1..=10)
            .filter_map(|n| ImprocedenceCause::parse(&n.to_string()))
            .flat_map(|cause| {
                [Review::Confirmed, Review::Modified, Review::Revoked]
                    .map(|decision| RequestAct::ImprocedenceReviewed { cause, decision })
            })
            .collect(),
        ActKind::ImprocedenceNotified => (1..=10)
            .filter_map(|n| ImprocedenceCause::parse(&n.to_string()))
            .map(|cause| RequestAct::ImprocedenceNotified { cause })
            .collect(),
        ActKind::ExtensionNotified => vec![RequestAct::ExtensionNotified { days: None }],
        ActKind::Resolved => [
            Outcome::Granted,
            Outcome::PartiallyGranted,
            Outcome::Denied,
            Outcome::Nonexistent,
        ]
        .into_iter()
        .map(|outcome| RequestAct::Resolved { outcome })
        .collect(),
        ActKind::ResolutionNotified => vec![RequestAct::ResolutionNotified],
        ActKind::Fulfilled => vec![
            RequestAct::Fulfilled { delivery: None },
            RequestAct::Fulfilled {
                delivery: Some(Delivery {
                    modality: Modality::Electronic,
                    pages: 0,
                    page_cost: 0,
                    certification_cost: 0,
                    shipping_cost: 0,
                    medium_provided: false,
                    waived: false,
                }),
            },
        ],
        ActKind::Withdrawn => vec![RequestAct::Withdrawn],
        ActKind::Closed => vec![RequestAct::Closed],
    }
}

impl Request {
    /// The kinds of act that `role` may record on this request with effect on `date`, in
    /// the order of [`ActKind::ALL`]: those that [`Request::apply`] accepts, with valid
    /// fields, for that role on that day. Field values are not judged (a resolution is
    /// listed whatever its outcome will be). The filing is never listed: it starts a case.
    pub fn allowed_acts(&self, clock: &Clock, role: Role, date: NaiveDate) -> Vec<ActKind> {
        let actor = Actor::new("consulta", role);
        let at = Moment::Date(date);
        ActKind::ALL
            .into_iter()
            .filter(|k| *k != ActKind::Filed && k.allowed_roles().contains(&role))
            .filter(|k| {
                sample_acts(*k)
                    .into_iter()
                    .any(|act| self.clone().apply(clock, act, at, &actor).is_ok())
            })
            .collect()
    }
}
