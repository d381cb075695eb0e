//! Operations over every case of an install in bounded memory (issue 20): `arco verify`
//! and `arco calendar apply` read the cases one page at a time by key (id order), work on
//! one page while the next is read, and keep only what their report needs. A calendar
//! change is written in batches of [`WRITE_BATCH`] cases, each batch one transaction: a
//! crash leaves each case either changed (its record of the change in its log and its new
//! projection) or not, and running the change again finishes the rest.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{StreamExt as _, stream};

use crate::calendar::{Calendar, Moment};
use crate::case::{Actor, Clock, DeadlineStatus};
use crate::request::Request;
use crate::rules::{Rulebook, TermId};
use crate::storage::{
    BatchAppend, CaseRecord, DeadlineRow, NewEvent, Projection, Store, StoreError, StoredCase,
    StoredEvent, WrittenDates,
};

use super::{
    APPEAL_KIND, BREACH_KIND, CALENDAR_CHANGED, CalendarChange, DueChange, Registry, ServiceError,
    VerifyReport, compare, event_of, projection, rebuild,
};

/// Cases read per page by `arco verify` and `arco calendar apply`.
pub const PAGE: u32 = 500;

/// Appeals of a page rebuilt at once by `arco verify` and `arco calendar apply`: each
/// reads its request from the store, and their round trips overlap.
const APPEALS_AT_ONCE: usize = 16;

/// Cases written per transaction by `arco calendar apply`.
pub const WRITE_BATCH: usize = 200;

/// A case a calendar moves: its record, its log's length, its new projection, its changes.
type Recalendared = (CaseRecord, usize, Projection, Vec<DueChange>);

/// What `arco calendar apply` went through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CalendarSummary {
    /// Open cases on the calendar recomputed.
    pub examined: usize,
    /// Those whose due dates move (written, unless a dry run).
    pub changed: usize,
    /// Those rebuilt from their acts: every appeal, and each request whose recorded dates
    /// the new calendar does not count alike ([`Request::counts_alike`]); the others keep
    /// every date and are not read whole.
    pub replayed: usize,
}

/// The calendars and rulebooks of a page's requests, shared with the thread that
/// rebuilds them.
#[derive(Default)]
struct Clocks {
    calendars: HashMap<String, Arc<Calendar>>,
    books: HashMap<String, Arc<Rulebook>>,
}

/// A request rebuilt from its log with its own calendar and rulebook: its projection and
/// the acts as they would be recorded now (see [`Registry::rebuild_projection`]).
fn rebuild_request(
    record: &CaseRecord,
    log: &[StoredEvent],
    cal: &Calendar,
    book: &Rulebook,
) -> Result<(Projection, Vec<NewEvent>), ServiceError> {
    let clock = Clock::new(cal, book);
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

/// A request's projection rebuilt from its log with its own calendar and rulebook.
fn request_projection(
    record: &CaseRecord,
    log: &[StoredEvent],
    cal: &Calendar,
    book: &Rulebook,
) -> Result<Projection, ServiceError> {
    let clock = Clock::new(cal, book);
    projection(&rebuild(record, log, &clock)?, &clock)
}

/// A case whose calendar or rulebook was not gathered with its page (never expected).
fn unloaded(record: &CaseRecord) -> ServiceError {
    ServiceError::Unreadable {
        folio: record.folio.clone(),
        message: format!(
            "calendario «{}» o reglamento «{}» no cargado",
            record.calendar, record.rulebook
        ),
    }
}

/// The differences of one case as `arco verify` reports them.
fn differences(
    record: &CaseRecord,
    log: &[StoredEvent],
    rebuilt: Result<(Projection, Vec<NewEvent>), ServiceError>,
) -> Vec<(String, String)> {
    let diff = match rebuilt {
        Ok((fresh, events)) => compare(record, log, &fresh, &events),
        Err(e) => vec![format!("no se puede reconstruir: {e}")],
    };
    diff.into_iter()
        .map(|d| (record.folio.clone(), d))
        .collect()
}

/// The due dates that move between two projections: the pending terms of each.
fn moved(old: &[DeadlineRow], new: &[DeadlineRow]) -> Vec<DueChange> {
    let open = |rows: &[DeadlineRow]| -> BTreeMap<TermId, NaiveDate> {
        rows.iter()
            .filter(|d| d.status == DeadlineStatus::Pending)
            .map(|d| (d.term, d.due))
            .collect()
    };
    let (old, new) = (open(old), open(new));
    let terms: BTreeSet<TermId> = old.keys().chain(new.keys()).copied().collect();
    terms
        .into_iter()
        .filter(|t| old.get(t) != new.get(t))
        .map(|t| DueChange {
            term: t,
            old: old.get(&t).copied(),
            new: new.get(&t).copied(),
        })
        .collect()
}

fn interrupted(what: &str, e: tokio::task::JoinError) -> ServiceError {
    ServiceError::Store(StoreError::Database(format!("{what} se interrumpió: {e}")))
}

/// Whether the new calendar may move the case of `d`: every appeal does (its terms hang
/// on its request's), and each request that does not count alike on its clock
/// ([`Request::counts_alike`]). A breach's terms run in natural hours: none moves.
fn may_move(d: &WrittenDates, clocks: &Clocks) -> bool {
    if d.kind == BREACH_KIND {
        return false;
    }
    if d.kind == APPEAL_KIND {
        return true;
    }
    let (Some(acts), Some(cal), Some(book)) = (
        &d.acts,
        clocks.calendars.get(&d.calendar),
        clocks.books.get(&d.rulebook),
    ) else {
        return true;
    };
    let acts: Option<Vec<(Moment, NaiveDate)>> = acts
        .iter()
        .map(|(at, eff)| at.parse().ok().map(|m| (m, *eff)))
        .collect();
    !acts.is_some_and(|acts| Request::counts_alike(&Clock::new(cal, book), &acts, &d.terms))
}

impl<S: Store> Registry<S> {
    /// The calendars and rulebooks the requests of `page` are counted with.
    fn clocks_of(&self, page: &[StoredCase]) -> Result<Clocks, ServiceError> {
        self.clocks_for(
            page.iter()
                .map(|(r, _)| (r.kind.as_str(), r.calendar.as_str(), r.rulebook.as_str())),
        )
    }

    /// The calendars and rulebooks of the cases (kind, calendar, rulebook) that are not
    /// appeals.
    fn clocks_for<'a>(
        &self,
        cases: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<Clocks, ServiceError> {
        let mut clocks = Clocks::default();
        for (_, calendar, rulebook) in cases.filter(|(kind, ..)| *kind != APPEAL_KIND) {
            if !clocks.calendars.contains_key(calendar) {
                let cal = self.calendar(calendar)?;
                clocks.calendars.insert(calendar.to_string(), cal);
            }
            if !clocks.books.contains_key(rulebook) {
                let book = Arc::new(self.books.get(rulebook)?.clone());
                clocks.books.insert(rulebook.to_string(), book);
            }
        }
        Ok(clocks)
    }

    /// The projection `record` would have if written now, from its log.
    async fn rebuilt(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
    ) -> Result<(Projection, Vec<NewEvent>), ServiceError> {
        if record.kind == APPEAL_KIND {
            self.rebuild_appeal_projection(record, log).await
        } else if record.kind == BREACH_KIND {
            self.rebuild_breach_projection(record, log)
        } else {
            self.rebuild_projection(record, log)
        }
    }

    /// [`Registry::verify`], hearing the cases checked so far: one page of cases at a time
    /// (in id order), the requests of a page rebuilt on every core (`cores::map`) while
    /// its appeals are rebuilt here and the next page is read.
    pub async fn verify_with(
        &self,
        mut progress: impl FnMut(usize),
    ) -> Result<VerifyReport, ServiceError> {
        let mut report = VerifyReport::default();
        let mut page = self.store.dump_cases(0, PAGE).await?;
        while let Some((last, _)) = page.last() {
            let (after, full) = (last.id, page.len() >= PAGE as usize);
            report.checked += page.len();
            let clocks = self.clocks_of(&page)?;
            // Appeals and breaches are rebuilt here, requests on a thread of their own.
            let (appeals, requests): (Vec<StoredCase>, Vec<StoredCase>) = page
                .into_iter()
                .partition(|(r, _)| r.kind == APPEAL_KIND || r.kind == BREACH_KIND);
            let next = async {
                if full {
                    self.store.dump_cases(after, PAGE).await
                } else {
                    Ok(Vec::new())
                }
            };
            let clocks = Arc::new(clocks);
            let requests = crate::cores::map(requests, move |(record, log)| {
                let rebuilt = match (
                    clocks.calendars.get(&record.calendar),
                    clocks.books.get(&record.rulebook),
                ) {
                    (Some(cal), Some(book)) => rebuild_request(&record, &log, cal, book),
                    _ => Err(unloaded(&record)),
                };
                differences(&record, &log, rebuilt)
            });
            // An appeal's rebuild reads its request: several at once, so that the round
            // trips overlap.
            let appeals = stream::iter(&appeals)
                .map(|(record, log)| async move {
                    differences(record, log, self.rebuilt(record, log).await)
                })
                .buffered(APPEALS_AT_ONCE)
                .collect::<Vec<_>>();
            let (next, requests, appeals) = tokio::join!(next, requests, appeals);
            let mut found: Vec<(String, String)> = requests
                .map_err(|e| interrupted("la verificación", e))?
                .into_iter()
                .flatten()
                .collect();
            found.extend(appeals.into_iter().flatten());
            // In id order within the page: requests and appeals as they were stored.
            report.differences.extend(found);
            progress(report.checked);
            page = next?;
        }
        for folio in self.store.stray_terms().await? {
            report.differences.push((
                folio,
                "sus plazos abiertos llevan otro sujeto obligado o tipo que el expediente (columnas de lista de los plazos)".into(),
            ));
        }
        Ok(report)
    }

    /// The cases of one page of recorded dates that a calendar moves: those that may move
    /// ([`may_move`], checked on every core) are read whole and rebuilt, the requests on
    /// every core (`cores::map`) and the appeals here. Returns how many were rebuilt and, for
    /// each that moves, its record, its log's length, its new projection and its changes.
    async fn moved_in(
        &self,
        page: Vec<WrittenDates>,
        clocks: Clocks,
    ) -> Result<(usize, Vec<Recalendared>), ServiceError> {
        let clocks = Arc::new(clocks);
        let shared = Arc::clone(&clocks);
        let ids: Vec<i64> = crate::cores::map(page, move |d| may_move(&d, &shared).then_some(d.id))
            .await
            .map_err(|e| interrupted("el recálculo", e))?
            .into_iter()
            .flatten()
            .collect();
        let cases = self.store.cases_by_id(&ids).await?;
        let replayed = cases.len();
        let (appeals, requests): (Vec<StoredCase>, Vec<StoredCase>) =
            cases.into_iter().partition(|(r, _)| r.kind == APPEAL_KIND);
        let requests = crate::cores::map(requests, move |(record, log)| {
            let fresh = match (
                clocks.calendars.get(&record.calendar),
                clocks.books.get(&record.rulebook),
            ) {
                (Some(cal), Some(book)) => request_projection(&record, &log, cal, book)?,
                _ => return Err(unloaded(&record)),
            };
            let changes = moved(&record.projection.deadlines, &fresh.deadlines);
            Ok::<_, ServiceError>((!changes.is_empty()).then_some((
                record,
                log.len(),
                fresh,
                changes,
            )))
        });
        let appeals = stream::iter(appeals)
            .map(|(record, log)| async move {
                Ok::<_, ServiceError>(
                    self.recalendar(&record, &log)
                        .await?
                        .map(|(fresh, changes)| (record, log.len(), fresh, changes)),
                )
            })
            .buffered(APPEALS_AT_ONCE)
            .collect::<Vec<_>>();
        let (requests, appeals) = tokio::join!(requests, appeals);
        let mut found = Vec::new();
        for moved in requests.map_err(|e| interrupted("el recálculo", e))? {
            found.extend(moved?);
        }
        for moved in appeals {
            found.extend(moved?);
        }
        Ok((replayed, found))
    }

    /// The change a calendar makes to one case: its new projection and the due dates that
    /// move (`None` when nothing moves).
    async fn recalendar(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
    ) -> Result<Option<(Projection, Vec<DueChange>)>, ServiceError> {
        let (fresh, _) = self.rebuilt(record, log).await?;
        let changes = moved(&record.projection.deadlines, &fresh.deadlines);
        Ok((!changes.is_empty()).then_some((fresh, changes)))
    }

    /// The record of a calendar change in a case's log.
    fn calendar_event(
        record: &CaseRecord,
        calendar: &str,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        changes: &[DueChange],
    ) -> NewEvent {
        NewEvent {
            act: CALENDAR_CHANGED.into(),
            payload: serde_json::json!({
                "act": CALENDAR_CHANGED,
                "calendar": calendar,
                "reason": reason,
                "changes": changes,
            }),
            actor: actor.id.clone(),
            role: actor.role,
            occurred_at: Moment::Instant(now.fixed_offset()).to_string(),
            effective_on: now
                .with_timezone(&chrono_tz::America::Mexico_City)
                .date_naive(),
            late: false,
            recorded_at: now,
            rulebook: record.rulebook.clone(),
        }
    }

    /// Recomputes every open case counted on `calendar` (a case with a pending term) after
    /// its file changed, one page at a time, and hands each case whose due dates move to
    /// `changed` (after it was written, unless `dry_run`). The changes are written in
    /// batches of [`WRITE_BATCH`] cases, one transaction each: the record of the old and
    /// new due dates and `reason` appended to each case's log with its new projection. A
    /// batch that meets a case changed meanwhile by someone else is written again case by
    /// case, each recomputed from what is stored then. `progress` hears the cases examined.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_calendar_with(
        &self,
        calendar: &str,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        dry_run: bool,
        mut changed: impl FnMut(&CalendarChange),
        mut progress: impl FnMut(usize),
    ) -> Result<CalendarSummary, ServiceError> {
        self.reload_calendar(calendar);
        // The new file must be readable before anything is recomputed.
        self.calendar(calendar)?;
        let mut summary = CalendarSummary::default();
        let mut writes: Vec<(BatchAppend, CalendarChange)> = Vec::new();
        // Ranges of PAGE ids (at most PAGE cases each), two read at once, and the next two
        // while this pair's cases are checked, read whole where they may move, and
        // rebuilt: the reading of the dates is most of the work. Cases filed after this
        // point are counted on the calendar as it is now.
        let last = self.store.last_case_id().await?.unwrap_or(0);
        let span = i64::from(PAGE);
        let pair = |after: i64| async move {
            let (a, b) = tokio::join!(
                self.store
                    .open_dates_on(calendar, after, after + span, PAGE),
                async {
                    if after + span < last {
                        self.store
                            .open_dates_on(calendar, after + span, after + 2 * span, PAGE)
                            .await
                    } else {
                        Ok(Vec::new())
                    }
                }
            );
            let mut page = a?;
            page.extend(b?);
            Ok::<_, StoreError>(page)
        };
        let mut after = 0;
        let mut page = pair(after).await?;
        while after < last {
            after += 2 * span;
            summary.examined += page.len();
            let clocks = self.clocks_for(
                page.iter()
                    .map(|d| (d.kind.as_str(), d.calendar.as_str(), d.rulebook.as_str())),
            )?;
            let next = async {
                if after < last {
                    pair(after).await
                } else {
                    Ok(Vec::new())
                }
            };
            let (next, moved) = tokio::join!(next, self.moved_in(page, clocks));
            let (replayed, mut found) = moved?;
            summary.replayed += replayed;
            found.sort_by_key(|(r, ..)| r.id);
            for (record, version, fresh, changes) in found {
                summary.changed += 1;
                let change = CalendarChange {
                    folio: record.folio.clone(),
                    changes,
                };
                if dry_run {
                    changed(&change);
                    continue;
                }
                writes.push((
                    BatchAppend {
                        id: record.id,
                        folio: record.folio.clone(),
                        expected_version: version as i64,
                        event: Self::calendar_event(
                            &record,
                            calendar,
                            reason,
                            actor,
                            now,
                            &change.changes,
                        ),
                        projection: fresh,
                    },
                    change,
                ));
                if writes.len() >= WRITE_BATCH {
                    self.write_calendar_batch(
                        &mut writes,
                        calendar,
                        reason,
                        actor,
                        now,
                        &mut changed,
                    )
                    .await?;
                }
            }
            progress(summary.examined);
            page = next?;
        }
        self.write_calendar_batch(&mut writes, calendar, reason, actor, now, &mut changed)
            .await?;
        Ok(summary)
    }

    /// Writes a batch of calendar changes in one transaction, or, if a case of it changed
    /// meanwhile, case by case (each recomputed from what is stored now); empties `writes`.
    async fn write_calendar_batch(
        &self,
        writes: &mut Vec<(BatchAppend, CalendarChange)>,
        calendar: &str,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        changed: &mut impl FnMut(&CalendarChange),
    ) -> Result<(), ServiceError> {
        if writes.is_empty() {
            return Ok(());
        }
        let batch: Vec<BatchAppend> = writes.iter().map(|(w, _)| w.clone()).collect();
        match self.store.append_batch(&batch).await {
            Ok(()) => {
                for (w, c) in writes.iter() {
                    self.kept_cases.forget(&w.folio);
                    changed(c);
                }
            }
            Err(StoreError::Conflict { .. } | StoreError::NotFound(_)) => {
                for (w, _) in writes.iter() {
                    let (record, log) = match self.store.load(&w.folio).await {
                        Ok(found) => found,
                        // Gone meanwhile: nothing to change.
                        Err(StoreError::NotFound(_)) => continue,
                        Err(e) => return Err(e.into()),
                    };
                    let Some((fresh, changes)) = self.recalendar(&record, &log).await? else {
                        continue;
                    };
                    let event =
                        Self::calendar_event(&record, calendar, reason, actor, now, &changes);
                    self.store
                        .append(&record, log.len() as i64, event, fresh)
                        .await?;
                    self.kept_cases.forget(&record.folio);
                    changed(&CalendarChange {
                        folio: record.folio.clone(),
                        changes,
                    });
                }
            }
            Err(e) => return Err(e.into()),
        }
        writes.clear();
        Ok(())
    }
}
