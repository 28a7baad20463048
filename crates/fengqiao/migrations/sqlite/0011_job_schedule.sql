-- The scheduler's jobs (定时任务): one row per job, claimed by a conditional UPDATE so that with
-- several servers on one database each run of a period happens once (platform::scheduler).
-- Kept column-for-column in step with the other backend's 0011.

CREATE TABLE job_schedule (
    name         TEXT PRIMARY KEY,
    next_run_at  TEXT NOT NULL,
    holder       BLOB,
    lease_until  TEXT,
    started_at   TEXT,
    finished_at  TEXT,
    runs         INTEGER NOT NULL DEFAULT 0,
    failures     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT
);
