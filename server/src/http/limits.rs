//! What no request may exceed: a body size (413) and a time to its answer (503). Both
//! answers are problems, like every other error.

use app::error::AppError;
use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body read, in bytes.
    pub body_bytes: usize,
    /// How long a request may take to its answer's head.
    pub request_timeout: Duration,
}

impl Limits {
    /// A task is at most a 200-character title and a 2,000-character description:
    /// 64 KiB leaves room for any JSON spelling of that and refuses the rest.
    pub const DEFAULT_BODY_BYTES: usize = 64 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: Self::DEFAULT_BODY_BYTES,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Refuses a declared body over the cap before reading a byte of it; a body without a
/// declared length is capped while it is read (`DefaultBodyLimit` in the router, the same
/// answer through `json::ApiJson`). A request still unanswered at the timeout is dropped,
/// which rolls back its open transaction, and answered 503.
pub async fn enforce(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limits.body_bytes as u64) {
        return AppError::ContentTooLarge.into_response();
    }
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                timeout_ms = limits.request_timeout.as_millis() as u64,
                "request timed out"
            );
            AppError::Unavailable.into_response()
        }
    }
}
