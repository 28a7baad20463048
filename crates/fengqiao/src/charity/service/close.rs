//! Closing a filed fundraising plan (募捐方案的终止与撤回), shared by the JSON API and the plan's
//! page: the charity acting for itself (`authorize_for_organization`) or an officer of its
//! region, with a reason; audited. Donations to it are refused from then on.

use serde::Deserialize;

use super::super::model::{PlanView, closure};
use super::super::store;
use super::{act_for_plan, plan_view, text};
use crate::platform::auth::Actor;
use crate::platform::{AppError, AppResult, AppState};

/// `POST /api/v1/charity/plans/{filing_no}/close`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClosePlan {
    /// Why the plan is closed or withdrawn (shown on its public page).
    #[serde(default)]
    pub reason: String,
}

/// Whether the actor may close the plan: acting for its organization, or an officer of its
/// region (the route checked the region already; an org_admin must also be bound to it).
/// Returns the organization's region.
pub async fn may_close(
    state: &AppState,
    actor: &Actor,
    plan: &super::super::model::Plan,
) -> AppResult<String> {
    act_for_plan(state, actor, plan, super::super::CLOSERS).await
}

/// Closes the plan named by its filing number or id: `withdrawn` before its first day,
/// `closed` from it on ([`closure::close`]); a plan closed already is a conflict.
pub async fn close_plan(
    state: &AppState,
    actor: &Actor,
    key: &str,
    b: &ClosePlan,
) -> AppResult<PlanView> {
    let plan = store::plan_by_key(&state.db, key)
        .await?
        .ok_or(AppError::NotFound)?;
    let region = may_close(state, actor, &plan).await?;
    let reason = text("reason", &b.reason, true)?;
    let today = state.clock.today();
    let closed_as = closure::close(&plan, today).map_err(|_| store::already_closed())?;
    store::close_plan(
        &state.db,
        state.clock.now(),
        today,
        actor,
        &plan,
        &region,
        closed_as.status(),
        &reason,
    )
    .await?;
    // This server's donations see the closing at once; other servers within their plan cache's
    // time (donations::service::PLAN_CACHE_TTL).
    crate::donations::forget_plan(state, &plan.filing_no);
    plan_view(state, &plan.filing_no).await
}
