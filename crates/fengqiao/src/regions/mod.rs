//! Regions (行政区划) and grids (网格): Zhejiang's real divisions from province to village, and
//! the grids officers draw under each community.

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Access, ObjectType, Role, Scope};
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::BoxFuture;
use crate::platform::{AppResult, AppState};

/// Who may draw grids: officers of the region (street level and up).
pub const GRID_EDITORS: &[Role] = Role::OFFICERS;

/// A grid (网格), by its id: the region of its community.
pub static GRID: ObjectType = ObjectType {
    name: "regions.grid",
    resolve: grid_scope,
};

fn grid_scope<'a>(state: &'a AppState, id: &'a str) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        let id = crate::platform::extract::parse_id(id)?;
        Ok(store::grid_region(&state.db, id)
            .await?
            .map(ScopeRow::region))
    })
}

/// Regions and grids (行政区划与网格).
pub const MODULE: Module = Module {
    tags: &[("regions", "行政区划与网格 Regions and grids")],
    nav: &[NavEntry::public(60, "nav.regions", "/regions")],
    demo: Some(demo::load),
    ..Module::new("regions", routes)
};

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::get_region))
        .api(
            Access::scoped(GRID_EDITORS, Scope::RegionParam("code")),
            routes!(api::create_grid),
        )
        .api(
            Access::scoped(GRID_EDITORS, Scope::Object(&GRID, "id")),
            routes!(api::get_grid, api::update_grid),
        )
        .page("/regions", &["GET"], Access::PUBLIC, get(pages::tree_root))
        .page(
            "/regions/{code}",
            &["GET"],
            Access::PUBLIC,
            get(pages::tree),
        )
        .page(
            "/regions/{code}/grids",
            &["POST"],
            Access::scoped(GRID_EDITORS, Scope::RegionParam("code")),
            axum::routing::post(pages::create_grid),
        )
        // The grid form's page (shown again after an error) has the address …/grids; a GET
        // there, such as the language switch returning to it, goes to the community's page.
        .page(
            "/regions/{code}/grids",
            &["GET"],
            Access::PUBLIC,
            get(pages::to_region),
        )
}

/// Loads the division table shipped in the binary (2023 edition).
pub const SHIPPED_DIVISIONS: &str =
    include_str!("../../../../datasets/divisions/zhejiang_divisions.csv");
