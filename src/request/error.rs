//! Why an act on a request was refused. Each error names the state and the act; the text
//! is Spanish because it is shown to the staff who recorded the act.

use chrono::NaiveDate;
use thiserror::Error;

use super::RequestState;
use super::act::{ActKind, ImprocedenceCause, Outcome};
use crate::calendar::TermError;
use crate::case::Role;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RequestError {
    #[error("el acto {act} no procede en el estado «{}» ({})", state.as_str(), state.label_es())]
    InvalidTransition { state: RequestState, act: ActKind },
    #[error(
        "el plazo para desahogar la prevención venció el {due} sin desahogo: la solicitud se tuvo por no presentada (art. 52.3) y el acto {act} ya no procede"
    )]
    Lapsed { act: ActKind, due: NaiveDate },
    #[error(
        "ya se previno al titular el {on}: la prevención procede por una sola ocasión (art. 52.1)"
    )]
    SecondPrevention { on: NaiveDate },
    #[error(
        "el plazo de resolución ya se amplió el {on}: la ampliación procede por una sola vez (art. 59.2)"
    )]
    SecondExtension { on: NaiveDate },
    #[error(
        "la ampliación debe notificarse dentro del plazo de respuesta, que venció el {due}; se notificó el {notified} (art. 59.2)"
    )]
    ExtensionOutOfTime { due: NaiveDate, notified: NaiveDate },
    #[error(
        "days = {days}: el plazo de resolución puede ampliarse hasta por {max} días (art. 59.2); indique de 1 a {max}"
    )]
    ExtensionDays { days: u32, max: u32 },
    #[error(
        "la improcedencia (art. 55.1, fracción {}) niega el ejercicio del derecho: antes de notificarla, el Comité de Transparencia debe confirmarla o modificarla (art. 87.1.III){}",
        cause.roman(),
        match (revoked, confirmed) {
            (true, _) => "; la revocó".to_string(),
            (false, Some(c)) => format!("; la confirmó o modificó por la fracción {}", c.roman()),
            (false, None) => String::new(),
        }
    )]
    ImprocedenceNotConfirmed {
        cause: ImprocedenceCause,
        /// The Comité revoked the determination.
        revoked: bool,
        /// The cause the Comité upheld, when it is another.
        confirmed: Option<ImprocedenceCause>,
    },
    #[error(
        "la falta de competencia se notifica como incompetencia («incompetence_notified»), dentro de los tres días siguientes a la presentación y orientando al titular hacia el responsable competente (art. 54.1), no como improcedencia de la fracción VIII del art. 55.1"
    )]
    IncompetenceAsImprocedence,
    #[error(
        "la identidad del titular (y, en su caso, la identidad y personalidad de su representante) no se ha acreditado: los datos solo se entregan al titular o a su representante debidamente acreditados (arts. 48 y 88.1.III); registre antes la acreditación de la identidad («identity_accredited»)"
    )]
    IdentityNotAccredited,
    #[error(
        "instrument: quien actúa como representante acredita su personalidad con instrumento público, carta poder firmada ante dos testigos o declaración en comparecencia personal del titular (art. 48.4.II.c); indique cuál"
    )]
    InstrumentMissing,
    #[error("instrument: solo se indica cuando actúa un representante (art. 48.4.II.c)")]
    InstrumentWithoutRepresentative,
    #[error("la resolución fue «{}»: no hay derecho que hacer efectivo (art. 59.3)", outcome.label_es())]
    NothingToFulfil { outcome: Outcome },
    #[error("el acto {act} corresponde a: {}; quien lo registra actúa como {}", allowed.iter().filter(|r| **r != Role::Migration).map(|r| r.label_es()).collect::<Vec<_>>().join(" o "), role.label_es())]
    Forbidden {
        act: ActKind,
        role: Role,
        allowed: &'static [Role],
    },
    #[error(
        "el acto {act} tiene fecha de efectos {effective}, anterior al último acto registrado ({previous}); los actos se registran en orden"
    )]
    OutOfOrder {
        act: ActKind,
        effective: NaiveDate,
        previous: NaiveDate,
    },
    #[error("el acto {act} tiene fecha {at}, posterior al momento del registro ({now})")]
    InFuture {
        act: ActKind,
        at: String,
        now: String,
    },
    #[error("el primer acto de una solicitud debe ser su presentación («filed»), no {act}")]
    NotFiledYet { act: ActKind },
    #[error(transparent)]
    Term(#[from] TermError),
}
