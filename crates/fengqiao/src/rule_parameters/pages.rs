//! The page of rule parameters: every version of every key, the one in force marked.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::platform::extract::Query;
use crate::platform::rules::Listed;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppResult, AppState};

#[derive(Template)]
#[template(path = "rule_parameters/list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub on: chrono::NaiveDate,
    pub rows: Vec<Listed>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<super::api::ListQuery>,
) -> AppResult<Response> {
    let on = super::api::on_date(&state, q.on.as_deref())?;
    let rows = state.rules.table().await?.listing(on);
    Ok(render(&ListPage { ctx, on, rows }))
}
