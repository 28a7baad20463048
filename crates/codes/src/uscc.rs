//! 统一社会信用代码 — unified social credit code (USCC), GB 32100-2015.
//!
//! Layout (1-based positions): 1 登记管理部门代码 (registration authority), 2 机构类别代码
//! (organization type), 3–8 登记管理机关行政区划码 (GB/T 2260 code of the registering
//! authority's area), 9–17 主体标识码 = GB 11714 组织机构代码 (8-character body + its own check
//! character at 17), 18 校验码 (check character, modulus 31).
//!
//! The two check characters use **different letter values**: position 18 uses the 31-symbol USCC
//! alphabet (`J`=18, `K`=19, …), position 17 uses the plain alphabet (`A`=10 … `Z`=35, so
//! `J`=19). Mixing them up is the classic bug; the tests cover bodies with `J`–`Y`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{CodeProblem, normalize_code_input};

mod tables;
#[cfg(test)]
mod tests;

pub use tables::{OrgTypeCode, RegistrationAuthority};

/// The 31 symbols of the USCC, in value order (0–30). Never `I`, `O`, `S`, `V`, `Z`.
pub const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Position-18 weights `3^(i−1) mod 31`, i = 1..=17 (DOMAIN rule 2).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714 weights over the 8-character organization-code body (DOMAIN rule 3).
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Largest serial [`Uscc::for_serial`] can encode: 31^6 − 1 (six base-31 symbols).
pub const MAX_SERIAL: u64 = 31u64.pow(6) - 1;

/// Value of a symbol in the USCC alphabet (position-18 check), `None` if not a USCC symbol.
fn uscc_value(c: char) -> Option<u32> {
    USCC_ALPHABET.find(c).map(|i| i as u32)
}

/// Value of a character for the GB 11714 check (position 17): digits 0–9, `A`=10 … `Z`=35.
fn org_code_value(c: char) -> Option<u32> {
    c.to_digit(36)
        .filter(|_| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// GB 11714 check character over the 8-character body: `c = 11 − S mod 11`, 10→`X`, 11→`0`.
/// `None` if a character has no GB 11714 value.
pub fn org_code_check_char(body: &[char]) -> Option<char> {
    if body.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body.iter().zip(ORG_WEIGHTS) {
        sum += org_code_value(*c)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

/// USCC check character (position 18) over the first 17 characters:
/// `(31 − Σ v(cᵢ)·3^(i−1) mod 31) mod 31`, mapped back through [`USCC_ALPHABET`].
/// `None` if a character is not a USCC symbol.
pub fn uscc_check_char(first17: &[char]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(*c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    USCC_ALPHABET.chars().nth(v as usize)
}

/// A valid 统一社会信用代码: 18 characters, normalized (upper case, no spaces), both check
/// characters verified, positions 1–2 in the GB 32100 tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// Why a string is not a valid USCC. Positions are 1-based, counted after normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters (after removing spaces).
    WrongLength { len: usize },
    /// A character outside `0-9 A-H J-N P-R T U W-Y`.
    InvalidChar { position: usize, found: char },
    /// Position 1 is not a 登记管理部门代码 of GB 32100.
    UnknownAuthority { position: usize, found: char },
    /// Position 2 is not a 机构类别代码 of that authority.
    UnknownOrgType {
        position: usize,
        authority: RegistrationAuthority,
        found: char,
    },
    /// Positions 3–8 (行政区划码) must be digits.
    RegionNotDigit { position: usize, found: char },
    /// Position 17, the GB 11714 organization-code check character, does not match 9–16.
    OrgCodeCheck {
        position: usize,
        found: char,
        expected: char,
    },
    /// Position 18, the check character, does not match 1–17.
    CheckDigit {
        position: usize,
        found: char,
        expected: char,
    },
    /// A part given to [`Uscc::generate`] / [`Uscc::for_serial`] has the wrong length.
    WrongPartLength {
        part: &'static str,
        expected: usize,
        len: usize,
    },
    /// [`Uscc::for_serial`] was asked for a serial above [`MAX_SERIAL`].
    SerialOutOfRange { serial: u64, max: u64 },
}

const ALLOWED_ZH: &str = "只允许数字0-9和大写字母A-H、J-N、P-R、T、U、W-Y（不使用I、O、S、V、Z）";
const ALLOWED_EN: &str = "only digits 0-9 and capital letters A-H, J-N, P-R, T, U, W-Y are allowed (never I, O, S, V, Z)";

impl CodeProblem for UsccError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "uscc.wrong_length",
            Self::InvalidChar { .. } => "uscc.invalid_char",
            Self::UnknownAuthority { .. } => "uscc.unknown_authority",
            Self::UnknownOrgType { .. } => "uscc.unknown_org_type",
            Self::RegionNotDigit { .. } => "uscc.region_not_digit",
            Self::OrgCodeCheck { .. } => "uscc.org_code_check",
            Self::CheckDigit { .. } => "uscc.check_digit",
            Self::WrongPartLength { .. } => "uscc.wrong_part_length",
            Self::SerialOutOfRange { .. } => "uscc.serial_out_of_range",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            Self::WrongLength { len } => format!("统一社会信用代码应为18位，实际为{len}位"),
            Self::InvalidChar { position, found } => {
                format!("第{position}位字符“{found}”无效：{ALLOWED_ZH}")
            }
            Self::UnknownAuthority { found, .. } => format!(
                "第1位登记管理部门代码“{found}”不在国家标准（GB 32100）代码表中，应为1-9、A、N或Y之一"
            ),
            Self::UnknownOrgType {
                authority, found, ..
            } => format!(
                "第2位机构类别代码“{found}”对登记管理部门“{}”无效，应为{}之一",
                authority.name_zh(),
                authority.org_type_chars_display("、")
            ),
            Self::RegionNotDigit { position, found } => {
                format!("第{position}位“{found}”应为数字：第3–8位是登记管理机关行政区划码")
            }
            Self::OrgCodeCheck {
                found, expected, ..
            } => format!(
                "第17位组织机构代码校验码错误：按第9–16位应为“{expected}”，实际为“{found}”（请核对第9–17位）"
            ),
            Self::CheckDigit {
                found, expected, ..
            } => format!(
                "第18位校验码错误：按前17位应为“{expected}”，实际为“{found}”（请核对整个代码是否有输入错误）"
            ),
            Self::WrongPartLength {
                part,
                expected,
                len,
            } => format!("{}应为{expected}位，实际为{len}位", part_name_zh(part)),
            Self::SerialOutOfRange { serial, max } => {
                format!("序号{serial}超出可编码范围（最大{max}）")
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            Self::WrongLength { len } => {
                format!("a unified social credit code has 18 characters, got {len}")
            }
            Self::InvalidChar { position, found } => {
                format!("invalid character '{found}' at position {position}: {ALLOWED_EN}")
            }
            Self::UnknownAuthority { found, .. } => format!(
                "position 1: '{found}' is not a registration-authority code of GB 32100 (expected 1-9, A, N or Y)"
            ),
            Self::UnknownOrgType {
                authority, found, ..
            } => format!(
                "position 2: '{found}' is not an organization type of authority '{}' ({}); expected one of {}",
                authority.as_char(),
                authority.name_en(),
                authority.org_type_chars_display(", ")
            ),
            Self::RegionNotDigit { position, found } => format!(
                "position {position}: '{found}' must be a digit (positions 3-8 are the division code of the registering authority)"
            ),
            Self::OrgCodeCheck {
                found, expected, ..
            } => format!(
                "position 17: organization-code check character is '{found}', but positions 9-16 require '{expected}' (check positions 9-17)"
            ),
            Self::CheckDigit {
                found, expected, ..
            } => format!(
                "position 18: check character is '{found}', but positions 1-17 require '{expected}' (check the code for a typo)"
            ),
            Self::WrongPartLength {
                part,
                expected,
                len,
            } => format!("{part} must have {expected} characters, got {len}"),
            Self::SerialOutOfRange { serial, max } => {
                format!("serial {serial} is out of range (maximum {max})")
            }
        }
    }

    fn position(&self) -> Option<usize> {
        match self {
            Self::InvalidChar { position, .. }
            | Self::UnknownAuthority { position, .. }
            | Self::UnknownOrgType { position, .. }
            | Self::RegionNotDigit { position, .. }
            | Self::OrgCodeCheck { position, .. }
            | Self::CheckDigit { position, .. } => Some(*position),
            Self::WrongLength { .. }
            | Self::WrongPartLength { .. }
            | Self::SerialOutOfRange { .. } => None,
        }
    }
}

fn part_name_zh(part: &str) -> &'static str {
    match part {
        "region" => "行政区划码",
        "body" => "主体标识码本体",
        _ => "代码片段",
    }
}

impl fmt::Display for UsccError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for UsccError {}

/// Checks positions 1–16 (everything except the two check characters): charset, authority,
/// organization type, region digits. Shared by parsing and generation so both apply one rule set.
fn validate_prefix(chars: &[char]) -> Result<(), UsccError> {
    debug_assert!(chars.len() >= 16);
    // Charset first over the whole input, so the user learns about e.g. an `O` typed for `0`
    // before any check-digit message.
    for (i, &c) in chars.iter().enumerate() {
        if uscc_value(c).is_none() {
            return Err(UsccError::InvalidChar {
                position: i + 1,
                found: c,
            });
        }
    }
    let authority =
        RegistrationAuthority::from_char(chars[0]).ok_or(UsccError::UnknownAuthority {
            position: 1,
            found: chars[0],
        })?;
    if OrgTypeCode::from_chars(authority, chars[1]).is_none() {
        return Err(UsccError::UnknownOrgType {
            position: 2,
            authority,
            found: chars[1],
        });
    }
    for (i, &c) in chars.iter().enumerate().take(8).skip(2) {
        if !c.is_ascii_digit() {
            return Err(UsccError::RegionNotDigit {
                position: i + 1,
                found: c,
            });
        }
    }
    Ok(())
}

impl Uscc {
    /// Parses and validates a USCC. Input is normalized first: whitespace removed, full-width
    /// characters folded, letters upper-cased.
    ///
    /// Checks, in order (the first failure is reported): length 18; charset; position 1 in the
    /// authority table; position 2 in that authority's type table; positions 3–8 digits;
    /// position 17 (GB 11714); position 18 (mod 31).
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let chars = normalize_code_input(input);
        if chars.len() != 18 {
            return Err(UsccError::WrongLength { len: chars.len() });
        }
        validate_prefix(&chars)?;
        // Both checks are computable here: every character passed the charset check.
        let expected17 = org_code_check_char(&chars[8..16]).unwrap_or('?');
        if chars[16] != expected17 {
            return Err(UsccError::OrgCodeCheck {
                position: 17,
                found: chars[16],
                expected: expected17,
            });
        }
        let expected18 = uscc_check_char(&chars[..17]).unwrap_or('?');
        if chars[17] != expected18 {
            return Err(UsccError::CheckDigit {
                position: 18,
                found: chars[17],
                expected: expected18,
            });
        }
        Ok(Uscc(chars.into_iter().collect()))
    }

    /// Builds a code from its parts and computes both check characters.
    ///
    /// `authority` is position 1, `org_type` position 2, `region6` positions 3–8, `body8` the
    /// 8-character organization-code body (positions 9–16). For demo/synthetic data only: real
    /// codes are assigned through the national code system.
    pub fn generate(
        authority: char,
        org_type: char,
        region6: &str,
        body8: &str,
    ) -> Result<Uscc, UsccError> {
        let region: Vec<char> = region6.chars().collect();
        if region.len() != 6 {
            return Err(UsccError::WrongPartLength {
                part: "region",
                expected: 6,
                len: region.len(),
            });
        }
        let body: Vec<char> = body8.chars().collect();
        if body.len() != 8 {
            return Err(UsccError::WrongPartLength {
                part: "body",
                expected: 8,
                len: body.len(),
            });
        }
        let mut chars = Vec::with_capacity(18);
        chars.push(authority);
        chars.push(org_type);
        chars.extend(region);
        chars.extend(body);
        validate_prefix(&chars)?;
        let c17 = org_code_check_char(&chars[8..16]).unwrap_or('?');
        chars.push(c17);
        let c18 = uscc_check_char(&chars).unwrap_or('?');
        chars.push(c18);
        Ok(Uscc(chars.into_iter().collect()))
    }

    /// Builds a synthetic civil-affairs code (`5` + `org_type` + `region6` + body) whose body is
    /// `MJ` followed by `serial` written as **six base-31 symbols over [`USCC_ALPHABET`]**,
    /// most significant first, zero-padded (`0` → `MJ000000`, `31` → `MJ000010`).
    ///
    /// Base 31 rather than decimal so one region/type has room for 31^6 ≈ 8.9·10⁸ codes;
    /// the encoding is fixed-width, hence injective for every serial ≤ [`MAX_SERIAL`], and
    /// [`Uscc::civil_affairs_serial`] is its inverse: "next free code" = max serial + 1.
    pub fn for_serial(org_type: char, region6: &str, serial: u64) -> Result<Uscc, UsccError> {
        if serial > MAX_SERIAL {
            return Err(UsccError::SerialOutOfRange {
                serial,
                max: MAX_SERIAL,
            });
        }
        let alphabet: Vec<char> = USCC_ALPHABET.chars().collect();
        let mut digits = ['0'; 6];
        let mut rest = serial;
        for d in digits.iter_mut().rev() {
            *d = alphabet[(rest % 31) as usize];
            rest /= 31;
        }
        let body: String = "MJ".chars().chain(digits).collect();
        Uscc::generate('5', org_type, region6, &body)
    }

    /// Inverse of [`Uscc::for_serial`]: the serial if this is a civil-affairs code whose body
    /// (positions 9–16) is `MJ` + six symbols; `None` otherwise.
    pub fn civil_affairs_serial(&self) -> Option<u64> {
        if !self.is_civil_affairs() || !self.0[8..].starts_with("MJ") {
            return None;
        }
        self.0[10..16]
            .chars()
            .try_fold(0u64, |acc, c| Some(acc * 31 + u64::from(uscc_value(c)?)))
    }

    /// The code as a string (18 characters, upper case).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: 登记管理部门 (registration authority).
    pub fn authority(&self) -> RegistrationAuthority {
        // Validated at construction, so the lookup cannot fail.
        RegistrationAuthority::from_char(self.char_at(0)).unwrap_or(RegistrationAuthority::Other)
    }

    /// Position 2: 机构类别 (organization type), interpreted with the authority's table.
    pub fn org_type(&self) -> OrgTypeCode {
        OrgTypeCode::from_chars(self.authority(), self.char_at(1)).unwrap_or(OrgTypeCode::Other)
    }

    /// Positions 3–8: 登记管理机关行政区划码, the GB/T 2260 code of the registering
    /// authority's area (not necessarily where the organization is).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: 组织机构代码 (GB 11714), body plus its check character.
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Position 18: the check character.
    pub fn check_char(&self) -> char {
        self.char_at(17)
    }

    /// Registered by civil affairs (民政, position 1 = `5`): 社会团体, 民办非企业单位, 基金会, 其他.
    pub fn is_civil_affairs(&self) -> bool {
        self.authority() == RegistrationAuthority::CivilAffairs
    }

    fn char_at(&self, i: usize) -> char {
        // The string is ASCII by construction.
        char::from(self.0.as_bytes()[i])
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Uscc::parse(&s).map_err(serde::de::Error::custom)
    }
}
