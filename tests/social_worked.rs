//! A worked example of the register of social-media accounts (issue 18), every date
//! counted by hand on the shipped `mx-jalisco` calendar (Mon 2026-06-08 is a holiday, the
//! Aniversario de la creación del Estado de Jalisco, second Monday of June; office closes
//! 15:00), on SQLite and on PostgreSQL. docs/social.md tells the same story.
//!
//! The Secretaría (SEJ) keeps its official Facebook page in its register with two
//! gestores: a servant of Comunicación Social and an external agency.
//!
//! | when            | what                                                     | why                      |
//! |-----------------|----------------------------------------------------------|--------------------------|
//! | Mon 05-04       | the page enters the register; two gestores               | `002_…`, Segunda IV, Décima segunda |
//! | Fri 06-05 10:00 | a titular asks to cancel a photo of her posted on it     | `000_…`, Quinto; art. 46 |
//! |                 | admission due Thu 06-11 (06-09, 06-10, 06-11: 06-08 is a holiday) | art. 53.1       |
//! | Tue 06-09 10:00 | admitted: the Comité's resolution due Tue 06-23 (10 days) | art. 59.1               |
//! | Fri 06-12       | the servant stops administering the page                 | `002_…`, Décima quinta   |
//! |                 | that night: a reminder to change the passwords, to the UT and the agency | —        |
//! | Thu 06-18       | the Comité grants the cancellation                        | art. 59.1               |
//! | Fri 06-19 10:00 | the response is notified: fulfilment due Fri 06-26 (22, 23, 24, 25, 26) | art. 59.3 |
//! | Fri 06-19 night | the reminder again, a week after the departure            | —                        |
//! | Mon 06-22       | the passwords are changed: no more reminders             | Décima quinta            |
//! | Tue 06-23 night | fulfilment 3 business days away: the UT and the agency hear of it | art. 59.3, Quinto |
//! | Wed 06-24       | the photo is removed, with no preservation record: recorded, with a warning | Décima séptima |
//! | Thu 06-25 night | fulfilment 1 day away: the UT only (the post is done)    | —                        |
//! | Thu 06-25 12:00 | the right made effective: on time                        | art. 59.3               |
//! | Mon 06-29 09:00 | someone else takes the page over: a breach case, linked   | arts. 38–40; `003_…`, 16.XXXI |

#[macro_use]
mod common;

use arco::accounts::{Account as Login, Body, BodyKind, Principal, TokenKind};
use arco::alerts::{self, AlertConfig, Mailer};
use arco::case::{Actor, DeadlineStatus, Role};
use arco::request::{Outcome, RequestAct, Right};
use arco::rules::TermId;
use arco::service::Registry;
use arco::service::admin::add_body;
use arco::social::{Change, PostAction};
use arco::storage::Database;
use chrono::{DateTime, NaiveDate, Utc};
use common::{Backend, TestDb};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn ut() -> Principal {
    Principal {
        account: Login {
            id: 1,
            username: "ana".into(),
            display_name: "Ana".into(),
            body: Some("SEJ".into()),
            role: Role::UnitStaff,
            active: true,
            password_hash: None,
        },
        token: TokenKind::Session,
        guarded: Vec::new(),
        body_kind: None,
    }
}

fn change(json: &str) -> Change {
    serde_json::from_str(json).unwrap()
}

fn config() -> AlertConfig {
    AlertConfig::parse(
        r#"
from = "Alertas arco <alertas@sej.gob.mx>"
[recipients.default]
unit = ["ut@sej.gob.mx"]
"#,
        "alertas.toml",
    )
    .unwrap()
}

/// Who would be written to on the night of `day`, and about what (a dry run: nothing is
/// written nor sent).
async fn night(reg: &Registry<Database>, day: &str) -> Vec<(String, String)> {
    let (mailer, _) = Mailer::memory();
    let r = alerts::run(reg, &config(), &mailer, d(day), now(), true)
        .await
        .unwrap();
    let mut out: Vec<(String, String)> =
        r.previews.into_iter().map(|m| (m.to, m.subject)).collect();
    out.sort();
    out
}

/// Runs the night of `day` for real into the outbox (sent through a mailer in memory:
/// delivery over SMTP is tests/alerts_smtp.rs's), so that the next night knows it.
async fn run_night(reg: &Registry<Database>, day: &str) {
    let (mailer, _) = Mailer::memory();
    alerts::run(reg, &config(), &mailer, d(day), now(), false)
        .await
        .unwrap();
}

on_both_backends!(a_photo_on_an_official_page_from_the_request_to_the_takeover);
async fn a_photo_on_an_official_page_from_the_request_to_the_takeover(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    add_body(
        reg.store(),
        Body {
            code: "SEJ".into(),
            name: "Secretaría de Educación".into(),
            kind: BodyKind::Obligated,
            calendar: "mx-jalisco".into(),
            guarantor: None,
        },
        |_| Ok(()),
        now(),
    )
    .await
    .unwrap();
    let ut = ut();
    let staff = Actor::new("ana", Role::UnitStaff);

    // Mon 4 May: the page and its gestores.
    let page = reg
        .register_account(
            &ut,
            None,
            change(
                r#"{"change":"registered","platform":"facebook","handle":"SEJalisco","url":"https://facebook.com/SEJalisco","kind":"official","area":"Comunicación Social"}"#,
            ),
            d("2026-05-04"),
            now(),
        )
        .await
        .unwrap()
        .id;
    for g in [
        r#"{"change":"gestor_added","name":"Luis Gómez","kind":"servant","position":"Jefe de Redes","email":"luis@sej.gob.mx"}"#,
        r#"{"change":"gestor_added","name":"Agencia Digital SA","kind":"external","email":"cuentas@agencia.mx"}"#,
    ] {
        reg.change_account(&ut, page, change(g), d("2026-05-04"), now())
            .await
            .unwrap();
    }

    // Fri 5 June, 10:00: the request, about a post of the page.
    let folio = reg
        .file_request(
            "SEJ",
            "mx-jalisco",
            Right::Cancellation,
            "2026-06-05T10:00".parse().unwrap(),
            &staff,
            now(),
        )
        .await
        .unwrap()
        .folio;
    reg.point_to_publication(
        &ut,
        &folio,
        page,
        "https://facebook.com/SEJalisco/posts/1234",
        Some("2026-06-04T18:30"),
        now(),
    )
    .await
    .unwrap();
    let case = reg
        .show(&folio, Some(d("2026-06-05")), now())
        .await
        .unwrap();
    // The holiday of Monday 8 June is skipped.
    assert_eq!(case.view.deadlines[&TermId::Admission].due, d("2026-06-11"));

    // Tue 9 June: admitted; the Comité has until Tue 23 June.
    let case = reg
        .act(
            &folio,
            RequestAct::Admitted,
            "2026-06-09T10:00".parse().unwrap(),
            &staff,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        case.view.deadlines[&TermId::Resolution].due,
        d("2026-06-23")
    );

    // Fri 12 June: the servant leaves the page. That night the UT and the agency, who
    // still has the passwords, are reminded to change them; Luis is not.
    reg.change_account(
        &ut,
        page,
        change(r#"{"change":"gestor_left","gestor":1}"#),
        d("2026-06-12"),
        now(),
    )
    .await
    .unwrap();
    let rotation = "arco: cambie las contraseñas de una cuenta de redes sociales".to_string();
    assert_eq!(
        night(&reg, "2026-06-12").await,
        [
            ("cuentas@agencia.mx".to_string(), rotation.clone()),
            ("ut@sej.gob.mx".to_string(), rotation.clone()),
        ]
    );
    run_night(&reg, "2026-06-12").await;
    // Not again until a week has passed.
    assert!(night(&reg, "2026-06-15").await.is_empty());

    // Thu 18 June: granted; Fri 19 June: notified. Fulfilment due Fri 26 June.
    reg.act(
        &folio,
        RequestAct::Resolved {
            outcome: Outcome::Granted,
        },
        "2026-06-18T12:00".parse().unwrap(),
        &Actor::new("comite", Role::Committee),
        now(),
    )
    .await
    .unwrap();
    let case = reg
        .act(
            &folio,
            RequestAct::ResolutionNotified,
            "2026-06-19T10:00".parse().unwrap(),
            &staff,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        case.view.deadlines[&TermId::Fulfilment].due,
        d("2026-06-26")
    );
    // The night of 19 June: a week after the departure, the reminder again.
    assert_eq!(
        night(&reg, "2026-06-19").await,
        [
            ("cuentas@agencia.mx".to_string(), rotation.clone()),
            ("ut@sej.gob.mx".to_string(), rotation.clone()),
        ]
    );
    run_night(&reg, "2026-06-19").await;

    // Mon 22 June: the passwords are changed.
    reg.change_account(
        &ut,
        page,
        change(r#"{"change":"passwords_rotated"}"#),
        d("2026-06-22"),
        now(),
    )
    .await
    .unwrap();
    assert!(night(&reg, "2026-06-22").await.is_empty());

    // Tue 23 June: fulfilment is 3 business days away. The agency, which will remove the
    // photo, hears of it with the UT (Luis has left: not him).
    let digest = "arco: 1 plazo requiere atención — 2026-06-23".to_string();
    assert_eq!(
        night(&reg, "2026-06-23").await,
        [
            ("cuentas@agencia.mx".to_string(), digest.clone()),
            ("ut@sej.gob.mx".to_string(), digest.clone()),
        ]
    );
    run_night(&reg, "2026-06-23").await;

    // Wed 24 June: the photo is removed; no preservation record was made first. Recorded,
    // with the warning of Décima séptima.
    let p = reg
        .record_post_action(
            &ut,
            &folio,
            PostAction::Removed,
            false,
            d("2026-06-24"),
            now(),
        )
        .await
        .unwrap();
    assert!(
        p.warning
            .as_deref()
            .is_some_and(|w| w.contains("Décima séptima")),
        "{p:?}"
    );
    assert_eq!(p.acted_on, Some(d("2026-06-24")));

    // Thu 25 June: one business day left; the post is done, so the UT alone hears of it.
    assert_eq!(
        night(&reg, "2026-06-25").await,
        [(
            "ut@sej.gob.mx".to_string(),
            "arco: 1 plazo requiere atención — 2026-06-25".to_string()
        )]
    );
    // And the right is made effective that day, on time.
    let case = reg
        .act(
            &folio,
            RequestAct::Fulfilled { delivery: None },
            "2026-06-25T12:00".parse().unwrap(),
            &staff,
            now(),
        )
        .await
        .unwrap();
    let fulfilment = &case.view.deadlines[&TermId::Fulfilment];
    assert_eq!(
        (fulfilment.status, fulfilment.done),
        (DeadlineStatus::Met, Some(d("2026-06-25")))
    );

    // Mon 29 June, 09:00: someone else takes the page over. A breach case of SEJ opens,
    // linked to the account.
    let breach = reg
        .account_compromised(&ut, page, "2026-06-29T09:00".parse().unwrap(), now())
        .await
        .unwrap();
    let account = reg.account_for(&ut, page, d("2026-06-29")).await.unwrap();
    assert_eq!(
        account.account.breaches,
        std::slice::from_ref(&breach.folio)
    );
    assert_eq!(breach.body, "SEJ");
}
