//! JSON handlers of the charity module under `/api/v1/charity/…`: applications and decisions,
//! fundraising plans and their disclosures, supervision warnings.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{Application, ApplicationView, Disclosure, Plan, PlanView};
use super::service::{
    self, CharityWarnings, ClosePlan, DecisionBody, NewApplication, NewDisclosure, NewPlan,
    parse_id,
};
use super::store::{self, PlanItem};
use crate::platform::auth::{Actor, Listing};
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppResult, AppState};

/// Most rows returned by one list call.
pub const LIST_LIMIT: i64 = 200;

/// Files a 慈善组织认定 (`recognition`) or 公开募捐资格 (`qualification`) application for an
/// organization the org_admin acts for (registered inside his region). Every eligibility check
/// must pass (e.g. a charity for ≥ 1 year for the qualification, DOMAIN.md rule 22): otherwise
/// 422 naming `organization_uscc` with the reason, and nothing is stored. The decision deadline
/// (20 working days, DOMAIN.md rule 11) is set at once.
#[utoipa::path(post, path = "/api/v1/charity/applications", tag = "charity", request_body = NewApplication,
    responses((status = 201, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<NewApplication>,
) -> AppResult<(StatusCode, Json<ApplicationView>)> {
    let app = service::apply(&state, &actor, &b).await?;
    Ok((StatusCode::CREATED, Json(service::view(&state, app).await?)))
}

/// Charity applications the actor may read, pending first by deadline: an officer's those of his
/// region, an organization account's those it filed or of an organization bound to it.
#[utoipa::path(get, path = "/api/v1/charity/applications", tag = "charity",
    responses((status = 200, body = Vec<Application>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Application>>> {
    let listing = Listing::of(&actor)?;
    Ok(Json(
        store::list_applications(&state.db, &listing, LIST_LIMIT).await?,
    ))
}

/// An application with its eligibility checks (each with its reason), its deadline, the
/// deadline's legal source and the overdue flag.
#[utoipa::path(get, path = "/api/v1/charity/applications/{id}", tag = "charity",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationView>> {
    let app = service::load(&state, parse_id(&id)?).await?;
    Ok(Json(service::view(&state, app).await?))
}

/// The registration officer's decision: `approve` (every check must still pass; a recognition
/// makes the organization a charity and tax-deductible, a qualification issues the certificate
/// number) or `refuse` with `reasons`. Of two officers deciding at once one wins, the other
/// gets 409.
#[utoipa::path(post, path = "/api/v1/charity/applications/{id}/decision", tag = "charity",
    params(("id" = uuid::Uuid, Path)), request_body = DecisionBody,
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<DecisionBody>,
) -> AppResult<Json<ApplicationView>> {
    let app = service::decide(&state, &actor, parse_id(&id)?, &b).await?;
    Ok(Json(service::view(&state, app).await?))
}

/// Files a fundraising plan (募捐方案备案) of a qualified charity: at least 10 days before the
/// start, or for emergency relief up to 10 days after it (DOMAIN.md rule 23); one filing per
/// campaign. The filing number (备案编号, `浙民募备[2026]0001`) is issued by the database.
#[utoipa::path(post, path = "/api/v1/charity/plans", tag = "charity", request_body = NewPlan,
    responses((status = 201, body = Plan), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn file_plan(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<NewPlan>,
) -> AppResult<(StatusCode, Json<Plan>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::file_plan(&state, &actor, &b).await?),
    ))
}

/// Filed plans, newest first (public).
#[utoipa::path(get, path = "/api/v1/charity/plans", tag = "charity",
    responses((status = 200, body = Vec<PlanItem>)))]
pub async fn plans(State(state): State<AppState>) -> AppResult<Json<Vec<PlanItem>>> {
    Ok(Json(store::list_plans(&state.db, "%", LIST_LIMIT).await?))
}

/// One plan by its filing number (public): details, the charity and its certificate, whether
/// it takes donations today, and its disclosures.
#[utoipa::path(get, path = "/api/v1/charity/plans/{filing_no}", tag = "charity",
    params(("filing_no" = String, Path, description = "备案编号")),
    responses((status = 200, body = PlanView), (status = 404, body = Problem)))]
pub async fn plan(
    State(state): State<AppState>,
    Path(filing_no): Path<String>,
) -> AppResult<Json<PlanView>> {
    Ok(Json(service::plan_view(&state, &filing_no).await?))
}

/// Closes a filed fundraising plan (募捐方案的终止或撤回) with a required `reason`: `withdrawn`
/// before its first day, `closed` from it on. The charity acting for itself (an org_admin bound
/// to it) or a registration officer of its region; audited. From then on donations to it are
/// refused (422 naming `project`) and its page says when and why. A plan closed already: 409.
#[utoipa::path(post, path = "/api/v1/charity/plans/{filing_no}/close", tag = "charity",
    params(("filing_no" = String, Path, description = "备案编号, or the plan's id")), request_body = ClosePlan,
    responses((status = 200, body = PlanView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    Json(b): Json<ClosePlan>,
) -> AppResult<Json<PlanView>> {
    Ok(Json(service::close_plan(&state, &actor, &key, &b).await?))
}

/// Records a disclosure (信息公开) of a plan: `progress` during the campaign, `final` after it.
#[utoipa::path(post, path = "/api/v1/charity/plans/{filing_no}/disclosures", tag = "charity",
    params(("filing_no" = String, Path, description = "备案编号")), request_body = NewDisclosure,
    responses((status = 201, body = Disclosure), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn disclose(
    State(state): State<AppState>,
    actor: Actor,
    Path(filing_no): Path<String>,
    Json(b): Json<NewDisclosure>,
) -> AppResult<(StatusCode, Json<Disclosure>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::disclose(&state, &actor, &filing_no, &b).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    /// The year of the spending rules (default: last year).
    pub year: Option<i32>,
}

/// Supervision warnings (监管预警) of the charities inside the actor's region.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WarningsReport {
    pub year: i32,
    pub charities: Vec<CharityWarnings>,
}

/// 监管预警: spending ratio and management-cost cap of `year` (DOMAIN.md §6.4), fundraising
/// outside a plan's period, and overdue disclosures (§6.5) — for the charities of the actor's
/// region only.
#[utoipa::path(get, path = "/api/v1/charity/supervision", tag = "charity", params(YearQuery),
    responses((status = 200, body = WarningsReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn supervision(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<WarningsReport>> {
    let (year, charities) = service::warnings(&state, &actor, q.year).await?;
    Ok(Json(WarningsReport { year, charities }))
}
