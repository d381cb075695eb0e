//! The typed schemas of the OpenAPI document that are written by hand: every act of every
//! procedure, the case detail and its timeline, a breach's detail, and the problem
//! document with its `type` URIs.
//!
//! Written here rather than derived because the acts' JSON is read by hand-written
//! deserializers (a Roman numeral or a number for a fracción, no field beyond the act's,
//! checks across fields that the procedure makes), the case detail flattens the replay's
//! view, and a person reads these descriptions in Spanish. What keeps them true to the
//! wire is `tests/openapi_wire.rs`: a sample of every act, serialized by the domain, and
//! real answers of a server must validate against them, and every act the procedures
//! know must have its schema. Ranges come from the domain's own constants and from the
//! built-in rulebook, so a change of the law's numbers changes the document too.

use serde_json::{Map, Value, json};

use crate::appeal::{AppealActKind, AppealOutcome, AppealState, FINE_UMA, REINCIDENT_FINE_UMA};
use crate::breach::{
    AffectedRight, BreachActKind, BreachCause, BreachKind, BreachState, DataCategory,
    InformationChannel, InvestigationOutcome, MAX_TITULARS, Measure, MeasureStage,
    NotSignificantReason, NoticeMeans, Recommendation,
};
use crate::case::DeadlineStatus;
use crate::request::reception::{IdentityMeans, Instrument, Standing};
use crate::request::{ActKind, Channel, RequestState, Right};
use crate::rules::{Rulebooks, TermId};

/// The name of a value on the wire, as the domain serializes it.
fn wire<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        other => panic!("{other:?} no es un nombre"),
    }
}

const RIGHTS: [Right; 5] = [
    Right::Access,
    Right::Rectification,
    Right::Cancellation,
    Right::Opposition,
    Right::Portability,
];

const APPEAL_OUTCOMES: [AppealOutcome; 6] = [
    AppealOutcome::Dismissed,
    AppealOutcome::Sobreseido,
    AppealOutcome::Confirmed,
    AppealOutcome::Modified,
    AppealOutcome::Revoked,
    AppealOutcome::DeliveryOrdered,
];

/// A schema's reference.
fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A closed list of strings.
fn strings<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Value {
    let v: Vec<&str> = values.into_iter().collect();
    json!({"type": "string", "enum": v, "description": description})
}

/// `snake_case` to `PascalCase`, for a schema's name.
fn pascal(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The name of the schema of the act `act` of a procedure (`RequestAct`, `AppealAct`,
/// `BreachAct`): `RequestActAdmitted`, `AppealActFineImposed`...
pub fn act_schema_name(procedure: &str, act: &str) -> String {
    format!("{procedure}{}", pascal(act))
}

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// A fracción I to `max` of an article, as the acts read it: a Roman numeral (any case,
/// blanks around it ignored) or its number, as a JSON number or a string.
fn fraction(max: usize, description: &str) -> Value {
    let romans: Vec<String> = ROMAN[..max]
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| format!("[{c}{}]", c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect();
    let numbers = match max {
        7 => "[1-7]",
        10 => "[1-9]|10",
        12 => "[1-9]|1[0-2]",
        _ => "[1-9]",
    };
    let pattern = format!(r"^\s*(?:{}|\+?0*(?:{numbers}))\s*$", romans.join("|"));
    json!({
        "description": format!("{description} Fracción de I a {}: número romano (\"{}\") o su número ({}).", ROMAN[max - 1], ROMAN[max - 1], max),
        "oneOf": [
            {"type": "string", "pattern": pattern, "examples": [ROMAN[max - 1]]},
            {"type": "integer", "minimum": 1, "maximum": max},
        ]
    })
}

/// An optional field: serde reads `null` as its absence, so the schema admits it too.
fn opt(v: Value) -> Value {
    let mut inner = v;
    let description = inner
        .as_object_mut()
        .and_then(|o| o.remove("description"))
        .unwrap_or(Value::Null);
    json!({"anyOf": [inner, {"type": "null"}], "description": description})
}

/// A date `AAAA-MM-DD`.
fn date(description: &str) -> Value {
    json!({"type": "string", "format": "date", "description": description})
}

/// An instant, RFC 3339.
fn instant(description: &str) -> Value {
    json!({"type": "string", "format": "date-time", "description": description})
}

/// A moment as the API reads and shows it: a date, a date and time of the office's clock
/// or an RFC 3339 instant.
const MOMENT_PATTERN: &str = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?\s*$";

fn moment(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": MOMENT_PATTERN,
        "description": format!("{description} `AAAA-MM-DD`, `AAAA-MM-DDTHH:MM[:SS]` (hora de la oficina, America/Mexico_City) o RFC 3339 (`2026-02-05T16:10:00-06:00`)."),
        "examples": ["2026-02-05T10:00"],
    })
}

fn u32_schema(description: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": u32::MAX, "description": description})
}

/// One act: an object with `act` and its fields, nothing else.
fn act(
    name: &str,
    title: &str,
    description: &str,
    fields: &[(&str, Value, bool)],
    extra: Option<Value>,
) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "act".into(),
        json!({"type": "string", "enum": [name], "description": format!("«{name}»: {title}.")}),
    );
    let mut required = vec![Value::from("act")];
    for (k, v, req) in fields {
        properties.insert((*k).into(), v.clone());
        if *req {
            required.push(Value::from(*k));
        }
    }
    let mut s = json!({
        "type": "object",
        "description": format!("«{name}», {title}. {description}"),
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let Some(Value::Object(extra)) = extra {
        let o = s.as_object_mut().expect("an object");
        for (k, v) in extra {
            o.insert(k, v);
        }
    }
    s
}

/// The `oneOf` of a procedure's acts, discriminated by `act`; `acts` are (name, schema).
fn union(
    schemas: &mut Map<String, Value>,
    procedure: &str,
    union_name: &str,
    description: &str,
    acts: Vec<(&str, Value)>,
) {
    let mut one_of = Vec::new();
    let mut mapping = Map::new();
    for (name, s) in acts {
        let schema_name = act_schema_name(procedure, name);
        one_of.push(r(&schema_name));
        mapping.insert(
            name.to_string(),
            Value::from(format!("#/components/schemas/{schema_name}")),
        );
        schemas.insert(schema_name, s);
    }
    schemas.insert(
        union_name.to_string(),
        json!({
            "description": description,
            "oneOf": one_of,
            "discriminator": {"propertyName": "act", "mapping": mapping},
        }),
    );
}

/// The days a term of the built-in rulebook gives, for the ranges of the acts that set
/// one; `pick` chooses among `days`, `max_days` and `extension_days`.
fn rulebook_days(id: TermId, pick: fn(&crate::rules::Term) -> Option<u32>, fallback: u32) -> u32 {
    Rulebooks::builtin()
        .ok()
        .and_then(|b| b.all().iter().find_map(|book| book.term(id).and_then(pick)))
        .unwrap_or(fallback)
}

/// Most days of the one extension of a request's resolution term (art. 59.2).
pub fn request_extension_days() -> u32 {
    rulebook_days(TermId::ResolutionExtension, |t| Some(t.days), 5)
}

/// Most days of the extension of an appeal's resolution term (art. 110.1).
pub fn appeal_extension_days() -> u32 {
    rulebook_days(TermId::AppealResolution, |t| t.extension_days, 10)
}

/// Most days a resolution gives to comply (art. 112.1).
pub fn compliance_days() -> u32 {
    rulebook_days(TermId::Compliance, |t| t.max_days, 10)
}

fn request_acts(schemas: &mut Map<String, Value>) {
    let ext = request_extension_days();
    let cause = fraction(
        10,
        "Causa de improcedencia: fracción del art. 55.1 (la VIII, incompetencia, se avisa con `incompetence_notified`, art. 54.1).",
    );
    let acts: Vec<(&str, Value)> = vec![
        (
            "identity_accredited",
            act(
                "identity_accredited",
                "acreditación de la identidad",
                "La Unidad de Transparencia registra cómo se acreditó la identidad de quien ejerce el derecho y, en su caso, la personalidad de su representante (arts. 48 y 88.1.III). Solo el hecho y el medio, nunca copia de la identificación. La entrega de los datos la espera.",
                &[
                    (
                        "standing",
                        strings(
                            Standing::ALL.iter().map(|s| s.as_str()),
                            "En qué calidad actúa: el titular (art. 48.1), un representante (art. 48.4.II), por disposición legal u orden judicial (art. 48.2), o por interés jurídico respecto de un titular fallecido (art. 48.3).",
                        ),
                        true,
                    ),
                    (
                        "means",
                        strings(
                            IdentityMeans::ALL.iter().map(|s| s.as_str()),
                            "Cómo se acreditó la identidad (art. 48.4.I): identificación oficial, instrumento electrónico o mecanismo previo del responsable.",
                        ),
                        true,
                    ),
                    (
                        "instrument",
                        opt(strings(
                            Instrument::ALL.iter().map(|s| s.as_str()),
                            "Solo para `standing: representative`, y obligatorio entonces: el instrumento que acredita la personalidad (art. 48.4.II.c).",
                        )),
                        false,
                    ),
                ],
                Some(json!({
                    "if": {"properties": {"standing": {"enum": ["representative"]}}, "required": ["standing"]},
                    "then": {"required": ["instrument"], "properties": {"instrument": {"type": "string"}}},
                    "else": {"properties": {"instrument": {"type": "null"}}},
                })),
            ),
        ),
        (
            "prevention_notified",
            act(
                "prevention_notified",
                "notificación de la prevención",
                "Se previene al titular para que subsane omisiones (art. 52.1); una sola vez.",
                &[],
                None,
            ),
        ),
        (
            "prevention_answered",
            act(
                "prevention_answered",
                "desahogo de la prevención",
                "El titular subsanó las omisiones (art. 52.1); el plazo para resolver corre de nuevo (art. 52.2).",
                &[],
                None,
            ),
        ),
        (
            "admitted",
            act(
                "admitted",
                "admisión",
                "Admisión de la solicitud (art. 53).",
                &[],
                None,
            ),
        ),
        (
            "incompetence_notified",
            act(
                "incompetence_notified",
                "aviso de incompetencia",
                "Aviso de incompetencia, con orientación al responsable competente (art. 54.1).",
                &[(
                    "partial",
                    json!({"type": "boolean", "default": false, "description": "Competencia parcial: el sujeto obligado responde la parte que le compete y la solicitud sigue (art. 54.2)."}),
                    false,
                )],
                None,
            ),
        ),
        (
            "redirected",
            act(
                "redirected",
                "reconducción de la vía",
                "Reconducción de la vía (art. 56).",
                &[],
                None,
            ),
        ),
        (
            "other_procedure_notified",
            act(
                "other_procedure_notified",
                "aviso de trámite específico",
                "Se informa al titular de un trámite específico (art. 57); la solicitud sigue salvo que se desista.",
                &[],
                None,
            ),
        ),
        (
            "improcedence_reviewed",
            act(
                "improcedence_reviewed",
                "revisión de la improcedencia por el Comité de Transparencia",
                "El Comité de Transparencia confirma, modifica o revoca la determinación de improcedencia de la Unidad (art. 87.1.III); se requiere antes del aviso. Solo lo registra el Comité.",
                &[
                    ("cause", cause.clone(), true),
                    (
                        "decision",
                        strings(
                            ["confirmed", "modified", "revoked"],
                            "`confirmed`: confirma; `modified`: modifica (la causa que queda es `cause`); `revoked`: revoca y la solicitud sigue.",
                        ),
                        true,
                    ),
                ],
                None,
            ),
        ),
        (
            "improcedence_notified",
            act(
                "improcedence_notified",
                "aviso de improcedencia",
                "Aviso de improcedencia con su causa (art. 55), dentro de los 10 días siguientes a la presentación (art. 55.2), una vez que el Comité la confirmó o modificó (art. 87.1.III).",
                &[("cause", cause, true)],
                None,
            ),
        ),
        (
            "extension_notified",
            act(
                "extension_notified",
                "notificación de la ampliación del plazo",
                "La única ampliación del plazo para resolver, notificada dentro de él (art. 59.2).",
                &[(
                    "days",
                    opt(
                        json!({"type": "integer", "minimum": 1, "maximum": ext, "description": format!("Días hábiles que concede la ampliación: «hasta por cinco días» (art. 59.2), de 1 a {ext}; sin el campo, {ext}.")}),
                    ),
                    false,
                )],
                None,
            ),
        ),
        (
            "resolved",
            act(
                "resolved",
                "resolución del Comité de Transparencia",
                "La resolución del Comité de Transparencia (arts. 59 a 61). Solo la registra el Comité.",
                &[(
                    "outcome",
                    strings(
                        ["granted", "partially_granted", "denied", "nonexistent"],
                        "`granted`: procedente; `partially_granted`: parcialmente procedente; `denied`: improcedente; `nonexistent`: inexistencia de los datos (art. 61). Las dos primeras obligan a hacer efectivo el derecho (art. 59.3).",
                    ),
                    true,
                )],
                None,
            ),
        ),
        (
            "resolution_notified",
            act(
                "resolution_notified",
                "notificación de la respuesta",
                "La respuesta se notifica al titular.",
                &[],
                None,
            ),
        ),
        (
            "fulfilled",
            act(
                "fulfilled",
                "hacer efectivo el derecho",
                "El derecho se hizo efectivo (art. 59.3), con la entrega y sus costos (art. 62).",
                &[(
                    "delivery",
                    opt(
                        json!({"allOf": [r("Delivery")], "description": "La entrega y sus costos (art. 62)."}),
                    ),
                    false,
                )],
                None,
            ),
        ),
        (
            "withdrawn",
            act(
                "withdrawn",
                "desistimiento",
                "El titular se desistió de la solicitud.",
                &[],
                None,
            ),
        ),
        (
            "closed",
            act(
                "closed",
                "cierre del expediente",
                "Se cierra el expediente.",
                &[],
                None,
            ),
        ),
    ];
    union(
        schemas,
        "RequestAct",
        "RequestAct",
        "Un acto de la solicitud ARCO, con sus datos; `act` lo nombra. La presentación (`filed`, art. 49) no está aquí: se registra con POST /v1/requests. Un acto que el estado del expediente no admite se rechaza con 409 (`acto-improcedente`).",
        acts,
    );
    schemas.insert(
        "Delivery".into(),
        json!({
            "type": "object",
            "description": "La entrega con que se hizo efectivo el derecho y sus costos (art. 62). Importes en centavos. Las primeras 20 hojas son gratuitas (art. 62.4) y la reproducción lo es si el titular aporta el medio (art. 62.3).",
            "properties": {
                "modality": strings(["direct_consultation", "simple_copy", "certified_copy", "electronic", "execution"], "La modalidad que eligió el titular (art. 51.2): consulta directa, copias simples, copias certificadas, medio electrónico, o la rectificación, cancelación u oposición misma (`execution`)."),
                "pages": u32_schema("Hojas entregadas."),
                "page_cost": u32_schema("Costo de reproducción por hoja, en centavos."),
                "certification_cost": u32_schema("Costo de certificación, en centavos."),
                "shipping_cost": u32_schema("Costo de envío, en centavos."),
                "medium_provided": {"type": "boolean", "default": false, "description": "El titular aportó el medio: la reproducción es gratuita (art. 62.3)."},
                "waived": {"type": "boolean", "default": false, "description": "La Unidad exceptuó el pago de reproducción y envío por las circunstancias socioeconómicas del titular (art. 62.4); solo se paga la certificación."},
            },
            "required": ["modality"],
            "additionalProperties": false,
        }),
    );
}

fn appeal_acts(schemas: &mut Map<String, Value>) {
    let ext = appeal_extension_days();
    let compliance = compliance_days();
    let orders: Vec<String> = APPEAL_OUTCOMES
        .iter()
        .filter(|o| o.orders_action())
        .map(wire)
        .collect();
    schemas.insert(
        act_schema_name("AppealAct", "appeal_filed"),
        act("appeal_filed", "interposición del recurso", "Se interpone el recurso de revisión (art. 99) con su causa de procedencia (art. 100). Se registra con POST /v1/appeals, como `filing`.", &[
            ("venue", strings(["guarantor", "unit"], "Dónde se presentó (art. 99.1): ante el órgano garante, o ante la Unidad de Transparencia, que lo remite al día siguiente (art. 99.3)."), true),
            ("ground", fraction(12, "Causa de procedencia: fracción del art. 100 (VII y XII: falta de respuesta)."), true),
            ("minor_unrepresented", json!({"type": "boolean", "default": false, "description": "El titular es menor de edad sin representación: no hay conciliación (art. 106.2)."}), false),
        ], None),
    );
    let acts: Vec<(&str, Value)> = vec![
        (
            "appeal_forwarded",
            act(
                "appeal_forwarded",
                "remisión al órgano garante",
                "La Unidad de Transparencia remite el recurso al órgano garante (art. 99.3).",
                &[],
                None,
            ),
        ),
        (
            "appeal_requirement_notified",
            act(
                "appeal_requirement_notified",
                "notificación del requerimiento",
                "Se requiere al recurrente la información que falta, una sola vez (art. 104.1).",
                &[],
                None,
            ),
        ),
        (
            "appeal_requirement_answered",
            act(
                "appeal_requirement_answered",
                "desahogo del requerimiento",
                "El recurrente desahoga el requerimiento (art. 104.2); el plazo para resolver corre de nuevo (art. 104.3).",
                &[],
                None,
            ),
        ),
        (
            "appeal_turned",
            act(
                "appeal_turned",
                "turno al ponente",
                "Turno al comisionado ponente (art. 107.I).",
                &[],
                None,
            ),
        ),
        (
            "appeal_admitted",
            act(
                "appeal_admitted",
                "admisión del recurso",
                "Admisión del recurso (art. 107).",
                &[],
                None,
            ),
        ),
        (
            "appeal_dismissed",
            act(
                "appeal_dismissed",
                "desechamiento del recurso",
                "Desechamiento (arts. 105 y 108).",
                &[(
                    "cause",
                    fraction(7, "Causa de improcedencia: fracción del art. 108."),
                    true,
                )],
                None,
            ),
        ),
        (
            "conciliation_invited",
            act(
                "conciliation_invited",
                "invitación a conciliar",
                "Se invita a las partes a conciliar (art. 106.I).",
                &[],
                None,
            ),
        ),
        (
            "conciliation_accepted",
            act(
                "conciliation_accepted",
                "voluntad de conciliar de ambas partes",
                "Ambas partes aceptan conciliar (art. 106.II).",
                &[],
                None,
            ),
        ),
        (
            "conciliation_hearing_held",
            act(
                "conciliation_hearing_held",
                "audiencia de conciliación",
                "Se celebró la audiencia de conciliación (art. 106.III).",
                &[(
                    "absent",
                    json!({"type": "boolean", "default": false, "description": "Una de las partes no asistió (art. 106.III)."}),
                    false,
                )],
                None,
            ),
        ),
        (
            "conciliation_agreement",
            act(
                "conciliation_agreement",
                "acuerdo de conciliación",
                "Acuerdo de conciliación (art. 106.V): el plazo para resolver se suspende mientras se cumple.",
                &[],
                None,
            ),
        ),
        (
            "conciliation_agreement_fulfilled",
            act(
                "conciliation_agreement_fulfilled",
                "cumplimiento del acuerdo de conciliación",
                "Se cumplió el acuerdo: el recurso queda sin materia (art. 106.VI).",
                &[],
                None,
            ),
        ),
        (
            "conciliation_failed",
            act(
                "conciliation_failed",
                "conciliación fallida",
                "No hubo acuerdo, o no se cumplió: el procedimiento sigue (arts. 106.IV y 106.VI).",
                &[],
                None,
            ),
        ),
        (
            "evidence_hearing_held",
            act(
                "evidence_hearing_held",
                "audiencia de desahogo de pruebas",
                "Audiencia de desahogo de pruebas (art. 107.VI).",
                &[],
                None,
            ),
        ),
        (
            "instruction_closed",
            act(
                "instruction_closed",
                "cierre de instrucción",
                "Cierre de instrucción (art. 107.VII).",
                &[],
                None,
            ),
        ),
        (
            "appeal_extension_notified",
            act(
                "appeal_extension_notified",
                "ampliación del plazo para resolver",
                "La única ampliación del plazo para resolver, por acuerdo fundado y motivado (arts. 110.1 y 110.2).",
                &[(
                    "days",
                    opt(
                        json!({"type": "integer", "minimum": 1, "maximum": ext, "description": format!("Días hábiles que concede: «hasta por diez días» (art. 110.1), de 1 a {ext}; sin el campo, {ext}.")}),
                    ),
                    false,
                )],
                None,
            ),
        ),
        (
            "appeal_resolved",
            act(
                "appeal_resolved",
                "resolución del recurso",
                "La resolución del recurso (art. 110.4).",
                &[
                    (
                        "outcome",
                        strings(
                            [
                                "dismissed",
                                "sobreseido",
                                "confirmed",
                                "modified",
                                "revoked",
                                "delivery_ordered",
                            ],
                            "`dismissed`: desecha; `sobreseido`: sobresee (art. 109); `confirmed`, `modified`, `revoked`: confirma, modifica o revoca la respuesta; `delivery_ordered`: ordena la entrega de los datos. Modificar, revocar y ordenar la entrega obligan al responsable a actuar (art. 112.1).",
                        ),
                        true,
                    ),
                    (
                        "compliance_days",
                        opt(
                            json!({"type": "integer", "minimum": 1, "maximum": compliance, "description": format!("Días hábiles para cumplir, de 1 a {compliance} (art. 112.1): obligatorio cuando la resolución ordena actuar (`modified`, `revoked`, `delivery_ordered`), y no aplica en otro caso.")}),
                        ),
                        false,
                    ),
                ],
                Some(json!({
                    "if": {"properties": {"outcome": {"enum": orders}}, "required": ["outcome"]},
                    "then": {"required": ["compliance_days"], "properties": {"compliance_days": {"type": "integer"}}},
                    "else": {"properties": {"compliance_days": {"type": "null"}}},
                })),
            ),
        ),
        (
            "appeal_resolution_notified",
            act(
                "appeal_resolution_notified",
                "notificación y publicación de la resolución",
                "La resolución se notifica a las partes y se publica (art. 110.9).",
                &[],
                None,
            ),
        ),
        (
            "compliance_extension_requested",
            act(
                "compliance_extension_requested",
                "solicitud de prórroga para cumplir",
                "El responsable pide más tiempo para cumplir (art. 136.2 y 136.3).",
                &[],
                None,
            ),
        ),
        (
            "compliance_extension_ruled",
            act(
                "compliance_extension_ruled",
                "resolución sobre la prórroga",
                "El órgano garante resuelve la prórroga (art. 136.3).",
                &[(
                    "granted_days",
                    json!({"type": "integer", "minimum": 0, "maximum": 365, "description": "Días hábiles concedidos; 0 es una negativa (art. 136.3). Más de 365 se rechaza por no razonable."}),
                    true,
                )],
                None,
            ),
        ),
        (
            "compliance_reported",
            act(
                "compliance_reported",
                "informe de cumplimiento",
                "El informe de cumplimiento del responsable (art. 137.1). La fecha que declara cumple el plazo hasta que el órgano garante resuelva (art. 138); sin fecha, no cumple nada hasta un acuerdo de cumplimiento.",
                &[(
                    "complied_on",
                    opt(date(
                        "Fecha en que el responsable dice haber cumplido; no posterior a la del informe (art. 137.1).",
                    )),
                    false,
                )],
                None,
            ),
        ),
        (
            "compliance_vista_given",
            act(
                "compliance_vista_given",
                "vista al titular",
                "Vista al titular del informe de cumplimiento (art. 137.2).",
                &[],
                None,
            ),
        ),
        (
            "titular_statement",
            act(
                "titular_statement",
                "manifestación del titular",
                "El titular manifiesta lo que a su derecho convenga (art. 137.2 y 137.3).",
                &[],
                None,
            ),
        ),
        (
            "compliance_ruled",
            act(
                "compliance_ruled",
                "acuerdo sobre el cumplimiento",
                "Acuerdo de cumplimiento o de incumplimiento (art. 138).",
                &[(
                    "complied",
                    json!({"type": "boolean", "description": "`true`: se cumplió; `false`: incumplimiento, y siguen las medidas de apremio (art. 112)."}),
                    true,
                )],
                None,
            ),
        ),
        (
            "public_warning",
            act(
                "public_warning",
                "amonestación pública",
                "Amonestación pública, con un plazo más para cumplir (art. 112.2).",
                &[(
                    "days",
                    json!({"type": "integer", "minimum": 1, "maximum": 10, "description": "Días hábiles para cumplir, de 1 a 10 (art. 112.2)."}),
                    true,
                )],
                None,
            ),
        ),
        (
            "fine_imposed",
            act(
                "fine_imposed",
                "multa",
                "Multa, con un plazo más para cumplir (art. 112.3).",
                &[
                    (
                        "days",
                        json!({"type": "integer", "minimum": 1, "maximum": 5, "description": "Días hábiles para cumplir, de 1 a 5 (art. 112.3)."}),
                        true,
                    ),
                    (
                        "uma",
                        json!({"type": "integer", "minimum": FINE_UMA.0, "maximum": REINCIDENT_FINE_UMA, "description": format!("Monto en UMA: de {} a {} (art. 112.3); a un reincidente, hasta el doble del máximo, {} (art. 143.2).", FINE_UMA.0, FINE_UMA.1, REINCIDENT_FINE_UMA)}),
                        true,
                    ),
                    (
                        "reincidence",
                        json!({"type": "boolean", "default": false, "description": "El responsable es reincidente (art. 143.2)."}),
                        false,
                    ),
                ],
                Some(json!({
                    "if": {"not": {"properties": {"reincidence": {"enum": [true]}}, "required": ["reincidence"]}},
                    "then": {"properties": {"uma": {"maximum": FINE_UMA.1}}},
                })),
            ),
        ),
        (
            "arrest_ordered",
            act(
                "arrest_ordered",
                "arresto administrativo",
                "Arresto administrativo y denuncia penal (art. 112.4).",
                &[],
                None,
            ),
        ),
    ];
    union(
        schemas,
        "AppealAct",
        "AppealAct",
        "Un acto del recurso de revisión o del cumplimiento de su resolución, con sus datos; `act` lo nombra. La interposición (`appeal_filed`) no está aquí: se registra con POST /v1/appeals (esquema AppealActAppealFiled). Un acto que el estado del recurso no admite se rechaza con 409 (`acto-improcedente`).",
        acts,
    );
}

fn notice_schema() -> Value {
    json!({
        "type": "object",
        "description": "El contenido de un aviso de la vulneración, a los titulares o al órgano garante (art. 41.1, fracciones I a V), como categorías. Cada lista nombra al menos una.",
        "properties": {
            "nature": strings(BreachKind::ALL.iter().map(|k| k.as_str()), "I. La naturaleza del incidente (art. 38.1)."),
            "data": {"type": "array", "minItems": 1, "items": strings(DataCategory::ALL.iter().map(|k| k.as_str()), "Categoría de datos."), "description": "II. Los datos personales comprometidos."},
            "recommendations": {"type": "array", "minItems": 1, "items": strings(Recommendation::ALL.iter().map(|k| k.as_str()), "Recomendación."), "description": "III. Las recomendaciones y medidas que el titular puede adoptar."},
            "immediate_actions": {"type": "array", "minItems": 1, "items": strings(Measure::ALL.iter().map(|k| k.as_str()), "Acción correctiva."), "description": "IV. Las acciones correctivas realizadas de forma inmediata."},
            "information": {"type": "array", "minItems": 1, "items": strings(InformationChannel::ALL.iter().map(|k| k.as_str()), "Medio."), "description": "V. Los medios donde puede obtener mayor información."},
        },
        "required": ["nature", "data", "recommendations", "immediate_actions", "information"],
        "additionalProperties": false,
    })
}

fn breach_acts(schemas: &mut Map<String, Value>) {
    let titulars = json!({"type": "integer", "minimum": 0, "maximum": MAX_TITULARS, "description": format!("Cuántos titulares, si se sabe (a lo más {MAX_TITULARS}).")});
    let data = json!({"type": "array", "items": strings(DataCategory::ALL.iter().map(|k| k.as_str()), "Categoría de datos personales (art. 41.1.II); las sensibles son las del art. 3.1.X."), "description": "Las categorías de datos comprometidos que se conocen."});
    let public: Vec<&str> = NoticeMeans::ALL
        .iter()
        .filter(|m| m.is_public())
        .map(|m| m.as_str())
        .collect();
    schemas.insert("BreachNotice".into(), notice_schema());
    schemas.insert(
        act_schema_name("BreachAct", "breach_detected"),
        act("breach_detected", "detección de la vulneración", "Se detecta una posible vulneración y se asienta en la bitácora (art. 39). Se registra con POST /v1/breaches, como `act`.", &[
            ("occurred_on", opt(date("Cuándo ocurrió, si se sabe (art. 39.1.I); no posterior a la detección.")), false),
        ], None),
    );
    let acts: Vec<(&str, Value)> = vec![
        (
            "breach_discarded",
            act(
                "breach_discarded",
                "descarte: no era una vulneración",
                "No era una vulneración: se cierra el asiento; el razonamiento va al expediente.",
                &[],
                None,
            ),
        ),
        (
            "breach_confirmed",
            act(
                "breach_confirmed",
                "confirmación de la vulneración",
                "Se confirma la vulneración: las 72 horas del art. 40 corren desde este acto.",
                &[
                    (
                        "kind",
                        strings(
                            BreachKind::ALL.iter().map(|k| k.as_str()),
                            "Qué vulneración es: fracción del art. 38.1 (pérdida, robo, acceso no autorizado, alteración).",
                        ),
                        true,
                    ),
                    (
                        "cause",
                        strings(
                            BreachCause::ALL.iter().map(|k| k.as_str()),
                            "El motivo, como categoría (art. 39.1.II).",
                        ),
                        true,
                    ),
                    (
                        "occurred_on",
                        opt(date("Cuándo ocurrió, si se sabe (art. 39.1.I).")),
                        false,
                    ),
                    ("data", data, false),
                    ("titulars", opt(titulars), false),
                ],
                None,
            ),
        ),
        (
            "breach_analysed",
            act(
                "breach_analysed",
                "análisis de la afectación",
                "El análisis de si la vulneración afecta de forma significativa los derechos patrimoniales o morales de los titulares (art. 40): si los afecta, `rights` dice cuáles; si no, `reason` dice por qué, y no se debe aviso.",
                &[
                    (
                        "significant",
                        json!({"type": "boolean", "description": "Afecta de forma significativa los derechos de los titulares (art. 40)."}),
                        true,
                    ),
                    (
                        "rights",
                        json!({"type": "array", "items": strings(AffectedRight::ALL.iter().map(|k| k.as_str()), "Derechos afectados."), "description": "Solo con `significant: true`, y al menos uno entonces."}),
                        false,
                    ),
                    (
                        "reason",
                        opt(strings(
                            NotSignificantReason::ALL.iter().map(|k| k.as_str()),
                            "Solo con `significant: false`, y obligatoria entonces: por qué no hay afectación significativa.",
                        )),
                        false,
                    ),
                ],
                Some(json!({
                    "if": {"properties": {"significant": {"enum": [true]}}, "required": ["significant"]},
                    "then": {"required": ["rights"], "properties": {"rights": {"minItems": 1}, "reason": {"type": "null"}}},
                    "else": {"required": ["reason"], "properties": {"rights": {"maxItems": 0}, "reason": {"type": "string"}}},
                })),
            ),
        ),
        (
            "guarantor_notified",
            act(
                "guarantor_notified",
                "aviso al órgano garante",
                "El aviso al órgano garante (arts. 40 y 41).",
                &[("notice", r("BreachNotice"), true)],
                None,
            ),
        ),
        (
            "titulars_notified",
            act(
                "titulars_notified",
                "aviso a los titulares",
                "Una parte del aviso a los titulares (arts. 40 y 41).",
                &[
                    ("notice", r("BreachNotice"), true),
                    (
                        "means",
                        strings(
                            NoticeMeans::ALL.iter().map(|k| k.as_str()),
                            "Cómo llegó esta parte del aviso; `publication` y `mass_media` no se dirigen a titulares determinados.",
                        ),
                        true,
                    ),
                    (
                        "count",
                        json!({"type": "integer", "minimum": 0, "maximum": MAX_TITULARS, "description": "Titulares a los que llegó esta parte; 0 solo para un aviso público (`publication`, `mass_media`)."}),
                        true,
                    ),
                    (
                        "completes",
                        json!({"type": "boolean", "default": false, "description": "Con esta parte, todos los titulares afectados quedaron avisados."}),
                        false,
                    ),
                ],
                Some(json!({
                    "if": {"not": {"properties": {"means": {"enum": public}}, "required": ["means"]}},
                    "then": {"properties": {"count": {"minimum": 1}}},
                })),
            ),
        ),
        (
            "corrective_measures",
            act(
                "corrective_measures",
                "acciones correctivas",
                "Acciones correctivas (arts. 39.1.III y 42): inmediatas, o definitivas tras el análisis de las causas.",
                &[
                    (
                        "stage",
                        strings(
                            MeasureStage::ALL.iter().map(|k| k.as_str()),
                            "`immediate`: de inmediato; `definitive`: definitivas.",
                        ),
                        true,
                    ),
                    (
                        "measures",
                        json!({"type": "array", "minItems": 1, "items": strings(Measure::ALL.iter().map(|k| k.as_str()), "Acción correctiva."), "description": "Al menos una (arts. 39.1.III y 42)."}),
                        true,
                    ),
                ],
                None,
            ),
        ),
        (
            "breach_closed",
            act(
                "breach_closed",
                "cierre del registro de la vulneración",
                "Se cierra el asiento: analizada, avisada cuando se debía y remediada en definitiva.",
                &[],
                None,
            ),
        ),
        (
            "investigation_opened",
            act(
                "investigation_opened",
                "investigación previa del órgano garante",
                "El órgano garante abre su investigación previa, recibido el aviso (art. 43).",
                &[],
                None,
            ),
        ),
        (
            "investigation_closed",
            act(
                "investigation_closed",
                "conclusión de la investigación previa",
                "El órgano garante concluye la investigación previa (art. 43).",
                &[(
                    "outcome",
                    strings(
                        InvestigationOutcome::ALL.iter().map(|k| k.as_str()),
                        "`verification_started`: se inicia un procedimiento de verificación (arts. 125 a 130); `no_further_action`: sin elementos para iniciarlo.",
                    ),
                    true,
                )],
                None,
            ),
        ),
    ];
    union(
        schemas,
        "BreachAct",
        "BreachAct",
        "Un acto del procedimiento de una vulneración de seguridad (arts. 38 a 43), con sus datos; `act` lo nombra. La detección (`breach_detected`) no está aquí: se registra con POST /v1/breaches (esquema BreachActBreachDetected). Ningún acto lleva datos personales de los titulares: solo conteos y categorías.",
        acts,
    );
}

/// The bodies of the acts' routes: `{act, at}`.
fn act_inputs(schemas: &mut Map<String, Value>) {
    for (name, union, what) in [
        ("RequestActInput", "RequestAct", "la solicitud"),
        ("AppealActInput", "AppealAct", "el recurso"),
        ("BreachActInput", "BreachAct", "la vulneración"),
    ] {
        schemas.insert(
            name.into(),
            json!({
                "type": "object",
                "description": format!("Un acto por registrar en {what}."),
                "properties": {
                    "act": r(union),
                    "at": opt(moment("Cuándo ocurrió; ahora si falta. No puede ser futuro.")),
                },
                "required": ["act"],
                "additionalProperties": false,
            }),
        );
    }
}

/// The answers: the case detail, its timeline and log, a breach's detail.
fn answers(schemas: &mut Map<String, Value>) {
    let terms: Vec<&str> = TermId::ALL.iter().map(|t| t.as_str()).collect();
    let term = json!({"type": "string", "enum": terms, "description": "El plazo, como lo nombra el reglamento (`arco terms`)."});
    let request_acts: Vec<&str> = ActKind::ALL.iter().map(|k| k.as_str()).collect();
    let appeal_acts: Vec<&str> = AppealActKind::ALL.iter().map(|k| k.as_str()).collect();
    let request_states: Vec<&str> = RequestState::ALL.iter().map(|s| s.as_str()).collect();
    let appeal_states: Vec<&str> = AppealState::ALL.iter().map(|s| s.as_str()).collect();
    let deadline_props = json!({
        "due": date("Vencimiento."),
        "status": statuses_ref(),
        "from": date("Día 0: la fecha en que surtió efectos el acto del que corre."),
        "days": u32_schema("Días hábiles del plazo."),
        "article": {"type": "string", "description": "El artículo que lo fija."},
        "done": date("Cuándo ocurrió el acto que lo cumple, si ocurrió."),
    });
    schemas.insert(
        "Deadline".into(),
        json!({
            "type": "object",
            "description": "Un plazo del expediente en días hábiles.",
            "properties": deadline_props,
            "required": ["due", "status", "from", "days", "article"],
        }),
    );
    let mut detail_props = deadline_props.as_object().cloned().unwrap_or_default();
    for (k, v) in [
        ("term", term.clone()),
        (
            "name",
            json!({"type": "string", "description": "Su nombre en español."}),
        ),
        (
            "optional",
            json!({"type": "boolean", "description": "Un plazo que corre solo si la parte quiere actuar (p. ej., el del recurso)."}),
        ),
        (
            "days_left",
            json!({"type": "integer", "description": "Días hábiles de `as_of` al vencimiento (negativo: días de atraso)."}),
        ),
        (
            "reasoning",
            json!({"type": "string", "description": "El cómputo en una línea."}),
        ),
        (
            "explanation",
            json!({"type": "string", "description": "El cómputo día por día: cuándo surtió efectos el acto y por qué, qué días se contaron y cuáles se saltaron y por qué."}),
        ),
    ] {
        detail_props.insert(k.into(), v);
    }
    schemas.insert(
        "DeadlineDetail".into(),
        json!({
            "type": "object",
            "description": "Un plazo de la línea de tiempo: su vencimiento, su estado en `as_of` y la explicación de su cómputo.",
            "properties": detail_props,
            "required": ["term", "name", "due", "status", "from", "days", "article", "optional", "days_left", "reasoning", "explanation"],
        }),
    );
    schemas.insert(
        "LogEntry".into(),
        json!({
            "type": "object",
            "description": "Un acto de la bitácora del expediente, tal como se registró.",
            "properties": {
                "seq": {"type": "integer", "minimum": 1, "description": "Su número de orden."},
                "act": {"type": "string", "description": "El acto (`admitted`, `appeal_resolved`, `breach_confirmed`...)."},
                "occurred_at": moment("Cuándo ocurrió, como se registró."),
                "effective_on": date("La fecha en que surtió efectos."),
                "late": {"type": "boolean", "description": "Se registró vencido su plazo (extemporáneo)."},
                "actor": {"type": "string", "description": "Quién lo registró."},
                "role": {"type": "string", "description": "Con qué papel."},
                "recorded_at": instant("Cuándo se registró."),
                "rulebook": {"type": "string", "description": "El reglamento con que se computó."},
            },
            "required": ["seq", "act", "occurred_at", "effective_on", "late", "actor", "role", "recorded_at", "rulebook"],
        }),
    );
    let act_view = |acts: &[&str], what: &str| {
        json!({
            "type": "object",
            "description": format!("Un acto {what}, como lo ve la línea de tiempo."),
            "properties": {
                "seq": {"type": "integer", "minimum": 1},
                "act": {"type": "string", "enum": acts},
                "at": moment("Cuándo ocurrió."),
                "effective": date("Cuándo surtió efectos."),
                "late": {"type": "boolean", "description": "Fuera de su plazo."},
                "term": {"type": "string", "enum": terms.clone(), "description": "El plazo que cumplió, si alguno."},
                "irregular": {"type": "string", "description": "Registrado con una lectura anterior de la ley: por qué hoy se rechazaría."},
            },
            "required": ["seq", "act", "at", "effective", "late"],
        })
    };
    schemas.insert(
        "RequestActView".into(),
        act_view(&request_acts, "de la solicitud"),
    );
    schemas.insert(
        "AppealActView".into(),
        act_view(&appeal_acts, "del recurso"),
    );
    schemas.insert(
        "AppealView".into(),
        json!({
            "type": "object",
            "description": "El recurso de revisión de la solicitud.",
            "properties": {
                "state": {"type": "string", "enum": appeal_states, "description": "Estado del recurso."},
                "venue": strings(["guarantor", "unit"], "Dónde se presentó (art. 99.1)."),
                "ground": {"type": "string", "enum": ROMAN, "description": "Causa de procedencia, fracción del art. 100."},
                "calendar": {"type": "string"},
                "rulebook": {"type": "string"},
                "filed": date("Fecha de interposición."),
                "out_of_time": {"type": "boolean", "description": "Interpuesto vencido el plazo para recurrir."},
                "premature": {"type": "boolean", "description": "Por falta de respuesta, antes de vencer el plazo para responder (art. 99.2)."},
                "suggested_dismissal": {"type": "string", "enum": &ROMAN[..7], "description": "La causa de desechamiento que procede (art. 108.I o 108.III)."},
                "outcome": strings(["dismissed", "sobreseido", "confirmed", "modified", "revoked", "delivery_ordered"], "Lo que resolvió el órgano garante (art. 110.4)."),
                "compliance_due": date("Vencimiento del plazo para cumplir la resolución."),
                "acts": {"type": "array", "items": r("AppealActView")},
            },
            "required": ["state", "venue", "ground", "calendar", "rulebook", "filed", "out_of_time", "acts"],
        }),
    );
    schemas.insert(
        "CaseDetail".into(),
        json!({
            "type": "object",
            "description": "El expediente de una solicitud (o, con `parent`, de un recurso: la solicitud con su recurso): su estado, sus plazos con su explicación y su bitácora.",
            "properties": {
                "folio": {"type": "string", "examples": ["SEJ-ARCO-2026-00001"]},
                "body": {"type": "string", "description": "El sujeto obligado (o, para un recurso, el órgano garante)."},
                "calendar_id": {"type": "string", "description": "El calendario con que se computa."},
                "parent": {"type": "string", "description": "Para un recurso: la solicitud que impugna."},
                "appeals": {"type": "array", "items": {"type": "string"}, "description": "Para una solicitud: los folios de sus recursos."},
                "state": {"type": "string", "enum": request_states, "description": "Estado de la solicitud en `as_of`."},
                "right": strings(RIGHTS.iter().map(wire).collect::<Vec<_>>().iter().map(String::as_str), "El derecho ejercido (art. 46; portabilidad, art. 63)."),
                "rulebook": {"type": "string"},
                "calendar": {"type": "string", "description": "El calendario, en palabras."},
                "as_of": date("La fecha en que se calcularon estados y plazos."),
                "filed": date("Fecha de presentación (la que surtió efectos)."),
                "deadlines": {"type": "object", "propertyNames": {"enum": terms}, "additionalProperties": r("Deadline"), "description": "Los plazos de la solicitud y, si se recurrió, los del recurso y su cumplimiento, por nombre."},
                "acts": {"type": "array", "items": r("RequestActView")},
                "appeal": r("AppealView"),
                "reception": {"type": "object", "properties": {
                    "channel": strings(Channel::ALL.iter().map(|c| c.as_str()), "Medio de recepción (art. 49.1)."),
                    "external_folio": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9_/.-]+$", "description": "El folio de otro sistema (el de la PNT)."},
                }, "additionalProperties": false, "description": "Cómo llegó la solicitud (art. 49.1)."},
                "identity": {"type": "object", "properties": {
                    "standing": strings(Standing::ALL.iter().map(|s| s.as_str()), "En qué calidad actúa (art. 48)."),
                    "means": strings(IdentityMeans::ALL.iter().map(|s| s.as_str()), "Cómo se acreditó (art. 48.4.I)."),
                    "instrument": strings(Instrument::ALL.iter().map(|s| s.as_str()), "El instrumento del representante (art. 48.4.II.c)."),
                }, "required": ["standing", "means"], "additionalProperties": false, "description": "Cómo se acreditó la identidad, la última vez que se registró (art. 48)."},
                "identity_pending": {"type": "boolean", "description": "La entrega de los datos espera la acreditación de la identidad (arts. 48 y 88.1.III)."},
                "amount_due": {"type": "integer", "minimum": 0, "description": "Lo que paga el titular por la entrega, en centavos (art. 62), una vez registrada."},
                "timeline": {"type": "array", "items": r("DeadlineDetail"), "description": "Los plazos en orden de vencimiento, con su explicación."},
                "log": {"type": "array", "items": r("LogEntry"), "description": "La bitácora de actos."},
            },
            "required": ["folio", "body", "calendar_id", "state", "right", "rulebook", "calendar", "as_of", "filed", "deadlines", "acts", "timeline", "log"],
        }),
    );
    let stamp_like = json!({"description": "Un acto de la vulneración, con su momento."});
    schemas.insert(
        "BreachDeadline".into(),
        json!({
            "type": "object",
            "description": "Un plazo de aviso de la vulneración (art. 40), que vence en un instante: 72 horas naturales desde la confirmación.",
            "properties": {
                "term": term,
                "to": strings(["titulars", "guarantor"], "A quién se avisa: a los titulares o al órgano garante."),
                "from": instant("La hora 0: el instante de la confirmación."),
                "hours": u32_schema("Horas del plazo."),
                "due": instant("El instante en que vence."),
                "status": statuses_ref(),
                "done": {"type": ["string", "null"], "format": "date-time", "description": "El instante del acto que lo cumplió (para los titulares, la parte del aviso que lo completó)."},
                "article": {"type": "string"},
            },
            "required": ["term", "to", "from", "hours", "due", "status", "done", "article"],
        }),
    );
    let nullable = |s: Value| json!({"oneOf": [s, {"type": "null"}]});
    schemas.insert(
        "BitacoraEntry".into(),
        json!({
            "type": "object",
            "description": "El asiento de la bitácora del art. 39, derivado del registro.",
            "properties": {
                "occurred_on": nullable(date("I. La fecha en que ocurrió, si se sabe.")),
                "detected": moment("Cuándo se detectó."),
                "confirmed": nullable(moment("Cuándo se confirmó.")),
                "discarded": {"type": "boolean"},
                "kind": nullable(strings(BreachKind::ALL.iter().map(|k| k.as_str()), "Fracción del art. 38.1.")),
                "cause": nullable(strings(BreachCause::ALL.iter().map(|k| k.as_str()), "II. El motivo.")),
                "data": {"type": "array", "items": strings(DataCategory::ALL.iter().map(|k| k.as_str()), "Categoría de datos.")},
                "titulars": {"type": ["integer", "null"], "minimum": 0},
                "significant": {"type": ["boolean", "null"]},
                "not_significant_reason": nullable(strings(NotSignificantReason::ALL.iter().map(|k| k.as_str()), "Por qué no hay afectación significativa.")),
                "immediate_measures": {"type": "array", "items": strings(Measure::ALL.iter().map(|k| k.as_str()), "III. Acción inmediata.")},
                "definitive_measures": {"type": "array", "items": strings(Measure::ALL.iter().map(|k| k.as_str()), "Acción definitiva (art. 42).")},
                "guarantor_notified": nullable(moment("Cuándo se avisó al órgano garante.")),
                "titulars_notified": nullable(moment("Cuándo se dio la parte del aviso que lo completó.")),
                "titulars_reached": {"type": "integer", "minimum": 0, "description": "Titulares alcanzados por las partes del aviso."},
                "late_notice": {"type": "boolean", "description": "Un aviso se dio pasadas las 72 horas."},
                "closed": nullable(moment("Cuándo se cerró.")),
                "state": {"type": "string", "enum": BreachState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()},
            },
            "required": ["detected", "discarded", "data", "immediate_measures", "definitive_measures", "titulars_reached", "late_notice", "state"],
        }),
    );
    schemas.insert(
        "BreachDetail".into(),
        json!({
            "type": "object",
            "description": "Una vulneración: su estado, sus plazos de aviso en el momento pedido, su asiento de la bitácora (art. 39), su proyección y su bitácora de actos.",
            "properties": {
                "folio": {"type": "string", "examples": ["SEJ-VS-2026-00001"]},
                "body": {"type": "string"},
                "calendar": {"type": "string"},
                "state": {"type": "string", "enum": BreachState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()},
                "state_label": {"type": "string", "description": "El estado, en palabras."},
                "as_of": instant("El instante en que se calcularon los plazos."),
                "deadlines": {"type": "array", "items": r("BreachDeadline")},
                "bitacora": r("BitacoraEntry"),
                "breach": {"type": "object", "description": "La proyección del registro, reconstruida de sus actos: detección, confirmación, análisis, avisos, acciones, cierre e investigación.", "properties": {
                    "rulebook": {"type": "string"},
                    "state": {"type": "string", "enum": BreachState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()},
                    "detected": stamp_like.clone(),
                    "acts": {"type": "array", "items": {"type": "object"}},
                }, "required": ["rulebook", "state", "detected", "acts"]},
                "log": {"type": "array", "items": r("LogEntry")},
            },
            "required": ["folio", "body", "calendar", "state", "state_label", "as_of", "deadlines", "bitacora", "breach", "log"],
        }),
    );
    schemas.insert("DeadlineStatus".into(), statuses_schema());
}

fn statuses_schema() -> Value {
    strings(
        [
            DeadlineStatus::Pending,
            DeadlineStatus::Met,
            DeadlineStatus::Late,
            DeadlineStatus::Missed,
            DeadlineStatus::Void,
        ]
        .iter()
        .map(|s| s.as_str()),
        "`pending`: por vencer y sin cumplir; `met`: su acto ocurrió a tiempo; `late`: ocurrió después del vencimiento; `missed`: vencido sin acto; `void`: ya no aplica.",
    )
}

fn statuses_ref() -> Value {
    r("DeadlineStatus")
}

/// Every `type` URI of a problem document, with when it is answered.
pub const PROBLEM_TYPES: &[(&str, &str)] = &[
    ("solicitud-mal-formada", "400: la entrada no se puede leer"),
    ("no-autenticado", "401: falta el token o no es válido"),
    (
        "sin-permiso",
        "403: el papel de la cuenta no permite la operación",
    ),
    (
        "no-encontrado",
        "404: no existe, o está fuera del alcance de la cuenta",
    ),
    ("metodo-no-permitido", "405: la ruta no admite ese método"),
    ("tiempo-agotado", "408: el cuerpo no llegó a tiempo"),
    (
        "acto-improcedente",
        "409: el estado del expediente no admite el acto (`refused` nombra el estado y el acto)",
    ),
    (
        "conflicto-de-version",
        "409: otro acto se registró a la vez; repita la operación",
    ),
    ("ya-existe", "409: ya existe"),
    (
        "documento-depurado",
        "410: el documento se depuró al vencer su conservación",
    ),
    ("demasiado-grande", "413: el cuerpo excede el máximo"),
    ("tipo-no-admitido", "415: el cuerpo no es application/json"),
    (
        "dato-invalido",
        "422: un dato bien formado pero inválido (`field` lo nombra)",
    ),
    (
        "demasiados-intentos",
        "429: demasiados intentos de inicio de sesión (`retry_after`)",
    ),
    (
        "error-interno",
        "500: error interno, registrado para su revisión",
    ),
    ("ocupado", "503: servicio ocupado (`retry_after`)"),
];

/// A line of text as the register reads it: blanks around it ignored, then not empty, at
/// most `max` characters, without control characters. In the pattern, not in
/// `maxLength`: the blanks around it do not count.
/// A gestor's address as the register takes it: blank (none), or one address of at most
/// 64 characters before the `@` and 189 after it, with no blanks, quotes nor angle
/// brackets (`crate::service::social`'s check).
const GESTOR_EMAIL_PATTERN: &str = r#"^\s*$|^\s*[^@\s<>"]{1,64}@[^@\s<>"]{1,189}\s*$"#;

fn text(max: usize, description: &str) -> Value {
    let c = r"\u0000-\u001f\u007f-\u009f";
    json!({"type": "string", "pattern": format!(r"^\s*[^\s{c}](?:[^{c}]{{0,{}}}[^\s{c}])?\s*$", max - 2), "description": format!("{description} A lo más {max} caracteres, sin saltos de línea.")})
}

/// The changes of an account of the register of social-media accounts (issue 18), as
/// `POST /v1/social-accounts` and `POST /v1/social-accounts/{id}/changes` read them.
fn social_changes(schemas: &mut Map<String, Value>) {
    use crate::social::{AccountKind, GestorKind, Platform, ServantLevel, Verification};
    let verification = strings(
        Verification::ALL.iter().map(|k| k.as_str()),
        "La verificación de la plataforma (Décima cuarta).",
    );
    let url = opt(
        json!({"type": "string", "maxLength": 500, "pattern": "^\\s*$|^\\s*https?://", "description": "La dirección de la cuenta: empieza por https:// (o http://), a lo más 500 caracteres; vacía, ninguna."}),
    );
    let change = |name: &str, title: &str, description: &str, fields: &[(&str, Value, bool)]| {
        let mut v = act(name, title, description, fields, None);
        let o = v.as_object_mut().expect("an object");
        let mut props = o["properties"].as_object().cloned().unwrap_or_default();
        let tag = props.remove("act").unwrap_or(Value::Null);
        props.insert("change".into(), tag);
        o.insert("properties".into(), Value::Object(props));
        o.insert(
            "required".into(),
            json!(
                std::iter::once("change")
                    .chain(fields.iter().filter(|f| f.2).map(|f| f.0))
                    .collect::<Vec<_>>()
            ),
        );
        v
    };
    let changes: Vec<(&str, Value)> = vec![
        (
            "registered",
            change(
                "registered",
                "alta en el registro",
                "La cuenta entra al registro (Segunda IV, Décima).",
                &[
                    (
                        "platform",
                        strings(Platform::ALL.iter().map(|k| k.as_str()), "La red social."),
                        true,
                    ),
                    (
                        "handle",
                        json!({"type": "string", "pattern": r"^\s*[^\s\u0000-\u001f\u007f-\u009f]{1,100}\s*$", "description": "El nombre de la cuenta en la red (`@SEJalisco`): sin espacios, a lo más 100 caracteres."}),
                        true,
                    ),
                    ("url", url.clone(), false),
                    (
                        "kind",
                        strings(
                            AccountKind::ALL.iter().map(|k| k.as_str()),
                            "`official`: cuenta oficial (Séptima A); `servant_personal`: cuenta personal de un servidor público (Séptima B, Quinta).",
                        ),
                        true,
                    ),
                    (
                        "servant_level",
                        opt(strings(
                            ServantLevel::ALL.iter().map(|k| k.as_str()),
                            "Para una cuenta personal: el nivel del servidor, del titular a cuatro niveles debajo (Quinta).",
                        )),
                        false,
                    ),
                    (
                        "area",
                        text(
                            200,
                            "El área que la opera (o con la que trabaja el servidor).",
                        ),
                        true,
                    ),
                    ("verification", verification.clone(), false),
                ],
            ),
        ),
        (
            "edited",
            change(
                "edited",
                "cambio de datos",
                "Cambió la dirección, el área o la verificación; al menos uno.",
                &[
                    ("url", url, false),
                    ("area", opt(text(200, "El área nueva.")), false),
                    ("verification", opt(verification), false),
                ],
            ),
        ),
        (
            "run_by_area",
            change(
                "run_by_area",
                "operada por un área",
                "Un área opera la cuenta personal de un servidor desde `from` (hasta `to`, el fin del cargo, si se sabe): oficial en ese periodo (Décima novena).",
                &[
                    ("from", date("Desde cuándo."), true),
                    ("to", opt(date("Hasta cuándo.")), false),
                ],
            ),
        ),
        (
            "gestor_added",
            change(
                "gestor_added",
                "alta de un gestor",
                "Una persona empieza a administrar la cuenta (Segunda V, Décima segunda).",
                &[
                    ("name", text(200, "Su nombre."), true),
                    (
                        "kind",
                        strings(
                            GestorKind::ALL.iter().map(|k| k.as_str()),
                            "`servant`: servidor público; `external`: prestador de servicios externo.",
                        ),
                        true,
                    ),
                    (
                        "position",
                        opt(text(200, "Su cargo, o la empresa del prestador.")),
                        false,
                    ),
                    (
                        "email",
                        opt(json!({
                            "type": "string",
                            "pattern": GESTOR_EMAIL_PATTERN,
                            "description": "Su correo, para los avisos de la cuenta (el plazo de una solicitud sobre una de sus publicaciones; cambiar las contraseñas cuando otro gestor se va). Se guarda con el nombre, fuera del historial; no se publica ni se muestra. Vacío: ninguno."
                        })),
                        false,
                    ),
                ],
            ),
        ),
        (
            "gestor_left",
            change(
                "gestor_left",
                "baja de un gestor",
                "Un gestor deja de administrar la cuenta: las contraseñas que conocía deben cambiarse (Décima quinta).",
                &[(
                    "gestor",
                    json!({"type": "integer", "minimum": 0, "maximum": u32::MAX, "description": "El número del gestor en el historial de la cuenta."}),
                    true,
                )],
            ),
        ),
        (
            "passwords_rotated",
            change(
                "passwords_rotated",
                "cambio de contraseñas",
                "Se cambiaron las contraseñas (el registro nunca las guarda).",
                &[],
            ),
        ),
        (
            "compromised",
            change(
                "compromised",
                "cuenta tomada",
                "Otra persona tomó la cuenta: el folio de la vulneración abierta (arts. 38 a 40). Se registra con POST /v1/social-accounts/{id}/compromised.",
                &[("breach", text(60, "El folio de la vulneración."), true)],
            ),
        ),
        (
            "retired",
            change(
                "retired",
                "baja del registro",
                "El sujeto obligado dejó de usar la cuenta.",
                &[],
            ),
        ),
    ];
    let mut one_of = Vec::new();
    let mut mapping = Map::new();
    for (name, s) in changes {
        let schema_name = format!("SocialChange{}", pascal(name));
        one_of.push(r(&schema_name));
        mapping.insert(
            name.into(),
            Value::from(format!("#/components/schemas/{schema_name}")),
        );
        schemas.insert(schema_name, s);
    }
    schemas.insert(
        "SocialChange".into(),
        json!({
            "description": "Un cambio de una cuenta del registro de redes sociales, tal como queda en su historial; `change` lo nombra. Un campo que el cambio no tiene (una contraseña, por ejemplo) se rechaza con 422.",
            "oneOf": one_of,
            "discriminator": {"propertyName": "change", "mapping": mapping},
        }),
    );
}

/// Every schema of this module, by name.
pub fn components() -> Map<String, Value> {
    let mut schemas = Map::new();
    request_acts(&mut schemas);
    appeal_acts(&mut schemas);
    breach_acts(&mut schemas);
    social_changes(&mut schemas);
    act_inputs(&mut schemas);
    answers(&mut schemas);
    schemas
}

/// The names of the acts in a union's discriminator.
pub fn discriminated_acts(doc: &Value, union: &str) -> Vec<String> {
    doc["components"]["schemas"][union]["discriminator"]["mapping"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The acts each procedure knows, for the document's test: (union, every act's name).
pub fn procedures() -> [(&'static str, Vec<&'static str>); 3] {
    [
        (
            "RequestAct",
            ActKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "AppealAct",
            AppealActKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "BreachAct",
            BreachActKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
    ]
}
