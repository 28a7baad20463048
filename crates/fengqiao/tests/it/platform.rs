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
