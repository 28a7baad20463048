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
//! drives `POST /api/v1/donations` from `--clients` concurrent keep-alive HTTP/1.1 connections
//! (a minimal client in this process, so that the cores go to the server), each donation with
//! its own idempotency key, until `--donations` are acknowledged (201). Then the limit:
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

#[path = "http_load.rs"]
mod http_load;
use http_load::Conn;

const PLAN: &str = "浙民募备[2026]0001";

struct Args {
    scale: String,
    clients: usize,
    donations: usize,
    leaves: u64,
    proofs: usize,
    data_dir: Option<std::path::PathBuf>,
    /// Extra `PRAGMA`s for the SQLite writer of part 1 (experiments: `--pragma "a=1;b=2"`).
    pragma: String,
}

fn args() -> Args {
    let mut a = Args {
        scale: "tiny".into(),
        clients: 256,
        donations: 0,
        leaves: 0,
        proofs: 1000,
        data_dir: None,
        pragma: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--scale" => a.scale = v(),
            "--clients" => a.clients = v().parse().unwrap_or(256),
            "--donations" => a.donations = v().parse().unwrap_or(0),
            "--leaves" => a.leaves = v().parse().unwrap_or(0),
            "--proofs" => a.proofs = v().parse().unwrap_or(1000),
            "--data-dir" => a.data_dir = Some(v().into()),
            "--pragma" => a.pragma = v(),
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

/// CPU time this process has used (user + system), from /proc (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Clock ticks of 1/100 s (USER_HZ on Linux).
    Duration::from_millis(10 * f.iter().sum::<u64>())
}

fn fresh_dir(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fq-bench-{tag}-{}", uuid::Uuid::now_v7().simple()))
}

/// A fresh SQLite database with the test regions and a plan open today.
async fn fresh_db(dir: &std::path::Path, pragma: &str) -> anyhow::Result<Db> {
    let db = Db::connect_sqlite(&dir.join("fengqiao.db")).await?;
    if let Db::Sqlite { write, .. } = &db {
        for p in pragma.split(';').filter(|p| !p.trim().is_empty()) {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("PRAGMA {p}")))
                .execute(write)
                .await?;
        }
    }
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

/// The HTTP floor: `total` requests to `GET /healthz` from `clients` connections; returns the
/// wall time and this process's CPU time.
async fn healthz_floor(
    host: &str,
    clients: usize,
    total: usize,
) -> anyhow::Result<(Duration, Duration)> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut conns = Vec::with_capacity(clients);
    for _ in 0..clients {
        conns.push(Conn::connect(host).await?);
    }
    let (cpu, start) = (cpu_time(), Instant::now());
    let mut tasks = Vec::new();
    for mut conn in conns {
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let (status, _) = conn.healthz().await.expect("GET /healthz");
                assert_eq!(status, 200);
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    Ok((start.elapsed(), cpu_time().saturating_sub(cpu)))
}

/// Part 1a: `total` donations over HTTP from `clients` concurrent clients.
async fn over_http(
    host: &str,
    clients: usize,
    total: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    // Connections open and code paths touched first (one donation each, not counted).
    let mut conns = Vec::with_capacity(clients);
    for i in 0..clients {
        let mut c = Conn::connect(host).await?;
        let (status, body) = c.donate(&format!("warmup-{i}"), &body(i)).await?;
        anyhow::ensure!(
            status == 201,
            "warm-up donation: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        anyhow::ensure!(
            v["status"] == "confirmed" && v["leaf_index"].is_u64(),
            "{v}"
        );
        conns.push(c);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut conn in conns {
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let b = body(i);
                let t = Instant::now();
                let (status, resp) = conn
                    .donate(&format!("bench-{i}"), &b)
                    .await
                    .expect("POST /api/v1/donations");
                lat.push(t.elapsed());
                assert_eq!(
                    status,
                    201,
                    "donation {i}: {}",
                    String::from_utf8_lossy(&resp)
                );
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

/// An inclusion proof read as `transparency::store::read` read it before: the dry run names
/// the hashes, then one query per hash.
async fn proof_hash_by_hash(db: &Db, index: u64, size: u64) -> anyhow::Result<Vec<translog::Hash>> {
    use fengqiao::transparency::model::Snapshot;
    let dry = translog::Log::new(Snapshot::recorder(size));
    let _ = dry.inclusion_proof(index, size);
    let mut known = std::collections::HashMap::new();
    fengqiao::with_db!(db, pool => {
        let mut conn = pool.acquire().await?;
        for (level, i) in dry.store().recorded() {
            let h: Vec<u8> = if level == 0 {
                sqlx::query_scalar("SELECT leaf_hash FROM translog_leaves WHERE idx = $1")
                    .bind(i as i64)
                    .fetch_one(&mut *conn)
                    .await?
            } else {
                sqlx::query_scalar("SELECT hash FROM translog_nodes WHERE level = $1 AND idx = $2")
                    .bind(i64::from(level))
                    .bind(i as i64)
                    .fetch_one(&mut *conn)
                    .await?
            };
            let h: translog::Hash = h.try_into().map_err(|_| anyhow::anyhow!("a stored hash of the wrong length"))?;
            known.insert((level, i), h);
        }
    });
    translog::Log::new(Snapshot::new(size, known))
        .inclusion_proof(index, size)
        .map_err(|e| anyhow::anyhow!("{e}"))
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
    // The same proofs read as the log read them before (one query per hash), for comparison.
    let mut before = Vec::with_capacity(proofs);
    for _ in 0..proofs {
        let i = rng.random_range(0..size);
        let t = Instant::now();
        let path = proof_hash_by_hash(&db, i, size).await?;
        before.push(t.elapsed());
        anyhow::ensure!(!path.is_empty() || size == 1, "an empty proof");
    }
    before.sort();
    println!();
    println!("| log size | hashes read | proofs | p50 µs | p99 µs | max µs |");
    println!("| ---: | --- | ---: | ---: | ---: | ---: |");
    for (how, l) in [("two queries", &lat), ("one query each (before)", &before)] {
        println!(
            "| {size} | {how} | {proofs} | {} | {} | {} |",
            us(pct(l, 0.5)),
            us(pct(l, 0.99)),
            us(*l.last().unwrap())
        );
    }
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
    let db = fresh_db(&dir, &a.pragma).await?;
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
    let host = listener.local_addr()?.to_string();
    let app = fengqiao::app::router(state);
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });
    let cpu = cpu_time();
    let (lat, wall) = over_http(&host, a.clients, a.donations).await?;
    let http_cpu = cpu_time().saturating_sub(cpu);
    let http_rate = lat.len() as f64 / wall.as_secs_f64();
    // Each batch stamps its rows with one instant: distinct instants count the transactions.
    let batches: i64 = fengqiao::with_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(DISTINCT created_at) FROM donations").fetch_one(pool).await?);
    let logged = transparency::store::size(&db).await?;
    anyhow::ensure!(
        logged as usize == a.donations + a.clients,
        "the log holds {logged} leaves, not one per donation"
    );

    let (floor_wall, floor_cpu) = healthz_floor(&host, a.clients, a.donations).await?;

    // What the plan cache saves a donation: one read of the plan (CPU of this process).
    let (cpu, t) = (cpu_time(), Instant::now());
    let lookups = 5_000;
    for _ in 0..lookups {
        store::plan_by_filing_no(&db, PLAN).await?;
    }
    let (plan_cpu, plan_wall) = (cpu_time().saturating_sub(cpu), t.elapsed());

    // Part 1b: the limit, into fresh databases.
    let mut raws = Vec::new();
    for batch in [fengqiao::donations::intake::MAX_BATCH, a.clients] {
        let rdir = fresh_dir("raw");
        let rdb = fresh_db(&rdir, &a.pragma).await?;
        let cpu = cpu_time();
        let t = raw(&rdb, &pii, a.donations, batch, &batch.to_string()).await?;
        let used = cpu_time().saturating_sub(cpu);
        raws.push((batch, a.donations as f64 / t.as_secs_f64(), t, used));
        rdb.close().await;
        let _ = std::fs::remove_dir_all(rdir);
    }

    println!();
    println!("| path | donations | wall s | per second | CPU µs each | p50 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let per = |cpu: Duration| format!("{:.0}", cpu.as_secs_f64() * 1e6 / a.donations as f64);
    println!(
        "| HTTP API, {} clients | {} | {:.2} | {:.0} | {} | {} | {} | {} |",
        a.clients,
        lat.len(),
        wall.as_secs_f64(),
        http_rate,
        per(http_cpu),
        ms(pct(&lat, 0.5)),
        ms(pct(&lat, 0.99)),
        ms(*lat.last().unwrap())
    );
    println!(
        "| GET /healthz, {} clients (HTTP and middleware alone) | {} | {:.2} | {:.0} | {} | | | |",
        a.clients,
        a.donations,
        floor_wall.as_secs_f64(),
        a.donations as f64 / floor_wall.as_secs_f64(),
        per(floor_cpu)
    );
    for (batch, rate, t, used) in &raws {
        println!(
            "| write_batch, batches of {batch} | {} | {:.2} | {rate:.0} | {} | | | |",
            a.donations,
            t.as_secs_f64(),
            per(*used)
        );
    }
    println!();
    for (batch, rate, _, _) in &raws {
        println!("HTTP / raw (batches of {batch}): {:.2}", http_rate / rate);
    }
    println!(
        "CPU µs each: CPU time of this process (server and clients together) per donation; \
         2 idle cores would give at most {:.0} donations/s over HTTP",
        2.0 * a.donations as f64 / http_cpu.as_secs_f64().max(1e-9)
    );
    println!(
        "one read of the plan (what the plan cache saves a donation): {:.0} µs CPU, {:.0} µs wall",
        plan_cpu.as_secs_f64() * 1e6 / lookups as f64,
        plan_wall.as_secs_f64() * 1e6 / lookups as f64
    );
    println!(
        "HTTP run: {batches} transactions, {:.1} donations per transaction on average",
        (a.donations + a.clients) as f64 / batches.max(1) as f64
    );
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
