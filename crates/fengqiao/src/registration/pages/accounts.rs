//! The organization-accounts page (`/registry/organizations/{uscc}/accounts`) for the officers of
//! the organization's region, without JavaScript: the accounts bound to act for the
//! organization (组织账号), a revoke button beside each, and a grant form by username. The same
//! service path, checks and audit as `POST`/`DELETE /api/v1/organizations/{uscc}/accounts`; bad
//! input re-renders the page with the message beside the field (422) and changes nothing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::super::model::Organization;
use super::super::model::governance::{AccountGrant, BoundAccount};
use super::super::service::governance;
use crate::platform::web::{FormError, PageCtx, field_message, general_message, render};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "registration/accounts.html")]
pub struct AccountsPage {
    pub ctx: PageCtx,
    pub org: Organization,
    /// The organization's path key (its USCC, or its id when it has none).
    pub key: String,
    pub accounts: Vec<BoundAccount>,
    /// The username as typed, shown again after an error.
    pub username: String,
    error: FormError,
}

impl AccountsPage {
    pub fn err(&self, field: &str) -> Option<String> {
        field_message(&self.error, field)
    }
    pub fn general_error(&self) -> Option<String> {
        general_message(&self.error, &["username"])
    }
    /// A username as one path segment of the revoke action.
    pub fn seg(&self, s: &str) -> String {
        crate::platform::web::path_segment(s)
    }
    /// When the binding was made, in Asia/Shanghai (the time officers work in).
    pub fn granted(&self, a: &BoundAccount) -> String {
        a.granted_at
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// The grant form: one field.
#[derive(Debug, Default, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    pub username: String,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    key: &str,
    username: String,
    error: FormError,
) -> AppResult<Response> {
    let org = governance::load_org(state, key).await?;
    let accounts = governance::bound_accounts(state, &org).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let key = org.uscc.clone().unwrap_or_else(|| org.id.to_string());
    let mut resp = render(&AccountsPage {
        ctx,
        org,
        key,
        accounts,
        username,
        error,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

fn back(key: &str) -> Response {
    Redirect::to(&format!("/registry/organizations/{key}/accounts")).into_response()
}

/// `GET …/accounts`: the bound accounts and the grant form.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(uscc): Path<String>,
) -> AppResult<Response> {
    page(&state, ctx, &uscc, String::new(), None).await
}

/// `POST …/accounts`: grants the account typed (an org_admin account) the right to act.
pub async fn grant(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(uscc): Path<String>,
    Form(f): Form<GrantForm>,
) -> AppResult<Response> {
    let g = AccountGrant {
        username: f.username.clone(),
    };
    match governance::grant_account(&state, &ctx.actor, &uscc, &g).await {
        Ok(()) => Ok(back(&uscc)),
        Err(e @ AppError::Invalid { .. }) => {
            let error = Some(crate::platform::web::form_error(&ctx, &e));
            page(&state, ctx, &uscc, f.username, error).await
        }
        Err(e) => Err(e),
    }
}

/// `POST …/accounts/{username}/revoke`: ends the account's right to act (404 when it had none).
pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((uscc, username)): Path<(String, String)>,
) -> AppResult<Response> {
    governance::revoke_account(&state, &ctx.actor, &uscc, &username).await?;
    Ok(back(&uscc))
}
