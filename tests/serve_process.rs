//! `arco admin` and `arco serve` as an operator runs them: a real process, a real port,
//! SIGTERM for a graceful stop.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

fn temp_db(tag: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("arco-serve-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("arco.db").display());
    (dir, url)
}

fn arco(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(args)
        .env("ARCO_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("arco runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Starts `arco serve` on port 0 and returns the process and its base URL.
fn serve(url: &str) -> (Child, String, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("ARCO_DATABASE_URL", url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("arco serve starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in «{line}»"))
        .to_string();
    (child, base, out)
}

#[test]
fn admin_sets_up_bodies_accounts_and_tokens_with_clear_errors() {
    let (dir, url) = temp_db("admin");
    // A body whose guarantor does not exist is refused, in Spanish.
    let o = arco(
        &url,
        &[
            "admin",
            "add-body",
            "SEJ",
            "--name",
            "Secretaría",
            "--guarantor",
            "ITEI",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("no existe el órgano garante «ITEI»"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(
        &url,
        &[
            "admin",
            "add-body",
            "ITEI",
            "--name",
            "Garante",
            "--kind",
            "guarantor",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = arco(
        &url,
        &[
            "admin",
            "add-body",
            "SEJ",
            "--name",
            "Secretaría",
            "--guarantor",
            "ITEI",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Duplicates, bad calendars and bad codes.
    let o = arco(&url, &["admin", "add-body", "SEJ", "--name", "Otra"], None);
    assert!(
        text(&o.stderr).contains("ya existe el sujeto obligado «SEJ»"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(&url, &["admin", "add-body", "X Y", "--name", "Otra"], None);
    assert!(
        text(&o.stderr).contains("clave de sujeto obligado"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(
        &url,
        &[
            "admin",
            "add-body",
            "MUN",
            "--name",
            "Municipio",
            "--calendar",
            "no-existe",
        ],
        None,
    );
    assert!(!o.status.success());
    // A role must fit its body's kind.
    let o = arco(
        &url,
        &[
            "admin",
            "add-account",
            "gabriel",
            "--name",
            "G",
            "--body",
            "SEJ",
            "--role",
            "guarantor",
        ],
        None,
    );
    assert!(
        text(&o.stderr).contains("debe pertenecer a un órgano garante"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(
        &url,
        &[
            "admin",
            "add-account",
            "ana",
            "--name",
            "Ana",
            "--body",
            "SEJ",
            "--role",
            "jefa",
        ],
        None,
    );
    assert!(text(&o.stderr).contains("--role"), "{}", text(&o.stderr));
    // A short password is refused; a good one is read from stdin, never from arguments.
    let o = arco(
        &url,
        &[
            "admin",
            "add-account",
            "ana",
            "--name",
            "Ana",
            "--body",
            "SEJ",
            "--role",
            "unit_staff",
            "--password-stdin",
        ],
        Some("corta\n"),
    );
    assert!(
        text(&o.stderr).contains("al menos 12 caracteres"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(
        &url,
        &[
            "admin",
            "add-account",
            "ana",
            "--name",
            "Ana",
            "--body",
            "SEJ",
            "--role",
            "unit_staff",
            "--password-stdin",
        ],
        Some("una contraseña larga\n"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = arco(&url, &["admin", "accounts"], None);
    assert!(text(&o.stdout).contains("ana") && text(&o.stdout).contains("unit_staff"));
    // A token is printed once, alone on stdout.
    let o = arco(&url, &["admin", "token", "ana", "--label", "sistema"], None);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let token = text(&o.stdout).trim().to_string();
    assert!(token.starts_with("arco_") && !token.contains(' '));
    // Disabling revokes; revoking an unknown token says so.
    let o = arco(&url, &["admin", "disable", "ana"], None);
    assert!(o.status.success());
    let o = arco(&url, &["admin", "token", "ana"], None);
    assert!(
        text(&o.stderr).contains("desactivada"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(&url, &["admin", "revoke"], Some(&format!("{token}\n")));
    assert!(
        text(&o.stderr).contains("ya revocado"),
        "{}",
        text(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let (dir, url) = temp_db("sigterm");
    let o = arco(
        &url,
        &["admin", "add-body", "SEJ", "--name", "Secretaría"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    arco(
        &url,
        &[
            "admin",
            "add-account",
            "sis",
            "--name",
            "Sistema",
            "--body",
            "SEJ",
            "--role",
            "unit_staff",
        ],
        None,
    );
    let token = text(&arco(&url, &["admin", "token", "sis"], None).stdout)
        .trim()
        .to_string();
    let (mut child, base, mut out) = serve(&url);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let health = http.get(format!("{base}/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let filed = http
            .post(format!("{base}/v1/requests"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"right": "access", "at": "2026-02-05T10:00"}))
            .send()
            .await
            .unwrap();
        assert_eq!(filed.status(), 201);
    });
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit: {status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(rest.contains("arco serve: detenido"), "{rest}");
    // What was filed over HTTP is in the database, with the API account as actor.
    let o = arco(
        &url,
        &["request", "show", "SEJ-ARCO-2026-00001", "--json"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(shown["log"][0]["actor"], "sis");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_refuses_a_bad_config_with_file_and_line() {
    let (dir, url) = temp_db("config");
    let cfg = dir.join("arco.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:0\"\nsesion_hours = 3\n").unwrap();
    let o = arco(&url, &["serve", "--config", cfg.to_str().unwrap()], None);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("arco.toml:2:"), "{err}");
    std::fs::write(&cfg, "max_page = 100000\n").unwrap();
    let o = arco(&url, &["serve", "--config", cfg.to_str().unwrap()], None);
    assert!(text(&o.stderr).contains("max_page"), "{}", text(&o.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

/// Starts `arco serve --config CFG` on port 0 with its log in `log`.
fn serve_logged(url: &str, cfg: &std::path::Path, log: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(cfg)
        .env("ARCO_DATABASE_URL", url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("arco serve starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in «{line}»"))
        .to_string();
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut rest);
    });
    (child, base)
}

#[test]
fn lockouts_are_logged_and_a_half_sent_request_does_not_hold_the_stop() {
    let (dir, url) = temp_db("stop");
    let o = arco(
        &url,
        &["admin", "add-body", "SEJ", "--name", "Secretaría"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = arco(
        &url,
        &[
            "admin",
            "add-account",
            "ana.lopez",
            "--name",
            "Ana",
            "--body",
            "SEJ",
            "--role",
            "unit_staff",
            "--password-stdin",
        ],
        Some("caballo-correcto-bateria\n"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let cfg = dir.join("arco.toml");
    std::fs::write(
        &cfg,
        "header_timeout_secs = 600\nbody_timeout_secs = 600\nshutdown_grace_secs = 1\nlogin_attempts = 2\n",
    )
    .unwrap();
    let log = dir.join("serve.log");
    let (mut child, base) = serve_logged(&url, &cfg, &log);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let statuses: Vec<u16> = rt.block_on(async {
        let http = reqwest::Client::new();
        let mut out = Vec::new();
        for pw in [
            "clave-mala-numero-1",
            "clave-mala-numero-2",
            "clave-mala-numero-3",
        ] {
            let r = http
                .post(format!("{base}/v1/login"))
                .json(&serde_json::json!({"username": "ana.lopez", "password": pw}))
                .send()
                .await
                .unwrap();
            out.push(r.status().as_u16());
        }
        let r = http
            .post(format!("{base}/v1/login"))
            .json(&serde_json::json!({"username": "caballo-correcto-bateria", "password": "x"}))
            .send()
            .await
            .unwrap();
        out.push(r.status().as_u16());
        out
    });
    assert_eq!(statuses, [401, 401, 429, 401]);
    // A request whose body never comes, and one whose headers never end.
    let addr = base.strip_prefix("http://").unwrap();
    let mut stalled = std::net::TcpStream::connect(addr).unwrap();
    stalled
        .write_all(b"POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let mut half = std::net::TcpStream::connect(addr).unwrap();
    half.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let status = status.expect("arco serve no se detuvo con una solicitud a medias");
    assert!(status.success(), "exit: {status:?}");
    let logged = std::fs::read_to_string(&log).unwrap();
    // Every sign-in outcome names the user and the address...
    assert!(logged.contains("inicio de sesión rechazado"), "{logged}");
    let locked = logged
        .lines()
        .find(|l| l.contains("inicio de sesión bloqueado"))
        .unwrap_or_else(|| panic!("sin bloqueo en el registro: {logged}"));
    assert!(
        locked.contains("ana.lopez") && locked.contains("127.0.0.1"),
        "{locked}"
    );
    assert!(logged.contains("plazo de cierre vencido"), "{logged}");
    // ...and never a password, not even one typed in the user box.
    for secret in ["clave-mala", "caballo-correcto-bateria"] {
        assert!(
            !logged.contains(secret),
            "contraseña en el registro: {logged}"
        );
    }
    drop((stalled, half));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn admin_lists_and_revokes_an_accounts_tokens_by_kind() {
    let (dir, url) = temp_db("tokens");
    let ok = |args: &[&str]| {
        let o = arco(&url, args, None);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    ok(&["admin", "add-body", "SEJ", "--name", "Secretaría"]);
    ok(&[
        "admin",
        "add-account",
        "sis",
        "--name",
        "Sistema",
        "--body",
        "SEJ",
        "--role",
        "unit_staff",
    ]);
    ok(&["admin", "token", "sis", "--label", "integración"]);
    ok(&[
        "admin", "token", "sis", "--kind", "feed", "--label", "cal-1",
    ]);
    ok(&[
        "admin", "token", "sis", "--kind", "feed", "--label", "cal-2",
    ]);
    let listed = ok(&["admin", "tokens", "sis"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    let line = |label: &str| {
        listed
            .lines()
            .find(|l| l.ends_with(label))
            .unwrap_or_else(|| panic!("sin {label}: {listed}"))
            .to_string()
    };
    let api = line("integración");
    assert!(
        api.starts_with("api") && api.contains("vigente, sin caducidad"),
        "{listed}"
    );
    // The second feed replaced the first; feeds always end.
    let (cal1, cal2) = (line("cal-1"), line("cal-2"));
    assert!(
        cal1.starts_with("feed") && cal1.contains("revocado"),
        "{listed}"
    );
    assert!(
        cal2.starts_with("feed") && cal2.contains("vigente hasta"),
        "{listed}"
    );
    let revoked = ok(&["admin", "tokens", "sis", "--revoke", "feed"]);
    assert!(
        revoked.contains("1 token(s) feed de sis revocado(s)"),
        "{revoked}"
    );
    assert_eq!(revoked.matches("revocado ").count(), 2, "{revoked}");
    assert!(revoked.contains("vigente, sin caducidad"), "{revoked}");
    let o = arco(&url, &["admin", "tokens", "sis", "--revoke", "todo"], None);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("session, api, feed o all"),
        "{}",
        text(&o.stderr)
    );
    let o = arco(&url, &["admin", "tokens", "nadie"], None);
    assert!(
        text(&o.stderr).contains("no existe la cuenta «nadie»"),
        "{}",
        text(&o.stderr)
    );
    let all = ok(&["admin", "tokens", "sis", "--revoke", "all"]);
    assert!(all.contains("1 token(s) de todo tipo"), "{all}");
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn the_database_and_exports_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let (dir, url) = temp_db("modes");
    let o = arco(
        &url,
        &["admin", "add-body", "SEJ", "--name", "Secretaría"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let db = dir.join("arco.db");
    assert_eq!(mode(&db), 0o600, "arco.db");
    for companion in ["arco.db-wal", "arco.db-shm"] {
        let p = dir.join(companion);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{companion}");
        }
    }
    let export = dir.join("copia.jsonl");
    let o = arco(&url, &["export", export.to_str().unwrap(), "--quiet"], None);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(mode(&export), 0o600, "export");
    // A database left readable by others (by an older arco) is narrowed when opened.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = arco(&url, &["admin", "bodies"], None);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(mode(&db), 0o600, "arco.db tras abrirla");
    let _ = std::fs::remove_dir_all(dir);
}
