//! Keeps the search index current: rebuilt from the organizations table when it is missing,
//! of another schema, or counts other documents than the table has rows; otherwise it follows
//! the outbox from the id committed with it and reindexes the organizations that changed.
//! Handlers never index by hand: after a write they may call [`catch_up`] so that their change
//! is searchable at once, which runs the same path as the background follower.

use std::collections::BTreeSet;
use std::time::Duration;

use uuid::Uuid;

use super::store;
use crate::platform::db::Db;
use crate::platform::search::SearchIndex;
use crate::platform::{AppResult, AppState};

/// How often the follower looks at the outbox.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Events read per round.
const EVENTS_PER_ROUND: i64 = 2000;
/// Rows read per round of a rebuild.
const REBUILD_PAGE: i64 = 5000;

fn blocking_err(e: tokio::task::JoinError) -> crate::platform::AppError {
    crate::platform::AppError::Internal(anyhow::anyhow!("index task: {e}"))
}

async fn run<R: Send + 'static>(
    index: &SearchIndex,
    f: impl FnOnce(&SearchIndex) -> anyhow::Result<R> + Send + 'static,
) -> AppResult<R> {
    let ix = index.clone();
    Ok(tokio::task::spawn_blocking(move || f(&ix))
        .await
        .map_err(blocking_err)??)
}

/// Rebuilds the index from the database (`fengqiao reindex`). Returns the documents indexed.
pub async fn rebuild(db: &Db, index: &SearchIndex, quiet: bool) -> AppResult<u64> {
    let _guard = index.sync_lock().lock().await;
    rebuild_locked(db, index, quiet).await
}

async fn rebuild_locked(db: &Db, index: &SearchIndex, quiet: bool) -> AppResult<u64> {
    // Events after this id may or may not be in the rows read: they are applied again after.
    let outbox_id = store::max_outbox_id(db).await?;
    let total = store::count_organizations(db).await?;
    let mut progress =
        (!quiet).then(|| crate::platform::progress::Progress::new("index", total as u64));
    run(index, |ix| ix.clear()).await?;
    let mut after: Option<Uuid> = None;
    let mut n = 0u64;
    loop {
        let rows = match store::orgs_after(db, after, REBUILD_PAGE).await {
            Ok(r) => r,
            Err(e) => {
                let _ = run(index, |ix| ix.rollback()).await;
                return Err(e);
            }
        };
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        n += rows.len() as u64;
        let docs: Vec<_> = rows.iter().map(|r| r.to_doc()).collect();
        run(index, move |ix| ix.upsert(&docs)).await?;
        if let Some(p) = progress.as_mut() {
            p.inc(rows.len() as u64);
        }
    }
    run(index, move |ix| ix.commit(outbox_id)).await?;
    run(index, |ix| ix.compact()).await?;
    if let Some(p) = progress {
        p.finish();
    }
    tracing::info!(documents = n, outbox_id, "search index rebuilt");
    Ok(n)
}

/// Applies the outbox events after the index's id. Returns the organizations reindexed.
pub async fn catch_up(db: &Db, index: &SearchIndex) -> AppResult<usize> {
    let _guard = index.sync_lock().lock().await;
    catch_up_locked(db, index).await
}

async fn catch_up_locked(db: &Db, index: &SearchIndex) -> AppResult<usize> {
    let mut changed = 0;
    loop {
        let events = store::outbox_after(db, index.seen_outbox_id(), EVENTS_PER_ROUND).await?;
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(changed);
        };
        let mut ids = BTreeSet::new();
        let mut usccs = BTreeSet::new();
        for e in events.iter().filter(|e| e.object_kind == "organization") {
            // The register names organizations by id; a credit code is accepted too.
            match Uuid::parse_str(&e.object_id) {
                Ok(id) => ids.insert(id),
                Err(_) => usccs.insert(e.object_id.clone()),
            };
        }
        if ids.is_empty() && usccs.is_empty() {
            index.mark_seen(last);
            continue;
        }
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let mut rows = store::orgs_by_ids(db, &ids).await?;
        rows.extend(store::orgs_by_usccs(db, &usccs.into_iter().collect::<Vec<_>>()).await?);
        let found: BTreeSet<Uuid> = rows.iter().map(|r| r.id).collect();
        let gone: Vec<String> = ids
            .iter()
            .filter(|id| !found.contains(id))
            .map(|id| id.to_string())
            .collect();
        changed += rows.len();
        let docs: Vec<_> = rows.iter().map(|r| r.to_doc()).collect();
        run(index, move |ix| {
            ix.delete(&gone)?;
            ix.upsert(&docs)?;
            ix.commit(last)
        })
        .await?;
    }
}

/// Brings the index up to date at start: a rebuild when it is new, of another schema, ahead of
/// the database (restored backup) or counting other documents than the table holds (demo data
/// loaded without events); else the events since its commit.
pub async fn ensure(db: &Db, index: &SearchIndex) -> AppResult<()> {
    let _guard = index.sync_lock().lock().await;
    let max = store::max_outbox_id(db).await?;
    match index.applied_outbox_id() {
        Some(applied) if applied <= max => {
            catch_up_locked(db, index).await?;
            let rows = store::count_organizations(db).await?;
            if rows as u64 != index.num_docs() {
                rebuild_locked(db, index, true).await?;
            }
        }
        _ => {
            rebuild_locked(db, index, true).await?;
        }
    }
    Ok(())
}

/// Brings the index up to date, then follows the outbox in the background for as long as the
/// runtime lives.
pub async fn start(state: &AppState) -> AppResult<()> {
    let (db, index) = (state.db.clone(), state.search.clone());
    tokio::task::spawn_blocking(crate::platform::search::tokenizer::warm_up)
        .await
        .map_err(blocking_err)?;
    ensure(&db, &index).await?;
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(POLL_INTERVAL).await;
            if let Err(e) = catch_up(&db, &index).await {
                tracing::warn!(error = %e, "search index: following the outbox failed; retrying");
            }
        }
    });
    Ok(())
}
