//! Upgrades keep stored data: a database written by an older version is migrated and reads the
//! same. Migration 0013 moved the registry's overdue notices onto the platform's notifications
//! (issue 8); the notice and who has read it survive, on both backends.

use chrono::Utc;
use fengqiao::platform::auth::Role;
use fengqiao::testkit::{self, TestDb};
use uuid::Uuid;

#[tokio::test]
async fn overdue_notices_and_their_read_state_survive_migration_0013() {
    for backend in testkit::backends() {
        let tdb = TestDb::new(backend).await.unwrap();
        let db = &tdb.db;
        db.migrate_to(12).await.unwrap();
        let rows = fengqiao::regions::model::parse_divisions(fengqiao::regions::SHIPPED_DIVISIONS)
            .unwrap();
        let rows = fengqiao::regions::model::subset(rows, &["330106"]);
        fengqiao::regions::store::upsert_regions(db, &rows, |_| {})
            .await
            .unwrap();
        let now = Utc::now();
        let reader = fengqiao::platform::auth::store::create_user(
            db,
            now,
            "xihu",
            "西湖区",
            "a-password-1",
            &[(Role::CountyOfficer, "330106")],
        )
        .await
        .unwrap();
        let (app, notice) = (Uuid::now_v7(), Uuid::now_v7());
        let write = async {
            fengqiao::with_tx!(db, tx => {
                sqlx::query("INSERT INTO applications (id, kind, state, org_type, category, name, region_code, domicile_code, reach, created_at, updated_at) \
                             VALUES ($1, 'establishment', 'in_review', 'social_group', 'other', '西湖区围棋协会', '330106', '330106', 'county', $2, $2)")
                    .bind(app).bind(now).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO notifications (id, created_at, kind, recipient_region, audience, application_id, step, deadline) \
                             VALUES ($1, $2, 'step_overdue', '330106', 'officer', $3, 'supervisory', $4)")
                    .bind(notice).bind(now).bind(app).bind(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
                    .execute(&mut *tx).await?;
                sqlx::query("INSERT INTO notification_reads (notification_id, user_id, read_at) VALUES ($1, $2, $3)")
                    .bind(notice).bind(reader).bind(now).execute(&mut *tx).await?;
            });
            anyhow::Ok(())
        };
        write.await.unwrap();

        db.migrate().await.unwrap();
        let actor = fengqiao::platform::auth::UserActor {
            user_id: reader,
            username: "xihu".into(),
            display_name: "西湖区".into(),
            role: Role::CountyOfficer,
            region: codes::RegionCode::parse("330106").unwrap(),
            grant_id: Uuid::nil(),
            department: None,
        };
        let found = fengqiao::platform::notifications::store::list(db, &actor, false, 10)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{backend:?}");
        let n = &found[0];
        assert_eq!(n.id, notice);
        assert_eq!(n.kind, "step_overdue");
        assert_eq!(n.object_id, app);
        assert_eq!(n.topic, "supervisory");
        assert_eq!(n.subject, "西湖区围棋协会");
        assert_eq!(n.link, format!("/registry/applications/{app}"));
        assert!(
            n.read_at.is_some(),
            "{backend:?}: the reader's read state is kept"
        );
        let detail: serde_json::Value = serde_json::from_str(&n.detail).unwrap();
        assert_eq!(detail["deadline"], "2026-11-20");
        assert_eq!(detail["step"], "supervisory");
        assert_eq!(detail["application_id"], app.to_string());
        tdb.finish().await;
    }
}
