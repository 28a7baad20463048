//! Property tests: honest proofs verify; any tampering fails.
//!
//! Changing the index or a size fails *unless* the new parameters give the
//! RFC 9162 verifier exactly the same sequence of left/right steps (the same
//! "shape"): then the computation is identical and the proof still verifies.
//! Example: the proof for leaf 0 of a 3-leaf tree also verifies as leaf 0
//! of a 4-leaf tree *against the 3-leaf root*. That is inherent to the RFC
//! algorithm and harmless, because a root is only trusted together with the
//! tree size it was signed with.

use proptest::prelude::*;

use super::leaves;
use crate::{Hash, consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion};

/// Left/right steps the RFC 9162 inclusion verifier takes (true = sibling on
/// the left), or `None` if it rejects the parameters outright.
fn inclusion_shape(index: u64, size: u64) -> Option<Vec<bool>> {
    if index >= size {
        return None;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut steps = Vec::new();
    while s != 0 {
        if f & 1 == 1 || f == s {
            steps.push(true);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            steps.push(false);
        }
        f >>= 1;
        s >>= 1;
    }
    Some(steps)
}

/// Whether `first` seeds from the old root, plus the consistency verifier's
/// left/right steps, for `0 < first < second`.
fn consistency_shape(first: u64, second: u64) -> Option<(bool, Vec<bool>)> {
    if first == 0 || first >= second {
        return None;
    }
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let mut steps = Vec::new();
    while s != 0 {
        if f & 1 == 1 || f == s {
            steps.push(true);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            steps.push(false);
        }
        f >>= 1;
        s >>= 1;
    }
    Some((first.is_power_of_two(), steps))
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut h = *h;
    h[bit / 8] ^= 1 << (bit % 8);
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inclusion_proofs_verify_and_resist_tampering(
        size in 1u64..=300,
        index_seed in any::<u64>(),
        other_index in 0u64..600,
        other_size in 0u64..600,
        elem_seed in any::<usize>(),
        bit in 0usize..256,
    ) {
        let all = leaves(size);
        let index = index_seed % size;
        let leaf = all[index as usize];
        let r = root(&all);
        let proof = inclusion_proof(&all, index).unwrap();
        prop_assert_eq!(verify_inclusion(&leaf, index, size, &proof, &r), Ok(()));

        // Any bit of any proof element.
        if !proof.is_empty() {
            let mut p = proof.clone();
            let e = elem_seed % p.len();
            p[e] = flip(&p[e], bit);
            prop_assert!(verify_inclusion(&leaf, index, size, &p, &r).is_err());
        }
        // Any bit of the leaf or the root.
        prop_assert!(verify_inclusion(&flip(&leaf, bit), index, size, &proof, &r).is_err());
        prop_assert!(verify_inclusion(&leaf, index, size, &proof, &flip(&r, bit)).is_err());

        // Another index or size: fails unless the verifier's shape is identical.
        let same = inclusion_shape(index, size);
        if other_index != index {
            let ok = verify_inclusion(&leaf, other_index, size, &proof, &r).is_ok();
            prop_assert!(!ok || inclusion_shape(other_index, size) == same);
        }
        if other_size != size {
            let ok = verify_inclusion(&leaf, index, other_size, &proof, &r).is_ok();
            prop_assert!(!ok || inclusion_shape(index, other_size) == same);
        }
        // Dropping or adding an element always fails.
        if !proof.is_empty() {
            prop_assert!(verify_inclusion(&leaf, index, size, &proof[1..], &r).is_err());
        }
        let longer = [proof.clone(), vec![r]].concat();
        prop_assert!(verify_inclusion(&leaf, index, size, &longer, &r).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_resist_tampering(
        second in 1u64..=300,
        first_seed in any::<u64>(),
        other_first in 0u64..600,
        other_second in 0u64..600,
        elem_seed in any::<usize>(),
        bit in 0usize..256,
    ) {
        let all = leaves(second);
        let first = first_seed % (second + 1);
        let r1 = root(&all[..first as usize]);
        let r2 = root(&all);
        let proof = consistency_proof(&all, first).unwrap();
        prop_assert_eq!(verify_consistency(first, second, &r1, &r2, &proof), Ok(()));

        // Any bit of either root.
        prop_assert!(verify_consistency(first, second, &flip(&r1, bit), &r2, &proof).is_err());
        if first != 0 {
            // (Every tree extends the empty tree, whatever its root.)
            prop_assert!(verify_consistency(first, second, &r1, &flip(&r2, bit), &proof).is_err());
        }
        if first == 0 || first == second {
            prop_assert!(proof.is_empty());
            return Ok(());
        }
        // Any bit of any proof element.
        let mut p = proof.clone();
        let e = elem_seed % p.len();
        p[e] = flip(&p[e], bit);
        prop_assert!(verify_consistency(first, second, &r1, &r2, &p).is_err());

        // Other sizes: fail unless the verifier's shape is identical.
        let same = consistency_shape(first, second);
        if other_first != first {
            let ok = verify_consistency(other_first, second, &r1, &r2, &proof).is_ok();
            prop_assert!(!ok || consistency_shape(other_first, second) == same);
        }
        if other_second != second {
            let ok = verify_consistency(first, other_second, &r1, &r2, &proof).is_ok();
            prop_assert!(!ok || consistency_shape(first, other_second) == same);
        }
        // Swapped roots, truncated or extended proofs.
        prop_assert!(verify_consistency(first, second, &r2, &r1, &proof).is_err());
        prop_assert!(verify_consistency(first, second, &r1, &r2, &proof[1..]).is_err());
        let longer = [proof.clone(), vec![r2]].concat();
        prop_assert!(verify_consistency(first, second, &r1, &r2, &longer).is_err());
    }
}

/// Exhaustive bit flips for a few shapes: every bit of every element.
#[test]
fn every_bit_of_every_proof_element_matters() {
    for (index, size) in [(0u64, 2u64), (5, 8), (6, 7), (12, 13), (21, 37)] {
        let all = leaves(size);
        let r = root(&all);
        let proof = inclusion_proof(&all, index).unwrap();
        for e in 0..proof.len() {
            for bit in 0..256 {
                let mut p = proof.clone();
                p[e] = flip(&p[e], bit);
                assert!(verify_inclusion(&all[index as usize], index, size, &p, &r).is_err());
            }
        }
    }
    for (first, second) in [(1u64, 2u64), (3, 7), (4, 9), (6, 8), (13, 37)] {
        let all = leaves(second);
        let (r1, r2) = (root(&all[..first as usize]), root(&all));
        let proof = consistency_proof(&all, first).unwrap();
        for e in 0..proof.len() {
            for bit in 0..256 {
                let mut p = proof.clone();
                p[e] = flip(&p[e], bit);
                assert!(verify_consistency(first, second, &r1, &r2, &p).is_err());
            }
        }
    }
}

/// The shape ambiguity described in the module docs really exists.
#[test]
fn size_is_bound_by_the_signed_root_not_by_the_proof() {
    let all = leaves(3);
    let proof = inclusion_proof(&all, 0).unwrap();
    let r3 = root(&all);
    assert_eq!(verify_inclusion(&all[0], 0, 4, &proof, &r3), Ok(()));
    assert_eq!(inclusion_shape(0, 3), inclusion_shape(0, 4));
}
