//! The one path of every charity action, shared by the JSON API and the pages: parse the input
//! (naming the field at fault, in Chinese and English), check the rules, write through the store.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

mod close;
mod periods;
pub use close::{ClosePlan, close_plan, may_close};
use periods::{checks, deadline};

use super::model::{self, Application, ApplicationView, Disclosure, Kind, Plan, PlanView, rules};
use super::store::{self, PlanDetails};
use crate::platform::auth::{Access, Actor};
use crate::platform::rules::Unit;
use crate::platform::{AppError, AppResult, AppState};
use crate::supervision::model::warnings::Warning;

/// Longest text we accept (a typing guard, not a rule of law).
pub const TEXT_MAX_CHARS: usize = 4000;

fn invalid(field: &str, code: &str, zh: &str, en: &str) -> AppError {
    AppError::invalid(field, &format!("charity.{code}"), zh, en)
}

fn text(field: &str, v: &str, required: bool) -> AppResult<String> {
    let t = v.trim();
    if required && t.is_empty() {
        return Err(invalid(
            field,
            "required",
            "此项不能为空",
            "This field is required",
        ));
    }
    if t.chars().count() > TEXT_MAX_CHARS {
        return Err(invalid(field, "too_long", "内容过长", "Too long"));
    }
    Ok(t.to_string())
}

fn date(field: &str, v: &str) -> AppResult<NaiveDate> {
    v.trim().parse().map_err(|_| {
        invalid(
            field,
            "date",
            "请填写日期，格式为 YYYY-MM-DD",
            "Enter a date as YYYY-MM-DD",
        )
    })
}

pub use crate::platform::extract::parse_id;

/// The organization named by its USCC, which the actor must act for (org_admin: an
/// organization registered inside the region of his role).
async fn acting_for(state: &AppState, actor: &Actor, uscc: &str) -> AppResult<model::OrgFacts> {
    let uscc = uscc.trim();
    if uscc.is_empty() {
        return Err(invalid(
            "organization_uscc",
            "required",
            "请填写组织的统一社会信用代码",
            "Enter the organization's unified social credit code",
        ));
    }
    let org = store::organization_by_uscc(&state.db, uscc)
        .await?
        .ok_or_else(|| {
            invalid(
                "organization_uscc",
                "organization_unknown",
                "没有该统一社会信用代码的社会组织",
                "No organization has this unified social credit code",
            )
        })?;
    let region = codes::RegionCode::parse(&org.region_code)
        .map_err(|e| AppError::from_code("organization_uscc", &e))?;
    crate::platform::auth::authorize_for_organization(
        &state.db,
        actor,
        &Access::roles(super::APPLICANTS),
        org.id,
        &region,
    )
    .await?;
    Ok(org)
}

/// A new application as the organization files it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[schema(as = CharityNewApplication)]
pub struct NewApplication {
    /// recognition 慈善组织认定 | qualification 公开募捐资格
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub organization_uscc: String,
    #[serde(default)]
    pub statement: String,
}

/// Files an application. Every eligibility check must pass now: a failed one refuses the
/// request (422, `organization_uscc`, the check's reason) and stores nothing — among them the
/// one-year rule of the qualification (DOMAIN.md rule 22).
pub async fn apply(state: &AppState, actor: &Actor, b: &NewApplication) -> AppResult<Application> {
    let kind = Kind::from_key(b.kind.trim()).ok_or_else(|| {
        invalid(
            "kind",
            "kind",
            "请选择申请类型（慈善组织认定或公开募捐资格）",
            "Choose recognition or qualification",
        )
    })?;
    let org = acting_for(state, actor, &b.organization_uscc).await?;
    let statement = text("statement", &b.statement, false)?;
    let today = state.clock.today();
    let charity = store::charity(&state.db, org.id).await?;
    if let Some(c) = checks(state, kind, today, &org, charity.as_ref(), today)
        .await?
        .into_iter()
        .find(|c| !c.passed)
    {
        return Err(AppError::invalid(
            "organization_uscc",
            &format!("charity.check.{}", c.key),
            format!("不符合条件：{}", c.zh),
            format!("Not eligible: {}", c.en),
        ));
    }
    let app = Application {
        id: Uuid::now_v7(),
        kind: kind.key().into(),
        organization_id: org.id,
        region_code: org.region_code.clone(),
        state: "pending".into(),
        statement,
        submitted_on: today,
        deadline: deadline(state, kind, today).await?.1,
        decided_on: None,
        decided_by: None,
        decision_reason: String::new(),
        created_at: state.clock.now(),
    };
    store::create_application(&state.db, state.clock.now(), actor, &app).await?;
    Ok(app)
}

pub async fn load(state: &AppState, id: Uuid) -> AppResult<Application> {
    store::get_application(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An application with its checks as they stand today, the deadline's source and the overdue flag.
pub async fn view(state: &AppState, app: Application) -> AppResult<ApplicationView> {
    let today = state.clock.today();
    let org = store::organization(&state.db, app.organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let charity = store::charity(&state.db, org.id).await?;
    let checks = if app.state == "pending" {
        checks(
            state,
            app.kind(),
            app.submitted_on,
            &org,
            charity.as_ref(),
            today,
        )
        .await?
    } else {
        Vec::new()
    };
    // The period the deadline was set by: the version in force on the application date.
    let rule = state
        .rules
        .period_on(app.kind().deadline_key(), app.submitted_on)
        .await?;
    Ok(ApplicationView {
        all_passed: checks.iter().all(|c| c.passed),
        overdue: app.overdue(today),
        checks,
        organization: org,
        deadline_days: rule.count,
        deadline_working_days: rule.unit == Unit::WorkingDays,
        deadline_source: rule.source,
        application: app,
    })
}

/// The officer's decision body.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[schema(as = CharityDecisionBody)]
pub struct DecisionBody {
    /// approve | refuse
    #[serde(default)]
    pub decision: String,
    /// Required to refuse (不予认定/不予批准的理由).
    #[serde(default)]
    pub reasons: String,
}

/// Approve (every check must still pass) or refuse with reasons; of two officers at once one
/// wins, the other gets 409.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    b: &DecisionBody,
) -> AppResult<Application> {
    let approve = match b.decision.trim() {
        "approve" => true,
        "refuse" => false,
        _ => {
            return Err(invalid(
                "decision",
                "decision",
                "请选择批准或不予批准",
                "Choose approve or refuse",
            ));
        }
    };
    let reasons = text("reasons", &b.reasons, !approve)?;
    let app = load(state, id).await?;
    if app.state != "pending" {
        return Err(AppError::conflict(
            "charity.state_changed",
            "该申请已作出决定",
            "This application has already been decided",
        ));
    }
    if approve {
        let v = view(state, app.clone()).await?;
        if let Some(c) = v.checks.iter().find(|c| !c.passed) {
            return Err(AppError::Conflict {
                code: format!("charity.check.{}", c.key),
                field: Some("decision".into()),
                message: crate::platform::error::Bilingual::new(
                    format!("不符合条件，不能批准：{}", c.zh),
                    format!("Not eligible, cannot approve: {}", c.en),
                ),
            });
        }
    }
    let now = state.clock.now();
    store::decide(
        &state.db,
        now,
        state.clock.today(),
        actor,
        &app,
        approve,
        &reasons,
    )
    .await?;
    load(state, id).await
}

/// A fundraising plan as filed (募捐方案备案). The target is typed in yuan as a string with at
/// most two decimals (`"50000.00"`), parsed exactly into fen.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewPlan {
    #[serde(default)]
    pub organization_uscc: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub purpose: String,
    /// 预期募集金额（元），at most two decimals.
    #[serde(default)]
    pub target_yuan: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub starts_on: String,
    /// YYYY-MM-DD; at most `PLAN_MAX_YEARS` (3) years after the start, on the same date.
    #[serde(default)]
    pub ends_on: String,
    /// 募捐区域: a division code.
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub beneficiaries: String,
    /// 募捐成本及预算
    #[serde(default)]
    pub budget: String,
    /// 联系人及联系方式
    #[serde(default)]
    pub contact: String,
    /// 应急救灾: may be filed up to 10 days after the start.
    #[serde(default)]
    pub emergency: bool,
}

/// Files a plan for a qualified charity and returns it with its filing number.
pub async fn file_plan(state: &AppState, actor: &Actor, b: &NewPlan) -> AppResult<Plan> {
    let org = acting_for(state, actor, &b.organization_uscc).await?;
    let charity = store::charity(&state.db, org.id).await?;
    if org.status != "registered" || !charity.as_ref().is_some_and(model::Charity::is_qualified) {
        return Err(invalid(
            "organization_uscc",
            "not_qualified",
            "只有取得公开募捐资格的慈善组织才能备案募捐方案",
            "Only a charity with a public-fundraising qualification may file a plan",
        ));
    }
    let title = text("title", &b.title, true)?;
    let purpose = text("purpose", &b.purpose, true)?;
    let target_fen = rules::parse_yuan(&b.target_yuan)
        .filter(|f| *f > 0)
        .ok_or_else(|| {
            invalid(
                "target_yuan",
                "amount",
                "请填写大于零的金额（元），最多两位小数",
                "Enter an amount in yuan above zero, with at most two decimals",
            )
        })?;
    let starts_on = date("starts_on", &b.starts_on)?;
    let ends_on = date("ends_on", &b.ends_on)?;
    let region = codes::RegionCode::parse(b.region_code.trim())
        .map_err(|e| AppError::from_code("region_code", &e))?;
    if !store::region_exists(&state.db, region.as_str()).await? {
        return Err(invalid(
            "region_code",
            "region_unknown",
            "行政区划代码不存在",
            "No such division code",
        ));
    }
    let beneficiaries = text("beneficiaries", &b.beneficiaries, true)?;
    let budget = text("budget", &b.budget, true)?;
    let contact = text("contact", &b.contact, true)?;
    let today = state.clock.today();
    // The periods in force on the filing date (the act the rule is about).
    let table = state.rules.table().await?;
    let periods = rules::FilingPeriods {
        days_before_start: table.days_on(rules::FILING_DAYS_BEFORE_START, today)?,
        emergency_days_after_start: table
            .days_on(rules::EMERGENCY_FILING_DAYS_AFTER_START, today)?,
    };
    rules::filing_window(today, starts_on, ends_on, b.emergency, periods).map_err(|r| match r {
        rules::WindowRefusal::EndBeforeStart => invalid(
            "ends_on",
            "period",
            "募捐结束日期不能早于开始日期",
            "The end date cannot be before the start date",
        ),
        rules::WindowRefusal::TooLong => AppError::invalid(
            "ends_on",
            "charity.period_too_long",
            format!(
                "募捐期限不能超过 {} 年（结束日期最晚为开始日期 {} 年后的对应日）",
                rules::PLAN_MAX_YEARS,
                rules::PLAN_MAX_YEARS
            ),
            format!(
                "A campaign lasts at most {} years: it must end on or before the same date {} years after its start",
                rules::PLAN_MAX_YEARS,
                rules::PLAN_MAX_YEARS
            ),
        ),
        rules::WindowRefusal::TooLate => AppError::invalid(
            "starts_on",
            "charity.filing_too_late",
            format!(
                "募捐方案应在募捐活动开始 {} 日前备案（应急救灾除外）",
                periods.days_before_start
            ),
            format!(
                "A plan must be filed at least {} days before the campaign starts (except emergency relief)",
                periods.days_before_start
            ),
        ),
        rules::WindowRefusal::EmergencyTooLate => AppError::invalid(
            "starts_on",
            "charity.emergency_too_late",
            format!(
                "应急救灾募捐应在开始后 {} 日内备案",
                periods.emergency_days_after_start
            ),
            format!(
                "An emergency appeal must be filed within {} days after it starts",
                periods.emergency_days_after_start
            ),
        ),
    })?;
    let mut plan = Plan {
        id: Uuid::now_v7(),
        filing_no: String::new(),
        organization_id: org.id,
        title,
        purpose,
        target_fen,
        starts_on,
        ends_on,
        region_code: region.as_str().to_string(),
        beneficiaries,
        status: "filed".into(),
        filed_at: state.clock.now(),
    };
    let details = PlanDetails {
        budget,
        contact,
        emergency: b.emergency,
    };
    plan.filing_no =
        store::file_plan(&state.db, state.clock.now(), today, actor, &plan, &details).await?;
    Ok(plan)
}

/// A plan with its details and disclosures, for anyone.
pub async fn plan_view(state: &AppState, filing_no: &str) -> AppResult<PlanView> {
    let plan = store::plan_by_filing_no(&state.db, filing_no)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = store::organization(&state.db, plan.organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let charity = store::charity(&state.db, org.id).await?;
    let details = store::plan_details(&state.db, plan.id).await?;
    let open =
        model::open_for_donation(&plan, &org.status, charity.as_ref(), state.clock.today()).is_ok();
    Ok(PlanView {
        disclosures: store::disclosures(&state.db, plan.id).await?,
        closure: store::closure(&state.db, plan.id).await?,
        organization_name: org.name,
        organization_uscc: org.uscc,
        qualification_no: charity.and_then(|c| c.qualification_no),
        budget: details.budget,
        contact: details.contact,
        emergency: details.emergency,
        open_today: open,
        plan,
    })
}

/// A disclosure (信息公开) as the charity records it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewDisclosure {
    /// progress 进展公开 | final 结果公开
    #[serde(default)]
    pub kind: String,
    /// YYYY-MM-DD; today when empty. Not in the future, nor before the plan was filed or
    /// started (the earlier of the two).
    #[serde(default)]
    pub disclosed_on: String,
    #[serde(default)]
    pub summary: String,
}

pub async fn disclose(
    state: &AppState,
    actor: &Actor,
    filing_no: &str,
    b: &NewDisclosure,
) -> AppResult<Disclosure> {
    let plan = store::plan_by_filing_no(&state.db, filing_no)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = match b.kind.trim() {
        k @ ("progress" | "final") => k.to_string(),
        _ => {
            return Err(invalid(
                "kind",
                "disclosure_kind",
                "请选择进展公开或结果公开",
                "Choose progress or final",
            ));
        }
    };
    let today = state.clock.today();
    let on = if b.disclosed_on.trim().is_empty() {
        today
    } else {
        date("disclosed_on", &b.disclosed_on)?
    };
    if on > today {
        return Err(invalid(
            "disclosed_on",
            "future",
            "公开日期不能晚于今天",
            "The disclosure date cannot be in the future",
        ));
    }
    let filed_on = plan
        .filed_at
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let earliest = rules::earliest_disclosure(plan.starts_on, filed_on);
    if on < earliest {
        return Err(AppError::invalid(
            "disclosed_on",
            "charity.disclosure_before_plan",
            format!("公开日期不能早于该募捐方案备案或开始之日（{earliest}）"),
            format!(
                "The disclosure date cannot be before the plan was filed or started ({earliest})"
            ),
        ));
    }
    let summary = text("summary", &b.summary, true)?;
    let region = act_for_plan(state, actor, &plan, super::APPLICANTS).await?;
    let d = Disclosure {
        id: Uuid::now_v7(),
        kind,
        disclosed_on: on,
        summary,
    };
    store::add_disclosure(&state.db, state.clock.now(), actor, &plan, &region, &d).await?;
    Ok(d)
}

/// Whether the actor may disclose on the plan (the page shows the form only then).
pub async fn may_disclose(state: &AppState, actor: &Actor, plan: &Plan) -> AppResult<String> {
    act_for_plan(state, actor, plan, super::APPLICANTS).await
}

/// The region of the plan's organization, once the actor is found to act for it: inside the
/// region, and an organization account (org_admin) bound to the organization
/// ([`authorize_object`](crate::platform::auth::authorize_object)).
async fn act_for_plan(
    state: &AppState,
    actor: &Actor,
    plan: &Plan,
    roles: &'static [crate::platform::auth::Role],
) -> AppResult<String> {
    let scope = store::plan_scope(&state.db, &plan.filing_no)
        .await?
        .ok_or(AppError::NotFound)?
        .parse()?;
    crate::platform::auth::authorize_object(&state.db, actor, &Access::roles(roles), &scope)
        .await?;
    Ok(scope.region.to_string())
}

/// A charity with its warnings.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CharityWarnings {
    pub organization_id: Uuid,
    pub name: String,
    pub uscc: Option<String>,
    pub region_code: String,
    pub warnings: Vec<Warning>,
}

/// The warnings of every charity inside the actor's region: spending rules of `year` (default
/// last year), period and disclosure rules as of today. Charities without warnings are left out.
pub async fn warnings(
    state: &AppState,
    actor: &Actor,
    year: Option<i32>,
) -> AppResult<(i32, Vec<CharityWarnings>)> {
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let today = state.clock.today();
    let year = year.unwrap_or(today.year() - 1);
    if !(1990..=today.year()).contains(&year) {
        return Err(invalid(
            "year",
            "year",
            "年份超出范围",
            "The year is out of range",
        ));
    }
    let prefix = crate::platform::region_prefix(&user.region);
    // The supervision module's warnings engine judges (its rules, its facts); this module shows
    // the charity-related hits.
    let out = crate::supervision::service::warnings::charity_view(state, &prefix, year)
        .await?
        .into_iter()
        .map(|(f, hits)| CharityWarnings {
            organization_id: f.organization_id,
            name: f.name,
            uscc: f.uscc,
            region_code: f.region_code,
            warnings: hits.iter().map(Warning::from).collect(),
        })
        .collect();
    Ok((year, out))
}
