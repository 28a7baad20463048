-- The file store (platform::files, issue 8): one row per upload, naming the object it belongs
-- to; the bytes are kept once under the data directory by their SHA-256 (files/ab/abcdef…).
-- A file is served only by the owning module's route, under its object's access rule.
-- Kept column-for-column in step with the postgres backend's 0018.

CREATE TABLE files (
    id           BLOB PRIMARY KEY,
    sha256       TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    name         TEXT NOT NULL,
    -- The owning module's name of the kind ('donations.disbursement') and the object's id.
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    uploaded_by  BLOB REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX files_object ON files (object_kind, object_id);
