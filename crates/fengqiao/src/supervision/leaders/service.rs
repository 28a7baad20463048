//! The one path of every leader-management action, shared by the JSON API and the pages: parse
//! the input (naming the field at fault, in Chinese and English), check the rules, write
//! through the store. The route has authorized the actor for the organization already (its
//! region, or for an organization account its binding).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{self, ActionDates, ActionKind, DateFault, PRACTICE_BAN_TERM, SittingRep};
use super::store::{self, ActionRow, AuditRow, DutyReportRow};
use crate::directory::model::parse_date;
use crate::platform::auth::Actor;
use crate::platform::files::Upload;
use crate::platform::{AppError, AppResult, AppState};
use crate::registration::model::Organization;
use crate::registration::store::LeaderPerson;

/// Longest text accepted in one field (a typing guard).
pub const TEXT_MAX_CHARS: usize = 2000;

fn text(field: &str, v: &str, required: bool) -> AppResult<String> {
    crate::platform::input::text("supervision", field, v, required, TEXT_MAX_CHARS)
}

fn fault(f: &DateFault) -> AppError {
    AppError::invalid(f.field, &format!("supervision.{}", f.field), f.zh, f.en)
}

fn optional_date(field: &str, v: &str) -> AppResult<Option<NaiveDate>> {
    match v.trim() {
        "" => Ok(None),
        s => parse_date(field, s).map(Some),
    }
}

/// Everything the leadership page and `GET …/leadership` show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Leadership {
    pub organization_id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub region_code: String,
    /// The register's leaders, past and present (identity numbers masked).
    pub leaders: Vec<LeaderPerson>,
    pub actions: Vec<ActionView>,
    pub departure_audits: Vec<AuditView>,
    pub duty_reports: Vec<DutyReportRow>,
}

/// An action with the name of its leader and whether its follow-up is overdue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = LeaderActionView)]
pub struct ActionView {
    #[serde(flatten)]
    pub action: ActionRow,
    pub person_name: String,
    pub overdue: bool,
}

/// A departure audit with the name of the representative audited and its report's file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = DepartureAuditView)]
pub struct AuditView {
    #[serde(flatten)]
    pub audit: AuditRow,
    pub person_name: String,
    /// The report's file in the file store (download under the organization's access).
    pub file_id: Option<Uuid>,
    pub file_sha256: Option<String>,
}

fn person_name(leaders: &[LeaderPerson], id: Uuid) -> String {
    leaders
        .iter()
        .find(|l| l.person_id == id)
        .map(|l| l.name.clone())
        .unwrap_or_default()
}

pub async fn leadership(state: &AppState, org: &Organization) -> AppResult<Leadership> {
    let today = state.clock.today();
    let leaders = crate::registration::leaders_of(state, org.id).await?;
    let actions = store::actions_of(&state.db, org.id)
        .await?
        .into_iter()
        .map(|a| ActionView {
            person_name: person_name(&leaders, a.person_id),
            overdue: model::overdue(a.state == "open", a.due_on, today),
            action: a,
        })
        .collect();
    let mut departure_audits = Vec::new();
    for a in store::audits_of(&state.db, org.id).await? {
        let file =
            crate::platform::files::of_object(&state.db, store::AUDIT_FILES, &a.id.to_string())
                .await?
                .into_iter()
                .next();
        departure_audits.push(AuditView {
            person_name: person_name(&leaders, a.person_id),
            file_id: file.as_ref().map(|f| f.id),
            file_sha256: file.map(|f| f.sha256),
            audit: a,
        });
    }
    Ok(Leadership {
        organization_id: org.id,
        uscc: org.uscc.clone(),
        name: org.name.clone(),
        region_code: org.region_code.clone(),
        duty_reports: store::duty_reports_of(&state.db, org.id).await?,
        leaders,
        actions,
        departure_audits,
    })
}

/// The leader a form names: a person the register holds as a leader of this organization, now
/// or before.
async fn leader_of(
    state: &AppState,
    org: &Organization,
    person_id: &str,
) -> AppResult<LeaderPerson> {
    let unknown = || {
        AppError::invalid(
            "person_id",
            "supervision.person_id",
            "请选择本组织登记在册的负责人",
            "Choose a leader the register holds for this organization",
        )
    };
    let id = Uuid::parse_str(person_id.trim()).map_err(|_| unknown())?;
    crate::registration::leaders_of(state, org.id)
        .await?
        .into_iter()
        .filter(|l| l.person_id == id)
        .max_by_key(|l| l.started_on)
        .ok_or_else(unknown)
}

/// A measure about a leader (officers of the organization's region).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = NewLeaderAction)]
pub struct NewAction {
    /// The leader's person id (from `GET …/leadership`).
    pub person_id: String,
    /// summons 约谈 | warning 警告 | order_replace 责令撤换 | practice_ban 从业禁止
    pub kind: String,
    /// YYYY-MM-DD, not after today.
    pub decided_on: String,
    /// 决定文书编号.
    pub document: String,
    pub facts: String,
    /// YYYY-MM-DD: the deadline to follow up (required for order_replace).
    #[serde(default)]
    pub due_on: String,
    /// YYYY-MM-DD: the last day of a practice ban (default: the rule parameter's years on).
    #[serde(default)]
    pub ban_until: String,
}

/// Records a leader action. A 从业禁止 is also a bar the credit module keeps (registration asks it
/// of every founder and leader): it is recorded there first, under the action's id, so that
/// the bar never waits on this record.
pub async fn record_action(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    b: &NewAction,
) -> AppResult<ActionView> {
    let today = state.clock.today();
    let leader = leader_of(state, org, &b.person_id).await?;
    let kind = ActionKind::from_key(b.kind.trim()).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "supervision.kind",
            "应为 summons（约谈）、warning（警告）、order_replace（责令撤换）或 practice_ban（从业禁止）",
            "Must be summons, warning, order_replace or practice_ban",
        )
    })?;
    let mut dates = ActionDates {
        decided_on: parse_date("decided_on", &b.decided_on)?,
        due_on: optional_date("due_on", &b.due_on)?,
        ban_until: optional_date("ban_until", &b.ban_until)?,
    };
    if let Some(f) = model::check_dates(kind, &dates, today).first() {
        return Err(fault(f));
    }
    let document = text("document", &b.document, true)?;
    let facts = text("facts", &b.facts, true)?;
    let id = Uuid::now_v7();
    // The regulations' 警告 is a penalty on the organization: the credit module records it
    // first (rule 15(5), 18), so that the list never waits on this record.
    if kind == ActionKind::Warning {
        crate::credit::record_warning(state, actor, org, dates.decided_on, &document, &facts)
            .await?;
    }
    if kind == ActionKind::PracticeBan {
        if dates.ban_until.is_none() {
            let years = state
                .rules
                .table()
                .await?
                .years_on(PRACTICE_BAN_TERM, dates.decided_on)?;
            dates.ban_until = model::default_ban_end(dates.decided_on, years);
        }
        crate::credit::bar_person(
            state,
            actor,
            id,
            &leader.id_number_index,
            (dates.decided_on, dates.ban_until),
            &facts,
            &document,
        )
        .await?;
    }
    let row = ActionRow {
        id,
        organization_id: org.id,
        region_code: org.region_code.clone(),
        person_id: leader.person_id,
        kind: kind.key().into(),
        decided_on: dates.decided_on,
        document,
        facts,
        due_on: dates.due_on,
        ban_until: dates.ban_until,
        state: "open".into(),
        follow_up: String::new(),
        done_on: None,
        recorded_at: state.clock.now(),
    };
    store::insert_action(&state.db, row.recorded_at, actor, &row).await?;
    Ok(ActionView {
        overdue: model::overdue(true, row.due_on, today),
        person_name: leader.name,
        action: row,
    })
}

/// The follow-up that closes an action.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = LeaderActionFollowUp)]
pub struct FollowUp {
    /// What was done (the leader replaced, the problems corrected…).
    pub follow_up: String,
    /// YYYY-MM-DD (default today), not after today.
    #[serde(default)]
    pub done_on: String,
}

pub async fn close_action(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    action_id: &str,
    b: &FollowUp,
) -> AppResult<()> {
    let id = crate::platform::extract::parse_id(action_id)?;
    let today = state.clock.today();
    let follow_up = text("follow_up", &b.follow_up, true)?;
    let done_on = optional_date("done_on", &b.done_on)?.unwrap_or(today);
    if done_on > today {
        return Err(AppError::invalid(
            "done_on",
            "supervision.done_on",
            "办结日期不能晚于今天",
            "Cannot be after today",
        ));
    }
    let actions = store::actions_of(&state.db, org.id).await?;
    let action = actions
        .iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    if done_on < action.decided_on {
        return Err(AppError::invalid(
            "done_on",
            "supervision.done_on",
            "办结日期不能早于决定日期",
            "Cannot be before the decision",
        ));
    }
    if !store::close_action(
        &state.db,
        state.clock.now(),
        actor,
        (org.id, id),
        &follow_up,
        done_on,
    )
    .await?
    {
        return Err(AppError::conflict(
            "supervision.action_closed",
            "该措施已办结",
            "This action is closed already",
        ));
    }
    Ok(())
}

/// A departure audit as the organization (or an officer) files it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = NewDepartureAudit)]
pub struct NewAudit {
    /// The audited legal representative's person id.
    pub person_id: String,
    /// The audit firm (会计师事务所).
    pub auditor: String,
    pub report_no: String,
    /// YYYY-MM-DD, not after today.
    pub report_date: String,
    pub conclusion: String,
}

pub async fn file_audit(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    b: &NewAudit,
    upload: Option<Upload>,
) -> AppResult<AuditRow> {
    let leader = leader_of(state, org, &b.person_id).await?;
    if !leader.is_legal_rep {
        return Err(AppError::invalid(
            "person_id",
            "supervision.person_id",
            "离任审计针对法定代表人",
            "A departure audit is of a legal representative",
        ));
    }
    let report_date = parse_date("report_date", &b.report_date)?;
    if report_date > state.clock.today() {
        return Err(AppError::invalid(
            "report_date",
            "supervision.report_date",
            "报告日期不能晚于今天",
            "Cannot be after today",
        ));
    }
    let row = AuditRow {
        id: Uuid::now_v7(),
        organization_id: org.id,
        region_code: org.region_code.clone(),
        person_id: leader.person_id,
        auditor: text("auditor", &b.auditor, true)?,
        report_no: text("report_no", &b.report_no, true)?,
        report_date,
        conclusion: text("conclusion", &b.conclusion, true)?,
        recorded_at: state.clock.now(),
    };
    if let Some(u) = &upload {
        state.files.keep(u).await?;
    }
    let file = upload.as_ref().map(|u| (Uuid::now_v7(), u));
    store::insert_audit(&state.db, row.recorded_at, actor, &row, file).await?;
    Ok(row)
}

/// A legal representative's 述职 for a year.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewDutyReport {
    pub person_id: String,
    pub year: i32,
    /// YYYY-MM-DD, not after today.
    pub reported_on: String,
    pub summary: String,
}

pub async fn record_duty_report(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    b: &NewDutyReport,
) -> AppResult<DutyReportRow> {
    let today = state.clock.today();
    let leader = leader_of(state, org, &b.person_id).await?;
    if !leader.is_legal_rep {
        return Err(AppError::invalid(
            "person_id",
            "supervision.person_id",
            "述职由法定代表人进行",
            "The yearly report is the legal representative's",
        ));
    }
    if let Some(f) = model::duty_year_fault(b.year, leader.started_on.year(), today.year()) {
        return Err(fault(&f));
    }
    let reported_on = parse_date("reported_on", &b.reported_on)?;
    if reported_on > today {
        return Err(AppError::invalid(
            "reported_on",
            "supervision.reported_on",
            "述职日期不能晚于今天",
            "Cannot be after today",
        ));
    }
    let row = DutyReportRow {
        id: Uuid::now_v7(),
        organization_id: org.id,
        region_code: org.region_code.clone(),
        person_id: leader.person_id,
        year: b.year,
        reported_on,
        summary: text("summary", &b.summary, true)?,
        recorded_at: state.clock.now(),
    };
    store::insert_duty_report(&state.db, row.recorded_at, actor, &row).await?;
    Ok(row)
}

/// Whether a departure audit on file covers the sitting legal representative's term
/// ([`model::audit_covers`]): what a change of legal representative needs (DOMAIN.md §3).
pub async fn audit_on_file(
    state: &AppState,
    organization_id: Uuid,
    sitting: &SittingRep,
) -> AppResult<bool> {
    Ok(
        store::audits_of_person(&state.db, organization_id, sitting.person_id)
            .await?
            .iter()
            .any(|a| {
                model::audit_covers(
                    &model::AuditFacts {
                        person_id: a.person_id,
                        report_date: a.report_date,
                    },
                    sitting,
                )
            }),
    )
}
