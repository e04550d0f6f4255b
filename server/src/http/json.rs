//! A JSON body extractor whose rejections are problem+json, as API.md asks: malformed
//! JSON is 400, a body of the wrong shape 422, another content type 415.

use app::error::{AppError, FieldError};
use axum::{
    extract::{rejection::JsonRejection, FromRequest, Request},
    Json,
};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(AppError::BadRequest {
                detail: "the body is not valid JSON".into(),
            }),
            Err(JsonRejection::JsonDataError(error)) => Err(AppError::Validation {
                errors: vec![FieldError {
                    field: "body".into(),
                    message: error.body_text(),
                }],
            }),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType {
                detail: "the body must be JSON, sent with Content-Type: application/json".into(),
            }),
            Err(other) => Err(AppError::BadRequest {
                detail: other.body_text(),
            }),
        }
    }
}

/// Any `/api/…` path that no route matches: a problem, not the HTML app.
pub async fn api_not_found() -> AppError {
    AppError::NotFound
}

/// A known path with another method: a problem too.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
