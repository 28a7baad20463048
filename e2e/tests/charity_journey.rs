//! The charity's journey in headless Chromium: a registered organization is recognized as a
//! charity by the county officer; a year later (the clock moves) it qualifies for public
//! fundraising (asked too early, it is refused by the field); it files a fundraising plan and
//! gets its filing number; when the plan opens, a donor gives through the project page, lands
//! on the receipt, verifies it in the browser (the page's own check, then a
//! downloaded file chosen in the file picker), and the same file passes the offline verifier
//! of `fengqiao verify receipt`; the county officer records a disbursement with a document; the project page shows
//! raised, spent and balance reconciled with the log. axe-core runs on every page.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use fantoccini::{Client, Locator};
use fengqiao::platform::clock::FixedClock;
use fengqiao::testkit;
use fengqiao_e2e::steps::{fill, go, login, logout, present, select, text};
use fengqiao_e2e::{Browser, check_a11y, say, screenshot, wait_for};

const ORG: &str = "西湖区龙井助学促进会";
const PLAN_TITLE: &str = "龙井山区助学计划";
const ORG_ADMIN: (&str, &str) = ("orgadmin", "何女士");

/// 09:00 in Shanghai on `day` (the holiday calendar of 2025 and 2026 counts the deadlines).
fn at(day: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(&format!("{day}T01:00:00Z"))
        .expect("literal")
        .with_timezone(&chrono::Utc)
}

/// The current page's path (an application's own address after it is filed).
async fn current_path(c: &Client) -> anyhow::Result<String> {
    Ok(c.current_url().await?.path().to_string())
}

/// The organization's side files an application; returns the application's path.
async fn apply(c: &Client, base: &str, kind: &str, uscc: &str) -> anyhow::Result<String> {
    c.goto(&format!("{base}/charity")).await?;
    go(c, "#apply-link").await?;
    select(c, "#f-kind", kind).await?;
    select(c, "#f-organization_uscc", uscc).await?;
    fill(
        c,
        "#f-statement",
        "本会以扶贫济困、助学助老为宗旨，财务制度健全。",
    )
    .await?;
    go(c, "#do-apply").await?;
    wait_for(c, Locator::Css("#app-state")).await?;
    current_path(c).await
}

/// The county officer approves the application at `path`.
async fn approve(c: &Client, base: &str, path: &str) -> anyhow::Result<()> {
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&format!("{base}{path}")).await?;
    wait_for(c, Locator::Css("#checks")).await?;
    check_a11y(c, "charity application (officer)").await?;
    fill(c, "#f-reasons", "符合条件").await?;
    go(c, "#do-approve").await?;
    let state = text(c, "#app-state").await?;
    ensure!(state == "已批准", "decision: {state}");
    logout(c).await
}

/// Recognition, a year's wait, qualification and a filed plan; returns the project's path.
async fn become_a_fundraising_charity(
    c: &Client,
    base: &str,
    clock: &FixedClock,
    uscc: &str,
) -> anyhow::Result<String> {
    let (user, who) = ORG_ADMIN;
    login(c, base, user, who).await?;
    check_a11y(c, "charity home").await?;
    let path = apply(c, base, "recognition", uscc).await?;
    check_a11y(c, "charity application (applicant)").await?;
    logout(c).await?;
    approve(c, base, &path).await?;

    // Asked too early, qualification is refused by the field: one year as a charity first.
    login(c, base, user, who).await?;
    c.goto(&format!("{base}/charity/apply")).await?;
    select(c, "#f-kind", "qualification").await?;
    select(c, "#f-organization_uscc", uscc).await?;
    go(c, "#do-apply").await?;
    ensure!(
        wait_for(c, Locator::Css("#f-organization_uscc-err"))
            .await
            .is_ok(),
        "qualification within the first year is refused by the field"
    );
    check_a11y(c, "charity application form (refused)").await?;
    logout(c).await?;

    clock.set(at("2026-03-03"));
    login(c, base, user, who).await?;
    let path = apply(c, base, "qualification", uscc).await?;
    logout(c).await?;
    approve(c, base, &path).await?;

    // The plan, filed more than 10 days before it opens.
    login(c, base, user, who).await?;
    c.goto(&format!("{base}/charity")).await?;
    go(c, "#new-plan-link").await?;
    check_a11y(c, "plan filing form").await?;
    select(c, "#f-organization_uscc", uscc).await?;
    for (field, value) in [
        ("title", PLAN_TITLE),
        ("purpose", "资助龙井山区困难家庭学生完成学业"),
        ("target_yuan", "200000"),
        ("region_code", "330106"),
        ("beneficiaries", "龙井山区困难家庭学生约 120 名"),
        ("budget", "助学金 18 万元，募捐成本 2 万元"),
        ("contact", "张会长 0571-00000000"),
    ] {
        fill(c, &format!("#f-{field}"), value).await?;
    }
    // Date inputs take typing in the browser's locale; set them as a picker would.
    c.execute(
        "document.getElementById('f-starts_on').value = '2026-03-20'; \
         document.getElementById('f-ends_on').value = '2026-06-30';",
        vec![],
    )
    .await?;
    go(c, "#do-file").await?;
    let filing_no = text(c, "#filing-no").await?;
    ensure!(
        filing_no.starts_with("浙民募备[2026]"),
        "filing number {filing_no}"
    );
    check_a11y(c, "filed plan").await?;
    logout(c).await?;

    // The plan opens; the public list of plans leads to it, and its page to the project.
    clock.set(at("2026-03-20"));
    c.goto(&format!("{base}/charity/plans")).await?;
    check_a11y(c, "filed plans").await?;
    Ok(format!(
        "/projects/{}",
        fengqiao::donations::pages::urlencode(&filing_no)
    ))
}

/// Waits until the in-browser check has answered; returns its class and text.
async fn verify_result(c: &Client) -> anyhow::Result<(String, String)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let el = wait_for(c, Locator::Css("#verify-result")).await?;
        let class = el.attr("class").await?.unwrap_or_default();
        if class == "ok" || class == "error" {
            return Ok((class, el.text().await?));
        }
        ensure!(
            Instant::now() < deadline,
            "the receipt check never answered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn journey(
    c: &Client,
    base: &str,
    clock: &FixedClock,
    uscc: &str,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let project = become_a_fundraising_charity(c, base, clock, uscc).await?;
    // The donor gives 88.80 yuan by name.
    c.goto(&format!("{base}{project}")).await?;
    wait_for(c, Locator::Css("#donate-form")).await?;
    check_a11y(c, "project page").await?;
    fill(c, "#d-amount", "88.8").await?;
    fill(c, "#d-name", "王小明").await?;
    select(c, "#d-method", "test_confirm").await?;
    go(c, "#donate-submit").await?;
    let receipt_no = text(c, "#receipt-no").await?;
    ensure!(
        receipt_no.starts_with("FQ2026"),
        "receipt number {receipt_no}"
    );
    ensure!(text(c, "#receipt-amount").await? == "88.80", "the amount");
    check_a11y(c, "receipt").await?;

    // Verified in the browser, from the server's receipt …
    c.find(Locator::Css("#verify-button"))
        .await?
        .click()
        .await?;
    let (class, msg) = verify_result(c).await?;
    ensure!(
        class == "ok" && msg.contains(&receipt_no),
        "in-browser check: {msg}"
    );
    // … and from the downloaded file, as the donor keeps it.
    let href = c
        .find(Locator::Css("#receipt-download"))
        .await?
        .attr("href")
        .await?
        .context("download link")?;
    let json = c
        .execute(
            "return fetch(arguments[0]).then(r => r.text());",
            vec![serde_json::json!(href)],
        )
        .await?;
    let json = json.as_str().context("receipt text")?.to_string();
    let file = dir.join("receipt.json");
    std::fs::write(&file, &json)?;
    c.execute(
        "document.getElementById('verify-result').className = '';",
        vec![],
    )
    .await?;
    c.find(Locator::Css("#verify-file"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    let (class, msg) = verify_result(c).await?;
    ensure!(class == "ok", "file check: {msg}");
    // A tampered file fails in the browser too.
    let tampered = dir.join("tampered.json");
    std::fs::write(
        &tampered,
        json.replace("\"amount_fen\":8880", "\"amount_fen\":88800"),
    )?;
    c.execute("const f = document.getElementById('verify-file'); f.value = ''; document.getElementById('verify-result').className = '';", vec![])
        .await?;
    c.find(Locator::Css("#verify-file"))
        .await?
        .send_keys(&tampered.display().to_string())
        .await?;
    let (class, msg) = verify_result(c).await?;
    ensure!(class == "error", "tampered file must fail: {msg}");

    // The same file with the CLI, offline, against the published key.
    let key = c
        .execute(
            "return fetch('/api/v1/translog/key').then(r => r.json()).then(k => k.public_key);",
            vec![],
        )
        .await?;
    // (What `fengqiao verify receipt FILE --key KEY` runs; the binary itself is tested in
    // crates/fengqiao/tests/it/donations.rs.)
    let verdict = fengqiao::transparency::cli::run(&fengqiao::transparency::cli::Verify::Receipt {
        file: file.clone(),
        key: Some(key.as_str().context("key")?.to_string()),
    });
    ensure!(verdict.is_ok(), "fengqiao verify receipt: {verdict:?}");

    // The county officer records a disbursement with its document.
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&format!("{base}{project}")).await?;
    wait_for(c, Locator::Css("#disburse-form")).await?;
    check_a11y(c, "project page (officer)").await?;
    fill(c, "#x-amount", "100").await?;
    fill(c, "#x-purpose", "发放助学金").await?;
    go(c, "#disburse-submit").await?;
    ensure!(
        wait_for(c, Locator::Css("#x-amount-err")).await.is_ok(),
        "more than the balance: the error by the amount"
    );
    check_a11y(c, "project page (disbursement refused)").await?;
    // A text file is not a document the store takes (judged on its bytes): the error is by
    // the field, and nothing is recorded.
    let txt = dir.join("发放名单.txt");
    std::fs::write(&txt, "受助学生名单（示例）")?;
    fill(c, "#x-amount", "50").await?;
    fill(c, "#x-purpose", "发放助学金").await?;
    fill(c, "#x-beneficiaries", "3").await?;
    c.find(Locator::Css("#x-documents"))
        .await?
        .send_keys(&txt.display().to_string())
        .await?;
    go(c, "#disburse-submit").await?;
    ensure!(
        wait_for(c, Locator::Css("#x-documents-err")).await.is_ok(),
        "a text file is refused by the documents field"
    );
    let doc = dir.join("发放名单.pdf");
    std::fs::write(
        &doc,
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    )?;
    fill(c, "#x-amount", "50").await?;
    fill(c, "#x-purpose", "发放助学金").await?;
    fill(c, "#x-beneficiaries", "3").await?;
    c.find(Locator::Css("#x-documents"))
        .await?
        .send_keys(&doc.display().to_string())
        .await?;
    go(c, "#disburse-submit").await?;
    let rows = text(c, "#disbursement-rows tbody").await?;
    ensure!(
        rows.contains("发放助学金") && rows.contains("发放名单.pdf"),
        "{rows}"
    );
    // The officer downloads it from the file store, under the plan's access.
    let link = c
        .find(Locator::Css("#disbursement-rows tbody a[download]"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(link.contains("/documents/"), "a download link: {link}");
    ensure!(text(c, "#raised").await? == "88.80", "raised");
    ensure!(text(c, "#spent").await? == "50.00", "spent");
    ensure!(text(c, "#balance").await? == "38.80", "balance");
    let reconciled = c
        .find(Locator::Css("#reconciled"))
        .await?
        .attr("class")
        .await?;
    ensure!(
        reconciled.as_deref() == Some("ok"),
        "reconciled with the log"
    );
    check_a11y(c, "project page (disbursed)").await?;
    // The officer's supervision page leads to every project's flows in his region.
    c.goto(&format!("{base}/charity/supervision")).await?;
    wait_for(c, Locator::Css("#flows-link")).await?;
    check_a11y(c, "charity supervision").await?;
    go(c, "#flows-link").await?;
    let flows = text(c, "#projects tbody").await?;
    ensure!(flows.contains(PLAN_TITLE), "{flows}");
    logout(c).await?;

    // The public list of projects shows the same flows.
    go(c, "header nav a[href='/projects']").await?;
    let list = text(c, "#projects tbody").await?;
    ensure!(
        list.contains(PLAN_TITLE) && list.contains("88.80") && list.contains("50.00"),
        "{list}"
    );
    check_a11y(c, "projects").await?;

    // The campaign ends early: the officer closes the plan with the reason; its page says so.
    login(c, base, "xihu", "西湖区局").await?;
    c.goto(&format!(
        "{base}{}",
        project.replacen("/projects/", "/charity/plans/", 1)
    ))
    .await?;
    wait_for(c, Locator::Css("#form-close")).await?;
    go(c, "#do-close").await?;
    ensure!(
        wait_for(c, Locator::Css("#f-reason-err")).await.is_ok(),
        "closing without a reason: the error by the reason"
    );
    fill(c, "#f-reason", "受助学生已全部得到资助").await?;
    go(c, "#do-close").await?;
    ensure!(
        text(c, "#close-reason").await? == "受助学生已全部得到资助",
        "the closed plan's page gives the reason"
    );
    ensure!(!present(c, "#form-close").await?, "closed once");
    check_a11y(c, "plan (closed)").await?;
    logout(c).await?;
    Ok(())
}

#[tokio::test]
async fn charity_journey() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        say("charity_journey: skipped (no chromedriver)");
        return Ok(());
    };
    let mut outcome = Ok(());
    for backend in testkit::backends() {
        let started = Instant::now();
        let tdb = testkit::TestDb::new(backend).await?;
        let dir = std::env::temp_dir().join(format!("fq-charity-journey-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let result = async {
            testkit::seed(&tdb.db, Some(testkit::TEST_REGIONS)).await?;
            let clock = FixedClock::new(at("2025-03-03"));
            let (org_id, uscc) =
                testkit::registered_organization(&tdb.db, ORG, "330106", 77, "2019-06-01".parse()?)
                    .await?;
            // The organization's account acts for it (as the registry binds a founder).
            testkit::act_for(&tdb.db, ORG_ADMIN.0, org_id).await?;
            let (base, _state) = testkit::spawn(tdb.db.clone(), Arc::new(clock.clone())).await?;
            browser.open(&base, "/healthz").await?;
            browser.forget_cookies().await?;
            journey(&browser.client, &base, &clock, &uscc, &dir).await
        }
        .await;
        if result.is_err() {
            let name = format!("failed-charity_journey-{}", backend.name());
            if let Ok(p) = screenshot(&browser.client, &name).await {
                eprintln!("screenshot of the failure: {}", p.display());
            }
        }
        tdb.finish().await;
        std::fs::remove_dir_all(&dir).ok();
        eprintln!(
            "charity_journey [{}]: {} in {:.1?}",
            backend.name(),
            if result.is_ok() { "ok" } else { "FAILED" },
            started.elapsed()
        );
        if let Err(e) = result {
            outcome = Err(e.context(format!("charity journey on {}", backend.name())));
            break;
        }
    }
    browser.close().await;
    outcome
}
