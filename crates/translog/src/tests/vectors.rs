//! Published test vectors: the RFC 6962 reference corpus used by
//! certificate-transparency, trillian and transparency-dev/merkle.

use super::h;
use crate::{
    Hash, HexError, Log, MemoryStore, VerifyError, consistency_proof, empty_root, inclusion_proof,
    leaf_hash, parse_hex, root, to_hex, verify_consistency, verify_inclusion,
};

/// transparency-dev/merkle testonly/constants.go LeafInputs.
const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots after 1..=8 leaves (merkle_tree_test.cc / constants.go RootHashes).
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (index, tree size, path): testonly/reference_test.go TestRefInclusionProof.
const INCLUSION: &[(u64, u64, &[&str])] = &[
    (0, 1, &[]),
    (
        0,
        2,
        &["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"],
    ),
    (
        1,
        2,
        &["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// (first, second, proof): proof/verify_test.go consistencyProofs.
const CONSISTENCY: &[(u64, u64, &[&str])] = &[
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// compact/range_test.go TestGetRootHashGolden (base64 there, hex here):
/// leaf i is the two bytes `[i & 0xff, i >> 8]`.
const GOLDEN_ROOTS: &[(u64, &str)] = &[
    (
        10,
        "56358c3d260db42b8236517f44b9d0cba1dcc1293a0888a97f19be85eb6d03ee",
    ),
    (
        15,
        "8f84ae9589a8705bb175eca9d76c5708880ae8f7a405cc730088f8cdb4333442",
    ),
    (
        16,
        "73ee1473a04230e65ffefdcd64ad64a935097be6c1a05b4e84ff8fdd26b22911",
    ),
    (
        100,
        "75487d8581fcf29d023281e476bd700b6b336e170b01739e8d6a48348a282946",
    ),
    (
        255,
        "4a676cb8a52a8a8777457da3c85d8ce899db744e10b93c308a97c0a30238fe2d",
    ),
    (
        256,
        "a85234b7fb59d4c74e620c8fa4fcc7162655c3cea4a12717cbdab7154e5c6ac0",
    ),
    (
        1000,
        "457ae06fcc47779e58e3c15b7e8b49c026d5f362b1db62d97c46e604602fc254",
    ),
    (
        4095,
        "71644575084f7239fd5b205713faf57f4e1e8f1226e65be0e340c4a510554b4c",
    ),
    (
        4096,
        "eae53fa617c78359ff1a4b184fa4cef5a37c11ab8c0822519777482b41c3b363",
    ),
    (
        10000,
        "55971abfae45f61687551937c2b7b66b116805744d79487fd5df5de4541fc488",
    ),
    (
        65535,
        "88fb9560984fe92104e20505a7ca9b69f776ad8bfd61308362a0310a3f0774b3",
    ),
];

fn corpus() -> Vec<Hash> {
    LEAF_INPUTS
        .iter()
        .map(|s| leaf_hash(&hex::decode(s).unwrap()))
        .collect()
}

fn hashes(v: &[&str]) -> Vec<Hash> {
    v.iter().map(|s| h(s)).collect()
}

fn corpus_log() -> Log<MemoryStore> {
    let mut log = Log::new(MemoryStore::new());
    log.append(&corpus()).unwrap();
    log
}

#[test]
fn hasher_vectors() {
    // rfc6962_test.go TestRFC6962Hasher.
    assert_eq!(
        to_hex(&empty_root()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        to_hex(&leaf_hash(b"")),
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    );
    assert_eq!(
        to_hex(&leaf_hash(b"L123456")),
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    );
}

#[test]
fn roots_of_reference_corpus() {
    let leaves = corpus();
    let log = corpus_log();
    assert_eq!(root(&[]), empty_root());
    assert_eq!(log.root(0).unwrap(), empty_root());
    for n in 1..=8 {
        assert_eq!(to_hex(&root(&leaves[..n])), ROOTS[n - 1], "size {n}");
        assert_eq!(
            to_hex(&log.root(n as u64).unwrap()),
            ROOTS[n - 1],
            "log size {n}"
        );
    }
}

#[test]
fn inclusion_vectors_generate_and_verify() {
    let leaves = corpus();
    let log = corpus_log();
    for &(index, size, path) in INCLUSION {
        let want = hashes(path);
        let d = &leaves[..size as usize];
        assert_eq!(inclusion_proof(d, index).unwrap(), want, "{index}/{size}");
        assert_eq!(
            log.inclusion_proof(index, size).unwrap(),
            want,
            "{index}/{size}"
        );
        let r = h(ROOTS[size as usize - 1]);
        verify_inclusion(&leaves[index as usize], index, size, &want, &r).unwrap();
    }
}

#[test]
fn consistency_vectors_generate_and_verify() {
    let leaves = corpus();
    let log = corpus_log();
    for &(first, second, path) in CONSISTENCY {
        let want = hashes(path);
        let d = &leaves[..second as usize];
        assert_eq!(
            consistency_proof(d, first).unwrap(),
            want,
            "{first}->{second}"
        );
        assert_eq!(log.consistency_proof(first, second).unwrap(), want);
        let (r1, r2) = (h(ROOTS[first as usize - 1]), h(ROOTS[second as usize - 1]));
        verify_consistency(first, second, &r1, &r2, &want).unwrap();
    }
}

/// proof/verify_test.go corruptInclusionProof: every probe must fail.
#[test]
fn corrupted_inclusion_vectors_fail() {
    let leaves = corpus();
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for &(index, size, path) in INCLUSION {
        let proof = hashes(path);
        let r = h(ROOTS[size as usize - 1]);
        let leaf = leaves[index as usize];
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (index.wrapping_sub(1), size, r, leaf, proof.clone()),
            (index + 1, size, r, leaf, proof.clone()),
            (index ^ 2, size, r, leaf, proof.clone()),
            (index, size * 2, r, leaf, proof.clone()),
            (index, size / 2, r, leaf, proof.clone()),
            (index, size, r, leaf_hash(b"WrongLeaf"), proof.clone()),
            (index, size, empty_root(), leaf, proof.clone()),
            (index, size, some, leaf, proof.clone()),
            (index, size, r, leaf, [proof.clone(), vec![r]].concat()),
            (index, size, r, leaf, [vec![r], proof.clone()].concat()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 8;
            probes.push((index, size, r, leaf, p));
        }
        if !proof.is_empty() {
            probes.push((index, size, r, leaf, proof[..proof.len() - 1].to_vec()));
        }
        if proof.len() > 1 {
            let p = [&[proof[0], some][..], &proof[1..]].concat();
            probes.push((index, size, r, leaf, p));
        }
        for (i, s, r, l, p) in probes {
            assert!(
                verify_inclusion(&l, i, s, &p, &r).is_err(),
                "probe index {i} size {s} of vector {index}/{size} verified"
            );
        }
    }
}

/// proof/verify_test.go corruptConsistencyProof: every probe must fail.
#[test]
fn corrupted_consistency_vectors_fail() {
    for &(first, second, path) in CONSISTENCY {
        let proof = hashes(path);
        if proof.is_empty() {
            continue;
        }
        let (r1, r2) = (h(ROOTS[first as usize - 1]), h(ROOTS[second as usize - 1]));
        let wrong = leaf_hash(b"WrongRoot");
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (first - 1, second, r1, r2, proof.clone()),
            (first + 1, second, r1, r2, proof.clone()),
            (first ^ 2, second, r1, r2, proof.clone()),
            (first, second * 2, r1, r2, proof.clone()),
            (first, second / 2, r1, r2, proof.clone()),
            (first, second, wrong, r2, proof.clone()),
            (first, second, r1, wrong, proof.clone()),
            (first, second, r2, r1, proof.clone()),
            (first, second, r1, r2, vec![]),
            (first, second, r1, r2, [proof.clone(), vec![r1]].concat()),
            (first, second, r1, r2, [proof.clone(), vec![r2]].concat()),
            (first, second, r1, r2, [vec![r1], proof.clone()].concat()),
            (first, second, r1, r2, [vec![r2], proof.clone()].concat()),
            (
                first,
                second,
                r1,
                r2,
                [vec![proof[0]], proof.clone()].concat(),
            ),
            (first, second, r1, r2, proof[..proof.len() - 1].to_vec()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 16;
            probes.push((first, second, r1, r2, p));
        }
        for (f, s, a, b, p) in probes {
            assert!(
                verify_consistency(f, s, &a, &b, &p).is_err(),
                "probe {f}->{s} of vector {first}->{second} verified"
            );
        }
    }
}

/// Static edge cases (after verify_test.go TestVerifyConsistency), with
/// this crate's rule that size 0 means the empty root.
#[test]
fn consistency_edge_cases() {
    let (r1, r2, e) = (leaf_hash(b"1"), leaf_hash(b"2"), empty_root());
    let err = |f, s, a: &Hash, b: &Hash, p: &[Hash]| verify_consistency(f, s, a, b, p).unwrap_err();
    assert_eq!(err(0, 0, &r1, &r2, &[]), VerifyError::FirstRootMismatch);
    assert_eq!(err(1, 1, &r1, &r2, &[]), VerifyError::SecondRootMismatch);
    assert_eq!(verify_consistency(0, 0, &e, &e, &[]), Ok(()));
    assert_eq!(verify_consistency(0, 5, &e, &r2, &[]), Ok(()));
    assert_eq!(verify_consistency(1, 1, &r2, &r2, &[]), Ok(()));
    assert_eq!(
        err(1, 0, &r1, &r2, &[]),
        VerifyError::SizesOutOfOrder {
            first: 1,
            second: 0
        }
    );
    assert_eq!(
        err(1, 2, &r1, &r2, &[]),
        VerifyError::WrongProofLength {
            got: 0,
            expected: 1
        }
    );
    assert_eq!(
        err(1, 1, &r1, &r1, &[e]),
        VerifyError::WrongProofLength {
            got: 1,
            expected: 0
        }
    );
    assert_eq!(
        err(0, 1, &e, &e, &[e]),
        VerifyError::WrongProofLength {
            got: 1,
            expected: 0
        }
    );
}

/// verify_test.go TestVerifyInclusion probes and single-entry cases.
#[test]
fn inclusion_edge_cases() {
    let some = leaf_hash(b"some");
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        assert_eq!(
            verify_inclusion(&some, index, size, &[], &empty_root()),
            Err(VerifyError::IndexOutOfRange {
                index,
                tree_size: size
            })
        );
    }
    let data = leaf_hash(b"data");
    assert_eq!(verify_inclusion(&data, 0, 1, &[], &data), Ok(()));
    assert_eq!(
        verify_inclusion(&some, 0, 1, &[], &data),
        Err(VerifyError::RootMismatch)
    );
    assert_eq!(
        verify_inclusion(&data, 0, 1, &[data], &data),
        Err(VerifyError::WrongProofLength {
            got: 1,
            expected: 0
        })
    );
}

#[test]
fn golden_roots_of_larger_trees() {
    let max = GOLDEN_ROOTS.last().unwrap().0;
    let leaves: Vec<Hash> = (0..max)
        .map(|i| leaf_hash(&[(i & 0xff) as u8, (i >> 8 & 0xff) as u8]))
        .collect();
    let mut log = Log::new(MemoryStore::new());
    // Uneven batches exercise node completion across batch boundaries.
    let mut start = 0usize;
    for batch in [1usize, 2, 3, 250, 1000, 4096].iter().cycle() {
        if start == leaves.len() {
            break;
        }
        let end = (start + batch).min(leaves.len());
        log.append(&leaves[start..end]).unwrap();
        start = end;
    }
    for &(n, want) in GOLDEN_ROOTS {
        assert_eq!(to_hex(&root(&leaves[..n as usize])), want, "size {n}");
        assert_eq!(to_hex(&log.root(n).unwrap()), want, "log size {n}");
    }
}

#[test]
fn hex_helpers() {
    let r = empty_root();
    assert_eq!(parse_hex(&to_hex(&r)), Ok(r));
    assert_eq!(parse_hex(&to_hex(&r).to_uppercase()), Ok(r));
    assert_eq!(
        parse_hex("abc"),
        Err(HexError::WrongLength {
            expected: 64,
            got: 3
        })
    );
    let mut bad = to_hex(&r);
    bad.replace_range(5..6, "g");
    assert_eq!(
        parse_hex(&bad),
        Err(HexError::InvalidCharacter { ch: 'g', index: 5 })
    );
    let msg = parse_hex("zz").unwrap_err().to_string();
    assert!(
        msg.contains("invalid hex character 'z' at position 0"),
        "{msg}"
    );
}
