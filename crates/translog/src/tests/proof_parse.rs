//! A proof is a list of exactly-32-byte hashes: every other element is refused by position,
//! never skipped (a verifier that skipped empty elements accepted proofs with extra ones).

use crate::{HexError, ProofParseError, parse_proof, parse_proof_list, to_hex};

use super::leaves;

fn hexes(n: u64) -> Vec<String> {
    leaves(n).iter().map(to_hex).collect()
}

#[test]
fn good_lists_parse_and_the_empty_string_is_the_empty_proof() {
    let h = hexes(3);
    let joined = h.join(",");
    assert_eq!(parse_proof_list(&joined).unwrap(), leaves(3));
    assert_eq!(
        parse_proof_list(&format!(" {} , {} ", h[0], h[1])).unwrap(),
        leaves(2)
    );
    assert!(parse_proof_list("").unwrap().is_empty());
    assert!(parse_proof_list("  ").unwrap().is_empty());
    assert_eq!(
        parse_proof(h.iter().map(String::as_str)).unwrap(),
        leaves(3)
    );
    assert!(parse_proof(std::iter::empty()).unwrap().is_empty());
}

#[test]
fn an_empty_element_anywhere_is_refused_with_its_position() {
    let h = hexes(3);
    let cases = [
        (format!(",{},{}", h[0], h[1]), 1),
        (format!("{},,{}", h[0], h[1]), 2),
        (format!("{},{},", h[0], h[1]), 3),
        (format!("{}, ,{}", h[0], h[1]), 2),
    ];
    for (list, k) in cases {
        let e = parse_proof_list(&list).unwrap_err();
        assert_eq!(e, ProofParseError::Empty { position: k }, "{list}");
        assert!(e.to_string().contains(&format!("element {k}")), "{e}");
        assert!(e.to_string().contains(&format!("第 {k} 项")), "{e}");
    }
    let e = parse_proof([h[0].as_str(), "", h[1].as_str()]).unwrap_err();
    assert_eq!(e.position(), 2);
}

#[test]
fn short_long_and_bad_hex_elements_are_refused_with_their_position() {
    let h = hexes(3);
    let short = &h[1][..62]; // 31 bytes
    let long = format!("{}ab", h[1]); // 33 bytes
    let bad = format!("{}zz", &h[1][..62]);
    let e = parse_proof_list(&format!("{},{short},{}", h[0], h[2])).unwrap_err();
    assert_eq!(
        e,
        ProofParseError::Hash {
            position: 2,
            source: HexError::WrongLength {
                expected: 64,
                got: 62
            }
        }
    );
    assert!(e.to_string().contains("element 2"), "{e}");
    let e = parse_proof_list(&format!("{},{},{long}", h[0], h[2])).unwrap_err();
    assert_eq!(e.position(), 3);
    assert!(e.to_string().contains("got 66"), "{e}");
    let e = parse_proof([bad.as_str()]).unwrap_err();
    assert!(
        matches!(
            e,
            ProofParseError::Hash {
                position: 1,
                source: HexError::InvalidCharacter { ch: 'z', index: 62 }
            }
        ),
        "{e:?}"
    );
    // Not hex at all (base64 of 32 bytes is 44 characters with `=`).
    let b64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    assert_eq!(
        parse_proof_list(&format!("{},{b64}", h[0]))
            .unwrap_err()
            .position(),
        2
    );
}
