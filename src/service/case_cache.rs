//! Requests this process wrote last, kept as written so that the next act on one of them
//! needs no read of the store: the case row, its log and the rebuilt [`Request`], with the
//! calendar they were counted on.
//!
//! Nothing kept is trusted: the write of an act is conditional on the case's version and
//! on the next sequence number of its log (`Store::append`), so an entry another process
//! (or a calendar change) has overtaken makes that write a conflict; the registry then
//! reads the case from the store and applies the act once more, as if the kept entry had
//! never existed. An entry counted on a calendar that has since been read anew is not
//! used. Bounded: [`ENTRIES`] cases; an entry is taken out while an act uses it, so two
//! acts on one case in this process never share one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::calendar::Calendar;
use crate::request::Request;
use crate::storage::{CaseRecord, StoredEvent};

/// How many cases are kept (about 4–10 kB each).
pub const ENTRIES: usize = 512;

/// A case as this process last wrote it.
pub struct Kept {
    pub record: CaseRecord,
    pub log: Vec<StoredEvent>,
    pub request: Request,
    pub calendar: Arc<Calendar>,
}

#[derive(Default)]
pub struct CaseCache {
    kept: Mutex<HashMap<String, Kept>>,
}

impl CaseCache {
    /// The kept case `folio`, taken out, if it was counted on `calendar` as it is now.
    pub fn take(
        &self,
        folio: &str,
        calendar: impl FnOnce(&str) -> Option<Arc<Calendar>>,
    ) -> Option<Kept> {
        let kept = self.kept.lock().ok()?.remove(folio)?;
        let now = calendar(&kept.record.calendar)?;
        Arc::ptr_eq(&now, &kept.calendar).then_some(kept)
    }

    /// Keeps `kept`, in place of what was kept of the same case; when full, another case
    /// goes.
    pub fn put(&self, kept: Kept) {
        let Ok(mut map) = self.kept.lock() else {
            return;
        };
        if map.len() >= ENTRIES && !map.contains_key(&kept.record.folio) {
            if let Some(k) = map.keys().next().cloned() {
                map.remove(&k);
            }
        }
        map.insert(kept.record.folio.clone(), kept);
    }

    /// Forgets the case `folio` (written by another path of this process).
    pub fn forget(&self, folio: &str) {
        if let Ok(mut map) = self.kept.lock() {
            map.remove(folio);
        }
    }
}
