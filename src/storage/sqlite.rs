//! SQLite: the embedded default. One file, created and migrated on first use; WAL journal,
//! `synchronous = FULL` (an act reported recorded survives a power cut), and every write in
//! a `BEGIN IMMEDIATE` transaction so concurrent writers queue instead of failing midway.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};

use super::{
    AlertRun, CaseRecord, Contact, DeadlineRow, DueRow, FolioCounter, InstallState, ListFilter,
    ListedCase, Listing, MigrationInfo, NewCase, NewEvent, OutboxItem, OutboxRecord, OutboxRow,
    Projection, ReportCase, Store, StoreError, StoredCase, StoredEvent,
};
use super::{BatchAppend, WrittenDates};
use crate::case::{DeadlineStatus, Role};
use crate::rules::TermId;

mod bulk;

/// The columns of `cases` a list line reads (never the projection's data), and its open
/// terms as a JSON array (one bound value: the date before which a power no longer counts).
const LISTED_COLUMNS: &str = "id, folio, body, kind, parent, calendar, rulebook, filed_on, state, list_right, holds_until, then_state, then_stops, external_folio, listed,
    (SELECT json_group_array(json_array(d.term, d.day0, d.days, d.due, json(CASE WHEN d.optional THEN 'true' ELSE 'false' END), d.article))
     FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'pending' AND (d.optional = 0 OR d.due >= ?)) AS open_terms";

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// This process's writers take turns here before `BEGIN IMMEDIATE`: SQLite admits one
    /// writer at a time, and writers that wait in its busy handler sleep and retry (1, 2,
    /// 5, … 100 ms), so under load they would spend most of their time asleep while the
    /// file is free. A queue in the process hands the lock on at once; other processes
    /// still wait in the busy handler (`busy_timeout`).
    writers: std::sync::Arc<tokio::sync::Mutex<()>>,
}

pub(super) fn db(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

pub(super) fn corrupt(what: &str, message: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: what.to_string(),
        message: message.to_string(),
    }
}

fn parse_date(s: &str, what: &str) -> Result<NaiveDate, StoreError> {
    s.parse::<NaiveDate>().map_err(|e| corrupt(what, e))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite:arco.db`,
    /// `sqlite://ruta/arco.db`, `sqlite::memory:` or a plain path) and applies migrations:
    /// the embedded default needs no set-up.
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_sized(url, false).await
    }

    /// [`SqliteStore::open`] for a process that reads each page about once (the nightly
    /// alert run of `arco alerts run` and `arco daemon`): no memory map of the file and an
    /// 8 MB page cache per connection, so its resident size stays near what it allocates
    /// instead of counting every page of the file it touched. Same durability.
    pub async fn open_lean(url: &str) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_sized(url, true).await
    }

    async fn open_sized(url: &str, lean: bool) -> Result<SqliteStore, StoreError> {
        let store = SqliteStore::connect_sized(url, lean).await?;
        store.migrate().await.map_err(|e| StoreError::Open {
            url: url.to_string(),
            message: e.to_string(),
        })?;
        Ok(store)
    }

    /// Opens (creating if needed) the database at `url` without applying migrations.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        SqliteStore::connect_sized(url, false).await
    }

    async fn connect_sized(url: &str, lean: bool) -> Result<SqliteStore, StoreError> {
        let open_err = |e: sqlx::Error| StoreError::Open {
            url: url.to_string(),
            message: e.to_string(),
        };
        let normalized = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let memory = normalized.contains(":memory:");
        let options = SqliteConnectOptions::from_str(&normalized)
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(if memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            // Reads map the file instead of copying pages through read(2), and each
            // connection keeps up to 64 MB of pages: lists over a large install stay in
            // memory (a lean store: no map, 8 MB). Durability is unchanged (WAL,
            // synchronous = FULL).
            .pragma("mmap_size", if lean { "0" } else { "1073741824" })
            .pragma("cache_size", if lean { "-8192" } else { "-65536" });
        if !memory {
            // The file holds password hashes, token digests and titulars' addresses.
            let file = options.get_filename().to_path_buf();
            super::private::private_database(&file).map_err(|e| StoreError::Open {
                url: url.to_string(),
                message: format!("{}: {e}", file.display()),
            })?;
        }
        let pool = SqlitePoolOptions::new()
            // An in-memory database lives in one connection.
            .max_connections(if memory { 1 } else { 4 })
            .connect_with(options)
            .await
            .map_err(open_err)?;
        Ok(SqliteStore {
            pool,
            writers: std::sync::Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// A write transaction (`BEGIN IMMEDIATE`), after this process's other writers: the
    /// guard must live until the transaction ends.
    pub(super) async fn begin_write(
        &self,
    ) -> Result<
        (
            tokio::sync::OwnedMutexGuard<()>,
            sqlx::Transaction<'static, sqlx::Sqlite>,
        ),
        StoreError,
    > {
        let turn = self.writers.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        Ok((turn, tx))
    }

    /// Applies the migrations not yet applied (`migrations/sqlite/`) and returns them.
    pub async fn migrate(&self) -> Result<Vec<MigrationInfo>, StoreError> {
        let table: Option<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let before: Vec<i64> = if table.is_some() {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(db)?
        } else {
            Vec::new()
        };
        let migrator = sqlx::migrate!("migrations/sqlite");
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Database(format!("migraciones: {e}")))?;
        Ok(super::any::newly_applied(&migrator, &before))
    }

    /// The pool, for benchmarks and tests that need raw SQL on the same file.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn deadline_row(r: &SqliteRow) -> Result<DeadlineRow, StoreError> {
    let term: String = r.get("term");
    let status: String = r.get("status");
    let done: Option<String> = r.get("done");
    Ok(DeadlineRow {
        term: term.parse().map_err(|_| corrupt("deadlines.term", &term))?,
        day0: parse_date(r.get("day0"), "deadlines.day0")?,
        days: r.get::<i64, _>("days") as u32,
        due: parse_date(r.get("due"), "deadlines.due")?,
        status: DeadlineStatus::parse(&status)
            .ok_or_else(|| corrupt("deadlines.status", &status))?,
        done: done
            .as_deref()
            .map(|d| parse_date(d, "deadlines.done"))
            .transpose()?,
        optional: r.get::<i64, _>("optional") != 0,
        article: r.get("article"),
    })
}

fn case_row(r: &SqliteRow, deadlines: Vec<DeadlineRow>) -> Result<CaseRecord, StoreError> {
    let projection: String = r.get("projection");
    Ok(CaseRecord {
        id: r.get("id"),
        folio: r.get("folio"),
        body: r.get("body"),
        kind: r.get("kind"),
        parent: r.get("parent"),
        calendar: r.get("calendar"),
        rulebook: r.get("rulebook"),
        version: r.get("version"),
        filed_on: parse_date(r.get("filed_on"), "cases.filed_on")?,
        projection: Projection {
            state: r.get("state"),
            data: serde_json::from_str(&projection).map_err(|e| corrupt("cases.projection", e))?,
            deadlines,
            listing: listing_row(r)?,
        },
    })
}

/// The list columns of a case row.
fn listing_row(r: &SqliteRow) -> Result<Listing, StoreError> {
    Ok(Listing {
        right: r.get("list_right"),
        holds_until: r
            .get::<Option<String>, _>("holds_until")
            .as_deref()
            .map(|d| parse_date(d, "cases.holds_until"))
            .transpose()?,
        then_state: r.get("then_state"),
        then_stops: r.get::<i64, _>("then_stops") != 0,
        external_folio: r.get("external_folio"),
        written: r.get::<i64, _>("listed") != 0,
    })
}

fn event_row(r: &SqliteRow) -> Result<StoredEvent, StoreError> {
    let payload: String = r.get("payload");
    let role: String = r.get("role");
    let recorded: String = r.get("recorded_at");
    Ok(StoredEvent {
        seq: r.get("seq"),
        event: NewEvent {
            act: r.get("act"),
            payload: serde_json::from_str(&payload).map_err(|e| corrupt("events.payload", e))?,
            actor: r.get("actor"),
            role: Role::parse(&role).ok_or_else(|| corrupt("events.role", &role))?,
            occurred_at: r.get("occurred_at"),
            effective_on: parse_date(r.get("effective_on"), "events.effective_on")?,
            late: r.get::<i64, _>("late") != 0,
            recorded_at: DateTime::parse_from_rfc3339(&recorded)
                .map_err(|e| corrupt("events.recorded_at", e))?
                .with_timezone(&Utc),
            rulebook: r.get("rulebook"),
        },
    })
}

/// A term as `load` reads it: term, day0, days, due, status, done, optional, article.
type TermTuple = (
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    i64,
    String,
);

fn deadline_of_tuple(t: TermTuple) -> Result<DeadlineRow, StoreError> {
    let (term, day0, days, due, status, done, optional, article) = t;
    Ok(DeadlineRow {
        term: term.parse().map_err(|_| corrupt("deadlines.term", &term))?,
        day0: parse_date(&day0, "deadlines.day0")?,
        days: days as u32,
        due: parse_date(&due, "deadlines.due")?,
        status: DeadlineStatus::parse(&status)
            .ok_or_else(|| corrupt("deadlines.status", &status))?,
        done: done
            .as_deref()
            .map(|d| parse_date(d, "deadlines.done"))
            .transpose()?,
        optional: optional != 0,
        article,
    })
}

/// An act of the log as `load` reads it: seq, act, payload (text), actor, role,
/// occurred_at, effective_on, late, recorded_at, rulebook.
type EventTuple = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
);

fn event_of_tuple(t: EventTuple) -> Result<StoredEvent, StoreError> {
    let (seq, act, payload, actor, role, occurred_at, effective_on, late, recorded, rulebook) = t;
    Ok(StoredEvent {
        seq,
        event: NewEvent {
            act,
            payload: serde_json::from_str(&payload).map_err(|e| corrupt("events.payload", e))?,
            actor,
            role: Role::parse(&role).ok_or_else(|| corrupt("events.role", &role))?,
            occurred_at,
            effective_on: parse_date(&effective_on, "events.effective_on")?,
            late: late != 0,
            recorded_at: DateTime::parse_from_rfc3339(&recorded)
                .map_err(|e| corrupt("events.recorded_at", e))?
                .with_timezone(&Utc),
            rulebook,
        },
    })
}

/// A new case in two round trips: `BEGIN IMMEDIATE` with the body's next folio number,
/// then the case, its log and its terms with `COMMIT` (one round trip for a case that
/// brings its folio). A number whose folio an imported case already holds is skipped in
/// the same transaction. Returns the case's id and folio; on an error the transaction may
/// be left open, for the caller to roll back.
async fn create_on(
    conn: &mut sqlx::pool::PoolConnection<sqlx::Sqlite>,
    case: &NewCase,
    events: &[NewEvent],
    projection: &Projection,
) -> Result<(i64, String), StoreError> {
    let year = chrono::Datelike::year(&case.filed_on);
    let now = Utc::now().to_rfc3339();
    let version = events.len() as i64;
    let deadlines = deadlines_json(&projection.deadlines);
    let mut begun = false;
    loop {
        let folio = match &case.folio {
            Some(f) => f.clone(),
            None => {
                let seq: i64 = sqlx::query_scalar(if begun {
                    "INSERT INTO folio_counters (body, year, last) VALUES (?, ?, 1)
                     ON CONFLICT (body, year) DO UPDATE SET last = last + 1 RETURNING last"
                } else {
                    "BEGIN IMMEDIATE;
                     INSERT INTO folio_counters (body, year, last) VALUES (?, ?, 1)
                     ON CONFLICT (body, year) DO UPDATE SET last = last + 1 RETURNING last"
                })
                .bind(case.sequence.as_deref().unwrap_or(&case.body))
                .bind(year)
                .fetch_one(&mut **conn)
                .await
                .map_err(db)?;
                begun = true;
                case.folio_format
                    .render(&case.body, year, seq)
                    .map_err(StoreError::Database)?
            }
        };
        let mut sql = String::from(if begun { "" } else { "BEGIN IMMEDIATE;" });
        sql.push_str(
            "INSERT INTO cases (folio, body, kind, parent, calendar, rulebook, version, state, projection, filed_on, created_at, updated_at,
                                list_right, holds_until, then_state, then_stops, listed, external_folio)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id;",
        );
        if !events.is_empty() {
            sql.push_str(
                "INSERT INTO events (case_id, seq, act, payload, actor, role, occurred_at, effective_on, late, recorded_at, rulebook) VALUES ",
            );
            let one = "((SELECT id FROM cases WHERE folio = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            sql.push_str(&vec![one; events.len()].join(", "));
            sql.push(';');
        }
        if !projection.deadlines.is_empty() {
            sql.push_str(
                "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article, body, kind)
                 SELECT c.id, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                        value ->> 6, value ->> 7, c.body, c.kind
                 FROM json_each(?), cases c WHERE c.folio = ?;",
            );
        }
        sql.push_str("COMMIT");
        // Only this function's constant text and placeholders, one per event.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&folio)
            .bind(&case.body)
            .bind(&case.kind)
            .bind(&case.parent)
            .bind(&case.calendar)
            .bind(&case.rulebook)
            .bind(version)
            .bind(&projection.state)
            .bind(projection.data.to_string())
            .bind(case.filed_on.to_string())
            .bind(&now)
            .bind(&now);
        q = bind_listing(q, &projection.listing).bind(&projection.listing.external_folio);
        for (i, e) in events.iter().enumerate() {
            q = bind_event(q.bind(&folio), i as i64 + 1, e);
        }
        if !projection.deadlines.is_empty() {
            q = q.bind(&deadlines).bind(&folio);
        }
        match q.fetch_all(&mut **conn).await {
            Ok(rows) => {
                let id: i64 = rows
                    .first()
                    .map(|r| r.get(0))
                    .ok_or_else(|| StoreError::Database("alta sin identificador".into()))?;
                return Ok((id, folio));
            }
            // An imported case holds this folio: the statement failed alone, the
            // transaction is still open; take the next number.
            Err(e) if is_unique_violation(&e) && case.folio.is_none() && begun => {
                let taken =
                    matches!(&e, sqlx::Error::Database(d) if d.message().contains("cases.folio"));
                if !taken {
                    return Err(db(e));
                }
            }
            Err(e) if is_unique_violation(&e) => return Err(StoreError::DuplicateFolio(folio)),
            Err(e) => return Err(db(e)),
        }
    }
}

/// An act's whole transaction (see [`SqliteStore::append`]), with `state = ?,` in the
/// case's update only where the act changes the state: SQLite rewrites the entries of an
/// index whose column is set, even to the same value, and two indexes hold the state.
fn append_sql(state: &str) -> String {
    format!(
        "BEGIN IMMEDIATE;
                 INSERT INTO events (case_id, seq, act, payload, actor, role, occurred_at, effective_on, late, recorded_at, rulebook)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
                 UPDATE cases SET version = CASE WHEN version = ? AND folio = ? THEN ? END, {state}projection = ?,
                     updated_at = ?, list_right = ?, holds_until = ?, then_state = ?, then_stops = ?, listed = ?
                 WHERE id = ?;
                 DELETE FROM deadlines WHERE case_id = ?
                     AND term NOT IN (SELECT value ->> 0 FROM json_each(?));
                 INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article, body, kind)
                 SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                        value ->> 6, value ->> 7, c.body, c.kind
                 FROM json_each(?), cases c WHERE c.id = ?
                 ON CONFLICT (case_id, term) DO UPDATE SET
                     day0 = excluded.day0, days = excluded.days, due = excluded.due,
                     status = excluded.status, done = excluded.done, optional = excluded.optional,
                     article = excluded.article
                 WHERE (day0, days, due, status, done, optional, article)
                     IS NOT (excluded.day0, excluded.days, excluded.due, excluded.status,
                             excluded.done, excluded.optional, excluded.article);
                 COMMIT"
    )
}

/// [`append_sql`] for an act that changes the state, and for one that does not.
static APPEND_NEW_STATE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| append_sql("state = ?, "));
static APPEND_SAME_STATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| append_sql(""));

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    case_id: i64,
    seq: i64,
    e: &NewEvent,
) -> Result<(), StoreError> {
    bind_event(
        sqlx::query(
            "INSERT INTO events (case_id, seq, act, payload, actor, role, occurred_at, effective_on, late, recorded_at, rulebook)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(case_id),
        seq,
        e,
    )
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Binds the list columns (list_right, holds_until, then_state, then_stops, listed), in
/// that order, after what `q` has.
pub(super) fn bind_listing<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    l: &'q Listing,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    q.bind(&l.right)
        .bind(l.holds_until.map(|d| d.to_string()))
        .bind(&l.then_state)
        .bind(l.then_stops)
        .bind(l.written)
}

/// Binds an act of the log, seq to rulebook in the columns' order, after what `q` has.
fn bind_event<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    seq: i64,
    e: &NewEvent,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    q.bind(seq)
        .bind(e.act.clone())
        .bind(e.payload.to_string())
        .bind(e.actor.clone())
        .bind(e.role.as_str())
        .bind(e.occurred_at.clone())
        .bind(e.effective_on.to_string())
        .bind(i64::from(e.late))
        .bind(e.recorded_at.to_rfc3339())
        .bind(e.rulebook.clone())
}

/// Terms as one JSON array of arrays (term, day0, days, due, status, done, optional,
/// article), for `json_each`.
fn deadlines_json(rows: &[DeadlineRow]) -> String {
    let batch: Vec<serde_json::Value> = rows
        .iter()
        .map(|d| {
            serde_json::json!([
                d.term.as_str(),
                d.day0.to_string(),
                d.days,
                d.due.to_string(),
                d.status.as_str(),
                d.done.map(|x| x.to_string()),
                i64::from(d.optional),
                d.article,
            ])
        })
        .collect();
    serde_json::Value::Array(batch).to_string()
}

/// The terms of a case written for the first time (a filing, an import).
async fn insert_deadlines(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    case_id: i64,
    rows: &[DeadlineRow],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    // Every term in one statement: the rows go as one JSON array.
    sqlx::query(
        "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article, body, kind)
         SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                value ->> 6, value ->> 7, c.body, c.kind
         FROM json_each(?2), cases c WHERE c.id = ?1",
    )
    .bind(case_id)
    .bind(deadlines_json(rows))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

fn parse_instant(s: &str, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(what, e))
}

fn outbox_item(r: &SqliteRow) -> Result<OutboxItem, StoreError> {
    let term: String = r.get("term");
    let item: String = r.get("item");
    Ok(OutboxItem {
        folio: r.get("folio"),
        term: term.parse().map_err(|_| corrupt("outbox.term", &term))?,
        due: parse_date(r.get("due"), "outbox.due")?,
        threshold: r.get::<i64, _>("threshold") as i32,
        recipient: r.get("recipient"),
        item: serde_json::from_str(&item).map_err(|e| corrupt("outbox.item", e))?,
    })
}

/// The ids of a page of cases as a JSON array, for `json_each`.
fn id_list(cases: &[i64]) -> String {
    serde_json::to_string(cases).unwrap_or_else(|_| "[]".into())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The rows of `cases` a filter selects, with `columns`, in folio order.
async fn filtered(
    pool: &SqlitePool,
    f: &ListFilter,
    columns: &str,
    column_args: Vec<String>,
) -> Result<Vec<SqliteRow>, StoreError> {
    // Only the conditions in use go into the query, so SQLite can pick an index for
    // them (`?1 IS NULL OR body = ?1` would scan every case). Every value is bound.
    let mut sql = format!("SELECT {columns} FROM cases WHERE 1 = 1");
    let mut args: Vec<String> = column_args;
    let mut cond = |clause: &str, values: Vec<String>| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.extend(values);
    };
    // A due list of one body and kind is driven by the open terms' index
    // (`deadlines_body_open_due`): duties due by then, and powers still running. The `+`
    // keeps SQLite from walking the body's cases instead (it cannot tell how few are due).
    let by_terms = match (&f.due_by, &f.body, &f.kind) {
        (Some(by), Some(b), Some(k)) => Some((by.to_string(), b.clone(), k.clone())),
        _ => None,
    };
    if let Some((by, b, k)) = &by_terms {
        let from = f.optional_from.map(|o| o.to_string()).unwrap_or_default();
        cond("+body = ?", vec![b.clone()]);
        cond("+kind = ?", vec![k.clone()]);
        cond("id IN (SELECT d.case_id FROM deadlines d
                    WHERE d.body = ? AND d.kind = ? AND d.status = 'pending' AND d.optional = 0 AND d.due <= ?
                    UNION SELECT d.case_id FROM deadlines d
                    WHERE d.body = ? AND d.kind = ? AND d.status = 'pending' AND d.optional = 1 AND d.due >= ? AND d.due <= ?)", vec![b.clone(), k.clone(), by.clone(), b.clone(), k.clone(), from, by.clone()]);
    } else {
        if let Some(b) = &f.body {
            cond("body = ?", vec![b.clone()]);
        }
        if let Some(k) = &f.kind {
            cond("kind = ?", vec![k.clone()]);
        }
    }
    if !f.states.is_empty() {
        cond(
            "state IN (SELECT value FROM json_each(?))",
            vec![serde_json::to_string(&f.states).unwrap_or_default()],
        );
    }
    if !f.exclude_states.is_empty() {
        cond(
            "state NOT IN (SELECT value FROM json_each(?))",
            vec![serde_json::to_string(&f.exclude_states).unwrap_or_default()],
        );
    }
    if let (Some(d), None) = (f.due_by, &by_terms) {
        // A power (optional term) counts only until it passes.
        let from = f.optional_from.map(|o| o.to_string()).unwrap_or_default();
        cond(
            "EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'pending' AND d.due <= ?",
            vec![d.to_string()],
        );
        cond("(d.optional = 0 OR d.due >= ?))", vec![from]);
    }
    if let Some(a) = &f.after {
        cond("folio > ?", vec![a.clone()]);
    }
    if let Some(p) = &f.parent {
        cond("parent = ?", vec![p.clone()]);
    }
    if let Some(c) = &f.calendar {
        cond("calendar = ?", vec![c.clone()]);
    }
    if let Some(b) = &f.parent_body {
        cond(
            "parent IN (SELECT p.folio FROM cases p WHERE p.body = ?)",
            vec![b.clone()],
        );
    }
    if let Some(a) = &f.in_charge {
        cond(
            "COALESCE((SELECT a.assignee FROM assignments a WHERE a.folio = cases.folio), (SELECT e.actor FROM events e WHERE e.case_id = cases.id AND e.seq = 1)) = ?",
            vec![a.clone()],
        );
    }
    if let Some(x) = &f.external_folio {
        cond("external_folio = ?", vec![x.clone()]);
    }
    if let Some(t) = f.term {
        cond(
            "EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'pending' AND d.term = ?)",
            vec![t.as_str().to_string()],
        );
    }
    if let Some(d) = f.skip_stopped_by {
        cond(
            "NOT (then_stops = 1 AND holds_until < ?)",
            vec![d.to_string()],
        );
    }
    sql.push_str(" ORDER BY folio LIMIT ?");
    // The query is built from the fixed clauses above; values are bound, never spliced.
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in args {
        q = q.bind(a);
    }
    q.bind(f.limit.map_or(-1, i64::from))
        .fetch_all(pool)
        .await
        .map_err(db)
}

impl Store for SqliteStore {
    async fn create_case(
        &self,
        case: NewCase,
        events: Vec<NewEvent>,
        projection: Projection,
    ) -> Result<CaseRecord, StoreError> {
        let _turn = self.writers.lock().await;
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let created = create_on(&mut conn, &case, &events, &projection).await;
        // Nothing of a failed filing stays (see `append`).
        if created.is_err() && sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
            conn.close_on_drop();
        }
        let (id, folio) = created?;
        Ok(CaseRecord {
            id,
            folio,
            body: case.body,
            kind: case.kind,
            parent: case.parent,
            calendar: case.calendar,
            rulebook: case.rulebook,
            version: events.len() as i64,
            filed_on: case.filed_on,
            projection,
        })
    }

    async fn load(&self, folio: &str) -> Result<(CaseRecord, Vec<StoredEvent>), StoreError> {
        // One round trip: the case row, its terms and its log (each as one JSON array).
        let row = sqlx::query(
            "SELECT c.*,
                 (SELECT json_group_array(json_array(term, day0, days, due, status, done, optional, article)
                         ORDER BY due, term)
                  FROM deadlines WHERE case_id = c.id) AS terms_json,
                 (SELECT json_group_array(json_array(seq, act, payload, actor, role, occurred_at,
                                                     effective_on, late, recorded_at, rulebook)
                         ORDER BY seq)
                  FROM events WHERE case_id = c.id) AS events_json
             FROM cases c WHERE c.folio = ?",
        )
        .bind(folio)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::NotFound(folio.to_string()))?;
        let terms: String = row.get("terms_json");
        let terms: Vec<TermTuple> =
            serde_json::from_str(&terms).map_err(|e| corrupt("deadlines", e))?;
        let deadlines = terms
            .into_iter()
            .map(deadline_of_tuple)
            .collect::<Result<Vec<_>, _>>()?;
        let case = case_row(&row, deadlines)?;
        let events: String = row.get("events_json");
        let events: Vec<EventTuple> =
            serde_json::from_str(&events).map_err(|e| corrupt("events", e))?;
        let events = events
            .into_iter()
            .map(event_of_tuple)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((case, events))
    }

    async fn append(
        &self,
        case: &CaseRecord,
        expected_version: i64,
        event: NewEvent,
        projection: Projection,
    ) -> Result<i64, StoreError> {
        let _turn = self.writers.lock().await;
        let mut conn = self.pool.acquire().await.map_err(db)?;
        // The whole transaction in one round trip: the act first (its primary key, case
        // and seq, is taken if another writer appended since this one read: a unique
        // violation), the case row only at the version read and if it is still the same case
        // (otherwise its version would be NULL: a NOT NULL violation; an act kept in memory
        // by the registry may be stale), then only the terms that changed. Anonymous
        // parameters, bound in the order the statements use them.
        let e = &event;
        let deadlines = deadlines_json(&projection.deadlines);
        let same_state = case.projection.state == projection.state;
        let sql: &'static str = if same_state {
            APPEND_SAME_STATE.as_str()
        } else {
            APPEND_NEW_STATE.as_str()
        };
        let q = bind_event(sqlx::query(sql).bind(case.id), expected_version + 1, e)
            .bind(expected_version)
            .bind(&case.folio)
            .bind(expected_version + 1);
        let q = if same_state {
            q
        } else {
            q.bind(&projection.state)
        };
        let q = q
            .bind(projection.data.to_string())
            .bind(Utc::now().to_rfc3339());
        let written = bind_listing(q, &projection.listing)
            .bind(case.id)
            .bind(case.id)
            .bind(deadlines.clone())
            .bind(case.id)
            .bind(deadlines)
            .bind(case.id)
            .execute(&mut *conn)
            .await;
        let error = match written {
            Ok(_) => return Ok(expected_version + 1),
            Err(e) => e,
        };
        // Nothing of this act stays: roll back what ran before the failing statement. A
        // connection that cannot roll back (no transaction open because BEGIN itself
        // failed, or a broken one) is closed rather than given back to the pool.
        if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
            conn.close_on_drop();
        }
        let conflict = matches!(&error, sqlx::Error::Database(d)
            if d.is_unique_violation() || d.kind() == sqlx::error::ErrorKind::NotNullViolation);
        if !conflict {
            return Err(db(error));
        }
        let actual: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE id = ?")
            .bind(case.id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
        Err(match actual {
            Some(actual) => StoreError::Conflict {
                folio: case.folio.clone(),
                expected: expected_version,
                actual,
            },
            None => StoreError::NotFound(case.folio.clone()),
        })
    }

    async fn list(&self, f: &ListFilter) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = filtered(&self.pool, f, "*", Vec::new()).await?;
        // The terms of every listed case in one query.
        let ids: Vec<i64> = rows.iter().map(|r| r.get("id")).collect();
        let mut by_case: std::collections::HashMap<i64, Vec<DeadlineRow>> =
            std::collections::HashMap::new();
        if !ids.is_empty() {
            let drows = sqlx::query(
                "SELECT case_id, term, day0, days, due, status, done, optional, article FROM deadlines
                 WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, due, term",
            )
            .bind(serde_json::to_string(&ids).unwrap_or_default())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            for r in &drows {
                by_case
                    .entry(r.get("case_id"))
                    .or_default()
                    .push(deadline_row(r)?);
            }
        }
        rows.iter()
            .zip(&ids)
            .map(|(r, id)| case_row(r, by_case.remove(id).unwrap_or_default()))
            .collect()
    }

    async fn list_listed(&self, f: &ListFilter) -> Result<Vec<ListedCase>, StoreError> {
        // The open terms come with each case, as one JSON array per row (one round trip,
        // one row per case): duties, and powers not past `optional_from`.
        let from = f.optional_from.map(|o| o.to_string()).unwrap_or_default();
        let rows = filtered(&self.pool, f, LISTED_COLUMNS, vec![from]).await?;
        rows.iter()
            .map(|r| {
                let folio: String = r.get("folio");
                let open: String = r.get("open_terms");
                let open: Vec<(String, String, u32, String, bool, String)> =
                    serde_json::from_str(&open).map_err(|e| corrupt("deadlines", e))?;
                Ok(ListedCase {
                    id: r.get("id"),
                    body: r.get("body"),
                    kind: r.get("kind"),
                    parent: r.get("parent"),
                    calendar: r.get("calendar"),
                    rulebook: r.get("rulebook"),
                    filed_on: parse_date(r.get("filed_on"), "cases.filed_on")?,
                    state: r.get("state"),
                    listing: listing_row(r)?,
                    open: open
                        .into_iter()
                        .map(|(term, day0, days, due, optional, article)| {
                            Ok(DeadlineRow {
                                term: term.parse().map_err(|_| corrupt("deadlines.term", &term))?,
                                day0: parse_date(&day0, "deadlines.day0")?,
                                days,
                                due: parse_date(&due, "deadlines.due")?,
                                status: DeadlineStatus::Pending,
                                done: None,
                                optional,
                                article,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                    folio,
                })
            })
            .collect()
    }

    async fn linked(&self, folio: &str) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT folio FROM cases WHERE parent = ? ORDER BY id")
            .bind(folio)
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    async fn folios(&self) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT folio FROM cases ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    async fn due_rows(&self, by: NaiveDate, as_of: NaiveDate) -> Result<Vec<DueRow>, StoreError> {
        // The rows come back as one JSON array in one row: sqlx hands each row of a result
        // from its worker thread to the caller's task, and at tens of thousands of rows
        // that hand-over cost more than the query (issue 15).
        let text: Option<String> = sqlx::query_scalar(
            "SELECT json_group_array(json_array(c.folio, c.body, c.kind, c.calendar, c.rulebook,
                    c.state, d.term, d.due, d.article, COALESCE(asg.assignee, e.actor), ct.email,
                    d.optional))
             FROM deadlines d INDEXED BY deadlines_open_due
             JOIN cases c ON c.id = d.case_id
             LEFT JOIN events e ON e.case_id = c.id AND e.seq = 1
             LEFT JOIN assignments asg ON asg.folio = c.folio
             LEFT JOIN contacts ct ON ct.folio = c.folio
             WHERE d.status = 'pending' AND (d.optional = 0 OR ct.email IS NOT NULL) AND d.due <= ?1
               AND NOT (d.due < ?2 AND EXISTS (SELECT 1 FROM outbox o
                        WHERE o.folio = c.folio AND o.term = d.term AND o.due = d.due AND o.threshold = -1))",
        )
        .bind(by.to_string())
        .bind(as_of.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        type Row = (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = serde_json::from_str(text.as_deref().unwrap_or("[]"))
            .map_err(|e| corrupt("deadlines", e))?;
        let mut out = rows
            .into_iter()
            .map(|r| {
                Ok(DueRow {
                    folio: r.0,
                    body: r.1,
                    kind: r.2,
                    calendar: r.3,
                    rulebook: r.4,
                    state: r.5,
                    term: r.6.parse().map_err(|_| corrupt("deadlines.term", &r.6))?,
                    due: parse_date(&r.7, "deadlines.due")?,
                    article: r.8,
                    in_charge: r.9.unwrap_or_default(),
                    titular: r.10,
                    optional: r.11 != 0,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|a| a.due);
        Ok(out)
    }

    async fn count_due_rows(&self, by: NaiveDate, as_of: NaiveDate) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT count(*) FROM deadlines d INDEXED BY deadlines_open_due JOIN cases c ON c.id = d.case_id
             LEFT JOIN contacts ct ON ct.folio = c.folio
             WHERE d.status = 'pending' AND (d.optional = 0 OR ct.email IS NOT NULL) AND d.due <= ?1
               AND NOT (d.due < ?2 AND EXISTS (SELECT 1 FROM outbox o
                        WHERE o.folio = c.folio AND o.term = d.term AND o.due = d.due AND o.threshold = -1))",
        )
        .bind(by.to_string())
        .bind(as_of.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }

    async fn set_contact(
        &self,
        folio: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO contacts (folio, email, recorded_at) VALUES (?, ?, ?)
             ON CONFLICT (folio) DO UPDATE SET email = excluded.email, recorded_at = excluded.recorded_at",
        )
        .bind(folio)
        .bind(email)
        .bind(now.to_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn forget_contact(&self, folio: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM contacts WHERE folio = ?")
            .bind(folio)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(r.rows_affected() > 0)
    }

    async fn stray_terms(&self) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT DISTINCT c.folio FROM deadlines d JOIN cases c ON c.id = d.case_id
             WHERE d.body IS NOT c.body OR d.kind IS NOT c.kind ORDER BY c.folio",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        // Constant work that still needs the schema: at most one row of one table.
        sqlx::query("SELECT 1 FROM cases LIMIT 1")
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn list_generation(&self, bodies: &[&str]) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT COALESCE(SUM(gen), 0) FROM list_generations
             WHERE body IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(bodies).unwrap_or_default())
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }

    async fn calendars(&self) -> Result<Vec<String>, StoreError> {
        // A loose index scan: one probe of `cases_calendar` per calendar in use, not a read
        // of every case (an alert run asks this before anything else).
        sqlx::query_scalar(
            "WITH RECURSIVE c(name) AS (
                 SELECT min(calendar) FROM cases
                 UNION ALL
                 SELECT (SELECT min(calendar) FROM cases WHERE calendar > c.name) FROM c
                 WHERE c.name IS NOT NULL)
             SELECT name FROM c WHERE name IS NOT NULL ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)
    }

    async fn outbox_keys(
        &self,
        since: NaiveDate,
    ) -> Result<Vec<(String, TermId, NaiveDate, i32, String)>, StoreError> {
        let rows =
            sqlx::query("SELECT folio, term, due, threshold, recipient FROM outbox WHERE due >= ?")
                .bind(since.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter()
            .map(|r| {
                let term: String = r.get("term");
                Ok((
                    r.get("folio"),
                    term.parse().map_err(|_| corrupt("outbox.term", &term))?,
                    parse_date(r.get("due"), "outbox.due")?,
                    r.get::<i64, _>("threshold") as i32,
                    r.get("recipient"),
                ))
            })
            .collect()
    }

    async fn outbox_add(
        &self,
        items: Vec<OutboxItem>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let mut added = 0;
        for i in &items {
            sqlx::query(
                "UPDATE outbox SET status = 'superseded'
                 WHERE status = 'pending' AND folio = ? AND term = ? AND due <> ?",
            )
            .bind(&i.folio)
            .bind(i.term.as_str())
            .bind(i.due.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let r = sqlx::query(
                "INSERT INTO outbox (folio, term, due, threshold, recipient, item, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (folio, term, due, threshold, recipient) DO NOTHING",
            )
            .bind(&i.folio)
            .bind(i.term.as_str())
            .bind(i.due.to_string())
            .bind(i.threshold)
            .bind(&i.recipient)
            .bind(i.item.to_string())
            .bind(now.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            added += r.rows_affected() as usize;
        }
        tx.commit().await.map_err(db)?;
        Ok(added)
    }

    async fn outbox_pending(&self) -> Result<Vec<OutboxRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, folio, term, due, threshold, recipient, item, attempts FROM outbox
             WHERE status = 'pending' ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(OutboxRow {
                    id: r.get("id"),
                    attempts: r.get("attempts"),
                    item: outbox_item(r)?,
                })
            })
            .collect()
    }

    async fn outbox_sent(&self, ids: &[i64], at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(at.to_rfc3339())
        .bind(serde_json::to_string(ids).unwrap_or_default())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn outbox_failed(
        &self,
        ids: &[i64],
        error: &str,
        permanent: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = CASE WHEN ? THEN 'failed' ELSE status END,
                               attempts = attempts + 1, last_error = ?
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(permanent)
        .bind(error)
        .bind(serde_json::to_string(ids).unwrap_or_default())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn claim_night(
        &self,
        night: NaiveDate,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "INSERT INTO alert_runs (night, holder, started_at) VALUES (?, ?, ?) ON CONFLICT (night) DO NOTHING",
        )
        .bind(night.to_string())
        .bind(holder)
        .bind(now.to_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(r.rows_affected() == 1)
    }

    async fn finish_night(&self, night: NaiveDate, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE alert_runs SET finished_at = ? WHERE night = ?")
            .bind(now.to_rfc3339())
            .bind(night.to_string())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn claim_tick(
        &self,
        tick: &str,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "INSERT INTO alert_ticks (tick, holder, started_at) VALUES (?, ?, ?)
             ON CONFLICT (tick) DO NOTHING",
        )
        .bind(tick)
        .bind(holder)
        .bind(now.to_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(r.rows_affected() == 1)
    }

    async fn finish_tick(&self, tick: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE alert_ticks SET finished_at = ? WHERE tick = ?")
            .bind(now.to_rfc3339())
            .bind(tick)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn last_night(&self) -> Result<Option<NaiveDate>, StoreError> {
        let n: Option<String> = sqlx::query_scalar("SELECT max(night) FROM alert_runs")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        n.map(|n| parse_date(&n, "alert_runs.night")).transpose()
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        let any: i64 = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM cases) OR EXISTS (SELECT 1 FROM folio_counters)
                 OR EXISTS (SELECT 1 FROM contacts) OR EXISTS (SELECT 1 FROM outbox)
                 OR EXISTS (SELECT 1 FROM alert_runs)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(any == 0)
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
        // A body's own cases through the (body, state) index; cases linked to one of its
        // cases (appeals) by their parent's folio.
        let scope = match bodies {
            None => "",
            Some(_) => {
                " AND (c.body IN (SELECT value FROM json_each(?))
                   OR c.parent IN (SELECT folio FROM cases WHERE body IN (SELECT value FROM json_each(?))))"
            }
        };
        let sql = format!(
            "SELECT c.id, c.folio, c.body, p.body AS parent_body, c.calendar, c.rulebook, c.projection AS data
             FROM cases c LEFT JOIN cases p ON p.folio = c.parent
             WHERE c.kind = ? AND c.filed_on >= ? AND c.filed_on <= ?{scope} AND c.id > ?
             ORDER BY c.id LIMIT ?"
        );
        let list = bodies.map(|b| serde_json::to_string(b).unwrap_or_else(|_| "[]".into()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(from.to_string())
            .bind(to.to_string());
        if let Some(list) = &list {
            q = q.bind(list.clone()).bind(list.clone());
        }
        let rows = q
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| ReportCase {
                id: r.get("id"),
                folio: r.get("folio"),
                body: r.get("body"),
                parent_body: r.get("parent_body"),
                calendar: r.get("calendar"),
                rulebook: r.get("rulebook"),
                data: r.get("data"),
            })
            .collect())
    }

    async fn dump_cases(&self, after: i64, limit: u32) -> Result<Vec<StoredCase>, StoreError> {
        let rows = sqlx::query("SELECT * FROM cases WHERE id > ? ORDER BY id LIMIT ?")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.get("id")).collect();
        let mut deadlines: std::collections::HashMap<i64, Vec<DeadlineRow>> =
            std::collections::HashMap::new();
        for r in sqlx::query(
            "SELECT * FROM deadlines WHERE case_id IN (SELECT value FROM json_each(?))
             ORDER BY case_id, due, term",
        )
        .bind(id_list(&ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        {
            deadlines
                .entry(r.get("case_id"))
                .or_default()
                .push(deadline_row(&r)?);
        }
        let mut events: std::collections::HashMap<i64, Vec<StoredEvent>> =
            std::collections::HashMap::new();
        for r in sqlx::query(
            "SELECT * FROM events WHERE case_id IN (SELECT value FROM json_each(?))
             ORDER BY case_id, seq",
        )
        .bind(id_list(&ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        {
            events
                .entry(r.get("case_id"))
                .or_default()
                .push(event_row(&r)?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.get("id");
                let case = case_row(r, deadlines.remove(&id).unwrap_or_default())?;
                Ok((case, events.remove(&id).unwrap_or_default()))
            })
            .collect()
    }

    async fn restore_cases(&self, cases: &[StoredCase]) -> Result<(), StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let now = Utc::now().to_rfc3339();
        for (case, events) in cases {
            let q = sqlx::query(
                "INSERT INTO cases (id, folio, body, kind, parent, calendar, rulebook, version, state, projection, filed_on, created_at, updated_at,
                                    list_right, holds_until, then_state, then_stops, listed, external_folio)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(case.id)
            .bind(&case.folio)
            .bind(&case.body)
            .bind(&case.kind)
            .bind(&case.parent)
            .bind(&case.calendar)
            .bind(&case.rulebook)
            .bind(case.version)
            .bind(&case.projection.state)
            .bind(case.projection.data.to_string())
            .bind(case.filed_on.to_string())
            .bind(&now)
            .bind(&now);
            let inserted = bind_listing(q, &case.projection.listing)
                .bind(&case.projection.listing.external_folio)
                .execute(&mut *tx)
                .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::DuplicateFolio(case.folio.clone()));
                }
                Err(e) => return Err(db(e)),
            }
            for e in events {
                insert_event(&mut tx, case.id, e.seq, &e.event).await?;
            }
            insert_deadlines(&mut tx, case.id, &case.projection.deadlines).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn install_state(&self) -> Result<InstallState, StoreError> {
        let counters =
            sqlx::query("SELECT body, year, last FROM folio_counters ORDER BY body, year")
                .fetch_all(&self.pool)
                .await
                .map_err(db)?
                .iter()
                .map(|r| FolioCounter {
                    body: r.get("body"),
                    year: r.get::<i64, _>("year") as i32,
                    last: r.get("last"),
                })
                .collect();
        let contacts = sqlx::query("SELECT folio, email, recorded_at FROM contacts ORDER BY folio")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(Contact {
                    folio: r.get("folio"),
                    email: r.get("email"),
                    recorded_at: parse_instant(r.get("recorded_at"), "contacts.recorded_at")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let outbox = sqlx::query("SELECT * FROM outbox ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(OutboxRecord {
                    id: r.get("id"),
                    item: outbox_item(r)?,
                    status: r.get("status"),
                    attempts: r.get("attempts"),
                    last_error: r.get("last_error"),
                    created_at: parse_instant(r.get("created_at"), "outbox.created_at")?,
                    sent_at: r
                        .get::<Option<String>, _>("sent_at")
                        .map(|t| parse_instant(&t, "outbox.sent_at"))
                        .transpose()?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let runs = sqlx::query("SELECT * FROM alert_runs ORDER BY night")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(AlertRun {
                    night: parse_date(r.get("night"), "alert_runs.night")?,
                    holder: r.get("holder"),
                    started_at: parse_instant(r.get("started_at"), "alert_runs.started_at")?,
                    finished_at: r
                        .get::<Option<String>, _>("finished_at")
                        .map(|t| parse_instant(&t, "alert_runs.finished_at"))
                        .transpose()?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(InstallState {
            counters,
            contacts,
            outbox,
            runs,
        })
    }

    async fn restore_state(&self, state: &InstallState) -> Result<(), StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        for c in &state.counters {
            sqlx::query(
                "INSERT INTO folio_counters (body, year, last) VALUES (?, ?, ?)
                 ON CONFLICT (body, year) DO UPDATE SET last = max(last, excluded.last)",
            )
            .bind(&c.body)
            .bind(c.year)
            .bind(c.last)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for c in &state.contacts {
            sqlx::query(
                "INSERT INTO contacts (folio, email, recorded_at) VALUES (?, ?, ?)
                 ON CONFLICT (folio) DO UPDATE SET email = excluded.email, recorded_at = excluded.recorded_at",
            )
            .bind(&c.folio)
            .bind(&c.email)
            .bind(c.recorded_at.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for o in &state.outbox {
            sqlx::query(
                "INSERT INTO outbox (id, folio, term, due, threshold, recipient, item, status, attempts, last_error, created_at, sent_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(o.id)
            .bind(&o.item.folio)
            .bind(o.item.term.as_str())
            .bind(o.item.due.to_string())
            .bind(o.item.threshold)
            .bind(&o.item.recipient)
            .bind(o.item.item.to_string())
            .bind(&o.status)
            .bind(o.attempts)
            .bind(&o.last_error)
            .bind(o.created_at.to_rfc3339())
            .bind(o.sent_at.map(|t| t.to_rfc3339()))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for r in &state.runs {
            sqlx::query(
                "INSERT INTO alert_runs (night, holder, started_at, finished_at) VALUES (?, ?, ?, ?)",
            )
            .bind(r.night.to_string())
            .bind(&r.holder)
            .bind(r.started_at.to_rfc3339())
            .bind(r.finished_at.map(|t| t.to_rfc3339()))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    // Whole-install operations: see `sqlite/bulk.rs`.

    async fn last_case_id(&self) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar("SELECT max(id) FROM cases")
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn open_dates_on(
        &self,
        calendar: &str,
        after: i64,
        through: i64,
        limit: u32,
    ) -> Result<Vec<WrittenDates>, StoreError> {
        self.open_dates_page(calendar, after, through, limit).await
    }

    async fn cases_by_id(&self, ids: &[i64]) -> Result<Vec<StoredCase>, StoreError> {
        self.cases_with_ids(ids).await
    }

    async fn open_cases_on(
        &self,
        calendar: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredCase>, StoreError> {
        self.open_cases_page(calendar, after, limit).await
    }

    async fn append_batch(&self, writes: &[BatchAppend]) -> Result<(), StoreError> {
        self.write_batch(writes).await
    }
}
