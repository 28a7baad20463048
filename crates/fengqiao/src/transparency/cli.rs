//! `fengqiao verify …`: the offline verifier anyone can run without a server. Exit 0 with
//! `OK …` when the proof holds, exit 1 with the reason when it does not.

use translog::{Hash, verify_consistency, verify_inclusion};

/// What to verify.
#[derive(Debug, clap::Subcommand)]
pub enum Verify {
    /// That a leaf is in a tree of a given size and root (RFC 9162 §2.1.3.2).
    Inclusion {
        /// The leaf hash, 64 hex digits.
        #[arg(long)]
        leaf_hash: String,
        /// The leaf's 0-based index.
        #[arg(long)]
        index: u64,
        #[arg(long)]
        tree_size: u64,
        /// The tree's root (a signed tree head's sha256_root_hash).
        #[arg(long)]
        root: String,
        /// The audit path, hex hashes separated by commas (empty for a one-leaf tree). Every
        /// element must be a 32-byte hash (64 hex digits); an empty element is refused.
        #[arg(long, default_value = "")]
        proof: String,
    },
    /// That a newer tree extends an older one (RFC 9162 §2.1.4.2).
    Consistency {
        #[arg(long)]
        first: u64,
        #[arg(long)]
        second: u64,
        #[arg(long)]
        first_root: String,
        #[arg(long)]
        second_root: String,
        /// The consistency proof, hex hashes separated by commas; every element a 32-byte hash.
        #[arg(long, default_value = "")]
        proof: String,
    },
    /// That a downloaded donation receipt is in the log: its record and salt give the leaf, the
    /// audit path leads to the signed tree head's root, and the head's signature verifies.
    Receipt {
        /// The receipt file (JSON, as downloaded from the receipt page).
        file: std::path::PathBuf,
        /// The log's public key to trust (hex, from /api/v1/translog/key). Without it the key
        /// in the receipt is used and printed, for you to compare with the published one.
        #[arg(long)]
        key: Option<String>,
    },
    /// That the audit log is as it was anchored: every batch recomputed from its rows, the chain
    /// followed, each batch's leaf found in the transparency log (reads the database).
    Audit,
}

fn hash(what: &str, s: &str) -> Result<Hash, String> {
    translog::parse_hex(s.trim()).map_err(|e| format!("{what}: {e}"))
}

/// The `--proof` list: every element a 32-byte hash, the first bad one named by its position
/// (an empty element is refused, not skipped — see [`translog::parse_proof_list`]).
fn proof(s: &str) -> Result<Vec<Hash>, String> {
    translog::parse_proof_list(s).map_err(|e| format!("--proof: {e}"))
}

/// Checks the proof; `Ok` is the line to print on success, `Err` the reason it failed.
pub fn run(what: &Verify) -> Result<String, String> {
    match what {
        Verify::Audit => Err(
            "verify audit reads the database: run it with the server's --data-dir or DATABASE_URL"
                .into(),
        ),
        Verify::Inclusion {
            leaf_hash,
            index,
            tree_size,
            root,
            proof: p,
        } => {
            let leaf = hash("--leaf-hash", leaf_hash)?;
            let root = hash("--root", root)?;
            let p = proof(p)?;
            verify_inclusion(&leaf, *index, *tree_size, &p, &root).map_err(|e| {
                format!("FAILED: leaf {leaf_hash} is not proven at index {index} of tree size {tree_size}: {e}")
            })?;
            Ok(format!(
                "OK: leaf {} is at index {index} of the tree of size {tree_size} with root {}",
                translog::to_hex(&leaf),
                translog::to_hex(&root)
            ))
        }
        Verify::Consistency {
            first,
            second,
            first_root,
            second_root,
            proof: p,
        } => {
            let a = hash("--first-root", first_root)?;
            let b = hash("--second-root", second_root)?;
            let p = proof(p)?;
            verify_consistency(*first, *second, &a, &b, &p).map_err(|e| {
                format!("FAILED: the tree of size {second} is not proven to extend the tree of size {first}: {e}")
            })?;
            Ok(format!(
                "OK: the tree of size {second} (root {}) extends the tree of size {first} (root {})",
                translog::to_hex(&b),
                translog::to_hex(&a)
            ))
        }
        Verify::Receipt { file, key } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("FAILED: reading {}: {e}", file.display()))?;
            let receipt: crate::donations::model::Receipt = serde_json::from_str(&text)
                .map_err(|e| format!("FAILED: {} is not a receipt: {e}", file.display()))?;
            let v = crate::donations::model::verify_receipt(&receipt, key.as_deref())
                .map_err(|e| format!("FAILED: receipt {}: {e}", receipt.receipt_no))?;
            let trust = if key.is_some() {
                "the trusted key"
            } else {
                "the key in the receipt — compare it with the published one"
            };
            Ok(format!(
                "OK: receipt {} ({} fen to {}) is leaf {} of the tree of size {} with root {}, signed by {trust}: {}",
                receipt.receipt_no,
                receipt.record.amount_fen,
                receipt.record.project,
                v.leaf_index,
                v.tree_size,
                v.root,
                v.key
            ))
        }
    }
}
