-- The expediente beyond the procedure (issue 14): the administrative record of each case
-- (who has it, which área holds the data, áreas that did not cooperate) and the staff's
-- internal notes. Neither is an act: they never rebuild deadlines.

-- Every change to the administrative record, in order; never updated or deleted.
CREATE TABLE case_admin (
    folio        TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    entry        TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (folio, seq)
) WITHOUT ROWID;
CREATE TRIGGER case_admin_never_updated BEFORE UPDATE ON case_admin
BEGIN
    SELECT RAISE(ABORT, 'el registro administrativo no se modifica');
END;
CREATE TRIGGER case_admin_never_deleted BEFORE DELETE ON case_admin
BEGIN
    SELECT RAISE(ABORT, 'el registro administrativo no se borra');
END;

-- The record folded: who is in charge now (lists "mis casos", alerts).
CREATE TABLE assignments (
    folio       TEXT PRIMARY KEY,
    assignee    TEXT,
    area        TEXT,
    updated_at  TEXT NOT NULL
);
CREATE INDEX assignments_assignee ON assignments (assignee);

-- Internal notes: append-only (a note is corrected by another), but erasable with the
-- case's personal data, so deletion is allowed and update is not.
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    folio       TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    written_at  TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    corrects    INTEGER
);
CREATE INDEX notes_folio ON notes (folio, id);
CREATE TRIGGER notes_never_updated BEFORE UPDATE ON notes
BEGIN
    SELECT RAISE(ABORT, 'una nota no se modifica: se corrige con otra nota');
END;

-- Search by the folio another system gave the request (the PNT's, art. 49.1).
CREATE INDEX cases_external_folio
    ON cases (json_extract(projection, '$.reception.external_folio'));
