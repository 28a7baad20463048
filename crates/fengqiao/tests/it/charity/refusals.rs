//! Refused applications and plans: each names its field, in Chinese and English, and changes
//! nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{counts, make_charity, org, plan_body, post, qualified_charity};
use crate::{TestApp, assert_problem, each_backend};

#[tokio::test]
async fn refused_applications_name_the_field_and_change_nothing() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, filed) = org(&app, "330106", "social_group", "filed", "助老").await;
        let (_, revoked) = org(&app, "330106", "social_group", "revoked", "助老").await;
        let (_, no_purpose) = org(&app, "330106", "foundation", "registered", "  ").await;
        let (_, binjiang) = org(&app, "330108", "foundation", "registered", "助老").await;
        let (_, not_charity) = org(&app, "330106", "foundation", "registered", "助老").await;
        let before = counts(&app).await;
        let apply = |kind: &str, uscc: &str| json!({"kind": kind, "organization_uscc": uscc});
        let path = "/api/v1/charity/applications";
        for (body, code, field) in [
            (
                apply("recognition", &filed),
                "charity.check.registered",
                "organization_uscc",
            ),
            (
                apply("recognition", &revoked),
                "charity.check.registered",
                "organization_uscc",
            ),
            (
                apply("recognition", &no_purpose),
                "charity.check.purpose",
                "organization_uscc",
            ),
            (
                apply("qualification", &not_charity),
                "charity.check.charity",
                "organization_uscc",
            ),
            (
                apply("recognition", "51330106MJ0000000X"),
                "charity.organization_unknown",
                "organization_uscc",
            ),
            (apply("adoption", &not_charity), "charity.kind", "kind"),
            (
                apply("recognition", ""),
                "charity.required",
                "organization_uscc",
            ),
        ] {
            let got = post(&app, Some(&org_admin), path, body.clone()).await;
            assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        }
        // 西湖区's org_admin does not act for an organization of 滨江区.
        let (s, _) = post(
            &app,
            Some(&org_admin),
            path,
            apply("recognition", &binjiang),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Officers do not apply.
        let xihu = app.token("xihu").await;
        let (s, _) = post(&app, Some(&xihu), path, apply("recognition", &not_charity)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(counts(&app).await, before);
        app
    })
    .await;
}

#[tokio::test]
async fn refused_plans_name_the_field_and_change_nothing() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = qualified_charity(&app).await;
        let (recognized_id, recognized) =
            org(&app, "330106", "foundation", "registered", "助老").await;
        make_charity(&app, recognized_id, "2020-01-01", false).await;
        let (_, plain) = org(&app, "330106", "foundation", "registered", "助老").await;
        let before = counts(&app).await;
        let path = "/api/v1/charity/plans";
        let with = |k: &str, v: Value| {
            let mut b = plan_body(&uscc, "西溪暖冬行动", "2026-12-07", "2027-02-28");
            b[k] = v;
            b
        };
        let cases = [
            (
                plan_body(&recognized, "t", "2026-12-07", "2027-02-28"),
                "charity.not_qualified",
                "organization_uscc",
            ),
            (
                plan_body(&plain, "t", "2026-12-07", "2027-02-28"),
                "charity.not_qualified",
                "organization_uscc",
            ),
            (
                with("starts_on", json!("2026-12-06")),
                "charity.filing_too_late",
                "starts_on",
            ),
            (
                with("starts_on", json!("2026-11-20")),
                "charity.filing_too_late",
                "starts_on",
            ),
            (
                with("ends_on", json!("2026-12-06")),
                "charity.period",
                "ends_on",
            ),
            (
                with("starts_on", json!("2026-13-01")),
                "charity.date",
                "starts_on",
            ),
            (
                with("target_yuan", json!("12.345")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("-5")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("0")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("1e5")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("")),
                "charity.amount",
                "target_yuan",
            ),
            (with("title", json!(" ")), "charity.required", "title"),
            (with("contact", json!("")), "charity.required", "contact"),
            (
                with("region_code", json!("339999")),
                "charity.region_unknown",
                "region_code",
            ),
        ];
        for (body, code, field) in cases {
            let got = post(&app, Some(&org_admin), path, body).await;
            assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        }
        // A number in the amount field is no yuan string.
        let (s, _) = post(
            &app,
            Some(&org_admin),
            path,
            with("target_yuan", json!(50000.5)),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // Emergency relief: up to 10 days after the start, not 11.
        let mut late = with("starts_on", json!("2026-11-16"));
        late["emergency"] = json!(true);
        let got = post(&app, Some(&org_admin), path, late).await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.emergency_too_late",
            Some("starts_on"),
        );
        assert_eq!(counts(&app).await, before, "refusals change nothing");
        let mut urgent = with("starts_on", json!("2026-11-17"));
        urgent["emergency"] = json!(true);
        urgent["title"] = json!("台风应急救灾");
        let (s, p) = post(&app, Some(&org_admin), path, urgent).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        // One filing per campaign.
        let (s, _) = post(
            &app,
            Some(&org_admin),
            path,
            with("title", json!("西溪暖冬行动")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let got = post(
            &app,
            Some(&org_admin),
            path,
            with("title", json!(" 西溪 暖冬行动 ")),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::CONFLICT,
            "charity.campaign_filed",
            Some("title"),
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM fundraising_plans").await,
            2
        );
        app
    })
    .await;
}

/// A plan lasts at most `PLAN_MAX_YEARS` years (issue 15: one ending 9999-12-31 was accepted):
/// the same date three years on is the last day allowed; a day more is refused naming
/// `ends_on`, and nothing is stored.
#[tokio::test]
async fn a_plan_longer_than_the_maximum_is_refused_on_its_end_date() {
    use fengqiao::charity::model::rules::PLAN_MAX_YEARS;
    assert_eq!(PLAN_MAX_YEARS, 3, "the dates below are three years apart");
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = qualified_charity(&app).await;
        let path = "/api/v1/charity/plans";
        let before = counts(&app).await;
        for (title, ends) in [("超长一", "2029-12-08"), ("超长二", "9999-12-31")] {
            let got = post(
                &app,
                Some(&org_admin),
                path,
                plan_body(&uscc, title, "2026-12-07", ends),
            )
            .await;
            assert_problem(
                &got,
                StatusCode::UNPROCESSABLE_ENTITY,
                "charity.period_too_long",
                Some("ends_on"),
            );
        }
        assert_eq!(counts(&app).await, before, "refusals change nothing");
        let (s, p) = post(
            &app,
            Some(&org_admin),
            path,
            plan_body(&uscc, "三年之约", "2026-12-07", "2029-12-07"),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        app
    })
    .await;
}

/// A disclosure is dated neither in the future nor before its plan existed (issue 15: one dated
/// 1900-01-01 was accepted): the earlier of the filing day and the start is the first day
/// allowed (an emergency appeal is filed after it starts), the day before is refused naming
/// `disclosed_on`, and nothing is stored.
#[tokio::test]
async fn a_disclosure_dated_before_its_plan_or_in_the_future_is_refused() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = qualified_charity(&app).await;
        // Filed today (2026-11-27) for a start ten days on.
        let (s, p) = post(
            &app,
            Some(&org_admin),
            "/api/v1/charity/plans",
            plan_body(&uscc, "冬衣募捐", "2026-12-07", "2027-03-31"),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let ordinary = p["filing_no"].as_str().unwrap().to_string();
        // An emergency appeal that began a week ago, filed today.
        let mut body = plan_body(&uscc, "台风应急救灾", "2026-11-20", "2026-12-31");
        body["emergency"] = json!(true);
        let (s, p) = post(&app, Some(&org_admin), "/api/v1/charity/plans", body).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let emergency = p["filing_no"].as_str().unwrap().to_string();
        let disclose = |no: &str, on: &str| {
            let path = format!("/api/v1/charity/plans/{}/disclosures", super::seg(no));
            let body = json!({"kind": "progress", "disclosed_on": on, "summary": "进展"});
            let app = &app;
            let token = org_admin.clone();
            async move { post(app, Some(&token), &path, body).await }
        };
        let stored = || app.scalar("SELECT COUNT(*) FROM charity_disclosures");
        for (no, on, code) in [
            (&ordinary, "1900-01-01", "charity.disclosure_before_plan"),
            (&ordinary, "2026-11-26", "charity.disclosure_before_plan"),
            (&ordinary, "2026-11-28", "charity.future"),
            (&emergency, "2026-11-19", "charity.disclosure_before_plan"),
        ] {
            let got = disclose(no, on).await;
            assert_problem(
                &got,
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                Some("disclosed_on"),
            );
        }
        assert_eq!(stored().await, 0, "refusals change nothing");
        for (no, on) in [(&ordinary, "2026-11-27"), (&emergency, "2026-11-20")] {
            let (s, d) = disclose(no, on).await;
            assert_eq!(s, StatusCode::CREATED, "{on}: {d}");
        }
        assert_eq!(stored().await, 2);
        app
    })
    .await;
}
