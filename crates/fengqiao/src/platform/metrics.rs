//! The Prometheus recorder behind `/metrics`, and its upkeep.
//!
//! A histogram sample is kept in the recorder's bucket until something drains it into its
//! summary: without a timer that was only the next scrape, so memory grew with every request
//! until `/metrics` was read, and that scrape then took seconds. [`install`] therefore starts
//! the upkeep together with the recorder: there is no way to get one without the other.

use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// How often the recorder's upkeep runs: the interval the exporter's own `install` uses
/// (`PrometheusBuilder::upkeep_timeout`'s default), short enough that a busy server holds only a
/// few seconds of samples.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Something that needs periodic upkeep (the recorder's handle; a counter in tests).
pub trait Upkeep: Send + Sync + 'static {
    fn upkeep(&self);
}

impl Upkeep for PrometheusHandle {
    fn upkeep(&self) {
        self.run_upkeep();
    }
}

/// Installs the global recorder and starts its upkeep every `every`. Needs a Tokio runtime.
pub fn install(every: Duration) -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new().install_recorder()?;
    Ok(with_upkeep(handle, every))
}

/// Starts the upkeep of `target` every `every` on the runtime, for as long as the runtime runs;
/// returns `target`.
pub fn with_upkeep<U: Upkeep + Clone>(target: U, every: Duration) -> U {
    let kept = target.clone();
    tokio::spawn(async move {
        let mut timer = tokio::time::interval(every);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate: nothing to drain yet.
        timer.tick().await;
        loop {
            timer.tick().await;
            kept.upkeep();
        }
    });
    target
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Clone, Default)]
    struct Counted(Arc<AtomicUsize>, Arc<tokio::sync::Notify>);

    impl Upkeep for Counted {
        fn upkeep(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
            self.1.notify_one();
        }
    }

    /// The upkeep runs on its own, with no scrape, once per interval. Time is paused: the
    /// runtime jumps ahead to each timer, so the test waits for no clock.
    #[tokio::test(start_paused = true)]
    async fn upkeep_runs_every_interval_without_a_scrape() {
        let c = with_upkeep(Counted::default(), UPKEEP_EVERY);
        tokio::time::sleep(UPKEEP_EVERY / 2).await;
        assert_eq!(
            c.0.load(Ordering::SeqCst),
            0,
            "not before the first interval"
        );
        for n in 1..=3 {
            // Paused time jumps ahead to the timeout too: a missing upkeep fails, it never hangs.
            tokio::time::timeout(UPKEEP_EVERY * 2, c.1.notified())
                .await
                .expect("an upkeep within the interval");
            assert_eq!(c.0.load(Ordering::SeqCst), n);
        }
    }
}
