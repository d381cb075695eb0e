//! Several arco processes on one PostgreSQL database, as a state-wide install runs them:
//! two processes acting on the same case give one winner and one conflict, with nothing
//! of the loser written; two processes run a night's alerts once between them.
//!
//! The race is made real, not hoped for: the test holds a lock the processes' writes need
//! (the case's row; the `alert_runs` table), waits until PostgreSQL shows both processes
//! blocked on it, and lets go. Both have read the case (or computed the night) by then.
//!
//! Each is proved twice: with two `arco serve` processes (an HTTP request to each; the
//! nightly job both run on start-up), and with the command line (`arco request act`,
//! `arco daemon --once`), which has its own entry points and messages.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arco::accounts::{Body, BodyKind, TokenKind};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::Right;
use arco::service::admin;
use arco::storage::{Database, Store};
use chrono::Utc;
use common::{Backend, TestDb, scalar};
use mailin_embedded::{Handler, Response, Server, response};
use sqlx::{Connection, PgConnection};

/// An `arco serve` process on the test database, listening on a free port of loopback.
/// Stopped with SIGTERM by [`ServeProcess::stop`]; killed if the test fails before.
struct ServeProcess {
    name: String,
    child: Child,
    /// `http://127.0.0.1:PORT`.
    base: String,
    /// The rest of its standard output.
    out: BufReader<ChildStdout>,
    /// Its standard error (the log), in a file.
    log: PathBuf,
    stopped: bool,
}

impl ServeProcess {
    /// Starts `arco serve --holder NAME` on `db` (with the alerts of `alerts`, if given)
    /// and waits for the line with its address.
    fn start(db: &TestDb, name: &str, alerts: Option<&Path>) -> ServeProcess {
        let log = db.file(&format!("{name}.log"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_arco"));
        cmd.args(["serve", "--database", &db.url, "--listen", "127.0.0.1:0"])
            .args(["--holder", name]);
        if let Some(a) = alerts {
            cmd.arg("--alerts").arg(a);
        }
        for var in [
            "ARCO_DATABASE_URL",
            "ARCO_CONFIG",
            "ARCO_LISTEN",
            "ARCO_ALERTS_CONFIG",
            "ARCO_HOLDER",
            "ARCO_SMTP_URL",
        ] {
            cmd.env_remove(var);
        }
        let mut child = cmd
            .env("RUST_LOG", "info,sqlx=warn")
            .env("NO_COLOR", "1")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("arco serve starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let Some(base) = line
            .trim()
            .strip_prefix("arco serve: escuchando en ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "arco serve ({name}) no arrancó: «{line}»\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        ServeProcess {
            name: name.into(),
            child,
            base,
            out,
            log,
            stopped: false,
        }
    }

    /// What it has logged so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// If it has ended: its name, exit status and log.
    fn ended(&mut self) -> Option<String> {
        let status = self.child.try_wait().unwrap()?;
        Some(format!("{} terminó ({status}):\n{}", self.name, self.log()))
    }

    /// Stops it with SIGTERM and waits: its exit status succeeded, and the rest of its
    /// standard output.
    fn stop(mut self) -> (bool, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        self.stopped = true;
        let mut rest = String::new();
        self.out.read_to_string(&mut rest).unwrap();
        (status.success(), rest)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        // Only when a test failed before stopping it: no server outlives its test.
        if !self.stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The directory the servers authenticate against: an obligated body under a guarantor,
/// two unit staff accounts without passwords. Returns each account's API token.
async fn directory(store: &Database) -> Vec<(&'static str, String)> {
    let now = Utc::now();
    let body = |code: &str, kind, guarantor: Option<&str>| Body {
        code: code.into(),
        name: format!("Organismo {code}"),
        kind,
        calendar: "mx-jalisco".into(),
        guarantor: guarantor.map(str::to_string),
    };
    admin::add_body(
        store,
        body("ITEI", BodyKind::Guarantor, None),
        |_| Ok(()),
        now,
    )
    .await
    .unwrap();
    admin::add_body(
        store,
        body("SEJ", BodyKind::Obligated, Some("ITEI")),
        |_| Ok(()),
        now,
    )
    .await
    .unwrap();
    let mut tokens = Vec::new();
    for user in ["ana", "luis"] {
        admin::add_account(store, user, user, Some("SEJ"), Role::UnitStaff, None, now)
            .await
            .unwrap();
        let secret = admin::create_token(store, user, TokenKind::Api, "pruebas", None, now)
            .await
            .unwrap();
        tokens.push((user, secret));
    }
    tokens
}

/// `POST /v1/requests/{folio}/acts` to `server` with `token`: the status and the body.
async fn post_act(
    base: String,
    token: String,
    folio: String,
    act: &'static str,
    at: &'static str,
) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/requests/{folio}/acts"))
        .bearer_auth(token)
        .json(&serde_json::json!({"act": {"act": act}, "at": at}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// Another arco process recording `act` on `folio` as `actor`.
fn act_in_another_process(db: &TestDb, folio: &str, act: &str, at: &str, actor: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(["request", "act", folio, act, "--at", at, "--actor", actor])
        .env("ARCO_DATABASE_URL", &db.url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("arco runs")
}

/// Another arco process running tonight's alerts, if nobody has, as `holder`.
fn daemon_in_another_process(db: &TestDb, config: &std::path::Path, holder: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_arco"))
        .args(["daemon", "--once", "--holder", holder, "--config"])
        .arg(config)
        .env("ARCO_DATABASE_URL", &db.url)
        .env_remove("ARCO_SMTP_URL")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("arco runs")
}

/// What a process did: exit status, stdout, stderr.
struct Finished {
    ok: bool,
    out: String,
    err: String,
}

fn finish(child: Child) -> Finished {
    let o = child.wait_with_output().expect("the process ends");
    Finished {
        ok: o.status.success(),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Waits until `n` sessions on the test database wait for a lock. A process that ends
/// before (an error) fails the test with what it said: `ended` tells, for each process.
async fn until_blocked(
    admin: &mut PgConnection,
    db: &TestDb,
    n: i64,
    mut ended: impl FnMut() -> Option<String>,
) {
    // A bound so that a broken build fails instead of hanging; not a timing assertion.
    for _ in 0..1200 {
        if waiting(admin, db).await >= n {
            return;
        }
        if let Some(said) = ended() {
            panic!("un proceso terminó antes de llegar a escribir: {said}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("los procesos no llegaron a esperar el bloqueo");
}

/// How many sessions on the test database wait for a lock.
async fn waiting(admin: &mut PgConnection, db: &TestDb) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
    )
    .bind(db.pg_name().unwrap())
    .fetch_one(&mut *admin)
    .await
    .unwrap()
}

/// For [`until_blocked`]: whether one of the command-line processes ended, and what it said.
fn any_ended(children: &mut [Child]) -> impl FnMut() -> Option<String> + '_ {
    move || {
        for c in children.iter_mut() {
            if c.try_wait().unwrap().is_some() {
                let mut err = String::new();
                if let Some(mut e) = c.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                return Some(err);
            }
        }
        None
    }
}

/// For [`until_blocked`]: whether one of the servers ended, and what it logged.
fn any_server_ended(servers: &mut [ServeProcess]) -> impl FnMut() -> Option<String> + '_ {
    move || servers.iter_mut().find_map(ServeProcess::ended)
}

/// An act and who records it.
type ActBy = (&'static str, &'static str);

/// The rounds of the act races: each a new case, and two acts by two people (the second
/// the other way round, the third the same act twice).
const ROUNDS: [(ActBy, ActBy); 3] = [
    (("admitted", "ana"), ("prevention_notified", "luis")),
    (("prevention_notified", "luis"), ("admitted", "ana")),
    (("admitted", "ana"), ("admitted", "luis")),
];

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_acting_on_one_case_give_one_200_and_one_409() {
    let db = TestDb::new(Backend::Postgres);
    let reg = db.registry().await;
    let tokens = directory(reg.store()).await;
    let token = |who: &str| {
        tokens
            .iter()
            .find(|(u, _)| *u == who)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    let mut servers = vec![
        ServeProcess::start(&db, "servidor-a", None),
        ServeProcess::start(&db, "servidor-b", None),
    ];
    let mut admin = PgConnection::connect(&db.url).await.unwrap();
    for ((act_a, who_a), (act_b, who_b)) in ROUNDS {
        let folio = reg
            .file_request(
                "SEJ",
                "mx-jalisco",
                Right::Access,
                "2026-02-05T10:00".parse::<Moment>().unwrap(),
                &Actor::new("ana", Role::UnitStaff),
                Utc::now(),
            )
            .await
            .unwrap()
            .folio;
        let mut hold = admin.begin().await.unwrap();
        sqlx::query("SELECT version FROM cases WHERE folio = $1 FOR UPDATE")
            .bind(&folio)
            .execute(&mut *hold)
            .await
            .unwrap();
        // One act to each server.
        let a = tokio::spawn(post_act(
            servers[0].base.clone(),
            token(who_a),
            folio.clone(),
            act_a,
            "2026-02-06T10:00",
        ));
        let b = tokio::spawn(post_act(
            servers[1].base.clone(),
            token(who_b),
            folio.clone(),
            act_b,
            "2026-02-06T10:00",
        ));
        // Both servers have read version 1 and wait to write version 2.
        let mut watch = PgConnection::connect(&db.url).await.unwrap();
        until_blocked(&mut watch, &db, 2, any_server_ended(&mut servers)).await;
        watch.close().await.unwrap();
        hold.commit().await.unwrap();
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let (winner, loser, act, who) = match (a.0, b.0) {
            (200, 409) => (a.1, b.1, act_a, who_a),
            (409, 200) => (b.1, a.1, act_b, who_b),
            _ => panic!("se esperaba un 200 y un 409:\n{a:?}\n---\n{b:?}"),
        };
        let state = if act == "admitted" {
            "admitted"
        } else {
            "prevented"
        };
        assert_eq!(winner["folio"], folio.as_str(), "{winner}");
        // (its state is the one as of today: a prevention long unanswered reads
        // `not_presented`; the stored projection is checked below)
        let logged: Vec<(&str, &str)> = winner["log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["act"].as_str().unwrap(), e["actor"].as_str().unwrap()))
            .collect();
        assert_eq!(logged, [("filed", "ana"), (act, who)], "{winner}");
        // Both read version 1: the loser's write finds version 2, a version conflict (not
        // an act refused on the new state, which it never saw).
        assert_eq!(
            loser["type"], "urn:arco:problema:conflicto-de-version",
            "{loser}"
        );
        assert_eq!(loser["status"], 409, "{loser}");
        assert_eq!(
            loser["detail"],
            format!(
                "otra persona registró un acto en el expediente {folio} mientras usted trabajaba (versión 1, ahora 2); vuelva a cargarlo e intente de nuevo"
            ),
            "{loser}"
        );
        // The log gained exactly one act, the winner's.
        let (case, log) = reg.store().load(&folio).await.unwrap();
        assert_eq!(case.version, 2);
        let acts: Vec<(&str, &str)> = log
            .iter()
            .map(|e| (e.event.act.as_str(), e.event.actor.as_str()))
            .collect();
        assert_eq!(acts, [("filed", "ana"), (act, who)]);
        assert_eq!(case.projection.state, state);
    }
    assert!(reg.verify().await.unwrap().differences.is_empty());
    for s in servers {
        let name = s.name.clone();
        let (ok, rest) = s.stop();
        assert!(ok, "{name} no terminó con 0");
        assert!(rest.contains("arco serve: detenido"), "{name}: {rest}");
    }
}

#[tokio::test]
async fn two_processes_acting_on_one_case_give_one_winner_and_one_conflict() {
    let db = TestDb::new(Backend::Postgres);
    let reg = db.registry().await;
    let mut admin = PgConnection::connect(&db.url).await.unwrap();
    for ((act_a, who_a), (act_b, who_b)) in ROUNDS {
        let folio = reg
            .file_request(
                "SEJ",
                "mx-jalisco",
                Right::Access,
                "2026-02-05T10:00".parse::<Moment>().unwrap(),
                &Actor::new("ana", Role::UnitStaff),
                Utc::now(),
            )
            .await
            .unwrap()
            .folio;
        let mut hold = admin.begin().await.unwrap();
        sqlx::query("SELECT version FROM cases WHERE folio = $1 FOR UPDATE")
            .bind(&folio)
            .execute(&mut *hold)
            .await
            .unwrap();
        let mut children = vec![
            act_in_another_process(&db, &folio, act_a, "2026-02-06T10:00", who_a),
            act_in_another_process(&db, &folio, act_b, "2026-02-06T10:00", who_b),
        ];
        // Both have read version 1 and wait to write version 2.
        let mut watch = PgConnection::connect(&db.url).await.unwrap();
        until_blocked(&mut watch, &db, 2, any_ended(&mut children)).await;
        watch.close().await.unwrap();
        hold.commit().await.unwrap();
        let b = finish(children.pop().unwrap());
        let a = finish(children.pop().unwrap());
        let (winner, loser, act, who) = match (a.ok, b.ok) {
            (true, false) => (a, b, act_a, who_a),
            (false, true) => (b, a, act_b, who_b),
            _ => panic!(
                "se esperaba un ganador y un conflicto:\n{}\n{}\n---\n{}\n{}",
                a.out, a.err, b.out, b.err
            ),
        };
        assert!(winner.out.contains("Registrado:"), "{}", winner.out);
        assert!(
            loser.err.contains(&format!(
                "otra persona registró un acto en el expediente {folio} mientras usted trabajaba (versión 1, ahora 2)"
            )),
            "{}",
            loser.err
        );
        assert!(loser.out.is_empty(), "{}", loser.out);
        // Nothing of the loser was written.
        let (case, log) = reg.store().load(&folio).await.unwrap();
        assert_eq!(case.version, 2);
        let acts: Vec<(&str, &str)> = log
            .iter()
            .map(|e| (e.event.act.as_str(), e.event.actor.as_str()))
            .collect();
        assert_eq!(acts, [("filed", "ana"), (act, who)]);
        assert_eq!(
            case.projection.state,
            if act == "admitted" {
                "admitted"
            } else {
                "prevented"
            }
        );
    }
    assert!(reg.verify().await.unwrap().differences.is_empty());
}

/// An SMTP server on loopback that keeps the recipients of each message it accepts.
fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    #[derive(Clone)]
    struct Inbox {
        got: Arc<Mutex<Vec<String>>>,
        to: Vec<String>,
    }
    impl Handler for Inbox {
        fn data_start(&mut self, _: &str, _: &str, _: bool, to: &[String]) -> Response {
            self.to = to.to_vec();
            response::OK
        }
        fn data(&mut self, _: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
        fn data_end(&mut self) -> Response {
            self.got.lock().unwrap().push(self.to.join(","));
            response::OK
        }
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let mut server = Server::new(Inbox {
        got: got.clone(),
        to: Vec::new(),
    });
    server.with_name("prueba.local").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, got)
}

#[tokio::test]
async fn two_daemons_run_the_night_once_between_them() {
    let db = TestDb::new(Backend::Postgres);
    let (port, inbox) = smtp_server();
    let config = overdue_case_and_alerts(&db, port).await;

    let mut admin = PgConnection::connect(&db.url).await.unwrap();
    let mut hold = admin.begin().await.unwrap();
    sqlx::query("LOCK TABLE alert_runs IN EXCLUSIVE MODE")
        .execute(&mut *hold)
        .await
        .unwrap();
    let mut children = vec![
        daemon_in_another_process(&db, &config, "servidor-a"),
        daemon_in_another_process(&db, &config, "servidor-b"),
    ];
    // Both are about to claim the night.
    let mut watch = PgConnection::connect(&db.url).await.unwrap();
    until_blocked(&mut watch, &db, 2, any_ended(&mut children)).await;
    watch.close().await.unwrap();
    hold.commit().await.unwrap();
    let b = finish(children.pop().unwrap());
    let a = finish(children.pop().unwrap());
    assert!(
        a.ok && b.ok,
        "{}\n{}\n---\n{}\n{}",
        a.out,
        a.err,
        b.out,
        b.err
    );
    let ran: Vec<(&str, &Finished)> = [("servidor-a", &a), ("servidor-b", &b)]
        .into_iter()
        .filter(|(_, f)| f.out.contains("avisos nuevos"))
        .collect();
    assert_eq!(ran.len(), 1, "{}\n---\n{}", a.out, b.out);
    let (holder, winner) = ran[0];
    assert!(
        winner.out.contains(": 2 avisos nuevos, 2 resúmenes"),
        "{}",
        winner.out
    );
    let idle = if holder == "servidor-a" { &b } else { &a };
    assert!(idle.out.contains("nada que correr"), "{}", idle.out);
    the_night_ran_once(&db.store().await, holder, &inbox).await;
}

/// A request filed long ago and never admitted: admission and resolution are overdue
/// tonight, whatever night it is; the UT and the Comité hear of them. And the alerts
/// configuration that tells them, through the SMTP server at `port`, every night from
/// midnight on.
async fn overdue_case_and_alerts(db: &TestDb, port: u16) -> PathBuf {
    let reg = db.registry().await;
    reg.file_request(
        "SEJ",
        "mx-jalisco",
        Right::Access,
        "2026-01-05T10:00".parse::<Moment>().unwrap(),
        &Actor::new("ana", Role::UnitStaff),
        Utc::now(),
    )
    .await
    .unwrap();
    reg.store().close().await;
    let config = db.file("alertas.toml");
    std::fs::write(
        &config,
        format!(
            "from = \"Alertas <alertas@sej.gob.mx>\"\nnightly_at = \"00:00\"\n\
             [recipients.default]\nunit = [\"ut@sej.gob.mx\"]\ncommittee = [\"comite@sej.gob.mx\"]\n\
             [smtp]\nurl = \"smtp://127.0.0.1:{port}\"\n"
        ),
    )
    .unwrap();
    config
}

/// What must hold after a night run by `holder` and nobody else: one run, finished; each
/// alert written once and sent once; each digest received once.
async fn the_night_ran_once(store: &Database, holder: &str, inbox: &Mutex<Vec<String>>) {
    let state = store.install_state().await.unwrap();
    assert_eq!(state.runs.len(), 1, "{:?}", state.runs);
    assert_eq!(state.runs[0].holder, holder);
    assert!(state.runs[0].finished_at.is_some());
    assert_eq!(state.outbox.len(), 2);
    assert!(
        state
            .outbox
            .iter()
            .all(|o| o.status == "sent" && o.attempts == 1),
        "{:?}",
        state.outbox
    );
    assert_eq!(
        scalar(
            store,
            "SELECT count(DISTINCT (folio, term, due, threshold, recipient)) FROM outbox"
        )
        .await,
        2
    );
    let mut got = inbox.lock().unwrap().clone();
    got.sort();
    assert_eq!(got, ["comite@sej.gob.mx", "ut@sej.gob.mx"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_run_the_night_once_between_them() {
    let db = TestDb::new(Backend::Postgres);
    let (port, inbox) = smtp_server();
    let config = overdue_case_and_alerts(&db, port).await;
    let store = db.store().await;

    // Both servers check the night on start-up: both block on claiming it.
    let mut admin = PgConnection::connect(&db.url).await.unwrap();
    let mut hold = admin.begin().await.unwrap();
    sqlx::query("LOCK TABLE alert_runs IN EXCLUSIVE MODE")
        .execute(&mut *hold)
        .await
        .unwrap();
    let mut servers = vec![
        ServeProcess::start(&db, "servidor-a", Some(&config)),
        ServeProcess::start(&db, "servidor-b", Some(&config)),
    ];
    let mut watch = PgConnection::connect(&db.url).await.unwrap();
    until_blocked(&mut watch, &db, 2, any_server_ended(&mut servers)).await;
    hold.commit().await.unwrap();
    // The winner finishes its run; the loser's claim returns, empty-handed.
    // (A bound so that a broken build fails instead of hanging; not a timing assertion.)
    let mut finished = false;
    for _ in 0..1200 {
        let done = scalar(
            &store,
            "SELECT count(*) FROM alert_runs WHERE finished_at IS NOT NULL",
        )
        .await;
        if done > 0 && waiting(&mut watch, &db).await == 0 {
            finished = true;
            break;
        }
        if let Some(said) = any_server_ended(&mut servers)() {
            panic!("un servidor terminó antes de tiempo: {said}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(finished, "la corrida nocturna no terminó");
    watch.close().await.unwrap();

    let logs: Vec<(String, String)> = servers.iter().map(|s| (s.name.clone(), s.log())).collect();
    for s in servers {
        let name = s.name.clone();
        let (ok, rest) = s.stop();
        assert!(ok, "{name} no terminó con 0");
        assert!(rest.contains("arco serve: detenido"), "{name}: {rest}");
    }
    // Exactly one of them ran the night, and says so in its log; the other said nothing.
    let ran: Vec<&(String, String)> = logs
        .iter()
        .filter(|(_, log)| log.contains("corrida nocturna de avisos"))
        .collect();
    assert_eq!(ran.len(), 1, "{logs:#?}");
    let (holder, log) = ran[0];
    assert!(
        log.contains("nuevos=2") && log.contains("resumenes=2"),
        "{log}"
    );
    assert!(
        logs.iter().all(|(_, l)| !l.contains("error en la corrida")),
        "{logs:#?}"
    );
    the_night_ran_once(&store, holder, &inbox).await;
}
