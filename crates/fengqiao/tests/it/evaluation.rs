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

mod forms;
mod rules;

pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Last year's annual report (2025, the test clock being in 2026) with `status`.
pub(super) async fn report(app: &TestApp, org: Uuid, region: &str, status: &str) {
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
pub(super) async fn org(
    app: &TestApp,
    name: &str,
    serial: u64,
    registered_on: &str,
) -> (Uuid, String) {
    let (id, uscc) =
        registered_organization(&app.state.db, name, "330106", serial, d(registered_on))
            .await
            .unwrap();
    report(app, id, "330106", "passed").await;
    (id, uscc)
}

pub(super) async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.send_as(Method::POST, Some(token), path, &body).await
}

pub(super) async fn open_round(app: &TestApp, token: &str) -> String {
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

pub(super) async fn apply(
    app: &TestApp,
    token: &str,
    round: &str,
    uscc: &str,
) -> (StatusCode, Value) {
    post(
        app,
        token,
        &format!("/api/v1/evaluations/rounds/{round}/applications"),
        json!({"organization": uscc}),
    )
    .await
}

pub(super) fn sheet(total: i64) -> Value {
    // 基础条件 ≤ 100, 内部治理 ≤ 350, 工作绩效 ≤ 400, 社会评价 ≤ 150 (社会团体).
    let basic = 100.min(total);
    let governance = 350.min(total - basic);
    let performance = 400.min(total - basic - governance);
    json!({"basic": basic, "governance": governance, "performance": performance,
           "social": total - basic - governance - performance})
}

pub(super) async fn score(
    app: &TestApp,
    token: &str,
    application: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.send_as(
        Method::PUT,
        Some(token),
        &format!("/api/v1/evaluations/applications/{application}/scores"),
        &body,
    )
    .await
}

pub(super) async fn decide(app: &TestApp, token: &str, application: &str) -> (StatusCode, Value) {
    post(
        app,
        token,
        &format!("/api/v1/evaluations/applications/{application}/decision"),
        json!({}),
    )
    .await
}

async fn expert(
    app: &TestApp,
    name: &str,
    user: Option<Uuid>,
    ties: &[(Uuid, Option<NaiveDate>)],
) -> Uuid {
    let e = ExpertRow {
        id: Uuid::now_v7(),
        name: name.into(),
        fields: "财务".into(),
        region_code: "330000".into(),
        user_id: user,
    };
    let ties: Vec<(Uuid, String, Option<NaiveDate>)> = ties
        .iter()
        .map(|(o, l)| (*o, "理事".to_string(), *l))
        .collect();
    insert_expert(&app.state.db, chrono::Utc::now(), &e, &ties)
        .await
        .unwrap();
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
            let e = ExpertRow {
                id: Uuid::now_v7(),
                name: "戊专家".into(),
                fields: String::new(),
                region_code: "330108".into(),
                user_id: None,
            };
            insert_expert(&app.state.db, chrono::Utc::now(), &e, &[])
                .await
                .unwrap();
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
        assert_problem(
            &apply(&app, &xihu, &round, &uscc).await,
            StatusCode::CONFLICT,
            "evaluation.already_applied",
            Some("organization"),
        );

        let drawn = post(
            &app,
            &xihu,
            &format!("/api/v1/evaluations/rounds/{round}/draw"),
            json!({}),
        )
        .await;
        assert_eq!(drawn.0, StatusCode::CREATED, "{}", drawn.1);
        let panel: Vec<String> = drawn.1["panel"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(panel.len(), 3);
        assert!(
            !panel.contains(&conflicted.to_string()),
            "a conflicted expert is never drawn"
        );
        assert!(panel.contains(&expert_user_expert(&pool)), "{panel:?}");
        // Drawing again changes nothing.
        assert_problem(
            &post(
                &app,
                &xihu,
                &format!("/api/v1/evaluations/rounds/{round}/draw"),
                json!({}),
            )
            .await,
            StatusCode::CONFLICT,
            "evaluation.already_drawn",
            None,
        );
        // The public round page publishes the seed and the candidates: re-running the draw gives
        // the same panel, in the same order.
        let (s, published) = app
            .get_as(None, &format!("/api/v1/evaluations/rounds/{round}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{published}");
        let seed = hex::decode(published["seed"].as_str().unwrap()).unwrap();
        let candidates: Vec<String> =
            serde_json::from_str(published["candidates"].as_str().unwrap()).unwrap();
        assert_eq!(
            candidates.len(),
            3,
            "the related expert and the far one are no candidates"
        );
        assert_eq!(fengqiao::platform::draw::draw(&seed, &candidates, 3), panel);

        // Scores: over an indicator's maximum → 422 by its field, nothing stored.
        let expert_token = app.token("expert").await;
        let mut over = sheet(915);
        over["basic"] = json!(101);
        assert_problem(
            &score(&app, &expert_token, &application, over).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation.basic",
            Some("basic"),
        );
        let mut missing = sheet(915);
        missing.as_object_mut().unwrap().remove("social");
        assert_problem(
            &score(&app, &expert_token, &application, missing).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation.social",
            Some("social"),
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_scores").await,
            0
        );
        let s = score(&app, &expert_token, &application, sheet(915)).await;
        assert_eq!(s.0, StatusCode::OK, "{}", s.1);
        assert_eq!(s.1["score"], 915);

        let g = decide(&app, &xihu, &application).await;
        assert_eq!(g.0, StatusCode::CREATED, "{}", g.1);
        assert_eq!(g.1["state"], "graded");
        assert_eq!(g.1["grade"]["grade"], "4A", "{}", g.1);
        assert_eq!(g.1["grade"]["valid_until"], "2031-11-27");
        // Two decisions give one grade.
        assert_problem(
            &decide(&app, &xihu, &application).await,
            StatusCode::CONFLICT,
            "evaluation.not_open_for_decision",
            None,
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM evaluation_grades").await,
            1
        );
        // The organization's account is told.
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'evaluation_decided'")
                .await,
            1
        );

        // During publicity the grade is not yet in force.
        let path = format!("/api/v1/evaluations/organizations/{uscc}");
        assert_eq!(app.get_as(None, &path).await.1["current"], Value::Null);
        let in_force_from: NaiveDate = g.1["grade"]["in_force_from"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        app.clock
            .set(in_force_from.and_hms_opt(1, 0, 0).unwrap().and_utc());
        assert_eq!(
            fengqiao::evaluation::service::apply_transitions(&app.state)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            fengqiao::evaluation::service::apply_transitions(&app.state)
                .await
                .unwrap(),
            0,
            "a grade moves once"
        );
        fengqiao::directory::index::catch_up(&app.state.db, &app.state.search)
            .await
            .unwrap();

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
        // The register's page: the grade facet links to the filter, which finds it.
        let register = crate::page_text(&TestApp::client(), app.url("/register")).await;
        assert!(register.contains("id=\"facet-grade\""), "{register}");
        assert!(
            register.contains("href=\"/register?grade=4A\""),
            "{register}"
        );
        let filtered = crate::page_text(&TestApp::client(), app.url("/register?grade=4A")).await;
        assert!(filtered.contains("西湖评估协会"), "{filtered}");
        let html = crate::page_text(
            &TestApp::client(),
            app.url(&format!("/registry/organizations/{uscc}")),
        )
        .await;
        assert!(html.contains("id=\"evaluation-grade\""), "{html}");
        assert!(html.contains(">4A</a>"), "{html}");
        // The credit record carries it as well (令第60号's 其他信息), until its last day.
        let credit = format!("/api/v1/organizations/{uscc}/credit");
        let (_, c) = app
            .get_as(None, &format!("{credit}?as_of=2031-11-27"))
            .await;
        assert_eq!(c["grade"], "4A", "{c}");
        assert_eq!(c["grade_valid_until"], "2031-11-27", "{c}");
        let (_, c) = app
            .get_as(None, &format!("{credit}?as_of=2031-11-28"))
            .await;
        assert!(c["grade"].is_null(), "{c}");

        // The day after its last day the grade is history, not current.
        let (_, on_last) = app.get_as(None, &format!("{path}?as_of=2031-11-27")).await;
        assert_eq!(on_last["current"]["grade"], "4A");
        let (_, after) = app.get_as(None, &format!("{path}?as_of=2031-11-28")).await;
        assert_eq!(after["current"], Value::Null, "{after}");
        app.clock
            .set(d("2031-11-28").and_hms_opt(1, 0, 0).unwrap().and_utc());
        assert_eq!(
            fengqiao::evaluation::service::apply_transitions(&app.state)
                .await
                .unwrap(),
            1
        );
        fengqiao::directory::index::catch_up(&app.state.db, &app.state.search)
            .await
            .unwrap();
        let (_, gone) = app.get_as(None, "/api/v1/organizations?grade=4A").await;
        assert_eq!(gone["total"], 0, "{gone}");
        app
    })
    .await;
}

fn expert_user_expert(pool: &[Uuid]) -> String {
    pool[0].to_string()
}
