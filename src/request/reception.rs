//! How a request came in (art. 49.1) and who the titular is (art. 48): facts of the
//! procedure, with no personal data, so they live in the log.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The medium by which the request was presented (art. 49.1: "por escrito libre,
/// formatos, medios electrónicos, o cualquier otro medio que al efecto establezca el
/// Instituto"). Notices go back by the same medium (art. 55.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Plataforma Nacional de Transparencia (SISAI).
    Pnt,
    /// Correo electrónico.
    Email,
    /// En persona, ante la Unidad de Transparencia.
    InPerson,
    /// Correo postal o mensajería.
    Post,
    /// Otro medio que el sujeto obligado habilitó.
    Other,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Pnt,
        Channel::Email,
        Channel::InPerson,
        Channel::Post,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Pnt => "pnt",
            Channel::Email => "email",
            Channel::InPerson => "in_person",
            Channel::Post => "post",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Channel::Pnt => "Plataforma Nacional de Transparencia (SISAI)",
            Channel::Email => "correo electrónico",
            Channel::InPerson => "en persona, ante la Unidad de Transparencia",
            Channel::Post => "correo postal o mensajería",
            Channel::Other => "otro medio habilitado por el sujeto obligado",
        }
    }
}

/// The folio another system gave the request (the PNT's): 1 to 40 letters, digits, `-`,
/// `_`, `/` or `.`. Parsed, never trusted: it is searched and shown on pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ExternalFolio(String);

impl ExternalFolio {
    pub fn parse(s: &str) -> Result<ExternalFolio, String> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 40 {
            return Err("el folio externo debe tener de 1 a 40 caracteres".into());
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
        {
            return Err(format!(
                "el folio externo solo admite letras, dígitos, «-», «_», «/» y «.»; trae «{c}»"
            ));
        }
        Ok(ExternalFolio(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for ExternalFolio {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ExternalFolio::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for ExternalFolio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the request came in: its medium and the other system's folio. Both unknown for
/// requests recorded before arco asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reception {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_folio: Option<ExternalFolio>,
}

impl Reception {
    pub fn is_empty(&self) -> bool {
        self.channel.is_none() && self.external_folio.is_none()
    }

    /// "Por el mismo medio" (art. 55.2): how the acuse and the notices go back.
    pub fn reply_medium_es(&self) -> String {
        match self.channel {
            Some(c) => format!("por el mismo medio en que se presentó: {}", c.label_es()),
            None => "por el medio en que se presentó (no registrado)".into(),
        }
    }
}

/// How the identity of whoever appears was accredited (art. 48.4.I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityMeans {
    /// a) Identificación oficial.
    OfficialId,
    /// b) Instrumentos electrónicos o mecanismos de autenticación permitidos.
    Electronic,
    /// c) Mecanismos establecidos previamente por el responsable.
    PriorMechanism,
}

impl IdentityMeans {
    pub const ALL: [IdentityMeans; 3] = [
        IdentityMeans::OfficialId,
        IdentityMeans::Electronic,
        IdentityMeans::PriorMechanism,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityMeans::OfficialId => "official_id",
            IdentityMeans::Electronic => "electronic",
            IdentityMeans::PriorMechanism => "prior_mechanism",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            IdentityMeans::OfficialId => "identificación oficial (art. 48.4.I.a)",
            IdentityMeans::Electronic => {
                "instrumento electrónico o mecanismo de autenticación (art. 48.4.I.b)"
            }
            IdentityMeans::PriorMechanism => {
                "mecanismo establecido previamente por el responsable (art. 48.4.I.c)"
            }
        }
    }
}

/// The instrument that accredits a representative's personalidad (art. 48.4.II.c).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Instrumento público (notarial).
    PublicInstrument,
    /// Carta poder simple firmada ante dos testigos.
    PowerLetter,
    /// Declaración en comparecencia personal del titular.
    PersonalAppearance,
}

impl Instrument {
    pub const ALL: [Instrument; 3] = [
        Instrument::PublicInstrument,
        Instrument::PowerLetter,
        Instrument::PersonalAppearance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::PublicInstrument => "public_instrument",
            Instrument::PowerLetter => "power_letter",
            Instrument::PersonalAppearance => "personal_appearance",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Instrument::PublicInstrument => "instrumento público",
            Instrument::PowerLetter => "carta poder simple firmada ante dos testigos",
            Instrument::PersonalAppearance => "declaración en comparecencia personal del titular",
        }
    }
}

/// In what capacity the person who exercises the right acts (art. 48).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The titular in person (art. 48.1).
    Titular,
    /// A representative, who presented a copy of the titular's official ID, their own
    /// official ID and `instrument` (art. 48.4.II a–c).
    Representative,
    /// By legal provision (art. 48.2).
    LegalProvision,
    /// By court order (art. 48.2).
    CourtOrder,
    /// A deceased titular's data, by whoever proves a legal interest, the titular having
    /// expressed that will or a court having ordered it (art. 48.3).
    DeceasedLegalInterest,
}

impl Standing {
    pub const ALL: [Standing; 5] = [
        Standing::Titular,
        Standing::Representative,
        Standing::LegalProvision,
        Standing::CourtOrder,
        Standing::DeceasedLegalInterest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Titular => "titular",
            Standing::Representative => "representative",
            Standing::LegalProvision => "legal_provision",
            Standing::CourtOrder => "court_order",
            Standing::DeceasedLegalInterest => "deceased_legal_interest",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Standing::Titular => "el titular (art. 48.1)",
            Standing::Representative => "su representante (art. 48.4.II)",
            Standing::LegalProvision => "persona distinta por disposición legal (art. 48.2)",
            Standing::CourtOrder => "persona distinta por mandato judicial (art. 48.2)",
            Standing::DeceasedLegalInterest => {
                "quien acredita interés jurídico sobre datos de persona fallecida (art. 48.3)"
            }
        }
    }
}

/// What the accreditation established: the standing, the means of identity, and for a
/// representative the instrument. Only the fact and the means: never a copy of the ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accreditation {
    pub standing: Standing,
    pub means: IdentityMeans,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<Instrument>,
}

impl Accreditation {
    /// In words, for the case page.
    pub fn describe_es(&self) -> String {
        let mut s = format!(
            "Actúa {}; identidad acreditada con {}",
            self.standing.label_es(),
            self.means.label_es()
        );
        if let Some(i) = self.instrument {
            s.push_str(&format!("; personalidad con {}", i.label_es()));
        }
        s
    }
}
