//! Rule parameters by date: every parameter a module reads is in force with its source on the
//! dates that matter, a missing one is an error naming its key, the list and page show them,
//! and the province adds a version from a future date that changes the answer exactly on that
//! date — on this server at once, on another within the cache's time (the injected clock's).

use std::sync::Arc;

use chrono::NaiveDate;
use fengqiao::platform::Clock;
use fengqiao::platform::clock::FixedClock;
use fengqiao::platform::rules::{CACHE_TTL, RuleKey, RuleParams};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, assert_problem, each_backend};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Every key the landed modules read.
fn keys() -> Vec<RuleKey> {
    let mut all = fengqiao::charity::model::rules::PARAMETERS.to_vec();
    all.extend_from_slice(fengqiao::registration::model::rules::PARAMETERS);
    all.extend_from_slice(fengqiao::credit::model::rules::PARAMETERS);
    all.extend_from_slice(fengqiao::supervision::model::rules::PARAMETERS);
    all.extend_from_slice(fengqiao::evaluation::model::rules::PARAMETERS);
    all
}

#[tokio::test]
async fn every_parameter_the_modules_read_is_in_force_with_its_source() {
    each_backend(|app: TestApp| async move {
        let table = app.state.rules.table().await.unwrap();
        // From the Zhejiang opinions (2018-08-01, the latest first row) on, across the 2024
        // amendment, to today.
        for on in ["2018-08-01", "2024-09-04", "2024-09-05", "2026-11-27"] {
            for key in keys() {
                let p = table
                    .param_on(key, d(on))
                    .unwrap_or_else(|e| panic!("{key} on {on}: {e}"));
                assert!(p.source.contains("DOMAIN.md"), "{key}: {}", p.source);
            }
        }
        // The values the modules used as constants before.
        let r = &app.state.rules;
        use fengqiao::charity::model::rules as charity;
        use fengqiao::registration::model::rules as registry;
        assert_eq!(
            r.months_on(charity::QUALIFICATION_MIN_MONTHS, d("2024-09-04"))
                .await
                .unwrap(),
            24
        );
        assert_eq!(
            r.months_on(charity::QUALIFICATION_MIN_MONTHS, d("2024-09-05"))
                .await
                .unwrap(),
            12
        );
        for key in [
            charity::RECOGNITION_DEADLINE,
            charity::QUALIFICATION_DEADLINE,
        ] {
            assert_eq!(r.working_days_on(key, d("2026-11-27")).await.unwrap(), 20);
        }
        assert_eq!(
            r.days_on(charity::FILING_DAYS_BEFORE_START, d("2026-11-27"))
                .await
                .unwrap(),
            10
        );
        assert_eq!(
            r.days_on(charity::EMERGENCY_FILING_DAYS_AFTER_START, d("2026-11-27"))
                .await
                .unwrap(),
            10
        );
        assert_eq!(
            r.working_days_on(registry::PUBLICITY_WORKING_DAYS, d("2026-11-27"))
                .await
                .unwrap(),
            5
        );
        for key in &registry::PARAMETERS[1..] {
            assert_eq!(
                r.working_days_on(*key, d("2026-11-27")).await.unwrap(),
                20,
                "{key}"
            );
        }

        // The public list marks the version in force on the date asked about.
        let in_force = |list: &Value, key: &str| -> Vec<i64> {
            list["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["key"] == key && p["in_force"] == true)
                .map(|p| p["value"].as_i64().unwrap())
                .collect()
        };
        let (s, list) = app.get_as(None, "/api/v1/rule-parameters").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["on"], "2026-11-27");
        assert_eq!(in_force(&list, "charity.qualification.min_months"), [12]);
        let (_, old) = app
            .get_as(None, "/api/v1/rule-parameters?on=2024-09-04")
            .await;
        assert_eq!(in_force(&old, "charity.qualification.min_months"), [24]);
        let first = old["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == "charity.qualification.min_months")
            .unwrap();
        assert_eq!(first["effective_from"], "2016-09-01");
        assert_eq!(first["superseded_from"], "2024-09-05");
        assert_eq!(first["unit"], "months");
        let got = app
            .get_as(None, "/api/v1/rule-parameters?on=yesterday")
            .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "rules.date",
            Some("on"),
        );
        // The page lists key, value, effective date and source, in both languages.
        let page = crate::page_text(
            &TestApp::client(),
            app.url("/rule-parameters?on=2024-09-04"),
        )
        .await;
        assert!(
            page.contains("charity.qualification.min_months") && page.contains("24 个月"),
            "{page}"
        );
        assert!(page.contains("2024-09-05") && page.contains("慈善法（2016）第二十二条"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_missing_key_or_a_date_before_its_first_row_is_an_error_naming_the_key() {
    each_backend(|app: TestApp| async move {
        let r = &app.state.rules;
        let e = r
            .value_on(RuleKey("charity.nothing"), d("2026-11-27"))
            .await
            .unwrap_err();
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(e.to_string().contains("charity.nothing"), "{e}");
        let key = fengqiao::charity::model::rules::QUALIFICATION_MIN_MONTHS;
        let e = r.value_on(key, d("2016-08-31")).await.unwrap_err();
        assert!(
            e.to_string().contains(key.as_str()) && e.to_string().contains("2016-08-31"),
            "{e}"
        );
        // Read in the wrong unit, a parameter is not a number but an error naming it.
        let e = r.days_on(key, d("2026-11-27")).await.unwrap_err();
        assert!(e.to_string().contains(key.as_str()), "{e}");
        app
    })
    .await;
}

async fn post(app: &TestApp, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    app.send_as(Method::POST, token, "/api/v1/rule-parameters", &body)
        .await
}

fn body() -> Value {
    json!({
        "key": "charity.plan.filing_days_before_start", "value": 7, "unit": "days",
        "effective_from": "2026-12-01", "source": "浙江省民政厅决定（测试）", "note": "测试",
    })
}

#[tokio::test]
async fn the_province_adds_a_version_from_a_future_date_and_the_answer_changes_on_that_date() {
    each_backend(|app: TestApp| async move {
        let key = fengqiao::charity::model::rules::FILING_DAYS_BEFORE_START;
        let province = app.token("province").await;
        let county = app.token("xihu").await;
        let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'rule_parameter.add'";
        let rows = "SELECT COUNT(*) FROM rule_parameters";
        let before = app.scalar(rows).await;
        // Another server's parameters on the same database, with its own clock, read already.
        let other_clock = FixedClock::new(app.clock.now());
        let other = RuleParams::new(app.state.db.clone(), Arc::new(other_clock.clone()));
        assert_eq!(other.days_on(key, d("2026-12-01")).await.unwrap(), 10);

        // Only the province; the public and a county officer are refused.
        assert_eq!(post(&app, None, body()).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(
            post(&app, Some(&county), body()).await.0,
            StatusCode::FORBIDDEN
        );
        // Each refusal names its field and stores nothing.
        let bad = |k: &str, v: Value| {
            let mut b = body();
            b[k] = v;
            b
        };
        for (b, code, field) in [
            (
                bad("key", json!("charity.nothing")),
                "rules.key_unknown",
                "key",
            ),
            (bad("value", json!(-1)), "rules.value", "value"),
            (bad("value", Value::Null), "rules.value", "value"),
            (bad("unit", json!("working_days")), "rules.unit", "unit"),
            (
                bad("effective_from", json!("2026-11-27")),
                "rules.not_future",
                "effective_from",
            ),
            (
                bad("effective_from", json!("2026-13-01")),
                "rules.date",
                "effective_from",
            ),
            (bad("source", json!("  ")), "rules.required", "source"),
        ] {
            let got = post(&app, Some(&province), b).await;
            assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        }
        assert_eq!(app.scalar(rows).await, before, "refusals store nothing");
        assert_eq!(app.scalar(audited).await, 0);

        let (s, p) = post(&app, Some(&province), body()).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["value"], 7);
        assert!(p["created_at"].is_string());
        assert_eq!(app.scalar(audited).await, 1);
        // A second version from the same date is refused by the field.
        let got = post(&app, Some(&province), body()).await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "rules.exists",
            Some("effective_from"),
        );
        // The unit may be left out: the key's own.
        let mut later = body();
        later["unit"] = json!("");
        later["effective_from"] = json!("2027-01-01");
        later["value"] = json!(8);
        let (s, p) = post(&app, Some(&admin_token(&app).await), later).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["unit"], "days");

        // On this server at once: the old value up to the day before, the new one from the day.
        let r = &app.state.rules;
        assert_eq!(r.days_on(key, d("2026-11-30")).await.unwrap(), 10);
        assert_eq!(r.days_on(key, d("2026-12-01")).await.unwrap(), 7);
        assert_eq!(r.days_on(key, d("2026-12-31")).await.unwrap(), 7);
        assert_eq!(r.days_on(key, d("2027-01-01")).await.unwrap(), 8);
        // The other server answers from its table until it is older than the cache's time.
        assert_eq!(other.days_on(key, d("2026-12-01")).await.unwrap(), 10);
        other_clock.advance(chrono::Duration::from_std(CACHE_TTL).unwrap());
        assert_eq!(other.days_on(key, d("2026-12-01")).await.unwrap(), 7);
        assert_eq!(other.days_on(key, d("2026-11-30")).await.unwrap(), 10);

        // Filing a plan: on 2026-11-30 the 10 days still apply, from 2026-12-01 the 7.
        let (_, uscc) = crate::charity::qualified_charity(&app).await;
        let plans = "SELECT COUNT(*) FROM fundraising_plans";
        crate::charity::set_day(&app, "2026-11-30");
        let org = app.token("orgadmin").await;
        let plan = |title: &str, starts: &str| {
            crate::charity::plan_body(&uscc, title, starts, "2027-02-28")
        };
        let got = crate::charity::post(
            &app,
            Some(&org),
            "/api/v1/charity/plans",
            plan("七日前备案甲", "2026-12-07"),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.filing_too_late",
            Some("starts_on"),
        );
        assert!(
            got.1["message"]["zh"].as_str().unwrap().contains("10 日前"),
            "{}",
            got.1
        );
        assert_eq!(app.scalar(plans).await, 0);
        crate::charity::set_day(&app, "2026-12-01");
        let org = app.token("orgadmin").await;
        let got = crate::charity::post(
            &app,
            Some(&org),
            "/api/v1/charity/plans",
            plan("七日前备案乙", "2026-12-07"),
        )
        .await;
        assert_problem(
            &got,
            StatusCode::UNPROCESSABLE_ENTITY,
            "charity.filing_too_late",
            Some("starts_on"),
        );
        assert!(
            got.1["message"]["zh"].as_str().unwrap().contains("7 日前"),
            "{}",
            got.1
        );
        let (s, p) = crate::charity::post(
            &app,
            Some(&org),
            "/api/v1/charity/plans",
            plan("七日前备案丙", "2026-12-08"),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        app
    })
    .await;
}

async fn admin_token(app: &TestApp) -> String {
    app.token("admin").await
}
