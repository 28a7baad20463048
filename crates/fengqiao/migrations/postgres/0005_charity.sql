-- Charity (慈善, POLICY 四/十五): fundraising plans (募捐方案) filed by qualified charities. A filed
-- plan is the public fundraising project that donations and disbursements are recorded against.
-- Kept column-for-column in step with migrations/sqlite/0005_charity.sql.

CREATE TABLE fundraising_plans (
    id                UUID PRIMARY KEY,
    -- 备案编号: the plan's public identifier, also the `project` of its transparency-log leaves.
    filing_no         TEXT NOT NULL,
    organization_id   UUID NOT NULL REFERENCES organizations (id),
    title             TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    -- 预期募集金额, in fen.
    target_fen        BIGINT NOT NULL CHECK (target_fen > 0),
    -- Fundraising is open from starts_on to ends_on inclusive (募捐起止时间).
    starts_on         DATE NOT NULL,
    ends_on           DATE NOT NULL,
    -- 募捐区域: a division code; donations from elsewhere are flagged, not refused.
    region_code       TEXT NOT NULL REFERENCES regions (code),
    beneficiaries     TEXT NOT NULL,
    -- filed 已备案 | closed 已结束 | withdrawn 已撤回
    status            TEXT NOT NULL CHECK (status IN ('filed', 'closed', 'withdrawn')),
    filed_at          TIMESTAMPTZ NOT NULL,
    CONSTRAINT fundraising_plans_filing_no_key UNIQUE (filing_no),
    CONSTRAINT fundraising_plans_period CHECK (ends_on >= starts_on)
);
CREATE INDEX fundraising_plans_org ON fundraising_plans (organization_id);
CREATE INDEX fundraising_plans_region ON fundraising_plans (region_code);
