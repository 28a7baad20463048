//! Registry (登记): one-window registration and filing of social organizations, joint review by
//! the departments, checks on founders and leaders, pre-appointment publicity, approval with a
//! USCC and certificate, and the organization's page (POLICY 九, 十, 十四; DOMAIN.md §2–3).

pub mod api;
pub mod demo;
pub mod demo_governance;
pub mod governance_api;
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
use crate::platform::scheduler::Job;
use crate::platform::{AppResult, AppState};

/// Who files applications: founders (org_admin) and, for revocation, officers.
pub const APPLICANTS: &[Role] = &[
    Role::OrgAdmin,
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// Who takes part in the workflow and sees applications of their region.
pub const PARTICIPANTS: &[Role] = &[
    Role::OrgAdmin,
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
    Role::DeptReviewer,
];
/// Who reviews steps (the workflow narrows it per step).
pub const REVIEWERS: &[Role] = &[
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
    Role::DeptReviewer,
];

/// Who records an organization's governance bodies and party organization: its administrator
/// and civil-affairs officers, inside their region. The profile (hub kind, tax deduction,
/// special groups) and hub links are the officers' alone.
pub const GOVERNANCE_EDITORS: &[Role] = &[
    Role::OrgAdmin,
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];

/// A registry application (`applications`): the authority's region, its applicant, and the
/// organization it concerns.
pub static APPLICATION: ObjectType = ObjectType {
    name: "registry.application",
    resolve: application_scope,
};

/// An organization by its USCC, or by its id when it has none (the registering authority's
/// region, or the filing street/township); its bound accounts act for it.
pub static ORGANIZATION: ObjectType = ObjectType {
    name: "registry.organization",
    resolve: organization_scope,
};

fn application_scope<'a>(
    state: &'a AppState,
    id: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        store::application_scope(&state.db, crate::platform::extract::parse_id(id)?).await
    })
}

fn organization_scope<'a>(
    state: &'a AppState,
    id: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        let key = service::governance::parse_org_key("uscc", id)?;
        store::governance::organization_scope(&state.db, &key).await
    })
}

const fn app_scope(roles: &'static [Role]) -> Access {
    Access::scoped(roles, Scope::Object(&APPLICATION, "id"))
}

/// The organization in the path (`{uscc}`: its USCC, or its id when it has none).
const fn org_scope(roles: &'static [Role]) -> Access {
    Access::scoped(roles, Scope::Object(&ORGANIZATION, "uscc"))
}

/// At start, objectors' contacts written in plaintext before migration 0015 are sealed with
/// this server's key (SQL cannot encrypt them in the migration).
fn start(state: &AppState) -> BoxFuture<'_, anyhow::Result<()>> {
    Box::pin(async move {
        let now = state.clock.now();
        let sealed = store::sealing::seal_legacy_contacts(&state.db, &state.pii, now).await?;
        if sealed > 0 {
            tracing::info!(sealed, "objectors' contacts sealed (migration 0015)");
        }
        Ok(())
    })
}

/// Registry (登记): the one window, joint review, publicity, approval, organizations' pages.
pub const MODULE: Module = Module {
    tags: &[("registry", "登记审批 Registration and filing")],
    nav: &[
        NavEntry::public(30, "nav.publicity", "/registry/publicity"),
        NavEntry::for_roles(70, "nav.registry", "/registry", PARTICIPANTS),
    ],
    jobs: &[Job {
        name: "registry.overdue_sweep",
        period: service::overdue::SWEEP_INTERVAL,
        run: sweep_overdue,
    }],
    start: Some(start),
    demo: Some(load_demo),
    ..Module::new("registration", routes)
};

fn sweep_overdue(state: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move {
        service::overdue::flag(&state).await?;
        Ok(())
    })
}

fn load_demo<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(demo::load_demo_with(
        cx.db,
        cx.pii.clone(),
        cx.seed,
        cx.today,
    ))
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::roles(APPLICANTS), routes!(api::create))
        .api(Access::roles(PARTICIPANTS), routes!(api::list))
        .api(app_scope(PARTICIPANTS), routes!(api::get_one))
        .api(app_scope(APPLICANTS), routes!(api::submit))
        .api(app_scope(Role::OFFICERS), routes!(api::intake))
        .api(app_scope(REVIEWERS), routes!(api::review_step))
        .api(app_scope(Role::OFFICERS), routes!(api::start_publicity))
        .api(app_scope(Role::OFFICERS), routes!(api::answer_objection))
        .api(app_scope(Role::OFFICERS), routes!(api::decide))
        .api(Access::PUBLIC, routes!(api::publicity_list))
        .api(Access::PUBLIC, routes!(api::publicity_notice))
        .api(Access::PUBLIC, routes!(api::file_objection))
        .api(Access::PUBLIC, routes!(api::organization))
        .api(
            org_scope(GOVERNANCE_EDITORS),
            routes!(governance_api::add_term),
        )
        .api(
            org_scope(GOVERNANCE_EDITORS),
            routes!(governance_api::set_party),
        )
        .api(
            org_scope(Role::OFFICERS),
            routes!(governance_api::set_profile),
        )
        .api(
            org_scope(Role::OFFICERS),
            routes!(governance_api::link_supported),
        )
        .api(
            org_scope(Role::OFFICERS),
            routes!(governance_api::grant_account),
        )
        .api(
            org_scope(Role::OFFICERS),
            routes!(governance_api::revoke_account),
        )
        .api(
            Access::roles(Role::OFFICERS),
            routes!(governance_api::overdue),
        )
        .page(
            "/registry/organizations/{uscc}/governance",
            &["GET", "POST"],
            org_scope(GOVERNANCE_EDITORS),
            get(pages::governance::form).post(pages::governance::submit),
        )
        .page(
            "/registry/organizations/{uscc}/accounts",
            &["GET", "POST"],
            org_scope(Role::OFFICERS),
            get(pages::accounts::list).post(pages::accounts::grant),
        )
        .page(
            "/registry/organizations/{uscc}/accounts/{username}/revoke",
            &["POST"],
            org_scope(Role::OFFICERS),
            post(pages::accounts::revoke),
        )
        .page(
            "/registry/overdue",
            &["GET"],
            Access::roles(Role::OFFICERS),
            get(pages::governance::overdue_page),
        )
        .page(
            "/registry",
            &["GET"],
            Access::roles(PARTICIPANTS),
            get(pages::list),
        )
        .page(
            "/registry/new",
            &["GET", "POST"],
            Access::roles(APPLICANTS),
            get(pages::apply::form).post(pages::apply::create),
        )
        .page(
            "/registry/applications/{id}",
            &["GET"],
            app_scope(PARTICIPANTS),
            get(pages::application),
        )
        .page(
            "/registry/publicity",
            &["GET"],
            Access::PUBLIC,
            get(pages::publicity_list),
        )
        .page(
            "/registry/publicity/{id}",
            &["GET", "POST"],
            Access::PUBLIC,
            get(pages::notice).post(pages::object),
        )
        .page(
            "/registry/organizations/{uscc}",
            &["GET"],
            Access::PUBLIC,
            get(pages::organization),
        )
        .page(
            "/registry/organizations/{uscc}/certificate",
            &["GET"],
            Access::PUBLIC,
            get(pages::certificate),
        )
        .page(
            "/registry/applications/{id}/act",
            &["POST"],
            app_scope(PARTICIPANTS),
            post(pages::act),
        )
}

/// The register's leaders of an organization, past and present, with their persons: what the
/// supervision module's leader management (负责人管理) acts on.
pub async fn leaders_of(
    state: &AppState,
    organization_id: uuid::Uuid,
) -> AppResult<Vec<store::LeaderPerson>> {
    store::leader_persons(&state.db, organization_id).await
}

/// Credit status of an organization today, from the credit module: `serious` (严重违法失信名单),
/// `abnormal` (活动异常名录) or `none`.
pub async fn credit_status(state: &AppState, org: &model::Organization) -> AppResult<String> {
    let s = crate::credit::standing(state, org.id, state.clock.today()).await?;
    Ok(if s.serious.is_some() {
        "serious"
    } else if s.abnormal.is_some() {
        "abnormal"
    } else {
        "none"
    }
    .into())
}
