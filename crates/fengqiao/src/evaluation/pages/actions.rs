//! The officers' forms of an evaluation round (社会组织评估): open a round, enrol an
//! organization (or an org_admin applies for his own), draw the expert panel, decide an
//! application. Each posts to the same service as the API; a refusal comes back on the page the
//! form is on, its fault beside the form and the input kept.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::super::service::{self, ApplyInput, RoundInput};
use crate::platform::extract::Path;
use crate::platform::web::{PageCtx, form_refusal, form_values};
use crate::platform::{AppError, AppResult, AppState};

fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

/// `POST /evaluations`: opens a round in the officer's region (or one inside it).
pub async fn open_round(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = form_values(pairs);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let year = match get("year").trim() {
        "" => Ok(None),
        y => y.parse::<i32>().map(Some).map_err(|_| {
            AppError::invalid(
                "year",
                "evaluation.year",
                "年度应为四位数字",
                "The year is four digits",
            )
        }),
    };
    let result = match year {
        Ok(year) => {
            let b = RoundInput {
                region_code: get("region_code"),
                year,
                title: get("title"),
            };
            service::open_round(&state, &ctx.actor, &b).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(Redirect::to(&format!("/evaluations/rounds/{}", r.id)).into_response()),
        Err(e) => {
            let (status, error) = form_refusal(&ctx, e, "title")?;
            let page = super::rounds_page(&state, ctx, values, Some(error)).await?;
            Ok(with_status(page, status))
        }
    }
}

/// `POST /evaluations/rounds/{id}/applications`: an organization enrolled (or applying).
pub async fn enrol(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = form_values(pairs);
    let round = service::load_round(&state, &id).await?;
    let b = ApplyInput {
        organization: values.get("organization").cloned().unwrap_or_default(),
    };
    match service::apply(&state, &ctx.actor, &round, &b).await {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/rounds/{id}")).into_response()),
        Err(e) => {
            let (status, error) = form_refusal(&ctx, e, "organization")?;
            let page = super::round_page(&state, ctx, &id, values, Some(error)).await?;
            Ok(with_status(page, status))
        }
    }
}

/// `POST /evaluations/rounds/{id}/draw`: the expert panel drawn, its seed published.
pub async fn draw(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let round = service::load_round(&state, &id).await?;
    match service::draw_panel(&state, &ctx.actor, &round).await {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/rounds/{id}")).into_response()),
        Err(e) => {
            let (status, error) = form_refusal(&ctx, e, "draw")?;
            let page = super::round_page(&state, ctx, &id, BTreeMap::new(), Some(error)).await?;
            Ok(with_status(page, status))
        }
    }
}

/// `POST /evaluations/applications/{id}/decision`: the grade given by the score's band.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, org) = service::load_application(&state, &id).await?;
    match service::decide(&state, &ctx.actor, &a, &org).await {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/applications/{id}")).into_response()),
        Err(e) => {
            let (status, error) = form_refusal(&ctx, e, "decision")?;
            let page =
                super::application_page(&state, ctx, &id, BTreeMap::new(), Some(error)).await?;
            Ok(with_status(page, status))
        }
    }
}
