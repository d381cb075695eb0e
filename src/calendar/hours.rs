//! Terms that do not count business days: **natural hours** (art. 40: "setenta y dos
//! horas") and **calendar days** (días naturales, for a law that says so).
//!
//! The LPDPPSOJ defines "días" as business days (art. 3.1.XII) and says nothing of hours.
//! arco reads "72 horas" as 72 natural hours, counted on the wall clock day and night,
//! through weekends, holidays and closures, from the instant of the act that starts them:
//!
//! - the glossary turns "días" into business days, not hours: an hour is not a day, and
//!   "72 horas" is not "3 días";
//! - art. 40 asks the responsable to inform "sin dilación alguna" and gives 72 hours as a
//!   "plazo máximo", so that the titulares "puedan tomar las medidas correspondientes para
//!   la defensa de sus derechos": a clock that stopped on a weekend would defeat that;
//! - of the two readings, natural hours is the shorter one, the most favourable to the
//!   titular (art. 6.1).
//!
//! A term in hours is due **at an instant** (the start plus the hours), not at a closing
//! time: the office's closing time neither moves its start nor its end, and an act done at
//! or before that instant is on time ([`Calendar::due_hours`]).
//!
//! Hours are elapsed hours: 72 hours are 72 × 60 minutes of real time. Mexico abolished
//! daylight saving time in 2022 (Ley de los Husos Horarios, in force from 30 October 2022),
//! so in America/Mexico_City the wall clock and the elapsed time agree for every term
//! counted since; in a zone that still changes its clock (the northern border, e.g.
//! America/Tijuana) or for older dates, the due instant is the start plus the elapsed
//! hours, shown on the wall clock of that moment (which may read one hour more or less).
//!
//! An act recorded with a date but no time starts an hour term at 00:00 of that day: the
//! earliest instant it may have happened, so the term is never longer than the law's
//! (art. 6.1). A local time that never existed on the wall clock (the hour skipped when a
//! zone put its clocks forward) is read as the instant it would have been with the offset
//! in force just before the change; a local time that happened twice, as the first one.
//!
//! Calendar days count from the act's own local date (day 0, not moved by the closing
//! time nor by non-business days, since the clock does not stop) to the N-th calendar day
//! after it, ending at the end of that day ([`Calendar::due_calendar_days`]).

use std::fmt;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone,
};
use chrono_tz::Tz;
use serde::Serialize;

use super::rule::weekday_es;
use super::{Calendar, MAX_DATE, MIN_DATE, Moment, TermError};

/// The unit and length of a term, as a calendar counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Count {
    /// Business days (the law's "días", art. 3.1.XII): due on a date, at closing time.
    BusinessDays(u32),
    /// Calendar days (días naturales): due on a date, at the end of that day.
    CalendarDays(u32),
    /// Natural hours (art. 40): due at an instant.
    Hours(u32),
}

impl Count {
    /// `10 días hábiles`, `3 días naturales`, `72 horas naturales`.
    pub fn label_es(self) -> String {
        match self {
            Count::BusinessDays(1) => "1 día hábil".to_string(),
            Count::BusinessDays(n) => format!("{n} días hábiles"),
            Count::CalendarDays(1) => "1 día natural".to_string(),
            Count::CalendarDays(n) => format!("{n} días naturales"),
            Count::Hours(1) => "1 hora natural".to_string(),
            Count::Hours(n) => format!("{n} horas naturales"),
        }
    }
}

/// When a term falls due: on a day (terms in days) or at an instant (terms in hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DueAt {
    /// Due on `date`; it ends at `ends` (the closing time for business days, rule 3; the
    /// end of the day for calendar days). On time: an act whose effective date (business
    /// days) or local date (calendar days) is on or before `date`.
    Day {
        date: NaiveDate,
        ends: Option<DateTime<FixedOffset>>,
    },
    /// Due at the instant `at`, whatever the office hours. On time: an act done at or
    /// before it.
    Instant { at: DateTime<FixedOffset> },
}

impl DueAt {
    /// The calendar date it falls due on (for an instant, its date on the calendar's
    /// clock, as `at` carries the offset of that zone).
    pub fn date(&self) -> NaiveDate {
        match self {
            DueAt::Day { date, .. } => *date,
            DueAt::Instant { at } => at.date_naive(),
        }
    }

    /// Whether the term falls due at an instant rather than at the end of a day.
    pub fn is_instant(&self) -> bool {
        matches!(self, DueAt::Instant { .. })
    }
}

impl fmt::Display for DueAt {
    /// `2026-02-20` for a day; `2026-02-08T10:30:00-06:00` (RFC 3339) for an instant.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DueAt::Day { date, .. } => write!(f, "{date}"),
            DueAt::Instant { at } => write!(f, "{}", at.to_rfc3339()),
        }
    }
}

/// The hours of a term that fall on one calendar day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourSpan {
    pub date: NaiveDate,
    /// Minutes of the term on that day (up to 1440; 1380 or 1500 on a day a zone changes
    /// its clock).
    pub minutes: u32,
    /// Where the span starts and ends on that day's wall clock (`None`: the day's start or
    /// end).
    pub from: Option<NaiveTime>,
    pub to: Option<NaiveTime>,
    /// The day's status on the calendar in Spanish (`día hábil`, `fin de semana
    /// (sábado)`...): shown so that it is plain the hours run on any day.
    pub status: String,
    pub business: bool,
}

/// The reasoning behind the due instant of a term in hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoursExplanation {
    pub calendar: String,
    pub timezone: String,
    /// The act as recorded.
    pub moment: Moment,
    /// The act had no time: the count starts at 00:00 of its date (art. 6.1).
    pub date_only: bool,
    /// The instant the count starts, on the calendar's clock.
    pub start: DateTime<FixedOffset>,
    pub hours: u32,
    /// The instant the term falls due.
    pub due: DateTime<FixedOffset>,
    /// The hours day by day, the start's day first.
    pub days: Vec<HourSpan>,
    /// The zone's offset changed between start and due (daylight saving time).
    pub offset_changed: bool,
}

/// 00:00 of `d` on the wall clock of `tz` (or the first instant of the day, if that hour
/// was skipped).
fn local_midnight(tz: Tz, d: NaiveDate) -> DateTime<Tz> {
    resolve_local(tz, d.and_time(NaiveTime::MIN))
}

/// A wall-clock time of `tz` as an instant: the first of two when it happened twice; when
/// it never happened (a gap when clocks went forward), the instant it would have been with
/// the offset in force just before the gap.
fn resolve_local(tz: Tz, t: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(x) => x,
        LocalResult::Ambiguous(a, _) => a,
        LocalResult::None => {
            // The offset before the gap: that of a time safely earlier that day.
            let before = t - Duration::hours(6);
            let offset = match tz.from_local_datetime(&before) {
                LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.offset().fix(),
                LocalResult::None => tz.offset_from_utc_datetime(&t).fix(),
            };
            let utc = t - Duration::seconds(i64::from(offset.local_minus_utc()));
            tz.from_utc_datetime(&utc)
        }
    }
}

fn fixed(t: DateTime<Tz>) -> DateTime<FixedOffset> {
    t.with_timezone(&t.offset().fix())
}

impl Calendar {
    fn check_date(&self, d: NaiveDate) -> Result<(), TermError> {
        if (MIN_DATE..=MAX_DATE).contains(&d) {
            Ok(())
        } else {
            Err(TermError::OutOfRange {
                date: d,
                min: MIN_DATE,
                max: MAX_DATE,
            })
        }
    }

    /// The instant an act done at `m` happened, on this calendar's clock: a date alone is
    /// 00:00 of that day (the earliest it may have been); an office time is read in the
    /// calendar's zone; an instant keeps its own.
    pub fn instant(&self, m: &Moment) -> Result<DateTime<Tz>, TermError> {
        let (date, _) = m.local(self.timezone());
        self.check_date(date)?;
        Ok(match *m {
            Moment::Date(d) => local_midnight(self.timezone(), d),
            Moment::Local(dt) => resolve_local(self.timezone(), dt),
            Moment::Instant(i) => i.with_timezone(&self.timezone()),
        })
    }

    /// The latest instant an act done at `m` may have happened: a date alone is 23:59:59
    /// of that day, so an act recorded without its time is on time against a term in
    /// hours only if the whole day was (art. 6.1: the doubt is not the titular's); any
    /// other moment is its [`Calendar::instant`].
    pub fn instant_latest(&self, m: &Moment) -> Result<DateTime<Tz>, TermError> {
        match *m {
            Moment::Date(d) => {
                self.check_date(d)?;
                let end = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
                Ok(resolve_local(self.timezone(), d.and_time(end)))
            }
            _ => self.instant(m),
        }
    }

    /// The instant a term of `hours` natural hours counted from an act at `m` falls due:
    /// the act's instant plus the hours, day and night, on any day. O(1).
    pub fn due_hours(&self, m: &Moment, hours: u32) -> Result<DateTime<Tz>, TermError> {
        let start = self.instant(m)?;
        let due = start + Duration::hours(i64::from(hours));
        if due.date_naive() > MAX_DATE {
            return Err(TermError::HoursBeyondRange {
                from: start.date_naive(),
                hours,
                max: MAX_DATE,
            });
        }
        Ok(due)
    }

    /// The date a term of `n` calendar days from an act at `m` falls due: the act's local
    /// date plus `n` days, whatever they are.
    pub fn due_calendar_days(&self, m: &Moment, n: u32) -> Result<NaiveDate, TermError> {
        let (date, _) = m.local(self.timezone());
        self.check_date(date)?;
        self.add_calendar_days(date, n)
    }

    /// `day0` plus `n` calendar days.
    pub fn add_calendar_days(&self, day0: NaiveDate, n: u32) -> Result<NaiveDate, TermError> {
        self.check_date(day0)?;
        day0.checked_add_signed(Duration::days(i64::from(n)))
            .filter(|d| *d <= MAX_DATE)
            .ok_or(TermError::CalendarDaysBeyondRange {
                from: day0,
                days: n,
                max: MAX_DATE,
            })
    }

    /// The instant a term due on `date` in calendar days ends: the end of that day.
    pub fn calendar_day_end(&self, date: NaiveDate) -> Option<DateTime<Tz>> {
        let end = NaiveTime::from_hms_opt(23, 59, 59)?;
        Some(resolve_local(self.timezone(), date.and_time(end)))
    }

    /// When a term counted as `count` from an act at `m` falls due, in its own kind: a
    /// day for days, an instant for hours.
    pub fn due_at(&self, m: &Moment, count: Count) -> Result<DueAt, TermError> {
        Ok(match count {
            Count::BusinessDays(n) => {
                let date = self.due(m, n)?;
                DueAt::Day {
                    date,
                    ends: self.deadline_end(date).map(fixed),
                }
            }
            Count::CalendarDays(n) => {
                let date = self.due_calendar_days(m, n)?;
                DueAt::Day {
                    date,
                    ends: self.calendar_day_end(date).map(fixed),
                }
            }
            Count::Hours(n) => DueAt::Instant {
                at: fixed(self.due_hours(m, n)?),
            },
        })
    }

    /// The due instant of a term of `hours` natural hours from an act at `m`, with the
    /// hours day by day. Same instant as [`Calendar::due_hours`].
    pub fn explain_hours(&self, m: &Moment, hours: u32) -> Result<HoursExplanation, TermError> {
        let tz = self.timezone();
        let start = self.instant(m)?;
        let due = self.due_hours(m, hours)?;
        let mut days = Vec::new();
        let mut day = start.date_naive();
        let mut cursor = start;
        while cursor < due || days.is_empty() {
            let next_day = day.succ_opt().ok_or(TermError::OutOfRange {
                date: day,
                min: MIN_DATE,
                max: MAX_DATE,
            })?;
            let midnight = local_midnight(tz, next_day);
            let end = if due < midnight { due } else { midnight };
            let status = self.status(day)?;
            let t = cursor.naive_local().time();
            let from = (t != NaiveTime::MIN).then_some(t);
            let to = (end != midnight).then(|| end.naive_local().time());
            days.push(HourSpan {
                date: day,
                minutes: (end - cursor).num_minutes().max(0) as u32,
                from,
                to,
                status: status.reason_es(),
                business: status.is_business(),
            });
            if end >= due {
                break;
            }
            cursor = midnight;
            day = next_day;
        }
        Ok(HoursExplanation {
            calendar: self.name().to_string(),
            timezone: tz.name().to_string(),
            moment: *m,
            date_only: matches!(m, Moment::Date(_)),
            start: fixed(start),
            hours,
            due: fixed(due),
            offset_changed: start.offset().fix() != due.offset().fix(),
            days,
        })
    }
}

/// `13 h 30 min`, `24 h`.
fn duration_es(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn day_es(d: NaiveDate) -> String {
    format!("{d} ({})", weekday_es(d.weekday()))
}

/// `UTC−06:00`.
fn offset_es(t: &DateTime<FixedOffset>) -> String {
    let s = t.offset().local_minus_utc();
    let sign = if s < 0 { '−' } else { '+' };
    let s = s.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

impl HoursExplanation {
    /// The reasoning in one line.
    pub fn summary_es(&self) -> String {
        let mut s = format!(
            "desde {} a las {}; {} horas naturales, de día y de noche y en días inhábiles",
            day_es(self.start.date_naive()),
            self.start.format("%H:%M"),
            self.hours
        );
        if self.date_only {
            s.push_str(" (acto sin hora: desde las 00:00, art. 6.1)");
        }
        s.push_str(&format!(
            "; vence el {} a las {}, en ese instante y no a la hora de cierre",
            day_es(self.due.date_naive()),
            self.due.format("%H:%M")
        ));
        s
    }
}

impl fmt::Display for HoursExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Calendario: {} ({})", self.calendar, self.timezone)?;
        if self.date_only {
            writeln!(f, "Acto: {} — sin hora", day_es(self.start.date_naive()))?;
        } else {
            writeln!(
                f,
                "Acto: {} — en hora local {} a las {}",
                self.moment,
                day_es(self.start.date_naive()),
                self.start.format("%H:%M")
            )?;
        }
        if self.date_only {
            writeln!(
                f,
                "  el acto se registró sin hora: se cuenta desde las 00:00 de ese día, el primer instante en que pudo ocurrir (lectura más favorable al titular, art. 6.1)"
            )?;
        }
        writeln!(
            f,
            "Plazo: {} horas naturales contadas desde ese instante: corren de día y de noche, en días hábiles e inhábiles (fines de semana, días festivos y cierres no las detienen), y la hora de cierre de la oficina no las mueve",
            self.hours
        )?;
        for s in &self.days {
            let mut range = String::new();
            match (s.from, s.to) {
                (Some(a), Some(b)) => {
                    range = format!(" de las {} a las {}", a.format("%H:%M"), b.format("%H:%M"))
                }
                (Some(a), None) => range = format!(" desde las {}", a.format("%H:%M")),
                (None, Some(b)) => range = format!(" hasta las {}", b.format("%H:%M")),
                (None, None) => {}
            }
            let note = if s.business {
                String::new()
            } else {
                format!(" — {}: cuenta igual", s.status)
            };
            writeln!(
                f,
                "  {:<22} {:>11}{range}{note}",
                day_es(s.date),
                duration_es(s.minutes)
            )?;
        }
        if self.offset_changed {
            writeln!(
                f,
                "  la zona cambió de horario en el plazo ({} → {}): se cuentan {} horas transcurridas",
                offset_es(&self.start),
                offset_es(&self.due),
                self.hours
            )?;
        }
        write!(
            f,
            "Vence: {} a las {} ({}, {}): en ese instante, no a la hora de cierre",
            day_es(self.due.date_naive()),
            self.due.format("%H:%M"),
            self.timezone,
            offset_es(&self.due)
        )
    }
}
