//! Donations end to end on both databases: idempotent giving through the test provider, every
//! refusal named and changing nothing, late confirmation, receipts that verify offline and fail
//! when tampered, disbursements bounded by the balance, and project totals reconciled with the log.

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, assert_problem, each_backend};
use fengqiao::donations::model::{Receipt, verify_receipt};
use fengqiao::platform::Clock;

const PLAN: &str = "浙民募备[2026]0001";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A plan open from 2026-11-01 to 2026-12-31 in 西湖区 (the test clock says 2026-11-27).
async fn with_plan(app: &TestApp) {
    fengqiao::testkit::fundraising_plan(
        &app.state.db,
        PLAN,
        "330106",
        day("2026-11-01"),
        day("2026-12-31"),
    )
    .await
    .unwrap();
}

async fn give(app: &TestApp, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut req = TestApp::client()
        .post(app.url("/api/v1/donations"))
        .json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

fn donation(amount_fen: i64, method: &str) -> Value {
    json!({"project": PLAN, "amount_fen": amount_fen, "donor_name": "张三丰", "method": method})
}

async fn counts(app: &TestApp) -> (i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM donations").await,
        app.scalar("SELECT COUNT(*) FROM translog_leaves").await,
    )
}

async fn trusted_key(app: &TestApp) -> String {
    let (_, k) = app.get_as(None, "/api/v1/translog/key").await;
    k["public_key"].as_str().unwrap().to_string()
}

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
            "donations.project_closed",
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
            "donations.project_closed",
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
        let _ = app.clock.now();
        app
    })
    .await;
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[tokio::test]
async fn the_cli_verifies_a_downloaded_receipt_and_refuses_a_tampered_one() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let (_, d) = give(&app, Some("cli"), &donation(8_800, "test_confirm")).await;
        let id = d["id"].as_str().unwrap();
        let r = TestApp::client()
            .get(app.url(&format!("/api/v1/donations/{id}/receipt")))
            .send()
            .await
            .unwrap();
        let text = r.text().await.unwrap();
        let dir =
            std::env::temp_dir().join(format!("fq-receipt-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("receipt.json");
        std::fs::write(&good, &text).unwrap();
        let key = trusted_key(&app).await;
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            good.display().to_string(),
            "--key".into(),
            key.clone(),
        ]);
        assert!(ok, "{out}");
        assert!(out.contains("OK") && out.contains("8800"), "{out}");
        let (ok, out) =
            crate::transparency::verify_cli(&["receipt".into(), good.display().to_string()]);
        assert!(
            ok && out.contains(&key),
            "without --key it names the key to compare: {out}"
        );
        let bad = dir.join("tampered.json");
        std::fs::write(
            &bad,
            text.replace("\"amount_fen\":8800", "\"amount_fen\":88000"),
        )
        .unwrap();
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            bad.display().to_string(),
            "--key".into(),
            key.clone(),
        ]);
        assert!(!ok && out.contains("FAILED"), "{out}");
        let wrong_key = "00".repeat(32);
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            good.display().to_string(),
            "--key".into(),
            wrong_key,
        ]);
        assert!(!ok && out.contains("not the trusted key"), "{out}");
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            dir.join("missing.json").display().to_string(),
        ]);
        assert!(!ok && out.contains("reading"), "{out}");
        std::fs::remove_dir_all(&dir).ok();
        app
    })
    .await;
}

#[tokio::test]
async fn the_project_page_gives_through_a_form_and_shows_the_receipt() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let path = format!("/projects/{}", urlencoding(PLAN));
        let (s, page) = app.get_as(None, &path).await;
        assert_eq!(s, StatusCode::OK);
        let page = page.as_str().unwrap().to_string();
        assert!(
            page.contains("id=\"donate-form\"") && !page.contains("disburse-form"),
            "the public sees no disbursement form"
        );
        // A browser: the CSRF cookie and token come from the page.
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let c = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let html = c
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let field = |name: &str| {
            let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
            html[at..at + html[at..].find('"').unwrap()].to_string()
        };
        let (csrf, key) = (field("_csrf"), field("key"));
        let post = |amount: &str| {
            c.post(app.url(&format!("{path}/donate")))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("key", key.as_str()),
                    ("amount_yuan", amount),
                    ("donor_name", "李四"),
                    ("method", "test_confirm"),
                ])
                .send()
        };
        let bad = post("12.345").await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bad = bad.text().await.unwrap();
        assert!(
            bad.contains("id=\"d-amount-err\""),
            "the error by the field"
        );
        assert!(
            bad.contains(&format!("action=\"{path}/donate\"")),
            "the form shown again posts to the same place"
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM donations").await, 0);
        let ok = post("12.34").await.unwrap();
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let receipt_path = ok.headers()["location"].to_str().unwrap().to_string();
        // The same form sent twice (a double click) gives once.
        let again = post("12.34").await.unwrap();
        assert_eq!(again.headers()["location"].to_str().unwrap(), receipt_path);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM donations").await, 1);
        let (s, receipt) = app.get_as(None, &receipt_path).await;
        assert_eq!(s, StatusCode::OK);
        let receipt = receipt.as_str().unwrap();
        assert!(
            receipt.contains("12.34") && receipt.contains("李*") && !receipt.contains("李四"),
            "masked name"
        );
        assert!(receipt.contains("id=\"verify-button\""));
        let (_, page) = app.get_as(None, &path).await;
        assert!(
            page.as_str()
                .unwrap()
                .contains("<dd id=\"raised\">12.34</dd>")
        );
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
