//! The breaches as a signed-in caller reaches them (arts. 38–43): every page and endpoint
//! calls these, so the scope is checked in one place.
//!
//! - The body's UT staff and head detect breaches and record its duties (the oficial de
//!   protección de datos personales is part of the UT, art. 88.2).
//! - The body's Comité and auditor read them.
//! - The guarantor reads, and investigates (art. 43), only what the body notified to it
//!   (art. 40).
//! - An administrator reads every breach and records none.
//!
//! A breach the caller may not read is answered as one that does not exist, so that its
//! folio tells nothing.

use chrono::{DateTime, FixedOffset, Utc};

use super::{BREACH_KIND, BitacoraLine, BreachDetail, BreachScope, DetectionPeriod, ServiceError};
use crate::accounts::{Access, Principal};
use crate::breach::{BreachAct, BreachActKind};
use crate::calendar::Moment;
use crate::case::{Actor, Role};
use crate::storage::{Directory, Store, StoreError};

fn not_found(folio: &str) -> ServiceError {
    ServiceError::Store(StoreError::NotFound(format!(
        "no existe la vulneración «{folio}»"
    )))
}

fn actor(who: &Principal) -> Actor {
    Actor::new(who.account.username.clone(), who.role())
}

/// Refuses an act `who`'s role may not record, naming who may.
fn check_role(who: &Principal, kind: BreachActKind) -> Result<(), ServiceError> {
    let roles = kind.allowed_roles();
    if roles.contains(&who.role()) {
        return Ok(());
    }
    let may: Vec<&str> = roles
        .iter()
        .filter(|r| **r != Role::Migration)
        .map(|r| r.label_es())
        .collect();
    Err(ServiceError::Forbidden(format!(
        "{} no registra el acto {kind}; lo registra: {}",
        who.role().label_es(),
        may.join(", ")
    )))
}

impl<S: Store + Directory> super::Registry<S> {
    /// The breaches `who` may read, of the body `asked` if given, detected in `period`:
    /// the lines of the bitácora (art. 39), in folio order.
    pub async fn breaches_for(
        &self,
        who: &Principal,
        asked: Option<&str>,
        period: DetectionPeriod,
    ) -> Result<Vec<BitacoraLine>, ServiceError> {
        let scope = BreachScope::of(who, asked).map_err(|e| match (e, asked) {
            (ServiceError::Forbidden(_), Some(b)) if who.role() == Role::Guarantor => {
                ServiceError::Forbidden(format!(
                    "el órgano garante no conoce de las vulneraciones de «{b}»"
                ))
            }
            (ServiceError::Forbidden(_), Some(_)) if who.body().is_some() => {
                ServiceError::Forbidden(format!(
                    "solo puede consultar las vulneraciones de {}",
                    who.body().unwrap_or_default()
                ))
            }
            (e, _) => e,
        })?;
        self.breach_bitacora(&scope, period).await
    }

    /// The breach `folio` as `who` may read it, with its terms at `as_of` (default: now).
    pub async fn breach_for(
        &self,
        who: &Principal,
        folio: &str,
        as_of: Option<DateTime<FixedOffset>>,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        self.readable_breach(who, folio, Access::Read).await?;
        self.show_breach(folio, as_of, now).await
    }

    /// Enters a breach detected by `who` (art. 39) in `body` (default: `who`'s own), on
    /// the body's calendar.
    pub async fn detect_breach_as(
        &self,
        who: &Principal,
        body: Option<&str>,
        detection: BreachAct,
        at: Moment,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        let Some(code) = body.or(who.body()).map(str::trim).filter(|b| !b.is_empty()) else {
            return Err(ServiceError::BadInput(
                "indique el sujeto obligado («body») de la vulneración".into(),
            ));
        };
        if detection.kind() != BreachActKind::BreachDetected {
            return Err(ServiceError::BadInput(format!(
                "una vulneración empieza por el acto «{}», no por {}",
                BreachActKind::BreachDetected.as_str(),
                detection.kind()
            )));
        }
        check_role(who, BreachActKind::BreachDetected)?;
        if !who.may_breach(code, false, Access::Act) {
            return Err(ServiceError::Forbidden(format!(
                "{} no registra vulneraciones de {code}",
                who.role().label_es()
            )));
        }
        let body = self.store.body(code).await?.ok_or_else(|| {
            ServiceError::BadInput(format!("no existe el sujeto obligado «{code}»"))
        })?;
        self.detect_breach(&body.code, &body.calendar, detection, at, &actor(who), now)
            .await
    }

    /// Records `who`'s act on the breach `folio`: the caller must be able to act on it and
    /// its role to record that act; the procedure then decides whether the act is allowed
    /// in the breach's state.
    pub async fn act_breach_as(
        &self,
        who: &Principal,
        folio: &str,
        act: BreachAct,
        at: Moment,
        now: DateTime<Utc>,
    ) -> Result<BreachDetail, ServiceError> {
        let kind = act.kind();
        let (body, notified) = self.readable_breach(who, folio, Access::Read).await?;
        if !who.may_breach(&body, notified, Access::Act) {
            return Err(ServiceError::Forbidden(format!(
                "{} solo consulta la vulneración {folio}",
                who.role().label_es()
            )));
        }
        check_role(who, kind)?;
        self.act_breach(folio, act, at, &actor(who), now).await
    }

    /// The kinds of act `who` may record on the breach `folio` at `at` (none for a caller
    /// who only reads it).
    pub async fn allowed_breach_acts_for(
        &self,
        who: &Principal,
        folio: &str,
        at: Moment,
    ) -> Result<Vec<BreachActKind>, ServiceError> {
        let (body, notified) = self.readable_breach(who, folio, Access::Read).await?;
        if !who.may_breach(&body, notified, Access::Act) {
            return Ok(Vec::new());
        }
        self.allowed_breach_acts(folio, who.role(), at).await
    }

    /// The body of the breach `folio` and whether it was notified to the guarantor, if
    /// `who` has `access` to it; not found otherwise (and for a folio of another kind).
    async fn readable_breach(
        &self,
        who: &Principal,
        folio: &str,
        access: Access,
    ) -> Result<(String, bool), ServiceError> {
        let scope = self
            .store
            .case_scope(folio)
            .await?
            .filter(|s| s.kind == BREACH_KIND)
            .ok_or_else(|| not_found(folio))?;
        // Only the guarantor's view depends on the notice; the others need no replay.
        let notified = if who.role() == Role::Guarantor {
            self.show_breach(folio, None, Utc::now())
                .await?
                .breach
                .notified_to_guarantor()
        } else {
            false
        };
        if !who.may_breach(&scope.body, notified, access) {
            return Err(not_found(folio));
        }
        Ok((scope.body, notified))
    }
}
