//! The bitácora of art. 39 through the registry, on SQLite and on PostgreSQL: the lines of
//! the breaches in the caller's scope (its own body; a guarantor: only what was notified
//! to it; an administrator: everything), filtered by body and by period of detection, as
//! data, as CSV and from the command line. The expected lines are written by hand.

#[macro_use]
mod common;

use arco::accounts::{Account, Principal, TokenKind};
use arco::breach::{
    AffectedRight, BreachAct, BreachCause, BreachKind, BreachState, DataCategory, Measure,
    MeasureStage, NoticeMeans, sample_notice,
};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::report::breaches::bitacora_csv;
use arco::service::{BreachScope, DetectionPeriod, Registry, ServiceError};
use arco::storage::Database;
use chrono::{DateTime, NaiveDate, Utc};
use common::{Backend, TestDb};

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Moment {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn staff() -> Actor {
    Actor::new("ana", Role::UnitStaff)
}

fn who(role: Role, body: Option<&str>, guarded: &[&str]) -> Principal {
    Principal {
        account: Account {
            id: 1,
            username: "x".into(),
            display_name: "X".into(),
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

async fn detect(reg: &Registry<Database>, body: &str, when: &str) -> String {
    reg.detect_breach(
        body,
        "mx-jalisco",
        BreachAct::BreachDetected { occurred_on: None },
        at(when),
        &staff(),
        now(),
    )
    .await
    .unwrap()
    .folio
}

async fn acts(reg: &Registry<Database>, folio: &str, acts: Vec<(BreachAct, &str)>) {
    for (act, when) in acts {
        reg.act_breach(folio, act, at(when), &staff(), now())
            .await
            .unwrap_or_else(|e| panic!("{when}: {e}"));
    }
}

/// Three breaches:
/// - UT-VS-2026-00001, detected Tue 02-10 09:00, confirmed at 22:15 (the 72 hours run out
///   Fri 02-13 at 22:15), notified to the guarantor on 02-12, to the titulares on Sat
///   02-14 (late), remedied and closed;
/// - SEJ-VS-2026-00001, detected 02-15, confirmed, not yet notified;
/// - UT-VS-2026-00002, detected Mon 03-02 and discarded.
async fn three_breaches(reg: &Registry<Database>) {
    let ut = detect(reg, "UT", "2026-02-10T09:00").await;
    assert_eq!(ut, "UT-VS-2026-00001");
    acts(
        reg,
        &ut,
        vec![
            (
                BreachAct::BreachConfirmed {
                    kind: BreachKind::Theft,
                    cause: BreachCause::PhysicalLoss,
                    occurred_on: Some(day("2026-02-09")),
                    data: vec![DataCategory::Health],
                    titulars: Some(40),
                },
                "2026-02-10T22:15",
            ),
            (
                BreachAct::BreachAnalysed {
                    significant: true,
                    rights: vec![AffectedRight::Moral],
                    reason: None,
                },
                "2026-02-11T09:00",
            ),
            (
                BreachAct::GuarantorNotified {
                    notice: sample_notice(),
                },
                "2026-02-12T10:00",
            ),
            (
                BreachAct::TitularsNotified {
                    notice: sample_notice(),
                    means: NoticeMeans::Personal,
                    count: 40,
                    completes: true,
                },
                "2026-02-14T08:00",
            ),
            (
                BreachAct::CorrectiveMeasures {
                    stage: MeasureStage::Definitive,
                    measures: vec![Measure::Encryption],
                },
                "2026-02-20T10:00",
            ),
            (BreachAct::BreachClosed, "2026-02-23T10:00"),
        ],
    )
    .await;
    let sej = detect(reg, "SEJ", "2026-02-15T11:00").await;
    acts(
        reg,
        &sej,
        vec![(
            BreachAct::BreachConfirmed {
                kind: BreachKind::UnauthorisedAccess,
                cause: BreachCause::HumanError,
                occurred_on: None,
                data: vec![DataCategory::Contact],
                titulars: Some(3),
            },
            "2026-02-15T12:00",
        )],
    )
    .await;
    let ut2 = detect(reg, "UT", "2026-03-02T08:30").await;
    assert_eq!(ut2, "UT-VS-2026-00002");
    acts(
        reg,
        &ut2,
        vec![(BreachAct::BreachDiscarded, "2026-03-02T12:00")],
    )
    .await;
}

const HEAD: &str = "Folio,Sujeto obligado,Detectada,Fecha en que ocurrió (art. 39.1.I),Confirmada,Descartada,Tipo (art. 38.1),Motivo (art. 39.1.II),Categorías de datos,Titulares afectados,Afectación significativa (art. 40),Razón de no ser significativa,Acciones correctivas inmediatas (art. 39.1.III),Acciones correctivas definitivas (art. 39.1.III),\"Vencen los avisos (72 horas, art. 40)\",Aviso al órgano garante,Aviso a los titulares,Titulares avisados,Aviso fuera de plazo,Cerrada,Estado";

const UT1: &str = "UT-VS-2026-00001,UT,2026-02-10T09:00:00,2026-02-09,2026-02-10T22:15:00,no,\"robo, extravío o copia no autorizada (art. 38.1.II)\",robo o extravío de equipo o documentos,datos de identificación; datos de contacto; datos de salud (sensibles),40,sí,,revocación de accesos,cifrado de los datos,2026-02-13T22:15:00-06:00,2026-02-12T10:00:00,2026-02-14T08:00:00,40,sí,2026-02-23T10:00:00,cerrada";

on_both_backends!(the_bitacora_follows_the_callers_scope);
async fn the_bitacora_follows_the_callers_scope(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    three_breaches(&reg).await;
    let all = DetectionPeriod::default();
    let folios = |lines: &[arco::service::BitacoraLine]| {
        lines.iter().map(|l| l.folio.clone()).collect::<Vec<_>>()
    };

    // An administrator reads every breach, in folio order.
    let admin = BreachScope::of(&who(Role::Admin, None, &[]), None).unwrap();
    let lines = reg.breach_bitacora(&admin, all).await.unwrap();
    assert_eq!(
        folios(&lines),
        ["SEJ-VS-2026-00001", "UT-VS-2026-00001", "UT-VS-2026-00002"]
    );

    // The first line, field by field.
    let l = &lines[1];
    assert_eq!(l.body, "UT");
    assert_eq!(l.entry.occurred_on, Some(day("2026-02-09")));
    assert_eq!(l.entry.kind, Some(BreachKind::Theft));
    assert_eq!(l.entry.cause, Some(BreachCause::PhysicalLoss));
    assert_eq!(
        l.entry.data,
        [
            DataCategory::Identification,
            DataCategory::Contact,
            DataCategory::Health
        ]
    );
    assert_eq!(l.entry.immediate_measures, [Measure::AccessRevoked]);
    assert_eq!(l.entry.definitive_measures, [Measure::Encryption]);
    assert_eq!(
        l.notice_due.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-02-13T22:15:00-06:00")
    );
    assert_eq!(l.entry.titulars_reached, 40);
    assert!(
        l.entry.late_notice,
        "the titulares were notified after the 72 hours"
    );
    assert_eq!(l.entry.state, BreachState::Closed);
    assert!(lines[2].entry.discarded);
    assert_eq!(lines[2].entry.state, BreachState::Discarded);
    assert!(!lines[0].entry.late_notice);
    assert_eq!(lines[0].entry.state, BreachState::Confirmed);

    // The body's staff read their own body's breaches, and only them.
    let ut = BreachScope::of(&who(Role::UnitStaff, Some("UT"), &[]), None).unwrap();
    let lines = reg.breach_bitacora(&ut, all).await.unwrap();
    assert_eq!(folios(&lines), ["UT-VS-2026-00001", "UT-VS-2026-00002"]);
    assert!(matches!(
        BreachScope::of(&who(Role::UnitStaff, Some("UT"), &[]), Some("SEJ")),
        Err(ServiceError::Forbidden(_))
    ));

    // The guarantor reads only what was notified to it, of the bodies it supervises.
    let g = BreachScope::of(&who(Role::Guarantor, Some("ITEI"), &["UT", "SEJ"]), None).unwrap();
    let lines = reg.breach_bitacora(&g, all).await.unwrap();
    assert_eq!(folios(&lines), ["UT-VS-2026-00001"]);
    let g_sej = BreachScope::of(
        &who(Role::Guarantor, Some("ITEI"), &["UT", "SEJ"]),
        Some("SEJ"),
    )
    .unwrap();
    assert!(reg.breach_bitacora(&g_sej, all).await.unwrap().is_empty());
    let other = BreachScope::of(&who(Role::Guarantor, Some("OTRO"), &["SEJ"]), None).unwrap();
    assert!(reg.breach_bitacora(&other, all).await.unwrap().is_empty());

    // By body and period of detection (both ends included).
    let only_ut = BreachScope::everything(Some("UT"));
    let feb = DetectionPeriod {
        from: Some(day("2026-02-10")),
        to: Some(day("2026-02-28")),
    };
    assert_eq!(
        folios(&reg.breach_bitacora(&only_ut, feb).await.unwrap()),
        ["UT-VS-2026-00001"]
    );
    let march = DetectionPeriod {
        from: Some(day("2026-03-02")),
        to: None,
    };
    assert_eq!(
        folios(&reg.breach_bitacora(&admin, march).await.unwrap()),
        ["UT-VS-2026-00002"]
    );
    let reversed = DetectionPeriod {
        from: Some(day("2026-03-02")),
        to: Some(day("2026-03-01")),
    };
    assert!(matches!(
        reg.breach_bitacora(&admin, reversed).await,
        Err(ServiceError::BadInput(_))
    ));

    // The CSV of the guarantor's bitácora, written by hand.
    let csv = bitacora_csv(&reg.breach_bitacora(&g, all).await.unwrap());
    assert_eq!(csv, format!("\u{feff}{HEAD}\r\n{UT1}\r\n"));
}

fn arco_db(db: &TestDb, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ARCO_DATABASE_URL", &db.url)
        .output()
        .expect("arco runs")
}

on_both_backends!(the_command_line_prints_the_bitacora);
async fn the_command_line_prints_the_bitacora(backend: Backend) {
    let db = TestDb::new(backend);
    three_breaches(&db.registry().await).await;
    let o = arco_db(
        &db,
        &[
            "breach",
            "bitacora",
            "--body",
            "UT",
            "--from",
            "2026-02-01",
            "--to",
            "2026-02-28",
            "--csv",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        format!("\u{feff}{HEAD}\r\n{UT1}\r\n")
    );
    let o = arco_db(&db, &["breach", "bitacora"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(o.status.success());
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.contains("UT-VS-2026-00001 — UT — cerrada: detectada 2026-02-10T09:00:00; robo, extravío o copia no autorizada (art. 38.1.II); aviso fuera de plazo"),
        "{text}"
    );
    let o = arco_db(&db, &["breach", "bitacora", "--from", "2026-02-30"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from «2026-02-30»"));
}
