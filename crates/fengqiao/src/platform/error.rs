//! One error type for handlers and stores, one mapping to RFC 9457 problem+json.
//!
//! Users see a stable `code`, the `field` at fault and a message in Chinese and English;
//! internal causes are logged with the request id and never shown.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A message in both languages the platform speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    /// The message in `lang`, for a page shown in that language.
    pub fn in_lang(&self, lang: super::i18n::Lang) -> String {
        match lang {
            super::i18n::Lang::Zh => self.zh.clone(),
            super::i18n::Lang::En => self.en.clone(),
        }
    }

    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 输入有误: bad input, naming the field.
    #[error("invalid {field}: {}", message.en)]
    Invalid {
        field: String,
        code: String,
        message: Bilingual,
    },
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    /// 用户名或密码不正确.
    #[error("bad credentials")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A rule or a concurrent writer got there first.
    #[error("conflict: {}", message.en)]
    Conflict {
        code: String,
        field: Option<String>,
        message: Bilingual,
    },
    /// 支付未成功: the payment provider declined; nothing was recorded as received.
    #[error("payment failed: {}", message.en)]
    PaymentFailed { message: Bilingual },
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// 提交内容过大: the request body is over the limit (field `body`).
    #[error("payload too large")]
    PayloadTooLarge { limit_bytes: usize },
    /// 地址过长: the request URI is over the limit (field `uri`).
    #[error("uri too long")]
    UriTooLong { limit_bytes: usize },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            code: code.to_string(),
            message: Bilingual::new(zh, en),
        }
    }

    /// The input field an `Invalid` error names.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A parse error of the `codes` crate, attributed to `field`.
    pub fn from_code(field: &str, e: &dyn codes::CodeProblem) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            code: e.code().to_string(),
            message: Bilingual::new(e.message_zh(), e.message_en()),
        }
    }

    pub fn conflict(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Conflict {
            code: code.into(),
            field: None,
            message: Bilingual::new(zh, en),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PaymentFailed { .. } => StatusCode::PAYMENT_REQUIRED,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document shown to the client.
    pub fn problem(&self) -> Problem {
        let (code, field, message) = match self {
            AppError::Invalid {
                field,
                code,
                message,
            } => (code.clone(), Some(field.clone()), message.clone()),
            AppError::MethodNotAllowed => (
                "method_not_allowed".into(),
                None,
                Bilingual::new(
                    "此地址不支持该请求方式",
                    "This address does not accept this method",
                ),
            ),
            AppError::NotFound => (
                "not_found".into(),
                None,
                Bilingual::new("未找到所请求的内容", "The requested resource was not found"),
            ),
            AppError::Unauthenticated => (
                "unauthenticated".into(),
                None,
                Bilingual::new("请先登录", "Please log in first"),
            ),
            AppError::BadCredentials => (
                "login.failed".into(),
                Some("password".into()),
                Bilingual::new(
                    "用户名或密码不正确",
                    "The username or password is not correct",
                ),
            ),
            AppError::Forbidden => (
                "forbidden".into(),
                None,
                Bilingual::new(
                    "您的角色或辖区无权进行此操作",
                    "Your role or region does not allow this",
                ),
            ),
            AppError::Conflict {
                code,
                field,
                message,
            } => (code.clone(), field.clone(), message.clone()),
            AppError::PaymentFailed { message } => ("payment.failed".into(), None, message.clone()),
            AppError::TooManyAttempts { retry_after_secs } => (
                "too_many_attempts".into(),
                None,
                Bilingual::new(
                    format!("尝试次数过多，请 {} 秒后再试", retry_after_secs),
                    format!("Too many attempts; try again in {retry_after_secs} seconds"),
                ),
            ),
            AppError::PayloadTooLarge { limit_bytes } => (
                "body.too_large".into(),
                Some("body".into()),
                Bilingual::new(
                    format!("提交内容过大（上限 {} 字节）", limit_bytes),
                    format!("The submitted content is too large (limit {limit_bytes} bytes)"),
                ),
            ),
            AppError::UriTooLong { limit_bytes } => (
                "uri.too_long".into(),
                Some("uri".into()),
                Bilingual::new(
                    format!("请求地址过长（上限 {} 字节）", limit_bytes),
                    format!("The request address is too long (limit {limit_bytes} bytes)"),
                ),
            ),
            AppError::Internal(_) => (
                "internal".into(),
                None,
                Bilingual::new(
                    "服务器内部错误，已记录，请稍后再试",
                    "Internal error; it has been logged, please try again later",
                ),
            ),
        };
        let status = self.status();
        Problem {
            kind: format!("urn:fengqiao:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: format!("{} / {}", message.zh, message.en),
            code,
            field,
            message,
        }
    }
}

/// RFC 9457 problem details, with the platform's `code`, `field` and bilingual `message`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `uscc.check_digit`.
    pub code: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[schema(value_type = Object)]
    pub message: Bilingual,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let status = self.status();
        let problem = self.problem();
        let mut resp = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&problem).unwrap_or_default(),
        )
            .into_response();
        if let AppError::TooManyAttempts { retry_after_secs } = self {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, retry_after_secs.into());
        }
        resp.extensions_mut().insert(std::sync::Arc::new(problem));
        resp
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = e {
            return AppError::NotFound;
        }
        if let Some(db) = e.as_database_error()
            && let Some(mapped) =
                constraint_error(db.constraint(), db.message(), db.is_unique_violation())
        {
            return mapped;
        }
        AppError::Internal(e.into())
    }
}

/// Turns a violated constraint into a field error. PostgreSQL names the constraint; SQLite only
/// names the columns in its message ("UNIQUE constraint failed: users.username"), so both are read.
fn constraint_error(constraint: Option<&str>, message: &str, unique: bool) -> Option<AppError> {
    const KNOWN: &[(&str, &str, &str, &str, &str)] = &[
        (
            "users_username_key",
            "users.username",
            "username",
            "用户名已被使用",
            "This username is already taken",
        ),
        (
            "grids_region_name_key",
            "grids.region_code, grids.name",
            "name",
            "该社区下已有同名网格",
            "A grid with this name already exists in this community",
        ),
        (
            "role_grants_user_role_region_key",
            "role_grants.user_id, role_grants.role",
            "role",
            "该用户已在此辖区拥有此角色",
            "The user already holds this role for this region",
        ),
    ];
    for (name, sqlite_cols, field, zh, en) in KNOWN {
        if constraint == Some(*name) || message.contains(sqlite_cols) {
            return Some(AppError::Conflict {
                code: format!("conflict.{name}"),
                field: Some((*field).to_string()),
                message: Bilingual::new(*zh, *en),
            });
        }
    }
    unique.then(|| {
        AppError::conflict(
            "conflict.duplicate",
            "该记录已存在",
            "This record already exists",
        )
    })
}
