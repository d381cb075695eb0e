//! List lines from the list columns (issue 15): a list or a due query reads, for each case
//! of its page, the record's columns and the open terms, never the projection's data, and
//! computes the state and the agenda on any date from them. The columns are what the
//! procedure says of itself when its projection is written ([`Request::time_change`],
//! [`Appeal::time_change`]); nothing here restates a legal rule.
//!
//! Why this is exact: the stored terms are computed as of [`MIN_DATE`], before any term
//! falls due, so a stored `pending` term has no act yet and its status on `as_of` is
//! [`DeadlineStatus::of`] its due date. The only other thing a date changes is the state,
//! once, after `holds_until` (a prevention unanswered, an appeal's requirement unanswered,
//! the guarantor's silence); after it the case either owes nothing more (`then_stops`) or
//! keeps its terms. `tests/list_columns.rs` compares both ways on random histories.
//!
//! [`Request::time_change`]: crate::request::Request::time_change
//! [`Appeal::time_change`]: crate::appeal::Appeal::time_change
//! [`MIN_DATE`]: crate::calendar::MIN_DATE

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Agenda, ServiceError, agenda};
use crate::case::{Clock, Deadline, DeadlineStatus, TimeChange};
use crate::rules::TermId;
use crate::storage::{ListedCase, Listing};

/// The list columns of a case: its right (requests) and how time alone changes it.
pub(super) fn listing<S: Copy>(
    right: Option<String>,
    change: Option<TimeChange<S>>,
    name: fn(S) -> &'static str,
) -> Listing {
    Listing {
        right,
        holds_until: change.map(|c| c.after),
        then_state: change.map(|c| name(c.state).to_string()),
        then_stops: change.is_some_and(|c| c.stops),
        external_folio: None,
        written: true,
    }
}

/// The state (by name) of a listed case on `as_of`, and its agenda as
/// [`agenda`] gives it (`None`: the case does not pass the due filters).
pub(super) fn listed_agenda(
    listed: &ListedCase,
    clock: &Clock,
    as_of: NaiveDate,
    due_by: Option<NaiveDate>,
    overdue_only: bool,
) -> Result<(String, Option<Agenda>), ServiceError> {
    let l = &listed.listing;
    let changed = l.holds_until.is_some_and(|d| as_of > d);
    let state = match (&l.then_state, changed) {
        (Some(s), true) => s.clone(),
        _ => listed.state.clone(),
    };
    // Keyed by term, as the procedure's own map is: ties on a due date go the same way.
    let open: BTreeMap<TermId, Deadline> = if changed && l.then_stops {
        BTreeMap::new()
    } else {
        listed
            .open
            .iter()
            .map(|r| {
                (
                    r.term,
                    Deadline {
                        term: r.term,
                        from: r.day0,
                        days: r.days,
                        due: r.due,
                        status: DeadlineStatus::of(r.due, None, as_of, r.optional),
                        done: None,
                        optional: r.optional,
                        article: r.article.clone(),
                    },
                )
            })
            .collect()
    };
    let agenda = agenda(open.values(), clock, as_of, due_by, overdue_only)?;
    Ok((state, agenda))
}

/// What differs between the stored list columns and those rebuilt from the log, for
/// `arco verify` (a case written before the columns existed has none to compare).
pub(super) fn compare_listing(stored: &Listing, fresh: &Listing) -> Vec<String> {
    if !stored.written {
        return Vec::new();
    }
    let mut out = Vec::new();
    if stored.right != fresh.right {
        out.push(format!(
            "columna de lista «derecho»: guardada {:?}, reconstruida {:?}",
            stored.right, fresh.right
        ));
    }
    if (stored.holds_until, &stored.then_state, stored.then_stops)
        != (fresh.holds_until, &fresh.then_state, fresh.then_stops)
    {
        out.push(format!(
            "columnas de lista del cambio por el tiempo: guardadas {:?} → {:?} (sin más plazos: {}), reconstruidas {:?} → {:?} (sin más plazos: {})",
            stored.holds_until,
            stored.then_state,
            stored.then_stops,
            fresh.holds_until,
            fresh.then_state,
            fresh.then_stops
        ));
    }
    if stored.external_folio != fresh.external_folio {
        out.push(format!(
            "columna de lista «folio externo»: guardada {:?}, reconstruida {:?}",
            stored.external_folio, fresh.external_folio
        ));
    }
    out
}
