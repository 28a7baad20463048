-- Social organizations (社会组织), the people who found and lead them, and their leaders' terms.
-- Shared by the registry (applications, changes) and the public register (search, import).
-- Kept column-for-column in step with migrations/sqlite/0002_organizations.sql.

CREATE TABLE organizations (
    id                    UUID PRIMARY KEY,
    -- 统一社会信用代码; a community organization that is only filed (备案) may have none.
    uscc                  TEXT,
    name                  TEXT NOT NULL,
    -- social_group 社会团体 | foundation 基金会 | social_service_agency 社会服务机构 | community_org 社区社会组织
    org_type              TEXT NOT NULL CHECK (org_type IN ('social_group', 'foundation', 'social_service_agency', 'community_org')),
    -- industry_association 行业协会商会类 | science_tech 科技类 | charity 公益慈善类 | community_service 城乡社区服务类 | other 其他
    category              TEXT NOT NULL,
    -- The registration authority's area (or the filing street/township for community organizations).
    region_code           TEXT NOT NULL REFERENCES regions (code),
    -- registered 正常 | filed 备案 | deregistered 注销 | revoked 撤销
    status                TEXT NOT NULL CHECK (status IN ('registered', 'filed', 'deregistered', 'revoked')),
    registered_on         DATE,
    business_scope        TEXT NOT NULL DEFAULT '',
    purpose               TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    registered_funds_fen  BIGINT CHECK (registered_funds_fen IS NULL OR registered_funds_fen >= 0),
    -- 业务主管单位 (双重管理); NULL for direct registration.
    supervisory_unit      TEXT,
    is_hub                BOOLEAN NOT NULL DEFAULT FALSE,
    tax_deductible        BOOLEAN NOT NULL DEFAULT FALSE,
    -- JSON array of special-group keys served (POLICY 三).
    special_groups        TEXT NOT NULL DEFAULT '[]',
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    CONSTRAINT organizations_uscc_key UNIQUE (uscc)
);
CREATE INDEX organizations_region ON organizations (region_code);
CREATE INDEX organizations_status ON organizations (status, org_type);

-- People named as founders or leaders. The identity number is personal data: sealed, found by
-- its keyed hash, shown masked.
CREATE TABLE persons (
    id                UUID PRIMARY KEY,
    name              TEXT NOT NULL,
    id_number_sealed  BYTEA NOT NULL,
    id_number_index   TEXT NOT NULL,
    id_number_masked  TEXT NOT NULL,
    birth_date        DATE NOT NULL,
    sex               TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    created_at        TIMESTAMPTZ NOT NULL,
    CONSTRAINT persons_id_number_index_key UNIQUE (id_number_index)
);

-- A person's term in a post of an organization (负责人: 理事长/会长, 副理事长, 秘书长, 法定代表人…).
CREATE TABLE leaders (
    id               UUID PRIMARY KEY,
    organization_id  UUID NOT NULL REFERENCES organizations (id),
    person_id        UUID NOT NULL REFERENCES persons (id),
    position         TEXT NOT NULL,
    is_legal_rep     BOOLEAN NOT NULL DEFAULT FALSE,
    started_on       DATE NOT NULL,
    ended_on         DATE,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX leaders_organization ON leaders (organization_id);
CREATE INDEX leaders_person ON leaders (person_id);
