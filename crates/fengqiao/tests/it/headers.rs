//! What every answer carries: the security headers (on pages, API answers, assets, errors and
//! the limits' refusals alike), HSTS and `Secure` cookies only behind TLS; and the limits
//! themselves (an over-long URI, an over-large body) answered as problem documents.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{TestApp, assert_problem, each_backend};

#[track_caller]
fn assert_security_headers(h: &HeaderMap, what: &str) {
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_string()
    };
    let csp = get("content-security-policy");
    assert!(csp.contains("script-src 'self';"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert!(
        get("permissions-policy").contains("geolocation=()"),
        "{what}"
    );
}

/// A path of the route table with its parameters filled in.
fn filled(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with("{*") {
                "app.css".to_string()
            } else if seg.starts_with('{') {
                "330106".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    each_backend(|app: TestApp| async move {
        let c = TestApp::client();
        let mut seen = 0;
        for route in fengqiao::app::route_table()
            .iter()
            .filter(|r| r.method == "GET")
        {
            let path = filled(&route.path);
            // As an API client and as a browser (whose errors are pages).
            for accept in ["*/*", "text/html"] {
                let r = c
                    .get(app.url(&path))
                    .header("accept", accept)
                    .send()
                    .await
                    .unwrap();
                assert_security_headers(r.headers(), &format!("GET {path} ({})", r.status()));
                assert!(
                    r.headers().get("strict-transport-security").is_none(),
                    "no HSTS without TLS"
                );
                seen += 1;
            }
        }
        assert!(seen > 40, "{seen} answers checked");
        // An API answer, an asset, a 404 and a 405, by name.
        for (path, status) in [
            ("/api/v1/regions/330106", StatusCode::OK),
            ("/assets/app.css", StatusCode::OK),
            ("/assets/certificate.css", StatusCode::OK),
            ("/assets/print.js", StatusCode::OK),
            ("/no/such/page", StatusCode::NOT_FOUND),
        ] {
            let r = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), status, "{path}");
            assert_security_headers(r.headers(), path);
        }
        let r = c.delete(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_security_headers(r.headers(), "405");
        // The certificate page prints through its script file, not an inline handler.
        assert!(
            !crate::page_text(&c, app.url("/assets/print.js"))
                .await
                .is_empty()
        );
        app
    })
    .await;
}

fn set_cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn behind_tls_answers_carry_hsts_and_every_cookie_is_secure() {
    each_backend(|app: TestApp| async move {
        // Without TLS configured: no HSTS, cookies without Secure (http://127.0.0.1 must work).
        let (browser, _) = crate::accounts::browser();
        let r = browser.get(app.url("/login")).send().await.unwrap();
        assert!(r.headers().get("strict-transport-security").is_none());
        assert!(
            set_cookies(r.headers())
                .iter()
                .all(|c| !c.contains("; Secure"))
        );

        let config = fengqiao::platform::Config {
            behind_tls: true,
            ..fengqiao::testkit::test_config()
        };
        let (base, _) = fengqiao::testkit::spawn_with(
            app.state.db.clone(),
            Arc::new(app.clock.clone()),
            config,
        )
        .await
        .unwrap();
        // Cookies by hand: a cookie store keeps no Secure cookie from a plain-http origin.
        let c = TestApp::client();
        let r = c.get(format!("{base}/login")).send().await.unwrap();
        assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
        assert_security_headers(r.headers(), "login behind TLS");
        let cookies = set_cookies(r.headers());
        let csrf = cookies
            .iter()
            .find_map(|c| c.strip_prefix("fq_csrf="))
            .expect("a CSRF cookie");
        assert!(csrf.contains("; Secure"), "{cookies:?}");
        let token = csrf.split(';').next().unwrap().to_string();
        let r = c
            .post(format!("{base}/login"))
            .header("cookie", format!("fq_csrf={token}"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", "xihu"),
                ("password", fengqiao::demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let session = set_cookies(r.headers());
        assert!(
            session
                .iter()
                .any(|c| c.starts_with("fq_session=") && c.contains("; Secure")),
            "{session:?}"
        );
        let browser = c;
        let r = browser
            .get(format!("{base}/prefs/lang/en"))
            .send()
            .await
            .unwrap();
        assert!(
            set_cookies(r.headers())
                .iter()
                .any(|c| c.starts_with("fq_lang=") && c.contains("; Secure"))
        );
        assert!(r.headers().get("strict-transport-security").is_some());
        app
    })
    .await;
}

#[tokio::test]
async fn an_over_long_uri_and_an_over_large_body_are_problem_documents() {
    each_backend(|app: TestApp| async move {
        // 414: a query past the limit (8 KiB).
        let long = format!("/api/v1/organizations?q={}", "a".repeat(9000));
        let r = TestApp::client().get(app.url(&long)).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_security_headers(r.headers(), "414");
        let got = (r.status(), r.json::<Value>().await.unwrap());
        assert_problem(&got, StatusCode::URI_TOO_LONG, "uri.too_long", Some("uri"));
        // Just below it, an ordinary answer.
        let fits = format!("/api/v1/organizations?q={}", "a".repeat(8000));
        let r = TestApp::client().get(app.url(&fits)).send().await.unwrap();
        assert_ne!(r.status(), StatusCode::URI_TOO_LONG);

        // 413: a body announced past the limit (16 MiB) is refused before it is sent.
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /api/v1/auth/token HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            16 * 1024 * 1024 + 1
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a response");
        assert!(head.starts_with("HTTP/1.1 413"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("x-content-type-options: nosniff"),
            "{head}"
        );
        let got = (
            StatusCode::PAYLOAD_TOO_LARGE,
            serde_json::from_str::<Value>(body).unwrap(),
        );
        assert_eq!(got.1["status"], 413);
        assert_problem(
            &got,
            StatusCode::PAYLOAD_TOO_LARGE,
            "body.too_large",
            Some("body"),
        );
        app
    })
    .await;
}
