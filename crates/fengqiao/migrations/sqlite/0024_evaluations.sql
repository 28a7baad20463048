-- Evaluation grades (社会组织评估, 民政部令第39号; DOMAIN.md §8; issue 9).
-- Kept column-for-column in step with the other backend's 0024.

-- The expert pool (评估专家库): a person, optionally with an account (role expert) to score with.
CREATE TABLE evaluation_experts (
    id           BLOB PRIMARY KEY,
    name         TEXT NOT NULL CHECK (name <> ''),
    -- Fields of expertise, free text (e.g. 财务, 法律, 社会工作).
    fields       TEXT NOT NULL DEFAULT '',
    -- The region whose pool he belongs to: he may sit on panels of rounds inside it.
    region_code  TEXT NOT NULL REFERENCES regions (code),
    user_id      BLOB REFERENCES users (id),
    created_at   TEXT NOT NULL,
    CONSTRAINT evaluation_experts_user_key UNIQUE (user_id)
);

-- An expert's ties to organizations (DOMAIN.md §8 recusal): related now (left_on NULL), or left
-- on a day (recused until 2 full years later, a rule parameter).
CREATE TABLE evaluation_expert_ties (
    expert_id        BLOB NOT NULL REFERENCES evaluation_experts (id),
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    relation         TEXT NOT NULL DEFAULT '',
    left_on          TEXT,
    PRIMARY KEY (expert_id, organization_id)
);

-- A round (评估批次) of a region's registration authority in a year. The panel's seed is set
-- once, when the panel is drawn, and published with the round.
CREATE TABLE evaluation_rounds (
    id           BLOB PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    year         INTEGER NOT NULL CHECK (year >= 2011),
    title        TEXT NOT NULL CHECK (title <> ''),
    -- open 受理中 | drawn 已抽取专家 | closed 已结束
    state        TEXT NOT NULL CHECK (state IN ('open', 'drawn', 'closed')),
    -- Hex of the seed bytes (platform::draw), and the candidates' ids as drawn from (JSON).
    seed         TEXT,
    candidates   TEXT,
    drawn_on     TEXT,
    created_by   BLOB REFERENCES users (id),
    created_at   TEXT NOT NULL,
    CONSTRAINT evaluation_rounds_region_year_key UNIQUE (region_code, year)
);

-- One organization's application in a round; eligibility judged on the day it applies.
CREATE TABLE evaluation_applications (
    id               BLOB PRIMARY KEY,
    round_id         BLOB NOT NULL REFERENCES evaluation_rounds (id),
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    -- eligible 符合条件 | refused 不予评估 (reasons) | graded 已评定 | not_graded 不予评级
    state            TEXT NOT NULL CHECK (state IN ('eligible', 'refused', 'graded', 'not_graded')),
    -- The refusal reasons as JSON [{code, zh, en}] (empty list when eligible).
    reasons          TEXT NOT NULL DEFAULT '[]',
    applied_on       TEXT NOT NULL,
    applied_by       BLOB REFERENCES users (id),
    created_at       TEXT NOT NULL,
    CONSTRAINT evaluation_applications_round_org_key UNIQUE (round_id, organization_id)
);

-- The panel drawn for a round, in drawn order.
CREATE TABLE evaluation_panel_members (
    round_id   BLOB NOT NULL REFERENCES evaluation_rounds (id),
    expert_id  BLOB NOT NULL REFERENCES evaluation_experts (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (round_id, expert_id),
    CONSTRAINT evaluation_panel_members_position_key UNIQUE (round_id, position)
);

-- Scores per first-level indicator (evaluation::model::INDICATORS), one sheet per scorer.
CREATE TABLE evaluation_scores (
    application_id  BLOB NOT NULL REFERENCES evaluation_applications (id),
    scorer_id       BLOB NOT NULL REFERENCES users (id),
    indicator       TEXT NOT NULL,
    points          INTEGER NOT NULL CHECK (points >= 0 AND points <= 1000),
    entered_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, scorer_id, indicator)
);

-- Grades decided: publicity (公示) from the decision to publicity_until (working days, a rule
-- parameter), in force from the day after, valid to valid_until (inclusive).
CREATE TABLE evaluation_grades (
    id               BLOB PRIMARY KEY,
    organization_id  BLOB NOT NULL REFERENCES organizations (id),
    application_id   BLOB NOT NULL REFERENCES evaluation_applications (id),
    round_id         BLOB NOT NULL REFERENCES evaluation_rounds (id),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    grade            TEXT NOT NULL CHECK (grade IN ('1A', '2A', '3A', '4A', '5A')),
    score            INTEGER NOT NULL CHECK (score >= 0 AND score <= 1000),
    decided_on       TEXT NOT NULL,
    publicity_until  TEXT NOT NULL,
    in_force_from    TEXT NOT NULL,
    valid_until      TEXT NOT NULL,
    -- publicity 公示中 | in_force 有效 | expired 已到期 | superseded 已被新等级取代 | revoked 已撤销
    status           TEXT NOT NULL CHECK (status IN ('publicity', 'in_force', 'expired', 'superseded', 'revoked')),
    decided_by       BLOB REFERENCES users (id),
    decided_at       TEXT NOT NULL,
    -- One grade per application: two officers deciding at once cannot give two.
    CONSTRAINT evaluation_grades_application_key UNIQUE (application_id)
);
-- At most one grade in force per organization (the register's facet reads it).
CREATE UNIQUE INDEX evaluation_grades_one_in_force ON evaluation_grades (organization_id) WHERE status = 'in_force';
CREATE INDEX evaluation_grades_status ON evaluation_grades (status, in_force_from);

-- Review requests (复核) during publicity.
CREATE TABLE evaluation_reviews (
    id               BLOB PRIMARY KEY,
    grade_id         BLOB NOT NULL REFERENCES evaluation_grades (id),
    requested_on     TEXT NOT NULL,
    reason           TEXT NOT NULL CHECK (reason <> ''),
    requested_by     BLOB REFERENCES users (id),
    created_at       TEXT NOT NULL,
    -- One request per grade.
    CONSTRAINT evaluation_reviews_grade_key UNIQUE (grade_id)
);

INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES
('evaluation.grade.validity', '2011-03-01', 5, 'years',
 '社会组织评估管理办法（民政部令第39号，2011-03-01 施行）：评估等级有效期为 5 年；DOMAIN.md §8 [M]',
 'Ends on the corresponding date (民法典 Art. 201–203). Read on the day the grade is decided.'),
('evaluation.eligibility.min_registered', '2011-03-01', 2, 'years',
 '民政部令第39号：取得登记证书满 2 年，未参加过评估或评估等级满 5 年有效期的，可以申请参加评估；DOMAIN.md §8 [M]',
 'On the corresponding date the years are full. Read on the day of the application.'),
('evaluation.recusal.left_within', '2011-03-01', 2, 'years',
 '民政部令第39号：评估专家与评估对象有利害关系或离开该组织不满 2 年的，应当回避；DOMAIN.md §8 [M]',
 '不满 excludes: on the corresponding date the expert may sit. Read on the day of the draw.'),
('evaluation.band.5a', '2011-03-01', 950, 'count',
 '评估等级分数段由各地确定；浙江省分数段未查到（DOMAIN.md §8 [L]），部署默认值：5A 950 分以上（参照安庆 50 分一档）',
 'Lowest total score (out of 1000) of 5A, inclusive. Read on the day the grade is decided.'),
('evaluation.band.4a', '2011-03-01', 900, 'count',
 '部署默认值：4A 900–949 分（DOMAIN.md §8 [L]）',
 'Lowest total score of 4A, inclusive. Read on the day the grade is decided.'),
('evaluation.band.3a', '2011-03-01', 850, 'count',
 '部署默认值：3A 850–899 分（DOMAIN.md §8 [L]）',
 'Lowest total score of 3A, inclusive. Read on the day the grade is decided.'),
('evaluation.band.2a', '2011-03-01', 800, 'count',
 '部署默认值：2A 800–849 分（DOMAIN.md §8 [L]）',
 'Lowest total score of 2A, inclusive. Read on the day the grade is decided.'),
('evaluation.band.1a', '2011-03-01', 750, 'count',
 '部署默认值：1A 750–799 分，不满 750 分不予评级（DOMAIN.md §8 [L]）',
 'Lowest total score of 1A, inclusive. Read on the day the grade is decided.'),
('evaluation.publicity.period', '2011-03-01', 7, 'working_days',
 '民政部令第39号：评估结果予以公示，公示期间可申请复核；公示期长度未查到（DOMAIN.md §8 [L]），部署默认 7 个工作日',
 'Counted from the day after the decision. Read on the day the grade is decided.'),
('evaluation.panel.size', '2011-03-01', 3, 'count',
 '民政部令第39号：评估委员会可以组织专家组评估；专家人数由各地确定（DOMAIN.md §8 [L]），部署默认 3 人',
 'Read on the day of the draw.');
