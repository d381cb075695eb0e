//! The report of solicitudes ARCO (Título Tercero): what came in, what was done with it,
//! and whether each term of arts. 52–59 was met; and the annual register, one row per
//! request (LGTAIP art. 44.VII).

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{
    Cell, Column, GroupBy, MONTHS_ES, Metric, Period, Spread, Table, TableBuilder, capital,
    csv_text, metric, total_column,
};
use crate::case::{Clock, Deadline, DeadlineStatus};
use crate::request::{
    Channel, ImprocedenceCause, Outcome, Request, RequestAct, RequestError, RequestState, Right,
};
use crate::rules::{Actor as TermActor, TermId};

/// One request as the report sees it at the cut: the dates of its acts, in effect by then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestFacts {
    pub folio: String,
    pub body: String,
    pub right: Right,
    /// How it came in (art. 49.1); `None` for requests recorded before arco asked.
    pub channel: Option<Channel>,
    /// The other system's folio (the PNT's), if any.
    pub external_folio: Option<String>,
    /// The effective date of the filing (counting rule 1).
    pub filed: NaiveDate,
    /// The state on the cut (a prevention left unanswered past its term: "no presentada").
    pub state: RequestState,
    pub prevented: Option<NaiveDate>,
    /// The prevention was notified after its 3 days (art. 52.1).
    pub prevention_late: bool,
    pub cured: Option<NaiveDate>,
    /// Tenida por no presentada by the cut (art. 52.3).
    pub not_presented: bool,
    pub admitted: Option<NaiveDate>,
    /// The notice of incompetence (art. 54.1) and whether it was partial.
    pub incompetence: Option<(NaiveDate, bool)>,
    pub redirected: Option<NaiveDate>,
    pub other_procedure: Option<NaiveDate>,
    pub improcedence: Option<(NaiveDate, ImprocedenceCause)>,
    pub extension: Option<NaiveDate>,
    pub resolution: Option<(NaiveDate, Outcome)>,
    pub response_notice: Option<NaiveDate>,
    pub fulfilled: Option<NaiveDate>,
    pub withdrawn: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    /// The day the titular was answered: the resolution notified (art. 59.1) or a notice
    /// that ends the request (incompetence, reconducción, improcedencia; arts. 54–56).
    pub responded: Option<NaiveDate>,
    /// Business days from the filing's effective date to `responded` (the days after the
    /// first up to and including the second, on the case's calendar).
    pub days_to_respond: Option<u32>,
    /// The body's terms on the cut, with their status: the duties of the Unidad, the
    /// Comité and the responsable, and the powers it used (a prevention, an extension, a
    /// notice). The titular's terms (to cure a prevention, to appeal) and the powers left
    /// unused are not the body's performance and are left out.
    pub terms: Vec<Deadline>,
}

impl RequestFacts {
    /// The request as it stood on `cut`: rebuilt from the acts that took effect by then
    /// when later ones exist.
    pub fn of(
        folio: &str,
        body: &str,
        request: &Request,
        clock: &Clock,
        cut: NaiveDate,
    ) -> Result<RequestFacts, RequestError> {
        let seen: Cow<Request> = if request.acts.iter().all(|a| a.effective <= cut) {
            Cow::Borrowed(request)
        } else {
            let before = request.acts.iter().take_while(|a| a.effective <= cut);
            Cow::Owned(
                Request::rebuild(clock, before.map(|a| (&a.act, a.at, &a.actor)))
                    .map_err(|(_, e)| e)?,
            )
        };
        let r = seen.as_ref();
        let state = r.state_on(clock, cut)?;
        let mut f = RequestFacts {
            folio: folio.to_string(),
            body: body.to_string(),
            right: r.right,
            channel: r.reception.channel,
            external_folio: r
                .reception
                .external_folio
                .as_ref()
                .map(|x| x.as_str().to_string()),
            filed: r.filed.effective,
            state,
            prevented: None,
            prevention_late: r.prevention_late,
            cured: None,
            not_presented: state == RequestState::NotPresented,
            admitted: None,
            incompetence: None,
            redirected: None,
            other_procedure: None,
            improcedence: None,
            extension: None,
            resolution: None,
            response_notice: None,
            fulfilled: None,
            withdrawn: None,
            closed: None,
            responded: None,
            days_to_respond: None,
            terms: r
                .deadlines(clock, cut)?
                .into_values()
                .filter(|d| owed_by_body(clock, d))
                .collect(),
        };
        for a in &r.acts {
            let on = Some(a.effective);
            match &a.act {
                RequestAct::PreventionNotified => f.prevented = on,
                RequestAct::PreventionAnswered => f.cured = on,
                RequestAct::Admitted => f.admitted = on,
                RequestAct::IncompetenceNotified { partial } => {
                    f.incompetence = Some((a.effective, *partial))
                }
                RequestAct::Redirected => f.redirected = on,
                RequestAct::OtherProcedureNotified => f.other_procedure = on,
                RequestAct::ImprocedenceNotified { cause } => {
                    f.improcedence = Some((a.effective, *cause))
                }
                RequestAct::ExtensionNotified { .. } => f.extension = on,
                RequestAct::Resolved { outcome } => f.resolution = Some((a.effective, *outcome)),
                RequestAct::ResolutionNotified => f.response_notice = on,
                RequestAct::Fulfilled { .. } => f.fulfilled = on,
                RequestAct::Withdrawn => f.withdrawn = on,
                RequestAct::Closed => f.closed = on,
                RequestAct::Filed { .. }
                | RequestAct::IdentityAccredited { .. }
                | RequestAct::ImprocedenceReviewed { .. } => {}
            }
        }
        f.responded = [
            f.response_notice,
            r.ending_notice().map(|(_, s)| s.effective),
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(day) = f.responded {
            f.days_to_respond = Some(clock.calendar.business_days_between(f.filed, day)?);
        }
        Ok(f)
    }

    /// The column this request falls in under `by`.
    fn column(&self, by: GroupBy) -> Option<Column> {
        let (key, label) = match by {
            GroupBy::None => return None,
            GroupBy::Body => (self.body.clone(), self.body.clone()),
            GroupBy::Right => (
                self.right.as_str().to_string(),
                capital(self.right.label_es()),
            ),
            GroupBy::Channel => match self.channel {
                Some(c) => (c.as_str().to_string(), capital(c.label_es())),
                None => ("unknown".to_string(), "Sin dato".to_string()),
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
}

/// Whether a term counts in the body's timeliness (see [`RequestFacts::terms`]).
fn owed_by_body(clock: &Clock, d: &Deadline) -> bool {
    let body = clock.term(d.term).is_ok_and(|t| {
        matches!(
            t.actor,
            TermActor::Unit | TermActor::Committee | TermActor::Responsable
        )
    });
    body && (!d.optional || d.done.is_some())
}

/// The report of the requests received in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestReport {
    pub period: Period,
    pub group_by: GroupBy,
    /// What was counted: received, prevented, admitted, each notice, each outcome...
    pub requests: Table,
    /// For each term of the request, how many were met, late, missed or still running on
    /// the cut.
    pub timeliness: Table,
    /// For each row of `timeliness`, met ÷ (met + late + missed), when any is.
    pub on_time: Vec<Option<f64>>,
    /// Business days taken to answer, per column of `requests`.
    pub response: Vec<(Column, Spread)>,
    /// Every request of the cohort, in folio order: the annual register.
    #[serde(skip)]
    pub cases: Vec<RequestFacts>,
}

/// The rows of the requests table: key, label, level and how a request counts in it.
type Counter = (Metric, u8, fn(&RequestFacts) -> bool);

fn counters() -> Vec<Counter> {
    let mut v: Vec<Counter> = vec![
        (
            metric(
                "received",
                "Recibidas",
                "Solicitudes cuya presentación surtió efectos en el periodo, en días hábiles del calendario de cada sujeto obligado (regla 1 de cómputo: el día hábil en que se recibió, o el siguiente si llegó después del cierre o en día inhábil). Cada solicitud se ve como estaba en la fecha de corte.",
            ),
            0,
            |_| true,
        ),
        (
            metric(
                "prevented",
                "Prevenidas",
                "Solicitudes recibidas en el periodo a las que se notificó una prevención (art. 52.1), hasta el corte.",
            ),
            0,
            |f| f.prevented.is_some(),
        ),
        (
            metric(
                "prevented_late",
                "Prevención fuera de plazo",
                "De las prevenidas, aquellas cuya prevención se notificó después de los 3 días (art. 52.1): no interrumpe el plazo de respuesta.",
            ),
            1,
            |f| f.prevented.is_some() && f.prevention_late,
        ),
        (
            metric(
                "cured",
                "Prevención desahogada",
                "De las prevenidas, aquellas en que el titular desahogó la prevención (art. 52.3), hasta el corte.",
            ),
            1,
            |f| f.cured.is_some(),
        ),
        (
            metric(
                "not_presented",
                "Tenidas por no presentadas",
                "De las prevenidas, aquellas cuyo plazo de 5 días para desahogar pasó sin respuesta al corte (art. 52.3).",
            ),
            1,
            |f| f.not_presented,
        ),
        (
            metric(
                "admitted",
                "Admitidas",
                "Solicitudes admitidas (art. 53.1), hasta el corte.",
            ),
            0,
            |f| f.admitted.is_some(),
        ),
        (
            metric(
                "incompetent",
                "Incompetencia notificada",
                "Solicitudes en que se notificó la incompetencia con orientación (art. 54.1), total o parcial.",
            ),
            0,
            |f| f.incompetence.is_some(),
        ),
        (
            metric(
                "incompetent_partial",
                "Incompetencia parcial",
                "De ellas, las de incompetencia parcial: la parte de su competencia sigue su trámite (art. 54.2).",
            ),
            1,
            |f| f.incompetence.is_some_and(|(_, p)| p),
        ),
        (
            metric(
                "redirected",
                "Reconducidas",
                "Solicitudes en que se notificó la reconducción de la vía (art. 56).",
            ),
            0,
            |f| f.redirected.is_some(),
        ),
        (
            metric(
                "other_procedure",
                "Trámite específico",
                "Solicitudes en que se informó que existe un trámite o procedimiento específico (art. 57).",
            ),
            0,
            |f| f.other_procedure.is_some(),
        ),
        (
            metric(
                "improcedent",
                "Improcedentes",
                "Solicitudes en que se notificó la improcedencia con su causa (art. 55).",
            ),
            0,
            |f| f.improcedence.is_some(),
        ),
    ];
    const CAUSE: [fn(&RequestFacts) -> bool; 10] = [
        |f| cause_is(f, 1),
        |f| cause_is(f, 2),
        |f| cause_is(f, 3),
        |f| cause_is(f, 4),
        |f| cause_is(f, 5),
        |f| cause_is(f, 6),
        |f| cause_is(f, 7),
        |f| cause_is(f, 8),
        |f| cause_is(f, 9),
        |f| cause_is(f, 10),
    ];
    for (i, count) in CAUSE.into_iter().enumerate() {
        let roman = ImprocedenceCause::parse(&(i + 1).to_string())
            .expect("1 to 10")
            .roman();
        v.push((
            metric(
                format!("improcedent_{roman}"),
                format!("Causa: fracción {roman}"),
                format!(
                    "De las improcedentes, las notificadas por la fracción {roman} del art. 55.1."
                ),
            ),
            1,
            count,
        ));
    }
    v.extend::<[Counter; 10]>([
        (metric("extended", "Con ampliación", "Solicitudes en que se notificó la ampliación del plazo de respuesta (art. 59.2)."), 0, |f| f.extension.is_some()),
        (metric("resolved", "Resueltas", "Solicitudes que el Comité de Transparencia resolvió (arts. 59–61), hasta el corte."), 0, |f| f.resolution.is_some()),
        (metric("resolved_granted", "Procedentes", "De las resueltas, las procedentes (art. 60)."), 1, |f| outcome_is(f, Outcome::Granted)),
        (metric("resolved_partially_granted", "Parcialmente procedentes", "De las resueltas, las parcialmente procedentes (art. 60)."), 1, |f| outcome_is(f, Outcome::PartiallyGranted)),
        (metric("resolved_denied", "Improcedentes en la resolución", "De las resueltas, aquellas en que el Comité negó el derecho (art. 60)."), 1, |f| outcome_is(f, Outcome::Denied)),
        (metric("resolved_nonexistent", "Inexistencia", "De las resueltas, aquellas en que el Comité confirmó la inexistencia de los datos (art. 61)."), 1, |f| outcome_is(f, Outcome::Nonexistent)),
        (metric("notified", "Respuesta notificada", "Solicitudes cuya resolución se notificó al titular (art. 59.1), hasta el corte."), 0, |f| f.response_notice.is_some()),
        (metric("fulfilled", "Derecho hecho efectivo", "Solicitudes en que el derecho se hizo efectivo (art. 59.3), hasta el corte."), 0, |f| f.fulfilled.is_some()),
        (metric("withdrawn", "Desistidas", "Solicitudes de las que el titular se desistió, hasta el corte."), 0, |f| f.withdrawn.is_some()),
        (metric("open", "En trámite al corte", "Solicitudes que en la fecha de corte esperaban algo de la Unidad o del Comité: presentadas, prevenidas (sin vencer el desahogo), admitidas, resueltas sin notificar, o notificadas como procedentes sin que el derecho se hubiera hecho efectivo."), 0, is_open),
    ]);
    v
}

/// Owed something by the body on the cut (see the metric `open`).
fn is_open(f: &RequestFacts) -> bool {
    match f.state {
        RequestState::Filed
        | RequestState::Prevented
        | RequestState::Admitted
        | RequestState::Resolved => true,
        RequestState::Notified => f.resolution.is_some_and(|(_, o)| o.must_fulfil()),
        _ => false,
    }
}

fn cause_is(f: &RequestFacts, n: u8) -> bool {
    f.improcedence
        .is_some_and(|(_, c)| ImprocedenceCause::parse(&n.to_string()) == Some(c))
}

fn outcome_is(f: &RequestFacts, o: Outcome) -> bool {
    f.resolution.is_some_and(|(_, x)| x == o)
}

/// The columns of the timeliness table, in this order.
const STATUSES: [(DeadlineStatus, &str, &str); 4] = [
    (DeadlineStatus::Met, "met", "En plazo"),
    (DeadlineStatus::Late, "late", "Fuera de plazo"),
    (DeadlineStatus::Missed, "missed", "Vencido sin cumplir"),
    (DeadlineStatus::Pending, "pending", "En curso al corte"),
];

impl RequestReport {
    /// The report of `cases` (each request received in `period`, any order); `name`
    /// gives a term's name as the rulebook writes it.
    pub fn build(
        period: Period,
        group_by: GroupBy,
        mut cases: Vec<RequestFacts>,
        name: impl Fn(TermId) -> String,
    ) -> RequestReport {
        cases.sort_by(|a, b| a.folio.cmp(&b.folio));
        let counters = counters();
        let mut requests = TableBuilder::new(
            "requests",
            "Solicitudes",
            counters.iter().map(|(m, l, _)| (m.clone(), *l)).collect(),
        );
        let total = total_column();
        requests.column(&total);
        let mut days: BTreeMap<String, (Column, Vec<u32>)> = BTreeMap::new();
        days.insert(total.key.clone(), (total.clone(), Vec::new()));

        // Terms in the rulebook's order; only those some request of the cohort has.
        let mut terms: Vec<TermId> = Vec::new();
        for f in &cases {
            for d in &f.terms {
                if d.status != DeadlineStatus::Void && !terms.contains(&d.term) {
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
                    (
                        metric(
                            format!("term_{}", t.as_str()),
                            name(t),
                            format!(
                                "Plazos «{}» (art. {}) de las solicitudes recibidas en el periodo, con su estado al corte: en plazo si el acto surtió efectos a más tardar el día del vencimiento (regla 6), fuera de plazo si después, vencido sin cumplir si el vencimiento pasó sin el acto; en curso si no ha vencido. Se cuentan en días hábiles del calendario de cada sujeto obligado. Solo cuentan los plazos del sujeto obligado (Unidad, Comité): no los del titular, ni las facultades que no ejerció, ni los plazos que quedaron sin efecto.",
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
            let i = i as u32;
            let col = f.column(group_by);
            for (m, (_, _, counts)) in counters.iter().enumerate() {
                if counts(f) {
                    requests.add(m, &total, i);
                    if let Some(c) = &col {
                        requests.add(m, c, i);
                    }
                }
            }
            if let Some(n) = f.days_to_respond {
                days.get_mut(super::TOTAL).expect("the total").1.push(n);
                if let Some(c) = &col {
                    days.entry(c.key.clone())
                        .or_insert_with(|| (c.clone(), Vec::new()))
                        .1
                        .push(n);
                }
            } else if let Some(c) = &col {
                days.entry(c.key.clone())
                    .or_insert_with(|| (c.clone(), Vec::new()));
            }
            for d in &f.terms {
                let Some(row) = terms.iter().position(|t| *t == d.term) else {
                    continue;
                };
                if let Some(s) = STATUSES.iter().position(|(s, _, _)| *s == d.status) {
                    timeliness.add(row, &status_columns[s], i);
                }
            }
        }
        let requests = requests.build(false);
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
        // The spreads in the order of the requests table's columns.
        let response = requests
            .columns
            .iter()
            .map(|c| {
                let v = days.get(&c.key).map(|(_, v)| v.as_slice()).unwrap_or(&[]);
                (c.clone(), Spread::of(v))
            })
            .collect();
        RequestReport {
            period,
            group_by,
            requests,
            timeliness,
            on_time,
            response,
            cases,
        }
    }

    /// The requests behind one cell of one of the report's tables.
    pub fn cases_of<'a>(&'a self, cell: &'a Cell) -> impl Iterator<Item = &'a RequestFacts> + 'a {
        cell.cases
            .iter()
            .filter_map(|&i| self.cases.get(i as usize))
    }

    /// The cell of `metric` in `column` of the table `table` (`requests` or `timeliness`).
    pub fn find(&self, table: &str, metric: &str, column: &str) -> Option<&Cell> {
        match table {
            "requests" => self.requests.cell(metric, column),
            "timeliness" => self.timeliness.cell(metric, column),
            _ => None,
        }
    }

    /// The annual register as CSV (UTF-8 with a byte-order mark): one line per request.
    pub fn register_csv(&self) -> String {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let head = std::iter::once(REGISTER_HEADER.split(',').map(String::from).collect());
        let lines = self.cases.iter().map(|f| {
            let late: Vec<&str> = f
                .terms
                .iter()
                .filter(|d| matches!(d.status, DeadlineStatus::Late | DeadlineStatus::Missed))
                .map(|d| d.term.as_str())
                .collect();
            vec![
                f.folio.clone(),
                f.body.clone(),
                f.right.as_str().to_string(),
                f.channel
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                f.external_folio.clone().unwrap_or_default(),
                f.filed.to_string(),
                f.state.as_str().to_string(),
                date(f.prevented),
                date(f.cured),
                if f.not_presented { "sí" } else { "no" }.to_string(),
                date(f.admitted),
                date(f.incompetence.map(|(d, _)| d)),
                f.incompetence
                    .map(|(_, p)| if p { "parcial" } else { "total" })
                    .unwrap_or_default()
                    .to_string(),
                date(f.redirected),
                date(f.other_procedure),
                date(f.improcedence.map(|(d, _)| d)),
                f.improcedence
                    .map(|(_, c)| c.roman().to_string())
                    .unwrap_or_default(),
                date(f.extension),
                date(f.resolution.map(|(d, _)| d)),
                f.resolution
                    .map(|(_, o)| outcome_key(o).to_string())
                    .unwrap_or_default(),
                date(f.response_notice),
                date(f.fulfilled),
                date(f.withdrawn),
                date(f.responded),
                f.days_to_respond.map(|n| n.to_string()).unwrap_or_default(),
                late.join(" "),
            ]
        });
        csv_text(head.chain(lines))
    }
}

/// The register's columns (Spanish, for the guarantor's spreadsheet).
pub const REGISTER_HEADER: &str = "folio,sujeto_obligado,derecho,medio_de_recepcion,folio_externo,presentada,estado_al_corte,prevencion,desahogo,no_presentada,admision,incompetencia,incompetencia_tipo,reconduccion,tramite_especifico,improcedencia,improcedencia_causa,ampliacion,resolucion,resolucion_sentido,respuesta_notificada,derecho_efectivo,desistimiento,respondida,dias_habiles_para_responder,plazos_incumplidos";

fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Granted => "granted",
        Outcome::PartiallyGranted => "partially_granted",
        Outcome::Denied => "denied",
        Outcome::Nonexistent => "nonexistent",
    }
}
