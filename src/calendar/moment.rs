//! When an act happened or a filing was received, as the staff or an importing system
//! wrote it: a date, a local date and time, or an RFC 3339 instant with its offset.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::TermError;

/// A point in time as recorded for an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// A date without a time: taken as within office hours of that day.
    Date(NaiveDate),
    /// A date and time on the office's own clock (no offset given).
    Local(NaiveDateTime),
    /// An instant with its UTC offset (RFC 3339), converted to the calendar's time zone.
    Instant(DateTime<FixedOffset>),
}

impl Moment {
    /// The local date, and time when known, on a calendar whose zone is `tz`.
    pub fn local(&self, tz: Tz) -> (NaiveDate, Option<NaiveTime>) {
        match *self {
            Moment::Date(d) => (d, None),
            Moment::Local(dt) => (dt.date(), Some(dt.time())),
            Moment::Instant(i) => {
                // Far outside the calendar's range the zone does not matter (the date is
                // refused anyway) and converting could overflow chrono's limits.
                let l = if (1800..=2300).contains(&i.naive_utc().year()) {
                    i.with_timezone(&tz).naive_local()
                } else {
                    i.naive_utc()
                };
                (l.date(), Some(l.time()))
            }
        }
    }
}

impl FromStr for Moment {
    type Err = TermError;

    /// Accepts `2026-02-05`, `2026-02-05T16:10[:SS]` (office time), and RFC 3339
    /// (`2026-02-05T16:10:00-06:00`, `...Z`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if let Ok(i) = DateTime::parse_from_rfc3339(t) {
            return Ok(Moment::Instant(i));
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Moment::Date(d));
        }
        for f in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(Moment::Local(dt));
            }
        }
        Err(TermError::BadMoment {
            input: s.to_string(),
            why: "se esperaba AAAA-MM-DD, AAAA-MM-DDTHH:MM (hora de la oficina) o una fecha y hora RFC 3339 como 2026-02-05T16:10:00-06:00".to_string(),
        })
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Moment::Date(d) => write!(f, "{d}"),
            Moment::Local(dt) => write!(f, "{}", dt.format("%Y-%m-%dT%H:%M:%S")),
            Moment::Instant(i) => write!(f, "{}", i.to_rfc3339()),
        }
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl From<NaiveDate> for Moment {
    fn from(d: NaiveDate) -> Self {
        Moment::Date(d)
    }
}

impl From<DateTime<FixedOffset>> for Moment {
    fn from(i: DateTime<FixedOffset>) -> Self {
        Moment::Instant(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert!(matches!(
            "2026-02-05".parse::<Moment>(),
            Ok(Moment::Date(_))
        ));
        assert!(matches!(
            "2026-02-05T16:10".parse::<Moment>(),
            Ok(Moment::Local(_))
        ));
        assert!(matches!(
            "2026-02-05T16:10:00-06:00".parse::<Moment>(),
            Ok(Moment::Instant(_))
        ));
        let e = "05/02/2026".parse::<Moment>().unwrap_err().to_string();
        assert!(e.contains("«05/02/2026»"), "{e}");
    }

    #[test]
    fn an_instant_is_read_on_the_calendar_clock() {
        let m: Moment = "2026-02-05T22:10:00Z".parse().unwrap();
        let (d, t) = m.local(chrono_tz::America::Mexico_City);
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 2, 5).unwrap());
        assert_eq!(t, NaiveTime::from_hms_opt(16, 10, 0));
    }
}
