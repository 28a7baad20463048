//! Gathers the facts the supervision rules ([`crate::charity::model::supervision`]) read:
//! income = confirmed donations to the charity's plans by the year of `confirmed_at` (Asia/
//! Shanghai); spending = disbursements by category and the year of `paid_on`; net assets from
//! the annual report; for each plan, donations confirmed outside its period and its disclosures.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use uuid::Uuid;

use crate::charity::model::supervision::{PlanFacts, SpendingFacts};
use crate::platform::db::Db;
use crate::platform::{AppError, AppResult};
use crate::with_db;

/// A charity of the region with its facts.
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
struct CharityRow {
    organization_id: Uuid,
    name: String,
    uscc: Option<String>,
    region_code: String,
    org_type: String,
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

/// Confirmed donations to each charity's plans in [from, until), by organization.
async fn income(
    db: &Db,
    prefix: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, i64>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT p.organization_id, CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM donations d \
         JOIN fundraising_plans p ON p.id = d.plan_id JOIN organizations o ON o.id = p.organization_id \
         WHERE o.region_code LIKE $1 AND d.status = 'confirmed' AND d.confirmed_at >= $2 AND d.confirmed_at < $3 \
         GROUP BY p.organization_id")
        .bind(prefix).bind(from).bind(until).fetch_all(pool).await?);
    Ok(rows.into_iter().collect())
}

/// Disbursements of each charity's plans paid in [from, until), by organization and category.
async fn spending(
    db: &Db,
    prefix: &str,
    from: NaiveDate,
    until: NaiveDate,
) -> AppResult<HashMap<(Uuid, String), i64>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, (Uuid, String, i64)>(
        "SELECT p.organization_id, d.category, CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM disbursements d \
         JOIN fundraising_plans p ON p.id = d.plan_id JOIN organizations o ON o.id = p.organization_id \
         WHERE o.region_code LIKE $1 AND d.paid_on >= $2 AND d.paid_on < $3 GROUP BY p.organization_id, d.category")
        .bind(prefix).bind(from).bind(until).fetch_all(pool).await?);
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

/// The facts of every charity whose organization lies inside `prefix` (a LIKE pattern), for
/// the spending rules of `year` (income of `year − 1`, spending of `year`). A fixed number of
/// grouped queries for the region, and one per plan (its period's bounds in Shanghai time).
pub async fn facts(db: &Db, prefix: &str, year: i32) -> AppResult<Vec<CharityFacts>> {
    let charities = with_db!(db, pool => sqlx::query_as::<_, CharityRow>(
        "SELECT c.organization_id, o.name, o.uscc, o.region_code, o.org_type, c.qualified_on FROM charities c \
         JOIN organizations o ON o.id = c.organization_id WHERE o.region_code LIKE $1 ORDER BY o.region_code, o.name, o.id")
        .bind(prefix).fetch_all(pool).await?);
    let (y0, y1, y2) = (jan1(year - 1)?, jan1(year)?, jan1(year + 1)?);
    let income = income(db, prefix, day_start(y0)?, day_start(y1)?).await?;
    let spending = spending(db, prefix, y1, y2).await?;
    let net_assets: HashMap<Uuid, i64> = with_db!(db, pool => sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT n.organization_id, n.net_assets_fen FROM charity_net_assets n JOIN organizations o ON o.id = n.organization_id \
         WHERE o.region_code LIKE $1 AND n.year = $2")
        .bind(prefix).bind(year - 1).fetch_all(pool).await?).into_iter().collect();
    let plans = with_db!(db, pool => sqlx::query_as::<_, PlanRow>(
        "SELECT p.id, p.organization_id, p.filing_no, p.starts_on, p.ends_on, d.emergency FROM fundraising_plans p \
         JOIN charities c ON c.organization_id = p.organization_id JOIN organizations o ON o.id = p.organization_id \
         LEFT JOIN fundraising_plan_details d ON d.plan_id = p.id \
         WHERE o.region_code LIKE $1 AND p.status <> 'withdrawn' ORDER BY p.starts_on, p.id")
        .bind(prefix).fetch_all(pool).await?);
    let mut disclosures: HashMap<Uuid, Vec<(NaiveDate, bool)>> = HashMap::new();
    for (plan, on, kind) in with_db!(db, pool => sqlx::query_as::<_, (Uuid, NaiveDate, String)>(
        "SELECT x.plan_id, x.disclosed_on, x.kind FROM charity_disclosures x JOIN fundraising_plans p ON p.id = x.plan_id \
         JOIN organizations o ON o.id = p.organization_id WHERE o.region_code LIKE $1 ORDER BY x.disclosed_on")
        .bind(prefix).fetch_all(pool).await?)
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
    Ok(charities
        .into_iter()
        .map(|c| CharityFacts {
            spending: SpendingFacts {
                year,
                public_fundraising: c.qualified_on.is_some_and(|q| q < y2),
                foundation: c.org_type == "foundation",
                last_year_income_fen: income.get(&c.organization_id).copied().unwrap_or(0),
                last_year_net_assets_fen: net_assets.get(&c.organization_id).copied(),
                charitable_fen: spent(c.organization_id, "charitable"),
                management_fen: spent(c.organization_id, "management"),
                fundraising_cost_fen: spent(c.organization_id, "fundraising_cost"),
            },
            plans: plan_facts.remove(&c.organization_id).unwrap_or_default(),
            organization_id: c.organization_id,
            name: c.name,
            uscc: c.uscc,
            region_code: c.region_code,
        })
        .collect())
}
