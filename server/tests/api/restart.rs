//! Keys outlive the process: a token issued before a restart verifies after it, and
//! instances on one database share the keys.

use crate::helpers::{assert_unauthorized, spawn_app, tokens::spawn_app_with_key_file};
use app::auth::keys::KeySource;
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;

#[sqlx::test(migrations = false)]
async fn a_token_issued_before_a_restart_verifies_after_it(pool: PgPool) {
    let first = spawn_app(pool.clone()).await;
    let session = first.new_user().await;
    let token = session["token"].as_str().expect("token").to_owned();
    let jwks_before: Value = first
        .get("/api/auth/jwks")
        .await
        .json()
        .await
        .expect("JSON");
    drop(first);

    let second = spawn_app(pool).await;
    assert_eq!(second.me(&token).await.status(), 200);
    let jwks_after: Value = second
        .get("/api/auth/jwks")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(jwks_before, jwks_after, "the restart made new keys");
}

#[sqlx::test(migrations = false)]
async fn two_instances_on_one_database_share_keys_and_sign_outs(pool: PgPool) {
    let a = spawn_app(pool.clone()).await;
    let b = spawn_app(pool).await;
    let session = a.new_user().await;
    let token = session["token"].as_str().expect("token");
    assert_eq!(b.me(token).await.status(), 200);
    assert_eq!(b.sign_out(token).await.status(), 204);
    assert_unauthorized(a.me(token).await).await;
}

#[sqlx::test(migrations = false)]
async fn a_rotation_keeps_old_tokens_valid_and_signs_with_the_published_next_key(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let before = app.new_user().await;
    let old_token = before["token"].as_str().expect("token");
    let jwks: Value = app.get("/api/auth/jwks").await.json().await.expect("JSON");
    let published: Vec<String> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str().map(str::to_owned))
        .collect();

    let promoted = app::auth::keys::rotate(&pool, Duration::from_secs(3600))
        .await
        .expect("rotate");
    assert!(
        published.contains(&promoted),
        "the new signing key was not published ahead"
    );

    // A second instance started after the rotation signs with the promoted key, and
    // the first instance verifies its tokens without a restart.
    let later = spawn_app(pool).await;
    let after = later.new_user().await;
    let new_token = after["token"].as_str().expect("token");
    assert_eq!(app.me(new_token).await.status(), 200);
    assert_eq!(later.me(old_token).await.status(), 200);
    let jwks: Value = later
        .get("/api/auth/jwks")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        jwks["keys"].as_array().expect("keys").len(),
        3,
        "retired, current, next: {jwks}"
    );
}

#[sqlx::test(migrations = false)]
async fn a_key_file_survives_restarts_too(pool: PgPool) {
    let (first, _key, kid, file) = spawn_app_with_key_file(pool.clone()).await;
    let session = first.new_user().await;
    let token = session["token"].as_str().expect("token").to_owned();
    drop(first);

    let mut config = crate::helpers::test_config();
    config.auth.keys = KeySource::File {
        signing: file.0.clone(),
        previous: Vec::new(),
    };
    let second = crate::helpers::spawn_app_with(pool, config).await;
    assert_eq!(second.me(&token).await.status(), 200);
    let jwks: Value = second
        .get("/api/auth/jwks")
        .await
        .json()
        .await
        .expect("JSON");
    assert!(jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .any(|k| k["kid"] == kid.as_str()));
}
