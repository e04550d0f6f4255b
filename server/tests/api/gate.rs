//! `token_gate` (migrations 0005, 0008, 0009) read directly: what it decides does not depend
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
        "SELECT token_gate('someone', 'https://todo.test', 'jti-1', false, false, now())",
    )
    .fetch_one(&mut *session)
    .await
    .expect("the gate lets a live token of a known user through");
    assert!(passed);
}

/// A token issued before its user's `tokens_valid_after` (a sign-out everywhere) is
/// refused as signed out; one issued at or after it, or of a user without one, passes.
/// A token without `iat` passes only while no such time is set.
#[sqlx::test(migrations = false)]
async fn the_gate_refuses_tokens_issued_before_a_sign_out_everywhere(pool: PgPool) {
    server::db::migrate(&pool).await.expect("migrations");
    sqlx::query("INSERT INTO users (id, issuer) VALUES ('someone', 'https://todo.test')")
        .execute(&pool)
        .await
        .expect("a user");
    let gate = |issued_at: &'static str| {
        let pool = pool.clone();
        async move {
            let sql = format!(
                "SELECT token_gate('someone', 'https://todo.test', 'jti-1', false, false, {issued_at})"
            );
            match sqlx::query_scalar::<_, bool>(&sql).fetch_one(&pool).await {
                Ok(passed) => Ok(passed),
                Err(sqlx::Error::Database(error)) => {
                    Err(error.code().unwrap_or_default().into_owned())
                }
                Err(other) => panic!("{other}"),
            }
        }
    };
    assert_eq!(gate("now() - interval '1 hour'").await, Ok(true));
    assert_eq!(gate("NULL").await, Ok(true));
    sqlx::query("UPDATE users SET tokens_valid_after = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .expect("sign out everywhere");
    assert_eq!(gate("now() - interval '1 hour'").await, Err("TGREV".into()));
    assert_eq!(gate("NULL").await, Err("TGREV".into()));
    assert_eq!(gate("now()").await, Ok(true));
}
