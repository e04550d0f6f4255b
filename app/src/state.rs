//! What every request handler on the server shares: options, the pool, the services.
//!
//! It lives in `app` (server side only) because server functions need to name it: the
//! axum integration provides it to them as context, and the REST handlers in `server`
//! take it as axum state.

use crate::{
    account::service::AccountService, auth::service::AuthService, error::AppError,
    live::service::LiveService, tasks::service::TaskService,
};
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub auth: Arc<AuthService>,
    pub tasks: TaskService,
    pub account: AccountService,
    pub live: LiveService,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

/// The state, as seen from inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the server function context");
        AppError::Internal
    })
}

/// Sets the HTTP status of a server function's answer from its error, so that the
/// status a browser sees is the one the REST API gives for the same failure.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        crate::error::set_status_of(error);
    }
    result
}
