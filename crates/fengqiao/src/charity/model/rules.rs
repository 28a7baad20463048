//! Thresholds and periods of charity recognition, qualification and plan filing, each with its
//! source (DOMAIN.md §0, §6). Pure: the values by date are rows of `rule_parameters`, named
//! here by their [`RuleKey`]s; the service reads the version in force and passes it in.

use chrono::{Days, Months, NaiveDate};

pub use crate::platform::rules::RuleKey;

/// 慈善组织认定: decided within 20 days (慈善法 Art. 10; DOMAIN.md rule 11, §6.1) [H]. The row
/// says the calendar type too: working days as licensing periods are (行政许可法 Art. 82,
/// DOMAIN.md §2.7) — the law does not state it for 认定 [M]. The period of an application is
/// the one in force on its application date.
pub const RECOGNITION_DEADLINE: RuleKey = RuleKey("charity.recognition.deadline");

/// 公开募捐资格: decided within 20 days (慈善法 Art. 22; DOMAIN.md rule 11, §6.2) [H], working
/// days as above; the one in force on the application date.
pub const QUALIFICATION_DEADLINE: RuleKey = RuleKey("charity.qualification.deadline");

/// Public-fundraising qualification only after being a charity (registered or recognized as
/// one) for at least this many months: 12 from 2024-09-05 (慈善法 Art. 22 as amended in 2023,
/// 令第74号), 24 before (慈善法 2016 Art. 22) — DOMAIN.md rule 22, §6.2 [H]. **Which date
/// counts: the application date** — the version in force on the day the charity applies is the
/// one its application is judged by, also when the officer decides later.
pub const QUALIFICATION_MIN_MONTHS: RuleKey = RuleKey("charity.qualification.min_months");

/// A plan is filed at least this many days before the campaign starts: 令第74号 Art. 11 says 10,
/// Zhejiang's 2018 rule says 7; DOMAIN.md §6.2 / rule 23 says apply the stricter 10 [M]. The
/// version in force on the filing date counts.
pub const FILING_DAYS_BEFORE_START: RuleKey = RuleKey("charity.plan.filing_days_before_start");

/// 应急救灾 (emergency relief): filed at the latest this many days after the start (慈善法 Art. 73;
/// DOMAIN.md §6.2, rule 23) [H]; the version in force on the filing date counts.
pub const EMERGENCY_FILING_DAYS_AFTER_START: RuleKey =
    RuleKey("charity.plan.emergency_filing_days_after_start");

/// Every rule parameter the charity module reads (a test checks each has a row in force).
pub const PARAMETERS: &[RuleKey] = &[
    RECOGNITION_DEADLINE,
    QUALIFICATION_DEADLINE,
    QUALIFICATION_MIN_MONTHS,
    FILING_DAYS_BEFORE_START,
    EMERGENCY_FILING_DAYS_AFTER_START,
];

/// Whether `months` have passed since `since` on `today`. Interpretation (民法典 Art. 201–203,
/// DOMAIN.md preamble): the period ends on the corresponding date (month-end when there is none,
/// e.g. 29 Feb → 28 Feb), and **on that corresponding date the applicant is allowed** — a charity
/// recognized on 2025-11-27 may apply from 2026-11-27, not on 2026-11-26.
pub fn months_passed(since: NaiveDate, months: u32, today: NaiveDate) -> bool {
    since
        .checked_add_months(Months::new(months))
        .is_some_and(|d| today >= d)
}

/// The two periods of the filing window in force on the filing date (rule 23), read from
/// [`FILING_DAYS_BEFORE_START`] and [`EMERGENCY_FILING_DAYS_AFTER_START`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilingPeriods {
    /// Ordinary plans: at least this many days before the start.
    pub days_before_start: u32,
    /// Emergency relief: at the latest this many days after the start.
    pub emergency_days_after_start: u32,
}

/// A plan's campaign lasts at most this many years: it ends at the latest on the date
/// corresponding to its start this many years on (民法典 Art. 201–203 counting, DOMAIN.md
/// preamble: 2027-01-01 → 2030-01-01; 29 Feb → 28 Feb). 令第74号 (2024) sets a maximum
/// duration per campaign whose value was not retrieved (DOMAIN.md §6.2 [L]); until it is, this
/// bound is a stand-in generous enough for multi-year projects that refuses absurd periods (a
/// plan "ending 9999-12-31"). Replace it with the rule's figure when it is confirmed.
pub const PLAN_MAX_YEARS: u32 = 3;

/// The last day a plan starting on `starts_on` may end ([`PLAN_MAX_YEARS`]); `None` when that
/// day is beyond the calendar.
pub fn latest_end(starts_on: NaiveDate) -> Option<NaiveDate> {
    starts_on.checked_add_months(Months::new(12 * PLAN_MAX_YEARS))
}

/// The earliest date a disclosure of a plan may bear: a disclosure reports on a campaign, which
/// exists from its filing — or from its start, for emergency relief filed after it began
/// (慈善法 Art. 73, DOMAIN.md §6.2). Nothing can be disclosed of a plan before both.
pub fn earliest_disclosure(starts_on: NaiveDate, filed_on: NaiveDate) -> NaiveDate {
    starts_on.min(filed_on)
}

/// Why a plan cannot be filed on this day with this period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRefusal {
    /// The period ends before it starts.
    EndBeforeStart,
    /// The period is longer than [`PLAN_MAX_YEARS`].
    TooLong,
    /// Less than [`FilingPeriods::days_before_start`] days before the start.
    TooLate,
    /// An emergency plan more than [`FilingPeriods::emergency_days_after_start`] days after the
    /// start.
    EmergencyTooLate,
}

/// The filing window (rule 23). Ordinary plans: `starts_on − today ≥ days_before_start` (exactly
/// 10 days before is allowed with 10). Emergency relief: any day up to and including
/// `starts_on + emergency_days_after_start`.
pub fn filing_window(
    today: NaiveDate,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    emergency: bool,
    periods: FilingPeriods,
) -> Result<(), WindowRefusal> {
    if ends_on < starts_on {
        return Err(WindowRefusal::EndBeforeStart);
    }
    if latest_end(starts_on).is_none_or(|last| ends_on > last) {
        return Err(WindowRefusal::TooLong);
    }
    if emergency {
        let last = starts_on.checked_add_days(Days::new(periods.emergency_days_after_start.into()));
        return match last {
            Some(last) if today <= last => Ok(()),
            _ => Err(WindowRefusal::EmergencyTooLate),
        };
    }
    match today.checked_add_days(Days::new(periods.days_before_start.into())) {
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

    const TEN: FilingPeriods = FilingPeriods {
        days_before_start: 10,
        emergency_days_after_start: 10,
    };

    fn filing_window(
        today: NaiveDate,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        emergency: bool,
    ) -> Result<(), WindowRefusal> {
        super::filing_window(today, starts_on, ends_on, emergency, TEN)
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
        // The periods are inputs: with 7 days (Zhejiang's 2018 figure) 7 days before is enough.
        let seven = FilingPeriods {
            days_before_start: 7,
            emergency_days_after_start: 3,
        };
        let w = |start: &str, emergency| {
            super::filing_window(today, d(start), d("2026-12-31"), emergency, seven)
        };
        assert_eq!(w("2026-12-04", false), Ok(()));
        assert_eq!(w("2026-12-03", false), Err(WindowRefusal::TooLate));
        assert_eq!(w("2026-11-24", true), Ok(()));
        assert_eq!(w("2026-11-23", true), Err(WindowRefusal::EmergencyTooLate));
    }

    /// A plan lasts at most PLAN_MAX_YEARS (3) years: the corresponding date is the last day.
    #[test]
    fn a_plan_ends_at_the_latest_on_the_corresponding_date_three_years_on() {
        let today = d("2026-11-27");
        let start = d("2027-01-01");
        assert_eq!(filing_window(today, start, d("2030-01-01"), false), Ok(()));
        assert_eq!(
            filing_window(today, start, d("2030-01-02"), false),
            Err(WindowRefusal::TooLong)
        );
        assert_eq!(
            filing_window(today, start, d("9999-12-31"), false),
            Err(WindowRefusal::TooLong)
        );
        // From 29 February, the period ends on 28 February.
        assert_eq!(latest_end(d("2028-02-29")), Some(d("2031-02-28")));
        assert_eq!(latest_end(NaiveDate::MAX), None);
        assert_eq!(
            filing_window(today, NaiveDate::MAX, NaiveDate::MAX, false),
            Err(WindowRefusal::TooLong)
        );
    }

    #[test]
    fn a_disclosure_is_not_dated_before_its_plan_existed() {
        // Filed ahead of the start: from the filing day.
        assert_eq!(
            earliest_disclosure(d("2026-12-07"), d("2026-11-27")),
            d("2026-11-27")
        );
        // Emergency relief filed after it began: from the start.
        assert_eq!(
            earliest_disclosure(d("2026-11-20"), d("2026-11-27")),
            d("2026-11-20")
        );
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
