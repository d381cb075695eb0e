//! The recurso de revisión (Título Noveno, Capítulo II, arts. 92–112) and the compliance
//! of its resolution (arts. 112, 136–138), as a state machine.
//!
//! An appeal is its own case, linked to the request it challenges. Its terms run on the
//! guarantor's calendar ("guarantor" is a role: the body named in the law no longer
//! exists). Filing outside the appeal window (art. 99, counted on the responsable's
//! calendar) is recorded, never refused, and the dismissal cause of art. 108.I is offered.
//!
//! The resolution term (art. 110.1: 20 days from the filing) is **interrupted** by a
//! requirement (art. 104.3: it restarts from zero the day after the answer), **suspended**
//! while a conciliation agreement is being complied with (art. 110.3: it resumes with the
//! days that were left), and may be **extended** once by 10 days, added after its due date,
//! if notified before it runs out. Left unanswered past its term, a requirement dismisses
//! the appeal (art. 104.2); left unresolved past its term, the response stands confirmed
//! (art. 110.10). Both are the work of time: [`Appeal::state_on`] derives them.

mod act;
mod allowed;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use act::{
    AppealAct, AppealActKind, AppealOutcome, DismissalCause, FINE_UMA, Fraction, Ground,
    REINCIDENT_FINE_UMA, Venue,
};

pub use allowed::sample_appeal_acts;

use crate::calendar::{Moment, TermError};
use crate::case::{Actor, Clock, Deadline, DeadlineStatus, Role, Stamp, TimeChange};
use crate::request::Request;
use crate::rules::TermId;

/// Where an appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealState {
    /// Filed; admission or dismissal pending.
    Filed,
    /// A requirement was notified; waiting for the titular's answer.
    Required,
    /// Desechado (arts. 104.2, 105, 108).
    Dismissed,
    /// Admitted: allegations, evidence, resolution pending.
    Admitted,
    /// The parties were invited to conciliate.
    ConciliationInvited,
    /// Both parties are willing; the hearing is pending.
    ConciliationAccepted,
    /// The hearing took place; agreement or failure pending.
    ConciliationHeld,
    /// An agreement is being complied with; the resolution term is suspended.
    ConciliationAgreement,
    /// The agreement was complied with: the appeal is left without matter (art. 106.VI).
    WithoutMatter,
    /// Cierre de instrucción: resolution within 10 days.
    InstructionClosed,
    /// No resolution within the term: the response stands confirmed (art. 110.10).
    ConfirmedBySilence,
    /// Resolved; notification and publication pending.
    Resolved,
    /// Notified, with nothing for the responsable to do.
    Concluded,
    /// The responsable must comply (art. 112.1).
    Compliance,
    /// Acuerdo de cumplimiento (art. 138.2): the file is archived.
    Complied,
    /// Acuerdo de incumplimiento (art. 138.2.I).
    NonCompliant,
    /// Public warning with more days to comply (art. 112.2).
    Warned,
    /// Fine with more days to comply (art. 112.3).
    Fined,
    /// Administrative arrest and criminal complaint (art. 112.4).
    Arrested,
}

impl AppealState {
    pub const ALL: &'static [AppealState] = &[
        AppealState::Filed,
        AppealState::Required,
        AppealState::Dismissed,
        AppealState::Admitted,
        AppealState::ConciliationInvited,
        AppealState::ConciliationAccepted,
        AppealState::ConciliationHeld,
        AppealState::ConciliationAgreement,
        AppealState::WithoutMatter,
        AppealState::InstructionClosed,
        AppealState::ConfirmedBySilence,
        AppealState::Resolved,
        AppealState::Concluded,
        AppealState::Compliance,
        AppealState::Complied,
        AppealState::NonCompliant,
        AppealState::Warned,
        AppealState::Fined,
        AppealState::Arrested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppealState::Filed => "filed",
            AppealState::Required => "required",
            AppealState::Dismissed => "dismissed",
            AppealState::Admitted => "admitted",
            AppealState::ConciliationInvited => "conciliation_invited",
            AppealState::ConciliationAccepted => "conciliation_accepted",
            AppealState::ConciliationHeld => "conciliation_held",
            AppealState::ConciliationAgreement => "conciliation_agreement",
            AppealState::WithoutMatter => "without_matter",
            AppealState::InstructionClosed => "instruction_closed",
            AppealState::ConfirmedBySilence => "confirmed_by_silence",
            AppealState::Resolved => "resolved",
            AppealState::Concluded => "concluded",
            AppealState::Compliance => "compliance",
            AppealState::Complied => "complied",
            AppealState::NonCompliant => "non_compliant",
            AppealState::Warned => "warned",
            AppealState::Fined => "fined",
            AppealState::Arrested => "arrested",
        }
    }

    pub fn parse(s: &str) -> Option<AppealState> {
        AppealState::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            AppealState::Filed => "interpuesto",
            AppealState::Required => "con requerimiento al recurrente",
            AppealState::Dismissed => "desechado",
            AppealState::Admitted => "admitido",
            AppealState::ConciliationInvited => "invitación a conciliar",
            AppealState::ConciliationAccepted => "conciliación aceptada",
            AppealState::ConciliationHeld => "audiencia de conciliación celebrada",
            AppealState::ConciliationAgreement => "acuerdo de conciliación en cumplimiento",
            AppealState::WithoutMatter => "sin materia",
            AppealState::InstructionClosed => "cierre de instrucción",
            AppealState::ConfirmedBySilence => "respuesta confirmada por falta de resolución",
            AppealState::Resolved => "resuelto, sin notificar",
            AppealState::Concluded => "concluido",
            AppealState::Compliance => "en cumplimiento",
            AppealState::Complied => "cumplido",
            AppealState::NonCompliant => "incumplimiento",
            AppealState::Warned => "amonestación pública",
            AppealState::Fined => "multa impuesta",
            AppealState::Arrested => "arresto ordenado",
        }
    }
}

/// Why an act on an appeal was refused. Spanish: shown to the guarantor's staff.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AppealError {
    #[error("el acto {act} no procede en el estado «{}» ({})", state.as_str(), state.label_es())]
    InvalidTransition {
        state: AppealState,
        act: AppealActKind,
    },
    #[error(
        "el plazo para desahogar el requerimiento venció el {due} sin desahogo: el recurso se desechó (art. 104.2) y el acto {act} ya no procede"
    )]
    Lapsed { act: AppealActKind, due: NaiveDate },
    #[error(
        "el requerimiento debe notificarse dentro de los cinco días siguientes a la interposición, que vencieron el {due}; se notificó el {notified} (art. 104.1)"
    )]
    RequirementOutOfTime { due: NaiveDate, notified: NaiveDate },
    #[error(
        "ya se requirió al recurrente el {on}: el requerimiento procede por una sola ocasión (art. 104.1)"
    )]
    SecondRequirement { on: NaiveDate },
    #[error(
        "el plazo para resolver ya se amplió el {on}: la ampliación procede por una sola ocasión (art. 110.1)"
    )]
    SecondExtension { on: NaiveDate },
    #[error(
        "la ampliación debe acordarse dentro del plazo para resolver, que vence el {due}; se notificó el {notified} (art. 110.1)"
    )]
    ExtensionOutOfTime { due: NaiveDate, notified: NaiveDate },
    #[error(
        "la solicitud de prórroga debe presentarse dentro de los primeros días del plazo de cumplimiento (tres, o menos si el plazo es menor), que terminaron el {due}; se presentó el {requested} (art. 136.3)"
    )]
    ComplianceExtensionOutOfTime {
        due: NaiveDate,
        requested: NaiveDate,
    },
    #[error(
        "el titular es menor de edad sin representación legal: no procede la conciliación (art. 106.2)"
    )]
    NoConciliationForMinor,
    #[error("{0}")]
    BadValue(String),
    #[error(
        "el acto {act} es prematuro: el plazo anterior vence el {due} y aún no ha transcurrido (art. {})", premature_article(*act)
    )]
    Premature { act: AppealActKind, due: NaiveDate },
    #[error("el acto {act} corresponde a: {}; quien lo registra actúa como {}", allowed.iter().filter(|r| **r != Role::Migration).map(|r| r.label_es()).collect::<Vec<_>>().join(" o "), role.label_es())]
    Forbidden {
        act: AppealActKind,
        role: Role,
        allowed: &'static [Role],
    },
    #[error(
        "el acto {act} tiene fecha de efectos {effective}, anterior al último acto registrado ({previous}); los actos se registran en orden"
    )]
    OutOfOrder {
        act: AppealActKind,
        effective: NaiveDate,
        previous: NaiveDate,
    },
    #[error("el primer acto de un recurso debe ser su interposición («appeal_filed»), no {act}")]
    NotFiledYet { act: AppealActKind },
    #[error(transparent)]
    Term(#[from] TermError),
}

/// One act as it entered the appeal's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAppealAct {
    pub seq: u32,
    pub act: AppealAct,
    pub at: Moment,
    pub effective: NaiveDate,
    pub actor: Actor,
    pub term: Option<TermId>,
    pub late: bool,
}

/// The appeal window of the request, as the filing found it (responsable's calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The last day to appeal.
    pub due: NaiveDate,
    /// The filing's effective date on the responsable's calendar.
    pub filed_on: NaiveDate,
    /// No response had been given and the term to give it had not run out yet: an appeal
    /// for falta de respuesta is premature (arts. 99.2, 100.VII, 108.III).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub response_pending: bool,
    /// The last day for the Unidad de Transparencia to forward an appeal filed with it,
    /// on its own calendar (art. 99.3: "a más tardar al día siguiente de haberlo
    /// recibido").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_due: Option<NaiveDate>,
}

impl Window {
    pub fn in_time(&self) -> bool {
        self.filed_on <= self.due
    }

    /// The window of `request` (counted on the responsable's `clock`) for an appeal filed
    /// at `at`; `None` when the request opened none (it lapsed or was withdrawn).
    pub fn of(
        request: &Request,
        clock: &Clock,
        at: &Moment,
    ) -> Result<Option<Window>, AppealError> {
        let filed_on = clock.calendar.effective_date(at)?;
        let deadlines = request
            .deadlines(clock, filed_on)
            .map_err(|e| AppealError::BadValue(e.to_string()))?;
        let answered = request.response_notice.is_some() || request.ending_notice().is_some();
        let forward_due = clock.due(TermId::ForwardToGuarantor, filed_on, 0)?;
        Ok(deadlines.get(&TermId::AppealWindow).map(|d| Window {
            due: d.due,
            filed_on,
            // Without a response the window opens the day after the response term ends.
            response_pending: !answered && filed_on <= d.from,
            forward_due: Some(forward_due),
        }))
    }
}

/// The appeal's projection, rebuilt from its acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub rulebook: String,
    pub venue: Venue,
    pub ground: Ground,
    pub minor_unrepresented: bool,
    pub state: AppealState,
    /// The filing, on the guarantor's calendar.
    pub filed: Stamp,
    pub window: Option<Window>,
    /// Filed outside the window: art. 108.I is offered as the dismissal cause; filed for
    /// falta de respuesta before the response term ran out, art. 108.III.
    pub suggested_dismissal: Option<DismissalCause>,
    /// Filed for falta de respuesta (art. 100.VII, XII) before the term to respond ran
    /// out (art. 99.2): recorded and flagged, with art. 108.III offered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub premature: bool,
    pub forwarded: Option<Stamp>,
    pub requirement: Option<Stamp>,
    /// The requirement was notified after its 5 days (art. 104.1): recorded and flagged,
    /// it neither interrupts the resolution term nor can dismiss the appeal (art. 6.1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requirement_late: bool,
    pub requirement_answer: Option<Stamp>,
    pub turned: Option<Stamp>,
    pub admission: Option<Stamp>,
    pub dismissal: Option<(Stamp, DismissalCause)>,
    pub invitation: Option<Stamp>,
    pub acceptance: Option<Stamp>,
    /// Conciliation hearings, each with whether a party was absent.
    pub hearings: Vec<(Stamp, bool)>,
    pub agreement: Option<Stamp>,
    /// The end of the conciliation after an agreement: fulfilled (true) or failed.
    pub agreement_end: Option<(Stamp, bool)>,
    pub conciliation_failed: Option<Stamp>,
    pub evidence_hearing: Option<Stamp>,
    pub instruction_closed: Option<Stamp>,
    pub extension: Option<Stamp>,
    /// The days the extension granted ("hasta por diez", art. 110.1); `None`: the maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_days: Option<u32>,
    pub resolution: Option<(Stamp, AppealOutcome, u32)>,
    pub resolution_notice: Option<Stamp>,
    pub extension_request: Option<Stamp>,
    pub extension_ruling: Option<(Stamp, u32)>,
    pub report: Option<Stamp>,
    /// The date the report says the responsable complied on (art. 137.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complied_on: Option<NaiveDate>,
    pub vista: Option<Stamp>,
    pub statement: Option<Stamp>,
    /// Rulings on compliance, in order: complied or not.
    pub rulings: Vec<(Stamp, bool)>,
    pub warning: Option<(Stamp, u32)>,
    pub fine: Option<(Stamp, u32, u32)>,
    pub arrest: Option<Stamp>,
    pub acts: Vec<RecordedAppealAct>,
}

/// Optional terms: powers or the parties' rights, void rather than missed when unused.
fn optional(t: TermId) -> bool {
    matches!(
        t,
        TermId::AppealRequirement
            | TermId::ConciliationWillingness
            | TermId::AbsenceJustification
            | TermId::Allegations
            | TermId::FinalStatements
            | TermId::ComplianceExtensionRequest
            | TermId::ComplianceHearingTitular
    )
}

/// The article that makes an act wait for a term.
fn premature_article(act: AppealActKind) -> &'static str {
    match act {
        AppealActKind::InstructionClosed => "107.VII",
        AppealActKind::ComplianceRuled => "136.3, 137 y 138.1",
        AppealActKind::FineImposed => "112.3",
        AppealActKind::ArrestOrdered => "112.4",
        _ => "112",
    }
}

fn check_role(act: AppealActKind, actor: &Actor) -> Result<(), AppealError> {
    let allowed = act.allowed_roles();
    if allowed.contains(&actor.role) {
        Ok(())
    } else {
        Err(AppealError::Forbidden {
            act,
            role: actor.role,
            allowed,
        })
    }
}

impl Appeal {
    /// Files an appeal. `window`: the request's appeal window with the filing's effective
    /// date on the responsable's calendar, when the request is known.
    pub fn file(
        clock: &Clock,
        act: AppealAct,
        at: Moment,
        actor: &Actor,
        window: Option<Window>,
    ) -> Result<Appeal, AppealError> {
        let AppealAct::AppealFiled {
            venue,
            ground,
            minor_unrepresented,
        } = act
        else {
            return Err(AppealError::NotFiledYet { act: act.kind() });
        };
        check_role(AppealActKind::AppealFiled, actor)?;
        let filed = clock.stamp(at)?;
        clock.due(TermId::AppealResolution, filed.effective, 0)?;
        let late = window.is_some_and(|w| !w.in_time());
        let premature = ground.is_lack_of_response() && window.is_some_and(|w| w.response_pending);
        let suggested = match (late, premature) {
            (true, _) => DismissalCause::parse("I"),
            (false, true) => DismissalCause::parse("III"),
            (false, false) => None,
        };
        Ok(Appeal {
            rulebook: clock.rulebook.id.clone(),
            venue,
            ground,
            minor_unrepresented,
            state: AppealState::Filed,
            filed,
            window,
            suggested_dismissal: suggested,
            premature,
            forwarded: None,
            requirement: None,
            requirement_late: false,
            requirement_answer: None,
            turned: None,
            admission: None,
            dismissal: None,
            invitation: None,
            acceptance: None,
            hearings: Vec::new(),
            agreement: None,
            agreement_end: None,
            conciliation_failed: None,
            evidence_hearing: None,
            instruction_closed: None,
            extension: None,
            extension_days: None,
            resolution: None,
            resolution_notice: None,
            extension_request: None,
            extension_ruling: None,
            report: None,
            complied_on: None,
            vista: None,
            statement: None,
            rulings: Vec::new(),
            warning: None,
            fine: None,
            arrest: None,
            acts: vec![RecordedAppealAct {
                seq: 1,
                act,
                at,
                effective: filed.effective,
                actor: actor.clone(),
                term: Some(TermId::AppealWindow),
                late,
            }],
        })
    }

    /// Day 0 of admission: the filing, or the answer to a requirement.
    fn admission_from(&self) -> NaiveDate {
        match self.requirement_answer {
            Some(a) if !self.requirement_late => a.effective,
            _ => self.filed.effective,
        }
    }

    /// The forwarding's due date: on the Unidad de Transparencia's calendar when the
    /// request is known (art. 99.3), else on the guarantor's.
    fn forward_due(&self, clock: &Clock) -> Result<NaiveDate, AppealError> {
        match self.window.and_then(|w| w.forward_due) {
            Some(d) => Ok(d),
            None => Ok(clock.due(TermId::ForwardToGuarantor, self.filed.effective, 0)?),
        }
    }

    /// The due date of the requirement's answer while a requirement is pending.
    fn lapse_date(&self, clock: &Clock) -> Result<Option<NaiveDate>, AppealError> {
        match (self.state, self.requirement) {
            (AppealState::Required, Some(r)) => Ok(Some(clock.due(
                TermId::AppealRequirementReply,
                r.effective,
                0,
            )?)),
            _ => Ok(None),
        }
    }

    /// The resolution term's due date, with its extension: `None` while the term is
    /// interrupted (requirement pending), suspended (agreement being complied with) or no
    /// longer running (agreement fulfilled).
    pub fn resolution_due(&self, clock: &Clock) -> Result<Option<NaiveDate>, AppealError> {
        if self.requirement.is_some() && self.requirement_answer.is_none() && !self.requirement_late
        {
            return Ok(None);
        }
        let max = clock
            .term(TermId::AppealResolution)?
            .extension_days
            .unwrap_or(0);
        let ext_days = self.extension_days.unwrap_or(max);
        let extension = self.extension.map(|x| x.effective);
        // Interruption (104.3): from zero, the day after the answer.
        let mut due = clock.due(TermId::AppealResolution, self.admission_from(), 0)?;
        let mut extended = false;
        if let Some(a) = self.agreement {
            if extension.is_some_and(|x| x <= a.effective) {
                due = clock.calendar.add_business_days(due, ext_days)?;
                extended = true;
            }
            // Suspension (110.3): the days left after the agreement, resumed on failure.
            let left = clock.calendar.business_days_between(a.effective, due)?;
            match self.agreement_end {
                Some((end, false)) => {
                    due = clock.calendar.add_business_days(end.effective, left)?
                }
                _ => return Ok(None),
            }
        }
        if extension.is_some() && !extended {
            due = clock.calendar.add_business_days(due, ext_days)?;
        }
        Ok(Some(due))
    }

    /// The state on `date`: an unanswered requirement past its term dismisses the appeal
    /// (art. 104.2); a resolution term run out without resolution confirms the response
    /// (art. 110.10).
    pub fn state_on(&self, clock: &Clock, date: NaiveDate) -> Result<AppealState, AppealError> {
        Ok(match self.time_change(clock)? {
            Some(c) if date > c.after => c.state,
            _ => self.state,
        })
    }

    /// How time alone changes this appeal: a requirement left unanswered dismisses it
    /// (art. 104.2; then it owes nothing more), and the guarantor's silence past the
    /// resolution term confirms the response (art. 110.10; its terms run on).
    pub fn time_change(
        &self,
        clock: &Clock,
    ) -> Result<Option<TimeChange<AppealState>>, AppealError> {
        if let Some(after) = self.lapse_date(clock)? {
            return Ok(Some(TimeChange {
                after,
                state: AppealState::Dismissed,
                stops: true,
            }));
        }
        let open = matches!(
            self.state,
            AppealState::Filed
                | AppealState::Admitted
                | AppealState::ConciliationInvited
                | AppealState::ConciliationAccepted
                | AppealState::ConciliationHeld
                | AppealState::InstructionClosed
        );
        if open && let Some(after) = self.resolution_due(clock)? {
            return Ok(Some(TimeChange {
                after,
                state: AppealState::ConfirmedBySilence,
                stops: false,
            }));
        }
        Ok(None)
    }

    fn last_effective(&self) -> NaiveDate {
        self.acts
            .last()
            .map_or(self.filed.effective, |a| a.effective)
    }

    /// Art. 136.3: within the first three days of the compliance term (fewer if the
    /// resolution gave fewer).
    fn extension_request_due(
        &self,
        clock: &Clock,
        notice: NaiveDate,
    ) -> Result<NaiveDate, AppealError> {
        let days = clock.term(TermId::ComplianceExtensionRequest)?.days;
        let given = self.resolution.map_or(days, |(_, _, d)| d);
        Ok(clock.calendar.add_business_days(notice, days.min(given))?)
    }

    fn compliance_due(&self, clock: &Clock) -> Result<Option<(NaiveDate, NaiveDate)>, AppealError> {
        let (Some(notice), Some((_, outcome, days))) = (self.resolution_notice, self.resolution)
        else {
            return Ok(None);
        };
        if !outcome.orders_action() {
            return Ok(None);
        }
        let original = clock.calendar.add_business_days(notice.effective, days)?;
        let granted = self.extension_ruling.map_or(0, |(_, d)| d);
        Ok(Some((
            original,
            clock.calendar.add_business_days(original, granted)?,
        )))
    }

    /// Records one more act done at `at` by `actor`. On error nothing changes.
    pub fn apply(
        &mut self,
        clock: &Clock,
        act: AppealAct,
        at: Moment,
        actor: &Actor,
    ) -> Result<&RecordedAppealAct, AppealError> {
        use AppealAct as A;
        use AppealState as S;
        let kind = act.kind();
        check_role(kind, actor)?;
        let stamp = clock.stamp(at)?;
        let eff = stamp.effective;
        let previous = self.last_effective();
        if eff < previous {
            return Err(AppealError::OutOfOrder {
                act: kind,
                effective: eff,
                previous,
            });
        }
        let lapsed = match self.lapse_date(clock)? {
            Some(due) if eff > due => Some(due),
            _ => None,
        };
        // After the lapse only the acuerdo de desechamiento itself may be recorded.
        if let Some(due) = lapsed
            && kind != AppealActKind::AppealDismissed
        {
            return Err(AppealError::Lapsed { act: kind, due });
        }
        let state = self.state;
        let invalid = || AppealError::InvalidTransition { state, act: kind };
        let due_of = |t: TermId, from: NaiveDate| clock.due(t, from, 0);
        let filed = self.filed.effective;

        let (next, term): (AppealState, Option<(TermId, NaiveDate)>) = match (&act, state) {
            (A::AppealFiled { .. }, _) => return Err(invalid()),
            (A::AppealForwarded, S::Filed | S::Required)
                if self.venue == Venue::Unit && self.forwarded.is_none() =>
            {
                (
                    state,
                    Some((TermId::ForwardToGuarantor, self.forward_due(clock)?)),
                )
            }
            (A::AppealRequirementNotified, S::Filed | S::Required) => {
                if let Some(r) = self.requirement {
                    return Err(AppealError::SecondRequirement { on: r.effective });
                }
                // "En un plazo que no podrá exceder de cinco días" (art. 104.1). Late, it is
                // recorded and flagged but the appeal goes on as if there were none, as a
                // late prevention (art. 52.1) does: art. 6.1.
                let due = due_of(TermId::AppealRequirement, filed)?;
                let next = if eff > due { S::Filed } else { S::Required };
                (next, Some((TermId::AppealRequirement, due)))
            }
            (A::AppealRequirementAnswered, S::Filed | S::Admitted)
                if self.requirement_late && self.requirement_answer.is_none() =>
            {
                let r = self.requirement.ok_or_else(invalid)?;
                (
                    state,
                    Some((
                        TermId::AppealRequirementReply,
                        due_of(TermId::AppealRequirementReply, r.effective)?,
                    )),
                )
            }
            (A::AppealRequirementAnswered, S::Required) => {
                let r = self.requirement.ok_or_else(invalid)?;
                (
                    S::Filed,
                    Some((
                        TermId::AppealRequirementReply,
                        due_of(TermId::AppealRequirementReply, r.effective)?,
                    )),
                )
            }
            (A::AppealTurned, S::Filed | S::Required) if self.turned.is_none() => (
                state,
                Some((TermId::AppealTurn, due_of(TermId::AppealTurn, filed)?)),
            ),
            (A::AppealAdmitted, S::Filed) => (
                S::Admitted,
                Some((
                    TermId::AppealAdmission,
                    due_of(TermId::AppealAdmission, self.admission_from())?,
                )),
            ),
            // While a requirement is pending the admission term does not run.
            (A::AppealDismissed { .. }, S::Required) => (S::Dismissed, None),
            (A::AppealDismissed { .. }, S::Filed) => (
                S::Dismissed,
                Some((
                    TermId::AppealAdmission,
                    due_of(TermId::AppealAdmission, self.admission_from())?,
                )),
            ),
            (A::ConciliationInvited, S::Admitted) if self.invitation.is_none() => {
                if self.minor_unrepresented {
                    return Err(AppealError::NoConciliationForMinor);
                }
                (S::ConciliationInvited, None)
            }
            (A::ConciliationAccepted, S::ConciliationInvited) => {
                let inv = self.invitation.ok_or_else(invalid)?;
                (
                    S::ConciliationAccepted,
                    Some((
                        TermId::ConciliationWillingness,
                        due_of(TermId::ConciliationWillingness, inv.effective)?,
                    )),
                )
            }
            (A::ConciliationHearingHeld { absent }, S::ConciliationAccepted) => {
                let acc = self.acceptance.ok_or_else(invalid)?;
                match self.hearings.as_slice() {
                    [] => {
                        let due = due_of(TermId::ConciliationHearing, acc.effective)?;
                        let next = if *absent {
                            S::ConciliationAccepted
                        } else {
                            S::ConciliationHeld
                        };
                        (next, Some((TermId::ConciliationHearing, due)))
                    }
                    [(first, true)] => {
                        let justify = due_of(TermId::AbsenceJustification, first.effective)?;
                        let due = due_of(TermId::SecondHearing, justify)?;
                        // Absent again: the appeal goes on (art. 106.III).
                        let next = if *absent {
                            S::Admitted
                        } else {
                            S::ConciliationHeld
                        };
                        (next, Some((TermId::SecondHearing, due)))
                    }
                    _ => return Err(invalid()),
                }
            }
            (A::ConciliationAgreement, S::ConciliationHeld) => (S::ConciliationAgreement, None),
            (A::ConciliationAgreementFulfilled, S::ConciliationAgreement) => {
                (S::WithoutMatter, None)
            }
            (
                A::ConciliationFailed,
                S::ConciliationInvited
                | S::ConciliationAccepted
                | S::ConciliationHeld
                | S::ConciliationAgreement,
            ) => (S::Admitted, None),
            (A::EvidenceHearingHeld, S::Admitted) if self.evidence_hearing.is_none() => {
                (S::Admitted, None)
            }
            (A::InstructionClosed, S::Admitted) => {
                // The parties' terms run out first (art. 107.II, VI, VII).
                let admitted = self.admission.ok_or_else(invalid)?;
                let mut wait = due_of(TermId::Allegations, admitted.effective)?;
                if let Some(e) = self.evidence_hearing {
                    wait = wait.max(due_of(TermId::FinalStatements, e.effective)?);
                }
                if eff <= wait {
                    return Err(AppealError::Premature {
                        act: kind,
                        due: wait,
                    });
                }
                (S::InstructionClosed, None)
            }
            (
                A::AppealExtensionNotified { days },
                S::Admitted
                | S::ConciliationInvited
                | S::ConciliationAccepted
                | S::ConciliationHeld
                | S::InstructionClosed,
            ) => {
                if let Some(x) = self.extension {
                    return Err(AppealError::SecondExtension { on: x.effective });
                }
                let due = self.resolution_due(clock)?.ok_or_else(invalid)?;
                if eff > due {
                    return Err(AppealError::ExtensionOutOfTime { due, notified: eff });
                }
                let max = clock
                    .term(TermId::AppealResolution)?
                    .extension_days
                    .unwrap_or(0);
                if let Some(d) = days
                    && !(1..=max).contains(d)
                {
                    return Err(AppealError::BadValue(format!(
                        "days = {d}: el plazo para resolver puede ampliarse hasta por {max} días (art. 110.1); indique de 1 a {max}"
                    )));
                }
                (state, Some((TermId::AppealResolution, due)))
            }
            (A::AppealExtensionNotified { .. }, _) if self.extension.is_some() => {
                return Err(AppealError::SecondExtension {
                    on: self.extension.map_or(eff, |x| x.effective),
                });
            }
            (
                A::AppealResolved {
                    outcome,
                    compliance_days,
                },
                S::Admitted
                | S::ConciliationInvited
                | S::ConciliationAccepted
                | S::ConciliationHeld
                | S::InstructionClosed,
            ) => {
                let max = clock.term(TermId::Compliance)?.max_days.unwrap_or(10);
                match (outcome.orders_action(), compliance_days) {
                    (true, Some(d)) if (1..=max).contains(d) => {}
                    (true, Some(d)) => {
                        return Err(AppealError::BadValue(format!(
                            "compliance_days = {d}: el plazo de cumplimiento va de 1 a {max} días (art. 112.1)"
                        )));
                    }
                    (true, None) => {
                        return Err(AppealError::BadValue(format!(
                            "la resolución «{}» ordena actuar al responsable: falta compliance_days, el plazo para cumplir (1 a {max} días, art. 112.1)",
                            outcome.label_es()
                        )));
                    }
                    (false, Some(_)) => {
                        return Err(AppealError::BadValue(format!(
                            "la resolución «{}» no ordena actuar al responsable: compliance_days no aplica",
                            outcome.label_es()
                        )));
                    }
                    (false, None) => {}
                }
                let due = self.resolution_due(clock)?.ok_or_else(invalid)?;
                let term = match self.instruction_closed {
                    Some(c) => {
                        let after = due_of(TermId::ResolutionAfterClose, c.effective)?;
                        if after < due {
                            (TermId::ResolutionAfterClose, after)
                        } else {
                            (TermId::AppealResolution, due)
                        }
                    }
                    None => (TermId::AppealResolution, due),
                };
                (S::Resolved, Some(term))
            }
            (A::AppealResolutionNotified, S::Resolved) => {
                let (r, outcome, _) = self.resolution.ok_or_else(invalid)?;
                let next = if outcome.orders_action() {
                    S::Compliance
                } else {
                    S::Concluded
                };
                (
                    next,
                    Some((
                        TermId::Publication,
                        due_of(TermId::Publication, r.effective)?,
                    )),
                )
            }
            (A::ComplianceExtensionRequested, S::Compliance)
                if self.extension_request.is_none() && self.report.is_none() =>
            {
                let notice = self.resolution_notice.ok_or_else(invalid)?;
                let due = self.extension_request_due(clock, notice.effective)?;
                if eff > due {
                    return Err(AppealError::ComplianceExtensionOutOfTime {
                        due,
                        requested: eff,
                    });
                }
                (
                    S::Compliance,
                    Some((TermId::ComplianceExtensionRequest, due)),
                )
            }
            (A::ComplianceExtensionRuled { granted_days }, S::Compliance)
                if self.extension_request.is_some() && self.extension_ruling.is_none() =>
            {
                if *granted_days > 365 {
                    return Err(AppealError::BadValue(format!(
                        "granted_days = {granted_days}: una prórroga de más de un año no es razonable; revise el dato"
                    )));
                }
                let req = self.extension_request.ok_or_else(invalid)?;
                (
                    S::Compliance,
                    Some((
                        TermId::ComplianceExtensionRuling,
                        due_of(TermId::ComplianceExtensionRuling, req.effective)?,
                    )),
                )
            }
            (A::ComplianceReported { complied_on }, S::Compliance) if self.report.is_none() => {
                let (_, end) = self.compliance_due(clock)?.ok_or_else(invalid)?;
                if let Some(c) = complied_on
                    && *c > eff
                {
                    return Err(AppealError::BadValue(format!(
                        "complied_on = {c}: el informe no puede dar por cumplida la resolución en una fecha posterior a la del propio informe ({eff}) (art. 137.1)"
                    )));
                }
                (
                    S::Compliance,
                    Some((
                        TermId::ComplianceReport,
                        due_of(TermId::ComplianceReport, end)?,
                    )),
                )
            }
            (A::ComplianceVistaGiven, S::Compliance)
                if self.report.is_some() && self.vista.is_none() =>
            {
                let r = self.report.ok_or_else(invalid)?;
                (
                    S::Compliance,
                    Some((
                        TermId::ComplianceVista,
                        due_of(TermId::ComplianceVista, r.effective)?,
                    )),
                )
            }
            (A::TitularStatement, S::Compliance)
                if self.vista.is_some() && self.statement.is_none() =>
            {
                let v = self.vista.ok_or_else(invalid)?;
                (
                    S::Compliance,
                    Some((
                        TermId::ComplianceHearingTitular,
                        due_of(TermId::ComplianceHearingTitular, v.effective)?,
                    )),
                )
            }
            (A::ComplianceRuled { complied }, S::Compliance) => {
                let term = match (self.vista, self.statement) {
                    (_, Some(st)) => Some((
                        TermId::ComplianceRuling,
                        due_of(TermId::ComplianceRuling, st.effective)?,
                    )),
                    (Some(v), None) => {
                        // The titular has 5 days to speak (art. 137.2) before the ruling.
                        let hearing = due_of(TermId::ComplianceHearingTitular, v.effective)?;
                        if eff <= hearing {
                            return Err(AppealError::Premature {
                                act: kind,
                                due: hearing,
                            });
                        }
                        Some((
                            TermId::ComplianceRuling,
                            due_of(TermId::ComplianceRuling, hearing)?,
                        ))
                    }
                    // No report: the guarantor verifies de oficio (art. 137.2) once the
                    // report's term has run out.
                    // A request for more time is decided first (art. 137.1 counts the
                    // report from the end of the extension granted), within its 5 days.
                    (None, None)
                        if self.extension_request.is_some()
                            && self.extension_ruling.is_none()
                            && self.extension_request.is_some_and(|r| {
                                due_of(TermId::ComplianceExtensionRuling, r.effective)
                                    .is_ok_and(|d| eff <= d)
                            }) =>
                    {
                        let req = self.extension_request.ok_or_else(invalid)?;
                        return Err(AppealError::Premature {
                            act: kind,
                            due: due_of(TermId::ComplianceExtensionRuling, req.effective)?,
                        });
                    }
                    (None, None) if self.report.is_none() => {
                        let (_, end) = self.compliance_due(clock)?.ok_or_else(invalid)?;
                        let report_due = due_of(TermId::ComplianceReport, end)?;
                        if eff <= report_due {
                            return Err(AppealError::Premature {
                                act: kind,
                                due: report_due,
                            });
                        }
                        None
                    }
                    (None, None) => return Err(invalid()),
                };
                let next = if *complied {
                    S::Complied
                } else {
                    S::NonCompliant
                };
                (next, term)
            }
            (
                A::ComplianceRuled { complied: true },
                S::NonCompliant | S::Warned | S::Fined | S::Arrested,
            ) => (S::Complied, None),
            (A::PublicWarning { days }, S::NonCompliant) => {
                if !(1..=10).contains(days) {
                    return Err(AppealError::BadValue(format!(
                        "days = {days}: la amonestación concede de 1 a 10 días para cumplir (art. 112.2)"
                    )));
                }
                (S::Warned, None)
            }
            (
                A::FineImposed {
                    days,
                    uma,
                    reincidence,
                },
                S::Warned,
            ) => {
                if !(1..=5).contains(days) {
                    return Err(AppealError::BadValue(format!(
                        "days = {days}: la multa concede de 1 a 5 días para cumplir (art. 112.3)"
                    )));
                }
                // A reincidente may be fined up to twice the maximum (art. 143.2).
                let (most, article) = if *reincidence {
                    (REINCIDENT_FINE_UMA, "arts. 112.3 y 143.2, por reincidencia")
                } else {
                    (FINE_UMA.1, "art. 112.3")
                };
                if !(FINE_UMA.0..=most).contains(uma) {
                    return Err(AppealError::BadValue(format!(
                        "uma = {uma}: la multa va de {} a {most} UMA ({article})",
                        FINE_UMA.0
                    )));
                }
                let (w, wd) = self.warning.ok_or_else(invalid)?;
                let due = clock.calendar.add_business_days(w.effective, wd)?;
                if eff <= due {
                    return Err(AppealError::Premature { act: kind, due });
                }
                (S::Fined, None)
            }
            (A::ArrestOrdered, S::Fined) => {
                let (f, fd, _) = self.fine.ok_or_else(invalid)?;
                let fine_due = clock.calendar.add_business_days(f.effective, fd)?;
                if eff <= fine_due {
                    return Err(AppealError::Premature {
                        act: kind,
                        due: fine_due,
                    });
                }
                (
                    S::Arrested,
                    Some((TermId::Arrest, due_of(TermId::Arrest, fine_due)?)),
                )
            }
            _ => return Err(invalid()),
        };

        match &act {
            A::AppealForwarded => self.forwarded = Some(stamp),
            A::AppealRequirementNotified => {
                self.requirement = Some(stamp);
                self.requirement_late = term.is_some_and(|(_, due)| eff > due);
            }
            A::AppealRequirementAnswered => self.requirement_answer = Some(stamp),
            A::AppealTurned => self.turned = Some(stamp),
            A::AppealAdmitted => self.admission = Some(stamp),
            A::AppealDismissed { cause } => self.dismissal = Some((stamp, *cause)),
            A::ConciliationInvited => self.invitation = Some(stamp),
            A::ConciliationAccepted => self.acceptance = Some(stamp),
            A::ConciliationHearingHeld { absent } => self.hearings.push((stamp, *absent)),
            A::ConciliationAgreement => self.agreement = Some(stamp),
            A::ConciliationAgreementFulfilled => self.agreement_end = Some((stamp, true)),
            A::ConciliationFailed => {
                if self.agreement.is_some() {
                    self.agreement_end = Some((stamp, false));
                } else {
                    self.conciliation_failed = Some(stamp);
                }
            }
            A::EvidenceHearingHeld => self.evidence_hearing = Some(stamp),
            A::InstructionClosed => self.instruction_closed = Some(stamp),
            A::AppealExtensionNotified { days } => {
                self.extension = Some(stamp);
                self.extension_days = *days;
            }
            A::AppealResolved {
                outcome,
                compliance_days,
            } => self.resolution = Some((stamp, *outcome, compliance_days.unwrap_or(0))),
            A::AppealResolutionNotified => self.resolution_notice = Some(stamp),
            A::ComplianceExtensionRequested => self.extension_request = Some(stamp),
            A::ComplianceExtensionRuled { granted_days } => {
                self.extension_ruling = Some((stamp, *granted_days))
            }
            A::ComplianceReported { complied_on } => {
                self.report = Some(stamp);
                self.complied_on = *complied_on;
            }
            A::ComplianceVistaGiven => self.vista = Some(stamp),
            A::TitularStatement => self.statement = Some(stamp),
            A::ComplianceRuled { complied } => self.rulings.push((stamp, *complied)),
            A::PublicWarning { days } => self.warning = Some((stamp, *days)),
            A::FineImposed { days, uma, .. } => self.fine = Some((stamp, *days, *uma)),
            A::ArrestOrdered => self.arrest = Some(stamp),
            A::AppealFiled { .. } => {}
        }
        self.state = next;
        let seq = self.acts.len() as u32 + 1;
        self.acts.push(RecordedAppealAct {
            seq,
            act,
            at,
            effective: eff,
            actor: actor.clone(),
            term: term.map(|(t, _)| t),
            late: term.is_some_and(|(_, due)| eff > due),
        });
        Ok(self.acts.last().expect("just pushed"))
    }

    /// Rebuilds an appeal from its acts (the filing first).
    pub fn rebuild<'a>(
        clock: &Clock,
        window: Option<Window>,
        acts: impl IntoIterator<Item = (&'a AppealAct, Moment, &'a Actor)>,
    ) -> Result<Appeal, (usize, AppealError)> {
        let mut appeal: Option<Appeal> = None;
        for (i, (act, at, actor)) in acts.into_iter().enumerate() {
            match &mut appeal {
                None => {
                    appeal = Some(
                        Appeal::file(clock, act.clone(), at, actor, window).map_err(|e| (i, e))?,
                    )
                }
                Some(a) => {
                    a.apply(clock, act.clone(), at, actor).map_err(|e| (i, e))?;
                }
            }
        }
        appeal.ok_or((
            0,
            AppealError::NotFiledYet {
                act: AppealActKind::AppealFiled,
            },
        ))
    }

    /// Every term of the appeal and its compliance on `as_of`, keyed by the ids of terms.md.
    pub fn deadlines(
        &self,
        clock: &Clock,
        as_of: NaiveDate,
    ) -> Result<BTreeMap<TermId, Deadline>, AppealError> {
        let mut out = BTreeMap::new();
        let state = self.state_on(clock, as_of)?;
        let filed = self.filed.effective;
        let ended = matches!(state, AppealState::Dismissed | AppealState::WithoutMatter);
        let eff = |s: Option<Stamp>| s.map(|s| s.effective);
        let put = |out: &mut BTreeMap<TermId, Deadline>, mut d: Deadline, void: bool| {
            if void && d.done.is_none() {
                d.status = DeadlineStatus::Void;
            }
            out.insert(d.term, d);
        };
        let dl = |t: TermId, from: NaiveDate, done: Option<NaiveDate>| {
            clock.deadline(t, from, done, as_of, optional(t))
        };

        if self.venue == Venue::Unit {
            // Art. 99.3: the UT's duty, on the UT's calendar (the due date comes with the
            // window); the forwarding itself takes effect on the guarantor's.
            let mut f = dl(TermId::ForwardToGuarantor, filed, eff(self.forwarded))?;
            if let Some(w) = self.window
                && let Some(due) = w.forward_due
            {
                f.from = w.filed_on;
                f.due = due;
                f.status = DeadlineStatus::of(due, f.done, as_of, false);
            }
            put(&mut out, f, ended);
        }
        let decided = self.admission.or(self.dismissal.map(|(s, _)| s));
        put(
            &mut out,
            dl(TermId::AppealRequirement, filed, eff(self.requirement))?,
            decided.is_some() || ended,
        );
        if let Some(r) = self.requirement {
            put(
                &mut out,
                dl(
                    TermId::AppealRequirementReply,
                    r.effective,
                    eff(self.requirement_answer),
                )?,
                self.dismissal.is_some() || self.requirement_late,
            );
        }
        put(
            &mut out,
            dl(TermId::AppealTurn, filed, eff(self.turned.or(decided)))?,
            ended,
        );
        if self.requirement.is_none() || self.requirement_answer.is_some() || self.requirement_late
        {
            put(
                &mut out,
                dl(TermId::AppealAdmission, self.admission_from(), eff(decided))?,
                ended,
            );
        }
        if let Some(inv) = self.invitation {
            put(
                &mut out,
                dl(
                    TermId::ConciliationWillingness,
                    inv.effective,
                    eff(self.acceptance),
                )?,
                ended,
            );
        }
        if let Some(acc) = self.acceptance {
            let first = self.hearings.first().map(|(s, _)| s.effective);
            put(
                &mut out,
                dl(TermId::ConciliationHearing, acc.effective, first)?,
                ended,
            );
            if let Some((h, true)) = self.hearings.first() {
                let j = dl(TermId::AbsenceJustification, h.effective, None)?;
                let second = self.hearings.get(1).map(|(s, _)| s.effective);
                put(&mut out, dl(TermId::SecondHearing, j.due, second)?, ended);
                put(&mut out, j, ended);
            }
        }
        if let Some(a) = self.admission {
            put(&mut out, dl(TermId::Allegations, a.effective, None)?, ended);
        }
        if let Some(e) = self.evidence_hearing {
            put(
                &mut out,
                dl(TermId::FinalStatements, e.effective, None)?,
                ended,
            );
        }

        let resolved = self.resolution.map(|(s, _, _)| s.effective);
        if let Some(due) = self.resolution_due(clock)? {
            let term = clock.term(TermId::AppealResolution)?;
            let from = self.admission_from();
            let days = clock.calendar.business_days_between(from, due)?;
            put(
                &mut out,
                Deadline {
                    term: TermId::AppealResolution,
                    from,
                    days,
                    due,
                    status: DeadlineStatus::of(due, resolved, as_of, false),
                    done: resolved,
                    optional: false,
                    article: term.article.clone(),
                },
                ended || self.dismissal.is_some(),
            );
        }
        if let Some(c) = self.instruction_closed {
            put(
                &mut out,
                dl(TermId::ResolutionAfterClose, c.effective, resolved)?,
                ended,
            );
        }
        if let Some(r) = resolved {
            put(
                &mut out,
                dl(TermId::Publication, r, eff(self.resolution_notice))?,
                false,
            );
        }

        // Compliance (arts. 112, 136–138).
        if let Some((original, end)) = self.compliance_due(clock)? {
            let notice = self.resolution_notice.map_or(filed, |n| n.effective);
            let days = self.resolution.map_or(0, |(_, _, d)| d);
            // Compliance is met by complying, not by reporting (arts. 112.1, 137.1, 138):
            // on the date the report says, until the guarantor rules; a ruling of
            // non-compliance leaves the term unmet (missed once it has run out) whatever
            // came after; a ruling of compliance without a date in the report meets it on
            // the ruling's day.
            let complied_on = match self.rulings.first() {
                Some((_, false)) => None,
                Some((r, true)) => self.complied_on.or(Some(r.effective)),
                None => self.complied_on,
            };
            let mut c =
                clock.deadline_days(TermId::Compliance, notice, days, complied_on, as_of, false)?;
            if end != original {
                c.days += clock.calendar.business_days_between(original, end)?;
                c.due = end;
                c.status = DeadlineStatus::of(end, c.done, as_of, false);
            }
            put(&mut out, c, false);
            let request_days = clock
                .term(TermId::ComplianceExtensionRequest)?
                .days
                .min(days);
            put(
                &mut out,
                clock.deadline_days(
                    TermId::ComplianceExtensionRequest,
                    notice,
                    request_days,
                    eff(self.extension_request),
                    as_of,
                    true,
                )?,
                self.report.is_some(),
            );
            if let Some(req) = self.extension_request {
                put(
                    &mut out,
                    dl(
                        TermId::ComplianceExtensionRuling,
                        req.effective,
                        self.extension_ruling.map(|(s, _)| s.effective),
                    )?,
                    false,
                );
            }
            put(
                &mut out,
                dl(TermId::ComplianceReport, end, eff(self.report))?,
                false,
            );
            if let Some(r) = self.report {
                put(
                    &mut out,
                    dl(TermId::ComplianceVista, r.effective, eff(self.vista))?,
                    false,
                );
            }
            if let Some(v) = self.vista {
                let hearing = dl(
                    TermId::ComplianceHearingTitular,
                    v.effective,
                    eff(self.statement),
                )?;
                let from = self.statement.map_or(hearing.due, |s| s.effective);
                let first_ruling = self.rulings.first().map(|(s, _)| s.effective);
                put(
                    &mut out,
                    dl(TermId::ComplianceRuling, from, first_ruling)?,
                    false,
                );
                put(&mut out, hearing, false);
            }
            if let Some((r, false)) = self.rulings.first() {
                let later = self
                    .rulings
                    .iter()
                    .skip(1)
                    .find(|(_, ok)| *ok)
                    .map(|(s, _)| s.effective);
                put(
                    &mut out,
                    dl(TermId::SuperiorCompliance, r.effective, later)?,
                    false,
                );
                if let Some((w, wd)) = self.warning {
                    let d = clock.deadline_days(
                        TermId::WarningCompliance,
                        w.effective,
                        wd,
                        later,
                        as_of,
                        false,
                    )?;
                    put(&mut out, d, false);
                }
                if let Some((f, fd, _)) = self.fine {
                    let d = clock.deadline_days(
                        TermId::FineCompliance,
                        f.effective,
                        fd,
                        later,
                        as_of,
                        false,
                    )?;
                    let fine_due = d.due;
                    put(&mut out, d, false);
                    put(
                        &mut out,
                        dl(TermId::Arrest, fine_due, eff(self.arrest))?,
                        later.is_some(),
                    );
                }
            }
        }
        Ok(out)
    }
}
