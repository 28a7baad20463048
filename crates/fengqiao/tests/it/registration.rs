//! Registry: the whole journey through the API, role and region refusals, concurrent reviewers
//! and approvals, bad input that changes nothing, and the public objection form.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, assert_problem, each_backend};

mod contested;
mod forms;
mod governance;
mod lifecycle;
mod notifications;
mod objections;
mod publicity_period;

/// A synthetic identity number (unassigned region 330199, DOMAIN.md §1.2).
pub(crate) fn id_number(year: i32, seq: u16) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(year, 3, 15).unwrap();
    codes::IdNumber::from_parts("330199", birth, seq)
        .unwrap()
        .as_str()
        .to_string()
}

pub(crate) fn establishment(name: &str, category: &str, persons: Value) -> Value {
    json!({
        "kind": "establishment", "org_type": "social_group", "category": category, "name": name,
        "domicile_code": "330106004053", "reach": "county", "supervisory_unit": "西湖区科学技术局",
        "business_scope": "养老服务 居家照护", "purpose": "服务社区老人", "address": "西溪路 1 号",
        "funds_fen": 3_000_000, "persons": persons,
    })
}

fn leaders() -> Value {
    json!([
        {"name": "张会长", "id_number": id_number(1970, 11), "position": "会长", "is_legal_rep": true, "retired_official": true},
        {"name": "李秘书长", "id_number": id_number(1990, 22), "position": "秘书长"},
        {"name": "王发起人", "id_number": id_number(1985, 33), "capacity": "founder", "position": "发起人"},
    ])
}

const ALL_MATERIALS: &[&str] = &[
    "application",
    "supervisory_approval",
    "charter",
    "persons_particulars",
    "premises_proof",
    "capital_verification",
];

pub(crate) async fn post(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.send_as(Method::POST, token, path, &body).await
}

#[tokio::test]
async fn the_whole_journey_from_application_to_the_register() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let reviewer = app.token("reviewer").await;
        let city = app.token("hangzhou").await;
        let binjiang = app.token("binjiang").await;

        let (s, a) = post(
            &app,
            Some(&org),
            "/api/v1/applications",
            establishment("西湖区居家养老服务协会", "other", leaders()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["state"], "draft");
        assert_eq!(a["region_code"], "330106");
        let id = a["id"].as_str().unwrap().to_string();
        // Checks ran when the persons were named; identity numbers are masked.
        let persons = a["persons"].as_array().unwrap();
        assert_eq!(persons.len(), 3);
        assert!(
            persons
                .iter()
                .all(|p| p["id_number_masked"].as_str().unwrap().contains("********"))
        );
        assert!(!a.to_string().contains(&id_number(1970, 11)));
        assert!(
            persons[0]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["check"] == "retired_official_age" && c["passed"] == true)
        );

        // Submitted with two materials: intake returns it once with the complete missing list.
        let (s, a) = post(
            &app,
            Some(&org),
            &format!("/api/v1/applications/{id}/submit"),
            json!({"materials": ["application", "charter"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["state"], "submitted");
        let got = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/intake"),
            json!({"decision": "accept"}),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::CONFLICT,
            "registry.materials",
            Some("materials"),
        );
        let (s, a) = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/intake"),
            json!({"decision": "return"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["state"], "returned");
        assert_eq!(
            a["missing_materials"],
            json!([
                "supervisory_approval",
                "persons_particulars",
                "premises_proof",
                "capital_verification"
            ])
        );

        // Resubmitted complete; it cannot be returned a second time, only accepted.
        let (s, a) = post(
            &app,
            Some(&org),
            &format!("/api/v1/applications/{id}/submit"),
            json!({"materials": ALL_MATERIALS}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["state"], "resubmitted");
        let got = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/intake"),
            json!({"decision": "return", "also_missing": ["charter"]}),
        )
        .await;
        assert_problem(&got, StatusCode::CONFLICT, "registry.state", None);
        // The 滨江区 officer cannot act on a 西湖区 application; the founder cannot take intake.
        let (s, _) = post(
            &app,
            Some(&binjiang),
            &format!("/api/v1/applications/{id}/intake"),
            json!({"decision": "accept"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get_as(Some(&binjiang), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = post(
            &app,
            Some(&org),
            &format!("/api/v1/applications/{id}/intake"),
            json!({"decision": "accept"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, a) = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/intake"),
            json!({"decision": "accept"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["state"], "in_review");
        let steps: Vec<&str> = a["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["party_building", "registration", "supervisory"]);
        // 20 working days from Friday 2026-11-27.
        assert!(
            a["steps"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["deadline"] == "2026-12-25" && s["overdue"] == false),
            "{a}"
        );

        // Parallel reviews by three roles; each role only its own step.
        let (s, _) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/applications/{id}/steps/registration"),
            json!({"verdict": "approve"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        for (token, step) in [
            (&reviewer, "supervisory"),
            (&city, "party_building"),
            (&xihu, "registration"),
        ] {
            let (s, a) = post(
                &app,
                Some(token),
                &format!("/api/v1/applications/{id}/steps/{step}"),
                json!({"verdict": "approve", "opinion": "同意"}),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{step}: {a}");
        }
        let got = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/decision"),
            json!({"decision": "approve"}),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::CONFLICT,
            "registry.publicity",
            Some("publicity"),
        );

        // Publicity: 5 working days; one objection from the public, answered by the officer.
        let (s, a) = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/publicity"),
            json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["publicity_until"], "2026-12-04");
        let (s, n) = app.get_as(None, &format!("/api/v1/publicity/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{n}");
        assert_eq!(n["persons"].as_array().unwrap().len(), 2);
        assert!(
            !n.to_string().contains("330199"),
            "no identity numbers on the notice: {n}"
        );
        let got = post(
            &app,
            None,
            &format!("/api/v1/publicity/{id}/objections"),
            json!({"body": "  "}),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.body",
            Some("body"),
        );
        let (s, o) = post(
            &app,
            None,
            &format!("/api/v1/publicity/{id}/objections"),
            json!({"name": "居民甲", "body": "会长年事已高"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let objection = o["id"].as_str().unwrap().to_string();
        let got = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/decision"),
            json!({"decision": "approve"}),
        )
        .await;
        assert_problem(&got, StatusCode::CONFLICT, "registry.publicity", None);
        app.clock.advance(chrono::Duration::days(8));
        // Tokens do not outlive the week; the officer logs in again.
        let xihu = app.token("xihu").await;
        let got = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/decision"),
            json!({"decision": "approve"}),
        )
        .await;
        assert_problem(&got, StatusCode::CONFLICT, "registry.objections", None);
        let (s, a) = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/objections/{objection}/answer"),
            json!({"answer": "经核查，年龄符合规定"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let (s, a) = post(
            &app,
            Some(&xihu),
            &format!("/api/v1/applications/{id}/decision"),
            json!({"decision": "approve"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["state"], "approved");

        // The USCC: valid, civil affairs, 社会团体, the authority's region.
        let uscc = a["uscc"].as_str().unwrap().to_string();
        let code = codes::Uscc::parse(&uscc).unwrap();
        assert!(uscc.starts_with("51330106MJ"), "{uscc}");
        assert_eq!(code.civil_affairs_serial(), Some(1));
        // The founder's account now acts for the organization it founded.
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM organization_accounts oa JOIN users u ON u.id = oa.user_id JOIN organizations o ON o.id = oa.organization_id WHERE u.username = 'orgadmin' AND o.uscc IS NOT NULL")
                .await,
            1
        );
        let (s, o) = app
            .get_as(None, &format!("/api/v1/organizations/{uscc}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["name"], "西湖区居家养老服务协会");
        assert_eq!(o["status"], "registered");
        assert_eq!(o["credit_status"], "none");
        assert_eq!(o["leaders"].as_array().unwrap().len(), 2);
        assert!(
            o["leaders"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["id_number_masked"].as_str().unwrap().contains("********"))
        );
        assert_eq!(o["history"][0]["state"], "approved");
        let page = TestApp::client()
            .get(app.url(&format!("/registry/organizations/{uscc}/certificate")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains(&uscc) && html.contains("/assets/certificate.css"));
        // Its print layout is a stylesheet of its own (the CSP allows no inline style).
        let css = crate::page_text(&TestApp::client(), app.url("/assets/certificate.css")).await;
        assert!(css.contains("@media print"));
        // Every step was audited.
        let approvals = app
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'application.approve'")
            .await;
        assert_eq!(approvals, 1);
        assert!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE object_kind = 'application'")
                .await
                >= 12
        );
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let mut bad_id = leaders();
        bad_id[1]["id_number"] = json!("330199199003150221");
        let got = post(
            &app,
            Some(&org),
            "/api/v1/applications",
            establishment("坏号码协会", "other", bad_id),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            got.1["code"].as_str().unwrap_or("?"),
            Some("persons[1].id_number"),
        );
        let mut body = establishment("无区划协会", "other", json!([]));
        body["domicile_code"] = json!("330199");
        let got = post(&app, Some(&org), "/api/v1/applications", body).await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.domicile_code",
            Some("domicile_code"),
        );
        let mut body = establishment("无主管单位协会", "other", json!([]));
        body["supervisory_unit"] = Value::Null;
        let got = post(&app, Some(&org), "/api/v1/applications", body).await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.supervisory_unit",
            Some("supervisory_unit"),
        );
        let got = post(
            &app,
            Some(&org),
            "/api/v1/applications",
            json!({"kind": "merger"}),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.kind",
            Some("kind"),
        );
        // The founder of 西湖区 cannot apply in 滨江区.
        let mut body = establishment("滨江协会", "other", json!([]));
        body["domicile_code"] = json!("330108001001");
        let (s, _) = post(&app, Some(&org), "/api/v1/applications", body).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
        // An unknown material is refused naming its index.
        let (_, a) = post(
            &app,
            Some(&org),
            "/api/v1/applications",
            establishment("材料协会", "other", json!([])),
        )
        .await;
        let id = a["id"].as_str().unwrap();
        let got = post(
            &app,
            Some(&org),
            &format!("/api/v1/applications/{id}/submit"),
            json!({"materials": ["application", "photo"]}),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.materials[1]",
            Some("materials[1]"),
        );
        let (_, v) = app
            .get_as(Some(&org), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(v["state"], "draft");
        app
    })
    .await;
}
