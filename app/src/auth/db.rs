//! The SQL of identity: users, revocations, sign-in attempts, signing keys.

use super::{
    gate::{gated_query, gated_query_as},
    identity::AuthUser,
    model::User,
};
use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};
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
}

pub async fn local_account_by_email(
    pool: &PgPool,
    email: &str,
) -> Result<Option<LocalAccount>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT id, issuer, email, name, created_at, password_hash
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
    }))
}

/// The row of the token's subject. Gated (see `gate`).
pub async fn user_of(pool: &PgPool, user: &AuthUser) -> Result<Option<UserRow>, sqlx::Error> {
    gated_query_as!(
        UserRow,
        r#"
        SELECT id, issuer, email, name, created_at FROM users
        WHERE (SELECT token_gate($1, $2, $3, $4, $5)) AND id = $1
        "#,
        user
    )
    .fetch_optional(pool)
    .await
}

/// What the gate knows about a token and its subject, for `gate::admit`.
#[derive(Debug)]
pub struct Access {
    pub revoked: bool,
    /// `None` when the user has no row yet.
    pub issuer: Option<String>,
    pub email_missing: bool,
    pub name_missing: bool,
}

pub async fn access(pool: &PgPool, user_id: &str, token_id: &str) -> Result<Access, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT
            EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = $2) AS "revoked!",
            u.issuer AS "issuer?",
            u.email AS "email?",
            u.name AS "name?"
        FROM (SELECT 1) AS one
        LEFT JOIN users u ON u.id = $1
        "#,
        user_id,
        token_id
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
        INSERT INTO revoked_tokens (token_id, expires_at)
        SELECT $3, $6 WHERE (SELECT token_gate($1, $2, $3, $4, $5))
        ON CONFLICT (token_id) DO NOTHING
        "#,
        user,
        expires_at
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets what no longer matters: revocations of expired tokens, attempt windows that
/// have closed.
pub async fn delete_expired(pool: &PgPool, window: Duration) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM revoked_tokens WHERE expires_at < now() - interval '5 minutes'")
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

/// The counts after recording one attempt, and when each window ends.
#[derive(Debug)]
pub struct AttemptCounts {
    pub by_email: (i32, DateTime<Utc>),
    pub by_client: (i32, DateTime<Utc>),
}

/// Counts one sign-in attempt for the email and for the client in one statement; a
/// window that has closed starts again at one.
pub async fn count_sign_in_attempt(
    pool: &PgPool,
    email: &str,
    client: &str,
    window: Duration,
) -> Result<AttemptCounts, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        INSERT INTO sign_in_attempts AS a (scope, key, window_started_at, attempts)
        VALUES ('email', $1, now(), 1), ('client', $2, now(), 1)
        ON CONFLICT (scope, key) DO UPDATE SET
            attempts = CASE
                WHEN a.window_started_at > now() - make_interval(secs => $3) THEN a.attempts + 1
                ELSE 1 END,
            window_started_at = CASE
                WHEN a.window_started_at > now() - make_interval(secs => $3) THEN a.window_started_at
                ELSE now() END
        RETURNING scope, attempts,
            window_started_at + make_interval(secs => $3) AS "window_ends_at!"
        "#,
        email,
        client,
        window.as_secs_f64()
    )
    .fetch_all(pool)
    .await?;
    let mut counts = AttemptCounts {
        by_email: (0, Utc::now()),
        by_client: (0, Utc::now()),
    };
    for row in rows {
        let entry = (row.attempts, row.window_ends_at);
        if row.scope == "email" {
            counts.by_email = entry;
        } else {
            counts.by_client = entry;
        }
    }
    Ok(counts)
}

/// A successful sign-in: the email's count starts over, the client gets its attempt back.
pub async fn forgive_sign_in_attempt(
    pool: &PgPool,
    email: &str,
    client: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        WITH forgotten AS (
            DELETE FROM sign_in_attempts WHERE scope = 'email' AND key = $1
        )
        UPDATE sign_in_attempts SET attempts = greatest(attempts - 1, 0)
        WHERE scope = 'client' AND key = $2
        "#,
        email,
        client
    )
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Next,
    Current,
    Retired,
}

impl KeyState {
    fn as_str(self) -> &'static str {
        match self {
            KeyState::Next => "next",
            KeyState::Current => "current",
            KeyState::Retired => "retired",
        }
    }

    fn parse(state: &str) -> Self {
        match state {
            "next" => KeyState::Next,
            "current" => KeyState::Current,
            _ => KeyState::Retired,
        }
    }
}

pub struct KeyRow {
    pub kid: String,
    pub private_key: Vec<u8>,
    pub state: KeyState,
}

/// Serialises every change to the key set across instances, until the transaction ends.
pub async fn lock_signing_keys(tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    // An arbitrary constant that names this lock ("signkey" in ASCII).
    sqlx::query!("SELECT pg_advisory_xact_lock(7235447115189625)")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn signing_key_states(
    tx: &mut Transaction<'_, Postgres>,
) -> Result<Vec<KeyState>, sqlx::Error> {
    let states = sqlx::query_scalar!("SELECT state FROM signing_keys WHERE state <> 'retired'")
        .fetch_all(&mut **tx)
        .await?;
    Ok(states.iter().map(|s| KeyState::parse(s)).collect())
}

pub async fn insert_signing_key(
    tx: &mut Transaction<'_, Postgres>,
    kid: &str,
    private_key: &[u8],
    state: KeyState,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO signing_keys (kid, private_key, state) VALUES ($1, $2, $3)",
        kid,
        private_key,
        state.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every key that may still verify a live token.
pub async fn published_signing_keys(
    pool: &PgPool,
    retention: Duration,
) -> Result<Vec<KeyRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT kid, private_key, state FROM signing_keys
        WHERE state <> 'retired' OR retired_at > now() - make_interval(secs => $1)
        ORDER BY created_at
        "#,
        retention.as_secs_f64()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyRow {
            kid: r.kid,
            private_key: r.private_key,
            state: KeyState::parse(&r.state),
        })
        .collect())
}

pub async fn retire_current_signing_key(
    tx: &mut Transaction<'_, Postgres>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE signing_keys SET state = 'retired', retired_at = now() WHERE state = 'current'"
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes the next key the current one and returns its `kid`.
pub async fn promote_next_signing_key(
    tx: &mut Transaction<'_, Postgres>,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE signing_keys SET state = 'current' WHERE state = 'next' RETURNING kid"
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn delete_expired_signing_keys(
    tx: &mut Transaction<'_, Postgres>,
    retention: Duration,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM signing_keys WHERE state = 'retired' AND retired_at < now() - make_interval(secs => $1)",
        retention.as_secs_f64()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
