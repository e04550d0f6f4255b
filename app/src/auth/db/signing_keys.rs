//! The SQL of our signing keys (`auth::keys`), when they live in the database.

use sqlx::{PgPool, Postgres, Transaction};
use std::time::Duration;

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
