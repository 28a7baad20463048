//! The qualification's minimum time as a charity by date (DOMAIN.md rule 22): 24 months for an
//! application dated before 2024-09-05, 12 months from then, judged on the application date —
//! each on both sides of its boundary, and approved by the officer after the change.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{make_charity, org, post, set_day};
use crate::{TestApp, assert_problem, each_backend};

/// The charity's qualification application on `day`, as `orgadmin`.
async fn apply_on(app: &TestApp, uscc: &str, day: &str) -> (StatusCode, Value) {
    set_day(app, day);
    let org_admin = app.token("orgadmin").await;
    post(
        app,
        Some(&org_admin),
        "/api/v1/charity/applications",
        json!({"kind": "qualification", "organization_uscc": uscc}),
    )
    .await
}

/// The zh reason of the `one_year` check.
fn one_year(a: &Value) -> String {
    a["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "one_year")
        .unwrap()["zh"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn approve_on(app: &TestApp, id: &str, day: &str) -> (StatusCode, Value) {
    set_day(app, day);
    let xihu = app.token("xihu").await;
    post(
        app,
        Some(&xihu),
        &format!("/api/v1/charity/applications/{id}/decision"),
        json!({"decision": "approve"}),
    )
    .await
}

/// A charity of 西湖区 recognized on `recognized`, not qualified; its USCC.
async fn charity(app: &TestApp, recognized: &str) -> String {
    let (id, uscc) = org(app, "330106", "foundation", "registered", "扶老助残").await;
    make_charity(app, id, recognized, false).await;
    uscc
}

#[tokio::test]
async fn before_2024_09_05_two_years_from_then_one_judged_on_the_application_date() {
    each_backend(|app: TestApp| async move {
        let applications = "SELECT COUNT(*) FROM charity_applications";

        // Applied before 2024-09-05: 24 months. Recognized 2022-08-01, refused on 2024-07-31
        // (24 months minus a day, though well past 12), filed on 2024-08-01.
        let a = charity(&app, "2022-08-01").await;
        let got = apply_on(&app, &a, "2024-07-31").await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.check.one_year",
            Some("organization_uscc"),
        );
        assert!(
            got.1["message"]["zh"]
                .as_str()
                .unwrap()
                .contains("满 24 个月"),
            "{}",
            got.1
        );
        assert_eq!(app.scalar(applications).await, 0, "refusals change nothing");
        let (s, filed) = apply_on(&app, &a, "2024-08-01").await;
        assert_eq!(s, StatusCode::CREATED, "{filed}");
        assert!(one_year(&filed).contains("满 24 个月"), "{filed}");
        let id = filed["id"].as_str().unwrap().to_string();

        // Twelve months to the day, but the day before the amendment: still refused.
        let b = charity(&app, "2023-09-04").await;
        let got = apply_on(&app, &b, "2024-09-04").await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.check.one_year",
            Some("organization_uscc"),
        );
        // From 2024-09-05 the 12 months apply.
        let (s, filed_b) = apply_on(&app, &b, "2024-09-05").await;
        assert_eq!(s, StatusCode::CREATED, "{filed_b}");
        assert!(one_year(&filed_b).contains("满 12 个月"), "{filed_b}");

        // Decided after the amendment, the first is still judged by its application date's rule.
        set_day(&app, "2024-09-10");
        let xihu = app.token("xihu").await;
        let (s, v) = app
            .get_as(Some(&xihu), &format!("/api/v1/charity/applications/{id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(one_year(&v).contains("满 24 个月"), "{v}");
        assert_eq!(v["deadline_days"], 20);
        let (s, v) = approve_on(&app, &id, "2024-09-10").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "approved");
        let (s, v) = approve_on(&app, filed_b["id"].as_str().unwrap(), "2024-09-10").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "approved");
        app
    })
    .await;
}

#[tokio::test]
async fn a_charity_recognized_after_2024_09_05_waits_twelve_months_to_the_day() {
    each_backend(|app: TestApp| async move {
        let c = charity(&app, "2024-10-15").await;
        let got = apply_on(&app, &c, "2025-10-14").await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.check.one_year",
            Some("organization_uscc"),
        );
        assert!(
            got.1["message"]["zh"]
                .as_str()
                .unwrap()
                .contains("满 12 个月"),
            "{}",
            got.1
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM charity_applications")
                .await,
            0
        );
        let (s, filed) = apply_on(&app, &c, "2025-10-15").await;
        assert_eq!(s, StatusCode::CREATED, "{filed}");
        assert_eq!(filed["all_passed"], true);
        let (s, v) = approve_on(&app, filed["id"].as_str().unwrap(), "2025-10-16").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "approved");
        let qualified = app
            .scalar("SELECT COUNT(*) FROM charities WHERE qualified_on IS NOT NULL")
            .await;
        assert_eq!(qualified, 1);
        app
    })
    .await;
}
