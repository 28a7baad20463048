//! The evaluation service: parses input, asks the pure rules (`model`) with the rule
//! parameters in force on the date that counts, authorizes, writes through the store.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{self, Facts, Indicator, Refusal, ReportOutcome, Tie, rules as keys};
use super::store::{self, ApplicationRow, ExpertRow, GradeRow, RoundRow};
use crate::platform::auth::{Access, Actor, Role, authorize, authorize_for_organization};
use crate::platform::{AppError, AppResult, AppState, draw};
use crate::registration::model::Organization;
use crate::registration::service::governance::load_org;

pub(super) fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(field, &format!("evaluation.{field}"), zh, en)
}

fn region(field: &str, s: &str) -> AppResult<codes::RegionCode> {
    codes::RegionCode::parse(s.trim()).map_err(|e| AppError::from_code(field, &e))
}

/// A round to open (`POST /api/v1/evaluations/rounds`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RoundInput {
    /// The division code of the registration authority holding the round (inside the
    /// officer's region).
    #[serde(default)]
    pub region_code: String,
    /// The year of the round (default: this year).
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub title: String,
}

pub async fn open_round(state: &AppState, actor: &Actor, b: &RoundInput) -> AppResult<RoundRow> {
    let code = region("region_code", &b.region_code)?;
    authorize(actor, &Access::roles(super::OFFICERS), Some(&code))?;
    let today = state.clock.today();
    let year = b.year.unwrap_or(today.year());
    if !(2011..=today.year() + 1).contains(&year) {
        return Err(invalid(
            "year",
            format!("年度应在 2011 至 {} 之间", today.year() + 1),
            format!("The year must be between 2011 and {}", today.year() + 1),
        ));
    }
    let title = b.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(invalid(
            "title",
            "必填，不超过 200 字",
            "Required, at most 200 characters",
        ));
    }
    let r = RoundRow {
        id: Uuid::now_v7(),
        region_code: code.as_str().to_string(),
        year,
        title: title.to_string(),
        state: "open".into(),
        seed: None,
        candidates: None,
        drawn_on: None,
        created_at: state.clock.now(),
    };
    store::insert_round(&state.db, state.clock.now(), actor, &r).await?;
    Ok(r)
}

pub async fn load_round(state: &AppState, id: &str) -> AppResult<RoundRow> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    store::round(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// An application (`POST /api/v1/evaluations/rounds/{id}/applications`): the organization's
/// credit code or id. An org_admin applies for an organization bound to him; an officer enrols
/// one of his region.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplyInput {
    #[serde(default)]
    pub organization: String,
}

/// An application with its organization and what was decided.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationApplicationView {
    #[serde(flatten)]
    pub application: ApplicationRow,
    pub organization_name: String,
    pub uscc: Option<String>,
    pub org_type: String,
    /// Why it is not evaluated (state `refused`), DOMAIN.md §8.
    pub reasons: Vec<Refusal>,
    /// The indicators it is scored on, with their maximum points.
    pub indicators: Vec<Indicator>,
    /// How many complete score sheets are in.
    pub sheets: usize,
    /// The total (mean of the complete sheets, rounded down), once there is a sheet.
    pub score: Option<u32>,
    pub grade: Option<GradeRow>,
}

/// Last year's annual report as the eligibility rule reads it.
async fn last_report(state: &AppState, org: Uuid, year: i32) -> AppResult<ReportOutcome> {
    Ok(
        match crate::supervision::report_status(state, org, year)
            .await?
            .as_deref()
        {
            None => ReportOutcome::Missing,
            Some("passed") => ReportOutcome::Passed,
            Some("passed_with_corrections") => ReportOutcome::PassedWithCorrections,
            Some("failed") => ReportOutcome::Failed,
            Some(_) => ReportOutcome::Pending,
        },
    )
}

pub async fn apply(
    state: &AppState,
    actor: &Actor,
    round: &RoundRow,
    b: &ApplyInput,
) -> AppResult<EvaluationApplicationView> {
    if b.organization.trim().is_empty() {
        return Err(invalid("organization", "必填", "Required"));
    }
    let org = match load_org(state, &b.organization).await {
        Err(AppError::NotFound) => {
            return Err(invalid(
                "organization",
                "没有此社会组织",
                "No such organization",
            ));
        }
        r => r?,
    };
    let org_region = region("organization", &org.region_code)?;
    authorize_for_organization(
        &state.db,
        actor,
        &Access::roles(super::APPLICANTS),
        org.id,
        &org_region,
    )
    .await?;
    if !region("region_code", &round.region_code)?.contains(&org_region) {
        return Err(invalid(
            "organization",
            "该组织不在本批次的辖区内",
            "The organization is outside this round's region",
        ));
    }
    if round.state != "open" {
        return Err(AppError::conflict(
            "evaluation.round_not_open",
            "本批次已停止受理申请",
            "This round no longer takes applications",
        ));
    }
    // Eligibility is judged on the day of the application, with the parameters in force then.
    let today = state.clock.today();
    let min_years = state
        .rules
        .table()
        .await?
        .years_on(keys::MIN_REGISTERED, today)?;
    let standing = crate::credit::standing(state, org.id, today).await?;
    let facts = Facts {
        status: org.status.clone(),
        org_type: org.org_type.clone(),
        registered_on: org.registered_on,
        grade_valid_until: store::latest_valid_until(&state.db, org.id).await?,
        credit_list: if standing.serious.is_some() {
            Some("serious")
        } else if standing.abnormal.is_some() {
            Some("abnormal")
        } else {
            None
        },
        last_report: (
            today.year() - 1,
            last_report(state, org.id, today.year() - 1).await?,
        ),
        penalized_last_year: crate::credit::penalties_in(state, org.id, today.year() - 1)
            .await?
            .first()
            .copied(),
    };
    let (st, reasons) = match model::eligibility(&facts, today, min_years) {
        Ok(()) => ("eligible", Vec::new()),
        Err(r) => ("refused", r),
    };
    let a = ApplicationRow {
        id: Uuid::now_v7(),
        round_id: round.id,
        organization_id: org.id,
        region_code: org.region_code.clone(),
        state: st.into(),
        reasons: serde_json::to_string(&reasons).map_err(anyhow::Error::from)?,
        applied_on: today,
    };
    store::insert_application(&state.db, state.clock.now(), actor, &a).await?;
    view(state, a, &org).await
}

pub(super) fn sheets(rows: &[store::ScoreRow], inds: &[Indicator]) -> Vec<u32> {
    let mut by: BTreeMap<Uuid, Vec<&store::ScoreRow>> = BTreeMap::new();
    for r in rows {
        by.entry(r.scorer_id).or_default().push(r);
    }
    by.values()
        .filter(|s| inds.iter().all(|i| s.iter().any(|r| r.indicator == i.code)))
        .map(|s| s.iter().map(|r| r.points.max(0) as u32).sum())
        .collect()
}

/// The total of an application: the mean of its complete sheets, rounded down — a band is
/// reached only by a score that reaches it (a deployment's choice [L], DOMAIN.md §8).
pub(super) fn total(sheets: &[u32]) -> Option<u32> {
    (!sheets.is_empty()).then(|| sheets.iter().sum::<u32>() / sheets.len() as u32)
}

pub async fn view(
    state: &AppState,
    a: ApplicationRow,
    org: &Organization,
) -> AppResult<EvaluationApplicationView> {
    let inds = model::indicators(&org.org_type).unwrap_or(&[]);
    let s = sheets(&store::scores(&state.db, a.id).await?, inds);
    let grade = store::grades_of(&state.db, org.id)
        .await?
        .into_iter()
        .find(|g| g.application_id == a.id);
    Ok(EvaluationApplicationView {
        reasons: serde_json::from_str(&a.reasons).unwrap_or_default(),
        application: a,
        organization_name: org.name.clone(),
        uscc: org.uscc.clone(),
        org_type: org.org_type.clone(),
        indicators: inds.to_vec(),
        sheets: s.len(),
        score: total(&s),
        grade,
    })
}

pub async fn load_application(
    state: &AppState,
    id: &str,
) -> AppResult<(ApplicationRow, Organization)> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let a = store::application(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = load_org(state, &a.organization_id.to_string()).await?;
    Ok((a, org))
}

/// A round as published: its seed and candidates once drawn, its panel, and (for officers and
/// experts) its applications.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    #[serde(flatten)]
    pub round: RoundRow,
    pub panel: Vec<ExpertRow>,
    pub applications: Vec<EvaluationApplicationView>,
}

pub async fn round_view(
    state: &AppState,
    r: RoundRow,
    with_applications: bool,
) -> AppResult<RoundView> {
    let mut applications = Vec::new();
    if with_applications {
        for a in store::applications(&state.db, r.id).await? {
            let org = load_org(state, &a.organization_id.to_string()).await?;
            applications.push(view(state, a, &org).await?);
        }
    }
    Ok(RoundView {
        panel: store::panel(&state.db, r.id).await?,
        round: r,
        applications,
    })
}

/// Draws the round's expert panel (DOMAIN.md §8; the draw of `platform::draw`): the experts of
/// the pool whose region contains the round's, without those who must recuse for an
/// organization applying in it (related, or left less than the parameter's years ago, on the
/// day of the draw); the panel size in force that day. The seed and the candidates are stored
/// and published with the round, so anyone can re-run the draw.
pub async fn draw_panel(state: &AppState, actor: &Actor, round: &RoundRow) -> AppResult<RoundView> {
    let today = state.clock.today();
    let table = state.rules.table().await?;
    let size = table.number_on(keys::PANEL_SIZE, today)? as usize;
    let years = table.years_on(keys::RECUSAL_AFTER_LEAVING, today)?;
    let round_region = region("region_code", &round.region_code)?;
    let ties = store::ties_in_round(&state.db, round.id).await?;
    let candidates: Vec<String> = store::experts(&state.db)
        .await?
        .into_iter()
        .filter(|e| {
            codes::RegionCode::parse(&e.region_code).is_ok_and(|r| r.contains(&round_region))
        })
        .filter(|e| {
            !ties.iter().any(|t| {
                t.expert_id == e.id && model::recuses(&Tie { left_on: t.left_on }, today, years)
            })
        })
        .map(|e| e.id.to_string())
        .collect();
    if candidates.len() < size {
        return Err(AppError::conflict(
            "evaluation.too_few_experts",
            format!("可抽取的专家只有 {} 人，少于 {size} 人", candidates.len()),
            format!(
                "Only {} experts can be drawn, fewer than {size}",
                candidates.len()
            ),
        ));
    }
    let seed = draw::new_seed();
    let bytes = hex::decode(&seed).map_err(anyhow::Error::from)?;
    let drawn = draw::draw(&bytes, &candidates, size);
    let mut sorted = candidates.clone();
    sorted.sort();
    let panel: Vec<Uuid> = drawn
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect();
    store::save_draw(
        &state.db,
        state.clock.now(),
        actor,
        round,
        &seed,
        &sorted,
        today,
        &panel,
    )
    .await?;
    let r = store::round(&state.db, round.id)
        .await?
        .ok_or(AppError::NotFound)?;
    round_view(state, r, true).await
}

/// A score sheet: points per first-level indicator (field = the indicator's code).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SheetInput {
    /// 基础条件
    pub basic: Option<i64>,
    /// 内部治理
    pub governance: Option<i64>,
    /// 工作绩效 (民非: 业务活动和诚信建设)
    pub performance: Option<i64>,
    /// 社会评价
    pub social: Option<i64>,
}

impl SheetInput {
    fn get(&self, code: &str) -> Option<i64> {
        match code {
            "basic" => self.basic,
            "governance" => self.governance,
            "performance" => self.performance,
            "social" => self.social,
            _ => None,
        }
    }
}

/// Enters the scorer's sheet: an expert on the round's panel, or an officer of the region. Each
/// indicator within 0 … its maximum (422 naming the indicator otherwise, nothing stored).
pub async fn enter_scores(
    state: &AppState,
    actor: &Actor,
    a: &ApplicationRow,
    org: &Organization,
    b: &SheetInput,
) -> AppResult<EvaluationApplicationView> {
    let inds = model::indicators(&org.org_type).unwrap_or(&[]);
    let mut sheet = Vec::new();
    for i in inds {
        let p = b.get(i.code).ok_or_else(|| {
            invalid(
                i.code,
                format!("请填写{}得分", i.zh),
                format!("Enter the score of {}", i.en),
            )
        })?;
        let p = model::check_score(i, p).map_err(|(zh, en)| invalid(i.code, zh, en))?;
        sheet.push((i.code, p));
    }
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    if user.role == Role::Expert {
        let on_panel = match store::expert_by_user(&state.db, user.user_id).await? {
            Some(e) => store::panel(&state.db, a.round_id)
                .await?
                .iter()
                .any(|p| p.id == e.id),
            None => false,
        };
        if !on_panel {
            return Err(AppError::Forbidden);
        }
    }
    store::save_sheet(&state.db, state.clock.now(), actor, a, user.user_id, &sheet).await?;
    let a = store::application(&state.db, a.id)
        .await?
        .ok_or(AppError::NotFound)?;
    view(state, a, org).await
}

/// The region a listing covers: the officer's own (the public: the province).
pub fn reader_region(actor: &Actor) -> String {
    actor
        .user()
        .map(|u| crate::platform::region_prefix(&u.region))
        .unwrap_or_else(|| "%".into())
}

mod grades;

pub use grades::{
    OrganizationGrades, ReviewInput, apply_transitions, decide, grade, organization_grades,
    request_review,
};
