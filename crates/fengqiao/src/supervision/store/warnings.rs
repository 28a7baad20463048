//! SQL of the stored warnings (监管预警): what a run knows, the writes of a run (each step in a
//! transaction with its audit row, outbox event, trail entry and, when a warning opens or is
//! re-raised, the notice to the officers of the organization's region), the lists, one warning
//! with its trail, and closing one with a reason (a conditional UPDATE: of two closers one wins).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::facts::Target;
use crate::platform::AppError;
use crate::platform::AppResult;
use crate::platform::auth::store::ScopeRow;
use crate::platform::auth::{Actor, Listing};
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::notifications::{Notice, Notify, Recipient};
use crate::supervision::model::warnings::diff::{OrgHit, Step};
use crate::supervision::model::warnings::stored::{Known, TrailEntry, WarningRow};
use crate::{with_db, with_tx};

/// The object kind of a warning (audit, outbox, notifications).
pub const OBJECT_KIND: &str = "supervision.warning";

const ROW_COLS: &str = "w.id, w.organization_id, o.name AS organization_name, o.uscc, w.region_code, w.code, w.period, w.level, \
     w.figures, w.summary_zh, w.summary_en, w.clears_zh, w.clears_en, w.source, w.state, w.opened_at, w.last_seen_on, \
     w.closed_at, w.closed_by, w.close_reason";

/// The stored warnings of the target's organizations (open and closed).
pub async fn known(db: &Db, t: Target<'_>) -> AppResult<Vec<Known>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Known>(
        "SELECT id, organization_id, region_code, code, period, state, figures FROM supervision_warnings \
         WHERE region_code LIKE $1 AND ($2 IS NULL OR organization_id = $2)")
        .bind(t.prefix).bind(t.organization).fetch_all(pool).await?))
}

/// How many warnings of one organization are open.
pub async fn open_count(db: &Db, organization_id: Uuid) -> AppResult<i64> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM supervision_warnings WHERE organization_id = $1 AND state = 'open'")
        .bind(organization_id).fetch_one(pool).await?))
}

/// The officers of a region, told of a warning.
pub const TOLD: &[crate::platform::auth::Role] = super::super::DECIDERS;

fn notice<'a>(id: Uuid, h: &'a OrgHit, link: &'a str, topic: &'a str) -> Notice<'a> {
    Notice {
        kind: "supervision_warning",
        object_kind: OBJECT_KIND,
        object_id: id,
        topic,
        subject: h.hit.code,
        link,
        note: (h.hit.zh.clone(), h.hit.en.clone()),
        detail: json!({"code": h.hit.code, "level": h.hit.level, "period": h.hit.period,
                       "organization_id": h.organization_id}),
        recipients: vec![Recipient::office(&h.region_code, TOLD, "officer")],
    }
}

fn after(h: &OrgHit) -> serde_json::Value {
    json!({"organization_id": h.organization_id, "code": h.hit.code, "period": h.hit.period,
           "level": h.hit.level, "figures": h.hit.figures})
}

/// Writes one step of a run as the engine (`Actor::System`), in its own transaction. Returns
/// whether anything was written (an insert that lost to a concurrent run writes nothing: the
/// unique key decided).
pub async fn apply(db: &Db, now: DateTime<Utc>, today: NaiveDate, step: &Step) -> AppResult<bool> {
    let actor = &Actor::System;
    let written = match step {
        Step::Open(h) => {
            let id = Uuid::now_v7();
            let link = format!("/supervision/warnings/{id}");
            let figures = h.hit.figures.to_string();
            with_tx!(db, tx => {
                let n = sqlx::query("INSERT INTO supervision_warnings (id, organization_id, region_code, code, period, level, figures, \
                             summary_zh, summary_en, clears_zh, clears_en, source, state, opened_at, last_seen_on) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $14) \
                             ON CONFLICT (organization_id, code, period) DO NOTHING")
                    .bind(id).bind(h.organization_id).bind(&h.region_code).bind(h.hit.code).bind(&h.hit.period)
                    .bind(h.hit.level.key()).bind(&figures).bind(&h.hit.zh).bind(&h.hit.en)
                    .bind(&h.hit.clears_zh).bind(&h.hit.clears_en).bind(&h.hit.source).bind(now).bind(today)
                    .execute(&mut *tx).await?.rows_affected();
                if n == 1 {
                    sqlx::query("INSERT INTO supervision_warning_actions (id, warning_id, action, note, actor_id, at) VALUES ($1, $2, 'opened', '', NULL, $3)")
                        .bind(Uuid::now_v7()).bind(id).bind(now).execute(&mut *tx).await?;
                    tx.record(now, &Change { actor, action: "supervision.warning.open", object_kind: OBJECT_KIND,
                        object_id: id.to_string(), region_code: Some(h.region_code.clone()), before: None, after: Some(after(h)) }).await?;
                    tx.notify(now, &notice(id, h, &link, "opened")).await?;
                }
                n == 1
            })
        }
        Step::Update { id, hit: h } | Step::Reraise { id, hit: h } => {
            let reraise = matches!(step, Step::Reraise { .. });
            let from = if reraise { "closed" } else { "open" };
            let link = format!("/supervision/warnings/{id}");
            let topic = format!("reraised:{today}");
            let figures = h.hit.figures.to_string();
            with_tx!(db, tx => {
                let n = sqlx::query("UPDATE supervision_warnings SET level = $1, figures = $2, summary_zh = $3, summary_en = $4, \
                             clears_zh = $5, clears_en = $6, source = $7, state = 'open', last_seen_on = $8, closed_at = NULL, \
                             closed_by = NULL, close_reason = NULL WHERE id = $9 AND state = $10")
                    .bind(h.hit.level.key()).bind(&figures).bind(&h.hit.zh).bind(&h.hit.en).bind(&h.hit.clears_zh)
                    .bind(&h.hit.clears_en).bind(&h.hit.source).bind(today).bind(id).bind(from)
                    .execute(&mut *tx).await?.rows_affected();
                if n == 1 {
                    let (action, note) = if reraise { ("reraised", "") } else { ("note", "数据变化 / figures changed") };
                    sqlx::query("INSERT INTO supervision_warning_actions (id, warning_id, action, note, actor_id, at) VALUES ($1, $2, $3, $4, NULL, $5)")
                        .bind(Uuid::now_v7()).bind(id).bind(action).bind(note).bind(now).execute(&mut *tx).await?;
                    let verb = if reraise { "supervision.warning.reraise" } else { "supervision.warning.update" };
                    tx.record(now, &Change { actor, action: verb, object_kind: OBJECT_KIND,
                        object_id: id.to_string(), region_code: Some(h.region_code.clone()), before: None, after: Some(after(h)) }).await?;
                    if reraise {
                        tx.notify(now, &notice(*id, h, &link, &topic)).await?;
                    }
                }
                n == 1
            })
        }
        Step::Clear { id, known } => {
            let reason = "规则不再触发（已整改或数据已更正） / the rule no longer finds it (rectified or corrected)";
            with_tx!(db, tx => {
                let n = sqlx::query("UPDATE supervision_warnings SET state = 'closed', closed_at = $1, closed_by = NULL, close_reason = $2 \
                             WHERE id = $3 AND state = 'open'")
                    .bind(now).bind(reason).bind(id).execute(&mut *tx).await?.rows_affected();
                if n == 1 {
                    sqlx::query("INSERT INTO supervision_warning_actions (id, warning_id, action, note, actor_id, at) VALUES ($1, $2, 'closed', $3, NULL, $4)")
                        .bind(Uuid::now_v7()).bind(id).bind(reason).bind(now).execute(&mut *tx).await?;
                    tx.record(now, &Change { actor, action: "supervision.warning.clear", object_kind: OBJECT_KIND,
                        object_id: id.to_string(), region_code: Some(known.region_code.clone()), before: None,
                        after: Some(json!({"state": "closed", "reason": reason})) }).await?;
                }
                n == 1
            })
        }
        Step::Seen { id } => {
            // Only the day last found moves: not a change of the warning, so no audit row.
            with_tx!(db, tx => sqlx::query("UPDATE supervision_warnings SET last_seen_on = $1 WHERE id = $2 AND last_seen_on < $1")
                .bind(today).bind(id).execute(&mut *tx).await?.rows_affected());
            false
        }
    };
    Ok(written)
}

/// The filters of the list.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// A LIKE prefix inside the actor's region.
    pub region_prefix: Option<String>,
    pub level: Option<&'static str>,
    pub state: Option<&'static str>,
    pub organization: Option<Uuid>,
}

const LIST_WHERE: &str = "(w.region_code LIKE $1 OR w.organization_id IN (SELECT organization_id FROM organization_accounts WHERE user_id = $2)) \
     AND ($3 IS NULL OR w.region_code LIKE $3) AND ($4 IS NULL OR w.level = $4) AND ($5 IS NULL OR w.state = $5) \
     AND ($6 IS NULL OR w.organization_id = $6)";

/// The warnings the actor may list (officers: of their region; an org_admin: of his
/// organizations), filtered, red first, newest first; with the total.
pub async fn list(
    db: &Db,
    listing: &Listing,
    f: &Filters,
    limit: i64,
    offset: i64,
) -> AppResult<(i64, Vec<WarningRow>)> {
    let count_sql = format!("SELECT COUNT(*) FROM supervision_warnings w WHERE {LIST_WHERE}");
    let sql = format!(
        "SELECT {ROW_COLS} FROM supervision_warnings w JOIN organizations o ON o.id = w.organization_id WHERE {LIST_WHERE} \
         ORDER BY CASE w.state WHEN 'open' THEN 0 ELSE 1 END, CASE w.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, \
         w.opened_at DESC, w.id LIMIT $7 OFFSET $8"
    );
    let (total, rows) = with_db!(db, pool => {
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.clone()))
            .bind(listing.region_prefix()).bind(listing.account()).bind(f.region_prefix.as_deref())
            .bind(f.level).bind(f.state).bind(f.organization).fetch_one(pool).await?;
        let rows = sqlx::query_as::<_, WarningRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(listing.region_prefix()).bind(listing.account()).bind(f.region_prefix.as_deref())
            .bind(f.level).bind(f.state).bind(f.organization).bind(limit).bind(offset).fetch_all(pool).await?;
        (total, rows)
    });
    Ok((total, rows))
}

/// One warning.
pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<WarningRow>> {
    let sql = format!(
        "SELECT {ROW_COLS} FROM supervision_warnings w JOIN organizations o ON o.id = w.organization_id WHERE w.id = $1"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, WarningRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// A warning's trail, oldest first.
pub async fn trail(db: &Db, id: Uuid) -> AppResult<Vec<TrailEntry>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, TrailEntry>(
        "SELECT action, note, actor_id, at FROM supervision_warning_actions WHERE warning_id = $1 ORDER BY at, id")
        .bind(id).fetch_all(pool).await?))
}

/// The region and organization of a warning, for the access check.
pub async fn scope(db: &Db, id: Uuid) -> AppResult<Option<ScopeRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ScopeRow>(
        "SELECT region_code, CAST(NULL AS uuid) AS applicant_user_id, organization_id FROM supervision_warnings WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

/// Closes an open warning with the officer's reason, audited, with its trail entry. A warning
/// already closed: 409, nothing changed.
pub async fn close(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    w: &WarningRow,
    reason: &str,
) -> AppResult<()> {
    let by = actor.user().map(|u| u.user_id);
    let closed = with_tx!(db, tx => {
        let n = sqlx::query("UPDATE supervision_warnings SET state = 'closed', closed_at = $1, closed_by = $2, close_reason = $3 \
                     WHERE id = $4 AND state = 'open'")
            .bind(now).bind(by).bind(reason).bind(w.id).execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            sqlx::query("INSERT INTO supervision_warning_actions (id, warning_id, action, note, actor_id, at) VALUES ($1, $2, 'closed', $3, $4, $5)")
                .bind(Uuid::now_v7()).bind(w.id).bind(reason).bind(by).bind(now).execute(&mut *tx).await?;
            tx.record(now, &Change { actor, action: "supervision.warning.close", object_kind: OBJECT_KIND,
                object_id: w.id.to_string(), region_code: Some(w.region_code.clone()),
                before: Some(json!({"state": "open"})), after: Some(json!({"state": "closed", "reason": reason})) }).await?;
        }
        n == 1
    });
    if closed {
        Ok(())
    } else {
        Err(AppError::conflict(
            "supervision.warning_closed",
            "该预警已关闭",
            "The warning is already closed",
        ))
    }
}
