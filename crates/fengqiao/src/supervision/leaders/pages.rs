//! The leadership page of an organization (`/supervision/organizations/{uscc}/leadership`): its
//! leaders, the measures about them with their follow-up, departure audits with their reports,
//! and 述职; officers record measures, the organization (or an officer) files audits and 述职.
//! A refused form comes back with its fault beside it and the input kept.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::service::{self, FollowUp, Leadership, NewAction, NewAudit, NewDutyReport};
use super::store::AUDIT_FILES;
use crate::platform::auth::Role;
use crate::platform::extract::{Path, parse_id};
use crate::platform::files::{self, DOCUMENTS};
use crate::platform::web::{PageCtx, form_refusal, form_values, render};
use crate::platform::{AppError, AppResult, AppState};
use crate::registration::service::governance::load_org;

#[derive(Template)]
#[template(path = "supervision/leadership.html")]
pub struct LeadershipPage {
    pub ctx: PageCtx,
    pub view: Leadership,
    pub key: String,
    /// An officer who decides for the organization's region: records and closes measures.
    pub officer: bool,
    /// Files audits and 述职: the organization's own account or such an officer.
    pub filer: bool,
    /// The form refused (`action`, `close:{id}`, `audit`, `duty`), its values and its fault.
    pub form: String,
    pub values: BTreeMap<String, String>,
    pub error: Option<(String, String)>,
}

impl LeadershipPage {
    pub fn value(&self, form: &str, k: &str) -> String {
        if self.form == form {
            self.values.get(k).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
    pub fn error_of(&self, form: &str) -> Option<&(String, String)> {
        self.error.as_ref().filter(|_| self.form == form)
    }
    pub fn legal_reps(&self) -> Vec<&crate::registration::store::LeaderPerson> {
        self.view
            .leaders
            .iter()
            .filter(|l| l.is_legal_rep)
            .collect()
    }
    pub fn kinds(&self) -> [&'static str; 4] {
        super::model::ActionKind::ALL.map(|k| k.key())
    }
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    key: String,
    (form, values, error): (&str, BTreeMap<String, String>, Option<(String, String)>),
) -> AppResult<Response> {
    let org = load_org(state, &key).await?;
    let view = service::leadership(state, &org).await?;
    let covers = codes::RegionCode::parse(&org.region_code).is_ok_and(|r| ctx.actor.covers(&r));
    let role = ctx.actor.role();
    let officer = covers && role.is_some_and(|r| super::super::DECIDERS.contains(&r));
    Ok(render(&LeadershipPage {
        filer: officer || role == Some(Role::OrgAdmin),
        officer,
        form: form.to_string(),
        view,
        key,
        values,
        error,
        ctx,
    }))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(key): Path<String>,
) -> AppResult<Response> {
    page(&state, ctx, key, ("", BTreeMap::new(), None)).await
}

/// After a form: back to the page, or the page again with the fault beside the form (422, or
/// 409 for a conflict) and the input kept.
async fn answer(
    state: &AppState,
    ctx: PageCtx,
    key: String,
    (form, values): (&str, BTreeMap<String, String>),
    result: AppResult<()>,
) -> AppResult<Response> {
    let (status, error) = match result {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/supervision/organizations/{key}/leadership"))
                    .into_response(),
            );
        }
        Err(e) => form_refusal(&ctx, e, "")?,
    };
    let mut resp = page(state, ctx, key, (form, values, Some(error))).await?;
    *resp.status_mut() = status;
    Ok(resp)
}

fn get(values: &BTreeMap<String, String>, k: &str) -> String {
    values.get(k).cloned().unwrap_or_default()
}

pub async fn record_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = form_values(pairs);
    let b = NewAction {
        person_id: get(&values, "person_id"),
        kind: get(&values, "kind"),
        decided_on: get(&values, "decided_on"),
        document: get(&values, "document"),
        facts: get(&values, "facts"),
        due_on: get(&values, "due_on"),
        ban_until: get(&values, "ban_until"),
    };
    let org = load_org(&state, &key).await?;
    let r = service::record_action(&state, &ctx.actor, &org, &b)
        .await
        .map(|_| ());
    answer(&state, ctx, key, ("action", values), r).await
}

pub async fn close_action(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((key, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = form_values(pairs);
    let b = FollowUp {
        follow_up: get(&values, "follow_up"),
        done_on: get(&values, "done_on"),
    };
    let org = load_org(&state, &key).await?;
    let r = service::close_action(&state, &ctx.actor, &org, &id, &b).await;
    let form = format!("close:{id}");
    answer(&state, ctx, key, (&form, values), r).await
}

pub async fn record_duty_report(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let values = form_values(pairs);
    let year = get(&values, "year");
    let org = load_org(&state, &key).await?;
    let r = match year.trim().parse::<i32>() {
        Ok(year) => {
            let b = NewDutyReport {
                person_id: get(&values, "person_id"),
                year,
                reported_on: get(&values, "reported_on"),
                summary: get(&values, "summary"),
            };
            service::record_duty_report(&state, &ctx.actor, &org, &b)
                .await
                .map(|_| ())
        }
        Err(_) => Err(AppError::invalid(
            "year",
            "supervision.year",
            "年度应为四位数字",
            "The year is four digits",
        )),
    };
    answer(&state, ctx, key, ("duty", values), r).await
}

fn upload_error(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::invalid(
        "report_file",
        "supervision.report_file",
        format!("上传失败：{e}"),
        format!("The upload failed: {e}"),
    )
}

/// `POST …/departure-audits?_csrf=…` (multipart, with the audit report's PDF): the file is
/// judged on its bytes and kept in the file store with the audit.
pub async fn file_audit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(key): Path<String>,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut values = BTreeMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "report_file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            crate::platform::input::check_text("report_file", &file_name)?;
            let bytes = field.bytes().await.map_err(upload_error)?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(upload_error)?;
            // Multipart is not read by `platform::input`'s middleware: its text is checked here.
            crate::platform::input::check_text(&name, &text)?;
            if name != "_csrf" {
                values.insert(name, text);
            }
        }
    }
    let b = NewAudit {
        person_id: get(&values, "person_id"),
        auditor: get(&values, "auditor"),
        report_no: get(&values, "report_no"),
        report_date: get(&values, "report_date"),
        conclusion: get(&values, "conclusion"),
    };
    let org = load_org(&state, &key).await?;
    let r = async {
        let upload = match file {
            Some((name, bytes)) => Some(DOCUMENTS.check("report_file", &name, bytes)?),
            None => None,
        };
        service::file_audit(&state, &ctx.actor, &org, &b, upload).await
    }
    .await
    .map(|_| ());
    answer(&state, ctx, key, ("audit", values), r).await
}

/// `GET …/departure-audits/{audit}/report/{file}`: the audit report's file, under the
/// organization's access (its region's officers and inspectors, its own accounts).
pub async fn download_report(
    State(state): State<AppState>,
    Path((key, audit, file_id)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let org = load_org(&state, &key).await?;
    let audit = parse_id(&audit)?;
    let file = files::get(&state.db, parse_id(&file_id)?, AUDIT_FILES)
        .await?
        .ok_or(AppError::NotFound)?;
    // A file of another audit, or an audit of another organization, is not found here.
    let audits = super::store::audits_of(&state.db, org.id).await?;
    if file.object_id != audit.to_string() || !audits.iter().any(|a| a.id == audit) {
        return Err(AppError::NotFound);
    }
    let bytes = state.files.read(&file.sha256).await?;
    Ok(files::download(&file, bytes))
}
