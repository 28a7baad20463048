-- Annual work reports (年度工作报告, DOMAIN.md §0 rule 14, §4) with their financial statements in
-- the lines of 民间非营利组织会计制度, and their review: the 业务主管单位 first where the
-- organization has one, then the registration authority's officers. A correction is a new
-- version; old versions are kept. Money in integer fen. Figures are not checked here: a draft
-- keeps what was typed, submitting checks every figure (supervision::model::statements).
-- Kept column-for-column in step with the postgres backend's 0021.

CREATE TABLE annual_reports (
    id                           BLOB PRIMARY KEY,
    organization_id              BLOB NOT NULL REFERENCES organizations (id),
    -- The organization's region (its registration authority's area), for the access check.
    region_code                  TEXT NOT NULL REFERENCES regions (code),
    -- The year reported on.
    year                         INTEGER NOT NULL CHECK (year >= 2000),
    -- 1 for the first report of the year; a correction is the next version.
    version                      INTEGER NOT NULL CHECK (version >= 1),
    -- draft 草稿 | submitted 已提交 | supervisory_passed 业务主管单位初审通过 | passed 合格 |
    -- passed_with_corrections 基本合格（限期整改） | failed 不合格
    status                       TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'supervisory_passed', 'passed', 'passed_with_corrections', 'failed')),
    -- 业务主管单位 as the organization named it when submitting (NULL: directly registered, no
    -- supervisory review) and the department it resolved to (NULL: none kept, any department
    -- reviewer of the region may review).
    supervisory_unit             TEXT,
    supervisory_department_id    TEXT REFERENCES departments (id),
    -- Report body.
    activities                   TEXT NOT NULL DEFAULT '',
    general_assembly_meetings    INTEGER NOT NULL DEFAULT 0,
    council_meetings             INTEGER NOT NULL DEFAULT 0,
    supervisory_board_meetings   INTEGER NOT NULL DEFAULT 0,
    staff_count                  INTEGER NOT NULL DEFAULT 0,
    volunteer_count              INTEGER NOT NULL DEFAULT 0,
    party_work                   TEXT NOT NULL DEFAULT '',
    -- Balance sheet (资产负债表), fen.
    total_assets_fen             INTEGER NOT NULL DEFAULT 0,
    total_liabilities_fen        INTEGER NOT NULL DEFAULT 0,
    restricted_net_assets_fen    INTEGER NOT NULL DEFAULT 0,
    unrestricted_net_assets_fen  INTEGER NOT NULL DEFAULT 0,
    total_net_assets_fen         INTEGER NOT NULL DEFAULT 0,
    -- Statement of activities (业务活动表): income by source, fen.
    income_donations_fen         INTEGER NOT NULL DEFAULT 0,
    income_government_fen        INTEGER NOT NULL DEFAULT 0,
    income_services_fen          INTEGER NOT NULL DEFAULT 0,
    income_dues_fen              INTEGER NOT NULL DEFAULT 0,
    income_investment_fen        INTEGER NOT NULL DEFAULT 0,
    income_other_fen             INTEGER NOT NULL DEFAULT 0,
    total_income_fen             INTEGER NOT NULL DEFAULT 0,
    -- Expenses, fen.
    expense_activities_fen       INTEGER NOT NULL DEFAULT 0,
    expense_management_fen       INTEGER NOT NULL DEFAULT 0,
    expense_fundraising_fen      INTEGER NOT NULL DEFAULT 0,
    expense_other_fen            INTEGER NOT NULL DEFAULT 0,
    total_expenses_fen           INTEGER NOT NULL DEFAULT 0,
    -- 关联交易 total, fen; large single items (大额单笔收支) as a JSON array of
    -- {"description", "amount_fen"}.
    related_party_total_fen      INTEGER NOT NULL DEFAULT 0,
    large_items                  TEXT NOT NULL DEFAULT '[]',
    -- When submitted (UTC) and the day it counts for the deadline (Asia/Shanghai).
    submitted_at                 TEXT,
    submitted_on                 TEXT,
    created_by                   BLOB,
    -- The 业务主管单位's review step.
    supervisory_comment          TEXT NOT NULL DEFAULT '',
    supervisory_reviewer_id      BLOB,
    supervisory_reviewed_at      TEXT,
    -- The registration authority's decision.
    decision_comment             TEXT NOT NULL DEFAULT '',
    decided_by                   BLOB,
    decided_at                   TEXT,
    created_at                   TEXT NOT NULL,
    updated_at                   TEXT NOT NULL,
    CONSTRAINT annual_reports_version_key UNIQUE (organization_id, year, version)
);
CREATE INDEX annual_reports_region_year ON annual_reports (region_code, year, status);
-- At most one version of an organization's year in work (draft or under review).
CREATE UNIQUE INDEX annual_reports_one_open ON annual_reports (organization_id, year)
    WHERE status IN ('draft', 'submitted', 'supervisory_passed');

-- The deadlines of rule 14 (month and day, MMDD, of the year after the report's year), per
-- organization type: to the registration authority and to the 业务主管单位.
INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES
('supervision.annual_report.deadline.social_group', '2005-04-07', 531, 'month_day',
 '社会团体登记管理条例 第二十八条；社会团体年度检查暂行办法：每年5月31日前向登记管理机关报送年度工作报告；DOMAIN.md §0 rule 14, §4 [H]',
 'To the registration authority, for the year before. The value in force on 1 January of the reporting year counts; a last day on a weekend or statutory holiday moves to the next working day (民法典 Art. 203).'),
('supervision.annual_report.deadline.social_service_agency', '2005-04-07', 531, 'month_day',
 '民办非企业单位年度检查办法（民政部令第27号）：每年5月31日前向登记管理机关报送；DOMAIN.md §0 rule 14, §4 [H]',
 'To the registration authority, for the year before. The value in force on 1 January of the reporting year counts; rolled to the next working day (民法典 Art. 203).'),
('supervision.annual_report.deadline.foundation', '2004-06-01', 331, 'month_day',
 '基金会管理条例 第三十六条：每年3月31日前向登记管理机关报送上一年度工作报告；DOMAIN.md §0 rule 14, §4 [H]',
 'To the registration authority (reviewed by the 业务主管单位 before). Rolled to the next working day (民法典 Art. 203).'),
('supervision.annual_report.deadline.community_org', '2005-04-07', 531, 'month_day',
 '民发〔2017〕191号：符合登记条件的社区社会组织登记为社团或民非；DOMAIN.md §0 rule 14, §2.1, §4 [M]',
 'Registered community organizations follow the 社团/民非 line of rule 14; filed (备案) ones report none.'),
('supervision.annual_report.supervisory_deadline.social_group', '2005-04-07', 331, 'month_day',
 '社会团体年度检查暂行办法：每年3月31日前报送业务主管单位；DOMAIN.md §0 rule 14, §4 [H]',
 'To the 业务主管单位, where the organization has one. Rolled to the next working day (民法典 Art. 203).'),
('supervision.annual_report.supervisory_deadline.social_service_agency', '2005-04-07', 331, 'month_day',
 '民办非企业单位年度检查办法（民政部令第27号）：每年3月31日前报送业务主管单位；DOMAIN.md §0 rule 14, §4 [H]',
 'To the 业务主管单位, where the organization has one. Rolled to the next working day (民法典 Art. 203).'),
('supervision.annual_report.supervisory_deadline.foundation', '2004-06-01', 331, 'month_day',
 '基金会管理条例 第三十六条：年度工作报告经业务主管单位审查后报送；DOMAIN.md §0 rule 14, §4 [H]',
 'Reviewed before submission to the registration authority, so by the same day. Rolled to the next working day.'),
('supervision.annual_report.supervisory_deadline.community_org', '2005-04-07', 331, 'month_day',
 '民发〔2017〕191号；DOMAIN.md §0 rule 14, §2.1, §4 [M]',
 'As 社团/民非, where a registered community organization has a 业务主管单位.');
