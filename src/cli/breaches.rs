//! `arco breach ...`: security breaches (vulneraciones de seguridad, arts. 38–43).

use chrono::Utc;
use clap::Subcommand;
use serde_json::{Map, Value};

use arco::breach::replay::BreachHistory;
use arco::breach::{BreachAct, BreachActKind};
use arco::calendar::{CalendarLoader, Moment};
use arco::rules::Rulebooks;
use arco::service::BreachDetail;

use super::CliResult;
use super::cases::{ActorArgs, DbArgs, actor_for, moment_or_now, registry, runtime, spanish_serde};

#[derive(Subcommand)]
pub enum BreachCommand {
    /// Registra la detección de una posible vulneración (art. 39) e imprime su folio.
    Detect {
        /// Sujeto obligado (su clave).
        #[arg(long, env = "ARCO_BODY", default_value = "UT")]
        body: String,
        /// Calendario del sujeto obligado (su zona horaria cuenta las horas).
        #[arg(long, default_value = "mx-jalisco")]
        calendar: String,
        /// Cuándo se detectó (por omisión, ahora).
        #[arg(long)]
        at: Option<String>,
        /// Fecha en que ocurrió, si se sabe (AAAA-MM-DD, art. 39.1.I).
        #[arg(long)]
        occurred_on: Option<String>,
        #[command(flatten)]
        who: ActorArgs,
        #[arg(long)]
        json: bool,
    },
    /// Registra un acto: breach_discarded, breach_confirmed, breach_analysed,
    /// guarantor_notified, titulars_notified, corrective_measures, breach_closed,
    /// investigation_opened, investigation_closed.
    Act {
        folio: String,
        act: String,
        /// Los campos del acto, como objeto JSON (p. ej. '{"kind":"theft","cause":"human_error"}').
        /// Solo categorías y números: nada que identifique a los titulares.
        #[arg(long)]
        fields: Option<String>,
        #[arg(long)]
        at: Option<String>,
        #[command(flatten)]
        who: ActorArgs,
        #[arg(long)]
        json: bool,
    },
    /// Reconstruye el historial de una vulneración (JSON: calendar, as_of, events) sin
    /// guardarlo e imprime su estado, plazos y bitácora (JSON).
    Replay {
        /// Archivo del historial («-»: la entrada estándar).
        file: String,
    },
    /// Comprueba el historial de una vulneración y lo guarda como expediente nuevo.
    Import {
        file: String,
        /// Sujeto obligado al que pertenece.
        #[arg(long, env = "ARCO_BODY", default_value = "UT")]
        body: String,
    },
    /// Muestra una vulneración: estado, plazos de aviso (vencen en un instante), bitácora
    /// y actos.
    Show {
        folio: String,
        /// Momento de consulta (RFC 3339; por omisión, ahora).
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// La bitácora de las vulneraciones (art. 39), derivada de sus registros: una línea por
    /// vulneración detectada en el periodo.
    Bitacora {
        /// Solo este sujeto obligado (por omisión, todos).
        #[arg(long)]
        body: Option<String>,
        /// Detectadas desde esta fecha (AAAA-MM-DD, incluida).
        #[arg(long)]
        from: Option<String>,
        /// Detectadas hasta esta fecha (AAAA-MM-DD, incluida).
        #[arg(long)]
        to: Option<String>,
        /// Como CSV (UTF-8 con BOM, encabezados en español).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[arg(long)]
        json: bool,
    },
}

fn date_arg(name: &str, v: Option<String>) -> Result<Option<chrono::NaiveDate>, String> {
    v.map(|s| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| format!("--{name} «{s}»: se esperaba una fecha AAAA-MM-DD"))
    })
    .transpose()
}

fn print_bitacora(lines: &[arco::service::BitacoraLine]) {
    if lines.is_empty() {
        outln!("Ninguna vulneración en el periodo.");
        return;
    }
    for l in lines {
        let e = &l.entry;
        outln!(
            "{} — {} — {}: detectada {}{}{}",
            l.folio,
            l.body,
            e.state.label_es(),
            e.detected,
            e.kind
                .map_or_else(String::new, |k| format!("; {}", k.label_es())),
            if e.late_notice {
                "; aviso fuera de plazo"
            } else {
                ""
            }
        );
    }
}

fn parse_act(name: &str, fields: Option<&str>) -> Result<(BreachActKind, BreachAct), String> {
    let kind = BreachActKind::parse(name).ok_or_else(|| {
        format!(
            "acto desconocido «{name}»; se esperaba uno de: {}",
            BreachActKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let mut obj = match fields {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err("--fields: se esperaba un objeto JSON".to_string()),
            Err(e) => return Err(format!("--fields: JSON inválido: {e}")),
        },
    };
    if obj.contains_key("act") {
        return Err("--fields: el nombre del acto va aparte, no como «act»".to_string());
    }
    obj.insert("act".into(), Value::String(name.to_string()));
    let act: BreachAct = serde_json::from_value(Value::Object(obj))
        .map_err(|e| format!("{name}: {}", spanish_serde(&e.to_string())))?;
    Ok((kind, act))
}

fn print(d: &BreachDetail) {
    outln!("Vulneración {} — {} ({})", d.folio, d.body, d.calendar);
    outln!("Estado: {}", d.state_label);
    for t in &d.deadlines {
        let done = match t.done {
            Some(x) => format!(", dado {}", x.format("%Y-%m-%d %H:%M")),
            None => String::new(),
        };
        outln!(
            "  {}: {} horas desde {} — vence el {} a las {} (en ese instante, no a la hora de cierre): {}{done} (art. {})",
            t.to.label_es(),
            t.hours,
            t.from.format("%Y-%m-%d %H:%M"),
            t.due.format("%Y-%m-%d"),
            t.due.format("%H:%M"),
            t.status.label_es(),
            t.article
        );
    }
    let b = &d.bitacora;
    outln!("Bitácora (art. 39):");
    outln!(
        "  ocurrió: {}; motivo: {}",
        b.occurred_on
            .map_or_else(|| "sin determinar".to_string(), |o| o.to_string()),
        b.cause.map_or_else(
            || "sin determinar".to_string(),
            |c| c.label_es().to_string()
        )
    );
    let list = |v: &[arco::breach::Measure]| {
        if v.is_empty() {
            "ninguna".to_string()
        } else {
            v.iter()
                .map(|m| m.label_es())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    outln!("  acciones inmediatas: {}", list(&b.immediate_measures));
    outln!("  acciones definitivas: {}", list(&b.definitive_measures));
    outln!("Actos:");
    for e in &d.log {
        outln!(
            "  {:>3}  {}  {}{}",
            e.seq,
            e.occurred_at,
            e.act,
            if e.late { " (fuera de plazo)" } else { "" }
        );
    }
}

fn read(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("no se pudo leer la entrada estándar: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{file}: no se pudo leer: {e}"))
    }
}

pub fn breach(db: &DbArgs, cmd: BreachCommand) -> CliResult {
    // A replay needs no database.
    if let BreachCommand::Replay { file } = &cmd {
        let history = BreachHistory::from_json(&read(file)?)?;
        let view = arco::breach::replay::replay(
            &history,
            &CalendarLoader::default(),
            &Rulebooks::load_default()?,
            Utc::now(),
        )?;
        outln!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let now = Utc::now();
        if let BreachCommand::Bitacora {
            body,
            from,
            to,
            csv,
            json,
        } = cmd
        {
            let period = arco::service::DetectionPeriod {
                from: date_arg("from", from)?,
                to: date_arg("to", to)?,
            };
            let scope = arco::service::BreachScope::everything(body.as_deref());
            let lines = reg.breach_bitacora(&scope, period).await?;
            if csv {
                super::reports::raw(&arco::report::breaches::bitacora_csv(&lines));
            } else if json {
                outln!("{}", serde_json::to_string_pretty(&lines)?);
            } else {
                print_bitacora(&lines);
            }
            return Ok(());
        }
        let (d, json) = match cmd {
            BreachCommand::Detect {
                body,
                calendar,
                at,
                occurred_on,
                who,
                json,
            } => {
                let fields = occurred_on
                    .map(|o| serde_json::json!({ "occurred_on": o }).to_string());
                let (kind, act) = parse_act("breach_detected", fields.as_deref())?;
                let actor = actor_for(&who, kind.allowed_roles())?;
                let d = reg
                    .detect_breach(&body, &calendar, act, moment_or_now(&at, now)?, &actor, now)
                    .await?;
                if !json {
                    outln!("Vulneración registrada: {}", d.folio);
                }
                (d, json)
            }
            BreachCommand::Act {
                folio,
                act,
                fields,
                at,
                who,
                json,
            } => {
                let (kind, act) = parse_act(&act, fields.as_deref())?;
                let actor = actor_for(&who, kind.allowed_roles())?;
                let d = reg
                    .act_breach(&folio, act, moment_or_now(&at, now)?, &actor, now)
                    .await?;
                (d, json)
            }
            BreachCommand::Replay { .. } | BreachCommand::Bitacora { .. } => {
                return Err("«breach replay» se atiende sin base de datos".into());
            }
            BreachCommand::Import { file, body } => {
                let history = BreachHistory::from_json(&read(&file)?)?;
                let record = reg.import_breach(&history, &body, now).await?;
                outln!("Vulneración importada: {}", record.folio);
                return Ok(());
            }
            BreachCommand::Show { folio, as_of, json } => {
                let as_of = match as_of {
                    None => None,
                    Some(s) => match s.parse::<Moment>()? {
                        Moment::Instant(i) => Some(i),
                        _ => {
                            return Err(format!(
                                "--as-of «{s}»: se esperaba una fecha y hora con su zona (RFC 3339), como 2026-02-13T22:15:00-06:00"
                            )
                            .into());
                        }
                    },
                };
                (reg.show_breach(&folio, as_of, now).await?, json)
            }
        };
        if json {
            outln!("{}", serde_json::to_string_pretty(&d)?);
        } else {
            print(&d);
        }
        Ok(())
    })
}
