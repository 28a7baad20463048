//! Account administration (账号管理): the system administrator creates accounts with their
//! role grants, and disables them. Passwords are never logged or audited.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::platform::auth::{Actor, Role};
use crate::platform::db::Db;
use crate::platform::error::Problem;
use crate::platform::extract::{Json, Path};
use crate::platform::journal::{Change, Journal};
use crate::platform::{AppError, AppResult, AppState};
use crate::{with_db, with_tx};

/// Minimum password length for new accounts (GB/T 22239-2019 level-3 practice: complex
/// passwords; length is the part a machine can check without annoying people).
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct GrantInput {
    pub role: Role,
    /// The region the role is held for.
    pub region_code: String,
    /// The department (部门) the holder acts for, by id (`330106.kejiju`): one of the
    /// grant's region. A department reviewer decides only what is addressed to it.
    #[serde(default)]
    pub department: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub grants: Vec<GrantInput>,
}

#[derive(Debug, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct UserSummary {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    /// `role@region` of every grant.
    pub grants: String,
}

/// Parses a new account: username of 3–32 ASCII letters, digits, `.`, `_` or `-`; a display
/// name; a password of at least [`MIN_PASSWORD_CHARS`] characters that is not the username;
/// at least one grant.
pub fn validate(u: &NewUser) -> AppResult<String> {
    let username = super::model::normalize_username(&u.username);
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=32).contains(&username.len()) || !ok_chars {
        return Err(AppError::invalid(
            "username",
            "user.username",
            "用户名应为 3–32 位字母、数字或 . _ -",
            "The username must be 3–32 letters, digits or . _ -",
        ));
    }
    if u.display_name.trim().is_empty() {
        return Err(AppError::invalid(
            "display_name",
            "user.display_name",
            "请填写姓名",
            "Enter the person's name",
        ));
    }
    if u.password.chars().count() < MIN_PASSWORD_CHARS
        || u.password.to_ascii_lowercase() == username
    {
        return Err(AppError::invalid(
            "password",
            "user.password",
            format!("密码至少 {MIN_PASSWORD_CHARS} 位，且不能与用户名相同"),
            format!(
                "The password needs at least {MIN_PASSWORD_CHARS} characters and must differ from the username"
            ),
        ));
    }
    if u.grants.is_empty() {
        return Err(AppError::invalid(
            "grants",
            "user.grants",
            "请至少授予一个角色",
            "Grant at least one role",
        ));
    }
    Ok(username)
}

async fn region_exists(db: &Db, code: &str) -> AppResult<bool> {
    Ok(crate::regions::store::get(db, code).await?.is_some())
}

/// Creates an account with its grants, audited.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = UserSummary), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    Json(input): Json<NewUser>,
) -> AppResult<(StatusCode, Json<UserSummary>)> {
    let summary = create(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// The one path for creating an account, shared by the API and the administration page.
pub async fn create(state: &AppState, actor: &Actor, input: &NewUser) -> AppResult<UserSummary> {
    let username = validate(input)?;
    let mut grants = Vec::new();
    for (i, g) in input.grants.iter().enumerate() {
        let field = format!("grants[{i}].region_code");
        let region = codes::RegionCode::parse(&g.region_code)
            .map_err(|e| AppError::from_code(&field, &e))?;
        if !region_exists(&state.db, region.as_str()).await? {
            return Err(AppError::invalid(
                &field,
                "region.unknown",
                "区划表中没有这个代码",
                "This code is not in the division table",
            ));
        }
        // An administrator grants only inside his own region.
        if !actor.covers(&region) {
            return Err(AppError::Forbidden);
        }
        let department = match g
            .department
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => {
                let field = format!("grants[{i}].department");
                match crate::platform::departments::get(&state.db, d).await? {
                    Some(dep) if dep.region_code == region.as_str() => Some(dep.id),
                    _ => {
                        return Err(AppError::invalid(
                            &field,
                            "department.unknown",
                            "该区划没有这个部门",
                            "The grant's region keeps no such department",
                        ));
                    }
                }
            }
            None => None,
        };
        grants.push((g.role, region.to_string(), department));
    }
    let hash = crate::platform::auth::secrets::hash_password(&input.password)?;
    let now = state.clock.now();
    insert(
        &state.db,
        now,
        actor,
        &username,
        input.display_name.trim(),
        &hash,
        &grants,
    )
    .await
}

/// A grant as the account list shows it: `role@region`, with `/department` when it names one.
fn grant_text(role: &str, region: &str, department: Option<&str>) -> String {
    match department {
        Some(d) => format!("{role}@{region}/{d}"),
        None => format!("{role}@{region}"),
    }
}

async fn insert(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    username: &str,
    display_name: &str,
    hash: &str,
    grants: &[(Role, String, Option<String>)],
) -> AppResult<UserSummary> {
    let id = Uuid::now_v7();
    let grant_text = grants
        .iter()
        .map(|(r, g, d)| grant_text(r.key(), g, d.as_deref()))
        .collect::<Vec<_>>()
        .join(",");
    with_tx!(db, tx => {
        sqlx::query("INSERT INTO users (id, username, display_name, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id).bind(username).bind(display_name).bind(hash).bind(false).bind(now)
            .execute(&mut *tx).await?;
        for (role, region, department) in grants {
            sqlx::query("INSERT INTO role_grants (id, user_id, role, region_code, department_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(Uuid::now_v7()).bind(id).bind(role.key()).bind(region).bind(department).bind(now)
                .execute(&mut *tx).await?;
        }
        tx.record(now, &Change {
            actor,
            action: "user.create",
            object_kind: "user",
            object_id: id.to_string(),
            region_code: grants.first().map(|g| g.1.clone()),
            before: None,
            after: Some(serde_json::json!({ "username": username, "display_name": display_name, "grants": grant_text })),
        }).await?;
    });
    Ok(UserSummary {
        id,
        username: username.into(),
        display_name: display_name.into(),
        disabled: false,
        grants: grant_text,
    })
}

/// Every account with its grants.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = Vec<UserSummary>), (status = 403, body = Problem)))]
pub async fn list_users(State(state): State<AppState>) -> AppResult<Json<Vec<UserSummary>>> {
    Ok(Json(list(&state.db).await?))
}

pub async fn list(db: &Db) -> AppResult<Vec<UserSummary>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        username: String,
        display_name: String,
        disabled: bool,
        role: Option<String>,
        region_code: Option<String>,
        department_id: Option<String>,
    }
    let rows = with_db!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT u.id, u.username, u.display_name, u.disabled, g.role, g.region_code, g.department_id FROM users u \
         LEFT JOIN role_grants g ON g.user_id = u.id ORDER BY u.username, g.role, g.region_code",
    ).fetch_all(pool).await?);
    let mut out: Vec<UserSummary> = Vec::new();
    for r in rows {
        let grant = match (r.role, r.region_code) {
            (Some(role), Some(region)) => grant_text(&role, &region, r.department_id.as_deref()),
            _ => String::new(),
        };
        match out.last_mut() {
            Some(last) if last.id == r.id => {
                last.grants.push(',');
                last.grants.push_str(&grant);
            }
            _ => out.push(UserSummary {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                disabled: r.disabled,
                grants: grant,
            }),
        }
    }
    Ok(out)
}

/// Disables an account: its sessions and tokens end at once. Audited.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn disable_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    if actor.user().is_some_and(|u| u.user_id == id) {
        return Err(AppError::conflict(
            "user.disable_self",
            "不能停用自己的账号",
            "You cannot disable your own account",
        ));
    }
    let now = state.clock.now();
    let n = with_tx!(&state.db, tx => {
        let n = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2 AND disabled = $3")
            .bind(true).bind(id).bind(false).execute(&mut *tx).await?.rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        if n == 1 {
            tx.record(now, &Change {
                actor: &actor,
                action: "user.disable",
                object_kind: "user",
                object_id: id.to_string(),
                region_code: None,
                before: Some(serde_json::json!({ "disabled": false })),
                after: Some(serde_json::json!({ "disabled": true })),
            }).await?;
        }
        n
    });
    if n == 1 {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(username: &str, password: &str, grants: usize) -> NewUser {
        NewUser {
            username: username.into(),
            display_name: "测试".into(),
            password: password.into(),
            grants: (0..grants)
                .map(|_| GrantInput {
                    role: Role::Resident,
                    region_code: "330106".into(),
                    department: None,
                })
                .collect(),
        }
    }

    #[test]
    fn account_rules_hold_at_their_bounds() {
        assert!(validate(&user("abc", "0123456789", 1)).is_ok());
        assert!(validate(&user("ab", "0123456789", 1)).is_err());
        assert!(validate(&user(&"a".repeat(33), "0123456789", 1)).is_err());
        assert!(validate(&user("a b", "0123456789", 1)).is_err());
        assert!(validate(&user("abc", "012345678", 1)).is_err());
        assert!(validate(&user("abcdefghij", "ABCDEFGHIJ", 1)).is_err());
        assert!(validate(&user("abc", "0123456789", 0)).is_err());
        assert_eq!(
            validate(&user("  Xihu.Two ", "0123456789", 1)).unwrap(),
            "xihu.two"
        );
    }
}
