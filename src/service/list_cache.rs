//! Lists kept in memory per process (issue 15). The due list ("mis pendientes") and the
//! first page of a body's list are the most-read pages of arco, and between two writes of
//! a body's cases they do not change: a process keeps each answer with the body's list
//! generation ([`Store::list_generation`]: every write of a case, of an appeal against it
//! or of an assignment raises it, in the same transaction, by a trigger) and the
//! calendars' epoch (a calendar read anew changes business days left), and serves it
//! again only while both are unchanged. The generation is read before the list, so a
//! write that lands in between makes the next read a miss, never a stale hit.
//!
//! Only lists bounded to named bodies are kept (a body's own, a guarantor's appeals, the
//! appeals against a body); an administrator's list of every body is always read anew.
//! The date is part of the key: a prevention that lapses does so on a date, and a list
//! on another date is another list.
//!
//! [`Store::list_generation`]: crate::storage::Store::list_generation

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::storage::ListFilter;

/// How many answers a process keeps by default (each at most one page of rows; a due
/// list of 60 cases is about 10 KB): enough for the three most-read lists of a thousand
/// bodies.
pub const DEFAULT_ENTRIES: usize = 4096;

/// Keys share this many fill locks (by hash): misses of different keys rarely wait.
const FILL_STRIPES: usize = 16;

struct Kept<V> {
    /// When it was kept (a count of puts): the oldest goes first when the cache is full.
    stamp: u64,
    generation: i64,
    calendars: u64,
    value: V,
}

/// Answers kept by key, each with the generation and calendar epoch it was read at.
pub(super) struct ListCache<V> {
    entries: Mutex<HashMap<String, Kept<V>>>,
    /// Readers that miss the same key wait for the first one's read instead of all
    /// reading the database at once (after a write, every open page asks again).
    fills: Vec<tokio::sync::Mutex<()>>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
    puts: AtomicU64,
}

/// How often kept lists were served ([`crate::service::Registry::list_cache_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCacheStats {
    /// Answers served from memory.
    pub hits: u64,
    /// Lists read from the database (none kept, or kept at another generation).
    pub misses: u64,
}

impl<V: Clone> ListCache<V> {
    pub(super) fn new(capacity: usize) -> Self {
        ListCache {
            entries: Mutex::new(HashMap::new()),
            fills: (0..FILL_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            puts: AtomicU64::new(0),
        }
    }

    pub(super) fn stats(&self) -> ListCacheStats {
        ListCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    pub(super) fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// The lock a reader holds while it reads `key` anew.
    pub(super) fn fill_lock(&self, key: &str) -> &tokio::sync::Mutex<()> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        &self.fills[(h.finish() as usize) % self.fills.len()]
    }

    /// The kept answer of `key`, if it was read at this generation and epoch.
    pub(super) fn get(&self, key: &str, generation: i64, calendars: u64) -> Option<V> {
        let found = self.peek(key, generation, calendars);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// As [`ListCache::get`], not counted (the second look of a reader that waited).
    pub(super) fn peek(&self, key: &str, generation: i64, calendars: u64) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let kept = entries.get(key)?;
        (kept.generation == generation && kept.calendars == calendars).then(|| kept.value.clone())
    }

    /// Keeps `value`; when full, forgets the answer kept longest ago.
    pub(super) fn put(&self, key: String, generation: i64, calendars: u64, value: V) {
        let stamp = self.puts.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity && !entries.contains_key(&key) {
                // A scan, on a miss only: cheaper than the read that made the miss.
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, k)| k.stamp)
                    .map(|(key, _)| key.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
            entries.insert(
                key,
                Kept {
                    stamp,
                    generation,
                    calendars,
                    value,
                },
            );
        }
    }
}

/// The bodies whose generations cover a list, or `None` if it is not bounded to named
/// bodies (then it is not kept).
pub(super) fn bodies(filter: &ListFilter) -> Option<Vec<&str>> {
    let bodies: Vec<&str> = [filter.body.as_deref(), filter.parent_body.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    (!bodies.is_empty()).then_some(bodies)
}

/// The key of a list: every filter, the date, whether only overdue cases count, and the
/// bodies whose generations were summed.
pub(super) fn key(
    kind: &str,
    filter: &ListFilter,
    as_of: chrono::NaiveDate,
    overdue: bool,
    summed: &[String],
) -> String {
    format!("{kind}|{filter:?}|{as_of}|{overdue}|{summed:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_forgets_the_oldest_answer_and_a_new_generation_misses() {
        let c: ListCache<u32> = ListCache::new(2);
        c.put("a".into(), 1, 0, 10);
        c.put("b".into(), 1, 0, 20);
        assert_eq!(c.get("a", 1, 0), Some(10));
        c.put("c".into(), 1, 0, 30);
        assert_eq!(c.get("a", 1, 0), None, "the oldest was forgotten");
        assert_eq!(c.get("b", 1, 0), Some(20));
        assert_eq!(c.get("c", 1, 0), Some(30));
        assert_eq!(c.get("b", 2, 0), None, "another generation");
        assert_eq!(c.get("b", 1, 1), None, "another calendar epoch");
        assert_eq!(c.stats(), ListCacheStats { hits: 3, misses: 3 });
    }
}
