//! Login, logout, role switch and the home page of each role.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use crate::platform::auth::{Credentials, SESSION_COOKIE, store};
use crate::platform::client::ClientAddr;
use crate::platform::web::{PageCtx, render, safe_next};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub ctx: PageCtx,
    pub role_intro: String,
    /// (grant id, label, is active)
    pub grants: Vec<(String, String, bool)>,
}

pub async fn home(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let mut grants = Vec::new();
    let role_intro = ctx
        .actor
        .role()
        .map(|r| format!("intro.{}", r.key()))
        .unwrap_or_default();
    if let Some(u) = ctx.actor.user() {
        for g in store::grants_of(&state.db, u.user_id).await? {
            let role = crate::platform::auth::Role::from_key(&g.role)
                .map(|r| ctx.t(&r.message_key()))
                .unwrap_or(g.role.clone());
            grants.push((
                g.id.to_string(),
                format!("{role} · {}", g.region_code),
                g.id == u.grant_id,
            ));
        }
    }
    Ok(render(&HomePage {
        ctx,
        role_intro,
        grants,
    }))
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    pub ctx: PageCtx,
    pub next: String,
    pub username: String,
    pub error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    render(&LoginPage {
        ctx,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: ClientAddr,
    creds: Credentials,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    match super::service::check_login(&state, &client, &form.username, &form.password).await {
        Ok(grant) => {
            // A new login never keeps the session the browser held: that session ends, and the
            // new one has a token of the server's making (a cookie planted before the login is
            // never adopted — session fixation).
            if let Some(old) = creds.session_token {
                store::close_session(&state.db, &old).await?;
            }
            let hours = state.config.session_hours;
            let (token, _) = store::open_session(
                &state.db,
                state.clock.now(),
                &grant,
                "session",
                None,
                chrono::Duration::hours(hours),
            )
            .await?;
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .path("/")
                .http_only(true)
                .secure(state.config.cookies_secure())
                .same_site(SameSite::Lax)
                .build();
            Ok((jar.add(cookie), Redirect::to(&next)).into_response())
        }
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::BadCredentials
            | AppError::TooManyAttempts { .. }),
        ) => {
            let key = match &e {
                AppError::Invalid { .. } => "login.missing",
                AppError::TooManyAttempts { .. } => "login.locked",
                _ => "login.failed",
            };
            let status = e.status();
            let error = Some(crate::platform::i18n::t(ctx.lang, key));
            let mut resp = render(&LoginPage {
                ctx,
                next,
                username: form.username,
                error,
            });
            *resp.status_mut() = status;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    creds: Credentials,
    jar: CookieJar,
) -> AppResult<Response> {
    if let Some(token) = creds.session_token {
        store::close_session(&state.db, &token).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        Redirect::to("/"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    grant: uuid::Uuid,
}

pub async fn switch_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    creds: Credentials,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    let (Some(token), Some(u)) = (creds.session_token, ctx.actor.user()) else {
        return Err(AppError::Unauthenticated);
    };
    store::switch_grant(&state.db, &token, u.user_id, form.grant).await?;
    Ok(Redirect::to("/").into_response())
}
