//! Text the platform accepts holds no control characters: U+0000 cannot be stored in a
//! PostgreSQL `text` at all (the insert fails, and the client saw a 500) while SQLite stores it,
//! and the other C0 controls have no place in a name, a title or a filter either. Tab, line feed
//! and carriage return stay allowed: multi-line text (a purpose, a reason) holds them.
//!
//! [`refuse_control_characters`] checks every request once, before any handler, guard or
//! extractor sees it — path parameters, the query string, and url-encoded or JSON bodies — so
//! that every route, present or future, whatever extractor it reads its input with, refuses such
//! input with a 422 naming the field. Multipart text fields are read by their handlers, which
//! check them with [`check_text`].

use axum::RequestExt;
use axum::body::Body;
use axum::extract::{RawPathParams, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{AppError, AppResult};

/// Whether `c` is a control character no text may hold: C0 controls except tab, LF and CR.
pub fn is_forbidden_control(c: char) -> bool {
    c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether `s` holds a control character no text may hold.
pub fn has_forbidden_control(s: &str) -> bool {
    // C0 controls are single bytes in UTF-8 and no byte of a longer sequence is below 0x80.
    s.bytes()
        .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
}

/// The refusal, naming `field`.
pub fn control_error(field: &str) -> AppError {
    AppError::invalid(
        field,
        "input.control_character",
        "不能包含控制字符（如 U+0000）",
        "Must not contain control characters (such as U+0000)",
    )
}

/// `value` of `field`, refused when it holds a control character (for multipart text fields,
/// which only their handler reads).
pub fn check_text(field: &str, value: &str) -> AppResult<()> {
    if has_forbidden_control(value) {
        Err(control_error(field))
    } else {
        Ok(())
    }
}

/// The name a field is reported under: the name itself, unless the name is what holds the
/// control character (a value is never echoed with one).
fn shown(name: &str, fallback: &str) -> String {
    if name.is_empty() || has_forbidden_control(name) {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// Checks url-encoded pairs (a query string or a form body); the field is the pair's name.
pub fn check_pairs(encoded: &[u8], fallback: &str) -> AppResult<()> {
    for (name, value) in url::form_urlencoded::parse(encoded) {
        if has_forbidden_control(&name) || has_forbidden_control(&value) {
            return Err(control_error(&shown(&name, fallback)));
        }
    }
    Ok(())
}

/// Checks a JSON body; the field is the path to the string (`leaders[0].name`). Raw control
/// characters are a JSON syntax error (the extractor refuses those), so one can only arrive as a
/// `\u00XX` escape: a body without such an escape is not parsed here at all.
pub fn check_json(body: &[u8]) -> AppResult<()> {
    let may_escape_control = body
        .windows(5)
        .any(|w| w[..4] == *b"\\u00" && matches!(w[4], b'0' | b'1'));
    if !may_escape_control {
        return Ok(());
    }
    // A malformed body is the extractor's to refuse, with its own message.
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    match find_control(&value, "") {
        Some(path) => Err(control_error(&path)),
        None => Ok(()),
    }
}

fn find_control(v: &Value, path: &str) -> Option<String> {
    let here = || shown(path, "body");
    match v {
        Value::String(s) => has_forbidden_control(s).then(here),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_control(x, &format!("{}[{i}]", here()))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            if has_forbidden_control(k) {
                Some(here())
            } else if path.is_empty() {
                find_control(x, k)
            } else {
                find_control(x, &format!("{path}.{k}"))
            }
        }),
        _ => None,
    }
}

enum BodyKind {
    Json,
    Form,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence == "application/json" || essence.ends_with("+json") {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else {
        BodyKind::Other
    }
}

/// Middleware (inside routing, so that the path parameters are known): refuses a request whose
/// path parameters, query string, or url-encoded or JSON body hold a control character.
pub async fn refuse_control_characters(mut req: Request, next: Next) -> Response {
    if let Ok(params) = req.extract_parts::<RawPathParams>().await {
        for (name, value) in &params {
            if has_forbidden_control(value) {
                return control_error(&shown(name, "path")).into_response();
            }
        }
    }
    if let Some(q) = req.uri().query()
        && let Err(e) = check_pairs(q.as_bytes(), "query")
    {
        return e.into_response();
    }
    let kind = body_kind(&req);
    if matches!(kind, BodyKind::Other) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The body limit (app.rs) wraps the body: reading past it fails here with a 413.
    let bytes = match super::limits::read_body(body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let checked = match kind {
        BodyKind::Json => check_json(&bytes),
        _ => check_pairs(&bytes, "body"),
    };
    if let Err(e) = checked {
        return e.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A text field of a form or a JSON body, trimmed: refused with a 422 naming `field` (error code
/// `{prefix}.{field}`) when `required` and empty, or longer than `max_chars`. The one rule the
/// modules' services use, instead of a copy each.
pub fn text(
    prefix: &str,
    field: &str,
    value: &str,
    required: bool,
    max_chars: usize,
) -> AppResult<String> {
    let t = value.trim();
    let code = format!("{prefix}.{field}");
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            &code,
            "此项不能为空",
            "This field is required",
        ));
    }
    if t.chars().count() > max_chars {
        return Err(AppError::invalid(
            field,
            &code,
            format!("不超过 {max_chars} 字"),
            format!("At most {max_chars} characters"),
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_c0_controls_are_refused_but_tab_and_newlines_pass() {
        assert!(has_forbidden_control("a\0b"));
        assert!(has_forbidden_control("\u{1b}[31m"));
        assert!(has_forbidden_control("\u{7}"));
        assert!(!has_forbidden_control("第一行\r\n第二行\t缩进"));
        assert!(!has_forbidden_control("浙民募备[2026]0001"));
        for c in ['\0', '\u{1}', '\u{1f}'] {
            assert!(is_forbidden_control(c));
        }
        for c in ['\t', '\n', '\r', ' ', '\u{7f}', '枫'] {
            assert!(!is_forbidden_control(c));
        }
    }

    #[test]
    fn pairs_name_the_field_at_fault() {
        assert!(check_pairs(b"q=%E6%9E%AB&region=330106", "query").is_ok());
        let e = check_pairs(b"q=ok&region=33%000106", "query").unwrap_err();
        assert_eq!(e.field(), Some("region"));
        // A name holding the character is not echoed.
        let e = check_pairs(b"a%00b=1", "query").unwrap_err();
        assert_eq!(e.field(), Some("query"));
    }

    #[test]
    fn json_names_the_path_to_the_string() {
        assert!(check_json(br#"{"name":"ok","n":1}"#).is_ok());
        // Allowed escapes and an escaped backslash before "u0000" are not control characters.
        assert!(check_json(br#"{"purpose":"a\u000ab\u0009","x":"\\u0000"}"#).is_ok());
        let e = check_json(br#"{"name":"a\u0000"}"#).unwrap_err();
        assert_eq!(e.field(), Some("name"));
        let e = check_json(br#"{"leaders":[{"name":"ok"},{"name":"\u001b"}]}"#).unwrap_err();
        assert_eq!(e.field(), Some("leaders[1].name"));
        let e = check_json(br#"["\u0000"]"#).unwrap_err();
        assert_eq!(e.field(), Some("body[0]"));
        let e = check_json(br#"{"k\u0000":1}"#).unwrap_err();
        assert_eq!(e.field(), Some("body"));
        // Malformed JSON is left to the extractor.
        assert!(check_json(br#"{"name":"\u0000"#).is_ok());
    }
}
