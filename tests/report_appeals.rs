//! The appeals and compliance report (issue 16) on a small install, counted by hand, on
//! both backends.
//!
//! The install: body SEJ and body OTRO answer requests; the guarantor ITEI hears the
//! appeals. Dates on the 2026 Jalisco calendar (Monday 8 June is a holiday: the second
//! Monday of June). Six requests filed Monday 1 June, admitted the 2nd, denied the 3rd and
//! notified the 4th; an appeal against each filed Wednesday 10 June with ITEI:
//!
//! 1. SEJ, ground VI: dismissed on 11 June, art. 108.VII.
//! 2. SEJ, ground VI: admitted 11 June, conciliation invited 12, accepted 15, hearing 16,
//!    agreement 17, fulfilled 22 June: without matter (art. 106.VI).
//! 3. SEJ, ground IV: admitted 11 June, revoked 17 June with 5 days to comply, notified
//!    18 June (due 25 June: 19, 22, 23, 24, 25); the report of 23 June says it complied on
//!    22 June; vista 24 June, ruled complied 2 July (after the titular's 5 days, 25 June–
//!    1 July).
//! 4. SEJ, ground VIII: admitted 11 June, modified 17 June with 3 days, notified 18 June
//!    (due 23 June); no report (its 3 days end 26 June): ruled non-compliant de oficio
//!    29 June, public warning 30 June with 3 days (1, 2, 3 July), fine 6 July.
//! 5. SEJ, ground VI: admitted 11 June and never resolved: the 20 days from 10 June end
//!    on 8 July; from the 9th the response stands confirmed (art. 110.10).
//! 6. OTRO, ground VI: filed and never acted on: confirmed by silence from 9 July too.

mod common;

use arco::appeal::{AppealAct, AppealState};
use arco::calendar::Moment;
use arco::case::{Actor, Role};
use arco::report::appeals::AppealReport;
use arco::report::{GroupBy, Period};
use arco::request::{RequestAct, Right};
use arco::service::{Registry, ReportScope};
use arco::storage::Database;
use chrono::{NaiveDate, Utc};
use common::{Backend, TestDb};
use serde_json::json;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn period(from: &str, to: &str) -> Period {
    Period::new(day(from), day(to), Utc::now().date_naive()).unwrap()
}

/// The folios behind a cell.
fn folios(r: &AppealReport, table: &str, metric: &str, column: &str) -> Vec<String> {
    let cell = r
        .find(table, metric, column)
        .unwrap_or_else(|| panic!("no cell {table}/{metric}/{column}"));
    r.cases_of(cell).map(|f| f.folio.clone()).collect()
}

/// Files the install; the folios of the six appeals, in order.
async fn install(reg: &Registry<Database>) -> Vec<String> {
    let staff = Actor::new("ana", Role::UnitStaff);
    let comite = Actor::new("comite", Role::Committee);
    let og = Actor::new("og", Role::Guarantor);
    let now = Utc::now();
    let on = |s: &str| Moment::Date(day(s));
    let mut appeals = Vec::new();
    let plan = [
        ("SEJ", "VI"),
        ("SEJ", "VI"),
        ("SEJ", "IV"),
        ("SEJ", "VIII"),
        ("SEJ", "VI"),
        ("OTRO", "VI"),
    ];
    for (body, ground) in plan {
        let folio = reg
            .file_request(
                body,
                "mx-jalisco",
                Right::Access,
                on("2026-06-01"),
                &staff,
                now,
            )
            .await
            .unwrap()
            .folio;
        for (date, act, who) in [
            ("2026-06-02", json!({"act": "admitted"}), &staff),
            (
                "2026-06-03",
                json!({"act": "resolved", "outcome": "denied"}),
                &comite,
            ),
            ("2026-06-04", json!({"act": "resolution_notified"}), &staff),
        ] {
            let act: RequestAct = serde_json::from_value(act).unwrap();
            reg.act(&folio, act, on(date), who, now).await.unwrap();
        }
        let filing: AppealAct = serde_json::from_value(
            json!({"act": "appeal_filed", "venue": "guarantor", "ground": ground}),
        )
        .unwrap();
        let appeal = reg
            .file_appeal(
                &folio,
                "ITEI",
                "mx-jalisco",
                filing,
                on("2026-06-10"),
                &og,
                now,
            )
            .await
            .unwrap()
            .folio;
        appeals.push(appeal);
    }
    let scripts: [&[(&str, serde_json::Value)]; 4] = [
        &[(
            "2026-06-11",
            json!({"act": "appeal_dismissed", "cause": "VII"}),
        )],
        &[
            ("2026-06-11", json!({"act": "appeal_admitted"})),
            ("2026-06-12", json!({"act": "conciliation_invited"})),
            ("2026-06-15", json!({"act": "conciliation_accepted"})),
            ("2026-06-16", json!({"act": "conciliation_hearing_held"})),
            ("2026-06-17", json!({"act": "conciliation_agreement"})),
            (
                "2026-06-22",
                json!({"act": "conciliation_agreement_fulfilled"}),
            ),
        ],
        &[
            ("2026-06-11", json!({"act": "appeal_admitted"})),
            (
                "2026-06-17",
                json!({"act": "appeal_resolved", "outcome": "revoked", "compliance_days": 5}),
            ),
            ("2026-06-18", json!({"act": "appeal_resolution_notified"})),
            (
                "2026-06-23",
                json!({"act": "compliance_reported", "complied_on": "2026-06-22"}),
            ),
            ("2026-06-24", json!({"act": "compliance_vista_given"})),
            (
                "2026-07-02",
                json!({"act": "compliance_ruled", "complied": true}),
            ),
        ],
        &[
            ("2026-06-11", json!({"act": "appeal_admitted"})),
            (
                "2026-06-17",
                json!({"act": "appeal_resolved", "outcome": "modified", "compliance_days": 3}),
            ),
            ("2026-06-18", json!({"act": "appeal_resolution_notified"})),
            (
                "2026-06-29",
                json!({"act": "compliance_ruled", "complied": false}),
            ),
            ("2026-06-30", json!({"act": "public_warning", "days": 3})),
            (
                "2026-07-06",
                json!({"act": "fine_imposed", "days": 5, "uma": 150}),
            ),
        ],
    ];
    for (folio, script) in appeals.iter().zip(scripts) {
        for (date, act) in script {
            let who = if act["act"] == "compliance_reported" {
                &staff
            } else {
                &og
            };
            let act: AppealAct = serde_json::from_value(act.clone()).unwrap();
            reg.act_appeal(folio, act, on(date), who, now)
                .await
                .unwrap_or_else(|e| panic!("{folio} {date}: {e}"));
        }
    }
    reg.act_appeal(
        &appeals[4],
        serde_json::from_value(json!({"act": "appeal_admitted"})).unwrap(),
        on("2026-06-11"),
        &og,
        now,
    )
    .await
    .unwrap();
    appeals
}

on_both_backends!(the_appeals_report_counts_each_appeal_from_its_acts);
async fn the_appeals_report_counts_each_appeal_from_its_acts(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let rr = install(&reg).await;
    let f = |i: &[usize]| i.iter().map(|&i| rr[i - 1].clone()).collect::<Vec<_>>();

    let r = reg
        .appeal_report(
            &ReportScope::All,
            period("2026-01-01", "2026-08-31"),
            GroupBy::Body,
        )
        .await
        .unwrap();
    let keys: Vec<&str> = r.appeals.columns.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["OTRO", "SEJ", "total"]);
    let a = |m: &str| r.appeals.count(m, "total");
    let c = |m: &str| r.compliance.count(m, "total");
    assert_eq!(a("received"), 6);
    assert_eq!(r.appeals.count("received", "SEJ"), 5);
    assert_eq!(r.appeals.count("received", "OTRO"), 1);
    assert_eq!(a("out_of_time"), 0);
    assert_eq!(a("via_unit"), 0);
    assert_eq!(
        (
            a("ground_IV"),
            a("ground_VI"),
            a("ground_VII"),
            a("ground_VIII")
        ),
        (1, 4, 0, 1)
    );
    assert_eq!(a("admitted"), 4);
    assert_eq!(a("dismissed"), 1);
    assert_eq!(a("dismissed_VII"), 1);
    assert_eq!(a("dismissed_I"), 0);
    assert_eq!(a("dismissed_lapsed"), 0);
    assert_eq!(
        (
            a("conciliation_invited"),
            a("conciliation_accepted"),
            a("conciliation_agreement"),
            a("without_matter"),
            a("conciliation_failed")
        ),
        (1, 1, 1, 1, 0)
    );
    assert_eq!(a("resolved"), 2);
    assert_eq!(a("resolved_revoked"), 1);
    assert_eq!(a("resolved_modified"), 1);
    assert_eq!(a("resolved_confirmed"), 0);
    assert_eq!(a("notified"), 2);
    assert_eq!(
        folios(&r, "appeals", "confirmed_by_silence", "total"),
        f(&[5, 6])
    );
    assert_eq!(r.appeals.count("confirmed_by_silence", "OTRO"), 1);
    // Only the fined appeal is still going on the cut.
    assert_eq!(folios(&r, "appeals", "open", "total"), f(&[4]));

    assert_eq!(c("ordered"), 2);
    assert_eq!(folios(&r, "compliance", "complied_on_time", "SEJ"), f(&[3]));
    assert_eq!(c("complied_late"), 0);
    assert_eq!(folios(&r, "compliance", "not_complied", "total"), f(&[4]));
    assert_eq!(c("compliance_pending"), 0);
    assert_eq!((c("extension_requested"), c("extension_granted")), (0, 0));
    assert_eq!(c("reported"), 1);
    assert_eq!((c("ruled_complied"), c("ruled_non_compliant")), (1, 1));
    assert_eq!((c("warned"), c("fined"), c("arrested")), (1, 1, 0));
    assert_eq!(r.compliance.count("fined", "OTRO"), 0);

    // Timeliness: the resolution term met by the two resolved, missed by the two silent
    // ones (the dismissed one's is void, the fulfilled agreement ended the other's);
    // compliance met once, missed once.
    let t = |term: &str, col: &str| r.timeliness.count(&format!("term_{term}"), col);
    assert_eq!(
        (
            t("appeal_resolution", "met"),
            t("appeal_resolution", "missed")
        ),
        (2, 2)
    );
    assert_eq!((t("compliance", "met"), t("compliance", "missed")), (1, 1));
    let row = r
        .timeliness
        .rows
        .iter()
        .position(|x| x.metric.key == "term_compliance")
        .unwrap();
    assert_eq!(r.on_time[row], Some(0.5));
    let state = |i: usize| r.cases.iter().find(|x| x.folio == rr[i - 1]).unwrap().state;
    assert_eq!(state(3), AppealState::Complied);
    assert_eq!(state(4), AppealState::Fined);
    assert_eq!(state(2), AppealState::WithoutMatter);

    // Scope: a body counts the appeals against its requests; the guarantor, those it hears.
    for (scope, n) in [("SEJ", 5), ("OTRO", 1), ("ITEI", 6), ("NADIE", 0)] {
        let r = reg
            .appeal_report(
                &ReportScope::Bodies(vec![scope.to_string()]),
                period("2026-01-01", "2026-08-31"),
                GroupBy::None,
            )
            .await
            .unwrap();
        assert_eq!(r.appeals.count("received", "total"), n, "{scope}");
    }
    // Filed on 10 June: not in a period from the 11th.
    let r = reg
        .appeal_report(
            &ReportScope::All,
            period("2026-06-11", "2026-08-31"),
            GroupBy::None,
        )
        .await
        .unwrap();
    assert_eq!(r.appeals.count("received", "total"), 0);
}

on_both_backends!(a_past_cut_shows_the_earlier_state);
async fn a_past_cut_shows_the_earlier_state(backend: Backend) {
    let db = TestDb::new(backend);
    let reg = db.registry().await;
    let rr = install(&reg).await;
    let f = |i: &[usize]| i.iter().map(|&i| rr[i - 1].clone()).collect::<Vec<_>>();

    // Seen on 19 June: the agreement is being complied with, both resolutions notified
    // with their compliance terms running, nothing confirmed by silence yet.
    let r = reg
        .appeal_report(
            &ReportScope::All,
            period("2026-06-01", "2026-06-19"),
            GroupBy::None,
        )
        .await
        .unwrap();
    let a = |m: &str| r.appeals.count(m, "total");
    let c = |m: &str| r.compliance.count(m, "total");
    assert_eq!(a("received"), 6);
    assert_eq!(a("dismissed"), 1);
    assert_eq!((a("conciliation_agreement"), a("without_matter")), (1, 0));
    assert_eq!(a("resolved"), 2);
    assert_eq!(a("confirmed_by_silence"), 0);
    assert_eq!(folios(&r, "appeals", "open", "total"), f(&[2, 3, 4, 5, 6]));
    assert_eq!(c("ordered"), 2);
    assert_eq!(
        folios(&r, "compliance", "compliance_pending", "total"),
        f(&[3, 4])
    );
    assert_eq!((c("complied_on_time"), c("not_complied")), (0, 0));
    assert_eq!((c("warned"), c("fined"), c("reported")), (0, 0, 0));
    assert_eq!(
        r.timeliness.count("term_compliance", "pending"),
        2,
        "both compliance terms run on 19 June"
    );

    // Seen on 3 July: the report met the compliance of 3 and its ruling came; 4 was
    // warned but not yet fined, and the resolution term of 5 and 6 still runs.
    let r = reg
        .appeal_report(
            &ReportScope::All,
            period("2026-06-01", "2026-07-03"),
            GroupBy::None,
        )
        .await
        .unwrap();
    let a = |m: &str| r.appeals.count(m, "total");
    let c = |m: &str| r.compliance.count(m, "total");
    assert_eq!(a("without_matter"), 1);
    assert_eq!(a("confirmed_by_silence"), 0);
    assert_eq!(
        folios(&r, "compliance", "complied_on_time", "total"),
        f(&[3])
    );
    assert_eq!(folios(&r, "compliance", "not_complied", "total"), f(&[4]));
    assert_eq!((c("warned"), c("fined")), (1, 0));
    assert_eq!(c("ruled_complied"), 1);
    assert_eq!(folios(&r, "appeals", "open", "total"), f(&[4, 5, 6]));
}
