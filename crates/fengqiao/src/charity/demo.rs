//! Demo charities in several cities: recognized charities, some with a public-fundraising
//! qualification, and filed plans open today (by the demo clock, the real date). 西湖区's
//! qualified charity is one the demo account `orgadmin` (org_admin of 西湖区) acts for, with an
//! open plan. Loading twice adds nothing (an organization whose USCC exists is skipped).

use chrono::{Days, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::model::Plan;
use super::store::{self, DemoCharity, PlanDetails};
use crate::platform::auth::Actor;
use crate::platform::{AppError, AppResult, Db};

/// (region, name, org_type, USCC serial, years a charity (0: not a charity), qualified, plan
/// title if any)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    u64,
    bool,
    Option<&'static str>,
);

const CHARITIES: &[Row] = &[
    (
        "330106",
        "杭州市西湖区西溪慈善基金会",
        "foundation",
        9001,
        3,
        true,
        Some("西溪困境老人暖冬行动"),
    ),
    (
        "330106",
        "西湖区青少年助学服务中心",
        "social_service_agency",
        9002,
        2,
        false,
        None,
    ),
    (
        "330108",
        "滨江区助残慈善协会",
        "social_group",
        9003,
        4,
        true,
        Some("滨江区残障儿童康复助力"),
    ),
    (
        "330203",
        "宁波市海曙区阳光慈善基金会",
        "foundation",
        9004,
        5,
        true,
        Some("海曙区大病救助募捐"),
    ),
    (
        "330302",
        "温州市鹿城区红日亭慈善服务中心",
        "social_service_agency",
        9005,
        3,
        true,
        Some("红日亭爱心粥铺"),
    ),
    (
        "330602",
        "绍兴市越城区乡贤助学协会",
        "social_group",
        9006,
        1,
        false,
        None,
    ),
    // Not a charity yet: its recognition application waits for 西湖区's decision.
    (
        "330106",
        "西湖区西溪助老服务中心",
        "social_service_agency",
        9007,
        0,
        false,
        None,
    ),
];

fn type_char(t: &str) -> char {
    match t {
        "social_group" => '1',
        "social_service_agency" => '2',
        _ => '3',
    }
}

/// Loads the demo charities and plans as the province officer (the one who decided them).
pub async fn load(db: &Db) -> AppResult<()> {
    let now = Utc::now();
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let actor = Actor::Public;
    for (region, name, org_type, serial, years, qualified, plan) in CHARITIES {
        if !store::region_exists(db, region).await? {
            continue;
        }
        let uscc = codes::Uscc::for_serial(type_char(org_type), region, *serial)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("uscc: {e}")))?;
        if store::organization_by_uscc(db, uscc.as_str())
            .await?
            .is_some()
        {
            continue;
        }
        let back = |y: u64| today.checked_sub_days(Days::new(365 * y)).unwrap_or(today);
        let org_id = Uuid::now_v7();
        store::demo_charity(
            db,
            now,
            &DemoCharity {
                id: org_id,
                uscc: uscc.as_str().to_string(),
                name: name.to_string(),
                org_type: org_type.to_string(),
                region_code: region.to_string(),
                registered_on: back(years + 2),
                recognized_on: (*years > 0).then(|| back(*years)),
                qualified_on: qualified.then(|| back(years.saturating_sub(1).max(1))),
            },
        )
        .await?;
        // The demo's organization account (org_admin of 西湖区) acts for 西湖区's charities.
        if *region == "330106"
            && let Some(user) =
                crate::platform::auth::store::user_by_username(db, "orgadmin").await?
        {
            crate::platform::auth::store::grant_organization(db, now, org_id, user.id).await?;
        }
        if *years == 0 {
            pending_recognition(db, org_id, region, today).await?;
        }
        if let Some(title) = plan {
            let filed_on: NaiveDate = today - Duration::days(30);
            let p = Plan {
                id: Uuid::now_v7(),
                filing_no: String::new(),
                organization_id: org_id,
                title: title.to_string(),
                purpose: format!("{title}：为困难群众提供帮助"),
                target_fen: 50_000_000,
                starts_on: today - Duration::days(20),
                ends_on: today + Duration::days(70),
                region_code: region.to_string(),
                beneficiaries: "辖区内经核实的困难群众".into(),
                status: "filed".into(),
                filed_at: now - Duration::days(30),
            };
            let details = PlanDetails {
                budget: "募捐成本不超过募得款物的 5%，用于宣传和票据".into(),
                contact: "王老师 0571-88888888".into(),
                emergency: false,
            };
            store::file_plan(db, now - Duration::days(30), filed_on, &actor, &p, &details).await?;
        }
    }
    Ok(())
}

/// A pending 慈善组织认定 application filed today by `orgadmin`, for `xihu` to decide.
async fn pending_recognition(db: &Db, org: Uuid, region: &str, today: NaiveDate) -> AppResult<()> {
    let Some(user) = crate::platform::auth::store::user_by_username(db, "orgadmin").await? else {
        return Ok(());
    };
    let actor = Actor::User(crate::platform::auth::UserActor {
        user_id: user.id,
        username: "orgadmin".into(),
        display_name: user.display_name,
        role: crate::platform::auth::Role::OrgAdmin,
        region: codes::RegionCode::parse(region).map_err(|e| AppError::from_code("region", &e))?,
        grant_id: Uuid::nil(),
        department: None,
    });
    let days = crate::platform::rules::store::load(db)
        .await?
        .working_days_on(super::model::Kind::Recognition.deadline_key(), today)?;
    // Beyond the holiday data no deadline is guessed: the demo then files nothing.
    let Ok(deadline) = crate::calendar::store::load(db)
        .await?
        .add_working_days(today, days)
    else {
        return Ok(());
    };
    let app = super::model::Application {
        id: Uuid::now_v7(),
        kind: "recognition".into(),
        organization_id: org,
        region_code: region.into(),
        state: "pending".into(),
        statement: "本中心长期开展助老服务，申请认定为慈善组织".into(),
        submitted_on: today,
        deadline,
        decided_on: None,
        decided_by: None,
        decision_reason: String::new(),
        created_at: Utc::now(),
    };
    store::create_application(db, Utc::now(), &actor, &app).await
}
