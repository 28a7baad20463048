//! 居民身份证号码 — resident identity number, GB 11643-1999.
//!
//! 18 characters: 1–6 address code (GB/T 2260 county of household registration), 7–14 birth
//! date `YYYYMMDD`, 15–17 sequence (顺序码; 17 odd = male, even = female), 18 check character
//! (ISO 7064 MOD 11-2: `"10X98765432"[Σ dᵢ·wᵢ mod 11]`).
//!
//! Legacy 15-digit numbers (一代证) have a 2-digit year and no check character; they are
//! upgraded on parse by inserting `19` before the year and appending the computed check.
//!
//! This is personal data: [`fmt::Debug`] prints the masked form so numbers do not leak into
//! logs; [`fmt::Display`] and serde give the full number for storage (encrypted) and hashing.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{CodeProblem, normalize_code_input};

/// GB 11643 weights `2^(18−i) mod 11`, i = 1..=17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for `r = Σ dᵢ·wᵢ mod 11`, indexed by r.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Earliest birth year accepted. The standard only asks for a real date; years before 1800
/// cannot belong to a living person and are almost certainly typos (e.g. `0000`).
pub const MIN_BIRTH_YEAR: i32 = 1800;

/// Check character over the first 17 digits. `None` if the input is not 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK[(sum % 11) as usize])
}

/// A valid 18-character 居民身份证号码 (upper-case `X`), with a real birth date.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// 性别, from digit 17 (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl Sex {
    /// `男` / `女`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    /// `male` / `female`.
    pub fn name_en(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Why a string is not a valid identity number. Positions are 1-based in the normalized input
/// (so for a 15-digit number they refer to the 15-digit form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdNumberError {
    /// Neither 18 nor (legacy) 15 characters.
    WrongLength { len: usize },
    /// A non-digit where a digit is required (or, at position 18, neither digit nor `X`).
    InvalidChar { position: usize, found: char },
    /// The birth-date digits (starting at `position`) are not a real calendar date.
    InvalidBirthDate { position: usize, found: String },
    /// Position 18 does not match the first 17 digits.
    CheckDigit {
        position: usize,
        found: char,
        expected: char,
    },
    /// A part given to [`IdNumber::from_parts`] is invalid (`region` or `sequence`).
    InvalidPart { part: &'static str, found: String },
}

impl CodeProblem for IdNumberError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "id_number.wrong_length",
            Self::InvalidChar { .. } => "id_number.invalid_char",
            Self::InvalidBirthDate { .. } => "id_number.invalid_birth_date",
            Self::CheckDigit { .. } => "id_number.check_digit",
            Self::InvalidPart { .. } => "id_number.invalid_part",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            Self::WrongLength { len } => {
                format!("身份证号码应为18位（或旧版15位），实际为{len}位")
            }
            Self::InvalidChar {
                position: 18,
                found,
            } => format!("第18位“{found}”无效：校验码应为数字或X"),
            Self::InvalidChar { position, found } => {
                format!("第{position}位“{found}”无效：应为数字")
            }
            Self::InvalidBirthDate { position, found } => {
                format!("从第{position}位起的出生日期“{found}”不是有效日期")
            }
            Self::CheckDigit {
                position,
                found,
                expected,
            } => format!(
                "第{position}位校验码错误：按前17位应为“{expected}”，实际为“{found}”（请核对号码是否输错）"
            ),
            Self::InvalidPart { part, found } => match *part {
                "region" => format!("地址码“{found}”应为6位数字"),
                "sequence" => format!("顺序码{found}应在0–999之间"),
                _ => format!("号码片段“{found}”无效"),
            },
        }
    }

    fn message_en(&self) -> String {
        match self {
            Self::WrongLength { len } => format!(
                "an identity number has 18 characters (or 15 for the legacy format), got {len}"
            ),
            Self::InvalidChar {
                position: 18,
                found,
            } => format!("position 18: '{found}' is invalid, the check character is a digit or X"),
            Self::InvalidChar { position, found } => {
                format!("position {position}: '{found}' is invalid, a digit is required")
            }
            Self::InvalidBirthDate { position, found } => format!(
                "the birth date '{found}' starting at position {position} is not a real date"
            ),
            Self::CheckDigit {
                position,
                found,
                expected,
            } => format!(
                "position {position}: check character is '{found}', but the first 17 digits require '{expected}' (check for a typo)"
            ),
            Self::InvalidPart { part, found } => match *part {
                "region" => format!("address code '{found}' must be 6 digits"),
                "sequence" => format!("sequence {found} must be between 0 and 999"),
                _ => format!("invalid part '{found}'"),
            },
        }
    }

    fn position(&self) -> Option<usize> {
        match self {
            Self::InvalidChar { position, .. }
            | Self::InvalidBirthDate { position, .. }
            | Self::CheckDigit { position, .. } => Some(*position),
            Self::WrongLength { .. } | Self::InvalidPart { .. } => None,
        }
    }
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for IdNumberError {}

/// Parses `YYYYMMDD` into a real date not before [`MIN_BIRTH_YEAR`].
fn birth_date_of(yyyymmdd: &str) -> Option<NaiveDate> {
    let y: i32 = yyyymmdd.get(0..4)?.parse().ok()?;
    let m: u32 = yyyymmdd.get(4..6)?.parse().ok()?;
    let d: u32 = yyyymmdd.get(6..8)?.parse().ok()?;
    if y < MIN_BIRTH_YEAR {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

impl IdNumber {
    /// Parses an 18-character number (lower-case `x` accepted) or a legacy 15-digit number
    /// (upgraded to 18). Whitespace is removed and full-width digits are folded first.
    ///
    /// Checks, in order: length; digits (positions 1–17, or 1–15); position 18 digit or `X`;
    /// birth date is a real date; check character.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        let chars = normalize_code_input(input);
        let len = chars.len();
        if len != 18 && len != 15 {
            return Err(IdNumberError::WrongLength { len });
        }
        let digits = if len == 18 { 17 } else { 15 };
        for (i, &c) in chars.iter().enumerate().take(digits) {
            if !c.is_ascii_digit() {
                return Err(IdNumberError::InvalidChar {
                    position: i + 1,
                    found: c,
                });
            }
        }
        if len == 18 && !(chars[17].is_ascii_digit() || chars[17] == 'X') {
            return Err(IdNumberError::InvalidChar {
                position: 18,
                found: chars[17],
            });
        }
        let s: String = chars.iter().collect();
        // Legacy numbers were all issued to people born in the 1900s, hence "19".
        let first17 = if len == 18 {
            s[..17].to_string()
        } else {
            format!("{}19{}", &s[..6], &s[6..])
        };
        if birth_date_of(&first17[6..14]).is_none() {
            let found = if len == 18 { &s[6..14] } else { &s[6..12] };
            return Err(IdNumberError::InvalidBirthDate {
                position: 7,
                found: found.to_string(),
            });
        }
        let expected = check_char(&first17).unwrap_or('?');
        if len == 18 && chars[17] != expected {
            return Err(IdNumberError::CheckDigit {
                position: 18,
                found: chars[17],
                expected,
            });
        }
        Ok(IdNumber(format!("{first17}{expected}")))
    }

    /// Builds a number from its parts and computes the check character (for synthetic test
    /// data; use an unassigned region such as `330199` so no real person is hit).
    pub fn from_parts(
        region6: &str,
        birth: NaiveDate,
        sequence: u16,
    ) -> Result<IdNumber, IdNumberError> {
        if region6.len() != 6 || !region6.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdNumberError::InvalidPart {
                part: "region",
                found: region6.to_string(),
            });
        }
        if sequence > 999 {
            return Err(IdNumberError::InvalidPart {
                part: "sequence",
                found: sequence.to_string(),
            });
        }
        let date = birth.format("%Y%m%d").to_string();
        if date.len() != 8 || birth.year() < MIN_BIRTH_YEAR {
            return Err(IdNumberError::InvalidBirthDate {
                position: 7,
                found: date,
            });
        }
        let first17 = format!("{region6}{date}{sequence:03}");
        let check = check_char(&first17).unwrap_or('?');
        Ok(IdNumber(format!("{first17}{check}")))
    }

    /// The full 18-character number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 1–6: address code (GB/T 2260 county of household registration at issue).
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// Positions 7–14: the birth date.
    pub fn birth_date(&self) -> NaiveDate {
        // Validated at construction.
        birth_date_of(&self.0[6..14]).unwrap_or_default()
    }

    /// Digit 17: odd = male, even = female.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in full years (周岁) on `date`, by legal counting: the new year of age is reached
    /// **on** the birthday. Someone born on 29 February reaches it on 28 February in common
    /// years (民法典 Art. 202: no corresponding day → last day of that month). Returns 0 if
    /// `date` is before the birth date.
    ///
    /// Note: criminal-law age (最高法 2006 未成年人刑事案件解释 Art. 2) counts from the day
    /// *after* the birthday; use `age_on(date - 1 day)` for that.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let birth = self.birth_date();
        if date < birth {
            return 0;
        }
        let years = date.year() - birth.year();
        // Birthday in `date`'s year; Feb 29 falls back to Feb 28 in common years.
        let birthday = NaiveDate::from_ymd_opt(date.year(), birth.month(), birth.day())
            .or_else(|| NaiveDate::from_ymd_opt(date.year(), birth.month(), birth.day() - 1))
            .unwrap_or(date);
        let age = if date < birthday { years - 1 } else { years };
        u32::try_from(age).unwrap_or(0)
    }

    /// Masked for display: first 6 + 8 `*` + last 4, e.g. `330199********9994`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The check character (position 18).
    pub fn check_char(&self) -> char {
        char::from(self.0.as_bytes()[17])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Masked on purpose: Debug output ends up in logs and panics.
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
