//! Storage of the expediente beyond the procedure: the administrative record of each case
//! and the internal notes ([`crate::expediente`]), behind its own trait beside
//! [`super::Store`], one implementation per database.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::expediente::admin::{AdminEntry, AdminRecord, Assignment};
use crate::expediente::notes::{Note, NoteText};

/// Everything the trait holds, for export and import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpedienteDump {
    pub records: Vec<AdminRecord>,
    pub notes: Vec<Note>,
}

pub trait AdminStore: Send + Sync {
    /// Appends one change to the case's administrative record and updates who is in
    /// charge, in one transaction.
    fn record_admin(
        &self,
        folio: &str,
        entry: &AdminEntry,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<AdminRecord, StoreError>> + Send;

    /// The case's administrative record, oldest first.
    fn admin_records(
        &self,
        folio: &str,
    ) -> impl Future<Output = Result<Vec<AdminRecord>, StoreError>> + Send;

    /// Adds a note; `corrects` must name an earlier note of the same case.
    fn add_note(
        &self,
        folio: &str,
        author: &str,
        at: DateTime<Utc>,
        text: &NoteText,
        corrects: Option<i64>,
    ) -> impl Future<Output = Result<Note, StoreError>> + Send;

    /// The case's notes, oldest first.
    fn notes(&self, folio: &str) -> impl Future<Output = Result<Vec<Note>, StoreError>> + Send;

    /// Erases the case's notes (the titular's personal data they may hold); how many.
    fn forget_notes(&self, folio: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;

    fn dump_expediente(&self) -> impl Future<Output = Result<ExpedienteDump, StoreError>> + Send;

    /// Restores a dump into empty tables (an import), keeping numbers and times.
    fn restore_expediente(
        &self,
        dump: &ExpedienteDump,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The entry as stored (JSON) and read back.
pub(super) fn entry_json(entry: &AdminEntry) -> String {
    serde_json::to_string(entry).unwrap_or_default()
}

pub(super) fn parse_entry(s: &str) -> Result<AdminEntry, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        what: "case_admin.entry".into(),
        message: e.to_string(),
    })
}

pub(super) fn parse_at(s: &str, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            what: what.into(),
            message: e.to_string(),
        })
}

pub(super) fn parse_text(s: &str) -> Result<NoteText, StoreError> {
    NoteText::parse(s).map_err(|message| StoreError::Corrupt {
        what: "notes.text".into(),
        message,
    })
}

/// What `record_admin` writes into the folded row: (assignee, area) after the entry,
/// given the row before it.
pub(super) fn folded(
    before: Option<(Option<String>, Option<String>)>,
    entry: &AdminEntry,
) -> (Option<String>, Option<String>) {
    let (assignee, area) = before.unwrap_or((None, None));
    match entry {
        AdminEntry::Assigned { assignee } => (assignee.clone(), area),
        AdminEntry::AreaSet { area } => (assignee, area.as_ref().map(|a| a.as_str().to_string())),
        AdminEntry::AreaNonCooperation { .. } => (assignee, area),
    }
}

/// The refusal when a correction names a note of another case or none.
pub(super) fn no_such_note(folio: &str, id: i64) -> StoreError {
    StoreError::NotFound(format!("la nota {id} no existe en el expediente {folio}"))
}

/// The record folded, from its rows.
pub fn assignment_of(records: &[AdminRecord]) -> Assignment {
    Assignment::fold(records)
}
