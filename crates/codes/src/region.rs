//! 行政区划代码 — division codes: GB/T 2260 (province 省, city 市, county 县/区, 6 digits) and the
//! statistical table's extensions (township 乡镇/街道, 9 digits; village 村/社区, 12 digits).
//!
//! Structure: `PP CC XX TTT VVV`. A 6-digit code is a province when `CCXX = 0000`, a city when
//! `XX = 00`, otherwise a county-level unit. The structural parent drops the last level:
//! village → township (first 9) → county (first 6) → city (`PPCC00`) → province (`PP0000`).
//!
//! The structural parent is a **fallback**: for units administered directly by the province
//! (省直辖县级行政区划, e.g. `429004` 仙桃, or `330383` 龙港 entrusted to 温州) the division data
//! file's `parent_code` is authoritative. Towns under a city without counties (e.g. 东莞
//! `441900003`) structurally get the city as parent, which is also what the data says.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::CodeProblem;

/// The level of a division code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RegionLevel {
    /// 省 (province-level, incl. municipalities and autonomous regions), `PP0000`.
    Province,
    /// 市 (prefecture-level), `PPCC00`.
    City,
    /// 县（区）(county-level: district, county, county-level city), `PPCCXX`.
    County,
    /// 乡镇（街道）(township-level), 9 digits.
    Township,
    /// 村（社区）(village / community committee), 12 digits.
    Village,
}

impl RegionLevel {
    /// `省`, `市`, `县（区）`, `乡镇（街道）`, `村（社区）`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Province => "省",
            Self::City => "市",
            Self::County => "县（区）",
            Self::Township => "乡镇（街道）",
            Self::Village => "村（社区）",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Township => "township",
            Self::Village => "village/community",
        }
    }

    /// The level's name in the divisions dataset's `level` column.
    pub fn dataset_name(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Township => "township",
            Self::Village => "village",
        }
    }

    /// Inverse of [`RegionLevel::dataset_name`].
    pub fn from_dataset_name(s: &str) -> Option<Self> {
        [
            Self::Province,
            Self::City,
            Self::County,
            Self::Township,
            Self::Village,
        ]
        .into_iter()
        .find(|l| l.dataset_name() == s)
    }
}

/// Why a string is not a division code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionError {
    /// Length is not 6, 9 or 12.
    WrongLength { len: usize },
    /// A non-digit character at 1-based `position`.
    NotDigit { position: usize, found: char },
    /// A level's segment is all zeros where it must not be: province `00`, township `000`
    /// or village `000`. `position` is where the segment starts.
    ZeroSegment { position: usize, level: RegionLevel },
}

impl CodeProblem for RegionError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "region.wrong_length",
            Self::NotDigit { .. } => "region.not_digit",
            Self::ZeroSegment { .. } => "region.zero_segment",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            Self::WrongLength { len } => {
                format!("区划代码应为6位（省市县）、9位（乡镇街道）或12位（村社区），实际为{len}位")
            }
            Self::NotDigit { position, found } => {
                format!("区划代码第{position}位“{found}”不是数字")
            }
            Self::ZeroSegment { position, level } => format!(
                "区划代码从第{position}位起的{}代码不能全为0",
                level.name_zh()
            ),
        }
    }

    fn message_en(&self) -> String {
        match self {
            Self::WrongLength { len } => format!(
                "a division code has 6 (province/city/county), 9 (township) or 12 (village) digits, got {len}"
            ),
            Self::NotDigit { position, found } => {
                format!("division code: '{found}' at position {position} is not a digit")
            }
            Self::ZeroSegment { position, level } => format!(
                "division code: the {} segment starting at position {position} must not be all zeros",
                level.name_en()
            ),
        }
    }

    fn position(&self) -> Option<usize> {
        match self {
            Self::NotDigit { position, .. } | Self::ZeroSegment { position, .. } => Some(*position),
            Self::WrongLength { .. } => None,
        }
    }
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for RegionError {}

/// A structurally valid division code (6, 9 or 12 ASCII digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a division code; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<RegionCode, RegionError> {
        let s = input.trim();
        let len = s.chars().count();
        if !matches!(len, 6 | 9 | 12) {
            return Err(RegionError::WrongLength { len });
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(RegionError::NotDigit {
                position: i + 1,
                found: c,
            });
        }
        // All-zero segments would make the level ambiguous (330106000 is the county itself).
        if &s[..2] == "00" {
            return Err(RegionError::ZeroSegment {
                position: 1,
                level: RegionLevel::Province,
            });
        }
        if len >= 9 && &s[6..9] == "000" {
            return Err(RegionError::ZeroSegment {
                position: 7,
                level: RegionLevel::Township,
            });
        }
        if len == 12 && &s[9..12] == "000" {
            return Err(RegionError::ZeroSegment {
                position: 10,
                level: RegionLevel::Village,
            });
        }
        Ok(RegionCode(s.to_string()))
    }

    /// The code as digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level, from length and trailing zeros.
    pub fn level(&self) -> RegionLevel {
        match self.0.len() {
            12 => RegionLevel::Village,
            9 => RegionLevel::Township,
            _ if self.0.ends_with("0000") => RegionLevel::Province,
            _ if self.0.ends_with("00") => RegionLevel::City,
            _ => RegionLevel::County,
        }
    }

    /// The structural parent (see the module docs: a fallback when the data file's
    /// `parent_code` is not at hand). `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        let s = &self.0;
        let p = match self.level() {
            RegionLevel::Province => return None,
            RegionLevel::City => format!("{}0000", &s[..2]),
            // `PP00XX` (a county directly under the province) gets `PP0000` here too.
            RegionLevel::County => format!("{}00", &s[..4]),
            RegionLevel::Township => s[..6].to_string(),
            RegionLevel::Village => s[..9].to_string(),
        };
        Some(RegionCode(p))
    }

    /// The structural ancestors, nearest first (parent, grandparent, …, province).
    pub fn ancestors(&self) -> Vec<RegionCode> {
        std::iter::successors(self.parent(), RegionCode::parent).collect()
    }

    /// The digits that every code inside this one starts with: trailing zero levels dropped
    /// for 6-digit codes (`330000` → `33`, `330100` → `3301`, `330106` → `330106`).
    /// Useful for `LIKE 'prefix%'` queries.
    pub fn significant_prefix(&self) -> &str {
        match self.level() {
            RegionLevel::Province => &self.0[..2],
            RegionLevel::City => &self.0[..4],
            _ => &self.0,
        }
    }

    /// The 2-digit province prefix, e.g. `33` for Zhejiang.
    pub fn province_prefix(&self) -> &str {
        &self.0[..2]
    }

    /// The province-level code, e.g. `330000`.
    pub fn province(&self) -> RegionCode {
        RegionCode(format!("{}0000", &self.0[..2]))
    }

    /// The city-level code `PPCC00`, if this code is at or below a city (`None` for a province
    /// and for `PP00XX` units directly under the province).
    pub fn city(&self) -> Option<RegionCode> {
        let cc = &self.0[2..4];
        (cc != "00").then(|| RegionCode(format!("{}00", &self.0[..4])))
    }

    /// The county-level code (first 6 digits), if this code is at or below county level.
    pub fn county(&self) -> Option<RegionCode> {
        let head = RegionCode(self.0[..6].to_string());
        (head.level() == RegionLevel::County).then_some(head)
    }

    /// Whether `other` is inside this division or equal to it (structurally). Equivalent to
    /// `other == self || other.ancestors().contains(self)`:
    /// `330000` contains `330106001001`, `330100` contains `330106`, `330106` contains
    /// `330106001`; nothing contains a code of a higher level.
    pub fn contains(&self, other: &RegionCode) -> bool {
        // The significant prefix alone is exact: a code sharing it is at the same or a deeper
        // level (checked against the ancestor chain by `contains_matches_ancestor_chain`).
        other.0.starts_with(self.significant_prefix())
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RegionCode {
    type Err = RegionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl AsRef<str> for RegionCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
