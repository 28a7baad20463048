//! Demo writes of the evaluation module (rows as they stood, dated back).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{ApplicationRow, GRADE_COLS, GradeRow, RoundRow};
use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::{with_db, with_tx};

/// Demo: a grade written as decided in the past, with its application and round.
pub async fn insert_demo_grade(
    db: &Db,
    now: DateTime<Utc>,
    a: &ApplicationRow,
    g: &GradeRow,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO evaluation_applications (id, round_id, organization_id, region_code, state, reasons, applied_on, created_at) VALUES ($1, $2, $3, $4, 'graded', '[]', $5, $6)")
            .bind(a.id).bind(a.round_id).bind(a.organization_id).bind(&a.region_code).bind(a.applied_on).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO evaluation_grades ({GRADE_COLS}, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")))
            .bind(g.id).bind(g.organization_id).bind(g.application_id).bind(g.round_id).bind(&g.region_code)
            .bind(&g.grade).bind(g.score).bind(g.decided_on).bind(g.publicity_until).bind(g.in_force_from)
            .bind(g.valid_until).bind(&g.status).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &Change { actor: &Actor::System, action: "evaluation.demo", object_kind: "organization",
            object_id: g.organization_id.to_string(), region_code: Some(g.region_code.clone()), before: None,
            after: Some(json!({"grade_id": g.id, "grade": g.grade, "status": g.status})) }).await?;
    });
    Ok(())
}

/// Demo: whether the expert pool has anyone (the demo loads once).
pub async fn has_experts(db: &Db) -> AppResult<bool> {
    let n: i64 = with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM evaluation_experts").fetch_one(pool).await?);
    Ok(n > 0)
}

/// Demo: an organization of the demo (registered, 社会团体) unless its USCC exists; its id.
pub async fn demo_organization(
    db: &Db,
    now: DateTime<Utc>,
    (uscc, name): (&str, &str),
    region_code: &str,
    registered_on: NaiveDate,
) -> AppResult<Uuid> {
    let id = with_tx!(db, tx => {
        let seen: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM organizations WHERE uscc = $1")
            .bind(uscc).fetch_optional(&mut *tx).await?;
        match seen {
            Some((id,)) => id,
            None => {
                let id = Uuid::now_v7();
                sqlx::query("INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose, address, created_at, updated_at) \
                             VALUES ($1, $2, $3, 'social_group', 'other', $4, 'registered', $5, '学术交流 行业服务', '团结会员，开展交流', '', $6, $6)")
                    .bind(id).bind(uscc).bind(name).bind(region_code).bind(registered_on).bind(now)
                    .execute(&mut *tx).await?;
                tx.record(now, &Change { actor: &Actor::System, action: "evaluation.demo", object_kind: "organization",
                    object_id: id.to_string(), region_code: Some(region_code.to_string()), before: None,
                    after: Some(json!({"uscc": uscc, "name": name})) }).await?;
                id
            }
        }
    });
    Ok(id)
}

/// Demo: a round row as it stood (closed rounds of past years).
pub async fn insert_demo_round(db: &Db, now: DateTime<Utc>, r: &RoundRow) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO evaluation_rounds (id, region_code, year, title, state, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(r.id).bind(&r.region_code).bind(r.year).bind(&r.title).bind(&r.state).bind(now)
            .execute(&mut *tx).await?;
    });
    Ok(())
}
