//! The login throttle counts per client address as well as per username: one client cannot try
//! many passwords by spreading them over many usernames, and guessing an account's password —
//! the administrator's included — does not lock its owner out on another address. The second
//! client is a second loopback address (127.0.0.2: all of 127/8 is the machine itself on Linux).

use std::net::IpAddr;

use fengqiao::platform::config::{LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS};
use reqwest::StatusCode;
use serde_json::json;

use crate::{TestApp, each_backend};

fn client_from(addr: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(addr.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn attempt(app: &TestApp, c: &reqwest::Client, username: &str, password: &str) -> StatusCode {
    c.post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

const RIGHT: &str = fengqiao::demo::DEMO_PASSWORD;

#[tokio::test]
async fn one_address_is_throttled_across_many_usernames() {
    each_backend(|app: TestApp| async move {
        let attacker = client_from("127.0.0.1");
        // Fewer failures than the username limit for each username, but many usernames.
        let mut n = 0;
        'spray: for user in 0.. {
            for _ in 0..LOGIN_MAX_FAILURES - 1 {
                if n == LOGIN_MAX_FAILURES_PER_ADDRESS {
                    break 'spray;
                }
                let s = attempt(&app, &attacker, &format!("guess{user}"), "wrong").await;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "failure {n}");
                n += 1;
            }
        }
        // The address is refused now, whatever it tries, a right password included.
        assert_eq!(
            attempt(&app, &attacker, "guess-next", "wrong").await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            attempt(&app, &attacker, "binjiang", RIGHT).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // Refusals are not failures of their own; nothing is recorded for them.
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM login_failures").await,
            LOGIN_MAX_FAILURES_PER_ADDRESS
        );
        // Another address is not affected.
        assert_eq!(
            attempt(&app, &client_from("127.0.0.2"), "binjiang", RIGHT).await,
            StatusCode::OK
        );
        // The window passes, and the address may try again.
        app.clock
            .advance(chrono::Duration::minutes(15) + chrono::Duration::seconds(1));
        assert_eq!(
            attempt(&app, &attacker, "binjiang", RIGHT).await,
            StatusCode::OK
        );
        app
    })
    .await;
}

#[tokio::test]
async fn an_attacked_username_still_opens_with_its_password_from_an_address_that_did_not_fail() {
    each_backend(|app: TestApp| async move {
        let attacker = client_from("127.0.0.1");
        let owner = client_from("127.0.0.2");
        for _ in 0..LOGIN_MAX_FAILURES {
            assert_eq!(
                attempt(&app, &attacker, "admin", "wrong").await,
                StatusCode::UNAUTHORIZED
            );
        }
        // Locked for the attacker, even with the right password …
        assert_eq!(
            attempt(&app, &attacker, "admin", RIGHT).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // … not for the administrator, on an address that has not failed.
        assert_eq!(attempt(&app, &owner, "admin", RIGHT).await, StatusCode::OK);
        // The owner's login does not forgive the attacker's failures.
        assert_eq!(
            attempt(&app, &attacker, "admin", RIGHT).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(attempt(&app, &owner, "admin", RIGHT).await, StatusCode::OK);
        // The owner mistyping once while the attack goes on is locked out too on that address
        // (it has failed for the username now), and back after the window.
        assert_eq!(
            attempt(&app, &owner, "admin", "typo").await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            attempt(&app, &owner, "admin", RIGHT).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        app.clock
            .advance(chrono::Duration::minutes(15) + chrono::Duration::seconds(1));
        assert_eq!(attempt(&app, &owner, "admin", RIGHT).await, StatusCode::OK);
        app
    })
    .await;
}

#[tokio::test]
async fn the_login_page_is_throttled_by_address_too() {
    each_backend(|app: TestApp| async move {
        let (browser, jar) = crate::accounts::browser();
        browser.get(app.url("/login")).send().await.unwrap();
        let token = crate::accounts::csrf(&jar, &app.base);
        let post = |username: &'static str, password: &'static str| {
            let (browser, token, url) = (browser.clone(), token.clone(), app.url("/login"));
            async move {
                browser
                    .post(url)
                    .form(&[
                        ("_csrf", token.as_str()),
                        ("username", username),
                        ("password", password),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        for _ in 0..LOGIN_MAX_FAILURES {
            assert_eq!(post("xihu", "wrong").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(post("xihu", RIGHT).await, StatusCode::TOO_MANY_REQUESTS);
        // The owner, on another address, logs in through the API meanwhile.
        assert_eq!(
            attempt(&app, &client_from("127.0.0.2"), "xihu", RIGHT).await,
            StatusCode::OK
        );
        app
    })
    .await;
}
