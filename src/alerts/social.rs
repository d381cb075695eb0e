//! Alerts of the register of social-media accounts (issue 18).
//!
//! - **Passwords to change.** When a gestor stops administering an official account, the
//!   passwords they knew are to be changed (*Políticas generales para la difusión de
//!   información pública mediante las redes sociales digitales*, `shared/seeds/002_…`,
//!   Décima quinta). The policies set no period, so the reminder is not a term of the
//!   law: the nightly run sends it the first night after the departure and again every
//!   `rotation_every_days` natural days (7 by default) until the change of passwords is
//!   recorded, to the body's UT staff and head and to the account's remaining gestores
//!   who have an address. It goes through the same outbox as every alert (keyed by
//!   account, departure date, the reminder's day and recipient: never lost, never twice)
//!   and in a message of its own, not in the digest of terms. A retired account owes
//!   none.
//! - **Fulfilment of a request about a post** ([`publication_gestores`]): the nightly
//!   digest's alert of the term to make the right effective (art. 59.3) also goes to the
//!   gestores of the account the request points to (`000_…`, Quinto: they are the ones
//!   who edit or remove the post), until what was done to the post is recorded.
//!
//! The messages name the account (platform and handle, public in the directory), never a
//! gestor nor a titular.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use askama::Template;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use super::{AlertConfig, AlertItem, Lane, Mailer, Outgoing, Planned, RunReport, deliver};
use crate::calendar::rule::weekday_es;
use crate::rules::TermId;
use crate::service::{Registry, ServiceError};
use crate::social::Account;
use crate::storage::social::{GestorName, StoredAccount};
use crate::storage::{SocialStore, Store};

/// The kind an account's alert carries in the outbox.
pub const ACCOUNT_KIND: &str = "social_account";

/// Where the policies' rule is, as the messages cite it.
pub const ROTATION_SOURCE: &str = "Políticas generales para la difusión de información pública mediante las redes sociales digitales, Décima quinta";

/// The key an account's reminders carry in the outbox instead of a case folio.
pub fn account_key(id: i64) -> String {
    format!("cuenta-{id}")
}

fn unreadable(id: i64, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Unreadable {
        folio: format!("cuenta {id}"),
        message: e.to_string(),
    }
}

/// The addresses of the account's gestores who still administer it.
fn current_addresses(account: &Account, names: &[GestorName]) -> Vec<String> {
    account
        .current_gestores()
        .filter_map(|g| {
            names
                .iter()
                .find(|n| n.gestor == i64::from(g.id))
                .and_then(|n| n.email.clone())
        })
        .collect()
}

fn parsed(stored: &StoredAccount) -> Result<Account, ServiceError> {
    serde_json::from_str(&stored.data).map_err(|e| unreadable(stored.id, e))
}

/// For each request about a post whose action on the post is not recorded yet, the
/// addresses of the gestores of the account it points to: the fulfilment alert goes to
/// them too (`000_…`, Quinto).
pub async fn publication_gestores<S: Store + SocialStore>(
    registry: &Registry<S>,
) -> Result<HashMap<String, Vec<String>>, ServiceError> {
    let store = registry.store();
    let open: Vec<(String, i64)> = store
        .publications()
        .await?
        .into_iter()
        .filter(|p| p.action.is_none())
        .map(|p| (p.folio, p.account_id))
        .collect();
    let mut out = HashMap::new();
    if open.is_empty() {
        return Ok(out);
    }
    let mut by_account: HashMap<i64, Vec<String>> = HashMap::new();
    for (stored, names) in store.social_accounts(None).await? {
        let account = parsed(&stored)?;
        by_account.insert(stored.id, current_addresses(&account, &names));
    }
    for (folio, account) in open {
        if let Some(to) = by_account.get(&account).filter(|to| !to.is_empty()) {
            out.insert(folio, to.clone());
        }
    }
    Ok(out)
}

/// The reminders due on `as_of`: one per account owing a change of passwords on the
/// reminder's day, and recipient.
pub async fn plan_rotations<S: Store + SocialStore>(
    registry: &Registry<S>,
    config: &AlertConfig,
    as_of: NaiveDate,
) -> Result<Vec<Planned>, ServiceError> {
    let every = i64::from(config.rotation_every_days.max(1));
    let mut out = Vec::new();
    for (stored, names) in registry.store().social_accounts(None).await? {
        let account = parsed(&stored)?;
        let Some(since) = account.rotation_owed_since else {
            continue;
        };
        if account.retired_on.is_some() {
            continue;
        }
        let elapsed = (as_of - since).num_days();
        if elapsed < 0 {
            continue;
        }
        // 0 the first night, then -7, -14, …: a new key, so a new reminder, each week.
        let threshold = i32::try_from(-(elapsed / every * every)).unwrap_or(i32::MIN);
        let addresses = config.addresses(&stored.body);
        let mut to: Vec<String> = addresses
            .unit
            .iter()
            .chain(&addresses.unit_head)
            .cloned()
            .chain(current_addresses(&account, &names))
            .collect();
        to.sort_unstable();
        to.dedup();
        let item = Arc::new(AlertItem {
            folio: account_key(stored.id),
            kind: ACCOUNT_KIND.into(),
            body: stored.body.clone(),
            calendar: String::new(),
            term: TermId::PasswordRotation,
            term_name: format!(
                "Cambio de contraseñas de la cuenta {} {} de {}",
                account.platform.label_es(),
                account.handle,
                account.area
            ),
            article: ROTATION_SOURCE.into(),
            due: since,
            due_at: None,
        });
        for r in to {
            out.push(Planned {
                item: item.clone(),
                threshold,
                recipient: Arc::from(r.as_str()),
            });
        }
    }
    Ok(out)
}

/// One line of a reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationLine {
    pub account: String,
    pub body: String,
    /// The day the gestor left, with its weekday.
    pub since: String,
    pub days: i64,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "alerts/rotation.txt")]
struct RotationText<'a> {
    as_of: NaiveDate,
    source: &'a str,
    items: &'a [RotationLine],
}

#[derive(Template)]
#[template(path = "alerts/rotation.html")]
struct RotationHtml<'a> {
    as_of: NaiveDate,
    source: &'a str,
    items: &'a [RotationLine],
}

/// The reminder of one recipient on `as_of`: every account of theirs owing a change of
/// passwords, the longest owed first.
pub fn compose_rotations(
    config: &AlertConfig,
    recipient: &str,
    alerts: &[&AlertItem],
    as_of: NaiveDate,
) -> Result<Outgoing, ServiceError> {
    // Two reminders of one account pending at once (a missed night): one line.
    let mut lines: BTreeMap<&str, RotationLine> = BTreeMap::new();
    for a in alerts {
        lines
            .entry(a.folio.as_str())
            .or_insert_with(|| RotationLine {
                link: config.base_url.as_ref().map(|b| {
                    format!(
                        "{}/redes-sociales/{}",
                        b.trim_end_matches('/'),
                        a.folio.trim_start_matches("cuenta-")
                    )
                }),
                account: a.term_name.clone(),
                body: a.body.clone(),
                since: format!("{} ({})", a.due, weekday_es(a.due.weekday())),
                days: (as_of - a.due).num_days(),
            });
    }
    let mut items: Vec<RotationLine> = lines.into_values().collect();
    items.sort_by(|a, b| b.days.cmp(&a.days).then(a.account.cmp(&b.account)));
    let render =
        |r: Result<String, askama::Error>| r.map_err(|e| ServiceError::Template(e.to_string()));
    let subject = if items.len() == 1 {
        "arco: cambie las contraseñas de una cuenta de redes sociales".to_string()
    } else {
        format!(
            "arco: cambie las contraseñas de {} cuentas de redes sociales",
            items.len()
        )
    };
    Ok(Outgoing {
        to: recipient.to_string(),
        subject,
        text: render(
            RotationText {
                as_of,
                source: ROTATION_SOURCE,
                items: &items,
            }
            .render(),
        )?,
        html: render(
            RotationHtml {
                as_of,
                source: ROTATION_SOURCE,
                items: &items,
            }
            .render(),
        )?,
    })
}

/// Sends the reminders of `as_of` (part of the nightly run). A dry run writes and sends
/// nothing and returns the messages.
pub async fn run_rotations<S: Store + SocialStore>(
    registry: &Registry<S>,
    config: &AlertConfig,
    mailer: &Mailer,
    as_of: NaiveDate,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<RunReport, ServiceError> {
    let planned = plan_rotations(registry, config, as_of).await?;
    deliver(
        registry,
        config,
        mailer,
        planned,
        Lane::Rotations,
        as_of,
        now,
        dry_run,
        |recipient, items| compose_rotations(config, recipient, items, as_of),
    )
    .await
}
