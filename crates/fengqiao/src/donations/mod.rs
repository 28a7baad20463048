//! Donations (捐赠) and disbursements (拨付/支出) of filed fundraising plans (POLICY 四, 十五;
//! DOMAIN §6.2–6.4): online giving through a payment-provider interface with idempotency keys,
//! durable intake with group commit, receipts that prove the donation is in the transparency
//! log, disbursements against a project's balance, and project pages reconciled from the log.

pub mod api;
pub mod demo;
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

use crate::platform::auth::{Access, Role};
use crate::platform::routes::Routes;

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
    pub provider: Arc<dyn payment::PaymentProvider>,
    /// Plans recently read for donations (see [`service::PLAN_CACHE_TTL`]).
    pub plans: service::PlanCache,
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
            "/receipts/{id}",
            &["GET"],
            Access::PUBLIC,
            get(pages::receipt),
        )
}
