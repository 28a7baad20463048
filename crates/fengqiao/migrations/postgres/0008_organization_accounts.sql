-- The organizations an organization account (org_admin, 社会组织管理员) acts for. A region-scoped
-- role alone would let any org_admin of 西湖区 act for every organization there; an org_admin
-- acts only for the organizations bound here (the founder when the registry approves, or an
-- officer's grant). Kept column-for-column in step with the other backend's 0008.

CREATE TABLE organization_accounts (
    organization_id  UUID NOT NULL REFERENCES organizations (id),
    user_id          UUID NOT NULL REFERENCES users (id),
    granted_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_accounts_user ON organization_accounts (user_id);
