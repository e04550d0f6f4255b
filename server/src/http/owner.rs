//! The verified user who must be the `{user_id}` of the URL: what every route under
//! `/api/{user_id}/…` starts from.

use app::{
    auth::{access, AuthUser},
    error::AppError,
    state::AppState,
};
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};

/// The verified user, who must be the `{user_id}` of the URL (else 403). Extracted
/// before any body is read; its 403 is vouched for here (`access::vouch`), every other
/// refusal by the service the route calls, so that 401 comes before 403, 400, 404 and
/// 422 even for a signed-out token.
pub struct Owner {
    pub user: AuthUser,
}

/// A 403 unless the URL's user is the token's.
pub fn same_user(user: &AuthUser, user_id: &str) -> Result<(), AppError> {
    if user_id == user.id() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        let checked = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)
            .and_then(|Path(user_id)| same_user(&user, &user_id));
        access::vouch(&state.pool, &user, checked).await?;
        Ok(Owner { user })
    }
}
