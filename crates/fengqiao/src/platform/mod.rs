//! The shared platform beneath the policy modules: configuration, database, accounts and
//! region-scoped roles, the audit log and outbox, messages in two languages, the web shell.

pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod i18n;
pub mod journal;
pub mod request_id;
pub mod routes;
pub mod web;

use std::sync::Arc;

pub use clock::Clock;
pub use config::Config;
pub use db::Db;
pub use error::{AppError, AppResult};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

/// SQL `LIKE` prefix of everything inside `region` (330106 → "330106%", 330100 → "3301%").
pub fn region_prefix(region: &codes::RegionCode) -> String {
    let s = region.to_string();
    let keep = match region.level() {
        codes::RegionLevel::Province => 2,
        codes::RegionLevel::City => 4,
        codes::RegionLevel::County => 6,
        codes::RegionLevel::Township => 9,
        codes::RegionLevel::Village => 12,
    };
    format!("{}%", &s[..keep.min(s.len())])
}
