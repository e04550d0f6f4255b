//! The SQL of throttling (`auth::throttle`): attempts counted per client, per (client,
//! email) pair and per email, and sign-ups per client, in windows.

use crate::auth::throttle::{self, Count, SignInCounts};
use sqlx::PgPool;
use std::time::Duration;

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
    count_in_window(pool, "sign-up", client, window).await
}

/// Counts one request under `scope` (a scope of migration 0009's check) for `key`, in
/// a window that starts again at one once it has closed.
pub async fn count_in_window(
    pool: &PgPool,
    scope: &str,
    key: &str,
    window: Duration,
) -> Result<Count, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        INSERT INTO sign_in_attempts AS a (scope, key, window_started_at, attempts)
        VALUES ($1, $2, now(), 1)
        ON CONFLICT (scope, key) DO UPDATE SET
            attempts = CASE WHEN a.window_started_at > now() - make_interval(secs => $3)
                THEN a.attempts + 1 ELSE 1 END,
            window_started_at = CASE WHEN a.window_started_at > now() - make_interval(secs => $3)
                THEN a.window_started_at ELSE now() END
        RETURNING attempts,
            extract(epoch FROM window_started_at - now())::float8 + $3 AS "left!"
        "#,
        scope,
        key,
        window.as_secs_f64()
    )
    .fetch_one(pool)
    .await?;
    Ok(count(row.attempts, row.left))
}
