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

/// What a report prints.
#[derive(Args)]
pub struct OutputArgs {
    /// Columnas: none, body, right, channel o month (en recursos, right es la causa de
    /// procedencia y channel dónde se presentó).
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
}

/// `arco report ...`.
#[derive(Subcommand)]
pub enum ReportCommand {
    /// Informe de solicitudes: recibidas, prevenidas, admitidas, cada aviso y sentido de
    /// resolución, y la oportunidad de cada plazo.
    Requests {
        #[command(flatten)]
        period: ReportArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Informe de recursos de revisión y cumplimiento: causas, desechamientos,
    /// conciliación, sentidos, confirmación por silencio, cumplimiento y medidas de apremio.
    Appeals {
        #[command(flatten)]
        period: ReportArgs,
        #[command(flatten)]
        output: OutputArgs,
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
pub(crate) fn raw(text: &str) {
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

fn rates(on_time: &[Option<f64>]) -> Vec<String> {
    on_time
        .iter()
        .map(|x| x.map_or("—".to_string(), |v| format!("{:.1} %", v * 100.0)))
        .collect()
}

/// The tables, the last with its on-time rates, and every metric's definition.
fn print_tables(heading: String, tables: &[&Table], on_time: &[Option<f64>]) {
    outln!("{heading}");
    for (i, t) in tables.iter().enumerate() {
        let extra = (i + 1 == tables.len()).then(|| ("En plazo (%)", rates(on_time)));
        print_table(t, extra);
    }
}

fn print_definitions(tables: &[&Table]) {
    outln!("\nDefiniciones");
    for row in tables.iter().flat_map(|t| &t.rows) {
        outln!("- {}: {}", row.metric.label, row.metric.definition);
    }
}

fn print_spreads(r: &RequestReport) {
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
}

/// TABLA/FILA[/COLUMNA] of `--cases`.
fn cell_of(which: &str) -> Result<(&str, &str, &str), String> {
    match which.split('/').collect::<Vec<_>>().as_slice() {
        [t, m] => Ok((t, m, "total")),
        [t, m, c] => Ok((t, m, c)),
        _ => Err(format!(
            "--cases «{which}»: escriba TABLA/FILA o TABLA/FILA/COLUMNA (p. ej. requests/received)"
        )),
    }
}

fn no_cell(which: &str) -> String {
    format!("--cases «{which}»: el informe no tiene esa tabla, fila o columna")
}

fn json_of(
    period: &Period,
    group_by: GroupBy,
    tables: &[&Table],
    on_time: &[Option<f64>],
) -> serde_json::Value {
    serde_json::json!({
        "period": period,
        "group_by": group_by,
        "tables": tables,
        "on_time": on_time,
    })
}

pub fn report(db: &DbArgs, cmd: ReportCommand) -> CliResult {
    let (args, group_by) = match &cmd {
        ReportCommand::Requests { period, output } | ReportCommand::Appeals { period, output } => {
            (period, GroupBy::parse(&output.group_by)?)
        }
        ReportCommand::Register { period } => (period, GroupBy::None),
    };
    let period = Period::asked(args.year.as_deref(), args.from, args.to, today())?;
    let scope = match &args.body {
        Some(b) => ReportScope::Bodies(vec![b.clone()]),
        None => ReportScope::All,
    };
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        match cmd {
            ReportCommand::Register { .. } => {
                let r = reg.request_report(&scope, period, group_by).await?;
                raw(&r.register_csv());
            }
            ReportCommand::Requests { output, .. } => {
                let r = reg.request_report(&scope, period, group_by).await?;
                let tables = [&r.requests, &r.timeliness];
                if output.csv {
                    raw(&tables_csv(&tables));
                } else if output.json {
                    let mut v = json_of(&r.period, r.group_by, &tables, &r.on_time);
                    v["response"] = serde_json::to_value(&r.response)?;
                    outln!("{}", serde_json::to_string_pretty(&v)?);
                } else if let Some(which) = &output.cases {
                    let (t, m, c) = cell_of(which)?;
                    let cell = r.find(t, m, c).ok_or_else(|| no_cell(which))?;
                    for f in r.cases_of(cell) {
                        outln!("{}\t{}\t{}\t{}", f.folio, f.body, f.filed, f.state.as_str());
                    }
                } else {
                    print_tables(
                        format!("Solicitudes recibidas {}", r.period.describe_es()),
                        &tables,
                        &r.on_time,
                    );
                    print_spreads(&r);
                    print_definitions(&tables);
                }
            }
            ReportCommand::Appeals { output, .. } => {
                let r = reg.appeal_report(&scope, period, group_by).await?;
                let tables = [&r.appeals, &r.compliance, &r.timeliness];
                if output.csv {
                    raw(&tables_csv(&tables));
                } else if output.json {
                    let v = json_of(&r.period, r.group_by, &tables, &r.on_time);
                    outln!("{}", serde_json::to_string_pretty(&v)?);
                } else if let Some(which) = &output.cases {
                    let (t, m, c) = cell_of(which)?;
                    let cell = r.find(t, m, c).ok_or_else(|| no_cell(which))?;
                    for f in r.cases_of(cell) {
                        outln!(
                            "{}\t{}\t{}\t{}\t{}",
                            f.folio,
                            f.guarantor,
                            f.body,
                            f.filed,
                            f.state.as_str()
                        );
                    }
                } else {
                    print_tables(
                        format!(
                            "Recursos de revisión presentados {}",
                            r.period.describe_es()
                        ),
                        &tables,
                        &r.on_time,
                    );
                    print_definitions(&tables);
                }
            }
        }
        Ok(())
    })
}
