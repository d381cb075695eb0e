//! Whole-install operations over a generated install (issue 20), on SQLite and on
//! PostgreSQL: `arco verify`, `arco export` → `arco import`, and `arco calendar apply`
//! (dry run and real run), each over 20,000 cases read one page at a time; the export's
//! snapshot; a batch of calendar changes written whole or not at all. The memory and time
//! aims are measured by `benches/bulk.rs`, not here.

mod common;
#[path = "common/seed.rs"]
mod seed;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};

use arco::calendar::CalendarLoader;
use arco::rules::Rulebooks;
use arco::service::{CALENDAR_CHANGED, Registry};
use arco::storage::{BatchAppend, Database, Store, StoreError, transfer};
use common::{Backend, TestDb};

const CASES: i64 = 20_000;

fn arco(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .env("ARCO_DATABASE_URL", url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("arco runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every case's pending terms (term → due date), by folio, read page by page.
async fn pending(store: &Database) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store.dump_cases(after, 1000).await.unwrap();
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.id;
        for (c, _) in &page {
            out.insert(
                c.folio.clone(),
                c.projection
                    .deadlines
                    .iter()
                    .filter(|d| d.status.as_str() == "pending")
                    .map(|d| (d.term.as_str().to_string(), d.due.to_string()))
                    .collect(),
            );
        }
    }
    out
}

async fn whole_install_operations_stream_over_a_large_install(backend: Backend) {
    let db = TestDb::new(backend);
    let cal = db.own_calendar("");
    let cal = cal.to_str().unwrap().to_string();
    let reg = db.registry().await;
    let seeded = seed::seed(&reg, CASES, &cal).await;
    assert_eq!(seeded.cases, CASES);
    assert!(seeded.templates > 600, "{seeded:?}");

    // verify: every case, clean; the progress heard reaches the total.
    let mut heard = Vec::new();
    let report = reg.verify_with(|n| heard.push(n)).await.unwrap();
    assert_eq!(report.checked, CASES as usize);
    assert!(
        report.differences.is_empty(),
        "{:?}",
        &report.differences[..3.min(report.differences.len())]
    );
    assert_eq!(heard.last(), Some(&(CASES as usize)));
    assert!(heard.len() >= (CASES as usize) / 500, "{}", heard.len());
    let o = arco(&db.url, &["verify"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains(&format!("{CASES} expedientes verificados, 0 diferencias")),
        "{out}"
    );

    // export → import into an empty database: the same install, case by case.
    let file = db.file("instalacion.jsonl");
    let o = arco(&db.url, &["export", "--quiet", file.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains(&format!(
            "Exportados: {CASES} expedientes ({} actos)",
            seeded.events
        )),
        "{out}"
    );
    let (_, counts) = transfer::check(&file).unwrap();
    assert_eq!(counts.cases, CASES as usize);
    assert_eq!(counts.bodies, 51);
    let target = TestDb::new(backend);
    let o = arco(&target.url, &["import", "--quiet", file.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains(&format!("Importados: {CASES} expedientes")),
        "{out}"
    );
    let moved = target.registry().await;
    let comparison = transfer::compare(moved.store(), &file).await.unwrap();
    assert_eq!(comparison.cases, CASES as usize);
    assert!(
        comparison.differences.is_empty(),
        "{:?}",
        comparison.differences
    );
    assert_eq!(pending(moved.store()).await, pending(reg.store()).await);
    let report = moved.verify().await.unwrap();
    assert_eq!(report.checked, CASES as usize);
    assert!(report.differences.is_empty());
    moved.store().close().await;
    drop(moved);
    drop(target);

    // calendar apply: a closure on 2026-11-25 moves the open terms that run over it.
    let before = pending(reg.store()).await;
    // Every case keeps a pending term (at least the titular's window to appeal, a power).
    let open = before.values().filter(|t| !t.is_empty()).count();
    assert!(open > 0, "{open}");
    db.own_calendar(
        "[[closure]]\nname = \"Acuerdo 7/2026\"\nfrom = \"2026-11-25\"\nto = \"2026-11-25\"\n",
    );
    let o = arco(
        &db.url,
        &[
            "calendar",
            "apply",
            &cal,
            "--reason",
            "Acuerdo 7/2026",
            "--dry-run",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let dry: BTreeSet<String> = out
        .lines()
        .filter(|l| l.contains('\t'))
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    assert!(
        !dry.is_empty() && dry.len() < open,
        "{} of {open}",
        dry.len()
    );
    assert!(
        out.contains(&format!(
            "{} expedientes quedarían con plazos que se mueven (simulación: nada se escribió)",
            dry.len()
        )),
        "{out}"
    );
    // Only the cases the closure may move were rebuilt from their acts: every one that
    // moves, and not all the others (`arco verify` below shows none left behind).
    let counted = out
        .lines()
        .find(|l| l.contains("expedientes abiertos revisados;"))
        .unwrap_or_else(|| panic!("{out}"));
    let numbers: Vec<usize> = counted
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let (examined, replayed) = (numbers[0], numbers[1]);
    assert_eq!(examined, open, "{counted}");
    assert!(
        replayed >= dry.len() && replayed < examined,
        "{counted}; {} move",
        dry.len()
    );
    // Nothing written by the dry run.
    assert_eq!(pending(reg.store()).await, before);
    // The library's answer is the command's.
    let changes = reg
        .apply_calendar(
            &cal,
            "Acuerdo 7/2026",
            &arco::case::Actor::new("admin", arco::case::Role::Admin),
            chrono::Utc::now(),
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        changes
            .iter()
            .map(|c| c.folio.clone())
            .collect::<BTreeSet<_>>(),
        dry
    );

    let o = arco(
        &db.url,
        &["calendar", "apply", &cal, "--reason", "Acuerdo 7/2026"],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains(&format!(
            "{} expedientes actualizados con plazos que se mueven",
            dry.len()
        )),
        "{out}"
    );
    let after = pending(reg.store()).await;
    let moved: BTreeSet<String> = before
        .iter()
        .filter(|(f, t)| after.get(*f) != Some(t))
        .map(|(f, _)| f.clone())
        .collect();
    assert_eq!(
        moved, dry,
        "the cases whose due dates moved are those the dry run named"
    );
    // Each printed line is the stored change: old → new.
    for line in out.lines().filter(|l| l.contains('\t')) {
        let parts: Vec<&str> = line.split('\t').collect();
        let (folio, term) = (parts[0], parts[1]);
        let (old, new) = parts[2].split_once(" → ").unwrap();
        assert_eq!(
            before[folio].get(term).map_or("—", |s| s.as_str()),
            old,
            "{line}"
        );
        assert_eq!(
            after[folio].get(term).map_or("—", |s| s.as_str()),
            new,
            "{line}"
        );
    }
    // The change is in the log of each changed case, and of no other.
    for folio in dry.iter().take(50) {
        let (record, log) = reg.store().load(folio).await.unwrap();
        assert_eq!(log.last().unwrap().event.act, CALENDAR_CHANGED);
        assert_eq!(record.version, log.len() as i64);
    }
    let unchanged = before
        .keys()
        .find(|f| !dry.contains(*f) && !before[*f].is_empty())
        .unwrap();
    let (_, log) = reg.store().load(unchanged).await.unwrap();
    assert!(log.iter().all(|e| e.event.act != CALENDAR_CHANGED));
    // Verify is clean afterwards; a second run finds nothing left to move.
    let o = arco(&db.url, &["verify"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let o = arco(
        &db.url,
        &[
            "calendar",
            "apply",
            &cal,
            "--reason",
            "otra vez",
            "--dry-run",
        ],
    );
    let (out, _) = text(&o);
    assert!(out.contains("0 expedientes quedarían"), "{out}");

    // A broken case is named by verify, with the others clean.
    let victim = dry.iter().next().unwrap().clone();
    let sql = "UPDATE cases SET version = version + 7 WHERE folio = ";
    match reg.store() {
        Database::Sqlite(s) => sqlx::query(sqlx::AssertSqlSafe(format!("{sql}?")))
            .bind(&victim)
            .execute(s.pool())
            .await
            .map(|_| ())
            .unwrap(),
        Database::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(format!("{sql}$1")))
            .bind(&victim)
            .execute(p.pool())
            .await
            .map(|_| ())
            .unwrap(),
    }
    let report = reg.verify().await.unwrap();
    assert_eq!(report.checked, CASES as usize);
    assert!(!report.differences.is_empty());
    assert!(
        report.differences.iter().all(|(f, _)| *f == victim),
        "{:?}",
        report.differences
    );
    reg.store().close().await;
}
on_both_backends!(whole_install_operations_stream_over_a_large_install);

/// An export reads one snapshot: what is written after it began is not in it.
async fn an_export_reads_one_snapshot(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    seed::seed(&reg, 700, "mx-jalisco").await;
    let snapshot = Database::open_snapshot(&db.url).await.unwrap();
    let first = snapshot.dump_cases(0, 10).await.unwrap();
    assert_eq!(first.len(), 10);
    // Another process goes on working meanwhile: a new case.
    reg.file_request(
        "B01",
        "mx-jalisco",
        arco::request::Right::Access,
        "2026-11-19T10:00".parse().unwrap(),
        &arco::case::Actor::new("ana", arco::case::Role::UnitStaff),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = snapshot.dump_cases(after, 300).await.unwrap();
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.id;
        all.extend(page);
    }
    assert_eq!(all.len(), 700, "the new case is not in the snapshot");
    assert_eq!(reg.store().dump_cases(0, 10_000).await.unwrap().len(), 701);
    snapshot.end_snapshot().await.unwrap();
    reg.store().close().await;
}
on_both_backends!(an_export_reads_one_snapshot);

/// A batch of calendar changes is written whole or not at all: a case that moved
/// meanwhile fails the batch, and no case of it is changed.
async fn a_batch_is_written_whole_or_not_at_all(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = Registry::new(
        db.store().await,
        CalendarLoader::default(),
        Rulebooks::builtin().unwrap(),
    );
    seed::seed(&reg, 640, "mx-jalisco").await;
    let page = reg.store().open_cases_on("mx-jalisco", 0, 2).await.unwrap();
    assert_eq!(page.len(), 2);
    let write = |(c, log): &arco::storage::StoredCase, version: i64| BatchAppend {
        id: c.id,
        folio: c.folio.clone(),
        expected_version: version,
        event: arco::storage::NewEvent {
            act: CALENDAR_CHANGED.into(),
            payload: serde_json::json!({"act": CALENDAR_CHANGED, "calendar": "mx-jalisco", "reason": "prueba", "changes": []}),
            ..log[0].event.clone()
        },
        projection: c.projection.clone(),
    };
    let stale = vec![
        write(&page[0], page[0].1.len() as i64),
        write(&page[1], page[1].1.len() as i64 - 1),
    ];
    match reg.store().append_batch(&stale).await {
        Err(StoreError::Conflict { folio, .. }) => assert_eq!(folio, page[1].0.folio),
        other => panic!("{other:?}"),
    }
    for (c, log) in &page {
        let (now, now_log) = reg.store().load(&c.folio).await.unwrap();
        assert_eq!(now.version, c.version);
        assert_eq!(now_log.len(), log.len());
    }
    let fresh = vec![
        write(&page[0], page[0].1.len() as i64),
        write(&page[1], page[1].1.len() as i64),
    ];
    reg.store().append_batch(&fresh).await.unwrap();
    for (c, log) in &page {
        let (now, now_log) = reg.store().load(&c.folio).await.unwrap();
        assert_eq!(now.version, c.version + 1);
        assert_eq!(now_log.len(), log.len() + 1);
        assert_eq!(now_log.last().unwrap().event.act, CALENDAR_CHANGED);
    }
    assert!(reg.verify().await.unwrap().differences.is_empty());
    reg.store().close().await;
}
on_both_backends!(a_batch_is_written_whole_or_not_at_all);
