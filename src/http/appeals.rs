//! Appeals (recursos de revisión, art. 99 ff.) and the compliance of their resolutions.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::problem::Problem;
use super::requests::{
    ActInput, AsOf, CaseLine, CasePage, ListQuery, actor, format_is_csv, moment, page, parse_act,
    scoped,
};
use super::{App, Caller};
use crate::accounts::{Access, Principal};
use crate::appeal::{AppealAct, AppealActKind};
use crate::calendar::Moment;
use crate::service::{APPEAL_KIND, CaseDetail, REQUEST_KIND};
use crate::storage::Directory;

/// An appeal to file against a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAppeal {
    /// The folio of the request appealed.
    pub request: String,
    /// The filing: `{"act": "appeal_filed", "venue": "guarantor", "ground": "no_response"}`.
    #[schema(value_type = Object, example = json!({"act": "appeal_filed", "venue": "guarantor", "ground": "VII"}))]
    pub filing: Value,
    /// When it was filed; now if absent.
    pub at: Option<String>,
}

/// The guarantor and the obligated body of an appeal, if the caller may see it.
pub(crate) async fn appeal_parties(
    app: &App,
    who: &Principal,
    folio: &str,
    access: Access,
) -> Result<(), Problem> {
    let store = app.registry.store();
    let missing = || Problem::not_found(format!("no existe el recurso «{folio}»"));
    // Only the kind and bodies are read: an out-of-scope folio answers as fast as a
    // missing one.
    let record = store.case_scope(folio).await?.ok_or_else(missing)?;
    if record.kind != APPEAL_KIND {
        return Err(missing());
    }
    let parent_body = record.parent_body.as_deref().ok_or_else(missing)?;
    if !who.may_appeal(&record.body, parent_body, Access::Read) {
        return Err(missing());
    }
    if access == Access::Act && !who.may_appeal(&record.body, parent_body, Access::Act) {
        return Err(Problem::forbidden(format!(
            "{} no registra actos en este recurso",
            who.role().label_es()
        )));
    }
    Ok(())
}

/// File an appeal (with the guarantor of the request's body).
#[utoipa::path(post, path = "/v1/appeals", tag = "recursos",
    request_body = FileAppeal,
    responses(
        (status = 201, description = "Recurso registrado", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn file(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<FileAppeal>,
) -> Result<(StatusCode, axum::Json<CaseDetail>), Problem> {
    let detail = file_as(&app, &who, input).await?;
    Ok((StatusCode::CREATED, axum::Json(detail)))
}

/// Files an appeal for `who` (the API's `POST /v1/appeals` and the web form alike).
pub(crate) async fn file_as(
    app: &App,
    who: &Principal,
    input: FileAppeal,
) -> Result<CaseDetail, Problem> {
    let store = app.registry.store();
    let missing = || Problem::not_found(format!("no existe la solicitud «{}»", input.request));
    let request = store
        .case_scope(&input.request)
        .await?
        .ok_or_else(missing)?;
    if request.kind != REQUEST_KIND || !who.may_request(&request.body, Access::Read) {
        return Err(missing());
    }
    let body = store.body(&request.body).await?.ok_or_else(missing)?;
    let guarantor_code = body.guarantor.clone().ok_or_else(|| {
        Problem::invalid(
            Some("request"),
            format!(
                "el sujeto obligado {} no tiene órgano garante configurado",
                body.code
            ),
        )
    })?;
    if !who.may_appeal(&guarantor_code, &request.body, Access::Act) {
        return Err(Problem::forbidden(format!(
            "{} no registra recursos contra {}",
            who.role().label_es(),
            request.body
        )));
    }
    let guarantor = store.body(&guarantor_code).await?.ok_or_else(|| {
        Problem::internal(&format!("órgano garante inexistente «{guarantor_code}»"))
    })?;
    let filing: AppealAct = parse_act(input.filing, "filing")?;
    if filing.kind() != AppealActKind::AppealFiled {
        return Err(Problem::invalid(
            Some("filing.act"),
            "el primer acto de un recurso es su interposición («appeal_filed»)",
        ));
    }
    let at = moment(&input.at, "at")?;
    let detail = app
        .registry
        .file_appeal(
            &input.request,
            &guarantor.code,
            &guarantor.calendar,
            filing,
            at,
            &actor(who),
            Utc::now(),
        )
        .await?;
    Ok(detail)
}

/// Record an act on an appeal or on the compliance of its resolution.
#[utoipa::path(post, path = "/v1/appeals/{folio}/acts", tag = "recursos",
    params(("folio" = String, Path, description = "Folio del recurso", example = "ITEI-RR-2026-00001")),
    request_body = ActInput,
    responses(
        (status = 200, description = "El recurso después del acto", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn act(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<axum::Json<CaseDetail>, Problem> {
    let (act, at) = act_input(&app, &who, &folio, input).await?;
    Ok(axum::Json(
        app.registry
            .act_appeal(&folio, act, at, &actor(&who), Utc::now())
            .await?,
    ))
}

/// An act for `who` to record on the appeal `folio`, checked for scope and parsed.
pub(crate) async fn act_input(
    app: &App,
    who: &Principal,
    folio: &str,
    input: ActInput,
) -> Result<(AppealAct, Moment), Problem> {
    appeal_parties(app, who, folio, Access::Act).await?;
    let act: AppealAct = parse_act(input.act, "act")?;
    if act.kind() == AppealActKind::AppealFiled {
        return Err(Problem::invalid(
            Some("act.act"),
            "la interposición se registra en POST /v1/appeals",
        ));
    }
    Ok((act, moment(&input.at, "at")?))
}

/// An appeal with its request, its terms and compliance, and its log.
#[utoipa::path(get, path = "/v1/appeals/{folio}", tag = "recursos",
    params(("folio" = String, Path, description = "Folio del recurso", example = "ITEI-RR-2026-00001"), AsOf),
    responses((status = 200, description = "El recurso", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn show(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> Result<axum::Json<CaseDetail>, Problem> {
    appeal_parties(&app, &who, &folio, Access::Read).await?;
    Ok(axum::Json(
        app.registry
            .show_appeal(&folio, q.as_of, Utc::now())
            .await?,
    ))
}

/// Appeals in the caller's scope (heard by its guarantor, or against its body).
#[utoipa::path(get, path = "/v1/appeals", tag = "recursos",
    params(ListQuery),
    responses((status = 200, description = "Una página de recursos", content((CasePage = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn list(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, Problem> {
    let csv = format_is_csv(q.format.as_deref())?;
    let today = q.as_of.unwrap_or_else(|| app.today(Utc::now()));
    let f = scoped(&who, &q, true, app.config.max_page, today)?;
    let (items, next) = app
        .registry
        .list_appeals_page(&f, today, q.overdue == Some(true))
        .await?;
    let items = items.into_iter().map(appeal_line).collect();
    page(CasePage { items, next }, csv)
}

pub(crate) fn appeal_line(s: crate::service::AppealSummary) -> CaseLine {
    CaseLine {
        folio: s.folio,
        kind: "appeal".into(),
        body: s.body,
        request: s.request,
        state: s.state.as_str().to_string(),
        filed: s.filed,
        next_term: s.next.map(|n| n.0.as_str().to_string()),
        next_due: s.next.map(|n| n.1),
        days_left: s.next.map(|n| n.2),
        overdue: s.overdue.iter().map(|t| t.as_str().to_string()).collect(),
        overdue_due: s.overdue_due,
    }
}
