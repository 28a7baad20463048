//! What a run changes: the run's hits compared with the stored warnings of what it judged.
//! Pure, so that twice on one day changes nothing the second time (the nightly run's
//! idempotence) is a property of this function and the unique key, not of timing.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::Hit;
use super::stored::Known;

/// A hit of one organization.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgHit {
    pub organization_id: Uuid,
    pub region_code: String,
    pub hit: Hit,
}

/// One change to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A new warning (opened, its officers told).
    Open(OrgHit),
    /// An open warning whose figures changed: updated, a note in the trail.
    Update { id: Uuid, hit: OrgHit },
    /// A closed warning found again with other figures: reopened (re-raised), its officers told.
    Reraise { id: Uuid, hit: OrgHit },
    /// An open warning the run judged and no longer finds: closed by the engine.
    Clear { id: Uuid, known: Known },
    /// An open warning found again unchanged: only its `last_seen_on` moves.
    Seen { id: Uuid },
}

fn same_figures(stored: &str, hit: &Hit) -> bool {
    serde_json::from_str::<serde_json::Value>(stored).is_ok_and(|v| v == hit.figures)
}

/// The steps from `hits` against `known` (the stored warnings of the judged organizations).
/// `judged(code, period)` says whether the run judged that warning (only those are cleared when
/// not found). A closed warning found again with the same figures stays closed: closing it with
/// a reason was the officer's decision on exactly those figures.
pub fn steps(hits: Vec<OrgHit>, known: &[Known], judged: impl Fn(&str, &str) -> bool) -> Vec<Step> {
    let by_key: HashMap<(Uuid, &str, &str), &Known> = known
        .iter()
        .map(|k| ((k.organization_id, k.code.as_str(), k.period.as_str()), k))
        .collect();
    let mut found: HashSet<Uuid> = HashSet::new();
    let mut out = Vec::new();
    let mut seen_keys: HashSet<(Uuid, &'static str, String)> = HashSet::new();
    for h in hits {
        if !seen_keys.insert((h.organization_id, h.hit.code, h.hit.period.clone())) {
            continue;
        }
        match by_key.get(&(h.organization_id, h.hit.code, h.hit.period.as_str())) {
            None => out.push(Step::Open(h)),
            Some(k) => {
                found.insert(k.id);
                let same = same_figures(&k.figures, &h.hit);
                match (k.state.as_str(), same) {
                    ("open", true) => out.push(Step::Seen { id: k.id }),
                    ("open", false) => out.push(Step::Update { id: k.id, hit: h }),
                    (_, false) => out.push(Step::Reraise { id: k.id, hit: h }),
                    (_, true) => {}
                }
            }
        }
    }
    for k in known {
        if k.state == "open" && !found.contains(&k.id) && judged(&k.code, &k.period) {
            out.push(Step::Clear {
                id: k.id,
                known: k.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::reports::report_overdue;
    use super::*;

    fn hit(org: Uuid, year: i32) -> OrgHit {
        OrgHit {
            organization_id: org,
            region_code: "330108".into(),
            hit: report_overdue(year, "2026-06-01".parse().unwrap()),
        }
    }

    fn known(org: Uuid, h: &OrgHit, state: &str) -> Known {
        Known {
            id: Uuid::now_v7(),
            organization_id: org,
            region_code: "330108".into(),
            code: h.hit.code.into(),
            period: h.hit.period.clone(),
            state: state.into(),
            figures: h.hit.figures.to_string(),
        }
    }

    #[test]
    fn a_second_run_opens_nothing_and_a_closed_warning_stays_closed() {
        let org = Uuid::now_v7();
        let h = hit(org, 2025);
        assert!(matches!(
            steps(vec![h.clone()], &[], |_, _| true)[..],
            [Step::Open(_)]
        ));
        let open = known(org, &h, "open");
        assert!(matches!(
            steps(vec![h.clone()], std::slice::from_ref(&open), |_, _| true)[..],
            [Step::Seen { .. }]
        ));
        let closed = known(org, &h, "closed");
        assert!(steps(vec![h.clone()], std::slice::from_ref(&closed), |_, _| true).is_empty());
        // Other figures re-raise it.
        let mut other = h.clone();
        other.hit.figures = json!({"year": 2025, "deadline": "2026-06-02"});
        assert!(matches!(
            steps(vec![other.clone()], &[closed], |_, _| true)[..],
            [Step::Reraise { .. }]
        ));
        assert!(matches!(
            steps(vec![other], std::slice::from_ref(&open), |_, _| true)[..],
            [Step::Update { .. }]
        ));
        // Not found again: cleared when judged, left when not.
        assert!(matches!(
            steps(vec![], std::slice::from_ref(&open), |_, _| true)[..],
            [Step::Clear { .. }]
        ));
        assert!(steps(vec![], &[open], |_, _| false).is_empty());
        // The same hit twice in one run is one warning.
        assert_eq!(steps(vec![h.clone(), h], &[], |_, _| true).len(), 1);
    }
}
