//! Extractors that answer bad input with a problem document naming the field, instead of
//! axum's plain-text rejections.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// JSON body, deserialized with the path of the field at fault in the error.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) => {
                let status = e.status();
                return Err(if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    Problem::new(
                        status,
                        "demasiado-grande",
                        "Cuerpo demasiado grande",
                        "el cuerpo de la solicitud excede el tamaño permitido",
                    )
                } else {
                    Problem::malformed(None, "no se pudo leer el cuerpo de la solicitud")
                });
            }
        };
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = (path != ".").then_some(path);
        if inner.is_syntax() || inner.is_eof() {
            Problem::malformed(
                None,
                format!(
                    "el cuerpo no es JSON válido (línea {}, columna {})",
                    inner.line(),
                    inner.column()
                ),
            )
        } else {
            let what = field
                .as_deref()
                .map(|f| format!("campo «{f}»: "))
                .unwrap_or_default();
            Problem::invalid(
                field.as_deref(),
                format!("{what}{}", spanish_serde(&inner.to_string())),
            )
        }
    })
}

/// serde's messages, in Spanish where they are common.
pub fn spanish_serde(m: &str) -> String {
    let m = m.split(" at line ").next().unwrap_or(m);
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("falta el campo {rest}");
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        return format!("campo desconocido {rest}");
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        return format!("valor desconocido {rest}")
            .replace("expected one of", "se esperaba uno de")
            .replace("expected", "se esperaba");
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        return format!("tipo inválido: {rest}").replace("expected", "se esperaba");
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        return format!("valor inválido: {rest}").replace("expected", "se esperaba");
    }
    m.to_string()
}

/// Query string, deserialized with the parameter at fault in the error.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let q = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = (path != ".").then_some(path);
                let what = field
                    .as_deref()
                    .map(|f| format!("parámetro «{f}»: "))
                    .unwrap_or_default();
                Problem::invalid(
                    field.as_deref(),
                    format!("{what}{}", spanish_serde(&e.into_inner().to_string())),
                )
            })
    }
}
