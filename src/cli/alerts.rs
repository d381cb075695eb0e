//! `arco alerts run|preview` and `arco daemon`: deadline alerts by email.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use arco::alerts::{self, AlertConfig, Mailer};

use super::CliResult;
use super::cases::{DbArgs, batch_registry, date_arg, runtime};

#[derive(Subcommand)]
pub enum AlertsCommand {
    /// Envía los avisos de plazos que cruzaron un umbral (un resumen por destinatario).
    Run {
        /// Fecha de la corrida (por omisión, hoy en la Ciudad de México).
        #[arg(long)]
        as_of: Option<String>,
        /// Calcula y muestra qué se enviaría, sin escribir ni enviar nada.
        #[arg(long)]
        dry_run: bool,
        /// Archivo de configuración de avisos (TOML).
        #[arg(long, env = "ARCO_ALERTS_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Envía los avisos de las vulneraciones cuyas 72 horas (art. 40) cruzaron un umbral
    /// (lo que hace cada hora el demonio), o muestra qué enviaría.
    Breaches {
        /// Momento de la corrida, RFC 3339 (por omisión, ahora).
        #[arg(long)]
        at: Option<String>,
        /// Calcula y muestra los mensajes que se enviarían, sin escribir ni enviar nada.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, env = "ARCO_ALERTS_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Muestra los mensajes que enviaría una corrida (asunto, texto), sin enviar.
    Preview {
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, env = "ARCO_ALERTS_CONFIG")]
        config: Option<PathBuf>,
    },
}

pub fn load_config(path: &Option<PathBuf>) -> Result<AlertConfig, String> {
    let mut c = match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("{}: no se pudo leer: {e}", p.display()))?;
            AlertConfig::parse(&text, &p.display().to_string())?
        }
        None => AlertConfig::default(),
    };
    if let Ok(url) = std::env::var("ARCO_SMTP_URL")
        && !url.trim().is_empty()
    {
        c.smtp.url = Some(url);
    }
    Ok(c)
}

pub fn mailer(c: &AlertConfig) -> Result<Mailer, String> {
    let url = c.smtp.url.as_deref().ok_or(
        "falta el servidor de correo: defina [smtp] url en la configuración o ARCO_SMTP_URL (p. ej. smtp://usuario:clave@servidor:587?tls=required)",
    )?;
    Mailer::smtp(url)
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive()
}

pub fn alerts(db: &DbArgs, cmd: AlertsCommand) -> CliResult {
    runtime()?.block_on(async move {
        let reg = batch_registry(db).await?;
        match cmd {
            AlertsCommand::Run { as_of, dry_run, config } => {
                let c = load_config(&config)?;
                let m = if dry_run { Mailer::memory().0 } else { mailer(&c)? };
                let as_of = date_arg(&as_of, "--as-of")?.unwrap_or_else(today);
                let r = alerts::run(&reg, &c, &m, as_of, Utc::now(), dry_run).await?;
                outln!(
                    "Avisos al {}: {} por umbral, {} nuevos{}",
                    r.as_of,
                    r.due,
                    r.new,
                    if dry_run { " (simulación: nada se escribió ni se envió)" } else { "" }
                );
                for d in &r.deliveries {
                    let err = d.error.as_deref().map(|e| format!(" — {e}")).unwrap_or_default();
                    outln!("  {:<8} {} ({} avisos){err}", d.status, d.recipient, d.alerts);
                }
                if r.deliveries.iter().any(|d| d.status != "sent" && d.status != "preview") {
                    return Err("algunos resúmenes no se entregaron; quedan registrados en la bandeja de salida".into());
                }
            }
            AlertsCommand::Breaches { at, dry_run, config } => {
                let c = load_config(&config)?;
                let m = if dry_run { Mailer::memory().0 } else { mailer(&c)? };
                let now = match at {
                    None => Utc::now(),
                    Some(a) => chrono::DateTime::parse_from_rfc3339(a.trim())
                        .map_err(|_| format!("--at: momento inválido «{a}»; se esperaba RFC 3339, p. ej. 2026-02-12T09:00:00-06:00"))?
                        .with_timezone(&Utc),
                };
                let r = alerts::breach::run_breaches(&reg, &c, &m, now, dry_run).await?;
                outln!(
                    "Avisos de vulneraciones: {} por umbral, {} nuevos{}",
                    r.due,
                    r.new,
                    if dry_run { " (simulación: nada se escribió ni se envió)" } else { "" }
                );
                for d in &r.deliveries {
                    let err = d.error.as_deref().map(|e| format!(" — {e}")).unwrap_or_default();
                    outln!("  {:<8} {} ({} avisos){err}", d.status, d.recipient, d.alerts);
                }
                for p in &r.previews {
                    outln!("Para: {}\nAsunto: {}\n\n{}\n{}", p.to, p.subject, p.text, "─".repeat(72));
                }
                if r.deliveries.iter().any(|d| d.status != "sent" && d.status != "preview") {
                    return Err("algunos avisos no se entregaron; quedan registrados en la bandeja de salida".into());
                }
            }
            AlertsCommand::Preview { as_of, config } => {
                let c = load_config(&config)?;
                let as_of = date_arg(&as_of, "--as-of")?.unwrap_or_else(today);
                let r = alerts::run(&reg, &c, &Mailer::memory().0, as_of, Utc::now(), true).await?;
                for m in &r.previews {
                    outln!("Para: {}\nAsunto: {}\n\n{}\n{}", m.to, m.subject, m.text, "─".repeat(72));
                }
                outln!("{} mensajes", r.previews.len());
            }
        }
        Ok(())
    })
}

/// The daemon: checks every minute whether tonight's run is due (also on start-up, so a
/// missed night is caught up), and runs it once across every daemon on the database; and
/// whether the breach tick of the moment (the hour by default) has run, and runs it once.
/// With `once`, checks once and ends (a cron job on each server does the same).
pub fn daemon(db: &DbArgs, config: &Option<PathBuf>, holder: &str, once: bool) -> CliResult {
    let c = load_config(config)?;
    let m = mailer(&c)?;
    runtime()?.block_on(async move {
        let reg = batch_registry(db).await?;
        if once {
            // The breach tick first (its alerts cannot wait); said only when it sent.
            if let Some(r) = alerts::breach::breach_tick(&reg, &c, &m, holder, Utc::now()).await?
                && (r.new > 0 || !r.deliveries.is_empty())
            {
                outln!("vulneraciones: {} avisos nuevos, {} mensajes", r.new, r.deliveries.len());
            }
            match alerts::nightly(&reg, &c, &m, holder, Utc::now()).await? {
                Some(r) => outln!(
                    "{}: {} avisos nuevos, {} resúmenes",
                    r.as_of,
                    r.new,
                    r.deliveries.len()
                ),
                None => outln!(
                    "arco daemon: nada que correr (aún no son las {} o esta noche ya la corrió otra instancia)",
                    c.nightly_at.format("%H:%M")
                ),
            }
            return Ok(());
        }
        outln!(
            "arco daemon: avisos diarios a las {} (America/Mexico_City); vulneraciones cada {} min",
            c.nightly_at.format("%H:%M"),
            c.breach_every_minutes
        );
        loop {
            match alerts::breach::breach_tick(&reg, &c, &m, holder, Utc::now()).await {
                Ok(Some(r)) if r.new > 0 || !r.deliveries.is_empty() => outln!(
                    "vulneraciones: {} avisos nuevos, {} mensajes",
                    r.new,
                    r.deliveries.len()
                ),
                Ok(_) => {}
                Err(e) => eprintln!("error en los avisos de vulneraciones: {e}"),
            }
            match alerts::nightly(&reg, &c, &m, holder, Utc::now()).await {
                Ok(Some(r)) => outln!(
                    "{}: {} avisos nuevos, {} resúmenes",
                    r.as_of,
                    r.new,
                    r.deliveries.len()
                ),
                Ok(None) => {}
                Err(e) => eprintln!("error en la corrida de avisos: {e}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
                _ = tokio::signal::ctrl_c() => {
                    outln!("arco daemon: detenido");
                    return Ok(());
                }
            }
        }
    })
}
