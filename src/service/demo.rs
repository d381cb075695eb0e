//! A demonstration install for a newcomer (`arco serve --demo`): on an empty database, a
//! guarantor, an obligated body on the Jalisco calendar, one account per role with a
//! random password (shown once), and a dozen requests and one appeal in different states,
//! dated back from today so that terms fall due soon and some are overdue.
//!
//! Every act goes through the registry like any other: the procedures decide what is
//! lawful, and nothing here restates a rule.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{Registry, ServiceError, admin};
use crate::accounts::{Body, BodyKind, generate_token};
use crate::appeal::{AppealAct, Ground, Venue};
use crate::calendar::Moment;
use crate::case::{Actor, Role};
use crate::request::reception::{IdentityMeans, Standing};
use crate::request::{Channel, ExternalFolio, Outcome, Reception, RequestAct, Right};
use crate::storage::{Directory, Store};

/// The code of the demonstration's obligated body.
pub const BODY: &str = "DEMO";
/// The code of its guarantor.
pub const GUARANTOR: &str = "GARANTE";

/// An account of the demonstration, with its password in clear (shown once).
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub body: Option<String>,
    pub password: String,
}

/// What the demonstration created.
#[derive(Debug, Clone, Default)]
pub struct DemoInstall {
    pub accounts: Vec<DemoAccount>,
    /// Folios of the cases filed.
    pub cases: Vec<String>,
    /// Acts that a procedure refused (none on a correct install), with the reason.
    pub refused: Vec<String>,
}

const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    (
        "ut.demo",
        "Ana López (Unidad de Transparencia)",
        Role::UnitStaff,
        Some(BODY),
    ),
    (
        "jefa.demo",
        "Beatriz Ruiz (titular de la Unidad)",
        Role::UnitHead,
        Some(BODY),
    ),
    (
        "comite.demo",
        "Carlos Pérez (Comité de Transparencia)",
        Role::Committee,
        Some(BODY),
    ),
    (
        "auditor.demo",
        "Diana Soto (auditoría)",
        Role::Auditor,
        Some(BODY),
    ),
    (
        "garante.demo",
        "Elena Díaz (órgano garante)",
        Role::Guarantor,
        Some(GUARANTOR),
    ),
    ("admin.demo", "Administración", Role::Admin, None),
];

/// One step of a demonstration case: days before today, and the act.
enum Step {
    Act(u64, RequestAct),
    Appeal(u64, AppealAct),
}

fn cases() -> Vec<(u64, Right, Vec<Step>)> {
    use RequestAct as A;
    use Step::Act;
    vec![
        (0, Right::Access, vec![]),
        (2, Right::Rectification, vec![]),
        (8, Right::Cancellation, vec![]),
        (4, Right::Access, vec![Act(2, A::PreventionNotified)]),
        (12, Right::Opposition, vec![Act(11, A::Admitted)]),
        (17, Right::Access, vec![Act(16, A::Admitted)]),
        (
            20,
            Right::Portability,
            vec![
                Act(19, A::Admitted),
                Act(6, A::ExtensionNotified { days: None }),
            ],
        ),
        (
            24,
            Right::Access,
            vec![
                Act(
                    24,
                    A::IdentityAccredited {
                        standing: Standing::Titular,
                        means: IdentityMeans::OfficialId,
                        instrument: None,
                    },
                ),
                Act(23, A::Admitted),
                Act(
                    14,
                    A::Resolved {
                        outcome: Outcome::Granted,
                    },
                ),
                Act(13, A::ResolutionNotified),
            ],
        ),
        (
            27,
            Right::Cancellation,
            vec![
                Act(26, A::Admitted),
                Act(
                    15,
                    A::Resolved {
                        outcome: Outcome::PartiallyGranted,
                    },
                ),
                Act(14, A::ResolutionNotified),
                Act(9, A::Fulfilled { delivery: None }),
            ],
        ),
        (
            6,
            Right::Access,
            vec![Act(4, A::IncompetenceNotified { partial: false })],
        ),
        (9, Right::Rectification, vec![Act(3, A::Withdrawn)]),
        (
            40,
            Right::Access,
            vec![Step::Appeal(
                10,
                AppealAct::AppealFiled {
                    venue: Venue::Guarantor,
                    ground: Ground::parse("VII").expect("fracción VII del art. 100"),
                    minor_unrepresented: false,
                },
            )],
        ),
    ]
}

/// 10:00 on the day `days_ago` before `today`; today itself as a bare date (the start of
/// the day), so that a demonstration seeded before 10:00 has no act in the future.
fn at(today: NaiveDate, days_ago: u64) -> Moment {
    if days_ago == 0 {
        return Moment::Date(today);
    }
    let d = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
    format!("{d}T10:00").parse().unwrap_or(Moment::Date(d))
}

/// Creates the demonstration on an empty directory; `None` (nothing written) when the
/// database already has bodies.
pub async fn seed<S: Store + Directory>(
    reg: &Registry<S>,
    calendar: &str,
    now: DateTime<Utc>,
) -> Result<Option<DemoInstall>, ServiceError> {
    let store = reg.store();
    if !store.bodies().await?.is_empty() {
        return Ok(None);
    }
    let bad = |e: admin::AdminError| ServiceError::BadInput(e.to_string());
    let ok = |_: &str| Ok(());
    admin::add_body(
        store,
        Body {
            code: GUARANTOR.into(),
            name: "Órgano garante (demostración)".into(),
            kind: BodyKind::Guarantor,
            calendar: calendar.into(),
            guarantor: None,
        },
        ok,
        now,
    )
    .await
    .map_err(bad)?;
    admin::add_body(
        store,
        Body {
            code: BODY.into(),
            name: "Secretaría de Demostración".into(),
            kind: BodyKind::Obligated,
            calendar: calendar.into(),
            guarantor: Some(GUARANTOR.into()),
        },
        ok,
        now,
    )
    .await
    .map_err(bad)?;
    let mut out = DemoInstall::default();
    for (user, name, role, body) in ACCOUNTS {
        let (secret, _) = generate_token();
        let password: String = secret
            .trim_start_matches("arco_")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect();
        admin::add_account(store, user, name, *body, *role, Some(&password), now)
            .await
            .map_err(bad)?;
        out.accounts.push(DemoAccount {
            username: user.to_string(),
            role: *role,
            body: body.map(str::to_string),
            password,
        });
    }
    let today = now
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    let unit = Actor::new("ut.demo", Role::UnitStaff);
    let committee = Actor::new("comite.demo", Role::Committee);
    let guarantor = Actor::new("garante.demo", Role::Guarantor);
    for (i, (filed, right, steps)) in cases().into_iter().enumerate() {
        // Every medium of art. 49.1 appears; PNT filings carry the platform's folio.
        let channel = Channel::ALL[i % Channel::ALL.len()];
        let reception = Reception {
            channel: Some(channel),
            external_folio: (channel == Channel::Pnt)
                .then(|| ExternalFolio::parse(&format!("1402879260{i:05}")).ok())
                .flatten(),
        };
        let d = reg
            .file_request_received(
                BODY,
                calendar,
                right,
                reception,
                at(today, filed),
                &unit,
                now,
            )
            .await?;
        for step in steps {
            let done = match step {
                Step::Act(ago, act) => {
                    let who = if matches!(act, RequestAct::Resolved { .. }) {
                        &committee
                    } else {
                        &unit
                    };
                    reg.act(&d.folio, act, at(today, ago), who, now)
                        .await
                        .map(|_| ())
                }
                Step::Appeal(ago, filing) => reg
                    .file_appeal(
                        &d.folio,
                        GUARANTOR,
                        calendar,
                        filing,
                        at(today, ago),
                        &guarantor,
                        now,
                    )
                    .await
                    .map(|a| out.cases.push(a.folio)),
            };
            if let Err(e) = done {
                out.refused.push(e.to_string());
                break;
            }
        }
        out.cases.push(d.folio);
    }
    Ok(Some(out))
}
