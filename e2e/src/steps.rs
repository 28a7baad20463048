//! Steps a journey takes on a page: read, fill, click, follow, log in and out. Reads retry on a
//! stale element (a click may still be navigating away from a page with the same element).

use anyhow::{Context, ensure};
use fantoccini::{Client, Locator};
use fengqiao::demo::DEMO_PASSWORD;

use crate::{click_and_navigate, wait_for};

/// The text of the first element matching `css`. A click may still be navigating away from a
/// page that has the same element, so a stale reference is read again from the new page.
pub async fn text(c: &Client, css: &str) -> anyhow::Result<String> {
    let mut last = None;
    for _ in 0..20 {
        let el = wait_for(c, Locator::Css(css)).await?;
        match el.text().await {
            Ok(t) => return Ok(t.trim().to_string()),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(anyhow::anyhow!("reading {css}: {:?}", last))
}

pub async fn present(c: &Client, css: &str) -> anyhow::Result<bool> {
    Ok(!c.find_all(Locator::Css(css)).await?.is_empty())
}

pub async fn fill(c: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    let field = wait_for(c, Locator::Css(css)).await?;
    field.clear().await?;
    if !value.is_empty() {
        field.send_keys(value).await?;
    }
    Ok(())
}

pub async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    wait_for(c, Locator::Css(css))
        .await?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

/// Clicks a button or link that loads a new page, and waits for that page.
pub async fn go(c: &Client, css: &str) -> anyhow::Result<()> {
    click_and_navigate(c, Locator::Css(css)).await
}

pub async fn select(c: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    wait_for(c, Locator::Css(css))
        .await?
        .select_by_value(value)
        .await
        .with_context(|| format!("choosing {value} in {css}"))?;
    Ok(())
}

/// The HTTP status of the document shown (Navigation Timing).
pub async fn page_status(c: &Client) -> anyhow::Result<u64> {
    let v = c.execute("const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : null;", vec![]).await?;
    v.as_u64()
        .with_context(|| format!("no navigation status available ({v})"))
}

/// Logs in through the form (whatever session the browser had is replaced).
pub async fn login(c: &Client, base: &str, username: &str, who: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/login")).await?;
    fill(c, "#username", username).await?;
    fill(c, "#password", DEMO_PASSWORD).await?;
    go(c, "#login-submit").await?;
    // The page we came from may show the previous user in #who until the new page arrives.
    let mut shown = String::new();
    for _ in 0..50 {
        shown = text(c, "#who").await?;
        if shown.contains(who) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure!(
        shown.contains(who),
        "#who after logging in as {username}: {shown:?}"
    );
    Ok(())
}

pub async fn logout(c: &Client) -> anyhow::Result<()> {
    go(c, "#logout").await?;
    wait_for(c, Locator::Css("#login-link")).await?;
    Ok(())
}

/// Sets a date input (by its id) by script: typing into one follows the browser's locale format.
pub async fn set_date(c: &Client, id: &str, value: &str) -> anyhow::Result<()> {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![id.into(), value.into()],
    )
    .await?;
    Ok(())
}
