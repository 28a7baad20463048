//! The module contract (模块契约): what every policy module declares about itself, once, in its
//! `mod.rs` — its routes (each with its [`Access`](super::auth::Access), whose object scopes name
//! the module's own [`ObjectType`](super::auth::ObjectType) resolvers), its OpenAPI tags, its
//! navigation entries, its periodic jobs, its demo data and the long-lived services it keeps.
//! `crate::modules::ALL` lists the modules; the application, the demo loader and the start-up
//! iterate that list, and the platform beneath them never names a module.

use axum::http::Extensions;

use super::auth::Role;
use super::routes::Routes;
use super::scheduler::{BoxFuture, Job};
use super::{AppResult, AppState, Db, Services};

/// One module's declaration of itself.
pub struct Module {
    /// Its folder's name.
    pub name: &'static str,
    /// Its OpenAPI tags: (name, description).
    pub tags: &'static [(&'static str, &'static str)],
    /// Every route it serves, each with its access.
    pub routes: fn() -> Routes,
    /// Its entries in the page navigation.
    pub nav: &'static [NavEntry],
    /// Its periodic jobs, run by the [scheduler](super::scheduler) under a lease.
    pub jobs: &'static [Job],
    /// Puts the long-lived services it keeps (an intake queue, a cache) into the state, each
    /// behind a type the module owns; handlers reach them with [`AppState::service`].
    pub services: Option<fn(&Services, &mut Extensions)>,
    /// Runs once when a server starts, before it listens (a cache catching up).
    pub start: Option<StartFn>,
    /// Runs once when a server shuts down, after the last request in flight was answered (a
    /// queue committing what it holds).
    pub stop: Option<StartFn>,
    /// Loads its part of the demo data set, after the modules listed before it.
    pub demo: Option<DemoFn>,
}

/// A module's start (once, before the server listens) or stop (once, after it stopped listening).
pub type StartFn = fn(&AppState) -> BoxFuture<'_, anyhow::Result<()>>;

/// A module's demo loader.
pub type DemoFn = for<'a> fn(&'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>>;

impl Module {
    /// A module with routes only; the other parts are filled with struct update syntax.
    pub const fn new(name: &'static str, routes: fn() -> Routes) -> Module {
        Module {
            name,
            tags: &[],
            routes,
            nav: &[],
            jobs: &[],
            services: None,
            start: None,
            stop: None,
            demo: None,
        }
    }
}

/// An entry of the page navigation: shown to `roles` (everyone when `None`), in `order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavEntry {
    /// Where the entries stand, lowest first, across modules.
    pub order: u16,
    /// Its message key (`nav.…`, in both locale files).
    pub label: &'static str,
    pub path: &'static str,
    pub roles: Option<&'static [Role]>,
    /// Shows the actor's count of unread notifications beside it.
    pub unread_badge: bool,
}

impl NavEntry {
    pub const fn public(order: u16, label: &'static str, path: &'static str) -> NavEntry {
        NavEntry {
            order,
            label,
            path,
            roles: None,
            unread_badge: false,
        }
    }

    pub const fn for_roles(
        order: u16,
        label: &'static str,
        path: &'static str,
        roles: &'static [Role],
    ) -> NavEntry {
        NavEntry {
            order,
            label,
            path,
            roles: Some(roles),
            unread_badge: false,
        }
    }

    pub fn shown_to(&self, role: Option<Role>) -> bool {
        match self.roles {
            None => true,
            Some(roles) => role.is_some_and(|r| roles.contains(&r)),
        }
    }
}

/// The whole navigation, gathered from every module's entries (a request extension the page
/// context reads).
#[derive(Debug, Clone, Default)]
pub struct Navigation(pub Vec<NavEntry>);

impl Navigation {
    pub fn of(modules: &[Module]) -> Navigation {
        let mut entries: Vec<NavEntry> =
            modules.iter().flat_map(|m| m.nav.iter().copied()).collect();
        entries.sort_by_key(|e| e.order);
        Navigation(entries)
    }
}

/// The size of a demo data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScale {
    /// Accounts, and grids in 西湖区 and 滨江区.
    Small,
    /// Accounts, and grids under every village of the province.
    Province,
}

/// What a module's demo loader is given.
pub struct DemoContext<'a> {
    pub db: &'a Db,
    pub pii: &'a super::pii::PiiCipher,
    pub scale: DemoScale,
    /// The seed of every random draw (the same seed, the same data set).
    pub seed: u64,
    /// Today in Asia/Shanghai.
    pub today: chrono::NaiveDate,
    /// No progress output.
    pub quiet: bool,
}

/// Every module's jobs, in the order of the list.
pub fn jobs(modules: &[Module]) -> Vec<Job> {
    modules
        .iter()
        .flat_map(|m| m.jobs.iter().copied())
        .collect()
}

/// Every module's services, put into one set of extensions.
pub fn services(modules: &[Module], base: &Services) -> Extensions {
    let mut ext = Extensions::new();
    for m in modules {
        if let Some(provide) = m.services {
            provide(base, &mut ext);
        }
    }
    ext
}
