//! Seeds a database for the HTTP load benchmark (`benches/http_load.sh`): `bodies` obligated
//! bodies under one guarantor, each with one staff account and an API token, and
//! `cases` request histories spread over them (those of the last two weeks open, admitted or
//! just filed; the rest closed), plus `writable` filed requests in body `ESCR` for the act benchmark.
//!
//!     cargo run --release --example load_seed -- sqlite:/tmp/load.db 100000 100 20000 tokens.txt
//!     cargo run --release --example load_seed -- postgres://postgres@127.0.0.1:5432/arco_load 100000 100 20000 tokens.txt
//!
//! Writes one line per body to the tokens file: `CODE TOKEN`.

use std::io::Write;

use arco::accounts::{Body, BodyKind, TokenKind};
use arco::calendar::CalendarLoader;
use arco::case::Role;
use arco::request::replay::History;
use arco::rules::Rulebooks;
use arco::service::{Registry, admin};
use arco::storage::Database;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or("sqlite:/tmp/arco-load.db".into());
    let cases: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let bodies: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(100);
    let writable: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let out = args.get(5).cloned().unwrap_or("tokens.txt".into());
    // PostgreSQL is migrated explicitly (creating the database if missing); SQLite on open.
    Database::migrate(&url).await?;
    let store = Database::open(&url).await?;
    let reg = Registry::new(store, CalendarLoader::default(), Rulebooks::builtin()?);
    let now = Utc::now();
    let ok = |_: &str| Ok(());
    let dir = reg.store();
    admin::add_body(
        dir,
        Body {
            code: "ITEI".into(),
            name: "Órgano garante".into(),
            kind: BodyKind::Guarantor,
            calendar: "mx-jalisco".into(),
            guarantor: None,
        },
        ok,
        now,
    )
    .await?;
    let mut tokens = std::fs::File::create(&out)?;
    let mut codes = Vec::new();
    for b in 0..=bodies {
        let code = if b == bodies {
            "ESCR".to_string()
        } else {
            format!("B{b:03}")
        };
        admin::add_body(
            dir,
            Body {
                code: code.clone(),
                name: format!("Sujeto obligado {code}"),
                kind: BodyKind::Obligated,
                calendar: "mx-jalisco".into(),
                guarantor: Some("ITEI".into()),
            },
            ok,
            now,
        )
        .await?;
        let user = format!("staff-{}", code.to_lowercase());
        admin::add_account(dir, &user, &user, Some(&code), Role::UnitStaff, None, now).await?;
        let token = admin::create_token(dir, &user, TokenKind::Api, "carga", None, now).await?;
        writeln!(tokens, "{code} {token}")?;
        codes.push(code);
    }
    let start = std::time::Instant::now();
    let day0 = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let at = |d: NaiveDate, days: i64| format!("{}T10:00:00-06:00", d + Duration::days(days));
    for i in 0..cases + writable {
        let (body, events) = if i < cases {
            let body = &codes[i % bodies];
            // Spread over the year up to 2026-11-20; what was filed in the last two weeks
            // is still open (admitted, or just filed), the rest is closed, as in a UT that
            // keeps up with its terms.
            let filed = day0 + Duration::days((i * 7 % 320) as i64);
            let recent = filed >= NaiveDate::from_ymd_opt(2026, 11, 6).unwrap();
            let ev = match (recent, i % 3) {
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
            };
            (body.as_str(), ev)
        } else {
            let filed = NaiveDate::from_ymd_opt(2026, 11, 17).unwrap();
            ("ESCR", json!([{"act": "filed", "at": at(filed, 0)}]))
        };
        let h = json!({"calendar": "mx-jalisco", "right": "access", "events": events});
        let history = History::from_json(&h.to_string())?;
        reg.import(&history, body, None, now).await?;
        if i % 10_000 == 0 && i > 0 {
            eprintln!("{i} casos, {:.0} s", start.elapsed().as_secs_f64());
        }
    }
    eprintln!(
        "{} casos en {:.0} s; tokens en {out}",
        cases + writable,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
