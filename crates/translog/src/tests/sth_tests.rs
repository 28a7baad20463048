//! Signed tree heads.

use super::h;
use crate::{SignedTreeHead, SigningKey, SthError, TreeHead, to_hex};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[0x42; 32])
}

fn head() -> TreeHead {
    TreeHead {
        tree_size: 8,
        timestamp_ms: 0x0102_0304_0506_0708,
        root: h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    }
}

#[test]
fn signing_bytes_follow_rfc6962_tree_head_signature() {
    let b = head().signing_bytes();
    assert_eq!(b.len(), 50);
    assert_eq!(b[0], 0, "version v1");
    assert_eq!(b[1], 1, "signature_type tree_hash");
    assert_eq!(&b[2..10], &[1, 2, 3, 4, 5, 6, 7, 8], "timestamp BE");
    assert_eq!(&b[10..18], &[0, 0, 0, 0, 0, 0, 0, 8], "tree_size BE");
    assert_eq!(&b[18..], &head().root);
}

#[test]
fn ed25519_key_from_seed_is_rfc8032() {
    // RFC 8032 §7.1 TEST 1.
    let seed = h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let key = SigningKey::from_bytes(&seed);
    assert_eq!(
        to_hex(&key.verifying_key().to_bytes()),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
}

#[test]
fn sign_and_verify_round_trip() {
    let (k, t) = (key(), head());
    let sig = t.sign(&k);
    assert_eq!(t.verify(&k.verifying_key(), &sig), Ok(()));
    // Deterministic signatures.
    assert_eq!(sig, t.sign(&k));

    let other = SigningKey::from_bytes(&[0x43; 32]).verifying_key();
    assert_eq!(t.verify(&other, &sig), Err(SthError::BadSignature));
    for tampered in [
        TreeHead { tree_size: 9, ..t },
        TreeHead {
            timestamp_ms: t.timestamp_ms + 1,
            ..t
        },
        TreeHead { root: [0; 32], ..t },
    ] {
        assert_eq!(
            tampered.verify(&k.verifying_key(), &sig),
            Err(SthError::BadSignature)
        );
    }
}

#[test]
fn signed_tree_head_json() {
    let (k, t) = (key(), head());
    let sth = t.to_signed(&k);
    let json = serde_json::to_value(&sth).unwrap();
    assert_eq!(json["tree_size"], 8);
    assert_eq!(json["timestamp"], 0x0102_0304_0506_0708u64);
    assert_eq!(
        json["sha256_root_hash"],
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    );
    assert_eq!(json["tree_head_signature"].as_str().unwrap().len(), 128);
    assert_eq!(json.as_object().unwrap().len(), 4);

    let text = serde_json::to_string(&sth).unwrap();
    let back: SignedTreeHead = serde_json::from_str(&text).unwrap();
    assert_eq!(back, sth);
    assert_eq!(back.verify(&k.verifying_key()), Ok(t));
}

#[test]
fn signed_tree_head_rejects_bad_input() {
    let k = key();
    let vk = k.verifying_key();
    let good = head().to_signed(&k);

    let mut s = good.clone();
    s.tree_size += 1;
    assert_eq!(s.verify(&vk), Err(SthError::BadSignature));

    let mut s = good.clone();
    s.sha256_root_hash.pop();
    assert!(matches!(s.verify(&vk), Err(SthError::InvalidRootHash(_))));

    let mut s = good.clone();
    s.tree_head_signature.push_str("00");
    assert!(matches!(
        s.verify(&vk),
        Err(SthError::InvalidSignatureEncoding(_))
    ));

    let mut s = good.clone();
    let flipped = if s.tree_head_signature.starts_with('0') {
        "1"
    } else {
        "0"
    };
    s.tree_head_signature.replace_range(0..1, flipped);
    assert_eq!(s.verify(&vk), Err(SthError::BadSignature));

    let extra =
        r#"{"tree_size":1,"timestamp":2,"sha256_root_hash":"","tree_head_signature":"","x":1}"#;
    assert!(serde_json::from_str::<SignedTreeHead>(extra).is_err());
}
