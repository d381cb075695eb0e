//! Property tests of the business-day calendar (`arco::calendar`).
//!
//! 1. Over random calendar chains (1 to 3 layers of random weekends, holidays of the four
//!    kinds, closures, días habilitados, time zones and closing times) and random dates,
//!    the indexed arithmetic of [`Calendar`] equals a naive day-by-day reference written
//!    here from the rules alone: its own nth-weekday test (day-of-month arithmetic), its
//!    own Easter (Gauss's algorithm), its own layering. Compared: `is_business_day`,
//!    `business_day_on_or_after`, `add_business_days`, `effective_date` (rule 1 of
//!    `shared/docs/terms.md`, "How a term is counted"), `due`, `business_days_between`,
//!    `non_business_days` and `explain`.
//! 2. No input panics: arbitrary text to `CalendarSpec::parse` and to `Moment`'s parser,
//!    TOML-ish texts built from fragments of calendar files, and dates or terms far outside
//!    the range arco counts on all give `Ok` or `Err`.
//!
//! The last tests pin three bugs this file found (panics at chrono's limits, Easter
//! holidays spilling across the range's year ends, overflow on extreme nth/month).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use arco::calendar::{
    Calendar, CalendarSpec, Closure, EnabledDay, Holiday, HolidayRule, MAX_DATE, MIN_DATE, Moment,
};
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use proptest::prelude::*;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

/// Proptest settings: a fixed number of cases, and no regression files written next to
/// this test (the failing input is printed instead).
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Zones with odd offsets, no DST, DST, half-hour DST and a skipped calendar day (Apia,
/// 2011-12-30).
const ZONES: [Tz; 11] = [
    chrono_tz::America::Mexico_City,
    chrono_tz::America::Tijuana,
    chrono_tz::America::Cancun,
    chrono_tz::America::Hermosillo,
    chrono_tz::UTC,
    chrono_tz::Pacific::Kiritimati,
    chrono_tz::Pacific::Pago_Pago,
    chrono_tz::Asia::Kolkata,
    chrono_tz::America::St_Johns,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Apia,
];

// ---------------------------------------------------------------------------------------
// Date helpers
// ---------------------------------------------------------------------------------------

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn day_no(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

fn from_day_no(n: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(n).expect("day number in chrono's range")
}

fn in_range(d: NaiveDate) -> bool {
    (MIN_DATE..=MAX_DATE).contains(&d)
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Easter Sunday by Gauss's algorithm (with the two Gregorian exceptions), independent of
/// the crate's Meeus/Jones/Butcher implementation.
fn gauss_easter(y: i32) -> NaiveDate {
    let a = y % 19;
    let b = y % 4;
    let c = y % 7;
    let k = y / 100;
    let p = (13 + 8 * k) / 25;
    let q = k / 4;
    let m = (15 - p + k - q) % 30;
    let n = (4 + k - q) % 7;
    let d = (19 * a + m) % 30;
    let e = (2 * b + 4 * c + 6 * d + n) % 7;
    if d == 29 && e == 6 {
        return ymd(y, 4, 19);
    }
    if d == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
        return ymd(y, 4, 18);
    }
    let march_day = 22 + d + e;
    if march_day > 31 {
        ymd(y, 4, (march_day - 31) as u32)
    } else {
        ymd(y, 3, march_day as u32)
    }
}

// ---------------------------------------------------------------------------------------
// The naive reference
// ---------------------------------------------------------------------------------------

/// Whether holiday `h` makes `d` a non-business day, evaluated for that one date.
fn holiday_falls_on(h: &Holiday, d: NaiveDate) -> bool {
    let applies = |y: i32| h.since.is_none_or(|s| y >= s) && h.until.is_none_or(|u| y <= u);
    match h.rule {
        HolidayRule::Fixed { month, day } => {
            d.month() == month && d.day() == day && applies(d.year())
        }
        HolidayRule::NthWeekday {
            month,
            weekday,
            nth,
        } => {
            if d.month() != month || d.weekday() != weekday || !applies(d.year()) {
                return false;
            }
            // Occurrence of this weekday in the month, counted from the start and from
            // the end, by day-of-month arithmetic alone.
            let from_start = (d.day() - 1) / 7 + 1;
            let from_end = (days_in_month(d.year(), d.month()) - d.day()) / 7 + 1;
            let nth = i32::from(nth);
            (nth > 0 && from_start as i32 == nth) || (nth < 0 && from_end as i32 == -nth)
        }
        HolidayRule::Easter { offset } => {
            // The Easter Sunday this date would be `offset` days from; the holiday's years
            // are those of that Easter.
            match d.checked_sub_signed(Duration::days(i64::from(offset))) {
                Some(e) => e == gauss_easter(e.year()) && applies(e.year()),
                None => false,
            }
        }
        HolidayRule::Once { date } => d == date && applies(d.year()),
    }
}

/// A day-by-day evaluation of a calendar chain, straight from its rules.
struct Reference<'a> {
    chain: &'a [CalendarSpec],
    weekend: Vec<Weekday>,
    timezone: Tz,
    closes: Option<NaiveTime>,
    cache: RefCell<HashMap<NaiveDate, bool>>,
}

impl<'a> Reference<'a> {
    fn new(chain: &'a [CalendarSpec]) -> Self {
        let mut weekend = vec![Weekday::Sat, Weekday::Sun];
        let mut timezone = chrono_tz::America::Mexico_City;
        let mut closes = None;
        // Each layer overrides the settings of those below it, when it sets them.
        for layer in chain {
            if let Some(w) = &layer.weekend {
                weekend = w.clone();
            }
            if let Some(tz) = layer.timezone {
                timezone = tz;
            }
            if let Some(c) = layer.closes {
                closes = Some(c);
            }
        }
        Reference {
            chain,
            weekend,
            timezone,
            closes,
            cache: RefCell::new(HashMap::new()),
        }
    }

    fn evaluate(&self, d: NaiveDate) -> bool {
        let mut business = !self.weekend.contains(&d.weekday());
        for layer in self.chain {
            if layer.closures.iter().any(|c| c.from <= d && d <= c.to)
                || layer.holidays.iter().any(|h| holiday_falls_on(h, d))
            {
                business = false;
            }
            if layer.enabled.iter().any(|e| e.on == d) {
                business = true;
            }
        }
        business
    }

    fn is_business(&self, d: NaiveDate) -> bool {
        if let Some(&b) = self.cache.borrow().get(&d) {
            return b;
        }
        let b = self.evaluate(d);
        self.cache.borrow_mut().insert(d, b);
        b
    }

    /// First business day on or after `d`, if there is one up to `MAX_DATE`.
    fn on_or_after(&self, mut d: NaiveDate) -> Option<NaiveDate> {
        if d < MIN_DATE {
            return None;
        }
        while d <= MAX_DATE {
            if self.is_business(d) {
                return Some(d);
            }
            d = d.succ_opt()?;
        }
        None
    }

    /// The `n`-th business day strictly after `d` (`d` itself for `n = 0`).
    fn add(&self, d: NaiveDate, n: u32) -> Option<NaiveDate> {
        if !in_range(d) {
            return None;
        }
        let mut left = n;
        let mut cur = d;
        while left > 0 {
            cur = cur.succ_opt()?;
            if cur > MAX_DATE {
                return None;
            }
            if self.is_business(cur) {
                left -= 1;
            }
        }
        Some(cur)
    }

    /// Local date and time of a moment on this calendar's clock.
    fn local(&self, m: &Moment) -> (NaiveDate, Option<NaiveTime>) {
        match *m {
            Moment::Date(d) => (d, None),
            Moment::Local(dt) => (dt.date(), Some(dt.time())),
            Moment::Instant(i) => {
                let l = i.with_timezone(&self.timezone).naive_local();
                (l.date(), Some(l.time()))
            }
        }
    }

    fn after_closing(&self, time: Option<NaiveTime>) -> bool {
        match (time, self.closes) {
            (Some(t), Some(c)) => t >= c,
            _ => false,
        }
    }

    /// Rule 1: the local date; the next day when at or after closing; then the first
    /// business day on or after that. Nothing when the local date is out of range or no
    /// business day follows before `MAX_DATE`.
    fn effective(&self, m: &Moment) -> Option<NaiveDate> {
        let (date, time) = self.local(m);
        if !in_range(date) {
            return None;
        }
        let start = if self.after_closing(time) {
            date.succ_opt()?
        } else {
            date
        };
        self.on_or_after(start)
    }

    /// Business days after `a` up to and including `b`.
    fn between(&self, a: NaiveDate, b: NaiveDate) -> Option<u32> {
        if !in_range(a) || !in_range(b) {
            return None;
        }
        let mut count = 0;
        let mut d = a;
        while d < b {
            d = d.succ_opt()?;
            if self.is_business(d) {
                count += 1;
            }
        }
        Some(count)
    }
}

// ---------------------------------------------------------------------------------------
// Strategies: random calendars
// ---------------------------------------------------------------------------------------

/// Any date from `lo` to `hi`, both included.
fn date_between(lo: NaiveDate, hi: NaiveDate) -> BoxedStrategy<NaiveDate> {
    (day_no(lo)..=day_no(hi)).prop_map(from_day_no).boxed()
}

/// The three years around `focus`.
fn window(focus: i32) -> (NaiveDate, NaiveDate) {
    (ymd(focus - 1, 1, 1), ymd(focus + 1, 12, 31))
}

/// Dates for rules: mostly near `focus`, sometimes anywhere (also out of range), at the
/// edges of the range arco counts on, or across a year end.
fn rule_date(focus: i32) -> BoxedStrategy<NaiveDate> {
    let (lo, hi) = window(focus);
    prop_oneof![
        5 => date_between(lo, hi),
        2 => date_between(ymd(1985, 1, 1), ymd(2105, 12, 31)),
        1 => date_between(MIN_DATE - Duration::days(60), MIN_DATE + Duration::days(60)),
        1 => date_between(MAX_DATE - Duration::days(60), MAX_DATE + Duration::days(60)),
        1 => (focus - 2..=focus + 1, 0i64..25).prop_map(|(y, k)| ymd(y, 12, 20) + Duration::days(k)),
    ]
    .boxed()
}

/// Dates to ask about: always in range, mostly near `focus`, sometimes at the edges.
fn query_date(focus: i32) -> BoxedStrategy<NaiveDate> {
    let (lo, hi) = window(focus);
    prop_oneof![
        6 => date_between(lo.max(MIN_DATE), hi.min(MAX_DATE)),
        2 => date_between(MIN_DATE, MAX_DATE),
        1 => date_between(MIN_DATE, MIN_DATE + Duration::days(20)),
        1 => date_between(MAX_DATE - Duration::days(60), MAX_DATE),
    ]
    .boxed()
}

fn arb_weekday() -> BoxedStrategy<Weekday> {
    (0usize..7).prop_map(|i| WEEKDAYS[i]).boxed()
}

fn arb_time() -> BoxedStrategy<NaiveTime> {
    prop_oneof![
        4 => (0u32..86_400).prop_map(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0).expect("time")),
        2 => (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).expect("time")),
        1 => Just(NaiveTime::MIN),
        1 => Just(NaiveTime::from_hms_opt(23, 59, 59).expect("time")),
        2 => Just(NaiveTime::from_hms_opt(15, 0, 0).expect("time")),
    ]
    .boxed()
}

fn arb_year(focus: i32) -> BoxedStrategy<i32> {
    prop_oneof![
        3 => focus - 2..=focus + 2,
        2 => 1985i32..=2105,
        1 => 1900i32..=2200,
    ]
    .boxed()
}

fn arb_rule(focus: i32) -> BoxedStrategy<HolidayRule> {
    let fixed = prop_oneof![
        4 => (1u32..=12).prop_flat_map(|m| (Just(m), 1..=days_in_month(2000, m))),
        1 => Just((2u32, 29u32)),
        1 => (1u32..=12, 1u32..=31),
    ]
    .prop_map(|(month, day)| HolidayRule::Fixed { month, day });
    let nth = (1u32..=12, arb_weekday(), prop_oneof![1i8..=4, -4i8..=-1]).prop_map(
        |(month, weekday, nth)| HolidayRule::NthWeekday {
            month,
            weekday,
            nth,
        },
    );
    // The offsets a calendar file may hold (-100..=100, checked by the parser).
    let easter = (-100i32..=100).prop_map(|offset| HolidayRule::Easter { offset });
    let once = rule_date(focus).prop_map(|date| HolidayRule::Once { date });
    prop_oneof![fixed, nth, easter, once].boxed()
}

fn arb_holiday(focus: i32) -> BoxedStrategy<Holiday> {
    (
        "[a-z]{1,6}",
        arb_rule(focus),
        prop::option::weighted(0.3, arb_year(focus)),
        prop::option::weighted(0.3, arb_year(focus)),
    )
        .prop_map(|(name, rule, since, until)| Holiday {
            name,
            rule,
            since,
            until,
        })
        .boxed()
}

fn arb_closure(focus: i32) -> BoxedStrategy<Closure> {
    let span = prop_oneof![
        6 => 0i64..20,
        3 => 0i64..150,
        1 => 0i64..3_000,
        1 => -5i64..0, // reversed: covers nothing
    ];
    ("[a-z]{1,6}", rule_date(focus), span)
        .prop_map(|(name, from, span)| Closure {
            name,
            from,
            to: from + Duration::days(span),
        })
        .boxed()
}

fn arb_enabled(focus: i32) -> BoxedStrategy<EnabledDay> {
    ("[a-z]{1,6}", rule_date(focus))
        .prop_map(|(reason, on)| EnabledDay { on, reason })
        .boxed()
}

fn arb_weekend() -> BoxedStrategy<Vec<Weekday>> {
    // Any set of weekdays but all seven.
    (0u8..127)
        .prop_map(|mask| {
            WEEKDAYS
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, w)| *w)
                .collect()
        })
        .boxed()
}

fn arb_layer(focus: i32) -> BoxedStrategy<CalendarSpec> {
    (
        "[a-z]{1,8}",
        prop::option::weighted(0.4, prop::sample::select(ZONES.to_vec())),
        prop::option::weighted(0.5, arb_time()),
        prop::option::weighted(0.5, arb_weekend()),
        prop::collection::vec(arb_holiday(focus), 0..8),
        prop::collection::vec(arb_closure(focus), 0..4),
        prop::collection::vec(arb_enabled(focus), 0..8),
    )
        .prop_map(
            |(name, timezone, closes, weekend, holidays, closures, enabled)| CalendarSpec {
                name,
                timezone,
                closes,
                weekend,
                extends: None,
                holidays,
                closures,
                enabled,
            },
        )
        .boxed()
}

/// A chain of 1 to 3 layers, root first.
fn arb_chain(focus: i32) -> BoxedStrategy<Vec<CalendarSpec>> {
    prop::collection::vec(arb_layer(focus), 1..=3)
        .prop_map(|mut chain| {
            for i in 1..chain.len() {
                chain[i].extends = Some(chain[i - 1].name.clone());
            }
            chain
        })
        .boxed()
}

/// A moment near `focus`: a date, an office-clock date and time, or an instant with a
/// random UTC offset.
fn arb_moment(focus: i32) -> BoxedStrategy<Moment> {
    prop_oneof![
        query_date(focus).prop_map(Moment::Date),
        (query_date(focus), arb_time()).prop_map(|(d, t)| Moment::Local(d.and_time(t))),
        (query_date(focus), arb_time(), -86_399i32..=86_399).prop_map(|(d, t, off)| {
            let offset = FixedOffset::east_opt(off).expect("offset");
            let instant = offset
                .from_local_datetime(&d.and_time(t))
                .single()
                .expect("a fixed offset has one instant per local time");
            Moment::Instant(instant)
        }),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
struct Case {
    focus: i32,
    chain: Vec<CalendarSpec>,
    /// Dates with a term length each.
    terms: Vec<(NaiveDate, u32)>,
    /// Moments with a term length each.
    moments: Vec<(Moment, u32)>,
    /// Spans in days for `business_days_between` and `non_business_days`.
    spans: Vec<i64>,
    /// UTC offsets (seconds) for instants built at the closing time.
    offsets: Vec<i32>,
}

fn arb_case() -> impl Strategy<Value = Case> {
    (1990i32..=2100).prop_flat_map(|focus| {
        (
            arb_chain(focus),
            prop::collection::vec((query_date(focus), 0u32..=40), 24),
            prop::collection::vec((arb_moment(focus), 0u32..=40), 16),
            prop::collection::vec(prop_oneof![3 => -10i64..60, 1 => -400i64..800], 24),
            prop::collection::vec(-50_400i32..=50_400, 8),
        )
            .prop_map(move |(chain, terms, moments, spans, offsets)| Case {
                focus,
                chain,
                terms,
                moments,
                spans,
                offsets,
            })
    })
}

// ---------------------------------------------------------------------------------------
// Property 1: the index equals the reference
// ---------------------------------------------------------------------------------------

/// Dates worth asking about: every rule date and its neighbours.
fn anchors(chain: &[CalendarSpec]) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for layer in chain {
        for c in &layer.closures {
            out.extend([c.from, c.to]);
        }
        for e in &layer.enabled {
            out.push(e.on);
        }
        for h in &layer.holidays {
            if let HolidayRule::Once { date } = h.rule {
                out.push(date);
            }
        }
    }
    let mut near = Vec::new();
    for a in out {
        for k in -2..=2 {
            if let Some(d) = a.checked_add_signed(Duration::days(k))
                && in_range(d)
            {
                near.push(d);
            }
        }
    }
    near.sort();
    near.dedup();
    near
}

fn check_explain(cal: &Calendar, r: &Reference, m: &Moment, n: u32) -> Result<(), TestCaseError> {
    let due = cal.due(m, n);
    let expected = r.effective(m).and_then(|e| r.add(e, n));
    prop_assert_eq!(due.as_ref().ok(), expected.as_ref(), "due({}, {})", m, n);
    let explained = cal.explain(m, n);
    let (Ok(due), Ok(e)) = (due, explained.as_ref()) else {
        prop_assert!(
            explained.is_err(),
            "explain({m}, {n}) is Ok but due errs: {explained:?}"
        );
        return Ok(());
    };
    prop_assert_eq!(e.due, due, "explain({}, {}).due", m, n);
    prop_assert_eq!(e.days, n);
    prop_assert_eq!(e.counted.len(), n as usize, "explain({}, {}) counted", m, n);
    let effective = r
        .effective(m)
        .expect("due is Ok, so there is an effective date");
    prop_assert_eq!(e.effective, effective);
    prop_assert_eq!((e.local_date, e.local_time), r.local(m));
    prop_assert_eq!(e.after_closing, r.after_closing(r.local(m).1));
    for d in &e.counted {
        prop_assert!(
            r.is_business(*d),
            "explain({m}, {n}) counted {d}, not a business day"
        );
        prop_assert!(effective < *d && *d <= due, "counted {d} outside the term");
    }
    for s in &e.skipped {
        prop_assert!(
            !r.is_business(s.date),
            "explain({m}, {n}) skipped business day {}",
            s.date
        );
        prop_assert!(
            effective < s.date && s.date <= due,
            "skipped {} outside the term",
            s.date
        );
    }
    // The days rolled over are those from the local date (the next one after closing) up
    // to day 0, and none of them is a business day.
    let (local_date, local_time) = r.local(m);
    let start = if r.after_closing(local_time) {
        local_date.succ_opt().unwrap_or(local_date)
    } else {
        local_date
    };
    let rolled: Vec<NaiveDate> = e.rolled_over.iter().map(|s| s.date).collect();
    let expected_rolled: Vec<NaiveDate> =
        start.iter_days().take_while(|d| *d < effective).collect();
    prop_assert_eq!(rolled, expected_rolled, "explain({}, {}) rolled over", m, n);
    for s in &e.rolled_over {
        prop_assert!(
            !r.is_business(s.date),
            "explain({m}, {n}) rolled over business day {}",
            s.date
        );
    }
    // Counted and skipped days together are exactly the days after day 0 up to the due date.
    let mut all: Vec<NaiveDate> = e
        .counted
        .iter()
        .copied()
        .chain(e.skipped.iter().map(|s| s.date))
        .collect();
    all.sort();
    let expected_days: Vec<NaiveDate> = effective
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= due)
        .collect();
    prop_assert_eq!(all, expected_days);
    if n > 0 {
        prop_assert_eq!(e.counted.last().copied(), Some(due));
    }
    // Showing it to people does not panic either.
    let _ = e.to_string();
    Ok(())
}

fn check_calendar(
    cal: &Calendar,
    chain: &[CalendarSpec],
    case: &Case,
) -> Result<(), TestCaseError> {
    let r = Reference::new(chain);
    prop_assert_eq!(cal.timezone(), r.timezone);
    prop_assert_eq!(cal.closes(), r.closes);
    prop_assert_eq!(cal.weekend(), &r.weekend[..]);

    // Every day of the three years around the focus, both ends of the range and the
    // neighbours of every rule date.
    let (lo, hi) = window(case.focus);
    let days = lo
        .max(MIN_DATE)
        .iter_days()
        .take_while(|d| *d <= hi.min(MAX_DATE))
        .chain(MIN_DATE.iter_days().take(40))
        .chain((MAX_DATE - Duration::days(40)).iter_days().take(41))
        .chain(anchors(chain));
    for d in days {
        prop_assert_eq!(
            cal.is_business_day(d).ok(),
            Some(r.is_business(d)),
            "is_business_day({})",
            d
        );
        prop_assert_eq!(
            cal.status(d).map(|s| s.is_business()).ok(),
            Some(r.is_business(d))
        );
    }

    // Terms from dates, the dates themselves and the rule anchors (each with a length).
    let anchor_terms = anchors(chain)
        .into_iter()
        .zip(case.terms.iter().map(|t| t.1).cycle());
    for (d, n) in case.terms.iter().copied().chain(anchor_terms) {
        prop_assert_eq!(
            cal.add_business_days(d, n).ok(),
            r.add(d, n),
            "add_business_days({}, {})",
            d,
            n
        );
        prop_assert_eq!(cal.add_business_days(d, 0).ok(), Some(d));
        prop_assert_eq!(
            cal.business_day_on_or_after(d).ok(),
            r.on_or_after(d),
            "business_day_on_or_after({})",
            d
        );
        prop_assert_eq!(
            cal.effective_date(&Moment::Date(d)).ok(),
            r.on_or_after(d),
            "effective_date({})",
            d
        );
    }

    // Counting between two dates, and listing the non-business days between them.
    for (&(a, n), &span) in case.terms.iter().zip(&case.spans) {
        let Some(b) = a
            .checked_add_signed(Duration::days(span))
            .filter(|b| in_range(*b))
        else {
            continue;
        };
        prop_assert_eq!(
            cal.business_days_between(a, b).ok(),
            r.between(a, b),
            "business_days_between({}, {})",
            a,
            b
        );
        // Counting back from a due date gives the term's length.
        if let Some(due) = r.add(a, n) {
            prop_assert_eq!(cal.business_days_between(a, due).ok(), Some(n));
        }
        let listed = cal.non_business_days(a, b);
        if b < a {
            prop_assert!(
                listed.is_err(),
                "non_business_days({a}, {b}) reversed is Ok"
            );
        } else {
            let listed = listed
                .map_err(|e| TestCaseError::fail(format!("non_business_days({a}, {b}): {e}")))?;
            let got: Vec<NaiveDate> = listed.iter().map(|(d, _)| *d).collect();
            let expected: Vec<NaiveDate> = a
                .iter_days()
                .take_while(|d| *d <= b)
                .filter(|d| !r.is_business(*d))
                .collect();
            prop_assert_eq!(got, expected, "non_business_days({}, {})", a, b);
            for (_, status) in listed {
                prop_assert!(!status.is_business());
            }
        }
    }

    // Effective dates and due dates of moments, with their explanations.
    let mut moments = case.moments.clone();
    // At the closing time and one second before, on the office clock and as instants.
    if let Some(c) = r.closes {
        for (i, &(d, n)) in case.terms.iter().take(8).enumerate() {
            let mut times = vec![c];
            if c >= NaiveTime::from_hms_opt(0, 0, 1).expect("time") {
                times.push(c - Duration::seconds(1));
            }
            for t in times {
                let local = d.and_time(t);
                moments.push((Moment::Local(local), n));
                if let Some(instant) = r.timezone.from_local_datetime(&local).earliest() {
                    let offset = FixedOffset::east_opt(case.offsets[i % case.offsets.len()])
                        .expect("offset");
                    moments.push((Moment::Instant(instant.with_timezone(&offset)), n));
                }
            }
        }
    }
    for (m, n) in &moments {
        prop_assert_eq!(
            cal.effective_date(m).ok(),
            r.effective(m),
            "effective_date({}) on {:?}",
            m,
            r.local(m)
        );
        check_explain(cal, &r, m, *n)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(96))]

    /// Each prefix of a random chain (the root alone, root + overlay, ...) is a calendar;
    /// each one agrees with the reference.
    #[test]
    fn calendar_matches_naive_reference(case in arb_case()) {
        for len in 1..=case.chain.len() {
            let chain = &case.chain[..len];
            let cal = Calendar::from_chain(chain.to_vec())
                .map_err(|e| TestCaseError::fail(format!("from_chain: {e}")))?;
            check_calendar(&cal, chain, &case)?;
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// A few holiday rules on a calendar with no weekend: over every day from 1990 to
    /// 2100, a day is a business day exactly when no rule falls on it.
    #[test]
    fn holiday_rules_over_the_whole_range(
        holidays in (1990i32..=2100)
            .prop_flat_map(|focus| prop::collection::vec(arb_holiday(focus), 1..=4)),
    ) {
        let mut spec = CalendarSpec::new("festivos");
        spec.weekend = Some(Vec::new());
        spec.holidays = holidays;
        let cal = Calendar::from_spec(spec.clone())
            .map_err(|e| TestCaseError::fail(format!("from_spec: {e}")))?;
        for d in MIN_DATE.iter_days().take_while(|d| *d <= MAX_DATE) {
            let expected = !spec.holidays.iter().any(|h| holiday_falls_on(h, d));
            prop_assert_eq!(cal.is_business_day(d).ok(), Some(expected), "is_business_day({})", d);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Property 1, the reference itself: known dates
// ---------------------------------------------------------------------------------------

#[test]
fn reference_knows_published_dates() {
    // Published Easter Sundays, including the years where Gauss's exceptions apply.
    for (y, m, d) in [
        (1990, 4, 15),
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2038, 4, 25),
        (2049, 4, 18),
        (2076, 4, 19),
        (2100, 3, 28),
    ] {
        assert_eq!(gauss_easter(y), ymd(y, m, d), "Easter {y}");
    }
    let mut mx = CalendarSpec::new("mx");
    mx.holidays.push(Holiday {
        name: "tercer lunes de marzo".into(),
        rule: HolidayRule::NthWeekday {
            month: 3,
            weekday: Weekday::Mon,
            nth: 3,
        },
        since: None,
        until: None,
    });
    mx.holidays.push(Holiday {
        name: "último jueves de diciembre".into(),
        rule: HolidayRule::NthWeekday {
            month: 12,
            weekday: Weekday::Thu,
            nth: -1,
        },
        since: None,
        until: None,
    });
    let r = Reference::new(std::slice::from_ref(&mx));
    assert!(!r.is_business(ymd(2026, 3, 16)));
    assert!(r.is_business(ymd(2026, 3, 9)));
    assert!(!r.is_business(ymd(2026, 12, 31)));
    assert!(r.is_business(ymd(2026, 12, 24)));
    assert_eq!(r.add(ymd(2026, 2, 5), 3), Some(ymd(2026, 2, 10)));
}

/// Exhaustive checks of the calendar-arithmetic rules over the whole range: every Easter
/// from 1990 to 2100 (offsets 0, -100 and 100), and every nth weekday of every month (one
/// calendar per `nth`, with that `nth` of all seven weekdays in all twelve months).
#[test]
fn every_easter_and_every_nth_weekday_in_range() {
    let mut rule_sets: Vec<Vec<HolidayRule>> = [0, -100, 100]
        .map(|offset| vec![HolidayRule::Easter { offset }])
        .to_vec();
    for nth in (-4i8..=-1).chain(1..=4) {
        let mut rules = Vec::new();
        for month in 1..=12 {
            for weekday in WEEKDAYS {
                rules.push(HolidayRule::NthWeekday {
                    month,
                    weekday,
                    nth,
                });
            }
        }
        rule_sets.push(rules);
    }
    for rules in rule_sets {
        let mut spec = CalendarSpec::new("reglas");
        spec.weekend = Some(Vec::new());
        spec.holidays = rules
            .into_iter()
            .map(|rule| Holiday {
                name: "h".into(),
                rule,
                since: None,
                until: None,
            })
            .collect();
        let cal = Calendar::from_spec(spec.clone()).expect("calendar");
        let mut holidays = 0;
        for d in MIN_DATE.iter_days().take_while(|d| *d <= MAX_DATE) {
            let expected = !spec.holidays.iter().any(|h| holiday_falls_on(h, d));
            holidays += usize::from(!expected);
            assert_eq!(
                cal.is_business_day(d).ok(),
                Some(expected),
                "{d} with {:?}",
                spec.holidays[0].rule
            );
        }
        // One day a year per rule set for Easter, 84 a year for the nth weekdays.
        assert!(holidays == 111 || holidays == 111 * 84, "{holidays}");
    }
}

// ---------------------------------------------------------------------------------------
// Property 2: no input panics
// ---------------------------------------------------------------------------------------

const MX_JALISCO: &str = include_str!("../holidays/mx-jalisco.toml");
const EJEMPLO: &str = include_str!("../holidays/ejemplo-organismo.toml");

/// A few fixed calendars: the shipped chain, one with no weekend, one where only the
/// días habilitados count, and one closed from 2100-06-01 on.
fn fixed_calendars() -> &'static [Calendar] {
    static CALENDARS: OnceLock<Vec<Calendar>> = OnceLock::new();
    CALENDARS.get_or_init(|| {
        let root = CalendarSpec::parse(MX_JALISCO, "mx-jalisco.toml").expect("shipped calendar");
        let overlay =
            CalendarSpec::parse(EJEMPLO, "ejemplo-organismo.toml").expect("shipped overlay");
        let mut none = CalendarSpec::new("sin fin de semana");
        none.weekend = Some(Vec::new());
        none.closes = NaiveTime::from_hms_opt(0, 0, 0);
        let mut sparse = CalendarSpec::new("solo habilitados");
        sparse.weekend = Some(WEEKDAYS[..6].to_vec());
        sparse.closures.push(Closure {
            name: "todo".into(),
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
        });
        sparse.enabled.extend(
            [ymd(1990, 1, 1), ymd(2026, 2, 5), ymd(2100, 12, 31)].map(|on| EnabledDay {
                on,
                reason: "r".into(),
            }),
        );
        let mut closed = CalendarSpec::new("cerrado al final");
        closed.timezone = Some(chrono_tz::Pacific::Kiritimati);
        closed.closes = NaiveTime::from_hms_opt(9, 0, 0);
        closed.closures.push(Closure {
            name: "fin".into(),
            from: ymd(2100, 6, 1),
            to: ymd(2200, 1, 1),
        });
        [vec![root, overlay], vec![none], vec![sparse], vec![closed]]
            .into_iter()
            .map(|chain| Calendar::from_chain(chain).expect("fixed calendar"))
            .collect()
    })
}

/// Any date chrono can hold, weighted towards the edges of arco's range.
fn any_date() -> BoxedStrategy<NaiveDate> {
    prop_oneof![
        2 => date_between(NaiveDate::MIN, NaiveDate::MAX),
        2 => date_between(ymd(-5000, 1, 1), ymd(5000, 12, 31)),
        2 => date_between(MIN_DATE - Duration::days(3), MIN_DATE + Duration::days(3)),
        2 => date_between(MAX_DATE - Duration::days(3), MAX_DATE + Duration::days(3)),
        1 => Just(NaiveDate::MIN),
        1 => Just(NaiveDate::MAX),
        2 => date_between(MIN_DATE, MAX_DATE),
    ]
    .boxed()
}

fn any_n() -> BoxedStrategy<u32> {
    prop_oneof![
        2 => 0u32..=40,
        2 => any::<u32>(),
        1 => Just(u32::MAX),
        1 => 28_000u32..=41_000,
    ]
    .boxed()
}

/// Instants whose local time is representable in every zone: within a day of chrono's
/// limits, `Moment::local` panics (see `extreme_instants_do_not_panic`, ignored).
fn representable(i: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    let margin = Duration::days(2);
    let lo = DateTime::<Utc>::MIN_UTC.checked_add_signed(margin)?;
    let hi = DateTime::<Utc>::MAX_UTC.checked_sub_signed(margin)?;
    (lo..=hi).contains(&i.to_utc()).then_some(i)
}

fn any_moment() -> BoxedStrategy<Moment> {
    let offset = prop_oneof![Just(-86_399i32), Just(86_399), Just(0), -86_399i32..=86_399];
    prop_oneof![
        any_date().prop_map(Moment::Date),
        (any_date(), arb_time()).prop_map(|(d, t)| Moment::Local(d.and_time(t))),
        (any_date(), arb_time(), offset.clone()).prop_filter_map(
            "representable instant",
            |(d, t, off)| {
                FixedOffset::east_opt(off)?
                    .from_local_datetime(&d.and_time(t))
                    .single()
                    .and_then(representable)
                    .map(Moment::Instant)
            }
        ),
        (
            prop_oneof![
                Just(DateTime::<Utc>::MIN_UTC + Duration::days(2)),
                Just(DateTime::<Utc>::MAX_UTC - Duration::days(2)),
            ],
            offset
        )
            .prop_map(|(utc, off)| {
                let offset = FixedOffset::east_opt(off).expect("offset");
                Moment::Instant(utc.with_timezone(&offset))
            }),
    ]
    .boxed()
}

/// BUG in src (not fixed here): `Moment::local`, and so `Calendar::effective_date`, `due`
/// and `explain`, panic in chrono's `DateTime::naive_local` ("Local time out of range for
/// `NaiveDateTime`") for an instant whose local time in the calendar's zone falls outside
/// chrono's range, instead of returning `TermError::OutOfRange`. Only reachable by
/// building a `Moment::Instant` in code: RFC 3339 text has 4-digit years.
#[test]
fn extreme_instants_do_not_panic() {
    let mx = Calendar::from_spec(CalendarSpec::new("mx")).expect("calendar");
    let mut kiritimati = CalendarSpec::new("ki");
    kiritimati.timezone = Some(chrono_tz::Pacific::Kiritimati);
    let ki = Calendar::from_spec(kiritimati).expect("calendar");
    for (cal, utc) in [
        (&mx, DateTime::<Utc>::MIN_UTC),
        (&ki, DateTime::<Utc>::MAX_UTC),
    ] {
        let m = Moment::Instant(utc.fixed_offset());
        assert!(cal.effective_date(&m).is_err());
        assert!(cal.due(&m, 1).is_err());
        assert!(cal.explain(&m, 1).is_err());
    }
}

/// Values for TOML-ish calendar texts: valid and invalid strings, numbers, dates, arrays.
const VALUES: &[&str] = &[
    "\"x\"",
    "\"\"",
    "\"  \"",
    "\"01-01\"",
    "\"02-29\"",
    "\"02-30\"",
    "\"13-01\"",
    "\"1-1\"",
    "\"-1--1\"",
    "\"12-31\"",
    "\"+1-+1\"",
    "\"99999999999-1\"",
    "\"sat\"",
    "\"Sábado\"",
    "\"mié\"",
    "\"xyz\"",
    "\"15:00\"",
    "\"24:00\"",
    "\"23:59\"",
    "\"3pm\"",
    "\"15:00:00\"",
    "\"America/Mexico_City\"",
    "\"Mars/Olympus\"",
    "\"2026-01-03\"",
    "\"1989-12-31\"",
    "\"2100-12-31\"",
    "\"+262143-12-31\"",
    "\"-262144-01-01\"",
    "\"2026-13-01\"",
    "\"mx-jalisco\"",
    "2026-01-03",
    "2026-01-03T10:00:00",
    "2026-01-03T10:00:00Z",
    "10:00:00",
    "9999-12-31",
    "0000-01-01",
    "0",
    "1",
    "-1",
    "3",
    "4",
    "5",
    "-4",
    "-5",
    "12",
    "13",
    "100",
    "101",
    "-100",
    "-101",
    "127",
    "128",
    "-128",
    "-129",
    "1899",
    "1900",
    "2200",
    "2201",
    "2147483647",
    "-2147483648",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "1e400",
    "nan",
    "-inf",
    "3.5",
    "true",
    "[]",
    "[\"sat\", \"sun\"]",
    "[\"sat\", \"sábado\"]",
    "[\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]",
    "[\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\"]",
    "[1, 2]",
    "[[]]",
    "{}",
    "{ name = \"x\" }",
    "\"\\u0000\"",
    "'''\nmulti\n'''",
];

const KEYS: &[&str] = &[
    "name", "timezone", "closes", "weekend", "extends", "date", "month", "weekday", "nth",
    "easter", "on", "since", "until", "from", "to", "reason", "closez", "holiday",
];

const HEADERS: &[&str] = &[
    "[[holiday]]",
    "[[closure]]",
    "[[enabled]]",
    "[holiday]",
    "[[holiday]",
    "[[otro]]",
    "",
    "# comentario",
];

/// One line of a TOML-ish calendar: a table header, `key = value`, a line of a shipped
/// calendar, or noise.
fn toml_line() -> BoxedStrategy<String> {
    let shipped: Vec<String> = MX_JALISCO
        .lines()
        .chain(EJEMPLO.lines())
        .map(str::to_string)
        .collect();
    prop_oneof![
        2 => prop::sample::select(HEADERS.to_vec()).prop_map(str::to_string),
        6 => (prop::sample::select(KEYS.to_vec()), prop::sample::select(VALUES.to_vec()))
            .prop_map(|(k, v)| format!("{k} = {v}")),
        3 => prop::sample::select(shipped),
        1 => "[ -~]{0,30}",
        1 => any::<String>(),
    ]
    .boxed()
}

/// A value for `key`: mostly one of the right type and range, sometimes any value.
fn value_for(key: &'static str) -> BoxedStrategy<String> {
    let good: BoxedStrategy<String> = match key {
        "timezone" => prop::sample::select(ZONES.to_vec())
            .prop_map(|tz| format!("\"{}\"", tz.name()))
            .boxed(),
        "closes" => (0u32..25, 0u32..61)
            .prop_map(|(h, m)| format!("\"{h:02}:{m:02}\""))
            .boxed(),
        "weekend" => prop_oneof![
            // A set of distinct days (all seven included, which the parser rejects).
            8 => (0u8..=127).prop_map(|mask| {
                (0..7)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| format!("\"{}\"", WEEKDAY_NAMES[i]))
                    .collect::<Vec<_>>()
            }),
            // Any names, repeated or unknown.
            1 => prop::collection::vec(
                prop::sample::select(WEEKDAY_NAMES.to_vec()).prop_map(|d| format!("\"{d}\"")),
                0..8
            ),
        ]
        .prop_map(|days| format!("[{}]", days.join(", ")))
        .boxed(),
        "weekday" => prop::sample::select(WEEKDAY_NAMES.to_vec())
            .prop_map(|d| format!("\"{d}\""))
            .boxed(),
        "date" => prop_oneof![8 => (1u32..=12, 1u32..=28), 1 => (0u32..=13, 0u32..=32)]
            .prop_map(|(m, d)| format!("\"{m:02}-{d:02}\""))
            .boxed(),
        "month" => prop_oneof![8 => 1i64..=12, 1 => -1i64..=14]
            .prop_map(|m| m.to_string())
            .boxed(),
        "nth" => prop_oneof![4 => 1i64..=4, 4 => -4i64..=-1, 1 => -6i64..=6]
            .prop_map(|n| n.to_string())
            .boxed(),
        "easter" => (-102i64..=102).prop_map(|n| n.to_string()).boxed(),
        "since" | "until" => prop_oneof![8 => 1985i64..=2105, 1 => 1895i64..=2205]
            .prop_map(|y| y.to_string())
            .boxed(),
        "on" | "from" | "to" => (rule_date(2026), any::<bool>())
            .prop_map(|(d, quoted)| {
                if quoted {
                    format!("\"{d}\"")
                } else {
                    d.to_string()
                }
            })
            .boxed(),
        _ => "\"[a-zA-Z][a-zA-Z ]{0,7}\"".boxed(),
    };
    prop_oneof![30 => good, 1 => prop::sample::select(VALUES.to_vec()).prop_map(str::to_string)]
        .boxed()
}

const WEEKDAY_NAMES: &[&str] = &[
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "lunes", "Sábado", "mié", "Domingo", "xyz",
];

/// `key = value`, always (as an `Option` to mix with [`maybe_line`]).
fn line(key: &'static str) -> BoxedStrategy<Option<String>> {
    value_for(key)
        .prop_map(move |v| Some(format!("{key} = {v}")))
        .boxed()
}

/// `key = value` when `key` is drawn, nothing otherwise.
fn maybe_line(key: &'static str, p: f64) -> BoxedStrategy<Option<String>> {
    prop::option::weighted(p, value_for(key).prop_map(move |v| format!("{key} = {v}"))).boxed()
}

/// A `[[holiday]]`, `[[closure]]` or `[[enabled]]` table, mostly well formed.
fn toml_block() -> BoxedStrategy<String> {
    let holiday = (
        maybe_line("name", 0.98),
        prop_oneof![
            4 => line("date").prop_map(|l| vec![l]),
            4 => (
                maybe_line("month", 0.99),
                maybe_line("weekday", 0.99),
                maybe_line("nth", 0.99)
            )
                .prop_map(|(a, b, c)| vec![a, b, c]),
            4 => line("easter").prop_map(|l| vec![l]),
            4 => line("on").prop_map(|l| vec![l]),
            1 => Just(Vec::new()),
        ],
        prop::option::weighted(0.03, toml_line()),
        maybe_line("since", 0.3),
        maybe_line("until", 0.3),
    )
        .prop_map(|(name, form, extra, since, until)| {
            let mut lines = vec![Some("[[holiday]]".to_string()), name];
            lines.extend(form);
            lines.extend([extra, since, until]);
            lines.into_iter().flatten().collect::<Vec<_>>().join("\n")
        });
    let closure = (
        maybe_line("name", 0.98),
        maybe_line("from", 0.98),
        maybe_line("to", 0.98),
    )
        .prop_map(|(a, b, c)| {
            [Some("[[closure]]".to_string()), a, b, c]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n")
        });
    let enabled = (maybe_line("on", 0.98), maybe_line("reason", 0.98)).prop_map(|(a, b)| {
        [Some("[[enabled]]".to_string()), a, b]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")
    });
    prop_oneof![3 => holiday, 1 => closure, 1 => enabled].boxed()
}

/// A calendar file made of mostly valid pieces: top-level keys, then tables.
fn structured_text() -> BoxedStrategy<String> {
    (
        maybe_line("name", 0.95),
        maybe_line("timezone", 0.3),
        maybe_line("closes", 0.4),
        maybe_line("weekend", 0.4),
        maybe_line("extends", 0.1),
        prop::collection::vec(toml_block(), 0..8),
    )
        .prop_map(|(name, tz, closes, weekend, extends, blocks)| {
            [name, tz, closes, weekend, extends]
                .into_iter()
                .flatten()
                .chain(blocks)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .boxed()
}

fn tomlish_text() -> BoxedStrategy<String> {
    let loose = (
        prop::option::weighted(0.8, Just("name = \"x\"".to_string())),
        prop::collection::vec(toml_line(), 0..30),
    )
        .prop_map(|(head, lines)| head.into_iter().chain(lines).collect::<Vec<_>>().join("\n"));
    (
        prop_oneof![1 => loose, 2 => structured_text()],
        any::<prop::sample::Index>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(text, cut, truncate)| {
            if truncate && !text.is_empty() {
                // Cut at a random character boundary.
                let mut at = cut.index(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text[..at].to_string()
            } else {
                text
            }
        })
        .boxed()
}

/// Exercises a calendar parsed from arbitrary text: nothing may panic.
fn exercise(cal: &Calendar, d: NaiveDate, n: u32) {
    let _ = cal.is_business_day(d);
    let _ = cal.add_business_days(d, n);
    let _ = cal.business_day_on_or_after(d);
    if let Some(later) = d.checked_add_signed(Duration::days(30)) {
        let _ = cal.business_days_between(d, later);
    }
    let _ = cal.deadline_end(d);
    let _ = cal.summary();
    for m in [
        Moment::Date(d),
        Moment::Local(d.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("time"))),
    ] {
        let _ = cal.due(&m, n);
        if let Ok(e) = cal.explain(&m, n.min(40)) {
            let _ = e.to_string();
        }
    }
}

fn moment_like() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "[0-9TZ:+. -]{0,32}",
        "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}([T ][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3}(\\.[0-9]{1,12})?)?)?(Z|z|[+-][0-9]{1,2}:[0-9]{1,2})?",
        "(1989|1990|2100|2101|9999|0000)-(12|01|02)-(31|01|29|30)T(23:59|00:00|24:00|15:00)(:60)?([+-](14|23|24|99):(00|59)|Z)?",
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn spec_parse_never_panics_on_any_text(text in any::<String>()) {
        let _ = CalendarSpec::parse(&text, "x.toml");
    }

    #[test]
    fn spec_parse_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = CalendarSpec::parse(&text, "x.toml");
    }

    #[test]
    fn moment_parse_never_panics(text in moment_like()) {
        if let Ok(m) = text.parse::<Moment>() {
            let _ = m.to_string();
            for cal in fixed_calendars() {
                let _ = cal.effective_date(&m);
                let _ = cal.due(&m, 10);
                let _ = cal.explain(&m, 10);
            }
        }
    }

    #[test]
    fn tomlish_calendars_never_panic(
        text in tomlish_text(),
        d in any_date(),
        n in 0u32..=40,
    ) {
        if let Ok(spec) = CalendarSpec::parse(&text, "x.toml") {
            let overlay = CalendarSpec::parse(EJEMPLO, "ejemplo-organismo.toml")
                .expect("shipped overlay");
            for chain in [vec![spec.clone()], vec![spec, overlay]] {
                if let Ok(cal) = Calendar::from_chain(chain) {
                    exercise(&cal, d, n);
                }
            }
        }
    }

    /// Dates and terms far outside the range give errors, never panics, and never a date
    /// outside the range.
    #[test]
    fn out_of_range_inputs_give_errors(
        a in any_date(),
        b in any_date(),
        n in any_n(),
        m in any_moment(),
    ) {
        for cal in fixed_calendars() {
            let added = cal.add_business_days(a, n);
            if !in_range(a) || n > 41_000 {
                prop_assert!(added.is_err(), "add_business_days({a}, {n}) = {added:?}");
            }
            if let Ok(r) = added {
                prop_assert!(in_range(r) && r >= a);
            }
            prop_assert_eq!(cal.is_business_day(a).is_ok(), in_range(a));
            prop_assert_eq!(cal.status(a).is_ok(), in_range(a));
            if let Ok(r) = cal.business_day_on_or_after(a) {
                prop_assert!(in_range(r) && r >= a);
            }
            prop_assert_eq!(
                cal.business_days_between(a, b).is_ok(),
                in_range(a) && in_range(b)
            );
            // Listing can be long only inside the range (at most ~40k days).
            prop_assert_eq!(
                cal.non_business_days(a, b).is_ok(),
                in_range(a) && in_range(b) && a <= b
            );
            let _ = cal.deadline_end(a);

            let effective = cal.effective_date(&m);
            if let Ok(e) = effective {
                prop_assert!(in_range(e));
            }
            let due = cal.due(&m, n);
            if let Ok(d) = due {
                prop_assert!(in_range(d));
            }
            for moment in [m, Moment::Date(a)] {
                let due = cal.due(&moment, n);
                // explain walks the days, so it is only called where it is short: a small
                // term, or one whose due date errs (explain errs first thing then).
                if n <= 40 || due.is_err() {
                    let explained = cal.explain(&moment, n);
                    prop_assert_eq!(explained.is_ok(), due.is_ok(), "explain({}, {})", moment, n);
                    if let Ok(e) = explained {
                        let _ = e.to_string();
                    }
                }
            }
        }
    }
}

/// BUG in src (not fixed here): `Calendar::from_chain` evaluates each holiday only for the
/// years 1990 to 2100, so an `Easter` offset that moves a day across a year boundary
/// misses the Easter of 1989 or 2101: Easter 2101 is 04-17, and offset -107 gives
/// 2100-12-31; Easter 1989 is 03-26, and offset 337 gives 1990-02-26. Calendar files
/// cannot hit it (the parser allows -100..=100), specs built in code can.
#[test]
fn easter_offsets_across_the_range_ends() {
    for (offset, day) in [(-107, ymd(2100, 12, 31)), (337, ymd(1990, 2, 26))] {
        let mut spec = CalendarSpec::new("pascua");
        spec.weekend = Some(Vec::new());
        spec.holidays.push(Holiday {
            name: "h".into(),
            rule: HolidayRule::Easter { offset },
            since: None,
            until: None,
        });
        assert!(holiday_falls_on(&spec.holidays[0], day));
        let cal = Calendar::from_spec(spec).expect("calendar");
        assert_eq!(cal.is_business_day(day), Ok(false), "easter {offset:+}");
    }
}

/// BUG in src (not fixed here): `rule::nth_weekday`, and so `Calendar::from_chain`,
/// overflow (a panic in debug builds) for `nth = i8::MIN` (`-nth`) and for
/// `month = u32::MAX` with a negative `nth` (`month + 1`). The parser rejects both; a spec
/// built in code does not.
#[test]
fn extreme_nth_weekday_rules_do_not_panic() {
    for (month, nth) in [(3, i8::MIN), (u32::MAX, -1)] {
        let mut spec = CalendarSpec::new("n");
        spec.holidays.push(Holiday {
            name: "h".into(),
            rule: HolidayRule::NthWeekday {
                month,
                weekday: Weekday::Mon,
                nth,
            },
            since: None,
            until: None,
        });
        let _ = Calendar::from_spec(spec);
    }
}
