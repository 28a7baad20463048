//! SQL for accounts, role grants, sessions and API tokens.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::roles::{Role, UserActor};
use crate::platform::db::Db;
use crate::platform::error::{AppError, AppResult};
use crate::{with_db, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct GrantRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub region_code: String,
    /// The department its holder acts for, if the grant names one.
    pub department_id: Option<String>,
}

pub async fn user_by_username(db: &Db, username: &str) -> AppResult<Option<UserRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, UserRow>(
        "SELECT id, username, display_name, password_hash, disabled FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(pool)
    .await?))
}

pub async fn grants_of(db: &Db, user_id: Uuid) -> AppResult<Vec<GrantRow>> {
    Ok(with_db!(db, pool => sqlx::query_as::<_, GrantRow>(
        "SELECT id, user_id, role, region_code, department_id FROM role_grants WHERE user_id = $1 ORDER BY created_at, role",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?))
}

/// Creates a user with one or more role grants, in one transaction (no audit: this is the
/// bootstrap path used by the demo loader and the CLI; officers' edits go through the audited path).
pub async fn create_user(
    db: &Db,
    now: DateTime<Utc>,
    username: &str,
    display_name: &str,
    password: &str,
    grants: &[(Role, &str)],
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let hash = super::secrets::hash_password(password)?;
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO users (id, username, display_name, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id).bind(username).bind(display_name).bind(&hash).bind(false).bind(now)
            .execute(&mut *tx).await?;
        for (role, region) in grants {
            sqlx::query("INSERT INTO role_grants (id, user_id, role, region_code, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(Uuid::now_v7()).bind(id).bind(role.key()).bind(*region).bind(now)
                .execute(&mut *tx).await?;
        }
    });
    Ok(id)
}

pub async fn count_users(db: &Db) -> AppResult<i64> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(pool).await?),
    )
}

/// Opens a session or API token for a grant. Returns the secret token (shown once).
pub async fn open_session(
    db: &Db,
    now: DateTime<Utc>,
    grant: &GrantRow,
    kind: &str,
    name: Option<&str>,
    lifetime: chrono::Duration,
) -> AppResult<(String, String)> {
    let (token, hash) = super::secrets::new_token();
    let (csrf, _) = super::secrets::new_token();
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, grant_id, csrf_token, kind, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&hash).bind(grant.user_id).bind(grant.id).bind(&csrf).bind(kind).bind(name).bind(now).bind(now + lifetime)
            .execute(&mut *tx).await?;
    });
    Ok((token, csrf))
}

#[derive(Debug, sqlx::FromRow)]
struct SessionActorRow {
    user_id: Uuid,
    username: String,
    display_name: String,
    disabled: bool,
    grant_id: Uuid,
    role: String,
    region_code: String,
    department_id: Option<String>,
    csrf_token: String,
    kind: String,
}

/// A live session or token: the actor it stands for, its CSRF token and its kind.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: UserActor,
    pub csrf_token: String,
    pub kind: String,
}

pub async fn session_by_token(
    db: &Db,
    now: DateTime<Utc>,
    token: &str,
) -> AppResult<Option<SessionInfo>> {
    let hash = super::secrets::token_hash(token);
    let row = with_db!(db, pool => sqlx::query_as::<_, SessionActorRow>(
        "SELECT u.id AS user_id, u.username, u.display_name, u.disabled, g.id AS grant_id, g.role, g.region_code, g.department_id, s.csrf_token, s.kind \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN role_grants g ON g.id = s.grant_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(pool)
    .await?);
    let Some(row) = row.filter(|r| !r.disabled) else {
        return Ok(None);
    };
    let role =
        Role::from_key(&row.role).ok_or_else(|| anyhow::anyhow!("unknown role {}", row.role))?;
    let region = codes::RegionCode::parse(&row.region_code)
        .map_err(|e| anyhow::anyhow!("bad region in grant: {e:?}"))?;
    Ok(Some(SessionInfo {
        actor: UserActor {
            user_id: row.user_id,
            username: row.username,
            display_name: row.display_name,
            role,
            region,
            grant_id: row.grant_id,
            department: row.department_id,
        },
        csrf_token: row.csrf_token,
        kind: row.kind,
    }))
}

/// Switches a session to another grant of the same user.
pub async fn switch_grant(db: &Db, token: &str, user_id: Uuid, grant_id: Uuid) -> AppResult<()> {
    let hash = super::secrets::token_hash(token);
    let n = with_tx!(db, tx => {
        sqlx::query("UPDATE sessions SET grant_id = $1 WHERE token_hash = $2 AND user_id = $3 AND EXISTS (SELECT 1 FROM role_grants g WHERE g.id = $1 AND g.user_id = $3)")
            .bind(grant_id).bind(&hash).bind(user_id)
            .execute(&mut *tx).await?.rows_affected()
    });
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn close_session(db: &Db, token: &str) -> AppResult<()> {
    let hash = super::secrets::token_hash(token);
    with_tx!(db, tx => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(&mut *tx).await?;
    });
    Ok(())
}

/// Failed logins within the window, as the login throttle (`accounts::model::LoginLimit`)
/// counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Of the username, from every address.
    pub of_username: i64,
    /// Of the username, from the address asking now.
    pub of_username_here: i64,
    /// From the address asking now, for any username.
    pub from_address: i64,
}

/// Failed logins since `since` of `username` (from everywhere and from `address`) and from
/// `address` (any username); `address` is a `ClientAddr::key`.
pub async fn recent_failures(
    db: &Db,
    username: &str,
    address: &str,
    since: DateTime<Utc>,
) -> AppResult<Failures> {
    let (of_username, of_username_here, from_address): (i64, i64, i64) = with_db!(db, pool => sqlx::query_as(
        "SELECT \
           COALESCE(SUM(CASE WHEN username = $1 THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN username = $1 AND address = $2 THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN address = $2 THEN 1 ELSE 0 END), 0) \
         FROM login_failures WHERE (username = $1 OR address = $2) AND at > $3",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(pool)
    .await?);
    Ok(Failures {
        of_username,
        of_username_here,
        from_address,
    })
}

pub async fn record_failure(
    db: &Db,
    username: &str,
    address: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)")
            .bind(username).bind(address).bind(at).execute(&mut *tx).await?;
    });
    Ok(())
}

/// Forgets the failures of `username` from `address` (its owner has logged in from there); the
/// failures of other addresses still count against them.
pub async fn clear_failures(db: &Db, username: &str, address: &str) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND address = $2")
            .bind(username).bind(address).execute(&mut *tx).await?;
    });
    Ok(())
}

/// Whether the account acts for the organization (`organization_accounts`).
/// A stored object's region and holders as its module's store reads them (see
/// [`super::ObjectScope`]).
#[derive(Debug, sqlx::FromRow)]
pub struct ScopeRow {
    pub region_code: String,
    pub applicant_user_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
}

impl ScopeRow {
    /// An object that belongs to no account or organization (a grid): its region decides.
    pub fn region(region_code: String) -> ScopeRow {
        ScopeRow {
            region_code,
            applicant_user_id: None,
            organization_id: None,
        }
    }

    pub fn parse(self) -> AppResult<super::ObjectScope> {
        let region = codes::RegionCode::parse(&self.region_code).map_err(|e| {
            crate::platform::AppError::Internal(anyhow::anyhow!(
                "stored region {}: {e:?}",
                self.region_code
            ))
        })?;
        Ok(super::ObjectScope {
            region,
            applicant: self.applicant_user_id,
            organization: self.organization_id,
        })
    }
}

pub async fn acts_for(db: &Db, user_id: Uuid, organization_id: Uuid) -> AppResult<bool> {
    let n: i64 = with_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM organization_accounts WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id).bind(organization_id).fetch_one(pool).await?);
    Ok(n > 0)
}

/// Binds an account to an organization it acts for (kept if it already is); `$1` organization,
/// `$2` user, `$3` when. The registry runs it in the transaction that approves the founder's
/// application.
pub const BIND_ORGANIZATION_SQL: &str = "INSERT INTO organization_accounts (organization_id, user_id, granted_at) VALUES ($1, $2, $3) ON CONFLICT (organization_id, user_id) DO NOTHING";

/// Binds an account to an organization in a transaction of its own (demo data, tests).
pub async fn grant_organization(
    db: &Db,
    now: DateTime<Utc>,
    organization_id: Uuid,
    user_id: Uuid,
) -> AppResult<()> {
    with_tx!(db, tx => {
        sqlx::query(BIND_ORGANIZATION_SQL)
            .bind(organization_id).bind(user_id).bind(now)
            .execute(&mut *tx).await?;
    });
    Ok(())
}
