//! Demo donations and disbursements: every filed plan that has none yet gets a few dozen
//! donations spread over the days since it opened (some anonymous, one pending) and one to three
//! disbursements within its balance, all in the transparency log. Deterministic for a seed.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::flows::{self, NewDisbursement};
use super::model;
use super::payment::TestProvider;
use super::store::{self, NewDonation, Outcome, PlanRef};
use crate::platform::AppResult;
use crate::platform::auth::{Actor, Role, UserActor};
use crate::platform::db::Db;
use crate::platform::pii::PiiCipher;
use crate::with_db;

const DONORS: &[&str] = &[
    "王建国",
    "李秀英",
    "张志强",
    "刘丽华",
    "陈海燕",
    "杨文博",
    "赵晓东",
    "黄春梅",
    "周俊杰",
    "吴雅琴",
    "杭州某科技有限公司",
    "西湖区爱心车队",
];

const USES: &[(&str, &str, i64)] = &[
    ("charitable", "发放助学金", 40),
    ("charitable", "采购助老服务包", 120),
    ("fundraising_cost", "募捐平台服务与宣传物料", 0),
];

async fn plans_without_donations(db: &Db) -> AppResult<Vec<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT p.filing_no FROM fundraising_plans p WHERE p.status = 'filed' AND NOT EXISTS (SELECT 1 FROM donations d WHERE d.plan_id = p.id) ORDER BY p.filing_no")
        .fetch_all(pool).await?))
}

/// 10:00 Shanghai on `day`, plus `minutes`.
fn at(day: NaiveDate, minutes: i64) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap_or_default())
        + Duration::minutes(minutes)
}

pub async fn load_demo(db: &Db, pii: &PiiCipher, seed: u64, today: NaiveDate) -> AppResult<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0xd0_7a7e);
    for filing_no in plans_without_donations(db).await? {
        let Some(plan) = store::plan_by_filing_no(db, &filing_no).await? else {
            continue;
        };
        let last = today.min(plan.ends_on);
        if last < plan.starts_on {
            continue;
        }
        let days = (last - plan.starts_on).num_days() + 1;
        let n = rng.random_range(20..=50);
        let mut items: Vec<(NaiveDate, NewDonation)> = (0..n)
            .map(|i| {
                let day = plan.starts_on + Duration::days(rng.random_range(0..days));
                let name =
                    (rng.random_range(0..4) > 0).then(|| DONORS[rng.random_range(0..DONORS.len())]);
                let key = format!("demo-{filing_no}-{i}");
                let outcome = if i == 0 {
                    Outcome::Pending
                } else {
                    Outcome::Confirmed
                };
                (
                    day,
                    NewDonation {
                        plan_id: plan.id,
                        project: plan.filing_no.clone(),
                        amount_fen: rng.random_range(1_000..=200_000),
                        donor_name_sealed: name.map(|n| pii.encrypt(n)),
                        donor_name_masked: name.map(model::mask_name),
                        payment_ref: TestProvider::reference(&key),
                        idempotency_key: key,
                        provider: "test".into(),
                        outcome,
                    },
                )
            })
            .collect();
        items.sort_by_key(|(d, _)| *d);
        let mut raised = 0;
        for (i, (day, d)) in items.iter().enumerate() {
            store::write_batch(db, at(*day, i as i64), std::slice::from_ref(d)).await?;
            if d.outcome == Outcome::Confirmed {
                raised += d.amount_fen;
            }
        }
        disburse(db, &plan, &mut rng, raised, last).await?;
    }
    Ok(())
}

async fn disburse(
    db: &Db,
    plan: &PlanRef,
    rng: &mut rand::rngs::StdRng,
    raised: i64,
    last: NaiveDate,
) -> AppResult<()> {
    let region = codes::RegionCode::parse(&plan.region_code)
        .map_err(|e| crate::platform::AppError::from_code("region_code", &e))?;
    // The demo's organization account records the payments (in its own region or not: demo
    // data is written directly, not through the region check of the service).
    let Some(user) = crate::platform::auth::store::user_by_username(db, "orgadmin").await? else {
        return Ok(());
    };
    let user_id = user.id;
    let actor = Actor::User(UserActor {
        user_id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: Role::OrgAdmin,
        region,
        grant_id: Uuid::nil(),
        department: None,
    });
    let k = rng.random_range(1..=USES.len());
    let mut left = raised;
    for (category, purpose, people) in &USES[..k] {
        let amount = left * rng.random_range(15..=35) / 100;
        if amount <= 0 {
            break;
        }
        left -= amount;
        let d = NewDisbursement {
            amount_fen: amount,
            category: (*category).into(),
            purpose: (*purpose).into(),
            beneficiaries: *people,
            paid_on: last,
            documents: vec![],
            uploads: vec![],
        };
        flows::disburse(db, at(last, 600), &actor, user_id, plan, &d).await?;
    }
    Ok(())
}
