//! The documents of the expediente on PostgreSQL.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::documents::{DocumentStore, PurgeCandidate, Purged};
use super::postgres::{corrupt, db};
use super::{PostgresStore, StoreError};
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

fn row(r: &PgRow) -> Result<DocumentMeta, StoreError> {
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

impl PostgresStore {
    async fn insert_document(
        &self,
        id: Option<i64>,
        doc: &NewDocument,
        purged: (Option<DateTime<Utc>>, Option<&str>),
        content: Option<&[u8]>,
    ) -> Result<i64, StoreError> {
        let explicit = id.is_some();
        let mut tx = self.pool().begin().await.map_err(db)?;
        let case_id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE folio = $1")
            .bind(&doc.folio)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| StoreError::NotFound(doc.folio.clone()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (id, case_id, act_seq, kind, filename, media_type, size, sha256,
                 uploaded_by, uploaded_at, purged_at, purged_by)
             VALUES (COALESCE($1, nextval(pg_get_serial_sequence('documents', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
        if explicit {
            sqlx::query("SELECT setval(pg_get_serial_sequence('documents', 'id'), (SELECT max(id) FROM documents))")
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        if let Some(c) = content {
            sqlx::query("INSERT INTO document_blobs (sha256, content) VALUES ($1, $2) ON CONFLICT DO NOTHING")
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

impl DocumentStore for PostgresStore {
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
             WHERE c.folio = $1 ORDER BY d.id"
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
             WHERE c.folio = $1 AND d.id = $2"
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
        sqlx::query_scalar("SELECT content FROM document_blobs WHERE sha256 = $1")
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
                    request_last_act: r.get::<Option<NaiveDate>, _>("request_last"),
                    appeal_last_act: r.get::<Option<NaiveDate>, _>("appeal_last"),
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
        let mut tx = self.pool().begin().await.map_err(db)?;
        let sha: Option<String> = sqlx::query_scalar(
            "UPDATE documents SET purged_at = $1, purged_by = $2
             WHERE id = $3 AND purged_at IS NULL RETURNING sha256",
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
            "SELECT count(*) FROM documents WHERE sha256 = $1 AND purged_at IS NULL",
        )
        .bind(&sha)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if live == 0 {
            sqlx::query("DELETE FROM document_blobs WHERE sha256 = $1")
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
