//! The periods and thresholds of the credit lists (社会组织信用信息管理办法, 民政部令第60号, in
//! force 2018-01-24; DOMAIN.md §0 rules 15–21, §5), each a rule parameter by date. The engine
//! reads each one **on the date that counts**, said at each key: a new version applies to
//! listings and events from its date on, so a standing before it does not change.

pub use crate::platform::rules::RuleKey;

/// 活动异常名录: an organization with nothing to rectify is removed when this many months have
/// passed since it was listed (rule 16; 令第60号; DOMAIN.md §5) [M]. Read on the day the
/// listing's clock started (the listing, or the last event that restarted it, rule 20).
pub const ABNORMAL_AUTO_REMOVAL: RuleKey = RuleKey("credit.abnormal.auto_removal");

/// An organization still on the 活动异常名录 this many years after its clock started is moved
/// to the 严重违法失信名单 (rule 17; DOMAIN.md §5) [M]. Read on the day the clock started.
pub const ABNORMAL_TRANSFER_AFTER: RuleKey = RuleKey("credit.abnormal.transfer_after");

/// 严重违法失信名单: removal only after this many years on it without a new listing event
/// (rule 19, "严进严出"; DOMAIN.md §5) [M]. Read on the day the clock started.
pub const SERIOUS_MIN_LISTING: RuleKey = RuleKey("credit.serious.min_listing");

/// Removal is made within this many working days of the verification (rules 16, 19) [M]: the
/// officer's deadline, counted from the application; read on the application date.
pub const REMOVAL_VERIFICATION_DEADLINE: RuleKey = RuleKey("credit.removal.verification_deadline");

/// A fine of this many yuan or more (以上, inclusive) puts the organization on the 严重违法失信名单
/// (rule 18); a fine below it (以下 … 不满) or a warning, on the 活动异常名录 (rule 15(5))
/// [M]. Read on the date of the penalty decision.
pub const LARGE_FINE: RuleKey = RuleKey("credit.penalty.large_fine");

/// "3 年内 2 次以上": so many warnings or fines below [`LARGE_FINE`] …
pub const REPEAT_PENALTY_COUNT: RuleKey = RuleKey("credit.penalty.repeat_count");

/// … within this many years (以内, the earlier decision on the first day of the window counts)
/// put the organization on the 严重违法失信名单 (rule 18) [M]. Both read on the date of the
/// latest decision.
pub const REPEAT_PENALTY_WINDOW: RuleKey = RuleKey("credit.penalty.repeat_window");

/// Credit information is entered within this many working days of being formed or obtained
/// (rule 21; DOMAIN.md §5) [M]; read on the date the information was formed.
pub const ENTRY_DEADLINE: RuleKey = RuleKey("credit.entry.deadline");

/// Annual reports on this year and later are judged for lateness by the platform (rule 15(1));
/// earlier years were reported on paper before the platform took them over, and are not
/// listed automatically. A deployment's choice, not a figure of law; read on the day of the run.
pub const FIRST_JUDGED_YEAR: RuleKey = RuleKey("credit.late_report.first_judged_year");

/// Every rule parameter the credit module reads (a test checks each has a row in force).
pub const PARAMETERS: &[RuleKey] = &[
    ABNORMAL_AUTO_REMOVAL,
    ABNORMAL_TRANSFER_AFTER,
    SERIOUS_MIN_LISTING,
    REMOVAL_VERIFICATION_DEADLINE,
    LARGE_FINE,
    REPEAT_PENALTY_COUNT,
    REPEAT_PENALTY_WINDOW,
    ENTRY_DEADLINE,
    FIRST_JUDGED_YEAR,
];
