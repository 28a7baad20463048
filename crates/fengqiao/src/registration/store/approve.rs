//! Approval: the organization row, its leaders, and the USCC issued without ever repeating.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::super::model::{Application, State};
use super::lost_race;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::with_tx;

/// Bounded retries when a concurrent approval took the serial this one computed.
pub const USCC_ATTEMPTS: usize = 16;

/// Approves: the application moves `from` → approved, the organization row is created or
/// updated, leaders are written, and for establishment a USCC is issued as max serial + 1 in
/// the authority's region and type. The UNIQUE (uscc) constraint decides concurrent approvals:
/// an INSERT that meets a code issued meanwhile does nothing, and the next serial is tried.
pub async fn approve(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: &Actor,
    app: &Application,
    from: State,
) -> AppResult<(Uuid, Option<String>)> {
    let kind = app.kind();
    let type_char = super::super::model::uscc_type_char(app.org_type());
    let org_sql: &'static str = "INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose, address, registered_funds_fen, supervisory_unit, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) ON CONFLICT (uscc) DO NOTHING";
    let out = with_tx!(db, tx => {
        let n = sqlx::query("UPDATE applications SET state = 'approved', decided_on = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(today).bind(now).bind(app.id).bind(from.key())
            .execute(&mut *tx).await?.rows_affected();
        if n != 1 {
            return Err(lost_race());
        }
        let (org_id, uscc) = match (kind, app.organization_id) {
            (super::super::model::AppKind::Establishment | super::super::model::AppKind::Filing, _) => {
                let org_id = Uuid::now_v7();
                let status = if kind == super::super::model::AppKind::Filing { "filed" } else { "registered" };
                let mut issued = None;
                let mut inserted = false;
                for _ in 0..USCC_ATTEMPTS {
                    let code = match type_char.filter(|_| kind == super::super::model::AppKind::Establishment) {
                        Some(t) => {
                            let head = format!("5{t}{}MJ", app.region_code);
                            let top = sqlx::query_scalar::<_, String>("SELECT uscc FROM organizations WHERE uscc LIKE $1 ORDER BY uscc DESC LIMIT 1")
                                .bind(format!("{head}%")).fetch_optional(&mut *tx).await?;
                            let serial = top
                                .and_then(|c| codes::Uscc::parse(&c).ok())
                                .and_then(|u| u.civil_affairs_serial())
                                .map_or(1, |s| s + 1);
                            let code = codes::Uscc::for_serial(t, &app.region_code, serial)
                                .map_err(|e| AppError::Internal(anyhow::anyhow!("uscc: {e}")))?;
                            Some(code.as_str().to_string())
                        }
                        None => None,
                    };
                    let rows = sqlx::query(org_sql)
                        .bind(org_id).bind(&code).bind(&app.name).bind(&app.org_type).bind(&app.category)
                        .bind(&app.region_code).bind(status).bind(today).bind(&app.business_scope)
                        .bind(&app.purpose).bind(&app.address).bind(app.funds_fen).bind(&app.supervisory_unit).bind(now)
                        .execute(&mut *tx).await?.rows_affected();
                    if rows == 1 {
                        issued = code;
                        inserted = true;
                        break;
                    }
                }
                if !inserted {
                    return Err(AppError::conflict("registry.uscc_busy", "统一社会信用代码分配繁忙，请重试", "Could not allocate a credit code; try again"));
                }
                (org_id, issued)
            }
            (_, Some(org_id)) => {
                let status = match kind {
                    super::super::model::AppKind::Deregistration => Some("deregistered"),
                    super::super::model::AppKind::Revocation => Some("revoked"),
                    _ => None,
                };
                if let Some(status) = status {
                    sqlx::query("UPDATE organizations SET status = $1, updated_at = $2 WHERE id = $3")
                        .bind(status).bind(now).bind(org_id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE leaders SET ended_on = $1 WHERE organization_id = $2 AND ended_on IS NULL")
                        .bind(today).bind(org_id).execute(&mut *tx).await?;
                } else {
                    // A change alters only the particulars it names.
                    let p = app.named_particulars();
                    sqlx::query("UPDATE organizations SET name = COALESCE($1, name), business_scope = COALESCE($2, business_scope), \
                                 purpose = COALESCE($3, purpose), address = COALESCE($4, address), \
                                 registered_funds_fen = COALESCE($5, registered_funds_fen), updated_at = $6 WHERE id = $7")
                        .bind(p.name).bind(p.business_scope).bind(p.purpose).bind(p.address)
                        .bind(p.funds_fen).bind(now).bind(org_id).execute(&mut *tx).await?;
                }
                let uscc = sqlx::query_scalar::<_, Option<String>>("SELECT uscc FROM organizations WHERE id = $1")
                    .bind(org_id).fetch_one(&mut *tx).await?;
                (org_id, uscc)
            }
            (_, None) => return Err(AppError::NotFound),
        };
        let leaders = sqlx::query_as::<_, (Uuid, String, bool)>(
            "SELECT person_id, position, is_legal_rep FROM application_persons WHERE application_id = $1 AND capacity = 'leader' ORDER BY created_at, id")
            .bind(app.id).fetch_all(&mut *tx).await?;
        if kind == super::super::model::AppKind::Change && !leaders.is_empty() {
            sqlx::query("UPDATE leaders SET ended_on = $1 WHERE organization_id = $2 AND ended_on IS NULL")
                .bind(today).bind(org_id).execute(&mut *tx).await?;
        }
        if matches!(kind, super::super::model::AppKind::Establishment | super::super::model::AppKind::Filing | super::super::model::AppKind::Change) {
            for (person, position, legal) in &leaders {
                sqlx::query("INSERT INTO leaders (id, organization_id, person_id, position, is_legal_rep, started_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(Uuid::now_v7()).bind(org_id).bind(person).bind(position).bind(legal).bind(today).bind(now)
                    .execute(&mut *tx).await?;
            }
        }
        sqlx::query("UPDATE applications SET organization_id = $1, uscc = $2 WHERE id = $3")
            .bind(org_id).bind(&uscc).bind(app.id).execute(&mut *tx).await?;
        if matches!(kind, super::super::model::AppKind::Establishment | super::super::model::AppKind::Filing) {
            // The founder's account acts for the organization it founded.
            sqlx::query("INSERT INTO organization_accounts (organization_id, user_id, granted_at) \
                         SELECT $1, a.applicant_user_id, $2 FROM applications a JOIN users u ON u.id = a.applicant_user_id WHERE a.id = $3 \
                         ON CONFLICT (organization_id, user_id) DO NOTHING")
                .bind(org_id).bind(now).bind(app.id).execute(&mut *tx).await?;
        }
        tx.record(now, &Change {
            actor,
            action: "application.approve",
            object_kind: "application",
            object_id: app.id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: Some(json!({"state": from.key()})),
            after: Some(json!({"state": "approved", "organization_id": org_id, "uscc": uscc})),
        }).await?;
        tx.record(now, &Change {
            actor,
            action: "organization.registry",
            object_kind: "organization",
            object_id: org_id.to_string(),
            region_code: Some(app.region_code.clone()),
            before: None,
            after: Some(match kind {
                super::super::model::AppKind::Change => json!({"uscc": uscc, "kind": app.kind, "changed": app.named_particulars()}),
                _ => json!({"uscc": uscc, "name": app.name, "kind": app.kind}),
            }),
        }).await?;
        (org_id, uscc)
    });
    Ok(out)
}
