//! [`Log`]: roots and proofs for any past tree size from a [`LogStore`] in
//! O(log n) node reads.
//!
//! Every range that the RFC 6962 recursion (`MTH`, `PATH`, `SUBPROOF`) ever
//! hashes is "left-aligned": it starts at a multiple of a power of two at
//! least as large as its length. Such a range `[lo, hi)` splits into at most
//! 64 perfect, aligned subtrees (one per set bit of `hi - lo`, largest first),
//! each a single cached node, and its hash is the right fold of those nodes.
//! An inclusion proof needs one node per level plus one such fold, so a
//! 10-million-leaf log answers with about 2·log2(n) ≈ 48 node reads.

use crate::hash::{Hash, empty_root, node_hash};
use crate::store::{LogStore, Node, StoreError};
use crate::tree::{ProofError, split};

/// A failure from [`Log`]: either the request or the store.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The request is invalid for this log (index or size out of range).
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The store failed or is inconsistent.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A Merkle log over a [`LogStore`]: appends leaves, maintains the node cache
/// and serves roots and proofs for any `tree_size <= size`.
///
/// ```
/// use translog::{Log, MemoryStore, leaf_hash, verify_inclusion};
///
/// let mut log = Log::new(MemoryStore::new());
/// let leaves: Vec<_> = (0u32..10).map(|i| leaf_hash(&i.to_be_bytes())).collect();
/// assert_eq!(log.append(&leaves).unwrap(), 0);
/// let root = log.root(7).unwrap();
/// let proof = log.inclusion_proof(3, 7).unwrap();
/// verify_inclusion(&leaves[3], 3, 7, &proof, &root).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct Log<S> {
    store: S,
}

impl<S: LogStore> Log<S> {
    /// Wrap a store (which may already hold leaves and nodes).
    pub fn new(store: S) -> Self {
        Self { store }
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Give back the underlying store.
    pub fn into_store(self) -> S {
        self.store
    }

    /// Number of leaves in the log.
    pub fn size(&self) -> Result<u64, LogError> {
        Ok(self.store.size()?)
    }

    /// Leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Result<Hash, LogError> {
        let tree_size = self.size()?;
        if index >= tree_size {
            return Err(ProofError::IndexOutOfRange { index, tree_size }.into());
        }
        Ok(self.node_at(0, index)?)
    }

    /// Append leaf hashes (see [`crate::leaf_hash`]) and return the index of
    /// the first one. Computes the nodes the batch completes and stores them
    /// atomically with the leaves.
    pub fn append(&mut self, leaves: &[Hash]) -> Result<u64, LogError> {
        let old = self.store.size()?;
        let nodes = nodes_completed_by(&self.store, leaves)?;
        let first = self.store.append(leaves, &nodes)?;
        if first != old {
            return Err(StoreError::InvalidAppend(format!(
                "store appended at index {first}, expected {old}"
            ))
            .into());
        }
        Ok(first)
    }

    /// Root hash `MTH(D[tree_size])` of the first `tree_size` leaves.
    pub fn root(&self, tree_size: u64) -> Result<Hash, LogError> {
        self.check_size(tree_size)?;
        if tree_size == 0 {
            return Ok(empty_root());
        }
        Ok(self.range_hash(0, tree_size)?)
    }

    /// Audit path for leaf `index` in the tree of the first `tree_size`
    /// leaves; equal to [`crate::inclusion_proof`] on those leaves.
    pub fn inclusion_proof(&self, index: u64, tree_size: u64) -> Result<Vec<Hash>, LogError> {
        self.check_size(tree_size)?;
        if index >= tree_size {
            return Err(ProofError::IndexOutOfRange { index, tree_size }.into());
        }
        let mut out = Vec::with_capacity(64);
        // Walk down from the root like RFC 6962 PATH, collecting siblings;
        // PATH lists them deepest first, so reverse at the end.
        let (mut lo, mut hi, mut m) = (0u64, tree_size, index);
        while hi - lo > 1 {
            let k = split(hi - lo);
            if m < k {
                out.push(self.range_hash(lo + k, hi)?);
                hi = lo + k;
            } else {
                out.push(self.perfect(lo, k)?);
                lo += k;
                m -= k;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Consistency proof between the first `first` and the first `second`
    /// leaves; equal to [`crate::consistency_proof`] on those leaves.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>, LogError> {
        self.check_size(second)?;
        if first > second {
            return Err(ProofError::SizesOutOfOrder { first, second }.into());
        }
        let mut out = Vec::with_capacity(64);
        if first == 0 || first == second {
            return Ok(out);
        }
        // RFC 6962 SUBPROOF, top-down; like PATH it lists nodes deepest first.
        let (mut lo, mut hi, mut m, mut b) = (0u64, second, first, true);
        while m != hi - lo {
            let k = split(hi - lo);
            if m <= k {
                out.push(self.range_hash(lo + k, hi)?);
                hi = lo + k;
            } else {
                out.push(self.perfect(lo, k)?);
                lo += k;
                m -= k;
                b = false;
            }
        }
        if !b {
            out.push(self.range_hash(lo, hi)?);
        }
        out.reverse();
        Ok(out)
    }

    fn check_size(&self, tree_size: u64) -> Result<(), LogError> {
        let available = self.size()?;
        if tree_size > available {
            return Err(ProofError::TreeSizeTooLarge {
                tree_size,
                available,
            }
            .into());
        }
        Ok(())
    }

    /// Hash of the perfect aligned subtree of `size` (a power of two) leaves
    /// starting at leaf `lo`.
    fn perfect(&self, lo: u64, size: u64) -> Result<Hash, StoreError> {
        let level = size.trailing_zeros();
        self.node_at(level, lo >> level)
    }

    /// `MTH` of the left-aligned leaf range `[lo, hi)`, `hi > lo`: the right
    /// fold of its perfect subtrees, largest (leftmost) first.
    fn range_hash(&self, lo: u64, hi: u64) -> Result<Hash, StoreError> {
        let n = hi - lo;
        debug_assert!(n > 0 && (lo == 0 || lo.trailing_zeros() >= 64 - (n - 1).leading_zeros()));
        let mut peaks = [[0u8; 32]; 64];
        let mut count = 0;
        let mut pos = lo;
        for level in (0..64).rev() {
            if (n >> level) & 1 == 1 {
                peaks[count] = self.node_at(level, pos >> level)?;
                count += 1;
                pos += 1 << level;
            }
        }
        let mut acc = peaks[count - 1];
        for p in peaks[..count - 1].iter().rev() {
            acc = node_hash(p, &acc);
        }
        Ok(acc)
    }

    /// Node `(level, index)`, from the cache if present, else recomputed
    /// from its children (slow, but keeps a partial cache correct).
    fn node_at(&self, level: u32, index: u64) -> Result<Hash, StoreError> {
        node_at(&self.store, level, index)
    }
}

fn node_at<S: LogStore + ?Sized>(store: &S, level: u32, index: u64) -> Result<Hash, StoreError> {
    let cached = if level == 0 {
        store.leaf(index)?
    } else {
        store.node(level, index)?
    };
    match cached {
        Some(h) => Ok(h),
        None if level == 0 => Err(StoreError::Missing { level, index }),
        None => {
            let left = node_at(store, level - 1, 2 * index)?;
            let right = node_at(store, level - 1, 2 * index + 1)?;
            Ok(node_hash(&left, &right))
        }
    }
}

/// The nodes (level >= 1) that appending `leaves` to `store` completes, in
/// level order then index order. Reads at most one existing node per level
/// (the left sibling of the first new node, when it predates the batch).
pub(crate) fn nodes_completed_by<S: LogStore + ?Sized>(
    store: &S,
    leaves: &[Hash],
) -> Result<Vec<Node>, StoreError> {
    let old = store.size()?;
    let new = old + leaves.len() as u64;
    let mut nodes = Vec::with_capacity(leaves.len());
    // The previous level's new hashes and the index of the first of them.
    let mut prev: Vec<Hash> = leaves.to_vec();
    let mut prev_start = old;
    for level in 1..64u32 {
        let (lo, hi) = (old >> level, new >> level);
        if lo >= hi {
            break; // No new node here means none higher up either.
        }
        let child = |i: u64| -> Result<Hash, StoreError> {
            if i >= prev_start {
                Ok(prev[(i - prev_start) as usize])
            } else {
                node_at(store, level - 1, i)
            }
        };
        let mut cur = Vec::with_capacity((hi - lo) as usize);
        for j in lo..hi {
            let h = node_hash(&child(2 * j)?, &child(2 * j + 1)?);
            nodes.push(Node {
                level,
                index: j,
                hash: h,
            });
            cur.push(h);
        }
        prev = cur;
        prev_start = lo;
    }
    Ok(nodes)
}
