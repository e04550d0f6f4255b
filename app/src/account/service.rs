//! The account side as a service: the profile, the password (changed, or reset by an
//! emailed link), ending every session, preferences, export and deletion. The REST
//! routes and the server functions both call this, and nothing else.

use super::{
    db,
    export::{self, ExportStream},
    mail::{MailConfig, Mailer},
    model::{
        Account, AccountDeletion, PasswordChange, PasswordReset, Preferences, PreferencesChange,
        ProfileChange, ResetRequest, DELETE_CONFIRMATION,
    },
    validate,
};
use crate::{
    auth::{
        access, db as auth_db,
        model::AuthSession,
        password,
        service::{issued_at, AuthService},
        validate as auth_validate, AuthUser,
    },
    error::AppError,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;

/// How long a reset link works.
pub const RESET_LINK_MINUTES: i32 = 30;

#[derive(Clone, Debug)]
pub struct AccountConfig {
    /// The site's address as people reach it (`PUBLIC_URL`; by default the address the
    /// server listens on): reset links point there. Never taken from a request's
    /// `Host`, which whoever asks for the link chooses.
    pub public_url: Option<String>,
    pub mail: MailConfig,
}

#[derive(Clone, Debug)]
pub struct AccountService {
    pool: PgPool,
    auth: Arc<AuthService>,
    mailer: Arc<Mailer>,
    public_url: Arc<str>,
}

impl AccountService {
    /// `listening_on` is the site's address when no `PUBLIC_URL` is set.
    pub fn new(
        pool: PgPool,
        auth: Arc<AuthService>,
        config: &AccountConfig,
        listening_on: String,
    ) -> Result<Self, String> {
        let public_url = config.public_url.clone().unwrap_or(listening_on);
        Ok(AccountService {
            pool,
            auth,
            mailer: Arc::new(Mailer::new(&config.mail)?),
            public_url: public_url.trim_end_matches('/').into(),
        })
    }

    async fn row(&self, user: &AuthUser) -> Result<db::AccountRow, AppError> {
        access::run(&self.pool, user, || db::account_of(&self.pool, user))
            .await?
            .ok_or(AppError::Unauthorized)
    }

    pub async fn account(&self, user: &AuthUser) -> Result<Account, AppError> {
        let row = self.row(user).await?;
        Ok(Account {
            user: row.user.to_user(),
            has_password: row.has_password,
        })
    }

    pub async fn rename(
        &self,
        user: &AuthUser,
        change: ProfileChange,
    ) -> Result<Account, AppError> {
        let name = access::vouch(&self.pool, user, validate::name(change.name)).await?;
        let (row, has_password) =
            access::run(&self.pool, user, || db::rename(&self.pool, user, &name))
                .await?
                .ok_or(AppError::Unauthorized)?;
        Ok(Account {
            user: row.to_user(),
            has_password,
        })
    }

    /// Checks the current password (throttled as a sign-in), sets the new one, and ends
    /// every token issued before, this one included: the answer is a new session.
    pub async fn change_password(
        &self,
        user: &AuthUser,
        change: PasswordChange,
        client: &str,
    ) -> Result<AuthSession, AppError> {
        let (current, new) =
            access::vouch(&self.pool, user, validate::password_change(change)).await?;
        let row = self.row(user).await?;
        if !row.has_password {
            return Err(no_password_here());
        }
        if password::is_common(&new) {
            return Err(common_password("new_password"));
        }
        self.check_password(&row, current, client).await?;
        let hash = password::hash(new.into()).await?;
        let valid_after = access::run(&self.pool, user, || {
            db::set_password(&self.pool, user, &hash)
        })
        .await?
        .ok_or(AppError::Unauthorized)?;
        tracing::info!(user_id = %user.id(), "password changed; every other session ended");
        self.auth
            .session_for(&row.user, issued_at(Some(valid_after)))
    }

    /// Refuses every token of the user issued until now, on every instance, this one
    /// included; with Better Auth as the identity provider, `provider` (this browser's
    /// session there) ends every session of the user there too.
    pub async fn sign_out_everywhere(
        &self,
        user: &AuthUser,
        provider: Option<SecretString>,
    ) -> Result<(), AppError> {
        access::run(&self.pool, user, || db::end_every_session(&self.pool, user))
            .await?
            .ok_or(AppError::Unauthorized)?;
        self.auth.end_provider_sessions(provider).await;
        tracing::info!(user_id = %user.id(), "signed out everywhere");
        Ok(())
    }

    /// "Forgot password": the same answer, after the same work, whether or not the
    /// email has an account; the link is made and sent after the answer.
    pub async fn request_reset(&self, request: ResetRequest, client: &str) -> Result<(), AppError> {
        let email = auth_validate::normalize_email(request.email.as_deref().unwrap_or_default());
        if let Some(problem) = auth_validate::email_problem(&email) {
            return Err(AppError::field("email", problem));
        }
        self.auth.count_reset_request(&email, client).await?;
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(error) = this.send_reset_link(&email).await {
                tracing::warn!(?error, "cannot make a password reset link");
            }
        });
        Ok(())
    }

    async fn send_reset_link(&self, email: &str) -> Result<(), AppError> {
        let Some(account) = auth_db::local_account_by_email(&self.pool, email).await? else {
            tracing::info!("password reset asked for an email with no account here");
            return Ok(());
        };
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|error| {
            tracing::error!(%error, "no randomness for a reset token");
            AppError::Internal
        })?;
        let token = SecretString::from(URL_SAFE_NO_PAD.encode(secret));
        let stored = token_hash(token.expose_secret());
        db::insert_reset(&self.pool, &stored, &account.user.id, RESET_LINK_MINUTES).await?;
        let link = SecretString::from(format!(
            "{}/reset-password?token={}",
            self.public_url,
            token.expose_secret()
        ));
        tracing::info!(user_id = %account.user.id, "password reset link made");
        self.mailer
            .send_reset_link(email, &account.user.name, &link, RESET_LINK_MINUTES)
            .await;
        Ok(())
    }

    /// Sets a new password with an emailed link's token, once, and ends every session
    /// of that account.
    pub async fn reset_password(&self, reset: PasswordReset) -> Result<(), AppError> {
        let (token, new) = validate::password_reset(reset)?;
        if password::is_common(&new) {
            return Err(common_password("new_password"));
        }
        let stored = token_hash(&token);
        match db::reset_state(&self.pool, &stored).await? {
            None => return Err(AppError::field("token", LINK_UNKNOWN)),
            Some(state) if state.used => return Err(AppError::field("token", LINK_USED)),
            Some(state) if state.expired => return Err(AppError::field("token", LINK_EXPIRED)),
            Some(_) => {}
        }
        let hash = password::hash(new.into()).await?;
        // A reset racing this one may have used the link since.
        let user_id = db::use_reset(&self.pool, &stored, &hash)
            .await?
            .ok_or_else(|| AppError::field("token", LINK_USED))?;
        tracing::info!(%user_id, "password reset; every session ended");
        Ok(())
    }

    pub async fn preferences(&self, user: &AuthUser) -> Result<Preferences, AppError> {
        Ok(
            access::run(&self.pool, user, || db::preferences_of(&self.pool, user))
                .await?
                .unwrap_or_default(),
        )
    }

    pub async fn set_preferences(
        &self,
        user: &AuthUser,
        change: PreferencesChange,
    ) -> Result<Preferences, AppError> {
        let preferences = access::vouch(&self.pool, user, validate::preferences(change)).await?;
        access::run(&self.pool, user, || {
            db::set_preferences(&self.pool, user, &preferences)
        })
        .await
    }

    /// Deletes the user, their tasks and preferences in one statement, and signs this
    /// token out; every other token of an account of ours is refused from then on (its
    /// row is gone, and ours are never made from a token). An external issuer's user
    /// who comes back with a valid token starts again, empty.
    pub async fn delete(
        &self,
        user: &AuthUser,
        deletion: AccountDeletion,
        client: &str,
    ) -> Result<(), AppError> {
        let row = self.row(user).await?;
        if row.has_password {
            let password = deletion.password.unwrap_or_default();
            if password.is_empty() {
                return Err(AppError::field(
                    "password",
                    "Enter your password to delete your account.",
                ));
            }
            if password.chars().count() > auth_validate::PASSWORD_MAX_CHARS {
                return Err(AppError::WrongPassword);
            }
            self.check_password(&row, password, client).await?;
        } else if deletion.confirm.as_deref().map(str::trim) != Some(DELETE_CONFIRMATION) {
            return Err(AppError::field(
                "confirm",
                "Type delete to confirm that your account and tasks go.",
            ));
        }
        if !access::run(&self.pool, user, || db::delete_account(&self.pool, user)).await? {
            return Err(AppError::Unauthorized);
        }
        tracing::info!(user_id = %user.id(), "account deleted");
        Ok(())
    }

    /// The profile, preferences and every task as one JSON document, streamed.
    pub async fn export(&self, user: AuthUser) -> Result<ExportStream, AppError> {
        let account = self.account(&user).await?;
        let preferences = self.preferences(&user).await?;
        export::stream(self.pool.clone(), user, account, preferences)
    }

    /// A password that confirms a change, counted as a sign-in attempt on the
    /// account's email.
    async fn check_password(
        &self,
        row: &db::AccountRow,
        password: String,
        client: &str,
    ) -> Result<(), AppError> {
        let email = &row.user.email;
        self.auth.count_attempt(email, client).await?;
        if !password::verify(password.into(), Some(row.password_hash.clone())).await? {
            return Err(AppError::WrongPassword);
        }
        self.auth.forgive_attempt(email, client).await
    }
}

const LINK_UNKNOWN: &str = "This is not a working password reset link. Ask for a new one.";
const LINK_USED: &str = "This link was used already. If you need to, ask for a new one.";
const LINK_EXPIRED: &str = "This link has expired (links work for 30 minutes). Ask for a new one.";

/// What is kept of a reset token: its SHA-256. The token is 256 random bits, so a fast
/// hash is enough (nothing to guess from), and a leaked table opens no account.
fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn no_password_here() -> AppError {
    AppError::Conflict {
        detail: "This account has no password here: it signs in through its identity provider, which keeps its password.".into(),
    }
}

fn common_password(field: &str) -> AppError {
    AppError::field(
        field,
        "This password is among the most common ones. Choose another.",
    )
}
