//! Donation intake with group commit (批量提交): requests queue to one writer task, which writes
//! whatever has queued — up to [`MAX_BATCH`] — in one transaction and answers each request only
//! after that transaction has committed. One commit (one fsync) serves many donations, so the
//! durable rate is bounded by the database's row rate, not its commit rate; a request is never
//! acknowledged before its row and leaf are on disk. At shutdown ([`Intake::shutdown`]) what
//! has queued is still written, and nothing more is taken.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

use super::store::{self, DonationRow, NewDonation};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::{AppError, AppResult};

/// Most donations one transaction carries.
pub const MAX_BATCH: usize = 2000;
/// Requests waiting beyond this queue length wait for room (back-pressure, not memory growth).
const QUEUE: usize = 16 * MAX_BATCH;

type Reply = oneshot::Sender<AppResult<(DonationRow, bool)>>;

/// The intake queue; cheap to clone. The writer task starts with the first donation.
#[derive(Clone)]
pub struct Intake {
    db: Db,
    clock: Arc<dyn Clock>,
    queue: Arc<OnceLock<mpsc::Sender<(NewDonation, Reply)>>>,
    /// The writer task, once started (for [`Intake::shutdown`] to wait for).
    writer: Arc<Mutex<Option<JoinHandle<()>>>>,
    stop: Arc<Notify>,
    stopped: Arc<AtomicBool>,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Intake")
    }
}

impl Intake {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Intake {
        Intake {
            db,
            clock,
            queue: Arc::new(OnceLock::new()),
            writer: Arc::new(Mutex::new(None)),
            stop: Arc::new(Notify::new()),
            stopped: Arc::new(AtomicBool::new(false)),
        }
    }

    fn sender(&self) -> &mpsc::Sender<(NewDonation, Reply)> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            let task = tokio::spawn(writer(
                self.db.clone(),
                self.clock.clone(),
                rx,
                self.stop.clone(),
            ));
            *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
            tx
        })
    }

    /// Writes one donation durably; `true` when it is new, `false` when its idempotency key was
    /// already stored (the stored donation is returned).
    pub async fn submit(&self, d: NewDonation) -> AppResult<(DonationRow, bool)> {
        if self.stopped.load(Ordering::Acquire) {
            return Err(stopped());
        }
        let (tx, rx) = oneshot::channel();
        self.sender().send((d, tx)).await.map_err(|_| stopped())?;
        rx.await
            .map_err(|_| anyhow::anyhow!("donation intake dropped a request"))?
    }

    /// Stops the intake for a shutdown: every donation already queued is written and committed
    /// (and its request answered) before this returns; any submitted later is refused.
    pub async fn shutdown(&self) {
        self.stopped.store(true, Ordering::Release);
        // A permit is kept if the writer is busy writing a batch: it sees it next.
        self.stop.notify_one();
        let task = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task
            && let Err(e) = task.await
        {
            tracing::error!(error = ?e, "donation intake writer ended abnormally");
        }
    }
}

fn stopped() -> AppError {
    AppError::Internal(anyhow::anyhow!("donation intake stopped (shutting down)"))
}

async fn writer(
    db: Db,
    clock: Arc<dyn Clock>,
    mut rx: mpsc::Receiver<(NewDonation, Reply)>,
    stop: Arc<Notify>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut stopping = false;
    loop {
        let n = if stopping {
            // Closed: what is queued still comes out, then 0.
            rx.recv_many(&mut batch, MAX_BATCH).await
        } else {
            tokio::select! {
                biased;
                n = rx.recv_many(&mut batch, MAX_BATCH) => n,
                () = stop.notified() => {
                    stopping = true;
                    rx.close();
                    continue;
                }
            }
        };
        if n == 0 {
            break;
        }
        let (items, replies): (Vec<NewDonation>, Vec<Reply>) = batch.drain(..).unzip();
        match store::write_batch(&db, clock.now(), &items).await {
            Ok(results) => {
                for (reply, r) in replies.into_iter().zip(results) {
                    let _ = reply.send(r);
                }
            }
            Err(e) => {
                // The whole transaction failed: nothing of this batch was written.
                tracing::error!(error = ?e, n = items.len(), "donation batch failed");
                for reply in replies {
                    let _ = reply.send(Err(AppError::Internal(anyhow::anyhow!(
                        "donation batch failed"
                    ))));
                }
            }
        }
    }
}
