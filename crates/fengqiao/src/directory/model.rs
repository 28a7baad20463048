//! Types and rules of the public register: the keys of types, categories and statuses with
//! their Chinese names, and the search parameters parsed into a query.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::platform::search::SearchRequest;
use crate::platform::{AppError, AppResult};

/// One value of a closed list: its key, its Chinese name, and other names accepted on import.
pub struct Choice {
    pub key: &'static str,
    pub zh: &'static str,
    pub aliases: &'static [&'static str],
}

const fn c(key: &'static str, zh: &'static str, aliases: &'static [&'static str]) -> Choice {
    Choice { key, zh, aliases }
}

/// Organization types (DOMAIN: 社会团体, 基金会, 社会服务机构 — formerly 民办非企业单位 —, and
/// community social organizations that are filed with their street office).
pub const TYPES: &[Choice] = &[
    c("social_group", "社会团体", &[]),
    c("foundation", "基金会", &[]),
    c("social_service_agency", "社会服务机构", &["民办非企业单位"]),
    c("community_org", "社区社会组织", &[]),
];

/// Categories; the first four register directly, the rest need a business supervisory unit.
pub const CATEGORIES: &[Choice] = &[
    c("industry_association", "行业协会商会类", &["行业协会商会"]),
    c("science_tech", "科技类", &["科技"]),
    c("charity", "公益慈善类", &["公益慈善"]),
    c("community_service", "城乡社区服务类", &["城乡社区服务"]),
    c("other", "其他", &[]),
];

pub const STATUSES: &[Choice] = &[
    c("registered", "正常", &["登记"]),
    c("filed", "备案", &[]),
    c("deregistered", "注销", &[]),
    c("revoked", "撤销", &[]),
];

/// Evaluation grades (社会组织评估, DOMAIN.md §8) as the register filters by them.
pub const GRADES: &[Choice] = &[
    c("5A", "AAAAA", &["5a"]),
    c("4A", "AAAA", &["4a"]),
    c("3A", "AAA", &["3a"]),
    c("2A", "AA", &["2a"]),
    c("1A", "A", &["1a"]),
];

/// The key of `input` in `list` (by key, Chinese name or alias); `None` if unknown.
pub fn choice(list: &'static [Choice], input: &str) -> Option<&'static str> {
    let s = input.trim();
    list.iter()
        .find(|c| c.key.eq_ignore_ascii_case(s) || c.zh == s || c.aliases.contains(&s))
        .map(|c| c.key)
}

/// The Chinese name of a key (the key itself if unknown).
pub fn zh_name(list: &'static [Choice], key: &str) -> String {
    list.iter()
        .find(|c| c.key == key)
        .map(|c| c.zh.to_string())
        .unwrap_or_else(|| key.to_string())
}

/// The organization-type character of a civil-affairs credit code (GB 32100 position 2).
pub fn uscc_type_char(org_type: &str) -> char {
    match org_type {
        "social_group" => '1',
        "social_service_agency" => '2',
        "foundation" => '3',
        _ => '9',
    }
}

/// Results per page: default and most.
pub const PER_PAGE_DEFAULT: usize = 20;
pub const PER_PAGE_MAX: usize = 100;
/// Deepest result a page may reach (deeper paging costs memory per request; narrow the query).
pub const MAX_WINDOW: usize = 10_000;
/// Most rows of one CSV export.
pub const EXPORT_MAX: usize = 100_000;

/// The query string of `GET /api/v1/organizations` and `/register`. Every value is read as
/// text so that a bad one is answered with a problem naming its field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct RegisterQuery {
    /// Free text: space-separated terms, all must match (name, business scope, purpose, code).
    pub q: Option<String>,
    /// social_group | foundation | social_service_agency | community_org
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub org_type: Option<String>,
    /// industry_association | science_tech | charity | community_service | other
    pub category: Option<String>,
    /// A division code: everything inside it.
    pub region: Option<String>,
    /// registered | filed | deregistered | revoked
    pub status: Option<String>,
    /// An evaluation grade in force: 5A | 4A | 3A | 2A | 1A.
    pub grade: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub registered_from: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub registered_to: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<String>,
    /// 1–100 (default 20).
    pub per_page: Option<String>,
    /// `csv` for a CSV export of every match.
    pub format: Option<String>,
}

pub fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn bad(field: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(field, &format!("register.{field}"), zh, en)
}

fn parse_choice(
    field: &str,
    list: &'static [Choice],
    v: &Option<String>,
) -> AppResult<Option<String>> {
    match present(v) {
        None => Ok(None),
        Some(s) => choice(list, s).map(|k| Some(k.to_string())).ok_or_else(|| {
            let keys: Vec<&str> = list.iter().map(|c| c.key).collect();
            bad(
                field,
                format!("“{s}”不是可选值，可选：{}", keys.join("、")),
                format!("“{s}” is not one of: {}", keys.join(", ")),
            )
        }),
    }
}

pub fn parse_date(field: &str, s: &str) -> AppResult<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .ok_or_else(|| {
            bad(
                field,
                format!("日期“{s}”格式不正确，应为 YYYY-MM-DD"),
                format!("The date “{s}” is not valid; expected YYYY-MM-DD"),
            )
        })
}

pub fn parse_number(
    field: &str,
    v: &Option<String>,
    default: usize,
    max: usize,
) -> AppResult<usize> {
    match present(v) {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad(
                field,
                format!("应为 1 到 {max} 之间的整数"),
                format!("Must be a whole number from 1 to {max}"),
            )),
        },
    }
}

/// The query string as a search request (the page asked for, or every match up to
/// [`EXPORT_MAX`] when `export`).
pub fn search_request(q: &RegisterQuery, export: bool) -> AppResult<SearchRequest> {
    let region = match present(&q.region) {
        None => None,
        Some(s) => {
            Some(codes::RegionCode::parse(s).map_err(|e| AppError::from_code("region", &e))?)
        }
    };
    let from = present(&q.registered_from)
        .map(|s| parse_date("registered_from", s))
        .transpose()?;
    let to = present(&q.registered_to)
        .map(|s| parse_date("registered_to", s))
        .transpose()?;
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        return Err(bad(
            "registered_to",
            "截止日期早于起始日期",
            "The end date is before the start date",
        ));
    }
    let per_page = parse_number("per_page", &q.per_page, PER_PAGE_DEFAULT, PER_PAGE_MAX)?;
    let page = parse_number("page", &q.page, 1, MAX_WINDOW)?;
    if (page - 1) * per_page + per_page > MAX_WINDOW {
        return Err(bad(
            "page",
            format!("最多可翻到第 {MAX_WINDOW} 条结果，请缩小查询范围"),
            format!("Results beyond the first {MAX_WINDOW} cannot be paged; narrow the query"),
        ));
    }
    let terms: Vec<String> =
        q.q.as_deref()
            .unwrap_or("")
            .split(|c: char| c.is_whitespace() || c == '\u{3000}')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
    if terms.len() > 10 || q.q.as_deref().is_some_and(|s| s.chars().count() > 100) {
        return Err(bad("q", "查询词过长", "The query is too long"));
    }
    Ok(SearchRequest {
        terms,
        org_type: parse_choice("type", TYPES, &q.org_type)?,
        category: parse_choice("category", CATEGORIES, &q.category)?,
        status: parse_choice("status", STATUSES, &q.status)?,
        grade: parse_choice("grade", GRADES, &q.grade)?,
        region,
        registered_from: from,
        registered_to: to,
        offset: if export { 0 } else { (page - 1) * per_page },
        limit: if export { EXPORT_MAX } else { per_page },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(f: impl FnOnce(&mut RegisterQuery)) -> RegisterQuery {
        let mut q = RegisterQuery::default();
        f(&mut q);
        q
    }

    #[test]
    fn choices_accept_keys_chinese_names_and_aliases() {
        assert_eq!(
            choice(TYPES, "民办非企业单位"),
            Some("social_service_agency")
        );
        assert_eq!(choice(TYPES, " 基金会 "), Some("foundation"));
        assert_eq!(choice(STATUSES, "注销"), Some("deregistered"));
        assert_eq!(choice(STATUSES, "Filed"), Some("filed"));
        assert_eq!(choice(CATEGORIES, "unknown"), None);
    }

    #[test]
    fn parameters_are_checked_and_name_their_field() {
        let field = |r: AppResult<SearchRequest>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(search_request(&q(|q| q.per_page = Some("0".into())), false)),
            "per_page"
        );
        assert_eq!(
            field(search_request(
                &q(|q| q.per_page = Some("101".into())),
                false
            )),
            "per_page"
        );
        assert_eq!(
            field(search_request(&q(|q| q.page = Some("x".into())), false)),
            "page"
        );
        assert_eq!(
            field(search_request(&q(|q| q.page = Some("501".into())), false)),
            "page"
        );
        assert_eq!(
            field(search_request(
                &q(|q| q.org_type = Some("club".into())),
                false
            )),
            "type"
        );
        assert_eq!(
            field(search_request(
                &q(|q| q.region = Some("33010X".into())),
                false
            )),
            "region"
        );
        assert_eq!(
            field(search_request(
                &q(|q| q.registered_from = Some("2020-13-01".into())),
                false
            )),
            "registered_from"
        );
        let ok = search_request(
            &q(|q| {
                q.q = Some(" 养老  服务 ".into());
                q.page = Some("3".into());
                q.status = Some("".into());
            }),
            false,
        )
        .unwrap();
        assert_eq!(ok.terms, ["养老", "服务"]);
        assert_eq!((ok.offset, ok.limit), (40, 20));
        assert_eq!(ok.status, None);
    }
}
