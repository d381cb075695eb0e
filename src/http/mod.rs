//! The HTTP API (`arco serve`): every act of the request and appeal procedures through an
//! authenticated JSON API, each body seeing only its own cases. Errors are RFC 9457
//! problem documents; the OpenAPI document is served at `/openapi.json`.
//!
//! Handlers only translate: they authenticate, check the caller's scope
//! ([`crate::accounts::Principal`]), call the [`Registry`] and shape the answer. The
//! procedures decide which role may record which act.

pub(crate) mod appeals;
mod auth;
mod extract;
pub(crate) mod feeds;
mod me;
pub mod openapi;
pub mod problem;
pub(crate) mod requests;
mod signin;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use tokio::net::TcpListener;

use crate::accounts::LoginLimiter;
use crate::service::Registry;
use crate::storage::Database;

pub use auth::Caller;
pub(crate) use auth::principal;
pub use problem::Problem;
pub use signin::sign_in;

/// The store the server runs on: SQLite or PostgreSQL, by the URL's scheme.
pub type Backend = Database;

/// Settings of `arco serve` (TOML file; every key optional).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: String,
    /// How long a login session lasts, in hours.
    pub session_hours: i64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest page of a list (at most 500, as the API documents).
    pub max_page: u32,
    /// Public base URL (for calendar feed links).
    pub base_url: String,
    /// Failed logins allowed per user name in `login_window_minutes` (an address gets 4×).
    pub login_attempts: usize,
    pub login_window_minutes: u64,
    /// Alerts configuration (see `arco alerts`); without it, no nightly job runs.
    pub alerts: Option<std::path::PathBuf>,
    /// Name of this process in the nightly job's record.
    pub holder: String,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            listen: "127.0.0.1:8080".into(),
            session_hours: 10,
            max_body_bytes: 64 * 1024,
            max_page: 500,
            base_url: "http://127.0.0.1:8080".into(),
            login_attempts: 5,
            login_window_minutes: 15,
            alerts: None,
            holder: "arco-serve".into(),
        }
    }
}

impl ServeConfig {
    /// Reads a TOML settings file, with the line and column of what is wrong.
    pub fn parse(text: &str, file: &str) -> Result<ServeConfig, String> {
        let c: ServeConfig =
            toml::from_str(text).map_err(|e| crate::tomlfile::describe(file, text, &e))?;
        if !(1..=500).contains(&c.max_page) {
            return Err(format!("{file}: max_page debe estar entre 1 y 500"));
        }
        if c.session_hours < 1 || c.session_hours > 24 * 30 {
            return Err(format!("{file}: session_hours debe estar entre 1 y 720"));
        }
        Ok(c)
    }
}

/// What every handler shares.
pub struct App {
    pub registry: Registry<Backend>,
    pub limiter: LoginLimiter,
    pub config: ServeConfig,
}

impl App {
    pub fn new(registry: Registry<Backend>, config: ServeConfig) -> Arc<App> {
        Arc::new(App {
            registry,
            limiter: LoginLimiter::new(
                config.login_attempts,
                Duration::from_secs(config.login_window_minutes * 60),
            ),
            config,
        })
    }

    /// Today on the office clock (America/Mexico_City).
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&chrono_tz::America::Mexico_City)
            .date_naive()
    }
}

/// The API's routes.
pub fn router(app: Arc<App>) -> Router {
    let limit = app.config.max_body_bytes;
    Router::new()
        .route("/health", get(me::health))
        .route("/openapi.json", get(openapi::document))
        .route("/v1/login", post(me::login))
        .route("/v1/logout", post(me::logout))
        .route("/v1/me", get(me::me))
        .route("/v1/me/feed", post(me::new_feed))
        .route("/v1/bodies", get(me::bodies))
        .route("/v1/due", get(feeds::due))
        .route("/v1/feeds/{token}/plazos.ics", get(feeds::ics))
        .route("/v1/requests", post(requests::file).get(requests::list))
        .route("/v1/requests/{folio}", get(requests::show))
        .route("/v1/requests/{folio}/acts", post(requests::act))
        .route("/v1/requests/{folio}/acuse", get(requests::acuse))
        .route("/v1/appeals", post(appeals::file).get(appeals::list))
        .route("/v1/appeals/{folio}", get(appeals::show))
        .route("/v1/appeals/{folio}/acts", post(appeals::act))
        .merge(crate::web::router())
        .fallback(|| async { Problem::not_found("no existe esa ruta") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "metodo-no-permitido",
                "Método no permitido",
                "la ruta existe pero no admite ese método",
            )
        })
        .layer(DefaultBodyLimit::max(limit))
        // Spans name the route, never the URI: paths carry folios and feed tokens.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map(|m| m.as_str().to_string())
                        .unwrap_or_else(|| "(sin ruta)".into());
                    tracing::info_span!("http", method = %req.method(), route)
                },
            ),
        )
        .with_state(app)
}

/// Serves the API on `listener` until `shutdown` completes, then finishes the requests in
/// flight (graceful shutdown).
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
