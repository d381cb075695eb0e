//! The expediente beyond the procedure (art. 58): who has the case and which área holds
//! the data ([`admin`]), and the staff's internal notes ([`notes`]). Neither is a procedural
//! act: they never rebuild a deadline, and they live outside the append-only log of acts.
//! Notes may carry personal data, so they are kept where they can be erased; so are the
//! documents of the case ([`documents`], art. 58.2), which are never in the log.

pub mod admin;
pub mod documents;
pub mod notes;

use crate::case::Role;

/// Who keeps the administrative record of a request (assignment, área, non-cooperation):
/// the Unidad de Transparencia, which receives and processes it (art. 88.1.I–II).
pub fn may_manage(role: Role) -> bool {
    matches!(role, Role::UnitStaff | Role::UnitHead)
}

/// Who may be put in charge of a request: the Unidad de Transparencia's staff.
pub fn may_be_assigned(role: Role) -> bool {
    may_manage(role)
}

/// Who writes internal notes on a request: the Unidad de Transparencia and the Comité,
/// which deliberate on it. The guarantor, who may later hear an appeal as a third party,
/// does not read them.
pub fn may_write_notes(role: Role) -> bool {
    matches!(role, Role::UnitStaff | Role::UnitHead | Role::Committee)
}

/// Who reads them: those who write them, and auditors (read-only).
pub fn may_read_notes(role: Role) -> bool {
    may_write_notes(role) || role == Role::Auditor
}
