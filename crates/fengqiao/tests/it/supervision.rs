//! Annual work reports (年度工作报告, DOMAIN.md §0 rule 14, §4): drafted and submitted by the
//! organization, reviewed by its 业务主管单位 first, decided by the registering region's
//! officers; statements that do not add up are refused by field and nothing stored; and the
//! late reporters the credit module asks for, at the deadline's boundary.

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, each_backend};

mod warnings;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Content whose statements add up and balance.
fn balanced() -> Value {
    json!({
        "activities": "开展助老服务 12 次",
        "general_assembly_meetings": 1, "council_meetings": 2, "supervisory_board_meetings": 1,
        "staff_count": 3, "volunteer_count": 40, "party_work": "成立党的工作小组",
        "total_assets_fen": 50_000_000, "total_liabilities_fen": 10_000_000,
        "restricted_net_assets_fen": 15_000_000, "unrestricted_net_assets_fen": 25_000_000,
        "total_net_assets_fen": 40_000_000,
        "income_donations_fen": 20_000_000, "income_government_fen": 5_000_000,
        "income_services_fen": 1_000_000, "income_dues_fen": 500_000,
        "income_investment_fen": 100_000, "income_other_fen": 0, "total_income_fen": 26_600_000,
        "expense_activities_fen": 18_000_000, "expense_management_fen": 2_000_000,
        "expense_fundraising_fen": 500_000, "expense_other_fen": 0, "total_expenses_fen": 20_500_000,
        "related_party_total_fen": 0,
        "large_items": [{"description": "购置助老设备", "amount_fen": 6_000_000}]
    })
}

/// A registered 社会团体 in `region` (registered on `on`), optionally naming a 业务主管单位.
async fn organization(
    app: &TestApp,
    name: &str,
    region: &str,
    serial: u64,
    on: &str,
    unit: Option<&str>,
) -> (Uuid, String) {
    let (id, uscc) =
        fengqiao::testkit::registered_organization(&app.state.db, name, region, serial, d(on))
            .await
            .unwrap();
    if let Some(unit) = unit {
        let update = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("UPDATE organizations SET supervisory_unit = $1 WHERE id = $2")
                    .bind(unit).bind(id).execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        update.await.unwrap();
    }
    (id, uscc)
}

async fn draft(app: &TestApp, token: &str, org: Uuid, year: i32) -> String {
    let (s, v) = app
        .send_as(
            Method::POST,
            Some(token),
            "/api/v1/annual-reports",
            &json!({"organization_id": org, "year": year, "activities": "草稿"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "draft");
    assert_eq!(v["version"], 1);
    v["id"].as_str().unwrap().to_string()
}

async fn submit(app: &TestApp, token: &str, id: &str, body: &Value) -> (StatusCode, Value) {
    app.send_as(
        Method::POST,
        Some(token),
        &format!("/api/v1/annual-reports/{id}/submit"),
        body,
    )
    .await
}

async fn status_of(app: &TestApp, id: &str) -> Value {
    let xihu = app.token("xihu").await;
    let (s, v) = app
        .get_as(Some(&xihu), &format!("/api/v1/annual-reports/{id}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// DOMAIN.md rule 14, §4, §2.1 (双重管理): draft → submit → the 业务主管单位's reviewer passes
/// it (a reviewer of another department is refused, the officer may not decide before) → the
/// region's officer passes it → the public reads its published parts; the officers' list and
/// its CSV show it, a neighbouring region's does not.
#[tokio::test]
async fn a_report_goes_through_the_supervisory_unit_then_the_officer() {
    each_backend(|app: TestApp| async move {
        let (org, uscc) = organization(
            &app,
            "西湖区年报测试协会",
            "330106",
            7101,
            "2020-03-01",
            Some("西湖区科学技术局"),
        )
        .await;
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
            .await
            .unwrap();
        let orgadmin = app.token("orgadmin").await;
        let id = draft(&app, &orgadmin, org, 2025).await;
        // A second draft of the same year is refused.
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&orgadmin),
                "/api/v1/annual-reports",
                &json!({"organization_id": org, "year": 2025}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        // Saving a draft keeps what was typed, even figures that do not add up yet.
        let mut partial = balanced();
        partial["total_assets_fen"] = json!(1);
        let (s, v) = app
            .send_as(
                Method::PUT,
                Some(&orgadmin),
                &format!("/api/v1/annual-reports/{id}"),
                &partial,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total_assets_fen"], 1);
        let (s, v) = submit(&app, &orgadmin, &id, &balanced()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "submitted");
        assert_eq!(v["waiting_for"], "supervisory");
        assert_eq!(v["supervisory_department_id"], "330106.kejiju");
        assert_eq!(v["submitted_on"], "2026-11-27");
        assert_eq!(v["deadline"], "2026-06-01", "31 May 2026 is a Sunday");
        assert_eq!(v["late"], true);
        // The officer may not decide before the 业务主管单位.
        let xihu = app.token("xihu").await;
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&xihu),
                &format!("/api/v1/annual-reports/{id}/decision"),
                &json!({"decision": "pass"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        // The reviewer of another department is refused, and nothing changes.
        let wenlv = app.token("wenlv").await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&wenlv),
                &format!("/api/v1/annual-reports/{id}/supervisory-review"),
                &json!({"decision": "pass"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        assert_eq!(status_of(&app, &id).await["status"], "submitted");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
        let reviewer = app.token("reviewer").await;
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&reviewer),
                &format!("/api/v1/annual-reports/{id}/supervisory-review"),
                &json!({"decision": "pass", "comment": "同意报送"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "supervisory_passed");
        assert_eq!(v["waiting_for"], "registration");
        // A neighbouring region's officer is refused.
        let binjiang = app.token("binjiang").await;
        let (s, _) = app
            .send_as(
                Method::POST,
                Some(&binjiang),
                &format!("/api/v1/annual-reports/{id}/decision"),
                &json!({"decision": "pass"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&xihu),
                &format!("/api/v1/annual-reports/{id}/decision"),
                &json!({"decision": "pass", "comment": "合格"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "passed");
        assert_eq!(v["supervisory_comment"], "同意报送");
        // Public: the published parts only.
        let (s, v) = app
            .get_as(
                None,
                &format!("/api/v1/annual-reports/published?organization={uscc}"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
        assert_eq!(v[0]["total_assets_fen"], 50_000_000);
        assert!(
            v[0].get("decision_comment").is_none() && v[0].get("decided_by").is_none(),
            "{v}"
        );
        // The officers' lists: 西湖区 sees it, 滨江区 does not; the CSV carries it.
        let (_, list) = app
            .get_as(
                Some(&xihu),
                "/api/v1/annual-reports?year=2025&status=passed",
            )
            .await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == id.as_str()),
            "{list}"
        );
        let (_, list) = app
            .get_as(Some(&binjiang), "/api/v1/annual-reports?year=2025")
            .await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|i| i["id"] != id.as_str()),
            "{list}"
        );
        let csv = TestApp::client()
            .get(app.url("/api/v1/annual-reports/export?year=2025"))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            csv.contains("西湖区年报测试协会") && csv.contains("passed"),
            "{csv}"
        );
        // The pages: the list and the report.
        let page = TestApp::client()
            .get(app.url("/supervision/annual-reports"))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let page = TestApp::client()
            .get(app.url(&format!("/supervision/annual-reports/{id}")))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("西湖区年报测试协会"));
        app
    })
    .await;
}

/// DOMAIN.md rule 14, §4: a submission whose statements do not add up is refused naming each
/// field, and nothing is stored (the draft stays as it was, no audit row).
#[tokio::test]
async fn unbalanced_statements_are_refused_by_field_and_nothing_is_stored() {
    each_backend(|app: TestApp| async move {
        let (org, _) = organization(
            &app,
            "西湖区报表测试中心",
            "330106",
            7102,
            "2021-01-01",
            None,
        )
        .await;
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
            .await
            .unwrap();
        let orgadmin = app.token("orgadmin").await;
        let id = draft(&app, &orgadmin, org, 2025).await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let mut bad = balanced();
        bad["total_assets_fen"] = json!(50_000_001);
        bad["total_income_fen"] = json!(1);
        bad["expense_other_fen"] = json!(-5);
        bad["activities"] = json!("");
        let (s, v) = submit(&app, &orgadmin, &id, &bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "supervision.invalid_report");
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for f in [
            "total_assets_fen",
            "total_income_fen",
            "expense_other_fen",
            "total_expenses_fen",
            "activities",
        ] {
            assert!(fields.contains(&f), "{f} not named: {v}");
        }
        for e in v["errors"].as_array().unwrap() {
            assert!(
                !e["message"]["zh"].as_str().unwrap().is_empty()
                    && !e["message"]["en"].as_str().unwrap().is_empty()
            );
        }
        let r = status_of(&app, &id).await;
        assert_eq!(r["status"], "draft");
        assert_eq!(r["activities"], "草稿");
        assert_eq!(r["total_assets_fen"], 0);
        assert!(r["submitted_on"].is_null());
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
        // Without a 业务主管单位 it goes straight to the officers.
        let (s, v) = submit(&app, &orgadmin, &id, &balanced()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["waiting_for"], "registration");
        app
    })
    .await;
}

/// An org_admin not bound to the organization is refused (403) and nothing changes; a failed
/// report is corrected as a new version, the old one kept (DOMAIN.md §4).
#[tokio::test]
async fn another_organizations_account_is_refused_and_a_failed_report_is_corrected() {
    each_backend(|app: TestApp| async move {
        let (org, _) = organization(&app, "西湖区他人协会", "330106", 7103, "2021-01-01", None).await;
        let admin = app.token("admin").await;
        let (s, v) = app.send_as(Method::POST, Some(&admin), "/api/v1/users",
            &json!({"username": "orgadmin2", "display_name": "另一组织管理员", "password": fengqiao::demo::DEMO_PASSWORD,
                    "grants": [{"role": "org_admin", "region_code": "330106"}]})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        fengqiao::testkit::act_for(&app.state.db, "orgadmin2", org).await.unwrap();
        let own = app.token("orgadmin2").await;
        let id = draft(&app, &own, org, 2025).await;
        let other = app.token("orgadmin").await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let (s, _) = app.send_as(Method::POST, Some(&other), "/api/v1/annual-reports",
            &json!({"organization_id": org, "year": 2024})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.send_as(Method::PUT, Some(&other), &format!("/api/v1/annual-reports/{id}"), &balanced()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = submit(&app, &other, &id, &balanced()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.get_as(Some(&other), &format!("/api/v1/annual-reports/{id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM annual_reports").await, 1);
        assert_eq!(status_of(&app, &id).await["activities"], "草稿");
        // Submitted, failed with a comment, corrected as version 2; version 1 stays failed.
        let (s, _) = submit(&app, &own, &id, &balanced()).await;
        assert_eq!(s, StatusCode::OK);
        let xihu = app.token("xihu").await;
        let (s, v) = app.send_as(Method::POST, Some(&xihu), &format!("/api/v1/annual-reports/{id}/decision"),
            &json!({"decision": "fail"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a fail needs its comment: {v}");
        let (s, _) = app.send_as(Method::POST, Some(&xihu), &format!("/api/v1/annual-reports/{id}/decision"),
            &json!({"decision": "fail", "comment": "管理费用与明细不符"})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = app.send_as(Method::POST, Some(&other), &format!("/api/v1/annual-reports/{id}/versions"), &json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v2) = app.send_as(Method::POST, Some(&own), &format!("/api/v1/annual-reports/{id}/versions"), &json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{v2}");
        assert_eq!(v2["version"], 2);
        assert_eq!(v2["status"], "draft");
        assert_eq!(v2["total_assets_fen"], 50_000_000, "the content is copied");
        let v2id = v2["id"].as_str().unwrap().to_string();
        let (s, v) = submit(&app, &own, &v2id, &balanced()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(status_of(&app, &id).await["status"], "failed");
        // The first submission counts for lateness, not the correction's.
        assert_eq!(v["submitted_on"], "2026-11-27");
        app
    })
    .await;
}

mod deadlines;
mod leaders;
