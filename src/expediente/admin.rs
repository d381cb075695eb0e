//! The administrative record of a case: its staff member in charge, the área
//! administrativa that holds the data, and the áreas that did not cooperate (art.
//! 88.1.IX). Each change is recorded with who and when; none is a procedural act.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The name of an área administrativa: 1 to 120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AreaName(String);

impl AreaName {
    pub fn parse(s: &str) -> Result<AreaName, String> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 120 {
            return Err("el nombre del área debe tener de 1 a 120 caracteres".into());
        }
        if s.chars().any(char::is_control) {
            return Err("el nombre del área no admite caracteres de control".into());
        }
        Ok(AreaName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for AreaName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        AreaName::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// One change to the administrative record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case", deny_unknown_fields)]
pub enum AdminEntry {
    /// The staff member in charge (an account's username); `None`: nobody, so the person
    /// who filed the case is in charge again.
    Assigned { assignee: Option<String> },
    /// The área administrativa that holds the data (art. 88.1.II: the UT asks it).
    AreaSet { area: Option<AreaName> },
    /// The área did not cooperate with the Unidad de Transparencia: the Comité must
    /// hear it (art. 88.1.IX).
    AreaNonCooperation { area: AreaName },
}

impl AdminEntry {
    /// In words, for the case page.
    pub fn describe_es(&self) -> String {
        match self {
            AdminEntry::Assigned { assignee: Some(a) } => format!("asignó el caso a {a}"),
            AdminEntry::Assigned { assignee: None } => {
                "quitó la asignación (queda a cargo quien registró la solicitud)".into()
            }
            AdminEntry::AreaSet { area: Some(a) } => {
                format!("indicó el área que detenta los datos: {}", a.as_str())
            }
            AdminEntry::AreaSet { area: None } => "quitó el área que detenta los datos".into(),
            AdminEntry::AreaNonCooperation { area } => format!(
                "hizo constar que el área {} no colaboró con la Unidad de Transparencia; el Comité de Transparencia debe conocerlo (art. 88.1.IX)",
                area.as_str()
            ),
        }
    }
}

/// A change as stored: its number within the case, who made it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRecord {
    pub folio: String,
    pub seq: i64,
    #[serde(flatten)]
    pub entry: AdminEntry,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Where the case stands administratively: the record folded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The staff member in charge; `None`: whoever filed the case.
    pub assignee: Option<String>,
    pub area: Option<AreaName>,
    /// Áreas recorded as not cooperating, with when: what the Comité must hear.
    pub non_cooperation: Vec<(AreaName, DateTime<Utc>)>,
}

impl Assignment {
    pub fn fold<'a>(records: impl IntoIterator<Item = &'a AdminRecord>) -> Assignment {
        let mut a = Assignment::default();
        for r in records {
            match &r.entry {
                AdminEntry::Assigned { assignee } => a.assignee = assignee.clone(),
                AdminEntry::AreaSet { area } => a.area = area.clone(),
                AdminEntry::AreaNonCooperation { area } => {
                    a.non_cooperation.push((area.clone(), r.at))
                }
            }
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_change_wins_and_refusals_accumulate() {
        let at = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let rec = |seq, entry| AdminRecord {
            folio: "F".into(),
            seq,
            entry,
            by: "jefa".into(),
            at,
        };
        let area = AreaName::parse("Recursos Humanos").unwrap();
        let records = [
            rec(
                1,
                AdminEntry::Assigned {
                    assignee: Some("ana".into()),
                },
            ),
            rec(
                2,
                AdminEntry::AreaSet {
                    area: Some(area.clone()),
                },
            ),
            rec(3, AdminEntry::AreaNonCooperation { area: area.clone() }),
            rec(
                4,
                AdminEntry::Assigned {
                    assignee: Some("luis".into()),
                },
            ),
        ];
        let a = Assignment::fold(&records);
        assert_eq!(a.assignee.as_deref(), Some("luis"));
        assert_eq!(a.area, Some(area.clone()));
        assert_eq!(a.non_cooperation, vec![(area, at)]);
        assert!(AreaName::parse("  ").is_err());
        assert!(AreaName::parse("a\u{7}b").is_err());
    }
}
