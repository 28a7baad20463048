-- Donations (捐赠) to a filed fundraising plan and disbursements (拨付/支出) from it. Every
-- confirmed donation and every disbursement is a leaf of the transparency log, written in the
-- same transaction as its row. Kept column-for-column in step with
-- migrations/postgres/0006_donations.sql.

CREATE TABLE donations (
    id                  BLOB PRIMARY KEY,
    -- 捐赠收据编号, shown on the receipt; assigned when the payment is confirmed.
    receipt_no          TEXT,
    plan_id             BLOB NOT NULL REFERENCES fundraising_plans (id),
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    -- The donor's name is personal data: sealed, shown masked. NULL both: anonymous (匿名).
    donor_name_sealed   BLOB,
    donor_name_masked   TEXT,
    -- The client's key: a retried request with the same key returns the same donation.
    idempotency_key     TEXT NOT NULL,
    -- pending 待确认 (the provider confirms later) | confirmed 已到账 | failed 支付失败
    status              TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'failed')),
    -- The payment provider's name and its reference for this payment.
    provider            TEXT NOT NULL,
    payment_ref         TEXT NOT NULL,
    -- Set together on confirmation: the 32-byte salt the donor keeps on the receipt, and the
    -- leaf that commits to the canonical record and the salt.
    salt                BLOB,
    leaf_index          INTEGER,
    leaf_hash           BLOB,
    created_at          TEXT NOT NULL,
    confirmed_at        TEXT,
    CONSTRAINT donations_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT donations_receipt_no_key UNIQUE (receipt_no),
    CONSTRAINT donations_payment_key UNIQUE (provider, payment_ref),
    CONSTRAINT donations_confirmed_logged CHECK (
        (status = 'confirmed') = (leaf_index IS NOT NULL AND leaf_hash IS NOT NULL AND salt IS NOT NULL AND receipt_no IS NOT NULL AND confirmed_at IS NOT NULL))
);
CREATE INDEX donations_plan ON donations (plan_id, status);

CREATE TABLE disbursements (
    id                  BLOB PRIMARY KEY,
    plan_id             BLOB NOT NULL REFERENCES fundraising_plans (id),
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    -- charitable 慈善活动支出 | management 管理费用 | fundraising_cost 募捐成本 (DOMAIN §6.4)
    category            TEXT NOT NULL CHECK (category IN ('charitable', 'management', 'fundraising_cost')),
    purpose             TEXT NOT NULL,
    -- 受益人数 (persons reached by this payment).
    beneficiaries       INTEGER NOT NULL CHECK (beneficiaries >= 0),
    -- JSON array of {name, sha256} of the supporting documents (invoices, lists, agreements).
    documents           TEXT NOT NULL DEFAULT '[]',
    paid_on             TEXT NOT NULL,
    salt                BLOB NOT NULL,
    leaf_index          INTEGER NOT NULL,
    leaf_hash           BLOB NOT NULL,
    recorded_at         TEXT NOT NULL,
    recorded_by         BLOB NOT NULL REFERENCES users (id)
);
CREATE INDEX disbursements_plan ON disbursements (plan_id);
