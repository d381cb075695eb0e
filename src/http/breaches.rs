//! Security breaches (vulneraciones de seguridad, arts. 38–43): detect, act, show, the
//! acts the caller may record now, the caller's breaches and the bitácora of art. 39
//! (JSON or CSV).
//!
//! Every handler goes through [`crate::service::Registry`]'s `*_for`/`*_as` functions
//! (`src/service/breach_access.rs`), which check the caller's scope in one place: a breach
//! the caller may not read answers 404, as one that does not exist.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::problem::Problem;
use super::requests::{ActInput, check_date, moment, parse_act};
use super::{App, Caller};
use crate::breach::{BreachAct, BreachActKind};
use crate::calendar::Moment;
use crate::service::{BitacoraLine, BreachDetail, DetectionPeriod, ServiceError};

/// A breach to enter in the bitácora (art. 39), by its detection.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectBreach {
    /// The body the breach is of; the caller's own body if absent.
    #[schema(example = "SEJ")]
    pub body: Option<String>,
    /// The detection: `{"act": "breach_detected"}`, with `occurred_on` (AAAA-MM-DD) if it
    /// is known when it happened (art. 39.1.I).
    #[schema(value_type = Object, example = json!({"act": "breach_detected", "occurred_on": "2026-03-12"}))]
    pub act: Value,
    /// When it was detected (`AAAA-MM-DD`, `AAAA-MM-DDTHH:MM` office time, or RFC 3339);
    /// now if absent.
    pub at: Option<String>,
}

/// The period of detection and the body of a list of breaches.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreachListQuery {
    /// Only this body (within the caller's scope).
    pub body: Option<String>,
    /// Detected on this day or after (both ends included; open if absent).
    pub from: Option<NaiveDate>,
    /// Detected on this day or before.
    pub to: Option<NaiveDate>,
}

/// The period, body and format of the bitácora.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BitacoraQuery {
    /// Detected on this day or after (both ends included; open if absent).
    pub from: Option<NaiveDate>,
    /// Detected on this day or before.
    pub to: Option<NaiveDate>,
    /// Only this body (within the caller's scope).
    pub body: Option<String>,
    /// `json` or `csv`; without it, `Accept: text/csv` asks for CSV, anything else JSON.
    pub format: Option<String>,
}

/// The moment a breach is shown at.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreachAsOf {
    /// The instant to compute the 72-hour terms at: RFC 3339 (`2026-03-17T09:01:00-06:00`)
    /// or `AAAA-MM-DDTHH:MM` on the office clock (America/Mexico_City); now if absent.
    pub as_of: Option<String>,
}

/// The moment an act would be recorded at.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreachAt {
    /// When the act would happen (as `at` of an act); now if absent.
    pub at: Option<String>,
}

/// One line of the bitácora (art. 39): the breach, the instant its 72 hours run out, and
/// what its record says (categories as their codes, moments as recorded).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BitacoraItem {
    #[schema(example = "SEJ-VS-2026-00001")]
    pub folio: String,
    pub body: String,
    /// The instant the 72 hours of art. 40 run out (after the confirmation).
    pub notice_due: Option<DateTime<FixedOffset>>,
    /// I. The day it happened, if known.
    pub occurred_on: Option<NaiveDate>,
    pub detected: String,
    pub confirmed: Option<String>,
    pub discarded: bool,
    /// The fracción of art. 38.1: `loss`, `theft`, `unauthorised_access`, `alteration`.
    pub kind: Option<String>,
    /// II. The reason, as a category (`external_attack`, `human_error`...).
    pub cause: Option<String>,
    /// Categories of personal data compromised (`identification`, `health`...).
    pub data: Vec<String>,
    /// How many titulares, if known.
    pub titulars: Option<u32>,
    /// Whether it affects the titulares' rights significantly (art. 40).
    pub significant: Option<bool>,
    pub not_significant_reason: Option<String>,
    /// III. Corrective actions taken at once...
    pub immediate_measures: Vec<String>,
    /// ... and for good (art. 42).
    pub definitive_measures: Vec<String>,
    pub guarantor_notified: Option<String>,
    /// When the part of the notice that completed it was given.
    pub titulars_notified: Option<String>,
    /// Titulares reached by the notice's parts.
    pub titulars_reached: u64,
    /// A notice was given after the 72 hours.
    pub late_notice: bool,
    pub closed: Option<String>,
    /// `detected`, `discarded`, `confirmed`, `significant`, `not_significant`, `notified`,
    /// `remedied` or `closed`.
    pub state: String,
}

impl From<BitacoraLine> for BitacoraItem {
    fn from(l: BitacoraLine) -> Self {
        let e = l.entry;
        let codes = |v: Vec<crate::breach::Measure>| -> Vec<String> {
            v.iter().map(|m| m.as_str().to_string()).collect()
        };
        BitacoraItem {
            folio: l.folio,
            body: l.body,
            notice_due: l.notice_due,
            occurred_on: e.occurred_on,
            detected: e.detected.to_string(),
            confirmed: e.confirmed.map(|m| m.to_string()),
            discarded: e.discarded,
            kind: e.kind.map(|k| k.as_str().to_string()),
            cause: e.cause.map(|c| c.as_str().to_string()),
            data: e.data.iter().map(|d| d.as_str().to_string()).collect(),
            titulars: e.titulars,
            significant: e.significant,
            not_significant_reason: e.not_significant_reason.map(|r| r.as_str().to_string()),
            immediate_measures: codes(e.immediate_measures),
            definitive_measures: codes(e.definitive_measures),
            guarantor_notified: e.guarantor_notified.map(|m| m.to_string()),
            titulars_notified: e.titulars_notified.map(|m| m.to_string()),
            titulars_reached: e.titulars_reached,
            late_notice: e.late_notice,
            closed: e.closed.map(|m| m.to_string()),
            state: e.state.as_str().to_string(),
        }
    }
}

/// The caller's breaches.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreachList {
    /// In folio order.
    pub items: Vec<BitacoraItem>,
}

/// The bitácora of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct BitacoraDoc {
    /// The first day of detection counted (absent: from the first breach).
    pub from: Option<NaiveDate>,
    /// The last day of detection counted (absent: to the last breach).
    pub to: Option<NaiveDate>,
    /// The body asked for, if one.
    pub body: Option<String>,
    pub lines: Vec<BitacoraItem>,
}

/// An act the caller may record now.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowedBreachAct {
    #[schema(example = "breach_confirmed")]
    pub act: String,
    #[schema(example = "confirmación de la vulneración")]
    pub label: String,
}

/// The acts the caller may record on a breach at a moment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowedBreachActs {
    pub folio: String,
    /// The moment asked about, as read.
    pub at: String,
    /// Empty for a caller who only reads the breach, or when nothing is left to do.
    pub acts: Vec<AllowedBreachAct>,
}

/// The detection period of a query, with the field at fault.
fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<DetectionPeriod, Problem> {
    if let Some(d) = from {
        check_date(d, "from")?;
    }
    if let Some(d) = to {
        check_date(d, "to")?;
    }
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(Problem::invalid(
            Some("to"),
            format!("el periodo empieza el {f} y termina antes, el {t}"),
        ));
    }
    Ok(DetectionPeriod { from, to })
}

/// `body` of a list: blank is none.
fn asked_body(body: &Option<String>) -> Option<&str> {
    body.as_deref().map(str::trim).filter(|b| !b.is_empty())
}

/// The bitácora lines `who` may read.
async fn lines(
    app: &App,
    who: &crate::accounts::Principal,
    body: Option<&str>,
    period: DetectionPeriod,
) -> Result<Vec<BitacoraLine>, Problem> {
    Ok(app.registry.breaches_for(who, body, period).await?)
}

/// The breaches the caller may read (its body's; a guarantor's: those notified to it; an
/// administrator's: all), as their lines of the bitácora.
#[utoipa::path(get, path = "/v1/breaches", tag = "vulneraciones",
    params(BreachListQuery),
    responses((status = 200, description = "Las vulneraciones, en orden de folio", body = BreachList),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn list(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<BreachListQuery>,
) -> Result<axum::Json<BreachList>, Problem> {
    let p = period(q.from, q.to)?;
    let items = lines(&app, &who, asked_body(&q.body), p).await?;
    Ok(axum::Json(BreachList {
        items: items.into_iter().map(BitacoraItem::from).collect(),
    }))
}

/// Enter a breach by its detection (art. 39): the body's Unidad de Transparencia.
#[utoipa::path(post, path = "/v1/breaches", tag = "vulneraciones",
    request_body = DetectBreach,
    responses(
        (status = 201, description = "Vulneración registrada: folio, estado, plazos, bitácora y actos", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn detect(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<DetectBreach>,
) -> Result<(StatusCode, axum::Json<BreachDetail>), Problem> {
    let act: BreachAct = parse_act(input.act, "act")?;
    if act.kind() != BreachActKind::BreachDetected {
        return Err(Problem::invalid(
            Some("act.act"),
            format!(
                "una vulneración empieza por su detección («{}»); {} se registra en POST /v1/breaches/{{folio}}/acts",
                BreachActKind::BreachDetected.as_str(),
                act.kind()
            ),
        ));
    }
    let at = moment(&input.at, "at")?;
    let detail = app
        .registry
        .detect_breach_as(&who, input.body.as_deref(), act, at, Utc::now())
        .await
        .map_err(|e| match e {
            // The service's words for a body it cannot use; the field is `body`.
            ServiceError::BadInput(m) if m.contains("sujeto obligado") => {
                Problem::invalid(Some("body"), m)
            }
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, axum::Json(detail)))
}

/// A breach: its state, its notice terms at `as_of` (due at an instant, 72 hours after the
/// confirmation), its line of the bitácora, its record and its log.
#[utoipa::path(get, path = "/v1/breaches/{folio}", tag = "vulneraciones",
    params(("folio" = String, Path, description = "Folio de la vulneración", example = "SEJ-VS-2026-00001"), BreachAsOf),
    responses((status = 200, description = "La vulneración", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn show(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiQuery(q): ApiQuery<BreachAsOf>,
) -> Result<axum::Json<BreachDetail>, Problem> {
    let as_of = match &q.as_of {
        None => None,
        Some(_) => Some(instant(&q.as_of, "as_of")?),
    };
    Ok(axum::Json(
        app.registry
            .breach_for(&who, &folio, as_of, Utc::now())
            .await?,
    ))
}

/// An instant: RFC 3339, or a date and time on the office clock; a date alone is refused
/// (the 72 hours end at an instant, and a day has many).
fn instant(v: &Option<String>, field: &str) -> Result<DateTime<FixedOffset>, Problem> {
    let no_time = || {
        Problem::invalid(
            Some(field),
            format!(
                "«{field}» debe llevar fecha y hora (AAAA-MM-DDTHH:MM o RFC 3339): los plazos de una vulneración vencen en un instante"
            ),
        )
    };
    match moment(v, field)? {
        Moment::Instant(i) => Ok(i),
        Moment::Local(dt) => {
            use chrono::TimeZone as _;
            chrono_tz::America::Mexico_City
                .from_local_datetime(&dt)
                .earliest()
                .map(|t| t.fixed_offset())
                .ok_or_else(no_time)
        }
        Moment::Date(_) => Err(no_time()),
    }
}

/// Record an act on a breach: the body's Unidad de Transparencia records its duties; the
/// guarantor, once notified, its previous investigation (art. 43).
#[utoipa::path(post, path = "/v1/breaches/{folio}/acts", tag = "vulneraciones",
    params(("folio" = String, Path, description = "Folio de la vulneración", example = "SEJ-VS-2026-00001")),
    request_body = ActInput,
    responses(
        (status = 200, description = "La vulneración después del acto", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Acto improcedente en el estado de la vulneración (`refused` nombra el estado y el acto) o conflicto de versión", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn act(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<axum::Json<BreachDetail>, Problem> {
    let act: BreachAct = parse_act(input.act, "act")?;
    if act.kind() == BreachActKind::BreachDetected {
        return Err(Problem::invalid(
            Some("act.act"),
            "la detección se registra en POST /v1/breaches",
        ));
    }
    let at = moment(&input.at, "at")?;
    Ok(axum::Json(
        app.registry
            .act_breach_as(&who, &folio, act, at, Utc::now())
            .await?,
    ))
}

/// The acts the caller may record on a breach now (or at `at`), as the procedure allows
/// them to its role in the breach's state; none for a caller who only reads it.
#[utoipa::path(get, path = "/v1/breaches/{folio}/acts", tag = "vulneraciones",
    params(("folio" = String, Path, description = "Folio de la vulneración", example = "SEJ-VS-2026-00001"), BreachAt),
    responses((status = 200, description = "Los actos que el solicitante puede registrar", body = AllowedBreachActs),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn allowed(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiQuery(q): ApiQuery<BreachAt>,
) -> Result<axum::Json<AllowedBreachActs>, Problem> {
    let at = moment(&q.at, "at")?;
    let kinds = app
        .registry
        .allowed_breach_acts_for(&who, &folio, at)
        .await?;
    Ok(axum::Json(AllowedBreachActs {
        folio,
        at: at.to_string(),
        acts: kinds
            .into_iter()
            .filter(|k| *k != BreachActKind::BreachDetected)
            .map(|k| AllowedBreachAct {
                act: k.as_str().to_string(),
                label: k.label_es().to_string(),
            })
            .collect(),
    }))
}

/// Whether a bitácora query asks for CSV: `format` if given, else the `Accept` header.
fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> Result<bool, Problem> {
    if format.is_some() {
        return super::requests::format_is_csv(format);
    }
    Ok(headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| {
            m.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"))
        }))
}

/// The bitácora of security breaches (art. 39): one line per breach detected in the
/// period, in the caller's scope (a guarantor: only those notified to it), with the date
/// it happened, the reason, the corrective actions, the notices and whether one was late;
/// `format=csv` (or `Accept: text/csv`) for a spreadsheet (UTF-8 with BOM, Spanish
/// headers).
#[utoipa::path(get, path = "/v1/reports/breaches", tag = "vulneraciones",
    params(BitacoraQuery),
    responses((status = 200, description = "La bitácora del periodo", content((BitacoraDoc = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn bitacora(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<BitacoraQuery>,
) -> Result<Response, Problem> {
    let csv = wants_csv(q.format.as_deref(), &headers)?;
    let p = period(q.from, q.to)?;
    let body = asked_body(&q.body);
    let found = lines(&app, &who, body, p).await?;
    if csv {
        let name = format!(
            "bitacora-vulneraciones-{}-{}.csv",
            p.from
                .map_or_else(|| "inicio".to_string(), |d| d.to_string()),
            p.to.map_or_else(|| "hoy".to_string(), |d| d.to_string())
        );
        let text = crate::report::breaches::bitacora_csv(&found);
        let mut res = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response();
        if let Ok(v) =
            axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(res);
    }
    Ok(axum::Json(BitacoraDoc {
        from: p.from,
        to: p.to,
        body: body.map(str::to_string),
        lines: found.into_iter().map(BitacoraItem::from).collect(),
    })
    .into_response())
}
