//! Giving: idempotency keys, refusals by field, the plan's period, late confirmation, and
//! concurrent retries.

use super::*;

#[tokio::test]
async fn a_donation_is_given_once_per_key_and_its_receipt_proves_it_is_in_the_log() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let (s, d) = give(&app, Some("key-1"), &donation(5_000, "test_confirm")).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(d["status"], "confirmed");
        assert_eq!(d["donor"], "张**", "the name is shown masked");
        assert_eq!(d["leaf_index"], 0);
        let id = d["id"].as_str().unwrap().to_string();

        // The retry with the same key: the same donation, nothing new.
        let (s, again) = give(&app, Some("key-1"), &donation(5_000, "test_confirm")).await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(again["id"], d["id"]);
        assert_eq!(counts(&app).await, (1, 1));
        // The same key for another donation is refused.
        let r = give(&app, Some("key-1"), &donation(6_000, "test_confirm")).await;
        assert_problem(&r, StatusCode::CONFLICT, "donations.idempotency_key_reused", Some("Idempotency-Key"));

        // The name is sealed at rest.
        let sealed: Vec<u8> = fengqiao::with_db!(&app.state.db, pool => sqlx::query_scalar("SELECT donor_name_sealed FROM donations").fetch_one(pool).await.unwrap());
        assert!(!String::from_utf8_lossy(&sealed).contains("张三丰"));
        assert_eq!(app.state.pii.decrypt(&sealed).unwrap(), "张三丰");

        // The receipt verifies against the published key; tampering fails.
        let (s, r) = app.get_as(None, &format!("/api/v1/donations/{id}/receipt")).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let receipt: Receipt = serde_json::from_value(r).unwrap();
        assert_eq!(receipt.record.amount_fen, 5_000);
        assert_eq!(receipt.record.project, PLAN);
        let key = trusted_key(&app).await;
        let v = verify_receipt(&receipt, Some(&key)).unwrap();
        assert_eq!((v.leaf_index, v.tree_size), (0, 1));
        let mut bad = receipt.clone();
        bad.record.amount_fen = 50_000;
        assert!(verify_receipt(&bad, Some(&key)).is_err());

        // A second donation; the first receipt, fetched again, proves against the bigger tree.
        let (s, _) = give(&app, Some("key-2"), &json!({"project": PLAN, "amount_fen": 1, "anonymous": true, "method": "test_confirm"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, r) = app.get_as(None, &format!("/api/v1/donations/{id}/receipt")).await;
        let receipt: Receipt = serde_json::from_value(r).unwrap();
        assert_eq!(verify_receipt(&receipt, Some(&key)).unwrap().tree_size, 2);
        let anon: Option<String> = fengqiao::with_db!(&app.state.db, pool => sqlx::query_scalar("SELECT donor_name_masked FROM donations WHERE amount_fen = 1").fetch_one(pool).await.unwrap());
        assert_eq!(anon, None, "anonymous gifts keep no name");
        app
    })
    .await;
}

#[tokio::test]
async fn bad_donations_are_refused_by_field_and_change_nothing() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let r = give(&app, None, &donation(100, "test_confirm")).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "donations.idempotency_key", Some("Idempotency-Key"));
        for (amount, code) in [(0, "donations.amount"), (-5, "donations.amount"), (1_000_000_001, "donations.amount")] {
            let r = give(&app, Some("k"), &donation(amount, "test_confirm")).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, code, Some("amount_fen"));
        }
        // The largest amount accepted online is accepted.
        let r = give(&app, Some("max"), &donation(1_000_000_000, "test_confirm")).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        let r = give(&app, Some("k"), &donation(100, "cash")).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "donations.method", Some("method"));
        let r = give(&app, Some("k"), &json!({"project": "浙民募备[2026]9999", "amount_fen": 100, "method": "test_confirm"})).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "donations.project_unknown", Some("project"));
        let long = "名".repeat(101);
        let r = give(&app, Some("k"), &json!({"project": PLAN, "amount_fen": 100, "donor_name": long, "method": "test_confirm"})).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "donations.donor_name", Some("donor_name"));
        // Declined: 402, the same on retry, and nothing in the log.
        for _ in 0..2 {
            let r = give(&app, Some("declined"), &donation(100, "test_fail")).await;
            assert_problem(&r, StatusCode::PAYMENT_REQUIRED, "payment.failed", None);
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM translog_leaves").await, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM donations WHERE status = 'confirmed'").await, 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_plan_takes_donations_from_its_first_to_its_last_day_only() {
    each_backend(|app: TestApp| async move {
        // Open 2026-11-27 .. 2026-11-28; the clock says 2026-11-27 09:00 Shanghai.
        fengqiao::testkit::fundraising_plan(
            &app.state.db,
            PLAN,
            "330106",
            day("2026-11-27"),
            day("2026-11-28"),
        )
        .await
        .unwrap();
        let r = give(&app, Some("first-day"), &donation(100, "test_confirm")).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        app.clock.advance(chrono::Duration::days(1));
        let r = give(&app, Some("last-day"), &donation(100, "test_confirm")).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        app.clock.advance(chrono::Duration::days(1));
        let r = give(&app, Some("day-after"), &donation(100, "test_confirm")).await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.plan.ended",
            Some("project"),
        );
        let other = "浙民募备[2026]0002";
        fengqiao::testkit::fundraising_plan(
            &app.state.db,
            other,
            "330106",
            day("2026-11-30"),
            day("2026-12-30"),
        )
        .await
        .unwrap();
        let r = give(
            &app,
            Some("day-before"),
            &json!({"project": other, "amount_fen": 100, "method": "test_confirm"}),
        )
        .await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.plan.not_started",
            Some("project"),
        );
        // A charity whose qualification is revoked takes no more donations.
        let third = "浙民募备[2026]0003";
        fengqiao::testkit::fundraising_plan(
            &app.state.db,
            third,
            "330106",
            day("2026-11-01"),
            day("2026-12-30"),
        )
        .await
        .unwrap();
        let revoke = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("UPDATE charities SET qualification_revoked_on = $1 WHERE qualification_no = $2")
                    .bind(day("2026-11-28")).bind(format!("测试募证{third}"))
                    .execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        revoke.await.unwrap();
        let r = give(
            &app,
            Some("revoked"),
            &json!({"project": third, "amount_fen": 100, "method": "test_confirm"}),
        )
        .await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.plan.not_qualified",
            Some("project"),
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM donations").await, 2);
        app
    })
    .await;
}

#[tokio::test]
async fn a_late_confirmation_logs_the_donation_once() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let (s, d) = give(&app, Some("late"), &donation(2_500, "test_late")).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{d}");
        assert_eq!(d["status"], "pending");
        assert_eq!(d["receipt_no"], Value::Null);
        let id = d["id"].as_str().unwrap();
        let r = app
            .get_as(None, &format!("/api/v1/donations/{id}/receipt"))
            .await;
        assert_problem(&r, StatusCode::CONFLICT, "donations.not_confirmed", None);
        assert_eq!(counts(&app).await, (1, 0));
        let payment_ref = fengqiao::donations::payment::TestProvider::reference("late");
        for _ in 0..2 {
            let (s, v) = app
                .send_as(
                    Method::POST,
                    None,
                    "/api/v1/payments/test/notifications",
                    &json!({"payment_ref": payment_ref, "outcome": "confirmed"}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["status"], "confirmed");
        }
        assert_eq!(counts(&app).await, (1, 1), "one leaf for two notices");
        let (_, r) = app
            .get_as(None, &format!("/api/v1/donations/{id}/receipt"))
            .await;
        let receipt: Receipt = serde_json::from_value(r).unwrap();
        verify_receipt(&receipt, Some(&trusted_key(&app).await)).unwrap();
        // A later failure notice does not undo a confirmation.
        let (_, v) = app
            .send_as(
                Method::POST,
                None,
                "/api/v1/payments/test/notifications",
                &json!({"payment_ref": payment_ref, "outcome": "failed"}),
            )
            .await;
        assert_eq!(v["status"], "confirmed");
        app
    })
    .await;
}

#[tokio::test]
async fn concurrent_retries_with_one_key_make_one_donation() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let url = app.url("/api/v1/donations");
                let key = if i % 2 == 0 { "same" } else { "other" };
                tokio::spawn(async move {
                    let r = TestApp::client()
                        .post(url)
                        .header("Idempotency-Key", key)
                        .json(&donation(700, "test_confirm"))
                        .send()
                        .await
                        .unwrap();
                    let s = r.status();
                    (key, s, r.json::<Value>().await.unwrap()["id"].clone())
                })
            })
            .collect();
        let mut ids = std::collections::HashMap::new();
        for t in tasks {
            let (key, s, id) = t.await.unwrap();
            assert!(s == StatusCode::CREATED || s == StatusCode::OK, "{s}");
            assert_eq!(ids.entry(key).or_insert(id.clone()), &id);
        }
        assert_eq!(counts(&app).await, (2, 2));
        app
    })
    .await;
}

/// At shutdown the intake writes what has queued — here donations whose requests have gone
/// away — before `shutdown` returns, and refuses what comes after.
#[tokio::test]
async fn the_intake_commits_what_has_queued_at_shutdown_and_refuses_more() {
    use fengqiao::donations::intake::Intake;
    use fengqiao::donations::store::{NewDonation, Outcome};
    use std::future::Future;
    each_backend(|app: TestApp| async move {
        let plan = fengqiao::testkit::fundraising_plan(
            &app.state.db,
            PLAN,
            "330106",
            day("2026-11-01"),
            day("2026-12-31"),
        )
        .await
        .unwrap();
        let gift = |i: i64| NewDonation {
            plan_id: plan,
            project: PLAN.into(),
            amount_fen: 100 + i,
            donor_name_sealed: None,
            donor_name_masked: None,
            idempotency_key: format!("shutdown-{i}"),
            provider: "test".into(),
            payment_ref: format!("ref-{i}"),
            outcome: Outcome::Confirmed,
        };
        let intake = Intake::new(app.state.db.clone(), std::sync::Arc::new(app.clock.clone()));
        // Twenty requests queue their donation and go away before the answer (each submission
        // is polled once — it queues and waits — and dropped). Nothing has yielded to the
        // writer since: the queue is all still there.
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        for i in 0..20 {
            let mut submission = std::pin::pin!(intake.submit(gift(i)));
            assert!(submission.as_mut().poll(&mut cx).is_pending());
        }
        intake.shutdown().await;
        assert_eq!(counts(&app).await, (20, 20), "the queue is committed");
        // After the shutdown a donation is refused and changes nothing.
        assert!(intake.submit(gift(99)).await.is_err());
        assert_eq!(counts(&app).await, (20, 20));
        app
    })
    .await;
}

/// `payments.test_provider` (issue 15): on (the default, for the demo and development) the test
/// provider takes donations and its public notice endpoint settles them; off, as a real
/// deployment must run, the endpoint answers 404 whatever is sent and giving is refused naming
/// `method`, with nothing stored.
#[tokio::test]
async fn the_test_provider_and_its_notice_endpoint_exist_only_when_configured() {
    for backend in fengqiao::testkit::backends() {
        for on in [true, false] {
            let mut config = fengqiao::testkit::test_config();
            config.payments.test_provider = on;
            let app = TestApp::with_config(backend, config).await;
            with_plan(&app).await;
            let notice = json!({
                "payment_ref": fengqiao::donations::payment::TestProvider::reference("late"),
                "outcome": "confirmed"
            });
            let notify = |body: Value| {
                let app = &app;
                async move {
                    app.send_as(
                        Method::POST,
                        None,
                        "/api/v1/payments/test/notifications",
                        &body,
                    )
                    .await
                }
            };
            let given = give(&app, Some("late"), &donation(2_500, "test_late")).await;
            let page = crate::page_text(
                &TestApp::client(),
                app.url(&format!("/projects/{}", urlencoding(PLAN))),
            )
            .await;
            if on {
                assert_eq!(given.0, StatusCode::ACCEPTED, "{}", given.1);
                let (s, v) = notify(notice.clone()).await;
                assert_eq!(s, StatusCode::OK, "{v}");
                assert_eq!(v["status"], "confirmed");
                assert!(page.contains("value=\"test_confirm\""), "{page}");
            } else {
                assert_problem(
                    &given,
                    StatusCode::CONFLICT,
                    "payment.unavailable",
                    Some("method"),
                );
                assert_eq!(counts(&app).await, (0, 0), "nothing is stored");
                let (s, v) = notify(notice.clone()).await;
                assert_problem(&(s, v), StatusCode::NOT_FOUND, "not_found", None);
                let (s, _) = notify(json!({"garbage": true})).await;
                assert_eq!(s, StatusCode::NOT_FOUND);
                assert!(!page.contains("test_confirm"), "no test method is offered");
            }
            app.finish().await;
        }
    }
}
