//! What an act would do, without writing it: the staff interface's confirmation step shows
//! the case as it would be after the act (its state, every due date, the late flag) before
//! anything reaches the log. The same checks as recording the act run, so a preview refuses
//! exactly what recording would refuse.

use chrono::{DateTime, Utc};

use super::appeal::appeal_event;
use super::{CaseDetail, Registry, ServiceError, check_not_future, event_of, local_today, rebuild};
use crate::appeal::AppealAct;
use crate::calendar::Moment;
use crate::case::{Actor, Clock};
use crate::request::RequestAct;
use crate::storage::{Store, StoredEvent};

impl<S: Store> Registry<S> {
    /// The request `folio` as it would be after `act`, on today's date; nothing is written.
    /// The returned detail's log ends with the act as it would be recorded (with its late
    /// flag); its length minus one is the version the act was checked against.
    pub async fn preview_act(
        &self,
        folio: &str,
        act: RequestAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let (record, mut log) = self.store.load(folio).await?;
        let cal = self.calendar(&record.calendar)?;
        let book = self.books.get(&record.rulebook)?;
        let clock = Clock::new(&cal, book);
        let mut request = rebuild(&record, &log, &clock)?;
        check_not_future(act.kind().as_str(), &at, &cal, now)?;
        request
            .apply(&clock, act, at, actor)
            .map_err(|error| ServiceError::Refused {
                folio: folio.to_string(),
                error,
            })?;
        let event = event_of(&request, request.acts.len() - 1, now);
        log.push(StoredEvent {
            seq: log.len() as i64 + 1,
            event,
        });
        self.detail(&record, &log, &request, &clock, local_today(&cal, now))
            .await
    }

    /// The appeal `folio` as it would be after `act`; nothing is written.
    pub async fn preview_appeal_act(
        &self,
        folio: &str,
        act: AppealAct,
        at: Moment,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CaseDetail, ServiceError> {
        let loaded = self.load_appeal(folio).await?;
        let rclock = Clock::new(&loaded.rcal, loaded.rbook);
        let gclock = Clock::new(&loaded.gcal, loaded.gbook);
        check_not_future(act.kind().as_str(), &at, &loaded.gcal, now)?;
        let mut appeal = loaded.appeal.clone();
        appeal
            .apply(&gclock, act, at, actor)
            .map_err(|error| ServiceError::AppealRefused {
                folio: folio.to_string(),
                error,
            })?;
        let mut log = loaded.log.clone();
        log.push(StoredEvent {
            seq: log.len() as i64 + 1,
            event: appeal_event(&appeal, appeal.acts.len() - 1, now),
        });
        let as_of = local_today(&loaded.gcal, now);
        self.appeal_detail(&loaded, &log, &appeal, &rclock, &gclock, as_of)
    }
}
