//! Pinyin initials of a name (茶叶文化交流协会 → `cywhjlxh`), so that a query typed as initials
//! (`cywh`, `CYWH`) finds the organization. Each Chinese character gives the first letter of its
//! most common reading (`pinyin` crate; a heteronym such as 行 xíng/háng takes the first
//! reading); Latin letters and digits are kept lower-cased; anything else is skipped.
//!
//! A query of initials may start anywhere in the name (杭州市西湖区茶叶… is found by `cy`), so
//! every suffix of the initials is indexed and a query is a prefix range over them.

use pinyin::ToPinyin;

/// Shortest query taken as initials: one letter would match most of the register.
pub const MIN_QUERY_LETTERS: usize = 2;

/// The initials of a name.
pub fn of(name: &str) -> String {
    name.chars()
        .zip(name.to_pinyin())
        .filter_map(|(c, p)| match p {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// Every suffix of the initials (the terms indexed), longest first.
pub fn suffixes(initials: &str) -> Vec<&str> {
    (0..initials.len()).map(|i| &initials[i..]).collect()
}

/// The initials a query term asks for: ASCII letters only, at least [`MIN_QUERY_LETTERS`].
pub fn query(term: &str) -> Option<String> {
    let t = term.trim();
    (t.len() >= MIN_QUERY_LETTERS && t.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| t.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_chinese_latin_and_punctuation() {
        assert_eq!(of("茶叶文化交流协会"), "cywhjlxh");
        assert_eq!(of("杭州市ABC读书会（西湖）"), "hzsabcdshxh");
        assert_eq!(suffixes("abc"), ["abc", "bc", "c"]);
        assert_eq!(query("CYWH"), Some("cywh".into()));
        assert_eq!(query("c"), None);
        assert_eq!(query("茶叶"), None);
        assert_eq!(query("a1"), None);
    }
}
