//! Closing a filed fundraising plan (募捐方案的终止与撤回): the charity ends its campaign early,
//! or drops it before it starts, or an officer of its region stops it; a closed plan takes no
//! more donations ([`super::open_for_donation`] asks for `filed`). Pure.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::Plan;

/// What closing makes of a plan, by the day it is closed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedAs {
    /// 已撤回: closed before its first day; no donation could have been taken.
    Withdrawn,
    /// 已结束: closed on or after its first day (during or after its period).
    Closed,
}

impl ClosedAs {
    /// The plan's status after the closing (`fundraising_plans.status`).
    pub fn status(self) -> &'static str {
        match self {
            ClosedAs::Withdrawn => "withdrawn",
            ClosedAs::Closed => "closed",
        }
    }
}

/// Why a plan cannot be closed: it is not `filed` any more (closed or withdrawn already).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyClosed;

/// Closing `plan` on `today` (Asia/Shanghai): withdrawn before its first day, closed from it on;
/// a plan that is not `filed` cannot be closed again.
pub fn close(plan: &Plan, today: NaiveDate) -> Result<ClosedAs, AlreadyClosed> {
    if plan.status != "filed" {
        return Err(AlreadyClosed);
    }
    Ok(if today < plan.starts_on {
        ClosedAs::Withdrawn
    } else {
        ClosedAs::Closed
    })
}

/// When, how and why a plan was closed, for its public page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Closure {
    /// closed 已结束 | withdrawn 已撤回
    pub status: String,
    /// The Asia/Shanghai date of the closing.
    pub closed_on: NaiveDate,
    pub closed_at: DateTime<Utc>,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(status: &str) -> Plan {
        Plan {
            id: uuid::Uuid::nil(),
            filing_no: "n".into(),
            organization_id: uuid::Uuid::nil(),
            title: "t".into(),
            purpose: "p".into(),
            target_fen: 1,
            starts_on: "2026-12-01".parse().unwrap(),
            ends_on: "2026-12-31".parse().unwrap(),
            region_code: "330106".into(),
            beneficiaries: "b".into(),
            status: status.into(),
            filed_at: Utc::now(),
        }
    }

    #[test]
    fn withdrawn_before_the_first_day_closed_from_it_and_only_once() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let p = plan("filed");
        assert_eq!(close(&p, d("2026-11-30")), Ok(ClosedAs::Withdrawn));
        assert_eq!(close(&p, d("2026-12-01")), Ok(ClosedAs::Closed));
        assert_eq!(close(&p, d("2027-01-05")), Ok(ClosedAs::Closed));
        assert_eq!(close(&plan("closed"), d("2026-12-05")), Err(AlreadyClosed));
        assert_eq!(
            close(&plan("withdrawn"), d("2026-11-05")),
            Err(AlreadyClosed)
        );
    }
}
