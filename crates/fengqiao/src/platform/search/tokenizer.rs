//! The Chinese tokenizer of the search index: jieba words PLUS character 1- and 2-grams.
//!
//! Segmentation alone misses a query of one character or of part of a word (茶 must find
//! 茶叶产业协会, 养老 must find 居家养老服务中心), so every run of Chinese characters is indexed
//! as its single characters and its adjacent pairs; jieba's longer words (3+ characters) are
//! added on top, which lets a query that is a whole word rank the documents holding that word
//! higher. Latin letters and digits are indexed as lower-cased words.

use std::sync::LazyLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::Jieba;

/// The name the tokenizer is registered under in the index.
pub const NAME: &str = "zh_ngram";

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the jieba dictionary now (it takes a moment), rather than on the first query.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// A run of text of one kind: Chinese characters, or Latin letters and digits.
enum Run<'a> {
    Cjk(&'a str),
    Word(&'a str),
}

fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in text.char_indices() {
        let kind = if is_cjk(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (start, kind) {
            (Some((_, k)), Some(k2)) if k == k2 => {}
            (Some((s, k)), _) => {
                out.push(if k {
                    Run::Cjk(&text[s..i])
                } else {
                    Run::Word(&text[s..i])
                });
                start = kind.map(|k2| (i, k2));
            }
            (None, Some(k2)) => start = Some((i, k2)),
            (None, None) => {}
        }
    }
    if let Some((s, k)) = start {
        out.push(if k {
            Run::Cjk(&text[s..])
        } else {
            Run::Word(&text[s..])
        });
    }
    out
}

/// The terms a text is indexed under (with repeats: term frequency counts).
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in runs(text) {
        match run {
            Run::Word(w) => out.push(w.to_lowercase()),
            Run::Cjk(s) => {
                let chars: Vec<char> = s.chars().collect();
                for (i, c) in chars.iter().enumerate() {
                    out.push(c.to_string());
                    if let Some(d) = chars.get(i + 1) {
                        out.push(format!("{c}{d}"));
                    }
                }
                out.extend(long_words(s));
            }
        }
    }
    out
}

/// jieba's words of three or more characters (shorter ones are already among the bigrams).
fn long_words(s: &str) -> Vec<String> {
    JIEBA
        .cut_for_search(s, true)
        .into_iter()
        .filter(|t| t.word.chars().count() >= 3)
        .map(|t| t.word.to_string())
        .collect()
}

/// What one space-separated query term asks for: every `required` term must be present in a
/// field (the term occurs in it, or nearly: all its characters pairs do); `bonus` terms (whole
/// jieba words) only rank.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryTerm {
    pub required: Vec<String>,
    pub bonus: Vec<String>,
}

pub fn query_term(term: &str) -> QueryTerm {
    let mut q = QueryTerm::default();
    for run in runs(term) {
        match run {
            Run::Word(w) => q.required.push(w.to_lowercase()),
            Run::Cjk(s) => {
                let chars: Vec<char> = s.chars().collect();
                if chars.len() == 1 {
                    q.required.push(s.to_string());
                } else {
                    for pair in chars.windows(2) {
                        q.required.push(pair.iter().collect());
                    }
                }
                q.bonus.extend(long_words(s));
            }
        }
    }
    q.required.sort();
    q.required.dedup();
    q.bonus.sort();
    q.bonus.dedup();
    q
}

/// The tantivy side of [`index_terms`].
#[derive(Clone, Default)]
pub struct ZhTokenizer;

pub struct ZhTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream {
        let tokens = index_terms(text)
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect();
        ZhTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for ZhTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_indexed_as_characters_pairs_and_long_words() {
        let t = index_terms("茶叶产业协会");
        assert!(t.contains(&"茶".to_string()));
        assert!(t.contains(&"茶叶".to_string()));
        assert!(t.contains(&"产业".to_string()));
        let t = index_terms("居家养老服务中心 ABC-12");
        assert!(t.contains(&"养老".to_string()));
        assert!(t.contains(&"abc".to_string()));
        assert!(t.contains(&"12".to_string()));
    }

    #[test]
    fn a_query_term_needs_all_its_pairs() {
        assert_eq!(query_term("茶").required, ["茶"]);
        assert_eq!(query_term("养老服务").required, ["养老", "服务", "老服"]);
        assert_eq!(query_term("Ab").required, ["ab"]);
        assert!(query_term("，").required.is_empty());
    }
}
