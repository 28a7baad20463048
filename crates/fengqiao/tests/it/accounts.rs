//! Logging in: passwords, tokens, sessions, CSRF, the rate limit.

use reqwest::StatusCode;
use serde_json::json;

use crate::{TestApp, assert_problem, each_backend};

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser() -> (reqwest::Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let c = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (c, jar)
}

/// The CSRF cookie's value (set on the first page a browser gets).
pub fn csrf(jar: &reqwest::cookie::Jar, base: &str) -> String {
    use reqwest::cookie::CookieStore;
    let header = jar.cookies(&base.parse().unwrap()).expect("cookies");
    header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|c| c.strip_prefix("fq_csrf="))
        .expect("csrf cookie")
        .to_string()
}

/// Logs a browser in through the login form; returns the client and its CSRF token.
pub async fn browser_login(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let (c, jar) = browser();
    c.get(app.url("/login")).send().await.unwrap();
    let token = csrf(&jar, &app.base);
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", username),
            ("password", fengqiao::demo::DEMO_PASSWORD),
            ("next", "/regions"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {username}");
    assert_eq!(r.headers()["location"], "/regions");
    (c, token)
}

#[tokio::test]
async fn a_token_is_issued_for_the_right_password_only() {
    each_backend(|app: TestApp| async move {
        let t = app.token("xihu").await;
        let (s, me) = app.get_as(Some(&t), "/api/v1/me").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(me["role"], "county_officer");
        assert_eq!(me["region_code"], "330106");
        let bad = app
            .send_as(
                reqwest::Method::POST,
                None,
                "/api/v1/auth/token",
                &json!({"username": "xihu", "password": "wrong"}),
            )
            .await;
        assert_problem(
            &bad,
            StatusCode::UNAUTHORIZED,
            "login.failed",
            Some("password"),
        );
        // An unknown user gets the same answer as a wrong password.
        let unknown = app
            .send_as(
                reqwest::Method::POST,
                None,
                "/api/v1/auth/token",
                &json!({"username": "nobody", "password": "wrong"}),
            )
            .await;
        assert_eq!(unknown.1["code"], bad.1["code"]);
        let missing = app
            .send_as(
                reqwest::Method::POST,
                None,
                "/api/v1/auth/token",
                &json!({"username": "", "password": "x"}),
            )
            .await;
        assert_problem(
            &missing,
            StatusCode::UNPROCESSABLE_ENTITY,
            "login.missing",
            Some("username"),
        );
        assert_eq!(
            app.get_as(Some("not-a-token"), "/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get_as(None, "/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_fifth_failure_locks_the_username_until_the_window_passes() {
    each_backend(|app: TestApp| async move {
        let attempt = |password: &'static str| {
            let url = app.url("/api/v1/auth/token");
            async move {
                TestApp::client()
                    .post(url)
                    .json(&json!({"username": "binjiang", "password": password}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        for _ in 0..5 {
            assert_eq!(attempt("wrong").await, StatusCode::UNAUTHORIZED);
        }
        // Even the right password is refused now (limit: 5 failures in 15 minutes).
        assert_eq!(
            attempt(fengqiao::demo::DEMO_PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // Other users are not affected.
        app.token("xihu").await;
        app.clock
            .advance(chrono::Duration::minutes(15) + chrono::Duration::seconds(1));
        assert_eq!(attempt(fengqiao::demo::DEMO_PASSWORD).await, StatusCode::OK);
        app
    })
    .await;
}

#[tokio::test]
async fn four_failures_do_not_lock() {
    each_backend(|app: TestApp| async move {
        for _ in 0..4 {
            let s = TestApp::client()
                .post(app.url("/api/v1/auth/token"))
                .json(&json!({"username": "binjiang", "password": "x"}))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(s, StatusCode::UNAUTHORIZED);
        }
        app.token("binjiang").await;
        app
    })
    .await;
}

#[tokio::test]
async fn pages_give_a_csrf_cookie_and_cookie_less_api_calls_get_none() {
    each_backend(|app: TestApp| async move {
        let c = reqwest::Client::new();
        let has_csrf = |r: &reqwest::Response| {
            r.headers()
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("fq_csrf="))
        };
        let page = c.get(app.url("/login")).send().await.unwrap();
        assert!(has_csrf(&page), "a page sets the CSRF cookie");
        let api = c
            .get(app.url("/api/v1/organizations?q=协会"))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::OK);
        assert!(!has_csrf(&api), "an API call without cookies gets none");
        app
    })
    .await;
}

#[tokio::test]
async fn a_browser_session_is_httponly_samesite_and_forms_need_the_csrf_token() {
    each_backend(|app: TestApp| async move {
        let (c, jar) = browser();
        c.get(app.url("/login")).send().await.unwrap();
        let token = csrf(&jar, &app.base);
        // Without the token the form is refused and nobody is logged in.
        let r = c
            .post(app.url("/login"))
            .form(&[
                ("username", "xihu"),
                ("password", fengqiao::demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM sessions WHERE kind = 'session'")
                .await,
            0
        );
        let r = c
            .post(app.url("/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", "xihu"),
                ("password", fengqiao::demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let set_cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("fq_session="))
            .unwrap();
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
        assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        let home = crate::page_text(&c, app.url("/")).await;
        assert!(home.contains("西湖区局"), "home shows the user");
        // A logged-in form post without the token is refused too.
        let r = c
            .post(app.url("/regions/330106004053/grids"))
            .form(&[("name", "无令牌网格"), ("households", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM grids WHERE name = '无令牌网格'")
                .await,
            0
        );
        let r = c
            .post(app.url("/regions/330106004053/grids"))
            .form(&[
                ("_csrf", token.as_str()),
                ("name", "表单网格"),
                ("households", "300"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM grids WHERE name = '表单网格'")
                .await,
            1
        );
        // A session cookie is not an API token.
        let cookie_value = set_cookie
            .trim_start_matches("fq_session=")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            app.get_as(Some(&cookie_value), "/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
        // Logging out ends the session.
        let r = c
            .post(app.url("/logout"))
            .form(&[("_csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM sessions WHERE kind = 'session'")
                .await,
            0
        );
        let home = crate::page_text(&c, app.url("/")).await;
        assert!(!home.contains("西湖区局"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_bad_grid_form_comes_back_with_the_message_by_the_field() {
    each_backend(|app: TestApp| async move {
        let (c, token) = browser_login(&app, "xihu").await;
        let r = c
            .post(app.url("/regions/330106004053/grids"))
            .form(&[
                ("_csrf", token.as_str()),
                ("name", ""),
                ("households", "abc"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"form-error\""), "{html}");
        assert!(html.contains("户数应为整数"));
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM grids WHERE region_code = '330106004053' AND name = ''"
            )
            .await,
            0
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_user_with_two_roles_switches_between_them() {
    each_backend(|app: TestApp| async move {
        use fengqiao::platform::auth::{Role, store};
        store::create_user(
            &app.state.db,
            chrono::Utc::now(),
            "dual",
            "双岗 测试",
            "pw-dual-2026",
            &[(Role::CountyOfficer, "330106"), (Role::Inspector, "330108")],
        )
        .await
        .unwrap();
        let (c, jar) = browser();
        c.get(app.url("/login")).send().await.unwrap();
        let token = csrf(&jar, &app.base);
        c.post(app.url("/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", "dual"),
                ("password", "pw-dual-2026"),
            ])
            .send()
            .await
            .unwrap();
        let user_id = store::user_by_username(&app.state.db, "dual")
            .await
            .unwrap()
            .unwrap()
            .id;
        let grants = store::grants_of(&app.state.db, user_id).await.unwrap();
        let inspector = grants.iter().find(|g| g.role == "inspector").unwrap();
        let r = c
            .post(app.url("/session/role"))
            .form(&[
                ("_csrf", token.as_str()),
                ("grant", &inspector.id.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let home = crate::page_text(&c, app.url("/")).await;
        assert!(home.contains("检查人员 · 330108"), "{home}");
        // Another user's grant cannot be taken over.
        let other = store::user_by_username(&app.state.db, "admin")
            .await
            .unwrap()
            .unwrap();
        let foreign = store::grants_of(&app.state.db, other.id).await.unwrap()[0].id;
        let r = c
            .post(app.url("/session/role"))
            .form(&[("_csrf", token.as_str()), ("grant", &foreign.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        app
    })
    .await;
}

#[tokio::test]
async fn the_administrator_creates_and_disables_accounts_inside_his_region() {
    each_backend(|app: TestApp| async move {
        let admin = app.token("admin").await;
        let body = json!({"username": "Xihu.Two", "display_name": "西湖区局 新同事", "password": "a-long-password",
                          "grants": [{"role": "county_officer", "region_code": "330106"}]});
        let (s, created) = app.send_as(reqwest::Method::POST, Some(&admin), "/api/v1/users", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        assert_eq!(created["username"], "xihu.two");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'").await, 1);
        // The password appears nowhere in the audit log.
        let leaked = fengqiao::with_db!(&app.state.db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%a-long-password%'").fetch_one(pool).await.unwrap());
        assert_eq!(leaked, 0);
        let (s, tok) = app.send_as(reqwest::Method::POST, None, "/api/v1/auth/token", &json!({"username": "xihu.two", "password": "a-long-password"})).await;
        assert_eq!(s, StatusCode::OK, "{tok}");
        let t = tok["token"].as_str().unwrap().to_string();
        assert_eq!(app.get_as(Some(&t), "/api/v1/me").await.1["region_code"], "330106");
        // Bad input names the field and creates nothing.
        let dup = app.send_as(reqwest::Method::POST, Some(&admin), "/api/v1/users", &body).await;
        assert_problem(&dup, StatusCode::CONFLICT, "conflict.users_username_key", Some("username"));
        let short = json!({"username": "abc", "display_name": "x", "password": "short", "grants": [{"role": "resident", "region_code": "330106"}]});
        assert_problem(&app.send_as(reqwest::Method::POST, Some(&admin), "/api/v1/users", &short).await, StatusCode::UNPROCESSABLE_ENTITY, "user.password", Some("password"));
        let bad_region = json!({"username": "abcd", "display_name": "x", "password": "0123456789", "grants": [{"role": "resident", "region_code": "33010X"}]});
        let got = app.send_as(reqwest::Method::POST, Some(&admin), "/api/v1/users", &bad_region).await;
        assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(got.1["field"], "grants[0].region_code");
        let missing = app.send_as(reqwest::Method::POST, Some(&admin), "/api/v1/users", &json!({"username": "abcd"})).await;
        assert_problem(&missing, StatusCode::UNPROCESSABLE_ENTITY, "input.malformed", Some("display_name"));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM users WHERE username = 'abcd' OR username = 'abc'").await, 0);
        // Only the administrator manages accounts.
        let province = app.token("province").await;
        assert_eq!(app.send_as(reqwest::Method::POST, Some(&province), "/api/v1/users", &body).await.0, StatusCode::FORBIDDEN);
        // Disabling ends the account's tokens at once.
        let id = created["id"].as_str().unwrap();
        let (s, _) = app.send_as(reqwest::Method::POST, Some(&admin), &format!("/api/v1/users/{id}/disable"), &json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(app.get_as(Some(&t), "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
        let relogin = app.send_as(reqwest::Method::POST, None, "/api/v1/auth/token", &json!({"username": "xihu.two", "password": "a-long-password"})).await;
        assert_eq!(relogin.0, StatusCode::UNAUTHORIZED);
        app
    })
    .await;
}

#[tokio::test]
async fn malformed_json_and_queries_are_problems_naming_the_field() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let got = app
            .send_as(
                reqwest::Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004053/grids",
                &json!({"name": "甲", "households": "many"}),
            )
            .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "input.malformed",
            Some("households"),
        );
        let got = app
            .get_as(
                None,
                "/api/v1/calendar/deadline?start=2024-01-01&working_days=-3",
            )
            .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "input.malformed",
            Some("working_days"),
        );
        let got = app.get_as(Some(&xihu), "/api/v1/grids/not-a-uuid").await;
        assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", got.1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, 0);
        app
    })
    .await;
}

#[tokio::test]
async fn the_accounts_page_creates_an_account_and_shows_bad_input_by_the_form() {
    each_backend(|app: TestApp| async move {
        let (c, token) = browser_login(&app, "admin").await;
        let page = crate::page_text(&c, app.url("/admin/users")).await;
        assert!(page.contains("binjiang"), "lists the accounts");
        let form = |region: &'static str, password: &'static str| {
            vec![
                ("_csrf", token.clone()),
                ("username", "page.made".to_string()),
                ("display_name", "页面 新建".to_string()),
                ("password", password.to_string()),
                ("role", "street_officer".to_string()),
                ("region_code", region.to_string()),
            ]
        };
        let r = c
            .post(app.url("/admin/users"))
            .form(&form("330199", "0123456789"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"form-error\""), "{html}");
        assert!(
            html.contains("value=\"page.made\""),
            "what was typed is kept"
        );
        assert!(
            !html.contains("0123456789"),
            "the password is never sent back"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM users WHERE username = 'page.made'")
                .await,
            0
        );
        let r = c
            .post(app.url("/admin/users"))
            .form(&form("330106004", "0123456789"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM users WHERE username = 'page.made'")
                .await,
            1
        );
        // Others may not open it.
        let (o, _) = browser_login(&app, "province").await;
        assert_eq!(
            o.get(app.url("/admin/users"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        app
    })
    .await;
}

/// Session fixation (issue 15): a session cookie planted in the browser before the login is
/// never adopted — the login answers with a token of the server's making, and the planted value
/// opens nothing; logging in again on a signed-in browser ends the session it held, so a copy
/// of the old cookie opens nothing either.
#[tokio::test]
async fn a_login_never_keeps_a_planted_or_earlier_session() {
    each_backend(|app: TestApp| async move {
        let planted = "planted-by-someone-else-0123456789abcdef";
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let url: reqwest::Url = app.base.parse().unwrap();
        jar.add_cookie_str(&format!("fq_session={planted}; Path=/"), &url);
        let c = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        c.get(app.url("/login")).send().await.unwrap();
        let token = csrf(&jar, &app.base);
        let login = |who: &'static str| {
            c.post(app.url("/login")).form(&[
                ("_csrf", token.clone()),
                ("username", who.to_string()),
                ("password", fengqiao::demo::DEMO_PASSWORD.to_string()),
            ])
        };
        let session_of = |r: &reqwest::Response| {
            r.headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|v| v.strip_prefix("fq_session="))
                .map(|v| v.split(';').next().unwrap().to_string())
                .expect("a session cookie")
        };
        let r = login("xihu").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let first = session_of(&r);
        assert_ne!(first, planted, "the planted value is not adopted");
        let with_cookie = |value: &str| {
            TestApp::client()
                .get(app.url("/"))
                .header("cookie", format!("fq_session={value}"))
                .send()
        };
        let home = with_cookie(planted).await.unwrap().text().await.unwrap();
        assert!(
            !home.contains("西湖区局"),
            "the planted value opens nothing"
        );
        let home = with_cookie(&first).await.unwrap().text().await.unwrap();
        assert!(
            home.contains("西湖区局"),
            "the server's token opens the session"
        );

        let r = login("binjiang").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let second = session_of(&r);
        assert_ne!(second, first);
        let home = with_cookie(&first).await.unwrap().text().await.unwrap();
        assert!(
            !home.contains("西湖区局"),
            "the earlier session ended with the new login"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM sessions WHERE kind = 'session'")
                .await,
            1
        );
        app
    })
    .await;
}
