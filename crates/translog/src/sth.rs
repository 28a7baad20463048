//! Signed tree heads (STH): the log's signed commitment to a tree size and
//! root, modelled on RFC 6962 §3.5, signed with Ed25519.
//!
//! # Signed bytes
//!
//! [`TreeHead::signing_bytes`] is RFC 6962's `TreeHeadSignature` structure in
//! TLS presentation encoding, 50 bytes, all integers big-endian:
//!
//! | offset | size | field            | value                         |
//! |--------|------|------------------|-------------------------------|
//! | 0      | 1    | `version`        | `0` (`v1`)                    |
//! | 1      | 1    | `signature_type` | `1` (`tree_hash`)             |
//! | 2      | 8    | `timestamp`      | milliseconds since Unix epoch |
//! | 10     | 8    | `tree_size`      | number of leaves              |
//! | 18     | 32   | `sha256_root_hash` | Merkle tree root            |
//!
//! The Ed25519 signature (RFC 8032, pure Ed25519) is over exactly these
//! bytes. Unlike RFC 6962, the published signature is the raw 64-byte
//! Ed25519 signature, not a TLS `DigitallySigned` wrapper, and JSON fields
//! use hex rather than base64.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::hash::{Hash, HexError, parse_hex, parse_hex_array, to_hex};

/// `Version.v1` in RFC 6962 §3.2.
const VERSION_V1: u8 = 0;
/// `SignatureType.tree_hash` in RFC 6962 §3.2.
const SIGNATURE_TYPE_TREE_HASH: u8 = 1;

/// Why a signed tree head was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SthError {
    /// `sha256_root_hash` is not 64 hex characters.
    #[error("invalid sha256_root_hash: {0} (根哈希格式无效)")]
    InvalidRootHash(HexError),
    /// `tree_head_signature` is not 128 hex characters.
    #[error("invalid tree_head_signature: {0} (树头签名格式无效)")]
    InvalidSignatureEncoding(HexError),
    /// The signature does not verify under the log's public key.
    #[error(
        "tree head signature does not verify with the log's public key (树头签名验证失败：签名与日志公钥不符)"
    )]
    BadSignature,
}

/// The unsigned content of a tree head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TreeHead {
    /// Number of leaves the root covers.
    pub tree_size: u64,
    /// When the head was produced, in milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Merkle tree root `MTH(D[tree_size])`.
    pub root: Hash,
}

impl TreeHead {
    /// Length of [`TreeHead::signing_bytes`].
    pub const SIGNING_LEN: usize = 50;

    /// The canonical bytes that are signed (see the module docs).
    pub fn signing_bytes(&self) -> [u8; Self::SIGNING_LEN] {
        let mut out = [0u8; Self::SIGNING_LEN];
        out[0] = VERSION_V1;
        out[1] = SIGNATURE_TYPE_TREE_HASH;
        out[2..10].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        out[10..18].copy_from_slice(&self.tree_size.to_be_bytes());
        out[18..50].copy_from_slice(&self.root);
        out
    }

    /// Sign with the log's Ed25519 key (deterministic, RFC 8032).
    pub fn sign(&self, key: &SigningKey) -> Signature {
        key.sign(&self.signing_bytes())
    }

    /// Check `signature` with the log's public key.
    ///
    /// Uses `verify_strict`, which also rejects weak public keys and
    /// non-canonical signatures, so a head has exactly one valid signature
    /// encoding per key.
    pub fn verify(&self, key: &VerifyingKey, signature: &Signature) -> Result<(), SthError> {
        key.verify_strict(&self.signing_bytes(), signature)
            .map_err(|_| SthError::BadSignature)
    }

    /// Sign and package as the published JSON form.
    pub fn to_signed(&self, key: &SigningKey) -> SignedTreeHead {
        SignedTreeHead {
            tree_size: self.tree_size,
            timestamp: self.timestamp_ms,
            sha256_root_hash: to_hex(&self.root),
            tree_head_signature: hex::encode(self.sign(key).to_bytes()),
        }
    }
}

/// A signed tree head as the log publishes it (JSON, after RFC 6962
/// §4.3 `get-sth`, with hex instead of base64):
///
/// ```json
/// {"tree_size": 8, "timestamp": 1700000000000,
///  "sha256_root_hash": "5dc9…4328", "tree_head_signature": "…128 hex…"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedTreeHead {
    /// Number of leaves.
    pub tree_size: u64,
    /// Milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// Root hash, 64 lower-case hex characters.
    pub sha256_root_hash: String,
    /// Ed25519 signature over [`TreeHead::signing_bytes`], 128 hex characters.
    pub tree_head_signature: String,
}

impl SignedTreeHead {
    /// The tree head, with the root parsed from hex (signature not checked).
    pub fn tree_head(&self) -> Result<TreeHead, SthError> {
        Ok(TreeHead {
            tree_size: self.tree_size,
            timestamp_ms: self.timestamp,
            root: parse_hex(&self.sha256_root_hash).map_err(SthError::InvalidRootHash)?,
        })
    }

    /// The signature, parsed from hex (not checked).
    pub fn signature(&self) -> Result<Signature, SthError> {
        let bytes = parse_hex_array::<64>(&self.tree_head_signature)
            .map_err(SthError::InvalidSignatureEncoding)?;
        Ok(Signature::from_bytes(&bytes))
    }

    /// Parse and verify against the log's public key; on success return the
    /// now-trusted tree head.
    pub fn verify(&self, key: &VerifyingKey) -> Result<TreeHead, SthError> {
        let head = self.tree_head()?;
        head.verify(key, &self.signature()?)?;
        Ok(head)
    }
}
