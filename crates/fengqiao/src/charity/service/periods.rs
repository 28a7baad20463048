//! The charity service's reads of the rule parameters: each period or threshold in force on
//! the date that counts, passed into the pure rules of `model`.

use chrono::NaiveDate;

use super::super::model::{self, Kind, rules};
use crate::platform::rules::{Period, Unit};
use crate::platform::{AppError, AppResult, AppState};

/// The decision period of `kind` in force on `applied_on` (its calendar type is part of the
/// row), and its last day.
pub(super) async fn deadline(
    state: &AppState,
    kind: Kind,
    applied_on: NaiveDate,
) -> AppResult<(Period, NaiveDate)> {
    let period = state
        .rules
        .period_on(kind.deadline_key(), applied_on)
        .await?;
    let last = match period.unit {
        Unit::Days => applied_on + chrono::Days::new(period.count.into()),
        Unit::WorkingDays => crate::calendar::store::load(&state.db)
            .await?
            .add_working_days(applied_on, period.count)
            .map_err(|e| AppError::from_code("deadline", &e))?,
        other => Err(anyhow::anyhow!(
            "rule parameter `{}` counts {}; a decision period counts days or working days",
            kind.deadline_key(),
            other.key()
        ))?,
    };
    Ok((period, last))
}

/// The eligibility checks of an application of `kind` made on `applied_on`, as they stand on
/// `today`. The qualification's minimum time as a charity is the version in force on the
/// application date (DOMAIN.md rule 22: 12 months from 2024-09-05, 24 before); the time itself
/// is counted up to `today`.
pub(super) async fn checks(
    state: &AppState,
    kind: Kind,
    applied_on: NaiveDate,
    org: &model::OrgFacts,
    charity: Option<&model::Charity>,
    today: NaiveDate,
) -> AppResult<Vec<model::Check>> {
    Ok(match kind {
        Kind::Recognition => model::recognition_checks(org, charity),
        Kind::Qualification => {
            let min_months = state
                .rules
                .months_on(rules::QUALIFICATION_MIN_MONTHS, applied_on)
                .await?;
            model::qualification_checks(org, charity, today, min_months)
        }
    })
}
