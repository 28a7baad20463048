//! `GET /api/v1/notifications` and `POST /api/v1/notifications/{id}/read`.

use axum::extract::State;

use super::{ListQuery, NotificationList, NotificationView};
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppResult, AppState};

/// The notifications addressed to the actor (his role's exact region, or his account), newest
/// first, each with his own `read_at` and what its kind adds beside it (an overdue review step,
/// told to the region handling the application — `officer` — and to the region above it —
/// `superior`: `application_id`, `application_name`, `application_region`, `step`,
/// `deadline`); `?unread=true` lists only those he has not read. `unread` counts his unread
/// ones whatever the filter.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(ListQuery),
    responses((status = 200, body = NotificationList), (status = 401, body = Problem), (status = 403, body = Problem),
               (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<NotificationList>> {
    let (unread, list) = super::list(&state, &actor, q.unread).await?;
    Ok(Json(NotificationList {
        unread,
        notifications: list.into_iter().map(NotificationView::from).collect(),
    }))
}

/// Marks a notification read for the actor (once: marking it again changes nothing). Only a
/// recipient finds it; to anyone else it is 404.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = uuid::Uuid, Path, description = "The notification's id")),
    responses((status = 200, body = NotificationView), (status = 401, body = Problem), (status = 403, body = Problem),
               (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn mark_read(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<NotificationView>> {
    Ok(Json(super::mark_read(&state, &actor, &id).await?.into()))
}
