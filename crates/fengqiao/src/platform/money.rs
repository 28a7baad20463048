//! Money (金额): integer fen everywhere inside; yuan only at the edges, typed by people and shown
//! to them. One parser and one formatter for every form and page.

/// Yuan as typed (`1234.5`, `2,000.05`) → fen, exactly, with no floating point: thousands
/// separators (`,` `，`) ignored, at most two decimals, no sign, at most `max_whole_digits`
/// digits before the point; `None` for anything else or an amount that overflows.
pub fn parse_yuan(s: &str, max_whole_digits: usize) -> Option<i64> {
    let s = s.trim().replace([',', '，'], "");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() || int.len() > max_whole_digits || frac.len() > 2 {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yuan: i64 = int.parse().ok()?;
    let fen: i64 = format!("{frac:0<2}").parse().ok()?;
    yuan.checked_mul(100)?.checked_add(fen)
}

/// Fen as yuan with two decimals (`123450` → `1234.50`, `-5` → `-0.05`).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_in_and_out() {
        assert_eq!(parse_yuan("2,000.05", usize::MAX), Some(200_005));
        assert_eq!(parse_yuan("1.", usize::MAX), Some(100));
        assert_eq!(parse_yuan("123456789", 8), None);
        assert_eq!(parse_yuan("12345678", 8), Some(1_234_567_800));
        assert_eq!(
            parse_yuan("99999999999999999999", usize::MAX),
            None,
            "overflow"
        );
        for bad in ["", "-1", "1.234", ".5", "1e3", "１"] {
            assert_eq!(parse_yuan(bad, usize::MAX), None, "{bad}");
        }
        assert_eq!(yuan(123_450), "1234.50");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(0), "0.00");
    }
}
