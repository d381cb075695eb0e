//! Whole-install operations at a million cases (issue 20): `arco calendar apply --dry-run`,
//! `arco verify`, `arco export`, `arco import` of that export, and a real `arco calendar
//! apply` after a closure was added, each run as the real `arco` binary in a process of its
//! own, with its wall time and its peak memory (VmHWM, read from /proc/PID/status every
//! 20 ms while it runs); and the floor, in a process of its own too: reading every
//! projection and every act of the same database with plain SQL, measured again after the
//! real `calendar apply` for the `verify` that follows it. Run with:
//!
//!     cargo bench --bench bulk
//!     ARCO_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench bulk
//!
//! `ARCO_BENCH_SKIP=import,export,verify` leaves those commands out (the calendar commands
//! alone); `ARCO_BENCH_DRY_RUNS=N` measures the first dry run N times. `ARCO_BENCH_CASES`
//! sets the number of cases (default 1,000,000; without `--bench`, a quick run of 5,000).
//! The install is `tests/common/seed.rs`'s: 50 bodies on one calendar (an overlay of
//! `mx-jalisco` in the benchmark's folder), 640 distinct cases written by the registry and
//! copied by set-based SQL up to the number asked (about 5.1 acts a case; the last two
//! weeks' cases open).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
#[path = "../tests/common/seed.rs"]
mod seed;

use arco::calendar::CalendarLoader;
use arco::rules::Rulebooks;
use arco::service::Registry;
use arco::storage::Database;

/// Set in the child process that measures the floor: the database's URL.
const FLOOR: &str = "ARCO_BENCH_FLOOR_URL";

fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// What one process took: wall time, peak memory (MB), and its standard output.
struct Run {
    seconds: f64,
    peak_mb: f64,
    stdout: String,
}

/// Runs `cmd`, sampling its VmHWM until it ends; panics if it fails.
fn measure(mut cmd: Command, what: &str) -> Run {
    let start = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the measured process");
    let pid = child.id();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            use std::sync::atomic::Ordering::SeqCst;
            while !done.load(SeqCst) {
                if let Some(kb) = status_kb(pid, "VmHWM:") {
                    peak.fetch_max(kb, SeqCst);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let out = child.wait_with_output().expect("the measured process");
    let seconds = start.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    sampler.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        seconds,
        peak_mb: peak.load(std::sync::atomic::Ordering::SeqCst) as f64 / 1024.0,
        stdout,
    }
}

fn arco(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arco"));
    c.args(args).env("ARCO_DATABASE_URL", url);
    c
}

/// The last two lines of a command's output (its summary), on one line.
fn last_line(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(2)..].join(" | ")
}

/// Whether `ARCO_BENCH_SKIP` (a comma-separated list: `import`, `export`, `verify`) names
/// `command`: a quicker run of the calendar commands alone.
fn skipped(command: &str) -> bool {
    std::env::var("ARCO_BENCH_SKIP").is_ok_and(|v| v.split(',').any(|c| c.trim() == command))
}

fn main() {
    if let Ok(url) = std::env::var(FLOOR) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(floor(&url));
        return;
    }
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: i64 = if quick {
        5_000
    } else {
        std::env::var("ARCO_BENCH_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000)
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let db = common::BenchDb::fresh("bulk").await;
        let folder = std::env::temp_dir().join(format!("arco-bench-bulk-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let cal = folder.join("organismo.toml");
        std::fs::write(&cal, "name = \"Organismo\"\nextends = \"mx-jalisco\"\n").unwrap();
        let cal_s = cal.to_str().unwrap().to_string();
        println!("database: {}", db.backend.name());
        let start = Instant::now();
        let reg = Registry::new(
            db.open().await,
            CalendarLoader::default(),
            Rulebooks::builtin().unwrap(),
        );
        let seeded = seed::seed(&reg, n, &cal_s).await;
        println!(
            "{} cases ({} acts; {} distinct, copied) written in {:.1} s",
            seeded.cases,
            seeded.events,
            seeded.templates,
            start.elapsed().as_secs_f64()
        );
        reg.store().close().await;
        drop(reg);
        let settled = Instant::now();
        db.settle().await;
        if db.backend == arco::storage::Backend::Postgres {
            println!("VACUUM (ANALYZE) in {:.1} s", settled.elapsed().as_secs_f64());
        }

        let report = |what: &str, r: &Run, floor: Option<f64>| {
            let times = floor.map_or(String::new(), |f| format!(" ({:.1}x the floor)", r.seconds / f));
            println!(
                "{what}: {:.1} s{times}, peak memory {:.0} MB — {}",
                r.seconds,
                r.peak_mb,
                last_line(&r.stdout)
            );
        };
        let mut floor_cmd = Command::new(std::env::current_exe().unwrap());
        floor_cmd.arg("--bench").env(FLOOR, &db.url);
        // Twice: the first warms the file's pages into the OS cache, as for the commands.
        measure(floor_cmd, "floor");
        let mut floor_cmd = Command::new(std::env::current_exe().unwrap());
        floor_cmd.arg("--bench").env(FLOOR, &db.url);
        let f = measure(floor_cmd, "floor");
        report("floor: every projection and every act read with plain SQL", &f, None);
        let fl = Some(f.seconds);

        for _ in 0..dry_runs() {
            let r = measure(
                arco(&db.url, &["calendar", "apply", &cal_s, "--reason", "Sin cambios", "--dry-run"]),
                "calendar apply --dry-run",
            );
            report("arco calendar apply --dry-run (nothing moves)", &r, fl);
        }
        if !skipped("verify") {
            let r = measure(arco(&db.url, &["verify"]), "verify");
            report("arco verify", &r, fl);
        }
        let file = folder.join("export.jsonl");
        if !skipped("export") {
        let r = measure(
            arco(&db.url, &["export", "--quiet", file.to_str().unwrap()]),
            "export",
        );
        report("arco export", &r, fl);
        println!(
            "  export file: {:.0} MB",
            std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        );
        if !skipped("import") {
            let target = common::BenchDb::fresh("bulk_import").await;
            let r = measure(
                arco(&target.url, &["import", "--quiet", file.to_str().unwrap()]),
                "import",
            );
            report("arco import (of that export, into an empty database)", &r, fl);
            target.remove().await;
        }
        remove(&file);
        }

        // A closure announced at short notice: the open terms running over it move.
        std::fs::write(
            &cal,
            "name = \"Organismo\"\nextends = \"mx-jalisco\"\n[[closure]]\nname = \"Acuerdo\"\nfrom = \"2026-11-25\"\nto = \"2026-11-25\"\n",
        )
        .unwrap();
        let r = measure(
            arco(&db.url, &["calendar", "apply", &cal_s, "--reason", "Acuerdo", "--dry-run"]),
            "calendar apply --dry-run",
        );
        report("arco calendar apply --dry-run (a closure added)", &r, fl);
        let r = measure(
            arco(&db.url, &["calendar", "apply", &cal_s, "--reason", "Acuerdo"]),
            "calendar apply",
        );
        report("arco calendar apply (written)", &r, fl);
        // The change appended acts and rewrote rows: the floor of the rows `verify` now reads
        // is measured again, and the verify after the change is given against both floors.
        let mut floor_cmd = Command::new(std::env::current_exe().unwrap());
        floor_cmd.arg("--bench").env(FLOOR, &db.url);
        let f2 = measure(floor_cmd, "floor");
        report("floor after the change (the same SQL over the changed rows)", &f2, None);
        let r = measure(arco(&db.url, &["verify"]), "verify");
        report("arco verify (after the change; against the first floor)", &r, fl);
        println!("  against the floor after the change: {:.1}x", r.seconds / f2.seconds);
        let _ = std::fs::remove_dir_all(&folder);
        db.remove().await;
    });
}

/// How many times the first dry run is measured (`ARCO_BENCH_DRY_RUNS`, default 1): the
/// command this machine's noise moves most against its 30-second aim.
fn dry_runs() -> usize {
    std::env::var("ARCO_BENCH_DRY_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn remove(p: &Path) {
    let _ = std::fs::remove_file(p);
}

/// Cases read per page by the floor.
const FLOOR_PAGE: i64 = 2_000;

/// The floor: every case with its projection, every act and every term, read with plain
/// SQL one page of cases at a time (by id) and each row touched, on a lean connection.
async fn floor(url: &str) {
    use sqlx::Row as _;
    let store = Database::open_lean(url).await.unwrap();
    let (mut bytes, mut rows, mut after) = (0usize, 0usize, 0i64);
    loop {
        let last = match &store {
            Database::Sqlite(s) => {
                let cases = sqlx::query("SELECT id, folio, state, projection FROM cases WHERE id > ? ORDER BY id LIMIT ?")
                    .bind(after)
                    .bind(FLOOR_PAGE)
                    .fetch_all(s.pool())
                    .await
                    .unwrap();
                let Some(last) = cases.last().map(|r| r.get::<i64, _>("id")) else {
                    break;
                };
                for r in &cases {
                    bytes +=
                        r.get::<String, _>("projection").len() + r.get::<String, _>("folio").len();
                }
                let events = sqlx::query(
                    "SELECT * FROM events WHERE case_id > ? AND case_id <= ? ORDER BY case_id, seq",
                )
                .bind(after)
                .bind(last)
                .fetch_all(s.pool())
                .await
                .unwrap();
                for r in &events {
                    bytes += r.get::<String, _>("payload").len() + r.get::<String, _>("act").len();
                }
                let terms = sqlx::query(
                    "SELECT * FROM deadlines WHERE case_id > ? AND case_id <= ? ORDER BY case_id",
                )
                .bind(after)
                .bind(last)
                .fetch_all(s.pool())
                .await
                .unwrap();
                for r in &terms {
                    bytes += r.get::<String, _>("due").len();
                }
                rows += cases.len() + events.len() + terms.len();
                last
            }
            Database::Postgres(p) => {
                let cases = sqlx::query("SELECT id, folio, state, projection::text AS projection FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(FLOOR_PAGE)
                    .fetch_all(p.pool())
                    .await
                    .unwrap();
                let Some(last) = cases.last().map(|r| r.get::<i64, _>("id")) else {
                    break;
                };
                for r in &cases {
                    bytes +=
                        r.get::<String, _>("projection").len() + r.get::<String, _>("folio").len();
                }
                let events = sqlx::query("SELECT case_id, seq, act, payload::text AS payload FROM events WHERE case_id > $1 AND case_id <= $2 ORDER BY case_id, seq")
                    .bind(after)
                    .bind(last)
                    .fetch_all(p.pool())
                    .await
                    .unwrap();
                for r in &events {
                    bytes += r.get::<String, _>("payload").len() + r.get::<String, _>("act").len();
                }
                let terms = sqlx::query("SELECT case_id, due::text AS due FROM deadlines WHERE case_id > $1 AND case_id <= $2 ORDER BY case_id")
                    .bind(after)
                    .bind(last)
                    .fetch_all(p.pool())
                    .await
                    .unwrap();
                for r in &terms {
                    bytes += r.get::<String, _>("due").len();
                }
                rows += cases.len() + events.len() + terms.len();
                last
            }
        };
        after = last;
    }
    println!("{rows} filas, {bytes} bytes");
    store.close().await;
}
