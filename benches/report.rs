//! A year's request report over many cases (issue 16; aim: under one second for 100,000
//! on this machine). Run with:
//!
//!     cargo bench --bench report
//!     ARCO_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench report
//!
//! `ARCO_BENCH_CASES` sets the number of requests (default 100,000). Twenty-two histories
//! of 2026 — two a month from January to November, each a different path (granted and fulfilled, denied,
//! prevented and cured, tenida por no presentada, improcedent, incompetent, extended,
//! withdrawn, still open, answered late) — go through the registry like any import; then
//! their rows (case, log, terms) are copied with set-based inserts until there are
//! `ARCO_BENCH_CASES`, spread over 50 bodies (the registry would take minutes). The report
//! is computed three times after a warm-up, over every body and grouped by body; the
//! median is printed.

use std::time::Instant;

mod common;

use arco::calendar::CalendarLoader;
use arco::report::requests::RequestReport;
use arco::report::{GroupBy, Period};
use arco::request::replay::History;
use arco::rules::Rulebooks;
use arco::service::{Registry, ReportScope};
use arco::storage::Database;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The history of template `i`, filed on `day`.
fn history(i: usize, day: NaiveDate) -> Value {
    let at = |d: i64| format!("{}T10:00:00-06:00", day + Duration::days(d));
    let ev = match i % 12 {
        0 | 1 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "admitted", "at": at(1)},
            {"act": "identity_accredited", "at": at(1), "standing": "titular", "means": "official_id"},
            {"act": "resolved", "at": at(7), "outcome": "granted"},
            {"act": "resolution_notified", "at": at(8)},
            {"act": "fulfilled", "at": at(10)},
            {"act": "closed", "at": at(11)},
        ]),
        2 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "admitted", "at": at(2)},
            {"act": "resolved", "at": at(8), "outcome": "denied"},
            {"act": "resolution_notified", "at": at(9)},
        ]),
        3 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "prevention_notified", "at": at(1)},
            {"act": "prevention_answered", "at": at(3)},
            {"act": "admitted", "at": at(4)},
            {"act": "resolved", "at": at(12), "outcome": "partially_granted"},
            {"act": "resolution_notified", "at": at(13)},
        ]),
        4 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "prevention_notified", "at": at(1)},
        ]),
        5 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "improcedence_reviewed", "at": at(2), "cause": "IV", "decision": "confirmed"},
            {"act": "improcedence_notified", "at": at(3), "cause": "IV"},
        ]),
        6 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "incompetence_notified", "at": at(1)},
        ]),
        7 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "admitted", "at": at(1)},
            {"act": "extension_notified", "at": at(8)},
            {"act": "resolved", "at": at(16), "outcome": "nonexistent"},
            {"act": "resolution_notified", "at": at(17)},
        ]),
        8 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "withdrawn", "at": at(2)},
        ]),
        9 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "admitted", "at": at(1)},
        ]),
        10 => json!([
            {"act": "filed", "at": at(0)},
            {"act": "admitted", "at": at(6)},
            {"act": "resolved", "at": at(25), "outcome": "denied"},
            {"act": "resolution_notified", "at": at(26)},
        ]),
        _ => json!([{"act": "filed", "at": at(0)}]),
    };
    let right = ["access", "rectification", "cancellation", "opposition"][i % 4];
    json!({"calendar": "mx-jalisco", "right": right, "events": ev})
}

fn main() {
    let n = env_usize("ARCO_BENCH_CASES", 100_000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let db = common::BenchDb::fresh("report").await;
        let store = db.open().await;
        println!("database: {}", db.backend.name());
        let reg = Registry::new(
            store,
            CalendarLoader::default(),
            Rulebooks::builtin().unwrap(),
        );
        let now = Utc::now();
        let templates = 22;
        let start = Instant::now();
        for i in 0..templates {
            let day = NaiveDate::from_ymd_opt(2026, 1 + (i / 2) as u32, 3 + 14 * (i % 2) as u32)
                .unwrap();
            let h = History::from_json(&history(i, day).to_string()).unwrap();
            reg.import(&h, "B00", None, now)
                .await
                .unwrap_or_else(|e| panic!("template {i}: {e}"));
        }
        let copies = n.div_ceil(templates);
        copy(reg.store(), copies).await;
        println!(
            "{} requests written in {:.1} s ({templates} histories through the registry, copied {copies} times)",
            templates * copies,
            start.elapsed().as_secs_f64()
        );

        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let year = Period::year("2026", today).unwrap();
        for group_by in [GroupBy::None, GroupBy::Body] {
            let mut times = Vec::new();
            let mut last: Option<RequestReport> = None;
            for round in 0..4 {
                let t = Instant::now();
                let r = reg
                    .request_report(&ReportScope::All, year, group_by)
                    .await
                    .unwrap();
                if round > 0 {
                    times.push(t.elapsed().as_secs_f64());
                }
                last = Some(r);
            }
            times.sort_by(|a, b| a.total_cmp(b));
            let r = last.unwrap();
            assert_eq!(r.requests.count("received", "total"), templates * copies);
            println!(
                "report of 2026 ({}), {} requests, {} columns: {:.3} s (median of 3)",
                group_by.label_es(),
                r.requests.count("received", "total"),
                r.requests.columns.len(),
                times[1]
            );
        }
        reg.store().close().await;
        drop(reg);
        db.remove().await;
    });
}

/// How a backend writes the copies.
struct Dialect {
    /// A `WITH` clause before the `INSERT`, if the backend needs one for `seq`.
    with: String,
    /// The `FROM` item giving `k` = 1 to the number of copies.
    seq: String,
    /// The body of copy `k`: B00 to B49.
    body: &'static str,
}

/// The statements that copy every case of the templates (ids below 1,000,000), its log
/// and its terms, `k` times, with ids `id * 1000000 + k` and folios `folio-k`.
fn copy_statements(
    d: &Dialect,
    cases: &[String],
    events: &[String],
    deadlines: &[String],
) -> Vec<String> {
    let pick = |cols: &[String], f: &dyn Fn(&str) -> Option<String>| {
        cols.iter()
            .map(|c| f(c).unwrap_or_else(|| format!("t.{c}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = vec![format!(
        "{} INSERT INTO cases ({}) SELECT {} FROM cases t, {}",
        d.with,
        cases.join(", "),
        pick(cases, &|c| match c {
            "id" => Some("t.id * 1000000 + k".into()),
            "folio" => Some("t.folio || '-' || k".into()),
            "body" => Some(d.body.into()),
            _ => None,
        }),
        d.seq
    )];
    for (table, cols) in [("events", events), ("deadlines", deadlines)] {
        out.push(format!(
            "{} INSERT INTO {table} ({}) SELECT {} FROM {table} t, {} WHERE t.case_id < 1000000",
            d.with,
            cols.join(", "),
            pick(cols, &|c| match c {
                "case_id" => Some("t.case_id * 1000000 + k".into()),
                "body" => Some(d.body.into()),
                _ => None,
            }),
            d.seq
        ));
    }
    out
}

/// Copies every case `copies - 1` times (ids and folios made unique, bodies B00–B49).
async fn copy(db: &Database, copies: usize) {
    let extra = copies as i64 - 1;
    match db {
        Database::Sqlite(s) => {
            let pool = s.pool();
            let mut cols = Vec::new();
            for table in ["cases", "events", "deadlines"] {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?)")
                    .bind(table)
                    .fetch_all(pool)
                    .await
                    .unwrap();
                cols.push(rows.into_iter().map(|r| r.0).collect::<Vec<_>>());
            }
            let d = Dialect {
                with: format!(
                    "WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < {extra})"
                ),
                seq: "seq".into(),
                body: "printf('B%02d', k % 50)",
            };
            let mut tx = pool.begin().await.unwrap();
            for q in copy_statements(&d, &cols[0], &cols[1], &cols[2]) {
                sqlx::query(sqlx::AssertSqlSafe(q))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        Database::Postgres(p) => {
            let pool = p.pool();
            let mut cols = Vec::new();
            for table in ["cases", "events", "deadlines"] {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap();
                cols.push(rows.into_iter().map(|r| r.0).collect::<Vec<_>>());
            }
            let d = Dialect {
                with: String::new(),
                seq: format!("generate_series(1, {extra}) AS k"),
                body: "'B' || lpad((k % 50)::text, 2, '0')",
            };
            let mut tx = pool.begin().await.unwrap();
            for q in copy_statements(&d, &cols[0], &cols[1], &cols[2]) {
                sqlx::query(sqlx::AssertSqlSafe(q))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
            sqlx::query("ANALYZE").execute(pool).await.unwrap();
        }
    }
}
