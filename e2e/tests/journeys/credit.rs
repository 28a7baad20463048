//! The credit journey in headless Chromium (issue 9): an organization whose annual report is
//! late is on the 活动异常名录 automatically; a visitor finds it in the public list with its
//! reason and rule; the county officer records the verified rectification (a date in the
//! future is refused by its field, the input kept), and the organization leaves the list that
//! day while its history stays public as of any past date. axe-core runs on every page.

use anyhow::ensure;
use fantoccini::{Client, Locator};
use fengqiao::credit::LateReport;
use fengqiao::testkit;
use fengqiao_e2e::steps::{fill, go, login, logout, select, set_date, text};
use fengqiao_e2e::{check_a11y, wait_for};

const ORG: &str = "西湖区晚报民俗研究会";

async fn journey(c: &Client, base: &str, uscc: &str) -> anyhow::Result<()> {
    // A visitor: the public list, the reason and the rule.
    c.goto(&format!("{base}/credit")).await?;
    wait_for(c, Locator::Css("#credit-list")).await?;
    check_a11y(c, "credit lists").await?;
    let list = text(c, "#credit-list").await?;
    ensure!(
        list.contains(ORG) && list.contains("rule 15(1)"),
        "list: {list}"
    );
    c.find(Locator::LinkText(ORG)).await?.click().await?;
    wait_for(c, Locator::Css("#credit-abnormal")).await?;
    check_a11y(c, "organization credit").await?;
    let standing = text(c, "#credit-abnormal").await?;
    ensure!(
        standing.contains("未按规定报送年度工作报告"),
        "standing: {standing}"
    );

    // The county officer verifies the rectification; a future date is refused first.
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&format!("{base}/credit/organizations/{uscc}"))
        .await?;
    wait_for(c, Locator::Css("#credit-event-form")).await?;
    check_a11y(c, "organization credit (officer)").await?;
    select(c, "#f-kind", "rectified").await?;
    set_date(c, "f-on", "2026-12-01").await?;
    fill(c, "#f-note", "已补报年度工作报告，经核实").await?;
    go(c, "#credit-record").await?;
    wait_for(c, Locator::Css("#form-error")).await?;
    let field = c
        .find(Locator::Css("#form-error"))
        .await?
        .attr("data-field")
        .await?;
    ensure!(
        field.as_deref() == Some("occurred_on"),
        "error field: {field:?}"
    );
    let kept = c.find(Locator::Css("#f-note")).await?.prop("value").await?;
    ensure!(
        kept.as_deref() == Some("已补报年度工作报告，经核实"),
        "note kept: {kept:?}"
    );
    check_a11y(c, "credit form error").await?;
    set_date(c, "f-on", "2026-11-27").await?;
    go(c, "#credit-record").await?;
    wait_for(c, Locator::Css("#credit-clear")).await?;
    let history = text(c, "#credit-history").await?;
    ensure!(history.contains("整改核实后移出"), "history: {history}");
    logout(c).await?;

    // Off the list today; as of the day before, still on it.
    c.goto(&format!("{base}/credit")).await?;
    wait_for(c, Locator::Css("#credit-none")).await?;
    c.goto(&format!(
        "{base}/credit/organizations/{uscc}?as_of=2026-11-26"
    ))
    .await?;
    wait_for(c, Locator::Css("#credit-abnormal")).await?;
    Ok(())
}

#[tokio::test]
async fn credit_journey() -> anyhow::Result<()> {
    super::run_with_setup(
        "credit_journey",
        async |state, _| {
            let (id, uscc) = testkit::registered_organization(
                &state.db,
                ORG,
                "330106",
                88,
                "2019-06-01".parse()?,
            )
            .await?;
            // The nightly run finds the report of 2025 missing after its deadline.
            let late = [LateReport {
                organization_id: id,
                year: 2025,
                deadline: "2026-06-01".parse()?,
            }];
            fengqiao::credit::list_late_reports(state, &late).await?;
            Ok(uscc)
        },
        async |c: &Client, base: &str, uscc: String| journey(c, base, &uscc).await,
    )
    .await
}
