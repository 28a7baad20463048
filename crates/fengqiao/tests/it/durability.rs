//! The acknowledgement promise: a donation acknowledged to the donor (201) is in the database
//! and in the transparency log even when the server process is killed right after. The real
//! binary runs as a child process; 32 clients give concurrently; the process is SIGKILLed in
//! the middle of the load and started again on the same database. Every acknowledged donation
//! must be there, confirmed, its leaf at its index; the log has no gap and its root is the
//! root of the stored leaves; the new tree head is consistent with the heads signed before the
//! kill; every acknowledged receipt verifies.
//!
//! SQLite's writer commits with `synchronous = FULL` (see `platform::db`): `NORMAL` would pass
//! this test too (a killed process loses nothing the OS has), but not a power cut.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use translog::{Hash, SignedTreeHead, VerifyingKey};

use fengqiao::donations::model::{Receipt, verify_receipt};
use fengqiao::platform::Db;
use fengqiao::platform::db::Backend;
use fengqiao::testkit::{self, TestDb};

const PLAN: &str = "浙民募备[2026]0777";
const CLIENTS: usize = 32;
/// How long the load runs before the kill, at least (and until this many were acknowledged).
const LOAD_BEFORE_KILL: Duration = Duration::from_millis(1500);
const ACKS_BEFORE_KILL: usize = 300;

/// The real server, a child process.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(db_url: &str, data_dir: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--database-url")
            .arg(db_url)
            .args(["serve", "--addr", "127.0.0.1:0", "--no-demo"])
            .env("FENGQIAO_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start the fengqiao binary");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let base = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                if let Some(rest) = line.split("http://").nth(1) {
                    let addr = rest.split('/').next().unwrap_or_default();
                    return format!("http://{addr}");
                }
            }
            panic!("the server exited before it printed its address");
        })
        .await
        .expect("the server starts within a minute");
        // Keep draining its output so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let server = Server { child, base };
        // Ready when it answers.
        for _ in 0..200 {
            if reqwest::get(server.url("/healthz")).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server does not answer at {}", server.base);
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> Value {
        let r = reqwest::get(self.url(path)).await.expect("GET");
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("JSON")
    }

    /// The latest signed tree head, its signature checked, with its root.
    async fn sth(&self, key: &VerifyingKey) -> (u64, Hash) {
        let sth: SignedTreeHead =
            serde_json::from_value(self.get("/api/v1/translog/sth").await).unwrap();
        let head = sth.verify(key).expect("the tree head signature verifies");
        (head.tree_size, head.root)
    }

    async fn key(&self) -> (String, VerifyingKey) {
        let hex_key = self.get("/api/v1/translog/key").await["public_key"]
            .as_str()
            .unwrap()
            .to_string();
        let bytes: [u8; 32] = hex::decode(&hex_key).unwrap().try_into().unwrap();
        (hex_key, VerifyingKey::from_bytes(&bytes).unwrap())
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    async fn kill(mut self) {
        self.child.kill().await.expect("SIGKILL the server");
    }
}

/// A stored donation: idempotency key, status, leaf index, leaf hash, amount.
type StoredDonation = (String, String, Option<i64>, Option<Vec<u8>>, i64);

/// A donation the server acknowledged with 201.
#[derive(Debug, Clone)]
struct Ack {
    key: String,
    id: String,
    leaf_index: u64,
    leaf_hash: String,
    amount_fen: i64,
}

fn body(n: usize) -> Value {
    if n.is_multiple_of(3) {
        json!({"project": PLAN, "amount_fen": 100 + n as i64, "anonymous": true, "method": "test_confirm"})
    } else {
        json!({"project": PLAN, "amount_fen": 100 + n as i64, "donor_name": "李四", "method": "test_confirm"})
    }
}

/// One client's loop: gives until the server stops answering; returns what was acknowledged.
async fn client(server_base: String, c: usize, acks: Arc<Mutex<Vec<Ack>>>) {
    let http = reqwest::Client::new();
    for n in 0.. {
        let key = format!("durability-{c}-{n}");
        let b = body(c * 100_000 + n);
        let sent = http
            .post(format!("{server_base}/api/v1/donations"))
            .header("Idempotency-Key", &key)
            .json(&b)
            .send()
            .await;
        let Ok(r) = sent else { return };
        if r.status() != StatusCode::CREATED {
            return;
        }
        let Ok(v) = r.json::<Value>().await else {
            return;
        };
        acks.lock().unwrap().push(Ack {
            key,
            id: v["id"].as_str().unwrap().to_string(),
            leaf_index: v["leaf_index"].as_u64().unwrap(),
            leaf_hash: v["leaf_hash"].as_str().unwrap().to_string(),
            amount_fen: b["amount_fen"].as_i64().unwrap(),
        });
    }
}

async fn consistent(server: &Server, old: (u64, Hash), new: (u64, Hash)) {
    let v = server
        .get(&format!(
            "/api/v1/translog/proof/consistency?first={}&second={}",
            old.0, new.0
        ))
        .await;
    let proof: Vec<Hash> = v["consistency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| translog::parse_hex(h.as_str().unwrap()).unwrap())
        .collect();
    translog::verify_consistency(old.0, new.0, &old.1, &new.1, &proof)
        .unwrap_or_else(|e| panic!("tree {} is not consistent with tree {}: {e}", new.0, old.0));
}

async fn killed_under_load(backend: Backend) {
    let tdb = TestDb::new(backend).await.expect("test database");
    testkit::seed(&tdb.db, Some(testkit::TEST_REGIONS))
        .await
        .expect("seed");
    // The binary runs on the system clock: a plan open around today.
    let today = chrono::Utc::now().date_naive();
    testkit::fundraising_plan(
        &tdb.db,
        PLAN,
        "330106",
        today - chrono::Days::new(7),
        today + chrono::Days::new(30),
    )
    .await
    .expect("plan");
    tdb.db.close().await;
    let url = tdb.url();
    let data_dir =
        std::env::temp_dir().join(format!("fengqiao-durability-{}", uuid::Uuid::now_v7()));

    let server = Server::start(&url, &data_dir).await;
    let (hex_key, key) = server.key().await;
    let acks = Arc::new(Mutex::new(Vec::new()));
    // A first tree head over a few donations given one after another.
    client_some(&server, &acks, 20).await;
    let head_before = server.sth(&key).await;
    assert_eq!(head_before.0, 20);

    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| tokio::spawn(client(server.base.clone(), c, acks.clone())))
        .collect();
    let started = Instant::now();
    while started.elapsed() < LOAD_BEFORE_KILL || acks.lock().unwrap().len() < ACKS_BEFORE_KILL {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "too few donations acknowledged under load"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A tree head signed under load, then the kill while the clients keep giving.
    let head_during = server.sth(&key).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.kill().await;
    for t in tasks {
        t.await.expect("client task");
    }
    let acks = acks.lock().unwrap().clone();
    eprintln!(
        "{backend:?}: {} donations acknowledged before the kill",
        acks.len()
    );

    let server = Server::start(&url, &data_dir).await;
    assert_eq!(
        server.key().await.0,
        hex_key,
        "the same log key after restart"
    );
    let head_after = server.sth(&key).await;

    // Every acknowledged donation is stored, confirmed, with its leaf at its index.
    let db = Db::connect(&url).await.expect("open the database");
    let rows: Vec<StoredDonation> = fengqiao::with_db!(&db, pool =>
        sqlx::query_as("SELECT idempotency_key, status, leaf_index, leaf_hash, amount_fen FROM donations")
            .fetch_all(pool).await.unwrap());
    let leaves: Vec<(i64, Vec<u8>)> = fengqiao::with_db!(&db, pool =>
        sqlx::query_as("SELECT idx, leaf_hash FROM translog_leaves ORDER BY idx")
            .fetch_all(pool).await.unwrap());
    db.close().await;
    let rows: HashMap<String, _> = rows.into_iter().map(|r| (r.0.clone(), r)).collect();
    // No gap: indexes 0, 1, 2, … and the signed root is the root of exactly these leaves.
    for (i, (idx, _)) in leaves.iter().enumerate() {
        assert_eq!(*idx, i as i64, "the log has a gap before index {idx}");
    }
    let leaf_hashes: Vec<Hash> = leaves
        .iter()
        .map(|(_, h)| h.as_slice().try_into().unwrap())
        .collect();
    assert_eq!(head_after.0, leaf_hashes.len() as u64);
    assert_eq!(head_after.1, translog::root(&leaf_hashes));
    assert!(head_after.0 >= acks.len() as u64);
    for a in &acks {
        let (_, status, index, hash, amount) = rows
            .get(&a.key)
            .unwrap_or_else(|| panic!("acknowledged donation {} is lost", a.key));
        assert_eq!(status, "confirmed", "{}", a.key);
        assert_eq!(*amount, a.amount_fen, "{}", a.key);
        assert_eq!(*index, Some(a.leaf_index as i64), "{}", a.key);
        assert_eq!(
            hash.as_deref().map(hex::encode).as_deref(),
            Some(a.leaf_hash.as_str())
        );
        assert_eq!(
            hex::encode(leaf_hashes[a.leaf_index as usize]),
            a.leaf_hash,
            "the log holds the acknowledged leaf at index {}",
            a.leaf_index
        );
    }
    // Every confirmed row, acknowledged or not (committed just before the kill), is its leaf.
    for (k, (_, status, index, hash, _)) in &rows {
        if status == "confirmed" {
            let i = index.unwrap() as usize;
            assert_eq!(hash.as_deref(), Some(&leaf_hashes[i][..]), "{k}");
        }
    }

    // The new head extends the heads signed before the kill.
    consistent(&server, head_before, head_after).await;
    consistent(&server, head_during, head_after).await;

    // Every acknowledged receipt verifies against the log's key (16 clients fetch them).
    let shares: Vec<Vec<Ack>> = (0..16)
        .map(|k| acks.iter().skip(k).step_by(16).cloned().collect())
        .collect();
    let checks: Vec<_> = shares
        .into_iter()
        .map(|share| {
            let (base, hex_key) = (server.base.clone(), hex_key.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for a in share {
                    let r = http
                        .get(format!("{base}/api/v1/donations/{}/receipt", a.id))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::OK, "receipt of {}", a.key);
                    let receipt: Receipt = r.json().await.unwrap();
                    let v = verify_receipt(&receipt, Some(&hex_key))
                        .unwrap_or_else(|e| panic!("receipt of {} does not verify: {e:?}", a.key));
                    assert_eq!(v.leaf_index, a.leaf_index);
                    assert_eq!(v.tree_size, head_after.0);
                }
            })
        })
        .collect();
    for c in checks {
        c.await.expect("receipt check");
    }
    server.kill().await;
    let _ = std::fs::remove_dir_all(&data_dir);
    tdb.finish().await;
}

/// `n` donations one after another, before the load.
async fn client_some(server: &Server, acks: &Arc<Mutex<Vec<Ack>>>, n: usize) {
    let http = reqwest::Client::new();
    for i in 0..n {
        let key = format!("durability-warmup-{i}");
        let b = body(i);
        let r = http
            .post(server.url("/api/v1/donations"))
            .header("Idempotency-Key", &key)
            .json(&b)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["leaf_index"], i as u64);
        acks.lock().unwrap().push(Ack {
            key,
            id: v["id"].as_str().unwrap().to_string(),
            leaf_index: i as u64,
            leaf_hash: v["leaf_hash"].as_str().unwrap().to_string(),
            amount_fen: b["amount_fen"].as_i64().unwrap(),
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_donation_survives_a_killed_server() {
    for backend in testkit::backends() {
        killed_under_load(backend).await;
    }
}
