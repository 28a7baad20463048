//! Errors of the working-day calendar ([`CalendarError`]).

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::CodeProblem;

/// Errors from loading holiday data or from counting with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The header is not `date,kind,name,year`.
    CsvHeader { found: String },
    /// The CSV is malformed at `line` (wrong number of fields, bad UTF-8, …).
    Csv { line: usize, message: String },
    /// A field does not parse. `column` is 1-based.
    InvalidField {
        line: usize,
        column: usize,
        column_name: &'static str,
        found: String,
    },
    /// The data has no rows.
    Empty,
    /// The same date appears twice.
    DuplicateDate {
        line: Option<usize>,
        date: NaiveDate,
    },
    /// A `work` row on Monday–Friday (make-up working days are always weekend days).
    WorkOnWeekday {
        line: Option<usize>,
        date: NaiveDate,
    },
    /// A row's date is neither in its notice year nor in the year before.
    YearMismatch {
        line: Option<usize>,
        date: NaiveDate,
        year: i32,
    },
    /// The notice years are not contiguous: `year` lies between covered years but has no rows.
    MissingYear { year: i32 },
    /// `date` lies after the last covered year: its holidays are unknown.
    BeyondData { date: NaiveDate, last_year: i32 },
    /// `date` lies before the first covered year.
    BeforeData { date: NaiveDate, first_year: i32 },
    /// The calendar has no data at all.
    NoData { date: NaiveDate },
    /// Adding `days` to `start` leaves the representable date range.
    DateOverflow { start: NaiveDate, days: u32 },
}

impl CodeProblem for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            Self::CsvHeader { .. } => "calendar.csv_header",
            Self::Csv { .. } => "calendar.csv",
            Self::InvalidField { .. } => "calendar.invalid_field",
            Self::Empty => "calendar.empty",
            Self::DuplicateDate { .. } => "calendar.duplicate_date",
            Self::WorkOnWeekday { .. } => "calendar.work_on_weekday",
            Self::YearMismatch { .. } => "calendar.year_mismatch",
            Self::MissingYear { .. } => "calendar.missing_year",
            Self::BeyondData { .. } => "calendar.beyond_data",
            Self::BeforeData { .. } => "calendar.before_data",
            Self::NoData { .. } => "calendar.no_data",
            Self::DateOverflow { .. } => "calendar.date_overflow",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            Self::CsvHeader { found } => {
                format!("节假日数据表头应为“date,kind,name,year”，实际为“{found}”")
            }
            Self::Csv { line, message } => format!("节假日数据第{line}行格式错误：{message}"),
            Self::InvalidField {
                line,
                column,
                column_name,
                found,
            } => {
                let want = match *column_name {
                    "date" => "YYYY-MM-DD格式的日期",
                    "kind" => "off（放假）或work（上班）",
                    "name" => "节日名称（不能为空）",
                    _ => "四位数的通知年份",
                };
                format!(
                    "节假日数据第{line}行第{column}列（{column_name}）“{found}”无效，应为{want}"
                )
            }
            Self::Empty => "节假日数据没有任何记录".to_string(),
            Self::DuplicateDate { line, date } => {
                format!("{}日期{date}重复出现", line_zh(*line))
            }
            Self::WorkOnWeekday { line, date } => format!(
                "{}{date}是工作日（周一至周五），调休上班日只能是周六或周日",
                line_zh(*line)
            ),
            Self::YearMismatch { line, date, year } => format!(
                "{}日期{date}不属于{year}年通知（应为{year}年或{}年的日期）",
                line_zh(*line),
                year - 1
            ),
            Self::MissingYear { year } => {
                format!("节假日数据缺少{year}年的国务院放假安排，年份必须连续")
            }
            Self::BeyondData { date, last_year } => format!(
                "{date}超出节假日数据范围（数据只到{last_year}年）：请先录入{}年的国务院放假安排，不能按无节假日推算",
                date.year()
            ),
            Self::BeforeData { date, first_year } => {
                format!("{date}早于节假日数据范围（数据从{first_year}年开始）")
            }
            Self::NoData { date } => format!("尚未录入任何节假日数据，无法判断{date}是否为工作日"),
            Self::DateOverflow { start, days } => {
                format!("从{start}起加{days}天超出可表示的日期范围")
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            Self::CsvHeader { found } => {
                format!("holiday data header must be 'date,kind,name,year', found '{found}'")
            }
            Self::Csv { line, message } => format!("holiday data line {line}: {message}"),
            Self::InvalidField {
                line,
                column,
                column_name,
                found,
            } => {
                let want = match *column_name {
                    "date" => "a date YYYY-MM-DD",
                    "kind" => "'off' or 'work'",
                    "name" => "a non-empty holiday name",
                    _ => "a 4-digit notice year",
                };
                format!(
                    "holiday data line {line}, column {column} ({column_name}): '{found}' is invalid, expected {want}"
                )
            }
            Self::Empty => "holiday data has no rows".to_string(),
            Self::DuplicateDate { line, date } => {
                format!("{}date {date} appears twice", line_en(*line))
            }
            Self::WorkOnWeekday { line, date } => format!(
                "{}{date} is a Monday-Friday; a make-up working day ('work') must be a Saturday or Sunday",
                line_en(*line)
            ),
            Self::YearMismatch { line, date, year } => format!(
                "{}date {date} does not belong to the {year} notice (must be in {year} or {})",
                line_en(*line),
                year - 1
            ),
            Self::MissingYear { year } => format!(
                "holiday data has no rows for notice year {year}; covered years must be contiguous"
            ),
            Self::BeyondData { date, last_year } => format!(
                "{date} is beyond the holiday data (last year {last_year}); add the {} State Council holiday notice first, it is never guessed",
                date.year()
            ),
            Self::BeforeData { date, first_year } => {
                format!("{date} is before the holiday data (first year {first_year})")
            }
            Self::NoData { date } => {
                format!("no holiday data loaded; cannot tell whether {date} is a working day")
            }
            Self::DateOverflow { start, days } => {
                format!("{start} plus {days} days is out of the representable date range")
            }
        }
    }

    /// The 1-based CSV line, when the problem is in a line of the data.
    fn position(&self) -> Option<usize> {
        match self {
            Self::Csv { line, .. } | Self::InvalidField { line, .. } => Some(*line),
            Self::DuplicateDate { line, .. }
            | Self::WorkOnWeekday { line, .. }
            | Self::YearMismatch { line, .. } => *line,
            _ => None,
        }
    }
}

fn line_zh(line: Option<usize>) -> String {
    line.map(|l| format!("第{l}行：")).unwrap_or_default()
}

fn line_en(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for CalendarError {}
