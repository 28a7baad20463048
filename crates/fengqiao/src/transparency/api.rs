//! JSON handlers after RFC 6962 §4 (get-sth, get-proof-by-hash, get-sth-consistency,
//! get-entries), with hex instead of base64. All public.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use translog::{Hash, LogError, ProofError};

use super::model::{MAX_ENTRIES_PER_PAGE, signing_key};
use super::store;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Query};
use crate::platform::{AppError, AppResult, AppState};

/// A signed tree head (RFC 6962 §4.3, hex).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sth {
    pub tree_size: u64,
    /// Milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// Merkle tree root, 64 hex digits.
    pub sha256_root_hash: String,
    /// Ed25519 signature over the RFC 6962 TreeHeadSignature bytes, 128 hex digits.
    pub tree_head_signature: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicKey {
    /// The log's Ed25519 public key, 64 hex digits.
    pub public_key: String,
    pub algorithm: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InclusionQuery {
    /// The leaf hash, 64 hex digits.
    pub leaf_hash: String,
    /// Size of the tree the proof is for (a published tree head's).
    pub tree_size: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InclusionProof {
    pub leaf_index: u64,
    /// Sibling hashes from the leaf up, hex.
    pub audit_path: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ConsistencyQuery {
    /// The older tree size.
    pub first: String,
    /// The newer tree size.
    pub second: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub consistency: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EntriesQuery {
    /// First index, 0-based.
    pub start: String,
    /// Last index, inclusive; at most 1000 entries are returned.
    pub end: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub index: u64,
    pub leaf_hash: String,
    pub kind: String,
    pub amount_fen: i64,
    pub project: String,
    pub time: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entries {
    pub entries: Vec<Entry>,
}

fn parse_size(field: &str, s: &str) -> AppResult<u64> {
    s.trim().parse::<u64>().map_err(|_| {
        AppError::invalid(
            field,
            "translog.number",
            "应为非负整数",
            "Must be a non-negative integer",
        )
    })
}

fn parse_leaf_hash(s: &str) -> AppResult<Hash> {
    translog::parse_hex(s.trim()).map_err(|e| {
        AppError::invalid(
            "leaf_hash",
            "translog.hex",
            format!("叶哈希应为 64 位十六进制数字（{e}）"),
            format!("The leaf hash must be 64 hex digits ({e})"),
        )
    })
}

fn too_large(field: &str, size: u64) -> AppError {
    AppError::invalid(
        field,
        "translog.tree_size",
        format!("超出日志当前大小 {size}"),
        format!("Beyond the log's current size of {size}"),
    )
}

fn proof_of(r: Result<Vec<Hash>, LogError>, field: &str, size: u64) -> AppResult<Vec<String>> {
    match r {
        Ok(p) => Ok(p.iter().map(translog::to_hex).collect()),
        Err(LogError::Proof(ProofError::TreeSizeTooLarge { .. })) => Err(too_large(field, size)),
        Err(e) => Err(AppError::invalid(
            field,
            "translog.range",
            format!("请求超出范围：{e}"),
            format!("Out of range: {e}"),
        )),
    }
}

/// The latest signed tree head; a new head is signed when the log has grown since the last.
#[utoipa::path(get, path = "/api/v1/translog/sth", tag = "transparency",
    responses((status = 200, body = Sth)))]
pub async fn sth(State(state): State<AppState>) -> AppResult<Json<Sth>> {
    let key = signing_key(&state.config.data_dir)?;
    let h = store::current_head(&state.db, state.clock.now(), &key).await?;
    Ok(Json(Sth {
        tree_size: h.tree_size,
        timestamp: h.timestamp,
        sha256_root_hash: h.sha256_root_hash,
        tree_head_signature: h.tree_head_signature,
    }))
}

/// The public key that verifies the log's tree heads.
#[utoipa::path(get, path = "/api/v1/translog/key", tag = "transparency",
    responses((status = 200, body = PublicKey)))]
pub async fn public_key(State(state): State<AppState>) -> AppResult<Json<PublicKey>> {
    let key = signing_key(&state.config.data_dir)?;
    Ok(Json(PublicKey {
        public_key: hex::encode(key.verifying_key().to_bytes()),
        algorithm: "Ed25519".into(),
    }))
}

/// The audit path of a leaf in the tree of `tree_size` leaves.
#[utoipa::path(get, path = "/api/v1/translog/proof/inclusion", tag = "transparency",
    params(InclusionQuery),
    responses((status = 200, body = InclusionProof), (status = 422, body = Problem)))]
pub async fn inclusion(
    State(state): State<AppState>,
    Query(q): Query<InclusionQuery>,
) -> AppResult<Json<InclusionProof>> {
    let leaf = parse_leaf_hash(&q.leaf_hash)?;
    let tree_size = parse_size("tree_size", &q.tree_size)?;
    let size = store::size(&state.db).await?;
    if tree_size > size {
        return Err(too_large("tree_size", size));
    }
    let Some(index) = store::index_of(&state.db, &leaf).await? else {
        return Err(AppError::invalid(
            "leaf_hash",
            "translog.unknown_leaf",
            "日志中没有此叶哈希",
            "No leaf with this hash is in the log",
        ));
    };
    if index >= tree_size {
        return Err(AppError::invalid(
            "tree_size",
            "translog.not_yet_included",
            format!("该叶位于第 {index} 项，不在大小为 {tree_size} 的树中"),
            format!("The leaf is at index {index}, outside a tree of size {tree_size}"),
        ));
    }
    let r = store::read(&state.db, size, |log| log.inclusion_proof(index, tree_size)).await?;
    Ok(Json(InclusionProof {
        leaf_index: index,
        audit_path: proof_of(r, "tree_size", size)?,
    }))
}

/// The proof that the tree of `second` leaves extends the tree of `first` leaves.
#[utoipa::path(get, path = "/api/v1/translog/proof/consistency", tag = "transparency",
    params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 422, body = Problem)))]
pub async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> AppResult<Json<ConsistencyProof>> {
    let first = parse_size("first", &q.first)?;
    let second = parse_size("second", &q.second)?;
    let size = store::size(&state.db).await?;
    if second > size {
        return Err(too_large("second", size));
    }
    if first > second {
        return Err(AppError::invalid(
            "first",
            "translog.sizes_out_of_order",
            "first 不能大于 second",
            "first must not exceed second",
        ));
    }
    let r = store::read(&state.db, size, |log| log.consistency_proof(first, second)).await?;
    Ok(Json(ConsistencyProof {
        consistency: proof_of(r, "second", size)?,
    }))
}

/// Leaves `start..=end` with their public facts (at most 1000; fewer at the log's end).
#[utoipa::path(get, path = "/api/v1/translog/entries", tag = "transparency",
    params(EntriesQuery),
    responses((status = 200, body = Entries), (status = 422, body = Problem)))]
pub async fn entries(
    State(state): State<AppState>,
    Query(q): Query<EntriesQuery>,
) -> AppResult<Json<Entries>> {
    let start = parse_size("start", &q.start)?;
    let end = parse_size("end", &q.end)?;
    if end < start {
        return Err(AppError::invalid(
            "end",
            "translog.range",
            "end 不能小于 start",
            "end must not be less than start",
        ));
    }
    let size = store::size(&state.db).await?;
    if start >= size {
        return Err(too_large("start", size));
    }
    let end = end.min(start + MAX_ENTRIES_PER_PAGE - 1).min(size - 1);
    let rows = store::entries(&state.db, start, end).await?;
    Ok(Json(Entries {
        entries: rows
            .into_iter()
            .map(|(index, e)| Entry {
                index,
                leaf_hash: translog::to_hex(&e.leaf_hash),
                kind: e.kind,
                amount_fen: e.amount_fen,
                project: e.project,
                time: e.at,
            })
            .collect(),
    }))
}
