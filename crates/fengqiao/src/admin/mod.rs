//! Administration: the audit log (审计日志) and the event feed other departments subscribe to.

pub mod api;
pub mod pages;
pub mod store;

use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::auth::{Access, Role};
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;

/// Who reads the audit log: the system administrator (all) and provincial officers (their region).
pub const AUDIT_READERS: &[Role] = &[Role::SysAdmin, Role::ProvinceOfficer];
/// Who reads the event feed: administrators, officers of every level (their region) and
/// department reviewers (the departments that subscribe).
pub const EVENT_READERS: &[Role] = &[
    Role::SysAdmin,
    Role::ProvinceOfficer,
    Role::CityOfficer,
    Role::CountyOfficer,
    Role::StreetOfficer,
    Role::DeptReviewer,
];

/// The audit log and the event feed (审计与事件).
pub const MODULE: Module = Module {
    tags: &[("platform", "审计与事件 Audit and events")],
    nav: &[NavEntry::for_roles(
        90,
        "nav.audit",
        "/admin/audit",
        AUDIT_READERS,
    )],
    ..Module::new("admin", routes)
};

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::roles(AUDIT_READERS), routes!(api::list_audit))
        .api(Access::roles(EVENT_READERS), routes!(api::list_events))
        .page(
            "/admin/audit",
            &["GET"],
            Access::roles(AUDIT_READERS),
            get(pages::audit_page),
        )
        .page(
            "/admin/audit.csv",
            &["GET"],
            Access::roles(AUDIT_READERS),
            get(pages::audit_csv),
        )
}
