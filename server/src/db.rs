//! The connection pool and the migrations.

use crate::config::DatabaseConfig;
use secrecy::ExposeSecret;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    Connection, PgPool,
};
use std::time::Duration;

/// Makes the pool and checks that the database answers, so that a wrong URL fails at
/// start with a clear message rather than on the first request.
pub async fn connect(config: &DatabaseConfig) -> Result<PgPool, sqlx::Error> {
    let options: PgConnectOptions = config.url.expose_secret().parse()?;
    pool_options(config).connect_with(options).await
}

/// A connection idle for longer than this is pinged before it is handed out: it may
/// have been closed meanwhile (a database restart, an idle timeout on the way).
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

pub fn pool_options(config: &DatabaseConfig) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(config.acquire_timeout)
        // sqlx's default pings every connection it hands out: a second round trip on
        // every request. A connection in steady use needs none (sqlx also pings each one
        // as it comes back, so a broken one is never pooled again); one idle for a while
        // is pinged, and one that fails is replaced.
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_IF_IDLE_FOR {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("../migrations").run(pool).await
}
