//! The registry's appeals: filed against a stored request, acted on, shown, listed and
//! verified like requests. An appeal is its own case (kind `appeal`), linked to the request
//! by `parent`, on the guarantor's calendar and folio sequence.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{
    APPEAL_KIND, CaseDetail, ServiceError, agenda, check_not_future, local_today, log_entries,
    log_event, parse_log, rebuild, rows, timeline,
};
use crate::appeal::{Appeal, AppealAct, AppealActKind, AppealError, AppealState, Window};
use crate::calendar::{Calendar, MIN_DATE, Moment};
use crate::case::{Actor, Clock};
use crate::request::Request;
use crate::request::replay::{self, DEFAULT_JURISDICTION};
use crate::rules::{Rulebook, TermId};
use crate::storage::{
    CaseRecord, FolioFormat, ListFilter, NewCase, NewEvent, Projection, Store, StoredEvent,
};

/// A line of `arco appeal list`.
#[derive(Debug, Clone, Serialize)]
pub struct AppealSummary {
    pub folio: String,
    pub body: String,
    pub request: Option<String>,
    pub state: AppealState,
    pub filed: NaiveDate,
    pub next: Option<(TermId, NaiveDate, i64)>,
    pub overdue: Vec<TermId>,
    /// The due dates of `overdue`, in the same order.
    #[serde(skip)]
    pub overdue_due: Vec<NaiveDate>,
}

fn refused(folio: &str) -> impl Fn(AppealError) -> ServiceError + '_ {
    move |error| ServiceError::AppealRefused {
        folio: folio.to_string(),
        error,
    }
}

/// The log entry of the appeal's `i`-th act.
pub(super) fn appeal_event(appeal: &Appeal, i: usize, recorded_at: DateTime<Utc>) -> NewEvent {
    let a = &appeal.acts[i];
    log_event(
        a.act.kind().as_str(),
        serde_json::to_value(&a.act),
        &a.actor,
        &a.at,
        (a.effective, a.late),
        &appeal.rulebook,
        recorded_at,
    )
}

fn appeal_projection(appeal: &Appeal, clock: &Clock) -> Result<Projection, ServiceError> {
    Ok(Projection {
        state: appeal.state.as_str().to_string(),
        data: serde_json::to_value(appeal).map_err(|e| ServiceError::Unreadable {
            folio: String::new(),
            message: e.to_string(),
        })?,
        deadlines: rows(appeal.deadlines(clock, MIN_DATE).map_err(refused(""))?),
        listing: super::listing::listing(
            None,
            appeal.time_change(clock).map_err(refused(""))?,
            AppealState::as_str,
        ),
    })
}

/// An appeal as stored, rebuilt, with the request it challenges and both calendars.
pub(super) struct LoadedAppeal<'a> {
    pub record: CaseRecord,
    pub log: Vec<StoredEvent>,
    pub request_folio: String,
    pub request: Request,
    pub rcal: Arc<Calendar>,
    pub rbook: &'a Rulebook,
    pub appeal: Appeal,
    pub gcal: Arc<Calendar>,
    pub gbook: &'a Rulebook,
}

impl<S: Store> super::Registry<S> {
    /// A request and its clock, rebuilt from storage.
    async fn load_request(
        &self,
        folio: &str,
    ) -> Result<
        (
            CaseRecord,
            Vec<StoredEvent>,
            Request,
            Arc<Calendar>,
            &Rulebook,
        ),
        ServiceError,
    > {
        let (record, log) = self.store.load(folio).await?;
        if record.kind != super::REQUEST_KIND {
            return Err(ServiceError::Unreadable {
                folio: folio.to_string(),
                message: format!(
                    "es un expediente de tipo «{}», no una solicitud",
                    record.kind
                ),
            });
        }
        let cal = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let request = rebuild(&record, &log, &Clock::new(&cal, book))?;
        Ok((record, log, request, cal, book))
    }

    /// Rebuilds an appeal from its log, with the window of its request (passed in, or
    /// loaded from `parent`). Returns the appeal and its (guarantor's) calendar and rulebook.
    pub(super) async fn rebuild_appeal(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
        request: Option<(&Request, &Clock<'_>)>,
    ) -> Result<(Appeal, (Arc<Calendar>, &Rulebook)), ServiceError> {
        let gcal = self.calendar(&record.calendar)?;
        let gbook = self.books.get(&record.rulebook)?;
        let gclock = Clock::new(&gcal, gbook);
        let acts: Vec<(AppealAct, Moment, Actor)> = parse_log(record, log)?;
        let first_at = acts.first().map(|(_, m, _)| *m);
        let window = match (request, &record.parent, first_at) {
            (Some((req, rclock)), _, Some(at)) => {
                Window::of(req, rclock, &at).map_err(refused(&record.folio))?
            }
            (None, Some(parent), Some(at)) => {
                let (_, _, req, rcal, rbook) = self.load_request(parent).await?;
                Window::of(&req, &Clock::new(&rcal, rbook), &at).map_err(refused(&record.folio))?
            }
            _ => None,
        };
        let appeal = Appeal::rebuild(&gclock, window, acts.iter().map(|(a, m, p)| (a, *m, p)))
            .map_err(|(i, error)| ServiceError::Unreadable {
                folio: record.folio.clone(),
                message: format!("acto {}: {error}", i + 1),
            })?;
        Ok((appeal, (gcal, gbook)))
    }

    /// Files an appeal against the request `request_folio`, with the guarantor `body` and
    /// its `calendar`. A filing out of the window is recorded, with art. 108.I offered.
    #[allow(clippy::too_many_arguments)]
    pub async fn file_appeal(
        &self,
        request_folio: &str,
        body: &str,
        calendar: &str,
        filing: AppealAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let (_, _, request, rcal, rbook) = self.load_request(request_folio).await?;
        let rclock = Clock::new(&rcal, rbook);
        let gcal = self.calendar(calendar)?;
        let new = || "(nuevo recurso)".to_string();
        check_not_future(AppealActKind::AppealFiled.as_str(), &at, &gcal, now)?;
        let filed = gcal.effective_date(&at)?;
        let gbook = self.books.in_force(DEFAULT_JURISDICTION, filed)?;
        let gclock = Clock::new(&gcal, gbook);
        let window = Window::of(&request, &rclock, &at).map_err(refused(request_folio))?;
        let appeal = Appeal::file(&gclock, filing, at, actor, window).map_err(refused(&new()))?;
        let record = self
            .store
            .create_case(
                NewCase {
                    body: body.to_string(),
                    kind: APPEAL_KIND.into(),
                    parent: Some(request_folio.to_string()),
                    calendar: calendar.to_string(),
                    rulebook: gbook.id.clone(),
                    folio: None,
                    folio_format: FolioFormat::appeals(),
                    sequence: None,
                    filed_on: filed,
                },
                vec![appeal_event(&appeal, 0, now)],
                appeal_projection(&appeal, &gclock)?,
            )
            .await?;
        self.show_appeal(&record.folio, None, now).await
    }

    /// Records an act on the appeal `folio`; conflicts as for requests.
    pub async fn act_appeal(
        &self,
        folio: &str,
        act: AppealAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let (mut appeal, (gcal, gbook)) = self.rebuild_appeal(&record, &log, None).await?;
        let gclock = Clock::new(&gcal, gbook);
        check_not_future(act.kind().as_str(), &at, &gcal, now)?;
        appeal
            .apply(&gclock, act, at, actor)
            .map_err(refused(folio))?;
        let event = appeal_event(&appeal, appeal.acts.len() - 1, now);
        self.store
            .append(
                &record,
                log.len() as i64,
                event,
                appeal_projection(&appeal, &gclock)?,
            )
            .await?;
        self.show_appeal(folio, None, now).await
    }

    /// An appeal with its request, every term of the appeal and its compliance, and its log.
    pub async fn show_appeal(
        &self,
        folio: &str,
        as_of: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let loaded = self.load_appeal(folio).await?;
        let rclock = Clock::new(&loaded.rcal, loaded.rbook);
        let gclock = Clock::new(&loaded.gcal, loaded.gbook);
        let as_of = as_of.unwrap_or_else(|| local_today(&loaded.gcal, now));
        self.appeal_detail(
            &loaded,
            &loaded.log,
            &loaded.appeal,
            &rclock,
            &gclock,
            as_of,
        )
    }

    /// An appeal rebuilt from storage, with the request it challenges.
    pub(super) async fn load_appeal(&self, folio: &str) -> Result<LoadedAppeal<'_>, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let parent = record
            .parent
            .clone()
            .ok_or_else(|| ServiceError::Unreadable {
                folio: folio.to_string(),
                message: "el recurso no está vinculado a una solicitud".into(),
            })?;
        let (prec, _, request, rcal, rbook) = self.load_request(&parent).await?;
        let (appeal, (gcal, gbook)) = self
            .rebuild_appeal(&record, &log, Some((&request, &Clock::new(&rcal, rbook))))
            .await?;
        Ok(LoadedAppeal {
            record,
            log,
            request_folio: prec.folio,
            request,
            rcal,
            rbook,
            appeal,
            gcal,
            gbook,
        })
    }

    /// The detail of `appeal` (the loaded one, or the same after an act not yet written,
    /// with its `log`): its request, every term of the appeal and its compliance on
    /// `as_of`, and the log.
    pub(super) fn appeal_detail(
        &self,
        loaded: &LoadedAppeal<'_>,
        log: &[StoredEvent],
        appeal: &Appeal,
        rclock: &Clock<'_>,
        gclock: &Clock<'_>,
        as_of: NaiveDate,
    ) -> Result<CaseDetail, ServiceError> {
        let folio = loaded.record.folio.as_str();
        let mut view = replay::view(&loaded.request, rclock, as_of).map_err(|error| {
            ServiceError::Refused {
                folio: loaded.request_folio.clone(),
                error,
            }
        })?;
        replay::add_appeal(&mut view, appeal, gclock).map_err(refused(folio))?;
        let mut deadlines = appeal.deadlines(gclock, as_of).map_err(refused(folio))?;
        // The forwarding is the UT's duty, counted on its calendar (art. 99.3).
        let forward = deadlines.remove(&TermId::ForwardToGuarantor);
        let mut timeline = timeline(deadlines.values(), gclock, as_of)?;
        if let Some(f) = forward {
            timeline.extend(super::timeline(std::iter::once(&f), rclock, as_of)?);
            timeline.sort_by_key(|t| (t.view.due, t.term));
        }
        Ok(CaseDetail {
            folio: folio.to_string(),
            body: loaded.record.body.clone(),
            calendar: loaded.record.calendar.clone(),
            parent: Some(loaded.request_folio.clone()),
            appeals: Vec::new(),
            view,
            timeline,
            log: log_entries(log),
        })
    }

    /// Appeals matching `filter`, with their state and next term on `as_of`.
    pub async fn list_appeals(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
    ) -> Result<Vec<AppealSummary>, ServiceError> {
        Ok(self.list_appeals_page(filter, as_of, overdue_only).await?.0)
    }

    /// [`Registry::list_appeals`] one page at a time, as [`Registry::list_page`].
    pub async fn list_appeals_page(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
    ) -> Result<(Vec<AppealSummary>, Option<String>), ServiceError> {
        self.kept_list(
            &self.appeal_lists,
            APPEAL_KIND,
            filter,
            as_of,
            overdue_only,
            None,
            self.read_appeals_page(filter, as_of, overdue_only),
        )
        .await
    }

    pub(super) async fn read_appeals_page(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        overdue_only: bool,
    ) -> Result<(Vec<AppealSummary>, Option<String>), ServiceError> {
        let mut sql = filter.clone();
        sql.kind = Some(APPEAL_KIND.into());
        sql.optional_from = Some(as_of);
        sql.states.clear();
        if overdue_only {
            sql.due_by = Some(sql.due_by.map_or(as_of, |d| d.min(as_of)));
        }
        if sql.due_by.is_some() {
            // An appeal that time has stopped owes nothing: the query need not read it.
            sql.skip_stopped_by = Some(as_of);
        }
        let mut out = Vec::new();
        let records = self.store.list_listed(&sql).await?;
        let next = super::next_cursor(&records, filter.limit);
        for listed in records {
            let gcal = self.calendar(&listed.calendar)?;
            let gbook = self.books.get(&listed.rulebook)?;
            let gclock = Clock::new(&gcal, gbook);
            let (state, agenda) = if listed.listing.written {
                let (state, agenda) = super::listing::listed_agenda(
                    &listed,
                    &gclock,
                    as_of,
                    filter.due_by,
                    overdue_only,
                )?;
                let state = AppealState::parse(&state).ok_or_else(|| ServiceError::Unreadable {
                    folio: listed.folio.clone(),
                    message: format!("estado «{state}» desconocido en las columnas de lista"),
                })?;
                (state, agenda)
            } else {
                // Written before the list columns: from the whole projection.
                let (record, _) = self.store.load(&listed.folio).await?;
                let appeal: Appeal = serde_json::from_value(record.projection.data.clone())
                    .map_err(|e| ServiceError::Unreadable {
                        folio: record.folio.clone(),
                        message: e.to_string(),
                    })?;
                let state = appeal
                    .state_on(&gclock, as_of)
                    .map_err(refused(&record.folio))?;
                let deadlines = appeal
                    .deadlines(&gclock, as_of)
                    .map_err(refused(&record.folio))?;
                let agenda = agenda(
                    deadlines.values(),
                    &gclock,
                    as_of,
                    filter.due_by,
                    overdue_only,
                )?;
                (state, agenda)
            };
            if !filter.states.is_empty() && !filter.states.iter().any(|s| s == state.as_str()) {
                continue;
            }
            let Some((next, overdue, overdue_due)) = agenda else {
                continue;
            };
            out.push(AppealSummary {
                folio: listed.folio.clone(),
                body: listed.body.clone(),
                request: listed.parent.clone(),
                state,
                filed: listed.filed_on,
                next,
                overdue,
                overdue_due,
            });
        }
        Ok((out, next))
    }

    /// The fresh projection and log of an appeal, for `verify`.
    pub(super) async fn rebuild_appeal_projection(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
    ) -> Result<(Projection, Vec<NewEvent>), ServiceError> {
        let (appeal, (gcal, gbook)) = self.rebuild_appeal(record, log, None).await?;
        let gclock = Clock::new(&gcal, gbook);
        let events = (0..appeal.acts.len())
            .map(|i| {
                appeal_event(
                    &appeal,
                    i,
                    log.get(i).map_or_else(Utc::now, |e| e.event.recorded_at),
                )
            })
            .collect();
        Ok((appeal_projection(&appeal, &gclock)?, events))
    }

    /// Stores the appeal of an imported history, linked to its request.
    pub(super) async fn import_appeal(
        &self,
        appeal: &Appeal,
        gclock: &Clock<'_>,
        calendar: &str,
        body: &str,
        request_folio: &str,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, ServiceError> {
        let events = (0..appeal.acts.len())
            .map(|i| appeal_event(appeal, i, now))
            .collect();
        Ok(self
            .store
            .create_case(
                NewCase {
                    body: body.to_string(),
                    kind: APPEAL_KIND.into(),
                    parent: Some(request_folio.to_string()),
                    calendar: calendar.to_string(),
                    rulebook: appeal.rulebook.clone(),
                    folio: None,
                    folio_format: FolioFormat::appeals(),
                    sequence: None,
                    filed_on: appeal.filed.effective,
                },
                events,
                appeal_projection(appeal, gclock)?,
            )
            .await?)
    }
}
