//! Types and pure rules of the annual work report (年度工作报告, DOMAIN.md §0 rule 14, §4): its
//! states and review steps, its content and the check a submission passes
//! ([`statements::validate`]), its deadline and lateness ([`deadline`]).

pub mod deadline;
pub mod rules;
pub mod statements;
pub mod warnings;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use statements::{FieldError, LargeItem, ReportBody, ReportContent, Statements};

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿: the organization is filling it in.
    Draft,
    /// 已提交: with the 业务主管单位 (where there is one) or the registration authority.
    Submitted,
    /// 业务主管单位初审通过: with the registration authority.
    SupervisoryPassed,
    /// 合格.
    Passed,
    /// 基本合格（限期整改）: passed, a corrected version is expected.
    PassedWithCorrections,
    /// 不合格.
    Failed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Submitted,
        Status::SupervisoryPassed,
        Status::Passed,
        Status::PassedWithCorrections,
        Status::Failed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::SupervisoryPassed => "supervisory_passed",
            Status::Passed => "passed",
            Status::PassedWithCorrections => "passed_with_corrections",
            Status::Failed => "failed",
        }
    }

    pub fn from_key(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.key() == s)
    }

    /// Decided: passed (with or without corrections) or failed.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            Status::Passed | Status::PassedWithCorrections | Status::Failed
        )
    }

    /// Published to the public (§4: published after passing inspection).
    pub fn is_published(self) -> bool {
        matches!(self, Status::Passed | Status::PassedWithCorrections)
    }

    /// A new version may follow: a failed or corrected report is resubmitted as a new version.
    pub fn may_be_corrected(self) -> bool {
        matches!(self, Status::Failed | Status::PassedWithCorrections)
    }
}

/// The officer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    PassWithCorrections,
    Fail,
}

impl Verdict {
    pub fn from_key(s: &str) -> Option<Verdict> {
        match s {
            "pass" => Some(Verdict::Pass),
            "pass_with_corrections" => Some(Verdict::PassWithCorrections),
            "fail" => Some(Verdict::Fail),
            _ => None,
        }
    }

    pub fn status(self) -> Status {
        match self {
            Verdict::Pass => Status::Passed,
            Verdict::PassWithCorrections => Status::PassedWithCorrections,
            Verdict::Fail => Status::Failed,
        }
    }
}

/// The review step a report waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The 业务主管单位's first review (DOMAIN.md §2.1 双重管理, §4).
    Supervisory,
    /// The registration authority's officers.
    Registration,
}

/// Which step a report in `status` waits for; `None` when it waits for none (a draft, a
/// decided report). A report of an organization with a 业务主管单位 goes there first (§4);
/// one without goes straight to the registering region's officers.
pub fn waiting_for(status: Status, has_supervisory_unit: bool) -> Option<Step> {
    match status {
        Status::Submitted if has_supervisory_unit => Some(Step::Supervisory),
        Status::Submitted | Status::SupervisoryPassed => Some(Step::Registration),
        _ => None,
    }
}

/// A stored report, one version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub version: i32,
    pub status: String,
    pub supervisory_unit: Option<String>,
    pub supervisory_department_id: Option<String>,
    #[sqlx(flatten)]
    pub body: ReportBody,
    #[sqlx(flatten)]
    pub statements: Statements,
    pub large_items: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_on: Option<NaiveDate>,
    pub supervisory_comment: String,
    pub supervisory_reviewer_id: Option<Uuid>,
    pub supervisory_reviewed_at: Option<DateTime<Utc>>,
    pub decision_comment: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReportRow {
    pub fn status(&self) -> Status {
        Status::from_key(&self.status).unwrap_or(Status::Draft)
    }

    pub fn content(&self) -> ReportContent {
        ReportContent {
            body: self.body.clone(),
            statements: self.statements.clone(),
            large_items: serde_json::from_str(&self.large_items).unwrap_or_default(),
        }
    }

    pub fn waiting_for(&self) -> Option<Step> {
        waiting_for(self.status(), self.supervisory_unit.is_some())
    }
}

/// A report as the API shows it to the organization and its reviewers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub region_code: String,
    pub year: i32,
    pub version: i32,
    pub status: Status,
    /// The step it waits for, if any.
    pub waiting_for: Option<Step>,
    pub supervisory_unit: Option<String>,
    pub supervisory_department_id: Option<String>,
    #[serde(flatten)]
    pub content: ReportContent,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The day the submission counts for (Asia/Shanghai).
    pub submitted_on: Option<NaiveDate>,
    /// The deadline to the registration authority (rule 14), rolled to a working day; `None`
    /// where the calendar has no data for that year.
    pub deadline: Option<NaiveDate>,
    /// The deadline to the 业务主管单位, where the organization has one.
    pub supervisory_deadline: Option<NaiveDate>,
    /// Submitted after the deadline (the year's first submission counts), or not yet and the
    /// deadline has passed.
    pub late: bool,
    pub supervisory_comment: String,
    pub supervisory_reviewer_id: Option<Uuid>,
    pub supervisory_reviewed_at: Option<DateTime<Utc>>,
    pub decision_comment: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The published parts of a passed report (public): no reviewer, no comment, no large items.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedReport {
    pub year: i32,
    pub version: i32,
    pub status: Status,
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub body: ReportBody,
    #[serde(flatten)]
    pub statements: Statements,
}

impl From<&ReportRow> for PublishedReport {
    fn from(r: &ReportRow) -> Self {
        PublishedReport {
            year: r.year,
            version: r.version,
            status: r.status(),
            decided_at: r.decided_at,
            body: r.body.clone(),
            statements: r.statements.clone(),
        }
    }
}

/// One line of an officer's list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ListItem {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub uscc: Option<String>,
    pub org_type: String,
    pub region_code: String,
    pub year: i32,
    pub version: i32,
    pub status: String,
    pub submitted_on: Option<NaiveDate>,
    pub supervisory_unit: Option<String>,
}

/// The organization facts the module needs.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = SupervisionOrganization)]
pub struct OrgFacts {
    pub id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: String,
    pub region_code: String,
    pub status: String,
    pub registered_on: Option<NaiveDate>,
    pub supervisory_unit: Option<String>,
}

impl OrgFacts {
    /// Whether the organization reports on `year` (rule 14): registered (status `registered`,
    /// on or before 31 December of the year) and of a reporting type; filed community
    /// organizations report none.
    pub fn reports_on(&self, year: i32) -> bool {
        self.status == "registered"
            && rules::keys_of(&self.org_type).is_some()
            && match (self.registered_on, deadline::year_end(year)) {
                (Some(on), Some(end)) => on <= end,
                _ => false,
            }
    }

    /// The 业务主管单位 it names, if any (双重管理).
    pub fn supervisory(&self) -> Option<&str> {
        self.supervisory_unit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(status: &str, org_type: &str, registered_on: Option<&str>) -> OrgFacts {
        OrgFacts {
            id: Uuid::nil(),
            uscc: None,
            name: String::new(),
            org_type: org_type.into(),
            region_code: "330106".into(),
            status: status.into(),
            registered_on: registered_on.map(|s| s.parse().unwrap()),
            supervisory_unit: None,
        }
    }

    /// DOMAIN.md rule 14, §4: registered on 31 December reports on that year; on 1 January of
    /// the next, not; filed community organizations never.
    #[test]
    fn who_reports_on_a_year() {
        assert!(org("registered", "social_group", Some("2025-12-31")).reports_on(2025));
        assert!(!org("registered", "social_group", Some("2026-01-01")).reports_on(2025));
        assert!(org("registered", "foundation", Some("2020-05-01")).reports_on(2025));
        assert!(!org("filed", "community_org", Some("2020-05-01")).reports_on(2025));
        assert!(!org("deregistered", "social_group", Some("2020-05-01")).reports_on(2025));
        assert!(!org("registered", "social_group", None).reports_on(2025));
    }

    /// §4 / §2.1: the 业务主管单位 reviews first where there is one, else the officers.
    #[test]
    fn the_supervisory_unit_reviews_first_where_there_is_one() {
        assert_eq!(
            waiting_for(Status::Submitted, true),
            Some(Step::Supervisory)
        );
        assert_eq!(
            waiting_for(Status::Submitted, false),
            Some(Step::Registration)
        );
        assert_eq!(
            waiting_for(Status::SupervisoryPassed, true),
            Some(Step::Registration)
        );
        assert_eq!(waiting_for(Status::Draft, true), None);
        assert_eq!(waiting_for(Status::Passed, false), None);
        for s in Status::ALL {
            assert_eq!(Status::from_key(s.key()), Some(s));
        }
    }
}
