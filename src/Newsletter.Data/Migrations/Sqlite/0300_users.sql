-- Web admin accounts: login, role, a PasswordHasher hash (never the password), and the lockout counters.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    login           TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
    password_hash   TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    last_sign_in_at TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Issues uploaded through the web admin, kept until a campaign is made from them (no scheduler "ready" store yet).
CREATE TABLE uploaded_issues (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    path        TEXT NOT NULL,
    title       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'ready')),
    uploaded_by TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
