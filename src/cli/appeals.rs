//! `arco appeal ...`: the guarantor's commands over recursos de revisión.

use chrono::Utc;
use clap::Subcommand;
use serde_json::{Map, Value, json};

use arco::appeal::{AppealAct, AppealActKind, AppealState};
use arco::storage::ListFilter;

use super::CliResult;
use super::cases::{
    ActorArgs, DbArgs, actor_for, date_arg, log_label, moment_or_now, print_act, print_timeline,
    registry, runtime, spanish_serde,
};

#[derive(Subcommand)]
pub enum AppealCommand {
    /// Registra un recurso de revisión contra una solicitud.
    File {
        /// Folio de la solicitud que se recurre.
        #[arg(long)]
        request: String,
        /// Dónde se presentó: guarantor (órgano garante) o unit (Unidad de Transparencia).
        #[arg(long)]
        venue: String,
        /// Causa de procedencia (art. 100, I a XII).
        #[arg(long)]
        ground: String,
        /// El titular es menor de edad sin representación (no procede la conciliación, art. 106.2).
        #[arg(long)]
        minor_unrepresented: bool,
        #[arg(long)]
        at: Option<String>,
        /// Órgano garante (su clave).
        #[arg(long, env = "ARCO_GUARANTOR", default_value = "GARANTE")]
        body: String,
        /// Calendario del órgano garante.
        #[arg(long, env = "ARCO_GUARANTOR_CALENDAR", default_value = "mx-jalisco")]
        calendar: String,
        #[command(flatten)]
        who: ActorArgs,
        #[arg(long)]
        json: bool,
    },
    /// Registra un acto en un recurso.
    Act {
        folio: String,
        /// appeal_forwarded, appeal_requirement_notified, appeal_requirement_answered, appeal_turned,
        /// appeal_admitted, appeal_dismissed, conciliation_invited, conciliation_accepted,
        /// conciliation_hearing_held, conciliation_agreement, conciliation_agreement_fulfilled,
        /// conciliation_failed, evidence_hearing_held, instruction_closed, appeal_extension_notified,
        /// appeal_resolved, appeal_resolution_notified, compliance_extension_requested,
        /// compliance_extension_ruled, compliance_reported, compliance_vista_given, titular_statement,
        /// compliance_ruled, public_warning, fine_imposed, arrest_ordered.
        act: String,
        #[arg(long)]
        at: Option<String>,
        /// Causa de desechamiento (art. 108, I a VII).
        #[arg(long)]
        cause: Option<String>,
        /// Sentido: dismissed, sobreseido, confirmed, modified, revoked, delivery_ordered.
        #[arg(long)]
        outcome: Option<String>,
        /// Días para cumplir la resolución (máximo 10, art. 112.1).
        #[arg(long)]
        compliance_days: Option<u32>,
        /// Días de prórroga concedidos (0 si se niega).
        #[arg(long)]
        granted_days: Option<u32>,
        /// Si se cumplió: true o false.
        #[arg(long)]
        complied: Option<bool>,
        /// Días que concede la amonestación (≤10) o la multa (≤5), o de la ampliación del
        /// plazo para resolver («hasta por diez», art. 110.1; por omisión, diez).
        #[arg(long)]
        days: Option<u32>,
        /// Monto de la multa en UMA (150 a 1,500; hasta 3,000 si hay reincidencia).
        #[arg(long)]
        uma: Option<u32>,
        /// La multa es por reincidencia: hasta el doble del máximo (art. 143.2).
        #[arg(long)]
        reincidence: bool,
        /// Fecha (AAAA-MM-DD) en que el informe dice que se cumplió la resolución
        /// (art. 137.1).
        #[arg(long)]
        complied_on: Option<String>,
        /// Alguna parte no acudió a la audiencia.
        #[arg(long)]
        absent: bool,
        #[command(flatten)]
        who: ActorArgs,
        #[arg(long)]
        json: bool,
    },
    /// Muestra un recurso: su solicitud, actos y plazos.
    Show {
        folio: String,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        explain: bool,
        #[arg(long)]
        json: bool,
    },
    /// Lista recursos.
    List {
        #[arg(long)]
        state: Vec<String>,
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

fn parse_act(name: &str, fields: Map<String, Value>) -> Result<(AppealActKind, AppealAct), String> {
    let kind = AppealActKind::parse(name).ok_or_else(|| {
        format!(
            "acto desconocido «{name}»; se esperaba uno de: {}",
            AppealActKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let mut m = fields;
    m.insert("act".into(), Value::String(name.to_string()));
    let act: AppealAct = serde_json::from_value(Value::Object(m))
        .map_err(|e| format!("acto «{name}»: {}", spanish_serde(&e.to_string())))?;
    Ok((kind, act))
}

fn print(d: &arco::service::CaseDetail, explain: bool) {
    let Some(a) = &d.view.appeal else { return };
    outln!();
    outln!(
        "Recurso {} — contra la solicitud {} ({}), órgano garante {}",
        d.folio,
        d.parent.as_deref().unwrap_or("—"),
        d.view.right.label_es(),
        d.body
    );
    outln!(
        "Estado al {}: {} ({})",
        d.view.as_of,
        a.state.label_es(),
        a.state.as_str()
    );
    outln!(
        "Causa: art. 100, fracción {} · calendario {} · reglamento {}",
        a.ground.0.roman(),
        a.calendar,
        a.rulebook
    );
    if a.out_of_time {
        outln!(
            "Presentado fuera del plazo de 15 días (art. 99): procede desecharlo por la causa del art. 108.I"
        );
    }
    if let Some(o) = a.outcome {
        outln!("Resolución: {}", o.label_es());
    }
    outln!();
    outln!("Actos:");
    for l in &d.log {
        let label =
            AppealActKind::parse(&l.act).map_or_else(|| log_label(&l.act), |k| k.label_es());
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

pub fn appeal(db: &DbArgs, cmd: AppealCommand) -> CliResult {
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let now = Utc::now();
        match cmd {
            AppealCommand::File {
                request,
                venue,
                ground,
                minor_unrepresented,
                at,
                body,
                calendar,
                who,
                json,
            } => {
                let fields = json!({"venue": venue, "ground": ground, "minor_unrepresented": minor_unrepresented});
                let (kind, act) = parse_act("appeal_filed", fields.as_object().cloned().unwrap_or_default())?;
                let actor = actor_for(&who, kind.allowed_roles())?;
                let d = reg
                    .file_appeal(&request, &body, &calendar, act, moment_or_now(&at, now)?, &actor, now)
                    .await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&d)?);
                } else {
                    outln!("Recurso registrado: {}", d.folio);
                    print(&d, false);
                }
            }
            AppealCommand::Act {
                folio,
                act,
                at,
                cause,
                outcome,
                compliance_days,
                granted_days,
                complied,
                days,
                uma,
                reincidence,
                complied_on,
                absent,
                who,
                json,
            } => {
                let mut m = Map::new();
                let mut put = |k: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        m.insert(k.into(), v);
                    }
                };
                put("cause", cause.map(Value::String));
                put("outcome", outcome.map(Value::String));
                put("compliance_days", compliance_days.map(Value::from));
                put("granted_days", granted_days.map(Value::from));
                put("complied", complied.map(Value::from));
                put("days", days.map(Value::from));
                put("uma", uma.map(Value::from));
                put("reincidence", reincidence.then_some(Value::Bool(true)));
                put("complied_on", complied_on.map(Value::String));
                put("absent", absent.then_some(Value::Bool(true)));
                let (kind, parsed) = parse_act(&act, m)?;
                if kind == AppealActKind::AppealFiled {
                    return Err("para interponer un recurso use «arco appeal file»".into());
                }
                let actor = actor_for(&who, kind.allowed_roles())?;
                let d = reg.act_appeal(&folio, parsed, moment_or_now(&at, now)?, &actor, now).await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&d)?);
                } else {
                    if let Some(x) = d.view.appeal.as_ref().and_then(|a| a.acts.last()) {
                        let late = if x.late { " — EXTEMPORÁNEO (fuera de plazo)" } else { "" };
                        outln!("Registrado: {} acto {} «{}», surte efectos {}{late}", d.folio, x.seq, x.act.label_es(), x.effective);
                    }
                    print(&d, false);
                }
            }
            AppealCommand::Show {
                folio,
                as_of,
                explain,
                json,
            } => {
                let d = reg.show_appeal(&folio, date_arg(&as_of, "--as-of")?, now).await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&d)?);
                } else {
                    print(&d, explain);
                }
            }
            AppealCommand::List {
                state,
                overdue,
                body,
                as_of,
                json,
            } => {
                for s in &state {
                    if AppealState::parse(s).is_none() {
                        return Err(format!(
                            "estado desconocido «{s}»; se esperaba uno de: {}",
                            AppealState::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
                        )
                        .into());
                    }
                }
                let as_of = date_arg(&as_of, "--as-of")?.unwrap_or_else(|| chrono::Local::now().date_naive());
                let filter = ListFilter {
                    body,
                    states: state,
                    ..Default::default()
                };
                let list = reg.list_appeals(&filter, as_of, overdue).await?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&list)?);
                } else {
                    outln!("{:<22} {:<22} {:<34} {:<26} {:>11} vencidos", "folio", "solicitud", "estado", "próximo plazo", "vence");
                    for a in &list {
                        let (term, due) = match a.next {
                            Some((t, d, left)) => (t.as_str().to_string(), format!("{d} ({left:+})")),
                            None => ("—".into(), String::new()),
                        };
                        outln!(
                            "{:<22} {:<22} {:<34} {:<26} {:>11} {}",
                            a.folio,
                            a.request.as_deref().unwrap_or("—"),
                            a.state.label_es(),
                            term,
                            due,
                            a.overdue.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
                        );
                    }
                    outln!("{} recursos", list.len());
                }
            }
        }
        Ok(())
    })
}
