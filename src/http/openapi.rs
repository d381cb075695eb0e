//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    appeals, breaches, documents, expediente, feeds, me, problem, reports, requests, social,
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
        social::post_action,
    ),
    components(schemas(problem::Problem, requests::ActRecorded)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
