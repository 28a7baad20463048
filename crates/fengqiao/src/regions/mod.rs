//! Regions (行政区划) and grids (网格): Zhejiang's real divisions from province to village, and
//! the grids officers draw under each community.

pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::auth::{Access, ObjectKind, Role, Scope};
use crate::platform::routes::Routes;

/// Who may draw grids: officers of the region (street level and up).
pub const GRID_EDITORS: &[Role] = Role::OFFICERS;

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::get_region))
        .api(
            Access::scoped(GRID_EDITORS, Scope::RegionParam("code")),
            routes!(api::create_grid),
        )
        .api(
            Access::scoped(GRID_EDITORS, Scope::Object(ObjectKind::Grid, "id")),
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
