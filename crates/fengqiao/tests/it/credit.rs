//! Credit lists (issue 9; 民政部令第60号; DOMAIN.md §0 rules 15–21, §5) through the API on both
//! databases: automatic listing for a late annual report, removal on a verified rectification
//! with the history kept public, the move to the serious list after two years and its leader
//! refused as a leader of a new application, penalties at the fine threshold, bad input and
//! access.

use chrono::NaiveDate;
use fengqiao::credit::LateReport;
use fengqiao::testkit::registered_organization;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::registration::{establishment, id_number, post};
use crate::{TestApp, assert_problem, each_backend};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn event(app: &TestApp, token: &str, uscc: &str, body: Value) -> (StatusCode, Value) {
    app.send_as(
        Method::POST,
        Some(token),
        &format!("/api/v1/organizations/{uscc}/credit/events"),
        &body,
    )
    .await
}

async fn credit(app: &TestApp, uscc: &str, as_of: &str) -> Value {
    let (s, v) = app
        .get_as(
            None,
            &format!("/api/v1/organizations/{uscc}/credit?as_of={as_of}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn listed(app: &TestApp, list: &str) -> Value {
    let (s, v) = app.get_as(None, &format!("/api/v1/credit/{list}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// Rules 15(1) and 16: a report not filed by its deadline lists the organization automatically
/// from the next day, once however often the run repeats; a verified rectification removes it
/// that day, and what it was stays public as of any past date.
#[tokio::test]
async fn a_late_report_lists_automatically_and_a_verified_rectification_removes_it() {
    each_backend(|app: TestApp| async move {
        let (id, uscc) =
            registered_organization(&app.state.db, "晚报协会", "330106", 501, d("2020-03-01"))
                .await
                .unwrap();
        let late = [LateReport {
            organization_id: id,
            year: 2025,
            deadline: d("2026-06-01"),
        }];
        assert_eq!(
            fengqiao::credit::list_late_reports(&app.state, &late)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            fengqiao::credit::list_late_reports(&app.state, &late)
                .await
                .unwrap(),
            0
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM credit_events").await, 1);

        let l = listed(&app, "abnormal").await;
        assert_eq!(l["total"], 1, "{l}");
        assert_eq!(l["items"][0]["uscc"], uscc.as_str());
        assert_eq!(l["items"][0]["listed_on"], "2026-06-02");
        assert_eq!(l["items"][0]["reason_code"], "abnormal.late_annual_report");
        assert!(
            l["items"][0]["rule"]
                .as_str()
                .unwrap()
                .contains("rule 15(1)")
        );
        assert!(credit(&app, &uscc, "2026-06-01").await["abnormal"].is_null());
        assert!(!credit(&app, &uscc, "2026-06-02").await["abnormal"].is_null());
        let (_, org) = app
            .get_as(None, &format!("/api/v1/organizations/{uscc}"))
            .await;
        assert_eq!(org["credit_status"], "abnormal");

        let xihu = app.token("xihu").await;
        let got = event(
            &app,
            &xihu,
            &uscc,
            json!({"kind": "rectified", "occurred_on": "2026-11-27", "note": "已补报并核实"}),
        )
        .await;
        assert_eq!(got.0, StatusCode::CREATED, "{}", got.1);
        assert_eq!(listed(&app, "abnormal").await["total"], 0);
        let now = credit(&app, &uscc, "2026-11-27").await;
        assert!(now["abnormal"].is_null(), "{now}");
        assert_eq!(now["history"][0]["ending"], "rectified");
        assert_eq!(now["history"][0]["until"], "2026-11-27");
        let past = credit(&app, &uscc, "2026-11-26").await;
        assert_eq!(
            past["abnormal"]["causes"][0]["reason_code"],
            "abnormal.late_annual_report"
        );
        let (_, org) = app
            .get_as(None, &format!("/api/v1/organizations/{uscc}"))
            .await;
        assert_eq!(org["credit_status"], "none");
        // A rectification when nothing is listed is refused and stores nothing.
        let again = event(
            &app,
            &xihu,
            &uscc,
            json!({"kind": "rectified", "occurred_on": "2026-11-27"}),
        )
        .await;
        assert_problem(&again, StatusCode::CONFLICT, "credit.not_listed", None);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM credit_events").await, 2);
        app
    })
    .await;
}

/// Puts `name` (by identity number) in office as legal representative of the organization
/// since `since`, as the registry would have.
pub(crate) async fn legal_rep(
    app: &TestApp,
    org: uuid::Uuid,
    name: &str,
    id: &str,
    since: NaiveDate,
) {
    fengqiao::testkit::legal_representative(&app.state.db, &app.state.pii, org, (name, id), since)
        .await
        .unwrap();
}

/// Rules 17 and §3: two years on the abnormal list moves the organization to the serious list on
/// the corresponding date (a day short, it stays abnormal), and its legal representative is then
/// refused as a leader of a new application, the reason naming the organization.
#[tokio::test]
async fn two_years_abnormal_is_the_blacklist_and_bars_its_legal_representative() {
    each_backend(|app: TestApp| async move {
        let db = &app.state.db;
        let (moved, moved_uscc) =
            registered_organization(db, "失联协会", "330106", 502, d("2019-01-01"))
                .await
                .unwrap();
        let (_, short_uscc) =
            registered_organization(db, "差一天协会", "330106", 503, d("2019-01-01"))
                .await
                .unwrap();
        let rep = id_number(1968, 61);
        legal_rep(&app, moved, "孙会长", &rep, d("2019-01-01")).await;
        let xihu = app.token("xihu").await;
        for (uscc, on) in [(&moved_uscc, "2024-11-27"), (&short_uscc, "2024-11-28")] {
            let got = event(
                &app,
                &xihu,
                uscc,
                json!({
                "kind": "listing", "reason_code": "abnormal.unreachable", "occurred_on": on,
                "document": "西民社异〔2024〕1号", "authority": "西湖区民政局"}),
            )
            .await;
            assert_eq!(got.0, StatusCode::CREATED, "{}", got.1);
        }
        let black = listed(&app, "blacklist").await;
        assert_eq!(black["total"], 1, "{black}");
        assert_eq!(black["items"][0]["uscc"], moved_uscc.as_str());
        assert_eq!(
            black["items"][0]["reason_code"],
            "serious.abnormal_two_years"
        );
        assert_eq!(black["items"][0]["listed_on"], "2026-11-27");
        let abnormal = listed(&app, "abnormal").await;
        assert_eq!(abnormal["total"], 1);
        assert_eq!(abnormal["items"][0]["uscc"], short_uscc.as_str());
        let c = credit(&app, &short_uscc, "2026-11-28").await;
        assert_eq!(c["serious"]["since"], "2026-11-28");

        let orgadmin = app.token("orgadmin").await;
        let persons =
            json!([{"name": "孙会长", "id_number": rep, "position": "会长", "is_legal_rep": true}]);
        let got = post(
            &app,
            Some(&orgadmin),
            "/api/v1/applications",
            establishment("新设协会", "other", persons),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "registry.barred",
            Some("persons[0].id_number"),
        );
        assert!(
            got.1["message"]["zh"]
                .as_str()
                .unwrap()
                .contains("失联协会"),
            "{}",
            got.1
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM applications").await, 0);
        app
    })
    .await;
}

/// Rules 15(5), 18 and 19: a fine of ¥50,000 is a serious listing, ¥49,999.99 an abnormal one;
/// removal before two years is refused; a revocation leaves only by deregistration.
#[tokio::test]
async fn penalties_list_by_the_fine_threshold_and_removal_waits_two_years() {
    each_backend(|app: TestApp| async move {
        let db = &app.state.db;
        let (_, big) = registered_organization(db, "大额罚款协会", "330106", 504, d("2019-01-01")).await.unwrap();
        let (_, small) = registered_organization(db, "小额罚款协会", "330106", 505, d("2019-01-01")).await.unwrap();
        let xihu = app.token("xihu").await;
        let fine = |fen: i64, on: &str| json!({"kind": "penalty", "penalty_kind": "fine", "amount_fen": fen,
            "occurred_on": on, "document": "西民罚〔2025〕3号", "authority": "西湖区民政局"});
        assert_eq!(event(&app, &xihu, &big, fine(5_000_000, "2025-01-10")).await.0, StatusCode::CREATED);
        assert_eq!(event(&app, &xihu, &small, fine(4_999_999, "2025-01-10")).await.0, StatusCode::CREATED);
        let c = credit(&app, &big, "2026-11-27").await;
        assert_eq!(c["serious"]["causes"][0]["reason_code"], "serious.large_fine");
        assert!(c["abnormal"].is_null());
        let c = credit(&app, &small, "2025-07-09").await;
        assert_eq!(c["abnormal"]["causes"][0]["reason_code"], "abnormal.penalty");
        // Nothing to rectify: off the list when six months have passed.
        assert!(credit(&app, &small, "2025-07-10").await["abnormal"].is_null());

        let removal = json!({"kind": "removed", "occurred_on": "2026-11-27", "document": "西民社移〔2026〕1号"});
        assert_problem(&event(&app, &xihu, &big, removal).await, StatusCode::CONFLICT, "credit.too_early", None);

        let csv = TestApp::client().get(app.url("/api/v1/credit/blacklist?format=csv")).send().await.unwrap();
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.text().await.unwrap().contains("大额罚款协会"));
        app
    })
    .await;
}

/// Bad input names its field in both languages and stores nothing; an organization account and
/// an officer of another district are refused.
#[tokio::test]
async fn bad_events_name_their_field_and_others_are_refused() {
    each_backend(|app: TestApp| async move {
        let (_, uscc) = registered_organization(&app.state.db, "核对协会", "330106", 506, d("2019-01-01")).await.unwrap();
        let xihu = app.token("xihu").await;
        let cases = [
            (json!({"kind": "praise", "occurred_on": "2026-01-01"}), "kind"),
            (json!({"kind": "listing", "reason_code": "abnormal.nope", "occurred_on": "2026-01-01", "document": "x"}), "reason_code"),
            (json!({"kind": "listing", "reason_code": "abnormal.unreachable", "occurred_on": "2026-01-01"}), "document"),
            (json!({"kind": "penalty", "penalty_kind": "fine", "occurred_on": "2026-01-01", "document": "x"}), "amount_fen"),
            (json!({"kind": "penalty", "penalty_kind": "warning", "amount_fen": 100, "occurred_on": "2026-01-01", "document": "x"}), "amount_fen"),
            (json!({"kind": "rectified", "occurred_on": "2026-11-28"}), "occurred_on"),
            (json!({"kind": "rectified", "occurred_on": "2026-13-01"}), "occurred_on"),
        ];
        for (body, field) in cases {
            let got = event(&app, &xihu, &uscc, body).await;
            assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", got.1);
            assert_eq!(got.1["field"], field, "{}", got.1);
        }
        let ok = json!({"kind": "listing", "reason_code": "abnormal.unreachable", "occurred_on": "2026-01-01", "document": "x"});
        for who in ["orgadmin", "binjiang", "resident"] {
            let token = app.token(who).await;
            let got = event(&app, &token, &uscc, ok.clone()).await;
            assert_eq!(got.0, StatusCode::FORBIDDEN, "{who}: {}", got.1);
        }
        assert_eq!(app.scalar("SELECT COUNT(*) FROM credit_events").await, 0);
        let bad_ban = app.send_as(Method::POST, Some(&xihu), "/api/v1/credit/bans",
            &json!({"id_number": "110101199003077771", "banned_from": "2026-01-01", "reason": "x", "document": "y"})).await;
        assert_eq!(bad_ban.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_ban.1);
        assert_eq!(bad_ban.1["field"], "id_number");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM practice_bans").await, 0);
        app
    })
    .await;
}

/// The public pages: the list and an organization's credit with its reason and rule.
#[tokio::test]
async fn the_pages_show_the_lists_and_the_reasons() {
    each_backend(|app: TestApp| async move {
        let (id, uscc) =
            registered_organization(&app.state.db, "页面协会", "330106", 507, d("2019-01-01"))
                .await
                .unwrap();
        let late = [LateReport {
            organization_id: id,
            year: 2025,
            deadline: d("2026-06-01"),
        }];
        fengqiao::credit::list_late_reports(&app.state, &late)
            .await
            .unwrap();
        let page = crate::page_text(&TestApp::client(), app.url("/credit")).await;
        assert!(
            page.contains("页面协会") && page.contains("未按规定报送年度工作报告"),
            "{page}"
        );
        let page = crate::page_text(
            &TestApp::client(),
            app.url(&format!("/credit/organizations/{uscc}")),
        )
        .await;
        assert!(
            page.contains("rule 15(1)") && page.contains("2026-06-02"),
            "{page}"
        );
        app
    })
    .await;
}

/// The nightly run (rule 15(1)) asks the supervision module for reports missing after their
/// deadline, on the years the platform judges (`credit.late_report.first_judged_year`): with
/// the shipped 2026 nothing from 2025 is listed; once the province judges 2025, the organization
/// without a report is, from the day after the deadline (31 May 2026 is a Sunday: 1 June), once.
#[tokio::test]
async fn the_nightly_run_lists_missing_reports_of_the_judged_years_once() {
    each_backend(|app: TestApp| async move {
        let (_, uscc) = registered_organization(&app.state.db, "未报协会", "330106", 508, d("2020-03-01")).await.unwrap();
        assert_eq!(fengqiao::credit::service::sweep_late_reports(&app.state).await.unwrap(), 0);
        let db = &app.state.db;
        async {
            fengqiao::with_tx!(db, tx => {
                sqlx::query("INSERT INTO rule_parameters (key, effective_from, value, unit, source, note) VALUES ('credit.late_report.first_judged_year', $1, 2025, 'count', 'test: DOMAIN.md §0 rule 15(1)', '')")
                    .bind(d("2026-01-01")).execute(&mut *tx).await?;
            });
            anyhow::Ok(())
        }
        .await
        .unwrap();
        app.state.rules.reload().await.unwrap();
        assert!(fengqiao::credit::service::sweep_late_reports(&app.state).await.unwrap() >= 1);
        assert_eq!(fengqiao::credit::service::sweep_late_reports(&app.state).await.unwrap(), 0);
        let c = credit(&app, &uscc, "2026-11-27").await;
        assert_eq!(c["abnormal"]["causes"][0]["reason_code"], "abnormal.late_annual_report", "{c}");
        assert_eq!(c["abnormal"]["since"], "2026-06-02", "{c}");
        app
    })
    .await;
}

/// The credit record carries the evaluation grade current on the day asked (令第60号's 其他信息;
/// DOMAIN.md §5, §8) — none here — and the count of open supervision warnings, which only the
/// officers of the organization's region see: the public and another district's officer get
/// none.
#[tokio::test]
async fn the_record_counts_open_warnings_for_the_regions_officers_only() {
    each_backend(|app: TestApp| async move {
        let (_, uscc) = registered_organization(
            &app.state.db,
            "西湖区信用记录协会",
            "330106",
            531,
            d("2019-01-01"),
        )
        .await
        .unwrap();
        let path = format!("/api/v1/organizations/{uscc}/credit");
        let (s, v) = app.get_as(None, &path).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["grade"].is_null() && v["open_warnings"].is_null(), "{v}");
        let xihu = app.token("xihu").await;
        let (_, v) = app.get_as(Some(&xihu), &path).await;
        assert_eq!(v["open_warnings"], 0, "{v}");
        let binjiang = app.token("binjiang").await;
        let (_, v) = app.get_as(Some(&binjiang), &path).await;
        assert!(v["open_warnings"].is_null(), "{v}");
        app
    })
    .await;
}
