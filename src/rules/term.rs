//! The vocabulary of a rulebook: which terms exist, who acts, what a term counts from.
//! The procedures' state machines know these ids; a rulebook gives them days and articles.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The identifier as written in rulebooks and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }
    };
}

named_enum! {
    /// A time limit of the law, by the id used in `shared/docs/terms.md`.
    TermId {
        // Solicitud ARCO (Título Tercero)
        /// Art. 52.1: the UT may issue one prevention within 3 days of filing.
        Prevention = "prevention",
        /// Arts. 52.1, 52.3: the titular cures the omissions within 5 days.
        PreventionReply = "prevention_reply",
        /// Art. 53.1: the UT decides admission.
        Admission = "admission",
        /// Art. 54.1: notice of incompetence, with orientation.
        IncompetenceNotice = "incompetence_notice",
        /// Art. 56: reconducción de la vía.
        RedirectionNotice = "redirection_notice",
        /// Art. 57: a specific procedure applies.
        OtherProcedureNotice = "other_procedure_notice",
        /// Art. 55.2: notice of improcedencia.
        ImprocedenceNotice = "improcedence_notice",
        /// Arts. 59.1, 52.2: the Comité de Transparencia resolves.
        Resolution = "resolution",
        /// Art. 59.2: one extension, notified within the term.
        ResolutionExtension = "resolution_extension",
        /// Art. 59.3: the right is made effective.
        Fulfilment = "fulfilment",
        /// Arts. 99.1, 99.2: the titular may file a recurso de revisión.
        AppealWindow = "appeal_window",
        // Recurso de revisión (Título Noveno, Capítulo II)
        /// Art. 99.3: the UT forwards an appeal filed with it.
        ForwardToGuarantor = "forward_to_guarantor",
        /// Art. 104.1: the guarantor requires missing information, once.
        AppealRequirement = "appeal_requirement",
        /// Arts. 104.2, 104.3: the titular answers the requirement.
        AppealRequirementReply = "appeal_requirement_reply",
        /// Art. 107.I: turn to the ponente.
        AppealTurn = "appeal_turn",
        /// Arts. 105, 107.I: admission or desechamiento.
        AppealAdmission = "appeal_admission",
        /// Art. 106.I: parties say whether they will conciliate.
        ConciliationWillingness = "conciliation_willingness",
        /// Art. 106.II: conciliation hearing.
        ConciliationHearing = "conciliation_hearing",
        /// Art. 106.III: the absent party justifies its absence.
        AbsenceJustification = "absence_justification",
        /// Art. 106.III: second hearing after a justified absence.
        SecondHearing = "second_hearing",
        /// Art. 107.II: allegations and evidence.
        Allegations = "allegations",
        /// Art. 107.VI: final statements.
        FinalStatements = "final_statements",
        /// Arts. 110.1–110.3: the guarantor resolves.
        AppealResolution = "appeal_resolution",
        /// Art. 107.IX: resolution after the cierre de instrucción.
        ResolutionAfterClose = "resolution_after_close",
        /// Art. 110.9: notification and publication of the resolution.
        Publication = "publication",
        // Cumplimiento (arts. 112, 136–138)
        /// Art. 112.1: the responsable complies, within the term the resolution sets.
        Compliance = "compliance",
        /// Art. 136.3: request for more time, within the first days of `compliance`.
        ComplianceExtensionRequest = "compliance_extension_request",
        /// Art. 136.3: the guarantor decides the request.
        ComplianceExtensionRuling = "compliance_extension_ruling",
        /// Art. 137.1: the responsable reports compliance.
        ComplianceReport = "compliance_report",
        /// Art. 137.2: vista to the titular.
        ComplianceVista = "compliance_vista",
        /// Art. 137.2: the titular says whether it was complied with.
        ComplianceHearingTitular = "compliance_hearing_titular",
        /// Art. 138.1: the guarantor rules on compliance.
        ComplianceRuling = "compliance_ruling",
        /// Art. 138.2.II: the superior jerárquico makes it comply.
        SuperiorCompliance = "superior_compliance",
        /// Art. 112.2: after a public warning, up to 10 more days.
        WarningCompliance = "warning_compliance",
        /// Art. 112.3: after a fine, up to 5 more days.
        FineCompliance = "fine_compliance",
        /// Art. 112.4: administrative arrest within 3 days.
        Arrest = "arrest",
        // Other time limits of the same law
        /// Art. 40: notify a security breach (hours).
        BreachNotice = "breach_notice",
        /// Art. 80: file the impact assessment before going live.
        ImpactAssessment = "impact_assessment",
        /// Art. 81: the guarantor's opinion on an impact assessment.
        ImpactOpinion = "impact_opinion",
        /// Art. 130: the verification procedure.
        Verification = "verification",
        /// Art. 125: observations after a verification visit.
        VerificationObservations = "verification_observations",
        // Not a term of the law: the register of social-media accounts (issue 18)
        /// `002_…` (Lineamientos de redes sociales), Décima quinta: a gestor left an
        /// official account, so the passwords they knew are to be changed. No period is
        /// set; the reminder repeats until the change is recorded. A rulebook need not
        /// define it.
        PasswordRotation = "password_rotation",
    }
}

impl TermId {
    /// The procedure the term belongs to.
    pub fn procedure(self) -> Procedure {
        use TermId::*;
        match self {
            Prevention | PreventionReply | Admission | IncompetenceNotice | RedirectionNotice
            | OtherProcedureNotice | ImprocedenceNotice | Resolution | ResolutionExtension
            | Fulfilment | AppealWindow => Procedure::Request,
            ForwardToGuarantor
            | AppealRequirement
            | AppealRequirementReply
            | AppealTurn
            | AppealAdmission
            | ConciliationWillingness
            | ConciliationHearing
            | AbsenceJustification
            | SecondHearing
            | Allegations
            | FinalStatements
            | AppealResolution
            | ResolutionAfterClose
            | Publication => Procedure::Appeal,
            Compliance
            | ComplianceExtensionRequest
            | ComplianceExtensionRuling
            | ComplianceReport
            | ComplianceVista
            | ComplianceHearingTitular
            | ComplianceRuling
            | SuperiorCompliance
            | WarningCompliance
            | FineCompliance
            | Arrest => Procedure::Compliance,
            BreachNotice
            | ImpactAssessment
            | ImpactOpinion
            | Verification
            | VerificationObservations
            | PasswordRotation => Procedure::Other,
        }
    }

    /// Whether every rulebook must define the term: the request, appeal and compliance
    /// procedures cannot run without theirs.
    pub fn is_required(self) -> bool {
        self.procedure() != Procedure::Other
    }
}

named_enum! {
    /// The procedure a term belongs to.
    Procedure {
        Request = "request",
        Appeal = "appeal",
        Compliance = "compliance",
        Other = "other",
    }
}

named_enum! {
    /// Who must act within a term.
    Actor {
        /// The Unidad de Transparencia of the responsable.
        Unit = "unit",
        /// The responsable (sujeto obligado) as a body.
        Responsable = "responsable",
        /// The Comité de Transparencia.
        Committee = "committee",
        /// The titular of the data (or their representative).
        Titular = "titular",
        /// Both parties of an appeal.
        Parties = "parties",
        /// The guarantor body (the role; the body named in the law may no longer exist).
        Guarantor = "guarantor",
        /// The responsable's superior jerárquico.
        Superior = "superior",
    }
}

named_enum! {
    /// Whose calendar counts a term: the request's terms run on the responsable's, every
    /// term from the filing of an appeal on runs on the guarantor's.
    CalendarRole {
        Responsable = "responsable",
        Guarantor = "guarantor",
    }
}

named_enum! {
    /// The unit a term is counted in.
    Unit {
        /// The law's "días": business days (art. 3.1.XII). Due on a date, at closing time.
        BusinessDays = "business_days",
        /// Natural hours on the wall clock, day and night, on any day (art. 40: "setenta y
        /// dos horas"). Due at an instant, not at a closing time.
        Hours = "hours",
        /// Calendar days (días naturales), where a law says so: every day counts. Due on a
        /// date, at the end of that day.
        CalendarDays = "calendar_days",
    }
}

impl Unit {
    /// Whether a term in this unit falls due at an instant rather than on a day.
    pub fn is_hours(self) -> bool {
        self == Unit::Hours
    }

    /// Spanish name of the unit, plural.
    pub fn label_es(self) -> &'static str {
        match self {
            Unit::BusinessDays => "días hábiles",
            Unit::Hours => "horas naturales",
            Unit::CalendarDays => "días naturales",
        }
    }
}

named_enum! {
    /// An act or event a term can be counted from.
    Event {
        Filing = "filing",
        PreventionNotification = "prevention_notification",
        PreventionAnswer = "prevention_answer",
        Admission = "admission",
        ResponseNotification = "response_notification",
        AppealReceipt = "appeal_receipt",
        AppealFiling = "appeal_filing",
        RequirementNotification = "requirement_notification",
        RequirementAnswer = "requirement_answer",
        InvitationNotification = "invitation_notification",
        WillingnessReceived = "willingness_received",
        ConciliationHearing = "conciliation_hearing",
        AbsenceJustified = "absence_justified",
        AdmissionNotification = "admission_notification",
        EvidenceHearing = "evidence_hearing",
        InstructionClosed = "instruction_closed",
        ResolutionApproval = "resolution_approval",
        ResolutionNotification = "resolution_notification",
        ExtensionRequest = "extension_request",
        ComplianceReport = "compliance_report",
        Vista = "vista",
        TitularStatement = "titular_statement",
        NoncomplianceNotification = "noncompliance_notification",
        WarningNotification = "warning_notification",
        FineNotification = "fine_notification",
        BreachConfirmed = "breach_confirmed",
        GoLive = "go_live",
        ImpactAssessmentFiled = "impact_assessment_filed",
        VerificationStart = "verification_start",
        VerificationVisit = "verification_visit",
    }
}

/// What a term counts from: an act, or the end of another term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    Event(Event),
    /// `end:ID`: the due date of another term of the same rulebook.
    EndOf(TermId),
}

impl FromStr for Basis {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.strip_prefix("end:") {
            Some(t) => t.parse().map(Basis::EndOf),
            None => s.parse().map(Basis::Event),
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::Event(e) => write!(f, "{e}"),
            Basis::EndOf(t) => write!(f, "end:{t}"),
        }
    }
}

impl Serialize for Basis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
