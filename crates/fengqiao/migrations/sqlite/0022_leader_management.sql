-- 负责人管理 (POLICY 九, 十二; DOMAIN.md §3): the registration authority's measures about the
-- leaders of an organization, the departure audits (离任审计) a change of legal representative
-- needs, and the legal representatives' yearly reports (述职). Kept column-for-column in step
-- with the postgres backend's 0022.

-- 约谈 / 警告 / 责令撤换 / 从业禁止, each with its decision document, facts and follow-up.
CREATE TABLE leader_actions (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    -- The organization's region (its registration authority's area), for the access check.
    region_code      TEXT NOT NULL REFERENCES regions (code),
    -- The leader concerned (a person of the register).
    person_id        BLOB NOT NULL REFERENCES persons (id),
    kind             TEXT NOT NULL CHECK (kind IN ('summons', 'warning', 'order_replace', 'practice_ban')),
    decided_on       TEXT NOT NULL,
    -- 决定文书编号.
    document         TEXT NOT NULL CHECK (document <> ''),
    facts            TEXT NOT NULL CHECK (facts <> ''),
    -- The deadline to follow up (责令撤换: replace by).
    due_on           TEXT,
    -- 从业禁止: the last day of the bar (the credit module keeps the bar itself).
    ban_until        TEXT,
    -- open 跟进中 | done 已办结
    state            TEXT NOT NULL CHECK (state IN ('open', 'done')),
    follow_up        TEXT NOT NULL DEFAULT '',
    done_on          TEXT,
    recorded_by      BLOB REFERENCES users (id),
    recorded_at      TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CONSTRAINT leader_actions_done_check CHECK ((state = 'done') = (done_on IS NOT NULL))
);
CREATE INDEX leader_actions_organization ON leader_actions (organization_id, decided_on);
CREATE INDEX leader_actions_region ON leader_actions (region_code, state);

-- 离任审计: the audit of a departing legal representative's term, on file with the authority.
CREATE TABLE departure_audits (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    -- The legal representative whose term was audited.
    person_id        BLOB NOT NULL REFERENCES persons (id),
    -- The audit firm (会计师事务所).
    auditor          TEXT NOT NULL CHECK (auditor <> ''),
    -- The audit report's number, once per organization.
    report_no        TEXT NOT NULL CHECK (report_no <> ''),
    report_date      TEXT NOT NULL,
    conclusion       TEXT NOT NULL CHECK (conclusion <> ''),
    recorded_by      BLOB REFERENCES users (id),
    recorded_at      TEXT NOT NULL,
    CONSTRAINT departure_audits_report_no_key UNIQUE (organization_id, report_no)
);
CREATE INDEX departure_audits_person ON departure_audits (organization_id, person_id);

-- 法定代表人述职: once a year per person and organization.
CREATE TABLE duty_reports (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    person_id        BLOB NOT NULL REFERENCES persons (id),
    year             INTEGER NOT NULL CHECK (year >= 2000),
    reported_on      TEXT NOT NULL,
    summary          TEXT NOT NULL CHECK (summary <> ''),
    recorded_by      BLOB REFERENCES users (id),
    recorded_at      TEXT NOT NULL,
    CONSTRAINT duty_reports_year_key UNIQUE (organization_id, person_id, year)
);

INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES
('supervision.practice_ban.default_term', '2016-09-01', 5, 'years',
 '慈善法（2016-09-01 施行）第十六条：担任负责人的组织被吊销登记证书或者被取缔未逾五年的，不得担任慈善组织负责人；DOMAIN.md §3 [H for the bar, M for 从业禁止 in practice]',
 'The end of a 从业禁止 recorded without one; read on the decision date.');
