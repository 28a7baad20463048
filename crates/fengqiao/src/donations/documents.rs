//! A disbursement's supporting documents (支出凭证), downloaded from the file store by the
//! officers of the plan's region and the organization's own accounts: the route's access is the
//! plan's ([`crate::charity::FUNDRAISING_PLAN`]), and the file must be a document of a
//! disbursement of that plan. The public sees each document's name and SHA-256 on the project
//! page, not its bytes (invoices and beneficiary lists name people).

use axum::extract::State;
use axum::response::Response;

use super::flows::{self, DISBURSEMENT_FILES};
use crate::platform::extract::{Path, parse_id};
use crate::platform::files;
use crate::platform::{AppError, AppResult, AppState};

/// `GET /projects/{filing_no}/documents/{file_id}`.
pub async fn download(
    State(state): State<AppState>,
    Path((filing_no, file_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&file_id)?;
    let file = files::get(&state.db, id, DISBURSEMENT_FILES)
        .await?
        .ok_or(AppError::NotFound)?;
    let disbursement = uuid::Uuid::parse_str(&file.object_id)
        .map_err(|e| anyhow::anyhow!("stored object id {}: {e}", file.object_id))?;
    // A document of another plan's disbursement is not found under this plan.
    match flows::disbursement_project(&state.db, disbursement).await? {
        Some(project) if project == filing_no => {}
        _ => return Err(AppError::NotFound),
    }
    let bytes = state.files.read(&file.sha256).await?;
    Ok(files::download(&file, bytes))
}

/// Documents kept before the file store (bytes under the data directory's `documents/`, named
/// by their SHA-256, no row of their own) move onto it when a server starts: each becomes a
/// file of its disbursement, its record gains the file's id, and the old copy is removed.
/// Bytes that are missing stay missing (the record keeps the name and digest); returns how
/// many documents moved.
pub async fn adopt_legacy(state: &AppState) -> AppResult<usize> {
    let dir = state.config.data_dir.join("documents");
    if !dir.is_dir() {
        return Ok(0);
    }
    let mut moved = 0;
    for (id, documents, recorded_by) in flows::documents_without_files(&state.db).await? {
        let mut docs: Vec<flows::Document> = serde_json::from_str(&documents)
            .map_err(|e| anyhow::anyhow!("stored documents of {id}: {e}"))?;
        let mut uploads = Vec::new();
        for d in docs.iter_mut().filter(|d| d.file_id.is_none()) {
            let Ok(bytes) = std::fs::read(dir.join(&d.sha256)) else {
                continue;
            };
            if crate::platform::files::digest(&bytes) != d.sha256 {
                tracing::warn!(disbursement = %id, document = %d.name, "a legacy document no longer matches its digest; left where it is");
                continue;
            }
            let upload = files::Upload {
                name: d.name.clone(),
                // Never checked when it was kept: its type is what its bytes say, if anything.
                media_type: infer::get(&bytes)
                    .map(|t| t.mime_type())
                    .unwrap_or("application/octet-stream"),
                sha256: d.sha256.clone(),
                bytes,
            };
            state.files.keep(&upload).await?;
            let file_id = uuid::Uuid::now_v7();
            d.file_id = Some(file_id);
            uploads.push((file_id, upload));
        }
        if uploads.is_empty() {
            continue;
        }
        flows::attach_documents(
            &state.db,
            state.clock.now(),
            id,
            recorded_by,
            &docs,
            &uploads,
        )
        .await?;
        for (_, u) in &uploads {
            let _ = std::fs::remove_file(dir.join(&u.sha256));
        }
        moved += uploads.len();
    }
    // Once every legacy document has moved, the folder goes too, so that later starts stop at
    // the first check instead of reading every disbursement again (a folder still holding
    // bytes no record claims is left for a person to look at).
    let _ = std::fs::remove_dir(&dir);
    Ok(moved)
}
