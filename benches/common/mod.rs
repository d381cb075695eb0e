//! The database a benchmark runs on: `$ARCO_BENCH_DATABASE`, SQLite by default.
//!
//! - unset or `sqlite:...`: a fresh SQLite file in a temporary folder (the URL's path is
//!   not used), removed at the end;
//! - `postgres://usuario@servidor/base`: a fresh database `arco_bench_<pid>_<tag>` created
//!   on that server (through the database the URL names), migrated, and dropped at the end.

use arco::storage::{Backend, Database};
use sqlx::{Connection, Executor};

/// A fresh database for one benchmark.
pub struct BenchDb {
    pub url: String,
    pub backend: Backend,
    dir: Option<std::path::PathBuf>,
    server: Option<(String, String)>,
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host}/{name}{query}")
}

impl BenchDb {
    pub async fn fresh(tag: &str) -> BenchDb {
        let requested = std::env::var("ARCO_BENCH_DATABASE").unwrap_or_default();
        let backend = if requested.trim().is_empty() {
            Backend::Sqlite
        } else {
            Backend::of(&requested).unwrap_or_else(|e| panic!("ARCO_BENCH_DATABASE: {e}"))
        };
        match backend {
            Backend::Sqlite => {
                let dir =
                    std::env::temp_dir().join(format!("arco-bench-{tag}-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                BenchDb {
                    url: format!("sqlite:{}", dir.join("bench.db").display()),
                    backend,
                    dir: Some(dir),
                    server: None,
                }
            }
            Backend::Postgres => {
                let name = format!("arco_bench_{}_{tag}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(&requested)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL en ARCO_BENCH_DATABASE: {e}"));
                admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .await
                    .unwrap();
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let url = with_database(&requested, &name);
                Database::migrate(&url).await.unwrap();
                BenchDb {
                    url,
                    backend,
                    dir: None,
                    server: Some((requested, name)),
                }
            }
        }
    }

    pub async fn open(&self) -> Database {
        Database::open(&self.url).await.unwrap()
    }

    /// On PostgreSQL, `VACUUM (ANALYZE)` after a bulk load, as autovacuum would do in
    /// time on a running install: otherwise the commands measured next share the machine
    /// with autovacuum's first pass over the fresh tables. Nothing on SQLite.
    #[allow(dead_code)]
    pub async fn settle(&self) {
        if self.server.is_some() {
            let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
            conn.execute("VACUUM (ANALYZE)").await.unwrap();
            let _ = conn.close().await;
        }
    }

    /// Removes the database (after the store was closed or dropped).
    pub async fn remove(self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((server, name)) = &self.server {
            let mut admin = sqlx::PgConnection::connect(server).await.unwrap();
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .await
                .unwrap();
            let _ = admin.close().await;
        }
    }
}
