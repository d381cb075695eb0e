//! Recording an act from a page: only the acts the procedure allows now to the caller's
//! role, a form with the act's fields, a confirmation that shows what the act will do to
//! the deadlines (the library's preview, nothing written), then the act. Errors are the
//! library's, shown beside the field at fault and in a summary; a version conflict keeps
//! what the person typed.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use super::cases::{FormField, act_label, form_fields};
use super::fields::{self, Field};
use super::{Chrome, Staff, WebError, date_text, no_store, render, urlencode};
use crate::accounts::{Access, Principal};
use crate::appeal::AppealActKind;
use crate::http::requests::{ActInput, actor, request_body};
use crate::http::{App, Problem, appeals, requests};
use crate::request::ActKind;
use crate::service::{AllowedActs, CaseDetail};

/// The acts `who` may record now on the case, as (name, label): asked of the library.
pub async fn allowed(
    app: &App,
    who: &Principal,
    folio: &str,
    appeal: bool,
) -> Result<Vec<(String, String)>, WebError> {
    let may_act = if appeal {
        appeals::appeal_parties(app, who, folio, Access::Act)
            .await
            .is_ok()
    } else {
        request_body(app, who, folio, Access::Act).await.is_ok()
    };
    if !may_act {
        return Ok(Vec::new());
    }
    let allowed = app
        .registry
        .allowed_acts(folio, who.role(), None, Utc::now())
        .await?;
    let acts = match allowed {
        AllowedActs::Appeal(kinds) => kinds
            .into_iter()
            .filter(|k| *k != AppealActKind::AppealFiled)
            .map(|k| (k.as_str().to_string(), capital(k.label_es())))
            .collect(),
        AllowedActs::Request(kinds) => kinds
            .into_iter()
            .filter(|k| *k != ActKind::Filed)
            .map(|k| (k.as_str().to_string(), capital(k.label_es())))
            .collect(),
    };
    Ok(acts)
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// One change the act makes, in words.
pub struct Change {
    pub text: String,
}

#[derive(Template)]
#[template(path = "web/act.html")]
struct ActPage {
    chrome: Chrome,
    case_href: String,
    action: String,
    folio: String,
    act_label: String,
    fields: Vec<FormField>,
    at: String,
    at_error: Option<String>,
    version: usize,
    summary: Option<String>,
    conflict: Option<String>,
    /// On the confirmation step: what the act will do.
    preview: Option<Vec<Change>>,
    late: Option<String>,
    hidden: Vec<(String, String)>,
}

struct Ctx<'a> {
    app: &'a App,
    staff: &'a Staff,
    folio: &'a str,
    act: &'a str,
    appeal: bool,
    fields: &'static [Field],
}

impl Ctx<'_> {
    fn base(&self) -> &'static str {
        if self.appeal {
            "recursos"
        } else {
            "solicitudes"
        }
    }

    fn page(&self, form: &[(String, String)], version: usize) -> ActPage {
        let case_href = format!("/{}/{}", self.base(), urlencode(self.folio));
        ActPage {
            chrome: self.staff.chrome(self.base()),
            action: format!("{case_href}/actos/{}", self.act),
            case_href,
            folio: self.folio.to_string(),
            act_label: act_label(self.act, self.appeal),
            fields: form_fields(self.fields, form, None),
            at: form
                .iter()
                .find(|(k, _)| k == "at")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| {
                    Utc::now()
                        .with_timezone(&chrono_tz::America::Mexico_City)
                        .format("%Y-%m-%dT%H:%M")
                        .to_string()
                }),
            at_error: None,
            version,
            summary: None,
            conflict: None,
            preview: None,
            late: None,
            hidden: Vec::new(),
        }
    }

    /// The form again, with the error beside its field and in the summary.
    fn with_error(
        &self,
        form: &[(String, String)],
        version: usize,
        p: &Problem,
    ) -> Result<Response, WebError> {
        let field = p
            .field
            .as_deref()
            .map(|f| f.strip_prefix("act.").unwrap_or(f).to_string());
        let mut page = self.page(form, version);
        if let Some(f) = &field {
            page.fields = form_fields(self.fields, form, Some((f, &p.detail)));
            if f == "at" {
                page.at_error = Some(p.detail.clone());
            }
        }
        page.summary = Some(p.detail.clone());
        let mut res = render(&page)?;
        *res.status_mut() = if p.status == 409 {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok(res)
    }

    async fn current(&self) -> Result<CaseDetail, WebError> {
        let now = Utc::now();
        Ok(if self.appeal {
            self.app.registry.show_appeal(self.folio, None, now).await?
        } else {
            self.app.registry.show(self.folio, None, now).await?
        })
    }

    /// The typed act, checked for scope and parsed by the API's own code.
    async fn parse(&self, form: &[(String, String)]) -> Result<ParsedAct, Problem> {
        let act = fields::act_json(self.act, self.fields, form)
            .map_err(|e| Problem::invalid(Some(&e.field), e.message))?;
        let at = form
            .iter()
            .find(|(k, _)| k == "at")
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let input = ActInput { act, at };
        let who = &self.staff.who;
        Ok(if self.appeal {
            let (a, m) = appeals::act_input(self.app, who, self.folio, input).await?;
            ParsedAct::Appeal(a, m)
        } else {
            let (a, m) = requests::act_input(self.app, who, self.folio, input).await?;
            ParsedAct::Request(a, m)
        })
    }
}

enum ParsedAct {
    Request(crate::request::RequestAct, crate::calendar::Moment),
    Appeal(crate::appeal::AppealAct, crate::calendar::Moment),
}

/// What the act changes, in words: the state, each term that starts, moves, is met or ends.
fn changes(before: &CaseDetail, after: &CaseDetail, appeal: bool) -> Vec<Change> {
    let mut out = Vec::new();
    let state = |d: &CaseDetail| {
        if appeal {
            d.view
                .appeal
                .as_ref()
                .map(|a| a.state.label_es())
                .unwrap_or("")
        } else {
            d.view.state.label_es()
        }
    };
    if state(before) != state(after) {
        out.push(Change {
            text: format!(
                "El estado pasa de «{}» a «{}».",
                state(before),
                state(after)
            ),
        });
    }
    if let Some(e) = after.log.last() {
        out.push(Change {
            text: format!("El acto surte efectos el {}.", date_text(e.effective_on)),
        });
    }
    if after.view.amount_due != before.view.amount_due
        && let Some(c) = after.view.amount_due
    {
        out.push(Change {
            text: format!("Costo para la persona titular: {}.", super::amount_text(c)),
        });
    }
    for t in &after.timeline {
        match before.timeline.iter().find(|b| b.term == t.term) {
            None => out.push(Change {
                text: format!(
                    "Empieza a correr «{}» (art. {}): {} días hábiles, vence el {}.",
                    t.name,
                    t.view.article,
                    t.view.days,
                    date_text(t.view.due)
                ),
            }),
            Some(b) => {
                if b.view.due != t.view.due {
                    out.push(Change {
                        text: format!(
                            "«{}»: vencía el {}; ahora vence el {}.",
                            t.name,
                            date_text(b.view.due),
                            date_text(t.view.due)
                        ),
                    });
                }
                if b.view.status != t.view.status {
                    out.push(Change {
                        text: format!(
                            "«{}»: pasa de «{}» a «{}».",
                            t.name,
                            b.view.status.label_es(),
                            t.view.status.label_es()
                        ),
                    });
                }
            }
        }
    }
    for b in &before.timeline {
        if !after.timeline.iter().any(|t| t.term == b.term) {
            out.push(Change {
                text: format!(
                    "«{}» deja de correr (vencía el {}).",
                    b.name,
                    date_text(b.view.due)
                ),
            });
        }
    }
    out
}

async fn form_page(ctx: Ctx<'_>) -> Result<Response, WebError> {
    let version = ctx.current().await?.log.len();
    render(&ctx.page(&[], version))
}

async fn post(ctx: Ctx<'_>, form: Vec<(String, String)>) -> Result<Response, WebError> {
    ctx.staff.check_csrf(
        form.iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str()),
    )?;
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let seen: usize = get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let current = ctx.current().await?;
    let parsed = match ctx.parse(&form).await {
        Ok(p) => p,
        Err(p) if p.status == 422 || p.status == 409 => return ctx.with_error(&form, seen, &p),
        Err(p) => return Err(p.into()),
    };
    let who = actor(&ctx.staff.who);
    let now = Utc::now();
    let conflict = |current: &CaseDetail| -> Result<Response, WebError> {
        let mut page = ctx.page(&form, current.log.len());
        let last = current.log.last();
        page.conflict = Some(format!(
            "Mientras usted llenaba este formulario, {} registró «{}» en este expediente. \
             Revise el expediente (los plazos pudieron cambiar) y, si el acto sigue procediendo, \
             vuelva a revisarlo y confírmelo: lo que escribió se conservó.",
            last.map(|l| l.actor.as_str()).unwrap_or("otra persona"),
            last.map(|l| act_label(&l.act, ctx.appeal))
                .unwrap_or_default()
        ));
        let mut res = render(&page)?;
        *res.status_mut() = StatusCode::CONFLICT;
        Ok(res)
    };
    if current.log.len() != seen {
        return conflict(&current);
    }
    match get("step") {
        Some("registrar") => {
            let done = match parsed {
                ParsedAct::Request(a, m) => ctx
                    .app
                    .registry
                    .record(ctx.folio, a, m, &who, now)
                    .await
                    .map(|_| ()),
                ParsedAct::Appeal(a, m) => ctx
                    .app
                    .registry
                    .act_appeal(ctx.folio, a, m, &who, now)
                    .await
                    .map(|_| ()),
            };
            match done {
                Ok(_) => Ok(no_store(
                    Redirect::to(&format!(
                        "/{}/{}?registrado={}",
                        ctx.base(),
                        urlencode(ctx.folio),
                        ctx.act
                    ))
                    .into_response(),
                )),
                Err(crate::service::ServiceError::Store(
                    crate::storage::StoreError::Conflict { .. },
                )) => conflict(&ctx.current().await?),
                Err(e) => {
                    let p = Problem::from(e);
                    if p.status == 422 || p.status == 409 {
                        ctx.with_error(&form, seen, &p)
                    } else {
                        Err(p.into())
                    }
                }
            }
        }
        _ => {
            let preview = match parsed {
                ParsedAct::Request(a, m) => {
                    ctx.app
                        .registry
                        .preview_act(ctx.folio, a, m, &who, now)
                        .await
                }
                ParsedAct::Appeal(a, m) => {
                    ctx.app
                        .registry
                        .preview_appeal_act(ctx.folio, a, m, &who, now)
                        .await
                }
            };
            let after = match preview {
                Ok(d) => d,
                Err(e) => {
                    let p = Problem::from(e);
                    return if p.status == 422 || p.status == 409 {
                        ctx.with_error(&form, seen, &p)
                    } else {
                        Err(p.into())
                    };
                }
            };
            let mut page = ctx.page(&form, seen);
            page.late = after
                .log
                .last()
                .filter(|e| e.late)
                .map(|_| "Este acto se hace fuera de su plazo: quedará registrado y marcado como EXTEMPORÁNEO.".to_string());
            page.preview = Some(changes(&current, &after, ctx.appeal));
            page.hidden = form
                .iter()
                .filter(|(k, _)| !["csrf", "step", "version"].contains(&k.as_str()))
                .cloned()
                .collect();
            render(&page)
        }
    }
}

fn request_ctx<'a>(
    app: &'a App,
    staff: &'a Staff,
    folio: &'a str,
    act: &'a str,
) -> Result<Ctx<'a>, WebError> {
    match ActKind::parse(act) {
        Some(k) if k != ActKind::Filed => Ok(Ctx {
            app,
            staff,
            folio,
            act,
            appeal: false,
            fields: fields::request_fields(act),
        }),
        _ => Err(Problem::not_found(format!("no existe el acto «{act}» de una solicitud")).into()),
    }
}

fn appeal_ctx<'a>(
    app: &'a App,
    staff: &'a Staff,
    folio: &'a str,
    act: &'a str,
) -> Result<Ctx<'a>, WebError> {
    match AppealActKind::parse(act) {
        Some(k) if k != AppealActKind::AppealFiled => Ok(Ctx {
            app,
            staff,
            folio,
            act,
            appeal: true,
            fields: fields::appeal_fields(act),
        }),
        _ => Err(Problem::not_found(format!("no existe el acto «{act}» de un recurso")).into()),
    }
}

/// The form of a request act.
pub async fn request_form(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((folio, act)): Path<(String, String)>,
) -> Result<Response, WebError> {
    request_body(&app, &staff.who, &folio, Access::Act).await?;
    form_page(request_ctx(&app, &staff, &folio, &act)?).await
}

/// Previews or records a request act.
pub async fn request_post(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((folio, act)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    request_body(&app, &staff.who, &folio, Access::Act).await?;
    post(request_ctx(&app, &staff, &folio, &act)?, form).await
}

/// The form of an appeal act.
pub async fn appeal_form(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((folio, act)): Path<(String, String)>,
) -> Result<Response, WebError> {
    appeals::appeal_parties(&app, &staff.who, &folio, Access::Act).await?;
    form_page(appeal_ctx(&app, &staff, &folio, &act)?).await
}

/// Previews or records an appeal act.
pub async fn appeal_post(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((folio, act)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    appeals::appeal_parties(&app, &staff.who, &folio, Access::Act).await?;
    post(appeal_ctx(&app, &staff, &folio, &act)?, form).await
}
