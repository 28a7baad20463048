//! Credit (信用信息管理): the 活动异常名录 and the 严重违法失信名单 with their statutory triggers,
//! removals and clocks (民政部令第60号; DOMAIN.md §0 rules 15–21, §5), 从业禁止 (§3), and
//! [`standing`] / [`person_bar`] for the other modules. An organization's standing on any date
//! is a pure function of its events and the rule parameters by date ([`model::engine`]).

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::auth::{Access, Role, Scope};
use crate::platform::module::{DemoContext, Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::BoxFuture;
use crate::platform::scheduler::Job;
use crate::platform::{AppResult, AppState};

pub use service::{Bar, LateReport, list_late_reports, person_bar, standing};

/// Records a 从业禁止 on a person the register already holds (by the keyed hash of his identity
/// number), under `id`: the supervision module's leader action of that kind. Audited as
/// `credit.ban`, as one recorded at `POST /api/v1/credit/bans`.
pub async fn bar_person(
    state: &AppState,
    actor: &crate::platform::auth::Actor,
    id: uuid::Uuid,
    id_number_index: &str,
    term: (chrono::NaiveDate, Option<chrono::NaiveDate>),
    reason: &str,
    document: &str,
) -> AppResult<()> {
    store::add_ban(
        &state.db,
        state.clock.now(),
        actor,
        id,
        id_number_index,
        term,
        reason,
        document,
    )
    .await
}

/// Records the regulations' 警告 (warning) on the organization as a credit penalty event: the
/// supervision module's leader action of that kind. A warning puts the organization on the
/// 活动异常名录 (rule 15(5)), and two within three years on the 严重违法失信名单 (rule 18).
pub async fn record_warning(
    state: &AppState,
    actor: &crate::platform::auth::Actor,
    org: &crate::registration::model::Organization,
    decided_on: chrono::NaiveDate,
    document: &str,
    facts: &str,
) -> AppResult<()> {
    let input = service::EventInput {
        kind: "penalty".into(),
        penalty_kind: Some("warning".into()),
        occurred_on: decided_on.to_string(),
        document: document.into(),
        note: facts.chars().take(200).collect(),
        ..Default::default()
    };
    service::record(state, actor, org, &input).await.map(|_| ())
}

/// Who records credit events and bans: officers of the organization's region (its registering
/// authority and those above it) and the administrator.
pub const RECORDERS: &[Role] = &[
    Role::SysAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];

/// Credit lists (信用信息管理).
pub const MODULE: Module = Module {
    tags: &[(
        "credit",
        "信用信息：活动异常名录、严重违法失信名单、从业禁止 Credit: the list of abnormal activities, the list of serious violations, practice bans",
    )],
    nav: &[NavEntry::public(25, "nav.credit", "/credit")],
    jobs: &[Job {
        name: "credit.late_reports",
        period: LATE_REPORT_SWEEP,
        run: sweep_late_reports,
    }],
    demo: Some(load_demo),
    ..Module::new("credit", routes)
};

/// How often the late-report run looks (it is idempotent: a report is listed once).
pub const LATE_REPORT_SWEEP: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

fn sweep_late_reports(state: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move {
        service::sweep_late_reports(&state).await?;
        Ok(())
    })
}

fn load_demo<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(demo::load(cx))
}

const fn org_scope(roles: &'static [Role]) -> Access {
    Access::scoped(
        roles,
        Scope::Object(&crate::registration::ORGANIZATION, "uscc"),
    )
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::abnormal))
        .api(Access::PUBLIC, routes!(api::blacklist))
        .api(Access::PUBLIC, routes!(api::reasons))
        .api(Access::PUBLIC, routes!(api::organization_credit))
        .api(org_scope(RECORDERS), routes!(api::record_event))
        .api(Access::roles(RECORDERS), routes!(api::add_ban))
        .page("/credit", &["GET"], Access::PUBLIC, get(pages::lists))
        .page(
            "/credit/organizations/{uscc}",
            &["GET"],
            Access::PUBLIC,
            get(pages::organization),
        )
        .page(
            "/credit/organizations/{uscc}/events",
            &["POST"],
            org_scope(RECORDERS),
            axum::routing::post(pages::record),
        )
}

/// The days of the administrative penalties (行政处罚) decided against an organization in
/// `year`, as the evaluation module asks them (DOMAIN.md §8: not evaluated if penalized last
/// year).
pub async fn penalties_in(
    state: &AppState,
    organization_id: uuid::Uuid,
    year: i32,
) -> AppResult<Vec<chrono::NaiveDate>> {
    use chrono::Datelike;
    Ok(store::events(&state.db, organization_id)
        .await?
        .into_iter()
        .filter(|e| e.kind == "penalty" && e.occurred_on.year() == year)
        .map(|e| e.occurred_on)
        .collect())
}
