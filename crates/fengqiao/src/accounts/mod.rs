//! Accounts (账号): logging in with a password (pages) or a bearer token (API), role switching,
//! and each role's home page.

pub mod admin;
pub mod api;
pub mod departments;
pub mod model;
pub mod pages;
pub mod service;
pub mod users_page;

use axum::routing::{get, post};
use utoipa_axum::routes;

use crate::platform::auth::{Access, Role};
use crate::platform::module::{Module, NavEntry};
use crate::platform::routes::Routes;

/// Who manages accounts: the system administrator (grants only inside his own region).
pub const ACCOUNT_ADMINS: &[Role] = &[Role::SysAdmin];

/// Who keeps a region's departments: the system administrator and the civil-affairs officers
/// of county level and above (each inside his own region).
pub const DEPARTMENT_KEEPERS: &[Role] = &[
    Role::SysAdmin,
    Role::CountyOfficer,
    Role::CityOfficer,
    Role::ProvinceOfficer,
];

/// Accounts (账号): login, tokens, role switch, account administration; the home page.
pub const MODULE: Module = Module {
    tags: &[("accounts", "账号 Accounts")],
    nav: &[
        NavEntry::public(10, "nav.home", "/"),
        NavEntry::for_roles(100, "nav.users", "/admin/users", ACCOUNT_ADMINS),
    ],
    ..Module::new("accounts", routes)
};

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::issue_token))
        .api(Access::LOGGED_IN, routes!(api::me))
        .api(
            Access::roles(ACCOUNT_ADMINS),
            routes!(admin::create_user, admin::list_users),
        )
        .api(Access::roles(ACCOUNT_ADMINS), routes!(admin::disable_user))
        .api(Access::PUBLIC, routes!(departments::list))
        .api(
            Access::roles(DEPARTMENT_KEEPERS),
            routes!(departments::create),
        )
        .page("/", &["GET"], Access::PUBLIC, get(pages::home))
        .page(
            "/login",
            &["GET", "POST"],
            Access::PUBLIC,
            get(pages::login_form).post(pages::login),
        )
        .page("/logout", &["POST"], Access::PUBLIC, post(pages::logout))
        .page(
            "/admin/users",
            &["GET", "POST"],
            Access::roles(ACCOUNT_ADMINS),
            get(users_page::users).post(users_page::create_user),
        )
        .page(
            "/session/role",
            &["POST"],
            Access::LOGGED_IN,
            post(pages::switch_role),
        )
}
