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
        // Only a body declared as JSON: a cross-site `<form enctype="text/plain">` cannot
        // send one without a CORS preflight.
        let ctype = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if !ctype.as_deref().is_some_and(is_json) {
            return Err(Problem::unsupported_media(ctype.as_deref()));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) => {
                let status = e.status();
                if timed_out(&e) {
                    return Err(Problem::body_timeout());
                }
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
        if json_has_nul(&bytes) {
            return Err(Problem::invalid(
                None,
                "el cuerpo contiene un carácter nulo (\\u0000), que ningún campo admite",
            ));
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Whether a `Content-Type` is JSON: `application/json`, with parameters or not.
fn is_json(ctype: &str) -> bool {
    ctype
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether reading a body failed because it did not arrive in time.
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Whether a JSON text has a NUL character in a string (escaped as `\u0000`; a raw NUL is
/// not JSON at all). PostgreSQL's text refuses NUL, so it is refused before it gets there.
pub fn json_has_nul(bytes: &[u8]) -> bool {
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (false, b'"') => in_string = true,
            (true, b'"') => in_string = false,
            (true, b'\\') => {
                if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2..i + 6) == Some(b"0000") {
                    return true;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    false
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

/// A path parameter, with a problem document (404: nothing is named so) when it cannot be
/// read, e.g. a percent-encoding that is not UTF-8, instead of axum's plain-text 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        use axum::extract::path::{ErrorKind, Path};
        use axum::extract::rejection::PathRejection;
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                Err(Problem::not_found(match e.kind() {
                    ErrorKind::InvalidUtf8InPathParam { key } => {
                        format!("no existe: el parámetro «{key}» de la ruta no es UTF-8 válido")
                    }
                    _ => "no existe: la ruta no se pudo leer".to_string(),
                }))
            }
            Err(e) => Err(Problem::internal(&e)),
        }
    }
}

/// Query string, deserialized with the parameter at fault in the error.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let q = parts.uri.query().unwrap_or_default();
        if let Some((k, _)) =
            form_urlencoded::parse(q.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            let k = k.replace('\0', "");
            return Err(Problem::invalid(
                Some(&k),
                format!("parámetro «{k}»: contiene un carácter nulo (%00)"),
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_only_inside_strings() {
        assert!(json_has_nul(br#"{"a": "x\u0000y"}"#));
        assert!(json_has_nul(br#"{"a\u0000": 1}"#));
        assert!(!json_has_nul(br#"{"a": "x\\u0000y"}"#));
        assert!(!json_has_nul(br#"{"a": "\"u0000"}"#));
        assert!(!json_has_nul(br#"{"a": "u0000"}"#));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("Application/JSON"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/jsonx"));
    }
}
