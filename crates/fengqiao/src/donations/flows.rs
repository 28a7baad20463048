//! SQL of disbursements (拨付/支出) and of a project's flows: raised, spent and balance from the
//! tables, the same totals from the transparency log, and the cumulative series over time.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::model::{self, CanonicalRecord, LeafKind};
use super::store::PlanRef;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::error::Bilingual;
use crate::platform::files::{Attach, NewFile, Upload};
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult};
use crate::transparency::model::LeafEntry;
use crate::transparency::store::LogTx;
use crate::{with_db, with_tx};

/// A supporting document of a disbursement: its file name and the SHA-256 of its content, so the
/// document shown later can be checked against what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Document {
    pub name: String,
    /// 64 hex digits.
    pub sha256: String,
    /// The kept file (`platform::files`), when the document was uploaded here: officers of the
    /// plan's region and the organization's own accounts download it
    /// (`/projects/{filing_no}/documents/{file_id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<Uuid>,
}

impl Document {
    pub fn check(&self, field: &str) -> AppResult<()> {
        let name_ok = !self.name.trim().is_empty()
            && self.name.chars().count() <= 200
            && !self.name.chars().any(char::is_control);
        if !name_ok {
            return Err(AppError::invalid(
                &format!("{field}.name"),
                "donations.document_name",
                "文件名不能为空，最多 200 字",
                "The file name must be given, at most 200 characters",
            ));
        }
        if translog::parse_hex(&self.sha256).is_err() {
            return Err(AppError::invalid(
                &format!("{field}.sha256"),
                "donations.document_hash",
                "文件摘要应为 64 位十六进制 SHA-256",
                "The file digest must be a SHA-256 of 64 hex digits",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct NewDisbursement {
    pub amount_fen: i64,
    pub category: String,
    pub purpose: String,
    pub beneficiaries: i64,
    pub paid_on: NaiveDate,
    pub documents: Vec<Document>,
    /// The uploaded documents' files, attached to the disbursement in its transaction.
    pub uploads: Vec<(Uuid, Upload)>,
}

/// The object kind of a disbursement's documents in the file store.
pub const DISBURSEMENT_FILES: &str = "donations.disbursement";

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DisbursementRow {
    pub id: Uuid,
    pub project: String,
    pub amount_fen: i64,
    pub category: String,
    pub purpose: String,
    pub beneficiaries: i64,
    /// JSON array of documents.
    pub documents: String,
    pub paid_on: NaiveDate,
    pub leaf_index: i64,
    #[serde(serialize_with = "hex_bytes")]
    #[schema(value_type = String)]
    pub leaf_hash: Vec<u8>,
    pub recorded_at: DateTime<Utc>,
}

fn hex_bytes<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(b))
}

fn over_balance(balance: i64) -> AppError {
    AppError::invalid(
        "amount_fen",
        "donations.over_balance",
        format!("支出超过项目余额（余额 {} 元）", model::yuan(balance)),
        format!(
            "The payment exceeds the project's balance ({} yuan)",
            model::yuan(balance)
        ),
    )
}

/// Records a disbursement with its leaf and its audit row in one transaction. The balance is read
/// under the log's writer lock, so two payments can never together spend more than was raised.
pub async fn disburse(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    user_id: Uuid,
    plan: &PlanRef,
    d: &NewDisbursement,
) -> AppResult<DisbursementRow> {
    let id = Uuid::now_v7();
    let salt = model::new_salt();
    let documents = serde_json::to_string(&d.documents).map_err(anyhow::Error::from)?;
    Ok(with_tx!(db, tx => {
        let index = tx.lock_and_size().await?;
        let raised: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM donations WHERE plan_id = $1 AND status = 'confirmed'")
            .bind(plan.id).fetch_one(&mut *tx).await?;
        let spent: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM disbursements WHERE plan_id = $1")
            .bind(plan.id).fetch_one(&mut *tx).await?;
        if d.amount_fen > raised - spent {
            return Err(over_balance(raised - spent));
        }
        let record = CanonicalRecord::new(LeafKind::Disbursement, id, &d.purpose, &plan.filing_no, d.amount_fen, now);
        let leaf_hash = record.leaf_hash(&salt);
        tx.append_leaves(&[LeafEntry {
            leaf_hash,
            kind: LeafKind::Disbursement.as_str().into(),
            amount_fen: d.amount_fen,
            project: plan.filing_no.clone(),
            at: now,
        }]).await?;
        sqlx::query("INSERT INTO disbursements (id, plan_id, amount_fen, category, purpose, beneficiaries, documents, paid_on, salt, leaf_index, leaf_hash, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
            .bind(id).bind(plan.id).bind(d.amount_fen).bind(&d.category).bind(&d.purpose)
            .bind(d.beneficiaries).bind(&documents).bind(d.paid_on).bind(&salt[..])
            .bind(index as i64).bind(&leaf_hash[..]).bind(now).bind(user_id)
            .execute(&mut *tx).await?;
        let object_id = id.to_string();
        for (file_id, upload) in &d.uploads {
            tx.attach(now, &NewFile {
                id: *file_id,
                upload,
                object_kind: DISBURSEMENT_FILES,
                object_id: &object_id,
                uploaded_by: Some(user_id),
            }).await?;
        }
        let row = DisbursementRow {
            id,
            project: plan.filing_no.clone(),
            amount_fen: d.amount_fen,
            category: d.category.clone(),
            purpose: d.purpose.clone(),
            beneficiaries: d.beneficiaries,
            documents: documents.clone(),
            paid_on: d.paid_on,
            leaf_index: index as i64,
            leaf_hash: leaf_hash.to_vec(),
            recorded_at: now,
        };
        tx.record(now, &Change {
            actor,
            action: "disbursement.record",
            object_kind: "disbursement",
            object_id: id.to_string(),
            region_code: Some(plan.region_code.clone()),
            before: None,
            after: Some(json!({"project": plan.filing_no, "amount_fen": d.amount_fen, "category": d.category, "leaf_index": index})),
        }).await?;
        row
    }))
}

/// Disbursements whose documents include one with no file (kept before the file store): id,
/// documents (JSON), who recorded it.
pub async fn documents_without_files(db: &Db) -> AppResult<Vec<(Uuid, String, Uuid)>> {
    let rows: Vec<(Uuid, String, Uuid)> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, documents, recorded_by FROM disbursements WHERE documents <> '[]' ORDER BY recorded_at, id")
        .fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .filter(|(_, docs, _)| {
            serde_json::from_str::<Vec<Document>>(docs)
                .is_ok_and(|d| d.iter().any(|d| d.file_id.is_none()))
        })
        .collect())
}

/// Attaches files to a recorded disbursement and stores its documents naming them, in one
/// transaction (the documents are no part of its leaf: the log is unchanged).
pub async fn attach_documents(
    db: &Db,
    now: DateTime<Utc>,
    id: Uuid,
    uploaded_by: Uuid,
    documents: &[Document],
    uploads: &[(Uuid, Upload)],
) -> AppResult<()> {
    let json = serde_json::to_string(documents).map_err(anyhow::Error::from)?;
    let object_id = id.to_string();
    with_tx!(db, tx => {
        for (file_id, upload) in uploads {
            tx.attach(now, &NewFile {
                id: *file_id,
                upload,
                object_kind: DISBURSEMENT_FILES,
                object_id: &object_id,
                uploaded_by: Some(uploaded_by),
            }).await?;
        }
        sqlx::query("UPDATE disbursements SET documents = $1 WHERE id = $2")
            .bind(&json).bind(id).execute(&mut *tx).await?;
    });
    Ok(())
}

/// The plan (its filing number) a disbursement was paid from.
pub async fn disbursement_project(db: &Db, id: Uuid) -> AppResult<Option<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT p.filing_no FROM disbursements d JOIN fundraising_plans p ON p.id = d.plan_id WHERE d.id = $1")
        .bind(id).fetch_optional(pool).await?))
}

const DISBURSEMENT_SQL: &str = "SELECT d.id, p.filing_no AS project, d.amount_fen, d.category, d.purpose, d.beneficiaries, d.documents, d.paid_on, d.leaf_index, d.leaf_hash, d.recorded_at \
     FROM disbursements d JOIN fundraising_plans p ON p.id = d.plan_id";

/// A plan's disbursements, newest first.
pub async fn disbursements(db: &Db, plan_id: Uuid) -> AppResult<Vec<DisbursementRow>> {
    let sql = format!("{DISBURSEMENT_SQL} WHERE d.plan_id = $1 ORDER BY d.leaf_index DESC");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, DisbursementRow>(sqlx::AssertSqlSafe(sql.clone())).bind(plan_id).fetch_all(pool).await?),
    )
}

/// One day of a project's cumulative totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DayTotals {
    pub date: NaiveDate,
    pub raised_fen: i64,
    pub spent_fen: i64,
}

/// A project's money, from the database and from the log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Flows {
    pub project: String,
    pub target_fen: i64,
    pub raised_fen: i64,
    pub spent_fen: i64,
    pub balance_fen: i64,
    pub donations: i64,
    pub pending_donations: i64,
    pub disbursements: i64,
    /// The same totals summed from the transparency log: the leaves this project's rows point to,
    /// each counted with its own kind and amount, and only if it names this project.
    pub log_raised_fen: i64,
    pub log_spent_fen: i64,
    /// Database and log agree exactly (amounts and counts).
    pub reconciled: bool,
    /// Cumulative totals at the end of each day with a flow (Asia/Shanghai dates).
    pub series: Vec<DayTotals>,
}

pub async fn flows(db: &Db, plan: &PlanRef) -> AppResult<Flows> {
    let (donated, pending, spent, leaves) = with_db!(db, pool => {
        let donated: (i64, i64) = sqlx::query_as("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT), COUNT(*) FROM donations WHERE plan_id = $1 AND status = 'confirmed'")
            .bind(plan.id).fetch_one(pool).await?;
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM donations WHERE plan_id = $1 AND status = 'pending'")
            .bind(plan.id).fetch_one(pool).await?;
        let spent: (i64, i64) = sqlx::query_as("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT), COUNT(*) FROM disbursements WHERE plan_id = $1")
            .bind(plan.id).fetch_one(pool).await?;
        // The leaves this project's rows point to, read by the log's own key (an index on the
        // leaves' project cost a quarter of the intake rate), counted only where the leaf itself
        // says this project.
        let leaves: Vec<(String, i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT l.kind, l.amount_fen, l.at FROM donations d JOIN translog_leaves l ON l.idx = d.leaf_index \
             WHERE d.plan_id = $1 AND d.status = 'confirmed' AND l.project = $2 \
             UNION ALL \
             SELECT l.kind, l.amount_fen, l.at FROM disbursements x JOIN translog_leaves l ON l.idx = x.leaf_index \
             WHERE x.plan_id = $1 AND l.project = $2")
            .bind(plan.id).bind(&plan.filing_no).fetch_all(pool).await?;
        (donated, pending, spent, leaves)
    });
    let mut log = [(0i64, 0i64); 2];
    let mut by_day: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for (kind, amount, at) in &leaves {
        let day = at.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
        let e = by_day.entry(day).or_default();
        if kind == LeafKind::Donation.as_str() {
            log[0].0 += amount;
            log[0].1 += 1;
            e.0 += amount;
        } else if kind == LeafKind::Disbursement.as_str() {
            log[1].0 += amount;
            log[1].1 += 1;
            e.1 += amount;
        }
    }
    let (mut r, mut s) = (0, 0);
    let series = by_day
        .into_iter()
        .map(|(date, (dr, ds))| {
            r += dr;
            s += ds;
            DayTotals {
                date,
                raised_fen: r,
                spent_fen: s,
            }
        })
        .collect();
    Ok(Flows {
        project: plan.filing_no.clone(),
        target_fen: plan.target_fen,
        raised_fen: donated.0,
        spent_fen: spent.0,
        balance_fen: donated.0 - spent.0,
        donations: donated.1,
        pending_donations: pending,
        disbursements: spent.1,
        log_raised_fen: log[0].0,
        log_spent_fen: log[1].0,
        reconciled: log == [donated, spent],
        series,
    })
}

/// Why a message is bilingual here: the reconciliation line is shown on pages in both languages.
pub fn reconciliation_note(f: &Flows) -> Bilingual {
    if f.reconciled {
        Bilingual::new(
            "数据库与透明日志逐笔核对一致",
            "The database and the transparency log agree to the fen",
        )
    } else {
        Bilingual::new(
            "数据库与透明日志不一致，已提示监管人员",
            "The database and the transparency log disagree; supervisors are alerted",
        )
    }
}

/// One project in the list: its plan and its money (from the database; each project's own page
/// reconciles with the log).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ProjectSummary {
    pub filing_no: String,
    pub title: String,
    pub org_name: String,
    pub region_code: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub target_fen: i64,
    pub raised_fen: i64,
    pub spent_fen: i64,
    pub donations: i64,
}

/// Most projects one list returns.
pub const PROJECT_LIST_LIMIT: i64 = 500;

/// Projects whose plan's region lies under `prefix` (a `LIKE` pattern), newest first.
pub async fn projects(db: &Db, prefix: &str) -> AppResult<Vec<ProjectSummary>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, ProjectSummary>(
        "SELECT p.filing_no, p.title, o.name AS org_name, p.region_code, p.starts_on, p.ends_on, p.status, p.target_fen, \
           CAST(COALESCE((SELECT SUM(d.amount_fen) FROM donations d WHERE d.plan_id = p.id AND d.status = 'confirmed'), 0) AS BIGINT) AS raised_fen, \
           CAST(COALESCE((SELECT SUM(x.amount_fen) FROM disbursements x WHERE x.plan_id = p.id), 0) AS BIGINT) AS spent_fen, \
           (SELECT COUNT(*) FROM donations d WHERE d.plan_id = p.id AND d.status = 'confirmed') AS donations \
         FROM fundraising_plans p JOIN organizations o ON o.id = p.organization_id \
         WHERE p.region_code LIKE $1 ORDER BY p.starts_on DESC, p.filing_no LIMIT $2")
        .bind(prefix).bind(PROJECT_LIST_LIMIT).fetch_all(pool).await?))
}
