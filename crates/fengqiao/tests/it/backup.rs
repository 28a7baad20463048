//! Online backup and restore (issue 15): a backup taken while donations are being written is a
//! consistent snapshot (every donation in it has its log leaf, and no more); restored, the
//! database holds every table exactly as it was; a damaged backup is refused and changes nothing.

use std::path::Path;

use fengqiao::backup;
use fengqiao::platform::db::Backend;
use reqwest::StatusCode;
use sqlx::{ConnectOptions, Connection};

use crate::TestApp;
use crate::donations::{donation, with_plan};

/// Every table of an SQLite file, each row as the text of its quoted values, in order.
async fn dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
            .bind(&t)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let row = cols
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {row} FROM \"{t}\" ORDER BY 1"
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        out.push((t, rows));
    }
    conn.close().await.unwrap();
    out
}

async fn count(path: &Path, sql: &'static str) -> i64 {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_table() {
    let app = TestApp::new(Backend::Sqlite).await;
    with_plan(&app).await;
    let data_dir = app.state.config.data_dir.clone();
    let source = backup::sqlite_file(&app.db_url()).unwrap();
    // A kept file and the keys are part of the backup too.
    let upload = fengqiao::platform::files::DOCUMENTS
        .check(
            "f",
            "a.pdf",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec(),
        )
        .unwrap();
    app.state.files.keep(&upload).await.unwrap();
    fengqiao::transparency::model::signing_key(&data_dir).unwrap();
    fengqiao::platform::pii::PiiCipher::load_or_create(&data_dir).unwrap();

    // Donations keep arriving while the first backup is taken.
    let writer = {
        let url = app.url("/api/v1/donations");
        tokio::spawn(async move {
            let mut given = 0;
            for i in 0..60 {
                let r = TestApp::client()
                    .post(&url)
                    .header("Idempotency-Key", format!("b{i}"))
                    .json(&donation(100 + i, "test_confirm"))
                    .send()
                    .await
                    .unwrap();
                given += i64::from(r.status() == StatusCode::CREATED);
            }
            given
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let root = std::env::temp_dir().join(format!("fq-backup-{}", uuid::Uuid::now_v7().simple()));
    let during = root.join("during");
    let r = backup::backup(&app.db_url(), &data_dir, &during)
        .await
        .unwrap();
    let given = writer.await.unwrap();
    assert_eq!(given, 60);
    let snap = r.database.clone().unwrap();
    // Consistent: each donation in the snapshot has its leaf, and the log holds nothing more.
    let donations = count(&snap, "SELECT COUNT(*) FROM donations").await;
    let leaves = count(
        &snap,
        "SELECT COUNT(*) FROM translog_leaves WHERE kind = 'donation'",
    )
    .await;
    assert_eq!(donations, leaves);
    assert!(donations <= 60);
    assert!(r.keys >= 2, "the PII and tree-head keys: {r:?}");
    assert_eq!(r.files, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&snap).unwrap().permissions().mode() & 0o077,
            0
        );
    }
    // A backup never overwrites.
    assert!(
        backup::backup(&app.db_url(), &data_dir, &during)
            .await
            .is_err()
    );

    // Quiet now: a second backup, restored elsewhere, holds every table exactly as it is.
    let after = root.join("after");
    backup::backup(&app.db_url(), &data_dir, &after)
        .await
        .unwrap();
    let restored_dir = root.join("restored");
    let target = restored_dir.join("fengqiao.db");
    let r = backup::restore(&after, &restored_dir, Some(&target))
        .await
        .unwrap();
    assert_eq!(r.database.as_deref(), Some(target.as_path()));
    let live = dump(&source).await;
    assert!(
        live.iter()
            .any(|(t, rows)| t == "donations" && rows.len() == 60)
    );
    assert_eq!(dump(&target).await, live);
    assert_eq!(
        std::fs::read(restored_dir.join("keys/pii.key")).unwrap(),
        std::fs::read(data_dir.join("keys/pii.key")).unwrap()
    );
    let restored_files = fengqiao::platform::files::FileStore::under(&restored_dir);
    assert_eq!(
        restored_files.read(&upload.sha256).await.unwrap(),
        upload.bytes
    );

    // Restoring again sets the current database aside first.
    backup::restore(&after, &restored_dir, Some(&target))
        .await
        .unwrap();
    let aside = std::fs::read_dir(&restored_dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("fengqiao.db.before-restore-")
        })
        .count();
    assert_eq!(aside, 1);

    // A damaged snapshot is refused, and the database in place is untouched.
    let damaged = root.join("damaged");
    std::fs::create_dir_all(&damaged).unwrap();
    let bytes = std::fs::read(after.join("fengqiao.db")).unwrap();
    std::fs::write(damaged.join("fengqiao.db"), &bytes[..bytes.len() / 2]).unwrap();
    let before = std::fs::read(&target).unwrap();
    assert!(
        backup::restore(&damaged, &restored_dir, Some(&target))
            .await
            .is_err()
    );
    assert_eq!(std::fs::read(&target).unwrap(), before);
    let _ = std::fs::remove_dir_all(&root);
    app.finish().await;
}

/// Personal data stays sealed in a backup (issue 15): with the demo data set loaded, no file of
/// a backup — the database snapshot, the kept files, the keys — holds any of the demo's identity
/// numbers, objectors' phones or donors' names in plain text.
#[tokio::test]
async fn a_backup_holds_personal_data_only_sealed() {
    let app = TestApp::new(Backend::Sqlite).await;
    fengqiao::demo::load(
        &app.state.db,
        &app.state.pii,
        fengqiao::demo::Scale::Small,
        2018,
        true,
    )
    .await
    .unwrap();
    let secrets = crate::personal_data::plaintexts(&app).await;
    assert!(
        secrets.iter().any(|s| s.len() == 18),
        "identity numbers to look for"
    );
    let data_dir = app.state.config.data_dir.clone();
    fengqiao::platform::pii::PiiCipher::load_or_create(&data_dir).unwrap();
    let out = std::env::temp_dir().join(format!("fq-backup-pii-{}", uuid::Uuid::now_v7().simple()));
    backup::backup(&app.db_url(), &data_dir, &out)
        .await
        .unwrap();
    let mut files = vec![out.clone()];
    let mut read = 0;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        read += 1;
        for s in &secrets {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{} holds {s:?} in plain text",
                p.display()
            );
        }
    }
    assert!(read >= 2, "the backup's files were read: {read}");
    let _ = std::fs::remove_dir_all(&out);
    app.finish().await;
}
