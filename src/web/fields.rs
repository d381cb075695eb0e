//! The fields of each act's form: how an act's data (as the procedures define them in
//! `src/request/act.rs` and `src/appeal/act.rs`) are typed by a person. Only the shape of
//! the input lives here — labels, choices, which are numbers; whether a value is lawful
//! (a range, a cause that fits the state) is the procedure's to decide, and its refusal is
//! shown beside the field.

use serde_json::{Map, Value};

/// How a field is typed.
#[derive(Debug, Clone, Copy)]
pub enum Input {
    /// One of these values (value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A whole number.
    Number,
    /// Yes or no (a checkbox: absent is no).
    Flag,
    /// A date (`AAAA-MM-DD`).
    Date,
    /// A line of text.
    Text,
}

/// A field of an act's form. `name` is the act's JSON key; a dotted name (`delivery.pages`)
/// goes into a nested object.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn field(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    input: Input,
    required: bool,
) -> Field {
    Field {
        name,
        label,
        help,
        input,
        required,
    }
}

const FRACTIONS: [(&str, &str); 12] = [
    ("I", "Fracción I"),
    ("II", "Fracción II"),
    ("III", "Fracción III"),
    ("IV", "Fracción IV"),
    ("V", "Fracción V"),
    ("VI", "Fracción VI"),
    ("VII", "Fracción VII"),
    ("VIII", "Fracción VIII"),
    ("IX", "Fracción IX"),
    ("X", "Fracción X"),
    ("XI", "Fracción XI"),
    ("XII", "Fracción XII"),
];

const OUTCOMES: &[(&str, &str)] = &[
    ("granted", "Procedente"),
    ("partially_granted", "Parcialmente procedente"),
    ("denied", "Improcedente"),
    ("nonexistent", "Inexistencia de los datos (art. 61)"),
];

const MODALITIES: &[(&str, &str)] = &[
    ("", "— sin entrega de datos —"),
    ("direct_consultation", "Consulta directa"),
    ("simple_copy", "Copias simples"),
    ("certified_copy", "Copias certificadas"),
    ("electronic", "Medio electrónico"),
    (
        "execution",
        "Ejecución de la rectificación, cancelación u oposición",
    ),
];

const APPEAL_OUTCOMES: &[(&str, &str)] = &[
    ("dismissed", "Desechar"),
    ("sobreseido", "Sobreseer (art. 109)"),
    ("confirmed", "Confirmar la respuesta"),
    ("modified", "Modificar la respuesta"),
    ("revoked", "Revocar la respuesta"),
    ("delivery_ordered", "Ordenar la entrega de los datos"),
];

const STANDINGS: &[(&str, &str)] = &[
    ("titular", "La persona titular"),
    ("representative", "Su representante (art. 48.4.II)"),
    (
        "legal_provision",
        "Persona distinta, por disposición legal (art. 48.2)",
    ),
    (
        "court_order",
        "Persona distinta, por mandato judicial (art. 48.2)",
    ),
    (
        "deceased_legal_interest",
        "Interés jurídico sobre datos de persona fallecida (art. 48.3)",
    ),
];

const MEANS: &[(&str, &str)] = &[
    ("official_id", "Identificación oficial"),
    (
        "electronic",
        "Instrumento electrónico o mecanismo de autenticación",
    ),
    (
        "prior_mechanism",
        "Mecanismo establecido previamente por el responsable",
    ),
];

const INSTRUMENTS: &[(&str, &str)] = &[
    ("", "— no actúa representante —"),
    ("public_instrument", "Instrumento público"),
    (
        "power_letter",
        "Carta poder simple firmada ante dos testigos",
    ),
    (
        "personal_appearance",
        "Declaración en comparecencia personal del titular",
    ),
];

const YES_NO: &[(&str, &str)] = &[("true", "Sí"), ("false", "No")];

const REVIEWS: &[(&str, &str)] = &[
    ("confirmed", "Confirma la improcedencia"),
    (
        "modified",
        "Modifica la improcedencia (con la causa indicada)",
    ),
    ("revoked", "Revoca la improcedencia: la solicitud sigue"),
];

pub const VENUES: &[(&str, &str)] = &[
    ("guarantor", "Ante el órgano garante"),
    (
        "unit",
        "Ante la Unidad de Transparencia (la remite al día siguiente, art. 99.3)",
    ),
];

pub const CHANNELS: &[(&str, &str)] = &[
    ("", "— no registrado —"),
    ("pnt", "Plataforma Nacional de Transparencia (SISAI)"),
    ("email", "Correo electrónico"),
    ("in_person", "En persona, ante la Unidad de Transparencia"),
    ("post", "Correo postal o mensajería"),
    ("other", "Otro medio habilitado por el sujeto obligado"),
];

pub const RIGHTS: &[(&str, &str)] = &[
    ("access", "Acceso"),
    ("rectification", "Rectificación"),
    ("cancellation", "Cancelación"),
    ("opposition", "Oposición"),
    ("portability", "Portabilidad"),
];

/// The fields of the appeal's filing (art. 99–100).
pub const APPEAL_FILING: &[Field] = &[
    field(
        "venue",
        "Dónde se interpuso",
        "Art. 99.1.",
        Input::Choice(VENUES),
        true,
    ),
    field(
        "ground",
        "Causa de procedencia (art. 100)",
        "VII y XII: falta de respuesta en el plazo.",
        Input::Choice(&FRACTIONS),
        true,
    ),
    field(
        "minor_unrepresented",
        "La persona titular es menor de edad sin representación",
        "No procede la conciliación (art. 106.2).",
        Input::Flag,
        false,
    ),
];

/// The fields of a request act, by its name.
pub fn request_fields(act: &str) -> &'static [Field] {
    const PARTIAL: &[Field] = &[field(
        "partial",
        "Incompetencia parcial",
        "El sujeto obligado responde la parte de su competencia y la solicitud sigue (art. 54.2).",
        Input::Flag,
        false,
    )];
    const CAUSE: &[Field] = &[field(
        "cause",
        "Causa de improcedencia (art. 55.1)",
        "",
        Input::Choice(FRACTIONS.split_at(10).0),
        true,
    )];
    const OUTCOME: &[Field] = &[field(
        "outcome",
        "Sentido de la resolución",
        "Arts. 60 y 61.",
        Input::Choice(OUTCOMES),
        true,
    )];
    const DELIVERY: &[Field] = &[
        field(
            "delivery.modality",
            "Modalidad de entrega",
            "La que eligió la persona titular (art. 51.2).",
            Input::Choice(MODALITIES),
            false,
        ),
        field(
            "delivery.pages",
            "Número de hojas",
            "Las primeras 20 son gratuitas (art. 62.4).",
            Input::Number,
            false,
        ),
        field(
            "delivery.page_cost",
            "Costo por hoja (centavos)",
            "",
            Input::Number,
            false,
        ),
        field(
            "delivery.certification_cost",
            "Costo de certificación (centavos)",
            "",
            Input::Number,
            false,
        ),
        field(
            "delivery.shipping_cost",
            "Costo de envío (centavos)",
            "",
            Input::Number,
            false,
        ),
        field(
            "delivery.medium_provided",
            "La persona titular aportó el medio",
            "La reproducción es gratuita (art. 62.3).",
            Input::Flag,
            false,
        ),
        field(
            "delivery.waived",
            "Se exceptúa el pago de reproducción y envío",
            "Por las circunstancias socioeconómicas de la persona titular (art. 62.4); anote las circunstancias en una nota interna, no aquí.",
            Input::Flag,
            false,
        ),
    ];
    const IDENTITY: &[Field] = &[
        field(
            "standing",
            "Quién ejerce el derecho",
            "Art. 48.",
            Input::Choice(STANDINGS),
            true,
        ),
        field(
            "means",
            "Con qué acreditó su identidad",
            "Art. 48.4.I. Se registra el medio, nunca una copia de la identificación.",
            Input::Choice(MEANS),
            true,
        ),
        field(
            "instrument",
            "Con qué acreditó su personalidad el representante",
            "Solo si actúa un representante (art. 48.4.II.c).",
            Input::Choice(INSTRUMENTS),
            false,
        ),
    ];
    const EXTENSION: &[Field] = &[field(
        "days",
        "Días hábiles de ampliación",
        "Hasta 5 (art. 59.2); si se deja en blanco, 5.",
        Input::Number,
        false,
    )];
    const REVIEW: &[Field] = &[
        field(
            "cause",
            "Causa de improcedencia que determinó la Unidad (art. 55.1)",
            "",
            Input::Choice(FRACTIONS.split_at(10).0),
            true,
        ),
        field(
            "decision",
            "Decisión del Comité (art. 87.1.III)",
            "",
            Input::Choice(REVIEWS),
            true,
        ),
    ];
    match act {
        "extension_notified" => EXTENSION,
        "improcedence_reviewed" => REVIEW,
        "incompetence_notified" => PARTIAL,
        "improcedence_notified" => CAUSE,
        "resolved" => OUTCOME,
        "fulfilled" => DELIVERY,
        "identity_accredited" => IDENTITY,
        _ => &[],
    }
}

/// The fields of an appeal or compliance act, by its name.
pub fn appeal_fields(act: &str) -> &'static [Field] {
    const DISMISSAL: &[Field] = &[field(
        "cause",
        "Causa de desechamiento (art. 108)",
        "",
        Input::Choice(FRACTIONS.split_at(7).0),
        true,
    )];
    const ABSENT: &[Field] = &[field(
        "absent",
        "Una de las partes no asistió",
        "Se cita a una segunda audiencia (art. 106.III).",
        Input::Flag,
        false,
    )];
    const RESOLVED: &[Field] = &[
        field(
            "outcome",
            "Sentido de la resolución (art. 110.4)",
            "",
            Input::Choice(APPEAL_OUTCOMES),
            true,
        ),
        field(
            "compliance_days",
            "Días hábiles para cumplir",
            "Cuando la resolución ordena actuar (art. 112.1).",
            Input::Number,
            false,
        ),
    ];
    const RULED_EXTENSION: &[Field] = &[field(
        "granted_days",
        "Días hábiles de prórroga concedidos",
        "0 niega la prórroga (art. 136.3).",
        Input::Number,
        true,
    )];
    const COMPLIED: &[Field] = &[field(
        "complied",
        "¿Se cumplió la resolución?",
        "Art. 138.",
        Input::Choice(YES_NO),
        true,
    )];
    const WARNING: &[Field] = &[field(
        "days",
        "Días hábiles adicionales para cumplir",
        "Art. 112.2.",
        Input::Number,
        true,
    )];
    const FINE: &[Field] = &[
        field(
            "days",
            "Días hábiles adicionales para cumplir",
            "Art. 112.3.",
            Input::Number,
            true,
        ),
        field(
            "uma",
            "Monto de la multa (UMA)",
            "Art. 112.3.",
            Input::Number,
            true,
        ),
        field(
            "reincidence",
            "Reincidencia",
            "La multa puede llegar al doble del máximo (art. 143.2).",
            Input::Flag,
            false,
        ),
    ];
    const APPEAL_EXTENSION: &[Field] = &[field(
        "days",
        "Días hábiles de ampliación",
        "Hasta 10 (art. 110.1); si se deja en blanco, 10.",
        Input::Number,
        false,
    )];
    const REPORTED: &[Field] = &[field(
        "complied_on",
        "Fecha en que el sujeto obligado dice haber cumplido",
        "El acuerdo sobre el cumplimiento decide si se cumplió (arts. 137–138).",
        Input::Date,
        false,
    )];
    match act {
        "appeal_extension_notified" => APPEAL_EXTENSION,
        "compliance_reported" => REPORTED,
        "appeal_dismissed" => DISMISSAL,
        "conciliation_hearing_held" => ABSENT,
        "appeal_resolved" => RESOLVED,
        "compliance_extension_ruled" => RULED_EXTENSION,
        "compliance_ruled" => COMPLIED,
        "public_warning" => WARNING,
        "fine_imposed" => FINE,
        _ => &[],
    }
}

/// The form's reserved names (not act data).
pub const RESERVED: &[&str] = &["csrf", "at", "step", "version"];

/// Why a typed value could not be read, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The act's JSON object from the typed values: `{"act": name, ...fields}`. An unknown
/// field, a missing required one or a number that is not one is an error naming it.
pub fn act_json(
    act: &str,
    fields: &[Field],
    form: &[(String, String)],
) -> Result<Value, FieldError> {
    if let Some((k, _)) = form
        .iter()
        .find(|(k, _)| !RESERVED.contains(&k.as_str()) && !fields.iter().any(|f| f.name == k))
    {
        return Err(FieldError {
            field: k.clone(),
            message: format!("campo desconocido «{k}» para este acto"),
        });
    }
    let mut obj = Map::new();
    obj.insert("act".into(), Value::String(act.to_string()));
    let mut nested: Map<String, Value> = Map::new();
    let mut nested_name = None;
    for f in fields {
        let raw = form
            .iter()
            .find(|(k, _)| k == f.name)
            .map(|(_, v)| v.trim())
            .unwrap_or("");
        let value = match f.input {
            Input::Flag => Some(Value::Bool(!raw.is_empty() && raw != "false")),
            _ if raw.is_empty() => {
                if f.required {
                    return Err(FieldError {
                        field: f.name.into(),
                        message: format!("falta «{}»", f.label),
                    });
                }
                None
            }
            Input::Number => Some(Value::from(raw.parse::<u64>().map_err(|_| FieldError {
                field: f.name.into(),
                message: format!(
                    "«{}» debe ser un número entero sin signo; se escribió «{raw}»",
                    f.label
                ),
            })?)),
            Input::Date => {
                if chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_err() {
                    return Err(FieldError {
                        field: f.name.into(),
                        message: format!(
                            "«{}» debe ser una fecha AAAA-MM-DD; se escribió «{raw}»",
                            f.label
                        ),
                    });
                }
                Some(Value::String(raw.to_string()))
            }
            Input::Text => Some(Value::String(raw.to_string())),
            Input::Choice(options) => {
                if !options.iter().any(|(v, _)| *v == raw) {
                    return Err(FieldError {
                        field: f.name.into(),
                        message: format!("«{raw}» no es una opción de «{}»", f.label),
                    });
                }
                Some(match raw {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::String(raw.to_string()),
                })
            }
        };
        let Some(value) = value else { continue };
        match f.name.split_once('.') {
            Some((outer, inner)) => {
                nested_name = Some(outer);
                nested.insert(inner.to_string(), value);
            }
            None => {
                obj.insert(f.name.to_string(), value);
            }
        }
    }
    // A nested object (the delivery) is sent only when its first field was typed.
    if let Some(outer) = nested_name {
        let first = fields
            .iter()
            .find(|f| f.name.starts_with(&format!("{outer}.")))
            .and_then(|f| f.name.split_once('.'))
            .map(|(_, i)| i);
        if first.is_some_and(|k| nested.contains_key(k)) {
            obj.insert(outer.to_string(), Value::Object(nested));
        }
    }
    Ok(Value::Object(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn builds_the_act_object() {
        let v = act_json(
            "resolved",
            request_fields("resolved"),
            &form(&[("outcome", "granted"), ("csrf", "x")]),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"act": "resolved", "outcome": "granted"})
        );
        let v = act_json(
            "fulfilled",
            request_fields("fulfilled"),
            &form(&[
                ("delivery.modality", "simple_copy"),
                ("delivery.pages", "25"),
            ]),
        )
        .unwrap();
        assert_eq!(v["delivery"]["pages"], 25);
        assert_eq!(v["delivery"]["medium_provided"], false);
        let v = act_json(
            "fulfilled",
            request_fields("fulfilled"),
            &form(&[("delivery.modality", "")]),
        )
        .unwrap();
        assert!(v.get("delivery").is_none());
        let v = act_json(
            "compliance_ruled",
            appeal_fields("compliance_ruled"),
            &form(&[("complied", "false")]),
        )
        .unwrap();
        assert_eq!(v["complied"], false);
    }

    #[test]
    fn names_the_field_at_fault() {
        let e = act_json("resolved", request_fields("resolved"), &form(&[])).unwrap_err();
        assert_eq!(e.field, "outcome");
        let e = act_json(
            "admitted",
            request_fields("admitted"),
            &form(&[("days", "3")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "days");
        assert!(e.message.contains("desconocido"));
        let e = act_json(
            "fine_imposed",
            appeal_fields("fine_imposed"),
            &form(&[("days", "5"), ("uma", "mil")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "uma");
        let e = act_json(
            "resolved",
            request_fields("resolved"),
            &form(&[("outcome", "<b>")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "outcome");
    }
}
