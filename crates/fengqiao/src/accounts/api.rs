//! Token API: exchange a username and password for a bearer token; who am I.

use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::platform::auth::{Actor, store};
use crate::platform::client::ClientAddr;
use crate::platform::error::Problem;
use crate::platform::extract::Json;
use crate::platform::{AppError, AppResult, AppState};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub token_type: String,
    pub expires_in: i64,
}

/// Issues an API bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn issue_token(
    State(state): State<AppState>,
    client: ClientAddr,
    Json(req): Json<TokenRequest>,
) -> AppResult<Json<TokenResponse>> {
    let grant = super::service::check_login(&state, &client, &req.username, &req.password).await?;
    let hours = state.config.session_hours;
    let (token, _) = store::open_session(
        &state.db,
        state.clock.now(),
        &grant,
        "api",
        Some("api"),
        chrono::Duration::hours(hours),
    )
    .await?;
    Ok(Json(TokenResponse {
        token,
        token_type: "Bearer".into(),
        expires_in: hours * 3600,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub role: crate::platform::auth::Role,
    pub region_code: String,
    /// The department (部门) the role is held for, if its grant names one.
    pub department: Option<String>,
}

/// The logged-in user and the role and region in force.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(actor: Actor) -> AppResult<Json<Me>> {
    let u = actor.user().ok_or(AppError::Unauthenticated)?;
    Ok(Json(Me {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        region_code: u.region.to_string(),
        department: u.department.clone(),
    }))
}
