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
