-- The titular's contact for optional alerts, kept apart from the append-only log so it
-- can be corrected or erased (the titular's own ARCO rights over it) without touching the
-- record of the procedure. Nothing else about the titular is stored.
CREATE TABLE contacts (
    folio        TEXT PRIMARY KEY,
    email        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
