//! SQL of `rule_parameters`: the whole table read at once (it is small), and a new row added
//! with its audit row in one transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Param, RuleTable, Unit};
use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::{with_db, with_tx};

#[derive(sqlx::FromRow)]
struct Row {
    key: String,
    effective_from: NaiveDate,
    value: i64,
    unit: String,
    source: String,
    note: String,
    created_at: Option<DateTime<Utc>>,
}

/// Every row; a row in a unit the code does not know is an error naming it (the table is read
/// whole, so a bad row shows at the first read, not when its rule is applied).
pub async fn rows(db: &Db) -> AppResult<Vec<Param>> {
    let rows = with_db!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT key, effective_from, value, unit, source, note, created_at FROM rule_parameters ORDER BY key, effective_from")
        .fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            let unit = Unit::from_key(&r.unit).ok_or_else(|| {
                anyhow::anyhow!(
                    "rule parameter `{}` from {}: unknown unit `{}`",
                    r.key,
                    r.effective_from,
                    r.unit
                )
            })?;
            Ok(Param {
                key: r.key,
                value: r.value,
                unit,
                effective_from: r.effective_from,
                source: r.source,
                note: r.note,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// The table as stored now (no cache: [`super::RuleParams`] keeps one).
pub async fn load(db: &Db) -> AppResult<RuleTable> {
    Ok(RuleTable::from_rows(rows(db).await?))
}

/// Whether `key` already has a row from `from`.
pub async fn exists(db: &Db, key: &str, from: NaiveDate) -> AppResult<bool> {
    let n = with_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM rule_parameters WHERE key = $1 AND effective_from = $2")
        .bind(key).bind(from).fetch_one(pool).await?);
    Ok(n > 0)
}

/// Adds a row, audited (`rule_parameter.add`, province-wide).
pub async fn insert(db: &Db, now: DateTime<Utc>, actor: &Actor, p: &Param) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO rule_parameters (key, effective_from, value, unit, source, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&p.key).bind(p.effective_from).bind(p.value).bind(p.unit.key())
            .bind(&p.source).bind(&p.note).bind(p.created_at)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "rule_parameter.add",
            object_kind: "rule_parameter",
            object_id: format!("{}@{}", p.key, p.effective_from),
            region_code: Some("330000".into()),
            before: None,
            after: Some(serde_json::to_value(p).map_err(anyhow::Error::from)?),
        }).await?;
    });
    Ok(())
}
