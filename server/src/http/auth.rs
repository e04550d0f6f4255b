//! The identity routes of API.md.

use super::json::ApiJson;
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
    routing::{get, post},
    Json, Router,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/sign-up", post(sign_up))
        .route("/auth/sign-in", post(sign_in))
        .route("/auth/sign-out", post(sign_out))
        .route("/auth/jwks", get(jwks))
        .route("/me", get(me))
}

async fn sign_up(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignUpRequest>,
) -> Result<(StatusCode, Json<AuthSession>), AppError> {
    let session = state.auth.sign_up(request).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<Json<AuthSession>, AppError> {
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    Ok(Json(state.auth.sign_in(request, &client).await?))
}

async fn sign_out(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, AppError> {
    state.auth.sign_out(&user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cached briefly: a rotation publishes the next key well before it signs anything.
async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json::<JwkSet>(state.auth.jwks()),
    )
}

async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<User>, AppError> {
    Ok(Json(state.auth.me(&user).await?))
}
