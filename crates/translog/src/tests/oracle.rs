//! Cross-check against the independent `ct-merkle` implementation.

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use sha2_oracle::Sha256;

use crate::{consistency_proof, inclusion_proof, leaf_hash, root};

#[test]
fn matches_ct_merkle_for_sizes_up_to_64() {
    let mut oracle = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    let mut leaves = Vec::new();
    for n in 1..=64u64 {
        let data = format!("entry {n}").into_bytes();
        leaves.push(leaf_hash(&data));
        oracle.push(data);
        assert_eq!(
            root(&leaves).as_slice(),
            oracle.root().as_bytes().as_slice(),
            "root {n}"
        );
        for i in 0..n {
            let ours: Vec<u8> = inclusion_proof(&leaves, i).unwrap().concat();
            assert_eq!(
                ours,
                oracle.prove_inclusion(i as usize).as_bytes(),
                "incl {i}/{n}"
            );
        }
        for m in 1..n {
            let ours: Vec<u8> = consistency_proof(&leaves, m).unwrap().concat();
            let theirs = oracle.prove_consistency((n - m) as usize);
            assert_eq!(ours, theirs.as_bytes(), "cons {m}->{n}");
        }
    }
}
