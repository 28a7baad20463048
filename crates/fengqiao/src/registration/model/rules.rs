//! Rules and thresholds of registration, each with its source (DOMAIN.md §2–3): the materials
//! checklist per application type, review deadlines and the publicity period (rule parameters
//! by date, named here by their keys), and the checks run on founders and proposed leaders. Pure.

use serde::{Deserialize, Serialize};

use super::{AppKind, OrgType, Step};

pub use crate::platform::rules::RuleKey;

/// 任职前公示 period in working days (POLICY.md 十二, the Zhejiang 2018 opinions, in force
/// 2018-08-01). No national duration exists; 5 working days is a common local choice [L]
/// (DOMAIN.md §3), so it is a row the province changes. The version in force on the day the
/// publicity starts counts.
pub const PUBLICITY_WORKING_DAYS: RuleKey = RuleKey("registry.publicity.period");

/// 登记 review step: 行政许可法 Art. 42 default of 20 days, working days per Art. 82 [H].
pub const REGISTRATION_STEP_DEADLINE: RuleKey = RuleKey("registry.review.registration.deadline");
/// 业务主管单位 review step: as [`REGISTRATION_STEP_DEADLINE`] [H].
pub const SUPERVISORY_STEP_DEADLINE: RuleKey = RuleKey("registry.review.supervisory.deadline");
/// 党建 review step: as [`REGISTRATION_STEP_DEADLINE`] [H].
pub const PARTY_BUILDING_STEP_DEADLINE: RuleKey =
    RuleKey("registry.review.party_building.deadline");

/// The parameter of each review step's deadline, in working days from acceptance (行政许可法
/// Art. 42, 82 [H]; Zhejiang's promised shorter times per matter were not retrieved [L],
/// DOMAIN.md §2.7: a new row per step changes them). The version in force on the day of
/// acceptance counts.
pub fn step_deadline(step: Step) -> RuleKey {
    match step {
        Step::Registration => REGISTRATION_STEP_DEADLINE,
        Step::Supervisory => SUPERVISORY_STEP_DEADLINE,
        Step::PartyBuilding => PARTY_BUILDING_STEP_DEADLINE,
    }
}

/// Every rule parameter the registry reads (a test checks each has a row in force).
pub const PARAMETERS: &[RuleKey] = &[
    PUBLICITY_WORKING_DAYS,
    REGISTRATION_STEP_DEADLINE,
    SUPERVISORY_STEP_DEADLINE,
    PARTY_BUILDING_STEP_DEADLINE,
];

/// Age of full civil capacity (民法典 Art. 17–18) [H]: below it a founder or leader lacks full
/// civil capacity, a refusal ground (社团/民非, DOMAIN.md §3).
pub const FULL_CAPACITY_AGE: u32 = 18;

/// Retired officials may hold 社团 posts only up to age 70 (中组部/民政部 rules) [M].
pub const RETIRED_OFFICIAL_AGE_CAP: u32 = 70;

/// Many local rules apply 70 as the cap for every 社团 负责人 [L]: `None` turns that off.
pub const SOCIAL_GROUP_LEADER_AGE_CAP: Option<u32> = Some(70);

/// One material of the one-window checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Material {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn m(key: &'static str, zh: &'static str, en: &'static str) -> Material {
    Material { key, zh, en }
}

pub const APPLICATION: Material = m("application", "登记申请书", "Application form");
pub const SUPERVISORY_APPROVAL: Material = m(
    "supervisory_approval",
    "业务主管单位批准文件",
    "Approval of the business supervisory unit",
);
pub const CAPITAL_VERIFICATION: Material = m(
    "capital_verification",
    "验资报告",
    "Capital verification report",
);
pub const PREMISES_PROOF: Material = m("premises_proof", "住所使用权证明", "Proof of premises");
pub const PERSONS_PARTICULARS: Material = m(
    "persons_particulars",
    "发起人和拟任负责人基本情况及身份证明",
    "Particulars and identity of founders and proposed leaders",
);
pub const CHARTER: Material = m("charter", "章程草案", "Draft charter");
pub const FILING_FORM: Material = m("filing_form", "社区社会组织备案表", "Filing form");
pub const CHANGE_RESOLUTION: Material = m(
    "change_resolution",
    "会员(代表)大会或理事会决议",
    "Resolution of the assembly or council",
);
pub const LIQUIDATION_REPORT: Material = m("liquidation_report", "清算报告", "Liquidation report");
pub const CERTIFICATE: Material = m(
    "certificate",
    "登记证书正副本",
    "Registration certificate (original and copy)",
);
pub const DECISION_RECORD: Material = m(
    "decision_record",
    "违法事实调查材料",
    "Record of the facts found",
);

/// The materials checklist of an application type, with its source:
/// - establishment: 社会团体登记管理条例 Art. 11, 基金会管理条例 Art. 9, 民办非企业单位登记管理暂行条例
///   Art. 9 [H] (DOMAIN.md §2.2–2.4); the 业务主管单位 document only under 双重管理 (rule 7);
/// - filing: 民发〔2017〕191号 leaves the list to local practice [L];
/// - change: 条例 Art. 18 / 民非 Art. 15 [H], the resolution from local guides [M];
/// - deregistration: 条例 Art. 19–21 [H]; revocation: the authority's own record [L].
pub fn checklist(kind: AppKind, org_type: OrgType, needs_supervisory: bool) -> Vec<Material> {
    let mut out = match kind {
        AppKind::Establishment => {
            let mut v = vec![APPLICATION, CHARTER, PERSONS_PARTICULARS, PREMISES_PROOF];
            if org_type != OrgType::CommunityOrg {
                v.push(CAPITAL_VERIFICATION);
            }
            v
        }
        AppKind::Filing => vec![FILING_FORM, CHARTER, PERSONS_PARTICULARS],
        AppKind::Change => vec![APPLICATION, CHANGE_RESOLUTION],
        // A filed community organization holds no registration certificate to hand back.
        AppKind::Deregistration if org_type == OrgType::CommunityOrg => {
            vec![APPLICATION, LIQUIDATION_REPORT]
        }
        AppKind::Deregistration => vec![APPLICATION, LIQUIDATION_REPORT, CERTIFICATE],
        AppKind::Revocation => vec![DECISION_RECORD],
    };
    if needs_supervisory && !matches!(kind, AppKind::Filing | AppKind::Revocation) {
        out.insert(1, SUPERVISORY_APPROVAL);
    }
    out
}

/// Checklist keys not among `submitted`, in checklist order.
pub fn missing(list: &[Material], submitted: &[String]) -> Vec<&'static str> {
    list.iter()
        .filter(|m| !submitted.iter().any(|s| s == m.key))
        .map(|m| m.key)
        .collect()
}

/// The result of one check on a named person, kept for the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckResult {
    /// `id_number`, `age`, `retired_official_age`, `leader_age`, `barred`, `legal_rep`.
    pub check: String,
    pub passed: bool,
    pub zh: String,
    pub en: String,
}

fn result(check: &str, passed: bool, zh: String, en: String) -> CheckResult {
    CheckResult {
        check: check.into(),
        passed,
        zh,
        en,
    }
}

/// What is known about a named person when the checks run.
#[derive(Debug, Clone)]
pub struct PersonFacts {
    pub age: u32,
    pub is_leader: bool,
    pub is_legal_rep: bool,
    pub retired_official: bool,
    /// Organization types of which the person is legal representative now (other organizations).
    pub legal_rep_of: Vec<OrgType>,
}

/// Rule 12: a 社会团体's legal representative may not be that of another 社会团体; a 基金会's
/// legal representative may not be that of any other organization [H].
pub fn legal_rep_conflict(new_org: OrgType, other: OrgType) -> bool {
    new_org == OrgType::Foundation
        || other == OrgType::Foundation
        || (new_org == OrgType::SocialGroup && other == OrgType::SocialGroup)
}

/// The checks of DOMAIN.md §3, as results for the reviewer. The two hard checks (identity number,
/// rule 6; bar list, §3/§5) ran before and refused the application had they failed, so they are
/// recorded as passed; the advisory ones (age, the 70-year caps, rule 12) carry their reason and
/// the reviewer decides (see the module documentation of [`super`]).
pub fn check_person(org_type: OrgType, p: &PersonFacts) -> Vec<CheckResult> {
    let mut out = vec![result(
        "id_number",
        true,
        "身份证号码校验通过".into(),
        "Identity number is valid".into(),
    )];
    let adult = p.age >= FULL_CAPACITY_AGE;
    out.push(result(
        "age",
        adult,
        format!(
            "{} 周岁（完全民事行为能力年龄 {FULL_CAPACITY_AGE} 周岁）",
            p.age
        ),
        format!(
            "Aged {} (full civil capacity at {FULL_CAPACITY_AGE})",
            p.age
        ),
    ));
    if org_type == OrgType::SocialGroup && p.is_leader {
        if p.retired_official {
            let ok = p.age <= RETIRED_OFFICIAL_AGE_CAP;
            out.push(result(
                "retired_official_age",
                ok,
                format!(
                    "退休干部任社团负责人，年龄上限 {RETIRED_OFFICIAL_AGE_CAP} 周岁，现 {} 周岁",
                    p.age
                ),
                format!(
                    "Retired official as leader: cap {RETIRED_OFFICIAL_AGE_CAP}, aged {}",
                    p.age
                ),
            ));
        }
        if let Some(cap) = SOCIAL_GROUP_LEADER_AGE_CAP {
            out.push(result(
                "leader_age",
                p.age <= cap,
                format!("社团负责人年龄上限 {cap} 周岁，现 {} 周岁", p.age),
                format!("Leader age cap {cap}, aged {}", p.age),
            ));
        }
    }
    out.push(result(
        "barred",
        true,
        "未列入从业禁止或严重违法失信名单".into(),
        "Not barred".into(),
    ));
    if p.is_legal_rep {
        let conflict = p
            .legal_rep_of
            .iter()
            .any(|o| legal_rep_conflict(org_type, *o));
        out.push(if conflict {
            result(
                "legal_rep",
                false,
                "已担任其他社会组织法定代表人（社团法代不得兼任其他社团法代；基金会法代不得兼任其他组织法代）".into(),
                "Already legal representative of another organization where rule 12 forbids it".into(),
            )
        } else {
            result(
                "legal_rep",
                true,
                "未担任受限的其他组织法定代表人".into(),
                "Not legal representative of a conflicting organization".into(),
            )
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(age: u32) -> PersonFacts {
        PersonFacts {
            age,
            is_leader: true,
            is_legal_rep: true,
            retired_official: true,
            legal_rep_of: vec![],
        }
    }

    #[test]
    fn age_caps_include_seventy_and_refuse_seventy_one() {
        let ok = check_person(OrgType::SocialGroup, &facts(70));
        assert!(ok.iter().all(|c| c.passed), "{ok:?}");
        let old = check_person(OrgType::SocialGroup, &facts(71));
        assert!(
            old.iter()
                .any(|c| c.check == "retired_official_age" && !c.passed)
        );
        let minor = check_person(OrgType::Foundation, &facts(17));
        assert!(minor.iter().any(|c| c.check == "age" && !c.passed));
    }

    #[test]
    fn rule_twelve_legal_representatives() {
        use OrgType::*;
        assert!(legal_rep_conflict(SocialGroup, SocialGroup));
        assert!(!legal_rep_conflict(SocialGroup, SocialServiceAgency));
        assert!(legal_rep_conflict(Foundation, SocialServiceAgency));
        assert!(legal_rep_conflict(SocialServiceAgency, Foundation));
        let mut f = facts(50);
        f.legal_rep_of = vec![SocialGroup];
        let r = check_person(SocialGroup, &f);
        assert!(r.iter().any(|c| c.check == "legal_rep" && !c.passed));
    }

    #[test]
    fn the_supervisory_document_is_asked_only_under_dual_management() {
        let direct = checklist(AppKind::Establishment, OrgType::SocialGroup, false);
        assert!(!direct.contains(&SUPERVISORY_APPROVAL));
        let dual = checklist(AppKind::Establishment, OrgType::SocialGroup, true);
        assert!(dual.contains(&SUPERVISORY_APPROVAL));
        assert_eq!(
            missing(&direct, &["application".into(), "charter".into()]),
            vec![
                "persons_particulars",
                "premises_proof",
                "capital_verification"
            ]
        );
    }
}
