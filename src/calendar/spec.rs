//! The calendar file (TOML) and its validation.
//!
//! A calendar says which days are business days for one body. Every problem found in a
//! file is reported with the file, the line and the column, in Spanish, because the people
//! who edit these files are the staff who publish the acuerdos de días inhábiles.

use std::ops::Range;

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::error::CalendarError;
use super::rule::{Closure, EnabledDay, Holiday, HolidayRule, parse_weekday};
use crate::tomlfile::{line_col, translate_toml_message};

/// One calendar file, validated. An overlay (`extends`) holds only what it changes; the
/// chain of files is merged by [`super::Calendar::from_chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarSpec {
    pub name: String,
    /// IANA time zone name (`America/Mexico_City`); `None` inherits, or defaults to
    /// `America/Mexico_City`.
    pub timezone: Option<chrono_tz::Tz>,
    /// Office closing time: a filing at or after it takes effect the next business day.
    /// `None` inherits; a root calendar without it has no cut-off.
    pub closes: Option<NaiveTime>,
    /// Days of the week that are not business days; `None` inherits, or defaults to
    /// Saturday and Sunday.
    pub weekend: Option<Vec<Weekday>>,
    /// The calendar this one is laid over: a file name without `.toml` or a path.
    pub extends: Option<String>,
    pub holidays: Vec<Holiday>,
    pub closures: Vec<Closure>,
    pub enabled: Vec<EnabledDay>,
}

impl CalendarSpec {
    /// An empty root calendar: Saturday and Sunday off, no holidays.
    pub fn new(name: impl Into<String>) -> Self {
        CalendarSpec {
            name: name.into(),
            timezone: None,
            closes: None,
            weekend: None,
            extends: None,
            holidays: Vec::new(),
            closures: Vec::new(),
            enabled: Vec::new(),
        }
    }

    /// Parses and validates the text of a calendar file. `file` names it in error messages.
    pub fn parse(text: &str, file: &str) -> Result<CalendarSpec, CalendarError> {
        let raw: RawCalendar = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            CalendarError::Syntax {
                file: file.to_string(),
                line,
                column,
                message: translate_toml_message(e.message()),
            }
        })?;
        let mut v = Validator { text, file };
        v.calendar(raw)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: Spanned<String>,
    timezone: Option<Spanned<String>>,
    closes: Option<Spanned<String>>,
    weekend: Option<Spanned<Vec<Spanned<String>>>>,
    extends: Option<Spanned<String>>,
    #[serde(default)]
    holiday: Vec<Spanned<RawHoliday>>,
    #[serde(default)]
    closure: Vec<Spanned<RawClosure>>,
    #[serde(default)]
    enabled: Vec<Spanned<RawEnabled>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: Spanned<String>,
    date: Option<Spanned<String>>,
    month: Option<Spanned<i64>>,
    weekday: Option<Spanned<String>>,
    nth: Option<Spanned<i64>>,
    easter: Option<Spanned<i64>>,
    on: Option<Spanned<DateLit>>,
    since: Option<Spanned<i64>>,
    until: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    name: Spanned<String>,
    from: Spanned<DateLit>,
    to: Spanned<DateLit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnabled {
    on: Spanned<DateLit>,
    reason: Spanned<String>,
}

/// A date written either as a string (`"2026-01-03"`) or as a TOML date (`2026-01-03`).
#[derive(Deserialize)]
#[serde(untagged)]
enum DateLit {
    Text(String),
    Toml(toml::value::Datetime),
}

struct Validator<'a> {
    text: &'a str,
    file: &'a str,
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, message: String) -> CalendarError {
        let (line, column) = line_col(self.text, span.start);
        CalendarError::Invalid {
            file: self.file.to_string(),
            line,
            column,
            message,
        }
    }

    fn text_field(&self, s: Spanned<String>, what: &str) -> Result<String, CalendarError> {
        let span = s.span();
        let v = s.into_inner();
        if v.trim().is_empty() {
            return Err(self.err(span, format!("{what} no puede estar vacío")));
        }
        Ok(v)
    }

    fn date(&self, d: Spanned<DateLit>, what: &str) -> Result<NaiveDate, CalendarError> {
        let span = d.span();
        let text = match d.into_inner() {
            DateLit::Text(t) => t,
            DateLit::Toml(dt) => {
                if dt.time.is_some() || dt.offset.is_some() {
                    return Err(self.err(
                        span,
                        format!("{what}: se esperaba solo una fecha AAAA-MM-DD, sin hora"),
                    ));
                }
                dt.to_string()
            }
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            self.err(
                span,
                format!("{what}: fecha inválida «{text}»; se esperaba AAAA-MM-DD, por ejemplo 2026-01-03"),
            )
        })
    }

    fn year(&self, y: Spanned<i64>, what: &str) -> Result<i32, CalendarError> {
        let span = y.span();
        let v = *y.get_ref();
        if !(1900..=2200).contains(&v) {
            return Err(self.err(
                span,
                format!("{what}: año {v} fuera de intervalo; se esperaba un año entre 1900 y 2200"),
            ));
        }
        Ok(v as i32)
    }

    fn calendar(&mut self, raw: RawCalendar) -> Result<CalendarSpec, CalendarError> {
        let name = self.text_field(raw.name, "name (el nombre del calendario)")?;
        let timezone = match raw.timezone {
            None => None,
            Some(tz) => {
                let span = tz.span();
                let tz = tz.into_inner();
                Some(tz.trim().parse::<chrono_tz::Tz>().map_err(|_| {
                    self.err(
                        span,
                        format!(
                            "zona horaria desconocida «{tz}»; use un nombre IANA como America/Mexico_City"
                        ),
                    )
                })?)
            }
        };
        let closes = match raw.closes {
            None => None,
            Some(c) => {
                let span = c.span();
                let c = c.into_inner();
                Some(
                    NaiveTime::parse_from_str(c.trim(), "%H:%M")
                        .map_err(|_| {
                            self.err(
                                span,
                                format!(
                                    "hora de cierre inválida «{c}»; se esperaba HH:MM en 24 horas, por ejemplo \"15:00\""
                                ),
                            )
                        })?,
                )
            }
        };
        let weekend = match raw.weekend {
            None => None,
            Some(list) => {
                let list_span = list.span();
                let mut days: Vec<Weekday> = Vec::new();
                for w in list.into_inner() {
                    let span = w.span();
                    let s = w.into_inner();
                    let day = parse_weekday(&s).ok_or_else(|| {
                        self.err(
                            span.clone(),
                            format!("día de la semana desconocido «{s}»; use mon, tue, wed, thu, fri, sat o sun"),
                        )
                    })?;
                    if days.contains(&day) {
                        return Err(self.err(span, format!("«{s}» aparece dos veces en weekend")));
                    }
                    days.push(day);
                }
                if days.len() == 7 {
                    return Err(self.err(
                        list_span,
                        "weekend no puede incluir los siete días: no quedaría ningún día hábil"
                            .to_string(),
                    ));
                }
                Some(days)
            }
        };
        let extends = match raw.extends {
            None => None,
            Some(e) => Some(self.text_field(e, "extends")?),
        };
        let mut holidays = Vec::with_capacity(raw.holiday.len());
        for h in raw.holiday {
            holidays.push(self.holiday(h)?);
        }
        let mut closures = Vec::with_capacity(raw.closure.len());
        for c in raw.closure {
            let span = c.span();
            let c = c.into_inner();
            let name = self.text_field(c.name, "name del cierre")?;
            let from = self.date(c.from, "from")?;
            let to = self.date(c.to, "to")?;
            if to < from {
                return Err(self.err(
                    span,
                    format!("el cierre «{name}» termina ({to}) antes de empezar ({from})"),
                ));
            }
            closures.push(Closure { name, from, to });
        }
        let mut enabled = Vec::with_capacity(raw.enabled.len());
        for e in raw.enabled {
            let e = e.into_inner();
            let on = self.date(e.on, "on")?;
            let reason = self.text_field(e.reason, "reason (el fundamento del día habilitado)")?;
            enabled.push(EnabledDay { on, reason });
        }
        Ok(CalendarSpec {
            name,
            timezone,
            closes,
            weekend,
            extends,
            holidays,
            closures,
            enabled,
        })
    }

    fn holiday(&self, h: Spanned<RawHoliday>) -> Result<Holiday, CalendarError> {
        let span = h.span();
        let h = h.into_inner();
        let name = self.text_field(h.name, "name del día festivo")?;
        let forms = [
            h.date.is_some(),
            h.month.is_some() || h.weekday.is_some() || h.nth.is_some(),
            h.easter.is_some(),
            h.on.is_some(),
        ]
        .iter()
        .filter(|&&x| x)
        .count();
        if forms != 1 {
            return Err(self.err(
                span,
                format!(
                    "el día festivo «{name}» debe definirse de una sola forma: date = \"MM-DD\", \
                     o month + weekday + nth, o easter = N, o on = \"AAAA-MM-DD\""
                ),
            ));
        }
        let rule = if let Some(date) = h.date {
            let dspan = date.span();
            let text = date.into_inner();
            let parsed = text
                .trim()
                .split_once('-')
                .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                .filter(|&(m, d)| NaiveDate::from_ymd_opt(2000, m, d).is_some());
            let (month, day) = parsed.ok_or_else(|| {
                self.err(
                    dspan,
                    format!("fecha anual inválida «{text}» en «{name}»; se esperaba MM-DD, por ejemplo \"01-01\""),
                )
            })?;
            HolidayRule::Fixed { month, day }
        } else if let Some(offset) = h.easter {
            let ospan = offset.span();
            let offset = *offset.get_ref();
            if !(-100..=100).contains(&offset) {
                return Err(self.err(
                    ospan,
                    format!("easter = {offset} en «{name}»: se esperaban entre -100 y 100 días desde el Domingo de Pascua"),
                ));
            }
            HolidayRule::Easter {
                offset: offset as i32,
            }
        } else if let Some(on) = h.on {
            if h.since.is_some() || h.until.is_some() {
                return Err(self.err(
                    span,
                    format!("«{name}» es de una sola fecha (on): since y until no aplican"),
                ));
            }
            HolidayRule::Once {
                date: self.date(on, "on")?,
            }
        } else {
            let (Some(month), Some(weekday), Some(nth)) = (h.month, h.weekday, h.nth) else {
                return Err(self.err(
                    span,
                    format!("el día festivo «{name}» necesita month, weekday y nth juntos"),
                ));
            };
            let mspan = month.span();
            let month = *month.get_ref();
            if !(1..=12).contains(&month) {
                return Err(self.err(
                    mspan,
                    format!("month = {month} en «{name}»: se esperaba un mes de 1 a 12"),
                ));
            }
            let wspan = weekday.span();
            let wtext = weekday.into_inner();
            let weekday = parse_weekday(&wtext).ok_or_else(|| {
                self.err(
                    wspan,
                    format!("día de la semana desconocido «{wtext}» en «{name}»; use mon, tue, wed, thu, fri, sat o sun"),
                )
            })?;
            let nspan = nth.span();
            let nth = *nth.get_ref();
            if !(1..=4).contains(&nth) && !(-4..=-1).contains(&nth) {
                return Err(self.err(
                    nspan,
                    format!("nth = {nth} en «{name}»: se esperaba de 1 a 4, o de -1 a -4 (-1 es el último del mes)"),
                ));
            }
            HolidayRule::NthWeekday {
                month: month as u32,
                weekday,
                nth: nth as i8,
            }
        };
        let since = h.since.map(|y| self.year(y, "since")).transpose()?;
        let until = h.until.map(|y| self.year(y, "until")).transpose()?;
        if let (Some(s), Some(u)) = (since, until)
            && u < s
        {
            return Err(self.err(
                span,
                format!("«{name}»: until ({u}) es anterior a since ({s})"),
            ));
        }
        Ok(Holiday {
            name,
            rule,
            since,
            until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of issue 2, exactly as written.
    const EXAMPLE: &str = include_str!("../../tests/data/issue-example.toml");

    #[test]
    fn accepts_the_issue_example() {
        let spec = CalendarSpec::parse(EXAMPLE, "ejemplo.toml").unwrap();
        assert_eq!(spec.name, "Jalisco: días de descanso obligatorio");
        assert_eq!(spec.timezone, Some(chrono_tz::America::Mexico_City));
        assert_eq!(spec.closes, NaiveTime::from_hms_opt(15, 0, 0));
        assert_eq!(spec.weekend, Some(vec![Weekday::Sat, Weekday::Sun]));
        assert_eq!(spec.holidays.len(), 5);
        assert_eq!(spec.holidays[2].since, Some(2023));
        assert_eq!(spec.holidays[3].rule, HolidayRule::Easter { offset: -2 });
        assert_eq!(spec.closures.len(), 1);
        assert_eq!(spec.enabled[0].reason, "Acuerdo del Pleno");
    }

    fn err_of(text: &str) -> String {
        CalendarSpec::parse(text, "x.toml").unwrap_err().to_string()
    }

    #[test]
    fn rejects_with_file_line_and_problem() {
        let e = err_of("name = \"x\"\n[[holiday]]\nname = \"a\"\ndate = \"02-30\"\n");
        assert!(e.starts_with("x.toml:4:"), "{e}");
        assert!(e.contains("fecha anual inválida «02-30»"), "{e}");

        let e = err_of("name = \"x\"\nclosez = \"15:00\"\n");
        assert!(e.starts_with("x.toml:2:"), "{e}");
        assert!(e.contains("campo desconocido «closez»"), "{e}");

        let e = err_of("name = \"x\"\ncloses = \"3pm\"\n");
        assert!(e.starts_with("x.toml:2:"), "{e}");
        assert!(e.contains("hora de cierre inválida"), "{e}");

        let e = err_of("timezone = \"America/Mexico_City\"\n");
        assert!(e.contains("falta el campo «name»"), "{e}");

        let e = err_of("name = \"x\"\ntimezone = \"Mars/Olympus\"\n");
        assert!(
            e.starts_with("x.toml:2:") && e.contains("zona horaria desconocida"),
            "{e}"
        );

        let e = err_of(
            "name = \"x\"\n\n[[holiday]]\nname = \"a\"\nmonth = 3\nweekday = \"mon\"\nnth = 5\n",
        );
        assert!(e.starts_with("x.toml:7:") && e.contains("nth = 5"), "{e}");

        let e = err_of("name = \"x\"\n[[holiday]]\nname = \"a\"\ndate = \"01-01\"\neaster = 1\n");
        assert!(
            e.starts_with("x.toml:2:") && e.contains("una sola forma"),
            "{e}"
        );

        let e = err_of(
            "name = \"x\"\n[[closure]]\nname = \"c\"\nfrom = \"2026-01-05\"\nto = \"2026-01-01\"\n",
        );
        assert!(
            e.contains("termina (2026-01-01) antes de empezar (2026-01-05)"),
            "{e}"
        );

        let e = err_of("name = \"x\"\n[[enabled]]\non = \"2026-13-01\"\nreason = \"r\"\n");
        assert!(
            e.starts_with("x.toml:3:") && e.contains("fecha inválida «2026-13-01»"),
            "{e}"
        );

        let e = err_of("name = \"x\"\nweekend = [\"sat\", \"sábado\"]\n");
        assert!(e.contains("dos veces"), "{e}");

        let e = err_of("name = \"x\"\n[[holiday]\n");
        assert!(
            e.starts_with("x.toml:2:") && e.contains("TOML inválido"),
            "{e}"
        );
    }

    #[test]
    fn toml_dates_are_accepted_unquoted() {
        let spec = CalendarSpec::parse(
            "name = \"x\"\n[[closure]]\nname = \"c\"\nfrom = 2026-01-01\nto = 2026-01-02\n",
            "x.toml",
        )
        .unwrap();
        assert_eq!(
            spec.closures[0].to,
            NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()
        );
    }
}
