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

-- 慈善组织认定 (recognition) and 公开募捐资格 (public-fundraising qualification) applications of
-- registered organizations, decided by the registration authority of the organization's region
-- within the legal deadline (DOMAIN.md rule 11).
CREATE TABLE charity_applications (
    id                 UUID PRIMARY KEY,
    -- recognition 慈善组织认定 | qualification 公开募捐资格
    kind               TEXT NOT NULL CHECK (kind IN ('recognition', 'qualification')),
    organization_id    UUID NOT NULL REFERENCES organizations (id),
    -- The registration authority's area (the organization's region_code), for the access check.
    region_code        TEXT NOT NULL REFERENCES regions (code),
    -- pending 待决定 | approved 已批准 | refused 不予批准
    state              TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    statement          TEXT NOT NULL DEFAULT '',
    submitted_on       DATE NOT NULL,
    -- Last day of the decision period (法定办理期限).
    deadline           DATE NOT NULL,
    decided_on         DATE,
    decided_by         TEXT,
    decision_reason    TEXT NOT NULL DEFAULT '',
    applicant_user_id  UUID,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX charity_applications_region ON charity_applications (region_code, state);
-- At most one undecided application of each kind per organization.
CREATE UNIQUE INDEX charity_applications_one_pending ON charity_applications (organization_id, kind) WHERE state = 'pending';

-- 慈善组织: a registered organization recognized as a charity, and its 公开募捐资格证书.
CREATE TABLE charities (
    organization_id           UUID PRIMARY KEY REFERENCES organizations (id),
    recognized_on             DATE NOT NULL,
    recognition_id            UUID REFERENCES charity_applications (id),
    qualified_on              DATE,
    -- 公开募捐资格证书编号, unique.
    qualification_no          TEXT,
    qualification_id          UUID REFERENCES charity_applications (id),
    qualification_revoked_on  DATE,
    updated_at                TIMESTAMPTZ NOT NULL,
    CONSTRAINT charities_qualification_no_key UNIQUE (qualification_no)
);

-- Serial numbers handed out by the database, per kind and year: filing numbers (备案编号) and
-- certificate numbers are `max + 1` under the row lock of this counter, and UNIQUE besides.
CREATE TABLE charity_serials (
    kind  TEXT NOT NULL,
    year  INTEGER NOT NULL,
    last  BIGINT NOT NULL,
    PRIMARY KEY (kind, year)
);

-- What a filed plan says beyond the columns the donation code reads (募捐方案, 慈善法 Art. 26).
CREATE TABLE fundraising_plan_details (
    plan_id          UUID PRIMARY KEY REFERENCES fundraising_plans (id),
    organization_id  UUID NOT NULL REFERENCES organizations (id),
    -- One filing per campaign: the normalized title and start date of the campaign.
    campaign_key     TEXT NOT NULL,
    budget           TEXT NOT NULL,
    contact          TEXT NOT NULL,
    -- 应急救灾: filed within 10 days after the start (慈善法 Art. 73).
    emergency        BOOLEAN NOT NULL DEFAULT FALSE,
    filed_by         UUID,
    CONSTRAINT fundraising_plan_details_campaign_key UNIQUE (organization_id, campaign_key)
);

-- 信息公开: a disclosure the charity made about a plan (progress during it, final after it).
CREATE TABLE charity_disclosures (
    id            UUID PRIMARY KEY,
    plan_id       UUID NOT NULL REFERENCES fundraising_plans (id),
    -- progress 进展公开 | final 结果公开
    kind          TEXT NOT NULL CHECK (kind IN ('progress', 'final')),
    disclosed_on  DATE NOT NULL,
    summary       TEXT NOT NULL,
    recorded_by   UUID,
    recorded_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX charity_disclosures_plan ON charity_disclosures (plan_id, disclosed_on);

-- Net assets at a year's end (年末净资产), from the annual report: the basis of the spending
-- ratio of charities without public-fundraising qualification (DOMAIN.md §6.4).
CREATE TABLE charity_net_assets (
    organization_id  UUID NOT NULL REFERENCES organizations (id),
    year             INTEGER NOT NULL,
    net_assets_fen   BIGINT NOT NULL,
    PRIMARY KEY (organization_id, year)
);
