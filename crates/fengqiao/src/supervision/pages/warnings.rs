//! HTML pages of the warnings (资金监管预警): the list (by region, level and state, with its
//! CSV link) and one warning (its figures, what would clear it, its trail, and for the officers
//! of its region the close form: the fault by its field, the input kept).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use crate::platform::auth::Role;
use crate::platform::extract::{Path, Query};
use crate::platform::i18n::Lang;
use crate::platform::web::{FormError, PageCtx, field_message, general_message, render};
use crate::platform::{AppError, AppResult, AppState};
use crate::supervision::model::warnings::Level;
use crate::supervision::model::warnings::stored::{SupervisionWarning, WarningDetail};
use crate::supervision::service::parse_id;
use crate::supervision::service::warnings::{self as service, CloseBody, WarningQuery};

#[derive(Template)]
#[template(path = "supervision/warnings.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub total: i64,
    pub items: Vec<SupervisionWarning>,
    pub region: String,
    pub level: String,
    pub state: String,
    pub csv: String,
}

impl ListPage {
    pub fn levels(&self) -> Vec<&'static str> {
        Level::ALL.iter().map(|l| l.key()).collect()
    }
    pub fn level_name(&self, l: &str) -> String {
        self.ctx.t(&format!("supervision.warning.level.{l}"))
    }
    pub fn state_name(&self, s: &str) -> String {
        self.ctx.t(&format!("supervision.warning.state.{s}"))
    }
    pub fn summary(&self, w: &SupervisionWarning) -> String {
        match self.ctx.lang {
            Lang::Zh => w.summary_zh.clone(),
            Lang::En => w.summary_en.clone(),
        }
    }
}

fn keep(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or_default().to_string()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<WarningQuery>,
) -> AppResult<Response> {
    let q = WarningQuery {
        per_page: Some("100".into()),
        format: None,
        ..q
    };
    let page = service::list(&state, &ctx.actor, &q, false).await?;
    // The filters were checked by the list (a bad one is refused above): digits and keys only.
    let csv = format!(
        "/api/v1/supervision/warnings?region={}&level={}&state={}&format=csv",
        keep(&q.region),
        keep(&q.level),
        keep(&q.state)
    );
    Ok(render(&ListPage {
        total: page.total,
        items: page.items,
        region: keep(&q.region),
        level: keep(&q.level),
        state: keep(&q.state),
        csv,
        ctx,
    }))
}

#[derive(Template)]
#[template(path = "supervision/warning.html")]
pub struct WarningPage {
    pub ctx: PageCtx,
    pub d: WarningDetail,
    pub figures: Vec<(String, String)>,
    pub may_close: bool,
    pub error: FormError,
    pub reason: String,
}

impl WarningPage {
    pub fn lang_text(&self, zh: &str, en: &str) -> String {
        match self.ctx.lang {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }
    pub fn level_name(&self, l: &Level) -> String {
        self.ctx
            .t(&format!("supervision.warning.level.{}", l.key()))
    }
    pub fn state_name(&self, s: &str) -> String {
        self.ctx.t(&format!("supervision.warning.state.{s}"))
    }
    pub fn action_name(&self, a: &str) -> String {
        self.ctx.t(&format!("supervision.warning.action.{a}"))
    }
    pub fn err(&self, field: &str) -> Option<String> {
        field_message(&self.error, field)
    }
    pub fn general(&self) -> Option<String> {
        general_message(&self.error, &["reason"])
    }
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    id: uuid::Uuid,
    error: FormError,
    reason: String,
    status: StatusCode,
) -> AppResult<Response> {
    let d = service::detail(state, id).await?;
    let figures = match &d.warning.figures {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let shown = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) if k.ends_with("_fen") => n
                        .as_i64()
                        .map(crate::platform::money::yuan)
                        .unwrap_or_else(|| n.to_string()),
                    other => other.to_string(),
                };
                (k.clone(), shown)
            })
            .collect(),
        _ => Vec::new(),
    };
    let may_close = d.warning.state == "open"
        && ctx
            .actor
            .role()
            .is_some_and(|r| super::super::DECIDERS.contains(&r) && r != Role::OrgAdmin);
    let body = render(&WarningPage {
        ctx,
        d,
        figures,
        may_close,
        error,
        reason,
    });
    Ok((status, body).into_response())
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
        None,
        String::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn close(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(b): Form<CloseBody>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match service::close(&state, &ctx.actor, id, &b).await {
        Ok(_) => Ok(Redirect::to(&format!("/supervision/warnings/{id}")).into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let error = Some(crate::platform::web::form_error(&ctx, &e));
            page(&state, ctx, id, error, b.reason, e.status()).await
        }
        Err(e) => Err(e),
    }
}
