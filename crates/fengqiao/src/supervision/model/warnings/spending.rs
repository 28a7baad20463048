//! Annual charitable spending and management cost (DOMAIN.md §6.4, §0 rule 26; §2.3 for
//! foundations that are not recognized charities). Moved from the charity module
//! (`charity::model::supervision`) and extended: the §6.4 table and the ¥200,000 waiver are data
//! by date ([`SpendingRules`], read from `supervision_spending_bands` and the rule parameter
//! [`super::super::rules::MANAGEMENT_CAP_WAIVER`] as in force on 31 December of the judged
//! year), and the figures come from the annual reports where there are reports (net assets and
//! last year's income: what lets a 非公募 charity be judged at all).

use serde::Serialize;
use serde_json::json;

use super::{Hit, MANAGEMENT_CAP, SPENDING_RATIO, at_least_permille, over_permille, pct, yuan};

/// What the spending floor is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 上年总收入
    LastYearIncome,
    /// 上年末净资产 (a foundation's 上一年基金余额)
    NetAssets,
}

impl Basis {
    pub fn from_key(s: &str) -> Option<Basis> {
        match s {
            "last_year_income" => Some(Basis::LastYearIncome),
            "net_assets" => Some(Basis::NetAssets),
            _ => None,
        }
    }
}

/// One row of the §6.4 table (or of §2.3 for foundations that are not charities): who it
/// applies to, the floor of charitable spending and the cap of management cost (a share of this
/// year's total spending), in per mille.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendingBand {
    /// A recognized 慈善组织 (§6.4) or a foundation that is not one (§2.3).
    pub charity: bool,
    /// 公募: holds a public-fundraising qualification (or is a 公募基金会).
    pub public_fundraising: bool,
    pub foundation: bool,
    /// Net assets from (inclusive) … below (exclusive), in fen; ignored for 公募 rows.
    pub net_assets_from_fen: Option<i64>,
    pub net_assets_below_fen: Option<i64>,
    pub basis: Basis,
    pub min_spending_permille: i64,
    /// Also at least this share of last year's income (the last row of the table).
    pub min_spending_of_income_permille: Option<i64>,
    /// `None`: no management cap judged (§2.3 rows).
    pub max_management_permille: Option<i64>,
    pub source: String,
}

/// The spending rules in force on the judged date: the table and the waiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendingRules {
    pub bands: Vec<SpendingBand>,
    /// The caps apply from this year's management cost on; below it they are waived (§6.4).
    pub management_cap_waiver_fen: i64,
}

/// An organization's money in one year (fen), for the spending rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendingFacts {
    pub year: i32,
    pub charity: bool,
    pub public_fundraising: bool,
    pub foundation: bool,
    /// 上年总收入: last year's annual report, else confirmed donations to the charity's plans.
    pub last_year_income_fen: i64,
    /// 上年末净资产, when last year's annual report (or the charity's record) gave it.
    pub last_year_net_assets_fen: Option<i64>,
    pub charitable_fen: i64,
    pub management_fen: i64,
    pub fundraising_cost_fen: i64,
}

/// The row of the table that applies; `None` for a 非公募 organization whose net assets are
/// unknown, or one no row covers.
pub fn band_for<'a>(rules: &'a SpendingRules, f: &SpendingFacts) -> Option<&'a SpendingBand> {
    rules.bands.iter().find(|b| {
        b.charity == f.charity
            && b.public_fundraising == f.public_fundraising
            && b.foundation == f.foundation
            && (b.public_fundraising
                || f.last_year_net_assets_fen.is_some_and(|na| {
                    b.net_assets_from_fen.is_none_or(|from| na >= from)
                        && b.net_assets_below_fen.is_none_or(|t| na < t)
                }))
    })
}

/// Annual charitable spending at least the floor of the organization's row (DOMAIN.md §6.4,
/// rule 26; §2.3): 不低于 — the floor itself passes.
pub fn spending_ratio(rules: &SpendingRules, f: &SpendingFacts) -> Option<Hit> {
    let b = band_for(rules, f)?;
    let basis = match b.basis {
        Basis::LastYearIncome => f.last_year_income_fen,
        Basis::NetAssets => f.last_year_net_assets_fen?,
    };
    let mut short = !at_least_permille(f.charitable_fen, b.min_spending_permille, basis);
    let mut floor_fen = ceil_share(basis, b.min_spending_permille);
    if let Some(pm) = b.min_spending_of_income_permille {
        short |= !at_least_permille(f.charitable_fen, pm, f.last_year_income_fen);
        floor_fen = floor_fen.max(ceil_share(f.last_year_income_fen, pm));
    }
    let (bzh, ben) = match b.basis {
        Basis::LastYearIncome => ("上年总收入", "last year's income"),
        Basis::NetAssets => ("上年末净资产", "last year-end net assets"),
    };
    let p = pct(b.min_spending_permille);
    short.then(|| {
        Hit::new(
            SPENDING_RATIO,
            f.year.to_string(),
            json!({
                "year": f.year,
                "charitable_fen": f.charitable_fen,
                "basis": b.basis,
                "basis_fen": basis,
                "min_spending_permille": b.min_spending_permille,
                "min_spending_of_income_permille": b.min_spending_of_income_permille,
                "last_year_income_fen": f.last_year_income_fen,
                "required_fen": floor_fen,
            }),
            (
                format!(
                    "{} 年慈善活动支出 {} 元，低于{} {} 元的 {}%（{}）",
                    f.year,
                    yuan(f.charitable_fen),
                    bzh,
                    yuan(basis),
                    p,
                    b.source
                ),
                format!(
                    "Charitable spending in {} was {} yuan, below {}% of {} ({} yuan) ({})",
                    f.year,
                    yuan(f.charitable_fen),
                    p,
                    ben,
                    yuan(basis),
                    b.source
                ),
            ),
            (
                format!(
                    "年度慈善活动支出达到 {} 元以上，或在年报中说明并公开原因",
                    yuan(floor_fen)
                ),
                format!(
                    "Charitable spending of {} yuan or more in the year, or the reason reported and published",
                    yuan(floor_fen)
                ),
            ),
            &b.source,
        )
    })
}

/// The smallest amount that is at least `permille` ‰ of `whole`.
fn ceil_share(whole: i64, permille: i64) -> i64 {
    let n = i128::from(whole) * i128::from(permille);
    i64::try_from((n + 999).div_euclid(1000)).unwrap_or(i64::MAX)
}

/// Management cost at most the cap of the organization's row, of this year's total spending
/// (不得超过: the cap itself passes); waived below the waiver (§6.4, rule 26: at exactly
/// ¥200,000 the cap applies).
pub fn management_cap(rules: &SpendingRules, f: &SpendingFacts) -> Option<Hit> {
    if f.management_fen < rules.management_cap_waiver_fen {
        return None;
    }
    let b = band_for(rules, f)?;
    let cap = b.max_management_permille?;
    let total = f.charitable_fen + f.management_fen + f.fundraising_cost_fen;
    let p = pct(cap);
    over_permille(f.management_fen, cap, total).then(|| {
        Hit::new(
            MANAGEMENT_CAP,
            f.year.to_string(),
            json!({
                "year": f.year,
                "management_fen": f.management_fen,
                "total_spending_fen": total,
                "max_management_permille": cap,
                "waiver_fen": rules.management_cap_waiver_fen,
            }),
            (
                format!(
                    "{} 年管理费用 {} 元，超过当年总支出 {} 元的 {}%（{}）",
                    f.year,
                    yuan(f.management_fen),
                    yuan(total),
                    p,
                    b.source
                ),
                format!(
                    "Management cost in {} was {} yuan, above {}% of the year's total spending ({} yuan) ({})",
                    f.year,
                    yuan(f.management_fen),
                    p,
                    yuan(total),
                    b.source
                ),
            ),
            (
                format!(
                    "管理费用不超过当年总支出的 {p}%（或低于 {} 元），或报告并公开说明原因",
                    yuan(rules.management_cap_waiver_fen)
                ),
                format!(
                    "Management cost at most {p}% of the year's total spending (or below {} yuan), or the reason reported and published",
                    yuan(rules.management_cap_waiver_fen)
                ),
            ),
            &b.source,
        )
    })
}

#[cfg(test)]
#[path = "spending_tests.rs"]
mod tests;
