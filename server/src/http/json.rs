//! JSON bodies whose errors are problem+json, as API.md asks: malformed JSON is 400,
//! a body of the wrong shape 422, another content type 415.

use app::error::{AppError, FieldError};
use axum::{
    extract::{
        rejection::{BytesRejection, JsonRejection},
        FromRequest, Request,
    },
    http::StatusCode,
    Json,
};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A JSON object body read into `T`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<Value>::from_request(req, state).await {
            Ok(Json(value)) => from_object(value).map(ApiJson),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType {
                detail: "the body must be JSON, sent with Content-Type: application/json".into(),
            }),
            Err(JsonRejection::JsonSyntaxError(_) | JsonRejection::JsonDataError(_)) => {
                Err(not_json())
            }
            Err(other) => Err(unreadable(other.status(), other.body_text())),
        }
    }
}

/// A body taken as bytes, with the errors `ApiJson` gives.
pub fn bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, AppError> {
    body.map_err(|rejection| unreadable(rejection.status(), rejection.body_text()))
}

/// A body that could not be read: past the size cap (`DefaultBodyLimit`) 413, else 400.
fn unreadable(status: StatusCode, detail: String) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::ContentTooLarge
    } else {
        AppError::BadRequest { detail }
    }
}

/// Reads a body taken as bytes, with the same errors as `ApiJson`.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| not_json())?;
    from_object(value)
}

fn not_json() -> AppError {
    AppError::BadRequest {
        detail: "the body is not valid JSON".into(),
    }
}

/// Only an object is a body here: serde would read a struct from an array too.
fn from_object<T: DeserializeOwned>(value: Value) -> Result<T, AppError> {
    let invalid = |message: String| AppError::Validation {
        errors: vec![FieldError {
            field: "body".into(),
            message,
        }],
    };
    if !value.is_object() {
        return Err(invalid("The body must be a JSON object.".into()));
    }
    serde_json::from_value(value).map_err(|error| invalid(error.to_string()))
}

/// Any `/api/…` path that no route matches: a problem, not the HTML app.
pub async fn api_not_found() -> AppError {
    AppError::NotFound
}

/// A known path with another method: a problem too.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
