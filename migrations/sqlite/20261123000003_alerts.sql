-- Deadline alerts: an outbox written before anything is sent, and the nights already run.

-- One row per alert and recipient. The key is the case, the term, its due date, the
-- threshold crossed and the recipient: a rerun inserts nothing new and sends nothing twice;
-- a due date that moves makes a new key (and the old unsent one is superseded).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    folio       TEXT    NOT NULL,
    term        TEXT    NOT NULL,
    due         TEXT    NOT NULL,
    threshold   INTEGER NOT NULL,
    recipient   TEXT    NOT NULL,
    item        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT    NOT NULL,
    sent_at     TEXT,
    UNIQUE (folio, term, due, threshold, recipient)
);
CREATE INDEX outbox_pending ON outbox (recipient) WHERE status = 'pending';

-- The nightly runs: a night is claimed by inserting its row, so two daemons on one
-- database never run the same night twice.
CREATE TABLE alert_runs (
    night        TEXT PRIMARY KEY,
    holder       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT
);
