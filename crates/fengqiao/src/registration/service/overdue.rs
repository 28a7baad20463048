//! Overdue review steps (POLICY 十四: the departments review in parallel, each with a deadline
//! in working days). A step is overdue from the first day after its deadline: the deadline is
//! the last working day counted from acceptance on the stored holiday calendar
//! (`rules::step_deadline`, the rule parameter in force on the day of acceptance), so due today
//! is not overdue and due yesterday is.
//!
//! Design: the list is computed live from `review_steps` for the actor's region — a county
//! officer sees his own, a city officer those of all his counties (the superior's view). A
//! scheduled sweep (the registry's job in the platform scheduler, every [`SWEEP_INTERVAL`]) writes one `notifications` row per
//! step for the region handling the application (`officer`) and one for the region above it
//! (`superior`), audited with an `application.step_overdue` outbox event in the same
//! transaction, so subscribers of `/api/v1/events` learn of it too. Rows are unique per step
//! and recipient: sweeping again tells no one twice.

use std::time::Duration;

use codes::RegionCode;

use super::super::store::overdue::{self as store, OverdueStep};
use crate::platform::auth::{Actor, Role};
use crate::platform::i18n::{self, Lang};
use crate::platform::notifications::{Notice, Recipient};
use crate::platform::{AppResult, AppState, region_prefix};

/// How often the server looks for newly overdue steps.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Most rows one list returns.
pub const LIST_LIMIT: i64 = 500;

/// Overdue steps inside the region (the region's own and everything below it).
pub async fn list(state: &AppState, region: &RegionCode) -> AppResult<Vec<OverdueStep>> {
    store::overdue(
        &state.db,
        &region_prefix(region),
        state.clock.today(),
        LIST_LIMIT,
    )
    .await
}

/// The region above the one handling an application (its stored parent; the structural one
/// when the division table has none). `None` for the province.
async fn superior(state: &AppState, region: &str) -> AppResult<Option<String>> {
    if let Some(r) = crate::regions::store::get(&state.db, region).await?
        && let Some(p) = r.parent_code
    {
        return Ok(Some(p));
    }
    Ok(RegionCode::parse(region)
        .ok()
        .and_then(|r| r.parent())
        .map(|p| p.to_string()))
}

/// Tells the officer's region and its superior about every overdue step not told yet.
/// Returns how many notifications were written.
pub async fn flag(state: &AppState) -> AppResult<u64> {
    let steps = store::overdue(&state.db, "%", state.clock.today(), i64::MAX).await?;
    let mut told = 0;
    for s in &steps {
        let mut recipients = vec![Recipient::office(&s.region_code, Role::OFFICERS, "officer")];
        if let Some(up) = superior(state, &s.region_code).await? {
            recipients.push(Recipient::office(&up, Role::OFFICERS, "superior"));
        }
        let link = format!("/registry/applications/{}", s.application_id);
        let note = |lang| {
            format!(
                "{} · {} {}",
                i18n::t(lang, &format!("registry.step.{}", s.step)),
                i18n::t(lang, "registry.deadline"),
                s.deadline
            )
        };
        let notice = Notice {
            kind: "step_overdue",
            object_kind: super::super::APPLICATION.name,
            object_id: s.application_id,
            topic: &s.step,
            subject: &s.name,
            link: &link,
            note: (note(Lang::Zh), note(Lang::En)),
            detail: serde_json::json!({
                "application_id": s.application_id, "application_name": s.name,
                "application_region": s.region_code, "step": s.step, "deadline": s.deadline,
            }),
            recipients,
        };
        told += store::notify(&state.db, state.clock.now(), &Actor::System, s, &notice).await?;
    }
    Ok(told)
}
