//! Renders the application's errors as RFC 9457 problem details, in one place.

use app::error::AppError;
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// `AppError` as an axum response (a newtype: the orphan rule keeps `IntoResponse` out
/// of the `app` crate).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = json!({
            "type": "about:blank",
            "title": error.title(),
            "status": status.as_u16(),
            "detail": error.to_string(),
        });
        if let AppError::Validation { errors } = &error {
            body["errors"] = json!(errors);
        }
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &error {
            AppError::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

/// Any `/api/…` path that no route matches: a problem, not the HTML app.
pub async fn api_not_found() -> ApiError {
    ApiError(AppError::NotFound)
}
