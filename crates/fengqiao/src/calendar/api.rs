//! JSON handlers: deadlines in working days, and the holiday rows the province maintains.

use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::store;
use crate::platform::auth::Actor;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Query};
use crate::platform::{AppError, AppResult, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeadlineQuery {
    /// The triggering day (YYYY-MM-DD); counting starts the day after (民法典 Art. 201).
    pub start: String,
    /// Number of working days (工作日).
    pub working_days: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Deadline {
    pub start: NaiveDate,
    pub working_days: u32,
    /// The last day of the period.
    pub deadline: NaiveDate,
}

fn parse_date(field: &str, s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            field,
            "date.malformed",
            "日期格式应为 YYYY-MM-DD",
            "The date must be written YYYY-MM-DD",
        )
    })
}

/// The deadline `working_days` working days after `start`, from the stored holiday calendar.
/// A period that runs past the last year in the calendar is refused, never guessed.
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "codes", params(DeadlineQuery),
    responses((status = 200, body = Deadline), (status = 422, body = Problem)))]
pub async fn deadline(
    State(state): State<AppState>,
    Query(q): Query<DeadlineQuery>,
) -> AppResult<Json<Deadline>> {
    let start = parse_date("start", &q.start)?;
    let cal = store::load(&state.db).await?;
    let deadline = cal
        .add_working_days(start, q.working_days)
        .map_err(|e| AppError::from_code("start", &e))?;
    Ok(Json(Deadline {
        start,
        working_days: q.working_days,
        deadline,
    }))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct HolidayInput {
    /// YYYY-MM-DD
    pub date: String,
    /// `off` (放假) or `work` (调休上班)
    pub kind: String,
    pub name: String,
    /// Year of the State Council notice.
    pub notice_year: i32,
}

/// Adds or replaces holiday rows (e.g. next year's notice). The calendar must stay consistent
/// (contiguous notice years, make-up days on weekends); a bad row names its index and field.
#[utoipa::path(post, path = "/api/v1/calendar/holidays", tag = "codes", request_body = Vec<HolidayInput>,
    responses((status = 200, body = Vec<HolidayInput>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_holidays(
    State(state): State<AppState>,
    actor: Actor,
    Json(input): Json<Vec<HolidayInput>>,
) -> AppResult<Json<Vec<HolidayInput>>> {
    let mut rows = Vec::new();
    for (i, h) in input.iter().enumerate() {
        let date = parse_date(&format!("[{i}].date"), &h.date)?;
        let kind = match h.kind.as_str() {
            "off" => codes::DayKind::Off,
            "work" => codes::DayKind::Work,
            _ => {
                return Err(AppError::invalid(
                    &format!("[{i}].kind"),
                    "holiday.kind",
                    "类型应为 off（放假）或 work（调休上班）",
                    "Kind must be off or work",
                ));
            }
        };
        if h.name.trim().is_empty() {
            return Err(AppError::invalid(
                &format!("[{i}].name"),
                "holiday.name",
                "请填写节日名称",
                "Enter the holiday's name",
            ));
        }
        rows.push(codes::HolidayRow {
            date,
            kind,
            name: h.name.trim().to_string(),
            year: h.notice_year,
        });
    }
    // Check the whole calendar with the new rows before anything is written.
    store::load(&state.db)
        .await?
        .with_rows(rows.clone())
        .map_err(|e| AppError::from_code("rows", &e))?;
    store::put_rows(&state.db, state.clock.now(), &actor, &rows).await?;
    Ok(Json(input))
}
