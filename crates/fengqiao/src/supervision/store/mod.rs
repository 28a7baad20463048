//! SQL of the supervision module, and only here. Every step of a report is a conditional
//! UPDATE on the state it leaves (of two reviewers at once one wins, the other gets 409); every
//! write records its audit row and outbox event in its own transaction.

pub mod facts;
mod late;
pub mod warnings;
pub use late::not_submitted_by;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{ListItem, OrgFacts, ReportContent, ReportRow, Status};
use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Actor, Listing};
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

/// The content columns, in the order [`bind_content!`] binds them.
pub const CONTENT_COLS: [&str; 26] = [
    "activities",
    "general_assembly_meetings",
    "council_meetings",
    "supervisory_board_meetings",
    "staff_count",
    "volunteer_count",
    "party_work",
    "total_assets_fen",
    "total_liabilities_fen",
    "restricted_net_assets_fen",
    "unrestricted_net_assets_fen",
    "total_net_assets_fen",
    "income_donations_fen",
    "income_government_fen",
    "income_services_fen",
    "income_dues_fen",
    "income_investment_fen",
    "income_other_fen",
    "total_income_fen",
    "expense_activities_fen",
    "expense_management_fen",
    "expense_fundraising_fen",
    "expense_other_fen",
    "total_expenses_fen",
    "related_party_total_fen",
    "large_items",
];

macro_rules! bind_content {
    ($q:expr, $c:expr, $items:expr) => {{
        let b = &$c.body;
        let s = &$c.statements;
        $q.bind(&b.activities)
            .bind(b.general_assembly_meetings)
            .bind(b.council_meetings)
            .bind(b.supervisory_board_meetings)
            .bind(b.staff_count)
            .bind(b.volunteer_count)
            .bind(&b.party_work)
            .bind(s.total_assets_fen)
            .bind(s.total_liabilities_fen)
            .bind(s.restricted_net_assets_fen)
            .bind(s.unrestricted_net_assets_fen)
            .bind(s.total_net_assets_fen)
            .bind(s.income_donations_fen)
            .bind(s.income_government_fen)
            .bind(s.income_services_fen)
            .bind(s.income_dues_fen)
            .bind(s.income_investment_fen)
            .bind(s.income_other_fen)
            .bind(s.total_income_fen)
            .bind(s.expense_activities_fen)
            .bind(s.expense_management_fen)
            .bind(s.expense_fundraising_fen)
            .bind(s.expense_other_fen)
            .bind(s.total_expenses_fen)
            .bind(s.related_party_total_fen)
            .bind($items)
    }};
}

const META_COLS: &str = "id, organization_id, region_code, year, version, status, supervisory_unit, supervisory_department_id, submitted_at, submitted_on, supervisory_comment, supervisory_reviewer_id, supervisory_reviewed_at, decision_comment, decided_by, decided_at, created_at, updated_at";

fn report_cols() -> String {
    format!("{META_COLS}, {}", CONTENT_COLS.join(", "))
}

const ORG_COLS: &str =
    "id, uscc, name, org_type, region_code, status, registered_on, supervisory_unit";

fn items_json(c: &ReportContent) -> AppResult<String> {
    serde_json::to_string(&c.large_items).map_err(|e| AppError::Internal(e.into()))
}

fn lost_race() -> AppError {
    AppError::conflict(
        "supervision.state_changed",
        "该年报的状态已改变，请刷新后查看",
        "The report's state has changed; reload it",
    )
}

/// `content = $n, …` from `$first` on, for an UPDATE.
fn content_sets(first: usize) -> String {
    CONTENT_COLS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A report's region and organization, for the access check.
pub async fn report_scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ScopeRow>(
        "SELECT region_code, CAST(NULL AS uuid) AS applicant_user_id, organization_id FROM annual_reports WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub async fn organization(db: &Db, id: Uuid) -> AppResult<Option<OrgFacts>> {
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgFacts>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn organization_by_uscc(db: &Db, uscc: &str) -> AppResult<Option<OrgFacts>> {
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE uscc = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgFacts>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(uscc).fetch_optional(pool).await?),
    )
}

/// The organizations an org_admin acts for (`organization_accounts`), by name.
pub async fn organizations_of(db: &Db, user_id: Uuid) -> AppResult<Vec<OrgFacts>> {
    let sql = format!(
        "SELECT {ORG_COLS} FROM organizations WHERE id IN (SELECT organization_id FROM organization_accounts WHERE user_id = $1) ORDER BY name"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgFacts>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(user_id).fetch_all(pool).await?),
    )
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<ReportRow>> {
    let sql = format!("SELECT {} FROM annual_reports WHERE id = $1", report_cols());
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Every version of an organization's report on `year`, oldest first.
pub async fn versions(db: &Db, organization_id: Uuid, year: i32) -> AppResult<Vec<ReportRow>> {
    let sql = format!(
        "SELECT {} FROM annual_reports WHERE organization_id = $1 AND year = $2 ORDER BY version",
        report_cols()
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(organization_id).bind(year).fetch_all(pool).await?),
    )
}

/// The passed versions of an organization's reports (published, §4), newest year first and
/// the latest version of each year only.
pub async fn published(db: &Db, organization_id: Uuid) -> AppResult<Vec<ReportRow>> {
    let sql = format!(
        "SELECT {} FROM annual_reports r WHERE organization_id = $1 AND status IN ('passed', 'passed_with_corrections') \
         AND version = (SELECT MAX(version) FROM annual_reports x WHERE x.organization_id = r.organization_id AND x.year = r.year \
                        AND x.status IN ('passed', 'passed_with_corrections')) \
         ORDER BY year DESC",
        report_cols()
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(organization_id).fetch_all(pool).await?),
    )
}

/// The day the organization first submitted its report on `year`, if ever (rule 14: the first
/// submission counts).
pub async fn first_submitted_on(
    db: &Db,
    organization_id: Uuid,
    year: i32,
) -> AppResult<Option<NaiveDate>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, Option<NaiveDate>>(
        "SELECT MIN(submitted_on) FROM annual_reports WHERE organization_id = $1 AND year = $2")
        .bind(organization_id).bind(year).fetch_one(pool).await?),
    )
}

/// Reports the actor may list (officers: of their region; an organization account: of its
/// organizations), optionally of one year and one status, newest first.
pub async fn list(
    db: &Db,
    listing: &Listing,
    year: Option<i32>,
    status: Option<Status>,
    limit: i64,
) -> AppResult<Vec<ListItem>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ListItem>(
        "SELECT r.id, r.organization_id, o.name AS organization_name, o.uscc, o.org_type, r.region_code, r.year, r.version, \
                r.status, r.submitted_on, r.supervisory_unit \
         FROM annual_reports r JOIN organizations o ON o.id = r.organization_id \
         WHERE (r.region_code LIKE $1 OR r.organization_id IN (SELECT organization_id FROM organization_accounts WHERE user_id = $2)) \
           AND ($3 IS NULL OR r.year = $3) AND ($4 IS NULL OR r.status = $4) \
         ORDER BY r.year DESC, o.name, r.version DESC LIMIT $5")
        .bind(listing.region_prefix()).bind(listing.account())
        .bind(year).bind(status.map(Status::key)).bind(limit)
        .fetch_all(pool).await?))
}

/// A new draft (version 1, or the next version of a corrected report), audited.
pub async fn insert_draft(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    row: &ReportRow,
    content: &ReportContent,
    action: &str,
) -> AppResult<()> {
    let items = items_json(content)?;
    let cols = CONTENT_COLS.join(", ");
    let params: Vec<String> = (7..7 + CONTENT_COLS.len())
        .map(|i| format!("${i}"))
        .collect();
    let sql = format!(
        "INSERT INTO annual_reports (id, organization_id, region_code, year, version, status, created_by, created_at, updated_at, {cols}) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, ${n}, ${n}, {})",
        params.join(", "),
        n = 7 + CONTENT_COLS.len()
    );
    let created_by = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(row.id).bind(row.organization_id).bind(&row.region_code).bind(row.year).bind(row.version).bind(created_by);
        bind_content!(q, content, &items).bind(now).execute(&mut *tx).await.map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                AppError::Conflict {
                    code: "supervision.report_exists".into(),
                    field: Some("year".into()),
                    message: crate::platform::error::Bilingual::new(
                        "该组织该年度的年报已在办理中", "This organization's report on this year is already in work"),
                }
            } else {
                e.into()
            }
        })?;
        tx.record(now, &Change {
            actor,
            action,
            object_kind: "annual_report",
            object_id: row.id.to_string(),
            region_code: Some(row.region_code.clone()),
            before: None,
            after: Some(json!({"organization_id": row.organization_id, "year": row.year, "version": row.version, "status": "draft"})),
        }).await?;
    });
    Ok(())
}

/// What a submission sets besides the content.
pub struct Submission<'a> {
    pub today: NaiveDate,
    pub supervisory_unit: Option<&'a str>,
    pub supervisory_department_id: Option<&'a str>,
}

/// Saves a draft's content (`submit`: and submits it), on `draft` only, audited.
pub async fn save(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    row: &ReportRow,
    content: &ReportContent,
    submit: Option<&Submission<'_>>,
) -> AppResult<()> {
    let items = items_json(content)?;
    let n = CONTENT_COLS.len();
    let sets = content_sets(3);
    let sql = match submit {
        None => format!(
            "UPDATE annual_reports SET updated_at = $2, {sets} WHERE id = $1 AND status = 'draft'"
        ),
        Some(_) => format!(
            "UPDATE annual_reports SET updated_at = $2, {sets}, status = 'submitted', submitted_at = $2, submitted_on = ${}, \
             supervisory_unit = ${}, supervisory_department_id = ${} WHERE id = $1 AND status = 'draft'",
            3 + n,
            4 + n,
            5 + n
        ),
    };
    let (action, status) = match submit {
        None => ("annual_report.save", "draft"),
        Some(_) => ("annual_report.submit", "submitted"),
    };
    with_tx!(db, tx => {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(row.id).bind(now);
        let q = bind_content!(q, content, &items);
        let done = match submit {
            None => q.execute(&mut *tx).await?,
            Some(s) => q.bind(s.today).bind(s.supervisory_unit).bind(s.supervisory_department_id).execute(&mut *tx).await?,
        };
        if done.rows_affected() != 1 {
            return Err(lost_race());
        }
        tx.record(now, &Change {
            actor,
            action,
            object_kind: "annual_report",
            object_id: row.id.to_string(),
            region_code: Some(row.region_code.clone()),
            before: Some(json!({"status": row.status})),
            after: Some(json!({"status": status, "statements": content.statements, "submitted_on": submit.map(|s| s.today)})),
        }).await?;
    });
    Ok(())
}

/// The 业务主管单位's review: `submitted` → `supervisory_passed` or `failed`, audited.
pub async fn supervisory_review(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    row: &ReportRow,
    to: Status,
    comment: &str,
) -> AppResult<()> {
    let reviewer = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        let done = sqlx::query(
            "UPDATE annual_reports SET status = $2, supervisory_comment = $3, supervisory_reviewer_id = $4, supervisory_reviewed_at = $5, updated_at = $5 \
             WHERE id = $1 AND status = 'submitted' AND supervisory_unit IS NOT NULL")
            .bind(row.id).bind(to.key()).bind(comment).bind(reviewer).bind(now)
            .execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Err(lost_race());
        }
        tx.record(now, &Change {
            actor,
            action: "annual_report.supervisory_review",
            object_kind: "annual_report",
            object_id: row.id.to_string(),
            region_code: Some(row.region_code.clone()),
            before: Some(json!({"status": row.status})),
            after: Some(json!({"status": to.key(), "comment": comment})),
        }).await?;
    });
    Ok(())
}

/// The registration authority's decision: from `supervisory_passed`, or from `submitted` when
/// the organization has no 业务主管单位; audited.
pub async fn decide(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    row: &ReportRow,
    to: Status,
    comment: &str,
) -> AppResult<()> {
    let officer = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        let done = sqlx::query(
            "UPDATE annual_reports SET status = $2, decision_comment = $3, decided_by = $4, decided_at = $5, updated_at = $5 \
             WHERE id = $1 AND (status = 'supervisory_passed' OR (status = 'submitted' AND supervisory_unit IS NULL))")
            .bind(row.id).bind(to.key()).bind(comment).bind(officer).bind(now)
            .execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Err(lost_race());
        }
        tx.record(now, &Change {
            actor,
            action: "annual_report.decide",
            object_kind: "annual_report",
            object_id: row.id.to_string(),
            region_code: Some(row.region_code.clone()),
            before: Some(json!({"status": row.status})),
            after: Some(json!({"status": to.key(), "comment": comment})),
        }).await?;
    });
    Ok(())
}

/// Demo data: a report row as it stands after its steps, written directly (no audit rows, as
/// the other modules' demo data). A row whose id exists is kept.
pub async fn insert_demo(db: &Db, row: &ReportRow, content: &ReportContent) -> AppResult<()> {
    let items = items_json(content)?;
    let n = CONTENT_COLS.len();
    let params: Vec<String> = (1..=18 + n).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO annual_reports ({META_COLS}, {}) VALUES ({}) ON CONFLICT (id) DO NOTHING",
        CONTENT_COLS.join(", "),
        params.join(", ")
    );
    with_tx!(db, tx => {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(row.id).bind(row.organization_id).bind(&row.region_code).bind(row.year).bind(row.version)
            .bind(&row.status).bind(&row.supervisory_unit).bind(&row.supervisory_department_id)
            .bind(row.submitted_at).bind(row.submitted_on).bind(&row.supervisory_comment)
            .bind(row.supervisory_reviewer_id).bind(row.supervisory_reviewed_at).bind(&row.decision_comment)
            .bind(row.decided_by).bind(row.decided_at).bind(row.created_at).bind(row.updated_at);
        bind_content!(q, content, &items).execute(&mut *tx).await?;
    });
    Ok(())
}

/// Demo data: registered organizations of the regions under `prefix` that report, those an
/// account acts for first, then by credit code; at most `limit`.
pub async fn demo_organizations(db: &Db, prefix: &str, limit: i64) -> AppResult<Vec<OrgFacts>> {
    let sql = format!(
        "SELECT {ORG_COLS} FROM organizations o WHERE status = 'registered' AND registered_on IS NOT NULL \
         AND org_type IN ('social_group', 'social_service_agency', 'foundation') AND region_code LIKE $1 \
         ORDER BY CASE WHEN EXISTS (SELECT 1 FROM organization_accounts a WHERE a.organization_id = o.id) THEN 0 ELSE 1 END, uscc, id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, OrgFacts>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(prefix).bind(limit).fetch_all(pool).await?),
    )
}

/// The registered funds (注册资金) of an organization, when the register has them.
pub async fn registered_funds(db: &Db, id: Uuid) -> AppResult<Option<i64>> {
    let row: Option<(Option<i64>,)> = with_db!(db, pool => sqlx::query_as(
        "SELECT registered_funds_fen FROM organizations WHERE id = $1")
        .bind(id).fetch_optional(pool).await?);
    Ok(row.and_then(|r| r.0))
}

/// Whether an organization has any report on `year` (demo data skips it).
pub async fn has_report(db: &Db, organization_id: Uuid, year: i32) -> AppResult<bool> {
    let n: i64 = with_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM annual_reports WHERE organization_id = $1 AND year = $2")
        .bind(organization_id).bind(year).fetch_one(pool).await?);
    Ok(n > 0)
}
