//! Rule parameters by date (规则参数): the thresholds and periods the rules use, kept as rows of
//! `rule_parameters` (key, value, unit, effective from, source, note) so that the code answers
//! "which rule version applied on that date" (DOMAIN.md preamble) and the province changes a
//! value by adding a row from a future date, not by a release.
//!
//! A module names each parameter it reads with a [`RuleKey`] constant in its `model/rules.rs`,
//! its doc comment citing the source; its pure rules take the value as an input, and its
//! service reads the value in force on the date that counts (the application's date, the day of
//! filing…) from [`RuleParams`] (`state.rules`), which keeps the table in memory. A key with no
//! row in force on that date is an internal error naming the key — never a silent default.
//!
//! Adding a parameter: a `RuleKey` constant with its source, a row in a migration on both
//! backends, and a read through `state.rules` where the rule is applied (CONTRIBUTING.md).

mod cache;
pub mod edit;
pub mod store;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use cache::{CACHE_TTL, RuleParams};

use super::{AppError, AppResult};

/// The name of a rule parameter, `<module>.<rule>` (e.g. `charity.qualification.min_months`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleKey(pub &'static str);

impl RuleKey {
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RuleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// What a parameter's value counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Months, ending on the corresponding date (民法典 Art. 201–203).
    Months,
    /// Calendar days (自然日).
    Days,
    /// 工作日: weekends and statutory holidays skipped (the holiday calendar is data).
    WorkingDays,
    /// Years, ending on the corresponding date (民法典 Art. 201–203).
    Years,
    /// A day of the year as `MMDD` (531 = 31 May): a yearly deadline.
    MonthDay,
    /// An amount in yuan (元), e.g. a fine threshold.
    Yuan,
    /// A number of things (events, members).
    Count,
    /// A share in per mille (‰), e.g. 700 = 70 %.
    Permille,
}

impl Unit {
    pub const ALL: [Unit; 8] = [
        Unit::Months,
        Unit::Days,
        Unit::WorkingDays,
        Unit::Years,
        Unit::MonthDay,
        Unit::Yuan,
        Unit::Count,
        Unit::Permille,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Unit::Months => "months",
            Unit::Days => "days",
            Unit::WorkingDays => "working_days",
            Unit::Years => "years",
            Unit::MonthDay => "month_day",
            Unit::Yuan => "yuan",
            Unit::Count => "count",
            Unit::Permille => "permille",
        }
    }

    pub fn from_key(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.key() == s)
    }
}

/// One row of `rule_parameters`: a value in force from `effective_from` until the next row of
/// its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Param {
    pub key: String,
    pub value: i64,
    pub unit: Unit,
    pub effective_from: NaiveDate,
    /// The law, article and DOMAIN.md rule the value comes from.
    pub source: String,
    pub note: String,
    /// When the province added it; `None` for the rows shipped with the migration.
    pub created_at: Option<DateTime<Utc>>,
}

/// A period as a rule counts it: so many months, days or working days, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub count: u32,
    pub unit: Unit,
    pub source: String,
}

/// A row as listed: with the date the next version of its key replaces it, and whether it is
/// the one in force on the date asked about.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Listed {
    #[serde(flatten)]
    pub param: Param,
    /// The first day of the next version (`None`: no later version).
    pub superseded_from: Option<NaiveDate>,
    /// The version in force on the date of the listing.
    pub in_force: bool,
}

fn internal(msg: String) -> AppError {
    AppError::Internal(anyhow::anyhow!(msg))
}

/// The whole table in memory, each key's rows in date order: answers "the value in force on
/// this date" without IO.
#[derive(Debug, Clone, Default)]
pub struct RuleTable {
    by_key: HashMap<String, Vec<Param>>,
}

impl RuleTable {
    pub fn from_rows(rows: Vec<Param>) -> RuleTable {
        let mut by_key: HashMap<String, Vec<Param>> = HashMap::new();
        for r in rows {
            by_key.entry(r.key.clone()).or_default().push(r);
        }
        for rows in by_key.values_mut() {
            rows.sort_by_key(|r| r.effective_from);
        }
        RuleTable { by_key }
    }

    /// Every row, by key then date.
    pub fn rows(&self) -> Vec<&Param> {
        let mut keys: Vec<&String> = self.by_key.keys().collect();
        keys.sort();
        keys.into_iter().flat_map(|k| &self.by_key[k]).collect()
    }

    /// Every row by key then date, each with the date it is superseded from and whether it is
    /// in force on `on`.
    pub fn listing(&self, on: NaiveDate) -> Vec<Listed> {
        let mut keys: Vec<&String> = self.by_key.keys().collect();
        keys.sort();
        let mut out = Vec::new();
        for k in keys {
            let rows = &self.by_key[k];
            for (i, p) in rows.iter().enumerate() {
                let next = rows.get(i + 1).map(|n| n.effective_from);
                out.push(Listed {
                    param: p.clone(),
                    superseded_from: next,
                    in_force: p.effective_from <= on && next.is_none_or(|n| on < n),
                });
            }
        }
        out
    }

    /// The rows of one key, oldest first (empty for an unknown key).
    pub fn history(&self, key: &str) -> &[Param] {
        self.by_key.get(key).map(Vec::as_slice).unwrap_or_default()
    }

    /// The row of `key` in force on `on`: the latest with `effective_from ≤ on`. A key without
    /// rows, or with none in force yet on that date, is an internal error naming the key.
    pub fn param_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<&Param> {
        let rows = self
            .by_key
            .get(key.as_str())
            .ok_or_else(|| internal(format!("rule parameter `{key}` has no row")))?;
        let n = rows.partition_point(|r| r.effective_from <= on);
        n.checked_sub(1).map(|i| &rows[i]).ok_or_else(|| {
            internal(format!(
                "rule parameter `{key}` has no row in force on {on} (its first is from {})",
                rows[0].effective_from
            ))
        })
    }

    /// The value of `key` in force on `on`, whatever its unit.
    pub fn value_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<i64> {
        self.param_on(key, on).map(|p| p.value)
    }

    /// The value in force on `on` as a count of `unit`: a row in another unit (or a value out
    /// of range) is an internal error naming the key, not a number read in the wrong unit.
    pub fn count_on(&self, key: RuleKey, on: NaiveDate, unit: Unit) -> AppResult<u32> {
        let p = self.param_on(key, on)?;
        if p.unit != unit {
            return Err(internal(format!(
                "rule parameter `{key}` in force on {on} is in {}, the rule counts {}",
                p.unit.key(),
                unit.key()
            )));
        }
        count(key, p)
    }

    /// Months in force on `on` (e.g. a minimum registered time).
    pub fn months_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.count_on(key, on, Unit::Months)
    }

    /// Calendar days in force on `on`.
    pub fn days_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.count_on(key, on, Unit::Days)
    }

    /// Working days in force on `on`.
    pub fn working_days_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.count_on(key, on, Unit::WorkingDays)
    }

    /// Years in force on `on`.
    pub fn years_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.count_on(key, on, Unit::Years)
    }

    /// A yearly deadline in force on `on`, as (month, day); a stored `MMDD` that is no day of a
    /// year is an internal error naming the key.
    pub fn month_day_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<(u32, u32)> {
        let v = self.count_on(key, on, Unit::MonthDay)?;
        let (m, d) = (v / 100, v % 100);
        // 2024 is a leap year: 29 February is a day of some year.
        if NaiveDate::from_ymd_opt(2024, m, d).is_none() {
            return Err(internal(format!(
                "rule parameter `{key}` in force on {on} is {v}, not a day of the year (MMDD)"
            )));
        }
        Ok((m, d))
    }

    /// An amount in yuan in force on `on`, in fen (the unit money is kept in).
    pub fn fen_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<i64> {
        let yuan = self.count_on(key, on, Unit::Yuan)?;
        Ok(i64::from(yuan) * 100)
    }

    /// A number of things in force on `on`.
    pub fn number_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.count_on(key, on, Unit::Count)
    }

    /// A share in per mille in force on `on`.
    pub fn permille_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<u32> {
        self.count_on(key, on, Unit::Permille)
    }

    /// The period in force on `on` in whatever unit its row says (a deadline whose calendar type
    /// is itself part of the rule), with its source.
    pub fn period_on(&self, key: RuleKey, on: NaiveDate) -> AppResult<Period> {
        let p = self.param_on(key, on)?;
        Ok(Period {
            count: count(key, p)?,
            unit: p.unit,
            source: p.source.clone(),
        })
    }
}

fn count(key: RuleKey, p: &Param) -> AppResult<u32> {
    u32::try_from(p.value).map_err(|_| {
        internal(format!(
            "rule parameter `{key}` from {} has the value {}, not a count",
            p.effective_from, p.value
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: RuleKey = RuleKey("t.min_months");

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn row(key: &str, from: &str, value: i64, unit: Unit) -> Param {
        Param {
            key: key.into(),
            value,
            unit,
            effective_from: d(from),
            source: "test".into(),
            note: String::new(),
            created_at: None,
        }
    }

    fn table() -> RuleTable {
        // Out of order on purpose: the table sorts each key's rows.
        RuleTable::from_rows(vec![
            row(MIN.0, "2024-09-05", 12, Unit::Months),
            row(MIN.0, "2016-09-01", 24, Unit::Months),
            row("t.days", "2020-01-01", 10, Unit::Days),
        ])
    }

    #[test]
    fn the_row_in_force_changes_exactly_on_its_date() {
        let t = table();
        assert_eq!(t.months_on(MIN, d("2024-09-04")).unwrap(), 24);
        assert_eq!(t.months_on(MIN, d("2024-09-05")).unwrap(), 12);
        assert_eq!(t.months_on(MIN, d("2030-01-01")).unwrap(), 12);
        assert_eq!(t.months_on(MIN, d("2016-09-01")).unwrap(), 24);
        assert_eq!(t.history(MIN.0).len(), 2);
        assert_eq!(t.rows().len(), 3);
        let listed = t.listing(d("2024-09-04"));
        let mins: Vec<_> = listed
            .iter()
            .filter(|l| l.param.key == MIN.0)
            .map(|l| (l.param.value, l.superseded_from, l.in_force))
            .collect();
        assert_eq!(mins, [(24, Some(d("2024-09-05")), true), (12, None, false)]);
    }

    #[test]
    fn no_row_no_key_or_the_wrong_unit_is_an_error_naming_the_key() {
        let t = table();
        let before = t.value_on(MIN, d("2016-08-31")).unwrap_err().to_string();
        assert!(
            before.contains("t.min_months") && before.contains("2016-08-31"),
            "{before}"
        );
        let unknown = t.value_on(RuleKey("t.nothing"), d("2026-01-01"));
        assert!(unknown.unwrap_err().to_string().contains("t.nothing"));
        let unit = t.working_days_on(RuleKey("t.days"), d("2026-01-01"));
        let unit = unit.unwrap_err().to_string();
        assert!(
            unit.contains("t.days") && unit.contains("working_days"),
            "{unit}"
        );
        assert_eq!(t.days_on(RuleKey("t.days"), d("2026-01-01")).unwrap(), 10);
        let p = t.period_on(RuleKey("t.days"), d("2026-01-01")).unwrap();
        assert_eq!((p.count, p.unit), (10, Unit::Days));
    }

    #[test]
    fn units_round_trip() {
        for u in Unit::ALL {
            assert_eq!(Unit::from_key(u.key()), Some(u));
        }
        assert_eq!(Unit::from_key("weeks"), None);
    }
}
