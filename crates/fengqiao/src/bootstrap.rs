//! Opening a data directory: connect, migrate, load the reference data (divisions, holidays)
//! into an empty database, and optionally the demo data set.

use std::sync::Arc;

use crate::platform::clock::{Clock, SystemClock};
use crate::platform::{AppState, Config, Db};
use crate::regions;

/// Progress of a long job: a bar on a terminal, plain lines otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    label: String,
    total: u64,
    done: u64,
    last_line: u64,
}

impl Progress {
    pub fn new(label: &str, total: u64) -> Progress {
        use is_terminal::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message(label.to_string());
            b
        });
        Progress {
            bar,
            label: label.to_string(),
            total,
            done: 0,
            last_line: 0,
        }
    }

    pub fn inc(&mut self, n: u64) {
        self.done += n;
        match &self.bar {
            Some(b) => b.inc(n),
            None => {
                // Halfway and done: a log stays readable and the server's address, printed
                // after the first start's loading, is not buried.
                let step = (self.total / 2).max(1);
                if self.done >= self.last_line + step || self.done >= self.total {
                    self.last_line = self.done;
                    eprintln!("{}: {}/{}", self.label, self.done, self.total);
                }
            }
        }
    }

    pub fn finish(self) {
        if let Some(b) = self.bar {
            b.finish();
        }
    }
}

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
    let donations = crate::donations::Donations {
        intake: crate::donations::intake::Intake::new(db.clone(), clock.clone()),
        provider: Arc::new(crate::donations::payment::TestProvider),
        plans: Default::default(),
    };
    AppState::new(crate::platform::Services {
        donations,
        db,
        config: Arc::new(config),
        clock,
        metrics,
        pii,
        search: crate::platform::search::SearchIndex::in_ram(),
    })
}

pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}
