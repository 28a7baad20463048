//! SQL of the transparency log: leaves, complete-subtree nodes and signed tree heads.
//!
//! Appends happen inside the caller's transaction ([`LogTx::append_leaves`]), so that a record
//! and its leaf commit together. Reads load only the O(log n) hashes an operation needs, found
//! by a dry run of the operation over a recording [`Snapshot`].

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use translog::{Hash, Log, LogError, SignedTreeHead, SigningKey, TreeHead};

use super::model::{Addr, LeafEntry, Snapshot, frontier};
use crate::platform::db::Db;
use crate::platform::{AppError, AppResult};
use crate::{with_db, with_tx};

/// PostgreSQL advisory-lock key of log writers (SQLite has one writer anyway). Writers that
/// also record to the journal take this lock first, then the outbox lock, always in that order.
const APPEND_LOCK: i64 = 0x7472_616e_736c_6f67; // "translog"

fn to_hash(bytes: Vec<u8>) -> AppResult<Hash> {
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| anyhow::anyhow!("stored hash of {} bytes", b.len()).into())
}

fn log_error(e: LogError) -> AppError {
    anyhow::anyhow!("transparency log: {e}").into()
}

/// Adds leaves to the log inside a transaction. Implemented for a transaction of each backend
/// from one body.
pub trait LogTx {
    /// Takes the writer lock (PostgreSQL; SQLite's transaction already has the one writer) and
    /// returns the log's size, which stays the size until this transaction ends. A writer that
    /// needs its leaves' indexes before building them (receipt numbers) calls this first.
    fn lock_and_size(&mut self) -> impl Future<Output = AppResult<u64>> + Send;

    /// Appends `entries` in order and returns the index of the first one. Indexes come from the
    /// database under the writer lock, so concurrent appends get distinct, contiguous indexes.
    fn append_leaves(
        &mut self,
        entries: &[LeafEntry],
    ) -> impl Future<Output = AppResult<u64>> + Send;
}

/// Rows per multi-row INSERT: far under both backends' bind-parameter limits (SQLite 32766,
/// PostgreSQL 65535) at six columns a row.
const INSERT_CHUNK: usize = 1000;

/// Addresses per read of stored hashes (two parameters each). A proof or an append reads
/// O(log n) of them: one read for the leaves and one for the nodes, not one per hash.
const ADDR_CHUNK: usize = 256;

/// Reads the stored hashes at `$addrs` (addresses) over `$conn` (a `&mut` connection of either
/// backend): the leaves in one query, the nodes in another. Absent hashes are left out.
macro_rules! fetch_hashes {
    ($conn:expr, $addrs:expr) => {{
        let mut out: HashMap<Addr, Hash> = HashMap::new();
        let leaves: Vec<i64> = $addrs
            .iter()
            .filter(|a| a.0 == 0)
            .map(|a| a.1 as i64)
            .collect();
        let nodes: Vec<Addr> = $addrs.iter().filter(|a| a.0 > 0).copied().collect();
        for chunk in leaves.chunks(ADDR_CHUNK) {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT idx, leaf_hash FROM translog_leaves WHERE idx IN (",
            );
            let mut sep = q.separated(", ");
            for i in chunk {
                sep.push_bind(*i);
            }
            q.push(")");
            let rows: Vec<(i64, Vec<u8>)> = q.build_query_as().fetch_all(&mut *$conn).await?;
            for (i, h) in rows {
                out.insert((0, i as u64), to_hash(h)?);
            }
        }
        for chunk in nodes.chunks(ADDR_CHUNK) {
            let mut q =
                sqlx::QueryBuilder::new("SELECT level, idx, hash FROM translog_nodes WHERE ");
            for (k, (level, index)) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(" OR ");
                }
                q.push("(level = ")
                    .push_bind(i64::from(*level))
                    .push(" AND idx = ")
                    .push_bind(*index as i64)
                    .push(")");
            }
            let rows: Vec<(i64, i64, Vec<u8>)> = q.build_query_as().fetch_all(&mut *$conn).await?;
            for (level, index, h) in rows {
                out.insert((level as u32, index as u64), to_hash(h)?);
            }
        }
        out
    }};
}

macro_rules! impl_log_tx {
    ($db:ty) => {
        impl LogTx for sqlx::Transaction<'static, $db> {
            async fn lock_and_size(&mut self) -> AppResult<u64> {
                if <$db as sqlx::Database>::NAME == "PostgreSQL" {
                    // Re-entrant within the session: a later append in this transaction takes
                    // it again without waiting.
                    sqlx::query("SELECT pg_advisory_xact_lock($1)")
                        .bind(APPEND_LOCK)
                        .execute(&mut **self)
                        .await?;
                }
                let size: i64 =
                    sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM translog_leaves")
                        .fetch_one(&mut **self)
                        .await?;
                Ok(size as u64)
            }

            async fn append_leaves(&mut self, entries: &[LeafEntry]) -> AppResult<u64> {
                let size = self.lock_and_size().await?;
                let wanted = frontier(size);
                let known = fetch_hashes!(&mut **self, wanted);
                if let Some(a) = wanted.iter().find(|a| !known.contains_key(a)) {
                    return Err(anyhow::anyhow!("log frontier hash {a:?} of size {size} is missing").into());
                }
                let mut log = Log::new(Snapshot::new(size, known));
                let hashes: Vec<Hash> = entries.iter().map(|e| e.leaf_hash).collect();
                let first = log.append(&hashes).map_err(log_error)?;
                for (c, chunk) in entries.chunks(INSERT_CHUNK).enumerate() {
                    let base = first + (c * INSERT_CHUNK) as u64;
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO translog_leaves (idx, leaf_hash, kind, amount_fen, project, at) ",
                    );
                    q.push_values(chunk.iter().enumerate(), |mut b, (i, e)| {
                        b.push_bind((base + i as u64) as i64)
                            .push_bind(&e.leaf_hash[..])
                            .push_bind(&e.kind)
                            .push_bind(e.amount_fen)
                            .push_bind(&e.project)
                            .push_bind(e.at);
                    });
                    q.build().execute(&mut **self).await?;
                }
                for chunk in log.store().appended().1.chunks(INSERT_CHUNK) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO translog_nodes (level, idx, hash) ",
                    );
                    q.push_values(chunk, |mut b, n| {
                        b.push_bind(i64::from(n.level))
                            .push_bind(n.index as i64)
                            .push_bind(&n.hash[..]);
                    });
                    q.build().execute(&mut **self).await?;
                }
                Ok(first)
            }
        }
    };
}
impl_log_tx!(sqlx::Sqlite);
impl_log_tx!(sqlx::Postgres);

/// Appends `entries` in a transaction of their own (tests, tools); returns the first index.
pub async fn append(db: &Db, entries: &[LeafEntry]) -> AppResult<u64> {
    Ok(with_tx!(db, tx => tx.append_leaves(entries).await?))
}

/// Appends `n` synthetic leaves (kind `synthetic`, random content) in one transaction, for
/// tests and benchmarks; returns their hashes.
pub async fn append_synthetic(db: &Db, at: DateTime<Utc>, n: usize) -> AppResult<Vec<Hash>> {
    let entries: Vec<LeafEntry> = (0..n)
        .map(|i| LeafEntry {
            leaf_hash: translog::leaf_hash(uuid::Uuid::new_v4().as_bytes()),
            kind: "synthetic".into(),
            amount_fen: 100 * (i as i64 + 1),
            project: "test".into(),
            at,
        })
        .collect();
    append(db, &entries).await?;
    Ok(entries.into_iter().map(|e| e.leaf_hash).collect())
}

/// Number of leaves committed.
pub async fn size(db: &Db) -> AppResult<u64> {
    let n: i64 = with_db!(db, pool => sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM translog_leaves").fetch_one(pool).await?);
    Ok(n as u64)
}

async fn load(db: &Db, addrs: &BTreeSet<Addr>) -> AppResult<HashMap<Addr, Hash>> {
    Ok(with_db!(db, pool => {
        let mut conn = pool.acquire().await?;
        fetch_hashes!(&mut *conn, addrs)
    }))
}

/// Runs a read-only [`Log`] operation over the first `size` leaves, loading only the hashes
/// it reads. A request the log refuses (an index or size out of range) comes back as the
/// inner `Err`, for the caller to name the field.
pub async fn read<T>(
    db: &Db,
    size: u64,
    op: impl Fn(&Log<Snapshot>) -> Result<T, LogError>,
) -> AppResult<Result<T, LogError>> {
    let dry = Log::new(Snapshot::recorder(size));
    if let Err(e) = op(&dry) {
        return Ok(Err(e));
    }
    let known = load(db, &dry.store().recorded()).await?;
    match op(&Log::new(Snapshot::new(size, known))) {
        Err(LogError::Store(e)) => Err(log_error(LogError::Store(e))),
        other => Ok(other),
    }
}

/// The leaf index of a leaf hash.
pub async fn index_of(db: &Db, leaf_hash: &Hash) -> AppResult<Option<u64>> {
    let i: Option<i64> = with_db!(db, pool => sqlx::query_scalar("SELECT idx FROM translog_leaves WHERE leaf_hash = $1")
        .bind(&leaf_hash[..]).fetch_optional(pool).await?);
    Ok(i.map(|i| i as u64))
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    idx: i64,
    leaf_hash: Vec<u8>,
    kind: String,
    amount_fen: i64,
    project: String,
    at: DateTime<Utc>,
}

/// Leaves `start..=end` with their public facts, in index order.
pub async fn entries(db: &Db, start: u64, end: u64) -> AppResult<Vec<(u64, LeafEntry)>> {
    let rows: Vec<EntryRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT idx, leaf_hash, kind, amount_fen, project, at FROM translog_leaves WHERE idx >= $1 AND idx <= $2 ORDER BY idx")
        .bind(start as i64).bind(end as i64).fetch_all(pool).await?);
    rows.into_iter()
        .map(|r| {
            Ok((
                r.idx as u64,
                LeafEntry {
                    leaf_hash: to_hash(r.leaf_hash)?,
                    kind: r.kind,
                    amount_fen: r.amount_fen,
                    project: r.project,
                    at: r.at,
                },
            ))
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct HeadRow {
    tree_size: i64,
    timestamp_ms: i64,
    root: Vec<u8>,
    signature: Vec<u8>,
}

impl HeadRow {
    fn published(self) -> AppResult<SignedTreeHead> {
        Ok(SignedTreeHead {
            tree_size: self.tree_size as u64,
            timestamp: self.timestamp_ms as u64,
            sha256_root_hash: translog::to_hex(&to_hash(self.root)?),
            tree_head_signature: hex::encode(self.signature),
        })
    }
}

/// The size of the latest signed tree head, if any was signed.
pub async fn latest_size(db: &Db) -> AppResult<Option<u64>> {
    Ok(latest_head(db).await?.map(|h| h.tree_size as u64))
}

async fn latest_head(db: &Db) -> AppResult<Option<HeadRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, HeadRow>(
        "SELECT tree_size, timestamp_ms, root, signature FROM translog_heads ORDER BY tree_size DESC LIMIT 1")
        .fetch_optional(pool).await?))
}

/// The latest signed tree head, signing a new one first when the tree has grown since the
/// last (or none was signed yet). Concurrent callers agree: the first head stored for a size
/// is the one published.
pub async fn current_head(
    db: &Db,
    now: DateTime<Utc>,
    key: &SigningKey,
) -> AppResult<SignedTreeHead> {
    let size = size(db).await?;
    let latest = latest_head(db).await?;
    // Tree heads never go back in time, even if the clock does.
    let mut not_before = 0;
    if let Some(h) = latest {
        if h.tree_size as u64 >= size {
            return h.published();
        }
        not_before = h.timestamp_ms.max(0) as u64;
    }
    let root = read(db, size, |log| log.root(size))
        .await?
        .map_err(log_error)?;
    let head = TreeHead {
        tree_size: size,
        timestamp_ms: (now.timestamp_millis().max(0) as u64).max(not_before),
        root,
    };
    let signature = head.sign(key).to_bytes();
    let row: HeadRow = with_tx!(db, tx => {
        sqlx::query("INSERT INTO translog_heads (tree_size, timestamp_ms, root, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING")
            .bind(size as i64).bind(head.timestamp_ms as i64).bind(&root[..]).bind(&signature[..])
            .execute(&mut *tx).await?;
        sqlx::query_as::<_, HeadRow>("SELECT tree_size, timestamp_ms, root, signature FROM translog_heads WHERE tree_size = $1")
            .bind(size as i64).fetch_one(&mut *tx).await?
    });
    row.published()
}
