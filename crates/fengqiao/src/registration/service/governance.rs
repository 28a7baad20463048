//! Governance of an organization, shared by the JSON API and the pages: parse (naming the field
//! at fault), check the rules of [`governance`](super::super::model::governance), write audited.

use chrono::NaiveDate;

use super::super::model::governance::{
    self, Body, COMMUNITY_CATEGORIES, GovernanceTerm, HubKind, PartyInput, PartyStatus,
    ProfileInput, SPECIAL_GROUPS, SupportInput, TermInput,
};
use super::super::model::{Governance, OrgType, Organization};
use super::super::store::governance::{self as store, OrgKey, Profile};
use super::{invalid, parse_key, text};
use crate::platform::auth::{Access, Actor, Role, authorize};
use crate::platform::{AppError, AppResult, AppState};

/// Most members listed for one term (a typing guard; assemblies are counted, not listed).
pub const MEMBERS_MAX: usize = 200;

/// An organization's path key: its USCC, or its id (UUID) when it has none.
pub fn parse_org_key(field: &str, s: &str) -> AppResult<OrgKey> {
    let s = s.trim();
    if let Ok(id) = uuid::Uuid::parse_str(s) {
        return Ok(OrgKey::Id(id));
    }
    let u = codes::Uscc::parse(s).map_err(|e| AppError::from_code(field, &e))?;
    Ok(OrgKey::Uscc(u.as_str().to_string()))
}

/// The organization named by a path key, or 404.
pub async fn load_org(state: &AppState, key: &str) -> AppResult<Organization> {
    store::organization(&state.db, &parse_org_key("uscc", key)?)
        .await?
        .ok_or(AppError::NotFound)
}

fn parse_date(field: &str, s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            "日期格式应为 YYYY-MM-DD",
            "A date must be written YYYY-MM-DD",
        )
    })
}

/// Everything the organization's page shows about its governance.
pub async fn governance(state: &AppState, org: &Organization) -> AppResult<Governance> {
    let today = state.clock.today();
    let org_type = OrgType::from_key(&org.org_type).unwrap_or(OrgType::SocialGroup);
    let terms = store::terms(&state.db, org.id)
        .await?
        .into_iter()
        .map(|(t, members)| {
            let limit = Body::from_key(&t.body).and_then(|b| governance::term_limit(org_type, b));
            GovernanceTerm {
                id: t.id,
                current: t.term_start <= today && today <= t.term_end,
                body: t.body,
                term_start: t.term_start,
                term_end: t.term_end,
                member_count: t.member_count,
                max_years: limit.map(|l| l.max_years),
                limit_source: limit.map(|l| l.source.to_string()),
                members,
            }
        })
        .collect();
    let party_history = store::party_history(&state.db, org.id).await?;
    let party_status = party_history.first().cloned();
    let p = store::profile(&state.db, org.id).await?;
    Ok(Governance {
        terms,
        party_status,
        party_history,
        special_groups: serde_json::from_str(&p.special_groups).unwrap_or_default(),
        community_categories: serde_json::from_str(&p.community_categories).unwrap_or_default(),
        hub_kind: p.hub_kind,
        is_hub: p.is_hub,
        tax_deductible: p.tax_deductible,
        supports: store::links(&state.db, org.id, true).await?,
        supported_by: store::links(&state.db, org.id, false).await?,
    })
}

/// The route checked the organization's region; an organization account must also act for it.
async fn acts_for(state: &AppState, actor: &Actor, org: &Organization) -> AppResult<()> {
    let region = codes::RegionCode::parse(&org.region_code)
        .map_err(|e| anyhow::anyhow!("stored region {}: {e:?}", org.region_code))?;
    crate::platform::auth::authorize_for_organization(
        &state.db,
        actor,
        &Access::roles(super::super::GOVERNANCE_EDITORS),
        org.id,
        &region,
    )
    .await
}

/// Records a new term of a body with its members.
pub async fn add_term(state: &AppState, actor: &Actor, key: &str, t: &TermInput) -> AppResult<()> {
    let org = load_org(state, key).await?;
    acts_for(state, actor, &org).await?;
    let org_type = OrgType::from_key(&org.org_type).unwrap_or(OrgType::SocialGroup);
    let body = parse_key("body", Some(&t.body), Body::from_key)?;
    let start = parse_date("term_start", &t.term_start)?;
    let end = parse_date("term_end", &t.term_end)?;
    let refused = |r: governance::TermRefusal| invalid(r.field, &r.zh, &r.en);
    governance::check_term(org_type, body, start, end).map_err(refused)?;
    if let Some(n) = t.member_count
        && n < 0
    {
        return Err(invalid(
            "member_count",
            "人数不能为负数",
            "The count cannot be negative",
        ));
    }
    if t.members.len() > MEMBERS_MAX {
        return Err(invalid("members", "成员过多", "Too many members"));
    }
    let mut members = Vec::with_capacity(t.members.len());
    for (i, m) in t.members.iter().enumerate() {
        members.push(governance::MemberInput {
            name: text(&format!("members[{i}].name"), &m.name, true)?,
            position: text(&format!("members[{i}].position"), &m.position, true)?,
        });
    }
    governance::check_members(org_type, body, members.len()).map_err(refused)?;
    store::add_term(
        &state.db,
        state.clock.now(),
        actor,
        &org,
        body.key(),
        start,
        end,
        t.member_count,
        &members,
    )
    .await?;
    Ok(())
}

/// Records the party-organization status from a date (not after today).
pub async fn set_party(
    state: &AppState,
    actor: &Actor,
    key: &str,
    p: &PartyInput,
) -> AppResult<()> {
    let org = load_org(state, key).await?;
    acts_for(state, actor, &org).await?;
    let status = parse_key("status", Some(&p.status), PartyStatus::from_key)?;
    let since = parse_date("since", &p.since)?;
    if since > state.clock.today() {
        return Err(invalid(
            "since",
            "日期不能晚于今天",
            "The date cannot be in the future",
        ));
    }
    let note = text("note", &p.note, false)?;
    store::set_party(
        &state.db,
        state.clock.now(),
        actor,
        &org,
        status.key(),
        since,
        &note,
    )
    .await
}

/// Sets the hub kind, tax-deduction eligibility and special groups (fields left out keep their
/// value).
pub async fn set_profile(
    state: &AppState,
    actor: &Actor,
    key: &str,
    p: &ProfileInput,
) -> AppResult<()> {
    let org = load_org(state, key).await?;
    if p.hub_kind.is_none()
        && p.tax_deductible.is_none()
        && p.special_groups.is_none()
        && p.community_categories.is_none()
    {
        return Err(invalid(
            "hub_kind",
            "没有填写要修改的项目",
            "Nothing to change: give hub_kind, tax_deductible or special_groups",
        ));
    }
    let mut profile: Profile = store::profile(&state.db, org.id).await?;
    if let Some(k) = &p.hub_kind {
        let k = k.trim();
        profile.hub_kind = if k.is_empty() || k == "none" {
            None
        } else {
            Some(
                parse_key("hub_kind", Some(k), HubKind::from_key)?
                    .key()
                    .to_string(),
            )
        };
        profile.is_hub = profile.hub_kind.is_some();
    }
    if let Some(t) = p.tax_deductible {
        profile.tax_deductible = t;
    }
    if let Some(groups) = &p.special_groups {
        profile.special_groups = key_list(
            "special_groups",
            groups,
            SPECIAL_GROUPS,
            "不是政策所列的特殊群体",
            "Not one of the special groups of the policy",
        )?;
    }
    if let Some(cats) = &p.community_categories {
        profile.community_categories = key_list(
            "community_categories",
            cats,
            COMMUNITY_CATEGORIES,
            "不是社区社会组织的类别",
            "Not a category of community organizations",
        )?;
    }
    store::set_profile(&state.db, state.clock.now(), actor, &org, &profile).await
}

/// A list of keys from `allowed` as JSON text (duplicates dropped), naming the entry at fault.
fn key_list(
    field: &str,
    given: &[String],
    allowed: &[&'static str],
    zh: &str,
    en: &str,
) -> AppResult<String> {
    let mut keys: Vec<&str> = Vec::new();
    for (i, g) in given.iter().enumerate() {
        let k = allowed
            .iter()
            .copied()
            .find(|k| *k == g.trim())
            .ok_or_else(|| invalid(&format!("{field}[{i}]"), zh, en))?;
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Ok(serde_json::to_string(&keys).map_err(anyhow::Error::from)?)
}

/// Links the hub to an organization it supports; the officer must cover that one's region too.
pub async fn link_supported(
    state: &AppState,
    actor: &Actor,
    key: &str,
    s: &SupportInput,
) -> AppResult<()> {
    let hub = load_org(state, key).await?;
    let other = store::organization(&state.db, &parse_org_key("organization", &s.organization)?)
        .await?
        .ok_or_else(|| invalid("organization", "未找到该组织", "No such organization"))?;
    if other.id == hub.id {
        return Err(invalid(
            "organization",
            "组织不能支持自身",
            "An organization cannot support itself",
        ));
    }
    let region = codes::RegionCode::parse(&other.region_code)
        .map_err(|e| AppError::from_code("organization", &e))?;
    authorize(actor, &Access::roles(Role::OFFICERS), Some(&region))?;
    store::link(
        &state.db,
        state.clock.now(),
        state.clock.today(),
        actor,
        &hub,
        &other,
    )
    .await
}

/// An officer lets an organization account (org_admin) act for the organization. The account
/// must exist and hold the org_admin role; the officer's region must cover the organization
/// (checked by the route).
pub async fn grant_account(
    state: &AppState,
    actor: &Actor,
    key: &str,
    g: &crate::registration::model::governance::AccountGrant,
) -> AppResult<()> {
    let org = load_org(state, key).await?;
    let username = g.username.trim();
    let user = crate::platform::auth::store::user_by_username(&state.db, username).await?;
    let Some(user) = user else {
        return Err(invalid(
            "username",
            "没有这个账号",
            "No account has this username",
        ));
    };
    let holds = crate::platform::auth::store::grants_of(&state.db, user.id)
        .await?
        .iter()
        .any(|gr| gr.role == Role::OrgAdmin.key());
    if !holds {
        return Err(invalid(
            "username",
            "该账号不是社会组织管理员账号",
            "This account does not hold the organization administrator role",
        ));
    }
    store::grant_account(&state.db, state.clock.now(), actor, &org, user.id, username).await
}

/// An officer ends an account's right to act for the organization (404 when it had none).
pub async fn revoke_account(
    state: &AppState,
    actor: &Actor,
    key: &str,
    username: &str,
) -> AppResult<()> {
    let org = load_org(state, key).await?;
    let user = crate::platform::auth::store::user_by_username(&state.db, username.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    if store::revoke_account(
        &state.db,
        state.clock.now(),
        actor,
        &org,
        user.id,
        username.trim(),
    )
    .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The accounts that act for the organization (officers of its region see them; the route
/// checks the region).
pub async fn bound_accounts(
    state: &AppState,
    org: &Organization,
) -> AppResult<Vec<super::super::model::governance::BoundAccount>> {
    store::accounts(&state.db, org.id).await
}
