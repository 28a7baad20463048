//! The list engine at its boundaries (DOMAIN.md §0 rules 15–20, §5), with the parameters as the
//! migration ships them.

use chrono::NaiveDate;

use super::engine::{may_remove, project};
use super::*;
use crate::platform::rules::{Param, RuleTable, Unit};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn row(key: &str, from: &str, value: i64, unit: Unit) -> Param {
    Param {
        key: key.into(),
        value,
        unit,
        effective_from: d(from),
        source: "test".into(),
        note: String::new(),
        created_at: None,
    }
}

pub(crate) fn table() -> RuleTable {
    RuleTable::from_rows(vec![
        row(
            "credit.abnormal.auto_removal",
            "2018-01-24",
            6,
            Unit::Months,
        ),
        row(
            "credit.abnormal.transfer_after",
            "2018-01-24",
            2,
            Unit::Years,
        ),
        row("credit.serious.min_listing", "2018-01-24", 2, Unit::Years),
        row(
            "credit.removal.verification_deadline",
            "2018-01-24",
            5,
            Unit::WorkingDays,
        ),
        row(
            "credit.penalty.large_fine",
            "2018-01-24",
            50_000,
            Unit::Yuan,
        ),
        row("credit.penalty.repeat_count", "2018-01-24", 2, Unit::Count),
        row("credit.penalty.repeat_window", "2018-01-24", 3, Unit::Years),
        row("credit.entry.deadline", "2018-01-24", 5, Unit::WorkingDays),
    ])
}

fn ev(n: u128, on: &str, kind: EventKind) -> Event {
    Event {
        id: uuid::Uuid::from_u128(n),
        on: d(on),
        kind,
    }
}

fn listing(n: u128, on: &str, code: &str) -> Event {
    ev(
        n,
        on,
        EventKind::Listing {
            reason: reason_of(code).unwrap(),
        },
    )
}

fn fine(n: u128, on: &str, yuan: i64) -> Event {
    ev(
        n,
        on,
        EventKind::Penalty {
            kind: PenaltyKind::Fine,
            amount_fen: yuan * 100,
        },
    )
}

fn standing(events: &[Event], on: &str) -> Standing {
    Standing::of(&project(events, &table()).unwrap(), d(on))
}

/// Rule 16: listed for a warning or small fine (nothing to rectify), removed when six months
/// have passed — on the corresponding date, not the day before.
#[test]
fn rule_16_nothing_to_rectify_leaves_after_six_months() {
    let events = [fine(1, "2024-01-10", 10_000)];
    assert!(standing(&events, "2024-01-10").abnormal.is_some());
    assert!(standing(&events, "2024-07-09").abnormal.is_some());
    assert!(standing(&events, "2024-07-10").abnormal.is_none());
    let all = project(&events, &table()).unwrap();
    assert_eq!(all[0].ending, Some(Ending::AutoRemoved));
    assert_eq!(all[0].until, Some(d("2024-07-10")));
    // Month-end: listed on 31 August, six months end on the last day of February.
    let events = [fine(1, "2023-08-31", 10_000)];
    assert!(standing(&events, "2024-02-28").abnormal.is_some());
    assert!(standing(&events, "2024-02-29").abnormal.is_none());
}

/// Rule 16: a late report needs rectifying: it stays past six months, and leaves on the day the
/// rectification is verified.
#[test]
fn rule_16_a_verified_rectification_removes_that_day() {
    let mut events = vec![listing(1, "2025-06-03", LATE_ANNUAL_REPORT)];
    assert!(standing(&events, "2026-01-01").abnormal.is_some());
    events.push(ev(2, "2026-01-05", EventKind::Rectified));
    assert!(standing(&events, "2026-01-04").abnormal.is_some());
    let s = standing(&events, "2026-01-05");
    assert!(s.abnormal.is_none() && s.serious.is_none());
    // History is kept: as of a past date it was listed, for this reason.
    let past = standing(&events, "2025-07-01").abnormal.unwrap();
    assert_eq!(past.first_cause().reason_code, LATE_ANNUAL_REPORT);
    assert_eq!(past.first_cause().rule, "DOMAIN.md rule 15(1); 令第60号");
}

/// Rule 17: two years on the abnormal list moves the organization to the serious list on the
/// corresponding date; a rectification the day before prevents it, on the day it is too late.
#[test]
fn rule_17_two_years_abnormal_moves_to_the_serious_list() {
    let base = vec![listing(1, "2024-01-10", LATE_ANNUAL_REPORT)];
    let s = standing(&base, "2026-01-09");
    assert!(s.abnormal.is_some() && s.serious.is_none());
    let s = standing(&base, "2026-01-10");
    assert!(s.abnormal.is_none());
    let serious = s.serious.unwrap();
    assert_eq!(serious.first_cause().reason_code, ABNORMAL_TWO_YEARS);
    assert_eq!(serious.since, d("2026-01-10"));

    let mut early = base.clone();
    early.push(ev(2, "2026-01-09", EventKind::Rectified));
    assert!(!standing(&early, "2026-06-01").listed());
    let mut late = base;
    late.push(ev(2, "2026-01-10", EventKind::Rectified));
    assert!(standing(&late, "2026-06-01").serious.is_some());
}

/// Rule 20: a new event while listed restarts the list's clock: the transfer moves with it.
#[test]
fn rule_20_a_new_event_restarts_the_clock() {
    let events = [
        listing(1, "2024-01-10", LATE_ANNUAL_REPORT),
        listing(2, "2025-03-01", "abnormal.unreachable"),
    ];
    let s = standing(&events, "2026-01-10");
    assert!(s.abnormal.is_some() && s.serious.is_none());
    assert_eq!(s.abnormal.as_ref().unwrap().causes.len(), 2);
    assert!(standing(&events, "2027-03-01").serious.is_some());
    assert!(standing(&events, "2027-02-28").serious.is_none());
}

/// Rules 15(5) and 18: a fine of ¥50,000 or more (以上) is a serious listing, one yuan less an
/// abnormal one.
#[test]
fn rule_18_the_large_fine_threshold_is_inclusive() {
    let s = standing(&[fine(1, "2025-01-01", 50_000)], "2025-01-01");
    assert_eq!(s.serious.unwrap().first_cause().reason_code, LARGE_FINE);
    assert!(s.abnormal.is_none());
    let s = standing(&[fine(1, "2025-01-01", 49_999)], "2025-01-01");
    assert!(s.serious.is_none());
    assert_eq!(s.abnormal.unwrap().first_cause().reason_code, PENALTY_MINOR);
}

/// Rule 18(5): two warnings or small fines within three years (以内: the earlier one exactly
/// three years before counts) are a serious listing; a day more and they are not.
#[test]
fn rule_18_repeat_penalties_within_three_years() {
    let warning = |n, on| {
        ev(
            n,
            on,
            EventKind::Penalty {
                kind: PenaltyKind::Warning,
                amount_fen: 0,
            },
        )
    };
    let s = standing(
        &[warning(1, "2022-05-01"), warning(2, "2025-05-01")],
        "2025-05-01",
    );
    assert_eq!(
        s.serious.unwrap().first_cause().reason_code,
        REPEAT_PENALTIES
    );
    let s = standing(
        &[warning(1, "2022-04-30"), warning(2, "2025-05-01")],
        "2025-05-01",
    );
    assert!(s.serious.is_none());
    assert!(s.abnormal.is_some());
}

/// Rule 19: removal from the serious list only after two years without a new event; a
/// revocation only by deregistration; a transferred listing only after rectification.
#[test]
fn rule_19_leaving_the_serious_list() {
    let events = [fine(1, "2024-03-01", 60_000)];
    let eps = project(&events, &table()).unwrap();
    assert_eq!(
        may_remove(&eps, d("2026-02-28")).unwrap_err().code,
        "credit.too_early"
    );
    assert_eq!(may_remove(&eps, d("2026-03-01")), Ok(()));
    // A minor penalty while listed restarts the serious clock too.
    let events = [fine(1, "2024-03-01", 60_000), fine(2, "2025-03-01", 1_000)];
    let eps = project(&events, &table()).unwrap();
    assert_eq!(
        may_remove(&eps, d("2026-03-01")).unwrap_err().code,
        "credit.too_early"
    );
    assert_eq!(may_remove(&eps, d("2027-03-01")), Ok(()));
    // Revoked: never by removal; deregistration ends it.
    let revoked = ev(
        1,
        "2020-01-01",
        EventKind::Penalty {
            kind: PenaltyKind::CertificateRevoked,
            amount_fen: 0,
        },
    );
    let eps = project(std::slice::from_ref(&revoked), &table()).unwrap();
    assert_eq!(
        may_remove(&eps, d("2025-01-01")).unwrap_err().code,
        "credit.until_deregistered"
    );
    let done = [revoked, ev(2, "2025-01-02", EventKind::Deregistered)];
    assert!(!standing(&done, "2025-01-02").listed());
    // Transferred: rectification first.
    let mut events = vec![listing(1, "2020-01-10", LATE_ANNUAL_REPORT)];
    let eps = project(&events, &table()).unwrap();
    assert_eq!(
        may_remove(&eps, d("2024-02-01")).unwrap_err().code,
        "credit.not_rectified"
    );
    events.push(ev(2, "2024-01-20", EventKind::Rectified));
    let eps = project(&events, &table()).unwrap();
    assert_eq!(may_remove(&eps, d("2024-02-01")), Ok(()));
    events.push(ev(3, "2024-02-01", EventKind::Removed));
    assert!(!standing(&events, "2024-02-01").listed());
    assert!(standing(&events, "2024-01-31").serious.is_some());
}

/// A rule version applies from its date on: a listing whose clock started before a new
/// six-month rule keeps the old period; one after takes the new.
#[test]
fn a_new_version_applies_to_listings_from_its_date() {
    let mut rows: Vec<Param> = table().rows().into_iter().cloned().collect();
    rows.push(row(
        "credit.abnormal.auto_removal",
        "2026-01-01",
        3,
        Unit::Months,
    ));
    let t = RuleTable::from_rows(rows);
    let old = project(&[fine(1, "2025-12-31", 1_000)], &t).unwrap();
    assert_eq!(old[0].until, Some(d("2026-06-30")));
    let new = project(&[fine(1, "2026-01-01", 1_000)], &t).unwrap();
    assert_eq!(new[0].until, Some(d("2026-04-01")));
}

/// The engine takes events in any order: the same events give the same episodes.
#[test]
fn the_projection_is_deterministic() {
    let a = [
        listing(1, "2024-01-10", LATE_ANNUAL_REPORT),
        fine(2, "2024-05-01", 1_000),
        ev(3, "2024-06-01", EventKind::Rectified),
    ];
    let mut b = a.clone();
    b.reverse();
    assert_eq!(
        project(&a, &table()).unwrap(),
        project(&b, &table()).unwrap()
    );
}
