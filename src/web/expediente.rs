//! The expediente panels of a request's page: who has it, which área holds the data, the
//! áreas that did not cooperate (art. 88.1.IX), and the internal notes. The forms post
//! here; the registry decides who may do what (`crate::expediente`).

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;

use super::cases::{Opt, Section, back_to_request, form_value, unknown_field};
use super::{Staff, WebError, moment_text};
use crate::accounts::Access;
use crate::expediente::admin::AreaName;
use crate::expediente::notes::NoteText;
use crate::expediente::{may_be_assigned, may_manage, may_write_notes};
use crate::http::App;
use crate::http::requests::{actor, request_body};
use crate::service::{Expediente, ServiceError};
use crate::storage::Directory;

/// A note as shown.
pub struct NoteView {
    pub id: i64,
    pub author: String,
    pub at: String,
    pub text: String,
    pub corrects: Option<i64>,
}

/// A change of the administrative record as shown.
pub struct RecordView {
    pub by: String,
    pub at: String,
    pub text: String,
}

/// What the page shows of the expediente.
pub struct ExpView {
    /// Who has the case, in words.
    pub in_charge: String,
    pub area: Option<String>,
    pub non_cooperation: Vec<String>,
    pub records: Vec<RecordView>,
    /// `None`: the role does not read notes.
    pub notes: Option<Vec<NoteView>>,
    pub may_manage: bool,
    pub may_note: bool,
    /// The staff who may be put in charge, for the select.
    pub staff: Vec<Opt>,
    /// A refusal of one of the panel's forms: (field, message), and what was typed.
    pub error: Option<(String, String)>,
    pub typed_note: String,
    pub typed_area: String,
}

/// The panel's data for `folio` (of `body`), filed by `filer`.
pub(crate) async fn view(
    app: &App,
    staff: &Staff,
    folio: &str,
    body: &str,
    filer: &str,
    error: Option<(String, String)>,
    typed: &[(String, String)],
) -> Result<ExpView, WebError> {
    let who = actor(&staff.who);
    let e: Expediente = app.registry.expediente(folio, &who).await?;
    let assignee = e.assignment.assignee.clone();
    let in_charge = match &assignee {
        Some(a) => format!("{a} (asignado)"),
        None => format!("{filer} (registró la solicitud; nadie asignado)"),
    };
    let may_manage = may_manage(who.role);
    let staff_opts = if may_manage {
        let mut v = vec![Opt {
            value: String::new(),
            label: "— nadie: queda a cargo quien la registró —".into(),
            on: assignee.is_none(),
        }];
        v.extend(
            app.registry
                .store()
                .accounts()
                .await?
                .into_iter()
                .filter(|a| a.active && a.body.as_deref() == Some(body) && may_be_assigned(a.role))
                .map(|a| Opt {
                    on: assignee.as_deref() == Some(a.username.as_str()),
                    label: format!("{} ({})", a.display_name, a.username),
                    value: a.username,
                }),
        );
        v
    } else {
        Vec::new()
    };
    Ok(ExpView {
        in_charge,
        area: e.assignment.area.as_ref().map(|a| a.as_str().to_string()),
        non_cooperation: e
            .assignment
            .non_cooperation
            .iter()
            .map(|(a, at)| format!("{} — {}", a.as_str(), moment_text(*at)))
            .collect(),
        records: e
            .records
            .iter()
            .map(|r| RecordView {
                by: r.by.clone(),
                at: moment_text(r.at),
                text: r.entry.describe_es(),
            })
            .collect(),
        notes: e.notes.map(|ns| {
            ns.into_iter()
                .map(|n| NoteView {
                    id: n.id,
                    author: n.author,
                    at: moment_text(n.at),
                    text: n.text.as_str().to_string(),
                    corrects: n.corrects,
                })
                .collect()
        }),
        may_manage,
        may_note: may_write_notes(who.role),
        staff: staff_opts,
        error,
        typed_note: form_value(typed, "text").unwrap_or("").to_string(),
        typed_area: form_value(typed, "area").unwrap_or("").to_string(),
    })
}

/// A refusal of the registry, as (field, message) for the panel; other failures as errors.
fn refusal(e: ServiceError, field: &str) -> Result<(String, String), WebError> {
    match e {
        ServiceError::BadInput(m) => {
            let (f, m) = match m.split_once(": ") {
                Some((f, rest)) if !f.contains(' ') => (f.to_string(), rest.to_string()),
                _ => (field.to_string(), m),
            };
            Ok((f, m))
        }
        ServiceError::Forbidden(m) => Ok((field.to_string(), m)),
        other => Err(other.into()),
    }
}

/// `POST /solicitudes/{folio}/asignacion`: who is in charge and which área holds the data.
pub async fn assign(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let body = request_body(&app, &staff.who, &folio, Access::Read).await?;
    if let Some(k) = unknown_field(&form, &["csrf", "assignee", "area"]) {
        let e = (k.clone(), format!("campo desconocido «{k}»"));
        return back_to_request(
            &app,
            &staff,
            &folio,
            Section::Expediente,
            "asignacion",
            Err(e),
            &form,
        )
        .await;
    }
    let who = actor(&staff.who);
    let now = Utc::now();
    let e = app.registry.expediente(&folio, &who).await?;
    let assignee = form_value(&form, "assignee")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let area_typed = form_value(&form, "area").map(str::trim).unwrap_or("");
    let area = if area_typed.is_empty() {
        None
    } else {
        match AreaName::parse(area_typed) {
            Ok(a) => Some(a),
            Err(m) => {
                return back_to_request(
                    &app,
                    &staff,
                    &folio,
                    Section::Expediente,
                    "asignacion",
                    Err(("area".into(), m)),
                    &form,
                )
                .await;
            }
        }
    };
    // Only what changed is recorded.
    let mut result = Ok(());
    if assignee != e.assignment.assignee.as_deref()
        && let Err(err) = app
            .registry
            .assign(&folio, &body, assignee, &who, now)
            .await
    {
        result = Err(refusal(err, "assignee")?);
    }
    if result.is_ok()
        && area != e.assignment.area
        && let Err(err) = app.registry.set_area(&folio, area, &who, now).await
    {
        result = Err(refusal(err, "area")?);
    }
    back_to_request(
        &app,
        &staff,
        &folio,
        Section::Expediente,
        "asignacion",
        result,
        &form,
    )
    .await
}

/// `POST /solicitudes/{folio}/no-colaboracion`: an área did not cooperate (art. 88.1.IX).
pub async fn non_cooperation(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    request_body(&app, &staff.who, &folio, Access::Read).await?;
    let result = match unknown_field(&form, &["csrf", "area"]) {
        Some(k) => Err((k.clone(), format!("campo desconocido «{k}»"))),
        None => match AreaName::parse(form_value(&form, "area").unwrap_or("")) {
            Err(m) => Err(("nc-area".to_string(), m)),
            Ok(area) => match app
                .registry
                .record_non_cooperation(&folio, area, &actor(&staff.who), Utc::now())
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(refusal(e, "nc-area")?),
            },
        },
    };
    back_to_request(
        &app,
        &staff,
        &folio,
        Section::Expediente,
        "no_colaboracion",
        result,
        &form,
    )
    .await
}

/// `POST /solicitudes/{folio}/notas`: an internal note.
pub async fn add_note(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    request_body(&app, &staff.who, &folio, Access::Read).await?;
    let corrects = match form_value(&form, "corrects").map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => n.parse::<i64>().map(Some).map_err(|_| {
            (
                "corrects".to_string(),
                format!("«Corrige la nota» debe ser el número de una nota; se escribió «{n}»"),
            )
        }),
    };
    let result = match (
        unknown_field(&form, &["csrf", "text", "corrects"]),
        corrects,
    ) {
        (Some(k), _) => Err((k.clone(), format!("campo desconocido «{k}»"))),
        (None, Err(e)) => Err(e),
        (None, Ok(corrects)) => match NoteText::parse(form_value(&form, "text").unwrap_or("")) {
            Err(m) => Err(("text".to_string(), m)),
            Ok(text) => match app
                .registry
                .add_note(&folio, &text, corrects, &actor(&staff.who), Utc::now())
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(refusal(e, "text")?),
            },
        },
    };
    back_to_request(
        &app,
        &staff,
        &folio,
        Section::Expediente,
        "nota",
        result,
        &form,
    )
    .await
}
