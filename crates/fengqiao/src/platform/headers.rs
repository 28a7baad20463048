//! Security headers on every response: pages, API answers, assets and errors alike.
//!
//! Pages load scripts and styles only from `/assets` (no inline `<script>`, no `on…=` handler,
//! no `<style>` block and no `style=` attribute in any template: a test reads them all), so the
//! policy needs no `'unsafe-inline'` for either.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every response. `img-src` allows `data:` for the small images
/// a stylesheet may inline; `frame-ancestors 'none'` is the modern form of `X-Frame-Options`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Browser features no page of the platform uses.
pub const PERMISSIONS_POLICY: &str = "geolocation=(), camera=(), microphone=(), payment=(), usb=()";

/// HSTS, sent only when the configuration says the server is reached over TLS
/// (`Config::behind_tls`): one year, the value browsers' preload lists ask for.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Whether the server is reached over TLS (from the configuration), for [`security_headers`].
#[derive(Debug, Clone, Copy)]
pub struct BehindTls(pub bool);

/// Middleware: sets the security headers on the response.
pub async fn security_headers(
    State(BehindTls(tls)): State<BehindTls>,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if tls {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            STRICT_TRANSPORT_SECURITY,
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn templates(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("templates directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                templates(&path, out);
            } else {
                let text = std::fs::read_to_string(&path).expect("template text");
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// What the policy allows is what the templates need: no inline script, event handler or
    /// style anywhere (each would be blocked in the browser, silently).
    #[test]
    fn no_template_needs_unsafe_inline() {
        let mut all = Vec::new();
        templates(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
            &mut all,
        );
        assert!(all.len() > 10);
        for (path, text) in &all {
            let lower = text.to_ascii_lowercase();
            for (i, _) in lower.match_indices("<script") {
                let tag = &lower[i..i + lower[i..].find('>').expect("closed tag")];
                assert!(tag.contains(" src="), "{path}: inline script {tag}");
            }
            assert!(!lower.contains("<style"), "{path}: <style> block");
            assert!(!lower.contains(" style="), "{path}: style attribute");
            assert!(!lower.contains("javascript:"), "{path}: javascript: URL");
            let bytes = lower.as_bytes();
            for (i, _) in lower.match_indices(" on") {
                let name: String = lower[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let after = bytes.get(i + 1 + name.len()).copied();
                assert!(
                    !(name.len() > 2 && after == Some(b'=')),
                    "{path}: inline event handler {name}="
                );
            }
        }
        assert!(super::CONTENT_SECURITY_POLICY.contains("script-src 'self';"));
        assert!(!super::CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
    }
}
