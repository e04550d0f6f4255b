//! Plain HTTP routes: operations probes and the JSON API of `shared/API.md`.
//! Handlers are thin: they extract, call a service in `app`, and answer.

mod account;
pub mod assets;
mod auth;
mod health;
pub mod json;
pub mod limits;
mod live;
pub mod no_script;
pub mod openapi;
mod owner;
pub mod security;
mod tasks;

use app::state::AppState;
use axum::{routing::get, Json, Router};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The routes, and `/api/openapi.json` made from the same annotated handlers, so that
/// the description cannot drift from what is served.
pub fn router() -> Router<AppState> {
    let (api, api_doc) = OpenApiRouter::new()
        .merge(auth::router())
        .merge(account::router())
        .merge(tasks::router())
        .merge(live::router())
        .split_for_parts();
    let (operations, operations_doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .split_for_parts();
    let doc = Arc::new(operations_doc.nest("/api", api_doc));
    // Under /api every answer is JSON: an unknown path or method is a problem, never
    // the HTML app.
    let api = api
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc) }
            }),
        )
        .fallback(json::api_not_found)
        .method_not_allowed_fallback(json::method_not_allowed);
    operations.nest("/api", api)
}
