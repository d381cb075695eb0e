-- The expediente beyond the procedure (issue 14): the administrative record of each case
-- (who has it, which área holds the data, áreas that did not cooperate) and the staff's
-- internal notes. Neither is an act: they never rebuild deadlines.

CREATE TABLE case_admin (
    folio        TEXT COLLATE "C" NOT NULL,
    seq          BIGINT NOT NULL,
    entry        TEXT   NOT NULL,
    actor        TEXT   NOT NULL,
    recorded_at  TEXT   NOT NULL,
    PRIMARY KEY (folio, seq)
);
CREATE FUNCTION case_admin_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'el registro administrativo no se modifica ni se borra';
END $$;
CREATE TRIGGER case_admin_append_only BEFORE UPDATE OR DELETE ON case_admin
    FOR EACH ROW EXECUTE FUNCTION case_admin_append_only();

CREATE TABLE assignments (
    folio       TEXT COLLATE "C" PRIMARY KEY,
    assignee    TEXT,
    area        TEXT,
    updated_at  TEXT NOT NULL
);
CREATE INDEX assignments_assignee ON assignments (assignee);

CREATE TABLE notes (
    id          BIGSERIAL PRIMARY KEY,
    folio       TEXT COLLATE "C" NOT NULL,
    author      TEXT   NOT NULL,
    written_at  TEXT   NOT NULL,
    text        TEXT   NOT NULL,
    corrects    BIGINT
);
CREATE INDEX notes_folio ON notes (folio, id);
CREATE FUNCTION notes_never_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'una nota no se modifica: se corrige con otra nota';
END $$;
CREATE TRIGGER notes_never_updated BEFORE UPDATE ON notes
    FOR EACH ROW EXECUTE FUNCTION notes_never_updated();

CREATE INDEX cases_external_folio ON cases ((projection #>> '{reception,external_folio}'));
