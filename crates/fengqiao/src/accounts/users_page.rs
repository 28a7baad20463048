//! `/admin/users`: the system administrator's page of accounts, with a form to create one
//! (the same path as `POST /api/v1/users`); bad input comes back with the message by the field.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::admin::{GrantInput, NewUser, UserSummary, create, list};
use crate::platform::auth::Role;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "accounts/users.html")]
pub struct UsersPage {
    pub ctx: PageCtx,
    pub users: Vec<UserSummary>,
    /// (role key, role name) for the select.
    pub roles: Vec<(String, String)>,
    pub form: UserForm,
    pub error: Option<(String, String)>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub region_code: String,
    /// The department the holder acts for (a department reviewer's), by id; may be empty.
    #[serde(default)]
    pub department: String,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    form: UserForm,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    let users = list(&state.db).await?;
    let roles = Role::ALL
        .iter()
        .map(|r| (r.key().to_string(), ctx.t(&r.message_key())))
        .collect();
    // The password is never sent back to the browser.
    let form = UserForm {
        password: String::new(),
        ..form
    };
    Ok(render(&UsersPage {
        ctx,
        users,
        roles,
        form,
        error,
    }))
}

pub async fn users(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    page(&state, ctx, UserForm::default(), None).await
}

pub async fn create_user(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let Some(role) = Role::from_key(&form.role) else {
        let msg = ctx.t("users.pick_role");
        let mut resp = page(&state, ctx, form, Some(("role".into(), msg))).await?;
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(resp);
    };
    let input = NewUser {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        grants: vec![GrantInput {
            role,
            region_code: form.region_code.clone(),
            department: Some(form.department.clone()),
        }],
    };
    match create(&state, &ctx.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = e.status();
            let p = e.problem();
            let msg = p.message.in_lang(ctx.lang);
            let mut resp =
                page(&state, ctx, form, Some((p.field.unwrap_or_default(), msg))).await?;
            *resp.status_mut() = status;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
