//! Opening a data directory: connect, migrate, load the reference data (divisions, holidays)
//! into an empty database, and optionally the demo data set.

use std::sync::Arc;

use crate::platform::clock::{Clock, SystemClock};
use crate::platform::{AppState, Config, Db};
use crate::regions;

pub use crate::platform::progress::Progress;

/// Connects to the configured database and migrates it.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.effective_database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

/// Loads the reference data an empty database needs: the division table and the holiday calendar.
pub async fn load_reference_data(db: &Db, quiet: bool) -> anyhow::Result<()> {
    if regions::store::count_regions(db).await? == 0 {
        import_divisions(db, regions::SHIPPED_DIVISIONS, quiet).await?;
    }
    crate::calendar::store::seed_if_empty(db).await?;
    Ok(())
}

/// Imports a division table (`fengqiao import divisions FILE`), reporting every bad line.
pub async fn import_divisions(db: &Db, text: &str, quiet: bool) -> anyhow::Result<usize> {
    let rows = regions::model::parse_divisions(text).map_err(|bad| {
        let lines: Vec<String> = bad.iter().take(50).map(|b| b.to_string()).collect();
        anyhow::anyhow!(
            "the division table has {} bad line(s):\n{}",
            bad.len(),
            lines.join("\n")
        )
    })?;
    let mut progress = (!quiet).then(|| Progress::new("divisions", rows.len() as u64));
    regions::store::upsert_regions(db, &rows, |n| {
        if let Some(p) = progress.as_mut() {
            p.inc(n as u64)
        }
    })
    .await?;
    if let Some(p) = progress {
        p.finish();
    }
    Ok(rows.len())
}

/// The state a server runs with. Its search index is in memory; `serve` puts the one under
/// the data directory in its place (`state.with_search(SearchIndex::open(…))`).
pub fn state(
    db: Db,
    config: Config,
    clock: Arc<dyn Clock>,
    metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pii: crate::platform::pii::PiiCipher,
) -> AppState {
    let mut services = crate::platform::Services {
        rules: crate::platform::rules::RuleParams::new(db.clone(), clock.clone()),
        files: crate::platform::files::FileStore::under(&config.data_dir),
        db,
        config: Arc::new(config),
        clock,
        metrics,
        pii,
        search: crate::platform::search::SearchIndex::in_ram(),
        extensions: Default::default(),
    };
    services.extensions = crate::platform::module::services(crate::modules::ALL, &services);
    AppState::new(services)
}

/// What a server does once before it listens: each module's start (a cache catching up), then
/// the scheduler with every module's jobs.
pub async fn start(state: &AppState) -> anyhow::Result<()> {
    for m in crate::modules::ALL {
        if let Some(start) = m.start {
            start(state)
                .await
                .map_err(|e| anyhow::anyhow!("starting the {} module: {e:#}", m.name))?;
        }
    }
    crate::platform::scheduler::start(state, crate::platform::module::jobs(crate::modules::ALL));
    Ok(())
}

/// Stops what the modules run, after the server stopped taking requests: each module's stop,
/// in the order of [`crate::modules::ALL`]. A failing stop is logged; the others still run.
pub async fn stop(state: &AppState) {
    for m in crate::modules::ALL {
        if let Some(stop) = m.stop
            && let Err(e) = stop(state).await
        {
            tracing::error!(module = m.name, "stopping: {e:#}");
        }
    }
}

pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}
