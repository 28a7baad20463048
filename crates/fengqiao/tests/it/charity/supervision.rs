//! Supervision warnings from rows: donations, disbursements and disclosures written directly
//! (the donation API is another module's), gathered into facts and judged by the rules; each
//! officer sees his region only.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use super::{d, make_charity, org};
use crate::{TestApp, each_backend};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A plan written directly, with its period.
async fn plan(app: &TestApp, org: Uuid, no: &str, region: &str, starts: &str, ends: &str) -> Uuid {
    let id = Uuid::now_v7();
    let w = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query("INSERT INTO fundraising_plans (id, filing_no, organization_id, title, purpose, target_fen, starts_on, ends_on, region_code, beneficiaries, status, filed_at) \
                         VALUES ($1, $2, $3, '测试募捐', '测试', 100000000, $4, $5, $6, '困难群众', 'filed', $7)")
                .bind(id).bind(no).bind(org).bind(d(starts)).bind(d(ends)).bind(region).bind(at("2024-12-01T00:00:00Z"))
                .execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    w.await.unwrap();
    id
}

async fn donation(app: &TestApp, plan: Uuid, fen: i64, status: &str, confirmed: &str) {
    let id = Uuid::now_v7();
    let confirmed_at = (status == "confirmed").then(|| at(confirmed));
    let salt = (status == "confirmed").then(|| vec![7u8; 32]);
    let leaf = (status == "confirmed").then_some(1i64);
    let receipt = (status == "confirmed").then(|| format!("R-{id}"));
    let w = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query("INSERT INTO donations (id, receipt_no, plan_id, amount_fen, idempotency_key, status, provider, payment_ref, salt, leaf_index, leaf_hash, created_at, confirmed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, 'test', $5, $7, $8, $7, $9, $10)")
                .bind(id).bind(&receipt).bind(plan).bind(fen).bind(id.to_string()).bind(status)
                .bind(&salt).bind(leaf).bind(at(confirmed)).bind(confirmed_at)
                .execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    w.await.unwrap();
}

async fn disbursement(app: &TestApp, plan: Uuid, fen: i64, category: &str, paid_on: &str) {
    let w = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            let user = sqlx::query_scalar::<_, Uuid>("SELECT id FROM users WHERE username = 'xihu'").fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO disbursements (id, plan_id, amount_fen, category, purpose, beneficiaries, paid_on, salt, leaf_index, leaf_hash, recorded_at, recorded_by) \
                         VALUES ($1, $2, $3, $4, '测试支出', 10, $5, $6, 1, $6, $7, $8)")
                .bind(Uuid::now_v7()).bind(plan).bind(fen).bind(category).bind(d(paid_on))
                .bind(vec![1u8; 32]).bind(Utc::now()).bind(user)
                .execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    w.await.unwrap();
}

fn codes_of(report: &Value, name_part: &str) -> Vec<String> {
    let mut out: Vec<String> = report["charities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap().contains(name_part))
        .flat_map(|c| c["warnings"].as_array().unwrap().clone())
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn warnings_come_from_the_rows_and_each_officer_sees_his_region() {
    each_backend(|app: TestApp| async move {
        // A public-fundraising foundation of 西湖区, a campaign from 2025 to the end of 2026.
        let (xihu_org, xihu_uscc) = org(&app, "330106", "foundation", "registered", "助老").await;
        make_charity(&app, xihu_org, "2020-01-01", true).await;
        let p = plan(&app, xihu_org, "T-0001", "330106", "2025-01-01", "2026-12-31").await;
        // Income of 2025: ¥1,000,000 (one confirmed at 2025-01-01 00:30 Shanghai, still 2025);
        // a pending and a failed donation do not count; one confirmed before the start.
        donation(&app, p, 90_000_000, "confirmed", "2025-06-01T02:00:00Z").await;
        donation(&app, p, 10_000_000, "confirmed", "2024-12-31T16:30:00Z").await;
        donation(&app, p, 55_000_000, "pending", "2025-06-01T02:00:00Z").await;
        donation(&app, p, 55_000_000, "failed", "2025-06-01T02:00:00Z").await;
        donation(&app, p, 100, "confirmed", "2024-12-31T15:59:00Z").await;
        // Spending of 2026: charitable ¥699,999.99 (< 70 %), management ¥200,000 (> 10 %, cap applies).
        disbursement(&app, p, 69_999_999, "charitable", "2026-03-01").await;
        disbursement(&app, p, 20_000_000, "management", "2026-12-31").await;
        disbursement(&app, p, 5_000_000, "management", "2025-12-31").await;
        disbursement(&app, p, 1_000_000, "fundraising_cost", "2026-05-01").await;
        // A 滨江区 charity whose short campaign ended more than 3 months ago, never disclosed.
        let (bj_org, _) = org(&app, "330108", "social_group", "registered", "助残").await;
        make_charity(&app, bj_org, "2020-01-01", true).await;
        plan(&app, bj_org, "T-0002", "330108", "2026-03-01", "2026-08-26").await;

        let facts = fengqiao::supervision::store::facts::facts(&app.state.db, "330106%", 2026).await.unwrap();
        assert_eq!(facts.len(), 1);
        let s = &facts[0].spending;
        assert!(s.public_fundraising && s.foundation);
        assert_eq!(s.last_year_income_fen, 100_000_000);
        assert_eq!((s.charitable_fen, s.management_fen, s.fundraising_cost_fen), (69_999_999, 20_000_000, 1_000_000));
        assert_eq!(facts[0].plans[0].donations_before_start, 1);
        assert_eq!(facts[0].plans[0].donations_after_end, 0);

        let xihu = app.token("xihu").await;
        let (s, r) = app.get_as(Some(&xihu), "/api/v1/charity/supervision?year=2026").await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["year"], 2026);
        assert_eq!(r["charities"].as_array().unwrap().len(), 1, "{r}");
        assert_eq!(r["charities"][0]["uscc"], xihu_uscc.as_str());
        assert_eq!(
            codes_of(&r, ""),
            ["charity.disclosure.progress", "charity.management_cap", "charity.outside_period", "charity.spending_ratio"]
        );
        // 滨江区's officer sees only 滨江区's: the final disclosure is overdue (ended 2026-08-26,
        // due 2026-11-26, today 2026-11-27).
        let binjiang = app.token("binjiang").await;
        let (_, r) = app.get_as(Some(&binjiang), "/api/v1/charity/supervision?year=2026").await;
        assert_eq!(r["charities"].as_array().unwrap().len(), 1, "{r}");
        assert_eq!(codes_of(&r, ""), ["charity.disclosure.final"]);
        // The city sees both; a disclosure made clears the progress warning.
        let city = app.token("hangzhou").await;
        let (_, r) = app.get_as(Some(&city), "/api/v1/charity/supervision?year=2026").await;
        assert_eq!(r["charities"].as_array().unwrap().len(), 2);
        let w = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("INSERT INTO charity_disclosures (id, plan_id, kind, disclosed_on, summary, recorded_at) VALUES ($1, $2, 'progress', $3, '季度公开', $4)")
                    .bind(Uuid::now_v7()).bind(p).bind(d("2026-10-01")).bind(Utc::now())
                    .execute(&mut *tx).await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        w.await.unwrap();
        let (_, r) = app.get_as(Some(&xihu), "/api/v1/charity/supervision?year=2026").await;
        assert!(!codes_of(&r, "").contains(&"charity.disclosure.progress".to_string()), "{r}");
        // Last year (the default): no spending of 2025 against 2024's ¥1 income… but the
        // floor is 70 % of ¥1, and ¥50,000 management is below the waiver.
        let (_, r) = app.get_as(Some(&xihu), "/api/v1/charity/supervision").await;
        assert_eq!(r["year"], 2025);
        assert_eq!(codes_of(&r, ""), ["charity.outside_period", "charity.spending_ratio"]);
        // The page, for the officer; refused to the resident and the org_admin.
        let page = TestApp::client().get(app.url("/charity/supervision?year=2026")).bearer_auth(&xihu)
            .send().await.unwrap().text().await.unwrap();
        assert!(page.contains("charity.management_cap") && page.contains("T-0001"), "{page}");
        for who in ["resident", "orgadmin"] {
            let t = app.token(who).await;
            let (s, _) = app.get_as(Some(&t), "/api/v1/charity/supervision").await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        }
        let (s, _) = app.get_as(Some(&xihu), "/api/v1/charity/supervision?year=1800").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        app
    })
    .await;
}
