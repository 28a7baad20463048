//! Standard codes (标准代码) as a service: anyone can check a 统一社会信用代码.

pub mod api;
pub mod model;

use utoipa_axum::routes;

use crate::platform::auth::Access;
use crate::platform::module::Module;
use crate::platform::routes::Routes;

/// Standard codes (标准代码): the USCC check. The `codes` tag is shared with the calendar.
pub const MODULE: Module = Module {
    tags: &[("codes", "标准代码 Standard codes")],
    ..Module::new("standard_codes", routes)
};

pub fn routes() -> Routes {
    Routes::new().api(Access::PUBLIC, routes!(api::uscc))
}
