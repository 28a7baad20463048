//! When an annual report is due and whether it was late (DOMAIN.md §0 rule 14, §4, and the
//! preamble's counting rules: a last day on a weekend or statutory holiday moves to the next
//! working day, 民法典 Art. 203). Pure: the month and day come from the rule parameter, the
//! working days from the holiday calendar, both passed in.

use chrono::NaiveDate;
use codes::calendar::{CalendarError, HolidayCalendar};

/// The first year the platform judges reports of (`late_reporters` looks from here on).
pub const FIRST_REPORT_YEAR: i32 = 2018;

/// The day the reporting period of `year` opens: 1 January of the next year. The rule
/// parameter in force on this day is the one the year's deadline is read from (rule 14).
pub fn reporting_opens(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)
}

/// The last day of `year`, the day an organization must have been registered by to report on
/// `year`.
pub fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// The deadline of the report on `year` (DOMAIN.md rule 14, §4): `month_day` of the year after,
/// moved to the next working day when it is a weekend or statutory holiday (民法典 Art. 203;
/// a make-up working day 调休上班 is a working day). A month-day with no such day in that year
/// (29 February) is the month's last day (民法典 Art. 202). A date outside the calendar's data
/// is the calendar's error: it never guesses.
pub fn report_deadline(
    year: i32,
    month_day: (u32, u32),
    cal: &HolidayCalendar,
) -> Result<NaiveDate, CalendarError> {
    let (m, d) = month_day;
    let y = year + 1;
    let mut date = NaiveDate::from_ymd_opt(y, m, d)
        .or_else(|| (1..d).rev().find_map(|d| NaiveDate::from_ymd_opt(y, m, d)))
        .unwrap_or(NaiveDate::MIN);
    while !cal.is_working_day(date)? {
        date = date.succ_opt().ok_or(CalendarError::DateOverflow {
            start: date,
            days: 1,
        })?;
    }
    Ok(date)
}

/// Whether a report was submitted in time (rule 14): its first submission on or before the
/// deadline day (届满 includes the day itself, DOMAIN.md preamble).
pub fn submitted_in_time(first_submitted_on: Option<NaiveDate>, deadline: NaiveDate) -> bool {
    first_submitted_on.is_some_and(|d| d <= deadline)
}

/// Whether a report is late on `today` (rule 14, §4: "late or missing report"): submitted after
/// the deadline, or not submitted and the deadline day has passed. On the deadline day itself
/// an unsubmitted report is not late yet.
pub fn is_late(
    first_submitted_on: Option<NaiveDate>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> bool {
    match first_submitted_on {
        Some(d) => d > deadline,
        None => today > deadline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> HolidayCalendar {
        HolidayCalendar::from_csv_str(include_str!(
            "../../../../../datasets/holidays/cn_holidays.csv"
        ))
        .unwrap()
    }

    /// Rule 14: 31 May 2025 is a Saturday (and 端午节 falls on 31 May–2 June 2025): the report on
    /// 2024 is due on the next working day, Tuesday 3 June 2025.
    #[test]
    fn a_deadline_on_a_holiday_moves_to_the_next_working_day() {
        assert_eq!(
            report_deadline(2024, (5, 31), &cal()).unwrap(),
            d("2025-06-03")
        );
    }

    /// Rule 14: 31 March 2026 is a Tuesday, a working day: it stays.
    #[test]
    fn a_deadline_on_a_working_day_stays() {
        assert_eq!(
            report_deadline(2025, (3, 31), &cal()).unwrap(),
            d("2026-03-31")
        );
        assert_eq!(
            report_deadline(2025, (5, 31), &cal()).unwrap(),
            d("2026-06-01")
        );
    }

    /// Rule 14 / 民法典 Art. 202: a 29 February deadline in a common year is 28 February; that
    /// Saturday of 2026 is a make-up working day (调休上班), so it stays.
    #[test]
    fn a_day_the_year_lacks_is_the_month_end_and_a_make_up_day_works() {
        assert_eq!(
            report_deadline(2025, (2, 29), &cal()).unwrap(),
            d("2026-02-28")
        );
    }

    /// The calendar never guesses: a year outside its data is an error.
    #[test]
    fn outside_the_calendar_is_an_error() {
        assert!(report_deadline(2040, (5, 31), &cal()).is_err());
    }

    /// Rule 14 boundary: submitted the day before, on, and after the deadline.
    #[test]
    fn late_on_the_day_after_not_on_the_day() {
        let deadline = d("2026-06-01");
        assert!(submitted_in_time(Some(d("2026-05-31")), deadline));
        assert!(submitted_in_time(Some(d("2026-06-01")), deadline));
        assert!(!submitted_in_time(Some(d("2026-06-02")), deadline));
        assert!(!submitted_in_time(None, deadline));
        assert!(!is_late(Some(d("2026-05-31")), deadline, d("2026-12-01")));
        assert!(!is_late(Some(d("2026-06-01")), deadline, d("2026-12-01")));
        assert!(is_late(Some(d("2026-06-02")), deadline, d("2026-06-02")));
        // Not submitted: not late the day before or on the deadline, late the day after.
        assert!(!is_late(None, deadline, d("2026-05-31")));
        assert!(!is_late(None, deadline, d("2026-06-01")));
        assert!(is_late(None, deadline, d("2026-06-02")));
    }
}
