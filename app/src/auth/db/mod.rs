//! The SQL of identity: users and revocations here; sign-in and sign-up counts in
//! `attempts`, our signing keys in `signing_keys`.

mod attempts;
mod signing_keys;

pub use attempts::{
    count_in_window, count_sign_in_attempt, count_sign_up, forgive_sign_in_attempt,
};
pub use signing_keys::*;

use super::{
    gate::{gated_query, gated_query_as},
    identity::AuthUser,
    model::User,
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub issuer: String,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn to_user(&self) -> User {
        User {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            created_at: crate::time::rfc3339(self.created_at),
        }
    }
}

/// The unique index that makes a sign-up with a taken email fail.
pub const LOCAL_EMAIL_KEY: &str = "users_local_email_key";

pub async fn insert_local_user(
    pool: &PgPool,
    id: &str,
    issuer: &str,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<UserRow, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"
        INSERT INTO users (id, issuer, email, name, password_hash)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id, issuer, email, name, created_at
        "#,
        id,
        issuer,
        email,
        name,
        password_hash
    )
    .fetch_one(pool)
    .await
}

pub struct LocalAccount {
    pub user: UserRow,
    pub password_hash: String,
    /// Tokens issued before this are refused (a sign-out everywhere).
    pub tokens_valid_after: Option<DateTime<Utc>>,
}

pub async fn local_account_by_email(
    pool: &PgPool,
    email: &str,
) -> Result<Option<LocalAccount>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT id, issuer, email, name, created_at, password_hash, tokens_valid_after
        FROM users
        WHERE email = $1 AND password_hash <> ''
        "#,
        email
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| LocalAccount {
        user: UserRow {
            id: r.id,
            issuer: r.issuer,
            email: r.email,
            name: r.name,
            created_at: r.created_at,
        },
        password_hash: r.password_hash,
        tokens_valid_after: r.tokens_valid_after,
    }))
}

/// The row of the token's subject. Gated (see `gate`).
pub async fn user_of(pool: &PgPool, user: &AuthUser) -> Result<Option<UserRow>, sqlx::Error> {
    gated_query_as!(
        UserRow,
        r#"
        SELECT id, issuer, email, name, created_at FROM users
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND id = $1
        "#,
        user
    )
    .fetch_optional(pool)
    .await
}

/// What the gate knows about a token and its subject, for `access::admit`.
#[derive(Debug)]
pub struct Access {
    pub revoked: bool,
    /// `None` when the user has no row yet.
    pub issuer: Option<String>,
    pub email_missing: bool,
    pub name_missing: bool,
}

pub async fn access(pool: &PgPool, user: &AuthUser) -> Result<Access, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT
            (EXISTS (
                SELECT 1 FROM revoked_tokens WHERE issuer = $3 AND token_id = $2
            ) OR coalesce($4 < u.tokens_valid_after, u.tokens_valid_after IS NOT NULL)
              OR EXISTS (
                SELECT 1 FROM deleted_accounts d
                WHERE d.issuer = $3 AND d.id = $1 AND coalesce($4 < d.deleted_at, true)
            )) AS "revoked!",
            u.issuer AS "issuer?",
            u.email AS "email?",
            u.name AS "name?"
        FROM (SELECT 1) AS one
        LEFT JOIN users u ON u.id = $1
        "#,
        user.id(),
        user.token_id(),
        user.issuer(),
        user.issued_at()
    )
    .fetch_one(pool)
    .await?;
    Ok(Access {
        revoked: row.revoked,
        issuer: row.issuer,
        email_missing: row.email.is_some_and(|e| e.is_empty()),
        name_missing: row.name.is_some_and(|n| n.is_empty()),
    })
}

/// Creates the row of a token's subject, or fills in an email or name it lacks, in one
/// idempotent statement: concurrent first requests make exactly one row. `None` when the
/// row belongs to another issuer.
pub async fn upsert_token_user(
    pool: &PgPool,
    id: &str,
    issuer: &str,
    email: &str,
    name: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"
        INSERT INTO users (id, issuer, email, name)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (id) DO UPDATE SET
            email = CASE WHEN users.email = '' THEN EXCLUDED.email ELSE users.email END,
            name = CASE WHEN users.name = '' THEN EXCLUDED.name ELSE users.name END
        WHERE users.issuer = EXCLUDED.issuer
        RETURNING id, issuer, email, name, created_at
        "#,
        id,
        issuer,
        email,
        name
    )
    .fetch_optional(pool)
    .await
}

/// Signs the token out, on every instance. Gated (see `gate`): a token signed out
/// already is refused.
pub async fn revoke(
    pool: &PgPool,
    user: &AuthUser,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    gated_query!(
        r#"
        INSERT INTO revoked_tokens (issuer, token_id, expires_at)
        SELECT $2, $3, $7 WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6))
        ON CONFLICT (issuer, token_id) DO NOTHING
        "#,
        user,
        expires_at
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets what no longer matters: revocations of expired tokens, deletions older than
/// any token, attempt windows that have closed.
pub async fn delete_expired(pool: &PgPool, window: Duration) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM revoked_tokens WHERE expires_at < now() - interval '5 minutes'")
        .execute(pool)
        .await?;
    sqlx::query!("DELETE FROM deleted_accounts WHERE deleted_at < now() - interval '30 days'")
        .execute(pool)
        .await?;
    sqlx::query!(
        "DELETE FROM sign_in_attempts WHERE window_started_at < now() - make_interval(secs => $1)",
        window.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether an account with a password already has this email.
pub async fn local_email_taken(pool: &PgPool, email: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE email = $1 AND password_hash <> '') AS "taken!""#,
        email
    )
    .fetch_one(pool)
    .await
}
