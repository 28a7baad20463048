//! The province adds a new version of a parameter: a row of a key that exists, in the key's
//! unit, effective from a future date (so that what applied on any past date or today never
//! changes), with its source. Each refusal names its field, in Chinese and English.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Param, Unit, store};
use crate::platform::auth::Actor;
use crate::platform::{AppError, AppResult, AppState};

/// Largest value accepted for a period (a typing guard, not a rule of law: a hundred years of
/// days); the other units have their own guards in [`value_max`].
pub const VALUE_MAX: i64 = 36_500;

/// The largest value a parameter of `unit` may take: a typing guard, not a rule of law.
pub fn value_max(unit: Unit) -> i64 {
    match unit {
        Unit::Months | Unit::Days | Unit::WorkingDays | Unit::Years => VALUE_MAX,
        Unit::MonthDay => 1231,
        Unit::Permille => 1000,
        // Ten billion yuan; a million things.
        Unit::Yuan => 10_000_000_000,
        Unit::Count => 1_000_000,
    }
}
/// Longest source or note accepted.
pub const TEXT_MAX_CHARS: usize = 2000;

/// A new row as the province enters it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewParam {
    /// An existing key, e.g. `registry.publicity.period`.
    #[serde(default)]
    pub key: String,
    /// A whole number from 0: at most 36 500 for a period, 1 231 for a day of the year (MMDD),
    /// 1 000 for per mille.
    #[serde(default)]
    pub value: Option<i64>,
    /// `months` | `days` | `working_days` | `years` | `month_day` | `yuan` | `count` |
    /// `permille`: the key's own unit (empty: the key's unit).
    #[serde(default)]
    pub unit: String,
    /// YYYY-MM-DD, after today.
    #[serde(default)]
    pub effective_from: String,
    /// The law, article or decision the new value comes from (required).
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub note: String,
}

fn invalid(field: &str, code: &str, zh: &str, en: &str) -> AppError {
    AppError::invalid(field, &format!("rules.{code}"), zh, en)
}

fn text(field: &str, v: &str, required: bool) -> AppResult<String> {
    let t = v.trim();
    if required && t.is_empty() {
        return Err(invalid(
            field,
            "required",
            "此项不能为空：请注明依据（法律、条款或决定）",
            "Required: name the source (law, article or decision)",
        ));
    }
    if t.chars().count() > TEXT_MAX_CHARS {
        return Err(invalid(field, "too_long", "内容过长", "Too long"));
    }
    Ok(t.to_string())
}

/// Checks a new row against the table and today; returns the row to store.
pub fn check(
    table: &super::RuleTable,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    b: &NewParam,
) -> AppResult<Param> {
    let key = b.key.trim();
    let Some(latest) = table.history(key).last() else {
        return Err(invalid(
            "key",
            "key_unknown",
            "没有此规则参数：只能为已有参数增加新的版本",
            "No such rule parameter: only a new version of an existing one can be added",
        ));
    };
    let unit = match b.unit.trim() {
        "" => latest.unit,
        u => Unit::from_key(u)
            .filter(|u| *u == latest.unit)
            .ok_or_else(|| {
                AppError::invalid(
                    "unit",
                    "rules.unit",
                    format!("该参数的单位为 {}，新版本须使用同一单位", latest.unit.key()),
                    format!(
                        "This parameter counts {}; a new version keeps its unit",
                        latest.unit.key()
                    ),
                )
            })?,
    };
    let max = value_max(unit);
    let value = b.value.filter(|v| (0..=max).contains(v)).ok_or_else(|| {
        AppError::invalid(
            "value",
            "rules.value",
            format!("请填写 0 至 {max} 之间的整数"),
            format!("Enter a whole number from 0 to {max}"),
        )
    })?;
    if unit == Unit::MonthDay
        && NaiveDate::from_ymd_opt(2024, (value / 100) as u32, (value % 100) as u32).is_none()
    {
        return Err(invalid(
            "value",
            "value",
            "请按 MMDD 填写一年中的某一天（如 531 表示 5 月 31 日）",
            "Enter a day of the year as MMDD (531 is 31 May)",
        ));
    }
    let effective_from: NaiveDate = b.effective_from.trim().parse().map_err(|_| {
        invalid(
            "effective_from",
            "date",
            "请填写日期，格式为 YYYY-MM-DD",
            "Enter a date as YYYY-MM-DD",
        )
    })?;
    if effective_from <= today {
        return Err(invalid(
            "effective_from",
            "not_future",
            "生效日期须晚于今天：已经适用的规则版本不能更改",
            "The effective date must be after today: a rule version already applied cannot change",
        ));
    }
    if table
        .history(key)
        .iter()
        .any(|r| r.effective_from == effective_from)
    {
        return Err(exists());
    }
    Ok(Param {
        key: key.to_string(),
        value,
        unit,
        effective_from,
        source: text("source", &b.source, true)?,
        note: text("note", &b.note, false)?,
        created_at: Some(now),
    })
}

fn exists() -> AppError {
    invalid(
        "effective_from",
        "exists",
        "该参数在此日期已有一个版本",
        "This parameter already has a version from this date",
    )
}

/// Adds the row (audited) and reloads this server's table; other servers see it within
/// [`super::CACHE_TTL`], before the row is in force.
pub async fn add(state: &AppState, actor: &Actor, b: &NewParam) -> AppResult<Param> {
    // Checked against the stored table, not a cached one: a row added elsewhere a moment ago
    // counts.
    let table = store::load(&state.db).await?;
    let p = check(&table, state.clock.today(), state.clock.now(), b)?;
    match store::insert(&state.db, state.clock.now(), actor, &p).await {
        // Two provinces officers adding the same version at once: one wins.
        Err(AppError::Conflict { .. })
            if store::exists(&state.db, &p.key, p.effective_from).await? =>
        {
            return Err(exists());
        }
        r => r?,
    }
    state.rules.reload().await?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn table() -> super::super::RuleTable {
        let row = |from: &str| Param {
            key: "registry.publicity.period".into(),
            value: 5,
            unit: Unit::WorkingDays,
            effective_from: d(from),
            source: "s".into(),
            note: String::new(),
            created_at: None,
        };
        super::super::RuleTable::from_rows(vec![row("2018-08-01"), row("2027-01-01")])
    }

    fn body() -> NewParam {
        NewParam {
            key: "registry.publicity.period".into(),
            value: Some(7),
            unit: "working_days".into(),
            effective_from: "2026-12-01".into(),
            source: "省厅决定".into(),
            note: String::new(),
        }
    }

    fn field(b: NewParam) -> String {
        let now = chrono::Utc::now();
        match check(&table(), d("2026-11-27"), now, &b) {
            Err(e) => e.field().unwrap_or_default().to_string(),
            Ok(_) => "ok".into(),
        }
    }

    #[test]
    fn each_refusal_names_its_field() {
        assert_eq!(field(body()), "ok");
        assert_eq!(
            field(NewParam {
                unit: String::new(),
                ..body()
            }),
            "ok"
        );
        assert_eq!(
            field(NewParam {
                key: "x.y".into(),
                ..body()
            }),
            "key"
        );
        assert_eq!(
            field(NewParam {
                value: None,
                ..body()
            }),
            "value"
        );
        assert_eq!(
            field(NewParam {
                value: Some(-1),
                ..body()
            }),
            "value"
        );
        assert_eq!(
            field(NewParam {
                unit: "days".into(),
                ..body()
            }),
            "unit"
        );
        assert_eq!(
            field(NewParam {
                unit: "weeks".into(),
                ..body()
            }),
            "unit"
        );
        let today = NewParam {
            effective_from: "2026-11-27".into(),
            ..body()
        };
        assert_eq!(field(today), "effective_from");
        let past = NewParam {
            effective_from: "2018-08-01".into(),
            ..body()
        };
        assert_eq!(field(past), "effective_from");
        // A second version from a date that has one already.
        let same = NewParam {
            effective_from: "2027-01-01".into(),
            ..body()
        };
        assert_eq!(field(same), "effective_from");
        assert_eq!(
            field(NewParam {
                effective_from: "tomorrow".into(),
                ..body()
            }),
            "effective_from"
        );
        assert_eq!(
            field(NewParam {
                source: " ".into(),
                ..body()
            }),
            "source"
        );
        // Tomorrow is the earliest.
        let tomorrow = NewParam {
            effective_from: "2026-11-28".into(),
            ..body()
        };
        assert_eq!(field(tomorrow), "ok");
    }
}
