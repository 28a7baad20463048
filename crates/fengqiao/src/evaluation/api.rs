//! JSON handlers of evaluation grades (DOMAIN.md §8). `{uscc}` is an organization's credit code
//! or its id, as the registration module's routes take it.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{INDICATORS, Indicator};
use super::service::{
    self, ApplyInput, EvaluationApplicationView, OrganizationGrades, ReviewInput, RoundInput,
    RoundView, SheetInput,
};
use super::store::{self, GradeRow, RoundRow};
use crate::directory::model::{parse_date, present};
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppResult, AppState};
use crate::registration::service::governance::load_org;

/// The indicators of one organization type.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorSet {
    pub org_type: &'static str,
    pub indicators: Vec<Indicator>,
}

/// The indicator system (评估指标): the four first-level indicators with their maximum points
/// per organization type, out of 1 000 (DOMAIN.md §8). Public.
#[utoipa::path(get, path = "/api/v1/evaluations/indicators", tag = "evaluation",
    responses((status = 200, body = Vec<IndicatorSet>)))]
pub async fn indicators() -> Json<Vec<IndicatorSet>> {
    Json(
        INDICATORS
            .iter()
            .map(|(t, i)| IndicatorSet {
                org_type: t,
                indicators: i.to_vec(),
            })
            .collect(),
    )
}

/// Officers open a round for a region inside theirs, one per region and year.
#[utoipa::path(post, path = "/api/v1/evaluations/rounds", tag = "evaluation",
    request_body = RoundInput,
    responses((status = 201, body = RoundRow), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn open_round(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<RoundInput>,
) -> AppResult<(StatusCode, Json<RoundRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::open_round(&state, &actor, &b).await?),
    ))
}

/// The rounds of the reader's region, newest first.
#[utoipa::path(get, path = "/api/v1/evaluations/rounds", tag = "evaluation",
    responses((status = 200, body = Vec<RoundRow>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_rounds(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<RoundRow>>> {
    Ok(Json(
        store::rounds(&state.db, &service::reader_region(&actor)).await?,
    ))
}

/// A round as published: its seed and the candidates' ids once the panel is drawn (anyone can
/// re-run the draw of `platform::draw` from them), and its panel. Public.
#[utoipa::path(get, path = "/api/v1/evaluations/rounds/{id}", tag = "evaluation",
    params(("id" = String, Path)),
    responses((status = 200, body = RoundView), (status = 404, body = Problem)))]
pub async fn get_round(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<RoundView>> {
    let r = service::load_round(&state, &id).await?;
    Ok(Json(service::round_view(&state, r, false).await?))
}

/// The round with its applications, their eligibility reasons, scores and grades (officers of
/// the region, experts).
#[utoipa::path(get, path = "/api/v1/evaluations/rounds/{id}/applications", tag = "evaluation",
    params(("id" = String, Path)),
    responses((status = 200, body = RoundView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn round_applications(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<RoundView>> {
    let r = service::load_round(&state, &id).await?;
    Ok(Json(service::round_view(&state, r, true).await?))
}

/// An org_admin applies for an organization bound to him, or an officer enrols one of his
/// region. Eligibility (DOMAIN.md §8) is judged on the day: the application is stored as
/// `eligible`, or `refused` with every reason.
#[utoipa::path(post, path = "/api/v1/evaluations/rounds/{id}/applications", tag = "evaluation",
    params(("id" = String, Path)), request_body = ApplyInput,
    responses((status = 201, body = EvaluationApplicationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn apply(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<ApplyInput>,
) -> AppResult<(StatusCode, Json<EvaluationApplicationView>)> {
    let r = service::load_round(&state, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::apply(&state, &actor, &r, &b).await?),
    ))
}

/// Draws the round's expert panel from the pool, conflicted experts excluded; the seed is
/// stored and published. Once per round.
#[utoipa::path(post, path = "/api/v1/evaluations/rounds/{id}/draw", tag = "evaluation",
    params(("id" = String, Path)),
    responses((status = 201, body = RoundView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn draw_panel(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<RoundView>)> {
    let r = service::load_round(&state, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::draw_panel(&state, &actor, &r).await?),
    ))
}

/// The scorer's sheet for an application (an expert on the round's panel, or an officer): each
/// indicator within its maximum, 422 naming the indicator otherwise. Replaces his earlier sheet.
#[utoipa::path(put, path = "/api/v1/evaluations/applications/{id}/scores", tag = "evaluation",
    params(("id" = String, Path)), request_body = SheetInput,
    responses((status = 200, body = EvaluationApplicationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn enter_scores(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<SheetInput>,
) -> AppResult<Json<EvaluationApplicationView>> {
    let (a, org) = service::load_application(&state, &id).await?;
    Ok(Json(
        service::enter_scores(&state, &actor, &a, &org, &b).await?,
    ))
}

/// The officer decides: the score's band gives the grade (rule parameters in force today),
/// publicized, then in force; once per application.
#[utoipa::path(post, path = "/api/v1/evaluations/applications/{id}/decision", tag = "evaluation",
    params(("id" = String, Path)),
    responses((status = 201, body = EvaluationApplicationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<EvaluationApplicationView>)> {
    let (a, org) = service::load_application(&state, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::decide(&state, &actor, &a, &org).await?),
    ))
}

/// The organization (its org_admin) requests a review (复核) during publicity; the grade then
/// waits for the review.
#[utoipa::path(post, path = "/api/v1/evaluations/grades/{id}/reviews", tag = "evaluation",
    params(("id" = String, Path)), request_body = ReviewInput,
    responses((status = 201, body = GradeRow), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_review(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<ReviewInput>,
) -> AppResult<(StatusCode, Json<GradeRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::request_review(&state, &actor, &id, &b).await?),
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AsOf {
    /// YYYY-MM-DD (default today): the grade current that day.
    pub as_of: Option<String>,
}

/// An organization's grade current on `as_of` (an expired grade is not current) and every grade
/// decided. Public.
#[utoipa::path(get, path = "/api/v1/evaluations/organizations/{uscc}", tag = "evaluation",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one"), AsOf),
    responses((status = 200, body = OrganizationGrades), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn organization_grades(
    State(state): State<AppState>,
    Path(uscc): Path<String>,
    Query(q): Query<AsOf>,
) -> AppResult<Json<OrganizationGrades>> {
    let org = load_org(&state, &uscc).await?;
    let as_of = match present(&q.as_of) {
        None => state.clock.today(),
        Some(s) => parse_date("as_of", s)?,
    };
    Ok(Json(
        service::organization_grades(&state, &org, as_of).await?,
    ))
}
