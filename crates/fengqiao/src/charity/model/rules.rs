//! Thresholds and periods of charity recognition, qualification and plan filing, each with its
//! source (DOMAIN.md §0, §6). Pure: changing a rule means changing a row here, not the logic.

use chrono::{Days, Months, NaiveDate};

/// How a period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Calendar days.
    Natural,
    /// 工作日: weekends and statutory holidays skipped (the holiday calendar is data).
    Working,
}

/// A decision period with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRule {
    pub days: u32,
    pub kind: DayKind,
    pub source: &'static str,
}

/// 慈善组织认定: decided within 20 days (慈善法 Art. 10; DOMAIN.md rule 11, §6.1) [H]. Counted in
/// working days as licensing periods are (行政许可法 Art. 82, DOMAIN.md §2.7) — the calendar type
/// for 认定 is not stated by the law [M]: change `kind` here if the province counts natural days.
pub const RECOGNITION_DEADLINE: DeadlineRule = DeadlineRule {
    days: 20,
    kind: DayKind::Working,
    source: "慈善法 第十条；DOMAIN.md §0 rule 11, §6.1",
};

/// 公开募捐资格: decided within 20 days (慈善法 Art. 22; DOMAIN.md rule 11) [H], working days as
/// above.
pub const QUALIFICATION_DEADLINE: DeadlineRule = DeadlineRule {
    days: 20,
    kind: DayKind::Working,
    source: "慈善法 第二十二条；DOMAIN.md §0 rule 11, §6.2",
};

/// Public-fundraising qualification only after being a charity (registered or recognized as
/// one) for at least this many months: 1 year since 2024-09-05 (慈善法 Art. 22 as amended; 2 years
/// before) — DOMAIN.md rule 22, §6.2 [H].
pub const QUALIFICATION_MIN_MONTHS: u32 = 12;

/// Whether `months` have passed since `since` on `today`. Interpretation (民法典 Art. 201–203,
/// DOMAIN.md preamble): the period ends on the corresponding date (month-end when there is none,
/// e.g. 29 Feb → 28 Feb), and **on that corresponding date the applicant is allowed** — a charity
/// recognized on 2025-11-27 may apply from 2026-11-27, not on 2026-11-26.
pub fn months_passed(since: NaiveDate, months: u32, today: NaiveDate) -> bool {
    since
        .checked_add_months(Months::new(months))
        .is_some_and(|d| today >= d)
}

/// A plan is filed at least this many days before the campaign starts: 令第74号 Art. 11 says 10,
/// Zhejiang's 2018 rule says 7; DOMAIN.md §6.2 / rule 23 says apply the stricter 10 [M].
pub const FILING_DAYS_BEFORE_START: u64 = 10;

/// 应急救灾 (emergency relief): filed at the latest this many days after the start (慈善法 Art. 73;
/// DOMAIN.md §6.2, rule 23) [H].
pub const EMERGENCY_FILING_DAYS_AFTER_START: u64 = 10;

/// Why a plan cannot be filed on this day with this period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRefusal {
    /// The period ends before it starts.
    EndBeforeStart,
    /// Less than [`FILING_DAYS_BEFORE_START`] days before the start.
    TooLate,
    /// An emergency plan more than [`EMERGENCY_FILING_DAYS_AFTER_START`] days after the start.
    EmergencyTooLate,
}

/// The filing window (rule 23). Ordinary plans: `starts_on − today ≥ 10 days` (exactly 10 days
/// before is allowed). Emergency relief: any day up to and including `starts_on + 10 days`.
pub fn filing_window(
    today: NaiveDate,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    emergency: bool,
) -> Result<(), WindowRefusal> {
    if ends_on < starts_on {
        return Err(WindowRefusal::EndBeforeStart);
    }
    if emergency {
        let last = starts_on.checked_add_days(Days::new(EMERGENCY_FILING_DAYS_AFTER_START));
        return match last {
            Some(last) if today <= last => Ok(()),
            _ => Err(WindowRefusal::EmergencyTooLate),
        };
    }
    match today.checked_add_days(Days::new(FILING_DAYS_BEFORE_START)) {
        Some(earliest_start) if starts_on >= earliest_start => Ok(()),
        _ => Err(WindowRefusal::TooLate),
    }
}

/// Zhejiang: a charity gets 公益性捐赠税前扣除 receipt eligibility at once on recognition
/// (DOMAIN.md §6.1, Zhejiang [H]).
pub const TAX_DEDUCTIBLE_ON_RECOGNITION: bool = true;

/// Organization types that may be charities (慈善法 Art. 8; DOMAIN.md §6.1) [H].
pub const CHARITY_ORG_TYPES: &[&str] = &["social_group", "foundation", "social_service_agency"];

/// Prefix of a filing number (备案编号), e.g. `浙民募备[2026]0001`: 浙 (the province), 民 (civil
/// affairs), 募备 (fundraising filing). The national platform's own format was not retrieved [L].
pub const FILING_NO_PREFIX: &str = "浙民募备";
/// Prefix of a 公开募捐资格证书 number, e.g. `浙民募证[2026]0001` [L] (same caveat).
pub const QUALIFICATION_NO_PREFIX: &str = "浙民募证";

/// `浙民募备[2026]0001`: the prefix, the year, a serial of at least four digits.
pub fn serial_no(prefix: &str, year: i32, serial: i64) -> String {
    format!("{prefix}[{year}]{serial:04}")
}

/// Yuan as typed (`1234.5`, `2,000.05`) → fen, exactly, with no floating point. At most two
/// decimals; no sign; `None` for anything else or an amount that overflows.
pub fn parse_yuan(s: &str) -> Option<i64> {
    crate::platform::money::parse_yuan(s, 15)
}

/// Fen → `1234.50`.
pub use crate::platform::money::yuan as fmt_yuan;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn one_year_is_reached_on_the_corresponding_date() {
        let since = d("2025-11-27");
        assert!(!months_passed(since, 12, d("2026-11-26")));
        assert!(months_passed(since, 12, d("2026-11-27")));
        assert!(months_passed(since, 12, d("2026-11-28")));
        // No 29 February next year: the period ends on the 28th.
        assert!(months_passed(d("2024-02-29"), 12, d("2025-02-28")));
        assert!(!months_passed(d("2024-02-29"), 12, d("2025-02-27")));
    }

    #[test]
    fn filing_window_boundaries() {
        let today = d("2026-11-27");
        let ok_start = d("2026-12-07");
        assert_eq!(filing_window(today, ok_start, ok_start, false), Ok(()));
        assert_eq!(
            filing_window(today, d("2026-12-06"), d("2026-12-31"), false),
            Err(WindowRefusal::TooLate)
        );
        assert_eq!(
            filing_window(today, d("2026-12-31"), d("2026-12-30"), false),
            Err(WindowRefusal::EndBeforeStart)
        );
        // Emergency relief: up to 10 days after the start, and of course before it.
        assert_eq!(
            filing_window(today, d("2026-11-17"), d("2026-12-31"), true),
            Ok(())
        );
        assert_eq!(
            filing_window(today, d("2026-11-16"), d("2026-12-31"), true),
            Err(WindowRefusal::EmergencyTooLate)
        );
        assert_eq!(filing_window(today, today, today, true), Ok(()));
    }

    #[test]
    fn yuan_are_parsed_exactly() {
        assert_eq!(parse_yuan("1"), Some(100));
        assert_eq!(parse_yuan("0.01"), Some(1));
        assert_eq!(parse_yuan("1234.5"), Some(123_450));
        assert_eq!(parse_yuan("2,000.05"), Some(200_005));
        // 0.1 + 0.2 is exact here.
        assert_eq!(parse_yuan("0.30"), Some(30));
        assert_eq!(parse_yuan("19999999.99"), Some(1_999_999_999));
        for bad in [
            "",
            "1.234",
            "-5",
            "1e3",
            "abc",
            ".5",
            "１",
            "9999999999999999",
        ] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
        assert_eq!(fmt_yuan(123_450), "1234.50");
    }

    #[test]
    fn serial_numbers_have_four_digits_at_least() {
        assert_eq!(serial_no(FILING_NO_PREFIX, 2026, 1), "浙民募备[2026]0001");
        assert_eq!(
            serial_no(FILING_NO_PREFIX, 2026, 12345),
            "浙民募备[2026]12345"
        );
    }
}
