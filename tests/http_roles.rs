//! The role matrix over real HTTP: every account (each role, inside and outside the body
//! of the case) against every endpoint, with the status expected of each, checked all at
//! once so a failure lists every cell that differs. Also: no answer to a caller outside a
//! body carries a folio of that body (beyond one the caller sent).
//!
//! The rules (src/accounts/mod.rs `Principal::may_request`/`may_appeal`,
//! src/http/requests.rs `scoped`, and the procedures' `allowed_roles`):
//! - a body's cases are read by its own staff, head, Comité and auditors, by the guarantor
//!   that oversees it and by the administrator; anyone else gets 404, never 403, so the
//!   case is not even confirmed to exist;
//! - only the body's staff, head and Comité act, and each act only by the role the
//!   procedure gives it (the Comité resolves; the Unidad admits, notifies, forwards);
//!   auditors, the guarantor (on requests) and the administrator get 403;
//! - appeals are read by the guarantor hearing them, its auditors, and the body appealed
//!   against; the guarantor acts on them, the Unidad forwards them.

mod common;
mod http_common;

use common::Backend;

use std::collections::{BTreeMap, BTreeSet};

use http_common::{ACCOUNTS, Resp, Server, start};
use serde_json::{Value, json};

/// An endpoint, with the case it is tried on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ep {
    /// POST /v1/requests for SEJ.
    FileRequestSej,
    /// POST /v1/requests without `body`: the caller's own.
    FileRequestOwn,
    /// POST /v1/requests/{folio}/acts `admitted` on a filed SEJ request.
    AdmitRequest,
    /// POST /v1/requests/{folio}/acts `resolved` on an admitted SEJ request.
    ResolveRequest,
    /// GET /v1/requests/{folio} of the body's request.
    ShowRequest(&'static str),
    /// GET /v1/requests/{folio}/acuse of SEJ's request.
    AcuseSej,
    /// GET /v1/requests.
    ListRequests,
    /// GET /v1/requests?body=SEJ.
    ListRequestsSej,
    /// POST /v1/appeals against a notified SEJ denial.
    FileAppeal,
    /// POST /v1/appeals/{folio}/acts `appeal_admitted` on an ITEI appeal.
    AdmitAppeal,
    /// POST /v1/appeals/{folio}/acts `appeal_admitted` on an OTRO appeal (against MUN).
    AdmitAppealOtro,
    /// POST /v1/appeals/{folio}/acts `appeal_forwarded` on an ITEI appeal filed with the UT.
    ForwardAppeal,
    /// GET /v1/appeals/{folio} of the guarantor's appeal.
    ShowAppeal(&'static str),
    /// GET /v1/appeals.
    ListAppeals,
    /// GET /v1/due.
    Due,
    /// GET /v1/me.
    Me,
    /// GET /v1/bodies.
    Bodies,
}

/// The accounts, in the order of the table's columns.
const COLUMNS: [&str; 10] = [
    "sej.staff",
    "sej.head",
    "sej.committee",
    "sej.auditor",
    "ssj.staff",
    "mun.staff",
    "itei.guarantor",
    "itei.auditor",
    "otro.guarantor",
    "admin",
];

/// Expected status of each account (columns as [`COLUMNS`]) on each endpoint.
/// SEJ and SSJ are overseen by ITEI; MUN by OTRO.
#[rustfmt::skip]
const TABLE: &[(Ep, [u16; 10])] = &[
    //                          sej.staff sej.head sej.comm sej.aud ssj.staff mun.staff itei.g itei.aud otro.g admin
    (Ep::FileRequestSej,        [201,     201,     403,     403,    403,      403,      403,   403,     403,   403]),
    (Ep::FileRequestOwn,        [201,     201,     403,     403,    201,      201,      403,   403,     403,   422]),
    (Ep::AdmitRequest,          [200,     200,     403,     403,    404,      404,      403,   404,     404,   403]),
    (Ep::ResolveRequest,        [403,     403,     200,     403,    404,      404,      403,   404,     404,   403]),
    (Ep::ShowRequest("SEJ"),    [200,     200,     200,     200,    404,      404,      200,   404,     404,   200]),
    (Ep::ShowRequest("SSJ"),    [404,     404,     404,     404,    200,      404,      200,   404,     404,   200]),
    (Ep::ShowRequest("MUN"),    [404,     404,     404,     404,    404,      200,      404,   404,     200,   200]),
    (Ep::AcuseSej,              [200,     200,     200,     200,    404,      404,      200,   404,     404,   200]),
    (Ep::ListRequests,          [200,     200,     200,     200,    200,      200,      422,   200,     422,   200]),
    (Ep::ListRequestsSej,       [200,     200,     200,     200,    403,      403,      200,   403,     403,   200]),
    (Ep::FileAppeal,            [201,     201,     403,     403,    404,      404,      201,   404,     404,   403]),
    (Ep::AdmitAppeal,           [403,     403,     403,     403,    404,      404,      200,   403,     404,   403]),
    (Ep::AdmitAppealOtro,       [404,     404,     404,     404,    404,      403,      404,   404,     200,   403]),
    (Ep::ForwardAppeal,         [200,     200,     403,     403,    404,      404,      403,   403,     404,   403]),
    (Ep::ShowAppeal("ITEI"),    [200,     200,     200,     200,    404,      404,      200,   200,     404,   200]),
    (Ep::ShowAppeal("OTRO"),    [404,     404,     404,     404,    404,      200,      404,   404,     200,   200]),
    (Ep::ListAppeals,           [200,     200,     200,     200,    200,      200,      200,   200,     200,   200]),
    (Ep::Due,                   [200,     200,     200,     200,    200,      200,      200,   200,     200,   200]),
    (Ep::Me,                    [200,     200,     200,     200,    200,      200,      200,   200,     200,   200]),
    (Ep::Bodies,                [200,     200,     200,     200,    200,      200,      200,   200,     200,   200]),
];

/// Who may see the folios that start with each prefix (anyone else must never get one).
const SECRETS: &[(&str, &[&str])] = &[
    (
        "SEJ-ARCO-",
        &[
            "sej.staff",
            "sej.head",
            "sej.committee",
            "sej.auditor",
            "itei.guarantor",
            "itei.auditor",
            "admin",
        ],
    ),
    ("SSJ-ARCO-", &["ssj.staff", "itei.guarantor", "admin"]),
    ("MUN-ARCO-", &["mun.staff", "otro.guarantor", "admin"]),
    (
        "ITEI-RR-",
        &[
            "sej.staff",
            "sej.head",
            "sej.committee",
            "sej.auditor",
            "itei.guarantor",
            "itei.auditor",
            "admin",
        ],
    ),
    ("OTRO-RR-", &["mun.staff", "otro.guarantor", "admin"]),
];

const FILED: &str = "2026-02-05T10:00";

/// The folios in `text` (`<CODE>-ARCO-2026-NNNNN` or `<CODE>-RR-2026-NNNNN`).
fn folios_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (prefix, _) in SECRETS {
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            let tail = &rest[i..];
            let len = prefix.len() + "2026-00000".len();
            if let Some(f) = tail.get(..len) {
                out.insert(f.to_string());
            }
            rest = &rest[i + prefix.len()..];
        }
    }
    out
}

/// The folios of one case per kind, made as rows need them; a case a row changed is
/// replaced before the next row that needs a fresh one.
struct Fixtures {
    show: BTreeMap<&'static str, String>,
    appeal: BTreeMap<&'static str, String>,
    fresh: BTreeMap<Ep, String>,
}

impl Fixtures {
    async fn new(s: &Server) -> Fixtures {
        let mut show = BTreeMap::new();
        show.insert("SEJ", s.file("sej.staff", "SEJ", FILED).await);
        show.insert("SSJ", s.file("ssj.staff", "SSJ", FILED).await);
        show.insert("MUN", s.file("mun.staff", "MUN", FILED).await);
        let mut appeal = BTreeMap::new();
        let denied = s.denied_request().await;
        let r = s
            .file_appeal("sej.staff", &denied, "guarantor", "2026-02-20T10:00")
            .await;
        r.expect(201);
        appeal.insert("ITEI", r.str("folio"));
        let r = s
            .file_appeal("mun.staff", &show["MUN"], "unit", "2026-02-20T10:00")
            .await;
        r.expect(201);
        appeal.insert("OTRO", r.str("folio"));
        Fixtures {
            show,
            appeal,
            fresh: BTreeMap::new(),
        }
    }

    /// The case a mutating row works on: made now, or the one left by a refused row.
    async fn fresh(&mut self, s: &Server, ep: Ep) -> String {
        if let Some(f) = self.fresh.get(&ep) {
            return f.clone();
        }
        let f = match ep {
            Ep::AdmitRequest => s.file("sej.staff", "SEJ", FILED).await,
            Ep::ResolveRequest => {
                let f = s.file("sej.staff", "SEJ", FILED).await;
                s.act_ok(
                    "sej.staff",
                    &f,
                    json!({"act": "admitted"}),
                    "2026-02-06T10:00",
                )
                .await;
                f
            }
            Ep::FileAppeal => s.denied_request().await,
            Ep::AdmitAppealOtro => {
                let req = s.file("mun.staff", "MUN", FILED).await;
                let r = s
                    .file_appeal("mun.staff", &req, "guarantor", "2026-02-20T10:00")
                    .await;
                r.expect(201);
                r.str("folio")
            }
            Ep::AdmitAppeal | Ep::ForwardAppeal => {
                let venue = if ep == Ep::AdmitAppeal {
                    "guarantor"
                } else {
                    "unit"
                };
                let req = s.denied_request().await;
                let r = s
                    .file_appeal("sej.staff", &req, venue, "2026-02-20T10:00")
                    .await;
                r.expect(201);
                r.str("folio")
            }
            _ => unreachable!("{ep:?} no modifica expedientes"),
        };
        self.fresh.insert(ep, f.clone());
        f
    }

    /// A row succeeded: its case is no longer in the state the next row needs.
    fn used(&mut self, ep: Ep) {
        self.fresh.remove(&ep);
    }
}

/// Sends the request of `ep` as `user`; returns the answer and what was sent (path and
/// body), to tell a folio the caller sent from one the server revealed.
async fn call(s: &Server, fx: &mut Fixtures, ep: Ep, user: &str) -> (Resp, String) {
    let (path, body): (String, Option<Value>) = match ep {
        Ep::FileRequestSej => (
            "/v1/requests".into(),
            Some(json!({"right": "access", "at": FILED, "body": "SEJ"})),
        ),
        Ep::FileRequestOwn => (
            "/v1/requests".into(),
            Some(json!({"right": "rectification", "at": FILED})),
        ),
        Ep::AdmitRequest => {
            let f = fx.fresh(s, ep).await;
            (
                format!("/v1/requests/{f}/acts"),
                Some(json!({"act": {"act": "admitted"}, "at": "2026-02-06T10:00"})),
            )
        }
        Ep::ResolveRequest => {
            let f = fx.fresh(s, ep).await;
            (
                format!("/v1/requests/{f}/acts"),
                Some(
                    json!({"act": {"act": "resolved", "outcome": "granted"}, "at": "2026-02-12T10:00"}),
                ),
            )
        }
        Ep::ShowRequest(b) => (format!("/v1/requests/{}", fx.show[b]), None),
        Ep::AcuseSej => (format!("/v1/requests/{}/acuse", fx.show["SEJ"]), None),
        Ep::ListRequests => ("/v1/requests?limit=500".into(), None),
        Ep::ListRequestsSej => ("/v1/requests?body=SEJ&limit=500".into(), None),
        Ep::FileAppeal => {
            let f = fx.fresh(s, ep).await;
            (
                "/v1/appeals".into(),
                Some(json!({
                    "request": f,
                    "filing": {"act": "appeal_filed", "venue": "guarantor", "ground": "I"},
                    "at": "2026-02-20T10:00",
                })),
            )
        }
        Ep::AdmitAppeal | Ep::AdmitAppealOtro => {
            let f = fx.fresh(s, ep).await;
            (
                format!("/v1/appeals/{f}/acts"),
                Some(json!({"act": {"act": "appeal_admitted"}, "at": "2026-02-24T10:00"})),
            )
        }
        Ep::ForwardAppeal => {
            let f = fx.fresh(s, ep).await;
            (
                format!("/v1/appeals/{f}/acts"),
                Some(json!({"act": {"act": "appeal_forwarded"}, "at": "2026-02-23T10:00"})),
            )
        }
        Ep::ShowAppeal(g) => (format!("/v1/appeals/{}", fx.appeal[g]), None),
        Ep::ListAppeals => ("/v1/appeals?limit=500".into(), None),
        Ep::Due => ("/v1/due?within=366".into(), None),
        Ep::Me => ("/v1/me".into(), None),
        Ep::Bodies => ("/v1/bodies".into(), None),
    };
    let r = match &body {
        Some(b) => s.post(&path, user, b).await,
        None => s.get(&path, user).await,
    };
    let sent = format!("{path} {}", body.map(|b| b.to_string()).unwrap_or_default());
    (r, sent)
}

on_both_backends!(
    every_account_against_every_endpoint,
    tokio::test(flavor = "multi_thread")
);
async fn every_account_against_every_endpoint(backend: Backend) {
    // The table's columns are the accounts of the directory.
    let mut cols: Vec<&str> = COLUMNS.to_vec();
    let mut accounts: Vec<&str> = ACCOUNTS.iter().map(|a| a.0).collect();
    cols.sort_unstable();
    accounts.sort_unstable();
    assert_eq!(cols, accounts);

    let s = start(backend).await;
    let mut fx = Fixtures::new(&s).await;
    let mut wrong = Vec::new();
    let mut leaks = Vec::new();
    let mut rows = 0;
    for (ep, statuses) in TABLE {
        for (user, want) in COLUMNS.iter().zip(statuses) {
            rows += 1;
            let (r, sent) = call(&s, &mut fx, *ep, user).await;
            if r.status != *want {
                wrong.push(format!(
                    "{user:>15} {ep:?}: {} (se esperaba {want}) {}",
                    r.status,
                    r.text
                        .chars()
                        .take(200)
                        .collect::<String>()
                        .replace('\n', " ")
                ));
            }
            if (200..300).contains(&r.status) {
                fx.used(*ep);
            } else {
                // Every refusal is a problem document with no server internals.
                if let Some(d) = http_common::problem_defect(&r) {
                    wrong.push(format!("{user:>15} {ep:?}: {d}"));
                }
            }
            for f in folios_in(&r.text) {
                let (_, allowed) = SECRETS
                    .iter()
                    .find(|(p, _)| f.starts_with(p))
                    .expect("prefijo");
                if !allowed.contains(user) && !sent.contains(&f) {
                    leaks.push(format!("{user:>15} {ep:?}: recibió {f}"));
                }
            }
        }
    }
    assert_eq!(rows, TABLE.len() * COLUMNS.len());
    assert!(
        wrong.is_empty() && leaks.is_empty(),
        "{} de {rows} celdas difieren:\n{}\n{} folios revelados:\n{}",
        wrong.len(),
        wrong.join("\n"),
        leaks.len(),
        leaks.join("\n")
    );
}

on_both_backends!(
    lists_hold_exactly_what_each_account_may_read,
    tokio::test(flavor = "multi_thread")
);
/// A refusal outside the caller's scope never says more than "does not exist", and the
/// lists of each account hold exactly the cases it may read.
async fn lists_hold_exactly_what_each_account_may_read(backend: Backend) {
    let s = start(backend).await;
    let fx = Fixtures::new(&s).await;
    let denied_sej = "SEJ-ARCO-2026-00002";
    let (sej, ssj, mun) = (&fx.show["SEJ"], &fx.show["SSJ"], &fx.show["MUN"]);
    let (rr_itei, rr_otro) = (&fx.appeal["ITEI"], &fx.appeal["OTRO"]);
    let page = |r: Resp| -> Vec<String> {
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["folio"].as_str().unwrap().to_string())
            .collect()
    };
    let v = |xs: &[&String]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let sej_all = vec![sej.clone(), denied_sej.to_string()];

    // Requests.
    for user in ["sej.staff", "sej.head", "sej.committee", "sej.auditor"] {
        assert_eq!(page(s.get("/v1/requests", user).await), sej_all, "{user}");
    }
    assert_eq!(page(s.get("/v1/requests", "ssj.staff").await), v(&[ssj]));
    assert_eq!(page(s.get("/v1/requests", "mun.staff").await), v(&[mun]));
    assert!(page(s.get("/v1/requests", "itei.auditor").await).is_empty());
    assert_eq!(
        page(s.get("/v1/requests?body=SEJ", "itei.guarantor").await),
        sej_all
    );
    assert_eq!(
        page(s.get("/v1/requests?body=SSJ", "itei.guarantor").await),
        v(&[ssj])
    );
    assert_eq!(
        page(s.get("/v1/requests?body=MUN", "otro.guarantor").await),
        v(&[mun])
    );
    // A guarantor asking for a body it does not oversee.
    let p = s
        .get("/v1/requests?body=MUN", "itei.guarantor")
        .await
        .problem(403);
    assert!(!p.to_string().contains("MUN-ARCO"), "{p}");
    let mut every = vec![
        mun.clone(),
        sej.clone(),
        denied_sej.to_string(),
        ssj.clone(),
    ];
    every.sort();
    assert_eq!(page(s.get("/v1/requests", "admin").await), every);
    assert_eq!(
        page(s.get("/v1/requests?body=MUN", "admin").await),
        v(&[mun])
    );

    // Appeals: the guarantor's own; the body's, against it.
    for user in [
        "sej.staff",
        "sej.committee",
        "sej.auditor",
        "itei.guarantor",
    ] {
        assert_eq!(
            page(s.get("/v1/appeals", user).await),
            v(&[rr_itei]),
            "{user}"
        );
    }
    assert!(page(s.get("/v1/appeals", "ssj.staff").await).is_empty());
    assert_eq!(page(s.get("/v1/appeals", "mun.staff").await), v(&[rr_otro]));
    assert_eq!(
        page(s.get("/v1/appeals", "otro.guarantor").await),
        v(&[rr_otro])
    );
    assert_eq!(
        page(s.get("/v1/appeals", "admin").await),
        v(&[rr_itei, rr_otro])
    );

    // Due items: within the caller's scope only.
    let due = s
        .get("/v1/due?as_of=2026-02-09&within=366", "ssj.staff")
        .await;
    due.expect(200);
    assert!(
        !due.text.contains("SEJ-ARCO") && !due.text.contains("MUN-ARCO"),
        "{}",
        due.text
    );
    let due = s
        .get("/v1/due?as_of=2026-02-25&within=366", "otro.guarantor")
        .await;
    due.expect(200);
    assert!(
        !due.text.contains("ITEI-RR") && !due.text.contains("SEJ-ARCO"),
        "{}",
        due.text
    );
    assert!(due.text.contains(rr_otro.as_str()), "{}", due.text);
    let due = s
        .get("/v1/due?as_of=2026-02-25&within=366", "itei.guarantor")
        .await;
    assert!(due.text.contains(rr_itei.as_str()), "{}", due.text);
    assert!(!due.text.contains("OTRO-RR"), "{}", due.text);
}

on_both_backends!(
    refused_acts_write_nothing,
    tokio::test(flavor = "multi_thread")
);
/// What an act records: who did it and in which role; the administrator and auditors
/// leave no trace when refused.
async fn refused_acts_write_nothing(backend: Backend) {
    let s = start(backend).await;
    let f = s.file("sej.staff", "SEJ", FILED).await;
    let show = format!("/v1/requests/{f}");
    for user in [
        "sej.committee",
        "sej.auditor",
        "itei.guarantor",
        "admin",
        "ssj.staff",
        "otro.guarantor",
    ] {
        let r = s
            .act(user, &f, json!({"act": "admitted"}), "2026-02-06T10:00")
            .await;
        assert!(matches!(r.status, 403 | 404), "{user}: {}", r.text);
        http_common::assert_problem_shape(&r);
    }
    // The Comité's refusal says whose act it is.
    let r = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "admitted"}),
            "2026-02-06T10:00",
        )
        .await;
    r.expect(200);
    let p = s
        .act(
            "sej.staff",
            &f,
            json!({"act": "resolved", "outcome": "granted"}),
            "2026-02-12T10:00",
        )
        .await
        .problem(403);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("Comité de Transparencia"),
        "{p}"
    );
    let v = s.get(&show, "sej.auditor").await.json();
    let log = v["log"].as_array().unwrap();
    assert_eq!(log.len(), 2, "{v}");
    assert_eq!(log[1]["actor"], "sej.staff");
    assert_eq!(log[1]["role"], "unit_staff");
    // The Comité resolves; its role is recorded.
    let r = s
        .act(
            "sej.committee",
            &f,
            json!({"act": "resolved", "outcome": "granted"}),
            "2026-02-12T10:00",
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["log"][2]["role"], "committee");
}
