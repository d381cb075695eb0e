//! The report of recursos de revisión through the registry: the appeals of a period read
//! one page at a time and handed to [`crate::report::appeals`].

use crate::appeal::Appeal;
use crate::report::appeals::{AppealFacts, AppealReport};
use crate::report::{GroupBy, Period};
use crate::storage::{ReportCase, Store};

use super::{APPEAL_KIND, Registry, ReportScope, ServiceError};

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
        let within = scope.clone();
        let keep = move |c: &ReportCase| {
            within.includes(&c.body) || c.parent_body.as_deref().is_some_and(|b| within.includes(b))
        };
        let (facts, clocks) = self
            .count_cases(APPEAL_KIND, period, scope, keep, |case, clock, cut| {
                let appeal: Appeal =
                    serde_json::from_str(&case.data).map_err(|e| ServiceError::Unreadable {
                        folio: case.folio.clone(),
                        message: e.to_string(),
                    })?;
                AppealFacts::of(
                    &case.folio,
                    &case.body,
                    case.parent_body.as_deref().unwrap_or_default(),
                    &appeal,
                    clock,
                    cut,
                )
                .map_err(|error| ServiceError::Unreadable {
                    folio: case.folio.clone(),
                    message: error.to_string(),
                })
            })
            .await?;
        Ok(AppealReport::build(period, group_by, facts, |t| {
            clocks.term_name(t)
        }))
    }
}
