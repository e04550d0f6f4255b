//! Plain HTTP routes: operations probes and the JSON API of `shared/API.md`.
//! Handlers are thin: they extract, call a service in `app`, and answer.

mod auth;
mod health;
pub mod json;

use app::state::AppState;
use axum::{routing::any, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .route("/api", any(json::api_not_found))
        .route("/api/{*rest}", any(json::api_not_found))
        .method_not_allowed_fallback(json::method_not_allowed)
}
