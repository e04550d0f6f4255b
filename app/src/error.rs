//! The one error type of the application layer.
//!
//! Server functions return it to the browser (in postcard), and the REST layer in
//! `server` renders it as problem+json. It never carries SQL text, keys or stack traces:
//! the `ssr`-only conversions below log the cause and keep only a category.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::PostcardEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// One invalid field of a request, as the client should show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Crosses the wire (to the browser, in postcard) as `Wire`: a `kind` and the fields of
/// every variant, flat. A derived, internally tagged encoding would need a
/// self-describing format, and its decoder alone was about 36 KB of the browser bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    #[error("the request is malformed: {detail}")]
    BadRequest { detail: String },
    #[error("some fields are invalid")]
    Validation { errors: Vec<FieldError> },
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// Sign-in failed: one answer for an unknown email and a wrong password.
    #[error("the email or password is incorrect")]
    InvalidCredentials,
    #[error("this resource belongs to someone else")]
    Forbidden,
    /// The password that confirms an account change is wrong (403: the token is good,
    /// so no 401 that would sign the person out).
    #[error("the password is incorrect")]
    WrongPassword,
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("{detail}")]
    Conflict { detail: String },
    /// The request is well formed, but the user keeps as much as they may (422).
    #[error("{detail}")]
    LimitReached { detail: String },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// A live stream past a cap (per user or per instance): 429, like other limits.
    #[error("{detail}")]
    TooManyStreams {
        detail: String,
        retry_after_secs: u64,
    },
    #[error("{detail}")]
    UnsupportedMediaType { detail: String },
    #[error("the request body is larger than this server accepts")]
    ContentTooLarge,
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("an internal error occurred")]
    Internal,
    /// The server-function transport failed (network, encoding); only seen in the browser
    /// or when a request to a server function is itself malformed.
    #[error("{message}")]
    Transport { message: String },
}

impl AppError {
    /// The HTTP status that this error is answered with, on every path.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest { .. } | AppError::Transport { .. } => 400,
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::WrongPassword => 403,
            AppError::NotFound => 404,
            AppError::MethodNotAllowed => 405,
            AppError::Conflict { .. } => 409,
            AppError::ContentTooLarge => 413,
            AppError::UnsupportedMediaType { .. } => 415,
            AppError::Validation { .. } | AppError::LimitReached { .. } => 422,
            AppError::TooManyRequests { .. } | AppError::TooManyStreams { .. } => 429,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
        }
    }

    /// The problem+json `title`: the status's reason phrase, as RFC 9457 asks of
    /// problems of type `about:blank`.
    pub fn title(&self) -> &'static str {
        match self.status() {
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            409 => "Conflict",
            413 => "Content Too Large",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            503 => "Service Unavailable",
            _ => "Internal Server Error",
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            errors: vec![FieldError {
                field: field.to_owned(),
                message: message.into(),
            }],
        }
    }
}

/// Every field any variant has, flat; `kind` says which of them must be there.
#[derive(Default, Serialize, Deserialize)]
struct Wire {
    kind: String,
    detail: Option<String>,
    errors: Option<Vec<FieldError>>,
    retry_after_secs: Option<u64>,
    message: Option<String>,
}

impl AppError {
    /// The `kind` of the wire form.
    fn kind(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } => "bad_request",
            AppError::Validation { .. } => "validation",
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden => "forbidden",
            AppError::WrongPassword => "wrong_password",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict { .. } => "conflict",
            AppError::LimitReached { .. } => "limit_reached",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::TooManyStreams { .. } => "too_many_streams",
            AppError::ContentTooLarge => "content_too_large",
            AppError::UnsupportedMediaType { .. } => "unsupported_media_type",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Transport { .. } => "transport",
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut wire = Wire {
            kind: self.kind().to_owned(),
            ..Wire::default()
        };
        match self {
            AppError::BadRequest { detail }
            | AppError::Conflict { detail }
            | AppError::LimitReached { detail }
            | AppError::UnsupportedMediaType { detail } => wire.detail = Some(detail.clone()),
            AppError::Validation { errors } => wire.errors = Some(errors.clone()),
            AppError::TooManyRequests { retry_after_secs } => {
                wire.retry_after_secs = Some(*retry_after_secs)
            }
            AppError::TooManyStreams {
                detail,
                retry_after_secs,
            } => {
                wire.detail = Some(detail.clone());
                wire.retry_after_secs = Some(*retry_after_secs);
            }
            AppError::Transport { message } => wire.message = Some(message.clone()),
            _ => {}
        }
        wire.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AppError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        fn need<T, E: Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(field))
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(match wire.kind.as_str() {
            "bad_request" => AppError::BadRequest {
                detail: need(wire.detail, "detail")?,
            },
            "validation" => AppError::Validation {
                errors: need(wire.errors, "errors")?,
            },
            "unauthorized" => AppError::Unauthorized,
            "invalid_credentials" => AppError::InvalidCredentials,
            "forbidden" => AppError::Forbidden,
            "wrong_password" => AppError::WrongPassword,
            "not_found" => AppError::NotFound,
            "method_not_allowed" => AppError::MethodNotAllowed,
            "conflict" => AppError::Conflict {
                detail: need(wire.detail, "detail")?,
            },
            "limit_reached" => AppError::LimitReached {
                detail: need(wire.detail, "detail")?,
            },
            "too_many_requests" => AppError::TooManyRequests {
                retry_after_secs: need(wire.retry_after_secs, "retry_after_secs")?,
            },
            "too_many_streams" => AppError::TooManyStreams {
                detail: need(wire.detail, "detail")?,
                retry_after_secs: need(wire.retry_after_secs, "retry_after_secs")?,
            },
            "unsupported_media_type" => AppError::UnsupportedMediaType {
                detail: need(wire.detail, "detail")?,
            },
            "content_too_large" => AppError::ContentTooLarge,
            "unavailable" => AppError::Unavailable,
            "internal" => AppError::Internal,
            "transport" => AppError::Transport {
                message: need(wire.message, "message")?,
            },
            other => return Err(D::Error::unknown_variant(other, &[])),
        })
    }
}

/// A lazy chunk of the page that could not be fetched: to the person, the network failed.
#[cfg(feature = "hydrate")]
impl From<leptos::wasm_split::SplitLoaderError> for AppError {
    fn from(error: leptos::wasm_split::SplitLoaderError) -> Self {
        AppError::Transport {
            message: error.to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        let unreadable = matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::Deserialization(_)
                | ServerFnErrorErr::MissingArg(_)
        );
        let error = AppError::Transport {
            message: value.to_string(),
        };
        // On the server this means the request could not be read: answer with this
        // error's status (400, as REST answers a malformed body), not leptos's 500.
        #[cfg(feature = "ssr")]
        if unreadable {
            set_status_of(&error);
        }
        error
    }
}

/// Sets the HTTP status of the server function being answered to the error's, so that
/// the status a browser sees is the one the REST API gives for the same failure.
#[cfg(feature = "ssr")]
pub fn set_status_of(error: &AppError) {
    use leptos::prelude::use_context;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use crate::auth::gate::{refusal, Refusal};
    use axum::{
        http::{header, HeaderValue, StatusCode},
        response::{IntoResponse, Response},
        Json,
    };
    use serde_json::json;

    /// Whether the database could not be reached or is not taking work right now, so
    /// that the caller may retry: a 503, not a 500.
    fn is_unavailable(error: &sqlx::Error) -> bool {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            // A connection that dies mid-handshake surfaces as a protocol error.
            | sqlx::Error::Protocol(_) => true,
            // SQLSTATE 08: connection exceptions; 53: insufficient resources (too many
            // connections); 57P: the server is shutting down or starting up.
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                code.starts_with("08") || code.starts_with("53") || code.starts_with("57P")
            }),
            _ => false,
        }
    }

    /// Whatever the gate refused, the answer is the one 401. (`Unseen` is answered by
    /// `auth::access::run`; met here, the row it made vanished in between, and the
    /// token is as good as unknown.)
    impl From<Refusal> for AppError {
        fn from(refusal: Refusal) -> Self {
            tracing::debug!(?refusal, "token refused by the gate");
            AppError::Unauthorized
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            if let Some(refused) = refusal(&error) {
                return refused.into();
            }
            if is_unavailable(&error) {
                tracing::warn!(error = %error, "database unavailable");
                AppError::Unavailable
            } else {
                tracing::error!(error = %error, "database error");
                AppError::Internal
            }
        }
    }

    /// RFC 9457 problem details: the one place where errors become HTTP answers, for
    /// the REST routes and the extractors alike.
    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut body = json!({
                "type": "about:blank",
                "title": self.title(),
                "status": status.as_u16(),
                "detail": self.to_string(),
            });
            if let AppError::Validation { errors } = &self {
                body["errors"] = json!(errors);
            }
            let mut response = (status, Json(body)).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            match &self {
                AppError::Unauthorized | AppError::InvalidCredentials => {
                    headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                AppError::TooManyRequests { retry_after_secs }
                | AppError::TooManyStreams {
                    retry_after_secs, ..
                } => {
                    headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                }
                _ => {}
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_the_server_function_encoding() {
        let errors = [
            AppError::BadRequest {
                detail: "bad".into(),
            },
            AppError::field("email", "is already taken"),
            AppError::Unauthorized,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::WrongPassword,
            AppError::NotFound,
            AppError::MethodNotAllowed,
            AppError::Conflict {
                detail: "taken".into(),
            },
            AppError::LimitReached {
                detail: "full".into(),
            },
            AppError::UnsupportedMediaType {
                detail: "json only".into(),
            },
            AppError::ContentTooLarge,
            AppError::Internal,
            AppError::TooManyRequests {
                retry_after_secs: 30,
            },
            AppError::TooManyStreams {
                detail: "full".into(),
                retry_after_secs: 30,
            },
            AppError::Unavailable,
            AppError::Transport {
                message: "offline".into(),
            },
        ];
        for error in errors {
            let bytes = error.ser();
            assert_eq!(AppError::de(bytes), error);
        }
    }

    #[test]
    fn a_kind_without_its_fields_or_an_unknown_kind_is_refused() {
        for body in [
            r#"{"kind":"conflict"}"#,
            r#"{"kind":"too_many_requests","retry_after_secs":"soon"}"#,
            r#"{"kind":"teapot"}"#,
            r#"{"detail":"no kind"}"#,
        ] {
            assert!(serde_json::from_str::<AppError>(body).is_err(), "{body}");
        }
    }

    #[test]
    fn every_kind_has_its_status_and_title() {
        let detail = || "d".to_owned();
        let cases = [
            (
                AppError::BadRequest { detail: detail() },
                400,
                "Bad Request",
            ),
            (
                AppError::Transport { message: detail() },
                400,
                "Bad Request",
            ),
            (AppError::Unauthorized, 401, "Unauthorized"),
            (AppError::InvalidCredentials, 401, "Unauthorized"),
            (AppError::Forbidden, 403, "Forbidden"),
            (AppError::NotFound, 404, "Not Found"),
            (AppError::MethodNotAllowed, 405, "Method Not Allowed"),
            (AppError::Conflict { detail: detail() }, 409, "Conflict"),
            (AppError::ContentTooLarge, 413, "Content Too Large"),
            (
                AppError::UnsupportedMediaType { detail: detail() },
                415,
                "Unsupported Media Type",
            ),
            (
                AppError::field("title", "is empty"),
                422,
                "Unprocessable Content",
            ),
            (
                AppError::LimitReached { detail: detail() },
                422,
                "Unprocessable Content",
            ),
            (
                AppError::TooManyRequests {
                    retry_after_secs: 1,
                },
                429,
                "Too Many Requests",
            ),
            (
                AppError::TooManyStreams {
                    detail: detail(),
                    retry_after_secs: 1,
                },
                429,
                "Too Many Requests",
            ),
            (AppError::Internal, 500, "Internal Server Error"),
            (AppError::Unavailable, 503, "Service Unavailable"),
        ];
        for (error, status, title) in cases {
            assert_eq!(
                (error.status(), error.title()),
                (status, title),
                "{error:?}"
            );
        }
    }
}
