//! The list columns (issue 15) give exactly what rebuilding every case gives.
//!
//! Random histories (requests and their appeals: preventions answered or left to lapse,
//! extensions, resolutions, appeals with requirements answered or not, withdrawals,
//! closings; each act a random number of days after the last) are imported; then every list
//! a user can ask for (all, due within 10 days, overdue, by a time-derived state; requests
//! and appeals) is read on 30 dates from 2026 to 2027 twice: from the list columns, and
//! with the columns wiped so that each case is read from its whole projection (the path of
//! a case written before the columns existed). Both must agree line for line. Then `arco
//! verify` must notice a column that disagrees with the log. On both backends.

mod common;

use arco::calendar::CalendarLoader;
use arco::request::RequestState;
use arco::request::replay::{History, replay};
use arco::rules::Rulebooks;
use arco::storage::{Database, ListFilter};
use chrono::{Duration, NaiveDate, Utc};
use common::{Backend, TestDb};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The acts a history is grown from (an act the procedure refuses at that point is skipped).
fn menu() -> Vec<Value> {
    vec![
        json!({"act": "prevention_notified"}),
        json!({"act": "prevention_answered"}),
        json!({"act": "admitted"}),
        json!({"act": "extension_notified", "days": 3}),
        json!({"act": "extension_notified"}),
        json!({"act": "identity_accredited", "standing": "titular", "means": "official_id"}),
        json!({"act": "resolved", "outcome": "granted"}),
        json!({"act": "resolved", "outcome": "partially_granted"}),
        json!({"act": "resolution_notified"}),
        json!({"act": "fulfilled"}),
        json!({"act": "withdrawn"}),
        json!({"act": "closed"}),
        json!({"act": "appeal_filed", "venue": "guarantor", "ground": "VII"}),
        json!({"act": "appeal_turned"}),
        json!({"act": "appeal_requirement_notified"}),
        json!({"act": "appeal_requirement_answered"}),
        json!({"act": "appeal_admitted"}),
        json!({"act": "appeal_resolved", "outcome": "revoked", "compliance_days": 10}),
        json!({"act": "appeal_resolution_notified"}),
    ]
}

fn history(events: &[Value]) -> History {
    let h = json!({
        "calendar": "mx-jalisco",
        "guarantor_calendar": "mx-jalisco",
        "right": "access",
        "events": events,
    });
    History::from_json(&h.to_string()).expect("a history of the menu's shape")
}

/// A random history that the procedure accepts, grown act by act.
fn random_history(rng: &mut Rng, loader: &CalendarLoader, books: &Rulebooks) -> History {
    let menu = menu();
    let mut day =
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days(rng.below(300) as i64);
    let at = |d: NaiveDate| format!("{d}T10:00:00-06:00");
    let mut events = vec![json!({"act": "filed", "at": at(day)})];
    let now = Utc::now();
    for _ in 0..rng.below(12) {
        let next = day + Duration::days(rng.below(14) as i64);
        let mut act = menu[rng.below(menu.len() as u64) as usize].clone();
        act["at"] = json!(at(next));
        events.push(act);
        if next.and_hms_opt(16, 0, 0).unwrap().and_utc() > now
            || replay(&history(&events), loader, books, now).is_err()
        {
            events.pop();
        } else {
            day = next;
        }
    }
    history(&events)
}

/// Every list both ways on one date, as text (Debug shows every field).
async fn lists(reg: &arco::service::Registry<Database>, as_of: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let filters = [
        (ListFilter::default(), false),
        (
            ListFilter {
                due_by: Some(as_of + Duration::days(10)),
                ..ListFilter::default()
            },
            false,
        ),
        (ListFilter::default(), true),
        (
            ListFilter {
                states: vec!["not_presented".into(), "prevented".into()],
                ..ListFilter::default()
            },
            false,
        ),
    ];
    for (f, overdue) in &filters {
        let head = format!(
            "due_by {:?}, states {:?}, overdue {overdue}",
            f.due_by, f.states
        );
        let r = reg.list(f, as_of, *overdue).await.unwrap();
        out.push(format!("solicitudes ({head}): {}", r.len()));
        out.extend(r.iter().map(|c| format!("{head}: {c:?}")));
        let a = reg.list_appeals(f, as_of, *overdue).await.unwrap();
        out.push(format!("recursos ({head}): {}", a.len()));
        out.extend(a.iter().map(|c| format!("{head}: {c:?}")));
    }
    out
}

/// Asserts that `due` (as listed with the due filter) is exactly the lines of `all` that
/// `owes` keeps.
fn same_lines<T: std::fmt::Debug>(all: &[T], due: &[T], owes: impl Fn(&T) -> bool, what: &str) {
    let expected: Vec<String> = all
        .iter()
        .filter(|c| owes(c))
        .map(|c| format!("{c:?}"))
        .collect();
    let due: Vec<String> = due.iter().map(|c| format!("{c:?}")).collect();
    let extra: Vec<&String> = due.iter().filter(|l| !expected.contains(l)).collect();
    let missing: Vec<&String> = expected.iter().filter(|l| !due.contains(l)).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: the due filter keeps {extra:?} and leaves out {missing:?}"
    );
}

/// The due filter (done in the query: one body's open terms by index, or every case's)
/// keeps exactly the cases whose agenda has a duty overdue or a term due by then.
async fn due_filter_agrees(reg: &arco::service::Registry<Database>, as_of: NaiveDate) {
    let by = as_of + Duration::days(10);
    for body in [None, Some("SEJ".to_string())] {
        let all = ListFilter {
            body: body.clone(),
            ..ListFilter::default()
        };
        let due = ListFilter {
            due_by: Some(by),
            ..all.clone()
        };
        // A closed or withdrawn request owes nothing (the registry's rule for due lists).
        same_lines(
            &reg.list(&all, as_of, false).await.unwrap(),
            &reg.list(&due, as_of, false).await.unwrap(),
            |c| {
                !matches!(c.state, RequestState::Closed | RequestState::Withdrawn)
                    && (!c.overdue.is_empty() || c.next.is_some_and(|(_, d, _)| d <= by))
            },
            &format!("requests on {as_of}, body {body:?}"),
        );
    }
    let all = ListFilter::default();
    let due = ListFilter {
        due_by: Some(by),
        ..ListFilter::default()
    };
    same_lines(
        &reg.list_appeals(&all, as_of, false).await.unwrap(),
        &reg.list_appeals(&due, as_of, false).await.unwrap(),
        |c| !c.overdue.is_empty() || c.next.is_some_and(|(_, d, _)| d <= by),
        &format!("appeals on {as_of}"),
    );
}

on_both_backends!(the_list_columns_give_what_rebuilding_gives);
async fn the_list_columns_give_what_rebuilding_gives(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let loader = CalendarLoader::default();
    let books = Rulebooks::builtin().unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut imported = 0;
    let t0 = std::time::Instant::now();
    for _ in 0..150 {
        let h = random_history(&mut rng, &loader, &books);
        reg.import(&h, "SEJ", None, Utc::now()).await.unwrap();
        imported += 1;
    }
    assert_eq!(imported, 150);
    eprintln!("generated in {:?}", t0.elapsed());
    let states: i64 = common::scalar(reg.store(), "SELECT count(DISTINCT state) FROM cases").await;
    assert!(states >= 6, "the histories reach only {states} states");
    let changing: i64 = common::scalar(
        reg.store(),
        "SELECT count(*) FROM cases WHERE holds_until IS NOT NULL",
    )
    .await;
    assert!(changing >= 5, "only {changing} cases change with time");
    let dates: Vec<NaiveDate> = (0..30)
        .map(|i| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(i * 15))
        .collect();
    let mut fast = Vec::new();
    for d in &dates {
        fast.push(lists(&reg, *d).await);
        due_filter_agrees(&reg, *d).await;
    }
    eprintln!("fast in {:?}", t0.elapsed());
    // Wipe the columns: every case is now read from its whole projection.
    common::exec(
        reg.store(),
        "UPDATE cases SET listed = FALSE, then_stops = FALSE, holds_until = NULL, then_state = NULL, list_right = NULL",
    )
    .await
    .unwrap();
    for (d, fast) in dates.iter().zip(&fast) {
        let slow = lists(&reg, *d).await;
        for (f, s) in fast.iter().zip(&slow) {
            assert_eq!(f, s, "on {d}, the list from the columns differs");
        }
    }
    // Lines were listed at all (the comparison is not of empty lists).
    let lines: usize = fast
        .iter()
        .flatten()
        .filter(|l| l.contains("folio:"))
        .count();
    assert!(lines > 1000, "only {lines} lines compared");
}

on_both_backends!(verify_checks_the_list_columns_against_the_log);
async fn verify_checks_the_list_columns_against_the_log(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let h = history(&[
        json!({"act": "filed", "at": "2026-03-02T10:00:00-06:00"}),
        json!({"act": "prevention_notified", "at": "2026-03-03T10:00:00-06:00"}),
    ]);
    let record = reg.import(&h, "SEJ", None, Utc::now()).await.unwrap();
    assert!(reg.verify().await.unwrap().differences.is_empty());
    // A prevention notified on Tuesday 3 March 2026 at 10:00 (before the 15:00 closing):
    // the titular has 5 business days (art. 52.1) — 4, 5, 6, 9 and 10 March — so the
    // request holds as "prevented" through 10 March and is "no presentada" from the 11th.
    let listed = |as_of: &str| {
        let reg = &reg;
        let as_of: NaiveDate = as_of.parse().unwrap();
        async move {
            reg.list(&ListFilter::default(), as_of, false)
                .await
                .unwrap()[0]
                .state
                .as_str()
        }
    };
    assert_eq!(listed("2026-03-10").await, "prevented");
    assert_eq!(listed("2026-03-11").await, "not_presented");
    common::exec(
        reg.store(),
        "UPDATE cases SET holds_until = '2026-04-30', then_state = 'closed'",
    )
    .await
    .unwrap();
    let report = reg.verify().await.unwrap();
    assert_eq!(report.differences.len(), 1, "{:?}", report.differences);
    let (folio, what) = &report.differences[0];
    assert_eq!(folio, &record.folio);
    assert!(
        what.contains("columnas de lista del cambio por el tiempo"),
        "{what}"
    );
    // The body copied onto the open terms (what a due list's index reads) is checked too.
    common::exec(
        reg.store(),
        "UPDATE deadlines SET body = 'OTRO' WHERE status = 'pending'",
    )
    .await
    .unwrap();
    let report = reg.verify().await.unwrap();
    assert!(
        report
            .differences
            .iter()
            .any(|(f, w)| f == &record.folio && w.contains("otro sujeto obligado")),
        "{:?}",
        report.differences
    );
}

/// A process keeps each calendar it parsed, and reads it again when its file changes (an
/// acuerdo de días inhábiles edited, `arco calendar apply` run from another process).
#[tokio::test]
async fn a_kept_calendar_is_read_again_when_its_file_changes() {
    let db = TestDb::new(Backend::Sqlite);
    let file = db.own_calendar("");
    let write = |extra: &str| {
        db.own_calendar(extra);
    };
    let reg = arco::service::Registry::new(
        db.store().await,
        CalendarLoader::default(),
        Rulebooks::builtin().unwrap(),
    );
    let path = file.display().to_string();
    // Friday 4 December 2026 is a business day on the common calendar of Jalisco.
    let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    assert!(
        reg.calendar(&path)
            .unwrap()
            .is_business_day(friday)
            .unwrap()
    );
    let same = reg.calendar(&path).unwrap();
    assert!(std::sync::Arc::ptr_eq(&same, &reg.calendar(&path).unwrap()));
    // The body declares it inhábil; the kept copy is looked at again within a second.
    write(
        "[[closure]]\nname = \"Día inhábil por acuerdo\"\nfrom = \"2026-12-04\"\nto = \"2026-12-04\"\n",
    );
    let mut seen = false;
    for _ in 0..40 {
        if !reg
            .calendar(&path)
            .unwrap()
            .is_business_day(friday)
            .unwrap()
        {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the edited calendar was never read again");
}

on_both_backends!(the_calendars_in_use_are_found_by_index);
/// The calendars in use (an alert run's horizon), each once, in order.
async fn the_calendars_in_use_are_found_by_index(backend: Backend) {
    use arco::storage::Store;
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    assert!(reg.store().calendars().await.unwrap().is_empty());
    for (i, cal) in ["mx-jalisco", "ejemplo-organismo", "mx-jalisco"]
        .iter()
        .enumerate()
    {
        let h = json!({
            "calendar": cal,
            "right": "access",
            "events": [{"act": "filed", "at": format!("2026-03-0{}T10:00:00-06:00", i + 2)}],
        });
        reg.import(
            &History::from_json(&h.to_string()).unwrap(),
            "SEJ",
            None,
            Utc::now(),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        reg.store().calendars().await.unwrap(),
        vec!["ejemplo-organismo".to_string(), "mx-jalisco".to_string()]
    );
}
