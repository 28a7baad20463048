//! Benchmark: donation intake through the HTTP API (durable and logged), beside the raw insert
//! rate of the same rows with the same durability in the same run; then inclusion proofs in a
//! transparency log of millions of leaves.
//!
//! ```text
//! cargo bench -p fengqiao --bench donation_intake -- --scale tiny     # seconds; CI-sized
//! cargo bench -p fengqiao --bench donation_intake -- --scale full --data-dir /tmp/fq-intake
//! ```
//!
//! Part 1 starts the server in this process on a fresh SQLite data directory (the writer
//! commits with `synchronous = FULL`: every acknowledged donation is on disk), files a plan and
//! drives `POST /api/v1/donations` from `--clients` concurrent keep-alive HTTP clients, each
//! with its own idempotency keys, until `--donations` are acknowledged (201). Then the limit:
//! the same rows (names sealed, masked, confirmed, with their leaves) written straight through
//! `donations::store::write_batch` into another fresh database, in batches of the intake's
//! largest (2,000) and of the number of clients (the largest batch the HTTP run can form).
//!
//! Part 2 builds a log of `--leaves` synthetic leaves (10,000,000 at full scale; a
//! `--data-dir` keeps it for later runs) and times `--proofs` inclusion proofs of random
//! leaves, as the receipt and proof endpoints read them (`transparency::store::read`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fengqiao::donations::model::mask_name;
use fengqiao::donations::payment::TestProvider;
use fengqiao::donations::store::{self, NewDonation, Outcome};
use fengqiao::platform::Db;
use fengqiao::platform::pii::PiiCipher;
use fengqiao::transparency;
use rand::Rng;

const PLAN: &str = "浙民募备[2026]0001";

struct Args {
    scale: String,
    clients: usize,
    donations: usize,
    leaves: u64,
    proofs: usize,
    data_dir: Option<std::path::PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        scale: "tiny".into(),
        clients: 64,
        donations: 0,
        leaves: 0,
        proofs: 1000,
        data_dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--scale" => a.scale = v(),
            "--clients" => a.clients = v().parse().unwrap_or(64),
            "--donations" => a.donations = v().parse().unwrap_or(0),
            "--leaves" => a.leaves = v().parse().unwrap_or(0),
            "--proofs" => a.proofs = v().parse().unwrap_or(1000),
            "--data-dir" => a.data_dir = Some(v().into()),
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    let full = a.scale == "full";
    if a.donations == 0 {
        a.donations = if full { 200_000 } else { 3_000 };
    }
    if a.leaves == 0 {
        a.leaves = if full { 10_000_000 } else { 100_000 };
    }
    a
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn us(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e6)
}

fn fresh_dir(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fq-bench-{tag}-{}", uuid::Uuid::now_v7().simple()))
}

/// A fresh SQLite database with the test regions and a plan open today.
async fn fresh_db(dir: &std::path::Path) -> anyhow::Result<Db> {
    let db = Db::connect_sqlite(&dir.join("fengqiao.db")).await?;
    fengqiao::testkit::seed(&db, Some(fengqiao::testkit::TEST_REGIONS)).await?;
    let today = chrono::Utc::now().date_naive();
    fengqiao::testkit::fundraising_plan(
        &db,
        PLAN,
        "330106",
        today - chrono::Days::new(7),
        today + chrono::Days::new(30),
    )
    .await?;
    Ok(db)
}

fn body(n: usize) -> Vec<u8> {
    let v = if n.is_multiple_of(4) {
        serde_json::json!({"project": PLAN, "amount_fen": 100 + (n % 10_000) as i64, "anonymous": true, "method": "test_confirm"})
    } else {
        serde_json::json!({"project": PLAN, "amount_fen": 100 + (n % 10_000) as i64, "donor_name": "王小明", "method": "test_confirm"})
    };
    serde_json::to_vec(&v).expect("JSON")
}

/// Part 1a: `total` donations over HTTP from `clients` concurrent clients.
async fn over_http(
    base: &str,
    clients: usize,
    total: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let url = format!("{base}/api/v1/donations");
    // Warm-up: connections open, code paths touched (not counted).
    for i in 0..clients {
        let r = http
            .post(&url)
            .header("content-type", "application/json")
            .header("idempotency-key", format!("warmup-{i}"))
            .body(body(i))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 201, "warm-up donation: {}", r.status());
    }
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, url, next) = (http.clone(), url.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let b = body(i);
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", format!("bench-{i}"))
                    .body(b)
                    .send()
                    .await
                    .expect("POST");
                let status = r.status();
                let _ = r.bytes().await.expect("body");
                assert_eq!(status, 201, "donation {i}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut lat = Vec::with_capacity(total);
    for t in tasks {
        lat.extend(t.await?);
    }
    let wall = start.elapsed();
    lat.sort();
    Ok((lat, wall))
}

/// Part 1b: the same rows through `write_batch` in batches of `batch`; returns the wall time.
async fn raw(
    db: &Db,
    pii: &PiiCipher,
    total: usize,
    batch: usize,
    tag: &str,
) -> anyhow::Result<Duration> {
    let plan = store::plan_by_filing_no(db, PLAN)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no plan"))?;
    // Built as the service builds them (name sealed and masked), outside the timing.
    let items: Vec<NewDonation> = (0..total)
        .map(|i| {
            let key = format!("raw-{tag}-{i}");
            let name = (!i.is_multiple_of(4)).then_some("王小明");
            NewDonation {
                plan_id: plan.id,
                project: plan.filing_no.clone(),
                amount_fen: 100 + (i % 10_000) as i64,
                donor_name_sealed: name.map(|n| pii.encrypt(n)),
                donor_name_masked: name.map(mask_name),
                payment_ref: TestProvider::reference(&key),
                idempotency_key: key,
                provider: "test".into(),
                outcome: Outcome::Confirmed,
            }
        })
        .collect();
    let start = Instant::now();
    for chunk in items.chunks(batch) {
        for r in store::write_batch(db, chrono::Utc::now(), chunk).await? {
            r?;
        }
    }
    Ok(start.elapsed())
}

/// Part 2: a log of `leaves` leaves (kept in `dir`), then `proofs` inclusion proofs.
async fn proofs(dir: &std::path::Path, leaves: u64, proofs: usize) -> anyhow::Result<()> {
    let db = Db::connect_sqlite(&dir.join("translog.db")).await?;
    db.migrate().await?;
    let mut size = transparency::store::size(&db).await?;
    if size < leaves {
        // The build is a one-off; a large page cache keeps the random leaf-hash index in memory.
        if let Db::Sqlite { write, .. } = &db {
            sqlx::query("PRAGMA cache_size = -1048576")
                .execute(write)
                .await?;
        }
        let (from, t) = (size, Instant::now());
        let batch = 500_000u64;
        while size < leaves {
            let n = batch.min(leaves - size);
            transparency::store::append_synthetic(&db, chrono::Utc::now(), n as usize).await?;
            size += n;
            eprintln!(
                "log: {size} leaves ({:.0} leaves/s)",
                (size - from) as f64 / t.elapsed().as_secs_f64()
            );
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "\nlog built: {} leaves appended in {secs:.1} s ({:.0} leaves/s, batches of {batch})",
            size - from,
            (size - from) as f64 / secs
        );
    } else {
        println!("\nlog reused: {size} leaves in {}", dir.display());
    }
    let root = transparency::store::read(&db, size, |log| log.root(size))
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut rng = rand::rng();
    // A few proofs first (the file's pages into the OS cache), not counted.
    for _ in 0..20 {
        let i = rng.random_range(0..size);
        let _ = transparency::store::read(&db, size, |log| log.inclusion_proof(i, size)).await?;
    }
    let mut lat = Vec::with_capacity(proofs);
    for k in 0..proofs {
        let i = rng.random_range(0..size);
        let t = Instant::now();
        let path = transparency::store::read(&db, size, |log| log.inclusion_proof(i, size))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        lat.push(t.elapsed());
        // Check a tenth of them (outside the timing): the proof leads to the root.
        if k % 10 == 0 {
            let leaf = transparency::store::read(&db, size, |log| log.leaf(i))
                .await?
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            translog::verify_inclusion(&leaf, i, size, &path, &root)
                .map_err(|e| anyhow::anyhow!("proof of {i} does not verify: {e}"))?;
        }
    }
    lat.sort();
    println!();
    println!("| log size | proofs | p50 µs | p99 µs | max µs |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {size} | {proofs} | {} | {} | {} |",
        us(pct(&lat, 0.5)),
        us(pct(&lat, 0.99)),
        us(*lat.last().unwrap())
    );
    db.close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "donation intake, scale {}: {} donations, {} clients; load average {}",
        a.scale,
        a.donations,
        a.clients,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    // Part 1a: over HTTP.
    let dir = fresh_dir("intake");
    let db = fresh_db(&dir).await?;
    let config = fengqiao::platform::Config {
        data_dir: dir.clone(),
        demo: false,
        ..Default::default()
    };
    let pii = PiiCipher::random();
    let state = fengqiao::bootstrap::state(
        db.clone(),
        config,
        fengqiao::bootstrap::system_clock(),
        None,
        pii.clone(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = fengqiao::app::router(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let (lat, wall) = over_http(&base, a.clients, a.donations).await?;
    let http_rate = lat.len() as f64 / wall.as_secs_f64();
    let logged = transparency::store::size(&db).await?;
    anyhow::ensure!(
        logged as usize == a.donations + a.clients,
        "the log holds {logged} leaves, not one per donation"
    );

    // Part 1b: the limit, into fresh databases.
    let mut raws = Vec::new();
    for batch in [fengqiao::donations::intake::MAX_BATCH, a.clients] {
        let rdir = fresh_dir("raw");
        let rdb = fresh_db(&rdir).await?;
        let t = raw(&rdb, &pii, a.donations, batch, &batch.to_string()).await?;
        raws.push((batch, a.donations as f64 / t.as_secs_f64(), t));
        rdb.close().await;
        let _ = std::fs::remove_dir_all(rdir);
    }

    println!();
    println!("| path | donations | wall s | per second | p50 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| HTTP API, {} clients | {} | {:.2} | {:.0} | {} | {} | {} |",
        a.clients,
        lat.len(),
        wall.as_secs_f64(),
        http_rate,
        ms(pct(&lat, 0.5)),
        ms(pct(&lat, 0.99)),
        ms(*lat.last().unwrap())
    );
    for (batch, rate, t) in &raws {
        println!(
            "| write_batch, batches of {batch} | {} | {:.2} | {rate:.0} | | | |",
            a.donations,
            t.as_secs_f64()
        );
    }
    println!();
    for (batch, rate, _) in &raws {
        println!("HTTP / raw (batches of {batch}): {:.2}", http_rate / rate);
    }
    println!(
        "targets: ≥ 10,000 donations/s over HTTP: {}; p99 < 50 ms: {}",
        if http_rate >= 10_000.0 {
            "met"
        } else {
            "NOT met"
        },
        if pct(&lat, 0.99) < Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        }
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    // Part 2: inclusion proofs.
    let (log_dir, keep) = match &a.data_dir {
        Some(d) => (d.clone(), true),
        None => (fresh_dir("log"), false),
    };
    std::fs::create_dir_all(&log_dir)?;
    proofs(&log_dir, a.leaves, a.proofs).await?;
    if !keep {
        let _ = std::fs::remove_dir_all(&log_dir);
    }
    Ok(())
}
