//! # arco
//!
//! The legal workflow of ARCO requests (Acceso, Rectificación, Cancelación, Oposición) and
//! of the appeals against them, under the LPDPPSOJ (Jalisco, 2017) and, by configuration,
//! any other Mexican jurisdiction.
//!
//! - [`calendar`]: which days are business days for a body, and by what date a term falls
//!   due (effective date, closing time, holidays, closures, días habilitados).
//! - [`rules`]: the law's terms as data (rulebooks with effective dates).

pub mod calendar;
pub mod rules;
mod tomlfile;
