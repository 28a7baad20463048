//! JSON handlers for checking standard codes.

use axum::extract::State;

use super::model::{UsccCheck, check_uscc};
use crate::platform::extract::{Json, Path};
use crate::platform::{AppResult, AppState};

/// Checks a 统一社会信用代码: whether it is valid and what it says (authority, organization type,
/// region, organization code), or which character is wrong and what was expected.
#[utoipa::path(get, path = "/api/v1/codes/uscc/{code}", tag = "codes",
    params(("code" = String, Path, description = "The 18-character code")),
    responses((status = 200, body = UsccCheck)))]
pub async fn uscc(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<UsccCheck>> {
    // Look the area up first (a valid code has it at positions 3–8), then build the answer.
    let region = codes::Uscc::parse(&code)
        .ok()
        .map(|u| u.region_code().to_string());
    let name = match &region {
        Some(r) => crate::regions::store::get(&state.db, r)
            .await?
            .map(|r| r.name),
        None => None,
    };
    Ok(Json(check_uscc(&code, |_| name.clone())))
}
