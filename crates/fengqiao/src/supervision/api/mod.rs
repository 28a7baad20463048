//! JSON handlers under `/api/v1/annual-reports…`: the organization's drafts and submissions,
//! the 业务主管单位's and the registration authority's reviews, corrected versions, the officers'
//! list (and its CSV), and the published parts of passed reports.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub mod warnings;

use super::model::{AnnualReport, FieldError, ListItem, PublishedReport, ReportContent, Status};
use super::service::{self, NewReport, Refusal, ReviewBody, parse_id};
use super::store;
use crate::platform::auth::{Actor, Listing};
use crate::platform::error::{Bilingual, Problem};
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppError, AppResult, AppState};

/// Most rows returned by one list call (and one export).
pub const LIST_LIMIT: i64 = 5000;

/// A refused submission: problem+json (422) whose `field` is the first fault and whose
/// `errors` name every fault by its field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatementsProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// `supervision.invalid_report`.
    pub code: String,
    pub field: Option<String>,
    #[schema(value_type = Object)]
    pub message: Bilingual,
    pub errors: Vec<FieldError>,
}

impl StatementsProblem {
    pub fn new(errors: Vec<FieldError>) -> StatementsProblem {
        let zh = format!("年报有 {} 处需要更正", errors.len());
        let en = format!("The report has {} problems to correct", errors.len());
        StatementsProblem {
            kind: "urn:fengqiao:problem:supervision.invalid_report".into(),
            title: "Unprocessable Entity".into(),
            status: 422,
            detail: format!("{zh} / {en}"),
            code: "supervision.invalid_report".into(),
            field: errors.first().map(|e| e.field.clone()),
            message: Bilingual::new(zh, en),
            errors,
        }
    }
}

impl IntoResponse for StatementsProblem {
    fn into_response(self) -> Response {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&self).unwrap_or_default(),
        )
            .into_response()
    }
}

fn refused(r: Refusal) -> Response {
    match r {
        Refusal::Fields(errors) => StatementsProblem::new(errors).into_response(),
        Refusal::Other(e) => e.into_response(),
    }
}

/// Starts the draft (version 1) of the report on `year` of an organization the org_admin is
/// bound to, with whatever content is given (checked only when submitted). A year not yet
/// ended, an organization that does not report on it (DOMAIN.md rule 14), or a report already
/// begun: refused, nothing stored.
#[utoipa::path(post, path = "/api/v1/annual-reports", tag = "supervision", request_body = NewReport,
    responses((status = 201, body = AnnualReport), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<NewReport>,
) -> AppResult<(StatusCode, Json<AnnualReport>)> {
    let row = service::create(&state, &actor, &b).await?;
    Ok((StatusCode::CREATED, Json(service::view(&state, row).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// The year reported on.
    pub year: Option<i32>,
    /// draft | submitted | supervisory_passed | passed | passed_with_corrections | failed
    pub status: Option<String>,
}

fn list_filters(q: &ListQuery) -> AppResult<(Option<i32>, Option<Status>)> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Status::from_key(s).ok_or_else(|| {
            AppError::invalid(
                "status",
                "supervision.status",
                "状态不正确",
                "Unknown status",
            )
        })?),
    };
    Ok((q.year, status))
}

/// Reports the actor may list, newest year first: officers and reviewers those of their
/// region, an organization account those of its organizations; by year and status.
#[utoipa::path(get, path = "/api/v1/annual-reports", tag = "supervision", params(ListQuery),
    responses((status = 200, body = Vec<ListItem>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<Vec<ListItem>>> {
    let (year, status) = list_filters(&q)?;
    let listing = Listing::of(&actor)?;
    Ok(Json(
        store::list(&state.db, &listing, year, status, LIST_LIMIT).await?,
    ))
}

/// The officers' list as CSV (UTF-8 with BOM, every cell neutralized against formulas).
#[utoipa::path(get, path = "/api/v1/annual-reports/export", tag = "supervision", params(ListQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn export(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let (year, status) = list_filters(&q)?;
    let listing = Listing::of(&actor)?;
    let items = store::list(&state.db, &listing, year, status, LIST_LIMIT).await?;
    csv_response(&items)
}

/// The list as a CSV file.
pub fn csv_response(items: &[ListItem]) -> AppResult<Response> {
    let mut w = crate::platform::export::CsvExport::new();
    w.row([
        "统一社会信用代码 uscc",
        "名称 name",
        "类型 type",
        "行政区划代码 region_code",
        "年度 year",
        "版本 version",
        "状态 status",
        "提交日期 submitted_on",
        "业务主管单位 supervisory_unit",
    ])?;
    for i in items {
        w.row([
            i.uscc.clone().unwrap_or_default(),
            i.organization_name.clone(),
            i.org_type.clone(),
            i.region_code.clone(),
            i.year.to_string(),
            i.version.to_string(),
            i.status.clone(),
            i.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
            i.supervisory_unit.clone().unwrap_or_default(),
        ])?;
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"annual-reports.csv\"",
            ),
        ],
        w.into_bytes()?,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PublishedQuery {
    /// The organization's USCC, or its id.
    pub organization: Option<String>,
}

/// The published parts of an organization's passed reports (public, DOMAIN.md §4: published
/// after passing): the latest passed version of each year, newest year first.
#[utoipa::path(get, path = "/api/v1/annual-reports/published", tag = "supervision", params(PublishedQuery),
    responses((status = 200, body = Vec<PublishedReport>), (status = 404, body = Problem)))]
pub async fn published(
    State(state): State<AppState>,
    Query(q): Query<PublishedQuery>,
) -> AppResult<Json<Vec<PublishedReport>>> {
    let key = q.organization.unwrap_or_default();
    let org = service::organization_by_key(&state, &key).await?;
    let rows = store::published(&state.db, org.id).await?;
    Ok(Json(rows.iter().map(PublishedReport::from).collect()))
}

/// One version of a report, with its deadlines (DOMAIN.md rule 14) and whether it is late.
#[utoipa::path(get, path = "/api/v1/annual-reports/{id}", tag = "supervision",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = AnnualReport), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<AnnualReport>> {
    let row = service::load(&state, parse_id(&id)?).await?;
    Ok(Json(service::view(&state, row).await?))
}

/// Saves a draft's content as it is (the organization; figures are checked on submission).
#[utoipa::path(put, path = "/api/v1/annual-reports/{id}", tag = "supervision",
    params(("id" = uuid::Uuid, Path)), request_body = ReportContent,
    responses((status = 200, body = AnnualReport), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(c): Json<ReportContent>,
) -> AppResult<Json<AnnualReport>> {
    let row = service::save(&state, &actor, parse_id(&id)?, &c).await?;
    Ok(Json(service::view(&state, row).await?))
}

/// Submits a draft with its content. Every figure is checked (DOMAIN.md rule 14, §4: totals
/// equal their lines, the balance sheet balances, nothing negative): a refusal is 422 with
/// `errors` naming every fault by its field, and nothing is stored.
#[utoipa::path(post, path = "/api/v1/annual-reports/{id}/submit", tag = "supervision",
    params(("id" = uuid::Uuid, Path)), request_body = ReportContent,
    responses((status = 200, body = AnnualReport), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = StatementsProblem)))]
pub async fn submit(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(c): Json<ReportContent>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    match service::submit(&state, &actor, id, &c).await {
        Ok(row) => match service::view(&state, row).await {
            Ok(v) => Json(v).into_response(),
            Err(e) => e.into_response(),
        },
        Err(r) => refused(r),
    }
}

/// The 业务主管单位's first review: `pass` or `fail` (with a comment). Only the reviewer of the
/// department the report is addressed to.
#[utoipa::path(post, path = "/api/v1/annual-reports/{id}/supervisory-review", tag = "supervision",
    params(("id" = uuid::Uuid, Path)), request_body = ReviewBody,
    responses((status = 200, body = AnnualReport), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn supervisory_review(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<ReviewBody>,
) -> AppResult<Json<AnnualReport>> {
    let row = service::supervisory_review(&state, &actor, parse_id(&id)?, &b).await?;
    Ok(Json(service::view(&state, row).await?))
}

/// The registration authority's decision (officers of the organization's region): `pass`,
/// `pass_with_corrections` or `fail`, with a comment unless passing.
#[utoipa::path(post, path = "/api/v1/annual-reports/{id}/decision", tag = "supervision",
    params(("id" = uuid::Uuid, Path)), request_body = ReviewBody,
    responses((status = 200, body = AnnualReport), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<ReviewBody>,
) -> AppResult<Json<AnnualReport>> {
    let row = service::decide(&state, &actor, parse_id(&id)?, &b).await?;
    Ok(Json(service::view(&state, row).await?))
}

/// A corrected report: a new draft version of a failed or corrected one (its content copied;
/// the old version kept). The organization then saves and submits it.
#[utoipa::path(post, path = "/api/v1/annual-reports/{id}/versions", tag = "supervision",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 201, body = AnnualReport), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn new_version(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<AnnualReport>)> {
    let row = service::new_version(&state, &actor, parse_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(service::view(&state, row).await?)))
}
