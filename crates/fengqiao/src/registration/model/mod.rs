//! Registry types and rules. Pure: no IO. The workflow is in [`workflow`], the checklist,
//! deadlines and person checks in [`rules`].
//!
//! Checks on founders and proposed leaders come in two kinds:
//! - **hard** — the application is refused with 422 naming `persons[i].id_number`, and nothing is
//!   stored: an identity number that does not parse (DOMAIN rule 6: 18 characters, a real birth
//!   date, the check character), and a person who is barred (`credit::person_bar`: 从业禁止 or
//!   the 严重违法失信名单, DOMAIN §3 and §5). Neither leaves anything for a reviewer to weigh.
//! - **advisory** — stored with the application with its reason and shown to the reviewer, who
//!   decides (the issue: "each check's result and reason is shown to the reviewer, who decides"):
//!   full civil capacity at 18 (DOMAIN §3, 民法典 Art. 17–18), the 70-year cap for retired
//!   officials and the local 70-year cap for 社团 leaders (DOMAIN §3 [M]/[L]), and the
//!   legal-representative rule (DOMAIN rule 12), whose facts (an office held elsewhere, a change
//!   on the way) the reviewer may know better than the register.

pub mod rules;
pub mod workflow;

use chrono::{DateTime, NaiveDate, Utc};
use codes::{RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use rules::{CheckResult, Material};
pub use workflow::{Action, Facts, Refusal, State};

use crate::platform::AppError;

macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $k:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn key(self) -> &'static str { match self { $($name::$v => $k),+ } }
            pub fn from_key(k: &str) -> Option<$name> { $name::ALL.iter().copied().find(|x| x.key() == k) }
        }
    };
}

pub mod governance;
pub use governance::Governance;

keyed_enum!(
    /// The kind of application.
    AppKind {
        /// 成立登记
        Establishment = "establishment",
        /// 备案 (community social organization, street/township office)
        Filing = "filing",
        /// 变更登记
        Change = "change",
        /// 注销登记
        Deregistration = "deregistration",
        /// 撤销登记 (by the authority)
        Revocation = "revocation",
    }
);

keyed_enum!(
    /// The organization's type (matches `organizations.org_type`).
    OrgType {
        /// 社会团体
        SocialGroup = "social_group",
        /// 基金会
        Foundation = "foundation",
        /// 社会服务机构 (民办非企业单位)
        SocialServiceAgency = "social_service_agency",
        /// 社区社会组织 (filed)
        CommunityOrg = "community_org",
    }
);

keyed_enum!(
    /// The organization's category; four are registered directly (DOMAIN rule 7).
    Category {
        /// 行业协会商会类
        IndustryAssociation = "industry_association",
        /// 科技类
        ScienceTech = "science_tech",
        /// 公益慈善类
        Charity = "charity",
        /// 城乡社区服务类
        CommunityService = "community_service",
        /// 其他 (双重管理)
        Other = "other",
    }
);

keyed_enum!(
    /// The organization's reach, which decides the level of its registration authority.
    Reach { County = "county", City = "city", Province = "province" }
);

keyed_enum!(
    /// A parallel review step after acceptance.
    Step {
        /// 民政登记审查
        Registration = "registration",
        /// 业务主管单位审查
        Supervisory = "supervisory",
        /// 党建工作机构审查 (party-organization plan)
        PartyBuilding = "party_building",
    }
);

keyed_enum!(
    /// Where a review step stands.
    StepState { Pending = "pending", Approved = "approved", Rejected = "rejected" }
);

/// DOMAIN rule 7 / POLICY 九: only these four categories register directly (直接登记) [M].
pub const DIRECT_REGISTRATION: &[Category] = &[
    Category::IndustryAssociation,
    Category::ScienceTech,
    Category::Charity,
    Category::CommunityService,
];

/// Whether a 业务主管单位 must review (双重管理).
pub fn needs_supervisory(kind: AppKind, category: Category) -> bool {
    !matches!(kind, AppKind::Filing | AppKind::Revocation)
        && !DIRECT_REGISTRATION.contains(&category)
}

/// The review steps of an accepted application. The party-building body reviews the
/// party-organization plan of new organizations (POLICY 二十).
pub fn steps_for(kind: AppKind, needs_supervisory: bool) -> Vec<Step> {
    let mut v = vec![Step::Registration];
    if needs_supervisory {
        v.push(Step::Supervisory);
    }
    if kind == AppKind::Establishment {
        v.push(Step::PartyBuilding);
    }
    v
}

/// Position 2 of the USCC for the type (DOMAIN rule 4): 社会团体 1, 民非/社会服务机构 2, 基金会 3.
/// Community organizations that are only filed get no code.
pub fn uscc_type_char(t: OrgType) -> Option<char> {
    match t {
        OrgType::SocialGroup => Some('1'),
        OrgType::SocialServiceAgency => Some('2'),
        OrgType::Foundation => Some('3'),
        OrgType::CommunityOrg => None,
    }
}

/// The authority's area: the county, city or province of the domicile by reach (DOMAIN §2.1),
/// or the street/township office for a filing.
pub fn authority_region(
    kind: AppKind,
    reach: Reach,
    domicile: &RegionCode,
) -> Result<RegionCode, AppError> {
    let bad = |zh: &str, en: &str| AppError::invalid("domicile_code", "registry.domicile", zh, en);
    if kind == AppKind::Filing {
        return match domicile.level() {
            RegionLevel::Township => Ok(domicile.clone()),
            RegionLevel::Village => domicile.parent().ok_or_else(|| {
                bad(
                    "住所须在街道或乡镇之内",
                    "The domicile must lie inside a street or township",
                )
            }),
            _ => Err(bad(
                "备案的住所须为街道/乡镇或社区/村代码",
                "A filing needs the code of a street/township or community/village",
            )),
        };
    }
    let found = match reach {
        Reach::County => domicile.county(),
        Reach::City => domicile.city(),
        Reach::Province => Some(domicile.province()),
    };
    found.ok_or_else(|| {
        bad(
            "住所代码与活动地域不符（县级登记须给出县级或以下代码）",
            "The domicile code does not fit the reach (county reach needs a county-level or lower code)",
        )
    })
}

/// A person named in an application, as submitted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    pub name: String,
    /// 居民身份证号码 (18 characters). Stored sealed, shown masked.
    pub id_number: String,
    /// `founder` or `leader`.
    #[serde(default = "leader")]
    pub capacity: String,
    /// e.g. 会长, 理事长, 秘书长.
    pub position: String,
    #[serde(default)]
    pub is_legal_rep: bool,
    /// A retired official (退休干部): the 70-year cap applies to 社团 posts.
    #[serde(default)]
    pub retired_official: bool,
}

fn leader() -> String {
    "leader".into()
}

/// A new application as submitted by the applicant.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewApplication {
    /// `establishment`, `filing`, `change`, `deregistration`, `revocation`.
    pub kind: String,
    /// For establishment/filing: `social_group`, `foundation`, `social_service_agency`, `community_org`.
    #[serde(default)]
    pub org_type: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Division code of the domicile (county level or below).
    #[serde(default)]
    pub domicile_code: Option<String>,
    /// `county` (default), `city` or `province`.
    #[serde(default)]
    pub reach: Option<String>,
    #[serde(default)]
    pub supervisory_unit: Option<String>,
    /// For change, deregistration and revocation: the organization's USCC.
    #[serde(default)]
    pub organization_uscc: Option<String>,
    /// Instead of the USCC, for an organization that has none (a community organization that
    /// is only filed): its id.
    #[serde(default)]
    pub organization_id: Option<String>,
    #[serde(default)]
    pub business_scope: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub address: String,
    /// 活动资金/原始基金/开办资金 in fen.
    #[serde(default)]
    pub funds_fen: Option<i64>,
    #[serde(default)]
    pub persons: Vec<PersonInput>,
}

/// The body of a submission: which checklist materials are attached.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SubmitBody {
    pub materials: Vec<String>,
}

/// The intake decision (一窗受理).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IntakeBody {
    /// `accept` or `return`.
    pub decision: String,
    /// Further defects the officer found (material keys), added to the computed missing list.
    #[serde(default)]
    pub also_missing: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// A reviewer's verdict on one step.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct StepBody {
    /// `approve` or `reject`.
    pub verdict: String,
    #[serde(default)]
    pub opinion: String,
}

/// The final decision.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DecisionBody {
    /// `approve` or `refuse`.
    pub decision: String,
    /// Required when refusing.
    #[serde(default)]
    pub reasons: String,
}

/// An objection filed during publicity (anyone).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ObjectionBody {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub contact: String,
    pub body: String,
}

/// The officer's answer to an objection.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    pub answer: String,
}

/// An application as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Application {
    pub id: Uuid,
    pub kind: String,
    pub state: String,
    pub org_type: String,
    pub category: String,
    pub name: String,
    pub region_code: String,
    pub domicile_code: String,
    pub reach: String,
    pub supervisory_unit: Option<String>,
    /// The department (部门) the supervisory unit is: the supervisory review step is addressed
    /// to it. `None` for applications filed before departments were kept.
    pub supervisory_department_id: Option<String>,
    pub organization_id: Option<Uuid>,
    pub business_scope: String,
    pub purpose: String,
    pub address: String,
    pub funds_fen: Option<i64>,
    /// JSON text: material keys submitted.
    pub materials: String,
    /// JSON text: material keys found missing at intake.
    pub missing: String,
    pub submitted_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub publicity_from: Option<NaiveDate>,
    pub publicity_until: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: String,
    pub uscc: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Application {
    /// The department a review step is addressed to (部门): the supervisory step to the
    /// 业务主管单位 the application names; the other steps to no department (civil affairs and
    /// the region's reviewers decide them, as the workflow's roles say).
    pub fn addressee(&self, step: Step) -> Option<&str> {
        match step {
            Step::Supervisory => self.supervisory_department_id.as_deref(),
            _ => None,
        }
    }

    pub fn kind(&self) -> AppKind {
        AppKind::from_key(&self.kind).unwrap_or(AppKind::Establishment)
    }
    pub fn org_type(&self) -> OrgType {
        OrgType::from_key(&self.org_type).unwrap_or(OrgType::SocialGroup)
    }
    pub fn category(&self) -> Category {
        Category::from_key(&self.category).unwrap_or(Category::Other)
    }
    pub fn state(&self) -> State {
        State::from_key(&self.state).unwrap_or(State::Draft)
    }
    pub fn needs_supervisory(&self) -> bool {
        needs_supervisory(self.kind(), self.category())
    }
    pub fn checklist(&self) -> Vec<Material> {
        rules::checklist(self.kind(), self.org_type(), self.needs_supervisory())
    }
    pub fn material_keys(&self) -> Vec<String> {
        serde_json::from_str(&self.materials).unwrap_or_default()
    }

    /// The particulars a change application (变更登记) names. Only these change when it is
    /// approved: a blank one stays as registered (a change that renames an organization once
    /// wiped its scope, purpose and address, whose blank fields were stored as "").
    pub fn named_particulars(&self) -> Particulars<'_> {
        fn named(v: &str) -> Option<&str> {
            Some(v).filter(|v| !v.trim().is_empty())
        }
        Particulars {
            name: named(&self.name),
            business_scope: named(&self.business_scope),
            purpose: named(&self.purpose),
            address: named(&self.address),
            funds_fen: self.funds_fen,
        }
    }
}

/// Registered particulars (登记事项) a change names; `None` leaves one as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Particulars<'a> {
    pub name: Option<&'a str>,
    pub business_scope: Option<&'a str>,
    pub purpose: Option<&'a str>,
    pub address: Option<&'a str>,
    pub funds_fen: Option<i64>,
}

/// A review step with its deadline; `overdue` when still pending after its last day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReviewStep {
    pub step: String,
    pub state: String,
    pub deadline: NaiveDate,
    pub opinion: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    #[sqlx(skip)]
    pub overdue: bool,
}

/// A named person with the result of every check (identity number masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedPerson {
    pub name: String,
    pub id_number_masked: String,
    pub capacity: String,
    pub position: String,
    pub is_legal_rep: bool,
    pub retired_official: bool,
    pub checks_passed: bool,
    pub checks: Vec<CheckResult>,
}

/// An objection and its answer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Objection {
    pub id: Uuid,
    pub filed_at: DateTime<Utc>,
    pub filer_name: String,
    /// The objector's contact, masked (138****5678); stored sealed, never shown unmasked.
    pub contact_masked: String,
    pub body: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/applications/{id}`: the application, its checklist, steps, persons, objections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: Application,
    pub checklist: Vec<Material>,
    pub missing_materials: Vec<String>,
    pub steps: Vec<ReviewStep>,
    pub persons: Vec<NamedPerson>,
    pub objections: Vec<Objection>,
    /// Whether approval waits for 任职前公示 (the application names leaders).
    pub needs_publicity: bool,
}

/// A leader of a registered organization (identity number masked).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Leader {
    pub name: String,
    pub id_number_masked: String,
    pub position: String,
    pub is_legal_rep: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// One entry of an organization's registration history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub application_id: Uuid,
    pub kind: String,
    pub state: String,
    pub decided_on: Option<NaiveDate>,
    pub decision_reason: String,
}

/// An organization row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Organization {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: String,
    pub category: String,
    pub region_code: String,
    pub status: String,
    pub registered_on: Option<NaiveDate>,
    pub business_scope: String,
    pub purpose: String,
    pub address: String,
    pub registered_funds_fen: Option<i64>,
    pub supervisory_unit: Option<String>,
}

/// `GET /api/v1/organizations/{uscc}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganizationView {
    #[serde(flatten)]
    pub organization: Organization,
    pub leaders: Vec<Leader>,
    pub history: Vec<HistoryEntry>,
    /// Credit status today from the credit module: `none`, `abnormal` or `serious` (details at
    /// `/api/v1/organizations/{uscc}/credit`).
    pub credit_status: String,
    /// Governance bodies and terms, party organization, special groups, hub links, tax status.
    pub governance: Governance,
    /// The evaluation grade current today (社会组织评估, 1A–5A) from the evaluation module, with
    /// its last day; `None` when it has none or its grade has expired.
    pub evaluation_grade: Option<String>,
    pub evaluation_valid_until: Option<NaiveDate>,
}

/// A public notice of proposed leaders (任职前公示).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicityNotice {
    pub application_id: Uuid,
    pub organization_name: String,
    pub org_type: String,
    pub region_code: String,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub open: bool,
    /// Names and posts only: no identity numbers on a public page.
    pub persons: Vec<PublicPerson>,
    pub objections_filed: usize,
}

/// A proposed leader as shown on the public notice.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PublicPerson {
    pub name: String,
    pub position: String,
}
