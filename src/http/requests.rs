//! Requests: file, act, show, list (JSON or CSV), and the acuse de recibo as a page.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiPath, ApiQuery, spanish_serde};
use super::problem::Problem;
use super::{App, Caller};
use crate::accounts::{Access, BodyKind, Principal};
use crate::calendar::Moment;
use crate::case::{Actor, Role};
use crate::request::{ActKind, RequestAct, Right};
use crate::service::CaseDetail;
use crate::storage::{Directory, ListFilter};

/// A request to file (art. 49). The titular's identity and request text stay on paper or
/// in the body's own system: arco keeps only what the procedure needs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// access, rectification, cancellation, opposition or portability.
    #[schema(example = "access")]
    pub right: String,
    /// When it was received: `AAAA-MM-DD`, `AAAA-MM-DDTHH:MM` (office time) or RFC 3339;
    /// now if absent.
    pub at: Option<String>,
    /// The body it is filed with; the caller's own body if absent.
    pub body: Option<String>,
    /// The titular's address for optional deadline alerts, kept apart from the record.
    pub titular_email: Option<String>,
    /// How it came in (art. 49.1): pnt, email, in_person, post or other.
    #[schema(example = "pnt")]
    pub channel: Option<String>,
    /// The folio another system gave it (the PNT's): 1–40 letters, digits, `-_/.`.
    #[schema(example = "140287926000123")]
    pub external_folio: Option<String>,
}

/// An act to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActInput {
    /// The act and its data, e.g. `{"act": "admitted"}` or
    /// `{"act": "resolved", "outcome": "granted"}`.
    #[schema(value_type = Object, example = json!({"act": "admitted"}))]
    pub act: Value,
    /// When it happened (as for filing); now if absent.
    pub at: Option<String>,
}

/// The filters of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// States, comma-separated (`admitted,prevented`).
    pub state: Option<String>,
    /// Only this body (within the caller's scope).
    pub body: Option<String>,
    /// Only cases with this term open (`resolution`, `fulfilment`...).
    pub term: Option<String>,
    /// Only cases with an open term due within this many calendar days.
    #[param(maximum = 3660)]
    pub due_within: Option<u32>,
    /// Only cases with a duty past its due date.
    pub overdue: Option<bool>,
    /// Only cases in the caller's charge: assigned to the caller, or filed by the caller
    /// and assigned to nobody.
    pub mine: Option<bool>,
    /// Only the request with this folio of another system (the PNT's).
    pub external_folio: Option<String>,
    /// Page size (default 50, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// The date to compute states and terms on (default today).
    pub as_of: Option<NaiveDate>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// A line of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLine {
    pub folio: String,
    /// `request` or `appeal`.
    pub kind: String,
    pub body: String,
    /// For an appeal: the request it challenges.
    pub request: Option<String>,
    pub state: String,
    pub filed: NaiveDate,
    /// The next open term.
    pub next_term: Option<String>,
    pub next_due: Option<NaiveDate>,
    /// Business days left to `next_due` (negative: overdue).
    pub days_left: Option<i64>,
    /// Duties past their due date.
    pub overdue: Vec<String>,
    /// Their due dates, in the same order.
    pub overdue_due: Vec<NaiveDate>,
}

/// A page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseLine>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<String>,
}

/// Whether the caller may read (or act on) a request of `folio`; 404 outside its scope,
/// so another body's folios are not even confirmed to exist.
pub(crate) async fn request_body(
    app: &App,
    who: &Principal,
    folio: &str,
    access: Access,
) -> Result<String, Problem> {
    let missing = || Problem::not_found(format!("no existe la solicitud «{folio}»"));
    // Only the case's kind and body are read: an out-of-scope folio answers as fast as a
    // missing one.
    let record = app
        .registry
        .store()
        .case_scope(folio)
        .await?
        .ok_or_else(missing)?;
    if record.kind != crate::service::REQUEST_KIND || !who.may_request(&record.body, Access::Read) {
        return Err(missing());
    }
    if access == Access::Act && !who.may_request(&record.body, Access::Act) {
        return Err(Problem::forbidden(format!(
            "{} no registra actos en las solicitudes de {}",
            who.role().label_es(),
            record.body
        )));
    }
    Ok(record.body)
}

pub(crate) fn moment(at: &Option<String>, field: &str) -> Result<Moment, Problem> {
    match at {
        Some(a) => a
            .parse()
            .map_err(|e: crate::calendar::TermError| Problem::invalid(Some(field), e.to_string())),
        None => Ok(now_moment()),
    }
}

fn now_moment() -> Moment {
    let now = Utc::now().with_timezone(&chrono_tz::America::Mexico_City);
    Moment::Instant(
        chrono::Timelike::with_nanosecond(&now, 0)
            .unwrap_or(now)
            .fixed_offset(),
    )
}

pub(crate) fn actor(who: &Principal) -> Actor {
    Actor::new(who.account.username.clone(), who.role())
}

/// Parses an act object, naming the field at fault. serde loses the path inside tagged
/// enums, so the field is recovered from the message: the key it names (missing or unknown
/// field) or the key whose value it quotes (unknown variant, bad value).
pub(crate) fn parse_act<T: serde::de::DeserializeOwned>(
    v: Value,
    field: &str,
) -> Result<T, Problem> {
    serde_path_to_error::deserialize(&v).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let inner = if path == "." {
            culprit(&v, &message)
        } else {
            Some(path)
        };
        let f = match inner {
            Some(k) => format!("{field}.{k}"),
            None => field.to_string(),
        };
        Problem::invalid(
            Some(&f),
            format!("campo «{f}»: {}", spanish_serde(&message)),
        )
    })
}

/// The key of `v` that a serde message is about, if it can be told.
fn culprit(v: &Value, message: &str) -> Option<String> {
    let obj = v.as_object()?;
    // The acts' own Spanish message for a field they do not have.
    if let Some(rest) = message.strip_prefix("campo desconocido «") {
        return rest.split('»').next().map(str::to_string);
    }
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let first = quoted.first()?;
    if message.starts_with("missing field") || message.starts_with("unknown field") {
        return Some(first.to_string());
    }
    if message.starts_with("unknown variant")
        && obj.get("act").and_then(Value::as_str) == Some(first)
    {
        return Some("act".into());
    }
    obj.iter()
        .find(|(_, val)| match val {
            Value::String(s) => s == first,
            other => other.to_string().as_str() == *first,
        })
        .map(|(k, _)| k.clone())
        .or_else(|| message.contains("tag `act`").then(|| "act".to_string()))
}

/// File a request.
#[utoipa::path(post, path = "/v1/requests", tag = "solicitudes",
    request_body = FileRequest,
    responses(
        (status = 201, description = "Solicitud registrada: folio, plazos y acuse", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn file(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<FileRequest>,
) -> Result<(StatusCode, axum::Json<CaseDetail>), Problem> {
    let detail = file_as(&app, &who, input).await?;
    Ok((StatusCode::CREATED, axum::Json(detail)))
}

/// Files a request for `who` (the API's `POST /v1/requests` and the web form alike).
pub(crate) async fn file_as(
    app: &App,
    who: &Principal,
    input: FileRequest,
) -> Result<CaseDetail, Problem> {
    let body_code = match (&input.body, who.body()) {
        (Some(b), _) => b.clone(),
        (None, Some(b)) => b.to_string(),
        (None, None) => {
            return Err(Problem::invalid(
                Some("body"),
                "indique el sujeto obligado («body»)",
            ));
        }
    };
    if !who.may_request(&body_code, Access::Act)
        || !ActKind::Filed.allowed_roles().contains(&who.role())
    {
        return Err(Problem::forbidden(format!(
            "{} no registra solicitudes de {body_code}",
            who.role().label_es()
        )));
    }
    let body = app
        .registry
        .store()
        .body(&body_code)
        .await?
        .ok_or_else(|| {
            Problem::invalid(
                Some("body"),
                format!("no existe el sujeto obligado «{body_code}»"),
            )
        })?;
    let right: Right = serde_json::from_value(Value::String(input.right.clone())).map_err(|_| {
        Problem::invalid(
            Some("right"),
            format!("derecho desconocido «{}»; se esperaba access, rectification, cancellation, opposition o portability", input.right),
        )
    })?;
    if let Some(e) = &input.titular_email
        && !crate::alerts::valid_address(e)
    {
        return Err(Problem::invalid(
            Some("titular_email"),
            "dirección de correo inválida",
        ));
    }
    let channel = match &input.channel {
        None => None,
        Some(c) => Some(crate::request::Channel::parse(c).ok_or_else(|| {
            Problem::invalid(
                Some("channel"),
                format!("medio de recepción desconocido «{c}»; se esperaba pnt, email, in_person, post u other"),
            )
        })?),
    };
    let external_folio = match &input.external_folio {
        None => None,
        Some(x) => Some(
            crate::request::ExternalFolio::parse(x)
                .map_err(|m| Problem::invalid(Some("external_folio"), m))?,
        ),
    };
    let reception = crate::request::Reception {
        channel,
        external_folio,
    };
    let at = moment(&input.at, "at")?;
    let now = Utc::now();
    let detail = app
        .registry
        .file_request_received(
            &body.code,
            &body.calendar,
            right,
            reception,
            at,
            &actor(who),
            now,
        )
        .await?;
    if let Some(email) = &input.titular_email {
        app.registry
            .set_titular_contact(&detail.folio, email, now)
            .await?;
    }
    Ok(detail)
}

/// Record an act on a request.
#[utoipa::path(post, path = "/v1/requests/{folio}/acts", tag = "solicitudes",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001")),
    request_body = ActInput,
    responses(
        (status = 200, description = "El expediente después del acto; con `Prefer: return=minimal`, solo lo registrado (ActRecorded, y la cabecera `Preference-Applied`)", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Acto improcedente o conflicto de versión", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn act(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<axum::response::Response, Problem> {
    use axum::response::IntoResponse;
    let (act, at) = act_input(&app, &who, &folio, input).await?;
    if wants_minimal(&headers) {
        let r = app
            .registry
            .record(&folio, act, at, &actor(&who), Utc::now())
            .await?;
        let mut res = axum::Json(ActRecorded::from(r)).into_response();
        res.headers_mut().insert(
            "preference-applied",
            axum::http::HeaderValue::from_static("return=minimal"),
        );
        return Ok(res);
    }
    let detail = app
        .registry
        .act(&folio, act, at, &actor(&who), Utc::now())
        .await?;
    Ok(axum::Json(detail).into_response())
}

/// True if the request says `Prefer: return=minimal` (RFC 7240 §4.2).
pub(crate) fn wants_minimal(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("return=minimal"))
}

/// What an act recorded, when the client asked for no more (`Prefer: return=minimal`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ActRecorded {
    pub folio: String,
    /// The case's version (number of acts) after the act.
    pub version: i64,
    /// The state after the act.
    pub state: String,
    /// True when the act was recorded after its term ran out (extemporáneo).
    pub late: bool,
}

impl From<crate::service::Recorded> for ActRecorded {
    fn from(r: crate::service::Recorded) -> Self {
        ActRecorded {
            folio: r.folio,
            version: r.version,
            state: r.state,
            late: r.late,
        }
    }
}

/// An act for `who` to record on the request `folio`, checked for scope and parsed (the
/// API and the web form alike): 404 out of scope, 422 naming the field at fault.
pub(crate) async fn act_input(
    app: &App,
    who: &Principal,
    folio: &str,
    input: ActInput,
) -> Result<(RequestAct, Moment), Problem> {
    request_body(app, who, folio, Access::Act).await?;
    let act: RequestAct = parse_act(input.act, "act")?;
    if act.kind() == ActKind::Filed {
        return Err(Problem::invalid(
            Some("act.act"),
            "la presentación se registra en POST /v1/requests",
        ));
    }
    Ok((act, moment(&input.at, "at")?))
}

/// A date query parameter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The date to compute states and terms on (default today).
    pub as_of: Option<NaiveDate>,
}

/// A request with its timeline (every deadline, its status and explanation) and its log.
#[utoipa::path(get, path = "/v1/requests/{folio}", tag = "solicitudes",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001"), AsOf),
    responses((status = 200, description = "El expediente", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn show(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> Result<axum::Json<CaseDetail>, Problem> {
    request_body(&app, &who, &folio, Access::Read).await?;
    Ok(axum::Json(
        app.registry.show(&folio, q.as_of, Utc::now()).await?,
    ))
}

#[derive(Template)]
#[template(path = "http/acuse.html")]
struct AcusePage<'a> {
    css: &'a str,
    d: &'a CaseDetail,
    body_name: &'a str,
    filed_at: &'a str,
    right: &'a str,
}

/// The acuse de recibo (art. 49.3) as a printable page.
#[utoipa::path(get, path = "/v1/requests/{folio}/acuse", tag = "solicitudes",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001")),
    responses((status = 200, description = "Página HTML imprimible", content_type = "text/html", body = String),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn acuse(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
) -> Result<Response, Problem> {
    let body = request_body(&app, &who, &folio, Access::Read).await?;
    let d = app.registry.show(&folio, None, Utc::now()).await?;
    let body_name = app
        .registry
        .store()
        .body(&body)
        .await?
        .map(|b| b.name)
        .unwrap_or(body);
    let filed_at = d
        .view
        .acts
        .first()
        .map(|a| a.at.to_string())
        .unwrap_or_default();
    let page = AcusePage {
        css: ACUSE_CSS,
        d: &d,
        body_name: &body_name,
        filed_at: &filed_at,
        right: d.view.right.label_es(),
    };
    let html = page.render().map_err(|e| Problem::internal(&e))?;
    let mut res = Html(html).into_response();
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, acuse_csp());
    Ok(res)
}

/// The acuse's style sheet, inlined in its `<style>` so the page prints on its own.
const ACUSE_CSS: &str = include_str!("../../templates/http/acuse.css");

/// The acuse's policy: [`super::defences::HTML_CSP`], with its one inline style allowed
/// by its SHA-256 (no `'unsafe-inline'`).
fn acuse_csp() -> axum::http::HeaderValue {
    static CSP: std::sync::OnceLock<axum::http::HeaderValue> = std::sync::OnceLock::new();
    CSP.get_or_init(|| {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(ACUSE_CSS));
        let policy = super::defences::HTML_CSP.replace(
            "style-src 'self'",
            &format!("style-src 'self' 'sha256-{hash}'"),
        );
        axum::http::HeaderValue::from_str(&policy)
            .unwrap_or_else(|_| axum::http::HeaderValue::from_static(super::defences::HTML_CSP))
    })
    .clone()
}

/// The ListFilter for the caller's scope; 403 if a body outside it is asked for.
pub(crate) fn scoped(
    who: &Principal,
    q: &ListQuery,
    kind_appeal: bool,
    max_page: u32,
    today: NaiveDate,
) -> Result<ListFilter, Problem> {
    let mut f = ListFilter {
        states: q
            .state
            .as_deref()
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        limit: Some(match q.limit {
            None => 50.min(max_page),
            Some(l) if (1..=max_page).contains(&l) => l,
            Some(_) => {
                return Err(Problem::invalid(
                    Some("limit"),
                    format!("limit debe estar entre 1 y {max_page}"),
                ));
            }
        }),
        after: q.after.clone(),
        ..ListFilter::default()
    };
    if let Some(bad) = f.states.iter().find(|st| {
        if kind_appeal {
            crate::appeal::AppealState::parse(st).is_none()
        } else {
            crate::request::RequestState::parse(st).is_none()
        }
    }) {
        return Err(Problem::invalid(
            Some("state"),
            format!("estado desconocido «{bad}»"),
        ));
    }
    check_date(today, "as_of")?;
    if let Some(t) = &q.term {
        f.term = Some(t.parse().map_err(|_| {
            Problem::invalid(
                Some("term"),
                format!("plazo desconocido «{t}»; vea GET /openapi.json o `arco terms`"),
            )
        })?);
    }
    if let Some(n) = q.due_within {
        if n > 3660 {
            return Err(Problem::invalid(
                Some("due_within"),
                "due_within admite a lo más 3660 días",
            ));
        }
        f.due_by = today.checked_add_days(chrono::Days::new(u64::from(n)));
    }
    if q.mine == Some(true) {
        f.in_charge = Some(who.account.username.clone());
    }
    if let Some(x) = &q.external_folio {
        let x = crate::request::ExternalFolio::parse(x)
            .map_err(|m| Problem::invalid(Some("external_folio"), m))?;
        f.external_folio = Some(x.as_str().to_string());
    }
    let asked = q.body.clone();
    match (who.role(), who.body()) {
        // For appeals, `body` is the body appealed against, as for every other role.
        (Role::Admin, _) if kind_appeal => f.parent_body = asked,
        (Role::Admin, _) => f.body = asked,
        (_, None) => {
            return Err(Problem::forbidden(
                "la cuenta no pertenece a ningún sujeto obligado",
            ));
        }
        (Role::Guarantor, Some(g)) if kind_appeal => {
            f.body = Some(g.to_string());
            if let Some(b) = asked {
                f.parent_body = Some(b);
            }
        }
        (Role::Guarantor, Some(_)) => match asked {
            Some(b) if who.guarded.contains(&b) => f.body = Some(b),
            Some(b) => {
                return Err(Problem::forbidden(format!(
                    "el órgano garante no conoce de las solicitudes de «{b}»"
                )));
            }
            None => {
                return Err(Problem::invalid(
                    Some("body"),
                    "indique el sujeto obligado («body») cuyas solicitudes desea consultar",
                ));
            }
        },
        (Role::Auditor, Some(b)) if kind_appeal && who.body_kind == Some(BodyKind::Guarantor) => {
            // An auditor of a guarantor sees the appeals it hears.
            f.body = Some(b.to_string());
            if let Some(a) = asked {
                f.parent_body = Some(a);
            }
        }
        (_, Some(b)) => {
            if let Some(a) = &asked
                && a != b
            {
                return Err(Problem::forbidden(format!(
                    "solo puede consultar los expedientes de {b}"
                )));
            }
            if kind_appeal {
                f.parent_body = Some(b.to_string());
            } else {
                f.body = Some(b.to_string());
            }
        }
    }
    Ok(f)
}

/// Requests in the caller's scope, with filters and pagination; `format=csv` for a
/// spreadsheet.
#[utoipa::path(get, path = "/v1/requests", tag = "solicitudes",
    params(ListQuery),
    responses((status = 200, description = "Una página de solicitudes", content((CasePage = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn list(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, Problem> {
    let csv = format_is_csv(q.format.as_deref())?;
    let today = q.as_of.unwrap_or_else(|| app.today(Utc::now()));
    let f = scoped(&who, &q, false, app.config.max_page, today)?;
    let (items, next) = app
        .registry
        .list_page(&f, today, q.overdue == Some(true))
        .await?;
    let items = items.into_iter().map(request_line).collect();
    page(CasePage { items, next }, csv)
}

/// A date arco can compute on (1990–2100).
pub(crate) fn check_date(d: NaiveDate, field: &str) -> Result<(), Problem> {
    use crate::calendar::{MAX_DATE, MIN_DATE};
    if d < MIN_DATE || d > MAX_DATE {
        return Err(Problem::invalid(
            Some(field),
            format!(
                "la fecha {d} está fuera del intervalo que arco calcula ({MIN_DATE} a {MAX_DATE})"
            ),
        ));
    }
    Ok(())
}

pub(crate) fn request_line(s: crate::service::CaseSummary) -> CaseLine {
    CaseLine {
        folio: s.folio,
        kind: "request".into(),
        body: s.body,
        request: None,
        state: s.state.as_str().to_string(),
        filed: s.filed,
        next_term: s.next.map(|n| n.0.as_str().to_string()),
        next_due: s.next.map(|n| n.1),
        days_left: s.next.map(|n| n.2),
        overdue: s.overdue.iter().map(|t| t.as_str().to_string()).collect(),
        overdue_due: s.overdue_due,
    }
}

pub(crate) fn format_is_csv(format: Option<&str>) -> Result<bool, Problem> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(Problem::invalid(
            Some("format"),
            format!("formato desconocido «{other}»; se esperaba json o csv"),
        )),
    }
}

pub use crate::report::spreadsheet_safe;

/// A page as JSON, or as CSV (the `next` cursor in the `Link` header).
pub(crate) fn page(p: CasePage, csv: bool) -> Result<Response, Problem> {
    if !csv {
        return Ok(axum::Json(p).into_response());
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = [
        "folio",
        "tipo",
        "sujeto_obligado",
        "solicitud",
        "estado",
        "presentada",
        "proximo_plazo",
        "vence",
        "dias_habiles_restantes",
        "vencidos",
    ];
    w.write_record(head).map_err(|e| Problem::internal(&e))?;
    for i in &p.items {
        w.write_record(
            [
                i.folio.as_str(),
                if i.kind == "request" {
                    "solicitud"
                } else {
                    "recurso"
                },
                &i.body,
                i.request.as_deref().unwrap_or(""),
                &i.state,
                &i.filed.to_string(),
                i.next_term.as_deref().unwrap_or(""),
                &i.next_due.map(|d| d.to_string()).unwrap_or_default(),
                &i.days_left.map(|d| d.to_string()).unwrap_or_default(),
                &i.overdue.join(" "),
            ]
            .map(|c| spreadsheet_safe(c).into_owned()),
        )
        .map_err(|e| Problem::internal(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| Problem::internal(&e))?;
    let mut res = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes).into_response();
    if let Some(n) = p.next
        && let Ok(v) = axum::http::HeaderValue::from_str(&format!("<?after={n}>; rel=\"next\""))
    {
        res.headers_mut().insert(header::LINK, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_neutralised() {
        for bad in ["=1+1", "+1", "-1+1", "-SEJ", "@SUM(A1)", "\tx", "\rx", "-"] {
            assert_eq!(spreadsheet_safe(bad), format!("'{bad}"));
        }
        for good in ["SEJ-ARCO-2026-00001", "-12", "0", "", "a=b"] {
            assert_eq!(spreadsheet_safe(good), good);
        }
    }
}
