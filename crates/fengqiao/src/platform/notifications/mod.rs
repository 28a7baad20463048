//! Notifications (通知): a platform service any module addresses. A notice has its kind, the
//! object it is about (the owning module's object type — `registry.application` — its id and a
//! topic such as the review step), the recipients (the roles of one region's office, or one
//! account), a subject and a note in both languages, and read state per account: several
//! officers share an office, and one reading a notice does not hide it from the others. A module
//! writes notices in the transaction of the change that causes them (`tx.notify(now, &notice)`,
//! beside `tx.record`); recipients read them at `/notifications` and `GET /api/v1/notifications`.
//! To anyone else a notice does not exist (404), as a record outside one's region would not.

pub mod api;
pub mod pages;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use store::Notify;

use super::auth::{Access, Actor, Role, UserActor};
use super::module::{Module, NavEntry};
use super::routes::Routes;
use super::{AppError, AppResult, AppState};

/// Most notifications one list returns.
pub const LIST_LIMIT: i64 = 200;

/// Who reads notifications today: officers (the registry's overdue notices are addressed to
/// their offices). Widened when a module addresses other accounts.
pub const READERS: &[Role] = Role::OFFICERS;

/// The service's routes and its navigation entry (listed in `crate::modules::ALL`).
pub const MODULE: Module = Module {
    tags: &[("notifications", "通知 Notifications")],
    nav: &[NavEntry {
        unread_badge: true,
        ..NavEntry::for_roles(80, "nav.notifications", "/notifications", READERS)
    }],
    ..Module::new("notifications", routes)
};

fn routes() -> Routes {
    use axum::routing::{get, post};
    use utoipa_axum::routes;
    Routes::new()
        .api(Access::roles(READERS), routes!(api::list))
        .api(Access::roles(READERS), routes!(api::mark_read))
        .page(
            "/notifications",
            &["GET"],
            Access::roles(READERS),
            get(pages::list),
        )
        .page(
            "/notifications/{id}/read",
            &["POST"],
            Access::roles(READERS),
            post(pages::mark_read),
        )
}

/// Whom a notice is for: the accounts holding one of `roles` (every role when empty) for
/// exactly `region`, or the one account `user` (an applicant), whatever its region.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub region: String,
    pub roles: &'static [Role],
    pub user: Option<Uuid>,
    /// Why it is for them (`officer`, `superior`…: a key under `notifications.audience`).
    pub audience: &'static str,
}

impl Recipient {
    /// The office of a region: the accounts holding `roles` for it.
    pub fn office(region: &str, roles: &'static [Role], audience: &'static str) -> Recipient {
        Recipient {
            region: region.to_string(),
            roles,
            user: None,
            audience,
        }
    }

    /// `' role role '`: each key with a space on either side, so that `LIKE '% key %'` matches
    /// whole keys only; empty for every role.
    pub fn roles_column(roles: &[Role]) -> String {
        if roles.is_empty() {
            return String::new();
        }
        let keys: Vec<&str> = roles.iter().map(|r| r.key()).collect();
        format!(" {} ", keys.join(" "))
    }
}

/// A notice to write (see [`Notify::notify`]).
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    /// What happened (`step_overdue`: a key under `notifications.kind`).
    pub kind: &'static str,
    /// The object type's name (the module's `ObjectType::name`).
    pub object_kind: &'static str,
    pub object_id: Uuid,
    /// What about the object (a review step); part of what makes a notice once per recipient.
    pub topic: &'a str,
    pub subject: &'a str,
    /// The page of the object.
    pub link: &'a str,
    /// What the recipient is told, in Chinese and English.
    pub note: (String, String),
    /// What the kind adds, for the API (an overdue step: the step, its deadline).
    pub detail: serde_json::Value,
    pub recipients: Vec<Recipient>,
}

impl Notice<'_> {
    /// One notice of a kind about an object's topic per recipient: telling again tells no one.
    pub fn dedup_key(&self, r: &Recipient) -> String {
        let to = match r.user {
            Some(u) => u.simple().to_string(),
            None => r.region.clone(),
        };
        format!(
            "{}:{}:{}:{}",
            self.kind,
            self.object_id.simple(),
            self.topic,
            to
        )
    }
}

/// A notification as its recipient reads it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// `step_overdue`, …
    pub kind: String,
    /// The type of the object it is about (`registry.application`).
    pub object_kind: String,
    pub object_id: Uuid,
    pub topic: String,
    /// `officer` (the region handling it), `superior` (the region above), …
    pub audience: String,
    pub recipient_region: String,
    pub subject: String,
    pub link: String,
    #[serde(skip)]
    pub note_zh: String,
    #[serde(skip)]
    pub note_en: String,
    /// What the kind adds, as JSON text (an overdue step: `step`, `deadline`,
    /// `application_region`).
    #[serde(skip)]
    pub detail: String,
    /// When this account marked it read (`None`: unread).
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// The note in the page's language.
    pub fn note(&self, lang: &super::i18n::Lang) -> &str {
        match lang {
            super::i18n::Lang::En => &self.note_en,
            _ => &self.note_zh,
        }
    }
}

/// `GET /api/v1/notifications` query: `?unread=true` lists only the unread ones.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    #[serde(default)]
    pub unread: bool,
}

/// The account's notifications, and how many it has not read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    /// Unread notifications of the account, whatever the filter.
    pub unread: i64,
    pub notifications: Vec<NotificationView>,
}

/// A notification with what its kind adds spread beside it (an overdue step's `step`,
/// `deadline`, `application_id`…: the fields its readers had before the service moved here).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    #[serde(flatten)]
    pub notification: Notification,
    pub note: Note,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

/// What the recipient is told, in Chinese and English.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Note {
    pub zh: String,
    pub en: String,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> NotificationView {
        let detail = serde_json::from_str(&n.detail).unwrap_or_default();
        NotificationView {
            note: Note {
                zh: n.note_zh.clone(),
                en: n.note_en.clone(),
            },
            detail,
            notification: n,
        }
    }
}

fn user(actor: &Actor) -> AppResult<&UserActor> {
    actor.user().ok_or(AppError::Unauthenticated)
}

/// The actor's notifications, newest first (only the unread ones when `unread_only`).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    unread_only: bool,
) -> AppResult<(i64, Vec<Notification>)> {
    let u = user(actor)?;
    Ok((
        store::unread(&state.db, u).await?,
        store::list(&state.db, u, unread_only, LIST_LIMIT).await?,
    ))
}

/// How many notifications the account has not read (the count beside the navigation link).
pub async fn unread(state: &AppState, u: &UserActor) -> AppResult<i64> {
    store::unread(&state.db, u).await
}

/// Marks one of the actor's notifications read for him (audited once; marking it again changes
/// nothing). Not his: 404.
pub async fn mark_read(state: &AppState, actor: &Actor, id: &str) -> AppResult<Notification> {
    let u = user(actor)?;
    let id = super::extract::parse_id(id.trim())?;
    let n = store::get(&state.db, u, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if n.read_at.is_some() {
        return Ok(n);
    }
    store::mark_read(&state.db, state.clock.now(), actor, u.user_id, &n).await?;
    store::get(&state.db, u, id)
        .await?
        .ok_or(AppError::NotFound)
}
