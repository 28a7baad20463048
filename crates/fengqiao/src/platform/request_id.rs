//! The request id of the request being served, for logs and audit rows.

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The current request's id, when inside a request.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// Runs the rest of the request with its `x-request-id` in scope.
pub async fn scope(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    REQUEST_ID.scope(id, next.run(req)).await
}
