//! A generated install for whole-install operations (`tests/bulk_ops.rs`,
//! `benches/bulk.rs`): 50 bodies under one guarantor, on one calendar, and `n` cases.
//!
//! A few hundred distinct cases ("templates") go in through the registry, as
//! `examples/load_seed.rs` writes them (filed over the year up to 2026-11-20; those of the
//! last two weeks still open, admitted or just filed; the rest answered and closed; every
//! 20th one with an appeal before the guarantor). Then the templates are copied by
//! set-based SQL until there are `n` cases: copy `x` of template `id` has id `id + x·K`
//! and folio `FOLIO-x` (its appeal's parent too), the same body, log and projection. A
//! projection holds no folio, so every copy rebuilds from its log as its template does:
//! the install is `arco verify` clean. Seconds for a million cases, where the registry
//! would take hours at one durable transaction per case.

#![allow(dead_code)]

use arco::accounts::{Body, BodyKind};
use arco::request::replay::History;
use arco::service::{Registry, admin};
use arco::storage::Database;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::json;

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub cases: i64,
    pub events: i64,
    /// Distinct cases written through the registry (ids 1..=templates).
    pub templates: i64,
}

/// The histories of the templates, as (history JSON, body).
fn templates() -> Vec<(serde_json::Value, String)> {
    let day0 = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let at = |d: NaiveDate, days: i64| format!("{}T10:00:00-06:00", d + Duration::days(days));
    let recent_from = NaiveDate::from_ymd_opt(2026, 11, 6).unwrap();
    let mut out = Vec::new();
    for i in 0..640usize {
        let body = format!("B{:02}", i % 50);
        let filed = day0 + Duration::days((i * 7 % 320) as i64);
        let recent = filed >= recent_from;
        let events = if i % 20 == 7 && filed + Duration::days(40) < recent_from {
            // No answer; the titular appeals (art. 99, ground VII) and it is admitted.
            json!([
                {"act": "filed", "at": at(filed, 0)},
                {"act": "appeal_filed", "at": at(filed, 27), "venue": "guarantor", "ground": "VII"},
                {"act": "appeal_turned", "at": at(filed, 28)},
            ])
        } else {
            match (recent, i % 3) {
                (false, _) => json!([
                    {"act": "filed", "at": at(filed, 0)},
                    {"act": "admitted", "at": at(filed, 1)},
                    {"act": "resolved", "at": at(filed, 7), "outcome": "granted"},
                    {"act": "resolution_notified", "at": at(filed, 8)},
                    {"act": "fulfilled", "at": at(filed, 10)},
                    {"act": "closed", "at": at(filed, 11)},
                ]),
                (true, 0 | 1) => json!([
                    {"act": "filed", "at": at(filed, 0)},
                    {"act": "admitted", "at": at(filed, 1)},
                ]),
                (true, _) => json!([{"act": "filed", "at": at(filed, 0)}]),
            }
        };
        out.push((events, body));
    }
    out
}

/// Writes the directory and `n` cases (at least the templates) counted on `calendar`.
pub async fn seed(reg: &Registry<Database>, n: i64, calendar: &str) -> Seeded {
    let now = Utc::now();
    let ok = |_: &str| Ok(());
    let dir = reg.store();
    admin::add_body(
        dir,
        Body {
            code: "ITEI".into(),
            name: "Órgano garante".into(),
            kind: BodyKind::Guarantor,
            calendar: calendar.into(),
            guarantor: None,
        },
        ok,
        now,
    )
    .await
    .unwrap();
    for b in 0..50 {
        admin::add_body(
            dir,
            Body {
                code: format!("B{b:02}"),
                name: format!("Sujeto obligado {b:02}"),
                kind: BodyKind::Obligated,
                calendar: calendar.into(),
                guarantor: Some("ITEI".into()),
            },
            ok,
            now,
        )
        .await
        .unwrap();
    }
    for (events, body) in templates() {
        let h = json!({
            "calendar": calendar,
            "guarantor_calendar": calendar,
            "right": "access",
            "events": events,
        });
        let history = History::from_json(&h.to_string()).unwrap();
        reg.import(&history, &body, None, now)
            .await
            .unwrap_or_else(|e| panic!("plantilla {h}: {e}"));
    }
    copy(reg.store(), n).await
}

/// The columns of `table`, in order.
async fn columns(store: &Database, table: &str) -> Vec<String> {
    match store {
        Database::Sqlite(s) => {
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(table)
                .fetch_all(s.pool())
                .await
                .unwrap()
        }
        Database::Postgres(p) => sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(p.pool())
        .await
        .unwrap(),
    }
}

/// Copies the templates (ids 1..=K) until there are `n` cases.
async fn copy(store: &Database, n: i64) -> Seeded {
    let sqlite = matches!(store, Database::Sqlite(_));
    let k: i64 = match store {
        Database::Sqlite(s) => sqlx::query_scalar("SELECT max(id) FROM cases")
            .fetch_one(s.pool())
            .await
            .unwrap(),
        Database::Postgres(p) => sqlx::query_scalar("SELECT max(id) FROM cases")
            .fetch_one(p.pool())
            .await
            .unwrap(),
    };
    let rounds = (n - 1) / k;
    for (table, key) in [
        ("cases", "id"),
        ("events", "case_id"),
        ("deadlines", "case_id"),
    ] {
        let cols = columns(store, table).await;
        let exprs: Vec<String> = cols
            .iter()
            .map(|c| match c.as_str() {
                c if c == key => format!("{c} + x * {k}"),
                "folio" | "parent" if table == "cases" && sqlite => format!("{c} || '-' || x"),
                "folio" | "parent" if table == "cases" => format!("{c} || '-' || x::text"),
                c => c.to_string(),
            })
            .collect();
        let series = if sqlite {
            format!(
                "(WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < {rounds}) SELECT x FROM r)"
            )
        } else {
            format!("generate_series(1, {rounds}) AS r(x)")
        };
        let sql = format!(
            "INSERT INTO {table} ({}) SELECT {} FROM {table}, {series} AS s
             WHERE {key} <= {k} AND {key} + x * {k} <= {n} AND {rounds} > 0",
            cols.join(", "),
            exprs.join(", ")
        );
        let sql = if sqlite {
            sql
        } else {
            sql.replace(" AS s\n", "\n")
        };
        match store {
            Database::Sqlite(s) => {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(s.pool())
                    .await
                    .unwrap();
            }
            Database::Postgres(p) => {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(p.pool())
                    .await
                    .unwrap();
            }
        }
    }
    let (cases, events): (i64, i64) = match store {
        Database::Sqlite(s) => {
            sqlx::query_as("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events)")
                .fetch_one(s.pool())
                .await
                .unwrap()
        }
        Database::Postgres(p) => {
            for q in [
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))",
                "ANALYZE",
            ] {
                sqlx::query(q).execute(p.pool()).await.unwrap();
            }
            sqlx::query_as("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events)")
                .fetch_one(p.pool())
                .await
                .unwrap()
        }
    };
    Seeded {
        cases,
        events,
        templates: k,
    }
}
