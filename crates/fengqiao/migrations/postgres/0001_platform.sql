-- Platform tables: regions, grids, accounts, sessions, audit log, event outbox, holiday calendar.
-- Kept column-for-column in step with migrations/sqlite/0001_platform.sql (a test checks it).

CREATE TABLE regions (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
    parent_code  TEXT REFERENCES regions (code),
    kind         TEXT CHECK (kind IS NULL OR kind IN ('urban', 'rural', 'special')),
    edition      INTEGER NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE grids (
    id            UUID PRIMARY KEY,
    region_code   TEXT NOT NULL REFERENCES regions (code),
    name          TEXT NOT NULL,
    households    BIGINT NOT NULL DEFAULT 0 CHECK (households >= 0),
    created_at    TIMESTAMPTZ NOT NULL,
    CONSTRAINT grids_region_name_key UNIQUE (region_code, name)
);

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    username       TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE role_grants (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT role_grants_user_role_region_key UNIQUE (user_id, role, region_code)
);
CREATE INDEX role_grants_user ON role_grants (user_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id),
    grant_id     UUID NOT NULL REFERENCES role_grants (id),
    csrf_token   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    name         TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_username_at ON login_failures (username, at);

CREATE TABLE audit_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    actor_user_id  UUID,
    actor_name     TEXT NOT NULL,
    role           TEXT NOT NULL,
    region_code    TEXT,
    action         TEXT NOT NULL,
    object_kind    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    before_digest  TEXT,
    after_digest   TEXT,
    detail         TEXT NOT NULL,
    request_id     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id);

CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    kind         TEXT NOT NULL,
    region_code  TEXT,
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    payload      TEXT NOT NULL
);

CREATE TABLE holidays (
    date         DATE PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    name         TEXT NOT NULL,
    notice_year  INTEGER NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
