//! Gathers the facts the supervision rules ([`crate::charity::model::supervision`]) read:
//! income = confirmed donations to the charity's plans by the year of `confirmed_at` (Asia/
//! Shanghai); spending = disbursements by category and the year of `paid_on`; net assets from
//! the annual report; for each plan, donations confirmed outside its period and its disclosures.

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

/// Confirmed donations to the organization's plans in [from, until).
async fn income(db: &Db, org: Uuid, from: DateTime<Utc>, until: DateTime<Utc>) -> AppResult<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM donations d JOIN fundraising_plans p ON p.id = d.plan_id \
         WHERE p.organization_id = $1 AND d.status = 'confirmed' AND d.confirmed_at >= $2 AND d.confirmed_at < $3")
        .bind(org).bind(from).bind(until).fetch_one(pool).await?))
}

/// Disbursements of the organization's plans by category, paid in [from, until).
async fn spending(
    db: &Db,
    org: Uuid,
    from: NaiveDate,
    until: NaiveDate,
) -> AppResult<(i64, i64, i64)> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, (String, i64)>(
        "SELECT d.category, CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM disbursements d JOIN fundraising_plans p ON p.id = d.plan_id \
         WHERE p.organization_id = $1 AND d.paid_on >= $2 AND d.paid_on < $3 GROUP BY d.category")
        .bind(org).bind(from).bind(until).fetch_all(pool).await?);
    let get = |c: &str| rows.iter().find(|(k, _)| k == c).map_or(0, |(_, v)| *v);
    Ok((
        get("charitable"),
        get("management"),
        get("fundraising_cost"),
    ))
}

/// Confirmed donations of a plan before `at` (`before`) or from `at` on.
async fn count_confirmed(db: &Db, plan: Uuid, at: DateTime<Utc>, before: bool) -> AppResult<i64> {
    let sql = if before {
        "SELECT COUNT(*) FROM donations WHERE plan_id = $1 AND status = 'confirmed' AND confirmed_at < $2"
    } else {
        "SELECT COUNT(*) FROM donations WHERE plan_id = $1 AND status = 'confirmed' AND confirmed_at >= $2"
    };
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, i64>(sql)
        .bind(plan).bind(at).fetch_one(pool).await?))
}

/// The facts of every charity whose organization lies inside `prefix` (a LIKE pattern), for
/// the spending rules of `year` (income of `year − 1`, spending of `year`).
pub async fn facts(db: &Db, prefix: &str, year: i32) -> AppResult<Vec<CharityFacts>> {
    let charities = with_db!(db, pool => sqlx::query_as::<_, CharityRow>(
        "SELECT c.organization_id, o.name, o.uscc, o.region_code, o.org_type, c.qualified_on FROM charities c \
         JOIN organizations o ON o.id = c.organization_id WHERE o.region_code LIKE $1 ORDER BY o.region_code, o.name, o.id")
        .bind(prefix).fetch_all(pool).await?);
    let (y0, y1, y2) = (jan1(year - 1)?, jan1(year)?, jan1(year + 1)?);
    let mut out = Vec::new();
    for c in charities {
        let last_income = income(db, c.organization_id, day_start(y0)?, day_start(y1)?).await?;
        let (charitable, management, fundraising) = spending(db, c.organization_id, y1, y2).await?;
        let net_assets = with_db!(db, pool => sqlx::query_scalar::<_, i64>(
            "SELECT net_assets_fen FROM charity_net_assets WHERE organization_id = $1 AND year = $2")
            .bind(c.organization_id).bind(year - 1).fetch_optional(pool).await?);
        let plans = with_db!(db, pool => sqlx::query_as::<_, PlanRow>(
            "SELECT p.id, p.filing_no, p.starts_on, p.ends_on, d.emergency FROM fundraising_plans p \
             LEFT JOIN fundraising_plan_details d ON d.plan_id = p.id \
             WHERE p.organization_id = $1 AND p.status <> 'withdrawn' ORDER BY p.starts_on, p.id")
            .bind(c.organization_id).fetch_all(pool).await?);
        let mut plan_facts = Vec::new();
        for p in plans {
            let start = day_start(p.starts_on)?;
            let after_end = day_start(p.ends_on.succ_opt().unwrap_or(p.ends_on))?;
            let disclosures = with_db!(db, pool => sqlx::query_as::<_, (NaiveDate, String)>(
                "SELECT disclosed_on, kind FROM charity_disclosures WHERE plan_id = $1 ORDER BY disclosed_on")
                .bind(p.id).fetch_all(pool).await?);
            plan_facts.push(PlanFacts {
                filing_no: p.filing_no,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                emergency: p.emergency.unwrap_or(false),
                donations_before_start: count_confirmed(db, p.id, start, true).await?,
                donations_after_end: count_confirmed(db, p.id, after_end, false).await?,
                disclosures: disclosures
                    .into_iter()
                    .map(|(d, k)| (d, k == "final"))
                    .collect(),
            });
        }
        out.push(CharityFacts {
            organization_id: c.organization_id,
            name: c.name,
            uscc: c.uscc,
            region_code: c.region_code,
            spending: SpendingFacts {
                year,
                public_fundraising: c.qualified_on.is_some_and(|q| q < y2),
                foundation: c.org_type == "foundation",
                last_year_income_fen: last_income,
                last_year_net_assets_fen: net_assets,
                charitable_fen: charitable,
                management_fen: management,
                fundraising_cost_fen: fundraising,
            },
            plans: plan_facts,
        });
    }
    Ok(out)
}
