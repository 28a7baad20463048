//! Standard codes (标准代码) as a service: anyone can check a 统一社会信用代码.

pub mod api;
pub mod model;

use utoipa_axum::routes;

use crate::platform::auth::Access;
use crate::platform::routes::Routes;

pub fn routes() -> Routes {
    Routes::new().api(Access::PUBLIC, routes!(api::uscc))
}
