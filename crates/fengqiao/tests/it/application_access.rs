//! Applications are not public (一窗受理): only their applicant and the accounts bound to the
//! organization they concern read or act on them; officers keep their region. And a change of
//! registration alters only the particulars it names (issues 13 and 15, "fix first").

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, each_backend};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// A second organization account in 西湖区, bound to nothing.
async fn other_org_account(app: &TestApp) -> String {
    fengqiao::platform::auth::store::create_user(
        &app.state.db,
        chrono::Utc::now(),
        "orgadmin2",
        "另一社会组织管理员",
        fengqiao::demo::DEMO_PASSWORD,
        &[(fengqiao::platform::auth::Role::OrgAdmin, "330106")],
    )
    .await
    .unwrap();
    app.token("orgadmin2").await
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_organization_account_reads_and_submits_only_its_own_applications() {
    each_backend(|app: TestApp| async move {
        let mine = app.token("orgadmin").await;
        let other = other_org_account(&app).await;
        let xihu = app.token("xihu").await;
        let draft = crate::registration::establishment(
            "西湖区邻里守望协会",
            "other",
            json!([{"name": "张会长", "id_number": crate::registration::id_number(1970, 11), "position": "会长", "is_legal_rep": true}]),
        );
        let (s, a) = app.send_as(Method::POST, Some(&mine), "/api/v1/applications", &draft).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();

        // The applicant and the region's officer list it; another organization account of the
        // same district neither lists, opens nor submits it.
        let (_, l) = app.get_as(Some(&mine), "/api/v1/applications").await;
        assert!(ids(&l).contains(&id), "{l}");
        let (_, l) = app.get_as(Some(&xihu), "/api/v1/applications").await;
        assert!(ids(&l).contains(&id), "{l}");
        let (s, l) = app.get_as(Some(&other), "/api/v1/applications").await;
        assert_eq!(s, StatusCode::OK);
        assert!(!ids(&l).contains(&id), "{l}");
        let (s, _) = app.get_as(Some(&other), &format!("/api/v1/applications/{id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let submit = json!({"materials": ["application"]});
        let (s, _) = app.send_as(Method::POST, Some(&other), &format!("/api/v1/applications/{id}/submit"), &submit).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app.get_as(Some(&mine), &format!("/api/v1/applications/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["state"], "draft", "the refused submission changed nothing");

        // The pages say the same: the list does not name it, the page is refused.
        let (browser, _) = crate::accounts::browser_login(&app, "orgadmin2").await;
        let html = crate::page_text(&browser, app.url("/registry")).await;
        assert!(!html.contains("西湖区邻里守望协会"));
        let r = browser.get(app.url(&format!("/registry/applications/{id}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let (browser, _) = crate::accounts::browser_login(&app, "orgadmin").await;
        let html = crate::page_text(&browser, app.url("/registry")).await;
        assert!(html.contains("西湖区邻里守望协会"));

        // Charity applications likewise: another account of the district does not see them.
        let db = &app.state.db;
        let (org, uscc) = fengqiao::testkit::registered_organization(db, "西湖区扶老助学会", "330106", 4343, day("2019-01-01"))
            .await
            .unwrap();
        fengqiao::testkit::act_for(db, "orgadmin", org).await.unwrap();
        let apply = json!({"kind": "recognition", "organization_uscc": uscc, "statement": "扶贫济困"});
        let (s, c) = app.send_as(Method::POST, Some(&mine), "/api/v1/charity/applications", &apply).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let cid = c["id"].as_str().unwrap().to_string();
        let (_, l) = app.get_as(Some(&mine), "/api/v1/charity/applications").await;
        assert!(ids(&l).contains(&cid));
        let (_, l) = app.get_as(Some(&other), "/api/v1/charity/applications").await;
        assert!(!ids(&l).contains(&cid), "{l}");
        let (s, _) = app.get_as(Some(&other), &format!("/api/v1/charity/applications/{cid}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Once bound to the organization, the other account reads its application too.
        fengqiao::testkit::act_for(db, "orgadmin2", org).await.unwrap();
        let (s, _) = app.get_as(Some(&other), &format!("/api/v1/charity/applications/{cid}")).await;
        assert_eq!(s, StatusCode::OK);
        app
    })
    .await;
}

/// An organization row with every particular filled, bound to nobody.
async fn organization_with_particulars(
    app: &TestApp,
    name: &str,
    serial: u64,
) -> (uuid::Uuid, String) {
    let db = &app.state.db;
    let (id, uscc) =
        fengqiao::testkit::registered_organization(db, name, "330106", serial, day("2019-01-01"))
            .await
            .unwrap();
    let update = async {
        fengqiao::with_tx!(db, tx => {
            sqlx::query("UPDATE organizations SET business_scope = '助老服务 邻里互助', address = '西溪路 8 号', registered_funds_fen = 5000000 WHERE id = $1")
                .bind(id).execute(&mut *tx).await?;
        });
        anyhow::Ok(())
    };
    update.await.unwrap();
    (id, uscc)
}

#[tokio::test]
async fn an_organization_account_cannot_change_or_deregister_an_organization_not_bound_to_it() {
    each_backend(|app: TestApp| async move {
        let (org, uscc) = organization_with_particulars(&app, "西湖区助老互助会", 4444).await;
        let mine = app.token("orgadmin").await;
        let before = app.scalar("SELECT COUNT(*) FROM applications").await;
        for kind in ["change", "deregistration"] {
            let body = json!({"kind": kind, "organization_uscc": uscc, "name": "西湖区被改名协会"});
            let (s, v) = app
                .send_as(Method::POST, Some(&mine), "/api/v1/applications", &body)
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{kind}: {v}");
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM applications").await,
            before,
            "nothing stored"
        );
        // Bound to it, the account may.
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
            .await
            .unwrap();
        let body =
            json!({"kind": "change", "organization_uscc": uscc, "name": "西湖区助老服务协会"});
        let (s, v) = app
            .send_as(Method::POST, Some(&mine), "/api/v1/applications", &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        app
    })
    .await;
}

/// Runs a submitted application through intake, every review step and approval.
async fn process(app: &TestApp, id: &str) -> Value {
    let xihu = app.token("xihu").await;
    let reviewer = app.token("reviewer").await;
    let path = |p: &str| format!("/api/v1/applications/{id}/{p}");
    let (s, v) = app
        .send_as(
            Method::POST,
            Some(&xihu),
            &path("intake"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for step in v["steps"].as_array().unwrap() {
        let name = step["step"].as_str().unwrap();
        let who = if name == "registration" {
            &xihu
        } else {
            &reviewer
        };
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(who),
                &path(&format!("steps/{name}")),
                &json!({"verdict": "approve"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{name}: {v}");
    }
    let (s, v) = app
        .send_as(
            Method::POST,
            Some(&xihu),
            &path("decision"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn a_change_alters_only_the_particulars_it_names() {
    each_backend(|app: TestApp| async move {
        let (org, uscc) = organization_with_particulars(&app, "西湖区助老互助会", 4545).await;
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
            .await
            .unwrap();
        let mine = app.token("orgadmin").await;
        // A change that renames the organization and names nothing else.
        let body =
            json!({"kind": "change", "organization_uscc": uscc, "name": "西湖区助老服务协会"});
        let (s, a) = app
            .send_as(Method::POST, Some(&mine), "/api/v1/applications", &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();
        let materials: Vec<Value> = a["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["key"].clone())
            .collect();
        let (s, v) = app
            .send_as(
                Method::POST,
                Some(&mine),
                &format!("/api/v1/applications/{id}/submit"),
                &json!({"materials": materials}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let v = process(&app, &id).await;
        assert_eq!(v["state"], "approved", "{v}");

        let (s, o) = app
            .get_as(None, &format!("/api/v1/organizations/{uscc}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(
            o["name"], "西湖区助老服务协会",
            "the named particular changed"
        );
        assert_eq!(o["business_scope"], "助老服务 邻里互助", "scope kept: {o}");
        assert_eq!(o["purpose"], "扶贫济困，助学助老", "purpose kept: {o}");
        assert_eq!(o["address"], "西溪路 8 号", "address kept: {o}");
        assert_eq!(o["registered_funds_fen"], 5_000_000, "funds kept: {o}");
        app
    })
    .await;
}
