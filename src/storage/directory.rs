//! Storage of bodies, accounts and tokens (the directory `arco serve` authenticates
//! against), behind its own trait beside [`super::Store`], one implementation per database.

use std::future::Future;

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::accounts::{Account, Body, NewAccount, NewToken, TokenKind};
use crate::case::Role;

/// A body as stored, for export and import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyRecord {
    #[serde(flatten)]
    pub body: Body,
    pub created_at: DateTime<Utc>,
}

/// An account as stored (with its password hash), for export and import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub body: Option<String>,
    pub role: Role,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// A token as stored (its digest only), for export and import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub digest: String,
    pub account_id: i64,
    pub kind: TokenKind,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Who a case belongs to, for a scope check, and nothing else of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseScope {
    /// `request` or `appeal`.
    pub kind: String,
    /// The body it is filed with (for an appeal: the guarantor hearing it).
    pub body: String,
    /// For an appeal: the body of the request it challenges.
    pub parent_body: Option<String>,
}

/// The whole directory, in the order it can be loaded back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryDump {
    /// Guarantors before the bodies they oversee.
    pub bodies: Vec<BodyRecord>,
    pub accounts: Vec<AccountRecord>,
    pub tokens: Vec<TokenRecord>,
}

/// Times in the directory are kept to the second on every backend, so a dump moved
/// between databases compares equal.
pub fn directory_time(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(0)
}

/// Bodies, accounts and tokens.
pub trait Directory: Send + Sync {
    /// Adds a body; [`StoreError::Exists`] if its code is taken.
    fn add_body(
        &self,
        body: &Body,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A body by code.
    fn body(&self, code: &str) -> impl Future<Output = Result<Option<Body>, StoreError>> + Send;

    /// Every body, by code.
    fn bodies(&self) -> impl Future<Output = Result<Vec<Body>, StoreError>> + Send;

    /// Adds an account; [`StoreError::Exists`] if the user name is taken.
    fn add_account(
        &self,
        account: &NewAccount,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Account, StoreError>> + Send;

    /// An account by user name.
    fn account(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<Account>, StoreError>> + Send;

    /// Every account, by user name.
    fn accounts(&self) -> impl Future<Output = Result<Vec<Account>, StoreError>> + Send;

    /// Replaces an account's password hash and activity; false if there is no such account.
    /// A new password revokes the account's sessions and calendar-feed tokens (API tokens
    /// belong to systems, not to the person); deactivating revokes every token.
    fn update_account(
        &self,
        username: &str,
        password_hash: Option<&str>,
        active: bool,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores a token (its digest only). A calendar-feed token replaces the account's
    /// previous ones (revoked in the same transaction): one live feed per account.
    fn add_token(
        &self,
        token: &NewToken,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The active account and the kind of a live token (not revoked, not expired at `now`).
    fn token(
        &self,
        digest: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<(Account, TokenKind)>, StoreError>> + Send;

    /// The whole directory (`arco export`).
    fn directory_dump(&self) -> impl Future<Output = Result<DirectoryDump, StoreError>> + Send;

    /// Loads a dump into an empty directory in one transaction, keeping account ids
    /// (`arco import` of an export); [`StoreError::Exists`] if the directory is not empty.
    fn directory_restore(
        &self,
        dump: &DirectoryDump,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every token of an account (digests, never secrets), oldest first; empty if there is
    /// no such account.
    fn tokens_of(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Vec<TokenRecord>, StoreError>> + Send;

    /// Revokes an account's live tokens of `kind` (every kind if `None`); how many.
    fn revoke_tokens(
        &self,
        username: &str,
        kind: Option<TokenKind>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The kind and bodies of a case, for a scope check that reads nothing else of it.
    fn case_scope(
        &self,
        folio: &str,
    ) -> impl Future<Output = Result<Option<CaseScope>, StoreError>> + Send;

    /// Revokes a token; false if it was unknown or already revoked.
    fn revoke_token(
        &self,
        digest: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
