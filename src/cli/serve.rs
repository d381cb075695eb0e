//! `arco serve` (the HTTP API and the nightly alert job) and `arco admin` (bodies,
//! accounts, tokens).

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use clap::{Args, Subcommand};

use arco::accounts::{Body, BodyKind, TokenKind, password};
use arco::alerts;
use arco::calendar::CalendarLoader;
use arco::case::Role;
use arco::http::{App, ServeConfig};
use arco::service::admin;
use arco::service::demo as admin_demo;
use arco::storage::Directory;

use super::CliResult;
use super::cases::{DbArgs, registry, runtime};

/// Options of `arco serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Archivo de configuración TOML (listen, session_hours, max_body_bytes, base_url, alerts...).
    #[arg(long, env = "ARCO_CONFIG")]
    pub config: Option<PathBuf>,
    /// Dirección donde escuchar (por ejemplo 0.0.0.0:8080; puerto 0 elige uno libre).
    #[arg(long, env = "ARCO_LISTEN")]
    pub listen: Option<String>,
    /// Configuración de avisos por correo; sin ella no corre la tarea nocturna.
    #[arg(long, env = "ARCO_ALERTS_CONFIG")]
    pub alerts: Option<PathBuf>,
    /// Nombre de este proceso en el registro de corridas nocturnas.
    #[arg(long, env = "ARCO_HOLDER")]
    pub holder: Option<String>,
    /// En una base de datos vacía, crea una instalación de demostración (un órgano garante,
    /// un sujeto obligado, una cuenta por rol con su contraseña y una docena de expedientes).
    #[arg(long)]
    pub demo: bool,
}

/// `arco admin ...`.
#[derive(Subcommand)]
pub enum AdminCommand {
    /// Registra un sujeto obligado o un órgano garante.
    AddBody {
        /// Clave corta (aparece en los folios): SEJ, ITEI...
        code: String,
        #[arg(long)]
        name: String,
        /// obligated (sujeto obligado) o guarantor (órgano garante).
        #[arg(long, default_value = "obligated")]
        kind: String,
        /// Calendario de días hábiles (nombre o ruta).
        #[arg(long, default_value = "mx-jalisco")]
        calendar: String,
        /// Órgano garante que conoce de los recursos contra este sujeto obligado.
        #[arg(long)]
        guarantor: Option<String>,
    },
    /// Lista los sujetos obligados.
    Bodies,
    /// Crea una cuenta. La contraseña se lee de la entrada estándar con --password-stdin.
    AddAccount {
        username: String,
        #[arg(long)]
        name: String,
        /// Sujeto obligado u órgano garante al que pertenece (un administrador puede no tener).
        #[arg(long)]
        body: Option<String>,
        /// unit_staff, unit_head, committee, guarantor, auditor o admin.
        #[arg(long)]
        role: String,
        /// Lee la contraseña de la primera línea de la entrada estándar.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lista las cuentas.
    Accounts,
    /// Cambia la contraseña (de la entrada estándar) y cierra las sesiones abiertas.
    SetPassword { username: String },
    /// Desactiva una cuenta y revoca todos sus tokens.
    Disable { username: String },
    /// Crea un token de API (o de calendario) e imprime el secreto, una sola vez.
    Token {
        username: String,
        #[arg(long, default_value = "api")]
        kind: String,
        /// Para qué sistema es.
        #[arg(long, default_value = "integración")]
        label: String,
        /// Días de vigencia (API: sin límite si se omite; calendario: 365 si se omite).
        #[arg(long)]
        days: Option<i64>,
    },
    /// Revoca un token (se lee de la entrada estándar).
    Revoke,
    /// Lista los tokens de una cuenta (sesión, API, calendario) y, con --revoke, revoca
    /// los vigentes de un tipo.
    Tokens {
        username: String,
        /// Revoca los tokens vigentes de este tipo: session, api, feed o all.
        #[arg(long)]
        revoke: Option<String>,
    },
}

fn read_secret(what: &str) -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("no se pudo leer {what} de la entrada estándar: {e}"))?;
    let s = line.trim_end_matches(['\r', '\n']).to_string();
    if s.is_empty() {
        return Err(format!("{what} vacío en la entrada estándar"));
    }
    Ok(s)
}

pub fn admin(db: &DbArgs, cmd: AdminCommand) -> CliResult {
    runtime()?.block_on(async move {
        let reg = registry(db).await?;
        let store = reg.store();
        let now = Utc::now();
        match cmd {
            AdminCommand::AddBody { code, name, kind, calendar, guarantor } => {
                let kind = BodyKind::parse(&kind).ok_or_else(|| {
                    format!("--kind: «{kind}» no se entiende; se esperaba obligated o guarantor")
                })?;
                let loader = CalendarLoader::default();
                let b = admin::add_body(
                    store,
                    Body { code, name, kind, calendar, guarantor },
                    |c| loader.load(c).map(|_| ()).map_err(|e| e.to_string()),
                    now,
                )
                .await?;
                outln!("Registrado: {} — {} ({})", b.code, b.name, b.kind.as_str());
            }
            AdminCommand::Bodies => {
                for b in store.bodies().await? {
                    outln!(
                        "{:<12} {:<10} {:<16} {:<10} {}",
                        b.code,
                        b.kind.as_str(),
                        b.calendar,
                        b.guarantor.unwrap_or_else(|| "-".into()),
                        b.name
                    );
                }
            }
            AdminCommand::AddAccount { username, name, body, role, password_stdin } => {
                let role = Role::parse(&role).ok_or_else(|| {
                    format!("--role: «{role}» no se entiende; se esperaba unit_staff, unit_head, committee, guarantor, auditor o admin")
                })?;
                let pw = if password_stdin { Some(read_secret("la contraseña")?) } else { None };
                let a = admin::add_account(store, &username, &name, body.as_deref(), role, pw.as_deref(), now).await?;
                outln!(
                    "Cuenta creada: {} ({}, {}){}",
                    a.username,
                    a.role.label_es(),
                    a.body.as_deref().unwrap_or("toda la instalación"),
                    if pw.is_none() { "; sin contraseña: use `arco admin token`" } else { "" }
                );
            }
            AdminCommand::Accounts => {
                for a in store.accounts().await? {
                    outln!(
                        "{:<24} {:<12} {:<10} {:<8} {}",
                        a.username,
                        a.role.as_str(),
                        a.body.as_deref().unwrap_or("-"),
                        if a.active { "activa" } else { "inactiva" },
                        a.display_name
                    );
                }
            }
            AdminCommand::SetPassword { username } => {
                let hash = password::hash(&read_secret("la contraseña")?)?;
                let active = store.account(&username).await?.map(|a| a.active);
                let Some(active) = active else {
                    return Err(format!("no existe la cuenta «{username}»").into());
                };
                store.update_account(&username, Some(&hash), active, now).await?;
                outln!("Contraseña cambiada; las sesiones abiertas y el calendario de {username} quedaron revocados");
            }
            AdminCommand::Disable { username } => {
                if !store.update_account(&username, None, false, now).await? {
                    return Err(format!("no existe la cuenta «{username}»").into());
                }
                outln!("Cuenta {username} desactivada; sus tokens quedaron revocados");
            }
            AdminCommand::Token { username, kind, label, days } => {
                let kind = match TokenKind::parse(&kind) {
                    Some(k @ (TokenKind::Api | TokenKind::Feed)) => k,
                    _ => return Err(format!("--kind: «{kind}»; se esperaba api o feed").into()),
                };
                if days.is_some_and(|d| !(1..=3650).contains(&d)) {
                    return Err("--days: de 1 a 3650".into());
                }
                // A feed token always ends; a new one replaces the account's previous feed.
                let days = match kind {
                    TokenKind::Feed => Some(days.unwrap_or(365)),
                    _ => days,
                };
                let expires = days.map(|d| now + chrono::Duration::days(d));
                let secret = admin::create_token(store, &username, kind, &label, expires, now).await?;
                eprintln!("Token para {username} ({label}); guárdelo ahora, no se volverá a mostrar:");
                outln!("{secret}");
            }
            AdminCommand::Tokens { username, revoke } => {
                if store.account(&username).await?.is_none() {
                    return Err(format!("no existe la cuenta «{username}»").into());
                }
                if let Some(k) = revoke {
                    let kind = match k.as_str() {
                        "all" => None,
                        other => Some(TokenKind::parse(other).ok_or_else(|| {
                            format!("--revoke: «{other}»; se esperaba session, api, feed o all")
                        })?),
                    };
                    let n = store.revoke_tokens(&username, kind, now).await?;
                    outln!(
                        "{n} token(s) {} de {username} revocado(s)",
                        kind.map_or("de todo tipo", |k| k.as_str())
                    );
                }
                let tokens = store.tokens_of(&username).await?;
                if tokens.is_empty() {
                    outln!("{username} no tiene tokens");
                }
                for t in tokens {
                    let status = match (t.revoked_at, t.expires_at) {
                        (Some(r), _) => format!("revocado {}", r.format("%Y-%m-%d %H:%M")),
                        (None, Some(e)) if e <= now => format!("expiró {}", e.format("%Y-%m-%d %H:%M")),
                        (None, Some(e)) => format!("vigente hasta {}", e.format("%Y-%m-%d %H:%M")),
                        (None, None) => "vigente, sin caducidad".to_string(),
                    };
                    // The digest's first characters tell tokens apart; the secret is never stored.
                    outln!(
                        "{:<8} {:<12} creado {}  {:<34} {}",
                        t.kind.as_str(),
                        &t.digest[..12.min(t.digest.len())],
                        t.created_at.format("%Y-%m-%d %H:%M"),
                        status,
                        t.label
                    );
                }
            }
            AdminCommand::Revoke => {
                let secret = read_secret("el token")?;
                if store.revoke_token(&arco::accounts::token_digest(&secret), now).await? {
                    outln!("Token revocado");
                } else {
                    return Err("token desconocido o ya revocado".into());
                }
            }
        }
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `--demo`: the demonstration install on an empty database, its passwords printed once.
async fn demo(reg: &arco::service::Registry<arco::storage::Database>) -> CliResult {
    match admin_demo::seed(reg, "mx-jalisco", Utc::now()).await? {
        None => outln!(
            "--demo: la base de datos ya tiene sujetos obligados; no se creó la demostración."
        ),
        Some(d) => {
            outln!(
                "Instalación de demostración creada ({} expedientes). Cuentas (las contraseñas no se vuelven a mostrar):",
                d.cases.len()
            );
            for a in &d.accounts {
                outln!(
                    "  {:<14} {:<34} {:<8} contraseña: {}",
                    a.username,
                    a.role.label_es(),
                    a.body.as_deref().unwrap_or("-"),
                    a.password
                );
            }
            for r in &d.refused {
                eprintln!("--demo: acto no registrado: {r}");
            }
        }
    }
    Ok(())
}

pub fn serve(db: &DbArgs, args: ServeArgs) -> CliResult {
    let mut config = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("{}: no se pudo leer: {e}", p.display()))?;
            ServeConfig::parse(&text, &p.display().to_string())?
        }
        None => ServeConfig::default(),
    };
    if let Some(l) = args.listen {
        config.listen = l;
    }
    if let Some(a) = args.alerts {
        config.alerts = Some(a);
    }
    if let Some(h) = args.holder {
        config.holder = h;
    }
    let alerts_config = match &config.alerts {
        Some(p) => {
            let c = super::alerts::load_config(&Some(p.clone()))?;
            let m = super::alerts::mailer(&c)?;
            Some((c, m))
        }
        None => None,
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let reg = registry(db)
            .await?
            .with_list_cache(config.list_cache_entries);
        if args.demo {
            demo(&reg).await?;
        }
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .map_err(|e| format!("no se pudo escuchar en {}: {e}", config.listen))?;
        let addr = listener.local_addr()?;
        let holder = config.holder.clone();
        let app: Arc<App> = App::new(reg, config);
        if let Some((c, m)) = alerts_config {
            let app = app.clone();
            tokio::spawn(async move {
                loop {
                    match alerts::breach::breach_tick(&app.registry, &c, &m, &holder, Utc::now())
                        .await
                    {
                        Ok(Some(r)) if r.new > 0 || !r.deliveries.is_empty() => tracing::info!(
                            nuevos = r.new,
                            mensajes = r.deliveries.len(),
                            "avisos de vulneraciones"
                        ),
                        Ok(_) => {}
                        Err(e) => {
                            tracing::error!(error = %e, "error en los avisos de vulneraciones")
                        }
                    }
                    match alerts::nightly(&app.registry, &c, &m, &holder, Utc::now()).await {
                        Ok(Some(r)) => tracing::info!(
                            noche = %r.as_of, nuevos = r.new, resumenes = r.deliveries.len(),
                            "corrida nocturna de avisos"
                        ),
                        Ok(None) => {}
                        Err(e) => tracing::error!(error = %e, "error en la corrida de avisos"),
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                }
            });
        }
        outln!("arco serve: escuchando en http://{addr}");
        outln!("Abra http://{addr}/ en su navegador para entrar a la interfaz del personal.");
        arco::http::serve(listener, app, shutdown_signal()).await?;
        outln!("arco serve: detenido");
        Ok(())
    })
}
