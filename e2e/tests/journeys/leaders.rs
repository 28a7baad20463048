//! The leader-management journey in headless Chromium (issue 9; DOMAIN.md §3): the county
//! officer orders the replacement of a leader — refused first by the missing deadline, the
//! input kept — and sees it listed; the organization's account files the departure audit
//! (离任审计) of its legal representative with the report's PDF (a text file named .pdf is
//! refused by its bytes first), after which a change of legal representative can be submitted.
//! axe-core runs on every page.

use anyhow::ensure;
use fantoccini::{Client, Locator};
use fengqiao::testkit;
use fengqiao_e2e::steps::{fill, go, login, logout, select, set_date, text};
use fengqiao_e2e::{check_a11y, wait_for};

const ORG: &str = "西湖区离任审计旅程协会";

/// The fault beside a form (its id), by the field it names.
async fn fault(c: &Client, id: &str) -> anyhow::Result<Option<String>> {
    wait_for(c, Locator::Css(id)).await?;
    Ok(c.find(Locator::Css(id)).await?.attr("data-field").await?)
}

async fn journey(c: &Client, base: &str, uscc: &str, person: &str) -> anyhow::Result<()> {
    let page = format!("{base}/supervision/organizations/{uscc}/leadership");
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&page).await?;
    wait_for(c, Locator::Css("#leader-action-form")).await?;
    check_a11y(c, "leadership (officer)").await?;
    select(c, "#f-a-person", person).await?;
    select(c, "#f-a-kind", "order_replace").await?;
    set_date(c, "f-a-decided", "2026-11-20").await?;
    fill(c, "#f-a-document", "西民社撤〔2026〕9号").await?;
    fill(c, "#f-a-facts", "秘书长长期不履职").await?;
    go(c, "#record-action").await?;
    let field = fault(c, "#action-error").await?;
    ensure!(field.as_deref() == Some("due_on"), "error field: {field:?}");
    let kept = c
        .find(Locator::Css("#f-a-facts"))
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref() == Some("秘书长长期不履职"),
        "facts kept: {kept:?}"
    );
    check_a11y(c, "leadership form error").await?;
    set_date(c, "f-a-due", "2026-12-31").await?;
    go(c, "#record-action").await?;
    wait_for(c, Locator::Css("#leader-actions")).await?;
    let actions = text(c, "#leader-actions").await?;
    ensure!(
        actions.contains("责令撤换") && actions.contains("2026-12-31"),
        "actions: {actions}"
    );
    logout(c).await?;

    // The organization's account files the departure audit with its report.
    login(c, base, "orgadmin", "社会组织").await?;
    c.goto(&page).await?;
    wait_for(c, Locator::Css("#audit-form")).await?;
    check_a11y(c, "leadership (organization)").await?;
    let dir = std::env::temp_dir().join(format!("fq-leaders-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let fake = dir.join("audit.pdf");
    std::fs::write(&fake, "not a pdf at all")?;
    let pdf = dir.join("离任审计报告.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    )?;
    select(c, "#f-u-person", person).await?;
    fill(c, "#f-u-auditor", "浙江之江会计师事务所").await?;
    fill(c, "#f-u-no", "之江审〔2026〕离任88号").await?;
    set_date(c, "f-u-date", "2026-11-25").await?;
    fill(c, "#f-u-conclusion", "任期内财务收支真实、合规").await?;
    c.find(Locator::Css("#f-u-file"))
        .await?
        .send_keys(&fake.display().to_string())
        .await?;
    go(c, "#file-audit").await?;
    let field = fault(c, "#audit-error").await?;
    ensure!(
        field.as_deref() == Some("report_file"),
        "error field: {field:?}"
    );
    let kept = c.find(Locator::Css("#f-u-no")).await?.prop("value").await?;
    ensure!(
        kept.as_deref() == Some("之江审〔2026〕离任88号"),
        "number kept: {kept:?}"
    );
    check_a11y(c, "audit form error").await?;
    c.find(Locator::Css("#f-u-file"))
        .await?
        .send_keys(&pdf.display().to_string())
        .await?;
    go(c, "#file-audit").await?;
    wait_for(c, Locator::Css("#departure-audits")).await?;
    let audits = text(c, "#departure-audits").await?;
    ensure!(
        audits.contains("之江审〔2026〕离任88号"),
        "audits: {audits}"
    );
    // The report's link serves the PDF to the organization's own account.
    let href = c
        .find(Locator::LinkText("之江审〔2026〕离任88号"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(href.contains("/report/"), "report link: {href}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::test]
async fn leaders_journey() -> anyhow::Result<()> {
    super::run_with_setup(
        "leaders_journey",
        async |state, _| {
            let (org, uscc) = testkit::registered_organization(
                &state.db,
                ORG,
                "330106",
                89,
                "2019-06-01".parse()?,
            )
            .await?;
            let person = testkit::legal_representative(
                &state.db,
                &state.pii,
                org,
                ("郑会长", "330199196603150712"),
                "2022-05-01".parse()?,
            )
            .await?;
            testkit::act_for(&state.db, "orgadmin", org).await?;
            Ok((uscc, person.to_string()))
        },
        async |c: &Client, base: &str, (uscc, person): (String, String)| {
            journey(c, base, &uscc, &person).await
        },
    )
    .await
}
