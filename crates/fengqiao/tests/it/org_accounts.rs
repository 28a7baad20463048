//! An organization account (org_admin) acts only for the organizations bound to it: a role held
//! in 西湖区 is not enough to apply, file, disclose, disburse or edit governance for another
//! organization there. The binding is granted, then the same requests pass.

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, each_backend};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn an_organization_account_acts_only_for_its_own_organizations() {
    each_backend(|app: TestApp| async move {
        let db = &app.state.db;
        let (_, uscc) = fengqiao::testkit::registered_organization(db, "西湖区邻里互助会", "330106", 4242, day("2019-01-01"))
            .await
            .unwrap();
        let orgadmin = app.token("orgadmin").await;

        // Charity recognition, party status: refused until the account acts for it.
        let apply = json!({"kind": "recognition", "organization_uscc": uscc, "statement": "扶贫济困"});
        let party = json!({"status": "joint", "since": "2026-11-01", "note": ""});
        let party_path = format!("/api/v1/organizations/{uscc}/party");
        let r = app.send_as(Method::POST, Some(&orgadmin), "/api/v1/charity/applications", &apply).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        let r = app.send_as(Method::POST, Some(&orgadmin), &party_path, &party).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM charity_applications").await, 0);

        // The application form offers only the organizations the account acts for.
        let (browser, _) = crate::accounts::browser_login(&app, "orgadmin").await;
        let form_url = app.url("/charity/apply");
        let form = crate::page_text(&browser, &form_url).await;
        assert!(!form.contains(&uscc), "not offered before the grant");
        // An officer of the region grants it; another region's officer cannot; only an
        // organization account can be granted.
        let grant_path = format!("/api/v1/organizations/{uscc}/accounts");
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let r = app.send_as(Method::POST, Some(&binjiang), &grant_path, &json!({"username": "orgadmin"})).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        let r = app.send_as(Method::POST, Some(&orgadmin), &grant_path, &json!({"username": "orgadmin"})).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "an organization account cannot grant itself");
        for (username, why) in [("xihu", "not an organization account"), ("nobody", "no such account")] {
            let r = app.send_as(Method::POST, Some(&xihu), &grant_path, &json!({"username": username})).await;
            assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {}", r.1);
            assert_eq!(r.1["field"], "username");
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM organization_accounts").await, 0);
        let r = app.send_as(Method::POST, Some(&xihu), &grant_path, &json!({"username": "orgadmin"})).await;
        assert_eq!(r.0, StatusCode::OK, "{}", r.1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'organization.account_grant'").await, 1);
        let form = crate::page_text(&browser, &form_url).await;
        assert!(form.contains(&uscc), "offered after the grant");
        let r = app.send_as(Method::POST, Some(&orgadmin), "/api/v1/charity/applications", &apply).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        let r = app.send_as(Method::POST, Some(&orgadmin), &party_path, &party).await;
        assert_eq!(r.0, StatusCode::OK, "{}", r.1);
        // Revoked, the account can no longer act for it; revoking again finds nothing.
        let revoke = format!("{grant_path}/orgadmin");
        let r = app.send_as(Method::DELETE, Some(&binjiang), &revoke, &json!({})).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        let r = app.send_as(Method::DELETE, Some(&xihu), &revoke, &json!({})).await;
        assert_eq!(r.0, StatusCode::NO_CONTENT, "{}", r.1);
        let r = app.send_as(Method::POST, Some(&orgadmin), &party_path, &party).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        let r = app.send_as(Method::DELETE, Some(&xihu), &revoke, &json!({})).await;
        assert_eq!(r.0, StatusCode::NOT_FOUND, "{}", r.1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'organization.account_revoke'").await, 1);

        // Disbursing from another organization's project: refused; from its own: recorded.
        let plan = "浙民募备[2026]0077";
        let plan_id = fengqiao::testkit::fundraising_plan(db, plan, "330106", day("2026-11-01"), day("2026-12-31"))
            .await
            .unwrap();
        let r = TestApp::client()
            .post(app.url("/api/v1/donations"))
            .header("Idempotency-Key", "k-77")
            .json(&json!({"project": plan, "amount_fen": 10_000, "method": "test_confirm"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let path = format!("/api/v1/projects/{}/disbursements", fengqiao::platform::web::path_segment(plan));
        let pay = json!({"amount_fen": 100, "category": "charitable", "purpose": "助学", "beneficiaries": 1, "paid_on": "2026-11-27"});
        let r = app.send_as(Method::POST, Some(&orgadmin), &path, &pay).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        let plan_org: uuid::Uuid = fengqiao::with_db!(db, pool => sqlx::query_scalar("SELECT organization_id FROM fundraising_plans WHERE id = $1").bind(plan_id).fetch_one(pool).await.unwrap());
        fengqiao::testkit::act_for(db, "orgadmin", plan_org).await.unwrap();
        let r = app.send_as(Method::POST, Some(&orgadmin), &path, &pay).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        // Officers act for every organization of their region without a binding.
        let xihu = app.token("xihu").await;
        let r = app.send_as(Method::POST, Some(&xihu), &path, &pay).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        app
    })
    .await;
}

/// The officers' page of an organization's accounts: grant by the form, listed, revoke by its
/// button, each audited as the API is; a bad username is shown by its field and changes
/// nothing; another region's officer and an organization account are refused.
#[tokio::test]
async fn officers_grant_and_revoke_organization_accounts_on_the_page() {
    each_backend(|app: TestApp| async move {
        let db = &app.state.db;
        let (_, uscc) = fengqiao::testkit::registered_organization(
            db,
            "西湖区邻里互助会",
            "330106",
            4243,
            day("2019-01-01"),
        )
        .await
        .unwrap();
        let page = app.url(&format!("/registry/organizations/{uscc}/accounts"));
        let (xihu, csrf) = crate::accounts::browser_login(&app, "xihu").await;
        let html =
            crate::page_text(&xihu, app.url(&format!("/registry/organizations/{uscc}"))).await;
        assert!(
            html.contains("id=\"accounts-link\""),
            "the organization's page links the accounts page for its officers"
        );
        let r = xihu.get(&page).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("id=\"accounts-none\""));
        let grants = "SELECT COUNT(*) FROM audit_log WHERE action = 'organization.account_grant'";
        let bound = "SELECT COUNT(*) FROM organization_accounts";

        // Granted through the form, then listed with its revoke button.
        let r = xihu
            .post(&page)
            .form(&[("_csrf", csrf.as_str()), ("username", " orgadmin ")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"],
            format!("/registry/organizations/{uscc}/accounts")
        );
        let html = crate::page_text(&xihu, &page).await;
        assert!(
            html.contains("<code>orgadmin</code>") && html.contains("id=\"revoke-orgadmin\""),
            "{html}"
        );
        assert_eq!(app.scalar(bound).await, 1);
        assert_eq!(app.scalar(grants).await, 1);

        // A bad username: the page again (422) with the message by the field; nothing changed.
        for (username, message) in [
            ("nobody", "没有这个账号"),
            ("xihu", "该账号不是社会组织管理员账号"),
            ("", "没有这个账号"),
        ] {
            let r = xihu
                .post(&page)
                .form(&[("_csrf", csrf.as_str()), ("username", username)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{username}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains("id=\"f-username-err\"") && html.contains(message),
                "{username}: {html}"
            );
            assert!(html.contains("aria-invalid=\"true\""));
            assert!(
                html.contains(&format!("value=\"{username}\"")),
                "what was typed is kept"
            );
        }
        assert_eq!(app.scalar(bound).await, 1);
        assert_eq!(app.scalar(grants).await, 1);

        // Another region's officer, and an organization account, are refused; nothing changed.
        let (binjiang, bcsrf) = crate::accounts::browser_login(&app, "binjiang").await;
        let html = crate::page_text(
            &binjiang,
            app.url(&format!("/registry/organizations/{uscc}")),
        )
        .await;
        assert!(!html.contains("id=\"accounts-link\""));
        assert_eq!(
            binjiang.get(&page).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let r = binjiang
            .post(&page)
            .form(&[("_csrf", bcsrf.as_str()), ("username", "orgadmin")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let revoke = format!("{page}/orgadmin/revoke");
        let r = binjiang
            .post(&revoke)
            .form(&[("_csrf", bcsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let (orgadmin, ocsrf) = crate::accounts::browser_login(&app, "orgadmin").await;
        assert_eq!(
            orgadmin.get(&page).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let r = orgadmin
            .post(&revoke)
            .form(&[("_csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.scalar(bound).await, 1);
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'organization.account_revoke'"
            )
            .await,
            0
        );

        // Revoked by its button: gone from the list, audited; a second revoke finds nothing.
        let r = xihu
            .post(&revoke)
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = crate::page_text(&xihu, &page).await;
        assert!(html.contains("id=\"accounts-none\""), "{html}");
        assert_eq!(app.scalar(bound).await, 0);
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'organization.account_revoke'"
            )
            .await,
            1
        );
        let r = xihu
            .post(&revoke)
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        app
    })
    .await;
}
