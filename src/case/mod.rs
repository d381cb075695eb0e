//! What every procedure shares: who acts and with what role, when an act took effect,
//! and the status of a deadline.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, DueAt, Moment, TermError};
use crate::rules::{Rulebook, Term, TermId, Unit};

/// The role a person acts in. Which acts each role may record is part of each procedure's
/// model (see `request::RequestAct::allowed_roles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Staff of the Unidad de Transparencia.
    UnitStaff,
    /// Head of the Unidad de Transparencia: everything staff may do.
    UnitHead,
    /// Member or secretary of the Comité de Transparencia (art. 59–61 resolutions).
    Committee,
    /// Staff of the guarantor body (appeals).
    Guarantor,
    /// Read-only.
    Auditor,
    /// Administrator of the installation: accounts and bodies, not case acts.
    Admin,
    /// A history imported from another system (`arco replay`, `arco import`): every act
    /// is taken as recorded by whoever had the role for it.
    Migration,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::UnitStaff => "unit_staff",
            Role::UnitHead => "unit_head",
            Role::Committee => "committee",
            Role::Guarantor => "guarantor",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
            Role::Migration => "migration",
        }
    }

    /// Spanish name, for error messages.
    pub fn label_es(self) -> &'static str {
        match self {
            Role::UnitStaff => "personal de la Unidad de Transparencia",
            Role::UnitHead => "titular de la Unidad de Transparencia",
            Role::Committee => "Comité de Transparencia",
            Role::Guarantor => "órgano garante",
            Role::Auditor => "auditoría (solo lectura)",
            Role::Admin => "administración",
            Role::Migration => "migración",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::UnitStaff,
            Role::UnitHead,
            Role::Committee,
            Role::Guarantor,
            Role::Auditor,
            Role::Admin,
            Role::Migration,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Who recorded an act: a staff account id (never the titular's name) and its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub role: Role,
}

impl Actor {
    pub fn new(id: impl Into<String>, role: Role) -> Actor {
        Actor {
            id: id.into(),
            role,
        }
    }

    /// The actor of imported histories.
    pub fn migration() -> Actor {
        Actor::new("migración", Role::Migration)
    }
}

/// When an act happened and the date it took effect (counting rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: Moment,
    pub effective: NaiveDate,
}

/// Where a deadline stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Not yet due and not yet met.
    Pending,
    /// Its act happened by the due date.
    Met,
    /// Its act happened after the due date.
    Late,
    /// No act and the due date has passed.
    Missed,
    /// It no longer applies.
    Void,
}

impl DeadlineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineStatus::Pending => "pending",
            DeadlineStatus::Met => "met",
            DeadlineStatus::Late => "late",
            DeadlineStatus::Missed => "missed",
            DeadlineStatus::Void => "void",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            DeadlineStatus::Pending => "en curso",
            DeadlineStatus::Met => "cumplido",
            DeadlineStatus::Late => "cumplido fuera de plazo",
            DeadlineStatus::Missed => "vencido sin cumplir",
            DeadlineStatus::Void => "sin efecto",
        }
    }

    pub fn parse(s: &str) -> Option<DeadlineStatus> {
        [
            DeadlineStatus::Pending,
            DeadlineStatus::Met,
            DeadlineStatus::Late,
            DeadlineStatus::Missed,
            DeadlineStatus::Void,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// The status of a term due on `due`, met (or not) by an act on `done`, seen on
    /// `as_of` (counting rule 6: on time when the effective date is on or before the due
    /// date). `optional` terms (a power, not a duty: a prevention, an extension, an
    /// appeal) become void rather than missed when they pass unused.
    pub fn of(due: NaiveDate, done: Option<NaiveDate>, as_of: NaiveDate, optional: bool) -> Self {
        Self::compare(due, done, as_of, optional)
    }

    /// The status of a term in hours due at the instant `due`, met (or not) by an act at
    /// `done`, seen at `as_of`: on time when done at or before the instant (art. 40).
    pub fn of_instant(
        due: DateTime<FixedOffset>,
        done: Option<DateTime<FixedOffset>>,
        as_of: DateTime<FixedOffset>,
        optional: bool,
    ) -> Self {
        Self::compare(due, done, as_of, optional)
    }

    fn compare<T: Ord>(due: T, done: Option<T>, as_of: T, optional: bool) -> Self {
        match done {
            Some(d) if d <= due => DeadlineStatus::Met,
            Some(_) => DeadlineStatus::Late,
            None if as_of <= due => DeadlineStatus::Pending,
            None if optional => DeadlineStatus::Void,
            None => DeadlineStatus::Missed,
        }
    }
}

/// How time alone, with no act, changes a case after its last act: past `after`, the
/// state is `state`; if `stops`, the case then owes nothing more (every open term is void
/// or the titular's). Stored with the projection, so a list computes the state and the
/// open terms on any date from the stored rows, without rebuilding the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeChange<S> {
    /// The last date on which the state after the last act holds.
    pub after: NaiveDate,
    pub state: S,
    pub stops: bool,
}

/// One term of a case, computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub term: TermId,
    /// Day 0 of the count.
    pub from: NaiveDate,
    pub days: u32,
    pub due: NaiveDate,
    pub status: DeadlineStatus,
    /// The effective date of the act that met it, if any.
    pub done: Option<NaiveDate>,
    /// A power rather than a duty: it becomes void, not missed, when unused.
    pub optional: bool,
    pub article: String,
}

/// A term as a projection wrote it: day 0, its length in its unit and its due date. What
/// `arco calendar apply` reads of an open case to tell whether a new calendar can move it
/// (see `Request::counts_alike`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenTerm {
    pub term: TermId,
    pub from: NaiveDate,
    pub days: u32,
    pub due: NaiveDate,
}

/// A calendar and a rulebook together: counts a term by its id.
#[derive(Debug, Clone, Copy)]
pub struct Clock<'a> {
    pub calendar: &'a Calendar,
    pub rulebook: &'a Rulebook,
}

impl<'a> Clock<'a> {
    pub fn new(calendar: &'a Calendar, rulebook: &'a Rulebook) -> Self {
        Clock { calendar, rulebook }
    }

    /// The rulebook's term. Every term a procedure uses is required on load, so this only
    /// fails for a rulebook built by hand without it.
    pub fn term(&self, id: TermId) -> Result<&'a Term, TermError> {
        self.rulebook
            .term(id)
            .ok_or_else(|| TermError::UndefinedTerm {
                term: id.as_str().to_string(),
                rulebook: self.rulebook.id.clone(),
            })
    }

    /// The due date of term `id` counted from day 0 `from`, with `extra` days added
    /// (an extension). A term in hours has no due date but an instant: see
    /// [`Clock::due_at`].
    pub fn due(&self, id: TermId, from: NaiveDate, extra: u32) -> Result<NaiveDate, TermError> {
        let term = self.term(id)?;
        self.add_days(term, from, term.days.saturating_add(extra))
    }

    /// `n` days of `term`'s unit after day 0 `from`.
    fn add_days(&self, term: &Term, from: NaiveDate, n: u32) -> Result<NaiveDate, TermError> {
        match term.unit {
            Unit::BusinessDays => self.calendar.add_business_days(from, n),
            Unit::CalendarDays => self.calendar.add_calendar_days(from, n),
            Unit::Hours => Err(TermError::InHours {
                term: term.id.as_str().to_string(),
            }),
        }
    }

    /// Whether term `id`, `days` of its unit after day 0 `from`, still falls due on `due`
    /// on this clock's calendar (`arco calendar apply`: a term written with another
    /// calendar). A term in hours, one the rulebook lacks or a date out of range: `false`
    /// (then the case is counted again from its acts).
    pub fn still_due(&self, id: TermId, from: NaiveDate, days: u32, due: NaiveDate) -> bool {
        self.term(id)
            .and_then(|term| self.add_days(term, from, days))
            .is_ok_and(|d| d == due)
    }

    /// Whether an act done at `at` still takes effect on `effective` on this clock's
    /// calendar (counting rule 1).
    pub fn still_effective(&self, at: &Moment, effective: NaiveDate) -> bool {
        self.calendar
            .effective_date(at)
            .is_ok_and(|d| d == effective)
    }

    /// When term `id` counted from an act at `at` falls due, in its own unit: a day for a
    /// term in days, an instant for a term in hours (art. 40).
    pub fn due_at(&self, id: TermId, at: &Moment) -> Result<DueAt, TermError> {
        self.calendar.due_at(at, self.term(id)?.count())
    }

    /// The date an act at `at` takes effect.
    pub fn stamp(&self, at: Moment) -> Result<Stamp, TermError> {
        Ok(Stamp {
            at,
            effective: self.calendar.effective_date(&at)?,
        })
    }

    /// A deadline of term `id` whose length an act set (`days`, e.g. the compliance term
    /// of a resolution), from `from`, met by `done`, seen on `as_of`.
    pub fn deadline_days(
        &self,
        id: TermId,
        from: NaiveDate,
        days: u32,
        done: Option<NaiveDate>,
        as_of: NaiveDate,
        optional: bool,
    ) -> Result<Deadline, TermError> {
        let term = self.term(id)?;
        let due = self.add_days(term, from, days)?;
        Ok(Deadline {
            term: id,
            from,
            days,
            due,
            status: DeadlineStatus::of(due, done, as_of, optional),
            done,
            optional,
            article: term.article.clone(),
        })
    }

    /// A deadline of term `id` from `from`, met by `done`, seen on `as_of`.
    pub fn deadline(
        &self,
        id: TermId,
        from: NaiveDate,
        done: Option<NaiveDate>,
        as_of: NaiveDate,
        optional: bool,
    ) -> Result<Deadline, TermError> {
        let days = self.term(id)?.days;
        self.deadline_days(id, from, days, done, as_of, optional)
    }
}

/// Refuses any key of an act's JSON but `act`, for acts that carry no field: the error
/// names the field and the act, in Spanish, in the shape serde's own messages take
/// ("campo desconocido «x» ...") so every reader (CLI, replay, HTTP) points at it.
pub(crate) fn refuse_extra_fields(v: &serde_json::Value, act: &str) -> Result<(), String> {
    let Some(obj) = v.as_object() else {
        return Ok(());
    };
    match obj.keys().find(|k| k.as_str() != "act") {
        Some(k) => Err(format!(
            "campo desconocido «{k}» en el acto «{act}», que no lleva más campos que «act»"
        )),
        None => Ok(()),
    }
}

/// serde's "unknown field `x`, expected `a`, `b`" about an act, in Spanish and naming the
/// act; `None` for any other message.
pub(crate) fn unknown_field_es(v: &serde_json::Value, message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let act = v
        .get("act")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("?");
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    Some(if expected.is_empty() {
        format!("campo desconocido «{field}» en el acto «{act}», que no lleva más campos que «act»")
    } else {
        format!(
            "campo desconocido «{field}» en el acto «{act}»; sus campos son: {}",
            expected.join(", ")
        )
    })
}

/// The kind of a procedure's act without its data (`$kind`, one variant per variant of
/// the act enum `$act`), with its id in JSON and its Spanish label.
#[macro_export]
#[doc(hidden)]
macro_rules! act_kinds {
    ($(#[$meta:meta])* $kind:ident for $act:ident { $($variant:ident = $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $kind { $($variant),+ }

        impl $kind {
            pub const ALL: &'static [$kind] = &[$($kind::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($kind::$variant => $text),+ }
            }

            pub fn label_es(self) -> &'static str {
                match self { $($kind::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }
        }

        impl $act {
            pub fn kind(&self) -> $kind {
                match self { $($act::$variant { .. } => $kind::$variant),+ }
            }
        }
    };
}
