//! Moving a whole install between databases (SQLite to PostgreSQL and back): an export
//! file, its import into an empty database, and the comparison of a database with it.
//!
//! The export is JSON Lines. Its first line is a header
//! (`{"format":"arco-export","version":2,...}`); then the directory `arco serve`
//! authenticates against, one line per body (`{"body":...}`, guarantors first), account
//! (`{"account":...}`, with its password's argon2 hash) and token (`{"token":...}`, its
//! SHA-256 digest only, as stored); then one line per case, in id order, with
//! everything stored about it (`{"case":{"id":..,"folio":..,...,"events":[...]}}`): its
//! record, its projection and every act of its log with every field (who, in what role,
//! when it happened and took effect, whether late, when recorded, the rulebook); then one
//! line per folio sequence (`{"counter":...}`), titular's contact (`{"contact":...}`),
//! outbox alert with its delivery status (`{"outbox":...}`) and nightly run
//! (`{"alert_run":...}`), change of a case's assignment or área (`{"admin":...}`) and
//! internal note (`{"note":...}`); and last a line with the counts (`{"end":...}`), so a file cut
//! short is refused. Nothing is left out: the file holds the titulars' alert addresses and
//! the accounts' password hashes, and must be kept as carefully as the database.
//!
//! After the cases come the documents of the expediente (art. 58.2), one line each
//! (`{"document":{"id":..,"folio":..,...,"content":"<base64>"}}`): every field of the
//! record, and the content in base64 wherever it is kept (database or folder). A purged
//! document has `"content": null`: its content no longer exists anywhere. Documents are
//! an addition to version 2: an arco without them refuses such a file (unknown line)
//! rather than dropping them.
//!
//! After them, the register of social-media accounts (issue 18): one line per account
//! (`{"social_account":{"id":..,"changes":[...],"gestores":[...]}}`: its projection, its
//! history and its gestores' names), then one line per request about a publication
//! (`{"publication":{"folio":..,"account_id":..,"post":..}}`). A comparison names an
//! account or a folio whose publication differs without showing a name or a post.
//!
//! Version 1 (before the directory) is still read: it has no directory lines.
//!
//! An import checks the whole file before writing anything (lines, logs, counts, and that
//! every guarantor, body and account a directory line names comes earlier in the file),
//! refuses a target that is not empty (cases, folios, contacts, alerts, runs, bodies or
//! accounts), then writes the directory in one transaction, the cases in batches of
//! [`BATCH`], each batch one transaction, and everything else in one last transaction. A
//! failure of the directory leaves nothing written; a failure after it leaves the directory
//! and whole cases only, and says the target must be emptied before trying again.
//!
//! A comparison never shows a password hash, a token digest or a titular's address: it
//! names the account, the token (by account, kind, label and creation) or the folio.
//!
//! An export reads the database page by page; `arco export` reads it through one snapshot
//! ([`super::Database::open_snapshot`]: a read transaction on SQLite, `REPEATABLE READ
//! READ ONLY` on PostgreSQL), so the install's processes need not be stopped.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read as _, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::admin::{AdminStore, ExpedienteDump};
use super::directory::{AccountRecord, BodyRecord, Directory, DirectoryDump, TokenRecord};
use super::documents::{BlobPlace, DocumentStore};
use super::social::{AccountChange, GestorName, PublicationRecord, SocialStore, StoredAccount};
use super::{
    AlertRun, CaseRecord, Contact, DeadlineRow, FolioCounter, InstallState, Listing, NewEvent,
    OutboxItem, OutboxRecord, Projection, Store, StoreError, StoredCase, StoredEvent,
};
use crate::accounts::{Body, BodyKind, TokenKind};
use crate::case::{DeadlineStatus, Role};
use crate::expediente::admin::AdminRecord;
use crate::expediente::documents::{DocumentKind, DocumentMeta, sha256_hex};
use crate::expediente::notes::Note;
use crate::rules::TermId;

/// The header's `format`.
pub const FORMAT: &str = "arco-export";
/// The version of the format this arco writes.
pub const VERSION: u32 = 2;
/// The oldest version this arco still reads (1: without the directory).
pub const OLDEST_VERSION: u32 = 1;
/// Cases per page of an export and per transaction of an import.
pub const BATCH: u32 = 500;

/// Why a transfer failed. Spanish: shown to staff.
#[derive(Debug, Error)]
pub enum TransferError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}, línea {line}: {message}")]
    Format {
        path: String,
        line: usize,
        message: String,
    },
    #[error(
        "la base de datos destino no está vacía (tiene expedientes, folios, avisos, corridas, sujetos obligados o cuentas): una exportación solo se carga en una base de datos nueva"
    )]
    NotEmpty,
    #[error(
        "la importación se interrumpió después de {done} expedientes completos: {error}; la base de datos destino quedó incompleta: vacíela (o use una nueva) antes de repetir la importación"
    )]
    Partial {
        done: usize,
        error: Box<TransferError>,
    },
}

/// The first line of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The arco version that wrote it.
    pub arco: String,
    /// The backend it was exported from (`SQLite`, `PostgreSQL`).
    pub source: String,
    pub exported_at: DateTime<Utc>,
}

/// How much an export holds (its last line), or an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub cases: usize,
    pub events: usize,
    pub counters: usize,
    pub contacts: usize,
    pub outbox: usize,
    pub alert_runs: usize,
    /// The directory (absent from version 1, which had none).
    #[serde(default)]
    pub bodies: usize,
    #[serde(default)]
    pub accounts: usize,
    #[serde(default)]
    pub tokens: usize,
    /// The expediente beyond the acts (absent before it existed): changes of assignment
    /// and área, and internal notes.
    #[serde(default)]
    pub admin_records: usize,
    #[serde(default)]
    pub notes: usize,
    /// Documents of the expediente (absent from files without them).
    #[serde(default)]
    pub documents: usize,
    /// Accounts of the register of social-media accounts (absent from files without
    /// them).
    #[serde(default)]
    pub social_accounts: usize,
    #[serde(default)]
    pub publications: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} expedientes ({} actos), {} secuencias de folios, {} contactos, {} avisos, {} corridas nocturnas, {} documentos; directorio: {} sujetos obligados, {} cuentas, {} tokens; {} cambios de asignación, {} notas internas",
            self.cases,
            self.events,
            self.counters,
            self.contacts,
            self.outbox,
            self.alert_runs,
            self.documents,
            self.bodies,
            self.accounts,
            self.tokens,
            self.admin_records,
            self.notes
        )
    }
}

/// One act of a case's log, every field as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportEvent {
    pub seq: i64,
    pub act: String,
    pub payload: Value,
    pub actor: String,
    pub role: Role,
    pub occurred_at: String,
    pub effective_on: NaiveDate,
    pub late: bool,
    pub recorded_at: DateTime<Utc>,
    pub rulebook: String,
}

/// One term of a case's projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDeadline {
    pub term: TermId,
    pub day0: NaiveDate,
    pub days: u32,
    pub due: NaiveDate,
    pub status: DeadlineStatus,
    pub done: Option<NaiveDate>,
    pub optional: bool,
    pub article: String,
}

/// A case as exported: its record, its projection and its log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportCase {
    pub id: i64,
    pub folio: String,
    pub body: String,
    pub kind: String,
    pub parent: Option<String>,
    pub calendar: String,
    pub rulebook: String,
    pub version: i64,
    pub filed_on: NaiveDate,
    pub state: String,
    pub data: Value,
    pub deadlines: Vec<ExportDeadline>,
    pub events: Vec<ExportEvent>,
    /// The list columns (absent from files written before they existed, and for cases
    /// written before them: such a case is listed from its projection until its next act).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<ExportListing>,
}

/// The list columns of a case as exported (see [`super::Listing`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportListing {
    pub right: Option<String>,
    pub holds_until: Option<NaiveDate>,
    pub then_state: Option<String>,
    pub then_stops: bool,
}

/// An outbox row as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportOutbox {
    pub id: i64,
    pub folio: String,
    pub term: TermId,
    pub due: NaiveDate,
    pub threshold: i32,
    pub recipient: String,
    pub item: Value,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A body of the directory as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportBody {
    pub code: String,
    pub name: String,
    pub kind: BodyKind,
    pub calendar: String,
    pub guarantor: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An account as exported, with its password's argon2 hash (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportAccount {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub body: Option<String>,
    pub role: Role,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// A token as exported: its digest, as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportToken {
    pub digest: String,
    pub account_id: i64,
    pub kind: TokenKind,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A document of the expediente as exported: its record and its content (base64; `None`
/// once purged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDocument {
    pub id: i64,
    pub folio: String,
    pub act_seq: Option<i64>,
    pub kind: DocumentKind,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub purged_at: Option<DateTime<Utc>>,
    pub purged_by: Option<String>,
    pub content: Option<String>,
}

impl ExportDocument {
    fn of(m: DocumentMeta, content: Option<&[u8]>) -> ExportDocument {
        use base64::Engine as _;
        ExportDocument {
            id: m.id,
            folio: m.folio,
            act_seq: m.act_seq,
            kind: m.kind,
            filename: m.filename,
            media_type: m.media_type,
            size: m.size,
            sha256: m.sha256,
            uploaded_by: m.uploaded_by,
            uploaded_at: m.uploaded_at,
            purged_at: m.purged_at,
            purged_by: m.purged_by,
            content: content.map(|c| base64::engine::general_purpose::STANDARD.encode(c)),
        }
    }

    fn meta(&self) -> DocumentMeta {
        DocumentMeta {
            id: self.id,
            folio: self.folio.clone(),
            act_seq: self.act_seq,
            kind: self.kind,
            filename: self.filename.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            uploaded_by: self.uploaded_by.clone(),
            uploaded_at: self.uploaded_at,
            purged_at: self.purged_at,
            purged_by: self.purged_by.clone(),
        }
    }

    /// The content, checked against its size and SHA-256; `None` for a purged document.
    fn content(&self) -> Result<Option<Vec<u8>>, String> {
        use base64::Engine as _;
        let Some(text) = &self.content else {
            return match self.purged_at {
                Some(_) => Ok(None),
                None => Err(format!(
                    "el documento {} no está depurado pero no trae su contenido",
                    self.id
                )),
            };
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| format!("el contenido del documento {} no es base64: {e}", self.id))?;
        if bytes.len() as i64 != self.size || sha256_hex(&bytes) != self.sha256 {
            return Err(format!(
                "el contenido del documento {} no coincide con su tamaño o su SHA-256",
                self.id
            ));
        }
        Ok(Some(bytes))
    }
}

/// The content of a live document, wherever the install keeps it.
async fn live_content<D: DocumentStore>(
    store: &D,
    place: &BlobPlace,
    m: &DocumentMeta,
) -> Result<Option<Vec<u8>>, StoreError> {
    if m.purged_at.is_some() {
        return Ok(None);
    }
    place.read(store, &m.sha256).await
}

/// An account of the register of social-media accounts (issue 18), with its history and
/// its gestores' names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSocialAccount {
    pub id: i64,
    pub body: String,
    pub platform: String,
    pub handle: String,
    pub version: i64,
    pub data: Value,
    pub changes: Vec<ExportSocialChange>,
    pub gestores: Vec<ExportGestor>,
}

/// One change of an account's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSocialChange {
    pub seq: i64,
    pub change: Value,
    pub effective_on: NaiveDate,
    pub actor: String,
    pub role: Role,
    pub recorded_at: DateTime<Utc>,
}

/// A gestor's name, kept apart from the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportGestor {
    pub gestor: i64,
    pub name: String,
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ExportSocialAccount {
    fn of(
        stored: StoredAccount,
        changes: Vec<AccountChange>,
        gestores: Vec<GestorName>,
    ) -> Result<ExportSocialAccount, StoreError> {
        let data: Value = serde_json::from_str(&stored.data).map_err(|e| StoreError::Corrupt {
            what: format!("cuenta {}", stored.id),
            message: e.to_string(),
        })?;
        let text = |k: &str| {
            data.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Ok(ExportSocialAccount {
            id: stored.id,
            body: stored.body,
            platform: text("platform"),
            handle: text("handle"),
            version: stored.version,
            changes: changes
                .into_iter()
                .map(|c| {
                    Ok(ExportSocialChange {
                        seq: c.seq,
                        change: serde_json::from_str(&c.change).map_err(|e| {
                            StoreError::Corrupt {
                                what: format!("cuenta {}, cambio {}", stored.id, c.seq),
                                message: e.to_string(),
                            }
                        })?,
                        effective_on: c.effective_on,
                        actor: c.actor,
                        role: c.role,
                        recorded_at: c.recorded_at,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            gestores: gestores
                .into_iter()
                .map(|g| ExportGestor {
                    gestor: g.gestor,
                    name: g.name,
                    position: g.position,
                    email: g.email,
                })
                .collect(),
            data,
        })
    }

    fn check(&self) -> Result<(), String> {
        if self.version != self.changes.len() as i64 {
            return Err(format!(
                "la cuenta {} dice versión {} y trae {} cambios",
                self.id,
                self.version,
                self.changes.len()
            ));
        }
        for (i, c) in self.changes.iter().enumerate() {
            if c.seq != i as i64 + 1 {
                return Err(format!(
                    "cuenta {}: el cambio en la posición {} tiene el número {}",
                    self.id,
                    i + 1,
                    c.seq
                ));
            }
        }
        Ok(())
    }

    async fn restore<S: SocialStore>(&self, store: &S) -> Result<(), StoreError> {
        let changes: Vec<AccountChange> = self
            .changes
            .iter()
            .map(|c| AccountChange {
                seq: c.seq,
                change: c.change.to_string(),
                effective_on: c.effective_on,
                actor: c.actor.clone(),
                role: c.role,
                recorded_at: c.recorded_at,
            })
            .collect();
        let gestores: Vec<GestorName> = self
            .gestores
            .iter()
            .map(|g| GestorName {
                gestor: g.gestor,
                name: g.name.clone(),
                position: g.position.clone(),
                email: g.email.clone(),
            })
            .collect();
        store
            .restore_social_account(
                &StoredAccount {
                    id: self.id,
                    body: self.body.clone(),
                    version: self.version,
                    data: self.data.to_string(),
                },
                &self.platform,
                &self.handle,
                &changes,
                &gestores,
            )
            .await
    }
}

/// What a request about a publication points to (kept apart from the log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportPublication {
    pub folio: String,
    pub account_id: i64,
    pub post: String,
    pub captured_at: Option<String>,
    pub action: Option<String>,
    pub preserved: Option<bool>,
    pub acted_on: Option<NaiveDate>,
    pub acted_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl From<PublicationRecord> for ExportPublication {
    fn from(p: PublicationRecord) -> Self {
        ExportPublication {
            folio: p.folio,
            account_id: p.account_id,
            post: p.post,
            captured_at: p.captured_at,
            action: p.action,
            preserved: p.preserved,
            acted_on: p.acted_on,
            acted_by: p.acted_by,
            recorded_at: p.recorded_at,
        }
    }
}

impl From<ExportPublication> for PublicationRecord {
    fn from(p: ExportPublication) -> Self {
        PublicationRecord {
            folio: p.folio,
            account_id: p.account_id,
            post: p.post,
            captured_at: p.captured_at,
            action: p.action,
            preserved: p.preserved,
            acted_on: p.acted_on,
            acted_by: p.acted_by,
            recorded_at: p.recorded_at,
        }
    }
}

/// A line of an export after the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Line {
    Body(ExportBody),
    Account(ExportAccount),
    Token(ExportToken),
    Case(ExportCase),
    Counter {
        body: String,
        year: i32,
        last: i64,
    },
    Contact {
        folio: String,
        email: String,
        recorded_at: DateTime<Utc>,
    },
    Document(ExportDocument),
    /// An account of the register of social-media accounts.
    SocialAccount(ExportSocialAccount),
    /// What a request about a publication points to.
    Publication(ExportPublication),
    Outbox(ExportOutbox),
    /// A change of a case's administrative record (assignment, área, non-cooperation).
    Admin(AdminRecord),
    /// An internal note.
    Note(Note),
    AlertRun {
        night: NaiveDate,
        holder: String,
        started_at: DateTime<Utc>,
        finished_at: Option<DateTime<Utc>>,
    },
    End(Counts),
}

impl ExportCase {
    /// A stored case as exported.
    pub fn of((case, log): &StoredCase) -> ExportCase {
        ExportCase {
            id: case.id,
            folio: case.folio.clone(),
            body: case.body.clone(),
            kind: case.kind.clone(),
            parent: case.parent.clone(),
            calendar: case.calendar.clone(),
            rulebook: case.rulebook.clone(),
            version: case.version,
            filed_on: case.filed_on,
            state: case.projection.state.clone(),
            data: case.projection.data.clone(),
            deadlines: case
                .projection
                .deadlines
                .iter()
                .map(|d| ExportDeadline {
                    term: d.term,
                    day0: d.day0,
                    days: d.days,
                    due: d.due,
                    status: d.status,
                    done: d.done,
                    optional: d.optional,
                    article: d.article.clone(),
                })
                .collect(),
            events: log
                .iter()
                .map(|e| ExportEvent {
                    seq: e.seq,
                    act: e.event.act.clone(),
                    payload: e.event.payload.clone(),
                    actor: e.event.actor.clone(),
                    role: e.event.role,
                    occurred_at: e.event.occurred_at.clone(),
                    effective_on: e.event.effective_on,
                    late: e.event.late,
                    recorded_at: e.event.recorded_at,
                    rulebook: e.event.rulebook.clone(),
                })
                .collect(),
            listing: Some(&case.projection.listing)
                .filter(|l| l.written)
                .map(|l| ExportListing {
                    right: l.right.clone(),
                    holds_until: l.holds_until,
                    then_state: l.then_state.clone(),
                    then_stops: l.then_stops,
                }),
        }
    }

    /// The case to store.
    pub fn into_stored(self) -> StoredCase {
        let record = CaseRecord {
            id: self.id,
            folio: self.folio,
            body: self.body,
            kind: self.kind,
            parent: self.parent,
            calendar: self.calendar,
            rulebook: self.rulebook,
            version: self.version,
            filed_on: self.filed_on,
            projection: Projection {
                state: self.state,
                deadlines: self
                    .deadlines
                    .into_iter()
                    .map(|d| DeadlineRow {
                        term: d.term,
                        day0: d.day0,
                        days: d.days,
                        due: d.due,
                        status: d.status,
                        done: d.done,
                        optional: d.optional,
                        article: d.article,
                    })
                    .collect(),
                listing: Listing {
                    // Not in the file: it is the projection's own (the filing's reception).
                    external_folio: super::external_folio_of(&self.data),
                    ..self.listing.map_or_else(Listing::default, |l| Listing {
                        right: l.right,
                        holds_until: l.holds_until,
                        then_state: l.then_state,
                        then_stops: l.then_stops,
                        external_folio: None,
                        written: true,
                    })
                },
                data: self.data,
            },
        };
        let log = self
            .events
            .into_iter()
            .map(|e| StoredEvent {
                seq: e.seq,
                event: NewEvent {
                    act: e.act,
                    payload: e.payload,
                    actor: e.actor,
                    role: e.role,
                    occurred_at: e.occurred_at,
                    effective_on: e.effective_on,
                    late: e.late,
                    recorded_at: e.recorded_at,
                    rulebook: e.rulebook,
                },
            })
            .collect();
        (record, log)
    }

    /// What is wrong with the case's log, if anything: acts numbered 1, 2, 3... and as
    /// many as its version says.
    fn check(&self) -> Result<(), String> {
        for (i, e) in self.events.iter().enumerate() {
            if e.seq != i as i64 + 1 {
                return Err(format!(
                    "expediente {}: el acto en la posición {} tiene el número {}",
                    self.folio,
                    i + 1,
                    e.seq
                ));
            }
        }
        if self.version != self.events.len() as i64 {
            return Err(format!(
                "expediente {}: versión {} pero {} actos",
                self.folio,
                self.version,
                self.events.len()
            ));
        }
        Ok(())
    }
}

/// The directory's lines, in the order it loads back: bodies (guarantors first), accounts,
/// tokens.
fn directory_lines(dump: &DirectoryDump) -> Vec<Line> {
    let mut out = Vec::new();
    for b in &dump.bodies {
        out.push(Line::Body(ExportBody {
            code: b.body.code.clone(),
            name: b.body.name.clone(),
            kind: b.body.kind,
            calendar: b.body.calendar.clone(),
            guarantor: b.body.guarantor.clone(),
            created_at: b.created_at,
        }));
    }
    for a in &dump.accounts {
        out.push(Line::Account(ExportAccount {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            body: a.body.clone(),
            role: a.role,
            password_hash: a.password_hash.clone(),
            active: a.active,
            created_at: a.created_at,
        }));
    }
    for t in &dump.tokens {
        out.push(Line::Token(ExportToken {
            digest: t.digest.clone(),
            account_id: t.account_id,
            kind: t.kind,
            label: t.label.clone(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }));
    }
    out
}

/// Adds a directory line to a dump; false (and nothing added) for any other line.
fn add_to_directory(dump: &mut DirectoryDump, line: &Line) -> bool {
    match line {
        Line::Body(b) => dump.bodies.push(BodyRecord {
            body: Body {
                code: b.code.clone(),
                name: b.name.clone(),
                kind: b.kind,
                calendar: b.calendar.clone(),
                guarantor: b.guarantor.clone(),
            },
            created_at: b.created_at,
        }),
        Line::Account(a) => dump.accounts.push(AccountRecord {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            body: a.body.clone(),
            role: a.role,
            password_hash: a.password_hash.clone(),
            active: a.active,
            created_at: a.created_at,
        }),
        Line::Token(t) => dump.tokens.push(TokenRecord {
            digest: t.digest.clone(),
            account_id: t.account_id,
            kind: t.kind,
            label: t.label.clone(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }),
        _ => return false,
    }
    true
}

fn state_lines(state: &InstallState, exp: &ExpedienteDump) -> Vec<Line> {
    let mut out = Vec::new();
    out.extend(exp.records.iter().cloned().map(Line::Admin));
    out.extend(exp.notes.iter().cloned().map(Line::Note));
    for c in &state.counters {
        out.push(Line::Counter {
            body: c.body.clone(),
            year: c.year,
            last: c.last,
        });
    }
    for c in &state.contacts {
        out.push(Line::Contact {
            folio: c.folio.clone(),
            email: c.email.clone(),
            recorded_at: c.recorded_at,
        });
    }
    for o in &state.outbox {
        out.push(Line::Outbox(ExportOutbox {
            id: o.id,
            folio: o.item.folio.clone(),
            term: o.item.term,
            due: o.item.due,
            threshold: o.item.threshold,
            recipient: o.item.recipient.clone(),
            item: o.item.item.clone(),
            status: o.status.clone(),
            attempts: o.attempts,
            last_error: o.last_error.clone(),
            created_at: o.created_at,
            sent_at: o.sent_at,
        }));
    }
    for r in &state.runs {
        out.push(Line::AlertRun {
            night: r.night,
            holder: r.holder.clone(),
            started_at: r.started_at,
            finished_at: r.finished_at,
        });
    }
    out
}

/// Adds a non-case line to an install state.
fn add_to_state(state: &mut InstallState, exp: &mut ExpedienteDump, line: Line) {
    match line {
        Line::Admin(r) => exp.records.push(r),
        Line::Note(n) => exp.notes.push(n),
        Line::Counter { body, year, last } => {
            state.counters.push(FolioCounter { body, year, last })
        }
        Line::Contact {
            folio,
            email,
            recorded_at,
        } => state.contacts.push(Contact {
            folio,
            email,
            recorded_at,
        }),
        Line::Outbox(o) => state.outbox.push(OutboxRecord {
            id: o.id,
            item: OutboxItem {
                folio: o.folio,
                term: o.term,
                due: o.due,
                threshold: o.threshold,
                recipient: o.recipient,
                item: o.item,
            },
            status: o.status,
            attempts: o.attempts,
            last_error: o.last_error,
            created_at: o.created_at,
            sent_at: o.sent_at,
        }),
        Line::AlertRun {
            night,
            holder,
            started_at,
            finished_at,
        } => state.runs.push(AlertRun {
            night,
            holder,
            started_at,
            finished_at,
        }),
        Line::Body(_)
        | Line::Account(_)
        | Line::Token(_)
        | Line::Case(_)
        | Line::Document(_)
        | Line::SocialAccount(_)
        | Line::Publication(_)
        | Line::End(_) => {}
    }
}

/// An I/O error in Spanish where its kind is a common one.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no existe".into(),
        PermissionDenied => "sin permiso para leerlo o escribirlo".into(),
        AlreadyExists => "ya existe".into(),
        StorageFull => "el disco está lleno".into(),
        InvalidData => "no es texto UTF-8".into(),
        _ => format!("error de entrada y salida: {e}"),
    }
}

fn io_err(path: &Path, e: std::io::Error) -> TransferError {
    TransferError::Io {
        path: path.display().to_string(),
        message: io_message(&e),
    }
}

/// Writes the whole install in `store` to `out` (see the module's doc for the format);
/// `source` names the backend for the header, `progress` hears the cases written so far.
pub async fn export<S: Store + Directory + AdminStore + DocumentStore + SocialStore, W: Write>(
    store: &S,
    source: &str,
    out: W,
    progress: impl FnMut(usize),
) -> Result<Counts, TransferError> {
    export_with(store, &BlobPlace::Database, source, out, progress).await
}

/// As [`export`], with the contents of documents read from `place` (the install's
/// `documents_dir`, or the database). A live document whose content is missing stops the
/// export: nothing is left out silently.
pub async fn export_with<
    S: Store + Directory + AdminStore + DocumentStore + SocialStore,
    W: Write,
>(
    store: &S,
    place: &BlobPlace,
    source: &str,
    out: W,
    mut progress: impl FnMut(usize),
) -> Result<Counts, TransferError> {
    let path = Path::new("(exportación)");
    let mut out = std::io::BufWriter::new(out);
    let mut write = |value: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        value(&mut out).map_err(|e| io_err(path, e))
    };
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        arco: env!("CARGO_PKG_VERSION").into(),
        source: source.into(),
        exported_at: Utc::now(),
    };
    write(&|o| line_to(o, &header))?;
    let mut counts = Counts::default();
    let directory = store.directory_dump().await?;
    counts.bodies = directory.bodies.len();
    counts.accounts = directory.accounts.len();
    counts.tokens = directory.tokens.len();
    for line in directory_lines(&directory) {
        write(&|o| line_to(o, &line))?;
    }
    // One page at a time, in id order: a page's lines are serialised on every core
    // (`cores::map`) while the next page is read, then written in the page's order.
    let mut page = store.dump_cases(0, BATCH).await?;
    while let Some((last, _)) = page.last() {
        let after = last.id;
        counts.cases += page.len();
        counts.events += page.iter().map(|(_, log)| log.len()).sum::<usize>();
        let lines = crate::cores::map(page, |case| {
            let mut line = Vec::new();
            line_to(&mut line, &Line::Case(ExportCase::of(&case))).map(|()| line)
        });
        let (next, lines) = tokio::join!(store.dump_cases(after, BATCH), lines);
        let lines = lines.map_err(|e| io_err(path, std::io::Error::other(e)))?;
        for line in lines {
            let line = line.map_err(|e| io_err(path, e))?;
            write(&|o| o.write_all(&line))?;
        }
        progress(counts.cases);
        page = next?;
    }
    for m in store.all_documents().await? {
        let content = live_content(store, place, &m).await?;
        if m.purged_at.is_none() && content.is_none() {
            return Err(StoreError::Corrupt {
                what: format!("documento {}", m.id),
                message: "falta su contenido".into(),
            }
            .into());
        }
        counts.documents += 1;
        let line = Line::Document(ExportDocument::of(m, content.as_deref()));
        write(&|o| line_to(o, &line))?;
    }
    for (account, _) in store.social_accounts(None).await? {
        let id = account.id;
        let Some((account, changes, gestores)) = store.social_account(id).await? else {
            continue;
        };
        counts.social_accounts += 1;
        let line = Line::SocialAccount(ExportSocialAccount::of(account, changes, gestores)?);
        write(&|o| line_to(o, &line))?;
    }
    for p in store.publications().await? {
        counts.publications += 1;
        let line = Line::Publication(p.into());
        write(&|o| line_to(o, &line))?;
    }
    let state = store.install_state().await?;
    counts.counters = state.counters.len();
    counts.contacts = state.contacts.len();
    counts.outbox = state.outbox.len();
    counts.alert_runs = state.runs.len();
    let exp = store.dump_expediente().await?;
    counts.admin_records = exp.records.len();
    counts.notes = exp.notes.len();
    for line in state_lines(&state, &exp) {
        write(&|o| line_to(o, &line))?;
    }
    let end = Line::End(counts.clone());
    write(&|o| line_to(o, &end))?;
    write(&|o| o.flush())?;
    Ok(counts)
}

/// One JSON line.
fn line_to(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// True if the file at `path` starts with an export's header.
pub fn is_export(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut first = String::new();
    // Only the first line, and not a huge one.
    let mut reader = BufReader::new(file).take(64 * 1024);
    if reader.read_line(&mut first).is_err() {
        return false;
    }
    serde_json::from_str::<Value>(first.trim())
        .ok()
        .and_then(|v| v.get("format").and_then(Value::as_str).map(|f| f == FORMAT))
        .unwrap_or(false)
}

/// Reads an export line by line: the header, then each line with its number.
struct Reader {
    path: String,
    lines: std::io::Lines<BufReader<std::fs::File>>,
    number: usize,
    header: Header,
}

impl Reader {
    fn open(path: &Path) -> Result<Reader, TransferError> {
        let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
        let mut lines = BufReader::new(file).lines();
        let shown = path.display().to_string();
        let bad = |message: String| TransferError::Format {
            path: shown.clone(),
            line: 1,
            message,
        };
        let first = lines
            .next()
            .ok_or_else(|| bad("archivo vacío: no es una exportación de arco".into()))?
            .map_err(|e| io_err(path, e))?;
        let header: Header = serde_json::from_str(&first).map_err(|e| {
            bad(format!(
                "no es el encabezado de una exportación de arco: {e}"
            ))
        })?;
        if header.format != FORMAT {
            return Err(bad(format!(
                "formato «{}»; se esperaba «{FORMAT}»",
                header.format
            )));
        }
        if !(OLDEST_VERSION..=VERSION).contains(&header.version) {
            return Err(bad(format!(
                "versión {} del formato; esta versión de arco lee de la {OLDEST_VERSION} a la {VERSION}",
                header.version
            )));
        }
        Ok(Reader {
            path: shown,
            lines,
            number: 1,
            header,
        })
    }

    fn error(&self, message: impl Into<String>) -> TransferError {
        TransferError::Format {
            path: self.path.clone(),
            line: self.number,
            message: message.into(),
        }
    }

    /// The next line after the header, or `None` at the end of the file.
    fn next_line(&mut self) -> Result<Option<Line>, TransferError> {
        let Some(text) = self.lines.next() else {
            return Ok(None);
        };
        self.number += 1;
        let text = text.map_err(|e| self.error(format!("no se pudo leer: {}", io_message(&e))))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| self.error(format!("línea inválida: {e}")))
    }
}

/// Reads and checks a whole export without writing anything: every line well formed, the
/// directory first and coherent (bodies, accounts and tokens unique; each guarantor, body
/// and account named by a line earlier in the file), each case's log numbered 1..n and as
/// long as its version, ids and folios unique, the counts of the last line right, nothing
/// after it. Returns the header and the counts.
pub fn check(path: &Path) -> Result<(Header, Counts), TransferError> {
    let mut r = Reader::open(path)?;
    let mut counts = Counts::default();
    let mut ids = HashSet::new();
    let mut folios = HashSet::new();
    let mut outbox_ids = HashSet::new();
    let mut bodies = HashSet::new();
    let mut usernames = HashSet::new();
    let mut account_ids = HashSet::new();
    let mut digests = HashSet::new();
    let mut documents = HashSet::new();
    let mut social = HashSet::new();
    let mut past_directory = false;
    let mut end = None;
    while let Some(line) = r.next_line()? {
        if end.is_some() {
            return Err(r.error("hay líneas después de la línea final"));
        }
        let in_directory = matches!(line, Line::Body(_) | Line::Account(_) | Line::Token(_));
        if in_directory && r.header.version < 2 {
            return Err(r.error(format!(
                "una línea del directorio en un archivo de la versión {} del formato, que no lo tiene",
                r.header.version
            )));
        }
        if in_directory && past_directory {
            return Err(r.error(
                "las líneas del directorio (sujetos obligados, cuentas, tokens) van antes de los expedientes",
            ));
        }
        past_directory |= !in_directory;
        match line {
            Line::Body(b) => {
                if let Some(g) = &b.guarantor
                    && !bodies.contains(g)
                {
                    return Err(r.error(format!(
                        "el sujeto obligado {} tiene como órgano garante a «{g}», que no aparece antes en el archivo",
                        b.code
                    )));
                }
                if !bodies.insert(b.code.clone()) {
                    return Err(r.error(format!("el sujeto obligado {} se repite", b.code)));
                }
                counts.bodies += 1;
            }
            Line::Account(a) => {
                if let Some(body) = &a.body
                    && !bodies.contains(body)
                {
                    return Err(r.error(format!(
                        "la cuenta {} pertenece a «{body}», que no aparece antes en el archivo",
                        a.username
                    )));
                }
                if !usernames.insert(a.username.clone()) {
                    return Err(r.error(format!("la cuenta {} se repite", a.username)));
                }
                if !account_ids.insert(a.id) {
                    return Err(r.error(format!("el id de cuenta {} se repite", a.id)));
                }
                counts.accounts += 1;
            }
            Line::Token(t) => {
                if !account_ids.contains(&t.account_id) {
                    return Err(r.error(format!(
                        "un token «{}» es de la cuenta {}, que no aparece antes en el archivo",
                        t.label, t.account_id
                    )));
                }
                // The digest itself is never shown.
                if !digests.insert(t.digest.clone()) {
                    return Err(r.error(format!("un token «{}» se repite", t.label)));
                }
                counts.tokens += 1;
            }
            Line::Case(c) => {
                c.check().map_err(|m| r.error(m))?;
                if !ids.insert(c.id) {
                    return Err(r.error(format!("el id de expediente {} se repite", c.id)));
                }
                if !folios.insert(c.folio.clone()) {
                    return Err(r.error(format!("el folio {} se repite", c.folio)));
                }
                counts.cases += 1;
                counts.events += c.events.len();
            }
            Line::Document(d) => {
                if !folios.contains(&d.folio) {
                    return Err(r.error(format!(
                        "el documento {} es del expediente {}, que no aparece antes en el archivo",
                        d.id, d.folio
                    )));
                }
                if !documents.insert(d.id) {
                    return Err(r.error(format!("el documento {} se repite", d.id)));
                }
                d.content().map_err(|m| r.error(m))?;
                counts.documents += 1;
            }
            Line::SocialAccount(a) => {
                a.check().map_err(|m| r.error(m))?;
                social.insert(a.id);
                counts.social_accounts += 1;
            }
            Line::Publication(p) => {
                if !folios.contains(&p.folio) || !social.contains(&p.account_id) {
                    return Err(r.error(format!(
                        "la publicación de la solicitud {} nombra una solicitud o una cuenta que no aparece antes en el archivo",
                        p.folio
                    )));
                }
                counts.publications += 1;
            }
            Line::Counter { .. } => counts.counters += 1,
            Line::Contact { .. } => counts.contacts += 1,
            Line::Outbox(o) => {
                if !outbox_ids.insert(o.id) {
                    return Err(r.error(format!("el aviso {} se repite", o.id)));
                }
                counts.outbox += 1
            }
            Line::AlertRun { .. } => counts.alert_runs += 1,
            Line::Admin(_) => counts.admin_records += 1,
            Line::Note(_) => counts.notes += 1,
            Line::End(c) => end = Some(c),
        }
    }
    match end {
        None => Err(r.error(
            "falta la línea final: el archivo está incompleto (¿se interrumpió la exportación?)",
        )),
        Some(c) if c != counts => Err(r.error(format!(
            "la línea final anuncia {c}, pero el archivo tiene {counts}"
        ))),
        Some(_) => Ok((r.header, counts)),
    }
}

/// True if the directory of `store` has no body and no account (a token needs an account).
async fn directory_is_empty<D: Directory>(store: &D) -> Result<bool, StoreError> {
    Ok(store.bodies().await?.is_empty() && store.accounts().await?.is_empty())
}

/// Loads the export at `path` into `store`, which must be empty: the file is checked
/// whole first ([`check`]), then written (see the module's doc): the directory, the cases,
/// the rest. `progress` hears the cases written so far.
pub async fn import<S: Store + Directory + AdminStore + DocumentStore + SocialStore>(
    store: &S,
    path: &Path,
    progress: impl FnMut(usize),
) -> Result<Counts, TransferError> {
    import_with(store, &BlobPlace::Database, path, progress).await
}

/// As [`import`], with the contents of documents written to `place` (the target
/// install's `documents_dir`, or its database).
pub async fn import_with<S: Store + Directory + AdminStore + DocumentStore + SocialStore>(
    store: &S,
    place: &BlobPlace,
    path: &Path,
    mut progress: impl FnMut(usize),
) -> Result<Counts, TransferError> {
    let (_, expected) = check(path)?;
    if !store.is_empty().await? || !directory_is_empty(store).await? {
        return Err(TransferError::NotEmpty);
    }
    let mut r = Reader::open(path)?;
    let mut done = 0usize;
    let partial = |done: usize, error: TransferError| TransferError::Partial {
        done,
        error: Box::new(error),
    };
    // The directory comes first in the file ([`check`] made sure) and goes in first, in one
    // transaction: if it fails, nothing was written.
    let mut directory = DirectoryDump::default();
    let mut line = r.next_line()?;
    while let Some(l) = &line
        && add_to_directory(&mut directory, l)
    {
        line = r.next_line()?;
    }
    if directory != DirectoryDump::default() {
        store
            .directory_restore(&directory)
            .await
            .map_err(|e| match e {
                StoreError::Exists(_) => TransferError::NotEmpty,
                e => e.into(),
            })?;
    }
    let mut batch: Vec<StoredCase> = Vec::with_capacity(BATCH as usize);
    let mut state = InstallState::default();
    let mut exp = ExpedienteDump::default();
    loop {
        let flush = match &line {
            None
            | Some(Line::End(_))
            | Some(Line::Document(_))
            | Some(Line::SocialAccount(_))
            | Some(Line::Publication(_)) => !batch.is_empty(),
            _ => batch.len() >= BATCH as usize,
        };
        if flush {
            store
                .restore_cases(&batch)
                .await
                .map_err(|e| partial(done, e.into()))?;
            done += batch.len();
            batch.clear();
            progress(done);
        }
        match line {
            None | Some(Line::End(_)) => break,
            Some(Line::Case(c)) => batch.push(c.into_stored()),
            Some(Line::Document(d)) => {
                let content = d.content().map_err(|m| partial(done, r.error(m)))?;
                if let Some(c) = &content {
                    place
                        .write(&d.sha256, c)
                        .map_err(|e| partial(done, e.into()))?;
                }
                let in_db = content.as_deref().filter(|_| *place == BlobPlace::Database);
                store
                    .restore_document(&d.meta(), in_db)
                    .await
                    .map_err(|e| partial(done, e.into()))?;
            }
            Some(Line::SocialAccount(a)) => {
                a.restore(store)
                    .await
                    .map_err(|e| partial(done, e.into()))?;
            }
            Some(Line::Publication(p)) => {
                store
                    .set_publication(&p.into())
                    .await
                    .map_err(|e| partial(done, e.into()))?;
            }
            Some(other) => add_to_state(&mut state, &mut exp, other),
        }
        line = r.next_line().map_err(|e| partial(done, e))?;
    }
    store
        .restore_state(&state)
        .await
        .map_err(|e| partial(done, e.into()))?;
    store
        .restore_expediente(&exp)
        .await
        .map_err(|e| partial(done, e.into()))?;
    Ok(expected)
}

/// What a comparison of a database with an export found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Cases compared.
    pub cases: usize,
    /// Where (a folio, or a table) and what differs.
    pub differences: Vec<(String, String)>,
}

/// Compares `store` with the export at `path`: the directory (bodies, accounts without
/// showing password hashes, tokens without showing digests), then case by case (record,
/// projection and every act of the log), then folio sequences, contacts (without showing
/// the addresses), outbox and nightly runs; what is in the database and not in the file is
/// reported too.
pub async fn compare<S: Store + Directory + AdminStore + DocumentStore + SocialStore>(
    store: &S,
    path: &Path,
) -> Result<Comparison, TransferError> {
    compare_with(store, &BlobPlace::Database, path).await
}

/// As [`compare`], with the contents of documents read from `place`. Documents are
/// compared by id: every field of the record (named, never shown: a file name is personal
/// data) and whether the content is there and matches its SHA-256.
pub async fn compare_with<S: Store + Directory + AdminStore + DocumentStore + SocialStore>(
    store: &S,
    place: &BlobPlace,
    path: &Path,
) -> Result<Comparison, TransferError> {
    let mut r = Reader::open(path)?;
    let mut out = Comparison::default();
    let mut seen = HashSet::new();
    let mut expected_state = InstallState::default();
    let mut expected_exp = ExpedienteDump::default();
    let mut expected_directory = DirectoryDump::default();
    let mut expected_documents = BTreeMap::new();
    let mut expected_social = BTreeMap::new();
    let mut expected_publications: BTreeMap<String, ExportPublication> = BTreeMap::new();
    let mut ended = false;
    while let Some(line) = r.next_line()? {
        if add_to_directory(&mut expected_directory, &line) {
            continue;
        }
        match line {
            Line::Case(c) => {
                out.cases += 1;
                seen.insert(c.folio.clone());
                match store.load(&c.folio).await {
                    Ok(stored) => {
                        let mut found = Vec::new();
                        diff(
                            "",
                            &comparable(&c),
                            &comparable(&ExportCase::of(&stored)),
                            &mut found,
                        );
                        out.differences
                            .extend(found.into_iter().map(|d| (c.folio.clone(), d)));
                    }
                    Err(StoreError::NotFound(_)) => out.differences.push((
                        c.folio.clone(),
                        "está en la exportación pero no en la base de datos".into(),
                    )),
                    Err(e) => return Err(e.into()),
                }
            }
            Line::Document(d) => {
                expected_documents.insert(d.id, d);
            }
            Line::SocialAccount(a) => {
                expected_social.insert(a.id, a);
            }
            Line::Publication(p) => {
                expected_publications.insert(p.folio.clone(), p);
            }
            Line::End(_) => ended = true,
            other => add_to_state(&mut expected_state, &mut expected_exp, other),
        }
    }
    if !ended {
        return Err(r.error("falta la línea final: el archivo está incompleto"));
    }
    let actual_directory = store.directory_dump().await?;
    let mut directory_differences = Vec::new();
    compare_directory(
        &expected_directory,
        &actual_directory,
        &mut directory_differences,
    );
    out.differences.splice(0..0, directory_differences);
    for folio in store.folios().await? {
        if !seen.contains(&folio) {
            out.differences.push((
                folio,
                "está en la base de datos pero no en la exportación".into(),
            ));
        }
    }
    let actual = store.install_state().await?;
    let actual_exp = store.dump_expediente().await?;
    compare_state(
        (&expected_state, &expected_exp),
        (&actual, &actual_exp),
        &mut out.differences,
    );
    compare_documents(store, place, expected_documents, &mut out.differences).await?;
    compare_social(store, expected_social, &mut out.differences).await?;
    for p in store.publications().await? {
        let folio = p.folio.clone();
        match expected_publications.remove(&folio) {
            // The post can identify the titular: named, never shown.
            Some(want) if want != ExportPublication::from(p) => out
                .differences
                .push((folio, "la publicación a la que se refiere difiere".into())),
            Some(_) => {}
            None => out.differences.push((
                folio,
                "su publicación está en la base de datos pero no en la exportación".into(),
            )),
        }
    }
    for folio in expected_publications.into_keys() {
        out.differences.push((
            folio,
            "su publicación está en la exportación pero no en la base de datos".into(),
        ));
    }
    Ok(out)
}

/// Reports what differs between the register of social-media accounts of an export and a
/// database's, account by account (names of gestores are not shown: only where they differ).
async fn compare_social<S: SocialStore>(
    store: &S,
    mut expected: BTreeMap<i64, ExportSocialAccount>,
    out: &mut Vec<(String, String)>,
) -> Result<(), StoreError> {
    for (account, _) in store.social_accounts(None).await? {
        let key = format!("cuenta {}", account.id);
        let Some(want) = expected.remove(&account.id) else {
            out.push((
                key,
                "está en la base de datos pero no en la exportación".into(),
            ));
            continue;
        };
        let Some((a, c, g)) = store.social_account(account.id).await? else {
            continue;
        };
        let got = ExportSocialAccount::of(a, c, g)?;
        if got.gestores != want.gestores {
            out.push((key.clone(), "los nombres de los gestores difieren".into()));
        }
        let mut found = Vec::new();
        let hide = |mut x: ExportSocialAccount| {
            x.gestores.clear();
            // The projection repeats the names (its gestores and their changes).
            if let Some(d) = x.data.as_object_mut() {
                d.remove("gestores");
                d.remove("changes");
            }
            to_value(&x)
        };
        diff("", &hide(want), &hide(got), &mut found);
        out.extend(found.into_iter().map(|d| (key.clone(), d)));
    }
    for id in expected.keys() {
        out.push((
            format!("cuenta {id}"),
            "está en la exportación pero no en la base de datos".into(),
        ));
    }
    Ok(())
}

/// Reports what differs between the documents of an export and a database's, naming the
/// fields that differ without showing them.
async fn compare_documents<D: DocumentStore>(
    store: &D,
    place: &BlobPlace,
    mut expected: BTreeMap<i64, ExportDocument>,
    out: &mut Vec<(String, String)>,
) -> Result<(), TransferError> {
    for m in store.all_documents().await? {
        let key = format!("documento {} ({})", m.id, m.folio);
        let content = live_content(store, place, &m).await?;
        let ok = content.as_deref().map(|c| sha256_hex(c) == m.sha256);
        if ok == Some(false) || (m.purged_at.is_none() && content.is_none()) {
            out.push((
                key.clone(),
                "su contenido falta en la base de datos o no coincide con su SHA-256".into(),
            ));
        }
        let Some(e) = expected.remove(&m.id) else {
            out.push((
                key,
                "está en la base de datos pero no en la exportación".into(),
            ));
            continue;
        };
        let (a, b) = (to_value(&e.meta()), to_value(&m));
        if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
            let fields: Vec<&str> = a
                .iter()
                .filter(|(k, v)| b.get(*k) != Some(v))
                .map(|(k, _)| k.as_str())
                .collect();
            if !fields.is_empty() {
                out.push((key, format!("difieren: {}", fields.join(", "))));
            }
        }
    }
    for (id, e) in expected {
        out.push((
            format!("documento {id} ({})", e.folio),
            "está en la exportación pero no en la base de datos".into(),
        ));
    }
    Ok(())
}

/// A case as compared: its terms keyed by term id rather than in due-date order, so that
/// a moved due date is one difference, not a reshuffled list.
fn comparable(c: &ExportCase) -> Value {
    let mut v = to_value(c);
    if let Some(obj) = v.as_object_mut() {
        let keyed: serde_json::Map<String, Value> = c
            .deadlines
            .iter()
            .map(|d| {
                let mut row = to_value(d);
                if let Some(r) = row.as_object_mut() {
                    r.remove("term");
                }
                (d.term.as_str().to_string(), row)
            })
            .collect();
        obj.insert("deadlines".into(), Value::Object(keyed));
    }
    v
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn compare_state(
    expected: (&InstallState, &ExpedienteDump),
    actual: (&InstallState, &ExpedienteDump),
    out: &mut Vec<(String, String)>,
) {
    let key = |l: &Line| -> (String, String) {
        match l {
            Line::Counter { body, year, .. } => {
                ("secuencias de folios".into(), format!("{body} {year}"))
            }
            Line::Contact { folio, .. } => ("contactos".into(), folio.clone()),
            Line::Outbox(o) => ("bandeja de avisos".into(), format!("aviso {}", o.id)),
            Line::AlertRun { night, .. } => ("corridas nocturnas".into(), night.to_string()),
            Line::Admin(r) => (
                "registro administrativo".into(),
                format!("{} #{}", r.folio, r.seq),
            ),
            Line::Note(n) => (
                "notas internas".into(),
                format!("{} nota {}", n.folio, n.id),
            ),
            Line::Case(c) => ("expedientes".into(), c.folio.clone()),
            Line::Document(d) => ("documentos".into(), d.id.to_string()),
            Line::SocialAccount(a) => ("cuentas de redes sociales".into(), a.id.to_string()),
            Line::Publication(p) => ("publicaciones".into(), p.folio.clone()),
            Line::Body(_) | Line::Account(_) | Line::Token(_) | Line::End(_) => {
                (String::new(), String::new())
            }
        }
    };
    let index = |(s, x): (&InstallState, &ExpedienteDump)| -> BTreeMap<(String, String), Line> {
        state_lines(s, x)
            .into_iter()
            .map(|l| (key(&l), l))
            .collect()
    };
    let (a, b) = (index(expected), index(actual));
    for ((table, k), line) in &a {
        match b.get(&(table.clone(), k.clone())) {
            None => out.push((
                table.clone(),
                format!("{k}: está en la exportación pero no en la base de datos"),
            )),
            Some(other) if other != line => {
                if let Line::Contact { .. } = line {
                    // The titular's address is never shown.
                    out.push((table.clone(), format!("{k}: el contacto difiere")));
                } else if let Line::Note(_) = line {
                    // Nor a note's text.
                    out.push((table.clone(), format!("{k}: la nota difiere")));
                } else {
                    let mut found = Vec::new();
                    diff("", &to_value(line), &to_value(other), &mut found);
                    out.extend(
                        found
                            .into_iter()
                            .map(|d| (table.clone(), format!("{k}: {d}"))),
                    );
                }
            }
            Some(_) => {}
        }
    }
    for (table, k) in b.keys().filter(|k| !a.contains_key(k)) {
        out.push((
            table.clone(),
            format!("{k}: está en la base de datos pero no en la exportación"),
        ));
    }
}

/// Reports what differs between the directory of an export (`expected`) and a database's
/// (`actual`): bodies by code, accounts by user name, tokens by account, kind, label and
/// creation. Password hashes and token digests are compared, never shown.
fn compare_directory(
    expected: &DirectoryDump,
    actual: &DirectoryDump,
    out: &mut Vec<(String, String)>,
) {
    let (a, b) = (directory_lines(expected), directory_lines(actual));
    // Bodies.
    let bodies = |ls: &[Line]| -> BTreeMap<String, Value> {
        ls.iter()
            .filter_map(|l| match l {
                Line::Body(b) => Some((b.code.clone(), to_value(b))),
                _ => None,
            })
            .collect()
    };
    compare_keyed("sujetos obligados", &bodies(&a), &bodies(&b), out);
    // Accounts: the hash compared apart, and only said to differ.
    let accounts = |ls: &[Line]| -> BTreeMap<String, (Value, Option<String>)> {
        ls.iter()
            .filter_map(|l| match l {
                Line::Account(a) => {
                    let mut v = to_value(a);
                    if let Some(o) = v.as_object_mut() {
                        o.remove("password_hash");
                    }
                    Some((a.username.clone(), (v, a.password_hash.clone())))
                }
                _ => None,
            })
            .collect()
    };
    let (xa, ya) = (accounts(&a), accounts(&b));
    let plain = |m: &BTreeMap<String, (Value, Option<String>)>| -> BTreeMap<String, Value> {
        m.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect()
    };
    compare_keyed("cuentas", &plain(&xa), &plain(&ya), out);
    for (user, (_, hash)) in &xa {
        let Some((_, other)) = ya.get(user) else {
            continue;
        };
        let said = match (hash, other) {
            (x, y) if x == y => continue,
            (Some(_), None) => "tiene contraseña en la exportación y no en la base de datos",
            (None, Some(_)) => "no tiene contraseña en la exportación y sí en la base de datos",
            _ => "la contraseña difiere (no se muestra)",
        };
        out.push(("cuentas".into(), format!("{user}: {said}")));
    }
    // Tokens: keyed by digest, named without it.
    let tokens = |d: &DirectoryDump, ls: &[Line]| -> BTreeMap<String, (String, Value)> {
        let users: BTreeMap<i64, &str> = d
            .accounts
            .iter()
            .map(|a| (a.id, a.username.as_str()))
            .collect();
        ls.iter()
            .filter_map(|l| match l {
                Line::Token(t) => {
                    let owner = users
                        .get(&t.account_id)
                        .map_or_else(|| format!("cuenta {}", t.account_id), |u| u.to_string());
                    let name = format!(
                        "token {} «{}» de {owner}, creado {}",
                        t.kind.as_str(),
                        t.label,
                        t.created_at
                            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                    );
                    let mut v = to_value(t);
                    if let Some(o) = v.as_object_mut() {
                        o.remove("digest");
                    }
                    Some((t.digest.clone(), (name, v)))
                }
                _ => None,
            })
            .collect()
    };
    let (xt, yt) = (tokens(expected, &a), tokens(actual, &b));
    for (digest, (name, v)) in &xt {
        match yt.get(digest) {
            None => out.push((
                "tokens".into(),
                format!("{name}: está en la exportación pero no en la base de datos"),
            )),
            Some((_, w)) => {
                let mut found = Vec::new();
                diff("", v, w, &mut found);
                out.extend(
                    found
                        .into_iter()
                        .map(|d| ("tokens".into(), format!("{name}: {d}"))),
                );
            }
        }
    }
    for (digest, (name, _)) in &yt {
        if !xt.contains_key(digest) {
            out.push((
                "tokens".into(),
                format!("{name}: está en la base de datos pero no en la exportación"),
            ));
        }
    }
}

/// Reports the differences of two maps of records keyed by what names them.
fn compare_keyed(
    table: &str,
    expected: &BTreeMap<String, Value>,
    actual: &BTreeMap<String, Value>,
    out: &mut Vec<(String, String)>,
) {
    for (k, v) in expected {
        match actual.get(k) {
            None => out.push((
                table.into(),
                format!("{k}: está en la exportación pero no en la base de datos"),
            )),
            Some(w) => {
                let mut found = Vec::new();
                diff("", v, w, &mut found);
                out.extend(
                    found
                        .into_iter()
                        .map(|d| (table.into(), format!("{k}: {d}"))),
                );
            }
        }
    }
    for k in actual.keys().filter(|k| !expected.contains_key(*k)) {
        out.push((
            table.into(),
            format!("{k}: está en la base de datos pero no en la exportación"),
        ));
    }
}

/// A value for a difference report: short.
fn shown(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(no existe)".into();
    };
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

/// Every place where `a` (the export) and `b` (the database) differ, by path.
fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => diff(&p, u, v, out),
                    (u, v) => out.push(format!(
                        "{p}: exportado {}, en la base de datos {}",
                        shown(u),
                        shown(v)
                    )),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), u, v, out);
            }
        }
        (Value::Array(x), Value::Array(y)) => out.push(format!(
            "{path}: exportados {} elementos, en la base de datos {}",
            x.len(),
            y.len()
        )),
        (x, y) if x != y => out.push(format!(
            "{path}: exportado {}, en la base de datos {}",
            shown(Some(x)),
            shown(Some(y))
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_reported_by_path() {
        let a = serde_json::json!({"folio": "X", "events": [{"seq": 1, "late": false}], "data": {"a": 1}});
        let b = serde_json::json!({"folio": "X", "events": [{"seq": 1, "late": true}], "data": {"a": 1, "b": 2}});
        let mut out = Vec::new();
        diff("", &a, &b, &mut out);
        assert_eq!(
            out,
            [
                "data.b: exportado (no existe), en la base de datos 2",
                "events[0].late: exportado false, en la base de datos true"
            ]
        );
    }
}
