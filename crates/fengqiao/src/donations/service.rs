//! The donation services that handlers and pages share: give, settle, receipt, project flows,
//! disburse. Handlers parse; these decide; the store writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::flows;
use super::model::{self, Receipt};
use super::payment::{ChargeRequest, PaymentOutcome};
use super::store::{self, DonationRow, NewDonation, Outcome, PlanRef};
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::{AppError, AppResult, AppState};
use crate::transparency;

/// Longest idempotency key accepted (a UUID is 36).
pub const MAX_KEY_LEN: usize = 128;
/// Longest donor name (names of organizations giving included).
pub const MAX_DONOR_NAME: usize = 100;

/// A donation as the donor gives it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DonationRequest {
    /// The fundraising plan's filing number (备案编号).
    pub project: String,
    pub amount_fen: i64,
    /// The donor's name; omit (or set `anonymous`) to give anonymously (匿名捐赠).
    #[serde(default)]
    pub donor_name: Option<String>,
    #[serde(default)]
    pub anonymous: bool,
    /// A payment method of the provider (test provider: test_confirm, test_late, test_fail).
    pub method: String,
}

/// What the donor gets back.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DonationView {
    pub id: Uuid,
    /// pending | confirmed | failed
    pub status: String,
    pub receipt_no: Option<String>,
    pub project: String,
    pub amount_fen: i64,
    /// The donor's name masked; none when anonymous.
    pub donor: Option<String>,
    pub leaf_index: Option<i64>,
    pub leaf_hash: Option<String>,
    /// The receipt page (and `…/receipt` the downloadable receipt).
    pub receipt_url: String,
}

impl From<&DonationRow> for DonationView {
    fn from(r: &DonationRow) -> DonationView {
        DonationView {
            id: r.id,
            status: r.status.clone(),
            receipt_no: r.receipt_no.clone(),
            project: r.project.clone(),
            amount_fen: r.amount_fen,
            donor: r.donor_name_masked.clone(),
            leaf_index: r.leaf_index,
            leaf_hash: r.leaf_hash.as_deref().map(hex::encode),
            receipt_url: format!("/receipts/{}", r.id),
        }
    }
}

pub fn check_key(key: Option<&str>) -> AppResult<String> {
    match key.map(str::trim) {
        Some(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(k.to_string())
        }
        _ => Err(AppError::invalid(
            "Idempotency-Key",
            "donations.idempotency_key",
            format!(
                "请在 Idempotency-Key 请求头中提供 1–{MAX_KEY_LEN} 个可见 ASCII 字符的幂等键（如 UUID）"
            ),
            format!(
                "Send an Idempotency-Key header of 1–{MAX_KEY_LEN} visible ASCII characters (a UUID, say)"
            ),
        )),
    }
}

/// How long a plan read for a donation is reused. Donations to one plan come in bursts (a
/// campaign), and reading the plan once a second instead of once a donation takes a query off
/// every request (see BENCHMARKS.md). Nothing is lost to the reuse: the fundraising period is
/// checked against today on every donation; a plan closed through this process is forgotten at
/// once ([`PlanCache::forget`]), and any other change of status (a plan closed in another
/// process, a qualification revoked) is seen within this time, a window of the same kind as a
/// status change committed while a donation is being written. The time is the injected
/// clock's, so tests cross it without waiting. Unknown filing numbers are not remembered: a
/// plan filed a moment ago is found at once.
pub const PLAN_CACHE_TTL: Duration = Duration::from_secs(1);
/// Plans remembered at most (expired ones are dropped when the cache is full).
const PLAN_CACHE_MAX: usize = 10_000;

/// What the one rule of giving ([`crate::charity::model::open_for_donation`]) decides on: the
/// plan, its organization's status and its charity standing, as read at one moment.
#[derive(Debug, Clone)]
pub struct PlanFacts {
    pub plan: PlanRef,
    pub filed: crate::charity::model::Plan,
    pub org_status: String,
    pub charity: Option<crate::charity::model::Charity>,
}

/// The plans recently read for donations, by filing number; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct PlanCache(Arc<Mutex<PlanMap>>);

/// Filing number → when read (on the injected clock), and what was read.
type PlanMap = HashMap<String, (DateTime<Utc>, Arc<PlanFacts>)>;

/// Read at `at`, still usable at `now`: less than [`PLAN_CACHE_TTL`] ago. A clock set back
/// (`now` before `at`) makes every entry stale rather than fresh for longer.
fn fresh(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    (now - at).to_std().is_ok_and(|age| age < PLAN_CACHE_TTL)
}

impl PlanCache {
    /// The facts of the plan with this filing number, read at most [`PLAN_CACHE_TTL`] before
    /// `now` (the clock's).
    pub async fn get(
        &self,
        db: &Db,
        now: DateTime<Utc>,
        filing_no: &str,
    ) -> AppResult<Option<Arc<PlanFacts>>> {
        if let Some((at, facts)) = self.lock().get(filing_no)
            && fresh(*at, now)
        {
            // Shared, not copied: a hit costs a lock and a reference count.
            return Ok(Some(facts.clone()));
        }
        let (Some(plan), Some(filed)) = (
            store::plan_by_filing_no(db, filing_no).await?,
            crate::charity::store::plan_by_filing_no(db, filing_no).await?,
        ) else {
            return Ok(None);
        };
        let org_status = crate::charity::store::organization(db, plan.organization_id)
            .await?
            .map(|o| o.status)
            .unwrap_or_default();
        let charity = crate::charity::store::charity(db, plan.organization_id).await?;
        let facts = Arc::new(PlanFacts {
            plan,
            filed,
            org_status,
            charity,
        });
        let mut map = self.lock();
        if map.len() >= PLAN_CACHE_MAX {
            map.retain(|_, (at, _)| fresh(*at, now));
            if map.len() >= PLAN_CACHE_MAX {
                map.clear();
            }
        }
        map.insert(filing_no.to_string(), (now, facts.clone()));
        Ok(Some(facts))
    }

    /// Drops what was read of the plan, so that the next donation reads it again (after this
    /// process changed it: closed, say).
    pub fn forget(&self, filing_no: &str) {
        self.lock().remove(filing_no);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PlanMap> {
        // A panic while holding the lock leaves a consistent map (inserts are single calls).
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The plan `project` names, open for donations today by the charity module's one rule
/// (filed, within its period, its organization registered and qualified), checked on every
/// donation against today's date; refusals name `project`.
pub async fn open_plan(state: &AppState, project: &str) -> AppResult<PlanRef> {
    let facts = super::of(state)?
        .plans
        .get(&state.db, state.clock.now(), project.trim())
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "project",
                "donations.project_unknown",
                "没有这个备案编号的募捐方案",
                "No fundraising plan has this filing number",
            )
        })?;
    crate::charity::model::open_for_donation(
        &facts.filed,
        &facts.org_status,
        facts.charity.as_ref(),
        state.clock.today(),
    )
    .map_err(|c| AppError::Invalid {
        field: "project".into(),
        code: c.code().into(),
        message: c.message(),
    })?;
    Ok(facts.plan.clone())
}

/// Gives: checks the request, charges the provider once for the key, and writes the donation
/// durably (its leaf too when confirmed). Returns the donation and whether it is new.
pub async fn donate(
    state: &AppState,
    key: String,
    req: &DonationRequest,
) -> AppResult<(DonationRow, bool)> {
    let amount_fen = model::check_fen("amount_fen", req.amount_fen)?;
    let name = match (&req.donor_name, req.anonymous) {
        (Some(n), false) if !n.trim().is_empty() => {
            let n = n.trim();
            if n.chars().count() > MAX_DONOR_NAME || n.chars().any(char::is_control) {
                return Err(AppError::invalid(
                    "donor_name",
                    "donations.donor_name",
                    format!("捐赠人姓名最多 {MAX_DONOR_NAME} 个字，且不能含控制字符"),
                    format!(
                        "The donor's name has at most {MAX_DONOR_NAME} characters and no control characters"
                    ),
                ));
            }
            Some(n.to_string())
        }
        _ => None,
    };
    let provider = super::of(state)?.provider()?;
    if !provider.methods().contains(&req.method.as_str()) {
        return Err(AppError::invalid(
            "method",
            "donations.method",
            format!("支付方式应为：{}", provider.methods().join("、")),
            format!(
                "The payment method must be one of: {}",
                provider.methods().join(", ")
            ),
        ));
    }
    let plan = match open_plan(state, &req.project).await {
        Ok(plan) => plan,
        // A retry of a donation already made gets that donation, even when the plan has
        // closed (or its period ended) since: the donor's first request went through. Looked
        // up only on this path, so giving to an open plan pays no extra query.
        Err(refused) => {
            return match store::donation_by_key(&state.db, &key).await? {
                Some(prev)
                    if prev.project == req.project.trim() && prev.amount_fen == amount_fen =>
                {
                    Ok((prev, false))
                }
                Some(_) => Err(store::key_reused()),
                None => Err(refused),
            };
        }
    };
    let charge = ChargeRequest {
        idempotency_key: key.clone(),
        amount_fen,
        method: req.method.clone(),
    };
    let (outcome, payment_ref) = match provider.charge(&charge).await? {
        PaymentOutcome::Confirmed { reference } => (Outcome::Confirmed, reference),
        PaymentOutcome::Pending { reference } => (Outcome::Pending, reference),
        PaymentOutcome::Failed { reference, .. } => (Outcome::Failed, reference),
    };
    super::of(state)?
        .intake
        .submit(NewDonation {
            plan_id: plan.id,
            project: plan.filing_no.clone(),
            amount_fen,
            donor_name_sealed: name.as_deref().map(|n| state.pii.encrypt(n)),
            donor_name_masked: name.as_deref().map(model::mask_name),
            idempotency_key: key,
            provider: provider.name().to_string(),
            payment_ref,
            outcome,
        })
        .await
}

/// The error a failed payment shows (the same on every retry with its key).
pub fn payment_failed() -> AppError {
    AppError::PaymentFailed {
        message: crate::platform::error::Bilingual::new(
            "支付未成功，本次捐赠未到账；可换一种支付方式重试（请使用新的幂等键）",
            "The payment did not go through and nothing was received; try another method (with a new idempotency key)",
        ),
    }
}

/// The downloadable receipt of a confirmed donation: record, salt, and the audit path to the
/// latest signed tree head (signed now if the log has grown since the last).
pub async fn receipt(state: &AppState, id: Uuid) -> AppResult<Receipt> {
    let row = store::donation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(record), Some(salt), Some(index), Some(leaf)) = (
        row.record(),
        row.salt.as_ref(),
        row.leaf_index,
        row.leaf_hash.as_ref(),
    ) else {
        return Err(AppError::Conflict {
            code: "donations.not_confirmed".into(),
            field: None,
            message: crate::platform::error::Bilingual::new(
                "这笔捐赠尚未到账，到账后才有收据",
                "This donation is not confirmed yet; the receipt comes with the confirmation",
            ),
        });
    };
    let key = transparency::model::signing_key(&state.config.data_dir)?;
    let sth = transparency::store::current_head(&state.db, state.clock.now(), &key).await?;
    let index = index as u64;
    let path = transparency::store::read(&state.db, sth.tree_size, |log| {
        log.inclusion_proof(index, sth.tree_size)
    })
    .await?
    .map_err(|e| anyhow::anyhow!("inclusion proof: {e}"))?;
    Ok(Receipt {
        format: model::RECEIPT_FORMAT.into(),
        receipt_no: record.reference.clone(),
        record,
        salt: hex::encode(salt),
        leaf_index: index,
        leaf_hash: hex::encode(leaf),
        sth,
        audit_path: path.iter().map(translog::to_hex).collect(),
        log_public_key: hex::encode(key.verifying_key().to_bytes()),
    })
}

/// A disbursement as the charity records it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DisbursementRequest {
    pub amount_fen: i64,
    /// charitable 慈善活动支出 | management 管理费用 | fundraising_cost 募捐成本
    pub category: String,
    pub purpose: String,
    /// 受益人数
    pub beneficiaries: i64,
    pub paid_on: NaiveDate,
    /// Supporting documents: names and SHA-256 of the files.
    #[serde(default)]
    pub documents: Vec<flows::Document>,
    /// The documents' uploaded files (the page's multipart form; the API names hashes only).
    #[serde(skip)]
    pub uploads: Vec<(uuid::Uuid, crate::platform::files::Upload)>,
}

pub const CATEGORIES: &[&str] = &["charitable", "management", "fundraising_cost"];
/// Longest purpose text.
pub const MAX_PURPOSE: usize = 500;

/// Records a disbursement from a plan's funds: only an officer or organization account whose
/// region covers the plan's; never more than the plan's balance (decided in the transaction).
pub async fn disburse(
    state: &AppState,
    actor: &Actor,
    project: &str,
    req: &DisbursementRequest,
) -> AppResult<flows::DisbursementRow> {
    let amount_fen = model::check_fen("amount_fen", req.amount_fen)?;
    if !CATEGORIES.contains(&req.category.as_str()) {
        return Err(AppError::invalid(
            "category",
            "donations.category",
            "支出类别应为 慈善活动支出(charitable)、管理费用(management) 或 募捐成本(fundraising_cost)",
            "The category must be charitable, management or fundraising_cost",
        ));
    }
    let purpose = req.purpose.trim();
    if purpose.is_empty() || purpose.chars().count() > MAX_PURPOSE {
        return Err(AppError::invalid(
            "purpose",
            "donations.purpose",
            format!("请填写用途（最多 {MAX_PURPOSE} 字）"),
            format!("Give the purpose (at most {MAX_PURPOSE} characters)"),
        ));
    }
    if req.beneficiaries < 0 {
        return Err(AppError::invalid(
            "beneficiaries",
            "donations.beneficiaries",
            "受益人数不能为负",
            "The number of beneficiaries cannot be negative",
        ));
    }
    for (i, d) in req.documents.iter().enumerate() {
        d.check(&format!("documents[{i}]"))?;
    }
    let plan = store::plan_by_filing_no(&state.db, project.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let region = codes::RegionCode::parse(&plan.region_code)
        .map_err(|e| anyhow::anyhow!("stored region {}: {e:?}", plan.region_code))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    crate::platform::auth::authorize_for_organization(
        &state.db,
        actor,
        &crate::platform::auth::Access::roles(super::DISBURSERS),
        plan.organization_id,
        &region,
    )
    .await?;
    let today = state.clock.today();
    if req.paid_on > today || req.paid_on < plan.starts_on {
        return Err(AppError::invalid(
            "paid_on",
            "donations.paid_on",
            format!("支付日期应在 {} 至今天之间", plan.starts_on),
            format!(
                "The payment date must be between {} and today",
                plan.starts_on
            ),
        ));
    }
    flows::disburse(
        &state.db,
        state.clock.now(),
        actor,
        user.user_id,
        &plan,
        &flows::NewDisbursement {
            amount_fen,
            category: req.category.clone(),
            purpose: purpose.to_string(),
            beneficiaries: req.beneficiaries,
            paid_on: req.paid_on,
            // A document names a file only when its upload came with it (the API cannot
            // point a record at a file kept for something else).
            documents: req
                .documents
                .iter()
                .map(|d| flows::Document {
                    file_id: d
                        .file_id
                        .filter(|id| req.uploads.iter().any(|(u, _)| u == id)),
                    ..d.clone()
                })
                .collect(),
            uploads: req.uploads.clone(),
        },
    )
    .await
}
