//! JSON handlers of the credit lists. `{uscc}` is the organization's USCC, or its id when it
//! has none (a filed community organization), as the registration module's routes take it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::model::{List, REASONS};
use super::service::{self, CreditView, EventInput, ListPage, ListQuery};
use crate::directory::model::{parse_date, present};
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppError, AppResult, AppState};
use crate::registration::service::governance::load_org;

/// Most rows one CSV export holds.
pub const EXPORT_MAX: usize = 10_000;

async fn list(state: &AppState, list: List, q: ListQuery) -> AppResult<Response> {
    match q.format.clone().as_deref().map(str::trim) {
        None | Some("") | Some("json") => {
            Ok(Json(service::list_page(state, list, &q).await?).into_response())
        }
        Some("csv") => {
            let mut all = ListQuery {
                page: None,
                per_page: Some("100".into()),
                ..q
            };
            let mut rows = Vec::new();
            for page in 1.. {
                all.page = Some(page.to_string());
                let p = service::list_page(state, list, &all).await?;
                let n = p.items.len();
                rows.extend(p.items);
                if n < 100 || rows.len() >= EXPORT_MAX {
                    break;
                }
            }
            csv(list, &rows)
        }
        Some(other) => Err(AppError::invalid(
            "format",
            "credit.format",
            format!("不支持的格式“{other}”，可选：json、csv"),
            format!("Unknown format “{other}”; one of: json, csv"),
        )),
    }
}

fn csv(list: List, rows: &[service::ListedItem]) -> AppResult<Response> {
    let mut w = crate::platform::export::CsvExport::new();
    w.row([
        "统一社会信用代码 uscc",
        "名称 name",
        "行政区划代码 region_code",
        "列入日期 listed_on",
        "列入事由 reason",
        "依据 rule",
    ])?;
    for r in rows {
        w.row([
            r.row.uscc.as_deref().unwrap_or(""),
            &r.row.name,
            &r.row.region_code,
            &r.row.listed_on.to_string(),
            &r.reason_zh,
            &r.row.rule,
        ])?;
    }
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"credit-{}.csv\"", list.key()),
            ),
        ],
        w.into_bytes()?,
    )
        .into_response())
}

/// 活动异常名录: the organizations on it on `as_of` (default today), newest listing first, with
/// the reason and the rule (DOMAIN.md rules 15–17). Public.
#[utoipa::path(get, path = "/api/v1/credit/abnormal", tag = "credit", params(ListQuery),
    responses((status = 200, body = ListPage), (status = 422, body = Problem)))]
pub async fn abnormal(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    list(&state, List::Abnormal, q).await
}

/// 严重违法失信名单: the organizations on it on `as_of` (default today), with the reason and the
/// rule (DOMAIN.md rules 17–19). Public.
#[utoipa::path(get, path = "/api/v1/credit/blacklist", tag = "credit", params(ListQuery),
    responses((status = 200, body = ListPage), (status = 422, body = Problem)))]
pub async fn blacklist(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    list(&state, List::Serious, q).await
}

/// A reason for a listing, as officers choose it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReasonView {
    pub code: &'static str,
    pub list: List,
    pub rule: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub needs_rectification: bool,
    pub automatic: bool,
}

/// The statutory reasons of the two lists (rules 15, 17, 18). Public.
#[utoipa::path(get, path = "/api/v1/credit/reasons", tag = "credit",
    responses((status = 200, body = Vec<ReasonView>)))]
pub async fn reasons() -> Json<Vec<ReasonView>> {
    Json(
        REASONS
            .iter()
            .map(|r| ReasonView {
                code: r.code,
                list: r.list,
                rule: r.rule,
                zh: r.zh,
                en: r.en,
                needs_rectification: r.needs_rectification,
                automatic: r.automatic,
            })
            .collect(),
    )
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AsOf {
    /// YYYY-MM-DD (default today): the standing that day.
    pub as_of: Option<String>,
}

/// An organization's credit on `as_of`: on which list, since when, why and under which rule,
/// every episode and event of its history, and its evaluation grade; the count of open
/// supervision warnings for the officers of its region. Public (credit information is published,
/// 令第60号).
#[utoipa::path(get, path = "/api/v1/organizations/{uscc}/credit", tag = "credit",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one"), AsOf),
    responses((status = 200, body = CreditView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn organization_credit(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Query(q): Query<AsOf>,
) -> AppResult<Json<CreditView>> {
    let org = load_org(&state, &uscc).await?;
    let as_of = match present(&q.as_of) {
        None => state.clock.today(),
        Some(s) => parse_date("as_of", s)?,
    };
    Ok(Json(service::credit(&state, &actor, &org, as_of).await?))
}

/// Officers of the organization's region record a credit event: a listing by decision (with
/// its document), a penalty (the listings it causes follow from rules 15(5) and 18), an
/// application for removal, a verified rectification (removes from the 活动异常名录 that day,
/// rule 16), a removal from the 严重违法失信名单 (only after two years and rectification, never
/// for a revocation, rule 19), a completed deregistration. Answers the credit as of that day.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/credit/events", tag = "credit",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = EventInput,
    responses((status = 201, body = CreditView), (status = 403, body = Problem), (status = 404, body = Problem),
               (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_event(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<EventInput>,
) -> AppResult<(StatusCode, Json<CreditView>)> {
    let org = load_org(&state, &uscc).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::record(&state, &actor, &org, &b).await?),
    ))
}

/// Officers record a 从业禁止 (DOMAIN.md §3) on a person, by identity number (kept only as its
/// keyed hash): from a date, until a date or open-ended, with its reason and document. The
/// registration module then refuses the person as founder or leader, naming the bar.
#[utoipa::path(post, path = "/api/v1/credit/bans", tag = "credit",
    request_body = service::BanInput,
    responses((status = 201, body = service::BanView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_ban(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<service::BanInput>,
) -> AppResult<(StatusCode, Json<service::BanView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::add_ban(&state, &actor, &b).await?),
    ))
}
