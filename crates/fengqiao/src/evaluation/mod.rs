//! Evaluation grades (社会组织评估, 民政部令第39号; DOMAIN.md §8; issue 9): an officer of a region
//! opens a round; an org_admin applies for his organization (or the officer enrols it) and
//! eligibility is judged with its reasons; the officer draws the expert panel from the pool by a
//! reproducible random draw (its seed published); experts on the panel, or officers, enter
//! scores per first-level indicator; the officer decides and the score's band gives 1A–5A;
//! publicity, review requests during it, then the grade is in force for 5 years and expires.
//! [`grade`] is the one function other modules ask; the register's index reads the grade in
//! force (changes are recorded on the organization, so the index follows them).

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use utoipa_axum::routes;

use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Access, ObjectType, Role, Scope};
use crate::platform::module::{DemoContext, Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::{BoxFuture, Job};
use crate::platform::{AppResult, AppState};

pub use service::grade;

/// Officers of the registration authority who open rounds, draw panels and decide, each for his
/// region.
pub const OFFICERS: &[Role] = &[
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// Who applies: an org_admin for an organization bound to him, or an officer enrolling one.
pub const APPLICANTS: &[Role] = &[
    Role::OrgAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// Who scores: experts (on the round's panel) and officers.
pub const SCORERS: &[Role] = &[
    Role::Expert,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// The organization's side (review requests).
pub const ORG_SIDE: &[Role] = &[Role::OrgAdmin];

fn id_of(id: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(id).ok()
}

fn round_scope<'a>(state: &'a AppState, id: &'a str) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        match id_of(id) {
            Some(id) => store::round_scope(&state.db, id).await,
            None => Ok(None),
        }
    })
}

fn application_scope<'a>(
    state: &'a AppState,
    id: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        match id_of(id) {
            Some(id) => store::application_scope(&state.db, id).await,
            None => Ok(None),
        }
    })
}

fn grade_scope<'a>(state: &'a AppState, id: &'a str) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        match id_of(id) {
            Some(id) => store::grade_scope(&state.db, id).await,
            None => Ok(None),
        }
    })
}

/// An evaluation round (评估批次) by its id: its region.
pub static ROUND: ObjectType = ObjectType {
    name: "evaluation.round",
    resolve: round_scope,
};

/// An application by its id: the organization's region and the organization.
pub static APPLICATION: ObjectType = ObjectType {
    name: "evaluation.application",
    resolve: application_scope,
};

/// A grade by its id: the organization's region and the organization.
pub static GRADE: ObjectType = ObjectType {
    name: "evaluation.grade",
    resolve: grade_scope,
};

/// Evaluation grades (社会组织评估).
pub const MODULE: Module = Module {
    tags: &[(
        "evaluation",
        "社会组织评估：评估批次、申请、专家抽取、评分、等级、公示与复核 Evaluation: rounds, applications, expert draw, scores, grades, publicity and review",
    )],
    nav: &[NavEntry::for_roles(
        58,
        "nav.evaluations",
        "/evaluations",
        SCORERS,
    )],
    jobs: &[Job {
        name: "evaluation.grades",
        period: TRANSITIONS,
        run: run_transitions,
    }],
    demo: Some(load_demo),
    ..Module::new("evaluation", routes)
};

/// How often grades are put into force after publicity and expired (idempotent).
pub const TRANSITIONS: std::time::Duration = std::time::Duration::from_secs(3600);

fn run_transitions(state: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move {
        service::apply_transitions(&state).await?;
        Ok(())
    })
}

fn load_demo<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(demo::load(cx))
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::indicators))
        .api(Access::roles(OFFICERS), routes!(api::open_round))
        .api(Access::roles(SCORERS), routes!(api::list_rounds))
        .api(Access::PUBLIC, routes!(api::get_round))
        .api(
            Access::scoped(SCORERS, Scope::Object(&ROUND, "id")),
            routes!(api::round_applications),
        )
        .api(Access::roles(APPLICANTS), routes!(api::apply))
        .api(
            Access::scoped(OFFICERS, Scope::Object(&ROUND, "id")),
            routes!(api::draw_panel),
        )
        .api(
            Access::scoped(SCORERS, Scope::Object(&APPLICATION, "id")),
            routes!(api::enter_scores),
        )
        .api(
            Access::scoped(OFFICERS, Scope::Object(&APPLICATION, "id")),
            routes!(api::decide),
        )
        .api(
            Access::scoped(ORG_SIDE, Scope::Object(&GRADE, "id")),
            routes!(api::request_review),
        )
        .api(Access::PUBLIC, routes!(api::organization_grades))
        .page(
            "/evaluations",
            &["GET"],
            Access::PUBLIC,
            axum::routing::get(pages::rounds),
        )
        .page(
            "/evaluations",
            &["POST"],
            Access::roles(OFFICERS),
            axum::routing::post(pages::actions::open_round),
        )
        .page(
            "/evaluations/rounds/{id}/applications",
            &["POST"],
            Access::roles(APPLICANTS),
            axum::routing::post(pages::actions::enrol),
        )
        .page(
            "/evaluations/rounds/{id}/draw",
            &["POST"],
            Access::scoped(OFFICERS, Scope::Object(&ROUND, "id")),
            axum::routing::post(pages::actions::draw),
        )
        .page(
            "/evaluations/applications/{id}/decision",
            &["POST"],
            Access::scoped(OFFICERS, Scope::Object(&APPLICATION, "id")),
            axum::routing::post(pages::actions::decide),
        )
        .page(
            "/evaluations/rounds/{id}",
            &["GET"],
            Access::PUBLIC,
            axum::routing::get(pages::round),
        )
        .page(
            "/evaluations/applications/{id}",
            &["GET"],
            Access::scoped(SCORERS, Scope::Object(&APPLICATION, "id")),
            axum::routing::get(pages::application),
        )
        .page(
            "/evaluations/applications/{id}/scores",
            &["POST"],
            Access::scoped(SCORERS, Scope::Object(&APPLICATION, "id")),
            axum::routing::post(pages::scores),
        )
}
