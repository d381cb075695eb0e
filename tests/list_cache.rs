//! Lists kept in memory (issue 15) are never served after a write they do not show.
//!
//! Three registries over one database stand for three processes: one keeps lists in
//! memory, one writes (acts, appeals, assignments), one never keeps anything. After every
//! write the keeping one must answer every list exactly as the one that reads anew, and
//! its first read after a write of the body must be a miss; a write of another body must
//! leave it a hit. Every write path raises the generation of the bodies it touches. On both
//! backends.

mod common;

use arco::appeal::AppealAct;
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::request::{RequestAct, Right};
use arco::service::Registry;
use arco::storage::{Database, ListFilter, Store};
use chrono::{Duration, NaiveDate, Utc};
use common::{Backend, TestDb};
use serde_json::json;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Every list of body SEJ that a page asks for: its due list, its first page, the
/// appeals against it, and the appeals its guarantor hears.
async fn lists(reg: &Registry<Database>, as_of: NaiveDate) -> Vec<String> {
    let due = ListFilter {
        body: Some("SEJ".into()),
        due_by: Some(as_of + Duration::days(10)),
        ..ListFilter::default()
    };
    let page = ListFilter {
        body: Some("SEJ".into()),
        limit: Some(50),
        ..ListFilter::default()
    };
    let against = ListFilter {
        parent_body: Some("SEJ".into()),
        due_by: Some(as_of + Duration::days(10)),
        ..ListFilter::default()
    };
    let heard = ListFilter {
        body: Some("ITEI".into()),
        ..ListFilter::default()
    };
    let mut out = Vec::new();
    for f in [&due, &page] {
        out.push(format!(
            "{:?}",
            reg.list_page(f, as_of, false).await.unwrap()
        ));
    }
    out.push(format!(
        "{:?}",
        reg.list_page(&page, as_of, true).await.unwrap()
    ));
    // "Mis pendientes": both lists with one read of the generation.
    out.push(format!(
        "{:?}",
        reg.due_lists(Some(&due), &against, as_of).await.unwrap()
    ));
    for f in [&against, &heard] {
        out.push(format!(
            "{:?}",
            reg.list_appeals_page(f, as_of, false).await.unwrap()
        ));
    }
    out
}

on_both_backends!(a_kept_list_is_never_served_after_a_write);
async fn a_kept_list_is_never_served_after_a_write(backend: Backend) {
    let db = TestDb::new(backend);
    let keeping = db.registry().await;
    let writer = db.registry().await;
    let fresh = db.registry().await.with_list_cache(0);
    let staff = Actor::new("ana", Role::UnitStaff);
    let comite = Actor::new("comite", Role::Committee);
    let garante = Actor::new("og", Role::Guarantor);
    let now = Utc::now();
    let filed = day("2026-10-01");
    let mut folios = Vec::new();
    for i in 0..8 {
        let at = Moment::Date(filed + Duration::days(i));
        let f = writer
            .file_request("SEJ", "mx-jalisco", Right::Access, at, &staff, now)
            .await
            .unwrap()
            .folio;
        folios.push((f, filed + Duration::days(i), 0usize));
    }
    let other = writer
        .file_request(
            "OTRO",
            "mx-jalisco",
            Right::Access,
            Moment::Date(filed),
            &staff,
            now,
        )
        .await
        .unwrap()
        .folio;
    let as_of = day("2026-10-20");
    let script = |step: usize| -> Option<(RequestAct, &Actor)> {
        let act = match step {
            0 => json!({"act": "admitted"}),
            1 => json!({"act": "resolved", "outcome": "denied"}),
            2 => json!({"act": "resolution_notified"}),
            _ => return None,
        };
        let who = if step == 1 { &comite } else { &staff };
        Some((serde_json::from_value(act).unwrap(), who))
    };
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut writes = 0;
    let mut appeals = 0;
    for round in 0..30 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let i = (rng % folios.len() as u64) as usize;
        // Fill the cache, and read it again: the second read is a hit.
        let before = lists(&keeping, as_of).await;
        let s0 = keeping.list_cache_stats();
        assert_eq!(before, lists(&keeping, as_of).await);
        let s1 = keeping.list_cache_stats();
        assert_eq!(
            s1.hits - s0.hits,
            7,
            "round {round}: a second read is served from memory"
        );
        if round % 7 == 3 {
            // Another body's write leaves SEJ's lists where they were.
            let act: RequestAct = serde_json::from_value(json!({"act": "admitted"})).unwrap();
            let _ = writer
                .act(
                    &other,
                    act,
                    Moment::Date(filed + Duration::days(1)),
                    &staff,
                    now,
                )
                .await;
            lists(&keeping, as_of).await;
            let s2 = keeping.list_cache_stats();
            assert_eq!(
                s2.misses, s1.misses,
                "round {round}: OTRO's act is not SEJ's"
            );
        }
        let (folio, last, step) = folios[i].clone();
        let at = last + Duration::days(1);
        let wrote = if let Some((act, who)) = script(step) {
            writer
                .act(&folio, act, Moment::Date(at), who, now)
                .await
                .unwrap();
            true
        } else if step == 3 {
            let filing: AppealAct = serde_json::from_value(
                json!({"act": "appeal_filed", "venue": "guarantor", "ground": "VII"}),
            )
            .unwrap();
            writer
                .file_appeal(
                    &folio,
                    "ITEI",
                    "mx-jalisco",
                    filing,
                    Moment::Date(at),
                    &garante,
                    now,
                )
                .await
                .unwrap();
            appeals += 1;
            true
        } else {
            false
        };
        folios[i] = (folio, at, step + 1);
        if !wrote {
            continue;
        }
        writes += 1;
        let s3 = keeping.list_cache_stats();
        let kept = lists(&keeping, as_of).await;
        let s4 = keeping.list_cache_stats();
        assert!(
            s4.misses > s3.misses,
            "round {round}: a write of SEJ is a miss"
        );
        assert_eq!(
            kept,
            lists(&fresh, as_of).await,
            "round {round}: kept ≠ read anew"
        );
        assert_ne!(
            kept, before,
            "round {round}: the write changed nothing listed"
        );
    }
    assert!(writes >= 15, "only {writes} writes");
    assert!(appeals >= 1, "no appeal was filed");
}

on_both_backends!(every_write_raises_the_generation_of_its_bodies);
async fn every_write_raises_the_generation_of_its_bodies(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let store = reg.store();
    let generation = |b: &'static str| async move { store.list_generation(&[b]).await.unwrap() };
    let staff = Actor::new("ana", Role::UnitStaff);
    let now = Utc::now();
    let (s0, i0, o0) = (
        generation("SEJ").await,
        generation("ITEI").await,
        generation("OTRO").await,
    );
    let folio = reg
        .file_request(
            "SEJ",
            "mx-jalisco",
            Right::Access,
            Moment::Date(day("2026-10-01")),
            &staff,
            now,
        )
        .await
        .unwrap()
        .folio;
    let s1 = generation("SEJ").await;
    assert!(s1 > s0, "filing");
    let act: RequestAct = serde_json::from_value(json!({"act": "admitted"})).unwrap();
    reg.act(&folio, act, Moment::Date(day("2026-10-02")), &staff, now)
        .await
        .unwrap();
    let s2 = generation("SEJ").await;
    assert!(s2 > s1, "an act");
    let filing: AppealAct = serde_json::from_value(
        json!({"act": "appeal_filed", "venue": "guarantor", "ground": "VII"}),
    )
    .unwrap();
    let appeal = reg
        .file_appeal(
            &folio,
            "ITEI",
            "mx-jalisco",
            filing,
            Moment::Date(day("2026-10-05")),
            &Actor::new("og", Role::Guarantor),
            now,
        )
        .await
        .unwrap()
        .folio;
    let (s3, i3) = (generation("SEJ").await, generation("ITEI").await);
    assert!(s3 > s2, "an appeal raises the body appealed against");
    assert!(i3 > i0, "an appeal raises its guarantor");
    // An assignment is written alone (as `Registry::assign` writes it).
    common::exec(
        store,
        "INSERT INTO assignments (folio, assignee, updated_at) SELECT folio, 'ana', 'x' FROM cases WHERE kind = 'appeal'",
    )
    .await
    .unwrap();
    let (s4, i4) = (generation("SEJ").await, generation("ITEI").await);
    assert!(s4 > s3 && i4 > i3, "an assignment of the appeal {appeal}");
    // A repair by hand of the case row.
    common::exec(
        store,
        "UPDATE cases SET listed = FALSE WHERE kind = 'request'",
    )
    .await
    .unwrap();
    assert!(generation("SEJ").await > s4, "an update by hand");
    assert_eq!(generation("OTRO").await, o0, "nothing of OTRO was written");
    assert_eq!(
        store.list_generation(&["SEJ", "ITEI"]).await.unwrap(),
        generation("SEJ").await + generation("ITEI").await,
        "the generation of several bodies is their sum"
    );
}

/// A kept list counts business days left on the calendar as it is now: an acuerdo that
/// declares a day inhábil (its file edited, no case written) changes the days left.
#[tokio::test]
async fn a_kept_list_is_not_served_after_its_calendar_changes() {
    let db = TestDb::new(Backend::Sqlite);
    let file = db.own_calendar("");
    let write = |extra: &str| {
        db.own_calendar(extra);
    };
    let reg = db.registry().await;
    let path = file.display().to_string();
    let staff = Actor::new("ana", Role::UnitStaff);
    // Filed Monday 23 November 2026: admission due within 3 business days.
    reg.file_request(
        "SEJ",
        &path,
        Right::Access,
        Moment::Date(day("2026-11-23")),
        &staff,
        Utc::now(),
    )
    .await
    .unwrap();
    let f = ListFilter {
        body: Some("SEJ".into()),
        ..ListFilter::default()
    };
    let as_of = day("2026-11-23");
    let first = reg.list(&f, as_of, false).await.unwrap();
    let left = first[0].next.unwrap().2;
    assert_eq!(
        reg.list(&f, as_of, false).await.unwrap()[0].next.unwrap().2,
        left
    );
    let hits = reg.list_cache_stats().hits;
    assert!(hits >= 1, "the second read was not served from memory");
    write(
        "[[closure]]\nname = \"Día inhábil por acuerdo\"\nfrom = \"2026-11-24\"\nto = \"2026-11-24\"\n",
    );
    let mut seen = None;
    for _ in 0..40 {
        let now = reg.list(&f, as_of, false).await.unwrap()[0].next.unwrap().2;
        if now != left {
            seen = Some(now);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen,
        Some(left - 1),
        "the kept list still counts 24 November as a business day"
    );
}
