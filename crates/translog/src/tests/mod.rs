//! Unit tests, kept in one test binary to keep builds lean.

mod file_store;
mod log_tests;
mod oracle;
mod proof_parse;
mod props;
mod sth_tests;
mod vectors;

use crate::{Hash, leaf_hash, parse_hex};

/// Parse a hex hash, panicking on bad test data.
pub(crate) fn h(s: &str) -> Hash {
    parse_hex(s).unwrap()
}

/// `n` distinct leaf hashes (distinct so that swapped positions can never
/// verify by accident).
pub(crate) fn leaves(n: u64) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(&i.to_le_bytes())).collect()
}
