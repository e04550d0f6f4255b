//! Server functions of identity, for the web app. Thin: each calls `AuthService`.

use super::model::{AuthSession, SignInRequest, SignUpRequest, User};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Postcard;

#[server(prefix = "/rpc", endpoint = "auth/sign-up", input = Postcard, output = Postcard)]
pub async fn sign_up(request: SignUpRequest) -> Result<AuthSession, AppError> {
    use crate::state::{answer, app_state};
    answer(
        async {
            let state = app_state()?;
            let parts = super::request_parts()?;
            let config = state.auth.config();
            let client = super::client_address(&parts, config.trust_forwarded_for);
            let signed_in = state.auth.sign_up(request, &client).await?;
            Ok(super::signed_in_answer(signed_in, config.site_is_https()))
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "auth/sign-in", input = Postcard, output = Postcard)]
pub async fn sign_in(request: SignInRequest) -> Result<AuthSession, AppError> {
    use crate::state::{answer, app_state};
    answer(
        async {
            let state = app_state()?;
            let parts = super::request_parts()?;
            let config = state.auth.config();
            let client = super::client_address(&parts, config.trust_forwarded_for);
            let signed_in = state.auth.sign_in(request, &client).await?;
            Ok(super::signed_in_answer(signed_in, config.site_is_https()))
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "auth/sign-out", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn sign_out() -> Result<(), AppError> {
    super::with_user(|state, user| async move {
        let parts = super::request_parts()?;
        let secure = state.auth.config().site_is_https();
        let provider = super::provider_cookie::read(&parts.headers);
        let had_provider_session = provider.is_some();
        state.auth.sign_out(&user, provider).await?;
        if had_provider_session {
            super::forget_provider_session(secure);
        }
        Ok(())
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "auth/me", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn current_user() -> Result<User, AppError> {
    super::with_user(|state, user| async move { state.auth.me(&user).await }).await
}
