//! Getting the verified user out of a request: as an axum extractor for the REST
//! routes, and from the request parts that leptos_axum gives server functions. Both go
//! through `AuthService::authenticate`.

use super::identity::AuthUser;
use crate::{error::AppError, state::AppState};
use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use leptos::prelude::use_context;
use std::net::SocketAddr;

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.auth.authenticate(&parts.headers).await
    }
}

/// Runs a protected server function: verifies the request's token, hands the state and
/// the user to `work`, and answers with the status of any error, as REST would.
pub async fn with_user<T, F, Fut>(work: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, AuthUser) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    use crate::state::{answer, app_state};
    answer(
        async {
            let state = app_state()?;
            let parts = use_context::<Parts>().ok_or_else(|| {
                tracing::error!("no request parts in the server function context");
                AppError::Internal
            })?;
            let user = state.auth.authenticate(&parts.headers).await?;
            work(state, user).await
        }
        .await,
    )
}

/// The client's address, for per-client limits: the peer, or the last hop of
/// `X-Forwarded-For` when a trusted load balancer sets it.
pub fn client_address(parts: &Parts, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty());
        if let Some(address) = forwarded {
            return address.to_owned();
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
