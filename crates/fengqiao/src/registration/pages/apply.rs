//! The new-application form (`/registry/new`): every field of an application and a few fixed
//! rows of founders and proposed leaders, without JavaScript. Bad input re-renders the form with
//! what was typed and the message beside the field at fault (422); the same service path as
//! `POST /api/v1/applications`.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::super::model::{AppKind, Category, NewApplication, OrgType, PersonInput, Reach};
use super::super::service;
use crate::platform::departments::{self, Department, DepartmentKind};
use crate::platform::i18n::Lang;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

/// Rows of founders and proposed leaders on the form (empty rows are ignored).
pub const PERSON_ROWS: usize = 4;

/// The text fields of one person row (a row with all of them empty is ignored).
const PERSON_FIELDS: &[&str] = &["name", "id_number", "position"];

#[derive(Template)]
#[template(path = "registration/new.html")]
pub struct NewPage {
    pub ctx: PageCtx,
    values: BTreeMap<String, String>,
    /// The field at fault (as the service names it, mapped to the form's rows) and the message.
    error: Option<(String, String)>,
    /// The 业务主管单位 kept for the applicant's region and those above it (offered as choices).
    units: Vec<Department>,
}

impl NewPage {
    fn empty(ctx: PageCtx, units: Vec<Department>) -> NewPage {
        let mut values = BTreeMap::new();
        values.insert("kind".into(), "establishment".into());
        values.insert("reach".into(), "county".into());
        for i in 0..PERSON_ROWS {
            values.insert(format!("persons[{i}].capacity"), "leader".into());
        }
        NewPage {
            ctx,
            values,
            error: None,
            units,
        }
    }
    pub fn l(&self, group: &str, key: &str) -> String {
        self.ctx.t(&format!("registry.{group}.{key}"))
    }
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    pub fn sel(&self, name: &str, value: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == value)
    }
    /// The message for this field, when it is the one at fault.
    pub fn err(&self, name: &str) -> Option<String> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
    /// The message when the fault is not at one of the form's fields.
    pub fn general_error(&self) -> Option<String> {
        self.error.as_ref().map(|(_, m)| m.clone())
    }
    /// `persons[1].name` → `persons-1-name` (an HTML id).
    pub fn fid(&self, name: &str) -> String {
        name.replace("].", "-").replace('[', "-")
    }
    pub fn pname(&self, i: &usize, f: &str) -> String {
        format!("persons[{i}].{f}")
    }
    pub fn plabel(&self, f: &str) -> String {
        self.ctx.t(&format!("registry.{f}"))
    }
    pub fn is_legal_rep(&self, i: &usize) -> bool {
        self.sel("legal_rep", &i.to_string())
    }
    pub fn rows(&self) -> Vec<usize> {
        (0..PERSON_ROWS).collect()
    }
    pub fn person_fields(&self) -> &'static [&'static str] {
        PERSON_FIELDS
    }
    pub fn kinds(&self) -> Vec<&'static str> {
        [
            AppKind::Establishment,
            AppKind::Filing,
            AppKind::Change,
            AppKind::Deregistration,
        ]
        .iter()
        .map(|k| k.key())
        .collect()
    }
    pub fn org_types(&self) -> Vec<&'static str> {
        OrgType::ALL.iter().map(|k| k.key()).collect()
    }
    pub fn categories(&self) -> Vec<&'static str> {
        Category::ALL.iter().map(|k| k.key()).collect()
    }
    pub fn reaches(&self) -> Vec<&'static str> {
        Reach::ALL.iter().map(|k| k.key()).collect()
    }
}

pub async fn form(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let units = units(&state, &ctx).await?;
    Ok(render(&NewPage::empty(ctx, units)))
}

/// The supervisory units serving the actor's region.
async fn units(state: &AppState, ctx: &PageCtx) -> AppResult<Vec<Department>> {
    match ctx.actor.user() {
        Some(u) => {
            departments::serving(&state.db, &u.region, Some(DepartmentKind::Supervisory)).await
        }
        None => Ok(Vec::new()),
    }
}

/// Yuan with at most two decimals → fen (no bound but the integer's own).
fn parse_yuan(s: &str) -> Option<i64> {
    crate::platform::money::parse_yuan(s, usize::MAX)
}

/// The application the form describes, and for each person sent the form row it came from.
fn to_application(v: &BTreeMap<String, String>) -> Result<(NewApplication, Vec<usize>), String> {
    let get = |k: &str| v.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let opt = |k: &str| Some(get(k)).filter(|s| !s.is_empty());
    let funds_fen = match opt("funds_yuan") {
        None => None,
        Some(s) => Some(parse_yuan(&s).ok_or_else(|| "funds_yuan".to_string())?),
    };
    let mut persons = Vec::new();
    let mut rows = Vec::new();
    for i in 0..PERSON_ROWS {
        let f = |name: &str| get(&format!("persons[{i}].{name}"));
        if PERSON_FIELDS.iter().all(|name| f(name).is_empty()) {
            continue;
        }
        persons.push(PersonInput {
            name: f("name"),
            id_number: f("id_number"),
            capacity: Some(f("capacity"))
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "leader".into()),
            position: f("position"),
            is_legal_rep: get("legal_rep") == i.to_string(),
            retired_official: !f("retired_official").is_empty(),
        });
        rows.push(i);
    }
    Ok((
        NewApplication {
            kind: get("kind"),
            org_type: opt("org_type"),
            category: opt("category"),
            name: opt("name"),
            domicile_code: opt("domicile_code"),
            reach: opt("reach"),
            supervisory_unit: opt("supervisory_unit"),
            organization_uscc: opt("organization_uscc"),
            organization_id: opt("organization_id"),
            business_scope: get("business_scope"),
            purpose: get("purpose"),
            address: get("address"),
            funds_fen,
            persons,
        },
        rows,
    ))
}

/// `persons[2].id_number` of the service (the third person sent) → the form row it came from.
fn form_field(field: &str, rows: &[usize]) -> String {
    if let Some(rest) = field.strip_prefix("persons[")
        && let Some((n, tail)) = rest.split_once(']')
        && let Some(row) = n.parse::<usize>().ok().and_then(|i| rows.get(i))
    {
        return format!("persons[{row}]{tail}");
    }
    match field {
        "funds_fen" => "funds_yuan".into(),
        f => f.into(),
    }
}

/// Creates the draft and goes to it; bad input re-renders the form (422, or 403 for a domicile
/// outside the applicant's region) with the message beside the field.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values: BTreeMap<String, String> =
        pairs.into_iter().filter(|(k, _)| k != "_csrf").collect();
    let pick = |zh: String, en: String| match ctx.lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    let (status, field, message) = match to_application(&values) {
        Err(field) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            pick(
                "请填写金额（元），最多两位小数".into(),
                "Enter an amount in yuan with at most two decimals".into(),
            ),
        ),
        Ok((body, rows)) => match service::create(&state, &ctx.actor, &body).await {
            Ok(app) => {
                return Ok(
                    Redirect::to(&format!("/registry/applications/{}", app.id)).into_response()
                );
            }
            Err(AppError::Invalid { field, message, .. }) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                form_field(&field, &rows),
                pick(message.zh, message.en),
            ),
            Err(e @ AppError::Forbidden) => {
                let m = e.problem().message;
                (
                    StatusCode::FORBIDDEN,
                    "domicile_code".into(),
                    pick(m.zh, m.en),
                )
            }
            Err(e) => return Err(e),
        },
    };
    let units = units(&state, &ctx).await?;
    let mut page = NewPage::empty(ctx, units);
    page.values.extend(values);
    page.error = Some((field, message));
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_to_fen() {
        assert_eq!(parse_yuan("30000"), Some(3_000_000));
        assert_eq!(parse_yuan("1.5"), Some(150));
        assert_eq!(parse_yuan("2,000.05"), Some(200_005));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-1"), None);
        assert_eq!(parse_yuan("abc"), None);
    }

    #[test]
    fn service_fields_map_back_to_form_rows() {
        assert_eq!(
            form_field("persons[1].id_number", &[0, 3]),
            "persons[3].id_number"
        );
        assert_eq!(form_field("funds_fen", &[]), "funds_yuan");
        assert_eq!(form_field("persons", &[0]), "persons");
    }
}
