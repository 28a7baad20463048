//! The working-day calendar (工作日): deadlines counted from China's official holiday
//! arrangements, kept as data the province extends when the State Council publishes a new year.

pub mod api;
pub mod store;

use utoipa_axum::routes;

use crate::platform::auth::{Access, Role};
use crate::platform::module::Module;
use crate::platform::routes::Routes;

/// Who maintains the calendar: the province.
pub const CALENDAR_EDITORS: &[Role] = &[Role::SysAdmin, Role::ProvinceOfficer];

/// The working-day calendar (工作日历); its API is tagged `codes`.
pub const MODULE: Module = Module::new("calendar", routes);

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::deadline))
        .api(Access::roles(CALENDAR_EDITORS), routes!(api::put_holidays))
}
