//! HTML pages of the charity module: the landing page for each role, the application and plan
//! forms (no JavaScript; the error shown by its field), the application with its checks and the
//! decision form, the public list and page of plans, and the supervision warnings.

mod forms;
pub use forms::{apply, apply_form, file_plan, plan_form};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::model::{ApplicationView, PlanView, rules};
use super::service::{self, CharityWarnings, ClosePlan, DecisionBody, NewDisclosure, parse_id};
use super::store::{self, OrgStatus, PlanItem};
use crate::platform::auth::Role;
use crate::platform::extract::Query;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState, region_prefix};

fn role_in(ctx: &PageCtx, roles: &[Role]) -> bool {
    ctx.actor.role().is_some_and(|r| roles.contains(&r))
}

/// Fen as yuan for display.
pub fn yuan(fen: &i64) -> String {
    rules::fmt_yuan(*fen)
}

/// `浙民募备[2026]0001` as a path segment.
pub use crate::platform::web::path_segment as seg;

#[derive(Template)]
#[template(path = "charity/home.html")]
pub struct HomePage {
    pub ctx: PageCtx,
    pub apps: Vec<super::model::Application>,
    pub orgs: Vec<OrgStatus>,
    pub today: chrono::NaiveDate,
}

impl HomePage {
    pub fn is_applicant(&self) -> bool {
        role_in(&self.ctx, super::APPLICANTS)
    }
    pub fn is_decider(&self) -> bool {
        role_in(&self.ctx, super::DECIDERS)
    }
    pub fn is_supervisor(&self) -> bool {
        role_in(&self.ctx, super::SUPERVISORS)
    }
    pub fn overdue(&self, a: &super::model::Application) -> bool {
        a.overdue(self.today)
    }
}

/// `/charity`: my organizations and applications (org_admin), pending decisions (officers).
pub async fn home(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let (apps, orgs) = match ctx.actor.user() {
        Some(u) if super::PARTICIPANTS.contains(&u.role) => {
            let prefix = region_prefix(&u.region);
            let listing = crate::platform::auth::Listing::of(&ctx.actor)?;
            let mut apps =
                store::list_applications(&state.db, &listing, super::api::LIST_LIMIT).await?;
            if super::DECIDERS.contains(&u.role) {
                apps.retain(|a| a.state == "pending");
            }
            let orgs = if u.role == Role::OrgAdmin {
                store::organizations_in(&state.db, &prefix, Some(u.user_id), super::api::LIST_LIMIT)
                    .await?
            } else {
                Vec::new()
            };
            (apps, orgs)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let today = state.clock.today();
    Ok(render(&HomePage {
        ctx,
        apps,
        orgs,
        today,
    }))
}

#[derive(Template)]
#[template(path = "charity/application.html")]
pub struct AppPage {
    pub ctx: PageCtx,
    pub view: ApplicationView,
    pub error: Option<(String, String)>,
}

impl AppPage {
    pub fn can_decide(&self) -> bool {
        self.view.application.state == "pending" && role_in(&self.ctx, super::DECIDERS)
    }
    pub fn err(&self, field: &str) -> Option<String> {
        crate::platform::web::field_message(&self.error, field)
    }
    pub fn general_error(&self) -> Option<String> {
        crate::platform::web::general_message(&self.error, &["reasons"])
    }
}

pub async fn application(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let view = service::view(&state, service::load(&state, parse_id(&id)?).await?).await?;
    Ok(render(&AppPage {
        ctx,
        view,
        error: None,
    }))
}

/// The decision form; the same service path as the API. An error re-renders the page with the
/// message by its field.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(b): Form<DecisionBody>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match service::decide(&state, &ctx.actor, id, &b).await {
        Ok(_) => Ok(Redirect::to(&format!("/charity/applications/{id}")).into_response()),
        Err(AppError::Invalid { field, message, .. })
        | Err(AppError::Conflict {
            field: Some(field),
            message,
            ..
        }) => {
            let view = service::view(&state, service::load(&state, id).await?).await?;
            let msg = message.in_lang(ctx.lang);
            let mut resp = render(&AppPage {
                ctx,
                view,
                error: Some((field, msg)),
            });
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(AppError::Conflict { message, .. }) => {
            let view = service::view(&state, service::load(&state, id).await?).await?;
            let msg = message.in_lang(ctx.lang);
            let mut resp = render(&AppPage {
                ctx,
                view,
                error: Some(("decision".into(), msg)),
            });
            *resp.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "charity/plans.html")]
pub struct PlansPage {
    pub ctx: PageCtx,
    pub plans: Vec<PlanItem>,
}

impl PlansPage {
    pub fn can_file(&self) -> bool {
        role_in(&self.ctx, super::APPLICANTS)
    }
}

/// `/charity/plans`: every filed plan (public).
pub async fn plans(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let plans = store::list_plans(&state.db, "%", super::api::LIST_LIMIT).await?;
    Ok(render(&PlansPage { ctx, plans }))
}

#[derive(Template)]
#[template(path = "charity/plan.html")]
pub struct PlanPage {
    pub ctx: PageCtx,
    pub view: PlanView,
    pub error: Option<(String, String)>,
    pub may_disclose: bool,
    /// The close button: the charity acting for itself or an officer of its region, while filed.
    pub may_close: bool,
}

impl PlanPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }
    /// The message of the close form that names no field of it (a plan closed already).
    pub fn close_error(&self) -> Option<String> {
        crate::platform::web::general_message(
            &self.error,
            &["kind", "disclosed_on", "summary", "reason"],
        )
    }
}

async fn plan_page(
    state: &AppState,
    ctx: PageCtx,
    filing_no: &str,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    plan_page_with(state, ctx, filing_no, error, None).await
}

async fn plan_page_with(
    state: &AppState,
    ctx: PageCtx,
    filing_no: &str,
    error: Option<(String, String)>,
    status: Option<axum::http::StatusCode>,
) -> AppResult<Response> {
    let view = service::plan_view(state, filing_no).await?;
    let may_disclose = ctx.logged_in()
        && service::may_disclose(state, &ctx.actor, &view.plan)
            .await
            .is_ok();
    let may_close = view.plan.status == "filed"
        && ctx.logged_in()
        && service::may_close(state, &ctx.actor, &view.plan)
            .await
            .is_ok();
    let status = status.unwrap_or(if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    });
    let mut resp = render(&PlanPage {
        ctx,
        view,
        error,
        may_disclose,
        may_close,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

/// `/charity/plans/{filing_no}`: the public page of a plan.
pub async fn plan(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(filing_no): Path<String>,
) -> AppResult<Response> {
    plan_page(&state, ctx, &filing_no, None).await
}

/// The disclosure form on the plan page (the charity's side).
pub async fn disclose(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(filing_no): Path<String>,
    Form(b): Form<NewDisclosure>,
) -> AppResult<Response> {
    match service::disclose(&state, &ctx.actor, &filing_no, &b).await {
        Ok(_) => Ok(Redirect::to(&format!("/charity/plans/{}", seg(&filing_no))).into_response()),
        Err(AppError::Invalid { field, message, .. }) => {
            let msg = message.in_lang(ctx.lang);
            plan_page(&state, ctx, &filing_no, Some((field, msg))).await
        }
        Err(e) => Err(e),
    }
}

/// The close form on the plan page: closes or withdraws it with the reason typed.
pub async fn close_plan(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(filing_no): Path<String>,
    Form(b): Form<ClosePlan>,
) -> AppResult<Response> {
    match service::close_plan(&state, &ctx.actor, &filing_no, &b).await {
        Ok(v) => {
            Ok(Redirect::to(&format!("/charity/plans/{}", seg(&v.plan.filing_no))).into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let error = Some(crate::platform::web::form_error(&ctx, &e));
            plan_page_with(&state, ctx, &filing_no, error, Some(e.status())).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "charity/supervision.html")]
pub struct SupervisionPage {
    pub ctx: PageCtx,
    pub year: i32,
    pub charities: Vec<CharityWarnings>,
}

impl SupervisionPage {
    pub fn text(&self, w: &crate::supervision::model::warnings::Warning) -> String {
        match self.ctx.lang {
            crate::platform::i18n::Lang::Zh => w.zh.clone(),
            crate::platform::i18n::Lang::En => w.en.clone(),
        }
    }
}

/// `/charity/supervision`: warnings of the charities of the officer's region.
pub async fn supervision(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<super::api::YearQuery>,
) -> AppResult<Response> {
    let (year, charities) = service::warnings(&state, &ctx.actor, q.year).await?;
    Ok(render(&SupervisionPage {
        ctx,
        year,
        charities,
    }))
}
