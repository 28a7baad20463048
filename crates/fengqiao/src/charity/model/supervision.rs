//! 监管预警 — supervision warnings about charities, in one pure file that the supervision module
//! can take over: the annual charitable-spending ratio and management-cost cap (DOMAIN.md §6.4,
//! rule 26), fundraising outside a filed plan's period (§6.2), and overdue disclosures (§6.2,
//! §6.5, rule 25). The rules take plain facts and return warnings with a stable code and text in
//! Chinese and English; [`crate::charity::store::supervision`] gathers the facts.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// One warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Warning {
    /// Stable code, e.g. `charity.spending_ratio`.
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// What the spending floor is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// 上年总收入
    LastYearIncome,
    /// 上年末净资产
    NetAssets,
}

/// One row of the §6.4 table: who it applies to, the floor of charitable spending and the cap
/// of management cost (a share of this year's total spending), in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendingBand {
    /// 公募: holds a public-fundraising qualification.
    pub public_fundraising: bool,
    pub foundation: bool,
    /// Net assets from (inclusive) … to (exclusive), in fen; ignored for 公募 rows.
    pub net_assets_from_fen: i64,
    pub net_assets_below_fen: Option<i64>,
    pub basis: Basis,
    pub min_spending_pct: i64,
    /// Also at least this share of last year's income (the last row of the table).
    pub min_spending_of_income_pct: Option<i64>,
    pub max_management_pct: i64,
    pub source: &'static str,
}

const YUAN_M: i64 = 100 * 1_000_000;
const LAW: &str = "慈善法 第六十一条；DOMAIN.md §6.4 [H]";
const RULE_2016: &str =
    "关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [H]";
const RULE_2016_M: &str =
    "关于慈善组织开展慈善活动年度支出和管理费用的规定（2016-10）；DOMAIN.md §6.4 [M]";

const fn band(
    public_fundraising: bool,
    foundation: bool,
    (net_assets_from_fen, net_assets_below_fen): (i64, Option<i64>),
    basis: Basis,
    (min_spending_pct, min_spending_of_income_pct): (i64, Option<i64>),
    max_management_pct: i64,
    source: &'static str,
) -> SpendingBand {
    SpendingBand {
        public_fundraising,
        foundation,
        net_assets_from_fen,
        net_assets_below_fen,
        basis,
        min_spending_pct,
        min_spending_of_income_pct,
        max_management_pct,
        source,
    }
}

/// The §6.4 table (DOMAIN.md), row for row.
pub const SPENDING_TABLE: &[SpendingBand] = &[
    band(
        true,
        true,
        (0, None),
        Basis::LastYearIncome,
        (70, None),
        10,
        LAW,
    ),
    band(
        true,
        false,
        (0, None),
        Basis::LastYearIncome,
        (70, None),
        13,
        RULE_2016,
    ),
    band(
        false,
        true,
        (60 * YUAN_M, None),
        Basis::NetAssets,
        (6, None),
        12,
        RULE_2016_M,
    ),
    band(
        false,
        true,
        (8 * YUAN_M, Some(60 * YUAN_M)),
        Basis::NetAssets,
        (6, None),
        13,
        RULE_2016_M,
    ),
    band(
        false,
        true,
        (4 * YUAN_M, Some(8 * YUAN_M)),
        Basis::NetAssets,
        (7, None),
        15,
        RULE_2016_M,
    ),
    band(
        false,
        true,
        (i64::MIN, Some(4 * YUAN_M)),
        Basis::NetAssets,
        (8, None),
        20,
        RULE_2016_M,
    ),
    band(
        false,
        false,
        (10 * YUAN_M, None),
        Basis::NetAssets,
        (6, None),
        13,
        RULE_2016,
    ),
    band(
        false,
        false,
        (5 * YUAN_M, Some(10 * YUAN_M)),
        Basis::NetAssets,
        (7, None),
        14,
        RULE_2016,
    ),
    band(
        false,
        false,
        (YUAN_M, Some(5 * YUAN_M)),
        Basis::NetAssets,
        (8, None),
        15,
        RULE_2016,
    ),
    band(
        false,
        false,
        (i64::MIN, Some(YUAN_M)),
        Basis::NetAssets,
        (8, Some(50)),
        20,
        RULE_2016,
    ),
];

/// The management-cost caps do not apply when the year's management cost is below ¥200 000
/// (DOMAIN.md §6.4, rule 26) [H]. At exactly ¥200 000 they apply.
pub const MANAGEMENT_CAP_WAIVED_BELOW_FEN: i64 = 200_000 * 100;

/// A charity's money in one year (fen), for the spending rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendingFacts {
    pub year: i32,
    pub public_fundraising: bool,
    pub foundation: bool,
    /// Confirmed donations to the charity's plans in the year before.
    pub last_year_income_fen: i64,
    /// 上年末净资产, when the annual report gave it (needed for 非公募 charities).
    pub last_year_net_assets_fen: Option<i64>,
    pub charitable_fen: i64,
    pub management_fen: i64,
    pub fundraising_cost_fen: i64,
}

/// The row of the table that applies; `None` for a 非公募 charity whose net assets are unknown.
pub fn band_for(f: &SpendingFacts) -> Option<&'static SpendingBand> {
    SPENDING_TABLE.iter().find(|b| {
        b.public_fundraising == f.public_fundraising
            && b.foundation == f.foundation
            && (b.public_fundraising
                || f.last_year_net_assets_fen.is_some_and(|na| {
                    na >= b.net_assets_from_fen && b.net_assets_below_fen.is_none_or(|t| na < t)
                }))
    })
}

fn yuan(fen: i64) -> String {
    super::rules::fmt_yuan(fen)
}

/// `part ≥ pct % of whole`, in integers.
fn at_least(part: i64, pct: i64, whole: i64) -> bool {
    i128::from(part) * 100 >= i128::from(pct) * i128::from(whole)
}

/// Annual charitable spending at least the floor of the charity's row (rule 26).
pub fn spending_ratio(f: &SpendingFacts) -> Option<Warning> {
    let b = band_for(f)?;
    let basis = match b.basis {
        Basis::LastYearIncome => f.last_year_income_fen,
        Basis::NetAssets => f.last_year_net_assets_fen?,
    };
    let mut short = !at_least(f.charitable_fen, b.min_spending_pct, basis);
    if let Some(pct) = b.min_spending_of_income_pct {
        short |= !at_least(f.charitable_fen, pct, f.last_year_income_fen);
    }
    let (bzh, ben) = match b.basis {
        Basis::LastYearIncome => ("上年总收入", "last year's income"),
        Basis::NetAssets => ("上年末净资产", "last year-end net assets"),
    };
    short.then(|| Warning {
        code: "charity.spending_ratio",
        zh: format!(
            "{} 年慈善活动支出 {} 元，低于{} {} 元的 {}%（{}）",
            f.year,
            yuan(f.charitable_fen),
            bzh,
            yuan(basis),
            b.min_spending_pct,
            b.source
        ),
        en: format!(
            "Charitable spending in {} was {} yuan, below {}% of {} ({} yuan) ({})",
            f.year,
            yuan(f.charitable_fen),
            b.min_spending_pct,
            ben,
            yuan(basis),
            b.source
        ),
    })
}

/// Management cost at most the cap of the charity's row, of this year's total spending; waived
/// below [`MANAGEMENT_CAP_WAIVED_BELOW_FEN`].
pub fn management_cap(f: &SpendingFacts) -> Option<Warning> {
    if f.management_fen < MANAGEMENT_CAP_WAIVED_BELOW_FEN {
        return None;
    }
    let b = band_for(f)?;
    let total = f.charitable_fen + f.management_fen + f.fundraising_cost_fen;
    let over =
        i128::from(f.management_fen) * 100 > i128::from(b.max_management_pct) * i128::from(total);
    over.then(|| Warning {
        code: "charity.management_cap",
        zh: format!(
            "{} 年管理费用 {} 元，超过当年总支出 {} 元的 {}%（{}）",
            f.year,
            yuan(f.management_fen),
            yuan(total),
            b.max_management_pct,
            b.source
        ),
        en: format!(
            "Management cost in {} was {} yuan, above {}% of the year's total spending ({} yuan) ({})",
            f.year,
            yuan(f.management_fen),
            b.max_management_pct,
            yuan(total),
            b.source
        ),
    })
}

/// A campaign longer than this many months publishes progress periodically (DOMAIN.md §6.2,
/// rule 25) [H].
pub const LONG_CAMPAIGN_MONTHS: u32 = 6;
/// … at least every this many months (rule 25) [H].
pub const PROGRESS_EVERY_MONTHS: u32 = 3;
/// Full results within this many months of the end (rule 25, §6.5) [H].
pub const FINAL_WITHIN_MONTHS: u32 = 3;
/// Emergency relief: receipts published at least every this many days while it runs (rule 25) [H].
pub const EMERGENCY_EVERY_DAYS: u64 = 5;

/// A filed plan's facts for the period and disclosure rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    pub filing_no: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub emergency: bool,
    /// Confirmed donations dated (Asia/Shanghai) before the start, and after the end.
    pub donations_before_start: i64,
    pub donations_after_end: i64,
    /// Disclosures: (date, is final).
    pub disclosures: Vec<(NaiveDate, bool)>,
}

/// Donations confirmed outside the filed period (募捐期限以外募捐).
pub fn outside_period(p: &PlanFacts) -> Option<Warning> {
    let n = p.donations_before_start + p.donations_after_end;
    (n > 0).then(|| Warning {
        code: "charity.outside_period",
        zh: format!(
            "募捐方案 {} 在备案期限（{} 至 {}）以外收到捐赠 {} 笔",
            p.filing_no, p.starts_on, p.ends_on, n
        ),
        en: format!(
            "Plan {} received {} donations outside its filed period ({} to {})",
            p.filing_no, n, p.starts_on, p.ends_on
        ),
    })
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m))
        .unwrap_or(NaiveDate::MAX)
}

/// Overdue disclosures on `today` (信息公开逾期). While a campaign runs: a campaign longer than
/// 6 months (ends after the corresponding date 6 months from its start) needs a disclosure at
/// least every 3 months — overdue when `today` is after the corresponding date 3 months from the
/// last disclosure (or from the start); an emergency campaign every 5 days likewise. After the
/// end: the final disclosure is overdue when `today` is after the corresponding date 3 months
/// from the end and no final disclosure was made.
pub fn disclosure_overdue(p: &PlanFacts, today: NaiveDate) -> Vec<Warning> {
    let mut out = Vec::new();
    let last = p
        .disclosures
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| *d >= p.starts_on && *d <= today)
        .max()
        .unwrap_or(p.starts_on);
    if today >= p.starts_on && today <= p.ends_on {
        if p.ends_on > add_months(p.starts_on, LONG_CAMPAIGN_MONTHS) {
            let due = add_months(last, PROGRESS_EVERY_MONTHS);
            if today > due {
                out.push(Warning {
                    code: "charity.disclosure.progress",
                    zh: format!(
                        "募捐方案 {} 募捐期超过六个月，应至少每三个月公开一次，上次公开 {}，应于 {} 前公开",
                        p.filing_no, last, due
                    ),
                    en: format!(
                        "Plan {} runs over six months and must disclose at least every three months; last {}, due by {}",
                        p.filing_no, last, due
                    ),
                });
            }
        }
        if p.emergency {
            let due = last
                .checked_add_days(Days::new(EMERGENCY_EVERY_DAYS))
                .unwrap_or(NaiveDate::MAX);
            if today > due {
                out.push(Warning {
                    code: "charity.disclosure.emergency",
                    zh: format!(
                        "应急救灾募捐 {} 应至少每五日公开一次接受捐赠情况，上次公开 {}",
                        p.filing_no, last
                    ),
                    en: format!(
                        "Emergency appeal {} must publish donations received at least every five days; last {}",
                        p.filing_no, last
                    ),
                });
            }
        }
    }
    let due = add_months(p.ends_on, FINAL_WITHIN_MONTHS);
    if today > due && !p.disclosures.iter().any(|(_, fin)| *fin) {
        out.push(Warning {
            code: "charity.disclosure.final",
            zh: format!(
                "募捐方案 {} 已于 {} 结束，应于 {} 前全面公开募捐情况",
                p.filing_no, p.ends_on, due
            ),
            en: format!(
                "Plan {} ended on {}; its full disclosure was due by {}",
                p.filing_no, p.ends_on, due
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> SpendingFacts {
        SpendingFacts {
            year: 2025,
            public_fundraising: true,
            foundation: true,
            last_year_income_fen: 100_000_000,
            last_year_net_assets_fen: None,
            charitable_fen: 70_000_000,
            management_fen: 0,
            fundraising_cost_fen: 0,
        }
    }

    #[test]
    fn spending_floor_of_a_public_foundation_is_70_percent_of_last_years_income() {
        let f = facts();
        assert_eq!(spending_ratio(&f), None);
        let short = SpendingFacts {
            charitable_fen: 70_000_000 - 1,
            ..f.clone()
        };
        let w = spending_ratio(&short).unwrap();
        assert_eq!(w.code, "charity.spending_ratio");
        assert!(w.zh.contains("70%") && w.en.contains("70%"));
        // No income last year: no floor.
        let none = SpendingFacts {
            last_year_income_fen: 0,
            charitable_fen: 0,
            ..f
        };
        assert_eq!(spending_ratio(&none), None);
    }

    #[test]
    fn non_public_charities_are_banded_by_net_assets() {
        let base = SpendingFacts {
            public_fundraising: false,
            foundation: false,
            last_year_income_fen: 0,
            ..facts()
        };
        let at = |na: i64| {
            band_for(&SpendingFacts {
                last_year_net_assets_fen: Some(na),
                ..base.clone()
            })
            .map(|b| (b.min_spending_pct, b.max_management_pct))
        };
        assert_eq!(at(10 * YUAN_M), Some((6, 13)));
        assert_eq!(at(10 * YUAN_M - 1), Some((7, 14)));
        assert_eq!(at(5 * YUAN_M), Some((7, 14)));
        assert_eq!(at(YUAN_M), Some((8, 15)));
        assert_eq!(at(YUAN_M - 1), Some((8, 20)));
        assert_eq!(band_for(&base), None, "unknown net assets: no band");
        let fnd = |na: i64| {
            band_for(&SpendingFacts {
                foundation: true,
                last_year_net_assets_fen: Some(na),
                ..base.clone()
            })
            .map(|b| b.max_management_pct)
        };
        assert_eq!(fnd(60 * YUAN_M), Some(12));
        assert_eq!(fnd(8 * YUAN_M), Some(13));
        assert_eq!(fnd(4 * YUAN_M), Some(15));
        assert_eq!(fnd(0), Some(20));
        // The smallest 社团/社服 also spend 50 % of last year's income.
        let small = SpendingFacts {
            last_year_net_assets_fen: Some(0),
            last_year_income_fen: 100,
            charitable_fen: 49,
            ..base.clone()
        };
        assert!(spending_ratio(&small).is_some());
        assert!(
            spending_ratio(&SpendingFacts {
                charitable_fen: 50,
                ..small
            })
            .is_none()
        );
    }

    #[test]
    fn management_cap_is_waived_below_200_000_yuan() {
        let f = SpendingFacts {
            charitable_fen: 10_000_000,
            management_fen: MANAGEMENT_CAP_WAIVED_BELOW_FEN - 1,
            ..facts()
        };
        assert_eq!(management_cap(&f), None);
        let at_limit = SpendingFacts {
            management_fen: MANAGEMENT_CAP_WAIVED_BELOW_FEN,
            ..f.clone()
        };
        assert_eq!(
            management_cap(&at_limit).map(|w| w.code),
            Some("charity.management_cap")
        );
        // 10 % of the total exactly is within the cap; one fen more is not.
        let m = MANAGEMENT_CAP_WAIVED_BELOW_FEN;
        let ok = SpendingFacts {
            charitable_fen: 9 * m,
            management_fen: m,
            ..f.clone()
        };
        assert_eq!(management_cap(&ok), None);
        let over = SpendingFacts {
            charitable_fen: 9 * m - 10,
            ..ok
        };
        assert!(management_cap(&over).is_some());
    }

    fn plan(starts: &str, ends: &str) -> PlanFacts {
        PlanFacts {
            filing_no: "浙民募备[2026]0001".into(),
            starts_on: d(starts),
            ends_on: d(ends),
            emergency: false,
            donations_before_start: 0,
            donations_after_end: 0,
            disclosures: vec![],
        }
    }

    #[test]
    fn donations_outside_the_period_are_flagged() {
        let p = plan("2026-01-01", "2026-03-31");
        assert_eq!(outside_period(&p), None);
        let late = PlanFacts {
            donations_after_end: 2,
            ..p
        };
        assert!(outside_period(&late).unwrap().zh.contains("2 笔"));
    }

    #[test]
    fn long_campaigns_disclose_every_three_months() {
        // Exactly six months is not "longer than six months".
        let six = plan("2026-01-01", "2026-07-01");
        assert!(disclosure_overdue(&six, d("2026-06-01")).is_empty());
        let long = plan("2026-01-01", "2026-07-02");
        assert!(disclosure_overdue(&long, d("2026-04-01")).is_empty());
        let w = disclosure_overdue(&long, d("2026-04-02"));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "charity.disclosure.progress");
        let disclosed = PlanFacts {
            disclosures: vec![(d("2026-03-15"), false)],
            ..long
        };
        assert!(disclosure_overdue(&disclosed, d("2026-06-15")).is_empty());
        assert_eq!(disclosure_overdue(&disclosed, d("2026-06-16")).len(), 1);
    }

    #[test]
    fn final_disclosure_within_three_months_of_the_end() {
        let p = plan("2026-01-01", "2026-03-31");
        assert!(disclosure_overdue(&p, d("2026-06-30")).is_empty());
        let w = disclosure_overdue(&p, d("2026-07-01"));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "charity.disclosure.final");
        let done = PlanFacts {
            disclosures: vec![(d("2026-05-01"), true)],
            ..p
        };
        assert!(disclosure_overdue(&done, d("2027-01-01")).is_empty());
    }

    #[test]
    fn emergency_appeals_publish_every_five_days() {
        let p = PlanFacts {
            emergency: true,
            ..plan("2026-08-01", "2026-08-31")
        };
        assert!(disclosure_overdue(&p, d("2026-08-06")).is_empty());
        assert_eq!(
            disclosure_overdue(&p, d("2026-08-07"))[0].code,
            "charity.disclosure.emergency"
        );
    }

    #[test]
    fn every_row_of_the_table_names_its_source() {
        assert_eq!(SPENDING_TABLE.len(), 10);
        assert!(SPENDING_TABLE.iter().all(|b| b.source.contains("§6.4")));
    }
}
