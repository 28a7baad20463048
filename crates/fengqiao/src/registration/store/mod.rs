//! SQL for the registry. Every change of state is a conditional UPDATE on the state that was
//! read (`… WHERE state = $expected`): when another actor got there first no row matches and the
//! caller gets a conflict; the audit row and the outbox event go in the same transaction.

mod approve;
pub mod governance;
mod leaders;
pub mod overdue;
pub mod sealing;
pub use approve::{USCC_ATTEMPTS, approve};
pub use leaders::{LeaderPerson, leader_persons, proposed_legal_rep};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{
    Application, HistoryEntry, Leader, NamedPerson, Objection, OrgType, Organization, PublicPerson,
    ReviewStep, State, Step,
};
use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Actor, Listing};
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

const APP_COLS: &str = "id, kind, state, org_type, category, name, region_code, domicile_code, reach, supervisory_unit, organization_id, business_scope, purpose, address, funds_fen, materials, missing, submitted_on, accepted_on, publicity_from, publicity_until, decided_on, decision_reason, uscc, created_at, updated_at, supervisory_department_id";

const ORG_COLS: &str = "id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose, address, registered_funds_fen, supervisory_unit";

pub(super) fn lost_race() -> AppError {
    AppError::conflict(
        "registry.state_changed",
        "该申请已被他人处理，请刷新后查看",
        "Someone else has acted on this application; reload it",
    )
}

fn to_json<T: serde::Serialize>(v: &T) -> AppResult<serde_json::Value> {
    Ok(serde_json::to_value(v).map_err(anyhow::Error::from)?)
}

/// A person named in a new application, already checked and sealed.
#[derive(Debug, Clone)]
pub struct PreparedPerson {
    pub name: String,
    pub sealed: Vec<u8>,
    pub index: String,
    pub masked: String,
    pub birth_date: NaiveDate,
    pub sex: &'static str,
    pub capacity: String,
    pub position: String,
    pub is_legal_rep: bool,
    pub retired_official: bool,
    pub checks: String,
    pub checks_passed: bool,
}

/// The region of an application, for the access check.
/// An application's region, applicant and organization, for the access check.
pub async fn application_scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ScopeRow>(
        "SELECT region_code, applicant_user_id, organization_id FROM applications WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<Application>> {
    let sql = format!("SELECT {APP_COLS} FROM applications WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// The applications a list shows (see [`Listing`]), newest first.
pub async fn list(db: &Db, listing: &Listing, limit: i64) -> AppResult<Vec<Application>> {
    let sql = format!(
        "SELECT {APP_COLS} FROM applications WHERE {} ORDER BY created_at DESC, id DESC LIMIT $3",
        Listing::CONDITION
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(listing.region_prefix()).bind(listing.account()).bind(limit).fetch_all(pool).await?),
    )
}

/// Applications of this name (the demo loader skips those it finds).
pub async fn count_named(db: &Db, name: &str) -> AppResult<i64> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM applications WHERE name = $1")
        .bind(name).fetch_one(pool).await?),
    )
}

pub async fn steps(db: &Db, id: Uuid) -> AppResult<Vec<ReviewStep>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ReviewStep>(
        "SELECT step, state, deadline, opinion, decided_by, decided_at FROM review_steps WHERE application_id = $1 ORDER BY step")
        .bind(id).fetch_all(pool).await?))
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    name: String,
    id_number_masked: String,
    capacity: String,
    position: String,
    is_legal_rep: bool,
    retired_official: bool,
    checks: String,
    checks_passed: bool,
}

pub async fn persons(db: &Db, id: Uuid) -> AppResult<Vec<NamedPerson>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, PersonRow>(
        "SELECT p.name, p.id_number_masked, ap.capacity, ap.position, ap.is_legal_rep, ap.retired_official, ap.checks, ap.checks_passed \
         FROM application_persons ap JOIN persons p ON p.id = ap.person_id WHERE ap.application_id = $1 ORDER BY ap.created_at, ap.id")
        .bind(id).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|r| NamedPerson {
            name: r.name,
            id_number_masked: r.id_number_masked,
            capacity: r.capacity,
            position: r.position,
            is_legal_rep: r.is_legal_rep,
            retired_official: r.retired_official,
            checks_passed: r.checks_passed,
            checks: serde_json::from_str(&r.checks).unwrap_or_default(),
        })
        .collect())
}

pub async fn public_persons(db: &Db, id: Uuid) -> AppResult<Vec<PublicPerson>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, PublicPerson>(
        "SELECT p.name, ap.position FROM application_persons ap JOIN persons p ON p.id = ap.person_id \
         WHERE ap.application_id = $1 AND ap.capacity = 'leader' ORDER BY ap.created_at, ap.id")
        .bind(id).fetch_all(pool).await?))
}

pub async fn objections(db: &Db, id: Uuid) -> AppResult<Vec<Objection>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Objection>(
        "SELECT id, filed_at, filer_name, contact_masked, body, answer, answered_by, answered_at FROM objections WHERE application_id = $1 ORDER BY filed_at, id")
        .bind(id).fetch_all(pool).await?))
}

/// Applications on public notice now (state publicity), inside `prefix`.
pub async fn on_notice(db: &Db, prefix: &str) -> AppResult<Vec<Application>> {
    let sql = format!(
        "SELECT {APP_COLS} FROM applications WHERE state = 'publicity' AND region_code LIKE $1 ORDER BY publicity_from, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(prefix).fetch_all(pool).await?),
    )
}

/// Types of the other organizations of which the person (by blind index) is legal
/// representative now (rule 12).
pub async fn legal_rep_types(
    db: &Db,
    index: &str,
    except_org: Option<Uuid>,
) -> AppResult<Vec<OrgType>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, (String, Uuid)>(
        "SELECT o.org_type, o.id FROM leaders l JOIN persons p ON p.id = l.person_id JOIN organizations o ON o.id = l.organization_id \
         WHERE p.id_number_index = $1 AND l.is_legal_rep = $2 AND l.ended_on IS NULL AND o.status IN ('registered', 'filed')")
        .bind(index).bind(true).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .filter(|(_, id)| Some(*id) != except_org)
        .filter_map(|(t, _)| OrgType::from_key(&t))
        .collect())
}

pub async fn organization_by_uscc(db: &Db, uscc: &str) -> AppResult<Option<Organization>> {
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE uscc = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Organization>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(uscc).fetch_optional(pool).await?),
    )
}

pub async fn leaders(db: &Db, org: Uuid) -> AppResult<Vec<Leader>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Leader>(
        "SELECT p.name, p.id_number_masked, l.position, l.is_legal_rep, l.started_on, l.ended_on \
         FROM leaders l JOIN persons p ON p.id = l.person_id WHERE l.organization_id = $1 ORDER BY l.started_on, l.created_at, l.id")
        .bind(org).fetch_all(pool).await?))
}

pub async fn history(db: &Db, org: Uuid) -> AppResult<Vec<HistoryEntry>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, HistoryEntry>(
        "SELECT id AS application_id, kind, state, decided_on, decision_reason FROM applications \
         WHERE organization_id = $1 ORDER BY created_at, id")
        .bind(org).fetch_all(pool).await?))
}

/// Creates a draft application with its named persons (sealed identity numbers, checks).
pub async fn create(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    app: &Application,
    people: &[PreparedPerson],
) -> AppResult<()> {
    let applicant = actor.user().map(|u| u.user_id);
    let sql = format!(
        "INSERT INTO applications ({APP_COLS}, applicant_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)"
    );
    with_tx!(db, tx => {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(app.id).bind(&app.kind).bind(&app.state).bind(&app.org_type).bind(&app.category)
            .bind(&app.name).bind(&app.region_code).bind(&app.domicile_code).bind(&app.reach)
            .bind(&app.supervisory_unit).bind(app.organization_id).bind(&app.business_scope)
            .bind(&app.purpose).bind(&app.address).bind(app.funds_fen).bind(&app.materials)
            .bind(&app.missing).bind(app.submitted_on).bind(app.accepted_on).bind(app.publicity_from)
            .bind(app.publicity_until).bind(app.decided_on).bind(&app.decision_reason).bind(&app.uscc)
            .bind(app.created_at).bind(app.updated_at).bind(&app.supervisory_department_id).bind(applicant)
            .execute(&mut *tx).await?;
        for p in people {
            sqlx::query("INSERT INTO persons (id, name, id_number_sealed, id_number_index, id_number_masked, birth_date, sex, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id_number_index) DO NOTHING")
                .bind(Uuid::now_v7()).bind(&p.name).bind(&p.sealed).bind(&p.index).bind(&p.masked)
                .bind(p.birth_date).bind(p.sex).bind(now)
                .execute(&mut *tx).await?;
            let person_id = sqlx::query_scalar::<_, Uuid>("SELECT id FROM persons WHERE id_number_index = $1")
                .bind(&p.index).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO application_persons (id, application_id, person_id, capacity, position, is_legal_rep, retired_official, checks, checks_passed, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(Uuid::now_v7()).bind(app.id).bind(person_id).bind(&p.capacity).bind(&p.position)
                .bind(p.is_legal_rep).bind(p.retired_official).bind(&p.checks).bind(p.checks_passed).bind(now)
                .execute(&mut *tx).await?;
        }
        let masked: Vec<_> = people.iter().map(|p| json!({"name": p.name, "id": p.masked, "position": p.position, "checks_passed": p.checks_passed})).collect();
        tx.record(now, &Change {
            actor,
            action: "application.create",
            object_kind: "application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: None,
            after: Some(json!({"application": to_json(app)?, "persons": masked})),
        }).await?;
    });
    Ok(())
}

/// What a change of state writes besides the state itself.
#[derive(Debug, Clone)]
pub enum Effect {
    Submit {
        materials: String,
        on: NaiveDate,
    },
    Return {
        missing: String,
    },
    Accept {
        on: NaiveDate,
        steps: Vec<(Step, NaiveDate)>,
    },
    Publicity {
        from: NaiveDate,
        until: NaiveDate,
    },
    Refuse {
        on: NaiveDate,
        reasons: String,
    },
}

/// Moves an application from `from` to `to` (decided by the workflow) with its effect, audited.
/// Loses with a conflict when the state is no longer `from`.
#[allow(clippy::too_many_arguments)]
pub async fn advance(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    app: &Application,
    action: &str,
    from: State,
    to: State,
    effect: &Effect,
) -> AppResult<()> {
    with_tx!(db, tx => {
        let n = sqlx::query("UPDATE applications SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(to.key()).bind(now).bind(app.id).bind(from.key())
            .execute(&mut *tx).await?.rows_affected();
        if n != 1 {
            return Err(lost_race());
        }
        match effect {
            Effect::Submit { materials, on } => {
                sqlx::query("UPDATE applications SET materials = $1, submitted_on = $2 WHERE id = $3")
                    .bind(materials).bind(on).bind(app.id).execute(&mut *tx).await?;
            }
            Effect::Return { missing } => {
                sqlx::query("UPDATE applications SET missing = $1 WHERE id = $2")
                    .bind(missing).bind(app.id).execute(&mut *tx).await?;
            }
            Effect::Accept { on, steps } => {
                sqlx::query("UPDATE applications SET accepted_on = $1, missing = '[]' WHERE id = $2")
                    .bind(on).bind(app.id).execute(&mut *tx).await?;
                for (step, deadline) in steps {
                    sqlx::query("INSERT INTO review_steps (id, application_id, step, state, deadline) VALUES ($1, $2, $3, 'pending', $4)")
                        .bind(Uuid::now_v7()).bind(app.id).bind(step.key()).bind(deadline)
                        .execute(&mut *tx).await?;
                }
            }
            Effect::Publicity { from, until } => {
                sqlx::query("UPDATE applications SET publicity_from = $1, publicity_until = $2 WHERE id = $3")
                    .bind(from).bind(until).bind(app.id).execute(&mut *tx).await?;
            }
            Effect::Refuse { on, reasons } => {
                sqlx::query("UPDATE applications SET decided_on = $1, decision_reason = $2 WHERE id = $3")
                    .bind(on).bind(reasons).bind(app.id).execute(&mut *tx).await?;
            }
        }
        tx.record(now, &Change {
            actor,
            action,
            object_kind: "application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: Some(json!({"state": from.key()})),
            after: Some(json!({"state": to.key(), "effect": format!("{effect:?}")})),
        }).await?;
    });
    Ok(())
}

/// Decides one review step. Exactly one of two concurrent reviewers wins: the step moves only
/// from `pending`, and only while the application is still in review.
pub async fn decide_step(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    app: &Application,
    step: Step,
    approve: bool,
    opinion: &str,
) -> AppResult<()> {
    let verdict = if approve { "approved" } else { "rejected" };
    with_tx!(db, tx => {
        let live = sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2 AND state = 'in_review'")
            .bind(now).bind(app.id).execute(&mut *tx).await?.rows_affected();
        let n = sqlx::query("UPDATE review_steps SET state = $1, opinion = $2, decided_by = $3, decided_at = $4 \
                             WHERE application_id = $5 AND step = $6 AND state = 'pending'")
            .bind(verdict).bind(opinion).bind(actor.audit_name()).bind(now).bind(app.id).bind(step.key())
            .execute(&mut *tx).await?.rows_affected();
        if live != 1 || n != 1 {
            return Err(lost_race());
        }
        tx.record(now, &Change {
            actor,
            action: if approve { "application.step_approve" } else { "application.step_reject" },
            object_kind: "application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: Some(json!({"step": step.key(), "state": "pending"})),
            after: Some(json!({"step": step.key(), "state": verdict, "opinion": opinion})),
        }).await?;
    });
    Ok(())
}

/// An objector's contact as stored: sealed under the PII key, and masked for the views.
#[derive(Debug, Clone)]
pub struct SealedContact {
    pub sealed: Vec<u8>,
    pub masked: String,
}

pub async fn file_objection(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    app: &Application,
    name: &str,
    contact: Option<&SealedContact>,
    body: &str,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    with_tx!(db, tx => {
        // Only while the notice is up (checked again under the write).
        let live = sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2 AND state = 'publicity'")
            .bind(now).bind(app.id).execute(&mut *tx).await?.rows_affected();
        if live != 1 {
            return Err(lost_race());
        }
        sqlx::query("INSERT INTO objections (id, application_id, filed_at, filer_name, contact_sealed, contact_masked, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id).bind(app.id).bind(now).bind(name)
            .bind(contact.map(|c| c.sealed.clone())).bind(contact.map(|c| c.masked.as_str()).unwrap_or(""))
            .bind(body)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "application.objection",
            object_kind: "application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: None,
            after: Some(json!({"objection": id, "body": body})),
        }).await?;
    });
    Ok(id)
}

pub async fn answer_objection(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    app: &Application,
    objection: Uuid,
    answer: &str,
) -> AppResult<()> {
    with_tx!(db, tx => {
        let n = sqlx::query("UPDATE objections SET answer = $1, answered_by = $2, answered_at = $3 \
                             WHERE id = $4 AND application_id = $5 AND answer IS NULL")
            .bind(answer).bind(actor.audit_name()).bind(now).bind(objection).bind(app.id)
            .execute(&mut *tx).await?.rows_affected();
        if n != 1 {
            let exists = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM objections WHERE id = $1 AND application_id = $2")
                .bind(objection).bind(app.id).fetch_one(&mut *tx).await?;
            return Err(if exists == 0 { AppError::NotFound } else {
                AppError::conflict("registry.objection_answered", "该异议已答复", "This objection has already been answered")
            });
        }
        tx.record(now, &Change {
            actor,
            action: "application.objection_answer",
            object_kind: "application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: Some(json!({"objection": objection})),
            after: Some(json!({"objection": objection, "answer": answer})),
        }).await?;
    });
    Ok(())
}
