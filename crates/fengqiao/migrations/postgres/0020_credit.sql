-- Credit lists (信用信息管理, issue 9; 民政部令第60号; DOMAIN.md §0 rules 15–21, §5).
-- Kept column-for-column in step with the other backend's 0020.

-- What happened to an organization that concerns the lists: a listing for a statutory reason
-- (an officer's decision with its document, or automatic), a penalty decision, an application
-- for removal, a verified rectification, a removal, a deregistration. Rows are added, never
-- changed: the standing on any date is recomputed from them (credit::model::engine).
CREATE TABLE credit_events (
    id               UUID PRIMARY KEY,
    organization_id  UUID NOT NULL REFERENCES organizations (id),
    -- listing | penalty | removal_applied | rectified | removed | deregistered
    kind             TEXT NOT NULL CHECK (kind IN ('listing', 'penalty', 'removal_applied', 'rectified', 'removed', 'deregistered')),
    -- listing: a code of credit::model::REASONS (e.g. abnormal.late_annual_report).
    reason_code      TEXT,
    -- penalty: warning | fine | confiscation | suspension | certificate_revoked | registration_cancelled
    penalty_kind     TEXT,
    amount_fen       BIGINT CHECK (amount_fen IS NULL OR amount_fen >= 0),
    -- removal_applied: abnormal | serious
    list             TEXT,
    -- The day it happened or was decided: the clocks count from here.
    occurred_on      DATE NOT NULL,
    -- The decision's document number (文书编号) and the deciding authority.
    document         TEXT NOT NULL DEFAULT '',
    authority        TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    -- An automatic event's key (late_report:<year>): the nightly run adds it once.
    dedupe_key       TEXT,
    recorded_by      UUID REFERENCES users (id),
    recorded_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT credit_events_dedupe_key_key UNIQUE (dedupe_key),
    CONSTRAINT credit_events_listing_reason CHECK (kind <> 'listing' OR reason_code IS NOT NULL),
    CONSTRAINT credit_events_penalty_kind CHECK (kind <> 'penalty' OR penalty_kind IS NOT NULL)
);
CREATE INDEX credit_events_organization ON credit_events (organization_id, occurred_on);

-- The episodes the engine computes from an organization's events (rewritten with them, in the
-- same transaction): the lists and the public pages read these. An open abnormal episode is
-- already ended at its future removal or transfer date; until is exclusive.
CREATE TABLE credit_listings (
    organization_id  UUID NOT NULL REFERENCES organizations (id),
    -- abnormal 活动异常名录 | serious 严重违法失信名单
    list             TEXT NOT NULL CHECK (list IN ('abnormal', 'serious')),
    since            DATE NOT NULL,
    until            DATE,
    clock_from       DATE NOT NULL,
    -- The reason that put it on the list, and its rule (the first cause).
    reason_code      TEXT NOT NULL,
    rule             TEXT NOT NULL,
    -- auto_removed | rectified | transferred | removed | deregistered
    ending           TEXT,
    -- Every cause, as JSON.
    causes           TEXT NOT NULL,
    PRIMARY KEY (organization_id, list, since)
);
CREATE INDEX credit_listings_list ON credit_listings (list, since);

-- 从业禁止 (DOMAIN.md §3): a person (by the keyed hash of the identity number) barred from
-- being a founder or leader, from a date, until a date or open-ended, with its document.
CREATE TABLE practice_bans (
    id               UUID PRIMARY KEY,
    id_number_index  TEXT NOT NULL,
    banned_from      DATE NOT NULL,
    banned_until     DATE,
    reason           TEXT NOT NULL CHECK (reason <> ''),
    document         TEXT NOT NULL DEFAULT '',
    recorded_by      UUID REFERENCES users (id),
    recorded_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX practice_bans_person ON practice_bans (id_number_index);

INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES
('credit.abnormal.auto_removal', '2018-01-24', 6, 'months',
 '社会组织信用信息管理办法（民政部令第60号，2018-01-24 施行）：无需整改的，列入满 6 个月移出活动异常名录；DOMAIN.md §0 rule 16, §5 [M]',
 'Read on the day the listing''s clock started (the listing, or the last event that restarted it).'),
('credit.abnormal.transfer_after', '2018-01-24', 2, 'years',
 '民政部令第60号：列入活动异常名录满 2 年的，列入严重违法失信名单；DOMAIN.md §0 rule 17, §5 [M]',
 'Read on the day the listing''s clock started.'),
('credit.serious.min_listing', '2018-01-24', 2, 'years',
 '民政部令第60号：列入严重违法失信名单满 2 年且未再发生失信情形的，可申请移出；DOMAIN.md §0 rule 19, §5 [M]',
 'Read on the day the listing''s clock started.'),
('credit.removal.verification_deadline', '2018-01-24', 5, 'working_days',
 '民政部令第60号：核实后 5 个工作日内移出；DOMAIN.md §0 rules 16, 19, §5 [M]',
 'The officer''s deadline, counted from the application; read on the application date.'),
('credit.penalty.large_fine', '2018-01-24', 50000, 'yuan',
 '民政部令第60号：受到 5 万元以上罚款处罚的列入严重违法失信名单，警告或不满 5 万元罚款的列入活动异常名录；DOMAIN.md §0 rules 15, 18, §5 [M]',
 '以上 includes the amount itself (DOMAIN.md preamble). Read on the date of the penalty decision.'),
('credit.penalty.repeat_count', '2018-01-24', 2, 'count',
 '民政部令第60号：3 年内 2 次以上受到警告或不满 5 万元罚款处罚的，列入严重违法失信名单；DOMAIN.md §0 rule 18, §5 [M]',
 '以上 includes the number itself. Read on the date of the latest decision.'),
('credit.penalty.repeat_window', '2018-01-24', 3, 'years',
 '民政部令第60号：3 年内 2 次以上受到警告或不满 5 万元罚款处罚；DOMAIN.md §0 rule 18, §5 [M]',
 '以内 includes the first day of the window. Read on the date of the latest decision.'),
('credit.entry.deadline', '2018-01-24', 5, 'working_days',
 '民政部令第60号：信用信息自形成或者获取之日起 5 个工作日内录入；DOMAIN.md §0 rule 21, §5 [M]',
 'Read on the date the information was formed.'),
('credit.late_report.first_judged_year', '2018-01-24', 2026, 'count',
 '部署设置：平台开始受理网上年度工作报告的年度，此前年度为纸质报送，不自动列入；DOMAIN.md §0 rule 15(1), §4',
 'Not a figure of law: the province sets the first report year it takes online. Read on the day of the nightly run.');
