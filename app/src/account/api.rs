//! Server functions of the account side, for the web app. Thin: the user comes from
//! the verified token of the request, then `AccountService` does the work. The export
//! is the REST route's download (`GET /api/{user_id}/export`).

use super::model::{
    Account, AccountDeletion, PasswordChange, PasswordReset, Preferences, PreferencesChange,
    ProfileChange, ResetRequest,
};
use crate::{auth::model::AuthSession, error::AppError};
use leptos::prelude::*;
use server_fn::codec::Postcard;

#[cfg(feature = "ssr")]
use crate::auth::{client_address, request_parts, with_user};

#[server(prefix = "/rpc", endpoint = "account/get", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn get_account() -> Result<Account, AppError> {
    with_user(|state, user| async move { state.account.account(&user).await }).await
}

#[server(prefix = "/rpc", endpoint = "account/rename", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn rename(change: ProfileChange) -> Result<Account, AppError> {
    with_user(|state, user| async move { state.account.rename(&user, change).await }).await
}

#[server(prefix = "/rpc", endpoint = "account/change-password", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn change_password(change: PasswordChange) -> Result<AuthSession, AppError> {
    with_user(|state, user| async move {
        let parts = request_parts()?;
        let client = client_address(&parts, state.auth.config().trust_forwarded_for);
        state.account.change_password(&user, change, &client).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "account/sign-out-everywhere", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    with_user(|state, user| async move {
        let parts = request_parts()?;
        let provider = crate::auth::provider_cookie::read(&parts.headers);
        let had_provider_session = provider.is_some();
        state.account.sign_out_everywhere(&user, provider).await?;
        if had_provider_session {
            crate::auth::forget_provider_session(state.auth.config().site_is_https());
        }
        Ok(())
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "account/forgot-password", input = Postcard, output = Postcard)]
pub async fn forgot_password(request: ResetRequest) -> Result<(), AppError> {
    use crate::state::{answer, app_state};
    answer(
        async {
            let state = app_state()?;
            let parts = request_parts()?;
            let client = client_address(&parts, state.auth.config().trust_forwarded_for);
            state.account.request_reset(request, &client).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "account/reset-password", input = Postcard, output = Postcard)]
pub async fn reset_password(reset: PasswordReset) -> Result<(), AppError> {
    use crate::state::{answer, app_state};
    answer(async { app_state()?.account.reset_password(reset).await }.await)
}

#[server(prefix = "/rpc", endpoint = "account/preferences", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn get_preferences() -> Result<Preferences, AppError> {
    with_user(|state, user| async move { state.account.preferences(&user).await }).await
}

#[server(prefix = "/rpc", endpoint = "account/set-preferences", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn set_preferences(change: PreferencesChange) -> Result<Preferences, AppError> {
    with_user(|state, user| async move { state.account.set_preferences(&user, change).await }).await
}

#[server(prefix = "/rpc", endpoint = "account/delete", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn delete_account(deletion: AccountDeletion) -> Result<(), AppError> {
    with_user(|state, user| async move {
        let parts = request_parts()?;
        let client = client_address(&parts, state.auth.config().trust_forwarded_for);
        state.account.delete(&user, deletion, &client).await
    })
    .await
}
