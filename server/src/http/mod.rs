//! Plain HTTP routes: operations probes and the JSON API of `shared/API.md`.
//! Handlers are thin: they extract, call a service in `app`, and answer.

mod auth;
mod health;
pub mod json;
mod tasks;

use app::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    // Under /api every answer is JSON: an unknown path or method is a problem, never
    // the HTML app.
    let api = Router::new()
        .merge(auth::router())
        .merge(tasks::router())
        .fallback(json::api_not_found)
        .method_not_allowed_fallback(json::method_not_allowed);
    Router::new().merge(health::router()).nest("/api", api)
}
