//! Closing a filed fundraising plan (募捐方案的终止与撤回): by the charity acting for itself or an
//! officer of its region, with a reason, audited; its page says so, and donations to it are
//! refused naming the field and change nothing — at once through this server, and within the
//! plan cache's second when it was closed elsewhere.

use fengqiao::platform::Clock;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::donations::{PLAN, counts, day, donation, give, urlencoding, with_plan};
use crate::{TestApp, assert_problem, each_backend};

async fn plan_org(app: &TestApp, filing_no: &str) -> uuid::Uuid {
    let plan = fengqiao::charity::store::plan_by_filing_no(&app.state.db, filing_no)
        .await
        .unwrap()
        .unwrap();
    plan.organization_id
}

#[tokio::test]
async fn a_closed_plan_says_why_and_takes_no_more_donations() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let close = format!("/api/v1/charity/plans/{}/close", urlencoding(PLAN));
        let (s, _) = give(&app, Some("before-close"), &donation(5_000, "test_confirm")).await;
        assert_eq!(s, StatusCode::CREATED);
        let closes = "SELECT COUNT(*) FROM audit_log WHERE action = 'fundraising_plan.close'";
        let reason = json!({"reason": "受助学生已全部得到资助"});

        // Refused: another region's officer, an organization account not bound to the charity,
        // a missing reason (named); nothing changed.
        let binjiang = app.token("binjiang").await;
        let orgadmin = app.token("orgadmin").await;
        let r = app
            .send_as(Method::POST, Some(&binjiang), &close, &reason)
            .await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        let r = app
            .send_as(Method::POST, Some(&orgadmin), &close, &reason)
            .await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", plan_org(&app, PLAN).await)
            .await
            .unwrap();
        for body in [json!({}), json!({"reason": "  "})] {
            let r = app
                .send_as(Method::POST, Some(&orgadmin), &close, &body)
                .await;
            assert_problem(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                "charity.required",
                Some("reason"),
            );
        }
        assert_eq!(app.scalar(closes).await, 0);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM fundraising_plan_closures")
                .await,
            0
        );

        // Closed by the charity, audited; its page says so, with the reason and the date.
        let (s, v) = app
            .send_as(Method::POST, Some(&orgadmin), &close, &reason)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "closed");
        assert_eq!(v["open_today"], false);
        assert_eq!(v["closure"]["reason"], "受助学生已全部得到资助");
        assert_eq!(v["closure"]["closed_on"], "2026-11-27");
        assert_eq!(app.scalar(closes).await, 1);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'fundraising_plan.close'")
                .await,
            1
        );
        let (_, v) = app
            .get_as(
                None,
                &format!("/api/v1/charity/plans/{}", urlencoding(PLAN)),
            )
            .await;
        assert_eq!(v["closure"]["status"], "closed");
        let html = crate::page_text(
            &TestApp::client(),
            app.url(&format!("/charity/plans/{}", urlencoding(PLAN))),
        )
        .await;
        assert!(
            html.contains("本募捐方案已结束")
                && html.contains("受助学生已全部得到资助")
                && html.contains("2026-11-27"),
            "{html}"
        );
        assert!(!html.contains("id=\"form-close\""));

        // A donation now is refused, naming the field, at once (this server forgot the plan),
        // and changes nothing.
        let before = counts(&app).await;
        let r = give(&app, Some("after-close"), &donation(5_000, "test_confirm")).await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.plan.not_filed",
            Some("project"),
        );
        assert_eq!(counts(&app).await, before);
        // A retry of the donation made before the closing still gets that donation (200, the
        // same id); the same key for another amount is a conflict; nothing changes.
        let (s, first) = give(&app, Some("before-close"), &donation(5_000, "test_confirm")).await;
        assert_eq!(s, StatusCode::OK, "{first}");
        assert_eq!(first["status"], "confirmed");
        let r = give(&app, Some("before-close"), &donation(6_000, "test_confirm")).await;
        assert_problem(
            &r,
            StatusCode::CONFLICT,
            "donations.idempotency_key_reused",
            Some("Idempotency-Key"),
        );
        assert_eq!(counts(&app).await, before);
        // Closed once: a second closing is a conflict and changes nothing.
        let r = app
            .send_as(Method::POST, Some(&orgadmin), &close, &reason)
            .await;
        assert_problem(
            &r,
            StatusCode::CONFLICT,
            "charity.plan.already_closed",
            None,
        );
        assert_eq!(app.scalar(closes).await, 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_plan_closed_by_another_server_is_refused_once_the_cache_second_has_passed() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let (s, _) = give(&app, Some("k-1"), &donation(5_000, "test_confirm")).await;
        assert_eq!(s, StatusCode::CREATED);
        // Another server closes it: this server's plan cache is not told.
        let plan = fengqiao::charity::store::plan_by_filing_no(&app.state.db, PLAN)
            .await
            .unwrap()
            .unwrap();
        fengqiao::charity::store::close_plan(
            &app.state.db,
            app.clock.now(),
            day("2026-11-27"),
            &fengqiao::platform::auth::Actor::System,
            &plan,
            "330106",
            "closed",
            "另一台服务器上结束",
        )
        .await
        .unwrap();
        // Within the second the facts read before still stand (the window PLAN_CACHE_TTL
        // documents); from the second on the closing is seen.
        let ttl = chrono::Duration::from_std(fengqiao::donations::service::PLAN_CACHE_TTL).unwrap();
        app.clock.advance(ttl - chrono::Duration::milliseconds(1));
        let (s, _) = give(&app, Some("k-2"), &donation(5_000, "test_confirm")).await;
        assert_eq!(s, StatusCode::CREATED);
        app.clock.advance(chrono::Duration::milliseconds(1));
        let before = counts(&app).await;
        let r = give(&app, Some("k-3"), &donation(5_000, "test_confirm")).await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.plan.not_filed",
            Some("project"),
        );
        assert_eq!(counts(&app).await, before);
        app
    })
    .await;
}

#[tokio::test]
async fn the_plan_page_closes_and_withdraws_with_the_reason_by_its_field() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        // A plan not started yet (starts 2026-12-10): closing it withdraws it.
        let later = "浙民募备[2026]0002";
        fengqiao::testkit::fundraising_plan(
            &app.state.db,
            later,
            "330106",
            day("2026-12-10"),
            day("2026-12-31"),
        )
        .await
        .unwrap();
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", plan_org(&app, PLAN).await)
            .await
            .unwrap();
        let page = app.url(&format!("/charity/plans/{}", urlencoding(PLAN)));
        let (browser, csrf) = crate::accounts::browser_login(&app, "orgadmin").await;
        let html = crate::page_text(&browser, &page).await;
        assert!(html.contains("id=\"form-close\""), "the charity's button");
        // Not its charity: no button for it.
        let html = crate::page_text(
            &browser,
            app.url(&format!("/charity/plans/{}", urlencoding(later))),
        )
        .await;
        assert!(!html.contains("id=\"form-close\""));
        let close = format!("{page}/close");
        let r = browser
            .post(&close)
            .form(&[("_csrf", csrf.as_str()), ("reason", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"f-reason-err\"") && html.contains("此项不能为空"),
            "{html}"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM fundraising_plan_closures")
                .await,
            0
        );
        let r = browser
            .post(&close)
            .form(&[("_csrf", csrf.as_str()), ("reason", "项目提前完成")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = crate::page_text(&browser, &page).await;
        assert!(
            html.contains("id=\"closure\"")
                && html.contains("项目提前完成")
                && !html.contains("id=\"form-close\""),
            "{html}"
        );

        // An officer of the region withdraws the plan not started yet, by its id.
        let id = fengqiao::charity::store::plan_by_filing_no(&app.state.db, later)
            .await
            .unwrap()
            .unwrap()
            .id;
        let xihu = app.token("xihu").await;
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&xihu),
                &format!("/api/v1/charity/plans/{id}/close"),
                &json!({"reason": "受益地区已由政府救助"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "withdrawn");
        let html = crate::page_text(
            &TestApp::client(),
            app.url(&format!("/charity/plans/{}", urlencoding(later))),
        )
        .await;
        assert!(
            html.contains("本募捐方案已撤回") && html.contains("已撤回"),
            "{html}"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'fundraising_plan.close'")
                .await,
            2
        );
        app
    })
    .await;
}
