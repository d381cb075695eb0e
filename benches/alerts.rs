//! An alert run's dry run over many open cases, against the floor: a plain SQL query that
//! counts the same due rows in the same database. Run with:
//!
//!     cargo bench --bench alerts
//!     ARCO_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench alerts
//!
//! The database is a fresh SQLite file, or a fresh PostgreSQL database created on the
//! server of `ARCO_BENCH_DATABASE` and dropped at the end.
//! `ARCO_BENCH_CASES` sets the number of open cases (default 1,000,000). The data is
//! written once per run with set-based inserts (the registry would take hours at ~570
//! durable acts a second); each case has two open terms (admission and resolution) whose
//! due dates are spread evenly from 3 days before the run's date to a year after it. Peak memory is the process's
//! high-water mark (VmHWM) of a process of its own that
//! opens the database and runs the floor and the dry run, as `arco alerts run --dry-run` would
//! (a lean store: no memory map, 8 MB of page cache per connection; `ARCO_BENCH_MAPPED=1`
//! measures with the server's settings instead).

use std::time::Instant;

mod common;

use arco::alerts::{self, AlertConfig, Mailer};
use arco::calendar::CalendarLoader;
use arco::rules::Rulebooks;
use arco::service::Registry;
use arco::storage::{Database, Store};
use chrono::{NaiveDate, Utc};

fn vm_hwm_kb() -> Option<u64> {
    status_kb("VmHWM:")
}

/// A line of /proc/self/status, in kB.
fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Set in the child process that measures: the database's URL.
const MEASURE: &str = "ARCO_BENCH_MEASURE_URL";

fn main() {
    if let Ok(url) = std::env::var(MEASURE) {
        let as_of: NaiveDate = std::env::var("ARCO_BENCH_AS_OF").unwrap().parse().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(measure(&url, as_of));
        return;
    }
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: usize = if quick {
        2_000
    } else {
        std::env::var("ARCO_BENCH_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000)
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let db = common::BenchDb::fresh("alerts").await;
        let store = db.open().await;
        println!("database: {}", db.backend.name());
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let start = Instant::now();
        match &store {
            Database::Sqlite(s) => generate_sqlite(s.pool(), n, as_of).await,
            Database::Postgres(p) => generate_postgres(p.pool(), n, as_of).await,
        }
        println!(
            "{n} open cases written in {:.1} s",
            start.elapsed().as_secs_f64()
        );

        store.close().await;
        drop(store);
        // The runs are measured in a process of their own, as `arco alerts run --dry-run`
        // would be: its peak memory is the run's, not the data generation's (whose pages
        // of the database file would otherwise count in the resident size).
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--bench")
            .env(MEASURE, &db.url)
            .env("ARCO_BENCH_AS_OF", as_of.to_string())
            .status()
            .expect("the measuring process");
        assert!(status.success(), "the measuring process failed: {status}");
        if std::env::var_os("ARCO_BENCH_KEEP").is_some() {
            // For a profiler: ARCO_BENCH_MEASURE_URL=<url> ARCO_BENCH_AS_OF=<date> <bench> --bench
            println!("kept: {MEASURE}={} ARCO_BENCH_AS_OF={as_of}", db.url);
        } else {
            db.remove().await;
        }
    });
}

/// The floor and the dry run, each measured three times after a warm-up (the median is
/// reported), then this process's peak memory.
async fn measure(url: &str, as_of: NaiveDate) {
    // As `arco alerts run` and `arco daemon` open it (`ARCO_BENCH_MAPPED=1`: as `arco
    // serve` does, with the 1 GB map and 64 MB caches).
    let store = if std::env::var_os("ARCO_BENCH_MAPPED").is_some() {
        Database::open(url).await.unwrap()
    } else {
        Database::open_lean(url).await.unwrap()
    };
    let reg = Registry::new(
        store,
        CalendarLoader::default(),
        Rulebooks::builtin().unwrap(),
    );
    let config: AlertConfig = AlertConfig::parse(
        "[recipients.default]\nunit = [\"ut@x.gob.mx\"]\nunit_head = [\"jefa@x.gob.mx\"]\ncommittee = [\"comite@x.gob.mx\"]\n",
        "bench.toml",
    )
    .unwrap();
    let by = alerts::horizon(&reg, &config, as_of).await.unwrap();
    reg.store().count_due_rows(by, as_of).await.unwrap();
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let mut floor = 0;
    let mut floor_t = Vec::new();
    let mut dry_t = Vec::new();
    let mut alerts_due = 0;
    let mut digests = 0;
    for round in 0..4 {
        let t = Instant::now();
        floor = reg.store().count_due_rows(by, as_of).await.unwrap();
        let f = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let report = alerts::run(&reg, &config, &Mailer::memory().0, as_of, Utc::now(), true)
            .await
            .unwrap();
        let d = t.elapsed().as_secs_f64();
        alerts_due = report.due;
        digests = report.previews.len();
        if round > 0 {
            floor_t.push(f);
            dry_t.push(d);
        }
    }
    let (floor_s, dry_s) = (median(floor_t), median(dry_t));
    println!("floor: SELECT count(*) of the {floor} open rows due by {by}: {floor_s:.3} s");
    println!(
        "dry run: {alerts_due} alerts due on {as_of} in {digests} digests: {dry_s:.3} s ({:.1}x the floor)",
        dry_s / floor_s
    );
    if let Some(kb) = vm_hwm_kb() {
        println!(
            "peak memory of the measuring process (VmHWM): {:.0} MB (now anonymous {:.0} MB, file-backed {:.0} MB, the database's memory map among them)",
            kb as f64 / 1024.0,
            status_kb("RssAnon:").unwrap_or(0) as f64 / 1024.0,
            status_kb("RssFile:").unwrap_or(0) as f64 / 1024.0,
        );
    }
    reg.store().close().await;
}

/// Admission due dates spread evenly from 3 days before `as_of` to a year after;
/// resolution two weeks later. Set-based inserts: seconds, not hours.
async fn generate_sqlite(pool: &sqlx::SqlitePool, n: usize, as_of: NaiveDate) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < ?1)
         INSERT INTO cases (id, folio, body, kind, calendar, rulebook, version, state, projection, filed_on, created_at, updated_at)
         SELECT x, printf('B%d-ARCO-2026-%07d', x % 100, x), printf('B%d', x % 100), 'request', 'mx-jalisco',
                'lpdppsoj-2017', 1, 'filed', '{}', date(?2, printf('%+d days', x % 365 - 3)), '', ''
         FROM seq",
    )
    .bind(n as i64)
    .bind(as_of.to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    for q in [
        "INSERT INTO events (case_id, seq, act, payload, actor, role, occurred_at, effective_on, late, recorded_at, rulebook)
         SELECT id, 1, 'filed', '{}', printf('staff-%d', id % 500), 'unit_staff', filed_on, filed_on, 0, '', 'lpdppsoj-2017' FROM cases",
        "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article)
         SELECT id, 'admission', filed_on, 3, filed_on, 'pending', NULL, 0, '53.1' FROM cases",
        "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article)
         SELECT id, 'resolution', filed_on, 10, date(filed_on, '+14 days'), 'pending', NULL, 0, '59.1, 52.2' FROM cases",
    ] {
        sqlx::query(q).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// The same rows on PostgreSQL, then `ANALYZE` (as autovacuum would do after a bulk load).
async fn generate_postgres(pool: &sqlx::PgPool, n: usize, as_of: NaiveDate) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO cases (id, folio, body, kind, calendar, rulebook, version, state, projection, filed_on)
         SELECT x, format('B%s-ARCO-2026-%s', x % 100, lpad(x::text, 7, '0')), 'B' || (x % 100), 'request',
                'mx-jalisco', 'lpdppsoj-2017', 1, 'filed', '{}'::jsonb, $2::date + (x % 365 - 3)::int
         FROM generate_series(1, $1::bigint) AS x",
    )
    .bind(n as i64)
    .bind(as_of)
    .execute(&mut *tx)
    .await
    .unwrap();
    for q in [
        "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))",
        "INSERT INTO events (case_id, seq, act, payload, actor, role, occurred_at, effective_on, late, recorded_at, rulebook)
         SELECT id, 1, 'filed', '{}', 'staff-' || (id % 500), 'unit_staff', filed_on::text, filed_on, false, '', 'lpdppsoj-2017' FROM cases",
        "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article)
         SELECT id, 'admission', filed_on, 3, filed_on, 'pending', NULL, false, '53.1' FROM cases",
        "INSERT INTO deadlines (case_id, term, day0, days, due, status, done, optional, article)
         SELECT id, 'resolution', filed_on, 10, filed_on + 14, 'pending', NULL, false, '59.1, 52.2' FROM cases",
    ] {
        sqlx::query(q).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
}
