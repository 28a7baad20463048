//! Gathers the facts the warnings engine judges ([`crate::supervision::model::warnings`]),
//! set-based: a fixed number of grouped queries for a region (or one organization), never one
//! per organization. Moved from the charity module (`charity::store::supervision`) and
//! extended with the annual reports: income = last year's reported total income, else confirmed
//! donations to the charity's plans by the year of `confirmed_at` (Asia/Shanghai); spending =
//! this year's reported expense lines, else disbursements by category and the year of
//! `paid_on`; net assets = last year's reported total, else the charity's recorded figure; for
//! each plan, donations confirmed outside its period (one query per plan: its period's bounds
//! in Shanghai time) and its disclosures. Also the §6.4 table in force on a date.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use uuid::Uuid;

use crate::platform::db::Db;
use crate::platform::{AppError, AppResult};
use crate::supervision::model::Statements;
use crate::supervision::model::warnings::plans::PlanFacts;
use crate::supervision::model::warnings::spending::{Basis, SpendingBand, SpendingFacts};
use crate::with_db;

/// Which organizations a run judges: those whose region code is LIKE `prefix`, or only one.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub prefix: &'a str,
    pub organization: Option<Uuid>,
}

impl Target<'_> {
    pub fn region(prefix: &str) -> Target<'_> {
        Target {
            prefix,
            organization: None,
        }
    }
}

/// An organization judged by the spending rules (a charity, or a foundation with a report),
/// with its facts.
#[derive(Debug, Clone)]
pub struct CharityFacts {
    pub organization_id: Uuid,
    pub name: String,
    pub uscc: Option<String>,
    pub region_code: String,
    pub spending: SpendingFacts,
    pub plans: Vec<PlanFacts>,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    organization_id: Uuid,
    name: String,
    uscc: Option<String>,
    region_code: String,
    org_type: String,
    charity: i64,
    qualified_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: Uuid,
    organization_id: Uuid,
    filing_no: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    emergency: Option<bool>,
}

/// The statuses whose figures count: submitted or decided, not a draft nor a failed version.
pub const COUNTED: &str =
    "('submitted', 'supervisory_passed', 'passed', 'passed_with_corrections')";

/// The instant a Shanghai calendar day starts.
fn day_start(d: NaiveDate) -> AppResult<DateTime<Utc>> {
    Shanghai
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no midnight on {d}")))
}

fn jan1(year: i32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::invalid("year", "charity.year", "年份无效", "Invalid year"))
}

/// One organization's reported year: the statements of its latest counted version, with what
/// the register says of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportedYear {
    pub organization_id: Uuid,
    pub region_code: String,
    pub registered_funds_fen: Option<i64>,
    pub year: i32,
    pub version: i32,
    #[sqlx(flatten)]
    pub statements: Statements,
}

/// The latest counted version of every report on `from..=until` of the target, by
/// (organization, year). One query.
pub async fn reported_years(
    db: &Db,
    t: Target<'_>,
    from: i32,
    until: i32,
) -> AppResult<HashMap<(Uuid, i32), ReportedYear>> {
    let sql = format!(
        "SELECT r.organization_id, o.region_code, o.registered_funds_fen, r.year, r.version, \
                r.total_assets_fen, r.total_liabilities_fen, r.restricted_net_assets_fen, r.unrestricted_net_assets_fen, \
                r.total_net_assets_fen, r.income_donations_fen, r.income_government_fen, r.income_services_fen, \
                r.income_dues_fen, r.income_investment_fen, r.income_other_fen, r.total_income_fen, \
                r.expense_activities_fen, r.expense_management_fen, r.expense_fundraising_fen, r.expense_other_fen, \
                r.total_expenses_fen, r.related_party_total_fen \
         FROM annual_reports r JOIN organizations o ON o.id = r.organization_id \
         WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) AND r.year >= $3 AND r.year <= $4 \
           AND r.status IN {COUNTED} ORDER BY r.version"
    );
    let rows = with_db!(db, pool => sqlx::query_as::<_, ReportedYear>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(t.prefix).bind(t.organization).bind(from).bind(until).fetch_all(pool).await?);
    // Ordered by version: the last one of each year wins.
    Ok(rows
        .into_iter()
        .map(|r| ((r.organization_id, r.year), r))
        .collect())
}

/// Confirmed donations to each charity's plans in [from, until), by organization.
async fn income(
    db: &Db,
    t: Target<'_>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, i64>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT p.organization_id, CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM donations d \
         JOIN fundraising_plans p ON p.id = d.plan_id JOIN organizations o ON o.id = p.organization_id \
         WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) AND d.status = 'confirmed' AND d.confirmed_at >= $3 AND d.confirmed_at < $4 \
         GROUP BY p.organization_id")
        .bind(t.prefix).bind(t.organization).bind(from).bind(until).fetch_all(pool).await?);
    Ok(rows.into_iter().collect())
}

/// Disbursements of each charity's plans paid in [from, until), by organization and category.
async fn spending(
    db: &Db,
    t: Target<'_>,
    from: NaiveDate,
    until: NaiveDate,
) -> AppResult<HashMap<(Uuid, String), i64>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, (Uuid, String, i64)>(
        "SELECT p.organization_id, d.category, CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM disbursements d \
         JOIN fundraising_plans p ON p.id = d.plan_id JOIN organizations o ON o.id = p.organization_id \
         WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) AND d.paid_on >= $3 AND d.paid_on < $4 GROUP BY p.organization_id, d.category")
        .bind(t.prefix).bind(t.organization).bind(from).bind(until).fetch_all(pool).await?);
    Ok(rows.into_iter().map(|(o, c, v)| ((o, c), v)).collect())
}

/// Confirmed donations of a plan before `start` and from `after_end` on.
async fn outside(
    db: &Db,
    plan: Uuid,
    start: DateTime<Utc>,
    after_end: DateTime<Utc>,
) -> AppResult<(i64, i64)> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, (i64, i64)>(
        "SELECT CAST(COALESCE(SUM(CASE WHEN confirmed_at < $2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN confirmed_at >= $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM donations WHERE plan_id = $1 AND status = 'confirmed'")
        .bind(plan).bind(start).bind(after_end).fetch_one(pool).await?))
}

/// The facts of every charity inside `prefix` (a LIKE pattern), for the spending rules of
/// `year` (income and net assets of `year − 1`, spending of `year`).
pub async fn facts(db: &Db, prefix: &str, year: i32) -> AppResult<Vec<CharityFacts>> {
    facts_of(db, Target::region(prefix), year).await
}

/// The facts of every charity of the target, and of every foundation of it with a counted
/// report on `year − 1` or `year` (DOMAIN.md §2.3 applies to it), for the spending rules of
/// `year`.
pub async fn facts_of(db: &Db, t: Target<'_>, year: i32) -> AppResult<Vec<CharityFacts>> {
    let sql = format!(
        "SELECT o.id AS organization_id, o.name, o.uscc, o.region_code, o.org_type, \
                CAST(CASE WHEN c.organization_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS charity, c.qualified_on \
         FROM organizations o LEFT JOIN charities c ON c.organization_id = o.id \
         WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) AND (c.organization_id IS NOT NULL OR \
               (o.org_type = 'foundation' AND EXISTS (SELECT 1 FROM annual_reports r WHERE r.organization_id = o.id \
                 AND r.year >= $3 AND r.year <= $4 AND r.status IN {COUNTED}))) \
         ORDER BY o.region_code, o.name, o.id"
    );
    let orgs = with_db!(db, pool => sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(t.prefix).bind(t.organization).bind(year - 1).bind(year).fetch_all(pool).await?);
    let (y0, y1, y2) = (jan1(year - 1)?, jan1(year)?, jan1(year + 1)?);
    let income = income(db, t, day_start(y0)?, day_start(y1)?).await?;
    let spending = spending(db, t, y1, y2).await?;
    let reports = reported_years(db, t, year - 1, year).await?;
    let net_assets: HashMap<Uuid, i64> = with_db!(db, pool => sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT n.organization_id, n.net_assets_fen FROM charity_net_assets n JOIN organizations o ON o.id = n.organization_id \
         WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) AND n.year = $3")
        .bind(t.prefix).bind(t.organization).bind(year - 1).fetch_all(pool).await?).into_iter().collect();
    let plans = with_db!(db, pool => sqlx::query_as::<_, PlanRow>(
        "SELECT p.id, p.organization_id, p.filing_no, p.starts_on, p.ends_on, d.emergency FROM fundraising_plans p \
         JOIN charities c ON c.organization_id = p.organization_id JOIN organizations o ON o.id = p.organization_id \
         LEFT JOIN fundraising_plan_details d ON d.plan_id = p.id \
         WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) AND p.status <> 'withdrawn' ORDER BY p.starts_on, p.id")
        .bind(t.prefix).bind(t.organization).fetch_all(pool).await?);
    let mut disclosures: HashMap<Uuid, Vec<(NaiveDate, bool)>> = HashMap::new();
    for (plan, on, kind) in with_db!(db, pool => sqlx::query_as::<_, (Uuid, NaiveDate, String)>(
        "SELECT x.plan_id, x.disclosed_on, x.kind FROM charity_disclosures x JOIN fundraising_plans p ON p.id = x.plan_id \
         JOIN organizations o ON o.id = p.organization_id WHERE o.region_code LIKE $1 AND ($2 IS NULL OR o.id = $2) ORDER BY x.disclosed_on")
        .bind(t.prefix).bind(t.organization).fetch_all(pool).await?)
    {
        disclosures
            .entry(plan)
            .or_default()
            .push((on, kind == "final"));
    }
    let mut plan_facts: HashMap<Uuid, Vec<PlanFacts>> = HashMap::new();
    for p in plans {
        let start = day_start(p.starts_on)?;
        let after_end = day_start(p.ends_on.succ_opt().unwrap_or(p.ends_on))?;
        let (before, after) = outside(db, p.id, start, after_end).await?;
        plan_facts
            .entry(p.organization_id)
            .or_default()
            .push(PlanFacts {
                filing_no: p.filing_no,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                emergency: p.emergency.unwrap_or(false),
                donations_before_start: before,
                donations_after_end: after,
                disclosures: disclosures.remove(&p.id).unwrap_or_default(),
            });
    }
    let spent = |org: Uuid, c: &str| spending.get(&(org, c.to_string())).copied().unwrap_or(0);
    Ok(orgs
        .into_iter()
        .map(|c| {
            let id = c.organization_id;
            let last = reports.get(&(id, year - 1)).map(|r| &r.statements);
            let this = reports.get(&(id, year)).map(|r| &r.statements);
            CharityFacts {
                spending: SpendingFacts {
                    year,
                    charity: c.charity == 1,
                    public_fundraising: c.qualified_on.is_some_and(|q| q < y2),
                    foundation: c.org_type == "foundation",
                    last_year_income_fen: last.map_or_else(
                        || income.get(&id).copied().unwrap_or(0),
                        |s| s.total_income_fen,
                    ),
                    last_year_net_assets_fen: last
                        .map(|s| s.total_net_assets_fen)
                        .or_else(|| net_assets.get(&id).copied()),
                    charitable_fen: this
                        .map_or_else(|| spent(id, "charitable"), |s| s.expense_activities_fen),
                    management_fen: this
                        .map_or_else(|| spent(id, "management"), |s| s.expense_management_fen),
                    fundraising_cost_fen: this.map_or_else(
                        || spent(id, "fundraising_cost"),
                        |s| s.expense_fundraising_fen,
                    ),
                },
                plans: plan_facts.remove(&id).unwrap_or_default(),
                organization_id: id,
                name: c.name,
                uscc: c.uscc,
                region_code: c.region_code,
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct BandRow {
    effective_from: NaiveDate,
    charity: bool,
    public_fundraising: bool,
    foundation: bool,
    net_assets_from_yuan: Option<i64>,
    net_assets_below_yuan: Option<i64>,
    basis: String,
    min_spending_permille: i32,
    min_spending_of_income_permille: Option<i32>,
    max_management_permille: Option<i32>,
    source: String,
}

/// The §6.4 table in force on `on`: the rows of the latest `effective_from` on or before it;
/// empty before the first table (慈善法 in force 2016-09-01): no rule, nothing judged.
pub async fn spending_bands(db: &Db, on: NaiveDate) -> AppResult<Vec<SpendingBand>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, BandRow>(
        "SELECT effective_from, charity, public_fundraising, foundation, net_assets_from_yuan, net_assets_below_yuan, basis, \
                min_spending_permille, min_spending_of_income_permille, max_management_permille, source \
         FROM supervision_spending_bands WHERE effective_from <= $1 ORDER BY effective_from DESC, row_no")
        .bind(on).fetch_all(pool).await?);
    let Some(latest) = rows.first().map(|r| r.effective_from) else {
        return Ok(Vec::new());
    };
    rows.into_iter()
        .filter(|r| r.effective_from == latest)
        .map(|r| {
            Ok(SpendingBand {
                charity: r.charity,
                public_fundraising: r.public_fundraising,
                foundation: r.foundation,
                net_assets_from_fen: r.net_assets_from_yuan.map(|y| y * 100),
                net_assets_below_fen: r.net_assets_below_yuan.map(|y| y * 100),
                basis: Basis::from_key(&r.basis).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("unknown basis {}", r.basis))
                })?,
                min_spending_permille: i64::from(r.min_spending_permille),
                min_spending_of_income_permille: r.min_spending_of_income_permille.map(i64::from),
                max_management_permille: r.max_management_permille.map(i64::from),
                source: r.source,
            })
        })
        .collect()
}

/// The region of every organization of the target (for the overdue reports, which the deadline
/// model gives by organization only). One query.
pub async fn regions(db: &Db, t: Target<'_>) -> AppResult<HashMap<Uuid, String>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, (Uuid, String)>(
        "SELECT id, region_code FROM organizations WHERE region_code LIKE $1 AND ($2 IS NULL OR id = $2)")
        .bind(t.prefix).bind(t.organization).fetch_all(pool).await?).into_iter().collect())
}
