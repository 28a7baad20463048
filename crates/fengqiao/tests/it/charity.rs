//! Charity: recognition → qualification → plan filing through the API, every refusal naming
//! its field with nothing changed, the public plan pages; contention and supervision in the
//! submodules.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, assert_problem, each_backend};

mod closing;
mod contested;
mod pages;
mod refusals;
mod rule_dates;
mod supervision;

static SERIAL: AtomicU64 = AtomicU64::new(500);

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Sets the test clock to 09:00 in Shanghai on `day`.
pub(crate) fn set_day(app: &TestApp, day: &str) {
    let t = chrono::DateTime::parse_from_rfc3339(&format!("{day}T01:00:00Z"))
        .unwrap()
        .with_timezone(&chrono::Utc);
    app.clock.set(t);
}

/// An organization written directly (as the registry would have), with a valid USCC.
pub(crate) async fn org(
    app: &TestApp,
    region: &str,
    org_type: &str,
    status: &str,
    purpose: &str,
) -> (Uuid, String) {
    let t = match org_type {
        "social_group" => '1',
        "social_service_agency" => '2',
        _ => '3',
    };
    let uscc = codes::Uscc::for_serial(t, region, SERIAL.fetch_add(1, Ordering::SeqCst))
        .unwrap()
        .as_str()
        .to_string();
    let name = format!("测试慈善组织{}", &uscc[10..17]);
    let id = fengqiao::testkit::TestOrganization {
        uscc: Some(uscc.clone()),
        org_type: org_type.into(),
        status: status.into(),
        registered_on: Some(d("2018-05-01")),
        purpose: purpose.to_string(),
        ..fengqiao::testkit::TestOrganization::new(&name, region)
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    // The organization account of 西湖区 acts for it (a region alone is not enough).
    fengqiao::testkit::act_for(&app.state.db, "orgadmin", id)
        .await
        .unwrap();
    (id, uscc)
}

/// Makes an organization a charity recognized on `recognized`, qualified or not.
pub(crate) async fn make_charity(app: &TestApp, org: Uuid, recognized: &str, qualified: bool) {
    let no = qualified.then(|| format!("测试证{}", Uuid::now_v7().simple()));
    let q = qualified.then(|| d(recognized));
    let insert = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query("INSERT INTO charities (organization_id, recognized_on, qualified_on, qualification_no, updated_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(org).bind(d(recognized)).bind(q).bind(&no).bind(chrono::Utc::now())
                .execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    insert.await.unwrap();
}

/// A qualified charity of 西湖区 (the region of `orgadmin`), by its USCC.
pub(crate) async fn qualified_charity(app: &TestApp) -> (Uuid, String) {
    let (id, uscc) = org(app, "330106", "foundation", "registered", "扶老助残").await;
    make_charity(app, id, "2020-01-01", true).await;
    (id, uscc)
}

pub(crate) async fn post(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.send_as(Method::POST, token, path, &body).await
}

pub(crate) fn plan_body(uscc: &str, title: &str, starts: &str, ends: &str) -> Value {
    json!({
        "organization_uscc": uscc, "title": title, "purpose": "为困境老人添置冬衣和取暖设备",
        "target_yuan": "50000.50", "starts_on": starts, "ends_on": ends, "region_code": "330106",
        "beneficiaries": "西湖区困境老人", "budget": "募捐成本不超过 3%", "contact": "王老师 0571-88888888",
    })
}

/// Percent-encodes a filing number for a path.
pub(crate) fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Counts of the rows a refused request must not change.
pub(crate) async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.scalar("SELECT COUNT(*) FROM charity_applications")
            .await,
        app.scalar("SELECT COUNT(*) FROM charities").await,
        app.scalar("SELECT COUNT(*) FROM fundraising_plans").await,
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
    ]
}

#[tokio::test]
async fn recognition_then_qualification_then_a_filed_plan_on_its_public_page() {
    each_backend(|app: TestApp| async move {
        // A year before the test clock: the holiday calendar (working-day deadlines) ends in 2026.
        set_day(&app, "2025-11-20");
        let org_admin = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let (org_id, uscc) = org(&app, "330106", "foundation", "registered", "扶老助残").await;

        let (s, a) = post(&app, Some(&org_admin), "/api/v1/charity/applications",
            json!({"kind": "recognition", "organization_uscc": uscc, "statement": "申请认定为慈善组织"})).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["state"], "pending");
        assert_eq!(a["all_passed"], true);
        assert_eq!(a["overdue"], false);
        assert_eq!(a["deadline_days"], 20);
        assert!(a["deadline_source"].as_str().unwrap().contains("rule 11"));
        assert!(a["deadline"].as_str().unwrap() > "2025-12-15", "{a}");
        assert_eq!(a["checks"].as_array().unwrap().len(), 4);
        let id = a["id"].as_str().unwrap().to_string();
        // Another district's officer neither reads nor decides it; the org_admin cannot decide.
        let (s, _) = app.get_as(Some(&binjiang), &format!("/api/v1/charity/applications/{id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let decision = format!("/api/v1/charity/applications/{id}/decision");
        for t in [&binjiang, &org_admin] {
            let (s, _) = post(&app, Some(t), &decision, json!({"decision": "approve"})).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }
        // A refusal needs reasons.
        let got = post(&app, Some(&xihu), &decision, json!({"decision": "refuse"})).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "charity.required", Some("reasons"));
        let (s, a) = post(&app, Some(&xihu), &decision, json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["state"], "approved");
        assert_eq!(a["decided_on"], "2025-11-20");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM charities WHERE recognized_on IS NOT NULL").await, 1);
        let deductible = fengqiao::with_db!(&app.state.db, pool => sqlx::query_scalar::<_, bool>(
            "SELECT tax_deductible FROM organizations WHERE id = $1").bind(org_id).fetch_one(pool).await.unwrap());
        assert!(deductible, "Zhejiang: tax-deductible receipts at once");
        // Deciding again is a conflict.
        let got = post(&app, Some(&xihu), &decision, json!({"decision": "refuse", "reasons": "x"})).await;
        assert_problem(&got, StatusCode::CONFLICT, "charity.state_changed", None);

        // Qualification: refused until one year as a charity, allowed on the anniversary.
        let body = json!({"kind": "qualification", "organization_uscc": uscc});
        let before = counts(&app).await;
        let got = post(&app, Some(&org_admin), "/api/v1/charity/applications", body.clone()).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "charity.check.one_year", Some("organization_uscc"));
        assert_eq!(counts(&app).await, before, "refusals change nothing");
        // Tokens expire as the clock moves a year: the accounts log in again.
        set_day(&app, "2026-11-19");
        let org_admin = app.token("orgadmin").await;
        let before = counts(&app).await;
        let got = post(&app, Some(&org_admin), "/api/v1/charity/applications", body.clone()).await;
        assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, "charity.check.one_year", Some("organization_uscc"));
        assert_eq!(counts(&app).await, before, "refusals change nothing");
        set_day(&app, "2026-11-20");
        let org_admin = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let binjiang = app.token("binjiang").await;
        let (s, a) = post(&app, Some(&org_admin), "/api/v1/charity/applications", body.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let qid = a["id"].as_str().unwrap().to_string();
        // One pending application of a kind at a time.
        let got = post(&app, Some(&org_admin), "/api/v1/charity/applications", body).await;
        assert_problem(&got, StatusCode::CONFLICT, "charity.pending_exists", Some("organization_uscc"));
        let (s, a) = post(&app, Some(&xihu), &format!("/api/v1/charity/applications/{qid}/decision"),
            json!({"decision": "approve"})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let (no,) = fengqiao::with_db!(&app.state.db, pool => sqlx::query_as::<_, (String,)>(
            "SELECT qualification_no FROM charities WHERE organization_id = $1").bind(org_id).fetch_one(pool).await.unwrap());
        assert_eq!(no, "浙民募证[2026]0001");

        // The plan: filed exactly 10 days before its start.
        let (s, p) = post(&app, Some(&org_admin), "/api/v1/charity/plans",
            plan_body(&uscc, "西溪暖冬行动", "2026-11-30", "2027-02-28")).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["filing_no"], "浙民募备[2026]0001");
        assert_eq!(p["target_fen"], 5_000_050);
        assert_eq!(p["status"], "filed");
        let filing_no = p["filing_no"].as_str().unwrap().to_string();
        let (s, v) = app.get_as(None, &format!("/api/v1/charity/plans/{}", seg(&filing_no))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["open_today"], false);
        assert_eq!(v["qualification_no"], "浙民募证[2026]0001");
        assert_eq!(v["budget"], "募捐成本不超过 3%");
        let (s, list) = app.get_as(None, "/api/v1/charity/plans").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list[0]["filing_no"], filing_no.as_str());
        let page = crate::page_text(&TestApp::client(), app.url(&format!("/charity/plans/{}", seg(&filing_no)))).await;
        assert!(page.contains("西溪暖冬行动") && page.contains("/projects/"), "{page}");
        let list_page = crate::page_text(&TestApp::client(), app.url("/charity/plans")).await;
        assert!(list_page.contains(&filing_no));
        // Every write was audited.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'fundraising_plan.file'").await, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'charity%'").await, 6);

        // A disclosure by the charity's side, shown on the page.
        let (s, dsc) = post(&app, Some(&org_admin), &format!("/api/v1/charity/plans/{}/disclosures", seg(&filing_no)),
            json!({"kind": "progress", "summary": "已募集 1 万元"})).await;
        assert_eq!(s, StatusCode::CREATED, "{dsc}");
        let (s, _) = post(&app, Some(&binjiang), &format!("/api/v1/charity/plans/{}/disclosures", seg(&filing_no)),
            json!({"kind": "progress", "summary": "x"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, v) = app.get_as(None, &format!("/api/v1/charity/plans/{}", seg(&filing_no))).await;
        assert_eq!(v["disclosures"][0]["summary"], "已募集 1 万元");
        app
    })
    .await;
}
