//! Pure Merkle tree functions over a slice of leaf hashes.
//!
//! Generation follows the recursive definitions of RFC 6962 §2.1
//! (`MTH`, `PATH`, `PROOF`/`SUBPROOF`) literally and costs O(n); these are
//! the reference the cached [`crate::Log`] is tested against. Verification
//! follows the iterative algorithms of RFC 9162 §2.1.3.2 (inclusion) and
//! §2.1.4.2 (consistency) step by step, and needs only the proof.

use crate::hash::{Hash, empty_root, node_hash};

/// Why a proof could not be generated (bad request, not bad data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error(
        "leaf index {index} is out of range for tree size {tree_size} (叶子索引 {index} 超出树大小 {tree_size})"
    )]
    IndexOutOfRange {
        /// Requested leaf index.
        index: u64,
        /// Size of the tree the proof is for.
        tree_size: u64,
    },
    /// The requested tree size is larger than the log.
    #[error(
        "tree size {tree_size} exceeds the {available} leaves in the log (树大小 {tree_size} 超过日志中的 {available} 个叶子)"
    )]
    TreeSizeTooLarge {
        /// Requested tree size.
        tree_size: u64,
        /// Number of leaves available.
        available: u64,
    },
    /// A consistency proof was requested from a larger to a smaller tree.
    #[error(
        "first tree size {first} is larger than second tree size {second} (第一个树大小 {first} 大于第二个树大小 {second})"
    )]
    SizesOutOfOrder {
        /// The older tree size.
        first: u64,
        /// The newer tree size.
        second: u64,
    },
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Inclusion: `index >= tree_size` (RFC 9162 §2.1.3.2 step 1).
    #[error(
        "leaf index {index} is out of range for tree size {tree_size} (叶子索引 {index} 超出树大小 {tree_size})"
    )]
    IndexOutOfRange {
        /// Claimed leaf index.
        index: u64,
        /// Claimed tree size.
        tree_size: u64,
    },
    /// Consistency: the first tree is larger than the second.
    #[error(
        "first tree size {first} is larger than second tree size {second} (第一个树大小 {first} 大于第二个树大小 {second})"
    )]
    SizesOutOfOrder {
        /// Claimed older size.
        first: u64,
        /// Claimed newer size.
        second: u64,
    },
    /// The proof has the wrong number of hashes for these sizes/index.
    #[error(
        "proof has {got} hashes but {expected} are required for this tree shape (证明包含 {got} 个哈希，应为 {expected} 个)"
    )]
    WrongProofLength {
        /// Number of hashes supplied.
        got: usize,
        /// Number of hashes the tree shape requires.
        expected: usize,
    },
    /// The proof ran out of tree levels before it ran out of hashes, or the
    /// other way round (RFC 9162 "sn is 0" checks). Unreachable after the
    /// length check, kept as the RFC's own defence.
    #[error("proof does not match the shape of a tree of this size (证明与该大小的树结构不符)")]
    MalformedProof,
    /// Inclusion: the root recomputed from leaf and proof is not the root.
    #[error(
        "recomputed root does not match the expected root: the leaf is not in this tree (重新计算的根哈希与预期不符：该叶子不在此树中)"
    )]
    RootMismatch,
    /// Consistency: the recomputed old root is not `first_root`.
    #[error(
        "recomputed first root does not match the first tree's root (重新计算的第一个根哈希与旧树根不符)"
    )]
    FirstRootMismatch,
    /// Consistency: the recomputed new root is not `second_root`.
    #[error(
        "recomputed second root does not match the second tree's root: the log is not append-only between these sizes (重新计算的第二个根哈希不符：日志在两个大小之间并非仅追加)"
    )]
    SecondRootMismatch,
}

/// Largest power of two strictly less than `n` (`n >= 2`): RFC 6962's `k`.
pub(crate) fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

fn len_u64(leaves: &[Hash]) -> u64 {
    leaves.len() as u64
}

/// Merkle Tree Hash `MTH(D[n])` of a list of leaf hashes (RFC 6962 §2.1).
///
/// The empty list hashes to [`empty_root`]; a single leaf is its own root.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Audit path `PATH(index, D[n])` for the leaf at `index` in the tree made of
/// all of `leaves` (RFC 6962 §2.1.1), deepest sibling first.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, ProofError> {
    let tree_size = len_u64(leaves);
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index, tree_size });
    }
    let mut out = Vec::new();
    path(index as usize, leaves, &mut out);
    Ok(out)
}

fn path(m: usize, d: &[Hash], out: &mut Vec<Hash>) {
    let n = d.len();
    if n <= 1 {
        return;
    }
    let k = split(n as u64) as usize;
    if m < k {
        path(m, &d[..k], out);
        out.push(root(&d[k..]));
    } else {
        path(m - k, &d[k..], out);
        out.push(root(&d[..k]));
    }
}

/// Consistency proof `PROOF(m, D[n])` between the first `m` leaves and all of
/// `leaves` (RFC 6962 §2.1.2).
///
/// `m == 0` and `m == n` give an empty proof (nothing to prove; the RFC only
/// defines `0 < m < n`), matching [`verify_consistency`].
pub fn consistency_proof(leaves: &[Hash], m: u64) -> Result<Vec<Hash>, ProofError> {
    let n = len_u64(leaves);
    if m > n {
        return Err(ProofError::SizesOutOfOrder {
            first: m,
            second: n,
        });
    }
    let mut out = Vec::new();
    if m > 0 {
        subproof(m as usize, leaves, true, &mut out);
    }
    Ok(out)
}

fn subproof(m: usize, d: &[Hash], b: bool, out: &mut Vec<Hash>) {
    let n = d.len();
    if m == n {
        // The old tree is exactly this subtree. If `b`, the verifier already
        // knows its hash (it is the old root), so nothing is sent.
        if !b {
            out.push(root(d));
        }
        return;
    }
    let k = split(n as u64) as usize;
    if m <= k {
        subproof(m, &d[..k], b, out);
        out.push(root(&d[k..]));
    } else {
        subproof(m - k, &d[k..], false, out);
        out.push(root(&d[..k]));
    }
}

/// Split an inclusion path into `(inner, border)` levels: `inner` levels
/// below the point where the leaf's path leaves the tree's right border, and
/// `border` levels on the right border where the leaf's subtree has a left
/// sibling (levels without a sibling contribute no hash).
fn decompose(index: u64, tree_size: u64) -> (u32, u32) {
    let inner = 64 - (index ^ (tree_size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner, border)
}

/// Number of hashes in an inclusion proof for `index < tree_size`.
pub(crate) fn inclusion_proof_len(index: u64, tree_size: u64) -> usize {
    let (inner, border) = decompose(index, tree_size);
    (inner + border) as usize
}

/// Number of hashes in a consistency proof for `0 < first < second`.
pub(crate) fn consistency_proof_len(first: u64, second: u64) -> usize {
    // The proof is the inclusion path of the old tree's last leaf, minus the
    // levels inside the old tree's rightmost aligned perfect subtree, whose
    // root is sent once instead (or not at all when it is the whole old tree,
    // i.e. when `first` is a power of two).
    let (inner, border) = decompose(first - 1, second);
    let shift = first.trailing_zeros();
    let seed = u32::from(!first.is_power_of_two());
    (seed + inner - shift + border) as usize
}

/// Verify that `leaf_hash` is the leaf at `index` of the tree of `tree_size`
/// leaves whose root is `root`, following RFC 9162 §2.1.3.2.
///
/// The proof length is checked first so that a malformed proof gets a
/// precise error; the RFC's own `sn == 0` checks remain in place.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    // 1. leaf_index >= tree_size fails.
    if index >= tree_size {
        return Err(VerifyError::IndexOutOfRange { index, tree_size });
    }
    let expected = inclusion_proof_len(index, tree_size);
    if proof.len() != expected {
        return Err(VerifyError::WrongProofLength {
            got: proof.len(),
            expected,
        });
    }
    // 2. fn = leaf_index, sn = tree_size - 1. 3. r = hash.
    let (mut fn_, mut sn) = (index, tree_size - 1);
    let mut r = *leaf_hash;
    // 4. For each p in the inclusion path:
    for p in proof {
        // a. sn == 0: fail.
        if sn == 0 {
            return Err(VerifyError::MalformedProof);
        }
        // b. LSB(fn) set, or fn == sn: p is a left sibling.
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            // ii. Skip levels where this subtree has no right sibling.
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            // Otherwise p is a right sibling.
            r = node_hash(&r, p);
        }
        // c. Right-shift both once.
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5. sn must be 0 and r must equal the root.
    if sn != 0 {
        return Err(VerifyError::MalformedProof);
    }
    if r != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Verify that the tree of `second` leaves with root `second_root` extends
/// the tree of `first` leaves with root `first_root`, following RFC 9162
/// §2.1.4.2.
///
/// Cases the RFC leaves undefined are handled as in transparency-dev/merkle:
/// `first == second` needs an empty proof and equal roots; `first == 0` needs
/// an empty proof and `first_root` equal to [`empty_root`] (every tree
/// extends the empty tree).
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), VerifyError> {
    if first > second {
        return Err(VerifyError::SizesOutOfOrder { first, second });
    }
    if first == second || first == 0 {
        if !proof.is_empty() {
            return Err(VerifyError::WrongProofLength {
                got: proof.len(),
                expected: 0,
            });
        }
        if first == 0 {
            return if *first_root == empty_root() {
                Ok(())
            } else {
                Err(VerifyError::FirstRootMismatch)
            };
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(VerifyError::SecondRootMismatch)
        };
    }
    let expected = consistency_proof_len(first, second);
    // 1. An empty consistency path fails (covered by the length check:
    //    `expected >= 1` whenever 0 < first < second).
    if proof.len() != expected {
        return Err(VerifyError::WrongProofLength {
            got: proof.len(),
            expected,
        });
    }
    // 2. If first is a power of two, the old root itself is the seed.
    let (seed, rest) = if first.is_power_of_two() {
        (first_root, proof)
    } else {
        (&proof[0], &proof[1..])
    };
    // 3. fn = first - 1, sn = second - 1.
    let (mut fn_, mut sn) = (first - 1, second - 1);
    // 4. Skip the levels inside the old tree's rightmost perfect subtree.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5. fr = sr = first value of the path.
    let (mut fr, mut sr) = (*seed, *seed);
    // 6. For each subsequent value c:
    for c in rest {
        // a. sn == 0: fail.
        if sn == 0 {
            return Err(VerifyError::MalformedProof);
        }
        // b. c is a left sibling: it is part of both trees.
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            // iii. Skip levels with no right sibling.
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            // Otherwise c is a right sibling, only in the new tree.
            sr = node_hash(&sr, c);
        }
        // c. Right-shift both once.
        fn_ >>= 1;
        sn >>= 1;
    }
    // 7. fr == first_root, sr == second_root, sn == 0.
    if sn != 0 {
        return Err(VerifyError::MalformedProof);
    }
    if fr != *first_root {
        return Err(VerifyError::FirstRootMismatch);
    }
    if sr != *second_root {
        return Err(VerifyError::SecondRootMismatch);
    }
    Ok(())
}
