//! The publicity period is a rule parameter: a new version added by the province from a future
//! date sets the period of a publicity started on that date, not of one started the day before.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{establishment, id_number, post};
use crate::{TestApp, each_backend};

/// Drives a direct-registration application naming a leader (so publicity is due) through
/// intake and both review steps; returns its id.
async fn reviewed(app: &TestApp, name: &str, seq: u16) -> String {
    let (org, xihu, city) = (
        app.token("orgadmin").await,
        app.token("xihu").await,
        app.token("hangzhou").await,
    );
    let persons = json!([{"name": "赵会长", "id_number": id_number(1972, seq), "position": "会长", "is_legal_rep": true}]);
    let mut body = establishment(name, "charity", persons);
    body["supervisory_unit"] = Value::Null;
    let (s, a) = post(app, Some(&org), "/api/v1/applications", body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    let all = [
        "application",
        "charter",
        "persons_particulars",
        "premises_proof",
        "capital_verification",
    ];
    let (s, a) = post(
        app,
        Some(&org),
        &format!("/api/v1/applications/{id}/submit"),
        json!({"materials": all}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (s, a) = post(
        app,
        Some(&xihu),
        &format!("/api/v1/applications/{id}/intake"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    for (t, step) in [(&xihu, "registration"), (&city, "party_building")] {
        let (s, a) = post(
            app,
            Some(t),
            &format!("/api/v1/applications/{id}/steps/{step}"),
            json!({"verdict": "approve"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
    }
    id
}

/// Starts the publicity on `day` (09:00 in Shanghai); returns its last day.
async fn publicity_from(app: &TestApp, id: &str, day: &str) -> String {
    crate::charity::set_day(app, day);
    let xihu = app.token("xihu").await;
    let (s, a) = post(
        app,
        Some(&xihu),
        &format!("/api/v1/applications/{id}/publicity"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["publicity_from"], day, "{a}");
    a["publicity_until"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_new_publicity_period_applies_from_its_date_and_not_the_day_before() {
    each_backend(|app: TestApp| async move {
        // Reviewed on Friday 2026-11-27 (the test clock).
        let monday = reviewed(&app, "公示期测试协会甲", 41).await;
        let tuesday = reviewed(&app, "公示期测试协会乙", 42).await;
        let province = app.token("province").await;
        let (s, p) = app
            .send_as(reqwest::Method::POST, Some(&province), "/api/v1/rule-parameters", &json!({
                "key": "registry.publicity.period", "value": 7, "unit": "working_days",
                "effective_from": "2026-12-01", "source": "浙江省民政厅通知（测试）：任职前公示 7 个工作日",
            }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        // Started on Monday 2026-11-30: still 5 working days.
        assert_eq!(publicity_from(&app, &monday, "2026-11-30").await, "2026-12-07");
        // Started on Tuesday 2026-12-01, the new version's first day: 7 working days.
        assert_eq!(publicity_from(&app, &tuesday, "2026-12-01").await, "2026-12-10");
        app
    })
    .await;
}
