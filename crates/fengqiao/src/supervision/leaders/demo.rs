//! Demo data of leader management: for the first organizations of 西湖区 whose register holds a
//! legal representative, a 约谈 followed up and closed, an open 责令撤换 with its deadline, the
//! departure audit of the legal representative's term and last year's 述职. Written through the
//! store as the system; an organization that has measures already is skipped.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::store::{self, ActionRow, AuditRow, DutyReportRow};
use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;

/// How many organizations get leader-management records.
const ORGANIZATIONS: usize = 2;

pub async fn load(db: &Db, today: NaiveDate) -> AppResult<()> {
    let now = Utc.from_utc_datetime(&today.and_hms_opt(2, 0, 0).unwrap_or_default());
    let before = |days: u64| today - Days::new(days);
    let mut done = 0;
    for org in super::super::store::demo_organizations(db, "330106%", 40).await? {
        if done == ORGANIZATIONS {
            break;
        }
        let leaders = crate::registration::store::leader_persons(db, org.id).await?;
        let Some(rep) = leaders
            .iter()
            .find(|l| l.is_legal_rep && l.ended_on.is_none())
        else {
            continue;
        };
        done += 1;
        if !store::actions_of(db, org.id).await?.is_empty() {
            continue;
        }
        let action =
            |kind: &str, decided: u64, due: Option<NaiveDate>, document: &str, facts: &str| {
                ActionRow {
                    id: Uuid::now_v7(),
                    organization_id: org.id,
                    region_code: org.region_code.clone(),
                    person_id: rep.person_id,
                    kind: kind.into(),
                    decided_on: before(decided),
                    document: document.into(),
                    facts: facts.into(),
                    due_on: due,
                    ban_until: None,
                    state: "open".into(),
                    follow_up: String::new(),
                    done_on: None,
                    recorded_at: now,
                }
            };
        let summons = action(
            "summons",
            40,
            Some(before(20)),
            "西民社约〔demo〕1号",
            "未按章程按期召开理事会，财务公开不及时",
        );
        store::insert_action(db, now, &Actor::System, &summons).await?;
        store::close_action(
            db,
            now,
            &Actor::System,
            (org.id, summons.id),
            "已召开理事会并在门户网站公开年度财务报告",
            before(22),
        )
        .await?;
        let order = action(
            "order_replace",
            6,
            Some(today + Days::new(24)),
            "西民社撤〔demo〕1号",
            "秘书长长期不履职，责令撤换直接负责的主管人员",
        );
        store::insert_action(db, now, &Actor::System, &order).await?;
        let audit = AuditRow {
            id: Uuid::now_v7(),
            organization_id: org.id,
            region_code: org.region_code.clone(),
            person_id: rep.person_id,
            auditor: "浙江之江会计师事务所".into(),
            report_no: format!("之江审〔{}〕离任{done}号", today.year()),
            report_date: before(3).max(rep.started_on),
            conclusion: "任期内财务收支真实、合规，未发现重大问题".into(),
            recorded_at: now,
        };
        store::insert_audit(db, now, &Actor::System, &audit, None).await?;
        let year = today.year() - 1;
        if year >= rep.started_on.year() {
            let report = DutyReportRow {
                id: Uuid::now_v7(),
                organization_id: org.id,
                region_code: org.region_code.clone(),
                person_id: rep.person_id,
                year,
                reported_on: NaiveDate::from_ymd_opt(today.year(), 1, 20).unwrap_or(today),
                summary: "向理事会报告年度工作、财务与廉洁自律情况".into(),
                recorded_at: now,
            };
            store::insert_duty_report(db, now, &Actor::System, &report).await?;
        }
    }
    Ok(())
}
