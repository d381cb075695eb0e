//! The acts of a solicitud ARCO (arts. 45–63) and what they carry.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::reception::{Channel, ExternalFolio, IdentityMeans, Instrument, Standing};
use crate::case::Role;

/// The right exercised (art. 46; portability, art. 63).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Access,
    Rectification,
    Cancellation,
    Opposition,
    Portability,
}

impl Right {
    /// The right's name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Right::Access => "access",
            Right::Rectification => "rectification",
            Right::Cancellation => "cancellation",
            Right::Opposition => "opposition",
            Right::Portability => "portability",
        }
    }

    /// The right named `s` (as in JSON).
    pub fn parse(s: &str) -> Option<Right> {
        [
            Right::Access,
            Right::Rectification,
            Right::Cancellation,
            Right::Opposition,
            Right::Portability,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Right::Access => "acceso",
            Right::Rectification => "rectificación",
            Right::Cancellation => "cancelación",
            Right::Opposition => "oposición",
            Right::Portability => "portabilidad",
        }
    }
}

/// What the Comité de Transparencia resolved (arts. 60, 61).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Procedente.
    Granted,
    /// Parcialmente procedente.
    PartiallyGranted,
    /// Improcedente.
    Denied,
    /// Inexistencia de los datos, confirmed by the Comité (art. 61).
    Nonexistent,
}

impl Outcome {
    /// Whether the right must now be made effective (art. 59.3).
    pub fn must_fulfil(self) -> bool {
        matches!(self, Outcome::Granted | Outcome::PartiallyGranted)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Outcome::Granted => "procedente",
            Outcome::PartiallyGranted => "parcialmente procedente",
            Outcome::Denied => "improcedente",
            Outcome::Nonexistent => "inexistencia",
        }
    }
}

/// A cause of improcedencia, fracciones I to X of art. 55.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value", into = "String")]
pub struct ImprocedenceCause(u8);

const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

impl ImprocedenceCause {
    /// Accepts a fracción as a Roman numeral (`"IV"`) or a number 1–10.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim().to_uppercase();
        if let Some(i) = ROMAN.iter().position(|r| *r == t) {
            return Some(ImprocedenceCause(i as u8 + 1));
        }
        t.parse::<u8>()
            .ok()
            .filter(|n| (1..=10).contains(n))
            .map(ImprocedenceCause)
    }

    pub fn roman(self) -> &'static str {
        ROMAN[(self.0 - 1) as usize]
    }

    /// Fracción VIII: "cuando el responsable no sea competente", which art. 54.1 already
    /// governs with its own notice (see `RequestError::IncompetenceAsImprocedence`).
    pub fn is_incompetence(self) -> bool {
        self.0 == 8
    }
}

impl TryFrom<serde_json::Value> for ImprocedenceCause {
    type Error = String;
    fn try_from(v: serde_json::Value) -> Result<Self, String> {
        let s = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        ImprocedenceCause::parse(&s).ok_or_else(|| {
            format!("causa de improcedencia inválida {v}: se esperaba una fracción del art. 55.1, de I a X")
        })
    }
}

impl From<ImprocedenceCause> for String {
    fn from(c: ImprocedenceCause) -> String {
        c.roman().to_string()
    }
}

/// What the Comité de Transparencia decides on a determination of the Unidad de
/// Transparencia that denies the exercise of a right (art. 87.1.III).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// Confirms it: the improcedencia may be notified.
    Confirmed,
    /// Modifies it (the cause it keeps is the act's `cause`): notified as modified.
    Modified,
    /// Revokes it: the request goes on.
    Revoked,
}

impl Review {
    pub fn label_es(self) -> &'static str {
        match self {
            Review::Confirmed => "confirma",
            Review::Modified => "modifica",
            Review::Revoked => "revoca",
        }
    }

    /// Whether the denial stands and may be notified.
    pub fn upholds(self) -> bool {
        !matches!(self, Review::Revoked)
    }
}

/// How the data are delivered (art. 51.2: the modality the titular chose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Consulta directa.
    DirectConsultation,
    /// Copias simples.
    SimpleCopy,
    /// Copias certificadas.
    CertifiedCopy,
    /// Medio electrónico.
    Electronic,
    /// The rectification, cancellation or opposition itself (no delivery of data).
    Execution,
}

/// The delivery with which the right was made effective, and its costs (art. 62). Amounts
/// are in centavos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    pub modality: Modality,
    #[serde(default)]
    pub pages: u32,
    /// Cost of reproducing one page, where reproduction is charged.
    #[serde(default)]
    pub page_cost: u32,
    #[serde(default)]
    pub certification_cost: u32,
    #[serde(default)]
    pub shipping_cost: u32,
    /// The titular provided the medium (art. 62.3): reproduction is free.
    #[serde(default)]
    pub medium_provided: bool,
    /// The Unidad de Transparencia waived reproduction and shipping on the titular's
    /// socioeconomic circumstances (art. 62.4). The reason is kept apart from the log, as
    /// an internal note of the case (it is the titular's personal data).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waived: bool,
}

/// Pages delivered free of charge (art. 62.4).
pub const FREE_PAGES: u32 = 20;

impl Delivery {
    /// What the titular pays (art. 62): the exercise of the right is free; only
    /// reproduction, certification and shipping are charged, the first 20 pages are free,
    /// and reproduction is free when the titular provides the medium; a waiver (art.
    /// 62.4) leaves only certification to pay.
    pub fn cost(&self) -> u64 {
        if self.waived {
            return u64::from(self.certification_cost);
        }
        let reproduction = if self.medium_provided {
            0
        } else {
            u64::from(self.pages.saturating_sub(FREE_PAGES)) * u64::from(self.page_cost)
        };
        reproduction + u64::from(self.certification_cost) + u64::from(self.shipping_cost)
    }
}

/// An act of the request procedure, as recorded.
///
/// Every act refuses a field it does not have, naming it (`deny_unknown_fields` alone is
/// not enough: serde lets an internally tagged unit variant ignore any extra field, which
/// is how `{"act": "extension_notified", "days": 3}` used to pass with its days dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case", deny_unknown_fields)]
#[serde(remote = "Self")]
pub enum RequestAct {
    /// Filing (art. 49): starts the case; gives the acuse de recibo. `channel` and
    /// `external_folio` say how it came in (art. 49.1); absent in logs written before.
    Filed {
        right: Right,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<Channel>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_folio: Option<ExternalFolio>,
    },
    /// The Unidad de Transparencia records how the identity of whoever exercises the
    /// right, and a representative's personalidad, was accredited (arts. 48, 88.1.III).
    /// Only the fact and the means are recorded, never a copy of the ID. Delivery of the
    /// data waits for it (art. 88.1.III).
    IdentityAccredited {
        standing: Standing,
        means: IdentityMeans,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument: Option<Instrument>,
    },
    /// Prevention notified to the titular (art. 52.1), once only.
    PreventionNotified,
    /// The titular cured the omissions (art. 52.1); restarts the resolution term (52.2).
    PreventionAnswered,
    /// Admission (art. 53).
    Admitted,
    /// Incompetence notified, with orientation (art. 54.1); `partial`: the body answers
    /// the part it is competent for and the request goes on (art. 54.2).
    IncompetenceNotified {
        #[serde(default)]
        partial: bool,
    },
    /// Reconducción de la vía (art. 56).
    Redirected,
    /// The titular is told of a specific procedure (art. 57); the request goes on unless
    /// withdrawn.
    OtherProcedureNotified,
    /// The Comité de Transparencia confirms, modifies or revokes the Unidad de
    /// Transparencia's determination that the request is improcedente on `cause` (art.
    /// 87.1.III: every denial, for any cause, is the Comité's). Needed before the notice.
    ImprocedenceReviewed {
        cause: ImprocedenceCause,
        decision: Review,
    },
    /// Improcedencia notified, with its cause (art. 55), once the Comité confirmed or
    /// modified it (art. 87.1.III); within 10 days of the filing (art. 55.2).
    ImprocedenceNotified { cause: ImprocedenceCause },
    /// The one extension of the resolution term, notified within it (art. 59.2): "hasta
    /// por cinco días", so `days` (1 to the rulebook's maximum) is what the notice grants;
    /// without it (every log written before the field existed) the maximum.
    ExtensionNotified {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
    },
    /// The Comité de Transparencia's resolution (arts. 59–61).
    Resolved { outcome: Outcome },
    /// The response notified to the titular.
    ResolutionNotified,
    /// The right made effective (art. 59.3), with the delivery and its costs (art. 62).
    Fulfilled {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery: Option<Delivery>,
    },
    /// The titular withdrew the request.
    Withdrawn,
    /// The file is closed.
    Closed,
}

/// The kind of an act, without its data: names acts in errors and in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    Filed,
    IdentityAccredited,
    PreventionNotified,
    PreventionAnswered,
    Admitted,
    IncompetenceNotified,
    Redirected,
    OtherProcedureNotified,
    ImprocedenceReviewed,
    ImprocedenceNotified,
    ExtensionNotified,
    Resolved,
    ResolutionNotified,
    Fulfilled,
    Withdrawn,
    Closed,
}

impl ActKind {
    pub const ALL: [ActKind; 16] = [
        ActKind::Filed,
        ActKind::IdentityAccredited,
        ActKind::PreventionNotified,
        ActKind::PreventionAnswered,
        ActKind::Admitted,
        ActKind::IncompetenceNotified,
        ActKind::Redirected,
        ActKind::OtherProcedureNotified,
        ActKind::ImprocedenceReviewed,
        ActKind::ImprocedenceNotified,
        ActKind::ExtensionNotified,
        ActKind::Resolved,
        ActKind::ResolutionNotified,
        ActKind::Fulfilled,
        ActKind::Withdrawn,
        ActKind::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActKind::Filed => "filed",
            ActKind::IdentityAccredited => "identity_accredited",
            ActKind::PreventionNotified => "prevention_notified",
            ActKind::PreventionAnswered => "prevention_answered",
            ActKind::Admitted => "admitted",
            ActKind::IncompetenceNotified => "incompetence_notified",
            ActKind::Redirected => "redirected",
            ActKind::OtherProcedureNotified => "other_procedure_notified",
            ActKind::ImprocedenceReviewed => "improcedence_reviewed",
            ActKind::ImprocedenceNotified => "improcedence_notified",
            ActKind::ExtensionNotified => "extension_notified",
            ActKind::Resolved => "resolved",
            ActKind::ResolutionNotified => "resolution_notified",
            ActKind::Fulfilled => "fulfilled",
            ActKind::Withdrawn => "withdrawn",
            ActKind::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ActKind> {
        ActKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Spanish name, as staff read it.
    pub fn label_es(self) -> &'static str {
        match self {
            ActKind::Filed => "presentación de la solicitud",
            ActKind::IdentityAccredited => "acreditación de la identidad",
            ActKind::PreventionNotified => "notificación de la prevención",
            ActKind::PreventionAnswered => "desahogo de la prevención",
            ActKind::Admitted => "admisión",
            ActKind::IncompetenceNotified => "aviso de incompetencia",
            ActKind::Redirected => "reconducción de la vía",
            ActKind::OtherProcedureNotified => "aviso de trámite específico",
            ActKind::ImprocedenceReviewed => {
                "confirmación, modificación o revocación de la improcedencia por el Comité de Transparencia"
            }
            ActKind::ImprocedenceNotified => "aviso de improcedencia",
            ActKind::ExtensionNotified => "notificación de la ampliación del plazo",
            ActKind::Resolved => "resolución del Comité de Transparencia",
            ActKind::ResolutionNotified => "notificación de la respuesta",
            ActKind::Fulfilled => "hacer efectivo el derecho",
            ActKind::Withdrawn => "desistimiento",
            ActKind::Closed => "cierre del expediente",
        }
    }

    /// Who may record the act: the Comité resolves (arts. 59–61, inexistencia only by
    /// Comité resolution) and confirms, modifies or revokes every denial (art. 87.1.III); the Unidad de Transparencia records everything else (it receives
    /// and notifies, and logs what the titular does). Imports may record any act.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            ActKind::Resolved | ActKind::ImprocedenceReviewed => {
                &[Role::Committee, Role::Migration]
            }
            _ => &[Role::UnitStaff, Role::UnitHead, Role::Migration],
        }
    }
}

impl fmt::Display for ActKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "«{}» ({})", self.as_str(), self.label_es())
    }
}

impl<'de> Deserialize<'de> for RequestAct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let act = RequestAct::deserialize(&v).map_err(|e| {
            serde::de::Error::custom(
                crate::case::unknown_field_es(&v, &e.to_string()).unwrap_or_else(|| e.to_string()),
            )
        })?;
        if act.has_no_fields() {
            crate::case::refuse_extra_fields(&v, act.kind().as_str())
                .map_err(serde::de::Error::custom)?;
        }
        Ok(act)
    }
}

impl Serialize for RequestAct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RequestAct::serialize(self, s)
    }
}

impl RequestAct {
    /// Acts that carry no field but `act` (serde would let them ignore any other).
    fn has_no_fields(&self) -> bool {
        match self {
            RequestAct::PreventionNotified
            | RequestAct::PreventionAnswered
            | RequestAct::Admitted
            | RequestAct::Redirected
            | RequestAct::OtherProcedureNotified
            | RequestAct::ResolutionNotified
            | RequestAct::Withdrawn
            | RequestAct::Closed => true,
            RequestAct::Filed { .. }
            | RequestAct::IdentityAccredited { .. }
            | RequestAct::IncompetenceNotified { .. }
            | RequestAct::ImprocedenceReviewed { .. }
            | RequestAct::ImprocedenceNotified { .. }
            | RequestAct::ExtensionNotified { .. }
            | RequestAct::Resolved { .. }
            | RequestAct::Fulfilled { .. } => false,
        }
    }

    pub fn kind(&self) -> ActKind {
        match self {
            RequestAct::Filed { .. } => ActKind::Filed,
            RequestAct::IdentityAccredited { .. } => ActKind::IdentityAccredited,
            RequestAct::PreventionNotified => ActKind::PreventionNotified,
            RequestAct::PreventionAnswered => ActKind::PreventionAnswered,
            RequestAct::Admitted => ActKind::Admitted,
            RequestAct::IncompetenceNotified { .. } => ActKind::IncompetenceNotified,
            RequestAct::Redirected => ActKind::Redirected,
            RequestAct::OtherProcedureNotified => ActKind::OtherProcedureNotified,
            RequestAct::ImprocedenceReviewed { .. } => ActKind::ImprocedenceReviewed,
            RequestAct::ImprocedenceNotified { .. } => ActKind::ImprocedenceNotified,
            RequestAct::ExtensionNotified { .. } => ActKind::ExtensionNotified,
            RequestAct::Resolved { .. } => ActKind::Resolved,
            RequestAct::ResolutionNotified => ActKind::ResolutionNotified,
            RequestAct::Fulfilled { .. } => ActKind::Fulfilled,
            RequestAct::Withdrawn => ActKind::Withdrawn,
            RequestAct::Closed => ActKind::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_article_62() {
        let mut d = Delivery {
            modality: Modality::SimpleCopy,
            pages: 20,
            page_cost: 100,
            certification_cost: 0,
            shipping_cost: 0,
            medium_provided: false,
            waived: false,
        };
        assert_eq!(d.cost(), 0);
        d.pages = 25;
        assert_eq!(d.cost(), 500);
        d.medium_provided = true;
        assert_eq!(d.cost(), 0);
        d.shipping_cost = 3_000;
        d.certification_cost = 1_000;
        assert_eq!(d.cost(), 4_000);
    }

    #[test]
    fn causes_are_fractions_one_to_ten() {
        assert_eq!(ImprocedenceCause::parse("iv").unwrap().roman(), "IV");
        assert_eq!(ImprocedenceCause::parse("10").unwrap().roman(), "X");
        assert!(ImprocedenceCause::parse("XI").is_none());
        assert!(ImprocedenceCause::parse("0").is_none());
        let c: ImprocedenceCause = serde_json::from_str("3").unwrap();
        assert_eq!(c.roman(), "III");
        let e = serde_json::from_str::<ImprocedenceCause>("\"XII\"").unwrap_err();
        assert!(e.to_string().contains("de I a X"));
    }

    #[test]
    fn acts_read_the_replay_shape() {
        let a: RequestAct =
            serde_json::from_str(r#"{"act":"resolved","outcome":"partially_granted"}"#).unwrap();
        assert_eq!(
            a,
            RequestAct::Resolved {
                outcome: Outcome::PartiallyGranted
            }
        );
        let a: RequestAct =
            serde_json::from_str(r#"{"act":"improcedence_notified","cause":"II"}"#).unwrap();
        assert_eq!(a.kind(), ActKind::ImprocedenceNotified);
        for k in ActKind::ALL {
            assert_eq!(ActKind::parse(k.as_str()), Some(k));
        }
    }
}
