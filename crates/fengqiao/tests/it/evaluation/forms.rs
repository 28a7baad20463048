//! The officers' evaluation forms (DOMAIN.md §8) on the pages: opening a round (a bad year is
//! refused by its field, the input kept, nothing stored), enrolling an organization, drawing
//! the panel, and deciding a scored application, each through the same service as the API.

use reqwest::StatusCode;

use super::{org, score, sheet};
use crate::{TestApp, each_backend};

#[tokio::test]
async fn an_officer_runs_a_round_from_the_pages() {
    each_backend(|app: TestApp| async move {
        let (_, uscc) = org(&app, "西湖区页面评估协会", 9301, "2020-01-01").await;
        let xihu = app.token("xihu").await;
        let client = TestApp::client();
        let post = |path: &str, form: Vec<(&'static str, String)>| {
            client
                .post(app.url(path))
                .bearer_auth(&xihu)
                .form(&form)
                .send()
        };
        let html = client
            .get(app.url("/evaluations"))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"round-form\""), "{html}");
        assert!(
            html.contains("value=\"330106\""),
            "his region is offered: {html}"
        );
        let anonymous = crate::page_text(&TestApp::client(), app.url("/evaluations")).await;
        assert!(
            !anonymous.contains("id=\"round-form\""),
            "no form for the public"
        );

        let bad = vec![
            ("region_code", "330106".to_string()),
            ("year", "二〇二六".to_string()),
            ("title", "西湖区页面评估".to_string()),
        ];
        let r = post("/evaluations", bad).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("data-field=\"year\""), "{html}");
        assert!(html.contains("西湖区页面评估"), "the input is kept");
        assert!(!html.contains("evaluation."), "a message key shows: {html}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_rounds").await,
            0
        );

        let good = vec![
            ("region_code", "330106".to_string()),
            ("year", "2026".to_string()),
            ("title", "西湖区页面评估".to_string()),
        ];
        let r = post("/evaluations", good).await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let round = r.headers()["location"].to_str().unwrap().to_string();
        let id = round.rsplit('/').next().unwrap().to_string();

        let r = post(
            &format!("{round}/applications"),
            vec![("organization", uscc.clone())],
        )
        .await
        .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let r = post(
            &format!("{round}/applications"),
            vec![("organization", uscc.clone())],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "enrolled once");
        let r = post(&format!("{round}/draw"), vec![]).await.unwrap();
        assert!(
            matches!(
                r.status(),
                StatusCode::SEE_OTHER | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ),
            "the draw answers: {}",
            r.status()
        );
        let application: String =
            fengqiao::with_db!(&app.state.db, pool => sqlx::query_scalar::<_, uuid::Uuid>(
            "SELECT id FROM evaluation_applications WHERE round_id = $1")
            .bind(uuid::Uuid::parse_str(&id).unwrap()).fetch_one(pool).await.unwrap())
            .to_string();
        let (s, v) = score(&app, &xihu, &application, sheet(915)).await;
        assert!(s.is_success(), "{v}");
        let page = format!("/evaluations/applications/{application}");
        let html = client
            .get(app.url(&page))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"decide-form\""), "{html}");
        let r = post(&format!("{page}/decision"), vec![]).await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let html = client
            .get(app.url(&page))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("4A"), "{html}");
        assert!(!html.contains("id=\"decide-form\""), "decided once");
        app
    })
    .await;
}
