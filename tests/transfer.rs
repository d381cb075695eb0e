//! Moving a whole install between SQLite and PostgreSQL through an export file: every
//! case with its log and projection, folio sequences, contacts, outbox rows in every
//! status and nightly runs come out exactly as they went in, both ways.

#[macro_use]
mod common;

use arco::alerts::{self, AlertConfig, Mailer};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::replay::History;
use arco::request::{RequestAct, Right};
use arco::rules::TermId;
use arco::service::Registry;
use arco::storage::transfer::{self, TransferError};
use arco::storage::{Database, OutboxItem, Store};
use chrono::{DateTime, NaiveDate, Utc};
use common::{Backend, TestDb, exec};

fn now() -> DateTime<Utc> {
    // Nanoseconds on purpose: the log keeps them on both backends.
    "2026-11-23T12:00:00.123456789Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn other(b: Backend) -> Backend {
    match b {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

/// An install with a bit of everything: an imported request with its appeal, a request
/// on a calendar that changed (a `calendar_changed` record in its log), a titular's
/// contact, alerts sent, failed for good, superseded and pending, and nightly runs.
async fn rich_install(db: &TestDb) -> Registry<Database> {
    let reg = db.registry().await;
    let history =
        History::from_json(include_str!("../examples/histories/appeal-example.json")).unwrap();
    reg.import(&history, "UT", None, now()).await.unwrap();

    let cal = db.file("organismo.toml");
    std::fs::write(&cal, "name = \"Organismo\"\nextends = \"mx-jalisco\"\n").unwrap();
    let cal = cal.to_str().unwrap().to_string();
    let ana = Actor::new("ana", Role::UnitStaff);
    let folio = reg
        .file_request(
            "SEJ",
            &cal,
            Right::Access,
            "2026-02-05T10:00".parse::<Moment>().unwrap(),
            &ana,
            now(),
        )
        .await
        .unwrap()
        .folio;
    reg.set_titular_contact(&folio, "titular@correo.mx", now())
        .await
        .unwrap();
    reg.act(
        &folio,
        RequestAct::PreventionNotified,
        "2026-02-06T10:00".parse().unwrap(),
        &ana,
        now(),
    )
    .await
    .unwrap();
    std::fs::write(
        &cal,
        "name = \"Organismo\"\nextends = \"mx-jalisco\"\n[[closure]]\nname = \"Cierre\"\nfrom = \"2026-02-09\"\nto = \"2026-02-10\"\n",
    )
    .unwrap();
    let changed = reg
        .apply_calendar(
            &cal,
            "Acuerdo 1/2026",
            &Actor::new("admin", Role::Admin),
            now(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(changed.len(), 1);

    let config = AlertConfig::parse(
        "titular_alerts = true\n[recipients.default]\nunit = [\"ut@sej.gob.mx\"]\ncommittee = [\"comite@sej.gob.mx\"]\n[staff]\nana = \"ana@sej.gob.mx\"\n",
        "alertas.toml",
    )
    .unwrap();
    let (mailer, sent) = Mailer::memory();
    let r = alerts::run(&reg, &config, &mailer, d("2026-02-12"), now(), false)
        .await
        .unwrap();
    assert!(r.new > 0 && !sent.lock().unwrap().is_empty());
    let store = reg.store();
    let item = |due: &str, to: &str| OutboxItem {
        folio: folio.clone(),
        term: TermId::Resolution,
        due: d(due),
        threshold: 3,
        recipient: to.into(),
        item: serde_json::json!({"nota": "a mano", "n": 1.5}),
    };
    store
        .outbox_add(
            vec![
                item("2026-03-02", "uno@x.mx"),
                item("2026-03-02", "dos@x.mx"),
            ],
            now(),
        )
        .await
        .unwrap();
    let pending = store.outbox_pending().await.unwrap();
    let uno = pending
        .iter()
        .find(|r| r.item.recipient == "uno@x.mx")
        .unwrap()
        .id;
    store
        .outbox_failed(&[uno], "550 buzón inexistente", true)
        .await
        .unwrap();
    // A new due date supersedes the unsent alert for the old one.
    store
        .outbox_add(vec![item("2026-03-09", "dos@x.mx")], now())
        .await
        .unwrap();
    assert!(
        store
            .claim_night(d("2026-02-11"), "a", now())
            .await
            .unwrap()
    );
    store.finish_night(d("2026-02-11"), now()).await.unwrap();
    assert!(
        store
            .claim_night(d("2026-02-12"), "b", now())
            .await
            .unwrap()
    );

    let state = store.install_state().await.unwrap();
    let mut statuses: Vec<&str> = state.outbox.iter().map(|o| o.status.as_str()).collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses, ["failed", "pending", "sent", "superseded"]);
    reg
}

/// Everything a store holds, to compare two stores.
async fn everything(
    store: &Database,
) -> (Vec<arco::storage::StoredCase>, arco::storage::InstallState) {
    (
        store.dump_cases(0, 10_000).await.unwrap(),
        store.install_state().await.unwrap(),
    )
}

on_both_backends!(an_install_goes_to_the_other_backend_and_back_unchanged);
async fn an_install_goes_to_the_other_backend_and_back_unchanged(from: Backend) {
    let src = TestDb::new(from);
    let reg = rich_install(&src).await;
    let original = everything(reg.store()).await;
    assert_eq!(original.0.len(), 3);

    let file = src.file("export.jsonl");
    let counts = transfer::export(
        reg.store(),
        "origen",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(counts.cases, 3);
    assert_eq!(counts.contacts, 1);
    assert_eq!(counts.alert_runs, 2);
    assert!(transfer::is_export(&file));
    assert_eq!(transfer::check(&file).unwrap().1, counts);

    let dst = TestDb::new(other(from));
    let target = dst.store().await;
    let mut seen = 0;
    let imported = transfer::import(&target, &file, |n| seen = n)
        .await
        .unwrap();
    assert_eq!((imported, seen), (counts.clone(), 3));
    assert_eq!(everything(&target).await, original);
    let cmp = transfer::compare(&target, &file).await.unwrap();
    assert_eq!(
        (cmp.cases, cmp.differences.len()),
        (3, 0),
        "{:?}",
        cmp.differences
    );
    let moved = Registry::new(
        target,
        arco::calendar::CalendarLoader::default(),
        arco::rules::Rulebooks::builtin().unwrap(),
    );
    let report = moved.verify().await.unwrap();
    assert!(report.differences.is_empty(), "{:?}", report.differences);

    // And back to a fresh database of the first kind.
    let again = dst.file("again.jsonl");
    transfer::export(
        moved.store(),
        "destino",
        std::fs::File::create(&again).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    let home = TestDb::new(from);
    let back = home.store().await;
    transfer::import(&back, &again, |_| {}).await.unwrap();
    assert_eq!(everything(&back).await, original);

    // The moved install keeps working: new alerts and cases get fresh ids and folios.
    let store = moved.store();
    let added = store
        .outbox_add(
            vec![OutboxItem {
                folio: "SEJ-ARCO-2026-00001".into(),
                term: TermId::Admission,
                due: d("2026-05-01"),
                threshold: 0,
                recipient: "nuevo@x.mx".into(),
                item: serde_json::json!({}),
            }],
            now(),
        )
        .await
        .unwrap();
    assert_eq!(added, 1);
    let folio = moved
        .file_request(
            "SEJ",
            "mx-jalisco",
            Right::Access,
            "2026-03-02T10:00".parse().unwrap(),
            &Actor::new("ana", Role::UnitStaff),
            now(),
        )
        .await
        .unwrap()
        .folio;
    assert_eq!(folio, "SEJ-ARCO-2026-00002");
    let ids: Vec<i64> = store
        .dump_cases(0, 100)
        .await
        .unwrap()
        .iter()
        .map(|c| c.0.id)
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (4, 4));
}

on_both_backends!(a_comparison_finds_what_changed_without_showing_contacts);
async fn a_comparison_finds_what_changed_without_showing_contacts(backend: Backend) {
    let src = TestDb::new(backend);
    let reg = rich_install(&src).await;
    let file = src.file("export.jsonl");
    transfer::export(
        reg.store(),
        "x",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    exec(
        reg.store(),
        "UPDATE deadlines SET due = '2030-01-01' WHERE term = 'admission' AND case_id = (SELECT min(id) FROM cases)",
    )
    .await
    .unwrap();
    exec(reg.store(), "UPDATE contacts SET email = 'otra@correo.mx'")
        .await
        .unwrap();
    exec(reg.store(), "DELETE FROM alert_runs WHERE holder = 'b'")
        .await
        .unwrap();
    let cmp = transfer::compare(reg.store(), &file).await.unwrap();
    let text: Vec<String> = cmp
        .differences
        .iter()
        .map(|(w, d)| format!("{w}: {d}"))
        .collect();
    assert!(
        text.contains(
            &"UT-ARCO-2026-00001: deadlines.admission.due: exportado \"2026-06-04\", en la base de datos \"2030-01-01\""
                .to_string()
        ),
        "{text:?}"
    );
    assert!(
        text.contains(&"contactos: SEJ-ARCO-2026-00001: el contacto difiere".to_string()),
        "{text:?}"
    );
    assert!(
        text.contains(
            &"corridas nocturnas: 2026-02-12: está en la exportación pero no en la base de datos"
                .to_string()
        ),
        "{text:?}"
    );
    assert!(!text.iter().any(|t| t.contains("@correo.mx")), "{text:?}");
    assert_eq!(text.len(), 3, "{text:?}");
}

on_both_backends!(an_import_checks_the_whole_file_and_the_target_first);
async fn an_import_checks_the_whole_file_and_the_target_first(backend: Backend) {
    let src = TestDb::new(backend);
    let reg = rich_install(&src).await;
    let file = src.file("export.jsonl");
    transfer::export(
        reg.store(),
        "x",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    let lines = common::lines(&file);
    let write = |name: &str, lines: &[String]| {
        let p = src.file(name);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p
    };
    let target = TestDb::new(backend);
    let store = target.store().await;
    let refused = |e: TransferError| e.to_string();

    // Cut short: no final line.
    let cut = write("cut.jsonl", &lines[..lines.len() - 1]);
    let e = refused(transfer::import(&store, &cut, |_| {}).await.unwrap_err());
    assert!(e.contains("falta la línea final"), "{e}");
    // A case line missing: the final line's counts do not match.
    let mut short = lines.clone();
    short.remove(2);
    let short = write("short.jsonl", &short);
    let e = refused(transfer::import(&store, &short, |_| {}).await.unwrap_err());
    assert!(e.contains("la línea final anuncia 3 expedientes"), "{e}");
    // A case twice.
    let mut twice = lines.clone();
    twice.insert(2, lines[1].clone());
    let twice = write("twice.jsonl", &twice);
    let e = refused(transfer::import(&store, &twice, |_| {}).await.unwrap_err());
    assert!(e.contains("línea 3") && e.contains("se repite"), "{e}");
    // A log with a gap.
    let mut gap = lines.clone();
    // (line 3: the appeal, with many acts)
    assert!(gap[2].contains("{\"seq\":2,\"act\""));
    gap[2] = gap[2].replacen("{\"seq\":2,\"act\"", "{\"seq\":7,\"act\"", 1);
    let gap = write("gap.jsonl", &gap);
    let e = refused(transfer::import(&store, &gap, |_| {}).await.unwrap_err());
    assert!(
        e.contains("línea 3") && e.contains("tiene el número 7"),
        "{e}"
    );
    // Not an export at all.
    let e = refused(
        transfer::import(
            &store,
            std::path::Path::new("examples/histories/issue-example.json"),
            |_| {},
        )
        .await
        .unwrap_err(),
    );
    assert!(e.contains("no es el encabezado de una exportación"), "{e}");
    assert!(!transfer::is_export(std::path::Path::new(
        "examples/histories/issue-example.json"
    )));
    // Nothing of all that was written.
    assert!(store.is_empty().await.unwrap());

    // A target that is not empty is refused, even with a good file.
    store
        .claim_night(d("2026-01-01"), "x", now())
        .await
        .unwrap();
    let e = refused(transfer::import(&store, &file, |_| {}).await.unwrap_err());
    assert!(e.contains("no está vacía"), "{e}");
    assert!(store.folios().await.unwrap().is_empty());
}
