//! Fuzz holiday-CSV loading: never panics; an accepted calendar round-trips through `to_csv`
//! and answers consistently with its rows.
#![no_main]

use codes::{CalendarError, CodeProblem, DayKind, HolidayCalendar};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match HolidayCalendar::from_csv(data) {
        Ok(cal) => {
            let again = HolidayCalendar::from_csv_str(&cal.to_csv());
            assert_eq!(again.as_ref(), Ok(&cal));
            let years = cal.covered_years().expect("accepted data is never empty");
            for row in cal.rows() {
                match cal.is_working_day(row.date) {
                    Ok(working) => assert_eq!(working, row.kind == DayKind::Work),
                    // A December row of the first notice year's predecessor is outside.
                    Err(CalendarError::BeforeData { first_year, .. }) => {
                        assert_eq!(first_year, *years.start());
                        assert_eq!(
                            row.date.format("%Y").to_string(),
                            (row.year - 1).to_string()
                        );
                    }
                    Err(e) => panic!("unexpected {e}"),
                }
            }
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
        }
    }
});
