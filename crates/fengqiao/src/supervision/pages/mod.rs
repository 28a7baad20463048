//! HTML pages of the annual reports: the list (officers: their region's, by year and status;
//! an organization account: its own), the organization's report form (draft or submit, every
//! fault by its field, the input kept), and a report's page with its review forms.

mod form;
pub mod warnings;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::Datelike;

use super::api::{LIST_LIMIT, ListQuery};
use super::model::{AnnualReport, FieldError, ListItem, OrgFacts, Status, Step, statements};
use super::service::{self, NewReport, Refusal, ReviewBody, parse_id};
use super::store;
use crate::platform::auth::{Listing, Role};
use crate::platform::extract::{Path, Query};
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

pub use form::{BODY_FIELDS, COUNT_FIELDS, FIGURE_FIELDS};

#[derive(Template)]
#[template(path = "supervision/list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub items: Vec<ListItem>,
    pub year: String,
    pub status: String,
    pub is_org: bool,
    pub may_export: bool,
}

impl ListPage {
    pub fn status_name(&self, s: &str) -> String {
        self.ctx.t(&format!("supervision.status.{s}"))
    }
    pub fn statuses(&self) -> Vec<&'static str> {
        Status::ALL.iter().map(|s| s.key()).collect()
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let status = q.status.as_deref().and_then(|s| Status::from_key(s.trim()));
    let listing = Listing::of(&ctx.actor)?;
    let items = store::list(&state.db, &listing, q.year, status, LIST_LIMIT).await?;
    let role = ctx.actor.role();
    Ok(render(&ListPage {
        is_org: role == Some(Role::OrgAdmin),
        may_export: role.is_some_and(|r| super::EXPORTERS.contains(&r)),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        status: status.map(|s| s.key().to_string()).unwrap_or_default(),
        items,
        ctx,
    }))
}

/// The report form (new or a draft) and a report's page with its review forms.
#[derive(Template)]
#[template(path = "supervision/report.html")]
pub struct ReportPage {
    pub ctx: PageCtx,
    /// The report shown (`None`: a new one).
    pub report: Option<AnnualReport>,
    /// The organizations the account acts for (new report).
    pub orgs: Vec<OrgFacts>,
    pub values: BTreeMap<String, String>,
    /// Every fault, by field (`form` for one that belongs to no field).
    pub errors: Vec<(String, String)>,
    pub editable: bool,
    pub can_supervise: bool,
    pub can_decide: bool,
    pub can_correct: bool,
    /// Cross-year anomaly flags for the reviewer (not for the organization).
    pub anomalies: Vec<crate::supervision::model::warnings::reports::Anomaly>,
}

impl ReportPage {
    pub fn anomaly_text(
        &self,
        a: &crate::supervision::model::warnings::reports::Anomaly,
    ) -> String {
        match self.ctx.lang {
            crate::platform::i18n::Lang::Zh => a.zh.clone(),
            crate::platform::i18n::Lang::En => a.en.clone(),
        }
    }
    pub fn v(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
    pub fn sel(&self, k: &str, v: &str) -> bool {
        self.values.get(k).is_some_and(|x| x == v)
    }
    pub fn err(&self, field: &str) -> Option<String> {
        let m: Vec<&str> = self
            .errors
            .iter()
            .filter(|(f, _)| f == field || f.starts_with(&format!("{field}[")))
            .map(|(_, m)| m.as_str())
            .collect();
        (!m.is_empty()).then(|| m.join("；"))
    }
    /// The label of a field (`large_items[0].amount_fen` → that of `large_items`).
    pub fn label(&self, field: &str) -> String {
        let base = field.split('[').next().unwrap_or(field);
        self.ctx.t(&format!("supervision.field.{base}"))
    }
    pub fn status_name(&self, s: &Status) -> String {
        self.ctx.t(&format!("supervision.status.{}", s.key()))
    }
    pub fn action(&self) -> String {
        match &self.report {
            None => "/supervision/annual-reports/new".into(),
            Some(r) => format!("/supervision/annual-reports/{}/edit", r.id),
        }
    }
    pub fn figures(&self) -> &'static [&'static str] {
        FIGURE_FIELDS
    }
    pub fn counts(&self) -> &'static [&'static str] {
        COUNT_FIELDS
    }
    pub fn texts(&self) -> &'static [&'static str] {
        BODY_FIELDS
    }
    pub fn yuan(&self, fen: &i64) -> String {
        crate::platform::money::yuan(*fen)
    }
    pub fn figure(&self, r: &AnnualReport, field: &str) -> String {
        r.content
            .statements
            .figures()
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| crate::platform::money::yuan(*v))
            .unwrap_or_default()
    }
    pub fn count(&self, r: &AnnualReport, field: &str) -> String {
        r.content
            .body
            .counts()
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    }
}

fn message(ctx: &PageCtx, e: &AppError) -> Result<(StatusCode, (String, String)), AppError> {
    match e {
        AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::Forbidden => {
            let (f, m) = crate::platform::web::form_error(ctx, e);
            let f = if f.is_empty() { "form".to_string() } else { f };
            Ok((e.status(), (f, m)))
        }
        AppError::Internal(_) | AppError::NotFound | AppError::Unauthenticated => {
            Err(AppError::Internal(anyhow::anyhow!("{e}")))
        }
        _ => Err(AppError::Internal(anyhow::anyhow!("{e}"))),
    }
}

fn faults(ctx: &PageCtx, f: Vec<FieldError>) -> Vec<(String, String)> {
    f.into_iter()
        .map(|e| (e.field, e.message.in_lang(ctx.lang)))
        .collect()
}

async fn orgs_of(state: &AppState, ctx: &PageCtx) -> AppResult<Vec<OrgFacts>> {
    let user = ctx.actor.user().ok_or(AppError::Unauthenticated)?;
    store::organizations_of(&state.db, user.user_id).await
}

fn values(pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    pairs.into_iter().filter(|(k, _)| k != "_csrf").collect()
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let orgs = orgs_of(&state, &ctx).await?;
    let mut values = BTreeMap::new();
    values.insert(
        "year".to_string(),
        (state.clock.today().year() - 1).to_string(),
    );
    Ok(render(&ReportPage {
        anomalies: Vec::new(),
        ctx,
        report: None,
        orgs,
        values,
        errors: Vec::new(),
        editable: true,
        can_supervise: false,
        can_decide: false,
        can_correct: false,
    }))
}

async fn refuse(
    state: &AppState,
    ctx: PageCtx,
    report: Option<AnnualReport>,
    values: BTreeMap<String, String>,
    status: StatusCode,
    errors: Vec<(String, String)>,
) -> AppResult<Response> {
    let orgs = if report.is_none() {
        orgs_of(state, &ctx).await?
    } else {
        Vec::new()
    };
    let editable = report.as_ref().is_none_or(|r| r.status == Status::Draft);
    let mut resp = render(&ReportPage {
        anomalies: Vec::new(),
        ctx,
        report,
        orgs,
        values,
        errors,
        editable,
        can_supervise: false,
        can_decide: false,
        can_correct: false,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

/// A new report: saved as a draft, or submitted at once. A submission whose figures are wrong
/// is shown again with every fault by its field and nothing stored.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = values(pairs);
    let (content, mut bad) = form::parse(&values);
    let submit = values.get("action").is_some_and(|a| a == "submit");
    if submit {
        bad.extend(statements::validate(&content));
    }
    if !bad.is_empty() {
        let errors = faults(&ctx, bad);
        return refuse(
            &state,
            ctx,
            None,
            values,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        )
        .await;
    }
    let b = NewReport {
        organization_id: values.get("organization_id").cloned().unwrap_or_default(),
        year: values.get("year").and_then(|y| y.trim().parse().ok()),
        content,
    };
    let row = match service::create(&state, &ctx.actor, &b).await {
        Ok(row) => row,
        Err(e) => {
            let (status, err) = message(&ctx, &e)?;
            return refuse(&state, ctx, None, values, status, vec![err]).await;
        }
    };
    if submit && let Err(r) = service::submit(&state, &ctx.actor, row.id, &b.content).await {
        return Err(match r {
            Refusal::Fields(_) => AppError::Internal(anyhow::anyhow!("checked above")),
            Refusal::Other(e) => e,
        });
    }
    Ok(Redirect::to(&format!("/supervision/annual-reports/{}", row.id)).into_response())
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    id: uuid::Uuid,
    errors: Vec<(String, String)>,
    values: Option<BTreeMap<String, String>>,
    status: StatusCode,
) -> AppResult<Response> {
    let row = service::load(state, id).await?;
    let report = service::view(state, row).await?;
    let role = ctx.actor.role();
    let is_org = role == Some(Role::OrgAdmin);
    let values = values.unwrap_or_else(|| form::values_of(&report.content));
    let waiting = report.waiting_for;
    let anomalies = if is_org || role.is_none() {
        Vec::new()
    } else {
        service::warnings::anomalies(state, &report).await?
    };
    let mut resp = render(&ReportPage {
        anomalies,
        editable: is_org && report.status == Status::Draft,
        can_supervise: role == Some(Role::DeptReviewer) && waiting == Some(Step::Supervisory),
        can_decide: role.is_some_and(|r| super::DECIDERS.contains(&r))
            && waiting == Some(Step::Registration),
        can_correct: is_org && report.status.may_be_corrected(),
        ctx,
        report: Some(report),
        orgs: Vec::new(),
        values,
        errors,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    page(
        &state,
        ctx,
        parse_id(&id)?,
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// A draft saved or submitted from its page.
pub async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let values = values(pairs);
    let (content, bad) = form::parse(&values);
    if !bad.is_empty() {
        let errors = faults(&ctx, bad);
        return page(
            &state,
            ctx,
            id,
            errors,
            Some(values),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let result = if values.get("action").is_some_and(|a| a == "submit") {
        service::submit(&state, &ctx.actor, id, &content)
            .await
            .map(|_| ())
    } else {
        service::save(&state, &ctx.actor, id, &content)
            .await
            .map(|_| ())
            .map_err(Refusal::Other)
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/supervision/annual-reports/{id}")).into_response()),
        Err(Refusal::Fields(f)) => {
            let errors = faults(&ctx, f);
            page(
                &state,
                ctx,
                id,
                errors,
                Some(values),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Refusal::Other(e)) => {
            let (status, err) = message(&ctx, &e)?;
            page(&state, ctx, id, vec![err], Some(values), status).await
        }
    }
}

fn review_body(pairs: Vec<(String, String)>) -> ReviewBody {
    let v = values(pairs);
    ReviewBody {
        decision: v.get("decision").cloned().unwrap_or_default(),
        comment: v.get("comment").cloned().unwrap_or_default(),
    }
}

async fn after_review(
    state: &AppState,
    ctx: PageCtx,
    id: uuid::Uuid,
    r: AppResult<super::model::ReportRow>,
) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/supervision/annual-reports/{id}")).into_response()),
        Err(e) => {
            let (status, err) = message(&ctx, &e)?;
            page(state, ctx, id, vec![err], None, status).await
        }
    }
}

pub async fn supervisory_review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = service::supervisory_review(&state, &ctx.actor, id, &review_body(pairs)).await;
    after_review(&state, ctx, id, r).await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = service::decide(&state, &ctx.actor, id, &review_body(pairs)).await;
    after_review(&state, ctx, id, r).await
}

pub async fn new_version(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match service::new_version(&state, &ctx.actor, id).await {
        Ok(row) => {
            Ok(Redirect::to(&format!("/supervision/annual-reports/{}", row.id)).into_response())
        }
        Err(e) => {
            let (status, err) = message(&ctx, &e)?;
            page(&state, ctx, id, vec![err], None, status).await
        }
    }
}
