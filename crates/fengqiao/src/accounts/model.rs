//! Login rules. Pure: no IO.

use chrono::{DateTime, Duration, Utc};

/// The login rate limit: at most `max_failures` failed logins per username within `window`.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimit {
    pub max_failures: i64,
    pub window: Duration,
}

impl LoginLimit {
    /// The start of the window that counts at `now`.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Is another attempt allowed after `failures` recent failures?
    pub fn allows(&self, failures: i64) -> bool {
        failures < self.max_failures
    }
}

/// Normalizes a username as typed: trimmed; usernames are ASCII-case-insensitive.
pub fn normalize_username(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_allows_exactly_max_failures_attempts() {
        let l = LoginLimit {
            max_failures: 5,
            window: Duration::minutes(15),
        };
        assert!(l.allows(0));
        assert!(l.allows(4));
        assert!(!l.allows(5));
        let now = DateTime::parse_from_rfc3339("2026-11-27T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(l.since(now), now - Duration::minutes(15));
    }

    #[test]
    fn usernames_are_trimmed_and_case_folded() {
        assert_eq!(normalize_username("  Xihu.Officer "), "xihu.officer");
    }
}
