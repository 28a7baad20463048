//! Evaluation grades on both databases, the rules' side (DOMAIN.md §8): scores on the band
//! boundaries, eligibility with its reasons, access, publicity and review, the demo.

use fengqiao::testkit::{act_for, registered_organization};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{apply, d, decide, open_round, org, post, report, score, sheet};
use crate::{TestApp, assert_problem, each_backend};

/// DOMAIN.md §8, score bands as rule parameters (default 5A ≥ 950, 4A ≥ 900, 3A ≥ 850; 以上
/// includes the bound): 950 → 5A, 949 and 900 → 4A, 899 → 3A, 749 → no grade.
#[tokio::test]
async fn scores_on_the_band_boundaries() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let round = open_round(&app, &xihu).await;
        for (i, (total, grade)) in [
            (950, json!("5A")),
            (949, json!("4A")),
            (900, json!("4A")),
            (899, json!("3A")),
            (749, Value::Null),
        ]
        .into_iter()
        .enumerate()
        {
            let (_, uscc) = org(&app, &format!("边界协会{i}"), 710 + i as u64, "2020-03-01").await;
            let a = apply(&app, &xihu, &round, &uscc).await;
            assert_eq!(a.1["state"], "eligible", "{}", a.1);
            let id = a.1["id"].as_str().unwrap().to_string();
            let s = score(&app, &xihu, &id, sheet(total)).await;
            assert_eq!(s.0, StatusCode::OK, "{}", s.1);
            let g = decide(&app, &xihu, &id).await;
            assert_eq!(g.0, StatusCode::CREATED, "{}", g.1);
            assert_eq!(g.1["score"], total);
            assert_eq!(g.1["grade"]["grade"].clone(), grade, "{total}: {}", g.1);
            assert_eq!(
                g.1["state"],
                if grade.is_null() {
                    "not_graded"
                } else {
                    "graded"
                }
            );
        }
        app
    })
    .await;
}

/// DOMAIN.md §8 eligibility: registered ≥ 2 full years (registered 2024-11-28: the corresponding
/// date 2026-11-28 is tomorrow → refused; 2024-11-27 → eligible today), not on the 异常名录, last
/// year's report not failed, not penalized last year — each refused with its reason, stored as
/// refused.
#[tokio::test]
async fn ineligible_organizations_are_refused_with_their_reasons() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let round = open_round(&app, &xihu).await;
        let (_, young) = org(&app, "年轻协会", 720, "2024-11-28").await;
        let r = apply(&app, &xihu, &round, &young).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        assert_eq!(r.1["state"], "refused");
        assert_eq!(r.1["reasons"][0]["code"], "evaluation.registered_too_recently", "{}", r.1);
        assert!(r.1["reasons"][0]["zh"].as_str().unwrap().contains("2026-11-28"));
        let (_, just) = org(&app, "刚满两年协会", 721, "2024-11-27").await;
        assert_eq!(apply(&app, &xihu, &round, &just).await.1["state"], "eligible");

        let (_, listed) = org(&app, "异常协会", 722, "2020-03-01").await;
        let e = post(&app, &xihu, &format!("/api/v1/organizations/{listed}/credit/events"),
            json!({"kind": "listing", "reason_code": "abnormal.unreachable", "occurred_on": "2026-11-01", "document": "西民异〔2026〕1号"})).await;
        assert_eq!(e.0, StatusCode::CREATED, "{}", e.1);
        let r = apply(&app, &xihu, &round, &listed).await;
        assert_eq!(r.1["state"], "refused");
        assert_eq!(r.1["reasons"][0]["code"], "evaluation.on_credit_list", "{}", r.1);

        let (failed_id, failed) = registered_organization(&app.state.db, "不合格协会", "330106", 723, d("2020-03-01")).await.unwrap();
        report(&app, failed_id, "330106", "failed").await;
        let r = apply(&app, &xihu, &round, &failed).await;
        assert_eq!(r.1["reasons"][0]["code"], "evaluation.report_failed", "{}", r.1);
        let (_, none) = registered_organization(&app.state.db, "未报协会", "330106", 724, d("2020-03-01")).await.unwrap();
        let r = apply(&app, &xihu, &round, &none).await;
        assert_eq!(r.1["reasons"][0]["code"], "evaluation.report_missing", "{}", r.1);

        // Penalized last year (a warning of 2025-06-01: its listing on the 异常名录 ran out after
        // six months, the penalty still bars this year's evaluation).
        let (_, warned) = org(&app, "受罚协会", 725, "2020-03-01").await;
        let e = post(&app, &xihu, &format!("/api/v1/organizations/{warned}/credit/events"),
            json!({"kind": "penalty", "penalty_kind": "warning", "occurred_on": "2025-06-01", "document": "西民罚〔2025〕9号"})).await;
        assert_eq!(e.0, StatusCode::CREATED, "{}", e.1);
        let p = apply(&app, &xihu, &round, &warned).await;
        assert_eq!(p.1["state"], "refused");
        assert_eq!(p.1["reasons"].as_array().unwrap().len(), 1, "{}", p.1);
        assert_eq!(p.1["reasons"][0]["code"], "evaluation.penalized", "{}", p.1);

        // A refused application is not scored or decided.
        let id = r.1["id"].as_str().unwrap();
        assert_problem(&score(&app, &xihu, id, sheet(900)).await, StatusCode::CONFLICT, "evaluation.not_open_for_scores", None);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_applications WHERE state = 'refused'").await, 5);
        app
    })
    .await;
}

/// Access: another district's officer neither opens a round for 西湖区 nor draws, scores or
/// decides in one; an org_admin cannot apply for an organization not bound to him; an expert
/// not on the panel cannot score; a bad field is named.
#[tokio::test]
async fn another_districts_officer_and_another_organizations_admin_are_refused() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let orgadmin = app.token("orgadmin").await;
        let r = post(
            &app,
            &binjiang,
            "/api/v1/evaluations/rounds",
            json!({"region_code": "330106", "title": "越权"}),
        )
        .await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        assert_problem(
            &post(
                &app,
                &xihu,
                "/api/v1/evaluations/rounds",
                json!({"region_code": "330106", "title": " "}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation.title",
            Some("title"),
        );
        let round = open_round(&app, &xihu).await;
        let (_, uscc) = org(&app, "他人协会", 730, "2020-03-01").await;
        assert_eq!(
            apply(&app, &orgadmin, &round, &uscc).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            apply(&app, &binjiang, &round, &uscc).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_applications")
                .await,
            0
        );
        let a = apply(&app, &xihu, &round, &uscc).await;
        let id = a.1["id"].as_str().unwrap().to_string();
        assert_eq!(
            post(
                &app,
                &binjiang,
                &format!("/api/v1/evaluations/rounds/{round}/draw"),
                json!({})
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            score(&app, &binjiang, &id, sheet(900)).await.0,
            StatusCode::FORBIDDEN
        );
        let expert_token = app.token("expert").await;
        assert_eq!(
            score(&app, &expert_token, &id, sheet(900)).await.0,
            StatusCode::FORBIDDEN,
            "not on a panel"
        );
        assert_eq!(decide(&app, &binjiang, &id).await.0, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get_as(
                Some(&binjiang),
                &format!("/api/v1/evaluations/rounds/{round}/applications"),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_scores").await,
            0
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_grades").await,
            0
        );
        app
    })
    .await;
}

/// The grade's day arithmetic as the service writes it: publicity in working days, then in
/// force the next day (a rule parameter each, DOMAIN.md §8).
#[tokio::test]
async fn publicity_counts_working_days_and_a_review_is_taken_during_it() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let orgadmin = app.token("orgadmin").await;
        let round = open_round(&app, &xihu).await;
        let (id, uscc) = org(&app, "复核协会", 740, "2020-03-01").await;
        act_for(&app.state.db, "orgadmin", id).await.unwrap();
        let a = apply(&app, &orgadmin, &round, &uscc).await;
        let app_id = a.1["id"].as_str().unwrap().to_string();
        score(&app, &xihu, &app_id, sheet(860)).await;
        let g = decide(&app, &xihu, &app_id).await;
        // Decided Friday 2026-11-27: 7 working days → Tuesday 2026-12-08, in force 12-09.
        assert_eq!(g.1["grade"]["publicity_until"], "2026-12-08", "{}", g.1);
        assert_eq!(g.1["grade"]["in_force_from"], "2026-12-09");
        let grade_id = g.1["grade"]["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/evaluations/grades/{grade_id}/reviews");
        assert_problem(
            &post(&app, &orgadmin, &path, json!({"reason": ""})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation.reason",
            Some("reason"),
        );
        let r = post(
            &app,
            &orgadmin,
            &path,
            json!({"reason": "社会评价得分有误"}),
        )
        .await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        // A grade under review does not come into force by time alone.
        app.clock
            .set(d("2026-12-09").and_hms_opt(1, 0, 0).unwrap().and_utc());
        assert_eq!(
            fengqiao::evaluation::service::apply_transitions(&app.state)
                .await
                .unwrap(),
            0
        );
        let orgadmin = app.token("orgadmin").await;
        assert_problem(
            &post(&app, &orgadmin, &path, json!({"reason": "再次"})).await,
            StatusCode::CONFLICT,
            "evaluation.publicity_over",
            None,
        );
        app
    })
    .await;
}

/// The demo (issue 9 "Demo data"): an expert pool, graded organizations of every grade 1A–5A,
/// one grade expired (not current, not in the register's facets), one round in progress;
/// loading twice adds nothing.
#[tokio::test]
async fn the_demo_has_every_grade_one_expired_an_expert_pool_and_a_round_in_progress() {
    each_backend(|app: TestApp| async move {
        let cx = fengqiao::platform::module::DemoContext {
            db: &app.state.db,
            pii: &app.state.pii,
            scale: fengqiao::platform::module::DemoScale::Small,
            seed: 2018,
            today: d("2026-11-27"),
            quiet: true,
        };
        fengqiao::evaluation::demo::load(&cx).await.unwrap();
        fengqiao::evaluation::demo::load(&cx).await.unwrap();
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_experts").await,
            6
        );
        assert_eq!(
            app.scalar(
                "SELECT COUNT(DISTINCT grade) FROM evaluation_grades WHERE status = 'in_force'"
            )
            .await,
            5
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_grades WHERE status = 'expired'")
                .await,
            1
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_rounds WHERE state = 'open'")
                .await,
            1
        );
        fengqiao::directory::index::catch_up(&app.state.db, &app.state.search)
            .await
            .unwrap();
        let (_, all) = app.get_as(None, "/api/v1/organizations").await;
        assert_eq!(
            all["facets"]["grade"],
            json!({"1A": 1, "2A": 1, "3A": 1, "4A": 1, "5A": 1}),
            "{all}"
        );
        let expired = codes::Uscc::for_serial('1', "330108", 9306).unwrap();
        let (_, v) = app
            .get_as(
                None,
                &format!("/api/v1/evaluations/organizations/{}", expired.as_str()),
            )
            .await;
        assert_eq!(v["current"], Value::Null, "{v}");
        assert_eq!(v["grades"][0]["status"], "expired", "{v}");
        let (s, page) = app.get_as(None, "/evaluations").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.as_str()
                .unwrap()
                .contains("西湖区 2026 年度社会组织评估")
        );
        app
    })
    .await;
}

/// The score sheet form (pages): a bad value is named by its field with the input kept and
/// nothing stored; a good sheet is saved and shown.
#[tokio::test]
async fn the_score_form_names_the_bad_field_and_keeps_the_input() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let round = open_round(&app, &xihu).await;
        let (_, uscc) = org(&app, "表单协会", 750, "2020-03-01").await;
        let a = apply(&app, &xihu, &round, &uscc).await;
        let id = a.1["id"].as_str().unwrap().to_string();
        let url = app.url(&format!("/evaluations/applications/{id}/scores"));
        let send = |form: Vec<(&'static str, &'static str)>| {
            TestApp::client()
                .post(url.clone())
                .bearer_auth(xihu.clone())
                .form(&form)
                .send()
        };
        for (form, field) in [
            (
                vec![
                    ("basic", "九十"),
                    ("governance", "300"),
                    ("performance", "380"),
                    ("social", "120"),
                ],
                "basic",
            ),
            (
                vec![
                    ("basic", "90"),
                    ("governance", "351"),
                    ("performance", "380"),
                    ("social", "120"),
                ],
                "governance",
            ),
        ] {
            let r = send(form).await.unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            assert!(html.contains(&format!("data-field=\"{field}\"")), "{html}");
            assert!(html.contains("value=\"380\""), "the input is kept: {html}");
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_scores").await,
            0
        );
        let r = send(vec![
            ("basic", "90"),
            ("governance", "300"),
            ("performance", "380"),
            ("social", "120"),
        ])
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (s, page) = app
            .get_as(Some(&xihu), &format!("/evaluations/applications/{id}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.as_str().unwrap().contains(">890<"), "{page}");
        // The round's page lists its applications for the region's officers, not for the public.
        let link = format!("/evaluations/applications/{id}");
        let (_, officer) = app
            .get_as(Some(&xihu), &format!("/evaluations/rounds/{round}"))
            .await;
        assert!(officer.as_str().unwrap().contains(&link), "{officer}");
        let (_, public) = app
            .get_as(None, &format!("/evaluations/rounds/{round}"))
            .await;
        assert!(!public.as_str().unwrap().contains(&link), "{public}");
        app
    })
    .await;
}
