//! `/api/docs`: the OpenAPI document as a readable page, rendered on the server (no CDN, no
//! script needed).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::response::Response;

use crate::platform::web::{PageCtx, render};

pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub tag: String,
}

#[derive(Template)]
#[template(path = "docs.html")]
pub struct DocsPage {
    pub ctx: PageCtx,
    pub ops: Vec<Operation>,
}

pub async fn page(
    ctx: PageCtx,
    Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Response {
    let mut ops = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in crate::platform::routes::operations(item) {
            ops.push(Operation {
                method: method.to_string(),
                path: path.clone(),
                summary: op
                    .summary
                    .clone()
                    .or(op.description.clone())
                    .unwrap_or_default(),
                tag: op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first().cloned())
                    .unwrap_or_default(),
            });
        }
    }
    ops.sort_by(|a, b| (&a.tag, &a.path).cmp(&(&b.tag, &b.path)));
    render(&DocsPage { ctx, ops })
}
