-- Rule parameters by date (规则参数): the thresholds and periods the rules use, each with the
-- date it applies from and its source, read through platform::rules (cached in memory).
-- Kept column-for-column in step with the other backend's 0016.

-- One row per version of a rule's threshold or period; the row in force on a date is the one of
-- its key with the latest effective_from on or before it. Rows are added, never changed: a new
-- value is a new row effective from a future date, so what applied on a past date stays
-- answerable (DOMAIN.md preamble).
CREATE TABLE rule_parameters (
    -- `<module>.<rule>`, e.g. charity.qualification.min_months (the named constants in the
    -- modules' model/rules.rs).
    key             TEXT NOT NULL CHECK (key <> ''),
    effective_from  TEXT NOT NULL,
    value           INTEGER NOT NULL CHECK (value >= 0),
    -- months | days (calendar days) | working_days (工作日, the holiday calendar); read by
    -- platform::rules::Unit.
    unit            TEXT NOT NULL CHECK (unit <> ''),
    -- The law, article and DOMAIN.md rule the value comes from.
    source          TEXT NOT NULL CHECK (source <> ''),
    note            TEXT NOT NULL DEFAULT '',
    -- When the province added the row (NULL: shipped with this migration).
    created_at      TEXT,
    CONSTRAINT rule_parameters_key_from_key PRIMARY KEY (key, effective_from)
);

INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES
('charity.qualification.min_months', '2016-09-01', 24, 'months',
 '慈善法（2016）第二十二条：依法登记满二年的慈善组织可以申请公开募捐资格；DOMAIN.md §0 rule 22, §6.2 [H]',
 'Before the 2023 amendment came into force. Judged on the application date, counted from recognition as a charity.'),
('charity.qualification.min_months', '2024-09-05', 12, 'months',
 '慈善法（2023 修正，2024-09-05 施行）第二十二条：依法登记满一年；慈善组织公开募捐管理办法（民政部令第74号）；DOMAIN.md §0 rule 22, §6.2 [H]',
 'Judged on the application date, counted from recognition as a charity; allowed on the corresponding date (民法典 Art. 201–203).'),
('charity.recognition.deadline', '2016-09-01', 20, 'working_days',
 '慈善法 第十条：自受理申请之日起二十日内作出决定；行政许可法 第八十二条（工作日）；DOMAIN.md §0 rule 11, §6.1 [H]',
 'The law does not say working or natural days for 认定 [M]: counted in working days as licensing periods are (DOMAIN.md §2.7). Judged on the application date.'),
('charity.qualification.deadline', '2016-09-01', 20, 'working_days',
 '慈善法 第二十二条：自受理申请之日起二十日内作出决定；行政许可法 第八十二条（工作日）；DOMAIN.md §0 rule 11, §6.2 [H]',
 'Judged on the application date.'),
('charity.plan.filing_days_before_start', '2016-09-01', 10, 'days',
 '慈善组织公开募捐管理办法（民政部令第74号）第十一条：开展公开募捐活动十日前备案；DOMAIN.md §0 rule 23, §6.2 [M]',
 'Zhejiang''s 2018 rule says 7 days; DOMAIN.md says apply the stricter 10. No other value before 令第74号 is recorded in DOMAIN.md. Judged on the filing date.'),
('charity.plan.emergency_filing_days_after_start', '2016-09-01', 10, 'days',
 '慈善法 第七十三条：应急救灾募捐于开始后十日内补办备案；DOMAIN.md §0 rule 23, §6.2 [H]',
 'Judged on the filing date.'),
('registry.publicity.period', '2018-08-01', 5, 'working_days',
 '浙江省民政厅关于进一步规范提升社会组织参与社会治理工作的实施意见（2018-08-01 施行）（十二）：推行社会组织负责人任职前公示制度，未定期限；DOMAIN.md §3：无全国性期限，5 个工作日为常见地方做法 [L]',
 'A local choice, configurable. Judged on the day the publicity starts.'),
('registry.review.registration.deadline', '2004-07-01', 20, 'working_days',
 '行政许可法 第四十二条（二十日）、第八十二条（工作日）；DOMAIN.md §2.7 [H]',
 'Zhejiang''s shorter promised times per matter were not retrieved [L]. Judged on the day the application is accepted.'),
('registry.review.supervisory.deadline', '2004-07-01', 20, 'working_days',
 '行政许可法 第四十二条（二十日）、第八十二条（工作日）；DOMAIN.md §2.7 [H]',
 'Judged on the day the application is accepted.'),
('registry.review.party_building.deadline', '2004-07-01', 20, 'working_days',
 '行政许可法 第四十二条（二十日）、第八十二条（工作日）；DOMAIN.md §2.7 [H]',
 'Judged on the day the application is accepted.');
