//! Demo organizations of the public register: of every type and status in every city, or
//! 330,000 at province scale. The same seed always gives the same register.

use rand::{Rng, SeedableRng};

use crate::platform::module::{DemoContext, DemoScale as Scale};
use crate::platform::progress::Progress;
use crate::platform::scheduler::BoxFuture;
use crate::platform::{AppResult, Db};

/// The register's part of the demo (its [`super::MODULE`] declaration).
pub fn load<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(load_organizations(cx.db, cx.scale, cx.seed, cx.quiet))
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
    use super::store::{self as register, NewOrg};
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
                        super::model::uscc_type_char(org_type),
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
