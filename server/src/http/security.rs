//! Headers every answer carries, so that a browser treats it as this app means it to.
//! Pages set their own `Content-Security-Policy` with the request's script nonce
//! (`app::shell`); every other answer gets one that allows nothing.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};

/// For answers that are not pages (JSON, assets): nothing may run or embed them.
const NOTHING_ALLOWED: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// What the headers depend on.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Send `Strict-Transport-Security`: the site is served over https (its
    /// `AUTH_ISSUER` is an https URL), so browsers should never use plain http for it.
    pub hsts: bool,
}

impl Policy {
    pub fn for_site(config: &app::auth::config::AuthConfig) -> Self {
        Policy {
            hsts: config.site_is_https(),
        }
    }
}

const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn headers(State(policy): State<Policy>, request: Request, next: Next) -> Response {
    // Answers of the API and of server functions carry tokens and people's tasks: no
    // cache, shared or private, may keep them. A route that may be cached says so.
    let private = {
        let path = request.uri().path();
        path.starts_with("/api/") || path.starts_with("/rpc/")
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if private {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(NOTHING_ALLOWED));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // For browsers older than `frame-ancestors`.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
