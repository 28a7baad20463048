//! Governance of organizations (bodies with terms and members, party organization, hub links,
//! profile), overdue review steps told to the officer and his superior, and the deregistration
//! of a filed community organization that has no USCC.

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
    let now = app.state.clock.now();
    let (u, n, t, r) = (
        uscc.clone(),
        name.to_string(),
        org_type.to_string(),
        region.to_string(),
    );
    let insert = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query(
                "INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'community_service', $5, $6, $7, $8, $8)",
            )
            .bind(id).bind(&u).bind(&n).bind(&t).bind(&r).bind(status)
            .bind(now.date_naive()).bind(now)
            .execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    insert.await.unwrap();
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
        // The link shows both ways; the organization without a USCC is found by its id.
        let (s, v) = app.get_as(None, &format!("/api/v1/organizations/{c}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["uscc"].is_null());
        assert_eq!(v["governance"]["supported_by"][0]["uscc"].as_str(), Some(a.as_str()));

        // Five writes, each audited with its outbox event.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'organization.%'").await, 5);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE kind LIKE 'organization.%'").await, 5);
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
        let html = browser
            .get(app.url(&format!("/registry/organizations/{a}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for s in [
            "监事会",
            "郑监事长",
            "支持型",
            "老年人",
            "残疾人",
            "石灰桥社区读书会",
            "id=\"governance-edit-link\"",
        ] {
            assert!(html.contains(s), "{s} missing");
        }
        let html = browser
            .get(app.url(&format!("/registry/organizations/{c}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("西湖区茶文化促进会") && html.contains("id=\"org-id\""));
        // An organization administrator may record terms but not the officers' profile.
        let (browser, token) = browser_login(&app, "orgadmin").await;
        let html = browser
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
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

/// Drives a direct-registration application to review; returns its id.
async fn in_review(app: &TestApp, org: &str, xihu: &str) -> String {
    let mut body = super::establishment("超期测试协会", "charity", json!([]));
    body["supervisory_unit"] = Value::Null;
    let (s, a) = post(app, Some(org), "/api/v1/applications", body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    let all = [
        "application",
        "charter",
        "persons_particulars",
        "premises_proof",
        "capital_verification",
    ];
    post(
        app,
        Some(org),
        &format!("/api/v1/applications/{id}/submit"),
        json!({"materials": all}),
    )
    .await;
    let (s, a) = post(
        app,
        Some(xihu),
        &format!("/api/v1/applications/{id}/intake"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    id
}

fn at_nine_in_shanghai(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    d.and_hms_opt(1, 0, 0).unwrap().and_utc()
}

#[tokio::test]
async fn a_step_due_today_is_not_overdue_due_yesterday_it_is_and_both_levels_are_told() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let id = in_review(&app, &org, &xihu).await;
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/applications/{id}")).await;
        let deadline: chrono::NaiveDate = v["steps"][0]["deadline"].as_str().unwrap().parse().unwrap();
        // The deadline is 20 working days from acceptance on the stored calendar.
        let cal = fengqiao::calendar::store::load(&app.state.db).await.unwrap();
        assert_eq!(cal.add_working_days(app.state.clock.today(), 20).unwrap(), deadline);
        let overdue = "/api/v1/review-steps/overdue";

        // Due today: not overdue, nobody told. (Tokens are issued again at the new time.)
        app.clock.set(at_nine_in_shanghai(deadline));
        let xihu = app.token("xihu").await;
        let (s, v) = app.get_as(Some(&xihu), overdue).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!([]));
        assert_eq!(fengqiao::registry::service::overdue::flag(&app.state).await.unwrap(), 0);

        // Due yesterday: overdue for the county officer and for his city; not for another county.
        app.clock.set(at_nine_in_shanghai(deadline.succ_opt().unwrap()));
        let xihu = app.token("xihu").await;
        let city = app.token("hangzhou").await;
        let binjiang = app.token("binjiang").await;
        let (_, v) = app.get_as(Some(&xihu), overdue).await;
        let steps: Vec<&str> = v.as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
        assert_eq!(steps, ["party_building", "registration"], "{v}");
        assert!(v[0]["notified_at"].is_null());
        let (_, v) = app.get_as(Some(&city), overdue).await;
        assert_eq!(v.as_array().unwrap().len(), 2);
        let (_, v) = app.get_as(Some(&binjiang), overdue).await;
        assert_eq!(v, json!([]));
        let (_, v) = app.get_as(Some(&xihu), &format!("/api/v1/applications/{id}")).await;
        assert!(v["steps"].as_array().unwrap().iter().all(|s| s["overdue"] == true));

        // The sweep tells the officer's region and the one above, once.
        assert_eq!(fengqiao::registry::service::overdue::flag(&app.state).await.unwrap(), 4);
        assert_eq!(fengqiao::registry::service::overdue::flag(&app.state).await.unwrap(), 0);
        let (_, v) = app.get_as(Some(&xihu), "/api/v1/notifications").await;
        assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
        assert!(v.as_array().unwrap().iter().all(|n| n["audience"] == "officer"));
        let (_, v) = app.get_as(Some(&city), "/api/v1/notifications").await;
        assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
        assert!(v.as_array().unwrap().iter().all(|n| n["audience"] == "superior" && n["recipient_region"] == "330100"));
        let (_, v) = app.get_as(Some(&binjiang), "/api/v1/notifications").await;
        assert_eq!(v, json!([]));
        let (_, v) = app.get_as(Some(&city), overdue).await;
        assert!(v[0]["notified_at"].is_string());
        assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'application.step_overdue'").await, 2);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'application.step_overdue' AND role = 'system'").await, 2);
        // The city officer's page lists his counties' overdue steps and his notifications.
        let (browser, _) = browser_login(&app, "hangzhou").await;
        let html = browser.get(app.url("/registry/overdue")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("超期测试协会") && html.contains("id=\"notifications\"") && html.contains("上级机关"));
        // A decided step is no longer overdue.
        post(&app, Some(&xihu), &format!("/api/v1/applications/{id}/steps/registration"), json!({"verdict": "approve"})).await;
        let (_, v) = app.get_as(Some(&city), overdue).await;
        assert_eq!(v.as_array().unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_filed_community_organization_without_a_uscc_is_deregistered_by_its_id() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xixi = app.token("xixi").await;
        let xihu = app.token("xihu").await;
        // Filed (备案) by the street office: no USCC.
        let filing = json!({"kind": "filing", "org_type": "community_org", "category": "community_service",
            "name": "石灰桥社区邻里互助队", "domicile_code": "330106004053", "persons": []});
        let (s, a) = post(&app, Some(&org), "/api/v1/applications", filing).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();
        post(&app, Some(&org), &format!("/api/v1/applications/{id}/submit"), json!({"materials": ["filing_form", "charter", "persons_particulars"]})).await;
        post(&app, Some(&xixi), &format!("/api/v1/applications/{id}/intake"), json!({"decision": "accept"})).await;
        post(&app, Some(&xixi), &format!("/api/v1/applications/{id}/steps/registration"), json!({"verdict": "approve"})).await;
        let (s, a) = post(&app, Some(&xixi), &format!("/api/v1/applications/{id}/decision"), json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert!(a["uscc"].is_null());
        let org_id = a["organization_id"].as_str().unwrap().to_string();

        // Found by its id; a malformed or unknown id is named as the field at fault.
        let dereg = |v: Value| json!({"kind": "deregistration", "organization_id": v});
        let got = post(&app, Some(&org), "/api/v1/applications", dereg(json!("not-an-id"))).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.organization_id", Some("organization_id"));
        let got = post(&app, Some(&org), "/api/v1/applications", dereg(json!(uuid::Uuid::now_v7()))).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.organization_id", Some("organization_id"));
        let got = post(&app, Some(&org), "/api/v1/applications", json!({"kind": "deregistration"})).await;
        assert_eq!(got.1["field"], "organization_uscc", "{}", got.1);
        let (s, d) = post(&app, Some(&org), "/api/v1/applications", dereg(json!(org_id))).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(d["organization_id"].as_str(), Some(org_id.as_str()));
        // No registration certificate to hand back: the checklist does not ask for one.
        let keys: Vec<&str> = d["checklist"].as_array().unwrap().iter().map(|m| m["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["application", "liquidation_report"]);
        let did = d["id"].as_str().unwrap().to_string();
        let (s, d) = post(&app, Some(&org), &format!("/api/v1/applications/{did}/submit"), json!({"materials": keys})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, d) = post(&app, Some(&xihu), &format!("/api/v1/applications/{did}/intake"), json!({"decision": "accept"})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, d) = post(&app, Some(&xihu), &format!("/api/v1/applications/{did}/steps/registration"), json!({"verdict": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, d) = post(&app, Some(&xihu), &format!("/api/v1/applications/{did}/decision"), json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let (s, o) = app.get_as(None, &format!("/api/v1/organizations/{org_id}")).await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["status"], "deregistered");
        assert_eq!(o["history"].as_array().unwrap().len(), 2);
        // Once deregistered it cannot be deregistered again.
        let got = post(&app, Some(&org), "/api/v1/applications", dereg(json!(org_id))).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.organization_id", Some("organization_id"));
        app
    })
    .await;
}
