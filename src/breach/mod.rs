//! Security breaches (vulneraciones de seguridad, arts. 38–43): a third procedure beside
//! the request and the appeal, as a state machine over an append-only record of acts.
//!
//! A breach is **detected** and entered in the bitácora (art. 39); it is either
//! **discarded** (it was not one) or **confirmed**, and the confirmation's instant starts
//! the 72 natural hours of art. 40 (term `breach_notice`, due at an instant: see
//! [`crate::calendar::Count::Hours`]). The responsable **analyses** whether it affects the
//! titulares' patrimonial or moral rights significantly: if it does, it owes a notice to
//! the titulares (in as many parts and by as many means as it takes) and one to the
//! guarantor, each with the contents of art. 41; if not, no notice is owed and the reason
//! stays on record. It takes **corrective measures** at once and for good (arts. 39.1.III,
//! 42) and **closes** the entry. The guarantor may open a previous **investigation** once
//! it has the notice (art. 43), which runs on its own, even after the entry is closed.
//!
//! The state is not stored apart from the facts: it is derived from them after every act
//! ([`Breach::state`]), so the record cannot say two things at once.
//!
//! Readings most favourable to the titular (art. 6.1):
//! - the 72 hours start at the confirmation itself, not when the "revisión exhaustiva" of
//!   art. 40 begins: the earlier instant;
//! - a notice given after the 72 hours is recorded and flagged late, never refused; so is
//!   a notice given before the analysis, or when the analysis finds no significant
//!   affectation (informing is never forbidden);
//! - an act recorded with a date but no time starts the clock at 00:00 of that day and
//!   meets it at 23:59:59: the doubt is never the titular's;
//! - the notice to the titulares is met only by the part that completes it (`completes`):
//!   a first part to some of them does not stop the clock for the rest.
//!
//! What the law forbids outright is refused: closing the entry while a notice owed is
//! pending (art. 40), or without definitive corrective actions (arts. 39.1.III, 42);
//! an investigation without a notice to the guarantor (art. 43).
//!
//! No act holds the titulares' personal data, only counts and categories (see
//! `src/breach/act.rs`): the bitácora of art. 39 is derived from the record ([`Breach::bitacora`]).

mod act;
mod allowed;
pub mod replay;
pub(crate) use act::category;

use chrono::{DateTime, FixedOffset, NaiveDate, Offset};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use act::{
    AffectedRight, BreachAct, BreachActKind, BreachCause, BreachKind, DataCategory,
    InformationChannel, InvestigationOutcome, MAX_TITULARS, Measure, MeasureStage,
    NotSignificantReason, Notice, NoticeMeans, Recommendation,
};
pub use allowed::{sample_breach_acts, sample_notice};

use crate::calendar::{DueAt, Moment, TermError};
use crate::case::{Actor, Clock, DeadlineStatus, Role};
use crate::rules::TermId;

/// Where a breach stands, derived from its acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachState {
    /// Detected and entered; not yet confirmed.
    Detected,
    /// It was not a breach.
    Discarded,
    /// Confirmed: the 72 hours run; the analysis of the affectation is pending.
    Confirmed,
    /// It affects the titulares' rights significantly: notices are owed (art. 40).
    Significant,
    /// It does not: no notice is owed; corrective measures pending.
    NotSignificant,
    /// Every notice owed was given; definitive corrective measures pending.
    Notified,
    /// Definitive corrective measures taken (arts. 39.1.III, 42): it may be closed.
    Remedied,
    /// The entry is closed.
    Closed,
}

impl BreachState {
    pub const ALL: &'static [BreachState] = &[
        BreachState::Detected,
        BreachState::Discarded,
        BreachState::Confirmed,
        BreachState::Significant,
        BreachState::NotSignificant,
        BreachState::Notified,
        BreachState::Remedied,
        BreachState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BreachState::Detected => "detected",
            BreachState::Discarded => "discarded",
            BreachState::Confirmed => "confirmed",
            BreachState::Significant => "significant",
            BreachState::NotSignificant => "not_significant",
            BreachState::Notified => "notified",
            BreachState::Remedied => "remedied",
            BreachState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<BreachState> {
        BreachState::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            BreachState::Detected => "detectada, sin confirmar",
            BreachState::Discarded => "descartada: no era una vulneración",
            BreachState::Confirmed => "confirmada, análisis de la afectación pendiente",
            BreachState::Significant => "afecta de forma significativa: avisos pendientes",
            BreachState::NotSignificant => {
                "no afecta de forma significativa: acciones correctivas pendientes"
            }
            BreachState::Notified => "avisos dados: acciones correctivas definitivas pendientes",
            BreachState::Remedied => "con acciones correctivas definitivas",
            BreachState::Closed => "cerrada",
        }
    }

    /// Whether nothing more is owed on it.
    pub fn is_final(self) -> bool {
        matches!(self, BreachState::Discarded | BreachState::Closed)
    }
}

/// The guarantor's previous investigation (art. 43).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Investigation {
    Open {
        opened: Stamp,
    },
    Closed {
        opened: Stamp,
        closed: Stamp,
        outcome: InvestigationOutcome,
    },
}

/// When an act happened: as recorded, and the earliest and latest instants it may have
/// been on the calendar's clock (the same, unless it was recorded without a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: Moment,
    pub earliest: DateTime<FixedOffset>,
    pub latest: DateTime<FixedOffset>,
}

impl Stamp {
    fn of(clock: &Clock, at: Moment) -> Result<Stamp, TermError> {
        let fix = |t: DateTime<chrono_tz::Tz>| t.with_timezone(&t.offset().fix());
        Ok(Stamp {
            at,
            earliest: fix(clock.calendar.instant(&at)?),
            latest: fix(clock.calendar.instant_latest(&at)?),
        })
    }

    /// The act's date on the calendar's clock.
    pub fn date(&self) -> NaiveDate {
        self.earliest.date_naive()
    }
}

/// To whom a notice of art. 40 is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Titulars,
    Guarantor,
}

impl Recipient {
    pub fn label_es(self) -> &'static str {
        match self {
            Recipient::Titulars => "aviso a los titulares",
            Recipient::Guarantor => "aviso al órgano garante",
        }
    }
}

/// Why an act on a breach was refused. Spanish: shown to the responsable's staff.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BreachError {
    #[error("el acto {act} no procede en el estado «{}» ({})", state.as_str(), state.label_es())]
    InvalidTransition {
        state: BreachState,
        act: BreachActKind,
    },
    #[error("el acto {act} corresponde a: {}; quien lo registra actúa como {}", allowed.iter().filter(|r| **r != Role::Migration).map(|r| r.label_es()).collect::<Vec<_>>().join(" o "), role.label_es())]
    Forbidden {
        act: BreachActKind,
        role: Role,
        allowed: &'static [Role],
    },
    #[error(
        "el acto {act} es de {at}, anterior al último acto registrado ({previous}); los actos se registran en orden"
    )]
    OutOfOrder {
        act: BreachActKind,
        at: Moment,
        previous: Moment,
    },
    #[error(
        "el primer acto de una vulneración debe ser su detección («breach_detected»), no {act}"
    )]
    NotDetectedYet { act: BreachActKind },
    #[error(
        "falta el análisis de si la vulneración afecta de forma significativa los derechos de los titulares: sin él no puede cerrarse (art. 40)"
    )]
    Unanalysed,
    #[error(
        "la vulneración afecta de forma significativa los derechos de los titulares: no puede cerrarse sin {} (art. 40)",
        pending.iter().map(|r| r.label_es()).collect::<Vec<_>>().join(" ni sin ")
    )]
    NoticesPending { pending: Vec<Recipient> },
    #[error(
        "faltan las acciones correctivas definitivas: la bitácora debe describirlas y el responsable implementarlas antes de cerrar (arts. 39.1.III y 42)"
    )]
    NoDefinitiveMeasures,
    #[error(
        "el aviso al órgano garante ya se dio el {on}; la información posterior va al expediente"
    )]
    GuarantorAlreadyNotified { on: NaiveDate },
    #[error(
        "el aviso a los titulares ya se completó el {on}; la información posterior va al expediente"
    )]
    TitularsAlreadyNotified { on: NaiveDate },
    #[error(
        "el órgano garante solo puede investigar una vulneración de la que recibió la notificación del responsable (art. 43)"
    )]
    InvestigationWithoutNotice,
    #[error("el órgano garante ya abrió la investigación previa el {on} (art. 43)")]
    InvestigationAlreadyOpened { on: NaiveDate },
    #[error("no hay investigación previa abierta que concluir (art. 43)")]
    NoInvestigationOpen,
    #[error("{0}")]
    BadValue(String),
    #[error(transparent)]
    Term(#[from] TermError),
}

/// One act as it entered the breach's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedBreachAct {
    pub seq: u32,
    pub act: BreachAct,
    pub at: Moment,
    pub actor: Actor,
    pub term: Option<TermId>,
    /// Done after the instant its term fell due (a notice after the 72 hours).
    pub late: bool,
}

/// A part of the notice to the titulares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitularNotice {
    pub stamp: Stamp,
    pub means: NoticeMeans,
    pub count: u32,
    pub notice: Notice,
    /// With this part every affected titular was notified.
    pub completes: bool,
    /// Given after the 72 hours (art. 40).
    pub late: bool,
}

/// The notice to the guarantor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuarantorNotice {
    pub stamp: Stamp,
    pub notice: Notice,
    /// Given after the 72 hours (art. 40).
    pub late: bool,
}

/// Corrective actions recorded at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measures {
    pub stamp: Stamp,
    pub stage: MeasureStage,
    pub measures: Vec<Measure>,
}

/// The confirmation and what it established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub stamp: Stamp,
    pub kind: BreachKind,
    pub cause: BreachCause,
    pub data: Vec<DataCategory>,
    pub titulars: Option<u32>,
    /// The instant the 72 hours run out (art. 40).
    pub notice_due: DateTime<FixedOffset>,
}

/// The analysis of the affectation (art. 40).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub stamp: Stamp,
    pub significant: bool,
    pub rights: Vec<AffectedRight>,
    pub reason: Option<NotSignificantReason>,
}

/// The breach's projection, rebuilt from its acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    pub rulebook: String,
    pub state: BreachState,
    pub detected: Stamp,
    /// When it happened (art. 39.1.I), as the detection or the confirmation said.
    pub occurred_on: Option<NaiveDate>,
    pub discarded: Option<Stamp>,
    pub confirmation: Option<Confirmation>,
    pub analysis: Option<Analysis>,
    pub guarantor_notice: Option<GuarantorNotice>,
    pub titular_notices: Vec<TitularNotice>,
    pub measures: Vec<Measures>,
    pub closed: Option<Stamp>,
    pub investigation: Option<Investigation>,
    /// The stamp of the act that surely happened last (the greatest earliest instant):
    /// the next act may not be surely earlier.
    pub last: Stamp,
    pub acts: Vec<RecordedBreachAct>,
}

/// A notice term of the breach (art. 40), due at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachDeadline {
    pub term: TermId,
    pub to: Recipient,
    /// The confirmation's instant: hour 0.
    pub from: DateTime<FixedOffset>,
    pub hours: u32,
    pub due: DateTime<FixedOffset>,
    pub status: DeadlineStatus,
    /// The instant of the act that met it (for the titulares, the part that completed
    /// the notice), at its latest.
    pub done: Option<DateTime<FixedOffset>>,
    pub article: String,
}

/// One line of the bitácora of art. 39, derived from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitacoraEntry {
    /// I. La fecha en la que ocurrió (unknown: the detection's date is shown apart).
    pub occurred_on: Option<NaiveDate>,
    pub detected: Moment,
    pub confirmed: Option<Moment>,
    pub discarded: bool,
    pub kind: Option<BreachKind>,
    /// II. El motivo.
    pub cause: Option<BreachCause>,
    pub data: Vec<DataCategory>,
    pub titulars: Option<u32>,
    pub significant: Option<bool>,
    pub not_significant_reason: Option<NotSignificantReason>,
    /// III. Las acciones correctivas implementadas de forma inmediata...
    pub immediate_measures: Vec<Measure>,
    /// ... y definitiva.
    pub definitive_measures: Vec<Measure>,
    pub guarantor_notified: Option<Moment>,
    pub titulars_notified: Option<Moment>,
    /// Titulares reached by the notice's parts (a public notice may count none).
    pub titulars_reached: u64,
    pub late_notice: bool,
    pub closed: Option<Moment>,
    pub state: BreachState,
}

fn check_role(act: BreachActKind, actor: &Actor) -> Result<(), BreachError> {
    let allowed = act.allowed_roles();
    if allowed.contains(&actor.role) {
        Ok(())
    } else {
        Err(BreachError::Forbidden {
            act,
            role: actor.role,
            allowed,
        })
    }
}

fn check_count(what: &str, n: Option<u32>) -> Result<(), BreachError> {
    match n {
        Some(n) if n > MAX_TITULARS => Err(BreachError::BadValue(format!(
            "{what} = {n}: más titulares de los que puede tener una vulneración ({MAX_TITULARS}); revise el dato"
        ))),
        _ => Ok(()),
    }
}

fn check_notice(notice: &Notice) -> Result<(), BreachError> {
    match notice.missing() {
        Some(what) => Err(BreachError::BadValue(format!(
            "el aviso no dice {what}: el aviso debe informar al menos lo del art. 41.1, fracciones I a V"
        ))),
        None => Ok(()),
    }
}

fn check_occurred(occurred_on: Option<NaiveDate>, on: NaiveDate) -> Result<(), BreachError> {
    match occurred_on {
        Some(o) if o > on => Err(BreachError::BadValue(format!(
            "occurred_on = {o}: la vulneración no puede haber ocurrido después de registrarse ({on})"
        ))),
        _ => Ok(()),
    }
}

impl Breach {
    /// Enters a breach in the record by its detection.
    pub fn detect(
        clock: &Clock,
        act: BreachAct,
        at: Moment,
        actor: &Actor,
    ) -> Result<Breach, BreachError> {
        let BreachAct::BreachDetected { occurred_on } = act else {
            return Err(BreachError::NotDetectedYet { act: act.kind() });
        };
        check_role(BreachActKind::BreachDetected, actor)?;
        let detected = Stamp::of(clock, at)?;
        check_occurred(occurred_on, detected.latest.date_naive())?;
        // The rulebook must have the term this procedure counts.
        clock.term(TermId::BreachNotice)?;
        Ok(Breach {
            rulebook: clock.rulebook.id.clone(),
            state: BreachState::Detected,
            detected,
            occurred_on,
            discarded: None,
            confirmation: None,
            analysis: None,
            guarantor_notice: None,
            titular_notices: Vec::new(),
            measures: Vec::new(),
            closed: None,
            investigation: None,
            last: detected,
            acts: vec![RecordedBreachAct {
                seq: 1,
                act,
                at,
                actor: actor.clone(),
                term: None,
                late: false,
            }],
        })
    }

    /// The part of the notice to the titulares that completed it.
    pub fn titulars_completed(&self) -> Option<&TitularNotice> {
        self.titular_notices.iter().find(|n| n.completes)
    }

    /// The notices owed (the analysis found a significant affectation) and not yet given.
    pub fn pending_notices(&self) -> Vec<Recipient> {
        if !self.analysis.as_ref().is_some_and(|a| a.significant) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.titulars_completed().is_none() {
            out.push(Recipient::Titulars);
        }
        if self.guarantor_notice.is_none() {
            out.push(Recipient::Guarantor);
        }
        out
    }

    fn has_definitive_measures(&self) -> bool {
        self.measures
            .iter()
            .any(|m| m.stage == MeasureStage::Definitive)
    }

    /// The state the facts give.
    fn derive_state(&self) -> BreachState {
        use BreachState as S;
        if self.closed.is_some() {
            return S::Closed;
        }
        if self.discarded.is_some() {
            return S::Discarded;
        }
        if self.confirmation.is_none() {
            return S::Detected;
        }
        let Some(analysis) = &self.analysis else {
            return S::Confirmed;
        };
        if !self.pending_notices().is_empty() {
            return S::Significant;
        }
        if self.has_definitive_measures() {
            S::Remedied
        } else if analysis.significant {
            S::Notified
        } else {
            S::NotSignificant
        }
    }

    /// The instant the 72 hours run out, once confirmed.
    pub fn notice_due(&self) -> Option<DateTime<FixedOffset>> {
        self.confirmation.as_ref().map(|c| c.notice_due)
    }

    /// Records one more act done at `at` by `actor`. On error nothing changes.
    pub fn apply(
        &mut self,
        clock: &Clock,
        act: BreachAct,
        at: Moment,
        actor: &Actor,
    ) -> Result<&RecordedBreachAct, BreachError> {
        use BreachAct as A;
        use BreachState as S;
        let kind = act.kind();
        check_role(kind, actor)?;
        let stamp = Stamp::of(clock, at)?;
        // In order: an act may not be surely earlier than the last one.
        if stamp.latest < self.last.earliest {
            return Err(BreachError::OutOfOrder {
                act: kind,
                at,
                previous: self.last.at,
            });
        }
        let state = self.state;
        let invalid = || BreachError::InvalidTransition { state, act: kind };
        let confirmed = matches!(
            state,
            S::Confirmed | S::Significant | S::NotSignificant | S::Notified | S::Remedied
        );
        // Late against the 72 hours: at its latest instant, after the due instant.
        let late_notice = |b: &Breach| b.notice_due().is_some_and(|due| stamp.latest > due);

        let mut next = self.clone();
        let mut term = None;
        let mut late = false;
        match &act {
            A::BreachDetected { .. } => return Err(invalid()),
            A::BreachDiscarded => {
                if state != S::Detected {
                    return Err(invalid());
                }
                next.discarded = Some(stamp);
            }
            A::BreachConfirmed {
                kind: breach_kind,
                cause,
                occurred_on,
                data,
                titulars,
            } => {
                if state != S::Detected {
                    return Err(invalid());
                }
                check_occurred(*occurred_on, stamp.latest.date_naive())?;
                check_count("titulars", *titulars)?;
                let due = clock
                    .calendar
                    .due_at(&at, clock.term(TermId::BreachNotice)?.count())?;
                // In hours it ends at an instant; a rulebook that counted it in days would
                // end it at that day's closing time.
                let notice_due = match due {
                    DueAt::Instant { at } | DueAt::Day { ends: Some(at), .. } => at,
                    DueAt::Day { date, ends: None } => {
                        return Err(BreachError::BadValue(format!(
                            "el plazo de aviso vence el {date} a una hora que no existe en el calendario"
                        )));
                    }
                };
                if occurred_on.is_some() {
                    next.occurred_on = *occurred_on;
                }
                next.confirmation = Some(Confirmation {
                    stamp,
                    kind: *breach_kind,
                    cause: *cause,
                    data: data.clone(),
                    titulars: *titulars,
                    notice_due,
                });
            }
            A::BreachAnalysed {
                significant,
                rights,
                reason,
            } => {
                if state != S::Confirmed {
                    return Err(invalid());
                }
                match (significant, rights.is_empty(), reason) {
                    (true, false, None) | (false, true, Some(_)) => {}
                    (true, true, _) => {
                        return Err(BreachError::BadValue(
                            "una afectación significativa debe decir qué derechos afecta (rights: patrimonial, moral; art. 40)".to_string(),
                        ));
                    }
                    (true, false, Some(_)) => {
                        return Err(BreachError::BadValue(
                            "reason es la razón de que no haya afectación significativa: no aplica si la hay".to_string(),
                        ));
                    }
                    (false, false, _) => {
                        return Err(BreachError::BadValue(
                            "sin afectación significativa no hay derechos afectados: rights no aplica".to_string(),
                        ));
                    }
                    (false, true, None) => {
                        return Err(BreachError::BadValue(
                            "sin afectación significativa no se avisa: falta reason, la razón que queda en la bitácora (art. 40)".to_string(),
                        ));
                    }
                }
                next.analysis = Some(Analysis {
                    stamp,
                    significant: *significant,
                    rights: rights.clone(),
                    reason: *reason,
                });
            }
            A::GuarantorNotified { notice } => {
                if !confirmed {
                    return Err(invalid());
                }
                if let Some(g) = &self.guarantor_notice {
                    return Err(BreachError::GuarantorAlreadyNotified { on: g.stamp.date() });
                }
                check_notice(notice)?;
                late = late_notice(self);
                term = Some(TermId::BreachNotice);
                next.guarantor_notice = Some(GuarantorNotice {
                    stamp,
                    notice: notice.clone(),
                    late,
                });
            }
            A::TitularsNotified {
                notice,
                means,
                count,
                completes,
            } => {
                if !confirmed {
                    return Err(invalid());
                }
                if let Some(t) = self.titulars_completed() {
                    return Err(BreachError::TitularsAlreadyNotified { on: t.stamp.date() });
                }
                check_notice(notice)?;
                check_count("count", Some(*count))?;
                if *count == 0 && !means.is_public() {
                    return Err(BreachError::BadValue(format!(
                        "count = 0: un aviso por {} llega a titulares determinados; diga a cuántos (solo un aviso publicado puede no contarlos)",
                        means.label_es()
                    )));
                }
                late = late_notice(self);
                term = Some(TermId::BreachNotice);
                next.titular_notices.push(TitularNotice {
                    stamp,
                    means: *means,
                    count: *count,
                    notice: notice.clone(),
                    completes: *completes,
                    late,
                });
            }
            A::CorrectiveMeasures { stage, measures } => {
                let allowed = match stage {
                    MeasureStage::Immediate => confirmed || state == S::Detected,
                    // Definitive actions follow the analysis of the causes (art. 42).
                    MeasureStage::Definitive => confirmed,
                };
                if !allowed {
                    return Err(invalid());
                }
                if measures.is_empty() {
                    return Err(BreachError::BadValue(
                        "measures: diga al menos una acción correctiva (arts. 39.1.III y 42)"
                            .to_string(),
                    ));
                }
                next.measures.push(Measures {
                    stamp,
                    stage: *stage,
                    measures: measures.clone(),
                });
            }
            A::BreachClosed => {
                match state {
                    S::Remedied => {}
                    S::Confirmed => return Err(BreachError::Unanalysed),
                    S::Significant => {
                        return Err(BreachError::NoticesPending {
                            pending: self.pending_notices(),
                        });
                    }
                    S::NotSignificant | S::Notified => {
                        return Err(BreachError::NoDefinitiveMeasures);
                    }
                    S::Detected | S::Discarded | S::Closed => return Err(invalid()),
                }
                next.closed = Some(stamp);
            }
            A::InvestigationOpened => {
                if let Some(Investigation::Open { opened } | Investigation::Closed { opened, .. }) =
                    self.investigation
                {
                    return Err(BreachError::InvestigationAlreadyOpened { on: opened.date() });
                }
                if !self.notified_to_guarantor() {
                    return Err(BreachError::InvestigationWithoutNotice);
                }
                next.investigation = Some(Investigation::Open { opened: stamp });
            }
            A::InvestigationClosed { outcome } => {
                let Some(Investigation::Open { opened }) = self.investigation else {
                    return Err(BreachError::NoInvestigationOpen);
                };
                next.investigation = Some(Investigation::Closed {
                    opened,
                    closed: stamp,
                    outcome: *outcome,
                });
            }
        }
        next.state = next.derive_state();
        // The latest instant the record surely reached.
        if stamp.earliest >= self.last.earliest {
            next.last = stamp;
        }
        let seq = next.acts.len() as u32 + 1;
        next.acts.push(RecordedBreachAct {
            seq,
            act,
            at,
            actor: actor.clone(),
            term,
            late,
        });
        *self = next;
        Ok(self.acts.last().expect("just pushed"))
    }

    /// Rebuilds a breach from its acts (the detection first).
    pub fn rebuild<'a>(
        clock: &Clock,
        acts: impl IntoIterator<Item = (&'a BreachAct, Moment, &'a Actor)>,
    ) -> Result<Breach, (usize, BreachError)> {
        let mut breach: Option<Breach> = None;
        for (i, (act, at, actor)) in acts.into_iter().enumerate() {
            match &mut breach {
                None => {
                    breach =
                        Some(Breach::detect(clock, act.clone(), at, actor).map_err(|e| (i, e))?)
                }
                Some(b) => {
                    b.apply(clock, act.clone(), at, actor).map_err(|e| (i, e))?;
                }
            }
        }
        breach.ok_or((
            0,
            BreachError::NotDetectedYet {
                act: BreachActKind::BreachDetected,
            },
        ))
    }

    /// The notice terms of art. 40 at `as_of`: one to the titulares and one to the
    /// guarantor, due at the same instant, 72 hours after the confirmation. None before
    /// the confirmation. Void (when not given) once the analysis finds no significant
    /// affectation; a notice given anyway is met or late all the same.
    pub fn deadlines(
        &self,
        clock: &Clock,
        as_of: DateTime<FixedOffset>,
    ) -> Result<Vec<BreachDeadline>, BreachError> {
        let Some(c) = &self.confirmation else {
            return Ok(Vec::new());
        };
        let term = clock.term(TermId::BreachNotice)?;
        let owed = self.analysis.as_ref().is_none_or(|a| a.significant);
        let titulars = self.titulars_completed().map(|n| n.stamp.latest);
        let guarantor = self.guarantor_notice.as_ref().map(|g| g.stamp.latest);
        Ok([
            (Recipient::Titulars, titulars),
            (Recipient::Guarantor, guarantor),
        ]
        .into_iter()
        .map(|(to, done)| {
            let mut status = DeadlineStatus::of_instant(c.notice_due, done, as_of, false);
            if !owed && done.is_none() {
                status = DeadlineStatus::Void;
            }
            BreachDeadline {
                term: TermId::BreachNotice,
                to,
                from: c.stamp.earliest,
                hours: term.days,
                due: c.notice_due,
                status,
                done,
                article: term.article.clone(),
            }
        })
        .collect())
    }

    /// Whether the responsable's notice to the guarantor is recorded (art. 40): the
    /// guarantor learns of a breach by that notice, and only then may it open the
    /// investigation of art. 43; before it, the breach is the responsable's alone.
    pub fn notified_to_guarantor(&self) -> bool {
        self.guarantor_notice.is_some()
    }

    /// The breach's line of the bitácora (art. 39), from the record alone.
    pub fn bitacora(&self) -> BitacoraEntry {
        let c = self.confirmation.as_ref();
        let notices: Vec<&Notice> = self
            .titular_notices
            .iter()
            .map(|n| &n.notice)
            .chain(self.guarantor_notice.as_ref().map(|g| &g.notice))
            .collect();
        let stage = |s: MeasureStage| {
            let mut v: Vec<Measure> = self
                .measures
                .iter()
                .filter(|m| m.stage == s)
                .flat_map(|m| m.measures.iter().copied())
                .collect();
            // The immediate actions each notice reports (art. 41.1.IV) are the bitácora's.
            if s == MeasureStage::Immediate {
                v.extend(
                    notices
                        .iter()
                        .flat_map(|n| n.immediate_actions.iter().copied()),
                );
            }
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut data: Vec<DataCategory> = c.map(|c| c.data.clone()).unwrap_or_default();
        for n in &notices {
            data.extend(n.data.iter().copied());
        }
        data.sort_unstable();
        data.dedup();
        BitacoraEntry {
            occurred_on: self.occurred_on,
            detected: self.detected.at,
            confirmed: c.map(|c| c.stamp.at),
            discarded: self.discarded.is_some(),
            kind: c.map(|c| c.kind),
            cause: c.map(|c| c.cause),
            data,
            titulars: c.and_then(|c| c.titulars),
            significant: self.analysis.as_ref().map(|a| a.significant),
            not_significant_reason: self.analysis.as_ref().and_then(|a| a.reason),
            immediate_measures: stage(MeasureStage::Immediate),
            definitive_measures: stage(MeasureStage::Definitive),
            guarantor_notified: self.guarantor_notice.as_ref().map(|g| g.stamp.at),
            titulars_notified: self.titulars_completed().map(|n| n.stamp.at),
            titulars_reached: self
                .titular_notices
                .iter()
                .map(|n| u64::from(n.count))
                .sum(),
            late_notice: self.guarantor_notice.as_ref().is_some_and(|g| g.late)
                || self.titular_notices.iter().any(|n| n.late),
            closed: self.closed.map(|s| s.at),
            state: self.state,
        }
    }
}
