//! The HTTP API (`arco serve`): every act of the request, appeal and breach procedures
//! through an authenticated JSON API, each body seeing only its own cases. Errors are RFC
//! 9457 problem documents; the OpenAPI document is served at `/openapi.json`.
//!
//! Handlers only translate: they authenticate, check the caller's scope
//! ([`crate::accounts::Principal`]), call the [`Registry`] and shape the answer. The
//! procedures decide which role may record which act.

pub(crate) mod appeals;
mod auth;
pub(crate) mod breaches;
pub mod defences;
pub(crate) mod documents;
pub(crate) mod expediente;
mod extract;
pub(crate) mod feeds;
pub(crate) mod me;
pub mod openapi;
pub mod problem;
pub(crate) mod reports;
pub(crate) mod requests;
pub mod schemas;
pub mod signin;
pub(crate) mod social;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
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
pub use signin::{ClientAddr, LoginRefusal};

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
    /// Failed logins allowed per user and address in `login_window_minutes`; an address
    /// gets 4× for all names, and a user 4× from addresses it has not signed in from.
    pub login_attempts: usize,
    pub login_window_minutes: u64,
    /// Proxies (addresses or CIDR blocks) whose `X-Forwarded-For` names the client; from
    /// any other peer the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// Password checks (argon2id, 19 MiB each) run at once; 0: one per processor.
    pub password_checks: usize,
    /// Time a connection has to send a request's headers, counted from when it opens or
    /// from the previous answer: it also closes idle keep-alive connections.
    pub header_timeout_secs: u64,
    /// Time a request has to send its whole body (408 after it).
    pub body_timeout_secs: u64,
    /// Connections served at once; more wait in the system's queue.
    pub max_connections: usize,
    /// On SIGTERM: time the requests in flight get to finish before their connections are
    /// dropped.
    pub shutdown_grace_secs: u64,
    /// Days a calendar-feed token lasts.
    pub feed_token_days: i64,
    /// Alerts configuration (see `arco alerts`); without it, no nightly job runs.
    pub alerts: Option<std::path::PathBuf>,
    /// Name of this process in the nightly job's record.
    pub holder: String,
    /// Largest document of the expediente accepted, in bytes (art. 58.2).
    pub documents_max_bytes: u64,
    /// Content-addressed folder for the contents of documents; without it, they are kept
    /// in the database.
    pub documents_dir: Option<std::path::PathBuf>,
    /// Calendar days after a request is closed before its identity and representation
    /// documents are purged.
    pub identity_retention_days: u32,
    /// List and due-list answers kept in memory, each valid until a write of its bodies
    /// (`crate::service::Registry::with_list_cache`); 0: every list is read anew.
    pub list_cache_entries: usize,
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
            trusted_proxies: Vec::new(),
            password_checks: 0,
            header_timeout_secs: 10,
            body_timeout_secs: 15,
            max_connections: 512,
            shutdown_grace_secs: 10,
            feed_token_days: 365,
            alerts: None,
            holder: "arco-serve".into(),
            documents_max_bytes: crate::expediente::documents::DEFAULT_MAX_BYTES,
            documents_dir: None,
            identity_retention_days: crate::expediente::documents::DEFAULT_RETENTION_DAYS,
            list_cache_entries: crate::service::LIST_CACHE_ENTRIES,
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
        c.proxies()
            .map_err(|e| format!("{file}: trusted_proxies: {e}"))?;
        let ranges: [(&str, u64, u64, u64); 6] = [
            (
                "list_cache_entries",
                c.list_cache_entries as u64,
                0,
                100_000,
            ),
            ("login_attempts", c.login_attempts as u64, 1, 1000),
            ("header_timeout_secs", c.header_timeout_secs, 1, 3600),
            ("body_timeout_secs", c.body_timeout_secs, 1, 3600),
            ("max_connections", c.max_connections as u64, 1, 1_000_000),
            ("shutdown_grace_secs", c.shutdown_grace_secs, 0, 3600),
        ];
        for (key, v, lo, hi) in ranges {
            if !(lo..=hi).contains(&v) {
                return Err(format!("{file}: {key} debe estar entre {lo} y {hi}"));
            }
        }
        if !(1..=3650).contains(&c.feed_token_days) {
            return Err(format!("{file}: feed_token_days debe estar entre 1 y 3650"));
        }
        if !(1..=1024 * 1024 * 1024).contains(&c.documents_max_bytes) {
            return Err(format!(
                "{file}: documents_max_bytes debe estar entre 1 y 1073741824 (1 GiB)"
            ));
        }
        if !(1..=36500).contains(&c.identity_retention_days) {
            return Err(format!(
                "{file}: identity_retention_days debe estar entre 1 y 36500"
            ));
        }
        if c.login_window_minutes < 1 || c.login_window_minutes > 24 * 60 {
            return Err(format!(
                "{file}: login_window_minutes debe estar entre 1 y 1440"
            ));
        }
        Ok(c)
    }

    /// The trusted proxies, parsed: addresses (`10.0.0.5`) or blocks (`10.0.0.0/8`).
    pub fn proxies(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .iter()
            .map(|p| {
                let t = p.trim();
                t.parse::<ipnet::IpNet>()
                    .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map(|n| n.trunc())
                    .map_err(|_| {
                        format!("«{t}» no es una dirección IP ni un bloque CIDR (10.0.0.0/8)")
                    })
            })
            .collect()
    }

    /// How documents are kept (`documents_*`, `identity_retention_days`).
    pub fn documents(&self) -> crate::service::documents::DocumentSettings {
        crate::service::documents::DocumentSettings {
            max_bytes: self.documents_max_bytes,
            place: match &self.documents_dir {
                Some(d) => crate::storage::BlobPlace::Folder(d.clone()),
                None => crate::storage::BlobPlace::Database,
            },
            retention_days: self.identity_retention_days,
        }
    }

    /// Password checks run at once: `password_checks`, or one per processor.
    pub fn password_check_slots(&self) -> usize {
        match self.password_checks {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        }
    }
}

/// What every handler shares.
pub struct App {
    pub registry: Registry<Backend>,
    pub limiter: LoginLimiter,
    /// Permits for password checks (see [`App::authenticate`]).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// `trusted_proxies`, parsed.
    proxies: Vec<ipnet::IpNet>,
    pub config: ServeConfig,
}

impl App {
    /// The shared state. Trusted proxies that do not parse are left out, with an error in
    /// the log ([`ServeConfig::parse`] refuses them first when read from a file).
    pub fn new(registry: Registry<Backend>, config: ServeConfig) -> Arc<App> {
        let proxies = config.proxies().unwrap_or_else(|e| {
            tracing::error!(error = %e, "trusted_proxies inválido; se ignora");
            Vec::new()
        });
        Arc::new(App {
            registry,
            limiter: LoginLimiter::new(
                config.login_attempts,
                Duration::from_secs(config.login_window_minutes * 60),
            ),
            password_checks: Arc::new(tokio::sync::Semaphore::new(config.password_check_slots())),
            proxies,
            config,
        })
    }

    /// Today on the office clock (America/Mexico_City).
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&chrono_tz::America::Mexico_City)
            .date_naive()
    }
}

/// The API's routes, without state, fallbacks or layers.
pub fn api_routes() -> Router<Arc<App>> {
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
        .route("/v1/reports/requests", get(reports::requests))
        .route("/v1/reports/requests/cases", get(reports::request_cases))
        .route("/v1/reports/register", get(reports::register))
        .route("/v1/reports/appeals", get(reports::appeals))
        .route("/v1/reports/appeals/cases", get(reports::appeal_cases))
        .route("/v1/reports/breaches", get(breaches::bitacora))
        .route("/v1/requests", post(requests::file).get(requests::list))
        .route("/v1/requests/{folio}", get(requests::show))
        .route("/v1/requests/{folio}/acts", post(requests::act))
        .route("/v1/requests/{folio}/acuse", get(requests::acuse))
        .route("/v1/requests/{folio}/expediente", get(expediente::show))
        .route(
            "/v1/requests/{folio}/assignment",
            axum::routing::put(expediente::assign),
        )
        .route(
            "/v1/requests/{folio}/non-cooperation",
            post(expediente::non_cooperation),
        )
        .route("/v1/requests/{folio}/notes", post(expediente::add_note))
        .route("/v1/appeals", post(appeals::file).get(appeals::list))
        .route("/v1/appeals/{folio}", get(appeals::show))
        .route("/v1/appeals/{folio}/acts", post(appeals::act))
        .route("/v1/breaches", post(breaches::detect).get(breaches::list))
        .route("/v1/breaches/{folio}", get(breaches::show))
        .route(
            "/v1/breaches/{folio}/acts",
            post(breaches::act).get(breaches::allowed),
        )
        .route(
            "/v1/social-accounts",
            post(social::register).get(social::list),
        )
        .route("/v1/social-accounts/{id}", get(social::show))
        .route("/v1/social-accounts/{id}/changes", post(social::change))
        .route(
            "/v1/social-accounts/{id}/compromised",
            post(social::compromised),
        )
        .route(
            "/v1/social-accounts/{id}/gestores/{gestor}/erase",
            post(social::erase_gestor),
        )
        .route("/v1/directory/social-accounts", get(social::directory))
        .route(
            "/v1/requests/{folio}/publication",
            get(social::publication)
                .put(social::point)
                .delete(social::forget),
        )
        .route(
            "/v1/requests/{folio}/publication/action",
            post(social::post_action),
        )
        .merge(documents::routes())
}

/// Everything the server answers: the API's routes and the staff pages
/// ([`crate::web::router`]), the fallbacks, then the layers of [`defences::defend`] around
/// all of it: security headers, NUL refusal, body size and deadline, trace spans.
pub fn router(app: Arc<App>) -> Router {
    let routes = api_routes()
        .merge(crate::web::router())
        .fallback(|| async { Problem::not_found("no existe esa ruta") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "metodo-no-permitido",
                "Método no permitido",
                "la ruta existe pero no admite ese método",
            )
        });
    defences::defend(routes.with_state(app.clone()), &app.config)
}

/// Limits on connections (see [`serve_router`]).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a request's headers, from when the connection opens or from the
    /// previous answer (so also the keep-alive idle time).
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// After the shutdown signal: time for the requests in flight before their
    /// connections are dropped.
    pub shutdown_grace: Duration,
}

impl From<&ServeConfig> for ConnectionLimits {
    fn from(c: &ServeConfig) -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(c.header_timeout_secs),
            max_connections: c.max_connections.max(1),
            shutdown_grace: Duration::from_secs(c.shutdown_grace_secs),
        }
    }
}

/// Serves the API on `listener` until `shutdown` completes, then lets the requests in
/// flight finish for `shutdown_grace_secs` and drops what is left.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = ConnectionLimits::from(&app.config);
    serve_router(listener, router(app), limits, shutdown).await
}

/// Serves `router` over HTTP/1.1 on `listener`, each connection under `limits`.
///
/// axum's own `serve` has no timeouts nor a cap on connections, so the connections are
/// served with hyper's HTTP/1 builder (from hyper-util, the crates axum is built on): its
/// header-read timeout (which also closes idle keep-alive connections), a semaphore for
/// the cap (beyond it, connections wait in the system's accept queue), and hyper-util's
/// graceful shutdown bounded by a deadline. The body deadline is a layer of the router
/// ([`defences::defend`]). Each request carries `ConnectInfo<SocketAddr>` of its peer.
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::Service as _;

    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        // Reap the connections that ended.
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "no se pudo aceptar una conexión");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                router.clone().call(req)
            });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        connections.spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(
                conexiones = connections.len(),
                "plazo de cierre vencido: se cortan las conexiones que quedan"
            );
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
    Ok(())
}
