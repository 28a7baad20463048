use super::*;
use crate::CodeProblem;
use proptest::prelude::*;

const DATA: &str = include_str!("../../../../datasets/holidays/cn_holidays.csv");

fn cal() -> HolidayCalendar {
    HolidayCalendar::from_csv_str(DATA).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const H: &str = "date,kind,name,year\n";

#[test]
fn loads_shipped_dataset() {
    let c = cal();
    assert_eq!(c.rows().count(), 254);
    assert_eq!(c.rows().filter(|r| r.kind == DayKind::Off).count(), 208);
    assert_eq!(c.covered_years(), Some(2020..=2026));
    assert_eq!(c.first_year(), Some(2020));
    assert_eq!(c.last_year(), Some(2026));
    assert_eq!(c.row(d(2022, 12, 31)).unwrap().year, 2023);
    // Export reproduces the file byte for byte.
    assert_eq!(c.to_csv(), DATA);
}

#[test]
fn working_day_rule() {
    let c = cal();
    assert!(!c.is_working_day(d(2024, 10, 1)).unwrap()); // off row, Tuesday
    assert!(c.is_working_day(d(2024, 10, 12)).unwrap()); // work row, Saturday
    assert!(c.is_working_day(d(2024, 9, 29)).unwrap()); // work row, Sunday
    assert!(!c.is_working_day(d(2024, 10, 13)).unwrap()); // plain Sunday
    assert!(c.is_working_day(d(2024, 10, 8)).unwrap()); // plain Tuesday
    // 2020 春节 extension: the original make-up Saturday 2020-02-01 became a rest day.
    assert!(!c.is_working_day(d(2020, 2, 1)).unwrap());
    assert!(!c.is_working_day(d(2020, 1, 31)).unwrap());
    assert!(c.is_working_day(d(2020, 2, 3)).unwrap());
    // Joined-to-weekend 2024 元旦: 2023-12-30/31 are plain weekend days.
    assert!(!c.is_working_day(d(2023, 12, 30)).unwrap());
    assert!(!c.is_working_day(d(2024, 1, 1)).unwrap());
    assert!(c.is_working_day(d(2024, 1, 2)).unwrap());
}

#[test]
fn outside_the_data_is_an_error() {
    let c = cal();
    assert!(c.is_working_day(d(2026, 12, 31)).unwrap());
    let e = c.is_working_day(d(2027, 1, 1)).unwrap_err();
    assert_eq!(
        e,
        CalendarError::BeyondData {
            date: d(2027, 1, 1),
            last_year: 2026
        }
    );
    assert_eq!(e.code(), "calendar.beyond_data");
    assert!(e.message_zh().contains("2027年"));
    assert!(c.is_working_day(d(2020, 1, 2)).unwrap());
    assert_eq!(
        c.is_working_day(d(2019, 12, 31)).unwrap_err(),
        CalendarError::BeforeData {
            date: d(2019, 12, 31),
            first_year: 2020
        }
    );
    assert_eq!(
        HolidayCalendar::new()
            .is_working_day(d(2024, 1, 2))
            .unwrap_err(),
        CalendarError::NoData {
            date: d(2024, 1, 2)
        }
    );
}

#[test]
fn add_working_days_examples() {
    let c = cal();
    // National Day 2024: 10-01..10-07 off.
    assert_eq!(
        c.add_working_days(d(2024, 9, 30), 1).unwrap(),
        d(2024, 10, 8)
    );
    // Counting starts the day after: from a working Monday, +1 is Tuesday.
    assert_eq!(
        c.add_working_days(d(2024, 3, 11), 1).unwrap(),
        d(2024, 3, 12)
    );
    // 5 working days from a Friday in an ordinary week.
    assert_eq!(
        c.add_working_days(d(2024, 3, 8), 5).unwrap(),
        d(2024, 3, 15)
    );
    // Across 春节 2025 (off 01-28..02-04, work Sun 01-26): Fri 01-24 → 26, 27, 02-05, 06, 07.
    assert_eq!(
        c.add_working_days(d(2025, 1, 24), 5).unwrap(),
        d(2025, 2, 7)
    );
    assert_eq!(
        c.add_working_days(d(2025, 1, 24), 1).unwrap(),
        d(2025, 1, 26)
    );
    // Make-up Saturday counts: Fri 2024-10-11 + 1 = Sat 10-12.
    assert_eq!(
        c.add_working_days(d(2024, 10, 11), 1).unwrap(),
        d(2024, 10, 12)
    );
    // n = 0 returns start, even on a rest day.
    assert_eq!(
        c.add_working_days(d(2024, 10, 1), 0).unwrap(),
        d(2024, 10, 1)
    );
    // Starting on a rest day: the first working day after it.
    assert_eq!(
        c.add_working_days(d(2024, 10, 1), 1).unwrap(),
        d(2024, 10, 8)
    );
}

#[test]
fn add_working_days_never_runs_past_the_data() {
    let c = cal();
    assert_eq!(
        c.add_working_days(d(2026, 12, 31), 1).unwrap_err(),
        CalendarError::BeyondData {
            date: d(2027, 1, 1),
            last_year: 2026
        }
    );
    // 2026-12-30 (Wed) + 1 = 12-31 (Thu) is still inside.
    assert_eq!(
        c.add_working_days(d(2026, 12, 30), 1).unwrap(),
        d(2026, 12, 31)
    );
    assert!(matches!(
        c.add_working_days(d(2026, 12, 30), 2),
        Err(CalendarError::BeyondData { .. })
    ));
}

#[test]
fn working_days_between_examples() {
    let c = cal();
    assert_eq!(
        c.working_days_between(d(2024, 9, 30), d(2024, 10, 8))
            .unwrap(),
        1
    );
    assert_eq!(
        c.working_days_between(d(2024, 9, 30), d(2024, 10, 7))
            .unwrap(),
        0
    );
    assert_eq!(
        c.working_days_between(d(2024, 3, 8), d(2024, 3, 15))
            .unwrap(),
        5
    );
    // (a, b]: a excluded, b included.
    assert_eq!(
        c.working_days_between(d(2024, 3, 11), d(2024, 3, 12))
            .unwrap(),
        1
    );
    assert_eq!(
        c.working_days_between(d(2024, 3, 12), d(2024, 3, 12))
            .unwrap(),
        0
    );
    assert_eq!(
        c.working_days_between(d(2024, 3, 15), d(2024, 3, 8))
            .unwrap(),
        0
    );
    // Whole year 2024: 366 days, 104 + 8 make-up working days vs. 28 off rows (minus weekends).
    let n = c
        .working_days_between(d(2023, 12, 31), d(2024, 12, 31))
        .unwrap();
    let want = (1..=366)
        .map(|i| d(2023, 12, 31) + Days::new(i))
        .filter(|&x| match c.row(x) {
            Some(r) => r.kind == DayKind::Work,
            None => !is_weekend(x),
        })
        .count() as u32;
    assert_eq!(n, want);
    assert_eq!(n, 251);
    assert!(
        c.working_days_between(d(2026, 12, 1), d(2027, 1, 5))
            .is_err()
    );
}

#[test]
fn natural_days_deadline() {
    let c = cal();
    // Ends on a plain working day: unchanged.
    assert_eq!(
        c.add_natural_days_deadline(d(2024, 3, 1), 10).unwrap(),
        d(2024, 3, 11)
    );
    // Ends on 10-01 (statutory holiday): moves to the first day after the holiday.
    assert_eq!(
        c.add_natural_days_deadline(d(2024, 9, 23), 8).unwrap(),
        d(2024, 10, 8)
    );
    // Ends on a plain Saturday: moves to Monday (weekends count as rest days).
    assert_eq!(
        c.add_natural_days_deadline(d(2024, 3, 1), 8).unwrap(),
        d(2024, 3, 11)
    );
    // Ends on a make-up working Saturday: unchanged.
    assert_eq!(
        c.add_natural_days_deadline(d(2024, 10, 4), 8).unwrap(),
        d(2024, 10, 12)
    );
    // Starts the day after: 30 days from 2024-01-15 ends 2024-02-14, 春节 2024 (02-10..02-17) → 02-18 (Sun, work row).
    assert_eq!(
        c.add_natural_days_deadline(d(2024, 1, 15), 30).unwrap(),
        d(2024, 2, 18)
    );
    // Rolling forward past the data is an error, not a guess.
    assert!(matches!(
        c.add_natural_days_deadline(d(2026, 12, 1), 40),
        Err(CalendarError::BeyondData { .. })
    ));
    assert!(matches!(
        c.add_natural_days_deadline(NaiveDate::MAX, 1),
        Err(CalendarError::DateOverflow { .. })
    ));
}

#[test]
fn csv_errors_name_line_and_column() {
    let cases: [(&str, CalendarError); 6] = [
        (
            "2024-13-01,off,X,2024\n",
            CalendarError::InvalidField {
                line: 2,
                column: 1,
                column_name: "date",
                found: "2024-13-01".into(),
            },
        ),
        (
            "2024-1-1,off,X,2024\n",
            CalendarError::InvalidField {
                line: 2,
                column: 1,
                column_name: "date",
                found: "2024-1-1".into(),
            },
        ),
        (
            "2024-10-01,holiday,X,2024\n",
            CalendarError::InvalidField {
                line: 2,
                column: 2,
                column_name: "kind",
                found: "holiday".into(),
            },
        ),
        (
            "2024-10-01,off,,2024\n",
            CalendarError::InvalidField {
                line: 2,
                column: 3,
                column_name: "name",
                found: "".into(),
            },
        ),
        (
            "2024-10-01,off,X,2024\n2024-10-02,off,X,24\n",
            CalendarError::InvalidField {
                line: 3,
                column: 4,
                column_name: "year",
                found: "24".into(),
            },
        ),
        (
            "2024-10-01,off,X,2024\n2024-10-02,off,X\n",
            CalendarError::Csv {
                line: 3,
                message: "expected 4 fields, found 3".into(),
            },
        ),
    ];
    for (body, want) in cases {
        let e = HolidayCalendar::from_csv_str(&format!("{H}{body}")).unwrap_err();
        assert_eq!(e, want, "{body}");
        assert!(e.position().is_some());
        assert!(e.message_zh().contains("行"), "{}", e.message_zh());
    }
    let e = HolidayCalendar::from_csv_str("date,kind,name\n2024-10-01,off,X\n").unwrap_err();
    assert_eq!(
        e,
        CalendarError::CsvHeader {
            found: "date,kind,name".into()
        }
    );
    assert_eq!(
        HolidayCalendar::from_csv_str(H).unwrap_err(),
        CalendarError::Empty
    );
}

#[test]
fn csv_row_rules() {
    let e =
        HolidayCalendar::from_csv_str(&format!("{H}2024-10-08,work,国庆节,2024\n")).unwrap_err();
    assert_eq!(
        e,
        CalendarError::WorkOnWeekday {
            line: Some(2),
            date: d(2024, 10, 8)
        }
    );
    let e = HolidayCalendar::from_csv_str(&format!(
        "{H}2024-10-01,off,A,2024\n2024-10-01,off,B,2024\n"
    ))
    .unwrap_err();
    assert_eq!(
        e,
        CalendarError::DuplicateDate {
            line: Some(3),
            date: d(2024, 10, 1)
        }
    );
    let e = HolidayCalendar::from_csv_str(&format!("{H}2024-10-01,off,A,2026\n")).unwrap_err();
    assert_eq!(
        e,
        CalendarError::YearMismatch {
            line: Some(2),
            date: d(2024, 10, 1),
            year: 2026
        }
    );
    // Previous year allowed (2022-12-31 in the 2023 notice), following year not.
    assert!(HolidayCalendar::from_csv_str(&format!("{H}2022-12-31,off,元旦,2023\n")).is_ok());
    assert!(HolidayCalendar::from_csv_str(&format!("{H}2024-01-01,off,元旦,2023\n")).is_err());
    let e = HolidayCalendar::from_csv_str(&format!(
        "{H}2024-10-01,off,A,2024\n2026-10-01,off,A,2026\n"
    ))
    .unwrap_err();
    assert_eq!(e, CalendarError::MissingYear { year: 2025 });
    // Spreadsheet artefacts tolerated: BOM, spaces, CRLF.
    let c = HolidayCalendar::from_csv_str(
        "\u{feff}date, kind ,name,year\r\n2024-10-01 , off,国庆节, 2024\r\n",
    )
    .unwrap();
    assert_eq!(c.row(d(2024, 10, 1)).unwrap().name, "国庆节");
}

fn row(date: NaiveDate, kind: DayKind, year: i32) -> HolidayRow {
    HolidayRow {
        date,
        kind,
        name: "元旦".into(),
        year,
    }
}

#[test]
fn province_can_add_a_year() {
    // Synthetic 2027 row for the test only (the real 2027 notice is not out).
    let c = cal()
        .with_rows([row(d(2027, 1, 1), DayKind::Off, 2027)])
        .unwrap();
    assert_eq!(c.last_year(), Some(2027));
    // 2026-12-31 (Thu) + 1: 2027-01-01 off, then weekend, then Monday.
    assert_eq!(
        c.add_working_days(d(2026, 12, 31), 1).unwrap(),
        d(2027, 1, 4)
    );
    // Replacing a row: the 2024-10-12 make-up Saturday turned into a rest day.
    let c = c
        .with_rows([row(d(2024, 10, 12), DayKind::Off, 2024)])
        .unwrap();
    assert!(!c.is_working_day(d(2024, 10, 12)).unwrap());
    // Skipping a year is refused.
    assert_eq!(
        cal()
            .with_rows([row(d(2028, 1, 3), DayKind::Off, 2028)])
            .unwrap_err(),
        CalendarError::MissingYear { year: 2027 }
    );
    // The same date twice within one batch is refused.
    assert!(matches!(
        cal().with_rows([
            row(d(2027, 1, 1), DayKind::Off, 2027),
            row(d(2027, 1, 1), DayKind::Off, 2027)
        ]),
        Err(CalendarError::DuplicateDate { line: None, .. })
    ));
    assert!(matches!(
        cal().with_rows([row(d(2027, 1, 4), DayKind::Work, 2027)]),
        Err(CalendarError::WorkOnWeekday { line: None, .. })
    ));
    let from_rows = HolidayCalendar::from_rows(cal().rows().cloned()).unwrap();
    assert_eq!(from_rows, cal());
}

fn covered_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..2557).prop_map(|i| d(2020, 1, 1) + Days::new(i))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn add_then_count_roundtrips(start in covered_date(), n in 0u32..60) {
        let c = cal();
        match c.add_working_days(start, n) {
            Ok(end) => {
                if n > 0 {
                    prop_assert!(c.is_working_day(end).unwrap());
                    prop_assert!(end > start);
                } else {
                    prop_assert_eq!(end, start);
                }
                prop_assert_eq!(c.working_days_between(start, end).unwrap(), n);
            }
            Err(CalendarError::BeyondData { last_year, .. }) => prop_assert_eq!(last_year, 2026),
            Err(e) => prop_assert!(false, "unexpected {}", e),
        }
    }

    #[test]
    fn natural_deadline_is_first_working_day_at_or_after(start in covered_date(), n in 0u32..60) {
        let c = cal();
        if let Ok(end) = c.add_natural_days_deadline(start, n) {
            let nominal = start + Days::new(u64::from(n));
            prop_assert!(end >= nominal);
            prop_assert!(c.is_working_day(end).unwrap());
            // Nothing before `end` from the nominal last day on is a working day.
            if end > nominal {
                prop_assert!(!c.is_working_day(nominal).unwrap());
                prop_assert_eq!(c.working_days_between(nominal, end).unwrap(), 1);
            }
        }
    }

    #[test]
    fn from_csv_never_panics(s in "\\PC{0,80}") {
        let _ = HolidayCalendar::from_csv_str(&format!("{H}{s}"));
    }
}
