//! Departments (部门, issue 8): kept per region, named by role grants and by applications; the
//! supervisory review step is addressed to the 业务主管单位 the application names, and a reviewer
//! of another department is refused it (`platform::departments::authorize`).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::registration::{establishment, id_number, post};
use crate::{TestApp, assert_problem, each_backend};

const ALL_MATERIALS: &[&str] = &[
    "application",
    "supervisory_approval",
    "charter",
    "persons_particulars",
    "premises_proof",
    "capital_verification",
];

fn leaders() -> Value {
    json!([
        {"name": "赵会长", "id_number": id_number(1972, 41), "position": "会长", "is_legal_rep": true},
        {"name": "钱秘书长", "id_number": id_number(1988, 42), "position": "秘书长"},
    ])
}

/// An application naming `unit`, submitted complete and accepted: in review.
async fn in_review(app: &TestApp, name: &str, unit: &str) -> String {
    let org = app.token("orgadmin").await;
    let xihu = app.token("xihu").await;
    let mut body = establishment(name, "other", leaders());
    body["supervisory_unit"] = json!(unit);
    let (s, a) = post(app, Some(&org), "/api/v1/applications", body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    let (s, a) = post(
        app,
        Some(&org),
        &format!("/api/v1/applications/{id}/submit"),
        json!({"materials": ALL_MATERIALS}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (s, a) = post(
        app,
        Some(&xihu),
        &format!("/api/v1/applications/{id}/intake"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    id
}

/// An account of `role` acting for `department` in 西湖区, created through the API; its token.
async fn reviewer_of(app: &TestApp, username: &str, department: Option<&str>) -> String {
    let admin = app.token("admin").await;
    let (s, v) = post(
        app,
        Some(&admin),
        "/api/v1/users",
        json!({"username": username, "display_name": "审查员", "password": fengqiao::demo::DEMO_PASSWORD,
               "grants": [{"role": "dept_reviewer", "region_code": "330106", "department": department}]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    app.token(username).await
}

async fn supervisory_state(app: &TestApp, id: &str) -> String {
    let (_, a) = app
        .get_as(
            Some(&app.token("xihu").await),
            &format!("/api/v1/applications/{id}"),
        )
        .await;
    a["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "supervisory")
        .map(|s| s["state"].as_str().unwrap().to_string())
        .unwrap()
}

/// The supervisory step is addressed to the unit the application names: the reviewer of
/// another department (西湖区教育局) and a reviewer whose grant names no department are refused
/// it, changing nothing; the unit's own reviewer (西湖区科学技术局, the demo `reviewer`)
/// decides it. The other steps are not addressed to a department.
#[tokio::test]
async fn a_reviewer_of_another_department_is_refused_the_supervisory_step() {
    each_backend(|app: TestApp| async move {
        let id = in_review(&app, "西湖区机器人爱好者协会", "西湖区科学技术局").await;
        let step = format!("/api/v1/applications/{id}/steps/supervisory");
        let verdict = json!({"verdict": "approve", "opinion": "同意"});
        let education = reviewer_of(&app, "jiaoyu", Some("330106.jiaoyu")).await;
        let nobody = reviewer_of(&app, "nodept", None).await;
        for token in [&education, &nobody] {
            let got = post(&app, Some(token), &step, verdict.clone()).await;
            assert_problem(&got, StatusCode::FORBIDDEN, "forbidden", None);
            assert_eq!(supervisory_state(&app, &id).await, "pending");
        }
        let science = app.token("reviewer").await;
        let (s, a) = post(&app, Some(&science), &step, verdict.clone()).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(supervisory_state(&app, &id).await, "approved");
        // The unit is stored by its department; its name is what the application shows.
        assert_eq!(a["supervisory_unit"], "西湖区科学技术局");
        // The party-building step is addressed to no department: the education reviewer (a
        // reviewer of the region) may decide it, as before.
        let (s, a) = post(
            &app,
            Some(&education),
            &format!("/api/v1/applications/{id}/steps/party_building"),
            verdict,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        app
    })
    .await;
}

async fn count(app: &TestApp) -> i64 {
    let db = &app.state.db;
    fengqiao::with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM applications")
        .fetch_one(pool).await.unwrap())
}

/// The unit is named by the department's id or its exact name, among the departments of the
/// application's region and the regions above it; another name is refused naming the field.
#[tokio::test]
async fn the_supervisory_unit_must_be_a_department_kept_for_the_region() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let before = count(&app).await;
        for unit in [
            "西湖区科学技术",
            "滨江区科学技术局",
            "330106.nosuch",
            "西湖区民政局",
        ] {
            let mut body = establishment("西湖区测试协会", "other", leaders());
            body["supervisory_unit"] = json!(unit);
            let got = post(&app, Some(&org), "/api/v1/applications", body).await;
            assert_problem(
                &got,
                StatusCode::UNPROCESSABLE_ENTITY,
                "registry.supervisory_unit",
                Some("supervisory_unit"),
            );
        }
        assert_eq!(count(&app).await, before, "nothing is stored");
        let mut body = establishment("西湖区测试协会", "other", leaders());
        body["supervisory_unit"] = json!("330106.jiaoyu");
        let (s, a) = post(&app, Some(&org), "/api/v1/applications", body).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["supervisory_unit"], "西湖区教育局");
        app
    })
    .await;
}

/// Anyone reads the departments serving a region (nearest first, by kind); the officers of a
/// region add its departments (audited), nobody else's; bad input names its field.
#[tokio::test]
async fn departments_are_kept_per_region_by_its_officers() {
    each_backend(|app: TestApp| async move {
        let (s, v) = app
            .get_as(None, "/api/v1/departments?region=330106004053&kind=supervisory")
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let names: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"西湖区科学技术局"), "{names:?}");
        assert!(v.as_array().unwrap().iter().all(|d| d["kind"] == "supervisory"));
        let (s, v) = app.get_as(None, "/api/v1/departments?region=330108").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            v.as_array().unwrap().iter().all(|d| d["region_code"] != "330106"),
            "西湖区's departments do not serve 滨江区: {v}"
        );
        // Nearest region first: 西湖区's before 杭州市's.
        let (_, v) = app
            .get_as(None, "/api/v1/departments?region=330106&kind=civil_affairs")
            .await;
        let regions: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["region_code"].as_str().unwrap())
            .collect();
        assert_eq!(regions, ["330106", "330100"]);
        let got = app.get_as(None, "/api/v1/departments?region=33010").await;
        assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(got.1["field"], "region");
        let got = app
            .get_as(None, "/api/v1/departments?region=330106&kind=army")
            .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "department.kind",
            Some("kind"),
        );

        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let new = json!({"id": "330106.tiyu", "kind": "supervisory", "name": "西湖区体育发展中心"});
        let got = post(&app, Some(&binjiang), "/api/v1/departments", new.clone()).await;
        assert_eq!(got.0, StatusCode::FORBIDDEN, "{}", got.1);
        let got = post(&app, Some(&app.token("reviewer").await), "/api/v1/departments", new.clone()).await;
        assert_eq!(got.0, StatusCode::FORBIDDEN, "{}", got.1);
        let (s, d) = post(&app, Some(&xihu), "/api/v1/departments", new.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(d["region_code"], "330106");
        let got = post(&app, Some(&xihu), "/api/v1/departments", new).await;
        assert_problem(&got, StatusCode::CONFLICT, "department.exists", Some("id"));
        for (body, field) in [
            (json!({"id": "330106.Tiyu", "kind": "supervisory", "name": "x"}), "id"),
            (json!({"id": "330106.x", "kind": "army", "name": "x"}), "kind"),
            (json!({"id": "330106.x", "kind": "other", "name": " "}), "name"),
        ] {
            let got = post(&app, Some(&xihu), "/api/v1/departments", body).await;
            assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", got.1);
            assert_eq!(got.1["field"], field);
        }
        let db = &app.state.db;
        let audited = fengqiao::with_db!(db, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'department.create' AND object_id = '330106.tiyu'")
            .fetch_one(pool).await.unwrap());
        assert_eq!(audited, 1);
        app
    })
    .await;
}

/// A grant names a department of its own region: another region's, or one not kept, is
/// refused naming the grant's field, and no account is created.
#[tokio::test]
async fn a_grant_names_a_department_of_its_region() {
    each_backend(|app: TestApp| async move {
        let admin = app.token("admin").await;
        for department in ["330100.minzheng", "330106.nosuch"] {
            let got = app
                .send_as(
                    Method::POST,
                    Some(&admin),
                    "/api/v1/users",
                    &json!({"username": "wrongdept", "display_name": "审查员", "password": fengqiao::demo::DEMO_PASSWORD,
                            "grants": [{"role": "dept_reviewer", "region_code": "330106", "department": department}]}),
                )
                .await;
            assert_problem(
                &got,
                StatusCode::UNPROCESSABLE_ENTITY,
                "department.unknown",
                Some("grants[0].department"),
            );
        }
        let (s, users) = app.get_as(Some(&admin), "/api/v1/users").await;
        assert_eq!(s, StatusCode::OK);
        assert!(!users.to_string().contains("wrongdept"));
        assert!(users.to_string().contains("dept_reviewer@330106/330106.kejiju"), "{users}");
        app
    })
    .await;
}
