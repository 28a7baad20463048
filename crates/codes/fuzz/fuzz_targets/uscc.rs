//! Fuzz 统一社会信用代码 parsing: never panics; accepted codes satisfy the invariants.
#![no_main]

use codes::{CodeProblem, Uscc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match Uscc::parse(input) {
        Ok(u) => {
            let s = u.to_string();
            assert_eq!(s.len(), 18);
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            );
            // Display re-parses to the same value (normalization is idempotent).
            assert_eq!(Uscc::parse(&s).as_ref(), Ok(&u));
            assert_eq!(u.region_code().len(), 6);
            assert_eq!(u.org_code().len(), 9);
            assert_eq!(u.org_type().authority(), u.authority());
            assert_eq!(u.authority().as_char(), s.chars().next().unwrap());
            // Regenerating from the parts gives the same check characters.
            let body = &s[8..16];
            let again = Uscc::generate(
                u.authority().as_char(),
                u.org_type().as_char(),
                u.region_code(),
                body,
            );
            assert_eq!(again.as_ref(), Ok(&u));
            if let Some(serial) = u.civil_affairs_serial() {
                let from_serial = Uscc::for_serial(u.org_type().as_char(), u.region_code(), serial);
                assert_eq!(from_serial.as_ref(), Ok(&u));
            }
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
