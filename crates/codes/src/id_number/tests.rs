use super::*;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn domain_examples_are_valid() {
    for s in [
        "330199200001019994",
        "330199200001019986",
        "33019920000101996X",
    ] {
        let id = IdNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(id.as_str(), s);
        assert_eq!(id.region_code(), "330199");
        assert_eq!(id.birth_date(), d(2000, 1, 1));
    }
}

#[test]
fn sex_from_digit_17() {
    assert_eq!(
        IdNumber::parse("330199200001019994").unwrap().sex(),
        Sex::Male
    ); // 9
    assert_eq!(
        IdNumber::parse("330199200001019986").unwrap().sex(),
        Sex::Female
    ); // 8
    assert_eq!(
        IdNumber::parse("33019920000101996X").unwrap().sex(),
        Sex::Female
    ); // 6
    let male = IdNumber::from_parts("330199", d(2000, 1, 1), 1).unwrap();
    assert_eq!(male.sex(), Sex::Male);
    assert_eq!(Sex::Male.name_zh(), "男");
    assert_eq!(Sex::Female.name_en(), "female");
}

#[test]
fn check_table_and_weights() {
    // r = 8, 6, 2 for the three DOMAIN values.
    assert_eq!(check_char("33019920000101999"), Some('4'));
    assert_eq!(check_char("33019920000101998"), Some('6'));
    assert_eq!(check_char("33019920000101996"), Some('X'));
    for (i, &w) in WEIGHTS.iter().enumerate() {
        assert_eq!(w, 2u32.pow(17 - i as u32) % 11, "weight {}", i + 1);
    }
    // Ends of the table: r = 0 → '1', r = 1 → '0' (w8 = 1), r = 10 → '2' (w3 = 10).
    assert_eq!(check_char("00000000000000000"), Some('1'));
    assert_eq!(check_char("00000001000000000"), Some('0'));
    assert_eq!(check_char("00100000000000000"), Some('2'));
    assert_eq!(check_char("0010000000000000"), None);
    assert_eq!(check_char("0010000000000000A"), None);
}

#[test]
fn lowercase_x_and_spaces_accepted() {
    let id = IdNumber::parse(" 330199 20000101 996x ").unwrap();
    assert_eq!(id.as_str(), "33019920000101996X");
    assert_eq!(id.check_char(), 'X');
}

#[test]
fn wrong_check_names_expected() {
    let e = IdNumber::parse("330199200001019995").unwrap_err();
    assert_eq!(
        e,
        IdNumberError::CheckDigit {
            position: 18,
            found: '5',
            expected: '4'
        }
    );
    assert_eq!(e.code(), "id_number.check_digit");
    assert_eq!(e.position(), Some(18));
    assert!(e.message_zh().contains("“4”") && e.message_zh().contains("第18位"));
    assert!(e.message_en().contains("'4'"));
    let e = IdNumber::parse("330199200001019962").unwrap_err();
    assert!(matches!(e, IdNumberError::CheckDigit { expected: 'X', .. }));
}

#[test]
fn invalid_birth_dates() {
    for (s, found) in [
        ("330199202302300000", "20230230"), // 30 February
        ("330199202313010000", "20231301"), // month 13
        ("330199202300010000", "20230001"), // month 0
        ("330199202301000000", "20230100"), // day 0
        ("330199190002290000", "19000229"), // 1900 is not a leap year
        ("330199000001010000", "00000101"), // year 0
        ("330199179912310000", "17991231"), // before MIN_BIRTH_YEAR
    ] {
        let e = IdNumber::parse(s).unwrap_err();
        assert_eq!(
            e,
            IdNumberError::InvalidBirthDate {
                position: 7,
                found: found.into()
            },
            "{s}"
        );
        assert_eq!(e.code(), "id_number.invalid_birth_date");
    }
    // Boundaries that are real dates.
    let ok = IdNumber::from_parts("330199", d(2000, 2, 29), 1).unwrap();
    assert!(IdNumber::parse(ok.as_str()).is_ok());
    let ok = IdNumber::from_parts("330199", d(MIN_BIRTH_YEAR, 1, 1), 1).unwrap();
    assert!(IdNumber::parse(ok.as_str()).is_ok());
}

#[test]
fn invalid_chars_and_length() {
    assert_eq!(
        IdNumber::parse("33019920000101999A").unwrap_err(),
        IdNumberError::InvalidChar {
            position: 18,
            found: 'A'
        }
    );
    assert_eq!(
        IdNumber::parse("3301992000010199X4").unwrap_err(),
        IdNumberError::InvalidChar {
            position: 17,
            found: 'X'
        }
    );
    assert_eq!(
        IdNumber::parse("33O199200001019994").unwrap_err(),
        IdNumberError::InvalidChar {
            position: 3,
            found: 'O'
        }
    );
    for (s, len) in [
        ("", 0),
        ("33019920000101999", 17),
        ("3301992000010199944", 19),
    ] {
        let e = IdNumber::parse(s).unwrap_err();
        assert_eq!(e, IdNumberError::WrongLength { len });
        assert_eq!(e.position(), None);
    }
    let e = IdNumber::parse("33019900010199X").unwrap_err(); // 15-digit: X not allowed
    assert_eq!(
        e,
        IdNumberError::InvalidChar {
            position: 15,
            found: 'X'
        }
    );
}

#[test]
fn legacy_15_digit_upgrade() {
    // 330199 000101 999 → 330199 19000101 999 + check.
    let id = IdNumber::parse("330199000101999").unwrap();
    let first17 = "33019919000101999";
    assert_eq!(
        id.as_str(),
        format!("{first17}{}", check_char(first17).unwrap())
    );
    assert_eq!(id.birth_date(), d(1900, 1, 1));
    assert_eq!(id.sex(), Sex::Male);
    assert_eq!(
        IdNumber::parse("330199850230123").unwrap_err(),
        IdNumberError::InvalidBirthDate {
            position: 7,
            found: "850230".into()
        }
    );
    // 1900 is not a leap year, 1996 is.
    assert!(IdNumber::parse("330199000229123").is_err());
    assert!(IdNumber::parse("330199960229123").is_ok());
}

#[test]
fn age_by_legal_counting() {
    let id = IdNumber::from_parts("330199", d(2006, 6, 15), 1).unwrap();
    assert_eq!(id.age_on(d(2024, 6, 14)), 17);
    assert_eq!(id.age_on(d(2024, 6, 15)), 18); // reached on the birthday
    assert_eq!(id.age_on(d(2024, 6, 16)), 18);
    assert_eq!(id.age_on(d(2006, 6, 15)), 0);
    assert_eq!(id.age_on(d(2000, 1, 1)), 0); // before birth
    // Leap-day birth: 28 Feb in common years, 29 Feb in leap years.
    let leap = IdNumber::from_parts("330199", d(2004, 2, 29), 2).unwrap();
    assert_eq!(leap.age_on(d(2022, 2, 27)), 17);
    assert_eq!(leap.age_on(d(2022, 2, 28)), 18);
    assert_eq!(leap.age_on(d(2024, 2, 28)), 19);
    assert_eq!(leap.age_on(d(2024, 2, 29)), 20);
    // Year-end boundary.
    let ny = IdNumber::parse("330199200001019994").unwrap();
    assert_eq!(ny.age_on(d(2017, 12, 31)), 17);
    assert_eq!(ny.age_on(d(2018, 1, 1)), 18);
}

#[test]
fn masked_and_debug() {
    let id = IdNumber::parse("330199200001019994").unwrap();
    assert_eq!(id.masked(), "330199********9994");
    assert_eq!(format!("{id:?}"), "IdNumber(330199********9994)");
    assert_eq!(id.to_string(), "330199200001019994");
    let x = IdNumber::parse("33019920000101996x").unwrap();
    assert_eq!(x.masked(), "330199********996X");
}

#[test]
fn from_parts_rejects_bad_parts() {
    assert!(matches!(
        IdNumber::from_parts("33019", d(2000, 1, 1), 1),
        Err(IdNumberError::InvalidPart { part: "region", .. })
    ));
    assert!(matches!(
        IdNumber::from_parts("3301a9", d(2000, 1, 1), 1),
        Err(IdNumberError::InvalidPart { part: "region", .. })
    ));
    assert!(matches!(
        IdNumber::from_parts("330199", d(2000, 1, 1), 1000),
        Err(IdNumberError::InvalidPart {
            part: "sequence",
            ..
        })
    ));
    assert_eq!(
        IdNumber::from_parts("330199", d(2000, 1, 1), 999)
            .unwrap()
            .as_str(),
        "330199200001019994"
    );
}

#[test]
fn serde_roundtrip() {
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as DeError;
    let de: Result<IdNumber, DeError> =
        IdNumber::deserialize("33019920000101996x".into_deserializer());
    assert_eq!(de.unwrap().as_str(), "33019920000101996X");
    let bad: Result<IdNumber, DeError> =
        IdNumber::deserialize("330199200001019995".into_deserializer());
    assert!(bad.is_err());
}

fn any_id() -> impl Strategy<Value = IdNumber> {
    ("[0-9]{6}", 0i64..80_000, 0u16..1000).prop_map(|(r, days, seq)| {
        let birth = d(1900, 1, 1) + chrono::Duration::days(days);
        IdNumber::from_parts(&r, birth, seq).unwrap()
    })
}

proptest! {
    #[test]
    fn roundtrip(id in any_id()) {
        let again = IdNumber::parse(id.as_str()).unwrap();
        prop_assert_eq!(&again, &id);
        prop_assert_eq!(again.to_string().parse::<IdNumber>().unwrap(), id.clone());
        prop_assert_eq!(again.masked().chars().count(), 18);
        prop_assert_eq!(again.age_on(again.birth_date()), 0);
    }

    #[test]
    fn single_digit_error_detected(id in any_id(), pos in 0usize..18, repl in 0u8..11) {
        let mut b = id.as_str().as_bytes().to_vec();
        let new = if repl == 10 { b'X' } else { b'0' + repl };
        prop_assume!(b[pos] != new);
        prop_assume!(pos == 17 || new != b'X');
        b[pos] = new;
        let s = String::from_utf8(b).unwrap();
        prop_assert!(IdNumber::parse(&s).is_err(), "{} accepted", s);
    }

    #[test]
    fn legacy_matches_modern(id in any_id()) {
        prop_assume!((1900..=1999).contains(&id.birth_date().year()));
        let s = id.as_str();
        let legacy = format!("{}{}", &s[..6], &s[8..17]);
        prop_assert_eq!(IdNumber::parse(&legacy).unwrap(), id);
    }

    #[test]
    fn age_increments_exactly_on_birthday(id in any_id(), years in 1i32..100) {
        let b = id.birth_date();
        let Some(bd) = NaiveDate::from_ymd_opt(b.year() + years, b.month(), b.day()) else {
            return Ok(()); // leap-day births are covered by the unit test
        };
        prop_assert_eq!(id.age_on(bd), years as u32);
        prop_assert_eq!(id.age_on(bd.pred_opt().unwrap()), years as u32 - 1);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,20}") {
        let _ = IdNumber::parse(&s);
    }
}
