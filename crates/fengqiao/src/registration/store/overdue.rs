//! SQL of overdue review steps and their notifications: a pending step whose deadline (a
//! working day counted from acceptance) has passed is listed for the regions above it and told,
//! once, to the officer's region and to the region above.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::platform::AppResult;
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::notifications::{Notice, Notify};
use crate::{with_db, with_tx};

/// A pending review step after its deadline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OverdueStep {
    pub application_id: Uuid,
    pub name: String,
    /// The authority's region (the officer who handles the application).
    pub region_code: String,
    pub step: String,
    /// The last working day of the step; overdue from the day after.
    pub deadline: NaiveDate,
    /// When the officer and his superior were told (`None`: not yet).
    #[sqlx(default)]
    pub notified_at: Option<DateTime<Utc>>,
}

/// Pending steps of applications in review whose deadline is before `today`, inside `prefix`
/// (a LIKE pattern), oldest deadline first.
pub async fn overdue(
    db: &Db,
    prefix: &str,
    today: NaiveDate,
    limit: i64,
) -> AppResult<Vec<OverdueStep>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, OverdueStep>(
        "SELECT a.id AS application_id, a.name, a.region_code, s.step, s.deadline, \
                (SELECT MIN(n.created_at) FROM notifications n WHERE n.kind = 'step_overdue' AND n.object_id = a.id AND n.topic = s.step) AS notified_at \
         FROM review_steps s JOIN applications a ON a.id = s.application_id \
         WHERE s.state = 'pending' AND a.state = 'in_review' AND s.deadline < $1 AND a.region_code LIKE $2 \
         ORDER BY s.deadline, a.id, s.step LIMIT $3")
        .bind(today).bind(prefix).bind(limit).fetch_all(pool).await?))
}

/// Notifies the recipients of one overdue step (the officer's region and the superior's) through
/// the platform's notifications, and audits it; recipients told before are skipped. Returns how
/// many were told now.
pub async fn notify(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    step: &OverdueStep,
    notice: &Notice<'_>,
) -> AppResult<u64> {
    let told = with_tx!(db, tx => {
        let told = tx.notify(now, notice).await?;
        if told > 0 {
            let who: Vec<_> = notice.recipients.iter().map(|r| json!({"region": r.region, "audience": r.audience})).collect();
            tx.record(now, &Change {
                actor,
                action: "application.step_overdue",
                object_kind: "application",
                object_id: step.application_id.to_string(),
                region_code: Some(step.region_code.clone()),
                before: None,
                after: Some(json!({"step": step.step, "deadline": step.deadline, "notified": who})),
            }).await?;
        }
        told
    });
    Ok(told)
}
