//! 负责人管理 (POLICY 九, 十二; DOMAIN.md §3): what the registration authority does about the
//! leaders of an organization, and the records an organization keeps of its legal
//! representative. Pure: types and rules, no IO.
//!
//! - Leader actions (负责人管理措施): 约谈 (民发〔2016〕39号), 警告, 责令撤换 (the penalties of the
//!   regulations, §2.2–2.4) and 从业禁止 (§3), each with its decision document, the facts, a
//!   deadline to follow up and the follow-up that closes it.
//! - 离任审计 (departure audit): a statutory financial audit before a change of legal
//!   representative (§3, §2.2–2.4) [H]. [`departure_audit_required`] says when a change needs
//!   one, [`audit_covers`] whether one on file serves.
//! - 法定代表人述职 (yearly report of the legal representative, POLICY 十二) [L: no national
//!   period]: one a year per person and organization.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use crate::platform::rules::RuleKey;

/// 从业禁止 without an end date given runs this many years from its decision: the 5-year bars
/// of 慈善法 Art. 16 that DOMAIN.md §3 names as 从业禁止 in practice [H for the bars, M for the
/// practice]. Read on the decision date.
pub const PRACTICE_BAN_TERM: RuleKey = RuleKey("supervision.practice_ban.default_term");

/// A measure the registration authority takes about a leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// 约谈: the leader is summoned, told the problems and required to correct them
    /// (民发〔2016〕39号, DOMAIN.md §3).
    Summons,
    /// 警告 (the regulations' penalty; the organization's credit records it as well).
    Warning,
    /// 责令撤换直接负责的主管人员: the organization must replace the leader by the deadline.
    OrderReplace,
    /// 从业禁止: the person may not found or lead an organization until the bar ends
    /// (DOMAIN.md §3; kept by the credit module, which registration asks).
    PracticeBan,
}

impl ActionKind {
    pub const ALL: [ActionKind; 4] = [
        ActionKind::Summons,
        ActionKind::Warning,
        ActionKind::OrderReplace,
        ActionKind::PracticeBan,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Summons => "summons",
            ActionKind::Warning => "warning",
            ActionKind::OrderReplace => "order_replace",
            ActionKind::PracticeBan => "practice_ban",
        }
    }

    pub fn from_key(s: &str) -> Option<ActionKind> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }

    /// 责令撤换 names the date by which the leader must be replaced; the others may name one.
    pub fn needs_due_date(self) -> bool {
        self == ActionKind::OrderReplace
    }
}

/// What an officer enters, once parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDates {
    pub decided_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub ban_until: Option<NaiveDate>,
}

/// A fault of an action's dates, by its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFault {
    pub field: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn fault(field: &'static str, zh: &'static str, en: &'static str) -> DateFault {
    DateFault { field, zh, en }
}

/// The dates of an action, judged on `today`: a decision is not dated in the future; a
/// deadline and a bar's end are not before the decision; 责令撤换 has its deadline; only a
/// 从业禁止 has an end of bar.
pub fn check_dates(kind: ActionKind, d: &ActionDates, today: NaiveDate) -> Vec<DateFault> {
    let mut out = Vec::new();
    if d.decided_on > today {
        out.push(fault(
            "decided_on",
            "决定日期不能晚于今天",
            "The decision cannot be dated after today",
        ));
    }
    match d.due_on {
        None if kind.needs_due_date() => out.push(fault(
            "due_on",
            "责令撤换须写明撤换期限",
            "An order to replace names its deadline",
        )),
        Some(due) if due < d.decided_on => out.push(fault(
            "due_on",
            "期限不能早于决定日期",
            "The deadline cannot be before the decision",
        )),
        _ => {}
    }
    match d.ban_until {
        Some(_) if kind != ActionKind::PracticeBan => out.push(fault(
            "ban_until",
            "只有从业禁止有禁止期限",
            "Only a practice ban has an end date",
        )),
        Some(until) if until <= d.decided_on => out.push(fault(
            "ban_until",
            "禁止期限应晚于决定日期",
            "The ban must end after the decision",
        )),
        _ => {}
    }
    out
}

/// The end of a 从业禁止 given without one: `years` after the decision, on the corresponding
/// date (month-end when there is none), DOMAIN.md preamble (民法典 Art. 201–203).
pub fn default_ban_end(decided_on: NaiveDate, years: u32) -> Option<NaiveDate> {
    decided_on.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// An action still open past its deadline (the follow-up the officer owes).
pub fn overdue(state_open: bool, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    state_open && due_on.is_some_and(|d| d < today)
}

/// The legal representative as the register holds him now: his person and the day his term began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SittingRep {
    pub person_id: Uuid,
    /// The keyed hash of his identity number (the register never holds it in clear).
    pub id_number_index: String,
    pub started_on: NaiveDate,
}

/// A change needs a departure audit of the sitting legal representative when it names a legal
/// representative (`proposed`: the keyed hash of his identity number) who is not him (离任审计 before a change of legal representative, DOMAIN.md §3,
/// §2.2–2.4) [H]. No sitting representative on the register (an organization filed before the
/// platform kept its leaders) needs none: there is nobody to audit.
pub fn departure_audit_required(sitting: Option<&SittingRep>, proposed: Option<&str>) -> bool {
    match (sitting, proposed) {
        (Some(s), Some(p)) => s.id_number_index != p,
        _ => false,
    }
}

/// A departure audit on file, as the rule reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditFacts {
    pub person_id: Uuid,
    pub report_date: NaiveDate,
}

/// An audit serves the change when it is of the departing representative and covers his term:
/// its report is dated on or after the day his term began (an audit of an earlier term does
/// not cover the one ending now).
pub fn audit_covers(audit: &AuditFacts, sitting: &SittingRep) -> bool {
    audit.person_id == sitting.person_id && audit.report_date >= sitting.started_on
}

/// The year of a 述职: a year that has begun, not before the year his term began.
pub fn duty_year_fault(year: i32, term_start_year: i32, today_year: i32) -> Option<DateFault> {
    if year > today_year {
        Some(fault(
            "year",
            "述职年度不能晚于今年",
            "The year cannot be after this year",
        ))
    } else if year < term_start_year {
        Some(fault(
            "year",
            "述职年度早于其任职开始",
            "The year is before his term began",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dates(decided: &str, due: Option<&str>, until: Option<&str>) -> ActionDates {
        ActionDates {
            decided_on: d(decided),
            due_on: due.map(d),
            ban_until: until.map(d),
        }
    }

    fn fields(v: &[DateFault]) -> Vec<&'static str> {
        v.iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_decision_is_not_dated_after_today() {
        let today = d("2026-06-10");
        let k = ActionKind::Summons;
        assert!(check_dates(k, &dates("2026-06-10", None, None), today).is_empty());
        assert_eq!(
            fields(&check_dates(k, &dates("2026-06-11", None, None), today)),
            ["decided_on"]
        );
    }

    /// 责令撤换 names its deadline (DOMAIN.md §3); a deadline on the decision day is allowed,
    /// the day before is not.
    #[test]
    fn an_order_to_replace_names_a_deadline_not_before_the_decision() {
        let today = d("2026-06-10");
        let k = ActionKind::OrderReplace;
        assert_eq!(
            fields(&check_dates(k, &dates("2026-06-01", None, None), today)),
            ["due_on"]
        );
        assert!(check_dates(k, &dates("2026-06-01", Some("2026-06-01"), None), today).is_empty());
        assert_eq!(
            fields(&check_dates(
                k,
                &dates("2026-06-01", Some("2026-05-31"), None),
                today
            )),
            ["due_on"]
        );
        // A summons may go without one.
        assert!(
            check_dates(ActionKind::Summons, &dates("2026-06-01", None, None), today).is_empty()
        );
    }

    #[test]
    fn only_a_practice_ban_has_an_end_after_its_decision() {
        let today = d("2026-06-10");
        let ban = ActionKind::PracticeBan;
        assert!(check_dates(ban, &dates("2026-06-01", None, Some("2026-06-02")), today).is_empty());
        assert_eq!(
            fields(&check_dates(
                ban,
                &dates("2026-06-01", None, Some("2026-06-01")),
                today
            )),
            ["ban_until"]
        );
        assert_eq!(
            fields(&check_dates(
                ActionKind::Warning,
                &dates("2026-06-01", None, Some("2027-06-01")),
                today
            )),
            ["ban_until"]
        );
    }

    /// DOMAIN.md §3 (5-year bars) and the preamble: the corresponding date, month-end when the
    /// month has none.
    #[test]
    fn a_ban_without_an_end_runs_its_years_to_the_corresponding_date() {
        assert_eq!(default_ban_end(d("2026-03-15"), 5), Some(d("2031-03-15")));
        assert_eq!(default_ban_end(d("2028-02-29"), 5), Some(d("2033-02-28")));
    }

    #[test]
    fn an_open_action_is_overdue_the_day_after_its_deadline() {
        let due = Some(d("2026-06-10"));
        assert!(!overdue(true, due, d("2026-06-10")));
        assert!(overdue(true, due, d("2026-06-11")));
        assert!(!overdue(false, due, d("2026-06-11")));
        assert!(!overdue(true, None, d("2030-01-01")));
    }

    fn sitting() -> SittingRep {
        SittingRep {
            person_id: Uuid::from_u128(7),
            id_number_index: "idx-sitting".into(),
            started_on: d("2022-05-01"),
        }
    }

    /// 离任审计 before a change of legal representative (DOMAIN.md §3, §2.2–2.4).
    #[test]
    fn a_new_legal_representative_needs_the_departing_ones_audit() {
        let s = sitting();
        assert!(departure_audit_required(Some(&s), Some("idx-new")));
        // The same person named again, or no legal representative named: no change of him.
        assert!(!departure_audit_required(Some(&s), Some("idx-sitting")));
        assert!(!departure_audit_required(Some(&s), None));
        assert!(!departure_audit_required(None, Some("idx-new")));
    }

    /// The audit covers the term ending now: dated on the term's first day serves, the day
    /// before does not; another person's audit never serves.
    #[test]
    fn an_audit_covers_the_departing_term_from_its_first_day() {
        let s = sitting();
        let on = |date: &str, person: u128| AuditFacts {
            person_id: Uuid::from_u128(person),
            report_date: d(date),
        };
        assert!(audit_covers(&on("2022-05-01", 7), &s));
        assert!(!audit_covers(&on("2022-04-30", 7), &s));
        assert!(!audit_covers(&on("2026-01-01", 8), &s));
    }

    #[test]
    fn a_duty_report_is_for_a_year_of_the_term_that_has_begun() {
        assert_eq!(duty_year_fault(2026, 2022, 2026), None);
        assert_eq!(duty_year_fault(2022, 2022, 2026), None);
        assert_eq!(
            duty_year_fault(2027, 2022, 2026).map(|f| f.field),
            Some("year")
        );
        assert_eq!(
            duty_year_fault(2021, 2022, 2026).map(|f| f.field),
            Some("year")
        );
    }
}
