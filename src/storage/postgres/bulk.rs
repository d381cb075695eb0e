//! Whole-install operations on PostgreSQL (issue 20): pages of cases with their logs read
//! by key, a batch of calendar changes in one transaction, and the read-only snapshot an
//! export reads from.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::postgres::{PgPoolOptions, PgRow};

use super::{
    PostgresStore, col, connect_error, db, event_row, insert_events, options, redact,
    write_deadlines,
};
use crate::storage::{BatchAppend, StoreError, StoredCase, StoredEvent, WrittenDates};

impl PostgresStore {
    /// Opens the database at `url` (migrated, as [`PostgresStore::open`] checks) for
    /// reading it as one snapshot: one connection inside one `REPEATABLE READ READ ONLY`
    /// transaction begun here. Every read through this store sees the database as it was
    /// at its first query, while other processes go on writing. End it with
    /// [`PostgresStore::end_snapshot`].
    pub async fn open_snapshot(url: &str) -> Result<PostgresStore, StoreError> {
        let checked = PostgresStore::open(url).await?;
        checked.pool.close().await;
        let (options, _) = options(url)?;
        // One connection, never closed for age or idleness: the transaction lives in it.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open {
                url: redact(url),
                message: connect_error(&e),
            })?;
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&pool)
            .await
            .map_err(db)?;
        // The snapshot is taken at the first query of the transaction.
        sqlx::query("SELECT 1").execute(&pool).await.map_err(db)?;
        Ok(PostgresStore { pool })
    }

    /// Ends the transaction of [`PostgresStore::open_snapshot`]; an error if it was not
    /// open any more (then the reads were not one snapshot).
    pub async fn end_snapshot(&self) -> Result<(), StoreError> {
        let isolation: Result<(String, String), _> = sqlx::query_as(
            "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')",
        )
        .fetch_one(&self.pool)
        .await;
        let ended = match isolation {
            Ok((i, r)) if i == "repeatable read" && r == "on" => sqlx::query("COMMIT")
                .execute(&self.pool)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Ok((i, _)) => Err(format!("aislamiento «{i}»")),
            Err(e) => Err(e.to_string()),
        };
        self.pool.close().await;
        ended.map_err(|e| {
            StoreError::Database(format!(
                "la lectura no fue una sola instantánea de la base de datos (la transacción de lectura ya no estaba abierta: {e})"
            ))
        })
    }

    pub(super) async fn open_cases_page(
        &self,
        calendar: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredCase>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM cases c WHERE c.calendar = $1 AND c.id > $2
                 AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.status = 'pending')
             ORDER BY c.id LIMIT $3",
        )
        .bind(calendar)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        self.rows_with_logs(&rows).await
    }

    pub(super) async fn open_dates_page(
        &self,
        calendar: &str,
        after: i64,
        through: i64,
        limit: u32,
    ) -> Result<Vec<WrittenDates>, StoreError> {
        // One row per case: a request's terms and acts aggregated as JSON (its acts `NULL`
        // when its log holds a calendar change), in id order.
        let rows = sqlx::query(
            "SELECT c.id, c.kind, c.calendar, c.rulebook,
                 CASE WHEN c.kind = 'request' THEN
                     (SELECT json_agg(json_build_array(d.term, d.day0, d.days, d.due))::text
                      FROM deadlines d WHERE d.case_id = c.id) END AS terms,
                 CASE WHEN c.kind = 'request' THEN
                     (SELECT CASE WHEN bool_or(e.act = 'calendar_changed') THEN NULL
                             ELSE json_agg(json_build_array(e.occurred_at, e.effective_on))::text END
                      FROM events e WHERE e.case_id = c.id) END AS acts
             FROM cases c WHERE c.calendar = $1 AND c.id > $2 AND c.id <= $3
                 AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.status = 'pending')
             ORDER BY c.id LIMIT $4",
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
                let terms: Option<String> = col(r, "terms")?;
                let acts: Option<String> = col(r, "acts")?;
                WrittenDates::from_json(
                    col(r, "id")?,
                    col(r, "kind")?,
                    col(r, "calendar")?,
                    col(r, "rulebook")?,
                    terms.as_deref(),
                    acts.as_deref(),
                )
            })
            .collect()
    }

    pub(super) async fn cases_with_ids(&self, ids: &[i64]) -> Result<Vec<StoredCase>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query("SELECT * FROM cases WHERE id = ANY($1) ORDER BY id")
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        self.rows_with_logs(&rows).await
    }

    /// The cases of `rows` (rows of `cases`) with their terms and logs, in the rows' order.
    async fn rows_with_logs(&self, rows: &[PgRow]) -> Result<Vec<StoredCase>, StoreError> {
        let cases = self.with_deadlines(rows).await?;
        let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
        let mut events: HashMap<i64, Vec<StoredEvent>> = HashMap::new();
        if !ids.is_empty() {
            for r in
                sqlx::query("SELECT * FROM events WHERE case_id = ANY($1) ORDER BY case_id, seq")
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
        }
        Ok(cases
            .into_iter()
            .map(|c| {
                let log = events.remove(&c.id).unwrap_or_default();
                (c, log)
            })
            .collect())
    }

    pub(super) async fn write_batch(&self, writes: &[BatchAppend]) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(db)?;
        for w in writes {
            let p = &w.projection;
            // Waits for another process's act on the same case, then sees its version.
            let updated = sqlx::query(
                "UPDATE cases SET version = $1, state = $2, projection = $3, updated_at = now(),
                     list_right = $6, holds_until = $7, then_state = $8, then_stops = $9, listed = $10
                 WHERE id = $4 AND version = $5",
            )
            .bind(w.expected_version + 1)
            .bind(&p.state)
            .bind(&p.data)
            .bind(w.id)
            .bind(w.expected_version)
            .bind(&p.listing.right)
            .bind(p.listing.holds_until)
            .bind(&p.listing.then_state)
            .bind(p.listing.then_stops)
            .bind(p.listing.written)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            if updated.rows_affected() == 0 {
                let actual: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
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
            insert_events(&mut tx, w.id, &[(w.expected_version + 1, &w.event)]).await?;
            write_deadlines(&mut tx, w.id, &p.deadlines, true).await?;
        }
        tx.commit().await.map_err(db)
    }
}
