//! Registry under contention: two reviewers on one step, concurrent approvals, the legal
//! representative rule across applications, and the public objection form's CSRF token.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{establishment, id_number, post};
use crate::{TestApp, each_backend};

/// Drives a direct-registration application with no leaders (no publicity) to the decision.
async fn ready_for_decision(
    app: &TestApp,
    org: &str,
    xihu: &str,
    city: &str,
    name: &str,
) -> String {
    let mut body = establishment(name, "charity", json!([]));
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
    let (s, a) = post(
        app,
        Some(org),
        &format!("/api/v1/applications/{id}/submit"),
        json!({"materials": all}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (s, a) = post(
        app,
        Some(xihu),
        &format!("/api/v1/applications/{id}/intake"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    for (t, step) in [(xihu, "registration"), (city, "party_building")] {
        let (s, a) = post(
            app,
            Some(t),
            &format!("/api/v1/applications/{id}/steps/{step}"),
            json!({"verdict": "approve"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
    }
    id
}

#[tokio::test]
async fn two_reviewers_on_one_step_exactly_one_wins() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let (s, a) = post(&app, Some(&org), "/api/v1/applications", json!({
            "kind": "establishment", "org_type": "social_service_agency", "category": "charity", "name": "西溪助老服务中心",
            "domicile_code": "330106004053"})).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();
        let all = ["application", "charter", "persons_particulars", "premises_proof", "capital_verification"];
        post(&app, Some(&org), &format!("/api/v1/applications/{id}/submit"), json!({"materials": all})).await;
        let (s, _) = post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/intake"), json!({"decision": "accept"})).await;
        assert_eq!(s, StatusCode::OK);
        let audit_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let path = format!("/api/v1/applications/{id}/steps/registration");
        let (a, b) = tokio::join!(
            post(&app, Some(&xihu), &path, json!({"verdict": "approve"})),
            post(&app, Some(&xihu), &path, json!({"verdict": "reject", "opinion": "材料不实"})),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", a.1, b.1);
        let loser = if a.0 == StatusCode::CONFLICT { &a } else { &b };
        assert!(loser.1["code"].as_str().unwrap().starts_with("registry."), "{}", loser.1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit_before + 1);
        app
    })
    .await;
}

#[tokio::test]
async fn concurrent_approvals_never_share_a_uscc() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let city = app.token("hangzhou").await;
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(
                ready_for_decision(&app, &org, &xihu, &city, &format!("西湖区第{i}慈善协会")).await,
            );
        }
        let mut handles = Vec::new();
        for id in &ids {
            let url = app.url(&format!("/api/v1/applications/{id}/decision"));
            let token = xihu.clone();
            handles.push(tokio::spawn(async move {
                let r = TestApp::client()
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"decision": "approve"}))
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.json::<Value>().await.unwrap())
            }));
        }
        let mut codes_seen = std::collections::HashSet::new();
        for h in handles {
            let (s, v) = h.await.unwrap();
            assert_eq!(s, StatusCode::OK, "{v}");
            let uscc = v["uscc"].as_str().unwrap().to_string();
            codes::Uscc::parse(&uscc).unwrap();
            assert!(codes_seen.insert(uscc.clone()), "issued twice: {uscc}");
        }
        assert_eq!(codes_seen.len(), 6);
        assert_eq!(
            app.scalar("SELECT COUNT(DISTINCT uscc) FROM organizations")
                .await,
            6
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_legal_representative_of_another_social_group_is_flagged_for_the_reviewer() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let city = app.token("hangzhou").await;
        let rep = json!([{"name": "赵法代", "id_number": id_number(1975, 55), "position": "会长", "is_legal_rep": true}]);
        let mut body = establishment("第一协会", "charity", rep.clone());
        body["supervisory_unit"] = Value::Null;
        let (_, a) = post(&app, Some(&org), "/api/v1/applications", body).await;
        let id = a["id"].as_str().unwrap().to_string();
        assert!(a["persons"][0]["checks_passed"].as_bool().unwrap(), "{a}");
        let all = ["application", "charter", "persons_particulars", "premises_proof", "capital_verification"];
        post(&app, Some(&org), &format!("/api/v1/applications/{id}/submit"), json!({"materials": all})).await;
        post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/intake"), json!({"decision": "accept"})).await;
        for (t, step) in [(&xihu, "registration"), (&city, "party_building")] {
            post(&app, Some(t), &format!("/api/v1/applications/{id}/steps/{step}"), json!({"verdict": "approve"})).await;
        }
        post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/publicity"), json!({})).await;
        app.clock.advance(chrono::Duration::days(8));
        let xihu = app.token("xihu").await;
        let org = app.token("orgadmin").await;
        let (s, a) = post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/decision"), json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        // The same person named legal representative of a second 社会团体: the check fails, with its reason.
        let mut body = establishment("第二协会", "charity", rep);
        body["supervisory_unit"] = Value::Null;
        let (s, b) = post(&app, Some(&org), "/api/v1/applications", body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["persons"][0]["checks_passed"], false);
        let failed: Vec<&Value> = b["persons"][0]["checks"].as_array().unwrap().iter().filter(|c| c["passed"] == false).collect();
        assert_eq!(failed.len(), 1, "{b}");
        assert_eq!(failed[0]["check"], "legal_rep");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, 1, "one person, found by the blind index");
        app
    })
    .await;
}

#[tokio::test]
async fn the_public_objection_form_needs_its_csrf_token() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let city = app.token("hangzhou").await;
        let rep = json!([{"name": "钱会长", "id_number": id_number(1968, 77), "position": "会长", "is_legal_rep": true}]);
        let mut body = establishment("公示协会", "charity", rep);
        body["supervisory_unit"] = Value::Null;
        let (_, a) = post(&app, Some(&org), "/api/v1/applications", body).await;
        let id = a["id"].as_str().unwrap().to_string();
        let all = ["application", "charter", "persons_particulars", "premises_proof", "capital_verification"];
        post(&app, Some(&org), &format!("/api/v1/applications/{id}/submit"), json!({"materials": all})).await;
        post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/intake"), json!({"decision": "accept"})).await;
        for (t, step) in [(&xihu, "registration"), (&city, "party_building")] {
            post(&app, Some(t), &format!("/api/v1/applications/{id}/steps/{step}"), json!({"verdict": "approve"})).await;
        }
        let (s, _) = post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/publicity"), json!({})).await;
        assert_eq!(s, StatusCode::OK);
        let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = browser.get(app.url(&format!("/registry/publicity/{id}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("钱会长") && html.contains("公示协会"));
        let token = html.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let forged = TestApp::client().post(app.url(&format!("/registry/publicity/{id}"))).form(&[("body", "伪造")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let ok = browser.post(app.url(&format!("/registry/publicity/{id}"))).form(&[("_csrf", token.as_str()), ("body", "有异议")]).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM objections").await, 1);
        app
    })
    .await;
}
