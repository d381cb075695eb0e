//! Reports (issue 16): the request report of a period, the cases behind one of its
//! numbers, and the annual register (LGTAIP art. 44.VII), computed by
//! [`crate::report`] through the registry, in the caller's scope.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::ApiQuery;
use super::problem::Problem;
use super::{App, Caller};
use crate::report::appeals::{AppealFacts, AppealReport};
use crate::report::requests::{RequestFacts, RequestReport};
use crate::report::{GroupBy, Period, ReportError, Spread, Table};
use crate::service::ReportScope;

/// The period and scope of a report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// A calendar year (`2026`); instead of `from` and `to`.
    pub year: Option<String>,
    /// First day of reception counted (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// Last day of reception counted (default: today). Cases are seen on this day, or
    /// today if it has not come.
    pub to: Option<NaiveDate>,
    /// Columns: `none` (default), `body`, `right`, `channel` or `month`.
    pub group_by: Option<String>,
    /// One body of the caller's scope (a guarantor's or an administrator's report).
    pub body: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// For `/v1/reports/.../cases`: `requests` or `timeliness` (requests); `appeals`,
    /// `compliance` or `timeliness` (appeals).
    pub table: Option<String>,
    /// For `/v1/reports/.../cases`: a row's key (`received`, `term_resolution`).
    pub metric: Option<String>,
    /// For `/v1/reports/.../cases`: a column's key (`total`, `met`, `SEJ`).
    pub column: Option<String>,
}

/// A column of a report table.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportColumn {
    pub key: String,
    pub label: String,
}

/// A row of a report table: what it counts, defined in a sentence, and one count per
/// column.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRow {
    pub key: String,
    pub label: String,
    pub definition: String,
    /// 1 for a part of the row above it.
    pub level: u8,
    pub counts: Vec<usize>,
}

/// A table of counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportTable {
    pub key: String,
    pub title: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<ReportRow>,
}

/// Business days taken to answer, in one column.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseDays {
    pub column: String,
    pub cases: usize,
    pub median: Option<f64>,
    pub mean: Option<f64>,
    pub p90: Option<f64>,
}

/// The request report of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestReportDoc {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day every case is seen on.
    pub cut: NaiveDate,
    pub period: String,
    pub group_by: String,
    /// `requests` then `timeliness`.
    pub tables: Vec<ReportTable>,
    /// For each row of `timeliness`: met ÷ (met + late + missed).
    pub on_time: Vec<Option<f64>>,
    pub response_days: Vec<ResponseDays>,
}

/// The appeals and compliance report of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealReportDoc {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day every appeal is seen on.
    pub cut: NaiveDate,
    pub period: String,
    pub group_by: String,
    /// `appeals`, `compliance` then `timeliness`.
    pub tables: Vec<ReportTable>,
    /// For each row of `timeliness`: met ÷ (met + late + missed).
    pub on_time: Vec<Option<f64>>,
}

/// A case behind a number.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCaseLine {
    pub folio: String,
    /// The body of a request; the guarantor that hears an appeal.
    pub body: String,
    /// An appeal's: the body whose request it challenges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub against: Option<String>,
    /// A request's right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<String>,
    /// An appeal's ground (art. 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ground: Option<String>,
    pub filed: NaiveDate,
    /// The state on the cut.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_to_respond: Option<u32>,
}

/// The cases behind one number of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCases {
    pub table: String,
    pub metric: String,
    pub label: String,
    pub definition: String,
    pub column: String,
    pub cut: NaiveDate,
    pub cases: Vec<ReportCaseLine>,
}

fn table_doc(t: &Table) -> ReportTable {
    ReportTable {
        key: t.key.clone(),
        title: t.title.clone(),
        columns: t
            .columns
            .iter()
            .map(|c| ReportColumn {
                key: c.key.clone(),
                label: c.label.clone(),
            })
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|r| ReportRow {
                key: r.metric.key.clone(),
                label: r.metric.label.clone(),
                definition: r.metric.definition.clone(),
                level: r.level,
                counts: r.cells.iter().map(|c| c.count).collect(),
            })
            .collect(),
    }
}

fn spread_doc(column: &str, s: &Spread) -> ResponseDays {
    ResponseDays {
        column: column.to_string(),
        cases: s.cases,
        median: s.median,
        mean: s.mean,
        p90: s.p90,
    }
}

fn report_problem(e: ReportError) -> Problem {
    Problem::invalid(Some(e.field()), e.to_string())
}

/// The period and the grouping a query asks for.
fn asked(app: &App, q: &ReportQuery) -> Result<(Period, GroupBy), Problem> {
    let today = app.today(Utc::now());
    let period = Period::asked(q.year.as_deref(), q.from, q.to, today).map_err(report_problem)?;
    let group_by = GroupBy::parse(q.group_by.as_deref().unwrap_or("")).map_err(report_problem)?;
    Ok((period, group_by))
}

async fn request_report(
    app: &App,
    who: &crate::accounts::Principal,
    q: &ReportQuery,
) -> Result<RequestReport, Problem> {
    let (period, group_by) = asked(app, q)?;
    let scope = ReportScope::of(who, q.body.as_deref())?;
    Ok(app
        .registry
        .request_report(&scope, period, group_by)
        .await?)
}

fn csv_response(text: String, name: &str) -> Response {
    let mut res = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

fn refuse_cell_fields(q: &ReportQuery) -> Result<(), Problem> {
    for (name, v) in [
        ("table", &q.table),
        ("metric", &q.metric),
        ("column", &q.column),
    ] {
        if v.is_some() {
            return Err(Problem::invalid(
                Some(name),
                format!(
                    "«{name}» solo se admite en las consultas de casos (/v1/reports/.../cases)"
                ),
            ));
        }
    }
    Ok(())
}

/// The request report: received, prevented, admitted, each notice and outcome, extensions,
/// withdrawals, fulfilment (art. 87.1.I–II, 88.1.VI), and each term met, late or missed;
/// `format=csv` for a spreadsheet.
#[utoipa::path(get, path = "/v1/reports/requests", tag = "informes",
    params(ReportQuery),
    responses((status = 200, description = "El informe de solicitudes del periodo", content((RequestReportDoc = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn requests(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Problem> {
    refuse_cell_fields(&q)?;
    let csv = super::requests::format_is_csv(q.format.as_deref())?;
    let r = request_report(&app, &who, &q).await?;
    if csv {
        let text = crate::report::tables_csv(&[&r.requests, &r.timeliness]);
        return Ok(csv_response(
            text,
            &format!("informe-solicitudes-{}-{}.csv", r.period.from, r.period.to),
        ));
    }
    Ok(axum::Json(RequestReportDoc {
        from: r.period.from,
        to: r.period.to,
        cut: r.period.cut,
        period: r.period.describe_es(),
        group_by: r.group_by.as_str().to_string(),
        tables: vec![table_doc(&r.requests), table_doc(&r.timeliness)],
        on_time: r.on_time.clone(),
        response_days: r
            .response
            .iter()
            .map(|(c, s)| spread_doc(&c.key, s))
            .collect(),
    })
    .into_response())
}

/// The table, metric and column a cases query names.
fn cell_query(q: &ReportQuery) -> Result<(String, String, String), Problem> {
    if q.format.is_some() {
        return Err(Problem::invalid(
            Some("format"),
            "esta consulta solo responde JSON",
        ));
    }
    let need = |v: &Option<String>, name: &str| {
        v.clone()
            .ok_or_else(|| Problem::invalid(Some(name), format!("falta «{name}»")))
    };
    Ok((
        need(&q.table, "table")?,
        need(&q.metric, "metric")?,
        need(&q.column, "column")?,
    ))
}

/// The row and the cell of `table` a cases query names, from the report's `tables`.
fn named_cell<'a>(
    tables: &[&'a Table],
    (table, metric, column): (&str, &str, &str),
) -> Result<(&'a crate::report::Row, &'a crate::report::Cell), Problem> {
    let t = tables.iter().find(|t| t.key == table).ok_or_else(|| {
        let keys: Vec<&str> = tables.iter().map(|t| t.key.as_str()).collect();
        Problem::invalid(
            Some("table"),
            format!(
                "tabla desconocida «{table}»; se esperaba {}",
                keys.join(", ")
            ),
        )
    })?;
    let row = t
        .rows
        .iter()
        .find(|x| x.metric.key == metric)
        .ok_or_else(|| {
            Problem::not_found(format!("la tabla «{table}» no tiene la fila «{metric}»"))
        })?;
    let cell = t.cell(metric, column).ok_or_else(|| {
        Problem::not_found(format!("la tabla «{table}» no tiene la columna «{column}»"))
    })?;
    Ok((row, cell))
}

/// The requests behind one number of the request report.
#[utoipa::path(get, path = "/v1/reports/requests/cases", tag = "informes",
    params(ReportQuery),
    responses((status = 200, body = ReportCases),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn request_cases(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<axum::Json<ReportCases>, Problem> {
    let (table, metric, column) = cell_query(&q)?;
    let r = request_report(&app, &who, &q).await?;
    let (row, cell) = named_cell(&[&r.requests, &r.timeliness], (&table, &metric, &column))?;
    let line = |f: &RequestFacts| ReportCaseLine {
        folio: f.folio.clone(),
        body: f.body.clone(),
        against: None,
        right: Some(f.right.as_str().to_string()),
        ground: None,
        filed: f.filed,
        state: f.state.as_str().to_string(),
        days_to_respond: f.days_to_respond,
    };
    Ok(axum::Json(ReportCases {
        label: row.metric.label.clone(),
        definition: row.metric.definition.clone(),
        cases: r.cases_of(cell).map(line).collect(),
        table,
        metric,
        column,
        cut: r.period.cut,
    }))
}

async fn appeal_report(
    app: &App,
    who: &crate::accounts::Principal,
    q: &ReportQuery,
) -> Result<AppealReport, Problem> {
    let (period, group_by) = asked(app, q)?;
    let scope = ReportScope::of_appeals(who, q.body.as_deref())?;
    Ok(app.registry.appeal_report(&scope, period, group_by).await?)
}

/// The appeals and compliance report: grounds (art. 100), dismissals by cause (arts.
/// 104.2, 108), conciliation (art. 106), outcomes (art. 110.4), resolutions confirmed by
/// silence (art. 110.10), compliance and its measures (arts. 112, 136–138), and each term
/// met, late or missed; `format=csv` for a spreadsheet. `group_by=right` groups by ground,
/// `channel` by where the appeal was filed (art. 99.1).
#[utoipa::path(get, path = "/v1/reports/appeals", tag = "informes",
    params(ReportQuery),
    responses((status = 200, description = "El informe de recursos del periodo", content((AppealReportDoc = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn appeals(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Problem> {
    refuse_cell_fields(&q)?;
    let csv = super::requests::format_is_csv(q.format.as_deref())?;
    let r = appeal_report(&app, &who, &q).await?;
    if csv {
        let text = crate::report::tables_csv(&[&r.appeals, &r.compliance, &r.timeliness]);
        return Ok(csv_response(
            text,
            &format!("informe-recursos-{}-{}.csv", r.period.from, r.period.to),
        ));
    }
    Ok(axum::Json(AppealReportDoc {
        from: r.period.from,
        to: r.period.to,
        cut: r.period.cut,
        period: r.period.describe_es(),
        group_by: r.group_by.as_str().to_string(),
        tables: vec![
            table_doc(&r.appeals),
            table_doc(&r.compliance),
            table_doc(&r.timeliness),
        ],
        on_time: r.on_time.clone(),
    })
    .into_response())
}

/// The appeals behind one number of the appeals report.
#[utoipa::path(get, path = "/v1/reports/appeals/cases", tag = "informes",
    params(ReportQuery),
    responses((status = 200, body = ReportCases),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn appeal_cases(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<axum::Json<ReportCases>, Problem> {
    let (table, metric, column) = cell_query(&q)?;
    let r = appeal_report(&app, &who, &q).await?;
    let (row, cell) = named_cell(
        &[&r.appeals, &r.compliance, &r.timeliness],
        (&table, &metric, &column),
    )?;
    let line = |f: &AppealFacts| ReportCaseLine {
        folio: f.folio.clone(),
        body: f.guarantor.clone(),
        against: Some(f.body.clone()),
        right: None,
        ground: Some(String::from(f.ground)),
        filed: f.filed,
        state: f.state.as_str().to_string(),
        days_to_respond: None,
    };
    Ok(axum::Json(ReportCases {
        label: row.metric.label.clone(),
        definition: row.metric.definition.clone(),
        cases: r.cases_of(cell).map(line).collect(),
        table,
        metric,
        column,
        cut: r.period.cut,
    }))
}

/// The annual register (LGTAIP art. 44.VII): one line per request received in the
/// period, with the date of every act and the terms not met, as CSV.
#[utoipa::path(get, path = "/v1/reports/register", tag = "informes",
    params(ReportQuery),
    responses((status = 200, description = "Una línea por solicitud", content_type = "text/csv", body = String),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn register(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Problem> {
    refuse_cell_fields(&q)?;
    if q.group_by.is_some() {
        return Err(Problem::invalid(
            Some("group_by"),
            "el registro tiene una línea por solicitud: no se agrupa",
        ));
    }
    if !matches!(q.format.as_deref(), None | Some("csv")) {
        return Err(Problem::invalid(
            Some("format"),
            "el registro se entrega en CSV («format=csv»)",
        ));
    }
    let r = request_report(&app, &who, &q).await?;
    Ok(csv_response(
        r.register_csv(),
        &format!("registro-solicitudes-{}-{}.csv", r.period.from, r.period.to),
    ))
}
