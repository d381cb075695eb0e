//! Shared by the browser tests: `arco serve`'s router started in-process on port 0 over a
//! fresh database (either backend) with the demonstration install, a second obligated body
//! with its own staff member, and headless Chromium driven through chromedriver
//! (WebDriver). A missing browser, driver or axe-core fails the test; nothing skips.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use arco::accounts::{Body, BodyKind};
use arco::case::Role;
use arco::http::{App, ServeConfig};
use arco::service::admin::{add_account, add_body};
use arco::service::demo::{self, DemoInstall};
use chrono::Utc;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::common::{Backend, TestDb};

pub const OTHER_USER: &str = "otra.ut";
pub const OTHER_PASSWORD: &str = "otra-contrasena-larga";

/// The server of one test.
pub struct Site {
    pub base: String,
    pub demo: DemoInstall,
    pub registry_db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Site {
    pub fn password(&self, user: &str) -> String {
        if user == OTHER_USER {
            return OTHER_PASSWORD.into();
        }
        self.demo
            .accounts
            .iter()
            .find(|a| a.username == user)
            .map(|a| a.password.clone())
            .unwrap_or_else(|| panic!("no hay cuenta {user} en la demostración"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A registry of its own on the site's database, to check pages against the library.
    pub async fn registry(&self) -> arco::service::Registry<arco::storage::Database> {
        self.registry_db.registry().await
    }
}

pub async fn start(backend: Backend) -> Site {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let now = Utc::now();
    let demo = demo::seed(&reg, "mx-jalisco", now)
        .await
        .unwrap()
        .expect("base vacía");
    assert!(
        demo.refused.is_empty(),
        "la demostración tuvo actos rechazados: {:?}",
        demo.refused
    );
    add_body(
        reg.store(),
        Body {
            code: "OTRA".into(),
            name: "Otra dependencia".into(),
            kind: BodyKind::Obligated,
            calendar: "mx-jalisco".into(),
            guarantor: Some(demo::GUARANTOR.into()),
        },
        |_| Ok(()),
        now,
    )
    .await
    .unwrap();
    add_account(
        reg.store(),
        OTHER_USER,
        "Persona de otra dependencia",
        Some("OTRA"),
        Role::UnitStaff,
        Some(OTHER_PASSWORD),
        now,
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let config = ServeConfig {
        base_url: base.clone(),
        login_attempts: 50,
        ..ServeConfig::default()
    };
    let app = App::new(reg, config);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        arco::http::serve(listener, app, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Site {
        base,
        demo,
        registry_db: db,
        shutdown: Some(tx),
    }
}

/// chromedriver on a free port, ended with the test.
pub struct Driver {
    child: Child,
    pub url: String,
    profiles: Vec<PathBuf>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for p in &self.profiles {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn driver() -> Driver {
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let mut child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("no se pudo iniciar {bin} ({e}): instale chromium y chromium-driver (lo hace .ci/run)")
        });
    let url = format!("http://127.0.0.1:{port}");
    let status = format!("{url}/status");
    for _ in 0..100 {
        if reqwest::get(&status).await.is_ok() {
            return Driver {
                child,
                url,
                profiles: Vec::new(),
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chromedriver no respondió en {url}");
}

impl Driver {
    /// A new headless Chromium window with an empty profile (its own cookies).
    pub async fn browser(&mut self) -> Client {
        let profile = std::env::temp_dir().join(format!(
            "arco-chromium-{}-{}",
            std::process::id(),
            free_port()
        ));
        self.profiles.push(profile.clone());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        // Two crypto back-ends are in the dependency graph; the WebDriver client (plain HTTP
        // to chromedriver) needs one chosen.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("no se pudo abrir Chromium por WebDriver")
    }
}

/// Where the tests write screenshots.
pub fn shots_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
}

/// axe-core's source, installed by .ci/run (`npm install` into target/web-tools) or named
/// by `$ARCO_AXE_JS`.
fn axe_source() -> String {
    let path = std::env::var("ARCO_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/web-tools/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("falta axe-core en {} ({e}): `npm install --prefix target/web-tools axe-core@4` (lo hace .ci/run)", path.display())
    })
}

/// Runs axe-core on the current page; panics on any serious or critical violation.
pub async fn axe(c: &Client, page: &str) {
    c.execute(&axe_source(), vec![]).await.unwrap();
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help})))).catch(e => done([{id: 'error', impact: 'critical', help: String(e)}]));",
            vec![],
        )
        .await
        .unwrap();
    let bad: Vec<&Value> = result
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(bad.is_empty(), "axe-core en {page}: {bad:#?}");
}

pub async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no está «{css}»: {e}"))
        .text()
        .await
        .unwrap()
}

pub async fn body_text(c: &Client) -> String {
    text_of(c, "body").await
}

pub async fn fill(c: &Client, css: &str, value: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no está «{css}»: {e}"));
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

/// Sets a `datetime-local` (or any) input's value without typing (the widget's keyboard
/// order depends on the locale).
pub async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

/// Clicks, and when the click loads a new page, waits until the old one is gone.
pub async fn click(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no está «{css}»: {e}"))
        .click()
        .await
        .unwrap();
    for _ in 0..50 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn select(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

pub async fn sign_in(c: &Client, site: &Site, user: &str) {
    c.goto(&site.url("/entrar")).await.unwrap();
    fill(c, "#usuario", user).await;
    fill(c, "#contrasena", &site.password(user)).await;
    click(c, "form button[type=submit]").await;
    let text = body_text(c).await;
    assert!(
        text.contains("Cerrar sesión"),
        "no inició sesión {user}: {text}"
    );
}
