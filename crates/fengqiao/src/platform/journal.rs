//! The audit log (审计日志) and the event outbox, written in the same transaction as the change
//! they describe: a change without its audit row cannot commit, and subscribers (search index,
//! dashboard counters, other departments) learn of it only from the outbox.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::auth::Actor;

/// One state change, described for the audit log and the outbox.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub actor: &'a Actor,
    /// Verb in the domain's words, e.g. `grid.create`.
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: String,
    /// The region the object belongs to (for region-scoped audit views and event routing).
    pub region_code: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// SHA-256 over the canonical JSON of a state (serde_json's maps are sorted by key).
pub fn digest(v: &Value) -> String {
    hex::encode(Sha256::digest(v.to_string().as_bytes()))
}

/// Writes the audit row and the outbox event of a change. Implemented for a transaction of
/// each backend from one body.
pub trait Journal {
    fn record(
        &mut self,
        at: DateTime<Utc>,
        change: &Change<'_>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

macro_rules! impl_journal {
    ($db:ty) => {
        impl Journal for sqlx::Transaction<'static, $db> {
            async fn record(&mut self, at: DateTime<Utc>, c: &Change<'_>) -> Result<(), sqlx::Error> {
                let (user_id, role, region) = match c.actor.user() {
                    Some(u) => (Some(u.user_id), u.role.key(), Some(u.region.to_string())),
                    None if matches!(c.actor, Actor::System) => (None, "system", None),
                    None => (None, "public", None),
                };
                let detail = serde_json::json!({ "actor_region": region, "after": c.after });
                sqlx::query(
                    "INSERT INTO audit_log (at, actor_user_id, actor_name, role, region_code, action, object_kind, object_id, before_digest, after_digest, detail, request_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(at)
                .bind(user_id)
                .bind(c.actor.audit_name())
                .bind(role)
                .bind(&c.region_code)
                .bind(c.action)
                .bind(c.object_kind)
                .bind(&c.object_id)
                .bind(c.before.as_ref().map(digest))
                .bind(c.after.as_ref().map(digest))
                .bind(detail.to_string())
                .bind(super::request_id::current())
                .execute(&mut **self)
                .await?;
                let payload = serde_json::json!({ "action": c.action, "after": c.after });
                outbox_lock(self).await?;
                sqlx::query("INSERT INTO outbox (at, kind, region_code, object_kind, object_id, payload) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(at)
                    .bind(c.action)
                    .bind(&c.region_code)
                    .bind(c.object_kind)
                    .bind(&c.object_id)
                    .bind(payload.to_string())
                    .execute(&mut **self)
                    .await?;
                Ok(())
            }
        }
    };
}
impl_journal!(sqlx::Sqlite);
impl_journal!(sqlx::Postgres);

/// Outbox ids must become visible in id order, or a subscriber reading `after=ID` could skip an
/// event whose transaction committed late. SQLite has one writer; on PostgreSQL writers of
/// events take a transaction-scoped advisory lock, so they commit one after another.
async fn outbox_lock<DB: sqlx::Database>(
    tx: &mut sqlx::Transaction<'static, DB>,
) -> Result<(), sqlx::Error>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    if DB::NAME == "PostgreSQL" {
        sqlx::raw_sql("SELECT pg_advisory_xact_lock(7346)")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// An audit row as shown to administrators.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub role: String,
    pub region_code: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub request_id: Option<String>,
}

/// An outbox event as published to subscribers.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct EventRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub region_code: Option<String>,
    pub object_kind: String,
    pub object_id: String,
    /// JSON text of the event payload.
    pub payload: String,
}
