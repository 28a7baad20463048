-- The audit log made tamper-evident (transparency::audit, issue 15): the audit rows are
-- anchored in batches, each batch's hash chained to the previous one and appended as a leaf
-- (kind 'audit_batch') of the transparency log. 'fengqiao verify audit' recomputes them.
-- Kept column-for-column in step with the postgres backend's 0019.

CREATE TABLE audit_anchors (
    batch_no     INTEGER PRIMARY KEY,
    -- The batch holds the audit rows with after_id < id <= last_id.
    after_id     INTEGER NOT NULL,
    last_id      INTEGER NOT NULL,
    row_count    INTEGER NOT NULL,
    -- SHA-256 of the previous batch's hash and the batch's rows (32 bytes).
    batch_hash   BLOB NOT NULL,
    leaf_index   INTEGER NOT NULL UNIQUE,
    anchored_at  TEXT NOT NULL
);
