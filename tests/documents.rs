//! Documents of the expediente (art. 58.2) in the library, on both backends and both
//! places for contents: the scope of downloads, the identity guard, the purge after the
//! retention period, and export/import of documents.

mod common;

use arco::accounts::{Body, BodyKind, Principal, TokenKind};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::expediente::documents::{DocumentKind, sha256_hex};
use arco::request::{RequestAct, Right};
use arco::service::Registry;
use arco::service::admin::{add_account, add_body};
use arco::service::demo;
use arco::service::documents::{DocumentError, DocumentSettings, Upload};
use arco::storage::{BlobPlace, Database, Directory, DocumentStore};
use chrono::{NaiveDate, Utc};
use common::{Backend, TestDb};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

async fn who(reg: &Registry<Database>, user: &str) -> Principal {
    let store = reg.store();
    let account = store.account(user).await.unwrap().unwrap();
    let body_kind = match &account.body {
        Some(b) => store.body(b).await.unwrap().map(|b| b.kind),
        None => None,
    };
    let guarded = if account.role == Role::Guarantor {
        vec![demo::BODY.to_string(), "OTRA".to_string()]
    } else {
        Vec::new()
    };
    Principal {
        account,
        token: TokenKind::Session,
        guarded,
        body_kind,
    }
}

/// The demonstration install, another body with its own staff member, and one request of
/// the demonstration body filed, withdrawn and closed in January 2025.
async fn setup(db: &TestDb) -> (Registry<Database>, String) {
    let reg = db.registry().await;
    let now = Utc::now();
    demo::seed(&reg, "mx-jalisco", now).await.unwrap().unwrap();
    add_body(
        reg.store(),
        Body {
            code: "OTRA".into(),
            name: "Otra dependencia".into(),
            kind: BodyKind::Obligated,
            calendar: "mx-jalisco".into(),
            guarantor: Some(demo::GUARANTOR.into()),
        },
        |_| Ok(()),
        now,
    )
    .await
    .unwrap();
    add_account(
        reg.store(),
        "otra.ut",
        "Otra UT",
        Some("OTRA"),
        Role::UnitStaff,
        Some("una-contrasena-larga"),
        now,
    )
    .await
    .unwrap();
    let unit = Actor::new("ut.demo", Role::UnitStaff);
    let at = |s: &str| s.parse::<Moment>().unwrap();
    let d = reg
        .file_request(
            demo::BODY,
            "mx-jalisco",
            Right::Access,
            at("2025-01-08T10:00:00-06:00"),
            &unit,
            now,
        )
        .await
        .unwrap();
    (reg, d.folio)
}

async fn close(reg: &Registry<Database>, folio: &str) {
    let unit = Actor::new("ut.demo", Role::UnitStaff);
    let now = Utc::now();
    for (act, when) in [
        (RequestAct::Withdrawn, "2025-01-09T10:00:00-06:00"),
        (RequestAct::Closed, "2025-01-10T10:00:00-06:00"),
    ] {
        reg.act(folio, act, when.parse().unwrap(), &unit, now)
            .await
            .unwrap();
    }
}

fn upload<'a>(folio: &'a str, kind: DocumentKind, content: &'a [u8]) -> Upload<'a> {
    Upload {
        folio,
        kind,
        filename: "../escaneo ine.pdf",
        act_seq: Some(1),
        content,
    }
}

fn settings(db: &TestDb, folder: bool) -> DocumentSettings {
    DocumentSettings {
        max_bytes: 1024,
        place: if folder {
            BlobPlace::Folder(db.scratch.join("documentos"))
        } else {
            BlobPlace::Database
        },
        retention_days: 365,
    }
}

async fn scope_and_identity_guard(backend: Backend) {
    for folder in [false, true] {
        let db = TestDb::new(backend);
        let (reg, folio) = setup(&db).await;
        let s = settings(&db, folder);
        let now = Utc::now();
        let ut = who(&reg, "ut.demo").await;
        let id = reg
            .attach_document(&s, &ut, upload(&folio, DocumentKind::Identity, PDF), now)
            .await
            .unwrap();
        assert_eq!(id.media_type, "application/pdf");
        assert_eq!(id.filename, "escaneo ine.pdf");
        assert_eq!(id.sha256, sha256_hex(PDF));
        assert_eq!(id.size, PDF.len() as i64);
        let res = reg
            .attach_document(&s, &ut, upload(&folio, DocumentKind::Resolution, PNG), now)
            .await
            .unwrap();
        assert_eq!(res.media_type, "image/png");
        if folder {
            let file = db.scratch.join("documentos").join(&id.sha256);
            assert_eq!(std::fs::read(&file).unwrap(), PDF);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            assert_eq!(reg.store().blob(&id.sha256).await.unwrap(), None);
        } else {
            assert_eq!(
                reg.store().blob(&id.sha256).await.unwrap().as_deref(),
                Some(PDF)
            );
        }

        // The Unidad reads both, every time through the scope check.
        let (m, bytes) = reg.fetch_document(&s, &ut, &folio, id.id).await.unwrap();
        assert_eq!((m.kind, bytes.as_slice()), (DocumentKind::Identity, PDF));
        assert_eq!(reg.list_documents(&ut, &folio).await.unwrap().len(), 2);
        let head = who(&reg, "jefa.demo").await;
        assert!(reg.fetch_document(&s, &head, &folio, id.id).await.is_ok());

        // The Comité, the auditor, the guarantor and the administrator see the resolution
        // but not the identity document: it is not even listed.
        for user in ["comite.demo", "auditor.demo", "garante.demo", "admin.demo"] {
            let p = who(&reg, user).await;
            let list = reg.list_documents(&p, &folio).await.unwrap();
            assert_eq!(
                list.iter().map(|d| d.id).collect::<Vec<_>>(),
                vec![res.id],
                "{user}"
            );
            let e = reg.fetch_document(&s, &p, &folio, id.id).await.unwrap_err();
            assert!(matches!(e, DocumentError::NotFound(_)), "{user}: {e}");
            assert!(reg.fetch_document(&s, &p, &folio, res.id).await.is_ok());
        }

        // Another body's staff: the case does not exist for them.
        let other = who(&reg, "otra.ut").await;
        for d in [id.id, res.id] {
            let e = reg.fetch_document(&s, &other, &folio, d).await.unwrap_err();
            assert!(matches!(e, DocumentError::NotFound(_)), "{e}");
        }
        assert!(matches!(
            reg.list_documents(&other, &folio).await.unwrap_err(),
            DocumentError::NotFound(_)
        ));
        let e = reg
            .attach_document(&s, &other, upload(&folio, DocumentKind::Other, PDF), now)
            .await
            .unwrap_err();
        assert!(matches!(e, DocumentError::NotFound(_)), "{e}");
        // A document id of another case is not found through this one.
        let e = reg
            .fetch_document(&s, &ut, "NO-EXISTE", id.id)
            .await
            .unwrap_err();
        assert!(matches!(e, DocumentError::NotFound(_)), "{e}");

        // Who may attach what.
        let committee = who(&reg, "comite.demo").await;
        let e = reg
            .attach_document(
                &s,
                &committee,
                upload(&folio, DocumentKind::Identity, PDF),
                now,
            )
            .await
            .unwrap_err();
        assert!(matches!(e, DocumentError::Forbidden(_)), "{e}");
        assert!(
            reg.attach_document(
                &s,
                &committee,
                upload(&folio, DocumentKind::Resolution, PDF),
                now
            )
            .await
            .is_ok()
        );
        let auditor = who(&reg, "auditor.demo").await;
        let e = reg
            .attach_document(&s, &auditor, upload(&folio, DocumentKind::Other, PDF), now)
            .await
            .unwrap_err();
        assert!(matches!(e, DocumentError::Forbidden(_)), "{e}");

        // Contents refused: empty, too large, of a type not on the list; an act that is not
        // in the log.
        for (content, want) in [
            (&b""[..], "vacío"),
            (&[b'a'; 2000][..], "máximo es 1024"),
            (
                &b"MZ\x90\0\x03\0\0\0\x04\0"[..],
                "no es de un tipo admitido",
            ),
            (&b"\x00\x01\x02\x03"[..], "no es de un tipo admitido"),
        ] {
            let e = reg
                .attach_document(&s, &ut, upload(&folio, DocumentKind::Other, content), now)
                .await
                .unwrap_err();
            assert!(matches!(e, DocumentError::Content(_)), "{e}");
            assert!(e.to_string().contains(want), "{e}");
        }
        let mut bad_act = upload(&folio, DocumentKind::Other, PDF);
        bad_act.act_seq = Some(9);
        let e = reg
            .attach_document(&s, &ut, bad_act, now)
            .await
            .unwrap_err();
        assert!(
            matches!(e, DocumentError::Invalid { field: "act", .. }),
            "{e}"
        );
        assert_eq!(reg.list_documents(&ut, &folio).await.unwrap().len(), 3);
    }
}
on_both_backends!(scope_and_identity_guard);

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn purge_after_retention(backend: Backend) {
    for folder in [false, true] {
        let db = TestDb::new(backend);
        let (reg, folio) = setup(&db).await;
        let s = settings(&db, folder);
        let now = Utc::now();
        let ut = who(&reg, "ut.demo").await;
        let id = reg
            .attach_document(&s, &ut, upload(&folio, DocumentKind::Identity, PDF), now)
            .await
            .unwrap();
        let rep = reg
            .attach_document(
                &s,
                &ut,
                upload(&folio, DocumentKind::Representation, PNG),
                now,
            )
            .await
            .unwrap();
        let res = reg
            .attach_document(&s, &ut, upload(&folio, DocumentKind::Resolution, PNG), now)
            .await
            .unwrap();

        // Open case: nothing is purged, however late.
        let r = reg
            .purge_documents(&s, "retención", day("2030-01-01"), now)
            .await
            .unwrap();
        assert!(r.purged.is_empty());
        assert_eq!(r.kept, 2);

        close(&reg, &folio).await;
        // Closed on 2025-01-10: kept for 365 days...
        let r = reg
            .purge_documents(&s, "retención", day("2026-01-09"), now)
            .await
            .unwrap();
        assert!(r.purged.is_empty(), "{r:?}");
        // ... and purged on the 365th.
        let r = reg
            .purge_documents(&s, "jefa.demo", day("2026-01-10"), now)
            .await
            .unwrap();
        assert_eq!(
            r.purged,
            vec![(id.id, folio.clone()), (rep.id, folio.clone())]
        );
        // The record stays, with who and when; the content is gone.
        let docs = reg.store().documents(&folio).await.unwrap();
        let purged = docs.iter().find(|d| d.id == id.id).unwrap();
        assert_eq!(purged.purged_by.as_deref(), Some("jefa.demo"));
        assert!(purged.purged_at.is_some());
        assert_eq!(purged.sha256, id.sha256);
        let e = reg
            .fetch_document(&s, &ut, &folio, id.id)
            .await
            .unwrap_err();
        assert!(matches!(e, DocumentError::Purged { .. }), "{e}");
        assert!(e.to_string().contains("se depuró"), "{e}");
        assert_eq!(reg.store().blob(&id.sha256).await.unwrap(), None);
        assert!(!db.scratch.join("documentos").join(&id.sha256).exists());
        // The resolution shares its content with the purged representation document: the
        // content stays for it.
        let (_, bytes) = reg.fetch_document(&s, &ut, &folio, res.id).await.unwrap();
        assert_eq!(bytes, PNG);
        // A second run purges nothing more.
        let r = reg
            .purge_documents(&s, "retención", day("2027-01-01"), now)
            .await
            .unwrap();
        assert!(r.purged.is_empty() && r.kept == 0, "{r:?}");
    }
}
on_both_backends!(purge_after_retention);

async fn export_and_import_carry_documents(backend: Backend) {
    let db = TestDb::new(backend);
    let (reg, folio) = setup(&db).await;
    let s = settings(&db, false);
    let now = Utc::now();
    let ut = who(&reg, "ut.demo").await;
    let id = reg
        .attach_document(&s, &ut, upload(&folio, DocumentKind::Identity, PDF), now)
        .await
        .unwrap();
    reg.attach_document(
        &s,
        &ut,
        upload(&folio, DocumentKind::Notification, PNG),
        now,
    )
    .await
    .unwrap();
    let export = db.file("export.jsonl");
    let mut out = std::fs::File::create(&export).unwrap();
    let counts =
        arco::storage::transfer::export_with(reg.store(), &s.place, "prueba", &mut out, |_| {})
            .await
            .unwrap();
    drop(out);
    assert_eq!(counts.documents, 2);

    // Into the other backend, contents in a folder there.
    let other = TestDb::new(match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    });
    let reg2 = other.registry().await;
    let s2 = settings(&other, true);
    arco::storage::transfer::import_with(reg2.store(), &s2.place, &export, |_| {})
        .await
        .unwrap();
    let ut2 = who(&reg2, "ut.demo").await;
    let docs = reg2.list_documents(&ut2, &folio).await.unwrap();
    assert_eq!(docs, reg.list_documents(&ut, &folio).await.unwrap());
    let (_, bytes) = reg2.fetch_document(&s2, &ut2, &folio, id.id).await.unwrap();
    assert_eq!(bytes, PDF);
    // Attaching after the import takes a fresh id.
    let next = reg2
        .attach_document(&s2, &ut2, upload(&folio, DocumentKind::Other, PDF), now)
        .await
        .unwrap();
    assert!(next.id > id.id + 1);
    // verify --against: equal, then a difference once a document is purged on one side.
    let cmp = arco::storage::transfer::compare_with(reg.store(), &s.place, &export)
        .await
        .unwrap();
    assert!(cmp.differences.is_empty(), "{:?}", cmp.differences);
    reg.store().mark_purged(id.id, "x", now).await.unwrap();
    let cmp = arco::storage::transfer::compare_with(reg.store(), &s.place, &export)
        .await
        .unwrap();
    assert!(
        cmp.differences.iter().any(|(k, _)| k.contains("documento")),
        "{:?}",
        cmp.differences
    );
}
on_both_backends!(export_and_import_carry_documents);

async fn the_cli_lists_and_purges(backend: Backend) {
    let db = TestDb::new(backend);
    let (reg, folio) = setup(&db).await;
    let s = settings(&db, false);
    let ut = who(&reg, "ut.demo").await;
    let id = reg
        .attach_document(
            &s,
            &ut,
            upload(&folio, DocumentKind::Identity, PDF),
            Utc::now(),
        )
        .await
        .unwrap();
    close(&reg, &folio).await;
    let arco = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_arco"))
            .args(args)
            .args(["--database", &db.url])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let list = arco(&["document", "list", &folio]);
    assert!(
        list.contains("identity") && list.contains("vigente"),
        "{list}"
    );
    // Closed in January 2025: more than 365 days before today (the suite runs after it).
    let purged = arco(&["document", "purge"]);
    assert!(purged.starts_with("1 documentos depurados"), "{purged}");
    assert!(purged.contains(&format!("documento {} del expediente {folio}", id.id)));
    let list = arco(&["document", "list", &folio]);
    assert!(
        list.contains("depurado") && list.contains("retención"),
        "{list}"
    );
    assert_eq!(reg.store().blob(&id.sha256).await.unwrap(), None);
}
on_both_backends!(the_cli_lists_and_purges);
