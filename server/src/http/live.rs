//! The live stream of a user's changes (README, Live sync), as Server-Sent Events.
//! Thin: check the owner, open the stream with `app::live::service`, frame its events.

use super::openapi::{Problem, PROBLEM};
use super::owner::Owner;
use app::{error::AppError, live::stream::LiveEvent, state::AppState};
use axum::{
    extract::State,
    http::{header::HeaderName, HeaderValue},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures::StreamExt;
use serde_json::json;
use std::convert::Infallible;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// The user's changes as they commit, on any instance, as Server-Sent Events: `ready`
/// first (read the list now), then `change` (`{kind, ids}`; `ids` null past 100: read
/// the list), `resync` (something may have been missed: read the list), and `end`
/// (`{reason}`: `expired`, `signed_out` or `closing`) last. A comment line every
/// `LIVE_HEARTBEAT_SECS` keeps proxies from closing an idle stream. The token goes in
/// the Authorization header, never the URL.
#[utoipa::path(get, path = "/{user_id}/events", tag = "live", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    responses(
        (status = 200, description = "An open stream of `text/event-stream`, until its token expires or is signed out, or the server stops", content_type = "text/event-stream"),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 429, description = "Too many streams open for this user, or on this instance; see Retry-After", body = Problem, content_type = PROBLEM,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn events(State(state): State<AppState>, owner: Owner) -> Result<Response, AppError> {
    let events = state.live.open(owner.user).await?;
    let frames = events.map(|event| Ok::<_, Infallible>(frame(&event)));
    let mut response = Sse::new(frames)
        .keep_alive(KeepAlive::new().interval(state.live.heartbeat()))
        .into_response();
    // nginx and some others buffer a response unless told not to.
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    Ok(response)
}

fn frame(event: &LiveEvent) -> Event {
    let named = |name| Event::default().event(name);
    let framed = match event {
        LiveEvent::Ready => Ok(named("ready").data("{}")),
        LiveEvent::Changed(change) => named("change").json_data(change),
        LiveEvent::Resync => Ok(named("resync").data("{}")),
        LiveEvent::End(reason) => named("end").json_data(json!({ "reason": reason.as_str() })),
    };
    // Neither a change nor an end fails to serialize; were one to, a resync loses nothing.
    framed.unwrap_or_else(|_| named("resync").data("{}"))
}
