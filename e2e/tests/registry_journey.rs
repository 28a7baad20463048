//! The registry's whole journey in headless Chromium, without a line of JavaScript from the
//! site: a founder applies (a bad identity number first: the form again, by the field), submits
//! with two materials; the intake officer returns it once with the missing list; the founder
//! resubmits; the officer accepts; three roles review their steps in parallel; publicity, where
//! the public objects and the officer answers; a week later (the clock moves) approval, the
//! certificate with its USCC, the organization page, and the organization found in the public
//! register by two characters of its name. axe-core runs on every page, on every backend.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, ensure};
use fantoccini::{Client, Locator};
use fengqiao::platform::clock::FixedClock;
use fengqiao::testkit;
use fengqiao_e2e::steps::{click, fill, go, login, logout, page_status, present, select, text};
use fengqiao_e2e::{Browser, check_a11y, say, screenshot, wait_for};

/// The name applied for, and the two characters the public searches it by.
const ORG_NAME: &str = "西湖区龙井茶文化研究会";
const QUERY: &str = "茶文";

/// Opens the application page and checks it (axe included).
async fn open_app(c: &Client, base: &str, path: &str, who: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}{path}")).await?;
    wait_for(c, Locator::Css("#app-state")).await?;
    check_a11y(c, &format!("application ({who})")).await
}

/// Waits until the application's state reads `state`.
async fn expect_state(c: &Client, state: &str) -> anyhow::Result<()> {
    wait_for(
        c,
        Locator::XPath(&format!(
            "//strong[@id='app-state'][normalize-space()='{state}']"
        )),
    )
    .await
    .with_context(|| format!("state {state}"))?;
    ensure!(
        !present(c, "#form-error").await?,
        "unexpected error: {}",
        text(c, "#form-error").await?
    );
    Ok(())
}

async fn journey(c: &Client, base: &str, clock: &FixedClock) -> anyhow::Result<()> {
    // The founder applies.
    login(c, base, "orgadmin", "何女士").await?;
    go(c, "header nav a[href='/registry']").await?;
    wait_for(c, Locator::Css("#new-application-link")).await?;
    check_a11y(c, "applications (founder)").await?;
    go(c, "#new-application-link").await?;
    wait_for(c, Locator::Css("#new-application")).await?;
    check_a11y(c, "new application").await?;
    select(c, "#f-category", "other").await?;
    fill(c, "#f-name", ORG_NAME).await?;
    fill(c, "#f-domicile_code", "330106004053").await?;
    fill(c, "#f-supervisory_unit", "西湖区科学技术局").await?;
    fill(c, "#f-business_scope", "茶文化研究、交流、培训").await?;
    fill(c, "#f-purpose", "传承龙井茶文化").await?;
    fill(c, "#f-address", "龙井路 1 号").await?;
    fill(c, "#f-funds_yuan", "30000").await?;
    let good = id_number("19900315", "022");
    let people = [
        ("张会长", id_number("19700315", "011"), "会长"),
        ("李秘书长", with_wrong_check(&good), "秘书长"),
        ("王发起人", id_number("19850315", "033"), "发起人"),
    ];
    for (i, (name, id, position)) in people.iter().enumerate() {
        fill(c, &format!("#f-persons-{i}-name"), name).await?;
        fill(c, &format!("#f-persons-{i}-id_number"), id).await?;
        fill(c, &format!("#f-persons-{i}-position"), position).await?;
    }
    select(c, "#f-persons-2-capacity", "founder").await?;
    click(c, "#f-persons-0-legal_rep").await?;
    go(c, "#create-application").await?;
    let err = text(c, "#f-persons-1-id_number-err").await?;
    ensure!(
        !err.is_empty(),
        "the message beside row 2's identity number"
    );
    ensure!(page_status(c).await? == 422, "a bad form answers 422");
    let kept = wait_for(c, Locator::Css("#f-name"))
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref() == Some(ORG_NAME),
        "the form keeps the name: {kept:?}"
    );
    check_a11y(c, "new application with an error").await?;
    // The other rows kept what was typed; only row 2 is corrected.
    let kept = wait_for(c, Locator::Css("#f-persons-0-id_number"))
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref() == Some(people[0].1.as_str()),
        "row 1 kept: {kept:?}"
    );
    fill(c, "#f-persons-1-id_number", &good).await?;
    go(c, "#create-application").await?;
    expect_state(c, "草稿").await?;
    let path = c.current_url().await?.path().to_string();
    ensure!(path.starts_with("/registry/applications/"), "{path}");
    check_a11y(c, "application (draft)").await?;
    ensure!(
        c.find_all(Locator::Css("#persons tbody tr")).await?.len() == 3,
        "three persons named"
    );

    // Submitted with two materials.
    click(c, "#mat-application").await?;
    click(c, "#mat-charter").await?;
    go(c, "#do-submit").await?;
    expect_state(c, "已提交待受理").await?;
    check_a11y(c, "application (submitted)").await?;
    logout(c).await?;

    // Intake returns it once with the complete missing list.
    login(c, base, "xihu", "西湖区局").await?;
    open_app(c, base, &path, "intake officer").await?;
    go(c, "#do-return").await?;
    expect_state(c, "退回补正").await?;
    let missing = c
        .find_all(Locator::Css("#checklist li.missing"))
        .await?
        .len();
    ensure!(missing == 4, "four materials missing, got {missing}");
    check_a11y(c, "application (returned)").await?;
    logout(c).await?;

    // The founder resubmits complete.
    login(c, base, "orgadmin", "何女士").await?;
    open_app(c, base, &path, "founder, returned").await?;
    for m in c
        .find_all(Locator::Css("#form-submit input[name='materials']"))
        .await?
    {
        if m.prop("checked").await?.as_deref() != Some("true") {
            m.click().await?;
        }
    }
    go(c, "#do-submit").await?;
    expect_state(c, "补正后重新提交").await?;
    ensure!(
        !present(c, "#do-accept").await?,
        "the founder cannot take intake"
    );
    logout(c).await?;

    // Accepted; then three roles review their own steps.
    login(c, base, "xihu", "西湖区局").await?;
    open_app(c, base, &path, "intake officer, resubmitted").await?;
    ensure!(!present(c, "#do-return").await?, "no second return");
    go(c, "#do-accept").await?;
    expect_state(c, "联办审查中").await?;
    ensure!(
        !present(c, "#do-approve-supervisory").await?,
        "the county officer does not review for the supervisory unit"
    );
    fill(c, "#opinion-registration", "材料齐全，符合登记条件").await?;
    go(c, "#do-approve-registration").await?;
    expect_state(c, "联办审查中").await?;
    check_a11y(c, "application (in review)").await?;
    logout(c).await?;
    for (user, who, step) in [
        ("reviewer", "郑审查员", "supervisory"),
        ("hangzhou", "李科长", "party_building"),
    ] {
        login(c, base, user, who).await?;
        open_app(c, base, &path, user).await?;
        fill(c, &format!("#opinion-{step}"), "同意").await?;
        go(c, &format!("#do-approve-{step}")).await?;
        expect_state(c, "联办审查中").await?;
        ensure!(
            !present(c, &format!("#do-approve-{step}")).await?,
            "{step} is decided"
        );
        logout(c).await?;
    }

    // Publicity.
    login(c, base, "xihu", "西湖区局").await?;
    open_app(c, base, &path, "officer, steps approved").await?;
    go(c, "#do-publicity").await?;
    expect_state(c, "任职前公示中").await?;
    logout(c).await?;

    // The public objects on the notice.
    go(c, "header nav a[href='/registry/publicity']").await?;
    wait_for(c, Locator::Css("#notices")).await?;
    check_a11y(c, "publicity list").await?;
    go(
        c,
        &format!("#notices a[href='/registry/publicity/{}']", app_id(&path)),
    )
    .await?;
    wait_for(c, Locator::Css("#notice-persons")).await?;
    check_a11y(c, "publicity notice").await?;
    let notice = text(c, "#notice-persons").await?;
    ensure!(
        notice.contains("张会长") && !notice.contains("330199"),
        "{notice}"
    );
    fill(c, "#obj-name", "居民甲").await?;
    fill(c, "#obj-body", "会长是否另有兼职，请核实").await?;
    go(
        c,
        "form[action^='/registry/publicity/'] button[type='submit']",
    )
    .await?;
    wait_for(c, Locator::Css("#filed")).await?;
    check_a11y(c, "publicity notice (objection filed)").await?;

    // The officer answers; approval waits for the period's end.
    login(c, base, "xihu", "西湖区局").await?;
    open_app(c, base, &path, "officer, objection").await?;
    fill(c, "#answer-1", "经核查，无其他兼职").await?;
    go(c, "#do-answer-1").await?;
    wait_for(
        c,
        Locator::XPath("//ul[@id='objections']/li[contains(., '经核查')]"),
    )
    .await?;
    go(c, "#do-approve").await?;
    let err = text(c, "#form-error").await?;
    ensure!(
        err.contains("公示"),
        "approval before the period's end: {err:?}"
    );
    ensure!(page_status(c).await? == 422, "a refused action answers 422");
    check_a11y(c, "application (approval too early)").await?;

    // Eight days later (sessions last 12 hours: log in again), approval and the certificate.
    clock.set("2026-12-05T01:00:00Z".parse()?);
    login(c, base, "xihu", "西湖区局").await?;
    open_app(c, base, &path, "officer, publicity over").await?;
    go(c, "#do-approve").await?;
    expect_state(c, "准予登记").await?;
    let uscc = text(c, "#app-uscc").await?;
    ensure!(uscc.starts_with("51330106MJ"), "{uscc}");
    check_a11y(c, "application (approved)").await?;
    go(c, "#app-uscc").await?;
    wait_for(c, Locator::Css("#org-name")).await?;
    ensure!(
        text(c, "#org-name").await? == ORG_NAME,
        "the organization page"
    );
    check_a11y(c, "organization").await?;
    go(c, "#certificate-link").await?;
    ensure!(
        text(c, "#cert-uscc").await? == uscc,
        "the certificate shows the USCC"
    );
    ensure!(text(c, "#cert-name").await? == ORG_NAME, "and the name");
    check_a11y(c, "certificate").await?;

    // The officer records the party organization from the organization page; the page shows it.
    c.goto(&format!("{base}/registry/organizations/{uscc}"))
        .await?;
    go(c, "#governance-edit-link").await?;
    wait_for(c, Locator::Css("#party-form")).await?;
    check_a11y(c, "governance").await?;
    select(c, "#f-status", "joint").await?;
    // A date input takes typing in the browser's locale format; set its value as a picker would.
    c.execute(
        "document.getElementById('f-since').value = '2026-11-20';",
        vec![],
    )
    .await?;
    go(c, "#save-party").await?;
    ensure!(
        !present(c, "#form-error").await? && !present(c, "#f-since-err").await?,
        "saving the party status: {}",
        text(c, "main").await?
    );
    c.goto(&format!("{base}/registry/organizations/{uscc}"))
        .await?;
    let party = text(c, "#party-status").await?;
    ensure!(
        party.contains("联合组建"),
        "party status on the page: {party}"
    );
    // The officer lets the organization's administrator act for it, on its accounts page.
    c.goto(&format!("{base}/registry/organizations/{uscc}"))
        .await?;
    go(c, "#accounts-link").await?;
    wait_for(c, Locator::Css("#grant-form")).await?;
    check_a11y(c, "organization accounts").await?;
    fill(c, "#f-username", "nobody-here").await?;
    go(c, "#grant").await?;
    ensure!(
        wait_for(c, Locator::Css("#f-username-err")).await.is_ok(),
        "an unknown account: the error by the username"
    );
    fill(c, "#f-username", "orgadmin").await?;
    go(c, "#grant").await?;
    ensure!(
        present(c, "#revoke-orgadmin").await?,
        "the account is listed: {}",
        text(c, "main").await?
    );
    // The officer's overdue list (none of his steps is late) and his notifications.
    c.goto(&format!("{base}/registry")).await?;
    go(c, "#overdue-link").await?;
    check_a11y(c, "overdue steps").await?;
    c.goto(&format!("{base}/notifications")).await?;
    wait_for(c, Locator::Css("#unread-summary")).await?;
    check_a11y(c, "notifications").await?;

    // The public register finds it by two characters of its name.
    c.goto(&format!("{base}/register")).await?;
    fill(c, "#r-q", QUERY).await?;
    go(c, "#r-submit").await?;
    wait_for(
        c,
        Locator::XPath(&format!(
            "//table[@id='r-results']//th[normalize-space()='{ORG_NAME}']"
        )),
    )
    .await
    .context("the new organization in the register's results")?;
    ensure!(
        text(c, "#r-results").await?.contains(&uscc),
        "the result shows the USCC"
    );
    check_a11y(c, "register search").await?;
    Ok(())
}

/// A synthetic identity number (unassigned region 330199) with its check character (DOMAIN
/// rule 6).
fn id_number(birth: &str, seq: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("330199{birth}{seq}");
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = "10X98765432".as_bytes()[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// The same number with another check character.
fn with_wrong_check(id: &str) -> String {
    let (body, check) = id.split_at(17);
    let other = if check == "0" { '1' } else { '0' };
    format!("{body}{other}")
}

fn app_id(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or_default()
}

#[tokio::test]
async fn registry_journey() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        say("registry_journey: skipped (no chromedriver)");
        return Ok(());
    };
    let mut outcome = Ok(());
    for backend in testkit::backends() {
        let started = Instant::now();
        let tdb = testkit::TestDb::new(backend).await?;
        let result = async {
            testkit::seed(&tdb.db, Some(testkit::TEST_REGIONS)).await?;
            let clock = testkit::test_clock();
            let (base, _state) = testkit::spawn(tdb.db.clone(), Arc::new(clock.clone())).await?;
            browser.open(&base, "/healthz").await?;
            browser.forget_cookies().await?;
            journey(&browser.client, &base, &clock).await
        }
        .await;
        if result.is_err() {
            let name = format!("failed-registry_journey-{}", backend.name());
            if let Ok(p) = screenshot(&browser.client, &name).await {
                eprintln!("screenshot of the failure: {}", p.display());
            }
        }
        tdb.finish().await;
        eprintln!(
            "registry_journey [{}]: {} in {:.1?}",
            backend.name(),
            if result.is_ok() { "ok" } else { "FAILED" },
            started.elapsed()
        );
        if let Err(e) = result {
            outcome = Err(e.context(format!("registry journey on {}", backend.name())));
            break;
        }
    }
    browser.close().await;
    outcome
}
