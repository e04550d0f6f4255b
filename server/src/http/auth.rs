//! The identity routes of API.md.

use super::json::ApiJson;
use super::openapi::{Problem, PROBLEM};
use app::{
    auth::{
        client_address,
        keys::JwkSet,
        model::{AuthSession, SignInRequest, SignUpRequest, User},
        AuthUser,
    },
    error::AppError,
    state::AppState,
};
use axum::{
    extract::State,
    http::{header, request::Parts, StatusCode},
    response::IntoResponse,
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
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
) -> Result<(StatusCode, Json<AuthSession>), AppError> {
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    let session = state.auth.sign_up(request, &client).await?;
    Ok((StatusCode::CREATED, Json(session)))
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
) -> Result<Json<AuthSession>, AppError> {
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    Ok(Json(state.auth.sign_in(request, &client).await?))
}

/// Refuses the bearer token from now on.
#[utoipa::path(post, path = "/auth/sign-out", tag = "identity", security(("bearer" = [])), responses(
    (status = 204, description = "Signed out"),
    (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
))]
async fn sign_out(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, AppError> {
    state.auth.sign_out(&user).await?;
    Ok(StatusCode::NO_CONTENT)
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
