//! The documents of the expediente on SQLite.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::documents::{DocumentStore, PurgeCandidate, Purged};
use super::sqlite::{corrupt, db};
use super::{SqliteStore, StoreError};
use crate::expediente::documents::{DocumentKind, DocumentMeta, NewDocument};

const COLUMNS: &str = "d.id, c.folio, d.act_seq, d.kind, d.filename, d.media_type, d.size, \
     d.sha256, d.uploaded_by, d.uploaded_at, d.purged_at, d.purged_by";

fn time(s: Option<String>, what: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| corrupt(what, e))
    })
    .transpose()
}

fn row(r: &SqliteRow) -> Result<DocumentMeta, StoreError> {
    let kind: String = r.get("kind");
    Ok(DocumentMeta {
        id: r.get("id"),
        folio: r.get("folio"),
        act_seq: r.get("act_seq"),
        kind: DocumentKind::parse(&kind).ok_or_else(|| corrupt("documents.kind", &kind))?,
        filename: r.get("filename"),
        media_type: r.get("media_type"),
        size: r.get("size"),
        sha256: r.get("sha256"),
        uploaded_by: r.get("uploaded_by"),
        uploaded_at: time(r.get("uploaded_at"), "documents.uploaded_at")?
            .ok_or_else(|| corrupt("documents.uploaded_at", "NULL"))?,
        purged_at: time(r.get("purged_at"), "documents.purged_at")?,
        purged_by: r.get("purged_by"),
    })
}

fn date(s: Option<String>, what: &str) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| corrupt(what, e)))
        .transpose()
}

impl SqliteStore {
    async fn insert_document(
        &self,
        id: Option<i64>,
        doc: &NewDocument,
        purged: (Option<DateTime<Utc>>, Option<&str>),
        content: Option<&[u8]>,
    ) -> Result<i64, StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let case_id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE folio = ?")
            .bind(&doc.folio)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| StoreError::NotFound(doc.folio.clone()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (id, case_id, act_seq, kind, filename, media_type, size, sha256,
                 uploaded_by, uploaded_at, purged_at, purged_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(case_id)
        .bind(doc.act_seq)
        .bind(doc.kind.as_str())
        .bind(&doc.filename)
        .bind(&doc.media_type)
        .bind(doc.size)
        .bind(&doc.sha256)
        .bind(&doc.uploaded_by)
        .bind(doc.uploaded_at.to_rfc3339())
        .bind(purged.0.map(|t| t.to_rfc3339()))
        .bind(purged.1)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(c) = content {
            sqlx::query(
                "INSERT INTO document_blobs (sha256, content) VALUES (?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(&doc.sha256)
            .bind(c)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(id)
    }
}

impl DocumentStore for SqliteStore {
    async fn add_document(
        &self,
        doc: &NewDocument,
        content: Option<&[u8]>,
    ) -> Result<DocumentMeta, StoreError> {
        let id = self
            .insert_document(None, doc, (None, None), content)
            .await?;
        self.document(&doc.folio, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(doc.folio.clone()))
    }

    async fn documents(&self, folio: &str) -> Result<Vec<DocumentMeta>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents d JOIN cases c ON c.id = d.case_id
             WHERE c.folio = ? ORDER BY d.id"
        )))
        .bind(folio)
        .fetch_all(self.pool())
        .await
        .map_err(db)?
        .iter()
        .map(row)
        .collect()
    }

    async fn document(&self, folio: &str, id: i64) -> Result<Option<DocumentMeta>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents d JOIN cases c ON c.id = d.case_id
             WHERE c.folio = ? AND d.id = ?"
        )))
        .bind(folio)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .as_ref()
        .map(row)
        .transpose()
    }

    async fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT content FROM document_blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(self.pool())
            .await
            .map_err(db)
    }

    async fn purge_candidates(&self) -> Result<Vec<PurgeCandidate>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, c.folio, r.state,
                 (SELECT max(e.effective_on) FROM events e WHERE e.case_id = r.id) AS request_last,
                 (SELECT max(e.effective_on) FROM cases a JOIN events e ON e.case_id = a.id
                   WHERE a.parent = r.folio) AS appeal_last
             FROM documents d
             JOIN cases c ON c.id = d.case_id
             JOIN cases r ON r.folio = CASE WHEN c.parent IS NULL THEN c.folio ELSE c.parent END
             WHERE d.purged_at IS NULL AND d.kind IN ('identity', 'representation')
             ORDER BY d.id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(PurgeCandidate {
                    id: r.get("id"),
                    folio: r.get("folio"),
                    request_state: r.get("state"),
                    request_last_act: date(r.get("request_last"), "events.effective_on")?,
                    appeal_last_act: date(r.get("appeal_last"), "events.effective_on")?,
                })
            })
            .collect()
    }

    async fn mark_purged(
        &self,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Purged, StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sha: Option<String> = sqlx::query_scalar(
            "UPDATE documents SET purged_at = ?, purged_by = ?
             WHERE id = ? AND purged_at IS NULL RETURNING sha256",
        )
        .bind(at.to_rfc3339())
        .bind(by)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(sha) = sha else {
            return Ok(Purged {
                purged: false,
                content_unused: false,
            });
        };
        let live: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM documents WHERE sha256 = ? AND purged_at IS NULL",
        )
        .bind(&sha)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if live == 0 {
            sqlx::query("DELETE FROM document_blobs WHERE sha256 = ?")
                .bind(&sha)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(Purged {
            purged: true,
            content_unused: live == 0,
        })
    }

    async fn all_documents(&self) -> Result<Vec<DocumentMeta>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents d JOIN cases c ON c.id = d.case_id ORDER BY d.id"
        )))
        .fetch_all(self.pool())
        .await
        .map_err(db)?
        .iter()
        .map(row)
        .collect()
    }

    async fn restore_document(
        &self,
        doc: &DocumentMeta,
        content: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        self.insert_document(
            Some(doc.id),
            &doc.as_new(),
            (doc.purged_at, doc.purged_by.as_deref()),
            content,
        )
        .await
        .map(|_| ())
    }
}
