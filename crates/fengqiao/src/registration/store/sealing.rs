//! Sealing objectors' contacts written in plaintext before migration 0015: SQL cannot encrypt,
//! so the migration renamed the column to `legacy_contact` and a starting server seals what is
//! left there (see the migration's comment).

use uuid::Uuid;

use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::journal::{Change, Journal};
use crate::platform::pii::{PiiCipher, mask_phone};
use crate::{with_db, with_tx};

/// Rows sealed per transaction (bounded, so that one start does not hold the writer for long).
const SEAL_BATCH: i64 = 500;

/// Seals every objection whose contact is still in plaintext (`legacy_contact`): writes the
/// sealed and masked contact and empties the plaintext in one transaction per batch, each row
/// audited (`pii.seal`, by the system). Returns how many were sealed; 0 once done. Safe to run
/// on several servers at once: a row is updated only while it still holds the plaintext read.
///
/// The database may keep the overwritten bytes in free pages (SQLite) or dead row versions
/// (PostgreSQL) until they are reused or vacuumed; run `VACUUM` after the first start to be sure.
pub async fn seal_legacy_contacts(
    db: &Db,
    pii: &PiiCipher,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    let mut sealed = 0;
    loop {
        let rows: Vec<(Uuid, String, String)> = with_db!(db, pool => sqlx::query_as(
            "SELECT o.id, o.legacy_contact, a.region_code FROM objections o JOIN applications a ON a.id = o.application_id \
             WHERE o.legacy_contact <> '' ORDER BY o.id LIMIT $1")
            .bind(SEAL_BATCH).fetch_all(pool).await?);
        if rows.is_empty() {
            return Ok(sealed);
        }
        let n = with_tx!(db, tx => {
            let mut n = 0;
            for (id, plain, region) in &rows {
                let done = sqlx::query("UPDATE objections SET contact_sealed = $1, contact_masked = $2, legacy_contact = '' \
                                        WHERE id = $3 AND legacy_contact = $4")
                    .bind(pii.encrypt(plain)).bind(mask_phone(plain)).bind(id).bind(plain)
                    .execute(&mut *tx).await?.rows_affected();
                if done == 1 {
                    tx.record(now, &Change {
                        actor: &Actor::System,
                        action: "pii.seal",
                        object_kind: "objection",
                        object_id: id.to_string(),
                        region_code: Some(region.clone()),
                        before: None,
                        after: None,
                    }).await?;
                    n += 1;
                }
            }
            n
        });
        if n == 0 {
            // Another server sealed this batch first; it seals the rest.
            return Ok(sealed);
        }
        sealed += n;
    }
}
