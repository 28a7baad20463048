//! The evaluation pages: the rounds, and a round as published (its draw seed, the candidates
//! drawn from and the panel), so that anyone can re-run the draw; an application with its
//! score sheet form.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

pub mod actions;

use super::service::{self, EvaluationApplicationView, RoundView, SheetInput};
use super::store::{self, RoundRow};
use crate::platform::extract::Path;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "evaluation/rounds.html")]
pub struct RoundsPage {
    pub ctx: PageCtx,
    pub rounds: Vec<RoundRow>,
    /// An officer who opens rounds: the form shows, his region first in it.
    pub officer: bool,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
}

impl RoundsPage {
    pub fn state(&self, key: &str) -> String {
        self.ctx.t(&format!("evaluation.states.{key}"))
    }
    pub fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

fn is_officer(ctx: &PageCtx) -> bool {
    ctx.actor
        .role()
        .is_some_and(|r| super::OFFICERS.contains(&r))
}

async fn rounds_page(
    state: &AppState,
    ctx: PageCtx,
    mut values: BTreeMap<String, String>,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    let rounds = store::rounds(&state.db, "%").await?;
    if let Some(u) = ctx.actor.user() {
        values
            .entry("region_code".into())
            .or_insert_with(|| u.region.to_string());
    }
    Ok(render(&RoundsPage {
        officer: is_officer(&ctx),
        ctx,
        rounds,
        values,
        error,
    }))
}

/// Every round, newest first (public); officers also open one here.
pub async fn rounds(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    rounds_page(&state, ctx, BTreeMap::new(), None).await
}

#[derive(Template)]
#[template(path = "evaluation/round.html")]
pub struct RoundPage {
    pub ctx: PageCtx,
    pub view: RoundView,
    /// An officer of the round's region: enrols organizations and draws the panel.
    pub officer: bool,
    /// An organization account: applies for an organization bound to it.
    pub applicant: bool,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
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

    pub fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

/// A round as published (public); its officers' and applicants' forms.
pub async fn round(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    round_page(&state, ctx, &id, BTreeMap::new(), None).await
}

async fn round_page(
    state: &AppState,
    ctx: PageCtx,
    id: &str,
    values: BTreeMap<String, String>,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    let r = service::load_round(state, id).await?;
    // Officers of the round's region and experts see its applications (the page only shows
    // them; each application's page has its own access).
    let covers = codes::RegionCode::parse(&r.region_code).is_ok_and(|c| ctx.actor.covers(&c));
    let reader = ctx
        .actor
        .role()
        .is_some_and(|r| super::SCORERS.contains(&r))
        && covers;
    let view = service::round_view(state, r, reader).await?;
    Ok(render(&RoundPage {
        officer: is_officer(&ctx) && covers,
        applicant: ctx.actor.role() == Some(crate::platform::auth::Role::OrgAdmin),
        view,
        values,
        error,
        ctx,
    }))
}

#[derive(Template)]
#[template(path = "evaluation/application.html")]
pub struct ApplicationPage {
    pub ctx: PageCtx,
    pub view: EvaluationApplicationView,
    /// An officer (the route holds him to the application's region): decides it.
    pub officer: bool,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
}

impl ApplicationPage {
    pub fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }

    pub fn bi(&self, zh: &str, en: &str) -> String {
        match self.ctx.lang {
            crate::platform::i18n::Lang::Zh => zh.into(),
            crate::platform::i18n::Lang::En => en.into(),
        }
    }

    pub fn state(&self) -> String {
        self.ctx.t(&format!(
            "evaluation.app_states.{}",
            self.view.application.state
        ))
    }
}

async fn application_page(
    state: &AppState,
    ctx: PageCtx,
    id: &str,
    values: BTreeMap<String, String>,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    let (a, org) = service::load_application(state, id).await?;
    let view = service::view(state, a, &org).await?;
    Ok(render(&ApplicationPage {
        officer: is_officer(&ctx),
        ctx,
        view,
        values,
        error,
    }))
}

/// An application: eligibility with its reasons, the indicators, the score and grade, and the
/// score sheet form (experts on the panel, officers of the region).
pub async fn application(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    application_page(&state, ctx, &id, BTreeMap::new(), None).await
}

/// The score sheet form: every error by its field, the input kept.
pub async fn scores(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = crate::platform::web::form_values(pairs);
    let (a, org) = service::load_application(&state, &id).await?;
    let mut sheet = SheetInput::default();
    let mut bad = None;
    for (k, slot) in [
        ("basic", &mut sheet.basic),
        ("governance", &mut sheet.governance),
        ("performance", &mut sheet.performance),
        ("social", &mut sheet.social),
    ] {
        let v = values.get(k).map(|s| s.trim()).unwrap_or("");
        if v.is_empty() {
            continue;
        }
        match v.parse::<i64>() {
            Ok(n) => *slot = Some(n),
            Err(_) => {
                bad.get_or_insert(AppError::invalid(
                    k,
                    &format!("evaluation.{k}"),
                    "应为整数分值",
                    "Must be a whole number of points",
                ));
            }
        }
    }
    let result = match bad {
        Some(e) => Err(e),
        None => service::enter_scores(&state, &ctx.actor, &a, &org, &sheet).await,
    };
    let (status, error) = match result {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/evaluations/applications/{id}")).into_response());
        }
        Err(e) => crate::platform::web::form_refusal(&ctx, e, "basic")?,
    };
    let mut resp = application_page(&state, ctx, &id, values, Some(error)).await?;
    *resp.status_mut() = status;
    Ok(resp)
}
