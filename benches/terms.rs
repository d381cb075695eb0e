//! Term arithmetic of arco against `bdays::HolidayCalendarCache::advance_bdays`, on the
//! same calendar, for terms of 3, 10 and 20 business days; plus arco's `due` from an
//! RFC 3339 instant and the one-time cost of building each index.
//!
//! Run with `cargo bench --bench terms`; the figures are recorded in docs/benchmarks.md.
//!
//! Before timing anything, the bench checks that both libraries give the same answer: for
//! every business day of the index range and every term from 0 to 30 days, arco's
//! `add_business_days(d, n)` must equal bdays' `advance_bdays(d, n)`; and from any date,
//! business day or not, arco's `due(Moment::Date(d), n)` (effective date first) must equal
//! `advance_bdays(d, n)` (which moves a non-business start to the next business day first).

use std::hint::black_box;
use std::time::Duration;

use arco::calendar::{Calendar, CalendarLoader, MAX_DATE, MIN_DATE, Moment};
use bdays::{HolidayCalendar, HolidayCalendarCache};
use chrono::{Datelike, NaiveDate};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The calendars compared: the shipped root and an overlay with closures and holidays.
const CALENDARS: [&str; 2] = ["mx-jalisco", "ejemplo-organismo"];
/// Term lengths in business days.
const TERMS: [u32; 3] = [3, 10, 20];
/// How many start dates each timed iteration goes through.
const STARTS: usize = 1_000;
/// Terms checked for agreement before timing: 0 to this many days.
const CHECK_TERMS: u32 = 30;

/// arco's calendar seen through bdays: bdays already treats Saturday and Sunday as
/// non-business days, so a "holiday" is a weekday on which arco does not count.
struct ArcoHolidays<'a>(&'a Calendar);

impl HolidayCalendar<NaiveDate> for ArcoHolidays<'_> {
    fn is_holiday(&self, d: NaiveDate) -> bool {
        bdays::is_weekday(d) && !self.0.is_business_day(d).unwrap_or(false)
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("fecha válida")
}

fn load(name: &str) -> Calendar {
    CalendarLoader::default()
        .load(name)
        .unwrap_or_else(|e| panic!("no se pudo cargar «{name}»: {e}"))
}

/// bdays' cache over exactly arco's range, built once like arco's index.
fn bdays_cache(cal: &Calendar) -> HolidayCalendarCache<NaiveDate> {
    HolidayCalendarCache::new(ArcoHolidays(cal), MIN_DATE, MAX_DATE)
}

/// `STARTS` business days drawn uniformly (fixed xorshift seed) from 2000-01-01 to
/// 2090-12-31, in random order, so both libraries see the same scattered inputs.
fn start_dates(cal: &Calendar) -> Vec<NaiveDate> {
    let from = date(2000, 1, 1);
    let span = (date(2090, 12, 31) - from).num_days() as u64 + 1;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..STARTS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let d = from + chrono::Duration::days((x % span) as i64);
            cal.business_day_on_or_after(d).expect("dentro del rango")
        })
        .collect()
}

/// The same starts as RFC 3339 instants at -06:00: a quarter of them at the 15:00 closing
/// time (more in the 1996–2022 summers, at -05:00), effective the next business day.
fn start_moments(starts: &[NaiveDate]) -> Vec<Moment> {
    const TIMES: [&str; 4] = ["09:30:00", "14:59:59", "15:00:00", "11:05:00"];
    starts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            format!("{d}T{}-06:00", TIMES[i % TIMES.len()])
                .parse()
                .expect("RFC 3339 válido")
        })
        .collect()
}

/// Panics unless arco and bdays agree (see the module docs): first on which days count,
/// then on every term from every day.
fn check_agreement(name: &str, cal: &Calendar, cache: &HolidayCalendarCache<NaiveDate>) {
    let days = || MIN_DATE.iter_days().take_while(|&d| d <= MAX_DATE);
    // bdays counts a day only if it is Monday to Friday and not a holiday: a weekend day
    // that a calendar enables (día habilitado on a Saturday) cannot be expressed in it.
    let differ: Vec<String> = days()
        .filter(|&d| cal.is_business_day(d).ok() != Some(cache.is_bday(d)))
        .map(|d| format!("{d} ({:?}): {:?}", d.weekday(), cal.status(d)))
        .collect();
    assert!(
        differ.is_empty(),
        "«{name}»: arco y bdays no cuentan los mismos días (bdays no admite fines de semana \
         habilitados): {}",
        differ.join("; ")
    );
    // Leave room at the end so every term fits in both ranges (bdays panics past it).
    let last = MAX_DATE - chrono::Duration::days(2 * i64::from(CHECK_TERMS) + 60);
    for d in days().take_while(|&d| d <= last) {
        let business = cache.is_bday(d);
        for n in 0..=CHECK_TERMS {
            let theirs = cache.advance_bdays(d, n as i32);
            if business {
                let ours = cal.add_business_days(d, n).expect("dentro del rango");
                assert_eq!(ours, theirs, "«{name}»: {d} + {n} días hábiles");
            }
            let due = cal.due(&Moment::Date(d), n).expect("dentro del rango");
            assert_eq!(due, theirs, "«{name}»: plazo de {n} días desde {d}");
        }
    }
}

/// Index size per the layout in src/calendar/mod.rs: `day_label: Vec<u16>` (one per day),
/// `rank: Vec<u32>` (days + 1), `business: Vec<u32>` (allocated with capacity = days).
fn report_index(name: &str, cal: &Calendar) {
    let days = (MAX_DATE - MIN_DATE).num_days() as usize + 1;
    let business = cal
        .business_days_between(MIN_DATE, MAX_DATE)
        .expect("dentro del rango") as usize
        + usize::from(cal.is_business_day(MIN_DATE).expect("dentro del rango"));
    let used = 2 * days + 4 * (days + 1) + 4 * business;
    let allocated = 2 * days + 4 * (days + 1) + 4 * days;
    eprintln!(
        "índice «{name}»: {days} días, {business} hábiles; {used} bytes usados, \
         {allocated} reservados (bdays: {} bytes)",
        6 * days
    );
}

fn terms(c: &mut Criterion) {
    for name in CALENDARS {
        let cal = load(name);
        let cache = bdays_cache(&cal);
        check_agreement(name, &cal, &cache);
        report_index(name, &cal);
        let starts = start_dates(&cal);
        let suffix = if name == CALENDARS[0] {
            String::new()
        } else {
            format!("/{name}")
        };

        let mut g = c.benchmark_group(format!("arco/add_business_days{suffix}"));
        g.throughput(Throughput::Elements(starts.len() as u64));
        for n in TERMS {
            g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
                b.iter(|| {
                    for &d in &starts {
                        black_box(cal.add_business_days(black_box(d), n).ok());
                    }
                })
            });
        }
        g.finish();

        let mut g = c.benchmark_group(format!("bdays/advance_bdays{suffix}"));
        g.throughput(Throughput::Elements(starts.len() as u64));
        for n in TERMS {
            g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
                b.iter(|| {
                    for &d in &starts {
                        black_box(cache.advance_bdays(black_box(d), n as i32));
                    }
                })
            });
        }
        g.finish();
    }

    // `due` from an RFC 3339 instant: time-zone conversion, closing time, effective date,
    // then the term. The instants are parsed outside the timed loop.
    let cal = load(CALENDARS[0]);
    let moments = start_moments(&start_dates(&cal));
    let mut g = c.benchmark_group("arco/due_rfc3339");
    g.throughput(Throughput::Elements(moments.len() as u64));
    for n in TERMS {
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                for m in &moments {
                    black_box(cal.due(black_box(m), n).ok());
                }
            })
        });
    }
    g.finish();
}

/// Where arco's nanoseconds go: the two chrono conversions around its two array reads,
/// written as src/calendar/mod.rs writes them (`index` and `date_of`).
fn chrono_conversions(c: &mut Criterion) {
    let cal = load(CALENDARS[0]);
    let starts = start_dates(&cal);
    let offsets: Vec<i64> = starts.iter().map(|&d| (d - MIN_DATE).num_days()).collect();
    let mut g = c.benchmark_group("chrono");
    g.throughput(Throughput::Elements(starts.len() as u64));
    g.bench_function("date_to_index", |b| {
        b.iter(|| {
            for &d in &starts {
                black_box((black_box(d) - MIN_DATE).num_days());
            }
        })
    });
    g.bench_function("index_to_date", |b| {
        b.iter(|| {
            for &i in &offsets {
                black_box(MIN_DATE + chrono::Duration::days(black_box(i)));
            }
        })
    });
    g.finish();
}

fn index_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("index");
    g.sample_size(20);
    for name in CALENDARS {
        // Everything: find the files, read and parse the TOML, follow `extends`, index.
        g.bench_function(BenchmarkId::new("load", name), |b| b.iter(|| load(name)));
        // The index alone, from already parsed specs.
        let cal = load(name);
        let chain = cal.chain().to_vec();
        // (Cloning the few specs is noise next to 40k days; `iter_batched` would keep
        // hundreds of 400 KB indexes alive at once and time page faults instead.)
        g.bench_function(BenchmarkId::new("from_chain", name), |b| {
            b.iter(|| Calendar::from_chain(chain.clone()))
        });
        // bdays' one-time cache over the same range, fed from arco's index.
        g.bench_function(BenchmarkId::new("bdays_cache", name), |b| {
            b.iter(|| bdays_cache(&cal))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = terms, chrono_conversions, index_build
}
criterion_main!(benches);
