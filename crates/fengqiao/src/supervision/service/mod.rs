//! The one path of every annual-report action, shared by the JSON API and the pages: parse the
//! input (naming the field at fault, in Chinese and English), check the rules, authorize, write
//! through the store.

pub mod warnings;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use super::model::deadline::{self, report_deadline};
use super::model::{
    AnnualReport, FieldError, OrgFacts, ReportContent, ReportRow, Status, Step, Verdict, rules,
    statements,
};
use super::store::{self, Submission};
use crate::platform::auth::{Access, Actor};
use crate::platform::departments::{self, DepartmentKind};
use crate::platform::rules::RuleTable;
use crate::platform::{AppError, AppResult, AppState};

pub use crate::platform::extract::parse_id;

/// Longest review comment accepted (a typing guard).
pub const COMMENT_MAX_CHARS: usize = 4000;

fn invalid(field: &str, code: &str, zh: &str, en: &str) -> AppError {
    AppError::invalid(field, &format!("supervision.{code}"), zh, en)
}

/// A refused submission: every fault by its field (nothing stored), or another error.
#[derive(Debug)]
pub enum Refusal {
    Fields(Vec<FieldError>),
    Other(AppError),
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::Other(e)
    }
}

/// The organization the actor acts for (an org_admin must be bound to it).
async fn acting_for(state: &AppState, actor: &Actor, organization_id: &str) -> AppResult<OrgFacts> {
    let id = Uuid::parse_str(organization_id.trim()).map_err(|_| {
        invalid(
            "organization_id",
            "organization_unknown",
            "请选择本组织",
            "Choose the organization",
        )
    })?;
    let org = store::organization(&state.db, id).await?.ok_or_else(|| {
        invalid(
            "organization_id",
            "organization_unknown",
            "没有该社会组织",
            "No such organization",
        )
    })?;
    let region = codes::RegionCode::parse(&org.region_code)
        .map_err(|e| AppError::from_code("organization_id", &e))?;
    crate::platform::auth::authorize_for_organization(
        &state.db,
        actor,
        &Access::roles(super::ORG_SIDE),
        org.id,
        &region,
    )
    .await?;
    Ok(org)
}

/// The deadlines of `org_type`'s report on `year` (rule 14): to the registration authority,
/// and to the 业务主管单位. The rule parameter in force on 1 January of the next year counts;
/// `None` for a type that does not report or a year the calendar has no data for.
pub fn deadlines(
    table: &RuleTable,
    cal: &codes::HolidayCalendar,
    org_type: &str,
    year: i32,
) -> AppResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let (Some((reg, sup)), Some(opens)) =
        (rules::keys_of(org_type), deadline::reporting_opens(year))
    else {
        return Ok((None, None));
    };
    let reg = report_deadline(year, table.month_day_on(reg, opens)?, cal).ok();
    let sup = report_deadline(year, table.month_day_on(sup, opens)?, cal).ok();
    Ok((reg, sup))
}

/// A new report as the organization starts it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewReport {
    /// The organization's id (it must be bound to the account).
    pub organization_id: String,
    /// The year reported on: a year that has ended.
    pub year: Option<i32>,
    #[serde(flatten)]
    pub content: ReportContent,
}

/// Starts the draft of an organization's report on a year (version 1). A year that has not
/// ended, an organization that does not report on it (rule 14: registered by 31 December;
/// filed community organizations report none) or a report already begun: refused, nothing
/// stored.
pub async fn create(state: &AppState, actor: &Actor, b: &NewReport) -> AppResult<ReportRow> {
    let org = acting_for(state, actor, &b.organization_id).await?;
    let today = state.clock.today();
    let year = b.year.ok_or_else(|| {
        invalid(
            "year",
            "required",
            "请填写报告年度",
            "Enter the year reported on",
        )
    })?;
    if !(deadline::FIRST_REPORT_YEAR..today.year()).contains(&year) {
        return Err(invalid(
            "year",
            "year",
            "报告年度应为已结束的年度（2018 年起）",
            "The year must be one that has ended (from 2018)",
        ));
    }
    if !org.reports_on(year) {
        return Err(invalid(
            "organization_id",
            "not_reporting",
            "该组织该年度无需报送年度工作报告（未登记或为备案的社区社会组织）",
            "This organization does not report on this year (not registered then, or a filed community organization)",
        ));
    }
    if !store::versions(&state.db, org.id, year).await?.is_empty() {
        return Err(AppError::Conflict {
            code: "supervision.report_exists".into(),
            field: Some("year".into()),
            message: crate::platform::error::Bilingual::new(
                "该组织该年度的年报已存在；如需更正，请在原年报上提交新版本",
                "This organization already has a report on this year; correct it with a new version",
            ),
        });
    }
    let now = state.clock.now();
    let row = draft_row(Uuid::now_v7(), &org, year, 1, &b.content, now);
    store::insert_draft(
        &state.db,
        now,
        actor,
        &row,
        &b.content,
        "annual_report.create",
    )
    .await?;
    load(state, row.id).await
}

fn draft_row(
    id: Uuid,
    org: &OrgFacts,
    year: i32,
    version: i32,
    c: &ReportContent,
    now: chrono::DateTime<chrono::Utc>,
) -> ReportRow {
    ReportRow {
        id,
        organization_id: org.id,
        region_code: org.region_code.clone(),
        year,
        version,
        status: Status::Draft.key().into(),
        supervisory_unit: None,
        supervisory_department_id: None,
        body: c.body.clone(),
        statements: c.statements.clone(),
        large_items: String::new(),
        submitted_at: None,
        submitted_on: None,
        supervisory_comment: String::new(),
        supervisory_reviewer_id: None,
        supervisory_reviewed_at: None,
        decision_comment: String::new(),
        decided_by: None,
        decided_at: None,
        created_at: now,
        updated_at: now,
    }
}

pub async fn load(state: &AppState, id: Uuid) -> AppResult<ReportRow> {
    store::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

fn not_draft() -> AppError {
    AppError::conflict(
        "supervision.not_draft",
        "只有草稿可以修改或提交",
        "Only a draft can be changed or submitted",
    )
}

/// Saves a draft as it is (figures are checked when it is submitted). The route has checked
/// the account acts for the report's organization.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    c: &ReportContent,
) -> AppResult<ReportRow> {
    let row = load(state, id).await?;
    if row.status() != Status::Draft {
        return Err(not_draft());
    }
    store::save(&state.db, state.clock.now(), actor, &row, c, None).await?;
    load(state, id).await
}

/// Submits a draft with its content: every figure is checked (DOMAIN.md rule 14, §4,
/// [`statements::validate`]) and every fault returned by its field, nothing stored. The report
/// goes to the organization's 业务主管单位 where it has one (addressed to the department it
/// names, when kept), else straight to the registration authority's officers.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    c: &ReportContent,
) -> Result<ReportRow, Refusal> {
    let row = load(state, id).await?;
    if row.status() != Status::Draft {
        return Err(not_draft().into());
    }
    let faults = statements::validate(c);
    if !faults.is_empty() {
        return Err(Refusal::Fields(faults));
    }
    let org = store::organization(&state.db, row.organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = org.supervisory().map(str::to_string);
    let department = match (&unit, codes::RegionCode::parse(&org.region_code)) {
        (Some(u), Ok(region)) => {
            departments::resolve(&state.db, &region, DepartmentKind::Supervisory, u)
                .await?
                .map(|d| d.id)
        }
        _ => None,
    };
    let sub = Submission {
        today: state.clock.today(),
        supervisory_unit: unit.as_deref(),
        supervisory_department_id: department.as_deref(),
    };
    store::save(&state.db, state.clock.now(), actor, &row, c, Some(&sub)).await?;
    // The warnings engine judges the submitted figures at once (its own transactions).
    judge(state, &row).await;
    Ok(load(state, id).await?)
}

/// Runs the warnings engine for a report's organization and year after the report's own
/// transaction has committed. The submission or decision stands whatever the engine does: an
/// error is logged (and counted as an internal error) and the nightly run judges the year again.
async fn judge(state: &AppState, row: &ReportRow) {
    if let Err(e) = warnings::run_for(state, row.organization_id, row.year).await {
        tracing::error!(error = %e, report = %row.id, "supervision warnings run for a report failed");
    }
}

/// A reviewer's decision body.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = SupervisionReviewBody)]
pub struct ReviewBody {
    /// The 业务主管单位: pass | fail. The registration authority: pass | pass_with_corrections | fail.
    pub decision: String,
    /// Required unless passing.
    pub comment: String,
}

fn comment(b: &ReviewBody, required: bool) -> AppResult<String> {
    let c = b.comment.trim();
    if required && c.is_empty() {
        return Err(invalid(
            "comment",
            "comment_required",
            "请填写审查意见",
            "Enter the review comment",
        ));
    }
    if c.chars().count() > COMMENT_MAX_CHARS {
        return Err(invalid("comment", "too_long", "内容过长", "Too long"));
    }
    Ok(c.to_string())
}

fn not_waiting() -> AppError {
    AppError::conflict(
        "supervision.not_waiting",
        "该年报当前不在此审查环节",
        "The report is not at this review step",
    )
}

/// The 业务主管单位's first review (§4, §2.1 双重管理): pass (on to the registration authority)
/// or fail with a comment. Only the reviewer of the department the report is addressed to
/// (`platform::departments::authorize`); the route has checked the region.
pub async fn supervisory_review(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    b: &ReviewBody,
) -> AppResult<ReportRow> {
    let to = match b.decision.trim() {
        "pass" => Status::SupervisoryPassed,
        "fail" => Status::Failed,
        _ => {
            return Err(invalid(
                "decision",
                "decision",
                "请选择通过或不通过",
                "Choose pass or fail",
            ));
        }
    };
    let comment = comment(b, to == Status::Failed)?;
    let row = load(state, id).await?;
    departments::authorize(actor, row.supervisory_department_id.as_deref())?;
    if row.waiting_for() != Some(Step::Supervisory) {
        return Err(not_waiting());
    }
    store::supervisory_review(&state.db, state.clock.now(), actor, &row, to, &comment).await?;
    load(state, id).await
}

/// The registration authority's decision (officers of the organization's region): pass,
/// pass_with_corrections or fail, with a comment (required unless passing). After the
/// 业务主管单位 where there is one.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    b: &ReviewBody,
) -> AppResult<ReportRow> {
    let verdict = Verdict::from_key(b.decision.trim()).ok_or_else(|| {
        invalid(
            "decision",
            "decision",
            "请选择合格、基本合格（限期整改）或不合格",
            "Choose pass, pass with corrections or fail",
        )
    })?;
    let comment = comment(b, verdict != Verdict::Pass)?;
    let row = load(state, id).await?;
    if row.waiting_for() != Some(Step::Registration) {
        return Err(not_waiting());
    }
    store::decide(
        &state.db,
        state.clock.now(),
        actor,
        &row,
        verdict.status(),
        &comment,
    )
    .await?;
    // A failed report no longer counts: the engine judges the year again.
    judge(state, &row).await;
    load(state, id).await
}

/// A corrected report: a new draft version of a failed or corrected one, its content copied;
/// the old version is kept as it was.
pub async fn new_version(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<ReportRow> {
    let old = load(state, id).await?;
    let all = store::versions(&state.db, old.organization_id, old.year).await?;
    let latest = all.iter().map(|r| r.version).max().unwrap_or(old.version);
    if !old.status().may_be_corrected() || latest != old.version {
        return Err(AppError::conflict(
            "supervision.not_correctable",
            "只有最新的不合格或限期整改的年报可以提交更正版本",
            "Only the latest failed or corrected report can be followed by a new version",
        ));
    }
    let org = store::organization(&state.db, old.organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let content = old.content();
    let row = draft_row(
        Uuid::now_v7(),
        &org,
        old.year,
        old.version + 1,
        &content,
        now,
    );
    store::insert_draft(
        &state.db,
        now,
        actor,
        &row,
        &content,
        "annual_report.new_version",
    )
    .await?;
    load(state, row.id).await
}

/// A report with its organization, deadlines and lateness as they stand today.
pub async fn view(state: &AppState, row: ReportRow) -> AppResult<AnnualReport> {
    let org = store::organization(&state.db, row.organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let table = state.rules.table().await?;
    let cal = crate::calendar::store::load(&state.db).await?;
    let (deadline, sup) = deadlines(&table, &cal, &org.org_type, row.year)?;
    let first = store::first_submitted_on(&state.db, row.organization_id, row.year).await?;
    let late = deadline.is_some_and(|d| deadline::is_late(first, d, state.clock.today()));
    let supervisory_deadline = if org.supervisory().is_some() {
        sup
    } else {
        None
    };
    Ok(AnnualReport {
        id: row.id,
        organization_id: row.organization_id,
        organization_name: org.name,
        region_code: row.region_code.clone(),
        year: row.year,
        version: row.version,
        status: row.status(),
        waiting_for: row.waiting_for(),
        supervisory_deadline,
        supervisory_unit: row.supervisory_unit.clone(),
        supervisory_department_id: row.supervisory_department_id.clone(),
        content: row.content(),
        submitted_at: row.submitted_at,
        submitted_on: row.submitted_on,
        deadline,
        late,
        supervisory_comment: row.supervisory_comment,
        supervisory_reviewer_id: row.supervisory_reviewer_id,
        supervisory_reviewed_at: row.supervisory_reviewed_at,
        decision_comment: row.decision_comment,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The organization named by its USCC or its id (filed community organizations have no code).
pub async fn organization_by_key(state: &AppState, key: &str) -> AppResult<OrgFacts> {
    let key = key.trim();
    let org = match Uuid::parse_str(key) {
        Ok(id) => store::organization(&state.db, id).await?,
        Err(_) => store::organization_by_uscc(&state.db, key).await?,
    };
    org.ok_or(AppError::NotFound)
}
