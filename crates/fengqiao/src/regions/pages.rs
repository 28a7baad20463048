//! HTML pages: the region tree with counts, and the grid form on a community's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::model::{NewGrid, RegionView};
use crate::platform::auth::Access;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "regions/tree.html")]
pub struct TreePage {
    pub ctx: PageCtx,
    pub view: RegionView,
    pub can_edit_grids: bool,
    pub form_error: Option<(String, String)>,
    pub form_name: String,
    pub form_households: String,
}

impl TreePage {
    pub fn level_name(&self, level: &str) -> String {
        self.ctx.t(&format!("level.{level}"))
    }

    pub fn kind_name(&self, kind: &Option<String>) -> String {
        kind.as_ref()
            .map(|k| self.ctx.t(&format!("kind.{k}")))
            .unwrap_or_default()
    }
}

pub async fn tree_root(state: State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    tree(state, ctx, Path("330000".to_string())).await
}

pub async fn tree(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let view = super::api::region_view(&state, &code).await?;
    Ok(render(&page(ctx, view, None, String::new(), String::new())))
}

fn page(
    ctx: PageCtx,
    view: RegionView,
    form_error: Option<(String, String)>,
    form_name: String,
    form_households: String,
) -> TreePage {
    let can_edit_grids = view.region.level == "village"
        && codes::RegionCode::parse(&view.region.code).is_ok_and(|c| {
            crate::platform::auth::authorize(
                &ctx.actor,
                &Access::roles(super::GRID_EDITORS),
                Some(&c),
            )
            .is_ok()
        });
    TreePage {
        ctx,
        view,
        can_edit_grids,
        form_error,
        form_name,
        form_households,
    }
}

#[derive(serde::Deserialize)]
pub struct GridForm {
    name: String,
    households: String,
}

/// The grid form: on bad input the page comes back with the message beside the field.
pub async fn create_grid(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
    Form(form): Form<GridForm>,
) -> AppResult<Response> {
    let households = match form.households.trim() {
        "" => Ok(None),
        s => s.parse::<i64>().map(Some).map_err(|_| {
            AppError::invalid(
                "households",
                "grid.households.number",
                "户数应为整数",
                "Households must be a whole number",
            )
        }),
    };
    let submitted = NewGrid {
        name: form.name.clone(),
        households: households.as_ref().ok().copied().flatten(),
    };
    let result = match households {
        Ok(_) => super::api::create(&state, &ctx.actor, &code, &submitted).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/regions/{code}")).into_response()),
        Err(AppError::Invalid { field, message, .. })
        | Err(AppError::Conflict {
            field: Some(field),
            message,
            ..
        }) => {
            let view = super::api::region_view(&state, &code).await?;
            let msg = message.in_lang(ctx.lang);
            let mut resp = render(&page(
                ctx,
                view,
                Some((field, msg)),
                form.name,
                form.households,
            ));
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

/// `GET /regions/{code}/grids`: back to the region's page.
pub async fn to_region(Path(code): Path<String>) -> AppResult<Response> {
    let code = super::api::parse_region("code", &code)?;
    Ok(Redirect::to(&format!("/regions/{code}")).into_response())
}
