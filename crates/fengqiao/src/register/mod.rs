//! The public register (社会组织公示): Chinese full-text search of every organization with
//! filters, facets and CSV export; bulk import of an existing register; the search index kept
//! current from the outbox (`index`).

pub mod api;
pub mod import;
pub mod index;
pub mod model;
pub mod pages;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::auth::{Access, Role};
use crate::platform::routes::Routes;

/// Who imports an existing register: the system administrator and provincial officers.
pub const IMPORTERS: &[Role] = &[Role::SysAdmin, Role::ProvinceOfficer];
/// Largest import upload (the whole request is limited to 16 MB by the application).
pub const IMPORT_MAX_BYTES: usize = 16 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::list_organizations))
        .page(
            "/register",
            &["GET"],
            Access::PUBLIC,
            get(pages::search_page),
        )
        .page(
            "/register.csv",
            &["GET"],
            Access::PUBLIC,
            get(pages::export_csv),
        )
        .page(
            "/register/import",
            &["GET", "POST"],
            Access::roles(IMPORTERS),
            get(pages::import_form)
                .post(pages::import_upload)
                .layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
}
