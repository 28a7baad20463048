//! JSON handlers under `/api/v1/supervision/warnings…` (资金监管预警): the list by region,
//! level, state and organization with paging and `format=csv`, one warning with its trail, and
//! closing one with a reason.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppError, AppResult, AppState};
use crate::supervision::model::warnings::stored::{SupervisionWarning, WarningDetail};
use crate::supervision::service::parse_id;
use crate::supervision::service::warnings::{
    self as service, CloseBody, WarningPage, WarningQuery,
};

fn wants_csv(q: &WarningQuery) -> AppResult<bool> {
    match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(AppError::invalid(
            "format",
            "supervision.warning.format",
            format!("不支持的格式“{other}”，可选：json、csv"),
            format!("Unknown format “{other}”; one of: json, csv"),
        )),
    }
}

/// Warnings the actor may see (officers: of their region; an org_admin: of his organizations
/// only), open first, red first; by region, level (red | orange | yellow), state (open | closed)
/// and organization. `format=csv` exports every match (up to 5000; every cell neutralized
/// against formulas).
#[utoipa::path(get, path = "/api/v1/supervision/warnings", tag = "supervision", params(WarningQuery),
    responses((status = 200, body = WarningPage), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<WarningQuery>,
) -> AppResult<Response> {
    let csv = wants_csv(&q)?;
    let page = service::list(&state, &actor, &q, csv).await?;
    if csv {
        return csv_response(&page.items);
    }
    Ok(Json(page).into_response())
}

/// The list as a CSV file (UTF-8 with BOM).
pub fn csv_response(items: &[SupervisionWarning]) -> AppResult<Response> {
    let mut w = crate::platform::export::CsvExport::new();
    w.row([
        "统一社会信用代码 uscc",
        "名称 name",
        "行政区划代码 region_code",
        "规则 code",
        "期间 period",
        "级别 level",
        "状态 state",
        "内容 summary",
        "发出时间 opened_at",
        "关闭理由 close_reason",
    ])?;
    for i in items {
        w.row([
            i.uscc.clone().unwrap_or_default(),
            i.organization_name.clone(),
            i.region_code.clone(),
            i.code.clone(),
            i.period.clone(),
            i.level.key().to_string(),
            i.state.clone(),
            i.summary_zh.clone(),
            i.opened_at.to_rfc3339(),
            i.close_reason.clone().unwrap_or_default(),
        ])?;
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"supervision-warnings.csv\"",
            ),
        ],
        w.into_bytes()?,
    )
        .into_response())
}

/// One warning: its figures, what would clear it, its source and its trail.
#[utoipa::path(get, path = "/api/v1/supervision/warnings/{id}", tag = "supervision",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = WarningDetail), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<WarningDetail>> {
    Ok(Json(service::detail(&state, parse_id(&id)?).await?))
}

/// Closes an open warning with a reason (officers of the organization's region). An empty
/// reason: 422 naming `reason`, nothing changed; a closed warning: 409.
#[utoipa::path(post, path = "/api/v1/supervision/warnings/{id}/close", tag = "supervision",
    params(("id" = uuid::Uuid, Path)), request_body = CloseBody,
    responses((status = 200, body = WarningDetail), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<CloseBody>,
) -> AppResult<Json<WarningDetail>> {
    Ok(Json(
        service::close(&state, &actor, parse_id(&id)?, &b).await?,
    ))
}
