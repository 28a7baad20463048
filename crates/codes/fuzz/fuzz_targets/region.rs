//! Fuzz division-code parsing: never panics; accepted codes have a consistent hierarchy.
#![no_main]

use codes::{CodeProblem, RegionCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match RegionCode::parse(input) {
        Ok(code) => {
            assert_eq!(RegionCode::parse(&code.to_string()).as_ref(), Ok(&code));
            assert!(code.contains(&code));
            let ancestors = code.ancestors();
            // At most four levels above a village, and each one strictly higher.
            assert!(ancestors.len() <= 4);
            let mut child = code.clone();
            for parent in &ancestors {
                assert!(parent.level() < child.level());
                assert!(parent.contains(&child) && parent.contains(&code));
                assert!(!child.contains(parent));
                assert_eq!(RegionCode::parse(parent.as_str()).as_ref(), Ok(parent));
                child = parent.clone();
            }
            assert_eq!(ancestors.last().unwrap_or(&code), &code.province());
            assert!(code.as_str().starts_with(code.significant_prefix()));
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
        }
    }
});
