//! Sign-in and sign-out: a cookie session on the same tokens and failed-login limiter as
//! the API's `POST /v1/login`.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    EXPIRY_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, Staff, WebError, cookie, no_store, render,
};
use crate::accounts::{generate_token, token_digest};
use crate::http::{App, ClientAddr, Problem};
use crate::storage::Directory;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInQuery {
    pub siguiente: Option<String>,
    pub salio: Option<u8>,
}

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    next: &'a str,
    username: &'a str,
    error: Option<String>,
    notice: Option<&'a str>,
}

/// A local path to return to after signing in; anything else goes home.
fn local_target(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn set_cookie(res: &mut Response, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn secure(app: &App) -> &'static str {
    if app.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

/// The sign-in form. It sets a fresh CSRF cookie that the form sends back.
pub async fn form(
    State(app): State<Arc<App>>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, WebError> {
    let (csrf, _) = generate_token();
    let next = local_target(q.siguiente.as_deref());
    let notice = q.salio.map(|_| "Cerró su sesión.");
    let mut res = render(&LoginPage {
        csrf: &csrf,
        next: &next,
        username: "",
        error: None,
        notice,
    })?;
    set_cookie(
        &mut res,
        format!(
            "{LOGIN_COOKIE}={csrf}; Path=/entrar; HttpOnly; SameSite=Strict; Max-Age=3600{}",
            secure(&app)
        ),
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInForm {
    pub usuario: String,
    pub contrasena: String,
    pub csrf: String,
    #[serde(default)]
    pub siguiente: Option<String>,
}

/// Signs in: the same limiter and password check as the API, then a session token in an
/// HttpOnly cookie.
pub async fn sign_in(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Result<Response, WebError> {
    let next = local_target(f.siguiente.as_deref());
    let again = |status: StatusCode, error: String| -> Result<Response, WebError> {
        let mut res = render(&LoginPage {
            csrf: &f.csrf,
            next: &next,
            username: &f.usuario,
            error: Some(error),
            notice: None,
        })?;
        *res.status_mut() = status;
        Ok(res)
    };
    let sent = cookie(&headers, LOGIN_COOKIE);
    if sent.as_deref() != Some(f.csrf.as_str()) || f.csrf.is_empty() {
        return again(
            StatusCode::FORBIDDEN,
            "El formulario venció o no viene de esta página. Vuelva a escribir sus datos.".into(),
        );
    }
    // The API's own sign-in: the limiter's reservation, the bounded password check, the
    // log line (never the password).
    let account = match app.authenticate(&f.usuario, &f.contrasena, client).await {
        Ok(a) => a,
        Err(r) => {
            let p = Problem::from(r);
            return again(p.status_code(), p.detail);
        }
    };
    let (secret, expires_at) = app.open_session(&account, "sesión web").await?;
    let mut res = no_store(Redirect::to(&next).into_response());
    session_cookies(&mut res, &app, &secret, expires_at);
    Ok(res)
}

fn session_cookies(res: &mut Response, app: &App, secret: &str, expires: DateTime<Utc>) {
    let age = (expires - Utc::now()).num_seconds().max(0);
    let sec = secure(app);
    set_cookie(
        res,
        format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{sec}"),
    );
    set_cookie(
        res,
        format!(
            "{EXPIRY_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={age}{sec}",
            expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    );
    set_cookie(res, format!("{LOGIN_COOKIE}=; Path=/entrar; Max-Age=0"));
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfForm {
    pub csrf: String,
}

/// Signs out: revokes the session's token and clears the cookies.
pub async fn sign_out(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    staff: Staff,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(Some(&f.csrf))?;
    app.registry
        .store()
        .revoke_token(&token_digest(&staff.secret), Utc::now())
        .await?;
    tracing::info!(usuario = %staff.who.account.username, direccion = %client, "sesión web cerrada");
    let mut res = no_store(Redirect::to("/entrar?salio=1").into_response());
    set_cookie(
        &mut res,
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0"),
    );
    set_cookie(&mut res, format!("{EXPIRY_COOKIE}=; Path=/; Max-Age=0"));
    Ok(res)
}
