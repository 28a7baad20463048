//! JSON handlers of donations: give (with an Idempotency-Key), the provider's notices, receipts,
//! project flows and disbursements.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use uuid::Uuid;

use super::flows::{self, DisbursementRow, Flows};
use super::model::Receipt;
use super::payment::{PaymentProvider, Settlement};
use super::service::{self, DisbursementRequest, DonationRequest, DonationView};
use super::store;
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path, Query};
use crate::platform::{AppError, AppResult, AppState};

/// Gives to a filed fundraising plan. Send an `Idempotency-Key` header (a UUID): a retried
/// request with the same key returns the same donation (200) and never charges twice; a key
/// reused for a different donation is refused (409). 201 when confirmed, 202 when the provider
/// confirms later, 402 when the payment is declined (the same on every retry of that key).
#[utoipa::path(post, path = "/api/v1/donations", tag = "donations", request_body = DonationRequest,
    params(("Idempotency-Key" = String, Header, description = "The client's key for this donation")),
    responses((status = 201, body = DonationView), (status = 200, body = DonationView), (status = 202, body = DonationView),
        (status = 402, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn donate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<DonationRequest>,
) -> AppResult<(StatusCode, Json<DonationView>)> {
    let key = service::check_key(headers.get("idempotency-key").and_then(|v| v.to_str().ok()))?;
    let (row, created) = service::donate(&state, key, &body).await?;
    let status = match (row.status.as_str(), created) {
        ("failed", _) => return Err(service::payment_failed()),
        ("pending", _) => StatusCode::ACCEPTED,
        (_, true) => StatusCode::CREATED,
        (_, false) => StatusCode::OK,
    };
    Ok((status, Json(DonationView::from(&row))))
}

/// A donation's status (by its id, which only the donor's receipt link carries).
#[utoipa::path(get, path = "/api/v1/donations/{id}", tag = "donations",
    responses((status = 200, body = DonationView), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> AppResult<Json<DonationView>> {
    let row = store::donation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(DonationView::from(&row)))
}

/// The receipt to download and keep: the record, its salt and the proof of inclusion under a
/// signed tree head. Check it offline with `fengqiao verify receipt FILE`.
#[utoipa::path(get, path = "/api/v1/donations/{id}/receipt", tag = "donations",
    responses((status = 200, body = Receipt), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn receipt(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Receipt>> {
    Ok(Json(service::receipt(&state, id).await?))
}

/// A provider's notice about a pending payment.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Notice {
    pub payment_ref: String,
    pub outcome: Settlement,
}

/// The test provider's notices (confirmed late, or failed). Real providers sign their notices;
/// this route exists only for the simulated provider of the demo and the tests, and answers 404
/// when it is turned off (`payments.test_provider = false`, as a real deployment must).
#[utoipa::path(post, path = "/api/v1/payments/test/notifications", tag = "donations", request_body = Notice,
    responses((status = 200, body = DonationView), (status = 404, body = Problem)))]
pub async fn test_notice(
    State(state): State<AppState>,
    notice: Result<Json<Notice>, AppError>,
) -> AppResult<Json<DonationView>> {
    // Turned off, the route does not exist for anyone, whatever the body.
    if !super::of(&state)?.test_provider_on() {
        return Err(AppError::NotFound);
    }
    let Json(n) = notice?;
    let row = store::settle(
        &state.db,
        state.clock.now(),
        super::payment::TestProvider.name(),
        &n.payment_ref,
        n.outcome == Settlement::Confirmed,
    )
    .await?;
    Ok(Json(DonationView::from(&row)))
}

/// Which projects to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProjectsQuery {
    /// A division code: projects whose plan's region lies inside it.
    pub region: Option<String>,
}

/// Fundraising projects with what each raised and spent, newest first (public: 信息公开).
#[utoipa::path(get, path = "/api/v1/projects", tag = "donations", params(ProjectsQuery),
    responses((status = 200, body = Vec<flows::ProjectSummary>), (status = 422, body = Problem)))]
pub async fn projects(
    State(state): State<AppState>,
    Query(q): Query<ProjectsQuery>,
) -> AppResult<Json<Vec<flows::ProjectSummary>>> {
    Ok(Json(
        flows::projects(&state.db, &region_filter(q.region.as_deref())?).await?,
    ))
}

/// The `LIKE` pattern of a region parameter (everything when absent).
pub fn region_filter(region: Option<&str>) -> AppResult<String> {
    match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok("%".into()),
        Some(r) => codes::RegionCode::parse(r)
            .map(|c| crate::platform::region_prefix(&c))
            .map_err(|e| AppError::from_code("region", &e)),
    }
}

/// A project's raised, spent and balance, from the database and reconciled with the log.
#[utoipa::path(get, path = "/api/v1/projects/{filing_no}", tag = "donations",
    responses((status = 200, body = Flows), (status = 404, body = Problem)))]
pub async fn project(
    State(state): State<AppState>,
    Path(filing_no): Path<String>,
) -> AppResult<Json<Flows>> {
    let plan = store::plan_by_filing_no(&state.db, &filing_no)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(flows::flows(&state.db, &plan).await?))
}

/// Records a disbursement (拨付/支出) from a project's funds, with its leaf in the log.
#[utoipa::path(post, path = "/api/v1/projects/{filing_no}/disbursements", tag = "donations",
    request_body = DisbursementRequest,
    responses((status = 201, body = DisbursementRow), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn disburse(
    State(state): State<AppState>,
    actor: Actor,
    Path(filing_no): Path<String>,
    Json(body): Json<DisbursementRequest>,
) -> AppResult<(StatusCode, Json<DisbursementRow>)> {
    let row = service::disburse(&state, &actor, &filing_no, &body).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// A project's disbursements, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{filing_no}/disbursements", tag = "donations",
    responses((status = 200, body = Vec<DisbursementRow>), (status = 404, body = Problem)))]
pub async fn disbursements(
    State(state): State<AppState>,
    Path(filing_no): Path<String>,
) -> AppResult<Json<Vec<DisbursementRow>>> {
    let plan = store::plan_by_filing_no(&state.db, &filing_no)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(flows::disbursements(&state.db, plan.id).await?))
}
