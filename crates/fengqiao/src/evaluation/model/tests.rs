//! Boundary tests of the evaluation rules (DOMAIN.md §8, 民政部令第39号).

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn bands() -> Bands {
    Bands {
        min_5a: 950,
        min_4a: 900,
        min_3a: 850,
        min_2a: 800,
        min_1a: 750,
    }
}

/// DOMAIN.md §8: indicators out of 1 000 points for every type evaluated.
#[test]
fn each_types_indicators_add_up_to_the_full_score() {
    for (t, inds) in INDICATORS {
        assert_eq!(inds.iter().map(|i| i.max).sum::<u32>(), FULL_SCORE, "{t}");
        assert_eq!(inds.len(), 4, "{t}");
    }
    assert_eq!(
        indicators("social_service_agency").unwrap()[2].zh,
        "业务活动和诚信建设"
    );
    assert!(indicators("community_org").is_none());
}

/// DOMAIN.md §8 (score bands set locally, 以上 inclusive): just under, on and over each bound.
#[test]
fn a_score_gets_the_grade_of_its_band_bounds_included() {
    let b = bands();
    for (min, g, below) in [
        (950, Grade::A5, Some(Grade::A4)),
        (900, Grade::A4, Some(Grade::A3)),
        (850, Grade::A3, Some(Grade::A2)),
        (800, Grade::A2, Some(Grade::A1)),
        (750, Grade::A1, None),
    ] {
        assert_eq!(b.grade(min - 1), below, "{min} - 1");
        assert_eq!(b.grade(min), Some(g), "{min}");
        assert_eq!(b.grade(min + 1), Some(g), "{min} + 1");
    }
    assert_eq!(b.grade(1000), Some(Grade::A5));
    assert_eq!(b.grade(0), None);
}

/// DOMAIN.md §8: valid 5 years, to the corresponding date (民法典 Art. 201–203), month-end when
/// there is none; current through its last day, expired the day after.
#[test]
fn a_grade_is_current_through_the_corresponding_date_five_years_on() {
    assert_eq!(valid_until(d("2021-06-10"), 5), d("2026-06-10"));
    assert_eq!(valid_until(d("2024-02-29"), 5), d("2029-02-28"));
    let (from, until) = (d("2021-06-20"), d("2026-06-10"));
    assert!(!is_current(from, until, d("2021-06-19")));
    assert!(is_current(from, until, d("2021-06-20")));
    assert!(is_current(from, until, d("2026-06-09")));
    assert!(is_current(from, until, d("2026-06-10")));
    assert!(!is_current(from, until, d("2026-06-11")));
}

fn eligible_facts() -> Facts {
    Facts {
        status: "registered".into(),
        org_type: "social_group".into(),
        registered_on: Some(d("2024-06-10")),
        grade_valid_until: None,
        credit_list: None,
        last_report: (2025, ReportOutcome::Passed),
        penalized_last_year: None,
    }
}

fn codes(r: Result<(), Vec<Refusal>>) -> Vec<String> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.code)
        .collect()
}

/// DOMAIN.md §8: registered ≥ 2 full years — the day before the corresponding date refused, on
/// it and after eligible.
#[test]
fn two_full_years_of_registration_are_needed() {
    let f = eligible_facts();
    assert_eq!(
        codes(eligibility(&f, d("2026-06-09"), 2)),
        ["evaluation.registered_too_recently"]
    );
    assert!(eligibility(&f, d("2026-06-10"), 2).is_ok());
    assert!(eligibility(&f, d("2026-06-11"), 2).is_ok());
}

/// DOMAIN.md §8: never evaluated, or the grade has reached its expiry (届满: its last day on).
#[test]
fn a_grade_in_force_bars_a_new_evaluation_until_its_last_day() {
    let f = Facts {
        grade_valid_until: Some(d("2026-12-01")),
        ..eligible_facts()
    };
    assert_eq!(
        codes(eligibility(&f, d("2026-11-30"), 2)),
        ["evaluation.grade_in_force"]
    );
    assert!(eligibility(&f, d("2026-12-01"), 2).is_ok());
    assert!(eligibility(&f, d("2026-12-02"), 2).is_ok());
}

/// DOMAIN.md §8: not evaluated if on the 异常名录/严重违法失信名单, if last year's annual
/// inspection was missed or failed, or if penalized last year; every reason given.
#[test]
fn credit_lists_and_last_years_report_refuse_with_every_reason() {
    let f = Facts {
        credit_list: Some("abnormal"),
        last_report: (2025, ReportOutcome::Missing),
        ..eligible_facts()
    };
    assert_eq!(
        codes(eligibility(&f, d("2026-11-27"), 2)),
        ["evaluation.on_credit_list", "evaluation.report_missing"]
    );
    let f = Facts {
        last_report: (2025, ReportOutcome::Failed),
        ..eligible_facts()
    };
    assert_eq!(
        codes(eligibility(&f, d("2026-11-27"), 2)),
        ["evaluation.report_failed"]
    );
    for ok in [
        ReportOutcome::Passed,
        ReportOutcome::PassedWithCorrections,
        ReportOutcome::Pending,
    ] {
        let f = Facts {
            last_report: (2025, ok),
            ..eligible_facts()
        };
        assert!(eligibility(&f, d("2026-11-27"), 2).is_ok(), "{ok:?}");
    }
    let f = Facts {
        penalized_last_year: Some(d("2025-06-01")),
        ..eligible_facts()
    };
    assert_eq!(
        codes(eligibility(&f, d("2026-11-27"), 2)),
        ["evaluation.penalized"]
    );
    let f = Facts {
        status: "filed".into(),
        org_type: "community_org".into(),
        ..eligible_facts()
    };
    assert_eq!(
        codes(eligibility(&f, d("2026-11-27"), 2)),
        ["evaluation.not_registered"]
    );
}

/// DOMAIN.md §8: an expert recuses if related, or if he left the organization less than 2 years
/// ago (不满 excludes: on the corresponding date he may sit).
#[test]
fn an_expert_who_left_less_than_two_years_ago_recuses() {
    assert!(recuses(&Tie { left_on: None }, d("2030-01-01"), 2));
    let t = Tie {
        left_on: Some(d("2024-11-27")),
    };
    assert!(recuses(&t, d("2026-11-26"), 2));
    assert!(!recuses(&t, d("2026-11-27"), 2));
    assert!(!recuses(&t, d("2026-11-28"), 2));
}

/// An indicator's score lies within 0 ..= its maximum (DOMAIN.md §8 weights).
#[test]
fn a_score_over_the_indicators_maximum_is_refused() {
    let i = indicators("social_group").unwrap()[0];
    assert_eq!(check_score(&i, 100), Ok(100));
    assert_eq!(check_score(&i, 0), Ok(0));
    assert!(check_score(&i, 101).is_err());
    assert!(check_score(&i, -1).is_err());
}
