//! Browser-journey support: chromedriver, Chromium and axe-core.
//!
//! [`Browser::start`] finds chromedriver, starts it on a free loopback port and opens a headless
//! Chromium session with a fresh profile. Without chromedriver the journeys are skipped (with a
//! message), except under `CI=true`, where that is a failure. [`check_a11y`] runs the vendored
//! axe-core on the current page and fails on serious or critical violations.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub mod steps;

/// axe-core, vendored (see `vendor/axe-core.LICENSE`).
const AXE_JS: &str = include_str!("../vendor/axe.min.js");

/// How long explicit waits wait for an element before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// Where [`screenshot`] writes (gitignored).
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots")
}

/// Writes a line to the real stderr, past the test harness's output capture, so that a skipped
/// run says so even without `--nocapture`.
pub fn say(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

fn on_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Looks for an executable on `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// chromedriver: `CHROMEDRIVER` when set (only there: `CHROMEDRIVER=/none` shows the skip),
/// else `/usr/bin/chromedriver`, else on `PATH`.
pub fn find_chromedriver() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMEDRIVER").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let fixed = PathBuf::from("/usr/bin/chromedriver");
    if fixed.is_file() {
        return Some(fixed);
    }
    which("chromedriver")
}

/// Chromium: `CHROMIUM`, `/usr/bin/chromium`, or `chromium`/`chromium-browser`/`google-chrome` on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return Some(p);
    }
    let fixed = PathBuf::from("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed);
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(which)
}

/// A free loopback port (bound, then released for chromedriver to take).
fn free_port() -> anyhow::Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// A minimal blocking HTTP/1.1 exchange with chromedriver (status polls and the last-resort
/// session delete in `Drop`, where nothing async can run). Returns the status code and body.
fn http(port: u16, method: &str, path: &str, timeout: Duration) -> std::io::Result<(u16, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // chromedriver keeps the connection open despite `Connection: close`: read up to the end
    // of the body its Content-Length announces.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())
                    .flatten()
            });
            if length.is_some_and(|len| body.len() >= len) {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// A headless Chromium driven through chromedriver. chromedriver is killed (and the browser
/// session ended, which closes Chromium) on drop; prefer [`Browser::close`] at the end.
pub struct Browser {
    pub client: Client,
    driver: Child,
    port: u16,
    session: Option<String>,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver and a browser session. `Ok(None)` when chromedriver is not installed
    /// (after saying so); panics in that case under `CI=true`.
    pub async fn start() -> anyhow::Result<Option<Browser>> {
        let Some(driver_bin) = find_chromedriver() else {
            if on_ci() {
                panic!(
                    "CI=true but chromedriver was not found (looked at $CHROMEDRIVER, /usr/bin/chromedriver and PATH): install chromium and chromium-driver"
                );
            }
            say("chromedriver not found: browser journeys skipped");
            return Ok(None);
        };
        let chromium = find_chromium().ok_or_else(|| {
            anyhow!(
                "chromedriver is at {} but no chromium binary was found",
                driver_bin.display()
            )
        })?;

        let port = free_port()?;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", driver_bin.display()))?;

        static N: AtomicU32 = AtomicU32::new(0);
        let profile = std::env::temp_dir().join(format!(
            "fengqiao-e2e-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile)?;

        // From here on, a failure drops `partial`, which kills chromedriver and removes the profile.
        let mut partial = Partial {
            driver: Some(driver),
            profile: profile.clone(),
        };

        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match http(port, "GET", "/status", Duration::from_secs(2)) {
                Ok((200, body))
                    if body.contains("\"ready\":true") || body.contains("\"ready\": true") =>
                {
                    break;
                }
                _ if Instant::now() > deadline => {
                    bail!("chromedriver on port {port} did not become ready within 15 s")
                }
                _ => {
                    if let Some(status) = partial
                        .driver
                        .as_mut()
                        .and_then(|d| d.try_wait().ok().flatten())
                    {
                        bail!("chromedriver exited before becoming ready: {status}");
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }

        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--no-first-run",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,900",
                    "--lang=zh-CN",
                ],
                // The platform's users: Chinese first (the server picks the language from this
                // until the reader switches with #lang-switch).
                "prefs": { "intl.accept_languages": "zh-CN,zh" },
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .with_context(|| {
                format!(
                    "opening a Chromium session ({}) through chromedriver",
                    chromium.display()
                )
            })?;
        let session = client.session_id().await.ok().flatten();
        let driver = partial.driver.take().expect("driver is set");
        Ok(Some(Browser {
            client,
            driver,
            port,
            session,
            profile,
        }))
    }

    /// Ends the session (closing Chromium), then chromedriver.
    pub async fn close(mut self) {
        if self.client.clone().close().await.is_ok() {
            self.session = None;
        }
    }

    /// Goes to `path` on `base` (e.g. `http://127.0.0.1:1234` and `/login`).
    pub async fn open(&self, base: &str, path: &str) -> anyhow::Result<()> {
        self.client
            .goto(&format!("{base}{path}"))
            .await
            .with_context(|| format!("opening {path}"))
    }

    /// Forgets every cookie of the current site (a fresh visitor for the next journey).
    pub async fn forget_cookies(&self) -> anyhow::Result<()> {
        self.client.delete_all_cookies().await?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{id}"),
                Duration::from_secs(5),
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Cleans up a half-started browser.
struct Partial {
    driver: Option<Child>,
    profile: PathBuf,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(mut d) = self.driver.take() {
            let _ = d.kill();
            let _ = d.wait();
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}

/// Waits for an element (explicit wait, at most [`WAIT`]).
pub async fn wait_for(
    client: &Client,
    locator: Locator<'_>,
) -> anyhow::Result<fantoccini::elements::Element> {
    let what = format!("{locator:?}");
    client
        .wait()
        .at_most(WAIT)
        .for_element(locator)
        .await
        .with_context(|| format!("waiting for {what}"))
}

/// Saves a PNG of the viewport to `e2e/screenshots/{name}.png`; returns its path.
pub async fn screenshot(client: &Client, name: &str) -> anyhow::Result<PathBuf> {
    let png = client.screenshot().await?;
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir)?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{safe}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// Runs axe-core on the current page. Fails, listing them, when any violation is serious or
/// critical; lesser ones are printed (visible with `--nocapture`).
pub async fn check_a11y(client: &Client, page_name: &str) -> anyhow::Result<()> {
    let present = client
        .execute("return typeof window.axe !== 'undefined';", vec![])
        .await?;
    if present != Value::Bool(true) {
        client
            .execute(AXE_JS, vec![])
            .await
            .context("injecting axe-core")?;
    }
    let result = client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done({ ok: true, violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                  targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
              })) }))
              .catch(e => done({ ok: false, error: String(e) }));
            "#,
            vec![],
        )
        .await
        .context("running axe-core")?;
    if result["ok"] != Value::Bool(true) {
        bail!("axe-core failed on {page_name}: {}", result["error"]);
    }
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    let describe = |v: &Value| {
        let targets: Vec<&str> = v["targets"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        format!(
            "  [{}] {} — {} ({} node(s), e.g. {})",
            v["impact"].as_str().unwrap_or("?"),
            v["id"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or(""),
            v["count"],
            targets.join(" | ")
        )
    };
    let (blocking, minor): (Vec<&Value>, Vec<&Value>) = violations
        .iter()
        .partition(|v| matches!(v["impact"].as_str(), Some("serious") | Some("critical")));
    for v in &minor {
        eprintln!("a11y note on {page_name}:{}", describe(v));
    }
    if !blocking.is_empty() {
        let url = client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let _ = screenshot(client, &format!("a11y-{page_name}")).await;
        let list: Vec<String> = blocking.iter().map(|v| describe(v)).collect();
        bail!(
            "axe-core: {} serious/critical violation(s) on {page_name} ({url}):\n{}",
            blocking.len(),
            list.join("\n")
        );
    }
    Ok(())
}

/// Clicks `locator` and waits until the browser shows a *new* document (a form post or a link
/// followed). Waiting for an element that the old page also has would race with navigation, so
/// the old document is marked first and the wait is for a document without the mark.
pub async fn click_and_navigate(client: &Client, locator: Locator<'_>) -> anyhow::Result<()> {
    let what = format!("{locator:?}");
    let el = wait_for(client, locator).await?;
    client
        .execute("window.__fengqiaoOldPage = true;", vec![])
        .await?;
    el.click()
        .await
        .with_context(|| format!("clicking {what}"))?;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        // A navigation in progress may make the script fail; that counts as "not yet".
        let fresh = client
            .execute(
                "return window.__fengqiaoOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if fresh {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            anyhow::bail!("no new page after clicking {what}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
