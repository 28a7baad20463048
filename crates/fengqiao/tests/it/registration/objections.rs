//! An objector's phone is personal data (issue 15): stored sealed, never in plaintext, shown
//! masked; rows written in plaintext before migration 0015 are sealed when a server starts.

use fengqiao::platform::Clock;
use fengqiao::platform::db::Backend;
use fengqiao::registration::store::sealing::seal_legacy_contacts;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{establishment, id_number, post};
use crate::{TestApp, each_backend};

const PHONE: &str = "13812345678";
const MASKED: &str = "138****5678";

/// An application of 西湖区 on public notice (任职前公示); returns its id.
async fn on_notice(app: &TestApp) -> String {
    let org = app.token("orgadmin").await;
    let xihu = app.token("xihu").await;
    let city = app.token("hangzhou").await;
    let rep = json!([{"name": "钱会长", "id_number": id_number(1968, 78), "position": "会长", "is_legal_rep": true}]);
    let mut body = establishment("异议协会", "charity", rep);
    body["supervisory_unit"] = Value::Null;
    let (_, a) = post(app, Some(&org), "/api/v1/applications", body).await;
    let id = a["id"].as_str().unwrap().to_string();
    let all = [
        "application",
        "charter",
        "persons_particulars",
        "premises_proof",
        "capital_verification",
    ];
    post(
        app,
        Some(&org),
        &format!("/api/v1/applications/{id}/submit"),
        json!({"materials": all}),
    )
    .await;
    post(
        app,
        Some(&xihu),
        &format!("/api/v1/applications/{id}/intake"),
        json!({"decision": "accept"}),
    )
    .await;
    for (t, step) in [(&xihu, "registration"), (&city, "party_building")] {
        post(
            app,
            Some(t),
            &format!("/api/v1/applications/{id}/steps/{step}"),
            json!({"verdict": "approve"}),
        )
        .await;
    }
    let (s, a) = post(
        app,
        Some(&xihu),
        &format!("/api/v1/applications/{id}/publicity"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    id
}

/// Every text the database holds about objections, audits and events, joined (the sealed
/// contact as hex), and on SQLite the database files' bytes too.
async fn stored_bytes(app: &TestApp) -> Vec<u8> {
    /// An objection's stored texts: filer, legacy contact, masked contact, sealed contact, body.
    type Stored = (String, String, String, Option<Vec<u8>>, String);
    let db = &app.state.db;
    let rows: Vec<Stored> = fengqiao::with_db!(db, pool =>
        sqlx::query_as("SELECT filer_name, legacy_contact, contact_masked, contact_sealed, body FROM objections")
            .fetch_all(pool).await.unwrap());
    let mut out = Vec::new();
    for (a, b, c, d, e) in rows {
        out.extend(format!("{a}|{b}|{c}|{e}|").bytes());
        out.extend(d.unwrap_or_default());
    }
    let texts: Vec<(String,)> = fengqiao::with_db!(db, pool =>
        sqlx::query_as("SELECT detail FROM audit_log UNION ALL SELECT payload FROM outbox")
            .fetch_all(pool).await.unwrap());
    for (t,) in texts {
        out.extend(t.bytes());
    }
    if app.backend == Backend::Sqlite {
        let (file,): (String,) = fengqiao::with_db!(db, pool =>
            sqlx::query_as("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(pool).await.unwrap());
        for f in [file.clone(), format!("{file}-wal")] {
            out.extend(std::fs::read(&f).unwrap_or_default());
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn an_objectors_phone_is_stored_sealed_and_shown_masked() {
    each_backend(|app: TestApp| async move {
        let id = on_notice(&app).await;
        let (s, o) = post(
            &app,
            None,
            &format!("/api/v1/publicity/{id}/objections"),
            json!({"name": "居民乙", "contact": PHONE, "body": "会长曾受处罚"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let stored = stored_bytes(&app).await;
        assert!(!contains(&stored, PHONE), "the phone is stored in plaintext");
        // Sealed under the server's key, and only there.
        let sealed: Vec<u8> = fengqiao::with_db!(&app.state.db, pool =>
            sqlx::query_scalar("SELECT contact_sealed FROM objections").fetch_one(pool).await.unwrap());
        assert_eq!(app.state.pii.decrypt(&sealed).unwrap(), PHONE);
        // The officer's view and page show it masked.
        let xihu = app.token("xihu").await;
        let (s, v) = app
            .get_as(Some(&xihu), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["objections"][0]["contact_masked"], MASKED, "{v}");
        assert!(!v.to_string().contains(PHONE), "{v}");
        let page = TestApp::client()
            .get(app.url(&format!("/registry/applications/{id}")))
            .bearer_auth(&xihu)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(MASKED) && !page.contains(PHONE), "{page}");
        app
    })
    .await;
}

/// A row written in plaintext before migration 0015 (its contact now in `legacy_contact`) is
/// sealed, masked and emptied by the start-up step, audited, once.
#[tokio::test]
async fn contacts_stored_in_plaintext_before_the_migration_are_sealed_at_start() {
    each_backend(|app: TestApp| async move {
        let id = on_notice(&app).await;
        let app_id = uuid::Uuid::parse_str(&id).unwrap();
        let objection = uuid::Uuid::now_v7();
        let now = app.clock.now();
        let legacy: Result<(), sqlx::Error> = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query("INSERT INTO objections (id, application_id, filed_at, filer_name, legacy_contact, body) VALUES ($1, $2, $3, '居民丙', $4, '旧异议')")
                    .bind(objection).bind(app_id).bind(now).bind(PHONE)
                    .execute(&mut *tx).await?;
            });
            Ok(())
        }
        .await;
        legacy.unwrap();
        let sealed = seal_legacy_contacts(&app.state.db, &app.state.pii, now).await.unwrap();
        assert_eq!(sealed, 1);
        assert_eq!(
            seal_legacy_contacts(&app.state.db, &app.state.pii, now).await.unwrap(),
            0,
            "once"
        );
        let (plain, masked, sealed): (String, String, Vec<u8>) = fengqiao::with_db!(&app.state.db, pool =>
            sqlx::query_as("SELECT legacy_contact, contact_masked, contact_sealed FROM objections WHERE id = $1")
                .bind(objection).fetch_one(pool).await.unwrap());
        assert_eq!((plain.as_str(), masked.as_str()), ("", MASKED));
        assert_eq!(app.state.pii.decrypt(&sealed).unwrap(), PHONE);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'pii.seal' AND object_kind = 'objection'")
                .await,
            1
        );
        let xihu = app.token("xihu").await;
        let (_, v) = app
            .get_as(Some(&xihu), &format!("/api/v1/applications/{id}"))
            .await;
        assert_eq!(v["objections"][0]["contact_masked"], MASKED, "{v}");
        app
    })
    .await;
}
