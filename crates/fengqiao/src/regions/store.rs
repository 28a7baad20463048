//! SQL for regions and grids.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{ChildRegion, Grid, Region, RegionCounts};
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppResult, auth::Actor, region_prefix};
use crate::{with_db, with_tx};

/// Rows per multi-row INSERT: well under both backends' bind-parameter limits.
const BATCH: usize = 400;

/// Inserts or updates the division table (parents first), in one transaction.
pub async fn upsert_regions(
    db: &Db,
    rows: &[Region],
    mut progress: impl FnMut(usize),
) -> AppResult<()> {
    with_tx!(db, tx => {
        for chunk in rows.chunks(BATCH) {
            let mut sql = String::from("INSERT INTO regions (code, name, level, parent_code, kind, edition) VALUES ");
            for i in 0..chunk.len() {
                let b = i * 6;
                if i > 0 { sql.push(','); }
                sql.push_str(&format!("(${}, ${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6));
            }
            sql.push_str(" ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code, kind = excluded.kind, edition = excluded.edition");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q.bind(&r.code).bind(&r.name).bind(&r.level).bind(&r.parent_code).bind(&r.kind).bind(r.edition);
            }
            q.execute(&mut *tx).await?;
            progress(chunk.len());
        }
    });
    Ok(())
}

pub async fn count_regions(db: &Db) -> AppResult<i64> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM regions").fetch_one(pool).await?),
    )
}

pub async fn get(db: &Db, code: &str) -> AppResult<Option<Region>> {
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Region>("SELECT code, name, level, parent_code, kind, edition FROM regions WHERE code = $1")
        .bind(code).fetch_optional(pool).await?),
    )
}

pub async fn children(db: &Db, code: &str) -> AppResult<Vec<Region>> {
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Region>("SELECT code, name, level, parent_code, kind, edition FROM regions WHERE parent_code = $1 ORDER BY code")
        .bind(code).fetch_all(pool).await?),
    )
}

/// Parents of a region, from the province down (following the stored parent links, which are
/// authoritative where the structure of the code is not, e.g. 龙港市).
pub async fn parents(db: &Db, region: &Region) -> AppResult<Vec<Region>> {
    let mut out = Vec::new();
    let mut next = region.parent_code.clone();
    while let Some(code) = next {
        let Some(p) = get(db, &code).await? else {
            break;
        };
        next = p.parent_code.clone();
        out.push(p);
    }
    out.reverse();
    Ok(out)
}

/// Counts inside `code`, and per child region (grouped by the child's code prefix).
pub async fn counts(db: &Db, region: &codes::RegionCode) -> AppResult<RegionCounts> {
    let prefix = region_prefix(region);
    #[derive(sqlx::FromRow)]
    struct Row {
        townships: i64,
        villages: i64,
        urban: i64,
        rural: i64,
    }
    let r = with_db!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT \
           COALESCE(SUM(CASE WHEN level = 'township' THEN 1 ELSE 0 END), 0) AS townships, \
           COALESCE(SUM(CASE WHEN level = 'village' THEN 1 ELSE 0 END), 0) AS villages, \
           COALESCE(SUM(CASE WHEN kind = 'urban' THEN 1 ELSE 0 END), 0) AS urban, \
           COALESCE(SUM(CASE WHEN kind = 'rural' THEN 1 ELSE 0 END), 0) AS rural \
         FROM regions WHERE code LIKE $1 AND code <> $2",
    ).bind(&prefix).bind(region.to_string()).fetch_one(pool).await?);
    let grids = with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM grids WHERE region_code LIKE $1")
        .bind(&prefix).fetch_one(pool).await?);
    Ok(RegionCounts {
        townships: r.townships,
        villages: r.villages,
        urban: r.urban,
        rural: r.rural,
        grids,
    })
}

/// The children of a region with their counts, in two grouped queries rather than one per child.
pub async fn children_with_counts(db: &Db, parent: &Region) -> AppResult<Vec<ChildRegion>> {
    let kids = children(db, &parent.code).await?;
    let Some(first) = kids.first() else {
        return Ok(Vec::new());
    };
    let child =
        codes::RegionCode::parse(&first.code).map_err(|e| anyhow::anyhow!("stored code: {e:?}"))?;
    let prefix = region_prefix(
        &codes::RegionCode::parse(&parent.code)
            .map_err(|e| anyhow::anyhow!("stored code: {e:?}"))?,
    );
    let len = region_prefix(&child).len() as i32 - 1;
    #[derive(sqlx::FromRow)]
    struct Row {
        k: String,
        townships: i64,
        villages: i64,
        urban: i64,
        rural: i64,
    }
    let rows = with_db!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT SUBSTR(code, 1, $2) AS k, \
           SUM(CASE WHEN level = 'township' THEN 1 ELSE 0 END) AS townships, \
           SUM(CASE WHEN level = 'village' THEN 1 ELSE 0 END) AS villages, \
           SUM(CASE WHEN kind = 'urban' THEN 1 ELSE 0 END) AS urban, \
           SUM(CASE WHEN kind = 'rural' THEN 1 ELSE 0 END) AS rural \
         FROM regions WHERE code LIKE $1 AND level IN ('township', 'village') GROUP BY 1",
    ).bind(&prefix).bind(len).fetch_all(pool).await?);
    #[derive(sqlx::FromRow)]
    struct GridRow {
        k: String,
        n: i64,
    }
    let grids = with_db!(db, pool => sqlx::query_as::<_, GridRow>(
        "SELECT SUBSTR(region_code, 1, $2) AS k, COUNT(*) AS n FROM grids WHERE region_code LIKE $1 GROUP BY 1",
    ).bind(&prefix).bind(len).fetch_all(pool).await?);
    Ok(kids
        .into_iter()
        .map(|region| {
            let key = &region.code[..(len as usize).min(region.code.len())];
            let mut counts = rows
                .iter()
                .find(|r| r.k == key)
                .map(|r| RegionCounts {
                    townships: r.townships,
                    villages: r.villages,
                    urban: r.urban,
                    rural: r.rural,
                    grids: 0,
                })
                .unwrap_or_default();
            // A child's own row is counted in its group; count only what lies below it.
            match region.level.as_str() {
                "township" => counts.townships -= 1,
                "village" => counts = RegionCounts::default(),
                _ => {}
            }
            counts.grids = grids.iter().find(|g| g.k == key).map_or(0, |g| g.n);
            ChildRegion { region, counts }
        })
        .collect())
}

pub async fn grids_in(db: &Db, region_code: &str) -> AppResult<Vec<Grid>> {
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Grid>("SELECT id, region_code, name, households FROM grids WHERE region_code = $1 ORDER BY name")
        .bind(region_code).fetch_all(pool).await?),
    )
}

pub async fn grid(db: &Db, id: Uuid) -> AppResult<Option<Grid>> {
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, Grid>("SELECT id, region_code, name, households FROM grids WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

/// The region of a grid, for the access check.
pub async fn grid_region(db: &Db, id: Uuid) -> AppResult<Option<String>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT region_code FROM grids WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Creates a grid under a community, with its audit row and event.
pub async fn create_grid(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    region_code: &str,
    name: &str,
    households: i64,
) -> AppResult<Grid> {
    let grid = Grid {
        id: Uuid::now_v7(),
        region_code: region_code.to_string(),
        name: name.to_string(),
        households,
    };
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO grids (id, region_code, name, households, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(grid.id).bind(&grid.region_code).bind(&grid.name).bind(grid.households).bind(now)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "grid.create",
            object_kind: "grid",
            object_id: grid.id.to_string(),
            region_code: Some(grid.region_code.clone()),
            before: None,
            after: Some(serde_json::to_value(&grid).map_err(anyhow::Error::from)?),
        }).await?;
    });
    Ok(grid)
}

/// Renames a grid or changes its household count, with before and after in the audit log.
pub async fn update_grid(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    id: Uuid,
    name: &str,
    households: i64,
) -> AppResult<Grid> {
    let updated = with_tx!(db, tx => {
        let before = sqlx::query_as::<_, Grid>("SELECT id, region_code, name, households FROM grids WHERE id = $1")
            .bind(id).fetch_one(&mut *tx).await?;
        let after = Grid { name: name.to_string(), households, ..before.clone() };
        sqlx::query("UPDATE grids SET name = $1, households = $2 WHERE id = $3")
            .bind(&after.name).bind(after.households).bind(id)
            .execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor,
            action: "grid.update",
            object_kind: "grid",
            object_id: id.to_string(),
            region_code: Some(after.region_code.clone()),
            before: Some(serde_json::to_value(&before).map_err(anyhow::Error::from)?),
            after: Some(serde_json::to_value(&after).map_err(anyhow::Error::from)?),
        }).await?;
        after
    });
    Ok(updated)
}

pub async fn count_grids(db: &Db) -> AppResult<i64> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM grids").fetch_one(pool).await?),
    )
}

/// Codes of one level (`county`, `township`, …) inside a prefix, in code order.
pub async fn codes_at_level(db: &Db, level: &str, prefix: &str) -> AppResult<Vec<String>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT code FROM regions WHERE level = $1 AND code LIKE $2 ORDER BY code")
        .bind(level).bind(prefix).fetch_all(pool).await?),
    )
}

/// Village-level codes inside a prefix (for the demo loader).
pub async fn village_codes(db: &Db, prefix: &str, limit: i64) -> AppResult<Vec<String>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT code FROM regions WHERE level = 'village' AND code LIKE $1 ORDER BY code LIMIT $2")
        .bind(prefix).bind(limit).fetch_all(pool).await?),
    )
}

/// Bulk insert of demo grids, skipping any that exist (same community and name).
/// The demo loader is a bootstrap path, not an officer's action, so it writes no audit rows.
pub async fn insert_grids_if_absent(
    db: &Db,
    now: DateTime<Utc>,
    grids: &[(String, String, i64)],
) -> AppResult<()> {
    with_tx!(db, tx => {
        for chunk in grids.chunks(BATCH) {
            let mut sql = String::from("INSERT INTO grids (id, region_code, name, households, created_at) VALUES ");
            for i in 0..chunk.len() {
                let b = i * 5;
                if i > 0 { sql.push(','); }
                sql.push_str(&format!("(${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5));
            }
            sql.push_str(" ON CONFLICT (region_code, name) DO NOTHING");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (region, name, households) in chunk {
                q = q.bind(Uuid::now_v7()).bind(region).bind(name).bind(*households).bind(now);
            }
            q.execute(&mut *tx).await?;
        }
    });
    Ok(())
}
