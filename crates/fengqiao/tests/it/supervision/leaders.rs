//! Leader management (负责人管理, POLICY 九, 十二; DOMAIN.md §3) on both databases: a change of
//! legal representative refused until the departure audit (离任审计) of the sitting one's term is
//! on file, at the boundary of his term's first day; officers' measures (约谈, 责令撤换 with its
//! deadline, 从业禁止 for the rule parameter's years, which registration then asks) and their
//! follow-up; 述职 once a year; bad input by field, nothing stored; other regions, unbound
//! organizations and residents refused; the page's forms keep their input.

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::credit::legal_rep;
use crate::registration::{establishment, id_number, post};
use crate::{TestApp, assert_problem, each_backend};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A registered 社会团体 of 西湖区 whose legal representative 周会长 took office on 2022-05-01,
/// bound to `orgadmin`; its USCC and his person id.
async fn organization_with_rep(app: &TestApp, name: &str, serial: u64) -> (Uuid, String, String) {
    let (org, uscc) = fengqiao::testkit::registered_organization(
        &app.state.db,
        name,
        "330106",
        serial,
        d("2019-01-01"),
    )
    .await
    .unwrap();
    legal_rep(app, org, "周会长", &id_number(1966, 71), d("2022-05-01")).await;
    fengqiao::testkit::act_for(&app.state.db, "orgadmin", org)
        .await
        .unwrap();
    let xihu = app.token("xihu").await;
    let (s, v) = app
        .get_as(
            Some(&xihu),
            &format!("/api/v1/organizations/{uscc}/leadership"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let person = v["leaders"][0]["person_id"].as_str().unwrap().to_string();
    assert_eq!(v["leaders"][0]["name"], "周会长");
    assert!(
        v["leaders"][0].get("id_number_index").is_none(),
        "the keyed hash is never shown: {v}"
    );
    (org, uscc, person)
}

async fn audit(app: &TestApp, token: &str, uscc: &str, body: Value) -> (StatusCode, Value) {
    post(
        app,
        Some(token),
        &format!("/api/v1/organizations/{uscc}/departure-audits"),
        body,
    )
    .await
}

/// DOMAIN.md §3 (离任审计 before a change of legal representative, §2.2–2.4) [H]: the change
/// naming 吴会长 in place of 周会长 is refused at submission by `departure_audit`, nothing
/// changed; an audit dated the day before his term began does not cover it; one dated on its
/// first day does, and the change is submitted. A second audit with the same report number is a
/// 409 on `report_no`; an audit of a leader who is not a legal representative, 422.
#[tokio::test]
async fn a_change_of_legal_representative_waits_for_the_departure_audit() {
    each_backend(|app: TestApp| async move {
        let (_, uscc, person) = organization_with_rep(&app, "西湖区换届协会", 8101).await;
        let orgadmin = app.token("orgadmin").await;
        let persons = json!([{"name": "吴会长", "id_number": id_number(1975, 72), "position": "会长", "is_legal_rep": true}]);
        let (s, a) = post(
            &app,
            Some(&orgadmin),
            "/api/v1/applications",
            json!({"kind": "change", "organization_uscc": uscc, "persons": persons}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();
        let materials: Vec<Value> = a["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["key"].clone())
            .collect();
        let submit_path = format!("/api/v1/applications/{id}/submit");
        let submit = || {
            post(
                &app,
                Some(&orgadmin),
                &submit_path,
                json!({"materials": materials}),
            )
        };
        let got = submit().await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.departure_audit",
            Some("departure_audit"),
        );
        let (_, v) = app
            .get_as(Some(&orgadmin), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(v["state"], "draft", "nothing changed: {v}");

        let body = |no: &str, date: &str| {
            json!({"person_id": person, "auditor": "浙江某会计师事务所", "report_no": no,
                   "report_date": date, "conclusion": "财务收支合规，无重大问题"})
        };
        let (s, v) = audit(&app, &orgadmin, &uscc, body("审2022-01", "2022-04-30")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let got = submit().await;
        assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY, "an earlier term's audit: {}", got.1);
        let got = audit(&app, &orgadmin, &uscc, body("审2022-01", "2026-11-20")).await;
        assert_problem(&got, StatusCode::CONFLICT, "supervision.report_no_taken", Some("report_no"));
        let got = audit(&app, &orgadmin, &uscc, body("审2026-09", "2026-11-28")).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.report_date", Some("report_date"));
        let (s, v) = audit(&app, &orgadmin, &uscc, body("审2022-05", "2022-05-01")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let got = submit().await;
        assert_eq!(got.0, StatusCode::OK, "{}", got.1);
        assert_eq!(got.1["state"], "submitted");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM departure_audits").await, 2);
        app
    })
    .await;
}

async fn action(app: &TestApp, token: &str, uscc: &str, body: Value) -> (StatusCode, Value) {
    post(
        app,
        Some(token),
        &format!("/api/v1/organizations/{uscc}/leader-actions"),
        body,
    )
    .await
}

/// DOMAIN.md §3: 约谈 recorded and closed with its follow-up (empty follow-up 422, closed twice
/// 409); 责令撤换 without its deadline is refused by `due_on`, nothing stored; a 从业禁止 given no
/// end runs the rule parameter's 5 years (supervision.practice_ban.default_term) and bars the
/// person at once: registration refuses him as a leader of a new application.
#[tokio::test]
async fn measures_about_leaders_are_recorded_followed_up_and_a_ban_bars() {
    each_backend(|app: TestApp| async move {
        let (_, uscc, person) = organization_with_rep(&app, "西湖区约谈协会", 8102).await;
        let xihu = app.token("xihu").await;
        let (s, v) = action(&app, &xihu, &uscc, json!({"person_id": person, "kind": "summons",
            "decided_on": "2026-11-20", "document": "西民社约〔2026〕3号", "facts": "未按章程召开理事会",
            "due_on": "2026-11-26"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["overdue"], true, "its deadline passed yesterday: {v}");
        let summons = v["id"].as_str().unwrap().to_string();

        let got = action(&app, &xihu, &uscc, json!({"person_id": person, "kind": "order_replace",
            "decided_on": "2026-11-20", "document": "西民社撤〔2026〕1号", "facts": "拒不整改"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.due_on", Some("due_on"));
        let got = action(&app, &xihu, &uscc, json!({"person_id": Uuid::now_v7(), "kind": "summons",
            "decided_on": "2026-11-20", "document": "x", "facts": "y"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.person_id", Some("person_id"));
        let got = action(&app, &xihu, &uscc, json!({"person_id": person, "kind": "summons",
            "decided_on": "2026-11-28", "document": "x", "facts": "y"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.decided_on", Some("decided_on"));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM leader_actions").await, 1, "nothing stored");

        let close_path = format!("/api/v1/organizations/{uscc}/leader-actions/{summons}/close");
        let close = |body: Value| post(&app, Some(&xihu), &close_path, body);
        let got = close(json!({"follow_up": "  "})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "supervision.follow_up", Some("follow_up"));
        let (s, v) = close(json!({"follow_up": "已召开理事会并报送会议纪要"})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let got = close(json!({"follow_up": "again"})).await;
        assert_eq!(got.0, StatusCode::CONFLICT, "{}", got.1);

        let (s, v) = action(&app, &xihu, &uscc, json!({"person_id": person, "kind": "practice_ban",
            "decided_on": "2026-11-27", "document": "西民社禁〔2026〕1号", "facts": "挪用慈善财产"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["ban_until"], "2031-11-27", "five years on, the corresponding date: {v}");
        let orgadmin = app.token("orgadmin").await;
        let persons = json!([{"name": "周会长", "id_number": id_number(1966, 71), "position": "会长", "is_legal_rep": true}]);
        let got = post(&app, Some(&orgadmin), "/api/v1/applications",
            establishment("西湖区新设协会", "other", persons)).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "registry.barred", Some("persons[0].id_number"));

        let (s, v) = app.get_as(Some(&orgadmin), &format!("/api/v1/organizations/{uscc}/leadership")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let kinds: Vec<&str> = v["actions"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["practice_ban", "summons"]);
        assert_eq!(v["actions"][1]["state"], "done");
        app
    })
    .await;
}

/// Who may do what: an officer of another district, the organization's account and a resident
/// record no measure; an organization account not bound to it reads nothing; 述职 is once a year
/// (409 on `year`) and not for a year to come (422 on `year`).
#[tokio::test]
async fn others_are_refused_and_duty_reports_are_yearly() {
    each_backend(|app: TestApp| async move {
        let (_, uscc, person) = organization_with_rep(&app, "西湖区述职协会", 8103).await;
        let body = json!({"person_id": person, "kind": "summons", "decided_on": "2026-11-20",
            "document": "x", "facts": "y"});
        for who in ["binjiang", "orgadmin", "resident"] {
            let t = app.token(who).await;
            let (s, v) = action(&app, &t, &uscc, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        }
        let (s, _) = app
            .get_as(None, &format!("/api/v1/organizations/{uscc}/leadership"))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (other, other_uscc) = fengqiao::testkit::registered_organization(
            &app.state.db,
            "西湖区别家协会",
            "330106",
            8104,
            d("2019-01-01"),
        )
        .await
        .unwrap();
        let _ = other;
        let orgadmin = app.token("orgadmin").await;
        let (s, _) = app
            .get_as(
                Some(&orgadmin),
                &format!("/api/v1/organizations/{other_uscc}/leadership"),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "not bound to it");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM leader_actions").await, 0);

        let duty = |year: i32| {
            json!({"person_id": person, "year": year, "reported_on": "2026-01-15",
            "summary": "报告年度工作与廉洁自律情况"})
        };
        let path = format!("/api/v1/organizations/{uscc}/duty-reports");
        let (s, v) = post(&app, Some(&orgadmin), &path, duty(2025)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let got = post(&app, Some(&orgadmin), &path, duty(2025)).await;
        assert_problem(
            &got,
            StatusCode::CONFLICT,
            "supervision.year_taken",
            Some("year"),
        );
        let got = post(&app, Some(&orgadmin), &path, duty(2027)).await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "supervision.year",
            Some("year"),
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM duty_reports").await, 1);
        app
    })
    .await;
}

/// The leadership page: the officer's form refused by its field keeps the input (422), no
/// message key shows; filed, the measure is listed.
#[tokio::test]
async fn the_page_keeps_a_refused_form_and_lists_the_measure() {
    each_backend(|app: TestApp| async move {
        let (_, uscc, person) = organization_with_rep(&app, "西湖区页面协会", 8105).await;
        let xihu = app.token("xihu").await;
        let client = TestApp::client();
        let url = app.url(&format!("/supervision/organizations/{uscc}/leader-actions"));
        let mut form = vec![
            ("person_id", person.as_str()),
            ("kind", "order_replace"),
            ("decided_on", "2026-11-20"),
            ("document", "西民社撤〔2026〕2号"),
            ("facts", "秘书长长期不履职"),
            ("due_on", ""),
        ];
        let r = client
            .post(&url)
            .bearer_auth(&xihu)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("data-field=\"due_on\""), "{html}");
        assert!(html.contains("秘书长长期不履职"), "the input is kept");
        assert!(
            !html.contains("supervision.leaders."),
            "a message key is shown: {html}"
        );
        form[5] = ("due_on", "2026-12-31");
        let r = client
            .post(&url)
            .bearer_auth(&xihu)
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
        let html = client
            .get(app.url(&format!("/supervision/organizations/{uscc}/leadership")))
            .bearer_auth(&xihu)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("西民社撤〔2026〕2号"), "{html}");
        assert!(html.contains("责令撤换"), "{html}");
        app
    })
    .await;
}

/// DOMAIN.md §3 and rule 15(5): the regulations' 警告 recorded as a leader action is a penalty on
/// the organization, which is on the 活动异常名录 from the decision's day (the day before, not).
#[tokio::test]
async fn a_warning_is_a_penalty_that_lists_the_organization() {
    each_backend(|app: TestApp| async move {
        let (_, uscc, person) = organization_with_rep(&app, "西湖区警告协会", 8106).await;
        let xihu = app.token("xihu").await;
        let (s, v) = action(&app, &xihu, &uscc, json!({"person_id": person, "kind": "warning",
            "decided_on": "2026-11-20", "document": "西民社罚〔2026〕4号", "facts": "未按规定换届"}))
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let credit = |on: &'static str| {
            let path = format!("/api/v1/organizations/{uscc}/credit?as_of={on}");
            let app = &app;
            async move { app.get_as(None, &path).await.1 }
        };
        let c = credit("2026-11-20").await;
        assert_eq!(c["abnormal"]["since"], "2026-11-20", "{c}");
        assert!(c["abnormal"]["causes"][0]["rule"].as_str().unwrap().contains("15(5)"), "{c}");
        let c = credit("2026-11-19").await;
        assert!(c["abnormal"].is_null(), "{c}");
        app
    })
    .await;
}
