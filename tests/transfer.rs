//! Moving a whole install between SQLite and PostgreSQL through an export file: the
//! directory (bodies, accounts with their password hashes, tokens as digests), every case
//! with its log and projection, folio sequences, contacts, outbox rows in every status and
//! nightly runs come out exactly as they went in, both ways; and a token made on one
//! backend still opens the API on the other.

#[macro_use]
mod common;

use arco::accounts::{Body, BodyKind, NewToken, TokenKind, password, token_digest};
use arco::alerts::{self, AlertConfig, Mailer};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::replay::History;
use arco::request::{RequestAct, Right};
use arco::rules::TermId;
use arco::service::{Registry, admin};
use arco::storage::directory::DirectoryDump;
use arco::storage::transfer::{self, TransferError};
use arco::storage::{Database, Directory, OutboxItem, Store};
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

/// The password of the accounts that have one in [`rich_install`].
const PASSWORD: &str = "una contraseña bastante larga";

/// A directory with a bit of everything: a guarantor, two obligated bodies (one under the
/// guarantor, one on its own), accounts of several roles with and without a password (and
/// one disabled), and API, feed, session, expiring and revoked tokens. Returns the secret
/// of the `sistema` account's API token.
async fn rich_directory(store: &Database) -> String {
    let ok = |_: &str| Ok(());
    let body = |code: &str, kind, guarantor: Option<&str>| Body {
        code: code.into(),
        name: format!("Organismo {code}"),
        kind,
        calendar: "mx-jalisco".into(),
        guarantor: guarantor.map(str::to_string),
    };
    admin::add_body(store, body("ITEI", BodyKind::Guarantor, None), ok, now())
        .await
        .unwrap();
    admin::add_body(
        store,
        body("SEJ", BodyKind::Obligated, Some("ITEI")),
        ok,
        now(),
    )
    .await
    .unwrap();
    admin::add_body(store, body("UT", BodyKind::Obligated, None), ok, now())
        .await
        .unwrap();
    let account = |user: &'static str, body: Option<&'static str>, role, pw: bool| async move {
        admin::add_account(
            store,
            user,
            &format!("Persona {user}"),
            body,
            role,
            pw.then_some(PASSWORD),
            now(),
        )
        .await
        .unwrap()
    };
    account("ana", Some("SEJ"), Role::UnitStaff, true).await;
    account("sistema", Some("SEJ"), Role::UnitStaff, false).await;
    account("jefa", Some("SEJ"), Role::UnitHead, true).await;
    account("gabriel", Some("ITEI"), Role::Guarantor, true).await;
    account("raiz", None, Role::Admin, false).await;
    account("baja", Some("UT"), Role::Committee, true).await;
    let token = |user: &'static str, kind, label: &'static str, days: Option<i64>| async move {
        admin::create_token(
            store,
            user,
            kind,
            label,
            days.map(|d| now() + chrono::Duration::days(d)),
            now(),
        )
        .await
        .unwrap()
    };
    let secret = token("sistema", TokenKind::Api, "portal", None).await;
    token("ana", TokenKind::Feed, "calendario", None).await;
    token("jefa", TokenKind::Api, "tablero", Some(30)).await;
    let revoked = token("gabriel", TokenKind::Api, "viejo", None).await;
    assert!(
        store
            .revoke_token(&token_digest(&revoked), now())
            .await
            .unwrap()
    );
    let ana = store.account("ana").await.unwrap().unwrap();
    store
        .add_token(
            &NewToken {
                account: ana.id,
                kind: TokenKind::Session,
                digest: token_digest("arco_sesion_de_ana"),
                label: "navegador".into(),
                expires_at: Some(now() + chrono::Duration::hours(8)),
            },
            now(),
        )
        .await
        .unwrap();
    token("baja", TokenKind::Api, "antiguo", None).await;
    // Disabling revokes the account's tokens.
    assert!(
        store
            .update_account("baja", None, false, now())
            .await
            .unwrap()
    );
    secret
}

/// An install with a bit of everything: the directory of [`rich_directory`], an imported
/// request with its appeal, a request on a calendar that changed (a `calendar_changed`
/// record in its log), a titular's contact, alerts sent, failed for good, superseded and
/// pending, and nightly runs. Returns the registry and the secret of an API token.
async fn rich_install(db: &TestDb) -> (Registry<Database>, String) {
    let reg = db.registry().await;
    let secret = rich_directory(reg.store()).await;
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
    (reg, secret)
}

/// Everything a store holds, to compare two stores.
async fn everything(
    store: &Database,
) -> (
    DirectoryDump,
    Vec<arco::storage::StoredCase>,
    arco::storage::InstallState,
) {
    (
        store.directory_dump().await.unwrap(),
        store.dump_cases(0, 10_000).await.unwrap(),
        store.install_state().await.unwrap(),
    )
}

/// The account a token's secret opens, if any, and the token's kind.
async fn opens(store: &Database, secret: &str) -> Option<(String, TokenKind)> {
    store
        .token(&token_digest(secret), now())
        .await
        .unwrap()
        .map(|(a, k)| (a.username, k))
}

on_both_backends!(an_install_goes_to_the_other_backend_and_back_unchanged);
async fn an_install_goes_to_the_other_backend_and_back_unchanged(from: Backend) {
    let src = TestDb::new(from);
    let (reg, secret) = rich_install(&src).await;
    let original = everything(reg.store()).await;
    assert_eq!(original.1.len(), 3);
    let directory = &original.0;
    assert_eq!(
        (
            directory.bodies.len(),
            directory.accounts.len(),
            directory.tokens.len()
        ),
        (3, 6, 6)
    );
    assert_eq!(
        opens(reg.store(), &secret).await,
        Some(("sistema".into(), TokenKind::Api))
    );

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
    assert_eq!((counts.bodies, counts.accounts, counts.tokens), (3, 6, 6));
    assert!(transfer::is_export(&file));
    // The file holds the hashes and digests, as stored; never a secret.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("$argon2") && text.contains(&token_digest(&secret)));
    assert!(!text.contains(&secret) && !text.contains(PASSWORD));
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
    // The directory works on the other backend: the API token opens its account, the
    // revoked ones and the disabled account's do not, passwords still verify.
    assert_eq!(
        opens(&target, &secret).await,
        Some(("sistema".into(), TokenKind::Api))
    );
    assert_eq!(
        opens(&target, "arco_sesion_de_ana").await,
        Some(("ana".into(), TokenKind::Session))
    );
    let mut live = 0;
    for t in &directory.tokens {
        if target.token(&t.digest, now()).await.unwrap().is_some() {
            live += 1;
        }
    }
    assert_eq!(live, 4);
    let ana = target.account("ana").await.unwrap().unwrap();
    assert!(password::verify(
        PASSWORD,
        ana.password_hash.as_deref().unwrap()
    ));
    assert!(!password::verify(
        "otra",
        ana.password_hash.as_deref().unwrap()
    ));
    assert!(!target.account("baja").await.unwrap().unwrap().active);
    assert_eq!(
        target
            .body("SEJ")
            .await
            .unwrap()
            .unwrap()
            .guarantor
            .as_deref(),
        Some("ITEI")
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
    let cmp = transfer::compare(&back, &file).await.unwrap();
    assert!(cmp.differences.is_empty(), "{:?}", cmp.differences);
    assert_eq!(
        opens(&back, &secret).await,
        Some(("sistema".into(), TokenKind::Api))
    );

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
    // ...and new accounts get fresh ids, new tokens open them.
    let nueva = admin::add_account(
        store,
        "nueva",
        "Nueva",
        Some("UT"),
        Role::UnitHead,
        None,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(nueva.id, 7);
    let fresh = admin::create_token(store, "nueva", TokenKind::Api, "otro", None, now())
        .await
        .unwrap();
    assert_eq!(
        opens(store, &fresh).await,
        Some(("nueva".into(), TokenKind::Api))
    );
}

on_both_backends!(a_comparison_finds_what_changed_without_showing_secrets);
async fn a_comparison_finds_what_changed_without_showing_secrets(backend: Backend) {
    let src = TestDb::new(backend);
    let (reg, secret) = rich_install(&src).await;
    let file = src.file("export.jsonl");
    transfer::export(
        reg.store(),
        "x",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    let store = reg.store();
    exec(
        store,
        "UPDATE deadlines SET due = '2030-01-01' WHERE term = 'admission' AND case_id = (SELECT min(id) FROM cases)",
    )
    .await
    .unwrap();
    exec(store, "UPDATE contacts SET email = 'otra@correo.mx'")
        .await
        .unwrap();
    exec(store, "DELETE FROM alert_runs WHERE holder = 'b'")
        .await
        .unwrap();
    // The directory: a body renamed, a password changed, one removed, a token revoked, a
    // token added.
    exec(
        store,
        "UPDATE bodies SET name = 'Otro nombre' WHERE code = 'UT'",
    )
    .await
    .unwrap();
    let hash = password::hash("otra contraseña bastante larga").unwrap();
    store
        .update_account("jefa", Some(&hash), true, now())
        .await
        .unwrap();
    exec(
        store,
        "UPDATE accounts SET password_hash = NULL WHERE username = 'gabriel'",
    )
    .await
    .unwrap();
    assert!(
        store
            .revoke_token(
                &token_digest(&secret),
                d("2026-12-01").and_hms_opt(8, 0, 0).unwrap().and_utc()
            )
            .await
            .unwrap()
    );
    let raiz = store.account("raiz").await.unwrap().unwrap();
    store
        .add_token(
            &NewToken {
                account: raiz.id,
                kind: TokenKind::Api,
                digest: token_digest("arco_nuevo"),
                label: "respaldo".into(),
                expires_at: None,
            },
            now(),
        )
        .await
        .unwrap();
    let cmp = transfer::compare(store, &file).await.unwrap();
    let text: Vec<String> = cmp
        .differences
        .iter()
        .map(|(w, d)| format!("{w}: {d}"))
        .collect();
    let expected = [
        "sujetos obligados: UT: name: exportado \"Organismo UT\", en la base de datos \"Otro nombre\"",
        "cuentas: gabriel: tiene contraseña en la exportación y no en la base de datos",
        "cuentas: jefa: la contraseña difiere (no se muestra)",
        "tokens: token api «portal» de sistema, creado 2026-11-23T12:00:00Z: revoked_at: exportado null, en la base de datos \"2026-12-01T08:00:00Z\"",
        "tokens: token api «respaldo» de raiz, creado 2026-11-23T12:00:00Z: está en la base de datos pero no en la exportación",
        "UT-ARCO-2026-00001: deadlines.admission.due: exportado \"2026-06-04\", en la base de datos \"2030-01-01\"",
        "contactos: SEJ-ARCO-2026-00001: el contacto difiere",
        "corridas nocturnas: 2026-02-12: está en la exportación pero no en la base de datos",
    ];
    for e in expected {
        assert!(text.contains(&e.to_string()), "{e}\n{text:#?}");
    }
    assert_eq!(text.len(), expected.len(), "{text:#?}");
    // Never an address, a hash or a digest.
    let dump = store.directory_dump().await.unwrap();
    for t in &text {
        assert!(!t.contains("@correo.mx") && !t.contains("$argon2"), "{t}");
        for tok in &dump.tokens {
            assert!(!t.contains(&tok.digest), "{t}");
        }
    }
}

on_both_backends!(an_import_checks_the_whole_file_and_the_target_first);
async fn an_import_checks_the_whole_file_and_the_target_first(backend: Backend) {
    let src = TestDb::new(backend);
    let (reg, _) = rich_install(&src).await;
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
    let kind = |l: &String| {
        serde_json::from_str::<serde_json::Value>(l)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone()
    };
    let kinds: Vec<String> = lines[1..].iter().map(kind).collect();
    // The directory first, in the order it loads back, then the cases.
    assert_eq!(
        kinds[..15],
        [["body"; 3].as_slice(), &["account"; 6], &["token"; 6]].concat()
    );
    assert_eq!(kinds[15..18], ["case"; 3]);
    // (index in `lines` of the first case, and its line number)
    let first = 16;
    let at = |i: usize| format!("línea {}", i + 1);

    // Cut short: no final line.
    let cut = write("cut.jsonl", &lines[..lines.len() - 1]);
    let e = refused(transfer::import(&store, &cut, |_| {}).await.unwrap_err());
    assert!(e.contains("falta la línea final"), "{e}");
    // A case line missing: the final line's counts do not match.
    let mut short = lines.clone();
    short.remove(first + 1);
    let short = write("short.jsonl", &short);
    let e = refused(transfer::import(&store, &short, |_| {}).await.unwrap_err());
    assert!(e.contains("la línea final anuncia 3 expedientes"), "{e}");
    // A token missing: likewise.
    let mut short = lines.clone();
    short.remove(first - 1);
    let short = write("short-token.jsonl", &short);
    let e = refused(transfer::import(&store, &short, |_| {}).await.unwrap_err());
    assert!(
        e.contains("6 tokens; 0 cambios de asignación, 0 notas internas, pero el archivo tiene")
            && e.contains("5 tokens"),
        "{e}"
    );
    // A case twice.
    let mut twice = lines.clone();
    twice.insert(first + 1, lines[first].clone());
    let twice = write("twice.jsonl", &twice);
    let e = refused(transfer::import(&store, &twice, |_| {}).await.unwrap_err());
    assert!(e.contains(&at(first + 1)) && e.contains("se repite"), "{e}");
    // A log with a gap.
    let mut gap = lines.clone();
    // (the second case: the appeal, with many acts)
    assert!(gap[first + 1].contains("{\"seq\":2,\"act\""));
    gap[first + 1] = gap[first + 1].replacen("{\"seq\":2,\"act\"", "{\"seq\":7,\"act\"", 1);
    let gap = write("gap.jsonl", &gap);
    let e = refused(transfer::import(&store, &gap, |_| {}).await.unwrap_err());
    assert!(
        e.contains(&at(first + 1)) && e.contains("tiene el número 7"),
        "{e}"
    );
    // A directory line after the cases.
    let mut late = lines.clone();
    let token = late.remove(first - 1);
    late.insert(first + 1, token);
    let late = write("late.jsonl", &late);
    let e = refused(transfer::import(&store, &late, |_| {}).await.unwrap_err());
    assert!(
        e.contains(&at(first + 1)) && e.contains("van antes de los expedientes"),
        "{e}"
    );
    // An account before its body, a body before its guarantor, a token of no account.
    let mut swapped = lines.clone();
    swapped.swap(3, 4);
    let swapped = write("swapped.jsonl", &swapped);
    let e = refused(
        transfer::import(&store, &swapped, |_| {})
            .await
            .unwrap_err(),
    );
    assert!(e.contains(&at(3)) && e.contains("no aparece antes"), "{e}");
    let mut guarantor = lines.clone();
    guarantor.swap(1, 3);
    assert!(guarantor[1].contains("\"guarantor\":\"ITEI\""));
    let guarantor = write("guarantor.jsonl", &guarantor);
    let e = refused(
        transfer::import(&store, &guarantor, |_| {})
            .await
            .unwrap_err(),
    );
    assert!(
        e.contains(&at(1)) && e.contains("órgano garante a «ITEI», que no aparece antes"),
        "{e}"
    );
    let mut orphan = lines.clone();
    let t = first - 1;
    let mut token: serde_json::Value = serde_json::from_str(&orphan[t]).unwrap();
    let digest = token["token"]["digest"].as_str().unwrap().to_string();
    token["token"]["account_id"] = 99.into();
    orphan[t] = token.to_string();
    let orphan = write("orphan.jsonl", &orphan);
    let e = refused(transfer::import(&store, &orphan, |_| {}).await.unwrap_err());
    assert!(e.contains(&at(t)) && e.contains("cuenta 99"), "{e}");
    assert!(!e.contains(&digest), "{e}");
    // A newer format.
    let mut newer = lines.clone();
    newer[0] = newer[0].replace("\"version\":2", "\"version\":3");
    let newer = write("newer.jsonl", &newer);
    let e = refused(transfer::import(&store, &newer, |_| {}).await.unwrap_err());
    assert!(
        e.contains("versión 3 del formato") && e.contains("de la 1 a la 2"),
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
    assert_eq!(
        store.directory_dump().await.unwrap(),
        DirectoryDump::default()
    );

    // A target that is not empty is refused, even with a good file: a night run...
    store
        .claim_night(d("2026-01-01"), "x", now())
        .await
        .unwrap();
    let e = refused(transfer::import(&store, &file, |_| {}).await.unwrap_err());
    assert!(e.contains("no está vacía"), "{e}");
    assert!(store.folios().await.unwrap().is_empty());
    // ...or only a body.
    let other = TestDb::new(backend);
    let store = other.store().await;
    admin::add_body(
        &store,
        Body {
            code: "OTRO".into(),
            name: "Otro".into(),
            kind: BodyKind::Guarantor,
            calendar: "mx-jalisco".into(),
            guarantor: None,
        },
        |_| Ok(()),
        now(),
    )
    .await
    .unwrap();
    let e = refused(transfer::import(&store, &file, |_| {}).await.unwrap_err());
    assert!(
        e.contains("no está vacía") && e.contains("sujetos obligados"),
        "{e}"
    );
    assert!(store.is_empty().await.unwrap());
    assert_eq!(store.accounts().await.unwrap(), []);
}

on_both_backends!(an_export_of_version_1_without_a_directory_still_imports);
async fn an_export_of_version_1_without_a_directory_still_imports(backend: Backend) {
    let src = TestDb::new(backend);
    let (reg, _) = rich_install(&src).await;
    let file = src.file("export.jsonl");
    transfer::export(
        reg.store(),
        "x",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    // The file an arco of format 1 wrote: no directory lines, no directory counts.
    let lines = common::lines(&file);
    let mut old: Vec<String> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
        if i == 0 {
            v["version"] = 1.into();
        } else if ["body", "account", "token"]
            .iter()
            .any(|k| v.get(k).is_some())
        {
            continue;
        } else if let Some(end) = v.get_mut("end").and_then(|e| e.as_object_mut()) {
            for k in ["bodies", "accounts", "tokens"] {
                assert!(end.remove(k).is_some(), "{k}");
            }
        }
        old.push(v.to_string());
    }
    assert_eq!(old.len(), lines.len() - 15);
    let v1 = src.file("v1.jsonl");
    std::fs::write(&v1, old.join("\n") + "\n").unwrap();
    let (header, counts) = transfer::check(&v1).unwrap();
    assert_eq!(header.version, 1);
    assert_eq!((counts.cases, counts.bodies, counts.tokens), (3, 0, 0));

    let dst = TestDb::new(other(backend));
    let target = dst.store().await;
    transfer::import(&target, &v1, |_| {}).await.unwrap();
    let (_, cases, state) = everything(reg.store()).await;
    let moved = everything(&target).await;
    assert_eq!(moved, (DirectoryDump::default(), cases, state));
    let cmp = transfer::compare(&target, &v1).await.unwrap();
    assert!(cmp.differences.is_empty(), "{:?}", cmp.differences);
    // Compared with the new file, only the directory is missing.
    let cmp = transfer::compare(&target, &file).await.unwrap();
    assert_eq!(cmp.differences.len(), 15, "{:?}", cmp.differences);
    assert!(
        cmp.differences
            .iter()
            .all(|(_, d)| d.ends_with("está en la exportación pero no en la base de datos")),
        "{:?}",
        cmp.differences
    );

    // A version-1 file with a directory line is not one.
    let mut mixed = old.clone();
    mixed.insert(1, lines[1].clone());
    std::fs::write(&v1, mixed.join("\n") + "\n").unwrap();
    let e = transfer::check(&v1).unwrap_err().to_string();
    assert!(e.contains("línea 2") && e.contains("versión 1"), "{e}");
}
