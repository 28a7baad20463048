//! The rules of the supervision warnings engine (资金监管预警, DOMAIN.md §6.4, §4, §2.3, §0
//! rules 14, 25, 26). Pure: facts and the rule parameters in force on the judged date in, hits
//! out. Each hit has a stable code, a level ([`LEVELS`], data), the period it is about, the
//! figures that caused it, what would clear it (zh/en) and its source. [`spending`] holds the
//! §6.4 spending and management-cost rules (moved here from the charity module and extended to
//! every foundation and to figures from annual reports), [`plans`] the fundraising-plan rules
//! (gifts outside a plan's period, late disclosures), [`reports`] the rules fed by annual
//! reports and the cross-year anomaly flags shown to the reviewer.

pub mod diff;
pub mod plans;
pub mod reports;
pub mod spending;
pub mod stored;

use serde::{Deserialize, Serialize};

/// How serious a warning is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 红色: a statutory floor or cap is broken.
    Red,
    /// 橙色.
    Orange,
    /// 黄色: worth a look.
    Yellow,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Red, Level::Orange, Level::Yellow];

    pub fn key(self) -> &'static str {
        match self {
            Level::Red => "red",
            Level::Orange => "orange",
            Level::Yellow => "yellow",
        }
    }

    pub fn from_key(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.key() == s)
    }
}

/// 慈善活动支出低于法定比例 (DOMAIN.md §6.4, rule 26; §2.3 for foundations).
pub const SPENDING_RATIO: &str = "charity.spending_ratio";
/// 管理费用超过上限 (§6.4, rule 26).
pub const MANAGEMENT_CAP: &str = "charity.management_cap";
/// 募捐期限以外募捐 (§6.2).
pub const OUTSIDE_PERIOD: &str = "charity.outside_period";
/// 信息公开逾期: progress of a long campaign (rule 25).
pub const DISCLOSURE_PROGRESS: &str = "charity.disclosure.progress";
/// 信息公开逾期: receipts of an emergency appeal (rule 25).
pub const DISCLOSURE_EMERGENCY: &str = "charity.disclosure.emergency";
/// 信息公开逾期: the final disclosure (rule 25, §6.5).
pub const DISCLOSURE_FINAL: &str = "charity.disclosure.final";
/// 净资产低于注册资金 (§2.2, §2.3 rules 9–10; §4 financial management).
pub const NET_ASSETS_BELOW_FUNDS: &str = "supervision.net_assets_below_funds";
/// 单一收入来源占比过高 (§4, §6.4) [L].
pub const INCOME_SOURCE_SHARE: &str = "supervision.income_source_share";
/// 关联交易占比过高 (§4) [L].
pub const RELATED_PARTY_SHARE: &str = "supervision.related_party_share";
/// 年度工作报告逾期未报 (rule 14, §4).
pub const REPORT_OVERDUE: &str = "supervision.report_overdue";

/// The level of each rule, as data: one row per code.
pub const LEVELS: &[(&str, Level)] = &[
    (SPENDING_RATIO, Level::Red),
    (MANAGEMENT_CAP, Level::Orange),
    (OUTSIDE_PERIOD, Level::Orange),
    (DISCLOSURE_PROGRESS, Level::Yellow),
    (DISCLOSURE_EMERGENCY, Level::Orange),
    (DISCLOSURE_FINAL, Level::Yellow),
    (NET_ASSETS_BELOW_FUNDS, Level::Red),
    (INCOME_SOURCE_SHARE, Level::Yellow),
    (RELATED_PARTY_SHARE, Level::Orange),
    (REPORT_OVERDUE, Level::Orange),
];

/// The charity-related codes (what `/charity/supervision` shows).
pub fn is_charity_code(code: &str) -> bool {
    code.starts_with("charity.")
}

/// The level of a code ([`LEVELS`]); yellow for a code not in the table (a test keeps every
/// code of the engine in it).
pub fn level_of(code: &str) -> Level {
    LEVELS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(Level::Yellow)
}

/// One hit of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Stable code, e.g. `charity.spending_ratio`.
    pub code: &'static str,
    pub level: Level,
    /// What it is about within the organization: the year (`2025`) or a plan (`plan:…`).
    pub period: String,
    /// The figures that caused it (fen, per mille, counts, dates).
    pub figures: serde_json::Value,
    pub zh: String,
    pub en: String,
    /// What would clear it.
    pub clears_zh: String,
    pub clears_en: String,
    /// The rule's source (DOMAIN.md section and the law).
    pub source: String,
}

impl Hit {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        code: &'static str,
        period: String,
        figures: serde_json::Value,
        (zh, en): (String, String),
        (clears_zh, clears_en): (String, String),
        source: &str,
    ) -> Hit {
        Hit {
            code,
            level: level_of(code),
            period,
            figures,
            zh,
            en,
            clears_zh,
            clears_en,
            source: source.to_string(),
        }
    }
}

/// One warning as the charity supervision view has always shown it (`code`, `zh`, `en`), with
/// its level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Warning {
    /// Stable code, e.g. `charity.spending_ratio`.
    pub code: &'static str,
    /// red | orange | yellow
    #[schema(value_type = String)]
    pub level: Level,
    pub zh: String,
    pub en: String,
}

impl From<&Hit> for Warning {
    fn from(h: &Hit) -> Warning {
        Warning {
            code: h.code,
            level: h.level,
            zh: h.zh.clone(),
            en: h.en.clone(),
        }
    }
}

/// `part ≥ permille ‰ of whole`, in integers (以上/不低于: the floor itself passes).
pub fn at_least_permille(part: i64, permille: i64, whole: i64) -> bool {
    i128::from(part) * 1000 >= i128::from(permille) * i128::from(whole)
}

/// `part > permille ‰ of whole` (超过: the cap itself does not).
pub fn over_permille(part: i64, permille: i64, whole: i64) -> bool {
    i128::from(part) * 1000 > i128::from(permille) * i128::from(whole)
}

/// Per mille as a percentage for people (`125` → `12.5`).
pub fn pct(permille: i64) -> String {
    if permille % 10 == 0 {
        format!("{}", permille / 10)
    } else {
        format!("{}.{}", permille / 10, (permille % 10).abs())
    }
}

pub(crate) fn yuan(fen: i64) -> String {
    crate::platform::money::yuan(fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_level_and_levels_round_trip() {
        for code in [
            SPENDING_RATIO,
            MANAGEMENT_CAP,
            OUTSIDE_PERIOD,
            DISCLOSURE_PROGRESS,
            DISCLOSURE_EMERGENCY,
            DISCLOSURE_FINAL,
            NET_ASSETS_BELOW_FUNDS,
            INCOME_SOURCE_SHARE,
            RELATED_PARTY_SHARE,
            REPORT_OVERDUE,
        ] {
            assert!(LEVELS.iter().any(|(c, _)| *c == code), "{code}");
        }
        assert_eq!(level_of(SPENDING_RATIO), Level::Red);
        for l in Level::ALL {
            assert_eq!(Level::from_key(l.key()), Some(l));
        }
        assert_eq!(pct(125), "12.5");
        assert_eq!(pct(700), "70");
    }

    #[test]
    fn floors_include_and_caps_exclude_their_value() {
        assert!(at_least_permille(70, 700, 100));
        assert!(!at_least_permille(69, 700, 100));
        assert!(!over_permille(50, 500, 100));
        assert!(over_permille(51, 500, 100));
    }
}
