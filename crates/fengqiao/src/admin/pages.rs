//! The audit log page for administrators, with filters and CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::store::{self, AuditFilter};
use crate::platform::export::CsvExport;
use crate::platform::journal::AuditRow;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppResult, AppState};

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub ctx: PageCtx,
    pub filter: AuditFilter,
    pub rows: Vec<AuditRow>,
}

pub async fn audit_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Response> {
    let prefix = super::api::visible_prefix(&ctx.actor)?;
    let rows = store::audit(&state.db, prefix.as_deref(), &filter).await?;
    Ok(render(&AuditPage { ctx, filter, rows }))
}

pub async fn audit_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Response> {
    let prefix = super::api::visible_prefix(&ctx.actor)?;
    let rows = store::audit(
        &state.db,
        prefix.as_deref(),
        &AuditFilter {
            limit: Some(1000),
            ..filter
        },
    )
    .await?;
    let mut w = CsvExport::new();
    w.row([
        "id",
        "at",
        "actor",
        "role",
        "region_code",
        "action",
        "object_kind",
        "object_id",
        "before_digest",
        "after_digest",
        "request_id",
    ])?;
    for r in rows {
        w.row([
            r.id.to_string(),
            r.at.to_rfc3339(),
            r.actor_name,
            r.role,
            r.region_code.unwrap_or_default(),
            r.action,
            r.object_kind,
            r.object_id,
            r.before_digest.unwrap_or_default(),
            r.after_digest.unwrap_or_default(),
            r.request_id.unwrap_or_default(),
        ])?;
    }
    let body = w.into_bytes()?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
