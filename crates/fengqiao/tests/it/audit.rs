//! The audit log and the event feed: who sees what, in commit order.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, each_backend};

#[tokio::test]
async fn events_come_in_order_after_an_id_and_only_inside_the_readers_region() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        for name in ["甲网格", "乙网格"] {
            app.send_as(
                Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004053/grids",
                &json!({"name": name}),
            )
            .await;
        }
        app.send_as(
            Method::POST,
            Some(&binjiang),
            "/api/v1/regions/330108001001/grids",
            &json!({"name": "丙网格"}),
        )
        .await;
        let admin = app.token("admin").await;
        let (s, all) = app.get_as(Some(&admin), "/api/v1/events?after=0").await;
        assert_eq!(s, StatusCode::OK);
        let all = all.as_array().unwrap().clone();
        assert_eq!(all.len(), 3);
        let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        // After the first id, the rest.
        let (_, rest) = app
            .get_as(Some(&admin), &format!("/api/v1/events?after={}", ids[0]))
            .await;
        assert_eq!(rest.as_array().unwrap().len(), 2);
        // 西湖区's officer sees 西湖区's events only.
        let (_, mine) = app.get_as(Some(&xihu), "/api/v1/events?after=0").await;
        let mine = mine.as_array().unwrap();
        assert_eq!(mine.len(), 2);
        assert!(
            mine.iter()
                .all(|e| e["region_code"].as_str().unwrap().starts_with("330106"))
        );
        // The payload says what happened.
        let payload: serde_json::Value =
            serde_json::from_str(mine[0]["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload["after"]["name"], "甲网格");
        // Residents do not read the feed.
        let resident = app.token("resident").await;
        assert_eq!(
            app.get_as(Some(&resident), "/api/v1/events?after=0")
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_filters_and_exports_for_administrators() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let (_, g) = app
            .send_as(
                Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004053/grids",
                &json!({"name": "审计网格"}),
            )
            .await;
        let id = g["id"].as_str().unwrap().to_string();
        app.send_as(
            Method::PUT,
            Some(&xihu),
            &format!("/api/v1/grids/{id}"),
            &json!({"name": "审计网格二"}),
        )
        .await;
        let admin = app.token("admin").await;
        let (s, rows) = app
            .get_as(Some(&admin), "/api/v1/audit?action=grid.update")
            .await;
        assert_eq!(s, StatusCode::OK);
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["actor_name"], "xihu");
        assert_eq!(rows[0]["role"], "county_officer");
        assert_eq!(rows[0]["object_id"], id.as_str());
        assert!(
            rows[0]["request_id"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "request id recorded"
        );
        let (_, by_object) = app
            .get_as(
                Some(&admin),
                &format!("/api/v1/audit?object_kind=grid&object_id={id}"),
            )
            .await;
        assert_eq!(by_object.as_array().unwrap().len(), 2);
        // The page and its CSV.
        let csv = TestApp::client()
            .get(app.url("/admin/audit.csv?action=grid.create"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), StatusCode::OK);
        let body = csv.text().await.unwrap();
        assert!(
            body.trim_start_matches('\u{feff}')
                .starts_with("id,at,actor")
        );
        assert_eq!(body.lines().count(), 2, "{body}");
        let page = TestApp::client()
            .get(app.url("/admin/audit"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&id), "page lists the change");
        // A county officer cannot read the audit log.
        assert_eq!(
            app.get_as(Some(&xihu), "/api/v1/audit").await.0,
            StatusCode::FORBIDDEN
        );
        app
    })
    .await;
}
