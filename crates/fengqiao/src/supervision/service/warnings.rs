//! The warnings engine's runs and the officers' actions (资金监管预警): the nightly run over
//! every organization (a scheduler job), the run for one organization when its annual report is
//! submitted or decided, the charity supervision view, the list with its filters, one warning,
//! and closing one with a reason.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use crate::directory::model::{parse_number, present};
use crate::platform::auth::{Actor, Listing, Role};
use crate::platform::{AppError, AppResult, AppState};
use crate::supervision::model::rules as keys;
use crate::supervision::model::warnings::diff::{self, OrgHit, Step};
use crate::supervision::model::warnings::reports::{self, ReportFacts, ReportRules};
use crate::supervision::model::warnings::spending::{self, SpendingRules};
use crate::supervision::model::warnings::stored::{SupervisionWarning, WarningDetail};
use crate::supervision::model::warnings::{Hit, Level, REPORT_OVERDUE, plans};
use crate::supervision::store::facts::{self, CharityFacts, Target};
use crate::supervision::store::warnings as store;

/// What a run wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunOutcome {
    pub opened: u64,
    pub updated: u64,
    pub reraised: u64,
    pub cleared: u64,
}

/// The day whose rule parameters judge a year: 31 December of it (the year's figures are
/// judged by the rules in force at its end).
fn judged_on(year: i32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no 31 December in {year}")))
}

/// The spending rules of a year (the §6.4 table and the waiver in force on its last day);
/// `None` for a year before the first table (nothing to judge it by).
pub async fn spending_rules(state: &AppState, year: i32) -> AppResult<Option<SpendingRules>> {
    let on = judged_on(year)?;
    let bands = facts::spending_bands(&state.db, on).await?;
    if bands.is_empty() {
        return Ok(None);
    }
    Ok(Some(SpendingRules {
        bands,
        management_cap_waiver_fen: state
            .rules
            .table()
            .await?
            .fen_on(keys::MANAGEMENT_CAP_WAIVER, on)?,
    }))
}

/// The charity rules over facts: spending and management cost of the facts' year, and the
/// plan rules as of `today`.
pub fn charity_hits(rules: Option<&SpendingRules>, f: &CharityFacts, today: NaiveDate) -> Vec<Hit> {
    let mut w: Vec<Hit> = Vec::new();
    if let Some(rules) = rules {
        w.extend(spending::spending_ratio(rules, &f.spending));
        w.extend(spending::management_cap(rules, &f.spending));
    }
    for p in &f.plans {
        w.extend(plans::outside_period(p));
        w.extend(plans::disclosure_overdue(p, today));
    }
    w
}

/// The charity supervision view (`/charity/supervision`): the engine's charity rules over the
/// recognized charities inside `prefix` for `year`, as of today. Charities without hits are
/// left out.
pub async fn charity_view(
    state: &AppState,
    prefix: &str,
    year: i32,
) -> AppResult<Vec<(CharityFacts, Vec<Hit>)>> {
    let rules = spending_rules(state, year).await?;
    let today = state.clock.today();
    Ok(facts::facts_of(&state.db, Target::region(prefix), year)
        .await?
        .into_iter()
        .filter(|f| f.spending.charity)
        .map(|f| {
            let h = charity_hits(rules.as_ref(), &f, today);
            (f, h)
        })
        .filter(|(_, h)| !h.is_empty())
        .collect())
}

/// The years the nightly run judges on `today`: the last two years (a report on the year before
/// last may still be corrected).
pub fn nightly_years(today: NaiveDate) -> [i32; 2] {
    [today.year() - 2, today.year() - 1]
}

/// The nightly run (a job of the platform scheduler): every organization, set-based.
/// Idempotent: a second run on one day writes nothing.
pub async fn run_nightly(state: &AppState) -> AppResult<RunOutcome> {
    let years = nightly_years(state.clock.today());
    run(state, Target::region("%"), &years).await
}

/// The run for one organization's year, when its annual report is submitted or decided.
pub async fn run_for(state: &AppState, organization: Uuid, year: i32) -> AppResult<RunOutcome> {
    run(
        state,
        Target {
            prefix: "%",
            organization: Some(organization),
        },
        &[year],
    )
    .await
}

/// Judges the target's organizations on `years` and writes what changed: the charity rules
/// (DOMAIN.md §6.4, §6.2, rules 25–26), the report rules (§4, §2.2–2.3) and, for a run over a
/// region, reports overdue (rule 14, [`crate::supervision::late_reporters`]). A run for one
/// organization is caused by its report being submitted, so its report is not overdue then; an
/// open overdue warning of that year is cleared by it.
pub async fn run(state: &AppState, t: Target<'_>, years: &[i32]) -> AppResult<RunOutcome> {
    let today = state.clock.today();
    let table = state.rules.table().await?;
    let mut hits: Vec<OrgHit> = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for &year in years {
        let on = judged_on(year)?;
        let rules = spending_rules(state, year).await?;
        for f in facts::facts_of(&state.db, t, year).await? {
            for hit in charity_hits(rules.as_ref(), &f, today) {
                hits.push(OrgHit {
                    organization_id: f.organization_id,
                    region_code: f.region_code.clone(),
                    hit,
                });
            }
        }
        let rr = ReportRules {
            income_source_share_permille: i64::from(
                table.permille_on(keys::INCOME_SOURCE_SHARE, on)?,
            ),
            related_party_share_permille: i64::from(
                table.permille_on(keys::RELATED_PARTY_SHARE, on)?,
            ),
        };
        for ((org, _), r) in facts::reported_years(&state.db, t, year, year).await? {
            reported.insert((org, year));
            let f = ReportFacts {
                year,
                registered_funds_fen: r.registered_funds_fen,
                statements: r.statements,
            };
            for hit in reports::report_hits(&f, &rr) {
                hits.push(OrgHit {
                    organization_id: org,
                    region_code: r.region_code.clone(),
                    hit,
                });
            }
        }
    }
    if t.organization.is_none() {
        let late = crate::supervision::late_reporters(state, today).await?;
        let wanted: Vec<_> = late
            .into_iter()
            .filter(|l| years.contains(&l.year) && !reported.contains(&(l.organization_id, l.year)))
            .collect();
        if !wanted.is_empty() {
            let regions = facts::regions(&state.db, t).await?;
            for l in wanted {
                if let Some(region) = regions.get(&l.organization_id) {
                    hits.push(OrgHit {
                        organization_id: l.organization_id,
                        region_code: region.clone(),
                        hit: reports::report_overdue(l.year, l.deadline),
                    });
                }
            }
        }
    }
    let known = store::known(&state.db, t).await?;
    let year_keys: Vec<String> = years.iter().map(i32::to_string).collect();
    let steps = diff::steps(hits, &known, |code, period| {
        year_keys.iter().any(|y| y == period)
            || (period.starts_with("plan:") && code != REPORT_OVERDUE)
    });
    let mut out = RunOutcome::default();
    let now = state.clock.now();
    for s in &steps {
        if store::apply(&state.db, now, today, s).await? {
            match s {
                Step::Open(_) => out.opened += 1,
                Step::Update { .. } => out.updated += 1,
                Step::Reraise { .. } => out.reraised += 1,
                Step::Clear { .. } => out.cleared += 1,
                Step::Seen { .. } => {}
            }
        }
    }
    Ok(out)
}

/// The cross-year anomaly flags of a report against the organization's previous year's
/// (its latest counted version), for the reviewer (DOMAIN.md §4; the factor as in force today).
pub async fn anomalies(
    state: &AppState,
    r: &crate::supervision::model::AnnualReport,
) -> AppResult<Vec<reports::Anomaly>> {
    let t = Target {
        prefix: "%",
        organization: Some(r.organization_id),
    };
    let prev = facts::reported_years(&state.db, t, r.year - 1, r.year - 1).await?;
    let Some(p) = prev.get(&(r.organization_id, r.year - 1)) else {
        return Ok(Vec::new());
    };
    let factor = state
        .rules
        .table()
        .await?
        .number_on(keys::ANOMALY_FACTOR, state.clock.today())?;
    Ok(reports::anomalies(
        &p.statements,
        &r.content.statements,
        i64::from(factor),
    ))
}

/// The query of the list (`GET /api/v1/supervision/warnings`).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::IntoParams)]
pub struct WarningQuery {
    /// A division code inside the actor's region: organizations registered inside it.
    pub region: Option<String>,
    /// red | orange | yellow
    pub level: Option<String>,
    /// open | closed
    pub state: Option<String>,
    /// An organization's id.
    pub organization: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<String>,
    /// 1–100 (default 20).
    pub per_page: Option<String>,
    /// `csv` for a CSV export of every match (up to 5000).
    pub format: Option<String>,
}

/// One page of warnings.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WarningPage {
    pub total: i64,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<SupervisionWarning>,
}

/// Most rows one export holds.
pub const EXPORT_MAX: i64 = 5000;

fn bad(field: &str, zh: &str, en: &str) -> AppError {
    AppError::invalid(field, &format!("supervision.warning.{field}"), zh, en)
}

/// The warnings the actor may see, filtered and paged (or, with `export`, every match up to
/// [`EXPORT_MAX`]). Officers see their region's; an org_admin his organizations' only.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    q: &WarningQuery,
    export: bool,
) -> AppResult<WarningPage> {
    let listing = Listing::of(actor)?;
    let region_prefix = match present(&q.region) {
        None => None,
        Some(s) => Some(crate::platform::region_prefix(
            &codes::RegionCode::parse(s).map_err(|e| AppError::from_code("region", &e))?,
        )),
    };
    let level = match present(&q.level) {
        None => None,
        Some(s) => Some(
            Level::from_key(s)
                .ok_or_else(|| {
                    bad(
                        "level",
                        "级别应为 red、orange 或 yellow",
                        "The level is red, orange or yellow",
                    )
                })?
                .key(),
        ),
    };
    let wstate = match present(&q.state) {
        None => None,
        Some("open") => Some("open"),
        Some("closed") => Some("closed"),
        Some(_) => {
            return Err(bad(
                "state",
                "状态应为 open 或 closed",
                "The state is open or closed",
            ));
        }
    };
    let organization = match present(&q.organization) {
        None => None,
        Some(s) => Some(Uuid::parse_str(s).map_err(|_| {
            bad(
                "organization",
                "组织编号格式不正确",
                "The organization id is malformed",
            )
        })?),
    };
    let page = parse_number("page", &q.page, 1, 10_000)?;
    let per_page = parse_number("per_page", &q.per_page, 20, 100)?;
    let (limit, offset) = if export {
        (EXPORT_MAX, 0)
    } else {
        (per_page as i64, ((page - 1) * per_page) as i64)
    };
    let f = store::Filters {
        region_prefix,
        level,
        state: wstate,
        organization,
    };
    let (total, rows) = store::list(&state.db, &listing, &f, limit, offset).await?;
    Ok(WarningPage {
        total,
        page,
        per_page,
        items: rows.into_iter().map(SupervisionWarning::from).collect(),
    })
}

/// One warning with its trail (the route's access has checked the actor).
pub async fn detail(state: &AppState, id: Uuid) -> AppResult<WarningDetail> {
    let w = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let trail = store::trail(&state.db, id).await?;
    Ok(WarningDetail {
        warning: w.into(),
        trail,
    })
}

/// The body of a close.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseBody {
    /// Why the warning is closed (required).
    #[serde(default)]
    pub reason: String,
}

/// Longest reason accepted.
pub const REASON_MAX_CHARS: usize = 2000;

/// Closes an open warning with the officer's reason (officers of the region, checked by the
/// route's access). An empty reason: 422 naming `reason`, nothing changed.
pub async fn close(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    b: &CloseBody,
) -> AppResult<WarningDetail> {
    let reason = b.reason.trim();
    if reason.is_empty() {
        return Err(bad(
            "reason",
            "请填写关闭理由",
            "Give the reason for closing",
        ));
    }
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(bad("reason", "关闭理由过长", "The reason is too long"));
    }
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    if user.role == Role::OrgAdmin {
        return Err(AppError::Forbidden);
    }
    let w = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    store::close(&state.db, state.clock.now(), actor, &w, reason).await?;
    detail(state, id).await
}
