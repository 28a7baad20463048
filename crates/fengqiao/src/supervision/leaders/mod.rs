//! 负责人管理 (leader management, POLICY 九, 十二; DOMAIN.md §3), a part of the supervision
//! module with the module's shape: the officers' measures about leaders (约谈, 警告, 责令撤换,
//! 从业禁止) with documents, deadlines and follow-up; the departure audits (离任审计) that a
//! change of legal representative needs ([`departure_audit_on_file`], which the registration
//! module asks when such a change is submitted); the legal representatives' yearly 述职.

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::routes;

use super::{DECIDERS, READERS};
use crate::platform::auth::{Access, Role, Scope};
use crate::platform::routes::Routes;
use crate::platform::{AppResult, AppState};

pub use model::SittingRep;

/// Who files departure audits and 述职: the organization's own accounts and the officers who
/// decide for its region.
pub const FILERS: &[Role] = &[
    Role::OrgAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];

const fn org(roles: &'static [Role]) -> Access {
    Access::scoped(
        roles,
        Scope::Object(&crate::registration::ORGANIZATION, "uscc"),
    )
}

/// Whether a departure audit covering the sitting legal representative's term is on file: a
/// change of legal representative is refused until it is (DOMAIN.md §3, §2.2–2.4).
pub async fn departure_audit_on_file(
    state: &AppState,
    organization_id: uuid::Uuid,
    sitting: &SittingRep,
) -> AppResult<bool> {
    service::audit_on_file(state, organization_id, sitting).await
}

pub fn routes() -> Routes {
    Routes::new()
        .api(org(READERS), routes!(api::leadership))
        .api(org(DECIDERS), routes!(api::record_action))
        .api(org(DECIDERS), routes!(api::close_action))
        .api(org(FILERS), routes!(api::file_audit))
        .api(org(FILERS), routes!(api::record_duty_report))
        .page(
            "/supervision/organizations/{uscc}/leadership",
            &["GET"],
            org(READERS),
            get(pages::show),
        )
        .page(
            "/supervision/organizations/{uscc}/leader-actions",
            &["POST"],
            org(DECIDERS),
            post(pages::record_action),
        )
        .page(
            "/supervision/organizations/{uscc}/leader-actions/{id}/close",
            &["POST"],
            org(DECIDERS),
            post(pages::close_action),
        )
        .page(
            "/supervision/organizations/{uscc}/departure-audits",
            &["POST"],
            org(FILERS),
            post(pages::file_audit),
        )
        .page(
            "/supervision/organizations/{uscc}/departure-audits/{audit}/report/{file}",
            &["GET"],
            org(READERS),
            get(pages::download_report),
        )
        .page(
            "/supervision/organizations/{uscc}/duty-reports",
            &["POST"],
            org(FILERS),
            post(pages::record_duty_report),
        )
}
