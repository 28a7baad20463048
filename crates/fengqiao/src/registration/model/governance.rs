//! Governance of a registered or filed organization (POLICY 十, 三, 四, 五; DOMAIN.md §2.2–2.4):
//! the bodies and their terms, the party-organization status, the special groups served, the
//! hub/support kind. Pure: the rules a new term must meet, with their sources.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::OrgType;

keyed_enum!(
    /// A governance body (治理机构, POLICY 十).
    Body {
        /// 会员大会
        MemberAssembly = "member_assembly",
        /// 会员代表大会
        RepresentativeAssembly = "representative_assembly",
        /// 理事会
        Council = "council",
        /// 监事会
        SupervisoryBoard = "supervisory_board",
        /// 监事 (a single supervisor instead of a board)
        Supervisor = "supervisor",
    }
);

keyed_enum!(
    /// The party organization of a social organization (党组织, POLICY 二十; a missing one that
    /// is required is a 活动异常名录 trigger, DOMAIN.md §5).
    PartyStatus {
        /// 未建立
        None = "none",
        /// 单独组建
        Own = "own",
        /// 联合组建
        Joint = "joint",
        /// 选派党建指导员
        Instructor = "instructor",
    }
);

keyed_enum!(
    /// 枢纽型 or 支持型 (POLICY 五).
    HubKind { Hub = "hub", Support = "support" }
);

/// The special groups a community organization serves (POLICY 三), as stored in
/// `organizations.special_groups`.
pub const SPECIAL_GROUPS: &[&str] = &[
    "elderly",
    "women",
    "children",
    "disabled",
    "entitled",
    "unemployed",
    "migrant_workers",
    "children_of_detained",
    "poor_families",
    "severe_mental_illness",
    "troubled_youth",
    "community_corrections",
];

/// The categories of community social organizations (POLICY 三), as stored in
/// `organizations.community_categories`.
pub const COMMUNITY_CATEGORIES: &[&str] = &["life_service", "charity", "mutual_aid"];

/// The longest term of a body, in years, with its source. Only what DOMAIN.md states is here:
/// a 基金会's 理事会 serves at most 5 years (基金会管理条例 Art. 20, DOMAIN.md §2.3 [H]). DOMAIN.md
/// gives no statutory term for 社会团体 or 社会服务机构 bodies (their charters set it), so no
/// limit is enforced for them; add a row here when a source is found.
pub struct TermLimit {
    pub org_type: OrgType,
    pub body: Body,
    pub max_years: u32,
    pub source: &'static str,
}

pub const TERM_LIMITS: &[TermLimit] = &[TermLimit {
    org_type: OrgType::Foundation,
    body: Body::Council,
    max_years: 5,
    // DOMAIN.md §2.3 [H].
    source: "基金会管理条例 第二十条",
}];

/// The term limit of a body of an organization type, if a source sets one.
pub fn term_limit(org_type: OrgType, body: Body) -> Option<&'static TermLimit> {
    TERM_LIMITS
        .iter()
        .find(|l| l.org_type == org_type && l.body == body)
}

/// Member assemblies belong to membership organizations: a 社会团体 has members (DOMAIN.md §2.2,
/// rule 8) and so does a community organization; a 基金会 and a 社会服务机构 have none.
pub fn body_allowed(org_type: OrgType, body: Body) -> bool {
    match body {
        Body::MemberAssembly | Body::RepresentativeAssembly => {
            matches!(org_type, OrgType::SocialGroup | OrgType::CommunityOrg)
        }
        _ => true,
    }
}

/// The last day a term may end on: `years` after its start (民法典 Art. 201–203: a year period
/// ends on the corresponding date, or the month's last day when there is none).
pub fn latest_end(start: NaiveDate, years: u32) -> NaiveDate {
    let y = start.year() + years as i32;
    NaiveDate::from_ymd_opt(y, start.month(), start.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, start.month(), 28))
        .unwrap_or(start)
}

/// Why a term is refused: the field at fault and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRefusal {
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

/// The rules a new term must meet: a body the organization type has, an end after the start,
/// within the term limit where a source sets one.
pub fn check_term(
    org_type: OrgType,
    body: Body,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(), TermRefusal> {
    if !body_allowed(org_type, body) {
        return Err(TermRefusal {
            field: "body",
            zh: "基金会和社会服务机构没有会员，不设会员（代表）大会".into(),
            en: "Foundations and social service agencies have no members and no member assembly"
                .into(),
        });
    }
    if end <= start {
        return Err(TermRefusal {
            field: "term_end",
            zh: "届满日期须晚于起始日期".into(),
            en: "The term must end after it starts".into(),
        });
    }
    if let Some(l) = term_limit(org_type, body)
        && end > latest_end(start, l.max_years)
    {
        return Err(TermRefusal {
            field: "term_end",
            zh: format!("每届任期不得超过{}年（{}）", l.max_years, l.source),
            en: format!(
                "A term may last at most {} years ({})",
                l.max_years, l.source
            ),
        });
    }
    Ok(())
}

/// A 基金会's 理事会 has 5 to 25 directors (基金会管理条例 Art. 20, DOMAIN.md §2.3 [H]).
pub const FOUNDATION_COUNCIL_SIZE: (usize, usize) = (5, 25);

/// The number of listed members a body's term must have, where a source sets it.
pub fn check_members(org_type: OrgType, body: Body, listed: usize) -> Result<(), TermRefusal> {
    let (lo, hi) = FOUNDATION_COUNCIL_SIZE;
    if org_type == OrgType::Foundation && body == Body::Council && !(lo..=hi).contains(&listed) {
        return Err(TermRefusal {
            field: "members",
            zh: format!("基金会理事会须有{lo}至{hi}名理事（基金会管理条例第二十条）"),
            en: format!(
                "A foundation's council has {lo} to {hi} directors (基金会管理条例 Art. 20)"
            ),
        });
    }
    Ok(())
}

/// A member as submitted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MemberInput {
    pub name: String,
    /// e.g. 理事长, 理事, 监事长, 监事.
    pub position: String,
}

/// `POST /api/v1/organizations/{uscc}/governance`: a new term of a body with its members.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TermInput {
    /// `member_assembly`, `representative_assembly`, `council`, `supervisory_board`, `supervisor`.
    #[serde(default)]
    pub body: String,
    /// First day of the term (YYYY-MM-DD).
    #[serde(default)]
    pub term_start: String,
    /// Last day of the term (YYYY-MM-DD).
    #[serde(default)]
    pub term_end: String,
    /// For assemblies: how many members (or representatives) it has.
    #[serde(default)]
    pub member_count: Option<i64>,
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

/// `POST /api/v1/organizations/{uscc}/party`: the party-organization status from a date.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PartyInput {
    /// `none`, `own` (单独组建), `joint` (联合组建), `instructor` (党建指导员).
    #[serde(default)]
    pub status: String,
    /// Since when (YYYY-MM-DD).
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub note: String,
}

/// `PUT /api/v1/organizations/{uscc}/profile`: what officers record about an organization.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ProfileInput {
    /// `hub`, `support`, or empty/absent for neither.
    #[serde(default)]
    pub hub_kind: Option<String>,
    /// 公益性捐赠税前扣除资格.
    #[serde(default)]
    pub tax_deductible: Option<bool>,
    /// Special groups served (POLICY 三): keys of [`SPECIAL_GROUPS`].
    #[serde(default)]
    pub special_groups: Option<Vec<String>>,
    /// Community-organization categories (POLICY 三): keys of [`COMMUNITY_CATEGORIES`].
    #[serde(default)]
    pub community_categories: Option<Vec<String>>,
}

/// `POST /api/v1/organizations/{uscc}/supported`: an organization the hub supports.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SupportInput {
    /// The supported organization's USCC, or its id when it has none (filed only).
    #[serde(default)]
    pub organization: String,
}

/// A member of a body for one term.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Member {
    pub name: String,
    pub position: String,
}

/// One term of one body with its members.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GovernanceTerm {
    pub id: Uuid,
    pub body: String,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub member_count: Option<i64>,
    /// The term limit that applied, in years, and its source (`None`: no source sets one).
    pub max_years: Option<u32>,
    pub limit_source: Option<String>,
    /// The term is running today (start ≤ today ≤ end).
    pub current: bool,
    pub members: Vec<Member>,
}

/// The party-organization status from a date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PartyRecord {
    pub status: String,
    pub since: NaiveDate,
    pub note: String,
}

/// Another organization, linked (a hub and those it supports).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgLink {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub since: NaiveDate,
}

impl OrgLink {
    /// The path key of the organization's page: its USCC, or its id when it has none.
    pub fn key(&self) -> String {
        self.uscc.clone().unwrap_or_else(|| self.id.to_string())
    }
}

/// Everything about an organization's governance, for its page and `GET /organizations/{uscc}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Governance {
    /// Terms of every body, newest first.
    pub terms: Vec<GovernanceTerm>,
    /// The current party-organization status (`None`: never recorded).
    pub party_status: Option<PartyRecord>,
    pub party_history: Vec<PartyRecord>,
    pub special_groups: Vec<String>,
    /// Community-organization categories (生活服务类, 公益慈善类, 居民互助类).
    pub community_categories: Vec<String>,
    /// `hub`, `support` or `None`.
    pub hub_kind: Option<String>,
    pub is_hub: bool,
    /// 公益性捐赠税前扣除资格 (POLICY 四).
    pub tax_deductible: bool,
    /// Organizations this hub supports.
    pub supports: Vec<OrgLink>,
    /// Hubs that support this organization.
    pub supported_by: Vec<OrgLink>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_foundation_council_serves_at_most_five_years() {
        // 基金会管理条例 Art. 20 (DOMAIN.md §2.3): exactly five years is allowed, a day more is not.
        let f = OrgType::Foundation;
        assert!(check_term(f, Body::Council, d("2024-03-01"), d("2029-03-01")).is_ok());
        let e = check_term(f, Body::Council, d("2024-03-01"), d("2029-03-02")).unwrap_err();
        assert_eq!(e.field, "term_end");
        // No source sets a limit for a 社会团体's council: a longer term is the charter's business.
        assert!(
            check_term(
                OrgType::SocialGroup,
                Body::Council,
                d("2024-03-01"),
                d("2030-03-01")
            )
            .is_ok()
        );
        assert_eq!(latest_end(d("2024-02-29"), 5), d("2029-02-28"));
    }

    #[test]
    fn a_foundation_council_has_five_to_twenty_five_directors() {
        let f = OrgType::Foundation;
        assert!(check_members(f, Body::Council, 4).is_err());
        assert!(check_members(f, Body::Council, 5).is_ok());
        assert!(check_members(f, Body::Council, 25).is_ok());
        assert!(check_members(f, Body::Council, 26).is_err());
        assert!(check_members(OrgType::SocialGroup, Body::Council, 3).is_ok());
    }

    #[test]
    fn a_term_ends_after_it_starts_and_foundations_have_no_assembly() {
        let e = check_term(
            OrgType::SocialGroup,
            Body::Council,
            d("2024-03-01"),
            d("2024-03-01"),
        )
        .unwrap_err();
        assert_eq!(e.field, "term_end");
        let e = check_term(
            OrgType::Foundation,
            Body::MemberAssembly,
            d("2024-03-01"),
            d("2025-03-01"),
        )
        .unwrap_err();
        assert_eq!(e.field, "body");
        assert!(body_allowed(
            OrgType::SocialGroup,
            Body::RepresentativeAssembly
        ));
    }
}

/// `POST /api/v1/organizations/{uscc}/accounts`: an organization account (org_admin) to act for
/// the organization, granted by an officer of its region.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AccountGrant {
    /// The account's username; it must hold the org_admin role.
    #[serde(default)]
    pub username: String,
}

/// An organization account (社会组织管理员账号) bound to act for an organization, as its officers
/// see it on the organization's accounts page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BoundAccount {
    pub username: String,
    pub display_name: String,
    /// When the binding was made (granted by an officer, or at approval for a founder).
    pub granted_at: chrono::DateTime<chrono::Utc>,
}
