//! SQL of the credit module, and only here. Adding an event and rewriting the organization's
//! episodes happen in one transaction that first locks the organization's row, so two officers
//! recording at once are ordered by the database and each projection sees every event before it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::engine::project;
use super::model::{Episode, Event, EventKind, List, PenaltyKind, reason_of};
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::rules::RuleTable;
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

/// A stored credit event, as its row reads.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct CreditEvent {
    pub id: Uuid,
    #[serde(skip)]
    pub organization_id: Uuid,
    pub kind: String,
    pub reason_code: Option<String>,
    pub penalty_kind: Option<String>,
    pub amount_fen: Option<i64>,
    pub list: Option<String>,
    pub occurred_on: NaiveDate,
    pub document: String,
    pub authority: String,
    pub note: String,
    #[serde(skip)]
    pub dedupe_key: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// An organization's events, by date then recording order (read by the pages and, inside the
/// writing transaction, by [`add_event`]).
const EVENTS_OF: &str = "SELECT id, organization_id, kind, reason_code, penalty_kind, amount_fen, list, occurred_on, document, authority, note, dedupe_key, recorded_at \
    FROM credit_events WHERE organization_id = $1 ORDER BY occurred_on, recorded_at, id";

fn corrupt(what: &str, row: &CreditEvent) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "credit event {} has an unknown {what}",
        row.id
    ))
}

impl CreditEvent {
    /// The event as the engine takes it; a stored code the code does not know is an internal
    /// error naming the row, never skipped.
    pub fn to_event(&self) -> AppResult<Event> {
        let kind = match self.kind.as_str() {
            "listing" => EventKind::Listing {
                reason: self
                    .reason_code
                    .as_deref()
                    .and_then(reason_of)
                    .ok_or_else(|| corrupt("reason", self))?,
            },
            "penalty" => EventKind::Penalty {
                kind: self
                    .penalty_kind
                    .as_deref()
                    .and_then(PenaltyKind::from_key)
                    .ok_or_else(|| corrupt("penalty kind", self))?,
                amount_fen: self.amount_fen.unwrap_or(0),
            },
            "removal_applied" => EventKind::RemovalApplied {
                list: self
                    .list
                    .as_deref()
                    .and_then(List::from_key)
                    .ok_or_else(|| corrupt("list", self))?,
            },
            "rectified" => EventKind::Rectified,
            "removed" => EventKind::Removed,
            "deregistered" => EventKind::Deregistered,
            _ => return Err(corrupt("kind", self)),
        };
        Ok(Event {
            id: self.id,
            on: self.occurred_on,
            kind,
        })
    }
}

/// A new event to store (its columns).
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub kind: &'static str,
    pub reason_code: Option<&'static str>,
    pub penalty_kind: Option<&'static str>,
    pub amount_fen: Option<i64>,
    pub list: Option<&'static str>,
    pub occurred_on: NaiveDate,
    pub document: String,
    pub authority: String,
    pub note: String,
    pub dedupe_key: Option<String>,
}

/// An organization's events, by date then recording order.
pub async fn events(db: &Db, organization_id: Uuid) -> AppResult<Vec<CreditEvent>> {
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, CreditEvent>(EVENTS_OF)
        .bind(organization_id).fetch_all(pool).await?),
    )
}

/// Converts rows to events.
pub fn to_events(rows: &[CreditEvent]) -> AppResult<Vec<Event>> {
    rows.iter().map(CreditEvent::to_event).collect()
}

/// Stores `e` (unless an event with its dedupe key exists: then `false` and nothing changes),
/// recomputes the organization's episodes and rewrites them, audited, in one transaction.
/// `check` sees the episodes as they stood before, with the new event, and may refuse it.
pub async fn add_event(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    table: &RuleTable,
    e: &NewEvent,
    check: impl Fn(&[Episode]) -> AppResult<()>,
) -> AppResult<bool> {
    let by = actor.user().map(|u| u.user_id);
    let added = with_tx!(db, tx => {
        // The organization's row orders concurrent writers (a row lock on PostgreSQL; SQLite's
        // writer is single already).
        sqlx::query("UPDATE organizations SET updated_at = updated_at WHERE id = $1")
            .bind(e.organization_id).execute(&mut *tx).await?;
        if let Some(key) = &e.dedupe_key {
            let seen: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM credit_events WHERE dedupe_key = $1")
                .bind(key).fetch_optional(&mut *tx).await?;
            if seen.is_some() {
                return Ok(false);
            }
        }
        let rows = sqlx::query_as::<_, CreditEvent>(EVENTS_OF)
            .bind(e.organization_id).fetch_all(&mut *tx).await?;
        let mut events = to_events(&rows)?;
        let before = project(&events, table)?;
        check(&before)?;
        sqlx::query("INSERT INTO credit_events (id, organization_id, kind, reason_code, penalty_kind, amount_fen, list, occurred_on, document, authority, note, dedupe_key, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
            .bind(e.id).bind(e.organization_id).bind(e.kind).bind(e.reason_code).bind(e.penalty_kind)
            .bind(e.amount_fen).bind(e.list).bind(e.occurred_on).bind(&e.document).bind(&e.authority)
            .bind(&e.note).bind(&e.dedupe_key).bind(by).bind(now)
            .execute(&mut *tx).await?;
        events.push(Event { id: e.id, on: e.occurred_on, kind: new_kind(e)? });
        let episodes = project(&events, table)?;
        sqlx::query("DELETE FROM credit_listings WHERE organization_id = $1")
            .bind(e.organization_id).execute(&mut *tx).await?;
        for ep in &episodes {
            let c = ep.first_cause();
            sqlx::query("INSERT INTO credit_listings (organization_id, list, since, until, clock_from, reason_code, rule, ending, causes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(e.organization_id).bind(ep.list.key()).bind(ep.since).bind(ep.until)
                .bind(ep.clock_from).bind(c.reason_code).bind(c.rule)
                .bind(ep.ending.map(|x| x.key()))
                .bind(serde_json::to_string(&ep.causes).map_err(anyhow::Error::from)?)
                .execute(&mut *tx).await?;
        }
        tx.record(now, &Change {
            actor,
            action: "credit.event",
            object_kind: "organization",
            object_id: e.organization_id.to_string(),
            region_code: Some(e.region_code.clone()),
            before: None,
            after: Some(json!({
                "event_id": e.id, "kind": e.kind, "reason_code": e.reason_code,
                "penalty_kind": e.penalty_kind, "amount_fen": e.amount_fen, "list": e.list,
                "occurred_on": e.occurred_on, "document": e.document,
            })),
        }).await?;
        true
    });
    Ok(added)
}

fn new_kind(e: &NewEvent) -> AppResult<EventKind> {
    CreditEvent {
        id: e.id,
        organization_id: e.organization_id,
        kind: e.kind.into(),
        reason_code: e.reason_code.map(Into::into),
        penalty_kind: e.penalty_kind.map(Into::into),
        amount_fen: e.amount_fen,
        list: e.list.map(Into::into),
        occurred_on: e.occurred_on,
        document: String::new(),
        authority: String::new(),
        note: String::new(),
        dedupe_key: None,
        recorded_at: DateTime::<Utc>::MIN_UTC,
    }
    .to_event()
    .map(|ev| ev.kind)
}

/// One organization on a list on a date, as the public lists show it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ListedRow {
    #[serde(skip)]
    pub organization_id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub region_code: String,
    pub listed_on: NaiveDate,
    pub reason_code: String,
    pub rule: String,
}

/// A page of the organizations on `list` on `on`, inside `region_like` (a LIKE prefix), whose
/// name or code contains `q`; with the total.
pub async fn listed(
    db: &Db,
    list: List,
    on: NaiveDate,
    region_like: &str,
    q: &str,
    limit: i64,
    offset: i64,
) -> AppResult<(i64, Vec<ListedRow>)> {
    const WHERE: &str = "FROM credit_listings l JOIN organizations o ON o.id = l.organization_id \
        WHERE l.list = $1 AND l.since <= $2 AND (l.until IS NULL OR l.until > $2) \
        AND o.region_code LIKE $3 AND (o.name LIKE $4 OR COALESCE(o.uscc, '') LIKE $4)";
    let pattern = format!("%{}%", q.replace(['%', '_'], ""));
    let count_sql = format!("SELECT COUNT(*) {WHERE}");
    let page_sql = format!(
        "SELECT l.organization_id, o.uscc, o.name, o.region_code, l.since AS listed_on, l.reason_code, l.rule {WHERE} \
         ORDER BY l.since DESC, o.name, o.id LIMIT $5 OFFSET $6"
    );
    Ok(with_db!(db, pool => {
        let total: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(count_sql.clone()))
            .bind(list.key()).bind(on).bind(region_like).bind(&pattern)
            .fetch_one(pool).await?;
        let rows = sqlx::query_as::<_, ListedRow>(sqlx::AssertSqlSafe(page_sql.clone()))
            .bind(list.key()).bind(on).bind(region_like).bind(&pattern).bind(limit).bind(offset)
            .fetch_all(pool).await?;
        (total.0, rows)
    }))
}

/// A bar on a person on a date: a 从业禁止 in force, or a leader's post in an organization on
/// the serious list that day, held when it was listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BarRow {
    /// `ban` | `serious_list`
    pub source: String,
    pub reason: String,
    pub since: NaiveDate,
    pub organization_name: Option<String>,
}

/// The bars on the person with this identity-number index on `on` (the first of each kind).
pub async fn bars(db: &Db, id_number_index: &str, on: NaiveDate) -> AppResult<Vec<BarRow>> {
    const SQL: &str = "SELECT 'ban' AS source, b.reason, b.banned_from AS since, CAST(NULL AS TEXT) AS organization_name \
        FROM practice_bans b WHERE b.id_number_index = $1 AND b.banned_from <= $2 AND (b.banned_until IS NULL OR b.banned_until >= $2) \
        UNION ALL \
        SELECT 'serious_list' AS source, l.reason_code AS reason, l.since, o.name AS organization_name \
        FROM credit_listings l JOIN organizations o ON o.id = l.organization_id \
        JOIN leaders ld ON ld.organization_id = l.organization_id JOIN persons p ON p.id = ld.person_id \
        WHERE p.id_number_index = $1 AND l.list = 'serious' AND l.since <= $2 AND (l.until IS NULL OR l.until > $2) \
        AND ld.started_on <= l.since AND (ld.ended_on IS NULL OR ld.ended_on >= l.since) \
        ORDER BY since";
    Ok(with_db!(db, pool => sqlx::query_as::<_, BarRow>(SQL)
        .bind(id_number_index).bind(on).fetch_all(pool).await?))
}

/// Records a 从业禁止, audited.
#[allow(clippy::too_many_arguments)]
pub async fn add_ban(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    id: Uuid,
    id_number_index: &str,
    (from, until): (NaiveDate, Option<NaiveDate>),
    reason: &str,
    document: &str,
) -> AppResult<()> {
    let by = actor.user().map(|u| u.user_id);
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO practice_bans (id, id_number_index, banned_from, banned_until, reason, document, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id).bind(id_number_index).bind(from).bind(until).bind(reason).bind(document).bind(by).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "credit.ban",
            object_kind: "practice_ban",
            object_id: id.to_string(),
            region_code: None,
            before: None,
            after: Some(json!({"banned_from": from, "banned_until": until, "reason": reason, "document": document})),
        }).await?;
    });
    Ok(())
}

/// Writes a demo organization (demo data only) unless its USCC exists; `true` when written.
pub async fn demo_organization(
    db: &Db,
    now: DateTime<Utc>,
    (id, uscc, name): (Uuid, &str, &str),
    region_code: &str,
    registered_on: NaiveDate,
) -> AppResult<bool> {
    let written = with_tx!(db, tx => {
        let seen: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM organizations WHERE uscc = $1")
            .bind(uscc).fetch_optional(&mut *tx).await?;
        if seen.is_some() {
            false
        } else {
            sqlx::query("INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, business_scope, purpose, address, created_at, updated_at) \
                         VALUES ($1, $2, $3, 'social_group', 'other', $4, 'registered', $5, '学术交流 行业服务', '团结会员，开展交流', '', $6, $6)")
                .bind(id).bind(uscc).bind(name).bind(region_code).bind(registered_on).bind(now)
                .execute(&mut *tx).await?;
            tx.record(now, &Change {
                actor: &Actor::System,
                action: "credit.demo",
                object_kind: "organization",
                object_id: id.to_string(),
                region_code: Some(region_code.to_string()),
                before: None,
                after: Some(json!({"uscc": uscc, "name": name})),
            }).await?;
            true
        }
    });
    Ok(written)
}

/// The dedupe keys of automatic events starting with `prefix` (what a run has listed already).
pub async fn dedupe_keys(db: &Db, prefix: &str) -> AppResult<std::collections::HashSet<String>> {
    let like = format!("{prefix}%");
    let rows: Vec<(String,)> = with_db!(db, pool => sqlx::query_as("SELECT dedupe_key FROM credit_events WHERE dedupe_key LIKE $1")
        .bind(&like).fetch_all(pool).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}
