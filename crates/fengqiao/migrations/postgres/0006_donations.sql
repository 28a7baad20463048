-- Donations (捐赠) to a filed fundraising plan and disbursements (拨付/支出) from it. Every
-- confirmed donation and every disbursement is a leaf of the transparency log, written in the
-- same transaction as its row. Kept column-for-column in step with
-- migrations/sqlite/0006_donations.sql.

CREATE TABLE donations (
    id                  UUID PRIMARY KEY,
    -- 捐赠收据编号, shown on the receipt; assigned when the payment is confirmed.
    receipt_no          TEXT,
    plan_id             UUID NOT NULL REFERENCES fundraising_plans (id),
    amount_fen          BIGINT NOT NULL CHECK (amount_fen > 0),
    -- The donor's name is personal data: sealed, shown masked. NULL both: anonymous (匿名).
    donor_name_sealed   BYTEA,
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
    salt                BYTEA,
    leaf_index          BIGINT,
    leaf_hash           BYTEA,
    created_at          TIMESTAMPTZ NOT NULL,
    confirmed_at        TIMESTAMPTZ,
    CONSTRAINT donations_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT donations_receipt_no_key UNIQUE (receipt_no),
    CONSTRAINT donations_payment_key UNIQUE (provider, payment_ref),
    CONSTRAINT donations_confirmed_logged CHECK (
        (status = 'confirmed') = (leaf_index IS NOT NULL AND leaf_hash IS NOT NULL AND salt IS NOT NULL AND receipt_no IS NOT NULL AND confirmed_at IS NOT NULL))
);
CREATE INDEX donations_plan ON donations (plan_id, status);

CREATE TABLE disbursements (
    id                  UUID PRIMARY KEY,
    plan_id             UUID NOT NULL REFERENCES fundraising_plans (id),
    amount_fen          BIGINT NOT NULL CHECK (amount_fen > 0),
    -- charitable 慈善活动支出 | management 管理费用 | fundraising_cost 募捐成本 (DOMAIN §6.4)
    category            TEXT NOT NULL CHECK (category IN ('charitable', 'management', 'fundraising_cost')),
    purpose             TEXT NOT NULL,
    -- 受益人数 (persons reached by this payment).
    beneficiaries       BIGINT NOT NULL CHECK (beneficiaries >= 0),
    -- JSON array of {name, sha256} of the supporting documents (invoices, lists, agreements).
    documents           TEXT NOT NULL DEFAULT '[]',
    paid_on             DATE NOT NULL,
    salt                BYTEA NOT NULL,
    leaf_index          BIGINT NOT NULL,
    leaf_hash           BYTEA NOT NULL,
    recorded_at         TIMESTAMPTZ NOT NULL,
    recorded_by         UUID NOT NULL REFERENCES users (id)
);
CREATE INDEX disbursements_plan ON disbursements (plan_id);
