use super::*;
use proptest::prelude::*;

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn levels() {
    assert_eq!(rc("330000").level(), RegionLevel::Province);
    assert_eq!(rc("330100").level(), RegionLevel::City);
    assert_eq!(rc("330106").level(), RegionLevel::County);
    assert_eq!(rc("330383").level(), RegionLevel::County);
    assert_eq!(rc("330106001").level(), RegionLevel::Township);
    assert_eq!(rc("330106001001").level(), RegionLevel::Village);
    // Trailing-zero boundaries: 330010 is a county (XX = 10), 331000 a city (台州).
    assert_eq!(rc("330010").level(), RegionLevel::County);
    assert_eq!(rc("331000").level(), RegionLevel::City);
    assert_eq!(RegionLevel::County.name_zh(), "县（区）");
    assert_eq!(RegionLevel::Township.name_zh(), "乡镇（街道）");
    assert_eq!(RegionLevel::Village.name_zh(), "村（社区）");
    assert_eq!(RegionLevel::Province.name_zh(), "省");
    assert_eq!(RegionLevel::City.name_zh(), "市");
}

#[test]
fn parents() {
    assert_eq!(rc("330106001001").parent(), Some(rc("330106001")));
    assert_eq!(rc("330106001").parent(), Some(rc("330106")));
    assert_eq!(rc("330106").parent(), Some(rc("330100")));
    assert_eq!(rc("330100").parent(), Some(rc("330000")));
    assert_eq!(rc("330000").parent(), None);
    // A town directly under a city without counties (东莞).
    assert_eq!(rc("441900003").parent(), Some(rc("441900")));
    // Structural fallback for province-administered units: 429004 → 429000.
    assert_eq!(rc("429004").parent(), Some(rc("429000")));
    assert_eq!(
        rc("330106001001").ancestors(),
        vec![rc("330106001"), rc("330106"), rc("330100"), rc("330000")]
    );
}

#[test]
fn contains_examples() {
    assert!(rc("330000").contains(&rc("330106001001")));
    assert!(rc("330100").contains(&rc("330106")));
    assert!(rc("330106").contains(&rc("330106001")));
    assert!(rc("330106").contains(&rc("330106")));
    assert!(!rc("330106").contains(&rc("330100")));
    assert!(!rc("330106").contains(&rc("330108001")));
    assert!(!rc("330100").contains(&rc("330200")));
    assert!(!rc("330100").contains(&rc("330000")));
    assert!(!rc("330000").contains(&rc("320106")));
    // Prefix boundary: county 330110 is inside city 330100, city 331000 is not.
    assert!(rc("330100").contains(&rc("330110")));
    assert!(!rc("330100").contains(&rc("331000")));
    assert!(!rc("330106001").contains(&rc("330106002001")));
}

#[test]
fn accessors() {
    let v = rc("330106001001");
    assert_eq!(v.province_prefix(), "33");
    assert_eq!(v.province(), rc("330000"));
    assert_eq!(v.city(), Some(rc("330100")));
    assert_eq!(v.county(), Some(rc("330106")));
    assert_eq!(rc("330000").city(), None);
    assert_eq!(rc("330100").county(), None);
    assert_eq!(rc("330000").significant_prefix(), "33");
    assert_eq!(rc("330100").significant_prefix(), "3301");
    assert_eq!(rc("330106").significant_prefix(), "330106");
    assert_eq!(v.significant_prefix(), "330106001001");
}

#[test]
fn errors_name_the_problem() {
    for (s, len) in [
        ("", 0),
        ("33", 2),
        ("3301060", 7),
        ("3301060010", 10),
        ("3301060010011", 13),
    ] {
        let e = RegionCode::parse(s).unwrap_err();
        assert_eq!(e, RegionError::WrongLength { len }, "{s}");
        assert_eq!(e.code(), "region.wrong_length");
    }
    let e = RegionCode::parse("33010a").unwrap_err();
    assert_eq!(
        e,
        RegionError::NotDigit {
            position: 6,
            found: 'a'
        }
    );
    assert_eq!(e.position(), Some(6));
    assert!(e.message_zh().contains("第6位"));
    assert_eq!(
        RegionCode::parse("３３０１０６").unwrap_err(),
        RegionError::NotDigit {
            position: 1,
            found: '３'
        }
    );
    assert_eq!(
        RegionCode::parse("001000").unwrap_err(),
        RegionError::ZeroSegment {
            position: 1,
            level: RegionLevel::Province
        }
    );
    assert_eq!(
        RegionCode::parse("330106000").unwrap_err(),
        RegionError::ZeroSegment {
            position: 7,
            level: RegionLevel::Township
        }
    );
    assert_eq!(
        RegionCode::parse("330106001000").unwrap_err(),
        RegionError::ZeroSegment {
            position: 10,
            level: RegionLevel::Village
        }
    );
    assert_eq!(rc(" 330106 ").as_str(), "330106");
}

#[test]
fn dataset_levels_and_parents_agree() {
    // In the Zhejiang file every parent_code equals the structural parent, incl. 龙港 330383.
    let data = include_str!("../../../../datasets/divisions/zhejiang_divisions.csv");
    let mut rdr = csv::Reader::from_reader(data.as_bytes());
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let code = rc(&rec[0]);
        assert_eq!(
            Some(code.level()),
            RegionLevel::from_dataset_name(&rec[2]),
            "{}",
            &rec[0]
        );
        let parent = (!rec[3].is_empty()).then(|| rc(&rec[3]));
        assert_eq!(code.parent(), parent, "{}", &rec[0]);
        if let Some(p) = &parent {
            assert!(p.contains(&code));
        }
        n += 1;
    }
    assert_eq!(n, 27_036);
}

#[test]
fn serde_and_display() {
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as DeError;
    let r: Result<RegionCode, DeError> = RegionCode::deserialize("330106".into_deserializer());
    assert_eq!(r.unwrap().to_string(), "330106");
    let r: Result<RegionCode, DeError> = RegionCode::deserialize("33010".into_deserializer());
    assert!(r.is_err());
    assert_eq!("330106001".parse::<RegionCode>().unwrap(), rc("330106001"));
}

fn any_code() -> impl Strategy<Value = RegionCode> {
    // Small digit alphabet so zeros (level boundaries) and shared prefixes are common.
    prop_oneof![
        "[1-3][0-2][0-2][0-2][0-2][0-2]",
        "[1-3][0-2][0-2][0-2][0-2][0-2]00[1-2]",
        "[1-3][0-2][0-2][0-2][0-2][0-2]00[1-2]00[1-2]",
    ]
    .prop_map(|s| rc(&s))
}

proptest! {
    #[test]
    fn contains_matches_ancestor_chain(a in any_code(), b in any_code()) {
        let chain = a == b || b.ancestors().contains(&a);
        prop_assert_eq!(a.contains(&b), chain, "{} contains {}?", a, b);
    }

    #[test]
    fn parent_contains_child_and_is_higher(a in any_code()) {
        if let Some(p) = a.parent() {
            prop_assert!(p.contains(&a));
            prop_assert!(!a.contains(&p));
            prop_assert!(p.level() < a.level());
            prop_assert_eq!(RegionCode::parse(p.as_str()).unwrap(), p);
        } else {
            prop_assert_eq!(a.level(), RegionLevel::Province);
        }
        prop_assert_eq!(a.ancestors().last().cloned().unwrap_or_else(|| a.clone()), a.province());
    }

    #[test]
    fn display_reparses(a in any_code()) {
        let shown = format!("{a}");
        prop_assert_eq!(RegionCode::parse(&shown).unwrap(), a);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,14}") {
        let _ = RegionCode::parse(&s);
    }
}
