//! Shared by the HTTP tests: the real server (`arco::http::serve`) started in-process on
//! `127.0.0.1:0` against a fresh database (a SQLite file or a PostgreSQL database, see
//! `tests/common`), with a seeded directory and an API token for
//! every account, and a small client that keeps status, content type and text together.
#![allow(dead_code)]

use std::collections::HashMap;

use arco::accounts::{Body, BodyKind, TokenKind};
use arco::case::Role;
use arco::http::{App, ServeConfig};
use arco::service::admin::{add_account, add_body, create_token};
use arco::storage::Database;

use crate::common::{Backend, TestDb};
use chrono::Utc;
use serde_json::{Value, json};

/// Every account of the directory: user name, role, body.
pub const ACCOUNTS: &[(&str, Role, Option<&str>)] = &[
    ("sej.staff", Role::UnitStaff, Some("SEJ")),
    ("sej.head", Role::UnitHead, Some("SEJ")),
    ("sej.committee", Role::Committee, Some("SEJ")),
    ("sej.auditor", Role::Auditor, Some("SEJ")),
    ("ssj.staff", Role::UnitStaff, Some("SSJ")),
    ("mun.staff", Role::UnitStaff, Some("MUN")),
    ("itei.guarantor", Role::Guarantor, Some("ITEI")),
    ("itei.auditor", Role::Auditor, Some("ITEI")),
    ("otro.guarantor", Role::Guarantor, Some("OTRO")),
    ("admin", Role::Admin, None),
];

/// The one account with a password (argon2 is slow in debug builds: only one).
pub const LOGIN_USER: &str = "ana.lopez";
pub const LOGIN_PASSWORD: &str = "caballo-correcto-bateria";

/// Texts that must never reach a client: they belong to server-side failures.
pub const INTERNAL_MARKERS: &[&str] = &[
    "sqlx",
    "SQLITE",
    "sqlite:",
    "error de la base de datos",
    "panicked",
    "stack backtrace",
    "src/",
    "RUST_BACKTRACE",
    "no se pudo abrir",
    "dato almacenado ilegible",
];

/// The server of one test, its database and the API token of every account.
pub struct Server {
    pub base: String,
    /// The database, for a test that needs to break it.
    pub db_url: String,
    /// A connection of its own to the server's database, for raw SQL.
    pub db: Database,
    /// Dropped with the server: removes its database.
    _test_db: TestDb,
    pub client: reqwest::Client,
    tokens: HashMap<String, String>,
    /// The server's shared state (its limiter, its password-check permits...).
    pub app: std::sync::Arc<App>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn body(code: &str, name: &str, kind: BodyKind, guarantor: Option<&str>) -> Body {
    Body {
        code: code.into(),
        name: name.into(),
        kind,
        calendar: "mx-jalisco".into(),
        guarantor: guarantor.map(str::to_string),
    }
}

/// A server with every account of [`ACCOUNTS`], each with an API token.
pub async fn start(backend: Backend) -> Server {
    start_with(backend, false).await
}

/// As [`start`], plus the password account [`LOGIN_USER`].
pub async fn start_with_login(backend: Backend) -> Server {
    start_with(backend, true).await
}

async fn start_with(backend: Backend, login: bool) -> Server {
    start_configured(backend, login, |_| {}).await
}

/// As [`start`] (with [`LOGIN_USER`] if `login`), with settings changed by `configure`.
pub async fn start_configured(
    backend: Backend,
    login: bool,
    configure: impl FnOnce(&mut ServeConfig),
) -> Server {
    let test_db = TestDb::new(backend);
    let url = test_db.url.clone();
    let reg = test_db.registry().await;
    let db = test_db.store().await;
    let now = Utc::now();
    let dirx = reg.store();
    let ok = |_: &str| Ok(());
    for b in [
        body(
            "ITEI",
            "Instituto de Transparencia, Información Pública y Protección de Datos Personales del Estado de Jalisco",
            BodyKind::Guarantor,
            None,
        ),
        body("OTRO", "Otro órgano garante", BodyKind::Guarantor, None),
        body(
            "SEJ",
            "Secretaría de Educación Jalisco",
            BodyKind::Obligated,
            Some("ITEI"),
        ),
        body(
            "SSJ",
            "Secretaría de Salud Jalisco",
            BodyKind::Obligated,
            Some("ITEI"),
        ),
        body(
            "MUN",
            "Municipio de prueba",
            BodyKind::Obligated,
            Some("OTRO"),
        ),
    ] {
        add_body(dirx, b, ok, now).await.unwrap();
    }
    let mut tokens = HashMap::new();
    for (user, role, b) in ACCOUNTS {
        add_account(dirx, user, &format!("Cuenta {user}"), *b, *role, None, now)
            .await
            .unwrap();
        let t = create_token(dirx, user, TokenKind::Api, "pruebas", None, now)
            .await
            .unwrap();
        tokens.insert(user.to_string(), t);
    }
    if login {
        add_account(
            dirx,
            LOGIN_USER,
            "Ana López",
            Some("SEJ"),
            Role::UnitStaff,
            Some(LOGIN_PASSWORD),
            now,
        )
        .await
        .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = ServeConfig {
        base_url: base.clone(),
        listen: listener.local_addr().unwrap().to_string(),
        ..ServeConfig::default()
    };
    configure(&mut config);
    let app = App::new(reg, config);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(arco::http::serve(listener, app.clone(), async move {
        let _ = rx.await;
    }));
    Server {
        base,
        db_url: url,
        db,
        _test_db: test_db,
        client: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap(),
        tokens,
        app,
        shutdown: Some(tx),
    }
}

/// An answer: status, content type, headers and text.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub ctype: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "la respuesta no es JSON ({e}): {} {}",
                self.status, self.text
            )
        })
    }

    /// The member `key` as a string (empty if absent or not a string).
    pub fn str(&self, key: &str) -> String {
        self.json()[key].as_str().unwrap_or_default().to_string()
    }

    /// Asserts a status, with the body in the message.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "cuerpo: {}", self.text);
        self
    }

    /// Asserts a problem document of `status`: its content type, its members, and no
    /// trace of a server-side error.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "cuerpo: {}", self.text);
        assert_problem_shape(self);
        self.json()
    }
}

/// What is wrong with an error answer, if anything: its content type, its members, or a
/// trace of a server-side error in it.
pub fn problem_defect(r: &Resp) -> Option<String> {
    if !r.ctype.starts_with("application/problem+json") {
        return Some(format!(
            "tipo de contenido {:?} en {}: {}",
            r.ctype, r.status, r.text
        ));
    }
    let Ok(v) = serde_json::from_str::<Value>(&r.text) else {
        return Some(format!("no es JSON: {}", r.text));
    };
    let text = |k: &str| v[k].as_str().filter(|t| !t.is_empty());
    if !text("type").is_some_and(|t| t.starts_with("urn:arco:problema:")) {
        return Some(format!("sin «type» urn:arco:problema: {}", r.text));
    }
    if text("title").is_none() || text("detail").is_none() {
        return Some(format!("sin «title» o «detail»: {}", r.text));
    }
    if v["status"].as_u64() != Some(u64::from(r.status)) {
        return Some(format!("«status» distinto de {}: {}", r.status, r.text));
    }
    INTERNAL_MARKERS
        .iter()
        .find(|m| r.text.contains(*m))
        .map(|m| format!("texto interno «{m}» en {}", r.text))
}

/// The checks every error answer must pass.
#[track_caller]
pub fn assert_problem_shape(r: &Resp) {
    if let Some(d) = problem_defect(r) {
        panic!("{d}");
    }
}

impl Server {
    /// The API token of `user`.
    pub fn token(&self, user: &str) -> String {
        self.tokens
            .get(user)
            .unwrap_or_else(|| panic!("no hay cuenta «{user}»"))
            .clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let res = rb.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let ctype = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let text = res.text().await.unwrap();
        Resp {
            status,
            ctype,
            headers,
            text,
        }
    }

    fn auth(rb: reqwest::RequestBuilder, token: Option<&str>) -> reqwest::RequestBuilder {
        match token {
            Some(t) => rb.header(reqwest::header::AUTHORIZATION, format!("Bearer {t}")),
            None => rb,
        }
    }

    /// GET with a raw bearer secret (or none).
    pub async fn get_with(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(Self::auth(self.client.get(self.url(path)), token))
            .await
    }

    /// POST of JSON with a raw bearer secret (or none).
    pub async fn post_with(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send(Self::auth(self.client.post(self.url(path)), token).json(body))
            .await
    }

    /// POST of raw bytes as JSON.
    pub async fn post_raw(&self, path: &str, user: &str, bytes: Vec<u8>) -> Resp {
        let t = self.token(user);
        self.send(
            Self::auth(self.client.post(self.url(path)), Some(&t))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes),
        )
        .await
    }

    /// GET as `user`.
    pub async fn get(&self, path: &str, user: &str) -> Resp {
        let t = self.token(user);
        self.get_with(path, Some(&t)).await
    }

    /// DELETE as `user`.
    pub async fn delete(&self, path: &str, user: &str) -> Resp {
        let t = self.token(user);
        self.send(Self::auth(self.client.delete(self.url(path)), Some(&t)))
            .await
    }

    /// PUT of JSON as `user`.
    pub async fn put(&self, path: &str, user: &str, body: &Value) -> Resp {
        let t = self.token(user);
        self.send(Self::auth(self.client.put(self.url(path)), Some(&t)).json(body))
            .await
    }

    /// POST as `user`.
    pub async fn post(&self, path: &str, user: &str, body: &Value) -> Resp {
        let t = self.token(user);
        self.post_with(path, Some(&t), body).await
    }

    /// Files a request with `body` at `at` as `user`; panics unless 201. The folio.
    pub async fn file(&self, user: &str, body: &str, at: &str) -> String {
        let r = self
            .post(
                "/v1/requests",
                user,
                &json!({"right": "access", "at": at, "body": body}),
            )
            .await;
        r.expect(201);
        r.str("folio")
    }

    /// Records an act on a request.
    pub async fn act(&self, user: &str, folio: &str, act: Value, at: &str) -> Resp {
        self.post(
            &format!("/v1/requests/{folio}/acts"),
            user,
            &json!({"act": act, "at": at}),
        )
        .await
    }

    /// Records an act on a request; panics unless 200. The case's state after it.
    pub async fn act_ok(&self, user: &str, folio: &str, act: Value, at: &str) -> String {
        let r = self.act(user, folio, act, at).await;
        r.expect(200);
        r.str("state")
    }

    /// Records an act on an appeal.
    pub async fn appeal_act(&self, user: &str, folio: &str, act: Value, at: &str) -> Resp {
        self.post(
            &format!("/v1/appeals/{folio}/acts"),
            user,
            &json!({"act": act, "at": at}),
        )
        .await
    }

    /// A SEJ request taken to a notified denial (filed 5 Feb 2026, notified 13 Feb), ready
    /// to be appealed. Its folio.
    pub async fn denied_request(&self) -> String {
        let (staff, committee) = ("sej.staff", "sej.committee");
        let f = self.file(staff, "SEJ", "2026-02-05T10:00").await;
        self.act_ok(staff, &f, json!({"act": "admitted"}), "2026-02-06T10:00")
            .await;
        self.act_ok(
            committee,
            &f,
            json!({"act": "resolved", "outcome": "denied"}),
            "2026-02-12T10:00",
        )
        .await;
        self.act_ok(
            staff,
            &f,
            json!({"act": "resolution_notified"}),
            "2026-02-13T10:00",
        )
        .await;
        f
    }

    /// Files an appeal against `request` as `user`.
    pub async fn file_appeal(&self, user: &str, request: &str, venue: &str, at: &str) -> Resp {
        self.post(
            "/v1/appeals",
            user,
            &json!({
                "request": request,
                "filing": {"act": "appeal_filed", "venue": venue, "ground": "I"},
                "at": at,
            }),
        )
        .await
    }
}
