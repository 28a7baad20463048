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

/// The audit CSV neutralizes a stored value that a spreadsheet would run as a formula (issue
/// 15): whatever an actor's name is, it comes out as text.
#[tokio::test]
async fn the_audit_csv_neutralizes_values_that_would_run_as_formulas() {
    use fengqiao::platform::auth::{Actor, Role, UserActor};
    use fengqiao::platform::journal::{Change, Journal};
    each_backend(|app: TestApp| async move {
        let evil = "=HYPERLINK(\"http://evil.example\",\"点我\")";
        let actor = Actor::User(UserActor {
            user_id: uuid::Uuid::nil(),
            username: evil.into(),
            display_name: evil.into(),
            role: Role::SysAdmin,
            region: codes::RegionCode::parse("330000").unwrap(),
            grant_id: uuid::Uuid::nil(),
            department: None,
        });
        let now = fengqiao::platform::Clock::now(&app.clock);
        let written: Result<(), sqlx::Error> = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                tx.record(now, &Change {
                    actor: &actor,
                    action: "test.formula",
                    object_kind: "test",
                    object_id: "-1+1".into(),
                    region_code: None,
                    before: None,
                    after: None,
                }).await?;
            });
            Ok(())
        }
        .await;
        written.unwrap();
        let admin = app.token("admin").await;
        let body = TestApp::client()
            .get(app.url("/admin/audit.csv?action=test.formula"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let mut rdr = csv::Reader::from_reader(&body[3..]);
        let row = rdr.records().next().expect("the row").unwrap();
        assert_eq!(&row[2], format!("'{evil}"));
        assert_eq!(&row[7], "'-1+1");
        app
    })
    .await;
}

async fn exec(app: &TestApp, sql: &'static str) {
    let db = &app.state.db;
    let run = async {
        fengqiao::with_tx!(db, tx => {
            sqlx::query(sql).execute(&mut *tx).await?;
        });
        anyhow::Ok(())
    };
    run.await.unwrap();
}

/// The audit log is tamper-evident (issue 15): settled rows are anchored in chained batches,
/// each a leaf of the transparency log; a changed, deleted or forged row, or a removed anchor,
/// is found by the verification, naming the batch.
#[tokio::test]
async fn audit_rows_are_anchored_in_the_log_and_tampering_is_found() {
    use fengqiao::platform::Clock;
    use fengqiao::transparency::audit::{SETTLE, anchor, verify};
    each_backend(|app: TestApp| async move {
        let db = &app.state.db;
        let xihu = app.token("xihu").await;
        for (id, name) in [("330106.a", "西湖区甲局"), ("330106.b", "西湖区乙局")] {
            let (s, v) = app
                .send_as(Method::POST, Some(&xihu), "/api/v1/departments",
                    &json!({"id": id, "kind": "other", "name": name}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        // Not settled yet: nothing is anchored.
        assert_eq!(anchor(db, app.clock.now()).await.unwrap(), None);
        let settled = app.clock.now() + SETTLE;
        let first = anchor(db, settled).await.unwrap().expect("a batch");
        assert_eq!((first.batch_no, first.after_id), (1, 0));
        let rows = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        assert_eq!(first.row_count, rows);
        assert_eq!(anchor(db, settled).await.unwrap(), None, "nothing new");
        let leaf_kind = app
            .scalar("SELECT COUNT(*) FROM translog_leaves WHERE kind = 'audit_batch'")
            .await;
        assert_eq!(leaf_kind, 1);

        app.clock.advance(chrono::Duration::minutes(5));
        let (s, _) = app
            .send_as(Method::POST, Some(&xihu), "/api/v1/departments",
                &json!({"id": "330106.c", "kind": "other", "name": "西湖区丙局"}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let second = anchor(db, app.clock.now() + SETTLE).await.unwrap().expect("batch 2");
        assert_eq!((second.batch_no, second.after_id), (2, first.last_id));
        let v = verify(db).await.unwrap();
        assert!(v.faults.is_empty(), "{:?}", v.faults);
        assert_eq!((v.batches, v.rows), (2, rows + 1));

        // A batch is a run of ids: a row not settled yet holds back the rows after it, even
        // those written with an earlier time.
        let before = app.clock.now();
        app.clock.advance(chrono::Duration::minutes(10));
        for (id, name) in [("330106.d", "西湖区丁局"), ("330106.e", "西湖区戊局")] {
            let (s, _) = app
                .send_as(Method::POST, Some(&xihu), "/api/v1/departments",
                    &json!({"id": id, "kind": "other", "name": name}))
                .await;
            assert_eq!(s, StatusCode::CREATED);
        }
        exec(&app, "UPDATE audit_log SET at = (SELECT MIN(at) FROM audit_log) WHERE id = (SELECT MAX(id) FROM audit_log)").await;
        assert_eq!(anchor(db, before + SETTLE).await.unwrap(), None);
        let third = anchor(db, app.clock.now() + SETTLE).await.unwrap().expect("batch 3");
        assert_eq!(third.row_count, 2);
        assert!(verify(db).await.unwrap().faults.is_empty());

        // A changed row breaks its batch, and only its batch.
        exec(&app, "UPDATE audit_log SET detail = '{\"forged\":true}' WHERE id = (SELECT MIN(id) FROM audit_log)").await;
        let v = verify(db).await.unwrap();
        assert_eq!(v.faults.len(), 1, "{:?}", v.faults);
        assert!(v.faults[0].starts_with("batch 1 "), "{:?}", v.faults);
        // A deleted row of the last batch is found too.
        exec(&app, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").await;
        let v = verify(db).await.unwrap();
        assert!(v.faults.iter().any(|f| f.starts_with("batch 3 ")), "{:?}", v.faults);
        // So is an anchor removed to hide it: its leaf stays in the log.
        exec(&app, "DELETE FROM audit_anchors WHERE batch_no = 3").await;
        let v = verify(db).await.unwrap();
        assert!(
            v.faults.iter().any(|f| f.contains("anchors an audit batch that is gone")),
            "{:?}",
            v.faults
        );
        app
    })
    .await;
}
