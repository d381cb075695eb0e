//! The expediente beyond the procedure, over HTTP: who has a request, which área holds its
//! data, the áreas that did not cooperate (art. 88.1.IX), and the internal notes. Every
//! call checks the request's scope first (404 outside it), then the library's role rules.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiPath};
use super::problem::Problem;
use super::requests::{actor, request_body};
use super::{App, Caller};
use crate::accounts::Access;
use crate::expediente::admin::{AdminRecord, AreaName};
use crate::expediente::notes::{Note, NoteText};
use crate::service::Expediente;

/// A change of who has the request or which área holds its data; only the fields given
/// change (`null` clears one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    /// The user name of the Unidad de Transparencia's staff member in charge; `null`:
    /// nobody (whoever filed it is in charge again).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "ana.lopez")]
    pub assignee: Option<Option<String>>,
    /// The área administrativa that holds the data; `null`: none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "Dirección de Recursos Humanos")]
    pub area: Option<Option<String>>,
}

/// An área that did not cooperate with the Unidad de Transparencia (art. 88.1.IX).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NonCooperationInput {
    #[schema(example = "Dirección de Recursos Humanos")]
    pub area: String,
}

/// An internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// 1 to 10,000 characters. Internal: never in an acuse, an export for the titular or a
    /// log line.
    pub text: String,
    /// The id of an earlier note of this request that this one corrects.
    pub corrects: Option<i64>,
}

/// A field given (`Some`), possibly `null` (`Some(None)`); absent is `None` (by default).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn area(s: &str) -> Result<AreaName, Problem> {
    AreaName::parse(s).map_err(|m| Problem::invalid(Some("area"), m))
}

/// The expediente beyond the acts: assignment, its record, and the internal notes (for
/// the roles that read them).
#[utoipa::path(get, path = "/v1/requests/{folio}/expediente", tag = "expediente",
    params(("folio" = String, Path, description = "Folio de la solicitud")),
    responses((status = 200, description = "Asignación, registro administrativo y notas internas", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn show(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
) -> Result<axum::Json<Expediente>, Problem> {
    request_body(&app, &who, &folio, Access::Read).await?;
    Ok(axum::Json(
        app.registry.expediente(&folio, &actor(&who)).await?,
    ))
}

/// Puts a staff member in charge and/or records the área that holds the data. An
/// administrative record, not a procedural act: no deadline changes.
#[utoipa::path(put, path = "/v1/requests/{folio}/assignment", tag = "expediente",
    params(("folio" = String, Path, description = "Folio de la solicitud")),
    request_body = AssignmentInput,
    responses((status = 200, description = "Los cambios registrados", body = [Object]),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn assign(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<AssignmentInput>,
) -> Result<axum::Json<Vec<AdminRecord>>, Problem> {
    let body = request_body(&app, &who, &folio, Access::Read).await?;
    let (by, now) = (actor(&who), Utc::now());
    if input.assignee.is_none() && input.area.is_none() {
        return Err(Problem::invalid(
            Some("assignee"),
            "indique «assignee», «area» o ambos",
        ));
    }
    let area = match &input.area {
        None => None,
        Some(None) => Some(None),
        Some(Some(a)) => Some(Some(area(a)?)),
    };
    let mut out = Vec::new();
    if let Some(assignee) = &input.assignee {
        out.push(
            app.registry
                .assign(&folio, &body, assignee.as_deref(), &by, now)
                .await?,
        );
    }
    if let Some(a) = area {
        out.push(app.registry.set_area(&folio, a, &by, now).await?);
    }
    Ok(axum::Json(out))
}

/// Records that an área did not cooperate, for the Comité (art. 88.1.IX).
#[utoipa::path(post, path = "/v1/requests/{folio}/non-cooperation", tag = "expediente",
    params(("folio" = String, Path, description = "Folio de la solicitud")),
    request_body = NonCooperationInput,
    responses((status = 201, description = "Registrado", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn non_cooperation(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<NonCooperationInput>,
) -> Result<(StatusCode, axum::Json<AdminRecord>), Problem> {
    request_body(&app, &who, &folio, Access::Read).await?;
    let r = app
        .registry
        .record_non_cooperation(&folio, area(&input.area)?, &actor(&who), Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(r)))
}

/// Adds an internal note (append-only: a note is corrected by another).
#[utoipa::path(post, path = "/v1/requests/{folio}/notes", tag = "expediente",
    params(("folio" = String, Path, description = "Folio de la solicitud")),
    request_body = NoteInput,
    responses((status = 201, description = "La nota", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn add_note(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, axum::Json<Note>), Problem> {
    request_body(&app, &who, &folio, Access::Read).await?;
    let text = NoteText::parse(&input.text).map_err(|m| Problem::invalid(Some("text"), m))?;
    let n = app
        .registry
        .add_note(&folio, &text, input.corrects, &actor(&who), Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(n)))
}
