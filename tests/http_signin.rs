//! Sign-in under attack, over real HTTP against the in-process server: attempts that
//! arrive together, a ceiling on password checks, lock-outs that do not lock out the real
//! user, trusted proxies, and bodies that are not JSON.

mod common;
mod http_common;

use common::Backend;
use http_common::{LOGIN_PASSWORD, LOGIN_USER, Resp, Server, assert_problem_shape};
use serde_json::json;

/// A login as `user` with `password`, from `forwarded` (an `X-Forwarded-For`), if given.
async fn login(s: &Server, user: &str, password: &str, forwarded: Option<&str>) -> Resp {
    let mut rb = s
        .client
        .post(s.url("/v1/login"))
        .json(&json!({"username": user, "password": password}));
    if let Some(f) = forwarded {
        rb = rb.header("x-forwarded-for", f);
    }
    let res = rb.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let ctype = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Resp {
        status,
        ctype,
        headers,
        text: res.text().await.unwrap(),
    }
}

fn retry_after(r: &Resp) -> u64 {
    r.headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("sin Retry-After en {}: {}", r.status, r.text))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

on_both_backends!(
    logins_fired_together_evaluate_at_most_the_limit,
    tokio::test(flavor = "multi_thread", worker_threads = 4)
);
/// 30 wrong passwords at once: at most 5 are evaluated, and afterwards exactly as many
/// more failures are evaluated one by one as make 5 in all.
async fn logins_fired_together_evaluate_at_most_the_limit(backend: Backend) {
    let s = http_common::start_with_login(backend).await;
    let answers = burst(&s, None).await;
    let evaluated = answers.iter().filter(|r| r.status == 401).count();
    assert!(
        (1..=5).contains(&evaluated),
        "se evaluaron {evaluated} contraseñas de 30 (límite 5): {:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let more = failures_until_locked(&s).await;
    assert_eq!(
        evaluated + more,
        5,
        "el límite cuenta exactamente 5 fallos (a la vez y luego uno por uno)"
    );
}

on_both_backends!(
    the_right_password_in_a_burst_of_wrong_ones_is_held_by_the_same_limit,
    tokio::test(flavor = "multi_thread", worker_threads = 4)
);
/// The scenario of the finding: 29 wrong passwords and the right one (the 25th) at once.
/// The right one gets a session only if it took one of the 5 places; a success forgets the
/// failures before it (the real user is not locked out by them), so afterwards between
/// 0 and 5 more failures are evaluated, never more than the burst left room for.
async fn the_right_password_in_a_burst_of_wrong_ones_is_held_by_the_same_limit(backend: Backend) {
    let s = http_common::start_with_login(backend).await;
    let answers = burst(&s, Some(24)).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    let failures = statuses.iter().filter(|c| **c == 401).count();
    let signed_in = statuses.iter().filter(|c| **c == 200).count();
    let more = failures_until_locked(&s).await;
    if signed_in == 0 {
        assert!(
            failures <= 5 && failures + more == 5,
            "sin éxito, el límite cuenta 5 fallos: {failures} + {more}; {statuses:?}"
        );
    } else {
        // At most 4 failures before the success (it held the fifth place), then at most 5.
        assert!(
            failures <= 9 && failures + more >= 5 && more <= 5,
            "con éxito: {failures} fallos en la ráfaga, {more} después; {statuses:?}"
        );
    }
}

/// 30 logins fired at once, all wrong except the one at `right`, if given; every answer
/// is an evaluation (200/401) or a refusal with the problem shape and a `Retry-After`.
async fn burst(s: &Server, right: Option<usize>) -> Vec<Resp> {
    let attempts = (0..30).map(|i| async move {
        let pw = if Some(i) == right {
            LOGIN_PASSWORD
        } else {
            "contraseña-equivocada"
        };
        login(s, LOGIN_USER, pw, None).await
    });
    let answers = futures_join_all(attempts).await;
    for r in &answers {
        match r.status {
            200 | 401 => {}
            429 | 503 => {
                assert_problem_shape(r);
                assert!(retry_after(r) >= 1);
            }
            other => panic!("estado inesperado {other}: {}", r.text),
        }
    }
    answers
}

/// Wrong logins one by one until refused with 429: how many were evaluated (at most 5).
async fn failures_until_locked(s: &Server) -> usize {
    let mut more = 0;
    loop {
        let r = login(s, LOGIN_USER, "contraseña-equivocada", None).await;
        if r.status == 429 {
            return more;
        }
        r.problem(401);
        more += 1;
        assert!(more <= 5, "más de 5 intentos fallidos evaluados");
    }
}

/// `join_all` without a futures dependency: spawns nothing, polls all together.
async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in fs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}

on_both_backends!(
    a_full_ceiling_of_password_checks_answers_503_and_counts_nothing,
    tokio::test(flavor = "multi_thread")
);
async fn a_full_ceiling_of_password_checks_answers_503_and_counts_nothing(backend: Backend) {
    let s = http_common::start_configured(backend, true, |c| c.password_checks = 2).await;
    assert_eq!(s.app.password_checks.available_permits(), 2);
    // Every check in use (as if two slow logins were running).
    let held = s
        .app
        .password_checks
        .clone()
        .acquire_many_owned(2)
        .await
        .unwrap();
    for _ in 0..8 {
        let r = login(&s, LOGIN_USER, LOGIN_PASSWORD, None).await;
        let p = r.problem(503);
        assert_eq!(p["type"], "urn:arco:problema:ocupado");
        assert_eq!(retry_after(&r), 1);
        assert_eq!(p["retry_after"], 1);
    }
    drop(held);
    // None of the eight was counted as a failure: the right password now works...
    login(&s, LOGIN_USER, LOGIN_PASSWORD, None)
        .await
        .expect(200);
    // ...and five wrong ones are still evaluated before the lock.
    for _ in 0..5 {
        login(&s, LOGIN_USER, "contraseña-equivocada", None)
            .await
            .problem(401);
    }
    login(&s, LOGIN_USER, LOGIN_PASSWORD, None)
        .await
        .problem(429);
    assert_eq!(s.app.password_checks.available_permits(), 2);
}

on_both_backends!(
    failures_from_other_addresses_never_refuse_a_correct_password,
    tokio::test(flavor = "multi_thread")
);
async fn failures_from_other_addresses_never_refuse_a_correct_password(backend: Backend) {
    let s = http_common::start_configured(backend, true, |c| {
        c.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await;
    let attacker = Some("203.0.113.66");
    let office = Some("198.51.100.7");
    // The real user signs in from the office once.
    login(&s, LOGIN_USER, LOGIN_PASSWORD, office)
        .await
        .expect(200);
    // Five wrong passwords from the attacker lock the attacker's pair, even with the
    // right password...
    for _ in 0..5 {
        login(&s, LOGIN_USER, "contraseña-equivocada", attacker)
            .await
            .problem(401);
    }
    login(&s, LOGIN_USER, LOGIN_PASSWORD, attacker)
        .await
        .problem(429);
    // ...but not the user at the office.
    login(&s, LOGIN_USER, LOGIN_PASSWORD, office)
        .await
        .expect(200);
    // Failures spread over many addresses: after 4 × 5 the user is refused from a new
    // address, never from the office it signed in from.
    for i in 0..15 {
        let from = format!("192.0.2.{i}");
        login(&s, LOGIN_USER, "contraseña-equivocada", Some(&from))
            .await
            .problem(401);
    }
    login(&s, LOGIN_USER, LOGIN_PASSWORD, Some("192.0.2.200"))
        .await
        .problem(429);
    login(&s, LOGIN_USER, LOGIN_PASSWORD, office)
        .await
        .expect(200);
    // Twenty failures from one address, spraying names, refuse that address only.
    for i in 0..20 {
        login(
            &s,
            &format!("nadie{i}"),
            "lo-que-sea-123",
            Some("203.0.113.99"),
        )
        .await
        .problem(401);
    }
    login(&s, "otro.nombre", "lo-que-sea-123", Some("203.0.113.99"))
        .await
        .problem(429);
    login(&s, LOGIN_USER, LOGIN_PASSWORD, office)
        .await
        .expect(200);
    // The nearest untrusted address of the chain is the client; the proxies are skipped.
    login(
        &s,
        LOGIN_USER,
        LOGIN_PASSWORD,
        Some("203.0.113.66, 198.51.100.7, 127.0.0.9"),
    )
    .await
    .expect(200);
}

on_both_backends!(
    a_forwarding_header_from_an_untrusted_peer_is_ignored,
    tokio::test(flavor = "multi_thread")
);
async fn a_forwarding_header_from_an_untrusted_peer_is_ignored(backend: Backend) {
    // No trusted proxies: the peer (127.0.0.1) is the client, whatever the header says.
    let s = http_common::start_with_login(backend).await;
    for i in 0..5 {
        let from = format!("192.0.2.{i}");
        login(&s, LOGIN_USER, "contraseña-equivocada", Some(&from))
            .await
            .problem(401);
    }
    login(&s, LOGIN_USER, LOGIN_PASSWORD, Some("198.51.100.7"))
        .await
        .problem(429);
}

on_both_backends!(
    only_bodies_declared_as_json_are_read,
    tokio::test(flavor = "multi_thread")
);
async fn only_bodies_declared_as_json_are_read(backend: Backend) {
    let s = http_common::start_with_login(backend).await;
    let body = format!(r#"{{"username": "{LOGIN_USER}", "password": "{LOGIN_PASSWORD}"}}"#);
    // What a cross-site <form enctype="text/plain"> sends, and other non-JSON types.
    for ctype in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut rb = s.client.post(s.url("/v1/login")).body(body.clone());
        if let Some(t) = ctype {
            rb = rb.header("content-type", t);
        }
        let r = rb.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 415, "{ctype:?}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("application/problem+json"), "{ct}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["type"], "urn:arco:problema:tipo-no-admitido", "{v}");
        assert!(
            v["detail"].as_str().unwrap().contains("application/json"),
            "{v}"
        );
    }
    // The same with JSON's own type (and a charset) signs in.
    let r = s
        .client
        .post(s.url("/v1/login"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Every JSON endpoint refuses it the same way.
    let r = s
        .client
        .post(s.url("/v1/requests"))
        .bearer_auth(s.token("sej.staff"))
        .header("content-type", "text/plain")
        .body(r#"{"right": "access", "body": "SEJ"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
}
