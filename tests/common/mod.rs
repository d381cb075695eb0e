//! What the test files share: a fresh database per test on each backend, and a macro that
//! runs a test on both.
//!
//! - SQLite: a file in a fresh temporary folder, removed at the end of the test.
//! - PostgreSQL: a fresh database `arco_t_...` on the server of `$ARCO_TEST_POSTGRES`
//!   (default `postgres://postgres@127.0.0.1:5432/postgres`), migrated, and dropped at the
//!   end of the test (`DROP DATABASE ... WITH (FORCE)`), also when the test fails. A server
//!   that cannot be reached fails the test: the suite never skips PostgreSQL.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use arco::calendar::CalendarLoader;
use arco::rules::Rulebooks;
use arco::service::Registry;
use arco::storage::Database;

/// The server tests create their databases on, unless `$ARCO_TEST_POSTGRES` names another.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The maintenance URL of the test server.
pub fn admin_url() -> String {
    std::env::var("ARCO_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_string())
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// Runs `f` on a runtime of its own, in a thread of its own: usable from a test's runtime
/// and from `Drop`.
fn on_own_runtime<T: Send + 'static>(
    f: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the test database")
            .block_on(f())
    })
    .join()
    .expect("the test database's thread")
}

/// Runs one statement on the test server's maintenance database.
fn admin(sql: String) -> Result<(), String> {
    let url = admin_url();
    on_own_runtime(move || {
        Box::pin(async move {
            use sqlx::{Connection, Executor};
            let mut c = sqlx::PgConnection::connect(&url).await.map_err(|e| {
                format!(
                    "PostgreSQL no está disponible en {url}: {e}. Las pruebas corren en SQLite y en PostgreSQL; \
                     arranque PostgreSQL o indique otro servidor con ARCO_TEST_POSTGRES=postgres://usuario@servidor:puerto/postgres"
                )
            })?;
            c.execute(sqlx::AssertSqlSafe(sql))
                .await
                .map_err(|e| e.to_string())?;
            let _ = c.close().await;
            Ok(())
        })
    })
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh database for one test, removed when dropped.
pub struct TestDb {
    pub backend: Backend,
    /// The database URL (`sqlite:...` or `postgres://...`).
    pub url: String,
    /// A fresh folder for the test's other files.
    pub scratch: PathBuf,
    /// The PostgreSQL database to drop.
    pg_name: Option<String>,
}

impl TestDb {
    /// A fresh, migrated database.
    pub fn new(backend: Backend) -> TestDb {
        let db = TestDb::unmigrated(backend);
        if backend == Backend::Postgres {
            let url = db.url.clone();
            on_own_runtime(move || {
                Box::pin(async move {
                    Database::migrate(&url)
                        .await
                        .map_err(|e| e.to_string())
                        .map(|_| ())
                })
            })
            .unwrap_or_else(|e| panic!("no se pudo migrar la base de datos de prueba: {e}"));
        }
        db
    }

    /// A PostgreSQL database name that does not exist yet (dropped at the end if a test
    /// created it).
    pub fn absent() -> TestDb {
        let db = TestDb::unmigrated(Backend::Postgres);
        if let Some(name) = db.pg_name() {
            admin(format!("DROP DATABASE \"{name}\"")).unwrap_or_else(|e| panic!("{e}"));
        }
        db
    }

    /// A fresh database with no migrations applied (PostgreSQL: created, empty; SQLite: no
    /// file yet).
    pub fn unmigrated(backend: Backend) -> TestDb {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let tag = format!("{}_{n}_{nanos}", std::process::id());
        let scratch = std::env::temp_dir().join(format!("arco-test-{tag}"));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).expect("a temporary folder");
        match backend {
            Backend::Sqlite => TestDb {
                backend,
                url: format!("sqlite:{}", scratch.join("arco.db").display()),
                scratch,
                pg_name: None,
            },
            Backend::Postgres => {
                let name = format!("arco_t_{tag}");
                if let Err(e) = admin(format!("CREATE DATABASE \"{name}\"")) {
                    let _ = std::fs::remove_dir_all(&scratch);
                    panic!("{e}");
                }
                TestDb {
                    backend,
                    url: with_database(&admin_url(), &name),
                    scratch,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// The store, opened.
    pub async fn store(&self) -> Database {
        Database::open(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A registry over the store, with the shipped calendars and rulebooks.
    pub async fn registry(&self) -> Registry<Database> {
        Registry::new(
            self.store().await,
            CalendarLoader::default(),
            Rulebooks::builtin().unwrap(),
        )
    }

    /// A calendar file of its own in the scratch folder ("Organismo", extending the
    /// common calendar of Jalisco with `extra`), rewritten on each call: its path.
    pub fn own_calendar(&self, extra: &str) -> PathBuf {
        let dir = self.file("calendarios");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("organismo.toml");
        std::fs::write(
            &file,
            format!("name = \"Organismo\"\nextends = \"mx-jalisco\"\n{extra}"),
        )
        .unwrap();
        file
    }

    /// A path in the test's scratch folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.scratch.join(name)
    }

    /// The name of the PostgreSQL database, if any.
    pub fn pg_name(&self) -> Option<&str> {
        self.pg_name.as_deref()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take()
            && let Err(e) = admin(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        {
            eprintln!("no se pudo borrar la base de datos de prueba {name}: {e}");
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// Runs a statement on either backend's pool (raw SQL for tests that tamper with the
/// database); the rows affected, or the database's error.
pub async fn exec(db: &Database, sql: &'static str) -> Result<u64, String> {
    match db {
        Database::Sqlite(s) => sqlx::query(sql)
            .execute(s.pool())
            .await
            .map(|r| r.rows_affected()),
        Database::Postgres(p) => sqlx::query(sql)
            .execute(p.pool())
            .await
            .map(|r| r.rows_affected()),
    }
    .map_err(|e| e.to_string())
}

/// A count (or any integer) from either backend.
pub async fn scalar(db: &Database, sql: &'static str) -> i64 {
    match db {
        Database::Sqlite(s) => sqlx::query_scalar(sql).fetch_one(s.pool()).await,
        Database::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p.pool()).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every line of a file.
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

/// Defines `mod name { sqlite, postgres }`: the async test `name(Backend)` run on each
/// backend. Extra tokens are the test attribute (default `tokio::test`).
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        $crate::on_both_backends!($name, tokio::test);
    };
    ($name:ident, $($attr:tt)+) => {
        mod $name {
            #[$($attr)+]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[$($attr)+]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    };
}

/// As [`on_both_backends`], for a synchronous test `name(Backend)`.
#[macro_export]
macro_rules! on_both_backends_sync {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::common::Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                super::$name($crate::common::Backend::Postgres)
            }
        }
    };
}
