//! SQL of notifications (通知) as their recipients read them: the list of a region's office with
//! each officer's own read state, the unread count, and marking one read (audited). The rows
//! are written by the overdue sweep ([`super::overdue::notify`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::{with_db, with_tx};

/// A notification as its recipient reads it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// `step_overdue`.
    pub kind: String,
    /// `officer` (the region handling the application) or `superior` (the region above).
    pub audience: String,
    pub recipient_region: String,
    pub application_id: Uuid,
    pub application_name: String,
    pub application_region: String,
    pub step: String,
    pub deadline: NaiveDate,
    /// When this officer marked it read (`None`: unread).
    pub read_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT n.id, n.created_at, n.kind, n.audience, n.recipient_region, n.application_id, \
            a.name AS application_name, a.region_code AS application_region, n.step, n.deadline, r.read_at \
     FROM notifications n JOIN applications a ON a.id = n.application_id \
     LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $2 \
     WHERE n.recipient_region = $1";

/// Notifications addressed to exactly this region, newest first, with `user`'s read state;
/// only the unread ones when `unread_only`.
pub async fn list(
    db: &Db,
    region: &str,
    user: Uuid,
    unread_only: bool,
    limit: i64,
) -> AppResult<Vec<Notification>> {
    let sql = format!(
        "{SELECT} AND ($3 OR r.read_at IS NULL) ORDER BY n.created_at DESC, n.id DESC LIMIT $4"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Notification>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(region).bind(user).bind(!unread_only).bind(limit).fetch_all(pool).await?),
    )
}

/// One notification addressed to this region, with `user`'s read state.
pub async fn get(db: &Db, region: &str, user: Uuid, id: Uuid) -> AppResult<Option<Notification>> {
    let sql = format!("{SELECT} AND n.id = $3");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Notification>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(region).bind(user).bind(id).fetch_optional(pool).await?),
    )
}

/// How many notifications addressed to this region `user` has not read.
pub async fn unread(db: &Db, region: &str, user: Uuid) -> AppResult<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM notifications n WHERE n.recipient_region = $1 \
         AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = $2)")
        .bind(region).bind(user).fetch_one(pool).await?))
}

/// Marks the notification read for `user`, audited; `false` when it was read already (nothing
/// written). The caller has checked that it is addressed to the user's region.
pub async fn mark_read(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    user: Uuid,
    n: &Notification,
) -> AppResult<bool> {
    Ok(with_tx!(db, tx => {
        let written = sqlx::query("INSERT INTO notification_reads (notification_id, user_id, read_at) VALUES ($1, $2, $3) \
                                   ON CONFLICT (notification_id, user_id) DO NOTHING")
            .bind(n.id).bind(user).bind(now)
            .execute(&mut *tx).await?.rows_affected() == 1;
        if written {
            tx.record(now, &Change {
                actor,
                action: "notification.read",
                object_kind: "notification",
                object_id: n.id.to_string(),
                region_code: Some(n.recipient_region.clone()),
                before: None,
                after: Some(json!({"read_at": now, "application_id": n.application_id, "step": n.step})),
            }).await?;
        }
        written
    }))
}
