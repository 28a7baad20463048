//! Logging in and out: the one path shared by the login page and the token API.

use chrono::Duration;

use super::model::{LoginLimit, normalize_username};
use crate::platform::auth::store::{self, GrantRow};
use crate::platform::client::ClientAddr;
use crate::platform::{AppError, AppResult, AppState};

/// Checks a username and password from `client` under the rate limit (per username and per
/// client address, see [`LoginLimit`]); returns the user's first grant.
pub async fn check_login(
    state: &AppState,
    client: &ClientAddr,
    username: &str,
    password: &str,
) -> AppResult<GrantRow> {
    let username = normalize_username(username);
    if username.is_empty() || password.is_empty() {
        let field = if username.is_empty() {
            "username"
        } else {
            "password"
        };
        return Err(AppError::invalid(
            field,
            "login.missing",
            "请输入用户名和密码",
            "Enter your username and password",
        ));
    }
    let now = state.clock.now();
    let limit = LoginLimit {
        max_failures: state.config.login_max_failures,
        max_address_failures: state.config.login_max_failures_per_address,
        window: Duration::minutes(state.config.login_window_minutes),
    };
    let address = client.key();
    let failures = store::recent_failures(&state.db, &username, &address, limit.since(now)).await?;
    if !limit.allows(failures) {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: limit.window.num_seconds() as u64,
        });
    }
    let user = store::user_by_username(&state.db, &username).await?;
    // The same answer for an unknown user and a wrong password, so usernames cannot be probed.
    let ok = match &user {
        Some(u) => {
            !u.disabled
                && crate::platform::auth::secrets::verify_password(password, &u.password_hash)
        }
        None => {
            let _ = crate::platform::auth::secrets::verify_password(password, &DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        store::record_failure(&state.db, &username, &address, now).await?;
        return Err(AppError::BadCredentials);
    };
    store::clear_failures(&state.db, &username, &address).await?;
    let grants = store::grants_of(&state.db, user.id).await?;
    grants.into_iter().next().ok_or(AppError::Forbidden)
}

/// An argon2id hash of a random password, checked against when the user does not exist so that
/// both answers take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::platform::auth::secrets::hash_password(&crate::platform::auth::secrets::new_token().0)
        .unwrap_or_default()
});
