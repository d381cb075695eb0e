//! Case histories as JSON: `arco replay` applies one without touching a database, and
//! `arco import` loads many into one. The shape:
//!
//! ```json
//! {
//!   "calendar": "mx-jalisco",
//!   "as_of": "2026-03-02T12:00:00-06:00",
//!   "right": "access",
//!   "events": [
//!     {"act": "filed", "at": "2026-02-05T16:10:00-06:00"},
//!     {"act": "resolved", "at": "2026-03-02T10:00:00-06:00", "outcome": "partially_granted"}
//!   ]
//! }
//! ```
//!
//! `calendar` is a shipped name or a path; `as_of` defaults to now; `jurisdiction`
//! (default `mx-jal`) or `rulebook` pick the rulebook, else the one in force on the filing
//! date is used.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ActKind, RecordedAct, Request, RequestAct, RequestError, RequestState, Right};
use crate::calendar::{Calendar, CalendarError, CalendarLoader, Moment, TermError};
use crate::case::{Actor, Clock, Deadline, DeadlineStatus};
use crate::rules::{Rulebook, RulebookError, Rulebooks, TermId};

/// The default jurisdiction of histories that name none.
pub const DEFAULT_JURISDICTION: &str = "mx-jal";

/// A case history, as read from JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub calendar: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantor_calendar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Moment>,
    pub right: Right,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rulebook: Option<String>,
    /// Each event: `act`, `at`, and the act's own fields.
    pub events: Vec<Map<String, Value>>,
}

/// An event of a history, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub act: RequestAct,
    pub at: Moment,
}

/// Why a history could not be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// Not JSON, or not the shape above.
    Shape(String),
    Calendar(CalendarError),
    Rulebook(RulebookError),
    /// An event that could not be read, by its position (1-based).
    Event {
        index: usize,
        message: String,
    },
    /// An act the procedure refused, by its position (1-based).
    Refused {
        index: usize,
        act: ActKind,
        error: RequestError,
    },
    /// A term that cannot be counted.
    Term(TermError),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Shape(m) => write!(f, "historial inválido: {m}"),
            ReplayError::Calendar(e) => write!(f, "{e}"),
            ReplayError::Rulebook(e) => write!(f, "{e}"),
            ReplayError::Event { index, message } => write!(f, "evento {index}: {message}"),
            ReplayError::Refused { index, act, error } => {
                write!(f, "evento {index} («{}»): {error}", act.as_str())
            }
            ReplayError::Term(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReplayError {}

impl ReplayError {
    /// A stable code for the kind of error, for JSON output and tests.
    pub fn code(&self) -> String {
        match self {
            ReplayError::Shape(_) => "invalid_history".into(),
            ReplayError::Calendar(_) => "calendar".into(),
            ReplayError::Rulebook(_) => "rulebook".into(),
            ReplayError::Event { .. } => "invalid_event".into(),
            ReplayError::Refused { error, .. } => request_error_code(error).into(),
            ReplayError::Term(_) => "term".into(),
        }
    }
}

/// A stable snake_case code for each refusal.
pub fn request_error_code(e: &RequestError) -> &'static str {
    match e {
        RequestError::InvalidTransition { .. } => "invalid_transition",
        RequestError::Lapsed { .. } => "lapsed",
        RequestError::SecondPrevention { .. } => "second_prevention",
        RequestError::SecondExtension { .. } => "second_extension",
        RequestError::ExtensionOutOfTime { .. } => "extension_out_of_time",
        RequestError::NothingToFulfil { .. } => "nothing_to_fulfil",
        RequestError::Forbidden { .. } => "forbidden",
        RequestError::OutOfOrder { .. } => "out_of_order",
        RequestError::InFuture { .. } => "in_future",
        RequestError::NotFiledYet { .. } => "not_filed_yet",
        RequestError::Term(_) => "term",
    }
}

impl History {
    /// Reads a history from JSON text.
    pub fn from_json(text: &str) -> Result<History, ReplayError> {
        serde_json::from_str(text).map_err(|e| {
            ReplayError::Shape(format!(
                "línea {}, columna {}: {}",
                e.line(),
                e.column(),
                json_message_es(&e)
            ))
        })
    }

    /// The events, parsed; the filing takes the history's `right`.
    pub fn parsed_events(&self) -> Result<Vec<Event>, ReplayError> {
        self.events
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let index = i + 1;
                let mut obj = raw.clone();
                let at = obj.remove("at").ok_or_else(|| ReplayError::Event {
                    index,
                    message: "falta «at», la fecha y hora del acto".into(),
                })?;
                let at: Moment = serde_json::from_value(at).map_err(|e| ReplayError::Event {
                    index,
                    message: format!("«at» inválido: {e}"),
                })?;
                if obj.get("act").and_then(Value::as_str) == Some("filed")
                    && !obj.contains_key("right")
                {
                    obj.insert(
                        "right".into(),
                        serde_json::to_value(self.right).unwrap_or(Value::Null),
                    );
                }
                let act: RequestAct =
                    serde_json::from_value(Value::Object(obj)).map_err(|e| ReplayError::Event {
                        index,
                        message: act_message_es(&e.to_string()),
                    })?;
                Ok(Event { act, at })
            })
            .collect()
    }
}

fn json_message_es(e: &serde_json::Error) -> String {
    let m = e.to_string();
    // serde_json appends " at line L column C"; the position is given separately.
    let m = m.split(" at line ").next().unwrap_or(&m).to_string();
    crate::tomlfile::translate_toml_message(&m).replace("TOML inválido: ", "")
}

fn act_message_es(m: &str) -> String {
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let (v, exp) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "acto desconocido «{}»; se esperaba uno de: {}",
            v.trim_matches('`'),
            exp.replace("one of ", "").replace('`', "")
        );
    }
    crate::tomlfile::translate_toml_message(m).replace("TOML inválido: ", "")
}

/// A deadline as the replay output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub due: NaiveDate,
    pub status: DeadlineStatus,
    pub from: NaiveDate,
    pub days: u32,
    pub article: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<NaiveDate>,
}

impl From<&Deadline> for DeadlineView {
    fn from(d: &Deadline) -> Self {
        DeadlineView {
            due: d.due,
            status: d.status,
            from: d.from,
            days: d.days,
            article: d.article.clone(),
            done: d.done,
        }
    }
}

/// An act as the replay output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActView {
    pub seq: u32,
    pub act: ActKind,
    pub at: Moment,
    pub effective: NaiveDate,
    pub late: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<TermId>,
}

impl From<&RecordedAct> for ActView {
    fn from(a: &RecordedAct) -> Self {
        ActView {
            seq: a.seq,
            act: a.act.kind(),
            at: a.at,
            effective: a.effective,
            late: a.late,
            term: a.term,
        }
    }
}

/// The case a history leads to, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub state: RequestState,
    pub right: Right,
    pub rulebook: String,
    pub calendar: String,
    pub as_of: NaiveDate,
    pub filed: NaiveDate,
    pub deadlines: BTreeMap<TermId, DeadlineView>,
    pub acts: Vec<ActView>,
}

/// A request, its clock and its view on `as_of`.
pub fn view(request: &Request, clock: &Clock, as_of: NaiveDate) -> Result<CaseView, RequestError> {
    Ok(CaseView {
        state: request.state_on(clock, as_of)?,
        right: request.right,
        rulebook: request.rulebook.clone(),
        calendar: clock.calendar.name().to_string(),
        as_of,
        filed: request.filed.effective,
        deadlines: request
            .deadlines(clock, as_of)?
            .iter()
            .map(|(k, d)| (*k, DeadlineView::from(d)))
            .collect(),
        acts: request.acts.iter().map(ActView::from).collect(),
    })
}

/// Picks the rulebook for a history: the one named, else the one of its jurisdiction in
/// force on the filing date.
pub fn rulebook_for<'a>(
    books: &'a Rulebooks,
    history: &History,
    calendar: &Calendar,
    events: &[Event],
) -> Result<&'a Rulebook, ReplayError> {
    if let Some(id) = &history.rulebook {
        return books.get(id).map_err(ReplayError::Rulebook);
    }
    let first = events.first().ok_or_else(|| {
        ReplayError::Shape("«events» está vacío: falta al menos la presentación («filed»)".into())
    })?;
    let filed = calendar
        .effective_date(&first.at)
        .map_err(ReplayError::Term)?;
    books
        .in_force(
            history
                .jurisdiction
                .as_deref()
                .unwrap_or(DEFAULT_JURISDICTION),
            filed,
        )
        .map_err(ReplayError::Rulebook)
}

/// Applies every event of a history with the import actor; refuses an act dated after
/// `now`.
pub fn build(clock: &Clock, events: &[Event], now: DateTime<Utc>) -> Result<Request, ReplayError> {
    let actor = Actor::migration();
    let mut request: Option<Request> = None;
    for (i, ev) in events.iter().enumerate() {
        let index = i + 1;
        let refused = |error| ReplayError::Refused {
            index,
            act: ev.act.kind(),
            error,
        };
        if moment_utc(&ev.at, clock.calendar) > now {
            return Err(refused(RequestError::InFuture {
                act: ev.act.kind(),
                at: ev.at.to_string(),
                now: now.to_rfc3339(),
            }));
        }
        match (&mut request, &ev.act) {
            (None, RequestAct::Filed { right }) => {
                request = Some(Request::file(clock, *right, ev.at, &actor).map_err(refused)?);
            }
            (None, other) => return Err(refused(RequestError::NotFiledYet { act: other.kind() })),
            (Some(r), act) => {
                r.apply(clock, act.clone(), ev.at, &actor)
                    .map_err(refused)?;
            }
        }
    }
    request.ok_or_else(|| {
        ReplayError::Shape("«events» está vacío: falta al menos la presentación («filed»)".into())
    })
}

/// The instant of a moment on a calendar's clock (a date alone is its start).
pub fn moment_utc(m: &Moment, calendar: &Calendar) -> DateTime<Utc> {
    use chrono::TimeZone;
    match m {
        Moment::Instant(i) => i.with_timezone(&Utc),
        Moment::Local(dt) => calendar
            .timezone()
            .from_local_datetime(dt)
            .earliest()
            .map_or_else(|| dt.and_utc(), |t| t.with_timezone(&Utc)),
        Moment::Date(d) => calendar
            .timezone()
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(
                || d.and_time(chrono::NaiveTime::MIN).and_utc(),
                |t| t.with_timezone(&Utc),
            ),
    }
}

/// Replays a history: loads its calendar and rulebook, applies its events and returns the
/// case as it stands on `as_of` (default `now`). Touches no database.
pub fn replay(
    history: &History,
    loader: &CalendarLoader,
    books: &Rulebooks,
    now: DateTime<Utc>,
) -> Result<CaseView, ReplayError> {
    let calendar = loader
        .load(&history.calendar)
        .map_err(ReplayError::Calendar)?;
    let events = history.parsed_events()?;
    let rulebook = rulebook_for(books, history, &calendar, &events)?;
    let clock = Clock::new(&calendar, rulebook);
    let as_of_instant = history.as_of.map_or(now, |m| moment_utc(&m, &calendar));
    let request = build(&clock, &events, as_of_instant)?;
    let as_of = as_of_instant
        .with_timezone(&calendar.timezone())
        .date_naive();
    view(&request, &clock, as_of).map_err(|e| ReplayError::Refused {
        index: events.len(),
        act: events.last().map_or(ActKind::Filed, |e| e.act.kind()),
        error: e,
    })
}
