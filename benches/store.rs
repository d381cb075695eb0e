//! Durable transitions per second against the raw insert rate of the same database with
//! the same durability settings (one transaction per write; SQLite: WAL, synchronous =
//! FULL; PostgreSQL: the server's, synchronous_commit on by default), and replay of
//! 100,000 case histories. Run with:
//!
//!     cargo bench --bench store
//!     ARCO_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench store
//!
//! The database is a fresh SQLite file, or a fresh PostgreSQL database created on the
//! server of `ARCO_BENCH_DATABASE` and dropped at the end. Sizes can be changed with
//! ARCO_BENCH_TRANSITIONS (default 2000), ARCO_BENCH_ROUNDS (default 4) and
//! ARCO_BENCH_HISTORIES (default 100000).
//! Figures are recorded in docs/benchmarks.md.

mod common;

use std::time::Instant;

use arco::calendar::{CalendarLoader, Moment};
use arco::case::{Actor, Clock, Role};
use arco::request::replay::{self, History};
use arco::request::{Outcome, RequestAct, Right};
use arco::rules::Rulebooks;
use arco::service::Registry;
use arco::storage::{Backend, Database};
use chrono::{Duration, NaiveDate, Utc};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo test --benches` runs bench targets with --bench absent: stay quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let transitions = if quick {
        50
    } else {
        env_usize("ARCO_BENCH_TRANSITIONS", 2000)
    };
    let histories = if quick {
        1000
    } else {
        env_usize("ARCO_BENCH_HISTORIES", 100_000)
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(durable(transitions));
    replay_many(histories);
}

async fn durable(n: usize) {
    let db = common::BenchDb::fresh("store").await;
    let store = db.open().await;
    println!("database: {}", db.backend.name());
    let reg = Registry::new(
        store,
        CalendarLoader::default(),
        Rulebooks::builtin().unwrap(),
    );
    let staff = Actor::new("bench", Role::UnitStaff);
    let comite = Actor::new("comite", Role::Committee);
    let now: chrono::DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();

    // Each case: filed, admitted, resolved, notified = 4 durable transitions, answering
    // only what was recorded (`Registry::record`, `Prefer: return=minimal`) or building
    // the whole case back (`Registry::act`, the API's default). The floor: one-row
    // inserts, each its own transaction, same database and settings. The three are
    // measured in interleaved rounds (raw, record, act; `ARCO_BENCH_ROUNDS`, default 4),
    // so that a load on this shared machine that comes and goes weighs on all three.
    let rounds = env_usize("ARCO_BENCH_ROUNDS", 4).max(1);
    let cases = n.div_ceil(4 * rounds);
    let payload = serde_json::json!({"act": "admitted"}).to_string();
    match reg.store() {
        Database::Sqlite(s) => {
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)",
            )
            .execute(s.pool())
            .await
            .unwrap();
        }
        Database::Postgres(p) => {
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)",
            )
            .execute(p.pool())
            .await
            .unwrap();
        }
    }
    // Seconds spent and transitions done: raw, record, act.
    let mut spent = [0f64; 3];
    let mut done = [0usize; 3];
    let mut next_case = 0usize;
    for _ in 0..rounds {
        let start = Instant::now();
        raw_inserts(reg.store(), &payload, cases * 4).await;
        spent[0] += start.elapsed().as_secs_f64();
        done[0] += cases * 4;
        for (slot, whole) in [(1, false), (2, true)] {
            let start = Instant::now();
            for _ in 0..cases {
                let i = next_case;
                next_case += 1;
                let day =
                    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days((i % 200) as i64);
                let m =
                    |h: i64| Moment::Local(day.and_hms_opt(9, 0, 0).unwrap() + Duration::days(h));
                let folio = reg
                    .file_request("BENCH", "mx-jalisco", Right::Access, m(0), &staff, now)
                    .await
                    .unwrap()
                    .folio;
                let acts = [
                    (RequestAct::Admitted, m(1), &staff),
                    (
                        RequestAct::Resolved {
                            outcome: Outcome::Denied,
                        },
                        m(3),
                        &comite,
                    ),
                    (RequestAct::ResolutionNotified, m(4), &staff),
                ];
                for (act, at, who) in acts {
                    if whole {
                        reg.act(&folio, act, at, who, now).await.unwrap();
                    } else {
                        reg.record(&folio, act, at, who, now).await.unwrap();
                    }
                }
            }
            spent[slot] += start.elapsed().as_secs_f64();
            done[slot] += cases * 4;
        }
    }
    let raw = done[0] as f64 / spent[0];
    let settings = match db.backend {
        Backend::Sqlite => "same file, WAL, synchronous=FULL",
        Backend::Postgres => "same database, one transaction each",
    };
    println!("{rounds} interleaved rounds");
    println!("raw single-row inserts ({settings}): {raw:.0}/s");
    for (slot, what) in [
        (1, "durable transitions, only what was recorded (record)"),
        (2, "durable transitions, whole case built back (act)"),
    ] {
        let tps = done[slot] as f64 / spent[slot];
        println!(
            "{what}: {} in {:.2} s = {tps:.0}/s",
            done[slot], spent[slot]
        );
        println!("  transitions / raw inserts: {:.2}", tps / raw);
    }
    reg.store().close().await;
    drop(reg);
    db.remove().await;
}

/// `n` one-row inserts, each in its own transaction (`BEGIN IMMEDIATE` on SQLite).
async fn raw_inserts(store: &Database, payload: &str, n: usize) {
    match store {
        Database::Sqlite(s) => {
            let pool = s.pool();
            for _ in 0..n {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                sqlx::query("INSERT INTO bench_raw (payload) VALUES (?)")
                    .bind(payload)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
        Database::Postgres(p) => {
            let pool = p.pool();
            for _ in 0..n {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query("INSERT INTO bench_raw (payload) VALUES ($1)")
                    .bind(payload)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
    }
}

fn replay_many(n: usize) {
    let loader = CalendarLoader::default();
    let books = Rulebooks::builtin().unwrap();
    let calendar = loader.load("mx-jalisco").unwrap();
    let now: chrono::DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
    // Histories of 7 acts, filed on every day of 2024–2025.
    let texts: Vec<String> = (0..n)
        .map(|i| {
            let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days((i % 700) as i64);
            let at = |k: i64| format!("{}T10:00:00-06:00", d0 + Duration::days(k));
            format!(
                r#"{{"calendar":"mx-jalisco","right":"access","events":[
                {{"act":"filed","at":"{}"}},{{"act":"prevention_notified","at":"{}"}},
                {{"act":"prevention_answered","at":"{}"}},{{"act":"admitted","at":"{}"}},
                {{"act":"resolved","at":"{}","outcome":"granted"}},{{"act":"resolution_notified","at":"{}"}},
                {{"act":"fulfilled","at":"{}"}}]}}"#,
                at(0), at(1), at(3), at(4), at(10), at(11), at(13)
            )
        })
        .collect();
    let start = Instant::now();
    let mut states = 0usize;
    for t in &texts {
        let h = History::from_json(t).unwrap();
        let events = h.parsed_events().unwrap();
        let book = replay::rulebook_for(&books, &h, &calendar, &events).unwrap();
        let clock = Clock::new(&calendar, book);
        let req = replay::build(&clock, &events, now).unwrap();
        let view = replay::view(&req, &clock, now.date_naive()).unwrap();
        states += view.deadlines.len();
    }
    let t = start.elapsed();
    println!(
        "replay: {n} histories (7 acts each, JSON parse + apply + deadlines) in {:.2} s = {:.0} histories/s ({states} deadlines)",
        t.as_secs_f64(),
        n as f64 / t.as_secs_f64()
    );
}
