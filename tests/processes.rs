//! Several arco processes on one PostgreSQL database, as a state-wide install runs them:
//! two processes acting on the same case give one winner and one conflict, with nothing
//! of the loser written; two daemons run a night's alerts once between them.
//!
//! The race is made real, not hoped for: the test holds a lock the processes' writes need
//! (the case's row; the `alert_runs` table), waits until PostgreSQL shows both processes
//! blocked on it, and lets go. Both have read the case (or computed the night) by then.
//!
//! The processes are the `arco` command line. [`act_in_another_process`] and
//! [`daemon_in_another_process`] are the only places that know how a process is asked to
//! act: with `arco serve`, they send an HTTP request to a server process instead.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::Right;
use arco::storage::Store;
use chrono::Utc;
use common::{Backend, TestDb, scalar};
use mailin_embedded::{Handler, Response, Server, response};
use sqlx::{Connection, PgConnection};

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
/// before (an error) fails the test with what it said.
async fn until_blocked(admin: &mut PgConnection, db: &TestDb, n: i64, children: &mut [Child]) {
    // A bound so that a broken build fails instead of hanging; not a timing assertion.
    for _ in 0..1200 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        )
        .bind(db.pg_name().unwrap())
        .fetch_one(&mut *admin)
        .await
        .unwrap();
        if waiting >= n {
            return;
        }
        for c in children.iter_mut() {
            if c.try_wait().unwrap().is_some() {
                let mut err = String::new();
                if let Some(mut e) = c.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("un proceso terminó antes de llegar a escribir: {err}");
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("los procesos no llegaron a esperar el bloqueo");
}

#[tokio::test]
async fn two_processes_acting_on_one_case_give_one_winner_and_one_conflict() {
    let db = TestDb::new(Backend::Postgres);
    let reg = db.registry().await;
    let mut admin = PgConnection::connect(&db.url).await.unwrap();
    // Each round a new case, and the two acts the other way round.
    let rounds = [
        (("admitted", "ana"), ("prevention_notified", "luis")),
        (("prevention_notified", "luis"), ("admitted", "ana")),
        (("admitted", "ana"), ("admitted", "luis")),
    ];
    for ((act_a, who_a), (act_b, who_b)) in rounds {
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
        until_blocked(&mut watch, &db, 2, &mut children).await;
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
    let reg = db.registry().await;
    // Filed long ago and never admitted: admission and resolution are overdue tonight,
    // whatever night it is. The UT and the Comité hear of them.
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
    let (port, inbox) = smtp_server();
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
    until_blocked(&mut watch, &db, 2, &mut children).await;
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

    // One run recorded, by the winner, finished.
    let store = reg.store();
    let state = store.install_state().await.unwrap();
    assert_eq!(state.runs.len(), 1);
    assert_eq!(state.runs[0].holder, holder);
    assert!(state.runs[0].finished_at.is_some());
    // Each alert written once and sent once; each digest received once.
    assert_eq!(state.outbox.len(), 2);
    assert!(
        state
            .outbox
            .iter()
            .all(|o| o.status == "sent" && o.attempts == 1)
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
