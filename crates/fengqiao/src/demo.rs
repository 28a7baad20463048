//! The deterministic demo data set: one account per role (each scoped to a region) and grids
//! under communities. `--scale province` draws grids for every village (85,000+, as the
//! province reports); the same seed always gives the same data.

use rand::{Rng, SeedableRng};

use crate::bootstrap::Progress;
use crate::platform::auth::{Role, store as accounts};
use crate::platform::{AppResult, Db};
use crate::regions;

/// The password of every demo account (printed at start; demo data is for trying the platform).
pub const DEMO_PASSWORD: &str = "fengqiao-demo";

/// One demo account: username, display name, role, region.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub region: &'static str,
    pub region_name: &'static str,
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
    },
    DemoAccount {
        username: "province",
        display_name: "省厅 王处长",
        role: Role::ProvinceOfficer,
        region: "330000",
        region_name: "浙江省",
    },
    DemoAccount {
        username: "hangzhou",
        display_name: "杭州市局 李科长",
        role: Role::CityOfficer,
        region: "330100",
        region_name: "杭州市",
    },
    DemoAccount {
        username: "xihu",
        display_name: "西湖区局 陈科员",
        role: Role::CountyOfficer,
        region: "330106",
        region_name: "西湖区",
    },
    DemoAccount {
        username: "binjiang",
        display_name: "滨江区局 周科员",
        role: Role::CountyOfficer,
        region: "330108",
        region_name: "滨江区",
    },
    DemoAccount {
        username: "xixi",
        display_name: "西溪街道 吴干事",
        role: Role::StreetOfficer,
        region: "330106004",
        region_name: "西湖区西溪街道",
    },
    DemoAccount {
        username: "reviewer",
        display_name: "区科技局 郑审查员",
        role: Role::DeptReviewer,
        region: "330106",
        region_name: "西湖区",
    },
    DemoAccount {
        username: "inspector",
        display_name: "区执法队 孙检查员",
        role: Role::Inspector,
        region: "330106",
        region_name: "西湖区",
    },
    DemoAccount {
        username: "expert",
        display_name: "评估专家 钱教授",
        role: Role::Expert,
        region: "330000",
        region_name: "浙江省",
    },
    DemoAccount {
        username: "socialworker",
        display_name: "社工 冯老师",
        role: Role::SocialWorker,
        region: "330106004",
        region_name: "西湖区西溪街道",
    },
    DemoAccount {
        username: "orgadmin",
        display_name: "社会组织管理员 何女士",
        role: Role::OrgAdmin,
        region: "330106",
        region_name: "西湖区",
    },
    DemoAccount {
        username: "volunteer",
        display_name: "志愿者 小林",
        role: Role::Volunteer,
        region: "330106004053",
        region_name: "石灰桥社区",
    },
    DemoAccount {
        username: "resident",
        display_name: "居民 张大爷",
        role: Role::Resident,
        region: "330106004053",
        region_name: "石灰桥社区",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// Accounts, and grids in 西湖区 and 滨江区.
    Small,
    /// Accounts, and grids under every village of the province.
    Province,
}

/// Loads the demo data into a database that has its reference data. Idempotent: accounts that
/// exist are kept, and grids are drawn only where a community has none.
pub async fn load(db: &Db, scale: Scale, seed: u64, quiet: bool) -> AppResult<()> {
    let now = chrono::Utc::now();
    for a in ACCOUNTS {
        if accounts::user_by_username(db, a.username).await?.is_none() {
            accounts::create_user(
                db,
                now,
                a.username,
                a.display_name,
                DEMO_PASSWORD,
                &[(a.role, a.region)],
            )
            .await?;
        }
    }
    let prefixes: &[&str] = match scale {
        Scale::Small => &["330106%", "330108%"],
        Scale::Province => &["33%"],
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for prefix in prefixes {
        let villages = regions::store::village_codes(db, prefix, i64::MAX).await?;
        let mut progress =
            (!quiet).then(|| Progress::new(&format!("grids {prefix}"), villages.len() as u64));
        let mut batch = Vec::new();
        for v in &villages {
            // 1–6 grids per community: about 85,000 over the province's 25,547 villages.
            let n = rng.random_range(1..=6);
            for i in 1..=n {
                batch.push((
                    v.clone(),
                    format!("第{i}网格"),
                    rng.random_range(150..=600) as i64,
                ));
            }
            if batch.len() >= 2000 {
                regions::store::insert_grids_if_absent(db, now, &batch).await?;
                batch.clear();
            }
            if let Some(p) = progress.as_mut() {
                p.inc(1)
            }
        }
        regions::store::insert_grids_if_absent(db, now, &batch).await?;
        if let Some(p) = progress {
            p.finish();
        }
    }
    Ok(())
}
