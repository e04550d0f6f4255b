//! Liveness and readiness probes.

use app::{error::AppError, state::AppState};
use axum::{extract::State, Json};
use serde_json::{json, Value};
use sqlx::Connection;
use std::time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};

/// How long readiness waits for the database: a probe must answer quickly either way.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// Answers 200 while the process runs.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive")))]
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Answers 200 when the database answers within 2 s, else 503.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "The database answers"),
    (status = 503, description = "The database does not answer", body = super::openapi::Problem, content_type = super::openapi::PROBLEM),
))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let ping = async {
        let mut conn = state.pool.acquire().await?;
        conn.ping().await
    };
    match tokio::time::timeout(READINESS_TIMEOUT, ping).await {
        Ok(Ok(())) => Ok(Json(json!({ "status": "ready" }))),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database does not answer");
            Err(AppError::Unavailable)
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in time");
            Err(AppError::Unavailable)
        }
    }
}
