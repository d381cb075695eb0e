//! # arco
//!
//! The legal workflow of ARCO requests (Acceso, Rectificación, Cancelación, Oposición) and
//! of the appeals against them, under the LPDPPSOJ (Jalisco, 2017) and, by configuration,
//! any other Mexican jurisdiction.
//!
//! - [`calendar`]: which days are business days for a body, and by what date a term falls
//!   due (effective date, closing time, holidays, closures, días habilitados).
//! - [`rules`]: the law's terms as data (rulebooks with effective dates).
//! - [`case`]: what every procedure shares: roles, actors, deadlines and their status.
//! - [`expediente`]: what the file of a case holds besides its acts (documents, art. 58.2).
//! - [`request`]: the solicitud ARCO as a typed state machine, and case histories (replay).
//! - [`appeal`]: the recurso de revisión and the compliance of its resolution.
//! - [`breach`]: security breaches (arts. 38–43): the 72-hour notices, corrective
//!   measures, the bitácora and the guarantor's investigation.
//! - [`social`]: the register of a body's accounts on social networks (the national
//!   policies' directorio), their gestores, password rotations and takeovers.
//! - [`storage`]: the append-only log and projections behind one trait (SQLite,
//!   PostgreSQL), and moving an install between databases.
//! - [`service`]: the registry that joins procedures and storage.
//! - [`alerts`]: deadline alerts by email, through an outbox.
//! - [`http`]: the JSON API of `arco serve`; [`web`]: the staff pages of the same server.

//!
//! Counting a term, as a developer embedding arco would:
//!
//! ```
//! use arco::calendar::{CalendarLoader, Moment};
//!
//! let jalisco = CalendarLoader::default().load("mx-jalisco").unwrap();
//! // Filed Thursday 5 February 2026 at 16:10, after the 15:00 closing time: it takes effect
//! // on Friday the 6th, and a 10-business-day term falls due on Friday the 20th.
//! let filed: Moment = "2026-02-05T16:10:00-06:00".parse().unwrap();
//! assert_eq!(jalisco.effective_date(&filed).unwrap().to_string(), "2026-02-06");
//! assert_eq!(jalisco.due(&filed, 10).unwrap().to_string(), "2026-02-20");
//! ```

pub mod accounts;
pub mod alerts;
pub mod appeal;
pub mod breach;
pub mod calendar;
pub mod case;
mod cores;
pub mod expediente;
pub mod http;
pub mod report;
pub mod request;
pub mod rules;
pub mod service;
pub mod social;
pub mod storage;
mod tomlfile;
pub mod web;
