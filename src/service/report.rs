//! Reports through the registry: which bodies a caller may count, and the cases of a
//! period read one page at a time and handed to [`crate::report`].

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::accounts::Principal;
use crate::calendar::Calendar;
use crate::case::{Clock, Role};
use crate::report::requests::{RequestFacts, RequestReport};
use crate::report::{GroupBy, Period};
use crate::request::Request;
use crate::rules::{Rulebook, TermId};
use crate::storage::{ReportCase, Store};

use super::{REQUEST_KIND, Registry, ServiceError};

/// The bodies a report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    /// Every body of the install (an administrator's report).
    All,
    /// These bodies only.
    Bodies(Vec<String>),
}

impl ReportScope {
    /// What `who` may count, narrowed to `asked` if given: the same rules as the lists. A
    /// body's staff, head, Comité and auditor count their own body; a guarantor counts the
    /// bodies it supervises (all of them, or the one asked); an administrator, every body
    /// or the one asked.
    pub fn of(who: &Principal, asked: Option<&str>) -> Result<ReportScope, ServiceError> {
        let asked = asked.map(str::trim).filter(|s| !s.is_empty());
        match (who.role(), who.body()) {
            (Role::Migration, _) => Err(ServiceError::Forbidden(
                "la cuenta de migración no consulta informes".into(),
            )),
            (Role::Admin, _) => Ok(match asked {
                Some(b) => ReportScope::Bodies(vec![b.to_string()]),
                None => ReportScope::All,
            }),
            (_, None) => Err(ServiceError::Forbidden(
                "la cuenta no pertenece a ningún sujeto obligado".into(),
            )),
            (Role::Guarantor, Some(_)) => match asked {
                Some(b) if who.guarded.iter().any(|g| g == b) => {
                    Ok(ReportScope::Bodies(vec![b.to_string()]))
                }
                Some(b) => Err(ServiceError::Forbidden(format!(
                    "el órgano garante no conoce de las solicitudes de «{b}»"
                ))),
                None => Ok(ReportScope::Bodies(who.guarded.clone())),
            },
            (_, Some(own)) => match asked {
                Some(b) if b != own => Err(ServiceError::Forbidden(format!(
                    "solo puede consultar los informes de {own}"
                ))),
                _ => Ok(ReportScope::Bodies(vec![own.to_string()])),
            },
        }
    }

    /// What `who` may count in the appeals report: as [`ReportScope::of`], and a guarantor
    /// asking for no body in particular counts every appeal it hears (its own code is in
    /// the scope), even one against a body it no longer supervises.
    pub fn of_appeals(who: &Principal, asked: Option<&str>) -> Result<ReportScope, ServiceError> {
        let mut scope = ReportScope::of(who, asked)?;
        let asked = asked.map(str::trim).filter(|s| !s.is_empty());
        if asked.is_none()
            && who.role() == Role::Guarantor
            && let (ReportScope::Bodies(b), Some(own)) = (&mut scope, who.body())
            && !b.iter().any(|x| x == own)
        {
            b.push(own.to_string());
        }
        Ok(scope)
    }

    pub fn includes(&self, body: &str) -> bool {
        match self {
            ReportScope::All => true,
            ReportScope::Bodies(b) => b.iter().any(|x| x == body),
        }
    }
}

/// Cases read per page (bounded memory: one page of projections at a time).
pub(super) const PAGE: u32 = 2_000;

/// What a page's cases need to be counted: their calendars and rulebooks, shared with the
/// thread that counts them.
#[derive(Clone, Default)]
pub(super) struct Clocks {
    calendars: HashMap<String, Arc<Calendar>>,
    books: HashMap<String, Arc<Rulebook>>,
}

impl Clocks {
    /// The clock of `case` (its calendar and rulebook were gathered before the page was
    /// handed over).
    pub(super) fn of(&self, case: &ReportCase) -> Result<Clock<'_>, ServiceError> {
        let unknown = || ServiceError::Unreadable {
            folio: case.folio.clone(),
            message: format!(
                "calendario «{}» o reglamento «{}» no cargado",
                case.calendar, case.rulebook
            ),
        };
        let cal = self.calendars.get(&case.calendar).ok_or_else(unknown)?;
        let book = self.books.get(&case.rulebook).ok_or_else(unknown)?;
        Ok(Clock::new(cal, book))
    }

    /// A term's name as the rulebooks read write it.
    pub(super) fn term_name(&self, t: TermId) -> String {
        self.books
            .values()
            .find_map(|b| b.term(t))
            .map_or_else(|| t.as_str().to_string(), |t| t.name.clone())
    }
}

impl<S: Store> Registry<S> {
    /// Counts every case of `kind` received in `period` for which `keep` holds, with
    /// `count` (a case seen on the cut), one page at a time: while a thread of its own
    /// counts a page, the next one is read. The facts in id order, and the clocks used.
    pub(super) async fn count_cases<F: Send + 'static>(
        &self,
        kind: &str,
        period: Period,
        scope: &ReportScope,
        keep: impl Fn(&ReportCase) -> bool + Send + Sync + 'static,
        count: fn(&ReportCase, &Clock, NaiveDate) -> Result<F, ServiceError>,
    ) -> Result<(Vec<F>, Arc<Clocks>), ServiceError> {
        let keep = Arc::new(keep);
        // The store reads only the scope's bodies (and what is linked to them); `keep`
        // decides exactly.
        let bodies = match scope {
            ReportScope::All => None,
            ReportScope::Bodies(b) => Some(b.as_slice()),
        };
        let mut clocks = Arc::new(Clocks::default());
        let mut facts = Vec::new();
        let mut page = self
            .store
            .report_cases(kind, bodies, period.from, period.cut, 0, self.report_page)
            .await?;
        while let Some(last) = page.last() {
            let (after, full) = (last.id, page.len() >= self.report_page as usize);
            // Calendars and rulebooks are read here (the registry keeps them), then shared.
            for case in page.iter().filter(|c| keep(c)) {
                if !clocks.calendars.contains_key(&case.calendar)
                    || !clocks.books.contains_key(&case.rulebook)
                {
                    let cal = self.calendar(&case.calendar)?;
                    let book = Arc::new(self.books.get(&case.rulebook)?.clone());
                    let c = Arc::make_mut(&mut clocks);
                    c.calendars.insert(case.calendar.clone(), cal);
                    c.books.insert(case.rulebook.clone(), book);
                }
            }
            let (shared, keep2, cut) = (clocks.clone(), keep.clone(), period.cut);
            let work = tokio::task::spawn_blocking(move || {
                page.iter()
                    .filter(|c| keep2(c))
                    .map(|c| count(c, &shared.of(c)?, cut))
                    .collect::<Result<Vec<F>, ServiceError>>()
            });
            let next = async {
                if full {
                    self.store
                        .report_cases(
                            kind,
                            bodies,
                            period.from,
                            period.cut,
                            after,
                            self.report_page,
                        )
                        .await
                } else {
                    Ok(Vec::new())
                }
            };
            let (done, next) = tokio::join!(work, next);
            let done = done.map_err(|e| {
                ServiceError::Store(crate::storage::StoreError::Database(format!(
                    "el conteo del informe se interrumpió: {e}"
                )))
            })?;
            facts.extend(done?);
            page = next?;
        }
        Ok((facts, clocks))
    }

    /// The report of the requests of `scope` received in `period`, each seen on the cut.
    pub async fn request_report(
        &self,
        scope: &ReportScope,
        period: Period,
        group_by: GroupBy,
    ) -> Result<RequestReport, ServiceError> {
        let within = scope.clone();
        let (facts, clocks) = self
            .count_cases(
                REQUEST_KIND,
                period,
                scope,
                move |c| within.includes(&c.body),
                |case, clock, cut| {
                    let request: Request =
                        serde_json::from_str(&case.data).map_err(|e| ServiceError::Unreadable {
                            folio: case.folio.clone(),
                            message: e.to_string(),
                        })?;
                    // A stored case the procedure cannot rebuild is a fault of the data
                    // (`arco verify` names it), not of the caller's request.
                    RequestFacts::of(&case.folio, &case.body, &request, clock, cut).map_err(
                        |error| ServiceError::Unreadable {
                            folio: case.folio.clone(),
                            message: error.to_string(),
                        },
                    )
                },
            )
            .await?;
        Ok(RequestReport::build(period, group_by, facts, |t| {
            clocks.term_name(t)
        }))
    }
}
