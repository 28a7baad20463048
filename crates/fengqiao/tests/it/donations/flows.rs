//! Disbursements within the balance, projects by region, and the demo: totals reconcile with
//! the log.

use super::*;

#[tokio::test]
async fn disbursements_stay_within_the_balance_and_the_project_reconciles_with_the_log() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        for (i, fen) in [10_000, 20_050, 30].iter().enumerate() {
            let r = give(&app, Some(&format!("g{i}")), &donation(*fen, "test_confirm")).await;
            assert_eq!(r.0, StatusCode::CREATED);
        }
        let xihu = app.token("xihu").await;
        let path = format!("/api/v1/projects/{}/disbursements", urlencoding(PLAN));
        let pay = |amount: i64| json!({"amount_fen": amount, "category": "charitable", "purpose": "发放助学金", "beneficiaries": 12, "paid_on": "2026-11-27",
            "documents": [{"name": "发放名单.pdf", "sha256": "ab".repeat(32)}]});
        // One fen over the balance of 30,080 is refused; the balance itself is allowed.
        let r = app.send_as(Method::POST, Some(&xihu), &path, &pay(30_081)).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "donations.over_balance", Some("amount_fen"));
        let binjiang = app.token("binjiang").await;
        let r = app.send_as(Method::POST, Some(&binjiang), &path, &pay(100)).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "another district's officer");
        let r = app.send_as(Method::POST, None, &path, &pay(100)).await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED);
        for (field, body) in [
            ("category", json!({"amount_fen": 1, "category": "gift", "purpose": "x", "beneficiaries": 1, "paid_on": "2026-11-27"})),
            ("purpose", json!({"amount_fen": 1, "category": "charitable", "purpose": " ", "beneficiaries": 1, "paid_on": "2026-11-27"})),
            ("beneficiaries", json!({"amount_fen": 1, "category": "charitable", "purpose": "x", "beneficiaries": -1, "paid_on": "2026-11-27"})),
            ("paid_on", json!({"amount_fen": 1, "category": "charitable", "purpose": "x", "beneficiaries": 1, "paid_on": "2026-11-28"})),
            ("documents[0].sha256", json!({"amount_fen": 1, "category": "charitable", "purpose": "x", "beneficiaries": 1, "paid_on": "2026-11-27", "documents": [{"name": "a", "sha256": "zz"}]})),
        ] {
            let r = app.send_as(Method::POST, Some(&xihu), &path, &body).await;
            assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.1);
            assert_eq!(r.1["field"], field);
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM disbursements").await, 0);
        let r = app.send_as(Method::POST, Some(&xihu), &path, &pay(30_000)).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        let r = app.send_as(Method::POST, Some(&xihu), &path, &pay(81)).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "donations.over_balance", Some("amount_fen"));
        let r = app.send_as(Method::POST, Some(&xihu), &path, &pay(80)).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'disbursement.record'").await, 2);

        let (s, f) = app.get_as(None, &format!("/api/v1/projects/{}", urlencoding(PLAN))).await;
        assert_eq!(s, StatusCode::OK, "{f}");
        assert_eq!(f["raised_fen"], 30_080);
        assert_eq!(f["spent_fen"], 30_080);
        assert_eq!(f["balance_fen"], 0);
        assert_eq!(f["log_raised_fen"], 30_080);
        assert_eq!(f["log_spent_fen"], 30_080);
        assert_eq!(f["reconciled"], true);
        assert_eq!(f["series"][0]["raised_fen"], 30_080);
        assert_eq!(f["donations"], 3);
        assert_eq!(f["disbursements"], 2);
        // The log's own page shows the same flows, without any donor.
        let (_, e) = app.get_as(None, "/api/v1/translog/entries?start=0&end=4").await;
        let kinds: Vec<&str> = e["entries"].as_array().unwrap().iter().map(|x| x["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["donation", "donation", "donation", "disbursement", "disbursement"]);
        assert!(!e.to_string().contains("张"));
        // A leaf altered behind the log's back: the project no longer reconciles.
        let tamper = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("UPDATE translog_leaves SET amount_fen = amount_fen + 1 WHERE idx = 0")
                    .execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        tamper.await.unwrap();
        let (_, f) = app
            .get_as(None, &format!("/api/v1/projects/{}", urlencoding(PLAN)))
            .await;
        assert_eq!(f["reconciled"], false, "{f}");
        assert_eq!(f["log_raised_fen"], 30_081);
        assert_eq!(f["raised_fen"], 30_080);
        let _ = app.clock.now();
        app
    })
    .await;
}

#[tokio::test]
async fn the_demo_fills_every_open_plan_and_the_totals_reconcile() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let today = app.clock.today();
        fengqiao::donations::demo::load_demo(&app.state.db, &app.state.pii, 7, today)
            .await
            .unwrap();
        let (_, f) = app
            .get_as(None, &format!("/api/v1/projects/{}", urlencoding(PLAN)))
            .await;
        assert_eq!(f["reconciled"], true, "{f}");
        assert!(f["donations"].as_i64().unwrap() >= 19, "{f}");
        assert_eq!(f["pending_donations"], 1);
        assert!(f["disbursements"].as_i64().unwrap() >= 1);
        assert!(f["balance_fen"].as_i64().unwrap() > 0);
        let leaves = app.scalar("SELECT COUNT(*) FROM translog_leaves").await;
        assert_eq!(
            leaves,
            f["donations"].as_i64().unwrap() + f["disbursements"].as_i64().unwrap()
        );
        // Loading again adds nothing.
        fengqiao::donations::demo::load_demo(&app.state.db, &app.state.pii, 7, today)
            .await
            .unwrap();
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM translog_leaves").await,
            leaves
        );
        app
    })
    .await;
}

#[tokio::test]
async fn projects_are_listed_by_region_with_their_flows() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let other = "浙民募备[2026]0002";
        fengqiao::testkit::fundraising_plan(
            &app.state.db,
            other,
            "330108",
            day("2026-11-01"),
            day("2026-12-31"),
        )
        .await
        .unwrap();
        let r = give(&app, Some("a"), &donation(1_234, "test_confirm")).await;
        assert_eq!(r.0, StatusCode::CREATED);
        let (s, all) = app.get_as(None, "/api/v1/projects").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(all.as_array().unwrap().len(), 2);
        let (_, xihu) = app.get_as(None, "/api/v1/projects?region=330106").await;
        let xihu = xihu.as_array().unwrap();
        assert_eq!(xihu.len(), 1);
        assert_eq!(xihu[0]["filing_no"], PLAN);
        assert_eq!(xihu[0]["raised_fen"], 1_234);
        assert_eq!(xihu[0]["donations"], 1);
        let (_, binjiang) = app.get_as(None, "/api/v1/projects?region=330108").await;
        assert_eq!(binjiang[0]["raised_fen"], 0);
        let r = app.get_as(None, "/api/v1/projects?region=3301x").await;
        assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.1["field"], "region");
        let (s, page) = app.get_as(None, "/projects?region=330106").await;
        assert_eq!(s, StatusCode::OK);
        let page = page.as_str().unwrap();
        assert!(page.contains("12.34") && !page.contains(other), "{page}");
        app
    })
    .await;
}
