//! RFC 6962 §2.1 hashing: SHA-256 with one-byte domain separation.
//!
//! A leaf is hashed as `SHA-256(0x00 || data)` and an interior node as
//! `SHA-256(0x01 || left || right)`. The distinct prefixes are what make the
//! tree second-preimage resistant: without them an interior node could be
//! passed off as a leaf whose data is the concatenation of its children.

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Domain-separation prefix for leaves (RFC 6962 §2.1).
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix for interior nodes (RFC 6962 §2.1).
pub const NODE_PREFIX: u8 = 0x01;

/// Hash of a leaf entry: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// Hash of an interior node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Root of the empty tree: `SHA-256("")` (RFC 6962 §2.1, `MTH({})`).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Lower-case hex encoding of a hash (64 characters).
pub fn to_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

/// Why a string is not a valid hex-encoded hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The string does not have exactly `expected` hex digits.
    #[error(
        "expected {expected} hex characters, got {got} (十六进制长度错误：应为 {expected} 个字符)"
    )]
    WrongLength {
        /// Number of hex characters required.
        expected: usize,
        /// Number of characters supplied.
        got: usize,
    },
    /// A character that is not `0-9`, `a-f` or `A-F`.
    #[error("invalid hex character {ch:?} at position {index} (位置 {index} 处有非法十六进制字符)")]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its zero-based character position.
        index: usize,
    },
}

/// Parse exactly `N` bytes of hex (either case, no prefix, no whitespace).
pub(crate) fn parse_hex_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    // Check characters first so that a stray non-ASCII character is reported
    // as such rather than as a confusing byte-length error.
    if let Some((index, ch)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(HexError::InvalidCharacter { ch, index });
    }
    if s.len() != 2 * N {
        return Err(HexError::WrongLength {
            expected: 2 * N,
            got: s.len(),
        });
    }
    let mut out = [0u8; N];
    // Cannot fail: length and alphabet were checked above.
    hex::decode_to_slice(s, &mut out).map_err(|_| HexError::WrongLength {
        expected: 2 * N,
        got: s.len(),
    })?;
    Ok(out)
}

/// Parse a 64-character hex string (either case) into a [`Hash`].
///
/// ```
/// let h = translog::parse_hex(
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
/// ).unwrap();
/// assert_eq!(h, translog::empty_root());
/// assert!(translog::parse_hex("e3b0").is_err());
/// ```
pub fn parse_hex(s: &str) -> Result<Hash, HexError> {
    parse_hex_array::<32>(s)
}

/// Why a proof (a list of hashes) is refused. A proof is a list of exactly-32-byte hashes:
/// nothing is skipped or repaired, because a verifier that drops an empty element would accept
/// a proof with an extra one. `position` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofParseError {
    /// The element is empty (e.g. `a,,b` or a trailing comma).
    #[error(
        "proof element {position} (counting from 1) is empty; every element must be a 32-byte hash (证明第 {position} 项为空，每一项都应为 32 字节的哈希)"
    )]
    Empty {
        /// The element's 1-based position.
        position: usize,
    },
    /// The element is not 64 hex digits (32 bytes).
    #[error(
        "proof element {position} (counting from 1) is not a 32-byte hash: {source} (证明第 {position} 项不是 32 字节的哈希)"
    )]
    Hash {
        /// The element's 1-based position.
        position: usize,
        /// What is wrong with it.
        source: HexError,
    },
}

impl ProofParseError {
    /// The 1-based position of the element at fault.
    pub fn position(&self) -> usize {
        match self {
            ProofParseError::Empty { position } | ProofParseError::Hash { position, .. } => {
                *position
            }
        }
    }
}

/// Parses a proof given as a list of hex hashes (an audit path or a consistency proof, as JSON
/// arrays carry them). Every element must be exactly 64 hex digits; the first one that is not
/// is named by its position.
///
/// ```
/// let h = translog::to_hex(&translog::empty_root());
/// assert_eq!(translog::parse_proof([h.as_str(), h.as_str()]).unwrap().len(), 2);
/// let e = translog::parse_proof([h.as_str(), ""]).unwrap_err();
/// assert_eq!(e.position(), 2);
/// ```
pub fn parse_proof<'a>(
    elements: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Hash>, ProofParseError> {
    elements
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let position = i + 1;
            if s.is_empty() {
                return Err(ProofParseError::Empty { position });
            }
            parse_hex(s).map_err(|source| ProofParseError::Hash { position, source })
        })
        .collect()
}

/// Parses a proof written as hex hashes separated by commas (the command line's `--proof`).
/// An empty (or all-blank) string is the empty proof; otherwise every element, with the
/// blanks around it removed, must be a hash — `a,,b` and `a,b,` are refused, not shortened.
///
/// ```
/// let h = translog::to_hex(&translog::empty_root());
/// assert!(translog::parse_proof_list("").unwrap().is_empty());
/// assert_eq!(translog::parse_proof_list(&format!("{h}, {h}")).unwrap().len(), 2);
/// assert_eq!(translog::parse_proof_list(&format!("{h},,{h}")).unwrap_err().position(), 2);
/// ```
pub fn parse_proof_list(s: &str) -> Result<Vec<Hash>, ProofParseError> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    parse_proof(s.split(',').map(str::trim))
}
