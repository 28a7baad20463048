//! One database handle over SQLite (embedded, a county's laptop) and PostgreSQL (the province).
//!
//! Queries are written once, with `$1` placeholders that both drivers accept, and run through
//! [`with_db!`] / [`with_tx!`], which expand the same body for each backend. That keeps one code
//! path without sqlx's `Any` driver, which cannot read PostgreSQL's uuid and timestamptz.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database handle every store function takes.
///
/// SQLite has one writer at a time: writes go through a one-connection pool (`write`) so that
/// transactions queue in the process instead of failing with `SQLITE_BUSY`; reads use a wider
/// pool in WAL mode. PostgreSQL uses one pool for both.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens the database named by `url`: `postgres://…` or `sqlite://path` / a plain file path.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            Self::connect_postgres(opts).await
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Self::connect_sqlite(Path::new(path)).await
        }
    }

    pub async fn connect_postgres(opts: PgConnectOptions) -> anyhow::Result<Db> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::Postgres(pool))
    }

    pub async fn connect_sqlite(path: &Path) -> anyhow::Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        make_private(path)?;
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // The writer commits with `synchronous = FULL`: every commit fsyncs the WAL before it
        // returns. `NORMAL` in WAL mode already survives a killed *process* (a commit is in
        // the OS's file cache once `COMMIT` returns), but not a power cut or a kernel crash,
        // which can drop the last commits. Those commits include acknowledged donations and
        // transparency-log leaves, possibly under a signed tree head already handed out: after
        // such a loss the log would grow again with other leaves at the same indexes, a fork
        // that no receipt or monitor could explain. Acknowledgements promise durability, so
        // the writer pays one fsync per transaction; group commit (donations::intake) spreads
        // it over a whole batch. Readers never write, so their setting does not matter.
        // Its statement journals (kept while a multi-row INSERT runs, to undo that statement
        // alone) live in memory, not in temporary files: they matter only until the statement
        // ends, never for durability, and writing them to files cost ~8 % of a donation batch.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                opts.clone()
                    .synchronous(SqliteSynchronous::Full)
                    .pragma("temp_store", "MEMORY"),
            )
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Db::Sqlite { read, write })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend (`migrations/sqlite` or `migrations/postgres`).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATOR.run(write).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    /// Applies the migrations up to `version` only (an upgrade test starts from an older schema,
    /// writes rows as that version did, then migrates the rest).
    pub async fn migrate_to(&self, version: i64) -> anyhow::Result<()> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATOR.run_to(version, write).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATOR.run_to(version, pool).await?,
        }
        Ok(())
    }

    /// Versions of the migrations compiled in for `backend` (a test checks both lists agree).
    pub fn migration_versions(backend: Backend) -> Vec<i64> {
        let m = match backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        m.iter().map(|m| m.version).collect()
    }

    /// True when the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        crate::with_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// The database file and its `-wal`, `-shm` and `-journal` files are for the server's user
/// alone (0600): they hold every password hash, session token hash and sealed personal datum.
/// SQLite creates the others with the mode of the database file, so a new database file is
/// created 0600 before SQLite opens it; files an older version left readable are narrowed.
#[cfg(unix)]
pub(crate) fn make_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if path.as_os_str() == ":memory:" {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = std::path::PathBuf::from(file);
        if let Ok(meta) = std::fs::metadata(&file)
            && meta.permissions().mode() & 0o077 != 0
            && let Err(e) = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
        {
            tracing::warn!(file = %file.display(), error = %e, "cannot make the database file private");
        }
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn make_private(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Creates a directory (and its parents) for the server's user alone (0700): the keys, the file
/// store and backups hold what the database's 0600 files protect.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Runs `$body` with `$pool` bound to the backend's read pool (a `&SqlitePool` or `&PgPool`).
/// The body is compiled once per backend from the same source.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::platform::db::Db::Sqlite { read: $pool, .. } => $body,
            $crate::platform::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside one transaction bound to `$tx` and commits it when the body finishes.
/// An early return through `?` drops the transaction, which rolls it back: a failed write
/// changes nothing. SQLite transactions start `IMMEDIATE` so that a read-then-write cannot
/// deadlock; PostgreSQL transactions are `READ COMMITTED` and rely on constraints and row locks.
#[macro_export]
macro_rules! with_tx {
    ($db:expr, $tx:ident => $body:expr) => {
        match $db {
            $crate::platform::db::Db::Sqlite { write, .. } => {
                #[allow(unused_mut)]
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::platform::db::Db::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
