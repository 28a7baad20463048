//! A stored warning (one row per organization, rule code and period) and its trail, as the
//! store reads them and the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::Level;

/// A warning as stored, with its organization's name and code.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WarningRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub uscc: Option<String>,
    pub region_code: String,
    pub code: String,
    pub period: String,
    pub level: String,
    pub figures: String,
    pub summary_zh: String,
    pub summary_en: String,
    pub clears_zh: String,
    pub clears_en: String,
    pub source: String,
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub last_seen_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    pub close_reason: Option<String>,
}

/// A warning as the API shows it (监管预警).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionWarning {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub uscc: Option<String>,
    pub region_code: String,
    /// Stable rule code, e.g. `charity.spending_ratio`.
    pub code: String,
    /// The year, or the plan (`plan:<filing number>[:<due date>]`).
    pub period: String,
    pub level: Level,
    /// The figures that caused it.
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub summary_zh: String,
    pub summary_en: String,
    /// What would clear it.
    pub clears_zh: String,
    pub clears_en: String,
    pub source: String,
    /// open | closed
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub last_seen_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    pub close_reason: Option<String>,
}

impl From<WarningRow> for SupervisionWarning {
    fn from(r: WarningRow) -> SupervisionWarning {
        SupervisionWarning {
            figures: serde_json::from_str(&r.figures).unwrap_or(serde_json::Value::Null),
            level: Level::from_key(&r.level).unwrap_or(Level::Yellow),
            id: r.id,
            organization_id: r.organization_id,
            organization_name: r.organization_name,
            uscc: r.uscc,
            region_code: r.region_code,
            code: r.code,
            period: r.period,
            summary_zh: r.summary_zh,
            summary_en: r.summary_en,
            clears_zh: r.clears_zh,
            clears_en: r.clears_en,
            source: r.source,
            state: r.state,
            opened_at: r.opened_at,
            last_seen_on: r.last_seen_on,
            closed_at: r.closed_at,
            closed_by: r.closed_by,
            close_reason: r.close_reason,
        }
    }
}

/// One action of a warning's trail: opened, reraised, note, closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TrailEntry {
    pub action: String,
    pub note: String,
    /// `None`: the engine.
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// A warning with its trail.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WarningDetail {
    pub warning: SupervisionWarning,
    pub trail: Vec<TrailEntry>,
}

/// What the engine knows of a stored warning when it compares a run's hits with it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Known {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_code: String,
    pub code: String,
    pub period: String,
    pub state: String,
    pub figures: String,
}
