//! Identity as a service: sign-up, sign-in, sign-out, and verifying the token of every
//! request. The REST routes and the server functions both call this, and nothing else.

mod attempts;

use attempts::too_many;

use super::{
    access,
    better_auth::{BetterAuth, BetterAuthUser},
    config::AuthConfig,
    db,
    identity::AuthUser,
    keys::{JwkSet, KeyError, OwnKeys},
    model::{AuthSession, SignInRequest, SignUpRequest, User},
    password,
    throttle::{Refusals, Scope, Verdict},
    token::{self, Grant},
    trusted::TrustedIssuer,
    validate,
    verify::Verifier,
};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};

pub struct AuthService {
    pool: PgPool,
    config: AuthConfig,
    keys: Arc<OwnKeys>,
    verifier: Verifier,
    refusals: Refusals,
    /// Where accounts live when not here (`AUTH_PROVIDER=better-auth`).
    better_auth: Option<BetterAuth>,
}

/// A session, and the identity provider's session to keep beside it when accounts live
/// at Better Auth (`provider_cookie`): the REST routes and server functions set it.
pub struct SignedIn {
    pub session: AuthSession,
    pub provider: Option<SecretString>,
}

impl std::fmt::Debug for AuthService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthService")
            .field("issuer", &self.config.issuer)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("AUTH_TRUSTED_*: {0}")]
    Trusted(String),
    #[error("cannot prepare password hashing")]
    Password,
    #[error("AUTH_BETTER_AUTH_URL: {0}")]
    BetterAuth(String),
}

/// How often expired revocations and closed attempt windows are deleted.
const CLEAN_EVERY: Duration = Duration::from_secs(600);

impl AuthService {
    /// Loads (or makes) the signing keys and starts the background refreshes.
    pub async fn start(pool: PgPool, config: AuthConfig) -> Result<Arc<Self>, StartError> {
        let keys = Arc::new(OwnKeys::load(pool.clone(), &config.keys, config.token_ttl).await?);
        keys.spawn_refresher();
        let trusted = match &config.trusted {
            Some(trusted) => {
                Some(TrustedIssuer::new(trusted.clone()).map_err(StartError::Trusted)?)
            }
            None => None,
        };
        tokio::task::spawn_blocking(password::warm_up)
            .await
            .map_err(|_| StartError::Password)?
            .map_err(|_| StartError::Password)?;
        let verifier = Verifier::new(&config, keys.clone(), trusted);
        let better_auth = config
            .better_auth
            .as_ref()
            .map(BetterAuth::new)
            .transpose()
            .map_err(StartError::BetterAuth)?;
        let service = Arc::new(AuthService {
            pool,
            config,
            keys,
            verifier,
            refusals: Refusals::new(),
            better_auth,
        });
        service.spawn_cleaner();
        Ok(service)
    }

    fn spawn_cleaner(self: &Arc<Self>) {
        let service = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(CLEAN_EVERY);
            loop {
                ticks.tick().await;
                let Some(service) = service.upgrade() else {
                    break;
                };
                if let Err(error) =
                    db::delete_expired(&service.pool, service.config.throttle.window).await
                {
                    tracing::warn!(%error, "cannot delete expired revocations and attempts");
                }
            }
        });
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// The public keys that verify our tokens.
    pub fn jwks(&self) -> JwkSet {
        self.keys.ring().jwks.clone()
    }

    /// `client` is the caller's address (`throttle::client_key`), for the per-client
    /// limits.
    pub async fn sign_up(
        &self,
        request: SignUpRequest,
        client: &str,
    ) -> Result<SignedIn, AppError> {
        let account = validate::new_account(request)?;
        if password::is_common(account.password().expose_secret()) {
            return Err(AppError::field(
                "password",
                "This password is among the most common ones. Choose another.",
            ));
        }
        let limits = &self.config.throttle;
        let verdict = match self.refusals.check(Scope::SignUp, client, "") {
            Some(refused) => refused,
            None => {
                limits.judge_sign_up(db::count_sign_up(&self.pool, client, limits.window).await?)
            }
        };
        if let Verdict::Refuse { retry_after, .. } = verdict {
            tracing::info!(
                retry_after_secs = retry_after.as_secs(),
                "sign-up refused: too many from this client"
            );
            self.refusals.remember(verdict, client, "");
            return Err(too_many(retry_after));
        }
        if let Some(provider) = &self.better_auth {
            let session = provider.sign_up(&account, client).await?;
            tracing::info!(user_id = %session.user.id, "signed up at Better Auth");
            return self
                .provider_session(session.cookie, Some(session.user))
                .await;
        }
        // Before the costly hash; the unique index still decides a race.
        if db::local_email_taken(&self.pool, account.email()).await? {
            return Err(email_taken());
        }
        let hash = password::hash(account.password().clone()).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let inserted = db::insert_local_user(
            &self.pool,
            &id,
            &self.config.issuer,
            account.email(),
            account.name(),
            &hash,
        )
        .await;
        let user = match inserted {
            Ok(user) => user,
            Err(sqlx::Error::Database(error))
                if error.constraint() == Some(db::LOCAL_EMAIL_KEY) =>
            {
                return Err(email_taken());
            }
            Err(error) => return Err(error.into()),
        };
        tracing::info!(user_id = %user.id, "signed up");
        self.own_session(&user, None)
    }

    /// `client` is the caller's address (`throttle::client_key`), for the limits.
    pub async fn sign_in(
        &self,
        request: SignInRequest,
        client: &str,
    ) -> Result<SignedIn, AppError> {
        let credentials = validate::credentials(request)?;
        let email = credentials.email();
        self.count_attempt(email, client).await?;

        if let Some(provider) = &self.better_auth {
            // A refusal (wrong password, its own limits) leaves the attempt counted.
            let session = provider.sign_in(&credentials, client).await?;
            self.forgive_attempt(email, client).await?;
            tracing::info!(user_id = %session.user.id, "signed in at Better Auth");
            return self
                .provider_session(session.cookie, Some(session.user))
                .await;
        }
        let account = db::local_account_by_email(&self.pool, email).await?;
        let stored = account.as_ref().map(|a| a.password_hash.clone());
        // The same Argon2id work is done when the email is unknown.
        if !password::verify(credentials.password().clone(), stored).await? {
            return Err(AppError::InvalidCredentials);
        }
        let Some(account) = account else {
            return Err(AppError::InvalidCredentials);
        };
        self.forgive_attempt(email, client).await?;
        tracing::info!(user_id = %account.user.id, "signed in");
        self.own_session(&account.user, account.tokens_valid_after)
    }

    /// A new token for the identity provider's session; 401 without one, or once it
    /// has ended.
    pub async fn refresh(&self, provider: Option<SecretString>) -> Result<SignedIn, AppError> {
        let session = provider.ok_or(AppError::Unauthorized)?;
        self.provider_session(session, None).await
    }

    /// Refuses the user's token from now on, on every instance, and ends the identity
    /// provider's session if the request carries one.
    pub async fn sign_out(
        &self,
        user: &AuthUser,
        provider: Option<SecretString>,
    ) -> Result<(), AppError> {
        access::run(&self.pool, user, || {
            db::revoke(&self.pool, user, user.token_expires_at())
        })
        .await?;
        if let (Some(better_auth), Some(session)) = (&self.better_auth, provider) {
            // The token is refused here already; a session left at Better Auth ends
            // when it expires there.
            if let Err(error) = better_auth.sign_out(&session).await {
                tracing::warn!(?error, "the Better Auth session could not be ended");
            }
        }
        tracing::info!(user_id = %user.id(), "signed out");
        Ok(())
    }

    /// With Better Auth as the identity provider: ends every session of the user there
    /// too, so that no device gets a new token from its session after a sign-out
    /// everywhere (the tokens it has are refused here already).
    pub async fn end_provider_sessions(&self, provider: Option<SecretString>) {
        if let (Some(better_auth), Some(session)) = (&self.better_auth, provider) {
            if let Err(error) = better_auth.revoke_sessions(&session).await {
                tracing::warn!(?error, "the Better Auth sessions could not be ended");
            }
        }
    }

    pub async fn me(&self, user: &AuthUser) -> Result<User, AppError> {
        access::run(&self.pool, user, || db::user_of(&self.pool, user))
            .await?
            .map(|row| row.to_user())
            .ok_or(AppError::Unauthorized)
    }

    /// A token of Better Auth's for its session, with the user it names (from the
    /// sign-up or sign-in answer, else from the token).
    async fn provider_session(
        &self,
        session: SecretString,
        user: Option<BetterAuthUser>,
    ) -> Result<SignedIn, AppError> {
        let better_auth = self.better_auth.as_ref().ok_or(AppError::Unauthorized)?;
        let (jwt, renewed) = better_auth.token(&session).await?;
        let claims = token::parse(&jwt)
            .map_err(|rejection| {
                tracing::warn!(?rejection, "Better Auth's token cannot be read");
                AppError::Unavailable
            })?
            .claims;
        let user = user
            .or_else(|| crate::auth::better_auth::user_in(&jwt))
            .map(|u| User {
                id: u.id,
                email: u.email,
                name: u.name,
                created_at: u.created_at,
            })
            .unwrap_or_else(|| User {
                id: claims.sub.clone(),
                email: claims.email.clone().unwrap_or_default(),
                name: claims.name.clone().unwrap_or_default(),
                created_at: String::new(),
            });
        let expires_in = claims.exp.saturating_sub(Utc::now().timestamp()).max(0) as u64;
        Ok(SignedIn {
            session: AuthSession {
                token: jwt,
                token_type: "Bearer".into(),
                expires_in,
                user,
            },
            provider: Some(renewed.unwrap_or(session)),
        })
    }

    /// A session of ours; `valid_after` is the user's `tokens_valid_after` (`issued_at`).
    fn own_session(
        &self,
        user: &db::UserRow,
        valid_after: Option<DateTime<Utc>>,
    ) -> Result<SignedIn, AppError> {
        Ok(SignedIn {
            session: self.session_for(user, issued_at(valid_after))?,
            provider: None,
        })
    }

    /// A token of ours for this user, issued at `now` (seconds; `issued_at`).
    pub(crate) fn session_for(
        &self,
        user: &db::UserRow,
        now: i64,
    ) -> Result<AuthSession, AppError> {
        let ring = self.keys.ring();
        let ttl = self.config.token_ttl.as_secs();
        let token_id = uuid::Uuid::new_v4().to_string();
        let token = token::issue(
            &ring.signing,
            &Grant {
                subject: &user.id,
                email: &user.email,
                name: &user.name,
                issuer: &self.config.issuer,
                audience: &self.config.audience,
                issued_at: now,
                expires_at: now.saturating_add(ttl as i64),
                token_id: &token_id,
            },
        )?;
        Ok(AuthSession {
            token,
            token_type: "Bearer".into(),
            expires_in: ttl,
            user: user.to_user(),
        })
    }

    /// The one verification path of every protected route and server function
    /// (`verify::Verifier`).
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<AuthUser, AppError> {
        Ok(self.verifier.authenticate(headers).await?)
    }
}

/// When a new token of ours is issued (its `iat`): now, or, when the user's tokens
/// are refused until a time within this second or the next (a sign-out everywhere just
/// now), the first whole second at or after it, so that the new token passes.
pub(crate) fn issued_at(valid_after: Option<DateTime<Utc>>) -> i64 {
    let now = Utc::now().timestamp();
    let Some(valid_after) = valid_after else {
        return now;
    };
    let first_second = if valid_after.timestamp_subsec_nanos() > 0 {
        valid_after.timestamp().saturating_add(1)
    } else {
        valid_after.timestamp()
    };
    now.max(first_second)
}

fn email_taken() -> AppError {
    AppError::Conflict {
        detail: "An account with this email already exists.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_token_is_issued_no_earlier_than_a_sign_out_everywhere() {
        let now = Utc::now().timestamp();
        assert!(issued_at(None) >= now);
        let long_ago = DateTime::from_timestamp(now - 3600, 5).expect("time");
        assert!(issued_at(Some(long_ago)) >= now);
        let just_now = DateTime::from_timestamp(now + 1, 1_000).expect("time");
        assert_eq!(issued_at(Some(just_now)), now + 2);
        let on_a_second = DateTime::from_timestamp(now + 1, 0).expect("time");
        assert_eq!(issued_at(Some(on_a_second)), now + 1);
    }
}
