//! Bodies (sujetos obligados and guarantors), staff accounts, their roles and tokens, and
//! who may read or act on which case. Pure domain: hashing and policy, no SQL, no HTTP.
//!
//! - A **body** is a sujeto obligado (art. 3 LPDPPSOJ: its Unidad de Transparencia receives
//!   requests, art. 85) or a guarantor (the órgano garante that resolves appeals, art. 99 ff.).
//!   Each obligated body names its calendar (its own días inhábiles) and its guarantor.
//! - An **account** belongs to one body with one [`Role`]; an administrator may belong to
//!   none (the whole install).
//! - **Tokens** are random, shown once and stored only as a SHA-256 digest: a session from
//!   login, an API token for an integrating system, or a calendar-feed token that can read
//!   nothing but its owner's deadline feed.

pub mod limiter;
pub mod password;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::Role;

pub use limiter::LoginLimiter;

/// Whether a body receives requests or resolves appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A sujeto obligado with its Unidad de Transparencia and Comité (arts. 85–88).
    Obligated,
    /// An órgano garante: resolves appeals against the bodies it oversees (art. 99 ff.).
    Guarantor,
}

impl BodyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::Obligated => "obligated",
            BodyKind::Guarantor => "guarantor",
        }
    }

    pub fn parse(s: &str) -> Option<BodyKind> {
        match s {
            "obligated" => Some(BodyKind::Obligated),
            "guarantor" => Some(BodyKind::Guarantor),
            _ => None,
        }
    }
}

/// A body of the install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    /// Short code used in folios (`SEJ` gives `SEJ-ARCO-2026-00001`).
    pub code: String,
    pub name: String,
    pub kind: BodyKind,
    /// The calendar its terms are counted on (a name or a path).
    pub calendar: String,
    /// For an obligated body: the code of the guarantor that hears appeals against it.
    pub guarantor: Option<String>,
}

/// Checks a body code: 1–32 letters, digits, `-` or `_`, beginning with a letter or digit
/// (a code that begins with `-` would be a formula in a spreadsheet, and an option on a
/// command line).
pub fn parse_body_code(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() || t.len() > 32 {
        return Err(format!(
            "clave de sujeto obligado «{t}»: debe tener de 1 a 32 caracteres"
        ));
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "clave de sujeto obligado «{t}»: solo letras sin acento, dígitos, «-» y «_»"
        ));
    }
    if !t.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "clave de sujeto obligado «{t}»: debe empezar con una letra o un dígito"
        ));
    }
    Ok(t.to_string())
}

/// Checks a user name: 3–64 lowercase letters, digits, `.`, `-`, `_` or `@`.
pub fn parse_username(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.len() < 3 || t.len() > 64 {
        return Err(format!("usuario «{t}»: debe tener de 3 a 64 caracteres"));
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '@'))
    {
        return Err(format!(
            "usuario «{t}»: solo minúsculas sin acento, dígitos, «.», «-», «_» y «@»"
        ));
    }
    Ok(t.to_string())
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The body it works for; `None` only for an administrator of the whole install.
    pub body: Option<String>,
    pub role: Role,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: Option<String>,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub body: Option<String>,
    pub role: Role,
    /// An argon2 PHC string, or `None` for an account that only uses API tokens.
    pub password_hash: Option<String>,
}

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// From a login; expires.
    Session,
    /// For a system that integrates; lives until revoked (or its expiry, if given).
    Api,
    /// Reads only its owner's iCalendar feed of deadlines.
    Feed,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
            TokenKind::Feed => "feed",
        }
    }

    pub fn parse(s: &str) -> Option<TokenKind> {
        match s {
            "session" => Some(TokenKind::Session),
            "api" => Some(TokenKind::Api),
            "feed" => Some(TokenKind::Feed),
            _ => None,
        }
    }
}

/// A token to store: only its digest.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub account: i64,
    pub kind: TokenKind,
    pub digest: String,
    pub label: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new random token: the secret (shown once) and its digest (stored).
pub fn generate_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let secret = format!(
        "arco_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let digest = token_digest(&secret);
    (secret, digest)
}

/// The SHA-256 digest (hex) under which a token is stored and looked up.
pub fn token_digest(secret: &str) -> String {
    let d = Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who a request comes from, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account: Account,
    pub token: TokenKind,
    /// The bodies whose appeals this account's body hears (for a guarantor).
    pub guarded: Vec<String>,
    /// The kind of the account's body.
    pub body_kind: Option<BodyKind>,
}

/// What a principal wants to do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Act,
}

impl Principal {
    pub fn role(&self) -> Role {
        self.account.role
    }

    pub fn body(&self) -> Option<&str> {
        self.account.body.as_deref()
    }

    /// Whether this principal may read or act on a request of `body`.
    ///
    /// Staff, head, Comité and auditor of the body read its requests; the body's guarantor
    /// reads them too (it resolves the appeals against them); an administrator reads every
    /// case. Only the body's own UT staff, head and Comité act; the procedure itself then
    /// decides which of them may record which act.
    pub fn may_request(&self, body: &str, access: Access) -> bool {
        let own = self.body() == Some(body);
        match (access, self.role()) {
            (_, Role::Migration) => false,
            (Access::Read, Role::Admin) => true,
            (Access::Read, Role::Guarantor) => self.guarded.iter().any(|b| b == body),
            (Access::Read, _) => own,
            (Access::Act, Role::UnitStaff | Role::UnitHead | Role::Committee) => own,
            (Access::Act, _) => false,
        }
    }

    /// Whether this principal may read or act on a security breach of `body` (arts.
    /// 38–43), `notified` telling whether the body has notified it to its guarantor.
    ///
    /// The body's UT staff and head record its duties (the oficial de protección de datos
    /// personales, where the body has one, is part of the UT, art. 88.2); the Comité and
    /// the auditor of the body read them; the body's guarantor reads, and acts on (its
    /// investigation, art. 43), only what was notified to it (art. 40); an administrator
    /// reads every breach.
    pub fn may_breach(&self, body: &str, notified: bool, access: Access) -> bool {
        let own = self.body() == Some(body);
        match (access, self.role()) {
            (_, Role::Migration) => false,
            (Access::Read, Role::Admin) => true,
            (_, Role::Guarantor) => notified && self.guarded.iter().any(|b| b == body),
            (Access::Read, Role::UnitStaff | Role::UnitHead | Role::Committee | Role::Auditor) => {
                own
            }
            (Access::Act, Role::UnitStaff | Role::UnitHead) => own,
            (Access::Act, _) => false,
        }
    }

    /// Whether this principal may read or act on an appeal heard by `guarantor` against a
    /// request of `body`: the guarantor's staff and auditors, and the obligated body's
    /// staff, head and Comité (the appeal's other party, arts. 101–117); an administrator
    /// reads all.
    pub fn may_appeal(&self, guarantor: &str, body: &str, access: Access) -> bool {
        let at_guarantor = self.body() == Some(guarantor);
        let at_body = self.body() == Some(body);
        match (access, self.role()) {
            (_, Role::Migration) => false,
            (Access::Read, Role::Admin) => true,
            (Access::Read, Role::Auditor) => at_guarantor || at_body,
            (Access::Read | Access::Act, Role::Guarantor) => at_guarantor,
            (Access::Read | Access::Act, Role::UnitStaff | Role::UnitHead | Role::Committee) => {
                at_body
            }
            (Access::Act, _) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, body: Option<&str>, guarded: &[&str]) -> Principal {
        Principal {
            account: Account {
                id: 1,
                username: "x".into(),
                display_name: "X".into(),
                body: body.map(str::to_string),
                role,
                active: true,
                password_hash: None,
            },
            token: TokenKind::Session,
            guarded: guarded.iter().map(|s| s.to_string()).collect(),
            body_kind: None,
        }
    }

    #[test]
    fn tokens_are_random_and_stored_as_digest() {
        let (a, da) = generate_token();
        let (b, db) = generate_token();
        assert_ne!(a, b);
        assert_ne!(da, db);
        assert_eq!(token_digest(&a), da);
        assert!(a.starts_with("arco_") && a.len() > 40);
        assert_eq!(da.len(), 64);
    }

    #[test]
    fn scopes() {
        let staff = who(Role::UnitStaff, Some("SEJ"), &[]);
        assert!(staff.may_request("SEJ", Access::Act));
        assert!(!staff.may_request("SSJ", Access::Read));
        let auditor = who(Role::Auditor, Some("SEJ"), &[]);
        assert!(auditor.may_request("SEJ", Access::Read));
        assert!(!auditor.may_request("SEJ", Access::Act));
        let g = who(Role::Guarantor, Some("GAR"), &["SEJ"]);
        assert!(g.may_request("SEJ", Access::Read));
        assert!(!g.may_request("SEJ", Access::Act));
        assert!(!g.may_request("SSJ", Access::Read));
        assert!(g.may_appeal("GAR", "SEJ", Access::Act));
        assert!(!g.may_appeal("OTRO", "SEJ", Access::Read));
        assert!(staff.may_appeal("GAR", "SEJ", Access::Act));
        let admin = who(Role::Admin, None, &[]);
        assert!(admin.may_request("SEJ", Access::Read));
        assert!(!admin.may_request("SEJ", Access::Act));
        // Breaches: the body's UT records; its Comité and auditor read; the guarantor
        // reads and investigates only what was notified to it.
        assert!(staff.may_breach("SEJ", false, Access::Act));
        assert!(!staff.may_breach("SSJ", true, Access::Read));
        assert!(auditor.may_breach("SEJ", false, Access::Read));
        assert!(!auditor.may_breach("SEJ", false, Access::Act));
        let committee = who(Role::Committee, Some("SEJ"), &[]);
        assert!(committee.may_breach("SEJ", false, Access::Read));
        assert!(!committee.may_breach("SEJ", false, Access::Act));
        assert!(!g.may_breach("SEJ", false, Access::Read));
        assert!(g.may_breach("SEJ", true, Access::Read));
        assert!(g.may_breach("SEJ", true, Access::Act));
        assert!(!g.may_breach("SSJ", true, Access::Read));
        assert!(admin.may_breach("SEJ", false, Access::Read));
        assert!(!admin.may_breach("SEJ", false, Access::Act));
    }

    #[test]
    fn codes_and_usernames() {
        assert_eq!(parse_body_code(" SEJ ").unwrap(), "SEJ");
        assert!(parse_body_code("SE J").is_err());
        assert!(parse_body_code("").is_err());
        assert!(parse_body_code("-SEJ").is_err());
        assert!(parse_body_code("_SEJ").is_err());
        assert!(parse_body_code("9-SEJ_2").is_ok());
        assert!(parse_username("ana.lopez").is_ok());
        assert!(parse_username("Ana").is_err());
        assert!(parse_username("ab").is_err());
    }
}
