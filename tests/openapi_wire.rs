//! The OpenAPI document against the wire (issue 19): every act the procedures know has its
//! own schema in its procedure's `oneOf`, discriminated by `act`; every act as the domain
//! serializes it validates against that schema, and acts the domain refuses for their
//! ranges do not; and the answers of a real server (the case, its timeline, a breach,
//! lists, due items, problems) validate against the schemas the document gives them.

mod common;
mod http_common;

use std::collections::BTreeSet;

use arco::appeal::{AppealActKind, FINE_UMA, REINCIDENT_FINE_UMA, sample_appeal_acts};
use arco::breach::{BreachActKind, sample_breach_acts};
use arco::http::openapi::document_json;
use arco::http::schemas::{self, act_schema_name};
use arco::request::{ActKind, sample_acts};
use common::Backend;
use http_common::{Resp, start};
use serde_json::{Value, json};

/// A validator for the component `name` of `doc`, its references resolved in `doc`.
fn validator(doc: &Value, name: &str) -> jsonschema::Validator {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("el esquema {name} no compila: {e}"))
}

/// Panics, naming every error, unless `v` validates against the component `name`.
fn assert_valid(doc: &Value, name: &str, v: &Value) {
    let val = validator(doc, name);
    let errors: Vec<String> = val
        .iter_errors(v)
        .map(|e| format!("{} en {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{v} no cumple {name}:\n{}",
        errors.join("\n")
    );
}

fn assert_invalid(doc: &Value, name: &str, v: &Value) {
    assert!(
        !validator(doc, name).is_valid(v),
        "{v} no debería cumplir {name}"
    );
}

/// The acts filed by their own route, with the schema their filing carries (`None`: the
/// request's filing is its own document, `FileRequest`).
const FILINGS: &[(&str, Option<&str>)] = &[
    ("filed", None),
    ("appeal_filed", Some("AppealActAppealFiled")),
    ("breach_detected", Some("BreachActBreachDetected")),
];

#[test]
fn every_act_of_every_procedure_has_its_schema_in_the_discriminator() {
    let doc = document_json();
    let filed: BTreeSet<&str> = FILINGS.iter().map(|(a, _)| *a).collect();
    for (union, acts) in schemas::procedures() {
        let mapped: BTreeSet<String> = schemas::discriminated_acts(doc, union)
            .into_iter()
            .collect();
        assert!(!mapped.is_empty(), "{union} sin discriminador");
        assert_eq!(
            doc["components"]["schemas"][union]["discriminator"]["propertyName"],
            "act"
        );
        for a in &acts {
            if filed.contains(a) {
                assert!(
                    !mapped.contains(*a),
                    "{a} se registra al presentar, no como acto de {union}"
                );
            } else {
                assert!(mapped.contains(*a), "{union}: falta el esquema de «{a}»");
            }
        }
        assert_eq!(
            mapped.len() + acts.iter().filter(|a| filed.contains(*a)).count(),
            acts.len(),
            "{union}: el discriminador nombra actos que el procedimiento no conoce: {mapped:?}"
        );
        // The oneOf and the mapping are the same schemas, each of its act only.
        let one_of: BTreeSet<String> = doc["components"]["schemas"][union]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["$ref"].as_str().unwrap().to_string())
            .collect();
        for a in &mapped {
            let name = act_schema_name(union, a);
            let reference = format!("#/components/schemas/{name}");
            assert!(
                one_of.contains(&reference),
                "{union}: {name} fuera de oneOf"
            );
            assert_eq!(
                doc["components"]["schemas"][union]["discriminator"]["mapping"][a],
                reference.as_str()
            );
            let s = &doc["components"]["schemas"][&name];
            assert_eq!(s["properties"]["act"]["enum"], json!([a]), "{name}");
            assert_eq!(s["additionalProperties"], false, "{name}");
            assert!(
                s["description"].as_str().is_some_and(|d| d.len() > 10),
                "{name} sin descripción"
            );
        }
        assert_eq!(one_of.len(), mapped.len());
    }
}

/// Each procedure's samples (`sample_acts` and the like: one act per shape the procedure
/// treats differently), as the domain serializes them.
fn samples() -> Vec<(&'static str, &'static str, Value)> {
    let mut out = Vec::new();
    for k in ActKind::ALL {
        for a in sample_acts(k) {
            out.push(("RequestAct", k.as_str(), serde_json::to_value(a).unwrap()));
        }
    }
    for k in AppealActKind::ALL {
        for a in sample_appeal_acts(*k) {
            out.push(("AppealAct", k.as_str(), serde_json::to_value(a).unwrap()));
        }
    }
    for k in BreachActKind::ALL {
        for a in sample_breach_acts(*k) {
            out.push(("BreachAct", k.as_str(), serde_json::to_value(a).unwrap()));
        }
    }
    out
}

#[test]
fn every_act_the_domain_serializes_validates_against_its_schema() {
    let doc = document_json();
    let mut seen = BTreeSet::new();
    for (union, kind, v) in samples() {
        assert_eq!(v["act"], kind);
        seen.insert(kind);
        match FILINGS.iter().find(|(a, _)| *a == kind) {
            Some((_, Some(schema))) => assert_valid(doc, schema, &v),
            Some((_, None)) => {}
            None => {
                assert_valid(doc, &act_schema_name(union, kind), &v);
                // Through the union too, as a client sends it.
                assert_valid(doc, union, &v);
                assert_valid(
                    doc,
                    &format!("{union}Input"),
                    &json!({"act": v, "at": "2026-02-06T10:00"}),
                );
            }
        }
    }
    let all = ActKind::ALL.len() + AppealActKind::ALL.len() + BreachActKind::ALL.len();
    assert_eq!(seen.len(), all, "un acto sin muestra");
}

#[test]
fn the_ranges_are_the_procedures_own() {
    let doc = document_json();
    let s = &doc["components"]["schemas"];
    // Art. 59.2: «hasta por cinco días», as the rulebook says.
    // An optional field admits `null`, as serde reads it: its range is in the first branch.
    let days = &s["RequestActExtensionNotified"]["properties"]["days"]["anyOf"][0];
    assert_eq!(days["minimum"], 1);
    assert_eq!(days["maximum"], schemas::request_extension_days());
    assert_eq!(schemas::request_extension_days(), 5);
    // Art. 112.3 and 143.2: 150 to 1,500 UMA, twice the maximum for a reincidente.
    let uma = &s["AppealActFineImposed"]["properties"]["uma"];
    assert_eq!(uma["minimum"], FINE_UMA.0);
    assert_eq!(uma["maximum"], REINCIDENT_FINE_UMA);
    assert!(uma["description"].as_str().unwrap().contains("art. 143.2"));
    let fine = |uma: u32, reincidence: Option<bool>| {
        let mut v = json!({"act": "fine_imposed", "days": 5, "uma": uma});
        if let Some(r) = reincidence {
            v["reincidence"] = json!(r);
        }
        v
    };
    for (v, ok) in [
        (fine(150, None), true),
        (fine(1500, None), true),
        (fine(1501, None), false),
        (fine(1501, Some(false)), false),
        (fine(3000, Some(true)), true),
        (fine(3001, Some(true)), false),
        (fine(149, Some(true)), false),
    ] {
        if ok {
            assert_valid(doc, "AppealAct", &v);
        } else {
            assert_invalid(doc, "AppealAct", &v);
        }
    }
    // Refused by the schema, as the procedure refuses them (when reading the act or when
    // recording it).
    for (union, bad) in [
        (
            "RequestAct",
            json!({"act": "extension_notified", "days": 6}),
        ),
        (
            "RequestAct",
            json!({"act": "extension_notified", "days": 0}),
        ),
        ("RequestAct", json!({"act": "admitted", "days": 3})),
        (
            "RequestAct",
            json!({"act": "improcedence_notified", "cause": "XI"}),
        ),
        (
            "RequestAct",
            json!({"act": "improcedence_notified", "cause": 0}),
        ),
        ("RequestAct", json!({"act": "filed", "right": "access"})),
        (
            "RequestAct",
            json!({"act": "identity_accredited", "standing": "representative", "means": "official_id"}),
        ),
        (
            "RequestAct",
            json!({"act": "identity_accredited", "standing": "titular", "means": "official_id", "instrument": "power_letter"}),
        ),
        (
            "AppealAct",
            json!({"act": "appeal_dismissed", "cause": "VIII"}),
        ),
        (
            "AppealAct",
            json!({"act": "appeal_resolved", "outcome": "revoked"}),
        ),
        (
            "AppealAct",
            json!({"act": "appeal_resolved", "outcome": "confirmed", "compliance_days": 5}),
        ),
        (
            "AppealAct",
            json!({"act": "appeal_resolved", "outcome": "revoked", "compliance_days": 11}),
        ),
        ("AppealAct", json!({"act": "public_warning", "days": 11})),
        (
            "AppealAct",
            json!({"act": "fine_imposed", "days": 6, "uma": 200}),
        ),
        (
            "AppealAct",
            json!({"act": "compliance_extension_ruled", "granted_days": 366}),
        ),
        (
            "BreachAct",
            json!({"act": "breach_analysed", "significant": true}),
        ),
        (
            "BreachAct",
            json!({"act": "breach_analysed", "significant": false, "rights": ["moral"], "reason": "recovered"}),
        ),
        (
            "BreachAct",
            json!({"act": "corrective_measures", "stage": "immediate", "measures": []}),
        ),
        ("BreachAct", json!({"act": "breach_closed", "note": "x"})),
    ] {
        assert_invalid(doc, union, &bad);
    }
    // A fracción as the acts read it: a Roman numeral in any case, or its number.
    for cause in [json!("iv"), json!(" IV "), json!(4), json!("4"), json!("X")] {
        let v = json!({"act": "improcedence_notified", "cause": cause});
        assert_valid(doc, "RequestAct", &v);
        serde_json::from_value::<arco::request::RequestAct>(v).expect("el dominio la lee");
    }
}

#[test]
fn every_problem_type_is_listed_and_operations_are_linked() {
    let doc = document_json();
    let types = doc["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap();
    for key in [
        "dato-invalido",
        "acto-improcedente",
        "no-encontrado",
        "sin-permiso",
        "no-autenticado",
        "conflicto-de-version",
        "error-interno",
    ] {
        assert!(
            types.contains(&json!(format!("urn:arco:problema:{key}"))),
            "falta {key}"
        );
    }
    // Operation ids are unique, so links can name them.
    let mut ids = BTreeSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_string()), "operationId repetido: {id}");
        }
    }
    let id = |path: &str, m: &str| doc["paths"][path][m]["operationId"].clone();
    for (filing, case, acts) in [
        (
            "/v1/requests",
            "/v1/requests/{folio}",
            "/v1/requests/{folio}/acts",
        ),
        (
            "/v1/appeals",
            "/v1/appeals/{folio}",
            "/v1/appeals/{folio}/acts",
        ),
        (
            "/v1/breaches",
            "/v1/breaches/{folio}",
            "/v1/breaches/{folio}/acts",
        ),
    ] {
        let links = &doc["paths"][filing]["post"]["responses"]["201"]["links"];
        assert_eq!(links["caso"]["operationId"], id(case, "get"), "{filing}");
        assert_eq!(links["actos"]["operationId"], id(acts, "post"), "{filing}");
        assert_eq!(
            links["caso"]["parameters"]["folio"],
            "$response.body#/folio"
        );
        let links = &doc["paths"][case]["get"]["responses"]["200"]["links"];
        assert_eq!(links["actos"]["operationId"], id(acts, "post"), "{case}");
        // The acts' bodies are the procedure's own.
        let body = &doc["paths"][acts]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"];
        assert!(
            body.as_str().unwrap().ends_with("ActInput"),
            "{acts}: {body}"
        );
    }
}

fn check(doc: &Value, name: &str, r: &Resp, status: u16) -> Value {
    r.expect(status);
    let v = r.json();
    assert_valid(doc, name, &v);
    v
}

on_both_backends!(
    a_servers_answers_validate_against_the_document,
    tokio::test(flavor = "multi_thread")
);
/// A request taken to fulfilment, appealed, and a breach through its notice: every answer
/// validates against the schema the document gives it.
async fn a_servers_answers_validate_against_the_document(backend: Backend) {
    let s = start(backend).await;
    let doc = s.get_with("/openapi.json", None).await.json();
    let (staff, committee) = ("sej.staff", "sej.committee");
    let r = s
        .post(
            "/v1/requests",
            staff,
            &json!({"right": "access", "at": "2026-02-05T10:00", "body": "SEJ", "channel": "pnt", "external_folio": "140287926000123"}),
        )
        .await;
    let f = check(&doc, "CaseDetail", &r, 201)["folio"]
        .as_str()
        .unwrap()
        .to_string();
    for (who, act, at) in [
        (
            staff,
            json!({"act": "identity_accredited", "standing": "representative", "means": "official_id", "instrument": "power_letter"}),
            "2026-02-05T11:00",
        ),
        (staff, json!({"act": "admitted"}), "2026-02-06T10:00"),
        (
            staff,
            json!({"act": "extension_notified", "days": 3}),
            "2026-02-10T10:00",
        ),
        (
            committee,
            json!({"act": "resolved", "outcome": "partially_granted"}),
            "2026-02-12T10:00",
        ),
        (
            staff,
            json!({"act": "resolution_notified"}),
            "2026-02-13T10:00",
        ),
        (
            staff,
            json!({"act": "fulfilled", "delivery": {"modality": "simple_copy", "pages": 25, "page_cost": 100}}),
            "2026-02-16T10:00",
        ),
    ] {
        let body = json!({"act": act, "at": at});
        assert_valid(&doc, "RequestActInput", &body);
        let r = s.post(&format!("/v1/requests/{f}/acts"), who, &body).await;
        check(&doc, "CaseDetail", &r, 200);
    }
    let shown = check(
        &doc,
        "CaseDetail",
        &s.get(&format!("/v1/requests/{f}?as_of=2026-03-02"), staff)
            .await,
        200,
    );
    assert!(!shown["timeline"].as_array().unwrap().is_empty());
    assert_eq!(shown["amount_due"], 500, "{shown}");
    // A refused act: the problem, with its state and act.
    let r = s
        .post(
            &format!("/v1/requests/{f}/acts"),
            staff,
            &json!({"act": {"act": "admitted"}, "at": "2026-02-17T10:00"}),
        )
        .await;
    let p = check(&doc, "Problem", &r, 409);
    assert_eq!(p["type"], "urn:arco:problema:acto-improcedente");
    let r = s
        .post(
            &format!("/v1/requests/{f}/acts"),
            staff,
            &json!({"act": {"act": "admitted", "days": 2}}),
        )
        .await;
    check(&doc, "Problem", &r, 422);
    check(
        &doc,
        "Problem",
        &s.get("/v1/requests/SEJ-ARCO-2026-09999", staff).await,
        404,
    );
    check(
        &doc,
        "Problem",
        &s.get_with("/v1/requests", None).await,
        401,
    );
    check(
        &doc,
        "CasePage",
        &s.get("/v1/requests?as_of=2026-03-02", staff).await,
        200,
    );
    check(
        &doc,
        "DueItems",
        &s.get("/v1/due?as_of=2026-02-06&within=30", staff).await,
        200,
    );
    // `Prefer: return=minimal`: what was recorded.
    let g = s.file(staff, "SEJ", "2026-02-05T10:00").await;
    let r = s
        .send(
            s.client
                .post(s.url(&format!("/v1/requests/{g}/acts")))
                .bearer_auth(s.token(staff))
                .header("prefer", "return=minimal")
                .json(&json!({"act": {"act": "admitted"}, "at": "2026-02-06T10:00"})),
        )
        .await;
    r.expect(200);
    assert_valid(&doc, "ActRecorded", &r.json());

    // An appeal and its compliance.
    let denied = s.denied_request().await;
    let r = s
        .file_appeal("itei.guarantor", &denied, "guarantor", "2026-02-20T10:00")
        .await;
    let a = check(&doc, "CaseDetail", &r, 201)["folio"]
        .as_str()
        .unwrap()
        .to_string();
    for act in [
        json!({"act": "appeal_turned"}),
        json!({"act": "appeal_admitted"}),
    ] {
        let body = json!({"act": act, "at": "2026-02-23T10:00"});
        assert_valid(&doc, "AppealActInput", &body);
        let r = s
            .post(&format!("/v1/appeals/{a}/acts"), "itei.guarantor", &body)
            .await;
        check(&doc, "CaseDetail", &r, 200);
    }
    let appeal = check(
        &doc,
        "CaseDetail",
        &s.get(
            &format!("/v1/appeals/{a}?as_of=2026-03-02"),
            "itei.guarantor",
        )
        .await,
        200,
    );
    assert_eq!(appeal["parent"], denied.as_str());
    assert!(appeal["appeal"].is_object(), "{appeal}");
    check(
        &doc,
        "CasePage",
        &s.get("/v1/appeals?as_of=2026-03-02", "itei.guarantor")
            .await,
        200,
    );

    // A breach, confirmed and notified to the guarantor.
    let r = s
        .post(
            "/v1/breaches",
            staff,
            &json!({"body": "SEJ", "at": "2026-03-13T10:00", "act": {"act": "breach_detected", "occurred_on": "2026-03-12"}}),
        )
        .await;
    let b = check(&doc, "BreachDetail", &r, 201)["folio"]
        .as_str()
        .unwrap()
        .to_string();
    let notice = json!({"nature": "theft", "data": ["identification"], "recommendations": ["change_passwords"], "immediate_actions": ["access_revoked"], "information": ["email"]});
    for (act, at) in [
        (
            json!({"act": "breach_confirmed", "kind": "theft", "cause": "physical_loss", "data": ["identification"], "titulars": 40}),
            "2026-03-13T12:00",
        ),
        (
            json!({"act": "breach_analysed", "significant": true, "rights": ["moral"]}),
            "2026-03-14T10:00",
        ),
        (
            json!({"act": "guarantor_notified", "notice": notice}),
            "2026-03-14T11:00",
        ),
        (
            json!({"act": "titulars_notified", "notice": notice, "means": "email", "count": 40, "completes": true}),
            "2026-03-14T12:00",
        ),
    ] {
        let body = json!({"act": act, "at": at});
        assert_valid(&doc, "BreachActInput", &body);
        let r = s
            .post(&format!("/v1/breaches/{b}/acts"), staff, &body)
            .await;
        check(&doc, "BreachDetail", &r, 200);
    }
    check(
        &doc,
        "BreachDetail",
        &s.get(&format!("/v1/breaches/{b}?as_of=2026-03-20T10:00"), staff)
            .await,
        200,
    );
}

#[test]
fn every_change_of_the_social_register_validates_against_its_schema() {
    let doc = document_json();
    let samples = [
        json!({"change": "registered", "platform": "x", "handle": "@SEJalisco", "url": "https://x.com/SEJalisco", "kind": "official", "area": "Comunicación Social"}),
        json!({"change": "registered", "platform": "facebook", "handle": "juan.perez", "kind": "servant_personal", "servant_level": "level_1", "area": "Despacho", "verification": "verified"}),
        json!({"change": "edited", "area": "Prensa"}),
        json!({"change": "run_by_area", "from": "2026-01-01", "to": "2026-12-31"}),
        json!({"change": "gestor_added", "name": "Ana López", "kind": "servant", "position": "Jefa de prensa"}),
        json!({"change": "gestor_added", "name": "Agencia SA", "kind": "external", "email": "cuentas@agencia.mx"}),
        json!({"change": "gestor_left", "gestor": 1}),
        json!({"change": "passwords_rotated"}),
        json!({"change": "compromised", "breach": "SEJ-VS-2026-00001"}),
        json!({"change": "retired"}),
    ];
    let mapped: BTreeSet<String> =
        doc["components"]["schemas"]["SocialChange"]["discriminator"]["mapping"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
    let mut seen = BTreeSet::new();
    for v in samples {
        // As the domain reads it and writes it back.
        let change: arco::social::Change =
            serde_json::from_value(v.clone()).expect("el dominio lo lee");
        seen.insert(change.name().to_string());
        let wire = serde_json::to_value(&change).unwrap();
        assert_valid(doc, "SocialChange", &wire);
        assert_valid(
            doc,
            "ChangeInput",
            &json!({"on": "2026-03-02", "change": v}),
        );
    }
    assert_eq!(seen, mapped, "cada cambio del registro tiene su esquema");
    // And every change the register knows has one: a new kind without a schema fails here.
    let known: BTreeSet<String> = arco::social::ChangeKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    assert_eq!(known, mapped, "los cambios que conoce el registro");
    // Blanks around a text do not count toward its limit, as the register trims them.
    let padded = json!({"change": "registered", "platform": "x", "handle": format!(" {}{}", "a".repeat(100), " ".repeat(99)), "kind": "official", "area": "A"});
    assert_valid(doc, "SocialChange", &padded);
    let long = json!({"change": "registered", "platform": "x", "handle": "a".repeat(101), "kind": "official", "area": "A"});
    assert_invalid(doc, "SocialChange", &long);
    for bad in [
        json!({"change": "passwords_rotated", "password": "x"}),
        json!({"change": "registered", "platform": "x", "handle": "con espacio", "kind": "official", "area": "A"}),
        json!({"change": "edited", "url": "ftp://x"}),
        json!({"change": "gestor_added", "name": "", "kind": "servant"}),
        json!({"change": "gestor_added", "name": "Ana", "kind": "servant", "email": "Ana <ana@sej.gob.mx>"}),
        json!({"change": "gestor_added", "name": "Ana", "kind": "servant", "email": "ana en sej"}),
    ] {
        assert_invalid(doc, "SocialChange", &bad);
    }
}
