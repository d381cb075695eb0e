//! The acts of a security breach (vulneración de seguridad, arts. 38–43) and the typed
//! contents they carry.
//!
//! No act holds personal data of the titulares: only counts and categories (how many
//! titulares, which kinds of data, which means of notice). A free description of what
//! happened, the text of a notice or the list of the people notified are documents or
//! notes of the expediente, kept outside the append-only log where they can be erased.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::Role;

macro_rules! category {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Spanish name, as staff and titulares read it.
            pub fn label_es(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_es())
            }
        }
    };
}

/// The closed vocabularies of the procedures (a breach's categories, the register of
/// social-media accounts): a wire name and a Spanish label per value.
pub(crate) use category;

category! {
    /// What kind of breach it is: the fracciones of art. 38.1.
    BreachKind {
        /// Fracción I: loss or unauthorised destruction.
        Loss = "loss", "pérdida o destrucción no autorizada (art. 38.1.I)";
        /// Fracción II: theft, misplacement or unauthorised copy.
        Theft = "theft", "robo, extravío o copia no autorizada (art. 38.1.II)";
        /// Fracción III: unauthorised use, access or processing.
        UnauthorisedAccess = "unauthorised_access", "uso, acceso o tratamiento no autorizado (art. 38.1.III)";
        /// Fracción IV: unauthorised damage, alteration or modification.
        Alteration = "alteration", "daño, alteración o modificación no autorizada (art. 38.1.IV)";
    }
}

category! {
    /// The reason of the breach (art. 39.1.II, "el motivo"), as a category; the account of
    /// it goes to the expediente.
    BreachCause {
        ExternalAttack = "external_attack", "ataque externo o código malicioso";
        InternalMisuse = "internal_misuse", "uso indebido por personal interno";
        HumanError = "human_error", "error humano";
        TechnicalFailure = "technical_failure", "falla técnica";
        PhysicalLoss = "physical_loss", "robo o extravío de equipo o documentos";
        ThirdParty = "third_party", "encargado o tercero";
        Unknown = "unknown", "causa aún no determinada";
        Other = "other", "otra causa";
    }
}

category! {
    /// A category of personal data compromised (art. 41.1.II). Sensitive categories are
    /// those of art. 3.1.X.
    DataCategory {
        Identification = "identification", "datos de identificación";
        Contact = "contact", "datos de contacto";
        Financial = "financial", "datos patrimoniales o financieros";
        Employment = "employment", "datos laborales";
        Academic = "academic", "datos académicos";
        Health = "health", "datos de salud (sensibles)";
        Biometric = "biometric", "datos biométricos (sensibles)";
        Beliefs = "beliefs", "creencias, opiniones o afiliación (sensibles)";
        Origin = "origin", "origen racial o étnico (sensibles)";
        SexualLife = "sexual_life", "vida sexual (sensibles)";
        Judicial = "judicial", "datos judiciales o de procedimientos";
        Location = "location", "datos de ubicación";
        Credentials = "credentials", "credenciales de acceso";
        Other = "other", "otros datos personales";
    }
}

impl DataCategory {
    /// Sensitive data (art. 3.1.X): their breach is the most likely to affect rights.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            DataCategory::Health
                | DataCategory::Biometric
                | DataCategory::Beliefs
                | DataCategory::Origin
                | DataCategory::SexualLife
        )
    }
}

category! {
    /// The titular's rights the breach affects significantly (art. 40: "derechos
    /// patrimoniales o morales").
    AffectedRight {
        Patrimonial = "patrimonial", "derechos patrimoniales";
        Moral = "moral", "derechos morales";
    }
}

category! {
    /// Why a breach does not affect the titulares' rights significantly: no notice is
    /// owed (art. 40), and the reason stays in the bitácora. The reasoning itself goes to
    /// the expediente.
    NotSignificantReason {
        /// The data were encrypted or otherwise unintelligible to whoever got them.
        Unintelligible = "unintelligible", "los datos eran ininteligibles (cifrados o disociados)";
        /// Recovered before anyone could use them.
        Recovered = "recovered", "los datos se recuperaron antes de cualquier uso";
        /// Restored from a backup with no exposure.
        Restored = "restored", "los datos se restauraron sin exposición a terceros";
        /// No patrimonial or moral right of the titulares is affected.
        NoRightsAffected = "no_rights_affected", "no afecta derechos patrimoniales ni morales";
        Other = "other", "otra razón, fundada en el expediente";
    }
}

category! {
    /// A recommendation to the titular to protect their interests (art. 41.1.III).
    Recommendation {
        ChangePasswords = "change_passwords", "cambiar contraseñas";
        MonitorAccounts = "monitor_accounts", "vigilar cuentas y movimientos";
        AlertBank = "alert_bank", "avisar a su banco";
        WatchPhishing = "watch_phishing", "desconfiar de mensajes que pidan datos";
        ReportIdentityTheft = "report_identity_theft", "denunciar un posible robo de identidad";
        ReplaceDocuments = "replace_documents", "reponer documentos de identidad";
        Other = "other", "otras medidas";
    }
}

category! {
    /// A corrective action (arts. 39.1.III, 41.1.IV, 42).
    Measure {
        AccessRevoked = "access_revoked", "revocación de accesos";
        CredentialsReset = "credentials_reset", "cambio de credenciales";
        SystemIsolated = "system_isolated", "aislamiento del sistema afectado";
        VulnerabilityFixed = "vulnerability_fixed", "corrección de la vulnerabilidad";
        DataRecovered = "data_recovered", "recuperación de los datos";
        BackupRestored = "backup_restored", "restauración desde respaldo";
        Encryption = "encryption", "cifrado de los datos";
        ThirdPartyNotified = "third_party_notified", "requerimiento al encargado o tercero";
        Complaint = "complaint", "denuncia ante la autoridad";
        StaffTraining = "staff_training", "capacitación del personal";
        PolicyUpdated = "policy_updated", "actualización de políticas y procedimientos";
        SecurityDocumentUpdated = "security_document_updated", "actualización del documento de seguridad (art. 37.1.III–IV)";
        Other = "other", "otra acción";
    }
}

category! {
    /// A means where the titular may get more information (art. 41.1.V). The address or
    /// number itself is the body's and goes in the notice document.
    InformationChannel {
        Phone = "phone", "teléfono";
        Email = "email", "correo electrónico";
        Website = "website", "sitio web";
        Office = "office", "Unidad de Transparencia, en persona";
    }
}

category! {
    /// How a part of the notice to the titulares reached them.
    NoticeMeans {
        Personal = "personal", "en persona";
        Email = "email", "correo electrónico";
        Post = "post", "correo postal";
        Phone = "phone", "teléfono";
        /// A public notice (web page), where the titulares cannot be reached one by one.
        Publication = "publication", "aviso publicado";
        /// Mass media, where the titulares cannot be reached one by one.
        MassMedia = "mass_media", "medios de comunicación masiva";
    }
}

impl NoticeMeans {
    /// A means addressed to nobody in particular: it may reach an unknown number.
    pub fn is_public(self) -> bool {
        matches!(self, NoticeMeans::Publication | NoticeMeans::MassMedia)
    }
}

category! {
    /// Whether a corrective action was taken at once or for good (art. 39.1.III).
    MeasureStage {
        Immediate = "immediate", "inmediata";
        Definitive = "definitive", "definitiva";
    }
}

category! {
    /// How the guarantor's previous investigation ended (art. 43).
    InvestigationOutcome {
        /// A verification procedure is started (arts. 125–130).
        VerificationStarted = "verification_started", "se inicia un procedimiento de verificación";
        NoFurtherAction = "no_further_action", "sin elementos para iniciar la verificación";
    }
}

/// The contents of a notice of a breach, to the titulares or to the guarantor (art. 41.1,
/// fracciones I to V), as categories. Each list must name at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// I. La naturaleza del incidente.
    pub nature: BreachKind,
    /// II. Los datos personales comprometidos.
    pub data: Vec<DataCategory>,
    /// III. Las recomendaciones y medidas que el titular puede adoptar.
    pub recommendations: Vec<Recommendation>,
    /// IV. Las acciones correctivas realizadas de forma inmediata.
    pub immediate_actions: Vec<Measure>,
    /// V. Los medios donde puede obtener mayor información.
    pub information: Vec<InformationChannel>,
}

impl Notice {
    /// The first fracción of art. 41.1 the notice leaves empty, if any.
    pub fn missing(&self) -> Option<&'static str> {
        if self.data.is_empty() {
            Some("data: los datos personales comprometidos (art. 41.1.II)")
        } else if self.recommendations.is_empty() {
            Some("recommendations: las recomendaciones al titular (art. 41.1.III)")
        } else if self.immediate_actions.is_empty() {
            Some("immediate_actions: las acciones correctivas inmediatas (art. 41.1.IV)")
        } else if self.information.is_empty() {
            Some("information: los medios para obtener más información (art. 41.1.V)")
        } else {
            None
        }
    }
}

/// The most titulares one breach may count (a sanity bound on typed counts).
pub const MAX_TITULARS: u32 = 200_000_000;

/// An act of the breach procedure.
///
/// Every act refuses a field it does not have, naming it (see `RequestAct`: serde lets an
/// internally tagged unit variant ignore extra fields, so those are checked by hand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case", deny_unknown_fields)]
#[serde(remote = "Self")]
pub enum BreachAct {
    /// A possible breach is detected and entered in the bitácora (art. 39). `occurred_on`:
    /// when it happened, if known (art. 39.1.I).
    BreachDetected {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        occurred_on: Option<NaiveDate>,
    },
    /// It was not a breach: the entry is closed, with the reasoning in the expediente.
    BreachDiscarded,
    /// The breach is confirmed: the 72 hours of art. 40 start at this act's instant.
    /// `kind` (art. 38.1), `cause` (art. 39.1.II), `occurred_on` (art. 39.1.I), the
    /// categories of data known so far, and how many titulares, if known.
    BreachConfirmed {
        kind: BreachKind,
        cause: BreachCause,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        occurred_on: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        data: Vec<DataCategory>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        titulars: Option<u32>,
    },
    /// The analysis of whether the breach significantly affects the titulares'
    /// patrimonial or moral rights (art. 40): if it does, `rights` names which; if not,
    /// `reason` says why, and no notice is owed.
    BreachAnalysed {
        significant: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rights: Vec<AffectedRight>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<NotSignificantReason>,
    },
    /// The notice to the guarantor (arts. 40, 41).
    GuarantorNotified { notice: Notice },
    /// A part of the notice to the titulares (arts. 40, 41): `count` titulares reached by
    /// `means`; `completes`: with this part every affected titular has been notified.
    TitularsNotified {
        notice: Notice,
        means: NoticeMeans,
        count: u32,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        completes: bool,
    },
    /// Corrective actions taken (arts. 39.1.III, 42): at once, or for good after the
    /// analysis of the causes.
    CorrectiveMeasures {
        stage: MeasureStage,
        measures: Vec<Measure>,
    },
    /// The breach's entry is closed: analysed, notified when owed, remedied for good.
    BreachClosed,
    /// The guarantor opens its previous investigation, once it received the notice (art.
    /// 43).
    InvestigationOpened,
    /// The guarantor closes it (art. 43).
    InvestigationClosed { outcome: InvestigationOutcome },
}

crate::act_kinds! {
    /// The kind of a breach act, without its data.
    BreachActKind for BreachAct {
        BreachDetected = "breach_detected", "detección de la vulneración";
        BreachDiscarded = "breach_discarded", "descarte: no era una vulneración";
        BreachConfirmed = "breach_confirmed", "confirmación de la vulneración";
        BreachAnalysed = "breach_analysed", "análisis de la afectación";
        GuarantorNotified = "guarantor_notified", "aviso al órgano garante";
        TitularsNotified = "titulars_notified", "aviso a los titulares";
        CorrectiveMeasures = "corrective_measures", "acciones correctivas";
        BreachClosed = "breach_closed", "cierre del registro de la vulneración";
        InvestigationOpened = "investigation_opened", "investigación previa del órgano garante";
        InvestigationClosed = "investigation_closed", "conclusión de la investigación previa";
    }
}

impl<'de> Deserialize<'de> for BreachAct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let act = BreachAct::deserialize(&v).map_err(|e| {
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

impl Serialize for BreachAct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        BreachAct::serialize(self, s)
    }
}

impl BreachAct {
    /// Acts that carry no field but `act` (serde would let them ignore any other).
    fn has_no_fields(&self) -> bool {
        use BreachAct as A;
        match self {
            A::BreachDiscarded | A::BreachClosed | A::InvestigationOpened => true,
            A::BreachDetected { .. }
            | A::BreachConfirmed { .. }
            | A::BreachAnalysed { .. }
            | A::GuarantorNotified { .. }
            | A::TitularsNotified { .. }
            | A::CorrectiveMeasures { .. }
            | A::InvestigationClosed { .. } => false,
        }
    }
}

impl BreachActKind {
    /// Who may record the act: the responsable's staff (the Unidad de Transparencia, which
    /// keeps arco for the body) records its own duties; the guarantor its investigation.
    /// Imports may record any act.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            BreachActKind::InvestigationOpened | BreachActKind::InvestigationClosed => {
                &[Role::Guarantor, Role::Migration]
            }
            _ => &[Role::UnitStaff, Role::UnitHead, Role::Migration],
        }
    }
}

impl fmt::Display for BreachActKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "«{}» ({})", self.as_str(), self.label_es())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_read_their_json_shape() {
        let a: BreachAct = serde_json::from_str(
            r#"{"act":"breach_confirmed","kind":"theft","cause":"physical_loss","data":["identification","health"],"titulars":120}"#,
        )
        .unwrap();
        assert_eq!(a.kind(), BreachActKind::BreachConfirmed);
        let back: BreachAct = serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
        assert_eq!(back, a);
        // A unit act with an extra field, and a struct act with an unknown one: refused,
        // naming the field.
        let e = serde_json::from_str::<BreachAct>(r#"{"act":"breach_closed","note":"x"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("«note»"), "{e}");
        let e = serde_json::from_str::<BreachAct>(
            r#"{"act":"breach_detected","description":"Juan Pérez perdió una USB"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("«description»"), "{e}");
        // An unknown category is refused.
        assert!(
            serde_json::from_str::<BreachAct>(
                r#"{"act":"breach_confirmed","kind":"leak","cause":"unknown"}"#
            )
            .is_err()
        );
        for k in BreachActKind::ALL {
            assert_eq!(BreachActKind::parse(k.as_str()), Some(*k));
        }
        for c in DataCategory::ALL {
            assert_eq!(DataCategory::parse(c.as_str()), Some(*c));
        }
    }
}
