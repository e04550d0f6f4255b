//! `token_gate` (migrations 0005, 0008) read directly: what it decides does not depend
//! on the caller's session.

use sqlx::PgPool;

/// A table named like ours earlier on a session's search_path (another role's schema,
/// say) must not stand in for ours: the gate always reads `public`.
#[sqlx::test(migrations = false)]
async fn the_gate_reads_its_own_tables_whatever_the_search_path(pool: PgPool) {
    server::db::migrate(&pool).await.expect("migrations");
    sqlx::query("INSERT INTO users (id, issuer) VALUES ('someone', 'https://todo.test')")
        .execute(&pool)
        .await
        .expect("a user");
    let mut session = pool.acquire().await.expect("a connection");
    for statement in [
        "CREATE SCHEMA shadow",
        "CREATE TABLE shadow.revoked_tokens (issuer text, token_id text, expires_at timestamptz)",
        "INSERT INTO shadow.revoked_tokens VALUES ('https://todo.test', 'jti-1', now())",
        "CREATE TABLE shadow.users (id text, issuer text, email text, name text)",
        "SET search_path = shadow, public",
    ] {
        sqlx::query(statement)
            .execute(&mut *session)
            .await
            .expect(statement);
    }
    let passed: bool = sqlx::query_scalar(
        "SELECT token_gate('someone', 'https://todo.test', 'jti-1', false, false)",
    )
    .fetch_one(&mut *session)
    .await
    .expect("the gate lets a live token of a known user through");
    assert!(passed);
}
