//! 工作日 — the working-day calendar from the State Council's yearly 放假调休 notices, and
//! legal period counting (民法典 Art. 201–203).
//!
//! Rule (datasets/holidays/README.md): a date is a working day if it has a `work` row (调休上班,
//! always a Saturday or Sunday), or if it is Monday–Friday without an `off` row. Everything else
//! is a rest day.
//!
//! The calendar **never guesses**: a date whose calendar year is outside the notice years in
//! the data is an error ([`CalendarError::BeyondData`]), because a year without its notice has
//! unknown holidays. Caveat: a notice can also move days at the very end of the previous year
//! (the 2023 notice lists 2022-12-31; the 2019 元旦 arrangement made 2018-12-29 a working day),
//! so deadlines in late December of the last covered year may still change when the next
//! notice comes out.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

mod error;
#[cfg(test)]
mod tests;

pub use error::CalendarError;

/// The `kind` column: `off` (放假) or `work` (调休上班).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// 放假: a rest day of a holiday block (weekend days inside the block included).
    Off,
    /// 调休上班: a Saturday or Sunday that is a working day.
    Work,
}

impl DayKind {
    /// `off` / `work`, as in the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }
}

/// One row of the holiday data (one date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRow {
    /// The date the row is about.
    pub date: NaiveDate,
    /// Rest day or make-up working day.
    pub kind: DayKind,
    /// The holiday as the notice names it, e.g. `春节`, `国庆节、中秋节`.
    pub name: String,
    /// The year of the **notice** (国务院办公厅关于YYYY年部分节假日安排的通知); may be one more
    /// than the date's year (2022-12-31 belongs to the 2023 notice).
    pub year: i32,
}

const HEADER: [&str; 4] = ["date", "kind", "name", "year"];

/// The working-day calendar: holiday rows by date plus the range of notice years covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    rows: BTreeMap<NaiveDate, HolidayRow>,
}

impl HolidayCalendar {
    /// An empty calendar: every query fails with [`CalendarError::NoData`] until rows are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the dataset format (`date,kind,name,year`, header row, UTF-8; a BOM and spaces
    /// around fields are tolerated since the province may edit the file in a spreadsheet).
    /// Errors name the line and column.
    pub fn from_csv<R: io::Read>(reader: R) -> Result<Self, CalendarError> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = rdr.headers().map_err(|e| csv_error(&e))?.clone();
        let names: Vec<&str> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                }
            })
            .collect();
        if names != HEADER {
            return Err(CalendarError::CsvHeader {
                found: names.join(","),
            });
        }
        let mut cal = Self::new();
        let mut record = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(&e)),
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            let row = parse_record(&record, line)?;
            cal.insert(row, Some(line), false)?;
        }
        if cal.rows.is_empty() {
            return Err(CalendarError::Empty);
        }
        cal.check_contiguous()?;
        Ok(cal)
    }

    /// [`HolidayCalendar::from_csv`] over a string.
    pub fn from_csv_str(data: &str) -> Result<Self, CalendarError> {
        Self::from_csv(data.as_bytes())
    }

    /// Builds a calendar from rows (e.g. loaded from the database). Duplicated dates are errors.
    pub fn from_rows(rows: impl IntoIterator<Item = HolidayRow>) -> Result<Self, CalendarError> {
        let mut cal = Self::new();
        for row in rows {
            cal.insert(row, None, false)?;
        }
        cal.check_contiguous()?;
        Ok(cal)
    }

    /// Adds rows, e.g. a new year (2027) entered by the province, or corrections. A row for a
    /// date already present **replaces** it; a date repeated within `rows` is an error. The
    /// notice years must stay contiguous.
    pub fn with_rows(
        mut self,
        rows: impl IntoIterator<Item = HolidayRow>,
    ) -> Result<Self, CalendarError> {
        let mut seen = BTreeSet::new();
        for row in rows {
            if !seen.insert(row.date) {
                return Err(CalendarError::DuplicateDate {
                    line: None,
                    date: row.date,
                });
            }
            self.insert(row, None, true)?;
        }
        self.check_contiguous()?;
        Ok(self)
    }

    /// Validates and stores one row.
    fn insert(
        &mut self,
        row: HolidayRow,
        line: Option<usize>,
        replace: bool,
    ) -> Result<(), CalendarError> {
        let date = row.date;
        if row.kind == DayKind::Work && !is_weekend(date) {
            return Err(CalendarError::WorkOnWeekday { line, date });
        }
        // A notice covers its own year, plus at most the last days of the year before.
        if date.year() != row.year && date.year() != row.year - 1 {
            return Err(CalendarError::YearMismatch {
                line,
                date,
                year: row.year,
            });
        }
        if !replace && self.rows.contains_key(&date) {
            return Err(CalendarError::DuplicateDate { line, date });
        }
        self.rows.insert(date, row);
        Ok(())
    }

    fn check_contiguous(&self) -> Result<(), CalendarError> {
        let years: BTreeSet<i32> = self.rows.values().map(|r| r.year).collect();
        if let (Some(&first), Some(&last)) = (years.first(), years.last())
            && let Some(year) = (first..=last).find(|y| !years.contains(y))
        {
            return Err(CalendarError::MissingYear { year });
        }
        Ok(())
    }

    /// First notice year in the data.
    pub fn first_year(&self) -> Option<i32> {
        self.rows.values().map(|r| r.year).min()
    }

    /// Last notice year in the data: the platform should warn before this runs out.
    pub fn last_year(&self) -> Option<i32> {
        self.rows.values().map(|r| r.year).max()
    }

    /// Calendar years whose dates can be answered (2020..=2026 for the shipped data).
    pub fn covered_years(&self) -> Option<RangeInclusive<i32>> {
        Some(self.first_year()?..=self.last_year()?)
    }

    /// All rows, by date.
    pub fn rows(&self) -> impl Iterator<Item = &HolidayRow> {
        self.rows.values()
    }

    /// The row for `date`, if any.
    pub fn row(&self, date: NaiveDate) -> Option<&HolidayRow> {
        self.rows.get(&date)
    }

    /// The data in the dataset's CSV format (inverse of [`HolidayCalendar::from_csv`]).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(HEADER);
        for r in self.rows.values() {
            let date = r.date.format("%Y-%m-%d").to_string();
            let year = r.year.to_string();
            let _ = w.write_record([date.as_str(), r.kind.as_str(), &r.name, &year]);
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        let Some(years) = self.covered_years() else {
            return Err(CalendarError::NoData { date });
        };
        if date.year() > *years.end() {
            return Err(CalendarError::BeyondData {
                date,
                last_year: *years.end(),
            });
        }
        if date.year() < *years.start() {
            return Err(CalendarError::BeforeData {
                date,
                first_year: *years.start(),
            });
        }
        Ok(())
    }

    /// 工作日: a `work` row, or Monday–Friday without an `off` row. Errors outside the data.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_covered(date)?;
        Ok(match self.rows.get(&date).map(|r| r.kind) {
            Some(DayKind::Work) => true,
            Some(DayKind::Off) => false,
            None => !is_weekend(date),
        })
    }

    /// The `n`-th working day after `start` (民法典 Art. 201: counting starts the day after the
    /// triggering day, so `start` itself never counts). `n = 0` returns `start` unchanged.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// Number of working days in `(a, b]` (`a` excluded, `b` included); 0 when `b <= a`.
    /// So `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut date = a;
        while date < b {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// Last day of a period of `n` natural days from `start` (民法典 Art. 201/203): `start + n`
    /// days; if that day is a rest day, the period ends on the next working day.
    ///
    /// Choice: "rest day" here is every non-working day of this calendar — `off` rows **and**
    /// ordinary weekends (judicial practice treats 星期日/休息日 as 法定休假日 for Art. 203),
    /// while a make-up working weekend day (`work` row) is not a rest day.
    pub fn add_natural_days_deadline(
        &self,
        start: NaiveDate,
        n: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let mut date = start
            .checked_add_days(Days::new(u64::from(n)))
            .ok_or(CalendarError::DateOverflow { start, days: n })?;
        while !self.is_working_day(date)? {
            date = next_day(date)?;
        }
        Ok(date)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_day(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    date.succ_opt().ok_or(CalendarError::DateOverflow {
        start: date,
        days: 1,
    })
}

fn csv_error(e: &csv::Error) -> CalendarError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => e.to_string(),
    };
    CalendarError::Csv { line, message }
}

/// One CSV record → row; errors name line and 1-based column.
fn parse_record(rec: &csv::StringRecord, line: usize) -> Result<HolidayRow, CalendarError> {
    let field = |i: usize| rec.get(i).unwrap_or("");
    let invalid = |i: usize| CalendarError::InvalidField {
        line,
        column: i + 1,
        column_name: HEADER[i],
        found: field(i).to_string(),
    };
    // Strict ISO form: exactly YYYY-MM-DD, so `2024-1-5` is rejected rather than guessed.
    let date = Some(field(0))
        .filter(|s| s.len() == 10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or_else(|| invalid(0))?;
    let kind = match field(1) {
        "off" => DayKind::Off,
        "work" => DayKind::Work,
        _ => return Err(invalid(1)),
    };
    let name = field(2);
    if name.is_empty() {
        return Err(invalid(2));
    }
    let year = Some(field(3))
        .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<i32>().ok())
        .ok_or_else(|| invalid(3))?;
    Ok(HolidayRow {
        date,
        kind,
        name: name.to_string(),
        year,
    })
}
