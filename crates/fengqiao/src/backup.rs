//! Online backup and restore (`fengqiao backup DIR`, `fengqiao restore DIR`, issue 15).
//!
//! A backup is a directory: `fengqiao.db`, a consistent snapshot of the embedded database taken
//! while the server runs (SQLite's `VACUUM INTO`, one read transaction: every commit before it is
//! in, none after it); `keys/`, without which sealed personal data cannot be read and the log's
//! heads cannot be signed; `files/`, the file store (copied after the snapshot: a file is kept
//! before any row names it, so every file the snapshot names is there); and the configuration
//! file if there is one. On PostgreSQL the database is dumped with `pg_dump`, whose command is
//! printed; the keys and files are copied the same way.
//!
//! Restore puts a backup in place of a stopped server's data: the snapshot is checked first
//! (`PRAGMA integrity_check`, and its migrations are ones this version knows), the database it
//! replaces is kept aside as `fengqiao.db.before-restore-<time>`, and nothing is changed when the
//! check fails.

use std::path::{Path, PathBuf};

use crate::platform::db::{Db, private_dir};

/// The database file of a backup.
pub const DB_FILE: &str = "fengqiao.db";

/// What a backup holds, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub database: Option<PathBuf>,
    pub files: usize,
    pub keys: usize,
}

/// The file of an embedded database URL (`sqlite://path` or a path); `None` for PostgreSQL.
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return None;
    }
    Some(PathBuf::from(
        database_url
            .strip_prefix("sqlite://")
            .unwrap_or(database_url),
    ))
}

/// Takes a backup of a serving (or stopped) platform into `out`, which must not exist yet: the
/// database named by `database_url` (its snapshot when it is SQLite), the keys and the files of
/// `data_dir`.
pub async fn backup(database_url: &str, data_dir: &Path, out: &Path) -> anyhow::Result<Report> {
    if out.exists() {
        anyhow::bail!(
            "{} exists; a backup goes into a new directory",
            out.display()
        );
    }
    private_dir(out)?;
    let database = match sqlite_file(database_url) {
        Some(source) => {
            use sqlx::ConnectOptions;
            if !source.is_file() {
                anyhow::bail!("no database at {}", source.display());
            }
            let target = out.join(DB_FILE);
            // VACUUM INTO writes a transaction-consistent copy from one read snapshot while
            // the server's writer goes on (WAL: it takes no write lock). A connection of its
            // own: the server's read pool is query-only, which VACUUM refuses.
            let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&source)
                .busy_timeout(std::time::Duration::from_secs(10))
                .connect()
                .await?;
            sqlx::query("VACUUM INTO $1")
                .bind(target.display().to_string())
                .execute(&mut conn)
                .await?;
            crate::platform::db::make_private(&target)?;
            Some(target)
        }
        None => None,
    };
    let keys = copy_tree(&data_dir.join("keys"), &out.join("keys"))?;
    let files = copy_tree(&data_dir.join("files"), &out.join("files"))?;
    let config = data_dir.join("fengqiao.toml");
    if config.is_file() {
        std::fs::copy(&config, out.join("fengqiao.toml"))?;
    }
    Ok(Report {
        database,
        files,
        keys,
    })
}

/// The `pg_dump` command that completes a PostgreSQL backup into `out`.
pub fn pg_dump_command(database_url: &str, out: &Path) -> String {
    format!(
        "pg_dump --format=custom --file {} '{database_url}'",
        out.join("fengqiao.pgdump").display()
    )
}

/// Restores a backup into `data_dir` (the server stopped): the snapshot becomes the database
/// file `sqlite` (none on PostgreSQL, whose dump is restored with `pg_restore`), and the keys
/// and files are put back.
pub async fn restore(
    backup: &Path,
    data_dir: &Path,
    sqlite: Option<&Path>,
) -> anyhow::Result<Report> {
    let snapshot = backup.join(DB_FILE);
    let database = if let Some(target) = sqlite {
        if !snapshot.is_file() {
            anyhow::bail!("{} holds no {DB_FILE}", backup.display());
        }
        check_snapshot(&snapshot).await?;
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let with = |suffix: &str| {
            let mut name = target.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        if target.exists() {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            std::fs::rename(target, with(&format!(".before-restore-{stamp}")))?;
        }
        // The old WAL and shared memory belong to the database set aside: SQLite would replay
        // them into the restored file.
        for suffix in ["-wal", "-shm"] {
            if with(suffix).exists() {
                std::fs::remove_file(with(suffix))?;
            }
        }
        let tmp = with(".restoring");
        std::fs::copy(&snapshot, &tmp)?;
        crate::platform::db::make_private(&tmp)?;
        std::fs::rename(&tmp, target)?;
        Some(target.to_path_buf())
    } else {
        None
    };
    let keys = copy_tree(&backup.join("keys"), &data_dir.join("keys"))?;
    let files = copy_tree(&backup.join("files"), &data_dir.join("files"))?;
    Ok(Report {
        database,
        files,
        keys,
    })
}

/// A snapshot is whole and of a schema this version knows, or it is refused.
async fn check_snapshot(path: &Path) -> anyhow::Result<()> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    if verdict != "ok" {
        anyhow::bail!("{} is damaged: {verdict}", path.display());
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await?;
    let known = Db::migration_versions(crate::platform::db::Backend::Sqlite);
    if let Some(v) = applied.iter().find(|v| !known.contains(v)) {
        anyhow::bail!(
            "{} was written by a newer version (migration {v} is unknown here)",
            path.display()
        );
    }
    Ok(())
}

/// Copies a directory tree (files not already at the target), keeping files private; returns
/// how many files it copied. A missing source copies nothing.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<usize> {
    if !from.is_dir() {
        return Ok(0);
    }
    private_dir(to)?;
    let mut n = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            n += copy_tree(&src, &dst)?;
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            // (A name starting with '.' is a file store's write in progress: not a file yet.)
            std::fs::copy(&src, &dst)?;
            crate::platform::db::make_private(&dst)?;
            n += 1;
        }
    }
    Ok(n)
}
