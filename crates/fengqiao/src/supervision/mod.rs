//! Supervision (监管), first part: annual work reports (年度工作报告, POLICY 十; DOMAIN.md §0
//! rule 14, §4) with their financial statements and their review. The organization (an
//! org_admin bound to it) drafts and submits; the reviewer of its 业务主管单位 reviews first
//! where it has one, then officers of the registering region pass, pass with corrections or
//! fail; a correction is a new version, the old kept. The published parts of passed reports are
//! public. [`late_reporters`] is the one function the credit module asks.
//!
//! Second part: the warnings engine (资金监管预警, DOMAIN.md §6.4, §4, rules 14, 25, 26): pure
//! rules in [`model::warnings`], facts and stored warnings in [`store::facts`] and
//! [`store::warnings`], the runs (nightly, a scheduler job; and for one organization when its
//! report is submitted or decided) in [`service::warnings`]; each warning is a task for the
//! officers of the organization's region until closed with a reason.
//!
//! Leader management (负责人管理: measures about leaders, departure audits, 述职) is in
//! [`leaders`]; [`leaders::departure_audit_on_file`] is what registration asks of a change of
//! legal representative.

pub mod api;
pub mod demo;
pub mod leaders;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::routing::{get, post};
use chrono::Datelike;
use utoipa_axum::routes;

use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Access, ObjectType, Role, Scope};
use crate::platform::module::{DemoContext, Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::{BoxFuture, Job};
use crate::platform::{AppResult, AppState};

/// The organization's side: an org_admin acting for an organization bound to him.
pub const ORG_SIDE: &[Role] = &[Role::OrgAdmin];
/// The 业务主管单位's reviewers (each held to his department).
pub const SUPERVISORY_REVIEWERS: &[Role] = &[Role::DeptReviewer];
/// Officers of the registration authority who decide, each for his region.
pub const DECIDERS: &[Role] = &[
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];
/// Who reads reports of his region (or, for an org_admin, of his organizations).
pub const READERS: &[Role] = &[
    Role::OrgAdmin,
    Role::DeptReviewer,
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
    Role::Inspector,
];
/// Who exports the list of his region.
pub const EXPORTERS: &[Role] = &[
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
    Role::Inspector,
];

/// An annual report (one version) by its id: the organization's region and the organization.
pub static ANNUAL_REPORT: ObjectType = ObjectType {
    name: "supervision.annual_report",
    resolve: report_scope,
};

fn report_scope<'a>(
    state: &'a AppState,
    id: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        match uuid::Uuid::parse_str(id) {
            Ok(id) => store::report_scope(&state.db, id).await,
            Err(_) => Ok(None),
        }
    })
}

/// Who reads warnings: officers and inspectors of their region, an org_admin those of his
/// organizations.
pub const WARNING_READERS: &[Role] = &[
    Role::OrgAdmin,
    Role::StreetOfficer,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
    Role::Inspector,
];

/// A supervision warning by its id: the organization's region and the organization.
pub static WARNING: ObjectType = ObjectType {
    name: "supervision.warning",
    resolve: warning_scope,
};

fn warning_scope<'a>(
    state: &'a AppState,
    id: &'a str,
) -> BoxFuture<'a, AppResult<Option<ScopeRow>>> {
    Box::pin(async move {
        match uuid::Uuid::parse_str(id) {
            Ok(id) => store::warnings::scope(&state.db, id).await,
            Err(_) => Ok(None),
        }
    })
}

const fn warning(roles: &'static [Role]) -> Access {
    Access::scoped(roles, Scope::Object(&WARNING, "id"))
}

/// How often the warnings run (nightly; idempotent, so a run twice a day adds nothing).
pub const WARNINGS_RUN: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn run_warnings(state: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move {
        let out = service::warnings::run_nightly(&state).await?;
        tracing::info!(?out, "supervision warnings run");
        Ok(())
    })
}

const fn report(roles: &'static [Role]) -> Access {
    Access::scoped(roles, Scope::Object(&ANNUAL_REPORT, "id"))
}

/// Supervision (监管): annual work reports and their review.
pub const MODULE: Module = Module {
    tags: &[(
        "supervision",
        "社会组织监管：年度工作报告、财务报表及其审查 Supervision: annual work reports, financial statements and their review",
    )],
    nav: &[
        NavEntry::for_roles(
            55,
            "nav.annual_reports",
            "/supervision/annual-reports",
            READERS,
        ),
        NavEntry::for_roles(
            56,
            "nav.supervision_warnings",
            "/supervision/warnings",
            WARNING_READERS,
        ),
    ],
    jobs: &[Job {
        name: "supervision.warnings",
        period: WARNINGS_RUN,
        run: run_warnings,
    }],
    demo: Some(load_demo),
    ..Module::new("supervision", routes)
};

fn load_demo<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(async move {
        demo::load(cx.db, cx.seed, cx.today).await?;
        leaders::demo::load(cx.db, cx.today).await
    })
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::roles(ORG_SIDE), routes!(api::create))
        .api(Access::roles(READERS), routes!(api::list))
        .api(Access::roles(EXPORTERS), routes!(api::export))
        .api(Access::PUBLIC, routes!(api::published))
        .api(report(READERS), routes!(api::get_one))
        .api(report(ORG_SIDE), routes!(api::save))
        .api(report(ORG_SIDE), routes!(api::submit))
        .api(
            report(SUPERVISORY_REVIEWERS),
            routes!(api::supervisory_review),
        )
        .api(report(DECIDERS), routes!(api::decide))
        .api(report(ORG_SIDE), routes!(api::new_version))
        .api(Access::roles(WARNING_READERS), routes!(api::warnings::list))
        .api(warning(WARNING_READERS), routes!(api::warnings::get_one))
        .api(warning(DECIDERS), routes!(api::warnings::close))
        .page(
            "/supervision/warnings",
            &["GET"],
            Access::roles(WARNING_READERS),
            get(pages::warnings::list),
        )
        .page(
            "/supervision/warnings/{id}",
            &["GET"],
            warning(WARNING_READERS),
            get(pages::warnings::show),
        )
        .page(
            "/supervision/warnings/{id}/close",
            &["POST"],
            warning(DECIDERS),
            post(pages::warnings::close),
        )
        .page(
            "/supervision/annual-reports",
            &["GET"],
            Access::roles(READERS),
            get(pages::list),
        )
        .page(
            "/supervision/annual-reports/new",
            &["GET", "POST"],
            Access::roles(ORG_SIDE),
            get(pages::new_form).post(pages::create),
        )
        .page(
            "/supervision/annual-reports/{id}",
            &["GET"],
            report(READERS),
            get(pages::show),
        )
        .page(
            "/supervision/annual-reports/{id}/edit",
            &["POST"],
            report(ORG_SIDE),
            post(pages::edit),
        )
        .page(
            "/supervision/annual-reports/{id}/supervisory-review",
            &["POST"],
            report(SUPERVISORY_REVIEWERS),
            post(pages::supervisory_review),
        )
        .page(
            "/supervision/annual-reports/{id}/decision",
            &["POST"],
            report(DECIDERS),
            post(pages::decide),
        )
        .page(
            "/supervision/annual-reports/{id}/versions",
            &["POST"],
            report(ORG_SIDE),
            post(pages::new_version),
        )
        .merge(leaders::routes())
}

/// How many supervision warnings of the organization are open now (the credit record shows
/// the count to the officers of its region).
pub async fn open_warnings(state: &AppState, organization_id: uuid::Uuid) -> AppResult<i64> {
    store::warnings::open_count(&state.db, organization_id).await
}

/// An organization whose annual report on `year` was not submitted by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateReport {
    pub organization_id: uuid::Uuid,
    pub year: i32,
    pub deadline: chrono::NaiveDate,
}

/// Every registered organization (status registered, registered on or before 31 December of
/// the report's year; filed community organizations report none) whose report for some year had
/// a deadline before `today` and was not submitted by that deadline (first submission counts).
/// Years from 2018 on.
///
/// DOMAIN.md §0 rule 14 and §4 (the deadline to the registration authority per type, a rule
/// parameter read as in force on 1 January after the year, rolled to the next working day,
/// 民法典 Art. 203), the trigger of rule 15. One set-based query per year
/// ([`store::not_submitted_by`]), not one per organization. A year whose deadline the holiday
/// calendar has no data for is skipped with a warning (the calendar never guesses): with the
/// shipped data (2020–2026) that is the report on 2018, due in 2019.
pub async fn late_reporters(
    state: &crate::platform::AppState,
    today: chrono::NaiveDate,
) -> crate::platform::AppResult<Vec<LateReport>> {
    use model::deadline::{FIRST_REPORT_YEAR, report_deadline, reporting_opens, year_end};
    let table = state.rules.table().await?;
    let cal = crate::calendar::store::load(&state.db).await?;
    let mut out = Vec::new();
    for year in FIRST_REPORT_YEAR..today.year() {
        let (Some(opens), Some(end)) = (reporting_opens(year), year_end(year)) else {
            continue;
        };
        let mut deadlines = Vec::new();
        for (org_type, key, _) in model::rules::REPORTING_TYPES {
            let md = table.month_day_on(*key, opens)?;
            match report_deadline(year, md, &cal) {
                Ok(d) if d < today => deadlines.push((*org_type, d)),
                Ok(_) => {}
                Err(e) => tracing::warn!(
                    year,
                    org_type,
                    error = %e,
                    "annual report deadline outside the holiday calendar's data: year not judged"
                ),
            }
        }
        if deadlines.is_empty() {
            continue;
        }
        for (organization_id, org_type) in
            store::not_submitted_by(&state.db, year, end, today, &deadlines).await?
        {
            if let Some((_, deadline)) = deadlines.iter().find(|(t, _)| *t == org_type) {
                out.push(LateReport {
                    organization_id,
                    year,
                    deadline: *deadline,
                });
            }
        }
    }
    Ok(out)
}

/// The outcome of an organization's annual report on `year`, as the evaluation module asks it
/// (DOMAIN.md §8: not evaluated if it missed or failed last year's inspection): the status of
/// the latest submitted version — `None` when none was ever submitted (a draft is no report).
pub async fn report_status(
    state: &crate::platform::AppState,
    organization_id: uuid::Uuid,
    year: i32,
) -> crate::platform::AppResult<Option<String>> {
    let versions = store::versions(&state.db, organization_id, year).await?;
    Ok(versions
        .iter()
        .rev()
        .find(|r| r.status != "draft")
        .map(|r| r.status.clone()))
}
