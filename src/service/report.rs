//! Reports through the registry: which bodies a caller may count, and the cases of a
//! period read one page at a time and handed to [`crate::report`].

use std::collections::HashMap;

use crate::accounts::Principal;
use crate::case::{Clock, Role};
use crate::report::requests::{RequestFacts, RequestReport};
use crate::report::{GroupBy, Period};
use crate::request::Request;
use crate::rules::TermId;
use crate::storage::Store;

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

    pub fn includes(&self, body: &str) -> bool {
        match self {
            ReportScope::All => true,
            ReportScope::Bodies(b) => b.iter().any(|x| x == body),
        }
    }
}

/// Cases read per page (bounded memory: one page of projections at a time).
const PAGE: u32 = 2_000;

impl<S: Store> Registry<S> {
    /// The report of the requests of `scope` received in `period`, each seen on the cut.
    pub async fn request_report(
        &self,
        scope: &ReportScope,
        period: Period,
        group_by: GroupBy,
    ) -> Result<RequestReport, ServiceError> {
        let mut facts = Vec::new();
        let mut names: HashMap<TermId, String> = HashMap::new();
        let mut after = 0;
        loop {
            let page = self
                .store
                .report_cases(REQUEST_KIND, period.from, period.cut, after, PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let full = page.len() >= PAGE as usize;
            for case in page.iter().filter(|c| scope.includes(&c.body)) {
                let unreadable = |message: String| ServiceError::Unreadable {
                    folio: case.folio.clone(),
                    message,
                };
                let request: Request =
                    serde_json::from_str(&case.data).map_err(|e| unreadable(e.to_string()))?;
                let cal = self.calendar(&case.calendar)?;
                let book = self.books.get(&case.rulebook)?;
                let clock = Clock::new(&cal, book);
                let f = RequestFacts::of(&case.folio, &case.body, &request, &clock, period.cut)
                    .map_err(|error| ServiceError::Refused {
                        folio: case.folio.clone(),
                        error,
                    })?;
                for d in &f.terms {
                    if !names.contains_key(&d.term)
                        && let Ok(t) = clock.term(d.term)
                    {
                        names.insert(d.term, t.name.clone());
                    }
                }
                facts.push(f);
            }
            if !full {
                break;
            }
        }
        Ok(RequestReport::build(period, group_by, facts, |t| {
            names
                .get(&t)
                .cloned()
                .unwrap_or_else(|| t.as_str().to_string())
        }))
    }
}
