//! The route table: every route is declared with its [`Access`] (and API routes with their
//! OpenAPI entry, through utoipa-axum's `routes!`), so authorization cannot be forgotten and
//! a test can walk every route.

use axum::middleware::from_fn_with_state;
use axum::routing::MethodRouter;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use super::AppState;
use super::auth::{Access, guard};

/// One declared route, as the route-walk test sees it.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: String,
    pub access: Access,
}

/// Collects routes with their access declarations.
pub struct Routes {
    router: OpenApiRouter<AppState>,
    table: Vec<RouteInfo>,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Routes {
            router: OpenApiRouter::new(),
            table: Vec::new(),
        }
    }

    /// An API route with its OpenAPI entry (from `routes!(handler)`), behind `access`.
    pub fn api(
        mut self,
        access: Access,
        (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
    ) -> Self {
        for (path, item) in &paths.paths {
            for (method, _) in operations(item) {
                self.table.push(RouteInfo {
                    method,
                    path: path.clone(),
                    access,
                });
            }
        }
        let method_router = method_router.layer(from_fn_with_state(access, guard));
        self.router = self.router.routes((schemas, paths, method_router));
        self
    }

    /// A page (HTML) route, behind `access`. `methods` names the methods `method_router` serves.
    pub fn page(
        mut self,
        path: &str,
        methods: &[&'static str],
        access: Access,
        method_router: MethodRouter<AppState>,
    ) -> Self {
        for m in methods {
            self.table.push(RouteInfo {
                method: m,
                path: path.to_string(),
                access,
            });
        }
        self.router = self
            .router
            .route(path, method_router.layer(from_fn_with_state(access, guard)));
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (OpenApiRouter<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }
}

/// The operations of an OpenAPI path item with their HTTP methods.
pub fn operations(
    item: &utoipa::openapi::PathItem,
) -> impl Iterator<Item = (&'static str, &utoipa::openapi::path::Operation)> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}
