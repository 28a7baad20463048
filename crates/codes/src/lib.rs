//! Standard codes of Chinese civil affairs, as pure functions and value types (no IO).
//!
//! | module | Chinese term | standard |
//! | --- | --- | --- |
//! | [`uscc`] | 统一社会信用代码 (unified social credit code) | GB 32100-2015, GB 11714-1997 |
//! | [`id_number`] | 居民身份证号码 (resident identity number) | GB 11643-1999 |
//! | [`region`] | 行政区划代码 / 统计用区划代码 (division codes) | GB/T 2260, NBS statistical table |
//! | [`calendar`] | 工作日 (working days) and 期间 (legal periods) | 民法典 Art. 201–203, 国务院放假安排 |
//!
//! Every parse error implements [`CodeProblem`], so a server can turn any of them into an
//! HTTP problem document with a stable machine code, the offending position and a message
//! in Chinese and English, without matching on each error type.
//!
//! Rules, tables and check algorithms are taken from `DOMAIN.md` §0–1 and the dataset READMEs;
//! every one is covered by a unit test or a property test in its module.

pub mod calendar;
pub mod id_number;
pub mod region;
pub mod uscc;

pub use calendar::{CalendarError, DayKind, HolidayCalendar, HolidayRow};
pub use id_number::{IdNumber, IdNumberError, Sex};
pub use region::{RegionCode, RegionError, RegionLevel};
pub use uscc::{OrgTypeCode, RegistrationAuthority, Uscc, UsccError};

/// The common shape of every error in this crate, for mapping to an HTTP problem
/// (RFC 9457) or a form-field error in the UI.
pub trait CodeProblem: std::error::Error {
    /// Stable machine-readable code, e.g. `"uscc.check_digit"`. Never changes once published:
    /// clients and translations key on it.
    fn code(&self) -> &'static str;
    /// Human-readable message in Chinese (简体中文), for end users.
    fn message_zh(&self) -> String;
    /// Human-readable message in English.
    fn message_en(&self) -> String;
    /// 1-based position of the offending character in the (normalized) input, when the problem
    /// is at one position; for CSV data problems, the 1-based line number.
    fn position(&self) -> Option<usize>;
}

/// Normalizes user input of a code: drops all whitespace (including the full-width space
/// U+3000), folds full-width ASCII (`０-９`, `Ａ-Ｚ`, as typed with a Chinese IME) to ASCII,
/// and upper-cases ASCII letters. Other characters are kept so the caller can report them.
pub(crate) fn normalize_code_input(input: &str) -> Vec<char> {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            // Full-width forms U+FF01..=U+FF5E map 1:1 onto ASCII 0x21..=0x7E.
            let c = match u32::from(c) {
                0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            c.to_ascii_uppercase()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_spaces_and_folds_width_and_case() {
        let got: String = normalize_code_input(" ５１ 3301\u{3000}06mj0a000178 \t")
            .into_iter()
            .collect();
        assert_eq!(got, "51330106MJ0A000178");
    }

    #[test]
    fn normalize_keeps_foreign_chars_for_reporting() {
        let got: String = normalize_code_input("5中-").into_iter().collect();
        assert_eq!(got, "5中-");
    }

    #[test]
    fn all_errors_share_the_problem_shape() {
        fn shape(e: &dyn CodeProblem) -> (&'static str, bool, bool) {
            (
                e.code(),
                !e.message_zh().is_empty(),
                !e.message_en().is_empty(),
            )
        }
        let u = Uscc::parse("1").unwrap_err();
        let i = IdNumber::parse("1").unwrap_err();
        let r = RegionCode::parse("1").unwrap_err();
        let c = HolidayCalendar::from_csv_str("").unwrap_err();
        assert_eq!(shape(&u), ("uscc.wrong_length", true, true));
        assert_eq!(shape(&i), ("id_number.wrong_length", true, true));
        assert_eq!(shape(&r), ("region.wrong_length", true, true));
        assert_eq!(shape(&c).0, "calendar.csv_header");
    }
}
