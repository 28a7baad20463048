//! Types and rules of the charity module: 慈善组织认定 and 公开募捐资格 applications with the
//! eligibility checks shown to the officer, fundraising plans (募捐方案) and the one rule of
//! whether a plan is open for donations. Pure: thresholds in [`rules`], the supervision warnings'
//! rules moved to [`crate::supervision::model::warnings`].

pub mod closure;
pub mod rules;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::platform::error::Bilingual;

/// The kind of a charity application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 慈善组织认定
    Recognition,
    /// 公开募捐资格
    Qualification,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Recognition => "recognition",
            Kind::Qualification => "qualification",
        }
    }

    pub fn from_key(k: &str) -> Option<Kind> {
        match k {
            "recognition" => Some(Kind::Recognition),
            "qualification" => Some(Kind::Qualification),
            _ => None,
        }
    }

    /// The rule parameter of its decision period (its row says the calendar type too).
    pub fn deadline_key(self) -> rules::RuleKey {
        match self {
            Kind::Recognition => rules::RECOGNITION_DEADLINE,
            Kind::Qualification => rules::QUALIFICATION_DEADLINE,
        }
    }
}

/// An organization as the charity rules see it (社会组织).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgFacts {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: String,
    pub region_code: String,
    pub status: String,
    pub registered_on: Option<NaiveDate>,
    pub purpose: String,
    pub tax_deductible: bool,
}

/// 慈善组织: a recognized charity and its public-fundraising qualification (公开募捐资格).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Charity {
    pub organization_id: Uuid,
    pub recognized_on: NaiveDate,
    pub qualified_on: Option<NaiveDate>,
    /// 公开募捐资格证书编号.
    pub qualification_no: Option<String>,
    pub qualification_revoked_on: Option<NaiveDate>,
}

impl Charity {
    /// Holds a public-fundraising qualification now.
    pub fn is_qualified(&self) -> bool {
        self.qualified_on.is_some() && self.qualification_revoked_on.is_none()
    }
}

/// A charity application (认定 or 公开募捐资格) as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = CharityApplication)]
pub struct Application {
    pub id: Uuid,
    pub kind: String,
    pub organization_id: Uuid,
    pub region_code: String,
    /// pending | approved | refused
    pub state: String,
    pub statement: String,
    pub submitted_on: NaiveDate,
    /// Last day of the legal decision period.
    pub deadline: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub decision_reason: String,
    pub created_at: DateTime<Utc>,
}

impl Application {
    pub fn kind(&self) -> Kind {
        Kind::from_key(&self.kind).unwrap_or(Kind::Recognition)
    }

    /// Still undecided after its last day.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.state == "pending" && today > self.deadline
    }
}

/// One eligibility check with its reason, shown to the officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Check {
    pub key: &'static str,
    pub passed: bool,
    pub zh: String,
    pub en: String,
}

fn check(key: &'static str, passed: bool, zh: impl Into<String>, en: impl Into<String>) -> Check {
    Check {
        key,
        passed,
        zh: zh.into(),
        en: en.into(),
    }
}

/// 慈善组织认定 eligibility (慈善组织认定办法; DOMAIN.md §6.1): registered (not filed, revoked or
/// deregistered), a type that may be a charity, a charitable purpose stated, not a charity yet.
/// Conditions the platform holds no data for (charter clauses, penalties within 2 years, last
/// year's spending) are for the officer to verify from the materials.
pub fn recognition_checks(org: &OrgFacts, charity: Option<&Charity>) -> Vec<Check> {
    let status_zh = match org.status.as_str() {
        "registered" => "已登记，登记状态正常",
        "revoked" => "已被撤销登记",
        "deregistered" => "已注销",
        _ => "仅备案，未依法登记",
    };
    let status_en = match org.status.as_str() {
        "registered" => "Registered and active",
        "revoked" => "Registration revoked",
        "deregistered" => "Deregistered",
        _ => "Only filed, not registered",
    };
    vec![
        check(
            "registered",
            org.status == "registered",
            status_zh,
            status_en,
        ),
        check(
            "org_type",
            rules::CHARITY_ORG_TYPES.contains(&org.org_type.as_str()),
            "组织形式须为基金会、社会团体或社会服务机构（慈善法第八条）",
            "Must be a foundation, social group or social service agency (Charity Law Art. 8)",
        ),
        check(
            "purpose",
            !org.purpose.trim().is_empty(),
            "章程载明的宗旨（慈善宗旨）不能为空",
            "The charter's purpose (charitable purpose) must not be empty",
        ),
        check(
            "not_yet_charity",
            charity.is_none(),
            "尚未被认定为慈善组织",
            "Not yet recognized as a charity",
        ),
    ]
}

/// 公开募捐资格 eligibility (慈善法 Art. 22; DOMAIN.md rule 22, §6.2): registered, a charity,
/// not qualified yet, and a charity for at least `min_months` months on `today` (on the
/// anniversary itself: allowed, see [`rules::months_passed`]). `min_months` is the
/// [`rules::QUALIFICATION_MIN_MONTHS`] in force on the application date (12 from 2024-09-05,
/// 24 before), read by the service.
pub fn qualification_checks(
    org: &OrgFacts,
    charity: Option<&Charity>,
    today: NaiveDate,
    min_months: u32,
) -> Vec<Check> {
    let months = min_months;
    let since = charity.map(|c| c.recognized_on);
    vec![
        check(
            "registered",
            org.status == "registered",
            "登记状态正常",
            "Registered and active",
        ),
        check(
            "charity",
            charity.is_some(),
            "已认定为慈善组织",
            "Recognized as a charity",
        ),
        check(
            "one_year",
            since.is_some_and(|s| rules::months_passed(s, months, today)),
            format!(
                "认定为慈善组织满 {months} 个月（认定日期 {}）",
                since.map(|s| s.to_string()).unwrap_or_default()
            ),
            format!(
                "A charity for at least {months} months (recognized on {})",
                since.map(|s| s.to_string()).unwrap_or_default()
            ),
        ),
        check(
            "not_yet_qualified",
            !charity.is_some_and(Charity::is_qualified),
            "尚未取得公开募捐资格",
            "Does not hold the qualification yet",
        ),
    ]
}

/// An application with what the officer needs to decide.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CharityApplicationView)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: Application,
    pub organization: OrgFacts,
    pub checks: Vec<Check>,
    pub all_passed: bool,
    pub overdue: bool,
    /// The source of the deadline (法定期限 and its legal basis).
    pub deadline_days: u32,
    pub deadline_working_days: bool,
    pub deadline_source: String,
}

/// A filed fundraising plan (募捐方案) as the donation code reads it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Plan {
    pub id: Uuid,
    /// 备案编号
    pub filing_no: String,
    pub organization_id: Uuid,
    pub title: String,
    pub purpose: String,
    pub target_fen: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub region_code: String,
    pub beneficiaries: String,
    /// filed | closed | withdrawn
    pub status: String,
    pub filed_at: DateTime<Utc>,
}

/// A plan with its details, its organization and its disclosures, for the public page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    pub organization_name: String,
    pub organization_uscc: Option<String>,
    pub qualification_no: Option<String>,
    pub budget: String,
    pub contact: String,
    pub emergency: bool,
    pub open_today: bool,
    pub disclosures: Vec<Disclosure>,
    /// When, how and why it was closed or withdrawn (`None` while filed).
    pub closure: Option<closure::Closure>,
}

/// 信息公开: one disclosure about a plan.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Disclosure {
    pub id: Uuid,
    /// progress | final
    pub kind: String,
    pub disclosed_on: NaiveDate,
    pub summary: String,
}

/// Why a plan takes no donation today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    NotFiled,
    NotStarted,
    Ended,
    NotQualified,
}

impl Closed {
    pub fn code(self) -> &'static str {
        match self {
            Closed::NotFiled => "charity.plan.not_filed",
            Closed::NotStarted => "charity.plan.not_started",
            Closed::Ended => "charity.plan.ended",
            Closed::NotQualified => "charity.plan.not_qualified",
        }
    }

    pub fn message(self) -> Bilingual {
        match self {
            Closed::NotFiled => Bilingual::new(
                "该募捐方案已结束或已撤回，不再接受捐赠",
                "This fundraising plan is closed or withdrawn and takes no donations",
            ),
            Closed::NotStarted => Bilingual::new(
                "该募捐方案尚未开始募捐",
                "This fundraising plan has not started yet",
            ),
            Closed::Ended => Bilingual::new(
                "该募捐方案的募捐期限已届满",
                "This fundraising plan's period has ended",
            ),
            Closed::NotQualified => Bilingual::new(
                "发起募捐的慈善组织已不具有公开募捐资格",
                "The charity no longer holds a public-fundraising qualification",
            ),
        }
    }
}

/// **The one rule** of whether a plan takes donations on `today` (Asia/Shanghai date): the plan
/// is `filed`, `starts_on ≤ today ≤ ends_on` (both days included), and its organization is
/// registered and still a qualified charity (慈善法 Art. 22, 26; DOMAIN.md §6.2).
pub fn open_for_donation(
    plan: &Plan,
    org_status: &str,
    charity: Option<&Charity>,
    today: NaiveDate,
) -> Result<(), Closed> {
    if plan.status != "filed" {
        return Err(Closed::NotFiled);
    }
    if today < plan.starts_on {
        return Err(Closed::NotStarted);
    }
    if today > plan.ends_on {
        return Err(Closed::Ended);
    }
    if org_status != "registered" || !charity.is_some_and(Charity::is_qualified) {
        return Err(Closed::NotQualified);
    }
    Ok(())
}

/// The campaign a plan belongs to, for "one filing per campaign": its title without spaces or
/// case, and its start date.
pub fn campaign_key(title: &str, starts_on: NaiveDate) -> String {
    let t: String = title
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    format!("{t}@{starts_on}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn org(status: &str, purpose: &str) -> OrgFacts {
        OrgFacts {
            id: Uuid::nil(),
            uscc: None,
            name: "x".into(),
            org_type: "foundation".into(),
            region_code: "330106".into(),
            status: status.into(),
            registered_on: Some(d("2020-01-01")),
            purpose: purpose.into(),
            tax_deductible: false,
        }
    }

    fn charity(recognized: &str, qualified: bool) -> Charity {
        Charity {
            organization_id: Uuid::nil(),
            recognized_on: d(recognized),
            qualified_on: qualified.then(|| d(recognized)),
            qualification_no: None,
            qualification_revoked_on: None,
        }
    }

    fn plan(status: &str) -> Plan {
        Plan {
            id: Uuid::nil(),
            filing_no: "n".into(),
            organization_id: Uuid::nil(),
            title: "t".into(),
            purpose: "p".into(),
            target_fen: 1,
            starts_on: d("2026-12-01"),
            ends_on: d("2026-12-31"),
            region_code: "330106".into(),
            beneficiaries: "b".into(),
            status: status.into(),
            filed_at: Utc::now(),
        }
    }

    #[test]
    fn recognition_checks_name_their_reasons() {
        let ok = recognition_checks(&org("registered", "扶老助残"), None);
        assert!(ok.iter().all(|c| c.passed));
        let bad = recognition_checks(&org("revoked", " "), Some(&charity("2025-01-01", false)));
        let failed: Vec<_> = bad.iter().filter(|c| !c.passed).map(|c| c.key).collect();
        assert_eq!(failed, ["registered", "purpose", "not_yet_charity"]);
    }

    #[test]
    fn qualification_needs_a_year_as_a_charity() {
        let o = org("registered", "p");
        let c = charity("2025-11-27", false);
        let passed = |today, months| {
            qualification_checks(&o, Some(&c), d(today), months)
                .iter()
                .all(|c| c.passed)
        };
        assert!(!passed("2026-11-26", 12));
        assert!(passed("2026-11-27", 12));
        // The minimum is an input: with the 24 months of the 2016 text, two years.
        assert!(!passed("2027-11-26", 24));
        assert!(passed("2027-11-27", 24));
        assert!(
            !qualification_checks(&o, None, d("2030-01-01"), 12)
                .iter()
                .all(|c| c.passed)
        );
    }

    #[test]
    fn a_plan_is_open_from_its_first_to_its_last_day() {
        let c = charity("2020-01-01", true);
        let p = plan("filed");
        let at = |day| open_for_donation(&p, "registered", Some(&c), d(day));
        assert_eq!(at("2026-11-30"), Err(Closed::NotStarted));
        assert_eq!(at("2026-12-01"), Ok(()));
        assert_eq!(at("2026-12-31"), Ok(()));
        assert_eq!(at("2027-01-01"), Err(Closed::Ended));
        assert_eq!(
            open_for_donation(&plan("closed"), "registered", Some(&c), d("2026-12-05")),
            Err(Closed::NotFiled)
        );
        let unqualified = charity("2020-01-01", false);
        assert_eq!(
            open_for_donation(&p, "registered", Some(&unqualified), d("2026-12-05")),
            Err(Closed::NotQualified)
        );
        assert_eq!(
            open_for_donation(&p, "revoked", Some(&c), d("2026-12-05")),
            Err(Closed::NotQualified)
        );
    }

    #[test]
    fn campaign_keys_ignore_spaces_and_case() {
        let s = d("2026-12-01");
        assert_eq!(
            campaign_key("Warm Winter 暖冬", s),
            campaign_key("warmwinter暖冬", s)
        );
    }
}
