//! The evaluation pages: the rounds, and a round as published (its draw seed, the candidates
//! drawn from and the panel), so that anyone can re-run the draw.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::service::{self, RoundView};
use super::store::{self, RoundRow};
use crate::platform::extract::Path;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppResult, AppState};

#[derive(Template)]
#[template(path = "evaluation/rounds.html")]
pub struct RoundsPage {
    pub ctx: PageCtx,
    pub rounds: Vec<RoundRow>,
}

impl RoundsPage {
    pub fn state(&self, key: &str) -> String {
        self.ctx.t(&format!("evaluation.states.{key}"))
    }
}

/// Every round, newest first (public).
pub async fn rounds(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let rounds = store::rounds(&state.db, "%").await?;
    Ok(render(&RoundsPage { ctx, rounds }))
}

#[derive(Template)]
#[template(path = "evaluation/round.html")]
pub struct RoundPage {
    pub ctx: PageCtx,
    pub view: RoundView,
}

impl RoundPage {
    pub fn state(&self, key: &str) -> String {
        self.ctx.t(&format!("evaluation.states.{key}"))
    }

    pub fn seed(&self) -> &str {
        self.view.round.seed.as_deref().unwrap_or("")
    }

    pub fn candidates(&self) -> Vec<String> {
        self.view
            .round
            .candidates
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }
}

/// A round as published (public).
pub async fn round(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let r = service::load_round(&state, &id).await?;
    let view = service::round_view(&state, r, false).await?;
    Ok(render(&RoundPage { ctx, view }))
}
