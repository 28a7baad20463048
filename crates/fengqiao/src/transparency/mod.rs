//! The transparency log (透明日志): every donation and disbursement becomes a leaf of an
//! RFC 6962 Merkle tree kept in the database, with Ed25519-signed tree heads and proofs served
//! in the style of Certificate Transparency (hex instead of base64). The tree itself is the
//! pure `translog` crate; this module stores it, signs it and publishes it.
//!
//! Writers add leaves with [`store::LogTx::append_leaves`] inside their own transaction, so a
//! record and its leaf commit together.

pub mod api;
pub mod cli;
pub mod model;
pub mod signer;
pub mod store;

use utoipa_axum::routes;

use crate::platform::auth::Access;
use crate::platform::routes::Routes;

/// Everything here is public: the log exists so that anyone can check it.
pub fn routes() -> Routes {
    Routes::new()
        .api(Access::PUBLIC, routes!(api::sth))
        .api(Access::PUBLIC, routes!(api::public_key))
        .api(Access::PUBLIC, routes!(api::inclusion))
        .api(Access::PUBLIC, routes!(api::consistency))
        .api(Access::PUBLIC, routes!(api::entries))
}
