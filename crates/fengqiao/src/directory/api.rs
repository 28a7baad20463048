//! JSON (and CSV) handlers of the public register.

use std::collections::BTreeMap;

use axum::extract::State;

use crate::platform::extract::{Json, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::model::{self, RegisterQuery};
use crate::platform::error::Problem;
use crate::platform::search::{Hit, SearchRequest, SearchResult};
use crate::platform::{AppError, AppResult, AppState};

/// One organization in the register's results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgItem {
    /// 统一社会信用代码 (absent for a community organization that is only filed).
    pub uscc: Option<String>,
    pub name: String,
    /// social_group | foundation | social_service_agency | community_org
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub org_type: String,
    pub category: String,
    /// registered | filed | deregistered | revoked
    pub status: String,
    pub region_code: String,
    /// YYYY-MM-DD
    pub registered_on: Option<String>,
    /// The evaluation grade in force (1A–5A), if any.
    pub grade: Option<String>,
}

impl From<Hit> for OrgItem {
    fn from(h: Hit) -> Self {
        OrgItem {
            uscc: h.uscc,
            name: h.name,
            org_type: h.org_type,
            category: h.category,
            status: h.status,
            region_code: h.region_code,
            registered_on: h.registered_on,
            grade: h.grade,
        }
    }
}

/// Counts of the matches by value.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Facets {
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub org_type: BTreeMap<String, u64>,
    pub category: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    /// By evaluation grade in force (organizations without one are not counted).
    pub grade: BTreeMap<String, u64>,
    /// By division one level below the `region` asked for (cities for the province).
    pub region: BTreeMap<String, u64>,
}

/// A page of the register.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgPage {
    pub total: u64,
    pub items: Vec<OrgItem>,
    pub facets: Facets,
}

impl From<SearchResult> for OrgPage {
    fn from(r: SearchResult) -> Self {
        OrgPage {
            total: r.total,
            items: r.hits.into_iter().map(OrgItem::from).collect(),
            facets: Facets {
                org_type: r.facets.org_type,
                category: r.facets.category,
                status: r.facets.status,
                grade: r.facets.grade,
                region: r.facets.region,
            },
        }
    }
}

/// Runs a search on the index (off the async threads).
pub async fn search(state: &AppState, req: SearchRequest) -> AppResult<SearchResult> {
    let index = state.search.clone();
    let started = std::time::Instant::now();
    let out = match index.cached(&req) {
        Some(hit) => hit,
        None => {
            let turn = index.turn().await;
            let ix = index.clone();
            let out = tokio::task::spawn_blocking(move || ix.search(&req))
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("search task: {e}")))??;
            drop(turn);
            out
        }
    };
    metrics::histogram!("register_search_seconds").record(started.elapsed().as_secs_f64());
    Ok(std::sync::Arc::unwrap_or_clone(out))
}

/// The public register (社会组织公示): Chinese full-text search over name, business scope and
/// purpose (space-separated terms must all match; a single character or part of a word
/// matches), filters, facets with counts, results by relevance then credit code.
/// `format=csv` exports every match (up to 100,000) as CSV.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "register", params(RegisterQuery),
    responses((status = 200, body = OrgPage), (status = 422, body = Problem)))]
pub async fn list_organizations(
    State(state): State<AppState>,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let csv = match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(AppError::invalid(
                "format",
                "register.format",
                format!("不支持的格式“{other}”，可选：json、csv"),
                format!("Unknown format “{other}”; one of: json, csv"),
            ));
        }
    };
    let req = model::search_request(&q, csv)?;
    let result = search(&state, req).await?;
    if csv {
        return csv_response(&result.hits);
    }
    Ok(Json(OrgPage::from(result)).into_response())
}

/// The hits as CSV: UTF-8 with a byte-order mark (so that spreadsheet programs read Chinese),
/// Chinese and English headers, type and status by their Chinese names.
pub fn csv_response(hits: &[Hit]) -> AppResult<Response> {
    let mut w = crate::platform::export::CsvExport::new();
    w.row([
        "统一社会信用代码 uscc",
        "名称 name",
        "类型 type",
        "类别 category",
        "状态 status",
        "行政区划代码 region_code",
        "登记日期 registered_on",
    ])?;
    for h in hits {
        w.row([
            h.uscc.as_deref().unwrap_or(""),
            &h.name,
            &model::zh_name(model::TYPES, &h.org_type),
            &model::zh_name(model::CATEGORIES, &h.category),
            &model::zh_name(model::STATUSES, &h.status),
            &h.region_code,
            h.registered_on.as_deref().unwrap_or(""),
        ])?;
    }
    let body = w.into_bytes()?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"register.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
