//! The request report (issue 16), worked by hand on a small install, on both backends.
//!
//! Body SEJ, Jalisco calendar, October 2026 (12 October is a día inhábil, Día de la Raza;
//! weekends do not count). Eight requests received in October, one in November, one of
//! another body:
//!
//! | | filed | acts | on 31 Oct |
//! |---|---|---|---|
//! | A access, PNT | Mon 5 Oct | admitted 6, accredited, resolved granted 13, notified 14, fulfilled 15 | fulfilled; answered in 6 business days (6, 7, 8, 9, 13, 14) |
//! | B rectification, e-mail | Tue 6 | prevented 7, cured 8, admitted 9, resolved denied 19, notified 20 | notified; 9 days (7, 8, 9, 13, 14, 15, 16, 19, 20) |
//! | C access, PNT | Wed 7 | prevented 8 | the 5 days to cure (9, 13, 14, 15, 16) ran out: no presentada |
//! | D cancellation | Thu 8 | incompetence 9 | incompetent; 1 day |
//! | E opposition, PNT | Fri 9 | admitted 13, extension 20, resolved partially 28 (notified 4 Nov) | resolved, not notified: open; resolution due 26 Oct + 5 = 3 Nov: met on the 28th |
//! | F access | Tue 20 | withdrawn 21 | withdrawn |
//! | I access | Tue 13 | improcedence IV reviewed 14, notified 15 | improcedent; 2 days |
//! | J access | Wed 14 | admitted 15, resolved denied 5 Nov | admitted: open; its resolution, due 28 Oct (15, 16, 19–23, 26–28), missed on the cut, late when seen in December |
//! | G access | Tue 3 Nov | — | outside October |
//! | H (body OTRO) | Mon 5 Oct | — | outside SEJ's scope |
//!
//! Days to respond in October: 1, 2, 6, 9: median 4, mean 4.5, 90th percentile (nearest
//! rank, ⌈0.9 × 4⌉ = 4th) 9.

mod common;

use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::report::requests::RequestReport;
use arco::report::{GroupBy, Period};
use arco::request::{Channel, Reception, RequestAct, Right};
use arco::service::{Registry, ReportScope};
use arco::storage::Database;
use chrono::{NaiveDate, Utc};
use common::{Backend, TestDb};
use serde_json::json;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn act(v: serde_json::Value) -> RequestAct {
    serde_json::from_value(v).unwrap()
}

struct Install {
    folios: std::collections::HashMap<&'static str, String>,
}

async fn install(reg: &Registry<Database>) -> Install {
    let staff = Actor::new("ana", Role::UnitStaff);
    let comite = Actor::new("comite", Role::Committee);
    let now = Utc::now();
    let cases: [(&str, &str, Right, Option<Channel>, &str); 10] = [
        ("A", "SEJ", Right::Access, Some(Channel::Pnt), "2026-10-05"),
        (
            "B",
            "SEJ",
            Right::Rectification,
            Some(Channel::Email),
            "2026-10-06",
        ),
        ("C", "SEJ", Right::Access, Some(Channel::Pnt), "2026-10-07"),
        ("D", "SEJ", Right::Cancellation, None, "2026-10-08"),
        (
            "E",
            "SEJ",
            Right::Opposition,
            Some(Channel::Pnt),
            "2026-10-09",
        ),
        ("I", "SEJ", Right::Access, None, "2026-10-13"),
        ("F", "SEJ", Right::Access, None, "2026-10-20"),
        ("G", "SEJ", Right::Access, None, "2026-11-03"),
        ("H", "OTRO", Right::Access, None, "2026-10-05"),
        ("J", "SEJ", Right::Access, None, "2026-10-14"),
    ];
    let mut folios = std::collections::HashMap::new();
    for (name, body, right, channel, filed) in cases {
        let reception = Reception {
            channel,
            external_folio: None,
        };
        let folio = reg
            .file_request_received(
                body,
                "mx-jalisco",
                right,
                reception,
                Moment::Date(day(filed)),
                &staff,
                now,
            )
            .await
            .unwrap()
            .folio;
        folios.insert(name, folio);
    }
    let script: Vec<(&str, serde_json::Value, &str)> = vec![
        ("A", json!({"act": "admitted"}), "2026-10-06"),
        (
            "A",
            json!({"act": "identity_accredited", "standing": "titular", "means": "official_id"}),
            "2026-10-06",
        ),
        (
            "A",
            json!({"act": "resolved", "outcome": "granted"}),
            "2026-10-13",
        ),
        ("A", json!({"act": "resolution_notified"}), "2026-10-14"),
        ("A", json!({"act": "fulfilled"}), "2026-10-15"),
        ("B", json!({"act": "prevention_notified"}), "2026-10-07"),
        ("B", json!({"act": "prevention_answered"}), "2026-10-08"),
        ("B", json!({"act": "admitted"}), "2026-10-09"),
        (
            "B",
            json!({"act": "resolved", "outcome": "denied"}),
            "2026-10-19",
        ),
        ("B", json!({"act": "resolution_notified"}), "2026-10-20"),
        ("C", json!({"act": "prevention_notified"}), "2026-10-08"),
        ("D", json!({"act": "incompetence_notified"}), "2026-10-09"),
        ("E", json!({"act": "admitted"}), "2026-10-13"),
        ("E", json!({"act": "extension_notified"}), "2026-10-20"),
        (
            "E",
            json!({"act": "resolved", "outcome": "partially_granted"}),
            "2026-10-28",
        ),
        ("E", json!({"act": "resolution_notified"}), "2026-11-04"),
        (
            "I",
            json!({"act": "improcedence_reviewed", "cause": "IV", "decision": "confirmed"}),
            "2026-10-14",
        ),
        (
            "I",
            json!({"act": "improcedence_notified", "cause": "IV"}),
            "2026-10-15",
        ),
        ("F", json!({"act": "withdrawn"}), "2026-10-21"),
        ("J", json!({"act": "admitted"}), "2026-10-15"),
        (
            "J",
            json!({"act": "resolved", "outcome": "denied"}),
            "2026-11-05",
        ),
    ];
    for (name, v, on) in script {
        let who = if v["act"] == "resolved" || v["act"] == "improcedence_reviewed" {
            &comite
        } else {
            &staff
        };
        reg.act(
            &folios[name],
            act(v.clone()),
            Moment::Date(day(on)),
            who,
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("{name} {v}: {e}"));
    }
    Install { folios }
}

impl Install {
    fn of(&self, names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|n| self.folios[n].clone()).collect();
        v.sort();
        v
    }
}

fn folios(r: &RequestReport, table: &str, metric: &str, column: &str) -> Vec<String> {
    let cell = r
        .find(table, metric, column)
        .unwrap_or_else(|| panic!("no cell {table}/{metric}/{column}"));
    assert_eq!(cell.count, cell.cases.len());
    r.cases_of(cell).map(|f| f.folio.clone()).collect()
}

on_both_backends!(october_counted_by_hand);
async fn october_counted_by_hand(backend: Backend) {
    let db = TestDb::new(backend);
    // Two cases a page: the report reads the next page while it counts one.
    let reg = db.registry().await.with_report_page(2);
    let i = install(&reg).await;
    let today = day("2026-12-03");
    let october = Period::new(day("2026-10-01"), day("2026-10-31"), today).unwrap();
    let sej = ReportScope::Bodies(vec!["SEJ".into()]);
    let r = reg
        .request_report(&sej, october, GroupBy::None)
        .await
        .unwrap();
    let n = |m: &str| r.requests.count(m, "total");
    let expected = [
        ("received", 8),
        ("prevented", 2),
        ("prevented_late", 0),
        ("cured", 1),
        ("not_presented", 1),
        ("admitted", 4),
        ("incompetent", 1),
        ("incompetent_partial", 0),
        ("redirected", 0),
        ("improcedent", 1),
        ("improcedent_IV", 1),
        ("improcedent_I", 0),
        ("extended", 1),
        ("resolved", 3),
        ("resolved_granted", 1),
        ("resolved_partially_granted", 1),
        ("resolved_denied", 1),
        ("resolved_nonexistent", 0),
        ("notified", 2),
        ("fulfilled", 1),
        ("withdrawn", 1),
        ("open", 2),
    ];
    for (m, want) in expected {
        assert_eq!(n(m), want, "{m}");
    }
    assert_eq!(
        folios(&r, "requests", "received", "total"),
        i.of(&["A", "B", "C", "D", "E", "F", "I", "J"])
    );
    assert_eq!(
        folios(&r, "requests", "prevented", "total"),
        i.of(&["B", "C"])
    );
    assert_eq!(
        folios(&r, "requests", "not_presented", "total"),
        i.of(&["C"])
    );
    assert_eq!(folios(&r, "requests", "open", "total"), i.of(&["E", "J"]));
    // Days to respond: D 1, I 2, A 6, B 9.
    let spread = &r.response.last().unwrap().1;
    assert_eq!(
        (spread.cases, spread.median, spread.mean, spread.p90),
        (4, Some(4.0), Some(4.5), Some(9.0))
    );
    let days = |name: &str| {
        r.cases
            .iter()
            .find(|f| f.folio == i.folios[name])
            .unwrap()
            .days_to_respond
    };
    assert_eq!(
        [days("A"), days("B"), days("D"), days("I"), days("E")],
        [Some(6), Some(9), Some(1), Some(2), None]
    );
    // The resolution term (arts. 59.1, 59.2): A, B and E (extended to 3 November)
    // resolved in time; J's, due 28 October, had passed unresolved on the cut.
    assert_eq!(
        folios(&r, "timeliness", "term_resolution", "met"),
        i.of(&["A", "B", "E"])
    );
    assert_eq!(
        folios(&r, "timeliness", "term_resolution", "missed"),
        i.of(&["J"])
    );
    assert_eq!(r.timeliness.count("term_resolution", "late"), 0);
    // The prevention, a power of the UT (art. 52.1), used in time by B and C; the
    // titular's five days to cure (C's ran out) are not the body's timeliness.
    assert_eq!(
        folios(&r, "timeliness", "term_prevention", "met"),
        i.of(&["B", "C"])
    );
    assert!(
        r.timeliness
            .cell("term_prevention_reply", "missed")
            .is_none()
    );
    assert!(r.timeliness.cell("term_appeal_window", "pending").is_none());
    let row = r
        .timeliness
        .rows
        .iter()
        .position(|x| x.metric.key == "term_resolution")
        .unwrap();
    assert_eq!(r.on_time[row], Some(0.75));

    // Grouped by right: the columns, then the total, each count its own.
    let by_right = reg
        .request_report(&sej, october, GroupBy::Right)
        .await
        .unwrap();
    let keys: Vec<&str> = by_right
        .requests
        .columns
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "access",
            "cancellation",
            "opposition",
            "rectification",
            "total"
        ]
    );
    assert_eq!(
        folios(&by_right, "requests", "received", "access"),
        i.of(&["A", "C", "F", "I", "J"])
    );
    assert_eq!(by_right.requests.count("resolved", "opposition"), 1);
    let by_channel = reg
        .request_report(&sej, october, GroupBy::Channel)
        .await
        .unwrap();
    assert_eq!(by_channel.requests.count("received", "pnt"), 3);
    assert_eq!(by_channel.requests.count("received", "email"), 1);
    assert_eq!(by_channel.requests.count("received", "unknown"), 4);

    // Seen later: J resolved on 5 November, after its due date: late, no longer missed;
    // E notified on 4 November; G received in November. October's cut saw none of it.
    let to_date = Period::new(day("2026-10-01"), today, today).unwrap();
    let later = reg
        .request_report(&sej, to_date, GroupBy::None)
        .await
        .unwrap();
    assert_eq!(later.requests.count("received", "total"), 9);
    assert_eq!(
        folios(&later, "timeliness", "term_resolution", "late"),
        i.of(&["J"])
    );
    // G, received 3 November with no act: 10 days (4–6, 9–13, 17, 18; the 16th is a día
    // inhábil) ran out on 18 November.
    assert_eq!(
        folios(&later, "timeliness", "term_resolution", "missed"),
        i.of(&["G"])
    );
    assert_eq!(
        folios(&later, "requests", "open", "total"),
        i.of(&["E", "G", "J"])
    );
    assert_eq!(later.requests.count("notified", "total"), 3);

    // Scope: every body counts H too; a body of its own counts only H.
    let all = reg
        .request_report(&ReportScope::All, october, GroupBy::Body)
        .await
        .unwrap();
    assert_eq!(all.requests.count("received", "total"), 9);
    assert_eq!(folios(&all, "requests", "received", "OTRO"), i.of(&["H"]));
    let otro = reg
        .request_report(
            &ReportScope::Bodies(vec!["OTRO".into()]),
            october,
            GroupBy::None,
        )
        .await
        .unwrap();
    assert_eq!(otro.requests.count("received", "total"), 1);

    // The register: one line per request, the header first, E's resolution day.
    let csv = r.register_csv();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 9, "{csv}");
    assert!(lines[0].starts_with("folio,sujeto_obligado,derecho,"));
    let e = lines
        .iter()
        .find(|l| l.starts_with(&i.folios["E"]))
        .unwrap();
    assert!(e.contains(",opposition,pnt,,2026-10-09,resolved,"), "{e}");
    assert!(e.contains(",2026-10-28,partially_granted,"), "{e}");
    let b = lines
        .iter()
        .find(|l| l.starts_with(&i.folios["B"]))
        .unwrap();
    assert!(b.ends_with(",2026-10-20,9,"), "{b}");
}

on_both_backends!(an_empty_period_still_has_its_rows);
async fn an_empty_period_still_has_its_rows(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let today = day("2026-12-03");
    let p = Period::year("2025", today).unwrap();
    let r = reg
        .request_report(&ReportScope::All, p, GroupBy::Month)
        .await
        .unwrap();
    assert_eq!(r.requests.columns.len(), 1, "only the total");
    assert_eq!(r.requests.count("received", "total"), 0);
    assert!(r.requests.rows.len() > 20);
    assert!(r.timeliness.rows.is_empty());
    assert_eq!(r.response[0].1.cases, 0);
}
