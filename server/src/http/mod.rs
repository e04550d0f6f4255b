//! Plain HTTP routes: operations probes and the JSON API of `shared/API.md`.
//! Handlers are thin: they extract, call the service layer in `app`, and answer.

pub mod error;
mod health;

use app::state::AppState;
use axum::{routing::any, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .route("/api", any(error::api_not_found))
        .route("/api/{*rest}", any(error::api_not_found))
}
