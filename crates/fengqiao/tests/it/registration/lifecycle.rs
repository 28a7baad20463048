//! Overdue review steps told to the officer and his superior, and the deregistration of a filed
//! community organization that has no USCC.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::post;
use crate::accounts::browser_login;
use crate::{TestApp, assert_problem, each_backend};

/// Drives a direct-registration application to review; returns its id.
pub(super) async fn in_review(app: &TestApp, org: &str, xihu: &str) -> String {
    let mut body = super::establishment("超期测试协会", "charity", json!([]));
    body["supervisory_unit"] = Value::Null;
    let (s, a) = post(app, Some(org), "/api/v1/applications", body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    let all = [
        "application",
        "charter",
        "persons_particulars",
        "premises_proof",
        "capital_verification",
    ];
    post(
        app,
        Some(org),
        &format!("/api/v1/applications/{id}/submit"),
        json!({"materials": all}),
    )
    .await;
    let (s, a) = post(
        app,
        Some(xihu),
        &format!("/api/v1/applications/{id}/intake"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    id
}

pub(super) fn at_nine_in_shanghai(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    d.and_hms_opt(1, 0, 0).unwrap().and_utc()
}

#[tokio::test]
async fn a_step_due_today_is_not_overdue_due_yesterday_it_is_and_both_levels_are_told() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let id = in_review(&app, &org, &xihu).await;
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/applications/{id}")).await;
        let deadline: chrono::NaiveDate = v["steps"][0]["deadline"].as_str().unwrap().parse().unwrap();
        // The deadline is 20 working days from acceptance on the stored calendar.
        let cal = fengqiao::calendar::store::load(&app.state.db).await.unwrap();
        assert_eq!(cal.add_working_days(app.state.clock.today(), 20).unwrap(), deadline);
        let overdue = "/api/v1/review-steps/overdue";

        // Due today: not overdue, nobody told. (Tokens are issued again at the new time.)
        app.clock.set(at_nine_in_shanghai(deadline));
        let xihu = app.token("xihu").await;
        let (s, v) = app.get_as(Some(&xihu), overdue).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!([]));
        assert_eq!(fengqiao::registration::service::overdue::flag(&app.state).await.unwrap(), 0);

        // Due yesterday: overdue for the county officer and for his city; not for another county.
        app.clock.set(at_nine_in_shanghai(deadline.succ_opt().unwrap()));
        let xihu = app.token("xihu").await;
        let city = app.token("hangzhou").await;
        let binjiang = app.token("binjiang").await;
        let (_, v) = app.get_as(Some(&xihu), overdue).await;
        let steps: Vec<&str> = v.as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
        assert_eq!(steps, ["party_building", "registration"], "{v}");
        assert!(v[0]["notified_at"].is_null());
        let (_, v) = app.get_as(Some(&city), overdue).await;
        assert_eq!(v.as_array().unwrap().len(), 2);
        let (_, v) = app.get_as(Some(&binjiang), overdue).await;
        assert_eq!(v, json!([]));
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/applications/{id}")).await;
        assert!(v["steps"].as_array().unwrap().iter().all(|s| s["overdue"] == true));

        // The sweep tells the officer's region and the one above, once.
        assert_eq!(fengqiao::registration::service::overdue::flag(&app.state).await.unwrap(), 4);
        assert_eq!(fengqiao::registration::service::overdue::flag(&app.state).await.unwrap(), 0);
        let (_, v) = app.get_as(Some(&xihu), "/api/v1/notifications").await;
        assert_eq!(v["notifications"].as_array().unwrap().len(), 2, "{v}");
        assert!(v["notifications"].as_array().unwrap().iter().all(|n| n["audience"] == "officer"));
        let (_, v) = app.get_as(Some(&city), "/api/v1/notifications").await;
        assert_eq!(v["notifications"].as_array().unwrap().len(), 2, "{v}");
        assert!(v["notifications"].as_array().unwrap().iter().all(|n| n["audience"] == "superior" && n["recipient_region"] == "330100"));
        let (_, v) = app.get_as(Some(&binjiang), "/api/v1/notifications").await;
        assert_eq!(v, json!({"unread": 0, "notifications": []}));
        let (_, v) = app.get_as(Some(&city), overdue).await;
        assert!(v[0]["notified_at"].is_string());
        assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'application.step_overdue'").await, 2);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'application.step_overdue' AND role = 'system'").await, 2);
        // The city officer's page lists his counties' overdue steps and his notifications.
        let (browser, _) = browser_login(&app, "hangzhou").await;
        let html = crate::page_text(&browser, app.url("/registry/overdue")).await;
        assert!(html.contains("超期测试协会") && html.contains("id=\"notifications\"") && html.contains("上级机关"));
        // A decided step is no longer overdue.
        post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/steps/registration"), json!({"verdict": "approve"})).await;
        let (_, v) = app.get_as(Some(&city), overdue).await;
        assert_eq!(v.as_array().unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_filed_community_organization_without_a_uscc_is_deregistered_by_its_id() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xixi = app.token("xixi").await;
        let xihu = app.token("xihu").await;
        // Filed (备案) by the street office: no USCC.
        let filing = json!({"kind": "filing", "org_type": "community_org", "category": "community_service",
            "name": "石灰桥社区邻里互助队", "domicile_code": "330106004053", "persons": []});
        let (s, a) = post(&app, Some(&org), "/api/v1/applications", filing).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();
        post(&app, Some(&org), &format!("/api/v1/applications/{id}/submit"), json!({"materials": ["filing_form", "charter", "persons_particulars"]})).await;
        post(&app, Some(&xixi), &format!("/api/v1/applications/{id}/intake"), json!({"decision": "accept"})).await;
        post(&app, Some(&xixi), &format!("/api/v1/applications/{id}/steps/registration"), json!({"verdict": "approve"})).await;
        let (s, a) = post(&app, Some(&xixi), &format!("/api/v1/applications/{id}/decision"), json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert!(a["uscc"].is_null());
        let org_id = a["organization_id"].as_str().unwrap().to_string();

        // Found by its id; a malformed or unknown id is named as the field at fault.
        let dereg = |v: Value| json!({"kind": "deregistration", "organization_id": v});
        let got = post(&app, Some(&org), "/api/v1/applications", dereg(json!("not-an-id"))).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.organization_id", Some("organization_id"));
        let got = post(&app, Some(&org), "/api/v1/applications", dereg(json!(uuid::Uuid::now_v7()))).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.organization_id", Some("organization_id"));
        let got = post(&app, Some(&org), "/api/v1/applications", json!({"kind": "deregistration"})).await;
        assert_eq!(got.1["field"], "organization_uscc", "{}", got.1);
        let (s, d) = post(&app, Some(&org), "/api/v1/applications", dereg(json!(org_id))).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(d["organization_id"].as_str(), Some(org_id.as_str()));
        // No registration certificate to hand back: the checklist does not ask for one.
        let keys: Vec<&str> = d["checklist"].as_array().unwrap().iter().map(|m| m["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["application", "liquidation_report"]);
        let did = d["id"].as_str().unwrap().to_string();
        let (s, d) = post(&app, Some(&org), &format!("/api/v1/applications/{did}/submit"), json!({"materials": keys})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        // The street office that filed it takes the 注销 (the county above may too).
        let (s, d) = post(&app, Some(&xixi), &format!("/api/v1/applications/{did}/intake"), json!({"decision": "accept"})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, d) = post(&app, Some(&xixi), &format!("/api/v1/applications/{did}/steps/registration"), json!({"verdict": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, d) = post(&app, Some(&xihu), &format!("/api/v1/applications/{did}/decision"), json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, o) = app.get_as(None, &format!("/api/v1/organizations/{org_id}")).await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["status"], "deregistered");
        assert_eq!(o["history"].as_array().unwrap().len(), 2);
        // Once deregistered it cannot be deregistered again.
        let got = post(&app, Some(&org), "/api/v1/applications", dereg(json!(org_id))).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.organization_id", Some("organization_id"));
        app
    })
    .await;
}
