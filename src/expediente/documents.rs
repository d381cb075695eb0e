//! Documents of the expediente (art. 58.2 LPDPPSOJ: the Unidad de Transparencia integrates
//! the file of each request): the request as received, the identity and representation
//! documents of arts. 50–51, the resolution, each notification.
//!
//! Pure types: what a document is, which kinds are sensitive, which contents are accepted
//! (sniffed from the bytes, never from a name or a declared type) and its SHA-256. Nothing
//! here reads a database, a folder or a request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::Role;

/// Default size limit of one document: 20 MiB (a scanned multi-page identity document in
/// PDF fits; a video does not).
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Default retention of identity documents after a case is closed: 365 calendar days.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// Longest original file name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

/// What a document is in the expediente.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The request as it was received (art. 49).
    RequestAsReceived,
    /// The titular's identity document (art. 50): sensitive.
    Identity,
    /// The representative's identity and the power of representation (art. 51): sensitive.
    Representation,
    /// The Comité's resolution (arts. 59–61).
    Resolution,
    /// A notification made to the titular (art. 58).
    Notification,
    /// Anything else the expediente holds.
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::RequestAsReceived,
        DocumentKind::Identity,
        DocumentKind::Representation,
        DocumentKind::Resolution,
        DocumentKind::Notification,
        DocumentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::RequestAsReceived => "request_as_received",
            DocumentKind::Identity => "identity",
            DocumentKind::Representation => "representation",
            DocumentKind::Resolution => "resolution",
            DocumentKind::Notification => "notification",
            DocumentKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Spanish name, for pages and messages.
    pub fn label_es(self) -> &'static str {
        match self {
            DocumentKind::RequestAsReceived => "solicitud tal como se recibió",
            DocumentKind::Identity => "identificación del titular",
            DocumentKind::Representation => "identificación y acreditación del representante",
            DocumentKind::Resolution => "resolución",
            DocumentKind::Notification => "notificación",
            DocumentKind::Other => "otro documento",
        }
    }

    /// Identity and representation documents (arts. 50–51) are the most sensitive data
    /// arco holds: only the Unidad de Transparencia sees them, and they are purged once
    /// the case is closed and the retention period has passed.
    pub fn is_sensitive(self) -> bool {
        matches!(self, DocumentKind::Identity | DocumentKind::Representation)
    }
}

/// Whether a role is of the Unidad de Transparencia (staff or head), the only ones that
/// receive and verify the titular's identity (arts. 50–51, 58).
pub fn is_unit_role(role: Role) -> bool {
    matches!(role, Role::UnitStaff | Role::UnitHead)
}

/// Whether a role may attach a document of `kind` to a case it may act on: the Unidad de
/// Transparencia any kind; the Comité only its resolution; nobody else.
pub fn may_attach(role: Role, kind: DocumentKind) -> bool {
    match role {
        Role::UnitStaff | Role::UnitHead => true,
        Role::Committee => kind == DocumentKind::Resolution,
        _ => false,
    }
}

/// Whether a role may read a document of `kind` of a case it may read: sensitive kinds
/// only the Unidad de Transparencia.
pub fn may_read(role: Role, kind: DocumentKind) -> bool {
    !kind.is_sensitive() || is_unit_role(role)
}

/// A document as recorded (its content is kept apart, by SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub id: i64,
    /// The case it belongs to.
    pub folio: String,
    /// The act of the case's log it belongs to, if one.
    pub act_seq: Option<i64>,
    pub kind: DocumentKind,
    /// The name it was uploaded with (shown to staff; never logged).
    pub filename: String,
    /// The type sniffed from its content.
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// The account that attached it.
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// When its content was purged (the record stays).
    pub purged_at: Option<DateTime<Utc>>,
    /// Who purged it (an account, or `retención` for the retention job).
    pub purged_by: Option<String>,
}

impl DocumentMeta {
    /// The document as it was recorded, without its id or purge (for a restore).
    pub fn as_new(&self) -> NewDocument {
        NewDocument {
            folio: self.folio.clone(),
            act_seq: self.act_seq,
            kind: self.kind,
            filename: self.filename.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            uploaded_by: self.uploaded_by.clone(),
            uploaded_at: self.uploaded_at,
        }
    }
}

/// A document to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub folio: String,
    pub act_seq: Option<i64>,
    pub kind: DocumentKind,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// Why a content is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("el documento está vacío")]
    Empty,
    #[error("el documento mide {size} bytes; el máximo es {max} bytes")]
    TooLarge { size: u64, max: u64 },
    #[error(
        "el contenido del documento no es de un tipo admitido (PDF, PNG, JPEG, TIFF, texto UTF-8, ODT o DOCX){}",
        found.as_ref().map(|f| format!("; parece ser {f}")).unwrap_or_default()
    )]
    Unsupported { found: Option<String> },
}

/// The media types accepted, by what the content's first bytes show.
pub const ALLOWED_TYPES: [&str; 7] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "text/plain; charset=utf-8",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
];

/// The media type of `content`, sniffed from its bytes with the `infer` crate (magic
/// numbers), or plain text when it is UTF-8 without control characters; refused when empty,
/// larger than `max` or of any other type. The declared type and the file name are never
/// trusted.
pub fn sniff(content: &[u8], max: u64) -> Result<&'static str, ContentError> {
    if content.is_empty() {
        return Err(ContentError::Empty);
    }
    let size = content.len() as u64;
    if size > max {
        return Err(ContentError::TooLarge { size, max });
    }
    if let Some(t) = infer::get(content) {
        let found = t.mime_type();
        return ALLOWED_TYPES
            .into_iter()
            .find(|a| *a == found)
            .ok_or(ContentError::Unsupported {
                found: Some(found.to_string()),
            });
    }
    match std::str::from_utf8(content) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) =>
        {
            Ok(ALLOWED_TYPES[4])
        }
        _ => Err(ContentError::Unsupported { found: None }),
    }
}

/// SHA-256 of `content`, lowercase hex.
pub fn sha256_hex(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `s` is a SHA-256 in lowercase hex (the name of a stored content).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The original file name as kept: its last path component, without control characters,
/// at most [`MAX_FILENAME_CHARS`]; `documento` when nothing is left.
pub fn clean_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME_CHARS)
        .collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() || clean == "." || clean == ".." {
        "documento".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_sniffed_from_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...", 100), Ok("application/pdf"));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 100),
            Ok("image/png")
        );
        assert_eq!(
            sniff("Solicitud de acceso\n".as_bytes(), 100),
            Ok("text/plain; charset=utf-8")
        );
        assert_eq!(sniff(b"", 100), Err(ContentError::Empty));
        assert_eq!(
            sniff(b"%PDF-1.7", 4),
            Err(ContentError::TooLarge { size: 8, max: 4 })
        );
        assert!(matches!(
            sniff(b"MZ\x90\0\x03\0\0\0", 100),
            Err(ContentError::Unsupported { .. })
        ));
        assert!(matches!(
            sniff(b"\x00\x01\x02binario", 100),
            Err(ContentError::Unsupported { found: None })
        ));
    }

    #[test]
    fn sensitive_kinds_are_for_the_unit_only() {
        assert!(DocumentKind::Identity.is_sensitive());
        assert!(!DocumentKind::Resolution.is_sensitive());
        assert!(may_read(Role::UnitStaff, DocumentKind::Identity));
        assert!(!may_read(Role::Committee, DocumentKind::Identity));
        assert!(!may_read(Role::Auditor, DocumentKind::Representation));
        assert!(may_read(Role::Auditor, DocumentKind::Resolution));
        assert!(may_attach(Role::Committee, DocumentKind::Resolution));
        assert!(!may_attach(Role::Committee, DocumentKind::Identity));
        assert!(!may_attach(Role::Auditor, DocumentKind::Other));
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn names_and_digests() {
        assert_eq!(clean_filename("C:\\x\\ine frente.pdf"), "ine frente.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("\u{0}\n"), "documento");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_sha256_hex(&sha256_hex(b"x")));
        assert!(!is_sha256_hex("../etc"));
    }
}
