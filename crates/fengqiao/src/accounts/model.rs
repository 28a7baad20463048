//! Login rules. Pure: no IO.

use chrono::{DateTime, Duration, Utc};

pub use crate::platform::auth::store::Failures;

/// The login rate limit (thresholds: `platform::config::LOGIN_MAX_FAILURES*`). An address that
/// failed `max_address_failures` times is refused whatever username it tries; a username that
/// failed `max_failures` times is refused to the addresses that failed for it, but never to an
/// address that did not: an attacker guessing an account's password cannot lock its owner out.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimit {
    pub max_failures: i64,
    pub max_address_failures: i64,
    pub window: Duration,
}

impl LoginLimit {
    /// The start of the window that counts at `now`.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Is another attempt allowed after these recent failures?
    pub fn allows(&self, f: Failures) -> bool {
        let address_throttled = f.from_address >= self.max_address_failures;
        let username_locked_here = f.of_username >= self.max_failures && f.of_username_here > 0;
        !address_throttled && !username_locked_here
    }
}

/// Normalizes a username as typed: trimmed; usernames are ASCII-case-insensitive.
pub fn normalize_username(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit() -> LoginLimit {
        LoginLimit {
            max_failures: 5,
            max_address_failures: 20,
            window: Duration::minutes(15),
        }
    }

    #[test]
    fn the_limit_allows_exactly_max_failures_attempts() {
        let l = limit();
        let here = |n| Failures {
            of_username: n,
            of_username_here: n,
            from_address: n,
        };
        assert!(l.allows(here(0)));
        assert!(l.allows(here(4)));
        assert!(!l.allows(here(5)));
        let now = DateTime::parse_from_rfc3339("2026-11-27T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(l.since(now), now - Duration::minutes(15));
    }

    #[test]
    fn a_locked_username_stays_open_to_an_address_that_did_not_fail() {
        let l = limit();
        let attacked = Failures {
            of_username: 50,
            ..Failures::default()
        };
        assert!(l.allows(attacked));
        // One failure of its own for that username, and the lock applies to it too.
        assert!(!l.allows(Failures {
            of_username_here: 1,
            from_address: 1,
            ..attacked
        }));
    }

    #[test]
    fn an_address_is_throttled_across_usernames() {
        let l = limit();
        let spraying = |n| Failures {
            of_username: 0,
            of_username_here: 0,
            from_address: n,
        };
        assert!(l.allows(spraying(19)));
        assert!(!l.allows(spraying(20)));
    }

    #[test]
    fn usernames_are_trimmed_and_case_folded() {
        assert_eq!(normalize_username("  Xihu.Officer "), "xihu.officer");
    }
}
