//! The business-day calendar: which days count, and by what date a term falls due.
//!
//! "Días" in the LPDPPSOJ are business days (art. 3.1.XII). Which days are business days
//! is set by art. 38 of the Ley para los Servidores Públicos del Estado de Jalisco y sus
//! Municipios, and every body publishes its own días inhábiles on top (an overlay calendar,
//! `extends`). The counting rules are those of `shared/docs/terms.md`, "How a term is
//! counted":
//!
//! 1. an act takes effect on its **effective date**: its calendar date in the calendar's
//!    time zone, moved to the next business day when it falls on a non-business day or at
//!    or after the office's closing time ([`Calendar::effective_date`]);
//! 2. day 0 is that effective date; a term of N days falls due on the N-th business day
//!    after it ([`Calendar::add_business_days`], [`Calendar::due`]);
//! 3. a term that ends on a business day ends at the office's closing time that day
//!    ([`Calendar::deadline_end`]).
//!
//! Terms in natural hours (art. 40: 72 hours to notify a security breach) and in calendar
//! days are counted on the wall clock instead, and a term in hours is due at an instant,
//! not at a closing time: see [`Count`], [`DueAt`] and [`Calendar::due_hours`].
//!
//! A [`Calendar`] is an index built once from its files: after that, every term costs two
//! array reads (O(1)), for any date from [`MIN_DATE`] to [`MAX_DATE`]. Outside that range
//! every call returns a [`TermError`]; nothing panics on input.

mod error;
mod explain;
mod hours;
mod load;
mod moment;
pub mod rule;
mod spec;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

pub use error::{CalendarError, TermError};
pub use explain::{CalendarDaysExplanation, CountExplanation, Explanation, SkippedDay};
pub use hours::{Count, DueAt, HourSpan, HoursExplanation};
pub use load::{CalendarLoader, builtin_calendar_names};
pub use moment::Moment;
pub use rule::{Closure, EnabledDay, Holiday, HolidayRule};
pub use spec::CalendarSpec;

/// First date arco counts on.
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(d) => d,
    None => panic!("fecha mínima inválida"),
};
/// Last date arco counts on.
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => panic!("fecha máxima inválida"),
};

/// Why a day is, or is not, a business day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayStatus {
    /// An ordinary business day.
    Business,
    /// A day that would not be a business day, declared one (día habilitado).
    Enabled { reason: String },
    /// A weekend day.
    Weekend { weekday: Weekday },
    /// A holiday (día de descanso obligatorio or día inhábil), by name.
    Holiday { name: String },
    /// A day inside a closure (vacaciones, cierre), by name.
    Closure { name: String },
}

impl DayStatus {
    /// Whether terms count this day.
    pub fn is_business(&self) -> bool {
        matches!(self, DayStatus::Business | DayStatus::Enabled { .. })
    }

    /// The reason in Spanish, as shown to staff (`fin de semana (sábado)`,
    /// `día festivo: Año Nuevo`...).
    pub fn reason_es(&self) -> String {
        match self {
            DayStatus::Business => "día hábil".to_string(),
            DayStatus::Enabled { reason } => format!("día habilitado: {reason}"),
            DayStatus::Weekend { weekday } => {
                format!("fin de semana ({})", rule::weekday_es(*weekday))
            }
            DayStatus::Holiday { name } => format!("día inhábil: {name}"),
            DayStatus::Closure { name } => format!("cierre: {name}"),
        }
    }
}

/// The most labels (distinct day reasons) one calendar chain may hold.
const MAX_LABELS: usize = u16::MAX as usize;

/// A body's business-day calendar, indexed for constant-time term arithmetic.
#[derive(Debug, Clone)]
pub struct Calendar {
    name: String,
    timezone: Tz,
    closes: Option<NaiveTime>,
    weekend: Vec<Weekday>,
    chain: Vec<CalendarSpec>,
    /// `labels[0]` is the ordinary business day.
    labels: Vec<DayStatus>,
    /// One label per day from `MIN_DATE`.
    day_label: Vec<u16>,
    /// `rank[i]`: how many business days come before day `i` (length: days + 1).
    rank: Vec<u32>,
    /// Every business day, in order (a `NaiveDate` is 4 bytes: no conversion on the hot
    /// path).
    business: Vec<NaiveDate>,
}

impl Calendar {
    /// A calendar from one root file's spec.
    pub fn from_spec(spec: CalendarSpec) -> Result<Calendar, CalendarError> {
        Calendar::from_chain(vec![spec])
    }

    /// A calendar from a chain of specs, the root first and each overlay after the one it
    /// extends. The last spec names the calendar and its time zone, closing time and
    /// weekend win over those it extends. In each layer, closures and holidays take days
    /// off, and then its enabled days give them back: a layer's días habilitados override
    /// everything below and in it, and a later layer's días inhábiles override those.
    pub fn from_chain(chain: Vec<CalendarSpec>) -> Result<Calendar, CalendarError> {
        let leaf = chain
            .last()
            .cloned()
            .unwrap_or_else(|| CalendarSpec::new("vacío"));
        let timezone = chain
            .iter()
            .rev()
            .find_map(|s| s.timezone)
            .unwrap_or(chrono_tz::America::Mexico_City);
        let closes = chain.iter().rev().find_map(|s| s.closes);
        let weekend = chain
            .iter()
            .rev()
            .find_map(|s| s.weekend.clone())
            .unwrap_or_else(|| vec![Weekday::Sat, Weekday::Sun]);

        let rule_count: usize = chain
            .iter()
            .map(|s| s.holidays.len() + s.closures.len() + s.enabled.len())
            .sum();
        if rule_count + 8 > MAX_LABELS {
            return Err(CalendarError::TooManyRules {
                count: rule_count,
                max: MAX_LABELS - 8,
            });
        }

        let n = day_count();
        let mut labels = vec![DayStatus::Business];
        let mut day_label = vec![0u16; n];
        let mut weekday_label = [0u16; 7];
        for &w in &weekend {
            labels.push(DayStatus::Weekend { weekday: w });
            weekday_label[w.num_days_from_monday() as usize] = (labels.len() - 1) as u16;
        }
        // 1990-01-01 was a Monday; weekday of day i is i % 7 from Monday.
        debug_assert_eq!(MIN_DATE.weekday(), Weekday::Mon);
        for (i, l) in day_label.iter_mut().enumerate() {
            *l = weekday_label[i % 7];
        }
        let (first_year, last_year) = (MIN_DATE.year(), MAX_DATE.year());
        for spec in &chain {
            for c in &spec.closures {
                labels.push(DayStatus::Closure {
                    name: c.name.clone(),
                });
                let id = (labels.len() - 1) as u16;
                let from = c.from.max(MIN_DATE);
                let to = c.to.min(MAX_DATE);
                if from <= to {
                    day_label[index(from)..=index(to)].fill(id);
                }
            }
            for h in &spec.holidays {
                labels.push(DayStatus::Holiday {
                    name: h.name.clone(),
                });
                let id = (labels.len() - 1) as u16;
                // An Easter offset can carry a holiday across a year end.
                let spill = match h.rule {
                    HolidayRule::Easter { offset } => (offset.unsigned_abs() / 365) as i32 + 1,
                    _ => 0,
                };
                for y in first_year - spill..=last_year + spill {
                    if let Some(d) = h.date_in(y)
                        && (MIN_DATE..=MAX_DATE).contains(&d)
                    {
                        day_label[index(d)] = id;
                    }
                }
            }
            for e in &spec.enabled {
                if (MIN_DATE..=MAX_DATE).contains(&e.on) {
                    labels.push(DayStatus::Enabled {
                        reason: e.reason.clone(),
                    });
                    day_label[index(e.on)] = (labels.len() - 1) as u16;
                }
            }
        }

        let mut rank = Vec::with_capacity(n + 1);
        let mut business = Vec::with_capacity(n);
        let mut count = 0u32;
        let mut day = MIN_DATE;
        for &l in &day_label {
            rank.push(count);
            if labels[l as usize].is_business() {
                business.push(day);
                count += 1;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        rank.push(count);
        business.shrink_to_fit();

        Ok(Calendar {
            name: leaf.name.clone(),
            timezone,
            closes,
            weekend,
            chain,
            labels,
            day_label,
            rank,
            business,
        })
    }

    /// The calendar's name (that of the last file in its chain).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The time zone acts are read in.
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// The office's closing time, if it has one.
    pub fn closes(&self) -> Option<NaiveTime> {
        self.closes
    }

    /// The weekdays that are not business days.
    pub fn weekend(&self) -> &[Weekday] {
        &self.weekend
    }

    /// The specs this calendar was built from, root first.
    pub fn chain(&self) -> &[CalendarSpec] {
        &self.chain
    }

    #[inline]
    fn idx(&self, d: NaiveDate) -> Result<usize, TermError> {
        if (MIN_DATE..=MAX_DATE).contains(&d) {
            Ok(index(d))
        } else {
            Err(TermError::OutOfRange {
                date: d,
                min: MIN_DATE,
                max: MAX_DATE,
            })
        }
    }

    /// Why `d` is or is not a business day.
    pub fn status(&self, d: NaiveDate) -> Result<&DayStatus, TermError> {
        let i = self.idx(d)?;
        Ok(&self.labels[self.day_label[i] as usize])
    }

    /// Whether terms count `d`.
    pub fn is_business_day(&self, d: NaiveDate) -> Result<bool, TermError> {
        Ok(self.status(d)?.is_business())
    }

    /// The first business day on or after `d`.
    pub fn business_day_on_or_after(&self, d: NaiveDate) -> Result<NaiveDate, TermError> {
        let i = self.idx(d)?;
        match self.business.get(self.rank[i] as usize) {
            Some(&b) => Ok(b),
            None => Err(TermError::BeyondRange {
                from: d,
                days: 0,
                max: MAX_DATE,
            }),
        }
    }

    /// Rule 1 of the counting rules: the date an act done at `m` takes effect.
    pub fn effective_date(&self, m: &Moment) -> Result<NaiveDate, TermError> {
        let (date, time) = m.local(self.timezone);
        let start = if self.is_after_closing(time) {
            self.idx(date)?;
            date.succ_opt().ok_or(TermError::OutOfRange {
                date,
                min: MIN_DATE,
                max: MAX_DATE,
            })?
        } else {
            date
        };
        self.business_day_on_or_after(start)
    }

    fn is_after_closing(&self, time: Option<NaiveTime>) -> bool {
        matches!((time, self.closes), (Some(t), Some(c)) if t >= c)
    }

    /// Rule 2: the `n`-th business day after `day0` (`n = 0` gives `day0` itself). O(1).
    #[inline]
    pub fn add_business_days(&self, day0: NaiveDate, n: u32) -> Result<NaiveDate, TermError> {
        let i = self.idx(day0)?;
        if n == 0 {
            return Ok(day0);
        }
        let k = self.rank[i + 1] as usize + n as usize - 1;
        match self.business.get(k) {
            Some(&b) => Ok(b),
            None => Err(TermError::BeyondRange {
                from: day0,
                days: n,
                max: MAX_DATE,
            }),
        }
    }

    /// The due date of a term of `n` business days counted from an act done at `m`.
    pub fn due(&self, m: &Moment, n: u32) -> Result<NaiveDate, TermError> {
        self.add_business_days(self.effective_date(m)?, n)
    }

    /// How many business days fall after `from` up to and including `to` (0 when `to` is
    /// not after `from`). This is the "remaining days" of a suspended term (rule 4).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, TermError> {
        let (a, b) = (self.idx(from)?, self.idx(to)?);
        Ok(self.rank[b + 1].saturating_sub(self.rank[a + 1]))
    }

    /// Rule 3: the instant a term due on `due` ends: the closing time that day in the
    /// calendar's zone, or the end of the day when the office has no closing time.
    pub fn deadline_end(&self, due: NaiveDate) -> Option<chrono::DateTime<Tz>> {
        let t = self
            .closes
            .unwrap_or_else(|| NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
        self.timezone
            .from_local_datetime(&due.and_time(t))
            .earliest()
    }

    /// Every non-business day from `from` to `to` (both included), with its reason.
    pub fn non_business_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, &DayStatus)>, TermError> {
        if to < from {
            return Err(TermError::Reversed { from, to });
        }
        let (a, b) = (self.idx(from)?, self.idx(to)?);
        Ok((a..=b)
            .filter_map(|i| {
                let s = &self.labels[self.day_label[i] as usize];
                (!s.is_business()).then(|| (date_of(i), s))
            })
            .collect())
    }

    /// A one-line summary in Spanish, as `arco calendar check` prints it.
    pub fn summary(&self) -> String {
        let holidays: usize = self.chain.iter().map(|s| s.holidays.len()).sum();
        let closures: usize = self.chain.iter().map(|s| s.closures.len()).sum();
        let enabled: usize = self.chain.iter().map(|s| s.enabled.len()).sum();
        let weekend: Vec<&str> = self.weekend.iter().map(|w| rule::weekday_es(*w)).collect();
        let closes = match self.closes {
            Some(c) => format!("cierre {}", c.format("%H:%M")),
            None => "sin hora de cierre".to_string(),
        };
        let layers = if self.chain.len() > 1 {
            format!(
                ", sobre {}",
                self.chain[..self.chain.len() - 1]
                    .iter()
                    .map(|s| format!("«{}»", s.name))
                    .collect::<Vec<_>>()
                    .join(" y ")
            )
        } else {
            String::new()
        };
        format!(
            "válido: «{}»{layers}; {}, {closes}, fin de semana: {}; {}, {}, {}",
            self.name,
            self.timezone.name(),
            if weekend.is_empty() {
                "ninguno".to_string()
            } else {
                weekend.join(", ")
            },
            plural(holidays, "día festivo", "días festivos"),
            plural(closures, "cierre", "cierres"),
            plural(enabled, "día habilitado", "días habilitados"),
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn day_count() -> usize {
    (MAX_DATE - MIN_DATE).num_days() as usize + 1
}

/// Days from `MIN_DATE` (`d` must not be before it): day numbers from the common era,
/// cheaper than subtracting dates.
#[inline]
fn index(d: NaiveDate) -> usize {
    (d.num_days_from_ce() - MIN_DATE.num_days_from_ce()) as usize
}

fn date_of(i: usize) -> NaiveDate {
    MIN_DATE + Duration::days(i as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn sample() -> Calendar {
        let spec = CalendarSpec::parse(
            r#"
name = "prueba"
closes = "15:00"
[[holiday]]
name = "Año Nuevo"
date = "01-01"
[[closure]]
name = "Invierno"
from = "2025-12-22"
to = "2026-01-02"
[[enabled]]
on = "2026-01-03"
reason = "Acuerdo del Pleno"
"#,
            "prueba.toml",
        )
        .unwrap();
        Calendar::from_spec(spec).unwrap()
    }

    #[test]
    fn counts_business_days_after_day_zero() {
        let c = sample();
        // Thu 2026-02-05 + 3 → Tue 2026-02-10 (Sat 7, Sun 8 skipped).
        assert_eq!(
            c.add_business_days(d("2026-02-05"), 3).unwrap(),
            d("2026-02-10")
        );
        assert_eq!(
            c.add_business_days(d("2026-02-05"), 0).unwrap(),
            d("2026-02-05")
        );
        // From a Saturday, day 1 is the Monday.
        assert_eq!(
            c.add_business_days(d("2026-02-07"), 1).unwrap(),
            d("2026-02-09")
        );
    }

    #[test]
    fn closing_time_both_sides_of_the_hour() {
        let c = sample();
        let before: Moment = "2026-02-05T14:59".parse().unwrap();
        let at: Moment = "2026-02-05T15:00".parse().unwrap();
        assert_eq!(c.effective_date(&before).unwrap(), d("2026-02-05"));
        assert_eq!(c.effective_date(&at).unwrap(), d("2026-02-06"));
        // Friday after hours moves to Monday.
        let fri: Moment = "2026-02-06T15:30".parse().unwrap();
        assert_eq!(c.effective_date(&fri).unwrap(), d("2026-02-09"));
    }

    #[test]
    fn closures_and_enabled_days() {
        let c = sample();
        assert!(!c.is_business_day(d("2025-12-24")).unwrap());
        // Saturday 2026-01-03 is enabled: a filing inside the closure takes effect then.
        assert!(c.is_business_day(d("2026-01-03")).unwrap());
        assert_eq!(
            c.effective_date(&Moment::Date(d("2025-12-23"))).unwrap(),
            d("2026-01-03")
        );
        assert_eq!(
            c.add_business_days(d("2026-01-03"), 1).unwrap(),
            d("2026-01-05")
        );
        assert_eq!(
            c.business_days_between(d("2025-12-19"), d("2026-01-05"))
                .unwrap(),
            2
        );
    }

    #[test]
    fn out_of_range_is_an_error_not_a_panic() {
        let c = sample();
        assert!(matches!(
            c.add_business_days(d("1989-12-31"), 1),
            Err(TermError::OutOfRange { .. })
        ));
        assert!(matches!(
            c.add_business_days(d("2100-12-30"), 5),
            Err(TermError::BeyondRange { .. })
        ));
        assert!(c.add_business_days(d("2000-01-01"), u32::MAX).is_err());
        assert!(
            c.effective_date(&"2100-12-31T23:00".parse().unwrap())
                .is_err()
        );
        assert!(
            c.effective_date(&"1989-12-31T23:00".parse().unwrap())
                .is_err()
        );
        assert!(
            c.non_business_days(d("2026-02-10"), d("2026-02-01"))
                .is_err()
        );
    }

    #[test]
    fn deadline_ends_at_closing_time() {
        let c = sample();
        let end = c.deadline_end(d("2026-02-10")).unwrap();
        assert_eq!(end.to_rfc3339(), "2026-02-10T15:00:00-06:00");
    }
}
