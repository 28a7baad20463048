//! Fundraising plans (募捐方案): filing with the database-issued filing number, reading by
//! filing number, **the one rule** for the donation code ([`plan_open_for_donation`]), the
//! public list, details and disclosures (信息公开).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::super::model::closure::Closure;
use super::super::model::{self, Closed, Disclosure, Plan, rules};
use super::{charity, organization, unique_as};
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

const PLAN_COLS: &str = "id, filing_no, organization_id, title, purpose, target_fen, starts_on, ends_on, region_code, beneficiaries, status, filed_at";

/// What a plan says beyond the columns of `fundraising_plans`.
#[derive(Debug, Clone)]
pub struct PlanDetails {
    pub budget: String,
    pub contact: String,
    pub emergency: bool,
}

/// Files a plan: the filing number `浙民募备[year]NNNN` is the next serial of the year, taken
/// from the counter row in this transaction (concurrent filings queue on its lock; the UNIQUE
/// filing_no stands behind it). One filing per campaign: UNIQUE (organization, campaign key).
pub async fn file_plan(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: &Actor,
    plan: &Plan,
    details: &PlanDetails,
) -> AppResult<String> {
    let year = today.year();
    let filed_by = actor.user().map(|u| u.user_id);
    let key = model::campaign_key(&plan.title, plan.starts_on);
    let org_region = organization(db, plan.organization_id)
        .await?
        .map(|o| o.region_code);
    let no = with_tx!(db, tx => {
        let serial = sqlx::query_scalar::<_, i64>("INSERT INTO charity_serials (kind, year, last) VALUES ($1, $2, 1) \
            ON CONFLICT (kind, year) DO UPDATE SET last = charity_serials.last + 1 RETURNING last")
            .bind("filing").bind(year).fetch_one(&mut *tx).await?;
        let no = rules::serial_no(rules::FILING_NO_PREFIX, year, serial);
        sqlx::query("INSERT INTO fundraising_plans (id, filing_no, organization_id, title, purpose, target_fen, starts_on, ends_on, region_code, beneficiaries, status, filed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'filed', $11)")
            .bind(plan.id).bind(&no).bind(plan.organization_id).bind(&plan.title).bind(&plan.purpose)
            .bind(plan.target_fen).bind(plan.starts_on).bind(plan.ends_on).bind(&plan.region_code)
            .bind(&plan.beneficiaries).bind(now)
            .execute(&mut *tx).await
            .map_err(|e| unique_as(e, "filing_no", "charity.filing_no_taken", "备案编号已被占用，请重试", "The filing number was taken; try again"))?;
        sqlx::query("INSERT INTO fundraising_plan_details (plan_id, organization_id, campaign_key, budget, contact, emergency, filed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(plan.id).bind(plan.organization_id).bind(&key).bind(&details.budget).bind(&details.contact)
            .bind(details.emergency).bind(filed_by)
            .execute(&mut *tx).await
            .map_err(|e| unique_as(e, "title", "charity.campaign_filed", "该募捐活动已备案（一次募捐活动只备案一次）", "This campaign is already filed (one filing per campaign)"))?;
        tx.record(now, &Change {
            actor,
            action: "fundraising_plan.file",
            object_kind: "fundraising_plan",
            object_id: plan.id.to_string(),
            region_code: org_region.clone(),
            before: None,
            after: Some(json!({"filing_no": no, "organization_id": plan.organization_id, "target_fen": plan.target_fen,
                               "starts_on": plan.starts_on, "ends_on": plan.ends_on, "emergency": details.emergency})),
        }).await?;
        no
    });
    Ok(no)
}

/// The plan with this filing number (备案编号), whatever its status.
pub async fn plan_by_filing_no(db: &Db, filing_no: &str) -> AppResult<Option<Plan>> {
    let sql = format!("SELECT {PLAN_COLS} FROM fundraising_plans WHERE filing_no = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Plan>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(filing_no).fetch_optional(pool).await?),
    )
}

/// **The one rule for the donation code**: the plan `filing_no` takes donations on `today`
/// (the Asia/Shanghai date, `clock.today()`): it exists, is `filed`, `starts_on ≤ today ≤
/// ends_on`, and its organization is registered and still holds the public-fundraising
/// qualification ([`model::open_for_donation`]). Otherwise a 422 (`charity.plan.unknown`) or
/// 409 (`charity.plan.not_filed | not_started | ended | not_qualified`) naming `filing_no`, in
/// Chinese and English.
pub async fn plan_open_for_donation(db: &Db, filing_no: &str, today: NaiveDate) -> AppResult<Plan> {
    let plan = plan_by_filing_no(db, filing_no).await?.ok_or_else(|| {
        AppError::invalid(
            "filing_no",
            "charity.plan.unknown",
            "没有该备案编号的募捐方案",
            "No fundraising plan has this filing number",
        )
    })?;
    let org_status = organization(db, plan.organization_id)
        .await?
        .map(|o| o.status)
        .unwrap_or_default();
    let charity = charity(db, plan.organization_id).await?;
    model::open_for_donation(&plan, &org_status, charity.as_ref(), today).map_err(
        |c: Closed| AppError::Conflict {
            code: c.code().into(),
            field: Some("filing_no".into()),
            message: c.message(),
        },
    )?;
    Ok(plan)
}

/// A plan on the public list.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PlanItem {
    pub filing_no: String,
    pub title: String,
    pub organization_name: String,
    pub target_fen: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub region_code: String,
    pub status: String,
}

/// Plans, newest filing first; `prefix` limits to an organization region (LIKE pattern).
pub async fn list_plans(db: &Db, prefix: &str, limit: i64) -> AppResult<Vec<PlanItem>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, PlanItem>(
        "SELECT p.filing_no, p.title, o.name AS organization_name, p.target_fen, p.starts_on, p.ends_on, p.region_code, p.status \
         FROM fundraising_plans p JOIN organizations o ON o.id = p.organization_id \
         WHERE o.region_code LIKE $1 ORDER BY p.filed_at DESC, p.id DESC LIMIT $2")
        .bind(prefix).bind(limit).fetch_all(pool).await?))
}

#[derive(sqlx::FromRow)]
struct DetailsRow {
    budget: String,
    contact: String,
    emergency: bool,
}

/// Budget, contact and the emergency flag of a plan (empty for plans filed elsewhere).
pub async fn plan_details(db: &Db, plan: Uuid) -> AppResult<PlanDetails> {
    let row = with_db!(db, pool => sqlx::query_as::<_, DetailsRow>(
        "SELECT budget, contact, emergency FROM fundraising_plan_details WHERE plan_id = $1")
        .bind(plan).fetch_optional(pool).await?);
    Ok(row.map_or(
        PlanDetails {
            budget: String::new(),
            contact: String::new(),
            emergency: false,
        },
        |r| PlanDetails {
            budget: r.budget,
            contact: r.contact,
            emergency: r.emergency,
        },
    ))
}

pub async fn disclosures(db: &Db, plan: Uuid) -> AppResult<Vec<Disclosure>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Disclosure>(
        "SELECT id, kind, disclosed_on, summary FROM charity_disclosures WHERE plan_id = $1 ORDER BY disclosed_on, id")
        .bind(plan).fetch_all(pool).await?))
}

/// Records a disclosure (信息公开) of a plan.
pub async fn add_disclosure(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    plan: &Plan,
    region: &str,
    d: &Disclosure,
) -> AppResult<()> {
    let by = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO charity_disclosures (id, plan_id, kind, disclosed_on, summary, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(d.id).bind(plan.id).bind(&d.kind).bind(d.disclosed_on).bind(&d.summary).bind(by).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "fundraising_plan.disclose",
            object_kind: "fundraising_plan",
            object_id: plan.id.to_string(),
            region_code: Some(region.to_string()),
            before: None,
            after: Some(json!({"disclosure_id": d.id, "kind": d.kind, "disclosed_on": d.disclosed_on})),
        }).await?;
    });
    Ok(())
}

/// The plan named by its filing number (备案编号) or by its id, whatever its status.
pub async fn plan_by_key(db: &Db, key: &str) -> AppResult<Option<Plan>> {
    let key = key.trim();
    let Ok(id) = Uuid::parse_str(key) else {
        return plan_by_filing_no(db, key).await;
    };
    let sql = format!("SELECT {PLAN_COLS} FROM fundraising_plans WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Plan>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Closes a filed plan (`closed` or `withdrawn`), audited, with its reason. Only a plan still
/// `filed` changes: of two closings at once one wins, the other gets the conflict.
#[allow(clippy::too_many_arguments)]
pub async fn close_plan(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: &Actor,
    plan: &Plan,
    region: &str,
    status: &str,
    reason: &str,
) -> AppResult<()> {
    let by = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        let n = sqlx::query("UPDATE fundraising_plans SET status = $1 WHERE id = $2 AND status = 'filed'")
            .bind(status).bind(plan.id)
            .execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(already_closed());
        }
        sqlx::query("INSERT INTO fundraising_plan_closures (plan_id, status, closed_on, closed_at, closed_by, reason) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan.id).bind(status).bind(today).bind(now).bind(by).bind(reason)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "fundraising_plan.close",
            object_kind: "fundraising_plan",
            object_id: plan.id.to_string(),
            region_code: Some(region.to_string()),
            before: Some(json!({"status": plan.status})),
            after: Some(json!({"status": status, "closed_on": today, "reason": reason})),
        }).await?;
    });
    Ok(())
}

/// The refusal to close a plan that is closed or withdrawn already.
pub fn already_closed() -> AppError {
    AppError::conflict(
        "charity.plan.already_closed",
        "该募捐方案已结束或已撤回",
        "This fundraising plan is closed or withdrawn already",
    )
}

/// When, how and why the plan was closed (`None` while it is filed).
pub async fn closure(db: &Db, plan: Uuid) -> AppResult<Option<Closure>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Closure>(
        "SELECT status, closed_on, closed_at, reason FROM fundraising_plan_closures WHERE plan_id = $1")
        .bind(plan).fetch_optional(pool).await?))
}
