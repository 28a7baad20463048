//! HTML pages: the applications of the actor's region, one application with the actions the
//! actor may take, the public notices with the objection form, the organization page and the
//! printable registration certificate. Every step works without JavaScript: plain forms with
//! the `_csrf` field, one submit button per action.

pub mod accounts;
pub mod apply;
pub mod governance;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::model::workflow;
use super::model::{
    Action, Application, ApplicationView, OrganizationView, PublicityNotice, ReviewStep, Step,
};
use super::service::{self, ActInput, parse_id};
use super::store;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

/// Message key of a stored value (`registry.state.in_review`).
fn label(ctx: &PageCtx, group: &str, key: &str) -> String {
    ctx.t(&format!("registry.{group}.{key}"))
}

#[derive(Template)]
#[template(path = "registration/list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub apps: Vec<Application>,
}

impl ListPage {
    pub fn l(&self, group: &str, key: &str) -> String {
        label(&self.ctx, group, key)
    }
    pub fn can_apply(&self) -> bool {
        self.ctx
            .actor
            .role()
            .is_some_and(|r| super::APPLICANTS.contains(&r))
    }
    pub fn is_officer(&self) -> bool {
        self.ctx
            .actor
            .role()
            .is_some_and(|r| crate::platform::auth::Role::OFFICERS.contains(&r))
    }
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let listing = crate::platform::auth::Listing::of(&ctx.actor)?;
    let apps = store::list(&state.db, &listing, super::api::LIST_LIMIT).await?;
    Ok(render(&ListPage { ctx, apps }))
}

#[derive(Template)]
#[template(path = "registration/application.html")]
pub struct AppPage {
    pub ctx: PageCtx,
    pub view: ApplicationView,
    pub error: Option<String>,
}

impl AppPage {
    pub fn l(&self, group: &str, key: &str) -> String {
        label(&self.ctx, group, key)
    }
    pub fn state_is(&self, s: &str) -> bool {
        self.view.application.state == s
    }
    pub fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        service::fmt_date(*d)
    }
    pub fn is_missing(&self, key: &str) -> bool {
        self.view.missing_materials.iter().any(|m| m == key)
    }
    fn role_in(&self, roles: &[crate::platform::auth::Role]) -> bool {
        self.ctx.actor.role().is_some_and(|r| roles.contains(&r))
    }
    fn officer(&self) -> bool {
        let a = &self.view.application;
        self.role_in(workflow::officer_roles(a.kind(), a.org_type()))
    }
    /// The applicant may (re)submit with the checklist.
    pub fn can_submit(&self) -> bool {
        (self.state_is("draft") || self.state_is("returned"))
            && self.role_in(workflow::applicant_roles(self.view.application.kind()))
    }
    /// Whether a material was ticked at the last submission.
    pub fn was_submitted(&self, key: &str) -> bool {
        self.view
            .application
            .material_keys()
            .iter()
            .any(|k| k == key)
    }
    pub fn can_intake(&self) -> bool {
        (self.state_is("submitted") || self.state_is("resubmitted")) && self.officer()
    }
    /// 一次性告知: only a first submission can be returned.
    pub fn can_return(&self) -> bool {
        self.state_is("submitted") && self.officer()
    }
    /// The pending steps this actor's role reviews.
    pub fn my_steps(&self) -> Vec<&ReviewStep> {
        if !self.state_is("in_review") {
            return vec![];
        }
        let kind = self.view.application.kind();
        let org_type = self.view.application.org_type();
        self.view
            .steps
            .iter()
            .filter(|s| s.state == "pending")
            .filter(|s| {
                Step::from_key(&s.step)
                    .is_some_and(|st| self.role_in(workflow::step_roles(kind, org_type, st)))
            })
            .collect()
    }
    pub fn can_start_publicity(&self) -> bool {
        self.state_is("in_review") && self.view.needs_publicity && self.officer()
    }
    pub fn can_approve(&self) -> bool {
        self.officer()
            && ((self.state_is("in_review") && !self.view.needs_publicity)
                || self.state_is("publicity"))
    }
    pub fn can_refuse(&self) -> bool {
        self.officer()
            && ["submitted", "resubmitted", "in_review", "publicity"]
                .iter()
                .any(|s| self.state_is(s))
    }
    pub fn can_answer(&self) -> bool {
        self.officer()
    }
    pub fn has_actions(&self) -> bool {
        self.can_submit()
            || self.can_intake()
            || !self.my_steps().is_empty()
            || self.can_start_publicity()
            || self.can_approve()
            || self.can_refuse()
    }
}

pub async fn application(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let app = service::load(&state, parse_id(&id)?).await?;
    let view = service::view(&state, app).await?;
    Ok(render(&AppPage {
        ctx,
        view,
        error: None,
    }))
}

#[derive(serde::Deserialize)]
pub struct ActForm {
    action: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    materials: Vec<String>,
    #[serde(default)]
    also_missing: Vec<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    objection: String,
}

/// One form for every action of the workflow; the same service path as the API.
pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let input = ActInput {
        materials: f.materials.clone(),
        also_missing: f.also_missing.clone(),
        opinion: f.text.clone(),
        reasons: f.text.clone(),
    };
    let result = match f.action.as_str() {
        "submit" => service::act(&state, &ctx.actor, id, Action::Submit, input)
            .await
            .map(|_| ()),
        "accept" => service::act(&state, &ctx.actor, id, Action::Accept, input)
            .await
            .map(|_| ()),
        "return" => service::act(&state, &ctx.actor, id, Action::Return, input)
            .await
            .map(|_| ()),
        "publicity" => service::act(&state, &ctx.actor, id, Action::StartPublicity, input)
            .await
            .map(|_| ()),
        "approve" => service::act(&state, &ctx.actor, id, Action::Approve, input)
            .await
            .map(|_| ()),
        "refuse" => service::act(&state, &ctx.actor, id, Action::Refuse, input)
            .await
            .map(|_| ()),
        "step_approve" | "step_reject" => match service::parse_step(&f.step) {
            Ok(step) => service::act(
                &state,
                &ctx.actor,
                id,
                Action::Review(step, f.action == "step_approve"),
                input,
            )
            .await
            .map(|_| ()),
            Err(e) => Err(e),
        },
        "answer" => match uuid::Uuid::parse_str(&f.objection) {
            Ok(o) => service::answer_objection(&state, &ctx.actor, id, o, &f.text).await,
            Err(_) => Err(AppError::invalid(
                "objection",
                "id.malformed",
                "编号格式不正确",
                "The id is malformed",
            )),
        },
        _ => Err(AppError::invalid(
            "action",
            "registry.action",
            "未知的操作",
            "Unknown action",
        )),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/registry/applications/{id}")).into_response()),
        Err(AppError::Invalid { message, .. }) | Err(AppError::Conflict { message, .. }) => {
            let view = service::view(&state, service::load(&state, id).await?).await?;
            let msg = message.in_lang(ctx.lang);
            let mut resp = render(&AppPage {
                ctx,
                view,
                error: Some(msg),
            });
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "registration/publicity_list.html")]
pub struct NoticesPage {
    pub ctx: PageCtx,
    pub items: Vec<super::api::NoticeItem>,
}

pub async fn publicity_list(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let items = super::api::notices(&state).await?;
    Ok(render(&NoticesPage { ctx, items }))
}

#[derive(Template)]
#[template(path = "registration/notice.html")]
pub struct NoticePage {
    pub ctx: PageCtx,
    pub notice: PublicityNotice,
    pub filed: bool,
    pub error: Option<String>,
}

impl NoticePage {
    pub fn l(&self, group: &str, key: &str) -> String {
        label(&self.ctx, group, key)
    }
    pub fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        service::fmt_date(*d)
    }
}

pub async fn notice(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let notice = service::notice(&state, parse_id(&id)?).await?;
    Ok(render(&NoticePage {
        ctx,
        notice,
        filed: false,
        error: None,
    }))
}

#[derive(serde::Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    body: String,
}

/// The public objection form (the CSRF token is checked before this runs).
pub async fn object(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(f): Form<ObjectionForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let result =
        service::file_objection(&state, &ctx.actor, id, &f.name, &f.contact, &f.body).await;
    let notice = service::notice(&state, id).await?;
    match result {
        Ok(_) => Ok(render(&NoticePage {
            ctx,
            notice,
            filed: true,
            error: None,
        })),
        Err(AppError::Invalid { message, .. }) | Err(AppError::Conflict { message, .. }) => {
            let msg = message.in_lang(ctx.lang);
            let mut resp = render(&NoticePage {
                ctx,
                notice,
                filed: false,
                error: Some(msg),
            });
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "registration/organization.html")]
pub struct OrgPage {
    pub ctx: PageCtx,
    pub org: OrganizationView,
}

impl OrgPage {
    pub fn l(&self, group: &str, key: &str) -> String {
        label(&self.ctx, group, key)
    }
    pub fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        service::fmt_date(*d)
    }
    pub fn uscc(&self) -> String {
        self.org.organization.uscc.clone().unwrap_or_default()
    }
    /// The path key: the USCC, or the id of an organization without one.
    pub fn key(&self) -> String {
        self.org
            .organization
            .uscc
            .clone()
            .unwrap_or_else(|| self.org.organization.id.to_string())
    }
    /// Whether the governance form is for this actor (the route checks again, with the region).
    pub fn can_edit(&self) -> bool {
        self.ctx.actor.role().is_some_and(|r| {
            super::GOVERNANCE_EDITORS.contains(&r)
                && self.ctx.actor.user().is_some_and(|u| {
                    codes::RegionCode::parse(&self.org.organization.region_code)
                        .is_ok_and(|c| u.region.contains(&c))
                })
        })
    }
    /// Whether the organization-accounts page is for this actor: an officer covering the
    /// organization's region (the route checks again).
    pub fn can_manage_accounts(&self) -> bool {
        self.ctx
            .actor
            .role()
            .is_some_and(|r| crate::platform::auth::Role::OFFICERS.contains(&r))
            && self.can_edit()
    }
    pub fn funds_yuan(&self) -> String {
        self.org
            .organization
            .registered_funds_fen
            .map(crate::platform::money::yuan)
            .unwrap_or_default()
    }
}

pub async fn organization(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(uscc): Path<String>,
) -> AppResult<Response> {
    let org = service::organization(&state, &uscc).await?;
    Ok(render(&OrgPage { ctx, org }))
}

#[derive(Template)]
#[template(path = "registration/certificate.html")]
pub struct CertificatePage {
    pub ctx: PageCtx,
    pub org: OrganizationView,
    pub legal_rep: String,
}

impl CertificatePage {
    pub fn l(&self, group: &str, key: &str) -> String {
        label(&self.ctx, group, key)
    }
    pub fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        service::fmt_date(*d)
    }
    pub fn uscc(&self) -> String {
        self.org.organization.uscc.clone().unwrap_or_default()
    }
}

/// The registration certificate as a print view (CSS @media print; "print to PDF" in any browser).
pub async fn certificate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(uscc): Path<String>,
) -> AppResult<Response> {
    let org = service::organization(&state, &uscc).await?;
    if org.organization.status != "registered" {
        return Err(AppError::NotFound);
    }
    let legal_rep = org
        .leaders
        .iter()
        .find(|l| l.is_legal_rep && l.ended_on.is_none())
        .map(|l| l.name.clone())
        .unwrap_or_default();
    Ok(render(&CertificatePage {
        ctx,
        org,
        legal_rep,
    }))
}
