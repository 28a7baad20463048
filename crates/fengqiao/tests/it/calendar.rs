//! Deadlines in working days from the stored holiday calendar, and the province extending it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, assert_problem, each_backend};

#[tokio::test]
async fn a_deadline_skips_the_national_day_holiday_and_refuses_to_guess_past_the_data() {
    each_backend(|app: TestApp| async move {
        // 2024-09-30 + 1 working day: 10-01..10-07 are off, so 10-08.
        let (s, v) = app
            .get_as(
                None,
                "/api/v1/calendar/deadline?start=2024-09-30&working_days=1",
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["deadline"], "2024-10-08");
        // 2024-10-11 (Fri) + 1: Saturday 10-12 is a make-up working day.
        let (_, v) = app
            .get_as(
                None,
                "/api/v1/calendar/deadline?start=2024-10-11&working_days=1",
            )
            .await;
        assert_eq!(v["deadline"], "2024-10-12");
        // 2026-12-31 + 1 would need 2027's notice, which is not in the data.
        let beyond = app
            .get_as(
                None,
                "/api/v1/calendar/deadline?start=2026-12-31&working_days=1",
            )
            .await;
        assert_eq!(beyond.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", beyond.1);
        assert_eq!(beyond.1["field"], "start");
        let bad = app
            .get_as(
                None,
                "/api/v1/calendar/deadline?start=2026-13-01&working_days=1",
            )
            .await;
        assert_problem(
            &bad,
            StatusCode::UNPROCESSABLE_ENTITY,
            "date.malformed",
            Some("start"),
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_province_adds_next_years_notice_and_deadlines_reach_into_it() {
    each_backend(|app: TestApp| async move {
        let rows =
            json!([{"date": "2027-01-01", "kind": "off", "name": "元旦", "notice_year": 2027}]);
        let county = app.token("xihu").await;
        assert_eq!(
            app.send_as(
                Method::POST,
                Some(&county),
                "/api/v1/calendar/holidays",
                &rows
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
        let bad =
            json!([{"date": "2027-01-02", "kind": "holiday", "name": "元旦", "notice_year": 2027}]);
        let province = app.token("province").await;
        assert_problem(
            &app.send_as(
                Method::POST,
                Some(&province),
                "/api/v1/calendar/holidays",
                &bad,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "holiday.kind",
            Some("[0].kind"),
        );
        let (s, _) = app
            .send_as(
                Method::POST,
                Some(&province),
                "/api/v1/calendar/holidays",
                &rows,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.put_rows'")
                .await,
            1
        );
        // 2026-12-31 (Thu) + 1 working day: 2027-01-01 is off → Monday 2027-01-04.
        let (s, v) = app
            .get_as(
                None,
                "/api/v1/calendar/deadline?start=2026-12-31&working_days=1",
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["deadline"], "2027-01-04");
        app
    })
    .await;
}
