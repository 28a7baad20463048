//! The deterministic demo data set: one account per role (each scoped to a region) and grids
//! under communities. `--scale province` draws grids for every village (85,000+, as the
//! province reports); the same seed always gives the same data. Organizations of the public
//! register: a few hundred of every type and status in every city, or 330,000 at province scale.

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
pub async fn load(
    db: &Db,
    pii: &crate::platform::pii::PiiCipher,
    scale: Scale,
    seed: u64,
    quiet: bool,
) -> AppResult<()> {
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
    load_organizations(db, scale, seed, quiet).await?;
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
    // Applications in every state of the workflow, in 西湖区 and 滨江区.
    crate::registry::demo::load_demo_with(db, pii.clone(), seed).await?;
    // Charities, qualifications and open fundraising plans in several cities.
    crate::charity::demo::load(db).await?;
    // Donations and disbursements to every filed fundraising plan, all in the transparency log.
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    crate::donations::demo::load_demo(db, pii, seed, today).await?;
    Ok(())
}

/// Topics of organizations of one category: (category, topics, name endings, business scope).
type Topics = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const TOPICS: &[Topics] = &[
    (
        "industry_association",
        &[
            "茶叶",
            "丝绸",
            "电子商务",
            "家具",
            "五金",
            "物流",
            "餐饮",
            "旅游",
            "建筑装饰",
            "服装",
            "民宿",
            "水产",
        ],
        &["行业协会", "商会", "产业协会"],
        &[
            "行业自律",
            "标准制定",
            "技术交流",
            "品牌推广",
            "会员培训",
            "市场调研",
        ],
    ),
    (
        "science_tech",
        &[
            "人工智能",
            "科普",
            "青少年科技",
            "数字经济",
            "新能源",
            "农业科技",
            "海洋科技",
            "中医药",
        ],
        &["研究会", "学会", "促进会"],
        &["学术交流", "科普宣传", "技术咨询", "成果推广", "人才培养"],
    ),
    (
        "charity",
        &[
            "助学",
            "扶贫济困",
            "助残",
            "慈善",
            "关爱留守儿童",
            "乡村振兴",
            "应急救助",
        ],
        &["基金会", "公益服务中心", "慈善会"],
        &[
            "资助困难学生",
            "救助困难群众",
            "助医助残",
            "志愿服务",
            "公益项目",
        ],
    ),
    (
        "community_service",
        &[
            "居家养老",
            "邻里互助",
            "社区文体",
            "家庭教育",
            "社区志愿",
            "老年",
            "四点半课堂",
            "助餐",
        ],
        &["服务中心", "服务社", "协会", "互助会"],
        &[
            "为老年人提供助餐助浴服务",
            "邻里互助",
            "文体活动",
            "社区治理",
            "心理疏导",
            "儿童托管",
        ],
    ),
    (
        "other",
        &[
            "书法",
            "摄影",
            "围棋",
            "文学",
            "民俗文化",
            "体育",
            "越剧",
            "收藏",
        ],
        &["协会", "研究会", "俱乐部"],
        &["艺术交流", "展览比赛", "培训讲座", "文化传承"],
    ),
];

/// Organizations: of every type and status in every city (a few hundred), or at
/// `--scale province` 330,000 (70,000 registered organizations and 260,000 filed community
/// organizations, as the province reports). Skipped when the register is not empty.
pub async fn load_organizations(db: &Db, scale: Scale, seed: u64, quiet: bool) -> AppResult<()> {
    use crate::register::store::{self as register, NewOrg};
    if register::count_organizations(db).await? > 0 {
        return Ok(());
    }
    let (registered, filed) = match scale {
        Scale::Small => (24, 8),
        Scale::Province => (70_000 / 11, 260_000 / 11),
    };
    let now = chrono::Utc::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5eed);
    let cities = register::divisions(db, "city", "33%").await?;
    let total = ((registered + filed) * cities.len()) as u64;
    let mut progress = (!quiet).then(|| Progress::new("organizations", total));
    let mut serial = 0u64;
    for (city, _) in &cities {
        let prefix = format!("{}%", &city[..4]);
        let counties = register::divisions(db, "county", &prefix).await?;
        let towns = register::divisions(db, "township", &prefix).await?;
        if counties.is_empty() || towns.is_empty() {
            continue;
        }
        let mut batch: Vec<NewOrg> = Vec::with_capacity(5000);
        for i in 0..registered + filed {
            serial += 1;
            let community = i >= registered;
            let (cat, topics, endings, scopes) = if community {
                TOPICS[3]
            } else {
                TOPICS[i % TOPICS.len()]
            };
            let topic = topics[rng.random_range(0..topics.len())];
            let ending = endings[rng.random_range(0..endings.len())];
            let (region, place) = if community {
                &towns[rng.random_range(0..towns.len())]
            } else {
                &counties[rng.random_range(0..counties.len())]
            };
            let org_type = if community {
                "community_org"
            } else if ending.ends_with("基金会") {
                "foundation"
            } else if ending.contains("中心") || ending.ends_with("服务社") {
                "social_service_agency"
            } else {
                ["social_group", "social_group", "social_service_agency"][i % 3]
            };
            // Every status in every city: the first rows of each city take each in turn.
            let status = match (community, i % 12) {
                (true, 0) => "registered",
                (true, _) => "filed",
                (false, 1) => "deregistered",
                (false, 2) => "revoked",
                _ => "registered",
            };
            let has_code = !community || status == "registered" || rng.random_range(0..10) == 0;
            let uscc = has_code
                .then(|| {
                    codes::Uscc::for_serial(
                        crate::register::model::uscc_type_char(org_type),
                        &region[..6],
                        serial,
                    )
                    .map(|u| u.as_str().to_string())
                    .ok()
                })
                .flatten();
            let n = rng.random_range(2..=3);
            let scope: Vec<&str> = (0..n)
                .map(|_| scopes[rng.random_range(0..scopes.len())])
                .collect();
            let year = rng.random_range(1995..=2025);
            batch.push(NewOrg {
                id: uuid::Uuid::now_v7(),
                uscc,
                name: format!("{place}{topic}{ending}"),
                org_type,
                category: if community { "community_service" } else { cat },
                region_code: region.clone(),
                status,
                registered_on: chrono::NaiveDate::from_ymd_opt(
                    year,
                    rng.random_range(1..=12),
                    rng.random_range(1..=28),
                ),
                business_scope: format!("{}等", scope.join("、")),
                purpose: format!("服务{place}{topic}事业发展"),
            });
            if batch.len() >= 5000 {
                register::insert_demo(db, now, &batch).await?;
                if let Some(p) = progress.as_mut() {
                    p.inc(batch.len() as u64);
                }
                batch.clear();
            }
        }
        register::insert_demo(db, now, &batch).await?;
        if let Some(p) = progress.as_mut() {
            p.inc(batch.len() as u64);
        }
    }
    if let Some(p) = progress {
        p.finish();
    }
    Ok(())
}
