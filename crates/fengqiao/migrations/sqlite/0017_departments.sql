-- Departments (部门): the bodies an account acts for — the civil-affairs registration office,
-- a named 业务主管单位 (business supervisory unit), the 党建工作机构, 公安, 市场监管, 财政,
-- 司法… — kept as data per region (platform::departments). A role grant may name the
-- department its holder acts for; an application names its 业务主管单位 by department, and the
-- supervisory review step is addressed to it (issue 8).
-- Kept column-for-column in step with the postgres backend's 0017.

CREATE TABLE departments (
    -- '{region code}.{slug}', e.g. 330106.kejiju (platform::departments::DepartmentId).
    id           TEXT PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CONSTRAINT departments_region_name_key UNIQUE (region_code, name)
);
CREATE INDEX departments_region ON departments (region_code);

ALTER TABLE role_grants ADD COLUMN department_id TEXT REFERENCES departments (id);
-- Applications filed before carry their unit as free text only (supervisory_unit): their
-- supervisory step stays open to any department reviewer of the region, as it was.
ALTER TABLE applications ADD COLUMN supervisory_department_id TEXT REFERENCES departments (id);
