//! The grades' SQL: the decision (one per application), review requests, and the moves of a
//! grade's status (publicity → in force → expired), each recorded on the organization.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{ApplicationRow, GRADE_COLS, GradeRow, by};
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::notifications::{Notice, Notify};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

/// Decides an application: its state moves from `eligible` once (a second decision finds it
/// moved), and the grade, if any, is written with its audit row and the organization's notice.
pub async fn decide(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    a: &ApplicationRow,
    score: u32,
    grade: Option<&GradeRow>,
    notice: &Notice<'_>,
) -> AppResult<()> {
    let state = if grade.is_some() {
        "graded"
    } else {
        "not_graded"
    };
    with_tx!(db, tx => {
        let n = sqlx::query("UPDATE evaluation_applications SET state = $2 WHERE id = $1 AND state = 'eligible'")
            .bind(a.id).bind(state).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(AppError::conflict("evaluation.already_decided", "该申请已评定", "The application is already decided"));
        }
        if let Some(g) = grade {
            sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO evaluation_grades ({GRADE_COLS}, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")))
                .bind(g.id).bind(g.organization_id).bind(g.application_id).bind(g.round_id).bind(&g.region_code)
                .bind(&g.grade).bind(g.score).bind(g.decided_on).bind(g.publicity_until).bind(g.in_force_from)
                .bind(g.valid_until).bind(&g.status).bind(by(actor)).bind(now)
                .execute(&mut *tx).await?;
        }
        tx.record(now, &Change { actor, action: "evaluation.decide", object_kind: "evaluation.application",
            object_id: a.id.to_string(), region_code: Some(a.region_code.clone()), before: None,
            after: Some(json!({"score": score, "state": state, "grade": grade.map(|g| &g.grade), "grade_id": grade.map(|g| g.id),
                "publicity_until": grade.map(|g| g.publicity_until), "valid_until": grade.map(|g| g.valid_until)})) }).await?;
        tx.notify(now, notice).await?;
    });
    Ok(())
}

pub async fn grade(db: &Db, id: Uuid) -> AppResult<Option<GradeRow>> {
    let sql = format!("SELECT {GRADE_COLS} FROM evaluation_grades WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, GradeRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// An organization's grades, newest decision first.
pub async fn grades_of(db: &Db, organization_id: Uuid) -> AppResult<Vec<GradeRow>> {
    let sql = format!(
        "SELECT {GRADE_COLS} FROM evaluation_grades WHERE organization_id = $1 ORDER BY decided_on DESC, decided_at DESC"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, GradeRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(organization_id).fetch_all(pool).await?),
    )
}

pub async fn insert_review(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    g: &GradeRow,
    on: NaiveDate,
    reason: &str,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let res: Result<(), AppError> = async {
        with_tx!(db, tx => {
            sqlx::query("INSERT INTO evaluation_reviews (id, grade_id, requested_on, reason, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(g.id).bind(on).bind(reason).bind(by(actor)).bind(now).execute(&mut *tx).await?;
            tx.record(now, &Change { actor, action: "evaluation.review_request", object_kind: "evaluation.grade",
                object_id: g.id.to_string(), region_code: Some(g.region_code.clone()), before: None,
                after: Some(json!({"review_id": id, "requested_on": on, "reason": reason})) }).await?;
        });
        Ok(())
    }
    .await;
    res.map_err(|e| match e {
        AppError::Conflict { .. } => AppError::conflict(
            "evaluation.review_exists",
            "已申请复核",
            "A review has already been requested",
        ),
        e => e,
    })?;
    Ok(id)
}

pub async fn has_review(db: &Db, grade_id: Uuid) -> AppResult<bool> {
    let n: i64 = with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM evaluation_reviews WHERE grade_id = $1")
        .bind(grade_id).fetch_one(pool).await?);
    Ok(n > 0)
}

/// Grades whose status must change on `today`: publicity over without a review request (in
/// force), or past their last day (expired).
pub async fn due_transitions(db: &Db, today: NaiveDate) -> AppResult<Vec<GradeRow>> {
    let sql = format!(
        "SELECT {GRADE_COLS} FROM evaluation_grades g WHERE \
         (status = 'publicity' AND in_force_from <= $1 AND NOT EXISTS (SELECT 1 FROM evaluation_reviews r WHERE r.grade_id = g.id)) \
         OR (status = 'in_force' AND valid_until < $1) ORDER BY in_force_from, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, GradeRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(today).fetch_all(pool).await?),
    )
}

/// Moves one grade to `to` (from the status it was read with: a second run finds it moved and
/// does nothing); a grade coming into force supersedes the organization's grade in force. The
/// change is recorded on the organization, so the register's index follows it.
pub async fn transition(
    db: &Db,
    now: DateTime<Utc>,
    g: &GradeRow,
    to: &'static str,
) -> AppResult<bool> {
    let moved = with_tx!(db, tx => {
        if to == "in_force" {
            sqlx::query("UPDATE evaluation_grades SET status = 'superseded' WHERE organization_id = $1 AND status = 'in_force'")
                .bind(g.organization_id).execute(&mut *tx).await?;
        }
        let n = sqlx::query("UPDATE evaluation_grades SET status = $3 WHERE id = $1 AND status = $2")
            .bind(g.id).bind(&g.status).bind(to).execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            tx.record(now, &Change { actor: &Actor::System, action: "evaluation.grade_status", object_kind: "organization",
                object_id: g.organization_id.to_string(), region_code: Some(g.region_code.clone()),
                before: Some(json!({"grade_id": g.id, "status": g.status})),
                after: Some(json!({"grade_id": g.id, "grade": g.grade, "status": to, "valid_until": g.valid_until})) }).await?;
        }
        n == 1
    });
    Ok(moved)
}
