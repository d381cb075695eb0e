//! `arco`: the command line over the arco library. Every command is a thin layer: it reads
//! its arguments, calls the library and prints. Text for people is Spanish.

/// `println!` that ends the program quietly when stdout is closed (`arco ... | head`)
/// instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use arco::calendar::{Calendar, CalendarLoader, Count, Moment};
use arco::rules::{Rulebook, Rulebooks, Unit};

#[derive(Parser)]
#[command(
    name = "arco",
    version,
    about = "Plazos de las solicitudes de derechos ARCO y de los recursos de revisión (LPDPPSOJ, Jalisco)",
    long_about = None
)]
struct Cli {
    #[command(flatten)]
    db: cli::cases::DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Calendarios de días hábiles.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Vencimiento de un plazo de N días hábiles (una fecha, a la hora de cierre), de N días
    /// naturales (una fecha) o de N horas naturales (un instante, no una hora de cierre).
    Due {
        /// Calendario: ruta a un archivo .toml o nombre de uno incluido (mx-jalisco).
        #[arg(long)]
        calendar: String,
        /// Cuándo ocurrió el acto: AAAA-MM-DD, AAAA-MM-DDTHH:MM (hora de la oficina) o RFC 3339.
        #[arg(long)]
        at: String,
        /// Días hábiles del plazo (0 da la fecha en que surte efectos).
        #[arg(long, required_unless_present_any = ["hours", "calendar_days"], conflicts_with_all = ["hours", "calendar_days"])]
        days: Option<u32>,
        /// Horas naturales del plazo (art. 40: 72): corren de día y de noche y en días
        /// inhábiles; vence en un instante (fecha y hora), no a la hora de cierre.
        #[arg(long, conflicts_with = "calendar_days")]
        hours: Option<u32>,
        /// Días naturales del plazo: cuentan todos los días, desde la fecha local del acto.
        #[arg(long)]
        calendar_days: Option<u32>,
        /// Explica el cómputo: fecha de efectos, días contados y días omitidos; en horas,
        /// las horas de cada día y el instante del vencimiento.
        #[arg(long)]
        explain: bool,
    },
    /// Los plazos de la ley, con sus artículos.
    Terms {
        /// Identificador del reglamento (por omisión, el vigente hoy).
        #[arg(long)]
        rulebook: Option<String>,
    },
    /// Solicitudes ARCO: presentar, registrar actos, consultar, listar.
    #[command(subcommand)]
    Request(cli::cases::RequestCommand),
    /// Recursos de revisión y cumplimiento de sus resoluciones.
    #[command(subcommand)]
    Appeal(cli::appeals::AppealCommand),
    /// Vulneraciones de seguridad (arts. 38 a 43): detección, confirmación, avisos en 72
    /// horas, acciones correctivas, bitácora.
    #[command(subcommand)]
    Breach(cli::breaches::BreachCommand),
    /// Avisos de plazos por correo.
    #[command(subcommand)]
    Alerts(cli::alerts::AlertsCommand),
    /// Servicio que envía los avisos cada noche (y al arrancar, si faltó una noche).
    Daemon {
        #[arg(long, env = "ARCO_ALERTS_CONFIG")]
        config: Option<PathBuf>,
        /// Nombre de esta instancia, para el registro de corridas.
        #[arg(long, default_value = "arco-daemon")]
        holder: String,
        /// Corre la noche de hoy si ya es la hora y nadie la ha corrido, y termina (para cron).
        #[arg(long)]
        once: bool,
    },
    /// Servicio HTTP: la API de solicitudes y recursos, con cuentas y roles, y la tarea nocturna de avisos.
    Serve(cli::serve::ServeArgs),
    /// Administración: sujetos obligados, cuentas y tokens.
    #[command(subcommand)]
    Admin(cli::serve::AdminCommand),
    /// Informes: solicitudes por periodo, oportunidad de los plazos, registro anual.
    #[command(subcommand)]
    Report(cli::reports::ReportCommand),
    /// Documentos del expediente (art. 58.2): listar y depurar los de identidad.
    #[command(subcommand)]
    Document(cli::documents::DocumentCommand),
    /// Carga historiales de casos (JSON) de otro sistema, o una exportación de arco
    /// («arco export») en una base de datos vacía.
    Import {
        /// Archivos .json (un historial o un arreglo), .jsonl (uno por línea), carpetas, o
        /// un solo archivo de «arco export».
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Sujeto obligado al que pertenecen.
        #[arg(long, env = "ARCO_BODY", default_value = "UT")]
        body: String,
        /// Sin barra de progreso.
        #[arg(long)]
        quiet: bool,
    },
    /// Reconstruye cada expediente desde su registro de actos y reporta diferencias.
    Verify {
        /// Compara además la base de datos con una exportación («arco export»), expediente
        /// por expediente.
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// Aplica las migraciones pendientes de la base de datos (PostgreSQL: antes de usarla;
    /// la crea si no existe).
    Migrate,
    /// Escribe toda la instalación (expedientes con su registro, folios, contactos, avisos,
    /// corridas) en un archivo, para «arco import» en otra base de datos.
    Export {
        /// Archivo a crear (no se sobrescribe uno existente).
        file: PathBuf,
        /// Sin contador de avance.
        #[arg(long)]
        quiet: bool,
    },
    /// Aplica un historial de actos (JSON) e imprime el caso resultante, sin base de datos.
    Replay {
        /// Archivo JSON con el historial («-» para la entrada estándar).
        file: String,
    },
    /// Registra una solicitud de ejemplo en la base de datos y muestra su acuse y los expedientes abiertos.
    Demo {
        /// Calendario del sujeto obligado.
        #[arg(long, default_value = "mx-jalisco")]
        calendar: String,
        /// Momento de presentación (por omisión, ahora).
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Valida un calendario: dice qué está mal o imprime un resumen de una línea.
    Check {
        /// Ruta al archivo .toml o nombre de un calendario incluido.
        file: String,
    },
    /// Recalcula los plazos de los expedientes abiertos de un calendario que cambió (un
    /// acuerdo de días inhábiles nuevo) y deja constancia en el registro de cada uno.
    Apply {
        /// El calendario (nombre o ruta, tal como lo usan los expedientes).
        calendar: String,
        /// Motivo, p. ej. «Acuerdo del Comité de 20 de noviembre de 2026».
        #[arg(long)]
        reason: String,
        /// Solo muestra qué expedientes cambiarían.
        #[arg(long)]
        dry_run: bool,
        /// Quien aplica el cambio.
        #[arg(long, env = "ARCO_ACTOR", default_value = "administracion")]
        actor: String,
    },
    /// Lista los días inhábiles de un intervalo: AAAA-MM-DD<TAB>motivo.
    Days {
        #[arg(long)]
        calendar: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

use cli::CliResult;

fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Calendar(CalendarCommand::Check { file }) => {
            let cal = load_calendar(&file)?;
            outln!("{}", cal.summary());
        }
        Command::Calendar(CalendarCommand::Apply {
            calendar,
            reason,
            dry_run,
            actor,
        }) => cli::cases::calendar_apply(&cli.db, &calendar, &reason, dry_run, &actor)?,
        Command::Calendar(CalendarCommand::Days { calendar, from, to }) => {
            let cal = load_calendar(&calendar)?;
            let (from, to) = (parse_date(&from, "--from")?, parse_date(&to, "--to")?);
            let mut out = String::new();
            for (d, status) in cal.non_business_days(from, to)? {
                out.push_str(&format!("{d}\t{}\n", status.reason_es()));
            }
            {
                use std::io::Write as _;
                if std::io::stdout().write_all(out.as_bytes()).is_err() {
                    std::process::exit(0);
                }
            }
        }
        Command::Due {
            calendar,
            at,
            days,
            hours,
            calendar_days,
            explain,
        } => {
            let cal = load_calendar(&calendar)?;
            let at: Moment = at.parse()?;
            let count = match (days, hours, calendar_days) {
                (_, Some(h), _) => Count::Hours(h),
                (_, _, Some(n)) => Count::CalendarDays(n),
                (days, _, _) => Count::BusinessDays(days.unwrap_or(0)),
            };
            if explain {
                let e = cal.explain_count(&at, count)?;
                outln!("{}\n{e}", e.due_text());
            } else {
                outln!("{}", cal.due_at(&at, count)?);
            }
        }
        Command::Terms { rulebook } => {
            let books = Rulebooks::load_default()?;
            let book = match rulebook {
                Some(id) => books.get(&id)?,
                None => books.in_force("mx-jal", today())?,
            };
            print_terms(book);
        }
        Command::Request(cmd) => cli::cases::request(&cli.db, cmd)?,
        Command::Appeal(cmd) => cli::appeals::appeal(&cli.db, cmd)?,
        Command::Breach(cmd) => cli::breaches::breach(&cli.db, cmd)?,
        Command::Alerts(cmd) => cli::alerts::alerts(&cli.db, cmd)?,
        Command::Daemon {
            config,
            holder,
            once,
        } => cli::alerts::daemon(&cli.db, &config, &holder, once)?,
        Command::Import { files, quiet, .. } if cli::db::is_export(&files) => {
            cli::db::import(&cli.db, &files[0], quiet)?
        }
        Command::Import { files, body, quiet } => {
            cli::cases::import(&cli.db, &files, &body, quiet)?
        }
        Command::Verify { against: None } => cli::cases::verify(&cli.db)?,
        Command::Verify {
            against: Some(file),
        } => cli::db::verify_against(&cli.db, &file)?,
        Command::Migrate => cli::db::migrate(&cli.db)?,
        Command::Export { file, quiet } => cli::db::export(&cli.db, &file, quiet)?,
        Command::Serve(args) => cli::serve::serve(&cli.db, args)?,
        Command::Admin(cmd) => cli::serve::admin(&cli.db, cmd)?,
        Command::Document(cmd) => cli::documents::document(&cli.db, cmd)?,
        Command::Report(cmd) => cli::reports::report(&cli.db, cmd)?,
        Command::Replay { file } => {
            let text = read_input(&file)?;
            let history = arco::request::replay::History::from_json(&text)?;
            let books = Rulebooks::load_default()?;
            let view = arco::request::replay::replay(
                &history,
                &CalendarLoader::default(),
                &books,
                chrono::Utc::now(),
            )?;
            outln!("{}", serde_json::to_string_pretty(&view)?);
        }
        Command::Demo { calendar, at } => cli::cases::demo(&cli.db, &calendar, at)?,
    }
    Ok(())
}

fn load_calendar(name: &str) -> Result<Calendar, arco::calendar::CalendarError> {
    CalendarLoader::default().load(name)
}

fn read_input(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("no se pudo leer la entrada estándar: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{file}: no se pudo leer: {e}"))
    }
}

fn parse_date(s: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{what}: fecha inválida «{s}»; se esperaba AAAA-MM-DD"))
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn print_terms(book: &Rulebook) {
    outln!("{} — {}", book.law, book.title);
    let until = book
        .effective_until
        .map(|u| format!(" hasta {u}"))
        .unwrap_or_default();
    outln!(
        "Reglamento «{}», jurisdicción {}, en vigor desde {}{until}",
        book.id,
        book.jurisdiction,
        book.effective_from
    );
    outln!();
    outln!(
        "{:<30} {:>6}  {:<36} {:<12} {:<20} nombre",
        "plazo",
        "días",
        "cuenta desde",
        "quién",
        "artículo"
    );
    for t in &book.terms {
        let mut days = match (t.unit, t.max_days) {
            (Unit::Hours, _) => format!("{}h", t.days),
            (Unit::CalendarDays, _) => format!("{}n", t.days),
            (_, Some(m)) => format!("≤{m}"),
            _ => t.days.to_string(),
        };
        if let Some(x) = t.extension_days {
            days.push_str(&format!("+{x}"));
        }
        let mut from = t.from.to_string();
        if t.before {
            from = format!("antes de {from}");
        }
        outln!(
            "{:<30} {:>6}  {:<36} {:<12} art. {:<15} {}",
            t.id.as_str(),
            days,
            from,
            t.actor.as_str(),
            t.article,
            t.name
        );
    }
}
