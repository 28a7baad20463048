//! Pure rules of donations (捐赠) and disbursements (拨付/支出): amounts in fen, the canonical
//! record a transparency-log leaf commits to, and the receipt a donor keeps and anyone can check
//! offline against a signed tree head.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use translog::{Hash, SignedTreeHead, VerifyingKey};
use uuid::Uuid;

use crate::platform::AppError;

/// Bytes of the random salt a leaf commits to; the donor keeps it on the receipt. Without it the
/// public log cannot be linked to a record (32 bytes = the hash's own strength).
pub const SALT_LEN: usize = 32;

/// The largest single donation accepted online (¥10,000,000.00). Larger gifts go through a written
/// donation agreement (DOMAIN §6.3), not a web form; the bound also keeps sums far inside i64.
pub const MAX_AMOUNT_FEN: i64 = 1_000_000_000;

/// Version tag that starts every canonical record, so that a later encoding cannot collide.
const CANONICAL_VERSION: &str = "fengqiao-translog-v1";

/// What a leaf records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeafKind {
    /// 捐赠
    Donation,
    /// 拨付/支出
    Disbursement,
}

impl LeafKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LeafKind::Donation => "donation",
            LeafKind::Disbursement => "disbursement",
        }
    }
}

/// The facts a leaf commits to. The public log shows kind, amount, project and time; the record
/// adds the record's id and reference, which only the holder of the receipt (and the salt) sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CanonicalRecord {
    pub kind: LeafKind,
    /// The donation's or disbursement's id.
    pub id: Uuid,
    /// The receipt number (donations) or the disbursement's purpose reference.
    pub reference: String,
    /// The fundraising plan's filing number (备案编号).
    pub project: String,
    pub amount_fen: i64,
    /// When the money was confirmed (donation) or recorded (disbursement), RFC 3339 with
    /// milliseconds in UTC.
    pub at: String,
}

impl CanonicalRecord {
    pub fn new(
        kind: LeafKind,
        id: Uuid,
        reference: &str,
        project: &str,
        amount_fen: i64,
        at: DateTime<Utc>,
    ) -> CanonicalRecord {
        CanonicalRecord {
            kind,
            id,
            reference: reference.to_string(),
            project: project.to_string(),
            amount_fen,
            at: at.to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    }

    /// The canonical bytes: one `key=value` line per field in a fixed order. No field may hold a
    /// newline, so the encoding is unambiguous (checked when a record is made from input).
    pub fn encode(&self) -> Vec<u8> {
        format!(
            "{CANONICAL_VERSION}\nkind={}\nid={}\nreference={}\nproject={}\namount_fen={}\nat={}\n",
            self.kind.as_str(),
            self.id,
            self.reference,
            self.project,
            self.amount_fen,
            self.at
        )
        .into_bytes()
    }

    /// The leaf hash: SHA-256(0x00 ‖ canonical record ‖ salt) (RFC 6962 §2.1 leaf hashing).
    pub fn leaf_hash(&self, salt: &[u8; SALT_LEN]) -> Hash {
        let mut data = self.encode();
        data.extend_from_slice(salt);
        translog::leaf_hash(&data)
    }
}

/// A fresh random salt.
pub fn new_salt() -> [u8; SALT_LEN] {
    use rand::RngCore;
    let mut s = [0u8; SALT_LEN];
    rand::rng().fill_bytes(&mut s);
    s
}

/// Parses an amount in yuan ("50", "50.5", "50.05") into fen, exactly (no floating point).
/// `field` names the input in the error.
pub fn parse_yuan(field: &str, input: &str) -> Result<i64, AppError> {
    let bad = || {
        AppError::invalid(
            field,
            "donations.amount",
            format!(
                "金额应为大于 0 的人民币元数，最多两位小数，不超过 {} 元",
                MAX_AMOUNT_FEN / 100
            ),
            format!(
                "The amount must be yuan greater than 0 with at most two decimals, at most {}",
                MAX_AMOUNT_FEN / 100
            ),
        )
    };
    // Stricter than forms elsewhere: a donor types a plain amount — no separators, no bare point.
    let s = input.trim();
    if s.contains([',', '，']) || s.ends_with('.') {
        return Err(bad());
    }
    let fen = crate::platform::money::parse_yuan(s, 8).ok_or_else(bad)?;
    check_fen(field, fen).map_err(|_| bad())
}

/// An amount in fen within (0, [`MAX_AMOUNT_FEN`]].
pub fn check_fen(field: &str, fen: i64) -> Result<i64, AppError> {
    if fen <= 0 || fen > MAX_AMOUNT_FEN {
        return Err(AppError::invalid(
            field,
            "donations.amount",
            format!("金额应大于 0 分且不超过 {MAX_AMOUNT_FEN} 分"),
            format!("The amount must be more than 0 and at most {MAX_AMOUNT_FEN} fen"),
        ));
    }
    Ok(fen)
}

/// Formats fen as yuan with two decimals ("1234.50").
pub use crate::platform::money::yuan;

/// The receipt number (捐赠收据编号): the confirmation date and the leaf's index, so it is
/// unique exactly when the leaf is.
pub fn receipt_no(confirmed: DateTime<Utc>, leaf_index: u64) -> String {
    format!("FQ{}{:010}", confirmed.format("%Y%m%d"), leaf_index)
}

/// A downloadable receipt: the record, the salt, and the proof that the leaf is in the tree of a
/// signed tree head. Everything needed to check it offline, except which key to trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Receipt {
    /// Always `fengqiao-receipt-v1`.
    pub format: String,
    pub receipt_no: String,
    pub record: CanonicalRecord,
    /// Hex of the 32-byte salt.
    pub salt: String,
    pub leaf_index: u64,
    pub leaf_hash: String,
    #[schema(value_type = Object)]
    pub sth: SignedTreeHead,
    /// The audit path from the leaf to the head's root (RFC 9162 §2.1.3), hex.
    pub audit_path: Vec<String>,
    /// Hex of the log's Ed25519 public key, as published at /api/v1/translog/key.
    pub log_public_key: String,
}

pub const RECEIPT_FORMAT: &str = "fengqiao-receipt-v1";

/// Why a receipt does not check out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReceiptError {
    #[error("not a receipt of format {RECEIPT_FORMAT}: {0}")]
    Format(String),
    #[error("the salt, leaf hash, key or proof is not valid hex: {0}")]
    Hex(String),
    #[error("the record and salt hash to {computed}, not to the leaf hash {stated} on the receipt")]
    LeafMismatch { computed: String, stated: String },
    #[error("the receipt's key {stated} is not the trusted key {trusted}")]
    UntrustedKey { stated: String, trusted: String },
    #[error("the tree head's signature does not verify: {0}")]
    Signature(String),
    #[error("the leaf is not in the signed tree: {0}")]
    Inclusion(String),
}

/// What a successful check establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub leaf_index: u64,
    pub tree_size: u64,
    pub root: String,
    pub key: String,
}

fn unhex_hash(what: &str, s: &str) -> Result<Hash, ReceiptError> {
    translog::parse_hex(s).map_err(|e| ReceiptError::Hex(format!("{what}: {e}")))
}

/// Checks a receipt: the record and salt give the leaf hash; the audit path takes it to the root
/// of the signed tree head; the head's signature verifies with the receipt's key, which must be
/// `trusted_key` when one is given (otherwise the caller must compare the key it reports).
pub fn verify_receipt(r: &Receipt, trusted_key: Option<&str>) -> Result<Verified, ReceiptError> {
    if r.format != RECEIPT_FORMAT {
        return Err(ReceiptError::Format(r.format.clone()));
    }
    let salt: [u8; SALT_LEN] = hex::decode(&r.salt)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| ReceiptError::Hex(format!("salt must be {} hex digits", SALT_LEN * 2)))?;
    let stated = unhex_hash("leaf_hash", &r.leaf_hash)?;
    let computed = r.record.leaf_hash(&salt);
    if computed != stated {
        return Err(ReceiptError::LeafMismatch {
            computed: translog::to_hex(&computed),
            stated: r.leaf_hash.clone(),
        });
    }
    let key_hex = r.log_public_key.to_ascii_lowercase();
    if let Some(t) = trusted_key
        && t.trim().to_ascii_lowercase() != key_hex
    {
        return Err(ReceiptError::UntrustedKey {
            stated: key_hex,
            trusted: t.trim().to_string(),
        });
    }
    let key_bytes: [u8; 32] = hex::decode(&key_hex)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| ReceiptError::Hex("log_public_key must be 64 hex digits".into()))?;
    let key =
        VerifyingKey::from_bytes(&key_bytes).map_err(|e| ReceiptError::Signature(e.to_string()))?;
    let head = r
        .sth
        .verify(&key)
        .map_err(|e| ReceiptError::Signature(e.to_string()))?;
    let path = translog::parse_proof(r.audit_path.iter().map(String::as_str))
        .map_err(|e| ReceiptError::Hex(format!("audit_path: {e}")))?;
    translog::verify_inclusion(&stated, r.leaf_index, head.tree_size, &path, &head.root)
        .map_err(|e| ReceiptError::Inclusion(e.to_string()))?;
    Ok(Verified {
        leaf_index: r.leaf_index,
        tree_size: head.tree_size,
        root: translog::to_hex(&head.root),
        key: key_hex,
    })
}

/// Masks a donor's name for display: the family name stays, the rest becomes `*`
/// (张三丰 → 张**).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
