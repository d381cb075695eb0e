//! A due date that explains itself, in Spanish: when the act took effect and why, which
//! days were counted, and which were skipped and why. A term in natural hours explains
//! itself hour by hour and says it is due at an instant, not at a closing time
//! ([`HoursExplanation`]); [`Calendar::explain_count`] explains a term in any unit.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Serialize;

use super::rule::weekday_es;
use super::{Calendar, Count, HoursExplanation, Moment, TermError};

/// A non-business day passed over, with its reason in Spanish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub reason: String,
}

/// The whole reasoning behind one due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub calendar: String,
    pub timezone: String,
    pub closes: Option<NaiveTime>,
    /// The act as recorded.
    pub moment: Moment,
    /// Its date and time on the office's clock.
    pub local_date: NaiveDate,
    pub local_time: Option<NaiveTime>,
    /// Whether it came at or after the closing time.
    pub after_closing: bool,
    /// Non-business days passed over to reach the effective date.
    pub rolled_over: Vec<SkippedDay>,
    /// Day 0 of the term.
    pub effective: NaiveDate,
    pub days: u32,
    /// The business days counted, day 1 first.
    pub counted: Vec<NaiveDate>,
    /// The non-business days skipped while counting.
    pub skipped: Vec<SkippedDay>,
    pub due: NaiveDate,
}

impl Calendar {
    /// The due date of a term of `days` business days from an act at `m`, with its reasons.
    /// It gives the same date as [`Calendar::due`]; it walks the days to list them, so it
    /// is for showing to people, not for bulk recomputation.
    pub fn explain(&self, m: &Moment, days: u32) -> Result<Explanation, TermError> {
        let due = self.due(m, days)?;
        let effective = self.effective_date(m)?;
        let (local_date, local_time) = m.local(self.timezone());
        let after_closing = self.is_after_closing(local_time);
        let first = if after_closing {
            local_date.succ_opt().unwrap_or(local_date)
        } else {
            local_date
        };
        let mut rolled_over = Vec::new();
        let mut day = first;
        while day < effective {
            rolled_over.push(self.skipped(day)?);
            day = next(day)?;
        }
        let mut counted = Vec::with_capacity(days as usize);
        let mut skipped = Vec::new();
        let mut day = effective;
        while day < due {
            day = next(day)?;
            if self.is_business_day(day)? {
                counted.push(day);
            } else {
                skipped.push(self.skipped(day)?);
            }
        }
        Ok(Explanation {
            calendar: self.name().to_string(),
            timezone: self.timezone().name().to_string(),
            closes: self.closes(),
            moment: *m,
            local_date,
            local_time,
            after_closing,
            rolled_over,
            effective,
            days,
            counted,
            skipped,
            due,
        })
    }

    fn skipped(&self, date: NaiveDate) -> Result<SkippedDay, TermError> {
        Ok(SkippedDay {
            date,
            reason: self.status(date)?.reason_es(),
        })
    }
}

fn next(d: NaiveDate) -> Result<NaiveDate, TermError> {
    d.succ_opt().ok_or(TermError::OutOfRange {
        date: d,
        min: super::MIN_DATE,
        max: super::MAX_DATE,
    })
}

/// `2026-02-09 (lunes)`.
fn day_es(d: NaiveDate) -> String {
    format!("{d} ({})", weekday_es(d.weekday()))
}

impl Explanation {
    /// The reasoning in one line: day 0, the days counted and the days skipped.
    pub fn summary_es(&self) -> String {
        let mut s = format!("día 0: {}", day_es(self.effective));
        if self.after_closing {
            s.push_str(" (presentado después del cierre)");
        }
        if !self.rolled_over.is_empty() {
            s.push_str(&format!(
                " tras {} día(s) inhábil(es)",
                self.rolled_over.len()
            ));
        }
        s.push_str(&format!(
            "; {} {}",
            self.days,
            if self.days == 1 {
                "día hábil"
            } else {
                "días hábiles"
            }
        ));
        if !self.skipped.is_empty() {
            let skipped: Vec<String> = self
                .skipped
                .iter()
                .map(|d| format!("{} {}", d.date.format("%d/%m"), d.reason))
                .collect();
            s.push_str(&format!("; no cuentan: {}", skipped.join(", ")));
        }
        s
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let closes = self
            .closes
            .map(|c| format!("cierre a las {}", c.format("%H:%M")))
            .unwrap_or_else(|| "sin hora de cierre".to_string());
        writeln!(
            f,
            "Calendario: {} ({}, {closes})",
            self.calendar, self.timezone
        )?;
        match self.local_time {
            Some(t) => writeln!(
                f,
                "Acto: {} — en hora local {} a las {}",
                self.moment,
                day_es(self.local_date),
                t.format("%H:%M")
            )?,
            None => writeln!(f, "Acto: {}", day_es(self.local_date))?,
        }
        if self.after_closing
            && let Some(c) = self.closes
        {
            writeln!(
                f,
                "  a partir de la hora de cierre ({}): surte efectos el día hábil siguiente",
                c.format("%H:%M")
            )?;
        }
        for s in &self.rolled_over {
            writeln!(f, "  {}: no es día hábil — {}", day_es(s.date), s.reason)?;
        }
        writeln!(f, "Surte efectos (día 0): {}", day_es(self.effective))?;
        if self.days == 0 {
            return writeln!(f, "Plazo de 0 días: la fecha es la de efectos.");
        }
        writeln!(
            f,
            "Plazo: {} días hábiles contados a partir del día siguiente",
            self.days
        )?;
        let mut skipped = self.skipped.iter().peekable();
        for (n, day) in self.counted.iter().enumerate() {
            while let Some(s) = skipped.next_if(|s| s.date < *day) {
                writeln!(f, "  omitido  {} — {}", day_es(s.date), s.reason)?;
            }
            writeln!(f, "  día {:>3}  {}", n + 1, day_es(*day))?;
        }
        let ends = self
            .closes
            .map(|c| format!(" a las {}", c.format("%H:%M")))
            .unwrap_or_default();
        write!(f, "Vence: {}{ends}", day_es(self.due))
    }
}

/// A term in calendar days (días naturales), explained: day 0 is the act's own date, every
/// day counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarDaysExplanation {
    pub calendar: String,
    pub moment: Moment,
    pub day0: NaiveDate,
    pub days: u32,
    pub due: NaiveDate,
    /// The non-business days inside the term, which count all the same.
    pub non_business: Vec<SkippedDay>,
}

impl fmt::Display for CalendarDaysExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Calendario: {}", self.calendar)?;
        writeln!(f, "Acto: {} — día 0: {}", self.moment, day_es(self.day0))?;
        writeln!(
            f,
            "Plazo: {} días naturales contados desde el día siguiente: cuentan todos los días, hábiles o no, y la hora de cierre no mueve el día 0",
            self.days
        )?;
        for s in &self.non_business {
            writeln!(f, "  {}: {} — cuenta igual", day_es(s.date), s.reason)?;
        }
        write!(f, "Vence: {}, al terminar ese día", day_es(self.due))
    }
}

/// The explanation of a term in its own unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", rename_all = "snake_case")]
pub enum CountExplanation {
    BusinessDays(Explanation),
    CalendarDays(CalendarDaysExplanation),
    Hours(HoursExplanation),
}

impl CountExplanation {
    /// The due date or instant, as `arco due` prints it first (RFC 3339 for an instant).
    pub fn due_text(&self) -> String {
        match self {
            CountExplanation::BusinessDays(e) => e.due.to_string(),
            CountExplanation::CalendarDays(e) => e.due.to_string(),
            CountExplanation::Hours(e) => e.due.to_rfc3339(),
        }
    }
}

impl fmt::Display for CountExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CountExplanation::BusinessDays(e) => write!(f, "{e}"),
            CountExplanation::CalendarDays(e) => write!(f, "{e}"),
            CountExplanation::Hours(e) => write!(f, "{e}"),
        }
    }
}

impl Calendar {
    /// The explanation of a term counted as `count` from an act at `m`: business days day
    /// by day, calendar days with the non-business days they include, hours day by day
    /// to the instant they fall due.
    pub fn explain_count(&self, m: &Moment, count: Count) -> Result<CountExplanation, TermError> {
        Ok(match count {
            Count::BusinessDays(n) => CountExplanation::BusinessDays(self.explain(m, n)?),
            Count::Hours(n) => CountExplanation::Hours(self.explain_hours(m, n)?),
            Count::CalendarDays(n) => {
                let due = self.due_calendar_days(m, n)?;
                let day0 = m.local(self.timezone()).0;
                let non_business = match day0.succ_opt() {
                    Some(first) if first <= due => self
                        .non_business_days(first, due)?
                        .into_iter()
                        .map(|(date, st)| SkippedDay {
                            date,
                            reason: st.reason_es(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                CountExplanation::CalendarDays(CalendarDaysExplanation {
                    calendar: self.name().to_string(),
                    moment: *m,
                    day0,
                    days: n,
                    due,
                    non_business,
                })
            }
        })
    }
}
