//! The SQL of the account side: the user's row (name, password, when their tokens
//! stop), preferences, password resets and deleting an account. Every statement on a
//! user's data takes the `AuthUser` and opens with the gate (`auth::gate`).

use super::model::Preferences;
use crate::auth::{
    db::UserRow,
    gate::{gated_query, gated_query_as},
    AuthUser,
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub struct AccountRow {
    pub user: UserRow,
    pub has_password: bool,
    /// Not shown anywhere; the hash a change of password or a deletion checks.
    pub password_hash: String,
}

pub async fn account_of(pool: &PgPool, user: &AuthUser) -> Result<Option<AccountRow>, sqlx::Error> {
    let row = gated_query!(
        r#"
        SELECT id, issuer, email, name, created_at, password_hash FROM users
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND id = $1
        "#,
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| AccountRow {
        has_password: !r.password_hash.is_empty(),
        password_hash: r.password_hash,
        user: UserRow {
            id: r.id,
            issuer: r.issuer,
            email: r.email,
            name: r.name,
            created_at: r.created_at,
        },
    }))
}

pub async fn rename(
    pool: &PgPool,
    user: &AuthUser,
    name: &str,
) -> Result<Option<(UserRow, bool)>, sqlx::Error> {
    let row = gated_query!(
        r#"
        UPDATE users SET name = $7
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND id = $1
        RETURNING id, issuer, email, name, created_at, password_hash <> '' AS "has_password!"
        "#,
        user,
        name
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            UserRow {
                id: r.id,
                issuer: r.issuer,
                email: r.email,
                name: r.name,
                created_at: r.created_at,
            },
            r.has_password,
        )
    }))
}

/// Sets a new password hash, ends every token issued before now and every reset link
/// not used yet; only for an account that has a password here. The time it took
/// effect, or `None`.
pub async fn set_password(
    pool: &PgPool,
    user: &AuthUser,
    password_hash: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    gated_query!(
        r#"
        WITH changed AS (
            UPDATE users SET password_hash = $7, tokens_valid_after = now()
            WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND id = $1
              AND password_hash <> ''
            RETURNING id, tokens_valid_after
        ), links AS (
            UPDATE password_resets SET used_at = now()
            WHERE user_id IN (SELECT id FROM changed) AND used_at IS NULL
        )
        SELECT tokens_valid_after AS "valid_after!" FROM changed
        "#,
        user,
        password_hash
    )
    .fetch_optional(pool)
    .await
    .map(|row| row.map(|r| r.valid_after))
}

/// Refuses every token of the user issued before now, on every instance (the gate
/// reads this time). The time it took effect.
pub async fn end_every_session(
    pool: &PgPool,
    user: &AuthUser,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    gated_query!(
        r#"
        UPDATE users SET tokens_valid_after = now()
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND id = $1
        RETURNING tokens_valid_after AS "valid_after!"
        "#,
        user
    )
    .fetch_optional(pool)
    .await
    .map(|row| row.map(|r| r.valid_after))
}

/// The user's preferences; `None` when they never saved any.
pub async fn preferences_of(
    pool: &PgPool,
    user: &AuthUser,
) -> Result<Option<Preferences>, sqlx::Error> {
    gated_query_as!(
        Preferences,
        r#"
        SELECT filter, sort, theme FROM preferences
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1
        "#,
        user
    )
    .fetch_optional(pool)
    .await
}

pub async fn set_preferences(
    pool: &PgPool,
    user: &AuthUser,
    preferences: &Preferences,
) -> Result<Preferences, sqlx::Error> {
    gated_query_as!(
        Preferences,
        r#"
        INSERT INTO preferences (user_id, filter, sort, theme)
        SELECT $1, $7, $8, $9 WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6))
        ON CONFLICT (user_id) DO UPDATE SET
            filter = EXCLUDED.filter, sort = EXCLUDED.sort, theme = EXCLUDED.theme,
            updated_at = now()
        RETURNING filter, sort, theme
        "#,
        user,
        preferences.filter,
        preferences.sort,
        preferences.theme
    )
    .fetch_one(pool)
    .await
}

/// Deletes the user's row, and with it (by its foreign keys) their tasks, counts,
/// preferences and reset links, signs this token out and remembers the deletion (every
/// token issued before it is refused, `auth::db::access`), in one statement. Whether a
/// row was deleted.
pub async fn delete_account(pool: &PgPool, user: &AuthUser) -> Result<bool, sqlx::Error> {
    gated_query!(
        r#"
        WITH gone AS (
            DELETE FROM users
            WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND id = $1
            RETURNING id
        ), signed_out AS (
            INSERT INTO revoked_tokens (issuer, token_id, expires_at)
            SELECT $2, $3, $7 FROM gone
            ON CONFLICT (issuer, token_id) DO NOTHING
        ), remembered AS (
            INSERT INTO deleted_accounts (issuer, id, deleted_at)
            SELECT $2, id, now() FROM gone
            ON CONFLICT (issuer, id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at
        )
        SELECT count(*) AS "deleted!" FROM gone
        "#,
        user,
        user.token_expires_at()
    )
    .fetch_one(pool)
    .await
    .map(|row| row.deleted > 0)
}

/// Keeps a reset link's token, as its SHA-256, for `minutes`.
pub async fn insert_reset(
    pool: &PgPool,
    token_hash: &[u8],
    user_id: &str,
    minutes: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO password_resets (token_hash, user_id, expires_at)
        VALUES ($1, $2, now() + make_interval(mins => $3))
        "#,
        token_hash,
        user_id,
        minutes
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// What became of a reset link: unknown (`None`), used, or expired.
pub struct ResetState {
    pub used: bool,
    pub expired: bool,
}

pub async fn reset_state(
    pool: &PgPool,
    token_hash: &[u8],
) -> Result<Option<ResetState>, sqlx::Error> {
    sqlx::query_as!(
        ResetState,
        r#"
        SELECT used_at IS NOT NULL AS "used!", expires_at <= now() AS "expired!"
        FROM password_resets WHERE token_hash = $1
        "#,
        token_hash
    )
    .fetch_optional(pool)
    .await
}

/// Uses a reset link once: sets the password of its account, ends every token issued
/// before now and every other link of that account, in one statement. The account's
/// id, or `None` when the link was used, has expired or names no account with a
/// password (a racing reset used it first).
pub async fn use_reset(
    pool: &PgPool,
    token_hash: &[u8],
    password_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        WITH claimed AS (
            UPDATE password_resets SET used_at = now()
            WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
            RETURNING user_id
        ), changed AS (
            UPDATE users SET password_hash = $2, tokens_valid_after = now()
            FROM claimed WHERE users.id = claimed.user_id AND users.password_hash <> ''
            RETURNING users.id
        ), others AS (
            UPDATE password_resets SET used_at = now()
            WHERE user_id IN (SELECT id FROM changed) AND used_at IS NULL AND token_hash <> $1
        )
        SELECT id FROM changed
        "#,
        token_hash,
        password_hash
    )
    .fetch_optional(pool)
    .await
}

/// Forgets reset links that ended a day ago.
pub async fn delete_old_resets(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM password_resets WHERE expires_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}
