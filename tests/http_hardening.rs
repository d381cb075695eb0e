//! What every answer carries (caching, sniffing, framing headers), input the database
//! must never see (NUL characters, paths that are not UTF-8), and connections that would
//! hold the server: unfinished headers, stalled bodies, idle keep-alive, too many at once.

mod common;
mod http_common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Backend;
use http_common::{LOGIN_PASSWORD, LOGIN_USER, Resp, start, start_configured, start_with_login};
use serde_json::json;

fn header<'a>(r: &'a Resp, name: &str) -> &'a str {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("falta {name} en {} {}", r.status, r.ctype))
        .to_str()
        .unwrap()
}

#[track_caller]
fn assert_guarded(r: &Resp) {
    assert_eq!(header(r, "cache-control"), "no-store", "{}", r.ctype);
    assert_eq!(header(r, "x-content-type-options"), "nosniff");
    assert!(
        header(r, "content-security-policy").contains("frame-ancestors 'none'"),
        "{}",
        header(r, "content-security-policy")
    );
}

on_both_backends!(
    every_answer_is_kept_out_of_caches_frames_and_sniffing,
    tokio::test(flavor = "multi_thread")
);
async fn every_answer_is_kept_out_of_caches_frames_and_sniffing(backend: Backend) {
    let s = start_with_login(backend).await;
    let login = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": LOGIN_USER, "password": LOGIN_PASSWORD}),
        )
        .await;
    login.expect(200);
    assert_guarded(&login);
    let folio = s.file("sej.staff", "SEJ", "2026-02-05T10:00").await;
    let case = s.get(&format!("/v1/requests/{folio}"), "sej.staff").await;
    case.expect(200);
    assert_guarded(&case);
    assert_eq!(
        header(&case, "content-security-policy"),
        arco::http::defences::DATA_CSP
    );
    let csv = s.get("/v1/requests?format=csv", "sej.staff").await;
    csv.expect(200);
    assert_guarded(&csv);
    let feed = s.post("/v1/me/feed", "sej.staff", &json!({})).await;
    feed.expect(201);
    assert_guarded(&feed);
    let url = feed.str("url");
    let ics = s.get_with(url.strip_prefix(&s.base).unwrap(), None).await;
    ics.expect(200);
    assert_guarded(&ics);
    // Errors too, and routes that do not exist.
    assert_guarded(&s.get_with("/v1/me", None).await);
    assert_guarded(&s.get_with("/nada", None).await);

    // The acuse is HTML: framing refused, no inline script, its one style by hash.
    let acuse = s
        .get(&format!("/v1/requests/{folio}/acuse"), "sej.staff")
        .await;
    acuse.expect(200);
    assert!(acuse.ctype.starts_with("text/html"), "{}", acuse.ctype);
    assert_guarded(&acuse);
    assert_eq!(header(&acuse, "x-frame-options"), "DENY");
    let csp = header(&acuse, "content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let style = acuse
        .text
        .split("<style>")
        .nth(1)
        .and_then(|t| t.split("</style>").next())
        .expect("un <style>");
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(!acuse.text.contains("<script"), "sin guiones en línea");
}

on_both_backends!(
    nul_characters_are_refused_before_the_database,
    tokio::test(flavor = "multi_thread")
);
async fn nul_characters_are_refused_before_the_database(backend: Backend) {
    let s = start_with_login(backend).await;
    let folio = s.file("sej.staff", "SEJ", "2026-02-05T10:00").await;
    // In a path: nothing is named so.
    for path in [
        format!("/v1/requests/{folio}%00"),
        "/v1/requests/SEJ-ARCO-2026-00001%00/acuse".to_string(),
        "/v1/appeals/%00".to_string(),
        "/v1/feeds/arco_%00/plazos.ics".to_string(),
    ] {
        s.get(&path, "sej.staff").await.problem(404);
    }
    // In a query parameter: 422 naming it.
    for (path, field) in [
        ("/v1/requests?body=SEJ%00", "body"),
        ("/v1/requests?after=%00", "after"),
        ("/v1/appeals?state=filed%00", "state"),
        ("/v1/due?within=1%00", "within"),
    ] {
        let p = s.get(path, "admin").await.problem(422);
        assert_eq!(p["field"], field, "{path}: {p}");
    }
    // In a JSON string, also where no one is signed in yet.
    let login = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": "ana.lopez\u{0}", "password": "x"}),
        )
        .await;
    assert!(
        login.problem(422)["detail"]
            .as_str()
            .unwrap()
            .contains("nulo"),
        "{}",
        login.text
    );
    let login = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": LOGIN_USER, "password": "\u{0}"}),
        )
        .await;
    login.problem(422);
    for (path, body) in [
        (
            "/v1/requests".to_string(),
            json!({"right": "access", "body": "SEJ\u{0}"}),
        ),
        (
            format!("/v1/requests/{folio}/acts"),
            json!({"act": {"act": "prevented", "note": "a\u{0}b"}}),
        ),
        (
            "/v1/appeals".to_string(),
            json!({"request": "X\u{0}", "filing": {"act": "appeal_filed"}}),
        ),
    ] {
        s.post(&path, "sej.staff", &body).await.problem(422);
    }
    // Nothing of it was written; the server still answers.
    s.get(&format!("/v1/requests/{folio}"), "sej.staff")
        .await
        .expect(200);
}

on_both_backends!(
    a_path_that_is_not_utf8_is_a_problem,
    tokio::test(flavor = "multi_thread")
);
async fn a_path_that_is_not_utf8_is_a_problem(backend: Backend) {
    let s = start(backend).await;
    for path in [
        "/v1/requests/%FF%FE",
        "/v1/requests/%C3%28/acts",
        "/v1/appeals/%FF",
        "/v1/feeds/%FF/plazos.ics",
    ] {
        let r = if path.ends_with("/acts") {
            s.post(path, "sej.staff", &json!({"act": {"act": "admitted"}}))
                .await
        } else {
            s.get(path, "sej.staff").await
        };
        let p = r.problem(404);
        assert!(
            p["detail"].as_str().unwrap().contains("UTF-8"),
            "{path}: {p}"
        );
    }
}

/// Reads from a raw connection until it closes or `limit` passes: what was read, and
/// whether it closed.
fn read_until_closed(c: &mut TcpStream, limit: Duration) -> (String, bool) {
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match c.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&out).into_owned(), true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return (String::from_utf8_lossy(&out).into_owned(), true),
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), false)
}

fn connect(base: &str) -> TcpStream {
    TcpStream::connect(base.strip_prefix("http://").unwrap()).unwrap()
}

on_both_backends!(
    slow_and_idle_connections_are_closed,
    tokio::test(flavor = "multi_thread")
);
async fn slow_and_idle_connections_are_closed(backend: Backend) {
    let s = start_configured(backend, false, |c| {
        c.header_timeout_secs = 1;
        c.body_timeout_secs = 1;
    })
    .await;
    let base = s.base.clone();
    let token = s.token("sej.staff");
    tokio::task::spawn_blocking(move || {
        // Unfinished headers.
        let mut c = connect(&base);
        c.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").unwrap();
        let (_, closed) = read_until_closed(&mut c, Duration::from_secs(10));
        assert!(closed, "una cabecera a medias sigue abierta");
        // A connection that never sends anything.
        let mut c = connect(&base);
        let (_, closed) = read_until_closed(&mut c, Duration::from_secs(10));
        assert!(closed, "una conexión muda sigue abierta");
        // Idle keep-alive after an answer.
        let mut c = connect(&base);
        c.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10));
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(closed, "una conexión inactiva sigue abierta");
        // A body that stalls: 408, and the connection closed.
        let mut c = connect(&base);
        let head = format!(
            "POST /v1/requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"right\": "
        );
        c.write_all(head.as_bytes()).unwrap();
        let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10));
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(text.contains("urn:arco:problema:tiempo-agotado"), "{text}");
        assert!(closed, "un cuerpo detenido sigue abierto");
    })
    .await
    .unwrap();
    // Nothing was filed.
    let r = s.get("/v1/requests", "sej.staff").await;
    assert_eq!(r.json()["items"], json!([]));
}

on_both_backends!(
    connections_beyond_the_cap_wait_their_turn,
    tokio::test(flavor = "multi_thread")
);
async fn connections_beyond_the_cap_wait_their_turn(backend: Backend) {
    let s = start_configured(backend, false, |c| {
        c.max_connections = 2;
        c.header_timeout_secs = 30;
    })
    .await;
    let base = s.base.clone();
    tokio::task::spawn_blocking(move || {
        let a = connect(&base);
        let b = connect(&base);
        std::thread::sleep(Duration::from_millis(300));
        // A third is not served while two are open...
        let mut c = connect(&base);
        c.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let (text, _) = read_until_closed(&mut c, Duration::from_secs(2));
        assert_eq!(text, "", "la tercera conexión fue atendida");
        // ...and is, as soon as one closes.
        drop(a);
        let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10));
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(closed);
        drop(b);
    })
    .await
    .unwrap();
}

on_both_backends!(
    the_scope_check_reads_only_kind_and_bodies,
    tokio::test(flavor = "multi_thread")
);
/// The scope check reads only the case's kind and bodies, never the case itself: shown
/// by a case whose stored deadlines are unreadable, which answers an out-of-scope caller
/// exactly as a missing folio does (404), while its own body's staff get the server-side
/// failure (500). Loading the case first would give the outsider the 500 too.
async fn the_scope_check_reads_only_kind_and_bodies(backend: Backend) {
    let s = start(backend).await;
    let request = s.denied_request().await;
    let appeal = s
        .file_appeal("sej.staff", &request, "guarantor", "2026-02-20T10:00")
        .await;
    appeal.expect(201);
    let appeal = appeal.str("folio");
    common::exec(&s.db, "UPDATE deadlines SET status = 'ilegible'")
        .await
        .unwrap();
    let missing_request = s
        .get("/v1/requests/SEJ-ARCO-2026-09999", "ssj.staff")
        .await
        .problem(404);
    let outsider = s
        .get(&format!("/v1/requests/{request}"), "ssj.staff")
        .await
        .problem(404);
    assert_eq!(
        outsider["detail"],
        missing_request["detail"]
            .as_str()
            .unwrap()
            .replace("SEJ-ARCO-2026-09999", &request)
    );
    s.get(&format!("/v1/requests/{request}/acuse"), "ssj.staff")
        .await
        .problem(404);
    s.act(
        "ssj.staff",
        &request,
        json!({"act": "admitted"}),
        "2026-02-06",
    )
    .await
    .problem(404);
    s.get(&format!("/v1/appeals/{appeal}"), "mun.staff")
        .await
        .problem(404);
    s.get(&format!("/v1/appeals/{appeal}"), "otro.guarantor")
        .await
        .problem(404);
    s.file_appeal("ssj.staff", &request, "guarantor", "2026-02-20T10:00")
        .await
        .problem(404);
    // Inside the scope the broken case is a server-side failure, with nothing of it shown.
    s.get(&format!("/v1/requests/{request}"), "sej.staff")
        .await
        .problem(500);
    s.get(&format!("/v1/appeals/{appeal}"), "itei.guarantor")
        .await
        .problem(500);
}

on_both_backends!(
    csv_cells_never_run_in_a_spreadsheet,
    tokio::test(flavor = "multi_thread")
);
async fn csv_cells_never_run_in_a_spreadsheet(backend: Backend) {
    let s = start(backend).await;
    let now = chrono::Utc::now();
    // New codes must begin with a letter or digit...
    let refused = arco::service::admin::add_body(
        &s.db,
        arco::accounts::Body {
            code: "-1".into(),
            name: "x".into(),
            kind: arco::accounts::BodyKind::Obligated,
            calendar: "mx-jalisco".into(),
            guarantor: Some("ITEI".into()),
        },
        |_| Ok(()),
        now,
    )
    .await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("debe empezar con una letra o un dígito")
    );
    // ...but an install may hold one from before: its cells are neutralised.
    common::exec(
        &s.db,
        "INSERT INTO bodies (code, name, kind, calendar, guarantor, created_at)
         VALUES ('-SEJ', 'Heredado', 'obligated', 'mx-jalisco', 'ITEI', '2026-01-01T00:00:00+00:00')",
    )
    .await
    .unwrap();
    use arco::accounts::TokenKind;
    arco::service::admin::add_account(
        &s.db,
        "legado.staff",
        "Legado",
        Some("-SEJ"),
        arco::case::Role::UnitStaff,
        None,
        now,
    )
    .await
    .unwrap();
    let token =
        arco::service::admin::create_token(&s.db, "legado.staff", TokenKind::Api, "x", None, now)
            .await
            .unwrap();
    let r = s
        .post_with(
            "/v1/requests",
            Some(&token),
            &json!({"right": "access", "at": "2026-02-05T10:00", "body": "-SEJ"}),
        )
        .await;
    r.expect(201);
    let folio = r.str("folio");
    assert!(folio.starts_with("-SEJ-ARCO-"), "{folio}");
    let csv = s
        .get_with("/v1/requests?format=csv&as_of=2026-03-20", Some(&token))
        .await;
    csv.expect(200);
    let line = csv.text.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&format!("'{folio},solicitud,'-SEJ,")),
        "{line}"
    );
}

on_both_backends!(
    bodies_hide_calendar_paths_and_admins_filter_appeals_by_the_body_appealed,
    tokio::test(flavor = "multi_thread")
);
async fn bodies_hide_calendar_paths_and_admins_filter_appeals_by_the_body_appealed(
    backend: Backend,
) {
    let s = start(backend).await;
    common::exec(
        &s.db,
        "UPDATE bodies SET calendar = '/srv/arco/calendarios/ssj-2026.toml' WHERE code = 'SSJ'",
    )
    .await
    .unwrap();
    let r = s.get("/v1/bodies", "mun.staff").await;
    r.expect(200);
    assert!(!r.text.contains("/srv"), "{}", r.text);
    let ssj = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == "SSJ")
        .cloned()
        .unwrap();
    assert_eq!(ssj["calendar"], "ssj-2026");

    let request = s.denied_request().await;
    let appeal = s
        .file_appeal("sej.staff", &request, "guarantor", "2026-02-20T10:00")
        .await;
    appeal.expect(201);
    let appeal = appeal.str("folio");
    let listed = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["folio"].as_str().unwrap().to_string())
            .collect()
    };
    // `body` names the body appealed against, for an administrator as for everyone.
    let r = s
        .get("/v1/appeals?body=SEJ&as_of=2026-03-01", "admin")
        .await;
    assert_eq!(listed(r.json()), std::slice::from_ref(&appeal));
    let r = s
        .get("/v1/appeals?body=ITEI&as_of=2026-03-01", "admin")
        .await;
    assert!(listed(r.json()).is_empty(), "{}", r.text);
    let r = s
        .get("/v1/appeals?body=SEJ&as_of=2026-03-01", "itei.guarantor")
        .await;
    assert_eq!(listed(r.json()), [appeal]);
}
