//! The expediente's administrative record and notes on SQLite.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::admin::{
    AdminStore, ExpedienteDump, entry_json, folded, no_such_note, parse_at, parse_entry, parse_text,
};
use super::sqlite::db;
use super::{SqliteStore, StoreError};
use crate::expediente::admin::{AdminEntry, AdminRecord};
use crate::expediente::notes::{Note, NoteText};

fn record_row(r: &SqliteRow) -> Result<AdminRecord, StoreError> {
    Ok(AdminRecord {
        folio: r.get("folio"),
        seq: r.get("seq"),
        entry: parse_entry(r.get("entry"))?,
        by: r.get("actor"),
        at: parse_at(r.get("recorded_at"), "case_admin.recorded_at")?,
    })
}

fn note_row(r: &SqliteRow) -> Result<Note, StoreError> {
    Ok(Note {
        id: r.get("id"),
        folio: r.get("folio"),
        author: r.get("author"),
        at: parse_at(r.get("written_at"), "notes.written_at")?,
        text: parse_text(r.get("text"))?,
        corrects: r.get("corrects"),
    })
}

impl AdminStore for SqliteStore {
    async fn record_admin(
        &self,
        folio: &str,
        entry: &AdminEntry,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<AdminRecord, StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let seq: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_admin WHERE folio = ?")
                .bind(folio)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
        sqlx::query(
            "INSERT INTO case_admin (folio, seq, entry, actor, recorded_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(folio)
        .bind(seq)
        .bind(entry_json(entry))
        .bind(by)
        .bind(at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let before: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT assignee, area FROM assignments WHERE folio = ?")
                .bind(folio)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let (assignee, area) = folded(before, entry);
        sqlx::query(
            "INSERT INTO assignments (folio, assignee, area, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (folio) DO UPDATE SET assignee = excluded.assignee, area = excluded.area,
                 updated_at = excluded.updated_at",
        )
        .bind(folio)
        .bind(assignee)
        .bind(area)
        .bind(at.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(AdminRecord {
            folio: folio.to_string(),
            seq,
            entry: entry.clone(),
            by: by.to_string(),
            at,
        })
    }

    async fn admin_records(&self, folio: &str) -> Result<Vec<AdminRecord>, StoreError> {
        sqlx::query("SELECT * FROM case_admin WHERE folio = ? ORDER BY seq")
            .bind(folio)
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(record_row)
            .collect()
    }

    async fn add_note(
        &self,
        folio: &str,
        author: &str,
        at: DateTime<Utc>,
        text: &NoteText,
        corrects: Option<i64>,
    ) -> Result<Note, StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(id) = corrects {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM notes WHERE id = ? AND folio = ?")
                    .bind(id)
                    .bind(folio)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
            if found.is_none() {
                return Err(no_such_note(folio, id));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notes (folio, author, written_at, text, corrects) VALUES (?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(folio)
        .bind(author)
        .bind(at.to_rfc3339())
        .bind(text.as_str())
        .bind(corrects)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Note {
            id,
            folio: folio.to_string(),
            author: author.to_string(),
            at,
            text: text.clone(),
            corrects,
        })
    }

    async fn notes(&self, folio: &str) -> Result<Vec<Note>, StoreError> {
        sqlx::query("SELECT * FROM notes WHERE folio = ? ORDER BY id")
            .bind(folio)
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(note_row)
            .collect()
    }

    async fn forget_notes(&self, folio: &str) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM notes WHERE folio = ?")
            .bind(folio)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(r.rows_affected())
    }

    async fn dump_expediente(&self) -> Result<ExpedienteDump, StoreError> {
        let records = sqlx::query("SELECT * FROM case_admin ORDER BY folio, seq")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(record_row)
            .collect::<Result<_, _>>()?;
        let notes = sqlx::query("SELECT * FROM notes ORDER BY id")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(note_row)
            .collect::<Result<_, _>>()?;
        Ok(ExpedienteDump { records, notes })
    }

    async fn restore_expediente(&self, dump: &ExpedienteDump) -> Result<(), StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let mut folded_rows = std::collections::BTreeMap::new();
        for r in &dump.records {
            sqlx::query(
                "INSERT INTO case_admin (folio, seq, entry, actor, recorded_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&r.folio)
            .bind(r.seq)
            .bind(entry_json(&r.entry))
            .bind(&r.by)
            .bind(r.at.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let before = folded_rows
                .get(&r.folio)
                .map(|(a, b, _)| (Clone::clone(a), Clone::clone(b)));
            let (a, b) = folded(before, &r.entry);
            folded_rows.insert(r.folio.clone(), (a, b, r.at));
        }
        for (folio, (assignee, area, at)) in folded_rows {
            sqlx::query(
                "INSERT INTO assignments (folio, assignee, area, updated_at) VALUES (?, ?, ?, ?)",
            )
            .bind(folio)
            .bind(assignee)
            .bind(area)
            .bind(at.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for n in &dump.notes {
            sqlx::query(
                "INSERT INTO notes (id, folio, author, written_at, text, corrects) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(n.id)
            .bind(&n.folio)
            .bind(&n.author)
            .bind(n.at.to_rfc3339())
            .bind(n.text.as_str())
            .bind(n.corrects)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}
