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
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let client = super::client_address(&parts, state.auth.config().trust_forwarded_for);
            state.auth.sign_up(request, &client).await
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
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let client = super::client_address(&parts, state.auth.config().trust_forwarded_for);
            state.auth.sign_in(request, &client).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "auth/sign-out", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn sign_out() -> Result<(), AppError> {
    super::with_user(|state, user| async move { state.auth.sign_out(&user).await }).await
}

#[server(prefix = "/rpc", endpoint = "auth/me", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn current_user() -> Result<User, AppError> {
    super::with_user(|state, user| async move { state.auth.me(&user).await }).await
}
