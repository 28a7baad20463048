//! Evaluation grades (issue 9; 社会组织评估管理办法, 民政部令第39号; DOMAIN.md §8) through the API on
//! both databases: a round gives a 4A grade that shows on the public page and in the register's
//! facets once publicity is over; scores on the band boundaries; ineligible organizations refused
//! with their reasons; an over-maximum score refused by its field with nothing stored; a
//! conflicted expert never drawn and the draw re-run from its published seed; access.

use chrono::NaiveDate;
use fengqiao::evaluation::store::{ExpertRow, insert_expert};
use fengqiao::testkit::{act_for, registered_organization};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, assert_problem, each_backend};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Last year's annual report (2025, the test clock being in 2026) with `status`.
async fn report(app: &TestApp, org: Uuid, region: &str, status: &str) {
    let now = chrono::Utc::now();
    let insert = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query("INSERT INTO annual_reports (id, organization_id, region_code, year, version, status, created_at, updated_at) VALUES ($1, $2, $3, 2025, 1, $4, $5, $5)")
                .bind(Uuid::now_v7()).bind(org).bind(region).bind(status).bind(now).execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    insert.await.unwrap();
}

/// A registered organization in 西湖区 of `registered_on`, its 2025 report passed.
async fn org(app: &TestApp, name: &str, serial: u64, registered_on: &str) -> (Uuid, String) {
    let (id, uscc) =
        registered_organization(&app.state.db, name, "330106", serial, d(registered_on))
            .await
            .unwrap();
    report(app, id, "330106", "passed").await;
    (id, uscc)
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.send_as(Method::POST, Some(token), path, &body).await
}

async fn open_round(app: &TestApp, token: &str) -> String {
    let r = post(
        app,
        token,
        "/api/v1/evaluations/rounds",
        json!({"region_code": "330106", "year": 2026, "title": "西湖区 2026 年度社会组织评估"}),
    )
    .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    r.1["id"].as_str().unwrap().to_string()
}

async fn apply(app: &TestApp, token: &str, round: &str, uscc: &str) -> (StatusCode, Value) {
    post(
        app,
        token,
        &format!("/api/v1/evaluations/rounds/{round}/applications"),
        json!({"organization": uscc}),
    )
    .await
}

fn sheet(total: i64) -> Value {
    // 基础条件 ≤ 100, 内部治理 ≤ 350, 工作绩效 ≤ 400, 社会评价 ≤ 150 (社会团体).
    let basic = 100.min(total);
    let governance = 350.min(total - basic);
    let performance = 400.min(total - basic - governance);
    json!({"basic": basic, "governance": governance, "performance": performance,
           "social": total - basic - governance - performance})
}

async fn score(app: &TestApp, token: &str, application: &str, body: Value) -> (StatusCode, Value) {
    app.send_as(
        Method::PUT,
        Some(token),
        &format!("/api/v1/evaluations/applications/{application}/scores"),
        &body,
    )
    .await
}

async fn decide(app: &TestApp, token: &str, application: &str) -> (StatusCode, Value) {
    post(
        app,
        token,
        &format!("/api/v1/evaluations/applications/{application}/decision"),
        json!({}),
    )
    .await
}

async fn expert(app: &TestApp, name: &str, user: Option<Uuid>, ties: &[(Uuid, Option<NaiveDate>)]) -> Uuid {
    let e = ExpertRow {
        id: Uuid::now_v7(),
        name: name.into(),
        fields: "财务".into(),
        region_code: "330000".into(),
        user_id: user,
    };
    let ties: Vec<(Uuid, String, Option<NaiveDate>)> =
        ties.iter().map(|(o, l)| (*o, "理事".to_string(), *l)).collect();
    insert_expert(&app.state.db, chrono::Utc::now(), &e, &ties).await.unwrap();
    e.id
}

async fn user_id(app: &TestApp, username: &str) -> Uuid {
    fengqiao::platform::auth::store::user_by_username(&app.state.db, username)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// DOMAIN.md §8, the "Done when": an org_admin applies, the officer draws the panel
/// (the expert related to the organization never drawn; the draw re-run from the published seed
/// gives the same panel), an expert on the panel scores 915 — in the 4A band (900–949) —, the
/// officer decides; after publicity the 4A shows on the organization's public page and in the
/// register's grade facet; after its last day it is no longer current.
#[tokio::test]
async fn a_round_gives_a_4a_grade_that_shows_on_the_public_page_and_in_the_registers_facets() {
    each_backend(|app: TestApp| async move {
        let (id, uscc) = org(&app, "西湖评估协会", 701, "2020-03-01").await;
        act_for(&app.state.db, "orgadmin", id).await.unwrap();
        let expert_user = user_id(&app, "expert").await;
        let mut pool = vec![expert(&app, "甲专家", Some(expert_user), &[]).await];
        pool.push(expert(&app, "乙专家", None, &[(id, Some(d("2025-12-01")))]).await);
        pool.push(expert(&app, "丙专家", None, &[]).await);
        pool.push(expert(&app, "丁专家", None, &[]).await);
        let conflicted = pool[1];
        // An expert of another district's pool (滨江区) is no candidate for a 西湖区 round.
        let _far = {
            let e = ExpertRow { id: Uuid::now_v7(), name: "戊专家".into(), fields: String::new(), region_code: "330108".into(), user_id: None };
            insert_expert(&app.state.db, chrono::Utc::now(), &e, &[]).await.unwrap();
            e.id
        };

        let xihu = app.token("xihu").await;
        let orgadmin = app.token("orgadmin").await;
        let round = open_round(&app, &xihu).await;
        let a = apply(&app, &orgadmin, &round, &uscc).await;
        assert_eq!(a.0, StatusCode::CREATED, "{}", a.1);
        assert_eq!(a.1["state"], "eligible", "{}", a.1);
        let application = a.1["id"].as_str().unwrap().to_string();
        // One application per organization and round.
        assert_problem(&apply(&app, &xihu, &round, &uscc).await, StatusCode::CONFLICT, "evaluation.already_applied", Some("organization"));

        let drawn = post(&app, &xihu, &format!("/api/v1/evaluations/rounds/{round}/draw"), json!({})).await;
        assert_eq!(drawn.0, StatusCode::CREATED, "{}", drawn.1);
        let panel: Vec<String> = drawn.1["panel"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(panel.len(), 3);
        assert!(!panel.contains(&conflicted.to_string()), "a conflicted expert is never drawn");
        assert!(panel.contains(&expert_user_expert(&pool)), "{panel:?}");
        // Drawing again changes nothing.
        assert_problem(&post(&app, &xihu, &format!("/api/v1/evaluations/rounds/{round}/draw"), json!({})).await, StatusCode::CONFLICT, "evaluation.already_drawn", None);
        // The public round page publishes the seed and the candidates: re-running the draw gives
        // the same panel, in the same order.
        let (s, published) = app.get_as(None, &format!("/api/v1/evaluations/rounds/{round}")).await;
        assert_eq!(s, StatusCode::OK, "{published}");
        let seed = hex::decode(published["seed"].as_str().unwrap()).unwrap();
        let candidates: Vec<String> = serde_json::from_str(published["candidates"].as_str().unwrap()).unwrap();
        assert_eq!(candidates.len(), 3, "the related expert and the far one are no candidates");
        assert_eq!(fengqiao::platform::draw::draw(&seed, &candidates, 3), panel);

        // Scores: over an indicator's maximum → 422 by its field, nothing stored.
        let expert_token = app.token("expert").await;
        let mut over = sheet(915);
        over["basic"] = json!(101);
        assert_problem(&score(&app, &expert_token, &application, over).await, StatusCode::UNPROCESSABLE_ENTITY, "evaluation.basic", Some("basic"));
        let mut missing = sheet(915);
        missing.as_object_mut().unwrap().remove("social");
        assert_problem(&score(&app, &expert_token, &application, missing).await, StatusCode::UNPROCESSABLE_ENTITY, "evaluation.social", Some("social"));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_scores").await, 0);
        let s = score(&app, &expert_token, &application, sheet(915)).await;
        assert_eq!(s.0, StatusCode::OK, "{}", s.1);
        assert_eq!(s.1["score"], 915);

        let g = decide(&app, &xihu, &application).await;
        assert_eq!(g.0, StatusCode::CREATED, "{}", g.1);
        assert_eq!(g.1["state"], "graded");
        assert_eq!(g.1["grade"]["grade"], "4A", "{}", g.1);
        assert_eq!(g.1["grade"]["valid_until"], "2031-11-27");
        // Two decisions give one grade.
        assert_problem(&decide(&app, &xihu, &application).await, StatusCode::CONFLICT, "evaluation.not_open_for_decision", None);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_grades").await, 1);
        // The organization's account is told.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'evaluation_decided'").await, 1);

        // During publicity the grade is not yet in force.
        let path = format!("/api/v1/evaluations/organizations/{uscc}");
        assert_eq!(app.get_as(None, &path).await.1["current"], Value::Null);
        let in_force_from: NaiveDate = g.1["grade"]["in_force_from"].as_str().unwrap().parse().unwrap();
        app.clock.set(in_force_from.and_hms_opt(1, 0, 0).unwrap().and_utc());
        assert_eq!(fengqiao::evaluation::service::apply_transitions(&app.state).await.unwrap(), 1);
        assert_eq!(fengqiao::evaluation::service::apply_transitions(&app.state).await.unwrap(), 0, "a grade moves once");
        fengqiao::directory::index::catch_up(&app.state.db, &app.state.search).await.unwrap();

        let (s, current) = app.get_as(None, &path).await;
        assert_eq!(s, StatusCode::OK, "{current}");
        assert_eq!(current["current"]["grade"], "4A", "{current}");
        let (s, found) = app.get_as(None, "/api/v1/organizations?grade=4A").await;
        assert_eq!(s, StatusCode::OK, "{found}");
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(found["items"][0]["uscc"], uscc.as_str());
        assert_eq!(found["items"][0]["grade"], "4A");
        assert_eq!(found["facets"]["grade"]["4A"], 1, "{found}");
        let (_, all) = app.get_as(None, "/api/v1/organizations").await;
        assert_eq!(all["facets"]["grade"], json!({"4A": 1}), "{all}");
        let html = crate::page_text(&TestApp::client(), app.url(&format!("/registry/organizations/{uscc}"))).await;
        assert!(html.contains("id=\"evaluation-grade\""), "{html}");
        assert!(html.contains(">4A</a>"), "{html}");

        // The day after its last day the grade is history, not current.
        let (_, on_last) = app.get_as(None, &format!("{path}?as_of=2031-11-27")).await;
        assert_eq!(on_last["current"]["grade"], "4A");
        let (_, after) = app.get_as(None, &format!("{path}?as_of=2031-11-28")).await;
        assert_eq!(after["current"], Value::Null, "{after}");
        app.clock.set(d("2031-11-28").and_hms_opt(1, 0, 0).unwrap().and_utc());
        assert_eq!(fengqiao::evaluation::service::apply_transitions(&app.state).await.unwrap(), 1);
        fengqiao::directory::index::catch_up(&app.state.db, &app.state.search).await.unwrap();
        let (_, gone) = app.get_as(None, "/api/v1/organizations?grade=4A").await;
        assert_eq!(gone["total"], 0, "{gone}");
        app
    })
    .await;
}

fn expert_user_expert(pool: &[Uuid]) -> String {
    pool[0].to_string()
}

/// DOMAIN.md §8, score bands as rule parameters (default 5A ≥ 950, 4A ≥ 900, 3A ≥ 850; 以上
/// includes the bound): 950 → 5A, 949 and 900 → 4A, 899 → 3A, 749 → no grade.
#[tokio::test]
async fn scores_on_the_band_boundaries() {
    each_backend(|app: TestApp| async move {
        let xihu = app.token("xihu").await;
        let round = open_round(&app, &xihu).await;
        for (i, (total, grade)) in [(950, json!("5A")), (949, json!("4A")), (900, json!("4A")), (899, json!("3A")), (749, Value::Null)]
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
            assert_eq!(g.1["state"], if grade.is_null() { "not_graded" } else { "graded" });
        }
        app
    })
    .await;
}

/// DOMAIN.md §8 eligibility: registered ≥ 2 full years (registered 2024-11-28: the corresponding
/// date 2026-11-28 is tomorrow → refused; 2024-11-27 → eligible today), not on the 异常名录, last
/// year's report not failed — each refused with its reason, stored as refused.
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

        // A refused application is not scored or decided.
        let id = r.1["id"].as_str().unwrap();
        assert_problem(&score(&app, &xihu, id, sheet(900)).await, StatusCode::CONFLICT, "evaluation.not_open_for_scores", None);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_applications WHERE state = 'refused'").await, 4);
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
        let r = post(&app, &binjiang, "/api/v1/evaluations/rounds", json!({"region_code": "330106", "title": "越权"})).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
        assert_problem(&post(&app, &xihu, "/api/v1/evaluations/rounds", json!({"region_code": "330106", "title": " "})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "evaluation.title", Some("title"));
        let round = open_round(&app, &xihu).await;
        let (_, uscc) = org(&app, "他人协会", 730, "2020-03-01").await;
        assert_eq!(apply(&app, &orgadmin, &round, &uscc).await.0, StatusCode::FORBIDDEN);
        assert_eq!(apply(&app, &binjiang, &round, &uscc).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_applications").await, 0);
        let a = apply(&app, &xihu, &round, &uscc).await;
        let id = a.1["id"].as_str().unwrap().to_string();
        assert_eq!(post(&app, &binjiang, &format!("/api/v1/evaluations/rounds/{round}/draw"), json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(score(&app, &binjiang, &id, sheet(900)).await.0, StatusCode::FORBIDDEN);
        let expert_token = app.token("expert").await;
        assert_eq!(score(&app, &expert_token, &id, sheet(900)).await.0, StatusCode::FORBIDDEN, "not on a panel");
        assert_eq!(decide(&app, &binjiang, &id).await.0, StatusCode::FORBIDDEN);
        let (s, _) = app.get_as(Some(&binjiang), &format!("/api/v1/evaluations/rounds/{round}/applications")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_scores").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_grades").await, 0);
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
        assert_problem(&post(&app, &orgadmin, &path, json!({"reason": ""})).await, StatusCode::UNPROCESSABLE_ENTITY, "evaluation.reason", Some("reason"));
        let r = post(&app, &orgadmin, &path, json!({"reason": "社会评价得分有误"})).await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        // A grade under review does not come into force by time alone.
        app.clock.set(d("2026-12-09").and_hms_opt(1, 0, 0).unwrap().and_utc());
        assert_eq!(fengqiao::evaluation::service::apply_transitions(&app.state).await.unwrap(), 0);
        let orgadmin = app.token("orgadmin").await;
        assert_problem(&post(&app, &orgadmin, &path, json!({"reason": "再次"})).await, StatusCode::CONFLICT, "evaluation.publicity_over", None);
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
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_experts").await, 6);
        assert_eq!(app.scalar("SELECT COUNT(DISTINCT grade) FROM evaluation_grades WHERE status = 'in_force'").await, 5);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_grades WHERE status = 'expired'").await, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM evaluation_rounds WHERE state = 'open'").await, 1);
        fengqiao::directory::index::catch_up(&app.state.db, &app.state.search).await.unwrap();
        let (_, all) = app.get_as(None, "/api/v1/organizations").await;
        assert_eq!(all["facets"]["grade"], json!({"1A": 1, "2A": 1, "3A": 1, "4A": 1, "5A": 1}), "{all}");
        let expired = codes::Uscc::for_serial('1', "330108", 9306).unwrap();
        let (_, v) = app.get_as(None, &format!("/api/v1/evaluations/organizations/{}", expired.as_str())).await;
        assert_eq!(v["current"], Value::Null, "{v}");
        assert_eq!(v["grades"][0]["status"], "expired", "{v}");
        let (s, page) = app.get_as(None, "/evaluations").await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.as_str().unwrap().contains("西湖区 2026 年度社会组织评估"));
        app
    })
    .await;
}
