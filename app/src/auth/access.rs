//! Running gated statements (`auth::gate`): when the gate finds the token's subject
//! unseen, its row is made (or filled in) from the token and the statement runs once
//! more; and an answer found before any statement is vouched for, so that a signed-out
//! token always gets 401 first.

use super::{
    db,
    gate::{refusal, Refusal},
    identity::AuthUser,
};
use crate::error::AppError;
use sqlx::PgPool;
use std::future::Future;

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
/// signed-out token (or one of a deleted account) or a subject of another issuer, makes
/// the subject's row from the token on first sight (one row however many first requests race), and fills in an
/// email or name that the row lacks and the token has.
pub async fn admit(pool: &PgPool, user: &AuthUser) -> Result<(), AppError> {
    let access = db::access(pool, user).await?;
    if access.revoked {
        return Err(Refusal::Revoked.into());
    }
    let first_sight = access.issuer.is_none();
    let writes = match access.issuer.as_deref() {
        Some(owner) if owner != user.issuer() => return Err(Refusal::OtherIssuer.into()),
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
        return Err(Refusal::OtherIssuer.into());
    }
    if first_sight {
        tracing::info!(user_id = %user.id(), issuer = %user.issuer(), "user row made from a token");
    }
    Ok(())
}
