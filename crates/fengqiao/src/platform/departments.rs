//! Departments (部门): the bodies an account acts for, kept as data per region — the
//! civil-affairs registration office (登记管理机关), a named 业务主管单位, the 党建工作机构,
//! 公安, 市场监管, 财政, 司法… A role grant may name the department its holder acts for; an
//! object a module addresses to a department (the registry's supervisory review step, addressed
//! to the 业务主管单位 the application names) is decided only by the accounts acting for it
//! ([`authorize`], the one department rule).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::auth::{Actor, Role};
use super::db::Db;
use super::error::AppError;
use super::{AppResult, region_prefix};
use crate::{with_db, with_tx};

/// What a department is (部门类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// 民政部门（登记管理机关）
    CivilAffairs,
    /// 业务主管单位
    Supervisory,
    /// 党建工作机构
    PartyBuilding,
    /// 公安
    PublicSecurity,
    /// 市场监管
    MarketRegulation,
    /// 财政
    Finance,
    /// 司法行政
    Justice,
    /// 税务
    Taxation,
    /// 其他
    Other,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 9] = [
        DepartmentKind::CivilAffairs,
        DepartmentKind::Supervisory,
        DepartmentKind::PartyBuilding,
        DepartmentKind::PublicSecurity,
        DepartmentKind::MarketRegulation,
        DepartmentKind::Finance,
        DepartmentKind::Justice,
        DepartmentKind::Taxation,
        DepartmentKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DepartmentKind::CivilAffairs => "civil_affairs",
            DepartmentKind::Supervisory => "supervisory",
            DepartmentKind::PartyBuilding => "party_building",
            DepartmentKind::PublicSecurity => "public_security",
            DepartmentKind::MarketRegulation => "market_regulation",
            DepartmentKind::Finance => "finance",
            DepartmentKind::Justice => "justice",
            DepartmentKind::Taxation => "taxation",
            DepartmentKind::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<DepartmentKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A department's id: `{region code}.{slug}` (`330106.kejiju`), the slug 1–32 lowercase ASCII
/// letters, digits or `_`. The region prefix keeps two regions' 教育局 apart and tells at a
/// glance where a department sits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DepartmentId(String);

impl DepartmentId {
    pub fn parse(s: &str) -> Result<DepartmentId, AppError> {
        let bad = || {
            AppError::invalid(
                "id",
                "department.id",
                "部门编号应为“区划代码.英文简称”，如 330106.kejiju",
                "A department id is '{region code}.{slug}', e.g. 330106.kejiju",
            )
        };
        let (region, slug) = s.trim().split_once('.').ok_or_else(bad)?;
        codes::RegionCode::parse(region).map_err(|_| bad())?;
        let slug_ok = (1..=32).contains(&slug.len())
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !slug_ok {
            return Err(bad());
        }
        Ok(DepartmentId(format!("{region}.{slug}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The region the department sits in (its id's prefix).
    pub fn region(&self) -> &str {
        self.0.split_once('.').map(|(r, _)| r).unwrap_or("")
    }
}

/// A stored department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Department {
    pub id: String,
    pub region_code: String,
    /// Its kind's key (`supervisory`, `party_building`…).
    pub kind: String,
    pub name: String,
}

/// The roles whose holders act for a department rather than for civil affairs: a grant of one
/// of them names the department, and [`authorize`] holds them to it.
pub const DEPARTMENTAL: &[Role] = &[Role::DeptReviewer];

/// The one department rule: an object addressed to a department (`addressee`) is acted on by
/// an account of a [`DEPARTMENTAL`] role only when its grant names that department — the
/// reviewer of 西湖区科学技术局 does not decide what is addressed to 西湖区教育局. Objects
/// addressed to nobody, and roles that act for civil affairs, are left to the route's
/// [`Access`](super::auth::Access) and region rule.
pub fn authorize(actor: &Actor, addressee: Option<&str>) -> Result<(), AppError> {
    let (Some(addressee), Some(u)) = (addressee, actor.user()) else {
        return Ok(());
    };
    if DEPARTMENTAL.contains(&u.role) && u.department.as_deref() != Some(addressee) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

pub async fn get(db: &Db, id: &str) -> AppResult<Option<Department>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Department>(
        "SELECT id, region_code, kind, name FROM departments WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

/// The departments of a region and of every region above it (a county's applicant may name
/// the city's 业务主管单位), optionally of one kind, nearest region first, then by name.
pub async fn serving(
    db: &Db,
    region: &codes::RegionCode,
    kind: Option<DepartmentKind>,
) -> AppResult<Vec<Department>> {
    let mut regions = vec![region.to_string()];
    let mut r = region.clone();
    while let Some(p) = r.parent() {
        regions.push(p.to_string());
        r = p;
    }
    // A region has at most five levels (province to village): the list is padded to five.
    let at = |i: usize| regions.get(i).unwrap_or(&regions[0]).clone();
    let all: Vec<Department> = with_db!(db, pool => sqlx::query_as::<_, Department>(
        "SELECT id, region_code, kind, name FROM departments \
         WHERE kind = COALESCE($1, kind) AND region_code IN ($2, $3, $4, $5, $6) ORDER BY name")
        .bind(kind.map(DepartmentKind::key))
        .bind(at(0)).bind(at(1)).bind(at(2)).bind(at(3)).bind(at(4))
        .fetch_all(pool).await?);
    let mut out: Vec<Department> = Vec::new();
    for code in &regions {
        out.extend(all.iter().filter(|d| &d.region_code == code).cloned());
    }
    Ok(out)
}

/// The departments inside a region (for officers managing them), by region then name.
pub async fn inside(db: &Db, region: &codes::RegionCode) -> AppResult<Vec<Department>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, Department>(
        "SELECT id, region_code, kind, name FROM departments WHERE region_code LIKE $1 ORDER BY region_code, name")
        .bind(region_prefix(region)).fetch_all(pool).await?))
}

/// The department of `kind` serving `region` that `named` names: its id, or its exact name
/// (nearest region first). `None` when no such department is kept.
pub async fn resolve(
    db: &Db,
    region: &codes::RegionCode,
    kind: DepartmentKind,
    named: &str,
) -> AppResult<Option<Department>> {
    let named = named.trim();
    Ok(serving(db, region, Some(kind))
        .await?
        .into_iter()
        .find(|d| d.id == named || d.name == named))
}

/// Adds a department (audited by the caller's journal); 409 `department.exists` when its id or
/// its name in the region is taken.
pub async fn insert(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    id: &DepartmentId,
    kind: DepartmentKind,
    name: &str,
) -> AppResult<Department> {
    use super::journal::{Change, Journal};
    let d = Department {
        id: id.as_str().into(),
        region_code: id.region().into(),
        kind: kind.key().into(),
        name: name.into(),
    };
    let taken = || AppError::Conflict {
        code: "department.exists".into(),
        field: Some("id".into()),
        message: super::error::Bilingual::new(
            "该部门编号或名称在本区划已存在",
            "A department with this id or name exists in the region",
        ),
    };
    with_tx!(db, tx => {
        let r = sqlx::query("INSERT INTO departments (id, region_code, kind, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&d.id).bind(&d.region_code).bind(&d.kind).bind(&d.name).bind(now)
            .execute(&mut *tx).await;
        if let Err(e) = r {
            return Err(match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => taken(),
                _ => e.into(),
            });
        }
        tx.record(now, &Change {
            actor,
            action: "department.create",
            object_kind: "department",
            object_id: d.id.clone(),
            region_code: Some(d.region_code.clone()),
            before: None,
            after: Some(serde_json::json!({"kind": d.kind, "name": d.name})),
        }).await?;
    });
    Ok(d)
}

/// Adds a department unless one with its id exists (reference and demo data).
pub async fn ensure(
    db: &Db,
    now: DateTime<Utc>,
    id: &str,
    kind: DepartmentKind,
    name: &str,
) -> AppResult<()> {
    let id = DepartmentId::parse(id)?;
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO departments (id, region_code, kind, name, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
            .bind(id.as_str()).bind(id.region()).bind(kind.key()).bind(name).bind(now)
            .execute(&mut *tx).await?;
    });
    Ok(())
}

/// Names the department a grant's holder acts for (`None` clears it).
pub async fn assign(db: &Db, grant_id: uuid::Uuid, department: Option<&str>) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("UPDATE role_grants SET department_id = $1 WHERE id = $2")
            .bind(department).bind(grant_id).execute(&mut *tx).await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_a_region_code_and_a_slug() {
        let id = DepartmentId::parse("330106.kejiju").unwrap();
        assert_eq!(id.region(), "330106");
        assert!(DepartmentId::parse("330106.a").is_ok());
        assert!(DepartmentId::parse(&format!("330106.{}", "a".repeat(32))).is_ok());
        for bad in [
            "330106",
            "330106.",
            "330106.KeJi",
            "330106.科技局",
            "33010.kejiju",
            &format!("330106.{}", "a".repeat(33)),
        ] {
            assert!(DepartmentId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::from_key(k.key()), Some(k));
        }
        assert_eq!(DepartmentKind::from_key("army"), None);
    }
}
