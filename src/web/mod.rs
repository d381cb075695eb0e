//! The staff web interface (`arco serve`, same process and registry as the JSON API):
//! server-rendered pages for the Unidad de Transparencia, the Comité de Transparencia, the
//! guarantor's staff and auditors.
//!
//! Handlers only translate, as in [`crate::http`]: they authenticate the cookie session,
//! check the caller's scope with the API's own checks, call the [`crate::service::Registry`]
//! and render an askama template from `templates/web/`. No legal rule lives here: which acts
//! may be recorded now, every due date, status, explanation and refusal comes from the
//! library. Every form works without JavaScript; `assets/web/arco.js` only warns before
//! the session expires.

mod acts;
mod assets;
mod breaches;
mod calendar;
mod cases;
mod documents;
mod expediente;
mod fields;
mod reports;
mod session;
mod social;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use sha2::{Digest, Sha256};

use crate::accounts::{Principal, TokenKind};
use crate::case::Role;
use crate::http::{App, Problem};

/// The cookie that carries the session token (HttpOnly).
pub const SESSION_COOKIE: &str = "arco_sesion";
/// The cookie with the session's expiry (readable by the page's script, for the warning).
pub const EXPIRY_COOKIE: &str = "arco_vence";
/// The cookie of the sign-in form's CSRF token (double submit, before there is a session).
pub const LOGIN_COOKIE: &str = "arco_previo";

/// The pages' routes, merged into the API's router by [`crate::http::router`].
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(cases::home))
        .route("/entrar", get(session::form).post(session::sign_in))
        .route("/salir", post(session::sign_out))
        .route("/solicitudes", get(cases::requests))
        .route(
            "/solicitudes/nueva",
            get(cases::new_request).post(cases::file_request),
        )
        .route("/solicitudes/{folio}", get(cases::request_page))
        .route("/solicitudes/{folio}/acuse", get(cases::acuse))
        .route("/solicitudes/{folio}/asignacion", post(expediente::assign))
        .route(
            "/solicitudes/{folio}/no-colaboracion",
            post(expediente::non_cooperation),
        )
        .route("/solicitudes/{folio}/notas", post(expediente::add_note))
        .route(
            "/solicitudes/{folio}/documentos",
            get(documents::list)
                .post(documents::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/solicitudes/{folio}/documentos/{id}",
            get(documents::download),
        )
        .route(
            "/solicitudes/{folio}/actos/{act}",
            get(acts::request_form).post(acts::request_post),
        )
        .route("/recursos", get(cases::appeals))
        .route(
            "/recursos/nuevo",
            get(cases::new_appeal).post(cases::file_appeal),
        )
        .route("/recursos/{folio}", get(cases::appeal_page))
        .route(
            "/recursos/{folio}/actos/{act}",
            get(acts::appeal_form).post(acts::appeal_post),
        )
        .route("/vulneraciones", get(breaches::list))
        .route("/vulneraciones/bitacora.csv", get(breaches::bitacora_csv))
        .route(
            "/vulneraciones/nueva",
            get(breaches::new_form).post(breaches::detect),
        )
        .route("/vulneraciones/{folio}", get(breaches::page))
        .route("/vulneraciones/{folio}/actos/{act}", post(breaches::act))
        .route("/solicitudes/{folio}/publicacion", post(social::point))
        .route(
            "/solicitudes/{folio}/publicacion/accion",
            post(social::post_action),
        )
        .route(
            "/solicitudes/{folio}/publicacion/suprimir",
            post(social::forget),
        )
        .route("/redes-sociales", get(social::list))
        .route("/redes-sociales/directorio", get(social::directory))
        .route(
            "/redes-sociales/directorio.csv",
            get(social::directory_csv_file),
        )
        .route(
            "/redes-sociales/nueva",
            get(social::new_form).post(social::register),
        )
        .route("/redes-sociales/{id}", get(social::page))
        .route(
            "/redes-sociales/{id}/cambios/{change}",
            post(social::change),
        )
        .route(
            "/redes-sociales/{id}/comprometida",
            post(social::compromised),
        )
        .route(
            "/redes-sociales/{id}/gestores/{gestor}/suprimir",
            post(social::erase_gestor),
        )
        .route("/calendario", get(calendar::page))
        .route("/calendario/suscripcion", post(calendar::subscribe))
        .route("/informes", get(reports::page))
        .route("/informes/casos", get(reports::cases))
        .route("/informes/solicitudes.csv", get(reports::tables_csv))
        .route("/informes/recursos.csv", get(reports::appeals_csv))
        .route("/informes/registro.csv", get(reports::register_csv))
        .route("/estaticos/arco.css", get(assets::css))
        .route("/estaticos/arco.js", get(assets::js))
}

/// The signed-in staff member of a page: the session cookie's principal, and the token's
/// secret (from which the CSRF token is derived).
pub struct Staff {
    pub who: Principal,
    secret: String,
    expires: Option<DateTime<Utc>>,
}

/// Where an unauthenticated page request goes: the sign-in page, back here afterwards.
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        let target = format!("/entrar?siguiente={}", urlencode(&self.0));
        no_store(Redirect::to(&target).into_response())
    }
}

impl FromRequestParts<Arc<App>> for Staff {
    type Rejection = SignInFirst;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, SignInFirst> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let back = || {
            SignInFirst(if parts.method == axum::http::Method::GET {
                here.clone()
            } else {
                "/".into()
            })
        };
        let secret = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(back)?;
        let who = crate::http::principal(app, &secret)
            .await
            .map_err(|_| back())?;
        if who.token != TokenKind::Session {
            return Err(back());
        }
        let expires = cookie(&parts.headers, EXPIRY_COOKIE)
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|d| d.with_timezone(&Utc));
        Ok(Staff {
            who,
            secret,
            expires,
        })
    }
}

impl Staff {
    /// The CSRF token of this session: derived from the session secret (which only the
    /// HttpOnly cookie carries), so a page of another site cannot know it.
    pub fn csrf(&self) -> String {
        csrf_of(&self.secret)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), WebError> {
        match sent {
            Some(s) if constant_eq(s.as_bytes(), self.csrf().as_bytes()) => Ok(()),
            _ => Err(WebError::csrf()),
        }
    }

    fn sees_breaches(&self) -> bool {
        let who = &self.who;
        // An administrator reads every body's breaches; the others, their own body's or
        // (the guarantor) those notified by the bodies it supervises.
        who.may_breach("", true, crate::accounts::Access::Read)
            || who
                .body()
                .into_iter()
                .chain(who.guarded.iter().map(String::as_str))
                .any(|b| who.may_breach(b, true, crate::accounts::Access::Read))
    }

    /// What every page shows around its content.
    pub fn chrome(&self, section: &'static str) -> Chrome {
        let a = &self.who.account;
        let role = a.role;
        Chrome {
            user: a.display_name.clone(),
            role: role.label_es().to_string(),
            body: a
                .body
                .clone()
                .unwrap_or_else(|| "toda la instalación".into()),
            csrf: self.csrf(),
            expires_iso: self.expires.map(|e| e.to_rfc3339()).unwrap_or_default(),
            expires_text: self.expires.map(moment_text).unwrap_or_default(),
            section,
            sees_requests: role != Role::Guarantor,
            files_requests: matches!(role, Role::UnitStaff | Role::UnitHead),
            sees_breaches: self.sees_breaches(),
        }
    }
}

/// The frame of every signed-in page: who is signed in, the CSRF token for its forms, when
/// the session expires, and which part of the site is shown.
pub struct Chrome {
    pub user: String,
    pub role: String,
    pub body: String,
    pub csrf: String,
    pub expires_iso: String,
    pub expires_text: String,
    pub section: &'static str,
    pub sees_requests: bool,
    pub files_requests: bool,
    /// Whether the caller may read any breach (arts. 38–43), as `Principal::may_breach`
    /// says for its own body, the bodies it supervises, or (an administrator) any.
    pub sees_breaches: bool,
}

pub(crate) fn csrf_of(secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"arco-csrf\0");
    h.update(secret.as_bytes());
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// Percent-encodes a value for a query string.
pub(crate) fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Pages hold case data: never cached, so the back button after signing out shows nothing.
pub(crate) fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, max-age=0"),
    );
    res
}

/// Renders a page.
pub(crate) fn render(t: &impl Template) -> Result<Response, WebError> {
    let html = t
        .render()
        .map_err(|e| WebError::from(Problem::internal(&e)))?;
    Ok(no_store(Html(html).into_response()))
}

/// A page's failure, shown as an error page in Spanish (not a JSON problem).
pub struct WebError {
    pub status: StatusCode,
    pub title: String,
    pub detail: String,
}

impl WebError {
    fn csrf() -> WebError {
        WebError {
            status: StatusCode::FORBIDDEN,
            title: "Formulario vencido o ajeno".into(),
            detail: "El formulario no trae el código de seguridad de su sesión (CSRF). \
                     Vuelva a la página, recárguela y envíela de nuevo."
                .into(),
        }
    }
}

impl From<Problem> for WebError {
    fn from(p: Problem) -> Self {
        WebError {
            status: p.status_code(),
            title: p.title,
            detail: p.detail,
        }
    }
}

impl From<crate::service::ServiceError> for WebError {
    fn from(e: crate::service::ServiceError) -> Self {
        Problem::from(e).into()
    }
}

impl From<crate::storage::StoreError> for WebError {
    fn from(e: crate::storage::StoreError) -> Self {
        Problem::from(e).into()
    }
}

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage<'a> {
    e: &'a WebError,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let html = ErrorPage { e: &self }
            .render()
            .unwrap_or_else(|_| "Error".to_string());
        no_store((self.status, Html(html)).into_response())
    }
}

const WEEKDAYS: [&str; 7] = [
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];

/// A date as staff read it: `jueves 05/02/2026`.
/// An amount in centavos as the titular pays it (art. 62): "Sin costo" or "$12.50 MXN".
pub(crate) fn amount_text(centavos: u64) -> String {
    if centavos == 0 {
        "Sin costo (art. 62)".to_string()
    } else {
        format!("${}.{:02} MXN (art. 62)", centavos / 100, centavos % 100)
    }
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    format!("{} {}", weekday_es(d.weekday()), d.format("%d/%m/%Y"))
}

pub(crate) fn weekday_es(w: Weekday) -> &'static str {
    WEEKDAYS[w.num_days_from_monday() as usize]
}

/// An instant on the office clock: `05/02/2026 16:10`.
pub(crate) fn moment_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::America::Mexico_City)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// Business days left as words and a class for its colour (the words carry the meaning;
/// the colour only repeats it).
pub(crate) fn days_left_badge(days: i64) -> (String, &'static str) {
    match days {
        d if d < -1 => (format!("Venció hace {} días hábiles", -d), "vencido"),
        -1 => ("Venció hace 1 día hábil".into(), "vencido"),
        0 => ("Vence hoy".into(), "hoy"),
        1 => ("Queda 1 día hábil".into(), "pronto"),
        d if d <= 3 => (format!("Quedan {d} días hábiles"), "pronto"),
        d => (format!("Quedan {d} días hábiles"), "holgado"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_spanish() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 5).unwrap();
        assert_eq!(date_text(d), "jueves 05/02/2026");
        assert_eq!(days_left_badge(0).0, "Vence hoy");
        assert_eq!(
            days_left_badge(-3),
            ("Venció hace 3 días hábiles".into(), "vencido")
        );
        assert_eq!(days_left_badge(1).0, "Queda 1 día hábil");
    }

    #[test]
    fn cookies_and_csrf() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; arco_sesion=xyz; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
        assert_ne!(csrf_of("xyz"), csrf_of("xyw"));
        assert_eq!(csrf_of("xyz").len(), 32);
        assert!(constant_eq(b"abc", b"abc"));
        assert!(!constant_eq(b"abc", b"abd"));
    }
}
