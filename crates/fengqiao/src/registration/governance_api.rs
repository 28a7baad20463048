//! JSON handlers of an organization's governance (terms of its bodies, party organization,
//! hub links, the profile officers record) and of overdue review steps.
//! `{uscc}` is the organization's USCC, or its id when it has none (a filed community
//! organization).

use axum::extract::State;
use axum::http::StatusCode;

use super::model::OrganizationView;
use super::model::governance::{AccountGrant, PartyInput, ProfileInput, SupportInput, TermInput};
use super::service::{self, governance};
use super::store::overdue::OverdueStep;
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path};
use crate::platform::{AppError, AppResult, AppState};

async fn view(state: &AppState, key: &str) -> AppResult<Json<OrganizationView>> {
    Ok(Json(service::organization(state, key).await?))
}

/// Records a new term (届) of a governance body — 会员大会, 会员代表大会, 理事会, 监事会 or 监事 —
/// with its members. A 基金会's 理事会 serves at most 5 years and has 5–25 directors (基金会管理条例
/// Art. 20, DOMAIN.md §2.3); foundations and social service agencies have no member assembly.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/governance", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = TermInput,
    responses((status = 201, body = OrganizationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_term(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<TermInput>,
) -> AppResult<(StatusCode, Json<OrganizationView>)> {
    governance::add_term(&state, &actor, &uscc, &b).await?;
    Ok((StatusCode::CREATED, view(&state, &uscc).await?))
}

/// Records the party-organization status (党组织: `none`, `own` 单独组建, `joint` 联合组建,
/// `instructor` 党建指导员) from a date; the latest is the current status, earlier ones stay.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/party", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = PartyInput,
    responses((status = 200, body = OrganizationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 422, body = Problem)))]
pub async fn set_party(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<PartyInput>,
) -> AppResult<Json<OrganizationView>> {
    governance::set_party(&state, &actor, &uscc, &b).await?;
    view(&state, &uscc).await
}

/// Officers record the hub/support kind (枢纽型/支持型), the tax-deduction eligibility
/// (公益性捐赠税前扣除资格) and the special groups served (POLICY 三); fields left out keep
/// their value.
#[utoipa::path(put, path = "/api/v1/organizations/{uscc}/profile", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = ProfileInput,
    responses((status = 200, body = OrganizationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 422, body = Problem)))]
pub async fn set_profile(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<ProfileInput>,
) -> AppResult<Json<OrganizationView>> {
    governance::set_profile(&state, &actor, &uscc, &b).await?;
    view(&state, &uscc).await
}

/// Links a hub or support organization to an organization it supports (POLICY 五). The hub must
/// be flagged first (409 naming `hub_kind`); the officer must cover the supported one's region.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/supported", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = SupportInput,
    responses((status = 201, body = OrganizationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn link_supported(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<SupportInput>,
) -> AppResult<(StatusCode, Json<OrganizationView>)> {
    governance::link_supported(&state, &actor, &uscc, &b).await?;
    Ok((StatusCode::CREATED, view(&state, &uscc).await?))
}

/// Review steps past their deadline inside the actor's region: a county officer's own, and for
/// a city officer those of all his counties. Due today is not overdue; due yesterday is.
#[utoipa::path(get, path = "/api/v1/review-steps/overdue", tag = "registry",
    responses((status = 200, body = Vec<OverdueStep>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn overdue(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<OverdueStep>>> {
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    Ok(Json(service::overdue::list(&state, &user.region).await?))
}

/// Lets an organization account (org_admin) act for the organization (apply, file, disclose,
/// disburse, record governance). Officers of the organization's region grant it; founders are
/// bound when their application is approved.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/accounts", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = AccountGrant,
    responses((status = 200, body = OrganizationView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 422, body = Problem)))]
pub async fn grant_account(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<AccountGrant>,
) -> AppResult<Json<OrganizationView>> {
    governance::grant_account(&state, &actor, &uscc, &b).await?;
    view(&state, &uscc).await
}

/// Ends an organization account's right to act for the organization.
#[utoipa::path(delete, path = "/api/v1/organizations/{uscc}/accounts/{username}", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one"),
           ("username" = String, Path, description = "The organization account's username")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_account(
    State(state): State<AppState>,
    actor: Actor,
    Path((uscc, username)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    governance::revoke_account(&state, &actor, &uscc, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
