//! The register of a body's official social-media accounts (issue 18) for the staff: the
//! list of the caller's accounts, the public directory (a page and its CSV, no sign-in:
//! `shared/seeds/002_…`, Décima, Décima primera), the form that enters an account, the
//! account's page with its gestores, its history and one form per change, and the section
//! of a request's page about the publication it is about (`000_…`, Quinto; `002_…`,
//! Décima séptima).
//!
//! Every handler calls the scoped functions of `src/service/social.rs`: an account or a
//! request the caller may not read is not found; whether a change is lawful (a handle with
//! spaces, a level for an official account, a change after the account's retirement) is
//! the library's to say, and its refusal is shown beside the field it names, with what was
//! typed kept. Which changes a page offers is [`Account::open_changes`]; whether the
//! passwords must be changed is [`Account::rotation_pending`] (Décima quinta).

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use serde_json::{Map, Value};

use super::cases::{Opt, Section, back_to_request, form_value, unknown_field};
use super::{Chrome, Staff, WebError, no_store, render, urlencode};
use crate::calendar::Moment;
use crate::http::{App, Problem};
use crate::service::social::{
    AccountDetail, DirectoryLine, Publication, directory_csv, keeps_register,
};
use crate::social::{
    Account, AccountKind, Change, ChangeKind, GestorKind, Platform, PostAction, ServantLevel,
    Verification,
};

// ---------------------------------------------------------------------------------------
// Words

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn date_es(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive()
}

fn now_local() -> String {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn yes_no(b: bool) -> &'static str {
    if b { "sí" } else { "no" }
}

/// A link only for an address the library accepted as one (`https://…` or `http://…`).
fn web_address(s: &str) -> Option<String> {
    (s.starts_with("https://") || s.starts_with("http://")).then(|| s.to_string())
}

fn bad_query(other: &str) -> WebError {
    WebError {
        status: StatusCode::BAD_REQUEST,
        title: "Consulta no válida".into(),
        detail: format!("El parámetro «{other}» no es de esta página; use: sujeto."),
    }
}

/// The `sujeto` of a query string; any other parameter is refused (400).
fn sujeto_of(raw: Option<&str>) -> Result<String, WebError> {
    let mut sujeto = String::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "sujeto" => sujeto = v.trim().to_string(),
            other => return Err(bad_query(other)),
        }
    }
    Ok(sujeto)
}

fn not_found(what: &str) -> WebError {
    WebError::from(Problem::not_found(format!(
        "no existe {what} en el registro de redes sociales"
    )))
}

fn account_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .map_err(|_| not_found(&format!("la cuenta «{raw}»")))
}

// ---------------------------------------------------------------------------------------
// The list and the public directory

/// A line of the register or of the directory as shown.
pub struct AccountRow {
    pub href: String,
    pub body: String,
    pub platform: &'static str,
    pub handle: String,
    pub url: Option<String>,
    pub kind: String,
    pub official_today: &'static str,
    pub area: String,
    pub verification: String,
    pub gestores: String,
    pub retired: bool,
}

fn account_row(l: &DirectoryLine) -> AccountRow {
    AccountRow {
        href: format!("/redes-sociales/{}", l.id),
        body: l.body.clone(),
        platform: l.platform,
        handle: l.handle.clone(),
        url: l.url.as_deref().and_then(web_address),
        kind: capital(l.kind),
        official_today: yes_no(l.official_today),
        area: l.area.clone(),
        verification: capital(l.verification),
        gestores: if l.gestores.is_empty() {
            "—".into()
        } else {
            l.gestores.join("; ")
        },
        retired: l.retired,
    }
}

#[derive(Template)]
#[template(path = "web/social_accounts.html")]
struct ListPage {
    chrome: Chrome,
    bodies: Vec<Opt>,
    rows: Vec<AccountRow>,
    may_register: bool,
    csv: String,
    directory: String,
    today: String,
}

/// The directory's addresses for the same body.
fn directory_links(sujeto: &str) -> (String, String) {
    if sujeto.is_empty() {
        (
            "/redes-sociales/directorio.csv".into(),
            "/redes-sociales/directorio".into(),
        )
    } else {
        let q = format!("sujeto={}", urlencode(sujeto));
        (
            format!("/redes-sociales/directorio.csv?{q}"),
            format!("/redes-sociales/directorio?{q}"),
        )
    }
}

/// `GET /redes-sociales`: the accounts of the registers the caller may read (for the
/// guarantor and the administration, of the body chosen).
pub async fn list(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let sujeto = sujeto_of(raw.as_deref())?;
    let who = &staff.who;
    let asked = Some(sujeto.as_str()).filter(|s| !s.is_empty());
    let lines = app
        .registry
        .social_accounts_for(who, asked, today())
        .await?;
    let (csv, directory) = directory_links(&sujeto);
    render(&ListPage {
        chrome: staff.chrome("redes"),
        bodies: super::reports::body_options(&app, &staff, &sujeto).await?,
        rows: lines.iter().map(account_row).collect(),
        may_register: who.body().is_some_and(|b| keeps_register(who, b)),
        csv,
        directory,
        today: date_es(today()),
    })
}

#[derive(Template)]
#[template(path = "web/social_directory.html")]
struct DirectoryPage {
    rows: Vec<AccountRow>,
    sujeto: String,
    csv: String,
    today: String,
}

/// `GET /redes-sociales/directorio`: the public directory of the accounts in use
/// (Décima, Décima primera, Décima segunda). No sign-in.
pub async fn directory(
    State(app): State<Arc<App>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let sujeto = sujeto_of(raw.as_deref())?;
    let lines = app
        .registry
        .social_directory(Some(sujeto.as_str()).filter(|s| !s.is_empty()), today())
        .await?;
    render(&DirectoryPage {
        rows: lines.iter().map(account_row).collect(),
        csv: directory_links(&sujeto).0,
        sujeto,
        today: date_es(today()),
    })
}

/// `GET /redes-sociales/directorio.csv`: the same directory as CSV, the library's
/// [`directory_csv`] byte for byte. No sign-in.
pub async fn directory_csv_file(
    State(app): State<Arc<App>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let sujeto = sujeto_of(raw.as_deref())?;
    let lines = app
        .registry
        .social_directory(Some(sujeto.as_str()).filter(|s| !s.is_empty()), today())
        .await?;
    let mut res = directory_csv(&lines).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"directorio-redes-sociales.csv\""),
    );
    Ok(no_store(res))
}

// ---------------------------------------------------------------------------------------
// The forms of the changes

/// How a field of a change is typed.
enum Input {
    /// One of (value, label).
    One(Vec<(&'static str, &'static str)>),
    /// A line of text of at most this many characters.
    Text(usize),
    /// An address (`https://…`).
    Url,
    /// An e-mail address.
    Email,
    Date,
    /// One of the account's current gestores (by number).
    Gestor,
}

/// A field of a change's form: `name` is the change's JSON key.
struct Spec {
    name: &'static str,
    label: &'static str,
    help: &'static str,
    input: Input,
    required: bool,
}

macro_rules! choices {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|c| (c.as_str(), c.label_es()))
            .collect::<Vec<(&'static str, &'static str)>>()
    };
}

fn spec(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    input: Input,
    required: bool,
) -> Spec {
    Spec {
        name,
        label,
        help,
        input,
        required,
    }
}

/// The fields of each change, from the variants of [`Change`].
fn specs(kind: ChangeKind) -> Vec<Spec> {
    use ChangeKind as K;
    match kind {
        K::Registered => vec![
            spec(
                "platform",
                "Red social",
                "",
                Input::One(choices!(Platform)),
                true,
            ),
            spec(
                "handle",
                "Nombre de la cuenta",
                "Como aparece en la red, sin espacios (por ejemplo, @SEJalisco).",
                Input::Text(100),
                true,
            ),
            spec(
                "url",
                "Dirección de la cuenta",
                "Si la tiene: https://…",
                Input::Url,
                false,
            ),
            spec(
                "kind",
                "Tipo de cuenta (Séptima)",
                "Oficial, o personal de un servidor público que publica sobre su cargo.",
                Input::One(choices!(AccountKind)),
                true,
            ),
            spec(
                "servant_level",
                "Nivel del servidor público (Quinta)",
                "Solo para la cuenta personal de un servidor público.",
                Input::One(choices!(ServantLevel)),
                false,
            ),
            spec(
                "area",
                "Área",
                "El área que la administra (o, si es personal, con la que trabaja).",
                Input::Text(200),
                true,
            ),
            spec(
                "verification",
                "Verificación por la red (Décima cuarta)",
                "",
                Input::One(choices!(Verification)),
                false,
            ),
        ],
        K::Edited => vec![
            spec(
                "url",
                "Nueva dirección de la cuenta",
                "Deje vacío lo que no cambia.",
                Input::Url,
                false,
            ),
            spec("area", "Nueva área", "", Input::Text(200), false),
            spec(
                "verification",
                "Verificación por la red (Décima cuarta)",
                "",
                Input::One(choices!(Verification)),
                false,
            ),
        ],
        K::RunByArea => vec![
            spec(
                "from",
                "Desde",
                "Desde cuándo la administra un área: cuenta como oficial en ese periodo.",
                Input::Date,
                true,
            ),
            spec(
                "to",
                "Hasta",
                "El fin del encargo, si se sabe.",
                Input::Date,
                false,
            ),
        ],
        K::GestorAdded => vec![
            spec("name", "Nombre", "", Input::Text(200), true),
            spec("kind", "Es", "", Input::One(choices!(GestorKind)), true),
            spec(
                "position",
                "Cargo, o empresa del prestador",
                "",
                Input::Text(200),
                false,
            ),
            spec(
                "email",
                "Correo electrónico",
                "Para avisarle del plazo de una solicitud sobre una publicación de la cuenta y de cambiar las contraseñas. No se publica ni queda en el historial.",
                Input::Email,
                false,
            ),
        ],
        K::GestorLeft => vec![spec(
            "gestor",
            "Gestor que deja la cuenta",
            "Las contraseñas que conocía deberán cambiarse (Décima quinta).",
            Input::Gestor,
            true,
        )],
        K::PasswordsRotated | K::Compromised | K::Retired => Vec::new(),
    }
}

/// The form's reserved names (not change data).
const RESERVED: &[&str] = &["csrf", "on"];

/// Why what was typed could not become a change: the field at fault when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    field: Option<String>,
    message: String,
}

impl Refusal {
    fn at(field: &str, message: String) -> Refusal {
        Refusal {
            field: Some(field.to_string()),
            message,
        }
    }
}

/// The change from the typed values, read by the library's own deserializer (which
/// refuses an unknown field naming it). A required line of text goes as typed, even empty,
/// so that the library says what is wrong with it.
fn change_of(kind: ChangeKind, form: &[(String, String)]) -> Result<Change, Refusal> {
    let specs = specs(kind);
    if let Some((k, _)) = form
        .iter()
        .find(|(k, _)| !RESERVED.contains(&k.as_str()) && !specs.iter().any(|s| s.name == k))
    {
        return Err(Refusal::at(
            k,
            format!("campo desconocido «{k}» para este cambio"),
        ));
    }
    let mut obj = Map::new();
    obj.insert("change".into(), Value::String(kind.as_str().into()));
    for s in &specs {
        let typed = form_value(form, s.name).map(str::trim).unwrap_or("");
        let value = match (&s.input, typed) {
            (Input::Text(_), v) if s.required => Value::String(v.to_string()),
            (_, "") if s.required => {
                return Err(Refusal::at(s.name, format!("falta «{}»", s.label)));
            }
            (_, "") => continue,
            (Input::One(options), v) => {
                if !options.iter().any(|(o, _)| *o == v) {
                    return Err(Refusal::at(
                        s.name,
                        format!("«{v}» no es una opción de «{}»", s.label),
                    ));
                }
                Value::String(v.to_string())
            }
            (Input::Text(_) | Input::Url | Input::Email, v) => Value::String(v.to_string()),
            (Input::Date, v) => {
                if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() {
                    return Err(Refusal::at(
                        s.name,
                        format!(
                            "«{}» debe ser una fecha AAAA-MM-DD; se escribió «{v}»",
                            s.label
                        ),
                    ));
                }
                Value::String(v.to_string())
            }
            (Input::Gestor, v) => Value::from(v.parse::<u32>().map_err(|_| {
                Refusal::at(
                    s.name,
                    format!("«{v}» no es el número de un gestor de esta cuenta"),
                )
            })?),
        };
        obj.insert(s.name.to_string(), value);
    }
    serde_json::from_value::<Change>(Value::Object(obj)).map_err(|e| Refusal {
        field: None,
        message: e.to_string(),
    })
}

/// The day of the change as typed; today if empty.
fn on_of(form: &[(String, String)]) -> Result<NaiveDate, Refusal> {
    match form_value(form, "on").map(str::trim) {
        None | Some("") => Ok(today()),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            Refusal::at(
                "on",
                format!("«Fecha del cambio» debe ser una fecha AAAA-MM-DD; se escribió «{v}»"),
            )
        }),
    }
}

/// The field a refusal of the library names: `campo «handle»: …`.
fn field_named(message: &str) -> Option<String> {
    let rest = &message[message.find("campo «")? + "campo «".len()..];
    Some(rest[..rest.find('»')?].to_string())
}

/// A field of a change's form as shown.
pub struct FieldView {
    pub id: String,
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    /// `one`, `text`, `url` or `date`.
    pub input: &'static str,
    pub maxlength: usize,
    pub required: bool,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
}

/// One change's form.
pub struct ChangeForm {
    pub name: &'static str,
    pub label: String,
    pub action: String,
    pub on: String,
    pub on_error: Option<String>,
    pub fields: Vec<FieldView>,
    pub error: Option<String>,
}

/// A change that was not recorded: the form comes back with what was typed and why.
struct Failed {
    kind: ChangeKind,
    typed: Vec<(String, String)>,
    refusal: Refusal,
    status: StatusCode,
}

fn change_form(
    kind: ChangeKind,
    action: String,
    account: Option<&Account>,
    failed: Option<&Failed>,
) -> ChangeForm {
    let failed = failed.filter(|f| f.kind == kind);
    let typed = failed.map_or(&[][..], |f| f.typed.as_slice());
    let error = failed.and_then(|f| {
        f.refusal
            .field
            .as_deref()
            .map(|x| (x, f.refusal.message.as_str()))
    });
    let prefix = format!("f-{}", kind.as_str());
    let fields = specs(kind)
        .into_iter()
        .map(|s| {
            let value = form_value(typed, s.name).unwrap_or("").to_string();
            let value = if value.is_empty() && failed.is_none() && kind == ChangeKind::Registered {
                // A new account is unverified unless said otherwise (Décima cuarta).
                match s.name {
                    "verification" => Verification::Unverified.as_str().to_string(),
                    _ => value,
                }
            } else {
                value
            };
            let opts = |o: Vec<(String, String)>| -> Vec<Opt> {
                o.into_iter()
                    .map(|(v, l)| Opt {
                        on: v == value,
                        value: v,
                        label: l,
                    })
                    .collect()
            };
            let (input, maxlength, options) = match &s.input {
                Input::One(o) => (
                    "one",
                    0,
                    opts(o.iter().map(|(v, l)| (v.to_string(), capital(l))).collect()),
                ),
                Input::Gestor => (
                    "one",
                    0,
                    opts(
                        account
                            .map(|a| {
                                a.current_gestores()
                                    .map(|g| (g.id.to_string(), format!("{} · {}", g.id, g.name)))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ),
                ),
                Input::Text(n) => ("text", *n, Vec::new()),
                Input::Url => ("url", 500, Vec::new()),
                Input::Email => ("email", 254, Vec::new()),
                Input::Date => ("date", 0, Vec::new()),
            };
            FieldView {
                id: format!("{prefix}-{}", s.name),
                name: s.name,
                label: s.label,
                help: s.help,
                input,
                maxlength,
                required: s.required,
                error: error
                    .filter(|(f, _)| *f == s.name)
                    .map(|(_, m)| m.to_string()),
                value,
                options,
            }
        })
        .collect();
    ChangeForm {
        name: kind.as_str(),
        label: capital(kind.label_es()),
        action,
        on: form_value(typed, "on").map_or_else(|| today().to_string(), str::to_string),
        on_error: error
            .filter(|(f, _)| *f == "on")
            .map(|(_, m)| m.to_string()),
        fields,
        error: failed.map(|f| f.refusal.message.clone()),
    }
}

/// A refusal of the registry, for the form; other failures as errors.
fn refusal_of(e: crate::service::ServiceError) -> Result<(Refusal, StatusCode), WebError> {
    let p = Problem::from(e);
    if p.status == 422 || p.status == 409 {
        let field = p.field.clone().or_else(|| field_named(&p.detail));
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::CONFLICT);
        Ok((
            Refusal {
                field,
                message: p.detail,
            },
            status,
        ))
    } else {
        Err(p.into())
    }
}

// ---------------------------------------------------------------------------------------
// A new account

#[derive(Template)]
#[template(path = "web/social_new.html")]
struct NewPage {
    chrome: Chrome,
    form: ChangeForm,
}

fn refuse_register(staff: &Staff) -> WebError {
    WebError {
        status: StatusCode::FORBIDDEN,
        title: "Sin permiso".into(),
        detail: format!(
            "{} no lleva el registro de cuentas de redes sociales; lo lleva la Unidad de Transparencia del sujeto obligado (Segunda IV).",
            capital(staff.who.role().label_es())
        ),
    }
}

fn may_register(staff: &Staff) -> bool {
    staff
        .who
        .body()
        .is_some_and(|b| keeps_register(&staff.who, b))
}

const NEW_ACTION: &str = "/redes-sociales/nueva";

/// `GET /redes-sociales/nueva`: the form that enters an account (Segunda IV).
pub async fn new_form(staff: Staff) -> Result<Response, WebError> {
    if !may_register(&staff) {
        return Err(refuse_register(&staff));
    }
    render(&NewPage {
        chrome: staff.chrome("redes"),
        form: change_form(ChangeKind::Registered, NEW_ACTION.into(), None, None),
    })
}

/// `POST /redes-sociales/nueva`: enters the account and opens its page.
pub async fn register(
    State(app): State<Arc<App>>,
    staff: Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let typed: Vec<(String, String)> = form.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let again = |refusal: Refusal, status: StatusCode| -> Result<Response, WebError> {
        let failed = Failed {
            kind: ChangeKind::Registered,
            typed: typed.clone(),
            refusal,
            status,
        };
        let mut res = render(&NewPage {
            chrome: staff.chrome("redes"),
            form: change_form(
                ChangeKind::Registered,
                NEW_ACTION.into(),
                None,
                Some(&failed),
            ),
        })?;
        *res.status_mut() = failed.status;
        Ok(res)
    };
    let parsed =
        change_of(ChangeKind::Registered, &typed).and_then(|c| on_of(&typed).map(|d| (c, d)));
    let (change, on) = match parsed {
        Ok(p) => p,
        Err(r) => return again(r, StatusCode::UNPROCESSABLE_ENTITY),
    };
    match app
        .registry
        .register_account(&staff.who, None, change, on, Utc::now())
        .await
    {
        Ok(d) => Ok(no_store(
            Redirect::to(&format!("/redes-sociales/{}?registrado=registered", d.id))
                .into_response(),
        )),
        Err(e) => {
            let (mut r, status) = refusal_of(e)?;
            if status == StatusCode::CONFLICT && r.field.is_none() {
                // The same platform and handle are already in the register.
                r.field = Some("handle".into());
            }
            again(r, status)
        }
    }
}

// ---------------------------------------------------------------------------------------
// The account's page

/// A gestor as shown.
pub struct GestorView {
    pub id: u32,
    pub name: String,
    pub kind: String,
    pub position: String,
    pub since: String,
    pub left_on: Option<String>,
    /// Their name, position and address were erased.
    pub erased: bool,
}

/// A change of the history as shown.
pub struct HistoryView {
    pub seq: u32,
    pub label: String,
    pub detail: String,
    pub on: String,
    pub actor: String,
    pub role: String,
}

fn describe(a: &Account, c: &Change) -> String {
    let gestor_name = |id: u32| {
        a.gestores
            .iter()
            .find(|g| g.id == id)
            .map_or_else(|| format!("gestor {id}"), |g| format!("{id} · {}", g.name))
    };
    match c {
        Change::Registered {
            platform,
            handle,
            url,
            kind,
            servant_level,
            area,
            verification,
        } => {
            let mut s = format!("{handle} en {platform}; {kind}");
            if let Some(l) = servant_level {
                s.push_str(&format!(" ({l})"));
            }
            s.push_str(&format!("; área: {area}; {verification}"));
            if let Some(u) = url {
                s.push_str(&format!("; {u}"));
            }
            s
        }
        Change::Edited {
            url,
            area,
            verification,
        } => {
            let mut parts = Vec::new();
            if let Some(u) = url {
                parts.push(format!("dirección: {u}"));
            }
            if let Some(x) = area {
                parts.push(format!("área: {x}"));
            }
            if let Some(v) = verification {
                parts.push(format!("verificación: {v}"));
            }
            if parts.is_empty() {
                "—".into()
            } else {
                parts.join("; ")
            }
        }
        Change::RunByArea { from, to } => match to {
            Some(t) => format!("del {} al {}", date_es(*from), date_es(*t)),
            None => format!("desde el {}", date_es(*from)),
        },
        Change::GestorAdded {
            name,
            kind,
            position,
            ..
        } => match position {
            Some(p) => format!("{name} ({kind}, {p})"),
            None => format!("{name} ({kind})"),
        },
        Change::GestorLeft { gestor } => gestor_name(*gestor),
        Change::PasswordsRotated {} | Change::Retired {} => "—".into(),
        Change::Compromised { breach } => format!("vulneración {breach}"),
    }
}

#[derive(Template)]
#[template(path = "web/social_account.html")]
struct AccountPage {
    chrome: Chrome,
    account_id: i64,
    title: String,
    notice: Option<String>,
    summary: Option<String>,
    data: Vec<(&'static str, String)>,
    url: Option<String>,
    breaches: Vec<String>,
    /// The gestores who left since the passwords were last changed (Décima quinta).
    rotation: Vec<String>,
    rotation_since: String,
    current: Vec<GestorView>,
    past: Vec<GestorView>,
    forms: Vec<ChangeForm>,
    compromised: Option<CompromisedForm>,
    retired: bool,
    may_write: bool,
    history: Vec<HistoryView>,
}

/// The form that reports the account taken over.
pub struct CompromisedForm {
    pub action: String,
    pub at: String,
    pub error: Option<String>,
}

fn gestor_view(g: &crate::social::Gestor) -> GestorView {
    GestorView {
        id: g.id,
        name: g.name.clone(),
        kind: capital(g.kind.label_es()),
        position: g.position.clone().unwrap_or_else(|| "—".into()),
        since: date_es(g.since),
        left_on: g.left_on.map(date_es),
        erased: g.name == crate::social::ERASED_NAME,
    }
}

fn account_data(d: &AccountDetail) -> Vec<(&'static str, String)> {
    let a = &d.account;
    let mut out = vec![
        ("Sujeto obligado", d.body.clone()),
        ("Red social", a.platform.label_es().to_string()),
        ("Cuenta", a.handle.clone()),
        ("Tipo (Séptima)", capital(a.kind.label_es())),
    ];
    if let Some(l) = a.servant_level {
        out.push(("Nivel del servidor público (Quinta)", capital(l.label_es())));
    }
    out.extend([
        ("Área", a.area.clone()),
        (
            "Verificación (Décima cuarta)",
            capital(a.verification.label_es()),
        ),
        (
            "Oficial hoy (Segunda II, Décima novena)",
            yes_no(d.official_today).to_string(),
        ),
    ]);
    if let Some(p) = a.run_by_area {
        out.push((
            "Administrada por un área (Décima novena)",
            match p.to {
                Some(t) => format!("del {} al {}", date_es(p.from), date_es(t)),
                None => format!("desde el {}", date_es(p.from)),
            },
        ));
    }
    out.push(("En el registro desde", date_es(a.registered_on)));
    out.push((
        "Último cambio de contraseñas",
        a.rotated_on.map_or_else(|| "no registrado".into(), date_es),
    ));
    if let Some(r) = a.retired_on {
        out.push(("Baja", date_es(r)));
    }
    out
}

async fn account_page(
    app: &App,
    staff: &Staff,
    id: i64,
    notice: Option<String>,
    failed: Option<Failed>,
    compromised_error: Option<String>,
) -> Result<Response, WebError> {
    let who = &staff.who;
    let d = app.registry.account_for(who, id, today()).await?;
    let a = &d.account;
    let may_write = keeps_register(who, &d.body);
    let open = if may_write {
        a.open_changes()
    } else {
        Vec::new()
    };
    let forms = open
        .iter()
        .filter(|k| **k != ChangeKind::Compromised)
        .map(|k| {
            change_form(
                *k,
                format!("/redes-sociales/{id}/cambios/{}", k.as_str()),
                Some(a),
                failed.as_ref(),
            )
        })
        .collect();
    let compromised = open
        .contains(&ChangeKind::Compromised)
        .then(|| CompromisedForm {
            action: format!("/redes-sociales/{id}/comprometida"),
            at: now_local(),
            error: compromised_error.clone(),
        });
    let pending = a.rotation_pending();
    let (current, past): (Vec<GestorView>, Vec<GestorView>) = (
        a.current_gestores().map(gestor_view).collect(),
        a.gestores
            .iter()
            .filter(|g| g.left_on.is_some())
            .map(gestor_view)
            .collect(),
    );
    let page = AccountPage {
        chrome: staff.chrome("redes"),
        account_id: id,
        title: format!("{} en {}", a.handle, a.platform),
        notice,
        summary: failed
            .as_ref()
            .map(|f| {
                format!(
                    "No se registró «{}»: {}",
                    capital(f.kind.label_es()),
                    f.refusal.message
                )
            })
            .or_else(|| {
                compromised_error
                    .as_ref()
                    .map(|m| format!("No se abrió la vulneración: {m}"))
            }),
        data: account_data(&d),
        url: a.url.as_deref().and_then(web_address),
        breaches: a.breaches.clone(),
        rotation: pending
            .iter()
            .map(|g| match g.left_on {
                Some(l) => format!("{} (dejó la cuenta el {})", g.name, date_es(l)),
                None => g.name.clone(),
            })
            .collect(),
        rotation_since: a.rotation_owed_since.map(date_es).unwrap_or_default(),
        current,
        past,
        forms,
        compromised,
        retired: a.retired_on.is_some(),
        may_write,
        history: a
            .changes
            .iter()
            .map(|c| HistoryView {
                seq: c.seq,
                label: capital(c.change.label_es()),
                detail: describe(a, &c.change),
                on: date_es(c.on),
                actor: c.actor.id.clone(),
                role: c.actor.role.label_es().to_string(),
            })
            .collect(),
    };
    let status = failed.map(|f| f.status).or_else(|| {
        compromised_error
            .as_ref()
            .map(|_| StatusCode::UNPROCESSABLE_ENTITY)
    });
    let mut res = render(&page)?;
    if let Some(s) = status {
        *res.status_mut() = s;
    }
    Ok(res)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountQuery {
    pub registrado: Option<String>,
    /// The gestor whose data were just erased.
    pub suprimido: Option<u32>,
}

/// `GET /redes-sociales/{id}`: the account, its gestores, its history and, for its UT,
/// the forms of the changes.
pub async fn page(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<AccountQuery>,
) -> Result<Response, WebError> {
    let id = account_id(&id)?;
    let notice = q
        .registrado
        .as_deref()
        .and_then(ChangeKind::parse)
        .map(|k| format!("Quedó registrado: {}.", k.label_es()))
        .or_else(|| {
            q.suprimido
                .map(|g| format!("Se suprimieron el nombre, el cargo y el correo del gestor {g}."))
        });
    account_page(&app, &staff, id, notice, None, None).await
}

/// `POST /redes-sociales/{id}/gestores/{gestor}/suprimir`: erases a former gestor's name,
/// position and address (a person's data, kept apart from the history for this); the
/// history keeps that gestor `gestor` came and went, and when.
pub async fn erase_gestor(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((id, gestor)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let id = account_id(&id)?;
    let who = &staff.who;
    app.registry.account_for(who, id, today()).await?;
    let gestor: u32 = gestor
        .parse()
        .map_err(|_| not_found(&format!("el gestor «{gestor}»")))?;
    if let Some((k, _)) = form.iter().find(|(k, _)| k != "csrf") {
        let m = format!("campo desconocido «{k}»");
        return account_page(&app, &staff, id, None, None, Some(m)).await;
    }
    match app.registry.erase_gestor_name(who, id, gestor).await {
        Ok(_) => Ok(no_store(
            Redirect::to(&format!("/redes-sociales/{id}?suprimido={gestor}")).into_response(),
        )),
        Err(e) => {
            let (r, _) = refusal_of(e)?;
            account_page(&app, &staff, id, None, None, Some(r.message)).await
        }
    }
}

/// `POST /redes-sociales/{id}/cambios/{change}`: records the change, back to the page.
pub async fn change(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((id, change)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let id = account_id(&id)?;
    let kind = ChangeKind::parse(&change)
        .filter(|k| !matches!(k, ChangeKind::Registered | ChangeKind::Compromised))
        .ok_or_else(|| not_found(&format!("el cambio «{change}»")))?;
    let who = &staff.who;
    // Read first: an account the caller may not read is not found, whatever the form says.
    app.registry.account_for(who, id, today()).await?;
    let typed: Vec<(String, String)> = form.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let fail = |refusal: Refusal, status: StatusCode| Failed {
        kind,
        typed: typed.clone(),
        refusal,
        status,
    };
    let parsed = change_of(kind, &typed).and_then(|c| on_of(&typed).map(|d| (c, d)));
    let (change, on) = match parsed {
        Ok(p) => p,
        Err(r) => {
            let f = fail(r, StatusCode::UNPROCESSABLE_ENTITY);
            return account_page(&app, &staff, id, None, Some(f), None).await;
        }
    };
    match app
        .registry
        .change_account(who, id, change, on, Utc::now())
        .await
    {
        Ok(_) => Ok(no_store(
            Redirect::to(&format!(
                "/redes-sociales/{id}?registrado={}",
                kind.as_str()
            ))
            .into_response(),
        )),
        Err(e) => {
            let (r, status) = refusal_of(e)?;
            account_page(&app, &staff, id, None, Some(fail(r, status)), None).await
        }
    }
}

/// `POST /redes-sociales/{id}/comprometida`: someone else took the account over: opens a
/// breach of its body (arts. 38–40; `003_…`, considerando 16.XXXI) and goes to it.
pub async fn compromised(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let id = account_id(&id)?;
    let who = &staff.who;
    app.registry.account_for(who, id, today()).await?;
    if let Some((k, _)) = form.iter().find(|(k, _)| k != "csrf" && k != "at") {
        let m = format!("campo desconocido «{k}»");
        return account_page(&app, &staff, id, None, None, Some(m)).await;
    }
    let at = match form_value(&form, "at").map(str::trim) {
        None | Some("") => Moment::Instant(Utc::now().fixed_offset()),
        Some(v) => match v.parse::<Moment>() {
            Ok(m) => m,
            Err(e) => {
                return account_page(&app, &staff, id, None, None, Some(e.to_string())).await;
            }
        },
    };
    match app
        .registry
        .account_compromised(who, id, at, Utc::now())
        .await
    {
        Ok(b) => Ok(no_store(
            Redirect::to(&format!(
                "/vulneraciones/{}?registrado=breach_detected",
                urlencode(&b.folio)
            ))
            .into_response(),
        )),
        Err(e) => {
            let (r, _) = refusal_of(e)?;
            account_page(&app, &staff, id, None, None, Some(r.message)).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// A request about a publication (`000_…`, Quinto; `002_…`, Décima séptima)

/// What the request's page shows of the publication it is about.
pub struct PublicationView {
    pub shown: Option<PublicationShown>,
    /// Whether the caller keeps the body's register (and so may say which publication,
    /// what was done to it, or erase it).
    pub may_write: bool,
    /// The body's accounts in use, for the form.
    pub accounts: Vec<Opt>,
    pub post: String,
    pub captured_at: String,
    pub actions: Vec<Opt>,
    pub preserved: bool,
    pub on: String,
    /// A refusal of one of the section's forms: (field, message).
    pub error: Option<(String, String)>,
}

/// The publication as shown.
pub struct PublicationShown {
    pub account: String,
    pub account_href: String,
    pub post: String,
    pub post_href: Option<String>,
    pub captured_at: String,
    pub action: Option<String>,
    pub preserved: Option<&'static str>,
    pub acted: Option<String>,
    pub warning: Option<String>,
}

fn shown(p: &Publication) -> PublicationShown {
    PublicationShown {
        account: p.account.clone(),
        account_href: format!("/redes-sociales/{}", p.account_id),
        post: p.post.clone(),
        post_href: web_address(&p.post),
        captured_at: p
            .captured_at
            .as_deref()
            .map_or_else(|| "sin indicar".into(), |c| c.replace('T', " ")),
        action: p.action.map(|a| capital(a.label_es())),
        preserved: p.preserved.map(yes_no),
        acted: p.acted_on.map(|on| match &p.acted_by {
            Some(by) => format!("{} · {by}", date_es(on)),
            None => date_es(on),
        }),
        warning: p.warning.clone(),
    }
}

/// The section's data for the request `folio` of `body`, with a refusal of one of its
/// forms and what was typed, if there was one.
pub(crate) async fn publication_view(
    app: &App,
    staff: &Staff,
    folio: &str,
    body: &str,
    error: Option<(String, String)>,
    typed: &[(String, String)],
) -> Result<PublicationView, WebError> {
    let who = &staff.who;
    let p = app.registry.publication_for(who, folio).await?;
    let may_write = keeps_register(who, body);
    let typed_value = |k: &str| form_value(typed, k).unwrap_or("").to_string();
    let chosen_account = form_value(typed, "account_id")
        .map(str::to_string)
        .or_else(|| p.as_ref().map(|p| p.account_id.to_string()))
        .unwrap_or_default();
    let accounts = if may_write {
        app.registry
            .social_accounts_for(who, Some(body), today())
            .await?
            .into_iter()
            .filter(|l| !l.retired)
            .map(|l| Opt {
                on: l.id.to_string() == chosen_account,
                value: l.id.to_string(),
                label: format!("{} en {}", l.handle, l.platform),
            })
            .collect()
    } else {
        Vec::new()
    };
    let chosen_action = form_value(typed, "action")
        .map(str::to_string)
        .or_else(|| p.as_ref().and_then(|p| p.action).map(|a| a.as_str().into()))
        .unwrap_or_default();
    Ok(PublicationView {
        may_write,
        accounts,
        post: if typed.is_empty() {
            p.as_ref().map(|p| p.post.clone()).unwrap_or_default()
        } else {
            typed_value("post")
        },
        captured_at: if typed.is_empty() {
            p.as_ref()
                .and_then(|p| p.captured_at.clone())
                .unwrap_or_default()
        } else {
            typed_value("captured_at")
        },
        actions: PostAction::ALL
            .iter()
            .map(|a| Opt {
                on: a.as_str() == chosen_action,
                value: a.as_str().into(),
                label: capital(a.label_es()),
            })
            .collect(),
        preserved: form_value(typed, "preserved").is_some(),
        on: form_value(typed, "on").map_or_else(|| today().to_string(), str::to_string),
        shown: p.as_ref().map(shown),
        error,
    })
}

/// A refusal of the registry as (field, message); other failures as errors.
fn refused(e: crate::service::ServiceError, field: &str) -> Result<(String, String), WebError> {
    let p = Problem::from(e);
    if p.status == 422 || p.status == 409 {
        let f = p
            .field
            .clone()
            .or_else(|| field_named(&p.detail))
            .unwrap_or_else(|| field.to_string());
        Ok((f, p.detail))
    } else {
        Err(p.into())
    }
}

/// `POST /solicitudes/{folio}/publicacion`: the request is about this post of an account
/// of the body's register (`000_…`, Quinto).
pub async fn point(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let who = &staff.who;
    // Read first: a request the caller may not read is not found.
    app.registry.publication_for(who, &folio).await?;
    let typed: Vec<(String, String)> = form.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let result = if let Some(k) = unknown_field(&typed, &["account_id", "post", "captured_at"]) {
        Err((k.clone(), format!("campo desconocido «{k}»")))
    } else {
        match form_value(&typed, "account_id")
            .map(str::trim)
            .unwrap_or("")
            .parse::<i64>()
        {
            Err(_) => Err((
                "account_id".to_string(),
                "elija la cuenta del registro en la que se publicó".to_string(),
            )),
            Ok(account) => match app
                .registry
                .point_to_publication(
                    who,
                    &folio,
                    account,
                    form_value(&typed, "post").unwrap_or(""),
                    form_value(&typed, "captured_at"),
                    Utc::now(),
                )
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(refused(e, "account_id")?),
            },
        }
    };
    back_to_request(
        &app,
        &staff,
        &folio,
        Section::Publication,
        "publicacion",
        result,
        &typed,
    )
    .await
}

/// `POST /solicitudes/{folio}/publicacion/accion`: what was done to the post, and whether
/// a preservation record of it exists; a removal without one is recorded, with the
/// library's warning (`002_…`, Décima séptima).
pub async fn post_action(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let who = &staff.who;
    app.registry.publication_for(who, &folio).await?;
    let typed: Vec<(String, String)> = form.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let action = form_value(&typed, "action").map_or("", str::trim);
    let on = form_value(&typed, "on").map_or("", str::trim);
    let result = if let Some(k) = unknown_field(&typed, &["action", "preserved", "on"]) {
        Err((k.clone(), format!("campo desconocido «{k}»")))
    } else if let Some(v) = form_value(&typed, "preserved").filter(|v| *v != "true") {
        Err((
            "preserved".to_string(),
            format!("«{v}» no es un valor de la casilla de preservación"),
        ))
    } else {
        match (
            PostAction::parse(action),
            if on.is_empty() {
                Ok(today())
            } else {
                NaiveDate::parse_from_str(on, "%Y-%m-%d")
            },
        ) {
            (None, _) => Err((
                "action".to_string(),
                if action.is_empty() {
                    "diga qué se hizo con la publicación".to_string()
                } else {
                    format!("«{action}» no es una de las acciones sobre la publicación")
                },
            )),
            (_, Err(_)) => Err((
                "on".to_string(),
                format!("«Fecha» debe ser una fecha AAAA-MM-DD; se escribió «{on}»"),
            )),
            (Some(a), Ok(d)) => match app
                .registry
                .record_post_action(
                    who,
                    &folio,
                    a,
                    form_value(&typed, "preserved").is_some(),
                    d,
                    Utc::now(),
                )
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(refused(e, "action")?),
            },
        }
    };
    back_to_request(
        &app,
        &staff,
        &folio,
        Section::Publication,
        "accion_publicacion",
        result,
        &typed,
    )
    .await
}

/// `POST /solicitudes/{folio}/publicacion/suprimir`: erases what the request pointed to
/// (the post can identify the titular).
pub async fn forget(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form_value(&form, "csrf"))?;
    let who = &staff.who;
    app.registry.publication_for(who, &folio).await?;
    let typed: Vec<(String, String)> = form.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let result = match unknown_field(&typed, &[]) {
        Some(k) => Err((k.clone(), format!("campo desconocido «{k}»"))),
        None => match app.registry.forget_publication(who, &folio).await {
            Ok(_) => Ok(()),
            Err(e) => Err(refused(e, "forget")?),
        },
    };
    back_to_request(
        &app,
        &staff,
        &folio,
        Section::Publication,
        "publicacion_suprimida",
        result,
        &typed,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn builds_the_changes_from_the_forms() {
        let c = change_of(
            ChangeKind::Registered,
            &form(&[
                ("platform", "x"),
                ("handle", "@SEJalisco"),
                ("url", ""),
                ("kind", "official"),
                ("servant_level", ""),
                ("area", "Comunicación Social"),
                ("verification", "verified"),
                ("on", "2026-01-10"),
            ]),
        )
        .unwrap();
        assert_eq!(
            c,
            Change::Registered {
                platform: Platform::X,
                handle: "@SEJalisco".into(),
                url: None,
                kind: AccountKind::Official,
                servant_level: None,
                area: "Comunicación Social".into(),
                verification: Verification::Verified,
            }
        );
        assert_eq!(
            change_of(ChangeKind::GestorLeft, &form(&[("gestor", "2")])).unwrap(),
            Change::GestorLeft { gestor: 2 }
        );
        assert_eq!(
            change_of(ChangeKind::PasswordsRotated, &form(&[("on", "2026-01-10")])).unwrap(),
            Change::PasswordsRotated {}
        );
        // Every field of every change the form knows, and no other.
        for k in ChangeKind::ALL {
            let names: Vec<&str> = specs(*k).iter().map(|s| s.name).collect();
            let mut seen = Vec::new();
            for s in specs(*k) {
                assert!(!seen.contains(&s.name));
                seen.push(s.name);
            }
            assert!(names.iter().all(|n| !RESERVED.contains(n)));
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        let e = change_of(
            ChangeKind::Registered,
            &form(&[("platform", "x"), ("password", "secreta")]),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("password"));
        let e = change_of(ChangeKind::Registered, &form(&[("platform", "myspace")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("platform"));
        let e = change_of(ChangeKind::RunByArea, &form(&[("from", "ayer")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("from"));
        let e = change_of(ChangeKind::GestorLeft, &form(&[])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("gestor"));
        assert_eq!(
            on_of(&form(&[("on", "x")])).unwrap_err().field.as_deref(),
            Some("on")
        );
        assert_eq!(
            field_named("campo «handle»: el nombre de la cuenta no lleva espacios").as_deref(),
            Some("handle")
        );
        assert_eq!(field_named("la cuenta ya está registrada"), None);
    }
}
