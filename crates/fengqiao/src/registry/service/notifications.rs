//! Notifications (通知) of overdue review steps as their recipients read them. A notification is
//! addressed to a region's office; every officer holding a role for exactly that region reads it
//! and marks it read for himself (several officers may share an office). To anyone else it does
//! not exist (404), as a record outside one's region would not.

use serde::{Deserialize, Serialize};

use super::super::store::notifications::{self as store, Notification};
use super::overdue::LIST_LIMIT;
use crate::platform::auth::{Actor, UserActor};
use crate::platform::{AppError, AppResult, AppState};

/// `GET /api/v1/notifications` query: `?unread=true` lists only the unread ones.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    #[serde(default)]
    pub unread: bool,
}

/// The notifications addressed to the officer's region, and how many he has not read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    /// Unread notifications of the officer, whatever the filter.
    pub unread: i64,
    pub notifications: Vec<Notification>,
}

fn user(actor: &Actor) -> AppResult<&UserActor> {
    actor.user().ok_or(AppError::Unauthenticated)
}

/// The actor's notifications, newest first (only the unread ones when `unread_only`).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    unread_only: bool,
) -> AppResult<NotificationList> {
    let u = user(actor)?;
    let region = u.region.as_str();
    Ok(NotificationList {
        unread: store::unread(&state.db, region, u.user_id).await?,
        notifications: store::list(&state.db, region, u.user_id, unread_only, LIST_LIMIT).await?,
    })
}

/// How many notifications the actor has not read (the count beside the navigation link).
pub async fn unread(state: &AppState, u: &UserActor) -> AppResult<i64> {
    store::unread(&state.db, u.region.as_str(), u.user_id).await
}

/// Marks a notification addressed to the actor's region read for him (audited once; marking it
/// again changes nothing). Not his: 404.
pub async fn mark_read(state: &AppState, actor: &Actor, id: &str) -> AppResult<Notification> {
    let u = user(actor)?;
    let id = crate::platform::extract::parse_id(id.trim())?;
    let region = u.region.as_str();
    let n = store::get(&state.db, region, u.user_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if n.read_at.is_some() {
        return Ok(n);
    }
    store::mark_read(&state.db, state.clock.now(), actor, u.user_id, &n).await?;
    store::get(&state.db, region, u.user_id, id)
        .await?
        .ok_or(AppError::NotFound)
}
