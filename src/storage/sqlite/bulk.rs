//! Whole-install operations on SQLite (issue 20): pages of cases with their logs read by
//! key, a batch of calendar changes in one transaction, and the read-only snapshot an
//! export reads from.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow};

use super::{
    SqliteStore, case_row, db, deadline_row, event_row, id_list, insert_deadlines, insert_event,
};
use crate::storage::{BatchAppend, DeadlineRow, StoreError, StoredCase, StoredEvent, WrittenDates};

impl SqliteStore {
    /// Opens the database at `url` (created and migrated if needed, as [`SqliteStore::open`]
    /// does) for reading it as one snapshot: one connection, lean (no memory map, 8 MB of
    /// page cache), inside one read transaction begun here. Every read through this store
    /// sees the database as it was at that moment, while other processes go on writing
    /// (WAL). End it with [`SqliteStore::end_snapshot`].
    pub async fn open_snapshot(url: &str) -> Result<SqliteStore, StoreError> {
        let migrated = SqliteStore::open_lean(url).await?;
        migrated.pool.close().await;
        let normalized = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let open_err = |e: sqlx::Error| StoreError::Open {
            url: url.to_string(),
            message: e.to_string(),
        };
        let memory = normalized.contains(":memory:");
        let options = SqliteConnectOptions::from_str(&normalized)
            .map_err(open_err)?
            .create_if_missing(false)
            .journal_mode(if memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            .pragma("mmap_size", "0")
            .pragma("cache_size", "-8192");
        // One connection, never closed for age or idleness: the transaction lives in it.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_err)?;
        sqlx::query("BEGIN").execute(&pool).await.map_err(db)?;
        // The snapshot is taken at the first read of the transaction.
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .fetch_one(&pool)
            .await
            .map_err(db)?;
        Ok(SqliteStore {
            pool,
            writers: std::sync::Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Ends the read transaction of [`SqliteStore::open_snapshot`]; an error if it was not
    /// open any more (then the reads were not one snapshot).
    pub async fn end_snapshot(&self) -> Result<(), StoreError> {
        let ended = sqlx::query("COMMIT").execute(&self.pool).await;
        self.pool.close().await;
        ended.map(|_| ()).map_err(|e| {
            StoreError::Database(format!(
                "la lectura no fue una sola instantánea de la base de datos (la transacción de lectura ya no estaba abierta: {e})"
            ))
        })
    }

    /// The cases of `rows` (rows of `cases`) with their terms and logs, in the rows' order.
    async fn with_logs(&self, rows: Vec<SqliteRow>) -> Result<Vec<StoredCase>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.get("id")).collect();
        let list = id_list(&ids);
        let mut deadlines: HashMap<i64, Vec<DeadlineRow>> = HashMap::new();
        for r in sqlx::query(
            "SELECT * FROM deadlines WHERE case_id IN (SELECT value FROM json_each(?))
             ORDER BY case_id, due, term",
        )
        .bind(&list)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        {
            deadlines
                .entry(r.get("case_id"))
                .or_default()
                .push(deadline_row(&r)?);
        }
        let mut events: HashMap<i64, Vec<StoredEvent>> = HashMap::new();
        for r in sqlx::query(
            "SELECT * FROM events WHERE case_id IN (SELECT value FROM json_each(?))
             ORDER BY case_id, seq",
        )
        .bind(&list)
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

    pub(super) async fn open_cases_page(
        &self,
        calendar: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredCase>, StoreError> {
        // By the calendar's index, in id order; an open term is a pending row of the case.
        let rows = sqlx::query(
            "SELECT * FROM cases c WHERE c.calendar = ? AND c.id > ?
                 AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.status = 'pending')
             ORDER BY c.id LIMIT ?",
        )
        .bind(calendar)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        self.with_logs(rows).await
    }

    pub(super) async fn open_dates_page(
        &self,
        calendar: &str,
        after: i64,
        through: i64,
        limit: u32,
    ) -> Result<Vec<WrittenDates>, StoreError> {
        // One row per case: a request's terms and acts aggregated as JSON (its acts `NULL`
        // when its log holds a calendar change), in id order by the calendar's index.
        let rows = sqlx::query(
            "SELECT c.id, c.kind, c.calendar, c.rulebook,
                 CASE WHEN c.kind = 'request' THEN
                     (SELECT json_group_array(json_array(d.term, d.day0, d.days, d.due))
                      FROM deadlines d WHERE d.case_id = c.id) END AS terms,
                 CASE WHEN c.kind = 'request' THEN
                     (SELECT CASE WHEN max(e.act = 'calendar_changed') THEN NULL
                             ELSE json_group_array(json_array(e.occurred_at, e.effective_on)) END
                      FROM events e WHERE e.case_id = c.id) END AS acts
             FROM cases c WHERE c.calendar = ? AND c.id > ? AND c.id <= ?
                 AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.status = 'pending')
             ORDER BY c.id LIMIT ?",
        )
        .bind(calendar)
        .bind(after)
        .bind(through)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                WrittenDates::from_json(
                    r.get("id"),
                    r.get("kind"),
                    r.get("calendar"),
                    r.get("rulebook"),
                    r.get::<Option<&str>, _>("terms"),
                    r.get::<Option<&str>, _>("acts"),
                )
            })
            .collect()
    }

    pub(super) async fn cases_with_ids(&self, ids: &[i64]) -> Result<Vec<StoredCase>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT * FROM cases WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        )
        .bind(id_list(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        self.with_logs(rows).await
    }

    pub(super) async fn write_batch(&self, writes: &[BatchAppend]) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let now = Utc::now().to_rfc3339();
        for w in writes {
            let p = &w.projection;
            let q = sqlx::query(
                "UPDATE cases SET version = ?, state = ?, projection = ?, updated_at = ?,
                     list_right = ?, holds_until = ?, then_state = ?, then_stops = ?, listed = ?
                 WHERE id = ? AND version = ?",
            )
            .bind(w.expected_version + 1)
            .bind(&p.state)
            .bind(p.data.to_string())
            .bind(&now);
            let updated = super::bind_listing(q, &p.listing)
                .bind(w.id)
                .bind(w.expected_version)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            if updated.rows_affected() == 0 {
                let actual: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM cases WHERE id = ?")
                        .bind(w.id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db)?;
                tx.rollback().await.map_err(db)?;
                return Err(match actual {
                    Some(actual) => StoreError::Conflict {
                        folio: w.folio.clone(),
                        expected: w.expected_version,
                        actual,
                    },
                    None => StoreError::NotFound(w.folio.clone()),
                });
            }
            insert_event(&mut tx, w.id, w.expected_version + 1, &w.event).await?;
            sqlx::query("DELETE FROM deadlines WHERE case_id = ?")
                .bind(w.id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            insert_deadlines(&mut tx, w.id, &p.deadlines).await?;
        }
        tx.commit().await.map_err(db)
    }
}
