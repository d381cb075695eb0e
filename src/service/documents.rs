//! Documents of the expediente (art. 58.2 LPDPPSOJ) through the registry: attach, list,
//! download and purge, each checking the caller's scope with the same rules as the acts
//! ([`Principal::may_request`], [`Principal::may_appeal`]) every time, and the identity
//! guard: identity and representation documents (arts. 50–51) only for the Unidad de
//! Transparencia ([`may_read`]).
//!
//! Nothing here logs a file name or a content: only ids and sizes.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use thiserror::Error;

use super::{APPEAL_KIND, Registry};
use crate::accounts::{Access, Principal};
use crate::expediente::documents::{
    ContentError, DEFAULT_MAX_BYTES, DEFAULT_RETENTION_DAYS, DocumentKind, DocumentMeta,
    NewDocument, clean_filename, may_attach, may_read, sha256_hex, sniff,
};
use crate::storage::{BlobPlace, Directory, DocumentStore, Store, StoreError};

/// Who the retention job purges as.
pub const RETENTION_ACTOR: &str = "retención";

/// How an install keeps documents (`arco serve`'s `documents_*` keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSettings {
    /// Largest document accepted, in bytes.
    pub max_bytes: u64,
    /// Where contents are kept.
    pub place: BlobPlace,
    /// Calendar days after a request is closed before its identity documents are purged.
    pub retention_days: u32,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        DocumentSettings {
            max_bytes: DEFAULT_MAX_BYTES,
            place: BlobPlace::Database,
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

/// Why a document operation was refused. Spanish: shown to staff.
#[derive(Debug, Error)]
pub enum DocumentError {
    /// Missing, or outside the caller's scope (the same answer, so another body's folios
    /// and documents are not even confirmed to exist).
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Content(#[from] ContentError),
    #[error(
        "el contenido del documento {id} se depuró el {at} al vencer su plazo de conservación; queda solo su registro"
    )]
    Purged { id: i64, at: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A document to attach.
#[derive(Debug, Clone)]
pub struct Upload<'a> {
    pub folio: &'a str,
    pub kind: DocumentKind,
    pub filename: &'a str,
    /// The act of the case's log it belongs to (its number), if one.
    pub act_seq: Option<i64>,
    pub content: &'a [u8],
}

/// What a purge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// The documents whose content was deleted (id and folio).
    pub purged: Vec<(i64, String)>,
    /// Sensitive documents kept: their case is open, or closed for less than the period.
    pub kept: usize,
}

impl<S: Store + Directory + DocumentStore> Registry<S> {
    /// Whether `who` may read (or act on) the case `folio`; its kind when it may.
    async fn document_scope(
        &self,
        who: &Principal,
        folio: &str,
        access: Access,
    ) -> Result<String, DocumentError> {
        let missing = || DocumentError::NotFound(format!("no existe el expediente «{folio}»"));
        let scope = self.store().case_scope(folio).await?.ok_or_else(missing)?;
        let may = |a| {
            if scope.kind == APPEAL_KIND {
                who.may_appeal(&scope.body, scope.parent_body.as_deref().unwrap_or(""), a)
            } else {
                who.may_request(&scope.body, a)
            }
        };
        if !may(Access::Read) {
            return Err(missing());
        }
        if access == Access::Act && !may(Access::Act) {
            return Err(DocumentError::Forbidden(format!(
                "{} no agrega documentos al expediente {folio}",
                who.role().label_es()
            )));
        }
        Ok(scope.kind)
    }

    /// Attaches a document to a case (art. 58.2): the caller must be able to act on the
    /// case and its role to attach that kind; the content must not be empty nor larger
    /// than the limit, and its type (sniffed from the bytes) must be on the allow-list.
    pub async fn attach_document(
        &self,
        settings: &DocumentSettings,
        who: &Principal,
        upload: Upload<'_>,
        now: DateTime<Utc>,
    ) -> Result<DocumentMeta, DocumentError> {
        self.document_scope(who, upload.folio, Access::Act).await?;
        if !may_attach(who.role(), upload.kind) {
            return Err(DocumentError::Forbidden(format!(
                "{} no agrega documentos de tipo «{}»",
                who.role().label_es(),
                upload.kind.label_es()
            )));
        }
        if let Some(seq) = upload.act_seq {
            let (case, _) = self.store().load(upload.folio).await?;
            if seq < 1 || seq > case.version {
                return Err(DocumentError::Invalid {
                    field: "act",
                    message: format!(
                        "el expediente {} no tiene un acto número {seq} (tiene {})",
                        upload.folio, case.version
                    ),
                });
            }
        }
        let media_type = sniff(upload.content, settings.max_bytes)?;
        let sha256 = sha256_hex(upload.content);
        settings.place.write(&sha256, upload.content)?;
        let in_db = (settings.place == BlobPlace::Database).then_some(upload.content);
        let doc = NewDocument {
            folio: upload.folio.to_string(),
            act_seq: upload.act_seq,
            kind: upload.kind,
            filename: clean_filename(upload.filename),
            media_type: media_type.to_string(),
            size: upload.content.len() as i64,
            sha256,
            uploaded_by: who.account.username.clone(),
            uploaded_at: crate::storage::directory::directory_time(now),
        };
        let meta = self.store().add_document(&doc, in_db).await?;
        tracing::info!(
            documento = meta.id,
            bytes = meta.size,
            "documento agregado al expediente"
        );
        Ok(meta)
    }

    /// The documents of a case the caller may read: sensitive ones only for the Unidad de
    /// Transparencia (to anybody else they do not appear at all).
    pub async fn list_documents(
        &self,
        who: &Principal,
        folio: &str,
    ) -> Result<Vec<DocumentMeta>, DocumentError> {
        self.document_scope(who, folio, Access::Read).await?;
        let mut docs = self.store().documents(folio).await?;
        docs.retain(|d| may_read(who.role(), d.kind));
        Ok(docs)
    }

    /// A document and its content, checking the caller's scope and the identity guard on
    /// every call; a purged document answers [`DocumentError::Purged`].
    pub async fn fetch_document(
        &self,
        settings: &DocumentSettings,
        who: &Principal,
        folio: &str,
        id: i64,
    ) -> Result<(DocumentMeta, Vec<u8>), DocumentError> {
        self.document_scope(who, folio, Access::Read).await?;
        let missing = || {
            DocumentError::NotFound(format!(
                "no existe el documento {id} en el expediente «{folio}»"
            ))
        };
        let meta = self
            .store()
            .document(folio, id)
            .await?
            .filter(|d| may_read(who.role(), d.kind))
            .ok_or_else(missing)?;
        if let Some(at) = meta.purged_at {
            return Err(DocumentError::Purged {
                id,
                at: at
                    .with_timezone(&chrono_tz::America::Mexico_City)
                    .format("%d/%m/%Y %H:%M")
                    .to_string(),
            });
        }
        let content = settings
            .place
            .read(self.store(), &meta.sha256)
            .await?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("documento {id}"),
                message: "falta su contenido".into(),
            })?;
        if sha256_hex(&content) != meta.sha256 {
            return Err(StoreError::Corrupt {
                what: format!("documento {id}"),
                message: "su contenido no coincide con su SHA-256".into(),
            }
            .into());
        }
        tracing::info!(documento = id, bytes = meta.size, "documento descargado");
        Ok((meta, content))
    }

    /// Purges the content of every identity and representation document whose request is
    /// closed (state `closed`) and whose last act, and the last act of any appeal against
    /// it, took effect at least `retention_days` calendar days before `today`. The record
    /// of each document stays, with who purged it and when.
    pub async fn purge_documents(
        &self,
        settings: &DocumentSettings,
        by: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<PurgeReport, DocumentError> {
        let cutoff = today - Duration::days(i64::from(settings.retention_days));
        let mut report = PurgeReport::default();
        let at = crate::storage::directory::directory_time(now);
        for c in self.store().purge_candidates().await? {
            let due = c.request_state == "closed"
                && c.request_last_act.is_some_and(|d| d <= cutoff)
                && c.appeal_last_act.is_none_or(|d| d <= cutoff);
            if !due {
                report.kept += 1;
                continue;
            }
            let done = self.store().mark_purged(c.id, by, at).await?;
            if done.content_unused {
                let sha = self
                    .store()
                    .document(&c.folio, c.id)
                    .await?
                    .map(|d| d.sha256)
                    .unwrap_or_default();
                settings.place.delete(&sha)?;
            }
            if done.purged {
                tracing::info!(documento = c.id, "contenido de documento depurado");
                report.purged.push((c.id, c.folio));
            }
        }
        Ok(report)
    }
}
