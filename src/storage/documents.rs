//! Storage of the documents of the expediente (art. 58.2), behind its own trait beside
//! [`super::Store`] and [`super::Directory`], one implementation per database. Documents
//! are kept OUTSIDE the append-only log so that their content can be erased.
//!
//! What a document is (its row) is always in the database. Its content is kept by SHA-256
//! in one of two places, chosen by the install's configuration ([`BlobPlace`]): the
//! database's `document_blobs` table (the default, on both backends) or a content-addressed
//! folder whose files are named by their SHA-256, written atomically (temporary file then
//! rename) with mode 0600.

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;
use crate::expediente::documents::{DocumentMeta, NewDocument, is_sha256_hex};

/// A sensitive document that may be purged, with what decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeCandidate {
    pub id: i64,
    pub folio: String,
    /// The state of the request the document's case is (or challenges).
    pub request_state: String,
    /// The effective date of the request's last act (its closing, once closed).
    pub request_last_act: Option<NaiveDate>,
    /// The effective date of the last act of any appeal against the request.
    pub appeal_last_act: Option<NaiveDate>,
}

/// What marking a document purged did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// False if it was purged already (or does not exist).
    pub purged: bool,
    /// No live document shares its content any more: the content may be deleted (it was,
    /// from `document_blobs`).
    pub content_unused: bool,
}

/// Documents and, for the in-database place, their contents.
pub trait DocumentStore: Send + Sync {
    /// Records a document of an existing case and, with `content`, stores the content in
    /// `document_blobs` (once per SHA-256), in one transaction; [`StoreError::NotFound`] if
    /// there is no such case.
    fn add_document(
        &self,
        doc: &NewDocument,
        content: Option<&[u8]>,
    ) -> impl Future<Output = Result<DocumentMeta, StoreError>> + Send;

    /// The documents of a case, oldest first.
    fn documents(
        &self,
        folio: &str,
    ) -> impl Future<Output = Result<Vec<DocumentMeta>, StoreError>> + Send;

    /// One document of a case.
    fn document(
        &self,
        folio: &str,
        id: i64,
    ) -> impl Future<Output = Result<Option<DocumentMeta>, StoreError>> + Send;

    /// A content from `document_blobs`.
    fn blob(
        &self,
        sha256: &str,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;

    /// Sensitive documents not yet purged, with the state of their request.
    fn purge_candidates(
        &self,
    ) -> impl Future<Output = Result<Vec<PurgeCandidate>, StoreError>> + Send;

    /// Marks a document purged (who, when) and deletes its content from `document_blobs`
    /// when no live document shares it, in one transaction.
    fn mark_purged(
        &self,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Purged, StoreError>> + Send;

    /// Every document, by id (`arco export`).
    fn all_documents(&self) -> impl Future<Output = Result<Vec<DocumentMeta>, StoreError>> + Send;

    /// Loads a document as exported, keeping its id (`arco import`), with its content in
    /// `document_blobs` when given.
    fn restore_document(
        &self,
        doc: &DocumentMeta,
        content: Option<&[u8]>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Where the contents of documents are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobPlace {
    /// The database's `document_blobs` table.
    Database,
    /// A content-addressed folder: one file per content, named by its SHA-256.
    Folder(PathBuf),
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Database(format!(
        "carpeta de documentos ({}): {e}",
        path.parent().unwrap_or(path).display()
    ))
}

impl BlobPlace {
    fn file(dir: &Path, sha256: &str) -> Result<PathBuf, StoreError> {
        if !is_sha256_hex(sha256) {
            return Err(StoreError::Corrupt {
                what: "documents.sha256".into(),
                message: "no es un SHA-256".into(),
            });
        }
        Ok(dir.join(sha256))
    }

    /// Writes a content to the folder (nothing for the database: the store writes it with
    /// the row). A content already there is left as it is.
    pub fn write(&self, sha256: &str, content: &[u8]) -> Result<(), StoreError> {
        let BlobPlace::Folder(dir) = self else {
            return Ok(());
        };
        let path = Self::file(dir, sha256)?;
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| io(&path, e))?;
        let tmp = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let written = options.open(&tmp).and_then(|mut f| {
            f.write_all(content)?;
            f.sync_all()
        });
        if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, &path)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(&path, e));
        }
        Ok(())
    }

    /// Reads a content: from the folder, or from the database through `store`.
    pub async fn read<D: DocumentStore>(
        &self,
        store: &D,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            BlobPlace::Database => store.blob(sha256).await,
            BlobPlace::Folder(dir) => {
                let path = Self::file(dir, sha256)?;
                match std::fs::read(&path) {
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io(&path, e)),
                }
            }
        }
    }

    /// Deletes a content no live document uses any more (the database's is deleted by
    /// [`DocumentStore::mark_purged`]).
    pub fn delete(&self, sha256: &str) -> Result<(), StoreError> {
        let BlobPlace::Folder(dir) = self else {
            return Ok(());
        };
        let path = Self::file(dir, sha256)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(&path, e)),
        }
    }
}
