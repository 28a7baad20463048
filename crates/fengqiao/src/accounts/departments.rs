//! Departments (部门) as data per region: anyone reads which departments serve a region (an
//! applicant chooses the 业务主管单位 from them); the system administrator and the officers of
//! a region add its departments. The rule that holds accounts to their department is the
//! platform's ([`crate::platform::departments::authorize`]).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::platform::auth::Actor;
use crate::platform::departments::{self, Department, DepartmentId, DepartmentKind};
use crate::platform::error::Problem;
use crate::platform::extract::Json;
use crate::platform::{AppError, AppResult, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ServingQuery {
    /// The region served: its departments and those of every region above it.
    pub region: String,
    /// Only departments of this kind (`supervisory`, `party_building`…).
    pub kind: Option<String>,
}

fn parse_kind(field: &str, key: &str) -> AppResult<DepartmentKind> {
    DepartmentKind::from_key(key.trim()).ok_or_else(|| {
        AppError::invalid(
            field,
            "department.kind",
            "部门类别应为 civil_affairs、supervisory、party_building、public_security、market_regulation、finance、justice、taxation 或 other",
            "The kind must be civil_affairs, supervisory, party_building, public_security, market_regulation, finance, justice, taxation or other",
        )
    })
}

/// The departments serving a region, nearest region first (public: they are government
/// bodies, and an applicant names his 业务主管单位 among them).
#[utoipa::path(get, path = "/api/v1/departments", tag = "accounts", params(ServingQuery),
    responses((status = 200, body = Vec<Department>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ServingQuery>,
) -> AppResult<Json<Vec<Department>>> {
    let region =
        codes::RegionCode::parse(&q.region).map_err(|e| AppError::from_code("region", &e))?;
    let kind = match q.kind.as_deref().filter(|k| !k.trim().is_empty()) {
        Some(k) => Some(parse_kind("kind", k)?),
        None => None,
    };
    Ok(Json(departments::serving(&state.db, &region, kind).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewDepartment {
    /// `{region code}.{slug}`, e.g. `330106.kejiju`: the region it sits in, and a short name.
    pub id: String,
    pub kind: String,
    pub name: String,
}

/// Adds a department to a region inside the actor's own, audited.
#[utoipa::path(post, path = "/api/v1/departments", tag = "accounts", request_body = NewDepartment,
    responses((status = 201, body = Department), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Json(b): Json<NewDepartment>,
) -> AppResult<(StatusCode, Json<Department>)> {
    let id = DepartmentId::parse(&b.id)?;
    let kind = parse_kind("kind", &b.kind)?;
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AppError::invalid(
            "name",
            "department.name",
            "请填写部门全称（不超过 64 字）",
            "Enter the department's full name (at most 64 characters)",
        ));
    }
    let region =
        codes::RegionCode::parse(id.region()).map_err(|e| AppError::from_code("id", &e))?;
    if crate::regions::store::get(&state.db, region.as_str())
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            "id",
            "region.unknown",
            "部门编号的区划代码不在区划表中",
            "The department id's region code is not in the division table",
        ));
    }
    if !actor.covers(&region) {
        return Err(AppError::Forbidden);
    }
    let d = departments::insert(&state.db, state.clock.now(), &actor, &id, kind, name).await?;
    Ok((StatusCode::CREATED, Json(d)))
}
