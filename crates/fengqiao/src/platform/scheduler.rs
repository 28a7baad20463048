//! The scheduler (定时任务): every module's periodic jobs (a sweep of overdue review steps, the
//! tree-head signer, …) run here rather than in a `tokio::spawn` loop each. A module declares a
//! [`Job`] with its period in its [`Module`](super::module::Module); every server on a database
//! runs the scheduler, and the database decides which of them runs a job in a period: a
//! conditional `UPDATE` of the job's row in `job_schedule` claims it (its next run is due and no
//! lease is held), so with two servers on one PostgreSQL each run happens once. A job that fails
//! is logged, counted in `/metrics` (`job_runs_total{outcome="error"}`) and retried at its next
//! period; a server that dies mid-run leaves its lease to expire ([`LEASE`]).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AppResult, AppState, Db};
use crate::with_tx;

/// A boxed future, as a job's function returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a job runs: the whole state in, an error to log out.
pub type JobFn = fn(AppState) -> BoxFuture<'static, anyhow::Result<()>>;

/// A periodic job a module declares.
#[derive(Clone, Copy)]
pub struct Job {
    /// Unique across modules: `module.job` (the key of its row in `job_schedule`).
    pub name: &'static str,
    /// How often it runs, counted on the injected clock.
    pub period: Duration,
    pub run: JobFn,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("period", &self.period)
            .finish()
    }
}

/// How long a claimed run holds its job: another server takes the job over only once the lease
/// has run out (its holder died mid-run). Longer than any job runs.
pub const LEASE: Duration = Duration::from_secs(600);

/// How often each server looks for due jobs (a job runs at most this late).
pub const TICK: Duration = Duration::from_secs(1);

fn after(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Claims `job` for `holder` if its run is due at `now` and no other server holds it; the next
/// run is then due a period later. The database decides between servers: the `UPDATE`'s
/// conditions are re-checked on the row a concurrent claim left (PostgreSQL) or run under the
/// one writer (SQLite), so one claim of a period wins.
pub async fn claim(db: &Db, job: &Job, holder: Uuid, now: DateTime<Utc>) -> AppResult<bool> {
    let n = with_tx!(db, tx => {
        sqlx::query("INSERT INTO job_schedule (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(job.name).bind(now).execute(&mut *tx).await?;
        sqlx::query("UPDATE job_schedule SET holder = $1, lease_until = $2, next_run_at = $3, started_at = $4 \
                     WHERE name = $5 AND next_run_at <= $4 AND (lease_until IS NULL OR lease_until <= $4)")
            .bind(holder).bind(after(now, LEASE)).bind(after(now, job.period)).bind(now).bind(job.name)
            .execute(&mut *tx).await?.rows_affected()
    });
    Ok(n == 1)
}

/// Records the end of a run this holder claimed and gives up its lease.
pub async fn finish(
    db: &Db,
    job: &Job,
    holder: Uuid,
    now: DateTime<Utc>,
    error: Option<&str>,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("UPDATE job_schedule SET lease_until = NULL, finished_at = $1, runs = runs + 1, \
                     failures = failures + $2, last_error = $3 WHERE name = $4 AND holder = $5")
            .bind(now).bind(i64::from(error.is_some())).bind(error).bind(job.name).bind(holder)
            .execute(&mut *tx).await?;
    });
    Ok(())
}

/// One look at every job: runs, one after another, those this server claims. Returns the
/// names of the jobs it ran.
pub async fn tick(state: &AppState, jobs: &[Job], holder: Uuid) -> Vec<&'static str> {
    let mut ran = Vec::new();
    for job in jobs {
        match claim(&state.db, job, holder, state.clock.now()).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(job = job.name, error = %e, "scheduler: claiming a job failed");
                continue;
            }
        }
        let outcome = (job.run)(state.clone()).await;
        let error = outcome.as_ref().err().map(|e| format!("{e:#}"));
        match &error {
            None => tracing::debug!(job = job.name, "scheduler: job ran"),
            Some(e) => {
                tracing::warn!(job = job.name, error = %e, "scheduler: job failed; retried at its next period")
            }
        }
        let label = if error.is_some() { "error" } else { "ok" };
        metrics::counter!("job_runs_total", "job" => job.name, "outcome" => label).increment(1);
        if let Err(e) = finish(&state.db, job, holder, state.clock.now(), error.as_deref()).await {
            tracing::warn!(job = job.name, error = %e, "scheduler: recording a run failed");
        }
        ran.push(job.name);
    }
    ran
}

/// Runs the scheduler for as long as the runtime lives: every [`TICK`], each due job.
pub fn start(state: &AppState, jobs: Vec<Job>) {
    let state = state.clone();
    let holder = Uuid::now_v7();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TICK);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            tick(&state, &jobs, holder).await;
        }
    });
}
