//! Storage of the register of social-media accounts (issue 18), behind its own trait
//! beside [`super::Store`], one implementation per database: the account as rebuilt (its
//! projection, JSON), its history (one row per change, never changed nor deleted), and the
//! gestores' names apart from the history, where they can be erased.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;
use crate::case::Role;

/// An account as stored: its number, body, version and projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    pub id: i64,
    pub body: String,
    pub version: i64,
    /// The account rebuilt from its history, as JSON.
    pub data: String,
}

/// One change of an account's history, to write or as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountChange {
    pub seq: i64,
    /// The change as JSON, without the gestores' names (see [`GestorName`]).
    pub change: String,
    pub effective_on: NaiveDate,
    pub actor: String,
    pub role: Role,
    pub recorded_at: DateTime<Utc>,
}

/// A gestor's name, position and e-mail address, kept apart from the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GestorName {
    pub gestor: i64,
    pub name: String,
    pub position: Option<String>,
    /// Where the account's alerts reach them (the fulfilment of a request about one of
    /// its posts; the reminder to change the passwords).
    pub email: Option<String>,
}

/// What a request about a publication points to, and what was done to the post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationRecord {
    pub folio: String,
    pub account_id: i64,
    /// The post's address or id on the platform.
    pub post: String,
    /// When the titular (or the UT) captured it, as given.
    pub captured_at: Option<String>,
    /// What was done to the post (`edited`, `removed`, `media_removed`, `blocked`).
    pub action: Option<String>,
    /// Whether a preservation record of the post exists (`002_…`, Décima séptima).
    pub preserved: Option<bool>,
    pub acted_on: Option<NaiveDate>,
    pub acted_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// An account with its history (in order) and its gestores' names.
pub type AccountWithHistory = (StoredAccount, Vec<AccountChange>, Vec<GestorName>);

/// The register of accounts.
pub trait SocialStore: Send + Sync {
    /// Enters an account of `body` with its first change; [`StoreError::Exists`] if the
    /// platform already has that handle in the register.
    fn add_social_account(
        &self,
        body: &str,
        platform: &str,
        handle: &str,
        first: &AccountChange,
        data: &str,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Appends a change to the account `id` at the version read (a
    /// [`StoreError::Conflict`] if another writer went first) with its new projection and,
    /// for a new gestor, their name; returns the new version.
    fn change_social_account(
        &self,
        id: i64,
        version: i64,
        change: &AccountChange,
        data: &str,
        gestor: Option<&GestorName>,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// An account with its history (in order) and its gestores' names.
    fn social_account(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<AccountWithHistory>, StoreError>> + Send;

    /// The accounts of `bodies` (every body's with `None`), by body, platform and handle,
    /// each with its gestores' names.
    fn social_accounts(
        &self,
        bodies: Option<&[String]>,
    ) -> impl Future<Output = Result<Vec<(StoredAccount, Vec<GestorName>)>, StoreError>> + Send;

    /// Writes an account exactly as exported (its number, version, projection, history
    /// and gestores' names), in one transaction: for `arco import` into an empty database.
    fn restore_social_account(
        &self,
        account: &StoredAccount,
        platform: &str,
        handle: &str,
        changes: &[AccountChange],
        gestores: &[GestorName],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Erases gestor `gestor`'s name and position from the account `id` (the history,
    /// which names the gestor by number, is untouched) and stores the projection `data`
    /// without them; [`StoreError::NotFound`] if there is no such gestor.
    fn erase_social_gestor(
        &self,
        id: i64,
        gestor: i64,
        data: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records (or replaces) what the request `folio` is about: an account of the register
    /// and a post; [`StoreError::NotFound`] if there is no such case or account.
    fn set_publication(
        &self,
        record: &PublicationRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// What the request `folio` is about, if it is about a publication.
    fn publication(
        &self,
        folio: &str,
    ) -> impl Future<Output = Result<Option<PublicationRecord>, StoreError>> + Send;

    /// Every publication record (for an export).
    fn publications(
        &self,
    ) -> impl Future<Output = Result<Vec<PublicationRecord>, StoreError>> + Send;

    /// Erases what the request `folio` pointed to; false if there was nothing.
    fn forget_publication(
        &self,
        folio: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
