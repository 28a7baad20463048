//! Boundary tests of the §6.4 spending rules (DOMAIN.md §6.4, §0 rule 26; §2.3), moved from the
//! charity module with the table now passed in as data (the rows of migration 0023).

use super::*;

const YUAN_M: i64 = 100 * 1_000_000;

#[allow(clippy::too_many_arguments)]
fn row(
    charity: bool,
    public_fundraising: bool,
    foundation: bool,
    (from, below): (Option<i64>, Option<i64>),
    basis: Basis,
    min: i64,
    of_income: Option<i64>,
    cap: Option<i64>,
) -> SpendingBand {
    SpendingBand {
        charity,
        public_fundraising,
        foundation,
        net_assets_from_fen: from,
        net_assets_below_fen: below,
        basis,
        min_spending_permille: min,
        min_spending_of_income_permille: of_income,
        max_management_permille: cap,
        source: "DOMAIN.md §6.4".into(),
    }
}

/// The table of migration 0023 (in force from 2016-09-01).
pub(crate) fn rules_2016() -> SpendingRules {
    use Basis::{LastYearIncome as I, NetAssets as N};
    let m = |v: i64| Some(v * YUAN_M);
    SpendingRules {
        bands: vec![
            row(true, true, true, (None, None), I, 700, None, Some(100)),
            row(true, true, false, (None, None), I, 700, None, Some(130)),
            row(true, false, true, (m(60), None), N, 60, None, Some(120)),
            row(true, false, true, (m(8), m(60)), N, 60, None, Some(130)),
            row(true, false, true, (m(4), m(8)), N, 70, None, Some(150)),
            row(true, false, true, (None, m(4)), N, 80, None, Some(200)),
            row(true, false, false, (m(10), None), N, 60, None, Some(130)),
            row(true, false, false, (m(5), m(10)), N, 70, None, Some(140)),
            row(true, false, false, (m(1), m(5)), N, 80, None, Some(150)),
            row(
                true,
                false,
                false,
                (None, m(1)),
                N,
                80,
                Some(500),
                Some(200),
            ),
            row(false, true, true, (None, None), I, 700, None, None),
            row(false, false, true, (None, None), N, 80, None, None),
        ],
        management_cap_waiver_fen: 200_000 * 100,
    }
}

fn facts() -> SpendingFacts {
    SpendingFacts {
        year: 2025,
        charity: true,
        public_fundraising: true,
        foundation: true,
        last_year_income_fen: 100_000_000,
        last_year_net_assets_fen: None,
        charitable_fen: 70_000_000,
        management_fen: 0,
        fundraising_cost_fen: 0,
    }
}

/// §6.4 row 1 (慈善法 Art. 61): 公募基金会 spend at least 70 % of last year's income — on the
/// floor passes, one fen under is red.
#[test]
fn spending_floor_of_a_public_foundation_is_70_percent_of_last_years_income() {
    let r = rules_2016();
    let f = facts();
    assert_eq!(spending_ratio(&r, &f), None);
    let short = SpendingFacts {
        charitable_fen: 70_000_000 - 1,
        ..f.clone()
    };
    let w = spending_ratio(&r, &short).unwrap();
    assert_eq!(w.code, "charity.spending_ratio");
    assert_eq!(w.level, super::super::Level::Red);
    assert_eq!(w.period, "2025");
    assert_eq!(w.figures["required_fen"], 70_000_000);
    assert!(w.zh.contains("70%") && w.en.contains("70%"));
    assert!(w.clears_zh.contains("700000.00"));
    // No income last year: no floor.
    let none = SpendingFacts {
        last_year_income_fen: 0,
        charitable_fen: 0,
        ..f
    };
    assert_eq!(spending_ratio(&r, &none), None);
}

/// §6.4 rows 3–10: 非公募 charities are banded by last year-end net assets (from inclusive,
/// below exclusive).
#[test]
fn non_public_charities_are_banded_by_net_assets() {
    let r = rules_2016();
    let base = SpendingFacts {
        public_fundraising: false,
        foundation: false,
        last_year_income_fen: 0,
        ..facts()
    };
    let at = |na: i64| {
        band_for(
            &r,
            &SpendingFacts {
                last_year_net_assets_fen: Some(na),
                ..base.clone()
            },
        )
        .map(|b| (b.min_spending_permille, b.max_management_permille))
    };
    assert_eq!(at(10 * YUAN_M), Some((60, Some(130))));
    assert_eq!(at(10 * YUAN_M - 1), Some((70, Some(140))));
    assert_eq!(at(5 * YUAN_M), Some((70, Some(140))));
    assert_eq!(at(5 * YUAN_M - 1), Some((80, Some(150))));
    assert_eq!(at(YUAN_M), Some((80, Some(150))));
    assert_eq!(at(YUAN_M - 1), Some((80, Some(200))));
    assert_eq!(band_for(&r, &base), None, "unknown net assets: no band");
    let fnd = |na: i64| {
        band_for(
            &r,
            &SpendingFacts {
                foundation: true,
                last_year_net_assets_fen: Some(na),
                ..base.clone()
            },
        )
        .and_then(|b| b.max_management_permille)
    };
    assert_eq!(fnd(60 * YUAN_M), Some(120));
    assert_eq!(fnd(60 * YUAN_M - 1), Some(130));
    assert_eq!(fnd(8 * YUAN_M), Some(130));
    assert_eq!(fnd(8 * YUAN_M - 1), Some(150));
    assert_eq!(fnd(4 * YUAN_M), Some(150));
    assert_eq!(fnd(4 * YUAN_M - 1), Some(200));
    // The smallest 社团/社服 also spend 50 % of last year's income.
    let small = SpendingFacts {
        last_year_net_assets_fen: Some(0),
        last_year_income_fen: 100,
        charitable_fen: 49,
        ..base.clone()
    };
    assert!(spending_ratio(&r, &small).is_some());
    assert!(
        spending_ratio(
            &r,
            &SpendingFacts {
                charitable_fen: 50,
                ..small
            }
        )
        .is_none()
    );
}

/// §6.4 row 6 for a 非公募 charity foundation with net assets from its annual report: 8 % of
/// ¥3,000,000 is ¥240,000 — on it passes, one fen under is red.
#[test]
fn a_non_public_foundation_is_judged_on_its_reported_net_assets() {
    let r = rules_2016();
    let f = SpendingFacts {
        public_fundraising: false,
        last_year_income_fen: 0,
        last_year_net_assets_fen: Some(300_000_000),
        charitable_fen: 24_000_000,
        ..facts()
    };
    assert_eq!(spending_ratio(&r, &f), None);
    let short = SpendingFacts {
        charitable_fen: 24_000_000 - 1,
        ..f
    };
    let h = spending_ratio(&r, &short).unwrap();
    assert_eq!(h.figures["basis_fen"], 300_000_000);
    assert!(h.zh.contains("8%"));
}

/// §2.3 (基金会管理条例 Art. 29): a 非公募 foundation that is not a recognized charity spends at
/// least 8 % of last year's fund balance; no management cap is judged for it.
#[test]
fn foundations_that_are_not_charities_follow_section_2_3() {
    let r = rules_2016();
    let f = SpendingFacts {
        charity: false,
        public_fundraising: false,
        last_year_net_assets_fen: Some(100_000_000),
        charitable_fen: 8_000_000,
        management_fen: 90_000_000,
        ..facts()
    };
    assert_eq!(spending_ratio(&r, &f), None);
    assert!(
        spending_ratio(
            &r,
            &SpendingFacts {
                charitable_fen: 7_999_999,
                ..f.clone()
            }
        )
        .is_some()
    );
    assert_eq!(management_cap(&r, &f), None);
    // A 社团 that is not a charity: no row.
    let group = SpendingFacts {
        foundation: false,
        charitable_fen: 0,
        ..f
    };
    assert_eq!(spending_ratio(&r, &group), None);
}

/// Rule 26: the caps are waived below ¥200,000 of management cost; at exactly ¥200,000 they
/// apply; 10 % of the total exactly is within the cap, one fen more is not.
#[test]
fn management_cap_is_waived_below_200_000_yuan() {
    let r = rules_2016();
    let waiver = r.management_cap_waiver_fen;
    let f = SpendingFacts {
        charitable_fen: 10_000_000,
        management_fen: waiver - 1,
        ..facts()
    };
    assert_eq!(management_cap(&r, &f), None);
    let at_limit = SpendingFacts {
        management_fen: waiver,
        ..f.clone()
    };
    let h = management_cap(&r, &at_limit).unwrap();
    assert_eq!(h.code, "charity.management_cap");
    assert_eq!(h.level, super::super::Level::Orange);
    let ok = SpendingFacts {
        charitable_fen: 9 * waiver,
        management_fen: waiver,
        ..f.clone()
    };
    assert_eq!(management_cap(&r, &ok), None);
    let over = SpendingFacts {
        charitable_fen: 9 * waiver - 10,
        ..ok
    };
    assert!(management_cap(&r, &over).is_some());
    // A later waiver (data by date) moves the boundary.
    let higher = SpendingRules {
        management_cap_waiver_fen: waiver + 1,
        ..r
    };
    assert_eq!(management_cap(&higher, &at_limit), None);
}
