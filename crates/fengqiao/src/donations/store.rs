//! SQL of donations and disbursements. A confirmed donation's row and its transparency-log leaf
//! are written in one transaction, many donations to a transaction (group commit, see
//! [`super::intake`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{self, CanonicalRecord, LeafKind};
use crate::platform::db::Db;
use crate::platform::error::Bilingual;
use crate::platform::{AppError, AppResult};
use crate::transparency::model::LeafEntry;
use crate::transparency::store::LogTx;
use crate::{with_db, with_tx};

/// Rows per multi-row INSERT (11 columns a row, far under both backends' parameter limits).
const INSERT_CHUNK: usize = 500;

/// A filed fundraising plan, as donations and disbursements see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRef {
    pub id: Uuid,
    pub filing_no: String,
    pub organization_id: Uuid,
    pub org_name: String,
    pub title: String,
    pub purpose: String,
    pub target_fen: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub region_code: String,
    pub status: String,
}

const PLAN_SQL: &str = "SELECT p.id, p.filing_no, p.organization_id, o.name AS org_name, p.title, p.purpose, p.target_fen, p.starts_on, p.ends_on, p.region_code, p.status \
     FROM fundraising_plans p JOIN organizations o ON o.id = p.organization_id";

pub async fn plan_by_filing_no(db: &Db, filing_no: &str) -> AppResult<Option<PlanRef>> {
    let sql = format!("{PLAN_SQL} WHERE p.filing_no = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, PlanRef>(sqlx::AssertSqlSafe(sql.clone())).bind(filing_no).fetch_optional(pool).await?),
    )
}

/// A payment's outcome as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Confirmed,
    Pending,
    Failed,
}

impl Outcome {
    fn key(self) -> &'static str {
        match self {
            Outcome::Confirmed => "confirmed",
            Outcome::Pending => "pending",
            Outcome::Failed => "failed",
        }
    }
}

/// A donation to write (the provider has answered).
#[derive(Debug, Clone)]
pub struct NewDonation {
    pub plan_id: Uuid,
    pub project: String,
    pub amount_fen: i64,
    pub donor_name_sealed: Option<Vec<u8>>,
    pub donor_name_masked: Option<String>,
    pub idempotency_key: String,
    pub provider: String,
    pub payment_ref: String,
    pub outcome: Outcome,
}

/// A donation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DonationRow {
    pub id: Uuid,
    pub receipt_no: Option<String>,
    pub plan_id: Uuid,
    pub project: String,
    pub amount_fen: i64,
    pub donor_name_masked: Option<String>,
    pub idempotency_key: String,
    pub status: String,
    pub provider: String,
    pub payment_ref: String,
    pub salt: Option<Vec<u8>>,
    pub leaf_index: Option<i64>,
    pub leaf_hash: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl DonationRow {
    /// The canonical record its leaf commits to (confirmed donations only).
    pub fn record(&self) -> Option<CanonicalRecord> {
        Some(CanonicalRecord::new(
            LeafKind::Donation,
            self.id,
            self.receipt_no.as_deref()?,
            &self.project,
            self.amount_fen,
            self.confirmed_at?,
        ))
    }
}

const DONATION_SQL: &str = "SELECT d.id, d.receipt_no, d.plan_id, p.filing_no AS project, d.amount_fen, d.donor_name_masked, d.idempotency_key, d.status, d.provider, d.payment_ref, d.salt, d.leaf_index, d.leaf_hash, d.created_at, d.confirmed_at \
     FROM donations d JOIN fundraising_plans p ON p.id = d.plan_id";

pub async fn donation(db: &Db, id: Uuid) -> AppResult<Option<DonationRow>> {
    let sql = format!("{DONATION_SQL} WHERE d.id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, DonationRow>(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await?),
    )
}

/// The donation stored under an idempotency key, if any.
pub async fn donation_by_key(db: &Db, key: &str) -> AppResult<Option<DonationRow>> {
    let sql = format!("{DONATION_SQL} WHERE d.idempotency_key = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, DonationRow>(sqlx::AssertSqlSafe(sql.clone())).bind(key).fetch_optional(pool).await?),
    )
}

/// The reason a retried request is refused: its key was used for a different donation.
pub fn key_reused() -> AppError {
    AppError::Conflict {
        code: "donations.idempotency_key_reused".into(),
        field: Some("Idempotency-Key".into()),
        message: Bilingual::new(
            "该幂等键已用于另一笔不同的捐赠，请为新的捐赠使用新的键",
            "This idempotency key was used for a different donation; use a new key for a new one",
        ),
    }
}

/// Fills in what confirmation adds: receipt number, salt, leaf. `index` is the leaf's index.
fn confirm(row: &mut DonationRow, now: DateTime<Utc>, index: u64) -> LeafEntry {
    let salt = model::new_salt();
    row.status = "confirmed".into();
    row.confirmed_at = Some(now);
    row.receipt_no = Some(model::receipt_no(now, index));
    let record = row.record().expect("just confirmed");
    let leaf_hash = record.leaf_hash(&salt);
    row.salt = Some(salt.to_vec());
    row.leaf_index = Some(index as i64);
    row.leaf_hash = Some(leaf_hash.to_vec());
    LeafEntry {
        leaf_hash,
        kind: LeafKind::Donation.as_str().into(),
        amount_fen: row.amount_fen,
        project: row.project.clone(),
        at: now,
    }
}

/// Writes a batch of donations in ONE transaction: rows whose idempotency key is already
/// stored (or repeats earlier in the batch) are not written again — the stored donation is
/// returned with `false`, or a conflict if the request differs; new confirmed donations get
/// their leaves appended in the same transaction. Results come back in the order given.
pub async fn write_batch(
    db: &Db,
    now: DateTime<Utc>,
    items: &[NewDonation],
) -> AppResult<Vec<AppResult<(DonationRow, bool)>>> {
    let keys: Vec<&str> = items.iter().map(|d| d.idempotency_key.as_str()).collect();
    Ok(with_tx!(db, tx => {
        // The log's writer lock first: batches (from any process) are serialized before they
        // look up their keys, so a key is never inserted twice by two batches.
        let mut next_index = tx.lock_and_size().await?;
        let first_index = next_index;
        // Keys already stored.
        let mut stored: HashMap<String, DonationRow> = HashMap::new();
        for chunk in keys.chunks(INSERT_CHUNK) {
            let mut q = sqlx::QueryBuilder::new(format!("{DONATION_SQL} WHERE d.idempotency_key IN ("));
            let mut sep = q.separated(", ");
            for k in chunk {
                sep.push_bind(*k);
            }
            q.push(")");
            for r in q.build_query_as::<DonationRow>().fetch_all(&mut *tx).await? {
                stored.insert(r.idempotency_key.clone(), r);
            }
        }
        let mut fresh: Vec<(DonationRow, Option<Vec<u8>>)> = Vec::new();
        let mut results: Vec<Result<(String, bool), AppError>> = Vec::with_capacity(items.len());
        let mut leaves: Vec<LeafEntry> = Vec::new();
        for d in items {
            if let Some(prev) = stored.get(&d.idempotency_key) {
                results.push(if prev.plan_id == d.plan_id && prev.amount_fen == d.amount_fen {
                    Ok((d.idempotency_key.clone(), false))
                } else {
                    Err(key_reused())
                });
                continue;
            }
            let mut row = DonationRow {
                id: Uuid::now_v7(),
                receipt_no: None,
                plan_id: d.plan_id,
                project: d.project.clone(),
                amount_fen: d.amount_fen,
                donor_name_masked: d.donor_name_masked.clone(),
                idempotency_key: d.idempotency_key.clone(),
                status: d.outcome.key().into(),
                provider: d.provider.clone(),
                payment_ref: d.payment_ref.clone(),
                salt: None,
                leaf_index: None,
                leaf_hash: None,
                created_at: now,
                confirmed_at: None,
            };
            if d.outcome == Outcome::Confirmed {
                leaves.push(confirm(&mut row, now, next_index));
                next_index += 1;
            }
            stored.insert(d.idempotency_key.clone(), row.clone());
            fresh.push((row, d.donor_name_sealed.clone()));
            results.push(Ok((d.idempotency_key.clone(), true)));
        }
        if !leaves.is_empty() {
            let first = tx.append_leaves(&leaves).await?;
            if first != first_index {
                return Err(anyhow::anyhow!("log size moved under the lock: {first} != {first_index}").into());
            }
        }
        for chunk in fresh.chunks(INSERT_CHUNK) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO donations (id, receipt_no, plan_id, amount_fen, donor_name_sealed, donor_name_masked, idempotency_key, status, provider, payment_ref, salt, leaf_index, leaf_hash, created_at, confirmed_at) ",
            );
            q.push_values(chunk, |mut b, (r, sealed)| {
                b.push_bind(r.id)
                    .push_bind(r.receipt_no.clone())
                    .push_bind(r.plan_id)
                    .push_bind(r.amount_fen)
                    .push_bind(sealed.clone())
                    .push_bind(r.donor_name_masked.clone())
                    .push_bind(r.idempotency_key.clone())
                    .push_bind(r.status.clone())
                    .push_bind(r.provider.clone())
                    .push_bind(r.payment_ref.clone())
                    .push_bind(r.salt.clone())
                    .push_bind(r.leaf_index)
                    .push_bind(r.leaf_hash.clone())
                    .push_bind(r.created_at)
                    .push_bind(r.confirmed_at);
            });
            q.build().execute(&mut *tx).await?;
        }
        results
            .into_iter()
            .map(|r| r.map(|(k, created)| (stored[&k].clone(), created)))
            .collect()
    }))
}

/// Settles a pending payment on the provider's notice: confirmation appends its leaf; a failure
/// marks it failed. A notice about a settled payment changes nothing (providers repeat them).
pub async fn settle(
    db: &Db,
    now: DateTime<Utc>,
    provider: &str,
    payment_ref: &str,
    confirmed: bool,
) -> AppResult<DonationRow> {
    let sql = format!("{DONATION_SQL} WHERE d.provider = $1 AND d.payment_ref = $2");
    Ok(with_tx!(db, tx => {
        // Under the log lock first (PostgreSQL), so two notices for one payment queue up.
        let size = tx.lock_and_size().await?;
        let mut row = sqlx::query_as::<_, DonationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(provider).bind(payment_ref)
            .fetch_optional(&mut *tx).await?
            .ok_or(AppError::NotFound)?;
        if row.status == "pending" {
            if confirmed {
                let leaf = confirm(&mut row, now, size);
                tx.append_leaves(std::slice::from_ref(&leaf)).await?;
                sqlx::query("UPDATE donations SET status = 'confirmed', receipt_no = $1, salt = $2, leaf_index = $3, leaf_hash = $4, confirmed_at = $5 WHERE id = $6 AND status = 'pending'")
                    .bind(&row.receipt_no).bind(&row.salt).bind(row.leaf_index).bind(&row.leaf_hash).bind(row.confirmed_at).bind(row.id)
                    .execute(&mut *tx).await?;
            } else {
                row.status = "failed".into();
                sqlx::query("UPDATE donations SET status = 'failed' WHERE id = $1 AND status = 'pending'")
                    .bind(row.id).execute(&mut *tx).await?;
            }
        }
        row
    }))
}
