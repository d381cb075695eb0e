//! The acts of a recurso de revisión (arts. 92–112) and of the compliance of its resolution
//! (arts. 112, 136–138).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::case::Role;

/// Where the appeal was filed (art. 99.1): with the guarantor, or with the Unidad de
/// Transparencia, which must forward it the next day (art. 99.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Venue {
    Guarantor,
    Unit,
}

/// A fracción of a legal article, I to `max`, written as a Roman numeral or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String")]
pub struct Fraction(u8);

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

impl Fraction {
    /// Parses `"IV"` or `4`, from I to `max`.
    pub fn parse(s: &str, max: u8) -> Option<Fraction> {
        let t = s.trim().to_uppercase();
        let n = match ROMAN.iter().position(|r| *r == t) {
            Some(i) => i as u8 + 1,
            None => t.parse::<u8>().ok()?,
        };
        (1..=max).contains(&n).then_some(Fraction(n))
    }

    pub fn roman(self) -> &'static str {
        ROMAN[(self.0 - 1) as usize]
    }

    fn from_json(v: &serde_json::Value, max: u8, what: &str) -> Result<Fraction, String> {
        let s = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        Fraction::parse(&s, max).ok_or_else(|| {
            format!(
                "{what} inválida {v}: se esperaba una fracción de I a {}",
                ROMAN[max as usize - 1]
            )
        })
    }
}

impl From<Fraction> for String {
    fn from(f: Fraction) -> String {
        f.roman().to_string()
    }
}

macro_rules! fraction_type {
    ($name:ident, $max:expr, $what:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "serde_json::Value", into = "String")]
        pub struct $name(pub Fraction);

        impl TryFrom<serde_json::Value> for $name {
            type Error = String;
            fn try_from(v: serde_json::Value) -> Result<Self, String> {
                Fraction::from_json(&v, $max, $what).map($name)
            }
        }

        impl From<$name> for String {
            fn from(f: $name) -> String {
                f.0.into()
            }
        }

        impl $name {
            pub fn parse(s: &str) -> Option<Self> {
                Fraction::parse(s, $max).map($name)
            }
        }
    };
}

fraction_type!(
    Ground,
    12,
    "causa de procedencia",
    "A ground of appeal, fracciones I to XII of art. 100."
);
fraction_type!(
    DismissalCause,
    7,
    "causa de improcedencia",
    "A cause to dismiss, fracciones I to VII of art. 108."
);

impl Ground {
    /// Fracciones VII and XII of art. 100: no response within the term.
    pub fn is_lack_of_response(self) -> bool {
        matches!(self.0.0, 7 | 12)
    }
}

/// What the guarantor resolved (art. 110.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    /// Desechar por improcedente.
    Dismissed,
    /// Sobreseer (art. 109).
    Sobreseido,
    /// Confirmar la respuesta.
    Confirmed,
    /// Modificar la respuesta.
    Modified,
    /// Revocar la respuesta.
    Revoked,
    /// Ordenar la entrega de los datos.
    DeliveryOrdered,
}

impl AppealOutcome {
    /// Whether the responsable must now act (art. 112.1).
    pub fn orders_action(self) -> bool {
        matches!(
            self,
            AppealOutcome::Modified | AppealOutcome::Revoked | AppealOutcome::DeliveryOrdered
        )
    }

    pub fn label_es(self) -> &'static str {
        match self {
            AppealOutcome::Dismissed => "desechado",
            AppealOutcome::Sobreseido => "sobreseído",
            AppealOutcome::Confirmed => "confirma la respuesta",
            AppealOutcome::Modified => "modifica la respuesta",
            AppealOutcome::Revoked => "revoca la respuesta",
            AppealOutcome::DeliveryOrdered => "ordena la entrega de los datos",
        }
    }
}

/// Least and most UMA of a fine (art. 112.3).
pub const FINE_UMA: (u32, u32) = (150, 1500);

/// Most UMA of a fine for a reincidente: twice the maximum (art. 143.2).
pub const REINCIDENT_FINE_UMA: u32 = 2 * FINE_UMA.1;

/// An act of the appeal or of the compliance of its resolution.
///
/// Every act refuses a field it does not have, naming it (see `RequestAct`: serde lets an
/// internally tagged unit variant ignore extra fields, so those are checked by hand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case", deny_unknown_fields)]
#[serde(remote = "Self")]
pub enum AppealAct {
    /// The appeal is filed (art. 99), with its ground (art. 100). `minor_unrepresented`:
    /// the titular is a minor without legal representation (no conciliation, art. 106.2).
    AppealFiled {
        venue: Venue,
        ground: Ground,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        minor_unrepresented: bool,
    },
    /// The Unidad de Transparencia forwards it to the guarantor (art. 99.3).
    AppealForwarded,
    /// Requirement of missing information, once (art. 104.1).
    AppealRequirementNotified,
    /// The titular answers it (art. 104.2); the resolution term restarts (art. 104.3).
    AppealRequirementAnswered,
    /// Turn to the ponente (art. 107.I).
    AppealTurned,
    AppealAdmitted,
    /// Desechamiento (arts. 105, 108).
    AppealDismissed {
        cause: DismissalCause,
    },
    /// The parties are invited to conciliate (art. 106.I).
    ConciliationInvited,
    /// Both parties are willing (art. 106.II).
    ConciliationAccepted,
    /// A hearing took place; `absent`: a party did not attend (art. 106.III).
    ConciliationHearingHeld {
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        absent: bool,
    },
    /// An agreement (art. 106.V): the resolution term is suspended while it is complied with.
    ConciliationAgreement,
    /// The agreement was complied with: the appeal is left without matter (art. 106.VI).
    ConciliationAgreementFulfilled,
    /// No agreement, or not complied with: the procedure resumes (arts. 106.IV, 106.VI).
    ConciliationFailed,
    /// The evidence hearing (art. 107.VI).
    EvidenceHearingHeld,
    /// Cierre de instrucción (art. 107.VII).
    InstructionClosed,
    /// The one extension of the resolution term, by a reasoned acuerdo (arts. 110.1, 110.2):
    /// "hasta por diez días", so `days` (1 to the rulebook's maximum) is what the acuerdo
    /// grants; without it (every log written before the field existed) the maximum.
    AppealExtensionNotified {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
    },
    /// The resolution (art. 110.4); `compliance_days` (at most 10) when it orders action.
    AppealResolved {
        outcome: AppealOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        compliance_days: Option<u32>,
    },
    /// Notified to the parties and published (art. 110.9).
    AppealResolutionNotified,
    /// The responsable asks for more time (art. 136.2–3).
    ComplianceExtensionRequested,
    /// The guarantor decides; 0 days is a refusal (art. 136.3).
    ComplianceExtensionRuled {
        granted_days: u32,
    },
    /// The compliance report (art. 137.1), with the date on which the responsable says it
    /// complied (`complied_on`). The report does not meet the compliance term by itself:
    /// the date it states does, until the guarantor rules on it (art. 138); a report that
    /// states no date meets nothing until a ruling of compliance.
    ComplianceReported {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        complied_on: Option<chrono::NaiveDate>,
    },
    /// Vista to the titular (art. 137.2).
    ComplianceVistaGiven,
    /// The titular's statement (art. 137.2–3).
    TitularStatement,
    /// Acuerdo de cumplimiento or de incumplimiento (art. 138).
    ComplianceRuled {
        complied: bool,
    },
    /// Amonestación pública, with up to 10 more days (art. 112.2).
    PublicWarning {
        days: u32,
    },
    /// Multa of 150–1,500 UMA, with up to 5 more days (art. 112.3); for a reincidente
    /// (`reincidence`) up to twice the maximum, 3,000 UMA (art. 143.2).
    FineImposed {
        days: u32,
        uma: u32,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reincidence: bool,
    },
    /// Arresto administrativo and criminal complaint (art. 112.4).
    ArrestOrdered,
}

crate::act_kinds! {
    /// The kind of an appeal act, without its data.
    AppealActKind for AppealAct {
        AppealFiled = "appeal_filed", "interposición del recurso";
        AppealForwarded = "appeal_forwarded", "remisión al órgano garante";
        AppealRequirementNotified = "appeal_requirement_notified", "notificación del requerimiento";
        AppealRequirementAnswered = "appeal_requirement_answered", "desahogo del requerimiento";
        AppealTurned = "appeal_turned", "turno al ponente";
        AppealAdmitted = "appeal_admitted", "admisión del recurso";
        AppealDismissed = "appeal_dismissed", "desechamiento del recurso";
        ConciliationInvited = "conciliation_invited", "invitación a conciliar";
        ConciliationAccepted = "conciliation_accepted", "voluntad de conciliar de ambas partes";
        ConciliationHearingHeld = "conciliation_hearing_held", "audiencia de conciliación";
        ConciliationAgreement = "conciliation_agreement", "acuerdo de conciliación";
        ConciliationAgreementFulfilled = "conciliation_agreement_fulfilled", "cumplimiento del acuerdo de conciliación";
        ConciliationFailed = "conciliation_failed", "conciliación fallida";
        EvidenceHearingHeld = "evidence_hearing_held", "audiencia de desahogo de pruebas";
        InstructionClosed = "instruction_closed", "cierre de instrucción";
        AppealExtensionNotified = "appeal_extension_notified", "ampliación del plazo para resolver";
        AppealResolved = "appeal_resolved", "resolución del recurso";
        AppealResolutionNotified = "appeal_resolution_notified", "notificación y publicación de la resolución";
        ComplianceExtensionRequested = "compliance_extension_requested", "solicitud de prórroga para cumplir";
        ComplianceExtensionRuled = "compliance_extension_ruled", "resolución sobre la prórroga";
        ComplianceReported = "compliance_reported", "informe de cumplimiento";
        ComplianceVistaGiven = "compliance_vista_given", "vista al titular";
        TitularStatement = "titular_statement", "manifestación del titular";
        ComplianceRuled = "compliance_ruled", "acuerdo sobre el cumplimiento";
        PublicWarning = "public_warning", "amonestación pública";
        FineImposed = "fine_imposed", "multa";
        ArrestOrdered = "arrest_ordered", "arresto administrativo";
    }
}

impl<'de> Deserialize<'de> for AppealAct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let act = AppealAct::deserialize(&v).map_err(|e| {
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

impl Serialize for AppealAct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AppealAct::serialize(self, s)
    }
}

impl AppealAct {
    /// Acts that carry no field but `act` (serde would let them ignore any other).
    fn has_no_fields(&self) -> bool {
        use AppealAct as A;
        match self {
            A::AppealForwarded
            | A::AppealRequirementNotified
            | A::AppealRequirementAnswered
            | A::AppealTurned
            | A::AppealAdmitted
            | A::ConciliationInvited
            | A::ConciliationAccepted
            | A::ConciliationAgreement
            | A::ConciliationAgreementFulfilled
            | A::ConciliationFailed
            | A::EvidenceHearingHeld
            | A::InstructionClosed
            | A::AppealResolutionNotified
            | A::ComplianceExtensionRequested
            | A::ComplianceVistaGiven
            | A::TitularStatement
            | A::ArrestOrdered => true,
            A::AppealFiled { .. }
            | A::AppealDismissed { .. }
            | A::ConciliationHearingHeld { .. }
            | A::AppealExtensionNotified { .. }
            | A::AppealResolved { .. }
            | A::ComplianceExtensionRuled { .. }
            | A::ComplianceReported { .. }
            | A::ComplianceRuled { .. }
            | A::PublicWarning { .. }
            | A::FineImposed { .. } => false,
        }
    }
}

impl AppealActKind {
    /// Who may record the act: the responsable's Unidad de Transparencia receives appeals
    /// filed with it, forwards them, asks for more time and reports compliance; the
    /// guarantor records the rest. Imports may record any act.
    pub fn allowed_roles(self) -> &'static [Role] {
        use AppealActKind as K;
        match self {
            K::AppealFiled => &[
                Role::Guarantor,
                Role::UnitStaff,
                Role::UnitHead,
                Role::Migration,
            ],
            K::AppealForwarded | K::ComplianceExtensionRequested | K::ComplianceReported => {
                &[Role::UnitStaff, Role::UnitHead, Role::Migration]
            }
            _ => &[Role::Guarantor, Role::Migration],
        }
    }
}

impl fmt::Display for AppealActKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "«{}» ({})", self.as_str(), self.label_es())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_read_the_replay_shape() {
        let a: AppealAct =
            serde_json::from_str(r#"{"act":"appeal_filed","venue":"unit","ground":"VII"}"#)
                .unwrap();
        assert_eq!(a.kind(), AppealActKind::AppealFiled);
        let a: AppealAct = serde_json::from_str(
            r#"{"act":"appeal_resolved","outcome":"revoked","compliance_days":10}"#,
        )
        .unwrap();
        assert_eq!(
            a,
            AppealAct::AppealResolved {
                outcome: AppealOutcome::Revoked,
                compliance_days: Some(10)
            }
        );
        assert!(
            serde_json::from_str::<AppealAct>(
                r#"{"act":"appeal_filed","venue":"unit","ground":"XIII"}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<AppealAct>(r#"{"act":"appeal_dismissed","cause":8}"#).is_err()
        );
        for k in AppealActKind::ALL {
            assert_eq!(AppealActKind::parse(k.as_str()), Some(*k));
        }
    }
}
