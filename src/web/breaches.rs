//! Security breaches (vulneraciones de seguridad, arts. 38–43) for the staff: the list of
//! the caller's breaches with their 72-hour notice term, the bitácora (art. 39) as CSV, the
//! detection form, and the case page with one form per act the library allows now.
//!
//! Every handler goes through the scoped functions of `src/service/breach_access.rs`, so
//! what a page shows and lets record is exactly what the API does: a breach the caller may
//! not read is not found; states, labels, allowed acts and due instants are the library's.
//! The forms' fields are the fields of [`BreachAct`]'s variants, their choices the
//! categories of `src/breach/act.rs`; whether a value is lawful is the procedure's to say,
//! and its refusal is shown beside the field it names, with what was typed kept.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::{Map, Value};

use super::cases::Opt;
use super::{Chrome, Staff, WebError, moment_text, no_store, render, urlencode};
use crate::accounts::{Access, Principal};
use crate::breach::{
    AffectedRight, BreachAct, BreachActKind, BreachCause, BreachDeadline, BreachKind, DataCategory,
    InformationChannel, Investigation, InvestigationOutcome, Measure, MeasureStage,
    NotSignificantReason, NoticeMeans, Recommendation,
};
use crate::calendar::Moment;
use crate::case::DeadlineStatus;
use crate::http::{App, Problem};
use crate::service::{BitacoraLine, BreachDetail, DetectionPeriod, ServiceError};

// ---------------------------------------------------------------------------------------
// Words for instants and hours

/// A recorded moment as staff read it: `05/02/2026 16:10`, or the date alone.
fn moment_es(m: &Moment) -> String {
    match m {
        Moment::Date(d) => format!("{} (sin hora)", d.format("%d/%m/%Y")),
        Moment::Local(dt) => dt.format("%d/%m/%Y %H:%M").to_string(),
        Moment::Instant(i) => instant_es(*i),
    }
}

/// An instant on the calendar's own clock (the offset the library gave it).
fn instant_es(t: DateTime<FixedOffset>) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

fn date_es(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn amount(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The time left until an instant (negative: since it passed) in words, with the class of
/// its colour: these terms fall due at an instant (art. 40), so they are counted in hours
/// and minutes, not in business days.
pub(crate) fn hours_left_badge(minutes: i64) -> (String, &'static str) {
    let span = |m: i64| {
        let (h, min) = (m / 60, m % 60);
        match (h, min) {
            (0, min) => amount(min, "minuto", "minutos"),
            (h, 0) => amount(h, "hora", "horas"),
            (h, min) => format!(
                "{} y {}",
                amount(h, "hora", "horas"),
                amount(min, "minuto", "minutos")
            ),
        }
    };
    match minutes {
        m if m < 0 => (format!("Venció hace {}", span(-m)), "vencido"),
        0 => ("Vence ahora".into(), "hoy"),
        m if m < 60 => (format!("Quedan {}", span(m)), "hoy"),
        m if m <= 24 * 60 => (format!("Quedan {}", span(m)), "pronto"),
        m => (format!("Quedan {}", span(m)), "holgado"),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn act_label(act: &str) -> String {
    capital(BreachActKind::parse(act).map_or(act, |k| k.label_es()))
}

// ---------------------------------------------------------------------------------------
// The notice terms (art. 40)

/// A notice term as the pages show it.
pub struct DeadlineView {
    pub id: &'static str,
    pub to: String,
    pub article: String,
    pub from: String,
    pub hours: u32,
    pub due: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub done: String,
    pub open: bool,
    pub badge: String,
    pub badge_class: &'static str,
}

fn deadline_view(d: &BreachDeadline, now: DateTime<Utc>) -> DeadlineView {
    let open = matches!(d.status, DeadlineStatus::Pending | DeadlineStatus::Missed);
    let (badge, badge_class) = if open {
        hours_left_badge((d.due.with_timezone(&Utc) - now).num_minutes())
    } else {
        (String::new(), "ninguno")
    };
    DeadlineView {
        id: match d.to {
            crate::breach::Recipient::Titulars => "titulares",
            crate::breach::Recipient::Guarantor => "garante",
        },
        to: capital(d.to.label_es()),
        article: d.article.clone(),
        from: instant_es(d.from),
        hours: d.hours,
        due: instant_es(d.due),
        status: d.status.label_es(),
        status_class: d.status.as_str(),
        done: d.done.map(instant_es).unwrap_or_default(),
        open,
        badge,
        badge_class,
    }
}

// ---------------------------------------------------------------------------------------
// The list and the bitácora

const LIST_KEYS: &[&str] = &["desde", "hasta", "sujeto"];

/// The filters of the list and the CSV, as typed.
#[derive(Debug, Default, Clone)]
struct Filter {
    desde: String,
    hasta: String,
    sujeto: String,
}

impl Filter {
    /// Reads the query string; a parameter the page does not know is refused (400).
    fn parse(raw: Option<&str>) -> Result<Filter, WebError> {
        let mut f = Filter::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            match k.as_ref() {
                "desde" => f.desde = v,
                "hasta" => f.hasta = v,
                "sujeto" => f.sujeto = v,
                other => {
                    return Err(WebError {
                        status: StatusCode::BAD_REQUEST,
                        title: "Consulta no válida".into(),
                        detail: format!(
                            "El parámetro «{other}» no es de esta página; use: {}.",
                            LIST_KEYS.join(", ")
                        ),
                    });
                }
            }
        }
        Ok(f)
    }

    fn sujeto(&self) -> Option<&str> {
        Some(self.sujeto.as_str()).filter(|s| !s.is_empty())
    }

    /// The period typed, or the fields at fault.
    fn period(&self) -> Result<DetectionPeriod, Vec<(String, String)>> {
        let date = |field: &str, v: &str| -> Result<Option<NaiveDate>, (String, String)> {
            if v.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    (
                        field.to_string(),
                        format!(
                            "«{v}» no es una fecha; escríbala como AAAA-MM-DD (por ejemplo, 2026-01-31)"
                        ),
                    )
                })
        };
        let from = date("desde", &self.desde);
        let to = date("hasta", &self.hasta);
        match (from, to) {
            (Ok(from), Ok(to)) => Ok(DetectionPeriod { from, to }),
            (from, to) => Err(from.err().into_iter().chain(to.err()).collect()),
        }
    }

    /// The query of the same filter.
    fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("desde", &self.desde),
            ("hasta", &self.hasta),
            ("sujeto", &self.sujeto),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// The caller's breaches for the filter, or the refusal beside the field it is about.
async fn lines_for(
    app: &App,
    who: &Principal,
    f: &Filter,
) -> Result<Result<Vec<BitacoraLine>, Vec<(String, String)>>, WebError> {
    let period = match f.period() {
        Ok(p) => p,
        Err(errors) => return Ok(Err(errors)),
    };
    match app.registry.breaches_for(who, f.sujeto(), period).await {
        Ok(lines) => Ok(Ok(lines)),
        // A reversed period is the service's to refuse; it is about «hasta».
        Err(ServiceError::BadInput(m)) => Ok(Err(vec![("hasta".into(), m)])),
        Err(e) => Err(e.into()),
    }
}

/// A line of the list.
pub struct BreachRow {
    pub folio: String,
    pub href: String,
    pub body: String,
    pub state: String,
    pub detected: String,
    pub due: String,
    pub badge: String,
    pub badge_class: &'static str,
    /// The notices still owed, when the term is open.
    pub pending: String,
}

#[derive(Template)]
#[template(path = "web/breaches.html")]
struct ListPage {
    chrome: Chrome,
    desde: String,
    hasta: String,
    bodies: Vec<Opt>,
    errors: Vec<(String, String)>,
    desde_error: Option<String>,
    hasta_error: Option<String>,
    rows: Vec<BreachRow>,
    csv: String,
    may_detect: bool,
    now: String,
}

/// Whether `who` may enter a breach of its own body (art. 39): the act's roles, and the
/// body's scope, as the library says.
fn may_detect(who: &Principal) -> bool {
    BreachActKind::BreachDetected
        .allowed_roles()
        .contains(&who.role())
        && who
            .body()
            .is_some_and(|b| who.may_breach(b, false, Access::Act))
}

async fn row(
    app: &App,
    who: &Principal,
    l: &BitacoraLine,
    now: DateTime<Utc>,
) -> Result<BreachRow, WebError> {
    let mut r = BreachRow {
        folio: l.folio.clone(),
        href: format!("/vulneraciones/{}", urlencode(&l.folio)),
        body: l.body.clone(),
        state: capital(l.entry.state.label_es()),
        detected: moment_es(&l.entry.detected),
        due: l.notice_due.map(instant_es).unwrap_or_default(),
        badge: "Sin plazo abierto".into(),
        badge_class: "ninguno",
        pending: String::new(),
    };
    if l.notice_due.is_none() {
        return Ok(r);
    }
    // The terms' status is the library's (which notices are owed, met or void): asked of
    // the breach itself. Breaches are few; each is read once.
    let d = app.registry.breach_for(who, &l.folio, None, now).await?;
    let open: Vec<&BreachDeadline> = d
        .deadlines
        .iter()
        .filter(|t| matches!(t.status, DeadlineStatus::Pending | DeadlineStatus::Missed))
        .collect();
    if let Some(first) = open.first() {
        let (b, c) = hours_left_badge((first.due.with_timezone(&Utc) - now).num_minutes());
        r.badge = b;
        r.badge_class = c;
        r.pending = open
            .iter()
            .map(|t| t.to.label_es())
            .collect::<Vec<_>>()
            .join(", ");
    } else {
        let statuses: Vec<String> = d
            .deadlines
            .iter()
            .map(|t| format!("{}: {}", capital(t.to.label_es()), t.status.label_es()))
            .collect();
        r.badge = statuses.join("; ");
    }
    Ok(r)
}

/// `GET /vulneraciones`: the caller's breaches, with the period (and, for whoever sees
/// several bodies, the body) chosen.
pub async fn list(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let f = Filter::parse(raw.as_deref())?;
    let now = Utc::now();
    let who = &staff.who;
    let (lines, errors) = match lines_for(&app, who, &f).await? {
        Ok(lines) => (lines, Vec::new()),
        Err(errors) => (Vec::new(), errors),
    };
    let mut rows = Vec::with_capacity(lines.len());
    for l in &lines {
        rows.push(row(&app, who, l, now).await?);
    }
    let q = f.query();
    let error = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    };
    let page = ListPage {
        desde_error: error("desde"),
        hasta_error: error("hasta"),
        chrome: staff.chrome("vulneraciones"),
        desde: f.desde.clone(),
        hasta: f.hasta.clone(),
        bodies: super::reports::body_options(&app, &staff, &f.sujeto).await?,
        csv: if q.is_empty() {
            "/vulneraciones/bitacora.csv".into()
        } else {
            format!("/vulneraciones/bitacora.csv?{q}")
        },
        may_detect: may_detect(who),
        now: moment_text(now),
        rows,
        errors,
    };
    let bad = !page.errors.is_empty();
    let mut res = render(&page)?;
    if bad {
        *res.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(res)
}

/// `GET /vulneraciones/bitacora.csv`: the bitácora (art. 39) of the same filter.
pub async fn bitacora_csv(
    State(app): State<Arc<App>>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let f = Filter::parse(raw.as_deref())?;
    let lines = match lines_for(&app, &staff.who, &f).await? {
        Ok(lines) => lines,
        Err(errors) => {
            return Err(WebError {
                status: StatusCode::BAD_REQUEST,
                title: "Periodo no válido".into(),
                detail: errors
                    .iter()
                    .map(|(field, m)| {
                        format!("{}: {m}", if field == "desde" { "Desde" } else { "Hasta" })
                    })
                    .collect::<Vec<_>>()
                    .join(". "),
            });
        }
    };
    let name = match (f.desde.as_str(), f.hasta.as_str()) {
        ("", "") => "bitacora-vulneraciones.csv".to_string(),
        (from, to) => format!("bitacora-vulneraciones-{from}-{to}.csv"),
    };
    let mut res = crate::report::breaches::bitacora_csv(&lines).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(no_store(res))
}

// ---------------------------------------------------------------------------------------
// The forms of the acts

/// How a field of an act is typed.
enum Input {
    /// One of (value, label).
    One(Vec<(&'static str, &'static str)>),
    /// Any of (value, label): a list of categories.
    Many(Vec<(&'static str, &'static str)>),
    Number,
    Date,
    Flag,
}

/// A field of an act's form: `name` is the act's JSON key (`notice.data` goes in the
/// nested notice).
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

fn spec(name: &'static str, label: &'static str, input: Input, required: bool) -> Spec {
    Spec {
        name,
        label,
        help: "",
        input,
        required,
    }
}

fn with_help(mut s: Spec, help: &'static str) -> Spec {
    s.help = help;
    s
}

/// The contents of a notice (art. 41.1, fracciones I to V): the fields of `Notice`.
fn notice_specs() -> Vec<Spec> {
    vec![
        spec(
            "notice.nature",
            "I. La naturaleza del incidente (art. 41.1.I)",
            Input::One(choices!(BreachKind)),
            true,
        ),
        spec(
            "notice.data",
            "II. Los datos personales comprometidos (art. 41.1.II)",
            Input::Many(choices!(DataCategory)),
            false,
        ),
        spec(
            "notice.recommendations",
            "III. Las recomendaciones al titular (art. 41.1.III)",
            Input::Many(choices!(Recommendation)),
            false,
        ),
        spec(
            "notice.immediate_actions",
            "IV. Las acciones correctivas inmediatas (art. 41.1.IV)",
            Input::Many(choices!(Measure)),
            false,
        ),
        spec(
            "notice.information",
            "V. Los medios para obtener más información (art. 41.1.V)",
            Input::Many(choices!(InformationChannel)),
            false,
        ),
    ]
}

/// The fields of each act, from the variants of [`BreachAct`].
fn specs(kind: BreachActKind) -> Vec<Spec> {
    use BreachActKind as K;
    match kind {
        K::BreachDetected => vec![spec(
            "occurred_on",
            "Fecha en que ocurrió, si se sabe (art. 39.1.I)",
            Input::Date,
            false,
        )],
        K::BreachConfirmed => vec![
            spec(
                "kind",
                "Tipo de vulneración (art. 38.1)",
                Input::One(choices!(BreachKind)),
                true,
            ),
            spec(
                "cause",
                "Motivo (art. 39.1.II)",
                Input::One(choices!(BreachCause)),
                true,
            ),
            spec(
                "occurred_on",
                "Fecha en que ocurrió, si se sabe (art. 39.1.I)",
                Input::Date,
                false,
            ),
            with_help(
                spec(
                    "data",
                    "Categorías de datos personales comprometidos",
                    Input::Many(choices!(DataCategory)),
                    false,
                ),
                "Las que se conozcan hasta ahora.",
            ),
            spec(
                "titulars",
                "Número de titulares afectados, si se sabe",
                Input::Number,
                false,
            ),
        ],
        K::BreachAnalysed => vec![
            spec(
                "significant",
                "¿Afecta de forma significativa los derechos patrimoniales o morales de los titulares? (art. 40)",
                Input::One(vec![("true", "Sí"), ("false", "No")]),
                true,
            ),
            with_help(
                spec(
                    "rights",
                    "Derechos afectados",
                    Input::Many(choices!(AffectedRight)),
                    false,
                ),
                "Si la afectación es significativa.",
            ),
            with_help(
                spec(
                    "reason",
                    "Razón de que no sea significativa",
                    Input::One(choices!(NotSignificantReason)),
                    false,
                ),
                "Si no lo es; queda en la bitácora. El razonamiento va al expediente.",
            ),
        ],
        K::GuarantorNotified => notice_specs(),
        K::TitularsNotified => {
            let mut v = notice_specs();
            v.push(spec(
                "means",
                "Medio por el que se avisó",
                Input::One(choices!(NoticeMeans)),
                true,
            ));
            v.push(spec(
                "count",
                "Titulares a quienes llegó esta parte del aviso",
                Input::Number,
                true,
            ));
            v.push(spec(
                "completes",
                "Con esta parte quedan avisados todos los titulares afectados",
                Input::Flag,
                false,
            ));
            v
        }
        K::CorrectiveMeasures => vec![
            spec(
                "stage",
                "Etapa de las acciones (art. 39.1.III)",
                Input::One(choices!(MeasureStage)),
                true,
            ),
            spec(
                "measures",
                "Acciones correctivas (arts. 39.1.III y 42)",
                Input::Many(choices!(Measure)),
                false,
            ),
        ],
        K::InvestigationClosed => vec![spec(
            "outcome",
            "Conclusión de la investigación previa (art. 43)",
            Input::One(choices!(InvestigationOutcome)),
            true,
        )],
        K::BreachDiscarded | K::BreachClosed | K::InvestigationOpened => Vec::new(),
    }
}

/// The form's reserved names (not act data).
const RESERVED: &[&str] = &["csrf", "at", "version"];

/// Why what was typed could not become an act: the field at fault when there is one.
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

/// The act from the typed values, read by the library's own deserializer (which refuses
/// an unknown field or category naming it).
fn act_of(kind: BreachActKind, form: &[(String, String)]) -> Result<BreachAct, Refusal> {
    let specs = specs(kind);
    if let Some((k, _)) = form
        .iter()
        .find(|(k, _)| !RESERVED.contains(&k.as_str()) && !specs.iter().any(|s| s.name == k))
    {
        return Err(Refusal::at(
            k,
            format!("campo desconocido «{k}» para este acto"),
        ));
    }
    let mut obj = Map::new();
    obj.insert("act".into(), Value::String(kind.as_str().into()));
    let mut notice = Map::new();
    for s in &specs {
        let typed: Vec<&str> = form
            .iter()
            .filter(|(k, _)| k == s.name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let check = |options: &[(&str, &str)], v: &str| {
            if options.iter().any(|(o, _)| *o == v) {
                Ok(())
            } else {
                Err(Refusal::at(
                    s.name,
                    format!("«{v}» no es una opción de «{}»", s.label),
                ))
            }
        };
        let value = match (&s.input, typed.first()) {
            (Input::Flag, v) => Some(Value::Bool(v.is_some_and(|v| *v != "false"))),
            (Input::Many(options), _) => {
                for v in &typed {
                    check(options.as_slice(), v)?;
                }
                Some(Value::Array(
                    typed.iter().map(|v| Value::String(v.to_string())).collect(),
                ))
            }
            (_, None) if s.required => {
                return Err(Refusal::at(s.name, format!("falta «{}»", s.label)));
            }
            (_, None) => None,
            (Input::One(options), Some(v)) => {
                check(options.as_slice(), v)?;
                Some(match *v {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    v => Value::String(v.to_string()),
                })
            }
            (Input::Number, Some(v)) => Some(Value::from(v.parse::<u32>().map_err(|_| {
                Refusal::at(
                    s.name,
                    format!(
                        "«{}» debe ser un número entero sin signo; se escribió «{v}»",
                        s.label
                    ),
                )
            })?)),
            (Input::Date, Some(v)) => {
                if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() {
                    return Err(Refusal::at(
                        s.name,
                        format!(
                            "«{}» debe ser una fecha AAAA-MM-DD; se escribió «{v}»",
                            s.label
                        ),
                    ));
                }
                Some(Value::String(v.to_string()))
            }
        };
        let Some(value) = value else { continue };
        match s.name.strip_prefix("notice.") {
            Some(inner) => {
                notice.insert(inner.to_string(), value);
            }
            None => {
                obj.insert(s.name.to_string(), value);
            }
        }
    }
    if specs.iter().any(|s| s.name.starts_with("notice.")) {
        obj.insert("notice".into(), Value::Object(notice));
    }
    serde_json::from_value::<BreachAct>(Value::Object(obj)).map_err(|e| Refusal {
        field: None,
        message: e.to_string(),
    })
}

/// The act's moment, as typed (office time).
fn moment_of(form: &[(String, String)]) -> Result<Moment, Refusal> {
    let raw = super::cases::form_value(form, "at").map_or("", str::trim);
    if raw.is_empty() {
        return Err(Refusal::at(
            "at",
            "falta la fecha y hora en que se hizo el acto".into(),
        ));
    }
    raw.parse::<Moment>()
        .map_err(|e| Refusal::at("at", e.to_string()))
}

/// The field a refusal of the library names: its JSON key as a word of the message
/// (`measures: diga al menos una acción…`, `count = 0: …`).
fn field_named(kind: BreachActKind, message: &str) -> Option<&'static str> {
    let words: Vec<&str> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    specs(kind).into_iter().map(|s| s.name).find(|name| {
        let key = name.strip_prefix("notice.").unwrap_or(*name);
        words.contains(&key)
    })
}

/// A field of an act's form as shown.
pub struct FieldView {
    pub id: String,
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    /// `one`, `many`, `number`, `date` or `flag`.
    pub input: &'static str,
    pub required: bool,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
}

/// One act's form on the case page.
pub struct ActForm {
    pub name: &'static str,
    pub label: String,
    pub action: String,
    pub at: String,
    pub at_error: Option<String>,
    pub fields: Vec<FieldView>,
    pub error: Option<String>,
}

fn now_local() -> String {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn field_views(
    kind: BreachActKind,
    prefix: &str,
    typed: &[(String, String)],
    error: Option<(&str, &str)>,
) -> Vec<FieldView> {
    specs(kind)
        .into_iter()
        .map(|s| {
            let values: Vec<&str> = typed
                .iter()
                .filter(|(k, _)| k == s.name)
                .map(|(_, v)| v.as_str())
                .collect();
            let opts = |o: &[(&'static str, &'static str)]| -> Vec<Opt> {
                o.iter()
                    .map(|(v, l)| Opt {
                        value: (*v).into(),
                        label: capital(l),
                        on: values.contains(v),
                    })
                    .collect()
            };
            let (input, options) = match &s.input {
                Input::One(o) => ("one", opts(o.as_slice())),
                Input::Many(o) => ("many", opts(o.as_slice())),
                Input::Number => ("number", Vec::new()),
                Input::Date => ("date", Vec::new()),
                Input::Flag => ("flag", Vec::new()),
            };
            FieldView {
                id: format!("{prefix}-{}", s.name.replace('.', "-")),
                name: s.name,
                label: s.label,
                help: s.help,
                input,
                required: s.required,
                value: values.first().map(|v| v.to_string()).unwrap_or_default(),
                options,
                error: error
                    .filter(|(f, _)| *f == s.name)
                    .map(|(_, m)| m.to_string()),
            }
        })
        .collect()
}

/// An act that was not recorded: the form comes back with what was typed and why.
struct Failed {
    act: BreachActKind,
    typed: Vec<(String, String)>,
    field: Option<String>,
    message: String,
    status: StatusCode,
}

fn act_form(folio: &str, kind: BreachActKind, failed: Option<&Failed>) -> ActForm {
    let failed = failed.filter(|f| f.act == kind);
    let typed = failed.map_or(&[][..], |f| f.typed.as_slice());
    let error = failed.and_then(|f| f.field.as_deref().map(|x| (x, f.message.as_str())));
    let prefix = format!("f-{}", kind.as_str());
    ActForm {
        name: kind.as_str(),
        label: capital(kind.label_es()),
        action: format!(
            "/vulneraciones/{}/actos/{}",
            urlencode(folio),
            kind.as_str()
        ),
        at: super::cases::form_value(typed, "at").map_or_else(now_local, str::to_string),
        at_error: error
            .filter(|(f, _)| *f == "at")
            .map(|(_, m)| m.to_string()),
        fields: field_views(kind, &prefix, typed, error),
        error: failed.map(|f| f.message.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// The case page

/// One act of the log as shown.
pub struct LogView {
    pub seq: i64,
    pub act: String,
    pub at: String,
    pub late: bool,
    pub actor: String,
    pub role: String,
    pub recorded: String,
}

/// A line of the bitácora (art. 39) as the case page shows it: (label, value).
fn bitacora_view(d: &BreachDetail) -> Vec<(&'static str, String)> {
    let e = &d.bitacora;
    let list = |v: Vec<&'static str>| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join("; ")
        }
    };
    let yes_no = |b: bool| if b { "sí" } else { "no" }.to_string();
    let opt = |o: Option<String>| o.unwrap_or_else(|| "—".into());
    let mut out = vec![
        (
            "Qué pasó (art. 38.1)",
            opt(e.kind.map(|k| capital(k.label_es()))),
        ),
        (
            "Fecha en que ocurrió (art. 39.1.I)",
            opt(e.occurred_on.map(date_es)),
        ),
        ("Detectada", moment_es(&e.detected)),
        ("Confirmada", opt(e.confirmed.as_ref().map(moment_es))),
        (
            "Motivo (art. 39.1.II)",
            opt(e.cause.map(|c| capital(c.label_es()))),
        ),
        (
            "Categorías de datos",
            list(e.data.iter().map(|c| c.label_es()).collect()),
        ),
        (
            "Titulares afectados",
            opt(e.titulars.map(|n| n.to_string())),
        ),
        (
            "Afectación significativa (art. 40)",
            opt(e.significant.map(yes_no)),
        ),
    ];
    if let Some(r) = e.not_significant_reason {
        out.push(("Razón de no ser significativa", capital(r.label_es())));
    }
    out.extend([
        (
            "Acciones correctivas inmediatas (art. 39.1.III)",
            list(e.immediate_measures.iter().map(|m| m.label_es()).collect()),
        ),
        (
            "Acciones correctivas definitivas (art. 39.1.III)",
            list(e.definitive_measures.iter().map(|m| m.label_es()).collect()),
        ),
        (
            "Aviso al órgano garante",
            opt(e.guarantor_notified.as_ref().map(moment_es)),
        ),
        (
            "Aviso a los titulares (completo)",
            opt(e.titulars_notified.as_ref().map(moment_es)),
        ),
        ("Titulares avisados", e.titulars_reached.to_string()),
        ("Aviso fuera de plazo", yes_no(e.late_notice)),
        ("Cerrada", opt(e.closed.as_ref().map(moment_es))),
    ]);
    if let Some(i) = &d.breach.investigation {
        out.push((
            "Investigación previa del órgano garante (art. 43)",
            match i {
                Investigation::Open { opened } => {
                    format!("abierta el {}", moment_es(&opened.at))
                }
                Investigation::Closed {
                    opened,
                    closed,
                    outcome,
                } => format!(
                    "abierta el {}, concluida el {}: {}",
                    moment_es(&opened.at),
                    moment_es(&closed.at),
                    outcome.label_es()
                ),
            },
        ));
    }
    out
}

#[derive(Template)]
#[template(path = "web/breach.html")]
struct CasePage {
    chrome: Chrome,
    folio: String,
    body: String,
    calendar: String,
    state: String,
    as_of: String,
    notice: Option<String>,
    summary: Option<String>,
    bitacora: Vec<(&'static str, String)>,
    deadlines: Vec<DeadlineView>,
    forms: Vec<ActForm>,
    version: usize,
    log: Vec<LogView>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    pub registrado: Option<String>,
}

async fn case_page(
    app: &App,
    staff: &Staff,
    folio: &str,
    notice: Option<String>,
    failed: Option<Failed>,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let who = &staff.who;
    let d = app.registry.breach_for(who, folio, None, now).await?;
    let at = Moment::Instant(now.fixed_offset());
    let acts = app.registry.allowed_breach_acts_for(who, folio, at).await?;
    let forms = acts
        .into_iter()
        .map(|k| act_form(&d.folio, k, failed.as_ref()))
        .collect();
    let page = CasePage {
        chrome: staff.chrome("vulneraciones"),
        folio: d.folio.clone(),
        body: d.body.clone(),
        calendar: d.calendar.clone(),
        state: capital(d.state_label),
        as_of: instant_es(d.as_of),
        notice,
        summary: failed.as_ref().map(|f| {
            format!(
                "No se registró «{}»: {}",
                capital(f.act.label_es()),
                f.message
            )
        }),
        bitacora: bitacora_view(&d),
        deadlines: d.deadlines.iter().map(|t| deadline_view(t, now)).collect(),
        forms,
        version: d.log.len(),
        log: d
            .log
            .iter()
            .map(|e| LogView {
                seq: e.seq,
                act: act_label(&e.act),
                at: e
                    .occurred_at
                    .parse::<Moment>()
                    .map_or_else(|_| e.occurred_at.clone(), |m| moment_es(&m)),
                late: e.late,
                actor: e.actor.clone(),
                role: crate::case::Role::parse(&e.role)
                    .map_or_else(|| e.role.clone(), |r| r.label_es().to_string()),
                recorded: moment_text(e.recorded_at),
            })
            .collect(),
    };
    let mut res = render(&page)?;
    if let Some(f) = failed {
        *res.status_mut() = f.status;
    }
    Ok(res)
}

/// `GET /vulneraciones/{folio}`: the case page.
pub async fn page(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path(folio): Path<String>,
    axum::extract::Query(q): axum::extract::Query<CaseQuery>,
) -> Result<Response, WebError> {
    let notice = q
        .registrado
        .as_deref()
        .and_then(BreachActKind::parse)
        .map(|k| format!("Quedó registrado: {}.", k.label_es()));
    case_page(&app, &staff, &folio, notice, None).await
}

/// `POST /vulneraciones/{folio}/actos/{act}`: records the act, back to the case page.
pub async fn act(
    State(app): State<Arc<App>>,
    staff: Staff,
    Path((folio, act)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(super::cases::form_value(&form, "csrf"))?;
    let kind = BreachActKind::parse(&act)
        .filter(|k| *k != BreachActKind::BreachDetected)
        .ok_or_else(|| {
            WebError::from(Problem::not_found(format!(
                "no existe el acto «{act}» de una vulneración"
            )))
        })?;
    let now = Utc::now();
    let who = &staff.who;
    // Read first: a breach the caller may not read is not found, whatever the form says.
    let current = app.registry.breach_for(who, &folio, None, now).await?;
    let typed: Vec<(String, String)> = form
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "version")
        .cloned()
        .collect();
    let fail = |field: Option<String>, message: String, status: StatusCode| Failed {
        act: kind,
        typed: typed.clone(),
        field,
        message,
        status,
    };
    let seen = super::cases::form_value(&form, "version").and_then(|v| v.parse::<usize>().ok());
    if seen.is_some_and(|v| v != current.log.len()) {
        let last = current.log.last();
        let message = format!(
            "mientras usted llenaba este formulario, {} registró «{}» en esta vulneración. \
             Revise el estado y los plazos; si el acto sigue procediendo, vuelva a enviarlo: \
             lo que escribió se conservó.",
            last.map_or("otra persona", |l| l.actor.as_str()),
            last.map(|l| act_label(&l.act)).unwrap_or_default()
        );
        let f = fail(None, message, StatusCode::CONFLICT);
        return case_page(&app, &staff, &folio, None, Some(f)).await;
    }
    let parsed = act_of(kind, &form).and_then(|a| moment_of(&form).map(|m| (a, m)));
    let (breach_act, at) = match parsed {
        Ok(p) => p,
        Err(r) => {
            let f = fail(r.field, r.message, StatusCode::UNPROCESSABLE_ENTITY);
            return case_page(&app, &staff, &folio, None, Some(f)).await;
        }
    };
    match app
        .registry
        .act_breach_as(who, &folio, breach_act, at, now)
        .await
    {
        Ok(d) => Ok(no_store(
            Redirect::to(&format!(
                "/vulneraciones/{}?registrado={}",
                urlencode(&d.folio),
                kind.as_str()
            ))
            .into_response(),
        )),
        Err(e) => {
            let p = Problem::from(e);
            if p.status == 422 || p.status == 409 {
                let field = p
                    .field
                    .clone()
                    .or_else(|| field_named(kind, &p.detail).map(str::to_string));
                let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::CONFLICT);
                let f = fail(field, p.detail, status);
                case_page(&app, &staff, &folio, None, Some(f)).await
            } else {
                Err(p.into())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The detection

#[derive(Template)]
#[template(path = "web/breach_new.html")]
struct NewPage {
    chrome: Chrome,
    form: ActForm,
}

fn detection_form(typed: &[(String, String)], error: Option<&Refusal>) -> ActForm {
    let kind = BreachActKind::BreachDetected;
    let e = error.and_then(|r| r.field.as_deref().map(|f| (f, r.message.as_str())));
    ActForm {
        name: kind.as_str(),
        label: capital(kind.label_es()),
        action: "/vulneraciones/nueva".into(),
        at: super::cases::form_value(typed, "at").map_or_else(now_local, str::to_string),
        at_error: e.filter(|(f, _)| *f == "at").map(|(_, m)| m.to_string()),
        fields: field_views(kind, "f", typed, e),
        error: error.map(|r| r.message.clone()),
    }
}

fn refuse_detection(who: &Principal) -> WebError {
    WebError {
        status: StatusCode::FORBIDDEN,
        title: "Sin permiso".into(),
        detail: format!(
            "{} no registra vulneraciones de seguridad; las registra la Unidad de Transparencia del sujeto obligado.",
            capital(who.role().label_es())
        ),
    }
}

/// `GET /vulneraciones/nueva`: the detection form (art. 39).
pub async fn new_form(staff: Staff) -> Result<Response, WebError> {
    if !may_detect(&staff.who) {
        return Err(refuse_detection(&staff.who));
    }
    render(&NewPage {
        chrome: staff.chrome("vulneraciones"),
        form: detection_form(&[], None),
    })
}

/// `POST /vulneraciones/nueva`: enters the breach and opens its page.
pub async fn detect(
    State(app): State<Arc<App>>,
    staff: Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.check_csrf(super::cases::form_value(&form, "csrf"))?;
    let typed: Vec<(String, String)> = form.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let again = |r: Refusal, status: StatusCode| -> Result<Response, WebError> {
        let mut res = render(&NewPage {
            chrome: staff.chrome("vulneraciones"),
            form: detection_form(&typed, Some(&r)),
        })?;
        *res.status_mut() = status;
        Ok(res)
    };
    let parsed =
        act_of(BreachActKind::BreachDetected, &form).and_then(|a| moment_of(&form).map(|m| (a, m)));
    let (detection, at) = match parsed {
        Ok(p) => p,
        Err(r) => return again(r, StatusCode::UNPROCESSABLE_ENTITY),
    };
    match app
        .registry
        .detect_breach_as(&staff.who, None, detection, at, Utc::now())
        .await
    {
        Ok(d) => Ok(no_store(
            Redirect::to(&format!(
                "/vulneraciones/{}?registrado={}",
                urlencode(&d.folio),
                BreachActKind::BreachDetected.as_str()
            ))
            .into_response(),
        )),
        Err(e) => {
            let p = Problem::from(e);
            if p.status == 422 || p.status == 409 {
                let field = p.field.clone().or_else(|| {
                    field_named(BreachActKind::BreachDetected, &p.detail).map(str::to_string)
                });
                let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::CONFLICT);
                again(
                    Refusal {
                        field,
                        message: p.detail,
                    },
                    status,
                )
            } else {
                Err(p.into())
            }
        }
    }
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
    fn hours_in_words() {
        assert_eq!(hours_left_badge(72 * 60).0, "Quedan 72 horas");
        assert_eq!(hours_left_badge(61).0, "Quedan 1 hora y 1 minuto");
        assert_eq!(hours_left_badge(61).1, "pronto");
        assert_eq!(hours_left_badge(30), ("Quedan 30 minutos".into(), "hoy"));
        assert_eq!(
            hours_left_badge(-125),
            ("Venció hace 2 horas y 5 minutos".into(), "vencido")
        );
        assert_eq!(hours_left_badge(25 * 60).1, "holgado");
    }

    #[test]
    fn builds_the_acts_from_the_forms() {
        let a = act_of(
            BreachActKind::BreachConfirmed,
            &form(&[
                ("kind", "theft"),
                ("cause", "physical_loss"),
                ("data", "health"),
                ("data", "identification"),
                ("titulars", "120"),
                ("at", "2026-02-05T10:00"),
            ]),
        )
        .unwrap();
        assert_eq!(
            a,
            BreachAct::BreachConfirmed {
                kind: BreachKind::Theft,
                cause: BreachCause::PhysicalLoss,
                occurred_on: None,
                data: vec![DataCategory::Health, DataCategory::Identification],
                titulars: Some(120),
            }
        );
        let a = act_of(
            BreachActKind::TitularsNotified,
            &form(&[
                ("notice.nature", "theft"),
                ("notice.data", "health"),
                ("notice.recommendations", "alert_bank"),
                ("notice.immediate_actions", "access_revoked"),
                ("notice.information", "phone"),
                ("means", "email"),
                ("count", "3"),
                ("completes", "true"),
            ]),
        )
        .unwrap();
        let BreachAct::TitularsNotified {
            notice,
            count,
            completes,
            ..
        } = a
        else {
            panic!("no es un aviso a los titulares")
        };
        assert_eq!(notice.recommendations, vec![Recommendation::AlertBank]);
        assert_eq!((count, completes), (3, true));
        // A unit act from an empty form.
        assert_eq!(
            act_of(BreachActKind::BreachClosed, &form(&[("at", "x")])).unwrap(),
            BreachAct::BreachClosed
        );
        // Every act kind's sample acts have fields the form knows.
        for k in BreachActKind::ALL {
            for sample in crate::breach::sample_breach_acts(*k) {
                let v = serde_json::to_value(&sample).unwrap();
                let names: Vec<&str> = specs(*k).iter().map(|s| s.name).collect();
                for (key, val) in v.as_object().unwrap() {
                    if key == "act" {
                        continue;
                    }
                    if key == "notice" {
                        for inner in val.as_object().unwrap().keys() {
                            assert!(names.contains(&format!("notice.{inner}").as_str()));
                        }
                    } else {
                        assert!(names.contains(&key.as_str()), "{k:?}: {key}");
                    }
                }
            }
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        let e = act_of(BreachActKind::BreachConfirmed, &form(&[("kind", "theft")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("cause"));
        let e = act_of(
            BreachActKind::BreachConfirmed,
            &form(&[("kind", "leak"), ("cause", "unknown")]),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("kind"));
        let e = act_of(
            BreachActKind::BreachConfirmed,
            &form(&[("kind", "theft"), ("cause", "unknown"), ("titulars", "mil")]),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("titulars"));
        let e = act_of(BreachActKind::BreachClosed, &form(&[("nota", "x")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("nota"));
        assert_eq!(
            field_named(
                BreachActKind::CorrectiveMeasures,
                "measures: diga al menos una acción correctiva"
            ),
            Some("measures")
        );
        assert_eq!(
            field_named(
                BreachActKind::GuarantorNotified,
                "el aviso no dice recommendations: las recomendaciones al titular"
            ),
            Some("notice.recommendations")
        );
        assert_eq!(
            field_named(BreachActKind::BreachAnalysed, "el acto no procede"),
            None
        );
        assert_eq!(
            moment_of(&form(&[])).unwrap_err().field.as_deref(),
            Some("at")
        );
    }
}
