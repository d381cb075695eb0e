//! Storage: the append-only log of acts and the projection of every case, behind one
//! trait with one implementation per database. Nothing here knows the law; the procedures
//! never see SQL.
//!
//! Every write is one transaction: a case with its first act, or one more act with the
//! projection it leads to. A write names the version (number of acts) it read; if another
//! write got there first, it fails with [`StoreError::Conflict`] and nothing is written.
//!
//! Two backends, chosen by the database URL's scheme through [`Database`]: SQLite
//! ([`SqliteStore`], `sqlite:RUTA`, the embedded default, migrated on open) and PostgreSQL
//! ([`PostgresStore`], `postgres://...`, for several arco processes on one database,
//! migrated explicitly with `arco migrate`). [`transfer`] moves a whole install between
//! them.

pub mod admin;
pub mod any;
pub mod directory;
pub mod documents;
pub mod postgres;
mod postgres_admin;
mod postgres_directory;
mod postgres_documents;
mod postgres_social;
pub mod private;
pub mod social;
pub mod sqlite;
mod sqlite_admin;
mod sqlite_directory;
mod sqlite_documents;
mod sqlite_social;
pub mod transfer;

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use thiserror::Error;

use crate::case::{DeadlineStatus, Role};
use crate::rules::TermId;

pub use admin::AdminStore;
pub use any::{Backend, Database, MigrationInfo, MigrationReport};
pub use directory::Directory;
pub use documents::{BlobPlace, DocumentStore};
pub use postgres::PostgresStore;
pub use social::SocialStore;
pub use sqlite::SqliteStore;

/// Why storage failed. Messages are Spanish: staff see them.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "otra persona registró un acto en el expediente {folio} mientras usted trabajaba (versión {expected}, ahora {actual}); vuelva a cargarlo e intente de nuevo"
    )]
    Conflict {
        folio: String,
        expected: i64,
        actual: i64,
    },
    #[error("no existe el expediente «{0}»")]
    NotFound(String),
    #[error("ya existe un expediente con el folio «{0}»")]
    DuplicateFolio(String),
    #[error("ya existe {0}")]
    Exists(String),
    #[error("la base de datos «{url}» no se pudo abrir: {message}")]
    Open { url: String, message: String },
    #[error("error de la base de datos: {0}")]
    Database(String),
    #[error("dato almacenado ilegible en {what}: {message}")]
    Corrupt { what: String, message: String },
}

/// A case to create.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub body: String,
    pub kind: String,
    /// The case this one is linked to (an appeal's request).
    pub parent: Option<String>,
    pub calendar: String,
    pub rulebook: String,
    /// The folio; `None` asks the store for the next one of `folio_format`.
    pub folio: Option<String>,
    pub folio_format: FolioFormat,
    /// The folio sequence the number is drawn from (a row of `folio_counters`, per
    /// year); `None`: the body's own. A kind of case numbered apart from the body's
    /// requests (its security breaches) names its own.
    pub sequence: Option<String>,
    /// The effective filing date; its year picks the folio sequence.
    pub filed_on: NaiveDate,
}

/// One act to append to the log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub act: String,
    /// The act with its data, as JSON.
    pub payload: Value,
    pub actor: String,
    pub role: Role,
    /// When the act happened, as recorded (RFC 3339, a local date-time or a date).
    pub occurred_at: String,
    pub effective_on: NaiveDate,
    pub late: bool,
    pub recorded_at: DateTime<Utc>,
    pub rulebook: String,
}

/// One act as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub event: NewEvent,
}

/// One term of the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRow {
    pub term: TermId,
    pub day0: NaiveDate,
    pub days: u32,
    pub due: NaiveDate,
    /// As of the last act: pending, met, late or void.
    pub status: DeadlineStatus,
    pub done: Option<NaiveDate>,
    pub optional: bool,
    pub article: String,
}

/// The projection written with each act.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub state: String,
    pub data: Value,
    pub deadlines: Vec<DeadlineRow>,
    pub listing: Listing,
}

/// What a list reads of a case instead of its whole projection (columns of `cases`,
/// written in the same transaction as the projection and checked by `arco verify`): with
/// the open terms, enough to tell the state and the next and overdue terms on any date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// The right exercised (a request's), by its name.
    pub right: Option<String>,
    /// The last date on which the stored state holds; after it, time alone makes the
    /// state `then_state` (see [`crate::case::TimeChange`]). `None`: only an act changes it.
    pub holds_until: Option<NaiveDate>,
    pub then_state: Option<String>,
    /// After `holds_until`, the case owes nothing more.
    pub then_stops: bool,
    /// The folio another system gave a request (the PNT's, art. 49.1), for the search by
    /// it: written when the case is filed or imported, never by an act (only the filing
    /// says how a request came in), so an act's update leaves its index alone.
    pub external_folio: Option<String>,
    /// False for a case written before these columns existed (its list line is computed
    /// from the whole projection until its next act).
    pub written: bool,
}

/// The folio another system gave a request, as its projection holds it (see
/// [`Listing::external_folio`]).
pub(crate) fn external_folio_of(data: &Value) -> Option<String> {
    data.pointer("/reception/external_folio")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A case as a list reads it: its record without the projection's data, and its open
/// terms (status pending as of its last act) that can still count on the filter's date:
/// every duty, and the powers not past `optional_from` (a power past its due date is void).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedCase {
    pub id: i64,
    pub folio: String,
    pub body: String,
    pub kind: String,
    pub parent: Option<String>,
    pub calendar: String,
    pub rulebook: String,
    pub filed_on: NaiveDate,
    pub state: String,
    pub listing: Listing,
    pub open: Vec<DeadlineRow>,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub id: i64,
    pub folio: String,
    pub body: String,
    pub kind: String,
    pub parent: Option<String>,
    pub calendar: String,
    pub rulebook: String,
    pub version: i64,
    pub filed_on: NaiveDate,
    pub projection: Projection,
}

/// What `arco calendar apply` reads of an open case before deciding whether to rebuild it
/// (see [`crate::request::Request::counts_alike`]): no projection data, no payloads.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenDates {
    pub id: i64,
    pub kind: String,
    pub calendar: String,
    pub rulebook: String,
    /// A request's acts: each one's moment as recorded and the effective date recorded
    /// with it. `None` for other kinds, and for a request whose log holds a calendar
    /// change (its recorded effective dates may be an earlier calendar's: it is rebuilt).
    pub acts: Option<Vec<(String, NaiveDate)>>,
    /// A request's terms as its projection wrote them (empty for other kinds).
    pub terms: Vec<crate::case::WrittenTerm>,
}

impl WrittenDates {
    /// The dates of case `id` from the JSON the stores aggregate: `terms` an array of
    /// `[term, day0, days, due]`, `acts` an array of `[occurred_at, effective_on]`.
    pub fn from_json(
        id: i64,
        kind: String,
        calendar: String,
        rulebook: String,
        terms: Option<&str>,
        acts: Option<&str>,
    ) -> Result<WrittenDates, StoreError> {
        let corrupt = |what: &str, e: String| StoreError::Corrupt {
            what: format!("{what} del expediente {id}"),
            message: e,
        };
        let terms: Vec<(String, NaiveDate, u32, NaiveDate)> = match terms {
            Some(t) => serde_json::from_str(t).map_err(|e| corrupt("deadlines", e.to_string()))?,
            None => Vec::new(),
        };
        let terms = terms
            .into_iter()
            .map(|(term, from, days, due)| {
                Ok(crate::case::WrittenTerm {
                    term: term
                        .parse()
                        .map_err(|_| corrupt("deadlines.term", format!("«{term}»")))?,
                    from,
                    days,
                    due,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let acts = acts
            .map(|a| serde_json::from_str(a).map_err(|e| corrupt("events", e.to_string())))
            .transpose()?;
        Ok(WrittenDates {
            id,
            kind,
            calendar,
            rulebook,
            acts,
            terms,
        })
    }
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub body: Option<String>,
    pub kind: Option<String>,
    /// Only cases linked to this one (the appeals of a request).
    pub parent: Option<String>,
    /// Only cases counted on this calendar.
    pub calendar: Option<String>,
    /// Only cases in one of these states (as stored, after their last act).
    pub states: Vec<String>,
    /// Only cases in none of these states (as stored).
    pub exclude_states: Vec<String>,
    /// Only cases with an open term due on or before this date; an optional term (a
    /// power: a prevention, the titular's appeal window) counts only if due on or after
    /// `optional_from`, so powers long past do not make a case due.
    pub due_by: Option<NaiveDate>,
    /// See `due_by` (none: every open term counts).
    pub optional_from: Option<NaiveDate>,
    pub limit: Option<u32>,
    /// Cases after this folio (pagination).
    pub after: Option<String>,
    /// Only cases linked to a case of this body (the appeals against a body's requests).
    pub parent_body: Option<String>,
    /// Only cases in this account's charge: assigned to it, or filed by it and assigned
    /// to nobody (issue 14: "mis casos" means assigned to me).
    pub in_charge: Option<String>,
    /// Only requests with this folio of another system (the PNT's, art. 49.1).
    pub external_folio: Option<String>,
    /// Only cases with this term open (status pending), whatever its due date.
    pub term: Option<TermId>,
    /// Leaves out cases that time has stopped by this date (their `holds_until` passed
    /// and they then owe nothing): a due list need not read them.
    pub skip_stopped_by: Option<NaiveDate>,
}

/// Folio format: `{body}`, `{year}` and `{seq}` (or `{seq:0N}`, zero-padded to N digits).
/// Art. 58 wants a unique progressive number per admitted request; arco numbers every
/// request per body and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolioFormat(String);

impl Default for FolioFormat {
    fn default() -> Self {
        FolioFormat("{body}-ARCO-{year}-{seq:05}".to_string())
    }
}

impl FolioFormat {
    /// The default for appeals: `{body}-RR-{year}-{seq:05}` (recurso de revisión).
    pub fn appeals() -> FolioFormat {
        FolioFormat("{body}-RR-{year}-{seq:05}".to_string())
    }

    /// The default for security breaches: `{body}-VS-{year}-{seq:05}` (vulneración de
    /// seguridad), numbered apart from the body's requests.
    pub fn breaches() -> FolioFormat {
        FolioFormat("{body}-VS-{year}-{seq:05}".to_string())
    }

    /// Checks a format: it must hold `{year}` and `{seq}` and no other placeholder.
    pub fn parse(s: &str) -> Result<FolioFormat, String> {
        let f = FolioFormat(s.to_string());
        if !s.contains("{year}") {
            return Err(format!(
                "formato de folio «{s}»: falta {{year}} (la numeración es por año)"
            ));
        }
        let probe = f.render("B", 2026, 1)?;
        if probe.contains('{') || probe.contains('}') {
            return Err(format!(
                "formato de folio «{s}»: solo se admiten {{body}}, {{year}} y {{seq}} o {{seq:0N}}"
            ));
        }
        if !s.contains("{seq") {
            return Err(format!(
                "formato de folio «{s}»: falta {{seq}}, el número progresivo"
            ));
        }
        Ok(f)
    }

    /// The folio for sequence number `seq` of `body` in `year`.
    pub fn render(&self, body: &str, year: i32, seq: i64) -> Result<String, String> {
        let mut out = self
            .0
            .replace("{body}", body)
            .replace("{year}", &year.to_string());
        while let Some(start) = out.find("{seq") {
            let end = out[start..]
                .find('}')
                .map(|e| start + e)
                .ok_or_else(|| format!("formato de folio «{}»: llave sin cerrar", self.0))?;
            let spec = &out[start + 4..end];
            let width = match spec.strip_prefix(":0") {
                Some(w) => w
                    .parse::<usize>()
                    .ok()
                    .filter(|w| *w <= 12)
                    .ok_or_else(|| {
                        format!("formato de folio «{}»: ancho inválido «{spec}»", self.0)
                    })?,
                None if spec.is_empty() => 0,
                None => {
                    return Err(format!(
                        "formato de folio «{}»: «{{seq{spec}}}» no se entiende",
                        self.0
                    ));
                }
            };
            out.replace_range(start..=end, &format!("{seq:0width$}"));
        }
        Ok(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An open, non-optional term near its due date, with what an alert needs about its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRow {
    pub folio: String,
    pub body: String,
    pub kind: String,
    pub calendar: String,
    pub rulebook: String,
    /// The case's state after its last act.
    pub state: String,
    /// The account that filed the case: the staff member in charge.
    pub in_charge: String,
    /// The titular's address, when the titular asked for alerts.
    pub titular: Option<String>,
    /// A power rather than a duty (only read for the titular's alerts).
    pub optional: bool,
    pub term: TermId,
    pub due: NaiveDate,
    pub article: String,
}

/// An alert to one recipient, keyed by case, term, due date, threshold and recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub folio: String,
    pub term: TermId,
    pub due: NaiveDate,
    /// Business days before the due date (0: the due day; negative: overdue).
    pub threshold: i32,
    pub recipient: String,
    /// What the message shows (JSON).
    pub item: Value,
}

/// The key of an alert: case folio, term, due date, threshold, recipient.
pub type AlertKey = (String, TermId, NaiveDate, i32, String);

/// An alert in the outbox, not yet accepted by the mail server.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: i64,
    pub item: OutboxItem,
    pub attempts: i64,
}

/// A folio sequence: the last number given to a body in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolioCounter {
    pub body: String,
    pub year: i32,
    pub last: i64,
}

/// The titular's address for alerts on one case, as stored (apart from the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub folio: String,
    pub email: String,
    pub recorded_at: DateTime<Utc>,
}

/// An alert in the outbox with its whole delivery record (any status).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRecord {
    pub id: i64,
    pub item: OutboxItem,
    /// `pending`, `sent`, `failed` or `superseded`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A nightly alert run as claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRun {
    pub night: NaiveDate,
    pub holder: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Everything an install holds besides its cases: folio sequences, the titulars' contacts,
/// the outbox and the nightly runs (for an export, in this order of tables).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstallState {
    pub counters: Vec<FolioCounter>,
    pub contacts: Vec<Contact>,
    /// Ordered by id.
    pub outbox: Vec<OutboxRecord>,
    /// Ordered by night.
    pub runs: Vec<AlertRun>,
}

/// A case as a report reads it: its columns, the body of the case it is linked to (an
/// appeal's request) and its projection's data as stored (JSON text, parsed by the
/// procedure that owns it).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCase {
    pub id: i64,
    pub folio: String,
    pub body: String,
    pub parent_body: Option<String>,
    pub calendar: String,
    pub rulebook: String,
    pub data: String,
}

/// A case with its whole log, as stored.
pub type StoredCase = (CaseRecord, Vec<StoredEvent>);

/// One case's write in a batch ([`Store::append_batch`]): one more act at the version
/// read, and the projection it leads to.
#[derive(Debug, Clone)]
pub struct BatchAppend {
    pub id: i64,
    pub folio: String,
    pub expected_version: i64,
    pub event: NewEvent,
    pub projection: Projection,
}

/// The storage every backend provides.
pub trait Store: Send + Sync {
    /// Creates a case with its first acts (a filing, or a whole imported history) in one
    /// transaction, assigning the next folio unless one is given.
    fn create_case(
        &self,
        case: NewCase,
        events: Vec<NewEvent>,
        projection: Projection,
    ) -> impl Future<Output = Result<CaseRecord, StoreError>> + Send;

    /// A case and its whole log.
    fn load(
        &self,
        folio: &str,
    ) -> impl Future<Output = Result<(CaseRecord, Vec<StoredEvent>), StoreError>> + Send;

    /// Appends one act if the case is still at `expected_version`, and writes the new
    /// projection, in one transaction.
    fn append(
        &self,
        case: &CaseRecord,
        expected_version: i64,
        event: NewEvent,
        projection: Projection,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Cases matching a filter, ordered by folio.
    fn list(
        &self,
        filter: &ListFilter,
    ) -> impl Future<Output = Result<Vec<CaseRecord>, StoreError>> + Send;

    /// As [`Store::list`], reading only what a list line needs: the record's columns and
    /// the open terms, never the projection's data.
    fn list_listed(
        &self,
        filter: &ListFilter,
    ) -> impl Future<Output = Result<Vec<ListedCase>, StoreError>> + Send;

    /// The folios of the cases linked to `folio` (a request's appeals), in order.
    fn linked(&self, folio: &str) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Every folio, in order (for `arco verify`).
    fn folios(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Open, non-optional terms due on or before `by`, with their cases, leaving out the
    /// terms overdue on `as_of` whose overdue alert was already written.
    fn due_rows(
        &self,
        by: NaiveDate,
        as_of: NaiveDate,
    ) -> impl Future<Output = Result<Vec<DueRow>, StoreError>> + Send;

    /// How many rows [`Store::due_rows`] would return (the floor of an alert run).
    fn count_due_rows(
        &self,
        by: NaiveDate,
        as_of: NaiveDate,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// The calendars the cases are counted on.
    fn calendars(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// The folios whose open terms carry another body or kind than their case (the copy
    /// the due lists' index reads), for `arco verify`.
    fn stray_terms(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// A trivial query, for health checks: constant work, whatever the database holds.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The sum of the list generations of `bodies` (migration
    /// `20261202000004_list_generations`): every write of a case of one of them, or of an
    /// appeal against one, or of an assignment, raises it in the same transaction. A list
    /// of these bodies kept in memory is current while this number is unchanged.
    fn list_generation(
        &self,
        bodies: &[&str],
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Records (or replaces) the titular's address for alerts on case `folio`; kept apart
    /// from the log, so it can be erased.
    fn set_contact(
        &self,
        folio: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Erases the titular's address of case `folio`; true if there was one.
    fn forget_contact(&self, folio: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The keys of every alert already in the outbox (any status) for terms due on or
    /// after `since`.
    fn outbox_keys(
        &self,
        since: NaiveDate,
    ) -> impl Future<Output = Result<Vec<AlertKey>, StoreError>> + Send;

    /// Writes new alerts (a key already present is left as it is) and supersedes unsent
    /// alerts of the same case and term for another due date, in one transaction. Returns
    /// how many were new.
    fn outbox_add(
        &self,
        items: Vec<OutboxItem>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Every alert not yet sent (nor failed for good), oldest first.
    fn outbox_pending(&self) -> impl Future<Output = Result<Vec<OutboxRow>, StoreError>> + Send;

    /// Marks alerts as accepted by the mail server.
    fn outbox_sent(
        &self,
        ids: &[i64],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records a failed attempt; `permanent` failures are not retried.
    fn outbox_failed(
        &self,
        ids: &[i64],
        error: &str,
        permanent: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Claims the nightly run of `night` for `holder`; false if it was already claimed.
    fn claim_night(
        &self,
        night: NaiveDate,
        holder: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records the end of a night's run.
    fn finish_night(
        &self,
        night: NaiveDate,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The last night claimed.
    fn last_night(&self) -> impl Future<Output = Result<Option<NaiveDate>, StoreError>> + Send;

    /// Claims the short alert run `tick` (e.g. `breach:2026-12-03T14:00Z`) for `holder`;
    /// false if another process claimed it already.
    fn claim_tick(
        &self,
        tick: &str,
        holder: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records the end of a tick's run.
    fn finish_tick(
        &self,
        tick: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Up to `limit` cases of `kind` whose filing took effect from `from` to `to` (both
    /// included), in id order after the case id `after` (0 for the first page). For
    /// reports: one page at a time, so a year of a large install is never all in memory.
    /// With `bodies`, only the cases of those bodies, or linked to a case of one of them
    /// (the appeals against their requests); `None`: every body.
    fn report_cases(
        &self,
        kind: &str,
        bodies: Option<&[String]>,
        from: NaiveDate,
        to: NaiveDate,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ReportCase>, StoreError>> + Send;

    /// True when the database holds nothing: no case, folio sequence, contact, alert or
    /// nightly run (the only target an export is loaded into).
    fn is_empty(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Up to `limit` cases with their logs, exactly as stored, in id order, starting after
    /// the case id `after` (0 for the first page). For exports.
    fn dump_cases(
        &self,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredCase>, StoreError>> + Send;

    /// Writes cases exactly as they were dumped, ids, versions, logs and projections
    /// included, in one transaction; the folio sequences are left alone. A folio already
    /// present fails the whole batch with [`StoreError::DuplicateFolio`].
    fn restore_cases(
        &self,
        cases: &[StoredCase],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Everything the install holds besides its cases.
    fn install_state(&self) -> impl Future<Output = Result<InstallState, StoreError>> + Send;

    /// Writes folio sequences (never moving one back), contacts, outbox rows (with their
    /// ids and statuses) and nightly runs exactly as dumped, in one transaction.
    fn restore_state(
        &self,
        state: &InstallState,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    // Whole-install operations (issue 20): pages read by key, writes in bounded batches.

    /// Up to `limit` open cases counted on `calendar` (cases with at least one pending
    /// term), with their logs exactly as stored, in id order after the case id `after` (0
    /// for the first page). For `arco calendar apply`: one page at a time.
    fn open_cases_on(
        &self,
        calendar: &str,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredCase>, StoreError>> + Send;

    /// The greatest case id (`None` with no case): where whole-install work that reads
    /// ranges of ids at once ends.
    fn last_case_id(&self) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;

    /// Up to `limit` open cases counted on `calendar`, as [`Store::open_cases_on`]
    /// selects them, with only their recorded dates, in id order after `after` and up to
    /// `through`: for `arco calendar apply` to tell which ones a new calendar can move
    /// before reading those whole. Ranges that do not overlap can be read at once.
    fn open_dates_on(
        &self,
        calendar: &str,
        after: i64,
        through: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WrittenDates>, StoreError>> + Send;

    /// The cases of `ids` that exist, with their logs exactly as stored, in id order.
    fn cases_by_id(
        &self,
        ids: &[i64],
    ) -> impl Future<Output = Result<Vec<StoredCase>, StoreError>> + Send;

    /// Appends one act to each case of `writes` and writes its new projection, all in one
    /// transaction: either every case of the batch is written or none. A case no longer at
    /// its `expected_version` fails the whole batch with [`StoreError::Conflict`] (and a
    /// case gone, with [`StoreError::NotFound`]).
    fn append_batch(
        &self,
        writes: &[BatchAppend],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folio_formats() {
        let f = FolioFormat::default();
        assert_eq!(f.render("SEJ", 2026, 7).unwrap(), "SEJ-ARCO-2026-00007");
        let f = FolioFormat::parse("UT/{year}/{seq}").unwrap();
        assert_eq!(f.render("x", 2026, 123).unwrap(), "UT/2026/123");
        assert!(
            FolioFormat::parse("{body}-{seq}")
                .unwrap_err()
                .contains("falta {year}")
        );
        assert!(
            FolioFormat::parse("{body}-{year}")
                .unwrap_err()
                .contains("falta {seq}")
        );
        assert!(
            FolioFormat::parse("{year}-{seq}-{folio}")
                .unwrap_err()
                .contains("solo se admiten")
        );
        assert!(FolioFormat::parse("{year}-{seq:x}").is_err());
    }
}
