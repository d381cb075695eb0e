//! PostgreSQL: for a state-wide or national install, several arco processes on one
//! database. Same behaviour as SQLite ([`super::sqlite`]): an append-only log (triggers
//! refuse UPDATE, DELETE and TRUNCATE on `events`), the projection written in the act's
//! transaction, a conflict when another process wrote first, progressive folios per body
//! and year, the outbox and the nightly claim.
//!
//! - **Conflicts.** An act's transaction starts by moving the case from the version it
//!   read to the next (`UPDATE ... WHERE id = $1 AND version = $2`). A second process
//!   acting on the same case waits for the row, then finds the version moved: no row is
//!   updated, the transaction is rolled back and the act is refused with
//!   [`StoreError::Conflict`].
//! - **Folios.** The body's counter for the year is incremented with
//!   `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` inside the filing's transaction: the
//!   row stays locked until it commits, so two processes never take the same number, and a
//!   filing that fails gives its number back.
//! - **Nightly alerts.** A night is claimed by inserting its row in `alert_runs`
//!   (`ON CONFLICT DO NOTHING`): whichever process inserts it runs the night; the others
//!   find it taken.
//! - **Migrations** are applied by `arco migrate` ([`PostgresStore::migrate`], under
//!   sqlx's advisory lock); [`PostgresStore::open`] refuses a database whose migrations
//!   are not exactly this version's.
//!
//! The URL is libpq's (`postgres://usuario:clave@servidor:5432/base?sslmode=require`)
//! plus arco's own `pool_size=N`: connections each process keeps (default 10).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};

use super::any::{MigrationInfo, newly_applied, redact};
use super::{
    AlertRun, CaseRecord, Contact, DeadlineRow, DueRow, FolioCounter, InstallState, ListFilter,
    ListedCase, Listing, NewCase, NewEvent, OutboxItem, OutboxRecord, OutboxRow, Projection,
    ReportCase, Store, StoreError, StoredCase, StoredEvent,
};
use super::{BatchAppend, WrittenDates};
use crate::case::{DeadlineStatus, Role};
use crate::rules::TermId;

mod bulk;

/// The columns of `cases` a list line reads (never the projection's data).
const LISTED_COLUMNS: &str = "id, folio, body, kind, parent, calendar, rulebook, filed_on, state, list_right, holds_until, then_state, then_stops, external_folio, listed";

/// Connections a process keeps when the URL does not say (`pool_size`).
pub const DEFAULT_POOL_SIZE: u32 = 10;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

/// A database error, as the server said it (our triggers speak Spanish).
pub(super) fn db(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => StoreError::Database(d.message().to_string()),
        _ => StoreError::Database(e.to_string()),
    }
}

pub(super) fn corrupt(what: &str, message: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: what.to_string(),
        message: message.to_string(),
    }
}

/// A column, or [`StoreError::Corrupt`] naming it.
fn col<'r, T>(r: &'r PgRow, name: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    r.try_get(name).map_err(|e| corrupt(name, e))
}

fn parse_instant(s: &str, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(what, e))
}

fn term_of(s: &str, what: &str) -> Result<TermId, StoreError> {
    s.parse().map_err(|_| corrupt(what, s))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Why a connection failed, in Spanish where the cause is a common one.
fn connect_error(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => match d.code().as_deref() {
            Some("3D000") => {
                "la base de datos no existe: créela y aplíquele las migraciones con `arco migrate`"
                    .into()
            }
            Some("28P01") | Some("28000") => format!(
                "el servidor rechazó la conexión (usuario, contraseña o permisos): {}",
                d.message()
            ),
            _ => e.to_string(),
        },
        sqlx::Error::Io(io) => format!("no se pudo conectar con el servidor: {io}"),
        sqlx::Error::PoolTimedOut => {
            "el servidor no respondió a tiempo (¿está en marcha y acepta conexiones?)".into()
        }
        _ => e.to_string(),
    }
}

/// The connection options of `url` and the pool size it asks for (`pool_size=N`, taken
/// out of the URL before libpq's options are read).
fn options(url: &str) -> Result<(PgConnectOptions, u32), StoreError> {
    let bad = |message: String| StoreError::Open {
        url: redact(url),
        message,
    };
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut pool_size = DEFAULT_POOL_SIZE;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("pool_size", n)) => {
                pool_size = n.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| {
                    bad(format!(
                        "pool_size=«{n}» no es válido; se esperaba un número de conexiones entre 1 y 1000"
                    ))
                })?;
            }
            _ => rest.push(pair),
        }
    }
    let cleaned = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let options = PgConnectOptions::from_str(&cleaned).map_err(|e| bad(e.to_string()))?;
    Ok((options, pool_size))
}

fn deadline_row(r: &PgRow) -> Result<DeadlineRow, StoreError> {
    let term: String = col(r, "term")?;
    let status: String = col(r, "status")?;
    let days: i64 = col(r, "days")?;
    Ok(DeadlineRow {
        term: term_of(&term, "deadlines.term")?,
        day0: col(r, "day0")?,
        days: u32::try_from(days).map_err(|e| corrupt("deadlines.days", e))?,
        due: col(r, "due")?,
        status: DeadlineStatus::parse(&status)
            .ok_or_else(|| corrupt("deadlines.status", &status))?,
        done: col(r, "done")?,
        optional: col(r, "optional")?,
        article: col(r, "article")?,
    })
}

fn case_row(r: &PgRow, deadlines: Vec<DeadlineRow>) -> Result<CaseRecord, StoreError> {
    Ok(CaseRecord {
        id: col(r, "id")?,
        folio: col(r, "folio")?,
        body: col(r, "body")?,
        kind: col(r, "kind")?,
        parent: col(r, "parent")?,
        calendar: col(r, "calendar")?,
        rulebook: col(r, "rulebook")?,
        version: col(r, "version")?,
        filed_on: col(r, "filed_on")?,
        projection: Projection {
            state: col(r, "state")?,
            data: col::<Value>(r, "projection")?,
            deadlines,
            listing: listing_row(r)?,
        },
    })
}

/// The list columns of a case row.
fn listing_row(r: &PgRow) -> Result<Listing, StoreError> {
    Ok(Listing {
        right: col(r, "list_right")?,
        holds_until: col(r, "holds_until")?,
        then_state: col(r, "then_state")?,
        then_stops: col(r, "then_stops")?,
        external_folio: col(r, "external_folio")?,
        written: col(r, "listed")?,
    })
}

fn event_row(r: &PgRow) -> Result<StoredEvent, StoreError> {
    let role: String = col(r, "role")?;
    let recorded: String = col(r, "recorded_at")?;
    Ok(StoredEvent {
        seq: col(r, "seq")?,
        event: NewEvent {
            act: col(r, "act")?,
            payload: col::<Value>(r, "payload")?,
            actor: col(r, "actor")?,
            role: Role::parse(&role).ok_or_else(|| corrupt("events.role", &role))?,
            occurred_at: col(r, "occurred_at")?,
            effective_on: col(r, "effective_on")?,
            late: col(r, "late")?,
            recorded_at: parse_instant(&recorded, "events.recorded_at")?,
            rulebook: col(r, "rulebook")?,
        },
    })
}

fn outbox_item(r: &PgRow) -> Result<OutboxItem, StoreError> {
    let term: String = col(r, "term")?;
    Ok(OutboxItem {
        folio: col(r, "folio")?,
        term: term_of(&term, "outbox.term")?,
        due: col(r, "due")?,
        threshold: col(r, "threshold")?,
        recipient: col(r, "recipient")?,
        item: col::<Value>(r, "item")?,
    })
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Postgres>;

/// Appends acts to a case's log, in one statement.
async fn insert_events(
    tx: &mut Tx<'_>,
    case_id: i64,
    events: &[(i64, &NewEvent)],
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let seq: Vec<i64> = events.iter().map(|(s, _)| *s).collect();
    let act: Vec<&str> = events.iter().map(|(_, e)| e.act.as_str()).collect();
    let payload: Vec<&Value> = events.iter().map(|(_, e)| &e.payload).collect();
    let actor: Vec<&str> = events.iter().map(|(_, e)| e.actor.as_str()).collect();
    let role: Vec<&str> = events.iter().map(|(_, e)| e.role.as_str()).collect();
    let occurred: Vec<&str> = events.iter().map(|(_, e)| e.occurred_at.as_str()).collect();
    let effective: Vec<NaiveDate> = events.iter().map(|(_, e)| e.effective_on).collect();
    let late: Vec<bool> = events.iter().map(|(_, e)| e.late).collect();
    let recorded: Vec<String> = events
        .iter()
        .map(|(_, e)| e.recorded_at.to_rfc3339())
        .collect();
    let rulebook: Vec<&str> = events.iter().map(|(_, e)| e.rulebook.as_str()).collect();
    sqlx::query(
        "INSERT INTO events (case_id, seq, act, payload, actor, role, occurred_at, effective_on, late, recorded_at, rulebook)
         SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::jsonb[], $5::text[], $6::text[],
                                  $7::text[], $8::date[], $9::boolean[], $10::text[], $11::text[])",
    )
    .bind(case_id)
    .bind(seq)
    .bind(act)
    .bind(payload)
    .bind(actor)
    .bind(role)
    .bind(occurred)
    .bind(effective)
    .bind(late)
    .bind(recorded)
    .bind(rulebook)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Replaces a case's terms, in one statement after the delete.
async fn write_deadlines(
    tx: &mut Tx<'_>,
    case_id: i64,
    rows: &[DeadlineRow],
    replace: bool,
) -> Result<(), StoreError> {
    if replace {
        sqlx::query("DELETE FROM deadlines WHERE case_id = $1")
            .bind(case_id)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
    }
    if rows.is_empty() {
        return Ok(());
    }
    let term: Vec<&str> = rows.iter().map(|d| d.term.as_str()).collect();
    let day0: Vec<NaiveDate> = rows.iter().map(|d| d.day0).collect();
    let days: Vec<i64> = rows.iter().map(|d| i64::from(d.days)).collect();
    let due: Vec<NaiveDate> = rows.iter().map(|d| d.due).collect();
    let status: Vec<&str> = rows.iter().map(|d| d.status.as_str()).collect();
    let done: Vec<Option<NaiveDate>> = rows.iter().map(|d| d.done).collect();
    let optional: Vec<bool> = rows.iter().map(|d| d.optional).collect();
    let article: Vec<&str> = rows.iter().map(|d| d.article.as_str()).collect();
    sqlx::query(
        "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article, body, kind)
         SELECT $1, u.*, c.body, c.kind
         FROM UNNEST($2::text[], $3::date[], $4::bigint[], $5::date[], $6::text[],
                     $7::date[], $8::boolean[], $9::text[]) AS u, cases c
         WHERE c.id = $1",
    )
    .bind(case_id)
    .bind(term)
    .bind(day0)
    .bind(days)
    .bind(due)
    .bind(status)
    .bind(done)
    .bind(optional)
    .bind(article)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Keeps an identity column's sequence past the ids written explicitly.
async fn bump_sequence(tx: &mut Tx<'_>, table: &'static str) -> Result<(), StoreError> {
    let sql = match table {
        "cases" => {
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases)) WHERE EXISTS (SELECT 1 FROM cases)"
        }
        _ => {
            "SELECT setval(pg_get_serial_sequence('outbox', 'id'), (SELECT max(id) FROM outbox)) WHERE EXISTS (SELECT 1 FROM outbox)"
        }
    };
    sqlx::query(sql).execute(&mut **tx).await.map_err(db)?;
    Ok(())
}

impl PostgresStore {
    /// Connects to the database at `url` and checks that its migrations are exactly this
    /// version's; with migrations pending, the error asks for `arco migrate`.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let store = PostgresStore::connect(url).await?;
        if let Err(message) = store.check_migrations().await {
            store.pool.close().await;
            return Err(StoreError::Open {
                url: redact(url),
                message,
            });
        }
        Ok(store)
    }

    /// Connects to the database at `url`, without looking at its migrations.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let (options, pool_size) = options(url)?;
        // One connection first, for the real reason when the server cannot be reached
        // (the pool would retry until its timeout and only say it timed out).
        let probe =
            sqlx::ConnectOptions::connect(&options)
                .await
                .map_err(|e| StoreError::Open {
                    url: redact(url),
                    message: connect_error(&e),
                })?;
        let _ = sqlx::Connection::close(probe).await;
        let pool = PgPoolOptions::new()
            .max_connections(pool_size)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open {
                url: redact(url),
                message: connect_error(&e),
            })?;
        Ok(PostgresStore { pool })
    }

    /// Creates the database of `url` if it does not exist (connecting to the server's
    /// `postgres` database to do it); true if it was created.
    pub async fn create_database(url: &str) -> Result<bool, StoreError> {
        use sqlx::{ConnectOptions, Connection, Executor};
        let (options, _) = options(url)?;
        let open_err = |e: sqlx::Error| StoreError::Open {
            url: redact(url),
            message: connect_error(&e),
        };
        match options.connect().await {
            Ok(c) => {
                let _ = c.close().await;
                Ok(false)
            }
            // 3D000: invalid_catalog_name, the database does not exist.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("3D000") => {
                // Without a database in the URL, PostgreSQL uses the user's name.
                let name = options
                    .get_database()
                    .unwrap_or(options.get_username())
                    .to_string();
                let mut admin = options
                    .clone()
                    .database("postgres")
                    .connect()
                    .await
                    .map_err(open_err)?;
                admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "CREATE DATABASE \"{}\"",
                        name.replace('"', "\"\"")
                    )))
                    .await
                    .map_err(open_err)?;
                let _ = admin.close().await;
                Ok(true)
            }
            Err(e) => Err(open_err(e)),
        }
    }

    /// Applies the migrations not yet applied (`migrations/postgres/`) and returns them.
    /// Processes migrating at once wait for each other (advisory lock).
    pub async fn migrate(&self) -> Result<Vec<MigrationInfo>, StoreError> {
        let before = self.applied().await?;
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Database(format!("migraciones: {e}")))?;
        let versions: Vec<i64> = before.iter().map(|(v, _, _)| *v).collect();
        Ok(newly_applied(&MIGRATOR, &versions))
    }

    /// The migrations recorded in the database: version, checksum, whether it succeeded.
    async fn applied(&self) -> Result<Vec<(i64, Vec<u8>, bool)>, StoreError> {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        if !exists {
            return Ok(Vec::new());
        }
        let rows =
            sqlx::query("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter()
            .map(|r| Ok((col(r, "version")?, col(r, "checksum")?, col(r, "success")?)))
            .collect()
    }

    /// Whether the database's migrations are exactly this version's, and if not, why.
    async fn check_migrations(&self) -> Result<(), String> {
        let applied = self.applied().await.map_err(|e| e.to_string())?;
        for (version, checksum, success) in &applied {
            if !success {
                return Err(format!(
                    "la migración {version} quedó a medias; revise la base de datos y ejecute `arco migrate`"
                ));
            }
            match MIGRATOR.iter().find(|m| m.version == *version) {
                None => {
                    return Err(format!(
                        "la base de datos tiene la migración {version}, que esta versión de arco no conoce: fue migrada por una versión más nueva; actualice arco"
                    ));
                }
                Some(m) if m.checksum.as_ref() != checksum.as_slice() => {
                    return Err(format!(
                        "la migración {version} aplicada en la base de datos no es la de esta versión de arco"
                    ));
                }
                Some(_) => {}
            }
        }
        let pending: Vec<String> = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .filter(|m| !applied.iter().any(|(v, _, _)| *v == m.version))
            .map(|m| format!("{} {}", m.version, m.description))
            .collect();
        if !pending.is_empty() {
            return Err(format!(
                "la base de datos PostgreSQL no está al día: {} migraciones pendientes ({}); ejecute `arco migrate` con la misma --database",
                pending.len(),
                pending.join(", ")
            ));
        }
        Ok(())
    }

    /// The pool, for benchmarks and tests that need raw SQL on the same database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn deadlines_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<DeadlineRow>>, StoreError> {
        let mut out: HashMap<i64, Vec<DeadlineRow>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = sqlx::query(
            "SELECT * FROM deadlines WHERE case_id = ANY($1) ORDER BY case_id, due, term",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        for r in &rows {
            out.entry(col(r, "case_id")?)
                .or_default()
                .push(deadline_row(r)?);
        }
        Ok(out)
    }

    /// The rows of `cases` a filter selects, with `columns`, in folio order.
    async fn filtered(&self, f: &ListFilter, columns: &str) -> Result<Vec<PgRow>, StoreError> {
        // Only the conditions in use go into the query: a generic plan for
        // `$1 IS NULL OR body = $1` cannot use the indexes. Every value is bound.
        let mut sql = format!("SELECT {columns} FROM cases WHERE TRUE");
        let mut n = 0;
        let mut placeholder = || {
            n += 1;
            format!("${n}")
        };
        let mut texts: Vec<String> = Vec::new();
        // Text conditions first (bound in this order), then the typed ones.
        for (clause, value) in [
            ("body = ?", f.body.clone()),
            ("kind = ?", f.kind.clone()),
            ("folio > ?", f.after.clone()),
            ("parent = ?", f.parent.clone()),
            ("calendar = ?", f.calendar.clone()),
            (
                "parent IN (SELECT p.folio FROM cases p WHERE p.body = ?)",
                f.parent_body.clone(),
            ),
            (
                "COALESCE((SELECT a.assignee FROM assignments a WHERE a.folio = cases.folio), (SELECT e.actor FROM events e WHERE e.case_id = cases.id AND e.seq = 1)) = ?",
                f.in_charge.clone(),
            ),
            ("external_folio = ?", f.external_folio.clone()),
            (
                "EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'pending' AND d.term = ?)",
                f.term.map(|t| t.as_str().to_string()),
            ),
        ] {
            if let Some(v) = value {
                sql.push_str(" AND ");
                sql.push_str(&clause.replace('?', &placeholder()));
                texts.push(v);
            }
        }
        let states = !f.states.is_empty();
        if states {
            sql.push_str(&format!(" AND state = ANY({})", placeholder()));
        }
        let excluded = !f.exclude_states.is_empty();
        if excluded {
            sql.push_str(&format!(" AND NOT (state = ANY({}))", placeholder()));
        }
        if f.due_by.is_some() {
            // A power (optional term) counts only until it passes.
            let (by, from) = (placeholder(), placeholder());
            if f.body.is_some() && f.kind.is_some() {
                // One body and kind: driven by the open terms' index
                // (`deadlines_body_open_due`), duties due by then and powers still running.
                // Body and kind are the first two text values bound ($1, $2).
                sql.push_str(&format!(
                    " AND id IN (SELECT d.case_id FROM deadlines d
                        WHERE d.body = $1 AND d.kind = $2 AND d.status = 'pending' AND NOT d.optional AND d.due <= {by}
                        UNION SELECT d.case_id FROM deadlines d
                        WHERE d.body = $1 AND d.kind = $2 AND d.status = 'pending' AND d.optional
                          AND d.due <= {by} AND ({from}::date IS NULL OR d.due >= {from}::date))"
                ));
            } else {
                sql.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'pending' AND d.due <= {by}
                       AND (NOT d.optional OR {from}::date IS NULL OR d.due >= {from}::date))"
                ));
            }
        }
        if f.skip_stopped_by.is_some() {
            sql.push_str(&format!(
                " AND NOT (then_stops AND holds_until < {}::date)",
                placeholder()
            ));
        }
        sql.push_str(&format!(" ORDER BY folio LIMIT {}::bigint", placeholder()));
        // Built from the fixed clauses above; values are bound, never spliced.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for t in texts {
            q = q.bind(t);
        }
        if states {
            q = q.bind(&f.states);
        }
        if excluded {
            q = q.bind(&f.exclude_states);
        }
        if let Some(d) = f.due_by {
            q = q.bind(d).bind(f.optional_from);
        }
        if let Some(d) = f.skip_stopped_by {
            q = q.bind(d);
        }
        q.bind(f.limit.map(i64::from))
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    /// Cases rows with their terms, in the rows' order.
    async fn with_deadlines(&self, rows: &[PgRow]) -> Result<Vec<CaseRecord>, StoreError> {
        let ids = rows
            .iter()
            .map(|r| col::<i64>(r, "id"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut deadlines = self.deadlines_of(&ids).await?;
        rows.iter()
            .zip(&ids)
            .map(|(r, id)| case_row(r, deadlines.remove(id).unwrap_or_default()))
            .collect()
    }
}

impl Store for PostgresStore {
    async fn create_case(
        &self,
        case: NewCase,
        events: Vec<NewEvent>,
        projection: Projection,
    ) -> Result<CaseRecord, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let year = chrono::Datelike::year(&case.filed_on);
        let folio = match &case.folio {
            Some(f) => f.clone(),
            None => loop {
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO folio_counters (body, year, last) VALUES ($1, $2, 1)
                     ON CONFLICT (body, year) DO UPDATE SET last = folio_counters.last + 1
                     RETURNING last",
                )
                .bind(case.sequence.as_deref().unwrap_or(&case.body))
                .bind(year)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
                let folio = case
                    .folio_format
                    .render(&case.body, year, seq)
                    .map_err(StoreError::Database)?;
                // An imported case may already hold this folio: take the next one.
                let taken: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM cases WHERE folio = $1")
                        .bind(&folio)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db)?;
                if taken.is_none() {
                    break folio;
                }
            },
        };
        let version = events.len() as i64;
        let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO cases (folio, body, kind, parent, calendar, rulebook, version, state, projection, filed_on,
                                list_right, holds_until, then_state, then_stops, listed, external_folio)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(&folio)
        .bind(&case.body)
        .bind(&case.kind)
        .bind(&case.parent)
        .bind(&case.calendar)
        .bind(&case.rulebook)
        .bind(version)
        .bind(&projection.state)
        .bind(&projection.data)
        .bind(case.filed_on)
        .bind(&projection.listing.right)
        .bind(projection.listing.holds_until)
        .bind(&projection.listing.then_state)
        .bind(projection.listing.then_stops)
        .bind(projection.listing.written)
        .bind(&projection.listing.external_folio)
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Err(StoreError::DuplicateFolio(folio)),
            Err(e) => return Err(db(e)),
        };
        let numbered: Vec<(i64, &NewEvent)> = events
            .iter()
            .enumerate()
            .map(|(i, e)| (i as i64 + 1, e))
            .collect();
        insert_events(&mut tx, id, &numbered).await?;
        write_deadlines(&mut tx, id, &projection.deadlines, false).await?;
        tx.commit().await.map_err(db)?;
        Ok(CaseRecord {
            id,
            folio,
            body: case.body,
            kind: case.kind,
            parent: case.parent,
            calendar: case.calendar,
            rulebook: case.rulebook,
            version,
            filed_on: case.filed_on,
            projection,
        })
    }

    async fn load(&self, folio: &str) -> Result<(CaseRecord, Vec<StoredEvent>), StoreError> {
        let row = sqlx::query("SELECT * FROM cases WHERE folio = $1")
            .bind(folio)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or_else(|| StoreError::NotFound(folio.to_string()))?;
        let case = self
            .with_deadlines(std::slice::from_ref(&row))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(folio.to_string()))?;
        let events = sqlx::query("SELECT * FROM events WHERE case_id = $1 ORDER BY seq")
            .bind(case.id)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(event_row)
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
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Waits for another process's act on the same case, then sees its version.
        let updated = sqlx::query(
            "UPDATE cases SET version = $1, state = $2, projection = $3, updated_at = now(),
                 list_right = $6, holds_until = $7, then_state = $8, then_stops = $9, listed = $10
             WHERE id = $4 AND version = $5 AND folio = $11",
        )
        .bind(expected_version + 1)
        .bind(&projection.state)
        .bind(&projection.data)
        .bind(case.id)
        .bind(expected_version)
        .bind(&projection.listing.right)
        .bind(projection.listing.holds_until)
        .bind(&projection.listing.then_state)
        .bind(projection.listing.then_stops)
        .bind(projection.listing.written)
        .bind(&case.folio)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            let actual: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
                .bind(case.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
            tx.rollback().await.map_err(db)?;
            return Err(match actual {
                Some(actual) => StoreError::Conflict {
                    folio: case.folio.clone(),
                    expected: expected_version,
                    actual,
                },
                None => StoreError::NotFound(case.folio.clone()),
            });
        }
        insert_events(&mut tx, case.id, &[(expected_version + 1, &event)]).await?;
        write_deadlines(&mut tx, case.id, &projection.deadlines, true).await?;
        tx.commit().await.map_err(db)?;
        Ok(expected_version + 1)
    }

    async fn list(&self, f: &ListFilter) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = self.filtered(f, "*").await?;
        self.with_deadlines(&rows).await
    }

    async fn list_listed(&self, f: &ListFilter) -> Result<Vec<ListedCase>, StoreError> {
        let rows = self.filtered(f, LISTED_COLUMNS).await?;
        let ids = rows
            .iter()
            .map(|r| col::<i64>(r, "id"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut open: HashMap<i64, Vec<DeadlineRow>> = HashMap::new();
        if !ids.is_empty() {
            let drows = sqlx::query(
                "SELECT * FROM deadlines WHERE case_id = ANY($1) AND status = 'pending'
                   AND (NOT optional OR $2::date IS NULL OR due >= $2::date)
                 ORDER BY case_id, due, term",
            )
            .bind(&ids)
            .bind(f.optional_from)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            for r in &drows {
                open.entry(col(r, "case_id")?)
                    .or_default()
                    .push(deadline_row(r)?);
            }
        }
        rows.iter()
            .zip(&ids)
            .map(|(r, id)| {
                Ok(ListedCase {
                    id: *id,
                    folio: col(r, "folio")?,
                    body: col(r, "body")?,
                    kind: col(r, "kind")?,
                    parent: col(r, "parent")?,
                    calendar: col(r, "calendar")?,
                    rulebook: col(r, "rulebook")?,
                    filed_on: col(r, "filed_on")?,
                    state: col(r, "state")?,
                    listing: listing_row(r)?,
                    open: open.remove(id).unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn linked(&self, folio: &str) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT folio FROM cases WHERE parent = $1 ORDER BY id")
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
        let rows = sqlx::query(
            "SELECT c.folio, c.body, c.kind, c.calendar, c.rulebook, c.state, d.term, d.due, d.article,
                    COALESCE(asg.assignee, e.actor) AS in_charge, ct.email AS titular, d.optional
             FROM deadlines d
             JOIN cases c ON c.id = d.case_id
             LEFT JOIN events e ON e.case_id = c.id AND e.seq = 1
             LEFT JOIN assignments asg ON asg.folio = c.folio
             LEFT JOIN contacts ct ON ct.folio = c.folio
             WHERE d.status = 'pending' AND (NOT d.optional OR ct.email IS NOT NULL) AND d.due <= $1
               AND NOT (d.due < $2 AND EXISTS (SELECT 1 FROM outbox o
                        WHERE o.folio = c.folio AND o.term = d.term AND o.due = d.due AND o.threshold = -1))
             ORDER BY d.due, c.folio, d.term",
        )
        .bind(by)
        .bind(as_of)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                let term: String = col(r, "term")?;
                Ok(DueRow {
                    folio: col(r, "folio")?,
                    body: col(r, "body")?,
                    kind: col(r, "kind")?,
                    calendar: col(r, "calendar")?,
                    rulebook: col(r, "rulebook")?,
                    state: col(r, "state")?,
                    in_charge: col::<Option<String>>(r, "in_charge")?.unwrap_or_default(),
                    titular: col(r, "titular")?,
                    optional: col(r, "optional")?,
                    term: term_of(&term, "deadlines.term")?,
                    due: col(r, "due")?,
                    article: col(r, "article")?,
                })
            })
            .collect()
    }

    async fn count_due_rows(&self, by: NaiveDate, as_of: NaiveDate) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT count(*) FROM deadlines d JOIN cases c ON c.id = d.case_id
             LEFT JOIN contacts ct ON ct.folio = c.folio
             WHERE d.status = 'pending' AND (NOT d.optional OR ct.email IS NOT NULL) AND d.due <= $1
               AND NOT (d.due < $2 AND EXISTS (SELECT 1 FROM outbox o
                        WHERE o.folio = c.folio AND o.term = d.term AND o.due = d.due AND o.threshold = -1))",
        )
        .bind(by)
        .bind(as_of)
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }

    async fn stray_terms(&self) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT DISTINCT c.folio FROM deadlines d JOIN cases c ON c.id = d.case_id
             WHERE d.body IS DISTINCT FROM c.body OR d.kind IS DISTINCT FROM c.kind ORDER BY c.folio",
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
            "SELECT COALESCE(SUM(gen), 0)::BIGINT FROM list_generations WHERE body = ANY($1)",
        )
        .bind(bodies)
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

    async fn set_contact(
        &self,
        folio: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO contacts (folio, email, recorded_at) VALUES ($1, $2, $3)
             ON CONFLICT (folio) DO UPDATE SET email = EXCLUDED.email, recorded_at = EXCLUDED.recorded_at",
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
        let r = sqlx::query("DELETE FROM contacts WHERE folio = $1")
            .bind(folio)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(r.rows_affected() > 0)
    }

    async fn outbox_keys(
        &self,
        since: NaiveDate,
    ) -> Result<Vec<(String, TermId, NaiveDate, i32, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT folio, term, due, threshold, recipient FROM outbox WHERE due >= $1",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                let term: String = col(r, "term")?;
                Ok((
                    col(r, "folio")?,
                    term_of(&term, "outbox.term")?,
                    col(r, "due")?,
                    col(r, "threshold")?,
                    col(r, "recipient")?,
                ))
            })
            .collect()
    }

    async fn outbox_add(
        &self,
        items: Vec<OutboxItem>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let created = now.to_rfc3339();
        let mut added = 0;
        for i in &items {
            sqlx::query(
                "UPDATE outbox SET status = 'superseded'
                 WHERE status = 'pending' AND folio = $1 AND term = $2 AND due <> $3",
            )
            .bind(&i.folio)
            .bind(i.term.as_str())
            .bind(i.due)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let r = sqlx::query(
                "INSERT INTO outbox (folio, term, due, threshold, recipient, item, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (folio, term, due, threshold, recipient) DO NOTHING",
            )
            .bind(&i.folio)
            .bind(i.term.as_str())
            .bind(i.due)
            .bind(i.threshold)
            .bind(&i.recipient)
            .bind(&i.item)
            .bind(&created)
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
                    id: col(r, "id")?,
                    attempts: col(r, "attempts")?,
                    item: outbox_item(r)?,
                })
            })
            .collect()
    }

    async fn outbox_sent(&self, ids: &[i64], at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1
             WHERE id = ANY($2)",
        )
        .bind(at.to_rfc3339())
        .bind(ids)
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
            "UPDATE outbox SET status = CASE WHEN $1 THEN 'failed' ELSE status END,
                               attempts = attempts + 1, last_error = $2
             WHERE id = ANY($3)",
        )
        .bind(permanent)
        .bind(error)
        .bind(ids)
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
        // A second process inserting the same night waits for the first to commit, then
        // inserts nothing.
        let r = sqlx::query(
            "INSERT INTO alert_runs (night, holder, started_at) VALUES ($1, $2, $3)
             ON CONFLICT (night) DO NOTHING",
        )
        .bind(night)
        .bind(holder)
        .bind(now.to_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(r.rows_affected() == 1)
    }

    async fn finish_night(&self, night: NaiveDate, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE alert_runs SET finished_at = $1 WHERE night = $2")
            .bind(now.to_rfc3339())
            .bind(night)
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
            "INSERT INTO alert_ticks (tick, holder, started_at) VALUES ($1, $2, $3)
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
        sqlx::query("UPDATE alert_ticks SET finished_at = $1 WHERE tick = $2")
            .bind(now.to_rfc3339())
            .bind(tick)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn last_night(&self) -> Result<Option<NaiveDate>, StoreError> {
        sqlx::query_scalar("SELECT max(night) FROM alert_runs")
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        let any: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM cases) OR EXISTS (SELECT 1 FROM folio_counters)
                 OR EXISTS (SELECT 1 FROM contacts) OR EXISTS (SELECT 1 FROM outbox)
                 OR EXISTS (SELECT 1 FROM alert_runs)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(!any)
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
        // A body's own cases through its index, and those linked to one of its cases (the
        // appeals against its requests) through the parent's.
        let scope = match bodies {
            None => "",
            Some(_) => {
                " AND (c.body = ANY($6) OR c.parent = ANY(ARRAY(SELECT folio FROM cases WHERE body = ANY($6))))"
            }
        };
        let sql = format!(
            "SELECT c.id, c.folio, c.body, p.body AS parent_body, c.calendar, c.rulebook, c.projection::text AS data
             FROM cases c LEFT JOIN cases p ON p.folio = c.parent
             WHERE c.kind = $1 AND c.filed_on >= $2 AND c.filed_on <= $3{scope} AND c.id > $4
             ORDER BY c.id LIMIT $5"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(from)
            .bind(to)
            .bind(after)
            .bind(i64::from(limit));
        if let Some(b) = bodies {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db)?;
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
        let rows = sqlx::query("SELECT * FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let cases = self.with_deadlines(&rows).await?;
        let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
        let mut events: HashMap<i64, Vec<StoredEvent>> = HashMap::new();
        for r in sqlx::query("SELECT * FROM events WHERE case_id = ANY($1) ORDER BY case_id, seq")
            .bind(&ids)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
        {
            events
                .entry(col(&r, "case_id")?)
                .or_default()
                .push(event_row(&r)?);
        }
        Ok(cases
            .into_iter()
            .map(|c| {
                let log = events.remove(&c.id).unwrap_or_default();
                (c, log)
            })
            .collect())
    }

    async fn restore_cases(&self, cases: &[StoredCase]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        for (case, events) in cases {
            let inserted = sqlx::query(
                "INSERT INTO cases (id, folio, body, kind, parent, calendar, rulebook, version, state, projection, filed_on,
                                    list_right, holds_until, then_state, then_stops, listed, external_folio)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
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
            .bind(&case.projection.data)
            .bind(case.filed_on)
            .bind(&case.projection.listing.right)
            .bind(case.projection.listing.holds_until)
            .bind(&case.projection.listing.then_state)
            .bind(case.projection.listing.then_stops)
            .bind(case.projection.listing.written)
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
            let numbered: Vec<(i64, &NewEvent)> =
                events.iter().map(|e| (e.seq, &e.event)).collect();
            insert_events(&mut tx, case.id, &numbered).await?;
            write_deadlines(&mut tx, case.id, &case.projection.deadlines, false).await?;
        }
        bump_sequence(&mut tx, "cases").await?;
        tx.commit().await.map_err(db)
    }

    async fn install_state(&self) -> Result<InstallState, StoreError> {
        let counters = sqlx::query(
            "SELECT body, year, last FROM folio_counters ORDER BY body COLLATE \"C\", year",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            Ok(FolioCounter {
                body: col(r, "body")?,
                year: col(r, "year")?,
                last: col(r, "last")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
        let contacts = sqlx::query("SELECT folio, email, recorded_at FROM contacts ORDER BY folio")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let at: String = col(r, "recorded_at")?;
                Ok(Contact {
                    folio: col(r, "folio")?,
                    email: col(r, "email")?,
                    recorded_at: parse_instant(&at, "contacts.recorded_at")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let outbox = sqlx::query("SELECT * FROM outbox ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let created: String = col(r, "created_at")?;
                Ok(OutboxRecord {
                    id: col(r, "id")?,
                    item: outbox_item(r)?,
                    status: col(r, "status")?,
                    attempts: col(r, "attempts")?,
                    last_error: col(r, "last_error")?,
                    created_at: parse_instant(&created, "outbox.created_at")?,
                    sent_at: col::<Option<String>>(r, "sent_at")?
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
                let started: String = col(r, "started_at")?;
                Ok(AlertRun {
                    night: col(r, "night")?,
                    holder: col(r, "holder")?,
                    started_at: parse_instant(&started, "alert_runs.started_at")?,
                    finished_at: col::<Option<String>>(r, "finished_at")?
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
        let mut tx = self.pool.begin().await.map_err(db)?;
        for c in &state.counters {
            sqlx::query(
                "INSERT INTO folio_counters (body, year, last) VALUES ($1, $2, $3)
                 ON CONFLICT (body, year) DO UPDATE SET last = GREATEST(folio_counters.last, EXCLUDED.last)",
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
                "INSERT INTO contacts (folio, email, recorded_at) VALUES ($1, $2, $3)
                 ON CONFLICT (folio) DO UPDATE SET email = EXCLUDED.email, recorded_at = EXCLUDED.recorded_at",
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(o.id)
            .bind(&o.item.folio)
            .bind(o.item.term.as_str())
            .bind(o.item.due)
            .bind(o.item.threshold)
            .bind(&o.item.recipient)
            .bind(&o.item.item)
            .bind(&o.status)
            .bind(o.attempts)
            .bind(&o.last_error)
            .bind(o.created_at.to_rfc3339())
            .bind(o.sent_at.map(|t| t.to_rfc3339()))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        bump_sequence(&mut tx, "outbox").await?;
        for r in &state.runs {
            sqlx::query(
                "INSERT INTO alert_runs (night, holder, started_at, finished_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(r.night)
            .bind(&r.holder)
            .bind(r.started_at.to_rfc3339())
            .bind(r.finished_at.map(|t| t.to_rfc3339()))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    // Whole-install operations: see `postgres/bulk.rs`.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_size_is_taken_out_of_the_url() {
        let (o, n) = options("postgres://arco@db:5432/arco?pool_size=25&sslmode=disable").unwrap();
        assert_eq!(n, 25);
        assert_eq!(o.get_database(), Some("arco"));
        let (_, n) = options("postgres://arco@db/arco").unwrap();
        assert_eq!(n, DEFAULT_POOL_SIZE);
        let e = options("postgres://arco:clave@db/arco?pool_size=cero")
            .unwrap_err()
            .to_string();
        assert!(e.contains("pool_size=«cero» no es válido"), "{e}");
        assert!(!e.contains("clave"), "{e}");
    }
}
