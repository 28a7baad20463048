//! SQL of the evaluation module, and only here. Writes go in one transaction with their audit
//! row and outbox event; the database decides races: one application per organization and round
//! (a unique key), one draw per round (`seed IS NULL` in the update), one grade per application
//! (a unique key), at most one grade in force per organization (a partial unique index).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::platform::auth::Actor;
use crate::platform::auth::store::ScopeRow;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct RoundRow {
    pub id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub title: String,
    pub state: String,
    /// The draw's seed (hex), published once the panel is drawn.
    pub seed: Option<String>,
    /// The candidates' ids the panel was drawn from (JSON list), published with the seed.
    pub candidates: Option<String>,
    pub drawn_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub round_id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub state: String,
    /// JSON list of refusal reasons.
    #[serde(skip)]
    pub reasons: String,
    pub applied_on: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ExpertRow {
    pub id: Uuid,
    pub name: String,
    pub fields: String,
    pub region_code: String,
    #[serde(skip)]
    pub user_id: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TieRow {
    pub expert_id: Uuid,
    pub organization_id: Uuid,
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ScoreRow {
    pub scorer_id: Uuid,
    pub indicator: String,
    pub points: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct GradeRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub application_id: Uuid,
    pub round_id: Uuid,
    pub region_code: String,
    pub grade: String,
    pub score: i64,
    pub decided_on: NaiveDate,
    pub publicity_until: NaiveDate,
    pub in_force_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: String,
}

const ROUND_COLS: &str =
    "id, region_code, year, title, state, seed, candidates, drawn_on, created_at";
const APP_COLS: &str = "id, round_id, organization_id, region_code, state, reasons, applied_on";
pub(super) const GRADE_COLS: &str = "id, organization_id, application_id, round_id, region_code, grade, score, decided_on, publicity_until, in_force_from, valid_until, status";

pub(super) fn by(actor: &Actor) -> Option<Uuid> {
    actor.user().map(|u| u.user_id)
}

pub async fn round_scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    let r: Option<(String,)> = with_db!(db, pool => sqlx::query_as("SELECT region_code FROM evaluation_rounds WHERE id = $1")
        .bind(id).fetch_optional(pool).await?);
    Ok(r.map(|(c,)| ScopeRow::region(c)))
}

pub async fn application_scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    let r: Option<(String, Uuid)> = with_db!(db, pool => sqlx::query_as("SELECT region_code, organization_id FROM evaluation_applications WHERE id = $1")
        .bind(id).fetch_optional(pool).await?);
    Ok(r.map(|(c, o)| ScopeRow {
        region_code: c,
        applicant_user_id: None,
        organization_id: Some(o),
    }))
}

pub async fn grade_scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    let r: Option<(String, Uuid)> = with_db!(db, pool => sqlx::query_as("SELECT region_code, organization_id FROM evaluation_grades WHERE id = $1")
        .bind(id).fetch_optional(pool).await?);
    Ok(r.map(|(c, o)| ScopeRow {
        region_code: c,
        applicant_user_id: None,
        organization_id: Some(o),
    }))
}

pub async fn insert_round(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    r: &RoundRow,
) -> AppResult<()> {
    let res: Result<(), AppError> = async {
        with_tx!(db, tx => {
            sqlx::query("INSERT INTO evaluation_rounds (id, region_code, year, title, state, created_by, created_at) VALUES ($1, $2, $3, $4, 'open', $5, $6)")
                .bind(r.id).bind(&r.region_code).bind(r.year).bind(&r.title).bind(by(actor)).bind(now)
                .execute(&mut *tx).await?;
            tx.record(now, &Change { actor, action: "evaluation.round_open", object_kind: "evaluation.round",
                object_id: r.id.to_string(), region_code: Some(r.region_code.clone()), before: None,
                after: Some(json!({"year": r.year, "title": r.title})) }).await?;
        });
        Ok(())
    }
    .await;
    res.map_err(|e| match e {
        AppError::Conflict { .. } => AppError::Conflict {
            code: "evaluation.round_exists".into(),
            field: Some("year".into()),
            message: crate::platform::error::Bilingual::new(
                "本辖区该年度已有评估批次",
                "This region already has a round in that year",
            ),
        },
        e => e,
    })
}

pub async fn round(db: &Db, id: Uuid) -> AppResult<Option<RoundRow>> {
    let sql = format!("SELECT {ROUND_COLS} FROM evaluation_rounds WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, RoundRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Rounds of regions matching `region_like` (a LIKE pattern), newest first.
pub async fn rounds(db: &Db, region_like: &str) -> AppResult<Vec<RoundRow>> {
    let sql = format!(
        "SELECT {ROUND_COLS} FROM evaluation_rounds WHERE region_code LIKE $1 ORDER BY year DESC, created_at DESC LIMIT 200"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, RoundRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(region_like).fetch_all(pool).await?),
    )
}

pub async fn insert_application(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    a: &ApplicationRow,
) -> AppResult<()> {
    let res: Result<(), AppError> = async {
        with_tx!(db, tx => {
            sqlx::query("INSERT INTO evaluation_applications (id, round_id, organization_id, region_code, state, reasons, applied_on, applied_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(a.id).bind(a.round_id).bind(a.organization_id).bind(&a.region_code).bind(&a.state)
                .bind(&a.reasons).bind(a.applied_on).bind(by(actor)).bind(now)
                .execute(&mut *tx).await?;
            tx.record(now, &Change { actor, action: "evaluation.apply", object_kind: "evaluation.application",
                object_id: a.id.to_string(), region_code: Some(a.region_code.clone()), before: None,
                after: Some(json!({"round_id": a.round_id, "organization_id": a.organization_id, "state": a.state, "applied_on": a.applied_on})) }).await?;
        });
        Ok(())
    }
    .await;
    res.map_err(|e| match e {
        AppError::Conflict { .. } => AppError::Conflict {
            code: "evaluation.already_applied".into(),
            field: Some("organization".into()),
            message: crate::platform::error::Bilingual::new(
                "该组织已申请本批次评估",
                "The organization has already applied in this round",
            ),
        },
        e => e,
    })
}

pub async fn application(db: &Db, id: Uuid) -> AppResult<Option<ApplicationRow>> {
    let sql = format!("SELECT {APP_COLS} FROM evaluation_applications WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn applications(db: &Db, round_id: Uuid) -> AppResult<Vec<ApplicationRow>> {
    let sql = format!(
        "SELECT {APP_COLS} FROM evaluation_applications WHERE round_id = $1 ORDER BY created_at, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(round_id).fetch_all(pool).await?),
    )
}

/// The latest grade's last day of an organization (any status but revoked).
pub async fn latest_valid_until(db: &Db, organization_id: Uuid) -> AppResult<Option<NaiveDate>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, Option<NaiveDate>>(
        "SELECT MAX(valid_until) FROM evaluation_grades WHERE organization_id = $1 AND status <> 'revoked'")
        .bind(organization_id).fetch_one(pool).await?),
    )
}

pub async fn experts(db: &Db) -> AppResult<Vec<ExpertRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ExpertRow>(
        "SELECT id, name, fields, region_code, user_id FROM evaluation_experts ORDER BY id")
        .fetch_all(pool).await?))
}

pub async fn expert_by_user(db: &Db, user_id: Uuid) -> AppResult<Option<ExpertRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ExpertRow>(
        "SELECT id, name, fields, region_code, user_id FROM evaluation_experts WHERE user_id = $1")
        .bind(user_id).fetch_optional(pool).await?))
}

/// The ties of any expert to any organization applying in the round.
pub async fn ties_in_round(db: &Db, round_id: Uuid) -> AppResult<Vec<TieRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, TieRow>(
        "SELECT t.expert_id, t.organization_id, t.left_on FROM evaluation_expert_ties t \
         JOIN evaluation_applications a ON a.organization_id = t.organization_id AND a.round_id = $1")
        .bind(round_id).fetch_all(pool).await?))
}

pub async fn insert_expert(
    db: &Db,
    now: DateTime<Utc>,
    e: &ExpertRow,
    ties: &[(Uuid, String, Option<NaiveDate>)],
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO evaluation_experts (id, name, fields, region_code, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(e.id).bind(&e.name).bind(&e.fields).bind(&e.region_code).bind(e.user_id).bind(now)
            .execute(&mut *tx).await?;
        for (org, relation, left_on) in ties {
            sqlx::query("INSERT INTO evaluation_expert_ties (expert_id, organization_id, relation, left_on) VALUES ($1, $2, $3, $4)")
                .bind(e.id).bind(org).bind(relation).bind(left_on).execute(&mut *tx).await?;
        }
        tx.record(now, &Change { actor: &Actor::System, action: "evaluation.expert_add", object_kind: "evaluation.expert",
            object_id: e.id.to_string(), region_code: Some(e.region_code.clone()), before: None,
            after: Some(json!({"name": e.name, "fields": e.fields, "ties": ties.len()})) }).await?;
    });
    Ok(())
}

/// Records the draw once: the round's seed, candidates and panel. A second draw of the same
/// round (two officers at once) finds the seed set and changes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn save_draw(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    round: &RoundRow,
    seed: &str,
    candidates: &[String],
    drawn_on: NaiveDate,
    panel: &[Uuid],
) -> AppResult<()> {
    let cands = serde_json::to_string(candidates).map_err(anyhow::Error::from)?;
    with_tx!(db, tx => {
        let n = sqlx::query("UPDATE evaluation_rounds SET state = 'drawn', seed = $2, candidates = $3, drawn_on = $4 WHERE id = $1 AND seed IS NULL")
            .bind(round.id).bind(seed).bind(&cands).bind(drawn_on).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(AppError::conflict("evaluation.already_drawn", "本批次已抽取专家", "The panel of this round is already drawn"));
        }
        for (i, e) in panel.iter().enumerate() {
            sqlx::query("INSERT INTO evaluation_panel_members (round_id, expert_id, position) VALUES ($1, $2, $3)")
                .bind(round.id).bind(e).bind(i as i64).execute(&mut *tx).await?;
        }
        tx.record(now, &Change { actor, action: "evaluation.draw", object_kind: "evaluation.round",
            object_id: round.id.to_string(), region_code: Some(round.region_code.clone()), before: None,
            after: Some(json!({"seed": seed, "candidates": candidates, "panel": panel, "drawn_on": drawn_on})) }).await?;
    });
    Ok(())
}

pub async fn panel(db: &Db, round_id: Uuid) -> AppResult<Vec<ExpertRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ExpertRow>(
        "SELECT e.id, e.name, e.fields, e.region_code, e.user_id FROM evaluation_panel_members p \
         JOIN evaluation_experts e ON e.id = p.expert_id WHERE p.round_id = $1 ORDER BY p.position")
        .bind(round_id).fetch_all(pool).await?))
}

/// Replaces one scorer's sheet for an application (each indicator once).
pub async fn save_sheet(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    a: &ApplicationRow,
    scorer: Uuid,
    sheet: &[(&'static str, u32)],
) -> AppResult<()> {
    with_tx!(db, tx => {
        let st: Option<(String,)> = sqlx::query_as("SELECT state FROM evaluation_applications WHERE id = $1")
            .bind(a.id).fetch_optional(&mut *tx).await?;
        if st.map(|s| s.0).as_deref() != Some("eligible") {
            return Err(AppError::conflict("evaluation.not_open_for_scores", "该申请不在评分阶段", "The application is not open for scores"));
        }
        sqlx::query("DELETE FROM evaluation_scores WHERE application_id = $1 AND scorer_id = $2")
            .bind(a.id).bind(scorer).execute(&mut *tx).await?;
        for (code, points) in sheet {
            sqlx::query("INSERT INTO evaluation_scores (application_id, scorer_id, indicator, points, entered_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(a.id).bind(scorer).bind(*code).bind(i64::from(*points)).bind(now).execute(&mut *tx).await?;
        }
        tx.record(now, &Change { actor, action: "evaluation.score", object_kind: "evaluation.application",
            object_id: a.id.to_string(), region_code: Some(a.region_code.clone()), before: None,
            after: Some(json!({"scorer": scorer, "sheet": sheet.iter().map(|(c, p)| json!({"indicator": c, "points": p})).collect::<Vec<_>>()})) }).await?;
    });
    Ok(())
}

pub async fn scores(db: &Db, application_id: Uuid) -> AppResult<Vec<ScoreRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ScoreRow>(
        "SELECT scorer_id, indicator, points FROM evaluation_scores WHERE application_id = $1 ORDER BY scorer_id, indicator")
        .bind(application_id).fetch_all(pool).await?))
}

/// The accounts bound to an organization (to notify them).
pub async fn organization_accounts(db: &Db, organization_id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, Uuid>(
        "SELECT user_id FROM organization_accounts WHERE organization_id = $1")
        .bind(organization_id).fetch_all(pool).await?))
}

mod demo;
mod grades;

pub use demo::{demo_organization, has_experts, insert_demo_grade, insert_demo_round};
pub use grades::{
    decide, due_transitions, grade, grades_of, has_review, insert_review, transition,
};
