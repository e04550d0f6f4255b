//! Getting the verified user out of a request: as an axum extractor for the REST
//! routes, and from the request parts that leptos_axum gives server functions. Both go
//! through `AuthService::authenticate`.

use super::{
    identity::AuthUser, model::AuthSession, provider_cookie, service::SignedIn,
    throttle::client_key,
};
use crate::{error::AppError, state::AppState};
use axum::extract::{ConnectInfo, FromRequestParts};
use http::{header, request::Parts};
use leptos::prelude::use_context;
use std::net::{IpAddr, SocketAddr};

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
            let parts = request_parts()?;
            let user = state.auth.authenticate(&parts.headers).await?;
            work(state, user).await
        }
        .await,
    )
}

/// The request a server function answers.
pub fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("no request parts in the server function context");
        AppError::Internal
    })
}

/// A server function's answer to a sign-up, sign-in or refresh: the session, with the
/// identity provider's session kept in its cookie when there is one.
pub fn signed_in_answer(signed_in: SignedIn, secure: bool) -> AuthSession {
    if let (Some(provider), Some(response)) = (
        &signed_in.provider,
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Some(cookie) = provider_cookie::set(provider, secure) {
            response.append_header(header::SET_COOKIE, cookie);
        }
    }
    signed_in.session
}

/// Removes the identity provider's session cookie from the browser of the request a
/// server function answers.
pub fn forget_provider_session(secure: bool) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(header::SET_COOKIE, provider_cookie::clear(secure));
    }
}

/// The key the client is counted under, for per-client limits
/// (`throttle::client_key`): the peer's address, or the last hop of `X-Forwarded-For`
/// when a trusted load balancer sets it. What is not an IP address there is ignored.
pub fn client_address(parts: &Parts, trust_forwarded_for: bool) -> String {
    let forwarded = || {
        parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
            .and_then(|v| v.parse::<IpAddr>().ok())
    };
    let peer = || {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
    };
    let address = if trust_forwarded_for {
        forwarded().or_else(peer)
    } else {
        peer()
    };
    address.map_or_else(|| "unknown".to_owned(), client_key)
}
