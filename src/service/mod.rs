//! The registry: files requests, records acts, shows and lists cases, verifies and imports
//! them. It joins the procedures (pure domain) to a [`Store`] and never writes SQL itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use thiserror::Error;

use crate::calendar::{Calendar, CalendarError, CalendarLoader, MIN_DATE, Moment, TermError};
use crate::case::{Actor, Clock, Deadline, DeadlineStatus};
use crate::request::replay::{self, CaseView, DeadlineView, History, ReplayError};
use crate::request::{ActKind, Reception, Request, RequestAct, RequestError, RequestState, Right};
use crate::rules::{Actor as TermActor, Rulebook, RulebookError, Rulebooks, TermId};
use crate::storage::{
    CaseRecord, DeadlineRow, FolioFormat, ListFilter, ListedCase, Listing, NewCase, NewEvent,
    Projection, Store, StoreError, StoredEvent,
};

/// The kind of a request case in storage.
pub const REQUEST_KIND: &str = "request";
/// The kind of an appeal case in storage.
pub const APPEAL_KIND: &str = "appeal";
pub use breach::{
    BREACH_KIND, BitacoraLine, BreachDetail, BreachScope, DetectionPeriod, breach_sequence,
};
/// The log record of a calendar change (not an act of the procedure).
pub const CALENDAR_CHANGED: &str = "calendar_changed";

pub mod admin;
mod allowed;
mod appeal;
mod breach;
mod breach_access;
pub mod bulk;
mod case_cache;
pub mod demo;
pub mod documents;
mod expediente;
mod list_cache;
mod listing;
mod preview;
mod report;
mod report_appeals;
pub mod social;
pub use allowed::AllowedActs;
pub use appeal::AppealSummary;
pub use bulk::CalendarSummary;
pub use expediente::Expediente;
pub use list_cache::DEFAULT_ENTRIES as LIST_CACHE_ENTRIES;
use list_cache::ListCache;
pub use list_cache::ListCacheStats;
pub use report::ReportScope;

/// Why the registry refused or failed. Spanish: shown to staff.
#[derive(Debug, Error)]
pub enum ServiceError {
    #[error("{folio}: {error}")]
    Refused { folio: String, error: RequestError },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Rulebook(#[from] RulebookError),
    #[error(transparent)]
    Term(#[from] TermError),
    #[error(transparent)]
    Replay(#[from] ReplayError),
    #[error("no se pudo componer el mensaje: {0}")]
    Template(String),
    #[error("{0}")]
    BadInput(String),
    /// The role may not do this (the message says who may).
    #[error("{0}")]
    Forbidden(String),
    #[error("el acto «{act}» tiene fecha {at}, posterior al momento del registro ({now})")]
    InFuture {
        act: String,
        at: String,
        now: String,
    },
    #[error("{folio}: {error}")]
    AppealRefused {
        folio: String,
        error: crate::appeal::AppealError,
    },
    #[error("{folio}: {error}")]
    BreachRefused {
        folio: String,
        error: crate::breach::BreachError,
    },
    #[error("{folio}: el registro de actos no se puede reconstruir: {message}")]
    Unreadable { folio: String, message: String },
}

/// A list generation as read ([`Registry::generation`]).
struct Generation {
    bodies: Vec<String>,
    value: i64,
    calendars: u64,
}

/// The cursor of the next page: the last folio read, if the page was full.
fn next_cursor(records: &[ListedCase], limit: Option<u32>) -> Option<String> {
    match (limit, records.last()) {
        (Some(l), Some(last)) if records.len() >= l as usize => Some(last.folio.clone()),
        _ => None,
    }
}

/// Registry over a store.
pub struct Registry<S> {
    store: S,
    loader: CalendarLoader,
    books: Rulebooks,
    folio_format: FolioFormat,
    calendars: Mutex<HashMap<String, CachedCalendar>>,
    /// Raised each time a calendar is read anew: kept lists computed before are stale.
    calendar_epoch: std::sync::atomic::AtomicU64,
    request_lists: ListCache<(Vec<CaseSummary>, Option<String>)>,
    appeal_lists: ListCache<(Vec<AppealSummary>, Option<String>)>,
    /// Cases a report reads per page (see [`Registry::with_report_page`]).
    report_page: u32,
    /// Requests as this process last wrote them ([`case_cache`]).
    kept_cases: case_cache::CaseCache,
}

/// How often a kept calendar's files are looked at again (one `stat` per file).
const CALENDAR_RECHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// A calendar kept by the process, with the files it was read from and their
/// modification times: when one changes (an `arco calendar apply` from another process,
/// an edited acuerdo), the next use reads it again.
struct CachedCalendar {
    calendar: Arc<Calendar>,
    files: Vec<(std::path::PathBuf, Option<std::time::SystemTime>)>,
    checked: std::time::Instant,
}

fn modified(p: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// A deadline with its status on a date and the reasoning of its due date.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineDetail {
    pub term: TermId,
    pub name: String,
    #[serde(flatten)]
    pub view: DeadlineView,
    pub optional: bool,
    /// Business days from `as_of` to the due date (negative: days overdue).
    pub days_left: i64,
    /// The count in one line.
    pub reasoning: String,
    /// The count day by day.
    pub explanation: String,
}

/// One act of the log as shown.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub seq: i64,
    pub act: String,
    pub occurred_at: String,
    pub effective_on: NaiveDate,
    pub late: bool,
    pub actor: String,
    pub role: String,
    pub recorded_at: DateTime<Utc>,
    pub rulebook: String,
}

/// A case as `arco request show` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub folio: String,
    pub body: String,
    /// The calendar's name or path (`view.calendar` is its description).
    #[serde(rename = "calendar_id")]
    pub calendar: String,
    /// For an appeal: the request it challenges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For a request: the folios of its appeals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub appeals: Vec<String>,
    #[serde(flatten)]
    pub view: CaseView,
    pub timeline: Vec<DeadlineDetail>,
    pub log: Vec<LogEntry>,
}

/// What recording an act wrote, for callers that do not need the whole case back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub folio: String,
    /// The case's version (number of acts) after the act.
    pub version: i64,
    /// The state after the act.
    pub state: String,
    /// True when the act was recorded after its term ran out (extemporáneo).
    pub late: bool,
}

/// A line of `arco request list`.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub folio: String,
    pub body: String,
    pub right: Right,
    pub state: RequestState,
    pub filed: NaiveDate,
    /// The earliest open term: id, due date, business days left (negative: overdue).
    pub next: Option<(TermId, NaiveDate, i64)>,
    pub overdue: Vec<TermId>,
    /// The due dates of `overdue`, in the same order.
    #[serde(skip)]
    pub overdue_due: Vec<NaiveDate>,
}

/// A due date moved by a calendar change (`None`: the term appeared or went away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueChange {
    pub term: TermId,
    pub old: Option<NaiveDate>,
    pub new: Option<NaiveDate>,
}

/// The due dates of one case moved by a calendar change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarChange {
    pub folio: String,
    pub changes: Vec<DueChange>,
}

/// What `arco verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub checked: usize,
    /// Folio and what differs.
    pub differences: Vec<(String, String)>,
}

/// A rejected history of an import.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub index: usize,
    pub source: String,
    pub reason: String,
}

impl<S: Store> Registry<S> {
    pub fn new(store: S, loader: CalendarLoader, books: Rulebooks) -> Self {
        Registry {
            store,
            loader,
            books,
            folio_format: FolioFormat::default(),
            calendars: Mutex::new(HashMap::new()),
            calendar_epoch: std::sync::atomic::AtomicU64::new(0),
            request_lists: ListCache::new(list_cache::DEFAULT_ENTRIES),
            appeal_lists: ListCache::new(list_cache::DEFAULT_ENTRIES),
            report_page: report::PAGE,
            kept_cases: case_cache::CaseCache::default(),
        }
    }

    /// How many cases a report reads at a time (2,000 by default): memory holds one page
    /// of projections being counted and the next being read. At least 1.
    pub fn with_report_page(mut self, cases: u32) -> Self {
        self.report_page = cases.max(1);
        self
    }

    /// How often this process served a list from memory, requests' and appeals' together.
    pub fn list_cache_stats(&self) -> ListCacheStats {
        let (r, a) = (self.request_lists.stats(), self.appeal_lists.stats());
        ListCacheStats {
            hits: r.hits + a.hits,
            misses: r.misses + a.misses,
        }
    }

    /// How many list answers this process keeps in memory ([`list_cache`]; 0: none, every
    /// list is read anew).
    pub fn with_list_cache(mut self, entries: usize) -> Self {
        self.request_lists = ListCache::new(entries);
        self.appeal_lists = ListCache::new(entries);
        self
    }

    pub fn with_folio_format(mut self, f: FolioFormat) -> Self {
        self.folio_format = f;
        self
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn rulebooks(&self) -> &Rulebooks {
        &self.books
    }

    /// Records the titular's address for deadline alerts on case `folio` (optional alerts,
    /// off unless configured). It is kept apart from the log, never in it, and can be
    /// erased with [`Registry::forget_titular_contact`].
    pub async fn set_titular_contact(
        &self,
        folio: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        self.store.load(folio).await?;
        if !crate::alerts::valid_address(email) {
            return Err(ServiceError::BadInput(format!(
                "dirección de correo inválida «{email}»; se esperaba algo como nombre@dominio.mx"
            )));
        }
        Ok(self.store.set_contact(folio, email.trim(), now).await?)
    }

    /// Erases the titular's address of case `folio`.
    pub async fn forget_titular_contact(&self, folio: &str) -> Result<bool, ServiceError> {
        Ok(self.store.forget_contact(folio).await?)
    }

    /// Forgets a loaded calendar, so the next use reads its file again.
    pub fn reload_calendar(&self, name: &str) {
        if let Ok(mut m) = self.calendars.lock() {
            m.remove(name);
        }
    }

    /// Recomputes every open case counted on `calendar` after its file changed (a new
    /// acuerdo de días inhábiles, a closure announced at short notice). For each case whose
    /// due dates move, appends to its log a record of the old and new dates and `reason`,
    /// and writes the new projection. A dry run writes nothing and says what would move.
    pub async fn apply_calendar(
        &self,
        calendar: &str,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<Vec<CalendarChange>, ServiceError> {
        // One page at a time ([`Registry::apply_calendar_with`]); only the changes are kept.
        let mut out = Vec::new();
        self.apply_calendar_with(
            calendar,
            reason,
            actor,
            now,
            dry_run,
            |c| out.push(c.clone()),
            |_| {},
        )
        .await?;
        Ok(out)
    }

    /// A calendar by name or path, loaded once and kept; read again when one of its
    /// files changed (looked at no more than once a second).
    pub fn calendar(&self, name: &str) -> Result<Arc<Calendar>, CalendarError> {
        if let Ok(mut m) = self.calendars.lock()
            && let Some(c) = m.get_mut(name)
        {
            if c.checked.elapsed() < CALENDAR_RECHECK {
                return Ok(c.calendar.clone());
            }
            if c.files.iter().all(|(p, t)| modified(p) == *t) {
                c.checked = std::time::Instant::now();
                return Ok(c.calendar.clone());
            }
        }
        let (calendar, files) = self.loader.load_with_files(name)?;
        let calendar = Arc::new(calendar);
        if let Ok(mut m) = self.calendars.lock() {
            let replaced = m.insert(
                name.to_string(),
                CachedCalendar {
                    calendar: calendar.clone(),
                    files: files
                        .into_iter()
                        .map(|p| {
                            let t = modified(&p);
                            (p, t)
                        })
                        .collect(),
                    checked: std::time::Instant::now(),
                },
            );
            // A calendar read for the first time changes no list computed before it.
            if replaced.is_some() {
                self.calendar_epoch
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        Ok(calendar)
    }

    /// The calendars' epoch after looking again at every kept calendar's files (at most
    /// once a second each, as [`Registry::calendar`] does): a kept list computed at another
    /// epoch may count business days on a calendar that has changed since.
    fn calendars_epoch(&self) -> u64 {
        use std::sync::atomic::Ordering::SeqCst;
        let names: Vec<String> = self
            .calendars
            .lock()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            if self.calendar(&name).is_err() {
                // Unreadable now: no kept list may be served; the list read anew says why.
                return self.calendar_epoch.fetch_add(1, SeqCst) + 1;
            }
        }
        self.calendar_epoch.load(SeqCst)
    }

    /// The generation of `bodies` and the calendars' epoch, both read before the list
    /// they stand for: a write or a calendar change during the read makes the next read a
    /// miss.
    async fn generation(&self, mut bodies: Vec<String>) -> Result<Generation, ServiceError> {
        bodies.sort();
        bodies.dedup();
        let calendars = self.calendars_epoch();
        let names: Vec<&str> = bodies.iter().map(String::as_str).collect();
        let value = self.store.list_generation(&names).await?;
        Ok(Generation {
            bodies,
            value,
            calendars,
        })
    }

    /// `read`'s answer, or the one kept for the same list at the same generation of its
    /// bodies and the same calendars ([`list_cache`]). `known`: a generation already read
    /// for a set of bodies that includes the list's (one read for the two lists of "mis
    /// pendientes").
    #[allow(clippy::too_many_arguments)]
    async fn kept_list<V, F>(
        &self,
        cache: &ListCache<V>,
        kind: &str,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
        known: Option<&Generation>,
        read: F,
    ) -> Result<V, ServiceError>
    where
        V: Clone,
        F: std::future::Future<Output = Result<V, ServiceError>>,
    {
        let Some(bodies) = list_cache::bodies(filter).filter(|_| cache.enabled()) else {
            return read.await;
        };
        let fresh;
        let g = match known {
            Some(g) if bodies.iter().all(|b| g.bodies.iter().any(|k| k == b)) => g,
            _ => {
                fresh = self
                    .generation(bodies.iter().map(|b| b.to_string()).collect())
                    .await?;
                &fresh
            }
        };
        let (generation, calendars) = (g.value, g.calendars);
        // The bodies summed are part of the key: a sum over other bodies is another number.
        let key = list_cache::key(kind, filter, as_of, overdue_only, &g.bodies);
        if let Some(v) = cache.get(&key, generation, calendars) {
            return Ok(v);
        }
        let _filling = cache.fill_lock(&key).lock().await;
        // Another reader may have read it while this one waited.
        if let Some(v) = cache.peek(&key, generation, calendars) {
            return Ok(v);
        }
        let v = read.await?;
        cache.put(key, generation, calendars, v.clone());
        Ok(v)
    }

    /// Files a request for `body` and returns its record (folio, acuse data).
    pub async fn file_request(
        &self,
        body: &str,
        calendar: &str,
        right: Right,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        self.file_request_received(body, calendar, right, Reception::default(), at, actor, now)
            .await
    }

    /// [`Registry::file_request`], saying how the request came in (art. 49.1).
    #[allow(clippy::too_many_arguments)]
    pub async fn file_request_received(
        &self,
        body: &str,
        calendar: &str,
        right: Right,
        reception: Reception,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let cal = self.calendar(calendar)?;
        let filed = cal.effective_date(&at)?;
        let book = self.books.in_force(replay::DEFAULT_JURISDICTION, filed)?;
        let clock = Clock::new(&cal, book);
        let refused = |error| ServiceError::Refused {
            folio: "(nueva solicitud)".into(),
            error,
        };
        check_not_future(ActKind::Filed.as_str(), &at, &cal, now)?;
        let request =
            Request::file_received(&clock, right, reception, at, actor).map_err(refused)?;
        let event = event_of(&request, request.acts.len() - 1, now);
        let record = self
            .store
            .create_case(
                NewCase {
                    body: body.to_string(),
                    kind: REQUEST_KIND.into(),
                    parent: None,
                    calendar: calendar.to_string(),
                    rulebook: book.id.clone(),
                    folio: None,
                    folio_format: self.folio_format.clone(),
                    sequence: None,
                    filed_on: filed,
                },
                vec![event.clone()],
                projection(&request, &clock)?,
            )
            .await?;
        // What was just written, without reading it back (a new folio has no appeal).
        let log = vec![StoredEvent { seq: 1, event }];
        let detail = self
            .detail_with(
                &record,
                &log,
                &request,
                &clock,
                local_today(&cal, now),
                false,
            )
            .await;
        self.kept_cases.put(case_cache::Kept {
            record,
            log,
            request,
            calendar: cal,
        });
        detail
    }

    /// Records an act on the case `folio`. Two staff acting at once: one wins, the other
    /// gets [`StoreError::Conflict`] and nothing of theirs is written.
    pub async fn act(
        &self,
        folio: &str,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let (kept, book) = self.apply(folio, act, at, actor, now).await?;
        let clock = Clock::new(&kept.calendar, book);
        let detail = self
            .detail(
                &kept.record,
                &kept.log,
                &kept.request,
                &clock,
                local_today(&kept.calendar, now),
            )
            .await;
        self.kept_cases.put(kept);
        detail
    }

    /// As [`Registry::act`], returning only what was recorded (for a caller that does not
    /// need the whole case back: the web form, which shows the case page next, or an API
    /// client that sends `Prefer: return=minimal`).
    pub async fn record(
        &self,
        folio: &str,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Recorded, ServiceError> {
        let (kept, _) = self.apply(folio, act, at, actor, now).await?;
        let recorded = Recorded {
            folio: kept.record.folio.clone(),
            version: kept.record.version,
            state: kept.request.state.as_str().to_string(),
            late: kept.log.last().is_some_and(|e| e.event.late),
        };
        self.kept_cases.put(kept);
        Ok(recorded)
    }

    /// Applies and stores one act; returns the case as written, without reading it back,
    /// with the calendar and rulebook it was counted on. The case comes from what this
    /// process kept of its last write when it can ([`case_cache`]); if another writer
    /// overtook that, the case is read from the store and the act applied once more.
    async fn apply(
        &self,
        folio: &str,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(case_cache::Kept, &Rulebook), ServiceError> {
        let kept = self.kept_cases.take(folio, |name| self.calendar(name).ok());
        let from_memory = kept.is_some();
        let kept = match kept {
            Some(k) => k,
            None => self.read_case(folio).await?,
        };
        match self.apply_to(kept, act.clone(), at, actor, now).await {
            // What was kept is behind the store (another process wrote): a conflict, or a
            // refusal that the case as stored might not give. Read it and try once more.
            Err(
                ServiceError::Store(StoreError::Conflict { .. }) | ServiceError::Refused { .. },
            ) if from_memory => {
                let fresh = self.read_case(folio).await?;
                self.apply_to(fresh, act, at, actor, now).await
            }
            other => other,
        }
    }

    /// The request `folio` as the store holds it, rebuilt.
    async fn read_case(&self, folio: &str) -> Result<case_cache::Kept, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let calendar = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let request = rebuild(&record, &log, &Clock::new(&calendar, book))?;
        Ok(case_cache::Kept {
            record,
            log,
            request,
            calendar,
        })
    }

    /// [`Registry::apply`] on one reading of the case: the case as written (for the caller
    /// to keep once done with it).
    async fn apply_to(
        &self,
        kept: case_cache::Kept,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(case_cache::Kept, &Rulebook), ServiceError> {
        let case_cache::Kept {
            mut record,
            mut log,
            mut request,
            calendar: cal,
        } = kept;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let refused = |error| ServiceError::Refused {
            folio: record.folio.clone(),
            error,
        };
        check_not_future(act.kind().as_str(), &at, &cal, now)?;
        // A refused act changes nothing: the reading stays good for the next one.
        let mut next = request.clone();
        if let Err(e) = next.apply(&clock, act, at, actor) {
            let e = refused(e);
            self.kept_cases.put(case_cache::Kept {
                record,
                log,
                request,
                calendar: cal,
            });
            return Err(e);
        }
        request = next;
        let event = event_of(&request, request.acts.len() - 1, now);
        let projection = projection(&request, &clock)?;
        let version = self
            .store
            .append(&record, log.len() as i64, event.clone(), projection.clone())
            .await?;
        record.version = version;
        record.projection = projection;
        log.push(StoredEvent {
            seq: version,
            event,
        });
        let kept = case_cache::Kept {
            record,
            log,
            request,
            calendar: cal,
        };
        Ok((kept, book))
    }

    /// A case with every deadline, its status on `as_of` and its explanation, and its log.
    pub async fn show(
        &self,
        folio: &str,
        as_of: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let cal = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let request = rebuild(&record, &log, &clock)?;
        self.detail(
            &record,
            &log,
            &request,
            &clock,
            as_of.unwrap_or_else(|| local_today(&cal, now)),
        )
        .await
    }

    async fn detail(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
        request: &Request,
        clock: &Clock<'_>,
        as_of: NaiveDate,
    ) -> Result<CaseDetail, ServiceError> {
        self.detail_with(record, log, request, clock, as_of, true)
            .await
    }

    /// [`Registry::detail`]; a case just filed (`appealed` false) has no appeal yet, and
    /// its detail is built without asking the store for one.
    async fn detail_with(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
        request: &Request,
        clock: &Clock<'_>,
        as_of: NaiveDate,
        appealed: bool,
    ) -> Result<CaseDetail, ServiceError> {
        let view = replay::view(request, clock, as_of).map_err(|error| ServiceError::Refused {
            folio: record.folio.clone(),
            error,
        })?;
        let deadlines = request
            .deadlines(clock, as_of)
            .map_err(|error| ServiceError::Refused {
                folio: record.folio.clone(),
                error,
            })?;
        let mut view = view;
        let mut timeline = timeline(deadlines.values(), clock, as_of)?;
        // The request's record shows its appeal: what it ordered and by when.
        let mut appeals = Vec::new();
        let linked = if appealed {
            self.store.linked(&record.folio).await?
        } else {
            Vec::new()
        };
        for linked in linked {
            appeals.push(linked.clone());
            if view.appeal.is_none() {
                let (arec, alog) = self.store.load(&linked).await?;
                let (appeal, gclock_parts) = self
                    .rebuild_appeal(&arec, &alog, Some((request, clock)))
                    .await?;
                let (gcal, gbook) = gclock_parts;
                let gclock = Clock::new(&gcal, gbook);
                replay::add_appeal(&mut view, &appeal, &gclock).map_err(|error| {
                    ServiceError::AppealRefused {
                        folio: linked.clone(),
                        error,
                    }
                })?;
                if let Some(w) = view.deadlines.get(&TermId::AppealWindow)
                    && let Some(t) = timeline.iter_mut().find(|t| t.term == TermId::AppealWindow)
                {
                    t.view = w.clone();
                }
            }
        }
        Ok(CaseDetail {
            folio: record.folio.clone(),
            body: record.body.clone(),
            calendar: record.calendar.clone(),
            parent: record.parent.clone(),
            appeals,
            view,
            timeline,
            log: log_entries(log),
        })
    }

    /// Cases matching `filter`, with their state and next term on `as_of`. `states`
    /// filter on the state on `as_of` (a prevention left unanswered makes a request
    /// "not_presented" by itself); `overdue` keeps cases with a duty past its due date.
    pub async fn list(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
    ) -> Result<Vec<CaseSummary>, ServiceError> {
        Ok(self.list_page(filter, as_of, overdue_only).await?.0)
    }

    /// [`Registry::list`] one page at a time: with `filter.limit` set, also returns the
    /// folio to pass as `filter.after` for the next page (`None` on the last page). A page
    /// may hold fewer than `limit` cases when some are filtered out after reading.
    pub async fn list_page(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
    ) -> Result<(Vec<CaseSummary>, Option<String>), ServiceError> {
        self.kept_list(
            &self.request_lists,
            REQUEST_KIND,
            filter,
            as_of,
            overdue_only,
            None,
            self.read_list_page(filter, as_of, overdue_only),
        )
        .await
    }

    /// The two lists of "mis pendientes": the requests of `requests` (none for a
    /// guarantor's staff) and the appeals of `appeals`, each as [`Registry::list_page`]
    /// and [`Registry::list_appeals_page`] give it, with one read of the generation of
    /// all their bodies.
    #[allow(clippy::type_complexity)]
    pub async fn due_lists(
        &self,
        requests: Option<&ListFilter>,
        appeals: &ListFilter,
        as_of: NaiveDate,
    ) -> Result<
        (
            Option<(Vec<CaseSummary>, Option<String>)>,
            (Vec<AppealSummary>, Option<String>),
        ),
        ServiceError,
    > {
        let mut bodies: Vec<String> = Vec::new();
        for f in requests.into_iter().chain([appeals]) {
            bodies.extend(
                list_cache::bodies(f)
                    .into_iter()
                    .flatten()
                    .map(str::to_string),
            );
        }
        // A process that keeps no lists reads no generation.
        let known = if bodies.is_empty() || !self.request_lists.enabled() {
            None
        } else {
            Some(self.generation(bodies).await?)
        };
        let r = match requests {
            Some(f) => Some(
                self.kept_list(
                    &self.request_lists,
                    REQUEST_KIND,
                    f,
                    as_of,
                    false,
                    known.as_ref(),
                    self.read_list_page(f, as_of, false),
                )
                .await?,
            ),
            None => None,
        };
        let a = self
            .kept_list(
                &self.appeal_lists,
                APPEAL_KIND,
                appeals,
                as_of,
                false,
                known.as_ref(),
                self.read_appeals_page(appeals, as_of, false),
            )
            .await?;
        Ok((r, a))
    }

    async fn read_list_page(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
    ) -> Result<(Vec<CaseSummary>, Option<String>), ServiceError> {
        let mut sql_filter = filter.clone();
        sql_filter.kind = Some(REQUEST_KIND.into());
        sql_filter.optional_from = Some(as_of);
        if sql_filter.due_by.is_some() || overdue_only {
            // A closed or withdrawn request owes nothing: skip them before reading terms.
            sql_filter.exclude_states = vec![
                RequestState::Closed.as_str().to_string(),
                RequestState::Withdrawn.as_str().to_string(),
            ];
        }
        // A state that time can change is filtered after computing it.
        let time_derived = filter.states.iter().any(|s| {
            s == RequestState::NotPresented.as_str() || s == RequestState::Prevented.as_str()
        });
        if time_derived {
            sql_filter.states.clear();
        }
        if overdue_only {
            sql_filter.due_by = Some(sql_filter.due_by.map_or(as_of, |d| d.min(as_of)));
        }
        if sql_filter.due_by.is_some() {
            // A case that time has stopped owes nothing: the query need not read it.
            sql_filter.skip_stopped_by = Some(as_of);
        }
        let mut out = Vec::new();
        let records = self.store.list_listed(&sql_filter).await?;
        let next = next_cursor(&records, filter.limit);
        for listed in records {
            let cal = self.calendar(&listed.calendar)?;
            let book = self.books.get(&listed.rulebook)?;
            let clock = Clock::new(&cal, book);
            let (state, right, agenda) = if listed.listing.written {
                let (state, agenda) =
                    listing::listed_agenda(&listed, &clock, as_of, filter.due_by, overdue_only)?;
                let unreadable = |what: &str, value: &str| ServiceError::Unreadable {
                    folio: listed.folio.clone(),
                    message: format!("{what} «{value}» desconocido en las columnas de lista"),
                };
                let right = listed.listing.right.as_deref().unwrap_or_default();
                (
                    RequestState::parse(&state).ok_or_else(|| unreadable("estado", &state))?,
                    Right::parse(right).ok_or_else(|| unreadable("derecho", right))?,
                    agenda,
                )
            } else {
                // Written before the list columns: from the whole projection.
                let (record, _) = self.store.load(&listed.folio).await?;
                let request: Request = serde_json::from_value(record.projection.data.clone())
                    .map_err(|e| ServiceError::Unreadable {
                        folio: record.folio.clone(),
                        message: e.to_string(),
                    })?;
                let refused = |error| ServiceError::Refused {
                    folio: record.folio.clone(),
                    error,
                };
                let state = request.state_on(&clock, as_of).map_err(refused)?;
                let deadlines = request.deadlines(&clock, as_of).map_err(refused)?;
                let agenda = agenda(
                    deadlines.values(),
                    &clock,
                    as_of,
                    filter.due_by,
                    overdue_only,
                )?;
                (state, request.right, agenda)
            };
            if !filter.states.is_empty() && !filter.states.iter().any(|s| s == state.as_str()) {
                continue;
            }
            let Some((next, overdue, overdue_due)) = agenda else {
                continue;
            };
            out.push(CaseSummary {
                folio: listed.folio.clone(),
                body: listed.body.clone(),
                right,
                state,
                filed: listed.filed_on,
                next,
                overdue,
                overdue_due,
            });
        }
        Ok((out, next))
    }

    /// Rebuilds every case from its log and compares it with the stored projection, one
    /// page of cases at a time ([`Registry::verify_with`]).
    pub async fn verify(&self) -> Result<VerifyReport, ServiceError> {
        self.verify_with(|_| {}).await
    }

    fn rebuild_projection(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
    ) -> Result<(Projection, Vec<NewEvent>), ServiceError> {
        let cal = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let request = rebuild(record, log, &clock)?;
        let events = (0..request.acts.len())
            .map(|i| {
                event_of(
                    &request,
                    i,
                    log.get(i).map_or_else(Utc::now, |e| e.event.recorded_at),
                )
            })
            .collect();
        Ok((projection(&request, &clock)?, events))
    }

    /// Checks a history and stores it as a new case of `body`, in one transaction. The
    /// history's own `folio` is kept when it has one.
    pub async fn import(
        &self,
        history: &History,
        body: &str,
        folio: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, ServiceError> {
        let cal = self.calendar(&history.calendar)?;
        let events = history.parsed_events()?;
        let book = replay::rulebook_for(&self.books, history, &cal, &events)?;
        let clock = Clock::new(&cal, book);
        let request = replay::build(&clock, &events, now)?;
        // An appeal in the history is checked before anything is written.
        let gname = history
            .guarantor_calendar
            .clone()
            .unwrap_or_else(|| history.calendar.clone());
        let gcal = self.calendar(&gname)?;
        let appeal_filed = events.iter().find_map(|e| match e.act {
            replay::EventAct::Appeal(_) => Some(e.at),
            _ => None,
        });
        let gbook = match appeal_filed {
            Some(at) => Some(
                self.books.in_force(
                    history
                        .jurisdiction
                        .as_deref()
                        .unwrap_or(replay::DEFAULT_JURISDICTION),
                    gcal.effective_date(&at)?,
                )?,
            ),
            None => None,
        };
        let appeal = match gbook {
            Some(gbook) => {
                replay::build_appeal(&Clock::new(&gcal, gbook), &clock, &request, &events, now)?
            }
            None => None,
        };
        let new_events = (0..request.acts.len())
            .map(|i| event_of(&request, i, now))
            .collect();
        let record = self
            .store
            .create_case(
                NewCase {
                    body: body.to_string(),
                    kind: REQUEST_KIND.into(),
                    parent: None,
                    calendar: history.calendar.clone(),
                    rulebook: book.id.clone(),
                    folio,
                    folio_format: self.folio_format.clone(),
                    sequence: None,
                    filed_on: request.filed.effective,
                },
                new_events,
                projection(&request, &clock)?,
            )
            .await?;
        if let (Some(appeal), Some(gbook)) = (appeal, gbook) {
            let gclock = Clock::new(&gcal, gbook);
            self.import_appeal(&appeal, &gclock, &gname, body, &record.folio, now)
                .await?;
        }
        Ok(record)
    }
}

/// The earliest open term of a case (id, due date, business days left) and its overdue
/// duties, or `None` when the case does not pass the list's filters: `overdue_only` keeps
/// cases with an overdue duty; `due_by` keeps cases with an open term due by then.
/// Overdue means a duty of a body: the titular's own terms are theirs.
#[allow(clippy::type_complexity)]
/// The next open term, the overdue duties and their due dates.
type Agenda = (
    Option<(TermId, NaiveDate, i64)>,
    Vec<TermId>,
    Vec<NaiveDate>,
);

fn agenda<'a>(
    deadlines: impl Iterator<Item = &'a Deadline>,
    clock: &Clock,
    as_of: NaiveDate,
    due_by: Option<NaiveDate>,
    overdue_only: bool,
) -> Result<Option<Agenda>, ServiceError> {
    let mut next: Option<(TermId, NaiveDate, i64)> = None;
    let mut overdue = Vec::new();
    let mut overdue_due = Vec::new();
    for d in deadlines {
        match d.status {
            DeadlineStatus::Missed if clock.term(d.term)?.actor != TermActor::Titular => {
                overdue.push(d.term);
                overdue_due.push(d.due);
            }
            DeadlineStatus::Pending if next.is_none_or(|(_, due, _)| d.due < due) => {
                next = Some((d.term, d.due, days_left(clock.calendar, as_of, d.due)?));
            }
            _ => {}
        }
    }
    if overdue_only && overdue.is_empty() {
        return Ok(None);
    }
    // With a due-date filter, an overdue duty always counts; otherwise the next term must
    // fall due by then.
    if let (Some(by), false, true) = (due_by, overdue_only, overdue.is_empty())
        && next.is_none_or(|(_, due, _)| due > by)
    {
        return Ok(None);
    }
    Ok(Some((next, overdue, overdue_due)))
}

pub(crate) fn days_left(
    cal: &Calendar,
    as_of: NaiveDate,
    due: NaiveDate,
) -> Result<i64, TermError> {
    Ok(if due >= as_of {
        i64::from(cal.business_days_between(as_of, due)?)
    } else {
        -i64::from(cal.business_days_between(due, as_of)?)
    })
}

fn local_today(cal: &Calendar, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&cal.timezone()).date_naive()
}

fn check_not_future(
    act: &str,
    at: &Moment,
    cal: &Calendar,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    // A bare date is the start of its day: an act dated today is fine.
    if replay::moment_utc(at, cal) > now {
        return Err(ServiceError::InFuture {
            act: act.to_string(),
            at: at.to_string(),
            now: now.to_rfc3339(),
        });
    }
    Ok(())
}

/// The log entry of the request's `i`-th act.
fn event_of(request: &Request, i: usize, recorded_at: DateTime<Utc>) -> NewEvent {
    let a = &request.acts[i];
    log_event(
        a.act.kind().as_str(),
        serde_json::to_value(&a.act),
        &a.actor,
        &a.at,
        (a.effective, a.late),
        &request.rulebook,
        recorded_at,
    )
}

/// A log entry: the act's name and data, who, when it happened and took effect, whether
/// late, the rulebook, when recorded.
fn log_event(
    name: &str,
    payload: Result<serde_json::Value, serde_json::Error>,
    actor: &Actor,
    at: &Moment,
    (effective_on, late): (NaiveDate, bool),
    rulebook: &str,
    recorded_at: DateTime<Utc>,
) -> NewEvent {
    NewEvent {
        act: name.to_string(),
        payload: payload.unwrap_or(serde_json::Value::Null),
        actor: actor.id.clone(),
        role: actor.role,
        occurred_at: at.to_string(),
        effective_on,
        late,
        recorded_at,
        rulebook: rulebook.to_string(),
    }
}

/// Projection rows of a case's terms.
fn rows(deadlines: BTreeMap<TermId, Deadline>) -> Vec<DeadlineRow> {
    deadlines
        .into_values()
        .map(|d| DeadlineRow {
            term: d.term,
            day0: d.from,
            days: d.days,
            due: d.due,
            status: d.status,
            done: d.done,
            optional: d.optional,
            article: d.article,
        })
        .collect()
}

/// Every term ordered by due date, with its count explained.
fn timeline<'a>(
    deadlines: impl Iterator<Item = &'a Deadline>,
    clock: &Clock,
    as_of: NaiveDate,
) -> Result<Vec<DeadlineDetail>, ServiceError> {
    let mut ordered: Vec<&Deadline> = deadlines.collect();
    ordered.sort_by_key(|d| (d.due, d.term));
    let mut out = Vec::with_capacity(ordered.len());
    for d in ordered {
        let explained = clock.calendar.explain(&Moment::Date(d.from), d.days)?;
        out.push(DeadlineDetail {
            term: d.term,
            name: clock.term(d.term)?.name.clone(),
            view: DeadlineView::from(d),
            optional: d.optional,
            days_left: days_left(clock.calendar, as_of, d.due)?,
            reasoning: explained.summary_es(),
            explanation: explained.to_string(),
        });
    }
    Ok(out)
}

fn log_entries(log: &[StoredEvent]) -> Vec<LogEntry> {
    log.iter()
        .map(|e| LogEntry {
            seq: e.seq,
            act: e.event.act.clone(),
            occurred_at: e.event.occurred_at.clone(),
            effective_on: e.event.effective_on,
            late: e.event.late,
            actor: e.event.actor.clone(),
            role: e.event.role.as_str().to_string(),
            recorded_at: e.event.recorded_at,
            rulebook: e.event.rulebook.clone(),
        })
        .collect()
}

/// The acts of a stored log, parsed: each act's data, when it happened, who did it.
fn parse_log<A: serde::de::DeserializeOwned>(
    record: &CaseRecord,
    log: &[StoredEvent],
) -> Result<Vec<(A, Moment, Actor)>, ServiceError> {
    let unreadable = |message: String| ServiceError::Unreadable {
        folio: record.folio.clone(),
        message,
    };
    let mut acts = Vec::with_capacity(log.len());
    for e in log.iter().filter(|e| e.event.act != CALENDAR_CHANGED) {
        let act: A = serde_json::from_value(e.event.payload.clone())
            .map_err(|x| unreadable(format!("acto {}: {x}", e.seq)))?;
        let at: Moment = e
            .event
            .occurred_at
            .parse()
            .map_err(|x: TermError| unreadable(format!("acto {}: {x}", e.seq)))?;
        acts.push((act, at, Actor::new(e.event.actor.clone(), e.event.role)));
    }
    Ok(acts)
}

/// The projection stored with each act: the request, and its terms as of no particular
/// day (open terms "pending"; whether they are overdue is decided when read).
fn projection(request: &Request, clock: &Clock) -> Result<Projection, ServiceError> {
    let deadlines =
        rows(
            request
                .deadlines(clock, MIN_DATE)
                .map_err(|error| ServiceError::Refused {
                    folio: String::new(),
                    error,
                })?,
        );
    Ok(Projection {
        state: request.state.as_str().to_string(),
        data: serde_json::to_value(request).map_err(|e| ServiceError::Unreadable {
            folio: String::new(),
            message: e.to_string(),
        })?,
        deadlines,
        listing: Listing {
            external_folio: request
                .reception
                .external_folio
                .as_ref()
                .map(|f| f.as_str().to_string()),
            ..listing::listing(
                Some(request.right.as_str().to_string()),
                request
                    .time_change(clock)
                    .map_err(|error| ServiceError::Refused {
                        folio: String::new(),
                        error,
                    })?,
                RequestState::as_str,
            )
        },
    })
}

/// Rebuilds a request from its stored log.
fn rebuild(
    record: &CaseRecord,
    log: &[StoredEvent],
    clock: &Clock,
) -> Result<Request, ServiceError> {
    let acts: Vec<(RequestAct, Moment, Actor)> = parse_log(record, log)?;
    Request::rebuild(clock, acts.iter().map(|(a, m, p)| (a, *m, p))).map_err(|(i, error)| {
        ServiceError::Unreadable {
            folio: record.folio.clone(),
            message: format!("acto {}: {error}", i + 1),
        }
    })
}

fn compare(
    record: &CaseRecord,
    log: &[StoredEvent],
    fresh: &Projection,
    events: &[NewEvent],
) -> Vec<String> {
    let mut out = Vec::new();
    let stored = &record.projection;
    if stored.state != fresh.state {
        out.push(format!(
            "estado guardado «{}», reconstruido «{}»",
            stored.state, fresh.state
        ));
    }
    if stored.data != fresh.data {
        out.push("la proyección guardada difiere de la reconstruida".to_string());
    }
    out.extend(listing::compare_listing(&stored.listing, &fresh.listing));
    let a: BTreeMap<TermId, &DeadlineRow> = stored.deadlines.iter().map(|d| (d.term, d)).collect();
    let b: BTreeMap<TermId, &DeadlineRow> = fresh.deadlines.iter().map(|d| (d.term, d)).collect();
    for (term, d) in &b {
        match a.get(term) {
            None => out.push(format!("falta el plazo «{term}» (vence {})", d.due)),
            Some(s) if s != d => out.push(format!(
                "plazo «{term}»: guardado vence {} ({}), reconstruido vence {} ({})",
                s.due,
                s.status.as_str(),
                d.due,
                d.status.as_str()
            )),
            _ => {}
        }
    }
    for term in a.keys().filter(|t| !b.contains_key(t)) {
        out.push(format!("sobra el plazo «{term}»"));
    }
    if record.version != log.len() as i64 {
        out.push(format!(
            "versión {} pero {} actos en el registro",
            record.version,
            log.len()
        ));
    }
    // After a calendar change, past acts may take effect on other days: only their data
    // must match.
    let recalendared = log.iter().any(|e| e.event.act == CALENDAR_CHANGED);
    let acts = log.iter().filter(|e| e.event.act != CALENDAR_CHANGED);
    for (s, f) in acts.zip(events) {
        let moved = s.event.effective_on != f.effective_on || s.event.late != f.late;
        if (moved && !recalendared) || s.event.payload != f.payload {
            out.push(format!(
                "acto {} («{}»): guardado surte efectos {} (extemporáneo: {}), reconstruido {} ({})",
                s.seq, s.event.act, s.event.effective_on, s.event.late, f.effective_on, f.late
            ));
        }
    }
    out
}
