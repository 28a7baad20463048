//! The evaluation journey in headless Chromium (issue 9, DOMAIN.md §8): the county officer opens
//! the round's page, finds the application and enters its score sheet (an indicator over its
//! maximum is refused by its field, the input kept); the grade decided from the 4A band comes
//! into force after publicity, and a visitor finds it in the register's grade facet and on the
//! organization's page. axe-core runs on every page.

use anyhow::ensure;
use fantoccini::{Client, Locator};
use fengqiao::testkit;
use fengqiao_e2e::steps::{fill, go, login, logout, text};
use fengqiao_e2e::{check_a11y, wait_for};

const ORG: &str = "西湖区评估旅程协会";

async fn score(c: &Client, base: &str) -> anyhow::Result<()> {
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&format!("{base}/evaluations")).await?;
    wait_for(c, Locator::Css("#rounds")).await?;
    check_a11y(c, "evaluation rounds").await?;
    c.find(Locator::LinkText("2026 年度社会组织评估"))
        .await?
        .click()
        .await?;
    wait_for(c, Locator::Css("#applications")).await?;
    check_a11y(c, "evaluation round").await?;
    c.find(Locator::LinkText(ORG)).await?.click().await?;
    wait_for(c, Locator::Css("#score-form")).await?;
    check_a11y(c, "evaluation application").await?;
    fill(c, "#f-basic", "101").await?;
    fill(c, "#f-governance", "330").await?;
    fill(c, "#f-performance", "350").await?;
    fill(c, "#f-social", "140").await?;
    go(c, "#score-submit").await?;
    wait_for(c, Locator::Css("#form-error")).await?;
    let field = c
        .find(Locator::Css("#form-error"))
        .await?
        .attr("data-field")
        .await?;
    ensure!(field.as_deref() == Some("basic"), "error field: {field:?}");
    let kept = c
        .find(Locator::Css("#f-governance"))
        .await?
        .prop("value")
        .await?;
    ensure!(kept.as_deref() == Some("330"), "input kept: {kept:?}");
    check_a11y(c, "score sheet error").await?;
    fill(c, "#f-basic", "95").await?;
    go(c, "#score-submit").await?;
    wait_for(c, Locator::Css("#application-score")).await?;
    let total = text(c, "#application-score").await?;
    ensure!(total.trim() == "915", "score: {total}");
    logout(c).await?;
    Ok(())
}

async fn visit(c: &Client, base: &str, uscc: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/register")).await?;
    wait_for(c, Locator::Css("#facet-grade")).await?;
    check_a11y(c, "register with the grade facet").await?;
    c.find(Locator::Css("#facet-grade a"))
        .await?
        .click()
        .await?;
    wait_for(c, Locator::Css("#r-results")).await?;
    let results = text(c, "#r-results").await?;
    ensure!(results.contains(ORG), "results: {results}");
    c.goto(&format!("{base}/registry/organizations/{uscc}"))
        .await?;
    wait_for(c, Locator::Css("#evaluation-grade")).await?;
    check_a11y(c, "organization with its grade").await?;
    let grade = text(c, "#evaluation-grade").await?;
    ensure!(grade.contains("4A"), "grade: {grade}");
    Ok(())
}

#[tokio::test]
async fn evaluation_journey() -> anyhow::Result<()> {
    super::run_with_setup(
        "evaluation_journey",
        async |state, clock| {
            let (id, uscc) = testkit::registered_organization(
                &state.db,
                ORG,
                "330106",
                89,
                "2019-06-01".parse()?,
            )
            .await?;
            let application = testkit::evaluation_application(&state.db, "330106", id).await?;
            Ok((state.clone(), clock.clone(), application, uscc))
        },
        async |c: &Client, base: &str, (state, clock, application, uscc)| {
            score(c, base).await?;
            // The officer decides (the API's decision); publicity passes; the grade is in force.
            let system = fengqiao::platform::auth::Actor::System;
            let (a, org) =
                fengqiao::evaluation::service::load_application(&state, &application.to_string())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            let decided = fengqiao::evaluation::service::decide(&state, &system, &a, &org)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let grade = decided.grade.ok_or_else(|| anyhow::anyhow!("no grade"))?;
            ensure!(grade.grade == "4A", "grade {}", grade.grade);
            clock.set(
                grade
                    .in_force_from
                    .and_hms_opt(1, 0, 0)
                    .unwrap_or_default()
                    .and_utc(),
            );
            fengqiao::evaluation::service::apply_transitions(&state)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            fengqiao::directory::index::catch_up(&state.db, &state.search)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            visit(c, base, &uscc).await
        },
    )
    .await
}
