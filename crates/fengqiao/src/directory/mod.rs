//! The public register (社会组织公示): Chinese full-text search of every organization with
//! filters, facets and CSV export; bulk import of an existing register; the search index kept
//! current from the outbox (`index`).

pub mod api;
pub mod demo;
pub mod import;
pub mod index;
pub mod model;
pub mod pages;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::AppState;
use crate::platform::auth::{Access, Role};
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::BoxFuture;

/// Who imports an existing register: the system administrator and provincial officers.
pub const IMPORTERS: &[Role] = &[Role::SysAdmin, Role::ProvinceOfficer];
/// Largest import upload (the whole request is limited to 16 MB by the application).
pub const IMPORT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// The public register (社会组织名录): search, facets, export, import.
pub const MODULE: Module = Module {
    tags: &[("register", "社会组织名录 The public register")],
    nav: &[NavEntry::public(20, "nav.register", "/register")],
    start: Some(start),
    demo: Some(demo::load),
    ..Module::new("directory", routes)
};

/// Every server keeps its own search index (a cache) current from the outbox.
fn start(state: &AppState) -> BoxFuture<'_, anyhow::Result<()>> {
    Box::pin(async move { Ok(index::start(state).await?) })
}

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
