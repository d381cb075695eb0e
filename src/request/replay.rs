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
use crate::appeal::{
    Appeal, AppealAct, AppealActKind, AppealError, AppealOutcome, AppealState, DismissalCause,
    Ground, RecordedAppealAct, Venue, Window,
};
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

/// An act of a history: of the request, or of the appeal against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventAct {
    Request(RequestAct),
    Appeal(AppealAct),
}

impl EventAct {
    pub fn name(&self) -> &'static str {
        match self {
            EventAct::Request(a) => a.kind().as_str(),
            EventAct::Appeal(a) => a.kind().as_str(),
        }
    }
}

/// An event of a history, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub act: EventAct,
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
    /// An appeal act refused, by its position (1-based).
    AppealRefused {
        index: usize,
        act: AppealActKind,
        error: AppealError,
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
            ReplayError::AppealRefused { index, act, error } => {
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
            ReplayError::AppealRefused { error, .. } => appeal_error_code(error).into(),
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
        RequestError::ExtensionDays { .. } => "bad_value",
        RequestError::ImprocedenceNotConfirmed { .. } => "improcedence_not_confirmed",
        RequestError::IncompetenceAsImprocedence => "incompetence_as_improcedence",
        RequestError::IdentityNotAccredited => "identity_not_accredited",
        RequestError::InstrumentMissing | RequestError::InstrumentWithoutRepresentative => {
            "bad_value"
        }
        RequestError::Forbidden { .. } => "forbidden",
        RequestError::OutOfOrder { .. } => "out_of_order",
        RequestError::InFuture { .. } => "in_future",
        RequestError::NotFiledYet { .. } => "not_filed_yet",
        RequestError::Term(_) => "term",
    }
}

/// A stable snake_case code for each refusal of an appeal act.
pub fn appeal_error_code(e: &AppealError) -> &'static str {
    match e {
        AppealError::InvalidTransition { .. } => "invalid_transition",
        AppealError::Lapsed { .. } => "lapsed",
        AppealError::SecondRequirement { .. } => "second_requirement",
        AppealError::RequirementOutOfTime { .. } => "requirement_out_of_time",
        AppealError::SecondExtension { .. } => "second_extension",
        AppealError::ExtensionOutOfTime { .. } => "extension_out_of_time",
        AppealError::ComplianceExtensionOutOfTime { .. } => "compliance_extension_out_of_time",
        AppealError::NoConciliationForMinor => "no_conciliation_for_minor",
        AppealError::BadValue(_) => "bad_value",
        AppealError::Premature { .. } => "premature",
        AppealError::Forbidden { .. } => "forbidden",
        AppealError::OutOfOrder { .. } => "out_of_order",
        AppealError::NotFiledYet { .. } => "not_filed_yet",
        AppealError::Term(_) => "term",
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
                let is_appeal = obj
                    .get("act")
                    .and_then(Value::as_str)
                    .is_some_and(|n| AppealActKind::parse(n).is_some());
                let bad = |e: serde_json::Error| ReplayError::Event {
                    index,
                    message: act_message_es(&e.to_string()),
                };
                let act = if is_appeal {
                    EventAct::Appeal(serde_json::from_value(Value::Object(obj)).map_err(bad)?)
                } else {
                    EventAct::Request(serde_json::from_value(Value::Object(obj)).map_err(bad)?)
                };
                Ok(Event { act, at })
            })
            .collect()
    }
}

pub(crate) fn json_message_es(e: &serde_json::Error) -> String {
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
    /// Recorded under an earlier reading of the law; why it would now be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irregular: Option<String>,
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
            irregular: a.irregular.clone(),
        }
    }
}

/// An appeal act as the replay output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealActView {
    pub seq: u32,
    pub act: AppealActKind,
    pub at: Moment,
    pub effective: NaiveDate,
    pub late: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<TermId>,
}

impl From<&RecordedAppealAct> for AppealActView {
    fn from(a: &RecordedAppealAct) -> Self {
        AppealActView {
            seq: a.seq,
            act: a.act.kind(),
            at: a.at,
            effective: a.effective,
            late: a.late,
            term: a.term,
        }
    }
}

/// The appeal of a case, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub state: AppealState,
    pub venue: Venue,
    pub ground: Ground,
    pub calendar: String,
    pub rulebook: String,
    pub filed: NaiveDate,
    /// Filed after the appeal window closed.
    pub out_of_time: bool,
    /// Filed for falta de respuesta before the term to respond ran out (art. 99.2).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub premature: bool,
    /// The dismissal cause offered for a filing out of time (art. 108.I) or premature
    /// (art. 108.III).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_dismissal: Option<DismissalCause>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<AppealOutcome>,
    /// What the resolution orders the responsable to do, and by when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance_due: Option<NaiveDate>,
    pub acts: Vec<AppealActView>,
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
    /// The request's terms and, when appealed, the appeal's and its compliance's.
    pub deadlines: BTreeMap<TermId, DeadlineView>,
    pub acts: Vec<ActView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<AppealView>,
    /// How the request came in (art. 49.1).
    #[serde(default, skip_serializing_if = "super::Reception::is_empty")]
    pub reception: super::Reception,
    /// How identity was accredited (art. 48), the last time it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<super::Accreditation>,
    /// Delivering the data waits for that accreditation (arts. 48, 88.1.III).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identity_pending: bool,
    /// What the titular pays for the delivery, in centavos (art. 62), once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_due: Option<u64>,
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
        appeal: None,
        reception: request.reception.clone(),
        identity: request.identity.map(|(_, a)| a),
        identity_pending: request.delivery_waits_for_identity(),
        amount_due: request.fulfilment.map(|(_, d)| d.map_or(0, |d| d.cost())),
    })
}

/// Adds an appeal to a request's view: its terms join the deadlines, the request's appeal
/// window is met (or late) by the filing, and what the resolution orders shows on the
/// request's record.
pub fn add_appeal(view: &mut CaseView, appeal: &Appeal, clock: &Clock) -> Result<(), AppealError> {
    let as_of = view.as_of;
    for (k, d) in appeal.deadlines(clock, as_of)? {
        view.deadlines.insert(k, DeadlineView::from(&d));
    }
    if let (Some(w), Some(d)) = (appeal.window, view.deadlines.get_mut(&TermId::AppealWindow)) {
        d.done = Some(w.filed_on);
        d.status = DeadlineStatus::of(d.due, d.done, as_of, true);
    }
    let compliance_due = view.deadlines.get(&TermId::Compliance).map(|d| d.due);
    view.appeal = Some(AppealView {
        state: appeal.state_on(clock, as_of)?,
        venue: appeal.venue,
        ground: appeal.ground,
        calendar: clock.calendar.name().to_string(),
        rulebook: appeal.rulebook.clone(),
        filed: appeal.filed.effective,
        out_of_time: appeal.window.is_some_and(|w| !w.in_time()),
        premature: appeal.premature,
        suggested_dismissal: appeal.suggested_dismissal,
        outcome: appeal.resolution.map(|(_, o, _)| o),
        compliance_due,
        acts: appeal.acts.iter().map(AppealActView::from).collect(),
    });
    Ok(())
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

/// Applies the request's events of a history (appeal events are left for
/// [`build_appeal`]) with the import actor; refuses an act dated after `now`.
pub fn build(clock: &Clock, events: &[Event], now: DateTime<Utc>) -> Result<Request, ReplayError> {
    let actor = Actor::migration();
    let mut request: Option<Request> = None;
    for (i, ev) in events.iter().enumerate() {
        let EventAct::Request(act) = &ev.act else {
            continue;
        };
        let index = i + 1;
        let refused = |error| ReplayError::Refused {
            index,
            act: act.kind(),
            error,
        };
        if moment_utc(&ev.at, clock.calendar) > now {
            return Err(refused(RequestError::InFuture {
                act: act.kind(),
                at: ev.at.to_string(),
                now: now.to_rfc3339(),
            }));
        }
        match (&mut request, act) {
            (None, RequestAct::Filed { .. }) => {
                request = Some(Request::from_filing(clock, act, ev.at, &actor).map_err(refused)?);
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

/// Applies the appeal's events of a history, on the guarantor's clock, against `request`
/// (whose window is counted on the responsable's clock). `None` when there are none.
pub fn build_appeal(
    guarantor: &Clock,
    responsable: &Clock,
    request: &Request,
    events: &[Event],
    now: DateTime<Utc>,
) -> Result<Option<Appeal>, ReplayError> {
    let actor = Actor::migration();
    let mut appeal: Option<Appeal> = None;
    for (i, ev) in events.iter().enumerate() {
        let EventAct::Appeal(act) = &ev.act else {
            continue;
        };
        let index = i + 1;
        let refused = |error| ReplayError::AppealRefused {
            index,
            act: act.kind(),
            error,
        };
        if moment_utc(&ev.at, guarantor.calendar) > now {
            return Err(ReplayError::Event {
                index,
                message: format!(
                    "el acto «{}» tiene fecha {}, posterior a as_of",
                    act.kind().as_str(),
                    ev.at
                ),
            });
        }
        match &mut appeal {
            None => {
                let window = Window::of(request, responsable, &ev.at).map_err(refused)?;
                appeal = Some(
                    Appeal::file(guarantor, act.clone(), ev.at, &actor, window).map_err(refused)?,
                );
            }
            Some(a) => {
                a.apply(guarantor, act.clone(), ev.at, &actor)
                    .map_err(refused)?;
            }
        }
    }
    Ok(appeal)
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

/// Replays a history: loads its calendars and rulebook, applies its events and returns
/// the case as it stands on `as_of` (default `now`). Touches no database.
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
    let last = |events: &[Event]| events.len();
    let mut out = view(&request, &clock, as_of).map_err(|e| ReplayError::Refused {
        index: last(&events),
        act: ActKind::Filed,
        error: e,
    })?;
    if events.iter().any(|e| matches!(e.act, EventAct::Appeal(_))) {
        let gcal = match &history.guarantor_calendar {
            Some(g) => loader.load(g).map_err(ReplayError::Calendar)?,
            None => calendar.clone(),
        };
        // The appeal is its own case: the rulebook in force when it was filed.
        let first = events
            .iter()
            .find(|e| matches!(e.act, EventAct::Appeal(_)))
            .map(|e| e.at)
            .unwrap_or(request.filed.at);
        let appeal_filed = gcal.effective_date(&first).map_err(ReplayError::Term)?;
        let gbook = match &history.rulebook {
            Some(id) => books.get(id).map_err(ReplayError::Rulebook)?,
            None => books
                .in_force(
                    history
                        .jurisdiction
                        .as_deref()
                        .unwrap_or(DEFAULT_JURISDICTION),
                    appeal_filed,
                )
                .map_err(ReplayError::Rulebook)?,
        };
        let gclock = Clock::new(&gcal, gbook);
        if let Some(appeal) = build_appeal(&gclock, &clock, &request, &events, as_of_instant)? {
            add_appeal(&mut out, &appeal, &gclock).map_err(|error| ReplayError::AppealRefused {
                index: last(&events),
                act: AppealActKind::AppealFiled,
                error,
            })?;
        }
    }
    Ok(out)
}
