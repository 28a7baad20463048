//! Storage for an append-only log: leaf hashes plus a cache of the hashes of
//! complete perfect subtrees.
//!
//! # Node addressing
//!
//! Node `(level, index)` is the root of the perfect subtree covering leaves
//! `index * 2^level .. (index + 1) * 2^level`. Level 0 is the leaves
//! themselves. A node exists once all its leaves exist and never changes
//! afterwards, so it can be written once and cached forever. Every RFC 6962
//! root and proof for any tree size is a combination of O(log n) such nodes
//! (see [`crate::Log`]).
//!
//! # Who hashes
//!
//! Stores do not hash. [`crate::Log::append`] computes the nodes that a batch
//! of leaves completes and hands leaves and nodes to [`LogStore::append`]
//! together, so a SQL implementation is two `INSERT`s in one transaction:
//!
//! ```sql
//! CREATE TABLE log_leaf (idx BIGINT PRIMARY KEY, hash BYTEA NOT NULL);
//! CREATE TABLE log_node (level INT, idx BIGINT, hash BYTEA NOT NULL,
//!                        PRIMARY KEY (level, idx));
//! ```

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::hash::Hash;

/// A cached interior node: the root of a complete perfect subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Node {
    /// Height of the subtree: it covers `2^level` leaves (`level >= 1`).
    pub level: u32,
    /// Position among nodes of this level, counting from the left.
    pub index: u64,
    /// The subtree's Merkle Tree Hash.
    pub hash: Hash,
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The underlying file or device failed.
    #[error("log storage I/O error: {0} (日志存储读写错误)")]
    Io(#[from] io::Error),
    /// Another process (or another handle in this one) holds the log file.
    #[error("log file {0} is locked by another writer (日志文件已被其他写入者锁定)")]
    Locked(PathBuf),
    /// A leaf or node that must exist for this tree size is missing.
    #[error(
        "log storage is missing node (level {level}, index {index}) (日志存储缺少节点：层 {level}，索引 {index})"
    )]
    Missing {
        /// Node level (0 for a leaf).
        level: u32,
        /// Node index.
        index: u64,
    },
    /// An append did not extend the stored data contiguously.
    #[error("invalid append to log storage: {0} (日志追加无效)")]
    InvalidAppend(String),
    /// Any other backend failure (for example a database error).
    #[error("log storage backend error: {0} (日志存储后端错误)")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Append-only storage of leaf hashes and cached complete-subtree nodes.
///
/// Implementations only store and fetch; [`crate::Log`] does all hashing.
/// A store never rewrites anything: leaves and nodes are immutable once
/// appended, which is what makes caching them sound.
pub trait LogStore {
    /// Number of leaves stored.
    fn size(&self) -> Result<u64, StoreError>;

    /// Atomically append `leaves` (becoming indices `size()..`) together with
    /// the `nodes` they complete, and return the index of the first new leaf.
    ///
    /// `nodes` are exactly the nodes of level >= 1 that exist at the new size
    /// but not at the old one, as computed by [`crate::Log::append`]. Either
    /// everything is stored or nothing is (for SQL: one transaction).
    fn append(&mut self, leaves: &[Hash], nodes: &[Node]) -> Result<u64, StoreError>;

    /// Leaf hash at `index`, or `None` if `index >= size()`.
    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError>;

    /// Cached node `(level, index)` for `level >= 1`, or `None` if the node is
    /// not complete or not cached ([`crate::Log`] then recomputes it from its
    /// children).
    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError>;
}

impl<S: LogStore + ?Sized> LogStore for &mut S {
    fn size(&self) -> Result<u64, StoreError> {
        (**self).size()
    }
    fn append(&mut self, leaves: &[Hash], nodes: &[Node]) -> Result<u64, StoreError> {
        (**self).append(leaves, nodes)
    }
    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError> {
        (**self).leaf(index)
    }
    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        (**self).node(level, index)
    }
}

/// In-memory store: one vector of hashes per level (32 bytes per leaf for the
/// leaves plus about as much again for the nodes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStore {
    /// `levels[0]` are the leaves, `levels[l]` the complete nodes of level l.
    levels: Vec<Vec<Hash>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Check that `nodes`, appended after `new_leaves` leaves, extend each
    /// level contiguously and only cover existing children.
    fn check_append(&self, new_leaves: usize, nodes: &[Node]) -> Result<(), StoreError> {
        let mut lens: Vec<u64> = self.levels.iter().map(|l| l.len() as u64).collect();
        if lens.is_empty() {
            lens.push(0);
        }
        lens[0] += new_leaves as u64;
        for n in nodes {
            let level = n.level as usize;
            if level == 0 || level > 63 {
                return Err(StoreError::InvalidAppend(format!(
                    "node level {} is not in 1..=63",
                    n.level
                )));
            }
            if lens.len() <= level {
                lens.resize(level + 1, 0);
            }
            if n.index != lens[level] || 2 * n.index + 1 >= lens[level - 1] {
                return Err(StoreError::InvalidAppend(format!(
                    "node (level {}, index {}) does not extend level {} of length {}",
                    n.level, n.index, n.level, lens[level]
                )));
            }
            lens[level] += 1;
        }
        Ok(())
    }

    /// Apply an append already checked by [`Self::check_append`].
    fn apply_append(&mut self, leaves: &[Hash], nodes: &[Node]) -> u64 {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        let first = self.levels[0].len() as u64;
        self.levels[0].extend_from_slice(leaves);
        for n in nodes {
            let level = n.level as usize;
            if self.levels.len() <= level {
                self.levels.resize_with(level + 1, Vec::new);
            }
            self.levels[level].push(n.hash);
        }
        first
    }

    fn get(&self, level: u32, index: u64) -> Option<Hash> {
        let row = self.levels.get(level as usize)?;
        row.get(usize::try_from(index).ok()?).copied()
    }
}

impl LogStore for MemoryStore {
    fn size(&self) -> Result<u64, StoreError> {
        Ok(self.levels.first().map_or(0, |l| l.len() as u64))
    }

    fn append(&mut self, leaves: &[Hash], nodes: &[Node]) -> Result<u64, StoreError> {
        self.check_append(leaves.len(), nodes)?;
        Ok(self.apply_append(leaves, nodes))
    }

    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError> {
        Ok(self.get(0, index))
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        if level == 0 {
            return Ok(None);
        }
        Ok(self.get(level, index))
    }
}

/// Size of one record in a [`FileStore`] file.
const RECORD: u64 = 32;

/// Durable store: an append-only file of raw 32-byte leaf hashes, fsynced on
/// every append, plus an in-memory [`MemoryStore`] rebuilt on open.
///
/// Only leaves are written to disk; the node cache is derived data and is
/// recomputed when the file is opened (O(n) hashing, about a second per few
/// million leaves). The file is locked exclusively while open.
///
/// # Crash recovery
///
/// An append is acknowledged only after `fsync`, so every acknowledged leaf
/// survives a crash. A crash during an append can leave a torn last record
/// (file length not a multiple of 32) or, on some file systems, trailing
/// zero-filled records; [`FileStore::open`] truncates both, leaving exactly
/// the last complete, written leaves (so [`FileStore`] refuses to store an
/// all-zero leaf hash, which no SHA-256 leaf hash is in practice). Leaves that were written but not yet
/// acknowledged may survive; that is harmless because no tree head covering
/// them was signed.
#[derive(Debug)]
pub struct FileStore {
    file: File,
    path: PathBuf,
    mem: MemoryStore,
    discarded_bytes: u64,
}

impl FileStore {
    /// Open (creating if needed) the log file at `path`, lock it, recover
    /// from a torn final write and rebuild the node cache.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        if let Err(e) = file.try_lock() {
            return Err(match e {
                std::fs::TryLockError::WouldBlock => StoreError::Locked(path),
                std::fs::TryLockError::Error(e) => StoreError::Io(e),
            });
        }
        if !existed {
            sync_parent_dir(&path);
        }

        let len = file.metadata()?.len();
        let mut keep = len - len % RECORD;
        // Read the complete records and rebuild the cache.
        let mut mem = MemoryStore::new();
        let mut buf = vec![0u8; (RECORD as usize) * 4096];
        let mut remaining = keep;
        let mut zero_tail = 0u64; // trailing all-zero records seen so far
        let mut pending: Vec<Hash> = Vec::new();
        while remaining > 0 {
            let chunk = remaining.min(buf.len() as u64) as usize;
            file.read_exact(&mut buf[..chunk])?;
            remaining -= chunk as u64;
            for rec in buf[..chunk].chunks_exact(RECORD as usize) {
                let mut h = [0u8; 32];
                h.copy_from_slice(rec);
                // A SHA-256 output is never all zeros in practice; all-zero
                // records are space the file system allocated but never wrote.
                if h == [0u8; 32] {
                    zero_tail += 1;
                } else {
                    zero_tail = 0;
                }
                pending.push(h);
            }
            // Zero records might be a torn tail: hold them back until a
            // non-zero record follows.
            let take = pending.len() - zero_tail as usize;
            let batch: Vec<Hash> = pending.drain(..take).collect();
            let nodes = crate::log::nodes_completed_by(&mem, &batch)?;
            mem.append(&batch, &nodes)?;
        }
        keep -= zero_tail * RECORD;
        if keep != len {
            file.set_len(keep)?;
            file.sync_all()?;
        }
        Ok(Self {
            file,
            path,
            mem,
            discarded_bytes: len - keep,
        })
    }

    /// Bytes of torn or unwritten tail removed by [`FileStore::open`].
    pub fn discarded_bytes(&self) -> u64 {
        self.discarded_bytes
    }

    /// Path of the log file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Make a newly created file's directory entry durable (best effort: not all
/// platforms can open a directory for syncing).
fn sync_parent_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

impl LogStore for FileStore {
    fn size(&self) -> Result<u64, StoreError> {
        self.mem.size()
    }

    fn append(&mut self, leaves: &[Hash], nodes: &[Node]) -> Result<u64, StoreError> {
        self.mem.check_append(leaves.len(), nodes)?;
        // An all-zero record means "never written" to `open`.
        if leaves.contains(&[0u8; 32]) {
            return Err(StoreError::InvalidAppend(
                "an all-zero leaf hash cannot be stored in a FileStore".into(),
            ));
        }
        if leaves.is_empty() {
            return Ok(self.mem.apply_append(leaves, nodes));
        }
        let old_len = self.mem.size()? * RECORD;
        let bytes: Vec<u8> = leaves.iter().flatten().copied().collect();
        let written = self
            .file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Do not leave unacknowledged bytes behind; if even this fails,
            // the next open trims any torn record.
            let _ = self.file.set_len(old_len);
            return Err(StoreError::Io(e));
        }
        Ok(self.mem.apply_append(leaves, nodes))
    }

    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError> {
        self.mem.leaf(index)
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        self.mem.node(level, index)
    }
}
