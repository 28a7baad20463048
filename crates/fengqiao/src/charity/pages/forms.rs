//! The two forms of the organization's side: an application (认定 / 公开募捐资格) and a
//! fundraising plan. Plain forms; bad input re-renders the form with the message by its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::super::service::{self, NewApplication, NewPlan};
use super::super::store::{self, OrgStatus};
use super::seg;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState, region_prefix};

#[derive(Template)]
#[template(path = "charity/apply.html")]
pub struct ApplyPage {
    pub ctx: PageCtx,
    pub orgs: Vec<OrgStatus>,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "charity/plan_new.html")]
pub struct PlanFormPage {
    pub ctx: PageCtx,
    pub orgs: Vec<OrgStatus>,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
}

macro_rules! form_helpers {
    ($t:ty) => {
        impl $t {
            pub fn v(&self, k: &str) -> String {
                self.values.get(k).cloned().unwrap_or_default()
            }
            pub fn sel(&self, k: &str, v: &str) -> bool {
                self.values.get(k).is_some_and(|x| x == v)
            }
            pub fn err(&self, field: &str) -> Option<String> {
                crate::platform::web::field_message(&self.error, field)
            }
            /// An error that belongs to no field of this form.
            pub fn general_error(&self) -> Option<String> {
                crate::platform::web::general_message(&self.error, Self::FIELDS)
            }
        }
    };
}
form_helpers!(ApplyPage);
form_helpers!(PlanFormPage);

impl ApplyPage {
    const FIELDS: &'static [&'static str] = &["kind", "organization_uscc", "statement"];
}

impl PlanFormPage {
    const FIELDS: &'static [&'static str] = &[
        "organization_uscc",
        "title",
        "purpose",
        "target_yuan",
        "starts_on",
        "ends_on",
        "region_code",
        "beneficiaries",
        "budget",
        "contact",
        "emergency",
    ];
    /// Qualified charities only: the ones that may file.
    pub fn qualified(&self) -> Vec<&OrgStatus> {
        self.orgs
            .iter()
            .filter(|o| o.qualification_no.is_some())
            .collect()
    }
}

async fn orgs(state: &AppState, ctx: &PageCtx) -> AppResult<Vec<OrgStatus>> {
    let user = ctx.actor.user().ok_or(AppError::Unauthenticated)?;
    // An organization account chooses among the organizations it acts for.
    let acting = (user.role == crate::platform::auth::Role::OrgAdmin).then_some(user.user_id);
    store::organizations_in(
        &state.db,
        &region_prefix(&user.region),
        acting,
        super::super::api::LIST_LIMIT,
    )
    .await
}

fn values(pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    pairs.into_iter().filter(|(k, _)| k != "_csrf").collect()
}

/// The status a refused form answers with.
fn failed(
    e: AppError,
) -> Result<(StatusCode, String, crate::platform::error::Bilingual), AppError> {
    match e {
        AppError::Invalid { field, message, .. } => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, field, message))
        }
        AppError::Conflict { field, message, .. } => Ok((
            StatusCode::CONFLICT,
            field.unwrap_or_else(|| "form".into()),
            message,
        )),
        e @ AppError::Forbidden => {
            let m = e.problem().message;
            Ok((StatusCode::FORBIDDEN, "organization_uscc".into(), m))
        }
        e => Err(e),
    }
}

pub async fn apply_form(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let orgs = orgs(&state, &ctx).await?;
    Ok(render(&ApplyPage {
        ctx,
        orgs,
        values: BTreeMap::new(),
        error: None,
    }))
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = values(pairs);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let body = NewApplication {
        kind: get("kind"),
        organization_uscc: get("organization_uscc"),
        statement: get("statement"),
    };
    let (status, field, message) = match service::apply(&state, &ctx.actor, &body).await {
        Ok(app) => {
            return Ok(Redirect::to(&format!("/charity/applications/{}", app.id)).into_response());
        }
        Err(e) => failed(e)?,
    };
    let orgs = orgs(&state, &ctx).await?;
    let msg = message.in_lang(ctx.lang);
    let mut resp = render(&ApplyPage {
        ctx,
        orgs,
        values,
        error: Some((field, msg)),
    });
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn plan_form(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let orgs = orgs(&state, &ctx).await?;
    Ok(render(&PlanFormPage {
        ctx,
        orgs,
        values: BTreeMap::new(),
        error: None,
    }))
}

pub async fn file_plan(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = values(pairs);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let body = NewPlan {
        organization_uscc: get("organization_uscc"),
        title: get("title"),
        purpose: get("purpose"),
        target_yuan: get("target_yuan"),
        starts_on: get("starts_on"),
        ends_on: get("ends_on"),
        region_code: get("region_code"),
        beneficiaries: get("beneficiaries"),
        budget: get("budget"),
        contact: get("contact"),
        emergency: !get("emergency").is_empty(),
    };
    let (status, field, message) = match service::file_plan(&state, &ctx.actor, &body).await {
        Ok(plan) => {
            return Ok(
                Redirect::to(&format!("/charity/plans/{}", seg(&plan.filing_no))).into_response(),
            );
        }
        Err(e) => failed(e)?,
    };
    let orgs = orgs(&state, &ctx).await?;
    let msg = message.in_lang(ctx.lang);
    let mut resp = render(&PlanFormPage {
        ctx,
        orgs,
        values,
        error: Some((field, msg)),
    });
    *resp.status_mut() = status;
    Ok(resp)
}
