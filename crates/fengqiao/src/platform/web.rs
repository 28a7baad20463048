//! The web shell: per-request page context (language, elder-friendly mode, actor, CSRF token,
//! navigation), embedded assets, the language and elder-mode switches, and HTML error pages.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rust_embed::RustEmbed;
use serde::Deserialize;

use super::auth::{self, Actor};
use super::error::Problem;
use super::i18n::{self, Lang};

pub const LANG_COOKIE: &str = "fq_lang";
pub const ELDER_COOKIE: &str = "fq_elder";

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// The CSRF token of this browser (from its cookie, or freshly made for this response).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// An account's unread notifications, put into the request for the navigation by
/// [`super::notifications::pages::unread_badge`].
#[derive(Debug, Clone, Copy)]
pub struct UnreadNotifications(pub i64);

/// Everything the layout needs; every page template has one as `ctx`.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub elder: bool,
    pub csrf: String,
    pub actor: Actor,
    pub path: String,
    /// The officer's unread notifications (`None` for everyone else).
    pub unread: Option<i64>,
    /// Every module's navigation entries (see [`super::module::Navigation`]).
    pub navigation: std::sync::Arc<super::module::Navigation>,
}

/// One entry of the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    /// A count shown beside it (unread notifications), when there is one.
    pub count: Option<i64>,
}

impl PageCtx {
    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    pub fn other_lang(&self) -> &'static str {
        self.lang.other().tag()
    }

    pub fn user_name(&self) -> String {
        self.actor
            .user()
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    }

    pub fn role_name(&self) -> String {
        self.actor
            .role()
            .map(|r| self.t(&r.message_key()))
            .unwrap_or_default()
    }

    pub fn region_code(&self) -> String {
        self.actor
            .user()
            .map(|u| u.region.to_string())
            .unwrap_or_default()
    }

    pub fn logged_in(&self) -> bool {
        self.actor.user().is_some()
    }

    pub fn is_current(&self, href: &str) -> bool {
        if href == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(href)
        }
    }

    /// Navigation for the actor's role: the entries every module declares, in their order.
    pub fn nav(&self) -> Vec<NavItem> {
        let role = self.actor.role();
        self.navigation
            .0
            .iter()
            .filter(|e| e.shown_to(role))
            .map(|e| NavItem {
                href: e.path,
                key: e.label,
                count: if e.unread_badge {
                    self.unread.filter(|n| *n > 0)
                } else {
                    None
                },
            })
            .collect()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        Ok(page_ctx(&jar, parts))
    }
}

fn page_ctx(jar: &CookieJar, parts: &axum::http::request::Parts) -> PageCtx {
    let lang = jar
        .get(LANG_COOKIE)
        .and_then(|c| Lang::from_tag(c.value()))
        .unwrap_or_default();
    PageCtx {
        lang,
        elder: jar.get(ELDER_COOKIE).is_some_and(|c| c.value() == "1"),
        csrf: parts
            .extensions
            .get::<CsrfToken>()
            .map(|c| c.0.clone())
            .unwrap_or_default(),
        actor: parts
            .extensions
            .get::<Actor>()
            .cloned()
            .unwrap_or(Actor::Public),
        path: parts.uri.path().to_string(),
        unread: parts.extensions.get::<UnreadNotifications>().map(|u| u.0),
        navigation: parts
            .extensions
            .get::<std::sync::Arc<super::module::Navigation>>()
            .cloned()
            .unwrap_or_default(),
    }
}

// Chinese is the default whatever the browser's language: officers often use browsers set up
// in English, and the platform's working language is Chinese. English is one click away.

/// Gives every browser a CSRF cookie (double-submit token) and makes it known to the page.
/// The API's own calls get none: a cookie-less client of `/api` has no form to protect, and
/// minting a token for every such request (a donation, a search) was pure cost.
pub async fn csrf_cookie(
    State(state): State<super::AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/api/") && jar.get(auth::CSRF_COOKIE).is_none() {
        return next.run(req).await;
    }
    let existing = jar
        .get(auth::CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64);
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(|| auth::secrets::new_token().0);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut resp = next.run(req).await;
    if fresh {
        let cookie = Cookie::build((auth::CSRF_COOKIE, token))
            .path("/")
            .http_only(true)
            .secure(state.config.cookies_secure())
            .same_site(SameSite::Lax)
            .build();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Pages show errors as pages: a problem+json answer to a browser request outside `/api`
/// becomes an HTML page with the message in the reader's language.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api") || req.uri().path().starts_with("/open311");
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if is_api || !wants_html {
        return next.run(req).await;
    }
    // The request's parts are kept only for a page that may have to show an error.
    let (parts, body) = req.into_parts();
    let ctx_parts = parts.clone();
    let resp = next.run(Request::from_parts(parts, body)).await;
    let Some(problem) = resp.extensions().get::<std::sync::Arc<Problem>>().cloned() else {
        return resp;
    };
    let status = resp.status();
    if status == StatusCode::UNAUTHORIZED {
        let next = ctx_parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        return Redirect::to(&format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ))
        .into_response();
    }
    let jar = CookieJar::from_headers(&ctx_parts.headers);
    let ctx = page_ctx(&jar, &ctx_parts);
    let message = problem.message.in_lang(ctx.lang);
    let page = crate::platform::web::ErrorPage {
        ctx,
        status: status.as_u16(),
        message,
        code: problem.code.clone(),
    };
    (status, render(&page)).into_response()
}

/// Renders a template to an HTML response (a rendering failure is an internal error).
pub fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => super::AppError::Internal(anyhow::anyhow!("template: {e}")).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub message: String,
    pub code: String,
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Only same-site paths may be returned to (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

/// `GET /prefs/lang/{tag}`: switches the language and goes back.
pub async fn switch_lang(
    State(state): State<super::AppState>,
    axum::extract::Path(tag): axum::extract::Path<String>,
    Query(q): Query<NextParam>,
    jar: CookieJar,
) -> Response {
    let lang = Lang::from_tag(&tag).unwrap_or_default();
    let jar = jar.add(
        Cookie::build((LANG_COOKIE, lang.tag()))
            .path("/")
            .secure(state.config.cookies_secure())
            .same_site(SameSite::Lax)
            .max_age(time_year())
            .build(),
    );
    (jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}

/// `GET /prefs/elder/{on|off}`: the elder-friendly mode (适老化: larger text, higher contrast).
pub async fn switch_elder(
    State(state): State<super::AppState>,
    axum::extract::Path(v): axum::extract::Path<String>,
    Query(q): Query<NextParam>,
    jar: CookieJar,
) -> Response {
    let on = v == "on";
    let jar = jar.add(
        Cookie::build((ELDER_COOKIE, if on { "1" } else { "0" }))
            .path("/")
            .secure(state.config.cookies_secure())
            .same_site(SameSite::Lax)
            .max_age(time_year())
            .build(),
    );
    (jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}

fn time_year() -> cookie::time::Duration {
    cookie::time::Duration::days(365)
}

/// `GET /assets/{*path}`: files embedded in the binary (no CDN).
pub async fn asset(axum::extract::Path(path): axum::extract::Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => super::AppError::NotFound.into_response(),
    }
}

/// The one error a form shows again: the field at fault (as the service names it) and the
/// message in the page's language.
pub type FormError = Option<(String, String)>;

/// A form's error as the page shows it (field, message in the page's language).
pub fn form_error(ctx: &PageCtx, e: &super::AppError) -> (String, String) {
    let p = e.problem();
    (p.field.unwrap_or_default(), p.message.in_lang(ctx.lang))
}

/// A refused form as its page shows it again: a fault of the input (422) or a conflict (409,
/// at `default_field` when the conflict names none) with its [`form_error`]; any other error
/// passes on.
pub fn form_refusal(
    ctx: &PageCtx,
    e: super::AppError,
    default_field: &str,
) -> Result<(StatusCode, (String, String)), super::AppError> {
    let status = match &e {
        super::AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        super::AppError::Conflict { .. } => StatusCode::CONFLICT,
        _ => return Err(e),
    };
    let (field, message) = form_error(ctx, &e);
    let field = if field.is_empty() {
        default_field.to_string()
    } else {
        field
    };
    Ok((status, (field, message)))
}

/// A posted form's fields by name, without its CSRF token (kept to show the input again).
pub fn form_values(pairs: Vec<(String, String)>) -> std::collections::BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter(|(k, _)| k != auth::CSRF_FIELD)
        .collect()
}

/// The message beside `field` when it is the one at fault.
pub fn field_message(error: &FormError, field: &str) -> Option<String> {
    error
        .as_ref()
        .filter(|(f, _)| f == field)
        .map(|(_, m)| m.clone())
}

/// The message above the form when the fault is at none of its `fields`.
pub fn general_message(error: &FormError, fields: &[&str]) -> Option<String> {
    error
        .as_ref()
        .filter(|(f, _)| !fields.contains(&f.as_str()))
        .map(|(_, m)| m.clone())
}

/// A value as one segment of a path (`浙民募备[2026]0001` → `%E6%B5%99…%5B2026%5D0001`).
pub fn path_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_limited_to_local_paths() {
        assert_eq!(safe_next(Some("/regions/330106")), "/regions/330106");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
