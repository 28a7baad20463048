-- Supervision warnings (资金监管预警, DOMAIN.md §6.4, §4, §0 rules 14, 25, 26): the engine's
-- stored hits, one row per (organization, rule code, period) so that the nightly run and the
-- run on a submitted or decided annual report are idempotent and concurrency-safe (the unique
-- constraint decides); each warning is a task for the officers of the organization's region,
-- with a trail of actions until it is closed with a reason. Also the §6.4 table of spending
-- floors and management-cost caps as data with its source and effective date, and the rule
-- parameters the engine reads by date.
-- Kept column-for-column in step with the other backend's 0023.

CREATE TABLE supervision_warnings (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    -- The organization's region, for the access check and the officers' task list.
    region_code      TEXT NOT NULL REFERENCES regions (code),
    -- Stable rule code, e.g. `charity.spending_ratio`, `supervision.net_assets_below_funds`.
    code             TEXT NOT NULL,
    -- What the warning is about within the organization: a year (`2025`), or a plan's
    -- filing number with the rule's date (`plan:浙民募备…`).
    period           TEXT NOT NULL,
    level            TEXT NOT NULL CHECK (level IN ('red', 'orange', 'yellow')),
    -- The figures that caused it (JSON object of names to integers or strings).
    figures          TEXT NOT NULL DEFAULT '{}',
    summary_zh       TEXT NOT NULL,
    summary_en       TEXT NOT NULL,
    -- What would clear it.
    clears_zh        TEXT NOT NULL,
    clears_en        TEXT NOT NULL,
    source           TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at        TEXT NOT NULL,
    -- The day the rule last found it (Asia/Shanghai).
    last_seen_on     TEXT NOT NULL,
    closed_at        TEXT,
    closed_by        BLOB,
    close_reason     TEXT,
    CONSTRAINT supervision_warnings_key UNIQUE (organization_id, code, period),
    CHECK ((state = 'open') = (closed_at IS NULL))
);
CREATE INDEX supervision_warnings_region ON supervision_warnings (region_code, state, level);

-- The trail: opened, re-raised (the rule hit again with other figures after closing), note,
-- closed (with its reason). `actor_id` NULL: the engine.
CREATE TABLE supervision_warning_actions (
    id          BLOB PRIMARY KEY,
    warning_id  BLOB NOT NULL REFERENCES supervision_warnings (id),
    action      TEXT NOT NULL CHECK (action IN ('opened', 'reraised', 'note', 'closed')),
    note        TEXT NOT NULL DEFAULT '',
    actor_id    BLOB,
    at          TEXT NOT NULL
);
CREATE INDEX supervision_warning_actions_warning ON supervision_warning_actions (warning_id, at);

-- The §6.4 table (DOMAIN.md; 慈善法 第六十一条; 关于慈善组织开展慈善活动年度支出和管理费用的规定,
-- 2016-10), row for row, by effective date: the rows with the latest `effective_from` on or
-- before the judged date are the table in force. `charity` FALSE: the rows for foundations that are
-- not recognized charities (基金会管理条例 第二十九条; DOMAIN.md §2.3), whose management line is
-- not the §6.4 management cost (NULL: no cap judged). Net-asset bounds in yuan (from inclusive,
-- below exclusive; NULL: open), shares in per mille.
CREATE TABLE supervision_spending_bands (
    effective_from                 TEXT NOT NULL,
    row_no                         INTEGER NOT NULL,
    charity                        BOOLEAN NOT NULL,
    public_fundraising             BOOLEAN NOT NULL,
    foundation                     BOOLEAN NOT NULL,
    net_assets_from_yuan           INTEGER,
    net_assets_below_yuan          INTEGER,
    -- last_year_income 上年总收入 | net_assets 上年末净资产
    basis                          TEXT NOT NULL CHECK (basis IN ('last_year_income', 'net_assets')),
    min_spending_permille          INTEGER NOT NULL,
    -- Also at least this share of last year's income (the last row of the table).
    min_spending_of_income_permille INTEGER,
    max_management_permille        INTEGER,
    source                         TEXT NOT NULL,
    PRIMARY KEY (effective_from, row_no)
);

INSERT INTO supervision_spending_bands VALUES
('2016-09-01', 1, 1, 1, 1, NULL, NULL, 'last_year_income', 700, NULL, 100, '慈善法 第六十一条；DOMAIN.md §6.4 [H]'),
('2016-09-01', 2, 1, 1, 0, NULL, NULL, 'last_year_income', 700, NULL, 130, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [H]'),
('2016-09-01', 3, 1, 0, 1, 60000000, NULL, 'net_assets', 60, NULL, 120, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [M]'),
('2016-09-01', 4, 1, 0, 1, 8000000, 60000000, 'net_assets', 60, NULL, 130, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [M]'),
('2016-09-01', 5, 1, 0, 1, 4000000, 8000000, 'net_assets', 70, NULL, 150, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [M]'),
('2016-09-01', 6, 1, 0, 1, NULL, 4000000, 'net_assets', 80, NULL, 200, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [M]'),
('2016-09-01', 7, 1, 0, 0, 10000000, NULL, 'net_assets', 60, NULL, 130, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [H]'),
('2016-09-01', 8, 1, 0, 0, 5000000, 10000000, 'net_assets', 70, NULL, 140, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [H]'),
('2016-09-01', 9, 1, 0, 0, 1000000, 5000000, 'net_assets', 80, NULL, 150, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [H]'),
('2016-09-01', 10, 1, 0, 0, NULL, 1000000, 'net_assets', 80, 500, 200, '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [H]'),
('2016-09-01', 11, 0, 1, 1, NULL, NULL, 'last_year_income', 700, NULL, NULL, '基金会管理条例 第二十九条：公募基金会每年用于公益事业的支出不得低于上一年总收入的70%；DOMAIN.md §2.3 [H]'),
('2016-09-01', 12, 0, 0, 1, NULL, NULL, 'net_assets', 80, NULL, NULL, '基金会管理条例 第二十九条：非公募基金会每年用于公益事业的支出不得低于上一年基金余额的8%；DOMAIN.md §2.3 [H]');

INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES
('supervision.warning.management_cap_waiver', '2016-09-01', 200000, 'yuan',
 '关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）：年度管理费用低于20万元的，不受管理费用比例限制；DOMAIN.md §6.4, §0 rule 26 [H]',
 'The management-cost caps apply from this amount of the year''s management cost on (below it they are waived).'),
('supervision.warning.income_source_share', '2016-09-01', 500, 'permille',
 '资金监管预警：单一收入来源占收入合计的比例上限（省厅可调）；DOMAIN.md §6.4, §4 [L]',
 'A warning when one income source is over this share of the year''s total income (超过: the share itself does not warn).'),
('supervision.warning.related_party_share', '2016-09-01', 300, 'permille',
 '资金监管预警：关联交易占收入合计的比例上限（省厅可调）；DOMAIN.md §4 (related-party transactions in the annual report) [L]',
 'A warning when related-party transactions are over this share of the year''s total income (超过).'),
('supervision.warning.anomaly_factor', '2016-09-01', 3, 'count',
 '年报跨年异常提示：收入或支出较上年变化的倍数（省厅可调）；DOMAIN.md §4 [L]',
 'Shown to the reviewer when income or spending is more than this multiple of the previous year''s, or less than its inverse.');
