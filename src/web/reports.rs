//! The report pages (issue 16): the report of the requests received in a period, with its
//! tables, each metric's definition, the time taken to answer and a bar chart drawn on
//! the server; the report of the appeals filed in a period and of the compliance of their
//! resolutions (`informe=recursos`), laid out the same way; the cases behind any number;
//! and the same tables and the annual register as CSV files.
//!
//! Every number comes from [`crate::report`] through
//! [`crate::service::Registry::request_report`] and
//! [`crate::service::Registry::appeal_report`]; the caller's scope from [`ReportScope::of`],
//! the same rules as the API (a guarantor asking for no body in particular also sees the
//! appeals it hears against any body). Nothing is counted here: this module only reads the
//! query, lays the tables out and draws the bars.

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Utc};

use super::cases::Opt;
use super::{Chrome, Staff, WebError, date_text, no_store, render, urlencode};
use crate::accounts::{BodyKind, Principal};
use crate::case::Role;
use crate::http::{App, Problem};
use crate::report::appeals::AppealReport;
use crate::report::requests::RequestReport;
use crate::report::{GroupBy, Period, ReportError, TOTAL, Table, capital};
use crate::service::ReportScope;
use crate::storage::Directory;

/// Which report a page shows: the requests' (`informe=solicitudes`, the default) or the
/// appeals' and their compliance (`informe=recursos`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Kind {
    #[default]
    Requests,
    Appeals,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "" | "solicitudes" => Some(Kind::Requests),
            "recursos" => Some(Kind::Appeals),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Kind::Requests => "solicitudes",
            Kind::Appeals => "recursos",
        }
    }

    /// The label of a grouping in this report: an appeal has no right or reception channel
    /// of its own, so those group by its ground (art. 100) and where it was filed (art. 99.1).
    fn group_label(self, g: GroupBy) -> &'static str {
        match (self, g) {
            (Kind::Requests, g) => g.label_es(),
            (Kind::Appeals, GroupBy::None) => "sin desglose",
            (Kind::Appeals, GroupBy::Body) => "por sujeto obligado recurrido",
            (Kind::Appeals, GroupBy::Right) => "por causa de procedencia (art. 100)",
            (Kind::Appeals, GroupBy::Channel) => "por lugar de interposición (art. 99.1)",
            (Kind::Appeals, GroupBy::Month) => "por mes de interposición",
        }
    }
}

/// What the period form sent, as typed (kept when the form comes back with an error).
#[derive(Debug, Default, Clone)]
struct Typed {
    kind: Kind,
    desde: String,
    hasta: String,
    anio: String,
    agrupar: String,
    sujeto: String,
    tabla: String,
    metrica: String,
    columna: String,
}

/// A field the report page refused, and why (Spanish).
#[derive(Debug, Clone)]
struct FieldError {
    field: &'static str,
    message: String,
}

/// The query parameters each page accepts.
const REPORT_KEYS: &[&str] = &["informe", "desde", "hasta", "anio", "agrupar", "sujeto"];
const CASES_KEYS: &[&str] = &[
    "informe", "desde", "hasta", "anio", "agrupar", "sujeto", "tabla", "metrica", "columna",
];
/// A CSV file names its report in its path.
const CSV_KEYS: &[&str] = &["desde", "hasta", "anio", "agrupar", "sujeto"];

impl Typed {
    /// Reads the query string; a parameter the page does not know is refused (400).
    fn parse(raw: Option<&str>, known: &[&str]) -> Result<Typed, WebError> {
        let mut t = Typed::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            let slot = match k.as_ref() {
                k if !known.contains(&k) => {
                    return Err(WebError {
                        status: StatusCode::BAD_REQUEST,
                        title: "Consulta no válida".into(),
                        detail: format!(
                            "El parámetro «{k}» no es de esta página; use: {}.",
                            known.join(", ")
                        ),
                    });
                }
                "informe" => {
                    t.kind = Kind::parse(&v).ok_or_else(|| WebError {
                        status: StatusCode::BAD_REQUEST,
                        title: "Consulta no válida".into(),
                        detail: format!(
                            "«{v}» no es un informe de esta página; use «solicitudes» o «recursos»."
                        ),
                    })?;
                    continue;
                }
                "desde" => &mut t.desde,
                "hasta" => &mut t.hasta,
                "anio" => &mut t.anio,
                "agrupar" => &mut t.agrupar,
                "sujeto" => &mut t.sujeto,
                "tabla" => &mut t.tabla,
                "metrica" => &mut t.metrica,
                _ => &mut t.columna,
            };
            *slot = v;
        }
        Ok(t)
    }

    fn sujeto(&self) -> Option<&str> {
        Some(self.sujeto.as_str()).filter(|s| !s.is_empty())
    }
}

/// A report, a period, a grouping and a body, checked.
#[derive(Debug, Clone)]
struct Asked {
    kind: Kind,
    period: Period,
    group_by: GroupBy,
    sujeto: Option<String>,
}

impl Asked {
    /// The query of the same report (the period written out, so that a link keeps it).
    fn query(&self) -> String {
        match self.kind {
            Kind::Requests => self.period_query(),
            Kind::Appeals => format!("informe=recursos&{}", self.period_query()),
        }
    }

    /// The period, grouping and body, without the report (for the CSV files and the
    /// links to the other report).
    fn period_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("desde", &self.period.from.to_string());
        s.append_pair("hasta", &self.period.to.to_string());
        s.append_pair("agrupar", self.group_by.as_str());
        if let Some(b) = &self.sujeto {
            s.append_pair("sujeto", b);
        }
        s.finish()
    }
}

fn date_field(field: &'static str, v: &str) -> Result<Option<NaiveDate>, FieldError> {
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| FieldError {
            field,
            message: format!(
                "«{v}» no es una fecha; escríbala como AAAA-MM-DD (por ejemplo, 2026-01-31)"
            ),
        })
}

/// The field a refused period is about.
fn period_field(e: &ReportError) -> &'static str {
    match e {
        ReportError::Reversed { .. } => "hasta",
        ReportError::Year(_) | ReportError::YearAndDates => "anio",
        ReportError::GroupBy(_) => "agrupar",
        ReportError::Future { .. } | ReportError::TooLong { .. } => "desde",
    }
}

/// Checks what was typed: every refusal, each beside its field.
fn check(t: &Typed, today: NaiveDate) -> Result<Asked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let group_by = GroupBy::parse(&t.agrupar)
        .map_err(|e| {
            errors.push(FieldError {
                field: "agrupar",
                message: e.to_string(),
            })
        })
        .ok();
    let period = if !t.anio.is_empty() {
        Period::year(&t.anio, today)
            .map_err(|e| {
                errors.push(FieldError {
                    field: "anio",
                    message: e.to_string(),
                })
            })
            .ok()
    } else {
        let from = date_field("desde", &t.desde).map_err(|e| errors.push(e));
        let to = date_field("hasta", &t.hasta).map_err(|e| errors.push(e));
        match (from, to) {
            (Ok(None), Ok(None)) => Some(Period::this_year(today)),
            (Ok(from), Ok(to)) => {
                let from = from.unwrap_or_else(|| {
                    NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("a valid year")
                });
                Period::new(from, to.unwrap_or(today), today)
                    .map_err(|e| {
                        errors.push(FieldError {
                            field: period_field(&e),
                            message: e.to_string(),
                        })
                    })
                    .ok()
            }
            _ => None,
        }
    };
    match (period, group_by) {
        (Some(period), Some(group_by)) if errors.is_empty() => Ok(Asked {
            kind: t.kind,
            period,
            group_by,
            sujeto: t.sujeto().map(str::to_string),
        }),
        _ => Err(errors),
    }
}

/// A link to one of the reports, keeping the period, grouping and body chosen.
pub struct Tab {
    label: &'static str,
    href: String,
    on: bool,
}

/// The period form, as shown.
pub struct FormView {
    /// The appeals report (the form keeps `informe=recursos` and says how it groups).
    appeals: bool,
    /// The two reports, the one shown marked.
    tabs: Vec<Tab>,
    /// Where «Año en curso» goes: this report of the current year.
    this_year: &'static str,
    desde: String,
    hasta: String,
    anio: String,
    groups: Vec<Opt>,
    /// The bodies a guarantor or an administrator may choose (empty for a body's staff).
    bodies: Vec<Opt>,
    errors: Vec<(String, String)>,
}

impl FormView {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The bodies `staff` may choose among: a guarantor's supervised bodies, or every obligated
/// body for an administrator.
pub(crate) async fn body_options(
    app: &App,
    staff: &Staff,
    chosen: &str,
) -> Result<Vec<Opt>, WebError> {
    let who = &staff.who;
    if !matches!(who.role(), Role::Guarantor | Role::Admin) {
        return Ok(Vec::new());
    }
    Ok(app
        .registry
        .store()
        .bodies()
        .await?
        .into_iter()
        .filter(|b| match who.role() {
            Role::Admin => b.kind == BodyKind::Obligated,
            _ => who.guarded.contains(&b.code),
        })
        .map(|b| Opt {
            on: b.code == chosen,
            label: format!("{} — {}", b.code, b.name),
            value: b.code,
        })
        .collect())
}

async fn form_view(
    app: &App,
    staff: &Staff,
    t: &Typed,
    asked: Option<&Asked>,
    errors: &[FieldError],
) -> Result<FormView, WebError> {
    // A period that was accepted is shown written out; a refused one as it was typed.
    let (desde, hasta, anio) = match asked {
        Some(a) if t.anio.is_empty() => (
            a.period.from.to_string(),
            a.period.to.to_string(),
            String::new(),
        ),
        _ => (t.desde.clone(), t.hasta.clone(), t.anio.clone()),
    };
    let chosen = asked.map_or(GroupBy::parse(&t.agrupar).ok(), |a| Some(a.group_by));
    // The other report keeps what was chosen: written out when accepted, as typed if not.
    let carried = match asked {
        Some(a) => a.period_query(),
        None => {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("desde", &t.desde),
                ("hasta", &t.hasta),
                ("anio", &t.anio),
                ("agrupar", &t.agrupar),
                ("sujeto", &t.sujeto),
            ] {
                if !v.is_empty() {
                    s.append_pair(k, v);
                }
            }
            s.finish()
        }
    };
    let tab = |kind: Kind, label: &'static str| {
        let mut q = match kind {
            Kind::Requests => String::new(),
            Kind::Appeals => format!("informe={}", kind.as_str()),
        };
        if !carried.is_empty() {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&carried);
        }
        Tab {
            label,
            href: if q.is_empty() {
                "/informes?informe=solicitudes".into()
            } else {
                format!("/informes?{q}")
            },
            on: t.kind == kind,
        }
    };
    Ok(FormView {
        appeals: t.kind == Kind::Appeals,
        tabs: vec![
            tab(Kind::Requests, "Solicitudes ARCO"),
            tab(Kind::Appeals, "Recursos de revisión y cumplimiento"),
        ],
        this_year: match t.kind {
            Kind::Requests => "/informes",
            Kind::Appeals => "/informes?informe=recursos",
        },
        desde,
        hasta,
        anio,
        groups: GroupBy::ALL
            .iter()
            .map(|g| Opt {
                value: g.as_str().into(),
                label: capital(t.kind.group_label(*g)),
                on: chosen == Some(*g),
            })
            .collect(),
        bodies: body_options(app, staff, &t.sujeto).await?,
        errors: errors
            .iter()
            .map(|e| (e.field.to_string(), e.message.clone()))
            .collect(),
    })
}

/// One number of a table: a link to its cases when there are any.
pub struct CellView {
    count: usize,
    href: Option<String>,
}

pub struct RowView {
    label: String,
    level: u8,
    cells: Vec<CellView>,
    /// The on-time rate (timeliness only).
    rate: Option<String>,
}

pub struct TableView {
    key: String,
    title: String,
    /// The header of the rows' column.
    head: &'static str,
    columns: Vec<String>,
    rows: Vec<RowView>,
    /// Whether the on-time column is shown.
    rated: bool,
    /// Every metric's label and definition.
    definitions: Vec<(String, String)>,
    /// What is said when the table has no rows.
    empty: &'static str,
}

fn table_view(
    t: &Table,
    asked: &Asked,
    head: &'static str,
    rates: Option<&[Option<f64>]>,
) -> TableView {
    let empty = match asked.kind {
        Kind::Requests => "Ninguna solicitud del periodo tiene plazos que contar.",
        Kind::Appeals => "Ningún recurso del periodo tiene plazos que contar.",
    };
    let q = asked.query();
    let mut definitions: Vec<(String, String)> = t
        .rows
        .iter()
        .map(|r| (r.metric.label.clone(), r.metric.definition.clone()))
        .collect();
    if rates.is_some() {
        definitions.push((
            "% en plazo".into(),
            "Plazos cumplidos en plazo entre los que ya se decidieron: en plazo ÷ (en plazo + fuera de plazo + vencido sin cumplir). Los que siguen en curso al corte no cuentan; «—» si ninguno se decidió.".into(),
        ));
    }
    TableView {
        key: t.key.clone(),
        title: t.title.clone(),
        head,
        columns: t.columns.iter().map(|c| c.label.clone()).collect(),
        rows: t
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| RowView {
                label: r.metric.label.clone(),
                level: r.level.min(1),
                cells: t
                    .columns
                    .iter()
                    .zip(&r.cells)
                    .map(|(c, cell)| CellView {
                        count: cell.count,
                        href: (cell.count > 0).then(|| {
                            format!(
                                "/informes/casos?tabla={}&metrica={}&columna={}&{q}",
                                urlencode(&t.key),
                                urlencode(&r.metric.key),
                                urlencode(&c.key)
                            )
                        }),
                    })
                    .collect(),
                rate: rates.map(|v| rate_text(v.get(i).copied().flatten())),
            })
            .collect(),
        rated: rates.is_some(),
        definitions,
        empty,
    }
}

/// "87.5 %", or "—" when nothing was decided.
fn rate_text(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_string(), |r| format!("{:.1} %", r * 100.0))
}

/// Business days: "6", "2.5", or "—".
fn days_text(d: Option<f64>) -> String {
    match d {
        None => "—".into(),
        Some(d) if d.fract() == 0.0 => format!("{d:.0}"),
        Some(d) => format!("{d:.1}"),
    }
}

pub struct SpreadView {
    column: String,
    cases: usize,
    median: String,
    mean: String,
    p90: String,
}

/// A bar of the chart, laid out in the SVG's units.
pub struct Bar {
    label: String,
    value: usize,
    y: u32,
    text_y: u32,
    width: u32,
    value_x: u32,
}

pub struct Chart {
    title: String,
    /// The chart in words (what `aria-describedby` points at).
    text: String,
    /// The SVG's width, where the labels end and where the bars start.
    width: u32,
    label_x: u32,
    bar_x: u32,
    height: u32,
    bars: Vec<Bar>,
}

/// The least room for the labels; more when a label is longer.
const LABEL_W: u32 = 210;
/// Room per character of a label (13 px text).
const CHAR_W: u32 = 7;
const BARS_W: u32 = 360;
const ROW_H: u32 = 28;

/// The bar chart of a report's first table (`t`, grouped by `by`): the total of each main
/// row, or, when grouped, the cases received in each column. `noun` names the cases
/// ("Solicitudes", "Recursos") and `received` says how they came in ("recibidas").
fn chart(t: &Table, kind: Kind, by: GroupBy) -> Chart {
    let (noun, received) = match kind {
        Kind::Requests => ("Solicitudes", "recibidas"),
        Kind::Appeals => ("Recursos", "recibidos"),
    };
    let (title, points): (String, Vec<(String, usize)>) = if by == GroupBy::None {
        (
            format!("{noun} del periodo: total de cada concepto"),
            t.rows
                .iter()
                .filter(|row| row.level == 0)
                .map(|row| {
                    (
                        row.metric.label.clone(),
                        row.cells.last().map_or(0, |c| c.count),
                    )
                })
                .collect(),
        )
    } else {
        (
            format!("{noun} {received} {}", kind.group_label(by)),
            t.columns
                .iter()
                .filter(|c| c.key != TOTAL)
                .map(|c| (c.label.clone(), t.count("received", &c.key)))
                .collect(),
        )
    };
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let label_w = points
        .iter()
        .map(|(l, _)| l.chars().count() as u32 * CHAR_W + 10)
        .max()
        .unwrap_or(0)
        .max(LABEL_W);
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let width = if max == 0 {
                0
            } else {
                ((*value as u64 * u64::from(BARS_W)) / max as u64) as u32
            };
            let width = if *value > 0 { width.max(2) } else { 0 };
            let y = 6 + i as u32 * ROW_H;
            Bar {
                label: label.clone(),
                value: *value,
                y,
                text_y: y + 14,
                width,
                value_x: label_w + 10 + width + 6,
            }
        })
        .collect();
    let text = points
        .iter()
        .map(|(l, v)| format!("{l}: {v}"))
        .collect::<Vec<_>>()
        .join("; ");
    Chart {
        title,
        text: if text.is_empty() {
            "Sin datos.".into()
        } else {
            format!("{text}.")
        },
        width: label_w + 10 + BARS_W + 60,
        label_x: label_w - 5,
        bar_x: label_w + 10,
        height: 12 + points.len() as u32 * ROW_H,
        bars,
    }
}

pub struct ReportView {
    described: String,
    /// Whose cases these are, in a sentence.
    scope: String,
    /// "Solicitudes recibidas" or "Recursos recibidos", and how many.
    received_label: &'static str,
    received: usize,
    chart: Chart,
    tables: Vec<TableView>,
    /// The time taken to answer (the requests report only).
    spreads: Vec<SpreadView>,
    csv: String,
    /// The register of requests (the requests report only).
    register: Option<String>,
}

#[derive(Template)]
#[template(path = "web/report.html")]
struct ReportPage {
    chrome: Chrome,
    appeals: bool,
    form: FormView,
    report: Option<ReportView>,
}

fn bodies_text(b: &[String]) -> String {
    if b.is_empty() {
        "ningún sujeto obligado".into()
    } else {
        b.join(", ")
    }
}

/// Whose cases the report counts, in a sentence.
fn scope_text(kind: Kind, scope: &ReportScope, who: &Principal) -> String {
    match (kind, scope) {
        (Kind::Requests, ReportScope::All) => {
            "Sujetos obligados: todos los sujetos obligados de la instalación".into()
        }
        (Kind::Requests, ReportScope::Bodies(b)) => {
            format!("Sujetos obligados: {}", bodies_text(b))
        }
        (Kind::Appeals, ReportScope::All) => "Recursos: todos los de la instalación".into(),
        (Kind::Appeals, ReportScope::Bodies(b)) => match (who.role(), who.body()) {
            (Role::Guarantor, Some(own)) if b.iter().any(|x| x == own) => {
                let others: Vec<String> = b.iter().filter(|x| *x != own).cloned().collect();
                format!(
                    "Recursos: todos los que conoce {own}, contra cualquier sujeto obligado (los que supervisa: {})",
                    bodies_text(&others)
                )
            }
            _ => format!("Recursos contra las solicitudes de: {}", bodies_text(b)),
        },
    }
}

/// The scope of the report `t` asks for ([`ReportScope::of`], or
/// [`ReportScope::of_appeals`] for the appeals report).
fn scope_of(who: &Principal, t: &Typed) -> Result<ReportScope, WebError> {
    Ok(match t.kind {
        Kind::Requests => ReportScope::of(who, t.sujeto())?,
        Kind::Appeals => ReportScope::of_appeals(who, t.sujeto())?,
    })
}

/// A report computed.
enum Computed {
    Requests(Box<RequestReport>),
    Appeals(Box<AppealReport>),
}

/// The report asked for, or the refusal to show with the form (400), or the error page.
enum Outcome {
    Report(Computed, Asked, ReportScope),
    Refused(Vec<FieldError>),
}

async fn compute(app: &App, staff: &Staff, t: &Typed) -> Result<Outcome, WebError> {
    // Scope first: another body's report is forbidden whatever else is wrong.
    let scope = scope_of(&staff.who, t)?;
    let today = app.today(Utc::now());
    let asked = match check(t, today) {
        Ok(a) => a,
        Err(e) => return Ok(Outcome::Refused(e)),
    };
    let computed = match asked.kind {
        Kind::Requests => Computed::Requests(Box::new(
            app.registry
                .request_report(&scope, asked.period, asked.group_by)
                .await?,
        )),
        Kind::Appeals => Computed::Appeals(Box::new(
            app.registry
                .appeal_report(&scope, asked.period, asked.group_by)
                .await?,
        )),
    };
    Ok(Outcome::Report(computed, asked, scope))
}

fn request_view(r: &RequestReport, asked: &Asked, scope: String) -> ReportView {
    let q = asked.period_query();
    ReportView {
        described: r.period.describe_es(),
        scope,
        received_label: "Solicitudes recibidas",
        received: r.requests.count("received", TOTAL),
        chart: chart(&r.requests, Kind::Requests, r.group_by),
        tables: vec![
            table_view(&r.requests, asked, "Concepto", None),
            table_view(&r.timeliness, asked, "Plazo", Some(&r.on_time)),
        ],
        spreads: r
            .response
            .iter()
            .map(|(c, s)| SpreadView {
                column: c.label.clone(),
                cases: s.cases,
                median: days_text(s.median),
                mean: days_text(s.mean),
                p90: days_text(s.p90),
            })
            .collect(),
        csv: format!("/informes/solicitudes.csv?{q}"),
        register: Some(format!("/informes/registro.csv?{q}")),
    }
}

fn appeal_view(r: &AppealReport, asked: &Asked, scope: String) -> ReportView {
    ReportView {
        described: r.period.describe_es(),
        scope,
        received_label: "Recursos recibidos",
        received: r.appeals.count("received", TOTAL),
        chart: chart(&r.appeals, Kind::Appeals, r.group_by),
        tables: vec![
            table_view(&r.appeals, asked, "Concepto", None),
            table_view(&r.compliance, asked, "Concepto", None),
            table_view(&r.timeliness, asked, "Plazo", Some(&r.on_time)),
        ],
        spreads: Vec::new(),
        csv: format!("/informes/recursos.csv?{}", asked.period_query()),
        register: None,
    }
}

/// `GET /informes`: the report of the requests received in a period, or
/// (`informe=recursos`) of the appeals filed in it and the compliance of their resolutions.
pub async fn page(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let t = Typed::parse(raw.as_deref(), REPORT_KEYS)?;
    let appeals = t.kind == Kind::Appeals;
    let (computed, asked, scope) = match compute(&app, &staff, &t).await? {
        Outcome::Report(r, a, s) => (r, a, s),
        Outcome::Refused(errors) => {
            let form = form_view(&app, &staff, &t, None, &errors).await?;
            let mut res = render(&ReportPage {
                chrome: staff.chrome("informes"),
                appeals,
                form,
                report: None,
            })?;
            *res.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(res);
        }
    };
    let scope = scope_text(asked.kind, &scope, &staff.who);
    let report = match &computed {
        Computed::Requests(r) => request_view(r, &asked, scope),
        Computed::Appeals(r) => appeal_view(r, &asked, scope),
    };
    let form = form_view(&app, &staff, &t, Some(&asked), &[]).await?;
    render(&ReportPage {
        chrome: staff.chrome("informes"),
        appeals,
        form,
        report: Some(report),
    })
}

/// A case behind a number: its folio, its page and what the list shows of it.
pub struct CaseRow {
    folio: String,
    href: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "web/report_cases.html")]
struct CasesPage {
    chrome: Chrome,
    table: String,
    metric: String,
    definition: String,
    column: String,
    described: String,
    /// The headers of the columns after the folio.
    heads: &'static [&'static str],
    rows: Vec<CaseRow>,
    back: String,
}

/// A refusal of a page that has no form to show it beside (the drill-down, the CSV
/// files): the error page, 400, with every message.
fn refused(errors: Vec<FieldError>) -> WebError {
    WebError {
        status: StatusCode::BAD_REQUEST,
        title: "Periodo no válido".into(),
        detail: errors
            .iter()
            .map(|e| format!("{}: {}", field_label(e.field), e.message))
            .collect::<Vec<_>>()
            .join(". "),
    }
}

fn field_label(field: &str) -> &'static str {
    match field {
        "desde" => "Desde",
        "hasta" => "Hasta",
        "anio" => "Año",
        "agrupar" => "Desglose",
        _ => "Sujeto obligado",
    }
}

const REQUEST_HEADS: &[&str] = &[
    "Sujeto obligado",
    "Derecho",
    "Presentada",
    "Estado al corte",
];
const APPEAL_HEADS: &[&str] = &[
    "Órgano garante",
    "Sujeto obligado recurrido",
    "Causa de procedencia (art. 100)",
    "Interpuesto",
    "Estado al corte",
];

/// `GET /informes/casos`: the cases behind one number of a report.
pub async fn cases(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let t = Typed::parse(raw.as_deref(), CASES_KEYS)?;
    let (computed, asked, _) = match compute(&app, &staff, &t).await? {
        Outcome::Report(r, a, s) => (r, a, s),
        Outcome::Refused(errors) => return Err(refused(errors)),
    };
    let not_found = || WebError {
        status: StatusCode::NOT_FOUND,
        title: "No encontrado".into(),
        detail: format!(
            "El informe no tiene esa cifra: tabla «{}», métrica «{}», columna «{}». Vuelva al informe y elija un número de sus tablas.",
            t.tabla, t.metrica, t.columna
        ),
    };
    let (period, table) = match (&computed, t.tabla.as_str()) {
        (Computed::Requests(r), "requests") => (r.period, &r.requests),
        (Computed::Requests(r), "timeliness") => (r.period, &r.timeliness),
        (Computed::Appeals(r), "appeals") => (r.period, &r.appeals),
        (Computed::Appeals(r), "compliance") => (r.period, &r.compliance),
        (Computed::Appeals(r), "timeliness") => (r.period, &r.timeliness),
        _ => return Err(not_found()),
    };
    let cell = table.cell(&t.metrica, &t.columna).ok_or_else(not_found)?;
    let row = table
        .rows
        .iter()
        .find(|x| x.metric.key == t.metrica)
        .ok_or_else(not_found)?;
    let column = table
        .columns
        .iter()
        .find(|c| c.key == t.columna)
        .ok_or_else(not_found)?;
    let (heads, rows): (&'static [&'static str], Vec<CaseRow>) = match &computed {
        Computed::Requests(r) => (
            REQUEST_HEADS,
            r.cases_of(cell)
                .map(|f| CaseRow {
                    href: format!("/solicitudes/{}", urlencode(&f.folio)),
                    folio: f.folio.clone(),
                    cells: vec![
                        f.body.clone(),
                        capital(f.right.label_es()),
                        date_text(f.filed),
                        capital(f.state.label_es()),
                    ],
                })
                .collect(),
        ),
        Computed::Appeals(r) => (
            APPEAL_HEADS,
            r.cases_of(cell)
                .map(|f| {
                    let roman = f.ground.0.roman();
                    // The ground as the appeals table names it («Fracción VI: negativa...»).
                    let ground = r
                        .appeals
                        .rows
                        .iter()
                        .find(|x| x.metric.key == format!("ground_{roman}"))
                        .map_or_else(|| format!("Fracción {roman}"), |x| x.metric.label.clone());
                    CaseRow {
                        href: format!("/recursos/{}", urlencode(&f.folio)),
                        folio: f.folio.clone(),
                        cells: vec![
                            f.guarantor.clone(),
                            if f.body.is_empty() {
                                "Sin dato".into()
                            } else {
                                f.body.clone()
                            },
                            ground,
                            date_text(f.filed),
                            capital(f.state.label_es()),
                        ],
                    }
                })
                .collect(),
        ),
    };
    render(&CasesPage {
        chrome: staff.chrome("informes"),
        table: table.title.clone(),
        metric: row.metric.label.clone(),
        definition: row.metric.definition.clone(),
        column: column.label.clone(),
        described: period.describe_es(),
        heads,
        rows,
        back: format!("/informes?{}", asked.query()),
    })
}

fn csv_response(filename: String, body: String) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    no_store(res)
}

/// The report `kind` a CSV file asks for (its query has no `informe`: the path names it).
async fn report_for_csv(
    app: &App,
    staff: &Staff,
    raw: Option<&str>,
    kind: Kind,
) -> Result<Computed, WebError> {
    let mut t = Typed::parse(raw, CSV_KEYS)?;
    t.kind = kind;
    match compute(app, staff, &t).await? {
        Outcome::Report(r, _, _) => Ok(r),
        Outcome::Refused(errors) => Err(refused(errors)),
    }
}

async fn request_report_for_csv(
    app: &App,
    staff: &Staff,
    raw: Option<&str>,
) -> Result<RequestReport, WebError> {
    match report_for_csv(app, staff, raw, Kind::Requests).await? {
        Computed::Requests(r) => Ok(*r),
        Computed::Appeals(_) => Err(WebError::from(Problem::internal(
            &"se pidió el informe de solicitudes y se calculó el de recursos",
        ))),
    }
}

/// `GET /informes/solicitudes.csv`: the report's tables as CSV.
pub async fn tables_csv(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let r = request_report_for_csv(&app, &staff, raw.as_deref()).await?;
    Ok(csv_response(
        format!("informe-solicitudes-{}-{}.csv", r.period.from, r.period.to),
        crate::report::tables_csv(&[&r.requests, &r.timeliness]),
    ))
}

/// `GET /informes/recursos.csv`: the appeals report's tables (appeals, compliance,
/// timeliness) as CSV.
pub async fn appeals_csv(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let Computed::Appeals(r) = report_for_csv(&app, &staff, raw.as_deref(), Kind::Appeals).await?
    else {
        return Err(WebError::from(Problem::internal(
            &"se pidió el informe de recursos y se calculó el de solicitudes",
        )));
    };
    Ok(csv_response(
        format!("informe-recursos-{}-{}.csv", r.period.from, r.period.to),
        crate::report::tables_csv(&[&r.appeals, &r.compliance, &r.timeliness]),
    ))
}

/// `GET /informes/registro.csv`: the register of the period, one line per request.
pub async fn register_csv(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let r = request_report_for_csv(&app, &staff, raw.as_deref()).await?;
    Ok(csv_response(
        format!("registro-solicitudes-{}-{}.csv", r.period.from, r.period.to),
        r.register_csv(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn typed(q: &str) -> Typed {
        Typed::parse(Some(q), CASES_KEYS).unwrap_or_else(|e| panic!("{}", e.detail))
    }

    #[test]
    fn the_period_form_is_checked_field_by_field() {
        let today = d("2026-12-03");
        let a = check(&typed(""), today).unwrap();
        assert_eq!((a.period.from, a.period.to), (d("2026-01-01"), today));
        assert_eq!(a.group_by, GroupBy::None);
        let a = check(&typed("anio=2025&agrupar=body&desde=2026-03-01"), today).unwrap();
        assert_eq!(
            (a.period.from, a.period.to),
            (d("2025-01-01"), d("2025-12-31"))
        );
        assert_eq!(a.query(), "desde=2025-01-01&hasta=2025-12-31&agrupar=body");
        let e = check(&typed("desde=2026-13-01&agrupar=nada"), today).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["agrupar", "desde"]);
        assert!(e[1].message.contains("no es una fecha"), "{}", e[1].message);
        let e = check(&typed("desde=2026-06-01&hasta=2026-05-01"), today).unwrap_err();
        assert_eq!(e[0].field, "hasta");
        assert!(e[0].message.contains("termina antes"));
        let e = check(&typed("anio=26"), today).unwrap_err();
        assert_eq!(e[0].field, "anio");
        assert!(Typed::parse(Some("x=1"), REPORT_KEYS).is_err());
        assert!(Typed::parse(Some("tabla=requests"), REPORT_KEYS).is_err());
    }

    fn who(role: Role, body: &str, guarded: &[&str]) -> Principal {
        Principal {
            account: crate::accounts::Account {
                id: 1,
                username: "x".into(),
                display_name: "X".into(),
                body: Some(body.into()),
                role,
                active: true,
                password_hash: None,
            },
            token: crate::accounts::TokenKind::Session,
            guarded: guarded.iter().map(|s| s.to_string()).collect(),
            body_kind: None,
        }
    }

    #[test]
    fn the_report_is_chosen_and_kept_in_links() {
        let today = d("2026-12-03");
        let t = typed("informe=recursos&anio=2025&agrupar=right");
        assert_eq!(t.kind, Kind::Appeals);
        let a = check(&t, today).unwrap();
        assert_eq!(
            a.query(),
            "informe=recursos&desde=2025-01-01&hasta=2025-12-31&agrupar=right"
        );
        assert_eq!(
            a.period_query(),
            "desde=2025-01-01&hasta=2025-12-31&agrupar=right"
        );
        assert_eq!(typed("informe=solicitudes").kind, Kind::Requests);
        assert_eq!(typed("").kind, Kind::Requests);
        let e = Typed::parse(Some("informe=otro"), REPORT_KEYS).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.detail.contains("«otro»"), "{}", e.detail);
        // A CSV file's path names its report.
        assert!(Typed::parse(Some("informe=recursos"), CSV_KEYS).is_err());
        // Appeals have grounds and venues, not rights and channels.
        assert_eq!(
            Kind::Appeals.group_label(GroupBy::Right),
            "por causa de procedencia (art. 100)"
        );
        assert_eq!(Kind::Requests.group_label(GroupBy::Right), "por derecho");
    }

    #[test]
    fn a_guarantor_counts_every_appeal_it_hears() {
        let og = who(Role::Guarantor, "GARANTE", &["DEMO", "OTRA"]);
        let all = |q: &str| scope_of(&og, &typed(q)).unwrap_or_else(|e| panic!("{}", e.detail));
        let bodies = |s: ReportScope| match s {
            ReportScope::Bodies(b) => b,
            ReportScope::All => panic!("all"),
        };
        assert_eq!(bodies(all("informe=recursos")), ["DEMO", "OTRA", "GARANTE"]);
        // The requests it reads are its supervised bodies'; one body chosen narrows both.
        assert_eq!(bodies(all("")), ["DEMO", "OTRA"]);
        assert_eq!(bodies(all("informe=recursos&sujeto=OTRA")), ["OTRA"]);
        assert!(scope_of(&og, &typed("informe=recursos&sujeto=AJENA")).is_err());
        // A body's staff: the appeals against its own requests.
        let ut = who(Role::UnitStaff, "OTRA", &[]);
        assert_eq!(
            bodies(
                scope_of(&ut, &typed("informe=recursos"))
                    .unwrap_or_else(|e| panic!("{}", e.detail))
            ),
            ["OTRA"]
        );
        assert!(scope_of(&ut, &typed("informe=recursos&sujeto=DEMO")).is_err());
        assert_eq!(
            scope_text(Kind::Appeals, &all("informe=recursos"), &og),
            "Recursos: todos los que conoce GARANTE, contra cualquier sujeto obligado (los que supervisa: DEMO, OTRA)"
        );
    }

    #[test]
    fn long_labels_widen_the_chart() {
        let mut t = Table {
            key: "appeals".into(),
            title: "Recursos".into(),
            columns: vec![crate::report::Column {
                key: TOTAL.into(),
                label: "Total".into(),
            }],
            rows: Vec::new(),
        };
        let short = chart(&t, Kind::Appeals, GroupBy::None);
        assert_eq!((short.width, short.bar_x), (640, 220));
        for (label, n, level) in [
            ("Recibidos", 4, 0),
            ("Fracción VI: negativa", 2, 1),
            ("Respuesta confirmada por falta de resolución", 1, 0),
        ] {
            t.rows.push(crate::report::Row {
                metric: crate::report::Metric {
                    key: label.into(),
                    label: label.into(),
                    definition: String::new(),
                },
                cells: vec![crate::report::Cell {
                    count: n,
                    cases: Vec::new(),
                }],
                level,
            });
        }
        let c = chart(&t, Kind::Appeals, GroupBy::None);
        assert_eq!(c.title, "Recursos del periodo: total de cada concepto");
        assert_eq!(
            c.text,
            "Recibidos: 4; Respuesta confirmada por falta de resolución: 1."
        );
        assert_eq!(c.bar_x, 44 * CHAR_W + 10 + 10);
        assert_eq!(c.width, c.bar_x + BARS_W + 60);
        assert_eq!(c.bars[0].width, BARS_W);
        assert_eq!(c.bars[1].width, BARS_W / 4);
    }

    #[test]
    fn numbers_read_as_staff_write_them() {
        assert_eq!(rate_text(Some(0.875)), "87.5 %");
        assert_eq!(rate_text(None), "—");
        assert_eq!(days_text(Some(6.0)), "6");
        assert_eq!(days_text(Some(2.5)), "2.5");
        assert_eq!(days_text(None), "—");
    }
}
