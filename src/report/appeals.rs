//! The report of recursos de revisión (Título Noveno, Capítulo II, arts. 92–112) and of the
//! compliance of their resolutions (arts. 112, 136–138): what came in and on which ground
//! (art. 100), how it ended (arts. 104.2, 106, 108–110), whether the responsable complied
//! on time and which medidas de apremio were needed (arts. 112, 136.3, 138); and whether
//! each term was met.
//!
//! The cohort is every appeal whose filing took effect in the period, on the guarantor's
//! calendar (the appeal's own); each is seen on the cut, rebuilt from the acts in effect by
//! then, as the request report does ([`super::requests`]).

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{
    Cell, Column, GroupBy, MONTHS_ES, Metric, Period, Table, TableBuilder, capital, metric,
    total_column,
};
use crate::appeal::{
    Appeal, AppealError, AppealOutcome, AppealState, DismissalCause, Ground, Venue,
};
use crate::case::{Clock, Deadline, DeadlineStatus};
use crate::rules::{Procedure, TermId};

/// One appeal as the report sees it at the cut: the dates of its acts in effect by then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealFacts {
    pub folio: String,
    /// The guarantor that hears the appeal.
    pub guarantor: String,
    /// The sujeto obligado whose request is appealed (empty when the request is unknown).
    pub body: String,
    /// The ground (art. 100).
    pub ground: Ground,
    /// Where it was filed (art. 99.1): with the guarantor or with the Unidad de
    /// Transparencia.
    pub venue: Venue,
    /// The effective date of the filing, on the guarantor's calendar (counting rule 1).
    pub filed: NaiveDate,
    /// Filed after the request's appeal window closed (art. 99; art. 108.I is offered).
    pub out_of_time: bool,
    /// The state on the cut: a requirement left unanswered past its term dismisses the
    /// appeal (art. 104.2), a resolution term run out confirms the response (art. 110.10).
    pub state: AppealState,
    /// The requirement to the titular (art. 104.1).
    pub requirement: Option<NaiveDate>,
    pub admitted: Option<NaiveDate>,
    /// The acuerdo de desechamiento and its cause (arts. 105, 108).
    pub dismissal: Option<(NaiveDate, DismissalCause)>,
    /// Dismissed by the lapse of the requirement's term on the cut (art. 104.2), with no
    /// acuerdo de desechamiento recorded yet.
    pub lapsed: bool,
    /// The conciliation (art. 106): invitation, both parties' willingness, agreement.
    pub invited: Option<NaiveDate>,
    pub accepted: Option<NaiveDate>,
    pub agreement: Option<NaiveDate>,
    /// The agreement complied with: the appeal left without matter (art. 106.VI).
    pub without_matter: Option<NaiveDate>,
    /// No agreement, or the agreement not complied with: the procedure resumed (art.
    /// 106.IV, VI).
    pub conciliation_failed: Option<NaiveDate>,
    /// The one extension of the resolution term (art. 110.1).
    pub extension: Option<NaiveDate>,
    /// The resolution and what it resolved (art. 110.4).
    pub resolution: Option<(NaiveDate, AppealOutcome)>,
    /// The days the resolution gave to comply (art. 112.1), when it orders action.
    pub compliance_days: Option<u32>,
    /// Confirmed by the guarantor's silence on the cut (art. 110.10).
    pub confirmed_by_silence: bool,
    /// The resolution notified and published (art. 110.9).
    pub resolution_notice: Option<NaiveDate>,
    /// The compliance report (art. 137.1) and the date it says the responsable complied.
    pub compliance_report: Option<NaiveDate>,
    pub complied_on: Option<NaiveDate>,
    /// The rulings on compliance, in order: complied or not (art. 138.2).
    pub rulings: Vec<(NaiveDate, bool)>,
    /// The status on the cut of the compliance term (art. 112.1, with the extension of
    /// art. 136.3), once it runs (from the resolution's notice).
    pub compliance: Option<DeadlineStatus>,
    /// The responsable's request for more time (art. 136.2–3), and the ruling with the
    /// days granted (0: refused).
    pub compliance_extension_request: Option<NaiveDate>,
    pub compliance_extension_ruling: Option<(NaiveDate, u32)>,
    /// Medidas de apremio (art. 112): the warning with its days, the fine with its days
    /// and UMA, the arrest.
    pub warning: Option<(NaiveDate, u32)>,
    pub fine: Option<(NaiveDate, u32, u32)>,
    pub arrest: Option<NaiveDate>,
    /// Every term of the appeal and its compliance on the cut, with its status.
    pub terms: Vec<Deadline>,
}

impl AppealFacts {
    /// The appeal `folio`, heard by `guarantor` against a request of `body`, as it stood
    /// on `cut`: rebuilt from the acts that took effect by then when later ones exist
    /// (with the appeal window its filing found). `clock`: the guarantor's calendar and the
    /// appeal's rulebook.
    pub fn of(
        folio: &str,
        guarantor: &str,
        body: &str,
        appeal: &Appeal,
        clock: &Clock,
        cut: NaiveDate,
    ) -> Result<AppealFacts, AppealError> {
        let seen: Cow<Appeal> = if appeal.acts.iter().all(|a| a.effective <= cut) {
            Cow::Borrowed(appeal)
        } else {
            let before = appeal.acts.iter().take_while(|a| a.effective <= cut);
            Cow::Owned(
                Appeal::rebuild(
                    clock,
                    appeal.window,
                    before.map(|a| (&a.act, a.at, &a.actor)),
                )
                .map_err(|(_, e)| e)?,
            )
        };
        let a = seen.as_ref();
        let state = a.state_on(clock, cut)?;
        let terms: Vec<Deadline> = a.deadlines(clock, cut)?.into_values().collect();
        let day = |s: Option<crate::case::Stamp>| s.map(|s| s.effective);
        Ok(AppealFacts {
            folio: folio.to_string(),
            guarantor: guarantor.to_string(),
            body: body.to_string(),
            ground: a.ground,
            venue: a.venue,
            filed: a.filed.effective,
            out_of_time: a.window.is_some_and(|w| !w.in_time()),
            state,
            requirement: day(a.requirement),
            admitted: day(a.admission),
            dismissal: a.dismissal.map(|(s, c)| (s.effective, c)),
            // A dismissal recorded after the lapse is an acuerdo like any other (its cause).
            lapsed: state == AppealState::Dismissed && a.dismissal.is_none(),
            invited: day(a.invitation),
            accepted: day(a.acceptance),
            agreement: day(a.agreement),
            without_matter: a
                .agreement_end
                .and_then(|(s, fulfilled)| fulfilled.then_some(s.effective)),
            conciliation_failed: day(a.conciliation_failed).or(a
                .agreement_end
                .and_then(|(s, fulfilled)| (!fulfilled).then_some(s.effective))),
            extension: day(a.extension),
            resolution: a.resolution.map(|(s, o, _)| (s.effective, o)),
            compliance_days: a
                .resolution
                .and_then(|(_, o, d)| o.orders_action().then_some(d)),
            confirmed_by_silence: state == AppealState::ConfirmedBySilence,
            resolution_notice: day(a.resolution_notice),
            compliance_report: day(a.report),
            complied_on: a.complied_on,
            rulings: a.rulings.iter().map(|(s, ok)| (s.effective, *ok)).collect(),
            compliance: terms
                .iter()
                .find(|d| d.term == TermId::Compliance)
                .map(|d| d.status),
            compliance_extension_request: day(a.extension_request),
            compliance_extension_ruling: a.extension_ruling.map(|(s, d)| (s.effective, d)),
            warning: a.warning.map(|(s, d)| (s.effective, d)),
            fine: a.fine.map(|(s, d, uma)| (s.effective, d, uma)),
            arrest: day(a.arrest),
            terms,
        })
    }

    /// The column this appeal falls in under `by`: the body appealed against (`Body`), the
    /// ground of art. 100 (`Right`: the appeal's counterpart of the right exercised), where
    /// it was filed, art. 99.1 (`Channel`: the guarantor or the Unidad de Transparencia),
    /// the month of filing (`Month`).
    fn column(&self, by: GroupBy) -> Option<Column> {
        let (key, label) = match by {
            GroupBy::None => return None,
            GroupBy::Body if self.body.is_empty() => {
                ("unknown".to_string(), "Sin dato".to_string())
            }
            GroupBy::Body => (self.body.clone(), self.body.clone()),
            GroupBy::Right => (
                self.ground.0.roman().to_string(),
                format!("Fracción {} del art. 100", self.ground.0.roman()),
            ),
            GroupBy::Channel => match self.venue {
                Venue::Guarantor => (
                    "guarantor".to_string(),
                    "Ante el órgano garante".to_string(),
                ),
                Venue::Unit => (
                    "unit".to_string(),
                    "Ante la Unidad de Transparencia".to_string(),
                ),
            },
            GroupBy::Month => (
                format!("{:04}-{:02}", self.filed.year(), self.filed.month()),
                format!(
                    "{} {}",
                    capital(MONTHS_ES[self.filed.month0() as usize]),
                    self.filed.year()
                ),
            ),
        };
        Some(Column { key, label })
    }

    fn orders_action(&self) -> bool {
        self.resolution.is_some_and(|(_, o)| o.orders_action())
    }
}

/// The report of the appeals filed in a period.
///
/// Grouping: `Body` splits by the sujeto obligado appealed against, `Month` by the month
/// of filing; an appeal has no right or reception channel of its own, so `Right` splits by
/// the ground (art. 100) and `Channel` by where it was filed (art. 99.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealReport {
    pub period: Period,
    pub group_by: GroupBy,
    /// What came in and how it ended: grounds, admission, dismissals and their causes,
    /// conciliation, resolutions and their outcomes, silence, notice, open at the cut.
    pub appeals: Table,
    /// The compliance of the resolutions that ordered action, and the medidas de apremio.
    pub compliance: Table,
    /// For each term of the appeal and its compliance, how many were met, late, missed or
    /// still running on the cut.
    pub timeliness: Table,
    /// For each row of `timeliness`, met ÷ (met + late + missed), when any is.
    pub on_time: Vec<Option<f64>>,
    /// Every appeal of the cohort, in folio order.
    #[serde(skip)]
    pub cases: Vec<AppealFacts>,
}

type Count = Box<dyn Fn(&AppealFacts) -> bool>;

/// A row of a table: its metric, its level and how an appeal counts in it.
type Counter = (Metric, u8, Count);

fn row(
    key: impl Into<String>,
    label: impl Into<String>,
    definition: impl Into<String>,
    level: u8,
    count: impl Fn(&AppealFacts) -> bool + 'static,
) -> Counter {
    (metric(key, label, definition), level, Box::new(count))
}

/// The grounds of art. 100.1, as the Ground type numbers them (I to XII).
const GROUNDS: [&str; 12] = [
    "datos clasificados como confidenciales sin cumplir las leyes aplicables",
    "declaración de inexistencia de los datos",
    "declaración de incompetencia del responsable",
    "entrega de datos incompletos",
    "entrega de datos que no corresponden con lo solicitado",
    "negativa del acceso, rectificación, cancelación u oposición",
    "falta de respuesta dentro de los plazos de la Ley",
    "entrega en modalidad o formato distinto al solicitado o incomprensible",
    "inconformidad con los costos de reproducción o envío o con los tiempos de entrega",
    "obstaculización del ejercicio pese a la procedencia notificada",
    "falta de trámite de la solicitud",
    "falta de respuesta del responsable",
];

/// The causes of improcedencia of art. 108.1 (I to VII).
const CAUSES: [&str; 7] = [
    "presentado de forma extemporánea",
    "materia ya resuelta en definitiva por el órgano garante",
    "no se actualiza ninguna causal del art. 100",
    "recurso o medio de defensa en trámite ante los tribunales",
    "el recurrente modificó o amplió su petición (actos nuevos)",
    "el recurrente no acreditó su interés jurídico",
    "no se acreditó la identidad del titular o la personalidad del representante",
];

/// The outcomes of art. 110.4, in the order of its fracciones.
const OUTCOMES: [(AppealOutcome, &str, &str, &str); 6] = [
    (
        AppealOutcome::Dismissed,
        "dismissed",
        "Desecha",
        "la resolución desecha el recurso por improcedente (art. 110.4.I; la causa no se registra)",
    ),
    (
        AppealOutcome::Sobreseido,
        "sobreseido",
        "Sobresee",
        "la resolución sobresee el recurso (arts. 109 y 110.4.I; la causa no se registra)",
    ),
    (
        AppealOutcome::Confirmed,
        "confirmed",
        "Confirma la respuesta",
        "la resolución confirma la respuesta del responsable (art. 110.4.II)",
    ),
    (
        AppealOutcome::Modified,
        "modified",
        "Modifica la respuesta",
        "la resolución modifica la respuesta del responsable (art. 110.4.III)",
    ),
    (
        AppealOutcome::Revoked,
        "revoked",
        "Revoca la respuesta",
        "la resolución revoca la respuesta del responsable (art. 110.4.III)",
    ),
    (
        AppealOutcome::DeliveryOrdered,
        "delivery_ordered",
        "Ordena la entrega",
        "la resolución ordena la entrega de los datos personales por omisión del responsable (art. 110.4.IV)",
    ),
];

/// The stable key of an outcome (as in the log: `revoked`, `delivery_ordered`...).
pub fn outcome_key(o: AppealOutcome) -> &'static str {
    OUTCOMES
        .iter()
        .find(|(x, ..)| *x == o)
        .map_or("", |(_, k, ..)| k)
}

/// Whether the appeal's procedure had ended on the cut: dismissed, left without matter,
/// confirmed by silence, concluded without anything to comply with, or complied with.
fn ended(s: AppealState) -> bool {
    matches!(
        s,
        AppealState::Dismissed
            | AppealState::WithoutMatter
            | AppealState::ConfirmedBySilence
            | AppealState::Concluded
            | AppealState::Complied
    )
}

const COHORT: &str = "recursos cuya interposición surtió efectos en el periodo";

fn appeal_counters() -> Vec<Counter> {
    let mut v = vec![
        row(
            "received",
            "Recibidos",
            "Recursos de revisión cuya interposición surtió efectos en el periodo, en días hábiles del calendario del órgano garante (regla 1 de cómputo: el día hábil en que se recibió, o el siguiente si llegó después del cierre o en día inhábil).",
            0,
            |_| true,
        ),
        row(
            "out_of_time",
            "Fuera del plazo para recurrir",
            format!(
                "De los {COHORT}, los interpuestos después de vencido el plazo para recurrir, contado en el calendario del responsable (art. 99; causal del art. 108.I)."
            ),
            1,
            |f| f.out_of_time,
        ),
        row(
            "via_unit",
            "Presentados ante la Unidad de Transparencia",
            format!(
                "De los {COHORT}, los presentados ante la Unidad de Transparencia del responsable, que debe remitirlos al órgano garante (art. 99.1 y 99.3)."
            ),
            1,
            |f| f.venue == Venue::Unit,
        ),
    ];
    for (i, what) in GROUNDS.iter().enumerate() {
        let ground = Ground::parse(&(i + 1).to_string()).expect("I to XII");
        let roman = ground.0.roman();
        v.push(row(
            format!("ground_{roman}"),
            format!("Fracción {roman}: {what}"),
            format!(
                "De los {COHORT}, los interpuestos por la causa de procedencia de la fracción {roman} del art. 100.1 ({what})."
            ),
            1,
            move |f| f.ground == ground,
        ));
    }
    v.extend([
        row(
            "required",
            "Con requerimiento al recurrente",
            format!(
                "De los {COHORT}, aquellos en que el órgano garante notificó un requerimiento de información al titular (art. 104.1), hasta el corte."
            ),
            0,
            |f| f.requirement.is_some(),
        ),
        row(
            "admitted",
            "Admitidos",
            format!("De los {COHORT}, los admitidos (arts. 105 y 107.I), hasta el corte."),
            0,
            |f| f.admitted.is_some(),
        ),
        row(
            "dismissed",
            "Desechados",
            format!(
                "De los {COHORT}, los desechados por acuerdo (arts. 105 y 108) o por no desahogar el requerimiento en su plazo (art. 104.2), al corte."
            ),
            0,
            |f| f.dismissal.is_some() || f.lapsed,
        ),
    ]);
    for (i, what) in CAUSES.iter().enumerate() {
        let cause = DismissalCause::parse(&(i + 1).to_string()).expect("I to VII");
        let roman = cause.0.roman();
        v.push(row(
            format!("dismissed_{roman}"),
            format!("Causa: fracción {roman} del art. 108"),
            format!(
                "De los desechados, aquellos cuyo acuerdo de desechamiento invocó la fracción {roman} del art. 108.1 ({what})."
            ),
            1,
            move |f| f.dismissal.is_some_and(|(_, c)| c == cause),
        ));
    }
    v.extend([
        row(
            "dismissed_lapsed",
            "Requerimiento no desahogado",
            "De los desechados, aquellos cuyo plazo de 5 días para desahogar el requerimiento venció sin desahogo al corte y sin acuerdo de desechamiento registrado (art. 104.2).",
            1,
            |f| f.lapsed,
        ),
        row(
            "conciliation_invited",
            "Invitados a conciliar",
            format!(
                "De los {COHORT}, aquellos en que el órgano garante requirió a las partes su voluntad de conciliar (art. 106.1.I), hasta el corte."
            ),
            0,
            |f| f.invited.is_some(),
        ),
        row(
            "conciliation_accepted",
            "Conciliación aceptada",
            "De los invitados a conciliar, aquellos en que ambas partes manifestaron su voluntad de conciliar (art. 106.1.II), hasta el corte.",
            1,
            |f| f.accepted.is_some(),
        ),
        row(
            "conciliation_agreement",
            "Con acuerdo de conciliación",
            "De los invitados a conciliar, aquellos en que las partes llegaron a un acuerdo en la audiencia (art. 106.1.V), hasta el corte.",
            1,
            |f| f.agreement.is_some(),
        ),
        row(
            "without_matter",
            "Sin materia por cumplimiento del acuerdo",
            "De los invitados a conciliar, aquellos cuyo acuerdo de conciliación se cumplió, con lo que el recurso quedó sin materia (art. 106.1.VI), hasta el corte.",
            1,
            |f| f.without_matter.is_some(),
        ),
        row(
            "conciliation_failed",
            "Conciliación sin acuerdo o incumplida",
            "De los invitados a conciliar, aquellos en que no hubo acuerdo o el acuerdo no se cumplió y el procedimiento se reanudó (art. 106.1.IV y VI), hasta el corte.",
            1,
            |f| f.conciliation_failed.is_some(),
        ),
        row(
            "extended",
            "Con ampliación del plazo para resolver",
            format!(
                "De los {COHORT}, aquellos en que el órgano garante amplió por acuerdo el plazo para resolver (art. 110.1 y 110.2), hasta el corte."
            ),
            0,
            |f| f.extension.is_some(),
        ),
        row(
            "resolved",
            "Resueltos",
            format!(
                "De los {COHORT}, los que el órgano garante resolvió (art. 110.4), hasta el corte."
            ),
            0,
            |f| f.resolution.is_some(),
        ),
    ]);
    for (outcome, key, label, what) in OUTCOMES {
        v.push(row(
            format!("resolved_{key}"),
            label,
            format!("De los resueltos, aquellos en que {what}."),
            1,
            move |f| f.resolution.is_some_and(|(_, o)| o == outcome),
        ));
    }
    v.extend([
        row(
            "confirmed_by_silence",
            "Respuesta confirmada por falta de resolución",
            format!(
                "De los {COHORT}, aquellos cuyo plazo para resolver (20 días hábiles del calendario del órgano garante desde el día siguiente a la interposición o al desahogo del requerimiento, más su ampliación y sin los días suspendidos por la conciliación) venció sin resolución al corte, con lo que se entiende confirmada la respuesta (art. 110.10)."
            ),
            0,
            |f| f.confirmed_by_silence,
        ),
        row(
            "notified",
            "Resolución notificada",
            format!(
                "De los {COHORT}, aquellos cuya resolución se notificó a las partes y se publicó (art. 110.9), hasta el corte."
            ),
            0,
            |f| f.resolution_notice.is_some(),
        ),
        row(
            "open",
            "En trámite al corte",
            format!(
                "De los {COHORT}, aquellos cuyo procedimiento no había terminado en la fecha de corte: sin desechar, sin quedar sin materia, sin confirmación por falta de resolución y sin concluir, incluidos los que esperan el cumplimiento de su resolución o las medidas de apremio (arts. 112 y 138)."
            ),
            0,
            |f| !ended(f.state),
        ),
    ]);
    v
}

fn compliance_counters() -> Vec<Counter> {
    let is =
        |s: DeadlineStatus| move |f: &AppealFacts| f.orders_action() && f.compliance == Some(s);
    vec![
        row(
            "ordered",
            "Resoluciones que ordenan cumplir",
            format!(
                "De los {COHORT}, aquellos resueltos, hasta el corte, en un sentido que obliga al responsable a actuar: modificar o revocar la respuesta u ordenar la entrega (arts. 110.4.III–IV y 112.1)."
            ),
            0,
            AppealFacts::orders_action,
        ),
        row(
            "complied_on_time",
            "Cumplidas en plazo",
            "De las que ordenan cumplir, aquellas cuyo responsable cumplió a más tardar el último día del plazo fijado en la resolución, contado en días hábiles del calendario del órgano garante desde el día siguiente a la notificación, más la prórroga concedida (arts. 112.1 y 136.3); el día de cumplimiento es el que declara el informe (art. 137.1) mientras no haya acuerdo, o el del acuerdo de cumplimiento si el informe no da fecha (art. 138.2).",
            1,
            is(DeadlineStatus::Met),
        ),
        row(
            "complied_late",
            "Cumplidas fuera de plazo",
            "De las que ordenan cumplir, aquellas cuyo responsable cumplió después del último día de ese plazo, con el mismo cómputo.",
            1,
            is(DeadlineStatus::Late),
        ),
        row(
            "not_complied",
            "Plazo vencido sin cumplir",
            "De las que ordenan cumplir, aquellas cuyo plazo venció al corte sin cumplimiento, o en que el órgano garante acordó el incumplimiento (art. 138.2.I), aunque después se cumpliera ante las medidas de apremio.",
            1,
            is(DeadlineStatus::Missed),
        ),
        row(
            "compliance_pending",
            "Plazo en curso o sin notificar",
            "De las que ordenan cumplir, aquellas cuyo plazo no había vencido al corte, o cuya resolución aún no se había notificado (el plazo corre desde la notificación, art. 112.1).",
            1,
            |f| {
                f.orders_action()
                    && !matches!(
                        f.compliance,
                        Some(DeadlineStatus::Met | DeadlineStatus::Late | DeadlineStatus::Missed)
                    )
            },
        ),
        row(
            "extension_requested",
            "Prórroga solicitada",
            "De las que ordenan cumplir, aquellas en que el responsable solicitó ampliar el plazo de cumplimiento dentro de sus primeros tres días (art. 136.2 y 136.3), hasta el corte.",
            1,
            |f| f.compliance_extension_request.is_some(),
        ),
        row(
            "extension_granted",
            "Prórroga concedida",
            "De las que solicitaron prórroga, aquellas en que el órgano garante la concedió por uno o más días (art. 136.3), hasta el corte.",
            2,
            |f| f.compliance_extension_ruling.is_some_and(|(_, d)| d > 0),
        ),
        row(
            "extension_refused",
            "Prórroga negada",
            "De las que solicitaron prórroga, aquellas en que el órgano garante la negó (art. 136.3), hasta el corte.",
            2,
            |f| f.compliance_extension_ruling.is_some_and(|(_, d)| d == 0),
        ),
        row(
            "reported",
            "Con informe de cumplimiento",
            "De las que ordenan cumplir, aquellas en que el responsable rindió su informe de cumplimiento (art. 137.1), hasta el corte.",
            1,
            |f| f.compliance_report.is_some(),
        ),
        row(
            "ruled_complied",
            "Acuerdo de cumplimiento",
            "De las que ordenan cumplir, aquellas en que el órgano garante acordó el cumplimiento y el archivo (art. 138.2), en su primer pronunciamiento o después de las medidas de apremio, hasta el corte.",
            1,
            |f| f.rulings.iter().any(|(_, ok)| *ok),
        ),
        row(
            "ruled_non_compliant",
            "Acuerdo de incumplimiento",
            "De las que ordenan cumplir, aquellas en que el órgano garante acordó el incumplimiento (art. 138.2.I), hasta el corte.",
            1,
            |f| f.rulings.iter().any(|(_, ok)| !*ok),
        ),
        row(
            "warned",
            "Amonestación pública",
            "De las que ordenan cumplir, aquellas en que el órgano garante impuso amonestación pública con nuevo plazo para cumplir (art. 112.2), hasta el corte.",
            1,
            |f| f.warning.is_some(),
        ),
        row(
            "fined",
            "Multa",
            "De las que ordenan cumplir, aquellas en que el órgano garante impuso multa de 150 a 1,500 UMA (3,000 por reincidencia) con nuevo plazo para cumplir (arts. 112.3 y 143.2), hasta el corte.",
            1,
            |f| f.fine.is_some(),
        ),
        row(
            "arrested",
            "Arresto administrativo",
            "De las que ordenan cumplir, aquellas en que el órgano garante ordenó arresto administrativo y presentó la denuncia penal (art. 112.4), hasta el corte.",
            1,
            |f| f.arrest.is_some(),
        ),
    ]
}

/// The columns of the timeliness table, in this order.
const STATUSES: [(DeadlineStatus, &str, &str); 4] = [
    (DeadlineStatus::Met, "met", "En plazo"),
    (DeadlineStatus::Late, "late", "Fuera de plazo"),
    (DeadlineStatus::Missed, "missed", "Vencido sin cumplir"),
    (DeadlineStatus::Pending, "pending", "En curso al corte"),
];

/// A term of the appeal or of its compliance (not the request's appeal window).
fn reported_term(t: TermId) -> bool {
    matches!(t.procedure(), Procedure::Appeal | Procedure::Compliance)
}

fn counted(
    key: &str,
    title: &str,
    counters: &[Counter],
    cases: &[AppealFacts],
    group_by: GroupBy,
) -> Table {
    let mut b = TableBuilder::new(
        key,
        title,
        counters.iter().map(|(m, l, _)| (m.clone(), *l)).collect(),
    );
    let total = total_column();
    b.column(&total);
    for (i, f) in cases.iter().enumerate() {
        let i = i as u32;
        let col = f.column(group_by);
        if let Some(c) = &col {
            b.column(c);
        }
        for (m, (_, _, counts)) in counters.iter().enumerate() {
            if counts(f) {
                b.add(m, &total, i);
                if let Some(c) = &col {
                    b.add(m, c, i);
                }
            }
        }
    }
    b.build(false)
}

impl AppealReport {
    /// The report of `cases` (each appeal filed in `period`, any order); `name` gives a
    /// term's name as the rulebook writes it.
    pub fn build(
        period: Period,
        group_by: GroupBy,
        mut cases: Vec<AppealFacts>,
        name: impl Fn(TermId) -> String,
    ) -> AppealReport {
        cases.sort_by(|a, b| a.folio.cmp(&b.folio));
        let appeals = counted(
            "appeals",
            "Recursos de revisión",
            &appeal_counters(),
            &cases,
            group_by,
        );
        let compliance = counted(
            "compliance",
            "Cumplimiento de las resoluciones",
            &compliance_counters(),
            &cases,
            group_by,
        );

        // Terms in the rulebook's order; only those some appeal of the cohort has.
        let mut terms: Vec<TermId> = Vec::new();
        for f in &cases {
            for d in &f.terms {
                if d.status != DeadlineStatus::Void
                    && reported_term(d.term)
                    && !terms.contains(&d.term)
                {
                    terms.push(d.term);
                }
            }
        }
        terms.sort_by_key(|t| TermId::ALL.iter().position(|x| x == t));
        let article = |t: TermId| {
            cases
                .iter()
                .flat_map(|f| &f.terms)
                .find(|d| d.term == t)
                .map(|d| d.article.clone())
                .unwrap_or_default()
        };
        let mut timeliness = TableBuilder::new(
            "timeliness",
            "Oportunidad",
            terms
                .iter()
                .map(|&t| {
                    let calendar = if t == TermId::ForwardToGuarantor {
                        "del calendario de la Unidad de Transparencia que lo recibió"
                    } else {
                        "del calendario del órgano garante"
                    };
                    (
                        metric(
                            format!("term_{}", t.as_str()),
                            name(t),
                            format!(
                                "Plazos «{}» (art. {}) de los {COHORT}, contados en días hábiles {calendar}, con su estado al corte: en plazo si el acto surtió efectos a más tardar el día del vencimiento (regla 6), fuera de plazo si después, vencido sin cumplir si el vencimiento pasó sin el acto. Los plazos que quedaron sin efecto no se cuentan.",
                                name(t),
                                article(t)
                            ),
                        ),
                        0,
                    )
                })
                .collect(),
        );
        let status_columns: Vec<Column> = STATUSES
            .iter()
            .map(|(_, k, l)| Column {
                key: k.to_string(),
                label: l.to_string(),
            })
            .collect();
        for c in &status_columns {
            timeliness.column(c);
        }
        for (i, f) in cases.iter().enumerate() {
            for d in &f.terms {
                let Some(row) = terms.iter().position(|t| *t == d.term) else {
                    continue;
                };
                if let Some(s) = STATUSES.iter().position(|(s, _, _)| *s == d.status) {
                    timeliness.add(row, &status_columns[s], i as u32);
                }
            }
        }
        let timeliness = timeliness.build(true);
        let on_time = timeliness
            .rows
            .iter()
            .map(|r| {
                let (met, late, missed) = (r.cells[0].count, r.cells[1].count, r.cells[2].count);
                let n = met + late + missed;
                (n > 0).then(|| met as f64 / n as f64)
            })
            .collect();
        AppealReport {
            period,
            group_by,
            appeals,
            compliance,
            timeliness,
            on_time,
            cases,
        }
    }

    /// The appeals behind one cell of one of the report's tables.
    pub fn cases_of<'a>(&'a self, cell: &'a Cell) -> impl Iterator<Item = &'a AppealFacts> + 'a {
        cell.cases
            .iter()
            .filter_map(|&i| self.cases.get(i as usize))
    }

    /// The cell of `metric` in `column` of the table `table` (`appeals`, `compliance` or
    /// `timeliness`).
    pub fn find(&self, table: &str, metric: &str, column: &str) -> Option<&Cell> {
        match table {
            "appeals" => self.appeals.cell(metric, column),
            "compliance" => self.compliance.cell(metric, column),
            "timeliness" => self.timeliness.cell(metric, column),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarLoader, Moment};
    use crate::case::{Actor, Role};
    use crate::request::replay::DEFAULT_JURISDICTION;
    use crate::rules::Rulebooks;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn act(json: &str) -> AppealAct {
        serde_json::from_str(json).unwrap()
    }

    /// An appeal filed with the guarantor on 10 June 2026 on `ground`, then `acts`
    /// (date, act as JSON), all by the guarantor but the compliance report.
    fn appeal(clock: &Clock, ground: &str, acts: &[(&str, &str)]) -> Appeal {
        let og = Actor::new("og", Role::Guarantor);
        let ut = Actor::new("ut", Role::UnitStaff);
        let filing = act(&format!(
            r#"{{"act": "appeal_filed", "venue": "guarantor", "ground": "{ground}"}}"#
        ));
        let mut a = Appeal::file(clock, filing, Moment::Date(d("2026-06-10")), &og, None).unwrap();
        for (on, json) in acts {
            let x = act(json);
            let who = if json.contains("compliance_reported") {
                &ut
            } else {
                &og
            };
            a.apply(clock, x, Moment::Date(d(on)), who)
                .unwrap_or_else(|e| panic!("{on} {json}: {e}"));
        }
        a
    }

    use crate::appeal::AppealAct;

    fn report(cut: &str, by: GroupBy, appeals: &[(&str, &Appeal)], clock: &Clock) -> AppealReport {
        let cut = d(cut);
        let facts = appeals
            .iter()
            .map(|(folio, a)| AppealFacts::of(folio, "ITEI", "SEJ", a, clock, cut).unwrap())
            .collect();
        let period = Period {
            from: d("2026-01-01"),
            to: cut,
            cut,
        };
        AppealReport::build(period, by, facts, |t| t.as_str().to_string())
    }

    fn folios(r: &AppealReport, table: &str, metric: &str, column: &str) -> Vec<String> {
        let cell = r
            .find(table, metric, column)
            .unwrap_or_else(|| panic!("no cell {table}/{metric}/{column}"));
        r.cases_of(cell).map(|f| f.folio.clone()).collect()
    }

    #[test]
    fn appeals_are_counted_by_ground_end_and_compliance() {
        let cal = CalendarLoader::default().load("mx-jalisco").unwrap();
        let books = Rulebooks::builtin().unwrap();
        let book = books
            .in_force(DEFAULT_JURISDICTION, d("2026-06-10"))
            .unwrap();
        let clock = Clock::new(&cal, book);
        let dismissed = appeal(
            &clock,
            "VI",
            &[(
                "2026-06-11",
                r#"{"act": "appeal_dismissed", "cause": "VII"}"#,
            )],
        );
        // Requirement 11 June, answer due 18 June (12, 15, 16, 17, 18): lapsed after.
        let lapsed = appeal(
            &clock,
            "VI",
            &[("2026-06-11", r#"{"act": "appeal_requirement_notified"}"#)],
        );
        // Revoked with 5 days, notified 18 June: due 25 June; the report says 22 June.
        let complied = appeal(
            &clock,
            "IV",
            &[
                ("2026-06-11", r#"{"act": "appeal_admitted"}"#),
                (
                    "2026-06-17",
                    r#"{"act": "appeal_resolved", "outcome": "revoked", "compliance_days": 5}"#,
                ),
                ("2026-06-18", r#"{"act": "appeal_resolution_notified"}"#),
                (
                    "2026-06-23",
                    r#"{"act": "compliance_reported", "complied_on": "2026-06-22"}"#,
                ),
            ],
        );
        // Admitted and never resolved: 20 days from 10 June end on 8 July (art. 110.10).
        let silent = appeal(
            &clock,
            "VII",
            &[("2026-06-11", r#"{"act": "appeal_admitted"}"#)],
        );
        let all = [
            ("RR-1", &dismissed),
            ("RR-2", &lapsed),
            ("RR-3", &complied),
            ("RR-4", &silent),
        ];

        let r = report("2026-07-31", GroupBy::Right, &all, &clock);
        let n = |t: &Table, m: &str| t.count(m, "total");
        assert_eq!(n(&r.appeals, "received"), 4);
        assert_eq!(n(&r.appeals, "ground_VI"), 2);
        assert_eq!(n(&r.appeals, "ground_IV"), 1);
        assert_eq!(n(&r.appeals, "ground_VII"), 1);
        assert_eq!(n(&r.appeals, "ground_I"), 0);
        assert_eq!(n(&r.appeals, "required"), 1);
        assert_eq!(n(&r.appeals, "admitted"), 2);
        assert_eq!(n(&r.appeals, "dismissed"), 2);
        assert_eq!(n(&r.appeals, "dismissed_VII"), 1);
        assert_eq!(n(&r.appeals, "dismissed_lapsed"), 1);
        assert_eq!(n(&r.appeals, "resolved"), 1);
        assert_eq!(n(&r.appeals, "resolved_revoked"), 1);
        assert_eq!(n(&r.appeals, "confirmed_by_silence"), 1);
        assert_eq!(n(&r.appeals, "notified"), 1);
        // RR-3 waits for the ruling on its compliance.
        assert_eq!(folios(&r, "appeals", "open", "total"), ["RR-3"]);
        assert_eq!(folios(&r, "appeals", "dismissed", "VI"), ["RR-1", "RR-2"]);
        assert_eq!(r.appeals.count("received", "VII"), 1);
        let keys: Vec<&str> = r.appeals.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["IV", "VI", "VII", "total"]);
        assert_eq!(r.compliance.columns, r.appeals.columns);

        assert_eq!(n(&r.compliance, "ordered"), 1);
        assert_eq!(
            folios(&r, "compliance", "complied_on_time", "total"),
            ["RR-3"]
        );
        assert_eq!(n(&r.compliance, "complied_late"), 0);
        assert_eq!(n(&r.compliance, "reported"), 1);
        assert_eq!(n(&r.compliance, "ruled_complied"), 0);

        // Timeliness: the resolution term of RR-4 missed, RR-3's met; the compliance term met.
        let t =
            |term: TermId, col: &str| r.timeliness.count(&format!("term_{}", term.as_str()), col);
        assert_eq!(t(TermId::AppealResolution, "met"), 1);
        assert_eq!(t(TermId::AppealResolution, "missed"), 1);
        assert_eq!(t(TermId::Compliance, "met"), 1);
        let cols: Vec<&str> = r
            .timeliness
            .columns
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(cols, ["met", "late", "missed", "pending"]);
        let row = r
            .timeliness
            .rows
            .iter()
            .position(|x| x.metric.key == "term_appeal_resolution")
            .unwrap();
        assert_eq!(r.on_time[row], Some(0.5));
        assert!(
            r.timeliness
                .rows
                .iter()
                .all(|x| !x.metric.key.contains("appeal_window"))
        );

        // Seen on 16 June: RR-3 admitted, unresolved; RR-2's requirement still running;
        // RR-4 not yet confirmed by silence.
        let r = report("2026-06-16", GroupBy::None, &all, &clock);
        assert_eq!(r.appeals.columns.len(), 1);
        assert_eq!(n(&r.appeals, "resolved"), 0);
        assert_eq!(n(&r.appeals, "dismissed"), 1);
        assert_eq!(n(&r.appeals, "confirmed_by_silence"), 0);
        assert_eq!(
            folios(&r, "appeals", "open", "total"),
            ["RR-2", "RR-3", "RR-4"]
        );
        assert_eq!(n(&r.compliance, "ordered"), 0);
        assert_eq!(r.cases[2].state, AppealState::Admitted);
        assert_eq!(r.cases[1].state, AppealState::Required);
        // On 8 July the resolution term is still running; the 9th it has run out.
        let r = report("2026-07-08", GroupBy::None, &all, &clock);
        assert_eq!(n(&r.appeals, "confirmed_by_silence"), 0);
        let r = report("2026-07-09", GroupBy::None, &all, &clock);
        assert_eq!(
            folios(&r, "appeals", "confirmed_by_silence", "total"),
            ["RR-4"]
        );
    }

    #[test]
    fn every_metric_has_a_sentence_and_a_unique_key() {
        for counters in [appeal_counters(), compliance_counters()] {
            let mut keys: Vec<&str> = counters.iter().map(|(m, _, _)| m.key.as_str()).collect();
            for (m, _, _) in &counters {
                assert!(m.definition.ends_with('.'), "{}", m.key);
                assert!(!m.label.is_empty());
            }
            let n = keys.len();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), n);
        }
        assert_eq!(
            outcome_key(AppealOutcome::DeliveryOrdered),
            "delivery_ordered"
        );
    }
}
