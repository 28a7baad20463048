//! The deterministic demo data set: one account per role (each scoped to a region), then every
//! module's own part (its `demo` declaration): organizations of the public register, grids
//! under communities (`--scale province`: every village), applications, charities, donations.
//! The same seed always gives the same data.

use crate::platform::auth::{Role, store as accounts};
use crate::platform::departments::{self, DepartmentKind};
use crate::platform::module::DemoContext;
use crate::platform::{AppResult, Db};

/// The password of every demo account (printed at start; demo data is for trying the platform).
pub const DEMO_PASSWORD: &str = "fengqiao-demo";

/// One demo account: username, display name, role, region.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub region: &'static str,
    pub region_name: &'static str,
    /// The department the account acts for (部门), for a department reviewer.
    pub department: Option<&'static str>,
}

/// One account per role. 西湖区 (330106) and 滨江区 (330108) are neighbours in 杭州, so the
/// two county officers show region scoping.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        display_name: "系统管理员",
        role: Role::SysAdmin,
        region: "330000",
        region_name: "浙江省",
        department: None,
    },
    DemoAccount {
        username: "province",
        display_name: "省厅 王处长",
        role: Role::ProvinceOfficer,
        region: "330000",
        region_name: "浙江省",
        department: None,
    },
    DemoAccount {
        username: "hangzhou",
        display_name: "杭州市局 李科长",
        role: Role::CityOfficer,
        region: "330100",
        region_name: "杭州市",
        department: None,
    },
    DemoAccount {
        username: "xihu",
        display_name: "西湖区局 陈科员",
        role: Role::CountyOfficer,
        region: "330106",
        region_name: "西湖区",
        department: None,
    },
    DemoAccount {
        username: "binjiang",
        display_name: "滨江区局 周科员",
        role: Role::CountyOfficer,
        region: "330108",
        region_name: "滨江区",
        department: None,
    },
    DemoAccount {
        username: "xixi",
        display_name: "西溪街道 吴干事",
        role: Role::StreetOfficer,
        region: "330106004",
        region_name: "西湖区西溪街道",
        department: None,
    },
    DemoAccount {
        username: "reviewer",
        display_name: "区科技局 郑审查员",
        role: Role::DeptReviewer,
        region: "330106",
        region_name: "西湖区",
        department: Some("330106.kejiju"),
    },
    DemoAccount {
        username: "wenlv",
        display_name: "区文广旅体局 林审查员",
        role: Role::DeptReviewer,
        region: "330106",
        region_name: "西湖区",
        department: Some("330106.wenguanglvti"),
    },
    DemoAccount {
        username: "inspector",
        display_name: "区执法队 孙检查员",
        role: Role::Inspector,
        region: "330106",
        region_name: "西湖区",
        department: None,
    },
    DemoAccount {
        username: "expert",
        display_name: "评估专家 钱教授",
        role: Role::Expert,
        region: "330000",
        region_name: "浙江省",
        department: None,
    },
    DemoAccount {
        username: "socialworker",
        display_name: "社工 冯老师",
        role: Role::SocialWorker,
        region: "330106004",
        region_name: "西湖区西溪街道",
        department: None,
    },
    DemoAccount {
        username: "orgadmin",
        display_name: "社会组织管理员 何女士",
        role: Role::OrgAdmin,
        region: "330106",
        region_name: "西湖区",
        department: None,
    },
    DemoAccount {
        username: "volunteer",
        display_name: "志愿者 小林",
        role: Role::Volunteer,
        region: "330106004053",
        region_name: "石灰桥社区",
        department: None,
    },
    DemoAccount {
        username: "resident",
        display_name: "居民 张大爷",
        role: Role::Resident,
        region: "330106004053",
        region_name: "石灰桥社区",
        department: None,
    },
];

/// The departments (部门) of the demo regions: 西湖区's registration office, its 业务主管单位,
/// its party-building body and the bodies of joint enforcement, and 杭州市民政局.
pub const DEPARTMENTS: &[(&str, DepartmentKind, &str)] = &[
    (
        "330106.minzheng",
        DepartmentKind::CivilAffairs,
        "西湖区民政局",
    ),
    (
        "330106.kejiju",
        DepartmentKind::Supervisory,
        "西湖区科学技术局",
    ),
    (
        "330106.wenguanglvti",
        DepartmentKind::Supervisory,
        "西湖区文化和广电旅游体育局",
    ),
    (
        "330106.nongye",
        DepartmentKind::Supervisory,
        "西湖区农业农村局",
    ),
    ("330106.jiaoyu", DepartmentKind::Supervisory, "西湖区教育局"),
    (
        "330106.weijian",
        DepartmentKind::Supervisory,
        "西湖区卫生健康局",
    ),
    (
        "330106.dangwei",
        DepartmentKind::PartyBuilding,
        "西湖区社会组织综合党委",
    ),
    (
        "330106.gongan",
        DepartmentKind::PublicSecurity,
        "杭州市公安局西湖区分局",
    ),
    (
        "330106.shichang",
        DepartmentKind::MarketRegulation,
        "西湖区市场监督管理局",
    ),
    ("330106.caizheng", DepartmentKind::Finance, "西湖区财政局"),
    ("330106.sifa", DepartmentKind::Justice, "西湖区司法局"),
    (
        "330100.minzheng",
        DepartmentKind::CivilAffairs,
        "杭州市民政局",
    ),
];

/// The demo departments and accounts, each account with its one grant (and the department the
/// grant names). Accounts that exist are kept; departments of regions not loaded are skipped.
pub async fn load_accounts(db: &Db, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    for (id, kind, name) in DEPARTMENTS {
        let region = id.split_once('.').map_or("", |(r, _)| r);
        if crate::regions::store::get(db, region).await?.is_some() {
            departments::ensure(db, now, id, *kind, name).await?;
        }
    }
    for a in ACCOUNTS {
        if accounts::user_by_username(db, a.username).await?.is_some() {
            continue;
        }
        let user = accounts::create_user(
            db,
            now,
            a.username,
            a.display_name,
            DEMO_PASSWORD,
            &[(a.role, a.region)],
        )
        .await?;
        if let Some(department) = a.department {
            for g in accounts::grants_of(db, user).await? {
                departments::assign(db, g.id, Some(department)).await?;
            }
        }
    }
    Ok(())
}

pub use crate::directory::demo::load_organizations;
pub use crate::platform::module::DemoScale as Scale;

/// How far past its day the demo's workflows count in working days: review steps of 20 working
/// days begun weeks before, publicity, charity decisions. The holiday calendar never guesses a
/// year it has no notice for, so the demo must stay this far inside its data.
pub const DEMO_HORIZON_DAYS: u64 = 120;

/// The day the demo data is written as of: today, unless the holiday calendar's data ends less
/// than [`DEMO_HORIZON_DAYS`] after it (from about September, until the province enters the next
/// year's State Council notice); then that many days before the data ends, so that every
/// deadline the demo's workflows count stays inside the data and the server starts on any date.
/// Without calendar data, today.
pub async fn demo_today(db: &Db, today: chrono::NaiveDate) -> AppResult<chrono::NaiveDate> {
    let cal = crate::calendar::store::load(db).await?;
    let Some(end) = cal
        .last_year()
        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 12, 31))
    else {
        return Ok(today);
    };
    let latest = end - chrono::Days::new(DEMO_HORIZON_DAYS);
    Ok(today.min(latest))
}

/// Loads the demo data into a database that has its reference data: the accounts, then each
/// module's part in the order of [`crate::modules::ALL`] (the register's organizations, grids,
/// applications in every state, charities and their plans, donations and disbursements).
/// Idempotent: accounts that exist are kept, and each module skips what it finds.
pub async fn load(
    db: &Db,
    pii: &crate::platform::pii::PiiCipher,
    scale: Scale,
    seed: u64,
    quiet: bool,
) -> AppResult<()> {
    let now = chrono::Utc::now();
    load_accounts(db, now).await?;
    let cx = DemoContext {
        db,
        pii,
        scale,
        seed,
        today: demo_today(
            db,
            now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive(),
        )
        .await?,
        quiet,
    };
    for m in crate::modules::ALL {
        if let Some(load) = m.demo {
            load(&cx).await?;
        }
    }
    Ok(())
}
