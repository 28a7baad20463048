//! JSON handlers of leader management under `/api/v1/organizations/{uscc}/…`: the leadership
//! record, officers' measures and their follow-up, departure audits and 述职. `{uscc}` is the
//! organization's USCC, or its id when it has none, as the registration module's routes take it.

use axum::extract::State;
use axum::http::StatusCode;

use super::service::{self, ActionView, FollowUp, Leadership, NewAction, NewAudit, NewDutyReport};
use super::store::{AuditRow, DutyReportRow};
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path};
use crate::platform::{AppResult, AppState};
use crate::registration::service::governance::load_org;

/// An organization's leaders, the measures about them, departure audits (离任审计) and yearly
/// reports (述职): officers and inspectors of its region, its own accounts.
#[utoipa::path(get, path = "/api/v1/organizations/{uscc}/leadership", tag = "supervision",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    responses((status = 200, body = Leadership), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn leadership(
    State(state): State<AppState>,
    Path(uscc): Path<String>,
) -> AppResult<Json<Leadership>> {
    let org = load_org(&state, &uscc).await?;
    Ok(Json(service::leadership(&state, &org).await?))
}

/// Records 约谈, 警告, 责令撤换 or 从业禁止 about a leader (DOMAIN.md §3), with its decision
/// document; a 从业禁止 bars the person at once (registration refuses him as founder or leader).
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/leader-actions", tag = "supervision",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = NewAction,
    responses((status = 201, body = ActionView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_action(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<NewAction>,
) -> AppResult<(StatusCode, Json<ActionView>)> {
    let org = load_org(&state, &uscc).await?;
    let v = service::record_action(&state, &actor, &org, &b).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Closes an open measure with its follow-up (409 when it is closed already).
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/leader-actions/{id}/close", tag = "supervision",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one"),
           ("id" = String, Path, description = "The action's id")),
    request_body = FollowUp,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_action(
    State(state): State<AppState>,
    actor: Actor,
    Path((uscc, id)): Path<(String, String)>,
    Json(b): Json<FollowUp>,
) -> AppResult<StatusCode> {
    let org = load_org(&state, &uscc).await?;
    service::close_action(&state, &actor, &org, &id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Files the departure audit (离任审计) of a legal representative's term: a change naming another
/// legal representative is refused until one covering the sitting one's term is on file
/// (DOMAIN.md §3). The report's PDF is uploaded on the leadership page.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/departure-audits", tag = "supervision",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = NewAudit,
    responses((status = 201, body = AuditRow), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn file_audit(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<NewAudit>,
) -> AppResult<(StatusCode, Json<AuditRow>)> {
    let org = load_org(&state, &uscc).await?;
    let row = service::file_audit(&state, &actor, &org, &b, None).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Records the legal representative's yearly report (法定代表人述职, POLICY 十二), once a year.
#[utoipa::path(post, path = "/api/v1/organizations/{uscc}/duty-reports", tag = "supervision",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    request_body = NewDutyReport,
    responses((status = 201, body = DutyReportRow), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_duty_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(uscc): Path<String>,
    Json(b): Json<NewDutyReport>,
) -> AppResult<(StatusCode, Json<DutyReportRow>)> {
    let org = load_org(&state, &uscc).await?;
    let row = service::record_duty_report(&state, &actor, &org, &b).await?;
    Ok((StatusCode::CREATED, Json(row)))
}
