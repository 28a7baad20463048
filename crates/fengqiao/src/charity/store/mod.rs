//! SQL of the charity module, and only here. A decision is a conditional UPDATE on `pending`
//! (of two officers deciding at once, one wins and the other gets 409); filing and certificate
//! numbers come from a counter row incremented in the same transaction (the row lock orders
//! concurrent filings) and are UNIQUE besides; every write records its audit row and outbox
//! event in its own transaction.

mod plans;

pub use plans::{
    PlanDetails, PlanItem, add_disclosure, already_closed, close_plan, closure, disclosures,
    file_plan, list_plans, plan_by_filing_no, plan_by_key, plan_details, plan_open_for_donation,
};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{Application, Charity, Kind, OrgFacts, rules};
use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Actor, Listing};
use crate::platform::db::Db;
use crate::platform::error::Bilingual;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

const ORG_COLS: &str =
    "id, uscc, name, org_type, region_code, status, registered_on, purpose, tax_deductible";
const CHARITY_COLS: &str =
    "organization_id, recognized_on, qualified_on, qualification_no, qualification_revoked_on";
const APP_COLS: &str = "id, kind, organization_id, region_code, state, statement, submitted_on, deadline, decided_on, decided_by, decision_reason, created_at";

fn lost_race() -> AppError {
    AppError::conflict(
        "charity.state_changed",
        "该申请已被他人处理，请刷新后查看",
        "Someone else has decided this application; reload it",
    )
}

/// A unique violation becomes a conflict naming `field`; anything else stays what it was.
fn unique_as(e: sqlx::Error, field: &str, code: &str, zh: &str, en: &str) -> AppError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        return AppError::Conflict {
            code: code.into(),
            field: Some(field.into()),
            message: Bilingual::new(zh, en),
        };
    }
    e.into()
}

/// The region of a charity application, for the access check.
/// A charity application's region, applicant and organization, for the access check.
pub async fn application_scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ScopeRow>(
        "SELECT region_code, applicant_user_id, organization_id FROM charity_applications WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

/// The region of the organization that filed a plan (named by its filing number or its id)
/// and the organization, for the access check.
pub async fn plan_scope(db: &Db, key: &str) -> AppResult<Option<ScopeRow>> {
    const SQL: &str = "SELECT o.region_code, CAST(NULL AS uuid) AS applicant_user_id, p.organization_id \
         FROM fundraising_plans p JOIN organizations o ON o.id = p.organization_id WHERE ";
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        let sql = format!("{SQL}p.id = $1");
        return Ok(
            with_db!(db, pool => sqlx::query_as::<_, ScopeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id).fetch_optional(pool).await?),
        );
    }
    let sql = format!("{SQL}p.filing_no = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, ScopeRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(key).fetch_optional(pool).await?),
    )
}

pub async fn organization_by_uscc(db: &Db, uscc: &str) -> AppResult<Option<OrgFacts>> {
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE uscc = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgFacts>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(uscc).fetch_optional(pool).await?),
    )
}

pub async fn organization(db: &Db, id: Uuid) -> AppResult<Option<OrgFacts>> {
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgFacts>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// The charity row of an organization (None: not a charity).
pub async fn charity(db: &Db, org: Uuid) -> AppResult<Option<Charity>> {
    let sql = format!("SELECT {CHARITY_COLS} FROM charities WHERE organization_id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Charity>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org).fetch_optional(pool).await?),
    )
}

/// An organization of a region with its charity status, for the organization's side.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgStatus {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: String,
    pub status: String,
    pub recognized_on: Option<NaiveDate>,
    pub qualified_on: Option<NaiveDate>,
    pub qualification_no: Option<String>,
}

/// Registered organizations that may be charities, inside `prefix` (a LIKE pattern), by name;
/// with `acting_user`, only those that account acts for (`organization_accounts`).
pub async fn organizations_in(
    db: &Db,
    prefix: &str,
    acting_user: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<OrgStatus>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, OrgStatus>(
        "SELECT o.id, o.uscc, o.name, o.org_type, o.status, c.recognized_on, c.qualified_on, c.qualification_no \
         FROM organizations o LEFT JOIN charities c ON c.organization_id = o.id \
         WHERE o.region_code LIKE $1 AND o.status = 'registered' AND o.org_type IN ('social_group', 'foundation', 'social_service_agency') \
           AND ($3 IS NULL OR EXISTS (SELECT 1 FROM organization_accounts oa WHERE oa.organization_id = o.id AND oa.user_id = $3)) \
         ORDER BY c.recognized_on IS NULL, o.name, o.id LIMIT $2")
        .bind(prefix).bind(limit).bind(acting_user).fetch_all(pool).await?))
}

pub async fn get_application(db: &Db, id: Uuid) -> AppResult<Option<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM charity_applications WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Applications inside `prefix`, pending first (oldest deadline first), then the newest.
/// The charity applications a list shows (see [`Listing`]), pending first by deadline.
pub async fn list_applications(
    db: &Db,
    listing: &Listing,
    limit: i64,
) -> AppResult<Vec<Application>> {
    let sql = format!(
        "SELECT {APP_COLS} FROM charity_applications WHERE {} \
         ORDER BY state <> 'pending', deadline, created_at DESC, id LIMIT $3",
        Listing::CONDITION
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(listing.region_prefix()).bind(listing.account()).bind(limit).fetch_all(pool).await?),
    )
}

/// Files an application (pending). A second pending application of the same kind for the
/// organization is refused by the database (partial UNIQUE index).
pub async fn create_application(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    app: &Application,
) -> AppResult<()> {
    let applicant = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO charity_applications (id, kind, organization_id, region_code, state, statement, submitted_on, deadline, applicant_user_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $9)")
            .bind(app.id).bind(&app.kind).bind(app.organization_id).bind(&app.region_code)
            .bind(&app.statement).bind(app.submitted_on).bind(app.deadline).bind(applicant).bind(now)
            .execute(&mut *tx).await
            .map_err(|e| unique_as(e, "organization_uscc", "charity.pending_exists",
                "该组织已有同类申请正在办理", "This organization already has a pending application of this kind"))?;
        tx.record(now, &Change {
            actor,
            action: "charity_application.create",
            object_kind: "charity_application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: None,
            after: Some(json!({"kind": app.kind, "organization_id": app.organization_id, "deadline": app.deadline})),
        }).await?;
    });
    Ok(())
}

/// The decision. `pending` → approved/refused, or 409 when another officer decided first.
/// Approval of a recognition makes the organization a charity (recognized_on = today) and, in
/// Zhejiang, eligible for tax-deductible receipts; approval of a qualification issues the
/// certificate number `浙民募证[year]NNNN` from the counter. Returns the certificate number.
pub async fn decide(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: &Actor,
    app: &Application,
    approve: bool,
    reason: &str,
) -> AppResult<Option<String>> {
    let state = if approve { "approved" } else { "refused" };
    let out = with_tx!(db, tx => {
        let n = sqlx::query("UPDATE charity_applications SET state = $1, decided_on = $2, decided_by = $3, decision_reason = $4, updated_at = $5 WHERE id = $6 AND state = 'pending'")
            .bind(state).bind(today).bind(actor.audit_name()).bind(reason).bind(now).bind(app.id)
            .execute(&mut *tx).await?.rows_affected();
        if n != 1 {
            return Err(lost_race());
        }
        let mut number = None;
        if approve {
            match app.kind() {
                Kind::Recognition => {
                    sqlx::query("INSERT INTO charities (organization_id, recognized_on, recognition_id, updated_at) VALUES ($1, $2, $3, $4)")
                        .bind(app.organization_id).bind(today).bind(app.id).bind(now)
                        .execute(&mut *tx).await
                        .map_err(|e| unique_as(e, "organization_uscc", "charity.already_charity",
                            "该组织已是慈善组织", "This organization is already a charity"))?;
                    sqlx::query("UPDATE organizations SET tax_deductible = $1, updated_at = $2 WHERE id = $3")
                        .bind(rules::TAX_DEDUCTIBLE_ON_RECOGNITION).bind(now).bind(app.organization_id)
                        .execute(&mut *tx).await?;
                }
                Kind::Qualification => {
                    let serial = sqlx::query_scalar::<_, i64>("INSERT INTO charity_serials (kind, year, last) VALUES ($1, $2, 1) \
                        ON CONFLICT (kind, year) DO UPDATE SET last = charity_serials.last + 1 RETURNING last")
                        .bind("qualification").bind(today.year()).fetch_one(&mut *tx).await?;
                    let no = rules::serial_no(rules::QUALIFICATION_NO_PREFIX, today.year(), serial);
                    let n = sqlx::query("UPDATE charities SET qualified_on = $1, qualification_no = $2, qualification_id = $3, qualification_revoked_on = NULL, updated_at = $4 \
                                         WHERE organization_id = $5 AND (qualified_on IS NULL OR qualification_revoked_on IS NOT NULL)")
                        .bind(today).bind(&no).bind(app.id).bind(now).bind(app.organization_id)
                        .execute(&mut *tx).await?.rows_affected();
                    if n != 1 {
                        return Err(AppError::conflict("charity.not_eligible", "该组织不是慈善组织或已取得公开募捐资格", "Not a charity, or already qualified"));
                    }
                    number = Some(no);
                }
            }
        }
        tx.record(now, &Change {
            actor,
            action: if approve { "charity_application.approve" } else { "charity_application.refuse" },
            object_kind: "charity_application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: Some(json!({"state": "pending"})),
            after: Some(json!({"state": state, "reason": reason, "qualification_no": number})),
        }).await?;
        if approve {
            tx.record(now, &Change {
                actor,
                action: match app.kind() { Kind::Recognition => "charity.recognize", Kind::Qualification => "charity.qualify" },
                object_kind: "organization",
                object_id: app.organization_id.to_string(),
                region_code: Some(app.region_code.clone()),
                before: None,
                after: Some(json!({"on": today, "qualification_no": number})),
            }).await?;
        }
        number
    });
    Ok(out)
}

/// Whether the division code is in the division table.
pub async fn region_exists(db: &Db, code: &str) -> AppResult<bool> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM regions WHERE code = $1")
        .bind(code).fetch_one(pool).await?)
            > 0,
    )
}

/// A demo organization that is a charity (demo data only).
#[derive(Debug, Clone)]
pub struct DemoCharity {
    pub id: Uuid,
    pub uscc: String,
    pub name: String,
    pub org_type: String,
    pub region_code: String,
    pub registered_on: NaiveDate,
    /// None: a registered organization that is not a charity (yet).
    pub recognized_on: Option<NaiveDate>,
    pub qualified_on: Option<NaiveDate>,
}

/// Writes a demo organization with its charity row and, when qualified, its certificate
/// number (from the same counter as real ones), audited like any change.
pub async fn demo_charity(db: &Db, now: DateTime<Utc>, c: &DemoCharity) -> AppResult<()> {
    let actor = Actor::Public;
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose, address, tax_deductible, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'charity', $5, 'registered', $6, '慈善募捐 救助帮困', '扶贫济困，扶老助残，助学', '', $7, $8, $8)")
            .bind(c.id).bind(&c.uscc).bind(&c.name).bind(&c.org_type).bind(&c.region_code)
            .bind(c.registered_on).bind(c.recognized_on.is_some() && rules::TAX_DEDUCTIBLE_ON_RECOGNITION).bind(now)
            .execute(&mut *tx).await?;
        let mut no = None;
        if let Some(q) = c.qualified_on {
            let serial = sqlx::query_scalar::<_, i64>("INSERT INTO charity_serials (kind, year, last) VALUES ($1, $2, 1) \
                ON CONFLICT (kind, year) DO UPDATE SET last = charity_serials.last + 1 RETURNING last")
                .bind("qualification").bind(q.year()).fetch_one(&mut *tx).await?;
            no = Some(rules::serial_no(rules::QUALIFICATION_NO_PREFIX, q.year(), serial));
        }
        if let Some(on) = c.recognized_on {
            sqlx::query("INSERT INTO charities (organization_id, recognized_on, qualified_on, qualification_no, updated_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(c.id).bind(on).bind(c.qualified_on).bind(&no).bind(now)
                .execute(&mut *tx).await?;
        }
        tx.record(now, &Change {
            actor: &actor,
            action: "charity.demo",
            object_kind: "organization",
            object_id: c.id.to_string(),
            region_code: Some(c.region_code.clone()),
            before: None,
            after: Some(json!({"uscc": c.uscc, "recognized_on": c.recognized_on, "qualification_no": no})),
        }).await?;
    });
    Ok(())
}
