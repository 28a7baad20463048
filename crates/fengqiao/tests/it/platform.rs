//! The platform's own promises: migrations in step on both backends, health, metrics, OpenAPI,
//! problem documents, pages in two languages.

use std::collections::BTreeSet;

use fengqiao::platform::db::{Backend, Db};
use reqwest::StatusCode;

use crate::{TestApp, each_backend};

#[test]
fn both_backends_have_the_same_migration_versions() {
    assert_eq!(
        Db::migration_versions(Backend::Sqlite),
        Db::migration_versions(Backend::Postgres)
    );
    assert!(!Db::migration_versions(Backend::Sqlite).is_empty());
}

/// Tables and their columns as the database reports them.
async fn schema(db: &Db) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite { read, .. } => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        )
        .fetch_all(read)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_backends_end_with_the_same_tables_and_columns() {
    let mut seen = Vec::new();
    for backend in fengqiao::testkit::backends() {
        let t = fengqiao::testkit::TestDb::new(backend).await.unwrap();
        t.db.migrate().await.unwrap();
        seen.push(schema(&t.db).await);
        t.finish().await;
    }
    assert!(seen[0].contains(&("audit_log".to_string(), "before_digest".to_string())));
    if seen.len() == 2 {
        let only_sqlite: Vec<_> = seen[0].difference(&seen[1]).collect();
        let only_pg: Vec<_> = seen[1].difference(&seen[0]).collect();
        assert!(
            only_sqlite.is_empty() && only_pg.is_empty(),
            "sqlite only: {only_sqlite:?}; postgres only: {only_pg:?}"
        );
    }
}

#[tokio::test]
async fn health_readiness_metrics_and_request_ids() {
    each_backend(|app: TestApp| async move {
        let r = TestApp::client()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()
                .get("x-request-id")
                .is_some_and(|v| !v.is_empty())
        );
        assert_eq!(
            TestApp::client()
                .get(app.url("/readyz"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let m = TestApp::client()
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(m.status(), StatusCode::OK);
        assert!(
            m.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    each_backend(|app: TestApp| async move {
        let (s, doc) = app.get_as(None, "/api/openapi.json").await;
        assert_eq!(s, StatusCode::OK);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for route in fengqiao::app::route_table()
            .iter()
            .filter(|r| r.path.starts_with("/api/v1"))
        {
            let op = &doc["paths"][&route.path][route.method.to_lowercase()];
            assert!(
                op.is_object(),
                "{} {} is not in the OpenAPI document",
                route.method,
                route.path
            );
        }
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        let docs = crate::page_text(&TestApp::client(), app.url("/api/docs")).await;
        assert!(docs.contains("/api/v1/regions/{code}"));
        app
    })
    .await;
}

#[tokio::test]
async fn errors_are_problem_documents_for_the_api_and_pages_for_browsers() {
    each_backend(|app: TestApp| async move {
        let r = TestApp::client()
            .get(app.url("/api/v1/regions/330100999"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["status"], 404);
        assert_eq!(p["code"], "not_found");
        // A browser asking for a page it may not see is sent to log in; a missing page is a page.
        let r = TestApp::client()
            .get(app.url("/admin/audit"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login?next=%2Fadmin%2Faudit");
        let r = TestApp::client()
            .get(app.url("/regions/330100999"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.text().await.unwrap().contains("id=\"error-message\""));
        app
    })
    .await;
}

#[tokio::test]
async fn pages_speak_english_on_request_and_offer_the_elder_friendly_mode() {
    each_backend(|app: TestApp| async move {
        let (c, _) = crate::accounts::browser();
        let r = c
            .get(app.url("/prefs/lang/en?next=/regions/330106"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/regions/330106");
        let html = crate::page_text(&c, app.url("/regions/330106")).await;
        assert!(html.contains("lang=\"en\""));
        assert!(html.contains("Townships/streets"));
        assert!(
            !html.contains("乡镇（街道）"),
            "no Chinese labels left on an English page"
        );
        c.get(app.url("/prefs/elder/on")).send().await.unwrap();
        let html = crate::page_text(&c, app.url("/")).await;
        assert!(html.contains("class=\"elder\""));
        // An open redirect is refused.
        let r = c
            .get(app.url("/prefs/lang/zh?next=https://evil.example/"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/");
        app
    })
    .await;
}

/// The SQLite database and its WAL and shared-memory files, and the keys, are the server's
/// user's alone (0600), opened the way the server opens them. (PostgreSQL keeps its own files.)
#[cfg(unix)]
#[tokio::test]
async fn the_database_files_and_the_keys_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let dir = std::env::temp_dir().join(format!("fq-modes-{}", uuid::Uuid::now_v7()));
    let config = fengqiao::platform::Config {
        data_dir: dir.clone(),
        database_url: None,
        ..fengqiao::platform::Config::default()
    };
    // `open` migrates: a write, so the WAL and its index exist while the pools are open.
    let db = fengqiao::bootstrap::open(&config).await.unwrap();
    fengqiao::calendar::store::seed_if_empty(&db).await.unwrap();
    for f in ["fengqiao.db", "fengqiao.db-wal", "fengqiao.db-shm"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    fengqiao::platform::pii::PiiCipher::load_or_create(&dir).unwrap();
    fengqiao::transparency::model::signing_key(&dir).unwrap();
    for f in ["keys/pii.key", "keys/translog.key"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    // The directories of the keys and of the file store are the server user's alone too.
    assert_eq!(mode(&dir.join("keys")), 0o700);
    let store = fengqiao::platform::files::FileStore::under(&dir);
    let upload = fengqiao::platform::files::DOCUMENTS
        .check("f", "a.pdf", b"%PDF-1.7\n%%EOF\n".to_vec())
        .unwrap();
    store.keep(&upload).await.unwrap();
    assert_eq!(mode(&dir.join("files")), 0o700);
    assert_eq!(mode(&dir.join("files").join(&upload.sha256[..2])), 0o700);
    db.close().await;

    // A database an older version left readable by everyone is narrowed when opened.
    let old = dir.join("old.db");
    std::fs::write(&old, b"").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = fengqiao::platform::Db::connect(&format!("sqlite://{}", old.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    for f in ["old.db", "old.db-wal", "old.db-shm"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The demo is written as of a day its workflows can count from: today while the holiday data
/// runs [`fengqiao::demo::DEMO_HORIZON_DAYS`] past it, else that many days before the data ends
/// (the server started on 2026-12-08 with data to 2026 and failed on a deadline in 2027).
#[tokio::test]
async fn the_demo_day_stays_inside_the_holiday_data() {
    each_backend(|app: TestApp| async move {
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let db = &app.state.db;
        let at =
            |s: &'static str| async move { fengqiao::demo::demo_today(db, day(s)).await.unwrap() };
        // The test data holds the calendar to 2026: its end less 120 days is 2026-09-02.
        assert_eq!(at("2026-09-02").await, day("2026-09-02"));
        assert_eq!(at("2026-09-03").await, day("2026-09-02"));
        assert_eq!(at("2026-12-08").await, day("2026-09-02"));
        assert_eq!(at("2025-06-01").await, day("2025-06-01"));
        app
    })
    .await;
}
