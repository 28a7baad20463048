//! The platform scheduler: with two servers on one database each job runs once a period (the
//! database decides the claim), a failing job is recorded and retried at its next period, and a
//! lease left by a server that died mid-run is taken over only once it has run out. And the
//! module contract's rule: the platform names no policy module.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fengqiao::platform::AppState;
use fengqiao::platform::scheduler::{self, BoxFuture, Job, LEASE};
use uuid::Uuid;

use crate::{TestApp, each_backend};

static COUNTED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);

fn count(_: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async {
        COUNTED.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
}

fn fail(_: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async {
        FAILED.fetch_add(1, Ordering::SeqCst);
        anyhow::bail!("the test job fails")
    })
}

const PERIOD: Duration = Duration::from_secs(60);

/// A second server's state on the same database (its own pools), on the same clock.
async fn second_server(app: &TestApp) -> AppState {
    let db = fengqiao::platform::Db::connect(&app.db_url())
        .await
        .unwrap();
    fengqiao::bootstrap::state(
        db,
        fengqiao::platform::Config::default(),
        Arc::new(app.clock.clone()),
        None,
        fengqiao::platform::pii::PiiCipher::random(),
    )
}

async fn row(app: &TestApp, name: &str) -> (i64, i64, Option<String>) {
    fengqiao::with_db!(&app.state.db, pool => sqlx::query_as::<_, (i64, i64, Option<String>)>(
        "SELECT runs, failures, last_error FROM job_schedule WHERE name = $1")
        .bind(name).fetch_one(pool).await.unwrap())
}

#[tokio::test]
async fn two_servers_on_one_database_run_each_job_once_a_period() {
    each_backend(|app: TestApp| async move {
        COUNTED.store(0, Ordering::SeqCst);
        let jobs = [Job {
            name: "test.count",
            period: PERIOD,
            run: count,
        }];
        let other = second_server(&app).await;
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for period in 1..=5 {
            // Both servers look at once, twice: one run between them.
            for _ in 0..2 {
                let (x, y) = tokio::join!(
                    scheduler::tick(&app.state, &jobs, a),
                    scheduler::tick(&other, &jobs, b)
                );
                assert!(x.len() + y.len() <= 1, "period {period}: {x:?} {y:?}");
            }
            assert_eq!(COUNTED.load(Ordering::SeqCst), period, "period {period}");
            // A second short of the period: not due yet; at the period: due.
            app.clock.advance(chrono::Duration::seconds(59));
            assert!(scheduler::tick(&other, &jobs, b).await.is_empty());
            app.clock.advance(chrono::Duration::seconds(1));
        }
        assert_eq!(row(&app, "test.count").await, (5, 0, None));
        other.db.close().await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_failing_job_is_recorded_and_retried_at_its_next_period() {
    each_backend(|app: TestApp| async move {
        FAILED.store(0, Ordering::SeqCst);
        let jobs = [Job {
            name: "test.fail",
            period: PERIOD,
            run: fail,
        }];
        let me = Uuid::now_v7();
        assert_eq!(scheduler::tick(&app.state, &jobs, me).await, ["test.fail"]);
        let (runs, failures, error) = row(&app, "test.fail").await;
        assert_eq!((runs, failures), (1, 1));
        assert!(error.unwrap().contains("the test job fails"));
        // Not again within the period, again at the next one.
        assert!(scheduler::tick(&app.state, &jobs, me).await.is_empty());
        app.clock.advance(chrono::Duration::seconds(60));
        assert_eq!(scheduler::tick(&app.state, &jobs, me).await, ["test.fail"]);
        assert_eq!(FAILED.load(Ordering::SeqCst), 2);
        assert_eq!(row(&app, "test.fail").await.1, 2);
        app
    })
    .await;
}

#[tokio::test]
async fn a_lease_left_by_a_dead_server_is_taken_over_only_when_it_runs_out() {
    each_backend(|app: TestApp| async move {
        let job = Job {
            name: "test.lease",
            period: PERIOD,
            run: count,
        };
        let (dead, alive) = (Uuid::now_v7(), Uuid::now_v7());
        let db = &app.state.db;
        // The first server claims the run and dies before it finishes.
        assert!(
            scheduler::claim(db, &job, dead, app.state.clock.now())
                .await
                .unwrap()
        );
        // Its period passes, but the lease holds.
        app.clock.advance(chrono::Duration::seconds(120));
        assert!(
            !scheduler::claim(db, &job, alive, app.state.clock.now())
                .await
                .unwrap()
        );
        let lease = chrono::Duration::from_std(LEASE).unwrap();
        app.clock.advance(lease - chrono::Duration::seconds(121));
        assert!(
            !scheduler::claim(db, &job, alive, app.state.clock.now())
                .await
                .unwrap(),
            "a second before the lease runs out"
        );
        app.clock.advance(chrono::Duration::seconds(1));
        assert!(
            scheduler::claim(db, &job, alive, app.state.clock.now())
                .await
                .unwrap(),
            "the lease ran out"
        );
        // The dead server's late finish does not end the new holder's lease.
        scheduler::finish(db, &job, dead, app.state.clock.now(), None)
            .await
            .unwrap();
        assert_eq!(row(&app, "test.lease").await.0, 0);
        app
    })
    .await;
}

/// Every module registers its jobs with the scheduler (none spawns a loop of its own).
#[test]
fn the_modules_declare_the_jobs_the_scheduler_runs() {
    let jobs = fengqiao::platform::module::jobs(fengqiao::modules::ALL);
    let names: Vec<&str> = jobs.iter().map(|j| j.name).collect();
    assert!(names.contains(&"registry.overdue_sweep"), "{names:?}");
    assert!(names.contains(&"transparency.sign_tree_head"), "{names:?}");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "job names are unique: {names:?}");
}

/// The platform beneath the modules names none of them (DESIGN.md: modules use the platform,
/// never the other way round): no file under `src/platform` mentions `crate::<module>`, for
/// every module of the list.
#[test]
fn the_platform_imports_no_module() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/platform");
    let mut files = vec![root];
    let mut offences = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for m in fengqiao::modules::ALL {
            let needle = format!("crate::{}", m.name);
            for (i, line) in text.lines().enumerate() {
                let hit = line.match_indices(&needle).any(|(at, _)| {
                    !line[at + needle.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if hit {
                    offences.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the platform names modules:\n{}",
        offences.join("\n")
    );
}
