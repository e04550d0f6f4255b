//! The database half of verifying a request, folded into the request's own statement.
//!
//! `AuthService::authenticate` checks a token in memory: its form, signature, key,
//! issuer, audience and times. What only the database knows (whether the token was
//! signed out, on any instance; whether its subject has a row, and from which issuer)
//! is checked by `token_gate` (migration 0005) at the head of every statement that
//! takes an `AuthUser`. So a request makes one round trip, and a sign-out is seen by
//! every instance from the moment it commits: nothing is cached.

use super::{db, identity::AuthUser, token::Rejection};
use crate::error::AppError;
use sqlx::PgPool;
use std::future::Future;

/// Why `token_gate` refused a statement: its SQLSTATEs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `TGREV`: the token was signed out.
    Revoked,
    /// `TGISS`: the subject's row was made by another issuer.
    OtherIssuer,
    /// `TGNEW`: the subject has no row yet, or one that the token can complete.
    Unseen,
}

pub fn refusal(error: &sqlx::Error) -> Option<Refusal> {
    let sqlx::Error::Database(error) = error else {
        return None;
    };
    match error.code().as_deref() {
        Some("TGREV") => Some(Refusal::Revoked),
        Some("TGISS") => Some(Refusal::OtherIssuer),
        Some("TGNEW") => Some(Refusal::Unseen),
        _ => None,
    }
}

/// Runs one statement that opens with the gate. When the gate finds the subject
/// unseen, the statement was undone; the row is made (or filled in) and the statement
/// runs once more. Any other refusal is a 401 (see `AppError::from`).
pub async fn run<T, F, Fut>(pool: &PgPool, user: &AuthUser, statement: F) -> Result<T, AppError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    match statement().await {
        Err(error) if refusal(&error) == Some(Refusal::Unseen) => {
            admit(pool, user).await?;
            Ok(statement().await?)
        }
        result => Ok(result?),
    }
}

/// An answer found before any statement ran (a bad body, query or task id, another
/// user's URL) must not reach a signed-out token: 401 comes first, as it would from
/// the gate. Costs a round trip on those answers only.
pub async fn vouch<T>(
    pool: &PgPool,
    user: &AuthUser,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    match result {
        Err(error)
            if !matches!(
                error,
                AppError::Unauthorized | AppError::Unavailable | AppError::Internal
            ) =>
        {
            admit(pool, user).await?;
            Err(error)
        }
        result => result,
    }
}

/// The gate's work in separate statements, for when it cannot be folded: refuses a
/// signed-out token or a subject of another issuer, makes the subject's row from the
/// token on first sight (one row however many first requests race), and fills in an
/// email or name that the row lacks and the token has.
pub async fn admit(pool: &PgPool, user: &AuthUser) -> Result<(), AppError> {
    let access = db::access(pool, user).await?;
    if access.revoked {
        return Err(Rejection::Revoked.into());
    }
    let first_sight = access.issuer.is_none();
    let writes = match access.issuer.as_deref() {
        Some(owner) if owner != user.issuer() => return Err(Rejection::IssuerMismatch.into()),
        Some(_) => {
            (access.email_missing && user.carries_email())
                || (access.name_missing && user.carries_name())
        }
        None => true,
    };
    if !writes {
        return Ok(());
    }
    // `None` when another issuer's first request made the row in between.
    let row =
        db::upsert_token_user(pool, user.id(), user.issuer(), user.email(), user.name()).await?;
    if row.is_none() {
        return Err(Rejection::IssuerMismatch.into());
    }
    if first_sight {
        tracing::info!(user_id = %user.id(), issuer = %user.issuer(), "user row made from a token");
    }
    Ok(())
}

/// `sqlx::query_as!` for a statement that opens with `WHERE (SELECT token_gate($1, $2,
/// $3, $4, $5))`: it passes the user's id, issuer and token key, and whether the token
/// carries an email and a name, as `$1` to `$5`; the statement's own parameters follow.
macro_rules! gated_query_as {
    ($out:path, $sql:literal, $user:expr $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            $out,
            $sql,
            $user.id(),
            $user.issuer(),
            $user.token_id(),
            $user.carries_email(),
            $user.carries_name()
            $(, $arg)*
        )
    };
}

/// `sqlx::query!` for a gated statement, as `gated_query_as!`.
macro_rules! gated_query {
    ($sql:literal, $user:expr $(, $arg:expr)* $(,)?) => {
        sqlx::query!(
            $sql,
            $user.id(),
            $user.issuer(),
            $user.token_id(),
            $user.carries_email(),
            $user.carries_name()
            $(, $arg)*
        )
    };
}

pub(crate) use {gated_query, gated_query_as};
