//! The documents of a request's expediente (art. 58.2) as a page of its own: the list the
//! caller may see, an upload form (multipart, works without JavaScript) and downloads. The
//! scope, the identity guard and every check of a content are the registry's
//! ([`crate::service::documents`]); nothing here restates them.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use super::{Chrome, Staff, WebError, moment_text, no_store, render, urlencode};
use crate::accounts::Access;
use crate::expediente::documents::{ContentError, DocumentKind, may_attach};
use crate::http::App;
use crate::http::requests::request_body;
use crate::service::documents::{DocumentError, Upload};

/// A document as the page lists it.
pub struct DocRow {
    pub id: i64,
    pub act: Option<i64>,
    pub kind: String,
    pub sensitive: bool,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
    pub uploaded: String,
    pub uploaded_by: String,
    pub purged: Option<String>,
}

#[derive(Template)]
#[template(path = "web/documents.html")]
struct DocumentsPage {
    chrome: Chrome,
    folio: String,
    docs: Vec<DocRow>,
    may_attach: bool,
    kinds: Vec<(&'static str, &'static str)>,
    max_bytes: u64,
    error: Option<String>,
    added: Option<i64>,
}

#[derive(serde::Deserialize)]
pub struct Added {
    agregado: Option<i64>,
}

async fn page(
    app: &App,
    staff: &Staff,
    folio: &str,
    error: Option<String>,
    added: Option<i64>,
) -> Result<DocumentsPage, WebError> {
    request_body(app, &staff.who, folio, Access::Read).await?;
    let docs = app
        .registry
        .list_documents(&staff.who, folio)
        .await
        .map_err(crate::http::Problem::from)?;
    let role = staff.who.role();
    let acts = request_body(app, &staff.who, folio, Access::Act)
        .await
        .is_ok();
    let kinds: Vec<_> = DocumentKind::ALL
        .into_iter()
        .filter(|k| acts && may_attach(role, *k))
        .map(|k| (k.as_str(), k.label_es()))
        .collect();
    Ok(DocumentsPage {
        chrome: staff.chrome("solicitudes"),
        folio: folio.to_string(),
        docs: docs
            .into_iter()
            .map(|d| DocRow {
                id: d.id,
                act: d.act_seq,
                kind: d.kind.label_es().to_string(),
                sensitive: d.kind.is_sensitive(),
                filename: d.filename,
                media_type: d.media_type,
                size: d.size,
                uploaded: moment_text(d.uploaded_at),
                uploaded_by: d.uploaded_by,
                purged: d.purged_at.map(moment_text),
            })
            .collect(),
        may_attach: !kinds.is_empty(),
        kinds,
        max_bytes: app.config.documents_max_bytes,
        error,
        added,
    })
}

/// `GET /solicitudes/{folio}/documentos`.
pub async fn list(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Added>,
) -> Result<Response, WebError> {
    render(&page(&app, &staff, &folio, None, q.agregado).await?)
}

/// The fields of the upload form.
#[derive(Default)]
struct Form {
    csrf: Option<String>,
    kind: Option<String>,
    act: Option<String>,
    filename: String,
    content: Vec<u8>,
}

/// Reads the form; a file larger than `max` stops the reading (`Err` with the message).
async fn read_form(mut m: Multipart, max: u64) -> Result<Form, String> {
    let unreadable = |_| "no se pudo leer el formulario enviado".to_string();
    let mut f = Form::default();
    while let Some(mut field) = m.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                f.filename = field.file_name().unwrap_or("documento").to_string();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    f.content.extend_from_slice(&chunk);
                    if f.content.len() as u64 > max {
                        return Err(ContentError::TooLarge {
                            size: f.content.len() as u64,
                            max,
                        }
                        .to_string());
                    }
                }
            }
            name => {
                let name = name.to_string();
                let text = field.text().await.map_err(unreadable)?;
                match name.as_str() {
                    "csrf" => f.csrf = Some(text),
                    "kind" => f.kind = Some(text),
                    "act" => f.act = Some(text),
                    _ => return Err(format!("el formulario trae un campo desconocido «{name}»")),
                }
            }
        }
    }
    Ok(f)
}

/// `POST /solicitudes/{folio}/documentos` (multipart): attaches the document, then back
/// to the list.
pub async fn upload(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let settings = app.config.documents();
    let again = |e: String| async {
        let p = page(&app, &staff, &folio, Some(e), None).await?;
        let res = render(&p)?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, res).into_response())
    };
    let form = match read_form(multipart, settings.max_bytes).await {
        Ok(f) => f,
        Err(e) => return again(e).await,
    };
    staff.check_csrf(form.csrf.as_deref())?;
    let Some(kind) = form.kind.as_deref().and_then(DocumentKind::parse) else {
        return again("elija el tipo de documento".into()).await;
    };
    let act_seq = match form.act.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => return again(format!("«{s}» no es un número de acto")).await,
        },
    };
    let done = app
        .registry
        .attach_document(
            &settings,
            &staff.who,
            Upload {
                folio: &folio,
                kind,
                filename: &form.filename,
                act_seq,
                content: &form.content,
            },
            Utc::now(),
        )
        .await;
    match done {
        Ok(meta) => Ok(no_store(
            Redirect::to(&format!(
                "/solicitudes/{}/documentos?agregado={}",
                urlencode(&folio),
                meta.id
            ))
            .into_response(),
        )),
        Err(e @ (DocumentError::Content(_) | DocumentError::Invalid { .. })) => {
            again(e.to_string()).await
        }
        Err(e) => Err(crate::http::Problem::from(e).into()),
    }
}

/// `GET /solicitudes/{folio}/documentos/{id}`: the download, scope checked again.
pub async fn download(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((folio, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    request_body(&app, &staff.who, &folio, Access::Read).await?;
    let (meta, content) = app
        .registry
        .fetch_document(&app.config.documents(), &staff.who, &folio, id)
        .await
        .map_err(crate::http::Problem::from)?;
    Ok(crate::http::documents::attachment(&meta, content))
}
