//! SQL for reading the audit log and the event outbox.

use crate::platform::AppResult;
use crate::platform::db::Db;
use crate::platform::journal::{AuditRow, EventRow};
use crate::with_db;

/// Filters of the audit log page; every filter is optional.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    /// Only rows before this id (paging, newest first).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

impl AuditFilter {
    fn clean(v: &Option<String>) -> Option<String> {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }
}

/// Audit rows inside the region prefix (`None`: everything), newest first.
pub async fn audit(
    db: &Db,
    region_prefix: Option<&str>,
    f: &AuditFilter,
) -> AppResult<Vec<AuditRow>> {
    let limit = f.limit.unwrap_or(100).clamp(1, 1000);
    // Each filter is `($n IS NULL OR column = $n)`: one statement text, so both backends plan it once.
    let sql = "SELECT id, at, actor_name, role, region_code, action, object_kind, object_id, before_digest, after_digest, request_id FROM audit_log \
               WHERE ($1 IS NULL OR region_code LIKE $1) AND ($2 IS NULL OR action = $2) AND ($3 IS NULL OR actor_name = $3) \
               AND ($4 IS NULL OR object_kind = $4) AND ($5 IS NULL OR object_id = $5) AND ($6 IS NULL OR id < $6) \
               ORDER BY id DESC LIMIT $7";
    Ok(with_db!(db, pool => sqlx::query_as::<_, AuditRow>(sql)
        .bind(region_prefix)
        .bind(AuditFilter::clean(&f.action))
        .bind(AuditFilter::clean(&f.actor))
        .bind(AuditFilter::clean(&f.object_kind))
        .bind(AuditFilter::clean(&f.object_id))
        .bind(f.before)
        .bind(limit)
        .fetch_all(pool).await?))
}

/// Events after `after`, oldest first, inside the region prefix.
pub async fn events_after(
    db: &Db,
    region_prefix: Option<&str>,
    after: i64,
    limit: i64,
) -> AppResult<Vec<EventRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, EventRow>(
        "SELECT id, at, kind, region_code, object_kind, object_id, payload FROM outbox \
         WHERE id > $1 AND ($2 IS NULL OR region_code LIKE $2) ORDER BY id LIMIT $3",
    )
    .bind(after)
    .bind(region_prefix)
    .bind(limit.clamp(1, 1000))
    .fetch_all(pool).await?))
}
