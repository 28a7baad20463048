//! JSON handlers under `/api/v1/rule-parameters`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Query};
use crate::platform::rules::edit::{self, NewParam};
use crate::platform::rules::{Listed, Param};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// YYYY-MM-DD: mark the versions in force on this date (default today, Asia/Shanghai).
    pub on: Option<String>,
}

/// Every version of every parameter, with the date asked about.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParamList {
    pub on: NaiveDate,
    pub parameters: Vec<Listed>,
}

/// Parses `on` (default today).
pub fn on_date(state: &AppState, on: Option<&str>) -> AppResult<NaiveDate> {
    match on.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(state.clock.today()),
        Some(s) => s.parse().map_err(|_| {
            AppError::invalid(
                "on",
                "rules.date",
                "请填写日期，格式为 YYYY-MM-DD",
                "Enter a date as YYYY-MM-DD",
            )
        }),
    }
}

/// The rule parameters: every version of every key (value, unit, effective from, superseded
/// from, source, note), marking the one in force on `on`. Public: they are law.
#[utoipa::path(get, path = "/api/v1/rule-parameters", tag = "rules", params(ListQuery),
    responses((status = 200, body = ParamList), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ParamList>> {
    let on = on_date(&state, q.on.as_deref())?;
    let table = state.rules.table().await?;
    Ok(Json(ParamList {
        on,
        parameters: table.listing(on),
    }))
}

/// Adds a version of an existing parameter, effective from a future date, in the key's unit,
/// with its source (province officers and system administrators; audited). The answer for any
/// date up to today never changes. A refusal names its field; nothing is stored.
#[utoipa::path(post, path = "/api/v1/rule-parameters", tag = "rules", request_body = NewParam,
    responses((status = 201, body = Param), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<NewParam>,
) -> AppResult<(StatusCode, Json<Param>)> {
    let p = edit::add(&state, &actor, &b).await?;
    Ok((StatusCode::CREATED, Json(p)))
}
