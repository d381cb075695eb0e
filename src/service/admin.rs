//! Administration of the directory: bodies, accounts and tokens, with the checks that keep
//! it coherent (a guarantor's staff work at a guarantor, a UT's at an obligated body).

use chrono::{DateTime, Utc};

use crate::accounts::{
    Account, Body, BodyKind, NewAccount, NewToken, TokenKind, generate_token, parse_body_code,
    parse_username, password,
};
use crate::case::Role;
use crate::storage::{Directory, StoreError};

/// Why an administrative change was refused. Spanish: shown to the administrator.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Adds a body after checking its code, its calendar name and its guarantor.
pub async fn add_body<D: Directory>(
    dir: &D,
    mut body: Body,
    calendar_ok: impl Fn(&str) -> Result<(), String>,
    now: DateTime<Utc>,
) -> Result<Body, AdminError> {
    body.code = parse_body_code(&body.code).map_err(AdminError::Invalid)?;
    body.name = body.name.trim().to_string();
    if body.name.is_empty() {
        return Err(AdminError::Invalid(
            "falta el nombre del sujeto obligado".into(),
        ));
    }
    calendar_ok(&body.calendar).map_err(AdminError::Invalid)?;
    match (body.kind, &body.guarantor) {
        (BodyKind::Guarantor, Some(_)) => {
            return Err(AdminError::Invalid(
                "un órgano garante no tiene a su vez órgano garante".into(),
            ));
        }
        (BodyKind::Obligated, Some(g)) => match dir.body(g).await? {
            Some(b) if b.kind == BodyKind::Guarantor => {}
            Some(_) => {
                return Err(AdminError::Invalid(format!(
                    "«{g}» no es un órgano garante"
                )));
            }
            None => {
                return Err(AdminError::Invalid(format!(
                    "no existe el órgano garante «{g}»; créelo primero"
                )));
            }
        },
        _ => {}
    }
    dir.add_body(&body, now).await?;
    Ok(body)
}

/// Adds an account: its role must fit its body's kind; `password` (if any) is hashed.
pub async fn add_account<D: Directory>(
    dir: &D,
    username: &str,
    display_name: &str,
    body: Option<&str>,
    role: Role,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Account, AdminError> {
    let username = parse_username(username).map_err(AdminError::Invalid)?;
    let body = match body {
        Some(code) => Some(dir.body(code).await?.ok_or_else(|| {
            AdminError::Invalid(format!("no existe el sujeto obligado «{code}»"))
        })?),
        None => None,
    };
    match (role, body.as_ref().map(|b| b.kind)) {
        (Role::Migration, _) => {
            return Err(AdminError::Invalid(
                "el rol «migration» es solo para importar historiales".into(),
            ));
        }
        (Role::Admin, _) => {}
        (_, None) => {
            return Err(AdminError::Invalid(format!(
                "una cuenta con rol {} debe pertenecer a un sujeto obligado (--body)",
                role.label_es()
            )));
        }
        (Role::Guarantor, Some(BodyKind::Obligated)) => {
            return Err(AdminError::Invalid(
                "el personal del órgano garante debe pertenecer a un órgano garante".into(),
            ));
        }
        (Role::UnitStaff | Role::UnitHead | Role::Committee, Some(BodyKind::Guarantor)) => {
            return Err(AdminError::Invalid(format!(
                "el rol {} corresponde a un sujeto obligado, no a un órgano garante",
                role.label_es()
            )));
        }
        _ => {}
    }
    let password_hash = password
        .map(password::hash)
        .transpose()
        .map_err(AdminError::Invalid)?;
    Ok(dir
        .add_account(
            &NewAccount {
                username,
                display_name: display_name.trim().to_string(),
                body: body.map(|b| b.code),
                role,
                password_hash,
            },
            now,
        )
        .await?)
}

/// Creates a token for `username`; returns the secret, shown once.
pub async fn create_token<D: Directory>(
    dir: &D,
    username: &str,
    kind: TokenKind,
    label: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<String, AdminError> {
    let account = dir
        .account(username)
        .await?
        .ok_or_else(|| AdminError::Invalid(format!("no existe la cuenta «{username}»")))?;
    if !account.active {
        return Err(AdminError::Invalid(format!(
            "la cuenta «{username}» está desactivada"
        )));
    }
    let (secret, digest) = generate_token();
    dir.add_token(
        &NewToken {
            account: account.id,
            kind,
            digest,
            label: label.to_string(),
            expires_at,
        },
        now,
    )
    .await?;
    Ok(secret)
}
