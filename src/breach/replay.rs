//! A breach's history from another system (or an earlier arco), replayed: the acts of a
//! JSON file applied in order with the import actor (`Role::Migration`), giving the
//! breach, its notice terms at a moment and its bitácora line (`arco breach replay`), or
//! a case to store (`arco breach import`).
//!
//! ```json
//! {"calendar": "mx-jalisco", "as_of": "2026-03-20T10:00:00-06:00",
//!  "events": [
//!    {"act": "breach_detected", "at": "2026-03-13T18:00"},
//!    {"act": "breach_confirmed", "at": "2026-03-14T09:00", "kind": "theft", "cause": "physical_loss"}
//!  ]}
//! ```
//!
//! Each event is the act's JSON (`act` and its fields, unknown fields refused) plus `at`.

use std::fmt;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    BitacoraEntry, Breach, BreachAct, BreachActKind, BreachDeadline, BreachError, BreachState,
};
use crate::calendar::{Calendar, CalendarError, CalendarLoader, Moment, TermError};
use crate::case::{Actor, Clock};
use crate::request::replay::DEFAULT_JURISDICTION;
use crate::rules::{Rulebook, RulebookError, Rulebooks};

/// A breach's history, as read from JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreachHistory {
    pub calendar: String,
    /// When to compute the notice terms (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Moment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rulebook: Option<String>,
    /// Each event: `act`, `at`, and the act's own fields.
    pub events: Vec<Map<String, Value>>,
}

/// Why a breach history could not be replayed. Spanish, naming the event (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreachReplayError {
    Shape(String),
    Calendar(CalendarError),
    Rulebook(RulebookError),
    Event {
        index: usize,
        message: String,
    },
    Refused {
        index: usize,
        act: BreachActKind,
        error: BreachError,
    },
    /// An act dated after the moment of the import.
    InFuture {
        index: usize,
        at: Moment,
    },
    Term(TermError),
}

impl fmt::Display for BreachReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreachReplayError::Shape(m) => write!(f, "historial inválido: {m}"),
            BreachReplayError::Calendar(e) => write!(f, "{e}"),
            BreachReplayError::Rulebook(e) => write!(f, "{e}"),
            BreachReplayError::Event { index, message } => write!(f, "evento {index}: {message}"),
            BreachReplayError::Refused { index, act, error } => {
                write!(f, "evento {index} («{}»): {error}", act.as_str())
            }
            BreachReplayError::InFuture { index, at } => write!(
                f,
                "evento {index}: tiene fecha {at}, posterior al momento de la importación"
            ),
            BreachReplayError::Term(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BreachReplayError {}

/// A replayed breach: its state, its notice terms at `as_of`, its bitácora line.
#[derive(Debug, Clone, Serialize)]
pub struct BreachView {
    pub state: BreachState,
    pub state_label: &'static str,
    pub as_of: DateTime<FixedOffset>,
    pub deadlines: Vec<BreachDeadline>,
    pub bitacora: BitacoraEntry,
    pub breach: Breach,
}

impl BreachHistory {
    /// Reads a history from JSON text.
    pub fn from_json(text: &str) -> Result<BreachHistory, BreachReplayError> {
        serde_json::from_str(text).map_err(|e| {
            BreachReplayError::Shape(format!(
                "línea {}, columna {}: {}",
                e.line(),
                e.column(),
                crate::request::replay::json_message_es(&e)
            ))
        })
    }

    /// The events, parsed: each act with its moment.
    pub fn parsed_events(&self) -> Result<Vec<(BreachAct, Moment)>, BreachReplayError> {
        if self.events.is_empty() {
            return Err(BreachReplayError::Shape(
                "«events» está vacío: falta al menos la detección («breach_detected»)".into(),
            ));
        }
        self.events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let index = i + 1;
                let mut fields = e.clone();
                let at = match fields.remove("at") {
                    Some(Value::String(s)) => {
                        s.parse::<Moment>().map_err(|x| BreachReplayError::Event {
                            index,
                            message: x.to_string(),
                        })?
                    }
                    _ => {
                        return Err(BreachReplayError::Event {
                            index,
                            message: "falta «at», cuándo ocurrió el acto".into(),
                        });
                    }
                };
                let act: BreachAct =
                    serde_json::from_value(Value::Object(fields)).map_err(|x| {
                        BreachReplayError::Event {
                            index,
                            message: x.to_string(),
                        }
                    })?;
                Ok((act, at))
            })
            .collect()
    }

    /// The rulebook the history names, or the one in force on the detection's date.
    pub fn rulebook<'a>(
        &self,
        books: &'a Rulebooks,
        calendar: &Calendar,
        events: &[(BreachAct, Moment)],
    ) -> Result<&'a Rulebook, BreachReplayError> {
        if let Some(id) = &self.rulebook {
            return books.get(id).map_err(BreachReplayError::Rulebook);
        }
        let Some((_, at)) = events.first() else {
            return Err(BreachReplayError::Shape("«events» está vacío".into()));
        };
        let day = calendar
            .instant(at)
            .map_err(BreachReplayError::Term)?
            .date_naive();
        books
            .in_force(
                self.jurisdiction.as_deref().unwrap_or(DEFAULT_JURISDICTION),
                day,
            )
            .map_err(BreachReplayError::Rulebook)
    }
}

/// Applies a history's events with the import actor; refuses an act dated after `now`.
pub fn build(
    clock: &Clock,
    events: &[(BreachAct, Moment)],
    now: DateTime<Utc>,
) -> Result<Breach, BreachReplayError> {
    let actor = Actor::migration();
    let mut breach: Option<Breach> = None;
    for (i, (act, at)) in events.iter().enumerate() {
        let index = i + 1;
        let instant = clock
            .calendar
            .instant(at)
            .map_err(BreachReplayError::Term)?;
        if instant.with_timezone(&Utc) > now {
            return Err(BreachReplayError::InFuture { index, at: *at });
        }
        let refused = |error| BreachReplayError::Refused {
            index,
            act: act.kind(),
            error,
        };
        match &mut breach {
            None => {
                breach = Some(Breach::detect(clock, act.clone(), *at, &actor).map_err(refused)?)
            }
            Some(b) => {
                b.apply(clock, act.clone(), *at, &actor).map_err(refused)?;
            }
        }
    }
    breach.ok_or_else(|| BreachReplayError::Shape("«events» está vacío".into()))
}

/// Replays a history: the breach, its terms at the history's `as_of` (default `now`), its
/// bitácora line.
pub fn replay(
    history: &BreachHistory,
    loader: &CalendarLoader,
    books: &Rulebooks,
    now: DateTime<Utc>,
) -> Result<BreachView, BreachReplayError> {
    let cal = loader
        .load(&history.calendar)
        .map_err(BreachReplayError::Calendar)?;
    let events = history.parsed_events()?;
    let book = history.rulebook(books, &cal, &events)?;
    let clock = Clock::new(&cal, book);
    let breach = build(&clock, &events, now)?;
    let as_of = match history.as_of {
        Some(m) => cal.instant(&m).map_err(BreachReplayError::Term)?,
        None => now.with_timezone(&cal.timezone()),
    };
    let as_of = as_of.with_timezone(&as_of.offset().fix());
    let deadlines =
        breach
            .deadlines(&clock, as_of)
            .map_err(|error| BreachReplayError::Refused {
                index: breach.acts.len(),
                act: breach
                    .acts
                    .last()
                    .map_or(BreachActKind::BreachDetected, |a| a.act.kind()),
                error,
            })?;
    Ok(BreachView {
        state: breach.state,
        state_label: breach.state.label_es(),
        as_of,
        deadlines,
        bitacora: breach.bitacora(),
        breach,
    })
}
