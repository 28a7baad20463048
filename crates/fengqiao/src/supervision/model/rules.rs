//! The deadlines of the annual work report (年度工作报告), each a rule parameter (a yearly
//! `month_day`, MMDD) with its source: DOMAIN.md §0 rule 14 and §4. The value in force on
//! **1 January of the year after the report's year** (the day the reporting period opens)
//! counts for that report: a change the province makes during a reporting season applies to the
//! next one. The service reads it and passes it into [`super::deadline`].

pub use crate::platform::rules::RuleKey;

/// 社会团体: to the registration authority by 31 May (DOMAIN.md rule 14, §4) [H].
pub const DEADLINE_SOCIAL_GROUP: RuleKey =
    RuleKey("supervision.annual_report.deadline.social_group");
/// 民办非企业单位 / 社会服务机构: to the registration authority by 31 May (rule 14, §4) [H].
pub const DEADLINE_SOCIAL_SERVICE_AGENCY: RuleKey =
    RuleKey("supervision.annual_report.deadline.social_service_agency");
/// 基金会: to the registration authority by 31 March (rule 14, §4; 基金会管理条例 Art. 36) [H].
pub const DEADLINE_FOUNDATION: RuleKey = RuleKey("supervision.annual_report.deadline.foundation");
/// A registered 社区社会组织 (registered as 社团/民非, DOMAIN.md §2.1): the 社团/民非 line of
/// rule 14 [M]. Filed (备案) community organizations report none.
pub const DEADLINE_COMMUNITY_ORG: RuleKey =
    RuleKey("supervision.annual_report.deadline.community_org");
/// 社会团体: to the 业务主管单位 by 31 March (rule 14, §4) [H].
pub const SUPERVISORY_DEADLINE_SOCIAL_GROUP: RuleKey =
    RuleKey("supervision.annual_report.supervisory_deadline.social_group");
/// 民办非企业单位: to the 业务主管单位 by 31 March (rule 14, §4) [H].
pub const SUPERVISORY_DEADLINE_SOCIAL_SERVICE_AGENCY: RuleKey =
    RuleKey("supervision.annual_report.supervisory_deadline.social_service_agency");
/// 基金会: reviewed by the 业务主管单位 before submission (§4), so by 31 March too [H].
pub const SUPERVISORY_DEADLINE_FOUNDATION: RuleKey =
    RuleKey("supervision.annual_report.supervisory_deadline.foundation");
/// A registered 社区社会组织 with a 业务主管单位: as 社团/民非 (rule 14, §2.1) [M].
pub const SUPERVISORY_DEADLINE_COMMUNITY_ORG: RuleKey =
    RuleKey("supervision.annual_report.supervisory_deadline.community_org");

/// The §6.4 management-cost caps apply from this year's management cost on (yuan); below it
/// they are waived (关于慈善组织开展慈善活动年度支出和管理费用的规定, 2016-10; DOMAIN.md §6.4,
/// §0 rule 26) [H]. Read as in force on 31 December of the judged year.
pub const MANAGEMENT_CAP_WAIVER: RuleKey = RuleKey("supervision.warning.management_cap_waiver");
/// One income source over this share (‰) of total income raises a warning (DOMAIN.md §4, §6.4)
/// [L]. Read as in force on 31 December of the judged year.
pub const INCOME_SOURCE_SHARE: RuleKey = RuleKey("supervision.warning.income_source_share");
/// Related-party transactions over this share (‰) of total income raise a warning (DOMAIN.md
/// §4) [L]. Read as in force on 31 December of the judged year.
pub const RELATED_PARTY_SHARE: RuleKey = RuleKey("supervision.warning.related_party_share");
/// Income or spending changing by more than this factor against the previous year's report is
/// flagged to the reviewer (DOMAIN.md §4) [L]. Read as in force on the day the page is shown.
pub const ANOMALY_FACTOR: RuleKey = RuleKey("supervision.warning.anomaly_factor");

/// Every rule parameter the supervision module reads (a test checks each has a row in force).
pub const PARAMETERS: &[RuleKey] = &[
    DEADLINE_SOCIAL_GROUP,
    DEADLINE_SOCIAL_SERVICE_AGENCY,
    DEADLINE_FOUNDATION,
    DEADLINE_COMMUNITY_ORG,
    SUPERVISORY_DEADLINE_SOCIAL_GROUP,
    SUPERVISORY_DEADLINE_SOCIAL_SERVICE_AGENCY,
    SUPERVISORY_DEADLINE_FOUNDATION,
    SUPERVISORY_DEADLINE_COMMUNITY_ORG,
    MANAGEMENT_CAP_WAIVER,
    INCOME_SOURCE_SHARE,
    RELATED_PARTY_SHARE,
    ANOMALY_FACTOR,
    crate::supervision::leaders::model::PRACTICE_BAN_TERM,
];

/// The organization types that report (`organizations.org_type`), each with its deadline to
/// the registration authority and to the 业务主管单位 (rule 14).
pub const REPORTING_TYPES: &[(&str, RuleKey, RuleKey)] = &[
    (
        "social_group",
        DEADLINE_SOCIAL_GROUP,
        SUPERVISORY_DEADLINE_SOCIAL_GROUP,
    ),
    (
        "social_service_agency",
        DEADLINE_SOCIAL_SERVICE_AGENCY,
        SUPERVISORY_DEADLINE_SOCIAL_SERVICE_AGENCY,
    ),
    (
        "foundation",
        DEADLINE_FOUNDATION,
        SUPERVISORY_DEADLINE_FOUNDATION,
    ),
    (
        "community_org",
        DEADLINE_COMMUNITY_ORG,
        SUPERVISORY_DEADLINE_COMMUNITY_ORG,
    ),
];

/// The (registration authority, 业务主管单位) deadline keys of an organization type; `None`
/// for a type that does not report.
pub fn keys_of(org_type: &str) -> Option<(RuleKey, RuleKey)> {
    REPORTING_TYPES
        .iter()
        .find(|(t, _, _)| *t == org_type)
        .map(|(_, r, s)| (*r, *s))
}
