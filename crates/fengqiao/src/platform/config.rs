//! Typed configuration: defaults → `fengqiao.toml` in the data directory → `FENGQIAO_*`
//! environment (and `DATABASE_URL`) → command-line flags. Passed in, never global.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address the server listens on.
    pub addr: SocketAddr,
    /// Where the embedded database, keys and derived indexes live.
    pub data_dir: PathBuf,
    /// `postgres://…` to run on PostgreSQL; unset means SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Load the deterministic demo data set into an empty database on first start.
    pub demo: bool,
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// Failed logins allowed per username within `login_window_minutes` before refusing.
    pub login_max_failures: i64,
    pub login_window_minutes: i64,
    /// Mark cookies `Secure`. Off by default so that http://127.0.0.1 works on a laptop;
    /// a deployment behind TLS turns it on.
    pub secure_cookies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".parse().expect("literal address"),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            demo: true,
            session_hours: 12,
            login_max_failures: 5,
            login_window_minutes: 15,
            secure_cookies: false,
        }
    }
}

impl Config {
    /// Layers defaults, the data directory's `fengqiao.toml`, and the environment.
    /// `overrides` (from flags) win over everything.
    pub fn load(overrides: Figment) -> anyhow::Result<Config> {
        let base = Figment::from(Serialized::defaults(Config::default()));
        let data_dir: PathBuf = base
            .clone()
            .merge(Env::prefixed("FENGQIAO_").only(&["data_dir"]))
            .merge(overrides.clone())
            .extract_inner("data_dir")
            .unwrap_or_else(|_| PathBuf::from("./data"));
        let fig = base
            .merge(Toml::file(data_dir.join("fengqiao.toml")))
            .merge(Env::prefixed("FENGQIAO_"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .merge(overrides);
        Ok(fig.extract()?)
    }

    /// The database URL actually used: PostgreSQL when given, else SQLite in the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.is_empty() => u.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("fengqiao.db").display()),
        }
    }
}
