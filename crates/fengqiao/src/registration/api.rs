//! JSON handlers of the registry: `/api/v1/applications…`, the public notices and objections,
//! and `GET /api/v1/organizations/{uscc}`.

use axum::extract::State;

use crate::platform::extract::{Json, Path};
use axum::http::StatusCode;
use serde::Serialize;

use super::model::{
    Action, AnswerBody, Application, ApplicationView, DecisionBody, IntakeBody, NewApplication,
    ObjectionBody, OrganizationView, PublicityNotice, StepBody, SubmitBody,
};
use super::service::{self, ActInput, parse_id};
use super::store;
use crate::platform::auth::{Actor, Listing};
use crate::platform::error::Problem;
use crate::platform::{AppError, AppResult, AppState};

/// Most applications returned by one list call.
pub const LIST_LIMIT: i64 = 200;

/// Creates a draft application (成立登记, 备案, 变更, 注销; 撤销 by officers). Named persons are
/// checked at once: a malformed identity number or a barred person (从业禁止, 严重违法失信名单) is
/// refused with 422 naming `persons[i].id_number` and nothing is stored; age and the
/// legal-representative rule are advisory, stored with their reasons for the reviewer.
#[utoipa::path(post, path = "/api/v1/applications", tag = "registry", request_body = NewApplication,
    responses((status = 201, body = ApplicationView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<NewApplication>,
) -> AppResult<(StatusCode, Json<ApplicationView>)> {
    let app = service::create(&state, &actor, &body).await?;
    Ok((StatusCode::CREATED, Json(service::view(&state, app).await?)))
}

/// Applications the actor may read, newest first: an officer's or reviewer's those of his region,
/// an organization account's those it filed or that concern an organization bound to it.
#[utoipa::path(get, path = "/api/v1/applications", tag = "registry",
    responses((status = 200, body = Vec<Application>), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Application>>> {
    let listing = Listing::of(&actor)?;
    Ok(Json(store::list(&state.db, &listing, LIST_LIMIT).await?))
}

/// An application with its checklist, missing materials, review steps (deadline, overdue flag),
/// named persons with their checks (identity numbers masked) and objections.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "registry",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationView>> {
    let app = service::load(&state, parse_id(&id)?).await?;
    Ok(Json(service::view(&state, app).await?))
}

async fn run(
    state: &AppState,
    actor: &Actor,
    id: &str,
    action: Action,
    input: ActInput,
) -> AppResult<Json<ApplicationView>> {
    let app = service::act(state, actor, parse_id(id)?, action, input).await?;
    Ok(Json(service::view(state, app).await?))
}

/// Submits (or, after a return, resubmits) with the list of attached materials.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "registry",
    params(("id" = uuid::Uuid, Path)), request_body = SubmitBody,
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<SubmitBody>,
) -> AppResult<Json<ApplicationView>> {
    run(
        &state,
        &actor,
        &id,
        Action::Submit,
        ActInput {
            materials: b.materials,
            ..Default::default()
        },
    )
    .await
}

/// One-window intake (一窗受理): `accept`, or `return` once with the complete list of missing
/// materials (一次性告知). A resubmitted application cannot be returned again.
#[utoipa::path(post, path = "/api/v1/applications/{id}/intake", tag = "registry",
    params(("id" = uuid::Uuid, Path)), request_body = IntakeBody,
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn intake(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<IntakeBody>,
) -> AppResult<Json<ApplicationView>> {
    let accept = service::parse_verdict("decision", &b.decision, "accept", "return")?;
    let action = if accept {
        Action::Accept
    } else {
        Action::Return
    };
    run(
        &state,
        &actor,
        &id,
        action,
        ActInput {
            also_missing: b.also_missing,
            opinion: b.note,
            ..Default::default()
        },
    )
    .await
}

/// A reviewer's verdict on one parallel step (`registration`, `supervisory`, `party_building`).
/// Of two reviewers acting at once exactly one wins; the other gets 409.
#[utoipa::path(post, path = "/api/v1/applications/{id}/steps/{step}", tag = "registry",
    params(("id" = uuid::Uuid, Path), ("step" = String, Path)), request_body = StepBody,
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn review_step(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, step)): Path<(String, String)>,
    Json(b): Json<StepBody>,
) -> AppResult<Json<ApplicationView>> {
    let step = service::parse_step(&step)?;
    let ok = service::parse_verdict("verdict", &b.verdict, "approve", "reject")?;
    run(
        &state,
        &actor,
        &id,
        Action::Review(step, ok),
        ActInput {
            opinion: b.opinion,
            ..Default::default()
        },
    )
    .await
}

/// Puts the proposed leaders on public notice (任职前公示) for the configured working days.
#[utoipa::path(post, path = "/api/v1/applications/{id}/publicity", tag = "registry",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn start_publicity(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationView>> {
    run(
        &state,
        &actor,
        &id,
        Action::StartPublicity,
        ActInput::default(),
    )
    .await
}

/// The officer's answer to an objection; every objection must be answered before approval.
#[utoipa::path(post, path = "/api/v1/applications/{id}/objections/{objection}/answer", tag = "registry",
    params(("id" = uuid::Uuid, Path), ("objection" = uuid::Uuid, Path)), request_body = AnswerBody,
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn answer_objection(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, objection)): Path<(String, String)>,
    Json(b): Json<AnswerBody>,
) -> AppResult<Json<ApplicationView>> {
    let id = parse_id(&id)?;
    let objection = uuid::Uuid::parse_str(&objection).map_err(|_| {
        AppError::invalid(
            "objection",
            "id.malformed",
            "编号格式不正确",
            "The id is malformed",
        )
    })?;
    service::answer_objection(&state, &actor, id, objection, &b.answer).await?;
    Ok(Json(
        service::view(&state, service::load(&state, id).await?).await?,
    ))
}

/// The decision: `approve` (the USCC is issued, the organization enters the register) or
/// `refuse` with reasons.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decision", tag = "registry",
    params(("id" = uuid::Uuid, Path)), request_body = DecisionBody,
    responses((status = 200, body = ApplicationView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<DecisionBody>,
) -> AppResult<Json<ApplicationView>> {
    let approve = service::parse_verdict("decision", &b.decision, "approve", "refuse")?;
    let action = if approve {
        Action::Approve
    } else {
        Action::Refuse
    };
    run(
        &state,
        &actor,
        &id,
        action,
        ActInput {
            reasons: b.reasons,
            ..Default::default()
        },
    )
    .await
}

/// A notice on the public list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeItem {
    pub application_id: uuid::Uuid,
    pub name: String,
    pub region_code: String,
    pub until: Option<chrono::NaiveDate>,
}

/// Applications whose proposed leaders are on public notice now.
#[utoipa::path(get, path = "/api/v1/publicity", tag = "registry",
    responses((status = 200, body = Vec<NoticeItem>)))]
pub async fn publicity_list(State(state): State<AppState>) -> AppResult<Json<Vec<NoticeItem>>> {
    Ok(Json(notices(&state).await?))
}

pub async fn notices(state: &AppState) -> AppResult<Vec<NoticeItem>> {
    Ok(store::on_notice(&state.db, "%")
        .await?
        .into_iter()
        .map(|a| NoticeItem {
            application_id: a.id,
            name: a.name,
            region_code: a.region_code,
            until: a.publicity_until,
        })
        .collect())
}

/// One public notice (names and posts of the proposed leaders, the period).
#[utoipa::path(get, path = "/api/v1/publicity/{id}", tag = "registry",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PublicityNotice), (status = 404, body = Problem)))]
pub async fn publicity_notice(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<PublicityNotice>> {
    Ok(Json(service::notice(&state, parse_id(&id)?).await?))
}

/// Anyone may object during the publicity period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Filed {
    pub id: uuid::Uuid,
}

/// Files an objection to a notice (anyone, during the period).
#[utoipa::path(post, path = "/api/v1/publicity/{id}/objections", tag = "registry",
    params(("id" = uuid::Uuid, Path)), request_body = ObjectionBody,
    responses((status = 201, body = Filed), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn file_objection(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(b): Json<ObjectionBody>,
) -> AppResult<(StatusCode, Json<Filed>)> {
    let id = service::file_objection(&state, &actor, parse_id(&id)?, &b.name, &b.contact, &b.body)
        .await?;
    Ok((StatusCode::CREATED, Json(Filed { id })))
}

/// An organization by its USCC (or by its id when it has none: a filed community organization):
/// leaders (identity numbers masked), registration history, credit status, and its governance —
/// bodies with their terms and members, party organization, special groups served, hub kind and
/// hub links both ways, tax-deduction eligibility.
#[utoipa::path(get, path = "/api/v1/organizations/{uscc}", tag = "registry",
    params(("uscc" = String, Path, description = "统一社会信用代码, or the id of an organization without one")),
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn organization(
    State(state): State<AppState>,
    Path(uscc): Path<String>,
) -> AppResult<Json<OrganizationView>> {
    Ok(Json(service::organization(&state, &uscc).await?))
}
