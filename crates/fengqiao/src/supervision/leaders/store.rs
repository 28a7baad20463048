//! SQL of leader management (负责人管理), and only here. Each write records its audit row and
//! outbox event in its own transaction; closing an action is a conditional UPDATE on its open
//! state (of two officers at once one wins, the other gets 409); a departure audit's report
//! number and a year's 述职 are unique by constraint, not by a check before the insert.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::files::{Attach, NewFile, Upload};
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

/// The object kind of a departure audit's report in the file store.
pub const AUDIT_FILES: &str = "supervision.departure_audit";

/// A leader action as stored and shown.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = LeaderAction)]
pub struct ActionRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub person_id: Uuid,
    /// summons 约谈 | warning 警告 | order_replace 责令撤换 | practice_ban 从业禁止
    pub kind: String,
    pub decided_on: NaiveDate,
    pub document: String,
    pub facts: String,
    pub due_on: Option<NaiveDate>,
    pub ban_until: Option<NaiveDate>,
    /// open 跟进中 | done 已办结
    pub state: String,
    pub follow_up: String,
    pub done_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
}

/// A departure audit (离任审计) on file.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = DepartureAudit)]
pub struct AuditRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub person_id: Uuid,
    pub auditor: String,
    pub report_no: String,
    pub report_date: NaiveDate,
    pub conclusion: String,
    pub recorded_at: DateTime<Utc>,
}

/// A legal representative's yearly report (述职).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = DutyReport)]
pub struct DutyReportRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub person_id: Uuid,
    pub year: i32,
    pub reported_on: NaiveDate,
    pub summary: String,
    pub recorded_at: DateTime<Utc>,
}

/// The columns of each row type, in one place for its queries (literal SQL, as sqlx wants).
macro_rules! action_cols {
    () => {
        "id, organization_id, region_code, person_id, kind, decided_on, document, facts, due_on, ban_until, state, follow_up, done_on, recorded_at"
    };
}
macro_rules! audit_cols {
    () => {
        "id, organization_id, region_code, person_id, auditor, report_no, report_date, conclusion, recorded_at"
    };
}

pub async fn actions_of(db: &Db, organization_id: Uuid) -> AppResult<Vec<ActionRow>> {
    const SQL: &str = concat!(
        "SELECT ",
        action_cols!(),
        " FROM leader_actions WHERE organization_id = $1 ORDER BY decided_on DESC, id DESC"
    );
    Ok(with_db!(db, pool => sqlx::query_as::<_, ActionRow>(SQL)
        .bind(organization_id).fetch_all(pool).await?))
}

pub async fn audits_of(db: &Db, organization_id: Uuid) -> AppResult<Vec<AuditRow>> {
    const SQL: &str = concat!(
        "SELECT ",
        audit_cols!(),
        " FROM departure_audits WHERE organization_id = $1 ORDER BY report_date DESC, id DESC"
    );
    Ok(with_db!(db, pool => sqlx::query_as::<_, AuditRow>(SQL)
        .bind(organization_id).fetch_all(pool).await?))
}

pub async fn duty_reports_of(db: &Db, organization_id: Uuid) -> AppResult<Vec<DutyReportRow>> {
    const SQL: &str = "SELECT id, organization_id, region_code, person_id, year, reported_on, summary, recorded_at \
                       FROM duty_reports WHERE organization_id = $1 ORDER BY year DESC, id DESC";
    Ok(with_db!(db, pool => sqlx::query_as::<_, DutyReportRow>(SQL)
        .bind(organization_id).fetch_all(pool).await?))
}

/// The departure audits of one person's terms in one organization.
pub async fn audits_of_person(
    db: &Db,
    organization_id: Uuid,
    person_id: Uuid,
) -> AppResult<Vec<AuditRow>> {
    const SQL: &str = concat!(
        "SELECT ",
        audit_cols!(),
        " FROM departure_audits WHERE organization_id = $1 AND person_id = $2 ORDER BY report_date DESC"
    );
    Ok(with_db!(db, pool => sqlx::query_as::<_, AuditRow>(SQL)
        .bind(organization_id).bind(person_id).fetch_all(pool).await?))
}

fn by(actor: &Actor) -> Option<Uuid> {
    actor.user().map(|u| u.user_id)
}

/// Records an action, audited.
pub async fn insert_action(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    a: &ActionRow,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO leader_actions (id, organization_id, region_code, person_id, kind, decided_on, document, facts, due_on, ban_until, state, follow_up, done_on, recorded_by, recorded_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', '', NULL, $11, $12, $12)")
            .bind(a.id).bind(a.organization_id).bind(&a.region_code).bind(a.person_id).bind(&a.kind)
            .bind(a.decided_on).bind(&a.document).bind(&a.facts).bind(a.due_on).bind(a.ban_until)
            .bind(by(actor)).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "supervision.leader_action",
            object_kind: "leader_action",
            object_id: a.id.to_string(),
            region_code: Some(a.region_code.clone()),
            before: None,
            after: Some(json!({"organization_id": a.organization_id, "person_id": a.person_id, "kind": a.kind,
                "decided_on": a.decided_on, "document": a.document, "due_on": a.due_on, "ban_until": a.ban_until})),
        }).await?;
    });
    Ok(())
}

/// Closes an open action of the organization with its follow-up: `Ok(false)` when no open
/// action of that organization has the id (closed already, or another's).
pub async fn close_action(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    (organization_id, id): (Uuid, Uuid),
    follow_up: &str,
    done_on: NaiveDate,
) -> AppResult<bool> {
    let closed = with_tx!(db, tx => {
        let done = sqlx::query("UPDATE leader_actions SET state = 'done', follow_up = $3, done_on = $4, updated_at = $5 \
                                WHERE id = $1 AND organization_id = $2 AND state = 'open'")
            .bind(id).bind(organization_id).bind(follow_up).bind(done_on).bind(now)
            .execute(&mut *tx).await?;
        if done.rows_affected() == 1 {
            let region: String = sqlx::query_scalar("SELECT region_code FROM leader_actions WHERE id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            tx.record(now, &Change {
                actor,
                action: "supervision.leader_action.close",
                object_kind: "leader_action",
                object_id: id.to_string(),
                region_code: Some(region),
                before: Some(json!({"state": "open"})),
                after: Some(json!({"state": "done", "follow_up": follow_up, "done_on": done_on})),
            }).await?;
        }
        done.rows_affected() == 1
    });
    Ok(closed)
}

fn duplicate(e: sqlx::Error, field: &str, zh: &str, en: &str) -> AppError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict {
            code: format!("supervision.{field}_taken"),
            field: Some(field.to_string()),
            message: crate::platform::error::Bilingual::new(zh, en),
        },
        _ => e.into(),
    }
}

/// Files a departure audit with its report's file (if any), audited; a report number already on
/// file for the organization is a 409 on `report_no`.
pub async fn insert_audit(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    a: &AuditRow,
    file: Option<(Uuid, &Upload)>,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO departure_audits (id, organization_id, region_code, person_id, auditor, report_no, report_date, conclusion, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(a.id).bind(a.organization_id).bind(&a.region_code).bind(a.person_id).bind(&a.auditor)
            .bind(&a.report_no).bind(a.report_date).bind(&a.conclusion).bind(by(actor)).bind(now)
            .execute(&mut *tx).await
            .map_err(|e| duplicate(e, "report_no", "该审计报告编号已备案", "An audit report with this number is on file"))?;
        if let Some((file_id, upload)) = file {
            tx.attach(now, &NewFile {
                id: file_id,
                upload,
                object_kind: AUDIT_FILES,
                object_id: &a.id.to_string(),
                uploaded_by: by(actor),
            }).await?;
        }
        tx.record(now, &Change {
            actor,
            action: "supervision.departure_audit",
            object_kind: "departure_audit",
            object_id: a.id.to_string(),
            region_code: Some(a.region_code.clone()),
            before: None,
            after: Some(json!({"organization_id": a.organization_id, "person_id": a.person_id, "auditor": a.auditor,
                "report_no": a.report_no, "report_date": a.report_date, "file": file.map(|(id, u)| json!({"id": id, "sha256": u.sha256}))})),
        }).await?;
    });
    Ok(())
}

/// Records a 述职, audited; a second one for the same person and year is a 409 on `year`.
pub async fn insert_duty_report(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    r: &DutyReportRow,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO duty_reports (id, organization_id, region_code, person_id, year, reported_on, summary, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(r.id).bind(r.organization_id).bind(&r.region_code).bind(r.person_id).bind(r.year)
            .bind(r.reported_on).bind(&r.summary).bind(by(actor)).bind(now)
            .execute(&mut *tx).await
            .map_err(|e| duplicate(e, "year", "该年度的述职已记录", "This year's report is already recorded"))?;
        tx.record(now, &Change {
            actor,
            action: "supervision.duty_report",
            object_kind: "duty_report",
            object_id: r.id.to_string(),
            region_code: Some(r.region_code.clone()),
            before: None,
            after: Some(json!({"organization_id": r.organization_id, "person_id": r.person_id, "year": r.year, "reported_on": r.reported_on})),
        }).await?;
    });
    Ok(())
}
