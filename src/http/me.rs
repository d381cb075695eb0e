//! Health, login and logout, the caller's own account and calendar-feed link, and bodies.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::{StatusCode, header};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::problem::Problem;
use super::{App, Caller, ClientAddr};
use crate::accounts::{Account, Body, NewToken, TokenKind, generate_token, token_digest};
use crate::storage::{Directory, Store};

/// Service health.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` if the database does not answer.
    pub status: String,
    pub database: String,
}

/// How long `/health` waits for the database before answering 503.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Liveness and database check.
#[utoipa::path(get, path = "/health", tag = "servicio",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(app): State<Arc<App>>) -> (StatusCode, axum::Json<Health>) {
    // Constant work: one trivial query, bounded by a short timeout (load balancers poll
    // this; it must not read the cases, and a stuck database must answer 503 quickly).
    let ping = tokio::time::timeout(HEALTH_TIMEOUT, app.registry.store().ping()).await;
    match ping
        .map_err(|_| "tiempo agotado".to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
    {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(Health {
                status: "ok".into(),
                database: "ok".into(),
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "la base de datos no responde");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(Health {
                    status: "degraded".into(),
                    database: "sin respuesta".into(),
                }),
            )
        }
    }
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// An account as shown to its owner and to others.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub username: String,
    pub display_name: String,
    pub body: Option<String>,
    /// unit_staff, unit_head, committee, guarantor, auditor or admin.
    pub role: String,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            body: a.body.clone(),
            role: a.role.as_str().to_string(),
        }
    }
}

/// A session.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: AccountView,
}

/// Log in: a session token. Failed attempts are limited per user name and per address
/// (429 with `Retry-After` beyond the limit).
#[utoipa::path(post, path = "/v1/login", tag = "sesión",
    request_body = Login,
    responses((status = 200, body = Session), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 408, body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    ApiJson(input): ApiJson<Login>,
) -> Result<axum::Json<Session>, Problem> {
    let account = app
        .authenticate(&input.username, &input.password, client)
        .await?;
    let (token, expires_at) = app.open_session(&account, "inicio de sesión").await?;
    Ok(axum::Json(Session {
        token,
        expires_at,
        account: AccountView::from(&account),
    }))
}

/// Log out: revokes the token used.
#[utoipa::path(post, path = "/v1/logout", tag = "sesión",
    responses((status = 204, description = "Sesión cerrada"), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn logout(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> Result<StatusCode, Problem> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.get(7..))
        .unwrap_or_default()
        .trim();
    app.registry
        .store()
        .revoke_token(&token_digest(secret), Utc::now())
        .await?;
    tracing::info!(usuario = %who.account.username, direccion = %client, "cierre de sesión");
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's account.
#[utoipa::path(get, path = "/v1/me", tag = "sesión",
    responses((status = 200, body = AccountView), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn me(Caller(who): Caller) -> axum::Json<AccountView> {
    axum::Json(AccountView::from(&who.account))
}

/// A calendar-feed subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed {
    /// Subscribe to this address from Outlook or Google Calendar. It reads only the
    /// caller's deadlines; keep it private. It replaces the previous address, and ends
    /// with a password change or at `expires_at`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A new address for the caller's iCalendar feed of deadlines; the previous one stops
/// working (one feed per account).
#[utoipa::path(post, path = "/v1/me/feed", tag = "sesión",
    responses((status = 201, body = Feed), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn new_feed(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ClientAddr(client): ClientAddr,
) -> Result<(StatusCode, axum::Json<Feed>), Problem> {
    Ok((
        StatusCode::CREATED,
        axum::Json(issue_feed(&app, &who, client).await?),
    ))
}

/// A new feed address for `who` (the API and the calendar page alike); it replaces the
/// account's previous one (one live feed per account).
pub(crate) async fn issue_feed(
    app: &App,
    who: &crate::accounts::Principal,
    client: std::net::IpAddr,
) -> Result<Feed, Problem> {
    let (secret, digest) = generate_token();
    let now = Utc::now();
    let expires_at = now + chrono::Duration::days(app.config.feed_token_days);
    app.registry
        .store()
        .add_token(
            &NewToken {
                account: who.account.id,
                kind: TokenKind::Feed,
                digest,
                label: "calendario de plazos".into(),
                expires_at: Some(expires_at),
            },
            now,
        )
        .await?;
    tracing::info!(usuario = %who.account.username, direccion = %client, "nuevo token de calendario");
    let base = app.config.base_url.trim_end_matches('/');
    Ok(Feed {
        url: format!("{base}/v1/feeds/{secret}/plazos.ics"),
        expires_at,
    })
}

/// A body of the install.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyView {
    pub code: String,
    pub name: String,
    /// obligated or guarantor.
    pub kind: String,
    /// The name of its calendar of business days (never a path on the server).
    pub calendar: String,
    pub guarantor: Option<String>,
}

impl From<Body> for BodyView {
    fn from(b: Body) -> Self {
        BodyView {
            code: b.code,
            name: b.name,
            kind: b.kind.as_str().to_string(),
            calendar: calendar_name(&b.calendar),
            guarantor: b.guarantor,
        }
    }
}

/// A calendar as others may see it: its name, or the file name without folder or
/// extension when the install names it by path.
fn calendar_name(calendar: &str) -> String {
    let file = calendar.rsplit(['/', '\\']).next().unwrap_or(calendar);
    file.strip_suffix(".toml").unwrap_or(file).to_string()
}

/// The bodies of the install.
#[utoipa::path(get, path = "/v1/bodies", tag = "sesión",
    responses((status = 200, body = Vec<BodyView>), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn bodies(
    State(app): State<Arc<App>>,
    _caller: Caller,
) -> Result<axum::Json<Vec<BodyView>>, Problem> {
    Ok(axum::Json(
        app.registry
            .store()
            .bodies()
            .await?
            .into_iter()
            .map(BodyView::from)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn calendars_are_shown_by_name() {
        assert_eq!(super::calendar_name("mx-jalisco"), "mx-jalisco");
        assert_eq!(super::calendar_name("/srv/arco/cal/sej.toml"), "sej");
        assert_eq!(super::calendar_name("cal/sej"), "sej");
        assert_eq!(super::calendar_name("C:\\cal\\sej.toml"), "sej");
    }
}
