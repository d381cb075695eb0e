-- Bodies, staff accounts and their tokens (arco serve).

-- A sujeto obligado or a guarantor. `guarantor`: the body that hears appeals against it.
CREATE TABLE bodies (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('obligated', 'guarantor')),
    calendar   TEXT NOT NULL,
    guarantor  TEXT REFERENCES bodies (code),
    created_at TEXT NOT NULL
);
CREATE INDEX bodies_guarantor ON bodies (guarantor) WHERE guarantor IS NOT NULL;

-- A staff account, scoped to one body (an administrator may have none). Passwords are
-- argon2id PHC strings; an account without one logs in only with API tokens.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    body          TEXT REFERENCES bodies (code),
    role          TEXT NOT NULL,
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);
CREATE INDEX accounts_body ON accounts (body);

-- Tokens, stored only as the SHA-256 digest of the secret.
CREATE TABLE tokens (
    digest      TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('session', 'api', 'feed')),
    label       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
);
CREATE INDEX tokens_account ON tokens (account_id);
