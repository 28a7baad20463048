//! RFC 6962 / RFC 9162 Merkle transparency log for Fengqiao's public record
//! of charity donations and disbursements (Certificate-Transparency style).
//!
//! - [`hash`]: `Hash = [u8; 32]`, [`leaf_hash`] = `SHA-256(0x00 || data)`,
//!   [`node_hash`] = `SHA-256(0x01 || left || right)`, [`empty_root`] =
//!   `SHA-256("")`, hex helpers.
//! - [`tree`]: pure functions over a slice of leaf hashes: [`root`] (MTH),
//!   [`inclusion_proof`] (PATH), [`consistency_proof`] (PROOF/SUBPROOF), and
//!   the RFC 9162 §2.1.3.2 / §2.1.4.2 verifiers [`verify_inclusion`] and
//!   [`verify_consistency`] with specific [`VerifyError`]s.
//! - [`store`]: the [`LogStore`] trait (append-only leaves plus a cache of
//!   complete perfect subtrees), [`MemoryStore`] and the crash-safe
//!   [`FileStore`].
//! - [`log`]: [`Log`], which keeps the node cache up to date on append and
//!   serves roots and proofs for any past tree size in O(log n) node reads.
//! - [`sth`]: Ed25519-signed tree heads ([`TreeHead`], [`SignedTreeHead`]).
//!
//! ```
//! use translog::{Log, MemoryStore, SigningKey, leaf_hash, verify_consistency, verify_inclusion};
//!
//! let mut log = Log::new(MemoryStore::new());
//! let first = log.append(&[leaf_hash(b"donation #1"), leaf_hash(b"donation #2")]).unwrap();
//! let old_root = log.root(2).unwrap();
//! log.append(&[leaf_hash(b"disbursement #1")]).unwrap();
//!
//! // Publish a signed tree head.
//! let key = SigningKey::from_bytes(&[7u8; 32]);
//! let head = translog::TreeHead { tree_size: 3, timestamp_ms: 1_700_000_000_000, root: log.root(3).unwrap() };
//! let sth = head.to_signed(&key);
//! let trusted = sth.verify(&key.verifying_key()).unwrap();
//!
//! // A client checks a donation is included and that the log only grew.
//! let proof = log.inclusion_proof(first, 3).unwrap();
//! verify_inclusion(&leaf_hash(b"donation #1"), first, 3, &proof, &trusted.root).unwrap();
//! let proof = log.consistency_proof(2, 3).unwrap();
//! verify_consistency(2, 3, &old_root, &trusted.root, &proof).unwrap();
//! ```

pub mod hash;
pub mod log;
pub mod sth;
pub mod store;
pub mod tree;

pub use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
pub use hash::{
    Hash, HexError, ProofParseError, empty_root, leaf_hash, node_hash, parse_hex, parse_proof,
    parse_proof_list, to_hex,
};
pub use log::{Log, LogError};
pub use sth::{SignedTreeHead, SthError, TreeHead};
pub use store::{FileStore, LogStore, MemoryStore, Node, StoreError};
pub use tree::{
    ProofError, VerifyError, consistency_proof, inclusion_proof, root, verify_consistency,
    verify_inclusion,
};

#[cfg(test)]
mod tests;
