//! Deadline alerts: nobody should miss a term (art. 146 makes missing one an offence).
//!
//! A run finds every open duty whose due date has crossed an alert threshold (by default 3
//! and 1 business days before, the due day, and overdue), writes one alert per recipient
//! into the outbox **before** sending anything, then sends one digest per recipient with
//! every pending alert of theirs, most urgent first, and marks those alerts sent as soon as
//! the server accepts the message.
//!
//! - **Never twice.** An alert is keyed by case, term, due date, threshold and recipient; a
//!   rerun finds the keys already there and sends nothing new. A night that was missed is
//!   caught up once: only the most urgent threshold crossed is written. A due date that
//!   moves (an extension, a calendar change) makes a new key, so the term is alerted once
//!   for its new date, and unsent alerts for the old date are superseded.
//! - **Never lost.** Temporary failures (4xx replies, the server going away) are retried
//!   with a doubling backoff, then left pending for the next run; permanent failures (5xx)
//!   are recorded on the alerts and not retried.
//! - **The one window.** If the process dies after the server accepted a message and
//!   before the alerts are marked sent (one `UPDATE`, right after the acceptance), the next
//!   run sends that digest again: at least once, never lost. The window is the time of
//!   that single statement.
//!
//! Who hears about what: the terms of a Unidad de Transparencia or a responsable go to the
//! body's UT staff and UT head and to the staff member in charge (who filed the case); the
//! Comité's (`resolution`) to its secretary; the guarantor's to the guarantor's staff;
//! the superior's to the UT head. The titular's own terms (a prevention's reply, the appeal
//! window) go to the titular only when `titular_alerts` is on (off by default) and the
//! titular gave an address for it (kept apart from the log, erasable). Optional terms of
//! the bodies (a power such as a prevention) are not alerted.

pub mod breach;
pub mod config;
pub mod mail;
pub mod social;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use askama::Template;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use config::AlertConfig;
pub use mail::{Mailer, Outgoing, SendError, valid_address};

use crate::calendar::rule::weekday_es;
use crate::rules::{Actor as TermActor, TermId};
use crate::service::{Registry, ServiceError, days_left};
use crate::storage::{OutboxItem, OutboxRow, SocialStore, Store};

/// How far back (calendar days) a dry run looks for alerts already written.
const LOOKBACK_DAYS: i64 = 400;

/// What an alert shows, kept in the outbox with it (no personal data of the titular).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertItem {
    pub folio: String,
    pub kind: String,
    pub body: String,
    pub calendar: String,
    pub term: TermId,
    pub term_name: String,
    pub article: String,
    pub due: NaiveDate,
    /// For a term due at an instant (a breach's notices, art. 40): that instant, on the
    /// calendar's clock; `due` is its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<chrono::FixedOffset>>,
}

/// The most urgent threshold crossed by a term `days_left` business days from its due
/// date (negative: overdue), if any.
pub fn crossed(thresholds: &[i32], days_left: i64) -> Option<i32> {
    thresholds
        .iter()
        .copied()
        .filter(|&t| {
            if t < 0 {
                days_left < 0
            } else {
                days_left <= i64::from(t)
            }
        })
        .min()
}

/// The last due date that can cross a threshold on `as_of`: the largest threshold counted
/// on each calendar in use.
pub async fn horizon<S: Store>(
    registry: &Registry<S>,
    config: &AlertConfig,
    as_of: NaiveDate,
) -> Result<NaiveDate, ServiceError> {
    let most = TermId::ALL
        .iter()
        .flat_map(|t| config.thresholds_for(*t))
        .max()
        .unwrap_or(0)
        .max(0) as u32;
    let mut by = as_of;
    for name in registry.store().calendars().await? {
        by = by.max(registry.calendar(&name)?.add_business_days(as_of, most)?);
    }
    Ok(by)
}

/// An alert planned on `as_of`: what it shows (shared by its recipients), its threshold
/// and one recipient.
#[derive(Debug, Clone)]
pub struct Planned {
    pub item: Arc<AlertItem>,
    pub threshold: i32,
    pub recipient: Arc<str>,
}

impl Planned {
    /// As the outbox keeps it.
    fn to_outbox(&self) -> OutboxItem {
        OutboxItem {
            folio: self.item.folio.clone(),
            term: self.item.term,
            due: self.item.due,
            threshold: self.threshold,
            recipient: self.recipient.to_string(),
            item: serde_json::to_value(&*self.item).unwrap_or_default(),
        }
    }
}

/// The alerts due on `as_of`: one per open duty that crossed a threshold, and recipient.
pub async fn plan<S: Store + SocialStore>(
    registry: &Registry<S>,
    config: &AlertConfig,
    as_of: NaiveDate,
) -> Result<Vec<Planned>, ServiceError> {
    let rows = registry
        .store()
        .due_rows(horizon(registry, config, as_of).await?, as_of)
        .await?;
    let mut out = Vec::new();
    let mut thresholds: BTreeMap<TermId, Vec<i32>> = BTreeMap::new();
    let mut bodies: BTreeMap<String, config::RoleAddresses> = BTreeMap::new();
    // Each address once in memory, however many alerts go to it.
    let mut addresses_seen: HashMap<String, Arc<str>> = HashMap::new();
    let mut intern = |a: &str| -> Arc<str> {
        if let Some(v) = addresses_seen.get(a) {
            return v.clone();
        }
        let v: Arc<str> = Arc::from(a);
        addresses_seen.insert(a.to_string(), v.clone());
        v
    };
    let mut calendars: HashMap<String, Arc<crate::calendar::Calendar>> = HashMap::new();
    let gestores = social::publication_gestores(registry).await?;
    for row in rows {
        // The extension's row mirrors the resolution's (same due date): alert once.
        if row.term == TermId::ResolutionExtension {
            continue;
        }
        let book = registry.rulebooks().get(&row.rulebook)?;
        let Some(term) = book.term(row.term) else {
            continue;
        };
        // Powers are not alerted; the titular's appeal window is, to the titular.
        if row.optional && term.actor != TermActor::Titular {
            continue;
        }
        let cal = match calendars.get(&row.calendar) {
            Some(c) => c.clone(),
            None => {
                let c = registry.calendar(&row.calendar)?;
                calendars.insert(row.calendar.clone(), c.clone());
                c
            }
        };
        let left = days_left(&cal, as_of, row.due)?;
        let levels = thresholds
            .entry(row.term)
            .or_insert_with(|| config.thresholds_for(row.term));
        let Some(threshold) = crossed(levels, left) else {
            continue;
        };
        if !bodies.contains_key(&row.body) {
            bodies.insert(row.body.clone(), config.addresses(&row.body));
        }
        let addresses = &bodies[&row.body];
        let mut to: Vec<&str> = match term.actor {
            TermActor::Unit | TermActor::Responsable => addresses
                .unit
                .iter()
                .chain(&addresses.unit_head)
                .chain(config.staff.get(&row.in_charge))
                .map(String::as_str)
                .collect(),
            TermActor::Committee => addresses.committee.iter().map(String::as_str).collect(),
            TermActor::Guarantor => addresses.guarantor.iter().map(String::as_str).collect(),
            TermActor::Superior => addresses.unit_head.iter().map(String::as_str).collect(),
            TermActor::Titular => match (&row.titular, config.titular_alerts) {
                (Some(email), true) => vec![email.as_str()],
                _ => continue,
            },
            TermActor::Parties => continue,
        };
        // A request about a post: its gestores make the right effective on the account.
        if row.term == TermId::Fulfilment
            && let Some(g) = gestores.get(&row.folio)
        {
            to.extend(g.iter().map(String::as_str));
        }
        to.sort_unstable();
        to.dedup();
        let recipients: Vec<Arc<str>> = to.into_iter().map(&mut intern).collect();
        let item = Arc::new(AlertItem {
            folio: row.folio,
            kind: row.kind,
            body: row.body,
            calendar: row.calendar,
            term: row.term,
            term_name: term.name.clone(),
            article: row.article,
            due: row.due,
            due_at: None,
        });
        for recipient in recipients {
            out.push(Planned {
                item: item.clone(),
                threshold,
                recipient,
            });
        }
    }
    Ok(out)
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    pub folio: String,
    pub kind: String,
    pub body: String,
    pub term_name: String,
    pub article: String,
    pub due: String,
    pub days_left: i64,
    pub when: String,
    pub urgent: bool,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "alerts/digest.txt")]
struct DigestText<'a> {
    as_of: NaiveDate,
    count: usize,
    items: &'a [ItemView],
}

#[derive(Template)]
#[template(path = "alerts/digest.html")]
struct DigestHtml<'a> {
    as_of: NaiveDate,
    count: usize,
    items: &'a [ItemView],
}

#[derive(Template)]
#[template(path = "alerts/digest_subject.txt")]
struct DigestSubject {
    as_of: NaiveDate,
    count: usize,
    overdue: usize,
}

fn when_es(days_left: i64) -> String {
    match days_left {
        0 => "Vence hoy".into(),
        1 => "Vence el siguiente día hábil".into(),
        n if n > 1 => format!("Vence en {n} días hábiles"),
        -1 => "Venció hace 1 día hábil".into(),
        n => format!("Venció hace {} días hábiles", -n),
    }
}

/// The digest of one recipient on `as_of`, most urgent first.
pub fn compose<S: Store>(
    registry: &Registry<S>,
    config: &AlertConfig,
    recipient: &str,
    alerts: &[&AlertItem],
    as_of: NaiveDate,
) -> Result<Outgoing, ServiceError> {
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(alerts.len());
    let mut calendars: HashMap<&str, Arc<crate::calendar::Calendar>> = HashMap::new();
    // Many lines share a calendar and a due date: count the days, and write the date,
    // once for each.
    let mut counted: HashMap<(&str, NaiveDate), (i64, String, String)> = HashMap::new();
    for a in alerts {
        // Two thresholds of one term pending at once (a missed run): one line.
        if !seen.insert((a.folio.as_str(), a.term, a.due)) {
            continue;
        }
        let (left, due, when) = match counted.get(&(a.calendar.as_str(), a.due)) {
            Some(c) => c.clone(),
            None => {
                let cal = match calendars.get(a.calendar.as_str()) {
                    Some(c) => c.clone(),
                    None => {
                        let c = registry.calendar(&a.calendar)?;
                        calendars.insert(a.calendar.as_str(), c.clone());
                        c
                    }
                };
                let left = days_left(&cal, as_of, a.due)?;
                let c = (
                    left,
                    format!("{} ({})", a.due, weekday_es(a.due.weekday())),
                    when_es(left),
                );
                counted.insert((a.calendar.as_str(), a.due), c.clone());
                c
            }
        };
        items.push(ItemView {
            link: config
                .base_url
                .as_ref()
                .map(|b| format!("{}/casos/{}", b.trim_end_matches('/'), a.folio)),
            kind: if a.kind == "appeal" {
                "Recurso de revisión".into()
            } else {
                "Solicitud ARCO".into()
            },
            folio: a.folio.clone(),
            body: a.body.clone(),
            term_name: a.term_name.clone(),
            article: a.article.clone(),
            due,
            days_left: left,
            when,
            urgent: left <= 0,
        });
    }
    items.sort_by(|a, b| a.days_left.cmp(&b.days_left).then(a.folio.cmp(&b.folio)));
    let count = items.len();
    let overdue = items.iter().filter(|i| i.days_left < 0).count();
    let render =
        |r: Result<String, askama::Error>| r.map_err(|e| ServiceError::Template(e.to_string()));
    Ok(Outgoing {
        to: recipient.to_string(),
        subject: render(
            DigestSubject {
                as_of,
                count,
                overdue,
            }
            .render(),
        )?
        .trim()
        .to_string(),
        text: render(
            DigestText {
                as_of,
                count,
                items: &items,
            }
            .render(),
        )?,
        html: render(
            DigestHtml {
                as_of,
                count,
                items: &items,
            }
            .render(),
        )?,
    })
}

/// What happened to one digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub recipient: String,
    pub alerts: usize,
    /// `sent`, `retry` (temporary failure: left pending), `failed` (permanent), or
    /// `preview` (dry run).
    pub status: String,
    pub error: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub as_of: NaiveDate,
    pub dry_run: bool,
    /// Alerts due now (before removing those already in the outbox).
    pub due: usize,
    /// Alerts new in this run.
    pub new: usize,
    pub deliveries: Vec<Delivery>,
    /// The messages (dry runs only).
    #[serde(skip)]
    pub previews: Vec<Outgoing>,
}

/// Runs the alerts of `as_of`: plan, write the outbox, send one digest per recipient;
/// then the reminders to change an account's passwords ([`social`]), in a message of
/// their own.
/// A dry run writes and sends nothing, and returns the messages it would send.
pub async fn run<S: Store + SocialStore>(
    registry: &Registry<S>,
    config: &AlertConfig,
    mailer: &Mailer,
    as_of: NaiveDate,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<RunReport, ServiceError> {
    let planned = plan(registry, config, as_of).await?;
    let mut report = deliver(
        registry,
        config,
        mailer,
        planned,
        Lane::Days,
        as_of,
        now,
        dry_run,
        |recipient, items| compose(registry, config, recipient, items, as_of),
    )
    .await?;
    let rotations = social::run_rotations(registry, config, mailer, as_of, now, dry_run).await?;
    report.due += rotations.due;
    report.new += rotations.new;
    report.deliveries.extend(rotations.deliveries);
    report.previews.extend(rotations.previews);
    Ok(report)
}

/// Which alerts of the outbox a run sends: the nightly run's terms in days, or the breach
/// ticks' terms in hours. The two never send each other's alerts, so a night and a tick
/// running at once in two processes do not send one alert twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lane {
    Days,
    Breaches,
    /// The reminders to change an account's passwords (nightly, in a message of their
    /// own).
    Rotations,
}

impl Lane {
    fn holds(self, term: TermId) -> bool {
        self == match term {
            TermId::BreachNotice => Lane::Breaches,
            TermId::PasswordRotation => Lane::Rotations,
            _ => Lane::Days,
        }
    }
}

/// Writes `planned` into the outbox (a dry run: only looks), then sends each recipient of
/// the lane's pending alerts one message composed by `compose`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn deliver<S: Store>(
    registry: &Registry<S>,
    config: &AlertConfig,
    mailer: &Mailer,
    planned: Vec<Planned>,
    lane: Lane,
    as_of: NaiveDate,
    now: DateTime<Utc>,
    dry_run: bool,
    compose: impl Fn(&str, &[&AlertItem]) -> Result<Outgoing, ServiceError>,
) -> Result<RunReport, ServiceError> {
    let due = planned.len();
    let store = registry.store();
    // What each recipient's digest holds: the outbox's pending alerts (their ids, and what
    // they show when it can be read) and, in a dry run, the new ones not yet written.
    let stored = |rows: Vec<OutboxRow>| -> Vec<(i64, Arc<str>, Option<Arc<AlertItem>>)> {
        rows.into_iter()
            .filter(|r| lane.holds(r.item.term))
            .map(|r| {
                let item = AlertItem::deserialize(&r.item.item).ok().map(Arc::new);
                (r.id, Arc::from(r.item.recipient), item)
            })
            .collect()
    };
    let (new, pending) = if dry_run {
        let known: HashSet<crate::storage::AlertKey> = store
            .outbox_keys(as_of - Duration::days(LOOKBACK_DAYS))
            .await?
            .into_iter()
            .collect();
        let mut pending = stored(store.outbox_pending().await?);
        let before = pending.len();
        pending.extend(
            planned
                .into_iter()
                .filter(|p| {
                    known.is_empty()
                        || !known.contains(&(
                            p.item.folio.clone(),
                            p.item.term,
                            p.item.due,
                            p.threshold,
                            p.recipient.to_string(),
                        ))
                })
                .map(|p| (0, p.recipient, Some(p.item))),
        );
        (pending.len() - before, pending)
    } else {
        let rows: Vec<OutboxItem> = planned.iter().map(Planned::to_outbox).collect();
        let new = store.outbox_add(rows, now).await?;
        (new, stored(store.outbox_pending().await?))
    };

    let mut by_recipient: BTreeMap<&str, (Vec<i64>, Vec<&AlertItem>)> = BTreeMap::new();
    for (id, recipient, item) in &pending {
        let entry = by_recipient.entry(recipient).or_default();
        entry.0.push(*id);
        entry.1.extend(item.as_deref());
    }
    let mut report = RunReport {
        as_of,
        dry_run,
        due,
        new,
        deliveries: Vec::new(),
        previews: Vec::new(),
    };
    let pause = StdDuration::from_secs_f64(1.0 / config.smtp.per_second);
    for (i, (recipient, (ids, items))) in by_recipient.into_iter().enumerate() {
        let message = compose(recipient, &items)?;
        if dry_run {
            report.deliveries.push(Delivery {
                recipient: recipient.to_string(),
                alerts: ids.len(),
                status: "preview".into(),
                error: None,
            });
            report.previews.push(message);
            continue;
        }
        if i > 0 {
            tokio::time::sleep(pause).await;
        }
        let (status, error) = match send_with_retries(mailer, config, &message).await {
            Ok(()) => {
                store.outbox_sent(&ids, Utc::now()).await?;
                ("sent", None)
            }
            Err(e) => {
                store.outbox_failed(&ids, &e.message, !e.transient).await?;
                (
                    if e.transient { "retry" } else { "failed" },
                    Some(e.message),
                )
            }
        };
        report.deliveries.push(Delivery {
            recipient: recipient.to_string(),
            alerts: ids.len(),
            status: status.into(),
            error,
        });
    }
    Ok(report)
}

async fn send_with_retries(
    mailer: &Mailer,
    config: &AlertConfig,
    m: &Outgoing,
) -> Result<(), SendError> {
    let mut wait = StdDuration::from_millis(config.smtp.backoff_ms);
    let attempts = config.smtp.attempts.max(1);
    let mut last = None;
    for attempt in 1..=attempts {
        match mailer.send(&config.from, m).await {
            Ok(()) => return Ok(()),
            Err(e) if e.transient && attempt < attempts => {
                last = Some(e);
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or(SendError {
        transient: true,
        message: "sin intentos".into(),
    }))
}

/// The nightly job: on `now`, if the configured time of today has passed and no daemon
/// has run today's night yet, claim it and run. Returns the report when it ran.
pub async fn nightly<S: Store + SocialStore>(
    registry: &Registry<S>,
    config: &AlertConfig,
    mailer: &Mailer,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Option<RunReport>, ServiceError> {
    let local = now.with_timezone(&chrono_tz::America::Mexico_City);
    let night = local.date_naive();
    if local.time() < config.nightly_at {
        return Ok(None);
    }
    if !registry.store().claim_night(night, holder, now).await? {
        return Ok(None);
    }
    let report = run(registry, config, mailer, night, now, false).await?;
    registry.store().finish_night(night, Utc::now()).await?;
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_urgent_threshold_crossed() {
        let t = [3, 1, 0, -1];
        assert_eq!(crossed(&t, 5), None);
        assert_eq!(crossed(&t, 3), Some(3));
        assert_eq!(crossed(&t, 2), Some(3));
        assert_eq!(crossed(&t, 1), Some(1));
        assert_eq!(crossed(&t, 0), Some(0));
        assert_eq!(crossed(&t, -4), Some(-1));
        // Without an overdue threshold, the due-day alert is the last one.
        assert_eq!(crossed(&[3, 0], -2), Some(0));
    }
}
