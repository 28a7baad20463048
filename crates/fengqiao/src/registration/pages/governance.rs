//! The governance form of an organization (`/registry/organizations/{uscc}/governance`), without
//! JavaScript: four plain forms on one page — a new term of a body with its members, the party
//! organization status, and for officers the profile (hub kind, tax deduction, special groups)
//! and a supported organization. Bad input re-renders the page with what was typed and the
//! message beside the field at fault (422); the same service path as the JSON API. Also the
//! officers' page of overdue review steps (`/registry/overdue`).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::super::model::OrganizationView;
use super::super::model::governance::{
    Body, COMMUNITY_CATEGORIES, HubKind, MemberInput, PartyInput, PartyStatus, ProfileInput,
    SPECIAL_GROUPS, SupportInput, TermInput,
};
use super::super::service::{self, governance, overdue};
use super::super::store::overdue::OverdueStep;
use crate::platform::auth::Role;
use crate::platform::notifications::Notification;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

/// Rows of members on the term form (empty rows are ignored).
pub const MEMBER_ROWS: usize = 8;

#[derive(Template)]
#[template(path = "registration/governance.html")]
pub struct GovernancePage {
    pub ctx: PageCtx,
    pub org: OrganizationView,
    pub key: String,
    values: BTreeMap<String, String>,
    groups: Vec<String>,
    categories: Vec<String>,
    error: Option<(String, String)>,
}

impl GovernancePage {
    pub fn l(&self, group: &str, key: &str) -> String {
        self.ctx.t(&format!("registry.{group}.{key}"))
    }
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    pub fn sel(&self, name: &str, value: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == value)
    }
    pub fn err(&self, name: &str) -> Option<String> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
    pub fn fid(&self, name: &str) -> String {
        name.replace("].", "-").replace('[', "-")
    }
    pub fn mname(&self, i: &usize, f: &str) -> String {
        format!("members[{i}].{f}")
    }
    pub fn member_fields(&self) -> &'static [&'static str] {
        &["name", "position"]
    }
    /// A registry message (`name` → `registry.name`).
    pub fn tl(&self, key: &str) -> String {
        self.ctx.t(&format!("registry.{key}"))
    }
    pub fn rows(&self) -> Vec<usize> {
        (0..MEMBER_ROWS).collect()
    }
    pub fn bodies(&self) -> Vec<&'static str> {
        Body::ALL.iter().map(|b| b.key()).collect()
    }
    pub fn party_statuses(&self) -> Vec<&'static str> {
        PartyStatus::ALL.iter().map(|b| b.key()).collect()
    }
    pub fn hub_kinds(&self) -> Vec<&'static str> {
        let mut v = vec!["none"];
        v.extend(HubKind::ALL.iter().map(|k| k.key()));
        v
    }
    pub fn special_groups(&self) -> &'static [&'static str] {
        SPECIAL_GROUPS
    }
    pub fn serves(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
    pub fn community_categories(&self) -> &'static [&'static str] {
        COMMUNITY_CATEGORIES
    }
    pub fn in_category(&self, c: &str) -> bool {
        self.categories.iter().any(|x| x == c)
    }
    pub fn officer(&self) -> bool {
        self.ctx
            .actor
            .role()
            .is_some_and(|r| Role::OFFICERS.contains(&r))
    }
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    key: &str,
    typed: Option<BTreeMap<String, String>>,
    error: Option<(String, String)>,
) -> AppResult<GovernancePage> {
    let org = service::organization(state, key).await?;
    let g = &org.governance;
    let mut values = BTreeMap::new();
    values.insert("body".into(), "council".into());
    let party = g.party_status.as_ref().map(|p| p.status.as_str());
    values.insert("status".into(), party.unwrap_or("none").into());
    values.insert(
        "hub_kind".into(),
        g.hub_kind.clone().unwrap_or_else(|| "none".into()),
    );
    if g.tax_deductible {
        values.insert("tax_deductible".into(), "1".into());
    }
    let mut groups = g.special_groups.clone();
    let mut categories = g.community_categories.clone();
    if let Some(t) = &typed {
        values.extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
        if t.get("form").is_some_and(|f| f == "profile") {
            let list = |k: &str| {
                t.get(k)
                    .map(|s| s.split(',').map(String::from).collect())
                    .unwrap_or_default()
            };
            groups = list("special_groups");
            categories = list("community_categories");
        }
    }
    Ok(GovernancePage {
        ctx,
        key: key.to_string(),
        org,
        values,
        groups,
        categories,
        error,
    })
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(uscc): Path<String>,
) -> AppResult<Response> {
    Ok(render(&page(&state, ctx, &uscc, None, None).await?))
}

fn term_input(v: &BTreeMap<String, String>, get: impl Fn(&str) -> String) -> TermInput {
    let members = (0..MEMBER_ROWS)
        .map(|i| MemberInput {
            name: get(&format!("members[{i}].name")),
            position: get(&format!("members[{i}].position")),
        })
        .filter(|m| !(m.name.is_empty() && m.position.is_empty()))
        .collect();
    TermInput {
        body: get("body"),
        term_start: get("term_start"),
        term_end: get("term_end"),
        member_count: v.get("member_count").and_then(|s| s.trim().parse().ok()),
        members,
    }
}

/// The field of the form a service error names (`special_groups[2]` → `special_groups`;
/// members are renumbered by the rows that were filled).
fn form_field(field: &str, filled: &[usize]) -> String {
    for list in ["special_groups", "community_categories"] {
        if field.starts_with(list) {
            return list.into();
        }
    }
    if let Some(rest) = field.strip_prefix("members[")
        && let Some((n, tail)) = rest.split_once(']')
        && let Some(row) = n.parse::<usize>().ok().and_then(|i| filled.get(i))
    {
        return format!("members[{row}]{tail}");
    }
    field.into()
}

/// One POST for the four forms (`form` = `term`, `party`, `profile`, `supported`).
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(uscc): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in pairs.into_iter().filter(|(k, _)| k != "_csrf") {
        // Several checkboxes share `special_groups`: kept as one comma-separated value.
        values
            .entry(k)
            .and_modify(|x| {
                x.push(',');
                x.push_str(&v);
            })
            .or_insert(v);
    }
    let get = |k: &str| {
        values
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let officer = ctx
        .actor
        .role()
        .is_some_and(|r| Role::OFFICERS.contains(&r));
    let filled: Vec<usize> = (0..MEMBER_ROWS)
        .filter(|i| {
            !get(&format!("members[{i}].name")).is_empty()
                || !get(&format!("members[{i}].position")).is_empty()
        })
        .collect();
    let actor = ctx.actor.clone();
    let result = match get("form").as_str() {
        "term" => governance::add_term(&state, &actor, &uscc, &term_input(&values, get)).await,
        "party" => {
            let p = PartyInput {
                status: get("status"),
                since: get("since"),
                note: get("note"),
            };
            governance::set_party(&state, &actor, &uscc, &p).await
        }
        "profile" | "supported" if !officer => Err(AppError::Forbidden),
        "profile" => {
            let list = |k: &str| {
                get(k)
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            };
            let p = ProfileInput {
                hub_kind: Some(get("hub_kind")),
                tax_deductible: Some(!get("tax_deductible").is_empty()),
                special_groups: Some(list("special_groups")),
                community_categories: Some(list("community_categories")),
            };
            governance::set_profile(&state, &actor, &uscc, &p).await
        }
        "supported" => {
            let s = SupportInput {
                organization: get("organization"),
            };
            governance::link_supported(&state, &actor, &uscc, &s).await
        }
        _ => Err(AppError::invalid(
            "form",
            "registry.form",
            "未知的表单",
            "Unknown form",
        )),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/registry/organizations/{uscc}")).into_response()),
        Err(AppError::Invalid { field, message, .. })
        | Err(AppError::Conflict {
            field: Some(field),
            message,
            ..
        }) => {
            let msg = message.in_lang(ctx.lang);
            let field = form_field(&field, &filled);
            let p = page(&state, ctx, &uscc, Some(values), Some((field, msg))).await?;
            let mut resp = render(&p);
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "registration/overdue.html")]
pub struct OverduePage {
    pub ctx: PageCtx,
    pub steps: Vec<OverdueStep>,
    pub notes: Vec<Notification>,
}

impl OverduePage {
    pub fn l(&self, group: &str, key: &str) -> String {
        self.ctx.t(&format!("registry.{group}.{key}"))
    }
}

/// Overdue review steps inside the officer's region, and the notifications addressed to it.
pub async fn overdue_page(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let user = ctx.actor.user().ok_or(AppError::Unauthenticated)?;
    let steps = overdue::list(&state, &user.region).await?;
    let (_, notes) = crate::platform::notifications::list(&state, &ctx.actor, false).await?;
    Ok(render(&OverduePage { ctx, steps, notes }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_fields_map_back_to_the_form() {
        assert_eq!(form_field("members[1].name", &[0, 3]), "members[3].name");
        assert_eq!(form_field("special_groups[2]", &[]), "special_groups");
        assert_eq!(form_field("term_end", &[]), "term_end");
    }
}
