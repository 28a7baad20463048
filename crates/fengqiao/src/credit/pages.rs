//! The credit pages: the two public lists, an organization's credit on any date (why, under
//! which rule, since when), and the officers' form to record an event on it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::model::{List, REASONS, Reason, Standing};
use super::service::{self, CreditView, EventInput, ListPage, ListQuery};
use crate::directory::model::{parse_date, present};
use crate::platform::auth::Role;
use crate::platform::extract::{Path, Query};
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};
use crate::registration::service::governance::load_org;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListsQuery {
    /// abnormal (default) | serious
    pub list: Option<String>,
    #[serde(flatten)]
    pub query: ListQuery,
}

#[derive(Template)]
#[template(path = "credit/lists.html")]
pub struct ListsPage {
    pub ctx: PageCtx,
    pub list: List,
    pub q: ListQuery,
    pub page: ListPage,
}

impl ListsPage {
    pub fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    pub fn reason(&self, zh: &str, en: &str) -> String {
        match self.ctx.lang {
            crate::platform::i18n::Lang::Zh => zh.into(),
            crate::platform::i18n::Lang::En => en.into(),
        }
    }
}

pub async fn lists(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListsQuery>,
) -> AppResult<Response> {
    let list = match q.list.as_deref() {
        None | Some("") => List::Abnormal,
        Some(s) => List::from_key(s).ok_or_else(|| {
            AppError::invalid(
                "list",
                "credit.list",
                "应为 abnormal 或 serious",
                "Must be abnormal or serious",
            )
        })?,
    };
    let page = service::list_page(&state, list, &q.query).await?;
    Ok(render(&ListsPage {
        ctx,
        list,
        q: q.query,
        page,
    }))
}

#[derive(Template)]
#[template(path = "credit/organization.html")]
pub struct OrganizationPage {
    pub ctx: PageCtx,
    pub view: CreditView,
    pub key: String,
    pub reasons: &'static [Reason],
    pub officer: bool,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
}

impl OrganizationPage {
    pub fn standing(&self) -> &Standing {
        &self.view.standing
    }

    pub fn bi(&self, zh: &str, en: &str) -> String {
        match self.ctx.lang {
            crate::platform::i18n::Lang::Zh => zh.into(),
            crate::platform::i18n::Lang::En => en.into(),
        }
    }

    pub fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AsOfQuery {
    pub as_of: Option<String>,
}

async fn organization_page(
    state: &AppState,
    ctx: PageCtx,
    key: String,
    as_of: chrono::NaiveDate,
    values: BTreeMap<String, String>,
    error: Option<(String, String)>,
) -> AppResult<Response> {
    let org = load_org(state, &key).await?;
    let view = service::credit(state, &ctx.actor, &org, as_of).await?;
    let officer = ctx.actor.role().is_some_and(is_recorder)
        && codes::RegionCode::parse(&org.region_code).is_ok_and(|r| ctx.actor.covers(&r));
    Ok(render(&OrganizationPage {
        ctx,
        view,
        key,
        reasons: REASONS,
        officer,
        values,
        error,
    }))
}

pub async fn organization(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(key): Path<String>,
    Query(q): Query<AsOfQuery>,
) -> AppResult<Response> {
    let as_of = match present(&q.as_of) {
        None => state.clock.today(),
        Some(s) => parse_date("as_of", s)?,
    };
    organization_page(&state, ctx, key, as_of, BTreeMap::new(), None).await
}

pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = crate::platform::web::form_values(pairs);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| Some(get(k)).filter(|v| !v.trim().is_empty());
    let amount = match opt("amount_yuan") {
        None => None,
        Some(s) => Some(crate::platform::money::parse_yuan(&s, 12).ok_or_else(|| {
            AppError::invalid(
                "amount_yuan",
                "credit.amount_yuan",
                "金额格式不正确（元，最多两位小数）",
                "Not an amount in yuan (at most two decimals)",
            )
        })?),
    };
    let body = EventInput {
        kind: get("kind"),
        reason_code: opt("reason_code"),
        penalty_kind: opt("penalty_kind"),
        amount_fen: amount,
        list: opt("list"),
        occurred_on: get("occurred_on"),
        document: get("document"),
        authority: get("authority"),
        note: get("note"),
    };
    let org = load_org(&state, &key).await?;
    let (status, error) = match service::record(&state, &ctx.actor, &org, &body).await {
        Ok(_) => return Ok(Redirect::to(&format!("/credit/organizations/{key}")).into_response()),
        Err(e) => crate::platform::web::form_refusal(&ctx, e, "kind")?,
    };
    let today = state.clock.today();
    let mut resp = organization_page(&state, ctx, key, today, values, Some(error)).await?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// Roles shown the officers' form (the route's access decides; this only hides the form).
pub fn is_recorder(r: Role) -> bool {
    super::RECORDERS.contains(&r)
}
