//! The SQL of identity: users, revocations, sign-in attempts, signing keys.

use super::{
    gate::{gated_query, gated_query_as},
    identity::AuthUser,
    model::User,
    throttle::{self, Count, SignInCounts},
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

pub async fn access(pool: &PgPool, user: &AuthUser) -> Result<Access, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        SELECT
            EXISTS (
                SELECT 1 FROM revoked_tokens WHERE issuer = $3 AND token_id = $2
            ) AS "revoked!",
            u.issuer AS "issuer?",
            u.email AS "email?",
            u.name AS "name?"
        FROM (SELECT 1) AS one
        LEFT JOIN users u ON u.id = $1
        "#,
        user.id(),
        user.token_id(),
        user.issuer()
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
        SELECT $2, $3, $6 WHERE (SELECT token_gate($1, $2, $3, $4, $5))
        ON CONFLICT (issuer, token_id) DO NOTHING
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

/// Counts one sign-in attempt, in one statement: for the client; then, unless the
/// client is over `max_per_client`, for the (client, email) pair; then, unless the pair
/// is over `max_per_pair`, for the email. A window that has closed starts again at one.
pub async fn count_sign_in_attempt(
    pool: &PgPool,
    email: &str,
    client: &str,
    window: Duration,
    max_per_client: u32,
    max_per_pair: u32,
) -> Result<SignInCounts, sqlx::Error> {
    let pair = throttle::pair_key(client, email);
    let row = sqlx::query!(
        r#"
        WITH client AS (
            INSERT INTO sign_in_attempts AS a (scope, key, window_started_at, attempts)
            VALUES ('client', $2, now(), 1)
            ON CONFLICT (scope, key) DO UPDATE SET
                attempts = CASE WHEN a.window_started_at > now() - make_interval(secs => $4)
                    THEN a.attempts + 1 ELSE 1 END,
                window_started_at = CASE WHEN a.window_started_at > now() - make_interval(secs => $4)
                    THEN a.window_started_at ELSE now() END
            RETURNING attempts, window_started_at
        ), pair AS (
            INSERT INTO sign_in_attempts AS a (scope, key, window_started_at, attempts)
            SELECT 'pair', $3, now(), 1 FROM client WHERE client.attempts <= $5
            ON CONFLICT (scope, key) DO UPDATE SET
                attempts = CASE WHEN a.window_started_at > now() - make_interval(secs => $4)
                    THEN a.attempts + 1 ELSE 1 END,
                window_started_at = CASE WHEN a.window_started_at > now() - make_interval(secs => $4)
                    THEN a.window_started_at ELSE now() END
            RETURNING attempts, window_started_at
        ), email AS (
            INSERT INTO sign_in_attempts AS a (scope, key, window_started_at, attempts)
            SELECT 'email', $1, now(), 1 FROM pair WHERE pair.attempts <= $6
            ON CONFLICT (scope, key) DO UPDATE SET
                attempts = CASE WHEN a.window_started_at > now() - make_interval(secs => $4)
                    THEN a.attempts + 1 ELSE 1 END,
                window_started_at = CASE WHEN a.window_started_at > now() - make_interval(secs => $4)
                    THEN a.window_started_at ELSE now() END
            RETURNING attempts, window_started_at
        )
        SELECT
            client.attempts AS client_attempts,
            extract(epoch FROM client.window_started_at - now())::float8 + $4 AS "client_left!",
            pair.attempts AS "pair_attempts?",
            extract(epoch FROM pair.window_started_at - now())::float8 + $4 AS "pair_left?",
            email.attempts AS "email_attempts?",
            extract(epoch FROM email.window_started_at - now())::float8 + $4 AS "email_left?"
        FROM client LEFT JOIN pair ON true LEFT JOIN email ON true
        "#,
        email,
        client,
        pair,
        window.as_secs_f64(),
        i32::try_from(max_per_client).unwrap_or(i32::MAX),
        i32::try_from(max_per_pair).unwrap_or(i32::MAX)
    )
    .fetch_one(pool)
    .await?;
    Ok(SignInCounts {
        client: count(row.client_attempts, row.client_left),
        pair: row
            .pair_attempts
            .zip(row.pair_left)
            .map(|(a, l)| count(a, l)),
        email: row
            .email_attempts
            .zip(row.email_left)
            .map(|(a, l)| count(a, l)),
    })
}

fn count(attempts: i32, seconds_left: f64) -> Count {
    Count {
        attempts: u32::try_from(attempts).unwrap_or(0),
        resets_in: Duration::try_from_secs_f64(seconds_left.ceil()).unwrap_or_default(),
    }
}

/// A successful sign-in gives its attempt back: to the client, and to the email (whose
/// count is then the failures of everyone); the pair starts over.
pub async fn forgive_sign_in_attempt(
    pool: &PgPool,
    email: &str,
    client: &str,
) -> Result<(), sqlx::Error> {
    let pair = throttle::pair_key(client, email);
    sqlx::query!(
        r#"
        WITH forgotten AS (
            DELETE FROM sign_in_attempts WHERE scope = 'pair' AND key = $3
        )
        UPDATE sign_in_attempts SET attempts = greatest(attempts - 1, 0)
        WHERE (scope = 'client' AND key = $2) OR (scope = 'email' AND key = $1)
        "#,
        email,
        client,
        pair
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Counts one sign-up of a client.
pub async fn count_sign_up(
    pool: &PgPool,
    client: &str,
    window: Duration,
) -> Result<Count, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        INSERT INTO sign_in_attempts AS a (scope, key, window_started_at, attempts)
        VALUES ('sign-up', $1, now(), 1)
        ON CONFLICT (scope, key) DO UPDATE SET
            attempts = CASE WHEN a.window_started_at > now() - make_interval(secs => $2)
                THEN a.attempts + 1 ELSE 1 END,
            window_started_at = CASE WHEN a.window_started_at > now() - make_interval(secs => $2)
                THEN a.window_started_at ELSE now() END
        RETURNING attempts,
            extract(epoch FROM window_started_at - now())::float8 + $2 AS "left!"
        "#,
        client,
        window.as_secs_f64()
    )
    .fetch_one(pool)
    .await?;
    Ok(count(row.attempts, row.left))
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
