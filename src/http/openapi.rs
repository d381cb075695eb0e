//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use serde_json::{Value, json};

use super::{
    appeals, breaches, documents, expediente, feeds, me, problem, reports, requests, schemas,
    social,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "arco",
        description = "Solicitudes de derechos ARCO, recursos de revisión y vulneraciones de seguridad (LPDPPSOJ, Jalisco): actos, plazos en días hábiles (y en horas, los avisos de una vulneración) y expedientes. Los errores son documentos RFC 9457 (application/problem+json) con detalle en español."
    ),
    paths(
        me::health, me::login, me::logout, me::me, me::new_feed, me::bodies,
        feeds::due, feeds::ics,
        requests::file, requests::list, requests::show, requests::act, requests::acuse,
        expediente::show, expediente::assign, expediente::non_cooperation, expediente::add_note,
        appeals::file, appeals::list, appeals::show, appeals::act,
        documents::upload_request, documents::list_request, documents::download_request,
        documents::upload_appeal, documents::list_appeal, documents::download_appeal,
        documents::purge,
        reports::requests, reports::request_cases, reports::register,
        reports::appeals, reports::appeal_cases,
        breaches::list, breaches::detect, breaches::show, breaches::act, breaches::allowed,
        breaches::bitacora,
        social::list, social::directory, social::register, social::show, social::change,
        social::compromised, social::publication, social::point, social::forget,
        social::post_action, social::erase_gestor,
    ),
    components(schemas(problem::Problem, requests::ActRecorded)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn document() -> Json<Value> {
    Json(document_json().clone())
}

/// The whole document: the one utoipa derives from the handlers, with the typed schemas
/// of [`schemas`] in place of the free-form objects, unique operation ids and the links
/// from a filing to its case and from a case to its acts. Built once.
pub fn document_json() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
        type_it(&mut doc);
        doc
    })
}

/// (path, method, status, schema): the answers that carry a typed document.
const ANSWERS: &[(&str, &str, &str, &str)] = &[
    ("/v1/requests", "post", "201", "CaseDetail"),
    ("/v1/requests/{folio}", "get", "200", "CaseDetail"),
    ("/v1/appeals", "post", "201", "CaseDetail"),
    ("/v1/appeals/{folio}", "get", "200", "CaseDetail"),
    ("/v1/appeals/{folio}/acts", "post", "200", "CaseDetail"),
    ("/v1/breaches", "post", "201", "BreachDetail"),
    ("/v1/breaches/{folio}", "get", "200", "BreachDetail"),
    ("/v1/breaches/{folio}/acts", "post", "200", "BreachDetail"),
];

/// (path, schema): the acts' bodies.
const ACT_BODIES: &[(&str, &str)] = &[
    ("/v1/requests/{folio}/acts", "RequestActInput"),
    ("/v1/appeals/{folio}/acts", "AppealActInput"),
    ("/v1/breaches/{folio}/acts", "BreachActInput"),
];

/// (path of the filing, path of the case, path of its acts, what it is).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "/v1/requests",
        "/v1/requests/{folio}",
        "/v1/requests/{folio}/acts",
        "la solicitud",
    ),
    (
        "/v1/appeals",
        "/v1/appeals/{folio}",
        "/v1/appeals/{folio}/acts",
        "el recurso",
    ),
    (
        "/v1/breaches",
        "/v1/breaches/{folio}",
        "/v1/breaches/{folio}/acts",
        "la vulneración",
    ),
];

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn set_json_body(op: &mut Value, status: &str, schema: Value) {
    op["responses"][status]["content"]["application/json"]["schema"] = schema;
}

fn type_it(doc: &mut Value) {
    unique_operation_ids(doc);
    let components = &mut doc["components"]["schemas"];
    for (name, schema) in schemas::components() {
        components[name] = schema;
    }
    // The filings carry the first act of their procedure.
    components["FileAppeal"]["properties"]["filing"] =
        schema_ref(&schemas::act_schema_name("AppealAct", "appeal_filed"));
    components["DetectBreach"]["properties"]["act"] =
        schema_ref(&schemas::act_schema_name("BreachAct", "breach_detected"));
    components["ChangeInput"]["properties"]["change"] = schema_ref("SocialChange");
    // The free-form act of the routes, replaced by each procedure's own.
    if let Some(o) = components.as_object_mut() {
        o.remove("ActInput");
    }
    let problem = &mut components["Problem"]["properties"]["type"];
    let uris: Vec<String> = schemas::PROBLEM_TYPES
        .iter()
        .map(|(k, _)| format!("urn:arco:problema:{k}"))
        .collect();
    let listed: Vec<String> = schemas::PROBLEM_TYPES
        .iter()
        .map(|(k, when)| format!("`urn:arco:problema:{k}` ({when})"))
        .collect();
    *problem = json!({
        "type": "string",
        "enum": uris,
        "description": format!("El tipo de problema: {}.", listed.join("; ")),
    });
    let paths = &mut doc["paths"];
    for (path, method, status, schema) in ANSWERS {
        set_json_body(&mut paths[*path][*method], status, schema_ref(schema));
    }
    for (path, schema) in ACT_BODIES {
        paths[*path]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            schema_ref(schema);
    }
    // An act on a request answers the case, or with `Prefer: return=minimal` only what
    // was recorded.
    set_json_body(
        &mut paths["/v1/requests/{folio}/acts"]["post"],
        "200",
        json!({"anyOf": [schema_ref("CaseDetail"), schema_ref("ActRecorded")]}),
    );
    links(doc);
}

/// Operation ids from the handlers' names repeat across modules (`show`, `act`...): a
/// repeated one gets the first segment of its path (`show_requests`), or all of them if
/// that still repeats (`show_requests_expediente`).
fn unique_operation_ids(doc: &mut Value) {
    use std::collections::HashMap;
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    let segments = |path: &str| -> Vec<String> {
        path.trim_start_matches("/v1/")
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .map(|s| s.replace(['-', '.'], "_"))
            .collect()
    };
    // (path, method, id) of every operation.
    let mut ops = Vec::new();
    for (path, item) in paths.iter() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                ops.push((path.clone(), method.clone(), id.to_string()));
            }
        }
    }
    let count = |ids: &[String]| {
        let mut n = HashMap::<String, usize>::new();
        for id in ids {
            *n.entry(id.clone()).or_default() += 1;
        }
        n
    };
    let ids: Vec<String> = ops.iter().map(|o| o.2.clone()).collect();
    let seen = count(&ids);
    let first: Vec<String> = ops
        .iter()
        .map(|(path, _, id)| match seen[id] {
            1 => id.clone(),
            _ => format!(
                "{id}_{}",
                segments(path).first().cloned().unwrap_or_default()
            ),
        })
        .collect();
    let again = count(&first);
    for ((path, method, id), candidate) in ops.iter().zip(first) {
        let new = if again[&candidate] > 1 {
            format!("{id}_{}", segments(path).join("_"))
        } else {
            candidate
        };
        paths[path][method]["operationId"] = Value::from(new);
    }
}

fn operation_id(doc: &Value, path: &str, method: &str) -> Value {
    doc["paths"][path][method]["operationId"].clone()
}

/// Links (OpenAPI 3.1, §4.8.20) from a filing to its case and to its acts, from the case
/// to its acts, and from an act to the next: a client, or a stateful fuzzer, follows the
/// folio the answer carries.
fn links(doc: &mut Value) {
    let folio = json!({"folio": "$response.body#/folio"});
    let mut add = Vec::new();
    for (filing, case, acts, what) in CASES {
        let show = operation_id(doc, case, "get");
        let act = operation_id(doc, acts, "post");
        let to_case = json!({"operationId": show, "parameters": folio, "description": format!("El expediente de {what} recién registrado.")});
        let to_acts = json!({"operationId": act, "parameters": folio, "description": format!("Registrar un acto en {what}.")});
        add.push((
            *filing,
            "post",
            "201",
            json!({"caso": to_case, "actos": to_acts.clone()}),
        ));
        add.push((*case, "get", "200", json!({"actos": to_acts.clone()})));
        add.push((
            *acts,
            "post",
            "200",
            json!({"caso": {"operationId": show, "parameters": folio, "description": format!("El expediente de {what} después del acto.")}, "siguiente_acto": to_acts}),
        ));
    }
    // A request filed may be appealed.
    let appeal = operation_id(doc, "/v1/appeals", "post");
    add.push((
        "/v1/requests",
        "post",
        "201",
        json!({"recurso": {"operationId": appeal, "requestBody": {"request": "$response.body#/folio", "filing": {"act": "appeal_filed", "venue": "guarantor", "ground": "VII"}}, "description": "Interponer un recurso de revisión contra la solicitud (art. 99)."}}),
    ));
    for (path, method, status, links) in add {
        let response = &mut doc["paths"][path][method]["responses"][status];
        if !response.is_object() {
            continue;
        }
        let target = &mut response["links"];
        if !target.is_object() {
            *target = json!({});
        }
        if let (Some(t), Value::Object(l)) = (target.as_object_mut(), links) {
            t.extend(l);
        }
    }
}
