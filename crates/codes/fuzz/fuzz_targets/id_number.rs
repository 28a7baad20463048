//! Fuzz 居民身份证号码 parsing: never panics; accepted numbers satisfy the invariants.
#![no_main]

use codes::{CodeProblem, IdNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match IdNumber::parse(input) {
        Ok(id) => {
            let s = id.to_string();
            assert_eq!(s.len(), 18);
            assert_eq!(IdNumber::parse(&s).as_ref(), Ok(&id));
            // Masked form: 6 + 8 stars + 4, and it never reveals the birth date.
            let m = id.masked();
            assert_eq!(m.chars().count(), 18);
            assert_eq!(&m[..6], &s[..6]);
            assert_eq!(&m[6..14], "********");
            assert_eq!(&m[14..], &s[14..]);
            assert!(!format!("{id:?}").contains(&s[6..14]));
            assert_eq!(id.region_code(), &s[..6]);
            assert_eq!(id.age_on(id.birth_date()), 0);
            // Rebuilding from the parts gives the same check character.
            let seq: u16 = s[14..17].parse().unwrap();
            let again = IdNumber::from_parts(id.region_code(), id.birth_date(), seq);
            assert_eq!(again.as_ref(), Ok(&id));
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
            if let Some(p) = e.position() {
                assert!((1..=18).contains(&p));
            }
        }
    }
});
