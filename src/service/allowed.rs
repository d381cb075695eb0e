//! Which acts a role may record now on a stored case: the request's or the appeal's state
//! machine is asked (see `Request::allowed_acts`, `Appeal::allowed_acts`), never copied.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{APPEAL_KIND, ServiceError, rebuild};
use crate::appeal::AppealActKind;
use crate::calendar::Calendar;
use crate::calendar::Moment;
use crate::case::{Clock, Role};
use crate::request::ActKind;
use crate::request::replay;
use crate::storage::Store;

/// The acts a role may record on a case: of a request or of an appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "acts", rename_all = "snake_case")]
pub enum AllowedActs {
    Request(Vec<ActKind>),
    Appeal(Vec<AppealActKind>),
}

impl AllowedActs {
    /// The acts' names, as the API and the log write them.
    pub fn names(&self) -> Vec<&'static str> {
        match self {
            AllowedActs::Request(k) => k.iter().map(|k| k.as_str()).collect(),
            AllowedActs::Appeal(k) => k.iter().map(|k| k.as_str()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            AllowedActs::Request(k) => k.is_empty(),
            AllowedActs::Appeal(k) => k.is_empty(),
        }
    }
}

/// The day an act recorded at `now` takes effect on `cal`.
fn effective_now(cal: &Calendar, now: DateTime<Utc>) -> Result<NaiveDate, ServiceError> {
    let local = now.with_timezone(&cal.timezone()).fixed_offset();
    Ok(cal.effective_date(&Moment::Instant(local))?)
}

impl<S: Store> super::Registry<S> {
    /// The acts `role` may record on case `folio` with effect on `as_of` (default: the day
    /// an act recorded `now` takes effect on the case's calendar — the next business day
    /// after the closing time), as [`super::Registry::act`] and
    /// [`super::Registry::act_appeal`] would accept them with valid fields. An `as_of` after
    /// `now` allows nothing: acts are not recorded ahead of time.
    pub async fn allowed_acts(
        &self,
        folio: &str,
        role: Role,
        as_of: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<AllowedActs, ServiceError> {
        let (record, log) = self.store.load(folio).await?;
        if record.kind == APPEAL_KIND {
            let (appeal, (gcal, gbook)) = self.rebuild_appeal(&record, &log, None).await?;
            let date = match as_of {
                Some(d) if replay::moment_utc(&Moment::Date(d), &gcal) > now => {
                    return Ok(AllowedActs::Appeal(Vec::new()));
                }
                Some(d) => d,
                None => effective_now(&gcal, now)?,
            };
            let clock = Clock::new(&gcal, gbook);
            return Ok(AllowedActs::Appeal(appeal.allowed_acts(&clock, role, date)));
        }
        let cal = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let request = rebuild(&record, &log, &clock)?;
        let date = match as_of {
            Some(d) if replay::moment_utc(&Moment::Date(d), &cal) > now => {
                return Ok(AllowedActs::Request(Vec::new()));
            }
            Some(d) => d,
            None => effective_now(&cal, now)?,
        };
        Ok(AllowedActs::Request(
            request.allowed_acts(&clock, role, date),
        ))
    }
}
