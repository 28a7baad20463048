//! Deciding a grade, review requests during publicity, the grade's moves in time, and the one
//! question other modules ask: an organization's grade on a date (DOMAIN.md §8).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{EvaluationApplicationView, invalid, sheets, total, view};
use crate::evaluation::model::{self, Bands, Grade, rules as keys};
use crate::evaluation::store::{self, ApplicationRow, GradeRow};
use crate::platform::auth::Actor;
use crate::platform::notifications::{Notice, Recipient};
use crate::platform::{AppError, AppResult, AppState};
use crate::registration::model::Organization;

/// Decides an application on today's bands (DOMAIN.md §8): the total gives the grade (or none
/// below 1A); publicity for the working days in force, then in force from the next day; valid
/// to the corresponding date the validity's years on. The organization's accounts are told.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    a: &ApplicationRow,
    org: &Organization,
) -> AppResult<EvaluationApplicationView> {
    if a.state != "eligible" {
        return Err(AppError::conflict(
            "evaluation.not_open_for_decision",
            "该申请不可评定（不符合条件或已评定）",
            "The application cannot be decided (not eligible, or decided already)",
        ));
    }
    let inds = model::indicators(&org.org_type).unwrap_or(&[]);
    let score = total(&sheets(&store::scores(&state.db, a.id).await?, inds)).ok_or_else(|| {
        AppError::conflict(
            "evaluation.no_scores",
            "尚无完整的评分表",
            "No complete score sheet yet",
        )
    })?;
    let today = state.clock.today();
    let table = state.rules.table().await?;
    let bands = Bands::on(&table, today)?;
    let years = table.years_on(keys::VALIDITY, today)?;
    let publicity_days = table.working_days_on(keys::PUBLICITY, today)?;
    let publicity_until = crate::calendar::store::load(&state.db)
        .await?
        .add_working_days(today, publicity_days)
        .map_err(|e| AppError::from_code("decided_on", &e))?;
    let grade = bands.grade(score).map(|g: Grade| GradeRow {
        id: Uuid::now_v7(),
        organization_id: org.id,
        application_id: a.id,
        round_id: a.round_id,
        region_code: a.region_code.clone(),
        grade: g.key().into(),
        score: i64::from(score),
        decided_on: today,
        publicity_until,
        in_force_from: publicity_until + Days::new(1),
        valid_until: model::valid_until(today, years),
        status: "publicity".into(),
    });
    let note = match &grade {
        Some(g) => (
            format!(
                "{} 评估结果：{}（{} 分），公示至 {}，公示期间可申请复核",
                org.name, g.grade, score, publicity_until
            ),
            format!(
                "{}: evaluated {} ({} points); publicity until {}, when a review may be requested",
                org.name, g.grade, score, publicity_until
            ),
        ),
        None => (
            format!("{} 评估得分 {} 分，不予评级", org.name, score),
            format!("{}: {} points, no grade", org.name, score),
        ),
    };
    let recipients = store::organization_accounts(&state.db, org.id)
        .await?
        .into_iter()
        .map(|u| Recipient {
            region: org.region_code.clone(),
            roles: &[],
            user: Some(u),
            audience: "organization",
        })
        .collect();
    let link = format!("/registry/organizations/{}", org.id);
    let notice = Notice {
        kind: "evaluation_decided",
        object_kind: crate::evaluation::APPLICATION.name,
        object_id: a.id,
        topic: "decision",
        subject: &org.name,
        link: &link,
        note,
        detail: serde_json::json!({"score": score, "grade": grade.as_ref().map(|g| &g.grade)}),
        recipients,
    };
    store::decide(
        &state.db,
        state.clock.now(),
        actor,
        a,
        score,
        grade.as_ref(),
        &notice,
    )
    .await?;
    let a = store::application(&state.db, a.id)
        .await?
        .ok_or(AppError::NotFound)?;
    view(state, a, org).await
}

/// A review request (复核) during publicity (DOMAIN.md §8).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    #[serde(default)]
    pub reason: String,
}

pub async fn request_review(
    state: &AppState,
    actor: &Actor,
    grade_id: &str,
    b: &ReviewInput,
) -> AppResult<GradeRow> {
    let id = Uuid::parse_str(grade_id.trim()).map_err(|_| AppError::NotFound)?;
    let g = store::grade(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reason = b.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(invalid(
            "reason",
            "必填，不超过 2000 字",
            "Required, at most 2000 characters",
        ));
    }
    let today = state.clock.today();
    if g.status != "publicity" || today > g.publicity_until {
        return Err(AppError::conflict(
            "evaluation.publicity_over",
            format!("复核须在公示期内（至 {}）申请", g.publicity_until),
            format!(
                "A review is requested during publicity (until {})",
                g.publicity_until
            ),
        ));
    }
    store::insert_review(&state.db, state.clock.now(), actor, &g, today, reason).await?;
    Ok(g)
}

/// Puts into force the grades whose publicity ended without a review request, and expires those
/// past their last day (DOMAIN.md §8), as of today. Idempotent: a grade moves once. Each change
/// is recorded on the organization, so the register's index follows it. Returns how many moved.
pub async fn apply_transitions(state: &AppState) -> AppResult<u64> {
    let today = state.clock.today();
    let now = state.clock.now();
    let mut moved = 0;
    for g in store::due_transitions(&state.db, today).await? {
        let to = if g.status == "publicity" && today <= g.valid_until {
            "in_force"
        } else {
            "expired"
        };
        if store::transition(&state.db, now, &g, to).await? {
            moved += 1;
        }
    }
    Ok(moved)
}

/// The organization's grade current on `on`: in force (publicity over) and within its validity;
/// `None` when it has none or it has expired (DOMAIN.md §8).
pub async fn grade(
    state: &AppState,
    organization_id: Uuid,
    on: NaiveDate,
) -> AppResult<Option<GradeRow>> {
    Ok(store::grades_of(&state.db, organization_id)
        .await?
        .into_iter()
        .filter(|g| matches!(g.status.as_str(), "in_force" | "expired" | "superseded"))
        .find(|g| model::is_current(g.in_force_from, g.valid_until, on)))
}

/// An organization's grades as the public reads them: the current one on `as_of` and every
/// grade decided, publicity included.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganizationGrades {
    pub organization_id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub as_of: NaiveDate,
    pub current: Option<GradeRow>,
    pub grades: Vec<GradeRow>,
}

pub async fn organization_grades(
    state: &AppState,
    org: &Organization,
    as_of: NaiveDate,
) -> AppResult<OrganizationGrades> {
    Ok(OrganizationGrades {
        organization_id: org.id,
        uscc: org.uscc.clone(),
        name: org.name.clone(),
        as_of,
        current: grade(state, org.id, as_of).await?,
        grades: store::grades_of(&state.db, org.id)
            .await?
            .into_iter()
            .filter(|g| g.status != "revoked")
            .collect(),
    })
}
