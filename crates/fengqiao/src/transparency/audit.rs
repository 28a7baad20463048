//! The audit log made tamper-evident (审计日志防篡改, issue 15): the audit rows are anchored in
//! batches, each batch's hash chained to the one before and appended as a leaf of the
//! transparency log, whose signed heads are published. A changed, deleted or inserted audit row
//! no longer gives its batch's hash; a deleted anchor leaves its leaf without an explanation; a
//! changed leaf breaks the log's consistency with every head handed out before. `fengqiao verify
//! audit` ([`verify`]) recomputes all of it.
//!
//! A batch takes the rows older than [`SETTLE`] (their transactions have long committed, so no
//! row with a smaller id can still appear) after the last anchored id, up to [`MAX_ROWS`].

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use translog::Hash;
use uuid::Uuid;

use super::model::LeafEntry;
use super::store::LogTx;
use crate::platform::AppResult;
use crate::platform::db::Db;
use crate::{with_db, with_tx};

/// How old a row must be to be anchored: far beyond any transaction's life (requests time out
/// in 30 s), so ids below the batch's last are all committed.
pub const SETTLE: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// Rows per batch at most (a backlog is anchored over several runs).
pub const MAX_ROWS: i64 = 5_000;

/// How often the job anchors what has settled.
pub const ANCHOR_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// The leaf kind of an anchored batch.
pub const LEAF_KIND: &str = "audit_batch";

/// An audit row as it is hashed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_name: String,
    pub role: String,
    pub region_code: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: String,
    pub request_id: Option<String>,
}

/// One anchored batch.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Anchor {
    pub batch_no: i64,
    /// The batch holds the rows with `after_id < id <= last_id`.
    pub after_id: i64,
    pub last_id: i64,
    pub row_count: i64,
    pub batch_hash: Vec<u8>,
    pub leaf_index: i64,
    pub anchored_at: DateTime<Utc>,
}

/// Each field length-prefixed, so no two rows encode alike; absent fields differ from empty.
fn encode_row(r: &AuditRow, out: &mut Vec<u8>) {
    let mut field = |v: Option<&[u8]>| match v {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            out.extend((b.len() as u64).to_be_bytes());
            out.extend(b);
        }
    };
    let id = r.id.to_be_bytes();
    let at = r.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let user = r.actor_user_id.map(|u| u.to_string());
    field(Some(&id));
    field(Some(at.as_bytes()));
    field(user.as_deref().map(str::as_bytes));
    field(Some(r.actor_name.as_bytes()));
    field(Some(r.role.as_bytes()));
    field(r.region_code.as_deref().map(str::as_bytes));
    field(Some(r.action.as_bytes()));
    field(Some(r.object_kind.as_bytes()));
    field(Some(r.object_id.as_bytes()));
    field(r.before_digest.as_deref().map(str::as_bytes));
    field(r.after_digest.as_deref().map(str::as_bytes));
    field(Some(r.detail.as_bytes()));
    field(r.request_id.as_deref().map(str::as_bytes));
}

/// A batch's hash: SHA-256 of the previous batch's hash (32 zero bytes for the first) and the
/// batch's rows in id order.
pub fn batch_hash(previous: &[u8], rows: &[AuditRow]) -> Hash {
    let mut bytes = Vec::with_capacity(32 + rows.len() * 256);
    bytes.extend(previous);
    for r in rows {
        encode_row(r, &mut bytes);
    }
    Sha256::digest(&bytes).into()
}

/// The batch's leaf in the transparency log (RFC 6962 leaf hash of a labelled record).
pub fn leaf_hash(batch_no: i64, batch_hash: &[u8]) -> Hash {
    let mut data = b"fengqiao-audit-batch-v1\0".to_vec();
    data.extend(batch_no.to_be_bytes());
    data.extend(batch_hash);
    translog::leaf_hash(&data)
}

const ROW_COLS: &str = "id, at, actor_user_id, actor_name, role, region_code, action, object_kind, object_id, before_digest, after_digest, detail, request_id";
const ANCHOR_COLS: &str =
    "batch_no, after_id, last_id, row_count, batch_hash, leaf_index, anchored_at";

/// Anchors the settled rows after the last batch, if any: the batch and its leaf in one
/// transaction under the log's writer lock (one batch at a time, whichever server runs it).
pub async fn anchor(db: &Db, now: DateTime<Utc>) -> AppResult<Option<Anchor>> {
    let rows_sql =
        format!("SELECT {ROW_COLS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT {MAX_ROWS}");
    let last_sql =
        format!("SELECT {ANCHOR_COLS} FROM audit_anchors ORDER BY batch_no DESC LIMIT 1");
    Ok(with_tx!(db, tx => {
        tx.lock_and_size().await?;
        let last: Option<Anchor> = sqlx::query_as(sqlx::AssertSqlSafe(last_sql.clone()))
            .fetch_optional(&mut *tx).await?;
        let after_id = last.as_ref().map_or(0, |a| a.last_id);
        let mut rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql.clone()))
            .bind(after_id)
            .fetch_all(&mut *tx).await?;
        // A batch is a run of ids with no gap: it ends before the first row not yet settled
        // (a later id written with an earlier time must not be anchored past it).
        let cutoff = now - SETTLE;
        if let Some(first_unsettled) = rows.iter().position(|r| r.at > cutoff) {
            rows.truncate(first_unsettled);
        }
        match rows.last() {
            None => None,
            Some(end) => {
                let batch_no = last.as_ref().map_or(1, |a| a.batch_no + 1);
                let previous = last.as_ref().map_or(vec![0u8; 32], |a| a.batch_hash.clone());
                let hash = batch_hash(&previous, &rows);
                let leaf_index = tx.append_leaves(&[LeafEntry {
                    leaf_hash: leaf_hash(batch_no, &hash),
                    kind: LEAF_KIND.into(),
                    amount_fen: 0,
                    project: String::new(),
                    at: now,
                }]).await? as i64;
                let a = Anchor {
                    batch_no,
                    after_id,
                    last_id: end.id,
                    row_count: rows.len() as i64,
                    batch_hash: hash.to_vec(),
                    leaf_index,
                    anchored_at: now,
                };
                sqlx::query("INSERT INTO audit_anchors (batch_no, after_id, last_id, row_count, batch_hash, leaf_index, anchored_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(a.batch_no).bind(a.after_id).bind(a.last_id).bind(a.row_count)
                    .bind(&a.batch_hash).bind(a.leaf_index).bind(a.anchored_at)
                    .execute(&mut *tx).await?;
                Some(a)
            }
        }
    }))
}

/// What [`verify`] found: the batches and rows that check, and every fault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    pub batches: usize,
    pub rows: i64,
    pub faults: Vec<String>,
}

/// Recomputes every batch from the audit rows as they are now, follows the chain, and checks
/// each batch's leaf in the log, and that every audit leaf of the log has its batch.
pub async fn verify(db: &Db) -> AppResult<Verification> {
    let anchors_sql = format!("SELECT {ANCHOR_COLS} FROM audit_anchors ORDER BY batch_no");
    let anchors: Vec<Anchor> = with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(anchors_sql.clone()))
        .fetch_all(pool).await?);
    let rows_sql =
        format!("SELECT {ROW_COLS} FROM audit_log WHERE id > $1 AND id <= $2 ORDER BY id");
    let leaves: Vec<(i64, Vec<u8>)> = with_db!(db, pool => sqlx::query_as(
        "SELECT idx, leaf_hash FROM translog_leaves WHERE kind = $1 ORDER BY idx")
        .bind(LEAF_KIND).fetch_all(pool).await?);
    let mut v = Verification::default();
    let mut previous = vec![0u8; 32];
    let mut expected_after = 0;
    for (i, a) in anchors.iter().enumerate() {
        if a.batch_no != i as i64 + 1 || a.after_id != expected_after {
            v.faults.push(format!(
                "batch {}: the chain is broken (expected batch {} after id {expected_after})",
                a.batch_no,
                i + 1
            ));
        }
        let rows: Vec<AuditRow> = with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(rows_sql.clone()))
            .bind(a.after_id).bind(a.last_id).fetch_all(pool).await?);
        let hash = batch_hash(&previous, &rows);
        if rows.len() as i64 != a.row_count || hash.as_slice() != a.batch_hash.as_slice() {
            v.faults.push(format!(
                "batch {} (audit rows {}–{}): the rows no longer give the anchored hash ({} rows now, {} anchored): a row was changed, deleted or inserted",
                a.batch_no,
                a.after_id + 1,
                a.last_id,
                rows.len(),
                a.row_count
            ));
        }
        match leaves.iter().find(|(idx, _)| *idx == a.leaf_index) {
            Some((_, h)) if h.as_slice() == leaf_hash(a.batch_no, &a.batch_hash).as_slice() => {}
            _ => v.faults.push(format!(
                "batch {}: its leaf {} in the transparency log does not match",
                a.batch_no, a.leaf_index
            )),
        }
        v.rows += rows.len() as i64;
        previous = a.batch_hash.clone();
        expected_after = a.last_id;
        v.batches += 1;
    }
    for (idx, _) in &leaves {
        if !anchors.iter().any(|a| a.leaf_index == *idx) {
            v.faults.push(format!(
                "leaf {idx} of the transparency log anchors an audit batch that is gone"
            ));
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, detail: &str) -> AuditRow {
        AuditRow {
            id,
            at: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            actor_user_id: None,
            actor_name: "xihu".into(),
            role: "county_officer".into(),
            region_code: Some("330106".into()),
            action: "department.create".into(),
            object_kind: "department".into(),
            object_id: "330106.tiyu".into(),
            before_digest: None,
            after_digest: None,
            detail: detail.into(),
            request_id: None,
        }
    }

    #[test]
    fn any_change_to_a_row_or_the_chain_changes_the_hash() {
        let zero = [0u8; 32];
        let rows = vec![row(1, "{}"), row(2, "{}")];
        let h = batch_hash(&zero, &rows);
        assert_ne!(h, batch_hash(&zero, &[row(1, "{}"), row(2, "{ }")]));
        assert_ne!(h, batch_hash(&zero, &rows[..1]));
        assert_ne!(h, batch_hash(&[1u8; 32], &rows));
        // An absent field is not an empty one.
        let mut empty = row(1, "{}");
        empty.region_code = Some(String::new());
        let mut absent = row(1, "{}");
        absent.region_code = None;
        assert_ne!(batch_hash(&zero, &[empty]), batch_hash(&zero, &[absent]));
        assert_ne!(leaf_hash(1, &h), leaf_hash(2, &h));
    }
}
