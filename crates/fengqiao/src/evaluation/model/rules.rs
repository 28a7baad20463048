//! The periods and thresholds of evaluation grades (社会组织评估管理办法, 民政部令第39号; DOMAIN.md
//! §8), each a rule parameter by date. Which date counts is said at each key.

pub use crate::platform::rules::RuleKey;

/// A grade is valid this many years (令第39号: 评估等级有效期为 5 年; DOMAIN.md §8) [M], ending
/// on the corresponding date (民法典 Art. 201–203). Read on the day the grade is decided.
pub const VALIDITY: RuleKey = RuleKey("evaluation.grade.validity");

/// An organization is evaluated once registered this many full years (取得登记证书满 2 年;
/// DOMAIN.md §8) [M]. Read on the day it applies (or is enrolled).
pub const MIN_REGISTERED: RuleKey = RuleKey("evaluation.eligibility.min_registered");

/// An expert who left the organization less than this many years ago recuses himself (DOMAIN.md
/// §8: 离开 … 不满 2 年) [M]. Read on the day of the draw.
pub const RECUSAL_AFTER_LEAVING: RuleKey = RuleKey("evaluation.recusal.left_within");

/// The lowest total score (out of 1 000) of each grade, 以上 (inclusive). Zhejiang's bands were
/// not found (DOMAIN.md §8 [L]): the shipped default is 5A ≥ 950, 4A ≥ 900, 3A ≥ 850, 2A ≥ 800,
/// 1A ≥ 750 (a step of 50 as in Anqing's bands, DOMAIN.md §8), below 750 no grade. The province
/// sets its own from a date. Read on the day the grade is decided.
pub const BAND_5A: RuleKey = RuleKey("evaluation.band.5a");
pub const BAND_4A: RuleKey = RuleKey("evaluation.band.4a");
pub const BAND_3A: RuleKey = RuleKey("evaluation.band.3a");
pub const BAND_2A: RuleKey = RuleKey("evaluation.band.2a");
pub const BAND_1A: RuleKey = RuleKey("evaluation.band.1a");

/// Results are publicized (公示) this many working days before the grade is in force; review
/// requests (复核) are received during publicity (DOMAIN.md §8 procedure). The length is not in
/// DOMAIN.md [L]: the shipped default is 7 working days. Read on the day the grade is decided.
pub const PUBLICITY: RuleKey = RuleKey("evaluation.publicity.period");

/// How many experts a panel draws from the pool (DOMAIN.md §8: 评估委员会 may use expert
/// groups; the number is set locally [L], default 3). Read on the day of the draw.
pub const PANEL_SIZE: RuleKey = RuleKey("evaluation.panel.size");

/// Every rule parameter the evaluation module reads (a test checks each has a row in force).
pub const PARAMETERS: &[RuleKey] = &[
    VALIDITY,
    MIN_REGISTERED,
    RECUSAL_AFTER_LEAVING,
    BAND_5A,
    BAND_4A,
    BAND_3A,
    BAND_2A,
    BAND_1A,
    PUBLICITY,
    PANEL_SIZE,
];
