//! Control characters in any input — a path parameter, a query filter, a JSON field, a form
//! field — are refused with a 422 naming the field, on both databases alike, and change nothing
//! (PostgreSQL cannot store U+0000 at all: it used to answer 500, several times without login).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, assert_problem, each_backend};

async fn answer(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    assert_eq!(
        r.headers()["content-type"],
        "application/problem+json",
        "{status}"
    );
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn control_characters_are_refused_by_field_and_change_nothing() {
    each_backend(|app: TestApp| async move {
        let refused = |field: &'static str| {
            move |got: &(StatusCode, Value)| {
                assert_problem(
                    got,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "input.control_character",
                    Some(field),
                )
            }
        };
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let c = TestApp::client();

        // The login form (a page's url-encoded form), without logging in.
        let (browser, jar) = crate::accounts::browser();
        browser.get(app.url("/login")).send().await.unwrap();
        let token = crate::accounts::csrf(&jar, &app.base);
        let r = browser
            .post(app.url("/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", "admin\0"),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        refused("username")(&answer(r).await);
        // The token API (JSON), without logging in.
        let r = c
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": "\u{0}", "password": "x"}))
            .send()
            .await
            .unwrap();
        refused("username")(&answer(r).await);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM login_failures").await,
            0,
            "no failure recorded"
        );

        // A path parameter: read by a handler, and resolved by the guard (the plan's region).
        let r = c.get(app.url("/api/v1/projects/%00")).send().await.unwrap();
        refused("filing_no")(&answer(r).await);
        let xihu = app.token("xihu").await;
        let r = c
            .post(app.url("/api/v1/projects/a%00b/disbursements"))
            .bearer_auth(&xihu)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        refused("filing_no")(&answer(r).await);
        // A query filter.
        let r = c
            .get(app.url("/api/v1/organizations?q=%E6%9E%AB%00"))
            .send()
            .await
            .unwrap();
        refused("q")(&answer(r).await);
        // Other C0 controls too (an escape sequence), in a nested position of a JSON body.
        let got = app
            .send_as(
                Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004053/grids",
                &json!({"name": "网格\u{1b}[2J", "households": 420}),
            )
            .await;
        refused("name")(&got);
        let got = app
            .send_as(
                Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004053/grids",
                &json!({"name": "网格\u{0}"}),
            )
            .await;
        refused("name")(&got);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);

        // Tab and newlines are text, and the same grid without the control character is taken.
        let (s, g) = app
            .send_as(
                Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004053/grids",
                &json!({"name": "测试\t网格"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        app
    })
    .await;
}

/// An imported register file is text too: a cell holding a control character is a bad row
/// naming its column, and nothing of the file is imported.
#[tokio::test]
async fn an_imported_cell_with_a_control_character_is_a_bad_row() {
    each_backend(|app: TestApp| async move {
        let good = codes::Uscc::for_serial('1', "330106", 21)
            .unwrap()
            .as_str()
            .to_string();
        let other = codes::Uscc::for_serial('1', "330106", 22)
            .unwrap()
            .as_str()
            .to_string();
        let csv = format!(
            "uscc,name,type,category,region_code,registered_on,status,business_scope\n\
             {good},良渚文化研究会,social_group,other,330106,2020-01-01,registered,文化研究\n\
             {other},西溪\u{0}协会,social_group,other,330106,2020-01-01,registered,湿地\u{7}保护\n"
        );
        let r = fengqiao::directory::import::import_organizations(
            &app.state.db,
            fengqiao::platform::Clock::now(app.state.clock.as_ref()),
            &fengqiao::directory::import::cli_actor(),
            csv.as_bytes(),
            false,
        )
        .await
        .expect("import");
        assert_eq!(r.imported, 0);
        let mut bad: Vec<(usize, &str)> =
            r.bad.iter().map(|b| (b.line, b.column.as_str())).collect();
        bad.sort();
        assert_eq!(bad, [(3, "business_scope"), (3, "name")]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM organizations").await, 0);
        app
    })
    .await;
}
