-- Registry (登记): applications for establishment, filing, change, deregistration and revocation,
-- their parallel review steps, the persons they name with the result of each check, and the
-- objections filed during pre-appointment publicity (任职前公示).
-- Kept column-for-column in step with migrations/sqlite/0003_registry.sql.

CREATE TABLE applications (
    id                 UUID PRIMARY KEY,
    -- establishment 成立登记 | filing 备案 | change 变更 | deregistration 注销 | revocation 撤销
    kind               TEXT NOT NULL CHECK (kind IN ('establishment', 'filing', 'change', 'deregistration', 'revocation')),
    -- draft | submitted | returned | resubmitted | in_review | publicity | approved | refused
    state              TEXT NOT NULL,
    org_type           TEXT NOT NULL,
    category           TEXT NOT NULL,
    name               TEXT NOT NULL,
    -- The registration (or filing) authority's area; officers see the application through it.
    region_code        TEXT NOT NULL REFERENCES regions (code),
    domicile_code      TEXT NOT NULL REFERENCES regions (code),
    -- county | city | province: the organization's reach, which decides the authority's level.
    reach              TEXT NOT NULL,
    supervisory_unit   TEXT,
    organization_id    UUID REFERENCES organizations (id),
    business_scope     TEXT NOT NULL DEFAULT '',
    purpose            TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    funds_fen          BIGINT,
    -- JSON arrays of material keys: what the applicant submitted, what intake found missing.
    materials          TEXT NOT NULL DEFAULT '[]',
    missing            TEXT NOT NULL DEFAULT '[]',
    applicant_user_id  UUID,
    submitted_on       DATE,
    accepted_on        DATE,
    publicity_from     DATE,
    publicity_until    DATE,
    decided_on         DATE,
    decision_reason    TEXT NOT NULL DEFAULT '',
    uscc               TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX applications_region ON applications (region_code, state);

-- One review step of an accepted application (civil-affairs registration review, 业务主管单位,
-- 党建工作机构), each with its deadline in working days.
CREATE TABLE review_steps (
    id              UUID PRIMARY KEY,
    application_id  UUID NOT NULL REFERENCES applications (id),
    step            TEXT NOT NULL,
    -- pending | approved | rejected
    state           TEXT NOT NULL,
    deadline        DATE NOT NULL,
    opinion         TEXT NOT NULL DEFAULT '',
    decided_by      TEXT,
    decided_at      TIMESTAMPTZ,
    CONSTRAINT review_steps_application_step_key UNIQUE (application_id, step)
);

-- A founder or proposed leader named in an application, with the checks run when named.
CREATE TABLE application_persons (
    id                UUID PRIMARY KEY,
    application_id    UUID NOT NULL REFERENCES applications (id),
    person_id         UUID NOT NULL REFERENCES persons (id),
    -- founder | leader
    capacity          TEXT NOT NULL,
    position          TEXT NOT NULL,
    is_legal_rep      BOOLEAN NOT NULL DEFAULT FALSE,
    retired_official  BOOLEAN NOT NULL DEFAULT FALSE,
    -- JSON array of {check, passed, zh, en}.
    checks            TEXT NOT NULL DEFAULT '[]',
    checks_passed     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_persons_application ON application_persons (application_id);

-- An objection filed by anyone during publicity, and the officer's answer.
CREATE TABLE objections (
    id              UUID PRIMARY KEY,
    application_id  UUID NOT NULL REFERENCES applications (id),
    filed_at        TIMESTAMPTZ NOT NULL,
    filer_name      TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    answer          TEXT,
    answered_by     TEXT,
    answered_at     TIMESTAMPTZ
);
CREATE INDEX objections_application ON objections (application_id);
