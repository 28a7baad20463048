//! Annual reports' deadlines and form (DOMAIN.md §0 rule 14, §4): the late reporters the
//! credit module asks for, at the deadline's boundary; the organization's form, every fault by
//! its field.

use reqwest::StatusCode;

use super::{balanced, d, draft, organization, submit};
use crate::{TestApp, each_backend};

/// DOMAIN.md rule 14 (and rule 15's first trigger): late_reporters names a registered
/// organization with no report once its deadline has passed (not on the deadline day itself),
/// one that first submitted the day after, and not one that submitted on the deadline day, nor
/// a filed community organization, nor one registered after the year.
#[tokio::test]
async fn late_reporters_at_the_deadline_boundary() {
    each_backend(|app: TestApp| async move {
        let (none, _) = organization(&app, "未报送协会", "330106", 7201, "2025-03-01", None).await;
        let (on_day, _) =
            organization(&app, "按期报送协会", "330106", 7202, "2025-03-01", None).await;
        let (after, _) =
            organization(&app, "逾期一日协会", "330106", 7203, "2025-03-01", None).await;
        let (new_org, _) =
            organization(&app, "新登记协会", "330106", 7204, "2026-01-01", None).await;
        let filed = fengqiao::testkit::TestOrganization {
            org_type: "community_org".into(),
            category: "community_service".into(),
            region: "330106004".into(),
            status: "filed".into(),
            registered_on: Some(d("2024-01-01")),
            ..fengqiao::testkit::TestOrganization::new("备案社区社会组织", "330106004")
        }
        .insert(&app.state.db)
        .await
        .unwrap();
        for org in [on_day, after] {
            fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
                .await
                .unwrap();
        }
        // 31 May 2026 is a Sunday: the deadline of the reports on 2025 is Monday 1 June.
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        let orgadmin = app.token("orgadmin").await;
        app.clock.set(at("2026-06-01T08:00:00+08:00"));
        let id = draft(&app, &orgadmin, on_day, 2025).await;
        let (s, v) = submit(&app, &orgadmin, &id, &balanced()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["late"], false);
        app.clock.set(at("2026-06-02T08:00:00+08:00"));
        let id = draft(&app, &orgadmin, after, 2025).await;
        let (s, v) = submit(&app, &orgadmin, &id, &balanced()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["late"], true);
        let late_on = |today: &'static str| {
            let state = app.state.clone();
            async move {
                fengqiao::supervision::late_reporters(&state, d(today))
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|l| l.year == 2025)
                    .map(|l| (l.organization_id, l.deadline))
                    .collect::<Vec<_>>()
            }
        };
        let deadline = d("2026-06-01");
        // The day before and on the deadline: nobody is late yet on 2025.
        assert!(late_on("2026-05-31").await.is_empty());
        assert!(late_on("2026-06-01").await.is_empty());
        // The day after.
        let late = late_on("2026-06-02").await;
        assert!(late.contains(&(none, deadline)), "{late:?}");
        assert!(late.contains(&(after, deadline)), "{late:?}");
        assert!(
            !late.iter().any(|(o, _)| *o == on_day),
            "submitted on the deadline day"
        );
        assert!(
            !late.iter().any(|(o, _)| *o == filed),
            "a filed community organization reports none"
        );
        assert!(
            !late.iter().any(|(o, _)| *o == new_org),
            "registered after 2025"
        );
        // Earlier years: the organizations registered in 2025 owe nothing before.
        let all = fengqiao::supervision::late_reporters(&app.state, d("2026-11-27"))
            .await
            .unwrap();
        assert!(
            all.iter()
                .all(|l| l.year == 2025 || l.organization_id != none),
            "registered in 2025"
        );
        app
    })
    .await;
}

/// The organization's form (DOMAIN.md rule 14, §4): a submission that does not balance comes
/// back with every fault beside its field and the input kept, nothing stored; a good one is
/// submitted; no message key shows.
#[tokio::test]
async fn the_form_shows_every_fault_by_its_field_and_keeps_the_input() {
    each_backend(|app: TestApp| async move {
        let (org, _) = organization(
            &app,
            "西湖区表单测试协会",
            "330106",
            7301,
            "2021-01-01",
            None,
        )
        .await;
        fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
            .await
            .unwrap();
        let orgadmin = app.token("orgadmin").await;
        let client = TestApp::client();
        for path in [
            "/supervision/annual-reports",
            "/supervision/annual-reports/new",
        ] {
            let r = client
                .get(app.url(path))
                .bearer_auth(&orgadmin)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let html = r.text().await.unwrap();
            assert!(
                !html.contains("supervision."),
                "{path}: a message key is shown: {html}"
            );
        }
        let org_id = org.to_string();
        let mut form = vec![
            ("organization_id", org_id.as_str()),
            ("year", "2025"),
            ("activities", "开展活动"),
            ("total_assets_fen", "100.00"),
            ("total_liabilities_fen", "10"),
            ("restricted_net_assets_fen", "20"),
            ("unrestricted_net_assets_fen", "30"),
            ("total_net_assets_fen", "50"),
            ("income_donations_fen", "abc"),
            ("action", "submit"),
        ];
        let r = client
            .post(app.url("/supervision/annual-reports/new"))
            .bearer_auth(&orgadmin)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"f-total_assets_fen-err\""), "{html}");
        assert!(html.contains("id=\"f-income_donations_fen-err\""), "{html}");
        assert!(html.contains("value=\"abc\""), "the input is kept");
        assert!(
            !html.contains("supervision."),
            "a message key is shown: {html}"
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM annual_reports").await, 0);
        form[3] = ("total_assets_fen", "60");
        form[8] = ("income_donations_fen", "0");
        let r = client
            .post(app.url("/supervision/annual-reports/new"))
            .bearer_auth(&orgadmin)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM annual_reports WHERE status = 'submitted'")
                .await,
            1
        );
        app
    })
    .await;
}
