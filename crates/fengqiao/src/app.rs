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
use crate::platform::headers::BehindTls;
use crate::platform::module::{Module, NavEntry, Navigation};
use crate::platform::routes::{RouteInfo, Routes};
use crate::platform::{AppState, headers, input, limits, request_id, web};

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
    let (router, table) = routes().into_parts();
    document(router.into_openapi(), &table)
}

/// The document of the routes' annotations, with the platform's parts: the head (description,
/// tags in the order of the module list, the `Problem` schema) and every operation's error
/// answers (`platform::openapi`).
fn document(api: utoipa::openapi::OpenApi, table: &[RouteInfo]) -> utoipa::openapi::OpenApi {
    let mut doc = api_doc();
    doc.merge(api);
    crate::platform::openapi::document_errors(&mut doc, table);
    doc
}

/// The route table (for the route-walk test).
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_parts().1
}

/// Every schema every API route declared, with the modules (tags) declaring it (for the test
/// that no two types share a name in the document).
pub fn schema_definitions() -> Vec<crate::platform::routes::SchemaDef> {
    routes().schema_definitions().to_vec()
}

pub fn router(state: AppState) -> Router {
    let (router, table) = routes().into_parts();
    let (router, api) = router.split_for_parts();
    let doc = Arc::new(document(api, &table));
    let request_id = HeaderName::from_static("x-request-id");
    router
        .fallback(|| async { crate::platform::AppError::NotFound })
        .method_not_allowed_fallback(|| async { crate::platform::AppError::MethodNotAllowed })
        // Inside routing (it names path parameters), before every route's guard and handler.
        .layer(from_fn(input::refuse_control_characters))
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
        .layer(from_fn_with_state(state.clone(), web::csrf_cookie))
        .layer(from_fn(record_metrics))
        .layer(from_fn(request_id::scope))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(RequestBodyLimitLayer::new(limits::BODY_LIMIT))
        .layer(from_fn(limits::problem_for_body_limit))
        .layer(from_fn(limits::limit_uri))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // Outermost: every answer gets them, the limits' and the fallback's included.
        .layer(from_fn_with_state(
            BehindTls(state.config.behind_tls),
            headers::security_headers,
        ))
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
