//! The report of recursos de revisión through the registry: the appeals of a period read
//! one page at a time and handed to [`crate::report::appeals`].

use std::collections::HashMap;

use crate::appeal::Appeal;
use crate::case::Clock;
use crate::report::appeals::{AppealFacts, AppealReport};
use crate::report::{GroupBy, Period};
use crate::rules::TermId;
use crate::storage::Store;

use super::{APPEAL_KIND, Registry, ReportScope, ServiceError};

/// Appeals read per page (bounded memory: one page of projections at a time).
const PAGE: u32 = 2_000;

impl<S: Store> Registry<S> {
    /// The report of the appeals of `scope` filed in `period` (effective date of the
    /// filing on the guarantor's calendar), each seen on the cut.
    ///
    /// An appeal is in scope when its guarantor is (a guarantor's report counts the
    /// appeals it hears) or when the body whose request it challenges is (a body's report
    /// counts the appeals against its requests). Each appeal is counted on its own
    /// calendar and rulebook, the guarantor's.
    pub async fn appeal_report(
        &self,
        scope: &ReportScope,
        period: Period,
        group_by: GroupBy,
    ) -> Result<AppealReport, ServiceError> {
        let mut facts = Vec::new();
        let mut names: HashMap<TermId, String> = HashMap::new();
        let mut after = 0;
        loop {
            let page = self
                .store
                .report_cases(APPEAL_KIND, period.from, period.cut, after, PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let full = page.len() >= PAGE as usize;
            let in_scope = |c: &crate::storage::ReportCase| {
                scope.includes(&c.body)
                    || c.parent_body.as_deref().is_some_and(|b| scope.includes(b))
            };
            for case in page.iter().filter(|c| in_scope(c)) {
                let appeal: Appeal =
                    serde_json::from_str(&case.data).map_err(|e| ServiceError::Unreadable {
                        folio: case.folio.clone(),
                        message: e.to_string(),
                    })?;
                let cal = self.calendar(&case.calendar)?;
                let book = self.books.get(&case.rulebook)?;
                let clock = Clock::new(&cal, book);
                let f = AppealFacts::of(
                    &case.folio,
                    &case.body,
                    case.parent_body.as_deref().unwrap_or_default(),
                    &appeal,
                    &clock,
                    period.cut,
                )
                .map_err(|error| ServiceError::AppealRefused {
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
        Ok(AppealReport::build(period, group_by, facts, |t| {
            names
                .get(&t)
                .cloned()
                .unwrap_or_else(|| t.as_str().to_string())
        }))
    }
}
