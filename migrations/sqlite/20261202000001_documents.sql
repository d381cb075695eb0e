-- Documents of the expediente (art. 58.2 LPDPPSOJ), kept OUTSIDE the append-only log so
-- that their content can be erased: the request as received, identity and representation
-- documents (sensitive), the resolution, each notification.
--
-- `documents` holds what a document is; its content is kept by SHA-256, either in
-- `document_blobs` (the default) or in a content-addressed folder of the install. Purging
-- a document deletes its content (when no other live document shares it) and keeps the row
-- with `purged_at` and `purged_by`.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    act_seq     INTEGER,
    kind        TEXT    NOT NULL,
    filename    TEXT    NOT NULL,
    media_type  TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    uploaded_by TEXT    NOT NULL,
    uploaded_at TEXT    NOT NULL,
    purged_at   TEXT,
    purged_by   TEXT
);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_sha256 ON documents (sha256);

CREATE TABLE document_blobs (
    sha256  TEXT PRIMARY KEY,
    content BLOB NOT NULL
) WITHOUT ROWID;
