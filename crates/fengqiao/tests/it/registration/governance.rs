//! Governance of organizations: bodies with terms and members, party organization, hub links
//! and the profile officers record, through the API and the no-JS form.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::post;
use crate::accounts::browser_login;
use crate::{TestApp, assert_problem, each_backend};

/// An organization written directly (the registration journey is tested elsewhere); returns
/// its path key (USCC, or id when it has none).
async fn insert_org(
    app: &TestApp,
    name: &str,
    org_type: &str,
    region: &str,
    serial: Option<u64>,
) -> String {
    let id = uuid::Uuid::now_v7();
    let type_char = if org_type == "foundation" { '3' } else { '1' };
    let uscc = serial.map(|n| {
        codes::Uscc::for_serial(type_char, region, n)
            .unwrap()
            .as_str()
            .to_string()
    });
    let status = if uscc.is_some() {
        "registered"
    } else {
        "filed"
    };
    let id = fengqiao::testkit::TestOrganization {
        id,
        uscc: uscc.clone(),
        org_type: org_type.into(),
        category: "community_service".into(),
        status: status.into(),
        registered_on: Some(app.state.clock.now().date_naive()),
        ..fengqiao::testkit::TestOrganization::new(name, region)
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    fengqiao::testkit::act_for(&app.state.db, "orgadmin", id)
        .await
        .unwrap();
    uscc.unwrap_or_else(|| id.to_string())
}

async fn send(app: &TestApp, m: Method, t: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.send_as(m, Some(t), path, &body).await
}

#[tokio::test]
async fn governance_is_recorded_by_the_field_audited_and_shown_both_ways() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let a = insert_org(&app, "西湖区茶文化促进会", "social_group", "330106", Some(1)).await;
        let f = insert_org(&app, "西湖区助学基金会", "foundation", "330106", Some(1)).await;
        let c = insert_org(&app, "石灰桥社区读书会", "community_org", "330106004", None).await;
        let b = insert_org(&app, "滨江区志愿者协会", "social_group", "330108", Some(1)).await;
        let gov = |k: &str| format!("/api/v1/organizations/{k}/governance");
        let members = json!([{"name": "周理事长", "position": "理事长"}, {"name": "吴理事", "position": "理事"}]);

        let (s, v) = post(&app, Some(&org), &gov(&a), json!({"body": "council", "term_start": "2024-01-01", "term_end": "2028-12-31", "members": members})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let t = &v["governance"]["terms"][0];
        assert_eq!((t["body"].as_str(), t["current"].as_bool()), (Some("council"), Some(true)));
        assert_eq!(t["members"].as_array().unwrap().len(), 2);
        assert!(t["max_years"].is_null(), "DOMAIN.md sets no term for a 社会团体's council");
        assert!(v["governance"]["party_status"].is_null(), "never recorded");
        // The same body cannot start two terms on one day.
        let got = post(&app, Some(&org), &gov(&a), json!({"body": "council", "term_start": "2024-01-01", "term_end": "2026-12-31"})).await;
        assert_problem(&got, StatusCode::CONFLICT, "registry.term_exists", Some("term_start"));

        // 基金会管理条例 Art. 20: a foundation's council serves ≤ 5 years and has 5–25 directors.
        let five: Vec<Value> = (1..=5).map(|i| json!({"name": format!("理事{i}"), "position": "理事"})).collect();
        let four = &five[..4];
        let got = post(&app, Some(&org), &gov(&f), json!({"body": "council", "term_start": "2024-01-01", "term_end": "2029-01-02", "members": five})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.term_end", Some("term_end"));
        assert!(got.1["message"]["zh"].as_str().unwrap().contains("5年"));
        let got = post(&app, Some(&org), &gov(&f), json!({"body": "council", "term_start": "2024-01-01", "term_end": "2029-01-01", "members": four})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.members", Some("members"));
        let got = post(&app, Some(&org), &gov(&f), json!({"body": "member_assembly", "term_start": "2024-01-01", "term_end": "2025-01-01"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.body", Some("body"));
        let got = post(&app, Some(&org), &gov(&f), json!({"body": "council", "term_start": "2024-13-01", "term_end": "2025-01-01"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.term_start", Some("term_start"));
        let (s, v) = post(&app, Some(&org), &gov(&f), json!({"body": "council", "term_start": "2024-01-01", "term_end": "2029-01-01", "members": five})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["governance"]["terms"][0]["max_years"], 5);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM governance_terms").await, 2);
        // Outside the region: refused before anything is read.
        let got = post(&app, Some(&binjiang), &gov(&a), json!({})).await;
        assert_eq!(got.0, StatusCode::FORBIDDEN);

        // Party organization, from a date; the date cannot be in the future.
        let party = format!("/api/v1/organizations/{a}/party");
        let got = post(&app, Some(&org), &party, json!({"status": "joint", "since": "2027-01-01"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.since", Some("since"));
        let got = post(&app, Some(&org), &party, json!({"status": "branch", "since": "2025-01-01"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.status", Some("status"));
        let (s, v) = post(&app, Some(&org), &party, json!({"status": "joint", "since": "2025-06-01", "note": "与社区党委联建"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["governance"]["party_status"]["status"], "joint");
        assert_eq!(v["governance"]["party_status"]["since"], "2025-06-01");

        // Profile and hub links are the officers'.
        let profile = format!("/api/v1/organizations/{a}/profile");
        let supported = format!("/api/v1/organizations/{a}/supported");
        let got = send(&app, Method::PUT, &org, &profile, json!({"hub_kind": "hub"})).await;
        assert_eq!(got.0, StatusCode::FORBIDDEN);
        let got = post(&app, Some(&xihu), &supported, json!({"organization": c})).await;
        assert_problem(&got, StatusCode::CONFLICT, "registry.not_hub", Some("hub_kind"));
        let got = send(&app, Method::PUT, &xihu, &profile, json!({"special_groups": ["elderly", "aliens"]})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.special_groups[1]", Some("special_groups[1]"));
        let (s, v) = send(&app, Method::PUT, &xihu, &profile, json!({"hub_kind": "hub", "tax_deductible": true, "special_groups": ["elderly", "children"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["governance"]["hub_kind"], "hub");
        assert_eq!(v["governance"]["tax_deductible"], true);
        assert_eq!(v["governance"]["special_groups"], json!(["elderly", "children"]));
        let (s, v) = post(&app, Some(&xihu), &supported, json!({"organization": c})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["governance"]["supports"][0]["name"], "石灰桥社区读书会");
        let got = post(&app, Some(&xihu), &supported, json!({"organization": c})).await;
        assert_problem(&got, StatusCode::CONFLICT, "registry.already_supported", Some("organization"));
        // An organization in another county is outside the officer's region.
        let got = post(&app, Some(&xihu), &supported, json!({"organization": b})).await;
        assert_eq!(got.0, StatusCode::FORBIDDEN);
        // The community organization's categories (POLICY 三); other fields keep their value.
        let cprofile = format!("/api/v1/organizations/{c}/profile");
        let got = send(&app, Method::PUT, &xihu, &cprofile, json!({"community_categories": ["sports"]})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.community_categories[0]", Some("community_categories[0]"));
        let (s, v) = send(&app, Method::PUT, &xihu, &cprofile, json!({"community_categories": ["mutual_aid", "life_service"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["governance"]["community_categories"], json!(["mutual_aid", "life_service"]));
        assert!(v["governance"]["hub_kind"].is_null());
        // The link shows both ways; the organization without a USCC is found by its id.
        let (s, v) = app.get_as(None, &format!("/api/v1/organizations/{c}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["uscc"].is_null());
        assert_eq!(v["governance"]["supported_by"][0]["uscc"].as_str(), Some(a.as_str()));

        // Six writes, each audited with its outbox event.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'organization.%'").await, 6);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE kind LIKE 'organization.%'").await, 6);
        app
    })
    .await;
}

#[tokio::test]
async fn the_governance_form_works_without_javascript_and_names_the_field() {
    each_backend(|app: TestApp| async move {
        let a = insert_org(
            &app,
            "西湖区茶文化促进会",
            "social_group",
            "330106",
            Some(2),
        )
        .await;
        let c = insert_org(&app, "石灰桥社区读书会", "community_org", "330106004", None).await;
        let (browser, token) = browser_login(&app, "xihu").await;
        let url = app.url(&format!("/registry/organizations/{a}/governance"));
        let page = browser.get(&url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("id=\"profile-form\""));
        let term = |end: &str| {
            vec![
                ("_csrf", token.clone()),
                ("form", "term".into()),
                ("body", "supervisory_board".into()),
                ("term_start", "2025-01-01".into()),
                ("term_end", end.to_string()),
                ("members[0].name", "郑监事长".into()),
                ("members[0].position", "监事长".into()),
                ("members[2].name", "".into()),
                ("members[2].position", "监事".into()),
            ]
        };
        let r = browser
            .post(&url)
            .form(&term("2029-12-31"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        // The third row lacks its name: the message stands by that row's field, typed input kept.
        assert!(html.contains("id=\"f-members-2-name-err\""), "{html}");
        assert!(html.contains("value=\"郑监事长\""));
        let mut ok = term("2029-12-31");
        ok.retain(|(k, _)| !k.starts_with("members[2]"));
        let r = browser.post(&url).form(&ok).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let party = [
            ("_csrf", token.clone()),
            ("form", "party".into()),
            ("status", "own".into()),
            ("since", "2025-13-01".into()),
        ];
        let r = browser.post(&url).form(&party).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("id=\"f-since-err\""));
        let profile = [
            ("_csrf", token.clone()),
            ("form", "profile".into()),
            ("hub_kind", "support".into()),
            ("special_groups", "elderly".into()),
            ("special_groups", "disabled".into()),
            ("community_categories", "life_service".into()),
        ];
        let r = browser.post(&url).form(&profile).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let link = [
            ("_csrf", token.clone()),
            ("form", "supported".into()),
            ("organization", c.clone()),
        ];
        let r = browser.post(&url).form(&link).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html =
            crate::page_text(&browser, app.url(&format!("/registry/organizations/{a}"))).await;
        for s in [
            "监事会",
            "郑监事长",
            "支持型",
            "老年人",
            "残疾人",
            "生活服务类",
            "石灰桥社区读书会",
            "id=\"governance-edit-link\"",
        ] {
            assert!(html.contains(s), "{s} missing");
        }
        let html =
            crate::page_text(&browser, app.url(&format!("/registry/organizations/{c}"))).await;
        assert!(html.contains("西湖区茶文化促进会") && html.contains("id=\"org-id\""));
        // An organization administrator may record terms but not the officers' profile.
        let (browser, token) = browser_login(&app, "orgadmin").await;
        let html = crate::page_text(&browser, &url).await;
        assert!(!html.contains("id=\"profile-form\""));
        let r = browser
            .post(&url)
            .form(&[
                ("_csrf", token.as_str()),
                ("form", "profile"),
                ("hub_kind", "hub"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        app
    })
    .await;
}
