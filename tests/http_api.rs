//! The HTTP API over real HTTP: the server started in-process on a free port against a
//! fresh SQLite file (one per test), driven with reqwest as an integrating system would.
//! Filing moments are fixed past dates (5 Feb 2026 is a Thursday) so terms are
//! deterministic; lists and due items are computed `as_of` a fixed date.

mod common;
mod http_common;

use common::Backend;

use std::collections::BTreeSet;

use http_common::{LOGIN_PASSWORD, LOGIN_USER, Resp, Server, assert_problem_shape, start};
use serde_json::{Value, json};

const FILED: &str = "2026-02-05T10:00";

fn log_len(r: &Resp) -> usize {
    r.json()["log"].as_array().map_or(0, Vec::len)
}

/// Every folio of a page.
fn folios(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("sin items: {v}"))
        .iter()
        .map(|i| i["folio"].as_str().unwrap().to_string())
        .collect()
}

on_both_backends!(
    health_answers_ok_without_a_token,
    tokio::test(flavor = "multi_thread")
);
async fn health_answers_ok_without_a_token(backend: Backend) {
    let s = start(backend).await;
    let r = s.get_with("/health", None).await;
    r.expect(200);
    assert!(r.ctype.starts_with("application/json"), "{}", r.ctype);
    assert_eq!(r.json(), json!({"status": "ok", "database": "ok"}));
}

on_both_backends!(
    login_gives_a_session_that_logout_revokes,
    tokio::test(flavor = "multi_thread")
);
async fn login_gives_a_session_that_logout_revokes(backend: Backend) {
    let s = http_common::start_with_login(backend).await;
    let r = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": LOGIN_USER, "password": LOGIN_PASSWORD}),
        )
        .await;
    r.expect(200);
    let v = r.json();
    let token = v["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("arco_"), "{v}");
    assert_eq!(v["account"]["username"], LOGIN_USER);
    assert_eq!(v["account"]["role"], "unit_staff");
    assert_eq!(v["account"]["body"], "SEJ");
    assert!(v["expires_at"].as_str().is_some(), "{v}");
    // The password hash never leaves the server.
    assert!(!r.text.contains("argon2"), "{}", r.text);

    let me = s.get_with("/v1/me", Some(&token)).await;
    me.expect(200);
    assert_eq!(me.json()["username"], LOGIN_USER);
    assert_eq!(me.json()["display_name"], "Ana López");

    // A user name is taken trimmed and in lowercase.
    let r = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": " Ana.Lopez ", "password": LOGIN_PASSWORD}),
        )
        .await;
    r.expect(200);
    let second = r.str("token");
    assert_ne!(second, token);

    let out = s
        .client
        .post(s.url("/v1/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
    let p = s.get_with("/v1/me", Some(&token)).await.problem(401);
    assert!(p["detail"].as_str().unwrap().contains("revocado"), "{p}");
    // Logging out twice: the token is no longer valid.
    let again = s
        .client
        .post(s.url("/v1/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 401);
    // The other session goes on.
    s.get_with("/v1/me", Some(&second)).await.expect(200);
    // An unknown user fails the same way as a wrong password.
    let r = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": "nadie", "password": "lo-que-sea-123"}),
        )
        .await;
    assert_eq!(r.problem(401)["detail"], "usuario o contraseña incorrectos");
}

on_both_backends!(
    failed_logins_are_refused_then_limited,
    tokio::test(flavor = "multi_thread")
);
async fn failed_logins_are_refused_then_limited(backend: Backend) {
    let s = http_common::start_with_login(backend).await;
    let login = |password: &'static str| {
        let s = &s;
        async move {
            s.post_with(
                "/v1/login",
                None,
                &json!({"username": LOGIN_USER, "password": password}),
            )
            .await
        }
    };
    for i in 0..5 {
        let r = login("contraseña-equivocada").await;
        let p = r.problem(401);
        assert_eq!(p["type"], "urn:arco:problema:no-autenticado", "intento {i}");
        assert_eq!(p["detail"], "usuario o contraseña incorrectos");
        assert!(r.headers.get("retry-after").is_none());
    }
    // The sixth attempt is refused before the password is looked at, even if right.
    let r = login(LOGIN_PASSWORD).await;
    let p = r.problem(429);
    let wait: u64 = r
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&wait), "Retry-After {wait}");
    assert_eq!(p["retry_after"].as_u64(), Some(wait));
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("demasiados intentos"),
        "{p}"
    );
    assert!(!r.text.contains("token"), "{}", r.text);

    // Missing credentials: 422 naming the field.
    let r = s
        .post_with("/v1/login", None, &json!({"username": LOGIN_USER}))
        .await;
    let p = r.problem(422);
    assert!(p["detail"].as_str().unwrap().contains("password"), "{p}");
}

on_both_backends!(
    missing_or_bad_credentials_are_401_problems,
    tokio::test(flavor = "multi_thread")
);
async fn missing_or_bad_credentials_are_401_problems(backend: Backend) {
    let s = start(backend).await;
    let p = s.get_with("/v1/me", None).await.problem(401);
    assert!(
        p["detail"].as_str().unwrap().contains("Authorization"),
        "{p}"
    );
    let p = s
        .get_with("/v1/requests", Some("arco_nope"))
        .await
        .problem(401);
    assert!(
        p["detail"].as_str().unwrap().contains("no es válido"),
        "{p}"
    );
    let r = s
        .client
        .get(s.url("/v1/me"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Every account's API token works and names its account.
    for (user, role, body) in http_common::ACCOUNTS {
        let me = s.get("/v1/me", user).await;
        me.expect(200);
        let v = me.json();
        assert_eq!(v["username"], *user);
        assert_eq!(v["role"], role.as_str());
        assert_eq!(v["body"].as_str(), *body);
    }
}

on_both_backends!(
    filing_gives_the_folio_and_its_deadlines,
    tokio::test(flavor = "multi_thread")
);
async fn filing_gives_the_folio_and_its_deadlines(backend: Backend) {
    let s = start(backend).await;
    let r = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": FILED}),
        )
        .await;
    r.expect(201);
    assert!(r.ctype.starts_with("application/json"), "{}", r.ctype);
    let v = r.json();
    assert_eq!(v["folio"], "SEJ-ARCO-2026-00001");
    assert_eq!(v["body"], "SEJ");
    assert_eq!(v["state"], "filed");
    assert_eq!(v["right"], "access");
    assert_eq!(v["filed"], "2026-02-05");
    assert_eq!(v["calendar_id"], "mx-jalisco");
    // Three business days: Friday 6, Monday 9 and Tuesday 10 February (art. 53.1).
    let admission = &v["deadlines"]["admission"];
    assert_eq!(admission["due"], "2026-02-10", "{v}");
    assert_eq!(admission["days"], 3, "{v}");
    assert_eq!(admission["article"], "53.1", "{v}");
    // Shown on a date before its due date, it is pending.
    let shown = s
        .get(
            "/v1/requests/SEJ-ARCO-2026-00001?as_of=2026-02-09",
            "sej.staff",
        )
        .await
        .json();
    assert_eq!(
        shown["deadlines"]["admission"]["status"], "pending",
        "{shown}"
    );
    assert_eq!(shown["as_of"], "2026-02-09");
    assert!(
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["term"] == "admission" && !t["explanation"].as_str().unwrap().is_empty()),
        "{v}"
    );
    assert_eq!(log_len(&r), 1);
    assert_eq!(v["log"][0]["act"], "filed");
    assert_eq!(v["log"][0]["actor"], "sej.staff");
    // The next one of the body is the next number; another body starts its own.
    assert_eq!(
        s.file("sej.head", "SEJ", "2026-02-06T10:00").await,
        "SEJ-ARCO-2026-00002"
    );
    assert_eq!(
        s.file("ssj.staff", "SSJ", FILED).await,
        "SSJ-ARCO-2026-00001"
    );
    // The titular's address is accepted and not echoed back.
    let r = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "cancellation", "at": FILED, "titular_email": "titular@example.com"}),
        )
        .await;
    r.expect(201);
    assert!(!r.text.contains("titular@example.com"), "{}", r.text);
    // Without `at`, it is filed now.
    let r = s
        .post("/v1/requests", "sej.staff", &json!({"right": "opposition"}))
        .await;
    r.expect(201);
    assert_eq!(r.json()["state"], "filed");
    // A date in the future is refused.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": "2099-01-05T10:00"}),
        )
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("posterior"), "{p}");
}

on_both_backends!(
    a_request_goes_from_filing_to_closing,
    tokio::test(flavor = "multi_thread")
);
async fn a_request_goes_from_filing_to_closing(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let steps: &[(&str, Value, &str, &str)] = &[
        (
            "sej.staff",
            json!({"act": "admitted"}),
            "2026-02-06T10:00",
            "admitted",
        ),
        (
            "sej.committee",
            json!({"act": "resolved", "outcome": "granted"}),
            "2026-02-12T10:00",
            "resolved",
        ),
        (
            "sej.head",
            json!({"act": "resolution_notified"}),
            "2026-02-13T10:00",
            "notified",
        ),
        (
            // The data reach only an accredited titular (art. 88.1.III).
            "sej.staff",
            json!({"act": "identity_accredited", "standing": "titular", "means": "official_id"}),
            "2026-02-16T10:00",
            "notified",
        ),
        (
            "sej.staff",
            json!({"act": "fulfilled", "delivery": {"modality": "simple_copy", "pages": 25, "page_cost": 100}}),
            "2026-02-17T10:00",
            "fulfilled",
        ),
        (
            "sej.head",
            json!({"act": "closed"}),
            "2026-02-18T10:00",
            "closed",
        ),
    ];
    for (i, (user, act, at, state)) in steps.iter().enumerate() {
        let r = s.act(user, &f, act.clone(), at).await;
        r.expect(200);
        let v = r.json();
        assert_eq!(v["state"], *state, "tras {act}: {v}");
        assert_eq!(v["folio"], f.as_str());
        assert_eq!(log_len(&r), i + 2);
        let last = &v["log"][i + 1];
        assert_eq!(last["act"], act["act"]);
        assert_eq!(last["actor"], *user);
    }
    let shown = s.get(&format!("/v1/requests/{f}"), "sej.auditor").await;
    shown.expect(200);
    let v = shown.json();
    assert_eq!(v["state"], "closed");
    assert_eq!(log_len(&shown), 7);
    assert_eq!(v["deadlines"]["resolution"]["status"], "met", "{v}");
    // A closed file takes no further acts.
    let p = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "admitted"}),
            "2026-02-19T10:00",
        )
        .await
        .problem(409);
    assert!(p["detail"].as_str().unwrap().contains("no procede"), "{p}");
    // The filing is not an act: it has its own endpoint.
    let p = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "filed", "right": "access"}),
            FILED,
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "act.act");
}

on_both_backends!(
    a_second_prevention_is_refused_and_nothing_is_written,
    tokio::test(flavor = "multi_thread")
);
async fn a_second_prevention_is_refused_and_nothing_is_written(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    // The answer is computed as of today, long after the prevention lapsed (art. 52.3).
    assert_eq!(
        s.act_ok(
            "sej.staff",
            &f,
            json!({"act": "prevention_notified"}),
            "2026-02-06T10:00"
        )
        .await,
        "not_presented"
    );
    let show = format!("/v1/requests/{f}?as_of=2026-02-09");
    let before = s.get(&show, "sej.staff").await;
    assert_eq!(before.json()["state"], "prevented");
    let r = s
        .act(
            "sej.head",
            &f,
            json!({"act": "prevention_notified"}),
            "2026-02-09T10:00",
        )
        .await;
    let p = r.problem(409);
    assert_eq!(p["type"], "urn:arco:problema:acto-improcedente");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("art. 52.1"), "{detail}");
    assert!(detail.contains("una sola ocasión"), "{detail}");
    let after = s.get(&show, "sej.staff").await;
    assert_eq!(log_len(&after), log_len(&before));
    assert_eq!(log_len(&after), 2);
    assert_eq!(after.json()["state"], "prevented");

    // Answered, then a second prevention still refused (once only, art. 52.1).
    s.act_ok(
        "sej.staff",
        &f,
        json!({"act": "prevention_answered"}),
        "2026-02-10T10:00",
    )
    .await;
    let p = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "prevention_notified"}),
            "2026-02-11T10:00",
        )
        .await
        .problem(409);
    assert!(p["detail"].as_str().unwrap().contains("52.1"), "{p}");
    let after = s.get(&show, "sej.staff").await;
    assert_eq!(log_len(&after), 3);
    // Unanswered in time, the request is tenida por no presentada (art. 52.3).
    let f2 = s.file("sej.staff", "SEJ", FILED).await;
    s.act_ok(
        "sej.staff",
        &f2,
        json!({"act": "prevention_notified"}),
        "2026-02-06T10:00",
    )
    .await;
    let later = s
        .get(&format!("/v1/requests/{f2}?as_of=2026-03-02"), "sej.staff")
        .await
        .json();
    assert_eq!(later["state"], "not_presented", "{later}");
}

on_both_backends!(
    concurrent_acts_on_one_case_one_wins,
    tokio::test(flavor = "multi_thread")
);
async fn concurrent_acts_on_one_case_one_wins(backend: Backend) {
    let s = std::sync::Arc::new(start(backend).await);
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let before = log_len(&s.get(&format!("/v1/requests/{f}"), "sej.staff").await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = s.clone();
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let user = if i % 2 == 0 { "sej.staff" } else { "sej.head" };
            s.act(user, &f, json!({"act": "admitted"}), "2026-02-06T10:00")
                .await
        }));
    }
    let mut ok = 0;
    let mut conflicts = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            200 => ok += 1,
            409 => {
                assert_problem_shape(&r);
                conflicts += 1;
            }
            other => panic!("estado inesperado {other}: {}", r.text),
        }
    }
    assert_eq!((ok, conflicts), (1, 15));
    let after = s.get(&format!("/v1/requests/{f}"), "sej.staff").await;
    assert_eq!(log_len(&after), before + 1);
    assert_eq!(after.json()["state"], "admitted");
}

on_both_backends!(
    concurrent_filings_get_distinct_progressive_folios,
    tokio::test(flavor = "multi_thread")
);
async fn concurrent_filings_get_distinct_progressive_folios(backend: Backend) {
    let s = std::sync::Arc::new(start(backend).await);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let user = if i % 2 == 0 { "sej.staff" } else { "sej.head" };
            s.post(
                "/v1/requests",
                user,
                &json!({"right": "access", "at": "2026-03-05T10:00"}),
            )
            .await
        }));
    }
    let mut got = BTreeSet::new();
    for t in tasks {
        let r = t.await.unwrap();
        r.expect(201);
        assert!(got.insert(r.str("folio")), "folio repetido: {}", r.text);
    }
    let want: BTreeSet<String> = (1..=12).map(|n| format!("SEJ-ARCO-2026-{n:05}")).collect();
    assert_eq!(got, want);
    let l = s.get("/v1/requests", "sej.auditor").await.json();
    assert_eq!(folios(&l).len(), 12);
}

/// Seven SEJ requests in known states and one of SSJ; returns the SEJ folios.
async fn seed_list(s: &Server) -> Vec<String> {
    let mut all = Vec::new();
    // 1, 2: left as filed (staff).
    all.push(s.file("sej.staff", "SEJ", "2026-02-05T10:00").await);
    all.push(s.file("sej.staff", "SEJ", "2026-02-05T11:00").await);
    // 3: admitted (filed by the head).
    let f = s.file("sej.head", "SEJ", "2026-02-05T12:00").await;
    s.act_ok(
        "sej.staff",
        &f,
        json!({"act": "admitted"}),
        "2026-02-06T10:00",
    )
    .await;
    all.push(f);
    // 4: prevented.
    let f = s.file("sej.staff", "SEJ", "2026-02-05T13:00").await;
    s.act_ok(
        "sej.staff",
        &f,
        json!({"act": "prevention_notified"}),
        "2026-02-06T10:00",
    )
    .await;
    all.push(f);
    // 5: withdrawn (no term open).
    let f = s.file("sej.staff", "SEJ", "2026-02-05T14:00").await;
    s.act_ok(
        "sej.staff",
        &f,
        json!({"act": "withdrawn"}),
        "2026-02-06T10:00",
    )
    .await;
    all.push(f);
    // 6, 7: filed later.
    all.push(s.file("sej.staff", "SEJ", "2026-02-16T10:00").await);
    all.push(s.file("sej.head", "SEJ", "2026-02-16T11:00").await);
    s.file("ssj.staff", "SSJ", "2026-02-05T10:00").await;
    all
}

on_both_backends!(lists_filter_and_page, tokio::test(flavor = "multi_thread"));
async fn lists_filter_and_page(backend: Backend) {
    let s = start(backend).await;
    let all = seed_list(&s).await;
    let q = |query: &str| {
        let s = &s;
        let path = format!("/v1/requests?as_of=2026-02-09&{query}");
        async move {
            let r = s.get(&path, "sej.auditor").await;
            r.expect(200);
            r.json()
        }
    };
    let every = q("limit=500").await;
    assert_eq!(folios(&every), all, "{every}");
    assert!(every["next"].is_null(), "{every}");
    // Filed later than as_of: still listed (the list is of the body's cases).
    let line = &every["items"][2];
    assert_eq!(line["kind"], "request");
    assert_eq!(line["body"], "SEJ");
    assert_eq!(line["state"], "admitted");
    assert_eq!(line["filed"], "2026-02-05");
    assert!(
        line["next_term"].is_string() && line["next_due"].is_string(),
        "{line}"
    );
    assert_eq!(every["items"][4]["state"], "withdrawn");
    assert!(every["items"][4]["next_term"].is_null(), "{every}");

    // By state, including a state time gives (prevented) and several at once.
    assert_eq!(folios(&q("state=admitted").await), vec![all[2].clone()]);
    assert_eq!(folios(&q("state=prevented").await), vec![all[3].clone()]);
    assert_eq!(
        folios(&q("state=admitted,withdrawn").await),
        vec![all[2].clone(), all[4].clone()]
    );
    assert_eq!(
        folios(&q("state=filed").await),
        vec![
            all[0].clone(),
            all[1].clone(),
            all[5].clone(),
            all[6].clone()
        ]
    );
    // By open term: only the prevented one waits for the titular's reply.
    assert_eq!(
        folios(&q("term=prevention_reply").await),
        vec![all[3].clone()]
    );

    // Due within two days of 9 Feb: those filed on the 5th (terms due on the 10th), not
    // the withdrawn one nor those filed on the 16th.
    let soon = q("due_within=2").await;
    let soon_f: BTreeSet<String> = folios(&soon).into_iter().collect();
    for f in &all[0..3] {
        assert!(soon_f.contains(f), "{f}: {soon}");
    }
    for f in &all[4..7] {
        assert!(!soon_f.contains(f), "{f}: {soon}");
    }
    for i in soon["items"].as_array().unwrap() {
        assert!(i["next_due"].as_str().unwrap() <= "2026-02-11", "{i}");
    }

    // Overdue on 16 Feb: the unadmitted ones of 5 Feb, not the admitted one (resolution
    // due later) nor those filed on the 16th.
    let late = s
        .get("/v1/requests?as_of=2026-02-16&overdue=true", "sej.auditor")
        .await
        .json();
    let late_f: BTreeSet<String> = folios(&late).into_iter().collect();
    assert!(
        late_f.contains(&all[0]) && late_f.contains(&all[1]),
        "{late}"
    );
    assert!(!late_f.contains(&all[2]), "{late}");
    assert!(
        !late_f.contains(&all[5]) && !late_f.contains(&all[6]),
        "{late}"
    );
    for i in late["items"].as_array().unwrap() {
        assert!(!i["overdue"].as_array().unwrap().is_empty(), "{i}");
    }

    // Mine: what the caller filed.
    let mine = s
        .get("/v1/requests?mine=true&as_of=2026-02-09", "sej.head")
        .await
        .json();
    assert_eq!(folios(&mine), vec![all[2].clone(), all[6].clone()]);

    // Pages of two, following `next` as `after`: every folio exactly once.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/requests?limit=2&as_of=2026-02-09&after={a}"),
            None => "/v1/requests?limit=2&as_of=2026-02-09".to_string(),
        };
        let page = s.get(&path, "sej.staff").await.json();
        let items = folios(&page);
        assert!(items.len() <= 2, "{page}");
        seen.extend(items);
        pages += 1;
        assert!(pages < 10, "la paginación no termina");
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, all);

    // A page of one; the largest page (500); beyond that, or none, is refused.
    let one = s
        .get("/v1/requests?limit=1&as_of=2026-02-09", "sej.staff")
        .await
        .json();
    assert_eq!(folios(&one), vec![all[0].clone()]);
    assert_eq!(one["next"], all[0].as_str());
    let most = s
        .get("/v1/requests?limit=500&as_of=2026-02-09", "sej.staff")
        .await
        .json();
    assert_eq!(folios(&most), all);
    for bad in ["0", "501", "4000000000", "99999999999", "-1", "diez"] {
        let p = s
            .get(&format!("/v1/requests?limit={bad}"), "sej.staff")
            .await
            .problem(422);
        assert_eq!(p["field"], "limit", "limit={bad}: {p}");
    }

    // Another body's staff sees its own only.
    let ssj = s.get("/v1/requests", "ssj.staff").await;
    assert_eq!(folios(&ssj.json()), vec!["SSJ-ARCO-2026-00001".to_string()]);
    assert!(!ssj.text.contains("SEJ-ARCO"), "{}", ssj.text);
}

on_both_backends!(lists_as_csv, tokio::test(flavor = "multi_thread"));
async fn lists_as_csv(backend: Backend) {
    let s = start(backend).await;
    let all = seed_list(&s).await;
    let r = s
        .get("/v1/requests?format=csv&as_of=2026-02-09", "sej.staff")
        .await;
    r.expect(200);
    assert!(r.ctype.starts_with("text/csv"), "{}", r.ctype);
    let lines: Vec<&str> = r.text.lines().collect();
    assert_eq!(
        lines[0],
        "folio,tipo,sujeto_obligado,solicitud,estado,presentada,proximo_plazo,vence,dias_habiles_restantes,vencidos"
    );
    assert_eq!(lines.len(), all.len() + 1, "{}", r.text);
    for (line, folio) in lines[1..].iter().zip(&all) {
        assert!(
            line.starts_with(&format!("{folio},solicitud,SEJ,")),
            "{line}"
        );
    }
    assert!(lines[3].contains(",admitted,2026-02-05,"), "{}", lines[3]);
    // The withdrawn one has no next term: empty columns.
    assert!(
        lines[5].ends_with(",withdrawn,2026-02-05,,,,"),
        "{}",
        lines[5]
    );
    // A page of CSV carries the next cursor in a Link header.
    let r = s
        .get(
            "/v1/requests?format=csv&limit=3&as_of=2026-02-09",
            "sej.staff",
        )
        .await;
    assert_eq!(r.text.lines().count(), 4);
    let link = r.headers.get("link").expect("Link").to_str().unwrap();
    assert!(link.contains(&format!("after={}", all[2])), "{link}");
    // An unknown format is refused.
    let p = s
        .get("/v1/requests?format=xlsx", "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "format");
}

on_both_backends!(
    the_acuse_is_a_printable_page,
    tokio::test(flavor = "multi_thread")
);
async fn the_acuse_is_a_printable_page(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let r = s.get(&format!("/v1/requests/{f}/acuse"), "sej.head").await;
    r.expect(200);
    assert!(r.ctype.starts_with("text/html"), "{}", r.ctype);
    assert!(r.text.contains(&f), "{}", r.text);
    assert!(
        r.text.contains("Secretaría de Educación Jalisco"),
        "{}",
        r.text
    );
    assert!(r.text.contains("acceso"), "{}", r.text);
    let p = s
        .get("/v1/requests/SEJ-ARCO-2026-09999/acuse", "sej.head")
        .await
        .problem(404);
    assert_eq!(p["type"], "urn:arco:problema:no-encontrado");
}

on_both_backends!(
    due_items_are_the_callers_open_terms,
    tokio::test(flavor = "multi_thread")
);
async fn due_items_are_the_callers_open_terms(backend: Backend) {
    let s = start(backend).await;
    let a = s.file("sej.staff", "SEJ", FILED).await;
    let b = s.file("sej.head", "SEJ", "2026-02-05T11:00").await;
    s.act_ok(
        "sej.staff",
        &b,
        json!({"act": "admitted"}),
        "2026-02-06T10:00",
    )
    .await;
    let c = s.file("sej.staff", "SEJ", "2026-02-05T12:00").await;
    s.act_ok(
        "sej.staff",
        &c,
        json!({"act": "withdrawn"}),
        "2026-02-06T10:00",
    )
    .await;
    let d = s.file("sej.staff", "SEJ", "2026-02-16T10:00").await;
    s.file("ssj.staff", "SSJ", FILED).await;

    // Within two days of 9 Feb: the terms of those filed on the 5th fall on the 10th;
    // those of the 16th are later; the withdrawn one has none.
    let r = s
        .get("/v1/due?as_of=2026-02-09&within=2", "sej.staff")
        .await;
    r.expect(200);
    let v = r.json();
    assert_eq!(v["as_of"], "2026-02-09");
    assert_eq!(v["truncated"], false);
    assert_eq!(folios(&v), vec![a.clone(), b.clone()], "{v}");
    for i in v["items"].as_array().unwrap() {
        assert_eq!(i["next_due"], "2026-02-10", "{i}");
        assert_eq!(i["days_left"], 1, "{i}");
    }

    let v = s
        .get("/v1/due?as_of=2026-02-09&within=60", "sej.staff")
        .await
        .json();
    assert_eq!(folios(&v), vec![a.clone(), b.clone(), d.clone()], "{v}");
    // Sorted by due date.
    let dues: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["next_due"].as_str().unwrap())
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    assert_eq!(dues[2], "2026-02-19");
    // Mine: the head filed b.
    let v = s
        .get("/v1/due?as_of=2026-02-09&within=60&mine=true", "sej.head")
        .await
        .json();
    assert_eq!(folios(&v), vec![b.clone()], "{v}");
    // Long after: nothing is pending, and the overdue ones count.
    let v = s
        .get("/v1/due?as_of=2026-06-01&within=0", "sej.staff")
        .await
        .json();
    assert_eq!(folios(&v), vec![a.clone(), b.clone(), d.clone()], "{v}");
    for i in v["items"].as_array().unwrap() {
        assert!(!i["overdue"].as_array().unwrap().is_empty(), "{i}");
    }
    assert!(
        v["items"][1]["overdue"]
            .as_array()
            .unwrap()
            .contains(&json!("resolution")),
        "{v}"
    );
    // Beyond a year is refused.
    let p = s.get("/v1/due?within=400", "sej.staff").await.problem(422);
    assert_eq!(p["field"], "within");
    // SSJ sees its own only.
    let r = s
        .get("/v1/due?as_of=2026-02-09&within=60", "ssj.staff")
        .await;
    assert_eq!(folios(&r.json()), vec!["SSJ-ARCO-2026-00001".to_string()]);
    assert!(!r.text.contains("SEJ-ARCO"), "{}", r.text);
}

fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

on_both_backends!(
    the_calendar_feed_is_read_with_its_own_token_only,
    tokio::test(flavor = "multi_thread")
);
async fn the_calendar_feed_is_read_with_its_own_token_only(backend: Backend) {
    let s = start(backend).await;
    // Filed now: its terms fall within the feed's 90 days, whatever today is.
    let r = s
        .post("/v1/requests", "sej.staff", &json!({"right": "access"}))
        .await;
    r.expect(201);
    let f = r.str("folio");
    let r = s.post("/v1/me/feed", "sej.staff", &json!({})).await;
    r.expect(201);
    let url = r.str("url");
    assert!(url.starts_with(&s.base), "{url}");
    assert!(url.ends_with("/plazos.ics"), "{url}");
    let secret = url
        .strip_prefix(&format!("{}/v1/feeds/", s.base))
        .and_then(|t| t.strip_suffix("/plazos.ics"))
        .unwrap()
        .to_string();

    // No Authorization header: the address is the credential.
    let res = s.client.get(&url).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let ctype = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ctype.starts_with("text/calendar"), "{ctype}");
    let text = res.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    let body = unfold(&text);
    assert!(body.contains("BEGIN:VEVENT"), "{text}");
    assert!(
        body.lines()
            .any(|l| l.starts_with("UID:") && l.contains(&f)),
        "{text}"
    );
    assert!(body.contains(&format!("Expediente {f} (SEJ)")), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "línea de más de 75 octetos: {line}");
    }
    // Another body's feed has no event for this case.
    let other = s
        .post("/v1/me/feed", "ssj.staff", &json!({}))
        .await
        .str("url");
    let text = s
        .client
        .get(&other)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("BEGIN:VCALENDAR"), "{text}");
    assert!(!text.contains("BEGIN:VEVENT"), "{text}");
    assert!(!text.contains(&f), "{text}");

    // The feed token is no bearer token.
    let p = s.get_with("/v1/me", Some(&secret)).await.problem(401);
    assert!(p["detail"].as_str().unwrap().contains("calendario"), "{p}");
    // An API token is no feed token.
    let api = s.token("sej.staff");
    let p = s
        .get_with(&format!("/v1/feeds/{api}/plazos.ics"), None)
        .await
        .problem(401);
    assert!(p["detail"].as_str().unwrap().contains("suscripción"), "{p}");
    // A made-up one neither.
    s.get_with("/v1/feeds/arco_inventado/plazos.ics", None)
        .await
        .problem(401);
}

on_both_backends!(
    appeals_are_filed_acted_on_and_listed,
    tokio::test(flavor = "multi_thread")
);
async fn appeals_are_filed_acted_on_and_listed(backend: Backend) {
    let s = start(backend).await;
    let req = s.denied_request().await;
    let r = s
        .post(
            "/v1/appeals",
            "sej.staff",
            &json!({
                "request": req,
                "filing": {"act": "appeal_filed", "venue": "unit", "ground": "II"},
                "at": "2026-02-20T10:00",
            }),
        )
        .await;
    r.expect(201);
    let v = r.json();
    let folio = v["folio"].as_str().unwrap().to_string();
    assert_eq!(folio, "ITEI-RR-2026-00001");
    assert_eq!(v["body"], "ITEI");
    assert_eq!(v["parent"], req.as_str());
    assert_eq!(log_len(&r), 1);

    // The UT forwards it; the guarantor may not.
    let p = s
        .appeal_act(
            "itei.guarantor",
            &folio,
            json!({"act": "appeal_forwarded"}),
            "2026-02-23T10:00",
        )
        .await
        .problem(403);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("Unidad de Transparencia"),
        "{p}"
    );
    s.appeal_act(
        "sej.head",
        &folio,
        json!({"act": "appeal_forwarded"}),
        "2026-02-23T10:00",
    )
    .await
    .expect(200);
    // The guarantor admits it.
    let r = s
        .appeal_act(
            "itei.guarantor",
            &folio,
            json!({"act": "appeal_admitted"}),
            "2026-02-24T10:00",
        )
        .await;
    r.expect(200);
    assert_eq!(log_len(&r), 3);
    assert_eq!(r.json()["log"][2]["actor"], "itei.guarantor");
    // Bad data in an act names the field.
    let p = s
        .appeal_act(
            "itei.guarantor",
            &folio,
            json!({"act": "appeal_resolved", "outcome": "nope"}),
            "2026-02-25T10:00",
        )
        .await
        .problem(422);
    // The field is the act (serde does not give the path inside a tagged act; see the
    // report); the detail names the value at fault and the valid ones.
    assert!(p["field"].as_str().unwrap().starts_with("act"), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("nope"), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("revoked"), "{p}");

    // The request shows its appeal.
    let shown = s
        .get(&format!("/v1/requests/{req}"), "sej.staff")
        .await
        .json();
    assert_eq!(shown["appeals"], json!([folio]));

    // Listed for the guarantor and for the body's staff, not for another body.
    for user in [
        "itei.guarantor",
        "sej.staff",
        "sej.committee",
        "sej.auditor",
        "admin",
    ] {
        let l = s.get("/v1/appeals?as_of=2026-02-25", user).await;
        l.expect(200);
        let v = l.json();
        assert_eq!(folios(&v), vec![folio.clone()], "{user}: {v}");
        assert_eq!(v["items"][0]["kind"], "appeal");
        assert_eq!(v["items"][0]["request"], req.as_str());
    }
    for user in ["ssj.staff", "otro.guarantor"] {
        let l = s.get("/v1/appeals", user).await;
        l.expect(200);
        assert!(folios(&l.json()).is_empty(), "{user}: {}", l.text);
    }
    // The guarantor narrows by body.
    let l = s.get("/v1/appeals?body=SEJ", "itei.guarantor").await.json();
    assert_eq!(folios(&l), vec![folio.clone()]);
    let l = s.get("/v1/appeals?body=SSJ", "itei.guarantor").await.json();
    assert!(folios(&l).is_empty());
    // Shown with its request.
    let r = s
        .get(&format!("/v1/appeals/{folio}"), "itei.guarantor")
        .await;
    r.expect(200);
    assert_eq!(r.json()["parent"], req.as_str());

    // A request folio is no appeal, and an appeal folio no request.
    s.get(&format!("/v1/appeals/{req}"), "sej.staff")
        .await
        .problem(404);
    s.get(&format!("/v1/requests/{folio}"), "itei.guarantor")
        .await
        .problem(404);
    // Filing with an act other than the filing is refused, naming the field.
    let p = s
        .post(
            "/v1/appeals",
            "sej.staff",
            &json!({"request": req, "filing": {"act": "appeal_admitted"}, "at": "2026-02-20T10:00"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "filing.act");
    // A bad ground names it.
    let p = s
        .post(
            "/v1/appeals",
            "sej.staff",
            &json!({"request": req, "filing": {"act": "appeal_filed", "venue": "unit", "ground": "XIII"}}),
        )
        .await
        .problem(422);
    assert!(p["field"].as_str().unwrap().starts_with("filing"), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("XIII"), "{p}");
    // Against a request that does not exist.
    s.post(
        "/v1/appeals",
        "sej.staff",
        &json!({"request": "SEJ-ARCO-2026-09999", "filing": {"act": "appeal_filed", "venue": "unit", "ground": "I"}}),
    )
    .await
    .problem(404);
}

on_both_backends!(
    bad_input_is_a_problem_naming_the_field,
    tokio::test(flavor = "multi_thread")
);
async fn bad_input_is_a_problem_naming_the_field(backend: Backend) {
    let s = start(backend).await;
    // Not JSON at all.
    let r = s
        .post_raw(
            "/v1/requests",
            "sej.staff",
            b"{\"right\": \"access\",".to_vec(),
        )
        .await;
    let p = r.problem(400);
    assert_eq!(p["type"], "urn:arco:problema:solicitud-mal-formada");
    assert!(p["detail"].as_str().unwrap().contains("JSON"), "{p}");
    // An unknown field.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": FILED, "nombre_del_titular": "X"}),
        )
        .await
        .problem(422);
    assert!(
        p["detail"].as_str().unwrap().contains("nombre_del_titular"),
        "{p}"
    );
    assert!(
        p["detail"].as_str().unwrap().contains("campo desconocido"),
        "{p}"
    );
    // A bad right.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "acceso", "at": FILED}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "right");
    assert!(p["detail"].as_str().unwrap().contains("acceso"), "{p}");
    // A missing right.
    let p = s
        .post("/v1/requests", "sej.staff", &json!({"at": FILED}))
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("right"), "{p}");
    // A bad moment.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": "5 de febrero"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "at");
    // A wrong type.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": 20260205}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "at");
    // A bad address for alerts.
    let p = s
        .post(
            "/v1/requests",
            "sej.staff",
            &json!({"right": "access", "at": FILED, "titular_email": "no es correo"}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "titular_email");
    // A body that does not exist.
    let p = s
        .post(
            "/v1/requests",
            "admin",
            &json!({"right": "access", "at": FILED}),
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "body");

    let f = s.file("sej.staff", "SEJ", FILED).await;
    // An act that does not exist, and an outcome that does not.
    let p = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "approved"}),
            "2026-02-06T10:00",
        )
        .await
        .problem(422);
    assert_eq!(p["field"], "act.act", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("approved"), "{p}");
    let p = s
        .act(
            "sej.committee",
            &f,
            json!({"act": "resolved", "outcome": "maybe"}),
            "2026-02-06T10:00",
        )
        .await
        .problem(422);
    assert!(p["field"].as_str().unwrap().starts_with("act"), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("maybe"), "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("partially_granted"),
        "{p}"
    );
    let p = s
        .act("sej.staff", &f, json!({"act": "admitted"}), "ayer")
        .await
        .problem(422);
    assert_eq!(p["field"], "at");
    // Nothing of that was written.
    let r = s.get(&format!("/v1/requests/{f}"), "sej.staff").await;
    assert_eq!(log_len(&r), 1);

    // Query parameters.
    let p = s
        .get("/v1/requests?term=eternity", "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "term");
    let p = s
        .get("/v1/requests?colour=red", "sej.staff")
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("colour"), "{p}");
    let p = s
        .get("/v1/requests?as_of=2026-13-01", "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "as_of");
    let p = s
        .get("/v1/requests?overdue=quizá", "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "overdue");
    let p = s
        .get("/v1/requests?due_within=5000", "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "due_within");
    let p = s
        .get(&format!("/v1/requests/{f}?as_of=mañana"), "sej.staff")
        .await
        .problem(422);
    assert_eq!(p["field"], "as_of");

    // A body over the limit (64 KiB by default).
    let big = json!({"right": "access", "at": FILED, "body": "x".repeat(100 * 1024)});
    let r = s
        .post_raw(
            "/v1/requests",
            "sej.staff",
            serde_json::to_vec(&big).unwrap(),
        )
        .await;
    let p = r.problem(413);
    assert_eq!(p["type"], "urn:arco:problema:demasiado-grande");
    // Same for an act.
    let big = json!({"act": {"act": "admitted"}, "at": "x".repeat(100 * 1024)});
    s.post_raw(
        &format!("/v1/requests/{f}/acts"),
        "sej.staff",
        serde_json::to_vec(&big).unwrap(),
    )
    .await
    .problem(413);
}

on_both_backends!(
    unknown_routes_and_methods_are_problems,
    tokio::test(flavor = "multi_thread")
);
async fn unknown_routes_and_methods_are_problems(backend: Backend) {
    let s = start(backend).await;
    let p = s.get("/v1/nada", "sej.staff").await.problem(404);
    assert_eq!(p["type"], "urn:arco:problema:no-encontrado");
    // "/" is the staff web interface (tests/web.rs); other unknown paths are problems.
    s.get_with("/nada", None).await.problem(404);
    s.get_with("/v2/requests", None).await.problem(404);
    let r = s
        .delete("/v1/requests/SEJ-ARCO-2026-00001", "sej.staff")
        .await;
    let p = r.problem(405);
    assert_eq!(p["type"], "urn:arco:problema:metodo-no-permitido");
    // A folio that does not exist.
    let p = s
        .get("/v1/requests/SEJ-ARCO-2026-00042", "sej.staff")
        .await
        .problem(404);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("SEJ-ARCO-2026-00042"),
        "{p}"
    );
    s.get("/v1/appeals/ITEI-RR-2026-00042", "itei.guarantor")
        .await
        .problem(404);
    s.act(
        "sej.staff",
        "SEJ-ARCO-2026-00042",
        json!({"act": "admitted"}),
        FILED,
    )
    .await
    .problem(404);
}

on_both_backends!(
    internal_failures_are_generic_problems,
    tokio::test(flavor = "multi_thread")
);
/// A failure inside the server is a 500 problem with a generic detail: no SQL, no table
/// names, no driver messages; the health check says the database does not answer.
async fn internal_failures_are_generic_problems(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    common::exec(&s.db, "ALTER TABLE events RENAME TO events_hidden")
        .await
        .unwrap();
    for path in [
        format!("/v1/requests/{f}"),
        "/v1/requests?mine=true".to_string(),
    ] {
        let r = s.get(&path, "sej.staff").await;
        let p = r.problem(500);
        assert_eq!(p["type"], "urn:arco:problema:error-interno", "{path}");
        assert_eq!(
            p["detail"], "ocurrió un error interno; quedó registrado para su revisión",
            "{path}"
        );
        for leak in ["events", "no such table", "SELECT", "database"] {
            assert!(!r.text.contains(leak), "«{leak}» en {}", r.text);
        }
    }
    let r = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "admitted"}),
            "2026-02-06T10:00",
        )
        .await;
    r.problem(500);
    assert!(!r.text.contains("events"), "{}", r.text);
    common::exec(&s.db, "ALTER TABLE cases RENAME TO cases_hidden")
        .await
        .unwrap();
    let r = s.get_with("/health", None).await;
    r.expect(503);
    assert_eq!(
        r.json(),
        json!({"status": "degraded", "database": "sin respuesta"})
    );
}

on_both_backends!(
    the_openapi_document_describes_every_route,
    tokio::test(flavor = "multi_thread")
);
async fn the_openapi_document_describes_every_route(backend: Backend) {
    let s = start(backend).await;
    let r = s.get_with("/openapi.json", None).await;
    r.expect(200);
    assert!(r.ctype.starts_with("application/json"), "{}", r.ctype);
    let v = r.json();
    assert!(
        v["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        v["openapi"]
    );
    assert_eq!(v["info"]["title"], "arco");
    let paths = v["paths"].as_object().unwrap();
    let served: &[(&str, &[&str])] = &[
        ("/health", &["get"]),
        ("/v1/login", &["post"]),
        ("/v1/logout", &["post"]),
        ("/v1/me", &["get"]),
        ("/v1/me/feed", &["post"]),
        ("/v1/bodies", &["get"]),
        ("/v1/due", &["get"]),
        ("/v1/feeds/{token}/plazos.ics", &["get"]),
        ("/v1/requests", &["get", "post"]),
        ("/v1/requests/{folio}", &["get"]),
        ("/v1/requests/{folio}/acts", &["post"]),
        ("/v1/requests/{folio}/acuse", &["get"]),
        ("/v1/requests/{folio}/expediente", &["get"]),
        ("/v1/requests/{folio}/assignment", &["put"]),
        ("/v1/requests/{folio}/non-cooperation", &["post"]),
        ("/v1/requests/{folio}/notes", &["post"]),
        ("/v1/appeals", &["get", "post"]),
        ("/v1/appeals/{folio}", &["get"]),
        ("/v1/appeals/{folio}/acts", &["post"]),
        ("/v1/requests/{folio}/documents", &["get", "post"]),
        ("/v1/requests/{folio}/documents/{id}", &["get"]),
        ("/v1/appeals/{folio}/documents", &["get", "post"]),
        ("/v1/appeals/{folio}/documents/{id}", &["get"]),
        ("/v1/admin/documents/purge", &["post"]),
        ("/v1/reports/requests", &["get"]),
        ("/v1/reports/requests/cases", &["get"]),
        ("/v1/reports/register", &["get"]),
        ("/v1/reports/appeals", &["get"]),
        ("/v1/reports/appeals/cases", &["get"]),
        ("/v1/reports/breaches", &["get"]),
        ("/v1/breaches", &["get", "post"]),
        ("/v1/breaches/{folio}", &["get"]),
        ("/v1/breaches/{folio}/acts", &["get", "post"]),
        ("/v1/social-accounts", &["get", "post"]),
        ("/v1/social-accounts/{id}", &["get"]),
        ("/v1/social-accounts/{id}/changes", &["post"]),
        ("/v1/social-accounts/{id}/compromised", &["post"]),
        (
            "/v1/social-accounts/{id}/gestores/{gestor}/erase",
            &["post"],
        ),
        ("/v1/directory/social-accounts", &["get"]),
        (
            "/v1/requests/{folio}/publication",
            &["get", "put", "delete"],
        ),
        ("/v1/requests/{folio}/publication/action", &["post"]),
    ];
    for (path, methods) in served {
        let item = paths
            .get(*path)
            .unwrap_or_else(|| panic!("falta {path} en /openapi.json"));
        for m in *methods {
            assert!(item.get(*m).is_some(), "falta {m} {path}");
        }
    }
    // Nothing documented that is not served.
    for p in paths.keys() {
        assert!(
            served.iter().any(|(q, _)| q == p),
            "{p} documentado pero no servido"
        );
    }
    assert!(v["components"]["schemas"]["Problem"].is_object());
    // The page size documented is the one enforced (1 to 500).
    let limit = paths["/v1/requests"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .expect("parámetro limit");
    assert_eq!(limit["in"], "query");
    assert_eq!(limit["schema"]["minimum"], 1, "{limit}");
    assert_eq!(limit["schema"]["maximum"], 500, "{limit}");
    // Errors are documented as problem documents.
    let refused = &paths["/v1/requests"]["post"]["responses"]["422"]["content"];
    assert!(refused["application/problem+json"].is_object(), "{refused}");
    assert!(v["components"]["securitySchemes"]["token"].is_object());
    // The breaches' answers are typed; a refused act is a problem document, and the
    // problem names the state and the act it was refused in.
    let schemas = &v["components"]["schemas"];
    for name in [
        "BreachList",
        "BitacoraItem",
        "BitacoraDoc",
        "AllowedBreachActs",
        "DetectBreach",
        "Refused",
    ] {
        assert!(schemas[name].is_object(), "falta el esquema {name}");
    }
    assert!(
        schemas["Problem"]["properties"]["refused"].is_object(),
        "{}",
        schemas["Problem"]
    );
    for member in ["state", "act"] {
        assert!(
            schemas["Refused"]["properties"][member].is_object(),
            "{}",
            schemas["Refused"]
        );
    }
    let breach_refused = &paths["/v1/breaches/{folio}/acts"]["post"]["responses"]["409"]["content"];
    assert!(
        breach_refused["application/problem+json"].is_object(),
        "{breach_refused}"
    );
    let bitacora = &paths["/v1/reports/breaches"]["get"]["responses"]["200"]["content"];
    assert!(bitacora["text/csv"].is_object(), "{bitacora}");
    assert!(bitacora["application/json"].is_object(), "{bitacora}");
    assert_eq!(
        paths["/v1/breaches"]["get"]["tags"],
        json!(["vulneraciones"])
    );
    // Every documented path is answered by the server (no 404 from the fallback).
    for (path, methods) in served {
        let concrete = path
            .replace("{folio}", "SEJ-ARCO-2026-00001")
            .replace("{token}", "arco_x");
        for m in *methods {
            let r = if *m == "get" {
                s.get(&concrete, "sej.staff").await
            } else if *m == "put" {
                s.put(&concrete, "sej.staff", &json!({})).await
            } else if *m == "delete" {
                s.delete(&concrete, "sej.staff").await
            } else {
                s.post(&concrete, "sej.staff", &json!({})).await
            };
            if r.status == 404 {
                let v = r.json();
                assert_ne!(v["detail"], "no existe esa ruta", "{m} {concrete}");
            }
            assert_ne!(r.status, 405, "{m} {concrete}");
        }
    }
}

on_both_backends!(
    an_act_with_prefer_minimal_answers_what_was_recorded,
    tokio::test(flavor = "multi_thread")
);
/// `Prefer: return=minimal` (RFC 7240): the act is recorded as ever, and the answer is only
/// what was recorded, without building the whole case; without it, the whole case.
async fn an_act_with_prefer_minimal_answers_what_was_recorded(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let t = s.token("sej.staff");
    let r = s
        .send(
            s.client
                .post(s.url(&format!("/v1/requests/{f}/acts")))
                .bearer_auth(&t)
                .header("prefer", "respond-async, return=minimal")
                .json(&json!({"act": {"act": "admitted"}, "at": "2026-02-06T10:00"})),
        )
        .await;
    r.expect(200);
    assert_eq!(r.headers["preference-applied"], "return=minimal");
    let v: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        v,
        json!({"folio": f, "version": 2, "state": "admitted", "late": false})
    );
    // Late: the Comité resolves on 6 March; the 10-day term (art. 59.1) ran out on 20
    // February. Recorded, and flagged late.
    let r = s
        .send(
            s.client
                .post(s.url(&format!("/v1/requests/{f}/acts")))
                .bearer_auth(s.token("sej.committee"))
                .header("prefer", "return=minimal")
                .json(&json!({"act": {"act": "resolved", "outcome": "granted"}, "at": "2026-03-06T10:00"})),
        )
        .await;
    r.expect(200);
    let v: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(v["version"], 3);
    assert_eq!(v["state"], "resolved");
    assert_eq!(v["late"], true, "{v}");
    // The case shows the three acts.
    let whole = s.get(&format!("/v1/requests/{f}"), "sej.staff").await;
    whole.expect(200);
    assert_eq!(whole.json()["log"].as_array().unwrap().len(), 3);
}
