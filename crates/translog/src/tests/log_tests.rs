//! `Log` (cached, O(log n)) against the pure `tree` functions.

use std::cell::Cell;

use super::leaves;
use crate::{
    Hash, Log, LogError, LogStore, MemoryStore, Node, ProofError, StoreError, consistency_proof,
    inclusion_proof, leaf_hash, node_hash, root,
};

fn log_with(leaves: &[Hash]) -> Log<MemoryStore> {
    let mut log = Log::new(MemoryStore::new());
    log.append(leaves).unwrap();
    log
}

#[test]
fn log_matches_pure_functions_for_every_size_up_to_70() {
    let all = leaves(70);
    let log = log_with(&all);
    for n in 1..=70u64 {
        let d = &all[..n as usize];
        assert_eq!(log.root(n).unwrap(), root(d), "root {n}");
        for i in 0..n {
            assert_eq!(
                log.inclusion_proof(i, n).unwrap(),
                inclusion_proof(d, i).unwrap(),
                "inclusion {i}/{n}"
            );
        }
        for m in 0..=n {
            assert_eq!(
                log.consistency_proof(m, n).unwrap(),
                consistency_proof(d, m).unwrap(),
                "consistency {m}->{n}"
            );
        }
    }
}

#[test]
fn proof_lengths_match_generated_proofs() {
    let all = leaves(70);
    for n in 1..=70u64 {
        let d = &all[..n as usize];
        for i in 0..n {
            let len = inclusion_proof(d, i).unwrap().len();
            assert_eq!(crate::tree::inclusion_proof_len(i, n), len, "{i}/{n}");
        }
        for m in 1..n {
            let len = consistency_proof(d, m).unwrap().len();
            assert_eq!(crate::tree::consistency_proof_len(m, n), len, "{m}->{n}");
        }
    }
}

#[test]
fn batching_does_not_change_the_cache() {
    let all = leaves(100);
    let one_by_one = {
        let mut log = Log::new(MemoryStore::new());
        for l in &all {
            log.append(std::slice::from_ref(l)).unwrap();
        }
        log.into_store()
    };
    for batch in [2usize, 3, 7, 16, 33, 100] {
        let mut log = Log::new(MemoryStore::new());
        for chunk in all.chunks(batch) {
            log.append(chunk).unwrap();
        }
        assert_eq!(log.into_store(), one_by_one, "batch {batch}");
    }
    // Every cached node is the MTH of the leaves it covers.
    for level in 1..7u32 {
        let width = 1usize << level;
        for index in 0..(100 / width) {
            let want = root(&all[index * width..(index + 1) * width]);
            assert_eq!(one_by_one.node(level, index as u64).unwrap(), Some(want));
        }
        assert_eq!(one_by_one.node(level, (100 / width) as u64).unwrap(), None);
    }
}

#[test]
fn append_returns_first_index_and_empty_append_is_noop() {
    let mut log = Log::new(MemoryStore::new());
    assert_eq!(log.append(&leaves(3)).unwrap(), 0);
    assert_eq!(log.append(&[]).unwrap(), 3);
    assert_eq!(log.append(&leaves(2)).unwrap(), 3);
    assert_eq!(log.size().unwrap(), 5);
    assert_eq!(log.leaf(4).unwrap(), leaves(2)[1]);
}

#[test]
fn log_rejects_out_of_range_requests() {
    let log = log_with(&leaves(5));
    let proof_err = |e: LogError| match e {
        LogError::Proof(p) => p,
        other => panic!("unexpected {other}"),
    };
    assert_eq!(
        proof_err(log.root(6).unwrap_err()),
        ProofError::TreeSizeTooLarge {
            tree_size: 6,
            available: 5
        }
    );
    assert_eq!(
        proof_err(log.inclusion_proof(5, 5).unwrap_err()),
        ProofError::IndexOutOfRange {
            index: 5,
            tree_size: 5
        }
    );
    assert_eq!(
        proof_err(log.consistency_proof(4, 3).unwrap_err()),
        ProofError::SizesOutOfOrder {
            first: 4,
            second: 3
        }
    );
    assert_eq!(
        proof_err(log.leaf(5).unwrap_err()),
        ProofError::IndexOutOfRange {
            index: 5,
            tree_size: 5
        }
    );
    assert!(matches!(
        inclusion_proof(&leaves(2), 2),
        Err(ProofError::IndexOutOfRange {
            index: 2,
            tree_size: 2
        })
    ));
    assert!(matches!(
        consistency_proof(&leaves(2), 3),
        Err(ProofError::SizesOutOfOrder {
            first: 3,
            second: 2
        })
    ));
}

#[test]
fn memory_store_rejects_non_contiguous_nodes() {
    let mut s = MemoryStore::new();
    let bad = Node {
        level: 1,
        index: 1,
        hash: [1; 32],
    };
    assert!(matches!(
        s.append(&leaves(4), &[bad]),
        Err(StoreError::InvalidAppend(_))
    ));
    // Nothing was applied.
    assert_eq!(s.size().unwrap(), 0);
}

/// A store that forgets every node of one level: `Log` must recompute them.
struct Forgetful {
    inner: MemoryStore,
    forget_level: u32,
}

impl LogStore for Forgetful {
    fn size(&self) -> Result<u64, StoreError> {
        self.inner.size()
    }
    fn append(&mut self, leaves: &[Hash], nodes: &[Node]) -> Result<u64, StoreError> {
        self.inner.append(leaves, nodes)
    }
    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError> {
        self.inner.leaf(index)
    }
    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        if level == self.forget_level {
            return Ok(None);
        }
        self.inner.node(level, index)
    }
}

#[test]
fn missing_cache_entries_are_recomputed() {
    let all = leaves(45);
    for forget_level in 1..6 {
        let mut log = Log::new(Forgetful {
            inner: MemoryStore::new(),
            forget_level,
        });
        for chunk in all.chunks(4) {
            log.append(chunk).unwrap();
        }
        for n in [1u64, 17, 32, 45] {
            let d = &all[..n as usize];
            assert_eq!(log.root(n).unwrap(), root(d));
            assert_eq!(
                log.inclusion_proof(n / 2, n).unwrap(),
                inclusion_proof(d, n / 2).unwrap()
            );
            assert_eq!(
                log.consistency_proof(n / 3, n).unwrap(),
                consistency_proof(d, n / 3).unwrap()
            );
        }
    }
}

/// A pretend 10-million-leaf log that counts reads; its hashes are
/// synthetic, so only the read counts mean anything.
struct Counting {
    size: u64,
    reads: Cell<u64>,
}

impl LogStore for Counting {
    fn size(&self) -> Result<u64, StoreError> {
        Ok(self.size)
    }
    fn append(&mut self, _: &[Hash], _: &[Node]) -> Result<u64, StoreError> {
        unreachable!()
    }
    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError> {
        self.reads.set(self.reads.get() + 1);
        Ok((index < self.size).then(|| leaf_hash(&index.to_le_bytes())))
    }
    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        self.reads.set(self.reads.get() + 1);
        let complete = (index + 1) << level <= self.size;
        let seed = leaf_hash(&index.to_le_bytes());
        Ok(complete.then(|| node_hash(&seed, &[level as u8; 32])))
    }
}

#[test]
fn ten_million_leaf_log_needs_logarithmic_reads() {
    let n = 10_000_000u64;
    let log = Log::new(Counting {
        size: n,
        reads: Cell::new(0),
    });
    let levels = 64 - (n - 1).leading_zeros() as u64; // 24
    let measure = |f: &dyn Fn(&Log<Counting>)| {
        log.store().reads.set(0);
        f(&log);
        log.store().reads.get()
    };
    assert!(
        measure(&|l| {
            l.root(n).unwrap();
        }) <= levels
    );
    for index in [0, 1, 4_999_999, 8_388_607, 8_388_608, n - 2, n - 1] {
        let reads = measure(&|l| drop(l.inclusion_proof(index, n).unwrap()));
        assert!(reads <= 2 * levels, "inclusion {index}: {reads} reads");
    }
    for first in [1, 2, 3, 1_000_001, 8_388_608, 9_999_999] {
        for second in [first + 1, 9_999_999, n] {
            if second <= n && first < second {
                let reads = measure(&|l| drop(l.consistency_proof(first, second).unwrap()));
                assert!(
                    reads <= 2 * levels,
                    "consistency {first}->{second}: {reads}"
                );
            }
        }
    }
}
