//! Alerts for a security breach's notices (art. 40): the responsable has 72 natural hours
//! from the confirmation to notify the titulares and the guarantor, a term due at an
//! instant that cannot wait for the nightly run.
//!
//! A **tick** (every `breach_every_minutes`, the hour by default) reads the open breaches,
//! and for each one whose notices are still owed finds the most urgent threshold crossed
//! (`breach_thresholds_hours`: by default 72 — at confirmation —, 24, 6 and 1 hours
//! before, and overdue). It writes one alert per recipient into the same outbox as the
//! nightly run, keyed by breach, term, due date, threshold and recipient, **before**
//! sending anything, then sends one message per recipient with their pending breach
//! alerts and marks them sent as soon as the server accepts it: never lost, never twice.
//! A tick is claimed once across every process on the database (`alert_ticks`), as the
//! nightly run claims its night; the nightly run leaves the breach alerts to the ticks.
//!
//! Who hears: the body's UT staff and head, and the staff member who recorded the
//! detection (the notices are the responsable's duty, arts. 40–41). A breach whose analysis
//! found no significant affectation owes no notice and is not alerted. Breaches are few
//! (a handful a year per body): a tick reads them all, a page at a time, and keeps only
//! what it alerts.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use serde::Serialize;

use super::{AlertConfig, AlertItem, Lane, Mailer, Outgoing, Planned, RunReport, crossed, deliver};
use crate::breach::{Breach, Recipient};
use crate::calendar::rule::weekday_es;
use crate::case::{Clock, DeadlineStatus};
use crate::rules::TermId;
use crate::service::{BREACH_KIND, Registry, ServiceError};
use crate::storage::Store;

/// Cases read from the store at a time.
const PAGE: u32 = 2_000;

/// Hours from `now` to `due`, rounded away from the instant: 1 means due within the next
/// hour, 0 due now, -1 overdue by up to an hour.
pub fn hours_left(due: DateTime<FixedOffset>, now: DateTime<Utc>) -> i64 {
    let seconds = (due.with_timezone(&Utc) - now).num_seconds();
    if seconds >= 0 {
        (seconds + 3_599) / 3_600
    } else {
        -((-seconds + 3_599) / 3_600)
    }
}

/// The tick `now` falls in: its kind and the UTC start of its slot of
/// `breach_every_minutes`, e.g. `breach:2026-12-03T14:00Z`.
pub fn tick_of(config: &AlertConfig, now: DateTime<Utc>) -> String {
    let every = config.breach_every_minutes.clamp(1, 60);
    let minute = now.minute() - now.minute() % every;
    format!("breach:{}T{:02}:{minute:02}Z", now.date_naive(), now.hour())
}

/// The breach alerts due at `now`: for each open breach whose notices are owed, the most
/// urgent threshold crossed, one per recipient.
pub async fn plan_breaches<S: Store>(
    registry: &Registry<S>,
    config: &AlertConfig,
    now: DateTime<Utc>,
) -> Result<Vec<Planned>, ServiceError> {
    let thresholds = config.breach_thresholds();
    let (first, last) = crate::service::DetectionPeriod::ALL.bounds()?;
    let mut calendars: HashMap<String, Arc<crate::calendar::Calendar>> = HashMap::new();
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = registry
            .store()
            .report_cases(BREACH_KIND, None, first, last, after, PAGE)
            .await?;
        let Some(end) = page.last() else { break };
        after = end.id;
        let full = page.len() >= PAGE as usize;
        for case in page {
            let breach: Breach =
                serde_json::from_str(&case.data).map_err(|e| ServiceError::Unreadable {
                    folio: case.folio.clone(),
                    message: e.to_string(),
                })?;
            if breach.state.is_final() {
                continue;
            }
            let cal = match calendars.get(&case.calendar) {
                Some(c) => c.clone(),
                None => {
                    let c = registry.calendar(&case.calendar)?;
                    calendars.insert(case.calendar.clone(), c.clone());
                    c
                }
            };
            let book = registry.rulebooks().get(&case.rulebook)?;
            let clock = Clock::new(&cal, book);
            let local = now.with_timezone(&cal.timezone()).fixed_offset();
            let deadlines =
                breach
                    .deadlines(&clock, local)
                    .map_err(|e| ServiceError::BreachRefused {
                        folio: case.folio.clone(),
                        error: e,
                    })?;
            let owed: Vec<_> = deadlines
                .iter()
                .filter(|d| matches!(d.status, DeadlineStatus::Pending | DeadlineStatus::Missed))
                .collect();
            let Some(first_owed) = owed.first() else {
                continue;
            };
            let due = first_owed.due;
            let Some(threshold) = crossed(&thresholds, hours_left(due, now)) else {
                continue;
            };
            let term = book.term(TermId::BreachNotice);
            let to: Vec<&str> = owed
                .iter()
                .map(|d| match d.to {
                    Recipient::Titulars => "a los titulares",
                    Recipient::Guarantor => "al órgano garante",
                })
                .collect();
            let name = term.map_or("Aviso de la vulneración", |t| t.name.as_str());
            let addresses = config.addresses(&case.body);
            let mut recipients: Vec<&str> = addresses
                .unit
                .iter()
                .chain(&addresses.unit_head)
                .chain(
                    breach
                        .acts
                        .first()
                        .and_then(|a| config.staff.get(&a.actor.id)),
                )
                .map(String::as_str)
                .collect();
            recipients.sort_unstable();
            recipients.dedup();
            let item = Arc::new(AlertItem {
                folio: case.folio,
                kind: BREACH_KIND.into(),
                body: case.body,
                calendar: case.calendar,
                term: TermId::BreachNotice,
                term_name: format!("{name}: pendiente {}", to.join(" y ")),
                article: first_owed.article.clone(),
                due: due.date_naive(),
                due_at: Some(due),
            });
            for r in recipients {
                out.push(Planned {
                    item: item.clone(),
                    threshold,
                    recipient: Arc::from(r),
                });
            }
        }
        if !full {
            break;
        }
    }
    Ok(out)
}

/// One line of a breach message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachLine {
    pub folio: String,
    pub body: String,
    pub term_name: String,
    pub article: String,
    /// The instant, on the calendar's clock: `2026-02-13 22:15 (viernes, UTC-06:00)`.
    pub due: String,
    pub minutes_left: i64,
    pub when: String,
    pub urgent: bool,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "alerts/breach.txt")]
struct BreachText<'a> {
    at: &'a str,
    count: usize,
    items: &'a [BreachLine],
}

#[derive(Template)]
#[template(path = "alerts/breach.html")]
struct BreachHtml<'a> {
    at: &'a str,
    count: usize,
    items: &'a [BreachLine],
}

#[derive(Template)]
#[template(path = "alerts/breach_subject.txt")]
struct BreachSubject<'a> {
    at: &'a str,
    count: usize,
    overdue: usize,
}

/// `Vence en 5 h 20 min` / `Venció hace 1 h 05 min`.
fn when_es(minutes: i64) -> String {
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    if minutes >= 0 {
        format!("Vence en {h} h {m:02} min")
    } else {
        format!("Venció hace {h} h {m:02} min")
    }
}

/// The instant on its own clock, with the weekday and the offset.
fn instant_es(due: DateTime<FixedOffset>) -> String {
    format!(
        "{} ({}, UTC{})",
        due.format("%Y-%m-%d %H:%M"),
        weekday_es(due.weekday()),
        due.format("%:z")
    )
}

/// The message of one recipient at `now`: their pending breach alerts, most urgent first.
pub fn compose_breaches(
    config: &AlertConfig,
    recipient: &str,
    alerts: &[&AlertItem],
    now: DateTime<Utc>,
) -> Result<Outgoing, ServiceError> {
    let mut seen = std::collections::HashSet::new();
    let mut items = Vec::with_capacity(alerts.len());
    for a in alerts {
        // Two thresholds of one breach pending at once (a missed tick): one line.
        let Some(due) = a.due_at else { continue };
        if !seen.insert((a.folio.as_str(), due)) {
            continue;
        }
        let minutes = (due.with_timezone(&Utc) - now).num_minutes();
        items.push(BreachLine {
            link: config
                .base_url
                .as_ref()
                .map(|b| format!("{}/vulneraciones/{}", b.trim_end_matches('/'), a.folio)),
            folio: a.folio.clone(),
            body: a.body.clone(),
            term_name: a.term_name.clone(),
            article: a.article.clone(),
            due: instant_es(due),
            minutes_left: minutes,
            when: when_es(minutes),
            urgent: minutes < 6 * 60,
        });
    }
    items.sort_by(|a, b| {
        a.minutes_left
            .cmp(&b.minutes_left)
            .then(a.folio.cmp(&b.folio))
    });
    let at = instant_es(
        now.with_timezone(&chrono_tz::America::Mexico_City)
            .fixed_offset(),
    );
    let count = items.len();
    let overdue = items.iter().filter(|i| i.minutes_left < 0).count();
    let render =
        |r: Result<String, askama::Error>| r.map_err(|e| ServiceError::Template(e.to_string()));
    Ok(Outgoing {
        to: recipient.to_string(),
        subject: render(
            BreachSubject {
                at: &at,
                count,
                overdue,
            }
            .render(),
        )?
        .trim()
        .to_string(),
        text: render(
            BreachText {
                at: &at,
                count,
                items: &items,
            }
            .render(),
        )?,
        html: render(
            BreachHtml {
                at: &at,
                count,
                items: &items,
            }
            .render(),
        )?,
    })
}

/// Runs the breach alerts at `now`: plan, write the outbox, send one message per
/// recipient. A dry run writes and sends nothing and returns the messages.
pub async fn run_breaches<S: Store>(
    registry: &Registry<S>,
    config: &AlertConfig,
    mailer: &Mailer,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<RunReport, ServiceError> {
    let planned = plan_breaches(registry, config, now).await?;
    let as_of = now
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    deliver(
        registry,
        config,
        mailer,
        planned,
        Lane::Breaches,
        as_of,
        now,
        dry_run,
        |recipient, items| compose_breaches(config, recipient, items, now),
    )
    .await
}

/// The breach tick: claims the slot `now` falls in (once across every process on the
/// database) and runs. Returns the report when this process ran it.
pub async fn breach_tick<S: Store>(
    registry: &Registry<S>,
    config: &AlertConfig,
    mailer: &Mailer,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Option<RunReport>, ServiceError> {
    let tick = tick_of(config, now);
    if !registry.store().claim_tick(&tick, holder, now).await? {
        return Ok(None);
    }
    let report = run_breaches(registry, config, mailer, now, false).await?;
    registry.store().finish_tick(&tick, Utc::now()).await?;
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_counted_away_from_the_instant() {
        let due: DateTime<FixedOffset> = "2026-02-13T22:15:00-06:00".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(hours_left(due, at("2026-02-14T04:15:00Z")), 0);
        assert_eq!(hours_left(due, at("2026-02-14T04:14:59Z")), 1);
        assert_eq!(hours_left(due, at("2026-02-14T03:15:00Z")), 1);
        assert_eq!(hours_left(due, at("2026-02-14T03:14:59Z")), 2);
        assert_eq!(hours_left(due, at("2026-02-14T04:15:01Z")), -1);
        assert_eq!(hours_left(due, at("2026-02-14T06:15:01Z")), -3);
        // At confirmation, 72 hours before: the first threshold.
        let t = [72, 24, 6, 1, -1];
        assert_eq!(
            crossed(&t, hours_left(due, at("2026-02-11T04:15:00Z"))),
            Some(72)
        );
        assert_eq!(
            crossed(&t, hours_left(due, at("2026-02-13T04:14:59Z"))),
            Some(72)
        );
        assert_eq!(
            crossed(&t, hours_left(due, at("2026-02-13T04:15:00Z"))),
            Some(24)
        );
        assert_eq!(
            crossed(&t, hours_left(due, at("2026-02-14T04:15:00Z"))),
            Some(1)
        );
        assert_eq!(
            crossed(&t, hours_left(due, at("2026-02-14T05:00:00Z"))),
            Some(-1)
        );
    }

    #[test]
    fn ticks_are_slots_of_the_clock() {
        let mut c = AlertConfig::default();
        let now: DateTime<Utc> = "2026-12-03T14:47:10Z".parse().unwrap();
        assert_eq!(tick_of(&c, now), "breach:2026-12-03T14:00Z");
        c.breach_every_minutes = 15;
        assert_eq!(tick_of(&c, now), "breach:2026-12-03T14:45Z");
    }

    #[test]
    fn the_time_left_reads_in_hours_and_minutes() {
        assert_eq!(when_es(320), "Vence en 5 h 20 min");
        assert_eq!(when_es(0), "Vence en 0 h 00 min");
        assert_eq!(when_es(-65), "Venció hace 1 h 05 min");
    }
}
