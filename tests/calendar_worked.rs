//! Worked examples on the shipped calendars, every date checked by hand against a printed
//! calendar (and, for the holidays, against an independent day-of-week computation).

use arco::calendar::{Calendar, CalendarLoader, CalendarSpec, DayStatus, Moment};
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

fn body() -> Calendar {
    CalendarLoader::default().load("ejemplo-organismo").unwrap()
}

/// Art. 38 of the Ley para los Servidores Públicos del Estado de Jalisco, 2024–2027.
const JALISCO_HOLIDAYS: &[(&str, &str)] = &[
    ("2024-01-01", "Año Nuevo"),
    ("2024-02-05", "Día de la Constitución"),
    ("2024-03-18", "Natalicio de Benito Juárez"),
    ("2024-05-01", "Día del Trabajo"),
    ("2024-05-05", "Batalla de Puebla"),
    (
        "2024-06-10",
        "Aniversario de la creación del Estado de Jalisco",
    ),
    ("2024-09-16", "Día de la Independencia"),
    ("2024-09-28", "Día del Servidor Público"),
    ("2024-10-12", "Día de la Raza"),
    ("2024-11-02", "Día de Muertos"),
    ("2024-11-18", "Aniversario de la Revolución Mexicana"),
    ("2024-12-25", "Navidad"),
    ("2025-01-01", "Año Nuevo"),
    ("2025-02-03", "Día de la Constitución"),
    ("2025-03-17", "Natalicio de Benito Juárez"),
    ("2025-05-01", "Día del Trabajo"),
    ("2025-05-05", "Batalla de Puebla"),
    (
        "2025-06-09",
        "Aniversario de la creación del Estado de Jalisco",
    ),
    ("2025-09-16", "Día de la Independencia"),
    ("2025-09-28", "Día del Servidor Público"),
    ("2025-10-12", "Día de la Raza"),
    ("2025-11-02", "Día de Muertos"),
    ("2025-11-17", "Aniversario de la Revolución Mexicana"),
    ("2025-12-25", "Navidad"),
    ("2026-01-01", "Año Nuevo"),
    ("2026-02-02", "Día de la Constitución"),
    ("2026-03-16", "Natalicio de Benito Juárez"),
    ("2026-05-01", "Día del Trabajo"),
    ("2026-05-05", "Batalla de Puebla"),
    (
        "2026-06-08",
        "Aniversario de la creación del Estado de Jalisco",
    ),
    ("2026-09-16", "Día de la Independencia"),
    ("2026-09-28", "Día del Servidor Público"),
    ("2026-10-12", "Día de la Raza"),
    ("2026-11-02", "Día de Muertos"),
    ("2026-11-16", "Aniversario de la Revolución Mexicana"),
    ("2026-12-25", "Navidad"),
    ("2027-01-01", "Año Nuevo"),
    ("2027-02-01", "Día de la Constitución"),
    ("2027-03-15", "Natalicio de Benito Juárez"),
    ("2027-05-01", "Día del Trabajo"),
    ("2027-05-05", "Batalla de Puebla"),
    (
        "2027-06-14",
        "Aniversario de la creación del Estado de Jalisco",
    ),
    ("2027-09-16", "Día de la Independencia"),
    ("2027-09-28", "Día del Servidor Público"),
    ("2027-10-12", "Día de la Raza"),
    ("2027-11-02", "Día de Muertos"),
    ("2027-11-15", "Aniversario de la Revolución Mexicana"),
    ("2027-12-25", "Navidad"),
];

#[test]
fn every_jalisco_holiday_2024_to_2027_by_date() {
    let cal = jalisco();
    let found: Vec<(NaiveDate, String)> = cal
        .non_business_days(d("2024-01-01"), d("2027-12-31"))
        .unwrap()
        .into_iter()
        .filter_map(|(date, s)| match s {
            DayStatus::Holiday { name } => Some((date, name.clone())),
            _ => None,
        })
        .collect();
    let expected: Vec<(NaiveDate, String)> = JALISCO_HOLIDAYS
        .iter()
        .map(|(date, name)| (d(date), name.to_string()))
        .collect();
    assert_eq!(found, expected);
    // And nothing else but weekends: 2026 starts on a Thursday (104 weekend days) and
    // all twelve of its holidays fall on weekdays.
    let off_2026 = cal
        .non_business_days(d("2026-01-01"), d("2026-12-31"))
        .unwrap();
    assert_eq!(off_2026.len(), 104 + 12);
}

#[test]
fn june_anniversary_only_since_2023() {
    let cal = jalisco();
    // Second Monday of June 2022 was 13 June: an ordinary business day then.
    assert!(cal.is_business_day(d("2022-06-13")).unwrap());
    assert!(!cal.is_business_day(d("2023-06-12")).unwrap());
}

#[test]
fn closing_time_on_both_sides_of_the_hour() {
    let cal = jalisco();
    // Thursday 2026-02-05: 14:59:59 takes effect that day; 15:00 the next business day.
    assert_eq!(
        cal.effective_date(&m("2026-02-05T14:59:59-06:00")).unwrap(),
        d("2026-02-05")
    );
    assert_eq!(
        cal.effective_date(&m("2026-02-05T15:00:00-06:00")).unwrap(),
        d("2026-02-06")
    );
    // Same instant written in UTC: 20:59Z is 14:59 in Mexico City.
    assert_eq!(
        cal.effective_date(&m("2026-02-05T20:59:00Z")).unwrap(),
        d("2026-02-05")
    );
    assert_eq!(
        cal.effective_date(&m("2026-02-05T21:00:00Z")).unwrap(),
        d("2026-02-06")
    );
    // Friday 2026-01-30 after hours: the next business day is Tuesday 2026-02-03, since
    // Monday 2026-02-02 is the Día de la Constitución.
    assert_eq!(
        cal.effective_date(&m("2026-01-30T15:30")).unwrap(),
        d("2026-02-03")
    );
    // A 3-day term from it: 4, 5, 6 February.
    assert_eq!(cal.due(&m("2026-01-30T15:30"), 3).unwrap(), d("2026-02-06"));
}

#[test]
fn filing_on_a_saturday() {
    let cal = jalisco();
    // Saturday 2026-02-07 → effective Monday 2026-02-09; 10 days → Monday 2026-02-23.
    let at = m("2026-02-07T10:00");
    assert_eq!(cal.effective_date(&at).unwrap(), d("2026-02-09"));
    assert_eq!(cal.due(&at, 10).unwrap(), d("2026-02-23"));
    // After hours on a Saturday is still the Monday, not the Tuesday.
    assert_eq!(
        cal.effective_date(&m("2026-02-07T18:00")).unwrap(),
        d("2026-02-09")
    );
}

#[test]
fn filing_on_a_holiday() {
    let cal = jalisco();
    // Monday 2026-03-16 (Natalicio de Benito Juárez) → effective Tuesday 2026-03-17;
    // 5 days: 18, 19, 20, 23, 24 March.
    let at = m("2026-03-16T09:00");
    assert_eq!(cal.effective_date(&at).unwrap(), d("2026-03-17"));
    assert_eq!(cal.due(&at, 5).unwrap(), d("2026-03-24"));
    let e = cal.explain(&at, 5).unwrap();
    assert_eq!(e.rolled_over.len(), 1);
    assert_eq!(
        e.rolled_over[0].reason,
        "día inhábil: Natalicio de Benito Juárez"
    );
    assert_eq!(e.skipped.len(), 2); // 21 and 22 March, a weekend
}

#[test]
fn filing_inside_a_closure_and_on_an_enabled_day() {
    let cal = body();
    // The body's summer closure (20–31 July 2026) has one día habilitado: Friday 24 July.
    // A filing on Tuesday 21 July takes effect on the 24th; day 1 is Monday 3 August.
    let at = m("2026-07-21T10:00");
    assert_eq!(cal.effective_date(&at).unwrap(), d("2026-07-24"));
    assert_eq!(cal.due(&at, 1).unwrap(), d("2026-08-03"));
    // Filed on the enabled day itself, before closing: it counts that day.
    assert_eq!(
        cal.effective_date(&m("2026-07-24T14:00")).unwrap(),
        d("2026-07-24")
    );
    // ... after closing, it rolls over the rest of the closure.
    assert_eq!(
        cal.effective_date(&m("2026-07-24T15:00")).unwrap(),
        d("2026-08-03")
    );
    assert!(matches!(
        cal.status(d("2026-07-24")).unwrap(),
        DayStatus::Enabled { .. }
    ));
    assert!(matches!(
        cal.status(d("2026-07-23")).unwrap(),
        DayStatus::Closure { .. }
    ));
}

#[test]
fn overlays_add_to_the_base_calendar() {
    let base = jalisco();
    let body = body();
    // Jueves and Viernes Santo 2026 (Easter is 5 April): business days for the state
    // calendar, días inhábiles for the body.
    for day in ["2026-04-02", "2026-04-03"] {
        assert!(base.is_business_day(d(day)).unwrap());
        assert!(!body.is_business_day(d(day)).unwrap());
    }
    // The base holidays still apply under the overlay.
    assert!(!body.is_business_day(d("2026-03-16")).unwrap());
    // A 10-day term from Monday 30 March 2026: base → 13 April; body → 15 April.
    assert_eq!(
        base.add_business_days(d("2026-03-30"), 10).unwrap(),
        d("2026-04-13")
    );
    assert_eq!(
        body.add_business_days(d("2026-03-30"), 10).unwrap(),
        d("2026-04-15")
    );
    // The overlay inherits the time zone and closing time.
    assert_eq!(body.closes(), base.closes());
    assert_eq!(body.timezone(), base.timezone());
}

#[test]
fn an_overlay_can_take_back_a_base_enabled_day_and_vice_versa() {
    let dir = tempdir();
    std::fs::write(
        dir.join("base.toml"),
        "name = \"base\"\n[[enabled]]\non = \"2026-02-07\"\nreason = \"sábado habilitado\"\n[[holiday]]\nname = \"H\"\non = \"2026-02-10\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("over.toml"),
        "name = \"over\"\nextends = \"base\"\n[[closure]]\nname = \"cierre\"\nfrom = \"2026-02-07\"\nto = \"2026-02-07\"\n[[enabled]]\non = \"2026-02-10\"\nreason = \"habilitado por el organismo\"\n",
    )
    .unwrap();
    let loader = CalendarLoader::with_dirs(vec![]);
    let base = loader
        .load(dir.join("base.toml").to_str().unwrap())
        .unwrap();
    let over = loader
        .load(dir.join("over.toml").to_str().unwrap())
        .unwrap();
    assert!(base.is_business_day(d("2026-02-07")).unwrap());
    assert!(!base.is_business_day(d("2026-02-10")).unwrap());
    assert!(!over.is_business_day(d("2026-02-07")).unwrap());
    assert!(over.is_business_day(d("2026-02-10")).unwrap());
}

#[test]
fn extends_errors_name_the_file() {
    let dir = tempdir();
    std::fs::write(dir.join("a.toml"), "name = \"a\"\nextends = \"b\"\n").unwrap();
    std::fs::write(dir.join("b.toml"), "name = \"b\"\nextends = \"a\"\n").unwrap();
    std::fs::write(
        dir.join("c.toml"),
        "name = \"c\"\nextends = \"no-existe\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("d.toml"), "name = \"d\"\nextends = \"bad\"\n").unwrap();
    std::fs::write(
        dir.join("bad.toml"),
        "name = \"bad\"\n\n[[holiday]]\nname = \"x\"\ndate = \"13-01\"\n",
    )
    .unwrap();
    let loader = CalendarLoader::with_dirs(vec![]);
    let path = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let e = loader.load(&path("a.toml")).unwrap_err().to_string();
    assert!(
        e.contains("ciclo") && e.contains("a.toml") && e.contains("b.toml"),
        "{e}"
    );
    let e = loader.load(&path("c.toml")).unwrap_err().to_string();
    assert!(
        e.contains("no se encontró el calendario «no-existe»"),
        "{e}"
    );
    let e = loader.load(&path("d.toml")).unwrap_err().to_string();
    assert!(e.contains("bad.toml:5:") && e.contains("«13-01»"), "{e}");
    let e = loader.load(&path("missing.toml")).unwrap_err().to_string();
    assert!(e.contains("missing.toml") && e.contains("no existe"), "{e}");
}

#[test]
fn the_issue_example_loads_and_counts() {
    let spec = CalendarSpec::parse(
        include_str!("data/issue-example.toml"),
        "issue-example.toml",
    )
    .unwrap();
    let cal = Calendar::from_spec(spec).unwrap();
    // 2026-01-03 is a Saturday, enabled by the Pleno inside the winter closure.
    assert!(cal.is_business_day(d("2026-01-03")).unwrap());
    assert!(!cal.is_business_day(d("2026-01-02")).unwrap());
    assert!(!cal.is_business_day(d("2023-06-16")).unwrap());
    assert!(!cal.is_business_day(d("2026-04-03")).unwrap()); // Viernes Santo 2026
    assert_eq!(
        cal.add_business_days(d("2025-12-19"), 2).unwrap(),
        d("2026-01-05")
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "arco-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
