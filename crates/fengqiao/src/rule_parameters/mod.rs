//! Rule parameters (规则参数): the thresholds and periods in force by date, read by anyone (they
//! are law), a new version added by the province. The table and its cache are platform
//! ([`crate::platform::rules`]); this module serves them and loads them when a server starts.

pub mod api;
pub mod pages;

use axum::routing::get;
use utoipa_axum::routes;

use crate::platform::AppState;
use crate::platform::auth::{Access, Role};
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::BoxFuture;

/// Who adds a version of a parameter: the province.
pub const EDITORS: &[Role] = &[Role::SysAdmin, Role::ProvinceOfficer];

/// Rule parameters by date (规则参数).
pub const MODULE: Module = Module {
    tags: &[(
        "rules",
        "规则参数：各项规则的期限与门槛及其生效日期和依据 Rule parameters: the periods and thresholds of the rules, by date, with their sources",
    )],
    nav: &[NavEntry::for_roles(
        105,
        "nav.rule_parameters",
        "/rule-parameters",
        Role::OFFICERS,
    )],
    start: Some(start),
    ..Module::new("rule_parameters", routes)
};

/// Reads the table once before the server listens: a stored row the code cannot read (an
/// unknown unit) stops the start instead of the first request that needs it.
fn start(state: &AppState) -> BoxFuture<'_, anyhow::Result<()>> {
    Box::pin(async move {
        state
            .rules
            .reload()
            .await
            .map_err(|e| anyhow::anyhow!("loading the rule parameters: {e}"))?;
        Ok(())
    })
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::list))
        .api(Access::roles(EDITORS), routes!(api::add))
        .page(
            "/rule-parameters",
            &["GET"],
            Access::PUBLIC,
            get(pages::list),
        )
}
