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

/// A schema as one API route declared it: its name in the document, the tags (modules) of the
/// route's operations, and its definition. Two definitions under one name are two types that
/// the document would confuse (the last one merged wins): the OpenAPI test refuses them.
#[derive(Debug, Clone)]
pub struct SchemaDef {
    pub name: String,
    pub tags: Vec<String>,
    pub schema: serde_json::Value,
}

/// Collects routes with their access declarations.
pub struct Routes {
    router: OpenApiRouter<AppState>,
    table: Vec<RouteInfo>,
    schemas: Vec<SchemaDef>,
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
            schemas: Vec::new(),
        }
    }

    /// An API route with its OpenAPI entry (from `routes!(handler)`), behind `access`.
    pub fn api(
        mut self,
        access: Access,
        (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
    ) -> Self {
        let mut tags = Vec::new();
        for (path, item) in &paths.paths {
            for (method, op) in operations(item) {
                self.table.push(RouteInfo {
                    method,
                    path: path.clone(),
                    access,
                });
                tags.extend(op.tags.iter().flatten().cloned());
            }
        }
        for (name, schema) in &schemas {
            self.schemas.push(SchemaDef {
                name: name.clone(),
                tags: tags.clone(),
                schema: serde_json::to_value(schema).unwrap_or_default(),
            });
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
        self.schemas.extend(other.schemas);
        self
    }

    pub fn into_parts(self) -> (OpenApiRouter<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }

    /// Every schema every API route declared (see [`SchemaDef`]).
    pub fn schema_definitions(&self) -> &[SchemaDef] {
        &self.schemas
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
