use chrono::TimeZone;
use translog::{Log, MemoryStore, SigningKey, TreeHead};

use super::*;

fn record(amount_fen: i64) -> CanonicalRecord {
    CanonicalRecord::new(
        LeafKind::Donation,
        Uuid::from_u128(7),
        "FQ202611270000000003",
        "浙民募备[2026]0001",
        amount_fen,
        Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap(),
    )
}

#[test]
fn yuan_parses_exactly_and_names_the_field() {
    assert_eq!(parse_yuan("amount", "50").unwrap(), 5000);
    assert_eq!(parse_yuan("amount", "50.5").unwrap(), 5050);
    assert_eq!(parse_yuan("amount", "0.01").unwrap(), 1);
    assert_eq!(
        parse_yuan("amount", " 10000000.00 ").unwrap(),
        MAX_AMOUNT_FEN
    );
    for bad in [
        "",
        "0",
        "0.00",
        "-1",
        "1.234",
        "1.",
        ".5",
        "1e3",
        "１０",
        "10000000.01",
        "abc",
    ] {
        let e = parse_yuan("amount", bad).unwrap_err();
        assert_eq!(e.field(), Some("amount"), "{bad:?}");
    }
    assert_eq!(yuan(123_450), "1234.50");
    assert_eq!(yuan(-5), "-0.05");
}

#[test]
fn the_canonical_encoding_is_fixed_and_the_salt_changes_the_leaf() {
    let r = record(5000);
    assert_eq!(
        String::from_utf8(r.encode()).unwrap(),
        "fengqiao-translog-v1\nkind=donation\nid=00000000-0000-0000-0000-000000000007\n\
         reference=FQ202611270000000003\nproject=浙民募备[2026]0001\namount_fen=5000\n\
         at=2026-11-27T10:00:00.000Z\n"
    );
    let a = r.leaf_hash(&[1; SALT_LEN]);
    assert_ne!(a, r.leaf_hash(&[2; SALT_LEN]));
    assert_ne!(a, record(5001).leaf_hash(&[1; SALT_LEN]));
    let mut data = r.encode();
    data.extend_from_slice(&[1; SALT_LEN]);
    assert_eq!(a, translog::leaf_hash(&data));
}

/// A receipt for leaf `index` of a log of `size` leaves, signed with `key`.
fn receipt(key: &SigningKey, index: u64, size: u64) -> Receipt {
    let salt = [9u8; SALT_LEN];
    let r = record(5000);
    let mut log = Log::new(MemoryStore::new());
    let leaves: Vec<Hash> = (0..size)
        .map(|i| {
            if i == index {
                r.leaf_hash(&salt)
            } else {
                translog::leaf_hash(&i.to_be_bytes())
            }
        })
        .collect();
    log.append(&leaves).unwrap();
    let head = TreeHead {
        tree_size: size,
        timestamp_ms: 1_800_000_000_000,
        root: log.root(size).unwrap(),
    };
    Receipt {
        format: RECEIPT_FORMAT.into(),
        receipt_no: r.reference.clone(),
        record: r,
        salt: hex::encode(salt),
        leaf_index: index,
        leaf_hash: translog::to_hex(&leaves[index as usize]),
        sth: head.to_signed(key),
        audit_path: log
            .inclusion_proof(index, size)
            .unwrap()
            .iter()
            .map(translog::to_hex)
            .collect(),
        log_public_key: hex::encode(key.verifying_key().to_bytes()),
    }
}

#[test]
fn a_receipt_verifies_and_every_tampering_is_caught() {
    let key = SigningKey::from_bytes(&[3; 32]);
    let trusted = hex::encode(key.verifying_key().to_bytes());
    for (index, size) in [(0, 1), (0, 2), (4, 5), (6, 7), (12, 13)] {
        let good = receipt(&key, index, size);
        let v = verify_receipt(&good, Some(&trusted)).unwrap();
        assert_eq!((v.leaf_index, v.tree_size), (index, size));
        assert!(verify_receipt(&good, None).is_ok());

        let mut r = good.clone();
        r.record.amount_fen += 1;
        assert!(matches!(
            verify_receipt(&r, None),
            Err(ReceiptError::LeafMismatch { .. })
        ));

        let mut r = good.clone();
        r.salt = hex::encode([8u8; SALT_LEN]);
        assert!(matches!(
            verify_receipt(&r, None),
            Err(ReceiptError::LeafMismatch { .. })
        ));

        let mut r = good.clone();
        r.sth.timestamp += 1;
        assert!(matches!(
            verify_receipt(&r, None),
            Err(ReceiptError::Signature(_))
        ));

        if size > 1 {
            let mut r = good.clone();
            r.leaf_index = (index + 1) % size;
            assert!(matches!(
                verify_receipt(&r, None),
                Err(ReceiptError::Inclusion(_))
            ));
            let mut r = good.clone();
            r.audit_path.pop();
            assert!(verify_receipt(&r, None).is_err());
        }

        let other = SigningKey::from_bytes(&[4; 32]);
        let forged = receipt(&other, index, size);
        assert!(verify_receipt(&forged, None).is_ok(), "self-consistent");
        assert!(matches!(
            verify_receipt(&forged, Some(&trusted)),
            Err(ReceiptError::UntrustedKey { .. })
        ));
    }
}

/// The audit path is a list of exactly-32-byte hashes: an empty, short, long or non-hex element
/// is refused with its position (counting from 1), before any hashing.
#[test]
fn a_receipt_whose_audit_path_has_a_bad_element_is_refused_naming_its_position() {
    let key = SigningKey::from_bytes(&[3; 32]);
    let good = receipt(&key, 6, 13);
    assert!(good.audit_path.len() >= 3);
    let second = good.audit_path[1].clone();
    let cases = [
        String::new(),
        second[..62].to_string(),
        format!("{second}00"),
        format!("{}zz", &second[..62]),
    ];
    for bad in cases {
        for k in [1, 3] {
            let mut r = good.clone();
            r.audit_path[k - 1] = bad.clone();
            let e = verify_receipt(&r, None).unwrap_err();
            assert!(matches!(e, ReceiptError::Hex(_)), "{bad:?}: {e:?}");
            assert!(e.to_string().contains(&format!("element {k} ")), "{e}");
        }
        // An extra element is not skipped either.
        let mut r = good.clone();
        r.audit_path.insert(2, bad.clone());
        let e = verify_receipt(&r, None).unwrap_err();
        assert!(e.to_string().contains("element 3 "), "{e}");
    }
}

#[test]
fn receipt_numbers_follow_the_leaf_and_names_are_masked() {
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 23, 59, 59).unwrap();
    assert_eq!(receipt_no(at, 42), "FQ202611270000000042");
    assert_ne!(receipt_no(at, 42), receipt_no(at, 43));
    assert_eq!(mask_name("张三丰"), "张**");
    assert_eq!(mask_name("李"), "李");
    assert_eq!(mask_name(""), "");
}
