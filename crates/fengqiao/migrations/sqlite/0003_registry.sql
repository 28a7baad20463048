-- Registry (登记): applications for establishment, filing, change, deregistration and revocation,
-- their parallel review steps, the persons they name with the result of each check, and the
-- objections filed during pre-appointment publicity (任职前公示).
-- Kept column-for-column in step with migrations/postgres/0003_registry.sql.

CREATE TABLE applications (
    id                 BLOB PRIMARY KEY,
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
    organization_id    BLOB REFERENCES organizations (id),
    business_scope     TEXT NOT NULL DEFAULT '',
    purpose            TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    funds_fen          INTEGER,
    -- JSON arrays of material keys: what the applicant submitted, what intake found missing.
    materials          TEXT NOT NULL DEFAULT '[]',
    missing            TEXT NOT NULL DEFAULT '[]',
    applicant_user_id  BLOB,
    submitted_on       TEXT,
    accepted_on        TEXT,
    publicity_from     TEXT,
    publicity_until    TEXT,
    decided_on         TEXT,
    decision_reason    TEXT NOT NULL DEFAULT '',
    uscc               TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX applications_region ON applications (region_code, state);

-- One review step of an accepted application (civil-affairs registration review, 业务主管单位,
-- 党建工作机构), each with its deadline in working days.
CREATE TABLE review_steps (
    id              BLOB PRIMARY KEY,
    application_id  BLOB NOT NULL REFERENCES applications (id),
    step            TEXT NOT NULL,
    -- pending | approved | rejected
    state           TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    opinion         TEXT NOT NULL DEFAULT '',
    decided_by      TEXT,
    decided_at      TEXT,
    CONSTRAINT review_steps_application_step_key UNIQUE (application_id, step)
);

-- A founder or proposed leader named in an application, with the checks run when named.
CREATE TABLE application_persons (
    id                BLOB PRIMARY KEY,
    application_id    BLOB NOT NULL REFERENCES applications (id),
    person_id         BLOB NOT NULL REFERENCES persons (id),
    -- founder | leader
    capacity          TEXT NOT NULL,
    position          TEXT NOT NULL,
    is_legal_rep      INTEGER NOT NULL DEFAULT 0,
    retired_official  INTEGER NOT NULL DEFAULT 0,
    -- JSON array of {check, passed, zh, en}.
    checks            TEXT NOT NULL DEFAULT '[]',
    checks_passed     INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL
);
CREATE INDEX application_persons_application ON application_persons (application_id);

-- An objection filed by anyone during publicity, and the officer's answer.
CREATE TABLE objections (
    id              BLOB PRIMARY KEY,
    application_id  BLOB NOT NULL REFERENCES applications (id),
    filed_at        TEXT NOT NULL,
    filer_name      TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    answer          TEXT,
    answered_by     TEXT,
    answered_at     TEXT
);
CREATE INDEX objections_application ON objections (application_id);
