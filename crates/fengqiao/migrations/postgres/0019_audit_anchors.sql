-- The audit log made tamper-evident (transparency::audit, issue 15): the audit rows are
-- anchored in batches, each batch's hash chained to the previous one and appended as a leaf
-- (kind 'audit_batch') of the transparency log. 'fengqiao verify audit' recomputes them.
-- Kept column-for-column in step with the sqlite backend's 0019.

CREATE TABLE audit_anchors (
    batch_no     BIGINT PRIMARY KEY,
    -- The batch holds the audit rows with after_id < id <= last_id.
    after_id     BIGINT NOT NULL,
    last_id      BIGINT NOT NULL,
    row_count    BIGINT NOT NULL,
    -- SHA-256 of the previous batch's hash and the batch's rows (32 bytes).
    batch_hash   BYTEA NOT NULL,
    leaf_index   BIGINT NOT NULL UNIQUE,
    anchored_at  TIMESTAMPTZ NOT NULL
);
