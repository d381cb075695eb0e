//! The calendar page: the non-business days in force for the caller's body, month by
//! month with their reasons, and the link to subscribe to one's deadlines (iCalendar).

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::session::CsrfForm;
use super::{Chrome, Staff, WebError, date_text, render};
use crate::http::{App, ClientAddr, Problem};
use crate::storage::Directory;

const MONTHS: [&str; 12] = [
    "Enero",
    "Febrero",
    "Marzo",
    "Abril",
    "Mayo",
    "Junio",
    "Julio",
    "Agosto",
    "Septiembre",
    "Octubre",
    "Noviembre",
    "Diciembre",
];

pub struct Day {
    pub date: String,
    pub reason: String,
}

pub struct Month {
    pub name: String,
    pub days: Vec<Day>,
}

#[derive(Template)]
#[template(path = "web/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    year: i32,
    prev: i32,
    next: i32,
    calendar: String,
    summary: String,
    months: Vec<Month>,
    feed: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    pub anio: Option<i32>,
}

async fn calendar_page(
    app: &App,
    staff: &Staff,
    year: Option<i32>,
    feed: Option<(String, String)>,
) -> Result<Response, WebError> {
    let today = app.today(Utc::now());
    let year = year.unwrap_or(today.year());
    let body = match staff.who.body() {
        Some(b) => app.registry.store().body(b).await?,
        None => None,
    };
    let name = body
        .map(|b| b.calendar)
        .unwrap_or_else(|| "mx-jalisco".into());
    let cal = app
        .registry
        .calendar(&name)
        .map_err(|e| WebError::from(Problem::internal(&e)))?;
    let bad = || {
        WebError::from(Problem::invalid(
            Some("anio"),
            format!("el año {year} está fuera del intervalo que arco calcula"),
        ))
    };
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
    let days = cal.non_business_days(from, to).map_err(|_| bad())?;
    let months = (1..=12u32)
        .map(|m| Month {
            name: MONTHS[m as usize - 1].to_string(),
            days: days
                .iter()
                .filter(|(d, _)| d.month() == m)
                .map(|(d, s)| Day {
                    date: date_text(*d),
                    reason: s.reason_es(),
                })
                .collect(),
        })
        .collect();
    render(&CalendarPage {
        chrome: staff.chrome("calendario"),
        year,
        prev: year - 1,
        next: year + 1,
        calendar: cal.name().to_string(),
        summary: cal.summary(),
        months,
        feed,
    })
}

/// The calendar of the caller's body for a year.
pub async fn page(
    State(app): State<Arc<App>>,
    staff: Staff,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    calendar_page(&app, &staff, q.anio, None).await
}

/// A new address for the caller's iCalendar feed of deadlines, shown once.
pub async fn subscribe(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    staff: Staff,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(Some(&f.csrf))?;
    let feed = crate::http::me::issue_feed(&app, &staff.who, client).await?;
    let until = super::moment_text(feed.expires_at);
    calendar_page(&app, &staff, None, Some((feed.url, until))).await
}
