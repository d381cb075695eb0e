//! The rules a calendar file is made of, already validated: which days a holiday falls on
//! in a given year, which days a closure covers, which days are declared business days.
//!
//! These are the building blocks of a [`super::CalendarSpec`]; [`super::Calendar`] turns
//! them into an index once, so that counting a term never evaluates a rule again.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

/// How a recurring or one-off holiday (día de descanso obligatorio, día inhábil) is fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayRule {
    /// The same month and day every year (`date = "MM-DD"`). A 29 February holiday only
    /// falls in leap years.
    Fixed { month: u32, day: u32 },
    /// The `nth` `weekday` of `month` (`nth = -1` is the last one). `nth` is in 1..=4 or
    /// -4..=-1, so the day exists every year.
    NthWeekday {
        month: u32,
        weekday: Weekday,
        nth: i8,
    },
    /// A number of days before (negative) or after Easter Sunday (Gregorian computus).
    Easter { offset: i32 },
    /// One date only (`on = "YYYY-MM-DD"`): a día inhábil declared by acuerdo.
    Once { date: NaiveDate },
}

/// A holiday as written in a calendar file: its name, its rule and the years it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub name: String,
    pub rule: HolidayRule,
    /// First year the holiday applies (inclusive).
    pub since: Option<i32>,
    /// Last year the holiday applies (inclusive).
    pub until: Option<i32>,
}

impl Holiday {
    /// The date the holiday falls on in `year`, if it falls that year at all.
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        if self.since.is_some_and(|s| year < s) || self.until.is_some_and(|u| year > u) {
            return None;
        }
        match self.rule {
            HolidayRule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            HolidayRule::NthWeekday {
                month,
                weekday,
                nth,
            } => nth_weekday(year, month, weekday, nth),
            HolidayRule::Easter { offset } => easter_sunday(year)
                .and_then(|e| e.checked_add_signed(Duration::days(offset.into()))),
            HolidayRule::Once { date } => (date.year() == year).then_some(date),
        }
    }
}

/// A period the office is closed (vacaciones, cierre extraordinario), both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closure {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A day declared a business day although it would not be one (art. 8 of the Ley para los
/// Servidores Públicos del Estado de Jalisco: días habilitados).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnabledDay {
    pub on: NaiveDate,
    pub reason: String,
}

/// The `nth` `weekday` of `month` in `year`; negative `nth` counts from the end of the month.
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, nth: i8) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(-5..=5).contains(&nth) {
        return None;
    }
    if nth > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth as u8)
    } else if nth < 0 {
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let last = NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        let last_wd = last - Duration::days(back.into());
        let extra = i64::from(-nth - 1) * 7;
        let d = last_wd - Duration::days(extra);
        (d.month() == month).then_some(d)
    } else {
        None
    }
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm,
/// also known as Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Spanish name of a weekday, as staff read it.
pub fn weekday_es(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    }
}

/// Parses a weekday as written in a calendar file: English (`mon`, `monday`) or Spanish
/// (`lun`, `lunes`) names, any case, with or without accents.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_lowercase();
    let w = match s.as_str() {
        "mon" | "monday" | "lun" | "lunes" => Weekday::Mon,
        "tue" | "tuesday" | "mar" | "martes" => Weekday::Tue,
        "wed" | "wednesday" | "mie" | "mié" | "miercoles" | "miércoles" => Weekday::Wed,
        "thu" | "thursday" | "jue" | "jueves" => Weekday::Thu,
        "fri" | "friday" | "vie" | "viernes" => Weekday::Fri,
        "sat" | "saturday" | "sab" | "sáb" | "sabado" | "sábado" => Weekday::Sat,
        "sun" | "sunday" | "dom" | "domingo" => Weekday::Sun,
        _ => return None,
    };
    Some(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_known_years() {
        // Published dates of Easter Sunday.
        assert_eq!(easter_sunday(1990), Some(d(1990, 4, 15)));
        assert_eq!(easter_sunday(2000), Some(d(2000, 4, 23)));
        assert_eq!(easter_sunday(2019), Some(d(2019, 4, 21)));
        assert_eq!(easter_sunday(2024), Some(d(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(d(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(d(2027, 3, 28)));
        assert_eq!(easter_sunday(2038), Some(d(2038, 4, 25)));
        assert_eq!(easter_sunday(2100), Some(d(2100, 3, 28)));
    }

    #[test]
    fn nth_and_last_weekday() {
        assert_eq!(nth_weekday(2026, 3, Weekday::Mon, 3), Some(d(2026, 3, 16)));
        assert_eq!(nth_weekday(2026, 2, Weekday::Mon, 1), Some(d(2026, 2, 2)));
        assert_eq!(nth_weekday(2026, 5, Weekday::Mon, -1), Some(d(2026, 5, 25)));
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Thu, -1),
            Some(d(2026, 12, 31))
        );
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Thu, -2),
            Some(d(2026, 12, 24))
        );
        assert_eq!(nth_weekday(2026, 12, Weekday::Thu, 0), None);
    }

    #[test]
    fn weekdays_in_both_languages() {
        assert_eq!(parse_weekday("sat"), Some(Weekday::Sat));
        assert_eq!(parse_weekday("Sábado"), Some(Weekday::Sat));
        assert_eq!(parse_weekday("mie"), Some(Weekday::Wed));
        assert_eq!(parse_weekday("xyz"), None);
    }
}
