//! Receipts: the offline verifier on a downloaded receipt, and giving through the project page.

use super::*;

#[tokio::test]
async fn the_cli_verifies_a_downloaded_receipt_and_refuses_a_tampered_one() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let (_, d) = give(&app, Some("cli"), &donation(8_800, "test_confirm")).await;
        let id = d["id"].as_str().unwrap();
        let r = TestApp::client()
            .get(app.url(&format!("/api/v1/donations/{id}/receipt")))
            .send()
            .await
            .unwrap();
        let text = r.text().await.unwrap();
        let dir =
            std::env::temp_dir().join(format!("fq-receipt-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("receipt.json");
        std::fs::write(&good, &text).unwrap();
        let key = trusted_key(&app).await;
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            good.display().to_string(),
            "--key".into(),
            key.clone(),
        ]);
        assert!(ok, "{out}");
        assert!(out.contains("OK") && out.contains("8800"), "{out}");
        let (ok, out) =
            crate::transparency::verify_cli(&["receipt".into(), good.display().to_string()]);
        assert!(
            ok && out.contains(&key),
            "without --key it names the key to compare: {out}"
        );
        let bad = dir.join("tampered.json");
        std::fs::write(
            &bad,
            text.replace("\"amount_fen\":8800", "\"amount_fen\":88000"),
        )
        .unwrap();
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            bad.display().to_string(),
            "--key".into(),
            key.clone(),
        ]);
        assert!(!ok && out.contains("FAILED"), "{out}");
        let wrong_key = "00".repeat(32);
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            good.display().to_string(),
            "--key".into(),
            wrong_key,
        ]);
        assert!(!ok && out.contains("not the trusted key"), "{out}");
        let (ok, out) = crate::transparency::verify_cli(&[
            "receipt".into(),
            dir.join("missing.json").display().to_string(),
        ]);
        assert!(!ok && out.contains("reading"), "{out}");
        std::fs::remove_dir_all(&dir).ok();
        app
    })
    .await;
}

#[tokio::test]
async fn the_project_page_gives_through_a_form_and_shows_the_receipt() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let path = format!("/projects/{}", urlencoding(PLAN));
        let (s, page) = app.get_as(None, &path).await;
        assert_eq!(s, StatusCode::OK);
        let page = page.as_str().unwrap().to_string();
        assert!(
            page.contains("id=\"donate-form\"") && !page.contains("disburse-form"),
            "the public sees no disbursement form"
        );
        // A browser: the CSRF cookie and token come from the page.
        let (c, _jar) = crate::accounts::browser();
        let html = crate::page_text(&c, app.url(&path)).await;
        let field = |name: &str| {
            let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
            html[at..at + html[at..].find('"').unwrap()].to_string()
        };
        let (csrf, key) = (field("_csrf"), field("key"));
        let post = |amount: &str| {
            c.post(app.url(&format!("{path}/donate")))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("key", key.as_str()),
                    ("amount_yuan", amount),
                    ("donor_name", "李四"),
                    ("method", "test_confirm"),
                ])
                .send()
        };
        let bad = post("12.345").await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bad = bad.text().await.unwrap();
        assert!(
            bad.contains("id=\"d-amount-err\""),
            "the error by the field"
        );
        assert!(
            bad.contains(&format!("action=\"{path}/donate\"")),
            "the form shown again posts to the same place"
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM donations").await, 0);
        let ok = post("12.34").await.unwrap();
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let receipt_path = ok.headers()["location"].to_str().unwrap().to_string();
        // The same form sent twice (a double click) gives once.
        let again = post("12.34").await.unwrap();
        assert_eq!(again.headers()["location"].to_str().unwrap(), receipt_path);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM donations").await, 1);
        let (s, receipt) = app.get_as(None, &receipt_path).await;
        assert_eq!(s, StatusCode::OK);
        let receipt = receipt.as_str().unwrap();
        assert!(
            receipt.contains("12.34") && receipt.contains("李*") && !receipt.contains("李四"),
            "masked name"
        );
        assert!(receipt.contains("id=\"verify-button\""));
        let (_, page) = app.get_as(None, &path).await;
        assert!(
            page.as_str()
                .unwrap()
                .contains("<dd id=\"raised\">12.34</dd>")
        );
        app
    })
    .await;
}

/// Runs the page's receipt check (`/assets/verify-receipt.js`, as the server ships it) in Node
/// with a stand-in for the page: the check button's handler runs against `receipt` and the
/// log key `key`. Returns the result element's class and text, or `None` when Node is not
/// installed (required under CI=true, as PostgreSQL is).
fn browser_check(script: &str, receipt: &Value, key: &str) -> Option<(String, String)> {
    const HARNESS: &str = r#"
const fs = require("fs");
const [scriptFile, receiptFile, key] = process.argv.slice(2);
const receipt = JSON.parse(fs.readFileSync(receiptFile, "utf8"));
const els = {};
const el = (id) => els[id] || (els[id] = {
  id, className: "", textContent: "", files: [], listeners: {},
  dataset: { ok: "OK", fail: "FAILED", receipt: "/receipt.json" },
  addEventListener(type, f) { this.listeners[type] = f; },
});
globalThis.window = globalThis;
globalThis.document = { getElementById: el };
globalThis.fetch = async (url) => ({
  json: async () => (url === "/api/v1/translog/key" ? { public_key: key } : receipt),
});
require("vm").runInThisContext(fs.readFileSync(scriptFile, "utf8"));
Promise.resolve(el("verify-button").listeners.click()).then(() => {
  const out = el("verify-result");
  process.stdout.write(out.className + "\n" + out.textContent);
});
"#;
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but node is not installed: the in-browser receipt check is tested with it"
        );
        eprintln!("node is not installed: the in-browser receipt check is not run");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("fq-js-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (s, r, h) = (
        dir.join("verify-receipt.js"),
        dir.join("receipt.json"),
        dir.join("harness.js"),
    );
    std::fs::write(&s, script).unwrap();
    std::fs::write(&r, receipt.to_string()).unwrap();
    std::fs::write(&h, HARNESS).unwrap();
    let out = std::process::Command::new("node")
        .arg(&h)
        .arg(&s)
        .arg(&r)
        .arg(key)
        .output()
        .expect("run node");
    std::fs::remove_dir_all(&dir).ok();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (class, msg) = text.split_once('\n').unwrap_or((&text, ""));
    Some((class.to_string(), msg.to_string()))
}

/// The receipt check in the browser refuses an audit path with an element that is not a 32-byte
/// hash — empty, 31 or 33 bytes, not hex — naming its position (issue 15), as the CLI does.
#[tokio::test]
async fn the_in_browser_receipt_check_refuses_a_bad_audit_path_element_naming_its_position() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let mut ids = Vec::new();
        for i in 0..5 {
            let (s, d) = give(
                &app,
                Some(&format!("js-{i}")),
                &donation(100 + i, "test_confirm"),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{d}");
            ids.push(d["id"].as_str().unwrap().to_string());
        }
        let (s, receipt) = app
            .get_as(None, &format!("/api/v1/donations/{}/receipt", ids[0]))
            .await;
        assert_eq!(s, StatusCode::OK, "{receipt}");
        let path: Vec<String> = serde_json::from_value(receipt["audit_path"].clone()).unwrap();
        assert!(path.len() >= 2, "{receipt}");
        let script =
            crate::page_text(&TestApp::client(), app.url("/assets/verify-receipt.js")).await;
        let key = trusted_key(&app).await;
        let Some((class, msg)) = browser_check(&script, &receipt, &key) else {
            return app;
        };
        assert_eq!(class, "ok", "the untouched receipt verifies: {msg}");
        let h = &path[0];
        for bad in [
            String::new(),
            h[..62].to_string(),
            format!("{h}ab"),
            format!("{}zz", &h[..62]),
        ] {
            for k in [1, 2, path.len() + 1] {
                let mut p = path.clone();
                p.insert(k - 1, bad.clone());
                let mut r = receipt.clone();
                r["audit_path"] = serde_json::json!(p);
                let (class, msg) = browser_check(&script, &r, &key).unwrap();
                assert_eq!(class, "error", "{bad:?} at {k}: {msg}");
                assert!(
                    msg.contains(&format!("proof element {k} ")),
                    "{bad:?} at {k}: {msg}"
                );
            }
        }
        app
    })
    .await;
}
