-- The register of a body's accounts on social networks (issue 18): the account as rebuilt
-- from its history (JSON), and the history itself, one row per change with who and when,
-- never changed nor deleted. No passwords, no data of titulares. The gestores' names and
-- positions are kept apart from the history (`social_gestores`), where they can be
-- erased: the history names a gestor by its number in the account.
CREATE TABLE social_accounts (
    id          INTEGER PRIMARY KEY,
    body        TEXT    NOT NULL,
    platform    TEXT    NOT NULL,
    handle      TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    data        TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (platform, handle)
);
CREATE INDEX social_accounts_body ON social_accounts (body, platform, handle);

CREATE TABLE social_account_changes (
    account_id   INTEGER NOT NULL REFERENCES social_accounts (id),
    seq          INTEGER NOT NULL,
    change       TEXT    NOT NULL,
    effective_on TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (account_id, seq)
);

CREATE TABLE social_gestores (
    account_id  INTEGER NOT NULL REFERENCES social_accounts (id),
    gestor      INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    position    TEXT,
    PRIMARY KEY (account_id, gestor)
);

CREATE TRIGGER social_changes_never_updated BEFORE UPDATE ON social_account_changes
BEGIN
    SELECT RAISE(ABORT, 'el historial de las cuentas no se modifica');
END;
CREATE TRIGGER social_changes_never_deleted BEFORE DELETE ON social_account_changes
BEGIN
    SELECT RAISE(ABORT, 'el historial de las cuentas no se borra');
END;

-- A request about a publication (issue 18; `000_…`, Quinto): the account of the register
-- and the post it is about, and what was done to the post. Kept apart from the log of
-- the request (the post can identify the titular) and erased with it.
CREATE TABLE request_publications (
    folio        TEXT    PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES social_accounts (id),
    post         TEXT    NOT NULL,
    captured_at  TEXT,
    action       TEXT,
    preserved    INTEGER,
    acted_on     TEXT,
    acted_by     TEXT,
    recorded_at  TEXT    NOT NULL
);
