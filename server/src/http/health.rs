//! Liveness and readiness probes.

use app::{error::AppError, state::AppState};
use axum::{extract::State, routing::get, Json, Router};
use serde_json::{json, Value};
use sqlx::Connection;
use std::time::Duration;

/// How long readiness waits for the database: a probe must answer quickly either way.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

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
