//! Assembles the application: every module's routes, the system endpoints, and the middleware.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::platform::auth::{self, Access};
use crate::platform::module::{Module, NavEntry, Navigation};
use crate::platform::routes::{RouteInfo, Routes};
use crate::platform::{AppState, request_id, web};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fengqiao API",
        description = "枫桥：社会组织参与社会治理信息平台 — JSON API. Errors are RFC 9457 problem+json with a stable `code`, the `field` at fault and a Chinese and English message."
    ),
    components(schemas(crate::platform::error::Problem))
)]
struct ApiDoc;

/// The system endpoints (health, metrics, the API document, assets, preferences) as a module.
pub const SYSTEM: Module = Module {
    nav: &[NavEntry::public(110, "nav.api", "/api/docs")],
    ..Module::new("system", system_routes)
};

/// Every route of every module, with its access declaration.
pub fn routes() -> Routes {
    crate::modules::ALL
        .iter()
        .fold(Routes::new(), |all, m| all.merge((m.routes)()))
}

/// The API document's head: its info, and every module's tags in the order of the list.
fn api_doc() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let tags = crate::modules::ALL
        .iter()
        .flat_map(|m| m.tags.iter())
        .map(|(name, description)| {
            utoipa::openapi::tag::TagBuilder::new()
                .name(*name)
                .description(Some(*description))
                .build()
        })
        .collect();
    doc.tags = Some(tags);
    doc
}

fn system_routes() -> Routes {
    Routes::new()
        .page("/healthz", &["GET"], Access::PUBLIC, get(|| async { "ok" }))
        .page("/readyz", &["GET"], Access::PUBLIC, get(readyz))
        .page("/metrics", &["GET"], Access::PUBLIC, get(metrics))
        .page(
            "/api/openapi.json",
            &["GET"],
            Access::PUBLIC,
            get(openapi_json),
        )
        .page(
            "/api/docs",
            &["GET"],
            Access::PUBLIC,
            get(crate::docs::page),
        )
        .page("/assets/{*path}", &["GET"], Access::PUBLIC, get(web::asset))
        .page(
            "/prefs/lang/{tag}",
            &["GET"],
            Access::PUBLIC,
            get(web::switch_lang),
        )
        .page(
            "/prefs/elder/{mode}",
            &["GET"],
            Access::PUBLIC,
            get(web::switch_elder),
        )
}

/// The OpenAPI document generated from the code.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (router, _) = routes().into_parts();
    let mut doc = api_doc();
    doc.merge(router.into_openapi());
    doc
}

/// The route table (for the route-walk test).
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_parts().1
}

pub fn router(state: AppState) -> Router {
    let (router, _) = routes().into_parts();
    let (router, api) = router.split_for_parts();
    let mut doc = api_doc();
    doc.merge(api);
    let doc = Arc::new(doc);
    let request_id = HeaderName::from_static("x-request-id");
    router
        .fallback(|| async { crate::platform::AppError::NotFound })
        .method_not_allowed_fallback(|| async { crate::platform::AppError::MethodNotAllowed })
        .layer(from_fn(web::html_errors))
        // Inside authentication (it needs the actor), outside the error pages (they show it too).
        .layer(from_fn_with_state(
            state.clone(),
            crate::platform::notifications::pages::unread_badge,
        ))
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(Extension(state.clone()))
        .layer(Extension(Arc::new(Navigation::of(crate::modules::ALL))))
        .layer(Extension(doc))
        .layer(from_fn(web::csrf_cookie))
        .layer(from_fn(record_metrics))
        .layer(from_fn(request_id::scope))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(RequestBodyLimitLayer::new(16 * 1024 * 1024))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = state
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn openapi_json(
    Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json((*doc).clone())
}

/// Counts requests and their latency per matched route (not per raw path, to bound the series).
async fn record_metrics(req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let labels = [
        ("method", method),
        ("path", path),
        ("status", resp.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    resp
}
