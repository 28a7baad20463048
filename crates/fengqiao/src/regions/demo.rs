//! Demo grids (网格): 1–6 under each community of 西湖区 and 滨江区, or of every village of the
//! province at province scale (85,000+, as the province reports).

use rand::{Rng, SeedableRng};

use crate::platform::AppResult;
use crate::platform::module::{DemoContext, DemoScale as Scale};
use crate::platform::progress::Progress;
use crate::platform::scheduler::BoxFuture;

/// The regions module's part of the demo (its [`super::MODULE`] declaration).
pub fn load<'a>(cx: &'a DemoContext<'a>) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(grids(cx))
}

async fn grids(cx: &DemoContext<'_>) -> AppResult<()> {
    let (db, scale, seed, quiet) = (cx.db, cx.scale, cx.seed, cx.quiet);
    let now = chrono::Utc::now();
    let prefixes: &[&str] = match scale {
        Scale::Small => &["330106%", "330108%"],
        Scale::Province => &["33%"],
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for prefix in prefixes {
        let villages = super::store::village_codes(db, prefix, i64::MAX).await?;
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
                super::store::insert_grids_if_absent(db, now, &batch).await?;
                batch.clear();
            }
            if let Some(p) = progress.as_mut() {
                p.inc(1)
            }
        }
        super::store::insert_grids_if_absent(db, now, &batch).await?;
        if let Some(p) = progress {
            p.finish();
        }
    }
    Ok(())
}
