//! SQL of an organization's governance: terms of its bodies and their members, the party
//! organization status, the profile officers record (hub kind, tax deduction, special groups)
//! and hub links. Every write is audited in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::super::model::Organization;
use super::super::model::governance::{BoundAccount, Member, MemberInput, OrgLink, PartyRecord};
use super::ORG_COLS;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

/// How an organization is named in a path: by its USCC, or by its id when it has none (a
/// community organization that is only filed).
#[derive(Debug, Clone)]
pub enum OrgKey {
    Id(Uuid),
    Uscc(String),
}

pub async fn organization(db: &Db, key: &OrgKey) -> AppResult<Option<Organization>> {
    let (col, id, uscc) = match key {
        OrgKey::Id(id) => ("id", Some(*id), None),
        OrgKey::Uscc(u) => ("uscc", None, Some(u.clone())),
    };
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE {col} = $1");
    Ok(with_db!(db, pool => {
        let q = sqlx::query_as::<_, Organization>(sqlx::AssertSqlSafe(sql.clone()));
        let q = match (id, &uscc) { (Some(id), _) => q.bind(id), (_, u) => q.bind(u.clone()) };
        q.fetch_optional(pool).await?
    }))
}

/// The region of an organization, for the access check.
/// An organization's region, for the access check: an organization account must be bound to it.
pub async fn organization_scope(
    db: &Db,
    key: &OrgKey,
) -> AppResult<Option<crate::platform::auth::store::ScopeRow>> {
    Ok(organization(db, key)
        .await?
        .map(|o| crate::platform::auth::store::ScopeRow {
            region_code: o.region_code,
            applicant_user_id: None,
            organization_id: Some(o.id),
        }))
}

#[derive(sqlx::FromRow)]
pub struct TermRow {
    pub id: Uuid,
    pub body: String,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub member_count: Option<i64>,
}

pub async fn terms(db: &Db, org: Uuid) -> AppResult<Vec<(TermRow, Vec<Member>)>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, TermRow>(
        "SELECT id, body, term_start, term_end, member_count FROM governance_terms WHERE organization_id = $1 \
         ORDER BY term_start DESC, body, id")
        .bind(org).fetch_all(pool).await?);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let members = with_db!(db, pool => sqlx::query_as::<_, Member>(
            "SELECT name, position FROM governance_members WHERE term_id = $1 ORDER BY created_at, id")
            .bind(r.id).fetch_all(pool).await?);
        out.push((r, members));
    }
    Ok(out)
}

/// Party-organization statuses, newest first.
pub async fn party_history(db: &Db, org: Uuid) -> AppResult<Vec<PartyRecord>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, PartyRecord>(
        "SELECT status, since, note FROM party_statuses WHERE organization_id = $1 ORDER BY since DESC, created_at DESC, id DESC")
        .bind(org).fetch_all(pool).await?))
}

/// What officers record about an organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Profile {
    pub is_hub: bool,
    pub hub_kind: Option<String>,
    pub tax_deductible: bool,
    /// JSON text: special-group keys.
    pub special_groups: String,
    /// JSON text: community-category keys.
    pub community_categories: String,
}

pub async fn profile(db: &Db, org: Uuid) -> AppResult<Profile> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Profile>(
        "SELECT is_hub, hub_kind, tax_deductible, special_groups, community_categories FROM organizations WHERE id = $1")
        .bind(org).fetch_one(pool).await?))
}

/// Organizations a hub supports (`supported = false`: the hubs that support `org`).
pub async fn links(db: &Db, org: Uuid, supported: bool) -> AppResult<Vec<OrgLink>> {
    let sql = if supported {
        "SELECT o.id, o.uscc, o.name, h.since FROM hub_supports h JOIN organizations o ON o.id = h.supported_id \
         WHERE h.hub_id = $1 ORDER BY o.name, o.id"
    } else {
        "SELECT o.id, o.uscc, o.name, h.since FROM hub_supports h JOIN organizations o ON o.id = h.hub_id \
         WHERE h.supported_id = $1 ORDER BY o.name, o.id"
    };
    Ok(with_db!(db, pool => sqlx::query_as::<_, OrgLink>(sql).bind(org).fetch_all(pool).await?))
}

fn change<'a>(
    actor: &'a Actor,
    action: &'a str,
    org: &Organization,
    after: serde_json::Value,
) -> Change<'a> {
    Change {
        actor,
        action,
        object_kind: "organization",
        object_id: org.id.to_string(),
        region_code: Some(org.region_code.clone()),
        before: None,
        after: Some(after),
    }
}

/// Records a new term of a body with its members. A second term of the same body starting on
/// the same day is a conflict naming `term_start`.
#[allow(clippy::too_many_arguments)]
pub async fn add_term(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    org: &Organization,
    body: &str,
    start: NaiveDate,
    end: NaiveDate,
    member_count: Option<i64>,
    members: &[MemberInput],
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    with_tx!(db, tx => {
        let n = sqlx::query("INSERT INTO governance_terms (id, organization_id, body, term_start, term_end, member_count, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization_id, body, term_start) DO NOTHING")
            .bind(id).bind(org.id).bind(body).bind(start).bind(end).bind(member_count).bind(now)
            .execute(&mut *tx).await?.rows_affected();
        if n != 1 {
            return Err(AppError::Conflict {
                code: "registry.term_exists".into(),
                field: Some("term_start".into()),
                message: crate::platform::error::Bilingual::new(
                    "该机构已有同日开始的一届", "This body already has a term starting on that day"),
            });
        }
        for m in members {
            sqlx::query("INSERT INTO governance_members (id, term_id, name, position, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(Uuid::now_v7()).bind(id).bind(&m.name).bind(&m.position).bind(now)
                .execute(&mut *tx).await?;
        }
        let listed: Vec<_> = members.iter().map(|m| json!({"name": m.name, "position": m.position})).collect();
        tx.record(now, &change(actor, "organization.governance_term", org, json!({
            "term": id, "body": body, "term_start": start, "term_end": end,
            "member_count": member_count, "members": listed,
        }))).await?;
    });
    Ok(id)
}

/// Records the party-organization status from a date.
pub async fn set_party(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    org: &Organization,
    status: &str,
    since: NaiveDate,
    note: &str,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO party_statuses (id, organization_id, status, since, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(Uuid::now_v7()).bind(org.id).bind(status).bind(since).bind(note).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &change(actor, "organization.party_status", org,
            json!({"status": status, "since": since, "note": note}))).await?;
    });
    Ok(())
}

/// Sets the hub kind, the tax-deduction eligibility and the special groups served.
pub async fn set_profile(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    org: &Organization,
    p: &Profile,
) -> AppResult<()> {
    with_tx!(db, tx => {
        let before = sqlx::query_as::<_, Profile>(
            "SELECT is_hub, hub_kind, tax_deductible, special_groups, community_categories FROM organizations WHERE id = $1")
            .bind(org.id).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE organizations SET is_hub = $1, hub_kind = $2, tax_deductible = $3, special_groups = $4, community_categories = $5, updated_at = $6 WHERE id = $7")
            .bind(p.is_hub).bind(&p.hub_kind).bind(p.tax_deductible).bind(&p.special_groups).bind(&p.community_categories).bind(now).bind(org.id)
            .execute(&mut *tx).await?;
        let mut c = change(actor, "organization.profile", org, json!({
            "is_hub": p.is_hub, "hub_kind": p.hub_kind, "tax_deductible": p.tax_deductible,
            "special_groups": p.special_groups, "community_categories": p.community_categories,
        }));
        c.before = Some(json!({
            "is_hub": before.is_hub, "hub_kind": before.hub_kind, "tax_deductible": before.tax_deductible,
            "special_groups": before.special_groups, "community_categories": before.community_categories,
        }));
        tx.record(now, &c).await?;
    });
    Ok(())
}

/// Links a hub to an organization it supports. The hub must be flagged (checked again under the
/// write); a link made before is a conflict naming `organization`.
pub async fn link(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: &Actor,
    hub: &Organization,
    supported: &Organization,
) -> AppResult<()> {
    with_tx!(db, tx => {
        let flagged = sqlx::query_scalar::<_, bool>("SELECT is_hub FROM organizations WHERE id = $1")
            .bind(hub.id).fetch_one(&mut *tx).await?;
        if !flagged {
            return Err(AppError::Conflict {
                code: "registry.not_hub".into(),
                field: Some("hub_kind".into()),
                message: crate::platform::error::Bilingual::new(
                    "请先将本组织登记为枢纽型或支持型组织", "Flag this organization as a hub or support organization first"),
            });
        }
        let n = sqlx::query("INSERT INTO hub_supports (hub_id, supported_id, since, created_at) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (hub_id, supported_id) DO NOTHING")
            .bind(hub.id).bind(supported.id).bind(today).bind(now)
            .execute(&mut *tx).await?.rows_affected();
        if n != 1 {
            return Err(AppError::Conflict {
                code: "registry.already_supported".into(),
                field: Some("organization".into()),
                message: crate::platform::error::Bilingual::new(
                    "已登记为本组织支持的组织", "This organization is already linked as supported"),
            });
        }
        tx.record(now, &change(actor, "organization.hub_support", hub, json!({
            "supported": supported.id, "supported_name": supported.name, "since": today,
        }))).await?;
    });
    Ok(())
}

/// An organization by its exact name (the demo finds its approved organizations so).
pub async fn organization_named(db: &Db, name: &str) -> AppResult<Option<Organization>> {
    let sql = format!("SELECT {ORG_COLS} FROM organizations WHERE name = $1 ORDER BY id LIMIT 1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Organization>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(name).fetch_optional(pool).await?),
    )
}

/// Registered or filed organizations inside `prefix` (a LIKE pattern), by name.
pub async fn active_in(db: &Db, prefix: &str, limit: i64) -> AppResult<Vec<Organization>> {
    let sql = format!(
        "SELECT {ORG_COLS} FROM organizations WHERE region_code LIKE $1 AND status IN ('registered', 'filed') ORDER BY name, id LIMIT $2"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Organization>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(prefix).bind(limit).fetch_all(pool).await?),
    )
}

/// The accounts bound to act for the organization, by username.
pub async fn accounts(db: &Db, org: Uuid) -> AppResult<Vec<BoundAccount>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, BoundAccount>(
        "SELECT u.username, u.display_name, oa.granted_at FROM organization_accounts oa \
         JOIN users u ON u.id = oa.user_id WHERE oa.organization_id = $1 ORDER BY u.username")
        .bind(org).fetch_all(pool).await?))
}

/// Binds an account to the organization it acts for, audited; a grant already held is kept.
pub async fn grant_account(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    org: &Organization,
    user_id: Uuid,
    username: &str,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query(crate::platform::auth::store::BIND_ORGANIZATION_SQL)
            .bind(org.id).bind(user_id).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &change(actor, "organization.account_grant", org,
            json!({"username": username}))).await?;
    });
    Ok(())
}

/// Ends an account's right to act for the organization, audited; `false` when it had none.
pub async fn revoke_account(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    org: &Organization,
    user_id: Uuid,
    username: &str,
) -> AppResult<bool> {
    Ok(with_tx!(db, tx => {
        let n = sqlx::query("DELETE FROM organization_accounts WHERE organization_id = $1 AND user_id = $2")
            .bind(org.id).bind(user_id)
            .execute(&mut *tx).await?.rows_affected();
        if n > 0 {
            tx.record(now, &change(actor, "organization.account_revoke", org,
                json!({"username": username}))).await?;
        }
        n > 0
    }))
}
