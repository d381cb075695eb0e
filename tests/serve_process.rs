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
