//! SQL of notifications: written inside the transaction of the change that causes them, read by
//! their recipients with each account's own read state.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{Notice, Notification, Recipient};
use crate::platform::AppResult;
use crate::platform::auth::{Actor, UserActor};
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::{with_db, with_tx};

/// The notifications an account reads: addressed to it, or to its role's exact region and
/// (when the notice names roles) its role. `$1` region, `$2` user, `$3` role key.
const FOR_ACCOUNT: &str = "(n.recipient_user_id = $2 OR (n.recipient_user_id IS NULL AND n.recipient_region = $1 \
     AND (n.recipient_roles = '' OR n.recipient_roles LIKE '% ' || $3 || ' %')))";

const SELECT: &str = "SELECT n.id, n.created_at, n.kind, n.object_kind, n.object_id, n.topic, n.audience, \
            n.recipient_region, n.subject, n.link, n.note_zh, n.note_en, n.detail, r.read_at \
     FROM notifications n \
     LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $2";

/// Writing notices in a transaction (either backend's), beside the audit row of the change that
/// causes them, like [`Journal::record`]: `tx.notify(now, &notice)` writes one row for each
/// recipient not told before (its `dedup_key`) and returns how many were told now.
pub trait Notify {
    fn notify(
        &mut self,
        now: DateTime<Utc>,
        notice: &Notice<'_>,
    ) -> impl std::future::Future<Output = Result<u64, sqlx::Error>> + Send;
}

macro_rules! notify_impl {
    ($db:ty) => {
        impl Notify for sqlx::Transaction<'static, $db> {
            async fn notify(&mut self, now: DateTime<Utc>, notice: &Notice<'_>) -> Result<u64, sqlx::Error> {
                let mut told = 0;
                for r in &notice.recipients {
                    told += sqlx::query(
                        "INSERT INTO notifications (id, created_at, kind, object_kind, object_id, topic, recipient_region, \
                         recipient_roles, recipient_user_id, audience, subject, link, note_zh, note_en, detail, dedup_key) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                         ON CONFLICT (dedup_key) DO NOTHING",
                    )
                    .bind(Uuid::now_v7())
                    .bind(now)
                    .bind(notice.kind)
                    .bind(notice.object_kind)
                    .bind(notice.object_id)
                    .bind(notice.topic)
                    .bind(&r.region)
                    .bind(Recipient::roles_column(r.roles))
                    .bind(r.user)
                    .bind(r.audience)
                    .bind(notice.subject)
                    .bind(notice.link)
                    .bind(notice.note.0.as_str())
                    .bind(notice.note.1.as_str())
                    .bind(notice.detail.to_string())
                    .bind(notice.dedup_key(r))
                    .execute(&mut **self)
                    .await?
                    .rows_affected();
                }
                Ok(told)
            }
        }
    };
}
notify_impl!(sqlx::Sqlite);
notify_impl!(sqlx::Postgres);

/// The account's notifications, newest first; only the unread ones when `unread_only`.
pub async fn list(
    db: &Db,
    u: &UserActor,
    unread_only: bool,
    limit: i64,
) -> AppResult<Vec<Notification>> {
    let sql = format!(
        "{SELECT} WHERE {FOR_ACCOUNT} AND ($4 OR r.read_at IS NULL) ORDER BY n.created_at DESC, n.id DESC LIMIT $5"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Notification>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(u.region.as_str()).bind(u.user_id).bind(u.role.key()).bind(!unread_only).bind(limit)
        .fetch_all(pool).await?),
    )
}

/// One of the account's notifications.
pub async fn get(db: &Db, u: &UserActor, id: Uuid) -> AppResult<Option<Notification>> {
    let sql = format!("{SELECT} WHERE {FOR_ACCOUNT} AND n.id = $4");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Notification>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(u.region.as_str()).bind(u.user_id).bind(u.role.key()).bind(id).fetch_optional(pool).await?),
    )
}

/// How many of the account's notifications it has not read.
pub async fn unread(db: &Db, u: &UserActor) -> AppResult<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM notifications n WHERE {FOR_ACCOUNT} \
         AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = $2)"
    );
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(u.region.as_str()).bind(u.user_id).bind(u.role.key()).fetch_one(pool).await?),
    )
}

/// Marks the notification read for the account, audited; `false` when it was read already.
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
                after: Some(json!({"read_at": now, "kind": n.kind, "object_kind": n.object_kind,
                                   "object_id": n.object_id, "topic": n.topic})),
            }).await?;
        }
        written
    }))
}
