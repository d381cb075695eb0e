//! The expediente beyond the procedure, through the registry: who has a request, which
//! área holds its data, the áreas that did not cooperate, and the internal notes. Role
//! rules come from [`crate::expediente`]; the caller checks the case's scope first.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Registry, ServiceError};
use crate::case::Actor;
use crate::expediente::admin::{AdminEntry, AdminRecord, AreaName, Assignment};
use crate::expediente::notes::{Note, NoteText};
use crate::expediente::{may_be_assigned, may_manage, may_read_notes, may_write_notes};
use crate::storage::{AdminStore, Directory, Store, StoreError};

/// What the case page shows of the expediente beyond its acts.
#[derive(Debug, Clone, Serialize)]
pub struct Expediente {
    pub assignment: Assignment,
    /// The administrative record, oldest first.
    pub records: Vec<AdminRecord>,
    /// The internal notes, oldest first; `None` when the role may not read them.
    pub notes: Option<Vec<Note>>,
}

fn manage_only(actor: &Actor) -> Result<(), ServiceError> {
    if may_manage(actor.role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "la asignación y el área de una solicitud las registra la Unidad de Transparencia; quien lo intenta actúa como {}",
            actor.role.label_es()
        )))
    }
}

impl<S: Store + AdminStore + Directory> Registry<S> {
    /// The expediente of the request `folio` (of `body`), as `actor` may see it.
    pub async fn expediente(&self, folio: &str, actor: &Actor) -> Result<Expediente, ServiceError> {
        let records = self.store.admin_records(folio).await?;
        let notes = if may_read_notes(actor.role) {
            Some(self.store.notes(folio).await?)
        } else {
            None
        };
        Ok(Expediente {
            assignment: Assignment::fold(&records),
            records,
            notes,
        })
    }

    /// Puts `assignee` (an active account of the Unidad de Transparencia of `body`) in
    /// charge of the request, or nobody (`None`: whoever filed it is in charge again).
    pub async fn assign(
        &self,
        folio: &str,
        body: &str,
        assignee: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AdminRecord, ServiceError> {
        manage_only(actor)?;
        if let Some(user) = assignee {
            let ok = match self.store.account(user).await? {
                Some(a) => a.active && a.body.as_deref() == Some(body) && may_be_assigned(a.role),
                None => false,
            };
            if !ok {
                return Err(ServiceError::BadInput(format!(
                    "assignee: «{user}» no es una cuenta activa de la Unidad de Transparencia de {body}"
                )));
            }
        }
        let entry = AdminEntry::Assigned {
            assignee: assignee.map(str::to_string),
        };
        Ok(self
            .store
            .record_admin(folio, &entry, &actor.id, now)
            .await?)
    }

    /// The área administrativa that holds the data (`None`: none recorded).
    pub async fn set_area(
        &self,
        folio: &str,
        area: Option<AreaName>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AdminRecord, ServiceError> {
        manage_only(actor)?;
        let entry = AdminEntry::AreaSet { area };
        Ok(self
            .store
            .record_admin(folio, &entry, &actor.id, now)
            .await?)
    }

    /// Records that `area` did not cooperate, for the Comité (art. 88.1.IX).
    pub async fn record_non_cooperation(
        &self,
        folio: &str,
        area: AreaName,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AdminRecord, ServiceError> {
        manage_only(actor)?;
        let entry = AdminEntry::AreaNonCooperation { area };
        Ok(self
            .store
            .record_admin(folio, &entry, &actor.id, now)
            .await?)
    }

    /// Adds an internal note; `corrects` names an earlier note of the same case.
    pub async fn add_note(
        &self,
        folio: &str,
        text: &NoteText,
        corrects: Option<i64>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Note, ServiceError> {
        if !may_write_notes(actor.role) {
            return Err(ServiceError::Forbidden(format!(
                "las notas internas las escriben la Unidad de Transparencia y el Comité de Transparencia; quien lo intenta actúa como {}",
                actor.role.label_es()
            )));
        }
        match self
            .store
            .add_note(folio, &actor.id, now, text, corrects)
            .await
        {
            Err(StoreError::NotFound(m)) => Err(ServiceError::BadInput(format!("corrects: {m}"))),
            other => Ok(other?),
        }
    }

    /// Erases the notes of `folio` (the titular's personal data they may hold).
    pub async fn forget_notes(&self, folio: &str) -> Result<u64, ServiceError> {
        Ok(self.store.forget_notes(folio).await?)
    }
}
