//! The registry's security breaches (arts. 38–43): detected, acted on, shown and verified
//! like the other cases. A breach is its own case (kind `breach`) of the responsable's
//! body, on its calendar, with a folio sequence of its own per body and year
//! (`{body}-VS-{year}-{seq:05}`), apart from the body's requests.
//!
//! The notice terms fall due at an instant (72 natural hours, art. 40); the `deadlines`
//! table holds due dates and its readers (lists, nightly alerts) know only requests and
//! appeals, so a breach writes no rows there: its terms are in its projection and
//! [`Registry::show_breach`] computes them at the moment asked. The hourly alerts and the
//! lists of breaches are the next step's (see `docs/breaches.md`).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use serde::Serialize;

use super::{
    LogEntry, ReportScope, ServiceError, check_not_future, log_entries, log_event, parse_log,
};
use crate::accounts::Principal;
use crate::breach::replay::BreachHistory;
use crate::breach::{
    BitacoraEntry, Breach, BreachAct, BreachActKind, BreachDeadline, BreachError, BreachState,
};
use crate::calendar::Moment;
use crate::case::{Actor, Clock, Role, TimeChange};
use crate::request::replay::DEFAULT_JURISDICTION;
use crate::storage::{CaseRecord, FolioFormat, NewCase, NewEvent, Projection, Store, StoredEvent};

/// The kind of a security-breach case in storage.
pub const BREACH_KIND: &str = "breach";

/// The folio sequence of `body`'s breaches (a row of `folio_counters` per year).
pub fn breach_sequence(body: &str) -> String {
    format!("{body}#{BREACH_KIND}")
}

/// A breach as shown: its projection, its notice terms at the moment asked, its line of
/// the bitácora (art. 39), the acts a role may record next, and its log.
#[derive(Debug, Clone, Serialize)]
pub struct BreachDetail {
    pub folio: String,
    pub body: String,
    pub calendar: String,
    pub state: BreachState,
    pub state_label: &'static str,
    pub as_of: DateTime<FixedOffset>,
    pub deadlines: Vec<BreachDeadline>,
    pub bitacora: BitacoraEntry,
    pub breach: Breach,
    pub log: Vec<LogEntry>,
}

/// The breaches a caller may read (and so count in the bitácora): the bodies of
/// [`ReportScope::of`] (a body's staff, head, Comité and auditor: their own body; a
/// guarantor: the bodies it supervises; an administrator: every body), and for a
/// guarantor only the breaches notified to it ([`Breach::notified_to_guarantor`], arts.
/// 40 and 43).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachScope {
    pub bodies: ReportScope,
    pub notified_only: bool,
}

impl BreachScope {
    /// What `who` may read, narrowed to the body `asked` if given.
    pub fn of(who: &Principal, asked: Option<&str>) -> Result<BreachScope, ServiceError> {
        Ok(BreachScope {
            bodies: ReportScope::of(who, asked)?,
            notified_only: who.role() == Role::Guarantor,
        })
    }

    /// Every breach of the install, or of one body (the command line's).
    pub fn everything(body: Option<&str>) -> BreachScope {
        BreachScope {
            bodies: match body.map(str::trim).filter(|b| !b.is_empty()) {
                Some(b) => ReportScope::Bodies(vec![b.to_string()]),
                None => ReportScope::All,
            },
            notified_only: false,
        }
    }

    /// Whether the breach `breach` of `body` is in the scope.
    pub fn includes(&self, body: &str, breach: &Breach) -> bool {
        self.bodies.includes(body) && (!self.notified_only || breach.notified_to_guarantor())
    }
}

/// A line of the bitácora (art. 39) with the breach it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BitacoraLine {
    pub folio: String,
    pub body: String,
    /// The instant the 72 hours of art. 40 run out (after the confirmation).
    pub notice_due: Option<DateTime<FixedOffset>>,
    #[serde(flatten)]
    pub entry: BitacoraEntry,
}

/// The dates of detection a bitácora covers, both included; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetectionPeriod {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DetectionPeriod {
    /// Every breach: from the first to the last date every backend stores.
    pub const ALL: DetectionPeriod = DetectionPeriod {
        from: None,
        to: None,
    };

    /// The period's first and last dates, an open end taken as the furthest date every
    /// backend stores (no breach is detected outside them).
    pub fn bounds(self) -> Result<(NaiveDate, NaiveDate), ServiceError> {
        let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
        let (from, to) = (self.from.unwrap_or(first), self.to.unwrap_or(last));
        if from > to {
            return Err(ServiceError::BadInput(format!(
                "el periodo empieza el {from} y termina antes, el {to}"
            )));
        }
        Ok((from, to))
    }
}

fn refused(folio: &str) -> impl Fn(BreachError) -> ServiceError + '_ {
    move |error| ServiceError::BreachRefused {
        folio: folio.to_string(),
        error,
    }
}

/// The log entry of the breach's `i`-th act; its effective date is the act's own date
/// on the calendar's clock (a term in hours does not move to a business day).
fn breach_event(breach: &Breach, clock: &Clock, i: usize, recorded_at: DateTime<Utc>) -> NewEvent {
    let a = &breach.acts[i];
    let date = clock
        .calendar
        .instant(&a.at)
        .map(|t| t.date_naive())
        .unwrap_or_else(|_| a.at.local(clock.calendar.timezone()).0);
    log_event(
        a.act.kind().as_str(),
        serde_json::to_value(&a.act),
        &a.actor,
        &a.at,
        (date, a.late),
        &breach.rulebook,
        recorded_at,
    )
}

fn breach_projection(breach: &Breach) -> Result<Projection, ServiceError> {
    Ok(Projection {
        state: breach.state.as_str().to_string(),
        data: serde_json::to_value(breach).map_err(|e| ServiceError::Unreadable {
            folio: String::new(),
            message: e.to_string(),
        })?,
        // Terms due at an instant are not rows of `deadlines` (see the module comment).
        deadlines: Vec::new(),
        listing: super::listing::listing(
            None,
            None::<TimeChange<BreachState>>,
            BreachState::as_str,
        ),
    })
}

impl<S: Store> super::Registry<S> {
    /// Rebuilds a breach from its log, with its clock's calendar and rulebook.
    fn rebuild_breach(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
    ) -> Result<(Breach, std::sync::Arc<crate::calendar::Calendar>), ServiceError> {
        if record.kind != BREACH_KIND {
            return Err(ServiceError::Unreadable {
                folio: record.folio.clone(),
                message: format!(
                    "es un expediente de tipo «{}», no una vulneración de seguridad",
                    record.kind
                ),
            });
        }
        let cal = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let acts: Vec<(BreachAct, Moment, Actor)> = parse_log(record, log)?;
        let breach = Breach::rebuild(&clock, acts.iter().map(|(a, m, p)| (a, *m, p))).map_err(
            |(i, error)| ServiceError::Unreadable {
                folio: record.folio.clone(),
                message: format!("acto {}: {error}", i + 1),
            },
        )?;
        Ok((breach, cal))
    }

    /// Enters a breach of `body`, counted on `calendar`, by its detection (art. 39).
    pub async fn detect_breach(
        &self,
        body: &str,
        calendar: &str,
        detection: BreachAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        let cal = self.calendar(calendar)?;
        check_not_future(BreachActKind::BreachDetected.as_str(), &at, &cal, now)?;
        let new = "(nueva vulneración)";
        let day = cal.instant(&at)?.date_naive();
        let book = self.books.in_force(DEFAULT_JURISDICTION, day)?;
        let clock = Clock::new(&cal, book);
        let breach = Breach::detect(&clock, detection, at, actor).map_err(refused(new))?;
        let record = self
            .store
            .create_case(
                NewCase {
                    body: body.to_string(),
                    kind: BREACH_KIND.into(),
                    parent: None,
                    calendar: calendar.to_string(),
                    rulebook: book.id.clone(),
                    folio: None,
                    folio_format: FolioFormat::breaches(),
                    sequence: Some(breach_sequence(body)),
                    filed_on: day,
                },
                vec![breach_event(&breach, &clock, 0, now)],
                breach_projection(&breach)?,
            )
            .await?;
        self.show_breach(&record.folio, None, now).await
    }

    /// Records an act on the breach `folio`; a write that lost the race to another fails
    /// with a conflict, as for requests.
    pub async fn act_breach(
        &self,
        folio: &str,
        act: BreachAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let (mut breach, cal) = self.rebuild_breach(&record, &log)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        check_not_future(act.kind().as_str(), &at, &cal, now)?;
        breach
            .apply(&clock, act, at, actor)
            .map_err(refused(folio))?;
        let event = breach_event(&breach, &clock, breach.acts.len() - 1, now);
        self.store
            .append(
                &record,
                log.len() as i64,
                event,
                breach_projection(&breach)?,
            )
            .await?;
        self.show_breach(folio, None, now).await
    }

    /// A breach with its notice terms at `as_of` (default: `now`), its bitácora line and
    /// its log.
    pub async fn show_breach(
        &self,
        folio: &str,
        as_of: Option<DateTime<FixedOffset>>,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let (breach, cal) = self.rebuild_breach(&record, &log)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        // On the calendar's clock, as the terms are shown.
        let as_of = as_of.unwrap_or_else(|| now.fixed_offset());
        let local = as_of.with_timezone(&cal.timezone());
        let as_of = local.with_timezone(&local.offset().fix());
        Ok(BreachDetail {
            folio: record.folio.clone(),
            body: record.body.clone(),
            calendar: record.calendar.clone(),
            state: breach.state,
            state_label: breach.state.label_es(),
            as_of,
            deadlines: breach.deadlines(&clock, as_of).map_err(refused(folio))?,
            bitacora: breach.bitacora(),
            breach,
            log: log_entries(&log),
        })
    }

    /// The kinds of act `role` may record on the breach `folio` at `at`.
    pub async fn allowed_breach_acts(
        &self,
        folio: &str,
        role: Role,
        at: Moment,
    ) -> Result<Vec<BreachActKind>, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        let (breach, cal) = self.rebuild_breach(&record, &log)?;
        let book = self.books.get(&record.rulebook)?;
        Ok(breach.allowed_acts(&Clock::new(&cal, book), role, at))
    }

    /// Checks a breach's history (another system's, or an earlier arco's) and stores it as
    /// a new case of `body`, with the next folio of its sequence, in one transaction.
    pub async fn import_breach(
        &self,
        history: &BreachHistory,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<CaseRecord, ServiceError> {
        let cal = self.calendar(&history.calendar)?;
        let replay_error =
            |e: crate::breach::replay::BreachReplayError| ServiceError::BadInput(e.to_string());
        let events = history.parsed_events().map_err(replay_error)?;
        let book = history
            .rulebook(&self.books, &cal, &events)
            .map_err(replay_error)?;
        let clock = Clock::new(&cal, book);
        let breach = crate::breach::replay::build(&clock, &events, now).map_err(replay_error)?;
        let day = breach.detected.date();
        let log = (0..breach.acts.len())
            .map(|i| breach_event(&breach, &clock, i, now))
            .collect();
        Ok(self
            .store
            .create_case(
                NewCase {
                    body: body.to_string(),
                    kind: BREACH_KIND.into(),
                    parent: None,
                    calendar: history.calendar.clone(),
                    rulebook: book.id.clone(),
                    folio: None,
                    folio_format: FolioFormat::breaches(),
                    sequence: Some(breach_sequence(body)),
                    filed_on: day,
                },
                log,
                breach_projection(&breach)?,
            )
            .await?)
    }

    /// The fresh projection and log of a breach, for `verify`.
    pub(super) fn rebuild_breach_projection(
        &self,
        record: &CaseRecord,
        log: &[StoredEvent],
    ) -> Result<(Projection, Vec<NewEvent>), ServiceError> {
        let (breach, cal) = self.rebuild_breach(record, log)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let events = (0..breach.acts.len())
            .map(|i| {
                breach_event(
                    &breach,
                    &clock,
                    i,
                    log.get(i).map_or_else(Utc::now, |e| e.event.recorded_at),
                )
            })
            .collect();
        Ok((breach_projection(&breach)?, events))
    }

    /// The bitácora of art. 39: one line per breach of `scope` detected in `period`, in
    /// folio order, each derived from the breach's projection (its log replayed, which
    /// `arco verify` checks). Breaches are few (a handful a year per body): the lines are
    /// gathered whole, reading the store a page at a time.
    pub async fn breach_bitacora(
        &self,
        scope: &BreachScope,
        period: DetectionPeriod,
    ) -> Result<Vec<BitacoraLine>, ServiceError> {
        let (from, to) = period.bounds()?;
        let bodies = match &scope.bodies {
            ReportScope::All => None,
            ReportScope::Bodies(b) => Some(b.as_slice()),
        };
        let mut lines = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .store
                .report_cases(BREACH_KIND, bodies, from, to, after, self.report_page)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let full = page.len() >= self.report_page as usize;
            for case in page {
                let breach: Breach =
                    serde_json::from_str(&case.data).map_err(|e| ServiceError::Unreadable {
                        folio: case.folio.clone(),
                        message: e.to_string(),
                    })?;
                if scope.includes(&case.body, &breach) {
                    lines.push(BitacoraLine {
                        notice_due: breach.confirmation.as_ref().map(|c| c.notice_due),
                        entry: breach.bitacora(),
                        folio: case.folio,
                        body: case.body,
                    });
                }
            }
            if !full {
                break;
            }
        }
        lines.sort_by(|a, b| a.folio.cmp(&b.folio));
        Ok(lines)
    }
}
