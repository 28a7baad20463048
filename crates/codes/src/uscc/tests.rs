use super::*;
use proptest::prelude::*;
use serde::de::IntoDeserializer;
use serde::de::value::Error as DeError;

/// DOMAIN §1.1 worked examples (synthetic bodies).
const WORKED: [&str; 4] = [
    "51330106MJ0A000178",
    "52330212MJ1B2C3D0N",
    "53330000MJ8L9K7Q4N",
    "59330782MJ00T0U5XH",
];

/// Real public legal-entity codes (DOMAIN §1.1 cross-check).
const REAL: [&str; 4] = [
    "53100000500019795A",
    "53100000500021676K",
    "91350200776049653A",
    "9135021359498494XQ",
];

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

#[test]
fn worked_examples_parse() {
    for code in WORKED {
        let u = Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(u.as_str(), code);
        assert!(u.is_civil_affairs());
    }
}

#[test]
fn worked_examples_generate() {
    for code in WORKED {
        let c = chars(code);
        let body: String = c[8..16].iter().collect();
        let u = Uscc::generate(c[0], c[1], &code[2..8], &body).unwrap();
        assert_eq!(u.as_str(), code);
    }
}

#[test]
fn worked_examples_accessors() {
    let u = Uscc::parse("51330106MJ0A000178").unwrap();
    assert_eq!(u.authority(), RegistrationAuthority::CivilAffairs);
    assert_eq!(u.org_type(), OrgTypeCode::SocialGroup);
    assert_eq!(u.region_code(), "330106");
    assert_eq!(u.org_code(), "MJ0A00017");
    assert_eq!(u.check_char(), '8');
    let types: Vec<_> = WORKED
        .iter()
        .map(|c| Uscc::parse(c).unwrap().org_type())
        .collect();
    assert_eq!(
        types,
        [
            OrgTypeCode::SocialGroup,
            OrgTypeCode::PrivateNonEnterprise,
            OrgTypeCode::Foundation,
            OrgTypeCode::CivilAffairsOther
        ]
    );
}

#[test]
fn real_codes_parse() {
    for code in REAL {
        Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    let ent = Uscc::parse("91350200776049653A").unwrap();
    assert_eq!(ent.authority(), RegistrationAuthority::MarketRegulation);
    assert_eq!(ent.org_type(), OrgTypeCode::Enterprise);
    assert!(!ent.is_civil_affairs());
}

#[test]
fn dataset_typo_reports_expected_k() {
    let e = Uscc::parse("53100000500020462H").unwrap_err();
    assert_eq!(
        e,
        UsccError::CheckDigit {
            position: 18,
            found: 'H',
            expected: 'K'
        }
    );
    assert_eq!(e.code(), "uscc.check_digit");
    assert_eq!(e.position(), Some(18));
    assert!(e.message_zh().contains("第18位") && e.message_zh().contains("“K”"));
    assert!(e.message_en().contains("position 18") && e.message_en().contains("'K'"));
    assert!(Uscc::parse("53100000500020462K").is_ok());
}

#[test]
fn org_code_check_uses_plain_alphabet_not_uscc_table() {
    // Digit-only bodies from the real codes: 77604965-3, 59498494-X.
    assert_eq!(org_code_check_char(&chars("77604965")), Some('3'));
    assert_eq!(org_code_check_char(&chars("59498494")), Some('X'));
    // Sum ≡ 0 (mod 11) gives 11 → '0' (worked example 2).
    assert_eq!(org_code_check_char(&chars("MJ1B2C3D")), Some('0'));
    // Bodies with J–Y letters: the two tables disagree there.
    for (body, want) in [("MJ8L9K7Q", '4'), ("MJ00T0U5", 'X'), ("MJ0A0001", '7')] {
        assert_eq!(org_code_check_char(&chars(body)), Some(want), "{body}");
        let wrong_sum: u32 = body
            .chars()
            .zip(ORG_WEIGHTS)
            .map(|(c, w)| uscc_value(c).unwrap() * w)
            .sum();
        let wrong = match 11 - wrong_sum % 11 {
            10 => 'X',
            11 => '0',
            d => char::from_digit(d, 10).unwrap(),
        };
        // Values differ for M (21 vs 22), J (18 vs 19) etc., so the buggy table disagrees.
        assert_ne!(
            wrong, want,
            "{body}: test would not catch the two-table bug"
        );
    }
    assert_eq!(org_code_value('J'), Some(19));
    assert_eq!(org_code_value('Z'), Some(35));
    assert_eq!(uscc_value('J'), Some(18));
    assert_eq!(uscc_value('Y'), Some(30));
    assert_eq!(uscc_value('Z'), None);
}

#[test]
fn check18_zero_case() {
    // (31 − S mod 31) mod 31: when S ≡ 0 the check is '0', not the 32nd symbol.
    // Search a prefix with S ≡ 0 and confirm it is accepted with '0'.
    // Bounded search (about 1 in 31 serials qualifies) so a broken check cannot loop for ever.
    let u = (0..10_000)
        .map(|s| Uscc::for_serial('1', "330106", s).unwrap())
        .find(|u| u.check_char() == '0')
        .expect("a serial with check character 0");
    assert!(Uscc::parse(u.as_str()).is_ok());
    let sum: u32 = u
        .as_str()
        .chars()
        .take(17)
        .zip(USCC_WEIGHTS)
        .map(|(c, w)| uscc_value(c).unwrap() * w)
        .sum();
    assert_eq!(sum % 31, 0);
}

#[test]
fn weights_are_powers_of_three_mod_31() {
    let mut w = 1;
    for (i, &got) in USCC_WEIGHTS.iter().enumerate() {
        assert_eq!(got, w, "weight {}", i + 1);
        w = w * 3 % 31;
    }
}

#[test]
fn normalization() {
    let want = "51330106MJ0A000178";
    for input in [
        "51330106mj0a000178",
        " 51330106 MJ0A 000178 ",
        "5133 0106 mJ0a 0001 78",
        "５１３３０１０６ＭＪ０Ａ０００１７８",
        "51330106MJ0A000178\n",
    ] {
        assert_eq!(Uscc::parse(input).unwrap().as_str(), want, "{input:?}");
    }
}

#[test]
fn wrong_length() {
    for (input, len) in [
        ("", 0),
        ("51330106MJ0A00017", 17),
        ("51330106MJ0A0001788", 19),
        // Legacy 15-digit registration number is not a USCC.
        ("330106000012345", 15),
    ] {
        let e = Uscc::parse(input).unwrap_err();
        assert_eq!(e, UsccError::WrongLength { len }, "{input}");
        assert_eq!(e.position(), None);
        assert!(e.message_zh().contains(&format!("{len}位")));
    }
}

#[test]
fn invalid_chars_name_position() {
    for (input, position, found) in [
        ("51330106MJOA000178", 11, 'O'), // letter O typed for zero
        ("51330106MJ0I000178", 12, 'I'),
        ("51330106MJ0S000178", 12, 'S'),
        ("51330106MJ0V000178", 12, 'V'),
        ("51330106MJ0Z000178", 12, 'Z'),
        ("51330106MJ0A00017-", 18, '-'),
        ("5133010中MJ0A000178", 8, '中'),
        ("51330106mjoa000178", 11, 'O'),
    ] {
        let e = Uscc::parse(input).unwrap_err();
        assert_eq!(e, UsccError::InvalidChar { position, found }, "{input}");
        assert_eq!(e.code(), "uscc.invalid_char");
        assert!(e.message_zh().contains(&format!("第{position}位")));
    }
}

#[test]
fn unknown_authority_and_type() {
    let e = Uscc::parse("B1330106MJ0A000178").unwrap_err();
    assert_eq!(
        e,
        UsccError::UnknownAuthority {
            position: 1,
            found: 'B'
        }
    );
    assert_eq!(e.code(), "uscc.unknown_authority");
    let e = Uscc::parse("54330106MJ0A000178").unwrap_err();
    assert_eq!(
        e,
        UsccError::UnknownOrgType {
            position: 2,
            authority: RegistrationAuthority::CivilAffairs,
            found: '4'
        }
    );
    assert!(e.message_zh().contains("1、2、3、9"), "{}", e.message_zh());
    assert!(e.message_en().contains("1, 2, 3, 9"), "{}", e.message_en());
    // Same type digit is valid or not depending on authority: 9 has no 9.
    assert!(matches!(
        Uscc::parse("99350200776049653A"),
        Err(UsccError::UnknownOrgType { position: 2, .. })
    ));
}

#[test]
fn region_must_be_digits() {
    let e = Uscc::parse("5133010AMJ0A000178").unwrap_err();
    assert_eq!(
        e,
        UsccError::RegionNotDigit {
            position: 8,
            found: 'A'
        }
    );
    assert!(matches!(
        Uscc::generate('5', '1', "33A106", "MJ0A0001"),
        Err(UsccError::RegionNotDigit { position: 5, .. })
    ));
}

#[test]
fn org_code_check_names_position_17() {
    let e = Uscc::parse("51330106MJ0A000188").unwrap_err();
    assert_eq!(
        e,
        UsccError::OrgCodeCheck {
            position: 17,
            found: '8',
            expected: '7'
        }
    );
    assert_eq!(e.code(), "uscc.org_code_check");
    assert!(e.message_zh().contains("第17位"));
    // A typo in the body (position 12) is caught by the position-17 check first.
    assert!(matches!(
        Uscc::parse("51330106MJ0B000178"),
        Err(UsccError::OrgCodeCheck { position: 17, .. })
    ));
}

#[test]
fn generate_rejects_bad_parts() {
    assert_eq!(
        Uscc::generate('5', '1', "3301", "MJ0A0001"),
        Err(UsccError::WrongPartLength {
            part: "region",
            expected: 6,
            len: 4
        })
    );
    assert_eq!(
        Uscc::generate('5', '1', "330106", "MJ0A001"),
        Err(UsccError::WrongPartLength {
            part: "body",
            expected: 8,
            len: 7
        })
    );
    assert!(matches!(
        Uscc::generate('5', '7', "330106", "MJ0A0001"),
        Err(UsccError::UnknownOrgType { .. })
    ));
    assert!(matches!(
        Uscc::generate('5', '1', "330106", "MJ0O0001"),
        Err(UsccError::InvalidChar { position: 12, .. })
    ));
}

#[test]
fn for_serial_encoding_and_capacity() {
    let u = Uscc::for_serial('1', "330106", 0).unwrap();
    assert_eq!(&u.as_str()[8..16], "MJ000000");
    let u = Uscc::for_serial('1', "330106", 31).unwrap();
    assert_eq!(&u.as_str()[8..16], "MJ000010");
    let u = Uscc::for_serial('2', "330212", 30).unwrap();
    assert_eq!(&u.as_str()[8..16], "MJ00000Y");
    assert_eq!(u.org_type(), OrgTypeCode::PrivateNonEnterprise);
    // Worked example 1's body MJ0A0001 is serial 10·31⁴ + 1.
    let u = Uscc::for_serial('1', "330106", 10 * 31u64.pow(4) + 1).unwrap();
    assert_eq!(u.as_str(), "51330106MJ0A000178");
    let top = Uscc::for_serial('3', "330000", MAX_SERIAL).unwrap();
    assert_eq!(&top.as_str()[8..16], "MJYYYYYY");
    assert_eq!(top.civil_affairs_serial(), Some(MAX_SERIAL));
    assert_eq!(
        Uscc::for_serial('3', "330000", MAX_SERIAL + 1),
        Err(UsccError::SerialOutOfRange {
            serial: MAX_SERIAL + 1,
            max: MAX_SERIAL
        })
    );
    assert!(matches!(
        Uscc::for_serial('4', "330000", 1),
        Err(UsccError::UnknownOrgType { .. })
    ));
    // Capacity covers at least 10^6 serials (brief), checked at compile time.
    const _: () = assert!(MAX_SERIAL >= 1_000_000);
}

#[test]
fn civil_affairs_serial_only_for_mj_civil_codes() {
    assert_eq!(Uscc::parse(REAL[0]).unwrap().civil_affairs_serial(), None);
    assert_eq!(Uscc::parse(REAL[2]).unwrap().civil_affairs_serial(), None);
    let ex = Uscc::parse(WORKED[0]).unwrap();
    assert_eq!(ex.civil_affairs_serial(), Some(10 * 31u64.pow(4) + 1));
}

#[test]
fn display_fromstr_serde() {
    let u: Uscc = " 53100000500019795a".parse().unwrap();
    assert_eq!(u.to_string(), "53100000500019795A");
    let de: Result<Uscc, DeError> = Uscc::deserialize("53100000500019795a".into_deserializer());
    assert_eq!(de.unwrap(), u);
    let de: Result<Uscc, DeError> = Uscc::deserialize("53100000500020462H".into_deserializer());
    assert!(de.unwrap_err().to_string().contains("position 18"));
    // Serialize through csv (serde_json is not a dependency of this crate).
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(vec![]);
    w.serialize((&u,)).unwrap();
    assert_eq!(
        String::from_utf8(w.into_inner().unwrap()).unwrap(),
        "53100000500019795A\n"
    );
}

fn symbol() -> impl Strategy<Value = char> {
    (0usize..31).prop_map(|i| USCC_ALPHABET.as_bytes()[i] as char)
}

fn valid_parts() -> impl Strategy<Value = (char, char, String, String)> {
    let types: Vec<(char, char)> = RegistrationAuthority::all()
        .flat_map(|a| a.org_types().map(move |t| (a.as_char(), t.as_char())))
        .collect();
    (
        proptest::sample::select(types),
        "[0-9]{6}",
        proptest::collection::vec(symbol(), 8),
    )
        .prop_map(|((a, t), r, b)| (a, t, r, b.into_iter().collect()))
}

proptest! {
    #[test]
    fn generate_parse_roundtrip((a, t, region, body) in valid_parts()) {
        let u = Uscc::generate(a, t, &region, &body).unwrap();
        let again = Uscc::parse(u.as_str()).unwrap();
        prop_assert_eq!(&again, &u);
        prop_assert_eq!(again.region_code(), region.as_str());
        prop_assert_eq!(&again.org_code()[..8], body.as_str());
        prop_assert_eq!(again.authority().as_char(), a);
        prop_assert_eq!(again.org_type().as_char(), t);
        // Lower case and spaces normalize back to the same code.
        let messy = format!(" {} {}", &u.as_str()[..9].to_lowercase(), &u.as_str()[9..]);
        prop_assert_eq!(Uscc::parse(&messy).unwrap(), u);
    }

    #[test]
    fn single_substitution_is_detected(
        (a, t, region, body) in valid_parts(),
        pos in 0usize..18,
        repl in symbol(),
    ) {
        let u = Uscc::generate(a, t, &region, &body).unwrap();
        let mut c = chars(u.as_str());
        prop_assume!(c[pos] != repl);
        c[pos] = repl;
        // The position-18 check alone catches every single substitution (31 is prime and no
        // weight is 0 mod 31) ...
        prop_assert_ne!(uscc_check_char(&c[..17]), Some(c[17]));
        // ... so parse rejects it (possibly earlier, with a more specific error).
        let s: String = c.into_iter().collect();
        prop_assert!(Uscc::parse(&s).is_err());
    }

    #[test]
    fn for_serial_roundtrips(serial in 0..=MAX_SERIAL, t in proptest::sample::select(vec!['1', '2', '3', '9'])) {
        let u = Uscc::for_serial(t, "330106", serial).unwrap();
        prop_assert_eq!(Uscc::parse(u.as_str()).unwrap().civil_affairs_serial(), Some(serial));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,24}") {
        let _ = Uscc::parse(&s);
    }
}
