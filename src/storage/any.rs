//! The database an install runs on, chosen by the URL's scheme.
//!
//! - `sqlite:RUTA` (or a plain path): the embedded default. The file is created and
//!   migrated when it is opened: nothing to set up.
//! - `postgres://...` or `postgresql://...`: for several arco processes on one database.
//!   Migrations are applied **explicitly**, with `arco migrate` ([`Database::migrate`]):
//!   [`Database::open`] refuses a PostgreSQL database with migrations pending (or applied
//!   by a newer arco) and says so, so that no process changes a shared schema behind the
//!   others' backs and the schema can be migrated by an owner with more privileges than
//!   the processes that use it.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    AlertKey, BatchAppend, CaseRecord, DueRow, InstallState, ListFilter, NewCase, NewEvent,
    OutboxItem, OutboxRow, PostgresStore, Projection, ReportCase, SqliteStore, Store, StoreError,
    StoredCase, StoredEvent, WrittenDates,
};

/// A migration applied by [`Database::migrate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationInfo {
    /// Its version (the number its file name starts with).
    pub version: i64,
    pub description: String,
}

/// What [`Database::migrate`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// The database did not exist and was created (PostgreSQL; a SQLite file is created
    /// whenever it is missing).
    pub created: bool,
    /// The migrations applied, in order (none when it was up to date).
    pub applied: Vec<MigrationInfo>,
}

/// The migrations of `migrator` that were not in `before` (versions applied before a run).
pub(crate) fn newly_applied(
    migrator: &sqlx::migrate::Migrator,
    before: &[i64],
) -> Vec<MigrationInfo> {
    let before: HashSet<i64> = before.iter().copied().collect();
    migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration() && !before.contains(&m.version))
        .map(|m| MigrationInfo {
            version: m.version,
            description: m.description.to_string(),
        })
        .collect()
}

/// Which backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:RUTA` or a plain path.
    Sqlite,
    /// `postgres://` or `postgresql://`.
    Postgres,
}

impl Backend {
    /// The backend of `url`: by its scheme (`sqlite:`, `postgres:`, `postgresql:`); a
    /// plain path is a SQLite file. Any other scheme is refused, naming it.
    pub fn of(url: &str) -> Result<Backend, StoreError> {
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s)
            // A single letter is a Windows drive, not a scheme.
            .filter(|s| {
                s.len() > 1
                    && s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            });
        match scheme.map(|s| s.to_ascii_lowercase()) {
            None => Ok(Backend::Sqlite),
            Some(s) if s == "sqlite" => Ok(Backend::Sqlite),
            Some(s) if s == "postgres" || s == "postgresql" => Ok(Backend::Postgres),
            Some(s) => Err(StoreError::Open {
                url: redact(url),
                message: format!(
                    "el esquema «{s}:» no se admite; use sqlite:RUTA (un archivo) o postgres://usuario@servidor/base (PostgreSQL)"
                ),
            }),
        }
    }

    /// The backend's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// `url` without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// A store on either backend; every [`Store`] method is the backend's.
#[derive(Debug, Clone)]
pub enum Database {
    /// An SQLite file (or memory).
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    Postgres(PostgresStore),
}

impl Database {
    /// Opens the database at `url`, choosing the backend by its scheme. A SQLite file is
    /// created and migrated if needed; a PostgreSQL database must be migrated already
    /// (`arco migrate`), else the error says so.
    pub async fn open(url: &str) -> Result<Database, StoreError> {
        Ok(match Backend::of(url)? {
            Backend::Sqlite => Database::Sqlite(SqliteStore::open(url).await?),
            Backend::Postgres => Database::Postgres(PostgresStore::open(url).await?),
        })
    }

    /// [`Database::open`] for a batch process that reads each page about once (the
    /// nightly alert run): on SQLite without a memory map and with a small page cache
    /// ([`SqliteStore::open_lean`]); on PostgreSQL the same as `open`.
    pub async fn open_lean(url: &str) -> Result<Database, StoreError> {
        Ok(match Backend::of(url)? {
            Backend::Sqlite => Database::Sqlite(SqliteStore::open_lean(url).await?),
            Backend::Postgres => Database::Postgres(PostgresStore::open(url).await?),
        })
    }

    /// Opens the database at `url` for reading it as one consistent snapshot (an export):
    /// one connection inside one read transaction (SQLite: a read transaction on a lean
    /// connection; PostgreSQL: `REPEATABLE READ READ ONLY`). Other processes may go on
    /// writing; nothing they write after this call is seen. End it with
    /// [`Database::end_snapshot`].
    pub async fn open_snapshot(url: &str) -> Result<Database, StoreError> {
        Ok(match Backend::of(url)? {
            Backend::Sqlite => Database::Sqlite(SqliteStore::open_snapshot(url).await?),
            Backend::Postgres => Database::Postgres(PostgresStore::open_snapshot(url).await?),
        })
    }

    /// Ends the snapshot of [`Database::open_snapshot`] and closes its connection; an error
    /// if the read transaction had not stayed open throughout.
    pub async fn end_snapshot(&self) -> Result<(), StoreError> {
        match self {
            Database::Sqlite(s) => s.end_snapshot().await,
            Database::Postgres(p) => p.end_snapshot().await,
        }
    }

    /// Applies the migrations the database at `url` lacks and returns them (none when it
    /// was up to date). On PostgreSQL the database is created first if it does not exist;
    /// several processes migrating at once are serialized by an advisory lock.
    pub async fn migrate(url: &str) -> Result<MigrationReport, StoreError> {
        match Backend::of(url)? {
            Backend::Sqlite => {
                let store = SqliteStore::connect(url).await?;
                let applied = store.migrate().await;
                store.pool().close().await;
                Ok(MigrationReport {
                    created: false,
                    applied: applied?,
                })
            }
            Backend::Postgres => {
                let created = PostgresStore::create_database(url).await?;
                let store = PostgresStore::connect(url).await?;
                let applied = store.migrate().await;
                store.pool().close().await;
                Ok(MigrationReport {
                    created,
                    applied: applied?,
                })
            }
        }
    }

    /// After a bulk load (`arco import`): refreshes PostgreSQL's planner statistics
    /// (`ANALYZE`), which autovacuum would gather only later; without them a freshly loaded
    /// install gets plans that scan every open term. Nothing to do on SQLite.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        match self {
            Database::Sqlite(_) => Ok(()),
            Database::Postgres(p) => sqlx::query("ANALYZE")
                .execute(p.pool())
                .await
                .map(|_| ())
                .map_err(|e| StoreError::Database(e.to_string())),
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Database::Sqlite(_) => Backend::Sqlite,
            Database::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection (waiting for queries under way).
    pub async fn close(&self) {
        match self {
            Database::Sqlite(s) => s.pool().close().await,
            Database::Postgres(p) => p.pool().close().await,
        }
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Database::Sqlite($s) => $call.await,
            Database::Postgres($s) => $call.await,
        }
    };
}

impl Store for Database {
    async fn create_case(
        &self,
        case: NewCase,
        events: Vec<NewEvent>,
        projection: Projection,
    ) -> Result<CaseRecord, StoreError> {
        delegate!(self, s => s.create_case(case, events, projection))
    }

    async fn load(&self, folio: &str) -> Result<(CaseRecord, Vec<StoredEvent>), StoreError> {
        delegate!(self, s => s.load(folio))
    }

    async fn append(
        &self,
        case: &CaseRecord,
        expected_version: i64,
        event: NewEvent,
        projection: Projection,
    ) -> Result<i64, StoreError> {
        delegate!(self, s => s.append(case, expected_version, event, projection))
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<CaseRecord>, StoreError> {
        delegate!(self, s => s.list(filter))
    }

    async fn linked(&self, folio: &str) -> Result<Vec<String>, StoreError> {
        delegate!(self, s => s.linked(folio))
    }

    async fn folios(&self) -> Result<Vec<String>, StoreError> {
        delegate!(self, s => s.folios())
    }

    async fn due_rows(&self, by: NaiveDate, as_of: NaiveDate) -> Result<Vec<DueRow>, StoreError> {
        delegate!(self, s => s.due_rows(by, as_of))
    }

    async fn count_due_rows(&self, by: NaiveDate, as_of: NaiveDate) -> Result<i64, StoreError> {
        delegate!(self, s => s.count_due_rows(by, as_of))
    }

    async fn list_listed(&self, filter: &ListFilter) -> Result<Vec<super::ListedCase>, StoreError> {
        delegate!(self, s => s.list_listed(filter))
    }

    async fn calendars(&self) -> Result<Vec<String>, StoreError> {
        delegate!(self, s => s.calendars())
    }

    async fn stray_terms(&self) -> Result<Vec<String>, StoreError> {
        delegate!(self, s => s.stray_terms())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        delegate!(self, s => s.ping())
    }

    async fn report_cases(
        &self,
        kind: &str,
        bodies: Option<&[String]>,
        from: NaiveDate,
        to: NaiveDate,
        after: i64,
        limit: u32,
    ) -> Result<Vec<ReportCase>, StoreError> {
        delegate!(self, s => s.report_cases(kind, bodies, from, to, after, limit))
    }

    async fn list_generation(&self, bodies: &[&str]) -> Result<i64, StoreError> {
        delegate!(self, s => s.list_generation(bodies))
    }

    async fn set_contact(
        &self,
        folio: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.set_contact(folio, email, now))
    }

    async fn forget_contact(&self, folio: &str) -> Result<bool, StoreError> {
        delegate!(self, s => s.forget_contact(folio))
    }

    async fn outbox_keys(&self, since: NaiveDate) -> Result<Vec<AlertKey>, StoreError> {
        delegate!(self, s => s.outbox_keys(since))
    }

    async fn outbox_add(
        &self,
        items: Vec<OutboxItem>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        delegate!(self, s => s.outbox_add(items, now))
    }

    async fn outbox_pending(&self) -> Result<Vec<OutboxRow>, StoreError> {
        delegate!(self, s => s.outbox_pending())
    }

    async fn outbox_sent(&self, ids: &[i64], at: DateTime<Utc>) -> Result<(), StoreError> {
        delegate!(self, s => s.outbox_sent(ids, at))
    }

    async fn outbox_failed(
        &self,
        ids: &[i64],
        error: &str,
        permanent: bool,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.outbox_failed(ids, error, permanent))
    }

    async fn claim_night(
        &self,
        night: NaiveDate,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.claim_night(night, holder, now))
    }

    async fn finish_night(&self, night: NaiveDate, now: DateTime<Utc>) -> Result<(), StoreError> {
        delegate!(self, s => s.finish_night(night, now))
    }

    async fn claim_tick(
        &self,
        tick: &str,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.claim_tick(tick, holder, now))
    }

    async fn finish_tick(&self, tick: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        delegate!(self, s => s.finish_tick(tick, now))
    }

    async fn last_night(&self) -> Result<Option<NaiveDate>, StoreError> {
        delegate!(self, s => s.last_night())
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        delegate!(self, s => s.is_empty())
    }

    async fn dump_cases(&self, after: i64, limit: u32) -> Result<Vec<StoredCase>, StoreError> {
        delegate!(self, s => s.dump_cases(after, limit))
    }

    async fn restore_cases(&self, cases: &[StoredCase]) -> Result<(), StoreError> {
        delegate!(self, s => s.restore_cases(cases))
    }

    async fn install_state(&self) -> Result<InstallState, StoreError> {
        delegate!(self, s => s.install_state())
    }

    async fn restore_state(&self, state: &InstallState) -> Result<(), StoreError> {
        delegate!(self, s => s.restore_state(state))
    }

    async fn last_case_id(&self) -> Result<Option<i64>, StoreError> {
        delegate!(self, s => s.last_case_id())
    }

    async fn open_dates_on(
        &self,
        calendar: &str,
        after: i64,
        through: i64,
        limit: u32,
    ) -> Result<Vec<WrittenDates>, StoreError> {
        delegate!(self, s => s.open_dates_on(calendar, after, through, limit))
    }

    async fn cases_by_id(&self, ids: &[i64]) -> Result<Vec<StoredCase>, StoreError> {
        delegate!(self, s => s.cases_by_id(ids))
    }

    async fn open_cases_on(
        &self,
        calendar: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredCase>, StoreError> {
        delegate!(self, s => s.open_cases_on(calendar, after, limit))
    }

    async fn append_batch(&self, writes: &[BatchAppend]) -> Result<(), StoreError> {
        delegate!(self, s => s.append_batch(writes))
    }
}

impl super::Directory for Database {
    async fn add_body(
        &self,
        body: &crate::accounts::Body,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.add_body(body, now))
    }

    async fn body(&self, code: &str) -> Result<Option<crate::accounts::Body>, StoreError> {
        delegate!(self, s => s.body(code))
    }

    async fn bodies(&self) -> Result<Vec<crate::accounts::Body>, StoreError> {
        delegate!(self, s => s.bodies())
    }

    async fn add_account(
        &self,
        account: &crate::accounts::NewAccount,
        now: DateTime<Utc>,
    ) -> Result<crate::accounts::Account, StoreError> {
        delegate!(self, s => s.add_account(account, now))
    }

    async fn account(
        &self,
        username: &str,
    ) -> Result<Option<crate::accounts::Account>, StoreError> {
        delegate!(self, s => s.account(username))
    }

    async fn accounts(&self) -> Result<Vec<crate::accounts::Account>, StoreError> {
        delegate!(self, s => s.accounts())
    }

    async fn update_account(
        &self,
        username: &str,
        password_hash: Option<&str>,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        delegate!(self, s => s.update_account(username, password_hash, active, now))
    }

    async fn add_token(
        &self,
        token: &crate::accounts::NewToken,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.add_token(token, now))
    }

    async fn token(
        &self,
        digest: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(crate::accounts::Account, crate::accounts::TokenKind)>, StoreError> {
        delegate!(self, s => s.token(digest, now))
    }

    async fn directory_dump(&self) -> Result<super::directory::DirectoryDump, StoreError> {
        delegate!(self, s => s.directory_dump())
    }

    async fn directory_restore(
        &self,
        dump: &super::directory::DirectoryDump,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.directory_restore(dump))
    }

    async fn revoke_token(&self, digest: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        delegate!(self, s => s.revoke_token(digest, now))
    }

    async fn tokens_of(
        &self,
        username: &str,
    ) -> Result<Vec<super::directory::TokenRecord>, StoreError> {
        delegate!(self, s => s.tokens_of(username))
    }

    async fn revoke_tokens(
        &self,
        username: &str,
        kind: Option<crate::accounts::TokenKind>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        delegate!(self, s => s.revoke_tokens(username, kind, now))
    }

    async fn case_scope(
        &self,
        folio: &str,
    ) -> Result<Option<super::directory::CaseScope>, StoreError> {
        delegate!(self, s => s.case_scope(folio))
    }
}

impl super::AdminStore for Database {
    async fn record_admin(
        &self,
        folio: &str,
        entry: &crate::expediente::admin::AdminEntry,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<crate::expediente::admin::AdminRecord, StoreError> {
        delegate!(self, s => s.record_admin(folio, entry, by, at))
    }

    async fn admin_records(
        &self,
        folio: &str,
    ) -> Result<Vec<crate::expediente::admin::AdminRecord>, StoreError> {
        delegate!(self, s => s.admin_records(folio))
    }

    async fn add_note(
        &self,
        folio: &str,
        author: &str,
        at: DateTime<Utc>,
        text: &crate::expediente::notes::NoteText,
        corrects: Option<i64>,
    ) -> Result<crate::expediente::notes::Note, StoreError> {
        delegate!(self, s => s.add_note(folio, author, at, text, corrects))
    }

    async fn notes(&self, folio: &str) -> Result<Vec<crate::expediente::notes::Note>, StoreError> {
        delegate!(self, s => s.notes(folio))
    }

    async fn forget_notes(&self, folio: &str) -> Result<u64, StoreError> {
        delegate!(self, s => s.forget_notes(folio))
    }

    async fn dump_expediente(&self) -> Result<super::admin::ExpedienteDump, StoreError> {
        delegate!(self, s => s.dump_expediente())
    }

    async fn restore_expediente(
        &self,
        dump: &super::admin::ExpedienteDump,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.restore_expediente(dump))
    }
}

impl super::DocumentStore for Database {
    async fn add_document(
        &self,
        doc: &crate::expediente::documents::NewDocument,
        content: Option<&[u8]>,
    ) -> Result<crate::expediente::documents::DocumentMeta, StoreError> {
        delegate!(self, s => s.add_document(doc, content))
    }

    async fn documents(
        &self,
        folio: &str,
    ) -> Result<Vec<crate::expediente::documents::DocumentMeta>, StoreError> {
        delegate!(self, s => s.documents(folio))
    }

    async fn document(
        &self,
        folio: &str,
        id: i64,
    ) -> Result<Option<crate::expediente::documents::DocumentMeta>, StoreError> {
        delegate!(self, s => s.document(folio, id))
    }

    async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        delegate!(self, s => s.blob(sha256))
    }

    async fn purge_candidates(&self) -> Result<Vec<super::documents::PurgeCandidate>, StoreError> {
        delegate!(self, s => s.purge_candidates())
    }

    async fn mark_purged(
        &self,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<super::documents::Purged, StoreError> {
        delegate!(self, s => s.mark_purged(id, by, at))
    }

    async fn all_documents(
        &self,
    ) -> Result<Vec<crate::expediente::documents::DocumentMeta>, StoreError> {
        delegate!(self, s => s.all_documents())
    }

    async fn restore_document(
        &self,
        doc: &crate::expediente::documents::DocumentMeta,
        content: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.restore_document(doc, content))
    }
}

impl super::SocialStore for Database {
    async fn add_social_account(
        &self,
        body: &str,
        platform: &str,
        handle: &str,
        first: &super::social::AccountChange,
        data: &str,
    ) -> Result<i64, StoreError> {
        delegate!(self, s => s.add_social_account(body, platform, handle, first, data))
    }

    async fn change_social_account(
        &self,
        id: i64,
        version: i64,
        change: &super::social::AccountChange,
        data: &str,
        gestor: Option<&super::social::GestorName>,
    ) -> Result<i64, StoreError> {
        delegate!(self, s => s.change_social_account(id, version, change, data, gestor))
    }

    async fn social_account(
        &self,
        id: i64,
    ) -> Result<Option<super::social::AccountWithHistory>, StoreError> {
        delegate!(self, s => s.social_account(id))
    }

    async fn social_accounts(
        &self,
        bodies: Option<&[String]>,
    ) -> Result<Vec<(super::social::StoredAccount, Vec<super::social::GestorName>)>, StoreError>
    {
        delegate!(self, s => s.social_accounts(bodies))
    }

    async fn restore_social_account(
        &self,
        account: &super::social::StoredAccount,
        platform: &str,
        handle: &str,
        changes: &[super::social::AccountChange],
        gestores: &[super::social::GestorName],
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.restore_social_account(account, platform, handle, changes, gestores))
    }

    async fn erase_social_gestor(
        &self,
        id: i64,
        gestor: i64,
        data: &str,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.erase_social_gestor(id, gestor, data))
    }

    async fn set_publication(
        &self,
        record: &super::social::PublicationRecord,
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.set_publication(record))
    }

    async fn publication(
        &self,
        folio: &str,
    ) -> Result<Option<super::social::PublicationRecord>, StoreError> {
        delegate!(self, s => s.publication(folio))
    }

    async fn publications(&self) -> Result<Vec<super::social::PublicationRecord>, StoreError> {
        delegate!(self, s => s.publications())
    }

    async fn forget_publication(&self, folio: &str) -> Result<bool, StoreError> {
        delegate!(self, s => s.forget_publication(folio))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(Backend::of("sqlite:arco.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("arco.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of("/var/lib/arco/arco.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::of("postgres://arco@db/arco").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::of("postgresql://arco@db/arco").unwrap(),
            Backend::Postgres
        );
        let e = Backend::of("mysql://root:secreto@db/arco")
            .unwrap_err()
            .to_string();
        assert!(e.contains("el esquema «mysql:» no se admite"), "{e}");
        assert!(
            e.contains("sqlite:RUTA") && e.contains("postgres://"),
            "{e}"
        );
        assert!(!e.contains("secreto"), "{e}");
    }

    #[test]
    fn passwords_are_left_out_of_messages() {
        assert_eq!(
            redact("postgres://arco:clave@db:5432/arco?pool_size=5"),
            "postgres://arco:***@db:5432/arco?pool_size=5"
        );
        assert_eq!(redact("postgres://arco@db/arco"), "postgres://arco@db/arco");
        assert_eq!(redact("sqlite:arco.db"), "sqlite:arco.db");
    }
}
