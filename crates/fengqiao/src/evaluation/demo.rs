//! Demo evaluation data, dated back from today (deterministic: fixed names, serials and scores):
//! an expert pool (the demo `expert` account among them), organizations graded 5A … 1A in a
//! round of 杭州市 two years ago, one 3A whose grade has expired (decided six years ago), and a
//! round of 西湖区 this year in progress with two applications. Loads once (skipped when the
//! pool has experts).

use chrono::{Datelike, Days, Months, NaiveDate};
use uuid::Uuid;

use super::model::valid_until;
use super::store::{self, ApplicationRow, ExpertRow, GradeRow, RoundRow};
use crate::platform::module::DemoContext;
use crate::platform::{AppError, AppResult};

/// (name, fields, region, has the demo `expert` account)
const EXPERTS: &[(&str, &str, &str, bool)] = &[
    ("周明远", "社会组织管理", "330000", true),
    ("陈静怡", "财务审计", "330000", false),
    ("王立新", "法律", "330100", false),
    ("李晓梅", "社会工作", "330100", false),
    ("张国华", "公益慈善", "330106", false),
    ("刘芳", "行业协会", "330108", false),
];

/// (name, USCC serial, grade, score, years ago decided, status)
const GRADED: &[(&str, u64, &str, i64, u32, &str)] = &[
    ("杭州市社会组织发展促进会", 9301, "5A", 962, 2, "in_force"),
    ("杭州市滨江区文化艺术协会", 9302, "4A", 921, 2, "in_force"),
    ("杭州市西湖区科技创新促进会", 9303, "3A", 873, 2, "in_force"),
    (
        "杭州市滨江区邻里互助服务联合会",
        9304,
        "2A",
        815,
        2,
        "in_force",
    ),
    (
        "杭州市西湖区青年志愿者联谊会",
        9305,
        "1A",
        768,
        2,
        "in_force",
    ),
    ("杭州市滨江区老年体育协会", 9306, "3A", 866, 6, "expired"),
];

/// Organizations applying in this year's round of 西湖区 (name, serial).
const APPLYING: &[(&str, u64)] = &[
    ("杭州市西湖区书画研究会", 9311),
    ("杭州市西湖区社区治理研究会", 9312),
];

fn demo_error(e: impl std::fmt::Debug) -> AppError {
    AppError::Internal(anyhow::anyhow!("evaluation demo: {e:?}"))
}

fn region_of(serial: u64) -> &'static str {
    if serial % 2 == 1 { "330106" } else { "330108" }
}

fn years_ago(today: NaiveDate, years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(12 * years))
        .unwrap_or(today)
}

pub async fn load(cx: &DemoContext<'_>) -> AppResult<()> {
    if store::has_experts(cx.db).await? {
        return Ok(());
    }
    let now = chrono::Utc::now();
    for (i, (name, fields, region, account)) in EXPERTS.iter().enumerate() {
        let user_id = if *account {
            crate::platform::auth::store::user_by_username(cx.db, "expert")
                .await?
                .map(|u| u.id)
        } else {
            None
        };
        let e = ExpertRow {
            id: Uuid::now_v7(),
            name: name.to_string(),
            fields: fields.to_string(),
            region_code: region.to_string(),
            user_id,
        };
        // The fifth expert left 杭州市西湖区书画研究会 a year ago: recused in this year's round.
        let ties = if i == 4 {
            let uscc = codes::Uscc::for_serial('1', "330106", APPLYING[0].1).map_err(demo_error)?;
            let org = store::demo_organization(
                cx.db,
                now,
                (uscc.as_str(), APPLYING[0].0),
                "330106",
                years_ago(cx.today, 8),
            )
            .await?;
            vec![(org, "原秘书长".to_string(), Some(years_ago(cx.today, 1)))]
        } else {
            Vec::new()
        };
        store::insert_expert(cx.db, now, &e, &ties).await?;
    }
    // Past rounds of 杭州市, closed.
    let mut rounds = std::collections::BTreeMap::new();
    for years in [2u32, 6] {
        let r = RoundRow {
            id: Uuid::now_v7(),
            region_code: "330100".into(),
            year: cx.today.year() - years as i32,
            title: format!("杭州市 {} 年度社会组织评估", cx.today.year() - years as i32),
            state: "closed".into(),
            seed: None,
            candidates: None,
            drawn_on: None,
            created_at: now,
        };
        store::insert_demo_round(cx.db, now, &r).await?;
        rounds.insert(years, r.id);
    }
    for (name, serial, grade, score, years, status) in GRADED {
        let region = region_of(*serial);
        let uscc = codes::Uscc::for_serial('1', region, *serial).map_err(demo_error)?;
        let decided_on = years_ago(cx.today, *years);
        let org = store::demo_organization(
            cx.db,
            now,
            (uscc.as_str(), name),
            region,
            years_ago(cx.today, 10),
        )
        .await?;
        let a = ApplicationRow {
            id: Uuid::now_v7(),
            round_id: rounds[years],
            organization_id: org,
            region_code: region.into(),
            state: "graded".into(),
            reasons: "[]".into(),
            applied_on: decided_on - Days::new(60),
        };
        // Demo dates: publicity of 7 working days is about 9 calendar days.
        let publicity_until = decided_on + Days::new(9);
        let g = GradeRow {
            id: Uuid::now_v7(),
            organization_id: org,
            application_id: a.id,
            round_id: a.round_id,
            region_code: region.into(),
            grade: grade.to_string(),
            score: *score,
            decided_on,
            publicity_until,
            in_force_from: publicity_until + Days::new(1),
            valid_until: valid_until(decided_on, 5),
            status: status.to_string(),
        };
        store::insert_demo_grade(cx.db, now, &a, &g).await?;
    }
    // This year's round of 西湖区, in progress: open, two organizations applied.
    let r = RoundRow {
        id: Uuid::now_v7(),
        region_code: "330106".into(),
        year: cx.today.year(),
        title: format!("西湖区 {} 年度社会组织评估", cx.today.year()),
        state: "open".into(),
        seed: None,
        candidates: None,
        drawn_on: None,
        created_at: now,
    };
    store::insert_demo_round(cx.db, now, &r).await?;
    for (name, serial) in APPLYING {
        let uscc = codes::Uscc::for_serial('1', "330106", *serial).map_err(demo_error)?;
        let org = store::demo_organization(
            cx.db,
            now,
            (uscc.as_str(), name),
            "330106",
            years_ago(cx.today, 8),
        )
        .await?;
        let a = ApplicationRow {
            id: Uuid::now_v7(),
            round_id: r.id,
            organization_id: org,
            region_code: "330106".into(),
            state: "eligible".into(),
            reasons: "[]".into(),
            applied_on: cx.today - Days::new(10),
        };
        store::insert_application(cx.db, now, &crate::platform::auth::Actor::System, &a).await?;
    }
    Ok(())
}
