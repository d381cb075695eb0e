//! `arco request ...`, `arco import`, `arco verify`: the staff's commands over the database.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use arco::calendar::{CalendarLoader, Moment};
use arco::case::{Actor, Role};
use arco::expediente::admin::AreaName;
use arco::request::replay::History;
use arco::request::{ActKind, RequestAct, Right};
use arco::rules::Rulebooks;
use arco::service::{CaseDetail, CaseSummary, Registry};
use arco::storage::{Database, Directory, ListFilter};

use super::CliResult;

/// Where cases are kept.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// Base de datos: `sqlite:RUTA` (se crea y migra al primer uso) o
    /// `postgres://usuario@servidor/base` (migre antes con «arco migrate»).
    #[arg(
        long,
        env = "ARCO_DATABASE_URL",
        default_value = "sqlite:arco.db",
        global = true
    )]
    pub database: String,
}

/// Who is acting.
#[derive(Args, Clone)]
pub struct ActorArgs {
    /// Identificador de quien registra (cuenta del personal; nunca el nombre del titular).
    #[arg(long, env = "ARCO_ACTOR", default_value = "personal-ut")]
    pub actor: String,
    /// Rol con el que actúa: unit_staff, unit_head, committee (por omisión, el que el acto requiere).
    #[arg(long)]
    pub role: Option<String>,
}

#[derive(Subcommand)]
pub enum RequestCommand {
    /// Registra una solicitud nueva e imprime el acuse de recibo.
    File {
        /// Derecho: access, rectification, cancellation, opposition, portability.
        #[arg(long)]
        right: String,
        /// Cuándo se presentó (por omisión, ahora).
        #[arg(long)]
        at: Option<String>,
        /// Sujeto obligado (su clave).
        #[arg(long, env = "ARCO_BODY", default_value = "UT")]
        body: String,
        /// Calendario del sujeto obligado.
        #[arg(long, env = "ARCO_CALENDAR", default_value = "mx-jalisco")]
        calendar: String,
        #[command(flatten)]
        who: ActorArgs,
        /// Correo del titular, solo si pidió avisos de sus plazos (se guarda aparte del
        /// registro y se puede borrar con «arco request forget-contact»).
        #[arg(long)]
        titular_email: Option<String>,
        /// Medio por el que se presentó (art. 49.1): pnt, email, in_person, post, other.
        #[arg(long)]
        channel: Option<String>,
        /// Folio de la Plataforma Nacional u otro sistema.
        #[arg(long)]
        external_folio: Option<String>,
        /// Imprime JSON en lugar del acuse.
        #[arg(long)]
        json: bool,
    },
    /// Borra el correo del titular de un expediente.
    ForgetContact { folio: String },
    /// Borra las notas internas de un expediente (pueden contener datos personales).
    ForgetNotes { folio: String },
    /// Asigna la solicitud a una persona de la Unidad de Transparencia y/o registra el área
    /// que detenta los datos (registro administrativo: no cambia ningún plazo).
    Assign {
        folio: String,
        /// Usuario a cargo; «-» para quitar la asignación.
        #[arg(long)]
        to: Option<String>,
        /// Área administrativa que detenta los datos; «-» para quitarla.
        #[arg(long)]
        area: Option<String>,
        #[command(flatten)]
        who: ActorArgs,
    },
    /// Registra un acto en un expediente.
    Act {
        folio: String,
        /// prevention_notified, prevention_answered, admitted, incompetence_notified, redirected,
        /// other_procedure_notified, improcedence_reviewed, improcedence_notified,
        /// extension_notified, resolved, resolution_notified, fulfilled, withdrawn, closed.
        act: String,
        /// Cuándo ocurrió (por omisión, ahora).
        #[arg(long)]
        at: Option<String>,
        /// Sentido de la resolución: granted, partially_granted, denied, nonexistent.
        #[arg(long)]
        outcome: Option<String>,
        /// Causa de improcedencia (art. 55.1, I a X).
        #[arg(long)]
        cause: Option<String>,
        /// Incompetencia parcial (art. 54.2).
        #[arg(long)]
        partial: bool,
        /// Días de la ampliación del plazo de resolución, «hasta por cinco» (art. 59.2; por
        /// omisión, cinco).
        #[arg(long)]
        days: Option<u32>,
        /// Lo que el Comité decide sobre la improcedencia: confirmed, modified, revoked
        /// (art. 87.1.III).
        #[arg(long)]
        decision: Option<String>,
        /// Modalidad de entrega: direct_consultation, simple_copy, certified_copy, electronic, execution.
        #[arg(long)]
        modality: Option<String>,
        /// Hojas entregadas (las primeras 20 son gratuitas, art. 62.4).
        #[arg(long, default_value_t = 0)]
        pages: u32,
        /// Costo por hoja, en centavos.
        #[arg(long, default_value_t = 0)]
        page_cost: u32,
        /// Costo de certificación, en centavos.
        #[arg(long, default_value_t = 0)]
        certification_cost: u32,
        /// Costo de envío, en centavos.
        #[arg(long, default_value_t = 0)]
        shipping_cost: u32,
        /// El titular aportó el medio (art. 62.3).
        #[arg(long)]
        medium_provided: bool,
        /// La Unidad exceptúa el pago de reproducción y envío (art. 62.4).
        #[arg(long)]
        waived: bool,
        /// Con «identity_accredited»: quién ejerce el derecho (titular, representative,
        /// legal_provision, court_order, deceased_legal_interest; art. 48).
        #[arg(long)]
        standing: Option<String>,
        /// Con «identity_accredited»: official_id, electronic, prior_mechanism (art. 48.4.I).
        #[arg(long)]
        means: Option<String>,
        /// Con «identity_accredited» de un representante: public_instrument, power_letter,
        /// personal_appearance (art. 48.4.II.c).
        #[arg(long)]
        instrument: Option<String>,
        #[command(flatten)]
        who: ActorArgs,
        #[arg(long)]
        json: bool,
    },
    /// Muestra un expediente: actos, plazos, su estado y su cómputo.
    Show {
        folio: String,
        /// Fecha a la que se evalúan los plazos (por omisión, hoy).
        #[arg(long)]
        as_of: Option<String>,
        /// Explica cada plazo día por día.
        #[arg(long)]
        explain: bool,
        #[arg(long)]
        json: bool,
    },
    /// Lista expedientes.
    List {
        /// Estado (se puede repetir): filed, prevented, not_presented, admitted, resolved, notified, ...
        #[arg(long)]
        state: Vec<String>,
        /// Solo los que tienen un plazo que vence dentro de N días hábiles.
        #[arg(long)]
        due_within: Option<u32>,
        /// Solo los que tienen un plazo vencido sin cumplir.
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        body: Option<String>,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no se pudo iniciar: {e}"))
}

pub(crate) async fn registry(
    db: &DbArgs,
) -> Result<Registry<Database>, Box<dyn std::error::Error>> {
    let store = Database::open(&db.database).await?;
    Ok(Registry::new(
        store,
        CalendarLoader::default(),
        Rulebooks::load_default()?,
    ))
}

/// [`registry`] for the alert run and the daemon: a lean store
/// ([`Database::open_lean`]), so the nightly process's memory is what it allocates.
pub(crate) async fn batch_registry(
    db: &DbArgs,
) -> Result<Registry<Database>, Box<dyn std::error::Error>> {
    let store = Database::open_lean(&db.database).await?;
    Ok(Registry::new(
        store,
        CalendarLoader::default(),
        Rulebooks::load_default()?,
    ))
}

pub(crate) fn actor_for(who: &ActorArgs, allowed: &[Role]) -> Result<Actor, String> {
    let role = match &who.role {
        Some(r) => Role::parse(r).ok_or_else(|| {
            format!("rol desconocido «{r}»; se esperaba unit_staff, unit_head, committee, guarantor, auditor o admin")
        })?,
        None => allowed[0],
    };
    Ok(Actor::new(who.actor.clone(), role))
}

pub(crate) fn moment_or_now(
    at: &Option<String>,
    now: chrono::DateTime<Utc>,
) -> Result<Moment, Box<dyn std::error::Error>> {
    Ok(match at {
        Some(a) => a.parse()?,
        // Now, on the office's clock, to the second.
        None => Moment::Instant(
            chrono::Timelike::with_nanosecond(
                &now.with_timezone(&chrono_tz::America::Mexico_City),
                0,
            )
            .unwrap_or_else(|| now.with_timezone(&chrono_tz::America::Mexico_City))
            .fixed_offset(),
        ),
    })
}

pub(crate) fn date_arg(s: &Option<String>, what: &str) -> Result<Option<NaiveDate>, String> {
    s.as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{what}: fecha inválida «{d}»; se esperaba AAAA-MM-DD"))
        })
        .transpose()
}

pub fn request(db: &DbArgs, cmd: RequestCommand) -> CliResult {
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let now = Utc::now();
        match cmd {
            RequestCommand::File {
                right,
                at,
                body,
                calendar,
                who,
                titular_email,
                channel,
                external_folio,
                json,
            } => {
                let right: Right = serde_json::from_value(Value::String(right.clone())).map_err(|_| {
                    format!("derecho desconocido «{right}»; se esperaba access, rectification, cancellation, opposition o portability")
                })?;
                if let Some(e) = &titular_email
                    && !arco::alerts::valid_address(e)
                {
                    return Err(format!("--titular-email: dirección de correo inválida «{e}»").into());
                }
                let channel = match &channel {
                    None => None,
                    Some(c) => Some(arco::request::Channel::parse(c).ok_or_else(|| {
                        format!("--channel: medio desconocido «{c}»; se esperaba pnt, email, in_person, post u other")
                    })?),
                };
                let external_folio = match &external_folio {
                    None => None,
                    Some(x) => Some(
                        arco::request::ExternalFolio::parse(x)
                            .map_err(|m| format!("--external-folio: {m}"))?,
                    ),
                };
                let reception = arco::request::Reception { channel, external_folio };
                let actor = actor_for(&who, ActKind::Filed.allowed_roles())?;
                let detail = reg
                    .file_request_received(
                        &body,
                        &calendar,
                        right,
                        reception,
                        moment_or_now(&at, now)?,
                        &actor,
                        now,
                    )
                    .await?;
                if let Some(email) = titular_email {
                    reg.set_titular_contact(&detail.folio, &email, now).await?;
                }
                if json {
                    outln!("{}", serde_json::to_string_pretty(&detail)?);
                } else {
                    print_acuse(&detail);
                }
            }
            RequestCommand::Act {
                folio,
                act,
                at,
                outcome,
                cause,
                partial,
                days,
                decision,
                modality,
                pages,
                page_cost,
                certification_cost,
                shipping_cost,
                medium_provided,
                waived,
                standing,
                means,
                instrument,
                who,
                json,
            } => {
                let kind = ActKind::parse(&act).filter(|k| *k != ActKind::Filed).ok_or_else(|| {
                    format!(
                        "acto desconocido «{act}»; se esperaba uno de: {}",
                        ActKind::ALL[1..].iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                    )
                })?;
                let mut m = Map::new();
                m.insert("act".into(), Value::String(act.clone()));
                if let Some(o) = outcome {
                    m.insert("outcome".into(), Value::String(o));
                }
                if let Some(c) = cause {
                    m.insert("cause".into(), Value::String(c));
                }
                if partial {
                    m.insert("partial".into(), Value::Bool(true));
                }
                if let Some(d) = days {
                    m.insert("days".into(), Value::from(d));
                }
                if let Some(d) = decision {
                    m.insert("decision".into(), Value::String(d));
                }
                for (k, v) in [("standing", standing), ("means", means), ("instrument", instrument)] {
                    if let Some(v) = v {
                        m.insert(k.into(), Value::String(v));
                    }
                }
                if let Some(modality) = modality {
                    m.insert(
                        "delivery".into(),
                        serde_json::json!({
                            "modality": modality, "pages": pages, "page_cost": page_cost,
                            "certification_cost": certification_cost, "shipping_cost": shipping_cost,
                            "medium_provided": medium_provided, "waived": waived,
                        }),
                    );
                }
                let parsed: RequestAct = serde_json::from_value(Value::Object(m))
                    .map_err(|e| format!("acto «{act}»: {}", spanish_serde(&e.to_string())))?;
                let actor = actor_for(&who, kind.allowed_roles())?;
                let detail = reg.act(&folio, parsed, moment_or_now(&at, now)?, &actor, now).await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&detail)?);
                } else {
                    let last = detail.view.acts.last();
                    if let Some(a) = last {
                        let late = if a.late { " — EXTEMPORÁNEO (fuera de plazo)" } else { "" };
                        outln!(
                            "Registrado: {} acto {} «{}», surte efectos {}{late}",
                            detail.folio,
                            a.seq,
                            a.act.label_es(),
                            a.effective
                        );
                    }
                    print_detail(&detail, false);
                }
            }
            RequestCommand::ForgetNotes { folio } => {
                let n = reg.forget_notes(&folio).await?;
                outln!("{folio}: se borraron {n} notas internas");
            }
            RequestCommand::Assign {
                folio,
                to,
                area,
                who,
            } => {
                let scope = reg
                    .store()
                    .case_scope(&folio)
                    .await?
                    .ok_or_else(|| format!("no existe la solicitud «{folio}»"))?;
                let actor = actor_for(&who, &[Role::UnitStaff, Role::UnitHead])?;
                if to.is_none() && area.is_none() {
                    return Err("indique --to, --area o ambos".into());
                }
                if let Some(t) = &to {
                    let t = (t != "-").then_some(t.as_str());
                    reg.assign(&folio, &scope.body, t, &actor, now).await?;
                    outln!("{folio}: a cargo {}", t.unwrap_or("quien registró la solicitud"));
                }
                if let Some(a) = &area {
                    let a = if a == "-" {
                        None
                    } else {
                        Some(AreaName::parse(a).map_err(|m| format!("--area: {m}"))?)
                    };
                    let shown = a.as_ref().map_or("sin indicar", |x| x.as_str()).to_string();
                    reg.set_area(&folio, a, &actor, now).await?;
                    outln!("{folio}: área {shown}");
                }
            }
            RequestCommand::ForgetContact { folio } => {
                if reg.forget_titular_contact(&folio).await? {
                    outln!("{folio}: se borró el correo del titular");
                } else {
                    outln!("{folio}: no había correo del titular");
                }
            }
            RequestCommand::Show {
                folio,
                as_of,
                explain,
                json,
            } => {
                let detail = reg.show(&folio, date_arg(&as_of, "--as-of")?, now).await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&detail)?);
                } else {
                    print_detail(&detail, explain);
                }
            }
            RequestCommand::List {
                state,
                due_within,
                overdue,
                body,
                as_of,
                json,
            } => {
                for s in &state {
                    if arco::request::RequestState::parse(s).is_none() {
                        return Err(format!(
                            "estado desconocido «{s}»; se esperaba uno de: {}",
                            arco::request::RequestState::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
                        )
                        .into());
                    }
                }
                let as_of = date_arg(&as_of, "--as-of")?.unwrap_or_else(|| chrono::Local::now().date_naive());
                let due_by = match due_within {
                    Some(n) => Some(reg.calendar("mx-jalisco")?.add_business_days(as_of, n)?),
                    None => None,
                };
                let filter = ListFilter {
                    body,
                    states: state,
                    due_by,
                    ..Default::default()
                };
                let list = reg.list(&filter, as_of, overdue).await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&list)?);
                } else {
                    print_list(&list);
                }
            }
        }
        Ok(())
    })
}

pub(crate) fn spanish_serde(m: &str) -> String {
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        return format!(
            "valor desconocido {}",
            rest.replace("expected one of", "se esperaba uno de")
        );
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("falta {rest}");
    }
    m.to_string()
}

fn print_acuse(d: &CaseDetail) {
    outln!("ACUSE DE RECIBO — solicitud de ejercicio de derechos ARCO (art. 49.3 LPDPPSOJ)");
    outln!("Folio: {}", d.folio);
    outln!("Sujeto obligado: {}", d.body);
    outln!("Derecho: {}", d.view.right.label_es());
    if let Some(a) = d.view.acts.first() {
        outln!("Presentada: {}", a.at);
    }
    outln!("Surte efectos: {}", d.view.filed);
    outln!("Calendario: {}", d.view.calendar);
    outln!();
    outln!("Plazos que corren a partir de hoy:");
    for t in &d.timeline {
        outln!("  {}  {:<48} art. {}", t.view.due, t.name, t.view.article);
    }
}

pub(crate) fn print_detail(d: &CaseDetail, explain: bool) {
    outln!();
    outln!(
        "Expediente {} — {} ({})",
        d.folio,
        d.view.right.label_es(),
        d.body
    );
    outln!(
        "Estado al {}: {} ({})",
        d.view.as_of,
        d.view.state.label_es(),
        d.view.state.as_str()
    );
    outln!(
        "Calendario: {} · reglamento {}",
        d.view.calendar,
        d.view.rulebook
    );
    if let Some(a) = &d.view.appeal {
        let outcome = a
            .outcome
            .map(|o| format!(", {}", o.label_es()))
            .unwrap_or_default();
        let due = a
            .compliance_due
            .map(|c| format!("; el responsable debe cumplir a más tardar el {c}"))
            .unwrap_or_default();
        outln!(
            "Recurso de revisión {}: {}{outcome}{due}",
            d.appeals.join(", "),
            a.state.label_es()
        );
    }
    outln!();
    outln!("Actos:");
    for l in &d.log {
        let label = ActKind::parse(&l.act).map_or_else(|| log_label(&l.act), |k| k.label_es());
        print_act(
            l.seq,
            l.effective_on,
            label,
            &l.occurred_at,
            &l.actor,
            &l.role,
            l.late,
        );
    }
    print_timeline(d, explain);
}

/// The label of a log record that is not an act of the procedure.
pub(crate) fn log_label(name: &str) -> &'static str {
    match name {
        arco::service::CALENDAR_CHANGED => "cambio de calendario (plazos recalculados)",
        _ => "registro",
    }
}

pub(crate) fn print_act(
    seq: i64,
    effective: NaiveDate,
    label: &str,
    at: &str,
    actor: &str,
    role: &str,
    late: bool,
) {
    let late = if late { "  EXTEMPORÁNEO" } else { "" };
    outln!("  {seq:>2}. {effective}  {label:<44} {at} · {actor} ({role}){late}");
}

pub(crate) fn print_timeline(d: &CaseDetail, explain: bool) {
    outln!();
    outln!("Plazos:");
    for t in &d.timeline {
        let left = match t.view.status {
            arco::case::DeadlineStatus::Pending => {
                format!(" · quedan {} días hábiles", t.days_left)
            }
            _ => String::new(),
        };
        outln!(
            "  {}  {:<48} {:<24} art. {}{left}",
            t.view.due,
            t.name,
            t.view.status.label_es(),
            t.view.article
        );
        if explain {
            for line in t.explanation.lines() {
                outln!("        │ {line}");
            }
        } else {
            outln!("        │ {}", t.reasoning);
        }
    }
}

fn print_list(list: &[CaseSummary]) {
    outln!(
        "{:<24} {:<14} {:<26} {:<24} {:>11} vencidos",
        "folio",
        "derecho",
        "estado",
        "próximo plazo",
        "vence"
    );
    for c in list {
        let (term, due) = match c.next {
            Some((t, d, left)) => (t.as_str().to_string(), format!("{d} ({left:+})")),
            None => ("—".into(), String::new()),
        };
        outln!(
            "{:<24} {:<14} {:<26} {:<24} {:>11} {}",
            c.folio,
            c.right.label_es(),
            c.state.label_es(),
            term,
            due,
            c.overdue
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    outln!("{} expedientes", list.len());
}

/// A history read from a file, or why it could not be read, with where it came from.
type Source = (String, Result<History, String>);

/// The files of histories the paths name: each file, and the `.json` and `.jsonl` files
/// inside each folder (in name order).
fn history_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json" || x == "jsonl"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

fn is_jsonl(f: &std::path::Path) -> bool {
    f.extension().is_some_and(|x| x == "jsonl")
}

fn read_error(f: &std::path::Path, e: std::io::Error) -> String {
    format!("{}: no se pudo leer: {e}", f.display())
}

/// How many histories a file holds (a `.jsonl`: its non-empty lines, read as a stream; a
/// JSON array: its items; else one), reading it whole once: an unreadable file stops the
/// import before anything is written.
fn count_histories(f: &std::path::Path) -> Result<u64, String> {
    use std::io::BufRead as _;
    if is_jsonl(f) {
        let file = std::fs::File::open(f).map_err(|e| read_error(f, e))?;
        let mut n = 0;
        for line in std::io::BufReader::new(file).lines() {
            if !line.map_err(|e| read_error(f, e))?.trim().is_empty() {
                n += 1;
            }
        }
        return Ok(n);
    }
    let text = std::fs::read_to_string(f).map_err(|e| read_error(f, e))?;
    Ok(if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&text).map_or(1, |v| v.len() as u64)
    } else {
        1
    })
}

/// The histories of a `.json` file: one history, or an array of them.
fn json_histories(f: &std::path::Path) -> Result<Vec<Source>, String> {
    let text = std::fs::read_to_string(f).map_err(|e| read_error(f, e))?;
    let name = f.display().to_string();
    if !text.trim_start().starts_with('[') {
        return Ok(vec![(
            name,
            History::from_json(&text).map_err(|e| e.to_string()),
        )]);
    }
    Ok(match serde_json::from_str::<Vec<Value>>(&text) {
        Ok(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    format!("{name}[{i}]"),
                    serde_json::from_value::<History>(v)
                        .map_err(|e| format!("historial inválido: {e}")),
                )
            })
            .collect(),
        Err(e) => vec![(name, Err(format!("historial inválido: {e}")))],
    })
}

/// `arco import` of histories: every file is counted (and so read) first; then each
/// history is imported as it is read, a `.jsonl` line by line, so memory does not grow
/// with the number of histories (issue 20); only the rejected ones are kept, to report.
pub fn import(db: &DbArgs, paths: &[PathBuf], body: &str, quiet: bool) -> CliResult {
    use std::io::BufRead as _;
    let files = history_files(paths)?;
    let mut total = 0;
    for f in &files {
        total += count_histories(f)?;
    }
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let bar = if quiet {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new(total)
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} historiales · {per_sec} · faltan {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let mut ok = 0usize;
        let mut rejected = Vec::new();
        let mut one = async |source: String, h: Result<History, String>| {
            let result = match h {
                Ok(h) => reg
                    .import(&h, body, None, Utc::now())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => ok += 1,
                Err(reason) => rejected.push((source, reason)),
            }
            bar.inc(1);
        };
        for f in &files {
            if !is_jsonl(f) {
                for (source, h) in json_histories(f)? {
                    one(source, h).await;
                }
                continue;
            }
            let name = f.display().to_string();
            let file = std::fs::File::open(f).map_err(|e| read_error(f, e))?;
            for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
                let line = line.map_err(|e| read_error(f, e))?;
                if line.trim().is_empty() {
                    continue;
                }
                let h = History::from_json(&line).map_err(|e| e.to_string());
                one(format!("{name}:{}", i + 1), h).await;
            }
        }
        bar.finish_and_clear();
        for (source, reason) in &rejected {
            eprintln!("rechazado: {source}: {reason}");
        }
        outln!("{ok} importados, {} rechazados", rejected.len());
        if rejected.is_empty() {
            Ok(())
        } else {
            Err(format!("{} historiales rechazados", rejected.len()).into())
        }
    })
}

pub fn verify(db: &DbArgs) -> CliResult {
    runtime()?.block_on(async move {
        // A lean store: the pages are read once each (bounded memory, issue 20).
        let reg = batch_registry(db).await?;
        let bar = super::db::counter(false, "expedientes verificados");
        let report = reg.verify_with(|n| bar.set_position(n as u64)).await;
        bar.finish_and_clear();
        let report = report?;
        for (folio, d) in &report.differences {
            outln!("{folio}: {d}");
        }
        outln!(
            "{} expedientes verificados, {} diferencias",
            report.checked,
            report.differences.len()
        );
        if report.differences.is_empty() {
            Ok(())
        } else {
            Err("la proyección guardada no coincide con el registro de actos".into())
        }
    })
}

/// The main job's demonstration: files a sample access request for the body `DEMO` in the
/// database (SQLite by default, created on first use), prints its acuse de recibo and the
/// open cases with their next term.
pub fn demo(db: &DbArgs, calendar: &str, at: Option<String>) -> CliResult {
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let now = Utc::now();
        let actor = Actor::new("demo", Role::UnitStaff);
        let detail = reg
            .file_request(
                "DEMO",
                calendar,
                Right::Access,
                moment_or_now(&at, now)?,
                &actor,
                now,
            )
            .await?;
        outln!(
            "Base de datos: {}",
            arco::storage::any::redact(&db.database)
        );
        print_acuse(&detail);
        outln!();
        let list = reg
            .list(&ListFilter::default(), detail.view.as_of, false)
            .await?;
        print_list(&list);
        Ok(())
    })
}

/// `arco calendar apply`: recompute the open cases of a calendar that changed.
pub fn calendar_apply(
    db: &DbArgs,
    calendar: &str,
    reason: &str,
    dry_run: bool,
    actor: &str,
) -> CliResult {
    if reason.trim().is_empty() {
        return Err(
            "--reason no puede estar vacío: el registro de cada expediente guarda el motivo".into(),
        );
    }
    runtime()?.block_on(async move {
        // A lean store, one page of open cases at a time (bounded memory, issue 20).
        let reg = batch_registry(db).await?;
        // The new file must be valid before anything is recomputed.
        reg.calendar(calendar)?;
        let who = Actor::new(actor, Role::Admin);
        let bar = super::db::counter(false, "expedientes abiertos revisados");
        let show = |d: Option<NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
        let summary = reg
            .apply_calendar_with(
                calendar,
                reason,
                &who,
                Utc::now(),
                dry_run,
                |c| {
                    bar.suspend(|| {
                        for x in &c.changes {
                            outln!("{}\t{}\t{} → {}", c.folio, x.term, show(x.old), show(x.new));
                        }
                    })
                },
                |n| bar.set_position(n as u64),
            )
            .await;
        bar.finish_and_clear();
        let summary = summary?;
        outln!(
            "{} expedientes abiertos revisados; {} recontados desde sus actos (los demás vencen igual con este calendario)",
            summary.examined,
            summary.replayed
        );
        outln!(
            "{} expedientes {} con plazos que se mueven{}",
            summary.changed,
            if dry_run {
                "quedarían"
            } else {
                "actualizados"
            },
            if dry_run {
                " (simulación: nada se escribió)"
            } else {
                ""
            }
        );
        Ok(())
    })
}
