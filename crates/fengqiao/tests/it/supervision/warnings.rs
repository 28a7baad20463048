//! The supervision warnings engine (资金监管预警, DOMAIN.md §6.4, §2.3, §4, rules 14, 26) on
//! both databases: a non-public-fundraising foundation whose passed report shows charitable
//! spending under its ratio gets a red warning that an officer of its region closes with a
//! reason (an empty reason refused by its field, nothing changed); the nightly run twice adds
//! nothing; another district's officer and a resident are refused; an org_admin sees his own
//! organizations' warnings only.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{d, draft, organization, submit};
use crate::{TestApp, assert_problem, each_backend};

/// Statements that add up and balance: net assets `na` (all unrestricted, no liabilities),
/// income split evenly between donations and government grants (each exactly 50 %: not over
/// the share), charitable spending `activities` and management cost `management`.
fn content(na: i64, income: i64, activities: i64, management: i64) -> Value {
    json!({
        "activities": "资助困难学生",
        "total_assets_fen": na, "total_liabilities_fen": 0,
        "restricted_net_assets_fen": 0, "unrestricted_net_assets_fen": na, "total_net_assets_fen": na,
        "income_donations_fen": income / 2, "income_government_fen": income / 2, "total_income_fen": income,
        "expense_activities_fen": activities, "expense_management_fen": management,
        "total_expenses_fen": activities + management,
        "related_party_total_fen": 0, "large_items": []
    })
}

async fn pass(app: &TestApp, officer: &str, id: &str) {
    let (s, v) = app
        .send_as(
            Method::POST,
            Some(officer),
            &format!("/api/v1/annual-reports/{id}/decision"),
            &json!({"decision": "pass"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "passed");
}

async fn report(app: &TestApp, orgadmin: &str, officer: &str, org: Uuid, year: i32, c: &Value) {
    let id = draft(app, orgadmin, org, year).await;
    let (s, v) = submit(app, orgadmin, &id, c).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    pass(app, officer, &id).await;
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM supervision_warnings")
            .await,
        app.scalar("SELECT COUNT(*) FROM supervision_warning_actions")
            .await,
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        app.scalar("SELECT COUNT(*) FROM notifications").await,
    )
}

/// DOMAIN.md §2.3 (基金会管理条例 Art. 29, the 非公募 row of migration 0023's table): spending
/// at least 8 % of last year-end net assets, the net assets from the passed report on 2024.
/// ¥5,000,000 × 8 % = ¥400,000: ¥399,999.99 is under — red.
#[tokio::test]
async fn a_foundation_under_its_spending_ratio_gets_a_red_warning_that_an_officer_closes() {
    each_backend(|app: TestApp| async move {
        let (org, _) = organization(&app, "西湖区预警测试基金会", "330106", 7201, "2020-03-01", None).await;
        let (other, _) = organization(&app, "西湖区未报年报协会", "330106", 7202, "2020-03-01", None).await;
        let w = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("UPDATE organizations SET org_type = 'foundation', registered_funds_fen = 200000000 WHERE id = $1")
                    .bind(org).execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        w.await.unwrap();
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org).await.unwrap();
        let orgadmin = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        // 2024: net assets ¥5,000,000 at the year end; no report on 2023, so 2024 is not judged.
        report(&app, &orgadmin, &xihu, org, 2024, &content(500_000_000, 100_000_000, 50_000_000, 10_000_000)).await;
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/supervision/warnings?organization={org}")).await;
        assert_eq!(v["total"], 0, "{v}");
        // 2025: ¥399,999.99 of charitable spending — one fen under the floor. Submitting runs
        // the engine for the organization; the officer passes the report.
        report(&app, &orgadmin, &xihu, org, 2025, &content(500_000_000, 100_000_000, 39_999_999, 10_000_000)).await;
        let (s, v) = app.get_as(Some(&xihu), &format!("/api/v1/supervision/warnings?organization={org}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 1, "{v}");
        let w = &v["items"][0];
        assert_eq!(w["code"], "charity.spending_ratio");
        assert_eq!(w["level"], "red");
        assert_eq!(w["state"], "open");
        assert_eq!(w["period"], "2025");
        assert_eq!(w["region_code"], "330106");
        assert_eq!(w["figures"]["basis_fen"], 500_000_000);
        assert_eq!(w["figures"]["charitable_fen"], 39_999_999);
        assert_eq!(w["figures"]["required_fen"], 40_000_000);
        assert!(w["source"].as_str().unwrap().contains("§2.3"), "{w}");
        assert!(w["clears_zh"].as_str().unwrap().contains("400000.00"), "{w}");
        let id = w["id"].as_str().unwrap().to_string();
        // The officers of the region were told.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'supervision_warning'").await, 1);

        // The nightly run: the first opens the other organization's overdue reports (rule 14:
        // nothing submitted for 2024 and 2025); the second adds nothing at all.
        let first = fengqiao::supervision::service::warnings::run_nightly(&app.state).await.unwrap();
        assert!(first.opened >= 2, "{first:?}");
        let before = counts(&app).await;
        let again = fengqiao::supervision::service::warnings::run_nightly(&app.state).await.unwrap();
        assert_eq!(again, Default::default());
        assert_eq!(counts(&app).await, before);
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/supervision/warnings?organization={other}&level=orange")).await;
        let codes: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["supervision.report_overdue", "supervision.report_overdue"], "{v}");

        // The org_admin sees his organization's warnings only; the officer sees both.
        let (s, v) = app.get_as(Some(&orgadmin), "/api/v1/supervision/warnings").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let orgs: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["organization_id"].as_str().unwrap()).collect();
        assert_eq!(orgs, [org.to_string().as_str()], "{v}");
        let (s, _) = app.get_as(Some(&orgadmin), &format!("/api/v1/supervision/warnings/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = app.get_as(Some(&xihu), "/api/v1/supervision/warnings?region=330106").await;
        assert!(v["total"].as_i64().unwrap() >= 3, "{v}");
        let (_, v) = app.get_as(Some(&xihu), "/api/v1/supervision/warnings?level=red").await;
        assert!(v["items"].as_array().unwrap().iter().all(|i| i["level"] == "red"), "{v}");
        assert_problem(&app.get_as(Some(&xihu), "/api/v1/supervision/warnings?level=purple").await,
            StatusCode::UNPROCESSABLE_ENTITY, "supervision.warning.level", Some("level"));

        // Another district's officer and a resident are refused; the org_admin may not close.
        let binjiang = app.token("binjiang").await;
        let resident = app.token("resident").await;
        for t in [&binjiang, &resident] {
            let (s, _) = app.get_as(Some(t), &format!("/api/v1/supervision/warnings/{id}")).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }
        let (s, _) = app.get_as(Some(&resident), "/api/v1/supervision/warnings").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, v) = app.get_as(Some(&binjiang), "/api/v1/supervision/warnings").await;
        assert!(v["items"].as_array().unwrap().iter().all(|i| i["region_code"].as_str().unwrap().starts_with("330108")), "{v}");
        let close = format!("/api/v1/supervision/warnings/{id}/close");
        for t in [&binjiang, &resident, &orgadmin] {
            let (s, _) = app.send_as(Method::POST, Some(t), &close, &json!({"reason": "已核实"})).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }

        // An empty reason is refused by its field, nothing changed.
        let before = counts(&app).await;
        let got = app.send_as(Method::POST, Some(&xihu), &close, &json!({"reason": "  "})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.warning.reason", Some("reason"));
        let got = app.send_as(Method::POST, Some(&xihu), &close, &json!({})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.warning.reason", Some("reason"));
        assert_eq!(counts(&app).await, before);
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/supervision/warnings/{id}")).await;
        assert_eq!(v["warning"]["state"], "open");

        // The page shows the figures, what clears it and the close form to the officer.
        let page = TestApp::client().get(app.url(&format!("/supervision/warnings/{id}"))).bearer_auth(&xihu)
            .send().await.unwrap().text().await.unwrap();
        assert!(page.contains("charity.spending_ratio") && page.contains("form-close") && page.contains("400000.00"), "{page}");

        // The officer closes it with a reason: closed, its trail kept; closing again is 409.
        let (s, v) = app.send_as(Method::POST, Some(&xihu), &close, &json!({"reason": "已约谈，次年预算已调整"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["warning"]["state"], "closed");
        assert_eq!(v["warning"]["close_reason"], "已约谈，次年预算已调整");
        let actions: Vec<&str> = v["trail"].as_array().unwrap().iter().map(|t| t["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["opened", "closed"]);
        assert!(v["trail"][1]["actor_id"].is_string(), "{v}");
        let (s, _) = app.send_as(Method::POST, Some(&xihu), &close, &json!({"reason": "再次"})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        // The nightly run finds the same figures again: it stays closed.
        let again = fengqiao::supervision::service::warnings::run_nightly(&app.state).await.unwrap();
        assert_eq!(again, Default::default());
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/supervision/warnings/{id}")).await;
        assert_eq!(v["warning"]["state"], "closed");

        // The CSV export of the region.
        let r = TestApp::client().get(app.url("/api/v1/supervision/warnings?state=closed&format=csv")).bearer_auth(&xihu)
            .send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = r.text().await.unwrap();
        assert!(csv.contains("charity.spending_ratio") && csv.contains("已约谈"), "{csv}");
        assert!(!csv.contains("supervision.report_overdue"), "{csv}");
        app
    })
    .await;
}

/// The demo data (issue 9): warnings at each level on the demo reports, one closed with its
/// reason; loading it again adds nothing.
#[tokio::test]
async fn the_demo_has_warnings_at_each_level_and_one_closed() {
    each_backend(|app: TestApp| async move {
        for i in 0..8u64 {
            let (org, _) = organization(&app, &format!("演示预警组织{i}"), "330106", 7300 + i, "2019-05-01", None).await;
            let w = async {
                fengqiao::with_tx!(&app.state.db, tx => {
                    sqlx::query("UPDATE organizations SET registered_funds_fen = 30000000 WHERE id = $1")
                        .bind(org).execute(&mut *tx).await?;
                });
                Ok::<(), sqlx::Error>(())
            };
            w.await.unwrap();
        }
        let today = "2026-11-27".parse().unwrap();
        fengqiao::supervision::demo::load(&app.state.db, 2018, today).await.unwrap();
        for sql in [
            "SELECT COUNT(*) FROM supervision_warnings WHERE level = 'red'",
            "SELECT COUNT(*) FROM supervision_warnings WHERE level = 'orange'",
            "SELECT COUNT(*) FROM supervision_warnings WHERE level = 'yellow'",
        ] {
            assert!(app.scalar(sql).await >= 1, "{sql}");
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM supervision_warnings WHERE state = 'closed' AND close_reason IS NOT NULL").await, 1);
        let before = app.scalar("SELECT COUNT(*) FROM supervision_warnings").await;
        fengqiao::supervision::demo::load(&app.state.db, 2018, today).await.unwrap();
        assert_eq!(app.scalar("SELECT COUNT(*) FROM supervision_warnings").await, before);
        app
    })
    .await;
}

/// DOMAIN.md §4 (the parameter `supervision.warning.anomaly_factor`, 3 from 2016): income more
/// than three times last year's is flagged to the reviewer on the report's page, not to the
/// organization; expenses that did not change are not.
#[tokio::test]
async fn the_reviewer_sees_cross_year_anomalies() {
    each_backend(|app: TestApp| async move {
        let (org, _) = organization(
            &app,
            "西湖区跨年异常协会",
            "330106",
            7401,
            "2020-03-01",
            None,
        )
        .await;
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
            .await
            .unwrap();
        let orgadmin = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        report(
            &app,
            &orgadmin,
            &xihu,
            org,
            2024,
            &content(50_000_000, 100_000_000, 50_000_000, 10_000_000),
        )
        .await;
        let id = draft(&app, &orgadmin, org, 2025).await;
        let (s, v) = submit(
            &app,
            &orgadmin,
            &id,
            &content(50_000_000, 300_000_002, 50_000_000, 10_000_000),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let page = |token: String| {
            let url = app.url(&format!("/supervision/annual-reports/{id}"));
            async move {
                TestApp::client()
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }
        };
        let officer = page(xihu.clone()).await;
        assert!(officer.contains("id=\"anomalies\""), "{officer}");
        assert!(
            officer.contains("data-field=\"total_income_fen\""),
            "{officer}"
        );
        assert!(
            !officer.contains("data-field=\"total_expenses_fen\""),
            "{officer}"
        );
        let own = page(orgadmin.clone()).await;
        assert!(!own.contains("id=\"anomalies\""), "{own}");
        app
    })
    .await;
}

/// The §6.4 table is data by date (migration 0023): a new version applies from its effective
/// date on, and the year before is still judged by the old one. Two nightly runs at once write
/// each warning once (the unique key on organization, rule and period decides).
#[tokio::test]
async fn the_table_is_read_by_date_and_concurrent_runs_write_once() {
    each_backend(|app: TestApp| async move {
        let w = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("INSERT INTO supervision_spending_bands (effective_from, row_no, charity, public_fundraising, foundation, \
                             net_assets_from_yuan, net_assets_below_yuan, basis, min_spending_permille, min_spending_of_income_permille, \
                             max_management_permille, source) VALUES ($1, 1, $2, $3, $3, NULL, NULL, 'net_assets', 100, NULL, NULL, '测试版本')")
                    .bind(d("2026-01-01")).bind(false).bind(true).execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        w.await.unwrap();
        let bands = |on: &'static str| fengqiao::supervision::store::facts::spending_bands(&app.state.db, d(on));
        let old = bands("2025-12-31").await.unwrap();
        assert_eq!(old.len(), 12);
        assert_eq!(old[11].min_spending_permille, 80);
        let new = bands("2026-01-01").await.unwrap();
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].min_spending_permille, 100);
        assert!(bands("2016-08-31").await.unwrap().is_empty(), "before the first table, none");

        for i in 0..3u64 {
            organization(&app, &format!("并发预警协会{i}"), "330106", 7500 + i, "2020-03-01", None).await;
        }
        let (a, b) = tokio::join!(
            fengqiao::supervision::service::warnings::run_nightly(&app.state),
            fengqiao::supervision::service::warnings::run_nightly(&app.state)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let rows = app.scalar("SELECT COUNT(*) FROM supervision_warnings").await;
        assert_eq!(rows, 6, "two years overdue for each of three");
        assert_eq!(a.opened + b.opened, 6, "{a:?} {b:?}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM supervision_warning_actions").await, 6);
        app
    })
    .await;
}
