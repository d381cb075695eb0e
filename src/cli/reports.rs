//! `arco report requests|register`: the reports of [`arco::report`] on the command line,
//! for the operator (every body, or the one named), as text, JSON or CSV.

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::CliResult;
use super::cases::{DbArgs, registry, runtime};
use arco::report::requests::RequestReport;
use arco::report::{GroupBy, Period, Table, tables_csv};
use arco::service::ReportScope;

/// The period and the body of a report.
#[derive(Args)]
pub struct ReportArgs {
    /// Año calendario (AAAA), en lugar de --from y --to.
    #[arg(long)]
    year: Option<String>,
    /// Primer día de recepción (AAAA-MM-DD; por omisión, el 1 de enero de este año).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Último día de recepción (AAAA-MM-DD; por omisión, hoy). Los casos se ven a esa fecha.
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Solo este sujeto obligado (por omisión, todos).
    #[arg(long)]
    body: Option<String>,
}

/// `arco report ...`.
#[derive(Subcommand)]
pub enum ReportCommand {
    /// Informe de solicitudes: recibidas, prevenidas, admitidas, cada aviso y sentido de
    /// resolución, y la oportunidad de cada plazo.
    Requests {
        #[command(flatten)]
        period: ReportArgs,
        /// Columnas: none, body, right, channel o month.
        #[arg(long, default_value = "none")]
        group_by: String,
        /// Salida CSV (para una hoja de cálculo).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// Salida JSON.
        #[arg(long)]
        json: bool,
        /// Lista los folios detrás de una cifra: TABLA/FILA[/COLUMNA], p. ej.
        /// requests/received o timeliness/term_resolution/missed.
        #[arg(long, conflicts_with_all = ["csv", "json"])]
        cases: Option<String>,
    },
    /// Registro anual (LGTAIP art. 44.VII): una línea CSV por solicitud.
    Register {
        #[command(flatten)]
        period: ReportArgs,
    },
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive()
}

/// Writes a CSV text exactly (its CRLF line ends and byte-order mark), ending quietly when
/// stdout is closed.
fn raw(text: &str) {
    use std::io::Write as _;
    if std::io::stdout().write_all(text.as_bytes()).is_err() {
        std::process::exit(0);
    }
}

fn print_table(t: &Table, extra: Option<(&str, Vec<String>)>) {
    outln!("\n{}", t.title);
    let mut head: Vec<String> = vec![String::new()];
    head.extend(t.columns.iter().map(|c| c.label.clone()));
    if let Some((name, _)) = &extra {
        head.push(name.to_string());
    }
    outln!("{}", head.join("\t"));
    for (i, r) in t.rows.iter().enumerate() {
        let mut line = vec![format!(
            "{}{}",
            "  ".repeat(r.level as usize),
            r.metric.label
        )];
        line.extend(r.cells.iter().map(|c| c.count.to_string()));
        if let Some((_, v)) = &extra {
            line.push(v.get(i).cloned().unwrap_or_default());
        }
        outln!("{}", line.join("\t"));
    }
}

fn print_text(r: &RequestReport) {
    outln!("Solicitudes recibidas {}", r.period.describe_es());
    print_table(&r.requests, None);
    let rates = r
        .on_time
        .iter()
        .map(|x| x.map_or("—".to_string(), |v| format!("{:.1} %", v * 100.0)))
        .collect();
    print_table(&r.timeliness, Some(("En plazo (%)", rates)));
    outln!("\nDías hábiles para responder");
    outln!("\tcasos\tmediana\tpromedio\tpercentil 90");
    let n = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.1}"));
    for (c, s) in &r.response {
        outln!(
            "{}\t{}\t{}\t{}\t{}",
            c.label,
            s.cases,
            n(s.median),
            n(s.mean),
            n(s.p90)
        );
    }
    outln!("\nDefiniciones");
    for row in r.requests.rows.iter().chain(&r.timeliness.rows) {
        outln!("- {}: {}", row.metric.label, row.metric.definition);
    }
}

pub fn report(db: &DbArgs, cmd: ReportCommand) -> CliResult {
    let (args, group_by) = match &cmd {
        ReportCommand::Requests {
            period, group_by, ..
        } => (period, GroupBy::parse(group_by)?),
        ReportCommand::Register { period } => (period, GroupBy::None),
    };
    let period = Period::asked(args.year.as_deref(), args.from, args.to, today())?;
    let scope = match &args.body {
        Some(b) => ReportScope::Bodies(vec![b.clone()]),
        None => ReportScope::All,
    };
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let r = reg.request_report(&scope, period, group_by).await?;
        match cmd {
            ReportCommand::Register { .. } => {
                raw(&r.register_csv());
            }
            ReportCommand::Requests { csv: true, .. } => {
                raw(&tables_csv(&[&r.requests, &r.timeliness]));
            }
            ReportCommand::Requests { json: true, .. } => {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "period": r.period,
                        "group_by": r.group_by,
                        "tables": [&r.requests, &r.timeliness],
                        "on_time": r.on_time,
                        "response": r.response,
                    }))?
                );
            }
            ReportCommand::Requests {
                cases: Some(which), ..
            } => {
                let parts: Vec<&str> = which.split('/').collect();
                let (table, metric, column) = match parts.as_slice() {
                    [t, m] => (*t, *m, "total"),
                    [t, m, c] => (*t, *m, *c),
                    _ => {
                        return Err(format!(
                            "--cases «{which}»: escriba TABLA/FILA o TABLA/FILA/COLUMNA (p. ej. requests/received)"
                        )
                        .into());
                    }
                };
                let cell = r.find(table, metric, column).ok_or_else(|| {
                    format!("--cases «{which}»: el informe no tiene esa tabla, fila o columna")
                })?;
                for f in r.cases_of(cell) {
                    outln!("{}\t{}\t{}\t{}", f.folio, f.body, f.filed, f.state.as_str());
                }
            }
            ReportCommand::Requests { .. } => print_text(&r),
        }
        Ok(())
    })
}
