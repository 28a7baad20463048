//! Charity (慈善, "互联网+慈善", POLICY 四/十五; DOMAIN.md §6): 慈善组织认定 and 公开募捐资格
//! applications decided by the registration officer of the organization's region within the
//! legal deadline, fundraising plan filing (募捐方案备案) with a filing number issued by the
//! database, closing or withdrawing a plan (募捐方案的终止与撤回, [`model::closure`]), the
//! public list and page of plans, disclosures (信息公开), and supervision
//! warnings (监管预警). Whether a plan takes donations is one pure rule,
//! [`model::open_for_donation`]: the donation intake applies it to plan facts it reuses for a
//! second, and [`store::plan_open_for_donation`] applies it to a fresh read.

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::routes;

use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Access, ObjectType, Role, Scope};
use crate::platform::module::DemoContext;
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::BoxFuture;
use crate::platform::{AppResult, AppState};

/// The organization's side (社会组织管理员): acts for organizations registered inside the region
/// of his role (the role model binds org_admin to a region, not to one organization).
pub const APPLICANTS: &[Role] = &[Role::OrgAdmin];
/// Registration officers (登记管理机关) who decide, each for his region: county, city, province.
pub const DECIDERS: &[Role] = &[
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// Who sees applications of his region: the organization's side and the deciders.
pub const PARTICIPANTS: &[Role] = &[
    Role::OrgAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// Who reads supervision warnings of his region: registration officers and inspectors.
pub const SUPERVISORS: &[Role] = &[
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
    Role::Inspector,
];

/// Who closes or withdraws a filed plan: the charity (an org_admin acting for it) or a
/// registration officer of its region.
pub const CLOSERS: &[Role] = &[
    Role::OrgAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];

/// A charity application (认定/公开募捐资格): its region, applicant and organization.
pub static APPLICATION: ObjectType = ObjectType {
    name: "charity.application",
    resolve: application_scope,
};

/// A fundraising plan by its filing number or id: the region of the charity that filed it.
pub static FUNDRAISING_PLAN: ObjectType = ObjectType {
    name: "charity.fundraising_plan",
    resolve: plan_scope_of,
};

fn application_scope<'a>(
    state: &'a AppState,
    id: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        store::application_scope(&state.db, crate::platform::extract::parse_id(id)?).await
    })
}

fn plan_scope_of<'a>(
    state: &'a AppState,
    key: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move { store::plan_scope(&state.db, key).await })
}

const fn app_scope(roles: &'static [Role]) -> Access {
    Access::scoped(roles, Scope::Object(&APPLICATION, "id"))
}

/// The access of a route about one fundraising plan (`{filing_no}` in its path): the roles, in
/// the plan's region, and an organization account only for its own charity's plans.
pub const fn plan_scope(roles: &'static [Role]) -> Access {
    Access::scoped(roles, Scope::Object(&FUNDRAISING_PLAN, "filing_no"))
}

/// Charity (慈善): recognition, fundraising qualification, plan filing, disclosures, supervision.
pub const MODULE: Module = Module {
    tags: &[(
        "charity",
        "慈善组织认定、公开募捐资格、募捐方案备案与监管预警 Charity recognition, fundraising qualification, plan filing and supervision",
    )],
    nav: &[NavEntry::public(50, "nav.charity", "/charity")],
    demo: Some(load_demo),
    ..Module::new("charity", routes)
};

fn load_demo<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(demo::load(cx.db))
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::roles(APPLICANTS), routes!(api::create))
        .api(Access::roles(PARTICIPANTS), routes!(api::list))
        .api(app_scope(PARTICIPANTS), routes!(api::get_one))
        .api(app_scope(DECIDERS), routes!(api::decide))
        .api(Access::roles(APPLICANTS), routes!(api::file_plan))
        .api(Access::PUBLIC, routes!(api::plans))
        .api(Access::PUBLIC, routes!(api::plan))
        .api(plan_scope(APPLICANTS), routes!(api::disclose))
        .api(plan_scope(CLOSERS), routes!(api::close_plan))
        .api(Access::roles(SUPERVISORS), routes!(api::supervision))
        .page("/charity", &["GET"], Access::PUBLIC, get(pages::home))
        .page(
            "/charity/apply",
            &["GET", "POST"],
            Access::roles(APPLICANTS),
            get(pages::apply_form).post(pages::apply),
        )
        .page(
            "/charity/applications/{id}",
            &["GET"],
            app_scope(PARTICIPANTS),
            get(pages::application),
        )
        .page(
            "/charity/applications/{id}/decide",
            &["POST"],
            app_scope(DECIDERS),
            post(pages::decide),
        )
        .page(
            "/charity/plans",
            &["GET"],
            Access::PUBLIC,
            get(pages::plans),
        )
        .page(
            "/charity/plans/new",
            &["GET", "POST"],
            Access::roles(APPLICANTS),
            get(pages::plan_form).post(pages::file_plan),
        )
        .page(
            "/charity/plans/{filing_no}",
            &["GET"],
            Access::PUBLIC,
            get(pages::plan),
        )
        .page(
            "/charity/plans/{filing_no}/disclose",
            &["POST"],
            plan_scope(APPLICANTS),
            post(pages::disclose),
        )
        .page(
            "/charity/plans/{filing_no}/close",
            &["POST"],
            plan_scope(CLOSERS),
            post(pages::close_plan),
        )
        .page(
            "/charity/supervision",
            &["GET"],
            Access::roles(SUPERVISORS),
            get(pages::supervision),
        )
}
