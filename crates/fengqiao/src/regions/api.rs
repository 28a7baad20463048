//! JSON handlers for regions and grids.

use axum::extract::State;
use axum::http::StatusCode;

use super::model::{Grid, NewGrid, RegionView, validate_grid};
use super::store;
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path};
use crate::platform::{AppError, AppResult, AppState};

/// Parses a division code from the path, naming the wrong character.
pub fn parse_region(field: &str, code: &str) -> AppResult<codes::RegionCode> {
    codes::RegionCode::parse(code).map_err(|e| AppError::from_code(field, &e))
}

/// Reads a region with its parents, children (with counts) and grids.
pub async fn region_view(state: &AppState, code: &str) -> AppResult<RegionView> {
    let parsed = parse_region("code", code)?;
    let region = store::get(&state.db, parsed.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let parents = store::parents(&state.db, &region).await?;
    let children = store::children_with_counts(&state.db, &region).await?;
    let counts = store::counts(&state.db, &parsed).await?;
    let grids = if region.level == "village" {
        store::grids_in(&state.db, &region.code).await?
    } else {
        Vec::new()
    };
    Ok(RegionView {
        region,
        parents,
        children,
        counts,
        grids,
    })
}

/// A region (行政区划) with its parents and children.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions",
    params(("code" = String, Path, description = "Division code: 6 (province/city/county), 9 (township) or 12 (village) digits")),
    responses((status = 200, body = RegionView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_region(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<RegionView>> {
    Ok(Json(region_view(&state, &code).await?))
}

/// Creates a grid (网格) under a community or village. Officers whose region covers it only.
#[utoipa::path(post, path = "/api/v1/regions/{code}/grids", tag = "regions",
    params(("code" = String, Path, description = "12-digit code of the community or village")),
    request_body = NewGrid,
    responses((status = 201, body = Grid), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_grid(
    State(state): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    Json(body): Json<NewGrid>,
) -> AppResult<(StatusCode, Json<Grid>)> {
    let grid = create(&state, &actor, &code, &body).await?;
    Ok((StatusCode::CREATED, Json(grid)))
}

/// The one path for creating a grid, shared by the API and the page form.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    code: &str,
    body: &NewGrid,
) -> AppResult<Grid> {
    let parsed = parse_region("code", code)?;
    let region = store::get(&state.db, parsed.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    if region.level != "village" {
        return Err(AppError::invalid(
            "code",
            "grid.region.level",
            "网格只能建在社区或村之下",
            "Grids are created under a community or village",
        ));
    }
    let (name, households) = validate_grid(body)?;
    store::create_grid(
        &state.db,
        state.clock.now(),
        actor,
        &region.code,
        &name,
        households,
    )
    .await
}

/// A grid.
#[utoipa::path(get, path = "/api/v1/grids/{id}", tag = "regions",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Grid), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_grid(
    State(state): State<AppState>,
    Path(id): Path<uuid::Uuid>,
) -> AppResult<Json<Grid>> {
    Ok(Json(
        store::grid(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

/// Renames a grid or changes its households.
#[utoipa::path(put, path = "/api/v1/grids/{id}", tag = "regions",
    params(("id" = uuid::Uuid, Path)), request_body = NewGrid,
    responses((status = 200, body = Grid), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_grid(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<uuid::Uuid>,
    Json(body): Json<NewGrid>,
) -> AppResult<Json<Grid>> {
    let (name, households) = validate_grid(&body)?;
    Ok(Json(
        store::update_grid(&state.db, state.clock.now(), &actor, id, &name, households).await?,
    ))
}
