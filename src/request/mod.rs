//! The solicitud ARCO (Título Tercero, arts. 45–63) as a state machine.
//!
//! A [`Request`] is the projection of its acts: [`Request::file`] starts it and
//! [`Request::apply`] records one more act, checking it first (who may do it, in which
//! state, how many times, in what order) and leaving the request untouched when it refuses.
//! Acts done after their term are recorded and flagged late; acts the law forbids outright
//! (a second prevention, a second extension, an extension out of time, resolving a request
//! never admitted) are refused with a [`RequestError`] naming the state and the act.
//!
//! Time also acts on its own: once the term to answer a prevention runs out, the request is
//! tenida por no presentada (art. 52.3). That lapse is not an act; [`Request::state_on`]
//! derives it from the date, and every act is checked against the state on its own date.

mod act;
mod allowed;
mod error;
pub mod reception;
pub mod replay;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use act::{
    ActKind, Delivery, FREE_PAGES, ImprocedenceCause, Modality, Outcome, RequestAct, Review, Right,
};
pub use allowed::sample_acts;
pub use error::RequestError;
pub use reception::{Accreditation, Channel, ExternalFolio, Reception};

use crate::calendar::Moment;
use crate::case::{Actor, Clock, Deadline, DeadlineStatus, Stamp, TimeChange, WrittenTerm};
use crate::rules::TermId;
use reception::Standing;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Received; admission (or a prevention, or a notice) pending.
    Filed,
    /// A prevention was notified; waiting for the titular to cure it.
    Prevented,
    /// Tenida por no presentada: the prevention was not answered in time (art. 52.3).
    NotPresented,
    /// Admitted; the Comité's resolution pending.
    Admitted,
    /// Resolved by the Comité; not yet notified.
    Resolved,
    /// The response was notified to the titular.
    Notified,
    /// The right was made effective.
    Fulfilled,
    /// Not competent: notified and oriented (art. 54.1).
    Incompetent,
    /// Reconducción de la vía (art. 56).
    Redirected,
    /// Improcedente, notified with its cause (art. 55).
    Improcedent,
    /// Withdrawn by the titular.
    Withdrawn,
    /// The file is closed.
    Closed,
}

impl RequestState {
    pub const ALL: [RequestState; 12] = [
        RequestState::Filed,
        RequestState::Prevented,
        RequestState::NotPresented,
        RequestState::Admitted,
        RequestState::Resolved,
        RequestState::Notified,
        RequestState::Fulfilled,
        RequestState::Incompetent,
        RequestState::Redirected,
        RequestState::Improcedent,
        RequestState::Withdrawn,
        RequestState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Filed => "filed",
            RequestState::Prevented => "prevented",
            RequestState::NotPresented => "not_presented",
            RequestState::Admitted => "admitted",
            RequestState::Resolved => "resolved",
            RequestState::Notified => "notified",
            RequestState::Fulfilled => "fulfilled",
            RequestState::Incompetent => "incompetent",
            RequestState::Redirected => "redirected",
            RequestState::Improcedent => "improcedent",
            RequestState::Withdrawn => "withdrawn",
            RequestState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            RequestState::Filed => "presentada",
            RequestState::Prevented => "prevenida",
            RequestState::NotPresented => "tenida por no presentada",
            RequestState::Admitted => "admitida",
            RequestState::Resolved => "resuelta, sin notificar",
            RequestState::Notified => "respuesta notificada",
            RequestState::Fulfilled => "derecho hecho efectivo",
            RequestState::Incompetent => "incompetencia notificada",
            RequestState::Redirected => "reconducida",
            RequestState::Improcedent => "improcedente",
            RequestState::Withdrawn => "desistida",
            RequestState::Closed => "cerrada",
        }
    }

    /// Whether the procedure has ended (nothing but closing is left).
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            RequestState::Filed
                | RequestState::Prevented
                | RequestState::Admitted
                | RequestState::Resolved
                | RequestState::Notified
        )
    }
}

/// One act as it entered the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAct {
    pub seq: u32,
    pub act: RequestAct,
    pub at: Moment,
    pub effective: NaiveDate,
    pub actor: Actor,
    /// The term the act answered, if it has one.
    pub term: Option<TermId>,
    /// Done after that term's due date.
    pub late: bool,
    /// Recorded under an earlier reading of the law that arco now refuses (a stored log
    /// rebuilt with [`Request::rebuild`]): why a new recording would be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irregular: Option<String>,
}

/// The request's projection: everything the procedure needs, rebuilt from its acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub right: Right,
    pub rulebook: String,
    /// How it came in (art. 49.1), as the filing said.
    #[serde(default, skip_serializing_if = "Reception::is_empty")]
    pub reception: Reception,
    /// The last accreditation of identity recorded (art. 48): the fact and the means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<(Stamp, Accreditation)>,
    /// The state after the last act (see [`Request::state_on`] for the state on a date).
    pub state: RequestState,
    pub filed: Stamp,
    pub prevention: Option<Stamp>,
    pub prevention_answer: Option<Stamp>,
    pub admission: Option<Stamp>,
    pub extension: Option<Stamp>,
    /// The days the extension granted ("hasta por cinco", art. 59.2); `None`: the maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_days: Option<u32>,
    /// The prevention was notified after its 3 days (art. 52.1): recorded and flagged, it
    /// neither interrupts the resolution term nor can make the request "no presentada"
    /// (art. 6.1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevention_late: bool,
    /// The Comité's review of a determination of improcedencia (art. 87.1.III).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improcedence_review: Option<(Stamp, ImprocedenceCause, Review)>,
    pub resolution: Option<(Stamp, Outcome)>,
    pub response_notice: Option<Stamp>,
    /// A notice that ends the request or informs the titular (incompetence, reconducción,
    /// specific procedure, improcedencia), with its act.
    pub notices: Vec<(ActKind, Stamp)>,
    pub fulfilment: Option<(Stamp, Option<Delivery>)>,
    pub withdrawal: Option<Stamp>,
    pub closing: Option<Stamp>,
    pub acts: Vec<RecordedAct>,
}

impl Request {
    /// Files a request (art. 49): the first act of every case.
    pub fn file(
        clock: &Clock,
        right: Right,
        at: Moment,
        actor: &Actor,
    ) -> Result<Request, RequestError> {
        Request::file_received(clock, right, Reception::default(), at, actor)
    }

    /// The request a filing act starts (its right and reception); any other act is
    /// [`RequestError::NotFiledYet`].
    pub fn from_filing(
        clock: &Clock,
        act: &RequestAct,
        at: Moment,
        actor: &Actor,
    ) -> Result<Request, RequestError> {
        match act {
            RequestAct::Filed {
                right,
                channel,
                external_folio,
            } => {
                let reception = Reception {
                    channel: *channel,
                    external_folio: external_folio.clone(),
                };
                Request::file_received(clock, *right, reception, at, actor)
            }
            other => Err(RequestError::NotFiledYet { act: other.kind() }),
        }
    }

    /// [`Request::file`], saying how the request came in (art. 49.1).
    pub fn file_received(
        clock: &Clock,
        right: Right,
        reception: Reception,
        at: Moment,
        actor: &Actor,
    ) -> Result<Request, RequestError> {
        check_role(ActKind::Filed, actor)?;
        let filed = clock.stamp(at)?;
        // Every term that now runs must be countable (inside the calendar's range).
        clock.due(TermId::ImprocedenceNotice, filed.effective, 0)?;
        Ok(Request {
            right,
            rulebook: clock.rulebook.id.clone(),
            identity: None,
            state: RequestState::Filed,
            filed,
            prevention: None,
            prevention_answer: None,
            admission: None,
            extension: None,
            extension_days: None,
            prevention_late: false,
            improcedence_review: None,
            resolution: None,
            response_notice: None,
            notices: Vec::new(),
            fulfilment: None,
            withdrawal: None,
            closing: None,
            reception: reception.clone(),
            acts: vec![RecordedAct {
                seq: 1,
                act: RequestAct::Filed {
                    right,
                    channel: reception.channel,
                    external_folio: reception.external_folio,
                },
                at,
                effective: filed.effective,
                actor: actor.clone(),
                term: None,
                late: false,
                irregular: None,
            }],
        })
    }

    /// Whether a request whose acts took effect on the dates of `acts` (each act's moment
    /// and the effective date recorded with it) and whose projection wrote `terms` counts
    /// exactly alike on `clock`: rebuilt from its acts there, it would be the same request
    /// with the same terms, states and late flags. `arco calendar apply` rebuilds only the
    /// requests for which this is false.
    ///
    /// Why checking dates is enough: every date a request holds or computes is either an
    /// act's effective date (counting rule 1) or a due date counted from one of its dates
    /// (rule 2). Day 0 of every term is an effective date (the filing, a prevention, its
    /// answer, the admission, a notice) or the due date of another term: the admission's
    /// (a resolution term of a request never admitted, art. 59.1), the resolution's (the
    /// appeal window without a response, art. 99) and the resolution's original due date
    /// (the extension, art. 59.2), which is no row of its own and is checked here as the
    /// resolution's first `days − extension` days. If every act takes effect on the same
    /// date and every term falls due on the same date on `clock`'s calendar, by induction
    /// on the acts every comparison the procedure makes (on time or late, a prevention in
    /// force, a lapse into "no presentada", art. 52.2) has the same inputs and the same
    /// answer. A term in hours or out of the calendar's range, or no acts at all, answers
    /// `false`: then the request is rebuilt. `tests/request_props.rs` checks this against
    /// rebuilding on random histories and calendar changes (whenever it says alike, the
    /// rebuilt request is the same), and that both answers occur.
    pub fn counts_alike(
        clock: &Clock,
        acts: &[(Moment, NaiveDate)],
        terms: &[WrittenTerm],
    ) -> bool {
        if acts.is_empty()
            || !acts.iter().all(|(at, eff)| clock.still_effective(at, *eff))
            || !terms
                .iter()
                .all(|t| clock.still_due(t.term, t.from, t.days, t.due))
        {
            return false;
        }
        let find = |id: TermId| terms.iter().find(|t| t.term == id);
        match (find(TermId::Resolution), find(TermId::ResolutionExtension)) {
            (Some(r), Some(x)) => {
                r.days >= x.days
                    && clock.still_due(TermId::Resolution, r.from, r.days - x.days, x.from)
            }
            (None, Some(_)) => false,
            _ => true,
        }
    }

    /// Rebuilds a request from its acts, in order: a stored log. An act that an earlier
    /// version of arco recorded and the law, as now read, refuses (an improcedencia notified
    /// without the Comité, one on fracción VIII of art. 55.1, the closing of a request
    /// taken as "no presentada" after a late prevention) is kept, with
    /// [`RecordedAct::irregular`] saying why it would now be refused.
    pub fn rebuild<'a>(
        clock: &Clock,
        acts: impl IntoIterator<Item = (&'a RequestAct, Moment, &'a Actor)>,
    ) -> Result<Request, (usize, RequestError)> {
        let mut req: Option<Request> = None;
        for (i, (act, at, actor)) in acts.into_iter().enumerate() {
            match (&mut req, act) {
                (None, RequestAct::Filed { .. }) => {
                    req = Some(Request::from_filing(clock, act, at, actor).map_err(|e| (i, e))?);
                }
                (None, other) => return Err((i, RequestError::NotFiledYet { act: other.kind() })),
                (Some(r), act) => {
                    r.record(clock, act.clone(), at, actor, false)
                        .map_err(|e| (i, e))?;
                }
            }
        }
        req.ok_or((
            0,
            RequestError::NotFiledYet {
                act: ActKind::Filed,
            },
        ))
    }

    /// The state on `date`: the state after the last act, or "tenida por no presentada"
    /// when a prevention was left unanswered past its term.
    pub fn state_on(&self, clock: &Clock, date: NaiveDate) -> Result<RequestState, RequestError> {
        Ok(match self.time_change(clock)? {
            Some(c) if date > c.after => c.state,
            _ => self.state,
        })
    }

    /// How time alone changes this request: a prevention left unanswered past its term
    /// makes it "tenida por no presentada" (art. 52.2), and then it owes nothing more.
    pub fn time_change(
        &self,
        clock: &Clock,
    ) -> Result<Option<TimeChange<RequestState>>, RequestError> {
        Ok(self.lapse_date(clock)?.map(|after| TimeChange {
            after,
            state: RequestState::NotPresented,
            stops: true,
        }))
    }

    /// The due date of the prevention reply, while a prevention is pending.
    fn lapse_date(&self, clock: &Clock) -> Result<Option<NaiveDate>, RequestError> {
        if self.state != RequestState::Prevented {
            return Ok(None);
        }
        let Some(p) = self.prevention else {
            return Ok(None);
        };
        Ok(Some(clock.due(TermId::PreventionReply, p.effective, 0)?))
    }

    fn last_effective(&self) -> NaiveDate {
        self.acts
            .last()
            .map_or(self.filed.effective, |a| a.effective)
    }

    /// Day 0 of the admission term: the filing, or the answer to a prevention (art. 53.1:
    /// a request is admitted once complete).
    fn admission_from(&self) -> NaiveDate {
        match self.prevention_answer {
            Some(a) if !self.prevention_late => a.effective,
            _ => self.filed.effective,
        }
    }

    /// The prevention, when it took effect: one notified late counts for nothing but its
    /// record (art. 52.1 read with art. 6.1).
    fn prevention_in_force(&self) -> Option<Stamp> {
        self.prevention.filter(|_| !self.prevention_late)
    }

    /// Where the admission stands: the admission act, or — never admitted — the act that
    /// implies it, an extension or the Comité's resolution (their record shows the
    /// admission late when its term had passed).
    fn admission_done(&self) -> Option<NaiveDate> {
        self.admission
            .or(self.extension)
            .or(self.resolution.map(|(s, _)| s))
            .map(|s| s.effective)
    }

    /// Day 0 of the resolution term (arts. 59.1, 52.2): the answer to a prevention, whatever
    /// the admission date; else the admission; else, never admitted, the end of the
    /// admission term. `None` while a prevention is unanswered.
    fn resolution_from(&self, clock: &Clock) -> Result<Option<NaiveDate>, RequestError> {
        if let Some(p) = self.prevention_in_force() {
            let _ = p;
            return Ok(self.prevention_answer.map(|a| a.effective));
        }
        if let Some(a) = self.admission {
            return Ok(Some(a.effective));
        }
        Ok(Some(clock.due(
            TermId::Admission,
            self.admission_from(),
            0,
        )?))
    }

    /// The resolution's original due date and its due date with the extension, if any.
    fn resolution_due(
        &self,
        clock: &Clock,
    ) -> Result<Option<(NaiveDate, NaiveDate)>, RequestError> {
        let Some(from) = self.resolution_from(clock)? else {
            return Ok(None);
        };
        let original = clock.due(TermId::Resolution, from, 0)?;
        let extended = match self.extension {
            Some(_) => clock
                .calendar
                .add_business_days(original, self.extension_days(clock)?)?,
            None => original,
        };
        Ok(Some((original, extended)))
    }

    /// The days the extension adds: those it granted, or the maximum (art. 59.2).
    fn extension_days(&self, clock: &Clock) -> Result<u32, RequestError> {
        let max = clock.term(TermId::ResolutionExtension)?.days;
        Ok(self.extension_days.unwrap_or(max))
    }

    /// Records one more act done at `at` by `actor`. On error nothing changes.
    pub fn apply(
        &mut self,
        clock: &Clock,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
    ) -> Result<&RecordedAct, RequestError> {
        self.record(clock, act, at, actor, true)
    }

    /// [`Request::apply`]; with `strict` false (a stored log), the refusals this version
    /// added are recorded as [`RecordedAct::irregular`] instead.
    fn record(
        &mut self,
        clock: &Clock,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
        strict: bool,
    ) -> Result<&RecordedAct, RequestError> {
        let mut irregular: Option<RequestError> = None;
        // A refusal this version added: an error now, kept as irregular in a stored log.
        macro_rules! newly_refused {
            ($e:expr) => {
                if strict {
                    return Err($e);
                } else {
                    irregular = Some($e);
                }
            };
        }
        let kind = act.kind();
        check_role(kind, actor)?;
        let stamp = clock.stamp(at)?;
        let eff = stamp.effective;
        let previous = self.last_effective();
        if eff < previous {
            return Err(RequestError::OutOfOrder {
                act: kind,
                effective: eff,
                previous,
            });
        }
        let state = self.state_on(clock, eff)?;
        if state == RequestState::NotPresented && self.state == RequestState::Prevented {
            let due = self.lapse_date(clock)?.unwrap_or(eff);
            if kind != ActKind::Closed {
                return Err(RequestError::Lapsed { act: kind, due });
            }
        }
        let invalid = || RequestError::InvalidTransition { state, act: kind };
        use RequestState as S;

        // Decide the next state and the term the act answers; mutate only after.
        let (next, term): (RequestState, Option<(TermId, NaiveDate)>) = match (&act, state) {
            (RequestAct::Filed { .. }, _) => return Err(invalid()),
            (RequestAct::PreventionNotified, S::Filed) => {
                if let Some(p) = self.prevention {
                    return Err(RequestError::SecondPrevention { on: p.effective });
                }
                if self.admission.is_some() {
                    return Err(invalid());
                }
                let due = clock.due(TermId::Prevention, self.filed.effective, 0)?;
                // Late (art. 52.1): recorded and flagged, but the request goes on as if
                // there were none (art. 6.1); see `prevention_late`.
                let next = if eff > due { S::Filed } else { S::Prevented };
                (next, Some((TermId::Prevention, due)))
            }
            (RequestAct::PreventionNotified, S::Prevented | S::Admitted) => {
                if let Some(p) = self.prevention {
                    return Err(RequestError::SecondPrevention { on: p.effective });
                }
                return Err(invalid());
            }
            (RequestAct::PreventionAnswered, S::Prevented) => {
                let p = self.prevention.ok_or_else(invalid)?;
                let due = clock.due(TermId::PreventionReply, p.effective, 0)?;
                (S::Filed, Some((TermId::PreventionReply, due)))
            }
            // The answer to a late prevention is recorded; it changes no term.
            (RequestAct::PreventionAnswered, S::Filed | S::Admitted)
                if self.prevention_late && self.prevention_answer.is_none() =>
            {
                let p = self.prevention.ok_or_else(invalid)?;
                let due = clock.due(TermId::PreventionReply, p.effective, 0)?;
                (state, Some((TermId::PreventionReply, due)))
            }
            (RequestAct::Admitted, S::Filed) => {
                let due = clock.due(TermId::Admission, self.admission_from(), 0)?;
                (S::Admitted, Some((TermId::Admission, due)))
            }
            (RequestAct::IncompetenceNotified { partial }, S::Filed | S::Admitted) => {
                let due = clock.due(TermId::IncompetenceNotice, self.filed.effective, 0)?;
                let next = if *partial { state } else { S::Incompetent };
                (next, Some((TermId::IncompetenceNotice, due)))
            }
            (RequestAct::Redirected, S::Filed) => {
                let due = clock.due(TermId::RedirectionNotice, self.filed.effective, 0)?;
                (S::Redirected, Some((TermId::RedirectionNotice, due)))
            }
            (RequestAct::OtherProcedureNotified, S::Filed) => {
                if self
                    .notices
                    .iter()
                    .any(|(k, _)| *k == ActKind::OtherProcedureNotified)
                {
                    return Err(invalid());
                }
                let due = clock.due(TermId::OtherProcedureNotice, self.filed.effective, 0)?;
                (S::Filed, Some((TermId::OtherProcedureNotice, due)))
            }
            // Art. 87.1.III: the Comité confirms, modifies or revokes the denial; it has no
            // term of its own, but the notice's 10 days (art. 55.2) keep running.
            (RequestAct::ImprocedenceReviewed { cause, .. }, S::Filed | S::Admitted) => {
                if cause.is_incompetence() {
                    newly_refused!(RequestError::IncompetenceAsImprocedence);
                }
                (state, None)
            }
            (RequestAct::ImprocedenceNotified { cause }, S::Filed | S::Admitted) => {
                if cause.is_incompetence() {
                    newly_refused!(RequestError::IncompetenceAsImprocedence);
                }
                match self.improcedence_review {
                    Some((_, c, r)) if r.upholds() && c == *cause => {}
                    review => newly_refused!(RequestError::ImprocedenceNotConfirmed {
                        cause: *cause,
                        revoked: review.is_some_and(|(_, _, r)| !r.upholds()),
                        confirmed: review
                            .filter(|(_, c, r)| r.upholds() && c != cause)
                            .map(|(_, c, _)| c),
                    }),
                }
                let due = clock.due(TermId::ImprocedenceNotice, self.filed.effective, 0)?;
                (S::Improcedent, Some((TermId::ImprocedenceNotice, due)))
            }
            // Never admitted, the request may still be extended and resolved: the act
            // implies the admission, whose record then shows it late if its term had run.
            (RequestAct::ExtensionNotified { days }, S::Admitted | S::Filed) => {
                if let Some(x) = self.extension {
                    return Err(RequestError::SecondExtension { on: x.effective });
                }
                let (original, _) = self.resolution_due(clock)?.ok_or_else(invalid)?;
                if eff > original {
                    return Err(RequestError::ExtensionOutOfTime {
                        due: original,
                        notified: eff,
                    });
                }
                let max = clock.term(TermId::ResolutionExtension)?.days;
                if let Some(d) = days
                    && !(1..=max).contains(d)
                {
                    return Err(RequestError::ExtensionDays { days: *d, max });
                }
                (state, Some((TermId::Resolution, original)))
            }
            (RequestAct::ExtensionNotified { .. }, _) if self.extension.is_some() => {
                return Err(RequestError::SecondExtension {
                    on: self.extension.map_or(eff, |x| x.effective),
                });
            }
            (RequestAct::Resolved { .. }, S::Admitted | S::Filed) => {
                let (_, due) = self.resolution_due(clock)?.ok_or_else(invalid)?;
                (S::Resolved, Some((TermId::Resolution, due)))
            }
            (RequestAct::ResolutionNotified, S::Resolved) => {
                let (_, due) = self.resolution_due(clock)?.ok_or_else(invalid)?;
                (S::Notified, Some((TermId::Resolution, due)))
            }
            (
                RequestAct::IdentityAccredited {
                    standing,
                    instrument,
                    ..
                },
                s,
            ) if !s.is_final() => {
                match (standing, instrument) {
                    (Standing::Representative, None) => {
                        return Err(RequestError::InstrumentMissing);
                    }
                    (Standing::Representative, Some(_)) | (_, None) => {}
                    (_, Some(_)) => return Err(RequestError::InstrumentWithoutRepresentative),
                }
                (s, None)
            }
            (RequestAct::Fulfilled { .. }, S::Notified) => {
                let (_, outcome) = self.resolution.ok_or_else(invalid)?;
                if !outcome.must_fulfil() {
                    return Err(RequestError::NothingToFulfil { outcome });
                }
                // Data reach only the titular or an accredited representative (art.
                // 88.1.III): access and portability deliver data; the other rights do not.
                // A migration records past acts as they happened.
                if matches!(self.right, Right::Access | Right::Portability)
                    && self.identity.is_none()
                    && actor.role != crate::case::Role::Migration
                {
                    newly_refused!(RequestError::IdentityNotAccredited);
                }
                let notice = self.response_notice.ok_or_else(invalid)?;
                let due = clock.due(TermId::Fulfilment, notice.effective, 0)?;
                (S::Fulfilled, Some((TermId::Fulfilment, due)))
            }
            (RequestAct::Withdrawn, S::Filed | S::Prevented | S::Admitted | S::Resolved) => {
                (S::Withdrawn, None)
            }
            (RequestAct::Closed, s) if s.is_final() && s != S::Closed => (S::Closed, None),
            // A granted right is closed once made effective (art. 59.3), not before.
            (RequestAct::Closed, S::Notified)
                if self.resolution.is_some_and(|(_, o)| !o.must_fulfil()) =>
            {
                (S::Closed, None)
            }
            // A stored log may close a request that an earlier version took as "no
            // presentada" after a late prevention (art. 52.1 read with art. 6.1 now).
            (RequestAct::Closed, S::Filed | S::Admitted)
                if !strict && self.prevention_late && self.prevention_answer.is_none() =>
            {
                irregular = Some(invalid());
                (S::Closed, None)
            }
            _ => return Err(invalid()),
        };

        // Apply.
        match &act {
            RequestAct::PreventionNotified => {
                self.prevention = Some(stamp);
                self.prevention_late = term.is_some_and(|(_, due)| eff > due);
            }
            RequestAct::PreventionAnswered => self.prevention_answer = Some(stamp),
            RequestAct::Admitted => self.admission = Some(stamp),
            RequestAct::IncompetenceNotified { .. }
            | RequestAct::Redirected
            | RequestAct::OtherProcedureNotified
            | RequestAct::ImprocedenceNotified { .. } => self.notices.push((kind, stamp)),
            RequestAct::ImprocedenceReviewed { cause, decision } => {
                self.improcedence_review = Some((stamp, *cause, *decision))
            }
            RequestAct::ExtensionNotified { days } => {
                self.extension = Some(stamp);
                self.extension_days = *days;
            }
            RequestAct::Resolved { outcome } => self.resolution = Some((stamp, *outcome)),
            RequestAct::ResolutionNotified => self.response_notice = Some(stamp),
            RequestAct::Fulfilled { delivery } => self.fulfilment = Some((stamp, *delivery)),
            RequestAct::Withdrawn => self.withdrawal = Some(stamp),
            RequestAct::Closed => self.closing = Some(stamp),
            RequestAct::IdentityAccredited {
                standing,
                means,
                instrument,
            } => {
                self.identity = Some((
                    stamp,
                    Accreditation {
                        standing: *standing,
                        means: *means,
                        instrument: *instrument,
                    },
                ))
            }
            RequestAct::Filed { .. } => {}
        }
        self.state = next;
        let seq = self.acts.len() as u32 + 1;
        self.acts.push(RecordedAct {
            seq,
            act,
            at,
            effective: eff,
            actor: actor.clone(),
            term: term.map(|(t, _)| t),
            late: term.is_some_and(|(_, due)| eff > due),
            irregular: irregular.map(|e| e.to_string()),
        });
        Ok(self.acts.last().expect("just pushed"))
    }

    /// Whether delivering the data still waits for the accreditation of identity: an
    /// access or portability request not yet made effective, with none recorded (arts. 48,
    /// 88.1.III).
    pub fn delivery_waits_for_identity(&self) -> bool {
        matches!(self.right, Right::Access | Right::Portability)
            && self.identity.is_none()
            && !self.state.is_final()
    }

    /// The notice that answered the request instead of a resolution, if any.
    pub(crate) fn ending_notice(&self) -> Option<(ActKind, Stamp)> {
        self.acts
            .iter()
            .find(|a| {
                matches!(
                    a.act,
                    RequestAct::Redirected
                        | RequestAct::ImprocedenceNotified { .. }
                        | RequestAct::IncompetenceNotified { partial: false }
                )
            })
            .map(|a| {
                (
                    a.act.kind(),
                    Stamp {
                        at: a.at,
                        effective: a.effective,
                    },
                )
            })
    }

    fn notice(&self, kind: ActKind) -> Option<Stamp> {
        self.notices
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| *s)
    }

    /// Every term of the request, as it stands on `as_of`, keyed by the ids of terms.md.
    pub fn deadlines(
        &self,
        clock: &Clock,
        as_of: NaiveDate,
    ) -> Result<BTreeMap<TermId, Deadline>, RequestError> {
        let mut out = BTreeMap::new();
        let state = self.state_on(clock, as_of)?;
        let filed = self.filed.effective;
        let ended_by_notice = self.ending_notice();
        // The request stopped running: nothing more is owed.
        let stopped = self.withdrawal.is_some()
            || state == RequestState::NotPresented
            || ended_by_notice.is_some();
        let put = |out: &mut BTreeMap<TermId, Deadline>, mut d: Deadline, void: bool| {
            if void && d.done.is_none() {
                d.status = DeadlineStatus::Void;
            }
            out.insert(d.term, d);
        };

        // Prevention (art. 52.1): a power, once, within 3 days.
        let moved_on = self.admission.is_some() || self.resolution.is_some() || stopped;
        let d = clock.deadline(
            TermId::Prevention,
            filed,
            self.prevention.map(|p| p.effective),
            as_of,
            true,
        )?;
        put(&mut out, d, moved_on);
        if let Some(p) = self.prevention {
            let d = clock.deadline(
                TermId::PreventionReply,
                p.effective,
                self.prevention_answer.map(|a| a.effective),
                as_of,
                false,
            )?;
            // A late prevention's answer changes nothing: its term is shown, never owed.
            put(
                &mut out,
                d,
                self.withdrawal.is_some() || self.prevention_late,
            );
        }

        // The notices of arts. 54–57, each counted from the filing.
        for (term, kind) in [
            (TermId::IncompetenceNotice, ActKind::IncompetenceNotified),
            (TermId::RedirectionNotice, ActKind::Redirected),
            (
                TermId::OtherProcedureNotice,
                ActKind::OtherProcedureNotified,
            ),
            (TermId::ImprocedenceNotice, ActKind::ImprocedenceNotified),
        ] {
            let done = self.notice(kind).map(|s| s.effective);
            let d = clock.deadline(term, filed, done, as_of, true)?;
            put(&mut out, d, stopped || self.resolution.is_some());
        }

        // Admission (art. 53.1), from the filing or the prevention's answer.
        if self.prevention_in_force().is_none() || self.prevention_answer.is_some() {
            let d = clock.deadline(
                TermId::Admission,
                self.admission_from(),
                self.admission_done(),
                as_of,
                false,
            )?;
            put(&mut out, d, stopped);
        }

        // Resolution (arts. 59.1, 59.2, 52.2), with its one extension.
        if let (Some(from), Some((original, extended))) =
            (self.resolution_from(clock)?, self.resolution_due(clock)?)
        {
            let term = clock.term(TermId::Resolution)?;
            let done = self.resolution.map(|(s, _)| s.effective);
            let mut d = Deadline {
                term: TermId::Resolution,
                from,
                days: term.days,
                due: extended,
                status: DeadlineStatus::of(extended, done, as_of, false),
                done,
                optional: false,
                article: term.article.clone(),
            };
            if self.extension.is_some() {
                let x = clock.term(TermId::ResolutionExtension)?;
                let granted = self.extension_days(clock)?;
                d.days += granted;
                let mut xd = d.clone();
                xd.term = TermId::ResolutionExtension;
                xd.from = original;
                xd.days = granted;
                xd.article = x.article.clone();
                put(&mut out, xd, stopped);
            }
            put(&mut out, d, stopped);

            // Appeal window (art. 99): from the response's notification, or from the end
            // of the response term when there was none.
            let response = self.response_notice.or(ended_by_notice.map(|(_, s)| s));
            let window_from = match response {
                Some(r) => Some(r.effective),
                None if !stopped => Some(extended),
                None => None,
            };
            if let Some(from) = window_from {
                let d = clock.deadline(TermId::AppealWindow, from, None, as_of, true)?;
                put(&mut out, d, self.withdrawal.is_some());
            }
        } else if let Some((_, s)) = ended_by_notice {
            let d = clock.deadline(TermId::AppealWindow, s.effective, None, as_of, true)?;
            put(&mut out, d, false);
        }

        // Fulfilment (art. 59.3): 5 days from the response's notification.
        if let (Some(notice), Some((_, outcome))) = (self.response_notice, self.resolution) {
            let d = clock.deadline(
                TermId::Fulfilment,
                notice.effective,
                self.fulfilment.map(|(s, _)| s.effective),
                as_of,
                false,
            )?;
            put(&mut out, d, !outcome.must_fulfil());
        }
        Ok(out)
    }
}

fn check_role(act: ActKind, actor: &Actor) -> Result<(), RequestError> {
    let allowed = act.allowed_roles();
    if allowed.contains(&actor.role) {
        Ok(())
    } else {
        Err(RequestError::Forbidden {
            act,
            role: actor.role,
            allowed,
        })
    }
}
