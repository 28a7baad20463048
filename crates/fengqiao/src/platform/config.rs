//! Typed configuration: defaults → `fengqiao.toml` in the data directory → `FENGQIAO_*`
//! environment (and `DATABASE_URL`) → command-line flags. Passed in, never global.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Failed logins of one username within the window after which that username is refused —
/// to the addresses that failed for it, never to one that did not (see `accounts::model`).
/// GB/T 22239-2019 (等级保护 2.0) 8.1.4.1 b) requires a limit on failed logins without fixing
/// the number; five in fifteen minutes is the platform's choice since its first release.
pub const LOGIN_MAX_FAILURES: i64 = 5;
/// Failed logins from one client address (any usernames) within the window after which that
/// address is refused: high enough for a county office whose officers share one NAT address and
/// mistype now and then, low enough that a client trying many usernames gets 20 guesses a
/// window, not 5 per username (NIST SP 800-63B §5.2.2 caps an account at 100).
pub const LOGIN_MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// The window failed logins are counted in, in minutes.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

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
    /// Failed logins allowed per username within `login_window_minutes` before refusing
    /// (the addresses that failed for it).
    pub login_max_failures: i64,
    /// Failed logins allowed per client address within `login_window_minutes` before refusing.
    pub login_max_failures_per_address: i64,
    pub login_window_minutes: i64,
    /// Mark cookies `Secure`. Off by default so that http://127.0.0.1 works on a laptop;
    /// a deployment behind TLS turns it on (or sets `behind_tls`, which implies it).
    pub secure_cookies: bool,
    /// The server is reached over TLS (directly or through a proxy that terminates it): answers
    /// carry `Strict-Transport-Security` and every cookie is `Secure`. Off by default.
    pub behind_tls: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed for the client address (the login
    /// throttle counts per address). Empty by default: the connection's peer is the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Payment providers (`[payments]` in `fengqiao.toml`).
    pub payments: PaymentsConfig,
}

/// Payment providers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentsConfig {
    /// The simulated test provider (methods `test_confirm`, `test_late`, `test_fail`) and its
    /// unsigned public notice endpoint `POST /api/v1/payments/test/notifications`, with which
    /// anyone can confirm a pending payment. On by default for the demo and development; a real
    /// deployment must turn it off (`test_provider = false` under `[payments]`, or
    /// `FENGQIAO_PAYMENTS__TEST_PROVIDER=false`). Off, the endpoint answers 404 and giving is
    /// refused until a real provider is configured.
    pub test_provider: bool,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        PaymentsConfig {
            test_provider: true,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".parse().expect("literal address"),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            demo: true,
            session_hours: 12,
            login_max_failures: LOGIN_MAX_FAILURES,
            login_max_failures_per_address: LOGIN_MAX_FAILURES_PER_ADDRESS,
            login_window_minutes: LOGIN_WINDOW_MINUTES,
            secure_cookies: false,
            behind_tls: false,
            trusted_proxies: Vec::new(),
            payments: PaymentsConfig::default(),
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
            // `__` separates nested keys: FENGQIAO_PAYMENTS__TEST_PROVIDER=false.
            .merge(Env::prefixed("FENGQIAO_").split("__"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .merge(overrides);
        Ok(fig.extract()?)
    }

    /// Whether cookies are marked `Secure`: asked for, or implied by TLS.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies || self.behind_tls
    }

    /// The database URL actually used: PostgreSQL when given, else SQLite in the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.is_empty() => u.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("fengqiao.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test payment provider is on unless the configuration turns it off (issue 15).
    #[test]
    fn the_test_provider_is_on_by_default_and_fengqiao_toml_turns_it_off() {
        let dir = std::env::temp_dir().join(format!("fq-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let load = || {
            Config::load(Figment::from(Serialized::defaults(
                serde_json::json!({ "data_dir": dir }),
            )))
            .unwrap()
        };
        assert!(Config::default().payments.test_provider);
        assert!(load().payments.test_provider);
        std::fs::write(
            dir.join("fengqiao.toml"),
            "[payments]\ntest_provider = false\n",
        )
        .unwrap();
        assert!(!load().payments.test_provider);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
