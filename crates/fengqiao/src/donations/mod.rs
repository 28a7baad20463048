//! Donations (捐赠) and disbursements (拨付/支出) of filed fundraising plans (POLICY 四, 十五;
//! DOMAIN §6.2–6.4): online giving through a payment-provider interface with idempotency keys,
//! durable intake with group commit, receipts that prove the donation is in the transparency
//! log, disbursements against a project's balance, and project pages reconciled from the log.

pub mod api;
pub mod demo;
pub mod documents;
pub mod flows;
pub mod intake;
pub mod model;
pub mod pages;
pub mod payment;
pub mod service;
pub mod store;

use std::sync::Arc;

use axum::routing::{get, post};
use utoipa_axum::routes;

use crate::platform::AppError;
use crate::platform::auth::{Access, Role};
use crate::platform::error::Bilingual;
use crate::platform::module::DemoContext;
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;
use crate::platform::scheduler::BoxFuture;
use crate::platform::{AppResult, AppState, Services};

/// Who records disbursements: the charity's own accounts and officers (the region check is the
/// plan's, in the service).
pub const DISBURSERS: &[Role] = &[
    Role::OrgAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];

/// The parts of donation intake a server holds.
#[derive(Debug, Clone)]
pub struct Donations {
    pub intake: intake::Intake,
    /// The payment provider; none when the test provider is turned off
    /// (`payments.test_provider = false`) and no real one is configured.
    pub provider: Option<Arc<dyn payment::PaymentProvider>>,
    /// Plans recently read for donations (see [`service::PLAN_CACHE_TTL`]).
    pub plans: service::PlanCache,
}

impl Donations {
    /// The provider to give through, or the refusal when none is enabled.
    pub fn provider(&self) -> AppResult<&Arc<dyn payment::PaymentProvider>> {
        self.provider.as_ref().ok_or_else(|| AppError::Conflict {
            code: "payment.unavailable".into(),
            field: Some("method".into()),
            message: Bilingual::new(
                "暂不能在线捐赠：本平台未启用任何支付渠道（测试渠道已关闭）",
                "Online giving is unavailable: no payment provider is enabled here (the test provider is turned off)",
            ),
        })
    }

    /// The methods donors may choose (none when no provider is enabled).
    pub fn methods(&self) -> &'static [&'static str] {
        self.provider.as_ref().map(|p| p.methods()).unwrap_or(&[])
    }

    /// Whether the simulated test provider is the one in use (its notice endpoint exists only then).
    pub fn test_provider_on(&self) -> bool {
        self.provider
            .as_ref()
            .is_some_and(|p| p.name() == payment::PaymentProvider::name(&payment::TestProvider))
    }
}

/// Donations and disbursements (捐赠与拨付).
pub const MODULE: Module = Module {
    tags: &[("donations", "捐赠与拨付 Donations and disbursements")],
    nav: &[NavEntry::public(40, "nav.projects", "/projects")],
    services: Some(provide),
    start: Some(start),
    stop: Some(stop),
    demo: Some(load_demo),
    ..Module::new("donations", routes)
};

fn load_demo<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(demo::load_demo(cx.db, cx.pii, cx.seed, cx.today))
}

/// This server's donation services (provided by [`MODULE`]).
pub fn of(state: &AppState) -> AppResult<&Donations> {
    state.service::<Donations>()
}

/// Forgets what this server's donations remember of a plan (it was closed here): its next
/// donation reads it afresh. Other servers see it within [`service::PLAN_CACHE_TTL`].
pub fn forget_plan(state: &AppState, filing_no: &str) {
    if let Ok(d) = of(state) {
        d.plans.forget(filing_no);
    }
}

/// At start, documents kept before the file store move onto it.
fn start(state: &AppState) -> BoxFuture<'_, anyhow::Result<()>> {
    Box::pin(async move {
        let moved = documents::adopt_legacy(state).await?;
        if moved > 0 {
            tracing::info!(moved, "disbursement documents moved onto the file store");
        }
        Ok(())
    })
}

/// At shutdown the intake commits what it has queued (a request whose client went away) and
/// refuses more.
fn stop(state: &AppState) -> BoxFuture<'_, anyhow::Result<()>> {
    Box::pin(async move {
        of(state)?.intake.shutdown().await;
        Ok(())
    })
}

/// Puts the intake queue, the payment provider and the plan cache into the state.
fn provide(base: &Services, ext: &mut axum::http::Extensions) {
    ext.insert(Donations {
        intake: intake::Intake::new(base.db.clone(), base.clock.clone()),
        // The test provider only when the configuration allows it (`payments.test_provider`);
        // no real provider is wired yet, so without it giving is refused.
        provider: base
            .config
            .payments
            .test_provider
            .then(|| Arc::new(payment::TestProvider) as Arc<dyn payment::PaymentProvider>),
        plans: Default::default(),
    });
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::donate))
        .api(Access::PUBLIC, routes!(api::get_one))
        .api(Access::PUBLIC, routes!(api::receipt))
        .api(Access::PUBLIC, routes!(api::test_notice))
        .api(Access::PUBLIC, routes!(api::projects))
        .api(Access::PUBLIC, routes!(api::project))
        .api(Access::roles(DISBURSERS), routes!(api::disburse))
        .api(Access::PUBLIC, routes!(api::disbursements))
        .page("/projects", &["GET"], Access::PUBLIC, get(pages::projects))
        .page(
            "/projects/{filing_no}",
            &["GET"],
            Access::PUBLIC,
            get(pages::project),
        )
        .page(
            "/projects/{filing_no}/donate",
            &["POST"],
            Access::PUBLIC,
            post(pages::donate),
        )
        .page(
            "/projects/{filing_no}/disburse",
            &["POST"],
            Access::roles(DISBURSERS),
            post(pages::disburse),
        )
        .page(
            "/projects/{filing_no}/documents/{file_id}",
            &["GET"],
            crate::charity::plan_scope(DISBURSERS),
            get(documents::download),
        )
        .page(
            "/receipts/{id}",
            &["GET"],
            Access::PUBLIC,
            get(pages::receipt),
        )
}
