//! Deadline alerts against a real SMTP server on 127.0.0.1 (mailin-embedded, in process),
//! reading back what it accepted: recipients, subjects, both parts of each digest. Every
//! test runs on SQLite and on PostgreSQL.

#[macro_use]
mod common;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use arco::alerts::{self, AlertConfig, Mailer};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::{RequestAct, Right};
use arco::service::Registry;
use arco::storage::Database;
use chrono::{DateTime, NaiveDate, Utc};
use common::{Backend, TestDb};
use mailin_embedded::{Handler, Response, Server, response};

/// How the test server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Accept,
    /// 451 (temporary).
    TempFail,
    /// 550 (permanent).
    PermFail,
}

#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

#[derive(Clone)]
struct Smtp {
    mode: Arc<Mutex<Mode>>,
    /// Temporary failures to give before accepting, whatever the mode.
    fail_next: Arc<Mutex<u32>>,
    inbox: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    buf: Vec<u8>,
}

impl Handler for Smtp {
    /// Failures are given at RCPT, as greylisting and full mailboxes do.
    fn rcpt(&mut self, _to: &str) -> Response {
        {
            let mut n = self.fail_next.lock().unwrap();
            if *n > 0 {
                *n -= 1;
                return response::INTERNAL_ERROR;
            }
        }
        match *self.mode.lock().unwrap() {
            Mode::TempFail => response::INTERNAL_ERROR,
            Mode::PermFail => response::NO_MAILBOX,
            Mode::Accept => response::OK,
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.buf.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.inbox.lock().unwrap().push(Received {
            to: self.to.clone(),
            data: String::from_utf8_lossy(&self.buf).into_owned(),
        });
        response::OK
    }
}

/// Starts a server on a free loopback port; it lives until the test process ends.
#[allow(clippy::type_complexity)]
fn smtp_server() -> (
    u16,
    Arc<Mutex<Mode>>,
    Arc<Mutex<u32>>,
    Arc<Mutex<Vec<Received>>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = Smtp {
        mode: Arc::new(Mutex::new(Mode::Accept)),
        fail_next: Arc::new(Mutex::new(0)),
        inbox: Arc::new(Mutex::new(Vec::new())),
        to: Vec::new(),
        buf: Vec::new(),
    };
    let (mode, fail, inbox) = (h.mode.clone(), h.fail_next.clone(), h.inbox.clone());
    let mut server = Server::new(h);
    server.with_name("prueba.local").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, mode, fail, inbox)
}

struct Parsed {
    to: String,
    subject: String,
    text: String,
    html: String,
}

fn parse(r: &Received) -> Parsed {
    let m = mailparse::parse_mail(r.data.as_bytes()).unwrap();
    let subject = m
        .headers
        .iter()
        .find(|h| h.get_key() == "Subject")
        .unwrap()
        .get_value();
    let mut text = String::new();
    let mut html = String::new();
    for p in &m.subparts {
        match p.ctype.mimetype.as_str() {
            "text/plain" => text = p.get_body().unwrap(),
            "text/html" => html = p.get_body().unwrap(),
            _ => {}
        }
    }
    Parsed {
        to: r.to.join(","),
        subject,
        text,
        html,
    }
}

fn config(port: u16) -> AlertConfig {
    AlertConfig::parse(
        &format!(
            r#"
from = "Alertas arco <alertas@sej.gob.mx>"
base_url = "https://arco.sej.gob.mx"
[recipients.default]
unit = ["ut@sej.gob.mx"]
unit_head = ["jefa.ut@sej.gob.mx"]
committee = ["comite@sej.gob.mx"]
guarantor = ["garante@itei.org.mx"]
[staff]
ana = "ana@sej.gob.mx"
[smtp]
url = "smtp://127.0.0.1:{port}"
attempts = 3
backoff_ms = 5
per_second = 1000
"#
        ),
        "alertas.toml",
    )
    .unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

/// A request filed Thu 5 Feb 2026 at 10:00 by `ana`: admission due Tue 10 Feb (6, 9, 10);
/// never admitted, resolution due Tue 24 Feb.
async fn filed(reg: &Registry<Database>) -> String {
    let at: Moment = "2026-02-05T10:00".parse().unwrap();
    reg.file_request(
        "SEJ",
        "mx-jalisco",
        Right::Access,
        at,
        &Actor::new("ana", Role::UnitStaff),
        now(),
    )
    .await
    .unwrap()
    .folio
}

fn by_recipient(inbox: &Arc<Mutex<Vec<Received>>>) -> BTreeMap<String, Vec<Parsed>> {
    let mut out: BTreeMap<String, Vec<Parsed>> = BTreeMap::new();
    for r in inbox.lock().unwrap().iter() {
        let p = parse(r);
        out.entry(p.to.clone()).or_default().push(p);
    }
    out
}

on_both_backends!(digests_are_delivered_once_with_both_parts);
async fn digests_are_delivered_once_with_both_parts(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let folio = filed(&reg).await;

    // 5 Feb: admission is 3 business days away → the UT, its head and Ana hear of it.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), false)
        .await
        .unwrap();
    assert_eq!((r.due, r.new), (3, 3));
    assert!(
        r.deliveries.iter().all(|x| x.status == "sent"),
        "{:?}",
        r.deliveries
    );
    let got = by_recipient(&inbox);
    assert_eq!(got.len(), 3);
    for who in ["ana@sej.gob.mx", "jefa.ut@sej.gob.mx", "ut@sej.gob.mx"] {
        assert!(
            got.keys().any(|k| k.contains(who)),
            "{who} in {:?}",
            got.keys()
        );
    }
    let ana = &got.iter().find(|(k, _)| k.contains("ana@")).unwrap().1[0];
    assert_eq!(ana.subject, "arco: 1 plazo requiere atención — 2026-02-05");
    assert!(
        ana.text
            .contains("Vence en 3 días hábiles: Admisión de la solicitud (art. 53.1)"),
        "{}",
        ana.text
    );
    assert!(
        ana.text.contains(&format!("Solicitud ARCO {folio} · SEJ")),
        "{}",
        ana.text
    );
    assert!(
        ana.text.contains("Fecha límite: 2026-02-10 (martes)"),
        "{}",
        ana.text
    );
    assert!(
        ana.text
            .contains(&format!("https://arco.sej.gob.mx/casos/{folio}")),
        "{}",
        ana.text
    );
    assert!(
        ana.html
            .contains("<strong>Vence en 3 días hábiles</strong>"),
        "{}",
        ana.html
    );
    assert!(
        ana.html.contains(&format!(
            "<a href=\"https://arco.sej.gob.mx/casos/{folio}\">{folio}</a>"
        )),
        "{}",
        ana.html
    );

    // The same night again: nothing new, nothing sent.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), false)
        .await
        .unwrap();
    assert_eq!((r.new, r.deliveries.len()), (0, 0));
    assert_eq!(inbox.lock().unwrap().len(), 3);

    // A missed night is caught up once: on the due day (10 Feb) one alert, "Vence hoy",
    // not one for each threshold crossed since (1 day before, due day).
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-10"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 3);
    let got = by_recipient(&inbox);
    let ana = got.iter().find(|(k, _)| k.contains("ana@")).unwrap().1;
    assert_eq!(ana.len(), 2);
    assert_eq!(
        ana[1].text.matches("Admisión de la solicitud").count(),
        1,
        "{}",
        ana[1].text
    );
    assert!(ana[1].text.contains("Vence hoy"), "{}", ana[1].text);
    // Overdue the next day, once.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-11"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 3);
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-12"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 0);
    let last = &by_recipient(&inbox)
        .into_iter()
        .find(|(k, _)| k.contains("ut@sej"))
        .unwrap()
        .1[2];
    assert!(
        last.text.contains("Venció hace 1 día hábil"),
        "{}",
        last.text
    );
    assert!(last.subject.contains("(1 vencido)"), "{}", last.subject);
}

on_both_backends!(a_moved_due_date_re_alerts_once);
async fn a_moved_due_date_re_alerts_once(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let folio = filed(&reg).await;
    let staff = Actor::new("ana", Role::UnitStaff);
    reg.act(
        &folio,
        RequestAct::Admitted,
        "2026-02-06T10:00".parse().unwrap(),
        &staff,
        now(),
    )
    .await
    .unwrap();
    // Resolution: 10 days from 6 Feb → 20 Feb. On 17 Feb it is 3 days away: the Comité.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-17"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 1);
    assert!(
        inbox.lock().unwrap()[0]
            .to
            .join(",")
            .contains("comite@sej.gob.mx")
    );
    // The extension moves it to 27 Feb (+5). Three days before (24 Feb): one new alert.
    reg.act(
        &folio,
        RequestAct::ExtensionNotified { days: None },
        "2026-02-18T10:00".parse().unwrap(),
        &staff,
        now(),
    )
    .await
    .unwrap();
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-19"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 0, "the new date is not yet 3 days away");
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-24"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 1);
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-24"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 0);
    let msgs: Vec<Parsed> = inbox.lock().unwrap().iter().map(parse).collect();
    assert_eq!(msgs.len(), 2);
    assert!(
        msgs[1].text.contains("Fecha límite: 2026-02-27 (viernes)"),
        "{}",
        msgs[1].text
    );
}

on_both_backends!(failures_are_retried_and_in_the_end_each_alert_is_delivered_once);
async fn failures_are_retried_and_in_the_end_each_alert_is_delivered_once(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, mode, fail_next, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    filed(&reg).await;

    // Two temporary failures: retried within the run, delivered.
    *fail_next.lock().unwrap() = 2;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), false)
        .await
        .unwrap();
    assert!(
        r.deliveries.iter().all(|x| x.status == "sent"),
        "{:?}",
        r.deliveries
    );
    assert_eq!(inbox.lock().unwrap().len(), 3);

    // The server goes away for a whole run (nothing listens on its port any more): left
    // pending, nothing lost.
    let gone = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let away = Mailer::smtp(&format!("smtp://127.0.0.1:{gone}")).unwrap();
    let r = alerts::run(&reg, &c, &away, d("2026-02-10"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 3);
    assert!(
        r.deliveries.iter().all(|x| x.status == "retry"),
        "{:?}",
        r.deliveries
    );
    // It refuses with a temporary error the next night too.
    *mode.lock().unwrap() = Mode::TempFail;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-10"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 0);
    assert!(r.deliveries.iter().all(|x| x.status == "retry"));
    // Back: the pending alerts go out, once.
    *mode.lock().unwrap() = Mode::Accept;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-10"), now(), false)
        .await
        .unwrap();
    assert!(
        r.deliveries.iter().all(|x| x.status == "sent"),
        "{:?}",
        r.deliveries
    );
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-10"), now(), false)
        .await
        .unwrap();
    assert!(r.deliveries.is_empty());
    let got = by_recipient(&inbox);
    for (who, msgs) in &got {
        assert_eq!(msgs.len(), 2, "{who}");
        assert_eq!(
            msgs.iter().filter(|m| m.text.contains("Vence hoy")).count(),
            1,
            "{who}"
        );
    }

    // A permanent refusal is recorded and not retried.
    *mode.lock().unwrap() = Mode::PermFail;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-11"), now(), false)
        .await
        .unwrap();
    assert!(
        r.deliveries.iter().all(|x| x.status == "failed"),
        "{:?}",
        r.deliveries
    );
    assert!(
        r.deliveries[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("550"),
        "{:?}",
        r.deliveries
    );
    *mode.lock().unwrap() = Mode::Accept;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-11"), now(), false)
        .await
        .unwrap();
    assert!(r.deliveries.is_empty());
    assert_eq!(inbox.lock().unwrap().len(), 6);
}

on_both_backends!(a_dry_run_writes_and_sends_nothing);
async fn a_dry_run_writes_and_sends_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    filed(&reg).await;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), true)
        .await
        .unwrap();
    assert_eq!((r.due, r.new, r.previews.len()), (3, 3, 3));
    assert!(r.previews[0].text.contains("Admisión de la solicitud"));
    assert!(inbox.lock().unwrap().is_empty());
    // Nothing was written: the real run still finds three new alerts.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 3);
}

on_both_backends!(two_daemons_run_each_night_once);
async fn two_daemons_run_each_night_once(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let mut c = config(port);
    c.nightly_at = chrono::NaiveTime::from_hms_opt(6, 0, 0).unwrap();
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    filed(&reg).await;
    // 05:59 in Mexico City on 5 Feb: too early.
    let early: DateTime<Utc> = "2026-02-05T11:59:00Z".parse().unwrap();
    assert!(
        alerts::nightly(&reg, &c, &mailer, "a", early)
            .await
            .unwrap()
            .is_none()
    );
    // 06:30: daemon "a" runs the night; "b", a minute later, finds it taken.
    let t: DateTime<Utc> = "2026-02-05T12:30:00Z".parse().unwrap();
    let a = alerts::nightly(&reg, &c, &mailer, "a", t).await.unwrap();
    let b = alerts::nightly(&reg, &c, &mailer, "b", t + chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert!(a.is_some() && b.is_none());
    assert_eq!(inbox.lock().unwrap().len(), 3);
    // Started late on 10 Feb (14:00): the missed nights are caught up in one run.
    let late: DateTime<Utc> = "2026-02-10T20:00:00Z".parse().unwrap();
    let r = alerts::nightly(&reg, &c, &mailer, "b", late)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.as_of, r.new), (d("2026-02-10"), 3));
    assert_eq!(inbox.lock().unwrap().len(), 6);
}

on_both_backends!(the_titular_hears_only_when_alerts_are_on_and_an_address_was_given);
async fn the_titular_hears_only_when_alerts_are_on_and_an_address_was_given(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let mut c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let folio = filed(&reg).await;
    let staff = Actor::new("ana", Role::UnitStaff);
    // Prevention notified Fri 6 Feb: the titular's reply is due Fri 13 Feb (9–13 Feb).
    reg.act(
        &folio,
        RequestAct::PreventionNotified,
        "2026-02-06T10:00".parse().unwrap(),
        &staff,
        now(),
    )
    .await
    .unwrap();
    assert!(
        reg.set_titular_contact(&folio, "no es un correo", now())
            .await
            .is_err()
    );
    reg.set_titular_contact(&folio, "titular@correo.mx", now())
        .await
        .unwrap();
    // Off by default: nothing to the titular on 10 Feb (3 days before).
    alerts::run(&reg, &c, &mailer, d("2026-02-10"), now(), false)
        .await
        .unwrap();
    assert!(
        !inbox
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.to.join(",").contains("titular@"))
    );
    // On: the titular hears of the reply term.
    c.titular_alerts = true;
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-11"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 1);
    let msgs = by_recipient(&inbox);
    let t = &msgs
        .iter()
        .find(|(k, _)| k.contains("titular@correo.mx"))
        .unwrap()
        .1[0];
    assert!(t.text.contains("Desahogo de la prevención"), "{}", t.text);
    assert!(
        t.text.contains("Fecha límite: 2026-02-13 (viernes)"),
        "{}",
        t.text
    );
    // Erased: no more alerts to that address.
    assert!(reg.forget_titular_contact(&folio).await.unwrap());
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-13"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 0);
}

// ---------------------------------------------------------------------------------------
// Security breaches: the 72 natural hours of art. 40, alerted on the breach ticks.

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A breach of SEJ detected by `ana` Tue 2026-02-10 at 09:00 and confirmed at 22:15: the
/// notices fall due Fri 2026-02-13 at 22:15 (UTC-06:00), i.e. 2026-02-14T04:15Z.
async fn confirmed_breach(reg: &Registry<Database>) -> String {
    use arco::breach::{BreachAct, BreachCause, BreachKind, DataCategory};
    let folio = reg
        .detect_breach(
            "SEJ",
            "mx-jalisco",
            BreachAct::BreachDetected { occurred_on: None },
            "2026-02-10T09:00".parse().unwrap(),
            &Actor::new("ana", Role::UnitStaff),
            now(),
        )
        .await
        .unwrap()
        .folio;
    breach_act(
        reg,
        &folio,
        BreachAct::BreachConfirmed {
            kind: BreachKind::Theft,
            cause: BreachCause::PhysicalLoss,
            occurred_on: None,
            data: vec![DataCategory::Health],
            titulars: Some(40),
        },
        "2026-02-10T22:15",
    )
    .await;
    folio
}

async fn breach_act(reg: &Registry<Database>, folio: &str, act: arco::breach::BreachAct, at: &str) {
    reg.act_breach(
        folio,
        act,
        at.parse().unwrap(),
        &Actor::new("ana", Role::UnitStaff),
        now(),
    )
    .await
    .unwrap_or_else(|e| panic!("{at}: {e}"));
}

on_both_backends!(a_breach_is_alerted_at_confirmation_and_before_its_72_hours_run_out);
async fn a_breach_is_alerted_at_confirmation_and_before_its_72_hours_run_out(backend: Backend) {
    use arco::breach::{BreachAct, NoticeMeans, sample_notice};
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let folio = confirmed_breach(&reg).await;
    let tick = |at: &'static str| {
        let (reg, c, mailer) = (&reg, &c, &mailer);
        async move {
            alerts::breach::run_breaches(reg, c, mailer, utc(at), false)
                .await
                .unwrap()
        }
    };

    // Before the confirmation (Tue 21:00 local) nothing is owed yet.
    let r = tick("2026-02-11T03:00:00Z").await;
    assert_eq!((r.due, r.new), (0, 0));
    assert!(inbox.lock().unwrap().is_empty());

    // The first tick after the confirmation (22:20): the UT, its head and Ana hear of it.
    let r = tick("2026-02-11T04:20:00Z").await;
    assert_eq!((r.due, r.new), (3, 3));
    assert!(
        r.deliveries.iter().all(|x| x.status == "sent"),
        "{:?}",
        r.deliveries
    );
    let got = by_recipient(&inbox);
    assert_eq!(got.len(), 3, "{:?}", got.keys());
    let ana = &got.iter().find(|(k, _)| k.contains("ana@")).unwrap().1[0];
    assert_eq!(
        ana.subject,
        "arco: aviso de vulneración pendiente — 2026-02-10 22:20 (martes, UTC-06:00)"
    );
    for part in [
        "Vence en 71 h 55 min: Aviso de vulneración de seguridad: pendiente",
        "pendiente a los titulares y al órgano garante (art. 40",
        &format!("Vulneración de seguridad {folio} · SEJ"),
        "Vence: 2026-02-13 22:15 (viernes, UTC-06:00)",
        &format!("https://arco.sej.gob.mx/vulneraciones/{folio}"),
        "Las 72 horas son naturales",
    ] {
        assert!(ana.text.contains(part), "«{part}» in {}", ana.text);
    }
    assert!(
        ana.html.contains("<strong>Vence en 71 h 55 min</strong>"),
        "{}",
        ana.html
    );

    // The next tick at the same threshold sends nothing again; nor does the nightly run,
    // whose lane is the terms in days.
    let r = tick("2026-02-11T05:20:00Z").await;
    assert_eq!((r.due, r.new), (3, 0));
    assert!(r.deliveries.is_empty(), "{:?}", r.deliveries);
    let night = alerts::run(&reg, &c, &mailer, d("2026-02-11"), now(), false)
        .await
        .unwrap();
    assert!(night.deliveries.is_empty(), "{:?}", night.deliveries);
    assert_eq!(inbox.lock().unwrap().len(), 3);

    // Fri 00:00 local, 22 h 15 min left: the 24-hour threshold, counted across the
    // weekday's midnight on the wall clock.
    let r = tick("2026-02-13T06:00:00Z").await;
    assert_eq!(r.new, 3);
    assert_eq!(inbox.lock().unwrap().len(), 6);

    // The guarantor is notified; at 17:00 (5 h 15 min left) only the titulares are owed.
    breach_act(
        &reg,
        &folio,
        BreachAct::BreachAnalysed {
            significant: true,
            rights: vec![arco::breach::AffectedRight::Moral],
            reason: None,
        },
        "2026-02-11T09:00",
    )
    .await;
    breach_act(
        &reg,
        &folio,
        BreachAct::GuarantorNotified {
            notice: sample_notice(),
        },
        "2026-02-13T10:00",
    )
    .await;
    let r = tick("2026-02-13T23:00:00Z").await;
    assert_eq!(r.new, 3);
    let last = parse(inbox.lock().unwrap().last().unwrap());
    assert!(
        last.text.contains("Vence en 5 h 15 min")
            && last.text.contains("pendiente a los titulares (art. 40")
            && !last.text.contains("órgano garante ("),
        "{}",
        last.text
    );

    // Sat 00:00 local: overdue by 1 h 45 min, said so.
    let r = tick("2026-02-14T06:00:00Z").await;
    assert_eq!(r.new, 3);
    let last = parse(inbox.lock().unwrap().last().unwrap());
    assert!(
        last.text.contains("Venció hace 1 h 45 min"),
        "{}",
        last.text
    );
    assert!(last.subject.contains("(1 vencido)"), "{}", last.subject);

    // Once the titulares are notified (late, and recorded so), nothing is owed.
    breach_act(
        &reg,
        &folio,
        BreachAct::TitularsNotified {
            notice: sample_notice(),
            means: NoticeMeans::Personal,
            count: 40,
            completes: true,
        },
        "2026-02-14T08:00",
    )
    .await;
    let r = tick("2026-02-14T15:00:00Z").await;
    assert_eq!((r.due, r.new), (0, 0));
    assert_eq!(inbox.lock().unwrap().len(), 12);
}

on_both_backends!(a_breach_found_not_significant_owes_no_notice_and_is_not_alerted);
async fn a_breach_found_not_significant_owes_no_notice_and_is_not_alerted(backend: Backend) {
    use arco::breach::{BreachAct, NotSignificantReason};
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let folio = confirmed_breach(&reg).await;
    breach_act(
        &reg,
        &folio,
        BreachAct::BreachAnalysed {
            significant: false,
            rights: vec![],
            reason: Some(NotSignificantReason::Unintelligible),
        },
        "2026-02-11T09:00",
    )
    .await;
    let r = alerts::breach::run_breaches(&reg, &c, &mailer, utc("2026-02-13T06:00:00Z"), false)
        .await
        .unwrap();
    assert_eq!((r.due, r.new), (0, 0));
    assert!(inbox.lock().unwrap().is_empty());
}

on_both_backends!(each_breach_tick_runs_once_across_processes_and_a_dry_run_sends_nothing);
async fn each_breach_tick_runs_once_across_processes_and_a_dry_run_sends_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    confirmed_breach(&reg).await;
    // A dry run shows the three messages and writes nothing.
    let r = alerts::breach::run_breaches(&reg, &c, &mailer, utc("2026-02-11T04:20:00Z"), true)
        .await
        .unwrap();
    assert_eq!((r.due, r.new, r.previews.len()), (3, 3, 3));
    assert!(r.previews[0].text.contains("Vence en 71 h 55 min"));
    assert!(inbox.lock().unwrap().is_empty());
    // Process "a" runs the 04:00 tick; "b", a minute later, finds it claimed.
    let t = utc("2026-02-11T04:20:00Z");
    let a = alerts::breach::breach_tick(&reg, &c, &mailer, "a", t)
        .await
        .unwrap();
    let b = alerts::breach::breach_tick(&reg, &c, &mailer, "b", t + chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(a.map(|r| r.new), Some(3));
    assert!(b.is_none());
    assert_eq!(inbox.lock().unwrap().len(), 3);
    // The next hour's tick is "b"'s: it runs, and finds nothing new to send.
    let b = alerts::breach::breach_tick(&reg, &c, &mailer, "b", t + chrono::Duration::minutes(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.new, 0);
    assert_eq!(inbox.lock().unwrap().len(), 3);
}

// The register of social-media accounts (issue 18): the reminder to change the passwords
// when a gestor leaves (`002_…`, Décima quinta), and the fulfilment alert of a request
// about a post, which also goes to the account's gestores (`000_…`, Quinto).

/// The UT staff member `ana` of SEJ, signed in.
fn ana_principal() -> arco::accounts::Principal {
    arco::accounts::Principal {
        account: arco::accounts::Account {
            id: 1,
            username: "ana".into(),
            display_name: "Ana".into(),
            body: Some("SEJ".into()),
            role: Role::UnitStaff,
            active: true,
            password_hash: None,
        },
        token: arco::accounts::TokenKind::Session,
        guarded: Vec::new(),
        body_kind: None,
    }
}

fn social(json: &str) -> arco::social::Change {
    serde_json::from_str(json).unwrap()
}

/// SEJ's official account on X, registered on 2 Feb 2026 with two gestores with an
/// address: Luis (1, a servant) and Marta (2, a provider). Returns its number.
async fn account_with_gestores(reg: &Registry<Database>) -> i64 {
    arco::service::admin::add_body(
        reg.store(),
        arco::accounts::Body {
            code: "SEJ".into(),
            name: "Secretaría de Educación".into(),
            kind: arco::accounts::BodyKind::Obligated,
            calendar: "mx-jalisco".into(),
            guarantor: None,
        },
        |_| Ok(()),
        now(),
    )
    .await
    .unwrap();
    let ana = ana_principal();
    let id = reg
        .register_account(
            &ana,
            None,
            social(
                r#"{"change":"registered","platform":"x","handle":"@SEJalisco","kind":"official","area":"Comunicación Social"}"#,
            ),
            d("2026-02-02"),
            now(),
        )
        .await
        .unwrap()
        .id;
    for g in [
        r#"{"change":"gestor_added","name":"Luis Gómez","kind":"servant","position":"Jefe de redes","email":"luis@sej.gob.mx"}"#,
        r#"{"change":"gestor_added","name":"Marta Ruiz","kind":"external","email":"marta@agencia.mx"}"#,
    ] {
        reg.change_account(&ana, id, social(g), d("2026-02-02"), now())
            .await
            .unwrap();
    }
    id
}

on_both_backends!(a_departed_gestor_owes_a_change_of_passwords_reminded_each_week_until_recorded);
async fn a_departed_gestor_owes_a_change_of_passwords_reminded_each_week_until_recorded(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let id = account_with_gestores(&reg).await;
    let ana = ana_principal();

    // No one left: nothing to remind.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-03"), now(), false)
        .await
        .unwrap();
    assert_eq!((r.due, r.new, r.deliveries.len()), (0, 0, 0));

    // Luis leaves on Wednesday 4 February.
    reg.change_account(
        &ana,
        id,
        social(r#"{"change":"gestor_left","gestor":1}"#),
        d("2026-02-04"),
        now(),
    )
    .await
    .unwrap();
    // A dry run shows it and writes nothing.
    let dry = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), true)
        .await
        .unwrap();
    assert_eq!(dry.new, 3);
    assert!(inbox.lock().unwrap().is_empty());
    // The night after: the UT, its head and Marta (who still has the passwords) hear of
    // it; Luis, who left, does not.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-05"), now(), false)
        .await
        .unwrap();
    assert_eq!((r.due, r.new), (3, 3));
    let got = by_recipient(&inbox);
    let to: Vec<&String> = got.keys().collect();
    assert_eq!(to.len(), 3, "{to:?}");
    for who in ["ut@sej.gob.mx", "jefa.ut@sej.gob.mx", "marta@agencia.mx"] {
        assert!(to.iter().any(|k| k.contains(who)), "{who} in {to:?}");
    }
    assert!(!to.iter().any(|k| k.contains("luis@")), "{to:?}");
    let marta = &got.iter().find(|(k, _)| k.contains("marta@")).unwrap().1[0];
    assert_eq!(
        marta.subject,
        "arco: cambie las contraseñas de una cuenta de redes sociales"
    );
    assert!(
        marta
            .text
            .contains("1. Cambio de contraseñas de la cuenta X (Twitter) @SEJalisco de Comunicación Social · SEJ"),
        "{}",
        marta.text
    );
    assert!(
        marta
            .text
            .contains("El gestor dejó la cuenta el 2026-02-04 (miércoles), hace 1 día."),
        "{}",
        marta.text
    );
    assert!(marta.text.contains("Décima quinta"), "{}", marta.text);
    assert!(
        marta
            .text
            .contains(&format!("https://arco.sej.gob.mx/redes-sociales/{id}")),
        "{}",
        marta.text
    );
    assert!(
        marta.html.contains(&format!(
            "<a href=\"https://arco.sej.gob.mx/redes-sociales/{id}\">"
        )),
        "{}",
        marta.html
    );
    // The message names the account, never a gestor.
    for m in got.values().flatten() {
        assert!(!m.text.contains("Luis") && !m.html.contains("Luis"));
        assert!(!m.text.contains("Marta") && !m.html.contains("Marta"));
    }

    // The following nights of that week: nothing again.
    for day in ["2026-02-06", "2026-02-09", "2026-02-10"] {
        let r = alerts::run(&reg, &c, &mailer, d(day), now(), false)
            .await
            .unwrap();
        assert_eq!((r.new, r.deliveries.len()), (0, 0), "{day}");
    }
    // A week after the departure, once more.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-11"), now(), false)
        .await
        .unwrap();
    assert_eq!(r.new, 3);
    let again = &by_recipient(&inbox)
        .into_iter()
        .find(|(k, _)| k.contains("ut@sej"))
        .unwrap()
        .1[1];
    assert!(again.text.contains("hace 7 días."), "{}", again.text);

    // The passwords are changed on 12 February: no more reminders.
    reg.change_account(
        &ana,
        id,
        social(r#"{"change":"passwords_rotated"}"#),
        d("2026-02-12"),
        now(),
    )
    .await
    .unwrap();
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-18"), now(), false)
        .await
        .unwrap();
    assert_eq!((r.due, r.new, r.deliveries.len()), (0, 0, 0));
    assert_eq!(inbox.lock().unwrap().len(), 6);
}

on_both_backends!(the_fulfilment_of_a_request_about_a_post_is_alerted_to_the_account_gestores);
async fn the_fulfilment_of_a_request_about_a_post_is_alerted_to_the_account_gestores(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    let (port, _, _, inbox) = smtp_server();
    let c = config(port);
    let mailer = Mailer::smtp(c.smtp.url.as_deref().unwrap()).unwrap();
    let reg = db.registry().await;
    let id = account_with_gestores(&reg).await;
    let ana = ana_principal();
    let folio = filed(&reg).await;
    reg.point_to_publication(
        &ana,
        &folio,
        id,
        "https://x.com/SEJalisco/status/1",
        Some("2026-02-01"),
        now(),
    )
    .await
    .unwrap();
    let staff = Actor::new("ana", Role::UnitStaff);
    for (act, at, who) in [
        (RequestAct::Admitted, "2026-02-06T10:00", staff.clone()),
        (
            RequestAct::Resolved {
                outcome: arco::request::Outcome::Granted,
            },
            "2026-02-10T10:00",
            Actor::new("comite", Role::Committee),
        ),
        (
            RequestAct::ResolutionNotified,
            "2026-02-12T10:00",
            staff.clone(),
        ),
    ] {
        reg.act(&folio, act, at.parse().unwrap(), &who, now())
            .await
            .unwrap();
    }
    // Fulfilment is due Thu 19 Feb (13, 16, 17, 18, 19): three business days away on Mon
    // 16 Feb. The UT, its head, Ana in charge, and both gestores at the time (Luis has not
    // left) hear of it.
    let r = alerts::run(&reg, &c, &mailer, d("2026-02-16"), now(), false)
        .await
        .unwrap();
    let got = by_recipient(&inbox);
    let to: Vec<&String> = got.keys().collect();
    assert_eq!(to.len(), 5, "{to:?} {r:?}");
    for who in ["luis@sej.gob.mx", "marta@agencia.mx", "ana@sej.gob.mx"] {
        assert!(to.iter().any(|k| k.contains(who)), "{who} in {to:?}");
    }
    let luis = &got.iter().find(|(k, _)| k.contains("luis@")).unwrap().1[0];
    assert!(
        luis.text
            .contains("Vence en 3 días hábiles: Hacer efectivo el derecho (art. 59.3)"),
        "{}",
        luis.text
    );
    assert!(luis.text.contains(&folio), "{}", luis.text);
    // The gestores record what was done to the post: from then on, the term is the UT's
    // alone.
    reg.record_post_action(
        &ana,
        &folio,
        arco::social::PostAction::Removed,
        true,
        d("2026-02-17"),
        now(),
    )
    .await
    .unwrap();
    let before = inbox.lock().unwrap().len();
    alerts::run(&reg, &c, &mailer, d("2026-02-18"), now(), false)
        .await
        .unwrap();
    let sent: Vec<Parsed> = inbox.lock().unwrap()[before..].iter().map(parse).collect();
    assert_eq!(
        sent.len(),
        3,
        "{:?}",
        sent.iter().map(|p| &p.to).collect::<Vec<_>>()
    );
    assert!(
        sent.iter()
            .all(|p| !p.to.contains("luis@") && !p.to.contains("marta@"))
    );
    assert!(
        sent[0].text.contains("Vence el siguiente día hábil"),
        "{}",
        sent[0].text
    );
}
