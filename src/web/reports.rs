//! The report pages (issue 16): the report of the requests received in a period, with its
//! tables, each metric's definition, the time taken to answer and a bar chart drawn on
//! the server; the cases behind any number; and the same tables and the annual register
//! as CSV files.
//!
//! Every number comes from [`crate::report`] through [`crate::service::Registry::request_report`];
//! the caller's scope from [`ReportScope::of`], the same rules as the API. Nothing is
//! counted here: this module only reads the query, lays the tables out and draws the bars.

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Utc};

use super::cases::Opt;
use super::{Chrome, Staff, WebError, date_text, no_store, render, urlencode};
use crate::accounts::BodyKind;
use crate::case::Role;
use crate::http::App;
use crate::report::requests::RequestReport;
use crate::report::{GroupBy, Period, ReportError, TOTAL, Table};
use crate::service::ReportScope;
use crate::storage::Directory;

/// What the period form sent, as typed (kept when the form comes back with an error).
#[derive(Debug, Default, Clone)]
struct Typed {
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
const REPORT_KEYS: &[&str] = &["desde", "hasta", "anio", "agrupar", "sujeto"];
const CASES_KEYS: &[&str] = &[
    "desde", "hasta", "anio", "agrupar", "sujeto", "tabla", "metrica", "columna",
];

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

/// A period, a grouping and a body, checked.
#[derive(Debug, Clone)]
struct Asked {
    period: Period,
    group_by: GroupBy,
    sujeto: Option<String>,
}

impl Asked {
    /// The query of the same report (the period written out, so that a link keeps it).
    fn query(&self) -> String {
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
            period,
            group_by,
            sujeto: t.sujeto().map(str::to_string),
        }),
        _ => Err(errors),
    }
}

/// The period form, as shown.
pub struct FormView {
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

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The bodies `staff` may choose among: a guarantor's supervised bodies, or every obligated
/// body for an administrator.
async fn body_options(app: &App, staff: &Staff, chosen: &str) -> Result<Vec<Opt>, WebError> {
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
    Ok(FormView {
        desde,
        hasta,
        anio,
        groups: GroupBy::ALL
            .iter()
            .map(|g| Opt {
                value: g.as_str().into(),
                label: capital(g.label_es()),
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
}

fn table_view(
    t: &Table,
    asked: &Asked,
    head: &'static str,
    rates: Option<&[Option<f64>]>,
) -> TableView {
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
    height: u32,
    bars: Vec<Bar>,
}

const LABEL_W: u32 = 210;
const BARS_W: u32 = 360;
const ROW_H: u32 = 28;

/// The bar chart of the requests table: the total of each main row, or, when grouped, the
/// requests received in each column.
fn chart(r: &RequestReport) -> Chart {
    let t = &r.requests;
    let (title, points): (String, Vec<(String, usize)>) = if r.group_by == GroupBy::None {
        (
            "Solicitudes del periodo: total de cada concepto".into(),
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
            format!("Solicitudes recibidas {}", r.group_by.label_es()),
            t.columns
                .iter()
                .filter(|c| c.key != TOTAL)
                .map(|c| (c.label.clone(), t.count("received", &c.key)))
                .collect(),
        )
    };
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0);
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
                value_x: LABEL_W + 10 + width + 6,
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
        height: 12 + points.len() as u32 * ROW_H,
        bars,
    }
}

pub struct ReportView {
    described: String,
    scope: String,
    received: usize,
    chart: Chart,
    tables: Vec<TableView>,
    spreads: Vec<SpreadView>,
    csv: String,
    register: String,
}

#[derive(Template)]
#[template(path = "web/report.html")]
struct ReportPage {
    chrome: Chrome,
    form: FormView,
    report: Option<ReportView>,
}

fn scope_text(scope: &ReportScope) -> String {
    match scope {
        ReportScope::All => "todos los sujetos obligados de la instalación".into(),
        ReportScope::Bodies(b) if b.is_empty() => "ningún sujeto obligado".into(),
        ReportScope::Bodies(b) => b.join(", "),
    }
}

/// The report asked for, or the refusal to show with the form (400), or the error page.
enum Outcome {
    Report(Box<RequestReport>, Asked, ReportScope),
    Refused(Vec<FieldError>),
}

async fn compute(app: &App, staff: &Staff, t: &Typed) -> Result<Outcome, WebError> {
    // Scope first: another body's report is forbidden whatever else is wrong.
    let scope = ReportScope::of(&staff.who, t.sujeto())?;
    let today = app.today(Utc::now());
    let asked = match check(t, today) {
        Ok(a) => a,
        Err(e) => return Ok(Outcome::Refused(e)),
    };
    let report = app
        .registry
        .request_report(&scope, asked.period, asked.group_by)
        .await?;
    Ok(Outcome::Report(Box::new(report), asked, scope))
}

/// `GET /informes`: the report of the requests received in a period.
pub async fn page(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let t = Typed::parse(raw.as_deref(), REPORT_KEYS)?;
    let (r, asked, scope) = match compute(&app, &staff, &t).await? {
        Outcome::Report(r, a, s) => (r, a, s),
        Outcome::Refused(errors) => {
            let form = form_view(&app, &staff, &t, None, &errors).await?;
            let mut res = render(&ReportPage {
                chrome: staff.chrome("informes"),
                form,
                report: None,
            })?;
            *res.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(res);
        }
    };
    let q = asked.query();
    let report = ReportView {
        described: r.period.describe_es(),
        scope: scope_text(&scope),
        received: r.requests.count("received", TOTAL),
        chart: chart(&r),
        tables: vec![
            table_view(&r.requests, &asked, "Concepto", None),
            table_view(&r.timeliness, &asked, "Plazo", Some(&r.on_time)),
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
        register: format!("/informes/registro.csv?{q}"),
    };
    let form = form_view(&app, &staff, &t, Some(&asked), &[]).await?;
    render(&ReportPage {
        chrome: staff.chrome("informes"),
        form,
        report: Some(report),
    })
}

pub struct CaseRow {
    folio: String,
    href: String,
    body: String,
    right: String,
    filed: String,
    state: String,
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

/// `GET /informes/casos`: the cases behind one number of the report.
pub async fn cases(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let t = Typed::parse(raw.as_deref(), CASES_KEYS)?;
    let (r, asked, _) = match compute(&app, &staff, &t).await? {
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
    let table = match t.tabla.as_str() {
        "requests" => &r.requests,
        "timeliness" => &r.timeliness,
        _ => return Err(not_found()),
    };
    let cell = r
        .find(&t.tabla, &t.metrica, &t.columna)
        .ok_or_else(not_found)?;
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
    let rows = r
        .cases_of(cell)
        .map(|f| CaseRow {
            href: format!("/solicitudes/{}", urlencode(&f.folio)),
            folio: f.folio.clone(),
            body: f.body.clone(),
            right: capital(f.right.label_es()),
            filed: date_text(f.filed),
            state: capital(f.state.label_es()),
        })
        .collect();
    render(&CasesPage {
        chrome: staff.chrome("informes"),
        table: table.title.clone(),
        metric: row.metric.label.clone(),
        definition: row.metric.definition.clone(),
        column: column.label.clone(),
        described: r.period.describe_es(),
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

async fn report_for_csv(
    app: &App,
    staff: &Staff,
    raw: Option<&str>,
) -> Result<RequestReport, WebError> {
    let t = Typed::parse(raw, REPORT_KEYS)?;
    match compute(app, staff, &t).await? {
        Outcome::Report(r, _, _) => Ok(*r),
        Outcome::Refused(errors) => Err(refused(errors)),
    }
}

/// `GET /informes/solicitudes.csv`: the report's tables as CSV.
pub async fn tables_csv(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let r = report_for_csv(&app, &staff, raw.as_deref()).await?;
    Ok(csv_response(
        format!("informe-solicitudes-{}-{}.csv", r.period.from, r.period.to),
        crate::report::tables_csv(&[&r.requests, &r.timeliness]),
    ))
}

/// `GET /informes/registro.csv`: the register of the period, one line per request.
pub async fn register_csv(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let r = report_for_csv(&app, &staff, raw.as_deref()).await?;
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

    #[test]
    fn numbers_read_as_staff_write_them() {
        assert_eq!(rate_text(Some(0.875)), "87.5 %");
        assert_eq!(rate_text(None), "—");
        assert_eq!(days_text(Some(6.0)), "6");
        assert_eq!(days_text(Some(2.5)), "2.5");
        assert_eq!(days_text(None), "—");
    }
}
