//! The credit module's service: parses what officers record, asks the pure rules, writes
//! through the store. Every date the rules count is the event's own (`occurred_on`), never the
//! day it was typed in.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::engine::{may_remove, project};
use super::model::{Episode, List, PenaltyKind, Standing, reason_of, rules as keys};
use super::store::{self, CreditEvent, ListedRow, NewEvent};
use crate::directory::model::{parse_date, parse_number, present};
use crate::platform::auth::Actor;
use crate::platform::{AppError, AppResult, AppState, region_prefix};
use crate::registration::model::Organization;

/// What an officer records (`POST /api/v1/organizations/{uscc}/credit/events`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    /// listing | penalty | removal_applied | rectified | removed | deregistered
    #[serde(default)]
    pub kind: String,
    /// For a listing: a reason code (`GET /api/v1/credit/reasons`).
    #[serde(default)]
    pub reason_code: Option<String>,
    /// For a penalty: warning | fine | confiscation | suspension | certificate_revoked |
    /// registration_cancelled.
    #[serde(default)]
    pub penalty_kind: Option<String>,
    /// For a fine: the amount in fen.
    #[serde(default)]
    pub amount_fen: Option<i64>,
    /// For removal_applied: abnormal | serious.
    #[serde(default)]
    pub list: Option<String>,
    /// YYYY-MM-DD: the day of the decision or fact, not after today.
    #[serde(default)]
    pub occurred_on: String,
    /// The decision's document number (required for listings by decision, penalties and
    /// removals).
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub authority: String,
    #[serde(default)]
    pub note: String,
}

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(field, &format!("credit.{field}"), zh, en)
}

const TEXT_MAX: usize = 500;

fn text(field: &str, s: &str, required: bool) -> AppResult<String> {
    crate::platform::input::text("credit", field, s, required, TEXT_MAX)
}

/// An organization's credit: its standing on `as_of`, every episode, its events.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreditView {
    pub organization_id: Uuid,
    pub uscc: Option<String>,
    pub name: String,
    pub region_code: String,
    #[serde(flatten)]
    pub standing: Standing,
    /// Every stay on either list, oldest first (those ended by time alone are ended at their
    /// date already).
    pub history: Vec<Episode>,
    pub events: Vec<CreditEvent>,
    /// The evaluation grade (社会组织评估, 1A–5A) current on `as_of`, a part of the credit record
    /// (其他信息, 令第60号; DOMAIN.md §5, §8); `None` without one or once it has expired.
    pub grade: Option<String>,
    /// Its last day of validity.
    pub grade_valid_until: Option<NaiveDate>,
    /// The supervision warnings open now: shown to the officers and inspectors of the
    /// organization's region only (`None` for anyone else), as the warnings themselves are.
    pub open_warnings: Option<i64>,
}

/// An organization's credit on `as_of`, as `actor` may read it.
pub async fn credit(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    as_of: NaiveDate,
) -> AppResult<CreditView> {
    let table = state.rules.table().await?;
    let events = store::events(&state.db, org.id).await?;
    let history = project(&store::to_events(&events)?, &table)?;
    let grade = crate::evaluation::grade(state, org.id, as_of).await?;
    let officer = actor.role().is_some_and(|r| {
        r != crate::platform::auth::Role::OrgAdmin
            && crate::supervision::WARNING_READERS.contains(&r)
    }) && codes::RegionCode::parse(&org.region_code).is_ok_and(|r| actor.covers(&r));
    let open_warnings = if officer {
        Some(crate::supervision::open_warnings(state, org.id).await?)
    } else {
        None
    };
    Ok(CreditView {
        organization_id: org.id,
        uscc: org.uscc.clone(),
        name: org.name.clone(),
        region_code: org.region_code.clone(),
        standing: Standing::of(&history, as_of),
        history,
        events,
        grade_valid_until: grade.as_ref().map(|g| g.valid_until),
        grade: grade.map(|g| g.grade),
        open_warnings,
    })
}

/// `credit::standing(organization, date)` for the other modules: listed or not, on which list.
pub async fn standing(
    state: &AppState,
    organization_id: Uuid,
    on: NaiveDate,
) -> AppResult<Standing> {
    let table = state.rules.table().await?;
    let events = store::events(&state.db, organization_id).await?;
    Ok(Standing::of(
        &project(&store::to_events(&events)?, &table)?,
        on,
    ))
}

/// Why a person may not be a founder or leader on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub zh: String,
    pub en: String,
}

/// The bar on a person (by the keyed hash of the identity number) on `on`: a 从业禁止 in force,
/// or a post held in an organization on the 严重违法失信名单 when it was listed (DOMAIN.md §3:
/// `credit::is_barred`, the check before accepting a leader).
pub async fn person_bar(
    state: &AppState,
    id_number_index: &str,
    on: NaiveDate,
) -> AppResult<Option<Bar>> {
    let rows = store::bars(&state.db, id_number_index, on).await?;
    Ok(rows.first().map(|b| match b.source.as_str() {
        "ban" => Bar {
            zh: format!("此人受从业禁止（{}，自 {}），不能担任发起人或负责人", b.reason, b.since),
            en: format!("This person is barred from practice ({}, since {}) and cannot be a founder or leader", b.reason, b.since),
        },
        _ => {
            let r = reason_of(&b.reason);
            let org = b.organization_name.clone().unwrap_or_default();
            Bar {
                zh: format!(
                    "此人任负责人的「{org}」自 {} 列入严重违法失信名单（{}），不能担任发起人或负责人",
                    b.since,
                    r.map(|r| r.zh).unwrap_or_default()
                ),
                en: format!(
                    "This person led {org}, on the list of serious violations since {} ({}), and cannot be a founder or leader",
                    b.since,
                    r.map(|r| r.en).unwrap_or_default()
                ),
            }
        }
    }))
}

/// Records an officer's event for the organization, after the checks its kind needs; returns
/// the organization's credit as of the event's day.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    b: &EventInput,
) -> AppResult<CreditView> {
    let today = state.clock.today();
    let occurred_on = parse_date("occurred_on", &b.occurred_on)?;
    if occurred_on > today {
        return Err(invalid(
            "occurred_on",
            "不能晚于今天",
            "Cannot be after today",
        ));
    }
    let document = text("document", &b.document, false)?;
    let mut e = NewEvent {
        id: Uuid::now_v7(),
        organization_id: org.id,
        region_code: org.region_code.clone(),
        kind: "",
        reason_code: None,
        penalty_kind: None,
        amount_fen: None,
        list: None,
        occurred_on,
        document: document.clone(),
        authority: text("authority", &b.authority, false)?,
        note: text("note", &b.note, false)?,
        dedupe_key: None,
    };
    let needs_document = || {
        if document.is_empty() {
            Err(invalid(
                "document",
                "须填写决定文书编号",
                "Enter the decision's document number",
            ))
        } else {
            Ok(())
        }
    };
    match b.kind.trim() {
        "listing" => {
            let code = b.reason_code.as_deref().unwrap_or("").trim();
            let r = reason_of(code).ok_or_else(|| {
                invalid(
                    "reason_code",
                    "没有此列入事由",
                    "No such reason for a listing",
                )
            })?;
            needs_document()?;
            e.kind = "listing";
            e.reason_code = Some(r.code);
        }
        "penalty" => {
            let k = b
                .penalty_kind
                .as_deref()
                .and_then(|s| PenaltyKind::from_key(s.trim()))
                .ok_or_else(|| {
                    invalid("penalty_kind", "没有此处罚种类", "No such kind of penalty")
                })?;
            let amount = match (k, b.amount_fen) {
                (PenaltyKind::Fine, Some(a)) if a > 0 => Some(a),
                (PenaltyKind::Fine, _) => {
                    return Err(invalid(
                        "amount_fen",
                        "罚款须填写金额（分，大于 0）",
                        "A fine needs its amount in fen, above 0",
                    ));
                }
                (_, Some(_)) => {
                    return Err(invalid(
                        "amount_fen",
                        "只有罚款有金额",
                        "Only a fine has an amount",
                    ));
                }
                (_, None) => None,
            };
            needs_document()?;
            e.kind = "penalty";
            e.penalty_kind = Some(k.key());
            e.amount_fen = amount;
        }
        "removal_applied" => {
            let l = b
                .list
                .as_deref()
                .and_then(|s| List::from_key(s.trim()))
                .ok_or_else(|| {
                    invalid(
                        "list",
                        "应为 abnormal 或 serious",
                        "Must be abnormal or serious",
                    )
                })?;
            e.kind = "removal_applied";
            e.list = Some(l.key());
        }
        "rectified" => e.kind = "rectified",
        "removed" => {
            needs_document()?;
            e.kind = "removed";
        }
        "deregistered" => e.kind = "deregistered",
        _ => {
            return Err(invalid(
                "kind",
                "应为 listing、penalty、removal_applied、rectified、removed 或 deregistered",
                "Must be listing, penalty, removal_applied, rectified, removed or deregistered",
            ));
        }
    }
    let table = state.rules.table().await?;
    let kind = e.kind;
    let list = e.list;
    store::add_event(&state.db, state.clock.now(), actor, &table, &e, |before| {
        check(kind, list, before, occurred_on)
    })
    .await?;
    credit(state, actor, org, occurred_on).await
}

fn not_listed(list: List) -> AppError {
    AppError::conflict(
        "credit.not_listed",
        format!("该组织当日不在{}上", list.zh()),
        format!("The organization is not on the {} on that day", list.en()),
    )
}

/// What each kind needs of the standing on its day (rules 16, 19).
fn check(kind: &str, list: Option<&str>, before: &[Episode], on: NaiveDate) -> AppResult<()> {
    let s = Standing::of(before, on);
    match kind {
        "removal_applied" => {
            let l = list.and_then(List::from_key).unwrap_or(List::Abnormal);
            let open = match l {
                List::Abnormal => s.abnormal.is_some(),
                List::Serious => s.serious.is_some(),
            };
            if !open {
                return Err(not_listed(l));
            }
        }
        "rectified" if !s.listed() => return Err(not_listed(List::Abnormal)),
        "removed" => may_remove(before, on).map_err(|r| AppError::conflict(r.code, r.zh, r.en))?,
        _ => {}
    }
    Ok(())
}

/// The officer's deadline for a removal applied for on `applied_on`: 5 working days after it
/// (rules 16, 19), the period in force on the application date.
pub async fn verification_deadline(
    state: &AppState,
    applied_on: NaiveDate,
) -> AppResult<NaiveDate> {
    let n = state
        .rules
        .table()
        .await?
        .working_days_on(keys::REMOVAL_VERIFICATION_DEADLINE, applied_on)?;
    crate::calendar::store::load(&state.db)
        .await?
        .add_working_days(applied_on, n)
        .map_err(|e| AppError::from_code("applied_on", &e))
}

pub use crate::supervision::LateReport;

/// Lists each late report's organization on the 活动异常名录 from the first day after its
/// deadline (rule 15(1), automatic), once per report year: running again adds nothing.
/// Returns how many listings were added.
pub async fn list_late_reports(state: &AppState, late: &[LateReport]) -> AppResult<u64> {
    let table = state.rules.table().await?;
    let listed = store::dedupe_keys(&state.db, "late_report:").await?;
    let mut added = 0;
    for l in late {
        if listed.contains(&late_key(l)) {
            continue;
        }
        let Some(org) = crate::registration::store::governance::organization(
            &state.db,
            &crate::registration::store::governance::OrgKey::Id(l.organization_id),
        )
        .await?
        else {
            continue;
        };
        let on = l.deadline + Days::new(1);
        let e = NewEvent {
            id: Uuid::now_v7(),
            organization_id: org.id,
            region_code: org.region_code.clone(),
            kind: "listing",
            reason_code: Some(super::model::LATE_ANNUAL_REPORT),
            penalty_kind: None,
            amount_fen: None,
            list: None,
            occurred_on: on,
            document: String::new(),
            authority: String::new(),
            note: format!(
                "{} 年度工作报告截止 {} 未报送 / annual report on {} not filed by {}",
                l.year, l.deadline, l.year, l.deadline
            ),
            dedupe_key: Some(late_key(l)),
        };
        if store::add_event(
            &state.db,
            state.clock.now(),
            &Actor::System,
            &table,
            &e,
            |_| Ok(()),
        )
        .await?
        {
            added += 1;
        }
    }
    Ok(added)
}

fn late_key(l: &LateReport) -> String {
    format!("late_report:{}:{}", l.year, l.organization_id)
}

/// The nightly run (a job of the platform scheduler): every annual report on a year the
/// platform judges ([`keys::FIRST_JUDGED_YEAR`] on, read today) not submitted by its deadline,
/// asked of the supervision module, lists its organization (rule 15(1)). Idempotent.
pub async fn sweep_late_reports(state: &AppState) -> AppResult<u64> {
    let today = state.clock.today();
    let first = state
        .rules
        .table()
        .await?
        .number_on(keys::FIRST_JUDGED_YEAR, today)?;
    let late: Vec<LateReport> = crate::supervision::late_reporters(state, today)
        .await?
        .into_iter()
        .filter(|l| i64::from(l.year) >= i64::from(first))
        .collect();
    list_late_reports(state, &late).await
}

/// The query of the public lists.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// A division code: organizations registered inside it.
    pub region: Option<String>,
    /// Part of the name or the credit code.
    pub q: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<String>,
    /// 1–100 (default 20).
    pub per_page: Option<String>,
    /// YYYY-MM-DD (default today): the lists as they stood that day.
    pub as_of: Option<String>,
    /// `csv` for a CSV export of every match (up to 10,000).
    pub format: Option<String>,
}

/// One organization on a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListedItem {
    #[serde(flatten)]
    pub row: ListedRow,
    pub reason_zh: String,
    pub reason_en: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListPage {
    pub total: i64,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<ListedItem>,
}

pub async fn list_page(state: &AppState, list: List, q: &ListQuery) -> AppResult<ListPage> {
    let region_like = match present(&q.region) {
        None => "%".to_string(),
        Some(s) => region_prefix(
            &codes::RegionCode::parse(s).map_err(|e| AppError::from_code("region", &e))?,
        ),
    };
    let as_of = match present(&q.as_of) {
        None => state.clock.today(),
        Some(s) => parse_date("as_of", s)?,
    };
    let page = parse_number("page", &q.page, 1, 10_000)?;
    let per_page = parse_number("per_page", &q.per_page, 20, 100)?;
    let text = present(&q.q).unwrap_or("");
    let (total, rows) = store::listed(
        &state.db,
        list,
        as_of,
        &region_like,
        text,
        per_page as i64,
        ((page - 1) * per_page) as i64,
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let r = reason_of(&row.reason_code);
            ListedItem {
                reason_zh: r.map(|r| r.zh.to_string()).unwrap_or_default(),
                reason_en: r.map(|r| r.en.to_string()).unwrap_or_default(),
                row,
            }
        })
        .collect();
    Ok(ListPage {
        total,
        page,
        per_page,
        items,
    })
}

/// A 从业禁止 to record (`POST /api/v1/credit/bans`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BanInput {
    /// 居民身份证号码 (kept only as its keyed hash and masked).
    #[serde(default)]
    pub id_number: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub banned_from: String,
    /// YYYY-MM-DD, inclusive; empty: open-ended.
    #[serde(default)]
    pub banned_until: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub document: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BanView {
    pub id: Uuid,
    pub id_number_masked: String,
    pub banned_from: NaiveDate,
    pub banned_until: Option<NaiveDate>,
    pub reason: String,
    pub document: String,
}

pub async fn add_ban(state: &AppState, actor: &Actor, b: &BanInput) -> AppResult<BanView> {
    let id = codes::IdNumber::parse(b.id_number.trim())
        .map_err(|e| AppError::from_code("id_number", &e))?;
    let from = parse_date("banned_from", &b.banned_from)?;
    let until = match b.banned_until.trim() {
        "" => None,
        s => Some(parse_date("banned_until", s)?),
    };
    if until.is_some_and(|u| u < from) {
        return Err(invalid(
            "banned_until",
            "不能早于开始日期",
            "Cannot be before the start",
        ));
    }
    let reason = text("reason", &b.reason, true)?;
    let document = text("document", &b.document, true)?;
    let ban_id = Uuid::now_v7();
    let index = state.pii.blind_index(id.as_str());
    store::add_ban(
        &state.db,
        state.clock.now(),
        actor,
        ban_id,
        &index,
        (from, until),
        &reason,
        &document,
    )
    .await?;
    Ok(BanView {
        id: ban_id,
        id_number_masked: id.masked(),
        banned_from: from,
        banned_until: until,
        reason,
        document,
    })
}
