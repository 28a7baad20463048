//! Regions (行政区划) and grids (网格): types and the rules for reading the division table.
//! Pure: no IO.

use serde::{Deserialize, Serialize};

/// Edition of the statistical division table shipped in `datasets/divisions`.
pub const DIVISIONS_EDITION: i32 = 2023;

/// A division: province, city, county, township/street or community/village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Region {
    pub code: String,
    pub name: String,
    /// `province`, `city`, `county`, `township` or `village`.
    pub level: String,
    pub parent_code: Option<String>,
    /// Village level only: `urban` (社区/居委会), `rural` (村委会) or `special`.
    pub kind: Option<String>,
    pub edition: i32,
}

/// Counts of what lies inside a region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegionCounts {
    pub townships: i64,
    /// Communities and villages (村/社区) of every kind.
    pub villages: i64,
    /// Urban communities (城市社区).
    pub urban: i64,
    /// Rural communities (农村社区 / 行政村).
    pub rural: i64,
    pub grids: i64,
}

/// A child region with the counts inside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildRegion {
    #[serde(flatten)]
    pub region: Region,
    pub counts: RegionCounts,
}

/// `GET /api/v1/regions/{code}`: the region, its parents (top first) and its children.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionView {
    #[serde(flatten)]
    pub region: Region,
    pub parents: Vec<Region>,
    pub children: Vec<ChildRegion>,
    pub counts: RegionCounts,
    pub grids: Vec<Grid>,
}

/// A grid (网格) under a community, created by officers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Grid {
    pub id: uuid::Uuid,
    pub region_code: String,
    pub name: String,
    pub households: i64,
}

/// A new grid as submitted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewGrid {
    pub name: String,
    #[serde(default)]
    pub households: Option<i64>,
}

/// Grid name limits: a name people can read on a wall chart.
pub const GRID_NAME_MAX_CHARS: usize = 40;
/// Typical grid size is 300–500 households (DOMAIN.md §11); the cap only catches typing errors.
pub const GRID_HOUSEHOLDS_MAX: i64 = 100_000;

/// Parses a grid submission: trimmed name of 1..=40 characters, households 0..=100 000.
pub fn validate_grid(g: &NewGrid) -> Result<(String, i64), crate::platform::AppError> {
    use crate::platform::AppError;
    let name = g.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "grid.name.empty",
            "请填写网格名称",
            "Enter the grid's name",
        ));
    }
    if name.chars().count() > GRID_NAME_MAX_CHARS {
        return Err(AppError::invalid(
            "name",
            "grid.name.too_long",
            format!("网格名称不能超过 {GRID_NAME_MAX_CHARS} 个字"),
            format!("The grid's name may have at most {GRID_NAME_MAX_CHARS} characters"),
        ));
    }
    let households = g.households.unwrap_or(0);
    if !(0..=GRID_HOUSEHOLDS_MAX).contains(&households) {
        return Err(AppError::invalid(
            "households",
            "grid.households.range",
            format!("户数应在 0 到 {GRID_HOUSEHOLDS_MAX} 之间"),
            format!("Households must be between 0 and {GRID_HOUSEHOLDS_MAX}"),
        ));
    }
    Ok((name.to_string(), households))
}

/// One line of the division table that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub column: &'static str,
    pub reason: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.reason
        )
    }
}

/// Reads the division table (`code,name,level,parent_code,kind`), checking every code, level
/// and parent; returns the rows ordered parents first, or every bad line.
pub fn parse_divisions(csv_text: &str) -> Result<Vec<Region>, Vec<BadLine>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                bad.push(BadLine {
                    line,
                    column: "*",
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let get = |n: usize| rec.get(n).unwrap_or("").trim().to_string();
        let (code, name, level, parent, kind) = (get(0), get(1), get(2), get(3), get(4));
        let parsed = match codes::RegionCode::parse(&code) {
            Ok(c) => c,
            Err(e) => {
                bad.push(BadLine {
                    line,
                    column: "code",
                    reason: codes::CodeProblem::message_en(&e),
                });
                continue;
            }
        };
        if level_key(parsed.level()) != level {
            bad.push(BadLine {
                line,
                column: "level",
                reason: format!(
                    "code {code} is a {} code, not {level}",
                    level_key(parsed.level())
                ),
            });
            continue;
        }
        if name.is_empty() {
            bad.push(BadLine {
                line,
                column: "name",
                reason: "empty name".into(),
            });
            continue;
        }
        let kind = match (level.as_str(), kind.as_str()) {
            ("village", "urban" | "rural" | "special") => Some(kind),
            ("village", other) => {
                bad.push(BadLine {
                    line,
                    column: "kind",
                    reason: format!("village kind must be urban, rural or special, not {other:?}"),
                });
                continue;
            }
            (_, "") => None,
            (_, other) => {
                bad.push(BadLine {
                    line,
                    column: "kind",
                    reason: format!("only villages have a kind, found {other:?}"),
                });
                continue;
            }
        };
        rows.push(Region {
            code,
            name,
            level,
            parent_code: (!parent.is_empty()).then_some(parent),
            kind,
            edition: DIVISIONS_EDITION,
        });
    }
    // Every parent must exist in the file (or be the province's none).
    let known: std::collections::HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    for (i, r) in rows.iter().enumerate() {
        if let Some(p) = &r.parent_code {
            if !known.contains(p.as_str()) {
                bad.push(BadLine {
                    line: i + 2,
                    column: "parent_code",
                    reason: format!("parent {p} is not in the file"),
                });
            }
        } else if r.level != "province" {
            bad.push(BadLine {
                line: i + 2,
                column: "parent_code",
                reason: "only the province has no parent".into(),
            });
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    rows.sort_by_key(|r| (level_rank(&r.level), r.code.clone()));
    Ok(rows)
}

pub fn level_key(l: codes::RegionLevel) -> &'static str {
    match l {
        codes::RegionLevel::Province => "province",
        codes::RegionLevel::City => "city",
        codes::RegionLevel::County => "county",
        codes::RegionLevel::Township => "township",
        codes::RegionLevel::Village => "village",
    }
}

fn level_rank(level: &str) -> u8 {
    match level {
        "province" => 0,
        "city" => 1,
        "county" => 2,
        "township" => 3,
        _ => 4,
    }
}

/// Keeps the rows inside any of `prefixes` (and their parents), for small test databases.
pub fn subset(rows: Vec<Region>, codes_inside: &[&str]) -> Vec<Region> {
    let parents: Vec<codes::RegionCode> = codes_inside
        .iter()
        .filter_map(|c| codes::RegionCode::parse(c).ok())
        .collect();
    rows.into_iter()
        .filter(|r| {
            let Ok(code) = codes::RegionCode::parse(&r.code) else {
                return false;
            };
            parents
                .iter()
                .any(|p| p.contains(&code) || code.contains(p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../../datasets/divisions/zhejiang_divisions.csv");

    #[test]
    fn the_shipped_table_reads_whole_with_the_documented_counts() {
        let rows = parse_divisions(SHIPPED).expect("shipped table is valid");
        let count = |level: &str| rows.iter().filter(|r| r.level == level).count();
        assert_eq!(rows.len(), 27_036);
        assert_eq!(
            (
                count("province"),
                count("city"),
                count("county"),
                count("township"),
                count("village")
            ),
            (1, 11, 90, 1_387, 25_547)
        );
        let kind = |k: &str| rows.iter().filter(|r| r.kind.as_deref() == Some(k)).count();
        assert_eq!(
            (kind("urban"), kind("rural"), kind("special")),
            (5_784, 19_707, 56)
        );
        // Parents come before children, so inserting in order satisfies the foreign key.
        let pos: std::collections::HashMap<&str, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i))
            .collect();
        assert!(rows.iter().all(|r| {
            r.parent_code
                .as_ref()
                .is_none_or(|p| pos[p.as_str()] < pos[r.code.as_str()])
        }));
    }

    #[test]
    fn bad_lines_are_named() {
        let text = "code,name,level,parent_code,kind\n330000,浙江省,province,,\n3301X0,杭州市,city,330000,\n330100,杭州市,county,330000,\n330106001001,某社区,village,330106001,suburban\n";
        let bad = parse_divisions(text).unwrap_err();
        assert_eq!(
            bad.iter().map(|b| (b.line, b.column)).collect::<Vec<_>>(),
            vec![(3, "code"), (4, "level"), (5, "kind")]
        );
    }

    #[test]
    fn a_missing_parent_is_refused() {
        let text = "code,name,level,parent_code,kind\n330000,浙江省,province,,\n330106,西湖区,county,330100,\n";
        let bad = parse_divisions(text).unwrap_err();
        assert_eq!(bad[0].column, "parent_code");
    }

    #[test]
    fn grid_rules_hold_at_their_bounds() {
        let g = |name: &str, h: Option<i64>| {
            validate_grid(&NewGrid {
                name: name.into(),
                households: h,
            })
        };
        assert!(g(&"网".repeat(GRID_NAME_MAX_CHARS), Some(GRID_HOUSEHOLDS_MAX)).is_ok());
        assert!(g(&"网".repeat(GRID_NAME_MAX_CHARS + 1), None).is_err());
        assert!(g("  ", None).is_err());
        assert!(g("第一网格", Some(-1)).is_err());
        assert!(g("第一网格", Some(GRID_HOUSEHOLDS_MAX + 1)).is_err());
        assert_eq!(g("  第一网格 ", None).unwrap(), ("第一网格".to_string(), 0));
    }
}
