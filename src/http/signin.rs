//! Checking a user name and password, for the API's login and the web sign-in alike: the
//! failed-login limiter, the password check on a blocking thread, the log line.

use std::net::SocketAddr;
use std::time::Instant;

use axum::http::HeaderMap;

use super::App;
use super::problem::Problem;
use crate::accounts::{Account, password};
use crate::storage::Directory;

/// The account behind `username` and `password`, or the refusal (401, or 429 past the
/// failed-login limit).
pub async fn sign_in(
    app: &App,
    username: &str,
    pass: &str,
    addr: SocketAddr,
    _headers: &HeaderMap,
) -> Result<Account, Problem> {
    let ip = addr.ip().to_string();
    let user = username.trim().to_lowercase();
    if let Some(wait) = app.limiter.blocked(&user, &ip, Instant::now()) {
        return Err(Problem::too_many(wait.as_secs().max(1)));
    }
    let account = app.registry.store().account(&user).await?;
    let password = pass.to_string();
    let ok = match account.as_ref().and_then(|a| a.password_hash.clone()) {
        Some(h) => tokio::task::spawn_blocking(move || password::verify(&password, &h))
            .await
            .unwrap_or(false),
        None => {
            let _ = tokio::task::spawn_blocking(move || password::burn(&password)).await;
            false
        }
    };
    match account {
        Some(a) if ok && a.active => {
            app.limiter.succeeded(&user);
            tracing::info!(usuario = %user, direccion = %ip, "inicio de sesión");
            Ok(a)
        }
        _ => {
            app.limiter.failed(&user, &ip, Instant::now());
            tracing::info!("inicio de sesión rechazado");
            Err(Problem::unauthenticated("usuario o contraseña incorrectos"))
        }
    }
}
