//! Terms in natural hours (art. 40: 72 hours to notify a security breach) and in calendar
//! days, worked by hand on the shipped `mx-jalisco` calendar (America/Mexico_City, office
//! closes at 15:00, Saturday and Sunday off, the holidays of art. 38 of the Ley para los
//! Servidores Públicos del Estado de Jalisco).
//!
//! The reading (see `src/calendar/hours.rs`): "72 horas" are natural hours, counted on the
//! wall clock day and night, on business and non-business days alike, from the instant of
//! the act; the term is due at that instant plus 72 hours, not at a closing time. Each
//! example below counts the hours day by day in its comment; the explanation must give the
//! same hours, day by day, and the same instant.
//!
//! Mexico abolished daylight saving time in 2022 (Ley de los Husos Horarios, in force from
//! 30 October 2022): America/Mexico_City is UTC−06:00 all year since, so the wall clock and
//! elapsed time agree for every breach confirmed since. The last examples show what arco
//! does where a zone still changes its clock (America/Tijuana, on the northern border) and
//! on the last change of Mexico City, in October 2022: it counts 72 elapsed hours.

use std::process::{Command, Output};

use arco::calendar::{Calendar, CalendarLoader, CalendarSpec, Count, DueAt, Moment, TermError};
use arco::case::Clock;
use arco::rules::{Rulebook, RulebookError, Rulebooks, TermId, Unit};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn m(s: &str) -> Moment {
    s.parse().unwrap()
}

fn jalisco() -> Calendar {
    CalendarLoader::default().load("mx-jalisco").unwrap()
}

/// The due instant of `hours` from `at`, in RFC 3339, and the minutes counted per day.
fn count(cal: &Calendar, at: &str, hours: u32) -> (String, Vec<(String, u32)>) {
    let e = cal.explain_hours(&m(at), hours).unwrap();
    assert_eq!(
        e.due,
        cal.due_hours(&m(at), hours).unwrap(),
        "explain_hours and due_hours agree"
    );
    let total: u32 = e.days.iter().map(|s| s.minutes).sum();
    assert_eq!(total, hours * 60, "the days add up to the term: {e:?}");
    (
        e.due.to_rfc3339(),
        e.days
            .iter()
            .map(|s| (s.date.to_string(), s.minutes))
            .collect(),
    )
}

fn days(v: &[(&str, u32)]) -> Vec<(String, u32)> {
    v.iter().map(|(d, h)| (d.to_string(), *h)).collect()
}

#[test]
fn across_midnight_the_closing_time_does_not_move_the_start() {
    // Confirmed Tue 2026-02-10 at 22:15, long after the 15:00 closing time. A term in
    // business days would take effect on Wed 11; the hours start at 22:15 itself:
    //   Tue 10  22:15–24:00   1 h 45 min
    //   Wed 11  all day      24 h          (25 h 45 min)
    //   Thu 12  all day      24 h          (49 h 45 min)
    //   Fri 13  00:00–22:15  22 h 15 min   (72 h)
    // Due Fri 2026-02-13 at 22:15 (−06:00), not at 15:00 that day.
    let cal = jalisco();
    assert_eq!(
        cal.effective_date(&m("2026-02-10T22:15")).unwrap(),
        d("2026-02-11")
    );
    let (due, per_day) = count(&cal, "2026-02-10T22:15", 72);
    assert_eq!(due, "2026-02-13T22:15:00-06:00");
    assert_eq!(
        per_day,
        days(&[
            ("2026-02-10", 105),
            ("2026-02-11", 1440),
            ("2026-02-12", 1440),
            ("2026-02-13", 1335),
        ])
    );
    // The same instant written in UTC: 04:15Z on the 11th is 22:15 on the 10th in Jalisco.
    assert_eq!(
        cal.due_hours(&m("2026-02-11T04:15:00Z"), 72)
            .unwrap()
            .to_rfc3339(),
        "2026-02-13T22:15:00-06:00"
    );
}

#[test]
fn over_a_weekend_the_hours_keep_running() {
    // Confirmed Fri 2026-02-20 at 16:40:
    //   Fri 20  16:40–24:00   7 h 20 min
    //   Sat 21  all day      24 h          (31 h 20 min)  fin de semana: cuenta igual
    //   Sun 22  all day      24 h          (55 h 20 min)  fin de semana: cuenta igual
    //   Mon 23  00:00–16:40  16 h 40 min   (72 h)
    // Due Mon 2026-02-23 at 16:40. Read as 3 business days it would be Thu 26 at 15:00
    // (effective Mon 23 after closing on Friday; 24, 25, 26): three days more than the law.
    let cal = jalisco();
    let (due, per_day) = count(&cal, "2026-02-20T16:40", 72);
    assert_eq!(due, "2026-02-23T16:40:00-06:00");
    assert_eq!(
        per_day,
        days(&[
            ("2026-02-20", 440),
            ("2026-02-21", 1440),
            ("2026-02-22", 1440),
            ("2026-02-23", 1000),
        ])
    );
    assert_eq!(cal.due(&m("2026-02-20T16:40"), 3).unwrap(), d("2026-02-26"));
    let e = cal.explain_hours(&m("2026-02-20T16:40"), 72).unwrap();
    let text = e.to_string();
    assert!(text.contains("2026-02-21 (sábado)"), "{text}");
    assert!(
        text.contains("fin de semana (sábado): cuenta igual"),
        "{text}"
    );
    assert!(
        text.contains("Vence: 2026-02-23 (lunes) a las 16:40"),
        "{text}"
    );
    assert!(text.contains("no a la hora de cierre"), "{text}");
}

#[test]
fn over_a_holiday_that_does_not_stop_the_clock() {
    // Mon 2026-03-16 is the Natalicio de Benito Juárez (third Monday of March), a día
    // inhábil in Jalisco. Confirmed Sat 2026-03-14 at 09:00:
    //   Sat 14  09:00–24:00  15 h          fin de semana
    //   Sun 15  all day      24 h (39 h)   fin de semana
    //   Mon 16  all day      24 h (63 h)   día inhábil: Natalicio de Benito Juárez
    //   Tue 17  00:00–09:00   9 h (72 h)
    // Due Tue 2026-03-17 at 09:00: the holiday counts like any other day.
    let cal = jalisco();
    let (due, per_day) = count(&cal, "2026-03-14T09:00", 72);
    assert_eq!(due, "2026-03-17T09:00:00-06:00");
    assert_eq!(
        per_day,
        days(&[
            ("2026-03-14", 900),
            ("2026-03-15", 1440),
            ("2026-03-16", 1440),
            ("2026-03-17", 540),
        ])
    );
    let e = cal.explain_hours(&m("2026-03-14T09:00"), 72).unwrap();
    let holiday = &e.days[2];
    assert!(!holiday.business);
    assert_eq!(holiday.status, "día inhábil: Natalicio de Benito Juárez");
    assert!(
        e.to_string()
            .contains("día inhábil: Natalicio de Benito Juárez: cuenta igual"),
        "{e}"
    );
    // Christmas on a Friday: confirmed Thu 2026-12-24 at 14:30 → Thu 9 h 30 min, Fri 25
    // (Navidad) 24 h, Sat 26 24 h, Sun 27 14 h 30 min: due Sun 2026-12-27 at 14:30.
    let (due, per_day) = count(&cal, "2026-12-24T14:30", 72);
    assert_eq!(due, "2026-12-27T14:30:00-06:00");
    assert_eq!(per_day[1], ("2026-12-25".to_string(), 1440));
}

#[test]
fn a_date_without_time_counts_from_midnight() {
    // Recorded as 2026-02-10 with no time: the earliest instant it may have happened,
    // 00:00 (art. 6.1). Tue 10, Wed 11 and Thu 12 whole: due Fri 2026-02-13 at 00:00.
    let cal = jalisco();
    let (due, per_day) = count(&cal, "2026-02-10", 72);
    assert_eq!(due, "2026-02-13T00:00:00-06:00");
    assert_eq!(
        per_day,
        days(&[
            ("2026-02-10", 1440),
            ("2026-02-11", 1440),
            ("2026-02-12", 1440)
        ])
    );
    let e = cal.explain_hours(&m("2026-02-10"), 72).unwrap();
    assert!(e.date_only);
    assert!(e.to_string().contains("desde las 00:00"), "{e}");
    assert!(e.summary_es().contains("art. 6.1"), "{}", e.summary_es());
}

#[test]
fn mexico_city_has_no_daylight_saving_time_since_2022() {
    let cal = jalisco();
    // 2023: the first Sunday of April (the 2nd), when the clocks used to go forward, and
    // the last Sunday of October (the 29th), when they used to go back, are ordinary days:
    // 72 hours later is the same time of day, always −06:00.
    assert_eq!(
        cal.due_hours(&m("2023-04-01T12:00"), 72)
            .unwrap()
            .to_rfc3339(),
        "2023-04-04T12:00:00-06:00"
    );
    assert_eq!(
        cal.due_hours(&m("2023-10-28T12:00"), 72)
            .unwrap()
            .to_rfc3339(),
        "2023-10-31T12:00:00-06:00"
    );
    // The last change, Sun 2022-10-30 at 02:00 (back to 01:00). Confirmed Sat 2022-10-29
    // at 12:00 (−05:00): Sat 12 h, Sun 25 h (the day had 25 hours), Mon 24 h, Tue 11 h
    // (72 h): due Tue 2022-11-01 at 11:00 (−06:00) — 72 elapsed hours, the wall clock
    // reads one hour earlier than the start.
    let e = cal.explain_hours(&m("2022-10-29T12:00"), 72).unwrap();
    assert_eq!(e.due.to_rfc3339(), "2022-11-01T11:00:00-06:00");
    assert_eq!(e.days[1].minutes, 25 * 60);
    assert!(e.offset_changed);
    assert!(e.to_string().contains("cambió de horario"), "{e}");
}

#[test]
fn a_border_zone_that_still_changes_its_clock_counts_elapsed_hours() {
    // America/Tijuana still follows daylight saving time: on Sun 2026-03-08 at 02:00 the
    // clock jumps to 03:00. Confirmed Fri 2026-03-06 at 12:00 (−08:00): Fri 12 h, Sat 24 h,
    // Sun 23 h (a 23-hour day), Mon 13 h (72 h): due Mon 2026-03-09 at 13:00 (−07:00).
    let spec = CalendarSpec::parse(
        "name = \"frontera\"\ntimezone = \"America/Tijuana\"\ncloses = \"15:00\"\n",
        "frontera.toml",
    )
    .unwrap();
    let cal = Calendar::from_spec(spec).unwrap();
    let (due, per_day) = count(&cal, "2026-03-06T12:00", 72);
    assert_eq!(due, "2026-03-09T13:00:00-07:00");
    assert_eq!(
        per_day,
        days(&[
            ("2026-03-06", 720),
            ("2026-03-07", 1440),
            ("2026-03-08", 1380),
            ("2026-03-09", 780),
        ])
    );
    // 02:30 on that Sunday never happened on the wall clock: read with the offset of just
    // before (−08:00), it is 10:30Z, i.e. 03:30 (−07:00).
    assert_eq!(
        cal.instant(&m("2026-03-08T02:30")).unwrap().to_rfc3339(),
        "2026-03-08T03:30:00-07:00"
    );
}

#[test]
fn due_at_gives_a_day_for_days_and_an_instant_for_hours() {
    let cal = jalisco();
    let at = m("2026-02-05T16:10:00-06:00");
    // Business days: the same date as `due`, ending at 15:00 (rule 3).
    let business = cal.due_at(&at, Count::BusinessDays(10)).unwrap();
    assert_eq!(
        business,
        DueAt::Day {
            date: d("2026-02-20"),
            ends: Some("2026-02-20T15:00:00-06:00".parse().unwrap())
        }
    );
    assert_eq!(business.to_string(), "2026-02-20");
    assert!(!business.is_instant());
    // Calendar days: day 0 is the act's own date (Thu 5), not moved by the closing time
    // nor by the weekend; 3 days later is Sun 8, ending at 23:59:59.
    let natural = cal.due_at(&at, Count::CalendarDays(3)).unwrap();
    assert_eq!(
        natural,
        DueAt::Day {
            date: d("2026-02-08"),
            ends: Some("2026-02-08T23:59:59-06:00".parse().unwrap())
        }
    );
    // Hours: an instant, Sun 8 at 16:10.
    let hours = cal.due_at(&at, Count::Hours(72)).unwrap();
    assert!(hours.is_instant());
    assert_eq!(hours.to_string(), "2026-02-08T16:10:00-06:00");
    assert_eq!(hours.date(), d("2026-02-08"));
    assert_eq!(Count::Hours(72).label_es(), "72 horas naturales");
    assert_eq!(Count::CalendarDays(1).label_es(), "1 día natural");
}

#[test]
fn out_of_range_hours_are_errors_not_panics() {
    let cal = jalisco();
    let e = cal.due_hours(&m("2100-12-30T12:00"), 72).unwrap_err();
    assert!(
        matches!(e, TermError::HoursBeyondRange { hours: 72, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("72 horas"), "{e}");
    assert!(matches!(
        cal.due_hours(&m("1989-12-31T12:00"), 1),
        Err(TermError::OutOfRange { .. })
    ));
    assert!(cal.due_hours(&m("9999-12-31T23:00:00Z"), u32::MAX).is_err());
    assert!(cal.explain_hours(&m("2100-12-31T00:00"), 48).is_err());
    let e = cal.add_calendar_days(d("2100-12-30"), 5).unwrap_err();
    assert!(e.to_string().contains("5 días naturales"), "{e}");
    // Zero hours: due at the act's instant.
    assert_eq!(
        cal.due_hours(&m("2026-02-10T22:15"), 0)
            .unwrap()
            .to_rfc3339(),
        "2026-02-10T22:15:00-06:00"
    );
}

#[test]
fn the_rulebook_counts_the_breach_notice_in_hours() {
    let books = Rulebooks::builtin().unwrap();
    let book = books.get("lpdppsoj-2017").unwrap();
    let term = book.term(TermId::BreachNotice).unwrap();
    assert_eq!(term.unit, Unit::Hours);
    assert_eq!(term.count(), Count::Hours(72));
    assert_eq!(term.article, "40");
    // Every other term still counts business days.
    for t in book.terms.iter().filter(|t| t.id != TermId::BreachNotice) {
        assert_eq!(t.unit, Unit::BusinessDays, "{}", t.id);
    }
    let cal = jalisco();
    let clock = Clock::new(&cal, book);
    assert_eq!(
        clock
            .due_at(TermId::BreachNotice, &m("2026-02-20T16:40"))
            .unwrap()
            .to_string(),
        "2026-02-23T16:40:00-06:00"
    );
    // A term in hours has no due date in days: asking for one is an error, not 72 days.
    let e = clock
        .due(TermId::BreachNotice, d("2026-02-20"), 0)
        .unwrap_err();
    assert!(matches!(e, TermError::InHours { .. }), "{e}");
    assert!(e.to_string().contains("horas naturales"), "{e}");
    // The business-day terms are what they were.
    assert_eq!(
        clock
            .due_at(TermId::Resolution, &m("2026-02-05T16:10:00-06:00"))
            .unwrap()
            .date(),
        d("2026-02-20")
    );
}

const SHIPPED: &str = include_str!("../rulebooks/lpdppsoj-2017.toml");

fn parse(text: &str) -> Result<Rulebook, RulebookError> {
    Rulebook::parse(text, "prueba.toml")
}

#[test]
fn the_rulebook_accepts_calendar_days_and_refuses_what_hours_cannot_have() {
    // A term in calendar days.
    let text = SHIPPED.replacen(
        "days = 30\nfrom = \"impact_assessment_filed\"",
        "days = 30\nunit = \"calendar_days\"\nfrom = \"impact_assessment_filed\"",
        1,
    );
    assert_ne!(text, SHIPPED);
    let book = parse(&text).unwrap();
    let t = book.term(TermId::ImpactOpinion).unwrap();
    assert_eq!(t.count(), Count::CalendarDays(30));
    let cal = jalisco();
    let clock = Clock::new(&cal, &book);
    // Day 0 Fri 2026-02-20 + 30 calendar days = Sun 2026-03-22.
    assert_eq!(
        clock
            .due(TermId::ImpactOpinion, d("2026-02-20"), 0)
            .unwrap(),
        d("2026-03-22")
    );

    // Hours with an extension, a maximum, or counted backwards: refused, naming the field.
    let hours = "days = 72\nunit = \"hours\"\n";
    for (extra, field) in [
        ("extension_days = 24\n", "extension_days"),
        ("max_days = 96\n", "max_days"),
        ("before = true\n", "before"),
    ] {
        let text = SHIPPED.replacen(hours, &format!("{hours}{extra}"), 1);
        assert_ne!(text, SHIPPED);
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains(field) && e.contains("horas"), "{e}");
    }
    // A term counted from the end of a term in hours: refused (it ends at an instant).
    let text = SHIPPED.replacen(
        "from = \"impact_assessment_filed\"",
        "from = \"end:breach_notice\"",
        1,
    );
    let e = parse(&text).unwrap_err().to_string();
    assert!(e.contains("breach_notice") && e.contains("instante"), "{e}");
    // An unknown unit names the known ones.
    let text = SHIPPED.replacen("unit = \"hours\"", "unit = \"horas\"", 1);
    let e = parse(&text).unwrap_err().to_string();
    assert!(e.contains("calendar_days") && e.contains("hours"), "{e}");
}

fn arco(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("arco runs")
}

#[test]
fn arco_due_counts_hours_to_an_instant() {
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-03-14T09:00",
        "--hours",
        "72",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "2026-03-17T09:00:00-06:00\n"
    );
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-03-14T09:00",
        "--hours",
        "72",
        "--explain",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("2026-03-17T09:00:00-06:00\n"), "{out}");
    assert!(out.contains("72 horas naturales"), "{out}");
    assert!(
        out.contains("Natalicio de Benito Juárez: cuenta igual"),
        "{out}"
    );
    assert!(
        out.contains("en ese instante, no a la hora de cierre"),
        "{out}"
    );
    // --days and --hours together: refused by the command line.
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-03-14T09:00",
        "--hours",
        "72",
        "--days",
        "3",
    ]);
    assert!(!o.status.success());
    // Neither: refused too.
    let o = arco(&["due", "--calendar", "mx-jalisco", "--at", "2026-03-14"]);
    assert!(!o.status.success());
    // Calendar days.
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-02-05T16:10",
        "--calendar-days",
        "3",
    ]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2026-02-08\n");
    // Explained: day 0 is Thu 5 (the closing time does not move it); Sat 7 and Sun 8
    // count all the same.
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-02-05T16:10",
        "--calendar-days",
        "3",
        "--explain",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("2026-02-08\n"), "{out}");
    assert!(out.contains("día 0: 2026-02-05 (jueves)"), "{out}");
    assert!(
        out.contains("2026-02-07 (sábado): fin de semana (sábado) — cuenta igual"),
        "{out}"
    );
    assert!(
        out.contains("Vence: 2026-02-08 (domingo), al terminar ese día"),
        "{out}"
    );
    // Business days, explained as before.
    let o = arco(&[
        "due",
        "--calendar",
        "mx-jalisco",
        "--at",
        "2026-02-05T16:10:00-06:00",
        "--days",
        "10",
        "--explain",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("2026-02-20\n"), "{out}");
    assert!(
        out.contains("Vence: 2026-02-20 (viernes) a las 15:00"),
        "{out}"
    );
}

mod props {
    //! Properties of terms in hours, for random instants from 1995 to 2095 on the shipped
    //! calendar and on a border zone that keeps daylight saving time.
    use super::*;
    use chrono::{Duration, NaiveDateTime, Timelike};
    use proptest::prelude::*;

    fn moment(minutes: i64, form: u8) -> Moment {
        let base = NaiveDate::from_ymd_opt(1995, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        let local: NaiveDateTime = base + Duration::minutes(minutes);
        match form {
            0 => Moment::Date(local.date()),
            1 => Moment::Local(local),
            _ => Moment::Instant(local.and_utc().fixed_offset()),
        }
    }

    fn tijuana() -> Calendar {
        let spec = CalendarSpec::parse("name = \"t\"\ntimezone = \"America/Tijuana\"\n", "t.toml")
            .unwrap();
        Calendar::from_spec(spec).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn hours_are_elapsed_hours_and_the_days_add_up(
            minutes in 0i64..(100 * 365 * 24 * 60),
            form in 0u8..3,
            hours in 0u32..1000,
            border in any::<bool>(),
        ) {
            let cal = if border { tijuana() } else { jalisco() };
            let m = moment(minutes, form);
            let start = cal.instant(&m).unwrap();
            let due = cal.due_hours(&m, hours).unwrap();
            prop_assert_eq!(due - start, Duration::hours(i64::from(hours)));
            // A date alone: from 00:00, met until 23:59:59; otherwise the same instant.
            let latest = cal.instant_latest(&m).unwrap();
            match m {
                Moment::Date(d) => {
                    prop_assert_eq!(start.date_naive(), d);
                    prop_assert_eq!(latest.date_naive(), d);
                    prop_assert_eq!((latest.hour(), latest.minute(), latest.second()), (23, 59, 59));
                }
                _ => prop_assert_eq!(latest, start),
            }
            let e = cal.explain_hours(&m, hours).unwrap();
            prop_assert_eq!(e.due, due);
            prop_assert_eq!(e.days.iter().map(|s| s.minutes).sum::<u32>(), hours * 60);
            prop_assert_eq!(e.days[0].date, start.date_naive());
            for w in e.days.windows(2) {
                prop_assert_eq!(w[0].date.succ_opt(), Some(w[1].date));
            }
            let last = e.days.last().unwrap();
            prop_assert!(last.date == due.date_naive() || last.date.succ_opt() == Some(due.date_naive()));
            // The business status shown is the calendar's.
            for s in &e.days {
                prop_assert_eq!(s.business, cal.is_business_day(s.date).unwrap());
            }
            // In Jalisco since November 2022, a whole number of days is the same time of day.
            if !border && start.date_naive() >= NaiveDate::from_ymd_opt(2022, 11, 1).unwrap() && hours % 24 == 0 {
                prop_assert_eq!(due.time(), start.time());
            }
        }

        #[test]
        fn terms_in_days_are_what_they_were(
            minutes in 0i64..(100 * 365 * 24 * 60),
            form in 0u8..3,
            n in 0u32..60,
        ) {
            let cal = jalisco();
            let m = moment(minutes, form);
            // Business days: due_at gives exactly the date `due` gives, ending at 15:00.
            let due = cal.due(&m, n).unwrap();
            match cal.due_at(&m, Count::BusinessDays(n)).unwrap() {
                DueAt::Day { date, ends } => {
                    prop_assert_eq!(date, due);
                    prop_assert_eq!(ends.map(|e| e.time().hour()), Some(15));
                }
                DueAt::Instant { .. } => prop_assert!(false, "a term in days is due on a day"),
            }
            // Calendar days: the act's local date plus n, whatever the days are.
            let local = m.local(cal.timezone()).0;
            prop_assert_eq!(
                cal.due_at(&m, Count::CalendarDays(n)).unwrap().date(),
                local + Duration::days(i64::from(n))
            );
        }
    }
}
