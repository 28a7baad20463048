//! SQL of the public register: organizations read for the index, bulk writes of an import or
//! of the demo, the outbox as the index follows it, and the `LIKE` baseline of the benchmark.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::search::IndexDoc;
use crate::{with_db, with_tx};

/// Rows per multi-row INSERT (12 columns: well under both backends' bind-parameter limits).
const BATCH: usize = 500;
/// Ids per `IN (…)` list.
const IN_BATCH: usize = 500;

/// An organization as the register reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: String,
    pub category: String,
    pub region_code: String,
    pub status: String,
    pub registered_on: Option<NaiveDate>,
    pub business_scope: String,
    pub purpose: String,
    /// The evaluation grade in force (社会组织评估, 1A–5A), if any: the evaluation module
    /// records each change of it on the organization, so the index follows it.
    pub grade: Option<String>,
}

impl OrgRow {
    pub fn to_doc(&self) -> IndexDoc {
        IndexDoc {
            id: self.id.to_string(),
            uscc: self.uscc.clone(),
            name: self.name.clone(),
            text: format!("{} {}", self.business_scope, self.purpose),
            org_type: self.org_type.clone(),
            category: self.category.clone(),
            status: self.status.clone(),
            region_code: self.region_code.clone(),
            registered_on: self.registered_on,
            grade: self.grade.clone(),
        }
    }
}

/// A new organization (from an import or the demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: &'static str,
    pub category: &'static str,
    pub region_code: String,
    pub status: &'static str,
    pub registered_on: Option<NaiveDate>,
    pub business_scope: String,
    pub purpose: String,
}

const COLUMNS: &str = "id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose";
/// [`COLUMNS`] as read for the index, with the grade in force (at most one per organization,
/// a unique index of the evaluation module keeps it so).
const READ_COLUMNS: &str = "id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose, \
    (SELECT g.grade FROM evaluation_grades g WHERE g.organization_id = organizations.id AND g.status = 'in_force') AS grade";

/// Organizations in id order after `after` (keyset paging for the rebuild).
pub async fn orgs_after(db: &Db, after: Option<Uuid>, limit: i64) -> AppResult<Vec<OrgRow>> {
    let sql = format!(
        "SELECT {READ_COLUMNS} FROM organizations WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(after).bind(limit).fetch_all(pool).await?),
    )
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Organizations by id.
pub async fn orgs_by_ids(db: &Db, ids: &[Uuid]) -> AppResult<Vec<OrgRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_BATCH) {
        let sql = format!(
            "SELECT {READ_COLUMNS} FROM organizations WHERE id IN ({})",
            placeholders(chunk.len())
        );
        let rows = with_db!(db, pool => {
            let mut q = sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk { q = q.bind(id); }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Organizations by credit code.
pub async fn orgs_by_usccs(db: &Db, usccs: &[String]) -> AppResult<Vec<OrgRow>> {
    let mut out = Vec::new();
    for chunk in usccs.chunks(IN_BATCH) {
        let sql = format!(
            "SELECT {READ_COLUMNS} FROM organizations WHERE uscc IN ({})",
            placeholders(chunk.len())
        );
        let rows = with_db!(db, pool => {
            let mut q = sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.clone()));
            for u in chunk { q = q.bind(u); }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Which of `usccs` are already in the register.
pub async fn existing_usccs(db: &Db, usccs: &[String]) -> AppResult<HashSet<String>> {
    Ok(orgs_by_usccs(db, usccs)
        .await?
        .into_iter()
        .filter_map(|o| o.uscc)
        .collect())
}

/// Every division code (to check the regions of an import).
pub async fn region_codes(db: &Db) -> AppResult<HashSet<String>> {
    let rows = with_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT code FROM regions").fetch_all(pool).await?);
    Ok(rows.into_iter().collect())
}

pub async fn count_organizations(db: &Db) -> AppResult<i64> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM organizations").fetch_one(pool).await?),
    )
}

/// The newest outbox id (0 for none).
pub async fn max_outbox_id(db: &Db) -> AppResult<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM outbox").fetch_one(pool).await?)
        .unwrap_or(0))
}

/// An outbox event as the index follows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRef {
    pub id: i64,
    pub object_kind: String,
    pub object_id: String,
}

/// Events after `after`, oldest first.
pub async fn outbox_after(db: &Db, after: i64, limit: i64) -> AppResult<Vec<OutboxRef>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, OutboxRef>(
        "SELECT id, object_kind, object_id FROM outbox WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after).bind(limit).fetch_all(pool).await?))
}

macro_rules! insert_orgs {
    ($tx:expr, $now:expr, $chunk:expr) => {{
        let mut sql =
            format!("INSERT INTO organizations ({COLUMNS}, created_at, updated_at) VALUES ");
        for i in 0..$chunk.len() {
            let b = i * 12;
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(
                &(1..=12)
                    .map(|k| format!("${}", b + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for o in $chunk {
            q = q
                .bind(o.id)
                .bind(&o.uscc)
                .bind(&o.name)
                .bind(o.org_type)
                .bind(o.category)
                .bind(&o.region_code)
                .bind(o.status)
                .bind(o.registered_on)
                .bind(&o.business_scope)
                .bind(&o.purpose)
                .bind($now)
                .bind($now);
        }
        q.execute(&mut *$tx).await?;
    }};
}

/// The outbox events of new organizations (the index and other subscribers follow them).
macro_rules! insert_events {
    ($tx:expr, $now:expr, $kind:expr, $chunk:expr) => {{
        let mut sql = String::from("INSERT INTO outbox (at, kind, region_code, object_kind, object_id, payload) VALUES ");
        for i in 0..$chunk.len() {
            let b = i * 6;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for o in $chunk {
            let payload = serde_json::json!({"action": $kind, "after": {"uscc": o.uscc, "name": o.name, "status": o.status}});
            q = q.bind($now).bind($kind).bind(&o.region_code).bind("organization")
                .bind(o.id.to_string()).bind(payload.to_string());
        }
        q.execute(&mut *$tx).await?;
    }};
}

/// Writes an import in one transaction: its audit row (`register.import`, with the counts),
/// the organizations, and one outbox event per organization.
pub async fn import(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    rows: &[NewOrg],
    summary: serde_json::Value,
) -> AppResult<()> {
    let import_id = Uuid::now_v7().to_string();
    with_tx!(db, tx => {
        tx.record(now, &Change {
            actor,
            action: "register.import",
            object_kind: "register_import",
            object_id: import_id.clone(),
            region_code: actor.user().map(|u| u.region.to_string()),
            before: None,
            after: Some(summary.clone()),
        }).await?;
        for chunk in rows.chunks(BATCH) {
            insert_orgs!(tx, now, chunk);
            insert_events!(tx, now, "organization.import", chunk);
        }
    });
    Ok(())
}

/// Bulk insert of demo organizations, one transaction per batch. The demo loader is a
/// bootstrap path, not an officer's action: no audit rows nor events (the index is rebuilt
/// when its document count differs from the table's).
pub async fn insert_demo(db: &Db, now: DateTime<Utc>, rows: &[NewOrg]) -> AppResult<()> {
    with_tx!(db, tx => {
        for chunk in rows.chunks(BATCH) {
            insert_orgs!(tx, now, chunk);
        }
    });
    Ok(())
}

/// Names of divisions (for facet labels).
pub async fn region_names(db: &Db, codes: &[String]) -> AppResult<Vec<(String, String)>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT code, name FROM regions WHERE code IN ({})",
        placeholders(codes.len())
    );
    Ok(with_db!(db, pool => {
        let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql.clone()));
        for c in codes { q = q.bind(c); }
        q.fetch_all(pool).await?
    }))
}

/// The benchmark's baseline: the same terms as `LIKE '%…%'` over name, business scope and
/// purpose (all terms must match), a page of 20 in code order and the count of matches.
pub async fn like_search(db: &Db, terms: &[String]) -> AppResult<(i64, Vec<String>)> {
    let mut cond = Vec::new();
    for i in 0..terms.len() {
        cond.push(format!(
            "(name LIKE ${0} OR business_scope LIKE ${0} OR purpose LIKE ${0})",
            i + 1
        ));
    }
    let filter = if cond.is_empty() {
        "1 = 1".to_string()
    } else {
        cond.join(" AND ")
    };
    let count_sql = format!("SELECT COUNT(*) FROM organizations WHERE {filter}");
    let page_sql =
        format!("SELECT name FROM organizations WHERE {filter} ORDER BY uscc, name LIMIT 20");
    let patterns: Vec<String> = terms.iter().map(|t| format!("%{t}%")).collect();
    Ok(with_db!(db, pool => {
        let mut c = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.clone()));
        let mut p = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(page_sql.clone()));
        for pat in &patterns { c = c.bind(pat); p = p.bind(pat); }
        (c.fetch_one(pool).await?, p.fetch_all(pool).await?)
    }))
}

/// Divisions of a level inside a prefix, with their names (for the demo's organizations).
pub async fn divisions(db: &Db, level: &str, prefix: &str) -> AppResult<Vec<(String, String)>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, (String, String)>(
        "SELECT code, name FROM regions WHERE level = $1 AND code LIKE $2 ORDER BY code")
        .bind(level).bind(prefix).fetch_all(pool).await?))
}
