//! Request size limits, answered like every other error: RFC 9457 problem+json with a stable
//! code naming the field (`body` for 413, `uri` for 414) and a Chinese and English message.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::Problem;
use super::{AppError, AppResult};

/// Largest request body of any kind (`tower_http`'s `RequestBodyLimitLayer` in `app.rs`): the
/// register import's upload (`register::IMPORT_MAX_BYTES`) is the largest the platform takes.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Largest url-encoded or JSON body: axum's default for the bodies its extractors buffer
/// (`DefaultBodyLimit`), which `Json`, `Form` and the CSRF check have always applied.
pub const TEXT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Longest request URI (path and query): 8 KiB, as nginx's `large_client_header_buffers` and
/// Apache's `LimitRequestLine` (8190) allow by default, so that a URI this server takes also
/// passes the proxy in front of it. The longest URI the pages make (a register search with
/// every facet) is far below it.
pub const URI_LIMIT: usize = 8 * 1024;

/// Buffers a url-encoded or JSON body (at most [`TEXT_BODY_LIMIT`]); a longer one is a 413.
pub async fn read_body(body: Body) -> AppResult<Bytes> {
    // A request of its own carries no `DefaultBodyLimit`: axum applies its default, the limit.
    Bytes::from_request(Request::new(body), &())
        .await
        .map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge {
                    limit_bytes: TEXT_BODY_LIMIT,
                }
            } else {
                AppError::invalid(
                    "body",
                    "body.unreadable",
                    "提交内容未能完整读取",
                    "The submitted content could not be read completely",
                )
            }
        })
}

/// Refuses a URI longer than [`URI_LIMIT`] with a 414 problem.
pub async fn limit_uri(req: Request, next: Next) -> Response {
    let len = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    if len > URI_LIMIT {
        return AppError::UriTooLong {
            limit_bytes: URI_LIMIT,
        }
        .into_response();
    }
    next.run(req).await
}

/// Turns the plain-text 413 of the body-limit layer (a `Content-Length` over [`BODY_LIMIT`])
/// into the problem document; answers that already are problems pass unchanged.
pub async fn problem_for_body_limit(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE
        && resp.extensions().get::<std::sync::Arc<Problem>>().is_none()
    {
        return AppError::PayloadTooLarge {
            limit_bytes: BODY_LIMIT,
        }
        .into_response();
    }
    resp
}
