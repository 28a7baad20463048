//! The credit lists (信用信息管理) as pure rules: an organization's standing on any date is a
//! function of its credit events and the rule parameters by date ([`engine::project`]), so the
//! page answers "why, under which rule, since when, and as of any past date" (DOMAIN.md §5).

pub mod engine;
pub mod rules;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;

/// The two lists of 令第60号.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum List {
    /// 活动异常名录
    Abnormal,
    /// 严重违法失信名单 (the "blacklist")
    Serious,
}

impl List {
    pub fn key(self) -> &'static str {
        match self {
            List::Abnormal => "abnormal",
            List::Serious => "serious",
        }
    }

    pub fn from_key(s: &str) -> Option<List> {
        [List::Abnormal, List::Serious]
            .into_iter()
            .find(|l| l.key() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            List::Abnormal => "活动异常名录",
            List::Serious => "严重违法失信名单",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            List::Abnormal => "list of organizations with abnormal activities",
            List::Serious => "list of serious violations and dishonesty",
        }
    }
}

/// A statutory reason for a listing, with the rule it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason {
    /// Stable code, `<list>.<reason>` (stored with each listing).
    pub code: &'static str,
    pub list: List,
    /// DOMAIN.md rule and the article of 令第60号.
    pub rule: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// Whether leaving the list needs a verified rectification (rule 16: without one the
    /// abnormal listing ends by itself after six months; rule 19: a transferred listing must
    /// also have rectified).
    pub needs_rectification: bool,
    /// Listed automatically (a late annual report; two years abnormal; a penalty) rather than
    /// by an officer's decision with its document.
    pub automatic: bool,
    /// Leaves the serious list only when deregistration (注销) is complete (rule 19).
    pub until_deregistered: bool,
}

const fn reason(
    code: &'static str,
    list: List,
    rule: &'static str,
    (zh, en): (&'static str, &'static str),
    needs_rectification: bool,
    automatic: bool,
) -> Reason {
    Reason {
        code,
        list,
        rule,
        zh,
        en,
        needs_rectification,
        automatic,
        until_deregistered: false,
    }
}

pub const LATE_ANNUAL_REPORT: &str = "abnormal.late_annual_report";
pub const PENALTY_MINOR: &str = "abnormal.penalty";
pub const ABNORMAL_TWO_YEARS: &str = "serious.abnormal_two_years";
pub const LARGE_FINE: &str = "serious.large_fine";
pub const REPEAT_PENALTIES: &str = "serious.repeat_penalties";
pub const SUSPENSION: &str = "serious.suspension";
pub const REVOKED: &str = "serious.revoked";

/// The seven triggers of the 活动异常名录 (rule 15) and the eight of the 严重违法失信名单
/// (rules 17, 18), as DOMAIN.md §5 lists them.
pub const REASONS: &[Reason] = &[
    reason(
        LATE_ANNUAL_REPORT,
        List::Abnormal,
        "DOMAIN.md rule 15(1); 令第60号",
        (
            "未按规定报送年度工作报告",
            "Annual report not filed on time or as required",
        ),
        true,
        true,
    ),
    reason(
        "abnormal.no_party_organization",
        List::Abnormal,
        "DOMAIN.md rule 15(2); 令第60号",
        (
            "未按规定设立党组织",
            "Party organization not set up as required",
        ),
        true,
        false,
    ),
    reason(
        "abnormal.rectification_overdue",
        List::Abnormal,
        "DOMAIN.md rule 15(3); 令第60号",
        (
            "抽查或监管中发现问题，责令整改逾期未改",
            "Problems found in checks; not rectified by the deadline",
        ),
        true,
        false,
    ),
    reason(
        "abnormal.fundraising",
        List::Abnormal,
        "DOMAIN.md rule 15(4); 令第60号",
        (
            "具有公开募捐资格的慈善组织存在公开募捐管理办法所列情形",
            "A public-fundraising charity in the situations of the fundraising rules",
        ),
        true,
        false,
    ),
    reason(
        PENALTY_MINOR,
        List::Abnormal,
        "DOMAIN.md rule 15(5); 令第60号",
        (
            "受到警告或者不满五万元罚款的行政处罚",
            "Warned or fined less than ¥50,000",
        ),
        false,
        true,
    ),
    reason(
        "abnormal.unreachable",
        List::Abnormal,
        "DOMAIN.md rule 15(6); 令第60号",
        (
            "通过登记的住所无法与社会组织取得联系",
            "Cannot be reached at the registered domicile",
        ),
        true,
        false,
    ),
    reason(
        "abnormal.other",
        List::Abnormal,
        "DOMAIN.md rule 15(7); 令第60号",
        (
            "法律、行政法规规定应当列入的其他情形",
            "Other cases the law requires",
        ),
        true,
        false,
    ),
    reason(
        ABNORMAL_TWO_YEARS,
        List::Serious,
        "DOMAIN.md rules 17, 18(1); 令第60号",
        (
            "被列入活动异常名录满 2 年",
            "Two years on the list of abnormal activities",
        ),
        true,
        true,
    ),
    reason(
        "serious.fraudulent_change",
        List::Serious,
        "DOMAIN.md rule 18(2); 令第60号",
        (
            "弄虚作假办理变更登记，被撤销变更登记",
            "A change registration obtained by fraud was revoked",
        ),
        false,
        false,
    ),
    reason(
        SUSPENSION,
        List::Serious,
        "DOMAIN.md rule 18(3); 令第60号",
        (
            "受到限期停止活动的行政处罚",
            "Ordered to stop activities for a period",
        ),
        false,
        true,
    ),
    reason(
        LARGE_FINE,
        List::Serious,
        "DOMAIN.md rule 18(4); 令第60号",
        ("受到五万元以上罚款的行政处罚", "Fined ¥50,000 or more"),
        false,
        true,
    ),
    reason(
        REPEAT_PENALTIES,
        List::Serious,
        "DOMAIN.md rule 18(5); 令第60号",
        (
            "三年内两次以上受到警告或者不满五万元罚款的行政处罚",
            "Warned or fined under ¥50,000 twice or more within three years",
        ),
        false,
        true,
    ),
    reason(
        "serious.court_dishonest",
        List::Serious,
        "DOMAIN.md rule 18(6); 令第60号",
        (
            "被人民法院列入失信被执行人名单",
            "On a court's list of dishonest judgment debtors",
        ),
        false,
        false,
    ),
    Reason {
        until_deregistered: true,
        ..reason(
            REVOKED,
            List::Serious,
            "DOMAIN.md rules 18(7), 19; 令第60号",
            (
                "被吊销登记证书或者被撤销成立登记",
                "Certificate revoked or establishment registration cancelled",
            ),
            false,
            true,
        )
    },
    reason(
        "serious.other",
        List::Serious,
        "DOMAIN.md rule 18(8); 令第60号",
        (
            "法律、行政法规规定应当列入的其他情形",
            "Other cases the law requires",
        ),
        false,
        false,
    ),
];

pub fn reason_of(code: &str) -> Option<&'static Reason> {
    REASONS.iter().find(|r| r.code == code)
}

/// The kinds of 行政处罚 that concern the lists (DOMAIN.md §3, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyKind {
    /// 警告
    Warning,
    /// 罚款 (with its amount)
    Fine,
    /// 没收违法所得/非法财产: no listing by itself.
    Confiscation,
    /// 限期停止活动
    Suspension,
    /// 吊销登记证书
    CertificateRevoked,
    /// 撤销登记
    RegistrationCancelled,
}

impl PenaltyKind {
    pub const ALL: [PenaltyKind; 6] = [
        PenaltyKind::Warning,
        PenaltyKind::Fine,
        PenaltyKind::Confiscation,
        PenaltyKind::Suspension,
        PenaltyKind::CertificateRevoked,
        PenaltyKind::RegistrationCancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PenaltyKind::Warning => "warning",
            PenaltyKind::Fine => "fine",
            PenaltyKind::Confiscation => "confiscation",
            PenaltyKind::Suspension => "suspension",
            PenaltyKind::CertificateRevoked => "certificate_revoked",
            PenaltyKind::RegistrationCancelled => "registration_cancelled",
        }
    }

    pub fn from_key(s: &str) -> Option<PenaltyKind> {
        PenaltyKind::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// What happened, as the credit record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// An officer's decision (with its document) or an automatic listing for `reason`.
    Listing { reason: &'static Reason },
    /// A penalty decision: the listings it causes follow from the rules.
    Penalty { kind: PenaltyKind, amount_fen: i64 },
    /// The organization applied for removal from `list` (the officer's deadline runs from here).
    RemovalApplied { list: List },
    /// An officer verified the rectification: the abnormal listing ends that day (rule 16); on
    /// the serious list, the transferred reasons count as rectified (rule 19).
    Rectified,
    /// An officer removed the organization from the serious list on its application, after the
    /// minimum listing (rule 19); checked by [`engine::may_remove`] when recorded.
    Removed,
    /// Deregistration (注销) complete: every listing ends (rule 19).
    Deregistered,
}

/// One credit event of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: uuid::Uuid,
    /// The day it happened or was decided (the clock counts from here, not from recording).
    pub on: NaiveDate,
    pub kind: EventKind,
}

/// A reason an episode holds, from the event that brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Cause {
    pub reason_code: &'static str,
    pub reason_zh: &'static str,
    pub reason_en: &'static str,
    pub rule: &'static str,
    pub on: NaiveDate,
    /// The credit event it comes from (none for a transfer).
    pub event_id: Option<uuid::Uuid>,
    pub rectified: bool,
}

/// How an episode ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// Six months passed with nothing to rectify (rule 16).
    AutoRemoved,
    /// Rectification verified (rule 16).
    Rectified,
    /// Two years on the abnormal list: moved to the serious list (rule 17).
    Transferred,
    /// Removed on application after the minimum listing (rule 19).
    Removed,
    /// Deregistered (rule 19).
    Deregistered,
}

impl Ending {
    pub fn key(self) -> &'static str {
        match self {
            Ending::AutoRemoved => "auto_removed",
            Ending::Rectified => "rectified",
            Ending::Transferred => "transferred",
            Ending::Removed => "removed",
            Ending::Deregistered => "deregistered",
        }
    }

    pub fn rule(self) -> &'static str {
        match self {
            Ending::AutoRemoved | Ending::Rectified => "DOMAIN.md rule 16",
            Ending::Transferred => "DOMAIN.md rule 17",
            Ending::Removed | Ending::Deregistered => "DOMAIN.md rule 19",
        }
    }
}

/// One stay on one list: from `since` to `until` (exclusive; `None`: open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Episode {
    pub list: List,
    pub since: NaiveDate,
    /// The day its clock last started: the listing, or the last event that restarted it
    /// (rule 20).
    pub clock_from: NaiveDate,
    pub causes: Vec<Cause>,
    /// The first day it is no longer in force (`None`: open-ended).
    pub until: Option<NaiveDate>,
    pub ending: Option<Ending>,
    /// For an open abnormal listing: the day it would move to the serious list if nothing
    /// happens; for an open serious listing: the first day removal may be granted.
    pub next: Option<NaiveDate>,
}

impl Episode {
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.since <= on && self.until.is_none_or(|u| on < u)
    }

    /// The cause that put it on the list (the first).
    pub fn first_cause(&self) -> &Cause {
        &self.causes[0]
    }
}

/// An organization's standing on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub as_of: NaiveDate,
    pub abnormal: Option<Episode>,
    pub serious: Option<Episode>,
}

impl Standing {
    pub fn of(episodes: &[Episode], as_of: NaiveDate) -> Standing {
        let find = |l: List| {
            episodes
                .iter()
                .find(|e| e.list == l && e.in_force(as_of))
                .cloned()
        };
        Standing {
            as_of,
            abnormal: find(List::Abnormal),
            serious: find(List::Serious),
        }
    }

    pub fn listed(&self) -> bool {
        self.abnormal.is_some() || self.serious.is_some()
    }
}
