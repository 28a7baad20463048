//! The register's leaders with their persons (负责人), as the supervision module's leader
//! management and the registration workflow's departure-audit check read them.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::platform::AppResult;
use crate::platform::db::Db;
use crate::with_db;

/// A leader of the register with his person (the supervision module's leader management reads
/// it through [`crate::registration::leaders_of`]).
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LeaderPerson {
    pub person_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    /// The keyed hash of the identity number: compared, never shown.
    #[serde(skip)]
    pub id_number_index: String,
    pub position: String,
    pub is_legal_rep: bool,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

pub async fn leader_persons(db: &Db, org: Uuid) -> AppResult<Vec<LeaderPerson>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, LeaderPerson>(
        "SELECT l.person_id, p.name, p.id_number_masked, p.id_number_index, l.position, l.is_legal_rep, l.started_on, l.ended_on \
         FROM leaders l JOIN persons p ON p.id = l.person_id WHERE l.organization_id = $1 ORDER BY l.started_on, l.created_at, l.id")
        .bind(org).fetch_all(pool).await?))
}

/// The keyed hash of the identity number of the legal representative an application names.
pub async fn proposed_legal_rep(db: &Db, application: Uuid) -> AppResult<Option<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT p.id_number_index FROM application_persons ap JOIN persons p ON p.id = ap.person_id \
         WHERE ap.application_id = $1 AND ap.is_legal_rep = $2")
        .bind(application).bind(true).fetch_optional(pool).await?))
}
