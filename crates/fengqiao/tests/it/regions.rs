//! Regions and grids: the tree, bad codes, region-scoped grid editing, audit in the same transaction.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, assert_problem, each_backend};

#[tokio::test]
async fn a_region_comes_with_its_parents_children_and_counts() {
    each_backend(|app: TestApp| async move {
        let (s, v) = app.get_as(None, "/api/v1/regions/330106004").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["name"], "西溪街道");
        let parents: Vec<&str> = v["parents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(parents, ["330000", "330100", "330106"]);
        let children = v["children"].as_array().unwrap();
        assert!(children.iter().any(|c| c["code"] == "330106004053"
            && c["name"] == "石灰桥社区"
            && c["kind"] == "urban"));
        assert_eq!(
            v["counts"]["villages"].as_u64().unwrap() as usize,
            children.len()
        );
        // The county's children carry the count of communities below each street.
        let (_, county) = app.get_as(None, "/api/v1/regions/330106").await;
        let xixi = county["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "330106004")
            .unwrap()
            .clone();
        assert_eq!(xixi["counts"]["villages"], v["counts"]["villages"]);
        assert_eq!(
            county["counts"]["townships"].as_u64().unwrap() as usize,
            county["children"].as_array().unwrap().len()
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_malformed_region_code_names_the_wrong_character() {
    each_backend(|app: TestApp| async move {
        let got = app.get_as(None, "/api/v1/regions/33010X").await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            got.1["code"].as_str().unwrap_or("?"),
            Some("code"),
        );
        assert!(
            got.1["message"]["en"].as_str().unwrap().contains('6')
                || got.1["message"]["en"].as_str().unwrap().contains('X'),
            "{}",
            got.1
        );
        let (s, _) = app.get_as(None, "/api/v1/regions/330199").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn an_officer_draws_grids_only_inside_his_region_and_each_is_audited() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let audit_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let (s, grid) = app.send_as(Method::POST, Some(&xihu), "/api/v1/regions/330106004053/grids", &json!({"name": "测试一网格", "households": 420})).await;
        assert_eq!(s, StatusCode::CREATED, "{grid}");
        assert_eq!(grid["region_code"], "330106004053");
        // The write, its audit row and its event committed together.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'grid.create'").await, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'grid.create'").await, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit_before + 1);
        // 滨江区's officer may neither draw in 西湖区 nor read or change 西湖区's grid.
        let refused = app.send_as(Method::POST, Some(&binjiang), "/api/v1/regions/330106004053/grids", &json!({"name": "越权网格"})).await;
        assert_problem(&refused, StatusCode::FORBIDDEN, "forbidden", None);
        let id = grid["id"].as_str().unwrap();
        assert_eq!(app.get_as(Some(&binjiang), &format!("/api/v1/grids/{id}")).await.0, StatusCode::FORBIDDEN);
        let (s, _) = app.send_as(Method::PUT, Some(&binjiang), &format!("/api/v1/grids/{id}"), &json!({"name": "改名"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM grids WHERE name IN ('越权网格', '改名')").await, 0);
        // The owner renames it; the audit row holds before and after digests.
        let (s, renamed) = app.send_as(Method::PUT, Some(&xihu), &format!("/api/v1/grids/{id}"), &json!({"name": "测试二网格", "households": 430})).await;
        assert_eq!(s, StatusCode::OK, "{renamed}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'grid.update' AND before_digest IS NOT NULL AND after_digest IS NOT NULL AND before_digest <> after_digest").await, 1);
        // A street officer of 西溪街道 covers the community; the city officer covers it too.
        let street = app.token("xixi").await;
        let (s, _) = app.send_as(Method::POST, Some(&street), "/api/v1/regions/330106004053/grids", &json!({"name": "街道网格"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let volunteer = app.token("volunteer").await;
        let (s, _) = app.send_as(Method::POST, Some(&volunteer), "/api/v1/regions/330106004053/grids", &json!({"name": "志愿者网格"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_grid_input_names_the_field_and_changes_nothing() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let path = "/api/v1/regions/330106004053/grids";
        let before = app.scalar("SELECT COUNT(*) FROM grids").await;
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        assert_problem(
            &app.send_as(Method::POST, Some(&xihu), path, &json!({"name": "  "}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "grid.name.empty",
            Some("name"),
        );
        assert_problem(
            &app.send_as(
                Method::POST,
                Some(&xihu),
                path,
                &json!({"name": "网".repeat(41)}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "grid.name.too_long",
            Some("name"),
        );
        assert_problem(
            &app.send_as(
                Method::POST,
                Some(&xihu),
                path,
                &json!({"name": "甲", "households": -1}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "grid.households.range",
            Some("households"),
        );
        // Grids belong under a community, not a street.
        assert_problem(
            &app.send_as(
                Method::POST,
                Some(&xihu),
                "/api/v1/regions/330106004/grids",
                &json!({"name": "甲"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "grid.region.level",
            Some("code"),
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, before);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
        // A duplicate name in the same community is a conflict on the name field.
        let (s, _) = app
            .send_as(
                Method::POST,
                Some(&xihu),
                path,
                &json!({"name": "同名网格"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let dup = app
            .send_as(
                Method::POST,
                Some(&xihu),
                path,
                &json!({"name": "同名网格"}),
            )
            .await;
        assert_problem(
            &dup,
            StatusCode::CONFLICT,
            "conflict.grids_region_name_key",
            Some("name"),
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'grid.create'")
                .await,
            1
        );
        app
    })
    .await;
}

#[tokio::test]
async fn concurrent_creates_of_one_grid_let_exactly_one_win() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let url = app.url("/api/v1/regions/330106004055/grids");
            let token = xihu.clone();
            tasks.push(tokio::spawn(async move {
                TestApp::client()
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"name": "抢注网格"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CREATED)
                .count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM grids WHERE name = '抢注网格'")
                .await,
            1
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'grid.create'")
                .await,
            1
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_region_tree_page_shows_counts_and_links_down() {
    each_backend(|app: TestApp| async move {
        let html = crate::page_text(&TestApp::client(), app.url("/regions/330106")).await;
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("#children a[href='/regions/330106004']").unwrap();
        assert_eq!(doc.select(&sel).count(), 1, "link to 西溪街道");
        assert!(html.contains("西湖区"));
        let sel = scraper::Selector::parse("html[lang='zh-CN']").unwrap();
        assert_eq!(doc.select(&sel).count(), 1);
        app
    })
    .await;
}
