//! The rule parameters a server holds in memory: the whole table behind an `Arc`, read again
//! after [`CACHE_TTL`] on the injected clock, and at once on this server after an edit.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Period, RuleKey, RuleTable};
use crate::platform::{AppResult, Clock, Db};

/// How long a server answers from the table it read before reading it again. A row added on
/// another server is seen here within this time; rows are only ever added effective from a
/// future date ([`super::edit`]), so an answer for today is never stale, unless a row for
/// tomorrow is added in the last minute before midnight. The time is the injected clock's (a
/// clock set back makes the table stale).
pub const CACHE_TTL: Duration = Duration::from_secs(60);

/// The rule parameters service (`state.rules`); cheap to clone (shared).
#[derive(Clone)]
pub struct RuleParams(Arc<Inner>);

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    table: RwLock<Option<(DateTime<Utc>, Arc<RuleTable>)>>,
    /// One reload at a time: the others wait for it and take its table.
    reloading: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for RuleParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleParams").finish_non_exhaustive()
    }
}

fn fresh(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    (now - at).to_std().is_ok_and(|age| age < CACHE_TTL)
}

impl RuleParams {
    /// Empty until first used (or [`RuleParams::reload`]ed at start).
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> RuleParams {
        RuleParams(Arc::new(Inner {
            db,
            clock,
            table: RwLock::new(None),
            reloading: tokio::sync::Mutex::new(()),
        }))
    }

    fn cached(&self, now: DateTime<Utc>) -> Option<Arc<RuleTable>> {
        let guard = self.0.table.read().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .filter(|(at, _)| fresh(*at, now))
            .map(|(_, t)| t.clone())
    }

    /// The table, read from the database if the one held is older than [`CACHE_TTL`]. A hit is
    /// a read lock and a reference count.
    pub async fn table(&self) -> AppResult<Arc<RuleTable>> {
        let now = self.0.clock.now();
        if let Some(t) = self.cached(now) {
            return Ok(t);
        }
        let _one = self.0.reloading.lock().await;
        if let Some(t) = self.cached(self.0.clock.now()) {
            return Ok(t);
        }
        self.read_now().await
    }

    /// Reads the table from the database now (at start, and after an edit on this server).
    pub async fn reload(&self) -> AppResult<Arc<RuleTable>> {
        let _one = self.0.reloading.lock().await;
        self.read_now().await
    }

    async fn read_now(&self) -> AppResult<Arc<RuleTable>> {
        let at = self.0.clock.now();
        let table = Arc::new(super::store::load(&self.0.db).await?);
        *self.0.table.write().unwrap_or_else(|p| p.into_inner()) = Some((at, table.clone()));
        Ok(table)
    }

    /// The value of `key` in force on `on` (see [`RuleTable::param_on`]).
    pub async fn value_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<i64> {
        self.table().await?.value_on(key, on)
    }

    /// Months in force on `on`; a row in another unit is an error naming the key.
    pub async fn months_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.table().await?.months_on(key, on)
    }

    /// Calendar days in force on `on`.
    pub async fn days_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.table().await?.days_on(key, on)
    }

    /// Working days in force on `on`.
    pub async fn working_days_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.table().await?.working_days_on(key, on)
    }

    /// The period in force on `on`, in the unit its row says, with its source.
    pub async fn period_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<Period> {
        self.table().await?.period_on(key, on)
    }
}
