//! The caller's due items ("mis pendientes") and the same as an iCalendar feed
//! (RFC 5545) to subscribe to from Outlook or Google Calendar.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::appeals::appeal_line;
use super::extract::{ApiPath, ApiQuery};
use super::problem::Problem;
use super::requests::{CaseLine, ListQuery, check_date, request_line, scoped};
use super::{App, Caller, auth};
use crate::accounts::{Principal, TokenKind};
use crate::case::Role;
use crate::rules::TermId;

/// The filters of "my due items".
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Terms due within this many calendar days (default 10); overdue ones always count.
    #[param(maximum = 366)]
    pub within: Option<u32>,
    /// Only cases filed by the caller.
    pub mine: Option<bool>,
    /// The date to compute on (default today).
    pub as_of: Option<NaiveDate>,
}

/// The caller's due items.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueItems {
    pub as_of: NaiveDate,
    /// Requests and appeals with an open term due by `as_of + within`, soonest first.
    pub items: Vec<CaseLine>,
    /// True if there were more than the largest page; narrow the filters.
    pub truncated: bool,
}

pub(crate) async fn due_items(
    app: &App,
    who: &Principal,
    within: u32,
    mine: bool,
    as_of: NaiveDate,
) -> Result<DueItems, Problem> {
    let q = ListQuery {
        due_within: Some(within),
        mine: Some(mine),
        limit: Some(app.config.max_page),
        as_of: Some(as_of),
        ..ListQuery::default()
    };
    let mut items = Vec::new();
    let mut truncated = false;
    let requests = if who.role() != Role::Guarantor {
        Some(scoped(who, &q, false, app.config.max_page, as_of)?)
    } else {
        None
    };
    let f = scoped(who, &q, true, app.config.max_page, as_of)?;
    let (requests, (list, next)) = app.registry.due_lists(requests.as_ref(), &f, as_of).await?;
    if let Some((rlist, rnext)) = requests {
        truncated |= rnext.is_some();
        items.extend(rlist.into_iter().map(request_line));
    }
    truncated |= next.is_some();
    items.extend(list.into_iter().map(appeal_line));
    items.sort_by(|a, b| (a.next_due, &a.folio).cmp(&(b.next_due, &b.folio)));
    Ok(DueItems {
        as_of,
        items,
        truncated,
    })
}

/// My due items: open terms of the cases in the caller's scope due within N days, and
/// every overdue one.
#[utoipa::path(get, path = "/v1/due", tag = "plazos",
    params(DueQuery),
    responses((status = 200, body = DueItems), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("token" = [])))]
pub async fn due(
    State(app): State<Arc<App>>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> Result<axum::Json<DueItems>, Problem> {
    let as_of = q.as_of.unwrap_or_else(|| app.today(Utc::now()));
    check_date(as_of, "as_of")?;
    let within = q.within.unwrap_or(10);
    if within > 366 {
        return Err(Problem::invalid(
            Some("within"),
            "within admite a lo más 366 días",
        ));
    }
    Ok(axum::Json(
        due_items(&app, &who, within, q.mine == Some(true), as_of).await?,
    ))
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), on character boundaries.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn event(
    i: &CaseLine,
    term: &str,
    due: NaiveDate,
    late: bool,
    stamp: &str,
    term_name: &impl Fn(&str) -> Option<String>,
    out: &mut String,
) {
    let name = term_name(term).unwrap_or_else(|| term.to_string());
    let late = if late { "VENCIDO: " } else { "" };
    fold("BEGIN:VEVENT", out);
    fold(
        &format!("UID:{}-{}-{}@arco", i.folio, term, due.format("%Y%m%d")),
        out,
    );
    fold(&format!("DTSTAMP:{stamp}"), out);
    fold(&format!("DTSTART;VALUE=DATE:{}", due.format("%Y%m%d")), out);
    fold(
        &format!(
            "DTEND;VALUE=DATE:{}",
            due.succ_opt().unwrap_or(due).format("%Y%m%d")
        ),
        out,
    );
    fold(
        &format!(
            "SUMMARY:{}",
            ics_text(&format!("{late}{name} — {}", i.folio))
        ),
        out,
    );
    fold(
        &format!(
            "DESCRIPTION:{}",
            ics_text(&format!(
                "Expediente {} ({}), estado {}. Vence el {due}.",
                i.folio, i.body, i.state
            ))
        ),
        out,
    );
    fold("TRANSP:TRANSPARENT", out);
    fold("END:VEVENT", out);
}

/// The feed as iCalendar text: one all-day event per overdue duty and per case's next term.
pub fn calendar_text(
    items: &[CaseLine],
    stamp: chrono::DateTime<Utc>,
    term_name: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//arco//plazos ARCO//ES",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Plazos ARCO",
    ] {
        fold(l, &mut out);
    }
    for i in items {
        // Every overdue duty on its due date, then the next open term.
        let overdue = i
            .overdue
            .iter()
            .zip(&i.overdue_due)
            .map(|(t, d)| (t, *d, true));
        let next = i
            .next_term
            .iter()
            .zip(i.next_due)
            .map(|(t, d)| (t, d, false));
        for (term, due, late) in overdue.chain(next) {
            event(i, term, due, late, &stamp, &term_name, &mut out);
        }
    }
    fold("END:VCALENDAR", &mut out);
    out
}

/// The caller's deadlines as an iCalendar feed (the next 90 days and every overdue term).
/// The address carries a feed token from `POST /v1/me/feed`.
#[utoipa::path(get, path = "/v1/feeds/{token}/plazos.ics", tag = "plazos",
    params(("token" = String, Path, description = "Token de suscripción (POST /v1/me/feed)")),
    responses((status = 200, description = "iCalendar", content_type = "text/calendar", body = String),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn ics(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, Problem> {
    let who = auth::principal(&app, &token).await?;
    if who.token != TokenKind::Feed {
        return Err(Problem::unauthenticated(
            "esta dirección requiere un token de suscripción (POST /v1/me/feed)",
        ));
    }
    let now = Utc::now();
    let today = app.today(now);
    let items = due_items(&app, &who, 90, false, today).await?;
    let book = app
        .registry
        .rulebooks()
        .in_force(crate::request::replay::DEFAULT_JURISDICTION, today)
        .ok();
    let term_name = |t: &str| {
        let id = t.parse::<TermId>().ok()?;
        book.and_then(|b| b.term(id)).map(|t| t.name.clone())
    };
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        calendar_text(&items.items, now, term_name),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ical_lines_are_folded_and_escaped() {
        let items = vec![CaseLine {
            folio: "SEJ-ARCO-2026-00001".into(),
            kind: "request".into(),
            body: "SEJ".into(),
            request: None,
            state: "admitted".into(),
            filed: NaiveDate::from_ymd_opt(2026, 2, 6).unwrap(),
            next_term: Some("resolution".into()),
            next_due: NaiveDate::from_ymd_opt(2026, 2, 20),
            days_left: Some(3),
            overdue: vec!["admission".into()],
            overdue_due: vec![NaiveDate::from_ymd_opt(2026, 2, 10).unwrap()],
        }];
        let text = calendar_text(&items, Utc::now(), |_| {
            Some("Plazo para resolver y notificar la respuesta, con una descripción larga".into())
        });
        assert!(text.contains("DTSTART;VALUE=DATE:20260220\r\n"));
        assert!(text.contains("DTEND;VALUE=DATE:20260221\r\n"));
        assert!(text.contains("SUMMARY:VENCIDO: "));
        assert!(text.contains("DTSTART;VALUE=DATE:20260210\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "línea de más de 75 octetos: {line}");
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics_text("a,b;c\nd"), "a\\,b\\;c\\nd");
    }
}
