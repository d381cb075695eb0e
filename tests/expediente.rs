//! Issue 14: the expediente beyond the acts, on both backends — assignment ("mis casos",
//! alerts to the person in charge), the área and its non-cooperation (art. 88.1.IX), the
//! internal notes (append-only, erasable), how the request came in (art. 49.1, searchable
//! by the PNT's folio), the identity guard before delivering data (arts. 48, 88.1.III),
//! the waiver of costs (art. 62.4), and export/import of all of it.

mod common;

use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::expediente::admin::{AdminEntry, AreaName};
use arco::expediente::notes::NoteText;
use arco::request::reception::{IdentityMeans, Instrument, Standing};
use arco::request::{
    Channel, Delivery, ExternalFolio, Modality, Outcome, Reception, RequestAct, RequestError, Right,
};
use arco::service::{Registry, ServiceError};
use arco::storage::{AdminStore, Database, ListFilter, Store};
use chrono::{DateTime, NaiveDate, Utc};
use common::{Backend, TestDb, exec};

fn now() -> DateTime<Utc> {
    "2026-12-01T18:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn staff(name: &str) -> Actor {
    Actor::new(name, Role::UnitStaff)
}

/// A request filed Mon 2 Nov 2026 by `ana`, with its accounts (ana and luis at the UT of
/// SEJ, a Comité member, an auditor).
async fn setup(db: &TestDb, right: Right, reception: Reception) -> (Registry<Database>, String) {
    let reg = db.registry().await;
    let t = now();
    let dir = reg.store();
    let ok = |_: &str| Ok(());
    use arco::accounts::{Body, BodyKind};
    use arco::service::admin::{add_account, add_body};
    for (code, kind, g) in [
        ("ITEI", BodyKind::Guarantor, None),
        ("SEJ", BodyKind::Obligated, Some("ITEI")),
        ("SSJ", BodyKind::Obligated, Some("ITEI")),
    ] {
        add_body(
            dir,
            Body {
                code: code.into(),
                name: format!("Sujeto {code}"),
                kind,
                calendar: "mx-jalisco".into(),
                guarantor: g.map(str::to_string),
            },
            ok,
            t,
        )
        .await
        .unwrap();
    }
    for (u, role, body) in [
        ("ana", Role::UnitStaff, "SEJ"),
        ("luis", Role::UnitStaff, "SEJ"),
        ("comite", Role::Committee, "SEJ"),
        ("auditor", Role::Auditor, "SEJ"),
        ("otra", Role::UnitStaff, "SSJ"),
    ] {
        add_account(dir, u, u, Some(body), role, None, t)
            .await
            .unwrap();
    }
    let d = reg
        .file_request_received(
            "SEJ",
            "mx-jalisco",
            right,
            reception,
            at("2026-11-02T10:00"),
            &staff("ana"),
            t,
        )
        .await
        .unwrap();
    (reg, d.folio)
}

async fn assignment_is_recorded_and_mine_means_assigned_to_me(b: Backend) {
    let db = TestDb::new(b);
    let (reg, folio) = setup(&db, Right::Access, Reception::default()).await;
    let mine = |who: &str| ListFilter {
        in_charge: Some(who.into()),
        ..ListFilter::default()
    };
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    // Nobody assigned: whoever filed is in charge.
    assert_eq!(reg.list(&mine("ana"), as_of, false).await.unwrap().len(), 1);
    assert!(
        reg.list(&mine("luis"), as_of, false)
            .await
            .unwrap()
            .is_empty()
    );
    let before = reg.show(&folio, Some(as_of), now()).await.unwrap();

    let head = staff("ana");
    reg.assign(&folio, "SEJ", Some("luis"), &head, now())
        .await
        .unwrap();
    let area = AreaName::parse("Dirección de Recursos Humanos").unwrap();
    reg.set_area(&folio, Some(area.clone()), &head, now())
        .await
        .unwrap();
    reg.record_non_cooperation(&folio, area.clone(), &head, now())
        .await
        .unwrap();
    assert!(
        reg.list(&mine("ana"), as_of, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        reg.list(&mine("luis"), as_of, false).await.unwrap().len(),
        1
    );

    // Alerts go to the person in charge.
    let rows = reg
        .store()
        .due_rows(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), as_of)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.in_charge == "luis"), "{rows:?}");

    // Who and when, in order; never a procedural act: the deadlines are untouched.
    let e = reg.expediente(&folio, &head).await.unwrap();
    assert_eq!(e.assignment.assignee.as_deref(), Some("luis"));
    assert_eq!(e.assignment.area, Some(area.clone()));
    assert_eq!(e.assignment.non_cooperation.len(), 1);
    let seqs: Vec<i64> = e.records.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert!(e.records.iter().all(|r| r.by == "ana" && r.at == now()));
    let after = reg.show(&folio, Some(as_of), now()).await.unwrap();
    assert_eq!(
        serde_json::to_value(&before.timeline).unwrap(),
        serde_json::to_value(&after.timeline).unwrap()
    );
    assert_eq!(before.log.len(), after.log.len());

    // The record is append-only.
    let store = db.store().await;
    assert!(
        exec(&store, "UPDATE case_admin SET actor = 'x'")
            .await
            .is_err()
    );
    assert!(exec(&store, "DELETE FROM case_admin").await.is_err());

    // Only an active UT account of the body may be put in charge, only by the UT.
    for bad in ["comite", "otra", "nadie"] {
        let e = reg.assign(&folio, "SEJ", Some(bad), &head, now()).await;
        assert!(
            matches!(e, Err(ServiceError::BadInput(ref m)) if m.contains(bad)),
            "{bad}: {e:?}"
        );
    }
    let e = reg
        .assign(
            &folio,
            "SEJ",
            None,
            &Actor::new("comite", Role::Committee),
            now(),
        )
        .await;
    assert!(matches!(e, Err(ServiceError::Forbidden(_))), "{e:?}");
    // Unassigned again: the filer is in charge again.
    reg.assign(&folio, "SEJ", None, &head, now()).await.unwrap();
    assert_eq!(reg.list(&mine("ana"), as_of, false).await.unwrap().len(), 1);
}
on_both_backends!(assignment_is_recorded_and_mine_means_assigned_to_me);

async fn notes_are_internal_append_only_and_erasable(b: Backend) {
    let db = TestDb::new(b);
    let (reg, folio) = setup(&db, Right::Access, Reception::default()).await;
    let text = |s: &str| NoteText::parse(s).unwrap();
    let n1 = reg
        .add_note(
            &folio,
            &text("Llamó la titular; pide copia simple."),
            None,
            &staff("ana"),
            now(),
        )
        .await
        .unwrap();
    let n2 = reg
        .add_note(
            &folio,
            &text("Corrección: pide copia certificada."),
            Some(n1.id),
            &Actor::new("comite", Role::Committee),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(n2.corrects, Some(n1.id));
    // A correction names a note of the same case.
    let e = reg
        .add_note(&folio, &text("x"), Some(n2.id + 100), &staff("ana"), now())
        .await;
    assert!(
        matches!(e, Err(ServiceError::BadInput(ref m)) if m.starts_with("corrects")),
        "{e:?}"
    );
    // Auditors read, do not write; the guarantor does not even read.
    let auditor = Actor::new("auditor", Role::Auditor);
    assert!(matches!(
        reg.add_note(&folio, &text("x"), None, &auditor, now())
            .await,
        Err(ServiceError::Forbidden(_))
    ));
    let seen = reg
        .expediente(&folio, &auditor)
        .await
        .unwrap()
        .notes
        .unwrap();
    assert_eq!(
        seen.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![n1.id, n2.id]
    );
    assert_eq!(seen[0].author, "ana");
    let g = Actor::new("itei", Role::Guarantor);
    assert!(reg.expediente(&folio, &g).await.unwrap().notes.is_none());
    // Never in the log of acts or the projection.
    let store = db.store().await;
    let (record, log) = store.load(&folio).await.unwrap();
    let everything = format!("{:?}{:?}", record, log);
    assert!(!everything.contains("copia"), "{everything}");
    // Not updated; erased with the case's personal data.
    assert!(
        exec(&store, "UPDATE notes SET text = 'otra'")
            .await
            .is_err()
    );
    assert_eq!(reg.forget_notes(&folio).await.unwrap(), 2);
    assert!(
        reg.expediente(&folio, &auditor)
            .await
            .unwrap()
            .notes
            .unwrap()
            .is_empty()
    );
}
on_both_backends!(notes_are_internal_append_only_and_erasable);

async fn the_reception_is_recorded_and_searchable(b: Backend) {
    let db = TestDb::new(b);
    let reception = Reception {
        channel: Some(Channel::Pnt),
        external_folio: Some(ExternalFolio::parse("140287926000123").unwrap()),
    };
    let (reg, folio) = setup(&db, Right::Access, reception.clone()).await;
    let d = reg.show(&folio, None, now()).await.unwrap();
    assert_eq!(d.view.reception, reception);
    assert!(
        d.view
            .reception
            .reply_medium_es()
            .contains("Plataforma Nacional")
    );
    // In the log: the filing carries it, and a rebuild keeps it.
    let (_, log) = db.store().await.load(&folio).await.unwrap();
    assert_eq!(log[0].event.payload["channel"], "pnt");
    assert_eq!(log[0].event.payload["external_folio"], "140287926000123");
    assert!(reg.verify().await.unwrap().differences.is_empty());
    let find = |x: &str| ListFilter {
        external_folio: Some(x.into()),
        ..ListFilter::default()
    };
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    let found = reg
        .list(&find("140287926000123"), as_of, false)
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|c| c.folio.clone()).collect::<Vec<_>>(),
        vec![folio.clone()]
    );
    assert!(
        reg.list(&find("140287926000124"), as_of, false)
            .await
            .unwrap()
            .is_empty()
    );
    // The search key is a column written at filing (issue 15): acts leave it as it is,
    // `arco verify` checks it against the log, and an import writes it from the
    // projection.
    granted(&reg, &folio).await;
    async fn searched(reg: &Registry<Database>, as_of: NaiveDate) -> Vec<String> {
        let f = ListFilter {
            external_folio: Some("140287926000123".into()),
            ..ListFilter::default()
        };
        let listed = reg.list(&f, as_of, false).await.unwrap();
        listed.into_iter().map(|c| c.folio).collect()
    }
    assert_eq!(
        searched(&db.registry().await, as_of).await,
        vec![folio.clone()]
    );
    let store = db.store().await;
    exec(&store, "UPDATE cases SET external_folio = 'OTRO'")
        .await
        .unwrap();
    let v = reg.verify().await.unwrap();
    assert_eq!(v.differences.len(), 1, "{:?}", v.differences);
    assert!(
        format!("{:?}", v.differences).contains("folio externo"),
        "{:?}",
        v.differences
    );
    exec(
        &store,
        "UPDATE cases SET external_folio = '140287926000123'",
    )
    .await
    .unwrap();
    assert!(reg.verify().await.unwrap().differences.is_empty());
    let file = db.file("export.jsonl");
    export_to(&store, &file).await;
    let other = TestDb::new(b);
    arco::storage::transfer::import(&other.store().await, &file, |_| {})
        .await
        .unwrap();
    let imported = other.registry().await;
    assert_eq!(searched(&imported, as_of).await, vec![folio.clone()]);
    assert!(imported.verify().await.unwrap().differences.is_empty());
    assert!(ExternalFolio::parse("abc<script>").is_err());
    assert!(ExternalFolio::parse("").is_err());
}
on_both_backends!(the_reception_is_recorded_and_searchable);

/// The whole install exported to `file`.
async fn export_to(store: &Database, file: &std::path::Path) -> arco::storage::transfer::Counts {
    arco::storage::transfer::export(
        store,
        "prueba",
        std::fs::File::create(file).unwrap(),
        |_| {},
    )
    .await
    .unwrap()
}

/// To the notice of a granted access: filed Mon 2 Nov, admitted Tue 3, resolved Thu 5,
/// notified Fri 6 Nov 2026.
async fn granted(reg: &Registry<Database>, folio: &str) {
    let c = Actor::new("comite", Role::Committee);
    reg.act(
        folio,
        RequestAct::Admitted,
        at("2026-11-03T10:00"),
        &staff("ana"),
        now(),
    )
    .await
    .unwrap();
    reg.act(
        folio,
        RequestAct::Resolved {
            outcome: Outcome::Granted,
        },
        at("2026-11-05T10:00"),
        &c,
        now(),
    )
    .await
    .unwrap();
    reg.act(
        folio,
        RequestAct::ResolutionNotified,
        at("2026-11-06T10:00"),
        &staff("ana"),
        now(),
    )
    .await
    .unwrap();
}

fn delivery(waived: bool) -> RequestAct {
    RequestAct::Fulfilled {
        delivery: Some(Delivery {
            modality: Modality::CertifiedCopy,
            pages: 50,
            page_cost: 200,
            certification_cost: 5_000,
            shipping_cost: 10_000,
            medium_provided: false,
            waived,
        }),
    }
}

async fn data_reach_only_an_accredited_titular(b: Backend) {
    let db = TestDb::new(b);
    let (reg, folio) = setup(&db, Right::Access, Reception::default()).await;
    granted(&reg, &folio).await;
    assert!(
        reg.show(&folio, None, now())
            .await
            .unwrap()
            .view
            .identity_pending
    );
    let e = reg
        .act(
            &folio,
            delivery(false),
            at("2026-11-09T10:00"),
            &staff("ana"),
            now(),
        )
        .await;
    assert!(
        matches!(
            e,
            Err(ServiceError::Refused {
                error: RequestError::IdentityNotAccredited,
                ..
            })
        ),
        "{e:?}"
    );
    assert!(e.unwrap_err().to_string().contains("88.1.III"));
    assert_eq!(
        db.store().await.load(&folio).await.unwrap().1.len(),
        4,
        "nothing written"
    );
    // A representative names the instrument of personalidad; only a representative does.
    let accredit = |standing, instrument| RequestAct::IdentityAccredited {
        standing,
        means: IdentityMeans::OfficialId,
        instrument,
    };
    let e = reg
        .act(
            &folio,
            accredit(Standing::Representative, None),
            at("2026-11-09T10:00"),
            &staff("ana"),
            now(),
        )
        .await;
    assert!(
        matches!(
            e,
            Err(ServiceError::Refused {
                error: RequestError::InstrumentMissing,
                ..
            })
        ),
        "{e:?}"
    );
    let e = reg
        .act(
            &folio,
            accredit(Standing::Titular, Some(Instrument::PowerLetter)),
            at("2026-11-09T10:00"),
            &staff("ana"),
            now(),
        )
        .await;
    assert!(
        matches!(
            e,
            Err(ServiceError::Refused {
                error: RequestError::InstrumentWithoutRepresentative,
                ..
            })
        ),
        "{e:?}"
    );
    // Only the UT accredits.
    let e = reg
        .act(
            &folio,
            accredit(Standing::Titular, None),
            at("2026-11-09T10:00"),
            &Actor::new("comite", Role::Committee),
            now(),
        )
        .await;
    assert!(
        matches!(
            e,
            Err(ServiceError::Refused {
                error: RequestError::Forbidden { .. },
                ..
            })
        ),
        "{e:?}"
    );
    reg.act(
        &folio,
        accredit(Standing::Representative, Some(Instrument::PowerLetter)),
        at("2026-11-09T10:00"),
        &staff("ana"),
        now(),
    )
    .await
    .unwrap();
    // Delivered with the waiver of art. 62.4: only the certification is paid. Without it:
    // 30 pages beyond the 20 free ones at $2.00, $50.00 certification, $100.00 shipping.
    assert_eq!(
        match delivery(false) {
            RequestAct::Fulfilled { delivery: Some(d) } => d.cost(),
            _ => 0,
        },
        6_000 + 5_000 + 10_000
    );
    let d = reg
        .act(
            &folio,
            delivery(true),
            at("2026-11-10T10:00"),
            &staff("ana"),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(d.view.amount_due, Some(5_000));
    assert!(!d.view.identity_pending);
    let id = d.view.identity.unwrap();
    assert_eq!(id.standing, Standing::Representative);
    assert!(id.describe_es().contains("carta poder"));
    // The log keeps the fact and the means, nothing of the ID itself.
    let (_, log) = db.store().await.load(&folio).await.unwrap();
    assert_eq!(log[4].event.payload["means"], "official_id");
}
on_both_backends!(data_reach_only_an_accredited_titular);

async fn rights_that_deliver_no_data_need_no_accreditation(b: Backend) {
    let db = TestDb::new(b);
    let (reg, folio) = setup(&db, Right::Rectification, Reception::default()).await;
    granted(&reg, &folio).await;
    assert!(
        !reg.show(&folio, None, now())
            .await
            .unwrap()
            .view
            .identity_pending
    );
    reg.act(
        &folio,
        RequestAct::Fulfilled { delivery: None },
        at("2026-11-09T10:00"),
        &staff("ana"),
        now(),
    )
    .await
    .unwrap();
}
on_both_backends!(rights_that_deliver_no_data_need_no_accreditation);

async fn export_and_import_carry_the_expediente(b: Backend) {
    let db = TestDb::new(b);
    let (reg, folio) = setup(&db, Right::Access, Reception::default()).await;
    reg.assign(&folio, "SEJ", Some("luis"), &staff("ana"), now())
        .await
        .unwrap();
    let n = reg
        .add_note(
            &folio,
            &NoteText::parse("Nota secreta").unwrap(),
            None,
            &staff("ana"),
            now(),
        )
        .await
        .unwrap();
    let file = db.file("export.jsonl");
    let store = db.store().await;
    let counts = export_to(&store, &file).await;
    assert_eq!((counts.admin_records, counts.notes), (1, 1));
    // Into the other backend.
    let other = TestDb::new(match b {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    });
    let target = other.store().await;
    arco::storage::transfer::import(&target, &file, |_| {})
        .await
        .unwrap();
    let records = target.admin_records(&folio).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].entry,
        AdminEntry::Assigned {
            assignee: Some("luis".into())
        }
    );
    let notes = target.notes(&folio).await.unwrap();
    assert_eq!(notes, vec![n.clone()]);
    let c = arco::storage::transfer::compare(&target, &file)
        .await
        .unwrap();
    assert!(c.differences.is_empty(), "{:?}", c.differences);
    // A new note continues after the imported numbers.
    let next = target
        .add_note(
            &folio,
            "ana",
            now(),
            &NoteText::parse("otra").unwrap(),
            None,
        )
        .await
        .unwrap();
    assert!(next.id > n.id);
    // verify --against names a difference without showing the note's text.
    let c = arco::storage::transfer::compare(&target, &file)
        .await
        .unwrap();
    assert_eq!(c.differences.len(), 1, "{:?}", c.differences);
    assert!(!format!("{:?}", c.differences).contains("otra\""));
}
on_both_backends!(export_and_import_carry_the_expediente);
