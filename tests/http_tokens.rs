//! Tokens that end when they should: one calendar feed per account (a new one replaces
//! the old, concurrently too), feeds that expire and end with a password change, and an
//! account's tokens listed and revoked by kind.

mod common;
mod http_common;

use arco::accounts::{TokenKind, password};
use arco::storage::Directory;
use chrono::Utc;
use common::Backend;
use http_common::{LOGIN_PASSWORD, LOGIN_USER, Server, start_with_login};
use serde_json::json;

async fn live_feeds(s: &Server, user: &str) -> usize {
    s.db.tokens_of(user)
        .await
        .unwrap()
        .iter()
        .filter(|t| t.kind == TokenKind::Feed && t.revoked_at.is_none())
        .count()
}

fn feed_path(s: &Server, url: &str) -> String {
    url.strip_prefix(&s.base).unwrap().to_string()
}

on_both_backends!(
    one_feed_per_account_that_ends,
    tokio::test(flavor = "multi_thread")
);
async fn one_feed_per_account_that_ends(backend: Backend) {
    let s = start_with_login(backend).await;
    let first = s.post("/v1/me/feed", "sej.staff", &json!({})).await;
    first.expect(201);
    let expires: chrono::DateTime<Utc> = first.str("expires_at").parse().unwrap();
    let days = (expires - Utc::now()).num_days();
    assert!((364..=365).contains(&days), "vence en {days} días");
    let first = feed_path(&s, &first.str("url"));
    s.get_with(&first, None).await.expect(200);
    // A new address replaces the old one.
    let second = s.post("/v1/me/feed", "sej.staff", &json!({})).await;
    second.expect(201);
    let second = feed_path(&s, &second.str("url"));
    s.get_with(&first, None).await.problem(401);
    s.get_with(&second, None).await.expect(200);
    assert_eq!(live_feeds(&s, "sej.staff").await, 1);

    // Many at once: still one live feed, and exactly one address that works.
    let many: Vec<_> = (0..6)
        .map(|_| {
            let client = s.client.clone();
            let url = s.url("/v1/me/feed");
            let token = s.token("sej.staff");
            tokio::spawn(async move {
                let r = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 201);
                r.json::<serde_json::Value>().await.unwrap()["url"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
        })
        .collect();
    let mut urls = Vec::new();
    for h in many {
        urls.push(h.await.unwrap());
    }
    let mut working = 0;
    for url in urls {
        if s.get_with(&feed_path(&s, &url), None).await.status == 200 {
            working += 1;
        }
    }
    assert_eq!(working, 1);
    assert_eq!(live_feeds(&s, "sej.staff").await, 1);

    // A password change ends the sessions and the feed, not the API tokens.
    let login = s
        .post_with(
            "/v1/login",
            None,
            &json!({"username": LOGIN_USER, "password": LOGIN_PASSWORD}),
        )
        .await;
    login.expect(200);
    let session = login.str("token");
    let feed = s.post_with("/v1/me/feed", Some(&session), &json!({})).await;
    feed.expect(201);
    let feed = feed_path(&s, &feed.str("url"));
    s.get_with(&feed, None).await.expect(200);
    let hash = password::hash("otra-contraseña-larga").unwrap();
    assert!(
        s.db.update_account(LOGIN_USER, Some(&hash), true, Utc::now())
            .await
            .unwrap()
    );
    s.get_with(&feed, None).await.problem(401);
    s.get_with("/v1/me", Some(&session)).await.problem(401);
    assert_eq!(live_feeds(&s, LOGIN_USER).await, 0);

    // Listing and revoking by kind.
    let tokens = s.db.tokens_of("sej.staff").await.unwrap();
    assert_eq!(
        tokens.iter().filter(|t| t.kind == TokenKind::Feed).count(),
        8
    );
    assert_eq!(
        tokens.iter().filter(|t| t.kind == TokenKind::Api).count(),
        1
    );
    assert!(
        tokens
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at)
    );
    let n =
        s.db.revoke_tokens("sej.staff", Some(TokenKind::Feed), Utc::now())
            .await
            .unwrap();
    assert_eq!(n, 1);
    s.get_with(&second, None).await.problem(401);
    // The API token still works; then all kinds at once.
    s.get("/v1/me", "sej.staff").await.expect(200);
    assert_eq!(
        s.db.revoke_tokens("sej.staff", None, Utc::now())
            .await
            .unwrap(),
        1
    );
    s.get("/v1/me", "sej.staff").await.problem(401);
    assert!(s.db.tokens_of("nadie").await.unwrap().is_empty());
}
