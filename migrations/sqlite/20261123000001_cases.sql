-- arco on SQLite: cases, their append-only log of acts, and the projection.

-- One row per case (a solicitud ARCO; later, an appeal). `version` is the number of acts
-- in its log: a write names the version it read, so two staff acting at once cannot both
-- win. `projection` is the case rebuilt from its log (JSON); `arco verify` checks it.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    folio       TEXT    NOT NULL UNIQUE,
    body        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    calendar    TEXT    NOT NULL,
    rulebook    TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    projection  TEXT    NOT NULL,
    filed_on    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX cases_body_state ON cases (body, state);

-- The log: every act ever recorded, never updated or deleted.
CREATE TABLE events (
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    seq          INTEGER NOT NULL,
    act          TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    occurred_at  TEXT    NOT NULL,
    effective_on TEXT    NOT NULL,
    late         INTEGER NOT NULL,
    recorded_at  TEXT    NOT NULL,
    rulebook     TEXT    NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER events_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'el registro de actos no se modifica');
END;
CREATE TRIGGER events_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'el registro de actos no se borra');
END;

-- Every term of every case, as of its last act (part of the projection). A term still
-- open has status 'pending'; whether it is overdue is decided when read.
CREATE TABLE deadlines (
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    term      TEXT    NOT NULL,
    day0      TEXT    NOT NULL,
    days      INTEGER NOT NULL,
    due       TEXT    NOT NULL,
    status    TEXT    NOT NULL,
    done      TEXT,
    optional  INTEGER NOT NULL,
    article   TEXT    NOT NULL,
    PRIMARY KEY (case_id, term)
) WITHOUT ROWID;
CREATE INDEX deadlines_open_due ON deadlines (due) WHERE status = 'pending';

-- Folio sequences: progressive per body and year (art. 58).
CREATE TABLE folio_counters (
    body  TEXT    NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (body, year)
) WITHOUT ROWID;
