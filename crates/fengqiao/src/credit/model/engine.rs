//! The list engine: an organization's episodes on the two lists, over all time, from its events
//! and the rule parameters by date. Deterministic and pure: the same events and table give the
//! same episodes, so the standing on any date ([`super::Standing::of`]) can be answered and
//! explained.
//!
//! Counting (民法典 Art. 201–203, DOMAIN.md preamble, read as the charity module reads
//! "满…个月"): a period of months or years from a day ends on the corresponding date (month-end
//! when there is none), and **on that date the period has passed** — listed on 2024-01-10 with
//! nothing to rectify, removed on 2024-07-10 (rule 16); still listed on 2026-01-10, moved to the
//! serious list that day (rule 17). A transition due on a day takes effect before that day's
//! events: a rectification verified on the day of the transfer comes too late.

use chrono::{Months, NaiveDate};

use super::rules as keys;
use super::{
    ABNORMAL_TWO_YEARS, Cause, Ending, Episode, Event, EventKind, LARGE_FINE, List, PENALTY_MINOR,
    PenaltyKind, REPEAT_PENALTIES, REVOKED, Reason, SUSPENSION, reason_of,
};
use crate::platform::AppResult;
use crate::platform::rules::RuleTable;

fn after_months(from: NaiveDate, months: u32) -> NaiveDate {
    from.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

fn reason(code: &str) -> &'static Reason {
    reason_of(code).expect("a reason of the engine is in REASONS")
}

fn cause(r: &'static Reason, on: NaiveDate, event_id: Option<uuid::Uuid>) -> Cause {
    Cause {
        reason_code: r.code,
        reason_zh: r.zh,
        reason_en: r.en,
        rule: r.rule,
        on,
        event_id,
        rectified: false,
    }
}

struct Engine<'a> {
    table: &'a RuleTable,
    abnormal: Option<Episode>,
    serious: Option<Episode>,
    closed: Vec<Episode>,
    /// Dates of warnings and fines below the threshold (rule 18(5)).
    minor_penalties: Vec<NaiveDate>,
}

impl Engine<'_> {
    /// The day an open abnormal listing ends by itself, and how: removal six months after its
    /// clock when nothing needs rectifying (rule 16), else the transfer after two years
    /// (rule 17). Each period is the one in force on the day the clock started.
    fn abnormal_transition(&self) -> AppResult<Option<(NaiveDate, Ending)>> {
        let Some(a) = &self.abnormal else {
            return Ok(None);
        };
        let years = self
            .table
            .years_on(keys::ABNORMAL_TRANSFER_AFTER, a.clock_from)?;
        let transfer = after_months(a.clock_from, years * 12);
        let nothing_to_rectify = a
            .causes
            .iter()
            .all(|c| c.rectified || !reason(c.reason_code).needs_rectification);
        if nothing_to_rectify {
            let months = self
                .table
                .months_on(keys::ABNORMAL_AUTO_REMOVAL, a.clock_from)?;
            let removal = after_months(a.clock_from, months);
            if removal <= transfer {
                return Ok(Some((removal, Ending::AutoRemoved)));
            }
        }
        Ok(Some((transfer, Ending::Transferred)))
    }

    /// Applies every transition due on or before `day`.
    fn advance(&mut self, day: NaiveDate) -> AppResult<()> {
        while let Some((on, ending)) = self.abnormal_transition()? {
            if on > day {
                break;
            }
            self.close(List::Abnormal, on, ending);
            if ending == Ending::Transferred {
                self.list(cause(reason(ABNORMAL_TWO_YEARS), on, None))?;
            }
        }
        Ok(())
    }

    fn slot(&mut self, list: List) -> &mut Option<Episode> {
        match list {
            List::Abnormal => &mut self.abnormal,
            List::Serious => &mut self.serious,
        }
    }

    fn close(&mut self, list: List, on: NaiveDate, ending: Ending) {
        if let Some(mut e) = self.slot(list).take() {
            e.until = Some(on);
            e.ending = Some(ending);
            e.next = None;
            self.closed.push(e);
        }
    }

    /// Lists for the cause's reason: opens an episode, or restarts the clock of the open one
    /// (rule 20). Any new listing event restarts the serious list's clock too: its two years
    /// run "without a new abnormal or serious event" (rule 19).
    fn list(&mut self, c: Cause) -> AppResult<()> {
        let list = reason(c.reason_code).list;
        let on = c.on;
        if let Some(s) = self.serious.as_mut() {
            s.clock_from = on;
        }
        match self.slot(list) {
            Some(e) => {
                e.clock_from = on;
                e.causes.push(c);
            }
            slot @ None => {
                *slot = Some(Episode {
                    list,
                    since: on,
                    clock_from: on,
                    causes: vec![c],
                    until: None,
                    ending: None,
                    next: None,
                });
            }
        }
        Ok(())
    }

    fn penalty(&mut self, ev: &Event, kind: PenaltyKind, amount_fen: i64) -> AppResult<()> {
        let on = ev.on;
        let id = Some(ev.id);
        let minor = match kind {
            PenaltyKind::Warning => true,
            PenaltyKind::Fine => amount_fen < self.table.fen_on(keys::LARGE_FINE, on)?,
            _ => false,
        };
        match kind {
            _ if minor => {
                self.minor_penalties.push(on);
                self.list(cause(reason(PENALTY_MINOR), on, id))?;
                let years = self.table.years_on(keys::REPEAT_PENALTY_WINDOW, on)?;
                let window_from = on
                    .checked_sub_months(Months::new(years * 12))
                    .unwrap_or(NaiveDate::MIN);
                let within = self
                    .minor_penalties
                    .iter()
                    .filter(|d| **d >= window_from && **d <= on)
                    .count();
                let needed = self.table.number_on(keys::REPEAT_PENALTY_COUNT, on)?;
                if within >= needed as usize {
                    self.list(cause(reason(REPEAT_PENALTIES), on, id))?;
                }
            }
            PenaltyKind::Fine => self.list(cause(reason(LARGE_FINE), on, id))?,
            PenaltyKind::Suspension => self.list(cause(reason(SUSPENSION), on, id))?,
            PenaltyKind::CertificateRevoked | PenaltyKind::RegistrationCancelled => {
                self.list(cause(reason(REVOKED), on, id))?
            }
            PenaltyKind::Warning | PenaltyKind::Confiscation => {}
        }
        Ok(())
    }

    fn apply(&mut self, ev: &Event) -> AppResult<()> {
        self.advance(ev.on)?;
        match &ev.kind {
            EventKind::Listing { reason } => self.list(cause(reason, ev.on, Some(ev.id)))?,
            EventKind::Penalty { kind, amount_fen } => self.penalty(ev, *kind, *amount_fen)?,
            EventKind::RemovalApplied { .. } => {}
            EventKind::Rectified => {
                if self.abnormal.is_some() {
                    self.close(List::Abnormal, ev.on, Ending::Rectified);
                }
                if let Some(s) = self.serious.as_mut() {
                    for c in &mut s.causes {
                        c.rectified = true;
                    }
                }
            }
            EventKind::Removed => self.close(List::Serious, ev.on, Ending::Removed),
            EventKind::Deregistered => {
                self.close(List::Abnormal, ev.on, Ending::Deregistered);
                self.close(List::Serious, ev.on, Ending::Deregistered);
            }
        }
        Ok(())
    }

    fn finish(mut self) -> AppResult<Vec<Episode>> {
        // What time alone will do: an abnormal listing always ends (removal or transfer).
        self.advance(NaiveDate::MAX)?;
        if let Some(s) = self.serious.as_mut() {
            let years = self
                .table
                .years_on(keys::SERIOUS_MIN_LISTING, s.clock_from)?;
            s.next = Some(after_months(s.clock_from, years * 12));
        }
        let mut all = self.closed;
        all.extend(self.abnormal);
        all.extend(self.serious);
        all.sort_by_key(|e| (e.since, e.list));
        Ok(all)
    }
}

/// Every episode of an organization on the two lists, from its events in any order (they are
/// taken by date, then as given). An open abnormal episode whose removal or transfer is due in
/// the future is ended at that date already: no nightly run is needed for time to pass.
pub fn project(events: &[Event], table: &RuleTable) -> AppResult<Vec<Episode>> {
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| e.on);
    let mut engine = Engine {
        table,
        abnormal: None,
        serious: None,
        closed: Vec::new(),
        minor_penalties: Vec::new(),
    };
    for ev in sorted {
        engine.apply(ev)?;
    }
    engine.finish()
}

/// Why a removal from the serious list cannot be granted on a date (rule 19).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// Whether the organization may be removed from the serious list on `on`: it is on it, two
/// years have passed since its clock started with no new event, it was not listed for a
/// revocation (that ends only with deregistration), and a transferred listing has rectified
/// (rule 19).
pub fn may_remove(episodes: &[Episode], on: NaiveDate) -> Result<(), Refusal> {
    let Some(s) = episodes
        .iter()
        .find(|e| e.list == List::Serious && e.in_force(on))
    else {
        return Err(Refusal {
            code: "credit.not_listed",
            zh: "该组织当日不在严重违法失信名单上".into(),
            en: "The organization is not on the list of serious violations on that day".into(),
        });
    };
    if s.causes
        .iter()
        .any(|c| reason(c.reason_code).until_deregistered)
    {
        return Err(Refusal {
            code: "credit.until_deregistered",
            zh: "因被吊销登记证书或撤销登记列入的，完成注销后方可移出（规则 19）".into(),
            en: "Listed for a revocation: it leaves the list only when deregistration is complete (rule 19)".into(),
        });
    }
    if let Some(next) = s.next.filter(|n| on < *n) {
        return Err(Refusal {
            code: "credit.too_early",
            zh: format!("列入满 2 年且无新的失信情形后方可移出：最早 {next}（规则 19）"),
            en: format!(
                "Removal only after two years on the list without a new event: from {next} (rule 19)"
            ),
        });
    }
    if s.causes
        .iter()
        .any(|c| reason(c.reason_code).needs_rectification && !c.rectified)
    {
        return Err(Refusal {
            code: "credit.not_rectified",
            zh: "由活动异常名录转入的，须先完成整改并经核实（规则 19）".into(),
            en: "Transferred from the abnormal list: the rectification must be verified first (rule 19)".into(),
        });
    }
    Ok(())
}
