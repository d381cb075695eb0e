//! "Mis pendientes", the lists of requests and appeals, the case pages, filing a request or
//! an appeal, and the acuse de recibo.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use serde_json::json;

use super::fields::{self, Field, RIGHTS};
use super::{Chrome, Staff, WebError, date_text, days_left_badge, no_store, render, urlencode};
use crate::accounts::{Access, BodyKind};
use crate::appeal::AppealState;
use crate::case::Role;
use crate::http::feeds::due_items;
use crate::http::requests::{CaseLine, CasePage, ListQuery, page, request_body, scoped};
use crate::http::{App, Problem, appeals, requests};
use crate::request::RequestState;
use crate::request::replay::DEFAULT_JURISDICTION;
use crate::rules::{Rulebook, TermId};
use crate::service::{CaseDetail, DeadlineDetail};
use crate::storage::Directory;

/// A line of a list or of "mis pendientes", ready to show.
pub struct Row {
    pub folio: String,
    pub href: String,
    pub kind: &'static str,
    pub body: String,
    pub state: String,
    pub filed: String,
    pub term: String,
    pub due: String,
    pub badge: String,
    pub badge_class: &'static str,
    pub overdue: Vec<String>,
}

fn term_name(book: Option<&Rulebook>, id: &str) -> String {
    id.parse::<TermId>()
        .ok()
        .and_then(|t| book.and_then(|b| b.term(t)))
        .map(|t| t.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn state_label(kind: &str, s: &str) -> String {
    let label = if kind == "appeal" {
        AppealState::parse(s).map(AppealState::label_es)
    } else {
        RequestState::parse(s).map(RequestState::label_es)
    };
    label.unwrap_or(s).to_string()
}

fn row(l: &CaseLine, book: Option<&Rulebook>) -> Row {
    let appeal = l.kind == "appeal";
    let (badge, badge_class) = match l.days_left {
        Some(d) => days_left_badge(d),
        None => ("Sin plazo abierto".into(), "ninguno"),
    };
    Row {
        folio: l.folio.clone(),
        href: format!(
            "/{}/{}",
            if appeal { "recursos" } else { "solicitudes" },
            urlencode(&l.folio)
        ),
        kind: if appeal {
            "Recurso de revisión"
        } else {
            "Solicitud"
        },
        body: l
            .request
            .clone()
            .map_or_else(|| l.body.clone(), |r| format!("{} (contra {r})", l.body)),
        state: state_label(&l.kind, &l.state),
        filed: date_text(l.filed),
        term: l
            .next_term
            .as_deref()
            .map(|t| term_name(book, t))
            .unwrap_or_default(),
        due: l.next_due.map(date_text).unwrap_or_default(),
        badge,
        badge_class,
        overdue: l
            .overdue
            .iter()
            .zip(&l.overdue_due)
            .map(|(t, d)| format!("{} (venció el {})", term_name(book, t), date_text(*d)))
            .collect(),
    }
}

fn book(app: &App, today: NaiveDate) -> Option<&Rulebook> {
    app.registry
        .rulebooks()
        .in_force(DEFAULT_JURISDICTION, today)
        .ok()
}

/// A count of "mis pendientes": how many cases, which term, and the list behind it.
pub struct Count {
    pub n: usize,
    pub term: String,
    pub href: String,
}

pub struct Group {
    pub title: &'static str,
    pub explain: &'static str,
    pub counts: Vec<Count>,
}

#[derive(Template)]
#[template(path = "web/home.html")]
struct HomePage {
    chrome: Chrome,
    today: String,
    groups: Vec<Group>,
    rows: Vec<Row>,
    truncated: bool,
}

fn tally(counts: &mut Vec<(String, String, usize)>, kind: &str, term: &str) {
    match counts.iter_mut().find(|(k, t, _)| k == kind && t == term) {
        Some(c) => c.2 += 1,
        None => counts.push((kind.to_string(), term.to_string(), 1)),
    }
}

/// Home: what falls due today, this week, and what is overdue, in the caller's scope; the
/// same computation as `GET /v1/due`.
pub async fn home(State(app): State<Arc<App>>, staff: Staff) -> Result<Response, WebError> {
    let today = app.today(Utc::now());
    let due = due_items(&app, &staff.who, 7, false, today).await?;
    let book = book(&app, today);
    let mut overdue = Vec::new();
    let mut now = Vec::new();
    let mut week = Vec::new();
    for i in &due.items {
        for t in &i.overdue {
            tally(&mut overdue, &i.kind, t);
        }
        if let (Some(t), Some(d)) = (&i.next_term, i.next_due) {
            if d < today {
                continue;
            }
            tally(if d == today { &mut now } else { &mut week }, &i.kind, t);
        }
    }
    let link = |kind: &str, query: &str| {
        format!(
            "/{}?{query}",
            if kind == "appeal" {
                "recursos"
            } else {
                "solicitudes"
            }
        )
    };
    let counts = |v: Vec<(String, String, usize)>, query: &dyn Fn(&str) -> String| {
        v.into_iter()
            .map(|(kind, term, n)| Count {
                n,
                term: format!(
                    "{}{}",
                    term_name(book, &term),
                    if kind == "appeal" { " (recurso)" } else { "" }
                ),
                href: link(&kind, &query(&term)),
            })
            .collect()
    };
    let groups = vec![
        Group {
            title: "Vencidos",
            explain: "Deberes del sujeto obligado o del órgano garante cuyo plazo ya pasó sin el acto.",
            counts: counts(overdue, &|t| format!("term={t}&overdue=true")),
        },
        Group {
            title: "Vencen hoy",
            explain: "Plazos que vencen hoy a la hora de cierre.",
            counts: counts(now, &|t| format!("term={t}&due_within=0")),
        },
        Group {
            title: "Esta semana",
            explain: "Plazos que vencen en los próximos 7 días naturales.",
            counts: counts(week, &|t| format!("term={t}&due_within=7")),
        },
    ];
    render(&HomePage {
        chrome: staff.chrome("inicio"),
        today: date_text(today),
        groups,
        rows: due.items.iter().map(|i| row(i, book)).collect(),
        truncated: due.truncated,
    })
}

/// The filters of a list page, as kept in its URL.
#[derive(Debug, Default, Clone)]
struct Filters {
    states: Vec<String>,
    term: Option<String>,
    due_within: Option<u32>,
    overdue: bool,
    mine: bool,
    body: Option<String>,
    right: Option<String>,
    folio: Option<String>,
    after: Option<String>,
    csv: bool,
}

impl Filters {
    fn parse(raw: Option<&str>) -> Result<Filters, WebError> {
        let mut f = Filters::default();
        let bad = |k: &str, why: String| {
            WebError::from(Problem::invalid(Some(k), format!("filtro «{k}»: {why}")))
        };
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            let some = || (!v.is_empty()).then(|| v.clone());
            match k.as_ref() {
                "state" => f
                    .states
                    .extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_string)),
                "term" => f.term = some(),
                "due_within" if v.is_empty() => {}
                "due_within" => {
                    f.due_within =
                        Some(v.parse().map_err(|_| {
                            bad("due_within", format!("«{v}» no es un número de días"))
                        })?)
                }
                "overdue" => f.overdue = v == "true",
                "mine" => f.mine = v == "true",
                "body" => f.body = some(),
                "right" => {
                    if !v.is_empty() && !RIGHTS.iter().any(|(r, _)| *r == v) {
                        return Err(bad("right", format!("derecho desconocido «{v}»")));
                    }
                    f.right = some()
                }
                "folio" => f.folio = some(),
                "after" => f.after = some(),
                "format" => f.csv = v == "csv",
                other => return Err(bad(other, "parámetro desconocido".into())),
            }
        }
        Ok(f)
    }

    fn query(&self) -> ListQuery {
        ListQuery {
            state: (!self.states.is_empty()).then(|| self.states.join(",")),
            body: self.body.clone(),
            term: self.term.clone(),
            due_within: self.due_within,
            overdue: Some(self.overdue),
            mine: Some(self.mine),
            after: self.after.clone(),
            ..ListQuery::default()
        }
    }

    /// The URL of the same filters (without the page cursor).
    fn href(&self, base: &str) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for st in &self.states {
            s.append_pair("state", st);
        }
        for (k, v) in [
            ("term", &self.term),
            ("body", &self.body),
            ("right", &self.right),
        ] {
            if let Some(v) = v {
                s.append_pair(k, v);
            }
        }
        if let Some(d) = self.due_within {
            s.append_pair("due_within", &d.to_string());
        }
        if self.overdue {
            s.append_pair("overdue", "true");
        }
        if self.mine {
            s.append_pair("mine", "true");
        }
        let q = s.finish();
        if q.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{q}")
        }
    }
}

/// A choice of a filter: value, label, whether chosen.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub on: bool,
}

#[derive(Template)]
#[template(path = "web/list.html")]
struct ListPage {
    chrome: Chrome,
    title: &'static str,
    base: &'static str,
    appeals: bool,
    states: Vec<Opt>,
    terms: Vec<Opt>,
    rights: Vec<Opt>,
    bodies: Vec<Opt>,
    due_within: String,
    overdue: bool,
    mine: bool,
    folio: String,
    rows: Vec<Row>,
    next: Option<String>,
    csv: String,
    message: Option<String>,
    today: String,
}

/// The requests list.
pub async fn requests(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(app, staff, raw, false).await
}

/// The appeals list.
pub async fn appeals(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    list(app, staff, raw, true).await
}

async fn list(
    app: Arc<App>,
    staff: Staff,
    raw: Option<String>,
    appeal: bool,
) -> Result<Response, WebError> {
    let f = Filters::parse(raw.as_deref())?;
    let base = if appeal { "/recursos" } else { "/solicitudes" };
    let today = app.today(Utc::now());
    let who = &staff.who;
    let mut message = None;
    // Search by folio: straight to the case when it is in scope.
    if let Some(folio) = &f.folio {
        let found = if appeal {
            appeals::appeal_parties(&app, who, folio, Access::Read)
                .await
                .is_ok()
        } else {
            request_body(&app, who, folio, Access::Read).await.is_ok()
        };
        if found {
            return Ok(no_store(
                Redirect::to(&format!("{base}/{}", urlencode(folio))).into_response(),
            ));
        }
        // Or the folio another system gave it (the PNT's, art. 49.1).
        if !appeal && let Ok(x) = crate::request::ExternalFolio::parse(folio) {
            let q = requests::ListQuery {
                external_folio: Some(x.as_str().to_string()),
                ..requests::ListQuery::default()
            };
            let filter = scoped(who, &q, false, app.config.max_page, today)?;
            let hits = app.registry.list(&filter, today, false).await?;
            if let [one] = hits.as_slice() {
                return Ok(no_store(
                    Redirect::to(&format!("{base}/{}", urlencode(&one.folio))).into_response(),
                ));
            }
        }
        message = Some(format!(
            "No hay ningún expediente con el folio «{folio}» a su alcance."
        ));
    }
    let mut q = f.query();
    q.limit = Some(if f.csv { app.config.max_page } else { 50 });
    let filter = scoped(who, &q, appeal, app.config.max_page, today)?;
    let (mut lines, next) = if appeal {
        let (items, next) = app
            .registry
            .list_appeals_page(&filter, today, f.overdue)
            .await?;
        (
            items
                .into_iter()
                .map(appeals::appeal_line)
                .collect::<Vec<_>>(),
            next,
        )
    } else {
        let (items, next) = app.registry.list_page(&filter, today, f.overdue).await?;
        let items = items
            .into_iter()
            .filter(|s| {
                f.right
                    .as_deref()
                    .is_none_or(|r| json!(s.right) == json!(r))
            })
            .map(requests::request_line)
            .collect::<Vec<_>>();
        (items, next)
    };
    // Nearest due date first within the page; cases with no open term last.
    lines.sort_by(|a, b| {
        (a.next_due.is_none(), a.next_due, &a.folio).cmp(&(
            b.next_due.is_none(),
            b.next_due,
            &b.folio,
        ))
    });
    if f.csv {
        return csv(CasePage { items: lines, next }).await;
    }
    let book = book(&app, today);
    let states = if appeal {
        AppealState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_es()))
            .collect::<Vec<_>>()
    } else {
        RequestState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_es()))
            .collect()
    };
    let states = states
        .into_iter()
        .map(|(v, l)| Opt {
            value: v.into(),
            label: l.into(),
            on: f.states.iter().any(|s| s == v),
        })
        .collect();
    let terms = book
        .map(|b| {
            b.terms
                .iter()
                .filter(|t| appeal_term(t.id) == appeal)
                .map(|t| Opt {
                    value: t.id.as_str().into(),
                    label: format!("{} (art. {})", t.name, t.article),
                    on: f.term.as_deref() == Some(t.id.as_str()),
                })
                .collect()
        })
        .unwrap_or_default();
    let rights = RIGHTS
        .iter()
        .map(|(v, l)| Opt {
            value: (*v).into(),
            label: (*l).into(),
            on: f.right.as_deref() == Some(v),
        })
        .collect();
    let bodies = match (who.role(), who.body_kind) {
        (Role::Admin, _) | (Role::Guarantor, _) | (Role::Auditor, Some(BodyKind::Guarantor)) => app
            .registry
            .store()
            .bodies()
            .await?
            .into_iter()
            .filter(|b| {
                b.kind == BodyKind::Obligated
                    && (who.role() == Role::Admin
                        || who.guarded.contains(&b.code)
                        || b.guarantor.as_deref() == who.body())
            })
            .map(|b| Opt {
                on: f.body.as_deref() == Some(b.code.as_str()),
                label: format!("{} — {}", b.code, b.name),
                value: b.code,
            })
            .collect(),
        _ => Vec::new(),
    };
    let here = f.href(base);
    let sep = if here.contains('?') { '&' } else { '?' };
    render(&ListPage {
        chrome: staff.chrome(if appeal { "recursos" } else { "solicitudes" }),
        title: if appeal {
            "Recursos de revisión"
        } else {
            "Solicitudes ARCO"
        },
        base,
        appeals: appeal,
        states,
        terms,
        rights,
        bodies,
        due_within: f.due_within.map(|d| d.to_string()).unwrap_or_default(),
        overdue: f.overdue,
        mine: f.mine,
        folio: f.folio.clone().unwrap_or_default(),
        rows: lines.iter().map(|l| row(l, book)).collect(),
        next: next.map(|n| format!("{here}{sep}after={}", urlencode(&n))),
        csv: format!("{here}{sep}format=csv"),
        message,
        today: date_text(today),
    })
}

/// Whether a term belongs to the appeal (or its compliance) rather than to the request.
fn appeal_term(t: TermId) -> bool {
    let all = TermId::ALL;
    let first = all
        .iter()
        .position(|x| *x == TermId::ForwardToGuarantor)
        .unwrap_or(all.len());
    let last = all.iter().position(|x| *x == TermId::Arrest).unwrap_or(0);
    all.iter()
        .position(|x| *x == t)
        .is_some_and(|i| i >= first && i <= last)
}

/// The API's CSV of the same page, with a UTF-8 byte-order mark so Excel reads accents.
async fn csv(p: CasePage) -> Result<Response, WebError> {
    let res = page(p, true)?;
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| WebError::from(Problem::internal(&e)))?;
    let mut out = Vec::with_capacity(bytes.len() + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    out.extend_from_slice(&bytes);
    parts.headers.insert(
        header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"expedientes.csv\""),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(no_store(Response::from_parts(
        parts,
        axum::body::Body::from(out),
    )))
}

/// A deadline as the case page shows it.
pub struct TermView {
    pub name: String,
    pub id: String,
    pub due: String,
    pub from: String,
    pub days: u32,
    pub article: String,
    pub status: String,
    pub status_class: &'static str,
    pub badge: String,
    pub badge_class: &'static str,
    pub open: bool,
    pub optional: bool,
    pub done: String,
    pub reasoning: String,
    pub explanation: String,
}

pub(crate) fn term_view(t: &DeadlineDetail) -> TermView {
    use crate::case::DeadlineStatus as S;
    let open = matches!(t.view.status, S::Pending | S::Missed);
    let (badge, badge_class) = if open {
        days_left_badge(t.days_left)
    } else {
        (String::new(), "ninguno")
    };
    TermView {
        name: t.name.clone(),
        id: t.term.as_str().into(),
        due: date_text(t.view.due),
        from: date_text(t.view.from),
        days: t.view.days,
        article: t.view.article.clone(),
        status: t.view.status.label_es().to_string(),
        status_class: t.view.status.as_str(),
        badge,
        badge_class,
        open,
        optional: t.optional,
        done: t.view.done.map(date_text).unwrap_or_default(),
        reasoning: t.reasoning.clone(),
        explanation: t.explanation.clone(),
    }
}

/// An act of the case's log as shown.
pub struct LogView {
    pub seq: i64,
    pub act: String,
    pub at: String,
    pub effective: String,
    pub late: bool,
    pub actor: String,
    pub role: String,
    pub recorded: String,
}

fn log_view(d: &CaseDetail, appeal: bool) -> Vec<LogView> {
    d.log
        .iter()
        .map(|e| LogView {
            seq: e.seq,
            act: act_label(&e.act, appeal),
            at: e.occurred_at.replace('T', " "),
            effective: date_text(e.effective_on),
            late: e.late,
            actor: e.actor.clone(),
            role: Role::parse(&e.role)
                .map(|r| r.label_es().to_string())
                .unwrap_or_else(|| e.role.clone()),
            recorded: super::moment_text(e.recorded_at),
        })
        .collect()
}

pub(crate) fn act_label(act: &str, appeal: bool) -> String {
    if act == crate::service::CALENDAR_CHANGED {
        return "cambio de calendario (recálculo de plazos)".into();
    }
    let label = if appeal {
        crate::appeal::AppealActKind::parse(act).map(|k| k.label_es())
    } else {
        crate::request::ActKind::parse(act).map(|k| k.label_es())
    };
    let label = label.unwrap_or(act);
    let mut c = label.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// An act the caller may record now, as a link to its form.
pub struct ActLink {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "web/case.html")]
struct CasePage_ {
    chrome: Chrome,
    appeal: bool,
    folio: String,
    body: String,
    state: String,
    right: String,
    filed: String,
    calendar: String,
    parent: Option<String>,
    appeals: Vec<String>,
    appeal_summary: Option<String>,
    terms: Vec<TermView>,
    closed_terms: Vec<TermView>,
    log: Vec<LogView>,
    acts: Vec<ActLink>,
    may_appeal: bool,
    notice: Option<String>,
    today: String,
    /// (how it came in, how answers go back): art. 49.1, 55.2.
    reception: Option<(String, String)>,
    identity: Option<String>,
    identity_pending: bool,
    amount_due: Option<String>,
    exp: Option<super::expediente::ExpView>,
    /// The publication the request is about (`000_…`, Quinto), requests only.
    publication: Option<super::social::PublicationView>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    pub registrado: Option<String>,
    /// A change of the expediente just recorded (`asignacion`, `nota`, `no_colaboracion`).
    pub hecho: Option<String>,
}

/// A request's page.
pub async fn request_page(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    axum::extract::Query(q): axum::extract::Query<CaseQuery>,
) -> Result<Response, WebError> {
    show_request(&app, &staff, &folio, q, None, None, &[]).await
}

/// A request's page, with a refusal of one of the expediente's forms (`error`) or of the
/// publication's (`publication_error`) if there was one, and what was typed.
/// The section of a request's page that a form of the expediente or of the publication
/// belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Expediente,
    Publication,
}

/// The first field of `form` not among `allowed`.
pub(crate) fn unknown_field(form: &[(String, String)], allowed: &[&str]) -> Option<String> {
    form.iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()))
        .map(|(k, _)| k.clone())
}

/// Back to the request's page, at `section`, after a change `what` (`?hecho=`), or the
/// page again with the refusal (field, message) beside the field and what was typed kept.
pub(crate) async fn back_to_request(
    app: &App,
    staff: &Staff,
    folio: &str,
    section: Section,
    what: &str,
    result: Result<(), (String, String)>,
    form: &[(String, String)],
) -> Result<Response, WebError> {
    let anchor = match section {
        Section::Expediente => "expediente",
        Section::Publication => "publicacion",
    };
    match result {
        Ok(()) => Ok(no_store(
            Redirect::to(&format!(
                "/solicitudes/{}?hecho={what}#{anchor}",
                urlencode(folio)
            ))
            .into_response(),
        )),
        Err(e) => {
            let (expediente, publication) = match section {
                Section::Expediente => (Some(e), None),
                Section::Publication => (None, Some(e)),
            };
            let mut r = show_request(
                app,
                staff,
                folio,
                CaseQuery::default(),
                expediente,
                publication,
                form,
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

pub(crate) async fn show_request(
    app: &App,
    staff: &Staff,
    folio: &str,
    q: CaseQuery,
    error: Option<(String, String)>,
    publication_error: Option<(String, String)>,
    typed: &[(String, String)],
) -> Result<Response, WebError> {
    let body = request_body(app, &staff.who, folio, Access::Read).await?;
    let d = app.registry.show(folio, None, Utc::now()).await?;
    let filer = d.log.first().map(|e| e.actor.clone()).unwrap_or_default();
    let (exp_typed, pub_typed) = if publication_error.is_some() {
        (&[][..], typed)
    } else {
        (typed, &[][..])
    };
    let exp = super::expediente::view(app, staff, folio, &body, &filer, error, exp_typed).await?;
    let publication =
        super::social::publication_view(app, staff, folio, &body, publication_error, pub_typed)
            .await?;
    case_page(app, staff, d, false, q, Some(exp), Some(publication)).await
}

/// An appeal's page.
pub async fn appeal_page(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    axum::extract::Query(q): axum::extract::Query<CaseQuery>,
) -> Result<Response, WebError> {
    appeals::appeal_parties(&app, &staff.who, &folio, Access::Read).await?;
    let d = app.registry.show_appeal(&folio, None, Utc::now()).await?;
    case_page(&app, &staff, d, true, q, None, None).await
}

async fn case_page(
    app: &App,
    staff: &Staff,
    d: CaseDetail,
    appeal: bool,
    q: CaseQuery,
    exp: Option<super::expediente::ExpView>,
    publication: Option<super::social::PublicationView>,
) -> Result<Response, WebError> {
    let role = staff.who.role();
    let v = &d.view;
    let reception = (!appeal).then(|| {
        let r = &v.reception;
        let mut s = r
            .channel
            .map_or_else(|| "no registrado".to_string(), |c| c.label_es().to_string());
        if let Some(x) = &r.external_folio {
            s.push_str(&format!("; folio externo {x}"));
        }
        (s, r.reply_medium_es())
    });
    let identity = (!appeal).then(|| match (&v.identity, v.identity_pending) {
        (Some(a), _) => a.describe_es(),
        (None, true) => "Sin acreditar: los datos no pueden entregarse hasta que se acredite (arts. 48 y 88.1.III).".to_string(),
        (None, false) => "Sin acreditación registrada.".to_string(),
    });
    let amount_due = v.amount_due.map(super::amount_text);
    let acts = super::acts::allowed(app, &staff.who, &d.folio, appeal).await?;
    let base = if appeal { "recursos" } else { "solicitudes" };
    let acts = acts
        .into_iter()
        .map(|(name, label)| ActLink {
            href: format!("/{base}/{}/actos/{name}", urlencode(&d.folio)),
            label,
        })
        .collect();
    let (open, closed): (Vec<_>, Vec<_>) = d.timeline.iter().map(term_view).partition(|t| t.open);
    let appeal_summary = d.view.appeal.as_ref().map(|a| {
        let mut s = format!("Estado del recurso: {}", a.state.label_es());
        if let Some(o) = a.outcome {
            s.push_str(&format!("; resolución: {}", o.label_es()));
        }
        if let Some(c) = a.compliance_due {
            s.push_str(&format!(
                "; debe cumplirse a más tardar el {}",
                date_text(c)
            ));
        }
        if a.out_of_time {
            s.push_str("; interpuesto fuera del plazo de 15 días (art. 108.I)");
        }
        s
    });
    let state = if appeal {
        d.view
            .appeal
            .as_ref()
            .map(|a| a.state.label_es().to_string())
            .unwrap_or_default()
    } else {
        d.view.state.label_es().to_string()
    };
    let may_appeal = !appeal
        && d.appeals.is_empty()
        && matches!(role, Role::Guarantor | Role::UnitStaff | Role::UnitHead);
    render(&CasePage_ {
        chrome: staff.chrome(base),
        appeal,
        folio: d.folio.clone(),
        body: d.body.clone(),
        state,
        right: d.view.right.label_es().to_string(),
        filed: date_text(if appeal {
            d.view.appeal.as_ref().map_or(d.view.filed, |a| a.filed)
        } else {
            d.view.filed
        }),
        calendar: d
            .view
            .appeal
            .as_ref()
            .filter(|_| appeal)
            .map_or_else(|| d.view.calendar.clone(), |a| a.calendar.clone()),
        parent: d.parent.clone(),
        appeals: d.appeals.clone(),
        appeal_summary,
        terms: open,
        closed_terms: closed,
        log: log_view(&d, appeal),
        acts,
        may_appeal,
        notice: q
            .registrado
            .map(|a| format!("Quedó registrado: {}.", act_label(&a, appeal)))
            .or_else(|| {
                q.hecho.as_deref().and_then(|h| match h {
                    "asignacion" => Some("Quedó registrada la asignación.".to_string()),
                    "nota" => Some("Quedó registrada la nota interna.".to_string()),
                    "no_colaboracion" => {
                        Some("Quedó registrado que el área no colaboró (art. 88.1.IX).".to_string())
                    }
                    "publicacion" => Some(
                        "Quedó registrada la publicación de la que trata la solicitud.".to_string(),
                    ),
                    "accion_publicacion" => {
                        Some("Quedó registrado lo que se hizo con la publicación.".to_string())
                    }
                    "publicacion_suprimida" => Some(
                        "Se suprimió lo que se sabía de la publicación de la que trataba la solicitud."
                            .to_string(),
                    ),
                    _ => None,
                })
            }),
        today: date_text(d.view.as_of),
        reception,
        identity,
        identity_pending: d.view.identity_pending,
        amount_due,
        exp,
        publication,
    })
}

#[derive(Template)]
#[template(path = "web/acuse.html")]
struct AcusePage {
    chrome: Chrome,
    folio: String,
    body_name: String,
    right: String,
    filed_at: String,
    effective: String,
    calendar: String,
    terms: Vec<TermView>,
    channel: Option<String>,
    external_folio: Option<String>,
    /// How the answers go back (art. 55.2: "por el mismo medio").
    reply: String,
}

/// The acuse de recibo (art. 49.3) as a page with a print stylesheet.
pub async fn acuse(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
) -> Result<Response, WebError> {
    let body = request_body(&app, &staff.who, &folio, Access::Read).await?;
    let d = app.registry.show(&folio, None, Utc::now()).await?;
    let body_name = app
        .registry
        .store()
        .body(&body)
        .await?
        .map(|b| b.name)
        .unwrap_or(body);
    render(&AcusePage {
        chrome: staff.chrome("solicitudes"),
        folio: d.folio.clone(),
        body_name,
        right: d.view.right.label_es().to_string(),
        filed_at: d
            .view
            .acts
            .first()
            .map(|a| a.at.to_string().replace('T', " "))
            .unwrap_or_default(),
        effective: date_text(d.view.filed),
        calendar: d.view.calendar.clone(),
        terms: d.timeline.iter().map(term_view).collect(),
        channel: d.view.reception.channel.map(|c| c.label_es().to_string()),
        external_folio: d
            .view
            .reception
            .external_folio
            .as_ref()
            .map(|x| x.to_string()),
        reply: d.view.reception.reply_medium_es(),
    })
}

/// A field of a filing form, with what was typed and its error.
pub struct FormField {
    pub date: bool,
    pub text: bool,
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub options: Vec<Opt>,
    pub number: bool,
    pub flag: bool,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
}

pub(crate) fn form_fields(
    fields: &[Field],
    typed: &[(String, String)],
    error: Option<(&str, &str)>,
) -> Vec<FormField> {
    fields
        .iter()
        .map(|f| {
            let value = typed
                .iter()
                .find(|(k, _)| k == f.name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let date = matches!(f.input, fields::Input::Date);
            let text = matches!(f.input, fields::Input::Text);
            let (options, number, flag) = match f.input {
                fields::Input::Choice(o) => (
                    o.iter()
                        .map(|(v, l)| Opt {
                            value: (*v).into(),
                            label: (*l).into(),
                            on: *v == value,
                        })
                        .collect(),
                    false,
                    false,
                ),
                fields::Input::Number | fields::Input::Date | fields::Input::Text => {
                    (Vec::new(), true, false)
                }
                fields::Input::Flag => (Vec::new(), false, true),
            };
            FormField {
                date,
                text,
                name: f.name,
                label: f.label,
                help: f.help,
                options,
                number,
                flag,
                required: f.required,
                error: error
                    .filter(|(k, _)| *k == f.name)
                    .map(|(_, m)| m.to_string()),
                value,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "web/file.html")]
struct FilePage {
    chrome: Chrome,
    title: &'static str,
    action: String,
    intro: String,
    fields: Vec<FormField>,
    at: String,
    at_error: Option<String>,
    summary: Option<String>,
}

const REQUEST_FILING: &[Field] = &[
    Field {
        name: "right",
        label: "Derecho que se ejerce",
        help: "Art. 46; portabilidad, art. 63.",
        input: fields::Input::Choice(RIGHTS),
        required: true,
    },
    Field {
        name: "channel",
        label: "Medio por el que se presentó",
        help: "Art. 49.1. El acuse y los avisos se envían por el mismo medio (art. 55.2).",
        input: fields::Input::Choice(fields::CHANNELS),
        required: false,
    },
    Field {
        name: "external_folio",
        label: "Folio de la Plataforma Nacional (u otro sistema)",
        help: "Si lo tiene: permite buscar la solicitud por ese folio.",
        input: fields::Input::Text,
        required: false,
    },
];

fn now_local() -> String {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The filing form of a request.
pub async fn new_request(staff: Staff) -> Result<Response, WebError> {
    render(&FilePage {
        chrome: staff.chrome("nueva"),
        title: "Registrar una solicitud ARCO",
        action: "/solicitudes/nueva".into(),
        intro: "Registre la solicitud el día en que se recibió (en ventanilla, por correo o por la PNT). \
                arco no guarda el nombre de la persona titular ni el texto de su solicitud: solo lo que el procedimiento necesita.".into(),
        fields: form_fields(REQUEST_FILING, &[], None),
        at: now_local(),
        at_error: None,
        summary: None,
    })
}

pub(crate) fn form_value<'a>(form: &'a [(String, String)], k: &str) -> Option<&'a str> {
    form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// Files a request and shows its acuse.
pub async fn file_request(
    State(app): State<Arc<App>>,
    staff: Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let again = |field: Option<String>, message: String| {
        let at_error = (field.as_deref() == Some("at")).then(|| message.clone());
        let e = field.as_deref().map(|f| (f, message.as_str()));
        render(&FilePage {
            chrome: staff.chrome("nueva"),
            title: "Registrar una solicitud ARCO",
            action: "/solicitudes/nueva".into(),
            intro: String::new(),
            fields: form_fields(REQUEST_FILING, &form, e),
            at: form_value(&form, "at").unwrap_or("").to_string(),
            at_error,
            summary: Some(message.clone()),
        })
        .map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            r
        })
    };
    if let Some((k, _)) = form
        .iter()
        .find(|(k, _)| !["csrf", "at", "right", "channel", "external_folio"].contains(&k.as_str()))
    {
        return again(Some(k.clone()), format!("campo desconocido «{k}»"));
    }
    let right = form_value(&form, "right").unwrap_or("").to_string();
    let at = form_value(&form, "at")
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string);
    let typed = |name: &str| {
        form_value(&form, name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let input = requests::FileRequest {
        right,
        at,
        body: None,
        titular_email: None,
        channel: typed("channel"),
        external_folio: typed("external_folio"),
    };
    match requests::file_as(&app, &staff.who, input).await {
        Ok(d) => Ok(no_store(
            Redirect::to(&format!("/solicitudes/{}/acuse", urlencode(&d.folio))).into_response(),
        )),
        Err(p) if p.status == 422 || p.status == 409 => again(p.field.clone(), p.detail),
        Err(p) => Err(p.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAppealQuery {
    pub solicitud: String,
}

fn appeal_form(
    staff: &Staff,
    request: &str,
    typed: &[(String, String)],
    error: Option<(&str, &str)>,
    summary: Option<String>,
) -> Result<Response, WebError> {
    let at_error = error
        .filter(|(f, _)| *f == "at")
        .map(|(_, m)| m.to_string());
    render(&FilePage {
        chrome: staff.chrome("recursos"),
        title: "Registrar un recurso de revisión",
        action: format!("/recursos/nuevo?solicitud={}", urlencode(request)),
        intro: format!(
            "Recurso contra la solicitud {request} (arts. 99 y 100). Si se interpone fuera de los 15 días, queda registrado y se señala la causa de desechamiento del art. 108.I."
        ),
        fields: form_fields(fields::APPEAL_FILING, typed, error),
        at: form_value(typed, "at").map_or_else(now_local, str::to_string),
        at_error,
        summary,
    })
}

/// The filing form of an appeal against a request.
pub async fn new_appeal(
    State(app): State<Arc<App>>,
    staff: Staff,
    axum::extract::Query(q): axum::extract::Query<NewAppealQuery>,
) -> Result<Response, WebError> {
    request_body(&app, &staff.who, &q.solicitud, Access::Read).await?;
    appeal_form(&staff, &q.solicitud, &[], None, None)
}

/// Files an appeal.
pub async fn file_appeal(
    State(app): State<Arc<App>>,
    staff: Staff,
    axum::extract::Query(q): axum::extract::Query<NewAppealQuery>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let filing = match fields::act_json("appeal_filed", fields::APPEAL_FILING, &form) {
        Ok(v) => v,
        Err(e) => {
            return appeal_form(
                &staff,
                &q.solicitud,
                &form,
                Some((&e.field, &e.message)),
                Some(e.message.clone()),
            );
        }
    };
    let at = form_value(&form, "at")
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string);
    let input = appeals::FileAppeal {
        request: q.solicitud.clone(),
        filing,
        at,
    };
    match appeals::file_as(&app, &staff.who, input).await {
        Ok(d) => Ok(no_store(
            Redirect::to(&format!("/recursos/{}", urlencode(&d.folio))).into_response(),
        )),
        Err(p) if p.status == 422 || p.status == 409 => {
            let f = p
                .field
                .as_deref()
                .map(|f| f.trim_start_matches("filing.").to_string())
                .unwrap_or_default();
            appeal_form(
                &staff,
                &q.solicitud,
                &form,
                Some((&f, &p.detail)),
                Some(p.detail.clone()),
            )
        }
        Err(p) => Err(p.into()),
    }
}
