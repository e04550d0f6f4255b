//! The SQL of the click counter.

use sqlx::PgPool;

pub async fn count(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM clicks"#)
        .fetch_one(pool)
        .await
}

/// Records one click and returns the count including it, in one round trip.
pub async fn record(pool: &PgPool) -> Result<i64, sqlx::Error> {
    // The outer SELECT does not see the row its own CTE inserts, hence the + 1.
    sqlx::query_scalar!(
        r#"
        WITH inserted AS (INSERT INTO clicks DEFAULT VALUES RETURNING id)
        SELECT (SELECT count(*) FROM clicks) + (SELECT count(*) FROM inserted) AS "count!"
        "#
    )
    .fetch_one(pool)
    .await
}
