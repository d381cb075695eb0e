//! Storage of bodies, accounts and tokens (the directory `arco serve` authenticates
//! against), behind its own trait beside [`super::Store`], one implementation per database.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::accounts::{Account, Body, NewAccount, NewToken, TokenKind};

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
    /// Deactivating also revokes every token of the account.
    fn update_account(
        &self,
        username: &str,
        password_hash: Option<&str>,
        active: bool,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores a token (its digest only).
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

    /// Revokes a token; false if it was unknown or already revoked.
    fn revoke_token(
        &self,
        digest: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
