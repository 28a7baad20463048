//! Disbursement documents in the file store (issue 8): uploaded with the disbursement form,
//! judged on their bytes, kept by SHA-256, and downloaded only by the officers of the plan's
//! region and the accounts bound to its organization.

use super::*;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const BOUNDARY: &str = "fengqiao-test-boundary";

/// The disbursement form as a browser sends it: its fields and the files (name, bytes).
fn form(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [
        ("amount_yuan", "10.00"),
        ("category", "charitable"),
        ("purpose", "发放助学金"),
        ("beneficiaries", "3"),
        ("paid_on", "2026-11-27"),
    ] {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

async fn upload(app: &TestApp, token: &str, files: &[(&str, &[u8])]) -> reqwest::Response {
    TestApp::client()
        .post(app.url(&format!("/projects/{}/disburse", urlencoding(PLAN))))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form(files))
        .send()
        .await
        .unwrap()
}

async fn fetch(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut req = TestApp::client().get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_document_is_kept_by_its_bytes_and_read_only_under_its_plan_s_access() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let r = give(&app, Some("d1"), &donation(5_000, "test_confirm")).await;
        assert_eq!(r.0, StatusCode::CREATED);
        let xihu = app.token("xihu").await;

        // An HTML page named .pdf is refused naming the field; nothing is recorded or kept.
        let html: &[u8] = b"<html><script>alert(1)</script></html>";
        let r = upload(&app, &xihu, &[("发票.pdf", html)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM disbursements").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM files").await, 0);

        let r = upload(&app, &xihu, &[("发放名单.pdf", PDF)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        assert_eq!(app.scalar("SELECT COUNT(*) FROM files").await, 1);
        let (_, list) = app
            .get_as(
                None,
                &format!("/api/v1/projects/{}/disbursements", urlencoding(PLAN)),
            )
            .await;
        let docs: Value =
            serde_json::from_str(list[0]["documents"].as_str().unwrap()).unwrap();
        let file_id = docs[0]["file_id"].as_str().unwrap().to_string();
        assert_eq!(docs[0]["name"], "发放名单.pdf");
        let path = format!("/projects/{}/documents/{file_id}", urlencoding(PLAN));

        // The officer of the plan's region downloads the very bytes, as an attachment.
        let r = fetch(&app, Some(&xihu), &path).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''%E5%8F%91"), "{disposition}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

        // The public, another district's officer, and an organization account not bound to the
        // plan's charity are refused; bound, the organization's account reads it.
        assert_eq!(fetch(&app, None, &path).await.status(), StatusCode::UNAUTHORIZED);
        let binjiang = app.token("binjiang").await;
        assert_eq!(fetch(&app, Some(&binjiang), &path).await.status(), StatusCode::FORBIDDEN);
        let org = app.token("orgadmin").await;
        assert_eq!(fetch(&app, Some(&org), &path).await.status(), StatusCode::FORBIDDEN);
        let db = &app.state.db;
        let now = app.clock.now();
        let bind = async {
            fengqiao::with_tx!(db, tx => {
                sqlx::query(
                    "INSERT INTO organization_accounts (organization_id, user_id, granted_at) \
                     SELECT p.organization_id, u.id, $2 FROM fundraising_plans p, users u WHERE p.filing_no = $1 AND u.username = 'orgadmin'")
                    .bind(PLAN).bind(now).execute(&mut *tx).await?;
            });
            anyhow::Ok(())
        };
        bind.await.unwrap();
        assert_eq!(fetch(&app, Some(&org), &path).await.status(), StatusCode::OK);

        // Not a document of this plan's disbursements: not found, whatever the id.
        let other = format!(
            "/projects/{}/documents/{}",
            urlencoding(PLAN),
            uuid::Uuid::now_v7()
        );
        assert_eq!(fetch(&app, Some(&xihu), &other).await.status(), StatusCode::NOT_FOUND);
        // There is no static path to the store.
        let sha = docs[0]["sha256"].as_str().unwrap();
        for p in [format!("/files/{sha}"), format!("/assets/../files/{sha}")] {
            assert_eq!(fetch(&app, Some(&xihu), &p).await.status(), StatusCode::NOT_FOUND);
        }
        app
    })
    .await;
}

/// A document kept before the file store (its bytes under `documents/` by digest, named only in
/// the record) moves onto it at start: it becomes a file of its disbursement, downloadable under
/// the plan's access, and the old copy is gone; a second start moves nothing.
#[tokio::test]
async fn documents_kept_before_the_file_store_move_onto_it() {
    each_backend(|app: TestApp| async move {
        with_plan(&app).await;
        let r = give(&app, Some("d1"), &donation(5_000, "test_confirm")).await;
        assert_eq!(r.0, StatusCode::CREATED);
        let legacy = app.state.config.data_dir.join("documents");
        std::fs::create_dir_all(&legacy).unwrap();
        let sha = fengqiao::platform::files::digest(PDF);
        std::fs::write(legacy.join(&sha), PDF).unwrap();
        let xihu = app.token("xihu").await;
        let path = format!("/api/v1/projects/{}/disbursements", urlencoding(PLAN));
        let body = json!({"amount_fen": 100, "category": "charitable", "purpose": "发放助学金", "beneficiaries": 1, "paid_on": "2026-11-27",
            "documents": [{"name": "旧名单.pdf", "sha256": sha}, {"name": "丢失.pdf", "sha256": "cd".repeat(32)}]});
        let r = app.send_as(Method::POST, Some(&xihu), &path, &body).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);

        let moved = fengqiao::donations::documents::adopt_legacy(&app.state).await.unwrap();
        assert_eq!(moved, 1, "the document whose bytes are kept; the lost one stays named");
        assert!(!legacy.join(&sha).exists());
        assert!(!legacy.exists(), "the emptied legacy folder is removed");
        assert_eq!(fengqiao::donations::documents::adopt_legacy(&app.state).await.unwrap(), 0);
        let (_, list) = app.get_as(None, &path).await;
        let docs: Value = serde_json::from_str(list[0]["documents"].as_str().unwrap()).unwrap();
        assert!(docs[1]["file_id"].is_null());
        let file_id = docs[0]["file_id"].as_str().unwrap();
        let r = fetch(
            &app,
            Some(&xihu),
            &format!("/projects/{}/documents/{file_id}", urlencoding(PLAN)),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
        app
    })
    .await;
}
