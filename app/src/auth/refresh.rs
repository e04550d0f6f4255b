//! The refresh of a token from the identity provider's session, as a server function
//! of its own: the client that attaches the token to every call (`session`) asks it
//! first when the token is about to expire, so it must not be reached through the
//! functions that client serves (`auth::api`).

use crate::{auth::model::AuthSession, error::AppError};
use leptos::prelude::*;
use server_fn::codec::Postcard;

/// A new token for the identity provider's session (its cookie), when accounts live
/// at Better Auth; 401 once that session has ended, or without one.
#[server(prefix = "/rpc", endpoint = "auth/refresh", input = Postcard, output = Postcard)]
pub async fn refresh_session() -> Result<AuthSession, AppError> {
    use crate::state::{answer, app_state};
    answer(
        async {
            let state = app_state()?;
            let parts = crate::auth::request_parts()?;
            let secure = state.auth.config().site_is_https();
            let provider = crate::auth::provider_cookie::read(&parts.headers);
            match state.auth.refresh(provider).await {
                Ok(signed_in) => Ok(crate::auth::signed_in_answer(signed_in, secure)),
                Err(error) => {
                    if error == AppError::Unauthorized {
                        crate::auth::forget_provider_session(secure);
                    }
                    Err(error)
                }
            }
        }
        .await,
    )
}
