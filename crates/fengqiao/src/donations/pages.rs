//! HTML pages: the public project page (raised, spent, balance reconciled with the log, a chart
//! over time, the donation form, the disbursements, and for the charity's accounts the
//! disbursement form with document upload), and the donor's receipt page with its in-browser
//! check. Everything works without JavaScript except the in-browser check itself, which has the
//! CLI (`fengqiao verify receipt`) as its no-JS twin.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use uuid::Uuid;

use super::flows::{self, DisbursementRow, Document, Flows};
use super::model;
use super::service::{self, DisbursementRequest, DonationRequest};
use super::store::{self, DonationRow, PlanRef};
use crate::platform::auth::Actor;
use crate::platform::extract::Path;
use crate::platform::files::DOCUMENTS;
use crate::platform::web::{
    FormError as FieldError, PageCtx, field_message, form_error as field_error, general_message,
    render,
};
use crate::platform::{AppError, AppResult, AppState};

/// Width and height of the flows chart (SVG user units).
const CHART_W: f64 = 640.0;
const CHART_H: f64 = 200.0;

/// What the donor typed, shown again beside an error.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct DonateForm {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub amount_yuan: String,
    #[serde(default)]
    pub donor_name: String,
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub method: String,
}

#[derive(Template)]
#[template(path = "donations/project.html")]
pub struct ProjectPage {
    pub ctx: PageCtx,
    pub plan: PlanRef,
    pub flows: Flows,
    pub disbursements: Vec<DisbursementRow>,
    pub form: DonateForm,
    pub error: FieldError,
    pub disburse_error: FieldError,
    pub can_disburse: bool,
    pub methods: Vec<&'static str>,
    pub today: String,
    pub open: bool,
}

impl ProjectPage {
    /// The page's own address (forms post below it, also when shown again after a post).
    pub fn project_path(&self) -> String {
        format!("/projects/{}", urlencode(&self.plan.filing_no))
    }
    pub fn yuan(&self, fen: &i64) -> String {
        model::yuan(*fen)
    }
    pub fn err(&self, field: &str) -> Option<String> {
        field_message(&self.error, field)
    }
    pub fn general_error(&self) -> Option<String> {
        general_message(&self.error, &["amount_fen", "donor_name", "method"])
    }
    pub fn d_err(&self, field: &str) -> Option<String> {
        self.disburse_error
            .as_ref()
            .filter(|(f, _)| f == field || (field == "documents" && f.starts_with("documents")))
            .map(|(_, m)| m.clone())
    }
    pub fn d_general_error(&self) -> Option<String> {
        const FIELDS: &[&str] = &[
            "amount_fen",
            "category",
            "purpose",
            "beneficiaries",
            "paid_on",
        ];
        self.disburse_error
            .as_ref()
            .filter(|(f, _)| !FIELDS.contains(&f.as_str()) && !f.starts_with("documents"))
            .map(|(_, m)| m.clone())
    }
    pub fn documents(&self, d: &DisbursementRow) -> Vec<Document> {
        serde_json::from_str(&d.documents).unwrap_or_default()
    }
    pub fn short(&self, b: &[u8]) -> String {
        hex::encode(&b[..b.len().min(8)])
    }
    pub fn short_hex(&self, h: &str) -> String {
        h.chars().take(8).collect()
    }
    pub fn category(&self, c: &str) -> String {
        self.ctx.t(&format!("donations.category.{c}"))
    }
    pub fn reconciliation(&self) -> String {
        flows::reconciliation_note(&self.flows).in_lang(self.ctx.lang)
    }
    pub fn percent_raised(&self) -> String {
        let p = self.flows.raised_fen as f64 * 100.0 / self.flows.target_fen.max(1) as f64;
        format!("{p:.1}")
    }
    /// The chart's scale: the larger of the target and the amount raised.
    fn top(&self) -> f64 {
        self.flows.target_fen.max(self.flows.raised_fen).max(1) as f64
    }
    /// SVG polyline points of the cumulative raised (or spent) amount, a step per day.
    pub fn points(&self, spent: bool) -> String {
        let s = &self.flows.series;
        if s.is_empty() {
            return String::new();
        }
        let n = s.len() as f64;
        let y = |fen: i64| CHART_H - (fen as f64 / self.top()) * CHART_H;
        let mut out = format!("0,{CHART_H}");
        for (i, d) in s.iter().enumerate() {
            let v = if spent { d.spent_fen } else { d.raised_fen };
            let x = (i as f64 + 1.0) / n * CHART_W;
            out.push_str(&format!(" {:.1},{:.1}", x - CHART_W / n, y(v)));
            out.push_str(&format!(" {x:.1},{:.1}", y(v)));
        }
        out
    }
    pub fn target_y(&self) -> String {
        format!(
            "{:.1}",
            CHART_H - (self.flows.target_fen as f64 / self.top()) * CHART_H
        )
    }
    pub fn method_label(&self, m: &str) -> String {
        self.ctx.t(&format!("donations.method.{m}"))
    }
    pub fn categories(&self) -> &'static [&'static str] {
        service::CATEGORIES
    }
}

async fn project_page(
    state: &AppState,
    ctx: PageCtx,
    filing_no: &str,
    form: DonateForm,
    error: FieldError,
    disburse_error: FieldError,
) -> AppResult<ProjectPage> {
    let plan = store::plan_by_filing_no(&state.db, filing_no)
        .await?
        .ok_or(AppError::NotFound)?;
    let flows = flows::flows(&state.db, &plan).await?;
    let disbursements = flows::disbursements(&state.db, plan.id).await?;
    let can_disburse = ctx
        .actor
        .role()
        .is_some_and(|r| super::DISBURSERS.contains(&r))
        && codes::RegionCode::parse(&plan.region_code).is_ok_and(|r| ctx.actor.covers(&r));
    let today = state.clock.today();
    let open = plan.status == "filed" && today >= plan.starts_on && today <= plan.ends_on;
    let form = DonateForm {
        // A fresh key per form shown: a double click or a resubmitted page gives once.
        key: if form.key.is_empty() {
            Uuid::now_v7().to_string()
        } else {
            form.key
        },
        ..form
    };
    Ok(ProjectPage {
        ctx,
        plan,
        flows,
        disbursements,
        form,
        error,
        disburse_error,
        can_disburse,
        methods: super::of(state)?.methods().to_vec(),
        today: today.to_string(),
        open,
    })
}

#[derive(Template)]
#[template(path = "donations/projects.html")]
pub struct ProjectsPage {
    pub ctx: PageCtx,
    pub projects: Vec<flows::ProjectSummary>,
    pub region: String,
    pub error: Option<String>,
}

impl ProjectsPage {
    pub fn yuan(&self, fen: &i64) -> String {
        model::yuan(*fen)
    }
    pub fn path(&self, filing_no: &str) -> String {
        format!("/projects/{}", urlencode(filing_no))
    }
    pub fn total(&self, spent: bool) -> String {
        model::yuan(
            self.projects
                .iter()
                .map(|p| if spent { p.spent_fen } else { p.raised_fen })
                .sum(),
        )
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RegionParam {
    #[serde(default)]
    pub region: String,
}

/// `GET /projects?region=`: every project's flows (public; supervisors filter by region).
pub async fn projects(
    State(state): State<AppState>,
    ctx: PageCtx,
    axum_extra::extract::Query(q): axum_extra::extract::Query<RegionParam>,
) -> AppResult<Response> {
    let (projects, error, status) = match super::api::region_filter(Some(&q.region)) {
        Ok(prefix) => (
            flows::projects(&state.db, &prefix).await?,
            None,
            StatusCode::OK,
        ),
        Err(e) => (
            vec![],
            Some(field_error(&ctx, &e).1),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    Ok((
        status,
        render(&ProjectsPage {
            ctx,
            projects,
            region: q.region,
            error,
        }),
    )
        .into_response())
}

/// `GET /projects/{filing_no}`.
pub async fn project(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(filing_no): Path<String>,
) -> AppResult<Response> {
    let page = project_page(&state, ctx, &filing_no, DonateForm::default(), None, None).await?;
    Ok(render(&page))
}

/// `POST /projects/{filing_no}/donate`: gives, then shows the receipt; or the form again with
/// the error by the field (422), or the payment's failure (402).
pub async fn donate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(filing_no): Path<String>,
    Form(f): Form<DonateForm>,
) -> AppResult<Response> {
    let result = async {
        let key = service::check_key(Some(&f.key))?;
        let amount_fen = model::parse_yuan("amount_fen", &f.amount_yuan)?;
        let req = DonationRequest {
            project: filing_no.clone(),
            amount_fen,
            donor_name: Some(f.donor_name.clone()),
            anonymous: f.anonymous.is_some(),
            method: f.method.clone(),
        };
        let (row, _) = service::donate(&state, key, &req).await?;
        if row.status == "failed" {
            return Err(service::payment_failed());
        }
        Ok::<DonationRow, AppError>(row)
    }
    .await;
    match result {
        Ok(row) => Ok(Redirect::to(&format!("/receipts/{}", row.id)).into_response()),
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::PaymentFailed { .. }
            | AppError::Conflict { .. }),
        ) => {
            let status = e.status();
            let err = field_error(&ctx, &e);
            // A declined payment keeps nothing of its key: the next try is a new donation.
            let form = if matches!(e, AppError::PaymentFailed { .. }) {
                DonateForm {
                    key: String::new(),
                    ..f
                }
            } else {
                f
            };
            let page = project_page(&state, ctx, &filing_no, form, Some(err), None).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(e),
    }
}

fn upload_error(e: impl std::fmt::Display) -> AppError {
    AppError::invalid(
        "documents",
        "donations.upload",
        format!("上传失败：{e}"),
        format!("The upload failed: {e}"),
    )
}

/// `POST /projects/{filing_no}/disburse?_csrf=…` (multipart, with the supporting documents):
/// each document is stored under the data directory by its SHA-256, which the record keeps.
pub async fn disburse(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Path(filing_no): Path<String>,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut fields = std::collections::HashMap::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "documents" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            crate::platform::input::check_text("documents", &file_name)?;
            let bytes = field.bytes().await.map_err(upload_error)?;
            if !bytes.is_empty() {
                files.push((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(upload_error)?;
            // Multipart is not read by `platform::input`'s middleware: its text is checked here.
            crate::platform::input::check_text(&name, &text)?;
            fields.insert(name, text);
        }
    }
    let get = |k: &str| {
        fields
            .get(k)
            .map(String::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let result = async {
        let amount_fen = model::parse_yuan("amount_fen", &get("amount_yuan"))?;
        let beneficiaries = get("beneficiaries").parse::<i64>().map_err(|_| {
            AppError::invalid(
                "beneficiaries",
                "donations.beneficiaries",
                "受益人数应为整数",
                "The number of beneficiaries must be a whole number",
            )
        })?;
        let paid_on = get("paid_on").parse().map_err(|_| {
            AppError::invalid(
                "paid_on",
                "donations.paid_on",
                "请按 年-月-日 填写支付日期",
                "Give the payment date as year-month-day",
            )
        })?;
        // Judged on their bytes (type and size), then kept before any record names them.
        let mut uploads = Vec::new();
        for (name, bytes) in files {
            uploads.push((Uuid::now_v7(), DOCUMENTS.check("documents", &name, bytes)?));
        }
        let documents: Vec<Document> = uploads
            .iter()
            .map(|(id, u)| Document {
                name: u.name.clone(),
                sha256: u.sha256.clone(),
                file_id: Some(*id),
            })
            .collect();
        for (_, u) in &uploads {
            state.files.keep(u).await?;
        }
        let req = DisbursementRequest {
            amount_fen,
            category: get("category"),
            purpose: get("purpose"),
            beneficiaries,
            paid_on,
            documents,
            uploads,
        };
        service::disburse(&state, &actor, &filing_no, &req).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/projects/{}#disbursements",
            urlencode(&filing_no)
        ))
        .into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let err = field_error(&ctx, &e);
            let page = project_page(
                &state,
                ctx,
                &filing_no,
                DonateForm::default(),
                None,
                Some(err),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e),
    }
}

pub use crate::platform::web::path_segment as urlencode;

#[derive(Template)]
#[template(path = "donations/receipt.html")]
pub struct ReceiptPage {
    pub ctx: PageCtx,
    pub donation: DonationRow,
    pub plan: PlanRef,
}

impl ReceiptPage {
    pub fn yuan(&self) -> String {
        model::yuan(self.donation.amount_fen)
    }
    pub fn leaf_hash(&self) -> String {
        self.donation
            .leaf_hash
            .as_deref()
            .map(hex::encode)
            .unwrap_or_default()
    }
    pub fn status_label(&self) -> String {
        self.ctx
            .t(&format!("donations.status.{}", self.donation.status))
    }
    pub fn project_path(&self) -> String {
        format!("/projects/{}", urlencode(&self.plan.filing_no))
    }
    pub fn confirmed_at(&self) -> String {
        self.donation
            .confirmed_at
            .map(|t| {
                t.with_timezone(&chrono_tz::Asia::Shanghai)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    }
}

/// `GET /receipts/{id}`: the donor's receipt (the id is the capability: only the donor has it).
pub async fn receipt(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let donation = store::donation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = store::plan_by_filing_no(&state.db, &donation.project)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(render(&ReceiptPage {
        ctx,
        donation,
        plan,
    }))
}
