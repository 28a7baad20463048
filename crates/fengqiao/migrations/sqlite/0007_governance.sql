-- Governance (POLICY 十, 三, 四, 五; DOMAIN.md §2.2–2.4): the terms of an organization's governance
-- bodies with their members, its party-organization status over time, the hub/support kind and
-- the organizations a hub supports; and the notifications of overdue review steps (POLICY 十四).
-- Kept column-for-column in step with migrations/postgres/0007_governance.sql.

-- hub 枢纽型 | support 支持型 | NULL: neither (organizations.is_hub stays the yes/no of either).
ALTER TABLE organizations ADD COLUMN hub_kind TEXT CHECK (hub_kind IS NULL OR hub_kind IN ('hub', 'support'));
-- JSON array of the community-organization categories it belongs to (POLICY 三): life_service
-- 生活服务类 | charity 公益慈善类 | mutual_aid 居民互助类.
ALTER TABLE organizations ADD COLUMN community_categories TEXT NOT NULL DEFAULT '[]';

-- One term (届) of one governance body of an organization.
CREATE TABLE governance_terms (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    -- member_assembly 会员大会 | representative_assembly 会员代表大会 | council 理事会
    -- | supervisory_board 监事会 | supervisor 监事
    body             TEXT NOT NULL CHECK (body IN ('member_assembly', 'representative_assembly', 'council', 'supervisory_board', 'supervisor')),
    term_start       TEXT NOT NULL,
    term_end         TEXT NOT NULL,
    -- Members of an assembly are counted, not listed (a 社会团体 has 50 or more).
    member_count     INTEGER CHECK (member_count IS NULL OR member_count >= 0),
    created_at       TEXT NOT NULL,
    CONSTRAINT governance_terms_org_body_start_key UNIQUE (organization_id, body, term_start),
    CHECK (term_end > term_start)
);
CREATE INDEX governance_terms_organization ON governance_terms (organization_id);

-- A member of a governance body for one term (理事长, 理事, 监事长, 监事…): names and posts are public.
CREATE TABLE governance_members (
    id          BLOB PRIMARY KEY,
    term_id     BLOB NOT NULL REFERENCES governance_terms (id),
    name        TEXT NOT NULL,
    position    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX governance_members_term ON governance_members (term_id);

-- The party-organization status of an organization from a date (党组织: none 未建 | own 单独组建
-- | joint 联合组建 | instructor 党建指导员); the latest row is the current status.
CREATE TABLE party_statuses (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    status           TEXT NOT NULL CHECK (status IN ('none', 'own', 'joint', 'instructor')),
    since            TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);
CREATE INDEX party_statuses_organization ON party_statuses (organization_id, since);

-- A hub or support organization (枢纽型、支持型) and an organization it supports (POLICY 五).
CREATE TABLE hub_supports (
    hub_id        BLOB NOT NULL REFERENCES organizations (id),
    supported_id  BLOB NOT NULL REFERENCES organizations (id),
    since         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (hub_id, supported_id),
    CHECK (hub_id <> supported_id)
);
CREATE INDEX hub_supports_supported ON hub_supports (supported_id);

-- A review step past its deadline, told to the region that handles the application (officer)
-- and to the region above it (superior). One row per step and recipient: flagging is idempotent.
CREATE TABLE notifications (
    id                BLOB PRIMARY KEY,
    created_at        TEXT NOT NULL,
    -- step_overdue
    kind              TEXT NOT NULL,
    recipient_region  TEXT NOT NULL REFERENCES regions (code),
    -- officer | superior
    audience          TEXT NOT NULL CHECK (audience IN ('officer', 'superior')),
    application_id    BLOB NOT NULL REFERENCES applications (id),
    step              TEXT NOT NULL,
    deadline          TEXT NOT NULL,
    CONSTRAINT notifications_step_recipient_key UNIQUE (application_id, step, recipient_region)
);
CREATE INDEX notifications_recipient ON notifications (recipient_region, created_at);

-- Pending review steps by deadline: the overdue list and its sweep.
CREATE INDEX review_steps_pending ON review_steps (state, deadline);
