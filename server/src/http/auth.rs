//! The identity routes of API.md.

use super::json::ApiJson;
use super::openapi::{Problem, PROBLEM};
use app::{
    auth::{
        client_address,
        keys::JwkSet,
        model::{AuthSession, SignInRequest, SignUpRequest, User},
        provider_cookie,
        service::SignedIn,
        AuthUser,
    },
    error::AppError,
    state::AppState,
};
use axum::{
    extract::State,
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(refresh))
        .routes(routes!(jwks))
        .routes(routes!(me))
}

/// Makes an account and signs it in.
#[utoipa::path(post, path = "/auth/sign-up", tag = "identity", request_body = SignUpRequest, responses(
    (status = 201, description = "Signed up", body = AuthSession),
    (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
    (status = 409, description = "An account with this email exists", body = Problem, content_type = PROBLEM),
    (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM),
    (status = 429, description = "Too many sign-ups from this client, or the server is busy hashing passwords; see Retry-After", body = Problem, content_type = PROBLEM,
        headers(("Retry-After" = u64, description = "Seconds to wait"))),
))]
async fn sign_up(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(request): ApiJson<SignUpRequest>,
) -> Result<Response, AppError> {
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    let signed_in = state.auth.sign_up(request, &client).await?;
    Ok(signed_in_answer(&state, StatusCode::CREATED, signed_in))
}

/// A session as JSON, and, when accounts live at Better Auth, its session in the
/// `provider_cookie` that refreshes it.
fn signed_in_answer(state: &AppState, status: StatusCode, signed_in: SignedIn) -> Response {
    let secure = state.auth.config().site_is_https();
    let mut headers = HeaderMap::new();
    if let Some(cookie) = signed_in
        .provider
        .as_ref()
        .and_then(|provider| provider_cookie::set(provider, secure))
    {
        headers.insert(header::SET_COOKIE, cookie);
    }
    (status, headers, Json(signed_in.session)).into_response()
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/auth/sign-in", tag = "identity", request_body = SignInRequest, responses(
    (status = 200, description = "Signed in", body = AuthSession),
    (status = 401, description = "Unknown email or wrong password (one answer for both)", body = Problem, content_type = PROBLEM),
    (status = 422, description = "A missing field, or an email that cannot be one", body = Problem, content_type = PROBLEM),
    (status = 429, description = "Too many attempts; see Retry-After", body = Problem, content_type = PROBLEM,
        headers(("Retry-After" = u64, description = "Seconds to wait"))),
))]
async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<Response, AppError> {
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    let signed_in = state.auth.sign_in(request, &client).await?;
    Ok(signed_in_answer(&state, StatusCode::OK, signed_in))
}

/// Refuses the bearer token from now on; with Better Auth as the identity provider,
/// also ends its session (the `todo_provider_session` cookie) and removes the cookie.
#[utoipa::path(post, path = "/auth/sign-out", tag = "identity", security(("bearer" = [])), responses(
    (status = 204, description = "Signed out"),
    (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
))]
async fn sign_out(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let provider = provider_cookie::read(&headers);
    let had_provider_session = provider.is_some();
    state.auth.sign_out(&user, provider).await?;
    Ok(signed_out_answer(&state, had_provider_session))
}

/// `204`, and the identity provider's session cookie removed if the request had one.
pub(super) fn signed_out_answer(state: &AppState, had_provider_session: bool) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if had_provider_session {
        let secure = state.auth.config().site_is_https();
        response
            .headers_mut()
            .insert(header::SET_COOKIE, provider_cookie::clear(secure));
    }
    response
}

/// With Better Auth as the identity provider: a new token for the session its
/// sign-up or sign-in left in the `todo_provider_session` cookie (HttpOnly, SameSite
/// Strict). Without that cookie, or once the session has ended there, 401 (and the
/// cookie is removed).
#[utoipa::path(post, path = "/auth/refresh", tag = "identity", responses(
    (status = 200, description = "A new token, as sign-in answers", body = AuthSession),
    (status = 401, description = "No provider session, or it has ended", body = Problem, content_type = PROBLEM),
    (status = 503, description = "Better Auth cannot be reached", body = Problem, content_type = PROBLEM),
))]
async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.auth.refresh(provider_cookie::read(&headers)).await {
        Ok(signed_in) => signed_in_answer(&state, StatusCode::OK, signed_in),
        Err(AppError::Unauthorized) => {
            let secure = state.auth.config().site_is_https();
            let mut response = AppError::Unauthorized.into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, provider_cookie::clear(secure));
            response
        }
        Err(error) => error.into_response(),
    }
}

/// The public keys that verify our tokens. Cached briefly: a rotation publishes the
/// next key well before it signs anything.
#[utoipa::path(get, path = "/auth/jwks", tag = "identity", responses(
    (status = 200, description = "JWK Set", body = JwkSet),
))]
async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json::<JwkSet>(state.auth.jwks()),
    )
}

/// The token's user.
#[utoipa::path(get, path = "/me", tag = "identity", security(("bearer" = [])), responses(
    (status = 200, description = "The user", body = User),
    (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
))]
async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<User>, AppError> {
    Ok(Json(state.auth.me(&user).await?))
}
