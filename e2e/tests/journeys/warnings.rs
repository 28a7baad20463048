//! The supervision warnings journey in headless Chromium (issue 9): a non-public-fundraising
//! foundation whose passed report on 2025 shows charitable spending under 8 % of its net assets
//! at the end of 2024 (DOMAIN.md §2.3) has a red warning; the county officer finds it in the
//! list, opens it (its figures and what would clear it), is refused an empty reason by its
//! field, then closes it with a reason kept in its trail. axe-core runs on every page.

use anyhow::ensure;
use chrono::{DateTime, Utc};
use fantoccini::{Client, Locator};
use fengqiao::supervision::model::{ReportContent, ReportRow, Statements};
use fengqiao::testkit;
use fengqiao_e2e::steps::{fill, go, login, text};
use fengqiao_e2e::{check_a11y, wait_for};

const ORG: &str = "西湖区预警旅程基金会";

/// A passed report on `year` with net assets `na` and charitable spending `activities` (fen).
async fn passed(
    db: &fengqiao::platform::Db,
    org: uuid::Uuid,
    year: i32,
    na: i64,
    activities: i64,
) -> anyhow::Result<()> {
    let at: DateTime<Utc> = format!("{}-03-10T02:00:00Z", year + 1).parse()?;
    let statements = Statements {
        total_assets_fen: na,
        unrestricted_net_assets_fen: na,
        total_net_assets_fen: na,
        income_donations_fen: 50_000_000,
        income_government_fen: 50_000_000,
        total_income_fen: 100_000_000,
        expense_activities_fen: activities,
        total_expenses_fen: activities,
        ..Default::default()
    };
    let content = ReportContent {
        statements: statements.clone(),
        ..Default::default()
    };
    let row = ReportRow {
        id: uuid::Uuid::now_v7(),
        organization_id: org,
        region_code: "330106".into(),
        year,
        version: 1,
        status: "passed".into(),
        supervisory_unit: None,
        supervisory_department_id: None,
        body: content.body.clone(),
        statements,
        large_items: String::new(),
        submitted_at: Some(at),
        submitted_on: Some(at.date_naive()),
        supervisory_comment: String::new(),
        supervisory_reviewer_id: None,
        supervisory_reviewed_at: None,
        decision_comment: String::new(),
        decided_by: None,
        decided_at: Some(at),
        created_at: at,
        updated_at: at,
    };
    fengqiao::supervision::store::insert_demo(db, &row, &content).await?;
    Ok(())
}

async fn journey(c: &Client, base: &str) -> anyhow::Result<()> {
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&format!("{base}/supervision/warnings?level=red"))
        .await?;
    wait_for(c, Locator::Css("#warnings")).await?;
    check_a11y(c, "supervision warnings").await?;
    let list = text(c, "#warnings").await?;
    ensure!(list.contains(ORG), "list: {list}");
    c.find(Locator::LinkText(ORG)).await?.click().await?;
    wait_for(c, Locator::Css("#form-close")).await?;
    check_a11y(c, "supervision warning").await?;
    let clears = text(c, "#clears").await?;
    ensure!(clears.contains("400000.00"), "clears: {clears}");
    // An empty reason is refused by its field.
    go(c, "#do-close").await?;
    wait_for(c, Locator::Css("#f-reason-err")).await?;
    let invalid = c
        .find(Locator::Css("#f-reason"))
        .await?
        .attr("aria-invalid")
        .await?;
    ensure!(
        invalid.as_deref() == Some("true"),
        "aria-invalid: {invalid:?}"
    );
    check_a11y(c, "supervision warning (error)").await?;
    fill(c, "#f-reason", "已约谈理事长，次年预算已调整").await?;
    go(c, "#do-close").await?;
    wait_for(c, Locator::Css("#close-reason")).await?;
    let reason = text(c, "#close-reason").await?;
    ensure!(reason.contains("已约谈理事长"), "reason: {reason}");
    let trail = text(c, "#trail").await?;
    ensure!(trail.contains("关闭"), "trail: {trail}");
    ensure!(
        c.find(Locator::Css("#form-close")).await.is_err(),
        "no close form on a closed warning"
    );
    Ok(())
}

#[tokio::test]
async fn warnings_journey() -> anyhow::Result<()> {
    super::run_with_setup(
        "warnings_journey",
        async |state, _| {
            let org = testkit::TestOrganization {
                org_type: "foundation".into(),
                registered_on: Some("2019-06-01".parse()?),
                ..testkit::TestOrganization::new(ORG, "330106")
            }
            .insert(&state.db)
            .await?;
            passed(&state.db, org, 2024, 500_000_000, 50_000_000).await?;
            passed(&state.db, org, 2025, 500_000_000, 39_999_999).await?;
            // The run for the organization, as when its report is decided.
            fengqiao::supervision::service::warnings::run_for(state, org, 2025).await?;
            Ok(())
        },
        async |c: &Client, base: &str, ()| journey(c, base).await,
    )
    .await
}
