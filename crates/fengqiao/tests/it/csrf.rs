//! CSRF on every form (issue 15), by a walk of the route table: every route that changes
//! something — page or API, of every module, present or future — refuses a request that a
//! signed-in browser sends with its session cookie but without its CSRF token, or with a wrong
//! one, url-encoded, JSON or multipart (a multipart form carries its token in the action's query
//! string); so does an anonymous form post without it. Nothing is written: the audit log does
//! not grow. The same request with the token passes the check (the route's own answer follows).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::accounts::browser_login;
use crate::{TestApp, each_backend};

/// The path with every `{param}` filled with a value no record has.
fn filled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c + 1)
            .unwrap_or(rest.len());
        out.push_str("00000000-0000-0000-0000-000000000000");
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

async fn refused(r: reqwest::Response, what: &str) {
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    assert_eq!(body["code"], "csrf", "{what}: {body}");
    assert_eq!(body["field"], "_csrf", "{what}: {body}");
}

#[tokio::test]
async fn every_route_that_changes_something_refuses_a_request_without_its_csrf_token() {
    each_backend(|app: TestApp| async move {
        let (browser, token) = browser_login(&app, "admin").await;
        let anonymous = TestApp::client();
        let before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let mut walked = 0;
        for r in fengqiao::app::route_table() {
            if matches!(r.method, "GET" | "HEAD" | "OPTIONS") {
                continue;
            }
            let method = Method::from_bytes(r.method.as_bytes()).unwrap();
            let url = app.url(&filled(&r.path));
            let what = |how: &str| format!("{} {} ({how})", r.method, r.path);
            let form = || browser.request(method.clone(), &url);
            refused(
                form().form(&[("name", "x")]).send().await.unwrap(),
                &what("form, no token"),
            )
            .await;
            refused(
                form()
                    .form(&[("_csrf", "not-the-token"), ("name", "x")])
                    .send()
                    .await
                    .unwrap(),
                &what("form, wrong token"),
            )
            .await;
            refused(
                form()
                    .json(&serde_json::json!({"name": "x"}))
                    .send()
                    .await
                    .unwrap(),
                &what("JSON with the session cookie, no token"),
            )
            .await;
            // Built by hand (reqwest's multipart feature is not needed elsewhere).
            let body = format!(
                "--b\r\ncontent-disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--b--\r\n"
            );
            refused(
                form()
                    .header("content-type", "multipart/form-data; boundary=b")
                    .body(body)
                    .send()
                    .await
                    .unwrap(),
                &what("multipart, token in the body instead of the action"),
            )
            .await;
            refused(
                anonymous
                    .request(method.clone(), &url)
                    .form(&[("name", "x")])
                    .send()
                    .await
                    .unwrap(),
                &what("anonymous form, no token"),
            )
            .await;
            walked += 1;
        }
        assert!(walked >= 40, "only {walked} routes change something");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log").await,
            before,
            "a refused request wrote"
        );
        // With its token a request passes the check: whatever the route answers, it is not the
        // CSRF refusal (the routes that end the session last, not at all here).
        for r in fengqiao::app::route_table() {
            if matches!(r.method, "GET" | "HEAD" | "OPTIONS")
                || r.path.starts_with("/logout")
                || r.path.contains("role")
            {
                continue;
            }
            let method = Method::from_bytes(r.method.as_bytes()).unwrap();
            let got = browser
                .request(method, app.url(&filled(&r.path)))
                .form(&[("_csrf", token.as_str()), ("name", "x")])
                .send()
                .await
                .unwrap();
            let body: Value = got.json().await.unwrap_or(Value::Null);
            assert_ne!(
                body["code"], "csrf",
                "{} {} with its token: {body}",
                r.method, r.path
            );
        }
        app
    })
    .await;
}
