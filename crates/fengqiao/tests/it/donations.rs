//! Donations end to end on both databases: idempotent giving through the test provider, every
//! refusal named and changing nothing, late confirmation, receipts that verify offline and fail
//! when tampered, disbursements bounded by the balance, and project totals reconciled with the log.

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, assert_problem, each_backend};
use fengqiao::donations::model::{Receipt, verify_receipt};
use fengqiao::platform::Clock;

pub const PLAN: &str = "浙民募备[2026]0001";

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A plan open from 2026-11-01 to 2026-12-31 in 西湖区 (the test clock says 2026-11-27).
pub async fn with_plan(app: &TestApp) {
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

pub async fn give(app: &TestApp, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
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

pub fn donation(amount_fen: i64, method: &str) -> Value {
    json!({"project": PLAN, "amount_fen": amount_fen, "donor_name": "张三丰", "method": method})
}

pub async fn counts(app: &TestApp) -> (i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM donations").await,
        app.scalar("SELECT COUNT(*) FROM translog_leaves").await,
    )
}

pub async fn trusted_key(app: &TestApp) -> String {
    let (_, k) = app.get_as(None, "/api/v1/translog/key").await;
    k["public_key"].as_str().unwrap().to_string()
}

pub fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

mod documents;
mod flows;
mod giving;
mod receipts;
