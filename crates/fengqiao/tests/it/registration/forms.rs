//! Registry without JavaScript: the new-application form (bad input re-rendered by the field,
//! 422, nothing stored), the hard and advisory checks on named persons, the action forms of the
//! application page, and the demo applications.

use reqwest::StatusCode;
use serde_json::json;

use super::{establishment, id_number, post};
use crate::accounts::browser_login;
use crate::{TestApp, assert_problem, each_backend};

fn form_fields(name: &str, id1: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("kind", "establishment"),
        ("org_type", "social_group"),
        ("category", "other"),
        ("name", name),
        ("domicile_code", "330106004053"),
        ("reach", "county"),
        ("supervisory_unit", "西湖区科学技术局"),
        ("business_scope", "茶文化交流"),
        ("purpose", "弘扬茶文化"),
        ("address", "龙井路 1 号"),
        ("funds_yuan", "30000"),
        ("persons[0].name", "张会长"),
        ("persons[0].position", "会长"),
        ("persons[0].capacity", "leader"),
        ("legal_rep", "0"),
        // Row 1 left empty: row 2's error must still be named as row 2.
        ("persons[2].name", "李秘书长"),
        ("persons[2].position", "秘书长"),
        ("persons[2].capacity", "leader"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    f.push(("persons[0].id_number".into(), id_number(1970, 41)));
    f.push(("persons[2].id_number".into(), id1.into()));
    f
}

#[tokio::test]
async fn the_form_names_the_bad_field_keeps_the_input_and_stores_nothing() {
    each_backend(|app: TestApp| async move {
        let (c, csrf) = browser_login(&app, "orgadmin").await;
        let page = c.get(app.url("/registry/new")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("name=\"persons[3].id_number\"")
        );
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;

        // A bad check character in row 2: 422, the message beside that row's field.
        let mut bad = form_fields("西湖区茶文化研究会", "330199199003150221");
        bad.push(("_csrf".into(), csrf.clone()));
        let r = c
            .post(app.url("/registry/new"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"f-persons-2-id_number-err\""), "{html}");
        assert!(html.contains("aria-describedby=\"f-persons-2-id_number-err\""));
        assert!(
            html.contains("value=\"西湖区茶文化研究会\""),
            "the input is kept"
        );
        assert!(html.contains("id=\"form-error\""));

        // Funds that are not an amount.
        let mut bad = form_fields("西湖区茶文化研究会", &id_number(1988, 42));
        bad.retain(|(k, _)| k != "funds_yuan");
        bad.push(("funds_yuan".into(), "三万".into()));
        bad.push(("_csrf".into(), csrf.clone()));
        let r = c
            .post(app.url("/registry/new"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("id=\"f-funds_yuan-err\""));

        // A domicile outside the founder's region: the form again, by the domicile.
        let mut bad = form_fields("滨江茶协会", &id_number(1988, 42));
        bad.retain(|(k, _)| k != "domicile_code");
        bad.push(("domicile_code".into(), "330108001001".into()));
        bad.push(("_csrf".into(), csrf.clone()));
        let r = c
            .post(app.url("/registry/new"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("id=\"f-domicile_code-err\"")
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);

        // Corrected: the draft is stored and the browser goes to it.
        let mut good = form_fields("西湖区茶文化研究会", &id_number(1988, 42));
        good.push(("_csrf".into(), csrf.clone()));
        let r = c
            .post(app.url("/registry/new"))
            .form(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/registry/applications/"), "{to}");
        let html = crate::page_text(&c, app.url(&to)).await;
        assert!(html.contains("id=\"do-submit\""), "the founder can submit");
        assert!(!html.contains("id=\"do-accept\""), "but not take intake");
        let t = app.token("orgadmin").await;
        let id = to.rsplit('/').next().unwrap();
        let (_, v) = app
            .get_as(Some(&t), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(v["funds_fen"], 3_000_000);
        assert_eq!(v["persons"][0]["is_legal_rep"], true);
        assert_eq!(v["persons"][1]["name"], "李秘书长");

        // Submitting with two materials through the page form, then the officer's page.
        let r = c
            .post(app.url(&format!("{to}/act")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("action", "submit"),
                ("materials", "application"),
                ("materials", "charter"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (c2, csrf2) = browser_login(&app, "xihu").await;
        let html = crate::page_text(&c2, app.url(&to)).await;
        assert!(html.contains("id=\"do-return\"") && html.contains("id=\"do-accept\""));
        // Accepting with materials missing: the page again, 422, with the reason.
        let r = c2
            .post(app.url(&format!("{to}/act")))
            .form(&[("_csrf", csrf2.as_str()), ("action", "accept")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("材料不齐全"));
        let r = c2
            .post(app.url(&format!("{to}/act")))
            .form(&[
                ("_csrf", csrf2.as_str()),
                ("action", "return"),
                ("also_missing", "charter"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, v) = app
            .get_as(Some(&t), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(v["state"], "returned");
        assert!(
            v["missing_materials"]
                .as_array()
                .unwrap()
                .contains(&json!("charter"))
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_barred_person_is_refused_and_age_is_left_to_the_reviewer() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let barred = id_number(1975, 51);
        // 从业禁止 recorded by an officer through the credit module (DOMAIN.md §3).
        let officer = app.token("xihu").await;
        let ban = post(
            &app,
            Some(&officer),
            "/api/v1/credit/bans",
            json!({"id_number": barred, "banned_from": "2020-01-01", "reason": "判处从业禁止", "document": "（2020）浙0106刑初1号"}),
        )
        .await;
        assert_eq!(ban.0, StatusCode::CREATED, "{:?}", ban.1);
        let persons = json!([
            {"name": "甲", "id_number": id_number(1970, 52), "position": "会长", "is_legal_rep": true},
            {"name": "乙", "id_number": barred, "position": "秘书长"},
        ]);
        let got = post(
            &app,
            Some(&org),
            "/api/v1/applications",
            establishment("禁业协会", "other", persons),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.barred",
            Some("persons[1].id_number"),
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, 0);

        // Aged 76 (the test clock is in 2026) and 17: stored, flagged, for the reviewer.
        let persons = json!([
            {"name": "老会长", "id_number": id_number(1950, 53), "position": "会长", "is_legal_rep": true},
            {"name": "小秘书", "id_number": id_number(2009, 54), "position": "秘书长"},
        ]);
        let (s, a) = post(
            &app,
            Some(&org),
            "/api/v1/applications",
            establishment("高龄协会", "other", persons),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let failed = |i: usize, check: &str| {
            a["persons"][i]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["check"] == check && c["passed"] == false)
        };
        assert!(failed(0, "leader_age"), "{a}");
        assert!(failed(1, "age"), "{a}");
        assert_eq!(a["persons"][0]["checks_passed"], false);
        app
    })
    .await;
}

#[tokio::test]
async fn the_demo_applications_cover_every_state_and_load_once() {
    each_backend(|app: TestApp| async move {
        fengqiao::registration::demo::load_demo(&app.state.db, 2018)
            .await
            .unwrap();
        let count = || app.scalar("SELECT COUNT(*) FROM applications");
        let n = count().await;
        assert_eq!(n, 9);
        for state in ["draft", "returned", "in_review", "publicity", "approved"] {
            let (s, list) = app
                .get_as(Some(&app.token("hangzhou").await), "/api/v1/applications")
                .await;
            assert_eq!(s, StatusCode::OK);
            let regions: Vec<&str> = list
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["state"] == state)
                .map(|a| a["region_code"].as_str().unwrap())
                .collect();
            assert!(!regions.is_empty(), "no demo application is {state}");
            if state != "returned" {
                assert!(
                    regions.contains(&"330106") && regions.contains(&"330108"),
                    "{state}: {regions:?}"
                );
            }
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM objections WHERE answer IS NULL")
                .await,
            2
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM organizations WHERE uscc LIKE '5%MJ%'")
                .await,
            2
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM review_steps WHERE state = 'pending'")
                .await,
            3
        );
        // The notices are public and open now.
        let (_, notices) = app.get_as(None, "/api/v1/publicity").await;
        assert_eq!(notices.as_array().unwrap().len(), 2, "{notices}");
        // Every demo application's page renders for the city officer, as do the lists.
        let (c, _) = browser_login(&app, "hangzhou").await;
        let (_, list) = app
            .get_as(Some(&app.token("hangzhou").await), "/api/v1/applications")
            .await;
        let mut paths: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| format!("/registry/applications/{}", a["id"].as_str().unwrap()))
            .collect();
        paths.extend(["/registry".into(), "/registry/publicity".into()]);
        for path in paths {
            let r = c.get(app.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
        }
        fengqiao::registration::demo::load_demo(&app.state.db, 2018)
            .await
            .unwrap();
        assert_eq!(count().await, n, "loading again adds nothing");
        // The approved organizations carry their governance, once.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM governance_terms").await, 4);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM governance_members").await, 12);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM party_statuses").await, 2);
        let uscc: String = fengqiao::with_db!(&app.state.db, pool => sqlx::query_scalar::<_, String>(
            "SELECT uscc FROM organizations WHERE name = '西湖区助学公益基金会'").fetch_one(pool).await.unwrap());
        let (s, o) = app.get_as(None, &format!("/api/v1/organizations/{uscc}")).await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["governance"]["tax_deductible"], true);
        assert_eq!(o["governance"]["party_status"]["status"], "instructor");
        let r = c.get(app.url(&format!("/registry/organizations/{uscc}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("理事会"));
        app
    })
    .await;
}
