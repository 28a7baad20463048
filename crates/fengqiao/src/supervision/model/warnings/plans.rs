//! Fundraising-plan rules (moved from the charity module): gifts confirmed outside a filed
//! plan's period (募捐期限以外募捐, DOMAIN.md §6.2) and overdue disclosures (信息公开逾期, §6.2,
//! §6.5, rule 25). The period of a plan warning is `plan:<filing number>`, with the due date for
//! a recurring disclosure (each missed due date is its own warning).

use chrono::{Days, Months, NaiveDate};
use serde_json::json;

use super::{DISCLOSURE_EMERGENCY, DISCLOSURE_FINAL, DISCLOSURE_PROGRESS, Hit, OUTSIDE_PERIOD};

const SOURCE_PERIOD: &str =
    "慈善法 第二十五条、第二十八条（按备案方案开展募捐）；DOMAIN.md §6.2 [H]";
const SOURCE_DISCLOSURE: &str = "慈善法 第七十八条；DOMAIN.md §0 rule 25, §6.2, §6.5 [H]";

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

fn plan_period(p: &PlanFacts) -> String {
    format!("plan:{}", p.filing_no)
}

/// Donations confirmed outside the filed period (募捐期限以外募捐, §6.2).
pub fn outside_period(p: &PlanFacts) -> Option<Hit> {
    let n = p.donations_before_start + p.donations_after_end;
    (n > 0).then(|| {
        Hit::new(
            OUTSIDE_PERIOD,
            plan_period(p),
            json!({"filing_no": p.filing_no, "starts_on": p.starts_on, "ends_on": p.ends_on,
                   "donations_before_start": p.donations_before_start, "donations_after_end": p.donations_after_end}),
            (
                format!(
                    "募捐方案 {} 在备案期限（{} 至 {}）以外收到捐赠 {} 笔",
                    p.filing_no, p.starts_on, p.ends_on, n
                ),
                format!(
                    "Plan {} received {} donations outside its filed period ({} to {})",
                    p.filing_no, n, p.starts_on, p.ends_on
                ),
            ),
            (
                "核实期限外的捐赠，退还或依法另行备案，并说明情况".into(),
                "Check the donations outside the period, return them or file them lawfully, and explain".into(),
            ),
            SOURCE_PERIOD,
        )
    })
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m))
        .unwrap_or(NaiveDate::MAX)
}

fn overdue(code: &'static str, p: &PlanFacts, due: NaiveDate, text: (String, String)) -> Hit {
    let period = if code == DISCLOSURE_FINAL {
        plan_period(p)
    } else {
        format!("{}:{}", plan_period(p), due)
    };
    Hit::new(
        code,
        period,
        json!({"filing_no": p.filing_no, "starts_on": p.starts_on, "ends_on": p.ends_on, "due": due}),
        text,
        (
            "在慈善中国等平台公开应公开的募捐情况".into(),
            "Publish the disclosure that is due".into(),
        ),
        SOURCE_DISCLOSURE,
    )
}

/// Overdue disclosures on `today` (信息公开逾期, rule 25). While a campaign runs: a campaign
/// longer than 6 months (ends after the corresponding date 6 months from its start) needs a
/// disclosure at least every 3 months — overdue when `today` is after the corresponding date 3
/// months from the last disclosure (or from the start); an emergency campaign every 5 days
/// likewise. After the end: the final disclosure is overdue when `today` is after the
/// corresponding date 3 months from the end and no final disclosure was made.
pub fn disclosure_overdue(p: &PlanFacts, today: NaiveDate) -> Vec<Hit> {
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
                out.push(overdue(DISCLOSURE_PROGRESS, p, due, (
                    format!(
                        "募捐方案 {} 募捐期超过六个月，应至少每三个月公开一次，上次公开 {}，应于 {} 前公开",
                        p.filing_no, last, due
                    ),
                    format!(
                        "Plan {} runs over six months and must disclose at least every three months; last {}, due by {}",
                        p.filing_no, last, due
                    ),
                )));
            }
        }
        if p.emergency {
            let due = last
                .checked_add_days(Days::new(EMERGENCY_EVERY_DAYS))
                .unwrap_or(NaiveDate::MAX);
            if today > due {
                out.push(overdue(DISCLOSURE_EMERGENCY, p, due, (
                    format!(
                        "应急救灾募捐 {} 应至少每五日公开一次接受捐赠情况，上次公开 {}",
                        p.filing_no, last
                    ),
                    format!(
                        "Emergency appeal {} must publish donations received at least every five days; last {}",
                        p.filing_no, last
                    ),
                )));
            }
        }
    }
    let due = add_months(p.ends_on, FINAL_WITHIN_MONTHS);
    if today > due && !p.disclosures.iter().any(|(_, fin)| *fin) {
        out.push(overdue(
            DISCLOSURE_FINAL,
            p,
            due,
            (
                format!(
                    "募捐方案 {} 已于 {} 结束，应于 {} 前全面公开募捐情况",
                    p.filing_no, p.ends_on, due
                ),
                format!(
                    "Plan {} ended on {}; its full disclosure was due by {}",
                    p.filing_no, p.ends_on, due
                ),
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
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

    /// §6.2: a gift confirmed outside the filed period is flagged.
    #[test]
    fn donations_outside_the_period_are_flagged() {
        let p = plan("2026-01-01", "2026-03-31");
        assert_eq!(outside_period(&p), None);
        let late = PlanFacts {
            donations_after_end: 2,
            ..p
        };
        let h = outside_period(&late).unwrap();
        assert!(h.zh.contains("2 笔"));
        assert_eq!(h.period, "plan:浙民募备[2026]0001");
    }

    /// Rule 25: longer than six months (exactly six is not), disclosure every three months.
    #[test]
    fn long_campaigns_disclose_every_three_months() {
        let six = plan("2026-01-01", "2026-07-01");
        assert!(disclosure_overdue(&six, d("2026-06-01")).is_empty());
        let long = plan("2026-01-01", "2026-07-02");
        assert!(disclosure_overdue(&long, d("2026-04-01")).is_empty());
        let w = disclosure_overdue(&long, d("2026-04-02"));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "charity.disclosure.progress");
        assert_eq!(w[0].period, "plan:浙民募备[2026]0001:2026-04-01");
        let disclosed = PlanFacts {
            disclosures: vec![(d("2026-03-15"), false)],
            ..long
        };
        assert!(disclosure_overdue(&disclosed, d("2026-06-15")).is_empty());
        assert_eq!(disclosure_overdue(&disclosed, d("2026-06-16")).len(), 1);
    }

    /// Rule 25, §6.5: the final disclosure within three months of the end.
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

    /// Rule 25: emergency appeals publish every five days.
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
}
