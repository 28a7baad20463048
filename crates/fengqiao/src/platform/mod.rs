//! The shared platform beneath the policy modules: configuration, database, accounts and
//! region-scoped roles, the audit log and outbox, messages in two languages, the web shell.

pub mod auth;
pub mod client;
pub mod clock;
pub mod config;
pub mod db;
pub mod departments;
pub mod draw;
pub mod error;
pub mod export;
pub mod extract;
pub mod files;
pub mod headers;
pub mod i18n;
pub mod input;
pub mod journal;
pub mod limits;
pub mod metrics;
pub mod module;
pub mod money;
pub mod notifications;
pub mod openapi;
pub mod pii;
pub mod progress;
pub mod request_id;
pub mod routes;
pub mod rules;
pub mod scheduler;
pub mod search;
pub mod web;

use std::sync::Arc;

pub use clock::Clock;
pub use config::Config;
pub use db::Db;
pub use error::{AppError, AppResult};

/// What every handler can reach: one reference-counted pointer, so that a clone (axum clones
/// the state for every middleware and extractor of every request) is one atomic increment, not
/// one per pool, cache and channel inside — on two cores those shared counters bounced between
/// the cores' caches on every request. Fields are reached through `Deref`.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }

    /// The same state with another search index (the server's, opened in its data directory).
    pub fn with_search(self, search: search::SearchIndex) -> AppState {
        let mut services = Arc::unwrap_or_clone(self.0);
        services.search = search;
        AppState::new(services)
    }
}

/// The services behind [`AppState`].
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Encrypts personal data at rest (see [`pii`]).
    pub pii: pii::PiiCipher,
    /// The search index of the public register (a cache derived from the database).
    pub search: search::SearchIndex,
    /// The rule parameters by date, held in memory (see [`rules`]).
    pub rules: rules::RuleParams,
    /// Where uploaded files' bytes are kept (see [`files`]).
    pub files: files::FileStore,
    /// The long-lived services modules keep (each behind a type the module owns), put here
    /// from their [`module::Module::services`]; reached with [`Services::service`].
    pub extensions: axum::http::Extensions,
}

impl Services {
    /// A module's long-lived service; an internal error if no module provided it.
    pub fn service<T: Send + Sync + 'static>(&self) -> AppResult<&T> {
        self.extensions.get::<T>().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "no module provides the service {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// SQL `LIKE` pattern of everything inside `region` (330106 → "330106%", 330100 → "3301%").
pub fn region_prefix(region: &codes::RegionCode) -> String {
    format!("{}%", region.significant_prefix())
}
