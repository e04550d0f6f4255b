//! The account routes (README, Account): the profile, the password, signing out
//! everywhere, preferences, export and deletion. Thin: extract, call
//! `app::account::service`, answer.

use super::json::ApiJson;
use super::openapi::{Problem, PROBLEM};
use super::owner::Owner;
use app::{
    account::model::{
        Account, AccountDeletion, PasswordChange, PasswordReset, Preferences, PreferencesChange,
        ProfileChange, ResetRequest,
    },
    auth::{access, client_address, model::AuthSession, provider_cookie, AuthUser},
    error::AppError,
    state::AppState,
};
use axum::{
    body::Body,
    extract::State,
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .routes(routes!(sign_out_everywhere))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(account, rename, delete_account))
        .routes(routes!(preferences, set_preferences))
        .routes(routes!(export))
}

/// A body read under a token: a signed-out token hears 401 before its body's 400.
async fn vouched<T>(
    state: &AppState,
    user: &AuthUser,
    body: Result<ApiJson<T>, AppError>,
) -> Result<T, AppError> {
    access::vouch(&state.pool, user, body.map(|ApiJson(body)| body)).await
}

/// Changes the password of an account that has one here. Every token issued before,
/// this one included, is refused from then on, on every instance; the answer is a new
/// session.
#[utoipa::path(post, path = "/auth/change-password", tag = "account", security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; a new session, as sign-in answers", body = AuthSession),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The current password is wrong", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The account has no password here (an external issuer's user)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A missing field, or a new password that breaks the sign-up rules", body = Problem, content_type = PROBLEM),
        (status = 429, description = "Too many password attempts (counted as sign-ins); see Retry-After", body = Problem, content_type = PROBLEM,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    parts: Parts,
    body: Result<ApiJson<PasswordChange>, AppError>,
) -> Result<Json<AuthSession>, AppError> {
    let change = vouched(&state, &user, body).await?;
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    Ok(Json(
        state
            .account
            .change_password(&user, change, &client)
            .await?,
    ))
}

/// Refuses every token of this user issued until now, this one included, on every
/// instance.
#[utoipa::path(post, path = "/auth/sign-out-everywhere", tag = "account", security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session ended"),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
    ))]
async fn sign_out_everywhere(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let provider = provider_cookie::read(&headers);
    let had_provider_session = provider.is_some();
    state.account.sign_out_everywhere(&user, provider).await?;
    Ok(super::auth::signed_out_answer(&state, had_provider_session))
}

/// Sends a password reset link to the email if an account here has it. The answer is
/// the same either way; the link works once, for 30 minutes.
#[utoipa::path(post, path = "/auth/forgot-password", tag = "account",
    request_body = ResetRequest,
    responses(
        (status = 202, description = "Accepted: if an account has this email, a link is on its way"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Not an email address", body = Problem, content_type = PROBLEM),
        (status = 429, description = "Too many requests from this client or for this email; see Retry-After", body = Problem, content_type = PROBLEM,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn forgot_password(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(request): ApiJson<ResetRequest>,
) -> Result<StatusCode, AppError> {
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    state.account.request_reset(request, &client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with the token of a reset link; every session of the account
/// ends.
#[utoipa::path(post, path = "/auth/reset-password", tag = "account",
    request_body = PasswordReset,
    responses(
        (status = 204, description = "The password is set; sign in with it"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A new password that breaks the sign-up rules, or a link that is unknown, used or expired (field `token`)", body = Problem, content_type = PROBLEM),
    ))]
async fn reset_password(
    State(state): State<AppState>,
    ApiJson(reset): ApiJson<PasswordReset>,
) -> Result<StatusCode, AppError> {
    state.account.reset_password(reset).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user and whether they have a password here.
#[utoipa::path(get, path = "/{user_id}/account", tag = "account", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
    ))]
async fn account(State(state): State<AppState>, owner: Owner) -> Result<Json<Account>, AppError> {
    Ok(Json(state.account.account(&owner.user).await?))
}

/// Changes the display name.
#[utoipa::path(patch, path = "/{user_id}/account", tag = "account", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    request_body = ProfileChange,
    responses(
        (status = 200, description = "The changed account", body = Account),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A name of 1 to 100 characters is needed; nothing written", body = Problem, content_type = PROBLEM),
    ))]
async fn rename(
    State(state): State<AppState>,
    owner: Owner,
    body: Result<ApiJson<ProfileChange>, AppError>,
) -> Result<Json<Account>, AppError> {
    let change = vouched(&state, &owner.user, body).await?;
    Ok(Json(state.account.rename(&owner.user, change).await?))
}

/// Deletes the account, its tasks and preferences, and signs its tokens out. The
/// password confirms it for an account that has one here; else `confirm: "delete"`.
#[utoipa::path(delete, path = "/{user_id}/account", tag = "account", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    request_body = AccountDeletion,
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL, or a wrong password", body = Problem, content_type = PROBLEM),
        (status = 422, description = "No password, or no confirmation; nothing deleted", body = Problem, content_type = PROBLEM),
        (status = 429, description = "Too many password attempts; see Retry-After", body = Problem, content_type = PROBLEM,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn delete_account(
    State(state): State<AppState>,
    owner: Owner,
    parts: Parts,
    body: Result<ApiJson<AccountDeletion>, AppError>,
) -> Result<StatusCode, AppError> {
    let deletion = vouched(&state, &owner.user, body).await?;
    let client = client_address(&parts, state.auth.config().trust_forwarded_for);
    state.account.delete(&owner.user, deletion, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's preferences (the defaults until they save some).
#[utoipa::path(get, path = "/{user_id}/preferences", tag = "account", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    responses(
        (status = 200, description = "The preferences", body = Preferences),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
    ))]
async fn preferences(
    State(state): State<AppState>,
    owner: Owner,
) -> Result<Json<Preferences>, AppError> {
    Ok(Json(state.account.preferences(&owner.user).await?))
}

/// Replaces the preferences: `filter` (all, pending, completed), `sort` (newest,
/// oldest, title), `theme` (system, light, dark), all three required.
#[utoipa::path(put, path = "/{user_id}/preferences", tag = "account", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    request_body = PreferencesChange,
    responses(
        (status = 200, description = "The saved preferences", body = Preferences),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A missing or unknown value; nothing written", body = Problem, content_type = PROBLEM),
    ))]
async fn set_preferences(
    State(state): State<AppState>,
    owner: Owner,
    body: Result<ApiJson<PreferencesChange>, AppError>,
) -> Result<Json<Preferences>, AppError> {
    let change = vouched(&state, &owner.user, body).await?;
    Ok(Json(
        state.account.set_preferences(&owner.user, change).await?,
    ))
}

/// Everything kept of the user, as one JSON download: `{format, exported_at, user,
/// preferences, tasks}`, streamed.
#[utoipa::path(get, path = "/{user_id}/export", tag = "account", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    responses(
        (status = 200, description = "The export (Content-Disposition: attachment)", content_type = "application/json"),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
    ))]
async fn export(State(state): State<AppState>, owner: Owner) -> Result<Response, AppError> {
    let stream = state.account.export(owner.user).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"todo-export.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
