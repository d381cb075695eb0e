//! The register of social-media accounts (issue 18) on SQLite and on PostgreSQL, each test
//! on a fresh database: registration with every change kept with who and when, gestores
//! whose names stay out of the history, a departure that leaves a rotation owed, a
//! servant's personal account run by an área (official for that period, Décima novena),
//! the scope of each role, a takeover that opens a linked breach, and the public directory
//! as CSV.

#[macro_use]
mod common;

use arco::accounts::{Account as Login, Body, BodyKind, Principal, TokenKind};
use arco::case::Role;
use arco::service::Registry;
use arco::service::admin::add_body;
use arco::service::social::{DIRECTORY_HEADERS, directory_csv};
use arco::social::{Change, GestorKind, Verification};
use arco::storage::Database;
use chrono::{DateTime, NaiveDate, Utc};
use common::{Backend, TestDb, exec, scalar};

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn who(name: &str, role: Role, body: Option<&str>, guarded: &[&str]) -> Principal {
    Principal {
        account: Login {
            id: 1,
            username: name.into(),
            display_name: name.into(),
            body: body.map(str::to_string),
            role,
            active: true,
            password_hash: None,
        },
        token: TokenKind::Session,
        guarded: guarded.iter().map(|s| s.to_string()).collect(),
        body_kind: None,
    }
}

fn ana() -> Principal {
    who("ana", Role::UnitStaff, Some("SEJ"), &[])
}

async fn setup(db: &TestDb) -> Registry<Database> {
    let reg = db.registry().await;
    for (code, kind, guarantor) in [
        ("ITEI", BodyKind::Guarantor, None),
        ("SEJ", BodyKind::Obligated, Some("ITEI")),
        ("SSJ", BodyKind::Obligated, Some("ITEI")),
    ] {
        add_body(
            reg.store(),
            Body {
                code: code.into(),
                name: format!("Sujeto {code}"),
                kind,
                calendar: "mx-jalisco".into(),
                guarantor: guarantor.map(str::to_string),
            },
            |_| Ok(()),
            now(),
        )
        .await
        .unwrap();
    }
    reg
}

fn change(json: &str) -> Change {
    serde_json::from_str(json).unwrap()
}

const OFFICIAL: &str = r#"{"change":"registered","platform":"x","handle":"@SEJalisco","url":"https://x.com/SEJalisco","kind":"official","area":"Comunicación Social"}"#;

on_both_backends!(an_account_keeps_every_change_and_its_gestores_names_apart);
async fn an_account_keeps_every_change_and_its_gestores_names_apart(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = setup(&db).await;
    let a = reg
        .register_account(&ana(), None, change(OFFICIAL), d("2026-01-12"), now())
        .await
        .unwrap();
    assert_eq!((a.body.as_str(), a.version), ("SEJ", 1));
    assert!(a.official_today);
    let id = a.id;
    for (c, on) in [
        (
            r#"{"change":"gestor_added","name":"Luis Gómez Ruiz","kind":"servant","position":"Jefe de Redes","email":"luis.gomez@sej.gob.mx"}"#,
            "2026-01-12",
        ),
        (
            r#"{"change":"gestor_added","name":"Agencia Digital SA","kind":"external"}"#,
            "2026-02-01",
        ),
        (
            r#"{"change":"edited","verification":"verified"}"#,
            "2026-02-10",
        ),
        (r#"{"change":"gestor_left","gestor":1}"#, "2026-03-02"),
    ] {
        reg.change_account(&ana(), id, change(c), d(on), now())
            .await
            .unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    let a = reg.account_for(&ana(), id, d("2026-03-03")).await.unwrap();
    assert_eq!(a.version, 5);
    assert_eq!(a.account.verification, Verification::Verified);
    assert_eq!(a.account.rotation_owed_since, Some(d("2026-03-02")));
    let current: Vec<_> = a
        .account
        .current_gestores()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(current, ["Agencia Digital SA"]);
    assert_eq!(a.account.gestores[0].kind, GestorKind::Servant);
    assert_eq!(
        a.account.gestores[0].position.as_deref(),
        Some("Jefe de Redes")
    );
    // Every change with who and when; the history itself holds no gestor's name.
    assert_eq!(a.account.changes.len(), 5);
    assert!(a.account.changes.iter().all(|c| c.actor.id == "ana"));
    let names = scalar(
        reg.store(),
        "SELECT count(*) FROM social_account_changes WHERE change LIKE '%Luis%' OR change LIKE '%Agencia%' OR change LIKE '%Jefe de Redes%'",
    )
    .await;
    assert_eq!(names, 0);
    assert_eq!(
        scalar(reg.store(), "SELECT count(*) FROM social_gestores").await,
        2
    );
    // A gestor's address is kept with the name: never in the history, the account, nor
    // what the API and pages show.
    assert_eq!(
        scalar(
            reg.store(),
            "SELECT (SELECT count(*) FROM social_account_changes WHERE change LIKE '%luis.gomez@%')
                  + (SELECT count(*) FROM social_accounts WHERE data LIKE '%luis.gomez@%')",
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            reg.store(),
            "SELECT count(*) FROM social_gestores WHERE email = 'luis.gomez@sej.gob.mx'"
        )
        .await,
        1
    );
    assert!(!serde_json::to_string(&a).unwrap().contains("luis.gomez@"));
    // One that is not an address is refused, naming the field, and writes nothing.
    let e = reg
        .change_account(
            &ana(),
            id,
            change(r#"{"change":"gestor_added","name":"Pedro","kind":"servant","email":"pedro en sej"}"#),
            d("2026-03-02"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("«email»: «pedro en sej» no es una dirección de correo electrónico"),
        "{e}"
    );
    assert_eq!(
        scalar(reg.store(), "SELECT count(*) FROM social_gestores").await,
        2
    );
    // The history is never changed nor deleted.
    let e = exec(reg.store(), "DELETE FROM social_account_changes")
        .await
        .unwrap_err();
    assert!(e.contains("el historial de las cuentas no se"), "{e}");
    // The rotation is recorded (never the password); then nothing is owed.
    let a = reg
        .change_account(
            &ana(),
            id,
            Change::PasswordsRotated {},
            d("2026-03-03"),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(a.account.rotation_owed_since, None);
    assert_eq!(a.account.rotated_on, Some(d("2026-03-03")));
    // A change refused by the register writes nothing, and says why.
    let e = reg
        .change_account(
            &ana(),
            id,
            change(r#"{"change":"gestor_left","gestor":1}"#),
            d("2026-03-04"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("el gestor 1 ya dejó la cuenta el 2026-03-02"),
        "{e}"
    );
    let e = reg
        .change_account(
            &ana(),
            id,
            Change::PasswordsRotated {},
            d("2026-01-01"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("anterior al último cambio"), "{e}");
    assert_eq!(
        reg.account_for(&ana(), id, d("2026-03-04"))
            .await
            .unwrap()
            .version,
        6
    );
    // A gestor's name is erased: gone from the database, the history unchanged.
    let a = reg.erase_gestor_name(&ana(), id, 1).await.unwrap();
    assert_eq!(a.account.gestores[0].name, "(nombre suprimido)");
    assert_eq!(a.account.gestores[0].position, None);
    assert_eq!(a.account.gestores[0].left_on, Some(d("2026-03-02")));
    assert_eq!(a.version, 6);
    assert_eq!(
        scalar(
            reg.store(),
            "SELECT (SELECT count(*) FROM social_gestores WHERE name LIKE '%Luis%' OR position LIKE '%Jefe%' OR email IS NOT NULL)
                  + (SELECT count(*) FROM social_accounts WHERE data LIKE '%Luis%' OR data LIKE '%Jefe de Redes%')",
        )
        .await,
        0
    );
    let auditor = who("aud", Role::Auditor, Some("SEJ"), &[]);
    assert!(reg.erase_gestor_name(&auditor, id, 2).await.is_err());
    assert!(reg.erase_gestor_name(&ana(), id, 9).await.is_err());
    // A change dated after the day it is recorded is refused.
    let e = reg
        .change_account(
            &ana(),
            id,
            Change::PasswordsRotated {},
            d("2026-11-24"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("posterior a hoy (2026-11-23)"), "{e}");
    // The same handle on the same platform is refused.
    let e = reg
        .register_account(&ana(), None, change(OFFICIAL), d("2026-04-01"), now())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("ya existe la cuenta «@SEJalisco» de x"), "{e}");
}

on_both_backends!(each_role_reaches_what_it_may);
async fn each_role_reaches_what_it_may(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = setup(&db).await;
    let id = reg
        .register_account(&ana(), None, change(OFFICIAL), d("2026-01-12"), now())
        .await
        .unwrap()
        .id;
    let today = d("2026-02-01");
    // Staff of another body: not found, for reading and for changing.
    let other = who("beto", Role::UnitStaff, Some("SSJ"), &[]);
    let e = reg
        .account_for(&other, id, today)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("no existe"), "{e}");
    assert!(
        reg.change_account(&other, id, Change::PasswordsRotated {}, today, now())
            .await
            .unwrap_err()
            .to_string()
            .contains("no existe")
    );
    assert!(
        reg.social_accounts_for(&other, None, today)
            .await
            .unwrap()
            .is_empty()
    );
    // The Comité and the auditor read, and may not change.
    for role in [Role::Committee, Role::Auditor] {
        let r = who("c", role, Some("SEJ"), &[]);
        assert_eq!(reg.account_for(&r, id, today).await.unwrap().id, id);
        let e = reg
            .change_account(&r, id, Change::PasswordsRotated {}, today, now())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("solo consulta el registro de cuentas de SEJ"),
            "{e}"
        );
    }
    // Nor may they register an account for the body.
    let e = reg
        .register_account(
            &who("c", Role::Committee, Some("SEJ"), &[]),
            None,
            change(OFFICIAL),
            today,
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("lo lleva su Unidad de Transparencia"), "{e}");
    // The guarantor reads the bodies it supervises (the padrón, Décima tercera).
    let g = who("gema", Role::Guarantor, Some("ITEI"), &["SEJ", "SSJ"]);
    assert_eq!(
        reg.social_accounts_for(&g, None, today)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(reg.account_for(&g, id, today).await.is_ok());
    let outsider = who("otro", Role::Guarantor, Some("OTRO"), &["SSJ"]);
    assert!(reg.account_for(&outsider, id, today).await.is_err());
    // The public directory needs no sign-in.
    let public = reg.social_directory(Some("SEJ"), today).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].handle, "@SEJalisco");
}

on_both_backends!(a_personal_account_run_by_an_area_counts_as_official_only_in_its_period);
async fn a_personal_account_run_by_an_area_counts_as_official_only_in_its_period(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = setup(&db).await;
    let id = reg
        .register_account(
            &ana(),
            None,
            change(
                r#"{"change":"registered","platform":"facebook","handle":"maria.directora","kind":"servant_personal","servant_level":"level_1","area":"Dirección General"}"#,
            ),
            d("2026-01-12"),
            now(),
        )
        .await
        .unwrap()
        .id;
    reg.change_account(
        &ana(),
        id,
        change(r#"{"change":"run_by_area","from":"2026-02-01","to":"2026-06-30"}"#),
        d("2026-01-20"),
        now(),
    )
    .await
    .unwrap();
    for (day, official) in [
        ("2026-01-31", false),
        ("2026-02-01", true),
        ("2026-06-30", true),
        ("2026-07-01", false),
    ] {
        assert_eq!(
            reg.account_for(&ana(), id, d(day))
                .await
                .unwrap()
                .official_today,
            official,
            "{day}"
        );
    }
    let csv = directory_csv(&reg.social_directory(None, d("2026-03-01")).await.unwrap());
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap().trim_start_matches('\u{feff}'),
        "Sujeto obligado,Red social,Cuenta,Dirección,Tipo (Séptima),\"Oficial hoy (Segunda II, Décima novena)\",Área,Verificación (Décima cuarta),Gestores (Décima segunda)"
    );
    assert_eq!(DIRECTORY_HEADERS.len(), 9);
    assert_eq!(
        lines.next().unwrap(),
        "SEJ,Facebook,maria.directora,,cuenta personal de servidor público,sí,Dirección General,sin verificar,"
    );
    assert!(lines.next().is_none());
}

on_both_backends!(a_compromised_account_opens_a_breach_linked_to_it);
async fn a_compromised_account_opens_a_breach_linked_to_it(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = setup(&db).await;
    let id = reg
        .register_account(&ana(), None, change(OFFICIAL), d("2026-01-12"), now())
        .await
        .unwrap()
        .id;
    // The link is not a change staff may enter by hand.
    let e = reg
        .change_account(
            &ana(),
            id,
            change(r#"{"change":"compromised","breach":"SEJ-VS-2026-00009"}"#),
            d("2026-03-01"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("se registra como vulneración"), "{e}");
    let breach = reg
        .account_compromised(&ana(), id, "2026-03-05T08:30".parse().unwrap(), now())
        .await
        .unwrap();
    assert_eq!(breach.folio, "SEJ-VS-2026-00001");
    assert_eq!(breach.body, "SEJ");
    let a = reg.account_for(&ana(), id, d("2026-03-05")).await.unwrap();
    assert_eq!(a.account.breaches, ["SEJ-VS-2026-00001"]);
    let last = a.account.changes.last().unwrap();
    assert_eq!(last.on, d("2026-03-05"));
    // An auditor may not report it.
    let auditor = who("aud", Role::Auditor, Some("SEJ"), &[]);
    assert!(
        reg.account_compromised(&auditor, id, "2026-03-06T08:30".parse().unwrap(), now())
            .await
            .is_err()
    );
    assert_eq!(
        reg.account_for(&ana(), id, d("2026-03-06"))
            .await
            .unwrap()
            .account
            .breaches
            .len(),
        1
    );
}

on_both_backends!(the_register_moves_to_the_other_backend_unchanged);
async fn the_register_moves_to_the_other_backend_unchanged(from: Backend) {
    use arco::storage::transfer;
    let src = TestDb::new(from);
    let reg = setup(&src).await;
    let id = reg
        .register_account(&ana(), None, change(OFFICIAL), d("2026-01-12"), now())
        .await
        .unwrap()
        .id;
    reg.change_account(
        &ana(),
        id,
        change(r#"{"change":"gestor_added","name":"Luis Gómez Ruiz","kind":"servant","position":"Jefe de Redes","email":"luis@sej.gob.mx"}"#),
        d("2026-01-12"),
        now(),
    )
    .await
    .unwrap();
    let file = src.file("export.jsonl");
    let counts = transfer::export(
        reg.store(),
        "origen",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(counts.social_accounts, 1);
    let to = match from {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    };
    let dst = TestDb::new(to);
    let target = dst.store().await;
    transfer::import(&target, &file, |_| {}).await.unwrap();
    let cmp = transfer::compare(&target, &file).await.unwrap();
    assert!(cmp.differences.is_empty(), "{:?}", cmp.differences);
    let reg2 = dst.registry().await;
    let a = reg.account_for(&ana(), id, d("2026-02-01")).await.unwrap();
    let b = reg2.account_for(&ana(), id, d("2026-02-01")).await.unwrap();
    assert_eq!((a.account, a.version), (b.account, b.version));
    // The gestor's address moved with the name.
    assert_eq!(
        scalar(
            &target,
            "SELECT count(*) FROM social_gestores WHERE email = 'luis@sej.gob.mx'"
        )
        .await,
        1
    );
    // The next account registered on the target gets the next number.
    let next = reg2
        .register_account(
            &ana(),
            None,
            change(r#"{"change":"registered","platform":"instagram","handle":"sejalisco","kind":"official","area":"Comunicación Social"}"#),
            d("2026-02-02"),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(next.id, id + 1);
    // A change on the source only is a difference, named without showing the name.
    reg.change_account(
        &ana(),
        id,
        change(r#"{"change":"gestor_left","gestor":1}"#),
        d("2026-03-01"),
        now(),
    )
    .await
    .unwrap();
    let cmp = transfer::compare(reg.store(), &file).await.unwrap();
    assert!(!cmp.differences.is_empty());
    assert!(
        cmp.differences
            .iter()
            .all(|(k, d)| k == &format!("cuenta {id}") && !d.contains("Luis")),
        "{:?}",
        cmp.differences
    );
}

/// A request of SEJ filed by Ana, to point at a post.
async fn request(reg: &Registry<Database>) -> String {
    reg.file_request(
        "SEJ",
        "mx-jalisco",
        arco::request::Right::Cancellation,
        "2026-03-02T10:00".parse().unwrap(),
        &arco::case::Actor::new("ana", Role::UnitStaff),
        now(),
    )
    .await
    .unwrap()
    .folio
}

on_both_backends!(a_request_about_a_post_points_to_it_apart_from_the_log);
async fn a_request_about_a_post_points_to_it_apart_from_the_log(backend: Backend) {
    use arco::social::PostAction;
    let db = TestDb::new(backend);
    let reg = setup(&db).await;
    let id = reg
        .register_account(&ana(), None, change(OFFICIAL), d("2026-01-12"), now())
        .await
        .unwrap()
        .id;
    let folio = request(&reg).await;
    let post = "https://x.com/SEJalisco/status/1890000000000000001";
    let p = reg
        .point_to_publication(&ana(), &folio, id, post, Some("2026-03-01T18:20"), now())
        .await
        .unwrap();
    assert_eq!((p.account_id, p.post.as_str()), (id, post));
    assert_eq!(p.account, "@SEJalisco en X (Twitter)");
    assert_eq!((p.action, p.warning.as_deref()), (None, None));
    // Not in the request's log.
    assert_eq!(
        scalar(
            reg.store(),
            "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE CAST(e.payload AS TEXT) LIKE '%1890000000000000001%' OR CAST(c.projection AS TEXT) LIKE '%1890000000000000001%'"
        )
        .await,
        0
    );
    // Removed without a preservation record: recorded, with a warning.
    let p = reg
        .record_post_action(
            &ana(),
            &folio,
            PostAction::Removed,
            false,
            d("2026-03-09"),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(p.action, Some(PostAction::Removed));
    assert_eq!(p.acted_by.as_deref(), Some("ana"));
    assert!(
        p.warning
            .as_deref()
            .is_some_and(|w| w.contains("Décima séptima")),
        "{:?}",
        p.warning
    );
    let p = reg
        .record_post_action(
            &ana(),
            &folio,
            PostAction::Removed,
            true,
            d("2026-03-09"),
            now(),
        )
        .await
        .unwrap();
    assert_eq!((p.preserved, p.warning), (Some(true), None));
    // An account of another body's register, a bad capture date, a stranger: refused.
    let other = reg
        .register_account(
            &who("beto", Role::UnitStaff, Some("SSJ"), &[]),
            None,
            change(r#"{"change":"registered","platform":"x","handle":"@SSJalisco","kind":"official","area":"Prensa"}"#),
            d("2026-01-12"),
            now(),
        )
        .await
        .unwrap()
        .id;
    let e = reg
        .point_to_publication(&ana(), &folio, other, post, None, now())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("es del registro de SSJ, no de SEJ"), "{e}");
    let e = reg
        .point_to_publication(&ana(), &folio, id, post, Some("ayer"), now())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("campo «captured_at»"), "{e}");
    let stranger = who("beto", Role::UnitStaff, Some("SSJ"), &[]);
    assert!(reg.publication_for(&stranger, &folio).await.is_err());
    let auditor = who("aud", Role::Auditor, Some("SEJ"), &[]);
    assert!(
        reg.publication_for(&auditor, &folio)
            .await
            .unwrap()
            .is_some()
    );
    assert!(reg.forget_publication(&auditor, &folio).await.is_err());

    // It travels with an export, and is compared without showing the post.
    use arco::storage::transfer;
    let file = db.file("export.jsonl");
    let counts = transfer::export(
        reg.store(),
        "origen",
        std::fs::File::create(&file).unwrap(),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!((counts.social_accounts, counts.publications), (2, 1));
    let dst = TestDb::new(match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    });
    let target = dst.store().await;
    transfer::import(&target, &file, |_| {}).await.unwrap();
    let cmp = transfer::compare(&target, &file).await.unwrap();
    assert!(cmp.differences.is_empty(), "{:?}", cmp.differences);

    // Erased: nothing left of it.
    assert!(reg.forget_publication(&ana(), &folio).await.unwrap());
    assert!(reg.publication_for(&ana(), &folio).await.unwrap().is_none());
    assert_eq!(
        scalar(reg.store(), "SELECT count(*) FROM request_publications").await,
        0
    );
    let cmp = transfer::compare(reg.store(), &file).await.unwrap();
    assert_eq!(cmp.differences.len(), 1, "{:?}", cmp.differences);
    assert!(
        !cmp.differences[0].1.contains("status"),
        "{:?}",
        cmp.differences
    );
}
