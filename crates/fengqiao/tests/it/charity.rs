//! Charity: recognition → qualification → plan filing through the API, every refusal naming
//! its field with nothing changed, the public plan pages; contention and supervision in the
//! submodules.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, assert_problem, each_backend};

mod contested;
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
    let id = Uuid::now_v7();
    let now = chrono::Utc::now();
    let name = format!("测试慈善组织{}", &uscc[10..17]);
    let insert = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query("INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, purpose, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, 'charity', $5, $6, $7, $8, $9, $9)")
                .bind(id).bind(&uscc).bind(&name).bind(org_type).bind(region).bind(status)
                .bind(d("2018-05-01")).bind(purpose).bind(now)
                .execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    insert.await.unwrap();
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
        let page = TestApp::client().get(app.url(&format!("/charity/plans/{}", seg(&filing_no))))
            .send().await.unwrap().text().await.unwrap();
        assert!(page.contains("西溪暖冬行动") && page.contains("/projects/"), "{page}");
        let list_page = TestApp::client().get(app.url("/charity/plans")).send().await.unwrap().text().await.unwrap();
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

#[tokio::test]
async fn refused_applications_name_the_field_and_change_nothing() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, filed) = org(&app, "330106", "social_group", "filed", "助老").await;
        let (_, revoked) = org(&app, "330106", "social_group", "revoked", "助老").await;
        let (_, no_purpose) = org(&app, "330106", "foundation", "registered", "  ").await;
        let (_, binjiang) = org(&app, "330108", "foundation", "registered", "助老").await;
        let (_, not_charity) = org(&app, "330106", "foundation", "registered", "助老").await;
        let before = counts(&app).await;
        let apply = |kind: &str, uscc: &str| json!({"kind": kind, "organization_uscc": uscc});
        let path = "/api/v1/charity/applications";
        for (body, code, field) in [
            (
                apply("recognition", &filed),
                "charity.check.registered",
                "organization_uscc",
            ),
            (
                apply("recognition", &revoked),
                "charity.check.registered",
                "organization_uscc",
            ),
            (
                apply("recognition", &no_purpose),
                "charity.check.purpose",
                "organization_uscc",
            ),
            (
                apply("qualification", &not_charity),
                "charity.check.charity",
                "organization_uscc",
            ),
            (
                apply("recognition", "51330106MJ0000000X"),
                "charity.organization_unknown",
                "organization_uscc",
            ),
            (apply("adoption", &not_charity), "charity.kind", "kind"),
            (
                apply("recognition", ""),
                "charity.required",
                "organization_uscc",
            ),
        ] {
            let got = post(&app, Some(&org_admin), path, body.clone()).await;
            assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        }
        // 西湖区's org_admin does not act for an organization of 滨江区.
        let (s, _) = post(
            &app,
            Some(&org_admin),
            path,
            apply("recognition", &binjiang),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Officers do not apply.
        let xihu = app.token("xihu").await;
        let (s, _) = post(&app, Some(&xihu), path, apply("recognition", &not_charity)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(counts(&app).await, before);
        app
    })
    .await;
}

#[tokio::test]
async fn refused_plans_name_the_field_and_change_nothing() {
    each_backend(|app: TestApp| async move {
        let org_admin = app.token("orgadmin").await;
        let (_, uscc) = qualified_charity(&app).await;
        let (recognized_id, recognized) =
            org(&app, "330106", "foundation", "registered", "助老").await;
        make_charity(&app, recognized_id, "2020-01-01", false).await;
        let (_, plain) = org(&app, "330106", "foundation", "registered", "助老").await;
        let before = counts(&app).await;
        let path = "/api/v1/charity/plans";
        let with = |k: &str, v: Value| {
            let mut b = plan_body(&uscc, "西溪暖冬行动", "2026-12-07", "2027-02-28");
            b[k] = v;
            b
        };
        let cases = [
            (
                plan_body(&recognized, "t", "2026-12-07", "2027-02-28"),
                "charity.not_qualified",
                "organization_uscc",
            ),
            (
                plan_body(&plain, "t", "2026-12-07", "2027-02-28"),
                "charity.not_qualified",
                "organization_uscc",
            ),
            (
                with("starts_on", json!("2026-12-06")),
                "charity.filing_too_late",
                "starts_on",
            ),
            (
                with("starts_on", json!("2026-11-20")),
                "charity.filing_too_late",
                "starts_on",
            ),
            (
                with("ends_on", json!("2026-12-06")),
                "charity.period",
                "ends_on",
            ),
            (
                with("starts_on", json!("2026-13-01")),
                "charity.date",
                "starts_on",
            ),
            (
                with("target_yuan", json!("12.345")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("-5")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("0")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("1e5")),
                "charity.amount",
                "target_yuan",
            ),
            (
                with("target_yuan", json!("")),
                "charity.amount",
                "target_yuan",
            ),
            (with("title", json!(" ")), "charity.required", "title"),
            (with("contact", json!("")), "charity.required", "contact"),
            (
                with("region_code", json!("339999")),
                "charity.region_unknown",
                "region_code",
            ),
        ];
        for (body, code, field) in cases {
            let got = post(&app, Some(&org_admin), path, body).await;
            assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        }
        // A number in the amount field is no yuan string.
        let (s, _) = post(
            &app,
            Some(&org_admin),
            path,
            with("target_yuan", json!(50000.5)),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // Emergency relief: up to 10 days after the start, not 11.
        let mut late = with("starts_on", json!("2026-11-16"));
        late["emergency"] = json!(true);
        let got = post(&app, Some(&org_admin), path, late).await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.emergency_too_late",
            Some("starts_on"),
        );
        assert_eq!(counts(&app).await, before, "refusals change nothing");
        let mut urgent = with("starts_on", json!("2026-11-17"));
        urgent["emergency"] = json!(true);
        urgent["title"] = json!("台风应急救灾");
        let (s, p) = post(&app, Some(&org_admin), path, urgent).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        // One filing per campaign.
        let (s, _) = post(
            &app,
            Some(&org_admin),
            path,
            with("title", json!("西溪暖冬行动")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let got = post(
            &app,
            Some(&org_admin),
            path,
            with("title", json!(" 西溪 暖冬行动 ")),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::CONFLICT,
            "charity.campaign_filed",
            Some("title"),
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM fundraising_plans").await,
            2
        );
        app
    })
    .await;
}

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
