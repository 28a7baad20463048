//! Demo applications in 西湖区 and 滨江区, one or more in every state a visitor should see: a
//! draft, one returned with its missing list, some in joint review with steps decided and
//! pending, some on public notice with an objection, and approved ones with their USCC. They go
//! through the same service path as the API (every change checked and audited), acted by the
//! demo accounts, on a clock that starts some weeks before today. The same seed gives the same
//! names and persons; an application whose name exists is skipped, so loading twice adds nothing.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use serde_json::json;
use uuid::Uuid;

use super::model::{Action, NewApplication, PersonInput};
use super::service::{self, ActInput};
use super::store;
use crate::platform::auth::{Actor, Role, UserActor, store as accounts};
use crate::platform::clock::FixedClock;
use crate::platform::pii::PiiCipher;
use crate::platform::{AppResult, AppState, Config, Db};

/// How far the demo's story goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Draft,
    Returned,
    /// Accepted; the steps listed are decided (approved), the others pending.
    InReview(&'static [&'static str]),
    /// On public notice, with one objection filed and not answered yet.
    Publicity,
    Approved,
}

/// One demo application: where it is, what it is, how far it went.
struct Plan {
    county: &'static str,
    domicile: &'static str,
    name: &'static str,
    org_type: &'static str,
    category: &'static str,
    supervisory_unit: Option<&'static str>,
    scope: &'static str,
    stage: Stage,
}

const fn plan(
    (county, domicile): (&'static str, &'static str),
    name: &'static str,
    org_type: &'static str,
    category: &'static str,
    supervisory_unit: Option<&'static str>,
    scope: &'static str,
    stage: Stage,
) -> Plan {
    Plan {
        county,
        domicile,
        name,
        org_type,
        category,
        supervisory_unit,
        scope,
        stage,
    }
}

/// 西湖区 › 西溪街道 › 石灰桥社区 and 滨江区 › 西兴街道 › 西陵社区.
const XIHU: (&str, &str) = ("330106", "330106004053");
const BINJIANG: (&str, &str) = ("330108", "330108001001");

const PLANS: &[Plan] = &[
    plan(
        XIHU,
        "西湖区石灰桥居家养老服务中心",
        "social_service_agency",
        "community_service",
        None,
        "为老年人提供助餐助浴、日间照料",
        Stage::Draft,
    ),
    plan(
        XIHU,
        "西湖区越剧艺术研究会",
        "social_group",
        "other",
        Some("西湖区文化和广电旅游体育局"),
        "越剧艺术交流、展演、培训",
        Stage::Returned,
    ),
    plan(
        XIHU,
        "西湖区围棋协会",
        "social_group",
        "other",
        Some("西湖区文化和广电旅游体育局"),
        "围棋推广、比赛、培训",
        Stage::InReview(&["supervisory"]),
    ),
    plan(
        XIHU,
        "西湖区人工智能学会",
        "social_group",
        "science_tech",
        None,
        "人工智能学术交流、科普宣传、技术咨询",
        Stage::Publicity,
    ),
    plan(
        XIHU,
        "西湖区助学公益基金会",
        "foundation",
        "charity",
        None,
        "资助困难学生、奖励优秀教师",
        Stage::Approved,
    ),
    plan(
        BINJIANG,
        "滨江区四点半课堂服务社",
        "social_service_agency",
        "community_service",
        None,
        "小学生课后托管、作业辅导",
        Stage::Draft,
    ),
    plan(
        BINJIANG,
        "滨江区数字经济促进会",
        "social_group",
        "science_tech",
        None,
        "数字经济研究、企业交流、人才培养",
        Stage::InReview(&["registration"]),
    ),
    plan(
        BINJIANG,
        "滨江区邻里互助协会",
        "social_group",
        "community_service",
        None,
        "邻里互助、社区志愿服务",
        Stage::Publicity,
    ),
    plan(
        BINJIANG,
        "滨江区应急救助公益服务中心",
        "social_service_agency",
        "charity",
        None,
        "应急救助、防灾减灾宣传",
        Stage::Approved,
    ),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "丽华", "海燕", "文博", "晓东", "春梅", "俊杰", "雅琴",
];

/// Loads the demo applications, sealing identity numbers with a key derived from the seed. The
/// server cannot unseal them with its own key (`keys/pii.key`); prefer [`load_demo_with`] where
/// the server's cipher is at hand. The numbers are synthetic (region 330199, unassigned).
pub async fn load_demo(db: &Db, seed: u64) -> AppResult<()> {
    let key: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(format!("fengqiao-demo-pii-{seed}").as_bytes()).into()
    };
    let today = crate::demo::demo_today(db, Utc::now().date_naive()).await?;
    load_demo_with(db, PiiCipher::from_key(key), seed, today).await
}

/// Loads the demo applications as of `today` (the demo's day, [`crate::demo::demo_today`]),
/// sealing identity numbers with `pii`. Each application is run through the real workflow on
/// its own day before it.
pub async fn load_demo_with(db: &Db, pii: PiiCipher, seed: u64, today: NaiveDate) -> AppResult<()> {
    // 09:00 in Shanghai, the start of an office day.
    let now = today
        .and_hms_opt(1, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now);
    let clock = FixedClock::new(now - Duration::days(42));
    let config = Config {
        demo: false,
        ..Config::default()
    };
    let state = crate::bootstrap::state(db.clone(), config, Arc::new(clock.clone()), None, pii);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x0005_e9a1);
    let mut seq = 0u16;
    for (n, p) in PLANS.iter().enumerate() {
        // Each application starts on its own day, the ones going furthest first.
        let days_back = match p.stage {
            Stage::Approved => 40,
            Stage::Returned => 12,
            // 滨江区's is past its deadlines: the overdue flag shows.
            Stage::InReview(_) if p.county == BINJIANG.0 => 35,
            Stage::InReview(_) => 8,
            Stage::Publicity => 2,
            Stage::Draft => 1,
        };
        clock.set(now - Duration::days(days_back) + Duration::minutes(n as i64));
        let mut persons = Vec::new();
        for (i, position) in ["理事长", "秘书长", "发起人"].into_iter().enumerate() {
            seq += 1;
            let year = rng.random_range(1960..=1995);
            let birth =
                NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28))
                    .unwrap_or_default();
            let id = codes::IdNumber::from_parts("330199", birth, seq)
                .map_err(|e| crate::platform::AppError::from_code("id_number", &e))?;
            let name = format!(
                "{}{}",
                SURNAMES[rng.random_range(0..SURNAMES.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            );
            persons.push(PersonInput {
                name,
                id_number: id.as_str().to_string(),
                capacity: if i < 2 { "leader" } else { "founder" }.into(),
                position: position.into(),
                is_legal_rep: i == 0,
                retired_official: false,
            });
        }
        if store::count_named(db, p.name).await? > 0 {
            continue;
        }
        run_plan(&state, &clock, p, persons).await?;
    }
    // Governance of the approved ones, recorded today by their county's officer.
    clock.set(now);
    let xihu = actor(db, "xihu", Role::CountyOfficer, XIHU.0).await?;
    let binjiang = actor(db, "binjiang", Role::CountyOfficer, BINJIANG.0).await?;
    super::demo_governance::load(&state, |region| {
        if region.starts_with(XIHU.0) {
            Some(xihu.clone())
        } else if region.starts_with(BINJIANG.0) {
            Some(binjiang.clone())
        } else {
            None
        }
    })
    .await?;
    Ok(())
}

/// A demo account as an actor (an in-memory founder when 滨江区 has no org_admin account).
async fn actor(db: &Db, username: &str, role: Role, region: &str) -> AppResult<Actor> {
    let user = accounts::user_by_username(db, username).await?;
    let region = codes::RegionCode::parse(region)
        .map_err(|e| crate::platform::AppError::from_code("region", &e))?;
    let department = match &user {
        Some(u) => accounts::grants_of(db, u.id)
            .await?
            .into_iter()
            .find(|g| g.role == role.key())
            .and_then(|g| g.department_id),
        None => None,
    };
    Ok(Actor::User(UserActor {
        user_id: user.as_ref().map_or(Uuid::nil(), |u| u.id),
        username: username.into(),
        display_name: user.map_or_else(|| username.into(), |u| u.display_name),
        role,
        region,
        grant_id: Uuid::nil(),
        department,
    }))
}

async fn run_plan(
    state: &AppState,
    clock: &FixedClock,
    p: &Plan,
    persons: Vec<PersonInput>,
) -> AppResult<()> {
    let db = &state.db;
    let xihu = p.county == XIHU.0;
    let founder = if xihu {
        actor(db, "orgadmin", Role::OrgAdmin, XIHU.0).await?
    } else {
        actor(db, "demo-founder-binjiang", Role::OrgAdmin, BINJIANG.0).await?
    };
    let officer = if xihu {
        actor(db, "xihu", Role::CountyOfficer, XIHU.0).await?
    } else {
        actor(db, "binjiang", Role::CountyOfficer, BINJIANG.0).await?
    };
    let city = actor(db, "hangzhou", Role::CityOfficer, "330100").await?;
    let body: NewApplication = serde_json::from_value(json!({
        "kind": "establishment", "org_type": p.org_type, "category": p.category, "name": p.name,
        "domicile_code": p.domicile, "reach": "county", "supervisory_unit": p.supervisory_unit,
        "business_scope": p.scope, "purpose": format!("服务{}群众", if xihu { "西湖区" } else { "滨江区" }),
        "address": if xihu { "西溪路 1 号" } else { "西兴路 8 号" },
        "funds_fen": if p.org_type == "foundation" { 200_000_000 } else { 3_000_000 },
    }))
    .map_err(anyhow::Error::from)?;
    let body = NewApplication { persons, ..body };
    let app = service::create(state, &founder, &body).await?;
    // The supervisory step is decided by the reviewer of the unit the application names.
    let reviewer = crate::demo::ACCOUNTS
        .iter()
        .find(|a| {
            a.department.is_some() && a.department == app.supervisory_department_id.as_deref()
        })
        .map_or("reviewer", |a| a.username);
    let dept = actor(db, reviewer, Role::DeptReviewer, XIHU.0).await?;
    if p.stage == Stage::Draft {
        return Ok(());
    }
    let id = app.id;
    let checklist: Vec<String> = app.checklist().iter().map(|m| m.key.to_string()).collect();
    let tick = |h: i64| clock.advance(Duration::hours(h));
    let act = |who: &Actor, action: Action, input: ActInput| {
        let who = who.clone();
        async move { service::act(state, &who, id, action, input).await }
    };
    let materials = |keys: Vec<String>| ActInput {
        materials: keys,
        ..Default::default()
    };
    if p.stage == Stage::Returned {
        act(&founder, Action::Submit, materials(checklist[..2].to_vec())).await?;
        tick(1);
        act(&officer, Action::Return, ActInput::default()).await?;
        return Ok(());
    }
    act(&founder, Action::Submit, materials(checklist.clone())).await?;
    tick(1);
    act(&officer, Action::Accept, ActInput::default()).await?;
    let view = service::view(state, service::load(state, id).await?).await?;
    for s in &view.steps {
        let decided = match p.stage {
            Stage::InReview(done) => done.contains(&s.step.as_str()),
            _ => true,
        };
        if !decided {
            continue;
        }
        let who = match s.step.as_str() {
            "registration" => &officer,
            "supervisory" => &dept,
            _ => &city,
        };
        tick(1);
        let step = service::parse_step(&s.step)?;
        let opinion = ActInput {
            opinion: "同意".into(),
            ..Default::default()
        };
        act(who, Action::Review(step, true), opinion).await?;
    }
    if matches!(p.stage, Stage::InReview(_)) {
        return Ok(());
    }
    tick(2);
    act(&officer, Action::StartPublicity, ActInput::default()).await?;
    tick(2);
    let objection = service::file_objection(
        state,
        &Actor::Public,
        id,
        "居民",
        "",
        "拟任理事长是否另有兼职，请予核实。",
    )
    .await?;
    if p.stage == Stage::Publicity {
        return Ok(());
    }
    tick(1);
    service::answer_objection(
        state,
        &officer,
        id,
        objection,
        "经核查，无其他兼职，符合任职条件。",
    )
    .await?;
    clock.advance(Duration::days(10));
    act(&officer, Action::Approve, ActInput::default()).await?;
    Ok(())
}
