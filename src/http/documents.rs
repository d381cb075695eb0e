//! Documents of the expediente (art. 58.2): upload, list and download for requests and
//! appeals, and the purge of identity documents past their retention. Every download
//! checks the caller's scope and the identity guard again ([`crate::service::documents`]).
//!
//! An upload is the raw content as the body (`Content-Type: application/octet-stream`,
//! deliberately outside the JSON-only rule of [`super::extract::ApiJson`]), with the kind,
//! file name and act in the query. The declared type is never trusted: the content's type
//! is sniffed from its bytes. The body limit is `documents_max_bytes`, not
//! `max_body_bytes`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiPath, ApiQuery};
use super::problem::Problem;
use super::{App, Caller};
use crate::case::Role;
use crate::expediente::documents::{ContentError, DocumentKind, DocumentMeta};
use crate::service::documents::{DocumentError, PurgeReport, Upload};
use crate::service::{APPEAL_KIND, REQUEST_KIND};
use crate::storage::Directory;

/// The routes, each with its own body limit.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/v1/requests/{folio}/documents",
            post(upload_request)
                .layer(DefaultBodyLimit::disable())
                .get(list_request),
        )
        .route("/v1/requests/{folio}/documents/{id}", get(download_request))
        .route(
            "/v1/appeals/{folio}/documents",
            post(upload_appeal)
                .layer(DefaultBodyLimit::disable())
                .get(list_appeal),
        )
        .route("/v1/appeals/{folio}/documents/{id}", get(download_appeal))
        .route("/v1/admin/documents/purge", post(purge))
}

impl From<DocumentError> for Problem {
    fn from(e: DocumentError) -> Self {
        match e {
            DocumentError::NotFound(m) => Problem::not_found(m),
            DocumentError::Forbidden(m) => Problem::forbidden(m),
            DocumentError::Invalid { field, message } => Problem::invalid(Some(field), message),
            DocumentError::Content(c @ ContentError::TooLarge { .. }) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "demasiado-grande",
                "Documento demasiado grande",
                c.to_string(),
            ),
            DocumentError::Content(c) => Problem::invalid(Some("content"), c.to_string()),
            e @ DocumentError::Purged { .. } => Problem::new(
                StatusCode::GONE,
                "documento-depurado",
                "Documento depurado",
                e.to_string(),
            ),
            DocumentError::Store(s) => s.into(),
        }
    }
}

/// A document as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentLine {
    pub id: i64,
    pub folio: String,
    /// The act of the log it belongs to.
    pub act: Option<i64>,
    /// request_as_received, identity, representation, resolution, notification, other.
    pub kind: String,
    /// Identity and representation documents: only the Unidad de Transparencia sees them.
    pub sensitive: bool,
    pub filename: String,
    /// Sniffed from the content.
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// Set once its content was purged (the record stays).
    pub purged_at: Option<DateTime<Utc>>,
    pub purged_by: Option<String>,
}

impl From<DocumentMeta> for DocumentLine {
    fn from(d: DocumentMeta) -> Self {
        DocumentLine {
            id: d.id,
            folio: d.folio,
            act: d.act_seq,
            kind: d.kind.as_str().into(),
            sensitive: d.kind.is_sensitive(),
            filename: d.filename,
            media_type: d.media_type,
            size: d.size,
            sha256: d.sha256,
            uploaded_by: d.uploaded_by,
            uploaded_at: d.uploaded_at,
            purged_at: d.purged_at,
            purged_by: d.purged_by,
        }
    }
}

/// The documents of a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentLine>,
}

/// What an upload says about the document (the content is the body).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// request_as_received, identity, representation, resolution, notification or other.
    pub kind: String,
    /// The original file name (kept for staff; never logged).
    pub filename: Option<String>,
    /// The number of the act of the case's log it belongs to.
    pub act: Option<i64>,
}

/// 404 unless `folio` is a case of `kind` (a request's documents are not reached through
/// `/v1/appeals/`, nor the other way round). The scope itself is the registry's.
async fn of_kind(app: &App, folio: &str, kind: &str) -> Result<(), Problem> {
    match app.registry.store().case_scope(folio).await? {
        Some(s) if s.kind == kind => Ok(()),
        _ => Err(Problem::not_found(format!(
            "no existe el expediente «{folio}»"
        ))),
    }
}

async fn upload(
    app: &App,
    who: &crate::accounts::Principal,
    folio: &str,
    kind: &str,
    q: UploadQuery,
    req: Request,
) -> Result<(StatusCode, axum::Json<DocumentLine>), Problem> {
    of_kind(app, folio, kind).await?;
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let octets = ctype.as_deref().is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/octet-stream"))
    });
    if !octets {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "tipo-no-admitido",
            "Tipo de contenido no admitido",
            "el documento se envía tal cual como cuerpo, con Content-Type: application/octet-stream (su tipo se reconoce por su contenido)",
        ));
    }
    let doc_kind = DocumentKind::parse(&q.kind).ok_or_else(|| {
        Problem::invalid(
            Some("kind"),
            format!(
                "parámetro «kind»: «{}» no es un tipo de documento; use request_as_received, identity, representation, resolution, notification u other",
                q.kind
            ),
        )
    })?;
    let settings = app.config.documents();
    let max = settings.max_bytes;
    // One byte more than the limit is read, so that a larger body is told apart.
    let limit = usize::try_from(max).unwrap_or(usize::MAX).saturating_add(1);
    let bytes = match axum::body::to_bytes(req.into_body(), limit).await {
        Ok(b) => b,
        Err(e) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            return Err(if too_large {
                Problem::from(DocumentError::Content(ContentError::TooLarge {
                    size: max + 1,
                    max,
                }))
            } else {
                Problem::malformed(
                    None,
                    "no se pudo leer el documento (¿se interrumpió el envío o se agotó el tiempo?)",
                )
            });
        }
    };
    let meta = app
        .registry
        .attach_document(
            &settings,
            who,
            Upload {
                folio,
                kind: doc_kind,
                filename: q.filename.as_deref().unwrap_or("documento"),
                act_seq: q.act,
                content: &bytes,
            },
            Utc::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(meta.into())))
}

async fn list(
    app: &App,
    who: &crate::accounts::Principal,
    folio: &str,
    kind: &str,
) -> Result<axum::Json<DocumentList>, Problem> {
    of_kind(app, folio, kind).await?;
    let items = app.registry.list_documents(who, folio).await?;
    Ok(axum::Json(DocumentList {
        items: items.into_iter().map(DocumentLine::from).collect(),
    }))
}

/// The content as an attachment that no browser renders in place: its sniffed type,
/// `Content-Disposition: attachment`, `nosniff` and a sandboxing CSP.
pub(crate) fn attachment(meta: &DocumentMeta, content: Vec<u8>) -> Response {
    let mut res = (StatusCode::OK, Body::from(content)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&meta.media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let ascii: String = meta
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = meta
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

async fn download(
    app: &App,
    who: &crate::accounts::Principal,
    folio: &str,
    id: i64,
    kind: &str,
) -> Result<Response, Problem> {
    of_kind(app, folio, kind).await?;
    let (meta, content) = app
        .registry
        .fetch_document(&app.config.documents(), who, folio, id)
        .await?;
    Ok(attachment(&meta, content))
}

#[utoipa::path(post, path = "/v1/requests/{folio}/documents", tag = "documentos",
    params(("folio" = String, Path, description = "Folio de la solicitud"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "El documento tal cual; su tipo se reconoce por su contenido (PDF, PNG, JPEG, TIFF, texto UTF-8, ODT, DOCX)"),
    responses(
        (status = 201, description = "Documento agregado al expediente", body = DocumentLine),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn upload_request(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    req: Request,
) -> Result<(StatusCode, axum::Json<DocumentLine>), Problem> {
    upload(&app, &who, &folio, REQUEST_KIND, q, req).await
}

#[utoipa::path(post, path = "/v1/appeals/{folio}/documents", tag = "documentos",
    params(("folio" = String, Path, description = "Folio del recurso"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "El documento tal cual"),
    responses(
        (status = 201, description = "Documento agregado al expediente", body = DocumentLine),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn upload_appeal(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    req: Request,
) -> Result<(StatusCode, axum::Json<DocumentLine>), Problem> {
    upload(&app, &who, &folio, APPEAL_KIND, q, req).await
}

#[utoipa::path(get, path = "/v1/requests/{folio}/documents", tag = "documentos",
    params(("folio" = String, Path, description = "Folio de la solicitud")),
    responses((status = 200, description = "Documentos que el solicitante puede ver (los de identidad, solo la Unidad de Transparencia)", body = DocumentList),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn list_request(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
) -> Result<axum::Json<DocumentList>, Problem> {
    list(&app, &who, &folio, REQUEST_KIND).await
}

#[utoipa::path(get, path = "/v1/appeals/{folio}/documents", tag = "documentos",
    params(("folio" = String, Path, description = "Folio del recurso")),
    responses((status = 200, description = "Documentos del recurso", body = DocumentList),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn list_appeal(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath(folio): ApiPath<String>,
) -> Result<axum::Json<DocumentList>, Problem> {
    list(&app, &who, &folio, APPEAL_KIND).await
}

#[utoipa::path(get, path = "/v1/requests/{folio}/documents/{id}", tag = "documentos",
    params(("folio" = String, Path, description = "Folio de la solicitud"), ("id" = i64, Path, description = "Id del documento")),
    responses((status = 200, description = "El contenido, como adjunto (Content-Disposition: attachment)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Contenido depurado al vencer su conservación", body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn download_request(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath((folio, id)): ApiPath<(String, i64)>,
) -> Result<Response, Problem> {
    download(&app, &who, &folio, id, REQUEST_KIND).await
}

#[utoipa::path(get, path = "/v1/appeals/{folio}/documents/{id}", tag = "documentos",
    params(("folio" = String, Path, description = "Folio del recurso"), ("id" = i64, Path, description = "Id del documento")),
    responses((status = 200, description = "El contenido, como adjunto", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 410, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn download_appeal(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiPath((folio, id)): ApiPath<(String, i64)>,
) -> Result<Response, Problem> {
    download(&app, &who, &folio, id, APPEAL_KIND).await
}

/// What a purge did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PurgeAnswer {
    /// Ids of the documents whose content was deleted.
    pub purged: Vec<i64>,
    /// Sensitive documents kept (case open, or closed for less than the period).
    pub kept: usize,
}

#[utoipa::path(post, path = "/v1/admin/documents/purge", tag = "documentos",
    responses((status = 200, description = "Documentos de identidad depurados: los de solicitudes cerradas hace al menos identity_retention_days días", body = PurgeAnswer),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn purge(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
) -> Result<axum::Json<PurgeAnswer>, Problem> {
    if who.role() != Role::Admin {
        return Err(Problem::forbidden(format!(
            "{} no depura documentos; lo hace la administración (o `arco document purge`)",
            who.role().label_es()
        )));
    }
    let now = Utc::now();
    let PurgeReport { purged, kept } = app
        .registry
        .purge_documents(
            &app.config.documents(),
            &who.account.username,
            app.today(now),
            now,
        )
        .await?;
    Ok(axum::Json(PurgeAnswer {
        purged: purged.into_iter().map(|(id, _)| id).collect(),
        kept,
    }))
}
