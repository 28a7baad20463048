//! Charity under contention: two officers deciding one application, concurrent filings, and
//! the boundaries of `plan_open_for_donation`.

use reqwest::StatusCode;
use serde_json::json;

use super::{d, org, plan_body, post, qualified_charity, set_day};
use crate::{TestApp, assert_problem, each_backend};

#[tokio::test]
async fn two_officers_decide_at_once_and_exactly_one_wins() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let city = app.token("hangzhou").await;
        let (_, uscc) = org(&app, "330106", "social_service_agency", "registered", "助学").await;
        let (s, a) = post(&app, Some(&org_admin), "/api/v1/charity/applications",
            json!({"kind": "recognition", "organization_uscc": uscc})).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let path = format!("/api/v1/charity/applications/{}/decision", a["id"].as_str().unwrap());
        let (x, y) = tokio::join!(
            post(&app, Some(&xihu), &path, json!({"decision": "approve"})),
            post(&app, Some(&city), &path, json!({"decision": "refuse", "reasons": "章程不符合慈善组织条件"})),
        );
        let mut statuses = [x.0, y.0];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", x.1, y.1);
        let loser = if x.0 == StatusCode::CONFLICT { &x } else { &y };
        assert_problem(loser, StatusCode::CONFLICT, "charity.state_changed", None);
        // Exactly one decision, audited once.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM charity_applications WHERE state <> 'pending'").await, 1);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('charity_application.approve', 'charity_application.refuse')").await,
            1
        );
        let approved = app.scalar("SELECT COUNT(*) FROM charity_applications WHERE state = 'approved'").await;
        assert_eq!(app.scalar("SELECT COUNT(*) FROM charities").await, approved);
        app
    })
    .await;
}

#[tokio::test]
async fn concurrent_filings_get_distinct_consecutive_filing_numbers() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = qualified_charity(&app).await;
        let (_, other) = qualified_charity(&app).await;
        let mut calls = Vec::new();
        for i in 0..8 {
            let u = if i % 2 == 0 { &uscc } else { &other };
            let body = plan_body(u, &format!("并发募捐活动{i}"), "2026-12-07", "2027-01-31");
            let app = &app;
            let t = &org_admin;
            calls.push(async move { post(app, Some(t), "/api/v1/charity/plans", body).await });
        }
        let results = futures_join_all(calls).await;
        let mut numbers: Vec<String> = results
            .iter()
            .map(|(s, p)| {
                assert_eq!(*s, StatusCode::CREATED, "{p}");
                p["filing_no"].as_str().unwrap().to_string()
            })
            .collect();
        numbers.sort();
        let want: Vec<String> = (1..=8).map(|n| format!("浙民募备[2026]{n:04}")).collect();
        assert_eq!(numbers, want);
        // A new year starts again at 0001.
        set_day(&app, "2027-01-05");
        let org_admin = app.token("orgadmin").await;
        let (s, p) = post(
            &app,
            Some(&org_admin),
            "/api/v1/charity/plans",
            plan_body(&uscc, "新年募捐", "2027-01-15", "2027-03-31"),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["filing_no"], "浙民募备[2027]0001");
        app
    })
    .await;
}

/// Runs the futures concurrently on this task.
async fn futures_join_all<F: std::future::Future>(fs: Vec<F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in fs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.unwrap()).collect()
}

#[tokio::test]
async fn a_plan_is_open_for_donation_from_its_first_to_its_last_day() {
    each_backend(|app: TestApp| async move {
        use fengqiao::charity::store::{plan_by_filing_no, plan_open_for_donation};
        use fengqiao::platform::AppError;
        let org_admin = app.token("orgadmin").await;
        let (org_id, uscc) = qualified_charity(&app).await;
        let (s, p) = post(&app, Some(&org_admin), "/api/v1/charity/plans",
            plan_body(&uscc, "助学计划", "2026-12-07", "2026-12-31")).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let no = p["filing_no"].as_str().unwrap().to_string();
        let db = &app.state.db;
        let code = |r: Result<fengqiao::charity::model::Plan, AppError>| match r {
            Ok(_) => "open".to_string(),
            Err(e) => {
                let p = e.problem();
                assert_eq!(p.field.as_deref(), Some("filing_no"));
                assert!(!p.message.zh.is_empty() && !p.message.en.is_empty());
                p.code
            }
        };
        assert_eq!(code(plan_open_for_donation(db, &no, d("2026-12-06")).await), "charity.plan.not_started");
        assert_eq!(code(plan_open_for_donation(db, &no, d("2026-12-07")).await), "open");
        assert_eq!(code(plan_open_for_donation(db, &no, d("2026-12-31")).await), "open");
        assert_eq!(code(plan_open_for_donation(db, &no, d("2027-01-01")).await), "charity.plan.ended");
        assert_eq!(code(plan_open_for_donation(db, "浙民募备[2026]9999", d("2026-12-10")).await), "charity.plan.unknown");
        let plan = plan_by_filing_no(db, &no).await.unwrap().unwrap();
        assert_eq!((plan.organization_id, plan.target_fen, plan.status.as_str()), (org_id, 5_000_050, "filed"));
        assert!(plan_by_filing_no(db, "nothing").await.unwrap().is_none());
        // The charity loses its qualification: closed. A closed plan: closed.
        let revoke = async {
            fengqiao::with_tx!(db, tx => {
                sqlx::query("UPDATE charities SET qualification_revoked_on = $1 WHERE organization_id = $2")
                    .bind(d("2026-12-10")).bind(org_id).execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        revoke.await.unwrap();
        assert_eq!(code(plan_open_for_donation(db, &no, d("2026-12-10")).await), "charity.plan.not_qualified");
        let close = async {
            fengqiao::with_tx!(db, tx => {
                sqlx::query("UPDATE fundraising_plans SET status = 'closed' WHERE filing_no = $1")
                    .bind(&no).execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        close.await.unwrap();
        assert_eq!(code(plan_open_for_donation(db, &no, d("2026-12-10")).await), "charity.plan.not_filed");
        app
    })
    .await;
}

#[tokio::test]
async fn an_undecided_application_is_overdue_the_day_after_its_deadline() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = org(&app, "330106", "social_group", "registered", "助残").await;
        let (s, a) = post(
            &app,
            Some(&org_admin),
            "/api/v1/charity/applications",
            json!({"kind": "recognition", "organization_uscc": uscc}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["overdue"], false);
        // 20 working days from Friday 2026-11-27 (no holiday in between): 2026-12-25.
        assert_eq!(a["deadline"], "2026-12-25");
        assert!(a["deadline_working_days"].as_bool().unwrap());
        let path = format!("/api/v1/charity/applications/{}", a["id"].as_str().unwrap());
        set_day(&app, "2026-12-25");
        let xihu = app.token("xihu").await;
        let (_, v) = app.get_as(Some(&xihu), &path).await;
        assert_eq!(v["overdue"], false, "{v}");
        set_day(&app, "2026-12-26");
        let xihu = app.token("xihu").await;
        let (_, v) = app.get_as(Some(&xihu), &path).await;
        assert_eq!(v["overdue"], true, "{v}");
        let page = TestApp::client()
            .get(app.url("/charity"))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("class=\"overdue\""), "{page}");
        app
    })
    .await;
}
