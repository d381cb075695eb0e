//! `arco document list|purge`: the documents of the expediente (art. 58.2) from the
//! command line, for the operator (the nightly job or cron may run the purge). Contents
//! are never printed; names only by `list`, to the operator's terminal.

use std::path::PathBuf;

use chrono::Utc;
use clap::Subcommand;

use super::CliResult;
use super::cases::{registry, runtime};
use arco::http::ServeConfig;
use arco::service::documents::RETENTION_ACTOR;
use arco::storage::DocumentStore;

/// `arco document ...`.
#[derive(Subcommand)]
pub enum DocumentCommand {
    /// Los documentos de un expediente (registro; nunca su contenido).
    List {
        folio: String,
        /// Salida JSON.
        #[arg(long)]
        json: bool,
    },
    /// Depura los documentos de identidad y representación de las solicitudes cerradas
    /// hace al menos identity_retention_days días (queda el registro de cada uno).
    Purge {
        /// La configuración de `arco serve` (documents_dir, identity_retention_days).
        #[arg(long, env = "ARCO_CONFIG")]
        config: Option<PathBuf>,
    },
}

fn config(path: Option<&PathBuf>) -> Result<ServeConfig, String> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("{}: no se pudo leer: {e}", p.display()))?;
            ServeConfig::parse(&text, &p.display().to_string())
        }
        None => Ok(ServeConfig::default()),
    }
}

pub fn document(db: &super::cases::DbArgs, cmd: DocumentCommand) -> CliResult {
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        match cmd {
            DocumentCommand::List { folio, json } => {
                let docs = reg.store().documents(&folio).await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&docs)?);
                    return Ok(());
                }
                if docs.is_empty() {
                    println!("{folio}: sin documentos");
                }
                for d in docs {
                    let state = match (&d.purged_at, &d.purged_by) {
                        (Some(at), by) => format!(
                            "depurado {} por {}",
                            at.to_rfc3339(),
                            by.as_deref().unwrap_or("?")
                        ),
                        _ => "vigente".into(),
                    };
                    println!(
                        "{}\t{}\t{}\t{} bytes\t{}\t{}\t{state}",
                        d.id,
                        d.kind.as_str(),
                        d.media_type,
                        d.size,
                        d.sha256,
                        d.filename
                    );
                }
            }
            DocumentCommand::Purge { config: path } => {
                let settings = config(path.as_ref())?.documents();
                let now = Utc::now();
                let today = now
                    .with_timezone(&chrono_tz::America::Mexico_City)
                    .date_naive();
                let report = reg
                    .purge_documents(&settings, RETENTION_ACTOR, today, now)
                    .await?;
                println!(
                    "{} documentos depurados; {} documentos sensibles conservados",
                    report.purged.len(),
                    report.kept
                );
                for (id, folio) in report.purged {
                    println!("depurado: documento {id} del expediente {folio}");
                }
            }
        }
        Ok(())
    })
}
