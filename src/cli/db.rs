//! `arco migrate`, `arco export`, `arco import` of an export and `arco verify --against`:
//! the database itself, and moving a whole install between SQLite and PostgreSQL.

use std::path::Path;

use arco::storage::any::redact;
use arco::storage::{Database, transfer};

use super::CliResult;
use super::cases::{DbArgs, registry, runtime};

/// `arco migrate`: applies the migrations the database lacks, and says which.
pub fn migrate(db: &DbArgs) -> CliResult {
    runtime()?.block_on(async move {
        let report = Database::migrate(&db.database).await?;
        let url = redact(&db.database);
        if report.created {
            outln!("Se creó la base de datos {url}");
        }
        for m in &report.applied {
            outln!("aplicada: {} {}", m.version, m.description);
        }
        if report.applied.is_empty() {
            outln!("{url}: al día, ninguna migración pendiente");
        } else {
            outln!("{url}: {} migraciones aplicadas", report.applied.len());
        }
        Ok(())
    })
}

/// A spinner counting `what` (hidden when `quiet`, and when stderr is not a terminal).
pub(crate) fn counter(quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {{pos}} {what} · {{per_sec}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}

/// `arco export FILE`: the whole install, written to `FILE` (never over an existing file;
/// through a temporary file renamed at the end, so a cut-off export leaves no `FILE`).
pub fn export(db: &DbArgs, file: &Path, quiet: bool) -> CliResult {
    if file.exists() {
        return Err(format!(
            "{}: ya existe; elija otro nombre (arco no sobrescribe un archivo)",
            file.display()
        )
        .into());
    }
    let mut partial = file.as_os_str().to_owned();
    partial.push(".parcial");
    let partial = std::path::PathBuf::from(partial);
    runtime()?.block_on(async move {
        // One consistent snapshot (a read transaction on SQLite, REPEATABLE READ READ ONLY
        // on PostgreSQL): the install's processes may go on working meanwhile.
        let store = Database::open_snapshot(&db.database).await?;
        // Private (0600): the export holds password hashes and titulars' addresses. A
        // `.parcial` left by an export cut off before is ours to replace.
        let _ = std::fs::remove_file(&partial);
        let out = arco::storage::private::create_private(&partial)
            .map_err(|e| {
                format!(
                    "{}: no se pudo crear: {}",
                    partial.display(),
                    transfer::io_message(&e)
                )
            })?;
        let bar = counter(quiet, "expedientes");
        let written = transfer::export(&store, store.backend().name(), &out, |n| {
            bar.set_position(n as u64)
        })
        .await;
        bar.finish_and_clear();
        // The snapshot must have held to the end, or the file is not one moment's install.
        let written = match (written, store.end_snapshot().await) {
            (Ok(c), Ok(())) => Ok(c),
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e.into()),
        };
        let counts = match written.and_then(|c| {
            out.sync_all().map_err(|e| transfer::TransferError::Io {
                path: partial.display().to_string(),
                message: transfer::io_message(&e),
            })?;
            Ok(c)
        }) {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e.into());
            }
        };
        std::fs::rename(&partial, file).map_err(|e| {
            format!(
                "{}: no se pudo renombrar a {}: {}",
                partial.display(),
                file.display(),
                transfer::io_message(&e)
            )
        })?;
        outln!("Exportados: {counts}");
        outln!(
            "Archivo: {} (contiene los correos de los titulares que pidieron avisos y los resúmenes de las contraseñas y tokens de las cuentas: guárdelo como la base de datos)",
            file.display()
        );
        Ok(())
    })
}

/// `arco import FILE` when `FILE` is an export: loads it into an empty database.
pub fn import(db: &DbArgs, file: &Path, quiet: bool) -> CliResult {
    runtime()?.block_on(async move {
        // Lean: each page is written once (bounded memory, issue 20).
        let store = Database::open_lean(&db.database).await?;
        let bar = counter(quiet, "expedientes");
        let result = transfer::import(&store, file, |n| bar.set_position(n as u64)).await;
        bar.finish_and_clear();
        let counts = result?;
        store.analyze().await?;
        outln!("Importados: {counts}");
        outln!("Compruébelo con: arco verify --against {}", file.display());
        Ok(())
    })
}

/// True when `arco import` was given one file and it is an export.
pub fn is_export(files: &[std::path::PathBuf]) -> bool {
    matches!(files, [one] if transfer::is_export(one))
}

/// `arco verify --against FILE`: compares the database with an export, case by case,
/// then rebuilds every case from its log as plain `arco verify` does.
pub fn verify_against(db: &DbArgs, file: &Path) -> CliResult {
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let comparison = transfer::compare(reg.store(), file).await?;
        for (place, d) in &comparison.differences {
            outln!("{place}: {d}");
        }
        outln!(
            "{} expedientes comparados con {}, {} diferencias",
            comparison.cases,
            file.display(),
            comparison.differences.len()
        );
        let report = reg.verify().await?;
        for (folio, d) in &report.differences {
            outln!("{folio}: {d}");
        }
        outln!(
            "{} expedientes verificados, {} diferencias",
            report.checked,
            report.differences.len()
        );
        if !comparison.differences.is_empty() {
            return Err("la base de datos no coincide con la exportación".into());
        }
        if !report.differences.is_empty() {
            return Err("la proyección guardada no coincide con el registro de actos".into());
        }
        Ok(())
    })
}
