//! The register of social-media accounts (issue 18) and what a request about a publication
//! points to. Every handler goes through the registry's scoped functions
//! (`src/service/social.rs`): an account or a request the caller may not read answers 404.
//! The public directory needs no sign-in.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::problem::Problem;
use super::requests::{check_date, moment, parse_act};
use super::{App, Caller};
use crate::service::BreachDetail;
use crate::service::social::{AccountDetail, DirectoryLine, Publication, directory_csv};
use crate::social::{Change, PostAction};

/// A change to the register: the account's first (`registered`) or a later one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeInput {
    /// The body whose register it is (registration only); the caller's own if absent.
    #[schema(example = "SEJ")]
    pub body: Option<String>,
    /// The day the change was made (AAAA-MM-DD); today if absent.
    pub on: Option<NaiveDate>,
    /// The change: `{"change": "registered", "platform": "x", "handle": "@SEJalisco",
    /// "kind": "official", "area": "Comunicación Social"}`, `gestor_added`, `gestor_left`,
    /// `passwords_rotated`, `edited`, `run_by_area`, `retired`.
    #[schema(value_type = Object, example = json!({"change": "registered", "platform": "x", "handle": "@SEJalisco", "kind": "official", "area": "Comunicación Social"}))]
    pub change: Value,
}

/// The moment a takeover was detected.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompromisedInput {
    /// When it was detected (`AAAA-MM-DD`, `AAAA-MM-DDTHH:MM` office time, or RFC 3339);
    /// now if absent.
    pub at: Option<String>,
}

/// The body of a list or of the directory.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountsQuery {
    /// Only this body (within the caller's scope).
    pub body: Option<String>,
    /// `json` or `csv` (the public directory only).
    pub format: Option<String>,
}

/// Accounts of the register, as the directory shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<DirectoryLine>,
}

/// What a request about a publication points to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationInput {
    /// The account of the body's register.
    pub account_id: i64,
    /// The post's address or id.
    #[schema(example = "https://x.com/SEJalisco/status/1890000000000000001")]
    pub post: String,
    /// When it was captured (`AAAA-MM-DD` or `AAAA-MM-DDTHH:MM`).
    pub captured_at: Option<String>,
}

/// What a request is about: a publication, or none.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationDoc {
    #[schema(value_type = Option<Object>)]
    pub publication: Option<Publication>,
}

/// What was done to the post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostActionInput {
    /// `edited`, `removed`, `media_removed` or `blocked`.
    #[schema(example = "removed")]
    pub action: String,
    /// Whether a preservation record of the post exists (Décima séptima).
    pub preserved: bool,
    /// The day it was done; today if absent.
    pub on: Option<NaiveDate>,
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive()
}

fn day(on: Option<NaiveDate>) -> Result<NaiveDate, Problem> {
    match on {
        Some(d) => {
            check_date(d, "on")?;
            Ok(d)
        }
        None => Ok(today()),
    }
}

fn body(b: &Option<String>) -> Option<&str> {
    b.as_deref().map(str::trim).filter(|b| !b.is_empty())
}

/// The accounts of the registers the caller may read.
#[utoipa::path(get, path = "/v1/social-accounts", tag = "redes sociales",
    params(AccountsQuery),
    responses((status = 200, description = "Las cuentas, por sujeto obligado, red y nombre", body = AccountList),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn list(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<AccountsQuery>,
) -> Result<axum::Json<AccountList>, Problem> {
    if q.format.is_some() {
        return Err(Problem::invalid(
            Some("format"),
            "«format» es del directorio público (/v1/directory/social-accounts)",
        ));
    }
    let items = app
        .registry
        .social_accounts_for(&who, body(&q.body), today())
        .await?;
    Ok(axum::Json(AccountList { items }))
}

/// The public directory of accounts in use (Décima, Décima primera): no sign-in.
#[utoipa::path(get, path = "/v1/directory/social-accounts", tag = "redes sociales",
    params(AccountsQuery),
    responses((status = 200, description = "El directorio público (JSON, o CSV con `format=csv`)", body = AccountList),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn directory(
    State(app): State<Arc<App>>,
    ApiQuery(q): ApiQuery<AccountsQuery>,
) -> Result<Response, Problem> {
    let items = app
        .registry
        .social_directory(body(&q.body), today())
        .await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(axum::Json(AccountList { items }).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"directorio-redes-sociales.csv\"",
                ),
            ],
            directory_csv(&items),
        )
            .into_response()),
        Some(other) => Err(Problem::invalid(
            Some("format"),
            format!("formato desconocido «{other}»; se esperaba json o csv"),
        )),
    }
}

/// Enter an account into the register (its UT).
#[utoipa::path(post, path = "/v1/social-accounts", tag = "redes sociales",
    request_body = ChangeInput,
    responses((status = 201, description = "La cuenta registrada, con su historial", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn register(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<ChangeInput>,
) -> Result<(StatusCode, axum::Json<AccountDetail>), Problem> {
    let change: Change = parse_act(input.change, "change")?;
    let on = day(input.on)?;
    let detail = app
        .registry
        .register_account(&who, body(&input.body), change, on, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(detail)))
}

/// An account of the register, with its history.
#[utoipa::path(get, path = "/v1/social-accounts/{id}", tag = "redes sociales",
    params(("id" = i64, Path, description = "Número de la cuenta en el registro")),
    responses((status = 200, description = "La cuenta", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn show(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<AccountDetail>, Problem> {
    Ok(axum::Json(
        app.registry.account_for(&who, id, today()).await?,
    ))
}

/// Record a change to an account (its UT).
#[utoipa::path(post, path = "/v1/social-accounts/{id}/changes", tag = "redes sociales",
    params(("id" = i64, Path, description = "Número de la cuenta en el registro")),
    request_body = ChangeInput,
    responses((status = 200, description = "La cuenta después del cambio", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn change(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ChangeInput>,
) -> Result<axum::Json<AccountDetail>, Problem> {
    if input.body.is_some() {
        return Err(Problem::invalid(
            Some("body"),
            "«body» solo va en el registro de una cuenta",
        ));
    }
    let change: Change = parse_act(input.change, "change")?;
    let on = day(input.on)?;
    Ok(axum::Json(
        app.registry
            .change_account(&who, id, change, on, Utc::now())
            .await?,
    ))
}

/// Erase a former gestor's name, position and address (a person's data, kept apart from
/// the history for this): the history keeps that gestor `gestor` came and went, and when;
/// the name reads «(nombre suprimido)».
#[utoipa::path(post, path = "/v1/social-accounts/{id}/gestores/{gestor}/erase", tag = "redes sociales",
    params(("id" = i64, Path, description = "Número de la cuenta en el registro"),
        ("gestor" = u32, Path, description = "Número del gestor en la cuenta (1, 2, …)")),
    responses((status = 200, description = "La cuenta, con los datos del gestor suprimidos", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 400, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn erase_gestor(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath((id, gestor)): ApiPath<(i64, u32)>,
) -> Result<axum::Json<AccountDetail>, Problem> {
    Ok(axum::Json(
        app.registry.erase_gestor_name(&who, id, gestor).await?,
    ))
}

/// The account was taken over: opens a breach of its body, linked to it (arts. 38–40).
#[utoipa::path(post, path = "/v1/social-accounts/{id}/compromised", tag = "redes sociales",
    params(("id" = i64, Path, description = "Número de la cuenta en el registro")),
    request_body = CompromisedInput,
    responses((status = 201, description = "La vulneración abierta", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn compromised(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CompromisedInput>,
) -> Result<(StatusCode, axum::Json<BreachDetail>), Problem> {
    let at = moment(&input.at, "at")?;
    let breach = app
        .registry
        .account_compromised(&who, id, at, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(breach)))
}

/// What the request is about, if a publication (kept apart from its log).
#[utoipa::path(get, path = "/v1/requests/{folio}/publication", tag = "redes sociales",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001")),
    responses((status = 200, description = "`{\"publication\": …}`: la publicación, o `null` si la solicitud no trata de una", body = PublicationDoc),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn publication(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
) -> Result<axum::Json<PublicationDoc>, Problem> {
    Ok(axum::Json(PublicationDoc {
        publication: app.registry.publication_for(&who, &folio).await?,
    }))
}

/// Say which account and post the request is about (its UT).
#[utoipa::path(put, path = "/v1/requests/{folio}/publication", tag = "redes sociales",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001")),
    request_body = PublicationInput,
    responses((status = 200, description = "La publicación", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn point(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<PublicationInput>,
) -> Result<axum::Json<Publication>, Problem> {
    Ok(axum::Json(
        app.registry
            .point_to_publication(
                &who,
                &folio,
                input.account_id,
                &input.post,
                input.captured_at.as_deref(),
                Utc::now(),
            )
            .await?,
    ))
}

/// Erase what the request pointed to (its UT).
#[utoipa::path(delete, path = "/v1/requests/{folio}/publication", tag = "redes sociales",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001")),
    responses((status = 204, description = "Suprimida (o no había)"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn forget(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
) -> Result<StatusCode, Problem> {
    app.registry.forget_publication(&who, &folio).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record what was done to the post, and whether a preservation record exists; a removal
/// without one is recorded with a warning (Décima séptima).
#[utoipa::path(post, path = "/v1/requests/{folio}/publication/action", tag = "redes sociales",
    params(("folio" = String, Path, description = "Folio de la solicitud", example = "SEJ-ARCO-2026-00001")),
    request_body = PostActionInput,
    responses((status = 200, description = "La publicación, con `warning` si se eliminó sin constancia de preservación", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn post_action(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<PostActionInput>,
) -> Result<axum::Json<Publication>, Problem> {
    let action = PostAction::parse(input.action.trim()).ok_or_else(|| {
        Problem::invalid(
            Some("action"),
            format!(
                "acción desconocida «{}»; se esperaba edited, removed, media_removed o blocked",
                input.action
            ),
        )
    })?;
    let on = day(input.on)?;
    Ok(axum::Json(
        app.registry
            .record_post_action(&who, &folio, action, input.preserved, on, Utc::now())
            .await?,
    ))
}
