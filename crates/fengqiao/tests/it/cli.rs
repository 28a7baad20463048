//! The command line, run as a newcomer would: migrate, import, demo (SQLite in a temp dir).

use std::process::Command;

fn fengqiao(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("FENGQIAO_DATA_DIR")
        .output()
        .expect("run fengqiao")
}

#[test]
fn migrate_imports_the_divisions_and_a_bad_division_file_is_refused_line_by_line() {
    let dir = std::env::temp_dir().join(format!("fq-cli-{}", uuid::Uuid::now_v7()));
    let out = fengqiao(&dir, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("fengqiao.db").exists());
    // Not a terminal: progress comes as plain lines.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("divisions: 27036/27036"), "{err}");

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "code,name,level,parent_code,kind\n330000,浙江省,province,,\n3301X0,杭州市,city,330000,\n",
    )
    .unwrap();
    let out = fengqiao(&dir, &["import", "divisions", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3, column code"), "{err}");

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "code,name,level,parent_code,kind\n330000,浙江省,province,,\n330100,杭州市,city,330000,\n",
    )
    .unwrap();
    let out = fengqiao(&dir, &["import", "divisions", good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 divisions"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `fengqiao backup DIR` and `fengqiao restore DIR`, as the README says to use them: the
/// restored data directory holds the same divisions; a backup never overwrites a directory.
#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("fq-cli-{}", uuid::Uuid::now_v7()));
    assert!(fengqiao(&dir, &["migrate"]).status.success());
    let out_dir = dir.join("backup-1");
    let out = fengqiao(&dir, &["backup", out_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("database snapshot"));
    assert!(
        !fengqiao(&dir, &["backup", out_dir.to_str().unwrap()])
            .status
            .success()
    );
    let other = dir.join("restored");
    let out = fengqiao(&other, &["restore", out_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::metadata(other.join("fengqiao.db")).unwrap().len(),
        std::fs::metadata(out_dir.join("fengqiao.db"))
            .unwrap()
            .len()
    );
    // The restored directory serves: migrate finds nothing to do and the divisions are there.
    let out = fengqiao(&other, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("divisions: 27036/27036"));
    // The restored audit log verifies against its anchors (none yet on a fresh database).
    let out = fengqiao(&other, &["verify", "audit"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("OK: 0 audit batches"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_subcommand_or_scale_is_refused_with_usage() {
    let dir = std::env::temp_dir().join(format!("fq-cli-{}", uuid::Uuid::now_v7()));
    let out = fengqiao(&dir, &["demo", "--scale", "galaxy"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("small"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `fengqiao serve` stops gracefully on SIGTERM (what systemd, Docker and Kubernetes send), on
/// both databases: a request in flight when the signal comes — here a donation whose body is
/// still arriving — is answered and committed, and the process exits 0 and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_request_in_flight_finish_and_exits_cleanly() {
    for backend in fengqiao::testkit::backends() {
        sigterm_on(backend).await;
    }
}

async fn sigterm_on(backend: fengqiao::platform::db::Backend) {
    use std::process::Stdio;
    use std::time::Duration;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    const PLAN: &str = "浙民募备[2026]0999";
    // Bounds against a hang only: every wait below ends on an event, never on the clock.
    const BOUND: Duration = Duration::from_secs(120);
    let tdb = fengqiao::testkit::TestDb::new(backend).await.unwrap();
    fengqiao::testkit::seed(&tdb.db, Some(fengqiao::testkit::TEST_REGIONS))
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    fengqiao::testkit::fundraising_plan(
        &tdb.db,
        PLAN,
        "330106",
        today - chrono::Days::new(7),
        today + chrono::Days::new(30),
    )
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("fq-cli-{}", uuid::Uuid::now_v7()));
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--data-dir")
        .arg(&dir)
        .arg("--database-url")
        .arg(tdb.url())
        .args(["serve", "--addr", "127.0.0.1:0", "--no-demo"])
        // The trace layer's "started processing request" says when the request is in flight.
        .env("FENGQIAO_LOG", "info,sqlx=warn,tower_http=debug")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start fengqiao serve");
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = tokio::time::timeout(BOUND, async {
        while let Some(line) = out.next_line().await.unwrap() {
            if let Some(rest) = line.split("http://").nth(1) {
                return rest.split('/').next().unwrap().to_string();
            }
        }
        panic!("the server exited before printing its address");
    })
    .await
    .expect("the server starts");
    tokio::spawn(async move { while let Ok(Some(_)) = out.next_line().await {} });
    let (log_tx, mut log) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    tokio::spawn(async move {
        while let Ok(Some(line)) = err.next_line().await {
            let _ = log_tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = async |needle: &str| {
        tokio::time::timeout(BOUND, async {
            while let Some(line) = log.recv().await {
                seen.push(line.clone());
                if line.contains(needle) {
                    return;
                }
            }
            panic!("the log ended without {needle:?}:\n{}", seen.join("\n"));
        })
        .await
        .unwrap_or_else(|_| panic!("no {needle:?} in the log"))
    };

    // A donation whose head is sent and whose body is only half there: in flight.
    let body = serde_json::json!({"project": PLAN, "amount_fen": 1234, "anonymous": true, "method": "test_confirm"}).to_string();
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/donations HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Idempotency-Key: sigterm-in-flight\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(first).await.unwrap();
    wait_for("started processing request").await;

    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    wait_for("shutting down gracefully").await;
    // The rest of the body after the signal: the request is still answered.
    s.write_all(rest).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(BOUND, s.read_to_end(&mut raw))
        .await
        .expect("the answer comes")
        .unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    wait_for("shut down cleanly").await;
    let status = tokio::time::timeout(BOUND, child.wait())
        .await
        .expect("the server exits")
        .unwrap();
    assert_eq!(status.code(), Some(0), "{status}");

    let n: i64 = fengqiao::with_db!(&tdb.db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM donations WHERE idempotency_key = 'sigterm-in-flight' AND status = 'confirmed'",
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(n, 1, "the donation in flight is committed");
    let _ = std::fs::remove_dir_all(&dir);
    tdb.finish().await;
}
