//! The charity pages: forms with the error by its field, the decision form, the public plan page.

use reqwest::StatusCode;
use serde_json::json;

use super::{org, post, qualified_charity};
use crate::{TestApp, each_backend};

#[tokio::test]
async fn pages_show_the_forms_and_errors_by_their_field() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = qualified_charity(&app).await;
        let client = TestApp::client();
        let page = |path: &str| client.get(app.url(path)).bearer_auth(&org_admin).send();
        for path in [
            "/charity",
            "/charity/apply",
            "/charity/plans/new",
            "/charity/plans",
        ] {
            let r = page(path).await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let html = r.text().await.unwrap();
            assert!(
                !html.contains("charity."),
                "{path}: a message key is shown: {html}"
            );
        }
        let home = page("/charity").await.unwrap().text().await.unwrap();
        assert!(
            home.contains(&uscc),
            "the org_admin sees his region's charities"
        );
        // A bad amount comes back beside its field (bearer requests carry no CSRF token).
        let r = client
            .post(app.url("/charity/plans/new"))
            .bearer_auth(&org_admin)
            .form(&[
                ("organization_uscc", uscc.as_str()),
                ("title", "t"),
                ("purpose", "p"),
                ("target_yuan", "1.001"),
                ("starts_on", "2026-12-07"),
                ("ends_on", "2026-12-31"),
                ("region_code", "330106"),
                ("beneficiaries", "b"),
                ("budget", "b"),
                ("contact", "c"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"f-target_yuan-err\""), "{html}");
        let r = client
            .post(app.url("/charity/plans/new"))
            .bearer_auth(&org_admin)
            .form(&[
                ("organization_uscc", uscc.as_str()),
                ("title", "t"),
                ("purpose", "p"),
                ("target_yuan", "1000"),
                ("starts_on", "2026-12-07"),
                ("ends_on", "2026-12-31"),
                ("region_code", "330106"),
                ("beneficiaries", "b"),
                ("budget", "b"),
                ("contact", "c"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/charity/plans/"), "{to}");
        let r = client.get(app.url(&to)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("浙民募备[2026]0001"));
        // The officer decides through the page: a refusal without reasons comes back by its field.
        let (_, candidate) = org(&app, "330106", "foundation", "registered", "助学").await;
        let (s, a) = post(
            &app,
            Some(&org_admin),
            "/api/v1/charity/applications",
            json!({"kind": "recognition", "organization_uscc": candidate}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap();
        let xihu = app.token("xihu").await;
        let home = client
            .get(app.url("/charity"))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            home.contains(&format!("/charity/applications/{id}")),
            "{home}"
        );
        let html = client
            .get(app.url(&format!("/charity/applications/{id}")))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("id=\"do-approve\"") && html.contains("data-check=\"registered\""),
            "{html}"
        );
        let r = client
            .post(app.url(&format!("/charity/applications/{id}/decide")))
            .bearer_auth(&xihu)
            .form(&[("decision", "refuse"), ("reasons", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("id=\"f-reasons-err\""));
        let r = client
            .post(app.url(&format!("/charity/applications/{id}/decide")))
            .bearer_auth(&xihu)
            .form(&[("decision", "approve"), ("reasons", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = client
            .get(app.url(&format!("/charity/applications/{id}")))
            .bearer_auth(&org_admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("id=\"app-state\"") && !html.contains("id=\"do-approve\""),
            "{html}"
        );
        // Residents have no supervision page.
        let resident = app.token("resident").await;
        let r = client
            .get(app.url("/charity/supervision"))
            .bearer_auth(&resident)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        app
    })
    .await;
}
