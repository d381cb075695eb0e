//! Sign-in, shared by the API's `POST /v1/login` and any other front door (the web pages):
//! one function, [`App::authenticate`], that takes a place in the failed-login limiter
//! before looking at the password, runs the argon2id check within a bounded number of
//! simultaneous checks, and logs the outcome with the user name and the client's address
//! (never the password). And the client's address itself ([`ClientAddr`]), taken from a
//! forwarding header only when the peer is a configured trusted proxy.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};

use super::App;
use super::problem::Problem;
use crate::accounts::limiter::Bucket;
use crate::accounts::{Account, NewToken, TokenKind, generate_token, parse_username, password};
use crate::storage::{Directory, StoreError};

/// How long a sign-in waits for a free password check before it is refused as busy.
pub const PASSWORD_CHECK_WAIT: Duration = Duration::from_millis(500);

/// Why a sign-in was refused.
#[derive(Debug)]
pub enum LoginRefusal {
    /// Unknown user, wrong password, an account without password or a disabled one: the
    /// same answer for all, so none is told apart.
    BadCredentials,
    /// Too many failures of this user or from this address (HTTP 429).
    Limited {
        retry_after: Duration,
        bucket: Bucket,
    },
    /// Every password check is in use (HTTP 503); nothing was counted.
    Busy { retry_after: Duration },
    /// The directory could not be read (HTTP 500); the attempt stays counted.
    Store(StoreError),
}

impl From<LoginRefusal> for Problem {
    fn from(r: LoginRefusal) -> Problem {
        match r {
            LoginRefusal::BadCredentials => {
                Problem::unauthenticated("usuario o contraseña incorrectos")
            }
            LoginRefusal::Limited { retry_after, .. } => {
                Problem::too_many(retry_after.as_secs().max(1))
            }
            LoginRefusal::Busy { retry_after } => Problem::busy(retry_after.as_secs().max(1)),
            LoginRefusal::Store(e) => e.into(),
        }
    }
}

/// What a log says for a name that is no account: a person who typed the password in
/// the name box must not find it in the log.
const NO_ACCOUNT: &str = "(no es una cuenta)";

impl App {
    /// Checks a user name and password from `client`: the account if they are right and it
    /// is active.
    ///
    /// 1. The attempt takes its place in the limiter ([`crate::accounts::LoginLimiter`])
    ///    before anything is verified: at most `login_attempts` guesses per user and
    ///    address are ever evaluated in a window, however many arrive at once.
    /// 2. The argon2id check (19 MiB, one blocking thread) runs only with one of the
    ///    `password_checks` permits; if none frees within [`PASSWORD_CHECK_WAIT`], the
    ///    attempt is refused as [`LoginRefusal::Busy`] and its place given back.
    /// 3. Unknown users and accounts without a password take as long as a wrong password.
    /// 4. Success, failure, lock-out and busy refusals are logged with the address and the
    ///    user name if it is an account's (a name that is none may be a password typed in
    ///    the wrong box).
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
        client: IpAddr,
    ) -> Result<Account, LoginRefusal> {
        let user = username.trim().to_lowercase();
        let well_formed = parse_username(&user).is_ok();
        let reservation = match self.limiter.reserve(&user, client, Instant::now()) {
            Ok(r) => r,
            Err(l) => {
                let shown = self.loggable(&user, well_formed).await;
                tracing::warn!(
                    usuario = %shown, direccion = %client, limite = l.bucket.as_str(),
                    espera_s = l.wait.as_secs(),
                    "inicio de sesión bloqueado: demasiados intentos fallidos"
                );
                return Err(LoginRefusal::Limited {
                    retry_after: l.wait,
                    bucket: l.bucket,
                });
            }
        };
        let permit = match tokio::time::timeout(
            PASSWORD_CHECK_WAIT,
            self.password_checks.clone().acquire_owned(),
        )
        .await
        {
            Ok(Ok(p)) => p,
            _ => {
                self.limiter.give_back(reservation);
                let shown = self.loggable(&user, well_formed).await;
                tracing::warn!(
                    usuario = %shown, direccion = %client,
                    "inicio de sesión rechazado: todas las verificaciones de contraseña están ocupadas"
                );
                return Err(LoginRefusal::Busy {
                    retry_after: Duration::from_secs(1),
                });
            }
        };
        // A name that cannot exist is not looked up (nor sent to the database at all).
        let account = if well_formed {
            match self.registry.store().account(&user).await {
                Ok(a) => a,
                Err(e) => {
                    self.limiter.failed(reservation);
                    return Err(LoginRefusal::Store(e));
                }
            }
        } else {
            None
        };
        let hash = account.as_ref().and_then(|a| a.password_hash.clone());
        let pw = password.to_string();
        let ok = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            match hash {
                Some(h) => password::verify(&pw, &h),
                None => {
                    password::burn(&pw);
                    false
                }
            }
        })
        .await
        .unwrap_or(false);
        match account {
            Some(a) if ok && a.active => {
                self.limiter.succeeded(reservation, Instant::now());
                tracing::info!(usuario = %a.username, direccion = %client, "inicio de sesión");
                Ok(a)
            }
            _ => {
                self.limiter.failed(reservation);
                let shown = account.as_ref().map_or(NO_ACCOUNT, |a| a.username.as_str());
                tracing::info!(usuario = shown, direccion = %client, "inicio de sesión rechazado");
                Err(LoginRefusal::BadCredentials)
            }
        }
    }

    /// The user name for a log: the account's, or [`NO_ACCOUNT`] if there is none.
    async fn loggable(&self, user: &str, well_formed: bool) -> String {
        if !well_formed {
            return NO_ACCOUNT.into();
        }
        match self.registry.store().account(user).await {
            Ok(Some(a)) => a.username,
            _ => NO_ACCOUNT.into(),
        }
    }

    /// Opens a session for `account` (after [`App::authenticate`]): the secret, shown once,
    /// and when it expires (`session_hours`).
    pub async fn open_session(
        &self,
        account: &Account,
        label: &str,
    ) -> Result<(String, DateTime<Utc>), StoreError> {
        let now = Utc::now();
        let expires_at = now + chrono::Duration::hours(self.config.session_hours);
        let (secret, digest) = generate_token();
        self.registry
            .store()
            .add_token(
                &NewToken {
                    account: account.id,
                    kind: TokenKind::Session,
                    digest,
                    label: label.into(),
                    expires_at: Some(expires_at),
                },
                now,
            )
            .await?;
        Ok((secret, expires_at))
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy
    /// (`trusted_proxies`), the nearest address in `X-Forwarded-For` that is not one.
    pub fn client_addr(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted_proxy(peer) {
            return peer;
        }
        let mut chain: Vec<IpAddr> = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let Ok(text) = value.to_str() else {
                return peer;
            };
            for part in text.split(',') {
                match part.trim().parse::<IpAddr>() {
                    Ok(a) => chain.push(a.to_canonical()),
                    Err(_) => return peer,
                }
            }
        }
        let mut client = peer;
        for a in chain.into_iter().rev() {
            client = a;
            if !self.is_trusted_proxy(a) {
                break;
            }
        }
        client
    }

    fn is_trusted_proxy(&self, a: IpAddr) -> bool {
        self.proxies.iter().any(|n| n.contains(&a))
    }
}

/// The client's address, as [`App::client_addr`] tells it.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Problem> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddr(app.client_addr(peer, &parts.headers)))
    }
}
