//! SQL for the holiday calendar (节假日安排), kept in the database so the province can extend it.

use chrono::{DateTime, NaiveDate, Utc};
use codes::{DayKind, HolidayCalendar, HolidayRow};

use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::{with_db, with_tx};

/// China's holiday arrangements 2020–2026 as shipped (see datasets/holidays/README.md).
pub const SHIPPED_HOLIDAYS: &str = include_str!("../../../../datasets/holidays/cn_holidays.csv");

#[derive(sqlx::FromRow)]
struct Row {
    date: NaiveDate,
    kind: String,
    name: String,
    notice_year: i32,
}

fn to_holiday(r: Row) -> HolidayRow {
    let kind = if r.kind == "work" {
        DayKind::Work
    } else {
        DayKind::Off
    };
    HolidayRow {
        date: r.date,
        kind,
        name: r.name,
        year: r.notice_year,
    }
}

pub async fn rows(db: &Db) -> AppResult<Vec<HolidayRow>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, Row>("SELECT date, kind, name, notice_year FROM holidays ORDER BY date").fetch_all(pool).await?);
    Ok(rows.into_iter().map(to_holiday).collect())
}

/// The calendar as stored now.
pub async fn load(db: &Db) -> AppResult<HolidayCalendar> {
    HolidayCalendar::from_rows(rows(db).await?)
        .map_err(|e| anyhow::anyhow!("stored holiday calendar: {e}").into())
}

/// Inserts or replaces holiday rows; with an actor, the change is audited in the same
/// transaction (the shipped calendar is seeded without one).
async fn upsert(
    db: &Db,
    rows: &[HolidayRow],
    audit: Option<(DateTime<Utc>, &Actor)>,
) -> AppResult<()> {
    with_tx!(db, tx => {
        for r in rows {
            sqlx::query("INSERT INTO holidays (date, kind, name, notice_year) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name, notice_year = excluded.notice_year")
                .bind(r.date).bind(r.kind.as_str()).bind(&r.name).bind(r.year)
                .execute(&mut *tx).await?;
        }
        if let Some((now, actor)) = audit {
            tx.record(now, &Change {
                actor,
                action: "calendar.put_rows",
                object_kind: "holiday_calendar",
                object_id: rows.iter().map(|r| r.year).min().map(|y| y.to_string()).unwrap_or_default(),
                region_code: Some("330000".into()),
                before: None,
                after: Some(serde_json::to_value(rows).map_err(anyhow::Error::from)?),
            }).await?;
        }
    });
    Ok(())
}

/// Loads the shipped calendar into an empty table.
pub async fn seed_if_empty(db: &Db) -> AppResult<()> {
    let n = with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM holidays").fetch_one(pool).await?);
    if n == 0 {
        let cal = HolidayCalendar::from_csv_str(SHIPPED_HOLIDAYS)
            .map_err(|e| anyhow::anyhow!("shipped holidays: {e}"))?;
        upsert(db, &cal.rows().cloned().collect::<Vec<_>>(), None).await?;
    }
    Ok(())
}

/// Adds or replaces a year's rows (a new State Council notice), audited.
pub async fn put_rows(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    rows: &[HolidayRow],
) -> AppResult<()> {
    upsert(db, rows, Some((now, actor))).await
}
