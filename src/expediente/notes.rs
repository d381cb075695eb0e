//! Internal notes of the staff on a case: attributed, time-stamped, visibly internal,
//! and append-only (a note is corrected by another note that names it). They may hold
//! personal data, so they stay out of the log of acts, the acuse, every export meant for
//! the titular and every log line, and can be erased with the case's personal data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// The text of a note: not empty, at most [`MAX_NOTE_CHARS`], no NUL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NoteText(String);

impl NoteText {
    pub fn parse(s: &str) -> Result<NoteText, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("la nota está vacía".into());
        }
        let n = t.chars().count();
        if n > MAX_NOTE_CHARS {
            return Err(format!(
                "la nota tiene {n} caracteres; el máximo es {MAX_NOTE_CHARS}"
            ));
        }
        if t.contains('\0') {
            return Err("la nota contiene un carácter nulo".into());
        }
        Ok(NoteText(t.replace("\r\n", "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NoteText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NoteText::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A note as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: i64,
    pub folio: String,
    pub author: String,
    pub at: DateTime<Utc>,
    pub text: NoteText,
    /// The earlier note of the same case this one corrects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_text_is_parsed() {
        assert!(NoteText::parse(" \n ").is_err());
        assert!(NoteText::parse("a\0b").is_err());
        assert!(NoteText::parse(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert_eq!(
            NoteText::parse(" hola\r\nmundo ").unwrap().as_str(),
            "hola\nmundo"
        );
    }
}
