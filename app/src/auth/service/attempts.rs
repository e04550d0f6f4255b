//! The password attempts and reset requests that identity counts (`throttle`), as
//! methods of `AuthService`: sign-in, a change of password and a deletion share one count.

use super::{db, AuthService};
use crate::{
    auth::throttle::{self, Scope, Verdict},
    error::AppError,
};
use std::time::Duration;

impl AuthService {
    /// Counts a password attempt on this email from this client (sign-in, a change of
    /// password, deleting an account): 429 past the limits, slowed down on a
    /// much-guessed email. A success gives it back (`forgive_attempt`).
    pub(crate) async fn count_attempt(&self, email: &str, client: &str) -> Result<(), AppError> {
        let limits = &self.config.throttle;
        let remembered = [Scope::Client, Scope::Pair]
            .into_iter()
            .find_map(|of| self.refusals.check(of, client, email));
        let verdict = match remembered {
            Some(refused) => refused,
            None => limits.judge_sign_in(
                &db::count_sign_in_attempt(
                    &self.pool,
                    email,
                    client,
                    limits.window,
                    limits.max_per_client,
                    limits.max_per_client_email,
                )
                .await?,
            ),
        };
        match verdict {
            Verdict::Refuse { retry_after, .. } => {
                tracing::info!(
                    retry_after_secs = retry_after.as_secs(),
                    "password attempt refused: too many attempts"
                );
                self.refusals.remember(verdict, client, email);
                Err(too_many(retry_after))
            }
            Verdict::Proceed { delay } if !delay.is_zero() => {
                tracing::info!(
                    delay_ms = delay.as_millis() as u64,
                    "password attempt slowed down: a much-guessed email"
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            Verdict::Proceed { .. } => Ok(()),
        }
    }

    pub(crate) async fn forgive_attempt(&self, email: &str, client: &str) -> Result<(), AppError> {
        Ok(db::forgive_sign_in_attempt(&self.pool, email, client).await?)
    }

    /// Counts a "forgot password" request from this client and for this email: 429
    /// past either limit, whether or not the email has an account.
    pub(crate) async fn count_reset_request(
        &self,
        email: &str,
        client: &str,
    ) -> Result<(), AppError> {
        let limits = &self.config.throttle;
        let by_client =
            db::count_in_window(&self.pool, "reset-client", client, limits.window).await?;
        if let Some(wait) = throttle::past(&by_client, limits.max_resets_per_client) {
            tracing::info!("password reset refused: too many from this client");
            return Err(too_many(wait));
        }
        let by_email = db::count_in_window(&self.pool, "reset-email", email, limits.window).await?;
        if let Some(wait) = throttle::past(&by_email, limits.max_resets_per_email) {
            tracing::info!("password reset refused: too many for this email");
            return Err(too_many(wait));
        }
        Ok(())
    }
}

pub(super) fn too_many(retry_after: Duration) -> AppError {
    AppError::TooManyRequests {
        retry_after_secs: retry_after.as_secs().max(1),
    }
}
