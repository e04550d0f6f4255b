//! Every algorithm Better Auth's JWT plugin can be configured with, from a real Better
//! Auth server configured with it: its tokens are accepted; the same token under
//! another algorithm's name, an HMAC token keyed with its public key, and an unsigned
//! one are not (the algorithm comes from the key, RFC 8725 §3.1).

use crate::helpers::{
    assert_unauthorized,
    better_auth::{BetterAuth, Setup},
    spawn_app_with, test_config,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};
use sqlx::PgPool;

/// A header with `changes` applied, on the same payload and signature.
fn with_header(token: &str, changes: Value) -> String {
    let (header, rest) = token.split_once('.').expect("a JWT");
    let mut header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64url")).expect("JSON");
    for (name, value) in changes.as_object().expect("an object") {
        header[name] = value.clone();
    }
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("JSON"));
    format!("{header}.{rest}")
}

async fn an_issuer_signing_with(pool: PgPool, alg: &'static str, impostor: &str) {
    let better_auth = BetterAuth::start_with(
        &pool,
        Setup {
            alg,
            ..Setup::default()
        },
    )
    .await;
    let mut config = test_config();
    config.auth.trusted = Some(better_auth.trusted());
    let app = spawn_app_with(pool.clone(), config).await;
    let ada = better_auth.new_user("Ada").await;
    let token = better_auth.token(&ada).await;
    let jwks = better_auth.jwks().await;
    let key = &jwks["keys"][0];
    assert_eq!(key["alg"], alg, "Better Auth publishes a key of {alg}");

    let tasks = app.url(&format!("/api/{}/tasks", ada.id));
    let created = app
        .client
        .post(&tasks)
        .bearer_auth(&token)
        .json(&json!({"title": format!("Signed with {alg}")}))
        .send()
        .await
        .expect("our server answers");
    assert_eq!(created.status(), 201, "{alg}");
    let listed = app
        .client
        .get(&tasks)
        .bearer_auth(&token)
        .send()
        .await
        .expect("our server answers");
    assert_eq!(listed.status(), 200, "{alg}");

    let kid = key["kid"].clone();
    let (_, claims) = token.split_once('.').expect("a JWT");
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(claims.split('.').next().expect("claims"))
            .expect("base64url"),
    )
    .expect("JSON");
    let hmac = |secret: &[u8]| {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = kid.as_str().map(str::to_owned);
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret),
        )
        .expect("an HMAC token")
    };
    let refused = [
        // The same signature, said to be of another algorithm.
        with_header(&token, json!({ "alg": impostor })),
        // Keyed with what the issuer publishes, as a confused verifier would take it.
        hmac(jwks.to_string().as_bytes()),
        hmac(key.to_string().as_bytes()),
        // Unsigned.
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(json!({"alg": "none", "kid": kid}).to_string()),
            token.split('.').nth(1).expect("claims")
        ),
        with_header(&token, json!({ "alg": "none" })),
    ];
    for forged in refused {
        let response = app
            .client
            .get(&tasks)
            .bearer_auth(&forged)
            .send()
            .await
            .expect("our server answers");
        assert_unauthorized(response).await;
    }
    better_auth.finish().await;
}

#[sqlx::test(migrations = false)]
async fn eddsa(pool: PgPool) {
    an_issuer_signing_with(pool, "EdDSA", "ES256").await;
}

#[sqlx::test(migrations = false)]
async fn es256(pool: PgPool) {
    an_issuer_signing_with(pool, "ES256", "ES512").await;
}

#[sqlx::test(migrations = false)]
async fn es512(pool: PgPool) {
    an_issuer_signing_with(pool, "ES512", "ES256").await;
}

#[sqlx::test(migrations = false)]
async fn rs256(pool: PgPool) {
    an_issuer_signing_with(pool, "RS256", "PS256").await;
}

#[sqlx::test(migrations = false)]
async fn ps256(pool: PgPool) {
    an_issuer_signing_with(pool, "PS256", "RS256").await;
}
