//! Who is calling: a bearer token (session from login, or API token) looked up by its
//! digest. Feed tokens are refused here: they open only their owner's calendar feed.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;

use super::App;
use super::problem::Problem;
use crate::accounts::{BodyKind, Principal, TokenKind, token_digest};
use crate::case::Role;
use crate::storage::Directory;

/// The authenticated caller of an endpoint.
pub struct Caller(pub Principal);

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Problem> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .ok_or_else(|| {
                Problem::unauthenticated(
                    "falta el encabezado Authorization: Bearer <token> (inicie sesión en /v1/login)",
                )
            })?;
        let secret = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Problem::unauthenticated("el encabezado Authorization debe ser «Bearer <token>»")
            })?;
        let principal = principal(app, secret).await?;
        if principal.token == TokenKind::Feed {
            return Err(Problem::unauthenticated(
                "este token solo sirve para la suscripción al calendario de plazos",
            ));
        }
        Ok(Caller(principal))
    }
}

/// The principal behind a token secret; 401 if it is unknown, revoked or expired.
pub async fn principal(app: &App, secret: &str) -> Result<Principal, Problem> {
    let store = app.registry.store();
    let (account, token) = store
        .token(&token_digest(secret), Utc::now())
        .await?
        .ok_or_else(|| {
            Problem::unauthenticated("el token no es válido, fue revocado o ya expiró")
        })?;
    let body_kind = match &account.body {
        Some(b) => store.body(b).await?.map(|b| b.kind),
        None => None,
    };
    let guarded = match (account.role, &account.body) {
        (Role::Guarantor, Some(g)) => store
            .bodies()
            .await?
            .into_iter()
            .filter(|b| b.kind == BodyKind::Obligated && b.guarantor.as_deref() == Some(g))
            .map(|b| b.code)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Principal {
        account,
        token,
        guarded,
        body_kind,
    })
}
