//! The officer's notifications page (`/notifications`, 通知), without JavaScript: the
//! notifications addressed to his region, newest first, unread ones marked and each with a
//! button that marks it read; `?unread=true` shows only the unread. Also the middleware that
//! puts his unread count beside the navigation link on every page.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::super::service::notifications::{self, ListQuery, NotificationList};
use super::super::store::notifications::Notification;
use crate::platform::auth::{Actor, Role};
use crate::platform::extract::Query;
use crate::platform::web::{PageCtx, UnreadNotifications, render};
use crate::platform::{AppResult, AppState};

#[derive(Template)]
#[template(path = "registry/notifications.html")]
pub struct NotificationsPage {
    pub ctx: PageCtx,
    pub list: NotificationList,
    pub unread_only: bool,
}

impl NotificationsPage {
    pub fn l(&self, group: &str, key: &str) -> String {
        self.ctx.t(&format!("registry.{group}.{key}"))
    }
    /// When it was written, in Asia/Shanghai.
    pub fn at(&self, n: &Notification) -> String {
        n.created_at
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// `GET /notifications`: the officer's notifications.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let list = notifications::list(&state, &ctx.actor, q.unread).await?;
    Ok(render(&NotificationsPage {
        ctx,
        list,
        unread_only: q.unread,
    }))
}

/// `POST /notifications/{id}/read`: marks one read and goes back to the list.
pub async fn mark_read(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    notifications::mark_read(&state, &ctx.actor, &id).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Puts an officer's unread count into the request for the navigation of the page it renders
/// (pages only: the API and assets do without the query).
pub async fn unread_badge(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let page =
        req.method() == Method::GET && !path.starts_with("/api/") && !path.starts_with("/assets/");
    let officer = match req.extensions().get::<Actor>() {
        Some(Actor::User(u)) if page && Role::OFFICERS.contains(&u.role) => Some(u.clone()),
        _ => None,
    };
    if let Some(u) = officer {
        match notifications::unread(&state, &u).await {
            Ok(n) => {
                req.extensions_mut().insert(UnreadNotifications(n));
            }
            // The page still renders, without the count.
            Err(e) => tracing::warn!(error = %e, "unread notifications: count failed"),
        }
    }
    next.run(req).await
}
