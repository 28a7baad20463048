//! The transparency log: every proof the API serves verifies against the signed tree head,
//! bad parameters are named, concurrent appends stay contiguous, and the offline verifier.

use reqwest::StatusCode;
use serde_json::Value;
use translog::{
    Hash, SignedTreeHead, VerifyingKey, parse_hex, verify_consistency, verify_inclusion,
};

use crate::{TestApp, assert_problem, each_backend};
use fengqiao::platform::Clock;
use fengqiao::transparency::store;

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| parse_hex(h.as_str().unwrap()).unwrap())
        .collect()
}

async fn sth(app: &TestApp) -> (SignedTreeHead, Hash) {
    let (s, v) = app.get_as(None, "/api/v1/translog/sth").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let sth: SignedTreeHead = serde_json::from_value(v).unwrap();
    let (_, k) = app.get_as(None, "/api/v1/translog/key").await;
    let key_bytes: [u8; 32] = hex::decode(k["public_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = VerifyingKey::from_bytes(&key_bytes).unwrap();
    let head = sth.verify(&key).expect("the tree head signature verifies");
    // A flipped bit in the signed root fails.
    let mut bad = sth.clone();
    let mut root = head.root;
    root[0] ^= 1;
    bad.sha256_root_hash = translog::to_hex(&root);
    assert!(bad.verify(&key).is_err());
    (sth, head.root)
}

#[tokio::test]
async fn every_proof_the_log_serves_verifies_against_its_signed_tree_head() {
    each_backend(|app: TestApp| async move {
        let now = app.clock.now();
        let (empty, empty_root) = sth(&app).await;
        assert_eq!(empty.tree_size, 0);
        assert_eq!(empty_root, translog::empty_root());
        let mut leaves = Vec::new();
        let mut roots = vec![(0u64, empty_root)];
        // Batches of 1, 2, 3, … leaves up to 45, a tree head after each.
        for batch in 1..=9usize {
            leaves.extend(
                store::append_synthetic(&app.state.db, now, batch)
                    .await
                    .unwrap(),
            );
            let (head, root) = sth(&app).await;
            assert_eq!(head.tree_size, leaves.len() as u64);
            assert_eq!(root, translog::root(&leaves));
            roots.push((head.tree_size, root));
        }
        let (size, root) = *roots.last().unwrap();
        for (i, leaf) in leaves.iter().enumerate() {
            for &(tree_size, r) in [roots[5], (size, root)].iter() {
                if i as u64 >= tree_size {
                    continue;
                }
                let (s, v) = app
                    .get_as(
                        None,
                        &format!(
                            "/api/v1/translog/proof/inclusion?leaf_hash={}&tree_size={tree_size}",
                            translog::to_hex(leaf)
                        ),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                assert_eq!(v["leaf_index"], i as u64);
                let mut path = hashes(&v["audit_path"]);
                verify_inclusion(leaf, i as u64, tree_size, &path, &r).unwrap();
                if let Some(first) = path.first_mut() {
                    first[31] ^= 0x80;
                    assert!(verify_inclusion(leaf, i as u64, tree_size, &path, &r).is_err());
                }
            }
        }
        for &(m, rm) in &roots {
            for &(n, rn) in &roots {
                if m > n {
                    continue;
                }
                let (s, v) = app
                    .get_as(
                        None,
                        &format!("/api/v1/translog/proof/consistency?first={m}&second={n}"),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                let mut proof = hashes(&v["consistency"]);
                verify_consistency(m, n, &rm, &rn, &proof).unwrap();
                if let Some(last) = proof.last_mut() {
                    last[0] ^= 1;
                    assert!(verify_consistency(m, n, &rm, &rn, &proof).is_err());
                }
            }
        }
        // Entries: inclusive range, facts beside each hash, bounded at the log's end.
        let (s, v) = app
            .get_as(None, "/api/v1/translog/entries?start=3&end=5")
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let e = v["entries"].as_array().unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0]["index"], 3);
        assert_eq!(e[0]["leaf_hash"], translog::to_hex(&leaves[3]));
        assert_eq!(e[0]["kind"], "synthetic");
        assert!(e[0]["amount_fen"].is_i64());
        let (_, v) = app
            .get_as(None, "/api/v1/translog/entries?start=40&end=5000")
            .await;
        assert_eq!(v["entries"].as_array().unwrap().len(), 5);
        // The tree head is only re-signed when the log grew.
        let again = sth(&app).await.0;
        assert_eq!(again.tree_size, size);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM translog_heads").await, 10);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_parameters_are_named() {
    each_backend(|app: TestApp| async move {
        let leaves = store::append_synthetic(&app.state.db, app.clock.now(), 4)
            .await
            .unwrap();
        let known = translog::to_hex(&leaves[3]);
        let unknown = translog::to_hex(&translog::leaf_hash(b"never logged"));
        let cases = [
            (
                "/api/v1/translog/proof/inclusion?leaf_hash=zz&tree_size=4".to_string(),
                "translog.hex",
                "leaf_hash",
            ),
            (
                format!(
                    "/api/v1/translog/proof/inclusion?leaf_hash={}&tree_size=4",
                    &known[..60]
                ),
                "translog.hex",
                "leaf_hash",
            ),
            (
                format!("/api/v1/translog/proof/inclusion?leaf_hash={unknown}&tree_size=4"),
                "translog.unknown_leaf",
                "leaf_hash",
            ),
            (
                format!("/api/v1/translog/proof/inclusion?leaf_hash={known}&tree_size=5"),
                "translog.tree_size",
                "tree_size",
            ),
            (
                format!("/api/v1/translog/proof/inclusion?leaf_hash={known}&tree_size=3"),
                "translog.not_yet_included",
                "tree_size",
            ),
            (
                format!("/api/v1/translog/proof/inclusion?leaf_hash={known}&tree_size=-1"),
                "translog.number",
                "tree_size",
            ),
            (
                "/api/v1/translog/proof/consistency?first=3&second=9".to_string(),
                "translog.tree_size",
                "second",
            ),
            (
                "/api/v1/translog/proof/consistency?first=4&second=2".to_string(),
                "translog.sizes_out_of_order",
                "first",
            ),
            (
                "/api/v1/translog/proof/consistency?first=x&second=2".to_string(),
                "translog.number",
                "first",
            ),
            (
                "/api/v1/translog/entries?start=4&end=4".to_string(),
                "translog.tree_size",
                "start",
            ),
            (
                "/api/v1/translog/entries?start=2&end=1".to_string(),
                "translog.range",
                "end",
            ),
        ];
        for (path, code, field) in cases {
            let got = app.get_as(None, &path).await;
            assert_problem(&got, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        }
        let missing = app
            .get_as(
                None,
                &format!("/api/v1/translog/proof/inclusion?leaf_hash={known}"),
            )
            .await;
        assert_eq!(missing.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(missing.1["field"], "tree_size");
        app
    })
    .await;
}

#[tokio::test]
async fn concurrent_appends_get_distinct_contiguous_indexes() {
    each_backend(|app: TestApp| async move {
        let now = app.clock.now();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let db = app.state.db.clone();
                tokio::spawn(async move {
                    let mut mine = Vec::new();
                    for _ in 0..3 {
                        mine.extend(store::append_synthetic(&db, now, 2).await.unwrap());
                    }
                    mine
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        assert_eq!(store::size(&app.state.db).await.unwrap(), 48);
        let (_, v) = app
            .get_as(None, "/api/v1/translog/entries?start=0&end=47")
            .await;
        let entries = v["entries"].as_array().unwrap();
        let stored: Vec<Hash> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                assert_eq!(e["index"], i as u64);
                parse_hex(e["leaf_hash"].as_str().unwrap()).unwrap()
            })
            .collect();
        let mut a = all.clone();
        let mut b = stored.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "every appended leaf is stored exactly once");
        // The stored nodes make the same tree as the leaves in their stored order.
        let (head, root) = sth(&app).await;
        assert_eq!(head.tree_size, 48);
        assert_eq!(root, translog::root(&stored));
        app
    })
    .await;
}

pub fn verify_cli(args: &[String]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("verify")
        .args(args)
        .env("FENGQIAO_LOG", "error")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn join(p: &[Hash]) -> String {
    p.iter().map(translog::to_hex).collect::<Vec<_>>().join(",")
}

#[test]
fn the_offline_verifier_accepts_good_proofs_and_refuses_tampered_ones() {
    let leaves: Vec<Hash> = (0u32..13)
        .map(|i| translog::leaf_hash(&i.to_be_bytes()))
        .collect();
    let root = translog::root(&leaves);
    let proof = translog::inclusion_proof(&leaves, 6).unwrap();
    let inclusion = |p: &[Hash], leaf: &Hash| {
        verify_cli(&[
            "inclusion".into(),
            "--leaf-hash".into(),
            translog::to_hex(leaf),
            "--index".into(),
            "6".into(),
            "--tree-size".into(),
            "13".into(),
            "--root".into(),
            translog::to_hex(&root),
            "--proof".into(),
            join(p),
        ])
    };
    let (ok, out) = inclusion(&proof, &leaves[6]);
    assert!(ok, "{out}");
    assert!(out.starts_with("OK"), "{out}");
    let mut tampered = proof.clone();
    tampered[1][5] ^= 4;
    let (ok, out) = inclusion(&tampered, &leaves[6]);
    assert!(!ok, "{out}");
    assert!(out.contains("FAILED"), "{out}");
    let (ok, _) = inclusion(&proof, &leaves[7]);
    assert!(!ok);

    let old_root = translog::root(&leaves[..5]);
    let proof = translog::consistency_proof(&leaves, 5).unwrap();
    let consistency = |p: &[Hash]| {
        verify_cli(&[
            "consistency".into(),
            "--first".into(),
            "5".into(),
            "--second".into(),
            "13".into(),
            "--first-root".into(),
            translog::to_hex(&old_root),
            "--second-root".into(),
            translog::to_hex(&root),
            "--proof".into(),
            join(p),
        ])
    };
    let (ok, out) = consistency(&proof);
    assert!(ok && out.starts_with("OK"), "{out}");
    let mut tampered = proof.clone();
    tampered[0][0] ^= 1;
    let (ok, out) = consistency(&tampered);
    assert!(!ok && out.contains("FAILED"), "{out}");
    // Malformed hex is refused with the argument named.
    let (ok, out) = consistency(&proof[..0]);
    assert!(!ok, "{out}");
    let (ok, out) = verify_cli(&[
        "inclusion".into(),
        "--leaf-hash".into(),
        "xyz".into(),
        "--index".into(),
        "0".into(),
        "--tree-size".into(),
        "1".into(),
        "--root".into(),
        translog::to_hex(&root),
    ]);
    assert!(!ok && out.contains("--leaf-hash"), "{out}");
}

/// A proof is a list of exactly-32-byte hashes (issue 15): an extra empty element used to be
/// dropped, so `a,,b` verified as `a,b`. Every bad element is refused with its position and a
/// non-zero exit, for both kinds of proof.
#[test]
fn the_offline_verifier_refuses_a_proof_with_a_bad_element_naming_its_position() {
    let leaves: Vec<Hash> = (0u32..13)
        .map(|i| translog::leaf_hash(&i.to_be_bytes()))
        .collect();
    let root = translog::root(&leaves);
    let inclusion: Vec<String> = translog::inclusion_proof(&leaves, 6)
        .unwrap()
        .iter()
        .map(translog::to_hex)
        .collect();
    let old_root = translog::root(&leaves[..5]);
    let consistency: Vec<String> = translog::consistency_proof(&leaves, 5)
        .unwrap()
        .iter()
        .map(translog::to_hex)
        .collect();
    let run_inclusion = |proof: String| {
        verify_cli(&[
            "inclusion".into(),
            "--leaf-hash".into(),
            translog::to_hex(&leaves[6]),
            "--index".into(),
            "6".into(),
            "--tree-size".into(),
            "13".into(),
            "--root".into(),
            translog::to_hex(&root),
            "--proof".into(),
            proof,
        ])
    };
    let run_consistency = |proof: String| {
        verify_cli(&[
            "consistency".into(),
            "--first".into(),
            "5".into(),
            "--second".into(),
            "13".into(),
            "--first-root".into(),
            translog::to_hex(&old_root),
            "--second-root".into(),
            translog::to_hex(&root),
            "--proof".into(),
            proof,
        ])
    };
    let (ok, out) = run_inclusion(inclusion.join(","));
    assert!(ok, "{out}");
    let (ok, out) = run_consistency(consistency.join(","));
    assert!(ok, "{out}");
    let b64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    for (good, run) in [
        (
            &inclusion,
            &run_inclusion as &dyn Fn(String) -> (bool, String),
        ),
        (&consistency, &run_consistency),
    ] {
        let h = &good[0];
        let bad_elements = [
            String::new(),
            h[..62].to_string(),
            format!("{h}ab"),
            format!("{}zz", &h[..62]),
            b64.to_string(),
        ];
        for bad in &bad_elements {
            for k in [1, 2, good.len() + 1] {
                // Inserted at position k (an extra element) …
                let mut p = good.clone();
                p.insert(k - 1, bad.clone());
                let (ok, out) = run(p.join(","));
                assert!(!ok, "{bad:?} inserted at {k}: {out}");
                assert!(
                    out.contains("--proof") && out.contains(&format!("element {k} ")),
                    "{bad:?} at {k}: {out}"
                );
                // … or in place of element k.
                if k <= good.len() {
                    let mut p = good.clone();
                    p[k - 1] = bad.clone();
                    let (ok, out) = run(p.join(","));
                    assert!(!ok && out.contains(&format!("element {k} ")), "{out}");
                }
            }
        }
    }
}

#[tokio::test]
async fn the_signer_publishes_a_head_when_the_log_has_grown_and_only_then() {
    use fengqiao::transparency::signer::sign_if_grown;
    each_backend(|app: TestApp| async move {
        let now = app.clock.now();
        assert_eq!(
            sign_if_grown(&app.state).await.unwrap(),
            Some(0),
            "the empty tree's head"
        );
        assert_eq!(sign_if_grown(&app.state).await.unwrap(), None);
        store::append_synthetic(&app.state.db, now, 3)
            .await
            .unwrap();
        assert_eq!(sign_if_grown(&app.state).await.unwrap(), Some(3));
        assert_eq!(sign_if_grown(&app.state).await.unwrap(), None);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM translog_heads").await, 2);
        app
    })
    .await;
}
