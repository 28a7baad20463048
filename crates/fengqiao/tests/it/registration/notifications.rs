//! Notifications have read state: each officer of the region they are addressed to marks them
//! read for himself (audited once), filters the unread ones and sees his unread count in the
//! list and beside the navigation link; to anyone else a notification does not exist.

use fengqiao::platform::Clock;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::lifecycle::{at_nine_in_shanghai, in_review};
use crate::accounts::browser_login;
use crate::{TestApp, assert_problem, each_backend};

#[tokio::test]
async fn an_officer_marks_his_notifications_read_and_sees_what_is_left() {
    each_backend(|app: TestApp| async move {
        let org = app.token("orgadmin").await;
        let xihu = app.token("xihu").await;
        let id = in_review(&app, &org, &xihu).await;
        let (_, v) = app
            .get_as(Some(&xihu), &format!("/api/v1/applications/{id}"))
            .await;
        let deadline: chrono::NaiveDate =
            v["steps"][0]["deadline"].as_str().unwrap().parse().unwrap();
        app.clock
            .set(at_nine_in_shanghai(deadline.succ_opt().unwrap()));
        assert_eq!(
            fengqiao::registration::service::overdue::flag(&app.state)
                .await
                .unwrap(),
            4
        );
        // A second officer of the same office (西湖区), to show that reading is per officer.
        fengqiao::platform::auth::store::create_user(
            &app.state.db,
            app.clock.now(),
            "xihu2",
            "西湖区民政工作人员乙",
            fengqiao::demo::DEMO_PASSWORD,
            &[(fengqiao::platform::auth::Role::CountyOfficer, "330106")],
        )
        .await
        .unwrap();
        let xihu = app.token("xihu").await;
        let xihu2 = app.token("xihu2").await;
        let org = app.token("orgadmin").await;
        let list = "/api/v1/notifications";
        let (s, v) = app.get_as(Some(&xihu), list).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["unread"], 2, "{v}");
        let notes = v["notifications"].as_array().unwrap();
        assert!(notes.iter().all(|n| n["read_at"].is_null()));
        let first = notes[0]["id"].as_str().unwrap().to_string();
        let second = notes[1]["id"].as_str().unwrap().to_string();
        let read = |n: &str| format!("/api/v1/notifications/{n}/read");

        // Not the recipient: 404 for another region's officers (the city's own are separate
        // rows), 403 for a role without notifications, 422 for a malformed id; nothing changed.
        let reads = "SELECT COUNT(*) FROM notification_reads";
        for who in ["hangzhou", "binjiang", "xixi"] {
            let t = app.token(who).await;
            let r = app
                .send_as(Method::POST, Some(&t), &read(&first), &json!({}))
                .await;
            assert_eq!(r.0, StatusCode::NOT_FOUND, "{who}: {}", r.1);
        }
        let r = app
            .send_as(Method::POST, Some(&org), &read(&first), &json!({}))
            .await;
        assert_eq!(r.0, StatusCode::FORBIDDEN);
        let r = app
            .send_as(Method::POST, Some(&xihu), &read("not-an-id"), &json!({}))
            .await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "id.malformed",
            Some("id"),
        );
        let r = app
            .get_as(Some(&xihu), "/api/v1/notifications?unread=maybe")
            .await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "input.malformed",
            Some("unread"),
        );
        assert_eq!(app.scalar(reads).await, 0);

        // Marked read by its recipient: read_at set, audited once; marking again changes nothing.
        let (s, n) = app
            .send_as(Method::POST, Some(&xihu), &read(&first), &json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{n}");
        assert_eq!(n["id"], first.as_str());
        assert_eq!(n["read_at"], json!(app.clock.now()));
        let (s, again) = app
            .send_as(Method::POST, Some(&xihu), &read(&first), &json!({}))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(again["read_at"], n["read_at"]);
        let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'notification.read'";
        assert_eq!(app.scalar(audited).await, 1);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'notification.read'")
                .await,
            1
        );

        // The list: the unread count, the filter; the other officer of the office still has both.
        let (_, v) = app.get_as(Some(&xihu), list).await;
        assert_eq!(v["unread"], 1);
        assert_eq!(v["notifications"].as_array().unwrap().len(), 2);
        let (_, v) = app
            .get_as(Some(&xihu), "/api/v1/notifications?unread=true")
            .await;
        assert_eq!(v["unread"], 1);
        let ids: Vec<&str> = v["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [second.as_str()]);
        let (_, v) = app.get_as(Some(&xihu2), list).await;
        assert_eq!(v["unread"], 2, "{v}");

        // The page: the count beside the navigation link; the button marks one read.
        let (browser, csrf) = browser_login(&app, "xihu").await;
        let html = crate::page_text(&browser, app.url("/regions")).await;
        assert!(
            html.contains("href=\"/notifications\"")
                && html.contains("<span id=\"unread-count\">1</span>"),
            "{html}"
        );
        let html = crate::page_text(&browser, app.url("/notifications")).await;
        assert!(
            html.contains("超期测试协会") && html.contains(&format!("id=\"read-{second}\"")),
            "{html}"
        );
        assert!(
            !html.contains(&format!("id=\"read-{first}\"")),
            "a read one has no button"
        );
        let r = browser
            .post(app.url(&format!("/notifications/{second}/read")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/notifications");
        let html = crate::page_text(&browser, app.url("/notifications?unread=true")).await;
        assert!(
            html.contains("id=\"notifications-none\"") && !html.contains("id=\"unread-count\""),
            "{html}"
        );
        assert_eq!(app.scalar(audited).await, 2);
        // Another region's officer cannot mark it on the page either.
        let (other, ocsrf) = browser_login(&app, "binjiang").await;
        let r = other
            .post(app.url(&format!("/notifications/{first}/read")))
            .form(&[("_csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.scalar(reads).await, 2);
        app
    })
    .await;
}
