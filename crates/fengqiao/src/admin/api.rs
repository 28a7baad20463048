//! The audit log and the event feed as JSON.

use axum::extract::State;
use serde::Deserialize;

use super::store::{self, AuditFilter};
use crate::platform::auth::{Actor, Role};
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Query};
use crate::platform::journal::{AuditRow, EventRow};
use crate::platform::{AppError, AppResult, AppState, region_prefix};

/// The region prefix an actor may read: everything for the system administrator, else his region.
pub fn visible_prefix(actor: &Actor) -> AppResult<Option<String>> {
    let u = actor.user().ok_or(AppError::Unauthenticated)?;
    Ok(if u.role == Role::SysAdmin {
        None
    } else {
        Some(region_prefix(&u.region))
    })
}

/// Audit rows (审计日志), newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "platform", params(AuditFilter),
    responses((status = 200, body = Vec<AuditRow>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    actor: Actor,
    Query(f): Query<AuditFilter>,
) -> AppResult<Json<Vec<AuditRow>>> {
    let prefix = visible_prefix(&actor)?;
    Ok(Json(store::audit(&state.db, prefix.as_deref(), &f).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Return events with an id greater than this (0 for the start).
    #[serde(default)]
    pub after: i64,
    /// At most this many (1–1000, default 100).
    pub limit: Option<i64>,
}

/// The event feed for subscribers: every state change, in commit order, inside the caller's region.
#[utoipa::path(get, path = "/api/v1/events", tag = "platform", params(EventsQuery),
    responses((status = 200, body = Vec<EventRow>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_events(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<EventsQuery>,
) -> AppResult<Json<Vec<EventRow>>> {
    let prefix = visible_prefix(&actor)?;
    Ok(Json(
        store::events_after(
            &state.db,
            prefix.as_deref(),
            q.after,
            q.limit.unwrap_or(100),
        )
        .await?,
    ))
}
