//! Request extractors whose rejections are problem+json naming the field, like every other
//! error: axum's own `Json`, `Query` and `Path` answer bad input in plain text. Control
//! characters in any of them are refused before they run, for every route at once
//! (`platform::input`).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::{AppError, AppResult};

/// An id in a path or form (a UUID), refused naming the field `id` when malformed.
pub fn parse_id(id: &str) -> AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| {
        AppError::invalid(
            "id",
            "id.malformed",
            "编号格式不正确",
            "The id is malformed",
        )
    })
}

/// The field a serde message names (`missing field `name``, `unknown field `x``, or a
/// `path.to.field: …` prefix), else `fallback`.
fn field_of(message: &str, fallback: &str) -> String {
    for marker in ["missing field `", "unknown field `", "duplicate field `"] {
        if let Some(rest) = message.split(marker).nth(1)
            && let Some(name) = rest.split('`').next()
        {
            return name.to_string();
        }
    }
    match message.split_once(": ") {
        Some((path, _)) if !path.contains(' ') && !path.is_empty() => path.to_string(),
        _ => fallback.to_string(),
    }
}

fn invalid(field: String, detail: &str) -> AppError {
    AppError::invalid(
        &field,
        "input.malformed",
        format!("输入格式有误：{detail}"),
        format!("Malformed input: {detail}"),
    )
}

/// A JSON body; a malformed one is a 422 problem naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::PayloadTooLarge {
                    limit_bytes: super::limits::TEXT_BODY_LIMIT,
                })
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::invalid(
                "body",
                "input.content_type",
                "请以 JSON 提交（Content-Type: application/json）",
                "Send JSON (Content-Type: application/json)",
            )),
            Err(e) => {
                let detail = e.body_text();
                let message = detail.trim_start_matches(
                    "Failed to deserialize the JSON body into the target type: ",
                );
                Err(invalid(field_of(message, "body"), &detail))
            }
        }
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// Query parameters; a malformed one is a 422 problem naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => {
                let e: QueryRejection = e;
                let detail = e.body_text();
                Err(invalid(
                    field_of(
                        detail.trim_start_matches("Failed to deserialize query string: "),
                        "query",
                    ),
                    &detail,
                ))
            }
        }
    }
}

/// Path parameters; a malformed one (an id that is no UUID) is a 422 problem.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => {
                let e: PathRejection = e;
                let detail = e.body_text();
                Err(invalid("path".to_string(), &detail))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_is_read_from_serde_messages() {
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: missing field `name` at line 1 column 2",
                "body"
            ),
            "name"
        );
        assert_eq!(
            field_of(
                "households: invalid type: string \"x\", expected i64 at line 1 column 20",
                "body"
            ),
            "households"
        );
        assert_eq!(
            field_of("working_days: invalid digit found in string", "query"),
            "working_days"
        );
        assert_eq!(field_of("something else entirely", "query"), "query");
    }
}
