//! Errors as RFC 9457 problem documents (`application/problem+json`), with a Spanish
//! `detail` for the person at the other end and, for bad input, the `field` at fault.
//! Server-side failures are logged (without personal data) and answered with a generic
//! detail: no stack traces, no SQL, no request text leaves the server.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::appeal::AppealError;
use crate::breach::BreachError;
use crate::request::RequestError;
use crate::service::ServiceError;
use crate::storage::StoreError;

/// A problem document (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:arco:problema:<clave>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, fixed summary of the kind of problem.
    pub title: String,
    pub status: u16,
    /// What went wrong, in Spanish.
    pub detail: String,
    /// The input field at fault, when there is one (`act.outcome`, `limit`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For 429 and 503: seconds to wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
    /// For an act refused in the case's state (`acto-improcedente`): that state and the
    /// act. Boxed: it is rare, and a problem is the error of every handler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<Box<Refused>>,
}

/// The state a case was in and the act refused in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Refused {
    /// `detected`, `admitted`...
    pub state: String,
    /// `breach_closed`, `admitted`...
    pub act: String,
}

impl Problem {
    pub fn new(status: StatusCode, key: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:arco:problema:{key}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            retry_after: None,
            refused: None,
        }
    }

    /// 422: input that is well formed but wrong.
    pub fn invalid(field: Option<&str>, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "dato-invalido",
            "Dato inválido",
            detail,
        );
        p.field = field.map(str::to_string);
        p
    }

    /// 400: input that cannot be read at all.
    pub fn malformed(field: Option<&str>, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "solicitud-mal-formada",
            "Solicitud mal formada",
            detail,
        );
        p.field = field.map(str::to_string);
        p
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "no-autenticado",
            "Se requiere autenticación",
            detail,
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "sin-permiso", "Sin permiso", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "no-encontrado",
            "No encontrado",
            detail,
        )
    }

    pub fn too_many(wait_secs: u64) -> Self {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "demasiados-intentos",
            "Demasiados intentos",
            format!(
                "demasiados intentos fallidos de inicio de sesión; espere {wait_secs} segundos"
            ),
        );
        p.retry_after = Some(u32::try_from(wait_secs).unwrap_or(u32::MAX));
        p
    }

    /// 503: every password check is busy.
    pub fn busy(wait_secs: u64) -> Self {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ocupado",
            "Servicio ocupado",
            format!(
                "el servidor está verificando demasiadas contraseñas a la vez; intente de nuevo en {wait_secs} segundos"
            ),
        );
        p.retry_after = Some(u32::try_from(wait_secs).unwrap_or(u32::MAX));
        p
    }

    /// 415: a body that is not JSON by its declared type.
    pub fn unsupported_media(found: Option<&str>) -> Self {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "tipo-no-admitido",
            "Tipo de contenido no admitido",
            match found {
                Some(t) => format!(
                    "el cuerpo debe enviarse como application/json, no como «{t}» (encabezado Content-Type)"
                ),
                None => "falta el encabezado Content-Type: application/json".to_string(),
            },
        )
    }

    /// 408: the body did not arrive in time.
    pub fn body_timeout() -> Self {
        Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "tiempo-agotado",
            "Tiempo agotado",
            "el cuerpo de la solicitud no llegó completo a tiempo",
        )
    }

    /// 500, with a generic detail; the cause is logged, not sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "error interno");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-interno",
            "Error interno",
            "ocurrió un error interno; quedó registrado para su revisión",
        )
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = retry
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

fn refused_request(e: &RequestError) -> (StatusCode, &'static str, &'static str) {
    match e {
        RequestError::Forbidden { .. } => (StatusCode::FORBIDDEN, "sin-permiso", "Sin permiso"),
        RequestError::Term(_)
        | RequestError::InFuture { .. }
        | RequestError::InstrumentMissing
        | RequestError::InstrumentWithoutRepresentative
        | RequestError::ExtensionDays { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "dato-invalido",
            "Dato inválido",
        ),
        _ => (
            StatusCode::CONFLICT,
            "acto-improcedente",
            "Acto improcedente",
        ),
    }
}

fn refused_appeal(e: &AppealError) -> (StatusCode, &'static str, &'static str) {
    match e {
        AppealError::Forbidden { .. } => (StatusCode::FORBIDDEN, "sin-permiso", "Sin permiso"),
        AppealError::BadValue(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "dato-invalido",
            "Dato inválido",
        ),
        _ => (
            StatusCode::CONFLICT,
            "acto-improcedente",
            "Acto improcedente",
        ),
    }
}

fn refused_breach(e: &BreachError) -> (StatusCode, &'static str, &'static str) {
    match e {
        BreachError::Forbidden { .. } => (StatusCode::FORBIDDEN, "sin-permiso", "Sin permiso"),
        BreachError::BadValue(_) | BreachError::Term(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "dato-invalido",
            "Dato inválido",
        ),
        _ => (
            StatusCode::CONFLICT,
            "acto-improcedente",
            "Acto improcedente",
        ),
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Conflict { .. } => Problem::new(
                StatusCode::CONFLICT,
                "conflicto-de-version",
                "Conflicto de versión",
                e.to_string(),
            ),
            StoreError::NotFound(_) => Problem::not_found(e.to_string()),
            StoreError::DuplicateFolio(_) | StoreError::Exists(_) => Problem::new(
                StatusCode::CONFLICT,
                "ya-existe",
                "Ya existe",
                e.to_string(),
            ),
            StoreError::Open { .. } | StoreError::Database(_) | StoreError::Corrupt { .. } => {
                Problem::internal(&e)
            }
        }
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        let e = match e {
            ServiceError::Store(s) => return s.into(),
            other => other,
        };
        let (status, key, title) = match &e {
            ServiceError::Store(_) => return Problem::internal(&e),
            ServiceError::Refused { error, .. } => refused_request(error),
            ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, "sin-permiso", "Sin permiso"),
            ServiceError::AppealRefused { error, .. } => refused_appeal(error),
            ServiceError::BreachRefused { error, .. } => refused_breach(error),
            ServiceError::Term(_)
            | ServiceError::Rulebook(_)
            | ServiceError::BadInput(_)
            | ServiceError::InFuture { .. }
            | ServiceError::Replay(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "dato-invalido",
                "Dato inválido",
            ),
            ServiceError::Calendar(_)
            | ServiceError::Template(_)
            | ServiceError::Unreadable { .. } => return Problem::internal(&e),
        };
        let mut p = Problem::new(status, key, title, e.to_string());
        if matches!(e, ServiceError::InFuture { .. }) {
            // The act's date is the field at fault (`at` in the API and in the forms).
            p.field = Some("at".into());
        }
        if let ServiceError::Refused {
            error: RequestError::InstrumentMissing | RequestError::InstrumentWithoutRepresentative,
            ..
        } = &e
        {
            p.field = Some("instrument".into());
        }
        // The state and the act of a refused transition, for a program to tell them apart
        // without reading the detail.
        let transition = match &e {
            ServiceError::Refused {
                error: RequestError::InvalidTransition { state, act },
                ..
            } => Some((state.as_str(), act.as_str())),
            ServiceError::AppealRefused {
                error: AppealError::InvalidTransition { state, act },
                ..
            } => Some((state.as_str(), act.as_str())),
            ServiceError::BreachRefused {
                error: BreachError::InvalidTransition { state, act },
                ..
            } => Some((state.as_str(), act.as_str())),
            _ => None,
        };
        if let Some((state, act)) = transition {
            p.refused = Some(Box::new(Refused {
                state: state.to_string(),
                act: act.to_string(),
            }));
        }
        p
    }
}
