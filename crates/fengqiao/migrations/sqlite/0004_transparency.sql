-- The transparency log (透明日志, RFC 6962): leaves with the public facts of each entry, the
-- hashes of complete perfect subtrees (written once, never changed), and signed tree heads.
-- Kept column-for-column in step with migrations/postgres/0004_transparency.sql.

CREATE TABLE translog_leaves (
    -- 0-based position in the log; assigned under the writer lock, so contiguous.
    idx        INTEGER PRIMARY KEY,
    -- SHA-256(0x00 || canonical record || salt), 32 bytes.
    leaf_hash  BLOB NOT NULL UNIQUE,
    -- donation | disbursement | (test) synthetic
    kind       TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    project    TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Node (level, idx) is the root of the perfect subtree over leaves idx*2^level .. (idx+1)*2^level.
CREATE TABLE translog_nodes (
    level      INTEGER NOT NULL,
    idx        INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE translog_heads (
    tree_size    INTEGER PRIMARY KEY,
    timestamp_ms INTEGER NOT NULL,
    root         BLOB NOT NULL,
    -- Ed25519 over the RFC 6962 TreeHeadSignature bytes (64 bytes).
    signature    BLOB NOT NULL
);
