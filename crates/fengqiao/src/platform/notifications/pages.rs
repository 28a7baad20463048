//! The notifications page (`/notifications`, 通知), without JavaScript: the account's
//! notifications, newest first, unread ones marked and each with a button that marks it read;
//! `?unread=true` shows only the unread. Also the middleware that puts the unread count beside
//! the navigation link on every page.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{ListQuery, Notification, READERS};
use crate::platform::auth::Actor;
use crate::platform::extract::Query;
use crate::platform::web::{PageCtx, UnreadNotifications, render};
use crate::platform::{AppResult, AppState};

#[derive(Template)]
#[template(path = "platform/notifications.html")]
pub struct NotificationsPage {
    pub ctx: PageCtx,
    pub unread: i64,
    pub notifications: Vec<Notification>,
    pub unread_only: bool,
}

impl NotificationsPage {
    /// When it was written, in Asia/Shanghai.
    pub fn at(&self, n: &Notification) -> String {
        n.created_at
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
    pub fn kind(&self, n: &Notification) -> String {
        self.ctx.t(&format!("notifications.kind.{}", n.kind))
    }
    pub fn audience(&self, n: &Notification) -> String {
        self.ctx.t(&format!("notifications.to.{}", n.audience))
    }
}

/// `GET /notifications`: the account's notifications.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let (unread, notifications) = super::list(&state, &ctx.actor, q.unread).await?;
    Ok(render(&NotificationsPage {
        ctx,
        unread,
        notifications,
        unread_only: q.unread,
    }))
}

/// `POST /notifications/{id}/read`: marks one read and goes back to the list.
pub async fn mark_read(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    super::mark_read(&state, &ctx.actor, &id).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Puts a reader's unread count into the request for the navigation of the page it renders
/// (pages only: the API and assets do without the query).
pub async fn unread_badge(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let page =
        req.method() == Method::GET && !path.starts_with("/api/") && !path.starts_with("/assets/");
    let reader = match req.extensions().get::<Actor>() {
        Some(Actor::User(u)) if page && READERS.contains(&u.role) => Some(u.clone()),
        _ => None,
    };
    if let Some(u) = reader {
        match super::unread(&state, &u).await {
            Ok(n) => {
                req.extensions_mut().insert(UnreadNotifications(n));
            }
            // The page still renders, without the count.
            Err(e) => tracing::warn!(error = %e, "unread notifications: count failed"),
        }
    }
    next.run(req).await
}
