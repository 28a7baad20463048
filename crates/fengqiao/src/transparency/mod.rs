//! The transparency log (透明日志): every donation and disbursement becomes a leaf of an
//! RFC 6962 Merkle tree kept in the database, with Ed25519-signed tree heads and proofs served
//! in the style of Certificate Transparency (hex instead of base64). The tree itself is the
//! pure `translog` crate; this module stores it, signs it and publishes it.
//!
//! Writers add leaves with [`store::LogTx::append_leaves`] inside their own transaction, so a
//! record and its leaf commit together.

pub mod api;
pub mod audit;
pub mod cli;
pub mod model;
pub mod signer;
pub mod store;

use utoipa_axum::routes;

use crate::platform::AppState;
use crate::platform::auth::Access;
use crate::platform::module::Module;
use crate::platform::routes::Routes;
use crate::platform::scheduler::{BoxFuture, Job};

/// Everything here is public: the log exists so that anyone can check it.
/// The transparency log (透明日志, RFC 6962); a new signed tree head at least every
/// [`signer::SIGN_INTERVAL`] while entries arrive, signed by one server at a time.
pub const MODULE: Module = Module {
    tags: &[("transparency", "透明日志 Transparency log (RFC 6962)")],
    jobs: &[
        Job {
            name: "transparency.sign_tree_head",
            period: signer::SIGN_INTERVAL,
            run: sign,
        },
        Job {
            name: "transparency.anchor_audit",
            period: audit::ANCHOR_INTERVAL,
            run: anchor_audit,
        },
    ],
    ..Module::new("transparency", routes)
};

fn sign(state: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move {
        if let Some(size) = signer::sign_if_grown(&state).await? {
            tracing::info!(tree_size = size, "signed a new tree head");
        }
        Ok(())
    })
}

/// Anchors the settled audit rows as a leaf of the log (see [`audit`]).
fn anchor_audit(state: AppState) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move {
        if let Some(a) = audit::anchor(&state.db, state.clock.now()).await? {
            tracing::info!(
                batch = a.batch_no,
                rows = a.row_count,
                leaf = a.leaf_index,
                "anchored audit rows in the log"
            );
        }
        Ok(())
    })
}

pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::sth))
        .api(Access::PUBLIC, routes!(api::public_key))
        .api(Access::PUBLIC, routes!(api::inclusion))
        .api(Access::PUBLIC, routes!(api::consistency))
        .api(Access::PUBLIC, routes!(api::entries))
}
