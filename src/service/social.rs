//! The register of social-media accounts (issue 18) as a signed-in caller reaches it: every
//! page, endpoint and command calls these, so the scope is checked in one place.
//!
//! - The body's UT staff and head keep its register (the directorio, `002_…` Segunda IV).
//! - The body's Comité and auditor, and the guarantor that supervises it (which may compile
//!   the padrón of every body, Décima tercera), read it; an administrator reads all.
//! - The public directory ([`Registry::social_directory`]) is the public part: platform,
//!   handle, type, área, verification and the current gestores (Décima, Décima segunda).
//!
//! A gestor's name and position are kept apart from the account's history
//! (`social_gestores`): the history names the gestor by its number.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{BreachDetail, Registry, ServiceError};
use crate::accounts::{Access, Principal};
use crate::breach::BreachAct;
use crate::calendar::Moment;
use crate::case::{Actor, Role};
use crate::social::{Account, Change, ERASED_NAME, Gestor, PostAction};
use crate::storage::social::{AccountChange, GestorName, PublicationRecord, StoredAccount};
use crate::storage::{Directory, SocialStore, Store, StoreError};

/// An account with its number, body, version, whether it counts as official on the day
/// asked (Décima novena), and its history.
#[derive(Debug, Clone, Serialize)]
pub struct AccountDetail {
    pub id: i64,
    pub body: String,
    pub version: i64,
    pub official_today: bool,
    pub account: Account,
}

/// One line of the public directory (Décima, Décima primera, Décima segunda).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryLine {
    pub id: i64,
    pub body: String,
    pub platform: &'static str,
    pub handle: String,
    pub url: Option<String>,
    pub kind: &'static str,
    pub official_today: bool,
    pub area: String,
    pub verification: &'static str,
    /// Current gestores: name, and whether a servant (with position) or a provider.
    pub gestores: Vec<String>,
    pub retired: bool,
}

/// The columns of the directory's CSV.
pub const DIRECTORY_HEADERS: [&str; 9] = [
    "Sujeto obligado",
    "Red social",
    "Cuenta",
    "Dirección",
    "Tipo (Séptima)",
    "Oficial hoy (Segunda II, Décima novena)",
    "Área",
    "Verificación (Décima cuarta)",
    "Gestores (Décima segunda)",
];

fn not_found(id: i64) -> ServiceError {
    ServiceError::Store(StoreError::NotFound(format!(
        "la cuenta {id} del registro de redes sociales"
    )))
}

fn unreadable(id: i64, message: impl ToString) -> ServiceError {
    ServiceError::Unreadable {
        folio: format!("cuenta {id}"),
        message: message.to_string(),
    }
}

fn refused(e: crate::social::SocialError) -> ServiceError {
    ServiceError::BadInput(e.to_string())
}

/// Whether `who` keeps the register of `body` (its UT).
fn keeps(who: &Principal, body: &str) -> bool {
    matches!(who.role(), Role::UnitStaff | Role::UnitHead) && who.body() == Some(body)
}

/// Whether `who` keeps the register of `body` (its UT): may enter and change its accounts,
/// report one compromised, and say which publication a request of `body` is about and what
/// was done to it. The pages ask it before offering a form; every function here checks it
/// again.
pub fn keeps_register(who: &Principal, body: &str) -> bool {
    keeps(who, body)
}

/// The change as kept in the history: a new gestor's name and position are left out.
fn for_history(change: &Change) -> Result<String, ServiceError> {
    let mut v = serde_json::to_value(change).map_err(|e| ServiceError::BadInput(e.to_string()))?;
    if let (Change::GestorAdded { .. }, Some(o)) = (change, v.as_object_mut()) {
        o.remove("name");
        o.remove("position");
        o.remove("email");
    }
    Ok(v.to_string())
}

/// A gestor's address as given: blank is none; one that is not an address is refused,
/// naming the field.
fn gestor_email(email: Option<String>) -> Result<Option<String>, ServiceError> {
    let Some(e) = email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
    else {
        return Ok(None);
    };
    // One bare address (no display name, which could carry the name), as the API's
    // schema describes it.
    let plain = match e.split_once('@') {
        Some((local, domain)) => {
            let ok = |p: &str, max: usize| {
                (1..=max).contains(&p.chars().count())
                    && !p
                        .chars()
                        .any(|c| c.is_whitespace() || matches!(c, '@' | '<' | '>' | '"'))
            };
            ok(local, 64) && ok(domain, 189)
        }
        None => false,
    };
    if !plain || !crate::alerts::valid_address(&e) {
        return Err(ServiceError::BadInput(format!(
            "«email»: «{e}» no es una dirección de correo electrónico"
        )));
    }
    Ok(Some(e))
}

/// The account rebuilt from its history, each new gestor's name put back from `names`.
fn rebuild(
    id: i64,
    changes: &[AccountChange],
    names: &[GestorName],
) -> Result<Account, ServiceError> {
    let mut gestor = 0;
    let mut parsed = Vec::with_capacity(changes.len());
    for c in changes {
        let mut v: Value = serde_json::from_str(&c.change).map_err(|e| unreadable(id, e))?;
        if v.get("change").and_then(Value::as_str) == Some("gestor_added") {
            gestor += 1;
            let n = names.iter().find(|n| n.gestor == gestor);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "name".into(),
                    Value::String(n.map_or(ERASED_NAME.into(), |n| n.name.clone())),
                );
                if let Some(p) = n.and_then(|n| n.position.clone()) {
                    o.insert("position".into(), Value::String(p));
                }
            }
        }
        let change: Change = serde_json::from_value(v).map_err(|e| unreadable(id, e))?;
        parsed.push((change, c.effective_on, Actor::new(c.actor.clone(), c.role)));
    }
    Account::rebuild(parsed.iter().map(|(c, on, a)| (c, *on, a)))
        .map_err(|(i, e)| unreadable(id, format!("cambio {}: {e}", i + 1)))
}

fn gestores_text(g: &[&Gestor]) -> Vec<String> {
    g.iter()
        .map(|g| match &g.position {
            Some(p) => format!("{} ({}, {p})", g.name, g.kind),
            None => format!("{} ({})", g.name, g.kind),
        })
        .collect()
}

/// The directory as CSV, with a BOM for spreadsheets.
pub fn directory_csv(lines: &[DirectoryLine]) -> String {
    crate::report::csv_text(
        std::iter::once(DIRECTORY_HEADERS.iter().map(|h| h.to_string()).collect())
            .chain(lines.iter().map(|l| {
                vec![
                    l.body.clone(),
                    l.platform.to_string(),
                    l.handle.clone(),
                    l.url.clone().unwrap_or_default(),
                    l.kind.to_string(),
                    if l.official_today { "sí" } else { "no" }.to_string(),
                    l.area.clone(),
                    l.verification.to_string(),
                    l.gestores.join("; "),
                ]
            }))
            .collect::<Vec<Vec<String>>>(),
    )
}

impl<S: Store + Directory + SocialStore> Registry<S> {
    /// Enters an account into the register of `body` (default: `who`'s own), by its
    /// `registered` change made on `on`.
    pub async fn register_account(
        &self,
        who: &Principal,
        body: Option<&str>,
        change: Change,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<AccountDetail, ServiceError> {
        let Some(code) = body.or(who.body()).map(str::trim).filter(|b| !b.is_empty()) else {
            return Err(ServiceError::BadInput(
                "indique el sujeto obligado («body») de la cuenta".into(),
            ));
        };
        if !keeps(who, code) {
            return Err(ServiceError::Forbidden(format!(
                "{} no lleva el registro de cuentas de {code}; lo lleva su Unidad de Transparencia",
                who.role().label_es()
            )));
        }
        let code = match self.store.body(code).await? {
            Some(b) => b.code,
            None => {
                return Err(ServiceError::BadInput(format!(
                    "no existe el sujeto obligado «{code}»"
                )));
            }
        };
        not_future(on, now)?;
        let account = Account::register(change, on, &actor(who)).map_err(refused)?;
        let first = &account.changes[0];
        let data = serde_json::to_string(&account).map_err(|e| unreadable(0, e))?;
        let id = self
            .store
            .add_social_account(
                &code,
                account.platform.as_str(),
                &account.handle,
                &AccountChange {
                    seq: 1,
                    change: for_history(&first.change)?,
                    effective_on: on,
                    actor: first.actor.id.clone(),
                    role: first.actor.role,
                    recorded_at: now,
                },
                &data,
            )
            .await?;
        self.account_for(who, id, local_today(now)).await
    }

    /// The account `id` with its history, if `who` may read it (not found otherwise) and,
    /// with `keep`, keeps its body's register (refused otherwise, the message ending in
    /// `denied`).
    async fn reachable_account(
        &self,
        who: &Principal,
        id: i64,
        keep: Option<&str>,
    ) -> Result<crate::storage::social::AccountWithHistory, ServiceError> {
        let found = self
            .store
            .social_account(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        let body = &found.0.body;
        if !who.may_request(body, Access::Read) {
            return Err(not_found(id));
        }
        if let Some(denied) = keep
            && !keeps(who, body)
        {
            return Err(ServiceError::Forbidden(format!(
                "{} {denied} {body}",
                who.role().label_es()
            )));
        }
        Ok(found)
    }

    /// Records a change made on `on` to the account `id`.
    pub async fn change_account(
        &self,
        who: &Principal,
        id: i64,
        change: Change,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<AccountDetail, ServiceError> {
        let (stored, changes, names) = self
            .reachable_account(who, id, Some("solo consulta el registro de cuentas de"))
            .await?;
        if matches!(change, Change::Compromised { .. }) {
            return Err(ServiceError::BadInput(
                "una cuenta tomada por otra persona se registra como vulneración (arts. 38–40): use la acción «cuenta comprometida», que abre el expediente y lo enlaza".into(),
            ));
        }
        self.write_change(&stored, &changes, &names, change, on, who, now)
            .await?;
        self.account_for(who, id, local_today(now)).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_change(
        &self,
        stored: &StoredAccount,
        changes: &[AccountChange],
        names: &[GestorName],
        change: Change,
        on: NaiveDate,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        not_future(on, now)?;
        let mut change = change;
        let email = match &mut change {
            Change::GestorAdded { email, .. } => gestor_email(email.take())?,
            _ => None,
        };
        let mut account = rebuild(stored.id, changes, names)?;
        let kept = account
            .apply(change, on, &actor(who))
            .map_err(refused)?
            .clone();
        let gestor = match &kept.change {
            Change::GestorAdded { name, position, .. } => {
                account.gestores.last().map(|g| GestorName {
                    gestor: i64::from(g.id),
                    name: name.clone(),
                    position: position.clone(),
                    email,
                })
            }
            _ => None,
        };
        let data = serde_json::to_string(&account).map_err(|e| unreadable(stored.id, e))?;
        self.store
            .change_social_account(
                stored.id,
                stored.version,
                &AccountChange {
                    seq: i64::from(kept.seq),
                    change: for_history(&kept.change)?,
                    effective_on: on,
                    actor: kept.actor.id.clone(),
                    role: kept.actor.role,
                    recorded_at: now,
                },
                &data,
                gestor.as_ref(),
            )
            .await?;
        Ok(())
    }

    /// Erases the name and position of gestor `gestor` of the account `id` (a person's
    /// data, kept apart from the history for this): the history keeps that a gestor with
    /// that number came and went, and when; the name reads «(nombre suprimido)».
    pub async fn erase_gestor_name(
        &self,
        who: &Principal,
        id: i64,
        gestor: u32,
    ) -> Result<AccountDetail, ServiceError> {
        let (_, changes, mut names) = self
            .reachable_account(who, id, Some("no suprime datos del registro de cuentas de"))
            .await?;
        names.retain(|n| n.gestor != i64::from(gestor));
        let account = rebuild(id, &changes, &names)?;
        if !account.gestores.iter().any(|g| g.id == gestor) {
            return Err(ServiceError::BadInput(format!(
                "no hay gestor {gestor} en la cuenta {id}"
            )));
        }
        let data = serde_json::to_string(&account).map_err(|e| unreadable(id, e))?;
        self.store
            .erase_social_gestor(id, i64::from(gestor), &data)
            .await?;
        self.account_for(who, id, local_today(Utc::now())).await
    }

    /// Someone else took the account `id` over: opens a breach case of its body detected
    /// at `at` (arts. 38–40; `003_…`, considerando 16.XXXI) and links it to the account.
    /// Returns the breach.
    pub async fn account_compromised(
        &self,
        who: &Principal,
        id: i64,
        at: Moment,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        let (stored, _, _) = self
            .reachable_account(who, id, Some("no registra vulneraciones de"))
            .await?;
        let breach = self
            .detect_breach_as(
                who,
                Some(&stored.body),
                BreachAct::BreachDetected { occurred_on: None },
                at,
                now,
            )
            .await?;
        // The link: read again (another change may have come in meanwhile) and append.
        let on = breach.breach.detected.date();
        for attempt in 0..3 {
            let (stored, changes, names) = self
                .store
                .social_account(id)
                .await?
                .ok_or_else(|| not_found(id))?;
            match self
                .write_change(
                    &stored,
                    &changes,
                    &names,
                    Change::Compromised {
                        breach: breach.folio.clone(),
                    },
                    on.max(changes.last().map_or(on, |c| c.effective_on)),
                    who,
                    now,
                )
                .await
            {
                Err(ServiceError::Store(StoreError::Conflict { .. })) if attempt < 2 => continue,
                other => other?,
            }
            break;
        }
        Ok(breach)
    }

    /// The account `id` as `who` may read it, counted official or not on `today`.
    pub async fn account_for(
        &self,
        who: &Principal,
        id: i64,
        today: NaiveDate,
    ) -> Result<AccountDetail, ServiceError> {
        let (stored, changes, names) = self.reachable_account(who, id, None).await?;
        let account = rebuild(id, &changes, &names)?;
        Ok(AccountDetail {
            id,
            body: stored.body,
            version: stored.version,
            official_today: account.official_on(today),
            account,
        })
    }

    /// The accounts of the bodies `who` may read (of `asked` only, if given), with their
    /// gestores, as the directory shows them on `today`.
    pub async fn social_accounts_for(
        &self,
        who: &Principal,
        asked: Option<&str>,
        today: NaiveDate,
    ) -> Result<Vec<DirectoryLine>, ServiceError> {
        let scope = super::ReportScope::of(who, asked).map_err(|e| match e {
            ServiceError::Forbidden(_) => ServiceError::Forbidden(format!(
                "{} no consulta el registro de cuentas de {}",
                who.role().label_es(),
                asked.unwrap_or("ese sujeto obligado")
            )),
            e => e,
        })?;
        let bodies = match &scope {
            super::ReportScope::All => None,
            super::ReportScope::Bodies(b) => Some(b.as_slice()),
        };
        self.directory_lines(bodies, today).await
    }

    /// The public directory (Décima, Décima primera): the accounts in use of `body` (every
    /// body's with `None`), by body, platform and handle. No sign-in needed; retired
    /// accounts are left out.
    pub async fn social_directory(
        &self,
        body: Option<&str>,
        today: NaiveDate,
    ) -> Result<Vec<DirectoryLine>, ServiceError> {
        let asked = body.map(|b| vec![b.to_string()]);
        Ok(self
            .directory_lines(asked.as_deref(), today)
            .await?
            .into_iter()
            .filter(|l| !l.retired)
            .collect())
    }

    async fn directory_lines(
        &self,
        bodies: Option<&[String]>,
        today: NaiveDate,
    ) -> Result<Vec<DirectoryLine>, ServiceError> {
        let mut out = Vec::new();
        for (stored, _) in self.store.social_accounts(bodies).await? {
            let a: Account =
                serde_json::from_str(&stored.data).map_err(|e| unreadable(stored.id, e))?;
            let current: Vec<&Gestor> = a.current_gestores().collect();
            out.push(DirectoryLine {
                id: stored.id,
                body: stored.body,
                platform: a.platform.label_es(),
                handle: a.handle.clone(),
                url: a.url.clone(),
                kind: a.kind.label_es(),
                official_today: a.official_on(today),
                area: a.area.clone(),
                verification: a.verification.label_es(),
                gestores: gestores_text(&current),
                retired: a.retired_on.is_some(),
            });
        }
        Ok(out)
    }
}

/// What a request about a publication points to, as shown: the account, the post, and
/// what was done to it, with the warning when it was removed with no preservation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    pub folio: String,
    pub account_id: i64,
    pub account: String,
    pub post: String,
    pub captured_at: Option<String>,
    pub action: Option<PostAction>,
    pub preserved: Option<bool>,
    pub acted_on: Option<NaiveDate>,
    pub acted_by: Option<String>,
    /// Set when the post was removed and no preservation record exists (`002_…`, Décima
    /// séptima); recorded, not refused.
    pub warning: Option<String>,
}

fn warning(action: Option<PostAction>, preserved: Option<bool>) -> Option<String> {
    (matches!(action, Some(PostAction::Removed | PostAction::MediaRemoved))
        && preserved != Some(true))
    .then(|| {
        "se eliminó sin constancia de preservación: lo publicado debe conservarse en los archivos del sujeto obligado antes de eliminarlo (Políticas Generales, Décima séptima); si la cancelación exige que el dato deje de estar en su posesión (art. 46), registre que se suprimió"
            .to_string()
    })
}

impl<S: Store + Directory + SocialStore> Registry<S> {
    /// The request `folio` and whether `who` may act on it; not found otherwise.
    async fn publication_scope(
        &self,
        who: &Principal,
        folio: &str,
        access: Access,
    ) -> Result<String, ServiceError> {
        let missing = || ServiceError::Store(StoreError::NotFound(folio.to_string()));
        let scope = self
            .store
            .case_scope(folio)
            .await?
            .filter(|s| s.kind == super::REQUEST_KIND)
            .ok_or_else(missing)?;
        if !who.may_request(&scope.body, Access::Read) {
            return Err(missing());
        }
        if access == Access::Act && !keeps(who, &scope.body) {
            return Err(ServiceError::Forbidden(format!(
                "{} no registra de qué publicación trata la solicitud {folio}",
                who.role().label_es()
            )));
        }
        Ok(scope.body)
    }

    /// Says that the request `folio` is about the post `post` (its address or id)
    /// published on the account `account_id` of the body's register, captured at
    /// `captured_at` (`000_…`, Quinto). Kept apart from the request's log, since the post
    /// can identify the titular, and erased with [`Registry::forget_publication`].
    pub async fn point_to_publication(
        &self,
        who: &Principal,
        folio: &str,
        account_id: i64,
        post: &str,
        captured_at: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Publication, ServiceError> {
        let body = self.publication_scope(who, folio, Access::Act).await?;
        let (stored, _, _) = self
            .store
            .social_account(account_id)
            .await?
            .ok_or_else(|| not_found(account_id))?;
        if stored.body != body {
            return Err(ServiceError::BadInput(format!(
                "la cuenta {account_id} es del registro de {}, no de {body}, a quien se dirige la solicitud",
                stored.body
            )));
        }
        let post = post.trim();
        if post.is_empty() || post.chars().count() > 500 || post.chars().any(char::is_control) {
            return Err(ServiceError::BadInput(
                "campo «post»: la dirección o el identificador de la publicación, de 1 a 500 caracteres en una línea".into(),
            ));
        }
        let captured_at = captured_at.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = captured_at
            && c.parse::<Moment>().is_err()
        {
            return Err(ServiceError::BadInput(format!(
                "campo «captured_at»: «{c}» no es una fecha ni un momento (AAAA-MM-DD o AAAA-MM-DDTHH:MM)"
            )));
        }
        let kept = self.store.publication(folio).await?;
        self.store
            .set_publication(&PublicationRecord {
                folio: folio.to_string(),
                account_id,
                post: post.to_string(),
                captured_at: captured_at.map(str::to_string),
                action: kept.as_ref().and_then(|k| k.action.clone()),
                preserved: kept.as_ref().and_then(|k| k.preserved),
                acted_on: kept.as_ref().and_then(|k| k.acted_on),
                acted_by: kept.as_ref().and_then(|k| k.acted_by.clone()),
                recorded_at: now,
            })
            .await?;
        self.publication_for(who, folio)
            .await?
            .ok_or_else(|| ServiceError::Store(StoreError::NotFound(folio.to_string())))
    }

    /// Records what was done on `on` to the post the request `folio` is about, and whether
    /// a preservation record of it exists. A removal without one is recorded with a warning
    /// (`002_…`, Décima séptima), never refused.
    pub async fn record_post_action(
        &self,
        who: &Principal,
        folio: &str,
        action: PostAction,
        preserved: bool,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Publication, ServiceError> {
        self.publication_scope(who, folio, Access::Act).await?;
        not_future(on, now)?;
        let Some(mut p) = self.store.publication(folio).await? else {
            return Err(ServiceError::BadInput(format!(
                "la solicitud {folio} no dice de qué publicación trata; regístrela primero"
            )));
        };
        p.action = Some(action.as_str().to_string());
        p.preserved = Some(preserved);
        p.acted_on = Some(on);
        p.acted_by = Some(who.account.username.clone());
        p.recorded_at = now;
        self.store.set_publication(&p).await?;
        self.publication_for(who, folio)
            .await?
            .ok_or_else(|| ServiceError::Store(StoreError::NotFound(folio.to_string())))
    }

    /// What the request `folio` is about, if a publication.
    pub async fn publication_for(
        &self,
        who: &Principal,
        folio: &str,
    ) -> Result<Option<Publication>, ServiceError> {
        self.publication_scope(who, folio, Access::Read).await?;
        let Some(p) = self.store.publication(folio).await? else {
            return Ok(None);
        };
        let account = match self.store.social_account(p.account_id).await? {
            Some((stored, _, _)) => serde_json::from_str::<Account>(&stored.data)
                .map(|a| a.to_string())
                .unwrap_or_else(|_| format!("cuenta {}", p.account_id)),
            None => format!("cuenta {}", p.account_id),
        };
        let action = p.action.as_deref().and_then(PostAction::parse);
        Ok(Some(Publication {
            folio: p.folio,
            account_id: p.account_id,
            account,
            post: p.post,
            captured_at: p.captured_at,
            warning: warning(action, p.preserved),
            action,
            preserved: p.preserved,
            acted_on: p.acted_on,
            acted_by: p.acted_by,
        }))
    }

    /// Erases what the request `folio` pointed to (the post can identify the titular).
    pub async fn forget_publication(
        &self,
        who: &Principal,
        folio: &str,
    ) -> Result<bool, ServiceError> {
        self.publication_scope(who, folio, Access::Act).await?;
        Ok(self.store.forget_publication(folio).await?)
    }
}

/// Refuses a change dated after today (Mexico City): the register records what happened.
fn not_future(on: NaiveDate, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let today = local_today(now);
    if on > today {
        return Err(ServiceError::BadInput(format!(
            "campo «on»: el cambio tiene fecha {on}, posterior a hoy ({today})"
        )));
    }
    Ok(())
}

fn actor(who: &Principal) -> Actor {
    Actor::new(who.account.username.clone(), who.role())
}

fn local_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive()
}
