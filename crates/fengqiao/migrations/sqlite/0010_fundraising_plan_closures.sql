-- The closing of a filed fundraising plan (募捐方案的终止或撤回) before or after its period: by
-- the charity acting for itself or by an officer of its region, always with a reason. The
-- plan's status says what it is now (closed 已结束 | withdrawn 已撤回, see
-- charity::model::closure); this row says when, by whom and why, for its public page.
-- Kept column-for-column in step with the other backend's 0010.

CREATE TABLE fundraising_plan_closures (
    plan_id    BLOB PRIMARY KEY REFERENCES fundraising_plans (id),
    -- closed | withdrawn: the status the plan took.
    status     TEXT NOT NULL CHECK (status IN ('closed', 'withdrawn')),
    -- The Asia/Shanghai date of the closing, as the public page shows it.
    closed_on  TEXT NOT NULL,
    closed_at  TEXT NOT NULL,
    closed_by  BLOB,
    reason     TEXT NOT NULL CHECK (reason <> '')
);
